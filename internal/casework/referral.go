package casework

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/wilayah"
)

// A referral (rujukan) hands a part of a case to another service: another
// unit of layan, which answers from its own account, or an outside agency
// (a puskesmas, a school, Dukcapil), which has no account and answers
// through a link. A referral is closed only by its outcome or by a decline,
// never by being sent (issue 5, point 6).

// AgencyKind is the kind of an outside agency a case is referred to.
type AgencyKind string

const (
	AgencyPuskesmas  AgencyKind = "puskesmas"
	AgencyRumahSakit AgencyKind = "rumah_sakit"
	AgencySekolah    AgencyKind = "sekolah"
	AgencyDukcapil   AgencyKind = "dukcapil" // civil registry: KTP, KK, akta
	AgencyLKS        AgencyKind = "lks"      // lembaga kesejahteraan sosial
	AgencyLainnya    AgencyKind = "lainnya"
)

// AgencyKinds in display order.
var AgencyKinds = []AgencyKind{AgencyPuskesmas, AgencyRumahSakit, AgencySekolah, AgencyDukcapil, AgencyLKS, AgencyLainnya}

// Valid reports whether k is a known kind.
func (k AgencyKind) Valid() bool { return oneOf(k, AgencyKinds) }

// ReferralStatus is where a referral stands.
type ReferralStatus string

const (
	RujukanDikirim  ReferralStatus = "dikirim"  // sent, not yet answered
	RujukanDiterima ReferralStatus = "diterima" // accepted, the service under way
	RujukanDitolak  ReferralStatus = "ditolak"  // declined: closed
	RujukanSelesai  ReferralStatus = "selesai"  // outcome recorded: closed
)

// ReferralStatuses in their order.
var ReferralStatuses = []ReferralStatus{RujukanDikirim, RujukanDiterima, RujukanDitolak, RujukanSelesai}

// Valid reports whether s is a known status.
func (s ReferralStatus) Valid() bool { return oneOf(s, ReferralStatuses) }

// Closed reports whether nothing more is awaited of the referral.
func (s ReferralStatus) Closed() bool { return s == RujukanDitolak || s == RujukanSelesai }

const (
	// DefaultReferralLinkTTL is how long an outside agency's link works:
	// long enough for a service to be given, short enough that a link
	// forwarded or left in a chat stops opening a person's data.
	DefaultReferralLinkTTL = 30 * 24 * time.Hour
	// DefaultReferralDays is the time to answer when the sender sets none.
	DefaultReferralDays = 7
	maxReferralDays     = 60
	maxAgencyName       = 200
	maxReceiverName     = 200
	// linkTokenLen is the length of a token: 32 random bytes in base64url.
	linkTokenLen = 43
)

// Referral is a referral as stored, with the names of the units involved.
type Referral struct {
	ID     int64 `json:"id"`
	CaseID int64 `json:"case_id"`
	Cycle  int   `json:"cycle"`
	// ToUnit is the receiving unit, 0 for an outside agency.
	ToUnit     int64      `json:"to_unit"`
	ToUnitName string     `json:"to_unit_name,omitempty"`
	AgencyKind AgencyKind `json:"agency_kind,omitempty"`
	AgencyName string     `json:"agency_name,omitempty"`
	// Transfer moves the case to ToUnit when the referral is accepted.
	Transfer bool           `json:"transfer"`
	Need     Need           `json:"need,omitempty"`
	Purpose  string         `json:"purpose"`
	Status   ReferralStatus `json:"status"`
	SentBy   int64          `json:"sent_by,omitempty"`
	// SentByName and FromUnitName are the sender and the unit of their
	// account, as the receiver reads them.
	SentByName   string `json:"sent_by_name,omitempty"`
	FromUnitName string `json:"from_unit_name,omitempty"`
	// The person referred, as little as the receiver needs to know whom
	// it is about (UU 27/2022 data minimisation, as the outside link).
	PersonName      string     `json:"person_name"`
	PersonSex       string     `json:"person_sex"`
	PersonBirthYear int        `json:"person_birth_year,omitempty"`
	SentAt          time.Time  `json:"sent_at"`
	DueAt           time.Time  `json:"due_at"`
	EscalatedAt     *time.Time `json:"escalated_at,omitempty"`
	AnsweredAt      *time.Time `json:"answered_at,omitempty"`
	AnsweredBy      string     `json:"answered_by,omitempty"`
	AnswerNote      string     `json:"answer_note,omitempty"`
	Outcome         string     `json:"outcome,omitempty"`
	ClosedAt        *time.Time `json:"closed_at,omitempty"`
	LinkExpires     *time.Time `json:"link_expires,omitempty"`
	Version         int        `json:"version"`
	// Link is the outside agency's token, in the answer of the call that
	// created the referral only: the database keeps its hash alone, so it
	// cannot be shown again.
	Link string `json:"link,omitempty"`
}

// ReferralInput is a referral to send: to a unit (ToUnit) or to an outside
// agency (AgencyKind and AgencyName), exactly one of the two.
type ReferralInput struct {
	ToUnit     int64  `json:"to_unit"`
	AgencyKind string `json:"agency_kind"`
	AgencyName string `json:"agency_name"`
	Need       string `json:"need"` // optional: the assessed need the referral serves
	Purpose    string `json:"purpose"`
	// DueInDays is the time to answer, 1 to 60 days; 0 means
	// DefaultReferralDays.
	DueInDays int `json:"due_in_days"`
	// Transfer moves the case to the receiving unit once it accepts; for
	// units of layan only.
	Transfer bool   `json:"transfer"`
	Note     string `json:"note"`
}

func (in *ReferralInput) check() apperr.Fields {
	var f apperr.Fields
	in.AgencyKind, in.AgencyName = strings.TrimSpace(in.AgencyKind), strings.TrimSpace(in.AgencyName)
	in.Need, in.Purpose = strings.TrimSpace(in.Need), strings.TrimSpace(in.Purpose)
	switch {
	case in.ToUnit == 0 && in.AgencyKind == "":
		f.Add("to_unit", "referral.receiver_required")
	case in.ToUnit != 0 && in.AgencyKind != "":
		f.Add("agency_kind", "referral.one_receiver")
	case in.ToUnit != 0 && in.AgencyName != "":
		f.Add("agency_name", "referral.one_receiver")
	case in.ToUnit == 0:
		if !AgencyKind(in.AgencyKind).Valid() {
			f.Add("agency_kind", "referral.agency_kind_unknown")
		}
		if in.AgencyName == "" {
			f.Add("agency_name", "field.required")
		} else if len([]rune(in.AgencyName)) > maxAgencyName {
			f.Add("agency_name", "field.too_long", maxAgencyName)
		}
		if in.Transfer {
			f.Add("transfer", "referral.transfer_internal_only")
		}
	}
	if in.Need != "" && !Need(in.Need).Valid() {
		f.Add("need", "case.need_unknown")
	}
	if in.Purpose == "" {
		f.Add("purpose", "field.required")
	} else if len([]rune(in.Purpose)) > maxNote {
		f.Add("purpose", "field.too_long", maxNote)
	}
	if in.DueInDays == 0 {
		in.DueInDays = DefaultReferralDays
	} else if in.DueInDays < 1 || in.DueInDays > maxReferralDays {
		f.Add("due_in_days", "referral.due_range", 1, maxReferralDays)
	}
	return f
}

// Refer sends a referral from a case, as one of its team or a supervisor
// of its unit. Decide allows it while the case is open or in bimbingan
// lanjut. A referral to an outside agency carries a link whose token is
// returned in Link this once; the web layer makes /rujukan/{token} of it.
func (s *Store) Refer(ctx context.Context, actor audit.Actor, u access.User, caseID int64, in ReferralInput) (Referral, error) {
	var out Referral
	var token string
	_, err := s.act(ctx, actor, u, caseID, step{event: Event{Action: Refer}, note: in.Note,
		write: func(ctx context.Context, tx *db.Tx, c Case, _ State, now time.Time) error {
			f := in.check()
			if in.ToUnit != 0 && !f.Has("to_unit") && !f.Has("agency_kind") && !f.Has("agency_name") {
				switch {
				case in.ToUnit == c.UnitID:
					f.Add("to_unit", "referral.own_unit")
				case !exists(ctx, tx, "SELECT 1 FROM unit WHERE id = ? AND active", in.ToUnit):
					f.Add("to_unit", "unit.not_found")
				}
			}
			if err := f.Err(); err != nil {
				return err
			}
			var toUnit, linkHash, linkExpires any
			if in.ToUnit != 0 {
				toUnit = in.ToUnit
			} else {
				var err error
				if token, err = newLinkToken(); err != nil {
					return err
				}
				linkHash, linkExpires = hashLinkToken(token), now.Add(DefaultReferralLinkTTL)
			}
			var id int64
			err := tx.QueryRow(ctx, `INSERT INTO case_referral (case_id, cycle, to_unit, agency_kind, agency_name, transfer,
				need, purpose, status, sent_by, sent_at, due_at, link_hash, link_expires, version)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`,
				caseID, c.Cycle, toUnit, in.AgencyKind, in.AgencyName, in.ToUnit != 0 && in.Transfer, in.Need, in.Purpose, string(RujukanDikirim), u.ID, now,
				now.AddDate(0, 0, in.DueInDays), linkHash, linkExpires).Scan(&id)
			if err != nil {
				return db.Err(err)
			}
			if out, err = getReferral(ctx, tx, id); err != nil {
				return err
			}
			return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Create, Entity: "case_referral",
				EntityID: strconv.FormatInt(id, 10), Region: c.Village, After: out})
		}})
	if err != nil {
		return Referral{}, err
	}
	out.Link = token
	return out, nil
}

// newLinkToken returns 32 random bytes in base64url: unguessable, and
// safe in a URL path.
func newLinkToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// hashLinkToken is what the database keeps of a token: whoever reads the
// table (a backup, a replica) cannot open the link.
func hashLinkToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

var (
	errReferralNotFound = apperr.New(apperr.NotFound, "referral.not_found")
	errLinkInvalid      = apperr.New(apperr.NotFound, "referral.link_invalid")
	errLinkExpired      = apperr.New(apperr.NotFound, "referral.link_expired")
)

// receiving loads a referral for the receiving unit's answer: a worker or
// supervisor of the unit it was sent to. To everyone else it does not
// exist, so that nobody learns of another unit's cases. stale is the
// refusal when the referral is no longer at version.
func receiving(ctx context.Context, tx *db.Tx, u access.User, id int64, version int,
	stale func(Referral) error) (Referral, Case, error) {
	if (u.Role != access.Worker && u.Role != access.Supervisor) || u.UnitID == 0 {
		return Referral{}, Case{}, errReferralNotFound
	}
	r, err := getReferral(ctx, tx, id)
	if errors.Is(err, db.ErrNotFound) || (err == nil && (r.ToUnit == 0 || r.ToUnit != u.UnitID)) {
		return Referral{}, Case{}, errReferralNotFound
	}
	if err != nil {
		return Referral{}, Case{}, err
	}
	if r.Version != version {
		return Referral{}, Case{}, stale(r)
	}
	c, err := getCase(ctx, tx, r.CaseID)
	return r, c, err
}

// AnswerReferral is the receiving unit's answer to a referral sent to it:
// accepted (the service begins; a transfer moves the case and its team to
// the unit, with the one accepting as its worker) or declined with a
// reason, which closes the referral.
func (s *Store) AnswerReferral(ctx context.Context, actor audit.Actor, u access.User, referralID int64, version int,
	accept bool, note string) (Referral, error) {
	note = strings.TrimSpace(note)
	status := RujukanDitolak
	if accept {
		status = RujukanDiterima
	}
	stale := func(r Referral) error { return staleReferral(r, status, note, "") }
	var out Referral
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		r, c, err := receiving(ctx, tx, u, referralID, version, stale)
		if err != nil {
			return err
		}
		var f apperr.Fields
		if !accept && note == "" {
			f.Add("note", "field.required")
		} else if len([]rune(note)) > maxNote {
			f.Add("note", "field.too_long", maxNote)
		}
		if err := f.Err(); err != nil {
			return err
		}
		if r.Status != RujukanDikirim {
			return apperr.New(apperr.Conflict, "referral.already_answered")
		}
		transfer := accept && r.Transfer
		if transfer {
			// A transfer is an assignment to another unit: the case must
			// still be one that takes assignments.
			if _, refusal := Decide(c.State, Event{Action: Assign}, Supervisor); refusal != nil {
				return refused(refusal.Code)
			}
		}
		now := s.now()
		status, action := RujukanDiterima, "referral_accepted"
		var closed any
		if !accept {
			status, action, closed = RujukanDitolak, "referral_declined", now
		}
		res, err := tx.Exec(ctx, `UPDATE case_referral SET status = ?, answered_at = ?, answered_by = ?, answer_note = ?,
			closed_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			string(status), now, nameOf(u), note, closed, r.ID, r.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return staleAgain(ctx, tx, r.ID, stale)
		}
		if err := addEvent(ctx, tx, c.ID, now, actor, action, c.Cycle, c.Stage, c.Stage, "", note); err != nil {
			return err
		}
		if transfer {
			if err := s.transfer(ctx, tx, actor, u, c, now); err != nil {
				return err
			}
		}
		out, err = auditReferral(ctx, tx, actor, r, c.Village)
		return err
	})
	return out, err
}

// staleAgain is the refusal of an answer that another transaction beat
// between reading the referral and writing it: stale of it as it is now.
func staleAgain(ctx context.Context, tx *db.Tx, id int64, stale func(Referral) error) error {
	r, err := getReferral(ctx, tx, id)
	if err != nil {
		return err
	}
	return stale(r)
}

// transfer moves a case to u's unit with u alone on its team: the sending
// team no longer works it, and its unit's supervisors no longer see it.
func (s *Store) transfer(ctx context.Context, tx *db.Tx, actor audit.Actor, u access.User, c Case, now time.Time) error {
	res, err := tx.Exec(ctx, `UPDATE case_file SET unit_id = ?, worker_id = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`, u.UnitID, u.ID, now, c.ID, c.Version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errStale()
	}
	// The visits go with the case (the unit's work view reads them by unit).
	if _, err := tx.Exec(ctx, "UPDATE case_follow_up SET unit_id = ? WHERE case_id = ?", u.UnitID, c.ID); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "DELETE FROM case_team WHERE case_id = ?", c.ID); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "INSERT INTO case_team (case_id, user_id) VALUES (?, ?)", c.ID, u.ID); err != nil {
		return err
	}
	if err := addEvent(ctx, tx, c.ID, now, actor, "transferred", c.Cycle, c.Stage, c.Stage, "", ""); err != nil {
		return err
	}
	after, err := getCase(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Update, Entity: "case",
		EntityID: strconv.FormatInt(c.ID, 10), Region: c.Village, Before: c, After: after})
}

// nameOf is how an answer is signed in answered_by, which also holds the
// names of outside receivers who have no account.
func nameOf(u access.User) string {
	if u.FullName != "" {
		return u.FullName
	}
	return u.Username
}

// RecordReferralOutcome records what came of an accepted referral, as the
// receiving unit; the outcome closes it.
func (s *Store) RecordReferralOutcome(ctx context.Context, actor audit.Actor, u access.User, referralID int64, version int,
	outcome string) (Referral, error) {
	outcome = strings.TrimSpace(outcome)
	stale := func(r Referral) error { return staleReferral(r, RujukanSelesai, "", outcome) }
	var out Referral
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		r, c, err := receiving(ctx, tx, u, referralID, version, stale)
		if err != nil {
			return err
		}
		var f apperr.Fields
		if outcome == "" {
			f.Add("outcome", "field.required")
		} else if len([]rune(outcome)) > maxNote {
			f.Add("outcome", "field.too_long", maxNote)
		}
		if err := f.Err(); err != nil {
			return err
		}
		switch {
		case r.Status.Closed():
			return apperr.New(apperr.Conflict, "referral.already_closed")
		case r.Status != RujukanDiterima:
			return apperr.New(apperr.Conflict, "referral.not_accepted")
		}
		now := s.now()
		res, err := tx.Exec(ctx, `UPDATE case_referral SET status = ?, outcome = ?, closed_at = ?, version = version + 1
			WHERE id = ? AND version = ?`, string(RujukanSelesai), outcome, now, r.ID, r.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return staleAgain(ctx, tx, r.ID, stale)
		}
		if err := addEvent(ctx, tx, c.ID, now, actor, "referral_completed", c.Cycle, c.Stage, c.Stage, "", outcome); err != nil {
			return err
		}
		out, err = auditReferral(ctx, tx, actor, r, c.Village)
		return err
	})
	return out, err
}

// LinkView is what an outside agency sees through its link. Of the person
// only what is needed to recognise them at the counter: name, sex and age;
// no NIK, no address, no case documents (UU 27/2022 Pasal 16: data
// minimisation).
type LinkView struct {
	ReferralID int64          `json:"referral_id"`
	AgencyKind AgencyKind     `json:"agency_kind"`
	AgencyName string         `json:"agency_name"`
	Need       Need           `json:"need,omitempty"`
	Purpose    string         `json:"purpose"`
	Status     ReferralStatus `json:"status"`
	// FromUnit is the unit responsible for the case now: whom to call.
	FromUnit    string     `json:"from_unit"`
	SentAt      time.Time  `json:"sent_at"`
	DueAt       time.Time  `json:"due_at"`
	AnsweredBy  string     `json:"answered_by,omitempty"`
	AnswerNote  string     `json:"answer_note,omitempty"`
	Outcome     string     `json:"outcome,omitempty"`
	ClosedAt    *time.Time `json:"closed_at,omitempty"`
	LinkExpires time.Time  `json:"link_expires"`
	PersonName  string     `json:"person_name"`
	PersonSex   string     `json:"person_sex"` // L or P
	// PersonAge is in whole years; nil when the birth is unknown.
	PersonAge *int `json:"person_age,omitempty"`

	caseID  int64
	version int
	village wilayah.Code
}

// ReferralByLink opens a referral by its link, for an outside agency
// without an account. An unknown token and an expired link are told apart
// so that the receiver knows to ask the sender for a new one; the opening
// is audited, since it shows a person's name.
func (s *Store) ReferralByLink(ctx context.Context, token string) (LinkView, error) {
	v, err := linkView(ctx, s.DB, token, s.now())
	if err != nil {
		return LinkView{}, err
	}
	err = audit.Record(ctx, s.DB, audit.System("rujukan"), audit.Entry{Action: audit.Read, Entity: "case_referral",
		EntityID: strconv.FormatInt(v.ReferralID, 10), Region: v.village})
	return v, err
}

func linkView(ctx context.Context, q db.Q, token string, now time.Time) (LinkView, error) {
	if len(token) != linkTokenLen {
		return LinkView{}, errLinkInvalid
	}
	var v LinkView
	var need, sex string
	var birthDate sql.NullString
	var birthYear sql.NullInt64
	var expires sql.NullTime
	var closed sql.NullTime
	err := q.QueryRow(ctx, `SELECT r.id, r.agency_kind, r.agency_name, r.need, r.purpose, r.status, u.name, r.sent_at,
		r.due_at, r.answered_by, r.answer_note, r.outcome, r.closed_at, r.link_expires, r.version, c.id, c.village_code,
		p.name, p.sex, p.birth_date, p.birth_year
		FROM case_referral r JOIN case_file c ON c.id = r.case_id JOIN unit u ON u.id = c.unit_id
		JOIN person p ON p.id = c.person_id
		WHERE r.link_hash = ?`, hashLinkToken(token)).Scan(&v.ReferralID, &v.AgencyKind, &v.AgencyName, &need,
		&v.Purpose, &v.Status, &v.FromUnit, &v.SentAt, &v.DueAt, &v.AnsweredBy, &v.AnswerNote, &v.Outcome, &closed,
		&expires, &v.version, &v.caseID, &v.village, &v.PersonName, &sex, &birthDate, &birthYear)
	if errors.Is(db.Err(err), db.ErrNotFound) || (err == nil && !expires.Valid) {
		return LinkView{}, errLinkInvalid
	}
	if err != nil {
		return LinkView{}, db.Err(err)
	}
	v.LinkExpires = expires.Time.UTC()
	if !now.Before(v.LinkExpires) {
		return LinkView{}, errLinkExpired
	}
	v.Need, v.PersonSex = Need(need), sex
	v.SentAt, v.DueAt, v.ClosedAt = v.SentAt.UTC(), v.DueAt.UTC(), timePtr(closed)
	v.PersonAge = ageIn(birthDate.String, int(birthYear.Int64), now)
	return v, nil
}

// ageIn is the age in whole years on today's date in WIB, from the birth
// date or, when only an estimated year is known, the difference of years.
func ageIn(birthDate string, birthYear int, now time.Time) *int {
	today := now.In(wib)
	var age int
	if d, err := time.Parse(dayLayout, birthDate); err == nil {
		age = today.Year() - d.Year()
		if today.Month() < d.Month() || (today.Month() == d.Month() && today.Day() < d.Day()) {
			age--
		}
	} else if birthYear > 0 {
		age = today.Year() - birthYear
	} else {
		return nil
	}
	age = max(age, 0)
	return &age
}

// LinkOutcomeInput is an outside agency's answer through its link.
type LinkOutcomeInput struct {
	// ReceiverName is who answers at the agency: the link has no account,
	// so the name is what the case's timeline shows.
	ReceiverName string `json:"receiver_name"`
	// Status is diterima (accepted, still open), selesai (served, with the
	// outcome) or ditolak (declined, with the reason).
	Status string `json:"status"`
	// Note is the outcome for selesai, the reason for ditolak, an optional
	// remark for diterima.
	Note string `json:"note"`
}

func (in *LinkOutcomeInput) check() apperr.Fields {
	var f apperr.Fields
	in.ReceiverName, in.Status, in.Note = strings.TrimSpace(in.ReceiverName), strings.TrimSpace(in.Status), strings.TrimSpace(in.Note)
	if in.ReceiverName == "" {
		f.Add("receiver_name", "field.required")
	} else if len([]rune(in.ReceiverName)) > maxReceiverName {
		f.Add("receiver_name", "field.too_long", maxReceiverName)
	}
	st := ReferralStatus(in.Status)
	if st != RujukanDiterima && st != RujukanSelesai && st != RujukanDitolak {
		f.Add("status", "referral.link_status_unknown")
	}
	if in.Note == "" && (st == RujukanSelesai || st == RujukanDitolak) {
		f.Add("note", "field.required")
	} else if len([]rune(in.Note)) > maxNote {
		f.Add("note", "field.too_long", maxNote)
	}
	return f
}

// RecordLinkOutcome takes an outside agency's answer through its link:
// diterima keeps the referral open for its outcome; selesai and ditolak
// close it, after which the link only shows what was recorded.
func (s *Store) RecordLinkOutcome(ctx context.Context, token string, in LinkOutcomeInput) (LinkView, error) {
	var out LinkView
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		now := s.now()
		v, err := linkView(ctx, tx, token, now)
		if err != nil {
			return err
		}
		if err := in.check().Err(); err != nil {
			return err
		}
		st := ReferralStatus(in.Status)
		switch {
		case v.Status.Closed():
			return apperr.New(apperr.Conflict, "referral.already_closed")
		case v.Status == RujukanDiterima && st != RujukanSelesai:
			// Once accepted, only the outcome is awaited.
			return apperr.New(apperr.Conflict, "referral.already_answered")
		}
		before, err := getReferral(ctx, tx, v.ReferralID)
		if err != nil {
			return err
		}
		answerNote, outcome, action := before.AnswerNote, "", "referral_accepted"
		var closed any
		switch st {
		case RujukanDiterima:
			answerNote = in.Note
		case RujukanDitolak:
			answerNote, closed, action = in.Note, now, "referral_declined"
		case RujukanSelesai:
			outcome, closed, action = in.Note, now, "referral_completed"
		}
		// An agency that reports the outcome straight away answered then.
		answered := any(now)
		if before.AnsweredAt != nil {
			answered = *before.AnsweredAt
		}
		res, err := tx.Exec(ctx, `UPDATE case_referral SET status = ?, answered_at = ?, answered_by = ?, answer_note = ?,
			outcome = ?, closed_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			string(st), answered, in.ReceiverName, answerNote, outcome, closed, v.ReferralID, v.version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errStale()
		}
		c, err := getCase(ctx, tx, v.caseID)
		if err != nil {
			return err
		}
		if err := addEvent(ctx, tx, c.ID, now, audit.System(in.ReceiverName), action, c.Cycle, c.Stage, c.Stage, "", in.Note); err != nil {
			return err
		}
		after, err := getReferral(ctx, tx, v.ReferralID)
		if err != nil {
			return err
		}
		err = audit.Record(ctx, tx, audit.System("rujukan: "+in.ReceiverName), audit.Entry{Action: audit.Update,
			Entity: "case_referral", EntityID: strconv.FormatInt(v.ReferralID, 10), Region: c.Village, Before: before, After: after})
		if err != nil {
			return err
		}
		out, err = linkView(ctx, tx, token, now)
		return err
	})
	return out, err
}

// escalateBatch bounds one transaction of EscalateOverdue, so that a
// backlog after a long outage does not hold one huge transaction.
const escalateBatch = 500

// EscalateOverdue marks every referral past its due date without an answer
// as escalated, once, with an entry in its case's timeline: the sending
// unit's supervisor then sees it among EscalatedReferrals. It returns how
// many it marked. Safe to run from several instances at once: a referral
// is marked by whichever marks it first.
func (s *Store) EscalateOverdue(ctx context.Context) (int, error) {
	total := 0
	for {
		n, more, err := s.escalate(ctx)
		total += n
		if err != nil || !more {
			return total, err
		}
	}
}

func (s *Store) escalate(ctx context.Context) (n int, more bool, err error) {
	actor := audit.System("layan")
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		now := s.now()
		rows, err := tx.Query(ctx, "SELECT "+referralColumns+referralFrom+` WHERE r.closed_at IS NULL AND r.status = ?
			AND r.escalated_at IS NULL AND r.due_at < ? ORDER BY r.due_at, r.id LIMIT ?`,
			string(RujukanDikirim), now, escalateBatch)
		if err != nil {
			return err
		}
		var due []Referral
		for rows.Next() {
			r, err := scanReferral(rows)
			if err != nil {
				rows.Close()
				return err
			}
			due = append(due, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		more = len(due) == escalateBatch
		for _, r := range due {
			// The version stays: a mark by the system must not make the
			// receiver's answer a stale one.
			res, err := tx.Exec(ctx, "UPDATE case_referral SET escalated_at = ? WHERE id = ? AND escalated_at IS NULL", now, r.ID)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				continue
			}
			c, err := getCase(ctx, tx, r.CaseID)
			if err != nil {
				return err
			}
			if err := addEvent(ctx, tx, c.ID, now, actor, "referral_escalated", c.Cycle, c.Stage, c.Stage, "", ""); err != nil {
				return err
			}
			after := r
			after.EscalatedAt = &now
			if err := audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Update, Entity: "case_referral",
				EntityID: strconv.FormatInt(r.ID, 10), Region: c.Village, Before: r, After: after}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, false, err
	}
	return n, more, nil
}

// CaseReferrals lists a case's referrals, newest first, for its team and
// the supervisors of its unit; to everyone else the case does not exist.
// Their free text is withheld as on the case page (privacy.go).
func (s *Store) CaseReferrals(ctx context.Context, u access.User, caseID int64) ([]Referral, error) {
	c, err := getCase(ctx, s.DB, caseID)
	if errors.Is(err, db.ErrNotFound) || (err == nil && actorOf(u, c) == Outsider) {
		return nil, errCaseNotFound
	}
	if err != nil {
		return nil, err
	}
	out, err := listReferrals(ctx, s.DB, caseID)
	if err == nil && hidesText(u, c) {
		for i := range out {
			withholdReferral(&out[i])
		}
	}
	return out, err
}

// listReferrals lists a case's referrals, newest first: the case page's.
func listReferrals(ctx context.Context, q db.Q, caseID int64) ([]Referral, error) {
	return queryReferrals(ctx, q, " WHERE r.case_id = ? ORDER BY r.id DESC", caseID)
}

// IncomingReferrals lists the open referrals sent to u's unit, the
// soonest due first: the receiving unit's work list.
func (s *Store) IncomingReferrals(ctx context.Context, u access.User) ([]Referral, error) {
	if (u.Role != access.Worker && u.Role != access.Supervisor) || u.UnitID == 0 {
		return nil, apperr.New(apperr.Forbidden, "error.forbidden")
	}
	return queryReferrals(ctx, s.DB, " WHERE r.to_unit = ? AND r.closed_at IS NULL ORDER BY r.due_at, r.id", u.UnitID)
}

// EscalatedReferrals lists, for a supervisor, the referrals from the cases
// of their unit that passed their due date unanswered and are still open.
// The free text of those whose case's specific data the supervisor does not
// see is withheld (privacy.go): chasing a referral needs its receiver and
// its dates, not its purpose.
func (s *Store) EscalatedReferrals(ctx context.Context, u access.User) ([]Referral, error) {
	if u.Role != access.Supervisor || u.UnitID == 0 {
		return nil, apperr.New(apperr.Forbidden, "error.forbidden")
	}
	// With each referral, what SeesSpecific needs of its case: one query,
	// however many referrals are overdue.
	rows, err := s.DB.Query(ctx, "SELECT "+referralColumns+`, c.unit_id, c.cluster, c.assessment_review, c.plan_review,
		c.termination_review, (SELECT COUNT(*) FROM case_team t WHERE t.case_id = c.id AND t.user_id = ?)`+referralFrom+`
		JOIN case_file c ON c.id = r.case_id
		WHERE c.unit_id = ? AND r.escalated_at IS NOT NULL AND r.closed_at IS NULL ORDER BY r.due_at, r.id`, u.ID, u.UnitID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Referral{}
	for rows.Next() {
		var c Case
		var onTeam int
		r, err := scanReferral(rows, &c.UnitID, &c.Cluster, &c.Assessment, &c.Plan, &c.Termination, &onTeam)
		if err != nil {
			return nil, err
		}
		if onTeam > 0 {
			c.Team = []int64{u.ID}
		}
		if hidesText(u, c) {
			withholdReferral(&r)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

const (
	referralColumns = `r.id, r.case_id, r.cycle, r.to_unit, tu.name, r.agency_kind, r.agency_name, r.transfer, r.need, r.purpose,
		r.status, r.sent_by, su.full_name, fu.name, rp.name, rp.sex, rp.birth_year, r.sent_at, r.due_at, r.escalated_at, r.answered_at, r.answered_by,
		r.answer_note, r.outcome, r.closed_at, r.link_expires, r.version`
	referralFrom = ` FROM case_referral r LEFT JOIN unit tu ON tu.id = r.to_unit
		LEFT JOIN app_user su ON su.id = r.sent_by LEFT JOIN unit fu ON fu.id = su.unit_id
		JOIN case_file rc ON rc.id = r.case_id JOIN person rp ON rp.id = rc.person_id`
)

// scanReferral reads referralColumns and then extra.
func scanReferral(row interface{ Scan(...any) error }, extra ...any) (Referral, error) {
	var r Referral
	var toUnit, sentBy sql.NullInt64
	var toName, sentByName, fromName sql.NullString
	var birthYear sql.NullInt64
	var kind, need string
	var escalated, answered, closed, expires sql.NullTime
	dest := append([]any{&r.ID, &r.CaseID, &r.Cycle, &toUnit, &toName, &kind, &r.AgencyName, &r.Transfer, &need, &r.Purpose, &r.Status,
		&sentBy, &sentByName, &fromName, &r.PersonName, &r.PersonSex, &birthYear, &r.SentAt, &r.DueAt, &escalated, &answered, &r.AnsweredBy, &r.AnswerNote,
		&r.Outcome, &closed, &expires, &r.Version}, extra...)
	err := row.Scan(dest...)
	if err != nil {
		return Referral{}, db.Err(err)
	}
	r.ToUnit, r.ToUnitName, r.SentBy = toUnit.Int64, toName.String, sentBy.Int64
	r.SentByName, r.FromUnitName, r.PersonBirthYear = sentByName.String, fromName.String, int(birthYear.Int64)
	r.AgencyKind = AgencyKind(kind)
	r.Need = Need(need)
	r.SentAt, r.DueAt = r.SentAt.UTC(), r.DueAt.UTC()
	r.EscalatedAt, r.AnsweredAt, r.ClosedAt, r.LinkExpires = timePtr(escalated), timePtr(answered), timePtr(closed), timePtr(expires)
	return r, nil
}

func getReferral(ctx context.Context, q db.Q, id int64) (Referral, error) {
	return scanReferral(q.QueryRow(ctx, "SELECT "+referralColumns+referralFrom+" WHERE r.id = ?", id))
}

func queryReferrals(ctx context.Context, q db.Q, where string, args ...any) ([]Referral, error) {
	rows, err := q.Query(ctx, "SELECT "+referralColumns+referralFrom+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Referral{}
	for rows.Next() {
		r, err := scanReferral(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// auditReferral reads referral r as a step left it and records the change
// from before in the audit log, in the step's transaction.
func auditReferral(ctx context.Context, tx *db.Tx, actor audit.Actor, before Referral, village wilayah.Code) (Referral, error) {
	after, err := getReferral(ctx, tx, before.ID)
	if err != nil {
		return Referral{}, err
	}
	return after, audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Update, Entity: "case_referral",
		EntityID: strconv.FormatInt(before.ID, 10), Region: village, Before: before, After: after})
}

package registry

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
)

// Consent under UU 27/2022 (Pelindungan Data Pribadi, domain.md §9.3): who
// agreed, when, to what and how; a guardian's consent for a child or for a
// person who cannot consent themself (Pasal 25–26); and its withdrawal,
// after which processing stops within 3 × 24 hours.

// Purpose is what a person consents to.
type Purpose string

const (
	// PurposeService: the rehabilitation and social services themselves
	// (pelayanan), which need the record at all.
	PurposeService Purpose = "layanan_rehabilitasi_sosial"
	// PurposeReferral: sharing data with another agency for a referral.
	PurposeReferral Purpose = "berbagi_data_rujukan"
	// PurposePhoto: photographs for documentation.
	PurposePhoto Purpose = "dokumentasi_foto"
	// PurposeOther: another purpose, described in PurposeNote.
	PurposeOther Purpose = "lainnya"
)

// Purposes lists the purposes in display order.
var Purposes = []Purpose{PurposeService, PurposeReferral, PurposePhoto, PurposeOther}

// RequiredPurposes are the purposes a record needs consent for: without
// consent to the service itself, nothing may be processed. The others are
// asked when they arise (a referral, a photograph).
var RequiredPurposes = []Purpose{PurposeService}

// Means is how consent was given.
type Means string

const (
	MeansOral       Means = "lisan"      // spoken, witnessed by the worker
	MeansWritten    Means = "tertulis"   // a signed form
	MeansThumbprint Means = "cap_jempol" // a thumbprint on the form, for those who cannot write
	MeansElectronic Means = "elektronik" // an electronic agreement
)

// MeansList lists the means in display order.
var MeansList = []Means{MeansOral, MeansWritten, MeansThumbprint, MeansElectronic}

// GivenBy says who gave consent: the person themself or their guardian.
type GivenBy string

const (
	BySelf     GivenBy = "self"
	ByGuardian GivenBy = "guardian"
)

// GuardianRelation is how a guardian is related to the person.
type GuardianRelation string

const (
	GuardianParent GuardianRelation = "orang_tua" // a parent
	GuardianWali   GuardianRelation = "wali"      // a guardian (wali) appointed or recognised
	GuardianFamily GuardianRelation = "keluarga"  // another family member
	GuardianOther  GuardianRelation = "lainnya"
)

// GuardianRelations lists the relations in display order.
var GuardianRelations = []GuardianRelation{GuardianParent, GuardianWali, GuardianFamily, GuardianOther}

// AdultAge is the age of majority for consent: a child is anyone under 18
// (UU 35/2014 Pasal 1 angka 1, which UU 27/2022 Pasal 25 relies on).
const AdultAge = 18

// Consent is one recorded consent of a person.
type Consent struct {
	ID                  int64            `json:"id"`
	PersonID            int64            `json:"person_id"`
	Purpose             Purpose          `json:"purpose"`
	PurposeNote         string           `json:"purpose_note"`
	Means               Means            `json:"means"`
	GivenOn             string           `json:"given_on"`
	GivenBy             GivenBy          `json:"given_by"`
	GuardianName        string           `json:"guardian_name"`
	GuardianRelation    GuardianRelation `json:"guardian_relation"`
	CannotConsent       bool             `json:"cannot_consent"`
	CannotConsentReason string           `json:"cannot_consent_reason"`
	RecordedBy          string           `json:"recorded_by"`
	RecordedAt          time.Time        `json:"recorded_at"`
	WithdrawnOn         string           `json:"withdrawn_on,omitempty"`
	WithdrawnNote       string           `json:"withdrawn_note,omitempty"`
	WithdrawnBy         string           `json:"withdrawn_by,omitempty"`
	WithdrawnAt         *time.Time       `json:"withdrawn_at,omitempty"`
	// StopBy is the last day processing may go on after a withdrawal.
	StopBy string `json:"stop_processing_by,omitempty"`
}

// Withdrawn reports whether the consent has been withdrawn.
func (c Consent) Withdrawn() bool { return c.WithdrawnOn != "" }

// ConsentInput is a consent as a worker records it.
type ConsentInput struct {
	Purpose     string `json:"purpose"`
	PurposeNote string `json:"purpose_note"`
	Means       string `json:"means"`
	GivenOn     string `json:"given_on"`
	// The guardian who consented on the person's behalf; required for a
	// child and for a person who cannot consent.
	GuardianName     string `json:"guardian_name"`
	GuardianRelation string `json:"guardian_relation"`
	// CannotConsent: the worker judged that the person cannot give
	// consent themself (UU 27/2022 Pasal 26, e.g. some intellectual or
	// mental disabilities), for the reason given.
	CannotConsent       bool   `json:"cannot_consent"`
	CannotConsentReason string `json:"cannot_consent_reason"`
}

// WithdrawInput is a withdrawal of consent.
type WithdrawInput struct {
	WithdrawnOn string `json:"withdrawn_on"`
	Note        string `json:"note"`
}

// Limits of consent text, in characters.
const (
	maxPurposeNote = 200
	maxGuardian    = 120
	maxReason      = 300
	maxWithdrawal  = 500
)

// stopAfter is how long processing may go on after a withdrawal:
// 3 × 24 hours (UU 27/2022, domain.md §9.3).
const stopAfter = 3 * 24 * time.Hour

// StopBy is the last day processing may go on after a withdrawal dated
// withdrawnOn (YYYY-MM-DD); "" for an unreadable date.
func StopBy(withdrawnOn string) string {
	d, err := time.Parse(time.DateOnly, withdrawnOn)
	if err != nil {
		return ""
	}
	return d.Add(stopAfter).Format(time.DateOnly)
}

// IsChild reports whether p was, or may have been, under 18 on day on. With
// a birth date the age is exact. With only an estimated birth year, the
// person counts as a child while they may still be 17 — through the year
// they turn 18 — since a wrong "adult" would let a child consent alone
// (UU 27/2022 Pasal 25). With no birth data, a child category (anak
// jalanan, anak telantar, …) says the person is a child.
func IsChild(p Person, on time.Time) bool {
	if p.BirthDate != "" {
		if b, err := time.Parse(time.DateOnly, p.BirthDate); err == nil {
			adult := b.AddDate(AdultAge, 0, 0)
			return dateOf(on).Before(adult)
		}
	}
	if p.BirthYear != 0 {
		return on.Year()-p.BirthYear <= AdultAge
	}
	for _, c := range p.Categories {
		if strings.HasPrefix(c, "anak_") {
			return true
		}
	}
	return false
}

// needsGuardian reports why a consent given on day on must come from a
// guardian: "child", "capacity", or "" when the person may consent.
func needsGuardian(p Person, on time.Time, cannotConsent bool) string {
	switch {
	case IsChild(p, on):
		return "child"
	case cannotConsent:
		return "capacity"
	}
	return ""
}

type checkedConsent struct {
	purpose          Purpose
	purposeNote      string
	means            Means
	givenOn          string
	givenBy          GivenBy
	guardianName     string
	guardianRelation GuardianRelation
	cannot           bool
	reason           string
}

// validate checks a consent for person p against the rules; today bounds
// the date (consent is recorded after it is given, never before).
func (in ConsentInput) validate(p Person, today time.Time) (checkedConsent, apperr.Fields) {
	var f apperr.Fields
	var c checkedConsent
	switch v := Purpose(strings.TrimSpace(in.Purpose)); {
	case v == "":
		f.Add("purpose", "field.required")
	case !slices.Contains(Purposes, v):
		f.Add("purpose", "consent.purpose_unknown")
	default:
		c.purpose = v
	}
	c.purposeNote = checkText(&f, "purpose_note", in.PurposeNote, maxPurposeNote, c.purpose == PurposeOther)
	switch v := Means(strings.TrimSpace(in.Means)); {
	case v == "":
		f.Add("means", "field.required")
	case !slices.Contains(MeansList, v):
		f.Add("means", "consent.means_unknown")
	default:
		c.means = v
	}
	c.givenOn = checkDate(&f, "given_on", in.GivenOn, true, today)
	if c.givenOn != "" && p.BirthDate != "" && c.givenOn < p.BirthDate {
		f.Add("given_on", "consent.before_birth")
		c.givenOn = ""
	}
	c.cannot = in.CannotConsent
	c.reason = checkText(&f, "cannot_consent_reason", in.CannotConsentReason, maxReason, c.cannot)
	if !c.cannot {
		c.reason = ""
	}
	c.guardianName = strings.Join(strings.Fields(checkText(&f, "guardian_name", in.GuardianName, maxGuardian, false)), " ")
	if v := GuardianRelation(strings.TrimSpace(in.GuardianRelation)); v != "" {
		if slices.Contains(GuardianRelations, v) {
			c.guardianRelation = v
		} else {
			f.Add("guardian_relation", "consent.guardian_relation_unknown")
		}
	}
	why := ""
	if c.givenOn != "" {
		on, _ := time.Parse(time.DateOnly, c.givenOn)
		why = needsGuardian(p, on, c.cannot)
	} else if c.cannot {
		why = "capacity"
	}
	switch {
	case why != "" && c.guardianName == "" && !f.Has("guardian_name"):
		f.Add("guardian_name", "consent.guardian_required_"+why)
	case c.guardianName != "" && c.guardianRelation == "" && !f.Has("guardian_relation"):
		f.Add("guardian_relation", "field.required")
	case c.guardianName == "" && c.guardianRelation != "" && !f.Has("guardian_name"):
		f.Add("guardian_name", "field.required")
	}
	if why != "" && c.guardianRelation == "" && !f.Has("guardian_relation") {
		f.Add("guardian_relation", "field.required")
	}
	c.givenBy = BySelf
	if c.guardianName != "" {
		c.givenBy = ByGuardian
	}
	return c, f
}

// ConsentState sums up a person's consent.
type ConsentState string

const (
	// ConsentNone: no consent was ever recorded.
	ConsentNone ConsentState = "none"
	// ConsentMissing: consent for a required purpose is missing.
	ConsentMissing ConsentState = "missing"
	// ConsentWithdrawn: every missing purpose had a consent, now withdrawn.
	ConsentWithdrawn ConsentState = "withdrawn"
	// ConsentGiven: every required purpose has a standing consent.
	ConsentGiven ConsentState = "given"
)

// Counts reports whether consent c stands for person p on day today: given
// by then, not withdrawn by then, and given by a guardian where the rules
// of Pasal 25–26 ask for one — checked again against the person's current
// data, since a birth date corrected after the fact can turn a consent the
// person gave themself into a child's.
func (c Consent) Counts(p Person, today time.Time) bool {
	day := dateOf(today).Format(time.DateOnly)
	if c.GivenOn == "" || c.GivenOn > day || (c.WithdrawnOn != "" && c.WithdrawnOn <= day) {
		return false
	}
	on, err := time.Parse(time.DateOnly, c.GivenOn)
	if err != nil {
		return false
	}
	if needsGuardian(p, on, c.CannotConsent) != "" && (c.GivenBy != ByGuardian || c.GuardianName == "") {
		return false
	}
	return true
}

// ConsentStatus says whether person p's record may be processed on day
// today: the state, and the required purposes without a standing consent.
// "none" when nothing was ever recorded, "withdrawn" when every missing
// purpose had a consent that was withdrawn, "missing" otherwise.
func ConsentStatus(p Person, consents []Consent, today time.Time) (ConsentState, []Purpose) {
	var missing []Purpose
	allWithdrawn := true
	for _, purpose := range RequiredPurposes {
		standing, withdrawn := false, false
		for _, c := range consents {
			if c.Purpose != purpose {
				continue
			}
			if c.Counts(p, today) {
				standing = true
			} else if c.Withdrawn() {
				withdrawn = true
			}
		}
		if !standing {
			missing = append(missing, purpose)
			allWithdrawn = allWithdrawn && withdrawn
		}
	}
	switch {
	case len(consents) == 0:
		return ConsentNone, missing
	case len(missing) == 0:
		return ConsentGiven, nil
	case allWithdrawn:
		return ConsentWithdrawn, missing
	}
	return ConsentMissing, missing
}

const consentColumns = `c.id, c.person_id, c.purpose, c.purpose_note, c.means, c.given_on, c.given_by, c.guardian_name,
	c.guardian_relation, c.cannot_consent, c.cannot_consent_reason, c.recorded_by_name, c.recorded_at,
	c.withdrawn_on, c.withdrawn_note, c.withdrawn_by_name, c.withdrawn_at`

func scanConsent(row interface{ Scan(...any) error }) (Consent, error) {
	var c Consent
	var withdrawnOn sql.NullString
	var withdrawnAt sql.NullTime
	err := row.Scan(&c.ID, &c.PersonID, &c.Purpose, &c.PurposeNote, &c.Means, &c.GivenOn, &c.GivenBy, &c.GuardianName,
		&c.GuardianRelation, &c.CannotConsent, &c.CannotConsentReason, &c.RecordedBy, &c.RecordedAt,
		&withdrawnOn, &c.WithdrawnNote, &c.WithdrawnBy, &withdrawnAt)
	if err != nil {
		return Consent{}, db.Err(err)
	}
	c.RecordedAt = c.RecordedAt.UTC()
	c.WithdrawnOn = withdrawnOn.String
	if withdrawnAt.Valid {
		t := withdrawnAt.Time.UTC()
		c.WithdrawnAt = &t
	}
	if c.Withdrawn() {
		c.StopBy = StopBy(c.WithdrawnOn)
	}
	return c, nil
}

// personForConsent reads a person in reach, for the guardian rule.
func personForConsent(ctx context.Context, q db.Q, reach Reach, id int64) (Person, error) {
	p, err := scanPerson(q.QueryRow(ctx, "SELECT "+personColumns+" FROM person p WHERE p.id = ?", id))
	if errors.Is(err, db.ErrNotFound) || (err == nil && !reach.covers(p.Village, p.UnitID)) {
		return Person{}, apperr.New(apperr.NotFound, "person.not_found")
	}
	return p, err
}

// Consents lists the consents of a person in reach, the latest given first.
func (s *Store) Consents(ctx context.Context, reach Reach, personID int64) ([]Consent, error) {
	if _, err := personForConsent(ctx, s.DB, reach, personID); err != nil {
		return nil, err
	}
	return consentsOf(ctx, s.DB, personID)
}

func consentsOf(ctx context.Context, q db.Q, personID int64) ([]Consent, error) {
	rows, err := q.Query(ctx, "SELECT "+consentColumns+" FROM consent c WHERE c.person_id = ? ORDER BY c.given_on DESC, c.id DESC", personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Consent{}
	for rows.Next() {
		c, err := scanConsent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// PersonConsent is a person's consents and what they add up to today.
type PersonConsent struct {
	Person   Person
	Consents []Consent
	State    ConsentState
	Missing  []Purpose
}

// ConsentOf reads the consents of a person in reach and their status today.
func (s *Store) ConsentOf(ctx context.Context, reach Reach, personID int64) (PersonConsent, error) {
	p, err := personForConsent(ctx, s.DB, reach, personID)
	if err != nil {
		return PersonConsent{}, err
	}
	cs, err := consentsOf(ctx, s.DB, personID)
	if err != nil {
		return PersonConsent{}, err
	}
	state, missing := ConsentStatus(p, cs, s.today())
	return PersonConsent{Person: p, Consents: cs, State: state, Missing: missing}, nil
}

// RecordConsent records a consent of a person in reach.
func (s *Store) RecordConsent(ctx context.Context, actor audit.Actor, reach Reach, personID int64, in ConsentInput) (Consent, error) {
	var out Consent
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		p, err := personForConsent(ctx, tx, reach, personID)
		if err != nil {
			return err
		}
		c, f := in.validate(p, s.today())
		if err := f.Err(); err != nil {
			return err
		}
		var recordedBy any
		if actor.UserID != 0 {
			recordedBy = actor.UserID
		}
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO consent (person_id, purpose, purpose_note, means, given_by, guardian_name,
			guardian_relation, given_on, cannot_consent, cannot_consent_reason, recorded_by, recorded_by_name, recorded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			personID, string(c.purpose), c.purposeNote, string(c.means), string(c.givenBy), c.guardianName,
			string(c.guardianRelation), c.givenOn, c.cannot, c.reason, recordedBy, actorName(actor), db.Now()).Scan(&id)
		if err != nil {
			return db.Err(err)
		}
		if out, err = scanConsent(tx.QueryRow(ctx, "SELECT "+consentColumns+" FROM consent c WHERE c.id = ?", id)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Create, Entity: "consent",
			EntityID: strconv.FormatInt(id, 10), Region: p.Village, After: out})
	})
	return out, err
}

func actorName(a audit.Actor) string {
	if a.Name == "" {
		return "system"
	}
	return a.Name
}

// WithdrawConsent records the withdrawal of a consent of a person in reach,
// dated neither in the future nor before the consent was given. personID,
// when not 0, is the person the consent must belong to (the person page's
// route names both). A consent withdrawn already is a conflict: the first
// withdrawal stands, with its date, for the 3 × 24 h clock.
func (s *Store) WithdrawConsent(ctx context.Context, actor audit.Actor, reach Reach, personID, consentID int64, in WithdrawInput) (Consent, error) {
	var f apperr.Fields
	on := checkDate(&f, "withdrawn_on", in.WithdrawnOn, true, s.today())
	note := checkText(&f, "note", in.Note, maxWithdrawal, false)
	if err := f.Err(); err != nil {
		return Consent{}, err
	}
	var out Consent
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := scanConsent(tx.QueryRow(ctx, "SELECT "+consentColumns+" FROM consent c WHERE c.id = ?", consentID))
		if errors.Is(err, db.ErrNotFound) || (err == nil && personID != 0 && before.PersonID != personID) {
			return apperr.New(apperr.NotFound, "consent.not_found")
		}
		if err != nil {
			return err
		}
		p, err := personForConsent(ctx, tx, reach, before.PersonID)
		if apperr.KindOf(err) == apperr.NotFound {
			return apperr.New(apperr.NotFound, "consent.not_found")
		}
		if err != nil {
			return err
		}
		if before.Withdrawn() {
			return apperr.New(apperr.Conflict, "consent.already_withdrawn", before.WithdrawnOn)
		}
		if on < before.GivenOn {
			return fieldErr("withdrawn_on", "consent.withdrawn_before_given", before.GivenOn)
		}
		var by any
		if actor.UserID != 0 {
			by = actor.UserID
		}
		res, err := tx.Exec(ctx, `UPDATE consent SET withdrawn_on = ?, withdrawn_note = ?, withdrawn_by = ?, withdrawn_by_name = ?,
			withdrawn_at = ? WHERE id = ? AND withdrawn_on IS NULL`, on, note, by, actorName(actor), db.Now(), consentID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "error.stale_version")
		}
		if out, err = scanConsent(tx.QueryRow(ctx, "SELECT "+consentColumns+" FROM consent c WHERE c.id = ?", consentID)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Update, Entity: "consent",
			EntityID: strconv.FormatInt(consentID, 10), Region: p.Village, Before: before, After: out})
	})
	return out, err
}

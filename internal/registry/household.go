package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/wilayah"
)

// Relation is a member's relation to the head of the family, as the KK
// prints it in its column "Status Hubungan Dalam Keluarga".
type Relation string

const (
	Head          Relation = "kepala_keluarga"
	Wife          Relation = "istri"
	Husband       Relation = "suami"
	Child         Relation = "anak"
	ChildInLaw    Relation = "menantu"
	Grandchild    Relation = "cucu"
	Parent        Relation = "orang_tua"
	ParentInLaw   Relation = "mertua"
	OtherFamily   Relation = "famili_lain"
	OtherRelation Relation = "lainnya"
)

// Relations lists the relations in the order a KK lists its members.
var Relations = []Relation{Head, Wife, Husband, Child, ChildInLaw, Grandchild, Parent, ParentInLaw, OtherFamily, OtherRelation}

// ParseRelation reads a relation code, ignoring case and surrounding spaces.
func ParseRelation(s string) (Relation, bool) {
	r := Relation(strings.ToLower(strings.TrimSpace(s)))
	return r, slices.Contains(Relations, r)
}

// rank orders members as a KK does: the head, then spouses, children, and so on.
func (r Relation) rank() int {
	if i := slices.Index(Relations, r); i >= 0 {
		return i
	}
	return len(Relations)
}

// Household is one Kartu Keluarga and its members, current and past: a
// person leaves a KK by a date and is never deleted from it, so moving
// between KKs keeps the history (issue 4, point 2).
type Household struct {
	ID      int64        `json:"id"`
	KK      KK           `json:"kk"`
	Village wilayah.Code `json:"village"`
	Address string       `json:"address"`
	// Members: current ones first, in KK order, then past ones, the most
	// recent leaver first.
	Members   []Member  `json:"members"`
	Notes     []Message `json:"notes"` // e.g. a KK issued under a region code that no longer exists
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int       `json:"version"`
}

// Member is one membership of a person in a household. A member whose
// record lies outside the reader's reach is Hidden: their relation and dates
// show that the KK lists someone, but not who.
type Member struct {
	ID       int64    `json:"id"`
	PersonID int64    `json:"person_id,omitempty"`
	Name     string   `json:"name,omitempty"`
	Hidden   bool     `json:"hidden"`
	Relation Relation `json:"relation"`
	JoinedOn string   `json:"joined_on"`
	LeftOn   string   `json:"left_on,omitempty"` // "" while a current member
	// where the member's record lives, for the reach check
	village wilayah.Code
	unitID  int64
}

// Current reports whether the membership is still open.
func (m Member) Current() bool { return m.LeftOn == "" }

// Head returns the current head of the household, if any.
func (h Household) Head() (Member, bool) {
	for _, m := range h.Members {
		if m.Current() && m.Relation == Head {
			return m, true
		}
	}
	return Member{}, false
}

// Current returns the current members.
func (h Household) Current() []Member {
	var out []Member
	for _, m := range h.Members {
		if m.Current() {
			out = append(out, m)
		}
	}
	return out
}

// Past returns the members who have left.
func (h Household) Past() []Member {
	var out []Member
	for _, m := range h.Members {
		if !m.Current() {
			out = append(out, m)
		}
	}
	return out
}

// Membership is one of a person's KKs, as their history shows it.
type Membership struct {
	HouseholdID int64        `json:"household_id"`
	KK          KK           `json:"kk"`
	Village     wilayah.Code `json:"village"`
	Relation    Relation     `json:"relation"`
	JoinedOn    string       `json:"joined_on"`
	LeftOn      string       `json:"left_on"`
}

// PersonHousehold is a person's current KK, if any, and the KKs they left.
type PersonHousehold struct {
	PersonID int64        `json:"person_id"`
	Current  *Household   `json:"current"`
	Past     []Membership `json:"past"`
}

// HouseholdInput is a new household: its KK, where it lives, and
// optionally its first member (the person whose record it is made from),
// whose fields are those of MemberInput.
type HouseholdInput struct {
	KK       string `json:"kk"`
	Village  string `json:"village"`
	Address  string `json:"address"`
	PersonID int64  `json:"person_id,omitempty"`
	Relation string `json:"relation,omitempty"`
	JoinedOn string `json:"joined_on,omitempty"`
	Move     bool   `json:"move,omitempty"`
}

// member is the first member of in, if any field of one is given.
func (in HouseholdInput) member() (MemberInput, bool) {
	m := MemberInput{PersonID: in.PersonID, Relation: in.Relation, JoinedOn: in.JoinedOn, Move: in.Move}
	return m, in.PersonID != 0 || strings.TrimSpace(in.Relation) != "" || strings.TrimSpace(in.JoinedOn) != ""
}

// MemberInput adds a person to a household. A person is on at most one
// current KK (domain.md §8.2): one who is on another is refused unless Move
// is set, which closes the old membership on JoinedOn in the same
// transaction.
type MemberInput struct {
	PersonID int64  `json:"person_id"`
	Relation string `json:"relation"`
	JoinedOn string `json:"joined_on"`
	Move     bool   `json:"move"`
}

// LeaveInput closes a person's current membership.
type LeaveInput struct {
	LeftOn string `json:"left_on"`
}

// checkedMember is a MemberInput after validation.
type checkedMember struct {
	personID int64
	relation Relation
	joinedOn string
	move     bool
}

// checkDate reads a YYYY-MM-DD date that may not lie after today nor
// before 1900, recording errors under field.
func checkDate(f *apperr.Fields, field, v string, required bool, today time.Time) string {
	v = strings.TrimSpace(v)
	if v == "" {
		if required {
			f.Add(field, "field.required")
		}
		return ""
	}
	d, err := time.Parse(time.DateOnly, v)
	switch {
	case err != nil:
		f.Add(field, "field.date_format")
	case d.After(dateOf(today)):
		f.Add(field, "date.future")
	case d.Year() < 1900:
		f.Add(field, "date.too_old")
	default:
		return d.Format(time.DateOnly)
	}
	return ""
}

// dateOf is the calendar day of t as a midnight UTC time, comparable with
// the dates time.Parse(time.DateOnly, …) returns.
func dateOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// checkText trims v and checks it is valid text of at most max characters.
func checkText(f *apperr.Fields, field, v string, max int, required bool) string {
	v = strings.TrimSpace(v)
	switch {
	case required && v == "":
		f.Add(field, "field.required")
	case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
		f.Add(field, "field.utf8")
	case utf8.RuneCountInString(v) > max:
		f.Add(field, "field.too_long", max)
	}
	return v
}

// validate checks a membership.
func (in MemberInput) validate(today time.Time) (checkedMember, apperr.Fields) {
	var f apperr.Fields
	c := checkedMember{personID: in.PersonID, move: in.Move}
	if in.PersonID <= 0 {
		f.Add("person_id", "field.required")
	}
	if strings.TrimSpace(in.Relation) == "" {
		f.Add("relation", "field.required")
	} else if r, ok := ParseRelation(in.Relation); !ok {
		f.Add("relation", "household.relation_unknown")
	} else {
		c.relation = r
	}
	c.joinedOn = checkDate(&f, "joined_on", in.JoinedOn, true, today)
	return c, f
}

type checkedHousehold struct {
	kk      KK
	notes   []Message
	village wilayah.Code
	address string
}

// validate checks a household's own fields. The KK is checked like a NIK's
// region prefix (ParseKK): an unknown province is refused, an unknown
// kab/kota or kecamatan is an old code, accepted with a note.
func (in HouseholdInput) validate(regions RegionLookup) (checkedHousehold, apperr.Fields) {
	var f apperr.Fields
	var c checkedHousehold
	c.kk, c.notes = checkKK(&f, in.KK, regions)
	if v := strings.TrimSpace(in.Village); v == "" {
		f.Add("village", "field.required")
	} else if code, err := wilayah.ParseCode(v); err != nil || code.Level() != wilayah.Village {
		f.Add("village", "household.village_format")
	} else if _, ok := regions.Get(code); !ok {
		f.Add("village", "region.unknown", string(code))
	} else {
		c.village = code
	}
	c.address = checkText(&f, "address", in.Address, maxAddress, false)
	return c, f
}

// checkKK parses a required No. KK under the field "kk".
func checkKK(f *apperr.Fields, s string, regions RegionLookup) (KK, []Message) {
	if strings.TrimSpace(s) == "" {
		f.Add("kk", "field.required")
		return "", nil
	}
	kk, notes, err := ParseKK(s, regions)
	if re, ok := err.(*RuleError); ok {
		re.AddTo(f, "kk")
		return "", nil
	} else if err != nil {
		f.Add("kk", "kk.digits")
		return "", nil
	}
	var msgs []Message
	for _, n := range notes {
		msgs = append(msgs, Message{Field: "kk", Key: n.Key, Args: n.Args})
	}
	return kk, msgs
}

// kkNotes re-derives the notes of a stored KK (its issuing region may have
// been renumbered since), so every reader sees them, not only its creator.
func kkNotes(kk KK, regions RegionLookup) []Message {
	_, notes, err := ParseKK(string(kk), regions)
	out := []Message{}
	if err != nil {
		return out
	}
	for _, n := range notes {
		out = append(out, Message{Field: "kk", Key: n.Key, Args: n.Args})
	}
	return out
}

// coversHousehold is the reach rule of a household: its village is in
// reach, or one of its members (current or past) is a person in reach —
// a worker sees the KK of every person they may open.
func (r Reach) coversHousehold(village wilayah.Code, members []Member) bool {
	if r.covers(village, 0) {
		return true
	}
	for _, m := range members {
		if r.covers(m.village, m.unitID) {
			return true
		}
	}
	return false
}

// Keys of the field errors that link another household.
const (
	keyInOtherHousehold = "household.in_other"
	keyKKTaken          = "kk.taken"
)

// OtherHousehold returns the id of the household a refused membership
// points at (the person's current KK), or 0.
func OtherHousehold(err error) int64 {
	if e := apperr.As(err); e != nil {
		for _, f := range e.Fields {
			if (f.Key == keyInOtherHousehold || f.Key == keyKKTaken) && len(f.Args) > 0 {
				id, _ := f.Args[0].(int64)
				return id
			}
		}
	}
	return 0
}

const householdColumns = "h.id, h.kk, h.village_code, h.address, h.created_at, h.updated_at, h.version"

func scanHousehold(row interface{ Scan(...any) error }) (Household, error) {
	var h Household
	var kk sql.NullString
	if err := row.Scan(&h.ID, &kk, &h.Village, &h.Address, &h.CreatedAt, &h.UpdatedAt, &h.Version); err != nil {
		return Household{}, db.Err(err)
	}
	h.KK = KK(kk.String)
	h.CreatedAt, h.UpdatedAt = h.CreatedAt.UTC(), h.UpdatedAt.UTC()
	return h, nil
}

// loadHousehold reads a household with every membership, unscoped.
func loadHousehold(ctx context.Context, q db.Q, id int64) (Household, error) {
	h, err := scanHousehold(q.QueryRow(ctx, "SELECT "+householdColumns+" FROM household h WHERE h.id = ?", id))
	if err != nil {
		return Household{}, err
	}
	rows, err := q.Query(ctx, `SELECT m.id, m.person_id, m.relation, m.joined_on, m.left_on, p.name, p.village_code, p.unit_id
		FROM household_member m JOIN person p ON p.id = m.person_id WHERE m.household_id = ? ORDER BY m.id`, id)
	if err != nil {
		return Household{}, err
	}
	defer rows.Close()
	h.Members = []Member{}
	for rows.Next() {
		var m Member
		var left sql.NullString
		var unit sql.NullInt64
		if err := rows.Scan(&m.ID, &m.PersonID, &m.Relation, &m.JoinedOn, &left, &m.Name, &m.village, &unit); err != nil {
			return Household{}, db.Err(err)
		}
		m.LeftOn, m.unitID = left.String, unit.Int64
		h.Members = append(h.Members, m)
	}
	if err := rows.Err(); err != nil {
		return Household{}, err
	}
	sortMembers(h.Members)
	return h, nil
}

// sortMembers puts current members first in KK order (head, spouse,
// children…, then by joining date), then past members, latest leaver first.
func sortMembers(ms []Member) {
	slices.SortStableFunc(ms, func(a, b Member) int {
		switch {
		case a.Current() != b.Current():
			if a.Current() {
				return -1
			}
			return 1
		case a.Current():
			if a.Relation.rank() != b.Relation.rank() {
				return a.Relation.rank() - b.Relation.rank()
			}
			if c := strings.Compare(a.JoinedOn, b.JoinedOn); c != 0 {
				return c
			}
		default:
			if c := strings.Compare(b.LeftOn, a.LeftOn); c != 0 {
				return c
			}
		}
		return int(a.ID - b.ID)
	})
}

// forReader withholds the identity of members outside the reach and adds
// the notes of the KK.
func (s *Store) forReader(h Household, reach Reach) Household {
	out := h
	out.Members = make([]Member, len(h.Members))
	for i, m := range h.Members {
		if !reach.covers(m.village, m.unitID) {
			m.PersonID, m.Name, m.Hidden = 0, "", true
		}
		out.Members[i] = m
	}
	out.Notes = kkNotes(h.KK, s.Regions)
	return out
}

// getHousehold reads a household in reach; outside it, it does not exist.
func getHousehold(ctx context.Context, q db.Q, reach Reach, id int64) (Household, error) {
	h, err := loadHousehold(ctx, q, id)
	if errors.Is(err, db.ErrNotFound) || (err == nil && !reach.coversHousehold(h.Village, h.Members)) {
		return Household{}, apperr.New(apperr.NotFound, "household.not_found")
	}
	return h, err
}

// Household reads one household in reach.
func (s *Store) Household(ctx context.Context, reach Reach, id int64) (Household, error) {
	h, err := getHousehold(ctx, s.DB, reach, id)
	if err != nil {
		return Household{}, err
	}
	return s.forReader(h, reach), nil
}

// personInReach reads the village, unit and active flag of a person in
// reach; a person outside it is reported under field as not found.
func personInReach(ctx context.Context, q db.Q, reach Reach, id int64) (name string, village wilayah.Code, active bool, err error) {
	var unit sql.NullInt64
	err = db.Err(q.QueryRow(ctx, "SELECT name, village_code, unit_id, active FROM person WHERE id = ?", id).
		Scan(&name, &village, &unit, &active))
	if errors.Is(err, db.ErrNotFound) || (err == nil && !reach.covers(village, unit.Int64)) {
		return "", "", false, apperr.New(apperr.NotFound, "person.not_found")
	}
	return name, village, active, err
}

// PersonHousehold reads the current KK of a person in reach and the KKs
// they left, newest first.
func (s *Store) PersonHousehold(ctx context.Context, reach Reach, personID int64) (PersonHousehold, error) {
	if _, _, _, err := personInReach(ctx, s.DB, reach, personID); err != nil {
		return PersonHousehold{}, err
	}
	out := PersonHousehold{PersonID: personID, Past: []Membership{}}
	rows, err := s.DB.Query(ctx, `SELECT m.household_id, h.kk, h.village_code, m.relation, m.joined_on, m.left_on
		FROM household_member m JOIN household h ON h.id = m.household_id
		WHERE m.person_id = ? ORDER BY m.joined_on DESC, m.id DESC`, personID)
	if err != nil {
		return PersonHousehold{}, err
	}
	var current int64
	for rows.Next() {
		var m Membership
		var kk, left sql.NullString
		if err := rows.Scan(&m.HouseholdID, &kk, &m.Village, &m.Relation, &m.JoinedOn, &left); err != nil {
			rows.Close()
			return PersonHousehold{}, db.Err(err)
		}
		m.KK, m.LeftOn = KK(kk.String), left.String
		if m.LeftOn == "" {
			current = m.HouseholdID
			continue
		}
		out.Past = append(out.Past, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return PersonHousehold{}, err
	}
	if current != 0 {
		// The person is in reach and a member, so the household is too.
		h, err := loadHousehold(ctx, s.DB, current)
		if err != nil {
			return PersonHousehold{}, err
		}
		h = s.forReader(h, reach)
		out.Current = &h
	}
	return out, nil
}

// householdRecord is what the audit log keeps of a household: ids, codes
// and dates, no names (the person records hold those).
type householdRecord struct {
	ID      int64          `json:"id"`
	KK      KK             `json:"kk"`
	Village wilayah.Code   `json:"village"`
	Address string         `json:"address"`
	Members []memberRecord `json:"members"`
	Version int            `json:"version"`
}

type memberRecord struct {
	ID       int64    `json:"id"`
	PersonID int64    `json:"person_id"`
	Relation Relation `json:"relation"`
	JoinedOn string   `json:"joined_on"`
	LeftOn   string   `json:"left_on,omitempty"`
}

func recordOf(h Household) *householdRecord {
	r := &householdRecord{ID: h.ID, KK: h.KK, Village: h.Village, Address: h.Address, Version: h.Version, Members: []memberRecord{}}
	for _, m := range h.Members {
		r.Members = append(r.Members, memberRecord{m.ID, m.PersonID, m.Relation, m.JoinedOn, m.LeftOn})
	}
	return r
}

func auditHousehold(ctx context.Context, tx *db.Tx, actor audit.Actor, action string, before *Household, after Household) error {
	e := audit.Entry{Action: action, Entity: "household", EntityID: strconv.FormatInt(after.ID, 10),
		Region: after.Village, After: recordOf(after)}
	if before != nil {
		e.Before = recordOf(*before)
	}
	return audit.Record(ctx, tx, actor, e)
}

// householdByKK returns the id of the household holding kk, or 0.
func householdByKK(ctx context.Context, q db.Q, kk KK) (int64, error) {
	var id int64
	err := db.Err(q.QueryRow(ctx, "SELECT id FROM household WHERE kk = ?", string(kk)).Scan(&id))
	if errors.Is(err, db.ErrNotFound) {
		return 0, nil
	}
	return id, err
}

// CreateHousehold records a new KK, with its first member when one is
// given. The household must lie in the worker's reach (its village, or its
// first member), so that its maker can read it back. A KK already recorded
// is refused, naming the household when the worker may open it.
func (s *Store) CreateHousehold(ctx context.Context, actor audit.Actor, reach Reach, in HouseholdInput) (Household, error) {
	if reach.None() {
		return Household{}, apperr.New(apperr.Forbidden, "error.forbidden")
	}
	c, f := in.validate(s.Regions)
	mi, hasMember := in.member()
	var m checkedMember
	if hasMember {
		var mf apperr.Fields
		m, mf = mi.validate(s.today())
		f = append(f, mf...)
	}
	if err := f.Err(); err != nil {
		return Household{}, err
	}
	var out Household
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		existing, err := householdByKK(ctx, tx, c.kk)
		if err != nil {
			return err
		}
		if existing != 0 {
			return kkTaken(ctx, tx, reach, existing)
		}
		if !hasMember && !reach.covers(c.village, 0) {
			return fieldErr("village", "household.village_out_of_reach")
		}
		h, err := insertHousehold(ctx, tx, actor, c)
		if err != nil {
			return err
		}
		if hasMember {
			if h, err = addMember(ctx, tx, actor, reach, h, m); err != nil {
				return err
			}
		}
		out = h
		return nil
	})
	if err != nil {
		return Household{}, err
	}
	return s.forReader(out, reach), nil
}

// fieldErr is a validation error of one field.
func fieldErr(field, key string, args ...any) error {
	var f apperr.Fields
	f.Add(field, key, args...)
	return f.Err()
}

// kkTaken is the field error of a KK already recorded; it links the
// household when the worker may open it.
func kkTaken(ctx context.Context, q db.Q, reach Reach, id int64) error {
	h, err := getHousehold(ctx, q, reach, id)
	switch {
	case err == nil:
		return fieldErr("kk", keyKKTaken, h.ID)
	case apperr.KindOf(err) == apperr.NotFound:
		return fieldErr("kk", "kk.taken_elsewhere")
	}
	return err
}

func insertHousehold(ctx context.Context, tx *db.Tx, actor audit.Actor, c checkedHousehold) (Household, error) {
	now := db.Now()
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO household (kk, village_code, address, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, 1) RETURNING id`, string(c.kk), string(c.village), c.address, now, now).Scan(&id)
	if err != nil {
		if err = db.Err(err); errors.Is(err, db.ErrDuplicate) {
			// Another worker recorded the same KK a moment ago.
			return Household{}, apperr.Wrap(apperr.Conflict, "kk.taken_elsewhere", err)
		}
		return Household{}, err
	}
	h, err := loadHousehold(ctx, tx, id)
	if err != nil {
		return Household{}, err
	}
	return h, auditHousehold(ctx, tx, actor, audit.Create, nil, h)
}

// HouseholdCorrection corrects a household's own fields — a KK number
// mistyped, the wrong village, the address — leaving its members as they
// are. Version is the version the editor saw: a household changed since is
// a conflict.
type HouseholdCorrection struct {
	KK      string `json:"kk"`
	Village string `json:"village"`
	Address string `json:"address"`
	Version int    `json:"version"`
}

// CorrectHousehold applies a correction to a household in reach. The KK is
// checked as at creation (a KK another household holds is refused, naming
// it when the worker may open it), and the household must stay in reach
// (its village, or a member), so that its corrector can read it back.
// Before and after go to the audit log.
func (s *Store) CorrectHousehold(ctx context.Context, actor audit.Actor, reach Reach, id int64, in HouseholdCorrection) (Household, error) {
	c, f := HouseholdInput{KK: in.KK, Village: in.Village, Address: in.Address}.validate(s.Regions)
	if in.Version <= 0 {
		f.Add("version", "field.required")
	}
	if err := f.Err(); err != nil {
		return Household{}, err
	}
	var out Household
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := getHousehold(ctx, tx, reach, id)
		if err != nil {
			return err
		}
		if before.Version != in.Version {
			return apperr.New(apperr.Conflict, "error.stale_version")
		}
		if c.kk == before.KK && c.village == before.Village && c.address == before.Address {
			out = before // nothing to correct: no new version, nothing to audit
			return nil
		}
		if c.kk != before.KK {
			existing, err := householdByKK(ctx, tx, c.kk)
			if err != nil {
				return err
			}
			if existing != 0 {
				return kkTaken(ctx, tx, reach, existing)
			}
		}
		res, err := tx.Exec(ctx, `UPDATE household SET kk = ?, village_code = ?, address = ?, updated_at = ?,
			version = version + 1 WHERE id = ? AND version = ?`,
			string(c.kk), string(c.village), c.address, db.Now(), id, in.Version)
		if errors.Is(err, db.ErrDuplicate) {
			// Another worker recorded the same KK a moment ago.
			return apperr.Wrap(apperr.Conflict, "kk.taken_elsewhere", err)
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "error.stale_version")
		}
		after, err := loadHousehold(ctx, tx, id)
		if err != nil {
			return err
		}
		if !reach.coversHousehold(after.Village, after.Members) {
			return fieldErr("village", "household.correct_out_of_reach")
		}
		out = after
		return auditHousehold(ctx, tx, actor, audit.Update, &before, after)
	})
	if err != nil {
		return Household{}, err
	}
	return s.forReader(out, reach), nil
}

// AddMember puts a person in reach on a household in reach.
func (s *Store) AddMember(ctx context.Context, actor audit.Actor, reach Reach, householdID int64, in MemberInput) (Household, error) {
	m, f := in.validate(s.today())
	if err := f.Err(); err != nil {
		return Household{}, err
	}
	var out Household
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		h, err := getHousehold(ctx, tx, reach, householdID)
		if err != nil {
			return err
		}
		out, err = addMember(ctx, tx, actor, reach, h, m)
		return err
	})
	if err != nil {
		return Household{}, err
	}
	return s.forReader(out, reach), nil
}

// JoinHousehold is the person page's one form: it puts a person on the
// household of the KK typed, recording the household first when the KK is
// new (village and address are then required; for a known KK they are not
// read). A KK recorded outside the worker's reach is refused: the worker
// could not see who is on it.
func (s *Store) JoinHousehold(ctx context.Context, actor audit.Actor, reach Reach, personID int64, in HouseholdInput) (Household, error) {
	in.PersonID = personID
	mi, _ := in.member()
	var f apperr.Fields
	kk, _ := checkKK(&f, in.KK, s.Regions)
	m, mf := mi.validate(s.today())
	f = append(f, mf...)
	if err := f.Err(); err != nil {
		return Household{}, err
	}
	var out Household
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, _, _, err := personInReach(ctx, tx, reach, personID); err != nil {
			return err
		}
		existing, err := householdByKK(ctx, tx, kk)
		if err != nil {
			return err
		}
		var h Household
		if existing != 0 {
			h, err = getHousehold(ctx, tx, reach, existing)
			if apperr.KindOf(err) == apperr.NotFound {
				return fieldErr("kk", "kk.taken_elsewhere")
			}
		} else {
			c, f := in.validate(s.Regions)
			if err := f.Err(); err != nil {
				return err
			}
			h, err = insertHousehold(ctx, tx, actor, c)
		}
		if err != nil {
			return err
		}
		out, err = addMember(ctx, tx, actor, reach, h, m)
		return err
	})
	if err != nil {
		return Household{}, err
	}
	return s.forReader(out, reach), nil
}

// addMember applies the membership rules inside tx and returns the
// household as changed: the person is in reach and active; not already on
// this KK; on no other current KK unless moving (the old membership then
// closes on the joining date, which may not be before the old joining
// date); and a KK has one current head.
func addMember(ctx context.Context, tx *db.Tx, actor audit.Actor, reach Reach, h Household, m checkedMember) (Household, error) {
	_, _, active, err := personInReach(ctx, tx, reach, m.personID)
	if apperr.KindOf(err) == apperr.NotFound {
		return Household{}, fieldErr("person_id", "household.person_not_found")
	}
	if err != nil {
		return Household{}, err
	}
	if !active {
		return Household{}, fieldErr("person_id", "household.person_inactive")
	}
	for _, x := range h.Members {
		if x.Current() && x.PersonID == m.personID {
			return Household{}, fieldErr("person_id", "household.already_member")
		}
	}
	if m.relation == Head {
		if head, ok := h.Head(); ok {
			if reach.covers(head.village, head.unitID) {
				return Household{}, fieldErr("relation", "household.head_exists", head.Name)
			}
			return Household{}, fieldErr("relation", "household.head_exists_hidden")
		}
	}
	// The person's current KK elsewhere.
	var memberID, oldID int64
	var oldJoined string
	err = db.Err(tx.QueryRow(ctx, "SELECT id, household_id, joined_on FROM household_member WHERE person_id = ? AND left_on IS NULL",
		m.personID).Scan(&memberID, &oldID, &oldJoined))
	switch {
	case errors.Is(err, db.ErrNotFound):
	case err != nil:
		return Household{}, err
	case !m.move:
		return Household{}, fieldErr("person_id", keyInOtherHousehold, oldID)
	case m.joinedOn < oldJoined:
		return Household{}, fieldErr("joined_on", "household.joined_before_previous", oldJoined)
	default:
		old, err := loadHousehold(ctx, tx, oldID)
		if err != nil {
			return Household{}, err
		}
		if _, err := tx.Exec(ctx, "UPDATE household_member SET left_on = ? WHERE id = ?", m.joinedOn, memberID); err != nil {
			return Household{}, err
		}
		if _, err := bumpHousehold(ctx, tx, actor, old); err != nil {
			return Household{}, err
		}
	}
	_, err = tx.Exec(ctx, "INSERT INTO household_member (household_id, person_id, relation, joined_on) VALUES (?, ?, ?, ?)",
		h.ID, m.personID, string(m.relation), m.joinedOn)
	if errors.Is(err, db.ErrDuplicate) {
		// Another request put the person on a KK in the meantime; the
		// partial unique index household_member_current kept the rule.
		return Household{}, apperr.Wrap(apperr.Conflict, "error.stale_version", err)
	}
	if err != nil {
		return Household{}, err
	}
	return bumpHousehold(ctx, tx, actor, h)
}

// bumpHousehold raises a household's version after a change of its
// members, records before and after in the audit log, and returns the
// household as it now is. A household changed by another request since
// before was read is a conflict.
func bumpHousehold(ctx context.Context, tx *db.Tx, actor audit.Actor, before Household) (Household, error) {
	res, err := tx.Exec(ctx, "UPDATE household SET updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
		db.Now(), before.ID, before.Version)
	if err != nil {
		return Household{}, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Household{}, apperr.New(apperr.Conflict, "error.stale_version")
	}
	after, err := loadHousehold(ctx, tx, before.ID)
	if err != nil {
		return Household{}, err
	}
	return after, auditHousehold(ctx, tx, actor, audit.Update, &before, after)
}

// LeaveHousehold closes a person's current membership on in.LeftOn, which
// may be neither in the future nor before they joined. The membership is
// kept as history.
func (s *Store) LeaveHousehold(ctx context.Context, actor audit.Actor, reach Reach, personID int64, in LeaveInput) (Household, error) {
	var f apperr.Fields
	leftOn := checkDate(&f, "left_on", in.LeftOn, true, s.today())
	if err := f.Err(); err != nil {
		return Household{}, err
	}
	var out Household
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, _, _, err := personInReach(ctx, tx, reach, personID); err != nil {
			return err
		}
		var memberID, hid int64
		var joined string
		err := db.Err(tx.QueryRow(ctx, "SELECT id, household_id, joined_on FROM household_member WHERE person_id = ? AND left_on IS NULL",
			personID).Scan(&memberID, &hid, &joined))
		if errors.Is(err, db.ErrNotFound) {
			return apperr.New(apperr.Conflict, "household.no_current")
		}
		if err != nil {
			return err
		}
		if leftOn < joined {
			return fieldErr("left_on", "household.left_before_joined", joined)
		}
		h, err := loadHousehold(ctx, tx, hid)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE household_member SET left_on = ? WHERE id = ?", leftOn, memberID); err != nil {
			return err
		}
		out, err = bumpHousehold(ctx, tx, actor, h)
		return err
	})
	if err != nil {
		return Household{}, err
	}
	return s.forReader(out, reach), nil
}

// Grouped is the KK grouped as printed on the card: 3373 0412 0590 0001.
func (k KK) Grouped() string {
	s := string(k)
	if len(s) != idDigits {
		return s
	}
	return fmt.Sprintf("%s %s %s %s", s[0:4], s[4:8], s[8:12], s[12:16])
}

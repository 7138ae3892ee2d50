package registry

import (
	"context"
	"database/sql"
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

// Reach is which people an account may open: those living in its regions
// (its unit's region and, for a sentra, the provinces it covers) and those
// linked to its unit. Planners, verifiers, national viewers and admins have
// none: they see counts, never personal records (UU 27/2022 data
// minimisation; DESIGN.md's table of users).
type Reach struct {
	Regions []wilayah.Code
	UnitID  int64
}

// None reports whether the reach holds no one.
func (r Reach) None() bool { return len(r.Regions) == 0 && r.UnitID == 0 }

// ReachOf works out a user's reach from the account as read with its unit
// (region and coverage). Only workers and supervisors have one.
func ReachOf(u access.User) Reach {
	if !u.Role.Can(access.ReadPeople) || u.UnitID == 0 {
		return Reach{}
	}
	r := Reach{UnitID: u.UnitID}
	if u.UnitRegion != "" {
		r.Regions = append(r.Regions, u.UnitRegion)
	}
	if u.Region != "" && !u.UnitRegion.Contains(u.Region) {
		r.Regions = append(r.Regions, u.Region)
	}
	r.Regions = append(r.Regions, u.UnitCoverage...)
	return r
}

// covers reports whether a person (by village and unit) is in reach.
func (r Reach) covers(village wilayah.Code, unitID int64) bool {
	if r.UnitID != 0 && r.UnitID == unitID {
		return true
	}
	for _, c := range r.Regions {
		if c.Contains(village) {
			return true
		}
	}
	return false
}

const personColumns = `p.id, p.nik, p.name, p.aliases, p.sex, p.birth_date, p.birth_year, p.birth_year_estimated,
	p.birth_place, p.village_code, p.address, p.categories, p.disabilities, p.phone, p.notes, p.unit_id,
	p.duplicate_of, p.active, p.inactive_reason, p.inactive_note, p.created_at, p.updated_at, p.version`

func scanPerson(row interface{ Scan(...any) error }) (Person, error) {
	var p Person
	var nik, birthDate sql.NullString
	var birthYear, unitID, dup sql.NullInt64
	var aliases, cats, dis string
	err := row.Scan(&p.ID, &nik, &p.Name, &aliases, &p.Sex, &birthDate, &birthYear, &p.BirthYearEstimated,
		&p.BirthPlace, &p.Village, &p.Address, &cats, &dis, &p.Phone, &p.Notes, &unitID,
		&dup, &p.Active, &p.InactiveReason, &p.InactiveNote, &p.CreatedAt, &p.UpdatedAt, &p.Version)
	if err != nil {
		return Person{}, db.Err(err)
	}
	p.NIK, p.BirthDate = NIK(nik.String), birthDate.String
	p.BirthYear, p.UnitID, p.DuplicateOf = int(birthYear.Int64), unitID.Int64, dup.Int64
	p.Aliases, p.Categories, p.Disabilities = splitList(aliases, "\n"), splitList(cats, ","), splitList(dis, ",")
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, nil
}

func splitList(s, sep string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, sep)
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullInt(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

// Saved is a stored person with the notes and warnings to show about it.
type Saved struct {
	Person   Person
	Messages []Message
}

// duplicateNIK returns the original record holding nik, or 0. Deactivated
// records count too: a NIK registered again after its record was
// deactivated (meninggal, pindah) must be noticed, not stored silently.
func duplicateNIK(ctx context.Context, q db.Q, nik NIK, except int64) (int64, error) {
	var id int64
	err := db.Err(q.QueryRow(ctx, `SELECT id FROM person WHERE nik = ? AND duplicate_of IS NULL AND id <> ?
		ORDER BY id LIMIT 1`, string(nik), except).Scan(&id))
	if errors.Is(err, db.ErrNotFound) {
		return 0, nil
	}
	return id, err
}

// Keys of the duplicate-NIK field error: the record holding the NIK is in
// the worker's reach (the error names it) or outside it (it does not: the
// worker could not open it, and its id would tell who is registered where).
const (
	keyNIKTaken          = "nik.duplicate"
	keyNIKTakenElsewhere = "nik.duplicate_elsewhere"
)

// nikTaken is the field error of a NIK that record existing holds already.
func nikTaken(ctx context.Context, q db.Q, reach Reach, existing int64) error {
	visible, err := inReach(ctx, q, reach, existing)
	if err != nil {
		return err
	}
	key, args := keyNIKTakenElsewhere, []any(nil)
	if visible {
		key, args = keyNIKTaken, []any{existing}
	}
	var f apperr.Fields
	f.Add("nik", key, args...)
	e := f.Err().(*apperr.Error)
	// The summary says it too (the API's problem detail): the generic
	// "error.invalid" takes no argument.
	e.Key, e.Args = key, args
	return e
}

// DuplicateOf returns the id of the record a duplicate-NIK error points at,
// or 0 (no such error, or a record outside the worker's reach).
func DuplicateOf(err error) int64 {
	if e := apperr.As(err); e != nil {
		for _, f := range e.Fields {
			if f.Key == keyNIKTaken && len(f.Args) == 1 {
				id, _ := f.Args[0].(int64)
				return id
			}
		}
	}
	return 0
}

// DuplicateElsewhere reports whether err refuses a NIK that a record outside
// the worker's reach holds already.
func DuplicateElsewhere(err error) bool {
	if e := apperr.As(err); e != nil {
		for _, f := range e.Fields {
			if f.Key == keyNIKTakenElsewhere {
				return true
			}
		}
	}
	return false
}

// inReach reports whether person id exists and lies in reach.
func inReach(ctx context.Context, q db.Q, reach Reach, id int64) (bool, error) {
	_, _, _, err := personInReach(ctx, q, reach, id)
	if apperr.KindOf(err) == apperr.NotFound {
		return false, nil
	}
	return err == nil, err
}

// InReach reports whether the person with id lies in reach, without reading
// the record (and so without an opening to audit): whether a page may link
// to it.
func (s *Store) InReach(ctx context.Context, reach Reach, id int64) (bool, error) {
	return inReach(ctx, s.DB, reach, id)
}

// Store is the registry's database with the region list it validates against.
type Store struct {
	DB      *db.DB
	Regions RegionLookup
	// Now is the clock; tests set it. Nil means time.Now.
	Now func() time.Time
}

func (s *Store) today() time.Time {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	// Indonesia's days: a birth date "today" in WIB is not in the future.
	return now().In(time.FixedZone("WIB", 7*3600))
}

// Create registers a person on behalf of a worker of unitID. A NIK already
// in the registry is refused with a link to the existing record unless the
// worker confirms; the new record then carries duplicate_of, so it is never
// stored twice silently.
func (s *Store) Create(ctx context.Context, actor audit.Actor, reach Reach, in Input) (Saved, error) {
	if reach.UnitID == 0 {
		return Saved{}, apperr.New(apperr.Forbidden, "error.forbidden")
	}
	c, msgs, f := in.validate(s.Regions, s.today())
	if err := f.Err(); err != nil {
		return Saved{}, err
	}
	var saved Saved
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var dupOf int64
		if c.nik != "" {
			existing, err := duplicateNIK(ctx, tx, c.nik, 0)
			if err != nil {
				return err
			}
			if existing != 0 && !in.ConfirmDuplicate {
				return nikTaken(ctx, tx, reach, existing)
			}
			dupOf = existing
		}
		dupVisible := false
		if dupOf != 0 {
			var err error
			if dupVisible, err = inReach(ctx, tx, reach, dupOf); err != nil {
				return err
			}
		}
		area, err := unitArea(ctx, tx, reach.UnitID)
		if err != nil {
			return err
		}
		linked := linkedUnit(area, reach.UnitID, c.village)
		now := db.Now()
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO person (nik, name, aliases, sex, birth_date, birth_year, birth_year_estimated,
			birth_place, village_code, regency_code, province_code, address, categories, disabilities, phone, notes, unit_id,
			linked_unit, duplicate_of, active, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`,
			nullString(string(c.nik)), c.name, strings.Join(c.aliases, "\n"), string(c.sex), nullString(c.birthDate),
			nullInt(int64(c.birthYear)), c.estimated, c.birthPlace, string(c.village), string(c.village.Parent().Parent()),
			string(c.village.Province()), c.address, strings.Join(c.categories, ","), strings.Join(c.disabilities, ","),
			c.phone, c.notes, reach.UnitID, nullInt(linked), nullInt(dupOf), true, now, now).Scan(&id)
		if err != nil {
			return db.Err(err)
		}
		if err := writeIndex(ctx, tx, id, c, linked); err != nil {
			return err
		}
		p, err := scanPerson(tx.QueryRow(ctx, "SELECT "+personColumns+" FROM person p WHERE p.id = ?", id))
		if err != nil {
			return err
		}
		saved = Saved{Person: p, Messages: msgs}
		switch {
		case dupVisible:
			saved.Messages = append(saved.Messages, Message{Field: "nik", Key: "nik.stored_duplicate", Args: []any{dupOf}})
		case dupOf != 0:
			saved.Messages = append(saved.Messages, Message{Field: "nik", Key: "nik.stored_duplicate_elsewhere"})
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Create, Entity: "person",
			EntityID: strconv.FormatInt(id, 10), Region: p.Village, After: p})
	})
	return saved, err
}

// Get reads one person in reach; outside it the person does not exist. Every
// opening of a full record is audited (who, when): the caller says so with
// audited, since a page re-render after a failed edit is not a new opening.
func (s *Store) Get(ctx context.Context, actor audit.Actor, reach Reach, id int64, audited bool) (Person, error) {
	p, err := scanPerson(s.DB.QueryRow(ctx, "SELECT "+personColumns+" FROM person p WHERE p.id = ?", id))
	if errors.Is(err, db.ErrNotFound) || (err == nil && !reach.covers(p.Village, p.UnitID)) {
		return Person{}, apperr.New(apperr.NotFound, "person.not_found")
	}
	if err != nil {
		return Person{}, err
	}
	if audited {
		if err := audit.Record(ctx, s.DB, actor, audit.Entry{Action: audit.Read, Entity: "person",
			EntityID: strconv.FormatInt(id, 10), Region: p.Village}); err != nil {
			return Person{}, err
		}
	}
	return p, nil
}

// Update changes a person; a stale version is a conflict.
func (s *Store) Update(ctx context.Context, actor audit.Actor, reach Reach, id int64, in Input) (Saved, error) {
	c, msgs, f := in.validate(s.Regions, s.today())
	if err := f.Err(); err != nil {
		return Saved{}, err
	}
	var saved Saved
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := scanPerson(tx.QueryRow(ctx, "SELECT "+personColumns+" FROM person p WHERE p.id = ?", id))
		if errors.Is(err, db.ErrNotFound) || (err == nil && !reach.covers(before.Village, before.UnitID)) {
			return apperr.New(apperr.NotFound, "person.not_found")
		}
		if err != nil {
			return err
		}
		dupOf := before.DuplicateOf
		if c.nik != "" && c.nik != before.NIK {
			existing, err := duplicateNIK(ctx, tx, c.nik, id)
			if err != nil {
				return err
			}
			if existing != 0 && !in.ConfirmDuplicate {
				return nikTaken(ctx, tx, reach, existing)
			}
			dupOf = existing
		} else if c.nik == "" {
			dupOf = 0
		}
		area, err := unitArea(ctx, tx, before.UnitID)
		if err != nil {
			return err
		}
		linked := linkedUnit(area, before.UnitID, c.village)
		res, err := tx.Exec(ctx, `UPDATE person SET nik = ?, name = ?, aliases = ?, sex = ?, birth_date = ?, birth_year = ?,
			birth_year_estimated = ?, birth_place = ?, village_code = ?, regency_code = ?, province_code = ?, address = ?,
			categories = ?, disabilities = ?, phone = ?, notes = ?, linked_unit = ?, duplicate_of = ?, updated_at = ?,
			version = version + 1
			WHERE id = ? AND version = ?`,
			nullString(string(c.nik)), c.name, strings.Join(c.aliases, "\n"), string(c.sex), nullString(c.birthDate),
			nullInt(int64(c.birthYear)), c.estimated, c.birthPlace, string(c.village), string(c.village.Parent().Parent()),
			string(c.village.Province()), c.address, strings.Join(c.categories, ","), strings.Join(c.disabilities, ","),
			c.phone, c.notes, nullInt(linked), nullInt(dupOf), db.Now(), id, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "error.stale_version")
		}
		if err := writeIndex(ctx, tx, id, c, linked); err != nil {
			return err
		}
		p, err := scanPerson(tx.QueryRow(ctx, "SELECT "+personColumns+" FROM person p WHERE p.id = ?", id))
		if err != nil {
			return err
		}
		saved = Saved{Person: p, Messages: msgs}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Update, Entity: "person",
			EntityID: strconv.FormatInt(id, 10), Region: p.Village, Before: before, After: p})
	})
	return saved, err
}

// SetActive deactivates a person with a reason (never deleting) or
// reactivates them; a stale version is a conflict.
func (s *Store) SetActive(ctx context.Context, actor audit.Actor, reach Reach, id int64, active bool,
	reason InactiveReason, note string, version int) (Person, error) {
	var f apperr.Fields
	note = strings.TrimSpace(note)
	if !active && !reason.Valid() {
		f.Add("reason", "person.reason_required")
	}
	if len([]rune(note)) > maxNotes {
		f.Add("note", "field.too_long", maxNotes)
	}
	if err := f.Err(); err != nil {
		return Person{}, err
	}
	if active {
		reason, note = "", ""
	}
	var p Person
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := scanPerson(tx.QueryRow(ctx, "SELECT "+personColumns+" FROM person p WHERE p.id = ?", id))
		if errors.Is(err, db.ErrNotFound) || (err == nil && !reach.covers(before.Village, before.UnitID)) {
			return apperr.New(apperr.NotFound, "person.not_found")
		}
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE person SET active = ?, inactive_reason = ?, inactive_note = ?, updated_at = ?,
			version = version + 1 WHERE id = ? AND version = ?`, active, string(reason), note, db.Now(), id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "error.stale_version")
		}
		if p, err = scanPerson(tx.QueryRow(ctx, "SELECT "+personColumns+" FROM person p WHERE p.id = ?", id)); err != nil {
			return err
		}
		action := audit.Activate
		if !active {
			action = audit.Deactivate
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: action, Entity: "person",
			EntityID: strconv.FormatInt(id, 10), Region: p.Village, Before: before, After: p})
	})
	return p, err
}

// Count counts active people within a region subtree (all when empty): the
// only figure planners and national viewers see of the registry.
func Count(ctx context.Context, q db.Q, within wilayah.Code) (int, error) {
	query, args := "SELECT COUNT(*) FROM person p WHERE p.active = ?", []any{true}
	if within != "" {
		c, a := wilayah.SubtreeCond("p.village_code", within)
		query += " AND " + c
		args = append(args, a...)
	}
	var n int
	err := q.QueryRow(ctx, query, args...).Scan(&n)
	return n, db.Err(err)
}

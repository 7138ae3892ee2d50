package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
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

// ReachOf works out a user's reach. Only workers and supervisors have one.
func ReachOf(ctx context.Context, q db.Q, u access.User) (Reach, error) {
	if !u.Role.Can(access.ReadPeople) || u.UnitID == 0 {
		return Reach{}, nil
	}
	r := Reach{UnitID: u.UnitID}
	if u.UnitRegion != "" {
		r.Regions = append(r.Regions, u.UnitRegion)
	}
	if u.Region != "" && !u.UnitRegion.Contains(u.Region) {
		r.Regions = append(r.Regions, u.Region)
	}
	rows, err := q.Query(ctx, "SELECT province_code FROM unit_coverage WHERE unit_id = ? ORDER BY province_code", u.UnitID)
	if err != nil {
		return Reach{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var c wilayah.Code
		if err := rows.Scan(&c); err != nil {
			return Reach{}, err
		}
		r.Regions = append(r.Regions, c)
	}
	return r, rows.Err()
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

// filter is the reach as a SQL condition on person p.
func (r Reach) filter() (string, []any) {
	var conds []string
	var args []any
	for _, c := range r.Regions {
		s, a := wilayah.SubtreeCond("p.village_code", c)
		conds = append(conds, s)
		args = append(args, a...)
	}
	if r.UnitID != 0 {
		conds = append(conds, "p.unit_id = ?")
		args = append(args, r.UnitID)
	}
	if len(conds) == 0 {
		return "1=0", nil
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
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

// Keys of a person for the name index: each word's spelling-tolerant keys
// ("w:"), and the keys of each pair among the first four words of a name
// ("p:a|b", a < b), so that a two-word search reads one short index range
// even for the commonest names. Aliases are keyed like the name.
func personKeys(name string, aliases []string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(k string) {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for _, n := range append([]string{name}, aliases...) {
		perWord := NameWordKeys(n)
		var keyed [][]string
		for _, ks := range perWord {
			for _, k := range ks {
				add("w:" + k)
			}
			if len(ks) > 0 && len(keyed) < 4 {
				keyed = append(keyed, ks)
			}
		}
		for i := 0; i < len(keyed); i++ {
			for j := i + 1; j < len(keyed); j++ {
				for _, a := range keyed[i] {
					for _, b := range keyed[j] {
						add(pairKey(a, b))
					}
				}
			}
		}
	}
	return out
}

func pairKey(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return "p:" + a + "|" + b
}

// writeIndex replaces a person's rows in the name-key and category indexes.
func writeIndex(ctx context.Context, tx *db.Tx, id int64, c checked) error {
	for _, table := range []string{"person_key", "person_category"} {
		if _, err := tx.Exec(ctx, "DELETE FROM "+table+" WHERE person_id = ?", id); err != nil {
			return err
		}
	}
	regency := string(c.village.Parent().Parent())
	for _, k := range personKeys(c.name, c.aliases) {
		if _, err := tx.Exec(ctx, "INSERT INTO person_key (key, regency_code, person_id) VALUES (?, ?, ?)", k, regency, id); err != nil {
			return err
		}
	}
	for _, cat := range c.categories {
		if _, err := tx.Exec(ctx, "INSERT INTO person_category (category, regency_code, person_id) VALUES (?, ?, ?)", cat, regency, id); err != nil {
			return err
		}
	}
	return nil
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

func nikTaken(existing int64) error {
	var f apperr.Fields
	f.Add("nik", "nik.duplicate", existing)
	e := f.Err().(*apperr.Error)
	// The summary names the record too (the API's problem detail): the
	// generic "error.invalid" takes no argument.
	e.Key, e.Args = "nik.duplicate", []any{existing}
	return e
}

// DuplicateOf returns the id of the record a duplicate-NIK error points at.
func DuplicateOf(err error) int64 {
	if e := apperr.As(err); e != nil {
		for _, f := range e.Fields {
			if f.Key == "nik.duplicate" && len(f.Args) == 1 {
				id, _ := f.Args[0].(int64)
				return id
			}
		}
	}
	return 0
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
				return nikTaken(existing)
			}
			dupOf = existing
		}
		now := db.Now()
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO person (nik, name, aliases, sex, birth_date, birth_year, birth_year_estimated,
			birth_place, village_code, regency_code, province_code, address, categories, disabilities, phone, notes, unit_id,
			duplicate_of, active, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`,
			nullString(string(c.nik)), c.name, strings.Join(c.aliases, "\n"), string(c.sex), nullString(c.birthDate),
			nullInt(int64(c.birthYear)), c.estimated, c.birthPlace, string(c.village), string(c.village.Parent().Parent()),
			string(c.village.Province()), c.address, strings.Join(c.categories, ","), strings.Join(c.disabilities, ","),
			c.phone, c.notes, reach.UnitID, nullInt(dupOf), true, now, now).Scan(&id)
		if err != nil {
			return db.Err(err)
		}
		if err := writeIndex(ctx, tx, id, c); err != nil {
			return err
		}
		p, err := scanPerson(tx.QueryRow(ctx, "SELECT "+personColumns+" FROM person p WHERE p.id = ?", id))
		if err != nil {
			return err
		}
		saved = Saved{Person: p, Messages: msgs}
		if dupOf != 0 {
			saved.Messages = append(saved.Messages, Message{Field: "nik", Key: "nik.stored_duplicate", Args: []any{dupOf}})
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
				return nikTaken(existing)
			}
			dupOf = existing
		} else if c.nik == "" {
			dupOf = 0
		}
		res, err := tx.Exec(ctx, `UPDATE person SET nik = ?, name = ?, aliases = ?, sex = ?, birth_date = ?, birth_year = ?,
			birth_year_estimated = ?, birth_place = ?, village_code = ?, regency_code = ?, province_code = ?, address = ?,
			categories = ?, disabilities = ?, phone = ?, notes = ?, duplicate_of = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ?`,
			nullString(string(c.nik)), c.name, strings.Join(c.aliases, "\n"), string(c.sex), nullString(c.birthDate),
			nullInt(int64(c.birthYear)), c.estimated, c.birthPlace, string(c.village), string(c.village.Parent().Parent()),
			string(c.village.Province()), c.address, strings.Join(c.categories, ","), strings.Join(c.disabilities, ","),
			c.phone, c.notes, nullInt(dupOf), db.Now(), id, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "error.stale_version")
		}
		if err := writeIndex(ctx, tx, id, c); err != nil {
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

// Filter narrows a search or a listing.
type Filter struct {
	Query    string       // the one search box: NIK, name words, birth year
	Within   wilayah.Code // region subtree
	Category string
	Inactive bool // include deactivated records
	Page     int
	Size     int
}

// Result is one page of a search.
type Result struct {
	Items []Person
	Total int
	// More is true when Total counts only the first MaxCandidates matches:
	// the search is too broad to rank every match, and the user should add
	// a word, a year or a region.
	More bool
}

// MaxCandidates bounds how many matches a name search ranks. Above it the
// search asks for more words rather than scoring thousands of rows (floors.md:
// at 50 clients the cost of one query decides p99).
const MaxCandidates = 500

// maxListDepth bounds OFFSET paging of plain listings (floors.md: deep
// OFFSET costs ~1.4 s at p99 under load).
const maxListDepth = 10000

// Search finds people in reach. A name search reads the key index (one
// range per key), then ranks at most MaxCandidates matches in Go; a NIK
// search reads the NIK index; without a query the listing is by id.
func (s *Store) Search(ctx context.Context, reach Reach, f Filter) (Result, error) {
	if reach.None() {
		return Result{Items: []Person{}}, nil
	}
	size := f.Size
	if size <= 0 || size > 100 {
		size = 25
	}
	page := max(f.Page, 1)
	nik, year, words := QueryTerms(f.Query)

	where := []string{}
	var args []any
	cond, a := reach.filter()
	where, args = append(where, cond), append(args, a...)
	if !f.Inactive {
		where, args = append(where, "p.active = ?"), append(args, true)
	}
	if f.Within != "" {
		c, a := wilayah.SubtreeCond("p.village_code", f.Within)
		where, args = append(where, c), append(args, a...)
	}
	if f.Category != "" {
		where = append(where, "EXISTS (SELECT 1 FROM person_category pc WHERE pc.person_id = p.id AND pc.category = ?)")
		args = append(args, f.Category)
	}
	if year != 0 {
		where, args = append(where, "p.birth_year = ?"), append(args, year)
	}
	if nik != "" {
		if len(nik) == idDigits {
			where, args = append(where, "p.nik = ?"), append(args, nik)
		} else {
			// A prefix: the kecamatan where it was issued and on.
			where, args = append(where, "p.nik >= ? AND p.nik < ?"), append(args, nik, nik+":")
		}
	}

	keyed := QueryKeys(words)
	var keys []string
	switch n := countKeyed(keyed); {
	case n >= 2:
		first, second := nthKeyed(keyed, 0), nthKeyed(keyed, 1)
		for _, x := range first {
			for _, y := range second {
				keys = append(keys, pairKey(x, y))
			}
		}
	case n == 1:
		for _, x := range nthKeyed(keyed, 0) {
			keys = append(keys, "w:"+x)
		}
	}
	if len(words) > 0 && len(keys) == 0 {
		// Only initials were typed: nothing to look up by name.
		return Result{Items: []Person{}}, nil
	}

	if len(keys) == 0 {
		return s.list(ctx, where, args, page, size)
	}
	ph := strings.TrimSuffix(strings.Repeat("?,", len(keys)), ",")
	kargs := make([]any, 0, len(keys)+len(args))
	for _, k := range keys {
		kargs = append(kargs, k)
	}
	// The key index is keyed by kab/kota too: read only the regencies the
	// reach and the region filter allow, so a scoped search of a common name
	// reads its own part of the range, not the whole country's. People
	// linked to the unit may live anywhere: a second part finds them.
	regCond, regArgs := regencyRanges(reach, f.Within)
	base := "SELECT DISTINCT " + personColumns + " FROM person_key k JOIN person p ON p.id = k.person_id WHERE k.key IN (" + ph + ") AND "
	query := base + regCond + " AND " + strings.Join(where, " AND ")
	qargs := append(append(append([]any{}, kargs...), regArgs...), args...)
	if reach.UnitID != 0 {
		query += " UNION " + base + "p.unit_id = ? AND " + strings.Join(where, " AND ")
		qargs = append(append(append(qargs, kargs...), reach.UnitID), args...)
	}
	query += fmt.Sprintf(" ORDER BY 1 LIMIT %d", MaxCandidates+1)
	rows, err := s.DB.Query(ctx, query, qargs...)
	if err != nil {
		return Result{}, err
	}
	defer rows.Close()
	var cands []Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return Result{}, err
		}
		cands = append(cands, p)
	}
	if err := rows.Err(); err != nil {
		return Result{}, err
	}
	more := len(cands) > MaxCandidates
	if more {
		cands = cands[:MaxCandidates]
	}
	// Rank precisely in Go. Every keyed word must match (by key or better);
	// the stable order is score, then name, then id.
	nq := NewNameQuery(words)
	type scored struct {
		p     Person
		score int
	}
	var hits []scored
	for _, p := range cands {
		sc := nq.Score(append([]string{p.Name}, p.Aliases...)...)
		if sc < ScoreInitial {
			continue
		}
		hits = append(hits, scored{p, sc})
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score > hits[j].score
		}
		if hits[i].p.Name != hits[j].p.Name {
			return hits[i].p.Name < hits[j].p.Name
		}
		return hits[i].p.ID < hits[j].p.ID
	})
	res := Result{Total: len(hits), More: more, Items: []Person{}}
	lo := min((page-1)*size, len(hits))
	hi := min(lo+size, len(hits))
	for _, h := range hits[lo:hi] {
		res.Items = append(res.Items, h.p)
	}
	return res, nil
}

// regencyRanges is the condition on person_key.regency_code for the
// regencies a search may read: those of the region filter when it is a
// kab/kota or below, else those of the reach's regions.
func regencyRanges(reach Reach, within wilayah.Code) (string, []any) {
	regions := reach.Regions
	if within != "" {
		regions = []wilayah.Code{within}
	}
	var conds []string
	var args []any
	for _, c := range regions {
		if c.Level() == wilayah.Province {
			conds = append(conds, "(k.regency_code >= ? AND k.regency_code < ?)")
			args = append(args, string(c)+".", string(c)+"/")
			continue
		}
		for c.Level() > wilayah.Regency {
			c = c.Parent()
		}
		conds = append(conds, "k.regency_code = ?")
		args = append(args, string(c))
	}
	if len(conds) == 0 {
		return "1=0", nil
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

func countKeyed(keyed [][]string) int {
	n := 0
	for _, ks := range keyed {
		if len(ks) > 0 {
			n++
		}
	}
	return n
}

func nthKeyed(keyed [][]string, n int) []string {
	for _, ks := range keyed {
		if len(ks) > 0 {
			if n == 0 {
				return ks
			}
			n--
		}
	}
	return nil
}

// list pages through people by id, up to maxListDepth rows deep.
func (s *Store) list(ctx context.Context, where []string, args []any, page, size int) (Result, error) {
	w := " WHERE " + strings.Join(where, " AND ")
	var total int
	if err := s.DB.QueryRow(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM person p"+w+
		fmt.Sprintf(" LIMIT %d) t", maxListDepth+1), args...).Scan(&total); err != nil {
		return Result{}, db.Err(err)
	}
	res := Result{Total: min(total, maxListDepth), More: total > maxListDepth, Items: []Person{}}
	offset := (page - 1) * size
	if offset >= maxListDepth {
		return res, nil
	}
	rows, err := s.DB.Query(ctx, "SELECT "+personColumns+" FROM person p"+w+
		fmt.Sprintf(" ORDER BY p.id LIMIT %d OFFSET %d", size, offset), args...)
	if err != nil {
		return Result{}, err
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return Result{}, err
		}
		res.Items = append(res.Items, p)
	}
	return res, rows.Err()
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

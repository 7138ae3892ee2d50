package wilayah

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/db"
)

// loadBatch is the number of rows per INSERT or UPDATE. 500 rows × 7 columns
// is 3,500 placeholders: far below SQLite's 32,766 and PostgreSQL's 65,535,
// and large enough that the 91,599 rows take under 200 statements.
const loadBatch = 500

// LoadResult counts what Load changed in the database.
type LoadResult struct {
	// Inserted counts the codes that became current: codes new to the
	// database, and retired codes that a later list carries again.
	Inserted int
	// Retired counts the current codes the list no longer carries; they get
	// valid_to, and stay.
	Retired int
	// Renamed counts the current codes the list gives another name.
	Renamed int
}

// Load writes the index's list into region_source, region and region_name
// inside the caller's transaction (run it in db.InTx, so that a half-loaded
// list is never visible). A list already in region_source is not loaded
// again: the result is zero.
//
// A later Kemendagri list is loaded beside the ones before it, never instead
// of them (domain.md §8.3), because units, accounts and records keep pointing
// at the codes of their time (old NIKs keep old codes for life, §8.1):
//   - the list gets its own region_source row, with its regulation and
//     valid_from;
//   - a code new to the database is inserted with source_id = the new list
//     and valid_from = its valid_from;
//   - a current code the list no longer carries is retired: valid_to = the
//     new list's valid_from, on region and on its open region_name row.
//     Nothing is ever deleted;
//   - a current code the list names differently is renamed: its open
//     region_name row is closed at the new valid_from, a row with the new
//     name is added, and region.name and region.source_id take the new list's;
//   - a retired code the list carries again is reopened: valid_to NULL, and
//     valid_from, source_id and name from the new list (a new region_name row);
//   - a current code with the same name is left alone. Its source_id stays
//     the list that introduced or last renamed it: region.source_id answers
//     "which list gave this row its name", and "is it in the newest list" is
//     valid_to IS NULL, since after a load the current codes are exactly the
//     newest list. Rewriting 90,000 unchanged rows would add nothing.
//
// So the first list is just the case where every code is new. A list older
// than the newest one loaded is refused: it would retire the newer codes.
//
// Concurrent loaders are safe: the source row is inserted first with ON
// CONFLICT DO NOTHING, so on PostgreSQL a second instance waits for the
// first one's transaction and then finds the source present (on SQLite the
// write transactions are serialised anyway).
//
// The current codes and names are read once into a map; the changes go out
// in multi-row statements of at most loadBatch rows.
func Load(ctx context.Context, q db.Q, ix *Index) (LoadResult, error) {
	src := ix.Source()
	fail := func(err error) (LoadResult, error) {
		return LoadResult{}, fmt.Errorf("wilayah: load %s: %w", src.ID, err)
	}
	loaded, err := LoadedSources(ctx, q)
	if err != nil {
		return fail(err)
	}
	for _, s := range loaded {
		if s.ID == src.ID {
			return LoadResult{}, nil
		}
	}
	// LoadedSources is ordered by valid_from: the last is the newest.
	if n := len(loaded); n > 0 && src.ValidFrom <= loaded[n-1].ValidFrom {
		newest := loaded[n-1]
		return fail(fmt.Errorf("valid from %s, but the database already holds %s, valid from %s: lists load in the order they were issued",
			src.ValidFrom, newest.ID, newest.ValidFrom))
	}

	res, err := q.Exec(ctx, `INSERT INTO region_source (id, regulation, valid_from, data_package, licence, loaded_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		src.ID, src.Regulation, src.ValidFrom, src.DataPackage, src.Licence, db.Now())
	if err != nil {
		return fail(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fail(err)
	} else if n == 0 {
		return LoadResult{}, nil // another loader got there first
	}

	held, err := heldRegions(ctx, q)
	if err != nil {
		return fail(err)
	}
	var added, renamed, reopened []Region
	for _, r := range ix.all {
		h, ok := held[r.Code]
		switch {
		case !ok:
			added = append(added, r)
		case !h.current:
			reopened = append(reopened, r)
		case h.name != r.Name:
			renamed = append(renamed, r)
		}
	}
	var retired []string
	for c, h := range held {
		if h.current && ix.find(c) < 0 {
			retired = append(retired, string(c))
		}
	}
	slices.Sort(retired) // a stable order: the same locks in the same order

	// Close first, then open: at every step a code has at most one open name.
	if err := closeRegions(ctx, q, retired, src.ValidFrom); err != nil {
		return fail(err)
	}
	var changed []string // codes whose open region_name row ends here
	for _, r := range slices.Concat(renamed, reopened) {
		changed = append(changed, string(r.Code))
	}
	if err := closeNames(ctx, q, changed, src.ValidFrom); err != nil {
		return fail(err)
	}
	if err := setNames(ctx, q, renamed, "source_id = ?", src.ID); err != nil {
		return fail(err)
	}
	if err := setNames(ctx, q, reopened, "source_id = ?, valid_from = ?, valid_to = NULL", src.ID, src.ValidFrom); err != nil {
		return fail(err)
	}
	if err := insertRegions(ctx, q, added, src); err != nil {
		return fail(err)
	}
	if err := insertNames(ctx, q, slices.Concat(added, renamed, reopened), src); err != nil {
		return fail(err)
	}
	return LoadResult{
		Inserted: len(added) + len(reopened),
		Retired:  len(retired),
		Renamed:  len(renamed),
	}, nil
}

// heldRegion is what Load needs to know of a code already in the database.
type heldRegion struct {
	name    string
	current bool // valid_to IS NULL
}

// heldRegions reads every code in region, retired ones included, with its
// name: one pass over about 90,000 short rows.
func heldRegions(ctx context.Context, q db.Q) (map[Code]heldRegion, error) {
	rows, err := q.Query(ctx, "SELECT code, name, valid_to IS NULL FROM region")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	held := make(map[Code]heldRegion)
	for rows.Next() {
		var code, name string
		var current bool
		if err := rows.Scan(&code, &name, &current); err != nil {
			return nil, db.Err(err)
		}
		held[Code(code)] = heldRegion{name: name, current: current}
	}
	return held, db.Err(rows.Err())
}

// inBatches calls fn for consecutive ranges [lo, hi) of at most loadBatch
// of n items.
func inBatches(n int, fn func(lo, hi int) error) error {
	for lo := 0; lo < n; lo += loadBatch {
		if err := fn(lo, min(lo+loadBatch, n)); err != nil {
			return err
		}
	}
	return nil
}

// tuples writes n comma-separated copies of tuple, e.g. "(?, ?), (?, ?)".
func tuples(n int, tuple string) string {
	var b strings.Builder
	b.Grow(n * (len(tuple) + 1))
	for k := range n {
		if k > 0 {
			b.WriteByte(',')
		}
		b.WriteString(tuple)
	}
	return b.String()
}

// closeRegions retires codes as of date, on region and on their open name.
func closeRegions(ctx context.Context, q db.Q, codes []string, date string) error {
	if err := closeNames(ctx, q, codes, date); err != nil {
		return err
	}
	return inBatches(len(codes), func(lo, hi int) error {
		args := []any{date}
		for _, c := range codes[lo:hi] {
			args = append(args, c)
		}
		_, err := q.Exec(ctx, "UPDATE region SET valid_to = ? WHERE valid_to IS NULL AND code IN ("+tuples(hi-lo, "?")+")", args...)
		return err
	})
}

// closeNames ends the open region_name row of each code at date.
func closeNames(ctx context.Context, q db.Q, codes []string, date string) error {
	return inBatches(len(codes), func(lo, hi int) error {
		args := []any{date}
		for _, c := range codes[lo:hi] {
			args = append(args, c)
		}
		_, err := q.Exec(ctx, "UPDATE region_name SET valid_to = ? WHERE valid_to IS NULL AND code IN ("+tuples(hi-lo, "?")+")", args...)
		return err
	})
}

// setNames gives each region row its new name and applies set (further
// assignments, with their arguments) to the same rows. UPDATE … FROM a VALUES
// list, whose columns both engines call column1, column2, sends a batch of
// different names in one statement (SQLite has UPDATE FROM since 3.33).
func setNames(ctx context.Context, q db.Q, regions []Region, set string, setArgs ...any) error {
	return inBatches(len(regions), func(lo, hi int) error {
		args := slices.Clone(setArgs)
		for _, r := range regions[lo:hi] {
			args = append(args, string(r.Code), r.Name)
		}
		_, err := q.Exec(ctx, "UPDATE region SET name = v.column2, "+set+
			" FROM (VALUES "+tuples(hi-lo, "(?, ?)")+") AS v WHERE region.code = v.column1", args...)
		return err
	})
}

// insertRegions adds new codes, valid from the list's date.
func insertRegions(ctx context.Context, q db.Q, regions []Region, src Source) error {
	return inBatches(len(regions), func(lo, hi int) error {
		args := make([]any, 0, 7*(hi-lo))
		for _, r := range regions[lo:hi] {
			var parent any // NULL for provinces
			if r.Parent != "" {
				parent = string(r.Parent)
			}
			args = append(args, string(r.Code), r.Name, int(r.Level), parent, string(r.Code.Province()), src.ID, src.ValidFrom)
		}
		_, err := q.Exec(ctx, `INSERT INTO region (code, name, level, parent_code, province_code, source_id, valid_from)
			VALUES `+tuples(hi-lo, "(?, ?, ?, ?, ?, ?, ?)"), args...)
		return err
	})
}

// insertNames opens a region_name row for each region under the list.
func insertNames(ctx context.Context, q db.Q, regions []Region, src Source) error {
	return inBatches(len(regions), func(lo, hi int) error {
		args := make([]any, 0, 4*(hi-lo))
		for _, r := range regions[lo:hi] {
			args = append(args, string(r.Code), src.ID, r.Name, src.ValidFrom)
		}
		_, err := q.Exec(ctx, `INSERT INTO region_name (code, source_id, name, valid_from)
			VALUES `+tuples(hi-lo, "(?, ?, ?, ?)"), args...)
		return err
	})
}

// LoadedSources lists the region lists in the database, oldest first.
func LoadedSources(ctx context.Context, q db.Q) ([]Source, error) {
	rows, err := q.Query(ctx, `SELECT id, regulation, valid_from, data_package, licence
		FROM region_source ORDER BY valid_from, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Source
	for rows.Next() {
		var s Source
		if err := rows.Scan(&s.ID, &s.Regulation, &s.ValidFrom, &s.DataPackage, &s.Licence); err != nil {
			return nil, db.Err(err)
		}
		out = append(out, s)
	}
	return out, db.Err(rows.Err())
}

// Exists reports whether c is a current region in the database: loaded and
// not retired by a later list. New records must point at current regions.
// (A NIK's region prefix may be a retired code; that check wants the
// history, not Exists.)
func Exists(ctx context.Context, q db.Q, c Code) (bool, error) {
	if p, err := ParseCode(string(c)); err != nil || p != c {
		return false, nil
	}
	var one int
	err := db.Err(q.QueryRow(ctx, "SELECT 1 FROM region WHERE code = ? AND valid_to IS NULL", string(c)).Scan(&one))
	switch {
	case errors.Is(err, db.ErrNotFound):
		return false, nil
	case err != nil:
		return false, err
	}
	return true, nil
}

// RegionRecord is a region as the database holds it: the list entry, the
// list that gave the row its name, and the period the code is valid.
type RegionRecord struct {
	Region    Region
	SourceID  string // the list that introduced the code or last renamed it
	ValidFrom string // YYYY-MM-DD
	ValidTo   string // YYYY-MM-DD, the day a later list retired it; "" while current
}

// Lookup reads c from the database, retired or not, so that a unit, an
// account or a record that still points at a retired code can show its name
// (the in-memory Index holds only the newest list). current is false for a
// retired code. An unknown or malformed code is db.ErrNotFound.
func Lookup(ctx context.Context, q db.Q, c Code) (r RegionRecord, current bool, err error) {
	if p, err := ParseCode(string(c)); err != nil || p != c {
		return RegionRecord{}, false, fmt.Errorf("wilayah: lookup %q: %w", c, db.ErrNotFound)
	}
	var code string
	var level int
	var parent, validTo *string
	err = db.Err(q.QueryRow(ctx, `SELECT code, name, level, parent_code, source_id, valid_from, valid_to
		FROM region WHERE code = ?`, string(c)).
		Scan(&code, &r.Region.Name, &level, &parent, &r.SourceID, &r.ValidFrom, &validTo))
	if err != nil {
		return RegionRecord{}, false, fmt.Errorf("wilayah: lookup %s: %w", c, err)
	}
	r.Region.Code, r.Region.Level = Code(code), Level(level)
	if parent != nil {
		r.Region.Parent = Code(*parent)
	}
	if validTo != nil {
		r.ValidTo = *validTo
	}
	return r, r.ValidTo == "", nil
}

// NameAt returns the name c carried on the calendar day of at (in at's own
// location), from region_name: the name of the latest list issued on or
// before that day. A day before the first list the database holds gets that
// list's name, the oldest one known; a day after c was retired gets its last
// name, which is what a record of that time still shows. An unknown code is
// db.ErrNotFound.
func NameAt(ctx context.Context, q db.Q, c Code, at time.Time) (string, error) {
	day := at.Format(time.DateOnly)
	var name string
	err := db.Err(q.QueryRow(ctx, `SELECT name FROM region_name
		WHERE code = ? AND valid_from <= ? ORDER BY valid_from DESC LIMIT 1`, string(c), day).Scan(&name))
	if errors.Is(err, db.ErrNotFound) {
		err = db.Err(q.QueryRow(ctx, `SELECT name FROM region_name
			WHERE code = ? ORDER BY valid_from LIMIT 1`, string(c)).Scan(&name))
	}
	if err != nil {
		return "", fmt.Errorf("wilayah: name of %s at %s: %w", c, day, err)
	}
	return name, nil
}

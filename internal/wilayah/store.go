package wilayah

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/layan-id/layan/internal/db"
)

// loadBatch is the number of regions per INSERT. 500 rows × 7 columns is
// 3,500 placeholders: far below SQLite's 32,766 and PostgreSQL's 65,535, and
// large enough that the 91,599 rows take under 200 statements.
const loadBatch = 500

// Load writes the index's list into region_source and region, unless a
// source with the same id is already there; it returns how many regions it
// inserted (0 the second time). Run it inside db.InTx so that a half-loaded
// list is never visible.
//
// Concurrent loaders are safe: the source row is inserted first with ON
// CONFLICT DO NOTHING, so on PostgreSQL a second instance waits for the
// first one's transaction and then finds the source present.
//
// A later Kemendagri list is loaded beside this one, never instead of it:
// it gets its own region_source row (its own id and valid_from); codes new in
// it are inserted with that source_id and valid_from; codes it no longer
// lists keep their rows and get valid_to = the new list's valid_from, because
// units, accounts and records still point at them (old NIKs keep old codes
// for life, domain.md §8.1). Nothing is deleted. Codes present in both lists
// keep their row. A region renamed under the same code cannot get a second
// row while region.code is the primary key (other tables reference it), so
// keeping the old name needs a name-history table in a new migration. Until
// that loader exists, Load refuses to run onto another list.
func Load(ctx context.Context, q db.Q, ix *Index) (inserted int, err error) {
	src := ix.Source()
	others, err := LoadedSources(ctx, q)
	if err != nil {
		return 0, err
	}
	for _, s := range others {
		if s.ID == src.ID {
			return 0, nil
		}
	}
	if len(others) > 0 {
		return 0, fmt.Errorf("wilayah: load %s: the database already holds %s; loading a second list needs a diff loader", src.ID, others[0].ID)
	}

	res, err := q.Exec(ctx, `INSERT INTO region_source (id, regulation, valid_from, data_package, licence, loaded_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		src.ID, src.Regulation, src.ValidFrom, src.DataPackage, src.Licence, db.Now())
	if err != nil {
		return 0, fmt.Errorf("wilayah: load %s: %w", src.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return 0, err
	} else if n == 0 {
		return 0, nil // another loader got there first
	}

	const cols = "(code, name, level, parent_code, province_code, source_id, valid_from)"
	const row = "(?, ?, ?, ?, ?, ?, ?)"
	for start := 0; start < len(ix.all); start += loadBatch {
		batch := ix.all[start:min(start+loadBatch, len(ix.all))]
		var sql strings.Builder
		sql.WriteString("INSERT INTO region " + cols + " VALUES ")
		args := make([]any, 0, 7*len(batch))
		for k, r := range batch {
			if k > 0 {
				sql.WriteByte(',')
			}
			sql.WriteString(row)
			var parent any // NULL for provinces
			if r.Parent != "" {
				parent = string(r.Parent)
			}
			args = append(args, string(r.Code), r.Name, int(r.Level), parent, string(r.Code.Province()), src.ID, src.ValidFrom)
		}
		if _, err := q.Exec(ctx, sql.String(), args...); err != nil {
			if errors.Is(err, db.ErrDuplicate) {
				return 0, fmt.Errorf("wilayah: load %s: region rows exist without their source: %w", src.ID, err)
			}
			return 0, fmt.Errorf("wilayah: load %s: %w", src.ID, err)
		}
		inserted += len(batch)
	}
	return inserted, nil
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

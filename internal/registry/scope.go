package registry

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/wilayah"
)

// unitArea is the region of a unit and the provinces a sentra covers: where
// the people live whom its workers reach without a link. It reads the same
// columns as the account (access.User.UnitRegion, UnitCoverage) that
// ReachOf builds a reach from, so the two cannot disagree.
func unitArea(ctx context.Context, q db.Q, unitID int64) ([]wilayah.Code, error) {
	var region, coverage string
	err := db.Err(q.QueryRow(ctx, "SELECT region_code, coverage FROM unit WHERE id = ?", unitID).Scan(&region, &coverage))
	if errors.Is(err, db.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	area := []wilayah.Code{wilayah.Code(region)}
	for _, c := range strings.Split(coverage, ",") {
		if c != "" {
			area = append(area, wilayah.Code(c))
		}
	}
	return area, nil
}

// linkedUnit is a person's linked_unit: the registering unit when the
// person lives outside its area, else 0 (its workers reach the person
// through the region anyway).
func linkedUnit(area []wilayah.Code, unitID int64, village wilayah.Code) int64 {
	if unitID == 0 {
		return 0
	}
	for _, c := range area {
		if c.Contains(village) {
			return 0
		}
	}
	return unitID
}

// RelinkUnit puts linked_unit right for the people of a unit whose region
// or coverage has just changed, in the caller's transaction.
func RelinkUnit(ctx context.Context, q db.Q, unitID int64) error {
	area, err := unitArea(ctx, q, unitID)
	if err != nil {
		return err
	}
	inside := "1=0"
	var args []any
	if len(area) > 0 {
		var conds []string
		for _, c := range area {
			s, a := villageCond("village_code", c)
			conds, args = append(conds, s), append(args, a...)
		}
		inside = strings.Join(conds, " OR ")
	}
	_, err = q.Exec(ctx, "UPDATE person SET linked_unit = CASE WHEN "+inside+" THEN NULL ELSE unit_id END WHERE unit_id = ?",
		append(args, unitID)...)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `UPDATE person_key SET linked_unit = (SELECT p.linked_unit FROM person p WHERE p.id = person_key.person_id)
		WHERE person_id IN (SELECT id FROM person WHERE unit_id = ?)`, unitID)
	return err
}

// villageCond is the condition "column, a desa/kelurahan code, lies within
// c". A person's village is always a desa, so a range alone does for a
// larger region, and an equality for a desa: either is one index range.
func villageCond(column string, c wilayah.Code) (string, []any) {
	if c.Level() == wilayah.Village {
		return column + " = ?", []any{string(c)}
	}
	s, args := wilayah.SubtreeCond(column, c)
	if c == "" {
		return s, args
	}
	// SubtreeCond's "column = c" part can never hold for a desa column.
	return "(" + column + " >= ? AND " + column + " < ?)", args[1:]
}

// areas are the reach's regions without those inside another, in code
// order: disjoint, so a search or listing reads each person at most once.
func (r Reach) areas() []wilayah.Code {
	var out []wilayah.Code
	for _, c := range r.Regions {
		inside := false
		for _, o := range r.Regions {
			if o != c && o.Contains(c) {
				inside = true
			}
		}
		if !inside && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

// within narrows the reach's areas to a region filter: the part of each
// area inside it.
func (r Reach) within(w wilayah.Code) []wilayah.Code {
	areas := r.areas()
	if w == "" {
		return areas
	}
	var out []wilayah.Code
	for _, c := range areas {
		switch {
		case c.Contains(w):
			out = append(out, w)
		case w.Contains(c):
			out = append(out, c)
		}
	}
	return out
}

func regencyOf(village string) string { return string(wilayah.Code(village).Parent().Parent()) }

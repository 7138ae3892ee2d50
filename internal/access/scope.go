package access

import (
	"github.com/layan-id/layan/internal/wilayah"
)

// Scope is the part of the country and of the service network a user works
// in. The server adds it to every query; hiding links is never enough.
//
// A zero Scope covers nothing. All is set for national viewers and for admins
// of the whole deployment.
type Scope struct {
	All    bool
	Region wilayah.Code // a region subtree, or empty
	UnitID int64        // a unit, or 0
	// UnitRegion is the region of UnitID, so that "my unit's region" can be
	// tested without another query.
	UnitRegion wilayah.Code
}

// CoversRegion reports whether records that belong to region c are inside the
// scope's region subtree.
func (s Scope) CoversRegion(c wilayah.Code) bool {
	if s.All {
		return true
	}
	return s.Region != "" && s.Region.Contains(c)
}

// CoversUnit reports whether a unit (by id and region) is inside the scope.
func (s Scope) CoversUnit(id int64, region wilayah.Code) bool {
	if s.All || (s.UnitID != 0 && s.UnitID == id) {
		return true
	}
	return s.CoversRegion(region)
}

// Filter returns a SQL condition limiting rows to the scope, given the names
// of the row's region column and unit-id column (unitCol may be empty when
// the table has none). It is portable SQL with `?` placeholders.
func (s Scope) Filter(regionCol, unitCol string) (string, []any) {
	if s.All {
		return "1=1", nil
	}
	var conds []string
	var args []any
	if s.Region != "" {
		c, a := wilayah.SubtreeCond(regionCol, s.Region)
		conds = append(conds, c)
		args = append(args, a...)
	}
	if s.UnitID != 0 && unitCol != "" {
		conds = append(conds, unitCol+" = ?")
		args = append(args, s.UnitID)
	}
	if len(conds) == 0 {
		return "1=0", nil
	}
	if len(conds) == 1 {
		return conds[0], args
	}
	return "(" + conds[0] + " OR " + conds[1] + ")", args
}

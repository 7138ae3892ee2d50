package complaint

import (
	"context"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/wilayah"
)

// Figures counts the complaints received by a unit (or a region) in a
// period: how many were received, closed, answered on time or late, are
// still open, and the median days from receipt to the answer. No text and
// no person: counts only, which also feed SKM element U8.
type Figures struct {
	Received int `json:"received"`
	Closed   int `json:"closed"`
	// OnTime were answered by their deadline; Late were answered after it,
	// or still wait for an answer past it.
	OnTime int `json:"on_time"`
	Late   int `json:"late"`
	Open   int `json:"open"`
	// MedianDays is the median of the days from receipt to the answer of
	// those answered, to one decimal; 0 when none was answered.
	MedianDays float64 `json:"median_days"`
}

// fact is one complaint as the figures need it.
type fact struct {
	unitID      int64
	category    Category
	status      Status
	received    time.Time
	due         time.Time
	respondedAt *time.Time
}

// tally computes the figures of facts at now. Pure: the worked example of
// the tests checks it by hand.
func tally(facts []fact, now time.Time) Figures {
	var f Figures
	var days []float64
	for _, x := range facts {
		f.Received++
		if x.status.Closed() {
			f.Closed++
		} else {
			f.Open++
		}
		switch {
		case x.respondedAt != nil:
			if x.respondedAt.After(x.due) {
				f.Late++
			} else {
				f.OnTime++
			}
			days = append(days, x.respondedAt.Sub(x.received).Hours()/24)
		case now.After(x.due):
			f.Late++
		}
	}
	if len(days) > 0 {
		sort.Float64s(days)
		m := days[len(days)/2]
		if len(days)%2 == 0 {
			m = (days[len(days)/2-1] + days[len(days)/2]) / 2
		}
		f.MedianDays = math.Round(m*10) / 10
	}
	return f
}

// readFacts reads the facts of the complaints received in [from, to) that
// match cond.
func (s *Store) readFacts(ctx context.Context, q db.Q, cond string, args []any, from, to time.Time) ([]fact, error) {
	rows, err := q.Query(ctx, `SELECT unit_id, category, status, received_at, due_at, responded_at FROM complaint
		WHERE `+cond+` AND received_at >= ? AND received_at < ?`, append(args, from.UTC(), to.UTC())...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []fact
	for rows.Next() {
		var x fact
		if err := rows.Scan(&x.unitID, &x.category, &x.status, &x.received, &x.due, &x.respondedAt); err != nil {
			return nil, db.Err(err)
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// Figures counts a unit's complaints received in [from, to). No access
// check: the caller checked the unit (the shared contract with the
// survey, whose element U8 reads it).
func (s *Store) Figures(ctx context.Context, unitID int64, from, to time.Time) (Figures, error) {
	facts, err := s.readFacts(ctx, s.DB, "unit_id = ?", []any{unitID}, from, to)
	if err != nil {
		return Figures{}, err
	}
	return tally(facts, s.now()), nil
}

// UnitFigures are one unit's figures in a region view.
type UnitFigures struct {
	UnitID   int64  `json:"unit_id"`
	UnitName string `json:"unit_name"`
	Figures
}

// CategoryCount is how many complaints of a category were received.
type CategoryCount struct {
	Category Category `json:"category"`
	Count    int      `json:"count"`
}

// RegionFigures is the figures of a region's units in a period, counts only.
type RegionFigures struct {
	Region     wilayah.Code    `json:"region"`
	From       time.Time       `json:"from"`
	To         time.Time       `json:"to"`
	Total      Figures         `json:"total"`
	Units      []UnitFigures   `json:"units"`
	Categories []CategoryCount `json:"categories"`
}

// RegionFigures counts the complaints of the units u may see figures of in
// region (a subtree; "" for all u may see), received in [from, to). A
// supervisor sees their own unit's; an admin the units of their scope;
// planners, verifiers and national viewers those of their region. A
// region outside u's scope is NotFound. Units with no complaint are listed
// with zeros: having none is worth showing too.
func (s *Store) RegionFigures(ctx context.Context, u access.User, region wilayah.Code, from, to time.Time) (RegionFigures, error) {
	out := RegionFigures{Region: region, From: from.UTC(), To: to.UTC(), Units: []UnitFigures{}, Categories: []CategoryCount{}}
	sc := u.Scope()
	var conds []string
	var args []any
	switch u.Role {
	case access.Supervisor:
		conds, args = append(conds, "id = ?"), append(args, u.UnitID)
	case access.Admin, access.Planner, access.Verifier, access.National:
		if !sc.All {
			if sc.Region == "" {
				return out, apperr.New(apperr.NotFound, "region.not_found")
			}
			c, a := wilayah.SubtreeCond("region_code", sc.Region)
			conds, args = append(conds, c), append(args, a...)
		}
	default:
		return out, apperr.New(apperr.Forbidden, "error.forbidden")
	}
	if region != "" {
		if !sc.All && u.Role != access.Supervisor && !sc.CoversRegion(region) {
			return out, apperr.New(apperr.NotFound, "region.not_found")
		}
		c, a := wilayah.SubtreeCond("region_code", region)
		conds, args = append(conds, c), append(args, a...)
	}
	where := "1=1"
	if len(conds) > 0 {
		where = strings.Join(conds, " AND ")
	}
	rows, err := s.DB.Query(ctx, "SELECT id, name FROM unit WHERE "+where+" ORDER BY name, id", args...)
	if err != nil {
		return out, err
	}
	index := map[int64]int{}
	for rows.Next() {
		var uf UnitFigures
		if err := rows.Scan(&uf.UnitID, &uf.UnitName); err != nil {
			rows.Close()
			return out, db.Err(err)
		}
		index[uf.UnitID] = len(out.Units)
		out.Units = append(out.Units, uf)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	if len(out.Units) == 0 {
		return out, nil
	}
	// The complaints' own region column keys the read (DESIGN.md: keep
	// queries region-keyed); the unit list then picks the ones in reach.
	fcond, fargs := "1=1", []any(nil)
	switch {
	case region != "":
		fcond, fargs = wilayah.SubtreeCond("region_code", region)
	case u.Role == access.Supervisor:
		fcond, fargs = "unit_id = ?", []any{u.UnitID}
	case !sc.All:
		fcond, fargs = wilayah.SubtreeCond("region_code", sc.Region)
	}
	facts, err := s.readFacts(ctx, s.DB, fcond, fargs, from, to)
	if err != nil {
		return out, err
	}
	now := s.now()
	perUnit := map[int64][]fact{}
	var all []fact
	cats := map[Category]int{}
	for _, x := range facts {
		if _, ok := index[x.unitID]; !ok {
			continue
		}
		perUnit[x.unitID] = append(perUnit[x.unitID], x)
		all = append(all, x)
		cats[x.category]++
	}
	for id, fs := range perUnit {
		out.Units[index[id]].Figures = tally(fs, now)
	}
	out.Total = tally(all, now)
	for _, c := range Categories {
		out.Categories = append(out.Categories, CategoryCount{Category: c, Count: cats[c]})
	}
	return out, nil
}

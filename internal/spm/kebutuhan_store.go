package spm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/wilayah"
)

// The store's half of the four tahapan (kebutuhan.go): a region's unit
// costs and plan, kept in spm_unit_cost, spm_unit_cost_item and spm_plan
// (migration 00017), and the readings of the four stages. Who reads and
// who writes is decided as for the aggregates: readers by Reads (s.region),
// a planner of exactly the region writes (enters); every write is audited
// and checked against the version read, as EnterAggregate is.
//
// Locking: unit costs and the budget allocated are planning documents a
// region revises through the year (the APBD-P), so no report locks them; a
// quarterly report keeps its own copy of the budget (the prefill is
// written into the report when it is submitted). A quarter's target is
// what the region reported its capaian against: once that quarter's report
// is submitted, verified or locked, the target of that quarter no longer
// changes (period_closed) until the report is returned or reopened.

// CaseFacts is what the tahapan read of the casework, whose tables the
// casework owns: the casework (casework.Store) is one. Regions are a
// kab/kota or a province; years are budget years (1 January to 31
// December, in Western Indonesia Time as the casework's days are).
type CaseFacts interface {
	// CaseCosts sums, by jenis, the cost of the services given from from
	// to to (YYYY-MM-DD, both included) in the case cycles counted in one
	// of region's jenis (spm_episode).
	CaseCosts(ctx context.Context, region wilayah.Code, from, to string) (map[Jenis]int64, error)
	// Unassessed counts the region's cases open at some time in the year
	// whose current cycle has no approved assessment, and lists page of them.
	Unassessed(ctx context.Context, region wilayah.Code, year int, page QualityPage) (int, []QualityCase, error)
	// WithoutNIK counts the people of those cases (open at some time in
	// the year) who have no NIK, and lists page of them with one case each.
	WithoutNIK(ctx context.Context, region wilayah.Code, year int, page QualityPage) (int, []QualityCase, error)
}

// QualityPage is the page of a data-quality list: its size and how many
// rows come before it.
type QualityPage struct {
	Limit, Offset int
}

// QualityCase is one row of a data-quality list: a case and its person by
// number, the unit that holds the case and the day it opened. No name and
// no NIK: the SPM roles see counts of people, not people (access:
// ReadPeople is the workers' and supervisors'; UU 27/2022). The unit is
// who can correct it.
type QualityCase struct {
	CaseID   int64  `json:"case_id"`
	PersonID int64  `json:"person_id"`
	UnitID   int64  `json:"unit_id"`
	Unit     string `json:"unit"`
	OpenedOn string `json:"opened_on"`
}

// ---- Penghitungan kebutuhan ----

// UnitCostItem is one item of a jenis in the catalog's active version with
// the cost the region entered for it, nil when none.
type UnitCostItem struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	UnitLabel string `json:"unit_label"`
	Cost      *int64 `json:"cost"`
}

// UnitCostTable is what penghitungan kebutuhan shows of one jenis: the
// region's unit costs for the catalog's items, whether the table is
// complete (Missing the codes without a cost), the cost per person, the
// people still to serve in the period and the budget they need (nil while
// the table has a gap).
type UnitCostTable struct {
	Jenis     Jenis          `json:"jenis"`
	Name      string         `json:"name"`
	Items     []UnitCostItem `json:"items"`
	Missing   []string       `json:"missing"`
	Complete  bool           `json:"complete"`
	PerPerson *int64         `json:"per_person"`
	Count     Count          `json:"count"`
	Gap       int            `json:"gap"`
	Needed    *int64         `json:"needed"`
	Source    string         `json:"source"`
	Note      string         `json:"note"`
	EnteredBy int64          `json:"entered_by,omitempty"`
	EnteredAt *time.Time     `json:"entered_at"`
	Version   int            `json:"version"` // 0: nothing entered
}

// Kebutuhan is a region's penghitungan kebutuhan for a period: each jenis
// of its level, and the total budget needed (nil while a table has a gap).
type Kebutuhan struct {
	Region     wilayah.Code    `json:"region"`
	RegionName string          `json:"region_name"`
	Level      Level           `json:"level"`
	Year       int             `json:"year"`
	Quarter    int             `json:"quarter"`
	Catalog    string          `json:"catalog"` // the active catalog version's name
	Jenis      []UnitCostTable `json:"jenis"`
	Total      *int64          `json:"total"`
}

// storedCosts is a stored unit-cost table.
type storedCosts struct {
	Source    string           `json:"source"`
	Note      string           `json:"note"`
	Costs     map[string]int64 `json:"costs"`
	EnteredBy int64            `json:"entered_by,omitempty"`
	EnteredAt time.Time        `json:"entered_at"`
	Version   int              `json:"version"`
}

// yearOf checks a budget year of a plan or a cost table: from 2018, when
// PP 2/2018 took effect, to the current year.
func (s *Store) yearOf(year int) error {
	if _, err := PeriodFor(year, 1, s.now()); err != nil {
		fe := apperr.As(err).Fields[0]
		return apperr.BadParam(fe.Field, fe.Key, fe.Args...)
	}
	return nil
}

// period checks the year and quarter (0: the latest) of a reading.
func (s *Store) period(year, quarter int) (Period, error) {
	p, err := PeriodFor(year, quarter, s.now())
	if err != nil {
		fe := apperr.As(err).Fields[0]
		return Period{}, apperr.BadParam(fe.Field, fe.Key, fe.Args...)
	}
	return p, nil
}

// UnitCosts reads a region's penghitungan kebutuhan for a period (quarter
// 0: the latest of the year), as u may read the region.
func (s *Store) UnitCosts(ctx context.Context, u access.User, region string, year, quarter int) (Kebutuhan, error) {
	r, err := s.region(u, region)
	if err != nil {
		return Kebutuhan{}, err
	}
	p, err := s.period(year, quarter)
	if err != nil {
		return Kebutuhan{}, err
	}
	cat, err := ActiveCatalog(ctx, s.DB)
	if err != nil {
		return Kebutuhan{}, err
	}
	a, err := s.achievements(ctx, []wilayah.Region{r}, p)
	if err != nil {
		return Kebutuhan{}, err
	}
	stored, err := unitCostsOf(ctx, s.DB, r.Code, p.Year)
	if err != nil {
		return Kebutuhan{}, err
	}
	level, _ := LevelOf(r.Code)
	out := Kebutuhan{Region: r.Code, RegionName: r.Name, Level: level, Year: p.Year, Quarter: p.Quarter,
		Catalog: cat.Name, Jenis: []UnitCostTable{}}
	var total int64
	complete := true
	for _, f := range a[0].Jenis {
		t, err := costTable(cat, f, stored[f.Jenis])
		if err != nil {
			return Kebutuhan{}, fmt.Errorf("spm: %s %s: %w", r.Code, f.Jenis, err)
		}
		if t.Needed == nil || total > math.MaxInt64-*t.Needed {
			complete = false
		} else {
			total += *t.Needed
		}
		out.Jenis = append(out.Jenis, t)
	}
	if complete {
		out.Total = &total
	}
	return out, nil
}

// costTable joins a jenis's catalog items, the region's stored costs (nil:
// none) and its figure into what penghitungan kebutuhan shows.
func costTable(cat Catalog, f Figure, st *storedCosts) (UnitCostTable, error) {
	cj, _ := cat.Of(f.Jenis)
	t := UnitCostTable{Jenis: f.Jenis, Name: f.Name, Items: []UnitCostItem{}, Missing: []string{},
		Count: Count{X: f.X, Y: f.Y}, Gap: f.Gap}
	costs := map[string]int64{}
	if st != nil {
		costs = st.Costs
		at := st.EnteredAt
		t.Source, t.Note, t.EnteredBy, t.EnteredAt, t.Version = st.Source, st.Note, st.EnteredBy, &at, st.Version
	}
	for _, it := range cj.Items {
		item := UnitCostItem{Code: it.Code, Name: it.Name, UnitLabel: it.UnitLabel}
		if c, ok := costs[it.Code]; ok {
			item.Cost = &c
		}
		t.Items = append(t.Items, item)
	}
	t.Missing = append(t.Missing, CostGaps(cj.Items, costs)...)
	per, err := CostPerPerson(cj.Items, costs)
	switch {
	case errors.Is(err, ErrCostGap):
		return t, nil
	case err != nil:
		return t, err
	}
	need, err := BudgetNeeded(per, t.Count)
	if err != nil {
		return t, err
	}
	t.Complete, t.PerPerson, t.Needed = true, &per, &need
	return t, nil
}

// unitCostsOf reads a region's stored unit-cost tables of a year, by jenis.
func unitCostsOf(ctx context.Context, q db.Q, region wilayah.Code, year int) (map[Jenis]*storedCosts, error) {
	out := map[Jenis]*storedCosts{}
	rows, err := q.Query(ctx, `SELECT jenis, source, note, entered_by, entered_at, version FROM spm_unit_cost
		WHERE region_code = ? AND year = ?`, string(region), year)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var j Jenis
		st := &storedCosts{Costs: map[string]int64{}}
		var by *int64
		if err := rows.Scan(&j, &st.Source, &st.Note, &by, &st.EnteredAt, &st.Version); err != nil {
			rows.Close()
			return nil, err
		}
		if by != nil {
			st.EnteredBy = *by
		}
		st.EnteredAt = st.EnteredAt.UTC()
		out[j] = st
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT jenis, item_code, cost FROM spm_unit_cost_item WHERE region_code = ? AND year = ?`,
		string(region), year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var j Jenis
		var code string
		var cost int64
		if err := rows.Scan(&j, &code, &cost); err != nil {
			return nil, err
		}
		if st := out[j]; st != nil {
			st.Costs[code] = cost
		}
	}
	return out, rows.Err()
}

func errStale(key string) error {
	e := apperr.New(apperr.Conflict, key)
	e.Code = CodeStaleVersion
	return e
}

// entryID names a region's entry of a jenis and year in the audit log:
// "33.73/2026/anak_luar_panti".
func entryID(c wilayah.Code, year int, jenis string) string {
	return fmt.Sprintf("%s/%d/%s", c, year, jenis)
}

// jenisOfRegion checks that jenis is one the region's level owes.
func jenisOfRegion(r wilayah.Region, jenis string) bool {
	level, _ := LevelOf(r.Code)
	svc, ok := ServiceOf(Jenis(jenis))
	return ok && svc.Level == level
}

// PutUnitCosts stores (or replaces, at the version given) a region's
// unit-cost table of one jenis and year, as a planner of exactly the
// region, audited. A table with a gap, a negative cost or an item the
// catalog's active version does not have is refused, naming the items.
func (s *Store) PutUnitCosts(ctx context.Context, actor audit.Actor, u access.User, in UnitCostInput) (UnitCostTable, error) {
	r, err := s.entered(u, in.Region)
	if err != nil {
		return UnitCostTable{}, err
	}
	cat, err := ActiveCatalog(ctx, s.DB)
	if err != nil {
		return UnitCostTable{}, err
	}
	var f apperr.Fields
	if !jenisOfRegion(r, in.Jenis) {
		f.Add("jenis", "spm.jenis_not_of_level")
		return UnitCostTable{}, f.Err()
	}
	if _, err := PeriodFor(in.Year, 1, s.now()); err != nil {
		f = append(f, apperr.As(err).Fields...)
	}
	cj, _ := cat.Of(Jenis(in.Jenis))
	f = append(f, in.Check(cj.Items)...)
	if err := f.Err(); err != nil {
		return UnitCostTable{}, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		all, err := unitCostsOf(ctx, tx, r.Code, in.Year)
		if err != nil {
			return err
		}
		before := all[Jenis(in.Jenis)]
		current := 0
		if before != nil {
			current = before.Version
		}
		if current != in.Version {
			return errStale("spm.unit_cost_stale")
		}
		now := db.Now()
		key := []any{string(r.Code), in.Year, in.Jenis}
		if before == nil {
			_, err := tx.Exec(ctx, `INSERT INTO spm_unit_cost (region_code, year, jenis, province_code, source, note, entered_by,
				entered_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)`,
				string(r.Code), in.Year, in.Jenis, string(r.Code.Province()), in.Source, in.Note, u.ID, now)
			if err = db.Err(err); errors.Is(err, db.ErrDuplicate) {
				return errStale("spm.unit_cost_stale") // entered meanwhile by someone else
			} else if err != nil {
				return err
			}
		} else {
			res, err := tx.Exec(ctx, `UPDATE spm_unit_cost SET source = ?, note = ?, entered_by = ?, entered_at = ?,
				version = version + 1 WHERE region_code = ? AND year = ? AND jenis = ? AND version = ?`,
				in.Source, in.Note, u.ID, now, string(r.Code), in.Year, in.Jenis, current)
			if err != nil {
				return db.Err(err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n != 1 {
				return errStale("spm.unit_cost_stale")
			}
		}
		if _, err := tx.Exec(ctx, "DELETE FROM spm_unit_cost_item WHERE region_code = ? AND year = ? AND jenis = ?", key...); err != nil {
			return err
		}
		for _, it := range cj.Items {
			if _, err := tx.Exec(ctx, `INSERT INTO spm_unit_cost_item (region_code, year, jenis, item_code, province_code, cost)
				VALUES (?, ?, ?, ?, ?, ?)`, string(r.Code), in.Year, in.Jenis, it.Code, string(r.Code.Province()), in.Costs[it.Code]); err != nil {
				return err
			}
		}
		all, err = unitCostsOf(ctx, tx, r.Code, in.Year)
		if err != nil {
			return err
		}
		entry := audit.Entry{Action: audit.Create, Entity: "spm_unit_cost", EntityID: entryID(r.Code, in.Year, in.Jenis),
			Region: r.Code, After: all[Jenis(in.Jenis)]}
		if before != nil {
			entry.Action, entry.Before = audit.Update, before
		}
		return audit.Record(ctx, tx, actor, entry)
	})
	if err != nil {
		return UnitCostTable{}, err
	}
	k, err := s.UnitCosts(ctx, u, string(r.Code), in.Year, 0)
	if err != nil {
		return UnitCostTable{}, err
	}
	for _, t := range k.Jenis {
		if t.Jenis == Jenis(in.Jenis) {
			return t, nil
		}
	}
	return UnitCostTable{}, fmt.Errorf("spm: unit costs of %s lost", in.Jenis)
}

// DeleteUnitCosts removes a region's unit-cost table of a jenis and year
// at its version, as a planner of exactly the region, audited.
func (s *Store) DeleteUnitCosts(ctx context.Context, actor audit.Actor, u access.User, region, jenis string, year, version int) error {
	r, err := s.entered(u, region)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		all, err := unitCostsOf(ctx, tx, r.Code, year)
		if err != nil {
			return err
		}
		before := all[Jenis(jenis)]
		if before == nil {
			return apperr.New(apperr.NotFound, "spm.unit_cost_not_found")
		}
		if before.Version != version {
			return errStale("spm.unit_cost_stale")
		}
		key := []any{string(r.Code), year, jenis}
		if _, err := tx.Exec(ctx, "DELETE FROM spm_unit_cost_item WHERE region_code = ? AND year = ? AND jenis = ?", key...); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM spm_unit_cost WHERE region_code = ? AND year = ? AND jenis = ?", key...); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Delete, Entity: "spm_unit_cost",
			EntityID: entryID(r.Code, year, jenis), Region: r.Code, Before: before})
	})
}

// ---- Penyusunan rencana ----

// Plan is a region's plan of one jenis for a year: the cumulative target
// of each quarter and the budget allocated (Planned false: nothing
// entered; Targets and Budget are then empty), with the targets suggested
// from Y (DefaultTargets) for a form to start from.
type Plan struct {
	Jenis     Jenis      `json:"jenis"`
	Name      string     `json:"name"`
	Planned   bool       `json:"planned"`
	Targets   []int      `json:"targets"` // Quarters of them, cumulative; null when not planned
	Budget    *int64     `json:"budget"`
	Y         int        `json:"y"` // the people to serve in the year so far
	Suggested []int      `json:"suggested"`
	Note      string     `json:"note"`
	EnteredBy int64      `json:"entered_by,omitempty"`
	EnteredAt *time.Time `json:"entered_at"`
	Version   int        `json:"version"`
}

// Plans is a region's penyusunan rencana for a year: each jenis of its level.
type Plans struct {
	Region     wilayah.Code `json:"region"`
	RegionName string       `json:"region_name"`
	Level      Level        `json:"level"`
	Year       int          `json:"year"`
	Jenis      []Plan       `json:"jenis"`
	// Budget is the budget allocated over the jenis planned.
	Budget int64 `json:"budget"`
}

// storedPlan is what spm_plan holds of a jenis (the audit log's record).
type storedPlan struct {
	Targets   [Quarters]int `json:"targets"`
	Budget    int64         `json:"budget"`
	Note      string        `json:"note"`
	EnteredBy int64         `json:"entered_by,omitempty"`
	EnteredAt time.Time     `json:"entered_at"`
	Version   int           `json:"version"`
}

func plansOf(ctx context.Context, q db.Q, region wilayah.Code, year int) (map[Jenis]*storedPlan, error) {
	rows, err := q.Query(ctx, `SELECT jenis, target_q1, target_q2, target_q3, target_q4, budget, note, entered_by, entered_at, version
		FROM spm_plan WHERE region_code = ? AND year = ?`, string(region), year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[Jenis]*storedPlan{}
	for rows.Next() {
		var j Jenis
		var p storedPlan
		var by *int64
		if err := rows.Scan(&j, &p.Targets[0], &p.Targets[1], &p.Targets[2], &p.Targets[3], &p.Budget, &p.Note, &by,
			&p.EnteredAt, &p.Version); err != nil {
			return nil, err
		}
		if by != nil {
			p.EnteredBy = *by
		}
		p.EnteredAt = p.EnteredAt.UTC()
		out[j] = &p
	}
	return out, rows.Err()
}

// Plans reads a region's plans of a year, as u may read the region. The
// suggestion is from Y of the year so far (its latest quarter).
func (s *Store) Plans(ctx context.Context, u access.User, region string, year int) (Plans, error) {
	r, err := s.region(u, region)
	if err != nil {
		return Plans{}, err
	}
	p, err := s.period(year, 0)
	if err != nil {
		return Plans{}, err
	}
	a, err := s.achievements(ctx, []wilayah.Region{r}, p)
	if err != nil {
		return Plans{}, err
	}
	stored, err := plansOf(ctx, s.DB, r.Code, year)
	if err != nil {
		return Plans{}, err
	}
	level, _ := LevelOf(r.Code)
	out := Plans{Region: r.Code, RegionName: r.Name, Level: level, Year: year, Jenis: []Plan{}}
	for _, f := range a[0].Jenis {
		sug := DefaultTargets(f.Y)
		pl := Plan{Jenis: f.Jenis, Name: f.Name, Y: f.Y, Suggested: sug[:]}
		if st := stored[f.Jenis]; st != nil {
			budget, at := st.Budget, st.EnteredAt
			pl.Planned, pl.Targets, pl.Budget = true, append([]int{}, st.Targets[:]...), &budget
			pl.Note, pl.EnteredBy, pl.EnteredAt, pl.Version = st.Note, st.EnteredBy, &at, st.Version
			out.Budget += budget
		}
		out.Jenis = append(out.Jenis, pl)
	}
	return out, nil
}

// PutPlan stores (or replaces, at the version given) a region's plan of
// one jenis for a year, as a planner of exactly the region, audited. A
// target of a quarter whose report is submitted, verified or locked is
// not changed (period_closed); a new plan may set them.
func (s *Store) PutPlan(ctx context.Context, actor audit.Actor, u access.User, in PlanInput) (Plan, error) {
	r, err := s.entered(u, in.Region)
	if err != nil {
		return Plan{}, err
	}
	var f apperr.Fields
	if !jenisOfRegion(r, in.Jenis) {
		f.Add("jenis", "spm.jenis_not_of_level")
	}
	if _, err := PeriodFor(in.Year, 1, s.now()); err != nil {
		f = append(f, apperr.As(err).Fields...)
	}
	f = append(f, in.Check()...)
	if err := f.Err(); err != nil {
		return Plan{}, err
	}
	var next storedPlan
	for i, t := range in.Targets {
		next.Targets[i] = *t
	}
	next.Budget, next.Note = *in.Budget, in.Note
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		all, err := plansOf(ctx, tx, r.Code, in.Year)
		if err != nil {
			return err
		}
		before := all[Jenis(in.Jenis)]
		current := 0
		if before != nil {
			current = before.Version
		}
		if current != in.Version {
			return errStale("spm.plan_stale")
		}
		if before != nil {
			for q := 1; q <= Quarters; q++ {
				if before.Targets[q-1] == next.Targets[q-1] {
					continue
				}
				closed, err := periodClosed(ctx, tx, r.Code, in.Year, q)
				if err != nil {
					return err
				}
				if closed {
					e := apperr.New(apperr.Conflict, "spm.plan_quarter_closed", q)
					e.Code = CodePeriodClosed
					return e
				}
			}
		}
		now := db.Now()
		t := next.Targets
		if before == nil {
			_, err = tx.Exec(ctx, `INSERT INTO spm_plan (region_code, year, jenis, province_code, target_q1, target_q2, target_q3,
				target_q4, budget, note, entered_by, entered_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
				string(r.Code), in.Year, in.Jenis, string(r.Code.Province()), t[0], t[1], t[2], t[3], next.Budget, next.Note, u.ID, now)
			if errors.Is(db.Err(err), db.ErrDuplicate) {
				return errStale("spm.plan_stale")
			}
			if err != nil {
				return db.Err(err)
			}
		} else {
			res, err := tx.Exec(ctx, `UPDATE spm_plan SET target_q1 = ?, target_q2 = ?, target_q3 = ?, target_q4 = ?, budget = ?,
				note = ?, entered_by = ?, entered_at = ?, version = version + 1
				WHERE region_code = ? AND year = ? AND jenis = ? AND version = ?`,
				t[0], t[1], t[2], t[3], next.Budget, next.Note, u.ID, now, string(r.Code), in.Year, in.Jenis, current)
			if err != nil {
				return db.Err(err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n != 1 {
				return errStale("spm.plan_stale")
			}
		}
		all, err = plansOf(ctx, tx, r.Code, in.Year)
		if err != nil {
			return err
		}
		entry := audit.Entry{Action: audit.Create, Entity: "spm_plan", EntityID: entryID(r.Code, in.Year, in.Jenis),
			Region: r.Code, After: all[Jenis(in.Jenis)]}
		if before != nil {
			entry.Action, entry.Before = audit.Update, before
		}
		return audit.Record(ctx, tx, actor, entry)
	})
	if err != nil {
		return Plan{}, err
	}
	ps, err := s.Plans(ctx, u, string(r.Code), in.Year)
	if err != nil {
		return Plan{}, err
	}
	for _, p := range ps.Jenis {
		if p.Jenis == Jenis(in.Jenis) {
			return p, nil
		}
	}
	return Plan{}, fmt.Errorf("spm: plan of %s lost", in.Jenis)
}

// DeletePlan removes a region's plan of a jenis and year at its version,
// as a planner of exactly the region, audited. Refused (period_closed)
// once a quarter of the year is reported: its target must stay.
func (s *Store) DeletePlan(ctx context.Context, actor audit.Actor, u access.User, region, jenis string, year, version int) error {
	r, err := s.entered(u, region)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		all, err := plansOf(ctx, tx, r.Code, year)
		if err != nil {
			return err
		}
		before := all[Jenis(jenis)]
		if before == nil {
			return apperr.New(apperr.NotFound, "spm.plan_not_found")
		}
		if before.Version != version {
			return errStale("spm.plan_stale")
		}
		for q := 1; q <= Quarters; q++ {
			if closed, err := periodClosed(ctx, tx, r.Code, year, q); closed || err != nil {
				if err != nil {
					return err
				}
				e := apperr.New(apperr.Conflict, "spm.plan_quarter_closed", q)
				e.Code = CodePeriodClosed
				return e
			}
		}
		if _, err := tx.Exec(ctx, "DELETE FROM spm_plan WHERE region_code = ? AND year = ? AND jenis = ?",
			string(r.Code), year, jenis); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Delete, Entity: "spm_plan",
			EntityID: entryID(r.Code, year, jenis), Region: r.Code, Before: before})
	})
}

// ---- Pelaksanaan ----

// Where the money spent comes from.
const (
	// SpentCasework: the cost of the services the casework recorded for
	// the cycles counted in the jenis (case_service.cost).
	SpentCasework = "casework"
	// SpentReport: the amount the planner wrote in the quarter's report,
	// for a jenis whose figures the region enters as an aggregate (its
	// cases are not in layan, so neither are their costs).
	SpentReport = "report"
)

// Pelaksanaan is one jenis's realisation in a period: the quarter's
// target against X, and the budget allocated against the money spent from
// 1 January to the quarter's end (Spent nil: not available — an aggregate
// jenis whose report has no amount yet).
type Pelaksanaan struct {
	Jenis         Jenis    `json:"jenis"`
	Name          string   `json:"name"`
	Target        *int     `json:"target"` // nil: no plan
	X             int      `json:"x"`
	Y             int      `json:"y"`
	Source        string   `json:"source"` // of X and Y: "casework" or "aggregate"
	TargetPercent *float64 `json:"target_percent"`
	Capaian       *float64 `json:"capaian"`
	Budget        *int64   `json:"budget"` // allocated; nil: no plan
	Spent         *int64   `json:"spent"`
	SpentSource   string   `json:"spent_source"` // SpentCasework, SpentReport, "" when not available
	SpentPercent  *float64 `json:"spent_percent"`
}

// Realisation is a region's pelaksanaan in a period.
type Realisation struct {
	Region     wilayah.Code  `json:"region"`
	RegionName string        `json:"region_name"`
	Level      Level         `json:"level"`
	Year       int           `json:"year"`
	Quarter    int           `json:"quarter"`
	From       string        `json:"from"`
	To         string        `json:"to"`
	Jenis      []Pelaksanaan `json:"jenis"`
}

// Realisation reads a region's pelaksanaan for a period (quarter 0: the
// latest of the year), as u may read the region.
func (s *Store) Realisation(ctx context.Context, u access.User, region string, year, quarter int) (Realisation, error) {
	r, err := s.region(u, region)
	if err != nil {
		return Realisation{}, err
	}
	p, err := s.period(year, quarter)
	if err != nil {
		return Realisation{}, err
	}
	a, err := s.achievements(ctx, []wilayah.Region{r}, p)
	if err != nil {
		return Realisation{}, err
	}
	return s.realisation(ctx, r, p, a[0])
}

func (s *Store) realisation(ctx context.Context, r wilayah.Region, p Period, a Achievement) (Realisation, error) {
	plans, err := plansOf(ctx, s.DB, r.Code, p.Year)
	if err != nil {
		return Realisation{}, err
	}
	var costs map[Jenis]int64
	if s.Cases != nil {
		if costs, err = s.Cases.CaseCosts(ctx, r.Code, p.From(), p.To()); err != nil {
			return Realisation{}, err
		}
	}
	row, err := loadReport(ctx, s.DB, r.Code, p, false)
	if err != nil {
		return Realisation{}, err
	}
	out := Realisation{Region: r.Code, RegionName: r.Name, Level: a.Level, Year: p.Year, Quarter: p.Quarter,
		From: p.From(), To: p.To(), Jenis: []Pelaksanaan{}}
	for _, f := range a.Jenis {
		pl := Pelaksanaan{Jenis: f.Jenis, Name: f.Name, X: f.X, Y: f.Y, Source: f.Source, Capaian: f.Capaian}
		if st := plans[f.Jenis]; st != nil {
			target, budget := st.Targets[p.Quarter-1], st.Budget
			pl.Target, pl.Budget = &target, &budget
			pl.TargetPercent = Percent(int64(f.X), int64(target))
		}
		switch {
		case f.Source == "casework" && s.Cases != nil:
			spent := costs[f.Jenis]
			pl.Spent, pl.SpentSource = &spent, SpentCasework
		case row != nil && row.jenis[f.Jenis].AnggaranRealisasi != nil:
			spent := *row.jenis[f.Jenis].AnggaranRealisasi
			pl.Spent, pl.SpentSource = &spent, SpentReport
		}
		if pl.Spent != nil && pl.Budget != nil {
			pl.SpentPercent = Percent(*pl.Spent, *pl.Budget)
		}
		out.Jenis = append(out.Jenis, pl)
	}
	return out, nil
}

// ---- The report's budget lines ----

// budgetPrefill is what a quarterly report's budget lines of one jenis are
// filled with while the planner has not written them: the budget
// allocated in the plan, and the money spent per the casework.
type budgetPrefill struct {
	rencana, realisasi *int64
}

// reportPrefill reads the prefill of a region's report for p, given the
// region's figures for p: the plan's budget of each jenis planned, and the
// casework's spending of each jenis counted from the casework where it
// recorded any (an aggregate jenis has no spending in layan: the planner
// writes it).
func (s *Store) reportPrefill(ctx context.Context, r wilayah.Region, p Period, figures Achievement) (map[Jenis]budgetPrefill, error) {
	plans, err := plansOf(ctx, s.DB, r.Code, p.Year)
	if err != nil {
		return nil, err
	}
	var costs map[Jenis]int64
	if s.Cases != nil {
		if costs, err = s.Cases.CaseCosts(ctx, r.Code, p.From(), p.To()); err != nil {
			return nil, err
		}
	}
	out := map[Jenis]budgetPrefill{}
	for _, f := range figures.Jenis {
		var b budgetPrefill
		if st := plans[f.Jenis]; st != nil {
			v := st.Budget
			b.rencana = &v
		}
		// Only money the casework recorded: a jenis with no service paid
		// yet is left for the planner to answer (0 is then their amount).
		if v := costs[f.Jenis]; f.Source == "casework" && v > 0 {
			b.realisasi = &v
		}
		out[f.Jenis] = b
	}
	return out, nil
}

// applyPrefill fills the budget lines of c the planner left empty (nil)
// from pre, marking them prefilled; it reports whether it filled any.
func applyPrefill(c *ReportContent, pre map[Jenis]budgetPrefill) bool {
	filled := false
	for i := range c.Jenis {
		j := &c.Jenis[i]
		b := pre[j.Jenis]
		if j.AnggaranRencana == nil && b.rencana != nil {
			v := *b.rencana
			j.AnggaranRencana, j.AnggaranRencanaPrefilled, filled = &v, true, true
		}
		if j.AnggaranRealisasi == nil && b.realisasi != nil {
			v := *b.realisasi
			j.AnggaranRealisasi, j.AnggaranRealisasiPrefilled, filled = &v, true, true
		}
	}
	return filled
}

// ---- Pengumpulan data: the data-quality view ----

// DuplicateEpisodes is one person counted more than once in one jenis in
// a year: several episodes (case cycles) each adding them to Y.
type DuplicateEpisodes struct {
	PersonID int64   `json:"person_id"`
	Jenis    Jenis   `json:"jenis"`
	CaseIDs  []int64 `json:"case_ids"`
}

// QualityList is a count and, for a reader who may see case numbers, one
// page of the rows (nil for a reader who sees counts only).
type QualityList[T any] struct {
	Total int `json:"total"`
	Items []T `json:"items"`
}

// DataQuality is pengumpulan data's check of a region's data for a year:
// the people of its cases without NIK (who cannot be matched with the
// DTKS/DTSEN or found twice), its cases without an approved assessment
// (not yet in Y), and the people counted twice in a jenis (Y too high).
type DataQuality struct {
	Region     wilayah.Code                   `json:"region"`
	RegionName string                         `json:"region_name"`
	Year       int                            `json:"year"`
	Page       int                            `json:"page"`
	Size       int                            `json:"size"`
	Detail     bool                           `json:"detail"`    // the lists are given
	Available  bool                           `json:"available"` // the casework's checks ran
	WithoutNIK QualityList[QualityCase]       `json:"without_nik"`
	Unassessed QualityList[QualityCase]       `json:"unassessed"`
	Duplicates QualityList[DuplicateEpisodes] `json:"duplicates"`
}

// QualityPageSize is how many rows a page of a data-quality list holds.
const QualityPageSize = 20

// SeesCaseNumbers reports whether u sees the rows of the data-quality
// lists (case and person numbers and the unit, never a name or a NIK):
// the planners and verifiers of a region, who ask the units to correct
// them. A national viewer sees counts only ("aggregates of every region,
// no personal data", DESIGN.md), as does an admin, whose work is accounts.
func SeesCaseNumbers(u access.User) bool {
	return u.Role == access.Planner || u.Role == access.Verifier
}

// DataQuality reads the data-quality view of a region and year, page
// (from 1) of each list, as u may read the region.
func (s *Store) DataQuality(ctx context.Context, u access.User, region string, year, page int) (DataQuality, error) {
	r, err := s.region(u, region)
	if err != nil {
		return DataQuality{}, err
	}
	if err := s.yearOf(year); err != nil {
		return DataQuality{}, err
	}
	if page < 1 {
		return DataQuality{}, apperr.BadParam("page", "field.number")
	}
	out := DataQuality{Region: r.Code, RegionName: r.Name, Year: year, Page: page, Size: QualityPageSize,
		Detail: SeesCaseNumbers(u), Available: s.Cases != nil}
	pg := QualityPage{Limit: QualityPageSize, Offset: (page - 1) * QualityPageSize}
	if !out.Detail {
		pg.Limit = 0
	}
	if s.Cases != nil {
		if out.WithoutNIK.Total, out.WithoutNIK.Items, err = s.Cases.WithoutNIK(ctx, r.Code, year, pg); err != nil {
			return DataQuality{}, err
		}
		if out.Unassessed.Total, out.Unassessed.Items, err = s.Cases.Unassessed(ctx, r.Code, year, pg); err != nil {
			return DataQuality{}, err
		}
	}
	if out.Duplicates.Total, out.Duplicates.Items, err = duplicateEpisodes(ctx, s.DB, r.Code, year, pg); err != nil {
		return DataQuality{}, err
	}
	if !out.Detail {
		out.WithoutNIK.Items, out.Unassessed.Items, out.Duplicates.Items = nil, nil, nil
	}
	return out, nil
}

// duplicateEpisodes counts the people of a region counted in one jenis by
// more than one episode in Y of a year — an episode is in Y from its
// assessment to the end of the year its needs were met or its case closed
// (Episode.Tallies) — and lists page of them with their cases.
func duplicateEpisodes(ctx context.Context, q db.Q, region wilayah.Code, year int, page QualityPage) (int, []DuplicateEpisodes, error) {
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	const inYear = ` FROM spm_episode WHERE region_code = ? AND assessed_on <= ?
		AND (met_on = '' OR met_on >= ?) AND (ended_on = '' OR ended_on >= ?)`
	args := []any{string(region), to, from, from}
	var total int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT person_id, jenis`+inYear+
		` GROUP BY person_id, jenis HAVING COUNT(*) > 1) d`, args...).Scan(&total)
	if err != nil {
		return 0, nil, db.Err(err)
	}
	items := []DuplicateEpisodes{}
	if page.Limit == 0 || total == 0 {
		return total, items, nil
	}
	rows, err := q.Query(ctx, `SELECT person_id, jenis`+inYear+` GROUP BY person_id, jenis HAVING COUNT(*) > 1
		ORDER BY person_id, jenis LIMIT ? OFFSET ?`, append(args, page.Limit, page.Offset)...)
	if err != nil {
		return 0, nil, err
	}
	for rows.Next() {
		var d DuplicateEpisodes
		if err := rows.Scan(&d.PersonID, &d.Jenis); err != nil {
			rows.Close()
			return 0, nil, err
		}
		items = append(items, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, nil, err
	}
	for i := range items {
		d := &items[i]
		rows, err := q.Query(ctx, `SELECT DISTINCT case_id`+inYear+` AND person_id = ? AND jenis = ? ORDER BY case_id`,
			append(append([]any{}, args...), d.PersonID, string(d.Jenis))...)
		if err != nil {
			return 0, nil, err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return 0, nil, err
			}
			d.CaseIDs = append(d.CaseIDs, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, nil, err
		}
	}
	return total, items, nil
}

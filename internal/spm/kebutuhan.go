package spm

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/layan-id/layan/internal/apperr"
)

// The tahapan of penerapan SPM after pengumpulan data (Permendagri
// 59/2021; domain.md §2.6), as plain rules:
//
//  2. penghitungan kebutuhan pemenuhan pelayanan dasar: a region's unit
//     costs (satuan biaya) for each item of a jenis in the SPM catalog
//     (PP 2/2018 Pasal 10 ayat 4 huruf a: the standard goods and services
//     a person receives), and the budget still needed: the cost of the
//     whole standard for one person × the people still to serve (Y − X);
//  3. penyusunan rencana pemenuhan pelayanan dasar: targets per quarter and
//     the budget allocated;
//  4. pelaksanaan pemenuhan pelayanan dasar: people served (X) and money
//     spent against them.
//
// The store's half is kebutuhan_store.go.

// Bounds of what a planner enters.
const (
	// maxUnitCost bounds the cost of one item for one person at Rp 10
	// miliar: far above any standard good or service (a year in a panti
	// costs tens of millions), so more is a typing error.
	maxUnitCost   int64 = 10_000_000_000
	maxCostSource       = 300
	maxCostNote         = 2000
)

// Refusals of the computation itself (the inputs' refusals are field errors).
var (
	ErrCostGap      = errors.New("spm: the unit-cost table lacks items of the catalog")
	ErrCostNegative = errors.New("spm: a unit cost is negative")
	ErrTooLarge     = errors.New("spm: the amount is too large to compute")
)

// CostGaps lists the codes of the catalog's items of a jenis that costs
// has no cost for, in the catalog's order: a table with a gap cannot say
// what a person's standard costs, so it is not used for the budget.
func CostGaps(items []CatalogItem, costs map[string]int64) []string {
	var missing []string
	for _, it := range items {
		if _, ok := costs[it.Code]; !ok {
			missing = append(missing, it.Code)
		}
	}
	return missing
}

// CostPerPerson is the cost of the whole standard of a jenis for one
// person: the sum of the unit costs of every item of the jenis in the
// catalog's active version. Items the catalog no longer has are ignored
// (a cost kept from an older version); an item without a cost is
// ErrCostGap, a negative cost ErrCostNegative.
func CostPerPerson(items []CatalogItem, costs map[string]int64) (int64, error) {
	if len(CostGaps(items, costs)) > 0 {
		return 0, ErrCostGap
	}
	var sum int64
	for _, it := range items {
		c := costs[it.Code]
		if c < 0 {
			return 0, ErrCostNegative
		}
		if sum > math.MaxInt64-c {
			return 0, ErrTooLarge
		}
		sum += c
	}
	return sum, nil
}

// BudgetNeeded is penghitungan kebutuhan for one jenis: the cost of the
// standard for one person × the people still to serve, Y − X of the period
// and never below 0 (Count.Gap). Permensos 9/2018 Lampiran I sets the
// target at 100 % of Y over the budget year, so every person of Y not yet
// served still needs the whole standard.
func BudgetNeeded(perPerson int64, c Count) (int64, error) {
	if perPerson < 0 {
		return 0, ErrCostNegative
	}
	if err := c.Check(); err != nil {
		return 0, err
	}
	gap := int64(c.Gap())
	if gap > 0 && perPerson > math.MaxInt64/gap {
		return 0, ErrTooLarge
	}
	return perPerson * gap, nil
}

// UnitCostInput is a region's unit-cost table of one jenis for one budget
// year, entered as a whole: a cost in whole Rupiah per person for each item
// code of the jenis. Version is the stored table's version being replaced,
// 0 for a new one.
type UnitCostInput struct {
	Region  string           `json:"region"`
	Year    int              `json:"year"`
	Jenis   string           `json:"jenis"`
	Costs   map[string]int64 `json:"costs"`
	Source  string           `json:"source"`
	Note    string           `json:"note"`
	Version int              `json:"version"`
}

// Check trims the input and refuses a table that cannot be used for the
// budget: a cost below 0 or implausibly large ("costs.<code>"), a code
// that is no item of the jenis in the catalog's active version, a gap — an
// item of the catalog without a cost ("costs", naming the codes missing,
// in the catalog's order) — and no source, or text past its bound. 0 is a
// cost (an item another programme pays for); no cost is not.
func (in *UnitCostInput) Check(items []CatalogItem) apperr.Fields {
	var f apperr.Fields
	known := map[string]bool{}
	for _, it := range items {
		known[it.Code] = true
	}
	codes := make([]string, 0, len(in.Costs))
	for code := range in.Costs {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		c := in.Costs[code]
		switch {
		case !known[code]:
			f.Add("costs."+code, "spm.cost_item_unknown", code)
		case c < 0:
			f.Add("costs."+code, "spm.cost_negative")
		case c > maxUnitCost:
			f.Add("costs."+code, "spm.cost_too_large")
		}
	}
	if missing := CostGaps(items, in.Costs); len(missing) > 0 {
		f.Add("costs", "spm.cost_gap", strings.Join(missing, ", "))
	}
	checkText(&f, "source", &in.Source, true, maxCostSource)
	checkText(&f, "note", &in.Note, false, maxCostNote)
	return f
}

// Quarters of a year, for the plan's targets.
const Quarters = 4

// PlanInput is a region's plan of one jenis for one budget year: the
// people to have been served by the end of each quarter, cumulative from 1
// January as X is (Targets[0] is triwulan 1), and the budget allocated for
// the year in whole Rupiah. Version is the stored plan's version being
// replaced, 0 for a new one.
type PlanInput struct {
	Region  string `json:"region"`
	Year    int    `json:"year"`
	Jenis   string `json:"jenis"`
	Targets []*int `json:"targets"`
	Budget  *int64 `json:"budget"`
	Note    string `json:"note"`
	Version int    `json:"version"`
}

// Check trims the input and refuses a plan no region can have: not four
// targets, a target missing, below 0 or above the population
// ("targets.<quarter>", from 1), a target below the quarter before it
// (targets are cumulative: people served stay served), and a budget
// missing, below 0 or implausibly large. A target may exceed today's Y:
// Y grows through the year as people are assessed, and the plan is made
// for the people expected.
func (in *PlanInput) Check() apperr.Fields {
	var f apperr.Fields
	if len(in.Targets) != Quarters {
		f.Add("targets", "spm.targets_four")
	} else {
		prev := 0
		for i, t := range in.Targets {
			field := "targets." + strconv.Itoa(i+1)
			switch {
			case t == nil:
				f.Add(field, "field.required")
				continue
			case *t < 0:
				f.Add(field, "spm.count_negative")
			case *t > maxPeople:
				f.Add(field, "spm.count_too_large")
			case *t < prev:
				f.Add(field, "spm.target_decreasing", prev)
			}
			prev = max(prev, *t)
		}
	}
	switch {
	case in.Budget == nil:
		f.Add("budget", "field.required")
	case *in.Budget < 0:
		f.Add("budget", "spm.budget_negative")
	case *in.Budget > maxRupiah:
		f.Add("budget", "spmreport.rupiah_too_large")
	}
	checkText(&f, "note", &in.Note, false, maxCostNote)
	return f
}

// DefaultTargets suggests the targets of a jenis with y people to serve
// over the year: 100 % of Y by the end of the year (Permensos 9/2018
// Lampiran I: "Target = 100% selama 1 (satu) tahun anggaran"), reached
// evenly, a quarter of Y more each quarter, rounded up so that a small Y
// is not left to the last quarter. A suggestion for the form, not stored.
func DefaultTargets(y int) [Quarters]int {
	var out [Quarters]int
	if y <= 0 {
		return out
	}
	for q := 1; q <= Quarters; q++ {
		out[q-1] = (y*q + Quarters - 1) / Quarters
	}
	return out
}

// Percent is part of whole × 100, nil when whole is 0 (no target, no
// budget: nothing to measure against). It may pass 100: more served or
// spent than planned is what a planner must see.
func Percent(part, whole int64) *float64 {
	if whole <= 0 {
		return nil
	}
	v := float64(part) * 100 / float64(whole)
	return &v
}

package spm_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/spm"
)

// Three items of a jenis, as a catalog version lists them.
var kebItems = []spm.CatalogItem{
	{Line: 1, Code: "permakanan", Name: "Permakanan", UnitLabel: "orang/hari"},
	{Line: 2, Code: "sandang", Name: "Sandang", UnitLabel: "paket"},
	{Line: 3, Code: "rujukan", Name: "Rujukan", UnitLabel: "kali"},
}

// Worked example: permakanan 7 days × Rp 30.000 = Rp 210.000, sandang Rp
// 350.000, rujukan Rp 150.000 → Rp 710.000 per person; Y 40, X 15 → 25
// people still to serve → Rp 17.750.000 needed.
func TestBudgetNeededWorkedExample(t *testing.T) {
	costs := map[string]int64{"permakanan": 210_000, "sandang": 350_000, "rujukan": 150_000}
	per, err := spm.CostPerPerson(kebItems, costs)
	if err != nil || per != 710_000 {
		t.Fatalf("per person = %d, %v; want 710000", per, err)
	}
	need, err := spm.BudgetNeeded(per, spm.Count{X: 15, Y: 40})
	if err != nil || need != 17_750_000 {
		t.Fatalf("needed = %d, %v; want 17750000", need, err)
	}
}

func TestCostPerPerson(t *testing.T) {
	for _, tc := range []struct {
		name  string
		costs map[string]int64
		want  int64
		err   error
	}{
		{"complete", map[string]int64{"permakanan": 1, "sandang": 2, "rujukan": 3}, 6, nil},
		{"zero is a cost", map[string]int64{"permakanan": 0, "sandang": 0, "rujukan": 0}, 0, nil},
		{"an item of an older version is ignored", map[string]int64{"permakanan": 1, "sandang": 2, "rujukan": 3, "lama": 100}, 6, nil},
		{"gap", map[string]int64{"permakanan": 1, "rujukan": 3}, 0, spm.ErrCostGap},
		{"nothing", nil, 0, spm.ErrCostGap},
		{"negative", map[string]int64{"permakanan": -1, "sandang": 2, "rujukan": 3}, 0, spm.ErrCostNegative},
		{"overflow", map[string]int64{"permakanan": 1 << 62, "sandang": 1 << 62, "rujukan": 1 << 62}, 0, spm.ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := spm.CostPerPerson(kebItems, tc.costs)
			if !errors.Is(err, tc.err) || (tc.err == nil && got != tc.want) {
				t.Errorf("CostPerPerson = %d, %v; want %d, %v", got, err, tc.want, tc.err)
			}
		})
	}
}

func TestCostGaps(t *testing.T) {
	got := spm.CostGaps(kebItems, map[string]int64{"sandang": 5})
	if want := []string{"permakanan", "rujukan"}; !reflect.DeepEqual(got, want) {
		t.Errorf("gaps = %v, want %v (in the catalog's order)", got, want)
	}
	if got := spm.CostGaps(kebItems, map[string]int64{"permakanan": 0, "sandang": 0, "rujukan": 0}); got != nil {
		t.Errorf("gaps of a complete table = %v", got)
	}
}

func TestBudgetNeeded(t *testing.T) {
	for _, tc := range []struct {
		name string
		per  int64
		c    spm.Count
		want int64
		err  error
	}{
		{"all still to serve", 100, spm.Count{X: 0, Y: 10}, 1000, nil},
		{"all served", 100, spm.Count{X: 10, Y: 10}, 0, nil},
		{"no one to serve", 100, spm.Count{}, 0, nil},
		{"free standard", 0, spm.Count{X: 1, Y: 10}, 0, nil},
		{"negative cost", -1, spm.Count{Y: 1}, 0, spm.ErrCostNegative},
		{"negative count", 1, spm.Count{X: -1, Y: 1}, 0, spm.ErrNegative},
		{"X above Y", 1, spm.Count{X: 2, Y: 1}, 0, spm.ErrXAboveY},
		{"overflow", 1 << 62, spm.Count{Y: 4}, 0, spm.ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := spm.BudgetNeeded(tc.per, tc.c)
			if !errors.Is(err, tc.err) || got != tc.want {
				t.Errorf("BudgetNeeded(%d, %+v) = %d, %v; want %d, %v", tc.per, tc.c, got, err, tc.want, tc.err)
			}
		})
	}
}

// fieldKeys are the field errors as "field=key".
func fieldKeys(f apperr.Fields) []string {
	var out []string
	for _, e := range f {
		out = append(out, e.Field+"="+e.Key)
	}
	return out
}

func TestUnitCostInputCheck(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   spm.UnitCostInput
		want []string
	}{
		{"complete", spm.UnitCostInput{Costs: map[string]int64{"permakanan": 1, "sandang": 0, "rujukan": 3}, Source: "Perbup 12/2026"}, nil},
		{"gap named", spm.UnitCostInput{Costs: map[string]int64{"sandang": 1}, Source: "SSH"},
			[]string{"costs=spm.cost_gap"}},
		{"negative", spm.UnitCostInput{Costs: map[string]int64{"permakanan": -5, "sandang": 0, "rujukan": 3}, Source: "SSH"},
			[]string{"costs.permakanan=spm.cost_negative"}},
		{"too large", spm.UnitCostInput{Costs: map[string]int64{"permakanan": 10_000_000_001, "sandang": 0, "rujukan": 3}, Source: "SSH"},
			[]string{"costs.permakanan=spm.cost_too_large"}},
		{"unknown item", spm.UnitCostInput{Costs: map[string]int64{"permakanan": 1, "sandang": 0, "rujukan": 3, "emas": 9}, Source: "SSH"},
			[]string{"costs.emas=spm.cost_item_unknown"}},
		{"no source", spm.UnitCostInput{Costs: map[string]int64{"permakanan": 1, "sandang": 0, "rujukan": 3}, Source: "  "},
			[]string{"source=field.required"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := fieldKeys(tc.in.Check(kebItems))
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Check = %v, want %v", got, tc.want)
			}
		})
	}
	in := spm.UnitCostInput{Costs: map[string]int64{"sandang": 1}, Source: "SSH"}
	f := in.Check(kebItems)
	if len(f) != 1 || len(f[0].Args) != 1 || f[0].Args[0] != "permakanan, rujukan" {
		t.Errorf("the gap names the missing items in the catalog's order: %+v", f)
	}
}

func ints(v ...int) []*int {
	out := make([]*int, len(v))
	for i := range v {
		out[i] = &v[i]
	}
	return out
}

func TestPlanInputCheck(t *testing.T) {
	budget, negative := int64(50_000_000), int64(-1)
	for _, tc := range []struct {
		name string
		in   spm.PlanInput
		want []string
	}{
		{"cumulative", spm.PlanInput{Targets: ints(10, 20, 30, 40), Budget: &budget}, nil},
		{"flat is fine", spm.PlanInput{Targets: ints(0, 0, 40, 40), Budget: &budget}, nil},
		{"decreasing", spm.PlanInput{Targets: ints(10, 20, 15, 40), Budget: &budget}, []string{"targets.3=spm.target_decreasing"}},
		{"negative target", spm.PlanInput{Targets: ints(-1, 20, 30, 40), Budget: &budget}, []string{"targets.1=spm.count_negative"}},
		{"three targets", spm.PlanInput{Targets: ints(1, 2, 3), Budget: &budget}, []string{"targets=spm.targets_four"}},
		{"missing target", spm.PlanInput{Targets: []*int{nil, ints(1)[0], ints(2)[0], ints(3)[0]}, Budget: &budget},
			[]string{"targets.1=field.required"}},
		{"no budget", spm.PlanInput{Targets: ints(1, 2, 3, 4)}, []string{"budget=field.required"}},
		{"negative budget", spm.PlanInput{Targets: ints(1, 2, 3, 4), Budget: &negative}, []string{"budget=spm.budget_negative"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := fieldKeys(tc.in.Check())
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Check = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDefaultTargets(t *testing.T) {
	for _, tc := range []struct {
		y    int
		want [4]int
	}{
		{0, [4]int{0, 0, 0, 0}},
		{1, [4]int{1, 1, 1, 1}}, // rounded up: one person is planned for the first quarter
		{40, [4]int{10, 20, 30, 40}},
		{10, [4]int{3, 5, 8, 10}},
	} {
		if got := spm.DefaultTargets(tc.y); got != tc.want {
			t.Errorf("DefaultTargets(%d) = %v, want %v", tc.y, got, tc.want)
		}
	}
}

func TestPercent(t *testing.T) {
	if p := spm.Percent(5, 0); p != nil {
		t.Errorf("percent of nothing = %v, want none", *p)
	}
	if p := spm.Percent(30, 40); p == nil || *p != 75 {
		t.Errorf("30 of 40 = %v, want 75", p)
	}
	if p := spm.Percent(50, 40); p == nil || *p != 125 {
		t.Errorf("50 of 40 = %v, want 125 (over plan shows)", p)
	}
}

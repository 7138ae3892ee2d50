package spm

import (
	"testing"
	"time"

	"github.com/layan-id/layan/internal/apperr"
)

// A worked example of a kab/kota's anak luar panti over two years: who is
// in Y and X at each quarter's end, counted by hand.
func TestAchieveWorkedExample(t *testing.T) {
	ep := func(id int64, assessed, met, ended string) Episode {
		return Episode{CaseID: id, Cycle: 1, Region: "33.74", Province: "33", Jenis: AnakLuarPanti,
			AssessedOn: assessed, MetOn: met, EndedOn: ended}
	}
	eps := []Episode{
		ep(1, "2025-11-10", "", ""),           // waiting since 2025: owed in 2026 too
		ep(2, "2025-12-01", "2026-02-03", ""), // served in 2026 Q1
		ep(3, "2026-01-15", "2026-03-31", ""), // assessed and served in Q1
		ep(4, "2026-04-01", "", "2026-05-20"), // case closed unserved in Q2 (moved away)
		ep(5, "2025-03-01", "2025-06-01", ""), // served in 2025: gone from 2026
		ep(6, "2026-08-09", "2026-12-31", ""), // served on the year's last day
		ep(7, "2025-02-01", "", "2025-10-01"), // closed unserved in 2025: gone from 2026
	}
	var all []Tally
	for _, e := range eps {
		ts, err := e.Tallies()
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ts...)
	}
	for _, tc := range []struct {
		p    Period
		want Count
	}{
		{Period{2025, 1}, Count{X: 0, Y: 2}},
		{Period{2025, 2}, Count{X: 1, Y: 2}},
		{Period{2025, 4}, Count{X: 1, Y: 4}}, // 1, 2, 5, 7
		{Period{2026, 1}, Count{X: 2, Y: 3}}, // 1, 2, 3
		{Period{2026, 2}, Count{X: 2, Y: 4}}, // + 4
		{Period{2026, 3}, Count{X: 2, Y: 5}}, // + 6
		{Period{2026, 4}, Count{X: 3, Y: 5}},
		{Period{2027, 1}, Count{X: 0, Y: 1}}, // only 1 still waits
	} {
		if got := Achieve(all, tc.p); got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.p, got, tc.want)
		}
		if err := Achieve(all, tc.p).Check(); err != nil {
			t.Errorf("%s: %v", tc.p, err)
		}
	}
	// Summed by key, the same counts.
	sum := Add(nil, all, 1)
	var keyed []Tally
	for _, v := range sum {
		keyed = append(keyed, v)
	}
	if got := Achieve(keyed, Period{2026, 4}); got != (Count{X: 3, Y: 5}) {
		t.Errorf("summed: %+v", got)
	}
	// Taking an episode away undoes it exactly.
	ts, _ := eps[1].Tallies()
	Add(sum, ts, -1)
	Add(sum, ts, 1)
	Add(sum, ts, -1)
	keyed = keyed[:0]
	for _, v := range sum {
		keyed = append(keyed, v)
	}
	if got := Achieve(keyed, Period{2026, 1}); got != (Count{X: 1, Y: 2}) {
		t.Errorf("without case 2: %+v", got)
	}
}

func TestEpisodeTalliesRefuses(t *testing.T) {
	for _, e := range []Episode{
		{AssessedOn: ""},
		{AssessedOn: "2026-13-01"},
		{AssessedOn: "2026-05-01", MetOn: "2026-01-01"},
		{AssessedOn: "2026-05-01", MetOn: "kemarin"},
		{AssessedOn: "2026-05-01", EndedOn: "2026/06/01"},
	} {
		if _, err := e.Tallies(); err == nil {
			t.Errorf("%+v: no error", e)
		}
	}
	// Met earlier in the same quarter is taken (the casework never sends
	// it, but the quarter is what counts).
	if _, err := (Episode{AssessedOn: "2026-05-01", MetOn: "2026-04-02"}).Tallies(); err != nil {
		t.Error(err)
	}
}

func TestPeriodFor(t *testing.T) {
	today := time.Date(2026, 11, 24, 5, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		year, quarter int
		want          Period
		field         string
	}{
		{2026, 0, Period{2026, 4}, ""},
		{2026, 3, Period{2026, 3}, ""},
		{2025, 0, Period{2025, 4}, ""},
		{2018, 1, Period{2018, 1}, ""},
		{2017, 0, Period{}, "year"},
		{2027, 1, Period{}, "year"},
		{2026, 5, Period{}, "quarter"},
		{2026, -1, Period{}, "quarter"},
	} {
		got, err := PeriodFor(tc.year, tc.quarter, today)
		if tc.field == "" {
			if err != nil || got != tc.want {
				t.Errorf("%d Q%d: %v, %v; want %v", tc.year, tc.quarter, got, err, tc.want)
			}
			continue
		}
		if e := apperr.As(err); e == nil || !apperr.Fields(e.Fields).Has(tc.field) {
			t.Errorf("%d Q%d: %v, want an error on %s", tc.year, tc.quarter, err, tc.field)
		}
	}
	// In the first quarter, the second has not begun.
	jan := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	if _, err := PeriodFor(2026, 2, jan); err == nil {
		t.Error("a quarter not yet begun was taken")
	}
}

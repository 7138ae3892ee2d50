package holiday_test

import (
	"context"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/holiday"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestWorking(t *testing.T) {
	off := holiday.Set{"2026-03-20": true}
	for _, tt := range []struct {
		day  string
		want bool
	}{
		{"2026-03-19", true},  // Thursday
		{"2026-03-20", false}, // Friday, entered
		{"2026-03-21", false}, // Saturday
		{"2026-03-22", false}, // Sunday
		{"2026-08-17", false}, // Monday, Hari Kemerdekaan (built in)
		{"2027-01-01", false}, // Friday, Tahun Baru (built in, any year)
		{"2026-06-02", true},  // Tuesday after Hari Lahir Pancasila
	} {
		if got := off.Working(day(tt.day)); got != tt.want {
			t.Errorf("Working(%s) = %v, want %v", tt.day, got, tt.want)
		}
	}
	var none holiday.Set
	if none.Working(day("2026-12-25")) || !none.Working(day("2026-12-24")) {
		t.Error("a nil set does not hold the built-in days")
	}
}

func kind(err error) apperr.Kind { return apperr.KindOf(err) }

func TestStore(t *testing.T) {
	ctx := context.Background()
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			d := dbtest.Open(t, engine)
			sys := audit.System("test")
			admin := access.User{ID: 1, Role: access.Admin}
			regional := access.User{ID: 2, Role: access.Admin, Region: "33"}
			worker := access.User{ID: 3, Role: access.Worker, UnitID: 1}
			lebaran := holiday.Day{Date: "2026-03-20", Name: "Hari Raya Idul Fitri 1447 H", Kind: holiday.Libur}
			if _, err := holiday.Save(ctx, d, sys, regional, lebaran); kind(err) != apperr.Forbidden {
				t.Errorf("a regional admin enters a day off: %v", err)
			}
			if _, err := holiday.Save(ctx, d, sys, worker, lebaran); kind(err) != apperr.Forbidden {
				t.Errorf("a worker enters a day off: %v", err)
			}
			for _, bad := range []holiday.Day{
				{Date: "20-03-2026", Name: "x", Kind: holiday.Libur},
				{Date: "2262-03-20", Name: "x", Kind: holiday.Libur},
				{Date: "2026-08-17", Name: "x", Kind: holiday.Libur}, // built in
				{Date: "2026-03-20", Name: " ", Kind: holiday.Libur},
				{Date: "2026-03-20", Name: "x", Kind: "libur"},
			} {
				if _, err := holiday.Save(ctx, d, sys, admin, bad); kind(err) != apperr.Invalid {
					t.Errorf("Save(%+v) = %v, want invalid", bad, err)
				}
			}
			if _, err := holiday.Save(ctx, d, sys, admin, lebaran); err != nil {
				t.Fatal(err)
			}
			cuti := holiday.Day{Date: "2026-03-23", Name: "Cuti bersama Idul Fitri", Kind: holiday.CutiBersama}
			if _, err := holiday.Save(ctx, d, sys, admin, cuti); err != nil {
				t.Fatal(err)
			}
			// Saving again renames.
			lebaran.Name = "Hari Raya Idul Fitri 1447 Hijriah"
			if _, err := holiday.Save(ctx, d, sys, admin, lebaran); err != nil {
				t.Fatal(err)
			}
			days, err := holiday.List(ctx, d, 2026)
			if err != nil {
				t.Fatal(err)
			}
			// The five built-in days and the two entered, by date.
			if len(days) != 7 || days[0].Date != "2026-01-01" || !days[0].Fixed || days[1].Name != lebaran.Name || days[2].Kind != holiday.CutiBersama {
				t.Errorf("List(2026) = %+v", days)
			}
			if _, err := holiday.List(ctx, d, 1850); kind(err) != apperr.BadRequest {
				t.Errorf("List(1850): %v", err)
			}
			set, err := holiday.Between(ctx, d, day("2026-03-01"), day("2026-03-31"))
			if err != nil || len(set) != 2 || set.Working(day("2026-03-23")) {
				t.Errorf("Between = %v, %v", set, err)
			}
			if err := holiday.Remove(ctx, d, sys, regional, cuti.Date); kind(err) != apperr.Forbidden {
				t.Errorf("a regional admin removes: %v", err)
			}
			if err := holiday.Remove(ctx, d, sys, admin, cuti.Date); err != nil {
				t.Fatal(err)
			}
			if err := holiday.Remove(ctx, d, sys, admin, cuti.Date); kind(err) != apperr.NotFound {
				t.Errorf("removing twice: %v", err)
			}
			var n int
			if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE entity = 'holiday'").Scan(&n); err != nil || n != 4 {
				t.Errorf("%d audit records, want 4 (two made, one renamed, one removed): %v", n, err)
			}
		})
	}
}

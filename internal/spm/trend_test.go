package spm_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/spm"
)

// trendFigure is jenis j of an achievement.
func trendFigure(t *testing.T, a *spm.Achievement, j spm.Jenis) spm.Figure {
	t.Helper()
	if a == nil {
		t.Fatalf("no achievement")
	}
	for _, f := range a.Jenis {
		if f.Jenis == j {
			return f
		}
	}
	t.Fatalf("no %s in %+v", j, a)
	return spm.Figure{}
}

func near(v *float64, want float64) bool {
	return v != nil && *v > want-0.005 && *v < want+0.005
}

// A worked example of the trend over 2026 (the store's clock stands in its
// fourth quarter) and the same quarters of 2025: Kota Salatiga's people in
// need carried from earlier years, X starting again each 1 January, an
// aggregate entered for one quarter only; and every quarter of the trend
// is the achievement and overview of that quarter, number for number.
func TestTrendWorkedExample(t *testing.T) {
	forAchEngines(t, func(t *testing.T, w *achWorld) {
		ctx := context.Background()
		w.tally(t, "33.73", spm.AnakLuarPanti, 2024, 2, 3, 0, 0) // 3 assessed in 2024, never served
		w.tally(t, "33.73", spm.AnakLuarPanti, 2025, 4, 4, 0, 1) // 4 more in 2025 TW4, 1 served
		w.tally(t, "33.73", spm.AnakLuarPanti, 2026, 1, 6, 1, 5) // 6 more; the one served in 2025 leaves
		w.tally(t, "33.73", spm.AnakLuarPanti, 2026, 3, 2, 0, 1)
		w.tally(t, "33.73", spm.LansiaLuarPanti, 2026, 2, 2, 0, 0)
		w.tally(t, "33.73", spm.LansiaLuarPanti, 2026, 4, 0, 0, 2)
		w.tally(t, "33.74", spm.AnakLuarPanti, 2026, 1, 10, 0, 4) // Kota Semarang
		w.tally(t, "33", spm.AnakDalamPanti, 2026, 1, 8, 0, 8)    // Jawa Tengah's panti
		w.tally(t, "73.71", spm.LansiaLuarPanti, 2026, 2, 3, 0, 0)
		// Semarang enters its own figures for TW2 only: 12 in need, 9 served.
		x, y := 9, 12
		semarang := access.User{ID: w.planner.ID, Role: access.Planner, Region: "33.74"}
		if _, err := w.store.EnterAggregate(ctx, audit.System("test"), semarang, spm.AggregateInput{Region: "33.74",
			Jenis: "anak_luar_panti", Year: 2026, Quarter: 2, X: &x, Y: &y, Source: "Rekap"}); err != nil {
			t.Fatal(err)
		}

		tr, err := w.store.Trend(ctx, w.planner, "33.73", 2026)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Region == nil || tr.Region.Code != "33.73" || tr.Year != 2026 || len(tr.Quarters) != 4 || len(tr.Previous) != 4 {
			t.Fatalf("Salatiga's trend: %+v", tr)
		}
		for i, c := range []struct {
			anakY, anakX, lansiaY, lansiaX int
			index                          float64 // -1: none
			label                          string
		}{
			// 2026: Y carries 3 + 4 from before; X counts 2026 only.
			{12, 5, 0, 0, 41.67, "Belum Tuntas"}, // 3 + 4 + 6 − 1 = 12 in need, 5 served
			{12, 5, 2, 0, 20.83, "Belum Tuntas"}, // lansia: 2 in need, none served
			{14, 6, 2, 0, 21.43, "Belum Tuntas"},
			{14, 6, 2, 2, 71.43, "Tuntas Pratama"}, // (6/14 + 2/2) / 2
		} {
			q := tr.Quarters[i]
			anak, lansia := trendFigure(t, q.Region, spm.AnakLuarPanti), trendFigure(t, q.Region, spm.LansiaLuarPanti)
			if q.Year != 2026 || q.Quarter != i+1 || anak.Y != c.anakY || anak.X != c.anakX || anak.Gap != c.anakY-c.anakX ||
				lansia.Y != c.lansiaY || lansia.X != c.lansiaX || !near(q.Region.Index, c.index) || q.Region.Label != c.label ||
				q.Totals != nil {
				t.Errorf("Salatiga 2026 TW%d: anak %+v, lansia %+v, index %v %q", i+1, anak, lansia, q.Region.Index, q.Region.Label)
			}
		}
		// 2025: the 3 of 2024 are in need all year; the 4 and 1 come in TW4.
		for i, want := range []spm.Count{{X: 0, Y: 3}, {X: 0, Y: 3}, {X: 0, Y: 3}, {X: 1, Y: 7}} {
			q := tr.Previous[i]
			if anak := trendFigure(t, q.Region, spm.AnakLuarPanti); q.Year != 2025 || q.Quarter != i+1 || anak.X != want.X || anak.Y != want.Y {
				t.Errorf("Salatiga 2025 TW%d: %+v, want %+v", i+1, anak, want)
			}
		}

		// The province: its own panti and its kab/kota summed, Semarang's
		// aggregate in TW2 only.
		pt, err := w.store.Trend(ctx, w.verifier, "33", 2026)
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range []spm.Count{{X: 5 + 4, Y: 12 + 10}, {X: 5 + 9, Y: 12 + 12}, {X: 6 + 4, Y: 14 + 10}, {X: 6 + 4, Y: 14 + 10}} {
			q := pt.Quarters[i]
			if len(q.Totals) != 5 {
				t.Fatalf("Jawa Tengah TW%d totals: %+v", i+1, q.Totals)
			}
			if got := totalOf(t, q.Totals, spm.AnakLuarPanti); got.X != want.X || got.Y != want.Y || got.Regions != 2 {
				t.Errorf("Jawa Tengah TW%d anak luar panti: %+v, want %+v", i+1, got, want)
			}
			if q.Region == nil || q.Region.Label != "Tuntas Paripurna" || trendFigure(t, q.Region, spm.AnakDalamPanti).Y != 8 {
				t.Errorf("Jawa Tengah TW%d own: %+v", i+1, q.Region)
			}
		}
		if q := pt.Previous[3]; q.Region.Index != nil || totalOf(t, q.Totals, spm.AnakLuarPanti).Y != 7 {
			t.Errorf("Jawa Tengah 2025 TW4: %+v", q)
		}

		// Every quarter of the trend is that quarter's page, number for number.
		nt, err := w.store.Trend(ctx, w.national, "", 2026)
		if err != nil {
			t.Fatal(err)
		}
		if nt.Region != nil || len(nt.Quarters) != 4 {
			t.Fatalf("nation: %+v", nt)
		}
		for _, year := range []int{2025, 2026} {
			for q := 1; q <= 4; q++ {
				trends := map[string]spm.Trend{"33.73": tr, "33": pt, "": nt}
				for code, trend := range trends {
					got := trend.Quarters[q-1]
					if year == 2025 {
						got = trend.Previous[q-1]
					}
					o, err := w.store.Overview(ctx, w.national, code, year, q)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got.Region, o.Region) {
						t.Errorf("%q %d TW%d: the trend's region\n%+v\nthe overview's\n%+v", code, year, q, got.Region, o.Region)
					}
					if !reflect.DeepEqual(got.Totals, o.Totals) {
						t.Errorf("%q %d TW%d: the trend's totals\n%+v\nthe overview's\n%+v", code, year, q, got.Totals, o.Totals)
					}
				}
			}
		}
	})
}

// Who may read which trend, and which years: as Achievement and Overview
// (a role without SPM reading learns nothing: not found).
func TestTrendReach(t *testing.T) {
	const ok apperr.Kind = -1
	forAchEngines(t, func(t *testing.T, w *achWorld) {
		ctx := context.Background()
		for _, c := range []struct {
			name string
			u    access.User
			code string
			year int
			kind apperr.Kind // ok: read
		}{
			{"planner, own region", w.planner, "33.73", 2026, ok},
			{"planner, own region by undotted code", w.planner, "3373", 2026, ok},
			{"planner, the province above", w.planner, "33", 2026, apperr.NotFound},
			{"planner, another kab/kota", w.planner, "73.71", 2026, apperr.NotFound},
			{"planner, the nation", w.planner, "", 2026, apperr.NotFound},
			{"verifier, a kab/kota of the province", w.verifier, "33.73", 2026, ok},
			{"verifier, the nation", w.verifier, "", 2026, apperr.NotFound},
			{"verifier, another province", w.verifier, "73", 2026, apperr.NotFound},
			{"national, a kecamatan", w.national, "33.73.01", 2026, apperr.BadRequest},
			{"national, before PP 2/2018", w.national, "", 2017, apperr.BadRequest},
			{"national, next year", w.national, "", 2027, apperr.BadRequest},
			{"worker", access.User{ID: 99, Role: access.Worker, Region: "33.73"}, "33.73", 2026, apperr.NotFound},
		} {
			_, err := w.store.Trend(ctx, c.u, c.code, c.year)
			if (c.kind == ok && err != nil) || (c.kind != ok && apperr.KindOf(err) != c.kind) {
				t.Errorf("%s: %v, want kind %d", c.name, err, c.kind)
			}
		}
		// 2018 has no year before it to compare with; a past year runs to TW4.
		tr, err := w.store.Trend(ctx, w.national, "", 2018)
		if err != nil || len(tr.Quarters) != 4 || len(tr.Previous) != 0 || len(tr.Quarters[3].Totals) != 10 {
			t.Errorf("2018: %+v, %v", tr, err)
		}
	})
}

package spm_test

import (
	"context"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/spm"
	"github.com/layan-id/layan/internal/wilayah"
)

// achWorld is a database with tallies as the casework keeps them, and an
// SPM store on it on 24 November 2026.
type achWorld struct {
	d                           *db.DB
	store                       *spm.Store
	national, planner, verifier access.User
}

func newAchWorld(t *testing.T, engine string) *achWorld {
	t.Helper()
	ctx := context.Background()
	d := dbtest.Open(t, engine)
	ix, err := dbtest.Regions()
	if err != nil {
		t.Fatal(err)
	}
	user := func(name string, role access.Role, region wilayah.Code) access.User {
		u, _, err := access.CreateUser(ctx, d, audit.System("test"), access.Scope{All: true},
			access.UserInput{Username: name, FullName: name, Role: role, Region: region})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	now := time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)
	return &achWorld{d: d, store: &spm.Store{DB: d, Regions: ix, Now: func() time.Time { return now }},
		national: user("nasional", access.National, ""), planner: user("perencana.salatiga", access.Planner, "33.73"),
		verifier: user("verifikator.jateng", access.Verifier, "33")}
}

// tally adds to a region's tally of jenis j in a quarter.
func (w *achWorld) tally(t *testing.T, region string, j spm.Jenis, year, quarter, yIn, yOut, xIn int) {
	t.Helper()
	_, err := w.d.Exec(context.Background(), `INSERT INTO spm_tally (region_code, jenis, year, quarter, province_code, y_in, y_out, x_in)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, region, string(j), year, quarter, string(wilayah.Code(region).Province()), yIn, yOut, xIn)
	if err != nil {
		t.Fatal(err)
	}
}

func forAchEngines(t *testing.T, f func(t *testing.T, w *achWorld)) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e, func(t *testing.T) { f(t, newAchWorld(t, e)) })
	}
}

func totalOf(t *testing.T, ts []spm.Total, j spm.Jenis) spm.Total {
	t.Helper()
	for _, x := range ts {
		if x.Jenis == j {
			return x
		}
	}
	t.Fatalf("no total of %s in %+v", j, ts)
	return spm.Total{}
}

// A worked example over three kab/kota and a province, with an entered
// aggregate replacing one region's count: the region's own figures, its
// index and label, and the sums a province and the nation show.
func TestOverviewWorkedExample(t *testing.T) {
	forAchEngines(t, func(t *testing.T, w *achWorld) {
		ctx := context.Background()
		w.tally(t, "33.73", spm.AnakLuarPanti, 2025, 4, 4, 0, 1) // 4 assessed in 2025, 1 served
		w.tally(t, "33.73", spm.AnakLuarPanti, 2026, 1, 6, 1, 5) // 6 more; the one served in 2025 leaves
		w.tally(t, "33.73", spm.LansiaLuarPanti, 2026, 3, 2, 0, 2)
		w.tally(t, "33.74", spm.AnakLuarPanti, 2026, 2, 10, 0, 4) // Kota Semarang
		w.tally(t, "33", spm.AnakDalamPanti, 2026, 1, 8, 0, 8)    // Jawa Tengah's panti
		w.tally(t, "73.71", spm.LansiaLuarPanti, 2026, 4, 3, 0, 0)

		// Kota Salatiga, 2026 TW4: anak Y = 4 + 6 − 1 = 9, X = 5; lansia 2 of 2.
		a, err := w.store.Achievement(ctx, w.planner, "33.73", 2026, 0)
		if err != nil {
			t.Fatal(err)
		}
		anak, lansia := a.Jenis[1], a.Jenis[2]
		if a.Quarter != 4 || anak.Jenis != spm.AnakLuarPanti || anak.Y != 9 || anak.X != 5 || anak.Gap != 4 ||
			lansia.Y != 2 || lansia.X != 2 || *lansia.Capaian != 100 {
			t.Fatalf("Salatiga: %+v", a)
		}
		// Index: mean of 5/9 × 100 and 100 = 77.78 → Tuntas Pratama.
		if a.Index == nil || *a.Index < 77.77 || *a.Index > 77.78 || a.Label != "Tuntas Pratama" {
			t.Errorf("Salatiga index %v %q", a.Index, a.Label)
		}
		// At the end of TW1 lansia has no one yet; anak is the same 5 of 9.
		if q1, _ := w.store.Achievement(ctx, w.planner, "33.73", 2026, 1); q1.Jenis[2].Y != 0 || q1.Jenis[1].X != 5 || q1.Label != "Belum Tuntas" {
			t.Errorf("Salatiga TW1: %+v", q1)
		}

		// Semarang enters its own figures for TW4: 12 in need, 9 served.
		x, y := 9, 12
		sem := w.verifier // nobody but Semarang's planner may: the verifier is refused
		if _, err := w.store.EnterAggregate(ctx, audit.System("test"), sem, spm.AggregateInput{Region: "33.74",
			Jenis: "anak_luar_panti", Year: 2026, Quarter: 4, X: &x, Y: &y, Source: "Rekap"}); apperr.KindOf(err) != apperr.Forbidden {
			t.Errorf("the verifier entered Semarang's figures: %v", err)
		}
		semarang := access.User{ID: w.planner.ID, Role: access.Planner, Region: "33.74"}
		if _, err := w.store.EnterAggregate(ctx, audit.System("test"), semarang, spm.AggregateInput{Region: "33.74",
			Jenis: "anak_luar_panti", Year: 2026, Quarter: 4, X: &x, Y: &y, Source: "Rekap"}); err != nil {
			t.Fatal(err)
		}

		// The province: its own panti, its kab/kota, and their sums.
		o, err := w.store.Overview(ctx, w.verifier, "33", 2026, 0)
		if err != nil {
			t.Fatal(err)
		}
		if o.Region == nil || o.Region.Jenis[1].Y != 8 || o.Region.Label != "Tuntas Paripurna" || len(o.Children) != 35 ||
			len(o.Path) != 1 || o.Path[0].Code != "33" {
			t.Errorf("Jawa Tengah: region %+v, %d kab/kota, path %v", o.Region, len(o.Children), o.Path)
		}
		if len(o.Totals) != 5 {
			t.Fatalf("province totals: %+v", o.Totals)
		}
		if got := totalOf(t, o.Totals, spm.AnakLuarPanti); got.Y != 9+12 || got.X != 5+9 || got.Regions != 2 || got.Gap != 7 {
			t.Errorf("Jawa Tengah anak luar panti: %+v", got)
		}
		// The nation: all ten, Makassar's lansia with Salatiga's.
		n, err := w.store.Overview(ctx, w.national, "", 2026, 4)
		if err != nil {
			t.Fatal(err)
		}
		if n.Region != nil || len(n.Children) != 38 || len(n.Totals) != 10 {
			t.Fatalf("nation: region %v, %d provinces, %d totals", n.Region, len(n.Children), len(n.Totals))
		}
		if got := totalOf(t, n.Totals, spm.LansiaLuarPanti); got.Y != 5 || got.X != 2 || got.Regions != 2 {
			t.Errorf("nation lansia luar panti: %+v", got)
		}
		if got := totalOf(t, n.Totals, spm.AnakDalamPanti); got.Y != 8 || got.X != 8 || *got.Capaian != 100 {
			t.Errorf("nation anak dalam panti: %+v", got)
		}
		// A kab/kota's planner has no national or provincial view.
		if _, err := w.store.Overview(ctx, w.planner, "", 2026, 4); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("planner's national view: %v", err)
		}
		if _, err := w.store.Overview(ctx, w.planner, "33", 2026, 4); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("planner's province view: %v", err)
		}
	})
}

package casework_test

import (
	"testing"
	"time"

	"github.com/layan-id/layan/internal/casework"
	"github.com/layan-id/layan/internal/spm"
	"github.com/layan-id/layan/internal/wilayah"
)

// The casework's facts for the SPM's tahapan, from real cases: the cost of
// the services of a case counted in a jenis, the cases still waiting for
// an approved assessment, and the people without a NIK.
func TestSPMTahapanFacts(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		c := approvedCase(t, w, w.person, casework.ClusterLansia, "keluarga", "")
		_, err := w.store.SavePlan(ctx, as(w.worker), w.worker, c.ID, casework.PlanInput{Goals: "Makan cukup", Items: []casework.PlanItem{
			{Need: "permakanan", Component: "kebutuhan_hidup_layak", Quantity: 30, ResponsibleUser: w.worker.ID, TargetOn: "2026-12-31"},
			{Need: "bimbingan_keluarga", Component: "dukungan_keluarga", Quantity: 2, ResponsibleUser: w.worker.ID, TargetOn: "2026-12-31"}}})
		if err != nil {
			t.Fatal(err)
		}
		c = reload(t, w, c.ID)
		c = act(t, w, w.worker, c, casework.SubmitPlan)
		act(t, w, w.sup, c, casework.ApprovePlan)
		w.now = time.Date(2026, 12, 30, 20, 0, 0, 0, time.UTC)
		for _, s := range []struct {
			day  string
			cost int64
		}{{"2026-11-25", 210_000}, {"2026-12-10", 90_000}} {
			if _, err := w.store.RecordService(ctx, as(w.worker), w.worker, c.ID, casework.ServiceInput{GivenOn: s.day,
				Need: "permakanan", Component: "kebutuhan_hidup_layak", Quantity: 15, Cost: s.cost}); err != nil {
				t.Fatal(err)
			}
		}
		costs, err := w.store.CaseCosts(ctx, "33.73", "2026-01-01", "2026-12-31")
		if err != nil || costs[spm.LansiaLuarPanti] != 300_000 || len(costs) != 1 {
			t.Errorf("year's costs: %v, %v", costs, err)
		}
		if costs, err = w.store.CaseCosts(ctx, "33.73", "2026-01-01", "2026-11-30"); err != nil || costs[spm.LansiaLuarPanti] != 210_000 {
			t.Errorf("costs to 30 November: %v, %v", costs, err)
		}
		if costs, err = w.store.CaseCosts(ctx, "73.71", "2026-01-01", "2026-12-31"); err != nil || len(costs) != 0 {
			t.Errorf("another region's costs: %v, %v", costs, err)
		}

		// A second case of the same person, not yet assessed.
		open, err := w.store.Open(ctx, as(w.worker), w.worker, casework.OpenInput{PersonID: w.person, Cluster: "lansia",
			Setting: "keluarga", Source: "penjangkauan", Risk: "sedang"})
		if err != nil {
			t.Fatal(err)
		}
		page := spm.QualityPage{Limit: 20}
		for _, region := range []wilayah.Code{"33.73", "33"} {
			n, items, err := w.store.Unassessed(ctx, region, 2026, page)
			if err != nil || n != 1 || len(items) != 1 || items[0].CaseID != open.ID || items[0].Unit != "Dinas Sosial Kota Salatiga" ||
				items[0].OpenedOn != "2026-12-31" {
				t.Errorf("unassessed in %s: %d %+v %v", region, n, items, err)
			}
			n, items, err = w.store.WithoutNIK(ctx, region, 2026, page)
			if err != nil || n != 1 || len(items) != 1 || items[0].PersonID != w.person || items[0].CaseID != c.ID {
				t.Errorf("without NIK in %s: %d %+v %v", region, n, items, err)
			}
		}
		if n, items, err := w.store.Unassessed(ctx, "33.73", 2025, page); err != nil || n != 0 || len(items) != 0 {
			t.Errorf("a year before the cases: %d %+v %v", n, items, err)
		}
		if n, items, err := w.store.WithoutNIK(ctx, "33.73", 2026, spm.QualityPage{}); err != nil || n != 1 || len(items) != 0 {
			t.Errorf("counts only: %d %+v %v", n, items, err)
		}
		for _, region := range []wilayah.Code{"73.71", "73"} {
			if n, _, err := w.store.Unassessed(ctx, region, 2026, page); err != nil || n != 0 {
				t.Errorf("unassessed in %s: %d %v", region, n, err)
			}
			if n, _, err := w.store.WithoutNIK(ctx, region, 2026, page); err != nil || n != 0 {
				t.Errorf("without NIK in %s: %d %v", region, n, err)
			}
		}
	})
}

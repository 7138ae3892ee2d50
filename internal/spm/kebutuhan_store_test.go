package spm_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/spm"
	"github.com/layan-id/layan/internal/wilayah"
)

// fakeCases stands in for the casework (casework_test checks the real
// queries): fixed costs per region and jenis, no data-quality rows.
type fakeCases struct {
	costs map[wilayah.Code]map[spm.Jenis]int64
	asked []string
}

func (f *fakeCases) CaseCosts(_ context.Context, region wilayah.Code, from, to string) (map[spm.Jenis]int64, error) {
	f.asked = append(f.asked, string(region)+" "+from+" "+to)
	return f.costs[region], nil
}

func (f *fakeCases) Unassessed(context.Context, wilayah.Code, int, spm.QualityPage) (int, []spm.QualityCase, error) {
	return 2, []spm.QualityCase{{CaseID: 7, PersonID: 3, Unit: "Dinas Sosial Kota Salatiga", OpenedOn: "2026-02-01"}}, nil
}

func (f *fakeCases) WithoutNIK(context.Context, wilayah.Code, int, spm.QualityPage) (int, []spm.QualityCase, error) {
	return 1, []spm.QualityCase{{CaseID: 8, PersonID: 4, Unit: "Dinas Sosial Kota Salatiga", OpenedOn: "2026-03-01"}}, nil
}

// kebWorld is a report world with the catalog loaded and fake casework.
func kebWorld(t *testing.T, w *reportWorld) (*fakeCases, spm.CatalogJenis) {
	t.Helper()
	ctx := context.Background()
	if err := w.d.InTx(ctx, func(tx *db.Tx) error { return spm.SeedCatalog(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
	cat, err := spm.ActiveCatalog(ctx, w.d)
	if err != nil {
		t.Fatal(err)
	}
	cj, _ := cat.Of(spm.AnakLuarPanti)
	if len(cj.Items) < 2 {
		t.Fatalf("anak luar panti has %d items", len(cj.Items))
	}
	fc := &fakeCases{costs: map[wilayah.Code]map[spm.Jenis]int64{"33.73": {spm.AnakLuarPanti: 1_250_000}}}
	w.store.Cases = fc
	return fc, cj
}

// fullCosts gives every item of cj a cost of per / len(items).
func fullCosts(cj spm.CatalogJenis, each int64) map[string]int64 {
	out := map[string]int64{}
	for _, it := range cj.Items {
		out[it.Code] = each
	}
	return out
}

func tableOf(t *testing.T, k spm.Kebutuhan, j spm.Jenis) spm.UnitCostTable {
	t.Helper()
	for _, x := range k.Jenis {
		if x.Jenis == j {
			return x
		}
	}
	t.Fatalf("no %s", j)
	return spm.UnitCostTable{}
}

// Penghitungan kebutuhan: a complete table gives the budget needed for the
// people still to serve; gaps, negatives, the wrong region or role and a
// stale version are refused and change nothing.
func TestKebutuhanUnitCosts(t *testing.T) {
	forReportEngines(t, func(t *testing.T, w *reportWorld) {
		ctx := context.Background()
		_, cj := kebWorld(t, w)
		tally(t, w.d, "33.73", spm.AnakLuarPanti, 2026, 1, 40, 15)
		in := spm.UnitCostInput{Region: "33.73", Year: 2026, Jenis: string(spm.AnakLuarPanti), Costs: fullCosts(cj, 100_000),
			Source: "Perwali Salatiga tentang Standar Harga Satuan 2026"}

		k, err := w.store.UnitCosts(ctx, w.national, "33.73", 2026, 1)
		if err != nil {
			t.Fatal(err)
		}
		if tb := tableOf(t, k, spm.AnakLuarPanti); tb.Complete || tb.Needed != nil || len(tb.Missing) != len(cj.Items) || tb.Gap != 25 || k.Total != nil {
			t.Errorf("before any cost: %+v", tb)
		}

		gap := in
		gap.Costs = fullCosts(cj, 100_000)
		delete(gap.Costs, cj.Items[0].Code)
		_, err = w.store.PutUnitCosts(ctx, reportActor(w.sal), w.sal, gap)
		wantReportErr(t, "a gap", err, apperr.Invalid, "")
		if e := apperr.As(err); e == nil || len(e.Fields) != 1 || e.Fields[0].Field != "costs" || e.Fields[0].Args[0] != cj.Items[0].Code {
			t.Errorf("the gap names the missing item: %+v", e)
		}
		neg := in
		neg.Costs = fullCosts(cj, 100_000)
		neg.Costs[cj.Items[1].Code] = -1
		_, err = w.store.PutUnitCosts(ctx, reportActor(w.sal), w.sal, neg)
		wantReportErr(t, "a negative cost", err, apperr.Invalid, "")
		_, err = w.store.PutUnitCosts(ctx, reportActor(w.mks), w.mks, in)
		wantReportErr(t, "another province's planner", err, apperr.NotFound, "")
		_, err = w.store.PutUnitCosts(ctx, reportActor(w.jateng), w.jateng, in)
		wantReportErr(t, "the province's planner", err, apperr.Forbidden, "")
		_, err = w.store.PutUnitCosts(ctx, reportActor(w.verJateng), w.verJateng, in)
		wantReportErr(t, "a verifier", err, apperr.Forbidden, "")
		other := in
		other.Jenis = string(spm.AnakDalamPanti)
		_, err = w.store.PutUnitCosts(ctx, reportActor(w.sal), w.sal, other)
		wantReportErr(t, "a jenis of the province", err, apperr.Invalid, "")
		if n := countRows(t, w.d, "SELECT COUNT(*) FROM spm_unit_cost"); n != 0 {
			t.Fatalf("refusals stored %d tables", n)
		}

		tb, err := w.store.PutUnitCosts(ctx, reportActor(w.sal), w.sal, in)
		if err != nil {
			t.Fatal(err)
		}
		per := 100_000 * int64(len(cj.Items))
		if !tb.Complete || tb.Version != 1 || *tb.PerPerson != per || *tb.Needed != per*25 || len(tb.Missing) != 0 {
			t.Errorf("stored: %+v", tb)
		}
		_, err = w.store.PutUnitCosts(ctx, reportActor(w.sal), w.sal, in) // version 0 again
		wantReportErr(t, "a stale version", err, apperr.Conflict, spm.CodeStaleVersion)
		in.Version, in.Costs[cj.Items[0].Code] = 1, 0
		if tb, err = w.store.PutUnitCosts(ctx, reportActor(w.sal), w.sal, in); err != nil || tb.Version != 2 || *tb.PerPerson != per-100_000 {
			t.Errorf("replaced: %+v, %v", tb, err)
		}
		if n := countRows(t, w.d, "SELECT COUNT(*) FROM audit_log WHERE entity = 'spm_unit_cost'"); n != 2 {
			t.Errorf("%d audit records, want 2", n)
		}
		// The province reads its kab/kota's table; the other jenis have gaps,
		// so there is no total.
		k, err = w.store.UnitCosts(ctx, w.verJateng, "33.73", 2026, 1)
		if err != nil || !tableOf(t, k, spm.AnakLuarPanti).Complete || k.Total != nil {
			t.Errorf("read by the province: %+v, %v", k, err)
		}
		err = w.store.DeleteUnitCosts(ctx, reportActor(w.sal), w.sal, "33.73", string(spm.AnakLuarPanti), 2026, 1)
		wantReportErr(t, "delete at a stale version", err, apperr.Conflict, spm.CodeStaleVersion)
		if err := w.store.DeleteUnitCosts(ctx, reportActor(w.sal), w.sal, "33.73", string(spm.AnakLuarPanti), 2026, 2); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, w.d, "SELECT COUNT(*) FROM spm_unit_cost_item"); n != 0 {
			t.Errorf("deleting left %d items", n)
		}
	})
}

// Penyusunan rencana: cumulative targets, a budget, the suggestion from Y;
// a reported quarter's target stays while the budget may be revised.
func TestKebutuhanPlan(t *testing.T) {
	forReportEngines(t, func(t *testing.T, w *reportWorld) {
		ctx := context.Background()
		kebWorld(t, w)
		tally(t, w.d, "33.73", spm.AnakLuarPanti, 2026, 1, 10, 4)
		ps, err := w.store.Plans(ctx, w.sal, "33.73", 2026)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps.Jenis {
			if p.Jenis == spm.AnakLuarPanti && (p.Planned || p.Targets != nil || !reflect.DeepEqual(p.Suggested, []int{3, 5, 8, 10})) {
				t.Errorf("unplanned: %+v", p)
			}
		}
		budget := int64(120_000_000)
		in := spm.PlanInput{Region: "33.73", Year: 2026, Jenis: string(spm.AnakLuarPanti), Targets: ints(3, 5, 8, 10), Budget: &budget}
		bad := in
		bad.Targets = ints(3, 5, 4, 10)
		_, err = w.store.PutPlan(ctx, reportActor(w.sal), w.sal, bad)
		wantReportErr(t, "decreasing targets", err, apperr.Invalid, "")
		_, err = w.store.PutPlan(ctx, reportActor(w.national), w.national, in)
		wantReportErr(t, "a national viewer", err, apperr.Forbidden, "")
		p, err := w.store.PutPlan(ctx, reportActor(w.sal), w.sal, in)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Planned || p.Version != 1 || !reflect.DeepEqual(p.Targets, []int{3, 5, 8, 10}) || *p.Budget != budget {
			t.Errorf("planned: %+v", p)
		}
		_, err = w.store.PutPlan(ctx, reportActor(w.sal), w.sal, in)
		wantReportErr(t, "a stale version", err, apperr.Conflict, spm.CodeStaleVersion)

		// The first quarter is reported: its target stays, the budget moves.
		r, err := w.store.SaveReport(ctx, reportActor(w.sal), w.sal, fullReport("33.73", spm.KabKota, 2026, 1, 0))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.store.ActOnReport(ctx, reportActor(w.sal), w.sal, "33.73", 2026, 1, spm.ReportSubmit, "", r.Version); err != nil {
			t.Fatal(err)
		}
		in.Version, in.Targets = 1, ints(4, 5, 8, 10)
		_, err = w.store.PutPlan(ctx, reportActor(w.sal), w.sal, in)
		wantReportErr(t, "the target of a reported quarter", err, apperr.Conflict, spm.CodePeriodClosed)
		revised := int64(150_000_000)
		in.Targets, in.Budget = ints(3, 6, 9, 12), &revised
		if p, err = w.store.PutPlan(ctx, reportActor(w.sal), w.sal, in); err != nil || p.Version != 2 || *p.Budget != revised {
			t.Errorf("revised: %+v, %v", p, err)
		}
		err = w.store.DeletePlan(ctx, reportActor(w.sal), w.sal, "33.73", string(spm.AnakLuarPanti), 2026, 2)
		wantReportErr(t, "delete a plan of a reported year", err, apperr.Conflict, spm.CodePeriodClosed)
		if n := countRows(t, w.d, "SELECT COUNT(*) FROM audit_log WHERE entity = 'spm_plan'"); n != 2 {
			t.Errorf("%d audit records, want 2", n)
		}
	})
}

// Pelaksanaan and the report's budget lines: the plan's budget and the
// casework's spending fill the lines a planner left empty, marked as
// prefilled; what the planner writes wins; submitting keeps the amounts.
func TestKebutuhanRealisationAndPrefill(t *testing.T) {
	forReportEngines(t, func(t *testing.T, w *reportWorld) {
		ctx := context.Background()
		fc, _ := kebWorld(t, w)
		tally(t, w.d, "33.73", spm.AnakLuarPanti, 2026, 1, 10, 4)
		if _, err := w.store.EnterAggregate(ctx, reportActor(w.sal), w.sal, spm.AggregateInput{Region: "33.73",
			Jenis: string(spm.DisabilitasLuarPanti), Year: 2026, Quarter: 1, X: new(2), Y: new(3), Source: "Rekap manual"}); err != nil {
			t.Fatal(err)
		}
		budget := int64(5_000_000)
		if _, err := w.store.PutPlan(ctx, reportActor(w.sal), w.sal, spm.PlanInput{Region: "33.73", Year: 2026,
			Jenis: string(spm.AnakLuarPanti), Targets: ints(5, 6, 8, 10), Budget: &budget}); err != nil {
			t.Fatal(err)
		}
		re, err := w.store.Realisation(ctx, w.verJateng, "33.73", 2026, 1)
		if err != nil {
			t.Fatal(err)
		}
		if fc.asked[len(fc.asked)-1] != "33.73 2026-01-01 2026-03-31" {
			t.Errorf("costs asked for %v", fc.asked)
		}
		for _, p := range re.Jenis {
			switch p.Jenis {
			case spm.AnakLuarPanti:
				if *p.Target != 5 || p.X != 4 || *p.TargetPercent != 80 || *p.Spent != 1_250_000 || p.SpentSource != spm.SpentCasework || *p.SpentPercent != 25 {
					t.Errorf("anak: %+v", p)
				}
			case spm.DisabilitasLuarPanti:
				if p.Target != nil || p.Spent != nil || p.SpentSource != "" || p.Source != "aggregate" {
					t.Errorf("an aggregate jenis without a report amount: %+v", p)
				}
			}
		}

		jenisOf := func(r spm.Report, j spm.Jenis) spm.ReportJenis {
			for _, x := range r.Jenis {
				if x.Jenis == j {
					return x
				}
			}
			t.Fatalf("no %s", j)
			return spm.ReportJenis{}
		}
		r, err := w.store.Report(ctx, w.sal, "33.73", 2026, 1)
		if err != nil {
			t.Fatal(err)
		}
		if j := jenisOf(r, spm.AnakLuarPanti); *j.AnggaranRencana != budget || !j.AnggaranRencanaPrefilled ||
			*j.AnggaranRealisasi != 1_250_000 || !j.AnggaranRealisasiPrefilled {
			t.Errorf("prefilled: %+v", j)
		}
		if j := jenisOf(r, spm.DisabilitasLuarPanti); j.AnggaranRencana != nil || j.AnggaranRealisasi != nil {
			t.Errorf("nothing to prefill: %+v", j)
		}
		// Anak's two lines; the other jenis have no plan and no spending.
		if r.Keterisian.Filled != 2 {
			t.Errorf("prefilled lines count as filled: %+v", r.Keterisian)
		}

		// Written by the planner: the anak lines empty, so prefilled; the
		// disabilitas spending written, so the realisation shows it.
		in := fullReport("33.73", spm.KabKota, 2026, 1, 0)
		for i := range in.Jenis {
			switch in.Jenis[i].Jenis {
			case spm.AnakLuarPanti:
				in.Jenis[i].AnggaranRencana, in.Jenis[i].AnggaranRealisasi = nil, nil
			case spm.DisabilitasLuarPanti:
				in.Jenis[i].AnggaranRealisasi = rupiah(700_000)
			}
		}
		if r, err = w.store.SaveReport(ctx, reportActor(w.sal), w.sal, in); err != nil {
			t.Fatal(err)
		}
		if j := jenisOf(r, spm.DisabilitasLuarPanti); *j.AnggaranRencana != 250_000_000 || j.AnggaranRencanaPrefilled {
			t.Errorf("the planner's amount wins: %+v", j)
		}
		if re, err = w.store.Realisation(ctx, w.sal, "33.73", 2026, 1); err != nil {
			t.Fatal(err)
		}
		for _, p := range re.Jenis {
			if p.Jenis == spm.DisabilitasLuarPanti && (p.Spent == nil || *p.Spent != 700_000 || p.SpentSource != spm.SpentReport) {
				t.Errorf("aggregate spending from the report: %+v", p)
			}
		}
		if r, err = w.store.ActOnReport(ctx, reportActor(w.sal), w.sal, "33.73", 2026, 1, spm.ReportSubmit, "", r.Version); err != nil {
			t.Fatal(err)
		}
		// Submitted: the amounts are the report's own, and stay when the
		// plan and the spending move.
		fc.costs["33.73"][spm.AnakLuarPanti] = 9_999
		if _, err := w.store.PutPlan(ctx, reportActor(w.sal), w.sal, spm.PlanInput{Region: "33.73", Year: 2026,
			Jenis: string(spm.AnakLuarPanti), Targets: ints(5, 6, 8, 10), Budget: rupiah(7_000_000), Version: 1}); err != nil {
			t.Fatal(err)
		}
		if r, err = w.store.Report(ctx, w.verJateng, "33.73", 2026, 1); err != nil {
			t.Fatal(err)
		}
		if j := jenisOf(r, spm.AnakLuarPanti); *j.AnggaranRencana != budget || *j.AnggaranRealisasi != 1_250_000 ||
			j.AnggaranRencanaPrefilled || j.AnggaranRealisasiPrefilled {
			t.Errorf("submitted: %+v", j)
		}
		if n := countRows(t, w.d, `SELECT COUNT(*) FROM spm_report_jenis WHERE jenis = ? AND anggaran_rencana = ?`,
			string(spm.AnakLuarPanti), budget); n != 1 {
			t.Errorf("the prefilled budget is not stored with the submitted report")
		}
	})
}

// Pengumpulan data: duplicates from the episodes, the casework's checks,
// the lists for the region's planner and counts only for the nation.
func TestKebutuhanDataQuality(t *testing.T) {
	forReportEngines(t, func(t *testing.T, w *reportWorld) {
		ctx := context.Background()
		kebWorld(t, w)
		// Episodes as the casework derives them (the casework's own test
		// reads them from real cases).
		for _, e := range []struct {
			caseID        int64
			person        int64
			jenis         spm.Jenis
			assessed, met string
		}{
			{1, 100, spm.AnakLuarPanti, "2026-01-10", ""},
			{2, 100, spm.AnakLuarPanti, "2026-02-10", ""},           // the same child twice: a duplicate
			{3, 100, spm.LansiaLuarPanti, "2026-02-10", ""},         // another jenis: not one
			{4, 200, spm.AnakLuarPanti, "2025-03-01", "2025-06-01"}, // met last year: out of 2026's Y
			{5, 200, spm.AnakLuarPanti, "2026-03-01", ""},
		} {
			insertEpisode(t, w.d, e.caseID, e.person, "33.73", e.jenis, e.assessed, e.met)
		}
		q, err := w.store.DataQuality(ctx, w.sal, "33.73", 2026, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !q.Detail || !q.Available || q.Duplicates.Total != 1 || len(q.Duplicates.Items) != 1 ||
			!reflect.DeepEqual(q.Duplicates.Items[0].CaseIDs, []int64{1, 2}) || q.Unassessed.Total != 2 || q.WithoutNIK.Total != 1 {
			t.Errorf("planner: %+v", q)
		}
		q, err = w.store.DataQuality(ctx, w.national, "33.73", 2026, 1)
		if err != nil {
			t.Fatal(err)
		}
		if q.Detail || q.Duplicates.Total != 1 || q.Duplicates.Items != nil || q.Unassessed.Items != nil || q.WithoutNIK.Items != nil {
			t.Errorf("national viewer sees rows: %+v", q)
		}
		_, err = w.store.DataQuality(ctx, w.mks, "33.73", 2026, 1)
		wantReportErr(t, "another region's planner", err, apperr.NotFound, "")
		_, err = w.store.DataQuality(ctx, w.sal, "33.73", 2026, 0)
		wantReportErr(t, "page 0", err, apperr.BadRequest, "")
	})
}

// insertEpisode writes an episode of case caseID (cycle 1), writing the
// case row its foreign key asks for first when there is none: the case of
// person's own record in a unit of Kota Salatiga.
func insertEpisode(t *testing.T, d *db.DB, caseID, person int64, region string, j spm.Jenis, assessed, met string) {
	t.Helper()
	ctx := context.Background()
	now := db.Now()
	err := d.InTx(ctx, func(tx *db.Tx) error {
		var unitID int64
		err := db.Err(tx.QueryRow(ctx, "SELECT id FROM unit WHERE name = 'Dinas Sosial Uji'").Scan(&unitID))
		if errors.Is(err, db.ErrNotFound) {
			err = tx.QueryRow(ctx, `INSERT INTO unit (type, name, region_code, province_code, created_at, updated_at)
				VALUES ('dinsos', 'Dinas Sosial Uji', '33.73', '33', ?, ?) RETURNING id`, now, now).Scan(&unitID)
		}
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM person WHERE id = ?", person).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO person (id, name, sex, village_code, regency_code, province_code, created_at, updated_at)
				VALUES (?, 'Anak Uji', 'L', '33.73.04.1001', '33.73', '33', ?, ?)`, person, now, now); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO case_file (id, person_id, unit_id, village_code, regency_code, province_code,
			cluster, setting, source, risk, stage, cycle, opened_at, emergency_until, created_at, updated_at)
			VALUES (?, ?, ?, '33.73.04.1001', '33.73', '33', 'anak', 'keluarga', 'penjangkauan', 'sedang', 'asesmen', 1, ?, ?, ?, ?)`,
			caseID, person, unitID, now, now, now, now); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO spm_episode (case_id, cycle, person_id, region_code, province_code, jenis, assessed_on,
			met_on, ended_on) VALUES (?, 1, ?, ?, ?, ?, ?, ?, '')`, caseID, person, region, region[:2], string(j), assessed, met)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

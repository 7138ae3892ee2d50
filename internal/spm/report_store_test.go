package spm_test

import (
	"context"
	"reflect"
	"slices"
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

// reportWorld is a fresh database on 10 April 2026 — the first quarter
// over, its report due on the 20th — with the accounts of the workflow:
// the planner of Kota Salatiga (33.73), of Jawa Tengah (33) and of Kota
// Makassar (73.71, another province), the verifiers of Jawa Tengah and of
// Sulawesi Selatan, an admin of the deployment and a national viewer.
type reportWorld struct {
	d                                      *db.DB
	store                                  *spm.Store
	now                                    time.Time
	sal, jateng, mks, verJateng, verSulsel access.User
	admin, adminJateng, national           access.User
}

func newReportWorld(t *testing.T, engine string) *reportWorld {
	t.Helper()
	ctx := context.Background()
	d := dbtest.Open(t, engine)
	ix, err := dbtest.Regions()
	if err != nil {
		t.Fatal(err)
	}
	user := func(name string, role access.Role, region wilayah.Code) access.User {
		u, _, err := access.CreateUser(ctx, d, audit.System("test"), access.Scope{All: true},
			access.UserInput{Username: name, FullName: "Nama " + name, Role: role, Region: region})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return u
	}
	w := &reportWorld{d: d, now: time.Date(2026, 4, 10, 9, 0, 0, 0, time.UTC),
		sal: user("perencana.salatiga", access.Planner, "33.73"), jateng: user("perencana.jateng", access.Planner, "33"),
		mks: user("perencana.makassar", access.Planner, "73.71"), verJateng: user("verifikator.jateng", access.Verifier, "33"),
		verSulsel: user("verifikator.sulsel", access.Verifier, "73"), admin: user("admin.pusat", access.Admin, ""),
		adminJateng: user("admin.jateng", access.Admin, "33"), national: user("nasional", access.National, "")}
	w.store = &spm.Store{DB: d, Regions: ix, Now: func() time.Time { return w.now }}
	return w
}

func forReportEngines(t *testing.T, f func(t *testing.T, w *reportWorld)) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e, func(t *testing.T) { f(t, newReportWorld(t, e)) })
	}
}

func reportActor(u access.User) audit.Actor {
	return audit.Actor{UserID: u.ID, Name: u.Username, RequestID: "t"}
}

// wantReportErr fails unless err is an apperr of kind with code ("" for none).
func wantReportErr(t *testing.T, what string, err error, kind apperr.Kind, code string) {
	t.Helper()
	e := apperr.As(err)
	if e == nil || e.Kind != kind || e.Code != code {
		t.Errorf("%s: %v, want kind %v code %q", what, err, kind, code)
	}
}

func rupiah(n int64) *int64 { return &n }
func done(b bool) *bool     { return &b }

// fullReport is every required part of a report of region's level.
func fullReport(region string, level spm.Level, year, quarter, version int) spm.ReportInput {
	in := spm.ReportInput{Region: region, Year: year, Quarter: quarter, Version: version,
		RencanaAksi: "Pendataan ulang PPKS bersama TKSK dan puskesos di setiap kelurahan."}
	for _, svc := range spm.ServicesOf(level) {
		in.Jenis = append(in.Jenis, spm.ReportJenis{Jenis: svc.Jenis, Permasalahan: "Data belum padan dengan DTSEN.",
			Solusi: "Verifikasi lapangan oleh pekerja sosial.", AnggaranRencana: rupiah(250_000_000), AnggaranRealisasi: rupiah(60_000_000)})
	}
	for _, tp := range spm.Tahapan {
		in.Tahapan = append(in.Tahapan, spm.ReportTahap{Tahap: tp, Done: done(tp != spm.TahapPelaksanaan), Note: "Anggaran perubahan belum disahkan."})
	}
	return in
}

// tally adds to the casework's counts of a region, as the steps of cases do.
func tally(t *testing.T, d *db.DB, region string, jenis spm.Jenis, year, quarter, yIn, xIn int) {
	t.Helper()
	_, err := d.Exec(context.Background(), `INSERT INTO spm_tally (region_code, jenis, year, quarter, province_code, y_in, y_out, x_in)
		VALUES (?, ?, ?, ?, ?, ?, 0, ?) ON CONFLICT (region_code, jenis, year, quarter)
		DO UPDATE SET y_in = spm_tally.y_in + excluded.y_in, x_in = spm_tally.x_in + excluded.x_in`,
		region, string(jenis), year, quarter, region[:2], yIn, xIn)
	if err != nil {
		t.Fatal(err)
	}
}

func figure(t *testing.T, a spm.Achievement, j spm.Jenis) spm.Figure {
	t.Helper()
	for _, f := range a.Jenis {
		if f.Jenis == j {
			return f
		}
	}
	t.Fatalf("no %s in %s's figures", j, a.Region)
	return spm.Figure{}
}

func countRows(t *testing.T, q db.Q, query string, args ...any) int {
	t.Helper()
	var n int
	if err := q.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Reading a report that was never written shows an empty draf with live
// figures, the deadline and the fill rate, and stores nothing.
func TestReportEmptyDraft(t *testing.T) {
	forReportEngines(t, func(t *testing.T, w *reportWorld) {
		ctx := context.Background()
		tally(t, w.d, "33.73", spm.LansiaLuarPanti, 2026, 1, 8, 2)
		for _, u := range []access.User{w.sal, w.jateng, w.verJateng, w.national, w.admin} {
			r, err := w.store.Report(ctx, u, "33.73", 2026, 1)
			if err != nil {
				t.Fatalf("%s: %v", u.Username, err)
			}
			if r.ID != 0 || r.Version != 0 || r.Status != spm.ReportDraft || r.Level != spm.KabKota || r.RegionName == "" ||
				len(r.Jenis) != 5 || len(r.Tahapan) != 4 || r.Frozen || r.Keterisian.Percent != 0 || r.Keterisian.Required != 25 {
				t.Errorf("%s: %+v", u.Username, r)
			}
			if r.Deadline != "2026-04-20" || r.DaysLeft != 10 || r.Late {
				t.Errorf("deadline %s, %d days left, late %v", r.Deadline, r.DaysLeft, r.Late)
			}
			if f := figure(t, r.Capaian, spm.LansiaLuarPanti); f.X != 2 || f.Y != 8 {
				t.Errorf("live figures: %+v", f)
			}
		}
		if n := countRows(t, w.d, "SELECT COUNT(*) FROM spm_report"); n != 0 {
			t.Errorf("reading stored %d reports", n)
		}
		_, err := w.store.Report(ctx, w.mks, "33.73", 2026, 1)
		wantReportErr(t, "another province's planner", err, apperr.NotFound, "")
		_, err = w.store.Report(ctx, w.sal, "33.73", 2026, 0)
		wantReportErr(t, "no quarter", err, apperr.BadRequest, "")
		_, err = w.store.Report(ctx, w.sal, "33.73", 2026, 3)
		wantReportErr(t, "a quarter to come", err, apperr.BadRequest, "")
		_, err = w.store.Report(ctx, w.sal, "33.73.04", 2026, 1)
		wantReportErr(t, "a kecamatan", err, apperr.BadRequest, "")
		// Late once the deadline has passed without a submission.
		w.now = time.Date(2026, 4, 23, 9, 0, 0, 0, time.UTC)
		if r, err := w.store.Report(ctx, w.sal, "33.73", 2026, 1); err != nil || r.DaysLeft != -3 || !r.Late {
			t.Errorf("after the deadline: %d days, late %v, %v", r.DaysLeft, r.Late, err)
		}
	})
}

// Saving: a planner of exactly the region, field by field, at the version
// read, audited.
func TestReportSave(t *testing.T) {
	forReportEngines(t, func(t *testing.T, w *reportWorld) {
		ctx := context.Background()
		part := spm.ReportInput{Region: "33.73", Year: 2026, Quarter: 1, RencanaAksi: "Rencana aksi triwulan I.",
			Jenis: []spm.ReportJenis{{Jenis: spm.AnakLuarPanti, Permasalahan: "Belum ada LKSA mitra.", AnggaranRencana: rupiah(0)}}}
		r, err := w.store.SaveReport(ctx, reportActor(w.sal), w.sal, part)
		if err != nil {
			t.Fatal(err)
		}
		anak := r.Jenis[1]
		if r.ID == 0 || r.Version != 1 || r.Status != spm.ReportDraft || r.RencanaAksi != "Rencana aksi triwulan I." ||
			anak.Jenis != spm.AnakLuarPanti || anak.Permasalahan != "Belum ada LKSA mitra." || anak.AnggaranRencana == nil ||
			*anak.AnggaranRencana != 0 || anak.AnggaranRealisasi != nil || r.Keterisian.Filled != 3 || r.Keterisian.Percent != 12 {
			t.Errorf("saved: %+v", r)
		}
		if r.UpdatedBy == nil || *r.UpdatedBy != w.sal.ID || r.UpdatedAt == nil || !r.UpdatedAt.Equal(w.now) {
			t.Errorf("updated by %v at %v", r.UpdatedBy, r.UpdatedAt)
		}
		_, err = w.store.SaveReport(ctx, reportActor(w.sal), w.sal, part)
		wantReportErr(t, "a second create", err, apperr.Conflict, spm.CodeStaleVersion)
		part.Version = 1
		for _, c := range []struct {
			name string
			u    access.User
			kind apperr.Kind
			code string
		}{
			{"the province's planner", w.jateng, apperr.Forbidden, spm.CodeNotYourRegion},
			{"the province's verifier", w.verJateng, apperr.Forbidden, spm.CodePlannerRequired},
			{"an admin", w.admin, apperr.Forbidden, spm.CodePlannerRequired},
			{"another province's planner", w.mks, apperr.NotFound, ""},
		} {
			_, err := w.store.SaveReport(ctx, reportActor(c.u), c.u, part)
			wantReportErr(t, c.name, err, c.kind, c.code)
		}
		bad := part
		bad.Jenis = []spm.ReportJenis{{Jenis: spm.AnakLuarPanti, AnggaranRealisasi: rupiah(-1)}}
		_, err = w.store.SaveReport(ctx, reportActor(w.sal), w.sal, bad)
		if e := apperr.As(err); e == nil || e.Kind != apperr.Invalid || len(e.Fields) != 1 ||
			e.Fields[0].Field != "jenis.anak_luar_panti.anggaran_realisasi" || e.Fields[0].Key != "spmreport.rupiah_negative" {
			t.Errorf("negative Rupiah: %v", err)
		}
		bad = part
		bad.Quarter = 3
		_, err = w.store.SaveReport(ctx, reportActor(w.sal), w.sal, bad)
		if e := apperr.As(err); e == nil || e.Kind != apperr.Invalid || !apperr.Fields(e.Fields).Has("quarter") {
			t.Errorf("a quarter to come: %v", err)
		}
		r, err = w.store.SaveReport(ctx, reportActor(w.sal), w.sal, fullReport("33.73", spm.KabKota, 2026, 1, 1))
		if err != nil || r.Version != 2 || !r.Keterisian.Complete() || r.Keterisian.Percent != 100 {
			t.Fatalf("full: %+v, %v", r.Keterisian, err)
		}
		if got := r.Tahapan[3]; got.Tahap != spm.TahapPelaksanaan || got.Done == nil || *got.Done || got.Note == "" {
			t.Errorf("tahap pelaksanaan: %+v", got)
		}
		items, err := audit.List(ctx, w.d, audit.Filter{All: true, Entity: "spm_report", EntityID: "33.73/2026-TW1"})
		if err != nil || len(items) != 2 || items[0].Action != audit.Update || items[1].Action != audit.Create ||
			*items[1].Region != "33.73" || items[0].Before == nil {
			t.Errorf("audit: %+v, %v", items, err)
		}
	})
}

// The whole life of a kab/kota report: submitted by its planner, returned
// and resubmitted, verified and locked by its province; its figures frozen
// while the cases move on; reopened by an admin with a reason, the locked
// figures kept in the history.
func TestReportWorkflow(t *testing.T) {
	forReportEngines(t, func(t *testing.T, w *reportWorld) {
		ctx := context.Background()
		tally(t, w.d, "33.73", spm.AnakLuarPanti, 2026, 1, 10, 4)
		// Disabilitas is entered as an aggregate (no casework for it).
		if _, err := w.store.EnterAggregate(ctx, reportActor(w.sal), w.sal, spm.AggregateInput{Region: "33.73",
			Jenis: string(spm.DisabilitasLuarPanti), Year: 2026, Quarter: 1, X: new(2), Y: new(3), Source: "Dinsos Kota Salatiga"}); err != nil {
			t.Fatal(err)
		}
		r, err := w.store.SaveReport(ctx, reportActor(w.sal), w.sal, fullReport("33.73", spm.KabKota, 2026, 1, 0))
		if err != nil {
			t.Fatal(err)
		}
		act := func(u access.User, a spm.ReportAction, reason string, version int) (spm.Report, error) {
			return w.store.ActOnReport(ctx, reportActor(u), u, "33.73", 2026, 1, a, reason, version)
		}
		closed := func() bool {
			t.Helper()
			c, err := spm.ReportPeriodClosed(ctx, w.d, "33.73", 2026, 1)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		if closed() {
			t.Error("a draf closes its period")
		}

		_, err = act(w.verJateng, spm.ReportSubmit, "", r.Version)
		wantReportErr(t, "a verifier submits", err, apperr.Forbidden, spm.CodePlannerRequired)
		_, err = act(w.jateng, spm.ReportSubmit, "", r.Version)
		wantReportErr(t, "the province's planner submits", err, apperr.Forbidden, spm.CodeNotYourRegion)
		_, err = act(w.mks, spm.ReportSubmit, "", r.Version)
		wantReportErr(t, "another province's planner submits", err, apperr.NotFound, "")
		_, err = act(w.sal, spm.ReportSubmit, "", r.Version-1)
		wantReportErr(t, "an old version", err, apperr.Conflict, spm.CodeStaleVersion)
		_, err = act(w.sal, spm.ReportSave, "", r.Version)
		wantReportErr(t, "save through ActOnReport", err, apperr.BadRequest, "")

		w.now = w.now.Add(time.Hour)
		r, err = act(w.sal, spm.ReportSubmit, "", r.Version)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != spm.ReportSubmitted || !r.Frozen || r.SnapshotAt == nil || r.SubmittedBy == nil || *r.SubmittedBy != w.sal.ID ||
			r.SubmittedAt == nil || !r.SubmittedAt.Equal(w.now) || r.Late {
			t.Errorf("submitted: %+v", r)
		}
		if f := figure(t, r.Capaian, spm.AnakLuarPanti); f.X != 4 || f.Y != 10 || f.Capaian == nil || *f.Capaian != 40 {
			t.Errorf("anak: %+v", f)
		}
		if f := figure(t, r.Capaian, spm.DisabilitasLuarPanti); f.Source != "aggregate" || f.X != 2 || f.Y != 3 {
			t.Errorf("disabilitas: %+v", f)
		}
		if !closed() {
			t.Error("a submitted report leaves its period open")
		}
		_, err = w.store.SaveReport(ctx, reportActor(w.sal), w.sal, fullReport("33.73", spm.KabKota, 2026, 1, r.Version))
		wantReportErr(t, "an edit under review", err, apperr.Conflict, spm.CodeUnderReview)
		_, err = act(w.sal, spm.ReportSubmit, "", r.Version)
		wantReportErr(t, "submitted twice", err, apperr.Conflict, spm.CodeAlreadySubmitted)

		_, err = act(w.verJateng, spm.ReportReturn, " ", r.Version)
		wantReportErr(t, "returned without a reason", err, apperr.Invalid, spm.CodeReasonRequired)
		_, err = act(w.verSulsel, spm.ReportReturn, "Salah.", r.Version)
		wantReportErr(t, "another province's verifier", err, apperr.NotFound, "")
		_, err = act(w.admin, spm.ReportReturn, "Salah.", r.Version)
		wantReportErr(t, "an admin returns a kab/kota's report", err, apperr.Forbidden, spm.CodeVerifierRequired)
		_, err = act(w.verJateng, spm.ReportLock, "", r.Version)
		wantReportErr(t, "locked before verified", err, apperr.Conflict, spm.CodeNotVerified)
		r, err = act(w.verJateng, spm.ReportReturn, "Realisasi anggaran lansia belum diisi sesuai SP2D.", r.Version)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != spm.ReportDraft || r.Frozen || r.Reason != "Realisasi anggaran lansia belum diisi sesuai SP2D." ||
			r.SubmittedAt != nil || r.SubmittedBy != nil {
			t.Errorf("returned: %+v", r)
		}
		if closed() {
			t.Error("a returned report keeps its period closed")
		}

		w.now = w.now.Add(24 * time.Hour)
		if r, err = w.store.SaveReport(ctx, reportActor(w.sal), w.sal, fullReport("33.73", spm.KabKota, 2026, 1, r.Version)); err != nil {
			t.Fatal(err)
		}
		if r, err = act(w.sal, spm.ReportSubmit, "", r.Version); err != nil {
			t.Fatal(err)
		}
		if r.Reason != "" {
			t.Errorf("the reason of the return outlives the resubmission: %q", r.Reason)
		}
		if r, err = act(w.verJateng, spm.ReportVerify, "", r.Version); err != nil || r.Status != spm.ReportVerified ||
			r.VerifiedBy == nil || *r.VerifiedBy != w.verJateng.ID {
			t.Fatalf("verified: %+v, %v", r, err)
		}
		_, err = act(w.sal, spm.ReportLock, "", r.Version)
		wantReportErr(t, "the planner locks", err, apperr.Forbidden, spm.CodeVerifierRequired)
		if r, err = act(w.verJateng, spm.ReportLock, "", r.Version); err != nil || r.Status != spm.ReportLocked || r.LockedAt == nil {
			t.Fatalf("locked: %+v, %v", r, err)
		}
		locked := r
		_, err = w.store.SaveReport(ctx, reportActor(w.sal), w.sal, fullReport("33.73", spm.KabKota, 2026, 1, r.Version))
		wantReportErr(t, "an edit to a locked period", err, apperr.Conflict, spm.CodeReportLocked)
		_, err = act(w.verJateng, spm.ReportLock, "", r.Version)
		wantReportErr(t, "locked twice", err, apperr.Conflict, spm.CodeAlreadyLocked)

		// The cases move on, and an aggregate is corrected in the database:
		// the locked report's figures do not.
		tally(t, w.d, "33.73", spm.AnakLuarPanti, 2026, 1, 5, 5)
		tally(t, w.d, "33.73", spm.GepengLuarPanti, 2026, 1, 7, 1)
		if _, err := w.d.Exec(ctx, "UPDATE spm_aggregate SET x = 3, version = version + 1 WHERE region_code = '33.73'"); err != nil {
			t.Fatal(err)
		}
		again, err := w.store.Report(ctx, w.verJateng, "33.73", 2026, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(again.Capaian, locked.Capaian) || !again.Frozen {
			t.Errorf("the locked figures moved:\n%+v\n%+v", again.Capaian, locked.Capaian)
		}
		live, err := w.store.Achievement(ctx, w.verJateng, "33.73", 2026, 1)
		if err != nil {
			t.Fatal(err)
		}
		if f := figure(t, live, spm.AnakLuarPanti); f.X != 9 || f.Y != 15 {
			t.Errorf("the live figures did not move: %+v", f)
		}

		_, err = act(w.admin, spm.ReportReopen, "", r.Version)
		wantReportErr(t, "reopened without a reason", err, apperr.Invalid, spm.CodeReasonRequired)
		_, err = act(w.sal, spm.ReportReopen, "Ada kasus yang terlambat dicatat.", r.Version)
		wantReportErr(t, "the planner reopens", err, apperr.Forbidden, spm.CodeVerifierRequired)
		const why = "Ada 5 anak yang terlambat dicatat di triwulan I."
		r, err = act(w.admin, spm.ReportReopen, why, r.Version)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != spm.ReportDraft || r.Frozen || r.Reason != why || r.LockedAt != nil || r.VerifiedAt != nil {
			t.Errorf("reopened: %+v", r)
		}
		if f := figure(t, r.Capaian, spm.AnakLuarPanti); f.X != 9 || f.Y != 15 {
			t.Errorf("a reopened draf shows %+v, not the live figures", f)
		}
		if closed() {
			t.Error("a reopened report keeps its period closed")
		}

		history, err := w.store.ReportHistory(ctx, w.verJateng, "33.73", 2026, 1)
		if err != nil {
			t.Fatal(err)
		}
		var actions []spm.ReportAction
		for _, e := range history {
			actions = append(actions, e.Action)
		}
		if want := []spm.ReportAction{spm.ReportSubmit, spm.ReportReturn, spm.ReportSubmit, spm.ReportVerify, spm.ReportLock,
			spm.ReportReopen}; !slices.Equal(actions, want) {
			t.Fatalf("history %v, want %v", actions, want)
		}
		ret, reopen := history[1], history[5]
		if ret.From != spm.ReportSubmitted || ret.To != spm.ReportDraft || ret.Reason == "" || ret.ActorName != w.verJateng.Username ||
			ret.ActorID == nil || *ret.ActorID != w.verJateng.ID {
			t.Errorf("return: %+v", ret)
		}
		kept, err := reopen.Report()
		if err != nil {
			t.Fatal(err)
		}
		if reopen.From != spm.ReportLocked || reopen.Reason != why || kept.Status != spm.ReportLocked ||
			!reflect.DeepEqual(kept.Capaian, locked.Capaian) || kept.RencanaAksi == "" {
			t.Errorf("the reopening kept %+v", kept)
		}
		if s, err := history[0].Report(); err != nil || s.Status != spm.ReportSubmitted || !s.Frozen {
			t.Errorf("the submission kept %+v, %v", s, err)
		}
		items, err := audit.List(ctx, w.d, audit.Filter{All: true, Entity: "spm_report", EntityID: "33.73/2026-TW1"})
		if err != nil {
			t.Fatal(err)
		}
		var logged []string
		for _, it := range items {
			logged = append(logged, it.Action)
		}
		if want := []string{audit.Reopen, audit.Lock, audit.Verify, audit.Submit, audit.Update, audit.Return, audit.Submit,
			audit.Create}; !slices.Equal(logged, want) {
			t.Errorf("audit %v, want %v", logged, want)
		}
		// Nothing once reported is lost: the history is append-only.
		if _, err := w.d.Exec(ctx, "UPDATE spm_report_event SET reason = 'x'"); err == nil {
			t.Error("the history was rewritten")
		}
		if _, err := w.d.Exec(ctx, "DELETE FROM spm_report_event"); err == nil {
			t.Error("the history was deleted")
		}
	})
}

// Submission needs the quarter over and every required part filled.
func TestReportSubmitNeeds(t *testing.T) {
	forReportEngines(t, func(t *testing.T, w *reportWorld) {
		ctx := context.Background()
		_, err := w.store.ActOnReport(ctx, reportActor(w.sal), w.sal, "33.73", 2026, 1, spm.ReportSubmit, "", 0)
		wantReportErr(t, "nothing written", err, apperr.Conflict, spm.CodeIncomplete)
		in := fullReport("33.73", spm.KabKota, 2026, 1, 0)
		in.Jenis[4].Solusi = ""
		r, err := w.store.SaveReport(ctx, reportActor(w.sal), w.sal, in)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Keterisian.Missing) != 1 || r.Keterisian.Missing[0].Field != "jenis.bencana_kabkota.solusi" {
			t.Errorf("missing %+v", r.Keterisian.Missing)
		}
		_, err = w.store.ActOnReport(ctx, reportActor(w.sal), w.sal, "33.73", 2026, 1, spm.ReportSubmit, "", r.Version)
		wantReportErr(t, "one solusi missing", err, apperr.Conflict, spm.CodeIncomplete)
		// The current quarter may be drafted, not submitted.
		r, err = w.store.SaveReport(ctx, reportActor(w.sal), w.sal, fullReport("33.73", spm.KabKota, 2026, 2, 0))
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.store.ActOnReport(ctx, reportActor(w.sal), w.sal, "33.73", 2026, 2, spm.ReportSubmit, "", r.Version)
		wantReportErr(t, "the quarter still running", err, apperr.Conflict, spm.CodeQuarterNotEnded)
		_, err = w.store.ActOnReport(ctx, reportActor(w.verJateng), w.verJateng, "33.73", 2026, 1, spm.ReportVerify, "", 0)
		wantReportErr(t, "verify a draf", err, apperr.Conflict, spm.CodeNotSubmitted)
		_, err = w.store.ActOnReport(ctx, reportActor(w.sal), w.sal, "33.73", 2026, 1, "approve", "", 0)
		wantReportErr(t, "an unknown step", err, apperr.BadRequest, "")
		if n := countRows(t, w.d, "SELECT COUNT(*) FROM spm_report_event"); n != 0 {
			t.Errorf("%d events of refused steps", n)
		}
	})
}

// A province reports on its own five jenis; its verifier (or an admin
// covering it) reviews it.
func TestReportProvince(t *testing.T) {
	forReportEngines(t, func(t *testing.T, w *reportWorld) {
		ctx := context.Background()
		tally(t, w.d, "33", spm.LansiaDalamPanti, 2026, 1, 40, 30)
		_, err := w.store.SaveReport(ctx, reportActor(w.sal), w.sal, fullReport("33", spm.Provinsi, 2026, 1, 0))
		wantReportErr(t, "a kab/kota's planner writes the province's", err, apperr.NotFound, "")
		r, err := w.store.SaveReport(ctx, reportActor(w.jateng), w.jateng, fullReport("33", spm.Provinsi, 2026, 1, 0))
		if err != nil {
			t.Fatal(err)
		}
		if r.Level != spm.Provinsi || r.Jenis[0].Jenis != spm.DisabilitasDalamPanti || !r.Keterisian.Complete() {
			t.Errorf("province report: %+v", r)
		}
		r, err = w.store.ActOnReport(ctx, reportActor(w.jateng), w.jateng, "33", 2026, 1, spm.ReportSubmit, "", r.Version)
		if err != nil {
			t.Fatal(err)
		}
		if f := figure(t, r.Capaian, spm.LansiaDalamPanti); f.X != 30 || f.Y != 40 || r.Capaian.Level != spm.Provinsi {
			t.Errorf("lansia dalam panti: %+v", f)
		}
		_, err = w.store.ActOnReport(ctx, reportActor(w.verSulsel), w.verSulsel, "33", 2026, 1, spm.ReportVerify, "", r.Version)
		wantReportErr(t, "another province's verifier", err, apperr.NotFound, "")
		if r, err = w.store.ActOnReport(ctx, reportActor(w.adminJateng), w.adminJateng, "33", 2026, 1, spm.ReportVerify, "", r.Version); err != nil {
			t.Fatal(err)
		}
		if r, err = w.store.ActOnReport(ctx, reportActor(w.verJateng), w.verJateng, "33", 2026, 1, spm.ReportLock, "", r.Version); err != nil ||
			r.Status != spm.ReportLocked {
			t.Fatalf("locked: %+v, %v", r.Status, err)
		}
		// The province's report closes only the province's own period.
		for region, want := range map[wilayah.Code]bool{"33": true, "33.73": false} {
			if c, err := spm.ReportPeriodClosed(ctx, w.d, region, 2026, 1); err != nil || c != want {
				t.Errorf("%s closed: %v, %v", region, c, err)
			}
		}
	})
}

// The listing of a period: who submitted, when, who is late.
func TestReportList(t *testing.T) {
	forReportEngines(t, func(t *testing.T, w *reportWorld) {
		ctx := context.Background()
		ix, _ := dbtest.Regions()
		r, err := w.store.SaveReport(ctx, reportActor(w.sal), w.sal, fullReport("33.73", spm.KabKota, 2026, 1, 0))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.store.ActOnReport(ctx, reportActor(w.sal), w.sal, "33.73", 2026, 1, spm.ReportSubmit, "", r.Version); err != nil {
			t.Fatal(err)
		}
		half := spm.ReportInput{Region: "33", Year: 2026, Quarter: 1, RencanaAksi: "Rencana."}
		if _, err := w.store.SaveReport(ctx, reportActor(w.jateng), w.jateng, half); err != nil {
			t.Fatal(err)
		}
		// Another province's report stays out of Jawa Tengah's listing.
		if _, err := w.store.SaveReport(ctx, reportActor(w.mks), w.mks, fullReport("73.71", spm.KabKota, 2026, 1, 0)); err != nil {
			t.Fatal(err)
		}
		w.now = time.Date(2026, 4, 25, 9, 0, 0, 0, time.UTC)
		list, err := w.store.ReportList(ctx, w.verJateng, "33", 2026, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1+len(ix.Children("33")) || list[0].Region != "33" || list[0].Level != spm.Provinsi {
			t.Fatalf("%d reports, first %+v", len(list), list[0])
		}
		stored := 0
		for _, s := range list {
			switch s.Region {
			case "33.73":
				if s.Status != spm.ReportSubmitted || s.SubmittedByName != "Nama perencana.salatiga" || s.SubmittedAt == nil ||
					s.Percent != 100 || s.Late || s.DaysLeft != -5 || s.Deadline != "2026-04-20" {
					t.Errorf("Salatiga: %+v", s)
				}
			case "33":
				if s.Status != spm.ReportDraft || s.ID == 0 || s.Percent != 4 || !s.Late {
					t.Errorf("Jawa Tengah: %+v", s)
				}
			default:
				if s.Status != spm.ReportDraft || s.ID != 0 || s.Percent != 0 || !s.Late || s.Level != spm.KabKota {
					t.Errorf("%s: %+v", s.Region, s)
				}
			}
			if s.ID != 0 {
				stored++
			}
		}
		if stored != 2 {
			t.Errorf("%d stored reports listed in Jawa Tengah", stored)
		}
		national, err := w.store.ReportList(ctx, w.national, "", 2026, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(national) != ix.Count(wilayah.Province)+ix.Count(wilayah.Regency) || national[0].Level != spm.Provinsi ||
			national[1].Level != spm.KabKota || national[1].Region.Province() != national[0].Region {
			t.Errorf("national: %d reports, %+v", len(national), national[:2])
		}
		own, err := w.store.ReportList(ctx, w.sal, "", 2026, 1)
		if err != nil || len(own) != 1 || own[0].Region != "33.73" {
			t.Errorf("a kab/kota's own listing: %+v, %v", own, err)
		}
		_, err = w.store.ReportList(ctx, w.mks, "33", 2026, 1)
		wantReportErr(t, "another province's listing", err, apperr.NotFound, "")
	})
}

// While a report is under review or locked, the region's entered figures
// of that quarter stay as submitted; another quarter stays open, and a
// returned report opens its own again.
func TestReportClosesAggregates(t *testing.T) {
	forReportEngines(t, func(t *testing.T, w *reportWorld) {
		ctx := context.Background()
		enter := func(quarter, version int) (spm.Aggregate, error) {
			return w.store.EnterAggregate(ctx, reportActor(w.sal), w.sal, spm.AggregateInput{Region: "33.73",
				Jenis: string(spm.LansiaLuarPanti), Year: 2026, Quarter: quarter, X: new(1), Y: new(4), Source: "Rekap", Version: version})
		}
		if _, err := enter(1, 0); err != nil {
			t.Fatal(err)
		}
		r, err := w.store.SaveReport(ctx, reportActor(w.sal), w.sal, fullReport("33.73", spm.KabKota, 2026, 1, 0))
		if err != nil {
			t.Fatal(err)
		}
		if r, err = w.store.ActOnReport(ctx, reportActor(w.sal), w.sal, "33.73", 2026, 1, spm.ReportSubmit, "", r.Version); err != nil {
			t.Fatal(err)
		}
		_, err = enter(1, 1)
		wantReportErr(t, "a change to a submitted quarter", err, apperr.Conflict, spm.CodePeriodClosed)
		err = w.store.DeleteAggregate(ctx, reportActor(w.sal), w.sal, "33.73", string(spm.LansiaLuarPanti), 2026, 1, 1)
		wantReportErr(t, "a removal from a submitted quarter", err, apperr.Conflict, spm.CodePeriodClosed)
		if _, err := enter(2, 0); err != nil {
			t.Errorf("the next quarter: %v", err)
		}
		if _, err = w.store.ActOnReport(ctx, reportActor(w.verJateng), w.verJateng, "33.73", 2026, 1, spm.ReportReturn,
			"Angka lansia belum sesuai rekap.", r.Version); err != nil {
			t.Fatal(err)
		}
		if _, err := enter(1, 1); err != nil {
			t.Errorf("after the return: %v", err)
		}
	})
}

package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/spm"
	"github.com/layan-id/layan/internal/web"
	"github.com/layan-id/layan/internal/wilayah"
)

// The quarterly SPM report through the API and the pages, on both engines:
// the demo planner of Kota Salatiga (33.73) writes and submits, the demo
// verifier of Jawa Tengah (33) returns, verifies and locks, the national
// viewer only reads. The demo clock is real time, so the tests report on
// the last quarter that has ended.

// endedQuarter is the quarter before today's, as the server's clock sees
// it: over, so a report of it may be submitted.
func endedQuarter() (year, quarter int) {
	now := time.Now()
	year, quarter = now.Year(), (int(now.Month())-1)/3
	if quarter == 0 {
		return year - 1, 4
	}
	return year, quarter
}

// runningQuarter is today's quarter: it may be drafted, not submitted.
func runningQuarter() (year, quarter int) {
	now := time.Now()
	return now.Year(), (int(now.Month())-1)/3 + 1
}

func reportQuery(region string, year, quarter int) string {
	return fmt.Sprintf("region=%s&year=%d&quarter=%d", region, year, quarter)
}

func rupiahOf(n int64) *int64 { return &n }

// fullReportInput is every required part of a report of region's level.
func fullReportInput(region string, level spm.Level, year, quarter, version int) spm.ReportInput {
	in := spm.ReportInput{Region: region, Year: year, Quarter: quarter, Version: version,
		RencanaAksi: "Pendataan ulang PPKS bersama TKSK dan puskesos di setiap kelurahan."}
	for _, svc := range spm.ServicesOf(level) {
		in.Jenis = append(in.Jenis, spm.ReportJenis{Jenis: svc.Jenis, Permasalahan: "Data belum padan dengan DTSEN.",
			Solusi: "Verifikasi lapangan oleh pekerja sosial.", AnggaranRencana: rupiahOf(250_000_000),
			AnggaranRealisasi: rupiahOf(60_000_000)})
	}
	for _, tp := range spm.Tahapan {
		done := tp != spm.TahapPelaksanaan
		in.Tahapan = append(in.Tahapan, spm.ReportTahap{Tahap: tp, Done: &done, Note: "Anggaran perubahan belum disahkan."})
	}
	return in
}

// fullReportForm is the page's form with every required part of a
// kab/kota's report, the amounts typed as people type them.
func fullReportForm(region string, year, quarter, version int) url.Values {
	f := url.Values{"region": {region}, "year": {strconv.Itoa(year)}, "quarter": {strconv.Itoa(quarter)},
		"version": {strconv.Itoa(version)}, "rencana_aksi": {"Pendataan ulang PPKS di setiap kelurahan."}}
	for _, svc := range spm.ServicesOf(spm.KabKota) {
		p := "jenis." + string(svc.Jenis) + "."
		f.Set(p+"permasalahan", "Data belum padan dengan DTSEN.")
		f.Set(p+"solusi", "Verifikasi lapangan.")
		f.Set(p+"anggaran_rencana", "Rp 250.000.000")
		f.Set(p+"anggaran_realisasi", "0")
	}
	for _, tp := range spm.Tahapan {
		f.Set("tahapan."+string(tp)+".done", "ya")
		f.Set("tahapan."+string(tp)+".note", "")
	}
	return f
}

// readReport reads a report through the API as role, expecting it.
func readReport(t *testing.T, h *harness, role access.Role, query string) spm.Report {
	t.Helper()
	r := h.api(t, role, "GET", "/api/v1/spm/reports?"+query, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("report ?%s as %s: %d %s", query, role, r.Status, r.Body)
	}
	var rep spm.Report
	r.decode(t, &rep)
	return rep
}

// reportStep sends a step of the workflow through the API.
func reportStep(t *testing.T, h *harness, role access.Role, region string, year, quarter int, action spm.ReportAction,
	reason string, version int) apiResponse {
	t.Helper()
	return h.api(t, role, "POST", "/api/v1/spm/reports/actions", map[string]any{"region": region, "year": year,
		"quarter": quarter, "action": action, "reason": reason, "version": version})
}

// stepOK sends a step that must succeed and returns the report after it.
func stepOK(t *testing.T, h *harness, role access.Role, region string, year, quarter int, action spm.ReportAction,
	reason string, version int) spm.Report {
	t.Helper()
	r := reportStep(t, h, role, region, year, quarter, action, reason, version)
	if r.Status != http.StatusOK {
		t.Fatalf("%s as %s: %d %s", action, role, r.Status, r.Body)
	}
	var rep spm.Report
	r.decode(t, &rep)
	return rep
}

// expectRefusal checks a problem's status and code.
func expectReportRefusal(t *testing.T, what string, r apiResponse, status int, code string) {
	t.Helper()
	p := expectProblem(t, r, status, "")
	if p.Code != code {
		t.Errorf("%s: code %q, want %q (%s)", what, p.Code, code, r.Body)
	}
}

// tallyCases adds to the casework's counts of a region for a quarter, as
// the steps of its cases do.
func tallyCases(t *testing.T, h *harness, region string, jenis spm.Jenis, year, quarter, yIn, xIn int) {
	t.Helper()
	_, err := h.db.Exec(context.Background(), `INSERT INTO spm_tally (region_code, jenis, year, quarter, province_code, y_in, y_out, x_in)
		VALUES (?, ?, ?, ?, ?, ?, 0, ?) ON CONFLICT (region_code, jenis, year, quarter)
		DO UPDATE SET y_in = spm_tally.y_in + excluded.y_in, x_in = spm_tally.x_in + excluded.x_in`,
		region, string(jenis), year, quarter, region[:2], yIn, xIn)
	if err != nil {
		t.Fatal(err)
	}
}

// makassarPlanner adds a planner of Kota Makassar with a token, keyed in
// h.tokens by the returned key.
func makassarPlanner(t *testing.T, h *harness) access.Role {
	t.Helper()
	ctx := context.Background()
	u, _, err := access.CreateUser(ctx, h.db, audit.System("test"), access.Scope{All: true},
		access.UserInput{Username: "perencana.makassar", FullName: "Perencana Makassar (uji)", Role: access.Planner, Region: "73.71"})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := access.CreateToken(ctx, h.db, u.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	const key access.Role = "planner.makassar"
	h.tokens[key] = tok
	return key
}

// The whole life of Kota Salatiga's report through the API: written and
// submitted by its planner, returned with a reason and resubmitted,
// verified and locked by the province; its figures frozen from submission
// while cases and aggregates would move them; reopened only with a reason.
func TestReportAPIWorkflow(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		year, quarter := endedQuarter()
		q := reportQuery("33.73", year, quarter)
		// Disabilitas entered as an aggregate before the submission counts live.
		agg := map[string]any{"region": "33.73", "jenis": "disabilitas_luar_panti", "year": year, "quarter": quarter,
			"x": 2, "y": 3, "source": "Rekap manual Dinas Sosial Kota Salatiga", "version": 0}
		if r := h.api(t, access.Planner, "PUT", "/api/v1/spm/aggregates", agg); r.Status != http.StatusOK {
			t.Fatalf("aggregate: %d %s", r.Status, r.Body)
		}
		rep := readReport(t, h, access.Planner, q)
		// Nothing written: filled only where the casework's spending fills
		// a budget line (spm.Store's prefill, issue 6 point 4).
		prefilled := 0
		for _, j := range rep.Jenis {
			if j.AnggaranRealisasiPrefilled {
				prefilled++
			}
		}
		if rep.ID != 0 || rep.Version != 0 || rep.Status != spm.ReportDraft || rep.Frozen || rep.Keterisian.Filled != prefilled ||
			rep.Keterisian.Required != 25 || len(rep.Jenis) != 5 || len(rep.Tahapan) != 4 || rep.RegionName != "Kota Salatiga" {
			t.Errorf("empty draf: %+v", rep)
		}
		if f := figureOf(t, rep.Capaian, spm.DisabilitasLuarPanti); f.Source != "aggregate" || f.X != 2 || f.Y != 3 {
			t.Errorf("live aggregate: %+v", f)
		}
		if d, _ := spm.DaysLeft(time.Now().Format(time.DateOnly), rep.Deadline); d != rep.DaysLeft {
			t.Errorf("deadline %s, %d days left", rep.Deadline, rep.DaysLeft)
		}

		r := h.api(t, access.Planner, "PUT", "/api/v1/spm/reports", fullReportInput("33.73", spm.KabKota, year, quarter, 0))
		if r.Status != http.StatusOK {
			t.Fatalf("save: %d %s", r.Status, r.Body)
		}
		r.decode(t, &rep)
		if rep.Version != 1 || !rep.Keterisian.Complete() || rep.Keterisian.Percent != 100 || rep.Jenis[0].AnggaranRencana == nil ||
			*rep.Jenis[0].AnggaranRencana != 250_000_000 || rep.Tahapan[3].Done == nil || *rep.Tahapan[3].Done {
			t.Errorf("saved: %+v", rep)
		}

		rep = stepOK(t, h, access.Planner, "33.73", year, quarter, spm.ReportSubmit, "", rep.Version)
		if rep.Status != spm.ReportSubmitted || !rep.Frozen || rep.SnapshotAt == nil || rep.SubmittedAt == nil || rep.SubmittedBy == nil {
			t.Errorf("submitted: %+v", rep)
		}
		submitted := rep.Capaian
		// The figures of a submitted quarter: no aggregate changes them, and
		// the cases that move on leave the report as submitted.
		agg["version"], agg["x"] = 1, 3
		expectReportRefusal(t, "an aggregate of a submitted quarter", h.api(t, access.Planner, "PUT", "/api/v1/spm/aggregates", agg),
			http.StatusConflict, spm.CodePeriodClosed)
		tallyCases(t, h, "33.73", spm.LansiaLuarPanti, year, quarter, 5, 2)
		rep = readReport(t, h, access.Verifier, q)
		if !rep.Frozen || !reflect.DeepEqual(rep.Capaian, submitted) {
			t.Errorf("the submitted figures moved:\n%+v\n%+v", rep.Capaian, submitted)
		}
		live := achievement(t, h, access.Verifier, q)
		if l, s := figureOf(t, live, spm.LansiaLuarPanti), figureOf(t, submitted, spm.LansiaLuarPanti); l.Y != s.Y+5 || l.X != s.X+2 {
			t.Errorf("live %+v, submitted %+v", l, s)
		}

		// The province returns it: a reason first.
		p := expectProblem(t, reportStep(t, h, access.Verifier, "33.73", year, quarter, spm.ReportReturn, " ", rep.Version),
			http.StatusUnprocessableEntity, "reason")
		if p.Code != spm.CodeReasonRequired {
			t.Errorf("return without a reason: code %q", p.Code)
		}
		const why = "Realisasi anggaran lansia belum sesuai SP2D."
		rep = stepOK(t, h, access.Verifier, "33.73", year, quarter, spm.ReportReturn, why, rep.Version)
		if rep.Status != spm.ReportDraft || rep.Frozen || rep.Reason != why || rep.SubmittedAt != nil {
			t.Errorf("returned: %+v", rep)
		}
		if f := figureOf(t, rep.Capaian, spm.LansiaLuarPanti); f.Y != figureOf(t, live, spm.LansiaLuarPanti).Y {
			t.Errorf("a returned draf shows %+v, not the live figures", f)
		}

		rep = stepOK(t, h, access.Planner, "33.73", year, quarter, spm.ReportSubmit, "", rep.Version)
		rep = stepOK(t, h, access.Verifier, "33.73", year, quarter, spm.ReportVerify, "", rep.Version)
		if rep.Status != spm.ReportVerified || rep.VerifiedAt == nil {
			t.Errorf("verified: %+v", rep)
		}
		rep = stepOK(t, h, access.Verifier, "33.73", year, quarter, spm.ReportLock, "", rep.Version)
		locked := rep
		if rep.Status != spm.ReportLocked || rep.LockedAt == nil || !rep.Frozen {
			t.Errorf("locked: %+v", rep)
		}
		saved := h.api(t, access.Planner, "PUT", "/api/v1/spm/reports", fullReportInput("33.73", spm.KabKota, year, quarter, rep.Version))
		expectReportRefusal(t, "an edit of a locked report", saved, http.StatusConflict, spm.CodeReportLocked)
		tallyCases(t, h, "33.73", spm.AnakLuarPanti, year, quarter, 4, 4)
		if again := readReport(t, h, access.National, q); !reflect.DeepEqual(again.Capaian, locked.Capaian) {
			t.Errorf("the locked figures moved:\n%+v\n%+v", again.Capaian, locked.Capaian)
		}

		// Who submitted, when, whether late: the province's listing.
		var list struct{ Items []spm.ReportSummary }
		r = h.api(t, access.Verifier, "GET", "/api/v1/spm/report-status?region=33&year="+itoa(year)+"&quarter="+itoa(quarter), nil)
		if r.Status != http.StatusOK {
			t.Fatalf("status: %d %s", r.Status, r.Body)
		}
		r.decode(t, &list)
		i := slices.IndexFunc(list.Items, func(s spm.ReportSummary) bool { return s.Region == "33.73" })
		if len(list.Items) < 2 || list.Items[0].Region != "33" || i < 0 {
			t.Fatalf("listing: %+v", list.Items)
		}
		if s := list.Items[i]; s.Status != spm.ReportLocked || s.SubmittedAt == nil || s.SubmittedByName == "" || s.Percent != 100 ||
			s.Late != (time.Now().Format(time.DateOnly) > s.Deadline) {
			t.Errorf("Kota Salatiga in the listing: %+v", s)
		}

		// Reopening undoes what was reported: only with a reason.
		p = expectProblem(t, reportStep(t, h, access.Verifier, "33.73", year, quarter, spm.ReportReopen, "", rep.Version),
			http.StatusUnprocessableEntity, "reason")
		if p.Code != spm.CodeReasonRequired {
			t.Errorf("reopen without a reason: code %q", p.Code)
		}
		rep = stepOK(t, h, access.Verifier, "33.73", year, quarter, spm.ReportReopen, "Ada kasus yang terlambat dicatat.", rep.Version)
		if rep.Status != spm.ReportDraft || rep.Frozen || rep.LockedAt != nil {
			t.Errorf("reopened: %+v", rep)
		}

		var history struct{ Items []spm.ReportEvent }
		r = h.api(t, access.National, "GET", "/api/v1/spm/reports/history?"+q, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("history: %d %s", r.Status, r.Body)
		}
		r.decode(t, &history)
		var actions []spm.ReportAction
		for _, e := range history.Items {
			actions = append(actions, e.Action)
		}
		want := []spm.ReportAction{spm.ReportSubmit, spm.ReportReturn, spm.ReportSubmit, spm.ReportVerify, spm.ReportLock, spm.ReportReopen}
		if !slices.Equal(actions, want) {
			t.Fatalf("history %v, want %v", actions, want)
		}
		if kept, err := history.Items[5].Report(); err != nil || kept.Status != spm.ReportLocked || !reflect.DeepEqual(kept.Capaian, locked.Capaian) {
			t.Errorf("the reopening kept %+v, %v", kept.Status, err)
		}
		if e := history.Items[1]; e.Reason != why || e.ActorName != h.accounts[access.Verifier].Username {
			t.Errorf("the return: %+v", e)
		}
	})
}

// Who may take which step, and what bad input answers.
func TestReportAPIRefusals(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		year, quarter := endedQuarter()
		q := reportQuery("33.73", year, quarter)
		makassar := makassarPlanner(t, h)

		// Nothing stored: a submission is incomplete, a review has nothing
		// to review.
		expectReportRefusal(t, "an empty draf submitted", reportStep(t, h, access.Planner, "33.73", year, quarter, spm.ReportSubmit, "", 0),
			http.StatusConflict, spm.CodeIncomplete)

		// Bad input names the field.
		bad := fullReportInput("33.73", spm.KabKota, year, quarter, 0)
		bad.Jenis[1].AnggaranRealisasi = rupiahOf(-5)
		expectProblem(t, h.api(t, access.Planner, "PUT", "/api/v1/spm/reports", bad), http.StatusUnprocessableEntity,
			"jenis.anak_luar_panti.anggaran_realisasi")
		bad = fullReportInput("33.73", spm.KabKota, year, quarter, 0)
		bad.Tahapan[2].Tahap = ""
		expectProblem(t, h.api(t, access.Planner, "PUT", "/api/v1/spm/reports", bad), http.StatusUnprocessableEntity, "tahapan")
		bad = fullReportInput("33.73", spm.KabKota, year, quarter, 0)
		bad.Jenis[0].Jenis = spm.AnakDalamPanti // a province's jenis
		expectProblem(t, h.api(t, access.Planner, "PUT", "/api/v1/spm/reports", bad), http.StatusUnprocessableEntity, "jenis")
		expectProblem(t, h.api(t, access.Planner, "PUT", "/api/v1/spm/reports", `{"region":"33.73","year":2025,"quarter":1,"rupiah":1}`),
			http.StatusBadRequest, "rupiah")
		for _, c := range []struct{ query, field string }{
			{"region=33.73&year=" + itoa(year), "quarter"},
			{"region=33.73&quarter=1", "year"},
			{"year=" + itoa(year) + "&quarter=1", "region"},
			{"region=33.73&year=" + itoa(year) + "&quarter=5", "quarter"},
			{"region=33.73.04&year=" + itoa(year) + "&quarter=1", "region"},
		} {
			expectProblem(t, h.api(t, access.Planner, "GET", "/api/v1/spm/reports?"+c.query, nil), http.StatusBadRequest, c.field)
		}
		expectProblem(t, reportStep(t, h, access.Planner, "33.73", year, quarter, "approve", "", 0), http.StatusBadRequest, "action")
		if n := countRows(t, h, "SELECT COUNT(*) FROM spm_report"); n != 0 {
			t.Fatalf("refused input stored %d reports", n)
		}

		r := h.api(t, access.Planner, "PUT", "/api/v1/spm/reports", fullReportInput("33.73", spm.KabKota, year, quarter, 0))
		if r.Status != http.StatusOK {
			t.Fatalf("save: %d %s", r.Status, r.Body)
		}
		expectReportRefusal(t, "a second first save", h.api(t, access.Planner, "PUT", "/api/v1/spm/reports",
			fullReportInput("33.73", spm.KabKota, year, quarter, 0)), http.StatusConflict, spm.CodeStaleVersion)
		// Wrong role, wrong region.
		for _, c := range []struct {
			name   string
			role   access.Role
			action spm.ReportAction
			status int
			code   string
		}{
			{"the national viewer submits", access.National, spm.ReportSubmit, http.StatusForbidden, spm.CodePlannerRequired},
			{"the verifier submits", access.Verifier, spm.ReportSubmit, http.StatusForbidden, spm.CodePlannerRequired},
			{"the planner verifies", access.Planner, spm.ReportVerify, http.StatusForbidden, spm.CodeVerifierRequired},
			{"the deployment's admin returns a kab/kota report", access.Admin, spm.ReportReturn, http.StatusForbidden, spm.CodeVerifierRequired},
			{"a planner of Kota Makassar", makassar, spm.ReportSubmit, http.StatusNotFound, ""},
			{"the verifier verifies a draf", access.Verifier, spm.ReportVerify, http.StatusConflict, spm.CodeNotSubmitted},
		} {
			expectReportRefusal(t, c.name, reportStep(t, h, c.role, "33.73", year, quarter, c.action, "Alasan.", 1), c.status, c.code)
		}
		expectReportRefusal(t, "the verifier writes", h.api(t, access.Verifier, "PUT", "/api/v1/spm/reports",
			fullReportInput("33.73", spm.KabKota, year, quarter, 1)), http.StatusForbidden, "")
		expectReportRefusal(t, "the national viewer writes", h.api(t, access.National, "PUT", "/api/v1/spm/reports",
			fullReportInput("33.73", spm.KabKota, year, quarter, 1)), http.StatusForbidden, "")
		expectProblem(t, h.api(t, makassar, "PUT", "/api/v1/spm/reports", fullReportInput("33.73", spm.KabKota, year, quarter, 1)),
			http.StatusNotFound, "")
		for _, path := range []string{"/api/v1/spm/reports?", "/api/v1/spm/reports/history?", "/api/v1/spm/report-status?"} {
			expectProblem(t, h.api(t, makassar, "GET", path+q, nil), http.StatusNotFound, "")
			expectProblem(t, h.api(t, access.Worker, "GET", path+q, nil), http.StatusForbidden, "")
		}
		// The quarter still running may be drafted, not submitted.
		ry, rq := runningQuarter()
		r = h.api(t, access.Planner, "PUT", "/api/v1/spm/reports", fullReportInput("33.73", spm.KabKota, ry, rq, 0))
		if r.Status != http.StatusOK {
			t.Fatalf("draft of the running quarter: %d %s", r.Status, r.Body)
		}
		expectReportRefusal(t, "the running quarter submitted", reportStep(t, h, access.Planner, "33.73", ry, rq, spm.ReportSubmit, "", 1),
			http.StatusConflict, spm.CodeQuarterNotEnded)
		if n := countRows(t, h, "SELECT COUNT(*) FROM spm_report_event"); n != 0 {
			t.Errorf("%d events of refused steps", n)
		}
		// The planner's own listing: Kota Salatiga alone.
		var list struct{ Items []spm.ReportSummary }
		r = h.api(t, access.Planner, "GET", "/api/v1/spm/report-status?year="+itoa(year)+"&quarter="+itoa(quarter), nil)
		if r.Status != http.StatusOK {
			t.Fatalf("own listing: %d %s", r.Status, r.Body)
		}
		r.decode(t, &list)
		if len(list.Items) != 1 || list.Items[0].Region != "33.73" || list.Items[0].Percent != 100 {
			t.Errorf("own listing: %+v", list.Items)
		}
	})
}

// The report pages as their users use them: the planner's form, refused
// input coming back with its message, the submission; the verifier's
// review buttons and a refused return; the national viewer refused a step;
// the listing of who reported; no raw key, no broken id.
func TestReportPages(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		rawKey := regexp.MustCompile(`>\s*(spm|spmreport|spmreportui|field|nav)\.[a-z_.]+\s*<|%!`)
		year, quarter := endedQuarter()
		q := reportQuery("33.73", year, quarter)
		for _, lang := range []string{"id", "en"} {
			planner, verifier, national := h.browser(access.Planner), h.browser(access.Verifier), h.browser(access.National)
			for _, c := range []*http.Client{planner, verifier, national} {
				if status, _ := h.page(t, c, "POST", "/lang", url.Values{"lang": {lang}, "next": {"/"}}); status >= 400 {
					t.Fatalf("lang: %d", status)
				}
			}
			check := func(who, page string) {
				t.Helper()
				if m := rawKey.FindString(page); m != "" {
					t.Errorf("%s %s: shows %q", lang, who, m)
				}
				checkPageIDs(t, lang+" "+who, page)
			}
			say := func(id, en string) string { return map[string]string{"id": id, "en": en}[lang] }

			// The SPM page leads to the report and, for a province, to who reported.
			if _, page := h.page(t, planner, "GET", "/spm", nil); !strings.Contains(page, `href="/spm/report?`) || strings.Contains(page, `href="/spm/reports?`) {
				t.Errorf("%s: the planner's SPM page links:\n%.2000s", lang, page)
			}
			if _, page := h.page(t, verifier, "GET", "/spm", nil); !strings.Contains(page, `href="/spm/reports?`) || !strings.Contains(page, `href="/spm/report?`) {
				t.Errorf("%s: the verifier's SPM page links", lang)
			}
			if _, page := h.page(t, national, "GET", "/spm", nil); !strings.Contains(page, `href="/spm/reports?`) {
				t.Errorf("%s: the national SPM page links", lang)
			}

			// The planner's form, empty or as stored.
			rep := readReport(t, h, access.Planner, q)
			status, page := h.page(t, planner, "GET", "/spm/report", nil)
			if status != http.StatusOK || !strings.Contains(page, "Kota Salatiga") || !strings.Contains(page, `method="post" action="/spm/report"`) ||
				!strings.Contains(page, `name="jenis.anak_luar_panti.anggaran_realisasi"`) || !strings.Contains(page, `name="tahapan.pelaksanaan.done"`) {
				t.Fatalf("%s: the planner's report page: %d\n%.3000s", lang, status, page)
			}
			check("planner", page)
			if rep.Status == spm.ReportDraft && !rep.Keterisian.Complete() &&
				!strings.Contains(page, `href="#f-jenis-anak_luar_panti-permasalahan"`) {
				t.Errorf("%s: the keterisian list does not lead to the empty field", lang)
			}

			// Refused input comes back with the message and the values typed.
			form := fullReportForm("33.73", year, quarter, rep.Version)
			form.Set("jenis.anak_luar_panti.anggaran_realisasi", "-5")
			form.Set("rencana_aksi", "Rencana aksi yang diketik.")
			status, page = h.page(t, planner, "POST", "/spm/report", form)
			if status != http.StatusUnprocessableEntity || !strings.Contains(page, say("Anggaran tidak boleh negatif.", "A budget cannot be negative.")) ||
				!strings.Contains(page, `value="-5"`) || !strings.Contains(page, "Rencana aksi yang diketik.") {
				t.Errorf("%s: negative Rupiah: %d\n%.3000s", lang, status, page)
			}
			check("refused save", page)
			form.Set("jenis.anak_luar_panti.anggaran_realisasi", "2,5 juta")
			status, page = h.page(t, planner, "POST", "/spm/report", form)
			if status != http.StatusUnprocessableEntity || !strings.Contains(page, say("Rupiah utuh, misalnya", "whole Rupiah, such as")) {
				t.Errorf("%s: an amount in words: %d", lang, status)
			}
			form.Set("jenis.anak_luar_panti.anggaran_realisasi", "60.000.000")
			if status, _ = h.page(t, planner, "POST", "/spm/report", form); status != http.StatusSeeOther {
				t.Fatalf("%s: save: %d", lang, status)
			}
			rep = readReport(t, h, access.Planner, q)
			if a := rep.Jenis[1].AnggaranRealisasi; a == nil || *a != 60_000_000 || !rep.Keterisian.Complete() ||
				*rep.Jenis[0].AnggaranRencana != 250_000_000 {
				t.Errorf("%s: saved from the page: %+v", lang, rep.Jenis)
			}
			_, page = h.page(t, planner, "GET", "/spm/report?"+q+"&done=save", nil)
			if !strings.Contains(page, say("Draf tersimpan.", "Draft saved.")) || !strings.Contains(page, say(`value="250.000.000"`, `value="250,000,000"`)) {
				t.Errorf("%s: after the save:\n%.3000s", lang, page)
			}

			// The national viewer may read, not submit.
			step := url.Values{"region": {"33.73"}, "year": {itoa(year)}, "quarter": {itoa(quarter)}, "action": {"submit"},
				"version": {itoa(rep.Version)}}
			status, page = h.page(t, national, "POST", "/spm/report/actions", step)
			if status != http.StatusForbidden || !strings.Contains(page, say("Hanya perencana SPM daerah ini", "Only an SPM planner of this region")) {
				t.Errorf("%s: the national viewer submits: %d\n%.2000s", lang, status, page)
			}
			check("national refused", page)
			if status, _ = h.page(t, planner, "POST", "/spm/report/actions", step); status != http.StatusSeeOther {
				t.Fatalf("%s: submit: %d", lang, status)
			}
			rep = readReport(t, h, access.Planner, q)
			if rep.Status != spm.ReportSubmitted {
				t.Fatalf("%s: after the submission: %s", lang, rep.Status)
			}
			_, page = h.page(t, planner, "GET", "/spm/report?"+q, nil)
			if strings.Contains(page, `method="post" action="/spm/report"`) || !strings.Contains(page, say("Dibekukan", "Frozen")) {
				t.Errorf("%s: a submitted report is still a form for the planner", lang)
			}
			check("submitted", page)

			// The verifier reviews: the buttons, a return refused without a reason.
			status, page = h.page(t, verifier, "GET", "/spm/report?"+q, nil)
			if status != http.StatusOK || !strings.Contains(page, `name="action" value="return"`) || !strings.Contains(page, `name="action" value="verify"`) ||
				strings.Contains(page, `value="submit"`) || strings.Contains(page, `method="post" action="/spm/report"`) {
				t.Errorf("%s: the verifier's page: %d\n%.3000s", lang, status, page)
			}
			check("verifier", page)
			ret := url.Values{"region": {"33.73"}, "year": {itoa(year)}, "quarter": {itoa(quarter)}, "action": {"return"},
				"version": {itoa(rep.Version)}, "reason": {" "}}
			status, page = h.page(t, verifier, "POST", "/spm/report/actions", ret)
			if status != http.StatusUnprocessableEntity || !strings.Contains(page, say("Tuliskan alasannya.", "Give the reason.")) {
				t.Errorf("%s: a return without a reason: %d\n%.3000s", lang, status, page)
			}
			check("refused return", page)

			// Who reported: Kota Salatiga submitted, in the province's listing.
			status, page = h.page(t, verifier, "GET", "/spm/reports?region=33&year="+itoa(year)+"&quarter="+itoa(quarter), nil)
			if status != http.StatusOK || !strings.Contains(page, "Kota Salatiga</a>") || !strings.Contains(page, say("Diajukan", "Submitted")) ||
				!strings.Contains(page, `href="/spm/report?quarter=`) {
				t.Errorf("%s: the province's listing: %d\n%.3000s", lang, status, page)
			}
			check("listing", page)
			status, page = h.page(t, national, "GET", "/spm/reports?year="+itoa(year)+"&quarter="+itoa(quarter), nil)
			if status != http.StatusOK || !strings.Contains(page, "Aceh</a>") || !strings.Contains(page, "Kota Salatiga</a>") {
				t.Errorf("%s: the national listing: %d", lang, status)
			}
			check("national listing", page)
			if status, _ = h.page(t, national, "GET", "/spm/report", nil); status != http.StatusSeeOther {
				t.Errorf("%s: the national viewer's own report: %d, want the listing", lang, status)
			}
			if status, _ = h.page(t, planner, "GET", "/spm/report?region=73.71", nil); status != http.StatusNotFound {
				t.Errorf("%s: the planner opened Makassar's report: %d", lang, status)
			}

			// Returned with a reason: a draf again, for the next language.
			ret.Set("reason", "Realisasi anggaran perlu dicek ulang.")
			if status, _ = h.page(t, verifier, "POST", "/spm/report/actions", ret); status != http.StatusSeeOther {
				t.Fatalf("%s: return: %d", lang, status)
			}
			_, page = h.page(t, planner, "GET", "/spm/report?"+q, nil)
			if !strings.Contains(page, "Realisasi anggaran perlu dicek ulang.") || !strings.Contains(page, `method="post" action="/spm/report"`) {
				t.Errorf("%s: the returned report:\n%.3000s", lang, page)
			}
			check("returned", page)
		}
	})
}

// The report's messages exist in both languages.
func TestReportCatalogKeys(t *testing.T) {
	keys := map[string]bool{}
	catalogKeys(t, keys, `"((?:spm|spmreport|spmreportui|field|error|nav)\.[a-z_.]+)"`,
		"spm_report.go", "templates/spm_report.html", "templates/spm_reports.html")
	for _, s := range spm.ReportStatuses {
		keys["spmreport.status."+string(s)] = true
	}
	for _, a := range spm.ReportActions {
		keys["spmreportui.done."+string(a)] = true
		keys["spmreport.action."+string(a)] = true
		if a != spm.ReportSave {
			keys["spmreportui.step_hint."+string(a)] = true
			keys["audit.action."+string(a)] = true
		}
	}
	for _, tp := range spm.Tahapan {
		keys["spmreport.tahap."+string(tp)] = true
	}
	for _, part := range []string{"permasalahan", "solusi", "anggaran_rencana", "anggaran_realisasi", "rencana_aksi", "tahap_done", "tahap_note"} {
		keys["spmreportui.part."+part] = true
	}
	for _, l := range []spm.Level{spm.Provinsi, spm.KabKota} {
		keys["spmreportui.level."+string(l)] = true
	}
	for _, c := range []string{spm.CodePlannerRequired, spm.CodeNotYourRegion, spm.CodeVerifierRequired, spm.CodeNotYourProvince,
		spm.CodeReportLocked, spm.CodeUnderReview, spm.CodeAlreadySubmitted, spm.CodeQuarterNotEnded, spm.CodeIncomplete,
		spm.CodeNotSubmitted, spm.CodeAlreadyVerified, spm.CodeNotVerified, spm.CodeAlreadyLocked, spm.CodeAlreadyDraft,
		spm.CodeStaleVersion, spm.CodeFiguresChanged, spm.CodePeriodClosed, spm.CodeReasonRequired} {
		keys["spmreport.refused."+c] = true
	}
	expectKeys(t, keys, 80)
}

// ---- The role × route matrix's requests (roles_test.go) ----

// reportMatrixPeriod is the quarter the matrix reports on: the fourth of
// last year, over, and apart from the quarter the matrix enters SPM
// aggregates in (a submitted report closes its quarter's aggregates).
func reportMatrixPeriod() (year, quarter int) { return time.Now().Year() - 1, 4 }

// reportQueryOf is a report query for a region in the caller's reach.
func reportQueryOf(_ *fixture, a actor) string {
	y, q := reportMatrixPeriod()
	return reportQuery(spmRegions[a.key], y, q)
}

// reportStepRoles take steps of the report: planners submit, verifiers
// review, admins lock and reopen; the national viewer only reads.
var reportStepRoles = []access.Role{access.Planner, access.Verifier, access.Admin}

// refusedByRole reports whether the domain refuses a's role the step of
// rt, a route naming no object, whose request lists the roles that may.
func refusedByRole(a actor, rt web.Route) bool {
	roles := requests[rt.Pattern()].roles
	return roles != nil && !slices.Contains(roles, a.role)
}

// ensureAccount returns an account of the matrix's own, made when first needed.
func (fx *fixture) ensureAccount(username string, role access.Role, region string) access.User {
	ctx := context.Background()
	if u, err := access.GetUserByName(ctx, fx.h.db, username); err == nil {
		return u
	}
	u, _, err := access.CreateUser(ctx, fx.h.db, audit.System("test"), access.Scope{All: true},
		access.UserInput{Username: username, FullName: "Akun uji " + username, Role: role, Region: wilayah.Code(region)})
	if err != nil {
		fx.t.Fatalf("account %s: %v", username, err)
	}
	return u
}

// reportAt brings a kab/kota's report of the matrix's quarter to a status
// (a draf: a complete one) through the store, as its planner, its
// province's verifier and the deployment's admin would, and returns it.
// Kota Salatiga's are the demo accounts; Kota Makassar's are made for it.
func (fx *fixture) reportAt(region string, want spm.ReportStatus) spm.Report {
	t := fx.t
	t.Helper()
	ctx := context.Background()
	st := &spm.Store{DB: fx.h.db, Regions: fx.h.regions}
	planner, verifier := fx.currentUser(fx.h.accounts[access.Planner].Username), fx.currentUser(fx.h.accounts[access.Verifier].Username)
	if region != "33.73" {
		planner = fx.ensureAccount("uji.perencana.makassar", access.Planner, region)
		verifier = fx.ensureAccount("uji.verifikator.sulsel", access.Verifier, region[:2])
	}
	admin := fx.currentUser(fx.h.accounts[access.Admin].Username)
	y, q := reportMatrixPeriod()
	act := func(u access.User, a spm.ReportAction, reason string, version int) {
		if _, err := st.ActOnReport(ctx, audit.Actor{UserID: u.ID, Name: u.Username}, u, region, y, q, a, reason, version); err != nil {
			t.Fatalf("%s of %s's report as %s: %v", a, region, u.Username, err)
		}
	}
	for range 8 {
		r, err := st.Report(ctx, admin, region, y, q)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status == want && (want != spm.ReportDraft || r.Keterisian.Complete()) {
			return r
		}
		switch r.Status {
		case spm.ReportDraft:
			if !r.Keterisian.Complete() {
				if _, err := st.SaveReport(ctx, audit.Actor{UserID: planner.ID, Name: planner.Username}, planner,
					fullReportInput(region, spm.KabKota, y, q, r.Version)); err != nil {
					t.Fatal(err)
				}
				continue
			}
			act(planner, spm.ReportSubmit, "", r.Version)
		case spm.ReportSubmitted:
			if want == spm.ReportDraft {
				act(verifier, spm.ReportReturn, "Dikembalikan untuk uji matriks.", r.Version)
			} else {
				act(verifier, spm.ReportVerify, "", r.Version)
			}
		case spm.ReportVerified:
			if want == spm.ReportLocked {
				act(verifier, spm.ReportLock, "", r.Version)
			} else {
				act(admin, spm.ReportReopen, "Dibuka kembali untuk uji matriks.", r.Version)
			}
		case spm.ReportLocked:
			act(admin, spm.ReportReopen, "Dibuka kembali untuk uji matriks.", r.Version)
		}
	}
	t.Fatalf("%s's report did not reach %s", region, want)
	return spm.Report{}
}

// reportStepFor is the step a caller takes in the matrix, on the report
// brought to where the step is valid: the planner submits Kota Salatiga's;
// the verifier returns it (page) or verifies it (API); the deployment's
// admin locks it (page) or reopens it (API), and the Sulawesi Selatan
// admin does the same with Kota Makassar's. Others (refused by their role)
// ask to submit Kota Salatiga's as it is.
func (fx *fixture) reportStepFor(a actor, page bool) (region string, action spm.ReportAction, reason string, version int) {
	region = "33.73"
	if a.key == sulselAdmin {
		region = "73.71"
	}
	var r spm.Report
	switch {
	case a.role == access.Planner:
		r, action = fx.reportAt(region, spm.ReportDraft), spm.ReportSubmit
	case a.role == access.Verifier && page:
		r, action, reason = fx.reportAt(region, spm.ReportSubmitted), spm.ReportReturn, "Lengkapi catatan tahapan."
	case a.role == access.Verifier:
		r, action = fx.reportAt(region, spm.ReportSubmitted), spm.ReportVerify
	case a.role == access.Admin && page:
		r, action = fx.reportAt(region, spm.ReportVerified), spm.ReportLock
	case a.role == access.Admin:
		r, action, reason = fx.reportAt(region, spm.ReportLocked), spm.ReportReopen, "Ada kasus yang terlambat dicatat."
	default:
		st := &spm.Store{DB: fx.h.db, Regions: fx.h.regions}
		y, q := reportMatrixPeriod()
		var err error
		if r, err = st.Report(context.Background(), access.User{Role: access.National}, region, y, q); err != nil {
			fx.t.Fatal(err)
		}
		action = spm.ReportSubmit
	}
	return region, action, reason, r.Version
}

func apiBodyReportSave(fx *fixture, a actor, _ string) any {
	y, q := reportMatrixPeriod()
	version := 0
	if a.role == access.Planner {
		version = fx.reportAt("33.73", spm.ReportDraft).Version
	}
	return fullReportInput("33.73", spm.KabKota, y, q, version)
}

func uiBodyReportSave(fx *fixture, a actor, _ string) any {
	y, q := reportMatrixPeriod()
	version := 0
	if a.role == access.Planner {
		version = fx.reportAt("33.73", spm.ReportDraft).Version
	}
	return fullReportForm("33.73", y, q, version)
}

func apiBodyReportStep(fx *fixture, a actor, _ string) any {
	y, q := reportMatrixPeriod()
	region, action, reason, version := fx.reportStepFor(a, false)
	return map[string]any{"region": region, "year": y, "quarter": q, "action": action, "reason": reason, "version": version}
}

func uiBodyReportStep(fx *fixture, a actor, _ string) any {
	y, q := reportMatrixPeriod()
	region, action, reason, version := fx.reportStepFor(a, true)
	return url.Values{"region": {region}, "year": {itoa(y)}, "quarter": {itoa(q)}, "action": {string(action)},
		"reason": {reason}, "version": {itoa(version)}}
}

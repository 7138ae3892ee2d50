package main

// The quarterly SPM report from start to lock in a real browser (issue 6,
// "done when"): the demo planner of Kota Salatiga opens the four stages
// from the SPM page, then the report of the last quarter that ended, fills
// in every part the fill rate asks for, saves and submits it; the verifier
// of Jawa Tengah
// verifies and locks it; the planner then finds it locked with no form to
// change it. The national admin opens the SPM settings. axe-core runs on
// every page (on the machinery of TestE2E, e2e_test.go).
//
//	LAYAN_TEST_CHROMIUM=/usr/bin/chromium go test ./cmd/layan/ -run E2ESPMWorkflow -count=1 -v

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/db/dbtest"
)

// lastEndedQuarter is the quarter before today's.
func lastEndedQuarter(today time.Time) (year, quarter int) {
	year, quarter = today.Year(), (int(today.Month())-1)/3
	if quarter == 0 {
		return year - 1, 4
	}
	return year, quarter
}

func TestE2ESPMWorkflow(t *testing.T) {
	env := e2eSetup(t)
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			srv, b := env.start(t, engine)
			b.step("desktop viewport", chromedp.EmulateViewport(1280, 900))
			planner, ok1 := srv.accounts[access.Planner]
			verifier, ok2 := srv.accounts[access.Verifier]
			admin, ok3 := srv.accounts[access.Admin]
			if !ok1 || !ok2 || !ok3 {
				t.Fatal("no demo planner, verifier or admin")
			}
			year, quarter := lastEndedQuarter(time.Now())
			report := fmt.Sprintf("/spm/report?region=33.73&year=%d&quarter=%d", year, quarter)
			status := func() string { return strings.TrimSpace(b.text("#h-status ~ dl dd span")) }
			act := func(who, action string) {
				b.follow(who+" "+action, chromedp.Click(chromedp.CSS(
					fmt.Sprintf(`form[action="/spm/report/actions"]:has(input[name=action][value=%s]) button[type=submit]`, action))))
			}

			// The planner: from the SPM page to the report, filled and submitted.
			b.login(planner)
			b.follow("menu /spm", chromedp.Click(chromedp.CSS(`header.top nav a[href="/spm"]`)))
			if h := b.text("main h1"); !strings.Contains(h, "Kota Salatiga") {
				t.Errorf("%s: the planner's SPM page is %q", b.where(), h)
			}
			// The four stages first: data quality, unit costs, plan, realisation.
			b.follow("the four stages", chromedp.Click(chromedp.CSS(`main a[href^="/spm/tahapan?"]`)))
			if n := eval[int](b, `document.querySelectorAll("#tahap-1, #tahap-2, #tahap-3, #tahap-4").length`); n != 4 {
				t.Errorf("%s: %d of the four stages shown", b.where(), n)
			}
			b.visit(report)
			if got := status(); got != b.tr("spmreport.status.draf") {
				t.Fatalf("%s: a new report is %q", b.where(), got)
			}
			// Every empty part of the form, as a planner would type it: the
			// texts, the Rupiah figures (unless filled in from the plan) and
			// the four stages marked done.
			filled := eval[int](b, `(() => {
				const f = document.querySelector('form[method=post][action="/spm/report"]'); let n = 0;
				for (const el of f.querySelectorAll("textarea")) if (!el.value.trim()) { el.value = "Pendataan PPKS bersama TKSK di setiap kelurahan."; n++ }
				for (const el of f.querySelectorAll("input[inputmode=numeric]")) if (!el.value.trim()) { el.value = "125000000"; n++ }
				for (const el of f.querySelectorAll("input[type=radio][value=ya]")) { el.checked = true; n++ }
				return n })()`)
			if filled < 10 {
				t.Errorf("%s: only %d fields to fill in", b.where(), filled)
			}
			b.follow("save the report", chromedp.Click(chromedp.CSS(`form[method=post][action="/spm/report"] button[type=submit]`)))
			if missing := eval[int](b, `document.querySelectorAll("main [aria-invalid=true]").length`); missing != 0 {
				t.Fatalf("%s: %d fields refused after saving", b.where(), missing)
			}
			act("the planner", "submit")
			if got := status(); got != b.tr("spmreport.status.diajukan") {
				t.Fatalf("%s: after submitting the report is %q", b.where(), got)
			}
			b.logout()

			// The province's verifier: verifies, then locks.
			b.login(verifier)
			b.visit("/spm/reports")
			b.visit(report)
			act("the verifier", "verify")
			if got := status(); got != b.tr("spmreport.status.diverifikasi") {
				t.Fatalf("%s: after verifying the report is %q", b.where(), got)
			}
			act("the verifier", "lock")
			if got := status(); got != b.tr("spmreport.status.dikunci") {
				t.Fatalf("%s: after locking the report is %q", b.where(), got)
			}
			b.logout()

			// The planner finds it locked: nothing left to change or submit.
			b.login(planner)
			b.visit(report)
			if got := status(); got != b.tr("spmreport.status.dikunci") {
				t.Errorf("%s: the planner sees %q", b.where(), got)
			}
			if n := eval[int](b, `document.querySelectorAll('form[method=post][action="/spm/report"], form[action="/spm/report/actions"]').length`); n != 0 {
				t.Errorf("%s: %d forms left on a locked report", b.where(), n)
			}
			b.logout()

			// The national admin: the SPM settings.
			b.login(admin)
			b.visit("/spm/settings")
			if n := eval[int](b, `document.querySelectorAll('form[action="/spm/settings"] button[type=submit]').length`); n != 1 {
				t.Errorf("%s: the admin has %d save buttons", b.where(), n)
			}
			b.logout()
			b.logFindings()
		})
	}
}

package main

// The SPM pages in a real browser (issue 6, tests): the national viewer
// opens the dashboard and drills down from the nation to Jawa Tengah and
// to Kota Salatiga, where the demo cases count; the workbook is downloaded
// from the page's own link and opened, and its sheets checked; the
// province's verifier opens the reporting status and Kota Salatiga's
// quarterly report, downloads its PDF from the page's link and reads it
// back, and opens the catalog. axe-core runs on every page (on the
// machinery of TestE2E, e2e_test.go).
//
//	LAYAN_TEST_CHROMIUM=/usr/bin/chromium go test ./cmd/layan/ -run E2ESPM -count=1 -v

import (
	"bytes"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/report"
)

func TestE2ESPM(t *testing.T) {
	env := e2eSetup(t)
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			srv, b := env.start(t, engine)
			b.step("desktop viewport", chromedp.EmulateViewport(1280, 900))
			national, ok1 := srv.accounts[access.National]
			verifier, ok2 := srv.accounts[access.Verifier]
			if !ok1 || !ok2 {
				t.Fatal("no demo national viewer or verifier")
			}

			b.login(national)
			b.follow("menu /spm", chromedp.Click(chromedp.CSS(`header.top nav a[href="/spm"]`)))
			if h := b.text("main h1"); !strings.Contains(h, b.tr("spm.national")) {
				t.Errorf("%s: the national viewer's SPM page is %q", b.where(), h)
			}
			if n := eval[int](b, `document.querySelectorAll("#h-spm-below ~ table tbody tr").length`); n != 38 {
				t.Errorf("%s: %d provinces listed, want 38", b.where(), n)
			}
			b.follow("drill down to Jawa Tengah", chromedp.Click(chromedp.CSS(`main table a[href*="region=33&"]`)))
			if n := eval[int](b, `document.querySelectorAll("#h-spm-below ~ table tbody tr").length`); n != 35 {
				t.Errorf("%s: %d kab/kota of Jawa Tengah listed, want 35", b.where(), n)
			}
			b.follow("drill down to Kota Salatiga", chromedp.Click(chromedp.CSS(`main table a[href*="region=33.73&"]`)))
			// The demo cases of Kota Salatiga count: someone is in Y.
			ys := eval[[]string](b, `[...document.querySelectorAll("#h-spm-jenis ~ table tbody tr td:nth-of-type(1)")].map(td => td.textContent.trim())`)
			if len(ys) != 5 || strings.Join(ys, "") == "00000" {
				t.Errorf("%s: Kota Salatiga's Y per jenis %v: the demo cases do not count", b.where(), ys)
			}

			// The workbook, fetched from the page's own link in the browser.
			href := eval[string](b, `document.querySelector('a[href^="/spm/export?"][href*="format=xlsx"]').getAttribute("href")`)
			data := eval[string](b, `fetch(`+strconv.Quote(href)+`).then(r => { if (!r.ok) throw new Error("HTTP " + r.status); return r.arrayBuffer() })
				.then(buf => { let s = ""; for (const x of new Uint8Array(buf)) s += String.fromCharCode(x); return btoa(s) })`)
			raw, err := base64.StdEncoding.DecodeString(data)
			if err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(bytes.NewReader(raw))
			if err != nil {
				t.Fatalf("%s: the downloaded workbook does not open: %v", b.where(), err)
			}
			sheets := f.GetSheetList()
			rows, _ := f.GetRows("lansia_luar_panti")
			f.Close()
			if len(sheets) != 6 || sheets[0] != "Ringkasan" || len(rows) < 6 || rows[5][1] != "33.73" || rows[5][2] != "Kota Salatiga" {
				t.Errorf("%s: the workbook of Kota Salatiga: sheets %v, lansia rows %q", b.where(), sheets, rows)
			}
			b.logout()

			// The province's verifier: who reported, a report, the catalog.
			b.login(verifier)
			b.visit("/spm/reports")
			if !strings.Contains(b.text("main"), "Kota Salatiga") {
				t.Errorf("%s: the reporting status does not list Kota Salatiga", b.where())
			}
			b.visit("/spm/report?region=33.73")
			// The official PDF, fetched from the report page's own link and
			// read back the way report's own tests read it (no outside tool).
			href = eval[string](b, `document.querySelector('a[href^="/spm/report.pdf?"]').getAttribute("href")`)
			data = eval[string](b, `fetch(`+strconv.Quote(href)+`).then(r => {
					if (!r.ok) throw new Error("HTTP " + r.status)
					if (r.headers.get("Content-Type") !== "application/pdf") throw new Error("type " + r.headers.get("Content-Type"))
					return r.arrayBuffer() })
				.then(buf => { let s = ""; for (const x of new Uint8Array(buf)) s += String.fromCharCode(x); return btoa(s) })`)
			if raw, err = base64.StdEncoding.DecodeString(data); err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(raw, []byte("%PDF-")) {
				t.Fatalf("%s: the downloaded report is no PDF: %.40q", b.where(), raw)
			}
			pages, err := report.ReadPDFText(raw)
			if err != nil || len(pages) == 0 {
				t.Fatalf("%s: the downloaded PDF does not read: %d pages, %v", b.where(), len(pages), err)
			}
			var pdf []string
			for _, p := range pages {
				for _, x := range p {
					pdf = append(pdf, x.Text)
				}
			}
			text := strings.Join(strings.Fields(strings.Join(pdf, " ")), " ")
			for _, want := range []string{"PEMERINTAH KOTA SALATIGA", "DINAS SOSIAL", "LAPORAN PENERAPAN SPM BIDANG SOSIAL",
				"Kepala Dinas Sosial", "Halaman 1 dari " + strconv.Itoa(len(pages))} {
				if !strings.Contains(text, want) {
					t.Errorf("%s: the PDF of Kota Salatiga's report lacks %q:\n%s", b.where(), want, text)
				}
			}
			b.visit("/spm/catalog")
			b.logout()
			b.logFindings()
		})
	}
}

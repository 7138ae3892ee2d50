package web_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/report"
	"github.com/layan-id/layan/internal/spm"
)

// pdfText is the text of a PDF the server sent, one line per piece.
func pdfText(t *testing.T, what string, b []byte) (text string, pages int) {
	t.Helper()
	if !strings.HasPrefix(string(b), "%PDF-") {
		t.Fatalf("%s is no PDF: %.200s", what, b)
	}
	read, err := report.ReadPDFText(b)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	var lines []string
	for _, p := range read {
		for _, x := range p {
			lines = append(lines, x.Text)
		}
	}
	return strings.Join(strings.Fields(strings.Join(lines, " ")), " "), len(read)
}

// Kota Salatiga's quarterly report as a PDF, through the API and the page's
// link: a draf marked DRAF, then as submitted and locked, with the names of
// who took the steps; the same refusals as the report itself.
func TestReportPDF(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		year, quarter := endedQuarter()
		q := reportQuery("33.73", year, quarter)
		name := "laporan-spm-33.73-" + strings.Join([]string{itoa(year), "T" + itoa(quarter)}, "-") + ".pdf"

		// An empty draf: marked, parts not filled in said so.
		r := h.api(t, access.Planner, "GET", "/api/v1/spm/reports/pdf?"+q, nil)
		if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/pdf" ||
			r.Header.Get("Content-Disposition") != `attachment; filename="`+name+`"` {
			t.Fatalf("the draf's PDF: %d %q %q", r.Status, r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"))
		}
		text, pages := pdfText(t, "the draf's PDF", r.Body)
		for _, want := range []string{"PEMERINTAH KOTA SALATIGA", "DINAS SOSIAL", "DRAF — laporan ini belum diajukan",
			"TRIWULAN " + itoa(quarter) + " TAHUN " + itoa(year), "— (belum diisi)", "Halaman 1 dari " + itoa(pages)} {
			if !strings.Contains(text, want) {
				t.Errorf("the draf's PDF lacks %q:\n%s", want, text)
			}
		}

		// Written, submitted, verified and locked: the figures frozen, the
		// steps signed by name, no mark.
		in := fullReportInput("33.73", spm.KabKota, year, quarter, 0)
		if r := h.api(t, access.Planner, "PUT", "/api/v1/spm/reports", in); r.Status != http.StatusOK {
			t.Fatalf("save: %d %s", r.Status, r.Body)
		}
		rep := stepOK(t, h, access.Planner, "33.73", year, quarter, spm.ReportSubmit, "", 1)
		rep = stepOK(t, h, access.Verifier, "33.73", year, quarter, spm.ReportVerify, "", rep.Version)
		stepOK(t, h, access.Verifier, "33.73", year, quarter, spm.ReportLock, "", rep.Version)
		r = h.api(t, access.National, "GET", "/api/v1/spm/reports/pdf?"+q, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("the locked report's PDF as the national viewer: %d %s", r.Status, r.Body)
		}
		text, _ = pdfText(t, "the locked report's PDF", r.Body)
		var history struct{ Items []spm.ReportEvent }
		h.api(t, access.National, "GET", "/api/v1/spm/reports/history?"+q, nil).decode(t, &history)
		if len(history.Items) != 3 {
			t.Fatalf("history: %+v", history.Items)
		}
		for _, want := range []string{"Dikunci — angka periode ini adalah yang dilaporkan", "Dibekukan saat pengajuan",
			"oleh " + history.Items[0].ActorName, "oleh " + history.Items[1].ActorName,
			"Data belum padan dengan DTSEN.", "Rp 250.000.000", "Rp 1.250.000.000", "Rp 60.000.000",
			"Anggaran perubahan belum disahkan.", "Pendataan ulang PPKS bersama TKSK", "Kepala Dinas Sosial", "Target 100 %"} {
			if !strings.Contains(text, want) {
				t.Errorf("the locked report's PDF lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, "DRAF") {
			t.Error("the locked report's PDF is marked DRAF")
		}

		// The page links it; the link downloads the same document.
		planner := h.browser(access.Planner)
		_, page := h.page(t, planner, "GET", "/spm/report?"+q, nil)
		link := `href="/spm/report.pdf?quarter=` + itoa(quarter) + `&amp;region=33.73&amp;year=` + itoa(year) + `"`
		if !strings.Contains(page, link) {
			t.Errorf("the report page lacks the PDF link %s", link)
		}
		resp, err := planner.Get(h.http.URL + "/spm/report.pdf?" + q)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("the page's PDF: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if text, _ := pdfText(t, "the page's PDF", body); !strings.Contains(text, "Kota Salatiga") {
			t.Errorf("the page's PDF lacks the region:\n%s", text)
		}

		// The report's refusals: another region's planner, no account, no quarter.
		makassar := makassarPlanner(t, h)
		expectProblem(t, h.api(t, makassar, "GET", "/api/v1/spm/reports/pdf?"+q, nil), http.StatusNotFound, "")
		expectProblem(t, h.api(t, "", "GET", "/api/v1/spm/reports/pdf?"+q, nil), http.StatusUnauthorized, "")
		expectProblem(t, h.api(t, access.Planner, "GET", "/api/v1/spm/reports/pdf?region=33.73&year="+itoa(year), nil),
			http.StatusBadRequest, "quarter")
		if status, _ := h.page(t, h.browser(access.Worker), "GET", "/spm/report.pdf?"+q, nil); status != http.StatusForbidden {
			t.Errorf("a worker's PDF: %d, want 403", status)
		}
	})
}

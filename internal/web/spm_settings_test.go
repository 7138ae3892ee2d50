package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/spm"
)

// The SPM settings through the API and the page: every SPM role reads
// them, an admin of the whole deployment changes them; bad values come
// back by field, the page keeps what was typed.
func TestSPMSettings(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		figuresWorld(t, h) // the admin of Sulawesi Selatan
		var got spm.Settings
		r := h.api(t, access.Planner, "GET", "/api/v1/spm/settings", nil)
		if r.Status != http.StatusOK {
			t.Fatalf("planner reads: %d %s", r.Status, r.Body)
		}
		r.decode(t, &got)
		if got.DeadlineDay != 20 || got.Weights != spm.DefaultWeights || len(got.Bands) != 6 {
			t.Errorf("defaults: %+v", got)
		}
		if r := h.api(t, access.Worker, "GET", "/api/v1/spm/settings", nil); r.Status != http.StatusForbidden {
			t.Errorf("worker reads: %d", r.Status)
		}

		next := spm.Settings{Weights: spm.DefaultWeights, DeadlineDay: 15,
			Bands: []spm.Band{{Min: 90, Label: "Tinggi"}, {Min: 0, Label: "Rendah"}}}
		if r := h.api(t, sulselAdmin, "PUT", "/api/v1/spm/settings", next); r.Status != http.StatusForbidden {
			t.Errorf("a province's admin changes them: %d", r.Status)
		}
		bad := next
		bad.Weights = spm.Weights{Penerima: 0.5, Mutu: 0.4}
		bad.DeadlineDay = 29
		r = h.api(t, access.Admin, "PUT", "/api/v1/spm/settings", bad)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"weights"`) ||
			!strings.Contains(string(r.Body), `"report_deadline_day"`) {
			t.Errorf("bad weights and day: %d %s", r.Status, r.Body)
		}
		if r := h.api(t, access.Admin, "PUT", "/api/v1/spm/settings", `{"weights":{"penerima":1,"mutu":0},"bands":[]`); r.Status != http.StatusBadRequest {
			t.Errorf("broken JSON: %d", r.Status)
		}
		if r := h.api(t, access.Admin, "PUT", "/api/v1/spm/settings", next); r.Status != http.StatusOK {
			t.Fatalf("admin changes them: %d %s", r.Status, r.Body)
		}
		h.api(t, access.National, "GET", "/api/v1/spm/settings", nil).decode(t, &got)
		if got.DeadlineDay != 15 || len(got.Bands) != 2 || got.Bands[0].Label != "Tinggi" {
			t.Errorf("read back: %+v", got)
		}

		// The page: read-only for a planner, a form for the admin.
		status, body := h.page(t, h.browser(access.Planner), "GET", "/spm/settings", nil)
		if status != http.StatusOK || !strings.Contains(body, "90:Tinggi") || !strings.Contains(body, h.cat.T("id", "spmsettings.read_only")) ||
			strings.Contains(body, h.cat.T("id", "spmsettings.save")) {
			t.Errorf("planner's page: %d\n%.1500s", status, body)
		}
		admin := h.browser(access.Admin)
		form := url.Values{"penerima": {"100"}, "mutu": {"0"}, "bands": {"100:Penuh\n50:Sebagian\n0:Belum"},
			"report_deadline_day": {"tiga"}}
		status, body = h.page(t, admin, "POST", "/spm/settings", form)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, h.cat.T("id", "spmreport.deadline_day_range")) ||
			!strings.Contains(body, "50:Sebagian") || !strings.Contains(body, `value="tiga"`) {
			t.Errorf("a day that is no number: %d", status)
		}
		form.Set("report_deadline_day", "10")
		form.Set("penerima", "80")
		form.Set("mutu", "20")
		status, body = h.page(t, admin, "POST", "/spm/settings", form)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, h.cat.T("id", "spm.settings_no_mutu")) {
			t.Errorf("a weight on quality: %d", status)
		}
		form.Set("penerima", "100")
		form.Set("mutu", "0")
		if status, _ = h.page(t, admin, "POST", "/spm/settings", form); status != http.StatusSeeOther {
			t.Errorf("save: %d", status)
		}
		status, body = h.page(t, admin, "GET", "/spm/settings?saved=1", nil)
		if status != http.StatusOK || !strings.Contains(body, h.cat.T("id", "spmsettings.saved")) || !strings.Contains(body, "50:Sebagian") ||
			!strings.Contains(body, `value="10"`) {
			t.Errorf("saved: %d", status)
		}
	})
}

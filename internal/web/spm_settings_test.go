package web_test

import (
	"net/http"
	"net/url"
	"strconv"
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
		form.Set("mutu", "25")
		status, body = h.page(t, admin, "POST", "/spm/settings", form)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, h.cat.T("id", "spm.settings_weights")) {
			t.Errorf("weights of 105 %%: %d", status)
		}
		form.Set("penerima", "80")
		form.Set("mutu", "20")
		if status, _ = h.page(t, admin, "POST", "/spm/settings", form); status != http.StatusSeeOther {
			t.Errorf("save: %d", status)
		}
		status, body = h.page(t, admin, "GET", "/spm/settings?saved=1", nil)
		if status != http.StatusOK || !strings.Contains(body, h.cat.T("id", "spmsettings.saved")) || !strings.Contains(body, "50:Sebagian") ||
			!strings.Contains(body, `value="10"`) || !strings.Contains(body, `value="20"`) {
			t.Errorf("saved: %d", status)
		}
	})
}

// A planner enters a quality achievement through the API and the page;
// once quality weighs in the index, the page names the jenis still
// missing one.
func TestSPMMutu(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		year := thisYear()
		body := map[string]any{"region": "33.73", "jenis": "lansia_luar_panti", "year": year, "quarter": 1,
			"barang_jasa": 101, "sdm": 50, "source": "Rekap"}
		r := h.api(t, access.Planner, "PUT", "/api/v1/spm/mutu", body)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"barang_jasa"`) {
			t.Errorf("above 100 %%: %d %s", r.Status, r.Body)
		}
		body["barang_jasa"] = 87.25
		if r := h.api(t, access.Verifier, "PUT", "/api/v1/spm/mutu", body); r.Status != http.StatusForbidden {
			t.Errorf("a verifier enters: %d", r.Status)
		}
		r = h.api(t, access.Planner, "PUT", "/api/v1/spm/mutu", body)
		var m spm.Mutu
		if r.Status != http.StatusOK {
			t.Fatalf("entered: %d %s", r.Status, r.Body)
		}
		r.decode(t, &m)
		if m.Value != 68.625 || m.Version != 1 {
			t.Errorf("stored %+v", m)
		}
		var a spm.Achievement
		h.api(t, access.Planner, "GET", "/api/v1/spm/achievements?region=33.73&quarter=1&year="+strconv.Itoa(year), nil).decode(t, &a)
		for _, f := range a.Jenis {
			if f.Jenis == spm.LansiaLuarPanti && (f.Mutu == nil || f.Mutu.BarangJasa != 87.25) {
				t.Errorf("the figure's mutu: %+v", f.Mutu)
			}
		}

		// The page: the form keeps a decimal comma; with quality weighed,
		// the index names what is missing when a jenis with people lacks it.
		planner := h.browser(access.Planner)
		form := url.Values{"region": {"33.73"}, "jenis": {"anak_luar_panti"}, "year": {strconv.Itoa(year)}, "quarter": {"1"},
			"barang_jasa": {"seratus"}, "sdm": {"50"}, "source": {"Rekap"}, "version": {"0"}}
		status, page := h.page(t, planner, "POST", "/spm/mutu", form)
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="bj-anak_luar_panti"`) || !strings.Contains(page, `value="seratus"`) {
			t.Errorf("a word for a number: %d", status)
		}
		form.Set("barang_jasa", "90,5")
		if status, _ := h.page(t, planner, "POST", "/spm/mutu", form); status != http.StatusSeeOther {
			t.Errorf("saved: %d", status)
		}
		set := spm.DefaultSettings()
		set.Weights = spm.Weights{Penerima: 0.5, Mutu: 0.5}
		if r := h.api(t, access.Admin, "PUT", "/api/v1/spm/settings", set); r.Status != http.StatusOK {
			t.Fatalf("weights: %d %s", r.Status, r.Body)
		}
		_, page = h.page(t, planner, "GET", "/spm?region=33.73&quarter=1&year="+strconv.Itoa(year), nil)
		if !strings.Contains(page, `value="90,5"`) {
			t.Error("the page does not show the entered mutu")
		}
		h.api(t, access.Planner, "GET", "/api/v1/spm/achievements?region=33.73&quarter=1&year="+strconv.Itoa(year), nil).decode(t, &a)
		if len(a.MutuMissing) > 0 && (a.Index != nil || !strings.Contains(page, "Indeks belum dapat dihitung")) {
			t.Errorf("missing %v, index %v", a.MutuMissing, a.Index)
		}
		if len(a.MutuMissing) == 0 && a.Index == nil && a.Mutu != nil {
			t.Errorf("every mutu in, no index")
		}
	})
}

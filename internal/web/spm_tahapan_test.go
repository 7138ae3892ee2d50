package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/spm"
)

// catalogItems are the codes of jenis j's items in the catalog in force.
func catalogItems(t *testing.T, d *db.DB, j spm.Jenis) []string {
	t.Helper()
	cat, err := spm.ActiveCatalog(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	cj, _ := cat.Of(j)
	var out []string
	for _, it := range cj.Items {
		out = append(out, it.Code)
	}
	if len(out) == 0 {
		t.Fatalf("%s has no items", j)
	}
	return out
}

// costsOf is a complete unit-cost table of j, each item at cost.
func costsOf(t *testing.T, d *db.DB, j spm.Jenis, cost int64) map[string]int64 {
	out := map[string]int64{}
	for _, c := range catalogItems(t, d, j) {
		out[c] = cost
	}
	return out
}

// ---- The role × route matrix's requests (roles_test.go) ----

func uiBodyTahapanCosts(fx *fixture, _ actor, _ string) any {
	f := url.Values{"region": {"33.73"}, "jenis": {string(spm.LansiaLuarPanti)}, "year": {itoa(thisYear())}, "quarter": {"1"},
		"version": {"0"}, "source": {"Perwali Salatiga tentang standar harga satuan"}}
	for _, c := range catalogItems(fx.t, fx.h.db, spm.LansiaLuarPanti) {
		f.Set("cost."+c, "15.000")
	}
	return f
}

func uiBodyTahapanPlan(*fixture, actor, string) any {
	return url.Values{"region": {"33.73"}, "jenis": {string(spm.LansiaLuarPanti)}, "year": {itoa(thisYear())}, "quarter": {"1"},
		"version": {"0"}, "target_1": {"1"}, "target_2": {"2"}, "target_3": {"3"}, "target_4": {"4"}, "budget": {"Rp 1.000.000"}}
}

func apiBodyTahapanCosts(fx *fixture, _ actor, _ string) any {
	return map[string]any{"region": "33.73", "jenis": spm.AnakLuarPanti, "year": thisYear(),
		"costs": costsOf(fx.t, fx.h.db, spm.AnakLuarPanti, 20_000), "source": "SSH Kota Salatiga"}
}

func apiBodyTahapanPlan(*fixture, actor, string) any {
	return map[string]any{"region": "33.73", "jenis": spm.AnakLuarPanti, "year": thisYear(),
		"targets": []int{1, 2, 3, 4}, "budget": 2_000_000}
}

// The API of the four tahapan: unit costs and plan entered by the
// region's planner, bad input refused with the field named, the wrong
// region or role refused, a stale version a conflict; readers see the
// budget needed, the realisation and the data-quality counts.
func TestTahapanAPI(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		year := thisYear()
		costs := costsOf(t, h.db, spm.AnakLuarPanti, 25_000)
		items := catalogItems(t, h.db, spm.AnakLuarPanti)
		body := func(mod func(map[string]int64)) map[string]any {
			c := map[string]int64{}
			for k, v := range costs {
				c[k] = v
			}
			if mod != nil {
				mod(c)
			}
			return map[string]any{"region": "33.73", "jenis": spm.AnakLuarPanti, "year": year, "costs": c, "source": "SSH 2026"}
		}
		for _, c := range []struct {
			name   string
			role   access.Role
			body   map[string]any
			status int
			field  string
		}{
			{"a gap", access.Planner, body(func(c map[string]int64) { delete(c, items[0]) }), http.StatusUnprocessableEntity, "costs"},
			{"a negative cost", access.Planner, body(func(c map[string]int64) { c[items[0]] = -1 }), http.StatusUnprocessableEntity, "costs." + items[0]},
			{"an item not in the catalog", access.Planner, body(func(c map[string]int64) { c["emas_batangan"] = 1 }), http.StatusUnprocessableEntity, "costs.emas_batangan"},
			{"a verifier", access.Verifier, body(nil), http.StatusForbidden, ""},
			{"a national viewer", access.National, body(nil), http.StatusForbidden, ""},
		} {
			r := h.api(t, c.role, "PUT", "/api/v1/spm/unit-costs", c.body)
			if r.Status != c.status {
				t.Errorf("%s: status %d, want %d\n%.400s", c.name, r.Status, c.status, r.Body)
				continue
			}
			if _, ok := problemFields(t, r)[c.field]; c.field != "" && !ok {
				t.Errorf("%s: the problem does not name %s: %s", c.name, c.field, r.Body)
			}
		}
		wrong := body(nil)
		wrong["region"] = "73.71"
		if r := h.api(t, access.Planner, "PUT", "/api/v1/spm/unit-costs", wrong); r.Status != http.StatusNotFound {
			t.Errorf("another province's region: status %d", r.Status)
		}
		r := h.api(t, access.Planner, "PUT", "/api/v1/spm/unit-costs", body(nil))
		if r.Status != http.StatusOK {
			t.Fatalf("unit costs: %d %s", r.Status, r.Body)
		}
		var tb spm.UnitCostTable
		r.decode(t, &tb)
		if !tb.Complete || tb.Version != 1 || *tb.PerPerson != 25_000*int64(len(items)) {
			t.Errorf("stored: %+v", tb)
		}
		if r := h.api(t, access.Planner, "PUT", "/api/v1/spm/unit-costs", body(nil)); r.Status != http.StatusConflict ||
			!strings.Contains(string(r.Body), spm.CodeStaleVersion) {
			t.Errorf("stale version: %d %s", r.Status, r.Body)
		}
		r = h.api(t, access.Verifier, "GET", "/api/v1/spm/unit-costs?region=33.73&year="+itoa(year), nil)
		if r.Status != http.StatusOK {
			t.Fatalf("read by the province: %d %s", r.Status, r.Body)
		}

		plan := map[string]any{"region": "33.73", "jenis": spm.AnakLuarPanti, "year": year, "targets": []int{5, 4, 6, 8}, "budget": 9_000_000}
		if r := h.api(t, access.Planner, "PUT", "/api/v1/spm/plans", plan); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(string(r.Body), `"targets.2"`) {
			t.Errorf("decreasing targets: %d %s", r.Status, r.Body)
		}
		plan["targets"], plan["budget"] = []int{1, 2, 3, 4}, -5
		if r := h.api(t, access.Planner, "PUT", "/api/v1/spm/plans", plan); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(string(r.Body), `"budget"`) {
			t.Errorf("negative budget: %d %s", r.Status, r.Body)
		}
		plan["budget"] = 9_000_000
		if r := h.api(t, access.Planner, "PUT", "/api/v1/spm/plans", plan); r.Status != http.StatusOK {
			t.Errorf("plan: %d %s", r.Status, r.Body)
		}
		r = h.api(t, access.National, "GET", "/api/v1/spm/plans?region=33.73&year="+itoa(year), nil)
		var ps spm.Plans
		r.decode(t, &ps)
		if r.Status != http.StatusOK || ps.Budget != 9_000_000 {
			t.Errorf("plans read by the nation: %d %+v", r.Status, ps)
		}
		r = h.api(t, access.National, "GET", "/api/v1/spm/realisation?region=33.73&year="+itoa(year)+"&quarter=1", nil)
		var re spm.Realisation
		r.decode(t, &re)
		if r.Status != http.StatusOK || len(re.Jenis) != 5 {
			t.Errorf("realisation: %d %s", r.Status, r.Body)
		}
		for _, p := range re.Jenis {
			if p.Jenis == spm.AnakLuarPanti && (p.Target == nil || *p.Target != 1 || p.Budget == nil || p.SpentSource != spm.SpentCasework) {
				t.Errorf("anak's realisation: %+v", p)
			}
		}

		// Data quality: the region's planner gets the lists, the nation
		// counts only; a bad page is a bad parameter.
		r = h.api(t, access.Planner, "GET", "/api/v1/spm/data-quality?region=33.73&year="+itoa(year), nil)
		var q spm.DataQuality
		r.decode(t, &q)
		if r.Status != http.StatusOK || !q.Detail || !q.Available || q.WithoutNIK.Items == nil {
			t.Errorf("planner's data quality: %d %s", r.Status, r.Body)
		}
		r = h.api(t, access.National, "GET", "/api/v1/spm/data-quality?region=33.73&year="+itoa(year), nil)
		q = spm.DataQuality{}
		r.decode(t, &q)
		if r.Status != http.StatusOK || q.Detail || q.WithoutNIK.Items != nil || q.Unassessed.Items != nil || q.Duplicates.Items != nil {
			t.Errorf("national data quality: %d %s", r.Status, r.Body)
		}
		if r := h.api(t, access.Planner, "GET", "/api/v1/spm/data-quality?region=33.73&year="+itoa(year)+"&page=0", nil); r.Status != http.StatusBadRequest {
			t.Errorf("page 0: %d", r.Status)
		}
		if r := h.api(t, access.Planner, "GET", "/api/v1/spm/data-quality?region=73.71&year="+itoa(year), nil); r.Status != http.StatusNotFound {
			t.Errorf("another province: %d", r.Status)
		}

		// Removing at a stale version is a conflict; at the stored one it goes.
		del := "/api/v1/spm/unit-costs?region=33.73&jenis=anak_luar_panti&year=" + itoa(year) + "&version="
		if r := h.api(t, access.Planner, "DELETE", del+"7", nil); r.Status != http.StatusConflict {
			t.Errorf("stale delete: %d %s", r.Status, r.Body)
		}
		if r := h.api(t, access.Planner, "DELETE", del+"1", nil); r.Status != http.StatusNoContent {
			t.Errorf("delete: %d %s", r.Status, r.Body)
		}
	})
}

// The page: four sections for every reader, forms for the region's own
// planner, a gap or a negative sent back with the field's error.
func TestTahapanPage(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		year := itoa(thisYear())
		planner, national := h.browser(access.Planner), h.browser(access.National)
		path := "/spm/tahapan?region=33.73&year=" + year + "&quarter=1"
		status, body := h.page(t, planner, "GET", path, nil)
		if status != http.StatusOK {
			t.Fatalf("planner: %d\n%.500s", status, body)
		}
		for _, want := range []string{`id="tahap-1"`, `id="tahap-2"`, `id="tahap-3"`, `id="tahap-4"`, `action="/spm/tahapan/unit-costs"`,
			`action="/spm/tahapan/plans"`, "Orang tanpa NIK"} {
			if !strings.Contains(body, want) {
				t.Errorf("planner's page lacks %s", want)
			}
		}
		status, body = h.page(t, national, "GET", path, nil)
		if status != http.StatusOK || strings.Contains(body, `action="/spm/tahapan/unit-costs"`) || !strings.Contains(body, `id="tahap-4"`) {
			t.Errorf("national: %d, forms shown %v", status, strings.Contains(body, "/spm/tahapan/unit-costs"))
		}
		if status, _ := h.page(t, planner, "GET", "/spm/tahapan?region=73.71&year="+year, nil); status != http.StatusNotFound {
			t.Errorf("another province: %d", status)
		}
		if status, body := h.page(t, h.browser(access.Planner), "GET", "/spm?region=33.73&year="+year+"&quarter=1", nil); status != http.StatusOK ||
			!strings.Contains(body, "/spm/tahapan?") {
			t.Errorf("the SPM page links the tahapan: %d", status)
		}

		items := catalogItems(t, h.db, spm.AnakLuarPanti)
		form := url.Values{"region": {"33.73"}, "jenis": {string(spm.AnakLuarPanti)}, "year": {year}, "quarter": {"1"},
			"version": {"0"}, "source": {"SSH 2026"}}
		for _, c := range items[1:] {
			form.Set("cost."+c, "10.000")
		}
		status, body = h.page(t, planner, "POST", "/spm/tahapan/unit-costs", form)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, items[0]) {
			t.Errorf("a gap: %d, the missing item named: %v", status, strings.Contains(body, items[0]))
		}
		form.Set("cost."+items[0], "-5")
		status, body = h.page(t, planner, "POST", "/spm/tahapan/unit-costs", form)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="cost-anak_luar_panti-`+items[0]+`-err"`) {
			t.Errorf("a negative cost: %d", status)
		}
		form.Set("cost."+items[0], "Rp 12.500")
		if status, _ = h.page(t, planner, "POST", "/spm/tahapan/unit-costs", form); status != http.StatusSeeOther {
			t.Errorf("saved: %d", status)
		}
		if _, body = h.page(t, planner, "GET", path, nil); !strings.Contains(body, "Rp "+groupID(12_500+10_000*int64(len(items)-1))) {
			t.Errorf("the cost per person is not shown")
		}
		// With a complete table the SPM page prices the people still to
		// serve of that jenis (the gap in Rupiah, issue 6 point 7).
		if _, body = h.page(t, planner, "GET", "/spm?region=33.73&year="+year+"&quarter=1", nil); !strings.Contains(body, h.cat.T("id", "spm.col.gap_rupiah")) {
			t.Errorf("the SPM page shows no gap in Rupiah")
		}
		plan := url.Values{"region": {"33.73"}, "jenis": {string(spm.AnakLuarPanti)}, "year": {year}, "quarter": {"1"},
			"version": {"0"}, "target_1": {"4"}, "target_2": {"2"}, "target_3": {"5"}, "target_4": {"6"}, "budget": {"5.000.000"}}
		status, body = h.page(t, planner, "POST", "/spm/tahapan/plans", plan)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="target-anak_luar_panti-2-err"`) {
			t.Errorf("decreasing target: %d", status)
		}
		plan.Set("target_2", "4")
		if status, _ := h.page(t, planner, "POST", "/spm/tahapan/plans", plan); status != http.StatusSeeOther {
			t.Errorf("plan saved: %d", status)
		}
		// Saved again from the same (now stale) form: the conflict banner.
		if status, _ := h.page(t, planner, "POST", "/spm/tahapan/plans", plan); status != http.StatusConflict {
			t.Errorf("stale plan form: %d", status)
		}
	})
}

// groupID writes n with Indonesian thousands separators.
func groupID(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String()
}

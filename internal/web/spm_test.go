package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/spm"
)

// thisYear is the current budget year (WIB): quarter 1 of it has begun.
func thisYear() int { return time.Now().In(time.FixedZone("WIB", 7*3600)).Year() }

// spmRegions is a region each SPM reader may name.
var spmRegions = map[access.Role]string{
	access.Planner: "33.73", access.Verifier: "33", access.National: "53.71", access.Admin: "73", sulselAdmin: "73.71",
}

func spmQueryOf(_ *fixture, a actor) string {
	return "region=" + spmRegions[a.key] + "&year=" + itoa(thisYear())
}

func itoa(n int) string { return strconv.Itoa(n) }

// countRows runs a COUNT query on the harness's database.
func countRows(t *testing.T, h *harness, query string) int {
	t.Helper()
	var n int
	if err := h.db.QueryRow(context.Background(), query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// achievement reads a region's achievement as role, expecting it.
func achievement(t *testing.T, h *harness, role access.Role, query string) spm.Achievement {
	t.Helper()
	r := h.api(t, role, "GET", "/api/v1/spm/achievements?"+query, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("achievement ?%s as %s: status %d\n%s", query, role, r.Status, r.Body)
	}
	var a spm.Achievement
	r.decode(t, &a)
	return a
}

func figureOf(t *testing.T, a spm.Achievement, j spm.Jenis) spm.Figure {
	t.Helper()
	for _, f := range a.Jenis {
		if f.Jenis == j {
			return f
		}
	}
	t.Fatalf("no %s in %+v", j, a)
	return spm.Figure{}
}

// Who reads which region's achievement, and what bad queries answer.
func TestSPMAchievementReach(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		year := itoa(thisYear())
		for _, c := range []struct {
			role   access.Role
			query  string
			status int
			field  string
		}{
			{access.Planner, "region=33.73&year=" + year, http.StatusOK, ""},
			{access.Planner, "region=3373&year=" + year, http.StatusOK, ""},
			{access.Planner, "region=33&year=" + year, http.StatusNotFound, ""}, // the province is another region
			{access.Planner, "region=73.71&year=" + year, http.StatusNotFound, ""},
			{access.Verifier, "region=33&year=" + year, http.StatusOK, ""},
			{access.Verifier, "region=33.73&year=" + year, http.StatusOK, ""},
			{access.Verifier, "region=73.71&year=" + year, http.StatusNotFound, ""},
			{access.National, "region=53.71&year=" + year, http.StatusOK, ""},
			{access.Admin, "region=11&year=2019&quarter=2", http.StatusOK, ""},
			{access.Worker, "region=33.73&year=" + year, http.StatusForbidden, ""},
			{access.Supervisor, "region=33.73&year=" + year, http.StatusForbidden, ""},
			{"", "region=33.73&year=" + year, http.StatusUnauthorized, ""},
			{access.National, "year=" + year, http.StatusBadRequest, "region"},
			{access.National, "region=33.73", http.StatusBadRequest, "year"},
			{access.National, "region=33.73&year=dua", http.StatusBadRequest, "year"},
			{access.National, "region=33.73&year=2017", http.StatusBadRequest, "year"},
			{access.National, "region=33.73&year=" + itoa(thisYear()+1), http.StatusBadRequest, "year"},
			{access.National, "region=33.73&year=" + year + "&quarter=5", http.StatusBadRequest, "quarter"},
			{access.National, "region=33.73.04&year=" + year, http.StatusBadRequest, "region"},
			{access.National, "region=salatiga&year=" + year, http.StatusBadRequest, "region"},
			{access.National, "region=33.99&year=" + year, http.StatusNotFound, ""},
		} {
			r := h.api(t, c.role, "GET", "/api/v1/spm/achievements?"+c.query, nil)
			if r.Status != c.status {
				t.Errorf("%s ?%s: status %d, want %d\n%.300s", c.role, c.query, r.Status, c.status, r.Body)
				continue
			}
			if c.field != "" && !strings.Contains(string(r.Body), `"`+c.field+`"`) {
				t.Errorf("%s ?%s: the problem does not name %s: %s", c.role, c.query, c.field, r.Body)
			}
		}
		// A past year is counted to its fourth quarter; a province owes the
		// five "dalam panti" and provincial disaster services.
		a := achievement(t, h, access.Verifier, "region=33&year=2025")
		if a.Quarter != 4 || a.To != "2025-12-31" || a.From != "2025-01-01" || a.Level != spm.Provinsi || len(a.Jenis) != 5 ||
			a.Jenis[0].Jenis != spm.DisabilitasDalamPanti || a.RegionName == "" {
			t.Errorf("province 2025: %+v", a)
		}
	})
}

// The achievement is live: a case's approved assessment enters Y and the
// service meeting its last need enters X, in the answer right after.
func TestSPMAchievementLive(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		w := newCaseWorld(t, h)
		query := "region=33.73&year=" + itoa(thisYear())
		before := figureOf(t, achievement(t, h, access.Planner, query), spm.LansiaLuarPanti)

		c := w.open(t) // a lansia case at home in Kota Salatiga
		if r := h.api(t, access.Worker, "PUT", casePath(c.ID, "/assessment"), assessmentBody(0)); r.Status != http.StatusOK {
			t.Fatalf("assessment: %d %s", r.Status, r.Body)
		}
		w.act(t, access.Worker, c.ID, "submit_assessment")
		if got := figureOf(t, achievement(t, h, access.Planner, query), spm.LansiaLuarPanti); got.Y != before.Y {
			t.Errorf("Y moved before the approval: %+v → %+v", before, got)
		}
		w.act(t, access.Supervisor, c.ID, "approve_assessment")
		after := figureOf(t, achievement(t, h, access.Planner, query), spm.LansiaLuarPanti)
		if after.Y != before.Y+1 || after.X != before.X || after.Source != "casework" {
			t.Errorf("after the approval: %+v, before %+v", after, before)
		}
		if r := h.api(t, access.Worker, "PUT", casePath(c.ID, "/plan"), planBody(w.worker.ID, 0)); r.Status != http.StatusOK {
			t.Fatalf("plan: %d %s", r.Status, r.Body)
		}
		w.act(t, access.Worker, c.ID, "submit_plan")
		w.act(t, access.Supervisor, c.ID, "approve_plan")
		for _, s := range []map[string]any{
			{"given_on": wibToday(), "need": "permakanan", "component": "kebutuhan_hidup_layak", "quantity": 2, "cost": 150000},
			{"given_on": wibToday(), "need": "perbekalan_kesehatan", "component": "perawatan_sosial", "quantity": 1, "cost": 90000},
		} {
			if r := h.api(t, access.Worker, "POST", casePath(c.ID, "/services"), s); r.Status != http.StatusCreated {
				t.Fatalf("service: %d %s", r.Status, r.Body)
			}
		}
		met := figureOf(t, achievement(t, h, access.Planner, query), spm.LansiaLuarPanti)
		if met.Y != before.Y+1 || met.X != before.X+1 || met.Gap != met.Y-met.X || met.Capaian == nil {
			t.Errorf("after every need was met: %+v, before %+v", met, before)
		}
		// The province's verifier reads the same kab/kota figure.
		if v := figureOf(t, achievement(t, h, access.Verifier, query), spm.LansiaLuarPanti); v.X != met.X || v.Y != met.Y {
			t.Errorf("the verifier reads %+v, the planner %+v", v, met)
		}
	})
}

// A region's own figures: entered by its planner only, checked, shown
// beside the casework's count with the difference, versioned, removable.
func TestSPMAggregates(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		year := thisYear()
		query := "region=33.73&year=" + itoa(year) + "&quarter=1"
		entry := func(x, y any, version int) map[string]any {
			return map[string]any{"region": "33.73", "jenis": "anak_luar_panti", "year": year, "quarter": 1,
				"x": x, "y": y, "source": "Rekap manual Dinas Sosial Kota Salatiga", "version": version}
		}
		for _, c := range []struct {
			name   string
			role   access.Role
			body   map[string]any
			status int
			field  string
		}{
			{"Y below X", access.Planner, entry(6, 5, 0), http.StatusUnprocessableEntity, "y"},
			{"negative", access.Planner, entry(-1, 5, 0), http.StatusUnprocessableEntity, "x"},
			{"missing y", access.Planner, entry(1, nil, 0), http.StatusUnprocessableEntity, "y"},
			{"no source", access.Planner, func() map[string]any { e := entry(1, 2, 0); e["source"] = " "; return e }(), http.StatusUnprocessableEntity, "source"},
			{"a province's jenis", access.Planner, func() map[string]any { e := entry(1, 2, 0); e["jenis"] = "anak_dalam_panti"; return e }(), http.StatusUnprocessableEntity, "jenis"},
			{"another region", access.Planner, func() map[string]any { e := entry(1, 2, 0); e["region"] = "73.71"; return e }(), http.StatusNotFound, ""},
			{"the province's verifier", access.Verifier, entry(1, 2, 0), http.StatusForbidden, ""},
			{"national", access.National, entry(1, 2, 0), http.StatusForbidden, ""},
		} {
			r := h.api(t, c.role, "PUT", "/api/v1/spm/aggregates", c.body)
			if r.Status != c.status || (c.field != "" && !strings.Contains(string(r.Body), `"`+c.field+`"`)) {
				t.Errorf("%s: status %d, want %d naming %q\n%.400s", c.name, r.Status, c.status, c.field, r.Body)
			}
		}
		if n := countRows(t, h, "SELECT COUNT(*) FROM spm_aggregate"); n != 0 {
			t.Fatalf("refused entries stored %d rows", n)
		}
		r := h.api(t, access.Planner, "PUT", "/api/v1/spm/aggregates", entry(3, 5, 0))
		if r.Status != http.StatusOK {
			t.Fatalf("enter: %d %s", r.Status, r.Body)
		}
		f := figureOf(t, achievement(t, h, access.Planner, query), spm.AnakLuarPanti)
		if f.Source != "aggregate" || f.X != 3 || f.Y != 5 || f.Capaian == nil || *f.Capaian != 60 || f.Difference == nil ||
			f.Difference.Y != 5-f.Casework.Y || f.Aggregate == nil || f.Aggregate.Version != 1 {
			t.Errorf("with the aggregate: %+v", f)
		}
		// A stale version is refused; the right one replaces it.
		if r := h.api(t, access.Planner, "PUT", "/api/v1/spm/aggregates", entry(4, 5, 0)); r.Status != http.StatusConflict {
			t.Errorf("stale entry: %d %s", r.Status, r.Body)
		}
		if r := h.api(t, access.Planner, "PUT", "/api/v1/spm/aggregates", entry(5, 5, 1)); r.Status != http.StatusOK {
			t.Errorf("second entry: %d %s", r.Status, r.Body)
		}
		if f := figureOf(t, achievement(t, h, access.Verifier, query), spm.AnakLuarPanti); f.X != 5 || *f.Capaian != 100 {
			t.Errorf("after the change, as the verifier: %+v", f)
		}
		if n := countRows(t, h, "SELECT COUNT(*) FROM audit_log WHERE entity = 'spm_aggregate'"); n != 2 {
			t.Errorf("%d audit records of the entries, want 2", n)
		}
		del := "/api/v1/spm/aggregates?region=33.73&jenis=anak_luar_panti&year=" + itoa(year) + "&quarter=1&version="
		if r := h.api(t, access.Planner, "DELETE", del+"1", nil); r.Status != http.StatusConflict {
			t.Errorf("stale delete: %d %s", r.Status, r.Body)
		}
		if r := h.api(t, access.Planner, "DELETE", del+"2", nil); r.Status != http.StatusNoContent {
			t.Errorf("delete: %d %s", r.Status, r.Body)
		}
		if f := figureOf(t, achievement(t, h, access.Planner, query), spm.AnakLuarPanti); f.Source != "casework" || f.Aggregate != nil {
			t.Errorf("after the removal: %+v", f)
		}
	})
}

// The SPM page as its readers use it: a planner sees their kab/kota's five
// jenis and enters figures (refused input comes back with the reason); the
// verifier drills down from the province; the national viewer starts from
// the provinces; nobody sees another region; no raw catalog key shows.
func TestSPMPage(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		rawKey := regexp.MustCompile(`>\s*(spm|field|nav)\.[a-z_.]+\s*<|%!`)
		year := itoa(thisYear())
		for _, lang := range []string{"id", "en"} {
			planner, verifier, national := h.browser(access.Planner), h.browser(access.Verifier), h.browser(access.National)
			for _, c := range []*http.Client{planner, verifier, national} {
				if status, _ := h.page(t, c, "POST", "/lang", map[string][]string{"lang": {lang}, "next": {"/"}}); status >= 400 {
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
			status, page := h.page(t, planner, "GET", "/spm", nil)
			if status != http.StatusOK || !strings.Contains(page, "Kota Salatiga") || !strings.Contains(page, "lanjut usia telantar di luar panti") ||
				!strings.Contains(page, `action="/spm/aggregates"`) || strings.Contains(page, "di dalam panti</th>") {
				t.Fatalf("%s: planner's page: %d\n%.3000s", lang, status, page)
			}
			check("planner", page)
			if _, home := h.page(t, planner, "GET", "/", nil); !strings.Contains(home, `href="/spm"`) {
				t.Errorf("%s: no SPM link in the planner's menu", lang)
			}
			// Y below X comes back with the reason and the values typed.
			form := url.Values{"region": {"33.73"}, "jenis": {"anak_luar_panti"}, "year": {year}, "quarter": {"1"},
				"x": {"9"}, "y": {"4"}, "source": {"Rekap manual"}, "version": {"0"}}
			status, page = h.page(t, planner, "POST", "/spm/aggregates", form)
			reason := map[string]string{"id": "tidak boleh lebih kecil dari X", "en": "cannot be smaller than X"}[lang]
			if status != http.StatusUnprocessableEntity || !strings.Contains(page, reason) || !strings.Contains(page, `value="Rekap manual"`) {
				t.Errorf("%s: Y below X: %d\n%.3000s", lang, status, page)
			}
			check("refused entry", page)
			form.Set("y", "12")
			if status, _ = h.page(t, planner, "POST", "/spm/aggregates", form); status != http.StatusSeeOther {
				t.Errorf("%s: entry: %d", lang, status)
			}
			_, page = h.page(t, planner, "GET", "/spm?region=33.73&year="+year+"&quarter=1&saved=anak_luar_panti", nil)
			if !strings.Contains(page, "75 %") || !strings.Contains(page, "Rekap manual") {
				t.Errorf("%s: after the entry:\n%.3000s", lang, page)
			}
			form.Set("version", "1")
			form.Set("remove", "1")
			if status, _ = h.page(t, planner, "POST", "/spm/aggregates", form); status != http.StatusSeeOther {
				t.Errorf("%s: removal: %d", lang, status)
			}
			if status, _ = h.page(t, planner, "GET", "/spm?region=73.71", nil); status != http.StatusNotFound {
				t.Errorf("%s: the planner opened Makassar: %d", lang, status)
			}
			if status, _ = h.page(t, planner, "GET", "/spm?region=", nil); status != http.StatusNotFound {
				t.Errorf("%s: the planner opened the national view: %d", lang, status)
			}

			// The verifier: the province with its kab/kota, one a link.
			status, page = h.page(t, verifier, "GET", "/spm", nil)
			if status != http.StatusOK || !strings.Contains(page, "Jawa Tengah") || !strings.Contains(page, `href="/spm?quarter=`) ||
				!strings.Contains(page, "Kota Salatiga</a>") || !strings.Contains(page, "di dalam panti") || strings.Contains(page, `action="/spm/aggregates"`) {
				t.Errorf("%s: verifier's page: %d\n%.3000s", lang, status, page)
			}
			check("verifier", page)
			// The national viewer: the provinces.
			status, page = h.page(t, national, "GET", "/spm?year=2025", nil)
			if status != http.StatusOK || !strings.Contains(page, "Aceh</a>") || !strings.Contains(page, "Papua") {
				t.Errorf("%s: national page: %d\n%.2000s", lang, status, page)
			}
			check("national", page)
			if status, _ = h.page(t, national, "GET", "/spm?region=33.73.04", nil); status != http.StatusBadRequest {
				t.Errorf("%s: a kecamatan: %d", lang, status)
			}
		}
	})
}

// The SPM page's messages exist in both languages.
func TestSPMCatalogKeys(t *testing.T) {
	keys := map[string]bool{"spm.level.provinsi": true, "spm.level.kabkota": true}
	catalogKeys(t, keys, `"((?:spm|field|error|nav)\.[a-z_.]+)"`, "spm.go", "spm_ui.go", "templates/spm.html", "../spm/store.go")
	expectKeys(t, keys, 40)
}

// The dashboard's API: the nation for national viewers, a province with
// its kab/kota for its verifier, nothing above a kab/kota planner.
func TestSPMOverviewAPI(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		year := itoa(thisYear())
		var o struct {
			Region   *spm.Achievement `json:"region"`
			Children []spm.Achievement
			Totals   []spm.Total
			Year     int
		}
		r := h.api(t, access.National, "GET", "/api/v1/spm/overview?year="+year, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("national: %d %s", r.Status, r.Body)
		}
		r.decode(t, &o)
		if o.Region != nil || len(o.Children) != 38 || len(o.Totals) != 10 || o.Year != thisYear() {
			t.Errorf("national: region %v, %d provinces, %d totals, year %d", o.Region, len(o.Children), len(o.Totals), o.Year)
		}
		o.Region, o.Children, o.Totals = nil, nil, nil
		h.api(t, access.Verifier, "GET", "/api/v1/spm/overview?region=33&year="+year, nil).decode(t, &o)
		if o.Region == nil || o.Region.Region != "33" || len(o.Children) != 35 || len(o.Totals) != 5 {
			t.Errorf("Jawa Tengah: %+v", o)
		}
		for _, c := range []struct {
			role   access.Role
			query  string
			status int
		}{
			{access.Planner, "year=" + year, http.StatusNotFound},
			{access.Planner, "region=33&year=" + year, http.StatusNotFound},
			{access.Planner, "region=33.73&year=" + year, http.StatusOK},
			{access.Verifier, "year=" + year, http.StatusNotFound},
			{access.National, "", http.StatusBadRequest},
			{access.Worker, "year=" + year, http.StatusForbidden},
		} {
			if r := h.api(t, c.role, "GET", "/api/v1/spm/overview?"+c.query, nil); r.Status != c.status {
				t.Errorf("%s ?%s: %d, want %d", c.role, c.query, r.Status, c.status)
			}
		}
	})
}

// The exports as a verifier downloads them: the province and its kab/kota
// in a workbook with a sheet per jenis, the CSV, the open data with its
// metadata; a kab/kota planner gets only their own; a bad format is 400.
func TestSPMExport(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		year := itoa(thisYear())
		r := h.api(t, access.Verifier, "GET", "/api/v1/spm/export?format=xlsx&region=33&year="+year, nil)
		if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Disposition"), "capaian-spm-33-"+year) {
			t.Fatalf("xlsx: %d %v", r.Status, r.Header)
		}
		f, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("anak_luar_panti")
		if len(f.GetSheetList()) != 11 || len(rows) != 5+35 || !strings.Contains(strings.Join(rows[5], " "), "Cilacap") {
			t.Errorf("workbook: sheets %v, %d rows of anak luar panti", f.GetSheetList(), len(rows))
		}
		f.Close()
		r = h.api(t, access.Planner, "GET", "/api/v1/spm/export?format=csv&region=33.73&year="+year, nil)
		recs, err := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
		if r.Status != http.StatusOK || err != nil || len(recs) != 6 || recs[1][0] != "33.73" {
			t.Errorf("csv: %d %v %q", r.Status, err, recs)
		}
		r = h.api(t, access.National, "GET", "/api/v1/spm/export?format=json&year="+year, nil)
		var od struct {
			Metadata map[string]any
			Data     []map[string]any
		}
		r.decode(t, &od)
		if od.Metadata["lisensi"] != "CC-BY-4.0" || len(od.Data) != (38+514)*5 {
			t.Errorf("open data: %v, %d rows", od.Metadata, len(od.Data))
		}
		for _, c := range []struct {
			role   access.Role
			query  string
			status int
		}{
			{access.Planner, "format=xlsx&year=" + year, http.StatusNotFound},
			{access.Planner, "format=xlsx&region=33&year=" + year, http.StatusNotFound},
			{access.National, "format=pdf&year=" + year, http.StatusBadRequest},
			{access.National, "format=csv", http.StatusBadRequest},
			{access.Worker, "format=csv&year=" + year, http.StatusForbidden},
		} {
			if r := h.api(t, c.role, "GET", "/api/v1/spm/export?"+c.query, nil); r.Status != c.status {
				t.Errorf("%s ?%s: %d, want %d", c.role, c.query, r.Status, c.status)
			}
		}
	})
}

package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/i18n"
	"github.com/layan-id/layan/internal/spm"
)

// section is the part of a page from the heading with id to the end of
// its section.
func section(t *testing.T, page, id string) string {
	t.Helper()
	i := strings.Index(page, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	j := strings.Index(page[i:], "</section>")
	if j < 0 {
		t.Fatalf("section %s does not end", id)
	}
	return page[i : i+j]
}

var (
	tileMapSVG = regexp.MustCompile(`(?s)<svg[^>]*class="tilemap".*?</svg>`)
	bodyRow    = regexp.MustCompile(`(?s)<tbody>.*?</tbody>`)
)

// rowsOf counts the body rows of the tables of a part of a page.
func rowsOf(part string) int {
	n := 0
	for _, body := range bodyRow.FindAllString(part, -1) {
		n += strings.Count(body, "<tr")
	}
	return n
}

// The dashboard on the SPM page at every level: the nation's map of 38
// provinces (each a link, its index written on it, a legend of the bands),
// the trend per quarter as panels with their table, the reporting
// completeness per province; a province's trend and its kab/kota's
// reports; a kab/kota's own trend and report. The gap is summed.
func TestSPMDashboardPage(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		year := itoa(thisYear())
		national, verifier, planner := h.browser(access.National), h.browser(access.Verifier), h.browser(access.Planner)

		status, page := h.page(t, national, "GET", "/spm?year="+year, nil)
		if status != http.StatusOK {
			t.Fatalf("national page: %d", status)
		}
		checkPageIDs(t, "national", page)
		svg := tileMapSVG.FindString(page)
		if n := strings.Count(svg, "<rect "); n != 38 {
			t.Errorf("the map has %d tiles, want 38:\n%.2000s", n, svg)
		}
		if n := strings.Count(svg, `<a href="/spm?`); n != 38 {
			t.Errorf("the map has %d links, want 38", n)
		}
		for _, want := range []string{`region=33&amp;year=` + year, `>JT</tspan>`, `>PD</tspan>`, `, Jawa Tengah: `} {
			if !strings.Contains(svg, want) {
				t.Errorf("the map lacks %s", want)
			}
		}
		legend := section(t, page, "h-spm-map")
		for _, b := range spm.DefaultBands {
			if !strings.Contains(legend, b.Label) {
				t.Errorf("the legend lacks %s", b.Label)
			}
		}
		trend := section(t, page, "h-spm-trend")
		if n := strings.Count(trend, `<svg`); n != 10 || !strings.Contains(trend, "TW1 "+year) ||
			!strings.Contains(trend, `role="img"`) || rowsOf(trend) != 10 {
			t.Errorf("national trend: %d panels, %d rows\n%.3000s", strings.Count(trend, "<svg"), rowsOf(trend), trend)
		}
		reports := section(t, page, "h-spm-reports")
		if rowsOf(reports) != 38 || !strings.Contains(reports, `href="/spm/reports?`) || !strings.Contains(reports, "Jawa Tengah</a>") {
			t.Errorf("national completeness: %d rows\n%.2000s", rowsOf(reports), reports)
		}
		if totals := section(t, page, "h-spm-totals"); !strings.Contains(totals, "<tfoot>") {
			t.Errorf("the nation's totals have no sum:\n%.2000s", totals)
		}

		// A province: its own trend with the index, its kab/kota's sums, the
		// kab/kota's reports; no map.
		status, page = h.page(t, verifier, "GET", "/spm?region=33&year="+year, nil)
		if status != http.StatusOK || tileMapSVG.MatchString(page) {
			t.Fatalf("province page: %d, a map: %v", status, tileMapSVG.MatchString(page))
		}
		checkPageIDs(t, "province", page)
		trend = section(t, page, "h-spm-trend")
		if n := strings.Count(trend, `<svg`); n != 6+5 || !strings.Contains(trend, "Indeks SPM") {
			t.Errorf("province trend: %d panels\n%.3000s", n, trend)
		}
		reports = section(t, page, "h-spm-reports")
		if rowsOf(reports) != 35 || !strings.Contains(reports, `href="/spm/report?`) || !strings.Contains(reports, "Kota Salatiga</a>") ||
			!strings.Contains(reports, "Laporan wilayah ini") {
			t.Errorf("province completeness: %d rows\n%.3000s", rowsOf(reports), reports)
		}

		// A kab/kota: its five jenis summed with the gap, its trend, its report.
		status, page = h.page(t, planner, "GET", "/spm", nil)
		if status != http.StatusOK {
			t.Fatalf("planner page: %d", status)
		}
		checkPageIDs(t, "kab/kota", page)
		jenis := section(t, page, "h-spm-jenis")
		if !strings.Contains(jenis, "<tfoot>") || !strings.Contains(jenis, "Jumlah") {
			t.Errorf("the kab/kota's jenis have no sum:\n%.3000s", jenis)
		}
		// No unit costs yet: no Rupiah column.
		if strings.Contains(page, "Kebutuhan biaya (Rp)</th>") {
			t.Error("the Rupiah column shows without unit costs")
		}
		if trend = section(t, page, "h-spm-trend"); strings.Count(trend, "<svg") != 6 || rowsOf(trend) != 6 {
			t.Errorf("kab/kota trend:\n%.3000s", trend)
		}
		if reports = section(t, page, "h-spm-reports"); !strings.Contains(reports, `href="/spm/report?`) || rowsOf(reports) != 0 {
			t.Errorf("kab/kota report:\n%.2000s", reports)
		}
	})
}

// The trend's API: the nation for national viewers, a province for its
// verifier, a kab/kota for its planner and nobody else.
func TestSPMTrendAPI(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		year := itoa(thisYear())
		var tr spm.Trend
		h.api(t, access.National, "GET", "/api/v1/spm/trend?year="+year, nil).decode(t, &tr)
		if tr.Region != nil || tr.Year != thisYear() || len(tr.Quarters) == 0 || len(tr.Quarters[0].Totals) != 10 ||
			len(tr.Previous) != len(tr.Quarters) {
			t.Errorf("national: %+v", tr)
		}
		tr = spm.Trend{}
		h.api(t, access.Verifier, "GET", "/api/v1/spm/trend?region=33&year=2025", nil).decode(t, &tr)
		if tr.Region == nil || tr.Region.Code != "33" || len(tr.Quarters) != 4 || tr.Quarters[3].Region == nil ||
			tr.Quarters[3].Region.Quarter != 4 || len(tr.Quarters[3].Totals) != 5 {
			t.Errorf("Jawa Tengah 2025: %+v", tr)
		}
		for _, c := range []struct {
			role   access.Role
			query  string
			status int
		}{
			{access.Planner, "region=33.73&year=" + year, http.StatusOK},
			{access.Planner, "year=" + year, http.StatusNotFound},
			{access.Planner, "region=33&year=" + year, http.StatusNotFound},
			{access.Planner, "region=73.71&year=" + year, http.StatusNotFound},
			{access.Verifier, "region=73&year=" + year, http.StatusNotFound},
			{access.National, "", http.StatusBadRequest},
			{access.National, "year=2017", http.StatusBadRequest},
			{access.National, "year=dua", http.StatusBadRequest},
			{access.National, "region=33.73.04&year=" + year, http.StatusBadRequest},
			{access.Worker, "year=" + year, http.StatusForbidden},
		} {
			if r := h.api(t, c.role, "GET", "/api/v1/spm/trend?"+c.query, nil); r.Status != c.status {
				t.Errorf("%s ?%s: %d, want %d\n%.300s", c.role, c.query, r.Status, c.status, r.Body)
			}
		}
	})
}

// The keys the dashboard builds from a jenis exist in both languages.
func TestSPMDashboardKeys(t *testing.T) {
	keys := map[string]bool{}
	for _, s := range spm.Services {
		keys["spm.short."+string(s.Jenis)] = true
	}
	for _, st := range spm.ReportStatuses {
		keys["spmreport.status."+string(st)] = true
	}
	cat := expectKeys(t, keys, 14)
	if cat.T(i18n.EN, "spm.trend.q", 2) != "Q2" || cat.T(i18n.ID, "spm.trend.q", 2) != "TW2" {
		t.Error("the quarter's short name")
	}
}

package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/casework"
	"github.com/layan-id/layan/internal/demo"
	"github.com/layan-id/layan/internal/unit"
)

// figuresUnits is the unit each caller of the role × route matrix names
// for the figures: one in their scope ("" for a supervisor: their own).
var figuresUnits = map[access.Role]string{
	access.Worker: "salatiga", access.Planner: "salatiga", access.Verifier: "lks-salatiga", access.National: "kupang",
	access.Admin: "salatiga", sulselAdmin: "makassar",
}

// figuresQueryOf is the query of GET /case-figures for the matrix.
func figuresQueryOf(fx *fixture, a actor) string {
	key := figuresUnits[a.key]
	if key == "" {
		return "from=" + wibToday()[:4] + "-01-01"
	}
	return "unit=" + strconv.FormatInt(fx.unit(key).ID, 10)
}

// figuresWorld names the demo units by key and adds an admin of Sulawesi
// Selatan, as the matrix's fixture does, without its cases.
func figuresWorld(t *testing.T, h *harness) map[string]string {
	t.Helper()
	ctx := context.Background()
	all, _, err := unit.List(ctx, h.db, access.Scope{All: true}, unit.Filter{Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for key, name := range demoUnits {
		for _, u := range all {
			if u.Name == name {
				ids[key] = strconv.FormatInt(u.ID, 10)
			}
		}
	}
	admin, pw, err := access.CreateUser(ctx, h.db, audit.System("test"), access.Scope{All: true},
		access.UserInput{Username: string(sulselAdmin), FullName: "Andi Makkasau (uji)", Role: access.Admin, Region: "73"})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := access.CreateToken(ctx, h.db, admin.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	h.accounts[sulselAdmin] = demo.Account{Username: admin.Username, Role: access.Admin, Password: pw}
	h.tokens[sulselAdmin] = tok
	return ids
}

// Who gets which unit's figures through the API, and how bad input is
// answered: every answer is checked against the OpenAPI document.
func TestFiguresAPI(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		units := figuresWorld(t, h)
		w := newCaseWorld(t, h)
		c := w.open(t) // a case of the Salatiga unit, opened today
		w.act(t, access.Worker, c.ID, "add_note")
		get := func(role access.Role, query string) (apiResponse, casework.Figures) {
			t.Helper()
			r := h.api(t, role, "GET", "/api/v1/case-figures?"+query, nil)
			var f casework.Figures
			if r.Status == http.StatusOK {
				r.decode(t, &f)
			}
			return r, f
		}
		for _, c := range []struct {
			role    access.Role
			query   string
			status  int
			workers bool
		}{
			{access.Supervisor, "", http.StatusOK, true},
			{access.Supervisor, "unit=" + units["salatiga"], http.StatusOK, true},
			{access.Supervisor, "unit=" + units["lks-salatiga"], http.StatusForbidden, false},
			{access.Supervisor, "unit=" + units["makassar"], http.StatusForbidden, false},
			{access.Worker, "", http.StatusForbidden, false},
			{access.Worker, "unit=" + units["salatiga"], http.StatusForbidden, false},
			{access.Planner, "unit=" + units["salatiga"], http.StatusOK, false},
			{access.Planner, "unit=" + units["lks-salatiga"], http.StatusOK, false},
			{access.Planner, "unit=" + units["jateng"], http.StatusForbidden, false},
			{access.Planner, "", http.StatusBadRequest, false},
			{access.Verifier, "unit=" + units["salatiga"], http.StatusOK, false},
			{access.Verifier, "unit=" + units["makassar"], http.StatusForbidden, false},
			{access.National, "unit=" + units["kupang"], http.StatusOK, false},
			{access.Admin, "unit=" + units["makassar"], http.StatusOK, true},
			{access.Admin, "", http.StatusBadRequest, false},
			{access.Admin, "unit=987654321", http.StatusForbidden, false},
			{sulselAdmin, "unit=" + units["makassar"], http.StatusOK, true},
			{sulselAdmin, "unit=" + units["salatiga"], http.StatusForbidden, false},
			{"", "", http.StatusUnauthorized, false},
		} {
			r, f := get(c.role, c.query)
			if r.Status != c.status {
				t.Errorf("%s ?%s: status %d, want %d\n%.300s", c.role, c.query, r.Status, c.status, r.Body)
				continue
			}
			if r.Status == http.StatusOK && (f.Workers != nil) != c.workers {
				t.Errorf("%s ?%s: workers %v, want them: %v", c.role, c.query, f.Workers != nil, c.workers)
			}
			if r.Status == http.StatusForbidden && strings.Contains(string(r.Body), "Dinas Sosial") {
				t.Errorf("%s ?%s: a refusal names a unit: %s", c.role, c.query, r.Body)
			}
		}

		// The Salatiga supervisor's figures hold the case just opened, and
		// the demo worker with it.
		_, f := get(access.Supervisor, "")
		if f.Open < 1 || f.Opened < 1 || f.Stages[0].Stage != casework.PendekatanAwal || f.Stages[0].Count < 1 ||
			f.Durations.ToAssessment.Days != nil && f.Durations.ToAssessment.N == 0 {
			t.Errorf("figures %+v", f)
		}
		found := false
		for _, it := range f.Workers.Items {
			if it.ID == w.worker.ID && it.Open >= 1 {
				found = true
			}
		}
		if !found {
			t.Errorf("the demo worker is not in the caseload: %+v", f.Workers)
		}
		// A planner gets the same counts, without anyone's name.
		_, pf := get(access.Planner, "unit="+units["salatiga"])
		if pf.Open != f.Open || pf.Opened != f.Opened || pf.Overdue != f.Overdue {
			t.Errorf("planner's counts %+v differ from the supervisor's %+v", pf, f)
		}

		// Bad input: 400 naming the parameter, in the caller's language.
		for _, c := range []struct{ query, field string }{
			{"from=2026-13-01", "from"},
			{"to=kemarin", "to"},
			{"from=2026-03-02&to=2026-03-01", "from"},
			{"from=1900-01-01&to=2026-01-01", "to"},
			{"unit=abc", "unit"},
			{"unit=-3", "unit"},
			{"page=0", "page"},
		} {
			r, _ := get(access.Supervisor, c.query)
			var p struct {
				Errors []struct{ Field, Detail string } `json:"errors"`
			}
			r.decode(t, &p)
			if r.Status != http.StatusBadRequest || len(p.Errors) != 1 || p.Errors[0].Field != c.field || p.Errors[0].Detail == "" ||
				strings.Contains(p.Errors[0].Detail, "figures.") || strings.Contains(p.Errors[0].Detail, "field.") {
				t.Errorf("?%s: status %d %s, want 400 naming %s", c.query, r.Status, r.Body, c.field)
			}
		}
	})
}

// The page "Angka unit" in both languages: the supervisor's with the
// caseload and a link from the work view; a planner's without it, and a
// hint where to choose a unit when none is named.
func TestFiguresPage(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		units := figuresWorld(t, h)
		cw := newCaseWorld(t, h)
		cw.open(t)
		rawKey := regexp.MustCompile(`>\s*(figures|caseui|field|role)\.[a-z_.]+\s*<|%!`)
		for _, lang := range []string{"id", "en"} {
			sup, planner, worker := h.browser(access.Supervisor), h.browser(access.Planner), h.browser(access.Worker)
			for _, c := range []*http.Client{sup, planner, worker} {
				if status, _ := h.page(t, c, "POST", "/lang", map[string][]string{"lang": {lang}, "next": {"/"}}); status >= 400 {
					t.Fatalf("lang: %d", status)
				}
			}
			title := map[string]string{"id": "Angka unit", "en": "Unit figures"}[lang]
			status, page := h.page(t, sup, "GET", "/case-figures", nil)
			if status != http.StatusOK || !strings.Contains(page, title) || !strings.Contains(page, "Dinas Sosial Kota Salatiga") ||
				!strings.Contains(page, cw.worker.FullName) {
				t.Errorf("%s: supervisor's page: %d\n%.2000s", lang, status, page)
			}
			if m := rawKey.FindString(page); m != "" {
				t.Errorf("%s: supervisor's page shows %q", lang, m)
			}
			checkPageIDs(t, lang+" figures", page)
			_, work := h.page(t, sup, "GET", "/work", nil)
			if !strings.Contains(work, `href="/case-figures"`) {
				t.Errorf("%s: the supervisor's work view has no link to the figures", lang)
			}
			_, work = h.page(t, worker, "GET", "/work", nil)
			if strings.Contains(work, `href="/case-figures"`) {
				t.Errorf("%s: a worker's work view links to the figures", lang)
			}
			if status, _ := h.page(t, worker, "GET", "/case-figures", nil); status != http.StatusForbidden {
				t.Errorf("%s: a worker opened the figures: %d", lang, status)
			}
			status, page = h.page(t, planner, "GET", "/case-figures?unit="+units["salatiga"], nil)
			hidden := map[string]string{"id": "hanya terlihat oleh supervisor", "en": "and to admins only"}[lang]
			if status != http.StatusOK || !strings.Contains(page, hidden) || strings.Contains(page, "<th scope=\"col\">"+
				map[string]string{"id": "Asesmen terlambat", "en": "Assessments overdue"}[lang]) {
				t.Errorf("%s: planner's page: %d\n%.2000s", lang, status, page)
			}
			if m := rawKey.FindString(page); m != "" {
				t.Errorf("%s: planner's page shows %q", lang, m)
			}
			status, page = h.page(t, planner, "GET", "/case-figures", nil)
			if status != http.StatusOK || !strings.Contains(page, `href="/units"`) {
				t.Errorf("%s: planner's page without a unit: %d", lang, status)
			}
			if status, _ := h.page(t, planner, "GET", "/case-figures?unit="+units["makassar"], nil); status != http.StatusForbidden {
				t.Errorf("%s: planner opened Makassar's figures: %d", lang, status)
			}
			if status, page := h.page(t, sup, "GET", "/case-figures?from=2026-03-02&to=2026-03-01", nil); status != http.StatusBadRequest ||
				!strings.Contains(page, map[string]string{"id": "Tanggal awal tidak boleh", "en": "must not be after"}[lang]) {
				t.Errorf("%s: reversed period: %d", lang, status)
			}
		}
	})
}

// The messages the figures name exist in both languages.
func TestFiguresCatalogKeys(t *testing.T) {
	keys := map[string]bool{}
	catalogKeys(t, keys, `"((?:figures|field|error)\.[a-z_.]+)"`, "figures.go", "../casework/figures.go")
	expectKeys(t, keys, 5)
}

package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/i18n"
	"github.com/layan-id/layan/internal/spm"
	"github.com/layan-id/layan/internal/web"
)

// Helpers of the role × route matrix for the SPM catalog: every route with
// a version in its path gets a draft made for the request, a fresh copy of
// the version in force, so its version is 1; {jenis} is catalogMatrixJenis.

const catalogMatrixJenis = spm.AnakLuarPanti

// wholeDeploymentOnly reports whether the domain refuses a the step of rt
// because it changes what the whole deployment shares (the SPM catalog)
// and a is the admin of one region (the matrix's Sulawesi Selatan admin).
func wholeDeploymentOnly(a actor, rt web.Route) bool {
	return requests[rt.Pattern()].wholeDeployment && a.key == sulselAdmin
}

// catalogDraft makes a draft copy of the version in force, as the
// deployment's admin, and returns its id.
func (fx *fixture) catalogDraft() string {
	fx.t.Helper()
	ctx := context.Background()
	active, err := spm.ActiveCatalog(ctx, fx.h.db)
	if err != nil {
		fx.t.Fatal(err)
	}
	admin := fx.currentUser(fx.h.accounts[access.Admin].Username)
	c, err := (&spm.Catalogs{DB: fx.h.db}).Copy(ctx, audit.System("test"), admin, spm.CatalogCopyInput{From: active.ID,
		Name: fx.uniqueName("Draf matriks"), Regulation: "Permensos 9/2018", ValidFrom: "2018-07-06"})
	if err != nil {
		fx.t.Fatal(err)
	}
	return strconv.FormatInt(c.ID, 10)
}

func (fx *fixture) activeCatalogID() int64 {
	fx.t.Helper()
	c, err := spm.ActiveCatalog(context.Background(), fx.h.db)
	if err != nil {
		fx.t.Fatal(err)
	}
	return c.ID
}

// catalogJenisBody is a valid jenis edit at version 1.
func catalogJenisBody() spm.CatalogJenisInput {
	in := spm.SeedCatalogVersion().InputOf(catalogMatrixJenis)
	in.Version = 1
	return in
}

// catalogJenisForm is the same edit as the page's form sends it.
func catalogJenisForm(in spm.CatalogJenisInput) url.Values {
	f := url.Values{"version": {strconv.Itoa(in.Version)}, "name": {in.Name}, "penerima": {in.Penerima}, "source": {in.Source}}
	for i, it := range in.Items {
		at := "items." + strconv.Itoa(i) + "."
		f.Set(at+"code", it.Code)
		f.Set(at+"name", it.Name)
		f.Set(at+"unit_label", it.UnitLabel)
		f.Set(at+"note", it.Note)
	}
	return f
}

func uiBodyCatalogCopy(fx *fixture, _ actor, _ string) any {
	return url.Values{"from": {strconv.FormatInt(fx.activeCatalogID(), 10)}, "name": {fx.uniqueName("Salinan UI")},
		"regulation": {"Permensos 9/2018"}, "valid_from": {"2018-07-06"}}
}

func apiBodyCatalogCopy(fx *fixture, _ actor, _ string) any {
	return map[string]any{"from": fx.activeCatalogID(), "name": fx.uniqueName("Salinan API"),
		"regulation": "Permensos 9/2018", "valid_from": "2018-07-06"}
}

func uiBodyCatalogJenis(*fixture, actor, string) any  { return catalogJenisForm(catalogJenisBody()) }
func apiBodyCatalogJenis(*fixture, actor, string) any { return catalogJenisBody() }
func uiBodyCatalogActivate(*fixture, actor, string) any {
	return url.Values{"version": {"1"}}
}
func apiBodyCatalogActivate(*fixture, actor, string) any { return map[string]any{"version": 1} }

// catalogProblem is the part of a problem the catalog tests read.
type catalogProblem struct {
	Code   string `json:"code"`
	Detail string `json:"detail"`
	Errors []struct {
		Field   string `json:"field"`
		Pointer string `json:"pointer"`
	} `json:"errors"`
}

// The catalog API as each role meets it: read by the SPM roles, changed by
// the deployment's admin alone, a draft's life from copy to activation,
// and its refusals. Every exchange is checked against api/openapi.yaml.
func TestCatalogAPI(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		figuresWorld(t, h) // the admin of Sulawesi Selatan
		var list struct {
			Items []spm.Catalog `json:"items"`
		}
		r := h.api(t, access.Planner, "GET", "/api/v1/spm/catalogs", nil)
		if r.Status != http.StatusOK {
			t.Fatalf("list: %d %s", r.Status, r.Body)
		}
		r.decode(t, &list)
		if len(list.Items) != 1 || list.Items[0].Status != spm.CatalogActive || list.Items[0].Name != spm.SeedCatalogName {
			t.Fatalf("list %+v", list.Items)
		}
		first := list.Items[0]
		path := "/api/v1/spm/catalogs/" + strconv.FormatInt(first.ID, 10)
		for _, role := range []access.Role{access.Verifier, access.National, access.Admin, sulselAdmin} {
			if r := h.api(t, role, "GET", path, nil); r.Status != http.StatusOK {
				t.Errorf("%s reads a version: %d", role, r.Status)
			}
		}
		var whole spm.Catalog
		h.api(t, access.Planner, "GET", path, nil).decode(t, &whole)
		if len(whole.Jenis) != 10 || whole.Jenis[0].Jenis != spm.DisabilitasDalamPanti || whole.Jenis[9].Jenis != spm.BencanaKabKota {
			t.Errorf("version with %d jenis", len(whole.Jenis))
		}
		for _, c := range []struct {
			role access.Role
			want int
		}{{"", 401}, {access.Worker, 403}, {access.Supervisor, 403}} {
			if r := h.api(t, c.role, "GET", "/api/v1/spm/catalogs", nil); r.Status != c.want {
				t.Errorf("list as %q: %d, want %d", c.role, r.Status, c.want)
			}
		}
		if r := h.api(t, access.Planner, "GET", "/api/v1/spm/catalogs/999999", nil); r.Status != http.StatusNotFound {
			t.Errorf("unknown version: %d", r.Status)
		}

		// A draft, copied by the deployment's admin only.
		copyBody := map[string]any{"from": first.ID, "name": "Permensos 9/2018 (revisi)", "regulation": "Permensos 9/2018",
			"valid_from": "2018-07-06", "note": "Diperiksa terhadap Lampiran"}
		if r := h.api(t, access.Planner, "POST", "/api/v1/spm/catalogs", copyBody); r.Status != http.StatusForbidden {
			t.Errorf("planner copies: %d", r.Status)
		}
		r = h.api(t, sulselAdmin, "POST", "/api/v1/spm/catalogs", copyBody)
		var p catalogProblem
		r.decode(t, &p)
		if r.Status != http.StatusForbidden || p.Detail != h.cat.T("id", "spmcatalog.whole_deployment") {
			t.Errorf("admin of one region copies: %d %s", r.Status, r.Body)
		}
		r = h.api(t, access.Admin, "POST", "/api/v1/spm/catalogs", copyBody)
		if r.Status != http.StatusCreated {
			t.Fatalf("copy: %d %s", r.Status, r.Body)
		}
		var draft spm.Catalog
		r.decode(t, &draft)
		draftPath := "/api/v1/spm/catalogs/" + strconv.FormatInt(draft.ID, 10)
		if r.Header.Get("Location") != draftPath || draft.Status != spm.CatalogDraft || draft.Version != 1 || len(draft.Jenis) != 10 {
			t.Errorf("draft at %s: %+v", r.Header.Get("Location"), draft)
		}
		r = h.api(t, access.Admin, "POST", "/api/v1/spm/catalogs", copyBody)
		p = catalogProblem{}
		r.decode(t, &p)
		if r.Status != http.StatusUnprocessableEntity || len(p.Errors) != 1 || p.Errors[0].Field != "name" {
			t.Errorf("copy under a taken name: %d %s", r.Status, r.Body)
		}

		// Edit a jenis of the draft.
		in := draft.InputOf(spm.GepengLuarPanti)
		in.Items[0].Note = "Paling lama 7 (tujuh) hari; diperiksa."
		jenisPath := draftPath + "/jenis/" + string(spm.GepengLuarPanti)
		r = h.api(t, access.Admin, "PUT", jenisPath, in)
		if r.Status != http.StatusOK {
			t.Fatalf("edit: %d %s", r.Status, r.Body)
		}
		var edited spm.Catalog
		r.decode(t, &edited)
		if gl, _ := edited.Of(spm.GepengLuarPanti); edited.Version != 2 || gl.Items[0].Note != in.Items[0].Note {
			t.Errorf("edited version %d: %+v", edited.Version, gl.Items[0])
		}
		// The refusals: stale, a bad code, no version, an unknown jenis,
		// the version in force, a planner.
		r = h.api(t, access.Admin, "PUT", jenisPath, in)
		p = catalogProblem{}
		r.decode(t, &p)
		if r.Status != http.StatusConflict || p.Code != "stale_version" {
			t.Errorf("stale edit: %d %s", r.Status, r.Body)
		}
		bad := edited.InputOf(spm.GepengLuarPanti)
		bad.Items[1].Code = "Sandang Baju"
		r = h.api(t, access.Admin, "PUT", jenisPath, bad)
		p = catalogProblem{}
		r.decode(t, &p)
		if r.Status != http.StatusUnprocessableEntity || len(p.Errors) != 1 || p.Errors[0].Pointer != "/items.1.code" {
			t.Errorf("bad code: %d %s", r.Status, r.Body)
		}
		noVersion := edited.InputOf(spm.GepengLuarPanti)
		noVersion.Version = 0
		if r := h.api(t, access.Admin, "PUT", jenisPath, noVersion); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("edit without a version: %d", r.Status)
		}
		if r := h.api(t, access.Admin, "PUT", draftPath+"/jenis/napza_luar_panti", edited.InputOf(spm.GepengLuarPanti)); r.Status != http.StatusNotFound {
			t.Errorf("unknown jenis: %d", r.Status)
		}
		r = h.api(t, access.Admin, "PUT", path+"/jenis/"+string(spm.GepengLuarPanti), whole.InputOf(spm.GepengLuarPanti))
		p = catalogProblem{}
		r.decode(t, &p)
		if r.Status != http.StatusConflict || p.Code != "catalog_not_draft" {
			t.Errorf("edit of the version in force: %d %s", r.Status, r.Body)
		}
		if r := h.api(t, access.Planner, "PUT", jenisPath, edited.InputOf(spm.GepengLuarPanti)); r.Status != http.StatusForbidden {
			t.Errorf("planner edits: %d", r.Status)
		}
		if r := h.api(t, access.Admin, "PUT", jenisPath, `{"version": 2, "items": "none"}`); r.Status != http.StatusBadRequest {
			t.Errorf("malformed body: %d", r.Status)
		}

		// Activate.
		if r := h.api(t, access.Admin, "POST", draftPath+"/activate", map[string]any{"version": 1}); r.Status != http.StatusConflict {
			t.Errorf("stale activation: %d", r.Status)
		}
		r = h.api(t, access.Admin, "POST", draftPath+"/activate", map[string]any{"version": edited.Version})
		if r.Status != http.StatusOK {
			t.Fatalf("activate: %d %s", r.Status, r.Body)
		}
		list.Items = nil
		h.api(t, access.National, "GET", "/api/v1/spm/catalogs", nil).decode(t, &list)
		if len(list.Items) != 2 || catalogStatusIn(list.Items, first.ID) != spm.CatalogRetired ||
			catalogStatusIn(list.Items, draft.ID) != spm.CatalogActive {
			t.Errorf("after activation: %+v", list.Items)
		}

		// Every change is in the audit log, which the admin reads.
		var log struct {
			Items []audit.Item `json:"items"`
		}
		h.api(t, access.Admin, "GET", "/api/v1/audit?entity=spm_catalog", nil).decode(t, &log)
		var actions []string
		for _, it := range log.Items {
			actions = append(actions, it.Action)
		}
		if got := strings.Join(actions, " "); got != "activate deactivate update create" {
			t.Errorf("audit of the catalog: %s", got)
		}
	})
}

func catalogStatusIn(list []spm.Catalog, id int64) spm.CatalogStatus {
	for _, c := range list {
		if c.ID == id {
			return c.Status
		}
	}
	return ""
}

// The page: read-only for the SPM roles; for the deployment's admin, a
// draft made, one jenis edited (a bad code shown at its field), and
// activated, in both languages.
func TestCatalogPage(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		active, err := spm.ActiveCatalog(ctx, h.db)
		if err != nil {
			t.Fatal(err)
		}
		planner := h.browser(access.Planner)
		status, body := h.page(t, planner, "GET", "/spm/catalog", nil)
		if status != http.StatusOK || !strings.Contains(body, "Permensos 9/2018") ||
			!strings.Contains(body, h.cat.T("id", "spmcatalog.read_only")) || strings.Contains(body, `<form method="post" action="/spm/catalog`) {
			t.Errorf("planner's page: %d\n%.2000s", status, body)
		}
		if !strings.Contains(body, "Rehabilitasi sosial dasar tuna sosial khususnya gelandangan dan pengemis di luar panti") ||
			!strings.Contains(body, "<code>akses_pendidikan_kesehatan</code>") || !strings.Contains(body, h.cat.T("id", "spmcatalog.unconfirmed")) {
			t.Error("the page lacks the jenis, their items or the unconfirmed mark")
		}
		if status, _ := h.page(t, h.browser(access.Worker), "GET", "/spm/catalog", nil); status != http.StatusForbidden {
			t.Errorf("worker: %d", status)
		}
		if status, _ := h.page(t, planner, "POST", "/spm/catalog", url.Values{"from": {"1"}}); status != http.StatusForbidden {
			t.Errorf("planner posts a copy: %d", status)
		}

		admin := h.browser(access.Admin)
		status, body = h.page(t, admin, "GET", "/spm/catalog", nil)
		if status != http.StatusOK || !strings.Contains(body, `action="/spm/catalog"`) || !strings.Contains(body, h.cat.T("id", "spmcatalog.frozen_hint")) {
			t.Errorf("admin's page: %d", status)
		}
		// A copy with a missing name comes back with the error at its field.
		status, body = h.page(t, admin, "POST", "/spm/catalog", url.Values{"from": {strconv.FormatInt(active.ID, 10)},
			"regulation": {"Permensos baru"}, "valid_from": {"2026-01-01"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="c-name-err"`) || !strings.Contains(body, "Permensos baru") {
			t.Errorf("copy without a name: %d", status)
		}
		resp := catalogPost(t, h, admin, "/spm/catalog", url.Values{"from": {strconv.FormatInt(active.ID, 10)},
			"name": {"Permensos baru"}, "regulation": {"Permensos baru"}, "valid_from": {"2026-01-01"}})
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !regexp.MustCompile(`^/spm/catalog/\d+$`).MatchString(loc) {
			t.Fatalf("copy: %d to %q", resp.StatusCode, loc)
		}
		id := strings.TrimPrefix(loc, "/spm/catalog/")
		status, body = h.page(t, admin, "GET", loc+"?edit="+string(spm.GepengLuarPanti), nil)
		if status != http.StatusOK || !strings.Contains(body, `action="/spm/catalog/`+id+`/jenis/gepeng_luar_panti"`) ||
			!strings.Contains(body, `name="items.10.code" value="rujukan"`) || !strings.Contains(body, `name="items.13.code" value=""`) {
			t.Errorf("edit form: %d", status)
		}
		if status, _ := h.page(t, admin, "GET", loc+"?edit=bukan_jenis", nil); status != http.StatusBadRequest {
			t.Errorf("edit of no jenis: %d", status)
		}
		// A bad code is shown at its row, the rows kept as sent; a blank
		// row is dropped (the item removed).
		draft, err := (&spm.Catalogs{DB: h.db}).Get(ctx, access.User{Role: access.Admin}, catalogID(t, id))
		if err != nil {
			t.Fatal(err)
		}
		form := catalogJenisForm(draft.InputOf(spm.GepengLuarPanti))
		form.Set("items.2.code", "Alat Bantu")
		for _, f := range []string{"code", "name", "unit_label", "note"} {
			form.Set("items.10."+f, "")
		}
		status, body = h.page(t, admin, "POST", "/spm/catalog/"+id+"/jenis/gepeng_luar_panti", form)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="i2-code-err"`) ||
			!strings.Contains(body, `aria-describedby="i2-code-hint i2-code-err" aria-invalid="true"`) || !strings.Contains(body, `value="Alat Bantu"`) {
			t.Errorf("bad code: %d\n%.3000s", status, body)
		}
		form.Set("items.2.code", "alat_bantu")
		if resp := catalogPost(t, h, admin, "/spm/catalog/"+id+"/jenis/gepeng_luar_panti", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit: %d", resp.StatusCode)
		}
		after, _ := (&spm.Catalogs{DB: h.db}).Get(ctx, access.User{Role: access.Admin}, catalogID(t, id))
		if gl, _ := after.Of(spm.GepengLuarPanti); len(gl.Items) != 10 || after.Version != 2 {
			t.Errorf("after the edit: version %d, %d items", after.Version, len(gl.Items))
		}
		// The same form again is stale: it comes back with the reason.
		status, body = h.page(t, admin, "POST", "/spm/catalog/"+id+"/jenis/gepeng_luar_panti", form)
		if status != http.StatusConflict || !strings.Contains(body, h.cat.T("id", "spmcatalog.stale")) || !strings.Contains(body, `id="e-name"`) {
			t.Errorf("stale edit: %d", status)
		}
		// Activate, stale first.
		if status, body := h.page(t, admin, "POST", "/spm/catalog/"+id+"/activate", url.Values{"version": {"1"}}); status != http.StatusConflict ||
			!strings.Contains(body, h.cat.T("id", "spmcatalog.stale")) {
			t.Errorf("stale activation: %d", status)
		}
		if resp := catalogPost(t, h, admin, "/spm/catalog/"+id+"/activate", url.Values{"version": {"2"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("activate: %d", resp.StatusCode)
		}
		if a, _ := spm.ActiveCatalog(ctx, h.db); strconv.FormatInt(a.ID, 10) != id {
			t.Errorf("active %d, want %s", a.ID, id)
		}
		// Both languages render, for the admin and the planner.
		for _, c := range []*http.Client{admin, planner} {
			for _, lang := range []string{"en", "id"} {
				catalogPost(t, h, c, "/lang", url.Values{"lang": {lang}, "next": {"/"}})
				for _, path := range []string{"/spm/catalog", "/spm/catalog/" + strconv.FormatInt(active.ID, 10)} {
					status, body := h.page(t, c, "GET", path, nil)
					if status != http.StatusOK || strings.Contains(body, "internal error") || !strings.Contains(body, `<html lang="`+lang+`">`) ||
						!strings.Contains(body, h.cat.T(i18n.Parse(lang), "spmcatalog.title")) {
						t.Errorf("%s %s: %d", lang, path, status)
					}
				}
			}
		}
	})
}

func catalogID(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// catalogPost posts a form with client c and returns the answer, closed.
func catalogPost(t *testing.T, h *harness, c *http.Client, path string, form url.Values) *http.Response {
	t.Helper()
	resp, err := c.PostForm(h.http.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// Every message key the catalog's code names exists in both languages,
// with a name for each status.
func TestCatalogCatalogKeys(t *testing.T) {
	keys := map[string]bool{}
	catalogKeys(t, keys, `"((?:spmcatalog|field|error)\.[a-z_.]+)"`, "spmcatalog.go", "../spm/catalog.go", "../spm/catalog_store.go")
	for _, st := range spm.CatalogStatuses {
		keys["spmcatalog.status."+string(st)] = true
	}
	keys["audit.entity.spm_catalog"] = true
	expectKeys(t, keys, 20)
}

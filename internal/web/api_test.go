package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/layan-id/layan/api"
	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/unit"
	"github.com/layan-id/layan/internal/web"
	"github.com/layan-id/layan/internal/wilayah"
)

// The JSON API, end to end on both engines. Every call goes through h.api
// (or sendChecked), which also holds the exchange against api/openapi.yaml,
// so these tests check the document as much as the handlers.

// TestOpenAPIDocumentsEveryRoute holds the route table and the document
// against each other in both directions, and checks that the server serves
// the document it embeds.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	h := newHarness(t, dbtest.SQLite)

	var doc struct {
		Paths map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(api.YAML(), &doc); err != nil {
		t.Fatal(err)
	}
	// documented is "METHOD path" → the operation.
	documented := map[string]map[string]any{}
	for path, item := range doc.Paths {
		for key, op := range item {
			method := strings.ToUpper(key)
			switch method {
			case "GET", "PUT", "POST", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE":
				m, ok := op.(map[string]any)
				if !ok {
					t.Fatalf("%s %s: operation is %T", method, path, op)
				}
				documented[method+" "+path] = m
			}
		}
	}

	routed := map[string]web.Route{}
	for _, rt := range h.server.Routes() {
		if !rt.API {
			if strings.HasPrefix(rt.Path, "/api/") {
				t.Errorf("%s is under /api/ but not an API route", rt.Pattern())
			}
			continue
		}
		if !strings.HasPrefix(rt.Path, "/api/v1/") {
			t.Errorf("API route %s is not under /api/v1/", rt.Pattern())
		}
		routed[rt.Pattern()] = rt
	}
	if len(routed) == 0 {
		t.Fatal("no API routes")
	}
	for pattern, rt := range routed {
		op, ok := documented[pattern]
		if !ok {
			t.Errorf("route %s is not in api/openapi.yaml", pattern)
			continue
		}
		// A public route says it needs no credential; the others keep the
		// document's default and say what happens without one.
		sec, overrides := op["security"]
		responses, _ := op["responses"].(map[string]any)
		if rt.Perm == access.Public {
			if list, _ := sec.([]any); !overrides || len(list) != 0 {
				t.Errorf("%s is public but its operation does not say security: []", pattern)
			}
		} else {
			if overrides {
				t.Errorf("%s needs an account but its operation overrides security", pattern)
			}
			if _, ok := responses["401"]; !ok {
				t.Errorf("%s needs an account but documents no 401", pattern)
			}
		}
		if _, ok := op["operationId"]; !ok {
			t.Errorf("%s has no operationId", pattern)
		}
	}
	for pattern := range documented {
		if _, ok := routed[pattern]; !ok {
			t.Errorf("api/openapi.yaml documents %s, which no route serves", pattern)
		}
	}

	// The served document is the YAML one, as JSON, to anyone.
	r := h.api(t, "", "GET", "/api/v1/openapi.json", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("openapi.json: status %d", r.Status)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("openapi.json: Content-Type %q", ct)
	}
	var served map[string]any
	r.decode(t, &served)
	if v, _ := served["openapi"].(string); !strings.HasPrefix(v, "3.1") {
		t.Errorf("openapi.json: openapi = %v, want 3.1.x", served["openapi"])
	}
	want, err := api.Document()
	if err != nil {
		t.Fatal(err)
	}
	// Through JSON once, so that numbers and maps compare alike.
	b, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	var wantJSON map[string]any
	if err := json.Unmarshal(b, &wantJSON); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(served, wantJSON) {
		t.Error("openapi.json differs from api/openapi.yaml")
	}
}

func TestAPIRegions(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		type regionList struct {
			Items []wilayah.Region `json:"items"`
			Total int              `json:"total"`
			Page  int              `json:"page"`
			Size  int              `json:"size"`
		}
		list := func(t *testing.T, path string) regionList {
			t.Helper()
			r := h.api(t, access.Worker, "GET", path, nil)
			if r.Status != http.StatusOK {
				t.Fatalf("%s: status %d: %s", path, r.Status, r.Body)
			}
			var l regionList
			r.decode(t, &l)
			return l
		}

		t.Run("provinces", func(t *testing.T) {
			r := h.api(t, access.Worker, "GET", "/api/v1/regions", nil)
			if r.Status != http.StatusOK {
				t.Fatalf("status %d", r.Status)
			}
			// Decoded loosely too: a province's parent must be JSON null,
			// not "" (which Region's own decoder would hide).
			var raw struct {
				Items []map[string]any `json:"items"`
				Total int              `json:"total"`
			}
			r.decode(t, &raw)
			if len(raw.Items) != 38 || raw.Total != 38 {
				t.Fatalf("%d provinces, total %d; want 38", len(raw.Items), raw.Total)
			}
			for _, it := range raw.Items {
				if p, ok := it["parent"]; !ok || p != nil {
					t.Errorf("province %v: parent %#v, want null", it["code"], p)
				}
				if it["level"] != "province" {
					t.Errorf("province %v: level %v", it["code"], it["level"])
				}
			}
			var l regionList
			r.decode(t, &l)
			if !sortedByCode(l.Items) {
				t.Error("provinces not sorted by code")
			}
			if i := indexOfCode(l.Items, "33"); i < 0 || l.Items[i].Name != "Jawa Tengah" {
				t.Error("Jawa Tengah (33) missing")
			}
		})

		t.Run("children", func(t *testing.T) {
			l := list(t, "/api/v1/regions?parent=33.73")
			i := indexOfCode(l.Items, "33.73.04")
			if i < 0 {
				t.Fatalf("33.73.04 not among the children of Kota Salatiga: %v", l.Items)
			}
			if got := l.Items[i]; got.Name != "Sidomukti" || got.Level != wilayah.District || got.Parent != "33.73" {
				t.Errorf("33.73.04 = %+v", got)
			}
			for _, c := range l.Items {
				if c.Parent != "33.73" || c.Level != wilayah.District {
					t.Errorf("child %+v of 33.73", c)
				}
			}
			if l.Total != 4 || len(l.Items) != 4 {
				t.Errorf("Kota Salatiga has %d kecamatan (total %d), want 4", len(l.Items), l.Total)
			}
			// The same list by the undotted code.
			if u := list(t, "/api/v1/regions?parent=3373"); !reflect.DeepEqual(u.Items, l.Items) {
				t.Errorf("parent=3373 gives %v, parent=33.73 gives %v", u.Items, l.Items)
			}
			// A village has no children.
			if v := list(t, "/api/v1/regions?parent=33.73.04.1001"); len(v.Items) != 0 || v.Total != 0 {
				t.Errorf("children of a village: %v", v.Items)
			}
		})

		t.Run("one", func(t *testing.T) {
			for _, code := range []string{"33.73.04.1001", "3373041001"} {
				r := h.api(t, access.Worker, "GET", "/api/v1/regions/"+code, nil)
				if r.Status != http.StatusOK {
					t.Fatalf("%s: status %d", code, r.Status)
				}
				var reg wilayah.Region
				r.decode(t, &reg)
				want := wilayah.Region{Code: "33.73.04.1001", Name: "Kecandran", Level: wilayah.Village, Parent: "33.73.04"}
				if reg != want {
					t.Errorf("%s = %+v, want %+v", code, reg, want)
				}
			}
			r := h.api(t, access.Worker, "GET", "/api/v1/regions/33", nil)
			if !bytes.Contains(r.Body, []byte(`"parent":null`)) {
				t.Errorf("province 33: %s", r.Body)
			}
		})

		t.Run("errors", func(t *testing.T) {
			expectProblem(t, h.api(t, access.Worker, "GET", "/api/v1/regions/99.99", nil), http.StatusNotFound, "")
			expectProblem(t, h.api(t, access.Worker, "GET", "/api/v1/regions/33.7", nil), http.StatusBadRequest, "code")
			expectProblem(t, h.api(t, access.Worker, "GET", "/api/v1/regions/abc", nil), http.StatusBadRequest, "code")
			expectProblem(t, h.api(t, access.Worker, "GET", "/api/v1/regions?parent=3.3", nil), http.StatusBadRequest, "parent")
			expectProblem(t, h.api(t, access.Worker, "GET", "/api/v1/regions?parent=99", nil), http.StatusNotFound, "")
			expectProblem(t, h.api(t, "", "GET", "/api/v1/regions", nil), http.StatusUnauthorized, "")
			expectProblem(t, h.api(t, "", "GET", "/api/v1/regions/33", nil), http.StatusUnauthorized, "")
		})

		t.Run("pages", func(t *testing.T) {
			all := list(t, "/api/v1/regions?parent=33&size=1000")
			if all.Total != 35 || len(all.Items) != 35 || all.Size != 1000 {
				t.Fatalf("Jawa Tengah: %d items, total %d, size %d; want 35 kabupaten/kota", len(all.Items), all.Total, all.Size)
			}
			if !sortedByCode(all.Items) {
				t.Error("not sorted by code")
			}
			var paged []wilayah.Region
			for page := 1; page <= 4; page++ {
				l := list(t, "/api/v1/regions?parent=33&size=10&page="+strconv.Itoa(page))
				if l.Page != page || l.Size != 10 || l.Total != 35 {
					t.Errorf("page %d: page %d size %d total %d", page, l.Page, l.Size, l.Total)
				}
				wantN := min(10, 35-(page-1)*10)
				if len(l.Items) != wantN {
					t.Errorf("page %d: %d items, want %d", page, len(l.Items), wantN)
				}
				paged = append(paged, l.Items...)
			}
			if !reflect.DeepEqual(paged, all.Items) {
				t.Error("pages of 10 do not add up to the whole list in order")
			}
			// The same page twice is the same page.
			a, b := list(t, "/api/v1/regions?parent=33&size=7&page=3"), list(t, "/api/v1/regions?parent=33&size=7&page=3")
			if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(a.Items, all.Items[14:21]) {
				t.Errorf("page 3 of 7: %v", a.Items)
			}
			// Past the end, and far past it, is an empty page.
			for _, q := range []string{"page=5&size=10", "page=9223372036854775807&size=1000", "page=4611686018427387904&size=4"} {
				l := list(t, "/api/v1/regions?parent=33&"+q)
				if len(l.Items) != 0 || l.Total != 35 {
					t.Errorf("%s: %d items, total %d", q, len(l.Items), l.Total)
				}
			}
			// Out-of-range sizes fall back to the bounds.
			if l := list(t, "/api/v1/regions?size=5000"); l.Size != 1000 || len(l.Items) != 38 {
				t.Errorf("size=5000: size %d, %d items", l.Size, len(l.Items))
			}
		})

		t.Run("search", func(t *testing.T) {
			l := list(t, "/api/v1/regions/search?q=salatiga")
			if len(l.Items) == 0 || l.Items[0].Code != "33.73" || l.Items[0].Name != "Kota Salatiga" {
				t.Fatalf("q=salatiga: %v; want Kota Salatiga first", l.Items)
			}
			if l.Total != len(l.Items) || l.Page != 1 || l.Size != 10 || len(l.Items) > 10 {
				t.Errorf("q=salatiga: total %d page %d size %d, %d items", l.Total, l.Page, l.Size, len(l.Items))
			}
			l = list(t, "/api/v1/regions/search?q=kecandran&within=33.73&level=village")
			if len(l.Items) != 1 || l.Items[0].Code != "33.73.04.1001" {
				t.Errorf("kecandran in 33.73: %v", l.Items)
			}
			l = list(t, "/api/v1/regions/search?q=salatiga&level=village&limit=2")
			if len(l.Items) != 2 || l.Size != 2 {
				t.Errorf("limit=2: %v (size %d)", l.Items, l.Size)
			}
			for _, reg := range l.Items {
				if reg.Level != wilayah.Village {
					t.Errorf("level=village gave %+v", reg)
				}
			}
			if l := list(t, "/api/v1/regions/search?q=s"); len(l.Items) != 0 {
				t.Errorf("a one-letter query found %v", l.Items)
			}
			expectProblem(t, h.api(t, access.Worker, "GET", "/api/v1/regions/search?q=sido&level=town", nil), http.StatusBadRequest, "level")
			expectProblem(t, h.api(t, access.Worker, "GET", "/api/v1/regions/search?q=sido&within=33.7", nil), http.StatusBadRequest, "within")
			expectProblem(t, h.api(t, access.Worker, "GET", "/api/v1/regions/search?q=sido&within=99.99", nil), http.StatusNotFound, "")
		})
	})
}

func TestAPIUnits(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		type unitList struct {
			Items []unit.Unit `json:"items"`
			Total int         `json:"total"`
			Page  int         `json:"page"`
			Size  int         `json:"size"`
		}
		list := func(t *testing.T, role access.Role, path string) unitList {
			t.Helper()
			r := h.api(t, role, "GET", path, nil)
			if r.Status != http.StatusOK {
				t.Fatalf("%s as %s: status %d: %s", path, role, r.Status, r.Body)
			}
			var l unitList
			r.decode(t, &l)
			return l
		}

		t.Run("list", func(t *testing.T) {
			l := list(t, access.Admin, "/api/v1/units")
			if l.Total != 8 || len(l.Items) != 8 || l.Page != 1 || l.Size != 25 {
				t.Fatalf("admin sees %d units (total %d, page %d, size %d); want the 8 demo units", len(l.Items), l.Total, l.Page, l.Size)
			}
			if !sort.SliceIsSorted(l.Items, func(i, j int) bool { return l.Items[i].Name < l.Items[j].Name }) {
				t.Error("units not sorted by name")
			}
			for _, u := range l.Items {
				if u.Coverage == nil {
					t.Errorf("%s: coverage is null, want a list", u.Name)
				}
				if u.Province != u.Region.Province() {
					t.Errorf("%s: province %s of region %s", u.Name, u.Province, u.Region)
				}
			}
			sentra := l.Items[slices.IndexFunc(l.Items, func(u unit.Unit) bool { return u.Type == unit.SentraTerpadu })]
			if !reflect.DeepEqual(sentra.Coverage, []wilayah.Code{"31", "32", "36"}) {
				t.Errorf("sentra coverage %v", sentra.Coverage)
			}

			// A worker sees only their own unit.
			w := list(t, access.Worker, "/api/v1/units")
			if w.Total != 1 || len(w.Items) != 1 || w.Items[0].Name != "Dinas Sosial Kota Salatiga" {
				t.Errorf("worker sees %v", w.Items)
			}
			// A verifier of Jawa Tengah sees the units there.
			v := list(t, access.Verifier, "/api/v1/units")
			if v.Total != 3 {
				t.Errorf("verifier of 33 sees %d units, want 3", v.Total)
			}
			for _, u := range v.Items {
				if u.Province != "33" {
					t.Errorf("verifier of 33 sees %s in %s", u.Name, u.Region)
				}
			}

			// Filters and pages.
			if l := list(t, access.Admin, "/api/v1/units?type=dinsos_provinsi"); l.Total != 2 {
				t.Errorf("type=dinsos_provinsi: %d", l.Total)
			}
			if l := list(t, access.Admin, "/api/v1/units?region=3373"); l.Total != 2 {
				t.Errorf("region=3373: %d, want Dinsos and LKS of Salatiga", l.Total)
			}
			if l := list(t, access.Admin, "/api/v1/units?q=MAKASSAR"); l.Total != 1 || l.Items[0].Name != "Dinas Sosial Kota Makassar" {
				t.Errorf("q=MAKASSAR: %v", l.Items)
			}
			p1, p2 := list(t, access.Admin, "/api/v1/units?size=5"), list(t, access.Admin, "/api/v1/units?size=5&page=2")
			if p1.Size != 5 || len(p1.Items) != 5 || p2.Page != 2 || len(p2.Items) != 3 || p2.Total != 8 {
				t.Errorf("pages of 5: %d + %d items (size %d, page %d, total %d)", len(p1.Items), len(p2.Items), p1.Size, p2.Page, p2.Total)
			}
			if got := append(p1.Items, p2.Items...); !reflect.DeepEqual(got, l.Items) {
				t.Error("pages of 5 do not add up to the whole list in order")
			}
			if l := list(t, access.Admin, "/api/v1/units?page=9223372036854775807&size=100"); len(l.Items) != 0 || l.Total != 8 {
				t.Errorf("far page: %d items, total %d", len(l.Items), l.Total)
			}
			expectProblem(t, h.api(t, access.Admin, "GET", "/api/v1/units?type=panti", nil), http.StatusBadRequest, "type")
			expectProblem(t, h.api(t, access.Admin, "GET", "/api/v1/units?region=3.3", nil), http.StatusBadRequest, "region")
			expectProblem(t, h.api(t, "", "GET", "/api/v1/units", nil), http.StatusUnauthorized, "")
		})

		t.Run("create", func(t *testing.T) {
			in := map[string]any{"type": "lks", "name": "LKS Bina Sejahtera Salatiga", "region": "33.73.04",
				"address": "Jl. Diponegoro 1", "phone": "(0298) 123-456"}
			r := h.api(t, access.Admin, "POST", "/api/v1/units", in)
			if r.Status != http.StatusCreated {
				t.Fatalf("create: status %d: %s", r.Status, r.Body)
			}
			var u unit.Unit
			r.decode(t, &u)
			if u.ID == 0 || u.Name != in["name"] || u.Region != "33.73.04" || u.Province != "33" || !u.Active || u.Version != 1 ||
				u.Phone != "(0298) 123-456" || u.Type != unit.LKS || len(u.Coverage) != 0 || u.CreatedAt.IsZero() {
				t.Errorf("created %+v", u)
			}
			loc := r.Header.Get("Location")
			if loc != "/api/v1/units/"+strconv.FormatInt(u.ID, 10) {
				t.Errorf("Location %q for unit %d", loc, u.ID)
			}
			g := h.api(t, access.Admin, "GET", loc, nil)
			var got unit.Unit
			g.decode(t, &got)
			if g.Status != http.StatusOK || !got.CreatedAt.Equal(u.CreatedAt) || got.Name != u.Name || got.Version != 1 {
				t.Errorf("GET %s: %d %+v", loc, g.Status, got)
			}
			// The creation is in the audit log, under this request's id.
			items := auditItems(t, h, "/api/v1/audit?entity=unit&entity_id="+strconv.FormatInt(u.ID, 10))
			if len(items) != 1 {
				t.Fatalf("audit of unit %d: %d records", u.ID, len(items))
			}
			a := items[0]
			if a.Action != audit.Create || a.ActorName != h.accounts[access.Admin].Username || a.ActorID == nil ||
				a.RequestID != r.Header.Get("X-Request-Id") || a.Before != nil || a.After == nil || !strings.Contains(*a.After, "LKS Bina Sejahtera") ||
				a.Region == nil || *a.Region != "33.73.04" {
				t.Errorf("audit record %+v", a)
			}

			// A sentra with a working area, region given as bare digits.
			r = h.api(t, access.Admin, "POST", "/api/v1/units", map[string]any{"type": "sentra", "name": "Sentra Test",
				"region": "3273", "coverage": []string{"33", "32", "32"}})
			if r.Status != http.StatusCreated {
				t.Fatalf("sentra: status %d: %s", r.Status, r.Body)
			}
			r.decode(t, &u)
			if u.Region != "32.73" || !reflect.DeepEqual(u.Coverage, []wilayah.Code{"32", "33"}) {
				t.Errorf("sentra: region %s coverage %v", u.Region, u.Coverage)
			}
		})

		t.Run("refused", func(t *testing.T) {
			valid := `"type":"lks","region":"33.73.04"`
			for _, c := range []struct {
				name   string
				body   any
				status int
				field  string
			}{
				{"unknown region", map[string]any{"type": "lks", "name": "X", "region": "99.99"}, 422, "region"},
				{"malformed region", map[string]any{"type": "lks", "name": "X", "region": "33.7"}, 422, "region"},
				{"name too long", map[string]any{"type": "lks", "name": strings.Repeat("a", 161), "region": "33.73.04"}, 422, "name"},
				{"name missing", map[string]any{"type": "lks", "region": "33.73.04"}, 422, "name"},
				{"name taken", map[string]any{"type": "lks", "name": "LKS Anak Kasih Salatiga", "region": "33.73.04.1001"}, 422, "name"},
				{"unknown type", map[string]any{"type": "panti", "name": "X", "region": "33.73.04"}, 422, "type"},
				{"dinsos kab/kota at a village", map[string]any{"type": "dinsos_kabkota", "name": "X", "region": "33.73.04.1001"}, 422, "region"},
				{"coverage of an LKS", map[string]any{"type": "lks", "name": "X", "region": "33.73.04", "coverage": []string{"33"}}, 422, "coverage"},
				{"bad phone", map[string]any{"type": "lks", "name": "X", "region": "33.73.04", "phone": "call me"}, 422, "phone"},
				{"name of the wrong type", `{"name": 5,` + valid + `}`, 400, "name"},
				{"unknown field", `{"name":"X",` + valid + `,"colour":"red"}`, 400, "colour"},
				{"invalid UTF-8", []byte("{\"name\":\"\xff\xfe\"," + valid + "}"), 400, ""},
				{"not JSON", `name=X`, 400, ""},
				{"two objects", `{"name":"X",` + valid + `}{}`, 400, ""},
				{"empty body", ``, 400, ""},
				{"array", `[]`, 400, ""},
				{"over 1 MiB", `{"name":"` + strings.Repeat("a", web.MaxBody) + `",` + valid + `}`, 413, ""},
			} {
				t.Run(c.name, func(t *testing.T) {
					expectProblem(t, h.api(t, access.Admin, "POST", "/api/v1/units", c.body), c.status, c.field)
				})
			}
			t.Run("wrong content type", func(t *testing.T) {
				req, err := http.NewRequest("POST", h.http.URL+"/api/v1/units", strings.NewReader(`{"name":"X",`+valid+`}`))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", "text/plain")
				req.Header.Set("Authorization", "Bearer "+h.tokens[access.Admin])
				expectProblem(t, sendChecked(t, http.DefaultClient, req), http.StatusBadRequest, "")
			})
			// Nothing refused was stored.
			if l := list(t, access.Admin, "/api/v1/units?q=x"); slices.ContainsFunc(l.Items, func(u unit.Unit) bool { return u.Name == "X" }) {
				t.Error("a refused unit was stored")
			}
			body := map[string]any{"type": "lks", "name": "Y", "region": "33.73.04"}
			expectProblem(t, h.api(t, access.Worker, "POST", "/api/v1/units", body), http.StatusForbidden, "")
			expectProblem(t, h.api(t, access.National, "POST", "/api/v1/units", body), http.StatusForbidden, "")
			expectProblem(t, h.api(t, "", "POST", "/api/v1/units", body), http.StatusUnauthorized, "")
		})

		t.Run("update", func(t *testing.T) {
			l := list(t, access.Admin, "/api/v1/units?q=Kota+Kupang")
			if len(l.Items) != 1 {
				t.Fatalf("Dinsos Kupang: %v", l.Items)
			}
			cur := l.Items[0]
			path := "/api/v1/units/" + strconv.FormatInt(cur.ID, 10)

			// A stale version is refused and changes nothing.
			expectProblem(t, h.api(t, access.Admin, "PATCH", path, map[string]any{"name": "Stale", "version": cur.Version + 1}), http.StatusConflict, "")
			expectProblem(t, h.api(t, access.Admin, "PATCH", path, map[string]any{"name": "No version"}), http.StatusUnprocessableEntity, "version")
			expectProblem(t, h.api(t, access.Admin, "PATCH", path, map[string]any{"name": "", "version": cur.Version}), http.StatusUnprocessableEntity, "name")
			expectProblem(t, h.api(t, access.Admin, "PATCH", path, `{"version":"1"}`), http.StatusBadRequest, "version")
			expectProblem(t, h.api(t, access.Admin, "PATCH", "/api/v1/units/999999", map[string]any{"version": 1}), http.StatusNotFound, "")
			expectProblem(t, h.api(t, access.Admin, "PATCH", "/api/v1/units/abc", map[string]any{"version": 1}), http.StatusNotFound, "")
			expectProblem(t, h.api(t, access.Supervisor, "PATCH", path, map[string]any{"version": cur.Version}), http.StatusForbidden, "")

			// The current version is accepted; fields left out keep their value.
			r := h.api(t, access.Admin, "PATCH", path, map[string]any{"name": "Dinas Sosial Kota Kupang (baru)", "version": cur.Version})
			if r.Status != http.StatusOK {
				t.Fatalf("patch: status %d: %s", r.Status, r.Body)
			}
			var u unit.Unit
			r.decode(t, &u)
			if u.Version != cur.Version+1 || u.Name != "Dinas Sosial Kota Kupang (baru)" || u.Address != cur.Address ||
				u.Region != cur.Region || u.Type != cur.Type || !u.Active || u.UpdatedAt.Before(cur.UpdatedAt) {
				t.Errorf("after patch %+v (before %+v)", u, cur)
			}
			// The old version is now stale.
			expectProblem(t, h.api(t, access.Admin, "PATCH", path, map[string]any{"address": "Z", "version": cur.Version}), http.StatusConflict, "")

			// Deactivate, and see it in the audit log.
			r = h.api(t, access.Admin, "PATCH", path, map[string]any{"active": false, "version": u.Version})
			r.decode(t, &u)
			if r.Status != http.StatusOK || u.Active || u.Version != cur.Version+2 {
				t.Errorf("deactivate: %d %+v", r.Status, u)
			}
			items := auditItems(t, h, "/api/v1/audit?entity=unit&entity_id="+strconv.FormatInt(cur.ID, 10))
			if len(items) != 3 || items[0].Action != audit.Deactivate || items[1].Action != audit.Update || items[2].Action != audit.Create {
				t.Errorf("audit of unit %d: %+v", cur.ID, items)
			}
		})

		t.Run("get", func(t *testing.T) {
			// Outside the scope a unit does not exist.
			l := list(t, access.Admin, "/api/v1/units?q=Makassar")
			path := "/api/v1/units/" + strconv.FormatInt(l.Items[0].ID, 10)
			expectProblem(t, h.api(t, access.Worker, "GET", path, nil), http.StatusNotFound, "")
			if r := h.api(t, access.National, "GET", path, nil); r.Status != http.StatusOK {
				t.Errorf("national viewer: %d", r.Status)
			}
			expectProblem(t, h.api(t, "", "GET", path, nil), http.StatusUnauthorized, "")
			expectProblem(t, h.api(t, access.Admin, "GET", "/api/v1/units/0", nil), http.StatusNotFound, "")
		})
	})
}

func TestAPIUsers(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		salatiga := unitID(t, h, "Dinas Sosial Kota Salatiga")

		t.Run("list", func(t *testing.T) {
			var l struct {
				Items []access.User `json:"items"`
				Total int           `json:"total"`
				Size  int           `json:"size"`
			}
			r := h.api(t, access.Admin, "GET", "/api/v1/users", nil)
			r.decode(t, &l)
			if r.Status != http.StatusOK || l.Total != 6 || len(l.Items) != 6 {
				t.Fatalf("users: %d, %d of %d", r.Status, len(l.Items), l.Total)
			}
			if !sort.SliceIsSorted(l.Items, func(i, j int) bool { return l.Items[i].Username < l.Items[j].Username }) {
				t.Error("users not sorted by username")
			}
			r = h.api(t, access.Admin, "GET", "/api/v1/users?role=planner", nil)
			r.decode(t, &l)
			if l.Total != 1 || l.Items[0].Username != h.accounts[access.Planner].Username || l.Items[0].Region != "33.73" {
				t.Errorf("role=planner: %+v", l.Items)
			}
			// An oversized page is served as 100, and says so.
			r = h.api(t, access.Admin, "GET", "/api/v1/users?size=500", nil)
			r.decode(t, &l)
			if l.Size != 100 || len(l.Items) != 6 {
				t.Errorf("size=500: size %d, %d items", l.Size, len(l.Items))
			}
			expectProblem(t, h.api(t, access.Admin, "GET", "/api/v1/users?role=boss", nil), http.StatusBadRequest, "role")
			for _, role := range []access.Role{access.Worker, access.Supervisor, access.Planner, access.Verifier, access.National} {
				expectProblem(t, h.api(t, role, "GET", "/api/v1/users", nil), http.StatusForbidden, "")
			}
			expectProblem(t, h.api(t, "", "GET", "/api/v1/users", nil), http.StatusUnauthorized, "")
		})

		// A new worker in a unit, whose password signs in.
		r := h.api(t, access.Admin, "POST", "/api/v1/users", map[string]any{"username": "Siti.Baru", "full_name": "Siti Baru",
			"role": "worker", "unit_id": salatiga})
		if r.Status != http.StatusCreated {
			t.Fatalf("create: status %d: %s", r.Status, r.Body)
		}
		var created struct {
			User     access.User `json:"user"`
			Password string      `json:"password"`
		}
		r.decode(t, &created)
		nu := created.User
		if nu.Username != "siti.baru" || nu.Role != access.Worker || nu.UnitID != salatiga || nu.UnitName != "Dinas Sosial Kota Salatiga" ||
			nu.Region != "" || !nu.Active || nu.Version != 1 {
			t.Errorf("created %+v", nu)
		}
		path := "/api/v1/users/" + strconv.FormatInt(nu.ID, 10)
		if loc := r.Header.Get("Location"); loc != path {
			t.Errorf("Location %q, want %q", loc, path)
		}
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("a password was sent with Cache-Control %q", r.Header.Get("Cache-Control"))
		}
		if code := login(t, h, "siti.baru", created.Password); code != http.StatusSeeOther {
			t.Errorf("login with the new password: %d", code)
		}
		if items := auditItems(t, h, "/api/v1/audit?entity=user&entity_id="+strconv.FormatInt(nu.ID, 10)); len(items) != 1 ||
			items[0].Action != audit.Create || items[0].After == nil || strings.Contains(*items[0].After, created.Password) {
			t.Errorf("audit of the new account: %+v", items)
		}

		t.Run("create refused", func(t *testing.T) {
			for _, c := range []struct {
				name   string
				body   any
				status int
				field  string
			}{
				{"duplicate username", map[string]any{"username": "SITI.BARU", "full_name": "Siti Lain", "role": "worker", "unit_id": salatiga}, 422, "username"},
				{"worker without unit", map[string]any{"username": "tanpa.unit", "full_name": "Tanpa Unit", "role": "worker"}, 422, "unit_id"},
				{"planner without region", map[string]any{"username": "tanpa.wilayah", "full_name": "Tanpa Wilayah", "role": "planner"}, 422, "region"},
				{"unknown unit", map[string]any{"username": "unit.hilang", "full_name": "Unit Hilang", "role": "worker", "unit_id": 999999}, 422, "unit_id"},
				{"unknown region", map[string]any{"username": "wilayah.hilang", "full_name": "W", "role": "planner", "region": "99.99"}, 422, "region"},
				{"bad username", map[string]any{"username": "a b", "full_name": "A B", "role": "national"}, 422, "username"},
				{"unknown role", map[string]any{"username": "peran.aneh", "full_name": "P", "role": "boss"}, 422, "role"},
				{"national with a region", map[string]any{"username": "nasional.dua", "full_name": "N", "role": "national", "region": "33"}, 422, "role"},
				{"unit_id as text", `{"username":"x.y.z","full_name":"X","role":"worker","unit_id":"1"}`, 400, "unit_id"},
				{"unknown field", `{"username":"x.y.z","full_name":"X","role":"national","password":"mine"}`, 400, "password"},
			} {
				t.Run(c.name, func(t *testing.T) {
					expectProblem(t, h.api(t, access.Admin, "POST", "/api/v1/users", c.body), c.status, c.field)
				})
			}
			expectProblem(t, h.api(t, access.Worker, "POST", "/api/v1/users",
				map[string]any{"username": "x.y.z", "full_name": "X", "role": "national"}), http.StatusForbidden, "")
		})

		t.Run("update", func(t *testing.T) {
			// From worker to planner of Kota Salatiga: region set, unit removed.
			r := h.api(t, access.Admin, "PATCH", path, map[string]any{"role": "planner", "region": "3373", "unit_id": 0, "version": nu.Version})
			if r.Status != http.StatusOK {
				t.Fatalf("patch: status %d: %s", r.Status, r.Body)
			}
			var u access.User
			r.decode(t, &u)
			if u.Role != access.Planner || u.Region != "33.73" || u.UnitID != 0 || u.UnitName != "" || u.Version != nu.Version+1 ||
				u.FullName != nu.FullName || u.Username != nu.Username {
				t.Errorf("after patch %+v", u)
			}
			if !bytes.Contains(r.Body, []byte(`"region":"33.73"`)) || bytes.Contains(r.Body, []byte(`"unit_id"`)) {
				t.Errorf("after patch: %s", r.Body)
			}
			g := h.api(t, access.Admin, "GET", path, nil)
			var got access.User
			g.decode(t, &got)
			if g.Status != http.StatusOK || got.Role != access.Planner || got.Version != u.Version {
				t.Errorf("GET after patch: %d %+v", g.Status, got)
			}
			expectProblem(t, h.api(t, access.Admin, "PATCH", path, map[string]any{"full_name": "X", "version": nu.Version}), http.StatusConflict, "")
			expectProblem(t, h.api(t, access.Admin, "PATCH", path, map[string]any{"full_name": "X"}), http.StatusUnprocessableEntity, "version")
			expectProblem(t, h.api(t, access.Admin, "PATCH", path, map[string]any{"role": "verifier", "region": "", "version": u.Version}), http.StatusUnprocessableEntity, "region")
			expectProblem(t, h.api(t, access.Admin, "PATCH", path, map[string]any{"username": "lain", "version": u.Version}), http.StatusBadRequest, "username")
			expectProblem(t, h.api(t, access.Admin, "PATCH", "/api/v1/users/999999", map[string]any{"version": 1}), http.StatusNotFound, "")
			expectProblem(t, h.api(t, access.Planner, "PATCH", path, map[string]any{"version": u.Version}), http.StatusForbidden, "")

			// Admins cannot deactivate themselves.
			me := getMe(t, h, access.Admin)
			expectProblem(t, h.api(t, access.Admin, "PATCH", "/api/v1/users/"+strconv.FormatInt(me.User.ID, 10),
				map[string]any{"active": false, "version": me.User.Version}), http.StatusUnprocessableEntity, "")
		})

		t.Run("deactivate", func(t *testing.T) {
			sup := getMe(t, h, access.Supervisor).User
			supPath := "/api/v1/users/" + strconv.FormatInt(sup.ID, 10)
			r := h.api(t, access.Admin, "PATCH", supPath, map[string]any{"active": false, "version": sup.Version})
			var u access.User
			r.decode(t, &u)
			if r.Status != http.StatusOK || u.Active || u.Version != sup.Version+1 || u.Role != access.Supervisor || u.UnitID != sup.UnitID {
				t.Fatalf("deactivate: %d %+v", r.Status, u)
			}
			// Its token is refused now, and its password no longer signs in.
			expectProblem(t, h.api(t, access.Supervisor, "GET", "/api/v1/me", nil), http.StatusUnauthorized, "")
			expectProblem(t, h.api(t, access.Supervisor, "GET", "/api/v1/units", nil), http.StatusUnauthorized, "")
			if code := login(t, h, sup.Username, h.accounts[access.Supervisor].Password); code == http.StatusSeeOther {
				t.Error("an inactive account signed in")
			}
			if items := auditItems(t, h, "/api/v1/audit?entity=user&action=deactivate&entity_id="+strconv.FormatInt(sup.ID, 10)); len(items) != 1 {
				t.Errorf("deactivation records: %+v", items)
			}
			// Reactivated, the same token works again.
			r = h.api(t, access.Admin, "PATCH", supPath, map[string]any{"active": true, "version": u.Version})
			if r.Status != http.StatusOK {
				t.Fatalf("reactivate: %d", r.Status)
			}
			if getMe(t, h, access.Supervisor).User.ID != sup.ID {
				t.Error("reactivated account: wrong user")
			}
		})

		t.Run("password reset", func(t *testing.T) {
			old := created.Password
			r := h.api(t, access.Admin, "POST", path+"/password-reset", nil)
			if r.Status != http.StatusOK {
				t.Fatalf("reset: %d %s", r.Status, r.Body)
			}
			var pw struct {
				Password string `json:"password"`
			}
			r.decode(t, &pw)
			if pw.Password == "" || pw.Password == old {
				t.Fatalf("new password %q (old %q)", pw.Password, old)
			}
			if code := login(t, h, "siti.baru", old); code == http.StatusSeeOther {
				t.Error("the old password still signs in")
			}
			if code := login(t, h, "siti.baru", pw.Password); code != http.StatusSeeOther {
				t.Errorf("the new password: %d", code)
			}
			expectProblem(t, h.api(t, access.Admin, "POST", "/api/v1/users/999999/password-reset", nil), http.StatusNotFound, "")
			expectProblem(t, h.api(t, access.Verifier, "POST", path+"/password-reset", nil), http.StatusForbidden, "")
			expectProblem(t, h.api(t, "", "POST", path+"/password-reset", nil), http.StatusUnauthorized, "")
		})
	})
}

func TestAPIAudit(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		// One change of our own, newer than the demo data.
		r := h.api(t, access.Admin, "POST", "/api/v1/units", map[string]any{"type": "lks", "name": "LKS Audit", "region": "33.73"})
		if r.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		var u unit.Unit
		r.decode(t, &u)
		id := strconv.FormatInt(u.ID, 10)

		all := auditItems(t, h, "/api/v1/audit?size=200")
		// The demo data's records (units, accounts, the people loads), then ours.
		var want int
		if err := h.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_log").Scan(&want); err != nil {
			t.Fatal(err)
		}
		if len(all) != want || want < 15 {
			t.Fatalf("%d records, want all %d", len(all), want)
		}
		if all[0].Entity != "unit" || all[0].EntityID != id || all[0].Action != audit.Create {
			t.Errorf("newest record %+v, want the creation of unit %s", all[0], id)
		}
		for i := 1; i < len(all); i++ {
			if all[i].ID >= all[i-1].ID {
				t.Fatalf("records not newest first: %d after %d", all[i].ID, all[i-1].ID)
			}
		}
		if last := all[len(all)-1]; last.ActorName != "demo" || last.ActorID != nil || last.RequestID != "" {
			t.Errorf("oldest record %+v, want one by the demo loader", last)
		}

		t.Run("filter", func(t *testing.T) {
			items := auditItems(t, h, "/api/v1/audit?entity=unit&entity_id="+id)
			if len(items) != 1 || items[0].ID != all[0].ID {
				t.Errorf("entity=unit&entity_id=%s: %+v", id, items)
			}
			if items := auditItems(t, h, "/api/v1/audit?entity=user&entity_id="+id); slices.ContainsFunc(items, func(a audit.Item) bool { return a.Entity != "user" }) {
				t.Errorf("entity=user gave %+v", items)
			}
			if items := auditItems(t, h, "/api/v1/audit?entity=unit"); len(items) != 9 {
				t.Errorf("entity=unit: %d records, want 9", len(items))
			}
			if items := auditItems(t, h, "/api/v1/audit?actor="+h.accounts[access.Admin].Username); len(items) != 1 || items[0].ID != all[0].ID {
				t.Errorf("actor=admin: %+v", items)
			}
			// The only updates are the demo's steps: its caseload
			// (demo/cases.go), complaints (demo/complaint.go) and audit
			// (demo/sarpras.go).
			demoSteps := []string{"case", "complaint", "sarpras_audit", "sarpras_task"}
			if items := auditItems(t, h, "/api/v1/audit?action=update"); len(items) == 0 ||
				slices.ContainsFunc(items, func(a audit.Item) bool { return !slices.Contains(demoSteps, a.Entity) }) {
				t.Errorf("action=update: %+v", items)
			}
			// Days are WIB days: the record's own day holds it, the day
			// before does not.
			day := all[0].At.In(time.FixedZone("WIB", 7*3600))
			today, yesterday := day.Format("2006-01-02"), day.AddDate(0, 0, -1).Format("2006-01-02")
			if items := auditItems(t, h, "/api/v1/audit?entity=unit&entity_id="+id+"&from="+today+"&to="+today); len(items) != 1 {
				t.Errorf("from=to=%s: %d records", today, len(items))
			}
			if items := auditItems(t, h, "/api/v1/audit?entity=unit&entity_id="+id+"&to="+yesterday); len(items) != 0 {
				t.Errorf("to=%s: %+v", yesterday, items)
			}
			if items := auditItems(t, h, "/api/v1/audit?from="+day.AddDate(0, 0, 1).Format("2006-01-02")); len(items) != 0 {
				t.Errorf("from tomorrow: %+v", items)
			}
		})

		t.Run("pages", func(t *testing.T) {
			r := h.api(t, access.Admin, "GET", "/api/v1/audit?size=6", nil)
			var p1 struct {
				Items []audit.Item `json:"items"`
				Next  string       `json:"next"`
			}
			r.decode(t, &p1)
			if !reflect.DeepEqual(p1.Items, all[:6]) {
				t.Fatalf("first page of 6: %+v", p1.Items)
			}
			lastID := p1.Items[5].ID
			next, err := url.Parse(p1.Next)
			if err != nil || next.Path != "/api/v1/audit" || next.Query().Get("before") != strconv.FormatInt(lastID, 10) || next.Query().Get("size") != "6" {
				t.Fatalf("next %q after id %d", p1.Next, lastID)
			}
			// Older items only, in order, without overlap, until the end.
			var seen []audit.Item
			seen = append(seen, p1.Items...)
			for link := p1.Next; link != ""; {
				r := h.api(t, access.Admin, "GET", link, nil)
				var p struct {
					Items []audit.Item `json:"items"`
					Next  string       `json:"next"`
				}
				r.decode(t, &p)
				if len(p.Items) == 0 && p.Next != "" {
					t.Fatal("an empty page links further")
				}
				for _, it := range p.Items {
					if it.ID >= seen[len(seen)-1].ID {
						t.Fatalf("page %s: id %d is not older than %d", link, it.ID, seen[len(seen)-1].ID)
					}
				}
				seen = append(seen, p.Items...)
				link = p.Next
				if len(seen) > len(all) {
					t.Fatal("paging does not end")
				}
			}
			if !reflect.DeepEqual(seen, all) {
				t.Errorf("pages add up to %d records, want %d", len(seen), len(all))
			}
			// A record arriving meanwhile does not shift the older pages.
			h.api(t, access.Admin, "POST", "/api/v1/units", map[string]any{"type": "lks", "name": "LKS Audit Dua", "region": "33.73"})
			older := auditItems(t, h, "/api/v1/audit?size=6&before="+strconv.FormatInt(lastID, 10))
			if !reflect.DeepEqual(older, all[6:12]) {
				t.Errorf("before=%d: %+v", lastID, older)
			}
		})

		t.Run("refused", func(t *testing.T) {
			expectProblem(t, h.api(t, access.Admin, "GET", "/api/v1/audit?from=bad", nil), http.StatusBadRequest, "from")
			expectProblem(t, h.api(t, access.Admin, "GET", "/api/v1/audit?to=2025-02-30", nil), http.StatusBadRequest, "to")
			expectProblem(t, h.api(t, access.Admin, "GET", "/api/v1/audit?before=0", nil), http.StatusBadRequest, "before")
			expectProblem(t, h.api(t, access.Admin, "GET", "/api/v1/audit?before=x", nil), http.StatusBadRequest, "before")
			for _, role := range []access.Role{access.Worker, access.Supervisor, access.Planner, access.Verifier, access.National} {
				expectProblem(t, h.api(t, role, "GET", "/api/v1/audit", nil), http.StatusForbidden, "")
			}
			expectProblem(t, h.api(t, "", "GET", "/api/v1/audit", nil), http.StatusUnauthorized, "")
		})
	})
}

func TestAPIMe(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		salatiga := unitID(t, h, "Dinas Sosial Kota Salatiga")
		type scope struct {
			All    bool   `json:"all"`
			Region string `json:"region"`
			UnitID int64  `json:"unit_id"`
		}
		want := map[access.Role]scope{
			access.Worker:     {UnitID: salatiga},
			access.Supervisor: {UnitID: salatiga},
			access.Planner:    {Region: "33.73"},
			access.Verifier:   {Region: "33"},
			access.National:   {All: true},
			access.Admin:      {All: true},
		}
		for _, role := range access.Roles {
			t.Run(string(role), func(t *testing.T) {
				m := getMe(t, h, role)
				if m.User.Role != role || m.User.Username != h.accounts[role].Username || !m.User.Active {
					t.Errorf("user %+v", m.User)
				}
				if m.Scope != want[role] {
					t.Errorf("scope %+v, want %+v", m.Scope, want[role])
				}
				var perms []string
				for _, p := range []access.Permission{access.ReadUnits, access.ManageUnits, access.ManageUsers, access.ReadAudit, access.ManageOwnToken,
					access.ReadPeople, access.ManagePeople, access.ReadCases, access.ManageCases, access.ReadCaseFigures} {
					if role.Can(p) {
						perms = append(perms, string(p))
					}
				}
				if !slices.Equal(m.Permissions, perms) {
					t.Errorf("permissions %v, want %v", m.Permissions, perms)
				}
				if role == access.Admin && !slices.Contains(m.Permissions, string(access.ManageUsers)) ||
					role == access.Worker && (slices.Contains(m.Permissions, string(access.ManageUnits)) || !slices.Contains(m.Permissions, string(access.ManagePeople))) ||
					role == access.National && slices.Contains(m.Permissions, string(access.ReadPeople)) {
					t.Errorf("%s has permissions %v", role, m.Permissions)
				}

				// The same answer to the browser's session cookie.
				req, err := http.NewRequest("GET", h.http.URL+"/api/v1/me", nil)
				if err != nil {
					t.Fatal(err)
				}
				r := sendChecked(t, h.browser(role), req)
				var byCookie struct {
					User access.User `json:"user"`
				}
				r.decode(t, &byCookie)
				if r.Status != http.StatusOK || byCookie.User.ID != m.User.ID {
					t.Errorf("by cookie: %d %+v", r.Status, byCookie.User)
				}
			})
		}

		// Without a credential, or with a malformed or unknown one, 401.
		expectProblem(t, h.api(t, "", "GET", "/api/v1/me", nil), http.StatusUnauthorized, "")
		for _, auth := range []string{"Basic ZGVtbzpkZW1v", "Bearer layan_nosuchtoken", "Bearer " + strings.Repeat("x", 20)} {
			req, err := http.NewRequest("GET", h.http.URL+"/api/v1/me", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", auth)
			expectProblem(t, sendChecked(t, http.DefaultClient, req), http.StatusUnauthorized, "")
		}
		// Routes that need no account ignore a bad credential, so a health
		// check or a client fetching the document is never refused by one.
		for _, path := range []string{"/api/v1/openapi.json", "/healthz"} {
			req, err := http.NewRequest("GET", h.http.URL+path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer layan_nosuchtoken")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s with a bad token: %d, want 200", path, resp.StatusCode)
			}
		}
	})
}

// Helpers of the API tests.

// expectProblem checks that r is a problem+json answer with status and, when
// field is not empty, that its first field error names field.
func expectProblem(t *testing.T, r apiResponse, status int, field string) web.Problem {
	t.Helper()
	var p web.Problem
	if r.Status != status {
		t.Errorf("status %d, want %d: %s", r.Status, status, r.Body)
		return p
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json", ct)
	}
	r.decode(t, &p)
	if p.Status != status || p.Title != http.StatusText(status) || p.Detail == "" || p.Instance == "" {
		t.Errorf("problem %+v for status %d", p, status)
	}
	if p.RequestID == "" || p.RequestID != r.Header.Get("X-Request-Id") {
		t.Errorf("problem request_id %q, header %q", p.RequestID, r.Header.Get("X-Request-Id"))
	}
	if !regexp.MustCompile(`^/problems/[a-z-]+$`).MatchString(p.Type) {
		t.Errorf("problem type %q", p.Type)
	}
	if field != "" {
		if len(p.Errors) == 0 || p.Errors[0].Field != field || p.Errors[0].Pointer != "/"+field || p.Errors[0].Detail == "" {
			t.Errorf("problem errors %+v, want the first to name %q", p.Errors, field)
		}
	}
	return p
}

// sendChecked sends a request the harness cannot make (another content type,
// cookie or Authorization) and checks it against the document like h.api.
func sendChecked(t *testing.T, c *http.Client, req *http.Request) apiResponse {
	t.Helper()
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			t.Fatal(err)
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	checkAgainstOpenAPI(t, req, body, resp, out)
	return apiResponse{Status: resp.StatusCode, Header: resp.Header, Body: out}
}

// auditItems lists audit records as the demo admin.
func auditItems(t *testing.T, h *harness, path string) []audit.Item {
	t.Helper()
	r := h.api(t, access.Admin, "GET", path, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("%s: status %d: %s", path, r.Status, r.Body)
	}
	var l struct {
		Items []audit.Item `json:"items"`
	}
	r.decode(t, &l)
	return l.Items
}

// unitID finds a demo unit by its name.
func unitID(t *testing.T, h *harness, name string) int64 {
	t.Helper()
	r := h.api(t, access.Admin, "GET", "/api/v1/units?q="+url.QueryEscape(name), nil)
	var l struct {
		Items []unit.Unit `json:"items"`
	}
	r.decode(t, &l)
	for _, u := range l.Items {
		if u.Name == name {
			return u.ID
		}
	}
	t.Fatalf("no unit %q", name)
	return 0
}

type meAnswer struct {
	User  access.User `json:"user"`
	Scope struct {
		All    bool   `json:"all"`
		Region string `json:"region"`
		UnitID int64  `json:"unit_id"`
	} `json:"scope"`
	Permissions []string `json:"permissions"`
}

// getMe asks /api/v1/me as role and expects an answer.
func getMe(t *testing.T, h *harness, role access.Role) meAnswer {
	t.Helper()
	r := h.api(t, role, "GET", "/api/v1/me", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("/me as %s: status %d: %s", role, r.Status, r.Body)
	}
	var m meAnswer
	r.decode(t, &m)
	return m
}

// login signs in through the form and returns the status: 303 on success.
func login(t *testing.T, h *harness, username, password string) int {
	t.Helper()
	code, _ := h.page(t, h.anonymous(), "POST", "/login", url.Values{"username": {username}, "password": {password}})
	return code
}

func sortedByCode(rs []wilayah.Region) bool {
	return sort.SliceIsSorted(rs, func(i, j int) bool { return rs[i].Code < rs[j].Code })
}

func indexOfCode(rs []wilayah.Region, c wilayah.Code) int {
	return slices.IndexFunc(rs, func(r wilayah.Region) bool { return r.Code == c })
}

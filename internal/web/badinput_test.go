package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/i18n"
	"github.com/layan-id/layan/internal/web"
)

// Bad input must be refused with a status that says why, name the field
// where there is one, show no internals, and store nothing: every case
// compares the stored units, accounts, tokens and audit records before and
// after.

// problem is the problem+json answer of the API.
type problem struct {
	Type   string `json:"type"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Field   string `json:"field"`
		Pointer string `json:"pointer"`
		Detail  string `json:"detail"`
	} `json:"errors"`
}

// catalogKey matches an untranslated message key shown to a user.
var catalogKey = regexp.MustCompile(`^[a-z_]+(\.[a-z_]+)+$`)

// validUnit returns the JSON of a unit the admin may create, with changes.
func validUnit(changes map[string]any) map[string]any {
	m := map[string]any{"type": "lks", "name": "LKS Uji Masukan", "region": "33.73", "address": "Jl. Uji", "phone": "0298 123"}
	for k, v := range changes {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	return m
}

func validUser(changes map[string]any) map[string]any {
	m := map[string]any{"username": "uji.masukan", "full_name": "Uji Masukan", "role": "planner", "region": "33.73"}
	for k, v := range changes {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	return m
}

func rawJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tooLarge is a JSON body just over the 1 MiB limit.
func tooLarge() []byte {
	return []byte(`{"name":"` + strings.Repeat("a", web.MaxBody) + `"}`)
}

func TestBadInputAPI(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		fx := newFixture(t, h)
		salatiga := fx.unit("salatiga")
		pekerja := fx.currentUser("demo.pekerja")
		unitPath := fmt.Sprintf("/api/v1/units/%d", salatiga.ID)
		userPath := fmt.Sprintf("/api/v1/users/%d", pekerja.ID)
		long := strings.Repeat("a", 200)
		validUnitJSON := rawJSON(t, validUnit(nil))
		for _, c := range []struct {
			name, method, path string
			body               any // []byte is sent as is
			status             int
			field              string // the field errors[] must name
			key                string // the message key of that field, when checked
			args               []any
		}{
			// Creating a unit.
			{"unit unknown region", "POST", "/api/v1/units", validUnit(map[string]any{"region": "99.99"}), 422, "region", "region.unknown", []any{"99.99"}},
			{"unit malformed region", "POST", "/api/v1/units", validUnit(map[string]any{"region": "33-73"}), 422, "region", "", nil},
			{"unit without region", "POST", "/api/v1/units", validUnit(map[string]any{"region": nil}), 422, "region", "field.required", nil},
			{"unit name too long", "POST", "/api/v1/units", validUnit(map[string]any{"name": long}), 422, "name", "field.too_long", []any{160}},
			{"unit name blank", "POST", "/api/v1/units", validUnit(map[string]any{"name": "   "}), 422, "name", "field.required", nil},
			{"unit unknown type", "POST", "/api/v1/units", validUnit(map[string]any{"type": "panti"}), 422, "type", "unit.type_unknown", nil},
			{"dinsos kab/kota at a province", "POST", "/api/v1/units", validUnit(map[string]any{"type": "dinsos_kabkota", "region": "33"}), 422, "region", "unit.region_regency", nil},
			{"unit phone with letters", "POST", "/api/v1/units", validUnit(map[string]any{"phone": "call me"}), 422, "phone", "unit.phone_format", nil},
			{"unit coverage for an LKS", "POST", "/api/v1/units", validUnit(map[string]any{"coverage": []string{"33"}}), 422, "coverage", "unit.coverage_sentra_only", nil},
			{"unit duplicate name in region", "POST", "/api/v1/units", validUnit(map[string]any{"name": "dinas sosial kota salatiga", "type": "dinsos_kabkota"}), 422, "name", "unit.name_taken", nil},
			{"unit invalid UTF-8", "POST", "/api/v1/units", []byte(`{"type":"lks","name":"LKS ` + "\xff\xfe" + `","region":"33.73"}`), 400, "", "", nil},
			{"unit name with NUL", "POST", "/api/v1/units", validUnit(map[string]any{"name": "LKS\x00Uji"}), 400, "", "", nil},
			{"unit unknown field with NUL", "POST", "/api/v1/units", []byte(`{"type":"lks","name":"LKS","region":"33.73","\u0000":1}`), 400, "", "", nil},
			{"unit body over 1 MiB", "POST", "/api/v1/units", tooLarge(), 413, "", "", nil},
			{"unit name of wrong type", "POST", "/api/v1/units", validUnit(map[string]any{"name": 123}), 400, "name", "error.json_type", []any{"string"}},
			{"unit coverage of wrong type", "POST", "/api/v1/units", validUnit(map[string]any{"coverage": "33"}), 400, "coverage", "", nil},
			{"unit array instead of object", "POST", "/api/v1/units", []byte(`[{"type":"lks"}]`), 400, "", "", nil},
			{"unit trailing object", "POST", "/api/v1/units", append(append([]byte{}, validUnitJSON...), `{"name":"x"}`...), 400, "", "", nil},
			{"unit trailing garbage", "POST", "/api/v1/units", append(append([]byte{}, validUnitJSON...), " ]"...), 400, "", "", nil},
			{"unit unknown field", "POST", "/api/v1/units", validUnit(map[string]any{"colour": "red"}), 400, "colour", "error.json_unknown_field", nil},
			{"unit unknown field with a slash", "POST", "/api/v1/units", validUnit(map[string]any{"a/b~c": 1}), 400, "a/b~c", "error.json_unknown_field", nil},
			{"unit unknown empty field", "POST", "/api/v1/units", validUnit(map[string]any{"": 1}), 400, "", "", nil},
			{"unit empty body", "POST", "/api/v1/units", []byte(""), 400, "", "", nil},
			{"unit truncated JSON", "POST", "/api/v1/units", []byte(`{"type":"lks","name":`), 400, "", "", nil},

			// Creating an account.
			{"user unknown region", "POST", "/api/v1/users", validUser(map[string]any{"region": "99.99"}), 422, "region", "region.unknown", []any{"99.99"}},
			{"user unknown unit", "POST", "/api/v1/users", validUser(map[string]any{"role": "worker", "region": nil, "unit_id": 999999}), 422, "unit_id", "unit.unknown", []any{999999}},
			{"user full name too long", "POST", "/api/v1/users", validUser(map[string]any{"full_name": long}), 422, "full_name", "field.too_long", []any{120}},
			{"user bad username", "POST", "/api/v1/users", validUser(map[string]any{"username": "Uji Masukan!"}), 422, "username", "user.username_format", nil},
			{"user unknown role", "POST", "/api/v1/users", validUser(map[string]any{"role": "boss"}), 422, "role", "user.role_unknown", nil},
			{"user planner without region", "POST", "/api/v1/users", validUser(map[string]any{"region": nil}), 422, "region", "user.region_required", nil},
			{"user worker without unit", "POST", "/api/v1/users", validUser(map[string]any{"role": "worker", "region": nil}), 422, "unit_id", "user.unit_required", nil},
			{"user national with region", "POST", "/api/v1/users", validUser(map[string]any{"role": "national"}), 422, "role", "user.national_no_scope", nil},
			{"user duplicate username", "POST", "/api/v1/users", validUser(map[string]any{"username": "demo.admin"}), 422, "username", "user.username_taken", nil},
			{"user unit id of wrong type", "POST", "/api/v1/users", validUser(map[string]any{"unit_id": "salatiga"}), 400, "unit_id", "", nil},
			{"user unknown field", "POST", "/api/v1/users", validUser(map[string]any{"email": "a@b.id"}), 400, "email", "error.json_unknown_field", nil},
			{"user invalid UTF-8", "POST", "/api/v1/users", []byte(`{"username":"uji.x","full_name":"` + "\xc3\x28" + `","role":"planner","region":"33.73"}`), 400, "", "", nil},
			{"user region with NUL", "POST", "/api/v1/users", validUser(map[string]any{"region": "33\x00"}), 400, "", "", nil},
			{"user trailing JSON", "POST", "/api/v1/users", append(rawJSON(t, validUser(nil)), `[]`...), 400, "", "", nil},
			{"user body over 1 MiB", "POST", "/api/v1/users", tooLarge(), 413, "", "", nil},

			// Changing a unit and an account.
			{"patch unit unknown field", "PATCH", unitPath, map[string]any{"version": salatiga.Version, "nama": "x"}, 400, "nama", "", nil},
			{"patch unit name too long", "PATCH", unitPath, map[string]any{"version": salatiga.Version, "name": long}, 422, "name", "field.too_long", []any{160}},
			{"patch unit unknown region", "PATCH", unitPath, map[string]any{"version": salatiga.Version, "region": "33.99"}, 422, "region", "region.unknown", []any{"33.99"}},
			{"patch unit without version", "PATCH", unitPath, map[string]any{"name": "Dinsos Salatiga"}, 422, "version", "field.required", nil},
			{"patch unit stale version", "PATCH", unitPath, map[string]any{"version": salatiga.Version + 7, "name": "Dinsos Salatiga"}, 409, "", "", nil},
			{"patch unit invalid UTF-8", "PATCH", unitPath, []byte(`{"version":1,"name":"` + "\xff" + `"}`), 400, "", "", nil},
			{"patch user unknown region", "PATCH", userPath, map[string]any{"version": pekerja.Version, "region": "99.99"}, 422, "region", "region.unknown", []any{"99.99"}},
			{"patch user name of wrong type", "PATCH", userPath, map[string]any{"version": pekerja.Version, "full_name": []int{1}}, 400, "full_name", "", nil},
			{"patch user stale version", "PATCH", userPath, map[string]any{"version": pekerja.Version + 7, "full_name": "X Y"}, 409, "", "", nil},
			{"patch user body over 1 MiB", "PATCH", userPath, tooLarge(), 413, "", "", nil},

			// Region codes in queries and paths.
			{"units by malformed region", "GET", "/api/v1/units?region=abc", nil, 400, "region", "region.code_format", nil},
			{"regions under unknown parent", "GET", "/api/v1/regions?parent=99.99", nil, 404, "", "", nil},
			{"unknown region", "GET", "/api/v1/regions/99.99", nil, 404, "", "", nil},
			{"malformed region", "GET", "/api/v1/regions/3x.7y", nil, 400, "code", "region.code_format", nil},
			{"search within unknown region", "GET", "/api/v1/regions/search?q=kota&within=99", nil, 404, "", "", nil},
			// Paging and ids out of range.
			{"unit id not a number", "GET", "/api/v1/units/abc", nil, 404, "", "", nil},
			{"unit id out of range", "GET", "/api/v1/units/99999999999999999999", nil, 404, "", "", nil},
			{"user id zero", "GET", "/api/v1/users/0", nil, 404, "", "", nil},
			{"audit before a malformed id", "GET", "/api/v1/audit?before=-3", nil, 400, "before", "field.number", nil},
			{"units by a name with NUL", "GET", "/api/v1/units?q=a%00b", nil, 400, "q", "field.utf8", nil},
			{"users by a name in invalid UTF-8", "GET", "/api/v1/users?q=%C3%28", nil, 400, "q", "field.utf8", nil},
			{"audit by an actor with NUL", "GET", "/api/v1/audit?actor=%00", nil, 400, "actor", "field.utf8", nil},
			{"audit by an entity id in invalid UTF-8", "GET", "/api/v1/audit?entity_id=%FF", nil, 400, "entity_id", "field.utf8", nil},
			{"audit from a malformed date", "GET", "/api/v1/audit?from=kemarin", nil, 400, "from", "field.date_format", nil},
		} {
			t.Run(c.name, func(t *testing.T) {
				before := dbState(t, h)
				r := h.api(t, access.Admin, c.method, c.path, c.body)
				checkNoLeak(t, c.name, r.Body)
				if after := dbState(t, h); after != before {
					t.Errorf("a refused request changed the database: %s → %s", before, after)
				}
				if r.Status != c.status {
					t.Fatalf("status %d, want %d\n%.600s", r.Status, c.status, r.Body)
				}
				if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("Content-Type %q, want application/problem+json", ct)
				}
				var p problem
				r.decode(t, &p)
				if p.Status != c.status || p.Type == "" || p.Detail == "" || catalogKey.MatchString(p.Detail) {
					t.Errorf("problem document incomplete or untranslated: %+v", p)
				}
				if c.field == "" {
					return
				}
				var found bool
				for _, e := range p.Errors {
					if e.Field != c.field {
						continue
					}
					found = true
					if want := "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(c.field); e.Pointer != want {
						t.Errorf("field %s: pointer %q, want %q", e.Field, e.Pointer, want)
					}
					if e.Detail == "" || catalogKey.MatchString(e.Detail) {
						t.Errorf("field %s: detail %q is no message", e.Field, e.Detail)
					}
					if c.key != "" {
						if want := h.cat.T(i18n.ID, c.key, c.args...); e.Detail != want {
							t.Errorf("field %s: detail %q, want %q", e.Field, e.Detail, want)
						}
					}
				}
				if !found {
					t.Errorf("errors do not name field %q: %s", c.field, r.Body)
				}
			})
		}
	})
}

// post sends a raw request body from a browser client.
func post(t *testing.T, h *harness, c *http.Client, path, contentType string, body []byte) exchange {
	t.Helper()
	req, err := http.NewRequest("POST", h.http.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return exchange{resp.StatusCode, resp.Header, out}
}

func postForm(t *testing.T, h *harness, c *http.Client, path string, form url.Values) exchange {
	t.Helper()
	return post(t, h, c, path, "application/x-www-form-urlencoded", []byte(form.Encode()))
}

func TestBadInputUI(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		fx := newFixture(t, h)
		c := h.browser(access.Admin)
		salatiga := fx.unit("salatiga")
		long := strings.Repeat("b", 200)
		unitForm := func(changes map[string]string) url.Values {
			f := url.Values{"type": {"lks"}, "name": {"LKS Uji Formulir"}, "region": {"33.73"}, "address": {"Jl. Uji"}, "phone": {"0298 1"}}
			for k, v := range changes {
				f.Set(k, v)
			}
			return f
		}
		userForm := func(changes map[string]string) url.Values {
			f := url.Values{"username": {"uji.formulir"}, "full_name": {"Uji Formulir"}, "role": {"planner"}, "region": {"33.73"}}
			for k, v := range changes {
				f.Set(k, v)
			}
			return f
		}
		T := func(key string, args ...any) string { return h.cat.T(i18n.ID, key, args...) }
		for _, c2 := range []struct {
			name, path string
			form       url.Values
			raw        []byte // sent instead of form when set
			status     int
			field      string // the field whose error the re-rendered form shows (id="FIELD-err"); "" for the region picker or none
			text       string // text the answer must hold
		}{
			{"unit unknown region", "/units", unitForm(map[string]string{"region": "99.99"}), nil, 422, "", T("region.unknown", "99.99")},
			{"unit region from the picker", "/units", unitForm(map[string]string{"region": "", "region_1": "99"}), nil, 422, "", T("region.unknown", "99")},
			{"unit name too long", "/units", unitForm(map[string]string{"name": long}), nil, 422, "name", T("field.too_long", 160)},
			{"unit phone with letters", "/units", unitForm(map[string]string{"phone": "nol dua"}), nil, 422, "phone", T("unit.phone_format")},
			{"unit unknown type", "/units", unitForm(map[string]string{"type": "panti"}), nil, 422, "type", T("unit.type_unknown")},
			{"unit duplicate name", "/units", unitForm(map[string]string{"name": "Dinas Sosial Kota Salatiga", "type": "dinsos_kabkota"}), nil, 422, "name", T("unit.name_taken")},
			{"unit invalid UTF-8", "/units", unitForm(map[string]string{"name": "LKS \xff"}), nil, 422, "", T("field.name") + ": " + T("field.utf8")},
			{"unit name with NUL", "/units", unitForm(map[string]string{"name": "LKS\x00Uji"}), nil, 422, "", T("field.name") + ": " + T("field.utf8")},
			{"unit address with NUL", "/units", unitForm(map[string]string{"address": "\x00"}), nil, 422, "", T("field.address") + ": " + T("field.utf8")},
			{"unit form over 1 MiB", "/units", nil, []byte("name=" + strings.Repeat("a", web.MaxBody)), 413, "", T("error.too_large")},
			{"unit stale version", fmt.Sprintf("/units/%d", salatiga.ID), unitForm(map[string]string{"type": "dinsos_kabkota", "name": salatiga.Name, "version": strconv.Itoa(salatiga.Version + 7)}), nil, 409, "", T("error.stale_version")},
			{"unit update name too long", fmt.Sprintf("/units/%d", salatiga.ID), unitForm(map[string]string{"name": long, "version": strconv.Itoa(salatiga.Version)}), nil, 422, "name", T("field.too_long", 160)},

			{"user unknown region", "/users", userForm(map[string]string{"region": "99.99"}), nil, 422, "", T("region.unknown", "99.99")},
			{"user full name too long", "/users", userForm(map[string]string{"full_name": long}), nil, 422, "full_name", T("field.too_long", 120)},
			{"user bad username", "/users", userForm(map[string]string{"username": "Uji Formulir"}), nil, 422, "username", T("user.username_format")},
			{"user duplicate username", "/users", userForm(map[string]string{"username": "demo.perencana"}), nil, 422, "username", T("user.username_taken")},
			{"user unknown unit", "/users", userForm(map[string]string{"role": "worker", "region": "", "unit_id": "999999"}), nil, 422, "unit_id", T("unit.unknown", 999999)},
			{"user invalid UTF-8", "/users", userForm(map[string]string{"full_name": "Uji \xc3\x28"}), nil, 422, "", T("field.full_name") + ": " + T("field.utf8")},
			{"user full name with NUL", "/users", userForm(map[string]string{"full_name": "Uji\x00"}), nil, 422, "", T("field.full_name") + ": " + T("field.utf8")},
			{"token name with NUL", "/account/tokens", url.Values{"name": {"skrip\x00"}}, nil, 422, "", T("field.utf8")},
			{"user form over 1 MiB", "/users", nil, []byte("full_name=" + strings.Repeat("a", web.MaxBody)), 413, "", T("error.too_large")},
		} {
			t.Run(c2.name, func(t *testing.T) {
				before := dbState(t, h)
				body := c2.raw
				if body == nil {
					body = []byte(c2.form.Encode())
				}
				x := post(t, h, c, c2.path, "application/x-www-form-urlencoded", body)
				checkNoLeak(t, c2.name, x.body)
				if after := dbState(t, h); after != before {
					t.Errorf("a refused form changed the database: %s → %s", before, after)
				}
				if x.status != c2.status {
					t.Fatalf("status %d, want %d\n%.600s", x.status, c2.status, x.body)
				}
				page := html.UnescapeString(string(x.body))
				if !strings.Contains(page, c2.text) {
					t.Errorf("the answer lacks %q", c2.text)
				}
				if c2.field != "" {
					want := `id="` + c2.field + `-err">` + c2.text + `<`
					if !strings.Contains(page, want) {
						t.Errorf("the re-rendered form does not show the error at field %s (%s)", c2.field, want)
					}
					if !strings.Contains(page, `aria-invalid="true"`) {
						t.Errorf("the re-rendered form marks no field invalid")
					}
				}
				if c2.status == 422 && c2.field != "" && !strings.Contains(page, `<form method="post"`) {
					t.Errorf("a 422 answer is not the re-rendered form")
				}
			})
		}
		for _, q := range []string{"/units?q=a%00b", "/users?q=%FF", "/audit?actor=%00", "/regions?q=%00", "/login?next=%00"} {
			t.Run("query "+q, func(t *testing.T) {
				status, page := h.page(t, c, "GET", q, nil)
				checkNoLeak(t, q, []byte(page))
				if status != http.StatusBadRequest || !strings.Contains(html.UnescapeString(page), T("field.utf8")) {
					t.Errorf("status %d, want 400 saying the text is invalid", status)
				}
				if strings.Contains(page, "field.") {
					t.Errorf("the page shows a catalog key")
				}
			})
		}
		t.Run("unknown region page", func(t *testing.T) {
			status, page := h.page(t, c, "GET", "/regions?code=99.99", nil)
			checkNoLeak(t, "regions", []byte(page))
			if status != http.StatusNotFound || !strings.Contains(html.UnescapeString(page), T("region.unknown", "99.99")) {
				t.Errorf("status %d, want 404 naming the code", status)
			}
		})
	})
}

func TestBadLogin(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		acc := h.accounts[access.Worker]
		c := h.anonymous()
		login := func(t *testing.T, username, password string) exchange {
			t.Helper()
			x := postForm(t, h, c, "/login", url.Values{"username": {username}, "password": {password}})
			checkNoLeak(t, "login", x.body)
			for _, ck := range x.header.Values("Set-Cookie") {
				if strings.HasPrefix(ck, "layan_session=") && x.status != http.StatusSeeOther {
					t.Errorf("a refused login sets a session cookie: %s", ck)
				}
			}
			return x
		}
		expect := func(t *testing.T, x exchange, status int, lang i18n.Lang, key string) {
			t.Helper()
			if x.status != status {
				t.Fatalf("status %d, want %d", x.status, status)
			}
			page := html.UnescapeString(string(x.body))
			if !strings.Contains(page, `<html lang="`+string(lang)+`"`) {
				t.Errorf("page is not in %s", lang)
			}
			if msg := h.cat.T(lang, key); !strings.Contains(page, msg) {
				t.Errorf("page lacks %q", msg)
			}
		}
		t.Run("wrong password in Indonesian", func(t *testing.T) {
			expect(t, login(t, acc.Username, acc.Password+"x"), http.StatusUnauthorized, i18n.ID, "login.failed")
		})
		t.Run("unknown user answers the same", func(t *testing.T) {
			expect(t, login(t, "tidak.ada", "rahasia-sekali"), http.StatusUnauthorized, i18n.ID, "login.failed")
		})
		t.Run("missing password", func(t *testing.T) {
			expect(t, login(t, acc.Username, ""), http.StatusUnprocessableEntity, i18n.ID, "login.missing")
		})
		t.Run("over-long username", func(t *testing.T) {
			expect(t, login(t, strings.Repeat("u", 300), "x"), http.StatusUnprocessableEntity, i18n.ID, "login.failed")
		})
		for _, name := range []string{"demo.\xff", "demo\x00pekerja"} {
			t.Run(fmt.Sprintf("username %q", name), func(t *testing.T) {
				x := login(t, name, "x")
				if x.status != http.StatusUnprocessableEntity && x.status != http.StatusBadRequest {
					t.Errorf("status %d, want 422 or 400", x.status)
				}
			})
		}
		t.Run("password with NUL", func(t *testing.T) {
			if x := login(t, acc.Username, acc.Password+"\x00"); x.status != http.StatusUnprocessableEntity && x.status != http.StatusBadRequest {
				t.Errorf("status %d, want 422 or 400", x.status)
			}
		})
		t.Run("wrong password in English", func(t *testing.T) {
			x := postForm(t, h, c, "/lang", url.Values{"lang": {"en"}, "next": {"/login"}})
			if x.status != http.StatusSeeOther || x.header.Get("Location") != "/login" {
				t.Fatalf("switching language: status %d to %q", x.status, x.header.Get("Location"))
			}
			expect(t, login(t, acc.Username, "salah-sekali"), http.StatusUnauthorized, i18n.EN, "login.failed")
		})
		// The page to return to after signing in or switching language
		// stays on this site, however it is spelled.
		for _, next := range []string{"//evil.example/x", "https://evil.example", "/\\evil.example", "/\\/evil.example",
			"\\\\evil.example", "http:/evil.example", "javascript:alert(1)", "evil.example"} {
			t.Run("next "+next, func(t *testing.T) {
				for _, path := range []string{"/login", "/lang"} {
					x := postForm(t, h, h.anonymous(), path, url.Values{"username": {acc.Username}, "password": {acc.Password},
						"lang": {"id"}, "next": {next}})
					if loc := x.header.Get("Location"); x.status != http.StatusSeeOther || loc != "/" {
						t.Errorf("POST %s with next %q: status %d to %q, want 303 to /", path, next, x.status, loc)
					}
				}
			})
		}
		t.Run("the right password still works", func(t *testing.T) {
			if x := login(t, acc.Username, acc.Password); x.status != http.StatusSeeOther {
				t.Fatalf("status %d, want 303", x.status)
			}
		})
	})
}

func TestBadLoginThrottled(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		acc := h.accounts[access.Supervisor]
		c := h.anonymous()
		for i := 1; i <= access.MaxUserFailures; i++ {
			x := postForm(t, h, c, "/login", url.Values{"username": {acc.Username}, "password": {fmt.Sprintf("tebakan-%d", i)}})
			if x.status != http.StatusUnauthorized {
				t.Fatalf("failure %d: status %d, want 401", i, x.status)
			}
		}
		for _, name := range []string{acc.Username, "  " + strings.ToUpper(acc.Username) + " "} {
			x := postForm(t, h, c, "/login", url.Values{"username": {name}, "password": {acc.Password}})
			if x.status != http.StatusTooManyRequests {
				t.Fatalf("login as %q after %d failures, right password: status %d, want 429", name, access.MaxUserFailures, x.status)
			}
			secs, err := strconv.Atoi(x.header.Get("Retry-After"))
			if err != nil || secs < 1 || secs > int(access.ThrottleWindow.Seconds())+1 {
				t.Errorf("Retry-After %q, want seconds within the window", x.header.Get("Retry-After"))
			}
			if msg := h.cat.T(i18n.ID, "login.throttled", 15); !strings.Contains(html.UnescapeString(string(x.body)), msg) {
				t.Errorf("page lacks %q", msg)
			}
			checkNoLeak(t, "throttled", x.body)
		}
		// Not signed in, however the password was right.
		if status, _ := h.page(t, c, "GET", "/account", nil); status != http.StatusSeeOther {
			t.Errorf("GET /account after a throttled login: status %d, want 303 to /login", status)
		}
		// Another account from the same address is not held up.
		other := h.accounts[access.Planner]
		if x := postForm(t, h, h.anonymous(), "/login", url.Values{"username": {other.Username}, "password": {other.Password}}); x.status != http.StatusSeeOther {
			t.Errorf("login as %s: status %d, want 303", other.Username, x.status)
		}
		// The failures are in the database, where every instance counts them.
		limited, _, err := access.Throttled(context.Background(), h.db, acc.Username, "203.0.113.9")
		if err != nil || !limited {
			t.Errorf("Throttled from another address = %v, %v; want true", limited, err)
		}
	})
}

// rawAPI calls the API without holding the exchange against the OpenAPI
// document: for requests outside the documented ranges that the server
// answers leniently (a page below 1 is page 1), which the checker would
// report as invalid requests.
func rawAPI(t *testing.T, h *harness, role access.Role, method, path string) apiResponse {
	t.Helper()
	req, err := http.NewRequest(method, h.http.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+h.tokens[role])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return apiResponse{Status: resp.StatusCode, Header: resp.Header, Body: out}
}

// Paging parameters of any size are answered, never with a 5xx: an offset
// computed from a huge page number must not overflow into a negative one.
func TestBadInputPaging(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		c := h.browser(access.Admin)
		for _, path := range []string{"/units", "/users", "/audit", "/regions"} {
			for _, q := range []string{"page=9223372036854775807", "page=368934881474191033", "page=-1&size=-1",
				"size=9223372036854775807", "page=2&size=1000000", "before=9223372036854775807&size=0"} {
				t.Run(path+"?"+q, func(t *testing.T) {
					r := rawAPI(t, h, access.Admin, "GET", "/api/v1"+path+"?"+q)
					checkNoLeak(t, path, r.Body)
					if r.Status != http.StatusOK {
						t.Errorf("API: status %d, want 200\n%.300s", r.Status, r.Body)
					}
					if path == "/regions" {
						return
					}
					status, page := h.page(t, c, "GET", path+"?"+q, nil)
					checkNoLeak(t, path, []byte(page))
					if status != http.StatusOK {
						t.Errorf("UI: status %d, want 200", status)
					}
				})
			}
		}
	})
}

package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/demo"
	"github.com/layan-id/layan/internal/i18n"
	"github.com/layan-id/layan/internal/web"
	"github.com/layan-id/layan/internal/wilayah"
)

// harness is a whole layan server on a fresh database of one engine, with
// the demo data: units in four provinces and one account per role.
type harness struct {
	t       *testing.T
	engine  string
	db      *db.DB
	regions *wilayah.Index
	server  *web.Server
	http    *httptest.Server
	// accounts by role: username and password
	accounts map[access.Role]demo.Account
	tokens   map[access.Role]string
	cat      *i18n.Catalog
	// attachments is the server's directory of case attachments.
	attachments string
}

func newHarness(t *testing.T, engine string) *harness {
	t.Helper()
	ctx := context.Background()
	ix, err := dbtest.Regions()
	if err != nil {
		t.Fatal(err)
	}
	d := dbtest.OpenSeeded(t, engine, "demo", func(ctx context.Context, d *db.DB) error {
		a, err := demo.Load(ctx, d, ix)
		demoAccounts.Store(engine, a)
		return err
	})
	v, _ := demoAccounts.Load(engine)
	accounts := v.([]demo.Account)
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(&testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	dir := t.TempDir()
	srv, err := web.New(web.Config{Version: "test", AttachmentDir: dir}, d, ix, cat, log)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, engine: engine, db: d, regions: ix, server: srv, cat: cat, attachments: dir,
		accounts: map[access.Role]demo.Account{}, tokens: map[access.Role]string{}}
	h.http = httptest.NewServer(srv.Handler())
	t.Cleanup(h.http.Close)
	for _, a := range accounts {
		h.accounts[a.Role] = a
		u, err := access.GetUserByName(ctx, d, a.Username)
		if err != nil {
			t.Fatal(err)
		}
		tok, _, err := access.CreateToken(ctx, d, u.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		h.tokens[a.Role] = tok
	}
	return h
}

// demoAccounts holds, per engine, the accounts demo.Load made on the seeded
// template: every copy of it has the same passwords.
var demoAccounts sync.Map

// TestMain drops the seeded templates when the tests are done.
func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.Sweep()
	os.Exit(code)
}

type testWriter struct{ t *testing.T }

func (w *testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// forEngine runs f on a harness of every engine.
func forEngine(t *testing.T, f func(t *testing.T, h *harness)) {
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) { f(t, newHarness(t, engine)) })
	}
}

// browser returns a client signed in as role through the login form, with a
// cookie jar, that does not follow redirects.
func (h *harness) browser(role access.Role) *http.Client {
	h.t.Helper()
	c := h.anonymous()
	if role == "" {
		return c
	}
	a := h.accounts[role]
	resp, err := c.PostForm(h.http.URL+"/login", url.Values{"username": {a.Username}, "password": {a.Password}})
	if err != nil {
		h.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		h.t.Fatalf("login as %s: status %d", role, resp.StatusCode)
	}
	return c
}

func (h *harness) anonymous() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// apiResponse is a decoded API answer.
type apiResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r apiResponse) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// api calls the JSON API as role (by bearer token; "" = no account) and
// checks the request and the answer against api/openapi.yaml.
func (h *harness) api(t *testing.T, role access.Role, method, path string, body any) apiResponse {
	t.Helper()
	var rd io.Reader
	var raw []byte
	contentType := "application/json"
	if body != nil {
		switch b := body.(type) {
		case string:
			raw = []byte(b)
		case []byte:
			raw = b
		case multipartBody:
			raw, contentType = b.data, b.contentType
		default:
			var err error
			if raw, err = json.Marshal(body); err != nil {
				t.Fatal(err)
			}
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, h.http.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+h.tokens[role])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	checkAgainstOpenAPI(t, req, raw, resp, out)
	return apiResponse{Status: resp.StatusCode, Header: resp.Header, Body: out}
}

// page fetches a UI page with client c and returns status and body.
func (h *harness) page(t *testing.T, c *http.Client, method, path string, form url.Values) (int, string) {
	t.Helper()
	var resp *http.Response
	var err error
	if method == http.MethodPost {
		resp, err = c.PostForm(h.http.URL+path, form)
	} else {
		resp, err = c.Get(h.http.URL + path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

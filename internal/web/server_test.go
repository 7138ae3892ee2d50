package web_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/layan-id/layan/internal/access"
)

// Operations endpoints, security headers and metrics, on both engines.
func TestOperationsAndHeaders(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		for _, path := range []string{"/healthz", "/readyz"} {
			resp, err := http.Get(h.http.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("%s: %d", path, resp.StatusCode)
			}
		}
		c := h.browser(access.Admin)
		for _, path := range []string{"/", "/no-such-page", "/login"} {
			resp, err := c.Get(h.http.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			csp := resp.Header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
				t.Errorf("%s: CSP %q", path, csp)
			}
			for _, hd := range []string{"X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "X-Request-Id"} {
				if resp.Header.Get(hd) == "" {
					t.Errorf("%s: header %s missing", path, hd)
				}
			}
		}
		// The session cookie is HttpOnly and SameSite.
		resp, err := h.anonymous().PostForm(h.http.URL+"/login", map[string][]string{
			"username": {h.accounts[access.Admin].Username}, "password": {h.accounts[access.Admin].Password}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		setCookie := resp.Header.Get("Set-Cookie")
		if !strings.Contains(setCookie, "HttpOnly") || !strings.Contains(setCookie, "SameSite=Lax") {
			t.Errorf("session cookie flags: %q", setCookie)
		}
		// Metrics name the route pattern, not the raw path.
		resp, err = http.Get(h.http.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := string(b)
		for _, want := range []string{`layan_http_requests_total{code="200",method="GET",route="GET /healthz"}`,
			"layan_http_request_duration_seconds_bucket", "go_sql_open_connections"} {
			if !strings.Contains(m, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
	})
}

// Every page of the UI renders for the admin without an error, in both
// languages.
func TestEveryPageRenders(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		c := h.browser(access.Admin)
		for _, lang := range []string{"id", "en"} {
			resp, err := c.PostForm(h.http.URL+"/lang", map[string][]string{"lang": {lang}, "next": {"/"}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			for _, path := range []string{"/", "/regions", "/regions?code=33.73.04", "/regions?q=salatiga", "/units", "/units/1",
				"/units/1/edit", "/units/new", "/users", "/users/1", "/users/new", "/audit", "/account", "/about",
				"/regions/picker?field=region&code=33.73.04.1001", "/regions/suggest?field=region&q=kecand"} {
				status, body := h.page(t, c, "GET", path, nil)
				if status != 200 {
					t.Errorf("%s %s: %d", lang, path, status)
				}
				if strings.Contains(body, "internal error") {
					t.Errorf("%s %s: render error", lang, path)
				}
				if !strings.HasPrefix(path, "/regions/") && !strings.Contains(body, `<html lang="`+lang+`">`) {
					t.Errorf("%s %s: page not marked lang=%s", lang, path, lang)
				}
			}
		}
	})
}

// A state-changing request from another site is refused even with a valid
// session cookie (CSRF); the same request from our own pages goes through.
func TestCrossSiteRequestsRefused(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		c := h.browser(access.Admin)
		post := func(headers map[string]string) int {
			req, _ := http.NewRequest("POST", h.http.URL+"/account/tokens", strings.NewReader("name=csrf"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range headers {
				req.Header.Set(k, v)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		if got := post(map[string]string{"Sec-Fetch-Site": "cross-site"}); got != http.StatusForbidden {
			t.Errorf("cross-site POST: %d, want 403", got)
		}
		if got := post(map[string]string{"Origin": "https://evil.example"}); got != http.StatusForbidden {
			t.Errorf("foreign Origin POST: %d, want 403", got)
		}
		if got := post(map[string]string{"Sec-Fetch-Site": "same-origin"}); got != http.StatusOK {
			t.Errorf("same-origin POST: %d, want 200", got)
		}
	})
}

// Paging links keep the list's filters and lead to the next records.
func TestPagingLinks(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		c := h.browser(access.Admin)
		_, body := h.page(t, c, "GET", "/units?q=dinas&size=2", nil)
		if !strings.Contains(body, `href="?page=2&amp;q=dinas&amp;size=2"`) {
			t.Fatalf("next-page link lost the filters:\n%s", body)
		}
		_, page2 := h.page(t, c, "GET", "/units?page=2&q=dinas&size=2", nil)
		if !strings.Contains(page2, `href="?page=1&amp;q=dinas&amp;size=2"`) || page2 == body {
			t.Errorf("page 2 is wrong")
		}
		_, audit1 := h.page(t, c, "GET", "/audit?size=3", nil)
		i := strings.Index(audit1, `href="/audit?before=`)
		if i < 0 {
			t.Fatalf("no older-records link")
		}
		link := audit1[i+6 : i+6+strings.Index(audit1[i+6:], `"`)]
		link = strings.ReplaceAll(link, "&amp;", "&")
		status, audit2 := h.page(t, c, "GET", link, nil)
		if status != 200 || audit2 == audit1 || !strings.Contains(link, "size=3") {
			t.Errorf("older link %q: status %d, same page %v", link, status, audit2 == audit1)
		}
	})
}

// HEAD of a page without an account is sent to sign in, like GET.
func TestHeadRedirectsToLogin(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		req, _ := http.NewRequest(http.MethodHead, h.http.URL+"/", nil)
		resp, err := h.anonymous().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("HEAD /: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

// Admins read who changed or opened a personal record, never its contents.
func TestAuditRedactsPersonalRecords(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		r := h.api(t, access.Worker, "POST", "/api/v1/people", map[string]any{"name": "Rahasia Pribadi", "sex": "P",
			"birth_date": "1980-01-02", "village": "33.73.04.1001"})
		if r.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		r = h.api(t, access.Admin, "GET", "/api/v1/audit?entity=person&size=5", nil)
		if r.Status != http.StatusOK {
			t.Fatalf("audit: %d", r.Status)
		}
		if !strings.Contains(string(r.Body), `"entity":"person"`) || strings.Contains(string(r.Body), "Rahasia") {
			t.Errorf("audit API shows personal contents or no person record: %.300s", r.Body)
		}
		_, page := h.page(t, h.browser(access.Admin), "GET", "/audit?entity=person", nil)
		if strings.Contains(page, "Rahasia") {
			t.Errorf("audit page shows personal contents")
		}
	})
}

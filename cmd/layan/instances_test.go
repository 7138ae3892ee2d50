package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/db/dbtest"
)

// These tests start whole servers through run, exactly as `layan serve`
// does, to prove what DESIGN.md promises for several instances behind a load
// balancer: instances are stateless, and sessions, throttling and data live
// in the one database they share.

// lockedBuffer is an io.Writer that a server goroutine writes while the test
// reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// instance is one `layan serve` running in this test process.
type instance struct {
	name     string
	url      string
	cancel   context.CancelFunc
	done     chan error // receives run's result once
	stdout   *lockedBuffer
	log      *lockedBuffer
	accounts map[string]string // demo username → password printed on start
	stopped  bool
}

var (
	listeningRE = regexp.MustCompile(`listening on (http://\S+)`)
	accountRE   = regexp.MustCompile(`(?m)^\s+(\S+)\s+\S+\s+kata sandi/password: (\S+)`)
)

// envFor gives run a LAYAN_DB and nothing else from the environment, so a
// developer's LAYAN_ADDR or LAYAN_LOG_FORMAT cannot change the test.
func envFor(dbURL string) func(string) string {
	return func(k string) string {
		if k == "LAYAN_DB" {
			return dbURL
		}
		return ""
	}
}

// launchInstance starts `serve --addr 127.0.0.1:0 [--demo]` on dbURL and
// returns at once; waitReady waits for it. The instance is stopped when t
// ends (before the database is dropped: cleanups run last-in, first-out).
func launchInstance(t *testing.T, name, dbURL string, withDemo bool) *instance {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	in := &instance{name: name, cancel: cancel, done: make(chan error, 1), stdout: &lockedBuffer{}, log: &lockedBuffer{}}
	args := []string{"serve", "--addr", "127.0.0.1:0"}
	if withDemo {
		args = append(args, "--demo")
	}
	go func() { in.done <- run(ctx, args, envFor(dbURL), in.stdout, in.log) }()
	t.Cleanup(func() {
		in.stop(t)
		if t.Failed() {
			t.Logf("instance %s stdout:\n%s\ninstance %s log:\n%s", name, in.stdout, name, in.log)
		}
	})
	return in
}

// waitReady waits until the instance prints its address and answers path
// (/healthz or /readyz) with 200. Once it answers, everything serve prints
// before it starts serving (the demo accounts) has been printed.
func (in *instance) waitReady(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		if time.Now().After(deadline) {
			t.Fatalf("instance %s not ready on %s within 60 s", in.name, path)
		}
		select {
		case err := <-in.done:
			in.stopped = true
			t.Fatalf("instance %s ended before it was ready: %v", in.name, err)
		default:
		}
		if in.url == "" {
			if m := listeningRE.FindStringSubmatch(in.stdout.String()); m != nil {
				in.url = m[1]
			}
		}
		if in.url != "" {
			resp, err := client.Get(in.url + path)
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					break
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	in.accounts = map[string]string{}
	for _, m := range accountRE.FindAllStringSubmatch(in.stdout.String(), -1) {
		in.accounts[m[1]] = m[2]
	}
}

func startInstance(t *testing.T, name, dbURL string, withDemo bool) *instance {
	t.Helper()
	in := launchInstance(t, name, dbURL, withDemo)
	in.waitReady(t, "/healthz")
	return in
}

// stop cancels the instance's context, as SIGTERM does, and returns run's
// result.
func (in *instance) stop(t *testing.T) error {
	t.Helper()
	if in.stopped {
		return nil
	}
	in.cancel()
	select {
	case err := <-in.done:
		in.stopped = true
		return err
	case <-time.After(30 * time.Second):
		t.Errorf("instance %s did not stop within 30 s", in.name)
		return errors.New("did not stop")
	}
}

// request is one HTTP exchange with an instance, never following redirects.
type request struct {
	method, path string
	cookie       string // layan_session value
	bearer       string
	form         url.Values
	json         any
}

type response struct {
	status int
	header http.Header
	body   string
}

var testClient = &http.Client{
	Timeout:       15 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func (in *instance) do(t *testing.T, rq request) response {
	t.Helper()
	var body io.Reader
	var ctype string
	switch {
	case rq.form != nil:
		body, ctype = strings.NewReader(rq.form.Encode()), "application/x-www-form-urlencoded"
	case rq.json != nil:
		b, err := json.Marshal(rq.json)
		if err != nil {
			t.Fatal(err)
		}
		body, ctype = bytes.NewReader(b), "application/json"
	}
	req, err := http.NewRequest(rq.method, in.url+rq.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if rq.cookie != "" {
		req.AddCookie(&http.Cookie{Name: "layan_session", Value: rq.cookie})
	}
	if rq.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+rq.bearer)
	}
	resp, err := testClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s on %s: %v", rq.method, rq.path, in.name, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// expect fails the test unless the exchange answers status.
func (in *instance) expect(t *testing.T, status int, rq request) response {
	t.Helper()
	resp := in.do(t, rq)
	if resp.status != status {
		t.Fatalf("%s %s on %s: status %d, want %d; body: %.400s", rq.method, rq.path, in.name, resp.status, status, resp.body)
	}
	return resp
}

// login signs in through the form and returns the session cookie's value.
func (in *instance) login(t *testing.T, username, password string) string {
	t.Helper()
	resp := in.expect(t, http.StatusSeeOther, request{method: "POST", path: "/login",
		form: url.Values{"username": {username}, "password": {password}}})
	for _, c := range (&http.Response{Header: resp.header}).Cookies() {
		if c.Name == "layan_session" && c.Value != "" {
			return c.Value
		}
	}
	t.Fatalf("login as %s on %s: no session cookie", username, in.name)
	return ""
}

// me reads /api/v1/me as the user of a cookie or a token.
func (in *instance) me(t *testing.T, rq request) (status int, u access.User) {
	t.Helper()
	rq.method, rq.path = "GET", "/api/v1/me"
	resp := in.do(t, rq)
	var me struct {
		User access.User `json:"user"`
	}
	if resp.status == http.StatusOK {
		if err := json.Unmarshal([]byte(resp.body), &me); err != nil {
			t.Fatalf("/api/v1/me: %v: %s", err, resp.body)
		}
	}
	return resp.status, me.User
}

func decodeInto(t *testing.T, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("decode %.200s: %v", body, err)
	}
}

// requirePostgres returns the maintenance URL of the test PostgreSQL or
// skips (fails under CI=true): these tests are about instances sharing one
// PostgreSQL.
func requirePostgres(t *testing.T) string {
	t.Helper()
	u := dbtest.PostgresURL()
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("LAYAN_TEST_POSTGRES is not set under CI=true: the multi-instance test must run")
		}
		t.Skip("LAYAN_TEST_POSTGRES not set: the multi-instance test needs PostgreSQL")
	}
	return u
}

func openDB(t *testing.T, dbURL string) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func TestTwoInstancesOneSystem(t *testing.T) {
	requirePostgres(t)
	dbURL := dbtest.NewURL(t, dbtest.Postgres)
	a := startInstance(t, "A", dbURL, true)
	b := startInstance(t, "B", dbURL, false)
	if len(a.accounts) < 6 {
		t.Fatalf("A printed %d demo accounts, want 6:\n%s", len(a.accounts), a.stdout)
	}
	if len(b.accounts) != 0 {
		t.Fatalf("B without --demo printed accounts:\n%s", b.stdout)
	}
	ctx := context.Background()
	d := openDB(t, dbURL)

	// A token for demo.admin made directly on the database, as the CLI does.
	admin, err := access.GetUserByName(ctx, d, "demo.admin")
	if err != nil {
		t.Fatal(err)
	}
	adminToken, _, err := access.CreateToken(ctx, d, admin.ID, "instances test")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("session from A works on B, logout on B ends it on A", func(t *testing.T) {
		cookie := a.login(t, "demo.perencana", a.accounts["demo.perencana"])
		home := b.expect(t, http.StatusOK, request{method: "GET", path: "/", cookie: cookie})
		if !strings.Contains(home.body, "Rina Marlina (demo)") {
			t.Fatalf("B's home page does not greet demo.perencana: %.600s", home.body)
		}
		if status, u := b.me(t, request{cookie: cookie}); status != http.StatusOK || u.Username != "demo.perencana" {
			t.Fatalf("B /api/v1/me with A's cookie: %d %q", status, u.Username)
		}
		b.expect(t, http.StatusSeeOther, request{method: "POST", path: "/logout", cookie: cookie})
		if status, _ := a.me(t, request{cookie: cookie}); status != http.StatusUnauthorized {
			t.Fatalf("A /api/v1/me after logout on B: %d, want 401", status)
		}
		resp := a.expect(t, http.StatusSeeOther, request{method: "GET", path: "/", cookie: cookie})
		if loc := resp.header.Get("Location"); !strings.HasPrefix(loc, "/login") {
			t.Fatalf("A / after logout on B redirects to %q, want /login", loc)
		}
	})

	t.Run("login throttling counts across instances", func(t *testing.T) {
		const user = "demo.verifikator"
		for i := range access.MaxUserFailures {
			in := []*instance{a, b}[i%2]
			in.expect(t, http.StatusUnauthorized, request{method: "POST", path: "/login",
				form: url.Values{"username": {user}, "password": {fmt.Sprintf("wrong-%d", i)}}})
		}
		// Five failures in total, split 3 on A and 2 on B: both now refuse,
		// even the right password, until the window passes.
		for _, in := range []*instance{b, a} {
			for _, pw := range []string{"wrong-again", a.accounts[user]} {
				resp := in.expect(t, http.StatusTooManyRequests, request{method: "POST", path: "/login",
					form: url.Values{"username": {user}, "password": {pw}}})
				if resp.header.Get("Retry-After") == "" {
					t.Errorf("429 on %s without Retry-After", in.name)
				}
			}
		}
	})

	t.Run("deactivation through B ends the session on A", func(t *testing.T) {
		const user = "demo.pekerja"
		cookie := a.login(t, user, a.accounts[user])
		status, u := a.me(t, request{cookie: cookie})
		if status != http.StatusOK {
			t.Fatalf("A /api/v1/me as %s: %d", user, status)
		}
		var cur access.User
		decodeInto(t, b.expect(t, http.StatusOK, request{method: "GET", path: fmt.Sprintf("/api/v1/users/%d", u.ID),
			bearer: adminToken}).body, &cur)
		var after access.User
		decodeInto(t, b.expect(t, http.StatusOK, request{method: "PATCH", path: fmt.Sprintf("/api/v1/users/%d", u.ID),
			bearer: adminToken, json: map[string]any{"active": false, "version": cur.Version}}).body, &after)
		if after.Active {
			t.Fatalf("PATCH on B answered an active account: %+v", after)
		}
		if status, _ := a.me(t, request{cookie: cookie}); status != http.StatusUnauthorized {
			t.Fatalf("A /api/v1/me after deactivation on B: %d, want 401", status)
		}
		resp := a.expect(t, http.StatusSeeOther, request{method: "GET", path: "/", cookie: cookie})
		if loc := resp.header.Get("Location"); !strings.HasPrefix(loc, "/login") {
			t.Fatalf("A / after deactivation redirects to %q, want /login", loc)
		}
		// Nor can the account sign in again, on either instance.
		for _, in := range []*instance{a, b} {
			in.expect(t, http.StatusUnauthorized, request{method: "POST", path: "/login",
				form: url.Values{"username": {user}, "password": {a.accounts[user]}}})
		}
	})

	t.Run("a unit created on A is listed on B", func(t *testing.T) {
		name := "LKS Uji Dua Instans " + randomHex(t)
		var created struct {
			ID int64 `json:"id"`
		}
		decodeInto(t, a.expect(t, http.StatusCreated, request{method: "POST", path: "/api/v1/units", bearer: adminToken,
			json: map[string]any{"type": "lks", "name": name, "region": "33.73.04", "address": "Salatiga"}}).body, &created)
		var list struct {
			Items []struct {
				ID   int64  `json:"id"`
				Name string `json:"name"`
			} `json:"items"`
			Total int `json:"total"`
		}
		decodeInto(t, b.expect(t, http.StatusOK, request{method: "GET", path: "/api/v1/units?q=" + url.QueryEscape(name),
			bearer: adminToken}).body, &list)
		if list.Total != 1 || len(list.Items) != 1 || list.Items[0].ID != created.ID || list.Items[0].Name != name {
			t.Fatalf("B lists %+v, want unit %d %q", list, created.ID, name)
		}
		b.expect(t, http.StatusOK, request{method: "GET", path: fmt.Sprintf("/api/v1/units/%d", created.ID), bearer: adminToken})
	})

	t.Run("graceful shutdown of A while B keeps serving", func(t *testing.T) {
		// A session started on A outlives A: it lives in the database.
		const user = "demo.nasional"
		cookie := a.login(t, user, a.accounts[user])

		// A request in flight when the shutdown begins is finished. The
		// request asks for "100 Continue", which the server sends once the
		// handler reads the body: then it is surely in flight. Stop A, wait
		// until A has closed its listener, then send the body.
		host := strings.TrimPrefix(a.url, "http://")
		conn, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(30 * time.Second))
		body := "lang=en&next=%2Fabout"
		if _, err := fmt.Fprintf(conn, "POST /lang HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
			"Content-Length: %d\r\nExpect: 100-continue\r\n\r\n", host, len(body)); err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(conn)
		if cont, err := http.ReadResponse(br, nil); err != nil || cont.StatusCode != http.StatusContinue {
			t.Fatalf("want 100 Continue, got %v %v", cont, err)
		}
		a.cancel()
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			c, err := net.DialTimeout("tcp", host, time.Second)
			if err != nil {
				break
			}
			c.Close()
			if time.Now().After(deadline) {
				t.Fatal("A still accepts connections 20 s after it was told to stop")
			}
		}
		if _, err := io.WriteString(conn, body); err != nil {
			t.Fatal(err)
		}
		inflight, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("the request in flight got no answer: %v", err)
		}
		inflight.Body.Close()
		if inflight.StatusCode != http.StatusSeeOther || inflight.Header.Get("Location") != "/about" {
			t.Fatalf("the request in flight answered %d to %q, want 303 to /about", inflight.StatusCode, inflight.Header.Get("Location"))
		}
		if err := a.stop(t); err != nil {
			t.Fatalf("A stopped with %v, want a clean shutdown", err)
		}
		if !strings.Contains(a.log.String(), "stopped") {
			t.Errorf("A's log does not say it stopped:\n%s", a.log)
		}
		if _, err := testClient.Get(a.url + "/healthz"); err == nil {
			t.Fatalf("A still answers after its shutdown")
		}
		b.expect(t, http.StatusOK, request{method: "GET", path: "/readyz"})
		if status, u := b.me(t, request{cookie: cookie}); status != http.StatusOK || u.Username != user {
			t.Fatalf("B /api/v1/me with a session from the stopped A: %d %q", status, u.Username)
		}
		if status, u := b.me(t, request{bearer: adminToken}); status != http.StatusOK || u.Username != "demo.admin" {
			t.Fatalf("B /api/v1/me with the admin token: %d %q", status, u.Username)
		}
	})
}

// TestTwoInstancesStartTogether starts two instances at the same moment on
// a new, empty database: one migrates while the other waits on the advisory
// lock, and the region list is loaded once.
func TestTwoInstancesStartTogether(t *testing.T) {
	maint := requirePostgres(t)
	ctx := context.Background()
	admin := openDB(t, maint)
	name := "layan_test_empty_" + randomHex(t)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})
	u, err := url.Parse(maint)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	dbURL := u.String()

	a := launchInstance(t, "A", dbURL, true)
	b := launchInstance(t, "B", dbURL, false)
	a.waitReady(t, "/readyz")
	b.waitReady(t, "/readyz")
	if len(a.accounts) < 6 {
		t.Fatalf("A printed %d demo accounts, want 6:\n%s", len(a.accounts), a.stdout)
	}

	d := openDB(t, dbURL)
	ix, err := dbtest.Regions()
	if err != nil {
		t.Fatal(err)
	}
	var regions, sources int
	if err := d.QueryRow(ctx, "SELECT (SELECT COUNT(*) FROM region), (SELECT COUNT(*) FROM region_source)").
		Scan(&regions, &sources); err != nil {
		t.Fatal(err)
	}
	if regions != ix.Count(0) || sources != 1 {
		t.Fatalf("after a concurrent start: %d regions from %d sources, want %d from 1", regions, sources, ix.Count(0))
	}
	current, known, err := d.SchemaVersion(ctx)
	if err != nil || current != known {
		t.Fatalf("schema version %d of %d (%v)", current, known, err)
	}
	// Both serve the same system: a demo account signs in on B.
	cookie := b.login(t, "demo.admin", a.accounts["demo.admin"])
	if status, _ := a.me(t, request{cookie: cookie}); status != http.StatusOK {
		t.Fatalf("A /api/v1/me with B's session: %d", status)
	}
}

func randomHex(t *testing.T) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

var (
	passwordRE = regexp.MustCompile(`kata sandi / password: (\S+)`)
	tokenRE    = regexp.MustCompile(`^` + access.TokenPrefix + `[A-Za-z0-9_-]+$`)
)

// TestCLIWhileServing runs the account commands against the database of a
// running server, as an operator would, and uses what they print.
func TestCLIWhileServing(t *testing.T) {
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			dbURL := dbtest.NewURL(t, engine)
			srv := startInstance(t, "server", dbURL, false)
			ctx := context.Background()
			cli := func(args ...string) (string, error) {
				var out bytes.Buffer
				err := run(ctx, args, envFor(dbURL), &out, io.Discard)
				return out.String(), err
			}

			out, err := cli("user", "add", "budi", "--role", "planner", "--region", "33.73")
			if err != nil {
				t.Fatalf("user add: %v", err)
			}
			m := passwordRE.FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("user add printed no password:\n%s", out)
			}
			password := m[1]
			out, err = cli("token", "create", "--user", "budi")
			if err != nil {
				t.Fatalf("token create: %v", err)
			}
			token := strings.TrimSpace(out)
			if !tokenRE.MatchString(token) {
				t.Fatalf("token create printed %q, want one token", out)
			}

			cookie := srv.login(t, "budi", password)
			for _, rq := range []request{{bearer: token}, {cookie: cookie}} {
				status, u := srv.me(t, rq)
				if status != http.StatusOK || u.Username != "budi" || u.Role != access.Planner || u.Region != "33.73" {
					t.Fatalf("/api/v1/me: %d %+v, want budi, planner of 33.73", status, u)
				}
			}

			for _, tc := range []struct {
				name string
				args []string
				want []string // in the error
			}{
				{"unknown role", []string{"user", "add", "sari", "--role", "boss", "--region", "33.73"},
					[]string{"--role", "Pilih peran dari daftar"}},
				{"unknown region", []string{"user", "add", "sari", "--role", "planner", "--region", "99.99"},
					[]string{"--region", "99.99", "tidak ada dalam daftar Kemendagri"}},
				{"malformed region", []string{"user", "add", "sari", "--role", "planner", "--region", "33.7x"},
					[]string{"--region"}},
				{"worker without unit", []string{"user", "add", "sari", "--role", "worker"},
					[]string{"--unit", "harus terdaftar di satu unit"}},
				{"token for nobody", []string{"token", "create", "--user", "nobody"},
					[]string{"Akun tidak ditemukan"}},
				{"token without user", []string{"token", "create"}, []string{"--user"}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					out, err := cli(tc.args...)
					if err == nil {
						t.Fatalf("no error; printed:\n%s", out)
					}
					for _, w := range tc.want {
						if !strings.Contains(err.Error(), w) {
							t.Errorf("error %q does not mention %q", err, w)
						}
					}
				})
			}
			// None of the refused commands made an account.
			if status, _ := srv.me(t, request{bearer: token}); status != http.StatusOK {
				t.Fatalf("server stopped answering: %d", status)
			}
			var n int
			if err := openDB(t, dbURL).QueryRow(ctx, "SELECT COUNT(*) FROM app_user WHERE username = ?", "sari").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Fatalf("a refused user add created %d accounts", n)
			}
		})
	}
}

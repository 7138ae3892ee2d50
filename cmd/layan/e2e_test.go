package main

// The end-to-end test: the real `layan serve --demo` (through run, as main
// calls it) on port 0 with a fresh database, driven by headless Chromium
// through every page each demo role can reach, with axe-core checking each
// page and the browser's console watched for errors and CSP violations.
//
//	LAYAN_TEST_CHROMIUM=/usr/bin/chromium \
//	LAYAN_TEST_POSTGRES='postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable' \
//	go test ./cmd/layan/ -run E2E -count=1 -v
//
// The page's CSP stays on: the test needs no bypass, because code sent over
// the DevTools protocol (Runtime.evaluate) is not page script. So a CSP
// violation by our own templates or by htmx still shows up, and fails the
// test. That is also why the test waits with waitJS below and not with
// chromedp.Poll: Poll compiles its predicate with `new Function`, which our
// CSP (no 'unsafe-eval') refuses.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/i18n"
	"github.com/layan-id/layan/internal/wilayah"
)

const (
	// e2eBudget is the time one engine's run should take; the hard limit
	// (e2eLimit) only stops a hung browser or server.
	e2eBudget = 90 * time.Second
	e2eLimit  = 3 * time.Minute
	// stepTimeout bounds one browser step (a page load, a wait).
	stepTimeout = 20 * time.Second
)

func TestE2E(t *testing.T) {
	env := e2eSetup(t)
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			start := time.Now()
			srv, e := env.start(t, engine)
			e.run(srv.accounts)
			elapsed := time.Since(start)
			t.Logf("%s: %d pages checked with axe (%v in axe), whole run %v", engine, e.pages, e.axeTime.Round(time.Millisecond), elapsed.Round(time.Millisecond))
			if elapsed > e2eBudget {
				t.Logf("warning: the %s run took %v, over its budget of %v", engine, elapsed.Round(time.Second), e2eBudget)
			}
		})
	}
}

// e2eEnv is what every browser test shares: the browser to drive,
// axe-core's source, the catalogs and the region index.
type e2eEnv struct {
	chromium string
	axe      string
	cat      *i18n.Catalog
	ix       *wilayah.Index
}

// e2eSetup skips the test when no browser is configured (fails under
// CI=true, where it must run) and loads what the browser tests share.
func e2eSetup(t *testing.T) e2eEnv {
	t.Helper()
	chromium := os.Getenv("LAYAN_TEST_CHROMIUM")
	if chromium == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("LAYAN_TEST_CHROMIUM is not set under CI=true: the end-to-end test must run (e.g. LAYAN_TEST_CHROMIUM=/usr/bin/chromium)")
		}
		t.Skip("LAYAN_TEST_CHROMIUM not set: end-to-end browser test skipped (set it to Debian's chromium, e.g. /usr/bin/chromium)")
	}
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("LAYAN_TEST_CHROMIUM=%s: %v", chromium, err)
		}
		t.Skipf("LAYAN_TEST_CHROMIUM=%s is missing (%v): end-to-end browser test skipped", chromium, err)
	}
	axe, err := os.ReadFile(filepath.Join("..", "..", "internal", "web", "testdata", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := wilayah.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return e2eEnv{chromium: chromium, axe: string(axe), cat: cat, ix: ix}
}

// start runs `layan serve --demo` on a fresh database of engine and opens
// a browser on it; both stop when t ends.
func (env e2eEnv) start(t *testing.T, engine string) (server, *browser) {
	t.Helper()
	start := time.Now()
	var dbURL string
	if engine == dbtest.SQLite {
		// An empty file: serve migrates it and loads the regions
		// itself, as on a first start in an office.
		dbURL = "sqlite:" + filepath.Join(t.TempDir(), "layan.db")
	} else {
		dbURL = dbtest.NewURL(t, engine)
	}
	srv := startServer(t, dbURL)
	t.Logf("server up in %v at %s", time.Since(start).Round(time.Millisecond), srv.url)
	return srv, newBrowser(t, env.chromium, srv.url, env.axe, env.cat, env.ix, engine)
}

// demoAccount is one line of the table serve prints with --demo.
type demoAccount struct {
	username, password string
	role               access.Role
}

// serverOutput collects what serve writes to stdout and parses the address
// and the demo accounts as the lines arrive; ready closes once every role has
// its account.
type serverOutput struct {
	mu       sync.Mutex
	partial  []byte
	all      bytes.Buffer
	url      string
	accounts map[access.Role]demoAccount
	ready    chan struct{}
	closed   bool
}

var (
	listenLine  = regexp.MustCompile(`listening on (http://\S+)`)
	accountLine = regexp.MustCompile(`^\s+(\S+)\s+(\S+)\s+kata sandi/password: (\S+)`)
)

func (o *serverOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.all.Write(p)
	o.partial = append(o.partial, p...)
	for {
		i := bytes.IndexByte(o.partial, '\n')
		if i < 0 {
			break
		}
		line := string(o.partial[:i])
		o.partial = o.partial[i+1:]
		if m := listenLine.FindStringSubmatch(line); m != nil {
			o.url = m[1]
		}
		if m := accountLine.FindStringSubmatch(line); m != nil {
			r := access.Role(m[2])
			o.accounts[r] = demoAccount{username: m[1], role: r, password: m[3]}
		}
	}
	if !o.closed && o.url != "" && len(o.accounts) == len(access.Roles) {
		o.closed = true
		close(o.ready)
	}
	return len(p), nil
}

func (o *serverOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.all.String()
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type server struct {
	url      string
	accounts map[access.Role]demoAccount
}

// startServer runs `layan serve --demo` on port 0 and waits for the demo
// accounts it prints. When the test ends it cancels the context and waits for
// a graceful shutdown; it fails the test if the server logged an error.
func startServer(t *testing.T, dbURL string) server {
	t.Helper()
	// Attachments and audit photos in a folder of the test's own, not in
	// the working directory (the default for PostgreSQL).
	env := map[string]string{"LAYAN_DB": dbURL, "LAYAN_ATTACHMENTS": filepath.Join(t.TempDir(), "lampiran")}
	getenv := func(k string) string { return env[k] }
	out := &serverOutput{accounts: map[access.Role]demoAccount{}, ready: make(chan struct{})}
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--demo", "--addr", "127.0.0.1:0"}, getenv, out, logs)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run returned %v after the context was cancelled; want a graceful shutdown", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("run did not return within 30 s of the context being cancelled")
		}
		var errs []string
		sc := bufio.NewScanner(strings.NewReader(logs.String()))
		sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "level=ERROR") {
				errs = append(errs, sc.Text())
			}
		}
		if len(errs) > 0 {
			t.Errorf("the server logged %d errors:\n%s", len(errs), strings.Join(errs, "\n"))
		}
		if t.Failed() {
			t.Logf("server stdout:\n%s", out.String())
			t.Logf("server log (last 40 lines):\n%s", lastLines(logs.String(), 40))
		}
	})
	// Loading the 91,599 regions into an empty SQLite file takes a few
	// seconds; nothing else should come near the deadline.
	deadline := time.NewTimer(60 * time.Second)
	defer deadline.Stop()
	select {
	case <-out.ready:
	case err := <-done:
		done <- nil // reported here; the cleanup need not again
		t.Fatalf("run returned before the server was ready: %v\nstdout:\n%s\nlog:\n%s", err, out.String(), lastLines(logs.String(), 40))
	case <-deadline.C:
		t.Fatalf("no address and demo accounts for every role (%v) within 60 s\nstdout:\n%s\nlog:\n%s", access.Roles, out.String(), lastLines(logs.String(), 40))
	}
	out.mu.Lock()
	defer out.mu.Unlock()
	return server{url: out.url, accounts: out.accounts}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// browser is one engine's Chromium with one tab, and what the test learned.
type browser struct {
	t      *testing.T
	tab    context.Context
	base   string
	axe    string
	cat    *i18n.Catalog
	ix     *wilayah.Index
	engine string

	mu       sync.Mutex
	problems []string      // console errors, exceptions, CSP violations not yet reported
	reported chan struct{} // signalled when a problem is recorded

	pages   int
	axeTime time.Duration
	minor   map[string]int // moderate and minor axe findings by rule, logged at the end
	review  map[string]int // what axe could not decide ("incomplete"), logged at the end
}

func newBrowser(t *testing.T, chromium, base, axe string, cat *i18n.Catalog, ix *wilayah.Index, engine string) *browser {
	t.Helper()
	b := &browser{t: t, base: base, axe: axe, cat: cat, ix: ix, engine: engine, minor: map[string]int{}, review: map[string]int{},
		reported: make(chan struct{}, 1)}
	profile := t.TempDir()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(profile),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	// Registered after TempDir, so it runs first: the browser has exited
	// (cancelAlloc waits for it) before its profile folder is removed.
	t.Cleanup(cancelAlloc)
	limit, cancelLimit := context.WithTimeout(allocCtx, e2eLimit)
	t.Cleanup(cancelLimit)
	tab, cancelTab := chromedp.NewContext(limit, chromedp.WithListener(b.onEvent))
	t.Cleanup(cancelTab)
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("starting %s: %v", chromium, err)
	}
	b.tab = tab
	if v, err := chromedp.CallBrowser(tab, cdpbrowser.GetVersion, cdp.Empty{}); err == nil {
		t.Logf("browser: %s", v.Product)
	}
	return b
}

// onEvent runs in the tab's event loop: it only records.
func (b *browser) onEvent(ev any) {
	var p string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		p = "uncaught exception: " + d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			p += " " + d.Exception.Description
		}
		p += fmt.Sprintf(" (%s:%d)", d.URL, d.LineNumber+1)
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError {
			return
		}
		var parts []string
		for _, a := range ev.Args {
			if a.Value != nil {
				parts = append(parts, string(a.Value))
			} else {
				parts = append(parts, a.Description)
			}
		}
		p = "console.error: " + strings.Join(parts, " ")
	case *cdplog.EventEntryAdded:
		en := ev.Entry
		// A CSP violation is an error when enforced; count it at any level.
		if en.Level != cdplog.EntryLevelError && !strings.Contains(en.Text, "Content Security Policy") {
			return
		}
		p = fmt.Sprintf("browser log (%s, %s): %s", en.Source, en.Level, en.Text)
		if en.URL != "" {
			p += " [" + en.URL + "]"
		}
	default:
		return
	}
	b.mu.Lock()
	b.problems = append(b.problems, p)
	b.mu.Unlock()
	select {
	case b.reported <- struct{}{}:
	default:
	}
}

// takeProblems returns and clears what the console reported.
func (b *browser) takeProblems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.problems
	b.problems = nil
	return p
}

// stranger runs fn in a new tab of a fresh browser context of the same
// Chromium: none of b's cookies or storage, as on the phone of someone
// without an account (an outside agency opening a referral link). Its
// console is watched and its pages are checked like b's, and count with
// them; the tab and its context are gone when stranger returns.
func (b *browser) stranger(fn func(s *browser)) {
	b.t.Helper()
	s := &browser{t: b.t, base: b.base, axe: b.axe, cat: b.cat, ix: b.ix, engine: b.engine, minor: b.minor, review: b.review,
		reported: make(chan struct{}, 1)}
	tab, cancel := chromedp.NewContext(b.tab, chromedp.WithNewBrowserContext(), chromedp.WithListener(s.onEvent))
	defer cancel()
	if err := chromedp.Do(tab); err != nil {
		b.t.Fatalf("%s: opening a fresh browser context: %v", b.where(), err)
	}
	s.tab = tab
	defer func() { b.pages, b.axeTime = b.pages+s.pages, b.axeTime+s.axeTime }()
	fn(s)
	if p := s.takeProblems(); len(p) > 0 {
		b.t.Errorf("%s: the fresh browser context reported:\n  %s", s.where(), strings.Join(p, "\n  "))
	}
}

// step runs browser actions with a timeout and fails the test on error.
func (b *browser) step(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.tab, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %s: %v", b.where(), what, err)
	}
}

// load runs a trigger that loads a page (a navigation, a click on a link, a
// form submit), waits for the load and checks the answer was 200 OK.
func (b *browser) load(what string, trigger ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	b.loadStatus(what, 200, trigger...)
}

// loadStatus is load for a page that must answer with the given status. A
// status other than 200 makes the browser log "Failed to load resource";
// that one expected entry is dropped.
func (b *browser) loadStatus(what string, want int64, trigger ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.tab, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, trigger...)
	if err != nil {
		b.t.Fatalf("%s: %s: %v", b.where(), what, err)
	}
	status := int64(0)
	if resp != nil {
		status = resp.Status
	}
	if status != want {
		errs, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("main .error, main [role=alert]")].map(e => e.innerText).join("\n")`))
		b.t.Fatalf("%s: %s: HTTP %d, want %d; the page says:\n%s", b.where(), what, status, want, errs)
	}
	if want != 200 {
		b.mu.Lock()
		kept := b.problems[:0]
		for _, p := range b.problems {
			if !(strings.Contains(p, "Failed to load resource") && strings.Contains(p, fmt.Sprintf("status of %d", want)) && strings.Contains(p, resp.URL)) {
				kept = append(kept, p)
			}
		}
		b.problems = kept
		b.mu.Unlock()
	}
}

// eval evaluates a JavaScript expression and decodes its value.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.tab, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("%s: evaluating %.80q: %v", b.where(), expr, err)
	}
	return v
}

// waitJS waits until a JavaScript expression is truthy, checking on every
// animation frame, and returns how long it took in the page. It stands in for
// chromedp.Poll, whose `new Function` our CSP refuses.
func (b *browser) waitJS(what, expr string) time.Duration {
	b.t.Helper()
	js := fmt.Sprintf(`new Promise(resolve => {
		const t0 = performance.now();
		const tick = () => {
			let ok = false;
			try { ok = !!(%s); } catch (e) {}
			const dt = performance.now() - t0;
			if (ok) resolve(dt);
			else if (dt > %d) resolve(-1);
			else requestAnimationFrame(tick);
		};
		tick();
	})`, expr, stepTimeout.Milliseconds()-2000)
	ms := eval[float64](b, js)
	if ms < 0 {
		b.t.Fatalf("%s: timed out waiting for %s (%s)", b.where(), what, expr)
	}
	return time.Duration(ms * float64(time.Millisecond))
}

// where names the page the browser is on, for messages.
func (b *browser) where() string {
	ctx, cancel := context.WithTimeout(b.tab, 2*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + location.search`))
	if err != nil {
		return b.engine + " (page unknown)"
	}
	return b.engine + " " + loc
}

// axeResult is the part of an axe violation the test reports.
type axeResult struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	URL    string `json:"helpUrl"`
	Nodes  []struct {
		Target  []string `json:"target"`
		HTML    string   `json:"html"`
		Summary string   `json:"summary"`
	} `json:"nodes"`
}

// axeRun runs axe-core on the page and returns its violations.
func (b *browser) axeRun() []axeResult {
	b.t.Helper()
	start := time.Now()
	defer func() { b.axeTime += time.Since(start) }()
	if !eval[bool](b, `typeof window.axe === "object"`) {
		// Runtime.evaluate is DevTools, not page script: the CSP does not
		// apply to it, so axe goes in without bypassing the page's CSP.
		eval[chromedp.Void](b, b.axe)
	}
	raw := eval[[]byte](b, `(async () => {
		const r = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']});
		return {passes: r.passes.length, incomplete: r.incomplete.map(v => v.id + " (" + v.nodes.length + ")"), violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
			nodes: v.nodes.map(n => ({target: n.target.map(String), html: n.html.slice(0, 200), summary: n.failureSummary}))}))};
	})()`)
	var res struct {
		Passes     int         `json:"passes"`
		Incomplete []string    `json:"incomplete"`
		Violations []axeResult `json:"violations"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		b.t.Fatalf("%s: decoding axe results: %v", b.where(), err)
	}
	for _, id := range res.Incomplete {
		b.review[id]++
	}
	if res.Passes == 0 {
		// A page where no rule passed means axe looked at nothing.
		b.t.Fatalf("%s: axe passed no rule at all: it did not really run", b.where())
	}
	return res.Violations
}

// check runs axe-core on the page and looks at what the console reported
// since the last check. Serious and critical violations fail the test.
func (b *browser) check(label string) {
	b.t.Helper()
	violations := b.axeRun()
	b.pages++
	var bad []string
	for _, v := range violations {
		if v.Impact != "serious" && v.Impact != "critical" {
			b.minor[fmt.Sprintf("%s (%s): %s", v.ID, v.Impact, v.Help)]++
			continue
		}
		var s strings.Builder
		fmt.Fprintf(&s, "axe %s [%s]: %s (%s)", v.ID, v.Impact, v.Help, v.URL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&s, "\n      %s  %s\n        %s", strings.Join(n.Target, " "), n.HTML, strings.ReplaceAll(n.Summary, "\n", " / "))
		}
		bad = append(bad, s.String())
	}
	if len(bad) > 0 {
		b.t.Errorf("%s (%s): %d serious or critical accessibility violations:\n  %s", b.where(), label, len(bad), strings.Join(bad, "\n  "))
	}
	if p := b.takeProblems(); len(p) > 0 {
		b.t.Errorf("%s (%s): the browser reported:\n  %s", b.where(), label, strings.Join(p, "\n  "))
	}
}

// visit opens a path by URL and checks it.
func (b *browser) visit(path string) {
	b.t.Helper()
	b.load("open "+path, chromedp.Navigate(b.base+path))
	b.step("wait for "+path, chromedp.WaitVisible(chromedp.CSS("main h1")))
	b.check(path)
}

// follow clicks a link (or a submit button) that loads a page, and checks
// the page.
func (b *browser) follow(label string, click chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	b.load("click "+label, click)
	b.step("wait for the page after "+label, chromedp.WaitVisible(chromedp.CSS("main h1")))
	b.check(label)
}

func (b *browser) path() string {
	return eval[string](b, `location.pathname`)
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	return eval[string](b, fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ""`, sel))
}

// expectedScope is the region each demo role works in (demo.users): the
// home page's counts are computed below it. "" is the whole country.
var expectedScope = map[access.Role]wilayah.Code{
	access.Worker:     "33.73", // Dinas Sosial Kota Salatiga
	access.Supervisor: "33.73",
	access.Planner:    "33.73",
	access.Verifier:   "33",
	access.National:   "",
	access.Admin:      "",
}

func (b *browser) run(accounts map[access.Role]demoAccount) {
	t := b.t
	b.canaries()
	for i, role := range access.Roles {
		a, ok := accounts[role]
		if !ok {
			t.Fatalf("no demo account for role %s", role)
		}
		// Half the roles on a phone (360×800), half on a desktop.
		phone := i >= len(access.Roles)/2
		if phone {
			b.step("phone viewport", chromedp.EmulateViewport(360, 800, chromedp.EmulateMobile))
		} else {
			b.step("desktop viewport", chromedp.EmulateViewport(1280, 900))
		}
		start := time.Now()
		b.login(a)
		b.home(a)
		switch role {
		case access.Planner:
			b.languageSwitch()
			b.regionsToVillage()
		case access.Admin:
			b.adminPages()
			b.unitFormTypeahead()
		}
		b.navigation(a)
		b.logout()
		size := "desktop"
		if phone {
			size = "phone"
		}
		t.Logf("%-10s (%s, %s): %v", role, a.username, size, time.Since(start).Round(time.Millisecond))
	}
	b.logFindings()
}

// logFindings logs what axe found that does not fail the test: moderate
// and minor violations, and what it could not decide.
func (b *browser) logFindings() {
	if len(b.minor) > 0 {
		var lines []string
		for k, n := range b.minor {
			lines = append(lines, fmt.Sprintf("%s ×%d", k, n))
		}
		sort.Strings(lines)
		b.t.Logf("moderate/minor axe findings (not failing):\n  %s", strings.Join(lines, "\n  "))
	}
	if len(b.review) > 0 {
		var lines []string
		for k, n := range b.review {
			lines = append(lines, fmt.Sprintf("%s on %d pages", k, n))
		}
		sort.Strings(lines)
		b.t.Logf("axe could not decide (review by hand):\n  %s", strings.Join(lines, "\n  "))
	}
}

// canaries prove the two watchers work before the test trusts their
// silence: a blocked inline script must be reported by the browser, and an
// image without a text alternative must be caught by axe.
func (b *browser) canaries() {
	b.visit("/login")
	eval[chromedp.Void](b, `document.querySelector("main").insertAdjacentHTML("beforeend", '<img id="axe-canary" src="/static/favicon.svg">')`)
	found := false
	for _, v := range b.axeRun() {
		found = found || v.ID == "image-alt" && v.Impact == "critical"
	}
	if !found {
		b.t.Fatal("axe did not report an image without alt text: the accessibility check is blind")
	}
	eval[chromedp.Void](b, `document.getElementById("axe-canary").remove()`)
	eval[chromedp.Void](b, `(() => { const s = document.createElement("script"); s.textContent = "window.layanCanary = 1"; document.head.appendChild(s); })()`)
	if eval[bool](b, `window.layanCanary === 1`) {
		b.t.Fatal("an inline script ran: the page has no working CSP")
	}
	deadline := time.NewTimer(5 * time.Second)
	defer deadline.Stop()
	var got []string
	for !strings.Contains(strings.Join(got, " "), "Content Security Policy") {
		select {
		case <-b.reported:
			got = append(got, b.takeProblems()...)
		case <-deadline.C:
			b.t.Fatalf("the CSP canary was not reported by the browser (got %q): the console watch is blind", got)
		}
	}
}

func (b *browser) login(a demoAccount) {
	b.load("open /login", chromedp.Navigate(b.base+"/login"))
	b.step("fill the sign-in form",
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), a.username),
		chromedp.SendKeys(chromedp.ID("password"), a.password),
	)
	b.load("sign in as "+a.username, chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	if p := b.path(); p != "/" {
		b.t.Fatalf("%s: after signing in as %s: on %s, want /", b.where(), a.username, p)
	}
}

// home checks the home page shows the real region counts of the role's
// scope, and a units count for roles that read units.
func (b *browser) home(a demoAccount) {
	b.step("wait for home", chromedp.WaitVisible(chromedp.ID("h-counts")))
	b.check("home " + string(a.role))
	// Digits only: a thousands separator (83.762, 83,762) is not an error.
	nums := eval[[]string](b, `[...document.querySelectorAll("ul.cards .num")].map(e => e.textContent.replace(/[^0-9]/g, ""))`)
	scope, ok := expectedScope[a.role]
	if !ok {
		b.t.Fatalf("role %s has no entry in expectedScope: add the region its demo account works in", a.role)
	}
	var want []string
	for l := wilayah.Province; l <= wilayah.Village; l++ {
		if scope != "" && l <= scope.Level() {
			continue
		}
		want = append(want, strconv.Itoa(b.ix.CountWithin(scope, l)))
	}
	if len(nums) < len(want) || strings.Join(nums[:len(want)], " ") != strings.Join(want, " ") {
		b.t.Errorf("%s: home of %s shows counts %v, want the region counts %v first", b.where(), a.role, nums, want)
	}
	if scope != "" {
		reg, _ := b.ix.Get(scope)
		if lead := b.text("p.lead"); !strings.Contains(lead, reg.Name) {
			b.t.Errorf("%s: home of %s says %q, want its region %q", b.where(), a.role, lead, reg.Name)
		}
	}
	// After the regions every role sees a count of the people registry
	// (workers and supervisors those in reach, the others a count of
	// their scope, never records); the demo puts people in every scope.
	if len(nums) <= len(want) {
		b.t.Errorf("%s: home of %s shows no people count: %v", b.where(), a.role, nums)
	} else if n, _ := strconv.Atoi(nums[len(want)]); n < 1 {
		b.t.Errorf("%s: home of %s counts %d people, want the demo people of its scope", b.where(), a.role, n)
	}
	if a.role.Can(access.ReadUnits) {
		if len(nums) <= len(want)+1 {
			b.t.Errorf("%s: home of %s shows no units count: %v", b.where(), a.role, nums)
		} else if n, _ := strconv.Atoi(nums[len(want)+1]); n < 1 {
			b.t.Errorf("%s: home of %s counts %d units, want the demo units of its scope", b.where(), a.role, n)
		}
	}
}

// navigation clicks every link of the main menu (and the footer's about
// link), checks the menu matches the role's permissions, and checks each
// page.
func (b *browser) navigation(a demoAccount) {
	b.load("open home", chromedp.Navigate(b.base+"/"))
	hrefs := eval[[]string](b, `[...document.querySelectorAll("header.top nav a")].map(a => a.getAttribute("href"))`)
	want := []string{"/", "/regions"}
	for _, x := range []struct {
		perm access.Permission
		href string
	}{{access.ReadPeople, "/people"}, {access.ReadCases, "/work"}, {access.ReadCases, "/cases"}, {access.ReadSPM, "/spm"}, {access.ReadUnits, "/units"},
		{access.ReadSarpras, "/sarpras/tasks"}, {access.CompareSarpras, "/sarpras/compare"}, {access.ManageSarprasItems, "/sarpras/items"},
		{access.ReadComplaintFigures, "/pengaduan/angka"}, {access.ManageUsers, "/users"}, {access.ReadAudit, "/audit"}} {
		// Remediation tasks are owned by a unit's staff: the menu links
		// them for accounts that belong to a unit.
		if x.href == "/sarpras/tasks" && !a.role.NeedsUnit() {
			continue
		}
		if a.role.Can(x.perm) {
			want = append(want, x.href)
		}
	}
	want = append(want, "/account")
	if strings.Join(hrefs, " ") != strings.Join(want, " ") {
		b.t.Errorf("%s: the menu of %s links %v, want %v", b.where(), a.role, hrefs, want)
	}
	for _, h := range hrefs {
		b.follow("menu "+h, chromedp.Click(chromedp.CSS(fmt.Sprintf(`header.top nav a[href=%q]`, h))))
		if p := b.path(); p != h {
			b.t.Errorf("%s: the menu link %s led to %s", b.where(), h, p)
		}
		if cur := b.text(`header.top nav a[aria-current="page"]`); cur == "" {
			b.t.Errorf("%s: no menu link is marked aria-current on %s", b.where(), h)
		}
	}
	b.follow("footer about", chromedp.Click(chromedp.CSS(`footer a[href="/about"]`)))
}

func (b *browser) logout() {
	b.load("sign out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
	if p := b.path(); p != "/login" {
		b.t.Fatalf("%s: after signing out: on %s, want /login", b.where(), p)
	}
	// Signed out means signed out: home sends us back to the form.
	b.load("open / signed out", chromedp.Navigate(b.base+"/"))
	if p := b.path(); p != "/login" {
		b.t.Errorf("%s: / after signing out is %s, want /login", b.where(), p)
	}
}

// languageSwitch flips the interface to English and back with the header's
// button.
func (b *browser) languageSwitch() {
	for _, lang := range []i18n.Lang{i18n.EN, i18n.ID} {
		b.load("switch to "+string(lang), chromedp.Click(chromedp.CSS(`form[action="/lang"] button`)))
		if got := eval[string](b, `document.documentElement.lang`); got != string(lang) {
			b.t.Fatalf("%s: after switching language <html lang=%q>, want %q", b.where(), got, lang)
		}
		if p := b.path(); p != "/" {
			b.t.Errorf("%s: the language switch left home for %s", b.where(), p)
		}
		for _, key := range []string{"nav.home", "nav.logout", "home.counts"} {
			want := b.cat.T(lang, key)
			if !eval[bool](b, fmt.Sprintf(`document.body.innerText.includes(%q)`, want)) {
				b.t.Errorf("%s: after switching to %s the page lacks %q (%s)", b.where(), lang, want, key)
			}
		}
		b.step("wait for home", chromedp.WaitVisible(chromedp.ID("h-counts")))
		b.check("home in " + string(lang))
	}
}

// regionsToVillage clicks from the province list down to the villages of
// Kecamatan Sidomukti, Kota Salatiga.
func (b *browser) regionsToVillage() {
	b.visit("/regions")
	for _, code := range []wilayah.Code{"33", "33.73", "33.73.04"} {
		reg, _ := b.ix.Get(code)
		b.follow(reg.Name, chromedp.Click(chromedp.Search(fmt.Sprintf(`//table//a[normalize-space(.)=%q]`, reg.Name))))
		if cur := strings.TrimSpace(b.text(`.crumbs [aria-current="page"]`)); cur != reg.Name {
			b.t.Fatalf("%s: after clicking %s the breadcrumb ends at %q", b.where(), reg.Name, cur)
		}
	}
	rows := eval[[]string](b, `[...document.querySelectorAll("table.list tbody tr")].map(r => r.innerText.replace(/\s+/g, " ").trim())`)
	found := false
	for _, r := range rows {
		if strings.Contains(r, "33.73.04.1001") && strings.Contains(r, "Kecandran") {
			found = true
		}
	}
	if !found {
		b.t.Errorf("%s: the villages of Sidomukti lack Kecandran 33.73.04.1001: %q", b.where(), rows)
	}
}

// adminPages opens a unit, a user and the new-unit form.
func (b *browser) adminPages() {
	b.visit("/units")
	b.follow("first unit", chromedp.Click(chromedp.CSS(`table.list tbody a[href^="/units/"]`)))
	if !regexp.MustCompile(`^/units/\d+$`).MatchString(b.path()) {
		b.t.Errorf("%s: the unit link did not open a unit page", b.where())
	}
	b.visit("/users")
	b.follow("first user", chromedp.Click(chromedp.CSS(`table.list tbody a[href^="/users/"]`)))
	if !regexp.MustCompile(`^/users/\d+$`).MatchString(b.path()) {
		b.t.Errorf("%s: the user link did not open a user page", b.where())
	}
}

// unitFormTypeahead uses the region picker's search on the new-unit form,
// then saves the unit and checks its page.
func (b *browser) unitFormTypeahead() {
	b.visit("/units/new")
	// Saving an empty form shows the errors beside their fields.
	b.loadStatus("save an empty unit form", 422, chromedp.Click(chromedp.CSS(`form[action="/units"] button[type=submit]`)))
	if inv := eval[string](b, `document.getElementById("name").getAttribute("aria-invalid") || ""`); inv != "true" {
		b.t.Errorf("%s: after saving without a name the name field is not marked invalid", b.where())
	}
	if msg := eval[string](b, `(document.getElementById(document.getElementById("name").getAttribute("aria-describedby") || "-") || {}).textContent || ""`); msg == "" {
		b.t.Errorf("%s: the name field's error message is not tied to it with aria-describedby", b.where())
	}
	b.check("unit form with errors")
	b.screenshot("unit-form-errors", false)
	total, typed := b.typeInPicker("region", "kecand", "Kecandran")
	req := eval[float64](b, `(performance.getEntriesByType("resource").filter(e => e.name.includes("/regions/suggest")).pop() || {duration: -1}).duration`)
	b.t.Logf("typeahead round trip: %v from the first key to the suggestion shown, %v after the last key (of which 200 ms is htmx's debounce); the /regions/suggest request took %.1f ms",
		total.Round(time.Millisecond), (total - typed).Round(time.Millisecond), req)
	b.check("unit form with suggestions")
	b.screenshot("unit-form", true)
	b.pickSuggestion("region", "Kecandran", "33.73.04.1001")
	want := map[string]string{"region-l1": "33", "region-l2": "33.73", "region-l3": "33.73.04", "region-l4": "33.73.04.1001"}
	for id, v := range want {
		if got := eval[string](b, fmt.Sprintf(`document.getElementById(%q).value`, id)); got != v {
			b.t.Errorf("%s: after picking Kecandran #%s = %q, want %q", b.where(), id, got, v)
		}
	}
	b.check("unit form with a region picked")
	b.screenshot("unit-form-picked", false)
	name := "LKS Uji E2E " + b.engine
	b.step("fill the unit form",
		chromedp.SetValue(chromedp.ID("type"), "lks"),
		chromedp.SendKeys(chromedp.ID("name"), name),
	)
	b.load("save the unit", chromedp.Click(chromedp.CSS(`form[action="/units"] button[type=submit]`)))
	b.step("wait for the unit page", chromedp.WaitVisible(chromedp.CSS("main h1")))
	if !regexp.MustCompile(`^/units/\d+$`).MatchString(b.path()) {
		b.t.Fatalf("%s: saving the unit did not lead to its page", b.where())
	}
	if h := strings.TrimSpace(b.text("main h1")); h != name {
		b.t.Errorf("%s: the new unit's page is titled %q, want %q", b.where(), h, name)
	}
	if dl := b.text("dl.facts"); !strings.Contains(dl, "Kecandran") || !strings.Contains(dl, "33.73.04.1001") {
		b.t.Errorf("%s: the new unit's page does not name its region Kecandran (33.73.04.1001): %q", b.where(), dl)
	}
	b.check("new unit")
	b.visit("/")
	b.screenshot("home", true)
}

// typeInPicker types into the search box of the region picker of field
// and waits for the suggestion name. It returns the time from the first key
// to the suggestion shown, and the time the typing took.
func (b *browser) typeInPicker(field, typed, name string) (total, typing time.Duration) {
	b.t.Helper()
	start := time.Now()
	b.step("type into the region search of "+field,
		chromedp.Click(chromedp.ID(field+"-q")),
		chromedp.SendKeys(chromedp.ID(field+"-q"), typed),
	)
	typing = time.Since(start)
	// The list must be the answer to the whole text typed, with no request
	// in flight: on a slow machine htmx's 200 ms debounce can fire between
	// two keys, and a click on a list that an answer to "kecand" replaces a
	// moment later can land on another region. And it must have settled:
	// htmx wires the hx-get of new buttons only when it has settled, 20 ms
	// after the swap, and a click before that does nothing.
	b.waitJS("the typeahead suggestion "+name, fmt.Sprintf(`performance.getEntriesByType("resource").some(e => {
			const u = new URL(e.name);
			return u.pathname === "/regions/suggest" && u.searchParams.get(%[1]q + "_q") === %[2]q;
		}) && !document.getElementById(%[1]q + "-q").classList.contains("htmx-request")
		&& !document.querySelector("#%[1]s-suggest.htmx-swapping, #%[1]s-suggest.htmx-settling, #%[1]s-suggest .htmx-added")
		&& [...document.querySelectorAll("#%[1]s-suggest button")].some(e => e.textContent.trim() === %[3]q)`, field, typed, name))
	return time.Since(start), typing
}

// pickSuggestion clicks the typeahead suggestion name of the region picker
// of field and waits until the picker holds code, both in its deepest list
// and in the value the form sends.
func (b *browser) pickSuggestion(field, name string, code wilayah.Code) {
	b.t.Helper()
	b.step("pick the suggestion "+name,
		chromedp.Click(chromedp.Search(fmt.Sprintf(`//div[@id=%q]//button[normalize-space(.)=%q]`, field+"-suggest", name))))
	b.waitJS("the picker to show the chosen path",
		fmt.Sprintf(`(document.getElementById("%s-l%d") || {}).value === %q`, field, int(code.Level()), code))
	if got := eval[string](b, fmt.Sprintf(`document.querySelector('#picker-%s input[type=hidden][name=%s]').value`, field, field)); got != string(code) {
		b.t.Errorf("%s: after picking %s the picker's value is %q, want %s", b.where(), name, got, code)
	}
}

// screenshot writes the whole page (or only what the screen shows) to /tmp,
// not the repository, for a person to look at.
func (b *browser) screenshot(name string, whole bool) {
	ctx, cancel := context.WithTimeout(b.tab, stepTimeout)
	defer cancel()
	shot := chromedp.CaptureScreenshot()
	if whole {
		shot = chromedp.FullScreenshot(100)
	}
	png, err := chromedp.Run(ctx, shot)
	if err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	w := eval[int](b, `window.innerWidth`)
	path := filepath.Join(os.TempDir(), fmt.Sprintf("layan-e2e-%s-%s-%d.png", b.engine, name, w))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	b.t.Logf("screenshot: %s", path)
}

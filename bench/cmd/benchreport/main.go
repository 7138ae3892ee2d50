// Command benchreport measures layan's region API under load on both
// engines and writes docs/performance.md. `make bench` runs it.
//
// For each engine it builds the layan binary once, starts `layan serve
// --demo` as a separate process on a fresh database (a SQLite file in a
// temporary directory; a PostgreSQL database created on LAYAN_TEST_POSTGRES
// and dropped afterwards), makes an API token with `layan token create`,
// and drives the server with closed-loop clients on loopback for a fixed
// time per scenario. It also times the region index in-process, so the
// reader sees what HTTP adds.
//
// Then, on the same database, the people phase: it loads -people synthetic
// people with `layan demo --people N` (timed), starts the server again,
// makes a worker account of the demo sentra (the unit with the largest
// reach: three provinces) and its token, and drives the people search and
// region listing of /api/v1/people with a query mix drawn from the loaded
// people in that reach.
//
//	go run ./bench/cmd/benchreport [-duration 10s] [-clients 50] [-engines sqlite,postgres]
//	    [-people 1000000 | -quick] [-out docs/performance.md]
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/layan-id/layan/bench"
	"github.com/layan-id/layan/bench/load"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/demo"
	"github.com/layan-id/layan/internal/wilayah"
)

type options struct {
	people     int // synthetic people loaded for the people phase; 0 skips it
	peopleSeed uint64
	cases      int // synthetic cases loaded after the people; 0 skips the case phase
	// spmCases more cases, across Indonesia with spmDeliveries services per
	// planned need, for the SPM phase; 0 skips it.
	spmCases      int
	spmDeliveries int
	duration      time.Duration
	warmup        time.Duration
	clients       int
	maxRequests   int
	inProcess     time.Duration
	engines       []string
	out           string
}

func main() {
	var o options
	var engines string
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "recorded time per scenario")
	flag.DurationVar(&o.warmup, "warmup", time.Second, "unrecorded warm-up before each scenario")
	flag.IntVar(&o.clients, "clients", 50, "concurrent clients")
	flag.IntVar(&o.maxRequests, "max-requests", 3_000_000, "bound on recorded requests per scenario")
	flag.DurationVar(&o.inProcess, "inprocess", time.Second, "time per in-process measurement")
	flag.StringVar(&engines, "engines", "sqlite,postgres", "engines to measure, comma-separated")
	flag.StringVar(&o.out, "out", filepath.Join("docs", "performance.md"), "report to write")
	flag.IntVar(&o.people, "people", 1_000_000, "synthetic people loaded for the people phase (0: no people phase)")
	flag.IntVar(&o.cases, "cases", 500_000, "synthetic cases loaded after the people for the case phase (0: none)")
	flag.IntVar(&o.spmCases, "spm-cases", 1_500_000, "cases loaded across Indonesia after the case phase for the SPM phase (0: none)")
	flag.IntVar(&o.spmDeliveries, "spm-deliveries", 5, "services per planned need of the SPM phase's cases")
	quick := flag.Bool("quick", false, "a shorter run: 200,000 people and 100,000 cases unless -people or -cases is given")
	flag.Parse()
	o.peopleSeed = 1
	if *quick {
		people, cases, spmCases := false, false, false
		flag.Visit(func(f *flag.Flag) {
			people, cases, spmCases = people || f.Name == "people", cases || f.Name == "cases", spmCases || f.Name == "spm-cases"
		})
		if !people {
			o.people = 200_000
		}
		if !cases {
			o.cases = 100_000
		}
		if !spmCases {
			o.spmCases = 200_000
		}
	}
	o.engines = strings.Split(engines, ",")
	if o.duration <= 0 || o.clients < 1 || o.clients > 1000 || o.maxRequests < 1 || o.people < 0 || o.cases < 0 || o.spmCases < 0 || o.spmDeliveries < 1 {
		fmt.Fprintln(os.Stderr, "benchreport: -duration must be positive, -clients 1–1000, -max-requests positive, -people not negative")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

// Scenario names, in the order they run.
const (
	scBaseline  = "baseline"
	scMe        = "auth"
	scTypeahead = "typeahead"
	scChildren  = "children"
	// The people phase.
	scPeopleBase   = "people-baseline"
	scPeopleSearch = "people-search"
	scPeopleList   = "people-list"
)

// engineRun is what one engine measured.
type engineRun struct {
	Engine    string
	Version   string
	Skipped   string // why the engine was not measured
	Scenarios []scenarioRun
	Idle      procStats // after start-up and demo load, before any load
	After     procStats // after the last scenario
	People    *peopleRun
	Cases     *casesRun
	SPM       *spmRun
}

type scenarioRun struct {
	Name   string
	Path   string // what is requested, for the report
	Result load.Result
	CPU    time.Duration // server CPU time during the recorded part and warm-up
	// From the server's /metrics over the scenario (warm-up included).
	Server metrics
	Route  string // the route label of its latency histogram
}

func (e engineRun) scenario(name string) (scenarioRun, bool) {
	for _, s := range e.Scenarios {
		if s.Name == name {
			return s, true
		}
	}
	return scenarioRun{}, false
}

func run(ctx context.Context, o options) error {
	if _, err := os.Stat("go.mod"); err != nil {
		return errors.New("run from the module root (make bench does)")
	}
	started := time.Now().UTC()
	loadStart := loadAverage()
	tmp, err := os.MkdirTemp("", "layan-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	bin := filepath.Join(tmp, "layan")
	progress("building %s", bin)
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/layan")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("go build: %w", err)
	}

	ix, err := wilayah.Embedded()
	if err != nil {
		return err
	}
	queries := bench.TypeaheadQueries(ix, 5000, 1)
	parents := bench.ParentCodes(ix, 5000, 2)
	var pq peopleQueries
	if o.people > 0 {
		progress("drawing the people queries from the %d synthetic people", o.people)
		if pq.search, pq.list, err = bench.PeopleQueries(ix, o.peopleSeed, o.people, 5000, demo.SentraArea()...); err != nil {
			return err
		}
	}

	progress("timing the region index in-process")
	inproc := measureInProcess(ctx, ix, queries, parents, o.inProcess)

	var runs []engineRun
	for _, engine := range o.engines {
		engine = strings.TrimSpace(engine)
		if engine == "" {
			continue
		}
		r, err := measureEngine(ctx, o, engine, bin, tmp, queries, parents, pq)
		if err != nil {
			return fmt.Errorf("%s: %w", engine, err)
		}
		runs = append(runs, r)
	}

	rep := report{
		Date:      started,
		Machine:   machine(),
		GoVersion: runtime.Version(),
		Options:   o,
		Engines:   runs,
		InProcess: inproc,
		Queries:   queries,
		Parents:   parents,
		People:    pq,
		LoadStart: loadStart,
		LoadEnd:   loadAverage(),
	}
	if err := os.WriteFile(o.out, []byte(rep.markdown()), 0o644); err != nil {
		return err
	}
	progress("wrote %s in %s", o.out, time.Since(started).Round(time.Second))
	return nil
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "benchreport: "+format+"\n", args...)
}

// measureEngine runs every scenario against a fresh server on engine.
func measureEngine(ctx context.Context, o options, engine, bin, tmp string, queries, parents []string, pq peopleQueries) (engineRun, error) {
	r := engineRun{Engine: engine}
	var dbURL string
	switch engine {
	case "sqlite":
		dbURL = "sqlite:" + filepath.Join(tmp, "bench.db")
	case "postgres":
		maint := os.Getenv("LAYAN_TEST_POSTGRES")
		if maint == "" {
			if os.Getenv("CI") == "true" {
				return r, errors.New("LAYAN_TEST_POSTGRES is not set under CI=true")
			}
			progress("LAYAN_TEST_POSTGRES not set: PostgreSQL not measured")
			r.Skipped = "not measured: LAYAN_TEST_POSTGRES was not set"
			return r, nil
		}
		u, drop, err := createPostgres(ctx, maint)
		if err != nil {
			return r, err
		}
		defer drop()
		dbURL = u
	default:
		return r, fmt.Errorf("unknown engine %q (sqlite, postgres)", engine)
	}

	progress("%s: starting the server (migrations, regions, demo data)", engine)
	srv, err := startServer(ctx, bin, tmp, engine, dbURL)
	if err != nil {
		return r, err
	}
	defer srv.stop()
	if r.Version, err = engineVersion(ctx, dbURL); err != nil {
		return r, err
	}
	out, err := srv.command(ctx, "token", "create", "--user", "demo.admin", "--name", "benchreport")
	if err != nil {
		return r, err
	}
	token := strings.TrimSpace(out)
	auth := http.Header{"Authorization": {"Bearer " + token}}

	base := srv.url
	scenarios := []scenario{
		{name: scBaseline, route: "/healthz", urls: []string{base + "/healthz"}, header: nil},
		{name: scMe, route: "/api/v1/me", urls: []string{base + "/api/v1/me"}, header: auth},
		{name: scTypeahead, route: "/api/v1/regions/search", urls: prefixed(base+"/api/v1/regions/search?limit=10&q=", queries), header: auth},
		{name: scChildren, route: "/api/v1/regions", urls: prefixed(base+"/api/v1/regions?parent=", parents), header: auth},
	}
	if r.Scenarios, r.Idle, r.After, err = runScenarios(ctx, o, engine, srv, scenarios); err != nil {
		return r, err
	}
	if err := srv.stop(); err != nil {
		return r, fmt.Errorf("graceful stop: %w", err)
	}
	if o.people > 0 {
		if r.People, err = measurePeople(ctx, o, engine, bin, tmp, dbURL, pq); err != nil {
			return r, fmt.Errorf("people: %w", err)
		}
		if o.cases > 0 {
			if r.Cases, err = measureCases(ctx, o, engine, bin, tmp, dbURL); err != nil {
				return r, fmt.Errorf("cases: %w", err)
			}
			if o.spmCases > 0 {
				if r.SPM, err = measureSPM(ctx, o, engine, bin, tmp, dbURL); err != nil {
					return r, fmt.Errorf("spm: %w", err)
				}
			}
		}
	}
	return r, nil
}

type scenario struct {
	name, route string
	urls        []string
	header      http.Header
	// headers, when set, rotates the callers: the i-th request's headers.
	headers func(i int) http.Header
}

// runScenarios checks every scenario answers, lets the server settle (the
// idle reading), then drives each scenario in turn.
func runScenarios(ctx context.Context, o options, engine string, srv *server, scenarios []scenario) (runs []scenarioRun, idle, after procStats, err error) {
	client := load.NewClient(o.clients)
	defer client.CloseIdleConnections()
	for _, sc := range scenarios {
		h := sc.header
		if sc.headers != nil {
			h = sc.headers(0)
		}
		if err := check(ctx, client, sc.urls[0], h); err != nil {
			return nil, idle, after, fmt.Errorf("%s: %w", sc.name, err)
		}
	}
	// Let the start-up garbage be collected before the idle reading.
	if idle, err = settle(ctx, srv); err != nil {
		return nil, idle, after, err
	}
	for _, sc := range scenarios {
		progress("%s: %s for %s with %d clients", engine, sc.route, o.duration, o.clients)
		before, err := srv.stats()
		if err != nil {
			return nil, idle, after, err
		}
		mBefore, err := srv.metrics(ctx)
		if err != nil {
			return nil, idle, after, err
		}
		urls := sc.urls
		res := load.Run(ctx, client, load.Config{
			Clients: o.clients, Duration: o.duration, Warmup: o.warmup, MaxRequests: o.maxRequests,
			URL:     func(i int) string { return urls[i%len(urls)] },
			Header:  sc.header,
			Headers: sc.headers,
		})
		if err := ctx.Err(); err != nil {
			return nil, idle, after, err
		}
		st, err := srv.stats()
		if err != nil {
			return nil, idle, after, err
		}
		mAfter, err := srv.metrics(ctx)
		if err != nil {
			return nil, idle, after, err
		}
		if res.Requests() == 0 {
			return nil, idle, after, fmt.Errorf("%s: no successful request (%d errors, first: %s)", sc.name, res.Errors, res.FirstError)
		}
		runs = append(runs, scenarioRun{Name: sc.name, Route: sc.route, Result: res,
			CPU: st.CPU - before.CPU, Server: mAfter.sub(mBefore)})
		progress("%s: %s: %.0f req/s, p50 %s, p99 %s, %d errors", engine, sc.name, res.Rate(),
			fmtDur(res.Percentile(50)), fmtDur(res.Percentile(99)), res.Errors)
	}
	after, err = srv.stats()
	return runs, idle, after, err
}

func prefixed(prefix string, values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = prefix + url.QueryEscape(v)
	}
	return out
}

// check makes sure a scenario's request works before it is measured.
func check(ctx context.Context, client *http.Client, u string, h http.Header) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header = h.Clone()
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d", u, resp.StatusCode)
	}
	return nil
}

// settle waits a moment for the server to go quiet and reads its memory:
// the idle figure.
func settle(ctx context.Context, srv *server) (procStats, error) {
	select {
	case <-ctx.Done():
		return procStats{}, ctx.Err()
	case <-time.After(2 * time.Second):
	}
	return srv.stats()
}

// createPostgres creates a fresh, empty database on the maintenance URL
// and returns its URL and a function that drops it.
func createPostgres(ctx context.Context, maint string) (string, func(), error) {
	admin, err := db.Open(ctx, maint)
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "layan_bench_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return "", nil, err
	}
	u, err := url.Parse(maint)
	if err != nil {
		admin.Close()
		return "", nil, err
	}
	u.Path = "/" + name
	drop := func() {
		// A fresh context: the run's may be cancelled by now.
		dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.Exec(dctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			progress("drop database %s: %v", name, err)
		}
		admin.Close()
	}
	return u.String(), drop, nil
}

// engineVersion asks the database for its version.
func engineVersion(ctx context.Context, dbURL string) (string, error) {
	d, err := db.Open(ctx, dbURL)
	if err != nil {
		return "", err
	}
	defer d.Close()
	var v string
	switch d.Dialect() {
	case db.Postgres:
		if err := d.QueryRow(ctx, "SELECT version()").Scan(&v); err != nil {
			return "", err
		}
		// "PostgreSQL 15.14 (Debian 15.14-0+deb12u1) on x86_64-pc-linux-gnu, compiled by …"
		v, _, _ = strings.Cut(v, " on ")
	default:
		if err := d.QueryRow(ctx, "SELECT sqlite_version()").Scan(&v); err != nil {
			return "", err
		}
		v = "SQLite " + v + " (modernc.org/sqlite, in the layan process)"
	}
	return v, nil
}

// inProcess is the region index timed without HTTP.
type inProcess struct {
	Search, Children       callStats
	SearchHits, SearchNone int // queries of the mix with and without results
}

type callStats struct {
	Calls int
	Mean  time.Duration
	P50   time.Duration
	P99   time.Duration
}

// measureInProcess calls Search and Children over the same mixes as the
// HTTP scenarios, one goroutine, for d each.
func measureInProcess(ctx context.Context, ix *wilayah.Index, queries, parents []string, d time.Duration) inProcess {
	var out inProcess
	for _, q := range queries {
		if len(ix.Search(q, "", 0, 10)) > 0 {
			out.SearchHits++
		} else {
			out.SearchNone++
		}
	}
	out.Search = timeCalls(ctx, d, func(i int) { ix.Search(queries[i%len(queries)], "", 0, 10) })
	codes := make([]wilayah.Code, len(parents))
	for i, p := range parents {
		codes[i] = wilayah.Code(p)
	}
	out.Children = timeCalls(ctx, d, func(i int) { ix.Children(codes[i%len(codes)]) })
	return out
}

// timeCalls runs f for d: the mean comes from the whole loop, the
// percentiles from timing each call (which adds the clock's own cost, some
// tens of nanoseconds).
func timeCalls(ctx context.Context, d time.Duration, f func(i int)) callStats {
	const maxCalls = 20_000_000
	var lat []time.Duration
	start := time.Now()
	end := start.Add(d)
	i := 0
	for ; i < maxCalls && ctx.Err() == nil; i++ {
		t0 := time.Now()
		if !t0.Before(end) {
			break
		}
		f(i)
		lat = append(lat, time.Since(t0))
	}
	total := time.Since(start)
	if len(lat) == 0 {
		return callStats{}
	}
	slices.Sort(lat)
	res := load.Result{Latencies: lat}
	return callStats{Calls: len(lat), Mean: total / time.Duration(len(lat)), P50: res.Percentile(50), P99: res.Percentile(99)}
}

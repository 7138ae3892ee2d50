package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/demo"
	"github.com/layan-id/layan/internal/registry"
	"github.com/layan-id/layan/internal/wilayah"
)

// peopleQueries are the requests of the people phase, drawn from the
// loaded people (bench.PeopleQueries).
type peopleQueries struct {
	search []string // q=…
	list   []string // region=…[&page=…]
}

// peopleRun is what the people phase measured on one engine.
type peopleRun struct {
	People int           // loaded by `layan demo`
	Load   time.Duration // wall time of `layan demo --people N`, process start to exit
	Rate   string        // the rate the command printed
	Rows   map[string]int
	Mode   string // how the load went in

	Scenarios   []scenarioRun
	Idle, After procStats
	// InProcess times registry.Store.Search directly, one caller, by kind
	// of query: what one request costs without HTTP or other clients.
	InProcess []classStats
}

// classStats is the single-caller cost of one kind of query.
type classStats struct {
	Class   string
	Example string
	Stats   callStats
	Results float64 // mean total per query
	More    float64 // share of queries answered "too many to rank"
}

func (p *peopleRun) scenario(name string) (scenarioRun, bool) {
	for _, s := range p.Scenarios {
		if s.Name == name {
			return s, true
		}
	}
	return scenarioRun{}, false
}

// rows is every row the load wrote into the registry tables.
func (p *peopleRun) rows() int {
	n := 0
	for _, v := range p.Rows {
		n += v
	}
	return n
}

var rateRE = regexp.MustCompile(`([0-9]+) orang/s \(people per second\)`)

// measurePeople loads o.people synthetic people into the database of dbURL
// (which already holds the demo data), then measures the people API on a
// fresh server process as a worker of the demo sentra.
func measurePeople(ctx context.Context, o options, engine, bin, tmp, dbURL string, pq peopleQueries) (*peopleRun, error) {
	pr := &peopleRun{People: o.people}
	progress("%s: loading %d synthetic people (layan demo --people)", engine, o.people)
	cmd := exec.CommandContext(ctx, bin, "demo", "--people", strconv.Itoa(o.people), "--seed", strconv.FormatUint(o.peopleSeed, 10))
	cmd.Env = layanEnv(dbURL)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	pr.Load = time.Since(start)
	if err != nil {
		return nil, fmt.Errorf("layan demo: %v\n%s", err, out)
	}
	if m := rateRE.FindSubmatch(out); m != nil {
		pr.Rate = string(m[1])
	}
	progress("%s: %d people in %s", engine, o.people, pr.Load.Round(time.Second))

	d, err := db.Open(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	pr.Rows = map[string]int{}
	for _, t := range []string{"person", "person_key", "person_category", "household", "household_member"} {
		var n int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM "+t).Scan(&n); err != nil {
			return nil, db.Err(err)
		}
		pr.Rows[t] = n
	}
	unitID, err := demo.UnitID(ctx, d, demo.SentraName)
	if err != nil {
		return nil, err
	}
	if unitID == 0 {
		return nil, fmt.Errorf("the demo unit %q is not in the database", demo.SentraName)
	}
	pr.Mode = "committed batches of 20,000 people, indexes in place"
	if engine == "postgres" && o.people >= 100_000 {
		pr.Mode = "one transaction: indexes, key-table primary keys and foreign keys dropped, COPY, then built again"
	}

	progress("%s: starting the server on the loaded registry", engine)
	srv, err := startServer(ctx, bin, tmp, engine+"-people", dbURL)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	if _, err := srv.command(ctx, "user", "add", "bench.pekerja", "--role", "worker", "--unit", strconv.FormatInt(unitID, 10),
		"--name", "Pekerja Benchmark"); err != nil {
		return nil, err
	}
	tok, err := srv.command(ctx, "token", "create", "--user", "bench.pekerja", "--name", "benchreport")
	if err != nil {
		return nil, err
	}
	auth := http.Header{"Authorization": {"Bearer " + strings.TrimSpace(tok)}}
	base := srv.url
	scenarios := []scenario{
		{name: scPeopleBase, route: "/healthz", urls: []string{base + "/healthz"}, header: nil},
		{name: scPeopleSearch, route: "/api/v1/people", urls: prefixed(base+"/api/v1/people?q=", pq.search), header: auth},
		{name: scPeopleList, route: "/api/v1/people", urls: withPrefix(base+"/api/v1/people?", pq.list), header: auth},
	}
	if pr.Scenarios, pr.Idle, pr.After, err = runScenarios(ctx, o, engine, srv, scenarios); err != nil {
		return nil, err
	}
	if err := srv.stop(); err != nil {
		return nil, fmt.Errorf("graceful stop: %w", err)
	}
	progress("%s: timing registry.Store.Search in-process by kind of query", engine)
	if pr.InProcess, err = searchInProcess(ctx, d, unitID, pq, o.inProcess*2); err != nil {
		return nil, err
	}
	return pr, nil
}

// searchInProcess calls Store.Search as the benchmark's worker would (the
// reach of a worker of the demo sentra: its region, the three provinces it
// covers and the people it registered), one caller, each kind of query for
// up to d.
func searchInProcess(ctx context.Context, d *db.DB, unitID int64, pq peopleQueries, d0 time.Duration) ([]classStats, error) {
	ix, err := wilayah.Embedded()
	if err != nil {
		return nil, err
	}
	store := &registry.Store{DB: d, Regions: ix}
	reach := registry.Reach{Regions: demo.SentraArea(), UnitID: unitID}
	byClass := map[string][]registry.Filter{}
	examples := map[string]string{}
	add := func(class, example string, f registry.Filter) {
		byClass[class] = append(byClass[class], f)
		if examples[class] == "" {
			examples[class] = example
		}
	}
	for _, q := range pq.search {
		nik, year, words := registry.QueryTerms(q)
		class := ""
		switch {
		case nik != "":
			class = "NIK"
		case len(words) == 1:
			class = "1 name word"
		default:
			class = "2–3 name words"
		}
		if year != 0 {
			class += " + year"
		}
		add(class, q, registry.Filter{Query: q, Size: 25})
	}
	for _, l := range pq.list {
		v, err := url.ParseQuery(l)
		if err != nil {
			return nil, err
		}
		code := wilayah.Code(v.Get("region"))
		page, _ := strconv.Atoi(v.Get("page"))
		class := map[wilayah.Level]string{wilayah.Regency: "list a kab/kota", wilayah.District: "list a kecamatan",
			wilayah.Village: "list a desa"}[code.Level()]
		add(class, l, registry.Filter{Within: code, Page: page, Size: 25})
	}
	classes := []string{"NIK", "1 name word", "1 name word + year", "2–3 name words", "2–3 name words + year",
		"list a kab/kota", "list a kecamatan", "list a desa"}
	var out []classStats
	for _, class := range classes {
		fs := byClass[class]
		if len(fs) == 0 {
			continue
		}
		var total, more int
		calls := 0
		st := timeCalls(ctx, d0, func(i int) {
			res, err := store.Search(ctx, reach, fs[i%len(fs)])
			if err == nil {
				total += res.Total
				if res.More {
					more++
				}
			}
			calls++
		})
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		out = append(out, classStats{Class: class, Example: examples[class], Stats: st,
			Results: float64(total) / float64(max(calls, 1)), More: float64(more) / float64(max(calls, 1))})
	}
	return out, nil
}

// withPrefix puts prefix before each (already encoded) query string.
func withPrefix(prefix string, qs []string) []string {
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = prefix + q
	}
	return out
}

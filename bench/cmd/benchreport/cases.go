package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os/exec"
	"regexp"
	"strconv"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/casework"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/demo"
)

// Scenario names of the case phase.
const (
	scCasesBase      = "cases-baseline"
	scWorkWorker     = "work-worker"
	scCasesWorker    = "cases-worker"
	scCasesSup       = "cases-supervisor"
	scWorkSupervisor = "work-supervisor"
)

// casesTarget is the target for the case lists and the work view.
const casesTarget = 50 * time.Millisecond

// benchWorkers is how many of the synthetic workers the clients act as.
const benchWorkers = 200

// casesRun is what the case phase measured on one engine.
type casesRun struct {
	Cases   int
	Load    time.Duration
	Workers int // synthetic workers the load made
	Rows    map[string]int

	Scenarios   []scenarioRun
	Idle, After procStats
}

func (c *casesRun) scenario(name string) (scenarioRun, bool) {
	for _, s := range c.Scenarios {
		if s.Name == name {
			return s, true
		}
	}
	return scenarioRun{}, false
}

var workersRE = regexp.MustCompile(`([0-9]+) pekerja / workers`)

// measureCases loads o.cases synthetic cases into the demo sentra (beside
// the loaded people), then measures Pekerjaan saya and the case lists as
// its synthetic workers and supervisor.
func measureCases(ctx context.Context, o options, engine, bin, tmp, dbURL string) (*casesRun, error) {
	cr := &casesRun{Cases: o.cases}
	progress("%s: loading %d synthetic cases (layan demo --cases)", engine, o.cases)
	cmd := exec.CommandContext(ctx, bin, "demo", "--cases", strconv.Itoa(o.cases), "--seed", "1")
	cmd.Env = layanEnv(dbURL)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	cr.Load = time.Since(start)
	if err != nil {
		return nil, fmt.Errorf("layan demo --cases: %v\n%s", err, out)
	}
	if m := workersRE.FindSubmatch(out); m != nil {
		cr.Workers, _ = strconv.Atoi(string(m[1]))
	}
	progress("%s: %d cases in %s", engine, o.cases, cr.Load.Round(time.Second))

	d, err := db.Open(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	cr.Rows = map[string]int{}
	for _, t := range []string{"case_file", "case_team", "case_event", "case_assessment", "case_plan", "case_service"} {
		var n int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM "+t).Scan(&n); err != nil {
			return nil, db.Err(err)
		}
		cr.Rows[t] = n
	}
	unitID, err := demo.UnitID(ctx, d, demo.SentraName)
	if err != nil {
		return nil, err
	}
	// Tokens for the first synthetic workers and the supervisor, made
	// directly: the load gives its accounts no password.
	workers, err := tokensOf(ctx, d, "SELECT id FROM app_user WHERE unit_id = ? AND role = 'worker' AND username LIKE ? ORDER BY id LIMIT ?",
		unitID, fmt.Sprintf("sintetis.u%d.pekerja.%%", unitID), benchWorkers)
	if err != nil {
		return nil, err
	}
	sups, err := tokensOf(ctx, d, "SELECT id FROM app_user WHERE unit_id = ? AND role = 'supervisor' AND username = ? LIMIT ?",
		unitID, casework.SyntheticUsername(unitID, 0), 1)
	if err != nil {
		return nil, err
	}
	if len(workers) == 0 || len(sups) == 0 {
		return nil, fmt.Errorf("no synthetic worker or supervisor in unit %d", unitID)
	}

	progress("%s: starting the server on the loaded cases", engine)
	srv, err := startServer(ctx, bin, tmp, engine+"-cases", dbURL)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	base := srv.url
	asWorker := func(i int) http.Header { return workers[i%len(workers)] }
	rng := rand.New(rand.NewPCG(1, 2))
	var workerLists, supLists []string
	for range 5000 {
		page := 1
		if rng.IntN(4) == 0 {
			page = 2
		}
		workerLists = append(workerLists, fmt.Sprintf("%s/api/v1/cases?page=%d", base, page))
		// A supervisor pages the unit's open cases, or one stage of them.
		q := fmt.Sprintf("open=true&page=%d", 1+rng.IntN(40))
		if rng.IntN(2) == 0 {
			q = fmt.Sprintf("stage=%s&page=%d", casework.Stages[rng.IntN(5)], 1+rng.IntN(10))
		}
		supLists = append(supLists, base+"/api/v1/cases?"+q)
	}
	scenarios := []scenario{
		{name: scCasesBase, route: "/healthz", urls: []string{base + "/healthz"}},
		{name: scWorkWorker, route: "/api/v1/work", urls: []string{base + "/api/v1/work"}, headers: asWorker},
		{name: scCasesWorker, route: "/api/v1/cases", urls: workerLists, headers: asWorker},
		{name: scCasesSup, route: "/api/v1/cases", urls: supLists, header: sups[0]},
		{name: scWorkSupervisor, route: "/api/v1/work", urls: []string{base + "/api/v1/work"}, header: sups[0]},
	}
	if cr.Scenarios, cr.Idle, cr.After, err = runScenarios(ctx, o, engine, srv, scenarios); err != nil {
		return nil, err
	}
	if err := srv.stop(); err != nil {
		return nil, fmt.Errorf("graceful stop: %w", err)
	}
	return cr, nil
}

// tokensOf makes an API token for each user the query returns.
func tokensOf(ctx context.Context, d *db.DB, query string, args ...any) ([]http.Header, error) {
	rows, err := d.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []http.Header
	for _, id := range ids {
		tok, _, err := access.CreateToken(ctx, d, id, "benchreport")
		if err != nil {
			return nil, err
		}
		out = append(out, http.Header{"Authorization": {"Bearer " + tok}})
	}
	return out, nil
}

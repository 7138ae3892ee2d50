package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/casework"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/spm"
	"github.com/layan-id/layan/internal/unit"
	"github.com/layan-id/layan/internal/wilayah"
)

// Scenario names of the SPM phase.
const (
	scSPMBase     = "spm-baseline"
	scSPMNational = "spm-national"
	scSPMProvince = "spm-province"
	scSPMKabKota  = "spm-kabkota"
)

// spmTarget is issue 6's target for the national dashboard query (p95).
const spmTarget = 100 * time.Millisecond

// spmExportTarget is issue 6's target for the XLSX export of all regions.
const spmExportTarget = 5 * time.Second

// spmExports is how many times the national XLSX is downloaded.
const spmExports = 5

// spmNationalUnit is the unit the SPM phase loads its cases into: a sentra
// covering every province, so that the cases spread over all kab/kota.
const spmNationalUnit = "Sentra Nasional Uji Beban (benchreport)"

// spmRun is what the SPM phase measured on one engine.
type spmRun struct {
	Cases      int // loaded by this phase (beside the case phase's)
	Deliveries int
	Load       time.Duration
	Rows       map[string]int
	Regions    int // kab/kota with an episode

	// Incremental is one case's update (derive its episodes from its
	// documents, compare, move the tallies) in its own transaction, over
	// sampled cases; Full the recompute of every case (spm.Verify).
	Incremental []time.Duration
	Full        time.Duration
	Check       spm.Check
	// Uncached is the national dashboard's query alone (spm.Store.Overview
	// without the server's half-second cache), in process, one at a time.
	Uncached []time.Duration
	// Export is the XLSX of every region (GET /api/v1/spm/export for the
	// nation) downloaded whole over HTTP, one at a time; ExportBytes its size.
	Export      []time.Duration
	ExportBytes int64

	Scenarios   []scenarioRun
	Idle, After procStats
}

func (r *spmRun) scenario(name string) (scenarioRun, bool) {
	for _, s := range r.Scenarios {
		if s.Name == name {
			return s, true
		}
	}
	return scenarioRun{}, false
}

// quantile is a quantile (0–1) of timed calls.
func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func (r *spmRun) incrementalQuantile(q float64) time.Duration { return quantile(r.Incremental, q) }

// measureSPM loads o.spmCases more cases, with o.spmDeliveries services per
// planned need, into a sentra covering every province (so the cases of the
// whole phase fall in all 514 kab/kota), times one case's incremental
// update against the full recompute, and drives the dashboard API.
func measureSPM(ctx context.Context, o options, engine, bin, tmp, dbURL string) (*spmRun, error) {
	sr := &spmRun{Cases: o.spmCases, Deliveries: o.spmDeliveries}
	d, err := db.Open(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	ix, err := wilayah.Embedded()
	if err != nil {
		return nil, err
	}
	var provinces []wilayah.Code
	for _, p := range ix.Children("") {
		provinces = append(provinces, p.Code)
	}
	u, err := unit.Create(ctx, d, ix, audit.System("benchreport"), access.Scope{All: true}, unit.Input{Type: unit.Sentra,
		Name: spmNationalUnit, Region: "31.75", Coverage: provinces})
	if err != nil {
		return nil, fmt.Errorf("national sentra: %w", err)
	}
	progress("%s: loading %d synthetic cases with %d deliveries per need across Indonesia", engine, o.spmCases, o.spmDeliveries)
	cmd := exec.CommandContext(ctx, bin, "demo", "--cases", strconv.Itoa(o.spmCases), "--unit", strconv.FormatInt(u.ID, 10),
		"--seed", "6", "--deliveries", strconv.Itoa(o.spmDeliveries))
	cmd.Env = layanEnv(dbURL)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	sr.Load = time.Since(start)
	if err != nil {
		return nil, fmt.Errorf("layan demo --cases: %v\n%s", err, out)
	}
	progress("%s: %d cases in %s", engine, o.spmCases, sr.Load.Round(time.Second))
	sr.Rows = map[string]int{}
	for _, t := range []string{"case_file", "case_service", "spm_episode", "spm_tally"} {
		var n int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM "+t).Scan(&n); err != nil {
			return nil, db.Err(err)
		}
		sr.Rows[t] = n
	}
	if err := d.QueryRow(ctx, "SELECT COUNT(DISTINCT region_code) FROM spm_episode WHERE region_code <> province_code").Scan(&sr.Regions); err != nil {
		return nil, db.Err(err)
	}

	// The incremental update of one case, as every step of a case runs it,
	// over cases drawn among those counted.
	store := &casework.Store{DB: d}
	var ids []int64
	rows, err := d.Query(ctx, "SELECT case_id FROM spm_episode ORDER BY case_id")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	rng := rand.New(rand.NewPCG(6, 6))
	progress("%s: timing the incremental update of 500 cases", engine)
	for range min(500, len(ids)) {
		id := ids[rng.IntN(len(ids))]
		t0 := time.Now()
		err := d.InTx(ctx, func(tx *db.Tx) error {
			eps, err := store.DeriveEpisodes(ctx, tx, id, id)
			if err != nil {
				return err
			}
			return spm.SyncCase(ctx, tx, id, eps)
		})
		if err != nil {
			return nil, err
		}
		sr.Incremental = append(sr.Incremental, time.Since(t0))
	}
	progress("%s: the full recompute (spm.Verify)", engine)
	start = time.Now()
	if sr.Check, err = spm.Verify(ctx, d, store, nil); err != nil {
		return nil, err
	}
	sr.Full = time.Since(start)
	progress("%s: full recompute in %s, agrees: %v", engine, sr.Full.Round(time.Second), sr.Check.Agrees())

	progress("%s: timing the national dashboard's query without the cache", engine)
	plain := &spm.Store{DB: d, Regions: ix}
	viewer := access.User{Role: access.National}
	for i := range 60 {
		t0 := time.Now()
		if _, err := plain.Overview(ctx, viewer, "", time.Now().Year()-i%2, 0); err != nil {
			return nil, err
		}
		sr.Uncached = append(sr.Uncached, time.Since(t0))
	}

	progress("%s: starting the server for the SPM dashboard", engine)
	srv, err := startServer(ctx, bin, tmp, engine+"-spm", dbURL)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	tok, err := srv.command(ctx, "token", "create", "--user", "demo.nasional", "--name", "benchreport")
	if err != nil {
		return nil, err
	}
	national := http.Header{"Authorization": {"Bearer " + strings.TrimSpace(tok)}}
	base := srv.url
	year := time.Now().Year()
	var nationalURLs, provinceURLs, kabkotaURLs []string
	for range 2000 {
		q := 1 + rng.IntN(4)
		y := year - rng.IntN(2)
		if y == year {
			q = 0 // the current quarter
		}
		period := fmt.Sprintf("year=%d", y)
		if q > 0 {
			period += fmt.Sprintf("&quarter=%d", q)
		}
		nationalURLs = append(nationalURLs, base+"/api/v1/spm/overview?"+period)
		p := provinces[rng.IntN(len(provinces))]
		provinceURLs = append(provinceURLs, base+"/api/v1/spm/overview?region="+string(p)+"&"+period)
		kabkota := ix.Children(p)
		kabkotaURLs = append(kabkotaURLs, base+"/api/v1/spm/achievements?region="+string(kabkota[rng.IntN(len(kabkota))].Code)+"&"+period)
	}
	scenarios := []scenario{
		{name: scSPMBase, route: "/healthz", urls: []string{base + "/healthz"}},
		{name: scSPMNational, route: "/api/v1/spm/overview", urls: nationalURLs, header: national},
		{name: scSPMProvince, route: "/api/v1/spm/overview", urls: provinceURLs, header: national},
		{name: scSPMKabKota, route: "/api/v1/spm/achievements", urls: kabkotaURLs, header: national},
	}
	if sr.Scenarios, sr.Idle, sr.After, err = runScenarios(ctx, o, engine, srv, scenarios); err != nil {
		return nil, err
	}
	progress("%s: downloading the XLSX export of every region %d times", engine, spmExports)
	for range spmExports {
		t0 := time.Now()
		n, err := download(ctx, base+fmt.Sprintf("/api/v1/spm/export?format=xlsx&year=%d", year), national)
		if err != nil {
			return nil, fmt.Errorf("xlsx export: %w", err)
		}
		sr.Export = append(sr.Export, time.Since(t0))
		sr.ExportBytes = n
	}
	if err := srv.stop(); err != nil {
		return nil, fmt.Errorf("graceful stop: %w", err)
	}
	return sr, nil
}

// spmMarkdown writes the SPM phase.
func (r report) spmMarkdown(p func(string, ...any)) {
	p("## SPM at national scale\n\n")
	p("| engine | cases loaded | deliveries/need | time | cases/s | case_file | case_service | spm_episode | spm_tally | kab/kota counted |\n")
	p("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, e := range r.Engines {
		sr := e.SPM
		if e.Skipped != "" || sr == nil {
			continue
		}
		p("| %s | %d | %d | %s | %.0f | %d | %d | %d | %d | %d |\n", e.Engine, sr.Cases, sr.Deliveries, sr.Load.Round(100*time.Millisecond),
			float64(sr.Cases)/sr.Load.Seconds(), sr.Rows["case_file"], sr.Rows["case_service"], sr.Rows["spm_episode"],
			sr.Rows["spm_tally"], sr.Regions)
	}
	p("\n| engine | incremental update p50 | p95 | full recompute | full ÷ incremental p50 | episodes | tallies | agrees | national query, uncached p50 | p95 |\n")
	p("|---|--:|--:|--:|--:|--:|--:|---|--:|--:|\n")
	for _, e := range r.Engines {
		sr := e.SPM
		if e.Skipped != "" || sr == nil {
			continue
		}
		inc := sr.incrementalQuantile(0.5)
		p("| %s | %s | %s | %s | %s | %d | %d | %v | %s | %s |\n", e.Engine, fmtDur(inc), fmtDur(sr.incrementalQuantile(0.95)),
			sr.Full.Round(100*time.Millisecond), ratio(sr.Full, inc), sr.Check.Episodes, sr.Check.Tallies, sr.Check.Agrees(),
			fmtDur(quantile(sr.Uncached, 0.5)), fmtDur(quantile(sr.Uncached, 0.95)))
	}
	p("\n| engine | XLSX of every region, median of %d | slowest | target | size |\n|---|--:|--:|---|--:|\n", spmExports)
	for _, e := range r.Engines {
		sr := e.SPM
		if e.Skipped != "" || sr == nil || len(sr.Export) == 0 {
			continue
		}
		p("| %s | %s | %s | %s | %s |\n", e.Engine, fmtDur(quantile(sr.Export, 0.5)), fmtDur(quantile(sr.Export, 1)),
			verdict(quantile(sr.Export, 1), spmExportTarget), fmtMiB(sr.ExportBytes))
	}
	p("\n*national query, uncached*: `spm.Store.Overview` for the nation in process, one call at a time, without\n")
	p("the server's cache: what one reader costs when the half-second cache has just expired. The server keeps\n")
	p("the nation's and each province's dashboard for half a second for all their readers (a case step is in\n")
	p("them within a second); a region's own achievement is read afresh on every request.\n\n")
	for _, e := range r.Engines {
		sr := e.SPM
		if e.Skipped != "" || sr == nil {
			continue
		}
		p("### %s: the SPM dashboard\n\n", e.Engine)
		base, _ := sr.scenario(scSPMBase)
		clientTable(p, sr.Scenarios, base)
		p("\n| scenario | p95 | target | handler p50 | handler p99 | CPU/req |\n|---|--:|---|--:|--:|--:|\n")
		for _, s := range sr.Scenarios {
			target := "–"
			if s.Name == scSPMNational {
				target = verdict(s.Result.Percentile(95), spmTarget)
			}
			p("| %s | %s | %s | %s | %s | %s |\n", scenarioTitles[s.Name], fmtDur(s.Result.Percentile(95)), target,
				s.handlerQuantile(0.5), s.handlerQuantile(0.99), fmtNs(s.cpuPerRequest()))
		}
		p("\nServer memory (VmRSS): %s after start-up, %s after the load; peak (VmHWM) %s.\n\n",
			fmtMiB(sr.Idle.RSS), fmtMiB(sr.After.RSS), fmtMiB(sr.After.HWM))
	}
}

// download reads url whole with header and returns its size in bytes.
func download(ctx context.Context, url string, header http.Header) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	req.Header = header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("status %d", resp.StatusCode)
	}
	return n, err
}

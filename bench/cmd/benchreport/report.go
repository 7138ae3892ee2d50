package main

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/layan-id/layan/bench"
	"github.com/layan-id/layan/internal/demo"
	"github.com/layan-id/layan/internal/registry"
	"github.com/layan-id/layan/internal/wilayah"
)

// target is the requirement for the typeahead: p99 well under
// 100 ms with 50 clients.
const target = 100 * time.Millisecond

// Targets of the people registry (issue 4): search and list p99 under
// 50 ms with 50 clients, the server under 300 MB at its peak.
const (
	peopleTarget = 50 * time.Millisecond
	rssTarget    = 300 << 20
)

type report struct {
	Date      time.Time
	Machine   machineInfo
	GoVersion string
	Options   options
	Engines   []engineRun
	InProcess inProcess
	Queries   []string
	Parents   []string
	People    peopleQueries
	// /proc/loadavg's 1-minute figure before and after the run.
	LoadStart, LoadEnd string
}

type machineInfo struct {
	CPU    string
	Cores  int
	Memory int64 // bytes
	Kernel string
}

func machine() machineInfo {
	m := machineInfo{CPU: "unknown", Cores: runtime.NumCPU()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && k == "MemTotal" {
				m.Memory = kB(v)
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	return m
}

// fmtDur writes a latency in milliseconds with three significant digits.
func fmtDur(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms < 1:
		return fmt.Sprintf("%.3f ms", ms)
	case ms < 10:
		return fmt.Sprintf("%.2f ms", ms)
	case ms < 100:
		return fmt.Sprintf("%.1f ms", ms)
	}
	return fmt.Sprintf("%.0f ms", ms)
}

func fmtMiB(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func ratio(a, b time.Duration) string {
	if b <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f×", float64(a)/float64(b))
}

var scenarioTitles = map[string]string{
	scBaseline:       "baseline: `GET /healthz`",
	scMe:             "API floor: `GET /api/v1/me`",
	scTypeahead:      "typeahead: `GET /api/v1/regions/search`",
	scChildren:       "children: `GET /api/v1/regions?parent=`",
	scPeopleBase:     "baseline: `GET /healthz`",
	scPeopleSearch:   "search: `GET /api/v1/people?q=`",
	scPeopleList:     "list: `GET /api/v1/people?region=`",
	scCasesBase:      "baseline: `GET /healthz`",
	scWorkWorker:     "Pekerjaan saya, workers: `GET /api/v1/work`",
	scCasesWorker:    "case list, workers: `GET /api/v1/cases?page=`",
	scCasesSup:       "case list, supervisor: `GET /api/v1/cases?open=true|stage=…`",
	scWorkSupervisor: "Pekerjaan saya, supervisor: `GET /api/v1/work`",
	scSPMBase:        "baseline: `GET /healthz`",
	scSPMNational:    "national dashboard: `GET /api/v1/spm/overview?year=`",
	scSPMProvince:    "province dashboard: `GET /api/v1/spm/overview?region=PROV`",
	scSPMKabKota:     "kab/kota achievement: `GET /api/v1/spm/achievements?region=`",
}

func (r report) markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	o := r.Options

	p("# Performance\n\n")
	p("This file is written by `make bench` (`go run ./bench/cmd/benchreport`); do not edit the figures by hand,\n")
	p("run the program again. It measures the region API — the typeahead that every form with a region field\n")
	p("uses, and the children lookups of the region pickers — and the people registry — loading synthetic\n")
	p("people, then searching and listing them — against a real `layan serve` process on each\n")
	p("engine, beside the floor of the same server (`/healthz`). The machines we run on are noisy\n")
	p("(±15–60 %% between runs, see `/work/shared/floors.md`): compare the ratios to the baseline more than\n")
	p("the absolute figures.\n\n")

	p("## Run\n\n")
	p("| | |\n|---|---|\n")
	p("| date (UTC) | %s |\n", r.Date.Format("2006-01-02 15:04"))
	p("| machine | %s, %d cores (`nproc`), %s RAM", r.Machine.CPU, r.Machine.Cores, fmtGiB(r.Machine.Memory))
	if r.Machine.Kernel != "" {
		p(", Linux %s", r.Machine.Kernel)
	}
	p(" |\n")
	p("| load average (1 min) | %s at the start, %s at the end: other work on the machine shares its cores |\n",
		r.LoadStart, r.LoadEnd)
	p("| Go | %s |\n", r.GoVersion)
	for _, e := range r.Engines {
		v := e.Version
		if e.Skipped != "" {
			v = e.Skipped
		}
		p("| %s | %s |\n", e.Engine, v)
	}
	p("| load | %d concurrent clients, closed loop (each sends its next request when answered), keep-alive, "+
		"loopback; %s warm-up then %s recorded per scenario; at most %d recorded requests per scenario |\n",
		o.clients, o.warmup, o.duration, o.maxRequests)
	if o.people > 0 {
		p("| people | %d synthetic people (`internal/synth`, seed %d) loaded with `layan demo --people %d` beside the 3,000 demo people |\n",
			o.people, o.peopleSeed, o.people)
	}
	p("\n")

	p("## Method\n\n")
	p("- The binary is built once (`go build ./cmd/layan`) and started as its own process: `layan serve --demo\n")
	p("  --addr 127.0.0.1:0` on a fresh database — a SQLite file in a temporary directory, or a PostgreSQL\n")
	p("  database created for the run and dropped after it. The server logs every request to a file, as in\n")
	p("  production. The load generator runs in another process on the same machine, so client and server\n")
	p("  share the cores.\n")
	p("- API requests carry a bearer token made with `layan token create --user demo.admin`; every such\n")
	p("  request looks the token and its user up in the database, which is where the engines differ.\n")
	p("- Scenarios, in this order:\n")
	p("  1. **baseline** `GET /healthz`, no token: the HTTP floor of this server on this machine (routing,\n")
	p("     middleware, access log, JSON).\n")
	p("  2. **API floor** `GET /api/v1/me` with the token: the baseline plus authentication.\n")
	p("  3. **typeahead** `GET /api/v1/regions/search?q=…&limit=10` over %d queries: %s.\n", len(r.Queries), bench.TypeaheadMix)
	p("     Examples: %s. Of these queries %d have results and %d none.\n",
		examples(r.Queries, 8), r.InProcess.SearchHits, r.InProcess.SearchNone)
	p("  4. **children** `GET /api/v1/regions?parent=CODE` over %d parents: %s (%s).\n",
		len(r.Parents), bench.ChildrenMix, examples(r.Parents, 5))
	p("- Latencies are measured by the client from sending the request to reading the whole answer; every\n")
	p("  sample is kept and sorted (nearest-rank percentiles). Only answers with status 200 count; errors\n")
	p("  are listed. *÷ base* divides a scenario's p50 (p99) by the baseline's p50 (p99) of the same run.\n")
	p("- *handler p50/p99* come from the server's own latency histogram (`layan_http_request_duration_seconds`,\n")
	p("  the time inside the handler chain), so they are bucket bounds. *CPU/req* is the server's user +\n")
	p("  system CPU time (from `/proc/PID/stat`) over the scenario, divided by the requests it answered; the\n")
	p("  database pool figures are `go_sql_*` from `/metrics`.\n")
	p("- Memory is `VmRSS` of the server process from `/proc/PID/status` after start-up (migrations, region\n")
	p("  list, demo data, then 2 s quiet; the start-up garbage is not yet returned to the system) and after\n")
	p("  all scenarios, and `VmHWM`, its peak. PostgreSQL's own processes are not included.\n")
	if o.people > 0 {
		p("- **People phase**, after the region scenarios, on the same database: the server is stopped and\n")
		p("  `layan demo --people %d --seed %d` loads the synthetic people (`internal/synth`: households with a KK,\n", o.people, o.peopleSeed)
		p("  NIKs, the naming traditions of each region, PPKS categories) with `registry.BulkLoad`, timed from\n")
		p("  process start to exit (region list check, generation, validation, writing, index builds). A new\n")
		p("  `layan serve --demo` then starts on the loaded database; `layan user add bench.pekerja --role worker\n")
		p("  --unit ID` and `layan token create` give the token of a worker of the demo unit with the largest\n")
		p("  reach, *%s* (its region and the provinces it covers, %s: about a quarter of\n", demo.SentraName, codes(demo.SentraArea()))
		p("  the people, since the loaded people are registered by no unit and each is in reach of the units of\n")
		p("  their own region). The queries are drawn from the people in that reach. Scenarios: the baseline\n")
		p("  `GET /healthz` of this server, then:\n")
		p("  1. **search** `GET /api/v1/people?q=…` over %d queries: %s.\n", len(r.People.search), bench.PeopleSearchMix)
		p("     Examples: %s.\n", examples(r.People.search, 8))
		p("  2. **list** `GET /api/v1/people?…` over %d listings: %s (%s).\n", len(r.People.list), bench.PeopleListMix,
			examples(r.People.list, 4))
		p("  The server's memory is read as above; its peak (`VmHWM`) covers start-up on the loaded registry and\n")
		p("  both scenarios.\n")
		if o.cases > 0 {
			p("- **Case phase**, after the people phase, on the same database: `layan demo --cases %d --seed 1`\n", o.cases)
			p("  loads synthetic cases into *%s* (`casework.BulkCases`: cases of people in its reach in every\n", demo.SentraName)
			p("  stage, about 70 %% closed, with their team, timeline, assessments, plans and services, and synthetic\n")
			p("  workers holding about 100 cases each and one supervisor), timed from process start to exit. A new\n")
			p("  server starts; API tokens are made for %d of the synthetic workers and for the supervisor. Scenarios:\n", benchWorkers)
			p("  1. **Pekerjaan saya, workers**: `GET /api/v1/work`, each request as the next of the %d workers.\n", benchWorkers)
			p("  2. **case list, workers**: `GET /api/v1/cases?page=1` (or 2, one time in four), as the workers.\n")
			p("  3. **case list, supervisor**: the unit's open cases, pages 1–40, or one open stage, pages 1–10.\n")
			p("  4. **Pekerjaan saya, supervisor**: the unit's oldest 20 submissions waiting for approval and its oldest 20 visits due.\n")
		}
		if o.cases > 0 && o.spmCases > 0 {
			p("- **SPM phase**, after the case phase, on the same database: a sentra covering all 38 provinces is made and\n")
			p("  `layan demo --cases %d --unit ID --seed 6 --deliveries %d` loads cases across Indonesia into it, each\n", o.spmCases, o.spmDeliveries)
			p("  planned need delivered in %d services (so the SPM figures cover every kab/kota, with the case phase's\n", o.spmDeliveries)
			p("  cases about %d cases in all); every batch keeps the SPM figures as the cases' steps would. Then, in\n", o.cases+o.spmCases)
			p("  process: **one incremental update** (derive one case's episodes from its documents, compare, move the\n")
			p("  tallies, in its own transaction, as every case step does) timed over 500 counted cases drawn at\n")
			p("  random, against the **full recompute** (`spm.Verify`, as `layan spm verify`: every case derived from\n")
			p("  its documents on one snapshot and compared with the stored episodes and tallies). A new server then\n")
			p("  answers, as the national viewer, over 2000 periods of this year and last:\n")
			p("  1. **national dashboard** `GET /api/v1/spm/overview?year=…`: the 38 provinces and the ten jenis summed over Indonesia;\n")
			p("  2. **province dashboard** `GET /api/v1/spm/overview?region=PROV&…`: a province, its kab/kota and their totals;\n")
			p("  3. **kab/kota achievement** `GET /api/v1/spm/achievements?region=…`.\n")
		}
	}
	p("\n")

	for _, e := range r.Engines {
		p("## %s\n\n", e.Engine)
		if e.Skipped != "" {
			p("%s.\n\n", strings.ToUpper(e.Skipped[:1])+e.Skipped[1:])
			continue
		}
		p("%s. Seen from the clients:\n\n", e.Version)
		base, _ := e.scenario(scBaseline)
		clientTable(p, e.Scenarios, base)
		p("\nSeen from the server (its own `/metrics` and `/proc`, warm-up included):\n\n")
		p("| scenario | handler p50 | handler p99 | CPU/req | DB pool waits/req | mean pool wait | connections closed (over max idle) |\n")
		p("|---|--:|--:|--:|--:|--:|--:|\n")
		for _, s := range e.Scenarios {
			n := s.served()
			waits := s.Server.sum("go_sql_wait_count_total")
			wait := "–"
			if waits > 0 {
				wait = fmtDur(time.Duration(s.Server.sum("go_sql_wait_duration_seconds_total") / waits * float64(time.Second)))
			}
			p("| %s | %s | %s | %s | %.2f | %s | %.0f |\n", scenarioTitles[s.Name], s.handlerQuantile(0.5), s.handlerQuantile(0.99),
				fmtNs(s.cpuPerRequest()), waits/float64(max(n, 1)), wait, s.Server.sum("go_sql_max_idle_closed_total"))
		}
		p("\nServer memory (VmRSS): %s after start-up, %s after the load; peak (VmHWM) %s.\n\n",
			fmtMiB(e.Idle.RSS), fmtMiB(e.After.RSS), fmtMiB(e.After.HWM))
	}

	if o.people > 0 {
		r.peopleMarkdown(p)
	}
	if o.cases > 0 {
		r.casesMarkdown(p)
	}
	if o.cases > 0 && o.spmCases > 0 {
		r.spmMarkdown(p)
	}

	ip := r.InProcess
	p("## The region index without HTTP\n\n")
	p("`wilayah.Index` called directly in one goroutine over the same mixes, %s each (the mean from the whole\n", o.inProcess)
	p("loop; the percentiles time each call, which adds the clock's own cost of some tens of nanoseconds).\n\n")
	p("| call | calls | mean | p50 | p99 |\n|---|--:|--:|--:|--:|\n")
	p("| `Search(q, \"\", 0, 10)`, typeahead mix | %d | %s | %s | %s |\n", ip.Search.Calls, fmtNs(ip.Search.Mean), fmtNs(ip.Search.P50), fmtNs(ip.Search.P99))
	p("| `Children(code)`, children mix | %d | %s | %s | %s |\n", ip.Children.Calls, fmtNs(ip.Children.Mean), fmtNs(ip.Children.P50), fmtNs(ip.Children.P99))
	p("\n`go test -bench . ./internal/wilayah ./bench` has the per-query benchmarks.\n\n")

	p("## Reading\n\n")
	p("The target (the issue): the typeahead answers in well under %s at p99 with 50 clients.\n\n", fmtDur(target))
	for _, e := range r.Engines {
		ta, ok := e.scenario(scTypeahead)
		if e.Skipped != "" || !ok {
			continue
		}
		base, _ := e.scenario(scBaseline)
		me, _ := e.scenario(scMe)
		ch, _ := e.scenario(scChildren)
		p99 := ta.Result.Percentile(99)
		var verdict string
		switch {
		case p99 < target/2:
			verdict = fmt.Sprintf("met, %.0f %% of the target", 100*float64(p99)/float64(target))
		case p99 < target:
			verdict = fmt.Sprintf("under the target but not well under (%.0f %% of it)", 100*float64(p99)/float64(target))
		default:
			verdict = "missed"
		}
		p("- **%s**: typeahead p99 %s at %.0f req/s: **%s**. Inside the server the p99 is %s (its histogram).\n",
			e.Engine, fmtDur(p99), ta.Result.Rate(), verdict, ta.handlerQuantile(0.99))
		p("  The server spends %s of CPU per typeahead request, %s\n",
			fmtNs(ta.cpuPerRequest()), fmtNs(me.cpuPerRequest()))
		p("  per API-floor request (token and user looked up in the database) and %s per `/healthz`; the\n",
			fmtNs(base.cpuPerRequest()))
		p("  search itself takes %s on average in-process. Children lookups: p99 %s at %.0f req/s.\n",
			fmtNs(ip.Search.Mean), fmtDur(ch.Result.Percentile(99)), ch.Result.Rate())
	}
	if o.people > 0 {
		p("\nThe people registry's targets (the issue): search and list p99 under %s with %d clients, the server's\n", fmtDur(peopleTarget), o.clients)
		p("peak RSS under %s, a million people loaded in a few minutes.\n\n", fmtMiB(rssTarget))
		for _, e := range r.Engines {
			pr := e.People
			if e.Skipped != "" || pr == nil {
				continue
			}
			se, _ := pr.scenario(scPeopleSearch)
			li, _ := pr.scenario(scPeopleList)
			p("- **%s**: %d people loaded in %s (%.0f people/s). Search p99 %s (%s), list p99 %s (%s); peak RSS %s (%s).\n",
				e.Engine, pr.People, pr.Load.Round(time.Second), float64(pr.People)/pr.Load.Seconds(),
				fmtDur(se.Result.Percentile(99)), verdict(se.Result.Percentile(99), peopleTarget),
				fmtDur(li.Result.Percentile(99)), verdict(li.Result.Percentile(99), peopleTarget),
				fmtMiB(pr.After.HWM), verdictBytes(pr.After.HWM, rssTarget))
			var slow, fast classStats
			for _, c := range pr.InProcess {
				if c.Stats.Mean > slow.Stats.Mean {
					slow = c
				}
				if fast.Class == "" || c.Stats.Mean < fast.Stats.Mean {
					fast = c
				}
			}
			if slow.Class != "" {
				p("  Alone, the costliest kind of request is *%s* (mean %s, p99 %s; %.0f %% of them answered `more`),\n",
					slow.Class, fmtNs(slow.Stats.Mean), fmtNs(slow.Stats.P99), 100*slow.More)
				p("  the cheapest *%s* (mean %s): under %d clients on %d cores, a request waits for the costly ones.\n",
					fast.Class, fmtNs(fast.Stats.Mean), r.Options.clients, r.Machine.Cores)
			}
		}
	}
	if o.cases > 0 {
		p("\nThe case targets (issue 5): Pekerjaan saya and the case list p99 under %s with %d clients on %d cases.\n\n",
			fmtDur(casesTarget), o.clients, o.cases)
		for _, e := range r.Engines {
			cr := e.Cases
			if e.Skipped != "" || cr == nil {
				continue
			}
			p("- **%s**: %d cases loaded in %s (%.0f cases/s).", e.Engine, cr.Cases, cr.Load.Round(time.Second),
				float64(cr.Cases)/cr.Load.Seconds())
			for _, name := range []string{scWorkWorker, scCasesWorker, scCasesSup, scWorkSupervisor} {
				if s, ok := cr.scenario(name); ok {
					p(" %s: p99 %s (%s).", scenarioTitles[name], fmtDur(s.Result.Percentile(99)), verdict(s.Result.Percentile(99), casesTarget))
				}
			}
			p(" Peak RSS %s.\n", fmtMiB(cr.After.HWM))
		}
	}
	if o.cases > 0 && o.spmCases > 0 {
		p("\nThe SPM targets (issue 6): the national dashboard p95 under %s with %d clients on about %d cases.\n\n",
			fmtDur(spmTarget), o.clients, o.cases+o.spmCases)
		for _, e := range r.Engines {
			sr := e.SPM
			if e.Skipped != "" || sr == nil {
				continue
			}
			if s, ok := sr.scenario(scSPMNational); ok {
				p("- **%s**: national dashboard p95 %s (%s); one incremental update %s at the median, the full recompute %s (%s).\n",
					e.Engine, fmtDur(s.Result.Percentile(95)), verdict(s.Result.Percentile(95), spmTarget),
					fmtDur(sr.incrementalQuantile(0.5)), sr.Full.Round(100*time.Millisecond), ratio(sr.Full, sr.incrementalQuantile(0.5)))
			}
			if len(sr.Export) > 0 {
				p("  The XLSX export of every region: slowest of %d %s (%s, target %s).\n", len(sr.Export),
					fmtDur(quantile(sr.Export, 1)), verdict(quantile(sr.Export, 1), spmExportTarget), fmtDur(spmExportTarget))
			}
		}
	}
	p("\nAt %d clients on %d cores shared by client, server (and PostgreSQL) every request waits for the\n", o.clients, r.Machine.Cores)
	p("others: the latencies seen by the clients are mostly queueing, so *req/s*, *CPU/req* and the ratios\n")
	p("to the baseline travel better to other machines than the milliseconds do.\n")
	return b.String()
}

// peopleMarkdown writes the people phase.
func (r report) peopleMarkdown(p func(string, ...any)) {
	p("## People registry\n\n")
	p("### Loading\n\n")
	p("| engine | people | time | people/s | rows written | rows/s | how |\n|---|--:|--:|--:|--:|--:|---|\n")
	for _, e := range r.Engines {
		pr := e.People
		if e.Skipped != "" || pr == nil {
			continue
		}
		rows := pr.rows()
		p("| %s | %d | %s | %.0f | %d | %.0f | %s |\n", e.Engine, pr.People, pr.Load.Round(100*time.Millisecond),
			float64(pr.People)/pr.Load.Seconds(), rows, float64(rows)/pr.Load.Seconds(), pr.Mode)
	}
	p("\n*rows written*: every row of `person`, `person_key`, `person_category`, `household` and\n")
	p("`household_member` after the load (the 3,000 demo people included); the time includes generating\n")
	p("and validating every person in the same process. ")
	for _, e := range r.Engines {
		if pr := e.People; pr != nil && e.Skipped == "" {
			p("%s: %d people, %d name keys, %d category rows, %d KK, %d memberships. ", e.Engine, pr.Rows["person"],
				pr.Rows["person_key"], pr.Rows["person_category"], pr.Rows["household"], pr.Rows["household_member"])
		}
	}
	p("\n\n")
	for _, e := range r.Engines {
		pr := e.People
		if e.Skipped != "" || pr == nil {
			continue
		}
		p("### %s: search and list\n\n", e.Engine)
		base, _ := pr.scenario(scPeopleBase)
		clientTable(p, pr.Scenarios, base)
		p("\n| scenario | handler p50 | handler p99 | CPU/req | DB pool waits/req | mean pool wait |\n|---|--:|--:|--:|--:|--:|\n")
		for _, s := range pr.Scenarios {
			n := s.served()
			waits := s.Server.sum("go_sql_wait_count_total")
			wait := "–"
			if waits > 0 {
				wait = fmtDur(time.Duration(s.Server.sum("go_sql_wait_duration_seconds_total") / waits * float64(time.Second)))
			}
			p("| %s | %s | %s | %s | %.2f | %s |\n", scenarioTitles[s.Name], s.handlerQuantile(0.5), s.handlerQuantile(0.99),
				fmtNs(s.cpuPerRequest()), waits/float64(max(n, 1)), wait)
		}
		p("\nServer memory (VmRSS): %s after start-up on the loaded registry, %s after the load; peak (VmHWM) %s.\n\n",
			fmtMiB(pr.Idle.RSS), fmtMiB(pr.After.RSS), fmtMiB(pr.After.HWM))
		if len(pr.InProcess) > 0 {
			p("The same queries by kind, `registry.Store.Search` called directly with the worker's reach, one caller\n")
			p("and nothing else running (the server stopped), for up to %s each: what one request costs the\n", 2*r.Options.inProcess)
			p("database before any queueing. *results*: the mean `total`; *too many*: the share answered with\n")
			p("`more`: a search over %d matches, ranked on a sample; a listing deeper than the %d rows it pages.\n\n",
				registry.MaxCandidates, registry.MaxListDepth)
			p("| kind | example | calls | mean | p50 | p99 | results | too many |\n|---|---|--:|--:|--:|--:|--:|--:|\n")
			for _, c := range pr.InProcess {
				p("| %s | `%s` | %d | %s | %s | %s | %.0f | %.0f %% |\n", c.Class, c.Example, c.Stats.Calls,
					fmtNs(c.Stats.Mean), fmtNs(c.Stats.P50), fmtNs(c.Stats.P99), c.Results, 100*c.More)
			}
			p("\n")
		}
	}
}

func verdict(d, target time.Duration) string {
	if d < target {
		return fmt.Sprintf("**met**, %.0f %% of %s", 100*float64(d)/float64(target), fmtDur(target))
	}
	return fmt.Sprintf("**missed**: %.1f× %s", float64(d)/float64(target), fmtDur(target))
}

func verdictBytes(b, target int64) string {
	if b < target {
		return fmt.Sprintf("**met**, %.0f %% of %s", 100*float64(b)/float64(target), fmtMiB(target))
	}
	return fmt.Sprintf("**missed**: %.1f× %s", float64(b)/float64(target), fmtMiB(target))
}

// served is how many requests the server answered during the scenario.
func (s scenarioRun) served() int { return s.Result.Requests() + s.Result.Unrecorded + s.Result.Errors }

func (s scenarioRun) cpuPerRequest() time.Duration {
	n := s.served()
	if n == 0 {
		return 0
	}
	return s.CPU / time.Duration(n)
}

// handlerQuantile formats the server histogram's bound for quantile q.
func (s scenarioRun) handlerQuantile(q float64) string {
	le, ok := s.Server.serverQuantile(s.Route, q)
	switch {
	case !ok:
		return "–"
	case math.IsInf(le, 1):
		return "> 10 s"
	}
	return "≤ " + fmtDur(time.Duration(le*float64(time.Second)))
}

func fmtGiB(b int64) string { return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30)) }

func fmtNs(d time.Duration) string {
	switch {
	case d < time.Microsecond:
		return fmt.Sprintf("%d ns", d.Nanoseconds())
	case d < time.Millisecond:
		return fmt.Sprintf("%.1f µs", float64(d)/float64(time.Microsecond))
	}
	return fmtDur(d)
}

// examples quotes the first n distinct values.
func examples(values []string, n int) string {
	seen := map[string]bool{}
	var out []string
	for _, v := range values {
		if len(out) == n {
			break
		}
		if !seen[v] {
			seen[v] = true
			out = append(out, "`"+v+"`")
		}
	}
	return strings.Join(out, ", ")
}

// loadAverage is the 1-minute load average from /proc/loadavg.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return "?"
}

// codes lists region codes for the report.
func codes(cs []wilayah.Code) string {
	var out []string
	for _, c := range cs {
		out = append(out, "`"+string(c)+"`")
	}
	return strings.Join(out, ", ")
}

// clientTable writes what the clients saw of each scenario, beside the
// baseline of the same server, and the first error of each.
func clientTable(p func(string, ...any), scenarios []scenarioRun, base scenarioRun) {
	p("| scenario | requests | req/s | p50 | p90 | p99 | max | p50 ÷ base | p99 ÷ base | errors |\n")
	p("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, s := range scenarios {
		res := s.Result
		p("| %s | %d | %.0f | %s | %s | %s | %s | %s | %s | %d |\n", scenarioTitles[s.Name], res.Requests(), res.Rate(),
			fmtDur(res.Percentile(50)), fmtDur(res.Percentile(90)), fmtDur(res.Percentile(99)), fmtDur(res.Max()),
			ratio(res.Percentile(50), base.Result.Percentile(50)), ratio(res.Percentile(99), base.Result.Percentile(99)),
			res.Errors)
	}
	for _, s := range scenarios {
		if s.Result.FirstError != "" {
			p("\nFirst error in %s: `%s`.\n", s.Name, s.Result.FirstError)
		}
	}
}

// casesMarkdown writes the case phase.
func (r report) casesMarkdown(p func(string, ...any)) {
	p("## Case management\n\n")
	p("| engine | cases | time | cases/s | workers | case_file | case_team | case_event | case_assessment | case_plan | case_service |\n")
	p("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, e := range r.Engines {
		cr := e.Cases
		if e.Skipped != "" || cr == nil {
			continue
		}
		p("| %s | %d | %s | %.0f | %d | %d | %d | %d | %d | %d | %d |\n", e.Engine, cr.Cases, cr.Load.Round(100*time.Millisecond),
			float64(cr.Cases)/cr.Load.Seconds(), cr.Workers, cr.Rows["case_file"], cr.Rows["case_team"], cr.Rows["case_event"],
			cr.Rows["case_assessment"], cr.Rows["case_plan"], cr.Rows["case_service"])
	}
	p("\n")
	for _, e := range r.Engines {
		cr := e.Cases
		if e.Skipped != "" || cr == nil {
			continue
		}
		p("### %s: Pekerjaan saya and the case lists\n\n", e.Engine)
		base, _ := cr.scenario(scCasesBase)
		clientTable(p, cr.Scenarios, base)
		p("\n| scenario | handler p50 | handler p99 | CPU/req |\n|---|--:|--:|--:|\n")
		for _, s := range cr.Scenarios {
			p("| %s | %s | %s | %s |\n", scenarioTitles[s.Name], s.handlerQuantile(0.5), s.handlerQuantile(0.99), fmtNs(s.cpuPerRequest()))
		}
		p("\nServer memory (VmRSS): %s after start-up, %s after the load; peak (VmHWM) %s.\n\n",
			fmtMiB(cr.Idle.RSS), fmtMiB(cr.After.RSS), fmtMiB(cr.After.HWM))
	}
}

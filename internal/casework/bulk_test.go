package casework_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/casework"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/registry"
	"github.com/layan-id/layan/internal/spm"
	"github.com/layan-id/layan/internal/synth"
)

// bulkWorld is a database with people to open cases for: n synthetic
// people registered by a Dinas Sosial of Salatiga, so that all are in
// reach of its workers (those of Salatiga by region, the others linked).
func bulkWorld(t *testing.T, engine string, people int) (*db.DB, int64) {
	t.Helper()
	d := dbtest.Open(t, engine)
	ix, err := dbtest.Regions()
	if err != nil {
		t.Fatal(err)
	}
	unit := dbtest.Unit(t, d, "Dinas Sosial Kota Salatiga", "33.73")
	g, err := synth.New(ix, synth.Config{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	rs := &registry.Store{DB: d, Regions: ix}
	if _, err := rs.BulkLoad(ctx, audit.System("uji"), g.People(people), registry.BulkOptions{Name: "uji", UnitID: unit}); err != nil {
		t.Fatal(err)
	}
	return d, unit
}

func count(t *testing.T, q db.Q, query string, args ...any) int {
	t.Helper()
	var n int
	if err := q.QueryRow(ctx, query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func user(t *testing.T, d *db.DB, name string) access.User {
	t.Helper()
	u, err := access.GetUserByName(ctx, d, name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return u
}

// TestBulkCases loads cases and checks every one through the store's own
// readers: the row set is what the store would have left on the way to
// the case's stage.
func TestBulkCases(t *testing.T) {
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			d, unit := bulkWorld(t, engine, 3000)
			const n = 2000
			var calls []int
			res, err := casework.BulkCases(ctx, d, casework.BulkCaseOptions{Cases: n, Seed: 7, UnitID: unit, BatchSize: 700,
				Progress: func(done int) { calls = append(calls, done) }})
			if err != nil {
				t.Fatal(err)
			}
			if res.Loaded != n || res.Skipped != 0 || res.Workers != n/100 || res.Elapsed <= 0 {
				t.Errorf("result %+v", res)
			}
			loaded := time.Now().UTC()
			if !slices.Equal(calls, []int{0, 700, 1400, 2000}) {
				t.Errorf("progress %v", calls)
			}
			if got := count(t, d, "SELECT COUNT(*) FROM case_file WHERE unit_id = ?", unit); got != n {
				t.Fatalf("%d cases, want %d", got, n)
			}
			// One case per person while people last.
			if got := count(t, d, "SELECT COUNT(DISTINCT person_id) FROM case_file"); got != n {
				t.Errorf("%d people for %d cases", got, n)
			}
			if got := count(t, d, "SELECT COUNT(*) FROM app_user WHERE unit_id = ? AND role = 'worker' AND username LIKE 'sintetis.%'", unit); got != n/100 {
				t.Errorf("%d synthetic workers", got)
			}
			if got := count(t, d, `SELECT COUNT(*) FROM case_file c WHERE
				(SELECT COUNT(*) FROM case_team t WHERE t.case_id = c.id AND t.user_id = c.worker_id) <> 1
				OR (SELECT COUNT(*) FROM case_team t WHERE t.case_id = c.id) <> 1
				OR (SELECT COUNT(*) FROM case_event e WHERE e.case_id = c.id AND e.action = 'open') <> 1`); got != 0 {
				t.Errorf("%d cases without their worker's team row or one open event", got)
			}
			// Each worker holds a caseload: round robin.
			if got := count(t, d, "SELECT MAX(k) - MIN(k) FROM (SELECT COUNT(*) AS k FROM case_file GROUP BY worker_id) w"); got > 1 {
				t.Errorf("caseloads differ by %d", got)
			}
			// Ids follow the opening, as in a unit that opened them one by one.
			if got := count(t, d, `SELECT COUNT(*) FROM case_file a JOIN case_file b ON b.id = a.id + 1 WHERE b.opened_at < a.opened_at`); got != 0 {
				t.Errorf("%d cases opened before the case with the id before theirs", got)
			}

			// The SPM figures of the loaded cases are those their steps
			// would have kept: a full recompute agrees, and some are met.
			ix, _ := dbtest.Regions()
			store := &casework.Store{DB: d, People: &registry.Store{DB: d, Regions: ix}}
			if c, err := spm.Verify(ctx, d, store, nil); err != nil || !c.Agrees() || c.Episodes == 0 {
				t.Errorf("SPM after the load: %+v, %v", c, err)
			}
			if got := count(t, d, "SELECT COUNT(*) FROM spm_episode WHERE met_on <> ''"); got == 0 {
				t.Errorf("no loaded case had its needs met")
			}

			worker, sup := user(t, d, casework.SyntheticUsername(unit, 1)), user(t, d, casework.SyntheticUsername(unit, 0))
			if sup.Role != access.Supervisor || worker.Role != access.Worker || worker.UnitID != unit || !worker.Active {
				t.Fatalf("accounts %+v %+v", worker, sup)
			}
			// No password opens a synthetic account, and trying is an
			// ordinary failed login, not an internal error.
			for _, pw := range []string{"", "sintetis", "password123"} {
				if _, err := access.Authenticate(ctx, d, worker.Username, pw); apperr.KindOf(err) != apperr.Unauthorized {
					t.Errorf("login with %q: %v", pw, err)
				}
			}

			rows, err := d.Query(ctx, "SELECT id, worker_id FROM case_file ORDER BY id")
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			workerOf := map[int64]int64{}
			for rows.Next() {
				var id, w int64
				if err := rows.Scan(&id, &w); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, id)
				workerOf[id] = w
			}
			rows.Close()
			perStage := map[casework.Stage]int{}
			var sample = map[string]int64{} // a case per stage and state, for the store's steps below
			// Each case is read as its worker: the supervisor off its team
			// does not read all of it (privacy.go).
			workers := map[int64]access.User{}
			for _, id := range ids {
				u, ok := workers[workerOf[id]]
				if !ok {
					if u, err = access.GetUser(ctx, d, workerOf[id]); err != nil {
						t.Fatal(err)
					}
					workers[u.ID] = u
				}
				c, err := store.Detail(ctx, audit.System("uji"), u, id)
				if err != nil {
					t.Fatalf("case %d: %v", id, err)
				}
				perStage[c.Stage]++
				checkCase(t, c, loaded)
				key := string(c.Stage) + "/" + string(c.State.Assessment) + "/" + string(c.Plan) + "/" + string(c.Termination)
				if _, ok := sample[key]; !ok {
					sample[key] = id
				}
			}
			closed := perStage[casework.Terminasi] + perStage[casework.BimbinganLanjut] + perStage[casework.Selesai]
			if closed < n*60/100 || closed > n*80/100 {
				t.Errorf("%d of %d closed, want about 70 %%: %v", closed, n, perStage)
			}
			for _, s := range casework.Stages {
				if perStage[s] == 0 {
					t.Errorf("no case in %s: %v", s, perStage)
				}
			}

			// The lists read the loaded cases: a worker's are their team's.
			mine := idsOf(t, d, "SELECT case_id FROM case_team WHERE user_id = ? ORDER BY case_id DESC", worker.ID)
			items, total, _, err := store.List(ctx, worker, casework.ListFilter{Size: 100})
			if err != nil || total != len(mine) || len(items) != len(mine) {
				t.Fatalf("worker's list: %d items of %d (%v), want %d", len(items), total, err, len(mine))
			}
			for k, it := range items {
				if it.ID != mine[k] || it.WorkerID != worker.ID || it.PersonName == "" {
					t.Errorf("item %d: %+v", k, it)
				}
			}
			if _, total, _, err := store.List(ctx, sup, casework.ListFilter{Open: true}); err != nil || total == 0 {
				t.Errorf("supervisor's open cases: %d, %v", total, err)
			}
			if work, err := store.Work(ctx, worker, time.Now()); err != nil || len(work.Tasks) == 0 {
				t.Errorf("worker's tasks: %d, %v", len(work.Tasks), err)
			}
			// The supervisor's work view lists the oldest 20 submissions
			// and says there are more; the Waiting list holds them all.
			waiting := idsOf(t, d, `SELECT id FROM case_file WHERE unit_id = ? AND (assessment_review = 'diajukan'
				OR plan_review = 'diajukan' OR termination_review = 'diajukan') ORDER BY id`, sup.UnitID)
			work, err := store.Work(ctx, sup, time.Now())
			var approve []int64
			for _, k := range work.Tasks {
				if k.Kind == casework.TaskApprove {
					approve = append(approve, k.ID)
				}
			}
			if err != nil || len(waiting) <= 20 || !work.MoreApprovals || !slices.Equal(approve, waiting[:20]) {
				t.Errorf("supervisor's approvals: %v (more %v, %v), want the first 20 of %d", approve, work.MoreApprovals, err, len(waiting))
			}
			items, total, _, err = store.List(ctx, sup, casework.ListFilter{Waiting: true, Size: 100})
			if err != nil || total != min(len(waiting), casework.MaxListDepth) || len(items) != min(total, 100) ||
				items[0].ID != waiting[len(waiting)-1] {
				t.Errorf("waiting list: %d items of %d (%v), want %d newest first", len(items), total, err, len(waiting))
			}
			// Likewise the visits due: the unit's oldest 20, by day and id.
			later := time.Now().AddDate(0, 6, 0)
			today := later.In(time.FixedZone("WIB", 7*3600)).Format(time.DateOnly)
			dueIDs := idsOf(t, d, `SELECT f.id FROM case_follow_up f JOIN case_file c ON c.id = f.case_id AND c.cycle = f.cycle
				WHERE c.unit_id = ? AND c.stage = 'bimbingan_lanjut' AND f.done_on IS NULL AND f.due_on <= ? ORDER BY f.due_on, f.id`,
				sup.UnitID, today)
			work, err = store.Work(ctx, sup, later)
			var got []int64
			for _, f := range work.FollowUps {
				got = append(got, f.ID)
			}
			if err != nil || len(dueIDs) <= 20 || !work.MoreFollowUps || !slices.Equal(got, dueIDs[:20]) {
				t.Errorf("supervisor's visits due: %v (more %v, %v), want the first 20 of %d", got, work.MoreFollowUps, err, len(dueIDs))
			}

			// The store takes the loaded cases on from where they stand.
			actorOf := func(u access.User) audit.Actor { return audit.Actor{UserID: u.ID, Name: u.Username} }
			teamOf := func(id int64) access.User {
				c, err := store.Get(ctx, actorOf(sup), sup, id)
				if err != nil {
					t.Fatal(err)
				}
				return user(t, d, userName(t, d, c.WorkerID))
			}
			act := func(key string, u func(id int64) access.User, a casework.Action, reason casework.Reason) {
				t.Helper()
				id, ok := sample[key]
				if !ok {
					t.Errorf("no case %s", key)
					return
				}
				c, err := store.Get(ctx, actorOf(sup), sup, id)
				if err != nil {
					t.Fatal(err)
				}
				by := u(id)
				if _, err := store.Act(ctx, actorOf(by), by, id, c.Version, casework.Event{Action: a, Reason: reason}, ""); err != nil {
					t.Errorf("%s on a case %s: %v", a, key, err)
				}
			}
			asSup := func(int64) access.User { return sup }
			act("asesmen/diajukan//", asSup, casework.ApproveAssessment, "")
			act("rencana_intervensi/disetujui/diajukan/", asSup, casework.ApprovePlan, "")
			act("asesmen/draf//", teamOf, casework.SubmitAssessment, "")
			act("resosialisasi/disetujui/disetujui/", teamOf, casework.RequestTermination, casework.TujuanTercapai)
			act("resosialisasi/disetujui/disetujui/diajukan", asSup, casework.ApproveTermination, "")
			act("intervensi/disetujui/disetujui/", teamOf, casework.StartReintegration, "")
		})
	}
}

func userName(t *testing.T, d *db.DB, id int64) string {
	t.Helper()
	u, err := access.GetUser(ctx, d, id)
	if err != nil {
		t.Fatal(err)
	}
	return u.Username
}

// checkCase checks one loaded case against the stage rules.
func checkCase(t *testing.T, c casework.Detail, notAfter time.Time) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf("case %d (%s): "+format, append([]any{c.ID, c.Stage}, args...)...)
	}
	rank := slices.Index(casework.Stages, c.Stage)
	from := func(s casework.Stage) bool { return rank >= slices.Index(casework.Stages, s) }
	if (c.ClosedAt != nil) == c.Stage.Open() {
		fail("closed_at %v", c.ClosedAt)
	}
	if from(casework.RencanaIntervensi) != (c.State.Assessment == casework.Approved) || from(casework.RencanaIntervensi) != (c.AssessedAt != nil) ||
		from(casework.RencanaIntervensi) != (c.NeedsRehab != nil && *c.NeedsRehab) {
		fail("assessment %q, assessed at %v", c.State.Assessment, c.AssessedAt)
	}
	if from(casework.Intervensi) != c.State.PlanInForce || from(casework.Intervensi) != (c.PlanInForce != nil) || from(casework.Intervensi) != (c.Plan == casework.Approved) ||
		from(casework.Intervensi) != (c.PlannedAt != nil) {
		fail("plan %q, in force %v", c.Plan, c.State.PlanInForce)
	}
	if !c.Stage.Open() && (c.Termination != casework.Approved || !c.TerminationReason.Valid() ||
		c.TerminationReason.FollowUp() != (c.Stage != casework.Terminasi)) {
		fail("termination %q, reason %q", c.Termination, c.TerminationReason)
	}
	if c.Stage.Open() && c.Termination != casework.None && (c.Stage != casework.Resosialisasi || c.Termination != casework.Submitted) {
		fail("termination %q while open", c.Termination)
	}
	if !c.EmergencyUntil.Equal(c.OpenedAt.Add(casework.DefaultEmergencyWindow)) || c.OpenedAt.Before(notAfter.AddDate(-3, 0, -1)) {
		fail("opened %v, emergency until %v", c.OpenedAt, c.EmergencyUntil)
	}
	if len(c.Team) != 1 || c.Team[0] != c.WorkerID || c.Cycle != 1 {
		fail("team %v, worker %d, cycle %d", c.Team, c.WorkerID, c.Cycle)
	}

	// The timeline: opened, then each step from the stage the last left,
	// in time, ending where the case is; one per version.
	tl := c.Timeline
	if len(tl) == 0 || tl[0].Action != "open" || !tl[0].At.Equal(c.OpenedAt) || len(tl) != c.Version {
		fail("timeline of %d steps for version %d", len(tl), c.Version)
		return
	}
	stage := casework.PendekatanAwal
	for k, e := range tl {
		if e.StageBefore != stage || (k > 0 && e.At.Before(tl[k-1].At)) || e.At.After(notAfter) || e.ActorID == 0 {
			fail("step %d %+v after stage %s", k, e, stage)
		}
		approval := strings.HasPrefix(e.Action, "approve_") || strings.HasPrefix(e.Action, "return_")
		if approval == (e.ActorID == c.WorkerID) {
			fail("step %s by %d (worker %d)", e.Action, e.ActorID, c.WorkerID)
		}
		stage = e.StageAfter
	}
	if stage != c.Stage || !c.UpdatedAt.Equal(tl[len(tl)-1].At) {
		fail("timeline ends in %s at %v, case updated %v", stage, tl[len(tl)-1].At, c.UpdatedAt)
	}

	// The documents.
	if (c.Assessment != nil) != from(casework.Asesmen) {
		fail("assessment row %v", c.Assessment)
		return
	}
	if a := c.Assessment; a != nil {
		wib := time.FixedZone("WIB", 7*3600)
		opened := c.OpenedAt.In(wib).Format(time.DateOnly)
		if len(a.Domains) == 0 || len(a.Needs) == 0 || len(a.Components) == 0 || a.NeedsRehab == nil || !*a.NeedsRehab ||
			a.ConferenceOn < opened || a.ConferenceOn > notAfter.In(wib).Format(time.DateOnly) || a.Risk != c.Risk {
			fail("assessment %+v", a)
		}
		for dom := range a.Domains {
			if !dom.Valid() {
				fail("domain %q", dom)
			}
		}
	}
	switch {
	case c.Plan == casework.None:
		if c.PlanDraft != nil || c.PlanInForce != nil {
			fail("a plan without plan_review")
		}
	case c.Plan == casework.Approved:
		if p := c.PlanInForce; p == nil || p.Number != 1 || len(p.Items) != len(c.Assessment.Needs) || p.ApprovedAt == nil {
			fail("plan in force %+v", p)
		}
	default:
		if p := c.PlanDraft; p == nil || p.Review != c.Plan || p.ApprovedAt != nil {
			fail("plan draft %+v", p)
		}
	}
	if from(casework.Resosialisasi) != c.NeedsMet || from(casework.Resosialisasi) != (len(c.Services) > 0) {
		fail("needs met %v with %d services", c.NeedsMet, len(c.Services))
	}
	visits, done := len(c.FollowUps), 0
	for _, f := range c.FollowUps {
		if f.DoneOn != "" {
			done++
		}
	}
	switch c.Stage {
	case casework.BimbinganLanjut:
		if visits != 3 || done == 3 {
			fail("%d visits, %d done", visits, done)
		}
	case casework.Selesai:
		if visits != 3 || done != 3 {
			fail("%d visits, %d done", visits, done)
		}
	default:
		if visits != 0 {
			fail("%d visits", visits)
		}
	}
}

// TestBulkCasesResume interrupts a load after its first batch and runs it
// again: the cases are exactly those of a load that was never interrupted,
// none twice; a third run does nothing.
func TestBulkCasesResume(t *testing.T) {
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			const n, batch = 1500, 400
			d, unit := bulkWorld(t, engine, 2000)
			cctx, cancel := context.WithCancel(ctx)
			defer cancel()
			opts := casework.BulkCaseOptions{Cases: n, Seed: 11, UnitID: unit, BatchSize: batch}
			o := opts
			o.Progress = func(done int) {
				if done > 0 {
					cancel()
				}
			}
			res, err := casework.BulkCases(cctx, d, o)
			if !errors.Is(err, context.Canceled) || res.Loaded != batch {
				t.Fatalf("cancelled load: %+v, %v", res, err)
			}
			if got := count(t, d, "SELECT COUNT(*) FROM case_file"); got != batch {
				t.Fatalf("%d cases after the first batch, want %d", got, batch)
			}

			// Another process moving the load on between this one's reading
			// of the record and its next batch stops this one, unwritten.
			name := casework.CaseLoadName(unit, 11, n)
			o = opts
			o.Progress = func(done int) {
				if done == batch {
					if _, err := d.Exec(ctx, "UPDATE setting SET value = value || ' ' WHERE name = ?", name); err != nil {
						t.Error(err)
					}
				}
			}
			if _, err := casework.BulkCases(ctx, d, o); !errors.Is(err, casework.ErrCaseLoadBusy) {
				t.Errorf("a load moved on by another process: %v", err)
			}
			if got := count(t, d, "SELECT COUNT(*) FROM case_file"); got != batch {
				t.Fatalf("%d cases after the refused batch, want %d", got, batch)
			}

			res, err = casework.BulkCases(ctx, d, opts)
			if err != nil || res.Loaded != n-batch || res.Skipped != batch || res.Workers != n/100 {
				t.Fatalf("resumed: %+v, %v", res, err)
			}
			// The cases as the load drew them: times from the load's stamp.
			checkLoad := func(d *db.DB) []string {
				t.Helper()
				var value string
				if err := d.QueryRow(ctx, "SELECT value FROM setting WHERE name = ?", casework.CaseLoadName(unit, 11, n)).Scan(&value); err != nil {
					t.Fatal(err)
				}
				var record struct {
					Done  int       `json:"done"`
					Stamp time.Time `json:"stamp"`
				}
				if err := json.Unmarshal([]byte(value), &record); err != nil || record.Done != n {
					t.Fatalf("record %s: %v", value, err)
				}
				for _, c := range []struct{ query, what string }{
					{"SELECT COUNT(*) FROM case_file", "cases"},
					{"SELECT COUNT(DISTINCT person_id) FROM case_file", "people"},
					{"SELECT COUNT(DISTINCT id) FROM case_file", "case ids"},
					{"SELECT COUNT(*) FROM case_team", "team rows"},
					{"SELECT COUNT(*) FROM case_event WHERE action = 'open'", "open events"},
				} {
					if got := count(t, d, c.query); got != n {
						t.Errorf("%d %s, want %d", got, c.what, n)
					}
				}
				rows, err := d.Query(ctx, `SELECT c.person_id, c.stage, c.opened_at, u.username, COUNT(e.id)
					FROM case_file c JOIN app_user u ON u.id = c.worker_id JOIN case_event e ON e.case_id = c.id
					GROUP BY c.id, c.person_id, c.stage, c.opened_at, u.username ORDER BY c.id`)
				if err != nil {
					t.Fatal(err)
				}
				defer rows.Close()
				var out []string
				for rows.Next() {
					var person int64
					var stage, worker string
					var opened time.Time
					var events int
					if err := rows.Scan(&person, &stage, &opened, &worker, &events); err != nil {
						t.Fatal(err)
					}
					out = append(out, fmt.Sprintf("opened %s before, %s, %s, %d events, person %d", record.Stamp.Sub(opened), stage, worker, events, person))
				}
				return out
			}
			resumed := checkLoad(d)
			if got := count(t, d, "SELECT COUNT(*) FROM audit_log WHERE entity = 'case' AND entity_id = ?",
				casework.CaseLoadName(unit, 11, n)); got != 2 {
				t.Errorf("%d audit records of the load's two runs", got)
			}

			// A third run does nothing.
			events := count(t, d, "SELECT COUNT(*) FROM case_event")
			res, err = casework.BulkCases(ctx, d, opts)
			if err != nil || res.Loaded != 0 || res.Skipped != n {
				t.Errorf("third run: %+v, %v", res, err)
			}
			if got := count(t, d, "SELECT COUNT(*) FROM case_event"); got != events {
				t.Errorf("third run wrote %d events", got-events)
			}
			// Another size of the same seed and unit would draw the same people.
			if _, err := casework.BulkCases(ctx, d, casework.BulkCaseOptions{Cases: n + 1, Seed: 11, UnitID: unit}); err == nil ||
				!strings.Contains(err.Error(), "another seed") {
				t.Errorf("another size of the same seed: %v", err)
			}
			// Another seed is another load, on the same synthetic workers.
			res, err = casework.BulkCases(ctx, d, casework.BulkCaseOptions{Cases: 100, Seed: 12, UnitID: unit, Workers: 3})
			if err != nil || res.Loaded != 100 || res.Workers != 3 {
				t.Errorf("another seed: %+v, %v", res, err)
			}
			if got := count(t, d, "SELECT COUNT(*) FROM app_user WHERE username LIKE 'sintetis.%'"); got != n/100+1 {
				t.Errorf("%d synthetic accounts, want the %d workers and a supervisor reused", got, n/100)
			}

			// The same load never interrupted gives the same cases.
			d2, unit2 := bulkWorld(t, engine, 2000)
			if unit2 != unit {
				t.Fatalf("unit %d, then %d", unit, unit2)
			}
			if _, err := casework.BulkCases(ctx, d2, opts); err != nil {
				t.Fatal(err)
			}
			if straight := checkLoad(d2); !slices.Equal(resumed, straight) {
				for k := range min(len(resumed), len(straight)) {
					if resumed[k] != straight[k] {
						t.Errorf("case %d: resumed %s, straight %s", k, resumed[k], straight[k])
						break
					}
				}
				t.Errorf("the resumed load differs from the straight one (%d and %d cases)", len(resumed), len(straight))
			}
		})
	}
}

// idsOf runs a query of one id column and returns the ids in its order.
func idsOf(t *testing.T, d *db.DB, query string, args ...any) []int64 {
	t.Helper()
	rows, err := d.Query(ctx, query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// With several deliveries per need, each planned need is met by that many
// services, each a step in the timeline; the needs are met on the last,
// and the SPM figures agree with a full recompute. A resumed load must ask
// for the same number.
func TestBulkCasesDeliveries(t *testing.T) {
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			d, unit := bulkWorld(t, engine, 400)
			const n = 300
			if _, err := casework.BulkCases(ctx, d, casework.BulkCaseOptions{Cases: n, Seed: 5, UnitID: unit, Deliveries: 3,
				BatchSize: 120}); err != nil {
				t.Fatal(err)
			}
			// Every need of a case with services: three services, together the plan's quantity.
			if got := count(t, d, `SELECT COUNT(*) FROM case_plan_item i JOIN case_plan p ON p.id = i.plan_id
				WHERE EXISTS (SELECT 1 FROM case_service s WHERE s.case_id = p.case_id) AND (
					(SELECT COUNT(*) FROM case_service s WHERE s.case_id = p.case_id AND s.need = i.need) <> 3
					OR (SELECT SUM(s.quantity) FROM case_service s WHERE s.case_id = p.case_id AND s.need = i.need) <> i.quantity)`); got != 0 {
				t.Errorf("%d planned needs not delivered in three services adding up to the plan", got)
			}
			if got := count(t, d, "SELECT COUNT(*) FROM case_service"); got == 0 {
				t.Fatal("no services")
			}
			if got, want := count(t, d, "SELECT COUNT(*) FROM case_event WHERE action = 'record_service'"),
				count(t, d, "SELECT COUNT(*) FROM case_service"); got != want {
				t.Errorf("%d service steps for %d services", got, want)
			}
			ix, _ := dbtest.Regions()
			store := &casework.Store{DB: d, People: &registry.Store{DB: d, Regions: ix}}
			if c, err := spm.Verify(ctx, d, store, nil); err != nil || !c.Agrees() || c.Episodes == 0 {
				t.Errorf("SPM after the load: %+v, %v", c, err)
			}
			sup := user(t, d, casework.SyntheticUsername(unit, 0))
			for _, id := range idsOf(t, d, "SELECT DISTINCT case_id FROM case_service ORDER BY case_id LIMIT 20") {
				c, err := store.Detail(ctx, audit.System("uji"), sup, id)
				if err != nil {
					t.Fatal(err)
				}
				if !c.NeedsMet {
					t.Errorf("case %d: needs not met after every delivery: %+v", id, c.Needs)
				}
			}
			if _, err := casework.BulkCases(ctx, d, casework.BulkCaseOptions{Cases: n, Seed: 5, UnitID: unit}); err == nil ||
				!strings.Contains(err.Error(), "deliveries") {
				t.Errorf("a resumed load with another number of deliveries: %v", err)
			}
		})
	}
}

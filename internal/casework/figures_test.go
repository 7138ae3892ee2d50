package casework_test

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/casework"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/wilayah"
)

// The median of a histogram: the middle value, or the mean of the middle
// two, wherever its bars fall; absent for nothing.
func TestFiguresMedian(t *testing.T) {
	for _, c := range []struct {
		name string
		h    []casework.DayCount
		want *float64
	}{
		{"empty", nil, nil},
		{"bars of nothing", []casework.DayCount{{Days: 3}, {Days: 5}}, nil},
		{"one", []casework.DayCount{{Days: 7, N: 1}}, f64(7)},
		{"odd", []casework.DayCount{{Days: 1, N: 1}, {Days: 4, N: 1}, {Days: 6, N: 1}}, f64(4)},
		{"odd, in a tall bar", []casework.DayCount{{Days: 2, N: 3}, {Days: 9, N: 1}, {Days: 30, N: 1}}, f64(2)},
		{"odd, after an empty bar", []casework.DayCount{{Days: 0, N: 0}, {Days: 2, N: 1}, {Days: 3, N: 1}, {Days: 8, N: 1}}, f64(3)},
		{"even", []casework.DayCount{{Days: 9, N: 1}, {Days: 10, N: 1}}, f64(9.5)},
		{"even, whole", []casework.DayCount{{Days: 1, N: 1}, {Days: 3, N: 1}, {Days: 5, N: 1}, {Days: 7, N: 1}}, f64(4)},
		{"even, one bar", []casework.DayCount{{Days: 0, N: 4}}, f64(0)},
		{"even, middle two in one bar", []casework.DayCount{{Days: 0, N: 1}, {Days: 4, N: 2}, {Days: 9, N: 1}}, f64(4)},
		{"even, middle two in two bars", []casework.DayCount{{Days: 0, N: 2}, {Days: 1, N: 1}, {Days: 2, N: 1}}, f64(0.5)},
		{"even, across an empty bar", []casework.DayCount{{Days: 1, N: 2}, {Days: 2, N: 0}, {Days: 6, N: 2}}, f64(3.5)},
	} {
		got := casework.Median(c.h)
		if (got == nil) != (c.want == nil) || (got != nil && *got != *c.want) {
			t.Errorf("%s: Median(%v) = %v, want %v", c.name, c.h, show(got), show(c.want))
		}
	}
	// Against the definition, on every small sorted set.
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 40 {
		xs := make([]int, n)
		for i := range xs {
			xs[i] = r.IntN(6)
		}
		slices.Sort(xs)
		var want *float64
		if n > 0 {
			want = f64((float64(xs[(n-1)/2]) + float64(xs[n/2])) / 2)
		}
		if got := casework.Median(histogram(xs)); (got == nil) != (want == nil) || (got != nil && *got != *want) {
			t.Errorf("Median of %v = %v, want %v", xs, show(got), show(want))
		}
	}
}

// histogram counts sorted values.
func histogram(sorted []int) []casework.DayCount {
	var h []casework.DayCount
	for _, x := range sorted {
		if len(h) > 0 && h[len(h)-1].Days == x {
			h[len(h)-1].N++
		} else {
			h = append(h, casework.DayCount{Days: x, N: 1})
		}
	}
	return h
}

func f64(v float64) *float64 { return &v }

func show(p *float64) any {
	if p == nil {
		return "absent"
	}
	return *p
}

// Who sees which unit's figures: a supervisor their own unit's with the
// caseload; an admin those of their region with it; planners, verifiers
// and national viewers aggregates of their region; a worker none.
func TestFiguresReach(t *testing.T) {
	const sal, mks = 10, 20
	salR, mksR := wilayah.Code("33.73"), wilayah.Code("73.71")
	for _, c := range []struct {
		name string
		u    access.User
		unit int64
		want casework.FiguresReach
	}{
		{"supervisor, own unit", access.User{Role: access.Supervisor, UnitID: sal, UnitRegion: salR}, sal, casework.FiguresAll},
		{"supervisor, another unit of the city", access.User{Role: access.Supervisor, UnitID: sal, UnitRegion: salR}, 11, casework.FiguresNone},
		{"supervisor, another city", access.User{Role: access.Supervisor, UnitID: sal, UnitRegion: salR}, mks, casework.FiguresNone},
		{"worker, own unit", access.User{Role: access.Worker, UnitID: sal, UnitRegion: salR}, sal, casework.FiguresNone},
		{"planner of the city", access.User{Role: access.Planner, Region: salR}, sal, casework.FiguresAggregates},
		{"planner of another city", access.User{Role: access.Planner, Region: salR}, mks, casework.FiguresNone},
		{"verifier of the province", access.User{Role: access.Verifier, Region: "33"}, sal, casework.FiguresAggregates},
		{"verifier of another province", access.User{Role: access.Verifier, Region: "33"}, mks, casework.FiguresNone},
		{"national viewer", access.User{Role: access.National}, mks, casework.FiguresAggregates},
		{"admin of the deployment", access.User{Role: access.Admin}, sal, casework.FiguresAll},
		{"admin of the province", access.User{Role: access.Admin, Region: "73"}, mks, casework.FiguresAll},
		{"admin of another province", access.User{Role: access.Admin, Region: "73"}, sal, casework.FiguresNone},
		{"no unit", access.User{Role: access.National}, 0, casework.FiguresNone},
		{"no role", access.User{UnitID: sal}, sal, casework.FiguresNone},
	} {
		region := salR
		if c.unit == mks {
			region = mksR
		}
		if got := casework.FiguresReachOf(c.u, c.unit, region); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}

// figCase is a case row written directly, with the times a test needs.
type figCase struct {
	unit                          int64
	stage                         casework.Stage
	assessment, plan, termination casework.Review
	cycle                         int
	opened                        time.Time
	assessed, planned, closed     time.Time // zero: NULL
	team                          []int64
}

type figVisit struct {
	caseIdx, cycle int
	due, done      string // done "": not made
}

type figReferral struct {
	caseIdx int
	toUnit  int64 // 0: an outside agency
	status  casework.ReferralStatus
	due     time.Time
}

type figData struct {
	cases     []figCase
	visits    []figVisit
	referrals []figReferral
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// insert writes the data in one transaction and returns the case ids.
func (fd figData) insert(t *testing.T, w *world) []int64 {
	t.Helper()
	var ids []int64
	err := w.store.DB.InTx(ctx, func(tx *db.Tx) error {
		for _, c := range fd.cases {
			cycle := max(c.cycle, 1)
			var id int64
			err := tx.QueryRow(ctx, `INSERT INTO case_file (person_id, unit_id, village_code, regency_code, province_code,
				cluster, setting, source, risk, stage, assessment_review, plan_review, plan_in_force, termination_review,
				cycle, worker_id, opened_at, emergency_until, closed_at, assessed_at, planned_at, created_at, updated_at, version)
				VALUES (?, ?, '33.73.04.1001', '33.73', '33', 'lansia', 'keluarga', 'penjangkauan', 'sedang', ?, ?, ?, ?, ?,
				?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`,
				w.person, c.unit, string(c.stage), string(c.assessment), string(c.plan), !c.planned.IsZero(),
				string(c.termination), cycle, c.team[0], c.opened, c.opened.Add(casework.DefaultEmergencyWindow),
				nullTime(c.closed), nullTime(c.assessed), nullTime(c.planned), c.opened, c.opened).Scan(&id)
			if err != nil {
				return err
			}
			for _, u := range c.team {
				if _, err := tx.Exec(ctx, "INSERT INTO case_team (case_id, user_id) VALUES (?, ?)", id, u); err != nil {
					return err
				}
			}
			ids = append(ids, id)
		}
		for _, v := range fd.visits {
			var done any
			if v.done != "" {
				done = v.done
			}
			c := fd.cases[v.caseIdx]
			if _, err := tx.Exec(ctx, "INSERT INTO case_follow_up (case_id, cycle, due_on, done_on, unit_id) VALUES (?, ?, ?, ?, ?)",
				ids[v.caseIdx], max(v.cycle, 1), v.due, done, c.unit); err != nil {
				return err
			}
		}
		for _, r := range fd.referrals {
			var to any
			kind, name := "puskesmas", "Puskesmas Sidorejo Lor"
			if r.toUnit != 0 {
				to, kind, name = r.toUnit, "", ""
			}
			var closed any
			if r.status.Closed() {
				closed = r.due
			}
			c := fd.cases[r.caseIdx]
			if _, err := tx.Exec(ctx, `INSERT INTO case_referral (case_id, cycle, to_unit, agency_kind, agency_name, purpose,
				status, sent_at, due_at, closed_at) VALUES (?, ?, ?, ?, ?, 'uji', ?, ?, ?, ?)`,
				ids[r.caseIdx], max(c.cycle, 1), to, kind, name, string(r.status), r.due.Add(-7*24*time.Hour), r.due, closed); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// atWIB is a WIB wall-clock time, in UTC.
func atWIB(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, wib).UTC()
}

// The figures of a small unit, worked out by hand: stages, the period's
// counts and medians (odd, even and absent), what is overdue with its
// boundaries, and each worker's caseload; other units' cases count for
// nothing.
func TestFiguresOfAUnit(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		// now is 2026-11-23 10:00 WIB: assessments of cases opened before
		// 2026-11-16 00:00 WIB are overdue.
		sal, mks := w.worker.UnitID, w.makWkr.UnitID
		wk, col, sup := w.worker.ID, w.colleague.ID, w.sup.ID
		d := figData{cases: []figCase{
			/* 0 A */ {unit: sal, stage: casework.PendekatanAwal, opened: atWIB(2026, 11, 20, 9, 0), team: []int64{wk}},
			/* 1 B */ {unit: sal, stage: casework.Asesmen, assessment: casework.Draft, opened: atWIB(2026, 11, 10, 10, 0), team: []int64{wk}},
			/* 2 C */ {unit: sal, stage: casework.Asesmen, assessment: casework.Submitted, opened: atWIB(2026, 11, 15, 23, 30), team: []int64{wk, col}},
			/* 3 D */ {unit: sal, stage: casework.Asesmen, assessment: casework.Draft, opened: atWIB(2026, 11, 16, 0, 30), team: []int64{col}},
			/* 4 E */ {unit: sal, stage: casework.Intervensi, assessment: casework.Approved, plan: casework.Approved,
				opened: atWIB(2026, 3, 1, 23, 0), assessed: atWIB(2026, 3, 2, 8, 0), planned: atWIB(2026, 3, 10, 15, 0), team: []int64{wk}},
			/* 5 F */ {unit: sal, stage: casework.Terminasi, assessment: casework.Approved, plan: casework.Approved, termination: casework.Approved,
				opened: atWIB(2026, 2, 1, 8, 0), assessed: atWIB(2026, 2, 5, 8, 0), planned: atWIB(2026, 2, 11, 8, 0),
				closed: atWIB(2026, 3, 3, 16, 0), team: []int64{wk}},
			/* 6 G */ {unit: sal, stage: casework.Selesai, assessment: casework.Approved, plan: casework.Approved, termination: casework.Approved,
				opened: atWIB(2025, 12, 20, 8, 0), assessed: atWIB(2026, 1, 5, 8, 0), planned: atWIB(2026, 1, 8, 8, 0),
				closed: atWIB(2026, 2, 1, 8, 0), team: []int64{col}},
			/* 7 H */ {unit: sal, stage: casework.BimbinganLanjut, assessment: casework.Approved, plan: casework.Approved, termination: casework.Approved,
				opened: atWIB(2026, 5, 5, 8, 0), assessed: atWIB(2026, 5, 11, 8, 0), closed: atWIB(2026, 6, 24, 8, 0), team: []int64{wk}},
			/* 8 Makassar */ {unit: mks, stage: casework.Asesmen, assessment: casework.Submitted, opened: atWIB(2026, 1, 2, 8, 0),
				assessed: time.Time{}, team: []int64{w.makWkr.ID}},
		},
			visits: []figVisit{
				{caseIdx: 7, due: "2026-11-01"},                     // overdue
				{caseIdx: 7, due: "2026-11-23"},                     // due today: not yet overdue
				{caseIdx: 7, due: "2026-07-24", done: "2026-07-25"}, // made
				{caseIdx: 6, due: "2026-05-01"},                     // of a case whose follow-up ended
			},
			referrals: []figReferral{
				{caseIdx: 4, status: casework.RujukanDikirim, due: atWIB(2026, 11, 20, 9, 0)},              // sent, overdue
				{caseIdx: 4, status: casework.RujukanDikirim, due: atWIB(2026, 11, 23, 11, 0)},             // due in an hour
				{caseIdx: 4, status: casework.RujukanDiterima, due: atWIB(2026, 11, 1, 9, 0)},              // answered
				{caseIdx: 8, toUnit: sal, status: casework.RujukanDikirim, due: atWIB(2026, 11, 22, 9, 0)}, // received, overdue
				{caseIdx: 1, toUnit: mks, status: casework.RujukanDikirim, due: atWIB(2026, 11, 22, 9, 0)}, // sent to Makassar, overdue
			}}
		d.insert(t, w)

		f, err := w.store.Figures(ctx, w.sup, casework.FiguresQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if f.Unit.ID != sal || f.Unit.Name != "Dinas Sosial Kota Salatiga" || f.From != "2026-01-01" || f.To != "2026-11-23" || f.Today != "2026-11-23" {
			t.Errorf("unit and period: %+v %s..%s today %s", f.Unit, f.From, f.To, f.Today)
		}
		wantStages := []casework.StageCount{{Stage: casework.PendekatanAwal, Count: 1}, {Stage: casework.Asesmen, Count: 3},
			{Stage: casework.RencanaIntervensi}, {Stage: casework.Intervensi, Count: 1}, {Stage: casework.Resosialisasi},
			{Stage: casework.BimbinganLanjut, Count: 1}}
		if !slices.Equal(f.Stages, wantStages) || f.Open != 5 {
			t.Errorf("stages %v open %d, want %v open 5", f.Stages, f.Open, wantStages)
		}
		if f.Opened != 7 || f.Closed != 3 {
			t.Errorf("opened %d closed %d in the period, want 7 and 3", f.Opened, f.Closed)
		}
		// To assessment: E 1 day (23:00 to 08:00 the next WIB day), F 4,
		// H 6; to plan E 9, F 10; to closure F 30, H 50.
		checkMedian(t, "to assessment", f.Durations.ToAssessment, 3, f64(4))
		checkMedian(t, "to plan", f.Durations.ToPlan, 2, f64(9.5))
		checkMedian(t, "to closure", f.Durations.ToClosure, 2, f64(40))
		wantOverdue := casework.Overdue{Assessments: 2, FollowUps: 1, ReferralsSent: 2, ReferralsReceived: 1, AwaitingApproval: 1}
		if f.Overdue != wantOverdue {
			t.Errorf("overdue %+v, want %+v", f.Overdue, wantOverdue)
		}
		if f.Workers == nil {
			t.Fatal("a supervisor gets no caseload")
		}
		wantWorkers := []casework.WorkerLoad{
			{ID: wk, Name: "pekerja.sal", Role: access.Worker, Active: true, Open: 4, AssessmentsOverdue: 2},
			{ID: col, Name: "rekan.sal", Role: access.Worker, Active: true, Open: 2, AssessmentsOverdue: 1},
			{ID: sup, Name: "supervisor.sal", Role: access.Supervisor, Active: true},
		}
		if !slices.Equal(f.Workers.Items, wantWorkers) || f.Workers.Total != 3 || f.Workers.Page != 1 {
			t.Errorf("workers %+v", f.Workers)
		}

		// The period's days are WIB days, both included: E opened at 23:00
		// WIB on 1 March is in a period ending then, not in one starting on
		// the 2nd.
		f, err = w.store.Figures(ctx, w.sup, casework.FiguresQuery{From: "2026-03-01", To: "2026-03-01"})
		if err != nil {
			t.Fatal(err)
		}
		if f.Opened != 1 || f.Closed != 0 {
			t.Errorf("1 March: opened %d closed %d, want 1 and 0", f.Opened, f.Closed)
		}
		checkMedian(t, "1 March to assessment", f.Durations.ToAssessment, 1, f64(1))
		checkMedian(t, "1 March to closure", f.Durations.ToClosure, 0, nil)
		f, err = w.store.Figures(ctx, w.sup, casework.FiguresQuery{From: "2026-03-02", To: "2026-03-03"})
		if err != nil {
			t.Fatal(err)
		}
		if f.Opened != 0 || f.Closed != 1 || f.Durations.ToAssessment.Days != nil || f.Durations.ToAssessment.N != 0 {
			t.Errorf("2-3 March: opened %d closed %d durations %+v", f.Opened, f.Closed, f.Durations)
		}
		// Overdue and the stages do not depend on the period.
		if f.Overdue != wantOverdue || f.Open != 5 {
			t.Errorf("2-3 March: overdue %+v open %d", f.Overdue, f.Open)
		}
		// A page past the last holds no workers but says how many there are.
		if f, err = w.store.Figures(ctx, w.sup, casework.FiguresQuery{Page: 2}); err != nil || len(f.Workers.Items) != 0 || f.Workers.Total != 3 {
			t.Errorf("page 2: %+v %v", f.Workers, err)
		}

		// Aggregates for the region's planner, without the workers; the
		// admin names the unit and gets them.
		planner := access.User{ID: 999, Role: access.Planner, Region: "33.73"}
		if f, err = w.store.Figures(ctx, planner, casework.FiguresQuery{UnitID: sal}); err != nil || f.Workers != nil || f.Open != 5 {
			t.Errorf("planner: workers %+v open %d, %v", f.Workers, f.Open, err)
		}
		admin := access.User{ID: 998, Role: access.Admin}
		if f, err = w.store.Figures(ctx, admin, casework.FiguresQuery{UnitID: sal}); err != nil || f.Workers == nil || f.Workers.Total != 3 {
			t.Errorf("admin: %+v, %v", f.Workers, err)
		}
		if f, err = w.store.Figures(ctx, w.sup, casework.FiguresQuery{UnitID: sal}); err != nil || f.Unit.ID != sal {
			t.Errorf("supervisor naming their unit: %v", err)
		}

		// Refusals: bad days name their parameter (400); a unit out of
		// reach, or none at all, is 403 alike.
		for _, c := range []struct {
			name  string
			u     access.User
			q     casework.FiguresQuery
			kind  apperr.Kind
			field string
		}{
			{"malformed from", w.sup, casework.FiguresQuery{From: "1-3-2026"}, apperr.BadRequest, "from"},
			{"malformed to", w.sup, casework.FiguresQuery{To: "2026-02-30"}, apperr.BadRequest, "to"},
			{"from after to", w.sup, casework.FiguresQuery{From: "2026-03-02", To: "2026-03-01"}, apperr.BadRequest, "from"},
			{"a century", w.sup, casework.FiguresQuery{From: "1926-01-01"}, apperr.BadRequest, "to"},
			{"admin without a unit", admin, casework.FiguresQuery{}, apperr.BadRequest, "unit"},
			{"another unit's supervisor", w.sup, casework.FiguresQuery{UnitID: mks}, apperr.Forbidden, ""},
			{"a unit that does not exist", admin, casework.FiguresQuery{UnitID: 987654}, apperr.Forbidden, ""},
			{"planner of another city", planner, casework.FiguresQuery{UnitID: mks}, apperr.Forbidden, ""},
			{"worker", w.worker, casework.FiguresQuery{}, apperr.Forbidden, ""},
			{"worker naming their unit", w.worker, casework.FiguresQuery{UnitID: sal}, apperr.Forbidden, ""},
		} {
			_, err := w.store.Figures(ctx, c.u, c.q)
			e := apperr.As(err)
			if e == nil || e.Kind != c.kind || (c.field != "" && (len(e.Fields) != 1 || e.Fields[0].Field != c.field)) {
				t.Errorf("%s: %v, want kind %d naming %q", c.name, err, c.kind, c.field)
			}
		}
	})
}

func checkMedian(t *testing.T, name string, got casework.DaysMedian, n int, days *float64) {
	t.Helper()
	if got.N != n || (got.Days == nil) != (days == nil) || (days != nil && *got.Days != *days) {
		t.Errorf("%s: n %d median %v, want n %d median %v", name, got.N, show(got.Days), n, show(days))
	}
}

// The store's steps set the times the figures read: a case taken through
// assessment, plan and terminasi by the store itself.
func TestFiguresFollowTheStore(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		start := w.now                                                                    // 2026-11-23 10:00 WIB
		terminated(t, w, casework.TujuanTercapai, start.Add(3*24*time.Hour+15*time.Hour)) // 27 Nov 01:00 WIB
		w.now = start.Add(5 * 24 * time.Hour)
		f, err := w.store.Figures(ctx, w.sup, casework.FiguresQuery{From: "2026-11-23"})
		if err != nil {
			t.Fatal(err)
		}
		checkMedian(t, "to assessment", f.Durations.ToAssessment, 1, f64(0))
		checkMedian(t, "to plan", f.Durations.ToPlan, 1, f64(0))
		checkMedian(t, "to closure", f.Durations.ToClosure, 1, f64(4))
		if f.Opened != 1 || f.Closed != 1 || f.Open != 0 || f.Stages[len(f.Stages)-1].Count != 1 {
			t.Errorf("opened %d closed %d open %d stages %v", f.Opened, f.Closed, f.Open, f.Stages)
		}
	})
}

// Each median reads its index of days, for the MIN steps and the counts
// alike: migration 00011 holds the very expressions of the queries, which
// the engines match as written.
func TestFiguresUseTheirIndexes(t *testing.T) {
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			d := dbtest.Open(t, engine)
			for col, index := range map[string]string{"assessed_at": "case_file_days_to_assessment",
				"planned_at": "case_file_days_to_plan", "closed_at": "case_file_days_to_closure"} {
				q := casework.MedianQuery(d.Dialect(), col)
				args := []any{1, 1, 1, time.Now().AddDate(-1, 0, 0), time.Now()}
				var plan strings.Builder
				if d.Dialect() == db.Postgres {
					conn, err := d.SQL().Conn(ctx)
					if err != nil {
						t.Fatal(err)
					}
					defer conn.Close()
					// The generic plan, as pgx's prepared statements run it
					// (db.Open sets force_generic_plan).
					for _, stmt := range []string{"SET plan_cache_mode = force_generic_plan",
						"PREPARE figq AS " + db.Rebind(db.Postgres, q)} {
						if _, err := conn.ExecContext(ctx, stmt); err != nil {
							t.Fatal(err)
						}
					}
					rows, err := conn.QueryContext(ctx, "EXPLAIN EXECUTE figq(1, 1, 1, '2025-01-01', '2026-01-01')")
					if err != nil {
						t.Fatal(err)
					}
					for rows.Next() {
						var line string
						if err := rows.Scan(&line); err != nil {
							t.Fatal(err)
						}
						plan.WriteString(line + "\n")
					}
					rows.Close()
					if _, err := conn.ExecContext(ctx, "DEALLOCATE figq"); err != nil {
						t.Fatal(err)
					}
				} else {
					rows, err := d.Query(ctx, "EXPLAIN QUERY PLAN "+q, args...)
					if err != nil {
						t.Fatal(err)
					}
					for rows.Next() {
						var id, parent, unused int
						var detail string
						if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
							t.Fatal(err)
						}
						plan.WriteString(detail + "\n")
					}
					rows.Close()
				}
				// The MIN steps and the counts: no read of case_file but
				// through the index. (PostgreSQL's EXPLAIN of an empty table
				// leaves the recursive step's subquery out.)
				if n := strings.Count(plan.String(), index); n < 2 || strings.Contains(plan.String(), "Seq Scan") ||
					strings.Contains(plan.String(), "Bitmap") || strings.Contains(plan.String(), "SCAN case_file") {
					t.Errorf("%s: the plan names %s %d times:\n%s", col, index, n, plan.String())
				}
			}
		})
	}
}

// On the same data, drawn at random with times on and around WIB midnight
// and to the microsecond, both engines give the same figures, and they are
// the figures worked out here in Go from the data.
func TestFiguresSameOnBothEngines(t *testing.T) {
	var results []casework.Figures
	for _, engine := range dbtest.Engines(t) {
		w := newWorld(t, engine)
		users := []access.User{w.worker, w.colleague, w.sup}
		d := randomFigData(w, users)
		d.insert(t, w)
		q := casework.FiguresQuery{From: "2025-06-01", To: "2026-10-31"}
		want := d.expect(w, users, q)
		var got casework.Figures
		for page := 1; ; page++ {
			q.Page = page
			f, err := w.store.Figures(ctx, w.sup, q)
			if err != nil {
				t.Fatalf("%s: %v", engine, err)
			}
			if page == 1 {
				got = f
			} else {
				got.Workers.Items = append(got.Workers.Items, f.Workers.Items...)
			}
			if page >= f.Workers.Pages() {
				break
			}
		}
		got.Workers.Page = 1
		if !reflect.DeepEqual(got, want) {
			g, _ := json.MarshalIndent(got, "", " ")
			x, _ := json.MarshalIndent(want, "", " ")
			t.Errorf("%s: figures\n%s\nwant\n%s", engine, g, x)
		}
		results = append(results, got)
	}
	for _, r := range results[1:] {
		if !reflect.DeepEqual(r, results[0]) {
			t.Errorf("the engines differ")
		}
	}
}

// randomFigData draws 600 cases of the Salatiga unit (and some of
// Makassar's) with their visits and referrals.
func randomFigData(w *world, users []access.User) figData {
	r := rand.New(rand.NewPCG(7, 11))
	sal, mks := w.worker.UnitID, w.makWkr.UnitID
	// Times near WIB midnight (17:00 UTC) are the ones where a day is
	// easily miscounted.
	at := func(base time.Time, maxDays int) time.Time {
		day := base.Add(time.Duration(r.IntN(maxDays+1)) * 24 * time.Hour)
		d := time.Date(day.Year(), day.Month(), day.Day(), 17, 0, 0, 0, time.UTC)
		switch r.IntN(4) {
		case 0:
			return d // exactly midnight WIB
		case 1:
			return d.Add(-time.Duration(1+r.IntN(120e6)) * time.Microsecond) // a little before
		case 2:
			return d.Add(time.Duration(r.IntN(120e6)) * time.Microsecond) // a little after
		}
		return d.Add(time.Duration(r.Int64N(86400e6)) * time.Microsecond)
	}
	stages := casework.Stages
	var fd figData
	for i := range 600 {
		c := figCase{unit: sal, cycle: 1}
		if i%10 == 9 {
			c.unit = mks
		}
		c.opened = at(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), 690)
		c.stage = stages[r.IntN(len(stages))]
		switch c.stage {
		case casework.PendekatanAwal:
		case casework.Asesmen:
			c.assessment = []casework.Review{casework.Draft, casework.Submitted, casework.Returned}[r.IntN(3)]
			if r.IntN(5) == 0 {
				c.cycle = 2 // reopened
			}
		default:
			c.assessment, c.assessed = casework.Approved, at(c.opened, 20)
			if c.stage != casework.RencanaIntervensi || r.IntN(2) == 0 {
				c.planned = at(c.assessed, 15)
				c.plan = casework.Approved
			} else {
				c.plan = []casework.Review{casework.None, casework.Draft, casework.Submitted}[r.IntN(3)]
			}
			if !c.stage.Open() {
				if c.planned.IsZero() {
					c.planned, c.plan = at(c.assessed, 15), casework.Approved
				}
				c.closed, c.termination = at(c.planned, 200), casework.Approved
			} else if c.stage == casework.Resosialisasi && r.IntN(3) == 0 {
				c.termination = casework.Submitted
			}
		}
		if c.unit == mks {
			c.team = []int64{w.makWkr.ID}
		} else {
			c.team = []int64{users[r.IntN(len(users))].ID}
			if r.IntN(4) == 0 {
				other := users[r.IntN(len(users))].ID
				if other != c.team[0] {
					c.team = append(c.team, other)
				}
			}
		}
		fd.cases = append(fd.cases, c)
		if c.stage == casework.BimbinganLanjut || c.stage == casework.Selesai {
			closed := c.closed.In(wib)
			for k, months := range []int{1, 3, 6} {
				v := figVisit{caseIdx: i, cycle: c.cycle, due: closed.AddDate(0, months, 0).Format(time.DateOnly)}
				if c.stage == casework.Selesai || r.IntN(3) > 0 {
					v.done = v.due
				}
				if k == 2 && r.IntN(5) == 0 {
					v.cycle = c.cycle + 1 // of a later cycle: ignored
				}
				fd.visits = append(fd.visits, v)
			}
		}
		if r.IntN(6) == 0 {
			ref := figReferral{caseIdx: i, status: casework.ReferralStatuses[r.IntN(len(casework.ReferralStatuses))],
				due: at(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), 80)}
			if r.IntN(2) == 0 {
				ref.toUnit = sal
				if c.unit == sal {
					ref.toUnit = mks
				}
			}
			fd.referrals = append(fd.referrals, ref)
		}
	}
	return fd
}

// wibDay is the WIB day of t as a day count.
func wibDay(t time.Time) int {
	l := t.In(wib)
	return int(time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// expect works the figures out in Go, the slow way.
func (fd figData) expect(w *world, users []access.User, q casework.FiguresQuery) casework.Figures {
	sal := w.sup.UnitID
	now := w.now
	today := now.In(wib).Format(time.DateOnly)
	from, _ := time.ParseInLocation(time.DateOnly, q.From, wib)
	to, _ := time.ParseInLocation(time.DateOnly, q.To, wib)
	end := to.AddDate(0, 0, 1)
	todayStart, _ := time.ParseInLocation(time.DateOnly, today, wib)
	assessBy := todayStart.AddDate(0, 0, -casework.DefaultAssessmentDays)
	f := casework.Figures{Unit: casework.FiguresUnit{ID: sal, Name: "Dinas Sosial Kota Salatiga"}, From: q.From, To: q.To, Today: today}
	stage := map[casework.Stage]int{}
	var toAssess, toPlan, toClose []int
	load := map[int64]*casework.WorkerLoad{}
	for _, u := range users {
		load[u.ID] = &casework.WorkerLoad{ID: u.ID, Name: u.FullName, Role: u.Role, Active: true}
	}
	in := func(t time.Time) bool { return !t.IsZero() && !t.Before(from) && t.Before(end) }
	for _, c := range fd.cases {
		if c.unit != sal {
			continue
		}
		stage[c.stage]++
		if c.stage.Open() {
			f.Open++
		}
		if in(c.opened) {
			f.Opened++
			if !c.assessed.IsZero() {
				toAssess = append(toAssess, wibDay(c.assessed)-wibDay(c.opened))
			}
			if !c.planned.IsZero() {
				toPlan = append(toPlan, wibDay(c.planned)-wibDay(c.opened))
			}
			if !c.closed.IsZero() {
				toClose = append(toClose, wibDay(c.closed)-wibDay(c.opened))
			}
		}
		if in(c.closed) {
			f.Closed++
		}
		late := c.closed.IsZero() && c.assessment != casework.Approved && c.opened.Before(assessBy)
		if late {
			f.Overdue.Assessments++
		}
		if c.assessment == casework.Submitted || c.plan == casework.Submitted || c.termination == casework.Submitted {
			f.Overdue.AwaitingApproval++
		}
		if c.closed.IsZero() {
			for _, id := range c.team {
				load[id].Open++
				if late {
					load[id].AssessmentsOverdue++
				}
			}
		}
	}
	for _, st := range casework.CountedStages {
		f.Stages = append(f.Stages, casework.StageCount{Stage: st, Count: stage[st]})
	}
	median := func(xs []int) casework.DaysMedian {
		slices.Sort(xs)
		return casework.DaysMedian{N: len(xs), Days: casework.Median(histogram(xs))}
	}
	f.Durations = casework.Durations{ToAssessment: median(toAssess), ToPlan: median(toPlan), ToClosure: median(toClose)}
	for _, v := range fd.visits {
		c := fd.cases[v.caseIdx]
		if c.unit == sal && v.done == "" && v.due < today && c.stage == casework.BimbinganLanjut && max(v.cycle, 1) == c.cycle {
			f.Overdue.FollowUps++
		}
	}
	for _, r := range fd.referrals {
		if r.status != casework.RujukanDikirim || !r.due.Before(now) {
			continue
		}
		if fd.cases[r.caseIdx].unit == sal {
			f.Overdue.ReferralsSent++
		}
		if r.toUnit == sal {
			f.Overdue.ReferralsReceived++
		}
	}
	f.Workers = &casework.WorkerPage{Total: len(users), Page: 1, Size: casework.FiguresWorkersPage}
	sorted := slices.Clone(users)
	slices.SortFunc(sorted, func(a, b access.User) int {
		if a.FullName < b.FullName {
			return -1
		}
		if a.FullName > b.FullName {
			return 1
		}
		return int(a.ID - b.ID)
	})
	for _, u := range sorted {
		f.Workers.Items = append(f.Workers.Items, *load[u.ID])
	}
	return f
}

package casework

// A unit's case figures (issue 5, point 7): how many cases stand in each
// stage, each worker's caseload, how long cases take to be assessed, planned
// and closed, and what is overdue, for a period. They are counts and
// medians, never a person: a supervisor sees them with the caseload of each
// of their workers; the roles that see aggregates of a region (planner,
// verifier, national viewer) see the unit's counts without the workers.
//
// Every figure is a range of an index (migration 00011) or a bounded set: a
// sentra holds 500,000 cases, and nothing here reads them all or sorts
// them. A median is found from the database's histogram of the days, read
// in the order of an index on them (medianQuery): a few hundred rows,
// however many cases, and no case ever reaches Go. The queries are
// independent and run a few at a time, so a call takes about as long as its
// longest query.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/wilayah"
)

// FiguresQuery asks for a unit's figures.
type FiguresQuery struct {
	// UnitID is the unit; 0 means the caller's own (a supervisor's). Other
	// roles name one in their scope.
	UnitID int64
	// From and To are the period, WIB days YYYY-MM-DD, both included. An
	// empty From is 1 January of the current year, an empty To today.
	From, To string
	// Page is the page of the workers' caseload, from 1.
	Page int
}

// FiguresWorkersPage is how many workers a page of caseload holds: a sentra
// has thousands, each of whose caseload costs a range of case_team.
const FiguresWorkersPage = 50

// Figures are a unit's case figures.
type Figures struct {
	Unit      FiguresUnit  `json:"unit"`
	From      string       `json:"from"`  // the period's first WIB day
	To        string       `json:"to"`    // and its last, included
	Today     string       `json:"today"` // the WIB day "overdue" is reckoned on
	Stages    []StageCount `json:"stages"`
	Open      int          `json:"open"`   // cases open now (the first five stages)
	Opened    int          `json:"opened"` // cases opened in the period
	Closed    int          `json:"closed"` // cases closed (terminasi approved) in the period
	Durations Durations    `json:"durations"`
	Overdue   Overdue      `json:"overdue"`
	// Workers is the caseload of each worker and supervisor of the unit, a
	// page at a time; nil for the roles that see aggregates only.
	Workers *WorkerPage `json:"workers,omitempty"`
}

// FiguresUnit names the unit the figures are of.
type FiguresUnit struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// StageCount is how many cases stand in a stage now.
type StageCount struct {
	Stage Stage `json:"stage"`
	Count int   `json:"count"`
}

// CountedStages are the stages whose cases are being worked on: the open
// ones and bimbingan lanjut (closed, with visits to make). Cases that ended
// are counted by the period (Figures.Closed): all of a unit's years would
// be a long count for a number nobody acts on.
var CountedStages = []Stage{PendekatanAwal, Asesmen, RencanaIntervensi, Intervensi, Resosialisasi, BimbinganLanjut}

// Durations are the medians, in WIB calendar days, from a case's opening to
// the approval of its assessment, of its first plan, and to its closure,
// over the cases of the unit opened in the period that got there.
type Durations struct {
	ToAssessment DaysMedian `json:"to_assessment"`
	ToPlan       DaysMedian `json:"to_plan"`
	ToClosure    DaysMedian `json:"to_closure"`
}

// DaysMedian is the median of N numbers of days; Days is absent when N is
// 0 (a median of nothing is not 0 days).
type DaysMedian struct {
	N    int      `json:"n"`
	Days *float64 `json:"days,omitempty"`
}

// Overdue counts what is late today.
type Overdue struct {
	// Assessments: open cases without an approved assessment
	// DefaultAssessmentDays after they opened (as the work view marks
	// them), a submitted one waiting for its approval included.
	Assessments int `json:"assessments"`
	// FollowUps: bimbingan lanjut visits due before today and not recorded.
	FollowUps int `json:"follow_ups"`
	// ReferralsSent: referrals of the unit's cases past their due time
	// without an answer; ReferralsReceived: those sent to the unit.
	ReferralsSent     int `json:"referrals_sent"`
	ReferralsReceived int `json:"referrals_received"`
	// AwaitingApproval: cases with an assessment, plan or terminasi
	// submitted and not yet approved or returned.
	AwaitingApproval int `json:"awaiting_approval"`
}

// WorkerPage is a page of the unit's workers' caseload, by name.
type WorkerPage struct {
	Items []WorkerLoad `json:"items"`
	Total int          `json:"total"`
	Page  int          `json:"page"`
	Size  int          `json:"size"`
}

// WorkerLoad is one worker's caseload: the open cases whose team they are
// on, and how many of those are overdue for assessment.
type WorkerLoad struct {
	ID                 int64       `json:"id"`
	Name               string      `json:"name"`
	Role               access.Role `json:"role"`
	Active             bool        `json:"active"`
	Open               int         `json:"open"`
	AssessmentsOverdue int         `json:"assessments_overdue"`
}

// FiguresReach is what a user may see of a unit's figures.
type FiguresReach int

const (
	FiguresNone       FiguresReach = iota // nothing: the unit is out of reach
	FiguresAggregates                     // the counts and medians
	FiguresAll                            // and each worker's caseload
)

// FiguresReachOf says what u may see of the figures of a unit (by id and
// region). A supervisor (kepala unit) sees their own unit's, with each
// worker's caseload; an admin those of the units they administer, also
// with the caseload (they manage the accounts). Planners, verifiers and
// national viewers see aggregates of their region (DESIGN.md: "aggregates
// only, no personal data"), so the counts of a unit in it, but not who
// carries which load. A pekerja sosial sees their own cases in the work
// view, not the unit's figures.
func FiguresReachOf(u access.User, unitID int64, unitRegion wilayah.Code) FiguresReach {
	if unitID == 0 {
		return FiguresNone
	}
	switch u.Role {
	case access.Supervisor:
		if u.UnitID == unitID {
			return FiguresAll
		}
	case access.Admin:
		if u.Scope().CoversUnit(unitID, unitRegion) {
			return FiguresAll
		}
	case access.Planner, access.Verifier, access.National:
		// By the region alone: a unit of another region is not theirs even
		// if the scope named it.
		if sc := u.Scope(); sc.All || (unitRegion != "" && sc.CoversRegion(unitRegion)) {
			return FiguresAggregates
		}
	}
	return FiguresNone
}

// DayCount is a bar of a histogram: N cases took Days days.
type DayCount struct {
	Days, N int
}

// Median returns the median of the values a histogram counts, its bars in
// ascending order of Days: the middle value, or the mean of the middle two;
// nil when it counts nothing (a median of nothing is not 0 days).
func Median(h []DayCount) *float64 {
	n := 0
	for _, b := range h {
		n += b.N
	}
	if n == 0 {
		return nil
	}
	// The values at ranks lo and hi (from 0) of the sorted values: the same
	// one when n is odd.
	lo, hi := (n-1)/2, n/2
	var a, b int
	seen := 0
	for _, bar := range h {
		if seen <= lo && lo < seen+bar.N {
			a = bar.Days
		}
		if seen <= hi && hi < seen+bar.N {
			b = bar.Days
			break
		}
		seen += bar.N
	}
	m := (float64(a) + float64(b)) / 2
	return &m
}

// wibDays is the SQL of the number of WIB calendar days from the time in
// column a to the time in column b: a case opened at 23:00 and assessed at
// 08:00 the next morning took one day, as a worker counts. Whole days are
// exact on both engines, so both give the same figures (fractions of
// julianday and of PostgreSQL's epoch differ in their last digits). Each
// engine has its own exact way, the one place the queries differ: SQLite's
// integer seconds since 1970 shifted to WIB and divided by a day (every
// time is after 1970, where integer division is the floor), PostgreSQL's
// WIB dates subtracted (immutable, so it can be indexed). The indexes
// case_file_days_to_* of migration 00011 hold these very expressions, for
// opened_at and each of assessed_at, planned_at and closed_at: change one,
// change both.
func wibDays(d db.Dialect, a, b string) string {
	if d == db.Postgres {
		return fmt.Sprintf("(CAST((%[2]s AT TIME ZONE 'UTC') + INTERVAL '7 hours' AS DATE) - "+
			"CAST((%[1]s AT TIME ZONE 'UTC') + INTERVAL '7 hours' AS DATE))", a, b)
	}
	return fmt.Sprintf("((unixepoch(%[2]s) + 25200) / 86400 - (unixepoch(%[1]s) + 25200) / 86400)", a, b)
}

// maxFiguresDays bounds a period: ten years cover any report; a longer one
// is a typing error.
const maxFiguresDays = 3660

// period reads the query's days: the WIB day from, the day after to (the
// end, excluded), and today, or an error naming the parameter.
func (q FiguresQuery) period(now time.Time) (from, end, today time.Time, err error) {
	n := now.In(wib)
	today = time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, wib)
	from, to := time.Date(n.Year(), 1, 1, 0, 0, 0, 0, wib), today
	if q.From != "" {
		if from, err = time.ParseInLocation(dayLayout, q.From, wib); err != nil {
			return from, end, today, apperr.BadParam("from", "field.date_format")
		}
	}
	if q.To != "" {
		if to, err = time.ParseInLocation(dayLayout, q.To, wib); err != nil {
			return from, end, today, apperr.BadParam("to", "field.date_format")
		}
	}
	if from.After(to) {
		return from, end, today, apperr.BadParam("from", "figures.period_order")
	}
	if to.Sub(from) > maxFiguresDays*24*time.Hour {
		return from, end, today, apperr.BadParam("to", "figures.period_too_long", maxFiguresDays/366)
	}
	return from, to.AddDate(0, 0, 1), today, nil
}

var errFiguresOutOfReach = apperr.New(apperr.Forbidden, "figures.unit_out_of_reach")

// Figures returns the figures of a unit for a period, as u may see them.
// Bad days are a 400 naming the parameter; a unit out of u's reach, or one
// that does not exist, is refused alike (403), so that ids cannot be probed.
func (s *Store) Figures(ctx context.Context, u access.User, q FiguresQuery) (Figures, error) {
	if q.UnitID == 0 {
		if u.Role != access.Supervisor {
			if u.Role == access.Worker {
				return Figures{}, apperr.New(apperr.Forbidden, "error.forbidden")
			}
			return Figures{}, apperr.BadParam("unit", "figures.unit_required")
		}
		q.UnitID = u.UnitID
	}
	if q.UnitID < 0 {
		return Figures{}, apperr.BadParam("unit", "field.number")
	}
	now := s.now()
	from, end, today, err := q.period(now)
	if err != nil {
		return Figures{}, err
	}
	f := Figures{From: from.Format(dayLayout), To: end.AddDate(0, 0, -1).Format(dayLayout), Today: today.Format(dayLayout)}
	var region string
	err = db.Err(s.DB.QueryRow(ctx, "SELECT name, region_code FROM unit WHERE id = ?", q.UnitID).Scan(&f.Unit.Name, &region))
	if errors.Is(err, db.ErrNotFound) {
		return Figures{}, errFiguresOutOfReach
	}
	if err != nil {
		return Figures{}, err
	}
	f.Unit.ID = q.UnitID
	reach := FiguresReachOf(u, q.UnitID, wilayah.Code(region))
	if reach == FiguresNone {
		return Figures{}, errFiguresOutOfReach
	}
	fr := figuresRun{q: s.DB, unit: q.UnitID, from: from.UTC(), end: end.UTC(), now: now,
		today: today.Format(dayLayout), assessBy: today.AddDate(0, 0, -DefaultAssessmentDays).UTC()}
	// Each step fills its own fields of f.
	d := &f.Durations
	steps := []func(context.Context) error{
		func(ctx context.Context) error { return fr.median(ctx, "assessed_at", &d.ToAssessment) },
		func(ctx context.Context) error { return fr.median(ctx, "planned_at", &d.ToPlan) },
		func(ctx context.Context) error { return fr.median(ctx, "closed_at", &d.ToClosure) },
		func(ctx context.Context) error { return fr.stages(ctx, &f) },
		func(ctx context.Context) error { return fr.period(ctx, &f) },
		func(ctx context.Context) error { return fr.overdue(ctx, &f.Overdue) },
	}
	if reach == FiguresAll {
		page := min(max(q.Page, 1), 1_000_000_000) // the offset cannot overflow
		steps = append(steps, func(ctx context.Context) error {
			var err error
			f.Workers, err = fr.workers(ctx, page)
			return err
		})
	}
	if err := runSome(ctx, figuresAtOnce, steps); err != nil {
		return Figures{}, err
	}
	return f, nil
}

// figuresAtOnce is how many of a call's queries run at the same time, each
// on a connection of its own: the medians of a large unit take tens of
// milliseconds each, and one call should not hold the whole pool.
const figuresAtOnce = 3

// runSome runs the steps, at most n at a time, and returns the first error;
// once one failed, the steps not yet started are not.
func runSome(ctx context.Context, n int, steps []func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	slots := make(chan struct{}, n)
	for _, step := range steps {
		slots <- struct{}{}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-slots }()
			if err := step(ctx); err != nil {
				mu.Lock()
				if first == nil {
					first = err
					cancel()
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if first == nil {
		first = ctx.Err() // the caller's context ended
	}
	return first
}

// figuresRun is one reading of a unit's figures.
type figuresRun struct {
	q         db.Q
	unit      int64
	from, end time.Time // the period, UTC, end excluded
	now       time.Time
	today     string    // YYYY-MM-DD in WIB
	assessBy  time.Time // a case opened before this and not assessed is overdue
}

// stagesIn is CountedStages as an SQL list of literals (the stages are our
// own constants).
var stagesIn = func() string {
	parts := make([]string, len(CountedStages))
	for i, st := range CountedStages {
		parts[i] = "'" + string(st) + "'"
	}
	return strings.Join(parts, ", ")
}()

// stages counts the cases of each counted stage: ranges of case_file_unit
// (unit, stage, id), read without the table.
func (fr figuresRun) stages(ctx context.Context, f *Figures) error {
	rows, err := fr.q.Query(ctx, "SELECT stage, COUNT(*) FROM case_file WHERE unit_id = ? AND stage IN ("+stagesIn+
		") GROUP BY stage", fr.unit)
	if err != nil {
		return err
	}
	defer rows.Close()
	n := map[Stage]int{}
	for rows.Next() {
		var st Stage
		var k int
		if err := rows.Scan(&st, &k); err != nil {
			return db.Err(err)
		}
		n[st] = k
	}
	if err := rows.Err(); err != nil {
		return err
	}
	f.Stages = make([]StageCount, 0, len(CountedStages))
	for _, st := range CountedStages {
		f.Stages = append(f.Stages, StageCount{Stage: st, Count: n[st]})
		if st.Open() {
			f.Open += n[st]
		}
	}
	return nil
}

// period counts the cases opened in the period, in one range of
// case_file_unit_opened, and those closed in it, in one range of
// case_file_unit_closed.
func (fr figuresRun) period(ctx context.Context, f *Figures) error {
	err := fr.q.QueryRow(ctx, "SELECT COUNT(*) FROM case_file WHERE unit_id = ? AND opened_at >= ? AND opened_at < ?",
		fr.unit, fr.from, fr.end).Scan(&f.Opened)
	if err != nil {
		return db.Err(err)
	}
	return db.Err(fr.q.QueryRow(ctx, "SELECT COUNT(*) FROM case_file WHERE unit_id = ? AND closed_at >= ? AND closed_at < ?",
		fr.unit, fr.from, fr.end).Scan(&f.Closed))
}

// medianQuery is the histogram of the days from opening to the time in col
// (assessed_at, planned_at, closed_at) of a unit's cases opened in a
// period: a row per number of days (v) with how many cases took it. The
// numbers of days the unit's cases ever took are walked one by one (each
// the MIN past the last, one step of case_file_days_to_*), and each is
// counted over the period's range of openings in that index: the period's
// cases are read once, in index order, and nothing is sorted (a GROUP BY
// sorted every case of the period: a second at 500,000 cases on SQLite).
// Arguments: unit, unit, unit, from, end.
func medianQuery(d db.Dialect, col string) string {
	days := wibDays(d, "opened_at", col)
	has := "unit_id = ? AND " + col + " IS NOT NULL"
	return fmt.Sprintf(`WITH RECURSIVE d (v) AS (
		SELECT MIN(%[1]s) FROM case_file WHERE %[2]s
		UNION ALL
		SELECT (SELECT MIN(%[1]s) FROM case_file WHERE %[2]s AND %[1]s > d.v) FROM d WHERE d.v IS NOT NULL)
		SELECT v, (SELECT COUNT(*) FROM case_file WHERE %[2]s AND %[1]s = d.v AND opened_at >= ? AND opened_at < ?)
		FROM d WHERE v IS NOT NULL ORDER BY v`, days, has)
}

// median reads the histogram of medianQuery and takes its median: Go reads
// a row per number of days, never a case.
func (fr figuresRun) median(ctx context.Context, col string, out *DaysMedian) error {
	rows, err := fr.q.Query(ctx, medianQuery(fr.q.Dialect(), col), fr.unit, fr.unit, fr.unit, fr.from, fr.end)
	if err != nil {
		return err
	}
	defer rows.Close()
	var h []DayCount
	for rows.Next() {
		var b DayCount
		if err := rows.Scan(&b.Days, &b.N); err != nil {
			return db.Err(err)
		}
		h = append(h, b)
		out.N += b.N
	}
	if err := rows.Err(); err != nil {
		return err
	}
	out.Days = Median(h)
	return nil
}

// overdue counts what is late, each in one range of an index:
// case_file_unassessed, case_follow_up_unit_due (each visit checked
// against its case's cycle and stage, as the work view does),
// case_referral_unanswered (the deployment's overdue unanswered referrals,
// a set the escalation job keeps small), case_referral_to and
// case_file_awaiting. A visit's or a referral's case is looked up by a
// subquery, one key each: as a join, PostgreSQL's generic plan guessed a
// third of the visits overdue and read every case in bimbingan lanjut.
func (fr figuresRun) overdue(ctx context.Context, o *Overdue) error {
	for _, c := range []struct {
		query string
		args  []any
		out   *int
	}{
		{`SELECT COUNT(*) FROM case_file WHERE unit_id = ? AND closed_at IS NULL AND assessment_review <> 'disetujui'
			AND opened_at < ?`, []any{fr.unit, fr.assessBy}, &o.Assessments},
		{`SELECT COUNT(*) FROM case_follow_up f WHERE f.unit_id = ? AND f.done_on IS NULL AND f.due_on < ?
			AND (SELECT c.stage FROM case_file c WHERE c.id = f.case_id AND c.cycle = f.cycle) = 'bimbingan_lanjut'`,
			[]any{fr.unit, fr.today}, &o.FollowUps},
		{`SELECT COUNT(*) FROM case_referral r WHERE r.status = 'dikirim' AND r.due_at < ?
			AND (SELECT c.unit_id FROM case_file c WHERE c.id = r.case_id) = ?`, []any{fr.now, fr.unit}, &o.ReferralsSent},
		{`SELECT COUNT(*) FROM case_referral WHERE to_unit = ? AND status = 'dikirim' AND due_at < ?`,
			[]any{fr.unit, fr.now}, &o.ReferralsReceived},
		{`SELECT COUNT(*) FROM case_file WHERE unit_id = ?
			AND (assessment_review = 'diajukan' OR plan_review = 'diajukan' OR termination_review = 'diajukan')`,
			[]any{fr.unit}, &o.AwaitingApproval},
	} {
		if err := fr.q.QueryRow(ctx, c.query, c.args...).Scan(c.out); err != nil {
			return db.Err(err)
		}
	}
	return nil
}

// workers reads a page of the unit's workers and supervisors by name, each
// with their open team cases: one range of case_team_user per worker, each
// case looked up by its key, so a page costs its workers' caseloads.
func (fr figuresRun) workers(ctx context.Context, page int) (*WorkerPage, error) {
	p := &WorkerPage{Items: []WorkerLoad{}, Page: page, Size: FiguresWorkersPage}
	err := fr.q.QueryRow(ctx, "SELECT COUNT(*) FROM app_user WHERE unit_id = ? AND role IN ('worker', 'supervisor')",
		fr.unit).Scan(&p.Total)
	if err != nil {
		return nil, db.Err(err)
	}
	offset := (page - 1) * FiguresWorkersPage
	if offset >= p.Total {
		return p, nil
	}
	rows, err := fr.q.Query(ctx, `SELECT w.id, w.full_name, w.role, w.active, COUNT(c.id),
		COALESCE(SUM(CASE WHEN c.assessment_review <> 'disetujui' AND c.opened_at < ? THEN 1 ELSE 0 END), 0)
		FROM (SELECT id, full_name, role, active FROM app_user WHERE unit_id = ? AND role IN ('worker', 'supervisor')
			ORDER BY full_name, id LIMIT ? OFFSET ?) w
		LEFT JOIN case_team t ON t.user_id = w.id
		LEFT JOIN case_file c ON c.id = t.case_id AND c.closed_at IS NULL AND c.unit_id = ?
		GROUP BY w.id, w.full_name, w.role, w.active ORDER BY w.full_name, w.id`,
		fr.assessBy, fr.unit, FiguresWorkersPage, offset, fr.unit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var w WorkerLoad
		if err := rows.Scan(&w.ID, &w.Name, &w.Role, &w.Active, &w.Open, &w.AssessmentsOverdue); err != nil {
			return nil, db.Err(err)
		}
		p.Items = append(p.Items, w)
	}
	return p, rows.Err()
}

// Pages is how many pages the caseload has.
func (p *WorkerPage) Pages() int {
	if p == nil || p.Total == 0 {
		return 1
	}
	return (p.Total + p.Size - 1) / p.Size
}

package casework

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/db"
)

// Work is "Pekerjaan saya" (issue 5, point 7): what waits for a worker
// today and, for a supervisor, also what waits of the whole unit.
type Work struct {
	Tasks []Task
	// MoreApprovals: the unit has more submissions waiting than the
	// oldest maxWaiting listed (the case list's Waiting filter has them all).
	MoreApprovals bool
	FollowUps     []DueFollowUp
	// MoreFollowUps: the unit has more visits due than the oldest
	// maxWaiting listed.
	MoreFollowUps bool
}

// The work view is read in one statement for a worker and two for a
// supervisor: under load each round trip to the database costs the view
// more than the rows it reads. A worker's statement walks their team once
// (case_team_user) for both the cases that make a task and the visits due
// of the cases in bimbingan lanjut; a supervisor's second reads the unit's
// oldest submissions (case_file_awaiting) and visits due
// (case_follow_up_unit_due). Every row is a case (itemColumns) and, for a
// visit, the visit's id, cycle, due day and version; the others carry
// NULLs of the same types, so that the halves of a UNION agree on both
// engines.
const (
	visitColumns = "f.id, f.cycle, f.due_on, f.version"
	noVisit      = "CAST(NULL AS BIGINT), CAST(NULL AS INTEGER), CAST(NULL AS TEXT), CAST(NULL AS INTEGER)"
	// maxTeamRows bounds the team's rows: tasks (maxTasks) and visits.
	maxTeamRows = 2 * maxTasks
)

var (
	// The inner query picks the rows by the case and visit columns alone;
	// only they are then read with their person. (Its LIMIT keeps both
	// engines from flattening it: joined first, the person of every team
	// case was read, most of them for nothing.)
	teamWork = fmt.Sprintf(`SELECT %s, %s FROM (SELECT t.case_id AS id, f.id AS visit FROM case_team t
			JOIN case_file c ON c.id = t.case_id
			LEFT JOIN case_follow_up f ON f.case_id = c.id AND f.cycle = c.cycle AND c.stage = 'bimbingan_lanjut'
				AND f.done_on IS NULL AND f.due_on <= ?
			WHERE t.user_id = ? AND ((c.closed_at IS NULL AND %s) OR f.id IS NOT NULL)
			ORDER BY t.case_id, f.due_on, f.id LIMIT %d) x
		JOIN case_file c ON c.id = x.id JOIN person p ON p.id = c.person_id LEFT JOIN case_follow_up f ON f.id = x.visit
		ORDER BY c.id, f.due_on, f.id`, itemColumns, visitColumns, makesTask, maxTeamRows)
	unitWork = fmt.Sprintf(`SELECT * FROM (SELECT %s, %s FROM case_file c JOIN person p ON p.id = c.person_id
			WHERE c.unit_id = ? AND %s ORDER BY c.id LIMIT %d) a
		UNION ALL
		SELECT * FROM (SELECT %s, %s FROM case_follow_up f JOIN case_file c ON c.id = f.case_id AND c.cycle = f.cycle
			JOIN person p ON p.id = c.person_id
			WHERE f.unit_id = ? AND f.done_on IS NULL AND f.due_on <= ? AND c.stage = 'bimbingan_lanjut'
			ORDER BY f.due_on, f.id LIMIT %d) d`,
		itemColumns, noVisit, awaiting, maxWaiting+1, itemColumns, visitColumns, maxWaiting+1)
)

// unitWorkQuery is unitWork for a unit on a day. On PostgreSQL the two are
// written into the text: as parameters, PostgreSQL planned the query afresh
// on every call (a custom plan: 0.6 ms of planning against 0.8 ms of
// running it at 500,000 cases) and never settled on its generic plan,
// which is the same plan; as constants of a text that pgx keeps prepared
// per connection, it is planned once per unit and day. Both are values we
// format (an id, a date), never a user's text. SQLite keeps them as
// parameters: its statement cache holds one statement per text and never
// evicts (db.stmtCache).
func unitWorkQuery(d db.Dialect, unitID int64, today string) (string, []any) {
	if d != db.Postgres {
		return unitWork, []any{unitID, unitID, today}
	}
	if _, err := time.Parse(dayLayout, today); err != nil {
		// Never reached (today is formatted by Work); kept as parameters
		// should it ever be anything else.
		return unitWork, []any{unitID, unitID, today}
	}
	id := strconv.FormatInt(unitID, 10)
	q := strings.NewReplacer("c.unit_id = ?", "c.unit_id = "+id, "f.unit_id = ?", "f.unit_id = "+id,
		"f.due_on <= ?", "f.due_on <= '"+today+"'").Replace(unitWork)
	return q, nil
}

// makesTask selects the open team cases that wait for their worker (the
// kinds of taskOf): most of a caseload is in intervensi and waits for
// nobody, and reading it cost the view most of its time.
const makesTask = `('dikembalikan' IN (c.assessment_review, c.plan_review, c.termination_review)
	OR c.assessment_review NOT IN ('disetujui', 'diajukan')
	OR (c.assessment_review = 'disetujui' AND NOT c.plan_in_force AND c.plan_review <> 'diajukan'))`

// Work reads u's work today (now, in WIB): a worker's team tasks and
// visits due, and for a supervisor also the unit's oldest submissions
// waiting for approval and visits due.
func (s *Store) Work(ctx context.Context, u access.User, now time.Time) (Work, error) {
	if u.UnitID == 0 || (u.Role != access.Worker && u.Role != access.Supervisor) {
		return Work{}, errNoCases
	}
	today := now.In(wib).Format(dayLayout)
	w := Work{Tasks: []Task{}, FollowUps: []DueFollowUp{}}
	rows, err := s.DB.Query(ctx, teamWork, today, u.ID)
	if err != nil {
		return Work{}, err
	}
	err = scanWork(rows, today, func(it Item, v *DueFollowUp) {
		if v != nil {
			w.FollowUps = append(w.FollowUps, *v)
		} else if t, ok := taskOf(it, today); ok && len(w.Tasks) < maxTasks {
			w.Tasks = append(w.Tasks, t)
		}
	})
	if err != nil || u.Role != access.Supervisor {
		return w, err
	}
	q, args := unitWorkQuery(s.DB.Dialect(), u.UnitID, today)
	rows, err = s.DB.Query(ctx, q, args...)
	if err != nil {
		return Work{}, err
	}
	var waiting []Item
	var due []DueFollowUp
	if err := scanWork(rows, today, func(it Item, v *DueFollowUp) {
		if v != nil {
			due = append(due, *v)
		} else {
			waiting = append(waiting, it)
		}
	}); err != nil {
		return Work{}, err
	}
	if len(waiting) > maxWaiting {
		waiting, w.MoreApprovals = waiting[:maxWaiting], true
	}
	for _, it := range waiting {
		w.Tasks = append(w.Tasks, Task{Kind: TaskApprove, Item: it})
	}
	if len(due) > maxWaiting {
		due, w.MoreFollowUps = due[:maxWaiting], true
	}
	// A supervisor on a case's team sees its visits in both halves.
	for _, d := range due {
		if !slices.ContainsFunc(w.FollowUps, func(m DueFollowUp) bool { return m.ID == d.ID }) {
			w.FollowUps = append(w.FollowUps, d)
		}
	}
	slices.SortFunc(w.FollowUps, func(a, b DueFollowUp) int {
		return cmp.Or(strings.Compare(a.DueOn, b.DueOn), cmp.Compare(a.ID, b.ID))
	})
	return w, nil
}

// scanWork reads rows of itemColumns and visitColumns, calling f with the
// case and, when the row is a visit, the visit.
func scanWork(rows *sql.Rows, today string, f func(Item, *DueFollowUp)) error {
	defer rows.Close()
	for rows.Next() {
		var visitID, cycle, version sql.NullInt64
		var dueOn sql.NullString
		it, err := scanItem(rows, &visitID, &cycle, &dueOn, &version)
		if err != nil {
			return err
		}
		if !visitID.Valid {
			f(it, nil)
			continue
		}
		f(it, &DueFollowUp{FollowUp: FollowUp{ID: visitID.Int64, CaseID: it.ID, Cycle: int(cycle.Int64), DueOn: dueOn.String,
			Version: int(version.Int64), Overdue: dueOn.String < today}, PersonID: it.PersonID, PersonName: it.PersonName})
	}
	return rows.Err()
}

// taskOf is the task an open team case makes for its worker, if any.
func taskOf(it Item, today string) (Task, bool) {
	switch {
	case it.Assessment == Returned || it.Plan == Returned || it.Terminate == Returned:
		return Task{Kind: TaskRevise, Item: it}, true
	case it.Assessment != Approved && it.Assessment != Submitted:
		due := it.OpenedAt.In(wib).AddDate(0, 0, DefaultAssessmentDays).Format(dayLayout)
		return Task{Kind: TaskAssess, Item: it, Due: due, Overdue: due < today}, true
	case it.Assessment == Approved && !it.PlanInForce && it.Plan != Submitted:
		return Task{Kind: TaskPlan, Item: it}, true
	}
	return Task{}, false
}

// UnitReferrals lists what the unit is to answer or chase: the open
// referrals sent to u's unit (IncomingReferrals) and, for a supervisor,
// the referrals of the unit's cases past their deadline unanswered
// (EscalatedReferrals); for a worker the second list is empty.
func (s *Store) UnitReferrals(ctx context.Context, u access.User) (incoming, escalated []Referral, err error) {
	if incoming, err = s.IncomingReferrals(ctx, u); err != nil || u.Role != access.Supervisor {
		return incoming, []Referral{}, err
	}
	escalated, err = s.EscalatedReferrals(ctx, u)
	return incoming, escalated, err
}

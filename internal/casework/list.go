package casework

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/db"
)

// Item is a case as lists show it: the case row with its person's name.
type Item struct {
	ID          int64      `json:"id"`
	PersonID    int64      `json:"person_id"`
	PersonName  string     `json:"person_name"`
	Sex         string     `json:"sex"`
	BirthYear   int        `json:"birth_year,omitempty"`
	UnitID      int64      `json:"unit_id"`
	Cluster     Cluster    `json:"cluster"`
	Setting     Setting    `json:"setting"`
	Risk        Risk       `json:"risk"`
	Stage       Stage      `json:"stage"`
	Assessment  Review     `json:"assessment"`
	Plan        Review     `json:"plan"`
	PlanInForce bool       `json:"plan_in_force"`
	Terminate   Review     `json:"termination"`
	WorkerID    int64      `json:"worker_id,omitempty"`
	OpenedAt    time.Time  `json:"opened_at"`
	ClosedAt    *time.Time `json:"closed_at,omitempty"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// ListFilter narrows a case list.
type ListFilter struct {
	Stage Stage // one stage, or all
	// Open keeps the open cases only (not terminated, not in bimbingan
	// lanjut or after); ignored when Stage is set.
	Open bool
	// Waiting keeps the cases with a document waiting for a supervisor
	// (an assessment, a plan or a terminasi submitted); ignored when Stage
	// is set.
	Waiting bool
	// Mine keeps a supervisor's own team cases; a worker sees only those.
	Mine bool
	Page int
	Size int
}

// MaxListDepth bounds a case list's paging and count, as the people
// registry's: past 1,000 the user narrows the list.
const MaxListDepth = 1000

var errNoCases = apperr.New(apperr.Forbidden, "error.forbidden")

const itemColumns = `c.id, c.person_id, p.name, p.sex, p.birth_year, c.unit_id, c.cluster, c.setting, c.risk, c.stage,
	c.assessment_review, c.plan_review, c.plan_in_force, c.termination_review, c.worker_id, c.opened_at, c.closed_at, c.updated_at`

// scanItem reads itemColumns and then extra.
func scanItem(row interface{ Scan(...any) error }, extra ...any) (Item, error) {
	var it Item
	var year, worker sql.NullInt64
	var closed sql.NullTime
	err := row.Scan(append([]any{&it.ID, &it.PersonID, &it.PersonName, &it.Sex, &year, &it.UnitID, &it.Cluster, &it.Setting, &it.Risk,
		&it.Stage, &it.Assessment, &it.Plan, &it.PlanInForce, &it.Terminate, &worker, &it.OpenedAt, &closed, &it.UpdatedAt}, extra...)...)
	if err != nil {
		return Item{}, db.Err(err)
	}
	it.BirthYear, it.WorkerID, it.ClosedAt = int(year.Int64), worker.Int64, timePtr(closed)
	it.OpenedAt, it.UpdatedAt = it.OpenedAt.UTC(), it.UpdatedAt.UTC()
	return it, nil
}

// List pages through the cases u works on, newest first: a worker's team
// cases, a supervisor's unit's (or, with Mine, their own). Other roles hold
// no cases. Each list reads one range of an index (case_team_user,
// case_file_unit_all, _open, case_file_unit) up to the page's end.
func (s *Store) List(ctx context.Context, u access.User, f ListFilter) ([]Item, int, bool, error) {
	if u.UnitID == 0 || (u.Role != access.Worker && u.Role != access.Supervisor) {
		return nil, 0, false, errNoCases
	}
	size := f.Size
	if size <= 0 || size > 100 {
		size = 25
	}
	page := max(f.Page, 1)
	offset := (page - 1) * size
	if offset >= MaxListDepth {
		offset = MaxListDepth - size
	}
	// The page's ids come from one range of an index alone (the team's
	// case_team_user; the unit's case_file_unit_open, case_file_unit or
	// case_file_unit_all), and only the page's 25 cases are read with
	// their person: stepping over an offset of hundreds of joined rows
	// cost a supervisor's deep pages milliseconds each (docs/performance.md).
	var from, key string
	var where []string
	var args []any
	if u.Role == access.Worker || f.Mine {
		from, key = "case_team t", "t.case_id"
		if f.Stage != "" || f.Waiting || f.Open {
			from += " JOIN case_file c ON c.id = t.case_id"
		}
		where, args = append(where, "t.user_id = ?"), append(args, u.ID)
	} else {
		from, key = "case_file c", "c.id"
		where, args = append(where, "c.unit_id = ?"), append(args, u.UnitID)
	}
	switch {
	case f.Stage != "":
		where, args = append(where, "c.stage = ?"), append(args, string(f.Stage))
	case f.Waiting:
		where = append(where, awaiting)
	case f.Open:
		where = append(where, "c.closed_at IS NULL")
	}
	w := strings.Join(where, " AND ")
	// One statement counts (up to MaxListDepth+1) and reads the page: each
	// round trip costs a list under load more than the rows it reads.
	var total int
	items := []Item{}
	rows, err := s.DB.Query(ctx, fmt.Sprintf(`WITH k AS (SELECT %s AS id FROM %s WHERE %s ORDER BY %s DESC LIMIT %d)
		SELECT %s, (SELECT COUNT(*) FROM k) FROM (SELECT id FROM k ORDER BY id DESC LIMIT %d OFFSET %d) pg
		JOIN case_file c ON c.id = pg.id JOIN person p ON p.id = c.person_id ORDER BY c.id DESC`,
		key, from, w, key, MaxListDepth+1, itemColumns, size, offset), args...)
	if err != nil {
		return nil, 0, false, err
	}
	defer rows.Close()
	for rows.Next() {
		it, err := scanItem(rows, &total)
		if err != nil {
			return nil, 0, false, err
		}
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, false, err
	}
	if len(items) == 0 && offset > 0 {
		// A page past the end: count alone, for the pager.
		err := s.DB.QueryRow(ctx, fmt.Sprintf("SELECT COUNT(*) FROM (SELECT 1 FROM %s WHERE %s LIMIT %d) n", from, w, MaxListDepth+1),
			args...).Scan(&total)
		if err != nil {
			return nil, 0, false, db.Err(err)
		}
	}
	return items, min(total, MaxListDepth), total > MaxListDepth, nil
}

// DefaultAssessmentDays is how long after a case opens its assessment is
// due in the work view. Permensos 16/2019 sets no number of days; a week
// matches the emergency window, after which only an assessed case is
// served (DefaultEmergencyWindow).
const DefaultAssessmentDays = 7

// Task is one thing in "Pekerjaan saya": a case and what it waits for.
type Task struct {
	Kind string `json:"kind"` // TaskAssess, TaskRevise, TaskPlan, TaskApprove
	Item
	Due     string `json:"due,omitempty"` // YYYY-MM-DD when the kind has one
	Overdue bool   `json:"overdue"`
}

// Kinds of task.
const (
	TaskAssess  = "assessment_due"    // the assessment is to be written and submitted
	TaskRevise  = "returned"          // a supervisor returned something for revision
	TaskPlan    = "plan_due"          // the assessment is approved, the plan is to be written
	TaskApprove = "awaiting_approval" // a submission waits for this supervisor
)

// maxTasks bounds the tasks the work view lists of a worker's team cases:
// a caseload is tens of cases. maxWaiting bounds what it lists of a whole
// unit (submissions waiting for approval, visits due), oldest first, with
// whether there are more: a morning's work. Each listed case costs the
// response: at 200 the supervisor's view took several milliseconds of CPU
// per request at 100,000 cases, at 50 still three (docs/performance.md).
const (
	maxTasks   = 200
	maxWaiting = 20
)

// awaiting is the predicate of the partial index case_file_awaiting: a
// document of the case waits for a supervisor.
const awaiting = "(c.assessment_review = 'diajukan' OR c.plan_review = 'diajukan' OR c.termination_review = 'diajukan')"

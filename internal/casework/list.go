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

func scanItem(row interface{ Scan(...any) error }) (Item, error) {
	var it Item
	var year, worker sql.NullInt64
	var closed sql.NullTime
	err := row.Scan(&it.ID, &it.PersonID, &it.PersonName, &it.Sex, &year, &it.UnitID, &it.Cluster, &it.Setting, &it.Risk,
		&it.Stage, &it.Assessment, &it.Plan, &it.PlanInForce, &it.Terminate, &worker, &it.OpenedAt, &closed, &it.UpdatedAt)
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
	var from, order string
	var where []string
	var args []any
	if u.Role == access.Worker || f.Mine {
		from, order = "case_team t JOIN case_file c ON c.id = t.case_id", "t.case_id DESC"
		where, args = append(where, "t.user_id = ?"), append(args, u.ID)
	} else {
		from, order = "case_file c", "c.id DESC"
		where, args = append(where, "c.unit_id = ?"), append(args, u.UnitID)
	}
	switch {
	case f.Stage != "":
		where, args = append(where, "c.stage = ?"), append(args, string(f.Stage))
	case f.Open:
		where = append(where, "c.closed_at IS NULL")
	}
	w := strings.Join(where, " AND ")
	var total int
	err := s.DB.QueryRow(ctx, fmt.Sprintf("SELECT COUNT(*) FROM (SELECT 1 FROM %s WHERE %s LIMIT %d) n", from, w, MaxListDepth+1),
		args...).Scan(&total)
	if err != nil {
		return nil, 0, false, db.Err(err)
	}
	items := []Item{}
	if total > offset {
		rows, err := s.DB.Query(ctx, fmt.Sprintf("SELECT %s FROM %s JOIN person p ON p.id = c.person_id WHERE %s ORDER BY %s LIMIT %d OFFSET %d",
			itemColumns, from, w, order, size, offset), args...)
		if err != nil {
			return nil, 0, false, err
		}
		defer rows.Close()
		for rows.Next() {
			it, err := scanItem(rows)
			if err != nil {
				return nil, 0, false, err
			}
			items = append(items, it)
		}
		if err := rows.Err(); err != nil {
			return nil, 0, false, err
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

// maxTasks bounds the open team cases the work view reads: a worker's
// caseload is tens of cases. maxWaiting bounds what it lists of a whole
// unit (submissions waiting for approval, visits due), oldest first: a
// morning's work, and each listed case costs the response; at 200 the
// supervisor's view took several milliseconds of CPU per request at
// 100,000 cases (docs/performance.md).
const (
	maxTasks   = 200
	maxWaiting = 50
)

// Tasks lists u's work today: for a worker (and a supervisor's own team
// cases) the assessments due, plans to write and returned documents; for a
// supervisor also everything of the unit waiting for approval. today is
// the day in WIB.
func (s *Store) Tasks(ctx context.Context, u access.User, now time.Time) ([]Task, error) {
	if u.UnitID == 0 || (u.Role != access.Worker && u.Role != access.Supervisor) {
		return nil, errNoCases
	}
	today := now.In(wib).Format(dayLayout)
	var out []Task
	rows, err := s.DB.Query(ctx, fmt.Sprintf(`SELECT %s FROM case_team t JOIN case_file c ON c.id = t.case_id
		JOIN person p ON p.id = c.person_id WHERE t.user_id = ? AND c.closed_at IS NULL ORDER BY t.case_id LIMIT %d`,
		itemColumns, maxTasks), u.ID)
	if err != nil {
		return nil, err
	}
	mine, err := scanItems(rows)
	if err != nil {
		return nil, err
	}
	for _, it := range mine {
		switch {
		case it.Assessment == Returned || it.Plan == Returned || it.Terminate == Returned:
			out = append(out, Task{Kind: TaskRevise, Item: it})
		case it.Assessment != Approved && it.Assessment != Submitted:
			due := it.OpenedAt.In(wib).AddDate(0, 0, DefaultAssessmentDays).Format(dayLayout)
			out = append(out, Task{Kind: TaskAssess, Item: it, Due: due, Overdue: due < today})
		case it.Assessment == Approved && !it.PlanInForce && it.Plan != Submitted:
			out = append(out, Task{Kind: TaskPlan, Item: it})
		}
	}
	if u.Role == access.Supervisor {
		rows, err := s.DB.Query(ctx, fmt.Sprintf(`SELECT %s FROM case_file c JOIN person p ON p.id = c.person_id
			WHERE c.unit_id = ? AND (c.assessment_review = 'diajukan' OR c.plan_review = 'diajukan' OR c.termination_review = 'diajukan')
			ORDER BY c.id LIMIT %d`, itemColumns, maxWaiting), u.UnitID)
		if err != nil {
			return nil, err
		}
		waiting, err := scanItems(rows)
		if err != nil {
			return nil, err
		}
		for _, it := range waiting {
			out = append(out, Task{Kind: TaskApprove, Item: it})
		}
	}
	if out == nil {
		out = []Task{}
	}
	return out, nil
}

func scanItems(rows *sql.Rows) ([]Item, error) {
	defer rows.Close()
	var out []Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

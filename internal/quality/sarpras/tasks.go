package sarpras

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/wilayah"
)

const taskColumns = `t.id, t.audit_id, t.unit_id, COALESCE(n.name, ''), t.item_code, COALESCE(an.name, ''), t.description,
	t.owner_id, COALESCE(p.full_name, ''), t.due_on, t.status, t.done_at, t.created_at, t.version`

const taskFrom = ` FROM sarpras_task t
	LEFT JOIN unit n ON n.id = t.unit_id
	LEFT JOIN app_user p ON p.id = t.owner_id
	LEFT JOIN sarpras_answer an ON an.audit_id = t.audit_id AND an.item_code = t.item_code`

// listTasks lists tasks matching cond, open ones first by due day.
func listTasks(ctx context.Context, q db.Q, now time.Time, cond string, args ...any) ([]Task, error) {
	rows, err := q.Query(ctx, "SELECT "+taskColumns+taskFrom+" WHERE "+cond+
		" ORDER BY CASE WHEN t.status = 'open' THEN 0 ELSE 1 END, t.due_on, t.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Task{}
	for rows.Next() {
		t, err := scanTask(rows, now)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func scanTask(row interface{ Scan(...any) error }, now time.Time) (Task, error) {
	var t Task
	var done sql.NullTime
	err := row.Scan(&t.ID, &t.AuditID, &t.UnitID, &t.UnitName, &t.ItemCode, &t.ItemName, &t.Description, &t.OwnerID,
		&t.OwnerName, &t.Due, &t.Status, &done, &t.CreatedAt, &t.Version)
	if err != nil {
		return Task{}, db.Err(err)
	}
	if done.Valid {
		d := done.Time.UTC()
		t.DoneAt = &d
	}
	t.CreatedAt = t.CreatedAt.UTC()
	t.Overdue = Overdue(t.Status, t.Due, now)
	return t, nil
}

// TaskInput raises a remediation task.
type TaskInput struct {
	Item        string `json:"item"`
	Description string `json:"description"`
	OwnerID     int64  `json:"owner_id"`
	Due         string `json:"due"`
}

// CreateTask raises a task on an item of an audit, draft or final, owned
// by an active account of the audited unit. Audited.
func (s *Store) CreateTask(ctx context.Context, actor audit.Actor, u access.User, unitID, auditID int64, in TaskInput) (Task, error) {
	var f apperr.Fields
	in.Item, in.Description, in.Due = strings.TrimSpace(in.Item), strings.TrimSpace(in.Description), strings.TrimSpace(in.Due)
	text(&f, "description", in.Description, MaxTask, true)
	if in.Item == "" {
		f.Add("item", "field.required")
	}
	if in.OwnerID <= 0 {
		f.Add("owner_id", "field.required")
	}
	switch _, ok := ParseDay(in.Due); {
	case in.Due == "":
		f.Add("due", "field.required")
	case !ok:
		f.Add("due", "field.date_format")
	}
	if err := f.Err(); err != nil {
		return Task{}, err
	}
	var out Task
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		un, err := s.managedUnit(ctx, tx, u, unitID)
		if err != nil {
			return err
		}
		a, err := getAudit(ctx, tx, un, auditID, s.now())
		if err != nil {
			return err
		}
		var f apperr.Fields
		if !slices.ContainsFunc(a.Rows, func(r Row) bool { return r.Code == in.Item }) {
			f.Add("item", "sarpras.item_not_in_audit")
		}
		owner, err := access.GetUser(ctx, tx, in.OwnerID)
		if err != nil && !errors.Is(err, db.ErrNotFound) && apperr.KindOf(err) != apperr.NotFound {
			return err
		}
		if err != nil || owner.UnitID != un.ID || !owner.Active {
			f.Add("owner_id", "sarpras.owner_not_of_unit")
		}
		if err := f.Err(); err != nil {
			return err
		}
		now := s.now()
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO sarpras_task (audit_id, unit_id, region_code, item_code, description, owner_id,
			due_on, status, created_by, created_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`,
			auditID, un.ID, string(un.Region), in.Item, in.Description, in.OwnerID, in.Due, Open, nullID(u.ID), now).Scan(&id)
		if err != nil {
			return db.Err(err)
		}
		if out, err = scanTask(tx.QueryRow(ctx, "SELECT "+taskColumns+taskFrom+" WHERE t.id = ?", id), now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Create, Entity: "sarpras_task",
			EntityID: strconv.FormatInt(id, 10), Region: un.Region, After: out})
	})
	return out, err
}

// CompleteTask marks a task done: its owner, or whoever runs the unit's
// audits. Audited.
func (s *Store) CompleteTask(ctx context.Context, actor audit.Actor, u access.User, unitID, taskID int64, version int) (Task, error) {
	var out Task
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		un, err := s.unitFor(ctx, tx, u, unitID)
		if err != nil {
			return err
		}
		now := s.now()
		before, err := scanTask(tx.QueryRow(ctx, "SELECT "+taskColumns+taskFrom+" WHERE t.id = ? AND t.unit_id = ?", taskID, un.ID), now)
		if errors.Is(err, db.ErrNotFound) {
			return errTaskNotFound
		}
		if err != nil {
			return err
		}
		if before.OwnerID != u.ID && !Manages(u, un) {
			return apperr.New(apperr.Forbidden, "sarpras.not_task_owner")
		}
		if before.Status == Done {
			return &apperr.Error{Kind: apperr.Conflict, Key: "sarpras.task_done_already", Code: "task_done"}
		}
		if version != 0 && version != before.Version {
			return errStale
		}
		res, err := tx.Exec(ctx, `UPDATE sarpras_task SET status = ?, done_at = ?, version = version + 1
			WHERE id = ? AND version = ?`, Done, now, taskID, before.Version)
		if err != nil {
			return db.Err(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errStale
		}
		if out, err = scanTask(tx.QueryRow(ctx, "SELECT "+taskColumns+taskFrom+" WHERE t.id = ?", taskID), now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Update, Entity: "sarpras_task",
			EntityID: strconv.FormatInt(taskID, 10), Region: un.Region, Before: before, After: out})
	})
	return out, err
}

// MyTasks lists the tasks u owns and, for a supervisor, every task of
// their unit: open ones first, by due day.
func (s *Store) MyTasks(ctx context.Context, u access.User) ([]Task, error) {
	if u.Role == access.Supervisor && u.UnitID != 0 {
		return listTasks(ctx, s.DB, s.now(), "(t.owner_id = ? OR t.unit_id = ?)", u.ID, u.UnitID)
	}
	return listTasks(ctx, s.DB, s.now(), "t.owner_id = ?", u.ID)
}

// Comparison is the latest final audit of every unit of a region, and per
// item how many of the audited units have it "ada dan sesuai": scores and
// counts only.
type Comparison struct {
	Region  wilayah.Code  `json:"region"`
	Units   []UnitScore   `json:"units"`
	Items   []ItemSummary `json:"items"`
	Audited int           `json:"audited"`
}

// UnitScore is one unit's latest final audit, if any.
type UnitScore struct {
	UnitID   int64        `json:"unit_id"`
	Name     string       `json:"name"`
	Region   wilayah.Code `json:"region"`
	AuditID  int64        `json:"audit_id,omitempty"`
	Date     string       `json:"date,omitempty"`
	Score    *float64     `json:"score"`
	OpenTask int          `json:"open_tasks"`
}

// ItemSummary counts the latest final audits that hold an item, by answer.
type ItemSummary struct {
	Code           string `json:"code"`
	Name           string `json:"name"`
	Sesuai         int    `json:"ada_sesuai"`
	TidakSesuai    int    `json:"ada_tidak_sesuai"`
	TidakAda       int    `json:"tidak_ada"`
	AuditedInUnits int    `json:"units"`
}

// CanCompare reports whether u's role compares units of a region.
func CanCompare(u access.User) bool {
	switch u.Role {
	case access.Planner, access.Verifier, access.National, access.Admin:
		return true
	}
	return false
}

// Compare compares the active units of region (within u's scope; "" is
// u's own region, or the nation for those who see it all).
func (s *Store) Compare(ctx context.Context, u access.User, region wilayah.Code) (Comparison, error) {
	sc := u.Scope()
	if !CanCompare(u) {
		return Comparison{}, apperr.New(apperr.Forbidden, "error.forbidden")
	}
	if region == "" {
		region = sc.Region
	}
	if region != "" && !sc.CoversRegion(region) {
		return Comparison{}, apperr.New(apperr.NotFound, "sarpras.region_outside")
	}
	if region == "" && !sc.All {
		return Comparison{}, apperr.New(apperr.NotFound, "sarpras.region_outside")
	}
	out := Comparison{Region: region, Units: []UnitScore{}, Items: []ItemSummary{}}
	cond, args := "1=1", []any(nil)
	if region != "" {
		cond, args = wilayah.SubtreeCond("n.region_code", region)
	}
	// The latest final audit of each unit: the one with the latest date,
	// then the highest id.
	rows, err := s.DB.Query(ctx, `SELECT n.id, n.name, n.region_code, a.id, a.audit_date, a.score,
		(SELECT COUNT(*) FROM sarpras_task t WHERE t.unit_id = n.id AND t.status = 'open')
		FROM unit n LEFT JOIN sarpras_audit a ON a.unit_id = n.id AND a.status = 'final' AND NOT EXISTS (
			SELECT 1 FROM sarpras_audit b WHERE b.unit_id = n.id AND b.status = 'final'
			AND (b.audit_date > a.audit_date OR (b.audit_date = a.audit_date AND b.id > a.id)))
		WHERE n.active = ? AND `+cond+` ORDER BY a.score IS NULL, a.score DESC, n.name, n.id`, append([]any{true}, args...)...)
	if err != nil {
		return Comparison{}, err
	}
	defer rows.Close()
	var audits []any
	for rows.Next() {
		var us UnitScore
		var aid sql.NullInt64
		var date sql.NullString
		var score sql.NullFloat64
		if err := rows.Scan(&us.UnitID, &us.Name, &us.Region, &aid, &date, &score, &us.OpenTask); err != nil {
			return Comparison{}, err
		}
		if aid.Valid {
			us.AuditID, us.Date = aid.Int64, date.String
			v := score.Float64
			us.Score = &v
			audits = append(audits, aid.Int64)
		}
		out.Units = append(out.Units, us)
	}
	if err := rows.Err(); err != nil {
		return Comparison{}, err
	}
	rows.Close()
	out.Audited = len(audits)
	if len(audits) == 0 {
		return out, nil
	}
	// Audits are few per region (one latest per unit); a province's
	// hundreds of units fit one IN list.
	ph := strings.TrimSuffix(strings.Repeat("?,", len(audits)), ",")
	rows, err = s.DB.Query(ctx, `SELECT item_code, MIN(name), MIN(position),
		SUM(CASE WHEN answer = 'ada_sesuai' THEN 1 ELSE 0 END),
		SUM(CASE WHEN answer = 'ada_tidak_sesuai' THEN 1 ELSE 0 END),
		SUM(CASE WHEN answer = 'tidak_ada' THEN 1 ELSE 0 END), COUNT(*)
		FROM sarpras_answer WHERE audit_id IN (`+ph+`) GROUP BY item_code ORDER BY MIN(position), item_code`, audits...)
	if err != nil {
		return Comparison{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var it ItemSummary
		var pos int
		if err := rows.Scan(&it.Code, &it.Name, &pos, &it.Sesuai, &it.TidakSesuai, &it.TidakAda, &it.AuditedInUnits); err != nil {
			return Comparison{}, err
		}
		out.Items = append(out.Items, it)
	}
	return out, rows.Err()
}

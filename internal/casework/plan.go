package casework

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
)

// Plan is one version of a case's rencana intervensi. The newest version
// of a cycle is the one drafted or reviewed; the newest approved one is in
// force, and a newer draft does not suspend it.
type Plan struct {
	ID         int64      `json:"id"`
	CaseID     int64      `json:"case_id"`
	Cycle      int        `json:"cycle"`
	Number     int        `json:"number"` // 1, 2, … within the cycle
	Goals      string     `json:"goals"`
	Items      []PlanItem `json:"items"`
	Review     Review     `json:"review"`
	ApprovedAt *time.Time `json:"approved_at,omitempty"`
	UpdatedBy  int64      `json:"updated_by,omitempty"`
	UpdatedAt  time.Time  `json:"updated_at"`
	Version    int        `json:"version"`
}

// PlanItem is a planned service: how much of which need, through which
// ATENSI component, by whom, by when.
type PlanItem struct {
	Need      Need      `json:"need"`
	Component Component `json:"component"`
	Quantity  int       `json:"quantity"`
	// UnitLabel names what Quantity counts: "paket", "kali", "hari".
	UnitLabel string `json:"unit_label"`
	// The unit or the worker responsible; at least one.
	ResponsibleUnit int64  `json:"responsible_unit,omitempty"`
	ResponsibleUser int64  `json:"responsible_user,omitempty"`
	TargetOn        string `json:"target_on"` // YYYY-MM-DD
	Note            string `json:"note"`
}

// PlanInput is what the plan form sends. Version is the version of the
// newest plan the user edited (0 to start the first, or a new version
// after an approved one).
type PlanInput struct {
	Goals   string     `json:"goals"`
	Items   []PlanItem `json:"items"`
	Version int        `json:"version"`
	// CaseVersion is the case's version when the copy was read (optional):
	// a stale save then lists what happened to the case since.
	CaseVersion int    `json:"case_version"`
	Note        string `json:"note"`
}

const (
	maxPlanItems = 100
	maxQuantity  = 1_000_000
	maxLabel     = 40
)

// check validates the plan against the case: every item's need must be one
// the assessment found, the responsible worker someone of the case's unit.
func (in *PlanInput) check(ctx context.Context, q db.Q, c Case, a Assessment, now time.Time) apperr.Fields {
	var f apperr.Fields
	in.Goals = strings.TrimSpace(in.Goals)
	if len([]rune(in.Goals)) > maxFinding {
		f.Add("goals", "field.too_long", maxFinding)
	}
	if len(in.Items) > maxPlanItems {
		f.Add("items", "case.plan.too_many_items", maxPlanItems)
		return f
	}
	assessed := map[Need]bool{}
	for _, n := range a.Needs {
		assessed[n] = true
	}
	for i := range in.Items {
		it := &in.Items[i]
		at := "items." + strconv.Itoa(i) + "."
		it.UnitLabel, it.Note, it.TargetOn = strings.TrimSpace(it.UnitLabel), strings.TrimSpace(it.Note), strings.TrimSpace(it.TargetOn)
		switch {
		case !it.Need.Valid():
			f.Add(at+"need", "case.need_unknown")
		case !assessed[it.Need]:
			f.Add(at+"need", "case.plan.need_not_assessed")
		}
		if !it.Component.Valid() {
			f.Add(at+"component", "case.component_unknown")
		}
		if it.Quantity < 1 || it.Quantity > maxQuantity {
			f.Add(at+"quantity", "case.quantity_range", maxQuantity)
		}
		if len([]rune(it.UnitLabel)) > maxLabel {
			f.Add(at+"unit_label", "field.too_long", maxLabel)
		}
		if len([]rune(it.Note)) > maxShort {
			f.Add(at+"note", "field.too_long", maxShort)
		}
		if it.TargetOn == "" {
			f.Add(at+"target_on", "field.required")
		} else if _, err := time.Parse(dayLayout, it.TargetOn); err != nil {
			f.Add(at+"target_on", "field.date_format")
		} else if it.TargetOn < c.OpenedAt.In(wib).Format(dayLayout) {
			f.Add(at+"target_on", "case.date_before_opened")
		}
		if it.ResponsibleUnit == 0 && it.ResponsibleUser == 0 {
			f.Add(at+"responsible", "case.plan.responsible_required")
		}
		if it.ResponsibleUnit != 0 && !exists(ctx, q, "SELECT 1 FROM unit WHERE id = ? AND active", it.ResponsibleUnit) {
			f.Add(at+"responsible_unit", "unit.not_found")
		}
		if it.ResponsibleUser != 0 && !exists(ctx, q, "SELECT 1 FROM app_user WHERE id = ? AND unit_id = ? AND active",
			it.ResponsibleUser, c.UnitID) {
			f.Add(at+"responsible_user", "case.plan.responsible_outside_unit")
		}
	}
	return f
}

// complete lists what a plan lacks to be submitted: goals, and an item for
// every need the assessment found (else that need could never be met).
func (p Plan) complete(a Assessment) apperr.Fields {
	var f apperr.Fields
	if p.Goals == "" {
		f.Add("goals", "field.required")
	}
	planned := map[Need]bool{}
	for _, it := range p.Items {
		planned[it.Need] = true
	}
	for _, n := range a.Needs {
		if !planned[n] {
			f.Add("items", "case.plan.need_uncovered", string(n))
		}
	}
	if len(p.Items) == 0 && len(a.Needs) == 0 {
		f.Add("items", "case.plan.items_required")
	}
	return f
}

func exists(ctx context.Context, q db.Q, query string, args ...any) bool {
	var one int
	return q.QueryRow(ctx, query, args...).Scan(&one) == nil
}

// SavePlan drafts the plan: it edits the newest version while that is a
// draft or was returned, and starts a new version after an approved one.
// Needs an approved assessment (Decide).
func (s *Store) SavePlan(ctx context.Context, actor audit.Actor, u access.User, id int64, in PlanInput) (Plan, error) {
	var out Plan
	_, err := s.act(ctx, actor, u, id, step{event: Event{Action: SavePlan}, note: in.Note,
		write: func(ctx context.Context, tx *db.Tx, c Case, next State, now time.Time) error {
			a, err := getAssessment(ctx, tx, id, c.Cycle)
			if err != nil {
				return err
			}
			if err := in.check(ctx, tx, c, a, now).Err(); err != nil {
				return err
			}
			newest, err := newestPlan(ctx, tx, id, c.Cycle)
			if err != nil && !errors.Is(err, db.ErrNotFound) {
				return err
			}
			// The version the user saw must be the newest; after an approved
			// version (or none) the form starts from 0.
			want := newest.Version
			if newest.ID == 0 || newest.Review == Approved {
				want = 0
			}
			if in.Version != want {
				return staleCase(ctx, tx, c, in.CaseVersion, planActions, want, planChanges(in, newest))
			}
			planID := newest.ID
			if want == 0 {
				err = tx.QueryRow(ctx, `INSERT INTO case_plan (case_id, cycle, number, goals, review, updated_by, updated_at, version)
					VALUES (?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`, id, c.Cycle, newest.Number+1, in.Goals, string(Draft), u.ID, now).Scan(&planID)
			} else {
				_, err = tx.Exec(ctx, `UPDATE case_plan SET goals = ?, review = ?, updated_by = ?, updated_at = ?, version = version + 1
					WHERE id = ?`, in.Goals, string(Draft), u.ID, now, planID)
				if err == nil {
					_, err = tx.Exec(ctx, "DELETE FROM case_plan_item WHERE plan_id = ?", planID)
				}
			}
			if err != nil {
				return db.Err(err)
			}
			for i, it := range in.Items {
				if _, err := tx.Exec(ctx, `INSERT INTO case_plan_item (plan_id, line, need, component, quantity, unit_label,
					responsible_unit, responsible_user, target_on, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
					planID, i+1, string(it.Need), string(it.Component), it.Quantity, it.UnitLabel, nullID(it.ResponsibleUnit),
					nullID(it.ResponsibleUser), it.TargetOn, it.Note); err != nil {
					return db.Err(err)
				}
			}
			out, err = getPlan(ctx, tx, planID)
			return err
		}})
	return out, err
}

// planActions are the steps that write a plan version.
var planActions = []Action{SavePlan, SubmitPlan, ApprovePlan, ReturnPlan}

// submitPlan refuses an incomplete plan and marks the newest version
// submitted.
func submitPlan(ctx context.Context, tx *db.Tx, c Case, next State, now time.Time) error {
	p, err := newestPlan(ctx, tx, c.ID, c.Cycle)
	if err != nil {
		return err
	}
	a, err := getAssessment(ctx, tx, c.ID, c.Cycle)
	if err != nil {
		return err
	}
	if err := p.complete(a).Err(); err != nil {
		return err
	}
	return setPlanReview(ctx, tx, p.ID, next.Plan, nil)
}

// reviewPlan records a supervisor's answer on the newest version; the
// first approval of a cycle is the case's planned_at.
func reviewPlan(ctx context.Context, tx *db.Tx, c Case, next State, now time.Time) error {
	p, err := newestPlan(ctx, tx, c.ID, c.Cycle)
	if err != nil {
		return err
	}
	var approved *time.Time
	if next.Plan == Approved {
		approved = &now
		if _, err := tx.Exec(ctx, "UPDATE case_file SET planned_at = ? WHERE id = ? AND planned_at IS NULL", now, c.ID); err != nil {
			return err
		}
	}
	return setPlanReview(ctx, tx, p.ID, next.Plan, approved)
}

func setPlanReview(ctx context.Context, tx *db.Tx, planID int64, r Review, approved *time.Time) error {
	var at any
	if approved != nil {
		at = *approved
	}
	_, err := tx.Exec(ctx, "UPDATE case_plan SET review = ?, approved_at = COALESCE(?, approved_at), version = version + 1 WHERE id = ?",
		string(r), at, planID)
	return err
}

const planColumns = "id, case_id, cycle, number, goals, review, approved_at, updated_by, updated_at, version"

func scanPlan(row interface{ Scan(...any) error }) (Plan, error) {
	var p Plan
	var approved sql.NullTime
	var by sql.NullInt64
	if err := row.Scan(&p.ID, &p.CaseID, &p.Cycle, &p.Number, &p.Goals, &p.Review, &approved, &by, &p.UpdatedAt, &p.Version); err != nil {
		return Plan{}, db.Err(err)
	}
	p.ApprovedAt, p.UpdatedBy, p.UpdatedAt = timePtr(approved), by.Int64, p.UpdatedAt.UTC()
	return p, nil
}

func getPlan(ctx context.Context, q db.Q, planID int64) (Plan, error) {
	p, err := scanPlan(q.QueryRow(ctx, "SELECT "+planColumns+" FROM case_plan WHERE id = ?", planID))
	if err != nil {
		return Plan{}, err
	}
	return p, planItems(ctx, q, &p)
}

// newestPlan is the newest version of a cycle's plan; ErrNotFound when none.
func newestPlan(ctx context.Context, q db.Q, caseID int64, cycle int) (Plan, error) {
	p, err := scanPlan(q.QueryRow(ctx, "SELECT "+planColumns+
		" FROM case_plan WHERE case_id = ? AND cycle = ? ORDER BY number DESC LIMIT 1", caseID, cycle))
	if err != nil {
		return Plan{}, err
	}
	return p, planItems(ctx, q, &p)
}

// planInForce is the newest approved version of a cycle's plan;
// ErrNotFound when none.
func planInForce(ctx context.Context, q db.Q, caseID int64, cycle int) (Plan, error) {
	p, err := scanPlan(q.QueryRow(ctx, "SELECT "+planColumns+
		" FROM case_plan WHERE case_id = ? AND cycle = ? AND approved_at IS NOT NULL ORDER BY number DESC LIMIT 1",
		caseID, cycle))
	if err != nil {
		return Plan{}, err
	}
	return p, planItems(ctx, q, &p)
}

func planItems(ctx context.Context, q db.Q, p *Plan) error {
	rows, err := q.Query(ctx, `SELECT need, component, quantity, unit_label, responsible_unit, responsible_user, target_on, note
		FROM case_plan_item WHERE plan_id = ? ORDER BY line`, p.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	p.Items = []PlanItem{}
	for rows.Next() {
		var it PlanItem
		var ru, rw sql.NullInt64
		if err := rows.Scan(&it.Need, &it.Component, &it.Quantity, &it.UnitLabel, &ru, &rw, &it.TargetOn, &it.Note); err != nil {
			return db.Err(err)
		}
		it.ResponsibleUnit, it.ResponsibleUser = ru.Int64, rw.Int64
		p.Items = append(p.Items, it)
	}
	return rows.Err()
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

package casework

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
)

// Service is a service delivered to the person of a case.
type Service struct {
	ID        int64     `json:"id"`
	CaseID    int64     `json:"case_id"`
	Cycle     int       `json:"cycle"`
	GivenOn   string    `json:"given_on"` // YYYY-MM-DD
	Need      Need      `json:"need"`
	Component Component `json:"component"`
	Quantity  int       `json:"quantity"`
	Cost      int64     `json:"cost"` // whole Rupiah
	Provider  string    `json:"provider"`
	Note      string    `json:"note"`
	// Emergency marks a basic need given before the assessment, within the
	// emergency window (issue 5, point 2).
	Emergency  bool      `json:"emergency"`
	RecordedBy int64     `json:"recorded_by,omitempty"`
	RecordedAt time.Time `json:"recorded_at"`
}

// ServiceInput is a service to record. Emergency asks to record it as an
// emergency basic need, before any plan.
type ServiceInput struct {
	GivenOn   string `json:"given_on"`
	Need      string `json:"need"`
	Component string `json:"component"`
	Quantity  int    `json:"quantity"`
	Cost      int64  `json:"cost"`
	Provider  string `json:"provider"`
	Note      string `json:"note"`
	Emergency bool   `json:"emergency"`
}

// maxCost bounds one service's cost: a trillion Rupiah is a typing error.
const maxCost = 1_000_000_000_000

func (in *ServiceInput) check(c Case, now time.Time) apperr.Fields {
	var f apperr.Fields
	in.GivenOn, in.Provider, in.Note = strings.TrimSpace(in.GivenOn), strings.TrimSpace(in.Provider), strings.TrimSpace(in.Note)
	if in.GivenOn == "" {
		f.Add("given_on", "field.required")
	} else if key := checkDay(in.GivenOn, c.OpenedAt, now); key != "" {
		f.Add("given_on", key)
	}
	need := Need(in.Need)
	switch {
	case !need.Valid():
		f.Add("need", "case.need_unknown")
	case in.Emergency && !need.Emergency():
		f.Add("need", "case.service.not_emergency_need")
	}
	if !Component(in.Component).Valid() {
		f.Add("component", "case.component_unknown")
	}
	if in.Quantity < 1 || in.Quantity > maxQuantity {
		f.Add("quantity", "case.quantity_range", maxQuantity)
	}
	if in.Cost < 0 || in.Cost > maxCost {
		f.Add("cost", "case.cost_range")
	}
	if len([]rune(in.Provider)) > maxShort {
		f.Add("provider", "field.too_long", maxShort)
	}
	if len([]rune(in.Note)) > maxNote {
		f.Add("note", "field.too_long", maxNote)
	}
	return f
}

// RecordService records a service delivered. Without an approved plan only
// an emergency basic need within the emergency window is taken (Decide);
// once a plan is in force every service counts as the plan's.
func (s *Store) RecordService(ctx context.Context, actor audit.Actor, u access.User, id int64, in ServiceInput) (Service, error) {
	action := RecordService
	if in.Emergency {
		action = RecordEmergency
	}
	var out Service
	_, err := s.act(ctx, actor, u, id, step{event: Event{Action: action}, note: in.Note,
		write: func(ctx context.Context, tx *db.Tx, c Case, next State, now time.Time) error {
			if err := in.check(c, now).Err(); err != nil {
				return err
			}
			emergency := in.Emergency && !c.PlanInForce
			err := tx.QueryRow(ctx, `INSERT INTO case_service (case_id, cycle, given_on, need, component, quantity, cost,
				provider, note, emergency, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				id, c.Cycle, in.GivenOn, in.Need, in.Component, in.Quantity, in.Cost, in.Provider, in.Note, emergency,
				u.ID, now).Scan(&out.ID)
			if err != nil {
				return db.Err(err)
			}
			out = Service{ID: out.ID, CaseID: id, Cycle: c.Cycle, GivenOn: in.GivenOn, Need: Need(in.Need),
				Component: Component(in.Component), Quantity: in.Quantity, Cost: in.Cost, Provider: in.Provider,
				Note: in.Note, Emergency: emergency, RecordedBy: u.ID, RecordedAt: now}
			return nil
		}})
	return out, err
}

// services lists a case's services, newest day first.
func services(ctx context.Context, q db.Q, caseID int64) ([]Service, error) {
	rows, err := q.Query(ctx, `SELECT id, case_id, cycle, given_on, need, component, quantity, cost, provider, note,
		emergency, recorded_by, recorded_at FROM case_service WHERE case_id = ? ORDER BY given_on DESC, id DESC`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Service{}
	for rows.Next() {
		var v Service
		var by sql.NullInt64
		if err := rows.Scan(&v.ID, &v.CaseID, &v.Cycle, &v.GivenOn, &v.Need, &v.Component, &v.Quantity, &v.Cost,
			&v.Provider, &v.Note, &v.Emergency, &by, &v.RecordedAt); err != nil {
			return nil, db.Err(err)
		}
		v.RecordedBy, v.RecordedAt = by.Int64, v.RecordedAt.UTC()
		out = append(out, v)
	}
	return out, rows.Err()
}

// NeedStatus is how far one assessed need is met.
type NeedStatus struct {
	Need      Need `json:"need"`
	Planned   int  `json:"planned"`   // what the plan in force sets
	Delivered int  `json:"delivered"` // what was given in this cycle
	Met       bool `json:"met"`
}

// NeedsMet tells, for each need of the cycle's assessment, whether what the
// plan in force set for it has been delivered. A need the plan does not
// cover is not met; all reports whether every assessed need is met, which
// is what SPM counts in X (domain.md §3).
func NeedsMet(a Assessment, p Plan, svc []Service) (out []NeedStatus, all bool) {
	planned := map[Need]int{}
	for _, it := range p.Items {
		planned[it.Need] += it.Quantity
	}
	given := map[Need]int{}
	for _, v := range svc {
		if v.Cycle == a.Cycle {
			given[v.Need] += v.Quantity
		}
	}
	all = len(a.Needs) > 0
	out = []NeedStatus{}
	for _, n := range a.Needs {
		st := NeedStatus{Need: n, Planned: planned[n], Delivered: given[n]}
		st.Met = st.Planned > 0 && st.Delivered >= st.Planned
		all = all && st.Met
		out = append(out, st)
	}
	return out, all
}

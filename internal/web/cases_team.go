package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/casework"
)

// A case's team and its responsible pekerja sosial, set by a supervisor of
// the case's unit (casework.Store.Assign): PUT /api/v1/cases/{id}/team and
// the team form of the case page. And what the case page shows when a
// write was refused on a stale copy: what changed since, who changed it,
// with the editor's own input kept in its form (casework.Conflict).

// caseTeamBody is the body of PUT /api/v1/cases/{id}/team.
type caseTeamBody struct {
	WorkerID int64   `json:"worker_id"`
	Team     []int64 `json:"team"`
	Version  int     `json:"version"`
	Note     string  `json:"note"`
}

func (s *Server) apiCaseTeam(w http.ResponseWriter, r *http.Request) {
	var body caseTeamBody
	id, ok := s.versionedWrite(w, r, &body, &body.Version, nil)
	if !ok {
		return
	}
	c, err := s.cases.Assign(r.Context(), actor(r), caseUser(r), id, casework.TeamInput{WorkerID: body.WorkerID,
		Team: body.Team, Version: body.Version, Note: body.Note})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// teamForm is the team form of the case page: the unit's workers to
// choose from, as stored or as sent.
type teamForm struct {
	WorkerID string
	Members  []option // the unit's active workers and supervisors; Checked: on the team
	Note     string
	Errors   FormErrors
}

// teamMember is a member of a case's team as the page names them.
type teamMember struct {
	Name        string
	Responsible bool
}

// fillTeam prepares the team's names and, for a supervisor of the unit
// while the case takes assignments, the team form.
func (s *Server) fillTeam(ctx context.Context, p *casePage) error {
	d := p.D
	if p.Workers == nil {
		var err error
		if p.Workers, err = s.unitWorkers(ctx, d.UnitID); err != nil {
			return err
		}
	}
	for _, id := range d.Team {
		name := p.WorkerName(id)
		if strings.HasPrefix(name, "#") {
			// No longer an active worker of the unit: named from the account.
			if u, err := access.GetUser(ctx, s.db, id); err == nil {
				name = u.FullName
				if name == "" {
					name = u.Username
				}
			}
		}
		p.Team = append(p.Team, teamMember{Name: name, Responsible: id == d.WorkerID})
	}
	if d.WorkerID != 0 && !slices.Contains(d.Team, d.WorkerID) {
		p.Team = append(p.Team, teamMember{Name: p.WorkerName(d.WorkerID), Responsible: true})
	}
	_, refusal := casework.Decide(d.State, casework.Event{Action: casework.Assign}, casework.Supervisor)
	p.CanAssign = p.Manage && p.Supervisor && refusal == nil
	ids := make([]string, len(d.Team))
	for i, id := range d.Team {
		ids[i] = strconv.FormatInt(id, 10)
	}
	p.TeamForm = p.teamFormOf(strconv.FormatInt(d.WorkerID, 10), ids, "")
	return nil
}

// teamFormOf is the team form with the responsible worker and members
// chosen.
func (p *casePage) teamFormOf(worker string, team []string, note string) teamForm {
	f := teamForm{WorkerID: worker, Note: note}
	for _, o := range p.Workers {
		o.Checked = slices.Contains(team, o.Value)
		f.Members = append(f.Members, o)
	}
	return f
}

func (s *Server) caseTeam(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idAndForm(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	worker, team, note := strings.TrimSpace(f.Get("worker_id")), f["team"], f.Get("note")
	in := casework.TeamInput{Note: note, Team: []int64{}}
	in.Version, _ = strconv.Atoi(f.Get("version"))
	in.WorkerID = formID(worker)
	for _, t := range team {
		in.Team = append(in.Team, formID(t))
	}
	var err error
	if in.Version < 1 {
		// Without the version the change would not be checked against the
		// team the supervisor saw.
		err = apperr.New(apperr.Conflict, "error.stale_version")
	} else {
		_, err = s.cases.Assign(r.Context(), actor(r), caseUser(r), id, in)
	}
	if err != nil {
		s.caseFailed(w, r, id, err, "team", func(p *casePage, fe FormErrors) {
			p.TeamForm = p.teamFormOf(worker, team, note)
			p.TeamForm.Errors = fe
		})
		return
	}
	http.Redirect(w, r, caseURL(id, "team"), http.StatusSeeOther)
}

// formID reads an account id chosen in a form: 0 when blank, -1 when it is
// not a number (refused by the store as no account of the unit).
func formID(s string) int64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return -1
	}
	return n
}

// The panel of a stale write: what changed since the editor's copy.

// conflictLabels name the fields a conflict may list, by the catalog key
// of their label; domains.* are named by the domain.
var conflictLabels = map[string]string{
	"risks": "caseui.assessment.risks", "needs": "caseui.assessment.needs", "components": "caseui.assessment.components",
	"risk": "caseui.assessment.overall_risk", "conference_on": "caseui.field.conference_on",
	"conference_with": "caseui.field.conference_with", "conference_notes": "caseui.field.conference_notes",
	"needs_rehab": "caseui.assessment.conclusion", "conclusion": "caseui.field.conclusion", "goals": "caseui.field.goals",
	"items": "caseconflict.field.items", "done_on": "caseui.field.done_on", "outcome": "caseui.field.outcome",
	"note": "caseui.field.visit_note", "status": "caseui.field.status", "answered_by": "caseconflict.field.answered_by",
	"answered_at": "caseconflict.field.answered_at", "answer_note": "caseui.link.answer_note",
}

// ConflictField names a field of a conflict in the page's language.
func (v *caseView) ConflictField(field string) string {
	if d, ok := strings.CutPrefix(field, "domains."); ok {
		return v.DomainName(casework.Domain(d))
	}
	if key, ok := conflictLabels[field]; ok {
		return v.T(key)
	}
	return field
}

// ConflictValue writes the value stored now of a conflict's field.
func (v *caseView) ConflictValue(f casework.ChangedField) string {
	empty := v.T("caseconflict.empty")
	switch x := f.Stored.(type) {
	case nil:
		return empty
	case bool:
		if x {
			return v.T("caseui.assessment.rehab_yes")
		}
		return v.T("caseui.assessment.rehab_no")
	case time.Time:
		return v.Date(x)
	case []casework.Need:
		return joinNames(x, v.NeedName, empty)
	case []casework.Component:
		return joinNames(x, v.ComponentName, empty)
	case []casework.RiskFlag:
		return joinNames(x, v.RiskFlagName, empty)
	case casework.Risk:
		return v.RiskName(x)
	case casework.ReferralStatus:
		return v.ReferralStatusName(x)
	case casework.FollowUpOutcome:
		return v.OutcomeName(x)
	case []casework.PlanItem:
		var rows []string
		for _, it := range x {
			rows = append(rows, fmt.Sprintf("%s · %s · %d %s · %s", v.NeedName(it.Need), v.ComponentName(it.Component),
				it.Quantity, it.UnitLabel, v.Day(it.TargetOn)))
		}
		return joinNames(rows, func(s string) string { return s }, empty)
	case string:
		if x == "" {
			return empty
		}
		if f.Field == "conference_on" || f.Field == "done_on" {
			return v.Day(x)
		}
		return x
	}
	return fmt.Sprint(f.Stored)
}

func joinNames[T any](xs []T, name func(T) string, empty string) string {
	if len(xs) == 0 {
		return empty
	}
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = name(x)
	}
	return strings.Join(out, "; ")
}

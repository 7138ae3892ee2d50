package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/casework"
)

// The case management API (issue 5, point 11) under /api/v1/cases and
// /api/v1/work. The case store decides everything: who may see a case (its
// team and its unit's supervisors; to anyone else it does not exist) and
// which step may happen now (a refusal comes back as an apperr with Code,
// which fail sends as the problem's "code"). These handlers decode, call
// the store as the signed-in account and encode.

// caseUser is the signed-in account the case store works for; guard lets
// no request without one reach a case route.
func caseUser(r *http.Request) access.User {
	if u := state(r).user; u != nil {
		return *u
	}
	return access.User{}
}

// caseList is the answer of GET /api/v1/cases.
type caseList struct {
	Items []casework.Item `json:"items"`
	Total int             `json:"total"`
	// More is true when the list goes deeper than it counts
	// (casework.MaxListDepth): narrow it by stage.
	More bool `json:"more"`
	Page int  `json:"page"`
	Size int  `json:"size"`
}

// caseFilter reads the list's query parameters, refusing a malformed one
// by its name rather than quietly listing something else.
func caseFilter(q url.Values) (casework.ListFilter, error) {
	f := casework.ListFilter{Stage: casework.Stage(q.Get("stage"))}
	if f.Stage != "" && !f.Stage.Valid() {
		return f, apperr.BadParam("stage", "caseapi.stage_unknown", joinCodes(casework.Stages))
	}
	var err error
	if f.Open, err = boolParam(q, "open"); err != nil {
		return f, err
	}
	if f.Mine, err = boolParam(q, "mine"); err != nil {
		return f, err
	}
	if f.Waiting, err = boolParam(q, "waiting"); err != nil {
		return f, err
	}
	if f.Page, err = countParam(q, "page", 1); err != nil {
		return f, err
	}
	if f.Size, err = countParam(q, "size", 25); err != nil {
		return f, err
	}
	return f, nil
}

// boolParam reads an optional true/false query parameter.
func boolParam(q url.Values, name string) (bool, error) {
	v := q.Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, apperr.BadParam(name, "field.boolean")
	}
	return b, nil
}

// countParam reads an optional positive integer query parameter, capped
// like queryInt so that an offset computed from it cannot overflow.
func countParam(q url.Values, name string, def int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, apperr.BadParam(name, "field.number")
	}
	return min(n, maxQueryInt), nil
}

func joinCodes[T ~string](codes []T) string {
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = string(c)
	}
	return strings.Join(parts, ", ")
}

func (s *Server) apiCases(w http.ResponseWriter, r *http.Request) {
	f, err := caseFilter(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, total, more, err := s.cases.List(r.Context(), caseUser(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, caseList{Items: nonNil(items), Total: total, More: more, Page: f.Page, Size: listSize(f.Size)})
}

func (s *Server) apiCaseOpen(w http.ResponseWriter, r *http.Request) {
	var in casework.OpenInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.cases.Open(r.Context(), actor(r), caseUser(r), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/cases/"+strconv.FormatInt(c.ID, 10))
	writeJSON(w, http.StatusCreated, c)
}

// apiCase opens a case with its documents; every opening is audited by
// the store.
func (s *Server) apiCase(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.cases.Detail(r.Context(), actor(r), caseUser(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Before the first assessment there are no needs: an empty list, so
	// that clients need not tell null from [].
	d.Needs = nonNil(d.Needs)
	writeJSON(w, http.StatusOK, d)
}

// caseActionBody is the body of POST /api/v1/cases/{id}/actions.
type caseActionBody struct {
	Action  string `json:"action"`
	Version int    `json:"version"`
	Reason  string `json:"reason"`
	Note    string `json:"note"`
}

// apiActions are the steps /actions takes: those that change only the
// case's state and timeline. A document (assessment, plan, service, …) is
// written by its own route in the same step, and so is the team (assign:
// PUT /cases/{id}/team, cases_team.go).
var apiActions = []casework.Action{casework.SubmitAssessment, casework.ApproveAssessment, casework.ReturnAssessment,
	casework.SubmitPlan, casework.ApprovePlan, casework.ReturnPlan, casework.StartReintegration,
	casework.RequestTermination, casework.ApproveTermination, casework.ReturnTermination, casework.CloseFollowUp,
	casework.Reopen, casework.AddNote}

func (s *Server) apiCaseAct(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var body caseActionBody
	if err := decodeJSON(r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	action := casework.Action(body.Action)
	var f apperr.Fields
	if !slices.Contains(apiActions, action) {
		f.Add("action", "caseapi.action_unknown", joinCodes(apiActions))
	}
	switch {
	case body.Version == 0:
		f.Add("version", "field.required")
	case body.Version < 0:
		f.Add("version", "field.number")
	}
	// A reason belongs to a request for terminasi only; elsewhere it would
	// sit in the timeline as if it meant something.
	if body.Reason != "" && action != casework.RequestTermination {
		f.Add("reason", "caseapi.reason_unused")
	}
	if err := f.Err(); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.cases.Act(r.Context(), actor(r), caseUser(r), id, body.Version,
		casework.Event{Action: action, Reason: casework.Reason(body.Reason)}, body.Note)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) apiCaseAssessment(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in casework.AssessmentInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.cases.SaveAssessment(r.Context(), actor(r), caseUser(r), id, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) apiCasePlan(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in casework.PlanInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.cases.SavePlan(r.Context(), actor(r), caseUser(r), id, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (s *Server) apiCaseService(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in casework.ServiceInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.cases.RecordService(r.Context(), actor(r), caseUser(r), id, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, v)
}

package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
)

type auditPage struct {
	Base
	Items  []audit.Item
	Filter auditForm
	Older  template.URL // link to the next (older) page, empty at the end
}

type auditForm struct {
	Entity, EntityID, Actor, Action, From, To string
}

var auditEntities = []string{"user", "unit", "person", "household", "consent", "case", "spm_aggregate", "spm_mutu", "spm_catalog", "spm_report", "setting", "complaint", "skm_period", "skm_kiosk", "sarpras_audit", "sarpras_task", "sarpras_item"}
var auditActions = []string{audit.Create, audit.Update, audit.Delete, audit.Activate, audit.Deactivate, audit.Reset, audit.TokenNew,
	audit.TokenDrop, audit.Read, audit.Submit, audit.Return, audit.Verify, audit.Lock, audit.Reopen}

// Entities lists the kinds of record in the log, for the filter.
func (p *auditPage) Entities() []string { return auditEntities }

// Actions lists the kinds of change, for the filter.
func (p *auditPage) Actions() []string { return auditActions }

// auditFilter reads the filter from the query; dates are whole days in WIB.
func auditFilter(r *http.Request) (audit.Filter, auditForm, error) {
	q := r.URL.Query()
	form := auditForm{Entity: q.Get("entity"), EntityID: q.Get("entity_id"), Actor: q.Get("actor"), Action: q.Get("action"),
		From: q.Get("from"), To: q.Get("to")}
	sc := scope(r)
	f := audit.Filter{All: sc.All, Within: auditWithin(sc), Entity: form.Entity, EntityID: form.EntityID,
		Actor: form.Actor, Action: form.Action, Limit: queryInt(r, "size", 50)}
	var fe apperr.Fields
	for _, d := range []struct {
		name, v string
		to      *time.Time
		add     int
	}{{"from", form.From, &f.From, 0}, {"to", form.To, &f.To, 1}} {
		if d.v == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", d.v, wib)
		if err != nil {
			fe.Add(d.name, "field.date_format")
			continue
		}
		*d.to = t.AddDate(0, 0, d.add)
	}
	if v := q.Get("before"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			fe.Add("before", "field.number")
		}
		f.BeforeID = id
	}
	if err := fe.Err(); err != nil {
		e := err.(*apperr.Error)
		e.Kind = apperr.BadRequest
		return f, form, e
	}
	return f, form, nil
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	f, form, err := auditFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, err := audit.List(r.Context(), s.db, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	redactPersonal(items)
	p := &auditPage{Base: Base{Title: "audit.title"}, Items: items, Filter: form}
	if n := len(items); n > 0 && n == max(f.Limit, 1) || (f.Limit <= 0 && n == 50) {
		q := r.URL.Query()
		q.Set("before", strconv.FormatInt(items[len(items)-1].ID, 10))
		p.Older = template.URL("/audit?" + q.Encode())
	}
	s.render(w, r, http.StatusOK, "audit", p)
}

type auditList struct {
	Items []audit.Item `json:"items"`
	// Next is the query for the next (older) page; empty at the end. Audit
	// paging is by id so that records arriving meanwhile do not shift pages.
	Next string `json:"next"`
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) {
	f, _, err := auditFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if f.Limit > 200 {
		f.Limit = 200
	}
	items, err := audit.List(r.Context(), s.db, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	redactPersonal(items)
	out := auditList{Items: nonNil(items)}
	if len(items) > 0 && len(items) == f.Limit {
		q := url.Values(r.URL.Query())
		q.Set("before", strconv.FormatInt(items[len(items)-1].ID, 10))
		out.Next = "/api/v1/audit?" + q.Encode()
	}
	writeJSON(w, http.StatusOK, out)
}

// personalEntities are the records whose contents are personal data.
var personalEntities = map[string]bool{"person": true, "household": true, "consent": true, "case": true}

// redactPersonal drops the before/after contents of changes to personal
// records: the audit log's readers (admins) may see who changed or opened
// whose record and when, but not the record itself, which only the workers
// of the person's unit may open (UU 27/2022, data minimisation). The full
// contents stay in the database for an investigation.
func redactPersonal(items []audit.Item) {
	for i := range items {
		if personalEntities[items[i].Entity] {
			items[i].Before, items[i].After = nil, nil
		}
	}
}

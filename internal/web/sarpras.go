package web

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/quality/sarpras"
	"github.com/layan-id/layan/internal/unit"
	"github.com/layan-id/layan/internal/wilayah"
)

// Accessible-facility audits (issue 7 point 3; internal/quality/sarpras):
// a unit's history and new audit, the checklist of one audit, photos,
// finalising, remediation tasks, my tasks, the comparison of a region's
// units and the checklist's items. The store decides who may do what;
// these handlers decode, call it and render.

func unitAuditPath(unitID, auditID int64) string {
	return "/units/" + strconv.FormatInt(unitID, 10) + "/sarpras/" + strconv.FormatInt(auditID, 10)
}

// unitStaff lists the active accounts of a unit, who may own its tasks.
func (s *Server) unitStaff(ctx context.Context, unitID int64) ([]access.User, error) {
	active := true
	users, _, err := access.ListUsers(ctx, s.db, access.Scope{UnitID: unitID}, access.UserFilter{Active: &active, Size: 100})
	return users, err
}

// JSON API.

func (s *Server) apiSarprasHistory(w http.ResponseWriter, r *http.Request) {
	readByID(s, w, r, s.sarpras.History, nil)
}

func (s *Server) apiSarprasCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in sarpras.AuditInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.sarpras.Create(r.Context(), actor(r), caseUser(r), id, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1"+unitAuditPath(id, a.ID))
	writeJSON(w, http.StatusCreated, a)
}

func (s *Server) apiSarprasAudit(w http.ResponseWriter, r *http.Request) {
	readByIDs(s, w, r, "audit", s.sarpras.Get)
}

func (s *Server) apiSarprasAnswers(w http.ResponseWriter, r *http.Request) {
	changeByIDs(s, w, r, "audit", http.StatusOK, s.sarpras.Answer)
}

type versionBody struct {
	Version int `json:"version"`
}

func (s *Server) apiSarprasFinal(w http.ResponseWriter, r *http.Request) {
	changeByIDs(s, w, r, "audit", http.StatusOK, func(ctx context.Context, a audit.Actor, u access.User, unitID, auditID int64, in versionBody) (sarpras.Audit, error) {
		return s.sarpras.Finalise(ctx, a, u, unitID, auditID, in.Version)
	})
}

// readPhoto parses a photo upload (parts "file" and "item") and hands the
// file to the store, which checks it from its content.
func (s *Server) readPhoto(w http.ResponseWriter, r *http.Request, unitID, auditID int64) (sarpras.Photo, error) {
	r.Body = http.MaxBytesReader(w, r.Body, sarpras.DefaultMaxPhoto+1<<20)
	if err := r.ParseMultipartForm(attachmentForm); err != nil {
		if strings.Contains(err.Error(), "too large") {
			return sarpras.Photo{}, apperr.New(apperr.TooLarge, "sarpras.photo_too_large", sarpras.DefaultMaxPhoto>>20)
		}
		return sarpras.Photo{}, apperr.New(apperr.BadRequest, "caseapi2.multipart")
	}
	defer r.MultipartForm.RemoveAll()
	item := r.FormValue("item")
	if !validText(item) {
		return sarpras.Photo{}, apperr.BadParam("item", "field.utf8")
	}
	file, header, err := r.FormFile("file")
	if err != nil {
		var f apperr.Fields
		f.Add("file", "field.required")
		return sarpras.Photo{}, f.Err()
	}
	defer file.Close()
	return s.sarpras.AttachPhoto(r.Context(), actor(r), caseUser(r), unitID, auditID, item, header.Filename, file)
}

func (s *Server) apiSarprasPhoto(w http.ResponseWriter, r *http.Request) {
	unitID, auditID, err := pathIDs(r, "audit")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.readPhoto(w, r, unitID, auditID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, p)
}

// sarprasPhotoFile sends a photo's bytes (page and API alike). Its type
// was checked from its content when it was kept.
func (s *Server) sarprasPhotoFile(w http.ResponseWriter, r *http.Request) {
	unitID, auditID, err := pathIDs(r, "audit")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	photoID, err := pathIDOf(r, "photo")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, file, err := s.sarpras.OpenPhoto(r.Context(), caseUser(r), unitID, auditID, photoID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer file.Close()
	h := w.Header()
	h.Set("Content-Type", p.ContentType)
	h.Set("Content-Length", strconv.FormatInt(p.Size, 10))
	h.Set("Content-Disposition", "inline; filename*=UTF-8''"+rfc5987(p.Name))
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	w.WriteHeader(http.StatusOK)
	io.Copy(w, file)
}

func (s *Server) apiSarprasTaskCreate(w http.ResponseWriter, r *http.Request) {
	changeByIDs(s, w, r, "audit", http.StatusCreated, s.sarpras.CreateTask)
}

func (s *Server) apiSarprasTaskDone(w http.ResponseWriter, r *http.Request) {
	changeByIDs(s, w, r, "task", http.StatusOK, func(ctx context.Context, a audit.Actor, u access.User, unitID, taskID int64, in versionBody) (sarpras.Task, error) {
		return s.sarpras.CompleteTask(ctx, a, u, unitID, taskID, in.Version)
	})
}

type sarprasTaskList struct {
	Items []sarpras.Task `json:"items"`
}

func (s *Server) apiSarprasMyTasks(w http.ResponseWriter, r *http.Request) {
	ts, err := s.sarpras.MyTasks(r.Context(), caseUser(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sarprasTaskList{Items: ts})
}

func (s *Server) apiSarprasCompare(w http.ResponseWriter, r *http.Request) {
	c, err := s.sarpras.Compare(r.Context(), caseUser(r), wilayah.Code(r.URL.Query().Get("region")))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

type sarprasItemList struct {
	Items []sarpras.Item `json:"items"`
}

func (s *Server) apiSarprasItems(w http.ResponseWriter, r *http.Request) {
	items, err := s.sarpras.Items(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sarprasItemList{Items: items})
}

func (s *Server) apiSarprasItemSave(w http.ResponseWriter, r *http.Request) {
	var in sarpras.Item
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	it, err := s.sarpras.SaveItem(r.Context(), actor(r), caseUser(r), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if in.Version == 0 {
		status = http.StatusCreated
	}
	writeJSON(w, status, it)
}

// Pages.

type sarprasUnitPage struct {
	Base
	H      sarpras.History
	Today  string
	Errors FormErrors
}

func (s *Server) sarprasUnit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderSarprasUnit(w, r, id, http.StatusOK, nil)
}

func (s *Server) renderSarprasUnit(w http.ResponseWriter, r *http.Request, id int64, status int, errs FormErrors) {
	h, err := s.sarpras.History(r.Context(), caseUser(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &sarprasUnitPage{H: h, Today: time.Now().In(wib).Format(time.DateOnly), Errors: errs}
	p.Title = "sarpras.title"
	s.render(w, r, status, "sarpras_unit", p)
}

func (s *Server) sarprasCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idAndForm(w, r)
	if !ok {
		return
	}
	a, err := s.sarpras.Create(r.Context(), actor(r), caseUser(r), id,
		sarpras.AuditInput{Date: r.PostForm.Get("date"), Note: r.PostForm.Get("note")})
	if err != nil {
		if fe := s.formErrors(r, err); fe != nil {
			s.renderSarprasUnit(w, r, id, http.StatusUnprocessableEntity, fe)
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, unitAuditPath(id, a.ID), http.StatusSeeOther)
}

// sarprasGroup is the rows of one group of the checklist, for the form.
type sarprasGroup struct {
	Group sarpras.Group
	Rows  []sarprasRowView
}

type sarprasRowView struct {
	sarpras.Row
	Photos []sarpras.Photo
}

type sarprasAuditPage struct {
	Base
	A       sarpras.Audit
	Groups  []sarprasGroup
	Manage  bool
	Staff   []access.User
	Suggest []sarpras.Row
	Errors  FormErrors
	Saved   string
	Answers []sarpras.Answer
}

func (s *Server) sarprasAudit(w http.ResponseWriter, r *http.Request) {
	unitID, auditID, err := pathIDs(r, "audit")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderSarprasAudit(w, r, unitID, auditID, http.StatusOK, nil, nil)
}

// renderSarprasAudit shows an audit; sent, when a save was refused, holds
// the answers as they were sent, so nobody types them twice.
func (s *Server) renderSarprasAudit(w http.ResponseWriter, r *http.Request, unitID, auditID int64, status int, errs FormErrors, sent map[string]sarpras.AnswerInput) {
	u := caseUser(r)
	a, err := s.sarpras.Get(r.Context(), u, unitID, auditID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h, err := s.sarpras.History(r.Context(), u, unitID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &sarprasAuditPage{A: a, Manage: h.Manage, Errors: errs, Saved: r.URL.Query().Get("saved"), Answers: sarpras.Answers}
	for _, g := range sarpras.Groups {
		grp := sarprasGroup{Group: g}
		for _, row := range a.Rows {
			if row.Group != g {
				continue
			}
			if in, ok := sent[row.Code]; ok {
				row.Answer, row.Note = in.Answer, in.Note
			}
			v := sarprasRowView{Row: row}
			for _, ph := range a.Photos {
				if ph.ItemCode == row.Code {
					v.Photos = append(v.Photos, ph)
				}
			}
			grp.Rows = append(grp.Rows, v)
		}
		if len(grp.Rows) > 0 {
			p.Groups = append(p.Groups, grp)
		}
	}
	p.Suggest = sarpras.Suggestions(a.Rows)
	if p.Manage {
		if p.Staff, err = s.unitStaff(r.Context(), unitID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	p.Title = "sarpras.audit_title"
	s.render(w, r, status, "sarpras_audit", p)
}

func (s *Server) sarprasAnswers(w http.ResponseWriter, r *http.Request) {
	unitID, auditID, err := pathIDs(r, "audit")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	version, _ := strconv.Atoi(f.Get("version"))
	note := f.Get("note")
	in := sarpras.AnswersInput{Version: version, Note: &note}
	sent := map[string]sarpras.AnswerInput{}
	for _, code := range f["item"] {
		a := sarpras.AnswerInput{Code: code, Answer: sarpras.Answer(f.Get("answer." + code)), Note: f.Get("note." + code)}
		in.Answers = append(in.Answers, a)
		sent[code] = a
	}
	_, err = s.sarpras.Answer(r.Context(), actor(r), caseUser(r), unitID, auditID, in)
	if err != nil {
		if fe := s.formErrors(r, err); fe != nil {
			s.renderSarprasAudit(w, r, unitID, auditID, http.StatusUnprocessableEntity, fe, sent)
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, unitAuditPath(unitID, auditID)+"?saved=answers", http.StatusSeeOther)
}

func (s *Server) sarprasPhoto(w http.ResponseWriter, r *http.Request) {
	unitID, auditID, err := pathIDs(r, "audit")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.readPhoto(w, r, unitID, auditID); err != nil {
		if k := apperr.KindOf(err); k == apperr.Invalid || k == apperr.TooLarge {
			ae := apperr.As(err)
			msg := s.cat.T(state(r).lang, ae.Key, ae.Args...)
			if len(ae.Fields) > 0 {
				msg = s.cat.T(state(r).lang, ae.Fields[0].Key, ae.Fields[0].Args...)
			}
			status := http.StatusUnprocessableEntity
			if k == apperr.TooLarge {
				status = http.StatusRequestEntityTooLarge
			}
			s.renderSarprasAudit(w, r, unitID, auditID, status, FormErrors{"file": msg}, nil)
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, unitAuditPath(unitID, auditID)+"?saved=photo#photos", http.StatusSeeOther)
}

func (s *Server) sarprasFinal(w http.ResponseWriter, r *http.Request) {
	unitID, auditID, err := pathIDs(r, "audit")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	if _, err := s.sarpras.Finalise(r.Context(), actor(r), caseUser(r), unitID, auditID, version); err != nil {
		if fe := s.formErrors(r, err); fe != nil {
			ae := apperr.As(err)
			fe["_"] = s.cat.T(state(r).lang, ae.Key, ae.Args...)
			s.renderSarprasAudit(w, r, unitID, auditID, http.StatusUnprocessableEntity, fe, nil)
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, unitAuditPath(unitID, auditID)+"?saved=final", http.StatusSeeOther)
}

func (s *Server) sarprasTaskCreate(w http.ResponseWriter, r *http.Request) {
	unitID, auditID, err := pathIDs(r, "audit")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	owner, _ := strconv.ParseInt(f.Get("owner_id"), 10, 64)
	_, err = s.sarpras.CreateTask(r.Context(), actor(r), caseUser(r), unitID, auditID, sarpras.TaskInput{
		Item: f.Get("item"), Description: f.Get("description"), OwnerID: owner, Due: f.Get("due")})
	if err != nil {
		if fe := s.formErrors(r, err); fe != nil {
			s.renderSarprasAudit(w, r, unitID, auditID, http.StatusUnprocessableEntity, fe, nil)
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, unitAuditPath(unitID, auditID)+"?saved=task#tasks", http.StatusSeeOther)
}

func (s *Server) sarprasTaskDone(w http.ResponseWriter, r *http.Request) {
	unitID, ok := s.idAndForm(w, r)
	if !ok {
		return
	}
	taskID, err := pathIDOf(r, "task")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	if _, err := s.sarpras.CompleteTask(r.Context(), actor(r), caseUser(r), unitID, taskID, version); err != nil {
		s.fail(w, r, err)
		return
	}
	next := r.PostForm.Get("next")
	if next != "/sarpras/tasks" {
		next = "/units/" + strconv.FormatInt(unitID, 10) + "/sarpras"
	}
	http.Redirect(w, r, next+"?saved=task", http.StatusSeeOther)
}

type sarprasTasksPage struct {
	Base
	Tasks []sarpras.Task
	Saved bool
}

func (s *Server) sarprasMyTasks(w http.ResponseWriter, r *http.Request) {
	ts, err := s.sarpras.MyTasks(r.Context(), caseUser(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &sarprasTasksPage{Tasks: ts, Saved: r.URL.Query().Get("saved") != ""}
	p.Title = "sarpras.tasks_title"
	s.render(w, r, http.StatusOK, "sarpras_tasks", p)
}

// sarprasBar is one bar of the comparison chart, in SVG units.
type sarprasBar struct {
	Y, Width int
	Name     string
	Score    float64
}

type sarprasComparePage struct {
	Base
	C      sarpras.Comparison
	Region string
	Bars   []sarprasBar
	Height int
}

func (s *Server) sarprasCompare(w http.ResponseWriter, r *http.Request) {
	region := r.URL.Query().Get("region")
	c, err := s.sarpras.Compare(r.Context(), caseUser(r), wilayah.Code(region))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &sarprasComparePage{C: c, Region: string(c.Region)}
	// One bar per audited unit, the score as the share of 300 units of
	// width; the table below holds the same figures for screen readers.
	for _, u := range c.Units {
		if u.Score == nil {
			continue
		}
		p.Bars = append(p.Bars, sarprasBar{Y: len(p.Bars) * 28, Width: int(*u.Score * 3), Name: u.Name, Score: *u.Score})
	}
	p.Height = len(p.Bars)*28 + 4
	p.Title = "sarpras.compare_title"
	s.render(w, r, http.StatusOK, "sarpras_compare", p)
}

type sarprasItemsPage struct {
	Base
	Items  []sarpras.Item
	Manage bool
	Groups []sarpras.Group
	Errors FormErrors
	Form   sarpras.Item
	Saved  bool
}

func (s *Server) sarprasItems(w http.ResponseWriter, r *http.Request) {
	s.renderSarprasItems(w, r, http.StatusOK, nil, sarpras.Item{Group: sarpras.Layanan, Weight: 1, Active: true})
}

func (s *Server) renderSarprasItems(w http.ResponseWriter, r *http.Request, status int, errs FormErrors, form sarpras.Item) {
	items, err := s.sarpras.Items(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := caseUser(r)
	p := &sarprasItemsPage{Items: items, Manage: u.Role == access.Admin && u.Scope().All, Groups: sarpras.Groups,
		Errors: errs, Form: form, Saved: r.URL.Query().Get("saved") != ""}
	p.Title = "sarpras.items_title"
	s.render(w, r, status, "sarpras_items", p)
}

// sarprasItemSave saves one item from the items page: a new one (version
// 0) or a change of one listed.
func (s *Server) sarprasItemSave(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	it := sarpras.Item{Code: f.Get("code"), Group: sarpras.Group(f.Get("group")), Name: f.Get("name"),
		Criterion: f.Get("criterion"), Source: f.Get("source"), Active: f.Get("active") != ""}
	it.Version, _ = strconv.Atoi(f.Get("version"))
	it.Position, _ = strconv.Atoi(f.Get("position"))
	var err error
	if it.Weight, err = strconv.ParseFloat(strings.Replace(strings.TrimSpace(f.Get("weight")), ",", ".", 1), 64); err != nil {
		it.Weight = 0 // refused by the store, naming the field
	}
	if _, err := s.sarpras.SaveItem(r.Context(), actor(r), caseUser(r), it); err != nil {
		if fe := s.formErrors(r, err); fe != nil {
			s.renderSarprasItems(w, r, http.StatusUnprocessableEntity, fe, it)
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/sarpras/items?saved=1", http.StatusSeeOther)
}

// AnswerKey is the catalog key of an answer's wording.
func (p *sarprasAuditPage) AnswerKey(a sarpras.Answer) string { return "sarpras.answer." + string(a) }

// Open reports whether the audit may still change.
func (p *sarprasAuditPage) Open() bool { return p.Manage && p.A.Status == sarpras.Draft }

// ScoreText is the final score with two decimals.
func (p *sarprasAuditPage) ScoreText() string {
	if p.A.Score == nil {
		return ""
	}
	return p.IKMNum(*p.A.Score)
}

// sarprasTasksView hands the tasks partial the page and its tasks.
type sarprasTasksView struct {
	*Base
	Tasks    []sarpras.Task
	Next     string
	ShowUnit bool
}

// WithSarprasTasks is a unit's tasks for the partial "sarpras_tasks_table".
func (b *Base) WithSarprasTasks(ts []sarpras.Task, next string) sarprasTasksView {
	return sarprasTasksView{Base: b, Tasks: ts, Next: next}
}

// WithSarprasTasksAll is the tasks of several units, each named.
func (b *Base) WithSarprasTasksAll(ts []sarpras.Task, next string) sarprasTasksView {
	return sarprasTasksView{Base: b, Tasks: ts, Next: next, ShowUnit: true}
}

// CanClose reports whether the button to mark a task done is shown: to
// its owner and to those who run audits (the store checks the unit).
func (v sarprasTasksView) CanClose(t sarpras.Task) bool {
	u := v.User
	return u != nil && (u.ID == t.OwnerID || u.Role == access.Supervisor || u.Role == access.Admin)
}

// ReadsSarprasOf reports whether the unit page links to the unit's
// audits: only for those the store lets read them (its staff, the admins
// of its region), not every holder of the permission.
func (b *Base) ReadsSarprasOf(un unit.Unit) bool {
	return b.User != nil && b.User.Role.Can(access.ReadSarpras) && sarpras.Reads(*b.User, un)
}

// editing reports whether the page answers a refused change of item code
// (as against a refused new item).
func (p *sarprasItemsPage) editing(code string) bool {
	return p.Errors != nil && p.Form.Version != 0 && p.Form.Code == code
}

// EditForm is what the edit form of an item shows: what was sent when a
// change of it was refused, else the item as it is.
func (p *sarprasItemsPage) EditForm(it sarpras.Item) sarpras.Item {
	if p.editing(it.Code) {
		return p.Form
	}
	return it
}

// EditErrors are the refusals of a change of item code, by field.
func (p *sarprasItemsPage) EditErrors(code string) FormErrors {
	if p.editing(code) {
		return p.Errors
	}
	return nil
}

// NewForm is what the form for a new item shows: what was sent when a new
// item was refused, else the defaults.
func (p *sarprasItemsPage) NewForm() sarpras.Item {
	if p.Form.Version != 0 {
		return sarpras.Item{Group: sarpras.Layanan, Weight: 1, Active: true}
	}
	return p.Form
}

// NewErrors are the refusals of a new item, by field.
func (p *sarprasItemsPage) NewErrors() FormErrors {
	if p.Form.Version != 0 {
		return nil
	}
	return p.Errors
}

package web

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/casework"
	"github.com/layan-id/layan/internal/i18n"
	"github.com/layan-id/layan/internal/quality/complaint"
	"github.com/layan-id/layan/internal/quality/sarpras"
	"github.com/layan-id/layan/internal/registry"
	"github.com/layan-id/layan/internal/unit"
)

// The case management pages: "Pekerjaan saya", the case list, opening a
// case, the case page with its documents and forms, the referrals a unit
// received, and the page an outside agency opens through its referral link.
// Every form posts and is answered by a redirect (or, when it was refused,
// by the page again with what was typed, the messages under the fields and
// 422); the case store decides what may happen, and a refusal comes back as
// the sentence of its code (case.refused.*) at the top of the case page.
// JSON clients use the same store calls through cases.go.

// caseView is what every case page needs besides Base: the names of the
// case vocabulary in the page's language.
type caseView struct {
	Base
}

// label names code by its catalog key prefix+code, or shows the code when
// the catalog lacks it (a value newer than the catalog is seen, not hidden).
func (v *caseView) label(prefix, code string) string {
	if code == "" {
		return "—"
	}
	if v.cat == nil || !v.cat.Has(i18n.ID, prefix+code) {
		return code
	}
	return v.T(prefix + code)
}

// The names of the case vocabulary, one method per kind of code.

func (v *caseView) StageName(s casework.Stage) string {
	return v.label("caseui.stage.", string(s))
}

func (v *caseView) ClusterName(c casework.Cluster) string {
	return v.label("caseui.cluster.", string(c))
}

func (v *caseView) SettingName(s casework.Setting) string {
	return v.label("caseui.setting.", string(s))
}

func (v *caseView) SourceName(s casework.Source) string {
	return v.label("caseui.source.", string(s))
}

func (v *caseView) RiskName(r casework.Risk) string {
	return v.label("caseui.risk.", string(r))
}

func (v *caseView) NeedName(n casework.Need) string {
	return v.label("caseui.need.", string(n))
}

func (v *caseView) ComponentName(c casework.Component) string {
	return v.label("caseui.component.", string(c))
}

func (v *caseView) DomainName(d casework.Domain) string {
	return v.label("caseui.domain.", string(d))
}

func (v *caseView) RiskFlagName(f casework.RiskFlag) string {
	return v.label("caseui.risk_flag.", string(f))
}

func (v *caseView) ReasonName(r casework.Reason) string {
	return v.label("caseui.reason.", string(r))
}

func (v *caseView) AgencyName(k casework.AgencyKind) string {
	return v.label("referral.agency.", string(k))
}

func (v *caseView) OutcomeName(o casework.FollowUpOutcome) string {
	return v.label("case.follow_up.outcome.", string(o))
}

func (v *caseView) ReferralStatusName(s casework.ReferralStatus) string {
	return v.label("referral.status.", string(s))
}

func (v *caseView) TaskName(kind string) string { return v.label("caseui.task.", kind) }

// ReviewName says where a document stands: draft, submitted, approved,
// returned, or not written yet.
func (v *caseView) ReviewName(r casework.Review) string {
	if r == casework.None {
		return v.T("caseui.review.none")
	}
	return v.label("caseui.review.", string(r))
}

// EventName names a step of the timeline: an action, or what the store
// writes besides actions (opening, answers to referrals, a transfer).
func (v *caseView) EventName(action string) string { return v.label("caseui.event.", action) }

// ActionName is the label of an action's button.
func (v *caseView) ActionName(a casework.Action) string { return v.label("caseui.action.", string(a)) }

// Panti says where services are given in the SPM's words: dalam panti
// (residential) or luar panti.
func (v *caseView) Panti(s casework.Setting) string {
	if s.DalamPanti() {
		return v.T("caseui.dalam_panti")
	}
	return v.T("caseui.luar_panti")
}

// Day writes a YYYY-MM-DD date as Indonesians do, DD-MM-YYYY.
func (v *caseView) Day(s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		if s == "" {
			return "—"
		}
		return s
	}
	return d.Format("02-01-2006")
}

// DayOf writes the WIB calendar day of a time, DD-MM-YYYY.
func (v *caseView) DayOf(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(wib).Format("02-01-2006")
}

// Rupiah writes an amount with the thousands separator of the language.
func (v *caseView) Rupiah(n int64) string { return v.T("caseui.rupiah", v.Num(int(n))) }

// Waiting says which documents of a listed case wait for a supervisor.
func (v *caseView) Waiting(it casework.Item) string {
	var out []string
	for _, w := range []struct {
		r   casework.Review
		key string
	}{{it.Assessment, "caseui.doc.assessment"}, {it.Plan, "caseui.doc.plan"}, {it.Terminate, "caseui.doc.termination"}} {
		if w.r == casework.Submitted {
			out = append(out, v.T(w.key))
		}
	}
	if len(out) == 0 {
		return "—"
	}
	return strings.Join(out, ", ")
}

// SexName names L or P.
func (v *caseView) SexName(sx string) string {
	if sx != "L" && sx != "P" {
		return "—"
	}
	return v.T("person.sex." + sx)
}

func (s *Server) newCaseView(title string) caseView { return caseView{Base: Base{Title: title}} }

// caseNow is the case store's clock; caseToday the day in WIB by it.
func (s *Server) caseNow() time.Time {
	if s.cases.Now != nil {
		return s.cases.Now()
	}
	return time.Now()
}

func (s *Server) caseToday() string { return s.caseNow().In(wib).Format(time.DateOnly) }

// enumOptions lists codes as choices named by the catalog (prefix+code).
func enumOptions[T ~string](v *caseView, prefix string, all []T, chosen ...string) []option {
	out := make([]option, 0, len(all))
	for _, c := range all {
		out = append(out, option{Value: string(c), Label: v.label(prefix, string(c)), Checked: slices.Contains(chosen, string(c))})
	}
	return out
}

// "Pekerjaan saya".

type workPage struct {
	caseView
	Assess, Revise, Plan, Approve []casework.Task
	FollowUps                     []casework.DueFollowUp
	Incoming, Escalated           []casework.Referral
	waitingComplaints
	// FacilityTasks are the open remediation tasks of accessible-facility
	// audits the user owns or, for a supervisor, their unit's.
	FacilityTasks []sarpras.Task
	Supervisor    bool
	// MoreApprove and MoreFollowUps: the unit has more than the oldest
	// listed (casework.Tasks, DueFollowUps).
	MoreApprove, MoreFollowUps bool
}

// qualityWork reads what the service-quality modules hold for the user's
// work list: the complaints waiting for them and the open remediation
// tasks, each only where the role may handle them.
func (s *Server) qualityWork(r *http.Request) ([]complaint.Complaint, []sarpras.Task, error) {
	ctx, u := r.Context(), caseUser(r)
	complaints, tasks := []complaint.Complaint{}, []sarpras.Task{}
	var err error
	if u.Role.Can(access.HandleComplaints) {
		if complaints, err = s.complaints.Waiting(ctx, u); err != nil {
			return nil, nil, err
		}
	}
	if u.Role.Can(access.ReadSarpras) {
		all, err := s.sarpras.MyTasks(ctx, u)
		if err != nil {
			return nil, nil, err
		}
		for _, t := range all {
			if t.Status == sarpras.Open {
				tasks = append(tasks, t)
			}
		}
	}
	return complaints, tasks, nil
}

// Empty reports whether there is nothing to do at all.
func (p *workPage) Empty() bool {
	return len(p.Assess)+len(p.Revise)+len(p.Plan)+len(p.Approve)+len(p.FollowUps)+len(p.Incoming)+len(p.Escalated)+
		len(p.Complaints)+len(p.FacilityTasks) == 0
}

func (s *Server) workPage(w http.ResponseWriter, r *http.Request) {
	ctx, u := r.Context(), caseUser(r)
	work, err := s.cases.Work(ctx, u, s.caseNow())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &workPage{caseView: s.newCaseView("caseui.work.title"), Supervisor: u.Role == access.Supervisor,
		FollowUps: work.FollowUps, MoreApprove: work.MoreApprovals, MoreFollowUps: work.MoreFollowUps}
	for _, t := range work.Tasks {
		switch t.Kind {
		case casework.TaskAssess:
			p.Assess = append(p.Assess, t)
		case casework.TaskRevise:
			p.Revise = append(p.Revise, t)
		case casework.TaskPlan:
			p.Plan = append(p.Plan, t)
		case casework.TaskApprove:
			p.Approve = append(p.Approve, t)
		}
	}
	// The assessments most overdue first.
	sort.SliceStable(p.Assess, func(i, j int) bool { return p.Assess[i].Due < p.Assess[j].Due })
	if p.Incoming, p.Escalated, err = s.cases.UnitReferrals(ctx, u); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Complaints, p.FacilityTasks, err = s.qualityWork(r); err != nil {
		s.fail(w, r, err)
		return
	}
	p.waitingComplaints.now = time.Now()
	s.render(w, r, http.StatusOK, "work", p)
}

// The list.

type casesPage struct {
	caseView
	Items      []casework.Item
	Pager      Pager
	More       bool
	Stage      string
	Open, Mine bool
	// WaitingOnly: the list of cases waiting for approval (Waiting is the
	// caseView's naming of what a case waits for).
	WaitingOnly bool
	Stages      []option
	Supervisor  bool
}

func (s *Server) casesList(w http.ResponseWriter, r *http.Request) {
	q, u := r.URL.Query(), caseUser(r)
	// In the UI a malformed filter is ignored (the form offers only valid
	// ones); the API refuses it by name.
	f := casework.ListFilter{Page: queryInt(r, "page", 1), Size: queryInt(r, "size", 25)}
	if st := casework.Stage(q.Get("stage")); st.Valid() {
		f.Stage = st
	}
	f.Open, _ = strconv.ParseBool(q.Get("open"))
	f.Mine, _ = strconv.ParseBool(q.Get("mine"))
	f.Waiting, _ = strconv.ParseBool(q.Get("waiting"))
	items, total, more, err := s.cases.List(r.Context(), u, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &casesPage{caseView: s.newCaseView("caseui.list.title"), Items: items, More: more, Stage: string(f.Stage),
		Open: f.Open, Mine: f.Mine, WaitingOnly: f.Waiting, Supervisor: u.Role == access.Supervisor}
	s.fillBase(r, p) // the choices are named in the page's language
	p.Stages = enumOptions(&p.caseView, "caseui.stage.", casework.Stages)
	p.Pager = listPager(f.Page, f.Size, total, "", "stage", string(f.Stage), "open", trueOrEmpty(f.Open), "mine", trueOrEmpty(f.Mine),
		"waiting", trueOrEmpty(f.Waiting))
	s.render(w, r, http.StatusOK, "cases", p)
}

func trueOrEmpty(b bool) string {
	if b {
		return "true"
	}
	return ""
}

// Opening a case.

type caseFormPage struct {
	caseView
	Person                             *registry.Person
	In                                 casework.OpenInput
	Errors                             FormErrors
	Clusters, Settings, Sources, Risks []option
	PersonID                           string // as sent, when no person could be read
	MissingPerson                      bool
}

func (s *Server) newCaseForm(r *http.Request, in casework.OpenInput) *caseFormPage {
	p := &caseFormPage{caseView: s.newCaseView("caseui.open.title"), In: in}
	s.fillBase(r, p) // the choices are named in the page's language
	v := &p.caseView
	p.Clusters = enumOptions(v, "caseui.cluster.", casework.Clusters)
	p.Settings = enumOptions(v, "caseui.setting.", casework.Settings)
	p.Sources = enumOptions(v, "caseui.source.", casework.Sources)
	p.Risks = enumOptions(v, "caseui.risk.", casework.Risks)
	return p
}

// casePerson reads the person a case form is for, in the user's reach and
// without auditing an opening (the form shows the name only).
func (s *Server) casePerson(r *http.Request, id int64) (*registry.Person, error) {
	p, err := s.people.Get(r.Context(), actor(r), registry.ReachOf(caseUser(r)), id, false)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

func (s *Server) caseNewForm(w http.ResponseWriter, r *http.Request) {
	raw := r.URL.Query().Get("person")
	id, err := strconv.ParseInt(raw, 10, 64)
	p := s.newCaseForm(r, casework.OpenInput{PersonID: id})
	if raw == "" || err != nil || id <= 0 {
		// A case is opened from a person's record: say where to start.
		p.MissingPerson = true
		s.render(w, r, http.StatusOK, "case_form", p)
		return
	}
	if p.Person, err = s.casePerson(r, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "case_form", p)
}

func (s *Server) caseCreate(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	in := casework.OpenInput{Cluster: f.Get("cluster"), Setting: f.Get("setting"), Source: f.Get("source"),
		Risk: f.Get("risk"), Note: f.Get("note"), DisasterLevel: f.Get("disaster_level")}
	in.PersonID, _ = strconv.ParseInt(f.Get("person_id"), 10, 64)
	c, err := s.cases.Open(r.Context(), actor(r), caseUser(r), in)
	if err == nil {
		http.Redirect(w, r, caseURL(c.ID, "opened"), http.StatusSeeOther)
		return
	}
	fe, status, ok := s.formFailure(r, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	p := s.newCaseForm(r, in)
	p.Errors = fe
	if in.PersonID > 0 {
		p.Person, _ = s.casePerson(r, in.PersonID)
	}
	if p.Person == nil {
		p.MissingPerson = true
	}
	s.render(w, r, status, "case_form", p)
}

// caseURL is the case page, with the key of what was just done.
func caseURL(id int64, done string) string {
	u := "/cases/" + strconv.FormatInt(id, 10)
	if done != "" {
		u += "?done=" + done
	}
	return u
}

// doneKeys are what a redirect may say was done (?done=KEY); anything else
// is ignored, so a link cannot put words on the page.
var doneKeys = []string{"opened", "assessment", "plan", "service", "referral", "follow_up", "attachment", "action",
	"answered", "outcome", "transferred", "link", "team"}

func doneMessage(v *caseView, r *http.Request) string {
	if k := r.URL.Query().Get("done"); slices.Contains(doneKeys, k) {
		return v.T("caseui.done." + k)
	}
	return ""
}

// The case page.

type caseStep struct {
	Stage         casework.Stage
	Done, Current bool
}

// caseSteps are the seven stages of Permensos 16/2019 as the page shows
// them; selesai is the end of the last.
var caseSteps = casework.Stages[:7]

type casePage struct {
	caseView
	D          casework.Detail
	PersonName string
	PersonLink bool
	UnitName   string
	Steps      []caseStep
	Finished   bool // bimbingan lanjut ended (selesai)
	Today      string
	Manage     bool // the user may write the case (cases.manage)
	Supervisor bool // a supervisor of the case's unit

	Done     string // what was just done
	Refused  string // the sentence of a refused step
	Alert    string // a form was not saved: see AlertRef
	AlertRef string
	LinkOnce string // an outside agency's link, shown once

	Actions []casework.Action
	// OwnSubmission is set when the user submitted what waits for
	// approval: someone else approves it.
	OwnSubmission bool
	Act           actionForm

	AssessEditable, PlanEditable, CanServe, CanRefer, CanFollowUp bool

	Assess   assessForm
	Plan     planForm
	Service  serviceForm
	Referral referralForm
	FollowUp followUpForm
	Attach   attachForm

	Needs, AssessedNeeds, Components, Workers, Units, Agencies, Outcomes, Reasons, Risks []option
	// MaxMiB is the largest attachment the store takes.
	MaxMiB int64

	// Team names the case's team (cases_team.go); CanAssign offers the
	// team form (TeamForm) to a supervisor of the unit.
	Team      []teamMember
	CanAssign bool
	TeamForm  teamForm
	// Conflict is what changed since the editor's copy, when a form was
	// refused as stale; the form keeps what they typed.
	Conflict *casework.Conflict
}

// AsksReason reports whether a step's form asks for a reason (terminasi).
func (p *casePage) AsksReason(a casework.Action) bool { return a == casework.RequestTermination }

// AsksNote reports whether a step's form asks for a note: a document sent
// back, a request for terminasi and a reopening are explained.
func (p *casePage) AsksNote(a casework.Action) bool {
	switch a {
	case casework.ReturnAssessment, casework.ReturnPlan, casework.ReturnTermination, casework.RequestTermination, casework.Reopen:
		return true
	}
	return false
}

// ActionClass is the look of a step's button.
func (p *casePage) ActionClass(a casework.Action) string {
	switch a {
	case casework.ReturnAssessment, casework.ReturnPlan, casework.ReturnTermination, casework.RequestTermination:
		return "danger"
	}
	return "primary"
}

// Size writes a file's size in KiB, at least 1.
func (p *casePage) Size(n int64) string { return p.T("caseui.size_kib", max((n+1023)/1024, 1)) }

// Returned says which documents of a case were sent back for revision.
func (v *caseView) Returned(it casework.Item) string {
	var out []string
	for _, w := range []struct {
		r   casework.Review
		key string
	}{{it.Assessment, "caseui.doc.assessment"}, {it.Plan, "caseui.doc.plan"}, {it.Terminate, "caseui.doc.termination"}} {
		if w.r == casework.Returned {
			out = append(out, v.T(w.key))
		}
	}
	return strings.Join(out, ", ")
}

// actionForm is a step's form (action, reason, note) as sent, after a
// refusal.
type actionForm struct {
	Action casework.Action
	Reason string
	Note   string
	Errors FormErrors
}

// ActErrors returns the errors of a's form when it was the one refused.
func (p *casePage) ActErrors(a casework.Action) FormErrors {
	if p.Act.Action == a {
		return p.Act.Errors
	}
	return nil
}

// ActNote is the note typed into a's form before a refusal.
func (p *casePage) ActNote(a casework.Action) string {
	if p.Act.Action == a {
		return p.Act.Note
	}
	return ""
}

type domainField struct {
	Domain casework.Domain
	Value  string
	// Withheld: the finding is specific personal data the user does not
	// read; shown as withheld, not as blank.
	Withheld bool
}

type assessForm struct {
	Domains                                       []domainField
	Risks, Needs, Components                      []option
	Risk                                          string
	ConferenceOn, ConferenceWith, ConferenceNotes string
	NeedsRehab                                    string // "ya", "tidak" or ""
	Conclusion                                    string
	Version                                       int
	Errors                                        FormErrors
}

// DomainError is the message under a domain's findings.
func (f assessForm) DomainError(d casework.Domain) string { return f.Errors["domains."+string(d)] }

type planRow struct {
	N                                                           int // 1-based, for the legend
	Need, Component, Quantity, UnitLabel, Responsible, TargetOn string
	Errors                                                      FormErrors
}

type planForm struct {
	Goals   string
	Rows    []planRow
	Version int
	Errors  FormErrors
}

type serviceForm struct {
	GivenOn, Need, Component, Quantity, Cost, Provider, Note string
	Emergency                                                bool
	Errors                                                   FormErrors
}

type referralForm struct {
	ToUnit, AgencyKind, AgencyName, Need, Purpose, DueInDays string
	Transfer                                                 bool
	Errors                                                   FormErrors
}

type followUpForm struct {
	ID                    int64
	DoneOn, Outcome, Note string
	Version               int
	Errors                FormErrors
}

type attachForm struct {
	Note   string
	Errors FormErrors
}

// FollowUpFor is the form of one visit: as typed when it was the one
// refused, else the visit's own values (a recorded visit may be corrected).
func (p *casePage) FollowUpFor(f casework.FollowUp) followUpForm {
	if p.FollowUp.ID == f.ID && p.FollowUp.Errors != nil {
		return p.FollowUp
	}
	out := followUpForm{ID: f.ID, DoneOn: f.DoneOn, Outcome: string(f.Outcome), Note: f.Note, Version: f.Version}
	if out.DoneOn == "" {
		out.DoneOn = p.Today
	}
	return out
}

// CurrentCycle reports whether a visit belongs to the bimbingan lanjut
// under way (only those are recorded).
func (p *casePage) CurrentCycle(f casework.FollowUp) bool { return f.Cycle == p.D.Cycle }

// WithheldAll reports whether all the case's free text and attachments are
// withheld from the user: specific personal data of a Specific cluster
// (casework.SeesSpecific; UU 27/2022 Pasal 4).
func (p *casePage) WithheldAll() bool { return p.D.SpecificWithheld && p.D.Cluster.Specific() }

// MayRecord reports whether the page offers the form of a visit: of the
// bimbingan lanjut under way, and, when recorded, with a note the user
// reads (the store refuses to overwrite a note withheld from them).
func (p *casePage) MayRecord(f casework.FollowUp) bool {
	return p.CanFollowUp && p.CurrentCycle(f) && (f.DoneOn == "" || !p.WithheldAll())
}

// WorkerName names a worker of the unit by id, for the plan's items.
func (p *casePage) WorkerName(id int64) string {
	for _, o := range p.Workers {
		if o.Value == strconv.FormatInt(id, 10) {
			return o.Label
		}
	}
	if id == 0 {
		return "—"
	}
	return "#" + strconv.FormatInt(id, 10)
}

// caseRelation is how u stands to c, as the store judges it (casework's
// actorOf): a supervisor of its unit, a worker of its team, or neither.
func caseRelation(u access.User, c casework.Case) casework.Actor {
	if u.Role == access.Supervisor && u.UnitID == c.UnitID {
		return casework.Supervisor
	}
	if (u.Role == access.Worker || u.Role == access.Supervisor) && slices.Contains(c.Team, u.ID) {
		return casework.Worker
	}
	return casework.Outsider
}

// uiActions are the steps the case page offers as buttons, in the order of
// the work; a note is a form of its own, and documents have theirs.
var uiActions = []casework.Action{casework.SubmitAssessment, casework.ApproveAssessment, casework.ReturnAssessment,
	casework.SubmitPlan, casework.ApprovePlan, casework.ReturnPlan, casework.StartReintegration,
	casework.RequestTermination, casework.ApproveTermination, casework.ReturnTermination, casework.CloseFollowUp,
	casework.Reopen}

// approvalOf names the submission an approval answers.
var approvalOf = map[casework.Action]casework.Action{casework.ApproveAssessment: casework.SubmitAssessment,
	casework.ApprovePlan: casework.SubmitPlan, casework.ApproveTermination: casework.RequestTermination}

// loadCasePage reads a case with everything its page shows (the store
// audits the opening) and prepares its forms from what is stored.
func (s *Server) loadCasePage(r *http.Request, id int64) (*casePage, error) {
	ctx, u := r.Context(), caseUser(r)
	d, err := s.cases.Detail(ctx, actor(r), u, id)
	if err != nil {
		return nil, err
	}
	p := &casePage{caseView: s.newCaseView("caseui.case.title"), D: d, Today: s.caseToday(),
		Manage: u.Role.Can(access.ManageCases)}
	v := &p.caseView
	// fillBase runs again in render; T needs the language and catalog now.
	s.fillBase(r, p)
	by := caseRelation(u, d.Case)
	p.Supervisor = by == casework.Supervisor

	p.PersonName = "#" + strconv.FormatInt(d.PersonID, 10)
	if person, err := s.casePerson(r, d.PersonID); err == nil {
		p.PersonName, p.PersonLink = person.Name, true
	} else if apperr.KindOf(err) != apperr.NotFound {
		return nil, err
	}
	names, err := unit.Names(ctx, s.db, []int64{d.UnitID})
	if err != nil {
		return nil, err
	}
	p.UnitName = names[d.UnitID]

	cur := slices.Index(casework.Stages, d.Stage)
	p.Finished = d.Stage == casework.Selesai
	for i, st := range caseSteps {
		p.Steps = append(p.Steps, caseStep{Stage: st, Done: i < cur, Current: i == cur})
	}

	open := d.Stage.Open()
	// An assessment with findings withheld from the user is not theirs to
	// save: the blank fields would overwrite them (the store refuses).
	p.AssessEditable = p.Manage && open && d.State.Assessment != casework.Submitted && d.State.Assessment != casework.Approved &&
		!d.SpecificWithheld
	p.PlanEditable = p.Manage && open && d.State.Assessment == casework.Approved && d.State.Plan != casework.Submitted
	p.CanServe = p.Manage && open
	p.CanRefer = p.Manage && (open || d.Stage == casework.BimbinganLanjut)
	p.CanFollowUp = p.Manage && d.Stage == casework.BimbinganLanjut

	// The steps the rules allow now, for this user.
	state := d.State
	now := s.caseNow()
	state.Emergency = now.Before(d.EmergencyUntil)
	if p.Manage {
		for _, a := range uiActions {
			e := casework.Event{Action: a}
			if a == casework.RequestTermination {
				e.Reason = casework.Menolak // any reason the rules take without a plan
			}
			if _, refusal := casework.Decide(state, e, by); refusal != nil {
				continue
			}
			if sub, ok := approvalOf[a]; ok && lastActor(d, sub) == u.ID {
				p.OwnSubmission = true
				continue
			}
			// Bimbingan lanjut ends once every visit is recorded (the store
			// refuses it before): a button that can only fail is not shown.
			if a == casework.CloseFollowUp && slices.ContainsFunc(d.FollowUps, func(f casework.FollowUp) bool {
				return f.Cycle == d.Cycle && f.DoneOn == ""
			}) {
				continue
			}
			p.Actions = append(p.Actions, a)
		}
	}

	p.Needs = enumOptions(v, "caseui.need.", casework.Needs)
	p.Components = enumOptions(v, "caseui.component.", casework.Components)
	p.Agencies = enumOptions(v, "referral.agency.", casework.AgencyKinds)
	p.Outcomes = enumOptions(v, "case.follow_up.outcome.", casework.FollowUpOutcomes)
	p.Risks = enumOptions(v, "caseui.risk.", casework.Risks)
	p.MaxMiB = s.maxAttachment() >> 20
	for _, rs := range casework.Reasons {
		// A goal is reached only through a plan in force (the rules refuse
		// it otherwise): not offered before.
		if rs == casework.TujuanTercapai && !d.State.PlanInForce {
			continue
		}
		p.Reasons = append(p.Reasons, option{Value: string(rs), Label: v.ReasonName(rs)})
	}
	if d.Assessment != nil {
		p.AssessedNeeds = enumOptions(v, "caseui.need.", d.Assessment.Needs)
	}
	if p.PlanEditable || d.PlanDraft != nil || d.PlanInForce != nil {
		if p.Workers, err = s.unitWorkers(ctx, d.UnitID); err != nil {
			return nil, err
		}
	}
	if p.CanRefer {
		if p.Units, err = s.referralUnits(ctx, d.UnitID); err != nil {
			return nil, err
		}
	}

	p.Assess = p.assessFormOf(d.Assessment)
	p.Plan = p.planFormOf()
	p.Service = serviceForm{GivenOn: p.Today, Quantity: "1", Emergency: !d.State.PlanInForce && state.Emergency}
	p.Referral = referralForm{DueInDays: strconv.Itoa(casework.DefaultReferralDays)}
	if err := s.fillTeam(ctx, p); err != nil {
		return nil, err
	}
	return p, nil
}

// planView hands the "casePlanItems" template the page and one plan.
type planView struct {
	*casePage
	P *casework.Plan
}

// WithPlan prepares a plan's items for the "casePlanItems" template.
func (p *casePage) WithPlan(pl *casework.Plan) planView { return planView{p, pl} }

// lastActor is who last took action a in the case's current cycle, 0 if
// nobody did.
func lastActor(d casework.Detail, a casework.Action) int64 {
	for i := len(d.Timeline) - 1; i >= 0; i-- {
		e := d.Timeline[i]
		if e.Action == string(a) && e.Cycle == d.Cycle {
			return e.ActorID
		}
	}
	return 0
}

// unitWorkers lists the active accounts of a unit, who may be responsible
// for a plan's item.
func (s *Server) unitWorkers(ctx context.Context, unitID int64) ([]option, error) {
	active := true
	users, _, err := access.ListUsers(ctx, s.db, access.Scope{UnitID: unitID}, access.UserFilter{Active: &active, Size: 100})
	if err != nil {
		return nil, err
	}
	var out []option
	for _, u := range users {
		if u.UnitID != unitID || (u.Role != access.Worker && u.Role != access.Supervisor) {
			continue
		}
		label := u.FullName
		if label == "" {
			label = u.Username
		}
		out = append(out, option{Value: strconv.FormatInt(u.ID, 10), Label: label})
	}
	return out, nil
}

// maxReferralUnits bounds the list of units a case may be referred to.
const maxReferralUnits = 1000

// referralUnits is the directory of active units a case of unit own may be
// referred to: their names only, which every unit needs to refer (a unit's
// record stays in the scope of its readers).
func (s *Server) referralUnits(ctx context.Context, own int64) ([]option, error) {
	active := true
	var out []option
	for page := 1; page <= maxReferralUnits/100; page++ {
		units, total, err := unit.List(ctx, s.db, access.Scope{All: true}, unit.Filter{Active: &active, Page: page, Size: 100})
		if err != nil {
			return nil, err
		}
		for _, u := range units {
			if u.ID != own {
				out = append(out, option{Value: strconv.FormatInt(u.ID, 10), Label: u.Name})
			}
		}
		if page*100 >= total {
			break
		}
	}
	return out, nil
}

// assessFormOf is the assessment form from what is stored.
func (p *casePage) assessFormOf(a *casework.Assessment) assessForm {
	in := casework.AssessmentInput{Risk: string(p.D.Risk)}
	if a != nil {
		in = casework.AssessmentInput{Domains: map[string]string{}, Risk: string(a.Risk), ConferenceOn: a.ConferenceOn,
			ConferenceWith: a.ConferenceWith, ConferenceNotes: a.ConferenceNotes, NeedsRehab: a.NeedsRehab,
			Conclusion: a.Conclusion, Version: a.Version}
		for d, t := range a.Domains {
			in.Domains[string(d)] = t
		}
		in.Risks, in.Needs, in.Components = codeStrings(a.Risks), codeStrings(a.Needs), codeStrings(a.Components)
	}
	f := p.assessFormFrom(in)
	for i := range f.Domains {
		f.Domains[i].Withheld = p.D.SpecificWithheld && (f.Domains[i].Domain == casework.DomainFisik || p.WithheldAll())
	}
	return f
}

// assessFormFrom is the assessment form with in's values.
func (p *casePage) assessFormFrom(in casework.AssessmentInput) assessForm {
	v := &p.caseView
	f := assessForm{Risk: in.Risk, ConferenceOn: in.ConferenceOn, ConferenceWith: in.ConferenceWith,
		ConferenceNotes: in.ConferenceNotes, Conclusion: in.Conclusion, Version: in.Version,
		Risks:      enumOptions(v, "caseui.risk_flag.", casework.RiskFlags, in.Risks...),
		Needs:      enumOptions(v, "caseui.need.", casework.Needs, in.Needs...),
		Components: enumOptions(v, "caseui.component.", casework.Components, in.Components...)}
	for _, d := range casework.Domains {
		f.Domains = append(f.Domains, domainField{Domain: d, Value: in.Domains[string(d)]})
	}
	if in.NeedsRehab != nil {
		f.NeedsRehab = "tidak"
		if *in.NeedsRehab {
			f.NeedsRehab = "ya"
		}
	}
	return f
}

func codeStrings[T ~string](cs []T) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}

// emptyPlanRows is how many blank item rows the plan form offers.
const emptyPlanRows = 3

// planFormOf is the plan form from what is stored: the draft being
// written, or a new version starting from the plan in force.
func (p *casePage) planFormOf() planForm {
	var f planForm
	var items []casework.PlanItem
	switch {
	case p.D.PlanDraft != nil:
		f.Goals, f.Version, items = p.D.PlanDraft.Goals, p.D.PlanDraft.Version, p.D.PlanDraft.Items
	case p.D.PlanInForce != nil:
		f.Goals, items = p.D.PlanInForce.Goals, p.D.PlanInForce.Items
	}
	var rows []planRow
	for _, it := range items {
		row := planRow{Need: string(it.Need), Component: string(it.Component), Quantity: strconv.Itoa(it.Quantity),
			UnitLabel: it.UnitLabel, TargetOn: it.TargetOn}
		if it.ResponsibleUser != 0 {
			row.Responsible = strconv.FormatInt(it.ResponsibleUser, 10)
		}
		rows = append(rows, row)
	}
	f.Rows = numberedRows(rows, emptyPlanRows, (*planRow).number)
	return f
}

// number is the row's place in the form, for numberedRows.
func (r *planRow) number() *int { return &r.N }

func (s *Server) caseShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.loadCasePage(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Done = doneMessage(&p.caseView, r)
	s.render(w, r, http.StatusOK, "case", p)
}

// caseFailed answers a refused form of the case page: the page again with
// the form as typed (fill) and, for a refused step, its sentence at the top;
// a rule broken gives 422 with the messages under the fields, a stale form
// 409 with the conflict message. Anything else fails the request as usual
// (a case outside the user's work is not found).
func (s *Server) caseFailed(w http.ResponseWriter, r *http.Request, id int64, err error, anchor string,
	fill func(p *casePage, fe FormErrors)) {
	ae := apperr.As(err)
	lang := state(r).lang
	var fe FormErrors
	var refused string
	status := 0
	switch {
	case ae == nil:
	case ae.Code == casework.CodeStaleVersion:
		// Stale: the form as typed, with what changed since (p.Conflict).
		fe, status = FormErrors{"_": s.cat.T(lang, ae.Key, ae.Args...)}, http.StatusConflict
	case ae.Code != "":
		refused, status = s.cat.T(lang, ae.Key, ae.Args...), statusOf(ae.Kind)
	case ae.Kind == apperr.Invalid:
		fe, status = s.formErrors(r, err), http.StatusUnprocessableEntity
	case ae.Kind == apperr.Conflict:
		fe, status = FormErrors{"_": s.cat.T(lang, ae.Key, ae.Args...)}, http.StatusConflict
	case ae.Kind == apperr.TooLarge:
		fe, status = FormErrors{"file": s.cat.T(lang, ae.Key, ae.Args...)}, http.StatusRequestEntityTooLarge
	}
	if status == 0 {
		s.fail(w, r, err)
		return
	}
	p, lerr := s.loadCasePage(r, id)
	if lerr != nil {
		s.fail(w, r, lerr)
		return
	}
	p.Refused = refused
	if fe != nil {
		p.Alert, p.AlertRef = s.cat.T(lang, "caseui.form_failed"), "#"+anchor
	}
	p.Conflict = casework.ConflictOf(err)
	fill(p, fe)
	s.render(w, r, status, "case", p)
}

// The assessment.

func assessmentInputFromForm(f url.Values) casework.AssessmentInput {
	in := casework.AssessmentInput{Domains: map[string]string{}, Risks: f["risks"], Needs: f["needs"],
		Components: f["components"], Risk: f.Get("risk"), ConferenceOn: f.Get("conference_on"),
		ConferenceWith: f.Get("conference_with"), ConferenceNotes: f.Get("conference_notes"),
		Conclusion: f.Get("conclusion")}
	for _, d := range casework.Domains {
		if t := f.Get("domains." + string(d)); t != "" {
			in.Domains[string(d)] = t
		}
	}
	switch f.Get("needs_rehab") {
	case "ya":
		yes := true
		in.NeedsRehab = &yes
	case "tidak":
		no := false
		in.NeedsRehab = &no
	}
	in.Version, _ = strconv.Atoi(f.Get("version"))
	in.CaseVersion, _ = strconv.Atoi(f.Get("case_version"))
	return in
}

func (s *Server) caseAssessment(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idAndForm(w, r)
	if !ok {
		return
	}
	in := assessmentInputFromForm(r.PostForm)
	if _, err := s.cases.SaveAssessment(r.Context(), actor(r), caseUser(r), id, in); err != nil {
		s.caseFailed(w, r, id, err, "assessment", func(p *casePage, fe FormErrors) {
			if p.D.SpecificWithheld {
				// Refused as withheld: the page shows what is stored, never
				// the sent values as if they were.
				return
			}
			p.Assess = p.assessFormFrom(in)
			p.Assess.Errors = fe
			if p.Conflict != nil {
				p.Assess.Version = p.Conflict.CurrentVersion // saved again, it writes over what changed
			}
		})
		return
	}
	http.Redirect(w, r, caseURL(id, "assessment"), http.StatusSeeOther)
}

// The plan.

// maxPlanRows bounds the rows a plan form is read for: the store takes 100
// items, and the form adds its blank rows.
const maxPlanRows = 100 + emptyPlanRows

// planInputFromForm reads the plan form. Its rows are items.N.FIELD; a row
// left blank is ignored, and the others are kept in their order, so that
// the store's items.I are the rows the form shows again.
func planInputFromForm(f url.Values) (casework.PlanInput, []planRow) {
	in := casework.PlanInput{Goals: f.Get("goals"), Items: []casework.PlanItem{}}
	in.Version, _ = strconv.Atoi(f.Get("version"))
	in.CaseVersion, _ = strconv.Atoi(f.Get("case_version"))
	var rows []planRow
	for _, get := range formRows(f, "items.", maxPlanRows) {
		row := planRow{Need: get("need"), Component: get("component"), Quantity: get("quantity"),
			UnitLabel: get("unit_label"), Responsible: get("responsible_user"), TargetOn: get("target_on")}
		if row.Need+row.Component+row.Quantity+row.UnitLabel+row.Responsible+row.TargetOn == "" {
			continue
		}
		it := casework.PlanItem{Need: casework.Need(row.Need), Component: casework.Component(row.Component),
			UnitLabel: row.UnitLabel, TargetOn: row.TargetOn}
		if row.Quantity != "" {
			if n, err := strconv.Atoi(row.Quantity); err == nil {
				it.Quantity = n
			} else {
				it.Quantity = -1 // refused by the store under the field
			}
		}
		if row.Responsible != "" {
			if n, err := strconv.ParseInt(row.Responsible, 10, 64); err == nil {
				it.ResponsibleUser = n
			} else {
				it.ResponsibleUser = -1
			}
		}
		in.Items = append(in.Items, it)
		rows = append(rows, row)
	}
	return in, rows
}

// planErrors spreads the store's errors over the plan form: items.I.FIELD
// under row I, the rest on the form.
func planErrors(f *planForm, fe FormErrors) {
	if fe == nil {
		return
	}
	f.Errors = FormErrors{}
	for k, msg := range fe {
		rest, ok := strings.CutPrefix(k, "items.")
		if !ok {
			f.Errors[k] = msg
			continue
		}
		n, field, _ := strings.Cut(rest, ".")
		i, err := strconv.Atoi(n)
		if err != nil || i < 0 || i >= len(f.Rows) {
			f.Errors["items"] = msg
			continue
		}
		switch field {
		case "responsible", "responsible_unit", "responsible_user":
			field = "responsible"
		}
		if f.Rows[i].Errors == nil {
			f.Rows[i].Errors = FormErrors{}
		}
		if _, dup := f.Rows[i].Errors[field]; !dup {
			f.Rows[i].Errors[field] = msg
		}
	}
}

// Failed reports whether the form, or one of its rows, has a message.
func (f planForm) Failed() bool {
	if len(f.Errors) > 0 {
		return true
	}
	for _, r := range f.Rows {
		if len(r.Errors) > 0 {
			return true
		}
	}
	return false
}

func (s *Server) casePlan(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idAndForm(w, r)
	if !ok {
		return
	}
	in, rows := planInputFromForm(r.PostForm)
	if _, err := s.cases.SavePlan(r.Context(), actor(r), caseUser(r), id, in); err != nil {
		s.caseFailed(w, r, id, err, "plan", func(p *casePage, fe FormErrors) {
			p.Plan = planForm{Goals: in.Goals, Version: in.Version, Rows: numberedRows(rows, emptyPlanRows, (*planRow).number)}
			if p.Conflict != nil {
				p.Plan.Version = p.Conflict.CurrentVersion
			}
			planErrors(&p.Plan, fe)
		})
		return
	}
	http.Redirect(w, r, caseURL(id, "plan"), http.StatusSeeOther)
}

// Services.

func (s *Server) caseService(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idAndForm(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	form := serviceForm{GivenOn: f.Get("given_on"), Need: f.Get("need"), Component: f.Get("component"),
		Quantity: strings.TrimSpace(f.Get("quantity")), Cost: strings.TrimSpace(f.Get("cost")), Provider: f.Get("provider"),
		Note: f.Get("note"), Emergency: f.Get("emergency") == "1"}
	in := casework.ServiceInput{GivenOn: form.GivenOn, Need: form.Need, Component: form.Component, Provider: form.Provider,
		Note: form.Note, Emergency: form.Emergency, Quantity: numberOr(form.Quantity, 0, -1)}
	in.Cost = int64(numberOr(strings.NewReplacer(".", "", ",", "").Replace(form.Cost), 0, -1))
	if _, err := s.cases.RecordService(r.Context(), actor(r), caseUser(r), id, in); err != nil {
		s.caseFailed(w, r, id, err, "services", func(p *casePage, fe FormErrors) {
			form.Errors = fe
			p.Service = form
		})
		return
	}
	http.Redirect(w, r, caseURL(id, "service"), http.StatusSeeOther)
}

// numberOr reads a whole number typed into a form: blank when empty, bad
// when it is not a number (a value the store refuses under the field).
func numberOr(s string, blank, bad int) int {
	if s == "" {
		return blank
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return bad
	}
	return n
}

// Referrals.

func (s *Server) caseRefer(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idAndForm(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	form := referralForm{ToUnit: f.Get("to_unit"), AgencyKind: f.Get("agency_kind"), AgencyName: f.Get("agency_name"),
		Need: f.Get("need"), Purpose: f.Get("purpose"), DueInDays: strings.TrimSpace(f.Get("due_in_days")),
		Transfer: f.Get("transfer") == "1"}
	in := casework.ReferralInput{AgencyKind: form.AgencyKind, AgencyName: form.AgencyName, Need: form.Need,
		Purpose: form.Purpose, Transfer: form.Transfer, DueInDays: numberOr(form.DueInDays, 0, -1)}
	if form.ToUnit != "" {
		if n, err := strconv.ParseInt(form.ToUnit, 10, 64); err == nil && n > 0 {
			in.ToUnit = n
		} else {
			in.ToUnit = -1 // not a unit: refused as unknown
		}
	}
	ref, err := s.cases.Refer(r.Context(), actor(r), caseUser(r), id, in)
	if err != nil {
		s.caseFailed(w, r, id, err, "referrals", func(p *casePage, fe FormErrors) {
			form.Errors = fe
			p.Referral = form
		})
		return
	}
	if ref.Link == "" {
		http.Redirect(w, r, caseURL(id, "referral"), http.StatusSeeOther)
		return
	}
	// An outside agency's link exists only in this answer (the database
	// keeps its hash): the page shows it now, once, and is not redirected
	// to, so that the token never sits in a URL of the browser's history
	// or of a log.
	p, err := s.loadCasePage(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Done, p.LinkOnce = p.T("caseui.done.link"), linkURL(r, ref.Link)
	s.render(w, r, http.StatusCreated, "case", p)
}

// linkURL is the whole address of an outside agency's link, on the host the
// worker reached layan by.
func linkURL(r *http.Request, token string) string {
	scheme := "http"
	if state(r).secure {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/rujukan/" + token
}

// Follow-up visits.

func (s *Server) caseFollowUp(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idAndForm(w, r)
	if !ok {
		return
	}
	fid, err := strconv.ParseInt(r.PathValue("fid"), 10, 64)
	if err != nil || fid <= 0 {
		s.fail(w, r, errNotFound)
		return
	}
	f := r.PostForm
	form := followUpForm{ID: fid, DoneOn: f.Get("done_on"), Outcome: f.Get("outcome"), Note: f.Get("note")}
	form.Version, _ = strconv.Atoi(f.Get("version"))
	in := casework.FollowUpInput{DoneOn: form.DoneOn, Outcome: form.Outcome, Note: form.Note, Version: form.Version}
	in.CaseVersion, _ = strconv.Atoi(f.Get("case_version"))
	if _, err := s.cases.RecordFollowUp(r.Context(), actor(r), caseUser(r), id, fid, in); err != nil {
		s.caseFailed(w, r, id, err, "follow-up-"+strconv.FormatInt(fid, 10), func(p *casePage, fe FormErrors) {
			form.Errors = fe
			if form.Errors == nil {
				form.Errors = FormErrors{}
			}
			if p.Conflict != nil {
				form.Version = p.Conflict.CurrentVersion
			}
			p.FollowUp = form
		})
		return
	}
	http.Redirect(w, r, caseURL(id, "follow_up"), http.StatusSeeOther)
}

// Attachments.

// maxAttachment is the largest file the case store takes.
func (s *Server) maxAttachment() int64 {
	if s.cases.MaxAttachment > 0 {
		return s.cases.MaxAttachment
	}
	return casework.DefaultMaxAttachment
}

// attachmentForm bounds what of a multipart upload is kept in memory; the
// rest of a file waits in a temporary file until the store reads it.
const attachmentForm = 1 << 20

func (s *Server) caseAttach(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The store checks the file's size and type from its content; the body
	// may hold a little more than the file (the form's other fields).
	r.Body = http.MaxBytesReader(w, r.Body, s.maxAttachment()+1<<20)
	form := attachForm{}
	fail := func(err error) {
		s.caseFailed(w, r, id, err, "attachments", func(p *casePage, fe FormErrors) {
			form.Errors = fe
			p.Attach = form
		})
	}
	if err := r.ParseMultipartForm(attachmentForm); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			fail(apperr.New(apperr.TooLarge, "attachment.too_large", s.maxAttachment()>>20))
			return
		}
		s.fail(w, r, apperr.Wrap(apperr.BadRequest, "error.bad_body", err))
		return
	}
	defer r.MultipartForm.RemoveAll()
	form.Note = r.FormValue("note")
	if !validText(form.Note) {
		var f apperr.Fields
		f.Add("note", "field.utf8")
		form.Note = cleanText(form.Note)
		fail(f.Err())
		return
	}
	file, header, err := r.FormFile("file")
	if err != nil {
		var f apperr.Fields
		f.Add("file", "field.required")
		fail(f.Err())
		return
	}
	defer file.Close()
	if _, err := s.cases.Attach(r.Context(), actor(r), caseUser(r), id, header.Filename, form.Note, file); err != nil {
		fail(err)
		return
	}
	http.Redirect(w, r, caseURL(id, "attachment"), http.StatusSeeOther)
}

// caseAttachment sends an attachment as a download, never shown inline: its
// type was checked from its content when it was kept, and the browser is
// told not to guess another.
func (s *Server) caseAttachment(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	aid, err := strconv.ParseInt(r.PathValue("aid"), 10, 64)
	if err != nil || aid <= 0 {
		s.fail(w, r, errNotFound)
		return
	}
	a, file, err := s.cases.OpenAttachment(r.Context(), actor(r), caseUser(r), id, aid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer file.Close()
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Name}))
	h.Set("Content-Length", strconv.FormatInt(a.Size, 10))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		io.Copy(w, file)
	}
}

// Steps.

func (s *Server) caseAct(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idAndForm(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	act := casework.Action(f.Get("action"))
	if act != casework.AddNote && !slices.Contains(uiActions, act) {
		s.fail(w, r, apperr.New(apperr.BadRequest, "error.bad_request"))
		return
	}
	form := actionForm{Action: act, Note: f.Get("note")}
	if act == casework.RequestTermination {
		form.Reason = f.Get("reason")
	}
	version, _ := strconv.Atoi(f.Get("version"))
	var err error
	if version < 1 {
		// Without the version the step would not be checked against the
		// case the user saw.
		err = apperr.New(apperr.Conflict, "error.stale_version")
	} else {
		_, err = s.cases.Act(r.Context(), actor(r), caseUser(r), id, version,
			casework.Event{Action: act, Reason: casework.Reason(form.Reason)}, form.Note)
	}
	if err != nil {
		anchor := "actions"
		switch act {
		case casework.SubmitAssessment:
			anchor = "assessment"
		case casework.SubmitPlan:
			anchor = "plan"
		case casework.AddNote:
			anchor = "note"
		}
		s.caseFailed(w, r, id, err, anchor, func(p *casePage, fe FormErrors) {
			form.Errors = fe
			p.Act = form
			// What a submission lacks is shown on its document's form.
			switch {
			case fe == nil:
			case act == casework.SubmitAssessment:
				p.Assess.Errors = fe
			case act == casework.SubmitPlan:
				planErrors(&p.Plan, fe)
			}
		})
		return
	}
	http.Redirect(w, r, caseURL(id, "action"), http.StatusSeeOther)
}

// Referrals received.

type referralsPage struct {
	caseView
	Items []casework.Referral
	Form  answerForm
	Done  string
}

// answerForm is the answer (or outcome) to one referral as typed, after a
// refusal.
type answerForm struct {
	ID                      int64
	Decision, Note, Outcome string
	Errors                  FormErrors
	// Conflict is what a colleague (or the sender's agency) recorded since
	// the page was read, when the answer was refused as stale.
	Conflict *casework.Conflict
}

// FormFor returns the refused form of referral id, or a blank one.
func (p *referralsPage) FormFor(id int64) answerForm {
	if p.Form.ID == id {
		return p.Form
	}
	return answerForm{ID: id}
}

func (s *Server) referralsList(w http.ResponseWriter, r *http.Request) {
	s.showReferrals(w, r, http.StatusOK, answerForm{})
}

func (s *Server) showReferrals(w http.ResponseWriter, r *http.Request, status int, form answerForm) {
	items, err := s.cases.IncomingReferrals(r.Context(), caseUser(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &referralsPage{caseView: s.newCaseView("caseui.incoming.title"), Items: items, Form: form}
	s.fillBase(r, p)
	if status == http.StatusOK {
		p.Done = doneMessage(&p.caseView, r)
	}
	s.render(w, r, status, "referrals_incoming", p)
}

// referralFailed shows the received referrals again with the refused form.
func (s *Server) referralFailed(w http.ResponseWriter, r *http.Request, form answerForm, err error) {
	fe, status, ok := s.formFailure(r, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	if ae := apperr.As(err); ae != nil && ae.Kind == apperr.Conflict {
		// Already answered, or answered by a colleague meanwhile: say which.
		fe = FormErrors{"_": s.cat.T(state(r).lang, ae.Key, ae.Args...)}
	}
	form.Errors = fe
	form.Conflict = casework.ConflictOf(err)
	s.showReferrals(w, r, status, form)
}

func (s *Server) referralAnswer(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idAndForm(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	form := answerForm{ID: id, Decision: f.Get("decision"), Note: f.Get("note")}
	version, _ := strconv.Atoi(f.Get("version"))
	if form.Decision != "terima" && form.Decision != "tolak" {
		var fs apperr.Fields
		fs.Add("decision", "caseui.incoming.decision_required")
		s.referralFailed(w, r, form, fs.Err())
		return
	}
	ref, err := s.cases.AnswerReferral(r.Context(), actor(r), caseUser(r), id, version, form.Decision == "terima", form.Note)
	if err != nil {
		s.referralFailed(w, r, form, err)
		return
	}
	if ref.Transfer && ref.Status == casework.RujukanDiterima {
		// The case is now this unit's, with the one who accepted on its team.
		http.Redirect(w, r, caseURL(ref.CaseID, "transferred"), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/referrals?done=answered", http.StatusSeeOther)
}

func (s *Server) referralOutcome(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idAndForm(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	form := answerForm{ID: id, Outcome: f.Get("outcome")}
	version, _ := strconv.Atoi(f.Get("version"))
	if _, err := s.cases.RecordReferralOutcome(r.Context(), actor(r), caseUser(r), id, version, form.Outcome); err != nil {
		s.referralFailed(w, r, form, err)
		return
	}
	http.Redirect(w, r, "/referrals?done=outcome", http.StatusSeeOther)
}

// The referral link of an outside agency (public, no account).

type linkPage struct {
	caseView
	View     *casework.LinkView
	Problem  string // the link is unknown or expired
	In       casework.LinkOutcomeInput
	Errors   FormErrors
	Done     bool
	Statuses []option
}

// Age is the person's age, or "—".
func (p *linkPage) Age() string {
	if p.View == nil || p.View.PersonAge == nil {
		return "—"
	}
	return p.T("people.age", *p.View.PersonAge)
}

// Open reports whether the referral still awaits the agency's answer.
func (p *linkPage) Open() bool { return p.View != nil && !p.View.Status.Closed() }

// linkHeaders keep a link's page out of caches and its address out of the
// Referer of anything it leads to; the access log shows the route, not the
// token (see reqState.hidePath).
func linkHeaders(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Robots-Tag", "noindex, nofollow")
	state(r).hidePath = true
}

func (s *Server) referralLink(w http.ResponseWriter, r *http.Request) {
	linkHeaders(w, r)
	v, err := s.cases.ReferralByLink(r.Context(), r.PathValue("token"))
	s.showLink(w, r, v, err, casework.LinkOutcomeInput{}, nil, r.URL.Query().Get("done") == "1")
}

func (s *Server) referralLinkOutcome(w http.ResponseWriter, r *http.Request) {
	linkHeaders(w, r)
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	token := r.PathValue("token")
	f := r.PostForm
	in := casework.LinkOutcomeInput{ReceiverName: f.Get("receiver_name"), Status: f.Get("status"), Note: f.Get("note")}
	_, err := s.cases.RecordLinkOutcome(r.Context(), token, in)
	if err == nil {
		http.Redirect(w, r, "/rujukan/"+url.PathEscape(token)+"?done=1", http.StatusSeeOther)
		return
	}
	fe, _, ok := s.formFailure(r, err)
	if !ok {
		// The link is unknown or expired (or the request failed).
		s.showLink(w, r, casework.LinkView{}, err, in, nil, false)
		return
	}
	if ae := apperr.As(err); ae != nil && ae.Kind == apperr.Conflict {
		fe = FormErrors{"_": s.cat.T(state(r).lang, ae.Key, ae.Args...)}
	}
	v, verr := s.cases.ReferralByLink(r.Context(), token)
	if verr != nil {
		s.showLink(w, r, v, verr, in, nil, false)
		return
	}
	s.showLink(w, r, v, nil, in, fe, false)
}

// showLink renders a link's page: the referral with its form, or, for an
// unknown or expired link, the store's sentence with 404 and nothing else.
func (s *Server) showLink(w http.ResponseWriter, r *http.Request, v casework.LinkView, err error, in casework.LinkOutcomeInput,
	fe FormErrors, done bool) {
	p := &linkPage{caseView: s.newCaseView("caseui.link.title"), In: in, Errors: fe, Done: done}
	s.fillBase(r, p)
	if err != nil {
		if apperr.KindOf(err) != apperr.NotFound {
			s.fail(w, r, err)
			return
		}
		ae := apperr.As(err)
		p.Problem = p.T(ae.Key, ae.Args...)
		s.render(w, r, http.StatusNotFound, "referral_link", p)
		return
	}
	p.View = &v
	statuses := []casework.ReferralStatus{casework.RujukanDiterima, casework.RujukanSelesai, casework.RujukanDitolak}
	if v.Status == casework.RujukanDiterima {
		// Once accepted, only the outcome is awaited.
		statuses = []casework.ReferralStatus{casework.RujukanSelesai}
		if p.In.Status == "" {
			p.In.Status = string(casework.RujukanSelesai)
		}
	}
	if p.In.ReceiverName == "" {
		p.In.ReceiverName = v.AnsweredBy
	}
	p.Statuses = enumOptions(&p.caseView, "caseui.link.status.", statuses)
	status := http.StatusOK
	if fe != nil {
		status = http.StatusUnprocessableEntity
		if _, stale := fe["_"]; stale && len(fe) == 1 {
			status = http.StatusConflict
		}
	}
	s.render(w, r, status, "referral_link", p)
}

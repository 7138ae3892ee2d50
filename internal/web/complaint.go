package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/guard"
	"github.com/layan-id/layan/internal/quality/complaint"
	"github.com/layan-id/layan/internal/unit"
	"github.com/layan-id/layan/internal/wilayah"
)

// Complaints (pengaduan, issue 7 point 4): the public form and tracking
// page, the unit's staff pages, the figures, and the JSON API. The
// complaint package holds the rules and the access checks; these handlers
// decode, guard the public forms against floods, call it, and render.

// The public forms' limits (internal/guard). Filing: three complaints an
// hour from one device, twenty from one address (a village office's Wi-Fi
// or a mobile operator's NAT is many people). Tracking: more generous, but
// bounded, so that nobody walks through codes (the checksum already turns
// away most guesses before the database is asked).
var (
	complaintFileLimit  = guard.Limit{Form: "pengaduan", PerDevice: 3, PerIP: 20, Window: time.Hour}
	complaintTrackLimit = guard.Limit{Form: "pengaduan-lacak", PerDevice: 30, PerIP: 120, Window: time.Hour}
)

// HandlesComplaintsOf reports whether the unit page links to the unit's
// complaints: only for those the store lets open them (the unit's own
// staff, the admins of its region), since the texts and contacts are
// personal data; planners and viewers get the counts instead.
func (b *Base) HandlesComplaintsOf(un unit.Unit) bool {
	return b.User != nil && b.User.Role.Can(access.HandleComplaints) &&
		complaint.ReachOf(*b.User, un.ID, un.Region) != complaint.ReachNone
}

// waitingComplaints is the list of complaints waiting for the user
// (complaint.Store.Waiting) as the work page and the home page show it.
type waitingComplaints struct {
	Complaints []complaint.Complaint
	now        time.Time
}

// ComplaintOverdue reports whether a complaint on the list is past its
// deadline.
func (w waitingComplaints) ComplaintOverdue(c complaint.Complaint) bool { return c.Overdue(w.now) }

// ComplaintDue is the last day to answer a complaint: its deadline is the
// midnight (WIB) that ends that day.
func (w waitingComplaints) ComplaintDue(c complaint.Complaint) string {
	return c.DueAt.Add(-time.Nanosecond).In(wib).Format("02-01-2006")
}

// complaintBase is what every complaint page shares: the names of
// categories and statuses.
type complaintBase struct {
	Base
}

// CategoryName is the name of a category in the page's language.
func (p *complaintBase) CategoryName(c complaint.Category) string {
	return p.T("complaint.category." + string(c))
}

// StatusName is the name of a status in the page's language.
func (p *complaintBase) StatusName(s complaint.Status) string {
	return p.T("complaint.status." + string(s))
}

// ActionName is the name of an action or an event in the page's language.
func (p *complaintBase) ActionName(a string) string { return p.T("complaint.event." + a) }

// Categories lists the categories for the form.
func (p *complaintBase) Categories() []complaint.Category { return complaint.Categories }

// Statuses lists the statuses for the filter.
func (p *complaintBase) Statuses() []complaint.Status { return complaint.Statuses }

// Day writes a date without the time, in WIB.
func (p *complaintBase) Day(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(wib).Format("02-01-2006")
}

// DueDay is the last day of a deadline that ends at midnight WIB.
func (p *complaintBase) DueDay(t time.Time) string { return p.Day(t.Add(-time.Nanosecond)) }

// complaintFormPage is the public form: a unit picker or the form itself.
type complaintFormPage struct {
	complaintBase
	Unit    *complaint.UnitRef
	Query   string
	Found   []complaint.UnitRef
	Looked  bool
	In      complaint.Input
	Errors  FormErrors
	Filed   *complaint.Filed
	Problem string
}

// UnitPlace is a unit's kab/kota and province, for the picker's list.
func (s *Server) unitPlace(c wilayah.Code) string { return pathText(s.regions, c) }

func (s *Server) complaintForm(w http.ResponseWriter, r *http.Request) {
	guard.SetDeviceCookie(w, r)
	publicHeaders(w)
	p := &complaintFormPage{complaintBase: complaintBase{Base{Title: "complaint.form.title"}}}
	s.fillBase(r, p)
	q := r.URL.Query()
	if v := q.Get("unit"); v != "" {
		id, _ := strconv.ParseInt(v, 10, 64)
		u, err := s.complaints.PublicUnit(r.Context(), id)
		if err != nil && apperr.KindOf(err) != apperr.NotFound {
			s.fail(w, r, err)
			return
		}
		if err == nil {
			p.Unit = &u
			p.In.UnitID = u.ID
		} else {
			p.Problem = p.T("complaint.unit_unknown")
		}
	}
	if p.Unit == nil {
		p.Query = strings.TrimSpace(q.Get("q"))
		if p.Query != "" {
			p.Looked = true
			found, err := s.complaints.PublicUnits(r.Context(), p.Query, "", 30)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			p.Found = found
		}
	}
	s.render(w, r, http.StatusOK, "complaint_form", p)
}

// publicHeaders keep the public complaint pages out of shared caches and
// their address out of what they link to: a tracking code is a key.
func publicHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
}

func (s *Server) complaintFile(w http.ResponseWriter, r *http.Request) {
	publicHeaders(w)
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	id, _ := strconv.ParseInt(f.Get("unit_id"), 10, 64)
	in := complaint.Input{UnitID: id, Category: f.Get("category"), Body: f.Get("body"), ContactName: f.Get("contact_name"),
		Contact: f.Get("contact"), Channel: complaint.ChannelWeb}
	p := &complaintFormPage{complaintBase: complaintBase{Base{Title: "complaint.form.title"}}, In: in}
	s.fillBase(r, p)
	if u, err := s.complaints.PublicUnit(r.Context(), id); err == nil {
		p.Unit = &u
	}
	if guard.Honeypot(f) {
		// A bot: it is told all went well, and nothing is kept.
		p.Filed = &complaint.Filed{Code: complaint.FormatCode(complaint.NewCode()), ReceivedAt: time.Now().UTC()}
		if p.Unit != nil {
			p.Filed.UnitName = p.Unit.Name
		}
		p.Title = "complaint.filed.title"
		s.render(w, r, http.StatusOK, "complaint_form", p)
		return
	}
	if err := in.Validate().Err(); err != nil {
		s.complaintFormFailed(w, r, p, err)
		return
	}
	if ok, retry, err := s.guard.Allow(r.Context(), complaintFileLimit, guard.DeviceID(r), s.clientIP(r)); err != nil {
		s.fail(w, r, err)
		return
	} else if !ok {
		s.refuseFlood(w, r, retry)
		return
	}
	filed, err := s.complaints.File(r.Context(), in)
	if err != nil {
		s.complaintFormFailed(w, r, p, err)
		return
	}
	p.Filed, p.Title = &filed, "complaint.filed.title"
	s.render(w, r, http.StatusOK, "complaint_form", p)
}

func (s *Server) complaintFormFailed(w http.ResponseWriter, r *http.Request, p *complaintFormPage, err error) {
	fe, status, ok := s.formFailure(r, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	p.Errors = fe
	s.render(w, r, status, "complaint_form", p)
}

// complaintTrackPage is the public tracking page.
type complaintTrackPage struct {
	complaintBase
	Code    string
	View    *complaint.PublicView
	Problem string
}

func (s *Server) complaintTrack(w http.ResponseWriter, r *http.Request) {
	guard.SetDeviceCookie(w, r)
	publicHeaders(w)
	state(r).hidePath = true // the query holds the code
	p := &complaintTrackPage{complaintBase: complaintBase{Base{Title: "complaint.track.title"}}}
	s.fillBase(r, p)
	p.Code = strings.TrimSpace(r.URL.Query().Get("kode"))
	// The language switch must not carry the code into a form's hidden field.
	p.URI = "/pengaduan/lacak"
	if p.Code == "" {
		s.render(w, r, http.StatusOK, "complaint_track", p)
		return
	}
	if ok, retry, err := s.guard.Allow(r.Context(), complaintTrackLimit, guard.DeviceID(r), s.clientIP(r)); err != nil {
		s.fail(w, r, err)
		return
	} else if !ok {
		s.refuseFlood(w, r, retry)
		return
	}
	v, err := s.complaints.Track(r.Context(), p.Code)
	if err != nil {
		if apperr.KindOf(err) != apperr.NotFound {
			s.fail(w, r, err)
			return
		}
		ae := apperr.As(err)
		p.Problem = p.T(ae.Key)
		s.render(w, r, http.StatusNotFound, "complaint_track", p)
		return
	}
	p.View = &v
	s.render(w, r, http.StatusOK, "complaint_track", p)
}

// complaintListPage is a unit's complaints, for its staff, with the form
// to write down a complaint received at the counter.
type complaintListPage struct {
	complaintBase
	UnitID   int64
	UnitName string
	Items    []complaint.Complaint
	Total    int
	Status   string
	Overdue  bool
	Pager    Pager
	Now      time.Time
	// The counter form: what was sent and why it was refused.
	In     complaint.Input
	Errors FormErrors
}

// unitPathID reads the {id} of a unit's path.
func unitPathID(r *http.Request) (int64, error) { return pathID(r) }

func (s *Server) complaintList(w http.ResponseWriter, r *http.Request) {
	unitID, err := unitPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showComplaintList(w, r, unitID, complaint.Input{}, nil, http.StatusOK)
}

func (s *Server) showComplaintList(w http.ResponseWriter, r *http.Request, unitID int64, in complaint.Input, fe FormErrors, status int) {
	q := r.URL.Query()
	f := complaint.ListFilter{Status: complaint.Status(q.Get("status")), Overdue: q.Get("overdue") == "1",
		Page: queryInt(r, "page", 1), Size: 25}
	items, total, err := s.complaints.List(r.Context(), *state(r).user, unitID, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &complaintListPage{complaintBase: complaintBase{Base{Title: "complaint.list.title"}}, UnitID: unitID, Items: items,
		Total: total, Status: string(f.Status), Overdue: f.Overdue, Now: time.Now(), In: in, Errors: fe}
	s.fillBase(r, p)
	if names, err := s.unitNames(r, unitID); err == nil {
		p.UnitName = names
	}
	filters := []string{}
	if f.Status != "" {
		filters = append(filters, "status="+url.QueryEscape(string(f.Status)))
	}
	if f.Overdue {
		filters = append(filters, "overdue=1")
	}
	p.Pager = listPager(f.Page, 25, total, "", filters...)
	s.render(w, r, status, "complaint_list", p)
}

// counterInput reads the counter form of a unit's complaint list.
func counterInput(f url.Values) complaint.Input {
	return complaint.Input{Category: f.Get("category"), Body: f.Get("body"), ContactName: f.Get("contact_name"),
		Contact: f.Get("contact")}
}

// complaintRecord writes down a complaint received at the counter (channel
// "counter") and opens it, so the member of staff can read the tracking
// code out to the complainant.
func (s *Server) complaintRecord(w http.ResponseWriter, r *http.Request) {
	unitID, err := unitPathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	in := counterInput(r.PostForm)
	filed, err := s.complaints.Record(r.Context(), actor(r), *state(r).user, unitID, in)
	if err == nil {
		http.Redirect(w, r, "/units/"+strconv.FormatInt(unitID, 10)+"/pengaduan/"+strconv.FormatInt(filed.ID, 10)+"?saved=1", http.StatusSeeOther)
		return
	}
	fe, status, ok := s.formFailure(r, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	s.showComplaintList(w, r, unitID, in, fe, status)
}

// unitNames reads the name of a unit already checked to be in reach.
func (s *Server) unitNames(r *http.Request, id int64) (string, error) {
	u, err := s.complaints.PublicUnit(r.Context(), id)
	return u.Name, err
}

// complaintDetailPage is one complaint with its history and its steps.
type complaintDetailPage struct {
	complaintBase
	D      complaint.Detail
	Errors FormErrors
	Saved  bool
	// Sent and Text are the step and the text of a form refused: they go
	// back into that step's form, and nowhere else.
	Sent, Text string
	Now        time.Time
}

// TextFor is the text sent back to the form of step a.
func (p *complaintDetailPage) TextFor(a string) string {
	if p.Sent == a {
		return p.Text
	}
	return ""
}

// TextError is the message on the text of the form of step a.
func (p *complaintDetailPage) TextError(a string) string {
	if p.Sent == a {
		return p.Errors["text"]
	}
	return ""
}

// Who names who took a step: a person's name, or for the steps nobody
// signed in took, the complainant (by channel) or layan itself (escalation).
func (p *complaintDetailPage) Who(e complaint.Event) string {
	switch {
	case strings.HasPrefix(e.ActorName, "publik:"):
		return p.T("complaint.detail.by_public", p.T("complaint.channel."+strings.TrimPrefix(e.ActorName, "publik:")))
	case e.ActorName == "layan":
		return p.T("complaint.detail.by_system")
	}
	return e.ActorName
}

// Can reports whether the page offers action a.
func (p *complaintDetailPage) Offers(a string) bool {
	for _, x := range p.D.Allowed {
		if string(x) == a {
			return true
		}
	}
	return false
}

func (s *Server) complaintShow(w http.ResponseWriter, r *http.Request) {
	unitID, id, err := pathIDs(r, "pid")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showComplaint(w, r, unitID, id, nil, complaint.ActInput{}, http.StatusOK)
}

func (s *Server) showComplaint(w http.ResponseWriter, r *http.Request, unitID, id int64, fe FormErrors, sent complaint.ActInput, status int) {
	d, err := s.complaints.Get(r.Context(), *state(r).user, unitID, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &complaintDetailPage{complaintBase: complaintBase{Base{Title: "complaint.detail.title"}}, D: d, Errors: fe, Sent: string(sent.Action), Text: sent.Text,
		Saved: r.URL.Query().Get("saved") == "1", Now: time.Now()}
	s.fillBase(r, p)
	s.render(w, r, status, "complaint_detail", p)
}

func (s *Server) complaintAct(w http.ResponseWriter, r *http.Request) {
	unitID, id, err := pathIDs(r, "pid")
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
	assign, _ := strconv.ParseInt(f.Get("assign_to"), 10, 64)
	in := complaint.ActInput{Action: complaint.Action(f.Get("action")), Version: version, AssignTo: assign, Text: f.Get("text")}
	_, err = s.complaints.Act(r.Context(), actor(r), *state(r).user, unitID, id, in)
	if err == nil {
		http.Redirect(w, r, "/units/"+strconv.FormatInt(unitID, 10)+"/pengaduan/"+strconv.FormatInt(id, 10)+"?saved=1", http.StatusSeeOther)
		return
	}
	fe, status, ok := s.formFailure(r, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	if ae := apperr.As(err); ae != nil && ae.Code == "step_not_allowed" {
		// Not a stale form but a step the status no longer allows.
		fe = FormErrors{"_": s.cat.T(state(r).lang, ae.Key)}
	}
	s.showComplaint(w, r, unitID, id, fe, in, status)
}

// complaintFiguresPage is the counts of a region's units.
type complaintFiguresPage struct {
	complaintBase
	Region      string
	RegionName  string
	Period      string
	PeriodLabel string
	F           complaint.RegionFigures
}

func (s *Server) complaintPeriod(r *http.Request) (complaint.Period, wilayah.Code, error) {
	q := r.URL.Query()
	per, err := complaint.ParsePeriod(q.Get("period"), time.Now())
	if err != nil {
		return per, "", err
	}
	region := wilayah.Code(strings.TrimSpace(q.Get("region")))
	if region != "" {
		if _, ok := s.regions.Get(region); !ok {
			return per, "", apperr.BadParam("region", "region.unknown", string(region))
		}
	}
	return per, region, nil
}

func (s *Server) complaintFigures(w http.ResponseWriter, r *http.Request) {
	per, region, err := s.complaintPeriod(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := s.complaints.RegionFigures(r.Context(), *state(r).user, region, per.From, per.To)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &complaintFiguresPage{complaintBase: complaintBase{Base{Title: "complaint.figures.title"}}, Region: string(region),
		Period: per.Name, F: f}
	s.fillBase(r, p)
	p.PeriodLabel = per.Name
	if region != "" {
		p.RegionName = pathText(s.regions, region)
	}
	s.render(w, r, http.StatusOK, "complaint_figures", p)
}

// The JSON API.

// complaintAPIInput is a complaint sent to the public API.
type complaintAPIInput struct {
	UnitID      int64  `json:"unit_id"`
	Category    string `json:"category"`
	Body        string `json:"body"`
	ContactName string `json:"contact_name"`
	Contact     string `json:"contact"`
}

func (s *Server) apiComplaintFile(w http.ResponseWriter, r *http.Request) {
	var body complaintAPIInput
	if err := decodeJSON(r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	in := complaint.Input{UnitID: body.UnitID, Category: body.Category, Body: body.Body, ContactName: body.ContactName,
		Contact: body.Contact, Channel: complaint.ChannelAPI}
	if err := in.Validate().Err(); err != nil {
		s.fail(w, r, err)
		return
	}
	if ok, retry, err := s.guard.Allow(r.Context(), complaintFileLimit, guard.DeviceID(r), s.clientIP(r)); err != nil {
		s.fail(w, r, err)
		return
	} else if !ok {
		s.refuseFlood(w, r, retry)
		return
	}
	filed, err := s.complaints.File(r.Context(), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, filed)
}

func (s *Server) apiComplaintTrack(w http.ResponseWriter, r *http.Request) {
	state(r).hidePath = true // the path holds the code
	if ok, retry, err := s.guard.Allow(r.Context(), complaintTrackLimit, guard.DeviceID(r), s.clientIP(r)); err != nil {
		s.fail(w, r, err)
		return
	} else if !ok {
		s.refuseFlood(w, r, retry)
		return
	}
	v, err := s.complaints.Track(r.Context(), r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) apiComplaints(w http.ResponseWriter, r *http.Request) {
	unitID, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f := complaint.ListFilter{Status: complaint.Status(q.Get("status")), Overdue: q.Get("overdue") == "true" || q.Get("overdue") == "1",
		Page: queryInt(r, "page", 1), Size: queryInt(r, "size", 25)}
	items, total, err := s.complaints.List(r.Context(), *state(r).user, unitID, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": total})
}

// complaintCounterInput is a complaint received at the counter, sent to
// the staff API.
type complaintCounterInput struct {
	Category    string `json:"category"`
	Body        string `json:"body"`
	ContactName string `json:"contact_name"`
	Contact     string `json:"contact"`
}

func (s *Server) apiComplaintRecord(w http.ResponseWriter, r *http.Request) {
	unitID, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var body complaintCounterInput
	if err := decodeJSON(r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	u := *state(r).user
	in := complaint.Input{Category: body.Category, Body: body.Body, ContactName: body.ContactName, Contact: body.Contact}
	filed, err := s.complaints.Record(r.Context(), actor(r), u, unitID, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.complaints.Get(r.Context(), u, unitID, filed.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, d)
}

func (s *Server) apiComplaint(w http.ResponseWriter, r *http.Request) {
	readByIDs(s, w, r, "pid", s.complaints.Get)
}

func (s *Server) apiComplaintAct(w http.ResponseWriter, r *http.Request) {
	changeByIDs(s, w, r, "pid", http.StatusOK, s.complaints.Act)
}

func (s *Server) apiComplaintFigures(w http.ResponseWriter, r *http.Request) {
	per, region, err := s.complaintPeriod(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := s.complaints.RegionFigures(r.Context(), *state(r).user, region, per.From, per.To)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, f)
}

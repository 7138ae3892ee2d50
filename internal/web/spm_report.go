package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/i18n"
	"github.com/layan-id/layan/internal/spm"
	"github.com/layan-id/layan/internal/wilayah"
)

// The quarterly SPM report (Permendagri 59/2021 Pasal 24 ayat 1: every
// three months, through the application): the JSON API and the pages.
// Everything the workflow decides — who writes, submits, returns,
// verifies, locks and reopens, and when — is spm.DecideReport's; these
// handlers read the request, call the store and render.

// readReportQuery reads a report request's region (required unless
// optional) and its year and quarter, both required: a report is of one
// quarter, never "the latest".
func readReportQuery(q url.Values, regionOptional bool) (spmQuery, error) {
	out := spmQuery{Region: strings.TrimSpace(q.Get("region"))}
	if out.Region == "" && !regionOptional {
		return out, apperr.BadParam("region", "field.required")
	}
	var err error
	if out.Year, out.Quarter, err = readSPMPeriod(q); err != nil {
		return out, err
	}
	if out.Quarter == 0 {
		return out, apperr.BadParam("quarter", "field.required")
	}
	return out, nil
}

// reportStep is the body of POST /api/v1/spm/reports/actions.
type reportStep struct {
	Region  string           `json:"region"`
	Year    int              `json:"year"`
	Quarter int              `json:"quarter"`
	Action  spm.ReportAction `json:"action"`
	Reason  string           `json:"reason"`
	Version int              `json:"version"`
}

// reportEvents and reportSummaries are the list answers.
type reportEvents struct {
	Items []spm.ReportEvent `json:"items"`
}

type reportSummaries struct {
	Items []spm.ReportSummary `json:"items"`
}

// apiSPMReport is GET /api/v1/spm/reports?region&year&quarter.
func (s *Server) apiSPMReport(w http.ResponseWriter, r *http.Request) {
	q, err := readReportQuery(r.URL.Query(), false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rep, err := s.spm.Report(r.Context(), caseUser(r), q.Region, q.Year, q.Quarter)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// apiSPMReportPut is PUT /api/v1/spm/reports: the whole content of a draf.
func (s *Server) apiSPMReportPut(w http.ResponseWriter, r *http.Request) {
	var in spm.ReportInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	rep, err := s.spm.SaveReport(r.Context(), actor(r), caseUser(r), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// apiSPMReportAction is POST /api/v1/spm/reports/actions: submit, return,
// verify, lock or reopen.
func (s *Server) apiSPMReportAction(w http.ResponseWriter, r *http.Request) {
	var in reportStep
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	rep, err := s.spm.ActOnReport(r.Context(), actor(r), caseUser(r), in.Region, in.Year, in.Quarter, in.Action, in.Reason, in.Version)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// apiSPMReportHistory is GET /api/v1/spm/reports/history?region&year&quarter.
func (s *Server) apiSPMReportHistory(w http.ResponseWriter, r *http.Request) {
	q, err := readReportQuery(r.URL.Query(), false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	events, err := s.spm.ReportHistory(r.Context(), caseUser(r), q.Region, q.Year, q.Quarter)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, reportEvents{Items: events})
}

// apiSPMReportStatus is GET /api/v1/spm/report-status?[region]&year&quarter:
// who submitted, when, who is late.
func (s *Server) apiSPMReportStatus(w http.ResponseWriter, r *http.Request) {
	q, err := readReportQuery(r.URL.Query(), true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.spm.ReportList(r.Context(), caseUser(r), q.Region, q.Year, q.Quarter)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, reportSummaries{Items: list})
}

// ---- The pages ----

// reportSteps are the workflow's steps in the order the page offers them.
var reportSteps = []spm.ReportAction{spm.ReportSubmit, spm.ReportReturn, spm.ReportVerify, spm.ReportLock, spm.ReportReopen}

// reportURL is the page of a region's report of a quarter.
func reportURL(region string, year, quarter int) string {
	v := url.Values{"region": {region}, "year": {strconv.Itoa(year)}, "quarter": {strconv.Itoa(quarter)}}
	return "/spm/report?" + v.Encode()
}

// reportsURL is the reporting status of a region ("" the nation) for a quarter.
func reportsURL(region string, year, quarter int) string {
	v := url.Values{"year": {strconv.Itoa(year)}, "quarter": {strconv.Itoa(quarter)}}
	if region != "" {
		v.Set("region", region)
	}
	return "/spm/reports?" + v.Encode()
}

// ReportLink is the SPM page's link to the quarterly report of the region
// shown, for its period; none on the national view.
func (p *spmPage) ReportLink() string {
	if p.O.Region == nil {
		return ""
	}
	return reportURL(string(p.O.Region.Region), p.O.Period.Year, p.O.Period.Quarter)
}

// StatusLink is the SPM page's link to who reported in the period: for the
// nation and for a province (itself and its kab/kota).
func (p *spmPage) StatusLink() string {
	if p.O.Region == nil {
		return reportsURL("", p.O.Period.Year, p.O.Period.Quarter)
	}
	if p.O.Region.Level != spm.Provinsi {
		return ""
	}
	return reportsURL(string(p.O.Region.Region), p.O.Period.Year, p.O.Period.Quarter)
}

// lastEndedQuarter is the quarter whose report is due around now: the one
// before today's (the fourth of last year in the first quarter).
func lastEndedQuarter(now time.Time) (year, quarter int) {
	year, quarter = now.Year(), (int(now.Month())-1)/3
	if quarter == 0 {
		return year - 1, 4
	}
	return year, quarter
}

// reportPageQuery reads a report page's region and period: by default the
// user's own region and the quarter last ended; with a year alone, its
// fourth quarter (a past year) or the one running.
func (s *Server) reportPageQuery(u access.User, q url.Values) (spmQuery, error) {
	out := spmQuery{Region: strings.TrimSpace(q.Get("region"))}
	if !q.Has("region") {
		out.Region = spmHome(u)
	}
	now := s.spmNow()
	y, qt := strings.TrimSpace(q.Get("year")), strings.TrimSpace(q.Get("quarter"))
	out.Year, out.Quarter = lastEndedQuarter(now)
	var err error
	if y != "" {
		if out.Year, err = strconv.Atoi(y); err != nil {
			return out, apperr.BadParam("year", "field.number")
		}
		if qt == "" {
			out.Quarter = 4
			if out.Year == now.Year() {
				out.Quarter = (int(now.Month())-1)/3 + 1
			}
		}
	}
	if qt != "" {
		if out.Quarter, err = strconv.Atoi(qt); err != nil || out.Quarter < 1 || out.Quarter > 4 {
			return out, apperr.BadParam("quarter", "spm.quarter_range")
		}
	}
	return out, nil
}

// periodChoice is the year and quarter choices of a period form.
type periodChoice struct {
	Years    []int
	Quarters []int
}

func (s *Server) periodChoice() periodChoice {
	c := periodChoice{Quarters: []int{1, 2, 3, 4}}
	for y := s.spmNow().Year(); y >= 2018; y-- {
		c.Years = append(c.Years, y)
	}
	return c
}

// reportPage is a region's quarterly report.
type reportPage struct {
	Base
	periodChoice
	R       spm.Report
	History []spm.ReportEvent
	// Ended says the quarter is over (a submission needs it).
	Ended bool
	// CanEdit is set for a planner of exactly the region while the report
	// is a draf; Steps are the workflow steps the user may take now.
	CanEdit bool
	Steps   []spm.ReportAction
	// Typed holds the content form as sent back with its errors, by field
	// path; nil shows the stored content. Errors are that form's.
	Typed  map[string]string
	Errors FormErrors
	// Step is the step whose form failed, with its reason and errors.
	Step       spm.ReportAction
	StepReason string
	StepErrors FormErrors
	// Refused is the sentence of a refused save or step; Done the step
	// just taken.
	Refused string
	Done    spm.ReportAction
	// stored are the stored content's form values, by field path.
	stored map[string]string
}

// FieldID is the HTML id of a content field (its path): the keterisian
// list links to it.
func (p *reportPage) FieldID(path string) string {
	return "f-" + strings.ReplaceAll(path, ".", "-")
}

// Val is a content field's value in the form: as typed, or as stored.
func (p *reportPage) Val(path string) string {
	if p.Typed != nil {
		return p.Typed[path]
	}
	return p.stored[path]
}

// FieldPath names a content field: "jenis.<jenis>.<part>", "tahapan.<tahap>.<part>".
func (p *reportPage) FieldPath(group string, name any, part string) string {
	return group + "." + fmt.Sprint(name) + "." + part
}

// OtherErrors are the form's errors that belong to no field shown.
func (p *reportPage) OtherErrors() []string {
	var out []string
	for k, v := range p.Errors {
		if _, shown := p.stored[k]; !shown {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

func (p *reportPage) StatusName(s spm.ReportStatus) string {
	return p.T("spmreport.status." + string(s))
}
func (p *reportPage) ActionName(a spm.ReportAction) string {
	return p.T("spmreport.action." + string(a))
}
func (p *reportPage) TahapName(t spm.Tahap) string { return p.T("spmreport.tahap." + string(t)) }
func (p *reportPage) StatusClass(s spm.ReportStatus) string {
	return reportStatusClass(s)
}

// DoneName says whether a tahap was carried out.
func (p *reportPage) DoneName(b *bool) string {
	switch yesNo(b) {
	case "ya":
		return p.T("spmreportui.tahap_done")
	case "tidak":
		return p.T("spmreportui.tahap_not_done")
	}
	return p.T("spmreportui.tahap_unanswered")
}

// AsksReason reports whether a step needs a reason (kept in the history).
func (p *reportPage) AsksReason(a spm.ReportAction) bool {
	return a == spm.ReportReturn || a == spm.ReportReopen
}

// ActionClass styles a step's button: going forward, or sending back.
func (p *reportPage) ActionClass(a spm.ReportAction) string {
	if p.AsksReason(a) {
		return "danger"
	}
	return "primary"
}

// ActionHint says what a step does, for the one who takes it.
func (p *reportPage) ActionHint(a spm.ReportAction) string {
	return p.T("spmreportui.step_hint." + string(a))
}

// StepReasonOf is the reason typed into a step's form that failed.
func (p *reportPage) StepReasonOf(a spm.ReportAction) string {
	if p.Step == a {
		return p.StepReason
	}
	return ""
}

// StepErrorsOf are the errors of a step's form, if it is the one that failed.
func (p *reportPage) StepErrorsOf(a spm.ReportAction) FormErrors {
	if p.Step == a {
		return p.StepErrors
	}
	return nil
}

// Rupiah writes whole Rupiah with the page's thousands separator, or a dash.
func (p *reportPage) Rupiah(v *int64) string {
	if v == nil {
		return "—"
	}
	return "Rp " + groupDigits(*v, p.Lang)
}

// Pct and Num's sibling for the figures table.
func (p *reportPage) Pct(v *float64) string { return (&spmPage{Base: Base{Lang: p.Lang}}).Pct(v) }

// DoneText says what the step just taken did.
func (p *reportPage) DoneText() string { return p.T("spmreportui.done." + string(p.Done)) }

// Countdown says where the report stands against its deadline.
func (p *reportPage) Countdown() string {
	return reportCountdown(&p.Base, p.R.Status, p.R.DaysLeft, p.R.Late, p.R.SubmittedAt != nil)
}

// Deadline writes the report's deadline as a day of the page's language.
func (p *reportPage) Deadline() string { return reportDay(p.R.Deadline) }

// QuarterEnd is the quarter's last day, after which it may be submitted.
func (p *reportPage) QuarterEnd() string {
	return reportDay(spm.Period{Year: p.R.Year, Quarter: p.R.Quarter}.To())
}

// MissingLabel names a part of the report still empty.
func (p *reportPage) MissingLabel(m spm.MissingField) string {
	parts := strings.Split(m.Field, ".")
	switch {
	case len(parts) == 3 && parts[0] == "jenis":
		name := parts[1]
		if svc, ok := spm.ServiceOf(spm.Jenis(parts[1])); ok {
			name = svc.Name
		}
		return name + " — " + p.T("spmreportui.part."+parts[2])
	case len(parts) == 3 && parts[0] == "tahapan":
		return p.TahapName(spm.Tahap(parts[1])) + " — " + p.T("spmreportui.part.tahap_"+parts[2])
	}
	return p.T("spmreportui.part." + m.Field)
}

// EventText says what a step of the history did.
func (p *reportPage) EventText(e spm.ReportEvent) string {
	return p.T("spmreportui.history.step", e.ActorName, p.T("audit.action."+string(e.Action)), p.StatusName(e.From),
		p.StatusName(e.To))
}

// ListLink is the reporting status of the report's province (for its
// reviewers and the nation's viewers) or of the region itself.
func (p *reportPage) ListLink() string {
	region := p.R.Region
	if p.User != nil && p.User.Scope().CoversRegion(region.Province()) {
		region = region.Province()
	}
	return reportsURL(string(region), p.R.Year, p.R.Quarter)
}

// FiguresLink is the SPM achievement page of the region and quarter.
func (p *reportPage) FiguresLink() string {
	v := url.Values{"region": {string(p.R.Region)}, "year": {strconv.Itoa(p.R.Year)}, "quarter": {strconv.Itoa(p.R.Quarter)}}
	return "/spm?" + v.Encode()
}

// reportStatusClass styles a status tag: checked by the province, or not.
func reportStatusClass(s spm.ReportStatus) string {
	switch s {
	case spm.ReportVerified, spm.ReportLocked:
		return "tag ok"
	case spm.ReportSubmitted:
		return "tag"
	}
	return "tag bad"
}

// reportCountdown is the countdown of a report: days left or days late
// while a draf, on time or late once submitted. The deadline is practice
// (domain.md §3 ◐), so a late report still goes in; this only says so.
func reportCountdown(b *Base, status spm.ReportStatus, daysLeft int, late, submitted bool) string {
	switch {
	case status != spm.ReportDraft && submitted && late:
		return b.T("spmreportui.countdown.submitted_late")
	case status != spm.ReportDraft:
		return b.T("spmreportui.countdown.submitted_on_time")
	case daysLeft > 0:
		return b.N("spmreportui.countdown.days_left", daysLeft)
	case daysLeft == 0:
		return b.T("spmreportui.countdown.today")
	}
	return b.N("spmreportui.countdown.days_late", -daysLeft)
}

// reportDay writes a YYYY-MM-DD day as DD-MM-YYYY, as the pages write days.
func reportDay(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.Format("02-01-2006")
}

// groupDigits writes n with the thousands separator of lang.
func groupDigits(n int64, lang i18n.Lang) string {
	sep := "."
	if lang == i18n.EN {
		sep = ","
	}
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// storedValues are a report's content as form values, by field path.
func storedValues(rep spm.Report, lang i18n.Lang) map[string]string {
	out := map[string]string{"rencana_aksi": rep.RencanaAksi}
	rupiah := func(v *int64) string {
		if v == nil {
			return ""
		}
		return groupDigits(*v, lang)
	}
	for _, j := range rep.Jenis {
		p := "jenis." + string(j.Jenis) + "."
		out[p+"permasalahan"], out[p+"solusi"] = j.Permasalahan, j.Solusi
		out[p+"anggaran_rencana"], out[p+"anggaran_realisasi"] = rupiah(j.AnggaranRencana), rupiah(j.AnggaranRealisasi)
	}
	for _, t := range rep.Tahapan {
		p := "tahapan." + string(t.Tahap) + "."
		out[p+"done"], out[p+"note"] = yesNo(t.Done), t.Note
	}
	return out
}

func yesNo(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "ya"
	}
	return "tidak"
}

// rupiahText is an amount as people type it: digits, grouped by three with
// dots, commas or spaces or not at all, after an optional "Rp".
var rupiahText = regexp.MustCompile(`^-?(\d{1,3}([., ]\d{3})+|\d+)$`)

// parseRupiah reads a whole-Rupiah amount; empty is nil (not filled in).
// ok is false with the message key of what is wrong.
func parseRupiah(s string) (v *int64, key string) {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && strings.EqualFold(s[:2], "rp") {
		s = strings.TrimSpace(strings.TrimPrefix(s[2:], "."))
	}
	if s == "" {
		return nil, ""
	}
	if !rupiahText.MatchString(s) {
		return nil, "spmreportui.rupiah_format"
	}
	digits := strings.Map(func(r rune) rune {
		if r == '-' || (r >= '0' && r <= '9') {
			return r
		}
		return -1
	}, s)
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return nil, "spmreport.rupiah_too_large"
	}
	return &n, ""
}

// reportFormInput reads the content form: every jenis and tahap whose
// fields were sent, by their field paths (the domain's, so its errors land
// on the right field). typed is the form as sent, to show it again; errs
// the amounts and answers that could not be read.
func reportFormInput(f url.Values) (in spm.ReportInput, typed map[string]string, errs map[string]string) {
	typed = map[string]string{"rencana_aksi": f.Get("rencana_aksi")}
	in.RencanaAksi = f.Get("rencana_aksi")
	fail := func(path, key string) {
		if errs == nil {
			errs = map[string]string{}
		}
		errs[path] = key
	}
	for _, svc := range spm.Services {
		p := "jenis." + string(svc.Jenis) + "."
		sent := false
		for _, part := range []string{"permasalahan", "solusi", "anggaran_rencana", "anggaran_realisasi"} {
			if f.Has(p + part) {
				sent = true
				typed[p+part] = f.Get(p + part)
			}
		}
		if !sent {
			continue
		}
		j := spm.ReportJenis{Jenis: svc.Jenis, Permasalahan: f.Get(p + "permasalahan"), Solusi: f.Get(p + "solusi")}
		var key string
		if j.AnggaranRencana, key = parseRupiah(f.Get(p + "anggaran_rencana")); key != "" {
			fail(p+"anggaran_rencana", key)
		}
		if j.AnggaranRealisasi, key = parseRupiah(f.Get(p + "anggaran_realisasi")); key != "" {
			fail(p+"anggaran_realisasi", key)
		}
		in.Jenis = append(in.Jenis, j)
	}
	for _, tp := range spm.Tahapan {
		p := "tahapan." + string(tp) + "."
		if !f.Has(p+"done") && !f.Has(p+"note") {
			continue
		}
		t := spm.ReportTahap{Tahap: tp, Note: f.Get(p + "note")}
		typed[p+"done"], typed[p+"note"] = f.Get(p+"done"), t.Note
		switch f.Get(p + "done") {
		case "ya":
			t.Done = new(true)
		case "tidak":
			t.Done = new(false)
		case "":
		default:
			fail(p+"done", "spmreportui.done_choice")
		}
		in.Tahapan = append(in.Tahapan, t)
	}
	return in, typed, errs
}

// newReportPage reads a region's report of a quarter, its history, and
// what the user may do with it.
func (s *Server) newReportPage(r *http.Request, q spmQuery) (*reportPage, error) {
	u := caseUser(r)
	rep, err := s.spm.Report(r.Context(), u, q.Region, q.Year, q.Quarter)
	if err != nil {
		return nil, err
	}
	history, err := s.spm.ReportHistory(r.Context(), u, q.Region, q.Year, q.Quarter)
	if err != nil {
		return nil, err
	}
	p := &reportPage{Base: Base{Title: "spmreportui.title"}, periodChoice: s.periodChoice(), R: rep, History: history,
		stored: storedValues(rep, state(r).lang)}
	p.Ended = s.spmNow().Format(time.DateOnly) > spm.Period{Year: rep.Year, Quarter: rep.Quarter}.To()
	// The buttons are those DecideReport allows this user now; a reason
	// and the fill rate are asked for on the form, and a submission of a
	// quarter still running is not offered.
	may := func(a spm.ReportAction) bool {
		_, err := spm.DecideReport(rep.Status, spm.ReportStep{Action: a, By: u, Region: rep.Region, Reason: "-", Ended: true})
		return err == nil
	}
	p.CanEdit = may(spm.ReportSave)
	for _, a := range reportSteps {
		if may(a) && (a != spm.ReportSubmit || p.Ended) {
			p.Steps = append(p.Steps, a)
		}
	}
	return p, nil
}

// spmReportPage is GET /spm/report: a region's report of a quarter.
func (s *Server) spmReportPage(w http.ResponseWriter, r *http.Request) {
	q, err := s.reportPageQuery(caseUser(r), r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if q.Region == "" {
		// Whoever sees the nation reports on no region of their own:
		// the listing leads to each region's report.
		http.Redirect(w, r, reportsURL("", q.Year, q.Quarter), http.StatusSeeOther)
		return
	}
	p, err := s.newReportPage(r, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if done := spm.ReportAction(r.URL.Query().Get("done")); slices.Contains(spm.ReportActions, done) {
		p.Done = done
	}
	s.render(w, r, http.StatusOK, "spm_report", p)
}

// formPeriod reads the region and period a report form was posted for;
// unreadable numbers are left 0 for the store to refuse.
func formPeriod(f url.Values) spmQuery {
	q := spmQuery{Region: strings.TrimSpace(f.Get("region"))}
	q.Year, _ = strconv.Atoi(f.Get("year"))
	q.Quarter, _ = strconv.Atoi(f.Get("quarter"))
	return q
}

// spmReportSave is POST /spm/report: the planner saves the draf's content.
func (s *Server) spmReportSave(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	q := formPeriod(f)
	in, typed, bad := reportFormInput(f)
	in.Region, in.Year, in.Quarter = q.Region, q.Year, q.Quarter
	in.Version, _ = strconv.Atoi(f.Get("version"))
	var err error
	var fe FormErrors
	if bad != nil {
		// Amounts that are not amounts: nothing is saved until they are.
		fe = FormErrors{}
		for path, key := range bad {
			fe[path] = s.cat.T(state(r).lang, key)
		}
	} else {
		if _, err = s.spm.SaveReport(r.Context(), actor(r), caseUser(r), in); err == nil {
			http.Redirect(w, r, reportURL(q.Region, q.Year, q.Quarter)+"&done=save#content", http.StatusSeeOther)
			return
		}
		if ae := apperr.As(err); ae != nil && ae.Kind == apperr.Invalid {
			fe = s.formErrors(r, err)
		}
	}
	s.reportFailed(w, r, q, err, fe, func(p *reportPage, fe FormErrors) {
		p.Errors = fe
		if fe != nil {
			p.Typed = typed
		}
	})
}

// spmReportAct is POST /spm/report/actions: a step of the workflow.
func (s *Server) spmReportAct(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	q := formPeriod(f)
	act := spm.ReportAction(f.Get("action"))
	version, _ := strconv.Atoi(f.Get("version"))
	reason := f.Get("reason")
	_, err := s.spm.ActOnReport(r.Context(), actor(r), caseUser(r), q.Region, q.Year, q.Quarter, act, reason, version)
	if err == nil {
		http.Redirect(w, r, reportURL(q.Region, q.Year, q.Quarter)+"&done="+url.QueryEscape(string(act))+"#status", http.StatusSeeOther)
		return
	}
	var fe FormErrors
	if ae := apperr.As(err); ae != nil && ae.Kind == apperr.Invalid {
		fe = s.formErrors(r, err)
	}
	s.reportFailed(w, r, q, err, fe, func(p *reportPage, fe FormErrors) {
		p.Step, p.StepReason, p.StepErrors = act, reason, fe
	})
}

// reportFailed shows the report again after a refused save or step: with
// the form's errors (422), or with the refusal's sentence in an alert —
// 403 for the wrong role or region, 409 for the wrong moment or a stale
// copy (the page then shows what is stored now). Anything else fails the
// request as usual.
func (s *Server) reportFailed(w http.ResponseWriter, r *http.Request, q spmQuery, err error, fe FormErrors,
	fill func(p *reportPage, fe FormErrors)) {
	var refused string
	status := 0
	ae := apperr.As(err)
	switch {
	case fe != nil:
		status = http.StatusUnprocessableEntity
	case ae == nil:
	case ae.Code != "":
		refused, status = s.cat.T(state(r).lang, ae.Key, ae.Args...), statusOf(ae.Kind)
	case ae.Kind == apperr.Conflict:
		refused, status = s.cat.T(state(r).lang, ae.Key, ae.Args...), http.StatusConflict
	}
	if status == 0 {
		s.fail(w, r, err)
		return
	}
	p, lerr := s.newReportPage(r, q)
	if lerr != nil {
		s.fail(w, r, lerr)
		return
	}
	p.Refused = refused
	fill(p, fe)
	s.render(w, r, status, "spm_report", p)
}

// reportsPage is the reporting status of a quarter: who submitted, who is late.
type reportsPage struct {
	Base
	periodChoice
	Items []spm.ReportSummary
	// Region is the region asked ("" the nation), Name its name.
	Region, Name    string
	Year, Quarter   int
	Submitted, Late int
	Deadline        string
}

func (p *reportsPage) StatusName(s spm.ReportStatus) string {
	return p.T("spmreport.status." + string(s))
}
func (p *reportsPage) StatusClass(s spm.ReportStatus) string { return reportStatusClass(s) }
func (p *reportsPage) LevelName(l spm.Level) string          { return p.T("spmreportui.level." + string(l)) }
func (p *reportsPage) Link(c wilayah.Code) string            { return reportURL(string(c), p.Year, p.Quarter) }

// Countdown says where one region's report stands against the deadline.
func (p *reportsPage) Countdown(s spm.ReportSummary) string {
	return reportCountdown(&p.Base, s.Status, s.DaysLeft, s.Late, s.SubmittedAt != nil)
}

// spmReportsPage is GET /spm/reports: the reports of the regions in the
// caller's scope for a quarter.
func (s *Server) spmReportsPage(w http.ResponseWriter, r *http.Request) {
	u := caseUser(r)
	q, err := s.reportPageQuery(u, r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, err := s.spm.ReportList(r.Context(), u, q.Region, q.Year, q.Quarter)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &reportsPage{Base: Base{Title: "spmreportui.list_title"}, periodChoice: s.periodChoice(), Items: items,
		Region: q.Region, Year: q.Year, Quarter: q.Quarter}
	if q.Region != "" && len(items) > 0 {
		p.Name = items[0].RegionName
	}
	for _, it := range items {
		if it.Status != spm.ReportDraft {
			p.Submitted++
		}
		if it.Late {
			p.Late++
		}
		p.Deadline = reportDay(it.Deadline)
	}
	s.render(w, r, http.StatusOK, "spm_reports", p)
}

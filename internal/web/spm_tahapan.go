package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/spm"
)

// "Tahapan penerapan SPM": the four tahapan of Permendagri 59/2021 for a
// region and period on one page — 1 pengumpulan data (the data-quality
// view), 2 penghitungan kebutuhan (unit costs and the budget needed), 3
// penyusunan rencana (targets and budget allocated), 4 pelaksanaan
// (targets against X, budget against spending) — and their JSON API. The
// spm store decides who reads and who enters; these handlers read the
// request and render.

type tahapanPage struct {
	Base
	Region  string
	Year    int
	Quarter int
	Years   []int
	// Quarters to choose from: 1–4, the current year's up to now.
	Quarters []int
	Name     string
	Q        spm.DataQuality
	K        spm.Kebutuhan
	P        spm.Plans
	R        spm.Realisation
	// CanEnter is set for a planner of exactly the region shown;
	// CanOpenCases for a reader who may open the cases the lists name.
	CanEnter     bool
	CanOpenCases bool
	// Form is the form sent back with its errors: "cost" or "plan" of
	// Jenis, its values by field name.
	Form   tahapanForm
	Errors FormErrors
	Saved  string // "cost.<jenis>" or "plan.<jenis>" just saved or removed
}

type tahapanForm struct {
	Kind, Jenis string
	Values      url.Values
}

// Pct writes a percentage as the SPM page does.
func (p *tahapanPage) Pct(v *float64) string { return (&spmPage{Base: Base{Lang: p.Lang}}).Pct(v) }

// Rupiah writes whole Rupiah with the page's thousands separator, or a dash.
func (p *tahapanPage) Rupiah(v *int64) string {
	if v == nil {
		return "—"
	}
	return "Rp " + groupDigits(*v, p.Lang)
}

// RupiahN writes an amount that is always there.
func (p *tahapanPage) RupiahN(v int64) string { return p.Rupiah(&v) }

// JenisName is a jenis as the regulation names it.
func (p *tahapanPage) JenisName(j spm.Jenis) string {
	svc, _ := spm.ServiceOf(j)
	return svc.Name
}

// qualityCaseList is one data-quality list of cases for the tahapan_cases template.
type qualityCaseList struct {
	P     *tahapanPage
	Kind  string
	Items []spm.QualityCase
}

// CaseList hands a list of cases to the tahapan_cases template.
func (p *tahapanPage) CaseList(kind string, items []spm.QualityCase) qualityCaseList {
	return qualityCaseList{P: p, Kind: kind, Items: items}
}

// NumPtr writes a count that may be missing.
func (p *tahapanPage) NumPtr(v *int) string {
	if v == nil {
		return "—"
	}
	return p.Num(*v)
}

// formOf reports whether the form sent back is kind's of jenis j.
func (p *tahapanPage) formOf(kind string, j spm.Jenis) bool {
	return p.Form.Kind == kind && p.Form.Jenis == string(j)
}

// CostValue is the value of an item's cost field: as sent back, or stored.
func (p *tahapanPage) CostValue(t spm.UnitCostTable, it spm.UnitCostItem) string {
	if p.formOf("cost", t.Jenis) {
		return p.Form.Values.Get("cost." + it.Code)
	}
	if it.Cost == nil {
		return ""
	}
	return groupDigits(*it.Cost, p.Lang)
}

// CostText is the source or note of a cost form: as sent back, or stored.
func (p *tahapanPage) CostText(t spm.UnitCostTable, field string) string {
	if p.formOf("cost", t.Jenis) {
		return p.Form.Values.Get(field)
	}
	if field == "source" {
		return t.Source
	}
	return t.Note
}

// CostErrors are the form errors of jenis j's cost form.
func (p *tahapanPage) CostErrors(j spm.Jenis) FormErrors {
	if p.formOf("cost", j) {
		return p.Errors
	}
	return nil
}

// PlanErrors are the form errors of jenis j's plan form.
func (p *tahapanPage) PlanErrors(j spm.Jenis) FormErrors {
	if p.formOf("plan", j) {
		return p.Errors
	}
	return nil
}

// Err is the error of one field among errs ("costs.permakanan").
func (p *tahapanPage) Err(errs FormErrors, field string) string { return errs[field] }

// PlanValue is a plan form's field: as sent back, stored, or suggested
// (targets from Y).
func (p *tahapanPage) PlanValue(pl spm.Plan, field string) string {
	if p.formOf("plan", pl.Jenis) {
		return p.Form.Values.Get(field)
	}
	switch {
	case strings.HasPrefix(field, "target_"):
		q, _ := strconv.Atoi(strings.TrimPrefix(field, "target_"))
		if q < 1 || q > spm.Quarters {
			return ""
		}
		if pl.Planned {
			return strconv.Itoa(pl.Targets[q-1])
		}
		return strconv.Itoa(pl.Suggested[q-1])
	case field == "budget" && pl.Budget != nil:
		return groupDigits(*pl.Budget, p.Lang)
	case field == "note":
		return pl.Note
	}
	return ""
}

// CaseLink is the page of a case the lists name, for a reader who may open
// it; "" otherwise (the SPM roles see its number only).
func (p *tahapanPage) CaseLink(id int64) string {
	if !p.CanOpenCases {
		return ""
	}
	return "/cases/" + strconv.FormatInt(id, 10)
}

// PageLink is the page's data-quality lists at page n.
func (p *tahapanPage) PageLink(n int) string {
	v := url.Values{"region": {p.Region}, "year": {strconv.Itoa(p.Year)}, "quarter": {strconv.Itoa(p.Quarter)},
		"page": {strconv.Itoa(n)}}
	return "/spm/tahapan?" + v.Encode() + "#tahap-1"
}

// HasNext reports whether a data-quality list goes on past this page.
func (p *tahapanPage) HasNext() bool {
	seen := p.Q.Page * p.Q.Size
	return p.Q.Detail && (p.Q.WithoutNIK.Total > seen || p.Q.Unassessed.Total > seen || p.Q.Duplicates.Total > seen)
}

// QuarterTarget is the cumulative target of quarter q (1–4) of a plan.
func (p *tahapanPage) QuarterTarget(pl spm.Plan, q int) string {
	if !pl.Planned || q < 1 || q > len(pl.Targets) {
		return "—"
	}
	return p.Num(pl.Targets[q-1])
}

// tahapanURL is the page of a region and period.
func tahapanURL(region string, year, quarter int) string {
	v := url.Values{"region": {region}, "year": {strconv.Itoa(year)}, "quarter": {strconv.Itoa(quarter)}}
	return "/spm/tahapan?" + v.Encode()
}

// TahapanLink is the SPM page's link to the four tahapan of the region
// shown, for its period; none on the national view.
func (p *spmPage) TahapanLink() string {
	if p.O.Region == nil {
		return ""
	}
	return tahapanURL(string(p.O.Region.Region), p.O.Period.Year, p.O.Period.Quarter)
}

// newTahapanPage reads the four tahapan of q's region and period.
func (s *Server) newTahapanPage(r *http.Request, q url.Values) (*tahapanPage, error) {
	u := caseUser(r)
	region := strings.TrimSpace(q.Get("region"))
	if region == "" {
		region = string(u.Region)
	}
	if region == "" {
		return nil, apperr.BadParam("region", "field.required")
	}
	now := s.spmNow()
	year, quarter := now.Year(), 0
	var err error
	if v := strings.TrimSpace(q.Get("year")); v != "" {
		if year, err = strconv.Atoi(v); err != nil {
			return nil, apperr.BadParam("year", "field.number")
		}
	}
	if v := strings.TrimSpace(q.Get("quarter")); v != "" {
		if quarter, err = strconv.Atoi(v); err != nil {
			return nil, apperr.BadParam("quarter", "spm.quarter_range")
		}
	}
	page := 1
	if v := strings.TrimSpace(q.Get("page")); v != "" {
		if page, err = strconv.Atoi(v); err != nil || page < 1 {
			return nil, apperr.BadParam("page", "field.number")
		}
	}
	p := &tahapanPage{Base: Base{Title: "spmtahapan.title"}}
	ctx := r.Context()
	if p.R, err = s.spm.Realisation(ctx, u, region, year, quarter); err != nil {
		return nil, err
	}
	p.Region, p.Name, p.Year, p.Quarter = string(p.R.Region), p.R.RegionName, p.R.Year, p.R.Quarter
	if p.K, err = s.spm.UnitCosts(ctx, u, p.Region, p.Year, p.Quarter); err != nil {
		return nil, err
	}
	if p.P, err = s.spm.Plans(ctx, u, p.Region, p.Year); err != nil {
		return nil, err
	}
	if p.Q, err = s.spm.DataQuality(ctx, u, p.Region, p.Year, page); err != nil {
		return nil, err
	}
	for y := now.Year(); y >= 2018; y-- {
		p.Years = append(p.Years, y)
	}
	p.Quarters = []int{1, 2, 3, 4}
	p.CanEnter = u.Role.Can(access.EnterSPM) && string(u.Region) == p.Region
	p.CanOpenCases = u.Role.Can(access.ReadCases)
	return p, nil
}

func (s *Server) spmTahapanPage(w http.ResponseWriter, r *http.Request) {
	p, err := s.newTahapanPage(r, r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Saved = r.URL.Query().Get("saved")
	s.render(w, r, http.StatusOK, "spm_tahapan", p)
}

// tahapanDone goes back to the page after a saved form, at its section.
func tahapanDone(w http.ResponseWriter, r *http.Request, f url.Values, saved, anchor string) {
	v := url.Values{"region": {f.Get("region")}, "year": {f.Get("year")}, "quarter": {f.Get("quarter")}, "saved": {saved}}
	http.Redirect(w, r, "/spm/tahapan?"+v.Encode()+"#"+anchor, http.StatusSeeOther)
}

// tahapanFailed shows the page again with the form's errors.
func (s *Server) tahapanFailed(w http.ResponseWriter, r *http.Request, form tahapanForm, errs FormErrors, err error) {
	status := http.StatusUnprocessableEntity
	if e := apperr.As(err); errs == nil && e != nil && e.Kind == apperr.Conflict && e.Code == spm.CodePeriodClosed {
		// Not a stale copy: the quarter's report is under review or locked.
		errs, status = FormErrors{"_": s.cat.T(state(r).lang, e.Key, e.Args...)}, http.StatusConflict
	}
	if errs == nil {
		var ok bool
		if errs, status, ok = s.formFailure(r, err); !ok {
			s.fail(w, r, err)
			return
		}
	}
	f := form.Values
	p, perr := s.newTahapanPage(r, url.Values{"region": {f.Get("region")}, "year": {f.Get("year")}, "quarter": {f.Get("quarter")}})
	if perr != nil {
		s.fail(w, r, perr)
		return
	}
	p.Form, p.Errors = form, errs
	s.render(w, r, status, "spm_tahapan", p)
}

// spmTahapanCosts saves (or, with remove, deletes) a region's unit costs
// of one jenis from the page.
func (s *Server) spmTahapanCosts(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	year, _ := strconv.Atoi(f.Get("year"))
	version, _ := strconv.Atoi(f.Get("version"))
	in := spm.UnitCostInput{Region: f.Get("region"), Year: year, Jenis: f.Get("jenis"), Costs: map[string]int64{},
		Source: f.Get("source"), Note: f.Get("note"), Version: version}
	var errs FormErrors
	for name := range f {
		code, ok := strings.CutPrefix(name, "cost.")
		if !ok {
			continue
		}
		v, key := parseRupiah(f.Get(name))
		switch {
		case key != "":
			if errs == nil {
				errs = FormErrors{}
			}
			errs["costs."+code] = s.cat.T(state(r).lang, key)
		case v != nil:
			in.Costs[code] = *v
		}
	}
	var err error
	if errs == nil {
		if f.Get("remove") != "" {
			err = s.spm.DeleteUnitCosts(r.Context(), actor(r), caseUser(r), in.Region, in.Jenis, year, version)
		} else {
			_, err = s.spm.PutUnitCosts(r.Context(), actor(r), caseUser(r), in)
		}
		if err == nil {
			tahapanDone(w, r, f, "cost."+in.Jenis, "biaya-"+in.Jenis)
			return
		}
	}
	s.tahapanFailed(w, r, tahapanForm{Kind: "cost", Jenis: in.Jenis, Values: f}, errs, err)
}

// spmTahapanPlan saves (or, with remove, deletes) a region's plan of one
// jenis from the page.
func (s *Server) spmTahapanPlan(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	year, _ := strconv.Atoi(f.Get("year"))
	version, _ := strconv.Atoi(f.Get("version"))
	in := spm.PlanInput{Region: f.Get("region"), Year: year, Jenis: f.Get("jenis"), Note: f.Get("note"), Version: version,
		Targets: make([]*int, spm.Quarters)}
	var errs FormErrors
	fail := func(field, key string) {
		if errs == nil {
			errs = FormErrors{}
		}
		errs[field] = s.cat.T(state(r).lang, key)
	}
	for q := 1; q <= spm.Quarters; q++ {
		text := strings.TrimSpace(f.Get("target_" + strconv.Itoa(q)))
		if text == "" {
			continue
		}
		n, err := strconv.Atoi(text)
		if err != nil {
			fail("targets."+strconv.Itoa(q), "field.number")
			continue
		}
		in.Targets[q-1] = &n
	}
	var key string
	if in.Budget, key = parseRupiah(f.Get("budget")); key != "" {
		fail("budget", key)
	}
	var err error
	if errs == nil {
		if f.Get("remove") != "" {
			err = s.spm.DeletePlan(r.Context(), actor(r), caseUser(r), in.Region, in.Jenis, year, version)
		} else {
			_, err = s.spm.PutPlan(r.Context(), actor(r), caseUser(r), in)
		}
		if err == nil {
			tahapanDone(w, r, f, "plan."+in.Jenis, "rencana-"+in.Jenis)
			return
		}
	}
	s.tahapanFailed(w, r, tahapanForm{Kind: "plan", Jenis: in.Jenis, Values: f}, errs, err)
}

// ---- JSON API ----

// readTahapanQuery reads region, year and quarter (0: the latest).
func readTahapanQuery(r *http.Request) (spmQuery, error) { return readSPMQuery(r.URL.Query()) }

// apiSPMUnitCosts is GET /api/v1/spm/unit-costs?region&year[&quarter]:
// penghitungan kebutuhan.
func (s *Server) apiSPMUnitCosts(w http.ResponseWriter, r *http.Request) {
	q, err := readTahapanQuery(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	k, err := s.spm.UnitCosts(r.Context(), caseUser(r), q.Region, q.Year, q.Quarter)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, k)
}

// apiSPMUnitCostsPut is PUT /api/v1/spm/unit-costs: a region's unit-cost
// table of one jenis and year.
func (s *Server) apiSPMUnitCostsPut(w http.ResponseWriter, r *http.Request) {
	var in spm.UnitCostInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	t, err := s.spm.PutUnitCosts(r.Context(), actor(r), caseUser(r), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// readEntryKey reads the region, jenis, year and version of a DELETE.
func readEntryKey(q url.Values) (region, jenis string, year, version int, err error) {
	region, jenis = strings.TrimSpace(q.Get("region")), strings.TrimSpace(q.Get("jenis"))
	switch {
	case region == "":
		return "", "", 0, 0, apperr.BadParam("region", "field.required")
	case jenis == "":
		return "", "", 0, 0, apperr.BadParam("jenis", "field.required")
	}
	if year, _, err = readSPMPeriod(q); err != nil {
		return "", "", 0, 0, err
	}
	if version, err = countParam(q, "version", 0); err == nil && version == 0 {
		err = apperr.BadParam("version", "field.required")
	}
	return region, jenis, year, version, err
}

// apiSPMUnitCostsDelete is DELETE /api/v1/spm/unit-costs?region&jenis&year&version.
func (s *Server) apiSPMUnitCostsDelete(w http.ResponseWriter, r *http.Request) {
	region, jenis, year, version, err := readEntryKey(r.URL.Query())
	if err == nil {
		err = s.spm.DeleteUnitCosts(r.Context(), actor(r), caseUser(r), region, jenis, year, version)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// apiSPMPlans is GET /api/v1/spm/plans?region&year: penyusunan rencana.
func (s *Server) apiSPMPlans(w http.ResponseWriter, r *http.Request) {
	q, err := readTahapanQuery(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.spm.Plans(r.Context(), caseUser(r), q.Region, q.Year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// apiSPMPlanPut is PUT /api/v1/spm/plans: a region's plan of one jenis and year.
func (s *Server) apiSPMPlanPut(w http.ResponseWriter, r *http.Request) {
	var in spm.PlanInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.spm.PutPlan(r.Context(), actor(r), caseUser(r), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// apiSPMPlanDelete is DELETE /api/v1/spm/plans?region&jenis&year&version.
func (s *Server) apiSPMPlanDelete(w http.ResponseWriter, r *http.Request) {
	region, jenis, year, version, err := readEntryKey(r.URL.Query())
	if err == nil {
		err = s.spm.DeletePlan(r.Context(), actor(r), caseUser(r), region, jenis, year, version)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// apiSPMRealisation is GET /api/v1/spm/realisation?region&year[&quarter]: pelaksanaan.
func (s *Server) apiSPMRealisation(w http.ResponseWriter, r *http.Request) {
	q, err := readTahapanQuery(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	re, err := s.spm.Realisation(r.Context(), caseUser(r), q.Region, q.Year, q.Quarter)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, re)
}

// apiSPMDataQuality is GET /api/v1/spm/data-quality?region&year[&page]:
// pengumpulan data's data-quality view.
func (s *Server) apiSPMDataQuality(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	sq, err := readSPMQuery(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page, err := countParam(q, "page", 1)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	dq, err := s.spm.DataQuality(r.Context(), caseUser(r), sq.Region, sq.Year, page)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, dq)
}

package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/i18n"
	"github.com/layan-id/layan/internal/spm"
	"github.com/layan-id/layan/internal/wilayah"
)

// "Capaian SPM": a region's achievement for a period, live from the
// casework, with the regions below it for the drill-down and, for the
// region's own planner, the figures it enters itself.

type spmPage struct {
	Base
	O spm.Overview
	// Form is the period as asked, kept in the form and the links.
	Form     struct{ Region, Year, Quarter string }
	Years    []int
	Quarters []int
	// CanEnter is set for a planner of exactly the region shown.
	CanEnter bool
	// Entry is the aggregate form sent back with its errors.
	Entry  spmEntry
	Errors FormErrors
	Saved  string // the jenis whose entry was just saved or removed
}

type spmEntry struct {
	Jenis, X, Y, Source, Note, Version string
}

// Pct writes a percentage in the page's language (87,5 %), or a dash.
func (p *spmPage) Pct(v *float64) string {
	if v == nil {
		return "—"
	}
	s := strconv.FormatFloat(*v, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if p.Lang != i18n.EN {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + " %"
}

// Bar is the width in percent of a capaian's bar in the chart.
func (p *spmPage) Bar(v *float64) string {
	if v == nil {
		return "0"
	}
	return strconv.FormatFloat(min(max(*v, 0), 100), 'f', 1, 64)
}

// BarY is the top of the i-th bar of the chart (and, for the count of
// bars, the chart's height) in the SVG's units.
func (p *spmPage) BarY(i int) int { return i * 10 }

// BandClass names the CSS class of an index's band.
func (p *spmPage) BandClass(a spm.Achievement) string {
	switch {
	case a.Index == nil:
		return "band-none"
	case *a.Index >= 100:
		return "band-full"
	case *a.Index >= 80:
		return "band-high"
	case *a.Index >= 60:
		return "band-mid"
	}
	return "band-low"
}

// LevelName names a level.
func (p *spmPage) LevelName(l spm.Level) string { return p.T("spm.level." + string(l)) }

// Link is the page of another region in the same period.
func (p *spmPage) Link(code wilayah.Code) string {
	v := url.Values{}
	if code != "" {
		v.Set("region", string(code))
	}
	v.Set("year", strconv.Itoa(p.O.Period.Year))
	v.Set("quarter", strconv.Itoa(p.O.Period.Quarter))
	return "/spm?" + v.Encode()
}

// ExportLink downloads the page's region (and the regions below it) for
// its period in a format.
func (p *spmPage) ExportLink(format string) string {
	v := url.Values{"format": {format}, "year": {strconv.Itoa(p.O.Period.Year)}, "quarter": {strconv.Itoa(p.O.Period.Quarter)}}
	if p.O.Region != nil {
		v.Set("region", string(p.O.Region.Region))
	}
	return "/spm/export?" + v.Encode()
}

// EntryFor is the aggregate form of one jenis: as sent back with errors, or
// as stored.
func (p *spmPage) EntryFor(f spm.Figure) spmEntry {
	if p.Entry.Jenis == string(f.Jenis) {
		return p.Entry
	}
	e := spmEntry{Jenis: string(f.Jenis), Version: "0"}
	if a := f.Aggregate; a != nil {
		e.X, e.Y, e.Source, e.Note, e.Version = strconv.Itoa(a.X), strconv.Itoa(a.Y), a.Source, a.Note, strconv.Itoa(a.Version)
	}
	return e
}

// ErrorsFor are the form errors when they belong to jenis j's form.
func (p *spmPage) ErrorsFor(j spm.Jenis) FormErrors {
	if p.Entry.Jenis == string(j) {
		return p.Errors
	}
	return nil
}

// spmHome is the region a user's SPM page opens on: their own, or the
// nation for those who see every region.
func spmHome(u access.User) string {
	if u.Scope().All {
		return ""
	}
	return string(u.Region)
}

func (s *Server) newSPMPage(r *http.Request, q url.Values) (*spmPage, error) {
	u := caseUser(r)
	p := &spmPage{Base: Base{Title: "spm.title"}}
	p.Form.Region, p.Form.Year, p.Form.Quarter = strings.TrimSpace(q.Get("region")), strings.TrimSpace(q.Get("year")), strings.TrimSpace(q.Get("quarter"))
	if !q.Has("region") {
		p.Form.Region = spmHome(u)
	}
	now := s.spmNow()
	year, quarter := now.Year(), 0
	var err error
	if p.Form.Year != "" {
		if year, err = strconv.Atoi(p.Form.Year); err != nil {
			return nil, apperr.BadParam("year", "field.number")
		}
	}
	if p.Form.Quarter != "" {
		if quarter, err = strconv.Atoi(p.Form.Quarter); err != nil {
			return nil, apperr.BadParam("quarter", "spm.quarter_range")
		}
	}
	if p.O, err = s.spm.Overview(r.Context(), u, p.Form.Region, year, quarter); err != nil {
		return nil, err
	}
	for y := now.Year(); y >= 2018; y-- {
		p.Years = append(p.Years, y)
	}
	p.Quarters = []int{1, 2, 3, 4}
	if p.O.Region != nil && u.Role.Can(access.EnterSPM) && u.Region == p.O.Region.Region {
		p.CanEnter = true
	}
	return p, nil
}

func (s *Server) spmNow() time.Time {
	if s.spm.Now != nil {
		return s.spm.Now()
	}
	return time.Now()
}

func (s *Server) spmPage(w http.ResponseWriter, r *http.Request) {
	p, err := s.newSPMPage(r, r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Saved = r.URL.Query().Get("saved")
	s.render(w, r, http.StatusOK, "spm", p)
}

// spmAggregate saves (or, with remove, deletes) a region's own figures of
// one jenis from the SPM page.
func (s *Server) spmAggregate(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	e := spmEntry{Jenis: f.Get("jenis"), X: strings.TrimSpace(f.Get("x")), Y: strings.TrimSpace(f.Get("y")),
		Source: f.Get("source"), Note: f.Get("note"), Version: f.Get("version")}
	year, _ := strconv.Atoi(f.Get("year"))
	quarter, _ := strconv.Atoi(f.Get("quarter"))
	version, _ := strconv.Atoi(e.Version)
	in := spm.AggregateInput{Region: f.Get("region"), Jenis: e.Jenis, Year: year, Quarter: quarter, Source: e.Source,
		Note: e.Note, Version: version}
	var errs FormErrors
	for _, v := range []struct {
		name, text string
		dst        **int
	}{{"x", e.X, &in.X}, {"y", e.Y, &in.Y}} {
		if v.text == "" {
			continue
		}
		n, err := strconv.Atoi(v.text)
		if err != nil {
			if errs == nil {
				errs = FormErrors{}
			}
			errs[v.name] = s.cat.T(state(r).lang, "field.number")
			continue
		}
		*v.dst = &n
	}
	var err error
	if errs == nil {
		if f.Get("remove") != "" {
			err = s.spm.DeleteAggregate(r.Context(), actor(r), caseUser(r), in.Region, in.Jenis, year, quarter, version)
		} else {
			_, err = s.spm.EnterAggregate(r.Context(), actor(r), caseUser(r), in)
		}
		if err == nil {
			v := url.Values{"region": {in.Region}, "year": {strconv.Itoa(year)}, "quarter": {strconv.Itoa(quarter)},
				"saved": {in.Jenis}}
			http.Redirect(w, r, "/spm?"+v.Encode()+"#jenis-"+in.Jenis, http.StatusSeeOther)
			return
		}
	}
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
	p, perr := s.newSPMPage(r, url.Values{"region": {in.Region}, "year": {f.Get("year")}, "quarter": {f.Get("quarter")}})
	if perr != nil {
		s.fail(w, r, perr)
		return
	}
	p.Entry, p.Errors = e, errs
	s.render(w, r, status, "spm", p)
}

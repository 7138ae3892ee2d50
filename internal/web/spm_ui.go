package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/i18n"
	"github.com/layan-id/layan/internal/report"
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

	// The dashboard (issue 6 point 7, spm_dashboard below): the trend over
	// the quarters of the year shown; the reporting status of the quarter
	// shown (Reports: the nation's every region, a province and its
	// kab/kota, a kab/kota itself), summed per province for the nation
	// (Completeness); the index's bands, for the map's colours and legend.
	Trend        spm.Trend
	Reports      []spm.ReportSummary
	Completeness []spm.Completeness
	Bands        []spm.Band
	// GapRupiah is the budget still needed per jenis (unit cost × people
	// still to serve), where one is known; the column is shown only when
	// some value is (spmGapRupiah).
	GapRupiah map[spm.Jenis]int64
}

// spmEntry is a form a planner sends for a jenis: an aggregate (X, Y) or,
// when Mutu is set, a quality achievement (BarangJasa, SDM).
type spmEntry struct {
	Mutu                                                bool
	Jenis, X, Y, BarangJasa, SDM, Source, Note, Version string
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

// JenisNames lists the names of jenis, comma-separated.
func (p *spmPage) JenisNames(js []spm.Jenis) string {
	names := make([]string, len(js))
	for i, j := range js {
		names[i] = string(j)
		if svc, ok := spm.ServiceOf(j); ok {
			names[i] = svc.Name
		}
	}
	return strings.Join(names, "; ")
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
	if p.Entry.Jenis == string(f.Jenis) && !p.Entry.Mutu {
		return p.Entry
	}
	e := spmEntry{Jenis: string(f.Jenis), Version: "0"}
	if a := f.Aggregate; a != nil {
		e.X, e.Y, e.Source, e.Note, e.Version = strconv.Itoa(a.X), strconv.Itoa(a.Y), a.Source, a.Note, strconv.Itoa(a.Version)
	}
	return e
}

// MutuEntryFor is jenis f's quality form: as sent back with its errors,
// or the stored entry.
func (p *spmPage) MutuEntryFor(f spm.Figure) spmEntry {
	if p.Entry.Jenis == string(f.Jenis) && p.Entry.Mutu {
		return p.Entry
	}
	e := spmEntry{Mutu: true, Jenis: string(f.Jenis), Version: "0"}
	if m := f.Mutu; m != nil {
		e.BarangJasa, e.SDM = p.Decimal(m.BarangJasa), p.Decimal(m.SDM)
		e.Source, e.Note, e.Version = m.Source, m.Note, strconv.Itoa(m.Version)
	}
	return e
}

// Decimal writes a number with a decimal comma in Indonesian (87,25).
func (p *spmPage) Decimal(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if p.Lang != i18n.EN {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// ErrorsFor are the form errors when they belong to jenis j's aggregate
// form (mutu false) or quality form (mutu true).
func (p *spmPage) ErrorsFor(mutu bool, j spm.Jenis) FormErrors {
	if p.Entry.Jenis == string(j) && p.Entry.Mutu == mutu {
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
	if err := s.spmDashboard(r.Context(), u, p); err != nil {
		return nil, err
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
	s.spmEntryFailed(w, r, e, errs, err)
}

// spmMutu is POST /spm/mutu: a planner's quality achievement of a jenis
// (percentages with a decimal comma or point), saved or removed.
func (s *Server) spmMutu(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	e := spmEntry{Mutu: true, Jenis: f.Get("jenis"), BarangJasa: strings.TrimSpace(f.Get("barang_jasa")),
		SDM: strings.TrimSpace(f.Get("sdm")), Source: f.Get("source"), Note: f.Get("note"), Version: f.Get("version")}
	year, _ := strconv.Atoi(f.Get("year"))
	quarter, _ := strconv.Atoi(f.Get("quarter"))
	version, _ := strconv.Atoi(e.Version)
	in := spm.MutuInput{Region: f.Get("region"), Jenis: e.Jenis, Year: year, Quarter: quarter, Source: e.Source,
		Note: e.Note, Version: version}
	var errs FormErrors
	for _, v := range []struct {
		name, text string
		dst        **float64
	}{{"barang_jasa", e.BarangJasa, &in.BarangJasa}, {"sdm", e.SDM, &in.SDM}} {
		if v.text == "" {
			continue
		}
		n, err := strconv.ParseFloat(strings.Replace(strings.TrimSuffix(strings.TrimSpace(v.text), "%"), ",", ".", 1), 64)
		if err != nil {
			if errs == nil {
				errs = FormErrors{}
			}
			errs[v.name] = s.cat.T(state(r).lang, "spm.mutu_range")
			continue
		}
		*v.dst = &n
	}
	var err error
	if errs == nil {
		if f.Get("remove") != "" {
			err = s.spm.DeleteMutu(r.Context(), actor(r), caseUser(r), in.Region, in.Jenis, year, quarter, version)
		} else {
			_, err = s.spm.EnterMutu(r.Context(), actor(r), caseUser(r), in)
		}
		if err == nil {
			v := url.Values{"region": {in.Region}, "year": {strconv.Itoa(year)}, "quarter": {strconv.Itoa(quarter)},
				"saved": {in.Jenis}}
			http.Redirect(w, r, "/spm?"+v.Encode()+"#mutu-"+in.Jenis, http.StatusSeeOther)
			return
		}
	}
	s.spmEntryFailed(w, r, e, errs, err)
}

// spmEntryFailed shows the SPM page again with a refused entry form and
// its errors: those read from the form (errs), or the store's refusal.
func (s *Server) spmEntryFailed(w http.ResponseWriter, r *http.Request, e spmEntry, errs FormErrors, err error) {
	f := r.PostForm
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
	p, perr := s.newSPMPage(r, url.Values{"region": {f.Get("region")}, "year": {f.Get("year")}, "quarter": {f.Get("quarter")}})
	if perr != nil {
		s.fail(w, r, perr)
		return
	}
	p.Entry, p.Errors = e, errs
	s.render(w, r, status, "spm", p)
}

// The dashboard of the SPM page (issue 6 point 7): the trend per quarter,
// the gap in people and in Rupiah, the reporting completeness, and for
// the nation the map of the provinces coloured by index. Every part is
// read through the spm store's checks of the reader's reach, and for the
// nation and a province kept for a moment by the store (spm/cache.go), so
// that the national page stays one cached read per part.

// spmDashboard reads the dashboard's parts for the page's region and period.
func (s *Server) spmDashboard(ctx context.Context, u access.User, p *spmPage) error {
	code := ""
	if p.O.Region != nil {
		code = string(p.O.Region.Region)
	}
	var err error
	if p.Trend, err = s.spm.Trend(ctx, u, code, p.O.Period.Year); err != nil {
		return err
	}
	if p.Reports, err = s.spm.ReportStatusOf(ctx, u, code, p.O.Period.Year, p.O.Period.Quarter); err != nil {
		return err
	}
	if code == "" {
		p.Completeness = spm.CompletenessOf(p.Reports)
		set, err := s.spm.Settings(ctx, u)
		if err != nil {
			return err
		}
		p.Bands = set.Bands
	}
	p.GapRupiah, err = s.spmGapRupiah(ctx, u, p.O)
	return err
}

// spmGapRupiah is the place of the gap in Rupiah (issue 6 point 7: "the
// gap in people and in Rupiah"): per jenis, the budget still needed to
// serve the people still waiting — the unit cost of the jenis's standard
// per person times Y − X, as penghitungan kebutuhan (Permendagri 59/2021,
// tahap 2) computes it from the unit costs a region enters. The keys are
// the jenis of a region's own five whose unit-cost table is complete; the
// nation and a province's sums over the regions below are not priced (most
// regions below may have entered no unit costs, and a sum with holes would
// understate the need), and without any price the page hides the column.
func (s *Server) spmGapRupiah(ctx context.Context, u access.User, o spm.Overview) (map[spm.Jenis]int64, error) {
	if o.Region == nil {
		return nil, nil
	}
	k, err := s.spm.UnitCosts(ctx, u, string(o.Region.Region), o.Period.Year, o.Period.Quarter)
	if err != nil {
		return nil, err
	}
	var out map[spm.Jenis]int64
	for _, t := range k.Jenis {
		if t.Needed != nil {
			if out == nil {
				out = map[spm.Jenis]int64{}
			}
			out[t.Jenis] = *t.Needed
		}
	}
	return out, nil
}

// GapRupiahOf is the Rupiah still needed for jenis j, nil where unknown.
func (p *spmPage) GapRupiahOf(j spm.Jenis) *int64 {
	v, ok := p.GapRupiah[j]
	if !ok {
		return nil
	}
	return &v
}

// GapRupiahSum adds up the Rupiah of the jenis whose people still wait,
// nil unless each of them has one (a sum with a hole would understate the
// need).
func (p *spmPage) GapRupiahSum(js []spm.Jenis) *int64 {
	var sum int64
	for _, j := range js {
		v, ok := p.GapRupiah[j]
		if !ok {
			return nil
		}
		sum += v
	}
	return &sum
}

// Rupiah writes an amount as "Rp 1.250.000", or a dash.
func (p *spmPage) Rupiah(v *int64) string {
	if v == nil {
		return "—"
	}
	return "Rp " + groupDigits(*v, p.Lang)
}

// OwnJenis and TotalJenis list the jenis of the region's own figures and
// of the totals, for GapRupiahSum.
func (p *spmPage) OwnJenis() []spm.Jenis {
	if p.O.Region == nil {
		return nil
	}
	out := make([]spm.Jenis, len(p.O.Region.Jenis))
	for i, f := range p.O.Region.Jenis {
		out[i] = f.Jenis
	}
	return out
}

func (p *spmPage) TotalJenis() []spm.Jenis {
	out := make([]spm.Jenis, len(p.O.Totals))
	for i, t := range p.O.Totals {
		out[i] = t.Jenis
	}
	return out
}

// TotalsCount sums the totals' X and Y over their jenis, for the totals'
// last row.
func (p *spmPage) TotalsCount() spm.Count {
	var c spm.Count
	for _, t := range p.O.Totals {
		c.X += t.X
		c.Y += t.Y
	}
	return c
}

// CapaianOf is a count's capaian, nil when no one is in need.
func (p *spmPage) CapaianOf(c spm.Count) *float64 {
	v, err := c.Capaian()
	if err != nil {
		return nil
	}
	return &v
}

// trendRow is one row of the trend: a jenis (or the index) with its value
// at the end of each quarter and at the end of the same quarter of the
// year before.
type trendRow struct {
	Name     string
	Values   []*float64
	Previous []*float64 // empty when there is no year before
}

// trendGroup is one table of the trend with its panels: the region's own
// figures with its index, or the totals of the regions below.
type trendGroup struct {
	ID, Title string
	Rows      []trendRow
}

// ShortName is a jenis's name short enough for a panel's heading.
func (p *spmPage) ShortName(j spm.Jenis) string { return p.T("spm.short." + string(j)) }

// TrendQuarters are the quarters the trend shows.
func (p *spmPage) TrendQuarters() []int {
	out := make([]int, len(p.Trend.Quarters))
	for i, q := range p.Trend.Quarters {
		out[i] = q.Quarter
	}
	return out
}

// TrendGroups are the trend's tables: the region's own (index first) for
// a province or kab/kota, the totals below it for the nation or a province.
func (p *spmPage) TrendGroups() []trendGroup {
	tr := p.Trend
	var out []trendGroup
	if len(tr.Quarters) == 0 {
		return nil
	}
	if own := tr.Quarters[0].Region; own != nil {
		g := trendGroup{ID: "trend-own", Title: p.T("spm.trend.own", own.RegionName)}
		index := trendRow{Name: p.T("spm.index")}
		for i, q := range tr.Quarters {
			index.Values = append(index.Values, q.Region.Index)
			if i < len(tr.Previous) {
				index.Previous = append(index.Previous, tr.Previous[i].Region.Index)
			}
		}
		g.Rows = append(g.Rows, index)
		for k, f := range own.Jenis {
			row := trendRow{Name: p.ShortName(f.Jenis)}
			for i, q := range tr.Quarters {
				row.Values = append(row.Values, q.Region.Jenis[k].Capaian)
				if i < len(tr.Previous) {
					row.Previous = append(row.Previous, tr.Previous[i].Region.Jenis[k].Capaian)
				}
			}
			g.Rows = append(g.Rows, row)
		}
		out = append(out, g)
	}
	if totals := tr.Quarters[0].Totals; totals != nil {
		title := p.T("spm.trend.totals_nation")
		if tr.Region != nil {
			title = p.T("spm.trend.totals_province")
		}
		g := trendGroup{ID: "trend-totals", Title: title}
		for k, t := range totals {
			row := trendRow{Name: p.ShortName(t.Jenis)}
			for i, q := range tr.Quarters {
				row.Values = append(row.Values, q.Totals[k].Capaian)
				if i < len(tr.Previous) {
					row.Previous = append(row.Previous, tr.Previous[i].Totals[k].Capaian)
				}
			}
			g.Rows = append(g.Rows, row)
		}
		out = append(out, g)
	}
	return out
}

// PreviousYear is the year the trend compares with, 0 when none.
func (p *spmPage) PreviousYear() int {
	if len(p.Trend.Previous) == 0 {
		return 0
	}
	return p.Trend.Year - 1
}

// PrevAt is a row's value in the same quarter of the year before.
func (p *spmPage) PrevAt(row trendRow, i int) *float64 {
	if i < len(row.Previous) {
		return row.Previous[i]
	}
	return nil
}

// TrendPanel draws a row's panel: a bar per quarter, the year before's
// beside it, named in words for those who do not see it.
func (p *spmPage) TrendPanel(row trendRow) template.HTML {
	panel := report.TrendPanel{Previous: row.Previous}
	var said []string
	for i, v := range row.Values {
		q := p.T("spm.trend.q", p.Trend.Quarters[i].Quarter)
		panel.Quarters = append(panel.Quarters, q)
		panel.Values = append(panel.Values, v)
		panel.ValueText = append(panel.ValueText, p.number(v))
		said = append(said, q+" "+p.Pct(v))
	}
	title := row.Name + " " + strconv.Itoa(p.Trend.Year) + ": " + strings.Join(said, ", ")
	if len(row.Previous) > 0 {
		var prev []string
		for i, v := range row.Previous {
			prev = append(prev, panel.Quarters[i]+" "+p.Pct(v))
		}
		title += "; " + strconv.Itoa(p.PreviousYear()) + ": " + strings.Join(prev, ", ")
	}
	panel.Title = title
	return template.HTML(panel.SVG()) // report escapes every text it writes
}

// number writes a percentage without its sign, for a bar or a tile.
func (p *spmPage) number(v *float64) string {
	return strings.TrimSuffix(p.Pct(v), " %")
}

// TileMap draws the provinces coloured by their index, each a link to its
// page; the provinces' table below says the same in rows.
func (p *spmPage) TileMap() template.HTML {
	m := report.TileMap{Title: p.T("spm.map.title", p.O.Period.Year, p.O.Period.Quarter), ID: "spm-map-title", Bands: len(p.Bands)}
	for _, a := range p.O.Children {
		t := report.MapTile{Code: string(a.Region), Value: p.number(a.Index), Band: p.bandOf(a), Href: p.Link(a.Region)}
		if a.Index == nil {
			t.Name = p.T("spm.map.tile_none", a.RegionName)
		} else {
			t.Name = p.T("spm.map.tile", a.RegionName, p.Pct(a.Index), a.Label)
		}
		m.Tiles = append(m.Tiles, t)
	}
	return template.HTML(m.SVG()) // report escapes every text it writes
}

// bandOf is the position of a region's label among the bands, -1 without
// an index.
func (p *spmPage) bandOf(a spm.Achievement) int {
	if a.Index == nil {
		return -1
	}
	for i, b := range p.Bands {
		if b.Label == a.Label {
			return i
		}
	}
	return -1
}

// legendEntry is one band of the map's legend.
type legendEntry struct {
	Swatch template.HTML
	Text   string
}

// Legend lists the bands with their colours, then "no index".
func (p *spmPage) Legend() []legendEntry {
	swatch := func(i int) template.HTML {
		fill, _ := report.BandColour(i, len(p.Bands))
		stroke := fill
		if i < 0 {
			stroke = "#5a5a5a"
		}
		return template.HTML(`<svg class="swatch" viewBox="0 0 20 20" aria-hidden="true" focusable="false"><rect x="1" y="1" width="18" height="18" rx="3" fill="` +
			fill + `" stroke="` + stroke + `" stroke-width="2"/></svg>`)
	}
	var out []legendEntry
	for i, b := range p.Bands {
		least := strconv.FormatFloat(b.Min, 'f', -1, 64)
		if p.Lang != i18n.EN {
			least = strings.Replace(least, ".", ",", 1)
		}
		out = append(out, legendEntry{Swatch: swatch(i), Text: p.T("spm.map.band", b.Label, least)})
	}
	return append(out, legendEntry{Swatch: swatch(-1), Text: p.T("spm.map.no_index")})
}

// StatusName, StatusClass and Countdown show a report's status as the
// reporting pages do.
func (p *spmPage) StatusName(s spm.ReportStatus) string  { return p.T("spmreport.status." + string(s)) }
func (p *spmPage) StatusClass(s spm.ReportStatus) string { return reportStatusClass(s) }
func (p *spmPage) Countdown(r spm.ReportSummary) string {
	return reportCountdown(&p.Base, r.Status, r.DaysLeft, r.Late, r.SubmittedAt != nil)
}

// ReportOf is the report page of a region for the period shown.
func (p *spmPage) ReportOf(code wilayah.Code) string {
	return reportURL(string(code), p.O.Period.Year, p.O.Period.Quarter)
}

// ReportsOf is the reporting status of a province for the period shown.
func (p *spmPage) ReportsOf(code wilayah.Code) string {
	return reportsURL(string(code), p.O.Period.Year, p.O.Period.Quarter)
}

// OwnReport is the report of the region shown, nil on the nation's page
// (the listing's first row: a province lists itself before its kab/kota).
func (p *spmPage) OwnReport() *spm.ReportSummary {
	if p.O.Region == nil || len(p.Reports) == 0 || p.Reports[0].Region != p.O.Region.Region {
		return nil
	}
	return &p.Reports[0]
}

// StatusCount is how many of a province's kab/kota have a report at status.
func (p *spmPage) StatusCount(c spm.Completeness, status string) int {
	return c.ByStatus[spm.ReportStatus(status)]
}

// KabKotaReports are the reports of the province's kab/kota.
func (p *spmPage) KabKotaReports() []spm.ReportSummary {
	if p.O.Region == nil || p.O.Region.Level != spm.Provinsi {
		return nil
	}
	var out []spm.ReportSummary
	for _, r := range p.Reports {
		if r.Level == spm.KabKota {
			out = append(out, r)
		}
	}
	return out
}

// ReportCounts are how many of rs have submitted (at any status past
// draf) and how many are late.
func (p *spmPage) ReportCounts(rs []spm.ReportSummary) (counts struct{ Submitted, Late, All int }) {
	for _, r := range rs {
		if r.Status != spm.ReportDraft {
			counts.Submitted++
		}
		if r.Late {
			counts.Late++
		}
	}
	counts.All = len(rs)
	return counts
}

// apiSPMTrend is GET /api/v1/spm/trend?year=YYYY[&region=CODE]: the
// figures of a region (without region, of the nation) at the end of each
// quarter of the year begun so far, and of the same quarters a year
// before; the same store call as the page's trend.
func (s *Server) apiSPMTrend(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	y := strings.TrimSpace(q.Get("year"))
	if y == "" {
		s.fail(w, r, apperr.BadParam("year", "field.required"))
		return
	}
	year, err := strconv.Atoi(y)
	if err != nil {
		s.fail(w, r, apperr.BadParam("year", "field.number"))
		return
	}
	tr, err := s.spm.Trend(r.Context(), caseUser(r), strings.TrimSpace(q.Get("region")), year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, tr)
}

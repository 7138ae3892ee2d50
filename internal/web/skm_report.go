package web

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"rsc.io/qr"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/quality/survey"
	"github.com/layan-id/layan/internal/report"
	"github.com/layan-id/layan/internal/unit"
)

// The printable side of the survey: the QR poster a unit hangs at its
// front desk, the report of a period (XLSX, PDF) and the trend chart.

// qrSVG draws text as a QR code in SVG, one square per dark module, with
// the quiet zone of four modules the standard asks. Level M survives a
// poster's creases and smudges.
func qrSVG(text, label string) (template.HTML, error) {
	c, err := qr.Encode(text, qr.M)
	if err != nil {
		return "", err
	}
	n := c.Size + 8
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="%s" class="qr" shape-rendering="crispEdges">`,
		n, n, html.EscapeString(label))
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y := 0; y < c.Size; y++ {
		for x := 0; x < c.Size; x++ {
			if c.Black(x, y) {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x+4, y+4)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return template.HTML(b.String()), nil
}

type skmPosterPage struct {
	Base
	Unit unit.Unit
	Code string
	Link string
	QR   template.HTML
}

// skmPoster is GET /units/{id}/skm/poster: an A4 page to print (print CSS
// hides everything else) with the unit's name, the short link in big
// letters and its QR code.
func (s *Server) skmPoster(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, u := r.Context(), caseUser(r)
	un, err := unit.Get(ctx, s.db, u.Scope(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	code, err := s.skm.Code(ctx, u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &skmPosterPage{Unit: un, Code: code, Link: s.absURL(r, "/s/"+code)}
	p.Title = "skm.poster.title"
	if p.QR, err = qrSVG(p.Link, s.cat.T(state(r).lang, "skm.poster.qr_label", p.Link)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "skm_poster", p)
}

// skmReport is GET /units/{id}/skm/{period}/report?format=xlsx|pdf.
func (s *Server) skmReport(w http.ResponseWriter, r *http.Request) {
	id, pid, err := pathIDs(r, "period")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "pdf"
	}
	if format != "pdf" && format != "xlsx" {
		s.fail(w, r, apperr.BadParam("format", "skm.format_unknown"))
		return
	}
	ctx, u := r.Context(), caseUser(r)
	un, err := unit.Get(ctx, s.db, u.Scope(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.skm.Results(ctx, u, id, pid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tr, err := s.skm.Trend(ctx, u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res.Suggestions = nil // the report travels: no free text in it
	rep := report.SKMReport{UnitName: un.Name, Results: res, Trend: tr, Generated: time.Now().UTC().Truncate(time.Second),
		ProfileNames: map[string]string{}}
	for _, f := range []struct {
		field string
		list  []string
	}{{"age_band", survey.AgeBands}, {"sex", survey.Sexes}, {"education", survey.Educations},
		{"occupation", survey.Occupations}, {"service", survey.Services}} {
		rep.ProfileNames[f.field] = s.cat.T("id", "skm.profile."+f.field)
		for _, v := range f.list {
			rep.ProfileNames[f.field+"."+v] = s.cat.T("id", "skm."+f.field+"."+v)
		}
	}
	var b bytes.Buffer
	ctype := "application/pdf"
	if format == "xlsx" {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		err = report.SKMWorkbook(&b, rep)
	} else {
		err = report.SKMPDF(&b, rep)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+report.SKMFileName(rep)+"."+format+`"`)
	w.Header().Set("Cache-Control", "no-store")
	b.WriteTo(w)
}

// skmTrendSVG draws the index of each period as a bar on the 25–100 scale
// with the band edges of the mutu (76,61 and 88,31) as lines; the page's
// table beside it holds the same numbers for screen readers.
func skmTrendSVG(tr []survey.TrendPoint) template.HTML {
	if len(tr) == 0 {
		return ""
	}
	const w, h, left, top, bottom = 600.0, 220.0, 40.0, 10.0, 190.0
	slot := (w - left - 10) / float64(len(tr))
	y := func(v float64) float64 { return bottom - (bottom-top)*(min(max(v, 25), 100)-25)/75 }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %g %g" class="chart" aria-hidden="true" focusable="false">`, w, h)
	for _, edge := range []float64{25, 65, 76.61, 88.31, 100} {
		fmt.Fprintf(&b, `<line x1="%g" x2="%g" y1="%.1f" y2="%.1f" stroke="#8a8a8a" stroke-dasharray="4 3"/>`, left, w-10, y(edge), y(edge))
		fmt.Fprintf(&b, `<text x="2" y="%.1f" font-size="11">%s</text>`, y(edge)+4, strconv.FormatFloat(edge, 'f', -1, 64))
	}
	for i, t := range tr {
		x := left + float64(i)*slot + slot*0.2
		if t.Respondents > 0 {
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#0b4f8a"/>`, x, y(t.IKM), slot*0.6, bottom-y(t.IKM))
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="12">%s %s</text>`, x, y(t.IKM)-3, strconv.FormatFloat(t.IKM, 'f', 2, 64), t.Mutu)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%g" font-size="11">%s</text>`, x, bottom+16, html.EscapeString(t.Label))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text written is escaped
}

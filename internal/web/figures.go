package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/casework"
	"github.com/layan-id/layan/internal/i18n"
)

// "Angka unit": a unit's case figures (issue 5, point 7), as a page and as
// GET /api/v1/case-figures. The case store decides who sees which unit's
// figures and checks the days (casework.Figures); these handlers read the
// query and render.

// figuresQuery reads the query parameters. A malformed unit or page is
// refused by name here; the days are the store's to check.
func figuresQuery(q url.Values) (casework.FiguresQuery, error) {
	fq := casework.FiguresQuery{From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	if v := strings.TrimSpace(q.Get("unit")); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			return fq, apperr.BadParam("unit", "field.number")
		}
		fq.UnitID = id
	}
	var err error
	fq.Page, err = countParam(q, "page", 1)
	return fq, err
}

func (s *Server) apiCaseFigures(w http.ResponseWriter, r *http.Request) {
	fq, err := figuresQuery(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := s.cases.Figures(r.Context(), caseUser(r), fq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, f)
}

// figuresPage is "Angka unit".
type figuresPage struct {
	caseView
	F *casework.Figures
	// Form is the period as asked (empty: the default) and the unit named
	// in the query, kept in the form and the paging links.
	Form struct{ Unit, From, To string }
	// NeedUnit is set when a caller who has no unit of their own named
	// none: the page says where to choose one.
	NeedUnit bool
	Pager    Pager
}

// Days writes a median number of days in the page's language (4,5 hari;
// 4.5 days), or a dash when there is none.
func (p *figuresPage) Days(m casework.DaysMedian) string {
	if m.Days == nil {
		return "—"
	}
	v := strconv.FormatFloat(*m.Days, 'f', -1, 64)
	if p.Lang != i18n.EN {
		v = strings.Replace(v, ".", ",", 1)
	}
	n := 2
	if *m.Days == 1 {
		n = 1
	}
	return p.N("figures.days", n, v)
}

// DefaultAssessmentDays is when an assessment is overdue, for the hint.
func (p *figuresPage) DefaultAssessmentDays() int { return casework.DefaultAssessmentDays }

// RoleName names a worker's role.
func (p *figuresPage) RoleName(r access.Role) string { return p.T("role." + string(r)) }

func (s *Server) caseFiguresPage(w http.ResponseWriter, r *http.Request) {
	q, u := r.URL.Query(), caseUser(r)
	fq, err := figuresQuery(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &figuresPage{caseView: s.newCaseView("figures.title")}
	p.Form.From, p.Form.To = fq.From, fq.To
	if fq.UnitID != 0 {
		p.Form.Unit = strconv.FormatInt(fq.UnitID, 10)
	}
	if fq.UnitID == 0 && u.Role != access.Supervisor {
		p.NeedUnit = true
		s.render(w, r, http.StatusOK, "figures", p)
		return
	}
	f, err := s.cases.Figures(r.Context(), u, fq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.F = &f
	if f.Workers != nil {
		p.Pager = Pager{Page: f.Workers.Page, Size: f.Workers.Size, Total: f.Workers.Total,
			Query: figuresLinkQuery(p.Form.Unit, fq.From, fq.To)}
	}
	s.render(w, r, http.StatusOK, "figures", p)
}

// figuresLinkQuery keeps the unit and the period in the paging links.
func figuresLinkQuery(unit, from, to string) string {
	v := url.Values{}
	for _, kv := range [][2]string{{"unit", unit}, {"from", from}, {"to", to}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	return v.Encode()
}

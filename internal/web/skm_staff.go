package web

import (
	"context"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/quality/complaint"
	"github.com/layan-id/layan/internal/quality/ikm"
	"github.com/layan-id/layan/internal/quality/survey"
	"github.com/layan-id/layan/internal/unit"
)

// The staff side of the satisfaction survey, under the unit: its periods
// (made, edited, opened, closed by the unit's supervisors and the admins
// of its region), the results of a period with its mutu and weakest
// elements, the trend, and the JSON API of the same. Every reader of the
// unit's figures sees the results; only managers see the saran.

// skmComplaints gives the survey the complaint figures beside element U8.
type skmComplaints struct{ store *complaint.Store }

func (c skmComplaints) U8Figures(ctx context.Context, unitID int64, from, to time.Time) (survey.U8, error) {
	f, err := c.store.Figures(ctx, unitID, from, to)
	return survey.U8{Received: f.Received, Closed: f.Closed, OnTime: f.OnTime, Late: f.Late, Open: f.Open,
		MedianDays: f.MedianDays}, err
}

// ---- JSON API ----

// skmElementJSON and skmResultJSON are the API's words for ikm's types.
type skmElementJSON struct {
	Code   string  `json:"code"`
	Name   string  `json:"name"`
	Weight float64 `json:"weight"`
}

type skmPeriodJSON struct {
	survey.Period
	Label    string           `json:"label"`
	Elements []skmElementJSON `json:"elements"`
}

func skmPeriodOut(p survey.Period) skmPeriodJSON {
	out := skmPeriodJSON{Period: p, Label: p.Label(), Elements: []skmElementJSON{}}
	for _, e := range p.Elements {
		out.Elements = append(out.Elements, skmElementJSON{e.Code, e.Name, e.Weight})
	}
	return out
}

type skmElementResultJSON struct {
	Code     string  `json:"code"`
	Name     string  `json:"name"`
	NRR      float64 `json:"nrr"`
	Weight   float64 `json:"weight"`
	Weighted float64 `json:"weighted"`
	Answers  int     `json:"answers"`
}

type skmResultsJSON struct {
	Period        skmPeriodJSON             `json:"period"`
	Respondents   int                       `json:"respondents"`
	IKM           *float64                  `json:"ikm"`
	Mutu          string                    `json:"mutu"`
	Kinerja       string                    `json:"kinerja"`
	Elements      []skmElementResultJSON    `json:"elements"`
	Weakest       []string                  `json:"weakest"`
	Sample        int                       `json:"sample"`
	SampleReached bool                      `json:"sample_reached"`
	Profile       map[string]map[string]int `json:"profile,omitempty"`
	U8            *survey.U8                `json:"u8,omitempty"`
	Suggestions   []string                  `json:"suggestions,omitempty"`
}

func skmResultsOut(res survey.Results) skmResultsJSON {
	out := skmResultsJSON{Period: skmPeriodOut(res.Period), Respondents: res.IKM.Respondents, Mutu: res.IKM.Mutu,
		Kinerja: res.IKM.Kinerja, Elements: []skmElementResultJSON{}, Weakest: []string{}, Sample: res.Sample,
		SampleReached: res.SampleReached, Profile: res.Profile, U8: res.U8, Suggestions: res.Suggestions}
	if res.IKM.Respondents > 0 {
		v := res.IKM.IKM
		out.IKM = &v
	}
	for _, e := range res.IKM.Elements {
		out.Elements = append(out.Elements, skmElementResultJSON{e.Code, e.Name, e.NRR, e.Weight, e.Weighted, e.Answers})
	}
	out.Weakest = append(out.Weakest, res.IKM.Weakest...)
	return out
}

// skmPeriodBody is the JSON of a period to create or change.
type skmPeriodBody struct {
	Kind       survey.Kind      `json:"kind"`
	Year       int              `json:"year"`
	Number     int              `json:"number"`
	Population *int             `json:"population"` // nil: unchanged (0 on create)
	Elements   []skmElementJSON `json:"elements"`
	Status     survey.Status    `json:"status"`
	Version    int              `json:"version"`
}

func (b skmPeriodBody) input() survey.PeriodInput {
	in := survey.PeriodInput{Kind: b.Kind, Year: b.Year, Number: b.Number, Version: b.Version}
	if b.Population != nil {
		in.Population = *b.Population
	}
	if b.Elements != nil {
		in.Elements = []ikm.Element{}
		for _, e := range b.Elements {
			in.Elements = append(in.Elements, ikm.Element{Code: e.Code, Name: e.Name, Weight: e.Weight})
		}
	}
	return in
}

func (s *Server) apiSKMPeriods(w http.ResponseWriter, r *http.Request) {
	readByID(s, w, r, s.skm.Periods, func(ps []survey.Period) any {
		out := []skmPeriodJSON{}
		for _, p := range ps {
			out = append(out, skmPeriodOut(p))
		}
		return map[string]any{"items": out}
	})
}

func (s *Server) apiSKMPeriodCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b skmPeriodBody
	if err := decodeJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.skm.CreatePeriod(r.Context(), actor(r), caseUser(r), id, b.input())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, skmPeriodOut(p))
}

// apiSKMPeriod is GET …/periods/{period}: the period with its results.
func (s *Server) apiSKMPeriod(w http.ResponseWriter, r *http.Request) {
	readByIDs(s, w, r, "period", func(ctx context.Context, u access.User, id, pid int64) (skmResultsJSON, error) {
		res, err := s.skm.Results(ctx, u, id, pid)
		return skmResultsOut(res), err
	})
}

// apiSKMPeriodUpdate is PATCH …/periods/{period}: the population, the
// elements (until the first answer), or the status (open, closed); a
// status change is its own step, taken alone.
func (s *Server) apiSKMPeriodUpdate(w http.ResponseWriter, r *http.Request) {
	id, pid, err := pathIDs(r, "period")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b skmPeriodBody
	if err := decodeJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, u := r.Context(), caseUser(r)
	var p survey.Period
	if b.Status != "" {
		p, err = s.skm.SetStatus(ctx, actor(r), u, id, pid, b.Status, b.Version)
	} else {
		in := b.input()
		if b.Population == nil {
			// Not sent: the population stays as it is.
			cur, err := s.skm.Period(ctx, u, id, pid)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			in.Population = cur.Population
		}
		p, err = s.skm.UpdatePeriod(ctx, actor(r), u, id, pid, in)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, skmPeriodOut(p))
}

func (s *Server) apiSKMTrend(w http.ResponseWriter, r *http.Request) {
	readByID(s, w, r, s.skm.Trend, func(tr []survey.TrendPoint) any { return map[string]any{"items": tr} })
}

// ---- Pages ----

type skmUnitPage struct {
	Base
	Unit     unit.Unit
	Code     string
	Link     string // the short link, absolute
	Periods  []survey.Period
	Manage   bool
	Form     skmPeriodForm
	Errors   FormErrors
	Kinds    []survey.Kind
	Notice   string
	KioskSet bool
	// Kiosks are the unit's live kiosk tablets, for managers to revoke.
	Kiosks []survey.Kiosk
	// Index holds the IKM of the open and closed periods, by period id.
	Index map[int64]survey.TrendPoint
}

// IndexOf is a period's IKM with its mutu, "—" while it has no answers or
// is a draft.
func (p *skmUnitPage) IndexOf(id int64) string {
	tp, ok := p.Index[id]
	if !ok || tp.Respondents == 0 {
		return "—"
	}
	return p.IKMNum(tp.IKM) + " (" + tp.Mutu + ")"
}

type skmPeriodForm struct {
	Kind, Year, Number, Population string
}

// absURL is the link as people type it: the host the request came to.
func (s *Server) absURL(r *http.Request, path string) string {
	scheme := "http"
	if state(r).secure {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

// skmUnit reads the unit and its periods for the survey's pages.
func (s *Server) skmUnitPage(r *http.Request, id int64) (*skmUnitPage, error) {
	ctx, u := r.Context(), caseUser(r)
	un, err := unit.Get(ctx, s.db, u.Scope(), id)
	if err != nil {
		return nil, err
	}
	ps, err := s.skm.Periods(ctx, u, id)
	if err != nil {
		return nil, err
	}
	code, err := s.skm.Code(ctx, u, id)
	if err != nil {
		return nil, err
	}
	p := &skmUnitPage{Unit: un, Code: code, Link: s.absURL(r, "/s/"+code), Periods: ps, Manage: survey.CanManage(u),
		Kinds: survey.Kinds, Form: skmPeriodForm{Kind: string(survey.Triwulan), Year: strconv.Itoa(time.Now().In(wib).Year()),
			Number: strconv.Itoa((int(time.Now().In(wib).Month())-1)/3 + 1)}}
	if p.Manage {
		if p.Kiosks, err = s.skm.Kiosks(ctx, u, id); err != nil {
			return nil, err
		}
	}
	tr, err := s.skm.Trend(ctx, u, id)
	if err != nil {
		return nil, err
	}
	p.Index = map[int64]survey.TrendPoint{}
	for _, tp := range tr {
		p.Index[tp.PeriodID] = tp
	}
	p.Title = "skm.unit.title"
	return p, nil
}

// skmUnit is GET /units/{id}/skm: the unit's periods, its short link, and
// (for managers) the form of a new period and the kiosk button.
func (s *Server) skmUnit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.skmUnitPage(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	switch r.URL.Query().Get("done") {
	case "kiosk":
		p.Notice = "skm.kiosk.done"
	case "revoked":
		p.Notice = "skm.kiosk.revoked"
	case "created":
		p.Notice = "skm.unit.created"
	}
	if c, err := r.Cookie(kioskCookie); err == nil && c.Value != "" {
		p.KioskSet = true
	}
	s.render(w, r, http.StatusOK, "skm_unit", p)
}

// skmKioskRevoke is POST /units/{id}/skm/kiosk/{kiosk}/revoke.
func (s *Server) skmKioskRevoke(w http.ResponseWriter, r *http.Request) {
	if id, ok := s.revokeKiosk(w, r); ok {
		http.Redirect(w, r, "/units/"+strconv.FormatInt(id, 10)+"/skm?done=revoked", http.StatusSeeOther)
	}
}

// revokeKiosk revokes the route's {kiosk} of unit {id}, failing the request
// (and returning false) when it cannot.
func (s *Server) revokeKiosk(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, kiosk, err := pathIDs(r, "kiosk")
	if err == nil {
		err = s.skm.RevokeKiosk(r.Context(), actor(r), caseUser(r), id, kiosk)
	}
	if err != nil {
		s.fail(w, r, err)
		return 0, false
	}
	return id, true
}

// apiSKMKiosks is GET /api/v1/units/{id}/skm/kiosks.
func (s *Server) apiSKMKiosks(w http.ResponseWriter, r *http.Request) {
	readByID(s, w, r, s.skm.Kiosks, func(ks []survey.Kiosk) any { return map[string]any{"kiosks": ks} })
}

// apiSKMKioskRevoke is DELETE /api/v1/units/{id}/skm/kiosks/{kiosk}.
func (s *Server) apiSKMKioskRevoke(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.revokeKiosk(w, r); ok {
		w.WriteHeader(http.StatusNoContent)
	}
}

// skmPeriodCreate is POST /units/{id}/skm/periods: a draft period with
// the standard nine elements.
func (s *Server) skmPeriodCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	form := skmPeriodForm{Kind: f.Get("kind"), Year: strings.TrimSpace(f.Get("year")), Number: f.Get("number"),
		Population: strings.TrimSpace(f.Get("population"))}
	in := survey.PeriodInput{Kind: survey.Kind(form.Kind)}
	errs := FormErrors{}
	lang := state(r).lang
	num := func(field, v string, dst *int) {
		if v == "" && field == "population" {
			return
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			errs[field] = s.cat.T(lang, "skm.number_whole")
			return
		}
		*dst = n
	}
	num("year", form.Year, &in.Year)
	num("number", form.Number, &in.Number)
	num("population", form.Population, &in.Population)
	if len(errs) == 0 {
		p, err := s.skm.CreatePeriod(r.Context(), actor(r), caseUser(r), id, in)
		if err == nil {
			http.Redirect(w, r, "/units/"+strconv.FormatInt(id, 10)+"/skm/"+strconv.FormatInt(p.ID, 10)+"?done=created", http.StatusSeeOther)
			return
		}
		if errs = s.formErrors(r, err); errs == nil {
			s.fail(w, r, err)
			return
		}
	}
	p, err := s.skmUnitPage(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Form, p.Errors = form, errs
	s.render(w, r, http.StatusUnprocessableEntity, "skm_unit", p)
}

type skmResultRow struct {
	Rank int
	ikm.ElementResult
	Scale [4]string
}

type skmPeriodPage struct {
	Base
	Unit     unit.Unit
	Code     string
	Link     string
	Res      survey.Results
	Rows     []skmResultRow // weakest first
	Manage   bool
	Notice   string
	Errors   FormErrors
	Elements []skmElementRow // the edit form of the elements
	Trend    []survey.TrendPoint
	Chart    template.HTML // the trend as SVG
	Frozen   bool
}

type skmElementRow struct {
	Index          int
	Code, Name     string
	Weight         string
	CodeErr, Error string
}

func (p *skmPeriodPage) PeriodName() string { return skmPeriodName(&p.Base, p.Res.Period) }

// skmPeriodName is a period in the page's language.
func skmPeriodName(b *Base, p survey.Period) string {
	return b.T("skm.period."+string(p.Kind), p.Number, p.Year)
}

// PeriodName names a period of the unit page's list.
func (p *skmUnitPage) PeriodName(x survey.Period) string { return skmPeriodName(&p.Base, x) }

// Pct writes a weight as a percentage with 2 decimals, as IKMNum does.
func (p *skmPeriodPage) Pct(v float64) string { return p.IKMNum(v * 100) }

// Score writes a score that may be missing (a facility audit's) as IKMNum
// does, or a dash.
func (b *Base) Score(v *float64) string {
	if v == nil {
		return "—"
	}
	return b.IKMNum(*v)
}

// IKMNum writes an IKM, an NRR or a score with 2 decimals, the comma in
// Indonesian.
func (b *Base) IKMNum(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	if b.Lang == "id" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

func (s *Server) skmPeriodData(r *http.Request, id, pid int64) (*skmPeriodPage, error) {
	ctx, u := r.Context(), caseUser(r)
	un, err := unit.Get(ctx, s.db, u.Scope(), id)
	if err != nil {
		return nil, err
	}
	res, err := s.skm.Results(ctx, u, id, pid)
	if err != nil {
		return nil, err
	}
	tr, err := s.skm.Trend(ctx, u, id)
	if err != nil {
		return nil, err
	}
	code, err := s.skm.Code(ctx, u, id)
	if err != nil {
		return nil, err
	}
	p := &skmPeriodPage{Unit: un, Code: code, Link: s.absURL(r, "/s/"+code), Res: res, Manage: survey.CanManage(u),
		Trend: tr, Frozen: res.Period.Responses > 0}
	p.Title = "skm.period.title"
	p.Rows = skmWeakestFirst(res.IKM)
	for i, e := range res.Period.Elements {
		p.Elements = append(p.Elements, skmElementRow{Index: i, Code: e.Code, Name: e.Name,
			Weight: strconv.FormatFloat(e.Weight*100, 'f', -1, 64)})
	}
	p.Chart = skmTrendSVG(tr)
	return p, nil
}

// skmWeakestFirst orders the elements as the improvement plan reads them.
func skmWeakestFirst(res ikm.Result) []skmResultRow {
	by := map[string]ikm.ElementResult{}
	for _, e := range res.Elements {
		by[e.Code] = e
	}
	var out []skmResultRow
	for i, c := range res.Weakest {
		out = append(out, skmResultRow{Rank: i + 1, ElementResult: by[c], Scale: ikm.Scale(c)})
	}
	if len(out) == 0 {
		for _, e := range res.Elements {
			out = append(out, skmResultRow{ElementResult: e, Scale: ikm.Scale(e.Code)})
		}
	}
	return out
}

// skmPeriod is GET /units/{id}/skm/{period}: the results.
func (s *Server) skmPeriod(w http.ResponseWriter, r *http.Request) {
	id, pid, err := pathIDs(r, "period")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.skmPeriodData(r, id, pid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d := r.URL.Query().Get("done"); d != "" && len(d) < 20 && strings.Trim(d, "abcdefghijklmnopqrstuvwxyz_") == "" {
		p.Notice = "skm.done." + d
	}
	s.render(w, r, http.StatusOK, "skm_period", p)
}

// skmPeriodPost is POST /units/{id}/skm/{period}: one of the managers'
// steps on a period, named by "action": population, elements, open, close.
func (s *Server) skmPeriodPost(w http.ResponseWriter, r *http.Request) {
	id, pid, err := pathIDs(r, "period")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, u, f := r.Context(), caseUser(r), r.PostForm
	version, _ := strconv.Atoi(f.Get("version"))
	lang := state(r).lang
	errs := FormErrors{}
	action := f.Get("action")
	switch action {
	case "open", "close":
		to := map[string]survey.Status{"open": survey.Open, "close": survey.Closed}[action]
		_, err = s.skm.SetStatus(ctx, actor(r), u, id, pid, to, version)
	case "population", "elements":
		cur, gerr := s.skm.Period(ctx, u, id, pid)
		if gerr != nil {
			s.fail(w, r, gerr)
			return
		}
		in := survey.PeriodInput{Kind: cur.Kind, Year: cur.Year, Number: cur.Number, Population: cur.Population, Version: version}
		if action == "population" {
			n, perr := strconv.Atoi(strings.TrimSpace(f.Get("population")))
			if perr != nil {
				errs["population"] = s.cat.T(lang, "skm.number_whole")
			}
			in.Population = n
		} else {
			codes, names, weights := f["code"], f["name"], f["weight"]
			for i := range codes {
				if i >= len(names) || i >= len(weights) {
					break
				}
				if strings.TrimSpace(codes[i]) == "" && strings.TrimSpace(names[i]) == "" {
					continue // an empty row of the form
				}
				w, werr := strconv.ParseFloat(strings.Replace(strings.TrimSpace(weights[i]), ",", ".", 1), 64)
				if werr != nil && strings.TrimSpace(weights[i]) != "" {
					errs["elements."+strconv.Itoa(i)] = s.cat.T(lang, "skm.weight_range")
				}
				in.Elements = append(in.Elements, ikm.Element{Code: codes[i], Name: names[i], Weight: w / 100})
			}
			if in.Elements == nil {
				in.Elements = []ikm.Element{}
			}
		}
		if len(errs) == 0 {
			_, err = s.skm.UpdatePeriod(ctx, actor(r), u, id, pid, in)
		}
	default:
		err = apperr.BadParam("action", "skm.action_unknown")
	}
	if err == nil && len(errs) == 0 {
		http.Redirect(w, r, "/units/"+strconv.FormatInt(id, 10)+"/skm/"+strconv.FormatInt(pid, 10)+"?done="+action, http.StatusSeeOther)
		return
	}
	if err != nil {
		if errs = s.formErrors(r, err); errs == nil {
			s.fail(w, r, err)
			return
		}
	}
	p, perr := s.skmPeriodData(r, id, pid)
	if perr != nil {
		s.fail(w, r, perr)
		return
	}
	p.Errors = errs
	for i := range p.Elements {
		p.Elements[i].Error = errs["elements."+strconv.Itoa(i)]
	}
	s.render(w, r, http.StatusUnprocessableEntity, "skm_period", p)
}

// skmKiosk is POST /units/{id}/skm/kiosk: "jadikan tablet ini kios". The
// tablet's browser keeps the token for a year; its answers then count
// against the kiosk's higher limit (survey.KioskPerDevice), and the form
// opens in kiosk mode.
func (s *Server) skmKiosk(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	token, err := s.skm.CreateKiosk(r.Context(), actor(r), caseUser(r), id, r.PostForm.Get("label"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: kioskCookie, Value: token, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: state(r).secure})
	http.Redirect(w, r, "/units/"+strconv.FormatInt(id, 10)+"/skm?done=kiosk", http.StatusSeeOther)
}

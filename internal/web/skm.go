package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/guard"
	"github.com/layan-id/layan/internal/quality/ikm"
	"github.com/layan-id/layan/internal/quality/survey"
)

// The public side of the satisfaction survey (SKM, PermenPANRB 14/2017;
// issue 7 point 1): the form behind a unit's short link /s/{code}, its
// kiosk mode for a tablet at the front desk, and the published results
// /hasil/{code}. No account, nothing that identifies the respondent.
// Made for its respondents — elderly people, people with disabilities,
// people with little schooling: large text, one question per fieldset,
// the regulation's words on big radio buttons, no JavaScript needed.

// skmLimit is how many answers of the survey one device and one address
// may send in an hour (internal/guard): a person answers once, a family
// sharing a phone a few times; a whole office behind one address some
// tens. A kiosk tablet gets survey.KioskPerDevice instead of PerDevice.
var skmLimit = guard.Limit{Form: "skm", PerDevice: 3, PerIP: 30, Window: time.Hour}

// kioskCookie holds a tablet's kiosk token (survey.CreateKiosk).
const kioskCookie = "layan_kios"

// skmOption is one answer of a question, as the form shows it.
type skmOption struct {
	Value   string
	Label   string
	Face    template.HTML // a face beside the number: a cue that is not colour
	Checked bool
}

// skmQuestion is one element asked as a fieldset.
type skmQuestion struct {
	Code, Name, Prompt string
	Options            []skmOption
	Error              string
}

// skmChoice is one profile question (a select-free radio list).
type skmChoice struct {
	Field, Label string
	Options      []skmOption
	Error        string
}

type skmFormPage struct {
	Base
	Unit      survey.PublicUnit
	Period    survey.Period
	Questions []skmQuestion
	Profile   []skmChoice
	Saran     string
	Errors    FormErrors
	Kiosk     bool
	Action    string
}

// skmFaces draw the four faces as inline SVG rather than emoji: the emoji
// for "slightly frowning" and "slightly smiling" are missing from the fonts
// of many cheap phones and would show as empty boxes. Only the mouth
// changes, from a deep frown (1) to a broad smile (4).
var skmFaces = func() [4]template.HTML {
	mouths := [4]string{"M7 17.5Q12 12.5 17 17.5", "M8 16.5Q12 14.5 16 16.5", "M8 14.5Q12 16.5 16 14.5", "M7 13.5Q12 19.5 17 13.5"}
	var faces [4]template.HTML
	for i, m := range mouths {
		faces[i] = template.HTML(`<svg viewBox="0 0 24 24" width="1.5em" height="1.5em" focusable="false">` +
			`<circle cx="12" cy="12" r="10" fill="none" stroke="currentColor" stroke-width="1.8"/>` +
			`<circle cx="8.5" cy="9.5" r="1.4" fill="currentColor"/><circle cx="15.5" cy="9.5" r="1.4" fill="currentColor"/>` +
			`<path d="` + m + `" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/></svg>`)
	}
	return faces
}()

// skmForm builds the form's questions with the values sent (form nil: empty).
func (s *Server) skmForm(r *http.Request, f survey.OpenForm, form url.Values, errs FormErrors) *skmFormPage {
	p := &skmFormPage{Unit: f.Unit, Period: f.Period, Errors: errs, Kiosk: r.URL.Query().Get("kiosk") == "1"}
	p.Title = "skm.form.title"
	p.Action = "/s/" + f.Unit.Code
	if p.Kiosk {
		p.Action += "?kiosk=1"
	}
	lang := state(r).lang
	t := func(k string, a ...any) string { return s.cat.T(lang, k, a...) }
	for _, e := range f.Period.Elements {
		q := skmQuestion{Code: e.Code, Name: e.Name, Error: errs[e.Code]}
		key := "skm.q." + e.Code
		if s.cat.Has(lang, key) && isStandard(e) {
			q.Prompt = t(key)
		} else {
			q.Prompt = t("skm.q.generic", e.Name)
		}
		words := ikm.Scale(e.Code)
		for i := range 4 {
			v := strconv.Itoa(i + 1)
			q.Options = append(q.Options, skmOption{Value: v, Label: words[i], Face: skmFaces[i], Checked: form.Get(e.Code) == v})
		}
		p.Questions = append(p.Questions, q)
	}
	for _, c := range []struct {
		field string
		list  []string
	}{{"age_band", survey.AgeBands}, {"sex", survey.Sexes}, {"education", survey.Educations},
		{"occupation", survey.Occupations}, {"service", survey.Services}} {
		ch := skmChoice{Field: c.field, Label: t("skm.profile." + c.field), Error: errs[c.field]}
		for _, v := range c.list {
			ch.Options = append(ch.Options, skmOption{Value: v, Label: t("skm." + c.field + "." + v), Checked: form.Get(c.field) == v})
		}
		p.Profile = append(p.Profile, ch)
	}
	p.Saran = form.Get("saran")
	return p
}

// isStandard reports whether e is one of the nine by code and name, whose
// plain question the catalog holds; a renamed or added element is asked
// by its name.
func isStandard(e ikm.Element) bool {
	for _, x := range ikm.Standard() {
		if x.Code == e.Code && x.Name == e.Name {
			return true
		}
	}
	return false
}

type skmClosedPage struct {
	Base
	Unit *survey.PublicUnit
}

// skmMissing answers a code that is unknown or whose survey is not open:
// a friendly page that says so, with status 404.
func (s *Server) skmMissing(w http.ResponseWriter, r *http.Request, err error) {
	if apperr.KindOf(err) != apperr.NotFound {
		s.fail(w, r, err)
		return
	}
	p := &skmClosedPage{}
	p.Title = "skm.closed.title"
	if un, err := s.skm.UnitByCode(r.Context(), r.PathValue("code")); err == nil {
		p.Unit = &un
	}
	s.render(w, r, http.StatusNotFound, "skm_closed", p)
}

// skmFormGet is GET /s/{code}: the form of the unit's open period.
func (s *Server) skmFormGet(w http.ResponseWriter, r *http.Request) {
	f, err := s.skm.OpenPeriod(r.Context(), r.PathValue("code"))
	if err != nil {
		s.skmMissing(w, r, err)
		return
	}
	guard.SetDeviceCookie(w, r)
	s.render(w, r, http.StatusOK, "skm_form", s.skmForm(r, f, url.Values{}, FormErrors{}))
}

// skmResponseOf reads a response from the form's fields: the elements by
// code, the profile, the saran. An answer that is not a number counts as
// out of range (0 would read as missing).
func skmResponseOf(form url.Values, els []ikm.Element) survey.Response {
	in := survey.Response{Answers: map[string]int{}, Suggestion: form.Get("saran"),
		Profile: survey.Profile{AgeBand: form.Get("age_band"), Sex: form.Get("sex"), Education: form.Get("education"),
			Occupation: form.Get("occupation"), Service: form.Get("service")}}
	for _, e := range els {
		v := strings.TrimSpace(form.Get(e.Code))
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			n = -1
		}
		in.Answers[e.Code] = n
	}
	return in
}

// skmAllow applies the flood limits to a submission: per device (a kiosk
// tablet's raised limit when it holds the unit's kiosk token) and per
// address.
func (s *Server) skmAllow(r *http.Request, unitID int64) (bool, time.Duration, error) {
	l, device := skmLimit, guard.DeviceID(r)
	if c, err := r.Cookie(kioskCookie); err == nil {
		id, err := s.skm.KioskID(r.Context(), unitID, c.Value)
		if err != nil {
			return false, 0, err
		}
		if id != 0 {
			l.PerDevice, device = survey.KioskPerDevice, "kiosk-"+strconv.FormatInt(id, 10)
		}
	}
	return s.guard.Allow(r.Context(), l, device, s.clientIP(r))
}

// skmFormPost is POST /s/{code}: check the answers (and show them again
// with what is wrong), then the flood limits, then store them, then the
// thank-you page (a redirect, so that reloading sends nothing twice and
// going back shows an empty form).
func (s *Server) skmFormPost(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	f, err := s.skm.OpenPeriod(ctx, r.PathValue("code"))
	if err != nil {
		s.skmMissing(w, r, err)
		return
	}
	thanks := "/s/" + f.Unit.Code + "/terima-kasih"
	if r.URL.Query().Get("kiosk") == "1" {
		thanks += "?kiosk=1"
	}
	if guard.Honeypot(r.PostForm) {
		// A bot: answered as if accepted, so it learns nothing; nothing stored.
		http.Redirect(w, r, thanks, http.StatusSeeOther)
		return
	}
	in := skmResponseOf(r.PostForm, f.Period.Elements)
	if fe := in.Check(f.Period.Elements); len(fe) > 0 {
		s.skmInvalid(w, r, f, fe.Err())
		return
	}
	ok, retry, err := s.skmAllow(r, f.Unit.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !ok {
		s.refuseFlood(w, r, retry)
		return
	}
	if err := s.skm.Submit(ctx, f.Unit.Code, in); err != nil {
		if apperr.KindOf(err) == apperr.Invalid {
			s.skmInvalid(w, r, f, err)
			return
		}
		s.skmMissing(w, r, err)
		return
	}
	http.Redirect(w, r, thanks, http.StatusSeeOther)
}

func (s *Server) skmInvalid(w http.ResponseWriter, r *http.Request, f survey.OpenForm, err error) {
	errs := s.formErrors(r, err)
	if errs == nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusUnprocessableEntity, "skm_form", s.skmForm(r, f, r.PostForm, errs))
}

type skmThanksPage struct {
	Base
	Unit  survey.PublicUnit
	Kiosk bool
	// Again is where the kiosk returns: an empty form.
	Again string
}

// skmThanks is GET /s/{code}/terima-kasih. In kiosk mode it goes back to
// an empty form after a few seconds by a meta refresh (no JavaScript).
func (s *Server) skmThanks(w http.ResponseWriter, r *http.Request) {
	un, err := s.skm.UnitByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		s.skmMissing(w, r, err)
		return
	}
	p := &skmThanksPage{Unit: un, Kiosk: r.URL.Query().Get("kiosk") == "1", Again: "/s/" + un.Code}
	if p.Kiosk {
		p.Again += "?kiosk=1"
	}
	p.Title = "skm.thanks.title"
	if p.Kiosk {
		// Back to an empty form after a few seconds, without JavaScript:
		// the next person at the front desk starts afresh.
		w.Header().Set("Refresh", "8; url="+p.Again)
	}
	s.render(w, r, http.StatusOK, "skm_thanks", p)
}

type skmPublicPage struct {
	Base
	Pub survey.Published
}

// skmPublicResults is GET /hasil/{code}: the unit's closed periods, their
// index, mutu and elements; no saran, nothing personal.
func (s *Server) skmPublicResults(w http.ResponseWriter, r *http.Request) {
	pub, err := s.skm.PublicResults(r.Context(), r.PathValue("code"))
	if err != nil {
		s.skmMissing(w, r, err)
		return
	}
	p := &skmPublicPage{Pub: pub}
	p.Title = "skm.public.title"
	s.render(w, r, http.StatusOK, "skm_public", p)
}

// apiSKMRespond is POST /api/v1/public/skm/{code}/responses: the same
// answer by JSON (a unit's own kiosk app), the same limits.
func (s *Server) apiSKMRespond(w http.ResponseWriter, r *http.Request) {
	var in struct {
		survey.Response
		Honeypot string `json:"situs_web"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	f, err := s.skm.OpenPeriod(ctx, r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if in.Honeypot != "" {
		writeJSON(w, http.StatusCreated, map[string]any{"accepted": true})
		return
	}
	if in.Answers == nil {
		in.Answers = map[string]int{}
	}
	if fe := in.Response.Check(f.Period.Elements); len(fe) > 0 {
		s.fail(w, r, fe.Err())
		return
	}
	ok, retry, err := s.skmAllow(r, f.Unit.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !ok {
		s.refuseFlood(w, r, retry)
		return
	}
	if err := s.skm.Submit(ctx, f.Unit.Code, in.Response); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"accepted": true})
}

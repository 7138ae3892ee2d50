package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/i18n"
	"github.com/layan-id/layan/internal/registry"
	"github.com/layan-id/layan/internal/wilayah"
)

// The people registry (PPKS) over HTTP: the searchable list, the record
// page, create and edit with field errors and the duplicate-NIK warning,
// deactivation; and the same calls as JSON under /api/v1/people. Reach
// (which people an account may open) is worked out by the registry from the
// account on every request; planners, verifiers, national viewers and
// admins never get here (the routes need people.read or people.manage).

// reach is the signed-in user's reach in the registry.
func (s *Server) reach(r *http.Request) (registry.Reach, error) {
	u := state(r).user
	if u == nil {
		return registry.Reach{}, nil
	}
	return registry.ReachOf(*u), nil
}

// peopleView holds what every people page shows of a person, in the page's
// language.
type peopleView struct {
	Base
	ix    *wilayah.Index
	today time.Time
}

// SexName names L or P in the page's language.
func (v *peopleView) SexName(sx registry.Sex) string {
	if sx == "" {
		return "—"
	}
	return v.T("person.sex." + string(sx))
}

// Birth says when a person was born: the date (DD-MM-YYYY) or the estimated
// year, with the age.
func (v *peopleView) Birth(p interface{ Born() registry.Birth }) string {
	b := p.Born()
	age := v.Age(p)
	var s string
	switch {
	case b.Date != "":
		d, err := time.Parse(time.DateOnly, b.Date)
		if err != nil {
			return b.Date
		}
		s = d.Format("02-01-2006")
	case b.Year != 0:
		s = v.T("people.birth_estimated", b.Year)
	default:
		return "—"
	}
	if age >= 0 {
		s += " (" + v.T("people.age", age) + ")"
	}
	return s
}

// Age is the age in whole years today (WIB), or -1 when the birth is not
// known. With only an estimated year it is the difference of years.
func (v *peopleView) Age(p interface{ Born() registry.Birth }) int {
	b := p.Born()
	if b.Date != "" {
		d, err := time.Parse(time.DateOnly, b.Date)
		if err != nil {
			return -1
		}
		age := v.today.Year() - d.Year()
		if v.today.Month() < d.Month() || (v.today.Month() == d.Month() && v.today.Day() < d.Day()) {
			age--
		}
		return max(age, 0)
	}
	if b.Year != 0 {
		return max(v.today.Year()-b.Year, 0)
	}
	return -1
}

// Village names a village with its kecamatan ("Kecandran, Sidomukti").
func (v *peopleView) Village(c wilayah.Code) string {
	path := v.ix.Path(c)
	if len(path) == 0 {
		return string(c)
	}
	out := path[len(path)-1].Name
	if len(path) >= 2 {
		out += ", " + path[len(path)-2].Name
	}
	return out
}

// VillagePath names a village with all its ancestors.
func (v *peopleView) VillagePath(c wilayah.Code) string { return pathText(v.ix, c) }

// CategoryNames names PPKS categories in the page's language.
func (v *peopleView) CategoryNames(codes []string) string {
	var names []string
	for _, c := range codes {
		names = append(names, categoryName(v.Lang, c))
	}
	return strings.Join(names, ", ")
}

// DisabilityNames names disability types in the page's language.
func (v *peopleView) DisabilityNames(codes []string) string {
	var names []string
	for _, c := range codes {
		names = append(names, disabilityName(v.Lang, registry.Disability(c)))
	}
	return strings.Join(names, ", ")
}

// ReasonName names an inactive reason.
func (v *peopleView) ReasonName(r registry.InactiveReason) string {
	if !r.Valid() {
		return string(r)
	}
	return v.T("person.reason." + string(r))
}

func categoryName(lang i18n.Lang, code string) string {
	cat, ok := registry.CategoryCode(code).Info()
	switch {
	case !ok:
		return code
	case lang == i18n.EN:
		return cat.NameEN
	}
	return cat.Name
}

func disabilityName(lang i18n.Lang, d registry.Disability) string {
	if lang == i18n.EN {
		if n := d.NameEN(); n != "" {
			return n
		}
	} else if n := d.Name(); n != "" {
		return n
	}
	return string(d)
}

func (s *Server) newPeopleView(r *http.Request, title string) peopleView {
	return peopleView{Base: Base{Title: title}, ix: s.regions, today: s.today()}
}

// today is the date in WIB by the registry's clock, for ages.
func (s *Server) today() time.Time {
	now := time.Now
	if s.people.Now != nil {
		now = s.people.Now
	}
	return now().In(wib)
}

// option is one choice of a select or checkbox group.
type option struct {
	Value   string
	Label   string
	Checked bool
}

func categoryOptions(lang i18n.Lang, chosen []string) []option {
	var out []option
	for _, c := range registry.Categories() {
		label := c.Name
		if lang == i18n.EN {
			label = c.NameEN
		}
		out = append(out, option{Value: string(c.Code), Label: label, Checked: containsString(chosen, string(c.Code))})
	}
	return out
}

func disabilityOptions(lang i18n.Lang, chosen []string) []option {
	var out []option
	for _, d := range registry.Disabilities() {
		out = append(out, option{Value: string(d), Label: disabilityName(lang, d), Checked: containsString(chosen, string(d))})
	}
	return out
}

func containsString(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// translate fills in the text of notes and warnings in the user's language.
func (s *Server) translate(r *http.Request, msgs []registry.Message) []registry.Message {
	out := make([]registry.Message, 0, len(msgs))
	for _, m := range msgs {
		m.Text = s.cat.T(state(r).lang, m.Key, m.Args...)
		out = append(out, m)
	}
	return out
}

// The list.

type peoplePage struct {
	peopleView
	Result     registry.Result
	Pager      Pager
	Query      string
	Category   string
	Inactive   bool
	Categories []option
	Picker     RegionPicker
	// TooMany is the notice when the search matched more than it ranks.
	TooMany string
}

// peopleFilter reads the list's filter from the query. In the UI a
// malformed region or unknown category is ignored (the form offers only
// valid ones); the API refuses them first with apiPeopleFilter.
func peopleFilter(r *http.Request) registry.Filter {
	q := r.URL.Query()
	f := registry.Filter{Query: strings.TrimSpace(q.Get("q")), Page: queryInt(r, "page", 1), Size: queryInt(r, "size", 25)}
	if c, err := wilayah.ParseCode(pickedRegion(q, "region")); err == nil {
		f.Within = c
	}
	if cat, err := registry.ParseCategory(q.Get("category")); err == nil {
		f.Category = string(cat.Code)
	}
	f.Inactive, _ = strconv.ParseBool(q.Get("inactive"))
	return f
}

// searchPeople runs the search of the list page and of the API alike.
func (s *Server) searchPeople(r *http.Request) (registry.Filter, registry.Result, error) {
	reach, err := s.reach(r)
	if err != nil {
		return registry.Filter{}, registry.Result{}, err
	}
	f := peopleFilter(r)
	res, err := s.people.Search(r.Context(), reach, f)
	return f, res, err
}

func (s *Server) peoplePage(w http.ResponseWriter, r *http.Request) {
	f, res, err := s.searchPeople(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	inactive := ""
	if f.Inactive {
		inactive = "true"
	}
	lang := state(r).lang
	p := &peoplePage{peopleView: s.newPeopleView(r, "people.title"), Result: res, Query: f.Query, Category: f.Category,
		Inactive: f.Inactive, Categories: categoryOptions(lang, nil),
		Picker: s.newPicker("region", "people.filter_region", f.Within, wilayah.Village),
		Pager: listPager(f.Page, f.Size, res.Total, f.Query, "region", string(f.Within), "category", f.Category,
			"inactive", inactive)}
	if res.More {
		// A name search ranks at most MaxCandidates matches; a listing (no
		// name words) pages only so deep.
		if _, _, words := registry.QueryTerms(f.Query); len(words) > 0 {
			p.TooMany = s.cat.T(lang, "people.too_many", registry.MaxCandidates)
		} else {
			p.TooMany = s.cat.T(lang, "people.too_many_list", res.Total)
		}
	}
	s.render(w, r, http.StatusOK, "people", p)
}

// The record.

type personPage struct {
	peopleView
	P registry.Person
	// Messages are the notes and warnings of the record: those of the save
	// just made, or else those its NIK gives now (registry.Warnings).
	Messages []registry.Message
	// DuplicateVisible says the record P.DuplicateOf is in the reader's
	// reach, so the page may link to it.
	DuplicateVisible bool
	History          []historyLine
	Openings         int
	LastOpenings     []audit.Item
	Reasons          []registry.InactiveReason
	// Errors and Reason are the deactivation form after a refusal.
	Errors FormErrors
	Reason string
	Note   string
	// Created or Saved says what just happened, once.
	Created bool
	Saved   bool
	// Extra is for the capabilities shown in the "personExtra" partial
	// (households, consent); fillPersonExtra sets it.
	Extra *PersonExtra
}

// fillPersonExtra is where the household and consent capabilities load what
// their "personExtra" partial shows (households.go). A page re-rendered
// after a refused household or consent form comes with Extra already set.
func (s *Server) fillPersonExtra(ctx context.Context, r *http.Request, p *personPage) error {
	if p.Extra != nil {
		return nil
	}
	reach, err := s.reach(r)
	if err != nil {
		return err
	}
	p.Extra, err = s.personExtra(r, reach, p.P)
	return err
}

// historyLine is one change of a person's history, in the page's language.
type historyLine struct {
	At    time.Time
	Actor string
	Text  string
}

// showPerson renders a person's record page.
func (s *Server) showPerson(w http.ResponseWriter, r *http.Request, status int, p *personPage) {
	if err := s.fillPersonPage(r, p); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "person", p)
}

// fillPersonPage loads what the record page shows besides the record.
func (s *Server) fillPersonPage(r *http.Request, p *personPage) error {
	reach, err := s.reach(r)
	if err != nil {
		return err
	}
	h, err := s.people.History(r.Context(), reach, p.P.ID)
	if err != nil {
		return err
	}
	lang := state(r).lang
	for _, e := range h.Changes {
		text := s.cat.T(lang, e.Key, e.Args...)
		if e.Detail != "" {
			text += ": " + s.cat.T(lang, e.Detail)
		}
		p.History = append(p.History, historyLine{At: e.At, Actor: e.ActorName, Text: text})
	}
	p.Openings, p.LastOpenings = h.Openings, h.LastOpenings
	if p.Messages == nil {
		p.Messages = s.translate(r, s.people.Warnings(p.P))
	}
	if p.P.DuplicateOf != 0 {
		if p.DuplicateVisible, err = s.people.InReach(r.Context(), reach, p.P.DuplicateOf); err != nil {
			return err
		}
	}
	p.Reasons = registry.InactiveReasons
	return s.fillPersonExtra(r.Context(), r, p)
}

func (s *Server) newPersonPage(r *http.Request, person registry.Person) *personPage {
	return &personPage{peopleView: s.newPeopleView(r, "people.person"), P: person}
}

// personPage opens a person's full record; every opening is audited.
func (s *Server) personPage(w http.ResponseWriter, r *http.Request) {
	_, person, ok := s.personOf(w, r, true)
	if !ok {
		return
	}
	p := s.newPersonPage(r, person)
	p.Saved = r.URL.Query().Get("saved") == "1"
	s.showPerson(w, r, http.StatusOK, p)
}

// The form.

type personForm struct {
	peopleView
	ID           int64
	In           registry.Input
	Aliases      string // one per line
	BirthYear    string // as typed
	Picker       RegionPicker
	Errors       FormErrors
	Categories   []option
	Disabilities []option
	// DuplicateOf is the record holding the NIK, after a refusal; or
	// DuplicateElsewhere says a record outside the worker's reach holds it
	// (the page can then neither link nor name it).
	DuplicateOf        int64
	DuplicateElsewhere bool
}

func (s *Server) newPersonForm(r *http.Request, id int64, in registry.Input, yearText string) *personForm {
	title := "people.new"
	if id != 0 {
		title = "people.edit"
	}
	lang := state(r).lang
	village, _ := wilayah.ParseCode(in.Village)
	f := &personForm{peopleView: s.newPeopleView(r, title), ID: id, In: in, Aliases: strings.Join(in.Aliases, "\n"),
		BirthYear: yearText, Categories: categoryOptions(lang, in.Categories), Disabilities: disabilityOptions(lang, in.Disabilities),
		Picker: s.newPicker("village", "field.village", village, wilayah.Village)}
	return f
}

// failForm re-renders a person form after err (a rule broken, a duplicate
// NIK, a stale version), or fails the request when err is something else.
func (s *Server) failForm(w http.ResponseWriter, r *http.Request, id int64, in registry.Input, yearText string, err error) {
	fe, status, ok := s.formFailure(r, err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	f := s.newPersonForm(r, id, in, yearText)
	f.Errors, f.Picker.Error = fe, fe["village"]
	f.DuplicateOf, f.DuplicateElsewhere = registry.DuplicateOf(err), registry.DuplicateElsewhere(err)
	s.render(w, r, status, "person_form", f)
}

// personInputFromForm reads a person form. A birth year that is not a
// number becomes -1, which the registry refuses under the field; values are
// made valid UTF-8 so that a refused form can be shown again.
func personInputFromForm(form url.Values) (registry.Input, string) {
	get := func(k string) string { return cleanText(form.Get(k)) }
	in := registry.Input{NIK: get("nik"), Name: get("name"), Sex: get("sex"), BirthDate: get("birth_date"),
		BirthPlace: get("birth_place"), Address: get("address"), Phone: get("phone"), Notes: get("notes"),
		Village: cleanText(pickedRegion(form, "village")), ConfirmDuplicate: form.Get("confirm_duplicate") == "1"}
	for _, a := range strings.Split(get("aliases"), "\n") {
		if a = strings.TrimSpace(a); a != "" {
			in.Aliases = append(in.Aliases, a)
		}
	}
	for _, c := range form["categories"] {
		in.Categories = append(in.Categories, cleanText(c))
	}
	for _, d := range form["disabilities"] {
		in.Disabilities = append(in.Disabilities, cleanText(d))
	}
	year := strings.TrimSpace(get("birth_year"))
	if year != "" {
		n, err := strconv.Atoi(year)
		if err != nil {
			n = -1
		}
		in.BirthYear = n
	}
	in.Version, _ = strconv.Atoi(form.Get("version"))
	if c, err := wilayah.ParseCode(in.Village); err == nil {
		in.Village = string(c)
	}
	return in, year
}

// cleanText makes s safe to show again in a form: valid UTF-8, no NUL.
func cleanText(s string) string {
	if utf8.ValidString(s) && !strings.ContainsRune(s, 0) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// inputOf is a stored person as the form and the PATCH start from.
func inputOf(p registry.Person) registry.Input {
	in := registry.Input{NIK: string(p.NIK), Name: p.Name, Aliases: p.Aliases, Sex: string(p.Sex), BirthDate: p.BirthDate,
		BirthPlace: p.BirthPlace, Village: string(p.Village), Address: p.Address, Categories: p.Categories,
		Disabilities: p.Disabilities, Phone: p.Phone, Notes: p.Notes, Version: p.Version}
	if p.BirthDate == "" {
		in.BirthYear = p.BirthYear
	}
	// ConfirmDuplicate stays false: a record kept apart from another with
	// the same NIK stays so while its NIK is unchanged (the registry checks
	// only a changed NIK), and a change to yet another registered NIK must
	// be confirmed anew.
	return in
}

func (s *Server) personNewForm(w http.ResponseWriter, r *http.Request) {
	// A worker starts in their unit's region.
	in := registry.Input{}
	if u := state(r).user; u != nil {
		in.Village = string(u.UnitRegion)
	}
	s.render(w, r, http.StatusOK, "person_form", s.newPersonForm(r, 0, in, ""))
}

func (s *Server) personCreate(w http.ResponseWriter, r *http.Request) {
	reach, err := s.reach(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.savePersonForm(w, r, 0, func(in registry.Input) (registry.Saved, error) {
		return s.people.Create(r.Context(), actor(r), reach, in)
	})
}

func (s *Server) personEditForm(w http.ResponseWriter, r *http.Request) {
	// The form shows the whole record: an opening like the record page.
	_, person, ok := s.personOf(w, r, true)
	if !ok {
		return
	}
	in := inputOf(person)
	year := ""
	if in.BirthYear != 0 {
		year = strconv.Itoa(in.BirthYear)
	}
	s.render(w, r, http.StatusOK, "person_form", s.newPersonForm(r, person.ID, in, year))
}

func (s *Server) personUpdate(w http.ResponseWriter, r *http.Request) {
	id, reach, ok := s.idAndReach(w, r)
	if !ok {
		return
	}
	s.savePersonForm(w, r, id, func(in registry.Input) (registry.Saved, error) {
		return s.people.Update(r.Context(), actor(r), reach, id, in)
	})
}

// savePersonForm reads a posted person form (id 0 for a new person) and
// saves it with save. A refusal shows the form again as typed; a success
// shows the record at once with its notes and warnings (they are in the
// user's language with their values, which a redirect could not carry); it
// is the worker's own entry, not a new opening to audit.
func (s *Server) savePersonForm(w http.ResponseWriter, r *http.Request, id int64, save func(registry.Input) (registry.Saved, error)) {
	perr := parseForm(w, r)
	in, year := personInputFromForm(r.PostForm)
	if perr != nil {
		s.failForm(w, r, id, in, year, perr)
		return
	}
	saved, err := save(in)
	if err != nil {
		s.failForm(w, r, id, in, year, err)
		return
	}
	p := s.newPersonPage(r, saved.Person)
	p.Created, p.Saved = id == 0, id != 0
	p.Messages = s.translate(r, saved.Messages)
	s.showPerson(w, r, http.StatusOK, p)
}

// personSetActive deactivates a person with a reason, or reactivates them.
func (s *Server) personSetActive(w http.ResponseWriter, r *http.Request) {
	id, reach, ok := s.idAndReach(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	active := r.PostFormValue("active") == "1"
	reason, note := r.PostFormValue("reason"), r.PostFormValue("note")
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	_, err := s.people.SetActive(r.Context(), actor(r), reach, id, active, registry.InactiveReason(reason), note, version)
	if fe, status, ok := s.formFailure(r, err); ok {
		person, gerr := s.people.Get(r.Context(), actor(r), reach, id, false)
		if gerr != nil {
			s.fail(w, r, gerr)
			return
		}
		p := s.newPersonPage(r, person)
		p.Errors, p.Reason, p.Note = fe, reason, note
		s.showPerson(w, r, status, p)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/people/"+strconv.FormatInt(id, 10)+"?saved=1", http.StatusSeeOther)
}

// People API.

type personList struct {
	Items []registry.Summary `json:"items"`
	Total int                `json:"total"`
	// More is true when the search matched more than it ranks: add a word,
	// a birth year or a region.
	More bool `json:"more"`
	Page int  `json:"page"`
	Size int  `json:"size"`
}

// savedPerson is a stored person with the notes and warnings about it.
type savedPerson struct {
	Person   registry.Person    `json:"person"`
	Warnings []registry.Message `json:"warnings"`
}

// checkPeopleParams refuses malformed list parameters, naming them.
func checkPeopleParams(r *http.Request) error {
	q := r.URL.Query()
	if _, err := parseCodeParam(r, "region"); err != nil {
		return err
	}
	if c := q.Get("category"); c != "" {
		if _, err := registry.ParseCategory(c); err != nil {
			return apperr.BadParam("category", "person.category_unknown", c)
		}
	}
	if v := q.Get("inactive"); v != "" {
		if _, err := strconv.ParseBool(v); err != nil {
			return apperr.BadParam("inactive", "field.boolean")
		}
	}
	return nil
}

func (s *Server) apiPeople(w http.ResponseWriter, r *http.Request) {
	if err := checkPeopleParams(r); err != nil {
		s.fail(w, r, err)
		return
	}
	f, res, err := s.searchPeople(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, personList{Items: nonNil(res.Items), Total: res.Total, More: res.More,
		Page: max(f.Page, 1), Size: listSize(f.Size)})
}

func (s *Server) apiPerson(w http.ResponseWriter, r *http.Request) {
	_, p, ok := s.personOf(w, r, true)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, personRead{Person: p, Warnings: s.translate(r, s.people.Warnings(p))})
}

// personRead is the answer of GET /api/v1/people/{id}: the record with the
// notes and warnings its NIK gives now, as a create or update answers them.
type personRead struct {
	registry.Person
	Warnings []registry.Message `json:"warnings"`
}

// personCreate is the body of POST /api/v1/people: registry.Input without
// the version, which only an update carries.
type personCreate struct {
	NIK              string   `json:"nik"`
	Name             string   `json:"name"`
	Aliases          []string `json:"aliases"`
	Sex              string   `json:"sex"`
	BirthDate        string   `json:"birth_date"`
	BirthYear        int      `json:"birth_year"`
	BirthPlace       string   `json:"birth_place"`
	Village          string   `json:"village"`
	Address          string   `json:"address"`
	Categories       []string `json:"categories"`
	Disabilities     []string `json:"disabilities"`
	Phone            string   `json:"phone"`
	Notes            string   `json:"notes"`
	ConfirmDuplicate bool     `json:"confirm_duplicate"`
}

func (s *Server) apiPersonCreate(w http.ResponseWriter, r *http.Request) {
	var body personCreate
	if err := decodeJSON(r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	reach, err := s.reach(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := registry.Input{NIK: body.NIK, Name: body.Name, Aliases: body.Aliases, Sex: body.Sex, BirthDate: body.BirthDate,
		BirthYear: body.BirthYear, BirthPlace: body.BirthPlace, Village: body.Village, Address: body.Address,
		Categories: body.Categories, Disabilities: body.Disabilities, Phone: body.Phone, Notes: body.Notes,
		ConfirmDuplicate: body.ConfirmDuplicate}
	saved, err := s.people.Create(r.Context(), actor(r), reach, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/people/"+strconv.FormatInt(saved.Person.ID, 10))
	writeJSON(w, http.StatusCreated, savedPerson{Person: saved.Person, Warnings: s.translate(r, saved.Messages)})
}

// apiPersonUpdate applies a PATCH: fields left out keep their value;
// version is required so that a stale edit is refused with 409.
func (s *Server) apiPersonUpdate(w http.ResponseWriter, r *http.Request) {
	reach, cur, ok := s.personOf(w, r, false)
	if !ok {
		return
	}
	in := inputOf(cur)
	in.Version = 0
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.Version == 0 {
		var f apperr.Fields
		f.Add("version", "field.required")
		s.fail(w, r, f.Err())
		return
	}
	saved, err := s.people.Update(r.Context(), actor(r), reach, cur.ID, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, savedPerson{Person: saved.Person, Warnings: s.translate(r, saved.Messages)})
}

type personDeactivate struct {
	Reason  string `json:"reason"`
	Note    string `json:"note"`
	Version int    `json:"version"`
}

type personActivate struct {
	Version int `json:"version"`
}

func (s *Server) apiPersonDeactivate(w http.ResponseWriter, r *http.Request) {
	var body personDeactivate
	s.apiPersonSetActive(w, r, &body, func() (bool, registry.InactiveReason, string, int) {
		return false, registry.InactiveReason(body.Reason), body.Note, body.Version
	})
}

func (s *Server) apiPersonActivate(w http.ResponseWriter, r *http.Request) {
	var body personActivate
	s.apiPersonSetActive(w, r, &body, func() (bool, registry.InactiveReason, string, int) {
		return true, "", "", body.Version
	})
}

// apiPersonSetActive decodes body, then changes the status args returns.
func (s *Server) apiPersonSetActive(w http.ResponseWriter, r *http.Request, body any,
	args func() (bool, registry.InactiveReason, string, int)) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := decodeJSON(r, body); err != nil {
		s.fail(w, r, err)
		return
	}
	active, reason, note, version := args()
	if version == 0 {
		var f apperr.Fields
		f.Add("version", "field.required")
		if !active && !reason.Valid() {
			f.Add("reason", "person.reason_required")
		}
		s.fail(w, r, f.Err())
		return
	}
	reach, err := s.reach(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.people.SetActive(r.Context(), actor(r), reach, id, active, reason, note, version)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// peopleCount is the home page's figure of the registry: for workers and
// supervisors the active people in reach, for everyone else the active
// people of their scope's region (all of them for a national scope) — a
// count, never a record.
func (s *Server) peopleCount(ctx context.Context, u *access.User, region wilayah.Code, all bool) (n int, more bool, err error) {
	if u.Role.Can(access.ReadPeople) {
		n, err := s.people.CountReach(ctx, registry.ReachOf(*u))
		return n, false, err
	}
	if region == "" && !all {
		return 0, false, nil
	}
	n, err = registry.Count(ctx, s.db, region)
	return n, false, err
}

// idAndReach reads the {id} of a person route and the caller's reach,
// failing the request (and returning false) when either cannot be had.
func (s *Server) idAndReach(w http.ResponseWriter, r *http.Request) (int64, registry.Reach, bool) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return 0, registry.Reach{}, false
	}
	reach, err := s.reach(r)
	if err != nil {
		s.fail(w, r, err)
		return 0, registry.Reach{}, false
	}
	return id, reach, true
}

// personOf reads the person of a route's {id} in the caller's reach,
// failing the request (and returning false) when it cannot be had. audited
// says this is an opening of the full record (registry.Store.Get).
func (s *Server) personOf(w http.ResponseWriter, r *http.Request, audited bool) (registry.Reach, registry.Person, bool) {
	id, reach, ok := s.idAndReach(w, r)
	if !ok {
		return registry.Reach{}, registry.Person{}, false
	}
	person, err := s.people.Get(r.Context(), actor(r), reach, id, audited)
	if err != nil {
		s.fail(w, r, err)
		return registry.Reach{}, registry.Person{}, false
	}
	return reach, person, true
}

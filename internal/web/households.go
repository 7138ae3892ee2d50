package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/registry"
	"github.com/layan-id/layan/internal/wilayah"
)

// Households (KK) and consent (UU 27/2022) of a person: the part of the
// person's record page that _person_extra.html draws, its four forms, and
// the same calls as JSON. Every call goes through the registry with the
// caller's reach, so scope is enforced by the store, never by the page.

// PersonExtra is what the person page shows of the person's household and
// consent, with the forms as typed after a refusal.
type PersonExtra struct {
	Household registry.PersonHousehold
	// HouseholdNotes are the notes of the current KK, translated.
	HouseholdNotes []registry.Message
	// Relation is the person's relation in their current KK.
	Relation registry.Relation

	Consents []registry.Consent
	State    registry.ConsentState
	Missing  []registry.Purpose
	// Child says the person is a child today, whose consent a guardian gives.
	Child bool

	Relations         []option
	Purposes          []option
	Means             []option
	GuardianRelations []option
	Today             string // YYYY-MM-DD in WIB, the latest date the forms take

	Join    householdJoinForm
	Picker  RegionPicker
	Leave   householdLeaveForm
	Correct householdCorrectForm
	// CorrectPicker is the village of the correction form.
	CorrectPicker RegionPicker
	Record        consentForm
	Withdraw      consentWithdrawForm
}

// householdJoinForm is the form that puts the person on a KK.
type householdJoinForm struct {
	KK, Address, Relation, JoinedOn string
	Move                            bool
	Errors                          FormErrors
}

// householdCorrectForm corrects the current KK's number, village and
// address; it starts from the stored values.
type householdCorrectForm struct {
	ID      int64
	Version int
	KK      string
	Address string
	Errors  FormErrors
}

type householdLeaveForm struct {
	LeftOn string
	Errors FormErrors
}

type consentForm struct {
	In     registry.ConsentInput
	Errors FormErrors
}

// consentWithdrawForm is the withdrawal form of consent ID, after a refusal.
type consentWithdrawForm struct {
	ID          int64
	WithdrawnOn string
	Note        string
	Errors      FormErrors
}

// JoinOpen reports whether the join form should be shown unfolded: the person
// has no KK, or the form was refused.
func (x *PersonExtra) JoinOpen() bool { return x.Household.Current == nil || x.Join.Errors != nil }

// MissingConsent reports whether the record lacks a standing consent.
func (x *PersonExtra) MissingConsent() bool { return x.State != registry.ConsentGiven }

// Day writes a YYYY-MM-DD date as Indonesians do, DD-MM-YYYY.
func (x *PersonExtra) Day(s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return d.Format("02-01-2006")
}

// WithdrawErrors returns the withdrawal form's errors when they concern
// consent id.
func (x *PersonExtra) WithdrawErrors(id int64) FormErrors {
	if x.Withdraw.ID == id {
		return x.Withdraw.Errors
	}
	return nil
}

// personExtra loads the household and consent of person for its record page.
func (s *Server) personExtra(r *http.Request, reach registry.Reach, person registry.Person) (*PersonExtra, error) {
	ph, err := s.people.PersonHousehold(r.Context(), reach, person.ID)
	if err != nil {
		return nil, err
	}
	pc, err := s.people.ConsentOf(r.Context(), reach, person.ID)
	if err != nil {
		return nil, err
	}
	lang := state(r).lang
	today := s.today()
	x := &PersonExtra{Household: ph, Consents: pc.Consents, State: pc.State, Missing: pc.Missing,
		Child: registry.IsChild(person, today), Today: today.Format(time.DateOnly)}
	if h := ph.Current; h != nil {
		x.HouseholdNotes = s.translate(r, h.Notes)
		x.Correct = householdCorrectForm{ID: h.ID, Version: h.Version, KK: string(h.KK), Address: h.Address}
		x.CorrectPicker = s.newPicker("hh_village", "field.kk_village", h.Village, wilayah.Village)
		for _, m := range ph.Current.Members {
			if m.Current() && m.PersonID == person.ID {
				x.Relation = m.Relation
			}
		}
	}
	t := func(key string) string { return s.cat.T(lang, key) }
	for _, v := range registry.Relations {
		x.Relations = append(x.Relations, option{Value: string(v), Label: t("household.relation." + string(v))})
	}
	for _, v := range registry.Purposes {
		x.Purposes = append(x.Purposes, option{Value: string(v), Label: t("consent.purpose." + string(v))})
	}
	for _, v := range registry.MeansList {
		x.Means = append(x.Means, option{Value: string(v), Label: t("consent.means." + string(v))})
	}
	for _, v := range registry.GuardianRelations {
		x.GuardianRelations = append(x.GuardianRelations, option{Value: string(v), Label: t("consent.guardian." + string(v))})
	}
	x.Join.JoinedOn = x.Today
	x.Leave.LeftOn = x.Today
	x.Record.In.GivenOn = x.Today
	x.Picker = s.newPicker("kk_village", "field.kk_village", person.Village, wilayah.Village)
	return x, nil
}

// personForExtra reads the person a form of the record page is sent to.
// A re-render after a refusal is not a new opening of the record.
func (s *Server) personForExtra(w http.ResponseWriter, r *http.Request) (registry.Reach, registry.Person, bool) {
	reach, person, ok := s.personOf(w, r, false)
	if !ok {
		return registry.Reach{}, registry.Person{}, false
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return registry.Reach{}, registry.Person{}, false
	}
	return reach, person, true
}

// extraFailed re-renders the record page after a refused form (fill sets
// the form's values and errors), or fails the request when err is not a
// refusal a form can show. It reports whether it answered.
func (s *Server) extraFailed(w http.ResponseWriter, r *http.Request, reach registry.Reach, person registry.Person, err error,
	fill func(x *PersonExtra, fe FormErrors)) bool {
	if err == nil {
		return false
	}
	fe, status, ok := s.formFailure(r, err)
	if !ok {
		s.fail(w, r, err)
		return true
	}
	if ae := apperr.As(err); ae != nil && ae.Kind == apperr.Conflict {
		// Say what the conflict is (no KK to leave, a consent withdrawn
		// already), not only that the page was stale.
		fe = FormErrors{"_": s.cat.T(state(r).lang, ae.Key, ae.Args...)}
	}
	x, xerr := s.personExtra(r, reach, person)
	if xerr != nil {
		s.fail(w, r, xerr)
		return true
	}
	fill(x, fe)
	p := s.newPersonPage(r, person)
	p.Extra = x
	s.showPerson(w, r, status, p)
	return true
}

// toSection sends the browser back to a section of the record page.
func toSection(w http.ResponseWriter, r *http.Request, id int64, section string) {
	http.Redirect(w, r, "/people/"+strconv.FormatInt(id, 10)+"?saved=1#"+section, http.StatusSeeOther)
}

// householdJoin puts the person on the KK typed: a known KK is joined, a
// new one recorded with the village and address given.
func (s *Server) householdJoin(w http.ResponseWriter, r *http.Request) {
	reach, person, ok := s.personForExtra(w, r)
	if !ok {
		return
	}
	form := r.PostForm
	in := registry.HouseholdInput{KK: form.Get("kk"), Village: pickedRegion(form, "kk_village"), Address: form.Get("address"),
		Relation: form.Get("relation"), JoinedOn: form.Get("joined_on"), Move: form.Get("move") == "1"}
	_, err := s.people.JoinHousehold(r.Context(), actor(r), reach, person.ID, in)
	if s.extraFailed(w, r, reach, person, err, func(x *PersonExtra, fe FormErrors) {
		// The person is the page's own: a refusal about them (on another
		// KK) belongs to the choice of moving.
		if msg, ok := fe["person_id"]; ok {
			delete(fe, "person_id")
			if _, has := fe["move"]; !has {
				fe["move"] = msg
			}
		}
		x.Join = householdJoinForm{KK: in.KK, Address: in.Address, Relation: in.Relation, JoinedOn: in.JoinedOn, Move: in.Move, Errors: fe}
		village, _ := wilayah.ParseCode(in.Village)
		x.Picker = s.newPicker("kk_village", "field.kk_village", village, wilayah.Village)
		x.Picker.Error = fe["village"]
	}) {
		return
	}
	toSection(w, r, person.ID, "household")
}

// householdLeave closes the person's current membership.
func (s *Server) householdLeave(w http.ResponseWriter, r *http.Request) {
	reach, person, ok := s.personForExtra(w, r)
	if !ok {
		return
	}
	in := registry.LeaveInput{LeftOn: r.PostForm.Get("left_on")}
	_, err := s.people.LeaveHousehold(r.Context(), actor(r), reach, person.ID, in)
	if s.extraFailed(w, r, reach, person, err, func(x *PersonExtra, fe FormErrors) {
		x.Leave = householdLeaveForm{LeftOn: in.LeftOn, Errors: fe}
	}) {
		return
	}
	toSection(w, r, person.ID, "household")
}

// householdCorrect corrects the person's current KK: its number, village
// and address. The form names the household and the version it showed, so
// a household changed since (or left meanwhile) is not corrected blindly.
func (s *Server) householdCorrect(w http.ResponseWriter, r *http.Request) {
	reach, person, ok := s.personForExtra(w, r)
	if !ok {
		return
	}
	form := r.PostForm
	hid, _ := strconv.ParseInt(form.Get("household_id"), 10, 64)
	version, _ := strconv.Atoi(form.Get("version"))
	in := registry.HouseholdCorrection{KK: cleanText(form.Get("kk")), Village: cleanText(pickedRegion(form, "hh_village")),
		Address: cleanText(form.Get("address")), Version: version}
	_, err := s.people.CorrectHousehold(r.Context(), actor(r), reach, hid, in)
	if apperr.KindOf(err) == apperr.NotFound {
		s.fail(w, r, err)
		return
	}
	if s.extraFailed(w, r, reach, person, err, func(x *PersonExtra, fe FormErrors) {
		x.Correct = householdCorrectForm{ID: hid, Version: version, KK: in.KK, Address: in.Address, Errors: fe}
		village, _ := wilayah.ParseCode(in.Village)
		x.CorrectPicker = s.newPicker("hh_village", "field.kk_village", village, wilayah.Village)
		x.CorrectPicker.Error = fe["village"]
	}) {
		return
	}
	toSection(w, r, person.ID, "household")
}

// consentInputFromForm reads the consent form.
func consentInputFromForm(form url.Values) registry.ConsentInput {
	return registry.ConsentInput{Purpose: form.Get("purpose"), PurposeNote: form.Get("purpose_note"), Means: form.Get("means"),
		GivenOn: form.Get("given_on"), GuardianName: form.Get("guardian_name"), GuardianRelation: form.Get("guardian_relation"),
		CannotConsent: form.Get("cannot_consent") == "1", CannotConsentReason: form.Get("cannot_consent_reason")}
}

// consentRecord records a consent of the person.
func (s *Server) consentRecord(w http.ResponseWriter, r *http.Request) {
	reach, person, ok := s.personForExtra(w, r)
	if !ok {
		return
	}
	in := consentInputFromForm(r.PostForm)
	_, err := s.people.RecordConsent(r.Context(), actor(r), reach, person.ID, in)
	if s.extraFailed(w, r, reach, person, err, func(x *PersonExtra, fe FormErrors) {
		x.Record = consentForm{In: in, Errors: fe}
	}) {
		return
	}
	toSection(w, r, person.ID, "consent")
}

// consentWithdraw records the withdrawal of one of the person's consents.
func (s *Server) consentWithdraw(w http.ResponseWriter, r *http.Request) {
	cid, err := strconv.ParseInt(r.PathValue("cid"), 10, 64)
	if err != nil || cid <= 0 {
		s.fail(w, r, errNotFound)
		return
	}
	reach, person, ok := s.personForExtra(w, r)
	if !ok {
		return
	}
	in := registry.WithdrawInput{WithdrawnOn: r.PostForm.Get("withdrawn_on"), Note: r.PostForm.Get("note")}
	_, err = s.people.WithdrawConsent(r.Context(), actor(r), reach, person.ID, cid, in)
	if apperr.KindOf(err) == apperr.NotFound {
		s.fail(w, r, err)
		return
	}
	if s.extraFailed(w, r, reach, person, err, func(x *PersonExtra, fe FormErrors) {
		x.Withdraw = consentWithdrawForm{ID: cid, WithdrawnOn: in.WithdrawnOn, Note: in.Note, Errors: fe}
	}) {
		return
	}
	toSection(w, r, person.ID, "consent")
}

// The API.

// householdJSON fills in the text of a household's notes.
func (s *Server) householdJSON(r *http.Request, h registry.Household) registry.Household {
	h.Notes = nonNil(s.translate(r, h.Notes))
	return h
}

// personHouseholdJSON is the answer of GET /api/v1/people/{id}/household.
func (s *Server) personHouseholdJSON(r *http.Request, ph registry.PersonHousehold) registry.PersonHousehold {
	if ph.Current != nil {
		h := s.householdJSON(r, *ph.Current)
		ph.Current = &h
	}
	ph.Past = nonNil(ph.Past)
	return ph
}

// apiReachID reads the {id} of the path and the caller's reach.
func (s *Server) apiReachID(w http.ResponseWriter, r *http.Request) (registry.Reach, int64, bool) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return registry.Reach{}, 0, false
	}
	reach, err := s.reach(r)
	if err != nil {
		s.fail(w, r, err)
		return registry.Reach{}, 0, false
	}
	return reach, id, true
}

func (s *Server) apiPersonHousehold(w http.ResponseWriter, r *http.Request) {
	reach, id, ok := s.apiReachID(w, r)
	if !ok {
		return
	}
	ph, err := s.people.PersonHousehold(r.Context(), reach, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.personHouseholdJSON(r, ph))
}

func (s *Server) apiHousehold(w http.ResponseWriter, r *http.Request) {
	reach, id, ok := s.apiReachID(w, r)
	if !ok {
		return
	}
	h, err := s.people.Household(r.Context(), reach, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.householdJSON(r, h))
}

func (s *Server) apiHouseholdCreate(w http.ResponseWriter, r *http.Request) {
	var in registry.HouseholdInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	reach, err := s.reach(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h, err := s.people.CreateHousehold(r.Context(), actor(r), reach, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/households/"+strconv.FormatInt(h.ID, 10))
	writeJSON(w, http.StatusCreated, s.householdJSON(r, h))
}

// apiHouseholdUpdate applies a PATCH of a household's KK number, village
// and address: fields left out keep their value; version is required so
// that a stale correction is refused with 409.
func (s *Server) apiHouseholdUpdate(w http.ResponseWriter, r *http.Request) {
	reach, id, ok := s.apiReachID(w, r)
	if !ok {
		return
	}
	cur, err := s.people.Household(r.Context(), reach, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := registry.HouseholdCorrection{KK: string(cur.KK), Village: string(cur.Village), Address: cur.Address}
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	h, err := s.people.CorrectHousehold(r.Context(), actor(r), reach, id, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.householdJSON(r, h))
}

func (s *Server) apiHouseholdAddMember(w http.ResponseWriter, r *http.Request) {
	reach, id, ok := s.apiReachID(w, r)
	if !ok {
		return
	}
	var in registry.MemberInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	h, err := s.people.AddMember(r.Context(), actor(r), reach, id, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.householdJSON(r, h))
}

func (s *Server) apiHouseholdLeave(w http.ResponseWriter, r *http.Request) {
	reach, id, ok := s.apiReachID(w, r)
	if !ok {
		return
	}
	var in registry.LeaveInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	h, err := s.people.LeaveHousehold(r.Context(), actor(r), reach, id, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.householdJSON(r, h))
}

// consentList is the answer of GET /api/v1/people/{id}/consents.
type consentList struct {
	PersonID int64                 `json:"person_id"`
	Status   registry.ConsentState `json:"status"`
	Missing  []registry.Purpose    `json:"missing"`
	Items    []registry.Consent    `json:"items"`
}

func (s *Server) apiConsents(w http.ResponseWriter, r *http.Request) {
	reach, id, ok := s.apiReachID(w, r)
	if !ok {
		return
	}
	pc, err := s.people.ConsentOf(r.Context(), reach, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, consentList{PersonID: id, Status: pc.State, Missing: nonNil(pc.Missing), Items: nonNil(pc.Consents)})
}

func (s *Server) apiConsentRecord(w http.ResponseWriter, r *http.Request) {
	reach, id, ok := s.apiReachID(w, r)
	if !ok {
		return
	}
	var in registry.ConsentInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.people.RecordConsent(r.Context(), actor(r), reach, id, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

func (s *Server) apiConsentWithdraw(w http.ResponseWriter, r *http.Request) {
	reach, id, ok := s.apiReachID(w, r)
	if !ok {
		return
	}
	var in registry.WithdrawInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.people.WithdrawConsent(r.Context(), actor(r), reach, 0, id, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

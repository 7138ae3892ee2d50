package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/registry"
	"github.com/layan-id/layan/internal/unit"
	"github.com/layan-id/layan/internal/wilayah"
)

type unitsPage struct {
	Base
	Units   []unit.Unit
	Pager   Pager
	Query   string
	Type    string
	Types   []unit.Type
	ix      *wilayah.Index
	Created bool
}

// RegionName names a unit's region with its ancestors.
func (p *unitsPage) RegionName(c wilayah.Code) string { return pathText(p.ix, c) }

func unitFilter(r *http.Request) unit.Filter {
	q := r.URL.Query()
	f := unit.Filter{Query: q.Get("q"), Type: unit.Type(q.Get("type")), Page: queryInt(r, "page", 1), Size: queryInt(r, "size", 25)}
	if !f.Type.Valid() {
		f.Type = ""
	}
	if c, err := wilayah.ParseCode(q.Get("region")); err == nil {
		f.Within = c
	}
	return f
}

func (s *Server) unitsPage(w http.ResponseWriter, r *http.Request) {
	f := unitFilter(r)
	units, total, err := unit.List(r.Context(), s.db, scope(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &unitsPage{Base: Base{Title: "units.title"}, Units: units, Query: f.Query, Type: string(f.Type),
		Types: unit.Types, ix: s.regions, Pager: listPager(f.Page, f.Size, total, f.Query, "type", string(f.Type))}
	s.render(w, r, http.StatusOK, "units", p)
}

type unitPage struct {
	Base
	Unit     unit.Unit
	Region   string
	Coverage []string
	Saved    bool
}

func (s *Server) unitPage(w http.ResponseWriter, r *http.Request) {
	u, ok := s.scopedUnit(w, r)
	if !ok {
		return
	}
	p := &unitPage{Base: Base{Title: "units.detail"}, Unit: u, Region: pathText(s.regions, u.Region), Saved: r.URL.Query().Get("saved") == "1"}
	for _, c := range u.Coverage {
		reg, _ := s.regions.Get(c)
		p.Coverage = append(p.Coverage, reg.Name)
	}
	s.render(w, r, http.StatusOK, "unit", p)
}

type unitForm struct {
	Base
	ID        int64
	In        unit.Input
	Types     []unit.Type
	Provinces []wilayah.Region
	Picker    RegionPicker
	Errors    FormErrors
	Active    bool
}

// Covers reports whether the form has province c in the coverage.
func (f *unitForm) Covers(c wilayah.Code) bool {
	for _, x := range f.In.Coverage {
		if x == c {
			return true
		}
	}
	return false
}

func (s *Server) newUnitForm(id int64, in unit.Input, active bool) *unitForm {
	title := "units.new"
	if id != 0 {
		title = "units.edit"
	}
	return &unitForm{Base: Base{Title: title}, ID: id, In: in, Types: unit.Types, Active: active,
		Provinces: s.regions.Children(""), Picker: s.newPicker("region", "field.region", in.Region, wilayah.Village)}
}

func (s *Server) unitNewForm(w http.ResponseWriter, r *http.Request) {
	in := unit.Input{Type: unit.DinsosKabKota}
	// A regional admin starts in their own region.
	in.Region = scope(r).Region
	s.render(w, r, http.StatusOK, "unit_form", s.newUnitForm(0, in, true))
}

func (s *Server) unitEditForm(w http.ResponseWriter, r *http.Request) {
	u, ok := s.scopedUnit(w, r)
	if !ok {
		return
	}
	in := unitInput(u)
	in.Version = u.Version
	s.render(w, r, http.StatusOK, "unit_form", s.newUnitForm(u.ID, in, u.Active))
}

// unitInputFromForm reads a unit form; a malformed region code stays as
// typed so that validation names it.
func unitInputFromForm(form url.Values) unit.Input {
	in := unit.Input{Type: unit.Type(form.Get("type")), Name: form.Get("name"), Address: form.Get("address"),
		Phone: form.Get("phone")}
	in.Region = codeOrRaw(pickedRegion(form, "region"))
	for _, c := range form["coverage"] {
		in.Coverage = append(in.Coverage, codeOrRaw(c))
	}
	in.Version, _ = strconv.Atoi(form.Get("version"))
	if v := form.Get("active"); v != "" {
		active := v == "1"
		in.Active = &active
	}
	return in
}

func codeOrRaw(s string) wilayah.Code {
	if c, err := wilayah.ParseCode(s); err == nil {
		return c
	}
	return wilayah.Code(s)
}

func (s *Server) unitCreate(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	in := unitInputFromForm(r.PostForm)
	u, err := unit.Create(r.Context(), s.db, s.regions, actor(r), scope(r), in)
	if fe, status, ok := s.formFailure(r, err); ok {
		f := s.newUnitForm(0, in, true)
		f.Errors, f.Picker.Error = fe, fe["region"]
		s.render(w, r, status, "unit_form", f)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/units/"+strconv.FormatInt(u.ID, 10)+"?saved=1", http.StatusSeeOther)
}

func (s *Server) unitUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idAndForm(w, r)
	if !ok {
		return
	}
	in := unitInputFromForm(r.PostForm)
	u, err := unit.Update(r.Context(), s.db, s.regions, actor(r), scope(r), id, in, relinkPeople)
	if fe, status, ok := s.formFailure(r, err); ok {
		f := s.newUnitForm(id, in, in.Active == nil || *in.Active)
		f.Errors, f.Picker.Error = fe, fe["region"]
		s.render(w, r, status, "unit_form", f)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/units/"+strconv.FormatInt(u.ID, 10)+"?saved=1", http.StatusSeeOther)
}

// Unit API.

type unitList struct {
	Items []unit.Unit `json:"items"`
	Total int         `json:"total"`
	Page  int         `json:"page"`
	Size  int         `json:"size"`
}

func (s *Server) apiUnits(w http.ResponseWriter, r *http.Request) {
	if _, err := parseCodeParam(r, "region"); err != nil {
		s.fail(w, r, err)
		return
	}
	if t := r.URL.Query().Get("type"); t != "" && !unit.Type(t).Valid() {
		e := apperr.BadParam("type", "unit.type_unknown")
		s.fail(w, r, e)
		return
	}
	f := unitFilter(r)
	units, total, err := unit.List(r.Context(), s.db, scope(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	size := f.Size
	if size <= 0 || size > 100 {
		size = 25
	}
	writeJSON(w, http.StatusOK, unitList{Items: nonNil(units), Total: total, Page: max(f.Page, 1), Size: size})
}

func (s *Server) apiUnit(w http.ResponseWriter, r *http.Request) {
	u, ok := s.scopedUnit(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, u)
}

func (s *Server) apiUnitCreate(w http.ResponseWriter, r *http.Request) {
	var in unit.Input
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	canonicalCodes(&in)
	u, err := unit.Create(r.Context(), s.db, s.regions, actor(r), scope(r), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/units/"+strconv.FormatInt(u.ID, 10))
	writeJSON(w, http.StatusCreated, u)
}

// canonicalCodes turns the region codes of a JSON body into their dotted
// form, as the form handlers and the users API do, so that "3373" is Kota
// Salatiga here too; a malformed code stays as typed for Validate to name.
func canonicalCodes(in *unit.Input) {
	in.Region = codeOrRaw(string(in.Region))
	for i, c := range in.Coverage {
		in.Coverage[i] = codeOrRaw(string(c))
	}
}

// apiUnitUpdate applies a PATCH: fields left out keep their value; version
// is required so that a stale edit is refused with 409.
func (s *Server) apiUnitUpdate(w http.ResponseWriter, r *http.Request) {
	cur, ok := s.scopedUnit(w, r)
	if !ok {
		return
	}
	in := unitInput(cur)
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	canonicalCodes(&in)
	if in.Version == 0 {
		var f apperr.Fields
		f.Add("version", "field.required")
		s.fail(w, r, f.Err())
		return
	}
	u, err := unit.Update(r.Context(), s.db, s.regions, actor(r), scope(r), cur.ID, in, relinkPeople)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}

// scopedUnit reads the unit of a route's {id} inside the caller's scope,
// failing the request (and returning false) when it cannot be had.
func (s *Server) scopedUnit(w http.ResponseWriter, r *http.Request) (unit.Unit, bool) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return unit.Unit{}, false
	}
	u, err := unit.Get(r.Context(), s.db, scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return unit.Unit{}, false
	}
	return u, true
}

// unitInput is a unit's editable fields, the starting point of an edit.
func unitInput(u unit.Unit) unit.Input {
	return unit.Input{Type: u.Type, Name: u.Name, Region: u.Region, Address: u.Address, Phone: u.Phone,
		Coverage: u.Coverage}
}

// relinkPeople keeps the people a unit reaches by link right when its area
// changes (registry.RelinkUnit), in the unit's own transaction.
func relinkPeople(ctx context.Context, tx *db.Tx, id int64) error {
	return registry.RelinkUnit(ctx, tx, id)
}

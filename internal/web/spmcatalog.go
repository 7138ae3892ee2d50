package web

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/spm"
)

// The SPM catalog (issue 6 point 1): the versions of the standard goods and
// services per jenis pelayanan dasar, under /api/v1/spm/catalogs and on the
// page /spm/catalog. The catalog store (spm.Catalogs) decides who reads
// (the SPM roles) and who changes (an admin of the whole deployment), and
// refuses a change to a version that is not a draft; these handlers decode
// and render.

// catalogList is the answer of GET /api/v1/spm/catalogs.
type catalogList struct {
	Items []spm.Catalog `json:"items"`
}

func (s *Server) apiCatalogs(w http.ResponseWriter, r *http.Request) {
	list, err := s.spmCat.List(r.Context(), caseUser(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, catalogList{Items: list})
}

func (s *Server) apiCatalog(w http.ResponseWriter, r *http.Request) {
	readByID(s, w, r, s.spmCat.Get, nil)
}

func (s *Server) apiCatalogCopy(w http.ResponseWriter, r *http.Request) {
	var in spm.CatalogCopyInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.spmCat.Copy(r.Context(), actor(r), caseUser(r), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/spm/catalogs/"+strconv.FormatInt(c.ID, 10))
	writeJSON(w, http.StatusCreated, c)
}

func (s *Server) apiCatalogJenis(w http.ResponseWriter, r *http.Request) {
	var in spm.CatalogJenisInput
	id, ok := s.versionedWrite(w, r, &in, &in.Version, nil)
	if !ok {
		return
	}
	c, err := s.spmCat.EditJenis(r.Context(), actor(r), caseUser(r), id, spm.Jenis(r.PathValue("jenis")), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// catalogActivateBody is the body of POST /api/v1/spm/catalogs/{id}/activate.
type catalogActivateBody struct {
	Version int `json:"version"`
}

func (s *Server) apiCatalogActivate(w http.ResponseWriter, r *http.Request) {
	var body catalogActivateBody
	id, ok := s.versionedWrite(w, r, &body, &body.Version, nil)
	if !ok {
		return
	}
	c, err := s.spmCat.Activate(r.Context(), actor(r), caseUser(r), id, body.Version)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// The page.

// catalogPage is "Katalog SPM": the versions, one version's ten jenis with
// their items, and for an admin of the whole deployment the forms that
// copy a version, edit a draft's jenis and activate a draft.
type catalogPage struct {
	Base
	Versions []spm.Catalog
	C        *spm.Catalog // the version shown; nil when there is none
	Manage   bool
	Levels   []catalogLevel
	Copy     catalogCopyForm
	// Edit is the open form of one jenis of a draft, nil when none is.
	Edit *catalogJenisForm
	// Refused says why an activation was refused.
	Refused []string
}

// catalogLevel is the jenis a level owes, as the version shown says them.
type catalogLevel struct {
	Level spm.Level
	Key   string // catalog key of the level's heading
	Jenis []spm.CatalogJenis
}

type catalogCopyForm struct {
	From, Name, Regulation, ValidFrom, Note string
	Errors                                  FormErrors
	Failed                                  bool
}

type catalogJenisForm struct {
	Jenis                  spm.Jenis
	Version                int
	Name, Penerima, Source string
	Rows                   []catalogRow
	Errors                 FormErrors
	Failed                 bool
}

// catalogRow is one item of the jenis form, numbered from 1.
type catalogRow struct {
	N                           int
	Code, Name, UnitLabel, Note string
	Errors                      FormErrors
}

// emptyCatalogRows are the blank rows a jenis form offers for new items.
const emptyCatalogRows = 3

// StatusName names a version's status.
func (p *catalogPage) StatusName(st spm.CatalogStatus) string {
	return p.T("spmcatalog.status." + string(st))
}

// StatusClass is the tag class of a status: the version in force stands out.
func (p *catalogPage) StatusClass(st spm.CatalogStatus) string {
	if st == spm.CatalogActive {
		return "tag ok"
	}
	return "tag"
}

// Shown reports whether version id is the one shown.
func (p *catalogPage) Shown(id int64) bool { return p.C != nil && p.C.ID == id }

// IsDraft reports whether the version shown is a draft.
func (p *catalogPage) IsDraft() bool { return p.C != nil && p.C.Status == spm.CatalogDraft }

// CanEdit reports whether the signed-in admin may change the version shown.
func (p *catalogPage) CanEdit() bool { return p.Manage && p.IsDraft() }

// Editing reports whether jenis j has its form open.
func (p *catalogPage) Editing(j spm.Jenis) bool { return p.Edit != nil && p.Edit.Jenis == j }

// Day writes a YYYY-MM-DD day as the page shows days.
func (p *catalogPage) Day(s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return d.Format("02-01-2006")
}

// When writes a moment that may be unset.
func (p *catalogPage) When(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return p.Date(*t)
}

// VersionName names a version of the list by id.
func (p *catalogPage) VersionName(id *int64) string {
	if id == nil {
		return "—"
	}
	for _, v := range p.Versions {
		if v.ID == *id {
			return v.Name
		}
	}
	return "#" + strconv.FormatInt(*id, 10)
}

// Unconfirmed reports whether an item's note marks it not confirmed (✘),
// and NoteRest is the note without the mark: the page shows a tag instead.
func (p *catalogPage) Unconfirmed(note string) bool { return strings.HasPrefix(note, spm.NotConfirmed) }

func (p *catalogPage) NoteRest(note string) string {
	return strings.TrimSpace(strings.TrimPrefix(note, spm.NotConfirmed))
}

// FromChosen reports whether version id is the copy form's source.
func (p *catalogPage) FromChosen(id int64) bool { return p.Copy.From == strconv.FormatInt(id, 10) }

// catalogPageFor prepares the page showing version id (0: the one in force,
// or none when there is no version at all).
func (s *Server) catalogPageFor(r *http.Request, id int64) (*catalogPage, error) {
	u := caseUser(r)
	p := &catalogPage{Base: Base{Title: "spmcatalog.title"}, Manage: spm.ManagesCatalog(u)}
	var err error
	if p.Versions, err = s.spmCat.List(r.Context(), u); err != nil {
		return nil, err
	}
	if id == 0 {
		for _, v := range p.Versions {
			if v.Status == spm.CatalogActive {
				id = v.ID
			}
		}
	}
	if id != 0 {
		c, err := s.spmCat.Get(r.Context(), u, id)
		if err != nil {
			return nil, err
		}
		p.C = &c
		for _, l := range []struct {
			level spm.Level
			key   string
		}{{spm.Provinsi, "spmcatalog.level.provinsi"}, {spm.KabKota, "spmcatalog.level.kabkota"}} {
			lv := catalogLevel{Level: l.level, Key: l.key}
			for _, cj := range c.Jenis {
				if cj.Level == l.level {
					lv.Jenis = append(lv.Jenis, cj)
				}
			}
			p.Levels = append(p.Levels, lv)
		}
		p.Copy.From = strconv.FormatInt(c.ID, 10)
	}
	return p, nil
}

// catalogJenisFormOf is the form of jenis j as the version says it.
func catalogJenisFormOf(c *spm.Catalog, j spm.Jenis) *catalogJenisForm {
	in := c.InputOf(j)
	f := &catalogJenisForm{Jenis: j, Version: in.Version, Name: in.Name, Penerima: in.Penerima, Source: in.Source}
	for _, it := range in.Items {
		f.Rows = append(f.Rows, catalogRow{Code: it.Code, Name: it.Name, UnitLabel: it.UnitLabel, Note: it.Note})
	}
	f.Rows = numberedRows(f.Rows, emptyCatalogRows, (*catalogRow).number)
	return f
}

// number is the row's place in the form, for numberedRows.
func (r *catalogRow) number() *int { return &r.N }

func (s *Server) catalogPageHandler(w http.ResponseWriter, r *http.Request) {
	p, err := s.catalogPageFor(r, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "spm_catalog", p)
}

// catalogVersionPage shows one version; ?edit=JENIS opens that jenis's
// form when the version is a draft the admin may change.
func (s *Server) catalogVersionPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	edit := spm.Jenis(r.URL.Query().Get("edit"))
	if _, ok := spm.ServiceOf(edit); edit != "" && !ok {
		s.fail(w, r, apperr.BadParam("edit", "spmcatalog.jenis_not_found"))
		return
	}
	p, err := s.catalogPageFor(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if edit != "" && p.CanEdit() {
		p.Edit = catalogJenisFormOf(p.C, edit)
	}
	s.render(w, r, http.StatusOK, "spm_catalog", p)
}

// catalogFailed re-renders the page of version id after a refused change:
// with the form as sent and its errors when the values broke a rule (422),
// or with the reason when the version moved on or is no draft (409). Any
// other error fails the request.
func (s *Server) catalogFailed(w http.ResponseWriter, r *http.Request, id int64, err error, keep func(p *catalogPage, fe FormErrors)) {
	fe, status := s.formErrors(r, err), http.StatusUnprocessableEntity
	if fe == nil {
		ae := apperr.As(err)
		if ae == nil || ae.Kind != apperr.Conflict {
			s.fail(w, r, err)
			return
		}
		fe, status = FormErrors{"_": s.cat.T(state(r).lang, ae.Key, ae.Args...)}, http.StatusConflict
	}
	p, perr := s.catalogPageFor(r, id)
	if apperr.KindOf(perr) == apperr.NotFound && id != 0 {
		// A copy of a version that does not exist: the form comes back
		// beside the version in force.
		p, perr = s.catalogPageFor(r, 0)
	}
	if perr != nil {
		s.fail(w, r, perr)
		return
	}
	keep(p, fe)
	s.render(w, r, status, "spm_catalog", p)
}

func (s *Server) catalogCopy(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	form := catalogCopyForm{From: strings.TrimSpace(f.Get("from")), Name: f.Get("name"), Regulation: f.Get("regulation"),
		ValidFrom: f.Get("valid_from"), Note: f.Get("note")}
	in := spm.CatalogCopyInput{Name: form.Name, Regulation: form.Regulation, ValidFrom: form.ValidFrom, Note: form.Note}
	in.From = formID(form.From)
	c, err := s.spmCat.Copy(r.Context(), actor(r), caseUser(r), in)
	if err != nil {
		s.catalogFailed(w, r, max(in.From, 0), err, func(p *catalogPage, fe FormErrors) {
			p.Copy, p.Copy.Errors, p.Copy.Failed = form, fe, true
		})
		return
	}
	http.Redirect(w, r, "/spm/catalog/"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
}

// maxCatalogRows bounds the rows a jenis form is read for: the store takes
// spm.MaxCatalogItems, and the form adds its blank rows.
const maxCatalogRows = spm.MaxCatalogItems + emptyCatalogRows

// catalogJenisFromForm reads the jenis form. Its rows are items.N.FIELD; a
// row left blank is dropped (that is how an item is removed), and the
// others are kept in their order, so that the store's items.I are the rows
// the form shows again.
func catalogJenisFromForm(f url.Values) (spm.CatalogJenisInput, []catalogRow) {
	in := spm.CatalogJenisInput{Name: f.Get("name"), Penerima: f.Get("penerima"), Source: f.Get("source"),
		Items: []spm.CatalogItemInput{}}
	in.Version, _ = strconv.Atoi(f.Get("version"))
	var rows []catalogRow
	for _, get := range formRows(f, "items.", maxCatalogRows) {
		row := catalogRow{Code: get("code"), Name: get("name"), UnitLabel: get("unit_label"), Note: get("note")}
		if row.Code+row.Name+row.UnitLabel+row.Note == "" {
			continue
		}
		in.Items = append(in.Items, spm.CatalogItemInput{Code: row.Code, Name: row.Name, UnitLabel: row.UnitLabel, Note: row.Note})
		rows = append(rows, row)
	}
	return in, rows
}

// spread puts the store's errors on the form: items.I.FIELD under row I,
// the rest on the form.
func (f *catalogJenisForm) spread(fe FormErrors) {
	f.Errors = FormErrors{}
	for k, msg := range fe {
		rest, ok := strings.CutPrefix(k, "items.")
		if !ok {
			f.Errors[k] = msg
			continue
		}
		n, field, _ := strings.Cut(rest, ".")
		i, err := strconv.Atoi(n)
		if err != nil || i < 0 || i >= len(f.Rows) {
			f.Errors["items"] = msg
			continue
		}
		if f.Rows[i].Errors == nil {
			f.Rows[i].Errors = FormErrors{}
		}
		f.Rows[i].Errors[field] = msg
	}
}

func (s *Server) catalogJenis(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idAndForm(w, r)
	if !ok {
		return
	}
	j := spm.Jenis(r.PathValue("jenis"))
	in, rows := catalogJenisFromForm(r.PostForm)
	var err error
	if in.Version < 1 {
		// Without the version the change would not be checked against the
		// draft the admin saw.
		err = apperr.New(apperr.Conflict, "error.stale_version")
	} else {
		_, err = s.spmCat.EditJenis(r.Context(), actor(r), caseUser(r), id, j, in)
	}
	if err != nil {
		if apperr.KindOf(err) == apperr.NotFound {
			s.fail(w, r, err)
			return
		}
		s.catalogFailed(w, r, id, err, func(p *catalogPage, fe FormErrors) {
			f := &catalogJenisForm{Jenis: j, Version: in.Version, Name: in.Name, Penerima: in.Penerima, Source: in.Source,
				Rows: numberedRows(rows, emptyCatalogRows, (*catalogRow).number), Failed: true}
			f.spread(fe)
			p.Edit = f
		})
		return
	}
	http.Redirect(w, r, "/spm/catalog/"+strconv.FormatInt(id, 10)+"#jenis-"+string(j), http.StatusSeeOther)
}

func (s *Server) catalogActivate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idAndForm(w, r)
	if !ok {
		return
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	var err error
	if version < 1 {
		err = apperr.New(apperr.Conflict, "error.stale_version")
	} else {
		_, err = s.spmCat.Activate(r.Context(), actor(r), caseUser(r), id, version)
	}
	if err != nil {
		s.catalogFailed(w, r, id, err, func(p *catalogPage, fe FormErrors) {
			for _, k := range slices.Sorted(maps.Keys(fe)) {
				// spm.CheckCatalog names the jenis a fault is in: jenis.J….
				msg := fe[k]
				if rest, ok := strings.CutPrefix(k, "jenis."); ok {
					j, _, _ := strings.Cut(rest, ".")
					if svc, ok := spm.ServiceOf(spm.Jenis(j)); ok {
						msg = svc.Name + ": " + msg
					}
				}
				p.Refused = append(p.Refused, msg)
			}
		})
		return
	}
	http.Redirect(w, r, "/spm/catalog/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

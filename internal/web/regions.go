package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/wilayah"
)

// levelKeys are the catalog keys of the four region levels.
var levelKeys = map[wilayah.Level]string{
	wilayah.Province: "region.level.province",
	wilayah.Regency:  "region.level.regency",
	wilayah.District: "region.level.district",
	wilayah.Village:  "region.level.village",
}

var levels = []wilayah.Level{wilayah.Province, wilayah.Regency, wilayah.District, wilayah.Village}

// levelCounts counts the regions of each level in the whole list.
func (s *Server) levelCounts() []levelCount {
	return s.levelCountsWithin("")
}

// levelCountsWithin counts the regions of each level below code (all when
// code is empty).
func (s *Server) levelCountsWithin(code wilayah.Code) []levelCount {
	var out []levelCount
	for _, l := range levels {
		if code != "" && l <= code.Level() {
			continue
		}
		out = append(out, levelCount{Key: levelKeys[l], N: s.regions.CountWithin(code, l)})
	}
	return out
}

// parseCodeParam reads a region code from a query parameter; empty is
// allowed, malformed is a field error naming the parameter.
func parseCodeParam(r *http.Request, name string) (wilayah.Code, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return "", nil
	}
	c, err := wilayah.ParseCode(v)
	if err != nil {
		e := apperr.BadParam(name, "region.code_format")
		return "", e
	}
	return c, nil
}

// knownRegion is parseCodeParam plus a check that the code exists.
func (s *Server) knownRegion(r *http.Request, name string) (wilayah.Code, error) {
	c, err := parseCodeParam(r, name)
	if err != nil || c == "" {
		return c, err
	}
	if _, ok := s.regions.Get(c); !ok {
		return "", apperr.New(apperr.NotFound, "region.unknown", string(c))
	}
	return c, nil
}

type regionsPage struct {
	Base
	Current   *wilayah.Region
	Ancestors []wilayah.Region
	Children  []wilayah.Region
	Counts    []levelCount
	Query     string
	Results   []wilayah.Region
	Source    wilayah.Source
	ix        *wilayah.Index
}

func (s *Server) regionsPage(w http.ResponseWriter, r *http.Request) {
	code, err := s.knownRegion(r, "code")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &regionsPage{Base: Base{Title: "regions.title"}, Query: r.URL.Query().Get("q"), Source: s.regions.Source(), ix: s.regions}
	if code != "" {
		reg, _ := s.regions.Get(code)
		p.Current = &reg
		p.Ancestors = s.regions.Path(code)
		p.Ancestors = p.Ancestors[:len(p.Ancestors)-1]
	}
	p.Children = s.regions.Children(code)
	p.Counts = s.levelCountsWithin(code)
	if p.Query != "" {
		p.Results = s.regions.Search(p.Query, code, 0, 20)
	}
	if isHTMX(r) && r.Header.Get("HX-Target") == "region-results" {
		s.renderBlock(w, r, http.StatusOK, "regions", "results", p)
		return
	}
	s.render(w, r, http.StatusOK, "regions", p)
}

// RegionPicker is the region field of a form: one select per level, each
// narrowing the next, and a typeahead over names.
type RegionPicker struct {
	Field    string // form field name
	Label    string // catalog key
	Selected wilayah.Code
	MaxLevel wilayah.Level
	Levels   []pickerLevel
	Error    string
	Hint     string // catalog key, optional
}

type pickerLevel struct {
	Level   wilayah.Level
	Key     string
	Options []wilayah.Region
	Value   wilayah.Code
}

// Name is the form name of one level's select.
func (l pickerLevel) Name(field string) string { return field + "_" + strconv.Itoa(int(l.Level)) }

// newPicker builds a picker showing the path to selected and the choices of
// the next level.
func (s *Server) newPicker(field, label string, selected wilayah.Code, max wilayah.Level) RegionPicker {
	if max == 0 {
		max = wilayah.Village
	}
	p := RegionPicker{Field: field, Label: label, Selected: selected, MaxLevel: max}
	path := s.regions.Path(selected)
	parent := wilayah.Code("")
	for _, l := range levels {
		if l > max {
			break
		}
		pl := pickerLevel{Level: l, Key: levelKeys[l], Options: s.regions.Children(parent)}
		if int(l) <= len(path) {
			pl.Value = path[l-1].Code
		}
		p.Levels = append(p.Levels, pl)
		if pl.Value == "" {
			break
		}
		parent = pl.Value
	}
	return p
}

// pickedRegion reads a picker's value from a submitted form: the deepest
// level chosen, or the hidden field set by the typeahead.
func pickedRegion(form url.Values, field string) string {
	for l := wilayah.Village; l >= wilayah.Province; l-- {
		if v := form.Get(field + "_" + strconv.Itoa(int(l))); v != "" {
			return v
		}
	}
	return form.Get(field)
}

type pickerFragment struct {
	Base
	Picker RegionPicker
}

// regionPicker re-renders a picker after a choice (htmx). When a level
// changes, the levels below it are cleared.
func (s *Server) regionPicker(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	field := q.Get("field")
	if !validFieldName(field) {
		s.fail(w, r, apperr.New(apperr.BadRequest, "error.bad_request"))
		return
	}
	max, _ := strconv.Atoi(q.Get("max"))
	raw := q.Get("code")
	if raw == "" {
		changed, _ := strconv.Atoi(q.Get("changed"))
		for l := changed; l >= 1; l-- {
			if v := q.Get(field + "_" + strconv.Itoa(l)); v != "" {
				raw = v
				break
			}
		}
	}
	var code wilayah.Code
	if raw != "" {
		c, err := wilayah.ParseCode(raw)
		if _, ok := s.regions.Get(c); err != nil || !ok {
			s.fail(w, r, apperr.New(apperr.NotFound, "region.unknown", raw))
			return
		}
		code = c
	}
	if max >= 1 && max <= 4 && code.Level() > wilayah.Level(max) {
		code = code.Parent()
	}
	p := &pickerFragment{Picker: s.newPicker(field, q.Get("label"), code, wilayah.Level(max))}
	if p.Picker.Label == "" || !s.cat.Has(state(r).lang, p.Picker.Label) {
		p.Picker.Label = "field.region"
	}
	s.renderBlock(w, r, http.StatusOK, "picker", "content", p)
}

type suggestFragment struct {
	Base
	Field   string
	Max     int
	Label   string
	Results []wilayah.Region
	ix      *wilayah.Index
}

// PathText names a region with its ancestors ("Kecandran, Sidomukti, …").
func (p *suggestFragment) PathText(c wilayah.Code) string { return pathText(p.ix, c) }

// PathText names a region with its ancestors, for search results.
func (p *regionsPage) PathText(c wilayah.Code) string { return pathText(p.ix, c) }

func pathText(ix *wilayah.Index, c wilayah.Code) string {
	path := ix.Path(c)
	out := ""
	for i := len(path) - 1; i >= 0; i-- {
		if out != "" {
			out += ", "
		}
		out += path[i].Name
	}
	return out
}

// regionSuggest answers the picker's typeahead with at most 10 regions.
func (s *Server) regionSuggest(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	field := q.Get("field")
	if !validFieldName(field) {
		s.fail(w, r, apperr.New(apperr.BadRequest, "error.bad_request"))
		return
	}
	max, _ := strconv.Atoi(q.Get("max"))
	if max < 1 || max > 4 {
		max = 4
	}
	p := &suggestFragment{Field: field, Max: max, Label: q.Get("label"), ix: s.regions}
	// The picker's search box is named FIELD_q (so that it never collides
	// with a form's own fields), and htmx sends it under that name.
	text := q.Get(field + "_q")
	if text == "" {
		text = q.Get("q")
	}
	for _, reg := range s.regions.Search(text, "", 0, 20) {
		if reg.Level <= wilayah.Level(max) && len(p.Results) < 10 {
			p.Results = append(p.Results, reg)
		}
	}
	s.renderBlock(w, r, http.StatusOK, "picker", "regionSuggest", p)
}

func validFieldName(s string) bool {
	if s == "" || len(s) > 30 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c == '_') {
			return false
		}
	}
	return true
}

// Region API.

type regionList struct {
	Items []wilayah.Region `json:"items"`
	Total int              `json:"total"`
	Page  int              `json:"page"`
	Size  int              `json:"size"`
}

func (s *Server) apiRegions(w http.ResponseWriter, r *http.Request) {
	parent, err := s.knownRegion(r, "parent")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	all := s.regions.Children(parent)
	page, size := queryInt(r, "page", 1), queryInt(r, "size", 100)
	if size > 1000 {
		size = 1000
	}
	lo := (page - 1) * size
	if lo > len(all) {
		lo = len(all)
	}
	hi := min(lo+size, len(all))
	writeJSON(w, http.StatusOK, regionList{Items: nonNil(all[lo:hi]), Total: len(all), Page: page, Size: size})
}

func (s *Server) apiRegion(w http.ResponseWriter, r *http.Request) {
	c, err := wilayah.ParseCode(r.PathValue("code"))
	if err != nil {
		e := apperr.BadParam("code", "region.code_format")
		s.fail(w, r, e)
		return
	}
	reg, ok := s.regions.Get(c)
	if !ok {
		s.fail(w, r, apperr.New(apperr.NotFound, "region.unknown", string(c)))
		return
	}
	writeJSON(w, http.StatusOK, reg)
}

func (s *Server) apiRegionSearch(w http.ResponseWriter, r *http.Request) {
	within, err := s.knownRegion(r, "within")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var level wilayah.Level
	if v := r.URL.Query().Get("level"); v != "" {
		if level, err = wilayah.ParseLevel(v); err != nil {
			e := apperr.BadParam("level", "region.level_unknown")
			s.fail(w, r, e)
			return
		}
	}
	limit := queryInt(r, "limit", 10)
	if limit > 50 {
		limit = 50
	}
	items := s.regions.Search(r.URL.Query().Get("q"), within, level, limit)
	writeJSON(w, http.StatusOK, regionList{Items: nonNil(items), Total: len(items), Page: 1, Size: limit})
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

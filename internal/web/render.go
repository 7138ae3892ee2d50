package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/i18n"
	"github.com/layan-id/layan/internal/wilayah"
)

//go:embed templates/*.html
var templateFiles embed.FS

// Base is embedded in every page struct: what the layout needs.
type Base struct {
	Lang      i18n.Lang
	User      *access.User
	Path      string
	URI       string // path and query, to come back to after switching language
	RequestID string
	Title     string // a catalog key
	cat       *i18n.Catalog
}

func (b *Base) base() *Base { return b }

// T translates a catalog key into the page's language.
func (b *Base) T(key string, args ...any) string { return b.cat.T(b.Lang, key, args...) }

// N translates a counted message.
func (b *Base) N(key string, n int, args ...any) string { return b.cat.N(b.Lang, key, n, args...) }

// Can reports whether the signed-in user holds a permission (to show links;
// the server enforces it again on every route).
func (b *Base) Can(perm string) bool {
	return b.User != nil && b.User.Role.Can(access.Permission(perm))
}

// OtherLang is the language the switch offers.
func (b *Base) OtherLang() i18n.Lang {
	if b.Lang == i18n.EN {
		return i18n.ID
	}
	return i18n.EN
}

// Date formats a time for the page's language, in WIB as most users expect.
func (b *Base) Date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(wib).Format("02-01-2006 15:04") + " WIB"
}

// Num writes a count with the thousands separator of the page's language:
// 83.762 in Indonesian, 83,762 in English.
func (b *Base) Num(n int) string {
	sep := "."
	if b.Lang == i18n.EN {
		sep = ","
	}
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var out strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out.WriteString(sep)
		}
		out.WriteRune(c)
	}
	if neg {
		return "-" + out.String()
	}
	return out.String()
}

// wib is Waktu Indonesia Barat (UTC+7). Times are stored in UTC.
var wib = time.FixedZone("WIB", 7*3600)

type page interface{ base() *Base }

// pickerView and pagerView hand a partial template both the page (for T)
// and its own data.
type pickerView struct {
	*Base
	P RegionPicker
}

type pagerView struct {
	*Base
	P Pager
}

// WithPicker prepares a region picker for the "regionPicker" partial.
func (b *Base) WithPicker(p RegionPicker) pickerView { return pickerView{b, p} }

// WithPager prepares paging links for the "pager" partial.
func (b *Base) WithPager(p Pager) pagerView { return pagerView{b, p} }

// contactView hands the "contactFields" partial the page (for T) and a
// form's region picker, street address and phone with their errors: where a
// person or a unit is and how to reach them, marked up once for both forms.
type contactView struct {
	*Base
	Picker       RegionPicker
	Errors       FormErrors
	AddressLabel string // translated: a person's form asks for the street only
	Address      string
	Phone        string
}

// WithContact prepares a form's region, address and phone for the
// "contactFields" partial.
func (b *Base) WithContact(picker RegionPicker, errs FormErrors, addressLabel, address, phone string) contactView {
	return contactView{Base: b, Picker: picker, Errors: errs, AddressLabel: addressLabel, Address: address, Phone: phone}
}

// LevelKey is the catalog key of a region level.
func (b *Base) LevelKey(l wilayah.Level) string { return levelKeys[l] }

// pages holds one parsed template set per page (the layout plus the page),
// parsed once at start.
type pages struct {
	sets map[string]*template.Template
}

func loadPages() (*pages, error) {
	funcs := template.FuncMap{
		"add":  func(a, b int) int { return a + b },
		"join": func(sep string, xs []string) string { return strings.Join(xs, sep) },
		"str":  func(v any) string { return fmt.Sprint(v) },
	}
	// Shared by every page: the layout, the partials, and any file whose
	// name starts with "_" (a capability's partials, e.g. _household.html).
	shared := []string{"templates/layout.html", "templates/partials.html"}
	more, err := fs.Glob(templateFiles, "templates/_*.html")
	if err != nil {
		return nil, err
	}
	shared = append(shared, more...)
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{sets: map[string]*template.Template{}}
	for _, n := range names {
		if slices.Contains(shared, n) {
			continue
		}
		name := strings.TrimSuffix(path.Base(n), ".html")
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFiles, append(slices.Clone(shared), n)...)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		p.sets[name] = t
	}
	return p, nil
}

// Names lists the pages, for the test that renders every one.
func (p *pages) Names() []string {
	out := make([]string, 0, len(p.sets))
	for n := range p.sets {
		out = append(out, n)
	}
	return out
}

func (s *Server) fillBase(r *http.Request, p page) {
	b := p.base()
	st := state(r)
	b.Lang, b.User, b.Path, b.URI, b.RequestID, b.cat = st.lang, st.user, r.URL.Path, r.URL.RequestURI(), st.id, s.cat
	if isHTMX(r) {
		// A fragment's language switch must come back to the page, not to
		// the fragment's URL.
		if cur := r.Header.Get("HX-Current-URL"); cur != "" {
			if u, err := url.Parse(cur); err == nil {
				b.URI = u.RequestURI()
			}
		}
	}
}

// render writes a whole page (layout "layout") or, for an htmx request that
// asks for a fragment, the named block only.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	s.renderBlock(w, r, status, name, "layout", p)
}

// renderBlock executes one block of a page's template set.
func (s *Server) renderBlock(w http.ResponseWriter, r *http.Request, status int, name, block string, p page) {
	s.fillBase(r, p)
	t, ok := s.pages.sets[name]
	if !ok {
		s.log.Error("missing template", "request_id", state(r).id, "template", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, p); err != nil {
		s.log.Error("render", "request_id", state(r).id, "template", name, "err", err)
		http.Error(w, "internal error "+state(r).id, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	buf.WriteTo(w)
}

// isHTMX reports whether htmx sent the request (it then wants a fragment).
func isHTMX(r *http.Request) bool { return r.Header.Get("HX-Request") == "true" }

// Pager is the paging state of a list.
type Pager struct {
	Page, Size, Total int
	Query             string // the other query parameters, already encoded
}

// listPager is the pager of a list page whose links keep the page size
// (when not the default), the search text and the list's filters, given as
// name, value pairs; empty values are left out of the links.
func listPager(page, size, total int, query string, filters ...string) Pager {
	qs := url.Values{}
	if size != 0 && size != 25 {
		qs.Set("size", strconv.Itoa(listSize(size)))
	}
	if query != "" {
		qs.Set("q", query)
	}
	for i := 0; i+1 < len(filters); i += 2 {
		if filters[i+1] != "" {
			qs.Set(filters[i], filters[i+1])
		}
	}
	return Pager{Page: max(page, 1), Size: listSize(size), Total: total, Query: qs.Encode()}
}

func (p Pager) Pages() int {
	if p.Size <= 0 {
		return 1
	}
	n := (p.Total + p.Size - 1) / p.Size
	if n < 1 {
		n = 1
	}
	return n
}

// Href is the link to page n with the list's other parameters. It is built
// here as a whole URL: html/template would escape "=" and "&" of a query
// string pasted into an href.
func (p Pager) Href(n int) template.URL {
	q, _ := url.ParseQuery(p.Query)
	q.Set("page", strconv.Itoa(n))
	return template.URL("?" + q.Encode())
}

func (p Pager) HasPrev() bool { return p.Page > 1 }
func (p Pager) HasNext() bool { return p.Page < p.Pages() }
func (p Pager) Prev() int     { return p.Page - 1 }
func (p Pager) Next() int     { return p.Page + 1 }

// FormErrors maps a field to its translated message, for re-rendering a form.
type FormErrors map[string]string

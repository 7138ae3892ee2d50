package spm

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/apperr"
)

// The SPM catalog: for each of the ten jenis pelayanan dasar, the standard
// goods and services a person is to receive (PP 2/2018 Pasal 10 ayat 4
// huruf a: "standar jumlah dan kualitas barang dan/atau jasa", set by the
// Menteri Sosial in Permensos 9/2018). The jenis themselves are fixed by
// PP 2/2018 (Services); what a regulation says about them — their wording,
// their penerima, the list of items — changes with the regulation, so it
// is kept in versions: a new regulation is loaded as a draft beside the one
// in force and activated when it takes over. Exactly one version is active.
//
// Items carry codes that stay the same from version to version where the
// item does (permakanan is permakanan under the next regulation too): unit
// costs per region and the budget still needed (Permendagri 59/2021's
// tahap 2, penghitungan kebutuhan) key on them. Where an item is a basic
// need of the casework (casework.Need), it has that need's code.
//
// This file holds the types and the rules, without a database; the store is
// catalog_store.go, the first version catalog_seed.go.

// CatalogStatus is where a version stands.
type CatalogStatus string

const (
	// CatalogDraft is being prepared: the only status that may be edited.
	CatalogDraft CatalogStatus = "draft"
	// CatalogActive is the version in force; there is exactly one.
	CatalogActive CatalogStatus = "active"
	// CatalogRetired was in force before the active one. Kept unchanged,
	// so that what was counted under it can still be explained.
	CatalogRetired CatalogStatus = "retired"
)

// CatalogStatuses in the order a life goes.
var CatalogStatuses = []CatalogStatus{CatalogDraft, CatalogActive, CatalogRetired}

// Catalog is one version of the catalog. Jenis is empty in a listing of
// versions; a version read whole has the ten, in the order of Services.
type Catalog struct {
	ID   int64  `json:"id"`
	Name string `json:"name"` // short, unique: "Permensos 9/2018"
	// Regulation is the regulation the version sets out, by its full title.
	Regulation string `json:"regulation"`
	// ValidFrom is the day the regulation took effect, YYYY-MM-DD.
	ValidFrom   string         `json:"valid_from"`
	Status      CatalogStatus  `json:"status"`
	CopiedFrom  *int64         `json:"copied_from"` // the version this one began as a copy of
	Note        string         `json:"note"`
	CreatedBy   *int64         `json:"created_by"` // nil: loaded by layan itself
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedBy   *int64         `json:"updated_by"`
	UpdatedAt   time.Time      `json:"updated_at"`
	ActivatedAt *time.Time     `json:"activated_at"`
	RetiredAt   *time.Time     `json:"retired_at"`
	Version     int            `json:"version"`
	Jenis       []CatalogJenis `json:"jenis,omitempty"`
}

// CatalogJenis is what a version says of one jenis pelayanan dasar.
type CatalogJenis struct {
	Jenis Jenis `json:"jenis"`
	Level Level `json:"level"` // of Services, not editable
	// Name, Penerima and Source are the regulation's wording of the jenis,
	// whom it serves, and where the version's text and items come from.
	Name     string        `json:"name"`
	Penerima string        `json:"penerima"`
	Source   string        `json:"source"`
	Items    []CatalogItem `json:"items"`
}

// CatalogItem is one standard good or service of a jenis.
type CatalogItem struct {
	Line int    `json:"line"` // 1, 2, …: the order the regulation lists them in
	Code string `json:"code"`
	Name string `json:"name"`
	// UnitLabel is what one unit of the item is ("orang/hari", "paket",
	// "kali"): what a unit cost is a cost of.
	UnitLabel string `json:"unit_label"`
	Note      string `json:"note"`
}

// Item returns the item of j with code, and whether there is one.
func (j CatalogJenis) Item(code string) (CatalogItem, bool) {
	for _, it := range j.Items {
		if it.Code == code {
			return it, true
		}
	}
	return CatalogItem{}, false
}

// Of returns what c says of jenis j, and whether it says anything.
func (c Catalog) Of(j Jenis) (CatalogJenis, bool) {
	for _, cj := range c.Jenis {
		if cj.Jenis == j {
			return cj, true
		}
	}
	return CatalogJenis{}, false
}

// Bounds of what a version holds: generous for any regulation's wording,
// small enough for a form and a report line.
const (
	MaxCatalogItems     = 40
	maxCatalogCode      = 60
	maxCatalogName      = 120
	maxCatalogRegText   = 300 // a regulation's full title
	maxCatalogNote      = 2000
	maxCatalogJenisName = 300
	maxCatalogPenerima  = 200
	maxCatalogSource    = 1000
	maxCatalogItemName  = 300
	maxCatalogUnitLabel = 40
	maxCatalogItemNote  = 1000
)

// itemCode is a code in snake_case, the style of the casework's codes
// (casework.Need): a lowercase letter, then lowercase letters and digits,
// words joined by one underscore.
var itemCode = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// ValidItemCode reports whether code may name a catalog item.
func ValidItemCode(code string) bool {
	return len(code) <= maxCatalogCode && itemCode.MatchString(code)
}

// CatalogItemInput is one item as an editor sends it; its line is its place
// in the list.
type CatalogItemInput struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	UnitLabel string `json:"unit_label"`
	Note      string `json:"note"`
}

// CatalogJenisInput replaces what a draft says of one jenis: its texts and
// its whole list of items. Version is the version's version as last read.
type CatalogJenisInput struct {
	Version  int                `json:"version"`
	Name     string             `json:"name"`
	Penerima string             `json:"penerima"`
	Source   string             `json:"source"`
	Items    []CatalogItemInput `json:"items"`
}

// textLen counts characters, not bytes: the bounds are for people.
func textLen(s string) int { return len([]rune(s)) }

// checkText trims *s and refuses it when required and empty or when longer
// than limit.
func checkText(f *apperr.Fields, field string, s *string, required bool, limit int) {
	*s = strings.TrimSpace(*s)
	switch {
	case *s == "" && required:
		f.Add(field, "field.required")
	case textLen(*s) > limit:
		f.Add(field, "field.too_long", limit)
	}
}

// Check trims the input and refuses what no version may say of a jenis: an
// empty name, penerima or source, no item or more than MaxCatalogItems, an
// item without a name or unit, a code that is not snake_case or that
// another item of the jenis already has, or text past its bound. Fields of
// items are named "items.<index>.<field>", from 0.
func (in *CatalogJenisInput) Check() error {
	var f apperr.Fields
	checkText(&f, "name", &in.Name, true, maxCatalogJenisName)
	checkText(&f, "penerima", &in.Penerima, true, maxCatalogPenerima)
	checkText(&f, "source", &in.Source, true, maxCatalogSource)
	switch {
	case len(in.Items) == 0:
		f.Add("items", "spmcatalog.items_required")
	case len(in.Items) > MaxCatalogItems:
		f.Add("items", "spmcatalog.too_many_items", MaxCatalogItems)
	}
	seen := map[string]bool{}
	for i := range in.Items {
		it := &in.Items[i]
		at := "items." + strconv.Itoa(i) + "."
		it.Code = strings.TrimSpace(it.Code)
		switch {
		case it.Code == "":
			f.Add(at+"code", "field.required")
		case !ValidItemCode(it.Code):
			f.Add(at+"code", "spmcatalog.code_format", maxCatalogCode)
		case seen[it.Code]:
			f.Add(at+"code", "spmcatalog.code_duplicate", it.Code)
		}
		seen[it.Code] = true
		checkText(&f, at+"name", &it.Name, true, maxCatalogItemName)
		checkText(&f, at+"unit_label", &it.UnitLabel, true, maxCatalogUnitLabel)
		checkText(&f, at+"note", &it.Note, false, maxCatalogItemNote)
	}
	return f.Err()
}

// jenis is the input as what a version says of j, items numbered from 1.
func (in CatalogJenisInput) jenis(j Jenis) CatalogJenis {
	svc, _ := ServiceOf(j)
	out := CatalogJenis{Jenis: j, Level: svc.Level, Name: in.Name, Penerima: in.Penerima, Source: in.Source,
		Items: make([]CatalogItem, len(in.Items))}
	for i, it := range in.Items {
		out.Items[i] = CatalogItem{Line: i + 1, Code: it.Code, Name: it.Name, UnitLabel: it.UnitLabel, Note: it.Note}
	}
	return out
}

// InputOf is what a version says of a jenis as an editor's input, at the
// version's version: the start of an edit.
func (c Catalog) InputOf(j Jenis) CatalogJenisInput {
	cj, _ := c.Of(j)
	in := CatalogJenisInput{Version: c.Version, Name: cj.Name, Penerima: cj.Penerima, Source: cj.Source,
		Items: make([]CatalogItemInput, len(cj.Items))}
	for i, it := range cj.Items {
		in.Items[i] = CatalogItemInput{Code: it.Code, Name: it.Name, UnitLabel: it.UnitLabel, Note: it.Note}
	}
	return in
}

// CatalogCopyInput starts a new draft version as a copy of version From:
// the way to load a new regulation beside the one in force, and the only
// way to change what an active version says.
type CatalogCopyInput struct {
	From       int64  `json:"from"`
	Name       string `json:"name"`
	Regulation string `json:"regulation"`
	ValidFrom  string `json:"valid_from"`
	Note       string `json:"note"`
}

// Check trims the input and refuses a copy without a source version, a
// name, a regulation or a valid day (YYYY-MM-DD, from 2018, when PP 2/2018
// took effect, to 9999), or with text past its bound.
func (in *CatalogCopyInput) Check() error {
	var f apperr.Fields
	if in.From <= 0 {
		f.Add("from", "field.required")
	}
	checkText(&f, "name", &in.Name, true, maxCatalogName)
	checkText(&f, "regulation", &in.Regulation, true, maxCatalogRegText)
	checkText(&f, "note", &in.Note, false, maxCatalogNote)
	in.ValidFrom = strings.TrimSpace(in.ValidFrom)
	if in.ValidFrom == "" {
		f.Add("valid_from", "field.required")
	} else if d, err := time.Parse(time.DateOnly, in.ValidFrom); err != nil {
		f.Add("valid_from", "field.date_format")
	} else if d.Year() < 2018 {
		f.Add("valid_from", "spmcatalog.valid_from_range")
	}
	return f.Err()
}

// CheckCatalog refuses a version that cannot be put in force: one that does
// not speak of each of the ten jenis of PP 2/2018 Pasal 10 exactly once,
// speaks of another, or says of one what Check refuses. Fields are named
// "jenis.<jenis>" (and "jenis.<jenis>.items.<index>.<field>").
func CheckCatalog(c Catalog) error {
	var f apperr.Fields
	count := map[Jenis]int{}
	for _, cj := range c.Jenis {
		count[cj.Jenis]++
		if _, ok := ServiceOf(cj.Jenis); !ok {
			f.Add("jenis."+string(cj.Jenis), "spmcatalog.jenis_unknown")
			continue
		}
		if count[cj.Jenis] > 1 {
			f.Add("jenis."+string(cj.Jenis), "spmcatalog.jenis_twice")
			continue
		}
		in := c.InputOf(cj.Jenis)
		if err := in.Check(); err != nil {
			for _, fe := range apperr.As(err).Fields {
				f.Add("jenis."+string(cj.Jenis)+"."+fe.Field, fe.Key, fe.Args...)
			}
		}
	}
	for _, s := range Services {
		if count[s.Jenis] == 0 {
			f.Add("jenis."+string(s.Jenis), "spmcatalog.jenis_missing")
		}
	}
	return f.Err()
}

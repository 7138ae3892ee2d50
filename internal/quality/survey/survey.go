// Package survey runs a service unit's satisfaction survey (Survei
// Kepuasan Masyarakat, PermenPANRB 14/2017; domain.md §6): its periods and
// their elements, the anonymous public responses, and the results, which
// the pure package quality/ikm computes. SQL lives here; the rules of the
// index live in ikm.
package survey

import (
	"crypto/rand"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/quality/ikm"
)

// Kind is the length of a survey period. PermenPANRB 14/2017 Pasal 1 asks
// for at least one survey a year; units run them per quarter, semester or
// year (domain.md §6.1).
type Kind string

const (
	Triwulan Kind = "triwulan" // a quarter: number 1–4
	Semester Kind = "semester" // a half year: number 1–2
	Tahunan  Kind = "tahunan"  // the calendar year: number 1
)

// Kinds lists the kinds in display order.
var Kinds = []Kind{Triwulan, Semester, Tahunan}

// Parts is how many periods of the kind a year has.
func (k Kind) Parts() int {
	switch k {
	case Triwulan:
		return 4
	case Semester:
		return 2
	case Tahunan:
		return 1
	}
	return 0
}

// Dates returns the first and last day of period number n of year.
func (k Kind) Dates(year, n int) (start, end time.Time) {
	months := 12 / k.Parts()
	start = time.Date(year, time.Month((n-1)*months+1), 1, 0, 0, 0, 0, time.UTC)
	end = start.AddDate(0, months, -1)
	return start, end
}

// Status is where a period stands: draft (its elements may change), open
// (the public form takes answers), closed (its results are published).
type Status string

const (
	Draft  Status = "draft"
	Open   Status = "open"
	Closed Status = "closed"
)

// Period is one survey period of a unit.
type Period struct {
	ID       int64  `json:"id"`
	UnitID   int64  `json:"unit_id"`
	Kind     Kind   `json:"kind"`
	Year     int    `json:"year"`
	Number   int    `json:"number"`
	StartsOn string `json:"starts_on"`
	EndsOn   string `json:"ends_on"`
	Status   Status `json:"status"`
	// Population is the unit's number of service users in the period,
	// entered by staff, from which the Krejcie–Morgan sample is read.
	Population int           `json:"population"`
	Elements   []ikm.Element `json:"elements"`
	Responses  int           `json:"responses"`
	CreatedAt  time.Time     `json:"created_at"`
	UpdatedAt  time.Time     `json:"updated_at"`
	Version    int           `json:"version"`
}

// Label names the period in Indonesian for reports ("Triwulan II 2026").
func (p Period) Label() string {
	roman := []string{"", "I", "II", "III", "IV"}
	switch p.Kind {
	case Triwulan:
		return fmt.Sprintf("Triwulan %s %d", roman[p.Number], p.Year)
	case Semester:
		return fmt.Sprintf("Semester %s %d", roman[p.Number], p.Year)
	}
	return fmt.Sprintf("Tahun %d", p.Year)
}

// PeriodInput is what staff set on a period. Kind, year, number and
// elements change only while no answer has arrived; the population and
// the status may change later.
type PeriodInput struct {
	Kind       Kind          `json:"kind"`
	Year       int           `json:"year"`
	Number     int           `json:"number"`
	Population int           `json:"population"`
	Elements   []ikm.Element `json:"elements,omitempty"` // nil: the standard nine (create) or unchanged (update)
	Version    int           `json:"version,omitempty"`
}

const (
	maxElements    = 20
	maxElementName = 120
	maxCode        = 10
	// MaxSuggestion is the longest saran a respondent may write.
	MaxSuggestion = 1000
	maxPopulation = 100_000_000
)

// Validate checks a period's input field by field, and sets equal weights
// when none is given ("Weight 0 for all": 1/n each, the regulation's own
// weighting, domain.md §6.4).
func (in *PeriodInput) Validate() apperr.Fields {
	var f apperr.Fields
	if in.Kind.Parts() == 0 {
		f.Add("kind", "skm.kind_unknown")
	} else if in.Number < 1 || in.Number > in.Kind.Parts() {
		f.Add("number", "skm.number_range", in.Kind.Parts())
	}
	if in.Year < 2017 || in.Year > 2100 { // PermenPANRB 14/2017
		f.Add("year", "skm.year_range")
	}
	if in.Population < 0 || in.Population > maxPopulation {
		f.Add("population", "skm.population_range")
	}
	if in.Elements != nil {
		checkElements(&f, in.Elements)
	}
	return f
}

func checkElements(f *apperr.Fields, els []ikm.Element) {
	if len(els) == 0 || len(els) > maxElements {
		f.Add("elements", "skm.elements_count", maxElements)
		return
	}
	seen := map[string]bool{}
	allZero := true
	for i := range els {
		e := &els[i]
		e.Code = strings.ToUpper(strings.TrimSpace(e.Code))
		e.Name = strings.TrimSpace(e.Name)
		field := fmt.Sprintf("elements.%d", i)
		switch {
		case e.Code == "" || e.Name == "":
			f.Add(field, "skm.element_required")
		case len(e.Code) > maxCode || strings.Trim(e.Code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "":
			f.Add(field, "skm.element_code")
		case seen[e.Code]:
			f.Add(field, "skm.element_duplicate", e.Code)
		case !utf8.ValidString(e.Name) || strings.ContainsRune(e.Name, 0) || utf8.RuneCountInString(e.Name) > maxElementName:
			f.Add(field, "field.too_long", maxElementName)
		case e.Weight < 0 || math.IsNaN(e.Weight) || e.Weight > 1:
			f.Add(field, "skm.weight_range")
		}
		seen[e.Code] = true
		if e.Weight != 0 {
			allZero = false
		}
	}
	if len(*f) > 0 {
		return
	}
	if allZero {
		for i := range els {
			els[i].Weight = 1 / float64(len(els))
		}
		return
	}
	// "dengan catatan jumlah bobot seluruh unsur tetap 1" (domain.md §6.2).
	if err := ikm.CheckWeights(els); err != nil {
		f.Add("elements", "skm.weights_sum")
	}
}

// The respondent profile: coarse fixed lists, so that a response cannot
// single anyone out. Every list holds "x", tidak ingin menjawab.
var (
	AgeBands    = []string{"lt20", "20_29", "30_39", "40_49", "50_59", "60plus", "x"}
	Sexes       = []string{"l", "p", "x"}
	Educations  = []string{"tidak_sekolah", "sd", "smp", "sma", "diploma", "s1", "s2plus", "x"}
	Occupations = []string{"pns", "swasta", "wirausaha", "petani_nelayan", "pelajar", "rumah_tangga", "tidak_bekerja", "lainnya", "x"}
	Services    = []string{"rehabilitasi", "bantuan", "perlindungan", "rujukan", "administrasi", "konsultasi", "lainnya", "x"}
)

// Profile is who answered, in the coarse terms above.
type Profile struct {
	AgeBand    string `json:"age_band"`
	Sex        string `json:"sex"`
	Education  string `json:"education"`
	Occupation string `json:"occupation"`
	Service    string `json:"service"`
}

// Response is one respondent's questionnaire as sent by the public form.
type Response struct {
	// Answers by element code, 1–4.
	Answers    map[string]int `json:"answers"`
	Profile                   // inline in JSON
	Suggestion string         `json:"suggestion,omitempty"`
}

// Check refuses a response to elements els field by field: a missing
// answer, one outside 1–4, a profile value outside its list. An empty
// profile field counts as "x" (a respondent may skip it).
func (r *Response) Check(els []ikm.Element) apperr.Fields {
	var f apperr.Fields
	for _, e := range els {
		v, ok := r.Answers[e.Code]
		switch {
		case !ok || v == 0:
			f.Add(e.Code, "skm.answer_missing")
		case v < 1 || v > 4:
			f.Add(e.Code, "skm.answer_range")
		}
	}
	for code := range r.Answers {
		if !hasElement(els, code) {
			f.Add(code, "skm.answer_unknown_element")
		}
	}
	for _, p := range []struct {
		field string
		v     *string
		list  []string
	}{{"age_band", &r.AgeBand, AgeBands}, {"sex", &r.Sex, Sexes}, {"education", &r.Education, Educations},
		{"occupation", &r.Occupation, Occupations}, {"service", &r.Service, Services}} {
		if *p.v == "" {
			*p.v = "x"
		}
		if !contains(p.list, *p.v) {
			f.Add(p.field, "skm.option_unknown")
		}
	}
	r.Suggestion = strings.TrimSpace(r.Suggestion)
	if !utf8.ValidString(r.Suggestion) || strings.ContainsRune(r.Suggestion, 0) {
		f.Add("suggestion", "field.utf8")
	} else if utf8.RuneCountInString(r.Suggestion) > MaxSuggestion {
		f.Add("suggestion", "field.too_long", MaxSuggestion)
	}
	return f
}

func hasElement(els []ikm.Element, code string) bool {
	for _, e := range els {
		if e.Code == code {
			return true
		}
	}
	return false
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// codeAlphabet has no look-alikes (0/O, 1/I/L, 5/S, 2/Z, 8/B): a code is
// typed from a poster by people who may read poorly.
const codeAlphabet = "ACDEFGHJKMNPQRTUVWXY34679"

// CodeLength is the length of a unit's public code: 25^7 ≈ 6·10⁹ codes.
const CodeLength = 7

func newCode() string {
	b := make([]byte, CodeLength)
	rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// NormalizeCode reads a code as people type it: any case, with spaces or
// dashes.
func NormalizeCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.NewReplacer(" ", "", "-", "").Replace(s)
	if len(s) != CodeLength || strings.Trim(s, codeAlphabet) != "" {
		return ""
	}
	return s
}

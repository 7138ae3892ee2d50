// Package sarpras holds the audit of a service unit's facilities for
// vulnerable groups ("sarana prasarana ramah kelompok rentan", issue 7
// point 3): the checklist, its answers, the score, and the remediation
// tasks an audit raises. UU 25/2009 Pasal 29 asks every provider of public
// services to give vulnerable groups (penyandang disabilitas, lanjut usia,
// wanita hamil, anak-anak, korban bencana; KemenPANRB adds ibu menyusui)
// special facilities; Pedoman MenPANRB 7/2022 evaluates them and
// PermenPUPR 14/PRT/M/2017 sets the physical criteria (domain.md §7.2).
//
// The rules in this file are pure; store.go is the SQL around them.
package sarpras

import (
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/layan-id/layan/internal/apperr"
)

// Answer is what an auditor finds for one item.
type Answer string

const (
	Unanswered     Answer = ""
	AdaSesuai      Answer = "ada_sesuai"       // present and meets the criterion
	AdaTidakSesuai Answer = "ada_tidak_sesuai" // present, but does not meet it
	TidakAda       Answer = "tidak_ada"        // absent
)

// Answers lists the answers in the order a form shows them.
var Answers = []Answer{AdaSesuai, AdaTidakSesuai, TidakAda}

// Valid reports whether a is one of the three answers.
func (a Answer) Valid() bool { return a == AdaSesuai || a == AdaTidakSesuai || a == TidakAda }

// Value is what an answer counts for in the score. The official
// PermenPANRB scoring was not retrieved (domain.md §7.2 ✘): these are
// layan's defaults, full, half and no credit, and are documented as such
// in docs/guide/sarpras.md.
func (a Answer) Value() float64 {
	switch a {
	case AdaSesuai:
		return 1
	case AdaTidakSesuai:
		return 0.5
	}
	return 0
}

// NeedsRemedy reports whether an answer suggests a remediation task:
// anything short of "ada dan sesuai".
func (a Answer) NeedsRemedy() bool { return a == AdaTidakSesuai || a == TidakAda }

// Group gathers items on the form.
type Group string

const (
	Akses   Group = "akses"   // getting in: parking, guiding block, ramp, handrails, doors
	Ruang   Group = "ruang"   // rooms and furniture: toilet, seating, lactation, children, counselling
	Layanan Group = "layanan" // the service itself: wheelchair, priority counter, Braille, sign language, signage
)

// Groups lists the groups in the order a form shows them.
var Groups = []Group{Akses, Ruang, Layanan}

// Valid reports whether g is a known group.
func (g Group) Valid() bool { return g == Akses || g == Ruang || g == Layanan }

// Sources of the criteria.
const (
	SourcePUPR   = "PermenPUPR 14/PRT/M/2017"
	SourceMenPAN = "Pedoman MenPANRB 7/2022"
)

// Item is one entry of the checklist.
type Item struct {
	Code      string  `json:"code"`
	Group     Group   `json:"group"`
	Name      string  `json:"name"`
	Criterion string  `json:"criterion"` // what "sesuai" means, with its technical measure
	Source    string  `json:"source"`
	Weight    float64 `json:"weight"`
	Position  int     `json:"position"`
	Active    bool    `json:"active"`
	Version   int     `json:"version"`
}

// Defaults is the checklist layan starts with: the facilities the issue
// lists, which are those units evaluated under Pedoman MenPANRB 7/2022
// present (domain.md §7.2, ◐), with the physical criteria of PermenPUPR
// 14/PRT/M/2017. Every weight is 1 (equal): the official weights were not
// retrieved (✘), so they are a setting on /sarpras/items.
func Defaults() []Item {
	d := []Item{
		{"parkir", Akses, "Parkir khusus penyandang disabilitas", "Ada lahan parkir bertanda simbol disabilitas, paling dekat dengan pintu masuk, lebar cukup untuk membuka pintu dan kursi roda.", SourcePUPR, 1, 0, true, 1},
		{"guiding_block", Akses, "Jalur pemandu (guiding block)", "Ubin pemandu garis dan titik menghubungkan pintu masuk dengan loket dan ruang layanan, tanpa terputus atau terhalang.", SourcePUPR, 1, 0, true, 1},
		{"ramp", Akses, "Ramp", "Kemiringan tidak lebih curam dari 1:12 (sekitar 5°), lebar paling sedikit 95 cm, permukaan tidak licin, ada bordir pengaman.", SourcePUPR, 1, 0, true, 1},
		{"pegangan_rambat", Akses, "Pegangan rambat (handrail)", "Pegangan rambat di kedua sisi ramp dan tangga, setinggi 65–80 cm, mudah digenggam, ujungnya melewati ujung ramp.", SourcePUPR, 1, 0, true, 1},
		{"pintu", Akses, "Pintu lebar", "Lebar bersih pintu masuk dan ruang layanan paling sedikit 90 cm, mudah dibuka, tanpa ambang yang menghalangi kursi roda.", SourcePUPR, 1, 0, true, 1},
		{"toilet", Ruang, "Toilet khusus disabilitas", "Toilet dengan ruang putar kursi roda, pegangan rambat di samping kloset, pintu membuka ke luar, bertanda simbol disabilitas.", SourcePUPR, 1, 0, true, 1},
		{"kursi_prioritas", Ruang, "Kursi tunggu prioritas", "Kursi tunggu khusus bagi lansia, ibu hamil dan penyandang disabilitas, bertanda, dekat loket.", SourceMenPAN, 1, 0, true, 1},
		{"ruang_laktasi", Ruang, "Ruang laktasi", "Ruang tertutup untuk menyusui dengan kursi, wastafel dan tanda yang jelas.", SourceMenPAN, 1, 0, true, 1},
		{"area_anak", Ruang, "Area bermain anak", "Area bermain yang aman bagi anak, terlihat dari ruang tunggu.", SourceMenPAN, 1, 0, true, 1},
		{"ruang_konseling", Ruang, "Ruang konseling", "Ruang tertutup yang menjaga kerahasiaan untuk konseling dan layanan prioritas.", SourceMenPAN, 1, 0, true, 1},
		{"kursi_roda", Layanan, "Alat bantu (kursi roda, kruk)", "Kursi roda dan alat bantu jalan tersedia, layak pakai, dan petugas tahu letaknya.", SourceMenPAN, 1, 0, true, 1},
		{"loket_prioritas", Layanan, "Loket prioritas", "Loket layanan khusus kelompok rentan, bertanda, dengan meja yang terjangkau dari kursi roda.", SourceMenPAN, 1, 0, true, 1},
		{"braille", Layanan, "Formulir Braille", "Formulir dan informasi layanan tersedia dalam huruf Braille.", SourceMenPAN, 1, 0, true, 1},
		{"bahasa_isyarat", Layanan, "Layanan bahasa isyarat", "Ada petugas atau juru bahasa isyarat yang dapat dihubungi saat layanan.", SourceMenPAN, 1, 0, true, 1},
		{"penanda", Layanan, "Penanda (signage)", "Penanda arah dan ruang dengan simbol, huruf besar kontras, dan Braille pada ketinggian yang terjangkau.", SourcePUPR, 1, 0, true, 1},
	}
	for i := range d {
		d[i].Position = (i + 1) * 10
	}
	return d
}

// Limits of free text.
const (
	MaxName      = 120
	MaxCriterion = 600
	MaxNote      = 1000
	MaxTask      = 500
)

// Validate checks an item an admin sets, naming the field that is wrong.
func (it *Item) Validate() apperr.Fields {
	var f apperr.Fields
	it.Code = strings.TrimSpace(strings.ToLower(it.Code))
	it.Name = strings.TrimSpace(it.Name)
	it.Criterion = strings.TrimSpace(it.Criterion)
	it.Source = strings.TrimSpace(it.Source)
	switch {
	case it.Code == "":
		f.Add("code", "field.required")
	case len(it.Code) > 40 || strings.Trim(it.Code, "abcdefghijklmnopqrstuvwxyz0123456789_") != "":
		f.Add("code", "sarpras.code_format")
	}
	if !it.Group.Valid() {
		f.Add("group", "sarpras.group_unknown")
	}
	text(&f, "name", it.Name, MaxName, true)
	text(&f, "criterion", it.Criterion, MaxCriterion, true)
	text(&f, "source", it.Source, MaxName, true)
	// A weight is relative: only its share of the sum counts, so any
	// positive number will do; zero would hide an item, which is what
	// making it inactive is for.
	if math.IsNaN(it.Weight) || it.Weight <= 0 || it.Weight > 100 {
		f.Add("weight", "sarpras.weight_range")
	}
	return f
}

func text(f *apperr.Fields, field, v string, max int, required bool) {
	switch {
	case required && v == "":
		f.Add(field, "field.required")
	case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
		f.Add(field, "field.utf8")
	case utf8.RuneCountInString(v) > max:
		f.Add(field, "field.too_long", max)
	}
}

// Row is one item of an audit with its answer.
type Row struct {
	Code      string  `json:"code"`
	Group     Group   `json:"group"`
	Name      string  `json:"name"`
	Criterion string  `json:"criterion"`
	Source    string  `json:"source"`
	Weight    float64 `json:"weight"`
	Answer    Answer  `json:"answer"`
	Note      string  `json:"note"`
}

// Score is Σ weight × value ÷ Σ weight × 100, rounded to two decimals: the
// share of the weighted checklist the unit meets. Unanswered items count
// as absent; a final audit has none. An empty checklist scores 0.
func Score(rows []Row) float64 {
	var sum, got float64
	for _, r := range rows {
		sum += r.Weight
		got += r.Weight * r.Answer.Value()
	}
	if sum <= 0 {
		return 0
	}
	return math.Round(got/sum*100*100) / 100
}

// Unanswered returns the codes of the rows without an answer: a final
// audit needs every item answered.
func UnansweredCodes(rows []Row) []string {
	var out []string
	for _, r := range rows {
		if !r.Answer.Valid() {
			out = append(out, r.Code)
		}
	}
	return out
}

// CheckFinal says why an audit may not be made final, or nil.
func CheckFinal(rows []Row) error {
	if len(rows) == 0 {
		return apperr.New(apperr.Invalid, "sarpras.no_items")
	}
	if missing := UnansweredCodes(rows); len(missing) > 0 {
		var f apperr.Fields
		for _, c := range missing {
			f.Add("answer."+c, "sarpras.unanswered")
		}
		e := apperr.As(f.Err())
		e.Key, e.Args, e.Code = "sarpras.unanswered_count", []any{len(missing)}, "unanswered"
		return e
	}
	return nil
}

// Suggestions are the rows whose answer calls for a remediation task.
func Suggestions(rows []Row) []Row {
	var out []Row
	for _, r := range rows {
		if r.Answer.NeedsRemedy() {
			out = append(out, r)
		}
	}
	return out
}

// Status of an audit.
const (
	Draft = "draft"
	Final = "final"
)

// Task status.
const (
	Open = "open"
	Done = "done"
)

// Overdue reports whether an open task is past its due day (a date
// YYYY-MM-DD, the last day it may be done on) at now, in WIB where the
// units are (the eastern zones are at most two hours ahead).
func Overdue(status, due string, now time.Time) bool {
	if status != Open {
		return false
	}
	today := now.In(wib).Format(time.DateOnly)
	return due < today
}

var wib = time.FixedZone("WIB", 7*3600)

// ParseDay checks a date YYYY-MM-DD.
func ParseDay(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	return t, err == nil
}

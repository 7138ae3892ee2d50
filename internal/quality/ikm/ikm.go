// Package ikm holds the rules of the Survei Kepuasan Masyarakat (SKM) and
// its index, the Indeks Kepuasan Masyarakat (IKM), as PermenPANRB 14/2017
// sets them (domain.md §6): the nine elements U1–U9 and the answer scale
// 1–4, the value per element (NRR), the index and its quality band (mutu),
// the weakest elements for the improvement plan, and the Krejcie–Morgan
// sample size. Plain functions over plain types: no database, no HTTP. The
// survey store (internal/quality/survey) and `layan ikm` both compute here.
package ikm

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/layan-id/layan/internal/apperr"
)

// Element is one element (unsur) of the survey. Elements are kept by code
// and name, never by position: some regional applications swap U8 and U9
// (domain.md §6.2). Weight 0 for every element means equal weights 1/n.
type Element struct {
	Code, Name string
	Weight     float64
}

// Result is the index of a set of answers.
type Result struct {
	Respondents int
	Elements    []ElementResult
	// IKM is the index on the scale 25–100, rounded to 2 decimals as the
	// regulation's bands are written; 0 without respondents.
	IKM float64
	// Mutu (A–D) and Kinerja (Sangat Baik … Tidak Baik) of the IKM; ""
	// without respondents.
	Mutu, Kinerja string
	// Weakest lists the element codes by NRR, lowest first (ties by code):
	// what the improvement plan starts with. Empty without respondents.
	Weakest []string
}

// ElementResult is one element's value.
type ElementResult struct {
	Code, Name string
	// NRR is the element's average answer (nilai rata-rata), 1–4.
	NRR float64
	// Weight is the weight used (1/n for equal weights); Weighted = NRR ×
	// Weight (NRR tertimbang).
	Weight, Weighted float64
	// Answers is how many respondents answered the element.
	Answers int
}

// The nine elements of PermenPANRB 14/2017 in their standard order
// (domain.md §6.2).
var standard = []Element{
	{Code: "U1", Name: "Persyaratan"},
	{Code: "U2", Name: "Sistem, Mekanisme, dan Prosedur"},
	{Code: "U3", Name: "Waktu Penyelesaian"},
	{Code: "U4", Name: "Biaya/Tarif"},
	{Code: "U5", Name: "Produk Spesifikasi Jenis Pelayanan"},
	{Code: "U6", Name: "Kompetensi Pelaksana"},
	{Code: "U7", Name: "Perilaku Pelaksana"},
	{Code: "U8", Name: "Penanganan Pengaduan, Saran dan Masukan"},
	{Code: "U9", Name: "Sarana dan Prasarana"},
}

// Standard returns U1–U9 with their names, equal weights (Weight 0).
func Standard() []Element { return slices.Clone(standard) }

// IsStandard reports whether code is one of U1–U9.
func IsStandard(code string) bool {
	return slices.ContainsFunc(standard, func(e Element) bool { return e.Code == code })
}

// Answers are on a scale of four (domain.md §6.3).
const (
	MinAnswer = 1
	MaxAnswer = 4
)

// weightTolerance is how far from 1 the weights may sum: enough for
// floating point, not for a unit's 9 × 0.111 = 0.999.
const weightTolerance = 1e-9

// CheckWeights checks a unit's elements: at least one, each with a code and
// a name, no code twice, and weights that are each above 0 and sum to 1 —
// "dengan catatan jumlah bobot seluruh unsur tetap 1" (domain.md §6.2).
// Weight 0 for every element is accepted: equal weights. Errors are
// apperr.Invalid with the field "elements" or "weights".
func CheckWeights(els []Element) error {
	if len(els) == 0 {
		return invalid("elements", "ikm.no_elements")
	}
	seen := map[string]bool{}
	allZero := true
	sum := 0.0
	for _, e := range els {
		if strings.TrimSpace(e.Code) == "" || strings.TrimSpace(e.Name) == "" {
			return invalid("elements", "ikm.element_unnamed")
		}
		if seen[e.Code] {
			return invalid("elements", "ikm.element_twice", e.Code)
		}
		seen[e.Code] = true
		if e.Weight != 0 {
			allZero = false
		}
		sum += e.Weight
	}
	if allZero {
		return nil
	}
	for _, e := range els {
		if !(e.Weight > 0) || math.IsInf(e.Weight, 0) {
			return invalid("weights", "ikm.weight_positive", e.Code)
		}
	}
	if math.IsNaN(sum) || math.Abs(sum-1) > weightTolerance {
		return invalid("weights", "ikm.weight_sum", strconv.FormatFloat(sum, 'f', -1, 64))
	}
	return nil
}

func invalid(field, key string, args ...any) error {
	return &apperr.Error{Kind: apperr.Invalid, Key: "ikm.invalid",
		Fields: []apperr.FieldError{{Field: field, Key: key, Args: args}}}
}

// weights returns the weights to use: each element's own, or 1/n for all
// when none is set.
func weights(els []Element) []float64 {
	w := make([]float64, len(els))
	allZero := !slices.ContainsFunc(els, func(e Element) bool { return e.Weight != 0 })
	for i, e := range els {
		w[i] = e.Weight
		if allZero {
			w[i] = 1 / float64(len(els))
		}
	}
	return w
}

// Compute computes the index of answers: answers[i][j] is respondent i's
// answer to element els[j], 1–4. Every respondent answers every element; a
// missing or out-of-range answer is refused with an error naming the
// respondent (from 1) and the element, and nothing is computed. Without
// respondents the Result has Respondents 0, each element's weight, and no
// IKM (Mutu "").
//
// The formula of PermenPANRB 14/2017 (domain.md §6.4):
//
//	NRR per unsur          = Σ nilai per unsur / jumlah jawaban unsur itu
//	NRR tertimbang         = NRR × bobot                (bobot = 1/jumlah unsur)
//	IKM                    = Σ NRR tertimbang × 25      (skala 25–100)
func Compute(els []Element, answers [][]int) (Result, error) {
	if err := CheckWeights(els); err != nil {
		return Result{}, err
	}
	w := weights(els)
	sums := make([]int, len(els))
	for i, row := range answers {
		if len(row) != len(els) {
			return Result{}, answerError("ikm.answer_count", i+1, len(row), len(els))
		}
		for j, v := range row {
			if v < MinAnswer || v > MaxAnswer {
				return Result{}, answerError("ikm.answer_range", i+1, els[j].Code, v)
			}
			sums[j] += v
		}
	}
	n := len(answers)
	res := Result{Respondents: n, Elements: make([]ElementResult, len(els))}
	total := 0.0
	for j, e := range els {
		er := ElementResult{Code: e.Code, Name: e.Name, Weight: w[j], Answers: n}
		if n > 0 {
			er.NRR = float64(sums[j]) / float64(n)
			er.Weighted = er.NRR * w[j]
			total += er.Weighted
		}
		res.Elements[j] = er
	}
	if n == 0 {
		return res, nil
	}
	res.IKM = Round2(total * 25)
	res.Mutu, res.Kinerja = MutuOf(res.IKM)
	res.Weakest = weakest(res.Elements)
	return res, nil
}

func answerError(key string, args ...any) error {
	return &apperr.Error{Kind: apperr.Invalid, Key: key, Args: args}
}

// weakest orders the element codes by NRR, lowest first; elements of equal
// NRR by code (U2 before U10).
func weakest(els []ElementResult) []string {
	sorted := slices.Clone(els)
	slices.SortStableFunc(sorted, func(a, b ElementResult) int {
		if c := cmp.Compare(a.NRR, b.NRR); c != 0 {
			return c
		}
		return CompareCodes(a.Code, b.Code)
	})
	out := make([]string, len(sorted))
	for i, e := range sorted {
		out[i] = e.Code
	}
	return out
}

// CompareCodes orders element codes as people read them: U1, U2, …, U9,
// U10 (a unit's added elements after the nine), then other codes by text.
func CompareCodes(a, b string) int {
	na, oka := codeNumber(a)
	nb, okb := codeNumber(b)
	switch {
	case oka && okb:
		return cmp.Compare(na, nb)
	case oka:
		return -1
	case okb:
		return 1
	}
	return strings.Compare(a, b)
}

// codeNumber returns n of a code "Un".
func codeNumber(code string) (int, bool) {
	rest, ok := strings.CutPrefix(code, "U")
	if !ok || rest == "" || len(rest) > 4 {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 1 || strconv.Itoa(n) != rest {
		return 0, false
	}
	return n, true
}

// Round2 rounds an index to 2 decimals, halves up, as a person rounds the
// exact value: a hair is added so that 76.605, which floating point holds as
// 76.60499…, rounds to 76.61 as it does on paper.
func Round2(x float64) float64 {
	return math.Floor(x*100+0.5+1e-7) / 100
}

// MutuOf gives the quality band and the unit's performance of an IKM, on
// the IKM rounded to 2 decimals (domain.md §6.5; the source that prints C
// as 65,00–76,66 misprints 76,60):
//
//	88,31 – 100,00  A  Sangat Baik
//	76,61 –  88,30  B  Baik
//	65,00 –  76,60  C  Kurang Baik
//	25,00 –  64,99  D  Tidak Baik
//
// Outside 25–100 (no answers can give that) it returns "", "".
func MutuOf(ikm float64) (mutu, kinerja string) {
	// In hundredths, as whole numbers: no float comparison on a band edge.
	c := int64(math.Floor(ikm*100 + 0.5 + 1e-7))
	switch {
	case c > 10000 || c < 2500 || math.IsNaN(ikm):
		return "", ""
	case c >= 8831:
		return "A", "Sangat Baik"
	case c >= 7661:
		return "B", "Baik"
	case c >= 6500:
		return "C", "Kurang Baik"
	}
	return "D", "Tidak Baik"
}

// SampleSize is the Krejcie–Morgan sample for a population of population
// service users (domain.md §6.6): n = χ²·N·P(1−P) / (d²(N−1) + χ²·P(1−P))
// with χ² = 3.841 (one degree of freedom, 95%), P = 0.5, d = 0.05, rounded
// to the nearest whole respondent as the published table is (100 → 80,
// 1,000 → 278, a million → 384). 0 for no population.
func SampleSize(population int) int {
	if population <= 0 {
		return 0
	}
	const chi2, p, d = 3.841, 0.5, 0.05
	n := float64(population)
	s := chi2 * n * p * (1 - p) / (d*d*(n-1) + chi2*p*(1-p))
	return int(math.Round(s))
}

// Scale returns the wording of the answers 1–4 of an element, as the sample
// questionnaire of PermenPANRB 14/2017 words them: for biaya (U4) "Sangat
// mahal / Cukup mahal / Murah / Gratis", for the others words fitted to the
// question, and "Tidak sesuai / Kurang sesuai / Sesuai / Sangat sesuai" for
// an element a unit added (domain.md §6.3).
func Scale(code string) [4]string {
	if s, ok := scales[code]; ok {
		return s
	}
	return [4]string{"Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"}
}

var scales = map[string][4]string{
	"U1": {"Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"},
	"U2": {"Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"},
	"U3": {"Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"},
	"U4": {"Sangat mahal", "Cukup mahal", "Murah", "Gratis"},
	"U5": {"Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"},
	"U6": {"Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"},
	"U7": {"Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah"},
	"U8": {"Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik"},
	"U9": {"Buruk", "Cukup", "Baik", "Sangat baik"},
}

// Question returns the question of a standard element in plain words, for
// the public form; "" for an element a unit added (its name is the
// question).
func Question(code string) string { return questions[code] }

var questions = map[string]string{
	"U1": "Apakah persyaratan pelayanan sesuai dengan jenis pelayanannya?",
	"U2": "Apakah cara dan langkah mendapatkan pelayanan mudah?",
	"U3": "Apakah pelayanan diberikan dengan cepat?",
	"U4": "Bagaimana biaya pelayanan?",
	"U5": "Apakah hasil pelayanan sesuai dengan yang dijanjikan dalam standar pelayanan?",
	"U6": "Apakah petugas mampu memberikan pelayanan?",
	"U7": "Apakah petugas sopan dan ramah?",
	"U8": "Bagaimana pengaduan, saran dan masukan ditangani?",
	"U9": "Bagaimana keadaan sarana dan prasarana (tempat, peralatan)?",
}

// Named returns the elements for codes: a standard code with its name, any
// other (a unit's added element) named after its code. Equal weights.
func Named(codes []string) []Element {
	out := make([]Element, len(codes))
	for i, c := range codes {
		out[i] = Element{Code: c, Name: fmt.Sprintf("Unsur tambahan %s", c)}
		for _, s := range standard {
			if s.Code == c {
				out[i].Name = s.Name
			}
		}
	}
	return out
}

package ikm

import (
	"math"
	"slices"
	"testing"

	"github.com/layan-id/layan/internal/apperr"
)

// spread makes n respondents whose answers to k elements sum to total, as
// evenly as can be: an answer set whose index is total / (k·n) × 25 exactly.
func spread(n, k, total int) [][]int {
	cells := n * k
	q, r := total/cells, total%cells
	out := make([][]int, n)
	c := 0
	for i := range out {
		out[i] = make([]int, k)
		for j := range out[i] {
			out[i][j] = q
			if c < r {
				out[i][j]++
			}
			c++
		}
	}
	return out
}

func same(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// Hand-computed vectors: IKM = 25 × Σ answers / (9 × respondents) with equal
// weights, landing on and beside the band edges of domain.md §6.5.
func TestComputeVectors(t *testing.T) {
	for _, c := range []struct {
		name          string
		answers       [][]int
		ikm           float64
		mutu, kinerja string
	}{
		{"one respondent, all 3", [][]int{{3, 3, 3, 3, 3, 3, 3, 3, 3}}, 75.00, "C", "Kurang Baik"},
		{"all 4", spread(3, 9, 3*9*4), 100.00, "A", "Sangat Baik"},
		{"all 1", spread(3, 9, 3*9), 25.00, "D", "Tidak Baik"},
		// 25 × 3447 / 1125 = 76.60 exactly: the top of C.
		{"76.60", spread(125, 9, 3447), 76.60, "C", "Kurang Baik"},
		// 25 × 68949 / 22500 = 76.61 exactly: the bottom of B.
		{"76.61", spread(2500, 9, 68949), 76.61, "B", "Baik"},
		// 25 × 137889 / 45000 = 76.605: rounds half up to 76.61, B.
		{"76.605 rounds to 76.61", spread(5000, 9, 137889), 76.61, "B", "Baik"},
		// 25 × 137888 / 45000 = 76.6044…: rounds to 76.60, C.
		{"76.6044 rounds to 76.60", spread(5000, 9, 137888), 76.60, "C", "Kurang Baik"},
		// 25 × 7947 / 2250 = 88.30: the top of B.
		{"88.30", spread(250, 9, 7947), 88.30, "B", "Baik"},
		// 25 × 79479 / 22500 = 88.31: the bottom of A.
		{"88.31", spread(2500, 9, 79479), 88.31, "A", "Sangat Baik"},
		// 25 × 117 / 45 = 65.00: the bottom of C.
		{"65.00", spread(5, 9, 117), 65.00, "C", "Kurang Baik"},
		// 25 × 58491 / 22500 = 64.99: the top of D.
		{"64.99", spread(2500, 9, 58491), 64.99, "D", "Tidak Baik"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := Compute(Standard(), c.answers)
			if err != nil {
				t.Fatal(err)
			}
			if r.Respondents != len(c.answers) || !same(r.IKM, c.ikm) || r.Mutu != c.mutu || r.Kinerja != c.kinerja {
				t.Errorf("got %d respondents, IKM %.4f %s %s; want %d, %.2f %s %s",
					r.Respondents, r.IKM, r.Mutu, r.Kinerja, len(c.answers), c.ikm, c.mutu, c.kinerja)
			}
		})
	}
}

// Two respondents computed by hand, element by element.
func TestComputeByElement(t *testing.T) {
	answers := [][]int{
		{4, 3, 3, 2, 3, 3, 4, 3, 3},
		{4, 3, 2, 2, 3, 4, 4, 3, 2},
	}
	r, err := Compute(Standard(), answers)
	if err != nil {
		t.Fatal(err)
	}
	nrr := []float64{4, 3, 2.5, 2, 3, 3.5, 4, 3, 2.5}
	for j, e := range r.Elements {
		if e.Code != standard[j].Code || e.Name != standard[j].Name || !same(e.NRR, nrr[j]) ||
			!same(e.Weight, 1.0/9) || !same(e.Weighted, nrr[j]/9) || e.Answers != 2 {
			t.Errorf("element %d: %+v, want NRR %v", j, e, nrr[j])
		}
	}
	// Σ NRR = 27.5; / 9 = 3.0556; × 25 = 76.389 → 76.39, C.
	if !same(r.IKM, 76.39) || r.Mutu != "C" || r.Kinerja != "Kurang Baik" {
		t.Errorf("IKM %v %s %s, want 76.39 C Kurang Baik", r.IKM, r.Mutu, r.Kinerja)
	}
	// Lowest NRR first; equal NRR by code.
	want := []string{"U4", "U3", "U9", "U2", "U5", "U8", "U6", "U1", "U7"}
	if !slices.Equal(r.Weakest, want) {
		t.Errorf("weakest %v, want %v", r.Weakest, want)
	}

	// A unit's own weights: U1 0.2, the others 0.1 each.
	// 4 × 0.2 + (27.5 − 4) × 0.1 = 3.15; × 25 = 78.75, B.
	els := Standard()
	for i := range els {
		els[i].Weight = 0.1
	}
	els[0].Weight = 0.2
	r, err = Compute(els, answers)
	if err != nil {
		t.Fatal(err)
	}
	if !same(r.IKM, 78.75) || r.Mutu != "B" || r.Kinerja != "Baik" || !same(r.Elements[0].Weighted, 0.8) {
		t.Errorf("weighted: IKM %v %s, U1 %+v; want 78.75 B, weighted 0.8", r.IKM, r.Mutu, r.Elements[0])
	}
}

// A unit adds U10: ten elements, equal weights 0.1.
func TestComputeExtraElement(t *testing.T) {
	els := append(Standard(), Element{Code: "U10", Name: "Kenyamanan ruang tunggu"})
	r, err := Compute(els, [][]int{{4, 4, 4, 4, 4, 4, 4, 4, 4, 1}})
	if err != nil {
		t.Fatal(err)
	}
	// (9 × 4 + 1) / 10 = 3.7; × 25 = 92.50, A.
	if len(r.Elements) != 10 || !same(r.Elements[9].Weight, 0.1) || !same(r.IKM, 92.5) || r.Mutu != "A" {
		t.Errorf("got %d elements, U10 %+v, IKM %v %s", len(r.Elements), r.Elements[9], r.IKM, r.Mutu)
	}
	if r.Weakest[0] != "U10" || r.Weakest[1] != "U1" || r.Weakest[9] != "U9" {
		t.Errorf("weakest %v, want U10 first, then U1…U9", r.Weakest)
	}
}

// An empty period: no respondents, no index.
func TestComputeEmpty(t *testing.T) {
	for _, answers := range [][][]int{nil, {}} {
		r, err := Compute(Standard(), answers)
		if err != nil {
			t.Fatal(err)
		}
		if r.Respondents != 0 || r.IKM != 0 || r.Mutu != "" || r.Kinerja != "" || len(r.Weakest) != 0 {
			t.Errorf("empty: %+v", r)
		}
		if len(r.Elements) != 9 || !same(r.Elements[3].Weight, 1.0/9) || r.Elements[3].Code != "U4" || r.Elements[3].NRR != 0 {
			t.Errorf("empty elements: %+v", r.Elements)
		}
	}
}

func TestComputeRefuses(t *testing.T) {
	good := []int{3, 3, 3, 3, 3, 3, 3, 3, 3}
	for _, c := range []struct {
		name    string
		answers [][]int
		key     string
		args    []any
	}{
		{"answer 5", [][]int{good, {3, 3, 5, 3, 3, 3, 3, 3, 3}}, "ikm.answer_range", []any{2, "U3", 5}},
		{"answer 0 (not answered)", [][]int{{3, 3, 3, 0, 3, 3, 3, 3, 3}}, "ikm.answer_range", []any{1, "U4", 0}},
		{"answer -1", [][]int{good, good, {3, 3, 3, 3, 3, 3, 3, 3, -1}}, "ikm.answer_range", []any{3, "U9", -1}},
		{"an element missing", [][]int{good, {3, 3, 3, 3, 3, 3, 3, 3}}, "ikm.answer_count", []any{2, 8, 9}},
		{"an element too many", [][]int{{3, 3, 3, 3, 3, 3, 3, 3, 3, 3}}, "ikm.answer_count", []any{1, 10, 9}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Compute(Standard(), c.answers)
			ae := apperr.As(err)
			if ae == nil || ae.Kind != apperr.Invalid || ae.Key != c.key || !slices.Equal(ae.Args, c.args) {
				t.Errorf("error %v, want %s %v", err, c.key, c.args)
			}
		})
	}
}

func TestCheckWeights(t *testing.T) {
	with := func(ws ...float64) []Element {
		els := Standard()[:len(ws)]
		for i := range els {
			els[i].Weight = ws[i]
		}
		return els
	}
	nine := func(w float64) []Element {
		ws := make([]float64, 9)
		for i := range ws {
			ws[i] = w
		}
		return with(ws...)
	}
	for _, c := range []struct {
		name  string
		els   []Element
		field string
		key   string
	}{
		{"equal (all 0)", Standard(), "", ""},
		{"1/9 each", nine(1.0 / 9), "", ""},
		{"0.2 + 8 × 0.1", with(0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1), "", ""},
		{"0.5 + 0.5", with(0.5, 0.5), "", ""},
		{"9 × 0.111 = 0.999", nine(0.111), "weights", "ikm.weight_sum"},
		{"sum 1.1", with(0.6, 0.5), "weights", "ikm.weight_sum"},
		{"one 0 among others", with(1, 0), "weights", "ikm.weight_positive"},
		{"negative", with(1.5, -0.5), "weights", "ikm.weight_positive"},
		{"NaN", with(math.NaN(), 1), "weights", "ikm.weight_positive"},
		{"no elements", nil, "elements", "ikm.no_elements"},
		{"code twice", []Element{{Code: "U1", Name: "a"}, {Code: "U1", Name: "b"}}, "elements", "ikm.element_twice"},
		{"no name", []Element{{Code: "U1"}}, "elements", "ikm.element_unnamed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := CheckWeights(c.els)
			if c.key == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			ae := apperr.As(err)
			if ae == nil || ae.Kind != apperr.Invalid || len(ae.Fields) != 1 || ae.Fields[0].Field != c.field || ae.Fields[0].Key != c.key {
				t.Fatalf("error %v, want %s on %s", err, c.key, c.field)
			}
			// Compute refuses the same elements.
			if _, err := Compute(c.els, nil); err == nil {
				t.Error("Compute accepted them")
			}
		})
	}
}

func TestMutuOf(t *testing.T) {
	for _, c := range []struct {
		ikm           float64
		mutu, kinerja string
	}{
		{100, "A", "Sangat Baik"},
		{88.31, "A", "Sangat Baik"},
		{88.305, "A", "Sangat Baik"}, // rounds to 88.31
		{88.30, "B", "Baik"},
		{88.3049, "B", "Baik"},
		{76.61, "B", "Baik"},
		{76.605, "B", "Baik"}, // rounds to 76.61
		{76.60, "C", "Kurang Baik"},
		{76.6049, "C", "Kurang Baik"},
		{75, "C", "Kurang Baik"},
		{65.00, "C", "Kurang Baik"},
		{64.995, "C", "Kurang Baik"}, // rounds to 65.00
		{64.99, "D", "Tidak Baik"},
		{25, "D", "Tidak Baik"},
		{24.99, "", ""},
		{100.01, "", ""},
		{math.NaN(), "", ""},
	} {
		if m, k := MutuOf(c.ikm); m != c.mutu || k != c.kinerja {
			t.Errorf("MutuOf(%v) = %q %q, want %q %q", c.ikm, m, k, c.mutu, c.kinerja)
		}
	}
}

func TestRound2(t *testing.T) {
	for _, c := range []struct{ in, want float64 }{
		{76.605, 76.61}, {76.6049999, 76.60}, {75, 75}, {88.305, 88.31}, {64.994, 64.99}, {99.999, 100},
	} {
		if got := Round2(c.in); !same(got, c.want) {
			t.Errorf("Round2(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

// The published Krejcie–Morgan table (domain.md §6.6).
func TestSampleSize(t *testing.T) {
	for _, c := range []struct{ n, want int }{
		{0, 0}, {-5, 0}, {1, 1}, {10, 10}, {50, 44}, {100, 80}, {300, 169}, {1000, 278}, {2000, 322},
		{1_000_000, 384}, {100_000_000, 384},
	} {
		if got := SampleSize(c.n); got != c.want {
			t.Errorf("SampleSize(%d) = %d, want %d", c.n, got, c.want)
		}
	}
	for n := 1; n < 5000; n++ {
		if s := SampleSize(n); s > n || s < 1 {
			t.Fatalf("SampleSize(%d) = %d, outside 1…%d", n, s, n)
		}
	}
}

func TestScale(t *testing.T) {
	if s := Scale("U4"); s != [4]string{"Sangat mahal", "Cukup mahal", "Murah", "Gratis"} {
		t.Errorf("U4: %v", s)
	}
	if s := Scale("U1"); s != [4]string{"Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"} {
		t.Errorf("U1: %v", s)
	}
	if s := Scale("U10"); s != Scale("U1") {
		t.Errorf("an added element: %v", s)
	}
	for _, e := range Standard() {
		for _, w := range Scale(e.Code) {
			if w == "" {
				t.Errorf("%s: empty wording", e.Code)
			}
		}
		if Question(e.Code) == "" {
			t.Errorf("%s: no question", e.Code)
		}
	}
}

func TestCompareCodes(t *testing.T) {
	codes := []string{"U10", "X", "U2", "U1", "U9", "U11", "A"}
	slices.SortFunc(codes, CompareCodes)
	if want := []string{"U1", "U2", "U9", "U10", "U11", "A", "X"}; !slices.Equal(codes, want) {
		t.Errorf("%v, want %v", codes, want)
	}
}

func TestNamed(t *testing.T) {
	els := Named([]string{"U1", "U10"})
	if els[0].Name != "Persyaratan" || els[1].Name != "Unsur tambahan U10" || CheckWeights(els) != nil {
		t.Errorf("%+v", els)
	}
}

package sarpras

import (
	"testing"
	"time"

	"github.com/layan-id/layan/internal/apperr"
)

func rows(ws []float64, as []Answer) []Row {
	out := make([]Row, len(ws))
	for i := range ws {
		out[i] = Row{Code: string(rune('a' + i)), Weight: ws[i], Answer: as[i]}
	}
	return out
}

// Hand-computed: score = Σ w × v ÷ Σ w × 100, v = 1, 0.5, 0.
func TestScore(t *testing.T) {
	S, T, N, U := AdaSesuai, AdaTidakSesuai, TidakAda, Unanswered
	for _, c := range []struct {
		name string
		ws   []float64
		as   []Answer
		want float64
	}{
		{"empty", nil, nil, 0},
		{"all sesuai", []float64{1, 1, 1}, []Answer{S, S, S}, 100},
		{"none", []float64{1, 1}, []Answer{N, N}, 0},
		{"half", []float64{1, 1}, []Answer{T, T}, 50},
		{"mixed equal", []float64{1, 1, 1}, []Answer{S, T, N}, 50},
		{"one of three", []float64{1, 1, 1}, []Answer{S, N, N}, 33.33},
		{"two of three", []float64{1, 1, 1}, []Answer{S, S, N}, 66.67},
		{"weighted", []float64{3, 1}, []Answer{S, N}, 75},
		{"weighted half", []float64{2, 1, 1}, []Answer{T, S, N}, 50},
		{"unanswered counts as absent", []float64{1, 1}, []Answer{S, U}, 50},
		{"fifteen defaults, 11 sesuai 2 tidak sesuai 2 tidak ada", []float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
			[]Answer{S, S, S, S, S, S, S, S, S, S, S, T, T, N, N}, 80},
	} {
		if got := Score(rows(c.ws, c.as)); got != c.want {
			t.Errorf("%s: score %v, want %v", c.name, got, c.want)
		}
	}
}

func TestCheckFinal(t *testing.T) {
	if err := CheckFinal(nil); apperr.KindOf(err) != apperr.Invalid {
		t.Errorf("no items: %v", err)
	}
	err := CheckFinal(rows([]float64{1, 1, 1}, []Answer{AdaSesuai, "", "bogus"}))
	e := apperr.As(err)
	if e == nil || e.Kind != apperr.Invalid || len(e.Fields) != 2 || e.Fields[0].Field != "answer.b" || e.Code != "unanswered" {
		t.Fatalf("unanswered: %#v", err)
	}
	if err := CheckFinal(rows([]float64{1}, []Answer{TidakAda})); err != nil {
		t.Errorf("all answered: %v", err)
	}
}

func TestSuggestions(t *testing.T) {
	got := Suggestions(rows([]float64{1, 1, 1, 1}, []Answer{AdaSesuai, AdaTidakSesuai, TidakAda, Unanswered}))
	if len(got) != 2 || got[0].Code != "b" || got[1].Code != "c" {
		t.Errorf("suggestions %+v", got)
	}
}

func TestDefaults(t *testing.T) {
	d := Defaults()
	want := []string{"parkir", "guiding_block", "ramp", "pegangan_rambat", "pintu", "toilet", "kursi_prioritas",
		"ruang_laktasi", "area_anak", "ruang_konseling", "kursi_roda", "loket_prioritas", "braille", "bahasa_isyarat", "penanda"}
	if len(d) != len(want) {
		t.Fatalf("%d defaults, want %d", len(d), len(want))
	}
	for i, it := range d {
		if it.Code != want[i] {
			t.Errorf("default %d is %s, want %s", i, it.Code, want[i])
		}
		if f := it.Validate(); len(f) > 0 {
			t.Errorf("default %s invalid: %v", it.Code, f)
		}
		if it.Weight != 1 {
			t.Errorf("default %s weight %v: equal weights by default", it.Code, it.Weight)
		}
	}
}

func TestItemValidate(t *testing.T) {
	ok := Item{Code: "lift", Group: Akses, Name: "Lift", Criterion: "Ada lift", Source: SourcePUPR, Weight: 1}
	for _, c := range []struct {
		field string
		edit  func(*Item)
	}{
		{"code", func(it *Item) { it.Code = "" }},
		{"code", func(it *Item) { it.Code = "a b" }},
		{"group", func(it *Item) { it.Group = "x" }},
		{"name", func(it *Item) { it.Name = " " }},
		{"weight", func(it *Item) { it.Weight = 0 }},
		{"weight", func(it *Item) { it.Weight = -1 }},
	} {
		it := ok
		c.edit(&it)
		if f := it.Validate(); !f.Has(c.field) {
			t.Errorf("%+v: want an error on %s, got %v", it, c.field, f)
		}
	}
	if f := ok.Validate(); len(f) > 0 {
		t.Errorf("valid item refused: %v", f)
	}
}

func TestOverdue(t *testing.T) {
	// 2025-03-10 18:00 UTC is already 11 March in WIB.
	now := time.Date(2025, 3, 10, 18, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		status, due string
		want        bool
	}{
		{Open, "2025-03-10", true},
		{Open, "2025-03-11", false},
		{Open, "2025-03-12", false},
		{Done, "2025-01-01", false},
	} {
		if got := Overdue(c.status, c.due, now); got != c.want {
			t.Errorf("Overdue(%s, %s) = %v", c.status, c.due, got)
		}
	}
}

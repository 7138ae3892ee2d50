package survey

import (
	"testing"

	"github.com/layan-id/layan/internal/quality/ikm"
)

func TestKindDates(t *testing.T) {
	for _, c := range []struct {
		kind       Kind
		year, n    int
		start, end string
	}{
		{Triwulan, 2026, 1, "2026-01-01", "2026-03-31"},
		{Triwulan, 2024, 4, "2024-10-01", "2024-12-31"},
		{Semester, 2024, 1, "2024-01-01", "2024-06-30"},
		{Semester, 2026, 2, "2026-07-01", "2026-12-31"},
		{Tahunan, 2028, 1, "2028-01-01", "2028-12-31"},
	} {
		s, e := c.kind.Dates(c.year, c.n)
		if s.Format("2006-01-02") != c.start || e.Format("2006-01-02") != c.end {
			t.Errorf("%s %d/%d: %s–%s, want %s–%s", c.kind, c.n, c.year, s.Format("2006-01-02"), e.Format("2006-01-02"), c.start, c.end)
		}
	}
}

func TestNormalizeCode(t *testing.T) {
	for in, want := range map[string]string{
		"HK7MQ4T": "HK7MQ4T", " hk7-mq4t ": "HK7MQ4T", "HK7 MQ4 T": "HK7MQ4T",
		"HK7MQ4": "", "HK7MQ4TT": "", "HO7MQ4T": "", // O is not in the alphabet
		"": "", "../../x": "",
	} {
		if got := NormalizeCode(in); got != want {
			t.Errorf("NormalizeCode(%q) = %q, want %q", in, got, want)
		}
	}
	for range 100 {
		if c := newCode(); NormalizeCode(c) != c {
			t.Fatalf("a new code %q does not read back", c)
		}
	}
}

func TestPeriodInputValidate(t *testing.T) {
	els := func(ws ...float64) []ikm.Element {
		var out []ikm.Element
		for i, w := range ws {
			out = append(out, ikm.Element{Code: "U" + string(rune('1'+i)), Name: "Unsur", Weight: w})
		}
		return out
	}
	for _, c := range []struct {
		name  string
		in    PeriodInput
		field string // "" = valid
	}{
		{"standard", PeriodInput{Kind: Triwulan, Year: 2026, Number: 4}, ""},
		{"quarter 5", PeriodInput{Kind: Triwulan, Year: 2026, Number: 5}, "number"},
		{"semester 0", PeriodInput{Kind: Semester, Year: 2026}, "number"},
		{"unknown kind", PeriodInput{Kind: "bulanan", Year: 2026, Number: 1}, "kind"},
		{"before the regulation", PeriodInput{Kind: Tahunan, Year: 2016, Number: 1}, "year"},
		{"negative population", PeriodInput{Kind: Tahunan, Year: 2026, Number: 1, Population: -1}, "population"},
		{"equal weights by zero", PeriodInput{Kind: Tahunan, Year: 2026, Number: 1, Elements: els(0, 0, 0)}, ""},
		{"weights sum to 1", PeriodInput{Kind: Tahunan, Year: 2026, Number: 1, Elements: els(0.5, 0.25, 0.25)}, ""},
		{"weights sum to 0.9", PeriodInput{Kind: Tahunan, Year: 2026, Number: 1, Elements: els(0.5, 0.2, 0.2)}, "elements"},
		{"weights sum to 1.1", PeriodInput{Kind: Tahunan, Year: 2026, Number: 1, Elements: els(0.5, 0.3, 0.3)}, "elements"},
		{"no elements", PeriodInput{Kind: Tahunan, Year: 2026, Number: 1, Elements: []ikm.Element{}}, "elements"},
		{"duplicate code", PeriodInput{Kind: Tahunan, Year: 2026, Number: 1,
			Elements: []ikm.Element{{Code: "U1", Name: "A"}, {Code: "u1", Name: "B"}}}, "elements.1"},
		{"bad code", PeriodInput{Kind: Tahunan, Year: 2026, Number: 1, Elements: []ikm.Element{{Code: "U 1", Name: "A"}}}, "elements.0"},
	} {
		f := c.in.Validate()
		switch {
		case c.field == "" && len(f) > 0:
			t.Errorf("%s: refused: %v", c.name, f)
		case c.field != "" && !f.Has(c.field):
			t.Errorf("%s: no error on %s: %v", c.name, c.field, f)
		}
		if c.name == "equal weights by zero" && c.in.Elements[0].Weight != 1.0/3 {
			t.Errorf("equal weights: %v", c.in.Elements)
		}
	}
}

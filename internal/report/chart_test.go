package report

import (
	"strings"
	"testing"
)

func pct(v float64) *float64 { return &v }

// The bars of a panel: a full capaian reaches the top of the plot, none
// stays on the axis, a quarter without need has no bar; the year before's
// sit left of this year's in the same slot.
func TestTrendBars(t *testing.T) {
	p := TrendPanel{Title: "Anak telantar: TW1 100 %, TW2 0 %, TW3 —", Quarters: []string{"TW1", "TW2", "TW3"},
		Values: []*float64{pct(100), pct(0), nil}, Previous: []*float64{pct(50)}, ValueText: []string{"100", "0", "—"}}
	bars := TrendBars(p)
	if len(bars) != 3 {
		t.Fatalf("%d bars: %+v", len(bars), bars)
	}
	prev, full, none := bars[0], bars[1], bars[2]
	if !prev.Previous || prev.Quarter != 0 || prev.Y != (plotTop+plotBottom)/2 || prev.X+prev.W > full.X {
		t.Errorf("the year before's bar: %+v beside %+v", prev, full)
	}
	if full.Previous || full.Y != plotTop || full.H != plotBottom-plotTop {
		t.Errorf("100 %%: %+v", full)
	}
	if none.Quarter != 1 || none.H != 0 {
		t.Errorf("0 %%: %+v", none)
	}
	for _, b := range bars {
		if b.X < plotLeft || b.X+b.W > plotRight || b.Y < plotTop || b.Y+b.H > plotBottom {
			t.Errorf("bar outside the plot: %+v", b)
		}
	}
	svg := p.SVG()
	for _, want := range []string{`role="img"`, `aria-label="Anak telantar: TW1 100 %, TW2 0 %, TW3 —"`, `>TW3</text>`, `>100</text>`} {
		if !strings.Contains(svg, want) {
			t.Errorf("the SVG lacks %s:\n%s", want, svg)
		}
	}
}

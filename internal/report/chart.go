package report

import (
	"fmt"
	"html"
	"strings"
)

// The trend chart of the SPM page (issue 6 point 7: "trend per quarter"):
// one small panel per jenis pelayanan (and one for the index), each with a
// bar per quarter of the year on a 0–100 % scale and, beside it, a lighter
// bar for the same quarter of the year before. Small panels rather than
// one chart of many coloured lines: a panel needs no legend of colours,
// and its heading is the jenis's name in the page's text. The bars are
// computed by TrendBars, which the PDF can draw as well.

// TrendPanel is one jenis's capaian (or the index) over the quarters.
type TrendPanel struct {
	// Title is the panel's accessible name: what it shows, in words, with
	// its values (the SVG is an image; the page's table holds the same).
	Title string
	// Quarters labels the quarters shown ("TW1" …); Values are this year's
	// (0–100, nil where no one needed the service), Previous the same
	// quarters of the year before (nil entries, or none at all, where there
	// is nothing to show); ValueText writes each of Values for the bar's
	// label ("41,7"), "—" for nil.
	Quarters  []string
	Values    []*float64
	Previous  []*float64
	ValueText []string
}

// TrendBar is one bar of a panel, in the panel's units (TrendPanelWidth ×
// TrendPanelHeight, y downwards).
type TrendBar struct {
	Quarter  int  // 0-based position in Quarters
	Previous bool // the year before's
	X, Y     float64
	W, H     float64
}

// A panel's size and its plot area, in its own units.
const (
	TrendPanelWidth  = 200.0
	TrendPanelHeight = 132.0
	plotLeft         = 30.0
	plotRight        = 196.0
	plotTop          = 16.0
	plotBottom       = 104.0
	slotsPerPanel    = 4 // a year's quarters: the bars keep their width whatever the number shown
)

// plotY is the height on the panel of a capaian v (0–100).
func plotY(v float64) float64 {
	v = min(max(v, 0), 100)
	return plotBottom - (plotBottom-plotTop)*v/100
}

// slotX is the left of quarter i's slot.
func slotX(i int) float64 {
	return plotLeft + float64(i)*(plotRight-plotLeft)/slotsPerPanel
}

// TrendBars lays out a panel's bars: per quarter the year before's (when
// there is one) on the left, narrower, and this year's on the right. A
// value of nil has no bar.
func TrendBars(p TrendPanel) []TrendBar {
	slot := (plotRight - plotLeft) / slotsPerPanel
	var out []TrendBar
	for i := range p.Quarters {
		x := slotX(i)
		if i < len(p.Previous) && p.Previous[i] != nil {
			y := plotY(*p.Previous[i])
			out = append(out, TrendBar{Quarter: i, Previous: true, X: x + slot*0.12, Y: y, W: slot * 0.28, H: plotBottom - y})
		}
		if i < len(p.Values) && p.Values[i] != nil {
			y := plotY(*p.Values[i])
			out = append(out, TrendBar{Quarter: i, X: x + slot*0.44, Y: y, W: slot * 0.44, H: plotBottom - y})
		}
	}
	return out
}

// Colours of the bars: this year's in the brand's blue, the year before's
// in a grey that keeps 3:1 against white (WCAG 1.4.11).
const (
	trendBarFill  = "#0b4f8a"
	trendPrevFill = "#8a8a8a"
	trendGridLine = "#c8c8c8"
	trendInk      = "#1a1a1a"
)

// SVG writes the panel as an inline SVG image named by its Title.
func (p TrendPanel) SVG() string {
	var b strings.Builder
	title := html.EscapeString(p.Title)
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="trend-panel" viewBox="0 0 %s %s" role="img" aria-label="%s"><title>%s</title>`,
		svgCoord(TrendPanelWidth), svgCoord(TrendPanelHeight), title, title)
	// The scale: 0, 50 and 100 %.
	for _, v := range []float64{0, 50, 100} {
		y := svgCoord(plotY(v))
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`,
			svgCoord(plotLeft), y, svgCoord(plotRight), y, trendGridLine)
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end" font-size="11" fill="%s">%s</text>`,
			svgCoord(plotLeft-4), svgCoord(plotY(v)+4), trendInk, svgCoord(v))
	}
	for _, bar := range TrendBars(p) {
		fill := trendBarFill
		if bar.Previous {
			fill = trendPrevFill
		}
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`,
			svgCoord(bar.X), svgCoord(bar.Y), svgCoord(bar.W), svgCoord(max(bar.H, 1)), fill)
	}
	slot := (plotRight - plotLeft) / slotsPerPanel
	for i, q := range p.Quarters {
		cx := svgCoord(slotX(i) + slot/2)
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" font-size="12" fill="%s">%s</text>`,
			cx, svgCoord(plotBottom+16), trendInk, html.EscapeString(q))
		if i < len(p.ValueText) {
			// This year's value above its bar (or above the axis without one).
			y := plotBottom
			if i < len(p.Values) && p.Values[i] != nil {
				y = plotY(*p.Values[i])
			}
			fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" font-size="11" fill="%s">%s</text>`,
				svgCoord(slotX(i)+slot*0.66), svgCoord(y-3), trendInk, html.EscapeString(p.ValueText[i]))
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}

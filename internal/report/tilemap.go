package report

import (
	"fmt"
	"html"
	"strings"
)

// The map of the provinces coloured by their SPM index (issue 6 point 7).
// layan ships no boundary data: the issue allows boundaries only from a
// source whose licence permits redistribution, and accepts a tile grid
// where none is at hand — which also spares the map from boundary sets
// that predate the four Papua provinces of 2022. Each province is one
// square of equal size, placed to follow the archipelago from Aceh in the
// north-west to the Papua provinces in the east, so a reader finds a
// province where they expect it and a small province weighs as much as a
// large one. The layout and its geometry are plain data so that the page
// (SVG) and the PDF draw the same map.

// ProvinceTile is a province's cell in the grid.
type ProvinceTile struct {
	Code string // Kemendagri province code, as in wilayah
	// Abbr is the province's ISO 3166-2:ID subdivision code without "ID-",
	// short enough for a tile (JT Jawa Tengah, PD Papua Barat Daya).
	Abbr     string
	Col, Row int
}

// Size of the grid, in cells.
const (
	TileCols = 16
	TileRows = 7
)

// ProvinceTiles are the 38 provinces of Kepmendagri 2025 (the wilayah
// data: 93 Papua Selatan, 94 Papua Tengah, 95 Papua Pegunungan and 96
// Papua Barat Daya included), west to east. Gaps are seas: between
// Papua Barat and Papua lies Teluk Cenderawasih.
var ProvinceTiles = []ProvinceTile{
	// Sumatera and its islands.
	{"11", "AC", 0, 0},
	{"12", "SU", 1, 1}, {"14", "RI", 2, 1}, {"21", "KR", 3, 1},
	{"13", "SB", 1, 2}, {"15", "JA", 2, 2},
	{"17", "BE", 2, 3}, {"16", "SS", 3, 3}, {"19", "BB", 4, 3},
	{"18", "LA", 3, 4},
	// Jawa, Bali and Nusa Tenggara.
	{"31", "JK", 5, 4},
	{"36", "BT", 4, 5}, {"32", "JB", 5, 5}, {"33", "JT", 6, 5}, {"35", "JI", 7, 5},
	{"51", "BA", 8, 5}, {"52", "NB", 9, 5}, {"53", "NT", 10, 5},
	{"34", "YO", 6, 6},
	// Kalimantan.
	{"65", "KU", 7, 1},
	{"61", "KB", 5, 2}, {"62", "KT", 6, 2}, {"64", "KI", 7, 2},
	{"63", "KS", 7, 3},
	// Sulawesi.
	{"75", "GO", 9, 1}, {"71", "SA", 10, 1},
	{"72", "ST", 9, 2},
	{"76", "SR", 8, 3}, {"74", "SG", 9, 3},
	{"73", "SN", 8, 4},
	// Maluku.
	{"82", "MU", 11, 1}, {"81", "MA", 11, 3},
	// Papua.
	{"96", "PD", 12, 2}, {"92", "PB", 13, 2}, {"91", "PA", 15, 2},
	{"94", "PT", 14, 3}, {"95", "PE", 15, 3},
	{"93", "PS", 15, 4},
}

// TileBox is where a tile is drawn, in the map's units.
type TileBox struct {
	ProvinceTile
	X, Y, W, H float64
}

// TileGeometry lays the tiles out in squares of size with gap between
// them, and gives the size of the whole grid: the one geometry the SVG
// and the PDF both draw.
func TileGeometry(size, gap float64) (boxes []TileBox, width, height float64) {
	boxes = make([]TileBox, len(ProvinceTiles))
	for i, t := range ProvinceTiles {
		boxes[i] = TileBox{ProvinceTile: t, X: float64(t.Col) * (size + gap), Y: float64(t.Row) * (size + gap), W: size, H: size}
	}
	return boxes, TileCols*(size+gap) - gap, TileRows*(size+gap) - gap
}

// BandColour is the fill of band i of n (0 the highest, as spm.Bands
// lists them; -1 no index) and the colour of text on it. The six colours
// run from dark green (fully met) to red (far from it) through yellow,
// so they still read in order to a reader who tells red from green
// poorly; each text colour keeps a contrast of at least 4.5:1 on its
// fill (WCAG 1.4.3; tilemap_test.go checks), and the index is written on
// every tile, so colour is never the only carrier.
func BandColour(i, n int) (fill, text string) {
	if i < 0 || n <= 0 {
		return tileNoIndexFill, tileInk
	}
	k := 0
	if n > 1 {
		// Spread the bands over the palette: its first and last colour
		// for the highest and lowest band whatever their number.
		k = (i*(len(bandPalette)-1) + (n-1)/2) / (n - 1)
	}
	k = min(max(k, 0), len(bandPalette)-1)
	return bandPalette[k][0], bandPalette[k][1]
}

const (
	tileInk         = "#1a1a1a"
	tileNoIndexFill = "#f2f2f2"
	tileStroke      = "#5a5a5a"
)

var bandPalette = [][2]string{
	{"#14532d", "#ffffff"}, // dark green
	{"#2e7d32", "#ffffff"}, // green
	{"#a5d6a7", tileInk},   // light green
	{"#fff176", tileInk},   // yellow
	{"#ffb74d", tileInk},   // orange
	{"#c62828", "#ffffff"}, // red
}

// MapTile is what one province's tile shows.
type MapTile struct {
	Code string
	// Value is the index as the reader writes it ("77,8"), "—" without one;
	// Band its band's position (BandColour), -1 without an index.
	Value string
	Band  int
	// Name says the tile in full ("Jawa Tengah: indeks 77,8 %, Tuntas
	// Pratama"); the link's accessible name is the tile's text, then Name.
	// Href is where the tile leads (the province's page).
	Name string
	Href string
}

// TileMap is a map to draw: the tiles by province code (a province left
// out is drawn as having no index, without a link), how many bands the
// legend has, and the map's accessible name.
type TileMap struct {
	Title string
	ID    string // the id of the SVG's title element, unique on its page
	Bands int
	Tiles []MapTile
}

// Tile geometry of the SVG, in its own units; the page scales it.
const (
	tileSize = 56.0
	tileGap  = 4.0
)

// SVG writes the map as an inline SVG element: one link per province,
// each a coloured square with the province's abbreviation and its index
// written on it. The SVG is a group of links named by its title, not an
// image, so that a keyboard and a screen reader reach every province;
// the page's table says the same in rows.
func (m TileMap) SVG() string {
	byCode := make(map[string]MapTile, len(m.Tiles))
	for _, t := range m.Tiles {
		byCode[t.Code] = t
	}
	boxes, w, h := TileGeometry(tileSize, tileGap)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="tilemap" viewBox="0 0 %s %s" role="group" aria-labelledby="%s">`,
		svgCoord(w), svgCoord(h), html.EscapeString(m.ID))
	fmt.Fprintf(&b, `<title id="%s">%s</title>`, html.EscapeString(m.ID), html.EscapeString(m.Title))
	for _, box := range boxes {
		t, ok := byCode[box.Code]
		if !ok {
			t = MapTile{Code: box.Code, Value: "—", Band: -1}
		}
		fill, text := BandColour(t.Band, m.Bands)
		stroke, dash := fill, ""
		if t.Band < 0 {
			// No index: a dashed outline tells it apart from a colour.
			stroke, dash = tileStroke, ` stroke-dasharray="4 3"`
		}
		// The accessible name starts with what the tile shows (WCAG 2.5.3,
		// label in name: a speech user says what they see), then says it in
		// full.
		shown := box.Abbr + " " + t.Value
		name := html.EscapeString(shown + ", " + t.Name)
		if t.Href != "" {
			fmt.Fprintf(&b, `<a href="%s" aria-label="%s">`, html.EscapeString(t.Href), name)
		} else {
			fmt.Fprintf(&b, `<g aria-label="%s" role="img">`, name)
		}
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" rx="4" fill="%s" stroke="%s" stroke-width="2"%s/>`,
			svgCoord(box.X), svgCoord(box.Y), svgCoord(box.W), svgCoord(box.H), fill, stroke, dash)
		// One text of two lines, the space between them kept, so that the
		// tile's text reads "JT 77,8" as its name begins.
		cx := svgCoord(box.X + box.W/2)
		fmt.Fprintf(&b, `<text text-anchor="middle" fill="%s"><tspan x="%s" y="%s" font-size="17" font-weight="700">%s</tspan> `+
			`<tspan x="%s" y="%s" font-size="14">%s</tspan></text>`,
			text, cx, svgCoord(box.Y+24), html.EscapeString(box.Abbr), cx, svgCoord(box.Y+45), html.EscapeString(t.Value))
		if t.Href != "" {
			b.WriteString(`</a>`)
		} else {
			b.WriteString(`</g>`)
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// svgCoord writes a coordinate without needless decimals.
func svgCoord(f float64) string {
	s := fmt.Sprintf("%.2f", f)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

package report

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/layan-id/layan/internal/wilayah"
)

// The layout holds each of the 38 provinces of the embedded wilayah data
// once, inside the grid, no two in one cell, each with its own
// abbreviation; the geometry keeps the tiles apart.
func TestProvinceTiles(t *testing.T) {
	ix, err := wilayah.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	provinces := ix.Children("")
	if len(provinces) != 38 || len(ProvinceTiles) != 38 {
		t.Fatalf("%d provinces in wilayah, %d tiles", len(provinces), len(ProvinceTiles))
	}
	codes, abbrs, cells := map[string]bool{}, map[string]bool{}, map[[2]int]string{}
	for _, tile := range ProvinceTiles {
		r, ok := ix.Get(wilayah.Code(tile.Code))
		if !ok || r.Level != wilayah.Province {
			t.Errorf("tile %s: no such province in wilayah", tile.Code)
		}
		if codes[tile.Code] {
			t.Errorf("province %s has two tiles", tile.Code)
		}
		codes[tile.Code] = true
		if len(tile.Abbr) != 2 || abbrs[tile.Abbr] {
			t.Errorf("tile %s: abbreviation %q is not two letters of its own", tile.Code, tile.Abbr)
		}
		abbrs[tile.Abbr] = true
		if tile.Col < 0 || tile.Col >= TileCols || tile.Row < 0 || tile.Row >= TileRows {
			t.Errorf("tile %s at (%d, %d) is outside the %d × %d grid", tile.Code, tile.Col, tile.Row, TileCols, TileRows)
		}
		cell := [2]int{tile.Col, tile.Row}
		if other, taken := cells[cell]; taken {
			t.Errorf("tiles %s and %s share cell %v", other, tile.Code, cell)
		}
		cells[cell] = tile.Code
	}
	for _, p := range provinces {
		if !codes[string(p.Code)] {
			t.Errorf("province %s %s has no tile", p.Code, p.Name)
		}
	}
	// Aceh top left, the Papua provinces on the right.
	boxes, w, h := TileGeometry(10, 2)
	if w != 16*12-2 || h != 7*12-2 {
		t.Errorf("grid %v × %v", w, h)
	}
	for _, b := range boxes {
		if b.Code == "11" && (b.X != 0 || b.Y != 0) {
			t.Errorf("Aceh at %v, %v", b.X, b.Y)
		}
		if strings.HasPrefix(b.Code, "9") && b.Col < 12 {
			t.Errorf("%s (Papua) in column %d", b.Code, b.Col)
		}
		if b.W != 10 || b.X+b.W > w || b.Y+b.H > h {
			t.Errorf("tile %s: %+v outside %v × %v", b.Code, b, w, h)
		}
	}
}

// relLum is the relative luminance of #rrggbb (WCAG 2.x).
func relLum(t *testing.T, hex string) float64 {
	t.Helper()
	v, err := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	if err != nil || len(hex) != 7 {
		t.Fatalf("colour %q", hex)
	}
	lin := func(c uint64) float64 {
		s := float64(c) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(v>>16&0xff) + 0.7152*lin(v>>8&0xff) + 0.0722*lin(v&0xff)
}

func contrast(t *testing.T, a, b string) float64 {
	la, lb := relLum(t, a), relLum(t, b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// The text on every tile keeps 4.5:1 against its fill, for any number of
// bands; the highest band gets the first colour and the lowest the last.
func TestBandColours(t *testing.T) {
	for n := 1; n <= 9; n++ {
		for i := -1; i < n; i++ {
			fill, text := BandColour(i, n)
			if c := contrast(t, fill, text); c < 4.5 {
				t.Errorf("band %d of %d: %s on %s has contrast %.2f", i, n, text, fill, c)
			}
		}
	}
	if f, _ := BandColour(0, 6); f != bandPalette[0][0] {
		t.Errorf("highest of 6: %s", f)
	}
	if f, _ := BandColour(2, 3); f != bandPalette[len(bandPalette)-1][0] {
		t.Errorf("lowest of 3: %s", f)
	}
	if contrast(t, trendPrevFill, "#ffffff") < 3 || contrast(t, trendBarFill, "#ffffff") < 3 {
		t.Error("a trend bar does not stand out from the page (WCAG 1.4.11: 3:1)")
	}
}

// The SVG: a link per province with its name, the abbreviation and index
// written on the tile, names escaped; a province without data drawn
// without a link.
func TestTileMapSVG(t *testing.T) {
	m := TileMap{Title: "Peta <indeks>", ID: "peta", Bands: 6}
	for _, tile := range ProvinceTiles[1:] {
		m.Tiles = append(m.Tiles, MapTile{Code: tile.Code, Value: "77,8", Band: 3, Name: tile.Abbr + ": indeks 77,8 & lebih",
			Href: "/spm?region=" + tile.Code + "&year=2026"})
	}
	svg := m.SVG()
	if n := strings.Count(svg, "<a href="); n != 37 {
		t.Errorf("%d links, want 37", n)
	}
	if n := strings.Count(svg, "<rect "); n != 38 {
		t.Errorf("%d tiles, want 38", n)
	}
	for _, want := range []string{`<title id="peta">Peta &lt;indeks&gt;</title>`, `aria-labelledby="peta"`,
		`href="/spm?region=33&amp;year=2026"`, `aria-label="JT 77,8, JT: indeks 77,8 &amp; lebih"`, `>JT</tspan> <tspan`, `>77,8</tspan>`,
		`>AC</tspan>`, `aria-label="AC —, "`, `stroke-dasharray`} {
		if !strings.Contains(svg, want) {
			t.Errorf("the SVG lacks %s", want)
		}
	}
	if strings.Contains(svg, "<indeks>") {
		t.Error("the title is not escaped")
	}
}

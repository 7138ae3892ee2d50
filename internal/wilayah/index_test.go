package wilayah_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/layan-id/layan/internal/wilayah"
)

func embedded(tb testing.TB) *wilayah.Index {
	tb.Helper()
	ix, err := wilayah.Embedded()
	if err != nil {
		tb.Fatal(err)
	}
	return ix
}

func TestEmbeddedCounts(t *testing.T) {
	ix := embedded(t)
	// Kepmendagri 300.2.2-2138/2025 as published in idn-area-data 4.0.1;
	// domain.md §8.3 gives 38 provinces, 416 + 98 = 514 kabupaten/kota and
	// 7,285 kecamatan. 8,496 kelurahan + 75,266 desa there is 83,762.
	tests := []struct {
		l    wilayah.Level
		want int
	}{
		{wilayah.Province, 38},
		{wilayah.Regency, 514},
		{wilayah.District, 7285},
		{wilayah.Village, 83762},
		{0, 91599},
		{5, 0},
	}
	for _, tt := range tests {
		if got := ix.Count(tt.l); got != tt.want {
			t.Errorf("Count(%v) = %d, want %d", tt.l, got, tt.want)
		}
	}
	want := wilayah.Source{
		ID: "kepmendagri-2025", Regulation: "Kepmendagri No. 300.2.2-2138 Tahun 2025",
		ValidFrom: "2025-04-25", DataPackage: "idn-area-data@4.0.1", Licence: "ODbL-1.0",
	}
	if got := ix.Source(); got != want {
		t.Errorf("Source() = %+v, want %+v", got, want)
	}
	again := embedded(t)
	if again != ix {
		t.Error("Embedded built the index twice")
	}
}

func TestGet(t *testing.T) {
	ix := embedded(t)
	tests := []struct {
		code wilayah.Code
		want wilayah.Region
		ok   bool
	}{
		{"33", wilayah.Region{Code: "33", Name: "Jawa Tengah", Level: wilayah.Province}, true},
		{"33.73", wilayah.Region{Code: "33.73", Name: "Kota Salatiga", Level: wilayah.Regency, Parent: "33"}, true},
		{"33.73.04", wilayah.Region{Code: "33.73.04", Name: "Sidomukti", Level: wilayah.District, Parent: "33.73"}, true},
		{"33.73.04.1001", wilayah.Region{Code: "33.73.04.1001", Name: "Kecandran", Level: wilayah.Village, Parent: "33.73.04"}, true},
		{"96", wilayah.Region{Code: "96", Name: "Papua Barat Daya", Level: wilayah.Province}, true}, // new in the 2025 list
		{"99", wilayah.Region{}, false},
		{"33.73.04.9999", wilayah.Region{}, false},
		{"3373", wilayah.Region{}, false}, // not canonical
		{"", wilayah.Region{}, false},
	}
	for _, tt := range tests {
		got, ok := ix.Get(tt.code)
		if ok != tt.ok || got != tt.want {
			t.Errorf("Get(%q) = %+v, %v; want %+v, %v", tt.code, got, ok, tt.want, tt.ok)
		}
	}
}

func TestChildren(t *testing.T) {
	ix := embedded(t)
	tests := []struct {
		parent     wilayah.Code
		n          int
		first      wilayah.Code
		wantsChild wilayah.Code
	}{
		{"", 38, "11", "96"},
		{"33.73", 4, "33.73.01", "33.73.04"}, // Salatiga has four kecamatan
		{"33.73.04", 0, "", "33.73.04.1001"}, // checked below: n is not fixed here
		{"33.73.04.1001", 0, "", ""},
		{"99", 0, "", ""},
	}
	for _, tt := range tests {
		got := ix.Children(tt.parent)
		if tt.n > 0 && len(got) != tt.n {
			t.Errorf("Children(%q) has %d regions, want %d", tt.parent, len(got), tt.n)
		}
		if tt.first != "" && (len(got) == 0 || got[0].Code != tt.first) {
			t.Errorf("Children(%q)[0] = %v, want %s", tt.parent, got, tt.first)
		}
		if tt.wantsChild != "" && !slices.ContainsFunc(got, func(r wilayah.Region) bool { return r.Code == tt.wantsChild }) {
			t.Errorf("Children(%q) lacks %s", tt.parent, tt.wantsChild)
		}
		if tt.wantsChild == "" && len(got) != 0 {
			t.Errorf("Children(%q) = %d regions, want none", tt.parent, len(got))
		}
		for i, r := range got {
			if r.Parent != tt.parent || (i > 0 && got[i-1].Code >= r.Code) {
				t.Errorf("Children(%q): %s out of place", tt.parent, r.Code)
			}
		}
	}

	// Walking Children from the top reaches every region exactly once.
	seen := 0
	var walk func(wilayah.Code)
	walk = func(c wilayah.Code) {
		for _, r := range ix.Children(c) {
			seen++
			walk(r.Code)
		}
	}
	walk("")
	if seen != ix.Count(0) {
		t.Errorf("walk reached %d regions, want %d", seen, ix.Count(0))
	}

	// The result is a copy: changing it leaves the index alone.
	kids := ix.Children("")
	kids[0].Name = "changed"
	if ix.Children("")[0].Name != "Aceh" {
		t.Error("Children returned a view into the index")
	}
}

func TestPath(t *testing.T) {
	ix := embedded(t)
	tests := []struct {
		code wilayah.Code
		want []string
	}{
		{"33.73.04.1001", []string{"Jawa Tengah", "Kota Salatiga", "Sidomukti", "Kecandran"}},
		{"33.73", []string{"Jawa Tengah", "Kota Salatiga"}},
		{"33", []string{"Jawa Tengah"}},
		{"33.73.04.9999", nil},
		{"", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, r := range ix.Path(tt.code) {
			got = append(got, r.Name)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Path(%q) = %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestSearch(t *testing.T) {
	ix := embedded(t)
	tests := []struct {
		name   string
		query  string
		within wilayah.Code
		level  wilayah.Level
		limit  int
		want   []wilayah.Code // the first results, in order
		absent []wilayah.Code // must not appear
		empty  bool
	}{
		{name: "kota before its namesakes", query: "salatiga", limit: 10,
			// Kota Salatiga (its name proper equals the query), then the
			// kecamatan Salatiga in Sanggau, then the three villages.
			want: []wilayah.Code{"33.73", "61.01.18", "33.73.01.1003", "61.01.18.2005", "61.08.04.2015"}},
		{name: "case and spaces", query: "  SALATIGA ", limit: 1, want: []wilayah.Code{"33.73"}},
		{name: "full regency name", query: "kota salatiga", limit: 1, want: []wilayah.Code{"33.73"}},
		{name: "within a province", query: "salatiga", within: "33", limit: 10,
			want: []wilayah.Code{"33.73", "33.73.01.1003"}, absent: []wilayah.Code{"61.01.18"}},
		{name: "one level", query: "salatiga", level: wilayah.Village, limit: 10,
			want: []wilayah.Code{"33.73.01.1003", "61.01.18.2005", "61.08.04.2015"}},
		{name: "village", query: "kecandran", limit: 5, want: []wilayah.Code{"33.73.04.1001"}},
		{name: "accent-insensitive", query: "Kécandran", limit: 1, want: []wilayah.Code{"33.73.04.1001"}},
		// Both kecamatan whose names start "Sido" (by code), then villages.
		{name: "word prefix", query: "sido", within: "33.73", limit: 5,
			want: []wilayah.Code{"33.73.01", "33.73.04", "33.73.01.1002", "33.73.02.1003"}},
		{name: "exact beats prefix", query: "sidomukti", limit: 1, want: []wilayah.Code{"33.73.04"}},
		{name: "not mid-word", query: "muk", within: "33.73", limit: 50, absent: []wilayah.Code{"33.73.04"}},
		{name: "two words", query: "aceh sel", limit: 3, want: []wilayah.Code{"11.01"}},
		{name: "words in any order", query: "sel aceh", limit: 10, want: []wilayah.Code{"11.01"}},
		{name: "kota administrasi", query: "jakarta pusat", limit: 1, want: []wilayah.Code{"31.71"}},
		{name: "apostrophe ignored", query: "ra'as", limit: 1, want: []wilayah.Code{"35.29.22"}},
		{name: "all words must match", query: "kecandran aceh", limit: 10, empty: true},
		{name: "code", query: "33.73", limit: 3, want: []wilayah.Code{"33.73", "33.73.01", "33.73.02"}},
		{name: "undotted code", query: "3373", limit: 1, want: []wilayah.Code{"33.73"}},
		{name: "code prefix", query: "33.7", limit: 2, want: []wilayah.Code{"33.71", "33.72"}},
		{name: "village code", query: "3373041001", limit: 5, want: []wilayah.Code{"33.73.04.1001"}},
		{name: "code within", query: "33", within: "33.73.04", level: wilayah.Village, limit: 1, want: []wilayah.Code{"33.73.04.1001"}},
		{name: "code outside within", query: "34", within: "33", limit: 5, empty: true},
		{name: "too short", query: "s", limit: 10, empty: true},
		{name: "too short after cleaning", query: " a- ", limit: 10, empty: true},
		{name: "empty", query: "", limit: 10, empty: true},
		{name: "unknown within", query: "salatiga", within: "99", limit: 10, empty: true},
		{name: "bad level", query: "salatiga", level: 9, limit: 10, empty: true},
		{name: "zero limit", query: "salatiga", limit: 0, empty: true},
		{name: "nothing", query: "qqqq", limit: 10, empty: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ix.Search(tt.query, tt.within, tt.level, tt.limit)
			if tt.empty && len(got) != 0 {
				t.Fatalf("got %v, want nothing", codesOf(got))
			}
			if len(got) > tt.limit {
				t.Errorf("got %d results, limit %d", len(got), tt.limit)
			}
			if len(got) < len(tt.want) || !slices.Equal(codesOf(got[:len(tt.want)]), tt.want) {
				t.Errorf("got %v, want it to start %v", codesOf(got), tt.want)
			}
			for _, r := range got {
				if slices.Contains(tt.absent, r.Code) {
					t.Errorf("got %s (%s), which must not match", r.Code, r.Name)
				}
				if tt.within != "" && !tt.within.Contains(r.Code) {
					t.Errorf("got %s outside %s", r.Code, tt.within)
				}
				if tt.level != 0 && r.Level != tt.level {
					t.Errorf("got %s at level %v", r.Code, r.Level)
				}
			}
		})
	}
}

func TestSearchLimitCapped(t *testing.T) {
	ix := embedded(t)
	if got := ix.Search("su", "", 0, 10_000); len(got) != wilayah.MaxSearchLimit {
		t.Errorf("got %d results, want the cap %d", len(got), wilayah.MaxSearchLimit)
	}
	if got := ix.Search(strings.Repeat("a", 101), "", 0, 10); got != nil {
		t.Errorf("over-long query gave %d results", len(got))
	}
}

func codesOf(rs []wilayah.Region) []wilayah.Code {
	out := make([]wilayah.Code, len(rs))
	for i, r := range rs {
		out[i] = r.Code
	}
	return out
}

func BenchmarkSearch(b *testing.B) {
	ix := embedded(b)
	for _, bm := range []struct {
		name, query string
		within      wilayah.Code
	}{
		{"two-letters", "su", ""},
		{"prefix", "sido", ""},
		{"exact", "salatiga", ""},
		{"two-words", "aceh sel", ""},
		{"rare-second-word", "sumber baru", ""},
		{"within-district", "ke", "33.73.04"},
		{"within-province", "jaya", "33"},
		{"code", "33.73", ""},
		{"no-match", "qqqq", ""},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ix.Search(bm.query, bm.within, 0, 10)
			}
		})
	}
}

func BenchmarkChildren(b *testing.B) {
	ix := embedded(b)
	for _, bm := range []struct {
		name   string
		parent wilayah.Code
	}{
		{"provinces", ""},
		{"regencies-of-jawa-tengah", "33"},
		{"villages-of-sidomukti", "33.73.04"},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ix.Children(bm.parent)
			}
		})
	}
}

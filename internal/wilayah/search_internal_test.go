package wilayah

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"slices"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Kabupaten Aceh Selatan", "kabupaten aceh selatan"},
		{"  KOTA   Salatiga ", "kota salatiga"},
		{"Kupa-kupa Selatan (Halehe)", "kupa kupa selatan halehe"},
		{`Ra"as`, "raas"},
		{"Ra'as", "raas"},
		{"Bu Nuapu’u", "bu nuapuu"},
		{"Lambang Sari I, II, III", "lambang sari i ii iii"},
		{"Teuw*", "teuw"},
		{"Sidomúkti", "sidomukti"},
		{"Sidomu\u0301kti", "sidomukti"}, // decomposed accent
		{"ÇİĞDEM", "cigdem"},
		{"Ramunia 2", "ramunia 2"},
		{"--", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := normalize(tt.in); got != tt.want {
			t.Errorf("normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDot(t *testing.T) {
	tests := []struct{ in, want string }{
		{"3", "3"}, {"33", "33"}, {"337", "33.7"}, {"3373", "33.73"},
		{"33730", "33.73.0"}, {"3373041", "33.73.04.1"}, {"3373041001", "33.73.04.1001"},
	}
	for _, tt := range tests {
		if got := dot(tt.in); got != tt.want {
			t.Errorf("dot(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// slowSearch is the definition Search must meet, written the obvious way:
// rank every region, sort, cut. The fast path must return exactly this.
func (ix *Index) slowSearch(nq string, within Code, level Level, limit int) []Region {
	type hit struct {
		tier int
		pos  int
	}
	words := strings.Split(nq, " ")
	var hits []hit
	for i, r := range ix.all {
		if level != 0 && r.Level != level {
			continue
		}
		if within != "" && !within.Contains(r.Code) {
			continue
		}
		full, bare := ix.norm[i], ix.norm[i][ix.bare[i]:]
		switch {
		case full == nq || bare == nq:
			hits = append(hits, hit{tierExact, i})
		case strings.HasPrefix(full, nq) || strings.HasPrefix(bare, nq):
			hits = append(hits, hit{tierPrefix, i})
		case hasWordPrefixes(full, words):
			hits = append(hits, hit{tierWords, i})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(a.tier, b.tier), cmp.Compare(a.pos, b.pos))
	})
	var out []Region
	for _, h := range hits[:min(limit, len(hits))] {
		out = append(out, ix.all[h.pos])
	}
	return out
}

func TestSearchMatchesSlowSearch(t *testing.T) {
	ix, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	queries := []string{
		"su", "sido", "sidomukti", "kota", "kab", "aceh sel", "sel aceh", "jaya", "mulya sari",
		"ba", "kampung baru", "salatiga", "kecandran", "sari iii", "jakarta", "kota adm",
		"administrasi", "raas", "blok 1", "tanjung", "sumber", "x", "zz", "baru baru",
	}
	withins := []Code{"", "33", "33.73", "11.01.01", "31", "96.03"}
	for _, q := range queries {
		for _, w := range withins {
			for _, l := range []Level{0, Province, Regency, District, Village} {
				nq := normalize(q)
				all := ix.slowSearch(nq, w, l, 50)
				if len(nq) < minQueryRunes {
					all = nil
				}
				for _, limit := range []int{1, 10, 50} {
					want := all[:min(limit, len(all))]
					got := ix.Search(q, w, l, limit)
					if !slices.Equal(got, want) {
						t.Errorf("Search(%q, %q, %d, %d):\n got %v\nwant %v", q, w, l, limit, codes(got), codes(want))
					}
				}
			}
		}
	}
}

func codes(rs []Region) []Code {
	out := make([]Code, len(rs))
	for i, r := range rs {
		out[i] = r.Code
	}
	return out
}

func TestBuildRejectsBadData(t *testing.T) {
	tests := []struct{ name, csv string }{
		{"no header", "11,Aceh\n"},
		{"bad code", "code,name\n1,Aceh\n"},
		{"undotted code", "code,name\n11,Aceh\n1101,Kabupaten Aceh Selatan\n"},
		{"orphan", "code,name\n11,Aceh\n12.01,Kabupaten Nias\n"},
		{"out of order", "code,name\n12,Sumatera Utara\n11,Aceh\n"},
		{"duplicate", "code,name\n11,Aceh\n11,Aceh\n"},
		{"empty name", "code,name\n11,\n"},
		{"empty", "code,name\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := build(gzipped(t, tt.csv), source2025); err == nil {
				t.Error("build accepted bad data")
			}
		})
	}
	if _, err := build(gzipped(t, "code,name\n11,Aceh\n11.01,Kabupaten Aceh Selatan\n"), source2025); err != nil {
		t.Errorf("build rejected good data: %v", err)
	}
}

func gzipped(t *testing.T, s string) *bytes.Reader {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b.Bytes())
}

// BenchmarkBuild measures the one-time cost of Embedded: gunzip, parse,
// validate and index 91,599 regions.
func BenchmarkBuild(b *testing.B) {
	gz, err := dataFS.ReadFile(dataFile)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := build(bytes.NewReader(gz), source2025); err != nil {
			b.Fatal(err)
		}
	}
}

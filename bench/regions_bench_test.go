package bench_test

import (
	"strings"
	"testing"

	"github.com/layan-id/layan/bench"
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

func TestMixes(t *testing.T) {
	ix := embedded(t)
	all := bench.Regions(ix)
	if got := len(all[wilayah.Province]) + len(all[wilayah.Regency]) + len(all[wilayah.District]) + len(all[wilayah.Village]); got != ix.Count(0) {
		t.Fatalf("Regions walks %d regions, the index has %d", got, ix.Count(0))
	}
	queries := bench.TypeaheadQueries(ix, 1000, 1)
	if len(queries) != 1000 {
		t.Fatalf("%d queries", len(queries))
	}
	if again := bench.TypeaheadQueries(ix, 1000, 1); strings.Join(again, "|") != strings.Join(queries, "|") {
		t.Fatal("the same seed gave other queries")
	}
	twoWords, hits := 0, 0
	for _, q := range queries {
		if q != strings.ToLower(q) || strings.HasPrefix(q, "kabupaten") || len([]rune(strings.ReplaceAll(q, " ", ""))) < 2 {
			t.Errorf("query %q is not as people type", q)
		}
		if strings.Contains(q, " ") {
			twoWords++
		}
		if len(ix.Search(q, "", 0, 10)) > 0 {
			hits++
		}
	}
	// Prefixes of real names: nearly all find something.
	if hits < 990 {
		t.Errorf("only %d of 1000 queries find a region", hits)
	}
	if twoWords < 250 || twoWords > 350 {
		t.Errorf("%d two-word queries of 1000, want about 300", twoWords)
	}
	for _, c := range bench.ParentCodes(ix, 300, 2) {
		code := wilayah.Code(c)
		if code.Level() > wilayah.District || len(ix.Children(code)) == 0 {
			t.Errorf("parent %s has no children", c)
		}
	}
}

// BenchmarkTypeaheadMix is Search over the mix the load benchmark sends;
// internal/wilayah's BenchmarkSearch has the single cases.
func BenchmarkTypeaheadMix(b *testing.B) {
	ix := embedded(b)
	queries := bench.TypeaheadQueries(ix, 5000, 1)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ix.Search(queries[i%len(queries)], "", 0, 10)
		i++
	}
}

func BenchmarkChildrenMix(b *testing.B) {
	ix := embedded(b)
	parents := bench.ParentCodes(ix, 5000, 2)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ix.Children(wilayah.Code(parents[i%len(parents)]))
		i++
	}
}

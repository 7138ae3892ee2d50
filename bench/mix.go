// Package bench holds layan's load benchmarks: the request mixes they send,
// a small closed-loop load generator (bench/load) and the program that runs
// them against a real server and writes docs/performance.md
// (bench/cmd/benchreport, run by `make bench`).
package bench

import (
	"math/rand/v2"
	"strings"
	"unicode"

	"github.com/layan-id/layan/internal/wilayah"
)

// Regions returns every region of the index at levels 1–4, walking the
// hierarchy from the provinces down, by level.
func Regions(ix *wilayah.Index) [wilayah.Village + 1][]wilayah.Region {
	var out [wilayah.Village + 1][]wilayah.Region
	out[wilayah.Province] = ix.Children("")
	for l := wilayah.Province; l < wilayah.Village; l++ {
		for _, p := range out[l] {
			out[l+1] = append(out[l+1], ix.Children(p.Code)...)
		}
	}
	return out
}

// TypeaheadMix describes the queries TypeaheadQueries makes, for the report.
const TypeaheadMix = "names of real regions, 30 % kabupaten/kota, 30 % kecamatan, 40 % desa/kelurahan; " +
	"70 % a 2–6 letter prefix of the name's first word (\"Kabupaten\"/\"Kota\" dropped), " +
	"30 % two words of a name with two or more: the first whole and a 1–4 letter prefix of the second (\"aceh sel\")"

// TypeaheadQueries makes n typeahead queries as people type them: prefixes
// of real kabupaten/kota, kecamatan and desa names, lower case. The same
// seed gives the same queries.
func TypeaheadQueries(ix *wilayah.Index, n int, seed uint64) []string {
	all := Regions(ix)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	out := make([]string, 0, n)
	for len(out) < n {
		var pool []wilayah.Region
		switch x := rng.IntN(10); {
		case x < 3:
			pool = all[wilayah.Regency]
		case x < 6:
			pool = all[wilayah.District]
		default:
			pool = all[wilayah.Village]
		}
		twoWords := rng.IntN(10) < 3
		words := nameWords(pool[rng.IntN(len(pool))].Name)
		for twoWords && len(words) < 2 {
			words = nameWords(pool[rng.IntN(len(pool))].Name)
		}
		if len(words) == 0 {
			continue
		}
		if twoWords {
			out = append(out, words[0]+" "+prefix(words[1], 1+rng.IntN(4)))
			continue
		}
		q := prefix(words[0], 2+rng.IntN(5))
		if len([]rune(q)) < 2 {
			continue // a one-letter word ("Ujung" is fine, "I" is not)
		}
		out = append(out, q)
	}
	return out
}

// nameWords splits a region name into lower-case words, without the
// "Kabupaten"/"Kota" that people do not type.
func nameWords(name string) []string {
	words := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
	if len(words) > 1 && (words[0] == "kabupaten" || words[0] == "kota") {
		words = words[1:]
	}
	return words
}

func prefix(word string, n int) string {
	r := []rune(word)
	return string(r[:min(n, len(r))])
}

// ChildrenMix describes the parents ParentCodes picks, for the report.
const ChildrenMix = "a third each: a random province, kabupaten/kota or kecamatan code as parent"

// ParentCodes picks n parent codes: a third provinces, a third
// kabupaten/kota, a third kecamatan, each chosen at random.
func ParentCodes(ix *wilayah.Index, n int, seed uint64) []string {
	all := Regions(ix)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	out := make([]string, n)
	for i := range out {
		pool := all[wilayah.Province+wilayah.Level(rng.IntN(3))]
		out[i] = string(pool[rng.IntN(len(pool))].Code)
	}
	return out
}

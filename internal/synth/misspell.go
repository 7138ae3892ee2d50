package synth

import (
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/layan-id/layan/internal/registry"
)

// Misspell writes name as someone might type it into the search box having
// heard it or read it from another document: one or two words respelt with
// a variation Indonesian names really show — another spelling of the same
// name (Mochammad for Muhammad, Sitti for Siti), the old or the new
// spelling (Djoko/Joko, Soekarno/Sukarno, Tjahjono/Cahyono), a doubled or
// undoubled letter (Hassan), y or i after a consonant (Setyawan/Setiawan),
// a final h dropped or added (Fatimah/Fatima), kh written h (Khairul/
// Hairul), f written p (Taufik/Taupik) — sometimes with the words swapped,
// in lower case. Every variation is one the registry's name keys are meant
// to bridge (registry/name.go), so a search for the result should find the
// person; a search that does not is a miss of the keys.
func Misspell(r *rand.Rand, name string) string {
	// Degrees after a comma are not typed into a search.
	if i := strings.IndexByte(name, ','); i >= 0 {
		name = name[:i]
	}
	words := strings.Fields(name)
	if len(words) == 0 {
		return name
	}
	changes := 1 + r.IntN(2)
	changed := make([]bool, len(words))
	for tries := 0; changes > 0 && tries < 24; tries++ {
		i := r.IntN(len(words))
		if changed[i] {
			continue
		}
		if w, ok := respell(r, words[i]); ok {
			words[i], changed[i] = w, true
			changes--
		}
	}
	if len(words) > 1 && r.IntN(5) == 0 {
		// Swap two words, but keep an abbreviation (M., St.) before its name.
		i := r.IntN(len(words) - 1)
		if !strings.HasSuffix(words[i], ".") {
			words[i], words[i+1] = words[i+1], words[i]
		}
	}
	return strings.ToLower(strings.Join(words, " "))
}

// respell applies one variation to word, if it applies.
func respell(r *rand.Rand, word string) (string, bool) {
	if strings.HasSuffix(word, ".") || len(word) < 3 {
		return word, false
	}
	t := titleCase(word)
	lo := strings.ToLower(word)
	switch r.IntN(8) {
	case 0: // another recorded spelling of the same name
		// Only spellings the keys are meant to bridge: the table also holds
		// real variants that read differently (Saleh/Sholeh, Nur/Nurul),
		// which a search by the other spelling does not find.
		for _, base := range []string{t, canonical(t)} {
			if vs, ok := spellings[base]; ok {
				v := vs[r.IntN(len(vs))].spelling
				if v != t && !strings.HasSuffix(v, ".") && sharesKey(v, word) {
					return v, true
				}
			}
		}
	case 1: // the old spelling, or back to the new one
		if strings.Contains(lo, "oe") || strings.Contains(lo, "dj") || strings.Contains(lo, "tj") || strings.Contains(lo, "sj") {
			return strings.NewReplacer("oe", "u", "dj", "j", "tj", "c", "sj", "sy").Replace(lo), true
		}
		if o := oldSpelling(word); !strings.EqualFold(o, word) {
			return o, true
		}
	case 2: // double a single consonant between vowels, or undouble
		for i := 1; i+1 < len(lo); i++ {
			if lo[i] == lo[i+1] && !isVowelByte(lo[i]) {
				return lo[:i] + lo[i+1:], true
			}
		}
		for i := 1; i+1 < len(lo); i++ {
			if !isVowelByte(lo[i]) && isVowelByte(lo[i-1]) && isVowelByte(lo[i+1]) && lo[i] != 'y' && lo[i] != 'w' && lo[i] != 'h' {
				return lo[:i+1] + lo[i:], true
			}
		}
	case 3: // a final h after a vowel, dropped or added
		n := len(lo)
		if n > 3 && lo[n-1] == 'h' && isVowelByte(lo[n-2]) {
			return lo[:n-1], true
		}
		if n > 3 && lo[n-1] == 'a' {
			return lo + "h", true
		}
	case 4: // y or i after a consonant before a vowel (not after n or s: ny and sy are letters of their own)
		for i := 1; i+1 < len(lo); i++ {
			if p := lo[i-1]; !isVowelByte(p) && isVowelByte(lo[i+1]) && (lo[i] == 'y' || lo[i] == 'i') && p != 'y' && p != 'n' && p != 's' {
				c := byte('i')
				if lo[i] == 'i' {
					c = 'y'
				}
				return lo[:i] + string(c) + lo[i+1:], true
			}
		}
	case 5: // kh written h
		if strings.Contains(lo, "kh") {
			return strings.Replace(lo, "kh", "h", 1), true
		}
	case 6: // f written p (Sundanese)
		if i := strings.IndexByte(lo, 'f'); i >= 0 {
			return lo[:i] + "p" + lo[i+1:], true
		}
	case 7: // sy written s before a vowel (Syamsul/Samsul)
		if i := strings.Index(lo, "sy"); i >= 0 && i+2 < len(lo) && isVowelByte(lo[i+2]) {
			return lo[:i] + "s" + lo[i+2:], true
		}
	}
	return word, false
}

// sharesKey reports whether two spellings of a word meet on a search key.
func sharesKey(a, b string) bool {
	kb := registry.WordKeys(b)
	for _, k := range registry.WordKeys(a) {
		if slices.Contains(kb, k) {
			return true
		}
	}
	return false
}

// canonical finds the listed name a spelling belongs to (Mochammad →
// Muhammad), or returns w.
func canonical(w string) string {
	if base, ok := canonicalOf[w]; ok {
		return base
	}
	return w
}

// canonicalOf maps each listed spelling to its name; where a spelling is
// listed under two names (Siti, Sitti) the first in sorted order wins, so
// the result does not depend on map order.
var canonicalOf = func() map[string]string {
	bases := make([]string, 0, len(spellings))
	for b := range spellings {
		bases = append(bases, b)
	}
	slices.Sort(bases)
	out := map[string]string{}
	for _, b := range bases {
		for _, v := range spellings[b] {
			if _, ok := out[v.spelling]; !ok {
				out[v.spelling] = b
			}
		}
	}
	return out
}()

func isVowelByte(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u':
		return true
	}
	return false
}

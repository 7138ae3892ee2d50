package wilayah

import (
	"maps"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Search limits. A typeahead shows a handful of rows; the cap bounds the work
// a single request can ask for.
const (
	MaxSearchLimit = 100
	maxQueryBytes  = 100 // longer than any region name; beyond it nothing can match
	minQueryRunes  = 2
)

// Search finds regions for a typeahead. The query is matched without regard
// to case or accents against the starts of the words of a region's name:
// "sido" finds Sidomukti, "aceh sel" finds Kabupaten Aceh Selatan, "muk"
// finds nothing. Every word of the query must match. A query of digits and
// dots is taken as a code or code prefix ("33.73", "3373").
//
// Results are ranked: the name equals the query, then the name starts with
// the query, then the words match anywhere; within a rank, higher tiers of
// government first (province before village), then by code. "Kabupaten" and
// "Kota" are ignored for the first two ranks, so "salatiga" puts Kota
// Salatiga first.
//
// within limits the results to that region and its descendants (empty: the
// whole country; unknown: nothing). level, when not 0, limits them to one
// level. Queries under 2 characters, and limits under 1, give nothing;
// limit is capped at MaxSearchLimit.
//
// Work is a few binary searches and a walk of the matching words' lists of
// positions, cut short once the limit is met; in a small scope (a
// kabupaten or less) the scope's own regions are ranked instead. It never
// scans all names.
func (ix *Index) Search(query string, within Code, level Level, limit int) []Region {
	if limit < 1 || len(query) > maxQueryBytes || !utf8.ValidString(query) {
		return nil
	}
	limit = min(limit, MaxSearchLimit)
	spans := ix.allowed(within, level)
	if len(spans) == 0 {
		return nil
	}
	q := strings.TrimSpace(query)
	if isCodeQuery(q) {
		return ix.searchCode(q, spans, limit)
	}
	nq := normalize(q)
	if utf8.RuneCountInString(strings.ReplaceAll(nq, " ", "")) < minQueryRunes {
		return nil
	}
	return ix.searchName(nq, spans, limit)
}

// span is a run of positions in Index.all, [lo, hi).
type span struct{ lo, hi int }

// allowed turns the within and level filters into ascending runs of
// positions: the (level, code) order puts a subtree's regions of one level
// next to each other.
func (ix *Index) allowed(within Code, level Level) []span {
	if level != 0 && !level.valid() {
		return nil
	}
	top := -1
	if within != "" {
		if top = ix.find(within); top < 0 {
			return nil
		}
	}
	var spans []span
	for l := Province; l <= Village; l++ {
		if level != 0 && l != level {
			continue
		}
		var lo, hi int
		switch {
		case within == "":
			lo, hi = ix.section(l)
		case l < within.Level():
			continue
		case l == within.Level():
			lo, hi = top, top+1
		default:
			lo, hi = ix.codeRange(l, string(within)+".")
		}
		if lo < hi {
			spans = append(spans, span{lo, hi})
		}
	}
	return spans
}

func inSpans(spans []span, i int) bool {
	for _, s := range spans {
		if i >= s.lo && i < s.hi {
			return true
		}
	}
	return false
}

func isCodeQuery(q string) bool {
	if q == "" {
		return false
	}
	for i := 0; i < len(q); i++ {
		if (q[i] < '0' || q[i] > '9') && q[i] != '.' {
			return false
		}
	}
	return true
}

// searchCode lists the regions whose code starts with q. Position order is
// already the rank order: the exact code is the shortest, so it comes first.
func (ix *Index) searchCode(q string, spans []span, limit int) []Region {
	prefix := q
	if !strings.Contains(q, ".") {
		if len(q) > 10 {
			return nil
		}
		prefix = dot(q)
	}
	if len(prefix) < minQueryRunes {
		return nil
	}
	var out []Region
	for _, s := range spans {
		l := ix.all[s.lo].Level
		lo, hi := ix.codeRange(l, prefix)
		for i := max(lo, s.lo); i < min(hi, s.hi) && len(out) < limit; i++ {
			out = append(out, ix.all[i])
		}
	}
	return out
}

// Rank tiers; a result's sort key is tier*len(all) + position.
const (
	tierExact = iota
	tierPrefix
	tierWords
)

// smallScope is the number of regions (a kabupaten is a few hundred) below
// which ranking each region of the scope beats walking word lists that
// mostly point outside it.
const smallScope = 1500

func (ix *Index) searchName(nq string, spans []span, limit int) []Region {
	n := int64(len(ix.all))
	top := &topK{limit: limit}
	words := strings.Split(nq, " ")

	if spansSize(spans) <= smallScope {
		for _, s := range spans {
			for i := s.lo; i < s.hi; i++ {
				if tier, ok := ix.tier(i, nq, words); ok {
					top.add(int64(tier)*n + int64(i))
				}
			}
		}
		return ix.regions(top.keys, n)
	}

	// Exact and prefix tiers: the name starts with the query, so its first
	// word (full or bare) equals the query's first word, or, for a one-word
	// query, starts with it.
	isExact := func(i int) bool { return ix.norm[i] == nq || ix.norm[i][ix.bare[i]:] == nq }
	isPrefix := func(i int) bool { return ix.namePrefixed(i, nq) && !isExact(i) }
	w0, w1 := ix.tokenRange(words[0])
	e0, e1 := w0, w0 // the token equal to the first word, if any
	if w0 < w1 && ix.tokens[w0] == words[0] {
		e1 = w0 + 1
	}
	scanLists(top, ix.firstOff, ix.firstPost, e0, e1, spans, tierExact*n, isExact)
	if top.threshold() > tierPrefix*n {
		if len(words) > 1 {
			w0, w1 = e0, e1
		}
		scanLists(top, ix.firstOff, ix.firstPost, w0, w1, spans, tierPrefix*n, isPrefix)
	}

	// Word tier: every query word starts some word of the name. Walk the
	// lists of the word with the fewest regions; check the others by name.
	if top.threshold() > tierWords*n {
		drive, t0, t1, best := 0, 0, 0, math.MaxInt
		for w, word := range words {
			lo, hi := ix.tokenRange(word)
			if size := int(ix.postOff[hi] - ix.postOff[lo]); size < best {
				drive, t0, t1, best = w, lo, hi, size
			}
		}
		others := slices.Delete(slices.Clone(words), drive, drive+1)
		accept := func(i int) bool { return hasWordPrefixes(ix.norm[i], others) && !ix.namePrefixed(i, nq) }
		scanLists(top, ix.postOff, ix.post, t0, t1, spans, tierWords*n, accept)
	}
	return ix.regions(top.keys, n)
}

// scanLists offers top the key base+i for each region i on the lists of
// tokens t0…t1-1 that lies in spans and passes accept. Lists ascend, so each
// is abandoned at the first key that could not enter top.
func scanLists(top *topK, off, post []int32, t0, t1 int, spans []span, base int64, accept func(int) bool) {
	for t := t0; t < t1; t++ {
		list := post[off[t]:off[t+1]]
	spans:
		for _, s := range spans {
			j, _ := slices.BinarySearch(list, int32(s.lo))
			for ; j < len(list) && int(list[j]) < s.hi; j++ {
				i := int(list[j])
				if base+int64(i) >= top.threshold() {
					break spans
				}
				if accept(i) {
					top.add(base + int64(i))
				}
			}
		}
	}
}

// tier ranks region i against the query, or reports that it does not match.
func (ix *Index) tier(i int, nq string, words []string) (int, bool) {
	full, bare := ix.norm[i], ix.norm[i][ix.bare[i]:]
	switch {
	case full == nq || bare == nq:
		return tierExact, true
	case strings.HasPrefix(full, nq) || strings.HasPrefix(bare, nq):
		return tierPrefix, true
	case hasWordPrefixes(full, words):
		return tierWords, true
	}
	return 0, false
}

func spansSize(spans []span) int {
	size := 0
	for _, s := range spans {
		size += s.hi - s.lo
	}
	return size
}

// namePrefixed reports whether region i's name, full or bare, starts with
// nq: those were ranked by the first pass.
func (ix *Index) namePrefixed(i int, nq string) bool {
	return strings.HasPrefix(ix.norm[i], nq) || strings.HasPrefix(ix.norm[i][ix.bare[i]:], nq)
}

// hasWordPrefixes reports whether every word starts some word of name
// (normalised: words separated by single spaces).
func hasWordPrefixes(name string, words []string) bool {
	for _, w := range words {
		if !strings.HasPrefix(name, w) && !strings.Contains(name, " "+w) {
			return false
		}
	}
	return true
}

// tokenRange returns the tokens that start with word: a contiguous run.
func (ix *Index) tokenRange(word string) (lo, hi int) {
	lo, _ = slices.BinarySearch(ix.tokens, word)
	hi = lo
	for hi < len(ix.tokens) && strings.HasPrefix(ix.tokens[hi], word) {
		hi++
	}
	return lo, hi
}

func (ix *Index) regions(keys []int64, n int64) []Region {
	out := make([]Region, len(keys))
	for k, key := range keys {
		out[k] = ix.all[key%n]
	}
	return out
}

// topK keeps the smallest keys seen, at most limit, sorted and distinct.
type topK struct {
	keys  []int64
	limit int
}

// threshold is the key a newcomer must beat.
func (t *topK) threshold() int64 {
	if len(t.keys) < t.limit {
		return math.MaxInt64
	}
	return t.keys[len(t.keys)-1]
}

func (t *topK) add(key int64) {
	if key >= t.threshold() {
		return
	}
	i, found := slices.BinarySearch(t.keys, key)
	if found {
		return
	}
	t.keys = slices.Insert(t.keys, i, key)
	if len(t.keys) > t.limit {
		t.keys = t.keys[:t.limit]
	}
}

// buildSearch fills the search fields of ix from ix.all.
func (ix *Index) buildSearch() {
	ix.norm = make([]string, len(ix.all))
	ix.bare = make([]uint8, len(ix.all))
	// Regions are visited in position order, so every list grows ascending
	// without a sort; only the distinct words need sorting.
	words := make(map[string][]int32)
	firsts := make(map[string][]int32)
	add := func(m map[string][]int32, w string, i int32) {
		if l := m[w]; len(l) == 0 || l[len(l)-1] != i { // a word twice in one name
			m[w] = append(l, i)
		}
	}
	for i, r := range ix.all {
		pos := int32(i)
		norm := normalize(r.Name)
		ix.norm[i] = norm
		add(firsts, firstWord(norm), pos)
		if r.Level == Regency {
			if off := bareOffset(norm); off > 0 {
				ix.bare[i] = uint8(off)
				add(firsts, firstWord(norm[off:]), pos)
			}
		}
		for w := range strings.SplitSeq(norm, " ") {
			add(words, w, pos)
		}
	}
	ix.tokens = slices.Sorted(maps.Keys(words))
	ix.postOff, ix.post = layOut(ix.tokens, words)
	// Every first word is also a word, so the tokens serve both layouts.
	ix.firstOff, ix.firstPost = layOut(ix.tokens, firsts)
}

// layOut packs per-token lists into one array with offsets: the lists of
// tokens[t] is post[off[t]:off[t+1]], empty for a token lists lacks.
func layOut(tokens []string, lists map[string][]int32) (off, post []int32) {
	off = make([]int32, 0, len(tokens)+1)
	for _, t := range tokens {
		off = append(off, int32(len(post)))
		post = append(post, lists[t]...)
	}
	return append(off, int32(len(post))), post
}

func firstWord(norm string) string {
	if i := strings.IndexByte(norm, ' '); i >= 0 {
		return norm[:i]
	}
	return norm
}

// regencyPrefixes are the words before a kabupaten's or kota's name proper.
// People type "salatiga", not "kota salatiga"; the five cities of Jakarta
// and Kepulauan Seribu are "Kota/Kabupaten Administrasi …".
var regencyPrefixes = []string{"kabupaten administrasi ", "kota administrasi ", "kabupaten ", "kota "}

func bareOffset(norm string) int {
	for _, p := range regencyPrefixes {
		if strings.HasPrefix(norm, p) && len(norm) > len(p) {
			return len(p)
		}
	}
	return 0
}

// normalize lower-cases s, strips accents and splits it into words of
// letters and digits joined by single spaces. Apostrophes join ("Ra'as" →
// "raas", however it is typed); any other punctuation separates
// ("Kupa-kupa" → "kupa kupa").
func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	gap := false
	for _, r := range s {
		r = unicode.ToLower(r)
		if f, ok := accentFold[r]; ok {
			r = f
		}
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if gap && b.Len() > 0 {
				b.WriteByte(' ')
			}
			gap = false
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r) || strings.ContainsRune(apostrophes, r):
			// A combining accent (decomposed input) or an apostrophe: drop.
		default:
			gap = true
		}
	}
	return b.String()
}

const apostrophes = "'\"`´‘’‛“”ʼ"

// accentFold maps accented lower-case Latin letters to their base letter.
// The official names are plain ASCII, but users type "Sidomúkti" or paste
// names from documents that use accents; the standard library has no
// Unicode decomposition, and this small table covers Latin-1 and Latin
// Extended-A.
var accentFold = func() map[rune]rune {
	table := map[rune]string{
		'a': "àáâãäåāăą", 'c': "çćĉċč", 'd': "ďđ", 'e': "èéêëēĕėęě",
		'g': "ĝğġģ", 'h': "ĥħ", 'i': "ìíîïĩīĭįı", 'j': "ĵ", 'k': "ķ",
		'l': "ĺļľŀł", 'n': "ñńņň", 'o': "òóôõöøōŏő", 'r': "ŕŗř",
		's': "śŝşšș", 't': "ţťŧț", 'u': "ùúûüũūŭůűų", 'w': "ŵ",
		'y': "ýÿŷ", 'z': "źżž",
	}
	m := make(map[rune]rune)
	for base, accented := range table {
		for _, r := range accented {
			m[r] = base
		}
	}
	return m
}()

package registry

// Names: keys that know Indonesian spelling, and a precise ranking.
//
// Generic fuzzy search (pg_trgm, FTS trigrams) is ~100× too slow for the
// registry at national scale (floors.md): a common name has thousands of rows
// above any trigram threshold, all scored and sorted. Instead every word of a
// name gets a short phonetic key, built so that the spellings Indonesians
// actually use for one name meet on one key, while names that are merely
// close keep apart. The keys go into an ordinary btree index (person, key);
// a search looks up each query word's key, intersects, and ranks the few
// hundred candidates in Go with NameQuery.Score.
//
// Sources of variation the keys absorb (each rule is in wordKey):
//   - Ejaan lama (before EYD 1972, still on many KTPs and in family names):
//     oe → u (Soekarno), dj → j (Djoko), tj → c (Tjahjono), sj → sy
//     (Sjahrir), nj → ny (Njoman), and j for today's y (Tjahjono = Cahyono).
//   - Arabic transliterations: kh/ch → h (Khairul, Chairul, Hairul),
//     sy/sh → s, ts → s (Utsman), dz → z, dh → d, th → t, gh → g, q → k,
//     final d/t, b/p, g/k devoiced (Ahmad/Ahmat), final h after a vowel
//     dropped (Fatimah/Fatima), diphthongs ai/ae/ei → e and au → o
//     (Sulaiman/Suleman, Taufik/Tofik), o for a after kh/ch (Khoirul) and
//     before hm (Rohmat/Rahmat), the usual spellings of Muhammad.
//   - Sundanese writing of f and z: f/p/v one class (Yusuf/Yusup,
//     Taufik/Topik), z read as s or as j (Rizki/Riski, Zaenal/Jaenal).
//   - Doubled letters (Hassan, Sitti), y/i after a consonant (Setyawan/
//     Setiawan, Dyah/Diah), iy and uw glides (Supriyadi, Juwita), final y
//     and ie (Rizky, Dewie), the Javanese schwa before l/r (Selamet/Slamet).
//
// Vowels are kept, in classes, because a consonant skeleton alone makes
// Budi = Badu and Hasan = Husin. The first vowel of a word keeps
// four classes (a, e, i, o/u), so Rini ≠ Reni, Dini ≠ Deni, Eka ≠ Ika, names
// that are different in the first syllable; later vowels keep three
// (a, e/i, o/u), since that is where Arabic-derived spellings wander
// (Husein/Husin, Mohamed, Ismael). The price: Rizki and Rezki, Erwin and
// Irwin get different keys (TestNameKeysKnownMisses lists such choices).
//
// j and y are one class everywhere. The old spelling wrote today's y as j
// and did not always mark itself otherwise (Jusuf Kalla, Johannes, Sajid for
// Sayid), and a missed match means a person registered twice, while an extra
// candidate (Jaja beside Jaya, Joko beside Yoko) costs one row in a ranked
// list. Emitting both readings as two keys would retrieve exactly the same
// candidates, so one class is simpler.
//
// "ch" before a vowel is either h (Chairul, Mochammad) or c (Chandra, Chika),
// and a non-final z is either s (Rizki) or j (Sundanese Jaenal for Zaenal):
// such a word gets a key per reading (at most 4). Word-initial "chr" is k
// (Christina).
//
// Abbreviations no rule derives are expanded: Moh./Muh./Mhd/Moch/Mohd and
// Mohamed to Muhammad, Abd. to Abdul, Ach. to Ahmad, Gde to Gede; a lone
// "M." or "St." as the first of several words is Muhammad or Siti (the
// Sulawesi and Sumatra habit), elsewhere an initial, which is not keyed but
// scores in the ranking. Titles and honorifics (H., Hj., Dr., Ir., Drs.,
// Prof., KH, Alm., Ibu, Bpk, Ny., …), patronymic particles (bin, binti) and
// the Batak boru/br. are not name words, and academic degrees are written
// after a comma on a KTP ("BUDI SANTOSO, S.PD."), so a stored name is read
// up to its first comma. Nicknames (Wawan for Hermawan, Mamat for Muhammad)
// and split or joined compounds (Abdul Rahman/Abdurrahman) are beyond keys.

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits that keep one name's work bounded. Validation refuses over-long
// names before they get here; these only stop hostile input from costing.
const (
	maxNameWords  = 16 // words of a name considered; more are ignored
	maxKeyLetters = 32 // letters of a word used for its key
	keyCap        = 2 * maxKeyLetters
	maxWordAlts   = 4  // readings of one word (ch × z)
	maxNameKeys   = 32 // distinct keys of one name
	maxQueryWords = 8  // query words scored; more are ignored
	maxQueryInput = 256
)

// Normalize is a name for comparison, independent of how it was typed:
// lower case, accents removed (Sidomúkti → sidomukti), apostrophes dropped
// so Ma'ruf and Maruf agree, anything else that is neither a letter nor a
// digit a word break, words joined by single spaces. Invalid UTF-8 is a
// word break.
func Normalize(name string) string {
	var buf [128]byte
	return string(appendNormalized(buf[:0], name))
}

func appendNormalized(dst []byte, s string) []byte {
	start := len(dst)
	gap := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
		} else {
			r = foldAccent(unicode.ToLower(r))
		}
		switch {
		case r == utf8.RuneError && size == 1:
			gap = true
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if gap && len(dst) > start {
				dst = append(dst, ' ')
			}
			gap = false
			dst = utf8.AppendRune(dst, r)
		case isApostrophe(r) || unicode.Is(unicode.Mn, r):
			// Joins: Ma'ruf, Jum'at; a combining accent of decomposed input.
		default:
			gap = true
		}
	}
	return dst
}

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '`', '´', '‘', '’', '‛', 'ʼ', 'ʻ':
		return true
	}
	return false
}

// foldAccent maps accented lower-case Latin letters to their base letter.
// Indonesian names are written without accents, but documents and
// keyboards add them (Désy, Sùparman), and the standard library has no
// Unicode decomposition.
func foldAccent(r rune) rune {
	if r < 0xc0 || r > 0x17f {
		return r
	}
	switch {
	case strings.ContainsRune("àáâãäåāăą", r):
		return 'a'
	case strings.ContainsRune("çćĉċč", r):
		return 'c'
	case strings.ContainsRune("ďđð", r):
		return 'd'
	case strings.ContainsRune("èéêëēĕėęě", r):
		return 'e'
	case strings.ContainsRune("ĝğġģ", r):
		return 'g'
	case strings.ContainsRune("ĥħ", r):
		return 'h'
	case strings.ContainsRune("ìíîïĩīĭįı", r):
		return 'i'
	case strings.ContainsRune("ĵ", r):
		return 'j'
	case strings.ContainsRune("ķ", r):
		return 'k'
	case strings.ContainsRune("ĺļľŀł", r):
		return 'l'
	case strings.ContainsRune("ñńņňŉ", r):
		return 'n'
	case strings.ContainsRune("òóôõöøōŏő", r):
		return 'o'
	case strings.ContainsRune("ŕŗř", r):
		return 'r'
	case strings.ContainsRune("śŝşš", r):
		return 's'
	case strings.ContainsRune("ţťŧ", r):
		return 't'
	case strings.ContainsRune("ùúûüũūŭůűų", r):
		return 'u'
	case strings.ContainsRune("ŵ", r):
		return 'w'
	case strings.ContainsRune("ýÿŷ", r):
		return 'y'
	case strings.ContainsRune("źżž", r):
		return 'z'
	}
	return r
}

// span is a word of a normalized name: norm[lo:hi].
type span struct{ lo, hi int }

// splitName normalizes name into dst, without the words that are not name
// words (titles, particles), and returns the words. With cutComma, the
// name is read up to its first comma: what follows on a KTP is academic
// degrees. At most maxNameWords words are kept.
func splitName(dst []byte, name string, spans []span, cutComma bool) ([]byte, []span) {
	if cutComma {
		if i := strings.IndexByte(name, ','); i >= 0 {
			name = name[:i]
		}
	}
	start := len(dst)
	dst = appendNormalized(dst, name)
	// Compact in place: the write position never passes the read position.
	w := start
	for r := start; r < len(dst); {
		end := r
		for end < len(dst) && dst[end] != ' ' {
			end++
		}
		if !isNonNameWord(dst[r:end]) && len(spans) < maxNameWords {
			if w > start {
				dst[w] = ' '
				w++
			}
			n := copy(dst[w:], dst[r:end])
			spans = append(spans, span{w, w + n})
			w += n
		}
		r = end + 1
	}
	return dst[:w], spans
}

// isNonNameWord reports titles, honorifics and particles: they say nothing
// about who a person is, and as keys they would match half the registry.
func isNonNameWord(w []byte) bool {
	switch string(w) {
	case "h", "hj", "haji", "hajah", "hajjah", // pilgrim titles
		"dr", "drs", "dra", "ir", "prof", // academic titles written before the name
		"kh", "ust", "ustad", "ustadz", "ustadzah", // religious titles
		"alm", "almh", "almarhum", "almarhumah", // the late
		"bpk", "bapak", "ibu", "sdr", "sdri", "ny", "nyonya", "tn", "tuan", // forms of address
		"bin", "binti", "bt", // son/daughter of
		"br", "boru": // Batak: daughter of the marga that follows
		return true
	}
	return false
}

// expansion returns the full word an abbreviation stands for, given the
// letters of a word (lower case, doubled letters collapsed), or "".
// first is true for the first of several name words.
func expansion(letters []byte, first bool) string {
	switch string(letters) {
	case "mhd", "mhmd", "moh", "muh", "mohd", "muhd", "moch", "much", "mochd", "mohamed", "muhamed":
		return "muhammad"
	case "abd":
		return "abdul"
	case "ach":
		return "ahmad"
	case "gde":
		return "gede"
	case "m":
		if first {
			return "muhammad"
		}
	case "st":
		if first {
			return "siti"
		}
	}
	return ""
}

// Readings of ambiguous spellings, as bits; a word's keys are the distinct
// keys over the combinations of the bits that matter for it.
const (
	altCH uint8 = 1 << iota // "ch" before a vowel read as c (Chandra), not h (Chairul)
	altZ                    // a non-final z read as j (Sundanese Jaenal), not s (Riski)
)

// keySet holds the keys of one word without allocating.
type keySet struct {
	n   int
	len [maxWordAlts]uint8
	buf [maxWordAlts][keyCap]byte
}

func (ks *keySet) key(i int) []byte { return ks.buf[i][:ks.len[i]] }

func (ks *keySet) has(k []byte) bool {
	for i := 0; i < ks.n; i++ {
		if string(ks.key(i)) == string(k) {
			return true
		}
	}
	return false
}

// shares reports whether two words have a key in common.
func (ks *keySet) shares(o *keySet) bool {
	for i := 0; i < ks.n; i++ {
		if o.has(ks.key(i)) {
			return true
		}
	}
	return false
}

// wordKeys computes the keys of one normalized word into ks. first is true
// for the first of several name words (see expansion). A word with fewer
// than 2 letters has no key unless it expands; a word with no Latin letters
// (another script) is its own key; digits are ignored.
func wordKeys(ks *keySet, word []byte, first bool) {
	ks.n = 0
	var lb [maxKeyLetters]byte
	letters := lb[:0]
	written, other := 0, false // letters as written; non-ASCII bytes seen
	for _, c := range word {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		switch {
		case c >= 'a' && c <= 'z':
			written++
			// Doubled letters are one: Hassan, Sitti, Mohammad.
			if len(letters) < maxKeyLetters && (len(letters) == 0 || letters[len(letters)-1] != c) {
				letters = append(letters, c)
			}
		case c >= utf8.RuneSelf:
			other = true
		}
	}
	if e := expansion(letters, first); e != "" {
		letters = append(letters[:0], e...)
		written = len(e)
	}
	if len(letters) == 0 {
		if other && utf8.RuneCount(word) >= 2 {
			// Cut at a rune boundary: a key is stored as text.
			n := min(len(word), keyCap)
			for n > 0 && n < len(word) && !utf8.RuneStart(word[n]) {
				n--
			}
			ks.len[0] = uint8(copy(ks.buf[0][:], word[:n]))
			ks.n = 1
		}
		return
	}
	if written < 2 { // an initial; the Sundanese name Ee has 2 letters and a key
		return
	}
	var amb uint8
	for alt := uint8(0); alt < maxWordAlts; alt++ {
		if alt&^amb != 0 {
			continue // this reading changes nothing in this word
		}
		k, a := wordKey(ks.buf[ks.n][:0], letters, alt)
		if alt == 0 {
			amb = a
		}
		if !ks.has(k) {
			// A key has at most 2 symbols a letter (x → ks), so it fits;
			// copy anyway rather than trust that.
			ks.len[ks.n] = uint8(copy(ks.buf[ks.n][:], k))
			ks.n++
		}
	}
}

func isVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u':
		return true
	}
	return false
}

// wordKey appends to dst the key of letters (a–z, doubles collapsed) under
// the readings alt, and reports which readings would change it. The key is
// made of the consonant classes b c d g h k l m n p r s t w y and the vowel
// classes a e i u; see the comment at the top of this file for why.
func wordKey(dst, letters []byte, alt uint8) ([]byte, uint8) {
	var amb uint8
	// Phase A: spellings to sounds. Vowels stay as written; consonants
	// become their class; digraphs become one letter.
	var pb [keyCap]byte
	p := pb[:0]
	n := len(letters)
	at := func(i int) byte {
		if i < n {
			return letters[i]
		}
		return 0
	}
	toA := false // the next o is an a: Khoirul, Choirul (pesantren spelling of Khairul)
	for i := 0; i < n; i++ {
		c, nx := letters[i], at(i+1)
		oToA := toA
		toA = false
		switch c {
		case 'o':
			switch {
			case nx == 'e': // oe: Soekarno, Oemar
				p = append(p, 'u')
				i++
			case oToA, nx == 'h' && at(i+2) == 'm': // Rohmat, Rohman for Rahmat, Rahman
				p = append(p, 'a')
			default:
				p = append(p, 'o')
			}
		case 'c':
			switch nx {
			case 'h':
				i++
				switch {
				case i == 1 && at(i+1) == 'r': // Christina, Christian
					p = append(p, 'k')
				case isVowel(at(i + 1)):
					amb |= altCH
					if alt&altCH != 0 {
						p = append(p, 'c')
					} else {
						p = append(p, 'h')
						toA = true
					}
				default: // Achmad, Rachmat, Fachri, Ichsan, Mochtar
					p = append(p, 'h')
				}
			case 'k': // Dicky
				p = append(p, 'k')
				i++
			default:
				p = append(p, 'c')
			}
		case 'k':
			if nx == 'h' { // Khairul, Akhmad, Ikhsan
				p = append(p, 'h')
				i++
				toA = true
			} else {
				p = append(p, 'k')
			}
		case 'g':
			if nx == 'h' { // Ghani
				i++
			}
			p = append(p, 'g')
		case 'd':
			switch nx {
			case 'h': // Ramadhan, Yudhoyono
				p = append(p, 'd')
				i++
			case 'j': // Djoko: old dj is today's j, which shares y's class
				p = append(p, 'y')
				i++
			case 'z': // Dzulkifli
				i++
				p, amb = appendZ(p, i == n-1, alt, amb)
			default:
				p = append(p, 'd')
			}
		case 't':
			switch nx {
			case 'h': // Yanthi, Fathur
				p = append(p, 't')
				i++
			case 'j': // Tjahjono, Tjokro: old tj is today's c
				p = append(p, 'c')
				i++
			case 's': // Utsman, Tsabit
				p = append(p, 's')
				i++
			default:
				p = append(p, 't')
			}
		case 's':
			switch {
			case nx == 'h': // Shamsul, Hashim
				i++
			case (nx == 'y' || nx == 'j') && isVowel(at(i+2)): // Syamsul, Sjahrir
				i++
			}
			p = append(p, 's')
		case 'p':
			if nx == 'h' { // Philipus
				i++
			}
			p = append(p, 'p')
		case 'f', 'v': // Sundanese has no f: Yusup, Arip, Topik; Novi/Nofi/Nopi
			p = append(p, 'p')
		case 'q': // Taufiq, Rizqi, Qomariah
			p = append(p, 'k')
		case 'x': // Alexander/Aleksander
			p = append(p, 'k', 's')
		case 'z':
			p, amb = appendZ(p, i == n-1, alt, amb)
		case 'j': // see the file comment: j and y are one class
			p = append(p, 'y')
		default:
			p = append(p, c)
		}
	}

	// Phase B: the Javanese schwa between a first stop or s and l or r
	// comes and goes: Selamet/Slamet, Seri/Sri. Not after l, m, n, r, h:
	// Lela, Meri, Heri keep their vowel.
	if len(p) >= 4 && strings.IndexByte("bcdgkpst", p[0]) >= 0 && p[1] == 'e' && (p[2] == 'l' || p[2] == 'r') &&
		(isVowel(p[3]) || p[3] == 'y' && (len(p) == 4 || !isVowel(p[4]))) {
		p = append(p[:1], p[2:]...)
	}

	// Phase C: glides and vowels to classes.
	k := dst
	base := len(dst)
	firstSlot := -1  // position in k of the word's first vowel
	lastVowel := -1  // position in k of the last symbol if it is a vowel
	var lastRaw byte // the vowel written there, before classing
	for j := 0; j < len(p); j++ {
		c := p[j]
		var prev, nx byte
		if j > 0 {
			prev = p[j-1]
		}
		if j+1 < len(p) {
			nx = p[j+1]
		}
		switch c {
		case 'Y': // z read as j: a consonant wherever it stands (Fauzi/Pauji)
			c = 'y'
		case 'y':
			switch {
			case !isVowel(nx): // Rizky, Dewy, Sulayman: a vowel
				c = 'i'
			case j == 0, prev == 'n', isVowel(prev) && prev != 'i': // Yusuf, Nyoman, Wayan
				c = 'y'
			case prev == 'i': // Supriyadi = Supriadi, Sofiyah = Sofiah
				continue
			default: // Setyawan, Dyah, Cahyono (Tjahjono), Mulyadi: = i
				c = 'i'
			}
		case 'w':
			if (prev == 'u' || prev == 'o') && isVowel(nx) { // Juwita = Juita
				continue
			}
		}
		if !isVowel(c) {
			if len(k) == base || k[len(k)-1] != c {
				k = append(k, c)
			}
			lastVowel = -1
			continue
		}
		if lastVowel > base {
			// A diphthong after a consonant: ai, ae, ei → e; au, ao → o.
			// Not at the start of a word: Ai and Aulia are two syllables.
			switch {
			case (lastRaw == 'a' || lastRaw == 'e') && (c == 'i' || c == 'e'):
				k[lastVowel] = frontClass(lastVowel == firstSlot)
				lastRaw = 'e'
				continue
			case lastRaw == 'a' && (c == 'u' || c == 'o'):
				k[lastVowel] = 'u'
				lastRaw = 'u'
				continue
			}
		}
		cls := vowelClass(c, firstSlot < 0)
		if lastVowel >= 0 && k[lastVowel] == cls {
			lastRaw = c // ie, ou: one sound class
			continue
		}
		if firstSlot < 0 {
			firstSlot = len(k)
		}
		k = append(k, cls)
		lastVowel = len(k) - 1
		lastRaw = c
	}

	// Phase D: the end of the word. A final h after a vowel is often not
	// written (Fatimah/Fatima, Kusumah/Kusuma); final stops are devoiced
	// in speech and spelt both ways (Ahmad/Ahmat, Ayub/Ayup, Siddiq/Sidik),
	// except ng (Bambang).
	if m := len(k) - base; m >= 2 && k[len(k)-1] == 'h' && isVowelClass(k[len(k)-2]) {
		k = k[:len(k)-1]
	}
	if m := len(k) - base; m >= 2 {
		last := &k[len(k)-1]
		switch {
		case *last == 'b':
			*last = 'p'
		case *last == 'd':
			*last = 't'
		case *last == 'g' && k[len(k)-2] != 'n':
			*last = 'k'
		}
		if m >= 2 && k[len(k)-1] == k[len(k)-2] {
			k = k[:len(k)-1]
		}
	}
	return k, amb
}

// appendZ writes z as s (Rizki/Riski, Aziz/Azis) or, for a non-final z under
// altZ, as the j/y class (Zaenal/Jaenal, Fauzi/Pauji).
func appendZ(p []byte, final bool, alt, amb uint8) ([]byte, uint8) {
	if final {
		return append(p, 's'), amb
	}
	amb |= altZ
	if alt&altZ != 0 {
		return append(p, 'Y'), amb // a consonant j even between consonants
	}
	return append(p, 's'), amb
}

// vowelClass: the first vowel of a word keeps e apart from i (Rini/Reni,
// Eka/Ika); later ones do not (Husein/Husin). o and u are one class
// everywhere (Mohammad/Muhammad, Omar/Umar).
func vowelClass(c byte, first bool) byte {
	switch c {
	case 'a':
		return 'a'
	case 'e':
		if first {
			return 'e'
		}
		return 'i'
	case 'i':
		return 'i'
	}
	return 'u'
}

func frontClass(first bool) byte {
	if first {
		return 'e'
	}
	return 'i'
}

func isVowelClass(c byte) bool { return c == 'a' || c == 'e' || c == 'i' || c == 'u' }

// WordKeys returns the keys of one word (1 to 4; several when the spelling
// reads two ways, like Chandra/Chairul's ch or Zaenal's z), or none for a
// word that cannot be keyed: fewer than 2 letters, or only digits. The word
// is normalized first. Two words are spelling variants when their keys
// intersect.
func WordKeys(word string) []string {
	var nb [64]byte
	var ks keySet
	wordKeys(&ks, appendNormalized(nb[:0], word), false)
	return ks.strings(nil)
}

func (ks *keySet) strings(dst []string) []string {
	for i := 0; i < ks.n; i++ {
		k := ks.key(i)
		if !containsKey(dst, k) {
			dst = append(dst, string(k))
		}
	}
	return dst
}

func containsKey(keys []string, k []byte) bool {
	for _, s := range keys {
		if s == string(k) {
			return true
		}
	}
	return false
}

// NameKeys returns the distinct keys of a stored name (and of each alias):
// the rows to put in the name-key index. Titles, particles and what follows
// a comma are left out; at most 32 keys.
func NameKeys(name string) []string {
	var keys []string
	for _, ks := range NameWordKeys(name) {
		for _, k := range ks {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	if len(keys) > maxNameKeys {
		keys = keys[:maxNameKeys]
	}
	return keys
}

// NameWordKeys returns the keys of a stored name word by word, as QueryKeys
// does for a query: nil for a word without a key (an initial). Titles,
// particles and what follows a comma are not words; at most 16 words. For
// an index that also keys pairs of words.
func NameWordKeys(name string) [][]string {
	var nb [128]byte
	var sb [maxNameWords]span
	norm, words := splitName(nb[:0], name, sb[:0], true)
	if len(words) == 0 {
		return nil
	}
	out := make([][]string, len(words))
	var ks keySet
	for i, w := range words {
		wordKeys(&ks, norm[w.lo:w.hi], i == 0 && len(words) > 1)
		out[i] = ks.strings(nil)
	}
	return out
}

// QueryKeys returns, for each query word (as returned by QueryTerms), its
// alternative keys, or nil for a word that cannot be keyed (an initial). A
// person matches when, for every non-nil entry, one of its keys is among
// the person's NameKeys; unkeyed words only rank.
func QueryKeys(words []string) [][]string {
	out := make([][]string, len(words))
	var nb [64]byte
	var ks keySet
	for i, w := range words {
		wordKeys(&ks, appendNormalized(nb[:0], w), i == 0 && len(words) > 1)
		out[i] = ks.strings(nil)
	}
	return out
}

// QueryTerms splits what was typed in the one search box into a NIK, a
// year of birth and name words.
//
//   - nik: the first run of digits (spaces, dots and dashes between groups
//     allowed, as in "3373 0412 0590 0001") with 6 or more digits: a whole
//     NIK or a prefix (the kecamatan where it was issued and on). A run of
//     more than 16 digits is returned as it is, so a search finds nothing
//     rather than silently ignoring it.
//   - year: a group of exactly 4 digits between 1900 and 2100, standing
//     alone or before or after a NIK, the first one.
//   - words: the other words, normalized, without titles, in order; words
//     of one letter are kept for ranking (QueryKeys gives them no key) and
//     2-letter words such as the Sundanese name Ai are ordinary words.
//
// Shorter digit groups are ignored. Input past 256 bytes is ignored.
func QueryTerms(q string) (nik string, year int, words []string) {
	if len(q) > maxQueryInput {
		q = q[:maxQueryInput]
	}
	var nb [maxQueryInput + 16]byte
	norm := appendNormalized(nb[:0], q)
	var group []string // adjacent digit tokens, as typed between spaces
	flush := func() {
		n, y := digitGroup(group)
		if nik == "" {
			nik = n
		}
		if year == 0 {
			year = y
		}
		group = group[:0]
	}
	for i := 0; i < len(norm); {
		if norm[i] == ' ' {
			i++
			continue
		}
		// A token is a run of digits or a run of other characters:
		// "budi1990" is "budi" and "1990".
		digits := isDigit(norm[i])
		j := i
		for j < len(norm) && norm[j] != ' ' && isDigit(norm[j]) == digits {
			j++
		}
		if digits {
			group = append(group, string(norm[i:j]))
		} else {
			if len(group) > 0 {
				flush()
			}
			if w := norm[i:j]; !isNonNameWord(w) {
				words = append(words, string(w))
			}
		}
		i = j
	}
	if len(group) > 0 {
		flush()
	}
	return nik, year, words
}

// digitGroup reads adjacent digit tokens: a NIK (or prefix), a year, or
// both when a year stands next to a NIK ("1990 3373 0412 0590 0001").
func digitGroup(tokens []string) (nik string, year int) {
	total := 0
	for _, t := range tokens {
		total += len(t)
	}
	last := len(tokens) - 1
	switch {
	case len(tokens) == 1 && asYear(tokens[0]) > 0:
		return "", asYear(tokens[0])
	case total == idDigits: // a whole NIK however grouped; it may start with 19 (Bangka Belitung)
		return strings.Join(tokens, ""), 0
	case last > 0 && asYear(tokens[0]) > 0 && total-4 >= 6 && total-4 <= idDigits:
		return strings.Join(tokens[1:], ""), asYear(tokens[0])
	case last > 0 && asYear(tokens[last]) > 0 && total-4 >= 6 && total-4 <= idDigits:
		return strings.Join(tokens[:last], ""), asYear(tokens[last])
	case total >= 6:
		return strings.Join(tokens, ""), 0
	}
	return "", 0
}

// asYear returns t as a year of birth if it is 4 digits in 1900–2100, else 0.
func asYear(t string) int {
	if len(t) != 4 {
		return 0
	}
	y := 0
	for i := 0; i < 4; i++ {
		y = y*10 + int(t[i]-'0')
	}
	if y < 1900 || y > 2100 {
		return 0
	}
	return y
}

// Score bands of NameQuery.Score: a better band always outranks a worse one.
const (
	ScoreExact   = 7000 // the whole name, normalized, equals the query
	ScoreWords   = 5000 // every query word equals a word of the name, any order
	ScorePrefix  = 4000 // every query word is a word or the start of one
	ScoreKey     = 3000 // every query word is a word, a start, or a spelling variant (same key)
	ScoreInitial = 2000 // … or an initial (M. for Muhammad)
	ScoreFuzzy   = 1000 // … or close in letters (Jaro-Winkler ≥ 0.85): a typo
	// Below ScoreFuzzy some query word matched nothing: partial.
)

// Per-word match levels, 0–100; the band of a name is its worst word's.
const (
	wordExact   = 100
	wordPrefix  = 80 // 80–89
	wordVariant = 60 // 60–79
	wordInitial = 50
	wordFuzzy   = 20 // 20–39
)

// NameQuery is a search's name words prepared once, to score the few
// hundred candidates the key index returns. Safe for concurrent use.
type NameQuery struct {
	norm  string
	words []queryWord
}

type queryWord struct {
	text []byte
	keys keySet
}

// NewNameQuery prepares words (from QueryTerms; at most 8 are used).
func NewNameQuery(words []string) *NameQuery {
	if len(words) > maxQueryWords {
		words = words[:maxQueryWords]
	}
	q := &NameQuery{words: make([]queryWord, 0, len(words))}
	var norm []byte
	for _, w := range words {
		t := appendNormalized(nil, w)
		if len(t) == 0 {
			continue
		}
		if len(norm) > 0 {
			norm = append(norm, ' ')
		}
		norm = append(norm, t...)
		q.words = append(q.words, queryWord{text: t})
	}
	for i := range q.words {
		wordKeys(&q.words[i].keys, q.words[i].text, i == 0 && len(q.words) > 1)
	}
	q.norm = string(norm)
	return q
}

// Rank scores names (a person's name and aliases) against a query typed in
// the search box; see NameQuery.Score. For many candidates build the
// NameQuery once.
func Rank(query string, names []string) int {
	_, _, words := QueryTerms(query)
	return NewNameQuery(words).Score(names...)
}

// Score rates how well the best of names answers the query: higher is
// better, 0 is no match. The band (ScoreExact … ScoreFuzzy) comes from the
// weakest query word; within a band, closer words, the query's word order
// and fewer extra words in the name count. Each name word answers at most
// one query word. Titles and what follows a comma are ignored. Score does
// not allocate.
func (q *NameQuery) Score(names ...string) int {
	best := 0
	for _, name := range names {
		best = max(best, q.score(name))
	}
	return best
}

func (q *NameQuery) score(name string) int {
	if len(q.words) == 0 {
		return 0
	}
	var nb [128]byte
	var sb [maxNameWords]span
	norm, words := splitName(nb[:0], name, sb[:0], true)
	if len(words) == 0 {
		return 0
	}
	if string(norm) == q.norm {
		return ScoreExact
	}
	// m[i][j]: how well name word j answers query word i.
	var m [maxQueryWords][maxNameWords]uint8
	var ks keySet
	for j, w := range words {
		cw := norm[w.lo:w.hi]
		wordKeys(&ks, cw, j == 0 && len(words) > 1)
		for i := range q.words {
			m[i][j] = wordMatch(&q.words[i], cw, &ks)
		}
	}
	// Assign greedily, best pair first.
	var assigned [maxQueryWords]int8
	var usedWord [maxNameWords]bool
	for i := range q.words {
		assigned[i] = -1
	}
	for range q.words {
		bi, bj, bv := -1, -1, uint8(0)
		for i := range q.words {
			if assigned[i] >= 0 {
				continue
			}
			for j := range words {
				if !usedWord[j] && m[i][j] > bv {
					bi, bj, bv = i, j, m[i][j]
				}
			}
		}
		if bi < 0 {
			break
		}
		assigned[bi] = int8(bj)
		usedWord[bj] = true
	}
	worst, sum, matched := 100, 0, 0
	inOrder, last := true, -1
	for i := range q.words {
		v := 0
		if j := assigned[i]; j >= 0 {
			v = int(m[i][j])
			matched++
			if int(j) < last {
				inOrder = false
			}
			last = int(j)
		}
		worst = min(worst, v)
		sum += v
	}
	if matched == 0 {
		return 0
	}
	nq := len(q.words)
	// Within a band (0–999): word quality up to 800, word order 100,
	// share of the name's words the query accounts for up to 99.
	fine := sum * 8 / nq
	if inOrder {
		fine += 100
	}
	fine += 99 * matched / len(words)
	var band int
	switch {
	case worst == wordExact:
		band = ScoreWords
	case worst >= wordPrefix:
		band = ScorePrefix
	case worst >= wordVariant:
		band = ScoreKey
	case worst >= wordInitial:
		band = ScoreInitial
	case worst >= wordFuzzy:
		band = ScoreFuzzy
	default:
		// Partial: some word unmatched. Stay below ScoreFuzzy.
		return max(1, fine*matched/nq)
	}
	return band + min(fine, 999)
}

// wordMatch rates name word cw (with keys ks) as an answer to query word qw.
func wordMatch(qw *queryWord, cw []byte, ks *keySet) uint8 {
	t := qw.text
	switch {
	case string(t) == string(cw):
		return wordExact
	case len(t) == 1 || len(cw) == 1:
		// An initial on either side: M. for Muhammad, or "m" typed.
		if t[0] == cw[0] {
			return wordInitial
		}
		return 0
	case len(t) < len(cw) && string(cw[:len(t)]) == string(t):
		return wordPrefix + uint8(9*len(t)/len(cw))
	}
	jw := jaroWinkler(t, cw)
	if qw.keys.shares(ks) {
		return wordVariant + uint8(19*jw)
	}
	if jw >= 0.85 {
		return wordFuzzy + uint8(19*(jw-0.85)/0.15)
	}
	return 0
}

// Similarity is a symmetric measure in [0, 1] of how alike two names are,
// word by word in any order: 1 for the same words, 0.9 for a spelling
// variant (same key), 0.6 for an initial, else the Jaro-Winkler similarity
// of the words if at least 0.7; each word's best counterpart, averaged both
// ways. For duplicate review, where neither name is the query.
func Similarity(a, b string) float64 {
	var ab, bb [128]byte
	var as, bs [maxNameWords]span
	an, aw := splitName(ab[:0], a, as[:0], true)
	bn, bw := splitName(bb[:0], b, bs[:0], true)
	if len(aw) == 0 || len(bw) == 0 {
		return 0 // blank names are not alike: they are unknown
	}
	var ak, bk [maxNameWords]keySet
	for i, w := range aw {
		wordKeys(&ak[i], an[w.lo:w.hi], i == 0 && len(aw) > 1)
	}
	for i, w := range bw {
		wordKeys(&bk[i], bn[w.lo:w.hi], i == 0 && len(bw) > 1)
	}
	var m [maxNameWords][maxNameWords]float64
	for i, x := range aw {
		for j, y := range bw {
			m[i][j] = wordSimilarity(an[x.lo:x.hi], bn[y.lo:y.hi], &ak[i], &bk[j])
		}
	}
	var sa, sb float64
	for i := range aw {
		best := 0.0
		for j := range bw {
			best = max(best, m[i][j])
		}
		sa += best
	}
	for j := range bw {
		best := 0.0
		for i := range aw {
			best = max(best, m[i][j])
		}
		sb += best
	}
	return (sa/float64(len(aw)) + sb/float64(len(bw))) / 2
}

func wordSimilarity(a, b []byte, ak, bk *keySet) float64 {
	switch {
	case string(a) == string(b):
		return 1
	case len(a) == 1 || len(b) == 1:
		if a[0] == b[0] {
			return 0.6
		}
		return 0
	case ak.shares(bk):
		return 0.9
	}
	if jw := jaroWinkler(a, b); jw >= 0.7 {
		return min(jw, 0.89)
	}
	return 0
}

// jaroWinkler is the Jaro-Winkler similarity of two words (bytes; the first
// 64 of each), in [0, 1]. It suits short words and weighs the start, where
// names differ least when misspelt.
func jaroWinkler(a, b []byte) float64 {
	const maxLen = 64
	a, b = a[:min(len(a), maxLen)], b[:min(len(b), maxLen)]
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	window := max(len(a), len(b))/2 - 1
	window = max(window, 0)
	var am, bm [maxLen]bool
	matches := 0
	for i := range a {
		lo, hi := max(0, i-window), min(len(b), i+window+1)
		for j := lo; j < hi; j++ {
			if !bm[j] && a[i] == b[j] {
				am[i], bm[j] = true, true
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}
	transpositions, j := 0, 0
	for i := range a {
		if !am[i] {
			continue
		}
		for !bm[j] {
			j++
		}
		if a[i] != b[j] {
			transpositions++
		}
		j++
	}
	m := float64(matches)
	jaro := (m/float64(len(a)) + m/float64(len(b)) + (m-float64(transpositions/2))/m) / 3
	prefix := 0
	for prefix < min(4, len(a), len(b)) && a[prefix] == b[prefix] {
		prefix++
	}
	return jaro + float64(prefix)*0.1*(1-jaro)
}

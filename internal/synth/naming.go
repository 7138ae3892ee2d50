package synth

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/layan-id/layan/internal/registry"
)

// name makes a person's name as their record would hold it: by tradition,
// sex, generation and birth order, then written with the spellings people
// actually use (Muhammad or Mochammad, Siti or Sitti), in the pre-1972
// spelling for some older people (Djoko, Soekarno), sometimes in capitals
// as on a KTP, sometimes with a pilgrim's title or a degree.
func (g *Generator) name(m *member) string {
	r := &g.r
	female := m.sex == registry.Female
	year := m.birth.Year()
	var words []string
	switch m.culture {
	case javanese:
		words = g.javanese(female, year, m.order)
	case sundanese:
		words = g.sundanese(female, year)
	case batak:
		words = g.given(female, year, batakM, batakF, 0.35)
		if female && r.chance(0.2) {
			words = append(words, "br.")
		}
		words = append(words, m.familyOr(marga, r))
	case minang:
		switch {
		case year >= 1995 && r.chance(0.6):
			words = g.modern(female)
		case female:
			words = []string{r.pick(minangF)}
			if r.chance(0.35) {
				words = append(words, r.pick(minangSecondF))
			}
		default:
			words = []string{r.pick(minangM)}
			if r.chance(0.4) {
				words = append(words, r.pick(minangSecond))
			}
		}
	case bugis:
		words = g.bugis(female, year, m)
	case balinese:
		words = g.balinese(female, year, m.order)
	case muslim:
		words = g.muslim(female, year)
	case eastern:
		words = g.given(female, year, easternM, easternF, 0.25)
		if r.chance(0.2) {
			words = append(words, r.pick(pickSex(female, easternM, easternF)))
		}
		words = append(words, m.familyOr(easternFam, r))
	case minahasa:
		words = append(g.given(female, year, minahasaM, minahasaF, 0.3), m.familyOr(minahasaFam, r))
	case maluku:
		words = append(g.given(female, year, malukuM, malukuF, 0.3), m.familyOr(malukuFam, r))
	case papua:
		words = g.given(female, year, papuaM, papuaF, 0.2)
		if r.chance(0.85) {
			words = append(words, m.familyOr(papuaFam, r))
		}
	case chinese:
		words = []string{r.pick(pickSex(female, chineseM, chineseF))}
		if r.chance(0.75) {
			words = append(words, m.familyOr(chineseFam, r))
		} else {
			words = append(words, r.pick(pickSex(female, chineseM, chineseF)))
		}
	}
	words = dedupe(words)
	for i, w := range words {
		// Abbreviations (M., Moh., Abd.) only before another name word.
		if v := r.spell(w); !strings.HasSuffix(v, ".") || i < len(words)-1 {
			words[i] = v
		}
	}
	if usesEYD(m.culture) && r.chance(oldSpellingRate(year)) {
		for i, w := range words {
			if !strings.HasSuffix(w, ".") && r.chance(0.85) {
				words[i] = oldSpelling(w)
			}
		}
	}
	age := g.asOf.Year() - year
	if isMuslimTradition(m.culture) && age >= 50 && r.chance(0.04) {
		words = append([]string{map[bool]string{false: "H.", true: "Hj."}[female]}, words...)
	}
	name := strings.Join(words, " ")
	if age >= 25 && age <= 60 && r.chance(0.008) {
		name += ", " + r.pick([]string{"S.Pd.", "S.E.", "S.H.", "S.Sos.", "A.Md.", "S.Ag."})
	}
	if r.chance(0.15) {
		name = strings.ToUpper(name) // as printed on a KTP or typed from one
	}
	return name
}

// familyOr returns the family name the member inherited, or draws one.
func (m *member) familyOr(list []string, r *rnd) string {
	if m.family != "" {
		return m.family
	}
	m.family = r.pick(list)
	return m.family
}

func pickSex(female bool, m, f []string) []string {
	if female {
		return f
	}
	return m
}

// given is a Christian or traditional given name, a modern one for some of
// the young.
func (g *Generator) given(female bool, year int, m, f []string, modernShare float64) []string {
	if year >= 1995 && g.r.chance(modernShare) {
		return []string{g.r.pick(pickSex(female, modernM, modernF))}
	}
	return []string{g.r.pick(pickSex(female, m, f))}
}

// modern is a name of the generation born since the mid-1990s.
func (g *Generator) modern(female bool) []string {
	r := &g.r
	if female {
		w := []string{r.pick(modernF)}
		if r.chance(0.85) {
			w = append(w, r.pick(modernSecondF))
		}
		if r.chance(0.15) {
			w = append(w, r.pick(modernThirdF))
		}
		return w
	}
	w := []string{r.pick(modernM)}
	if r.chance(0.8) {
		w = append(w, r.pick(modernSecondM))
	}
	return w
}

// javanese: older people mostly have one name (Sutrisno, Suparmi); the
// middle generation two; the young modern ones. Some children carry their
// birth order (Eko, Dwi, Tri, Catur, Panca; Eka for a first daughter).
func (g *Generator) javanese(female bool, year, order int) []string {
	r := &g.r
	var w []string
	switch {
	case year >= 1995 && r.chance(0.75):
		w = g.modern(female)
	case r.chance(0.15):
		return g.muslim(female, year)
	case year < 1970 && r.chance(0.65):
		w = []string{r.pick(pickSex(female, javaOldM, javaOldF))}
	case year < 1970:
		w = []string{r.pick(pickSex(female, javaOldM, javaOldF)), r.pick(pickSex(female, javaSecondM, javaSecondF))}
	case r.chance(0.25):
		w = []string{r.pick(pickSex(female, javaOldM, javaOldF))}
	default:
		w = []string{r.pick(pickSex(female, javaMidM, javaMidF)), r.pick(pickSex(female, javaSecondM, javaSecondF))}
	}
	if order >= 0 && order < len(javaOrder) && year >= 1960 && r.chance(0.12) {
		o := javaOrder[order]
		if order == 0 && female {
			o = "Eka"
		}
		if len(w) == 1 {
			w = []string{o, w[0]}
		} else {
			w[0] = o
		}
	}
	return w
}

// sundanese: a short given name (Asep, Ujang, Euis, Ai), often doubled
// syllables, and a second name.
func (g *Generator) sundanese(female bool, year int) []string {
	r := &g.r
	if year >= 1995 && r.chance(0.6) {
		return g.modern(female)
	}
	if r.chance(0.1) {
		return g.muslim(female, year)
	}
	w := []string{r.pick(pickSex(female, sundaM, sundaF))}
	if r.chance(0.8) {
		w = append(w, r.pick(pickSex(female, sundaSecondM, sundaSecondF)))
	}
	return w
}

// bugis: Andi for the nobility, La (and in Buton Wa, La Ode/Wa Ode) before a
// name, Daeng names in Makassar, Muhammad and Sitti very common.
func (g *Generator) bugis(female bool, year int, m *member) []string {
	r := &g.r
	if year >= 1995 && r.chance(0.5) {
		w := g.modern(female)
		if r.chance(0.12) {
			w = append([]string{"Andi"}, w...)
		}
		return w
	}
	var w []string
	switch {
	case !female && r.chance(0.35):
		w = []string{"Muhammad", r.pick(bugisM)}
	case female && r.chance(0.3):
		w = []string{"Sitti", r.pick(bugisF)}
	default:
		w = []string{r.pick(pickSex(female, bugisM, bugisF))}
		if r.chance(0.5) {
			w = append(w, r.pick(bugisSecond))
		}
	}
	switch x := r.r.IntN(100); {
	case x < 10:
		w = append([]string{"Andi"}, w...)
	case x < 16 && !female:
		w = append([]string{"La"}, w...)
	case x < 19:
		if female {
			w = append([]string{"Wa", "Ode"}, w...)
		} else {
			w = append([]string{"La", "Ode"}, w...)
		}
	case x < 23 && !female:
		w = []string{w[0], "Daeng", r.pick(daeng)}
	}
	return w
}

// balinese: I (a man) or Ni (a woman), the birth-order name (Wayan, Putu,
// Gede; Made, Kadek, Nengah; Nyoman, Komang; Ketut; again Wayan for the
// fifth), then the given name; gentry names instead for a few.
func (g *Generator) balinese(female bool, year, order int) []string {
	r := &g.r
	givenList := pickSex(female, baliGivenM, baliGivenF)
	if year >= 1995 && r.chance(0.3) {
		givenList = pickSex(female, modernM, modernF)
	}
	if r.chance(0.06) {
		w := strings.Fields(r.pick(pickSex(female, baliGentryM, baliGentryF)))
		return append(w, r.pick(givenList))
	}
	if order < 0 {
		order = r.r.IntN(4)
	}
	var o string
	if female && order%4 == 0 {
		o = r.pick(baliOrderFirstF)
	} else {
		o = r.pick(baliOrder[order%4])
		if o == "Gede" && female {
			o = "Putu"
		}
	}
	prefix := "I"
	if female {
		prefix = "Ni"
	}
	w := append([]string{prefix}, strings.Fields(o)...)
	w = append(w, r.pick(givenList))
	if r.chance(0.3) {
		w = append(w, r.pick(givenList))
	}
	return w
}

// muslim: Arabic-derived names: Muhammad, Ahmad or Abdul + a name for a
// man, Siti or Nur + a name for a woman, or a name with a second one.
func (g *Generator) muslim(female bool, year int) []string {
	r := &g.r
	if year >= 1995 && r.chance(0.5) {
		return g.modern(female)
	}
	if female {
		switch x := r.r.IntN(100); {
		case x < 25:
			return []string{"Siti", r.pick(muslimF)}
		case x < 35:
			return []string{"Nur", r.pick(muslimF)}
		case x < 85:
			return []string{r.pick(muslimF), r.pick(muslimSecondF)}
		default:
			return []string{r.pick(muslimF)}
		}
	}
	switch x := r.r.IntN(100); {
	case x < 35:
		return []string{"Muhammad", r.pick(muslimM)}
	case x < 45:
		return []string{"Ahmad", r.pick(muslimM)}
	case x < 55:
		return []string{"Abdul", r.pick(abdulSecond)}
	case x < 90:
		return []string{r.pick(muslimM), r.pick(muslimSecondM)}
	default:
		return []string{r.pick(muslimM)}
	}
}

// usesEYD reports whether a tradition's names were written in the old
// spelling before 1972 (those written in Latin script in Dutch times).
func usesEYD(c culture) bool {
	switch c {
	case javanese, sundanese, muslim, minang, bugis, chinese:
		return true
	}
	return false
}

func isMuslimTradition(c culture) bool {
	switch c {
	case javanese, sundanese, muslim, minang, bugis:
		return true
	}
	return false
}

// oldSpellingRate is the share of people born in year whose name is on
// record in the old spelling: most who kept it were born before
// independence; it was still given (Soeharto's generation named children
// after themselves) into the 1970s. Assumed shares.
func oldSpellingRate(year int) float64 {
	switch {
	case year < 1950:
		return 0.35
	case year < 1965:
		return 0.18
	case year < 1980:
		return 0.06
	}
	return 0.005
}

// dedupe drops a word that repeats the one before it ("Putri Putri").
func dedupe(words []string) []string {
	out := make([]string, 0, len(words))
	for i, w := range words {
		if i > 0 && w == words[i-1] {
			continue
		}
		out = append(out, w)
	}
	return out
}

// titleCase writes a word with a capital first letter and the rest small.
func titleCase(w string) string {
	if w == "" {
		return w
	}
	r, size := utf8.DecodeRuneInString(w)
	return string(unicode.ToUpper(r)) + strings.ToLower(w[size:])
}

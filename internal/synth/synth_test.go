package synth_test

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/registry"
	"github.com/layan-id/layan/internal/synth"
	"github.com/layan-id/layan/internal/wilayah"
)

var regions = sync.OnceValues(wilayah.Embedded)

func index(t testing.TB) *wilayah.Index {
	t.Helper()
	ix, err := regions()
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func generator(t testing.TB, cfg synth.Config) *synth.Generator {
	t.Helper()
	g, err := synth.New(index(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// sample is n people of seed 1, made once for the tests that only read.
var sample = sync.OnceValue(func() []registry.BulkHousehold {
	ix, err := regions()
	if err != nil {
		panic(err)
	}
	g, err := synth.New(ix, synth.Config{Seed: 1})
	if err != nil {
		panic(err)
	}
	var out []registry.BulkHousehold
	for h := range g.People(60000) {
		out = append(out, h)
	}
	return out
})

func members(hs []registry.BulkHousehold) []registry.BulkMember {
	var out []registry.BulkMember
	for _, h := range hs {
		out = append(out, h.Members...)
	}
	return out
}

// ageOf is the age on synth.DefaultAsOf of someone born on date or, when
// only the year is known, the oldest they can be.
func ageOf(p registry.Input) int {
	asOf := synth.DefaultAsOf
	if p.BirthDate == "" {
		return asOf.Year() - p.BirthYear
	}
	d, _ := time.Parse(time.DateOnly, p.BirthDate)
	a := asOf.Year() - d.Year()
	if asOf.YearDay() < d.YearDay() {
		a--
	}
	return a
}

// TestNIKsAreValidAndConsistent: every NIK passes the registry's own rules
// (ParseNIK: digits, province, day, month, serial) and agrees with the
// person's sex and birth date or year (CheckAgainst gives no warning); NIKs
// are unique; KK numbers pass ParseKK and are unique.
func TestNIKsAreValidAndConsistent(t *testing.T) {
	ix := index(t)
	niks := map[string]bool{}
	kks := map[string]bool{}
	oldRegion := 0
	for _, h := range sample() {
		if h.KK != "" {
			kk, _, err := registry.ParseKK(h.KK, ix)
			if err != nil {
				t.Fatalf("KK %s: %v", h.KK, err)
			}
			if kks[string(kk)] {
				t.Fatalf("KK %s made twice", kk)
			}
			kks[string(kk)] = true
			if !wilayah.Code(h.Village).Parent().Contains(wilayah.Code(h.Village)) || kk.Region() != wilayah.Code(h.Village).Parent() {
				t.Errorf("KK %s issued in %s, household lives in %s", kk, kk.Region(), h.Village)
			}
		}
		for _, m := range h.Members {
			p := m.Person
			if p.NIK == "" {
				continue
			}
			nik, notes, err := registry.ParseNIK(p.NIK, ix)
			if err != nil {
				t.Fatalf("%s (%s): %v", p.NIK, p.Name, err)
			}
			if len(notes) > 0 {
				oldRegion++
			}
			if niks[p.NIK] {
				t.Fatalf("NIK %s made twice", p.NIK)
			}
			niks[p.NIK] = true
			birth := registry.BirthInfo{Year: p.BirthYear}
			if p.BirthDate != "" {
				birth.Date, _ = time.Parse(time.DateOnly, p.BirthDate)
			}
			if ws := registry.CheckAgainst(nik, registry.Sex(p.Sex), birth); len(ws) > 0 {
				t.Fatalf("%s %s %s %s/%d: %v", p.NIK, p.Name, p.Sex, p.BirthDate, p.BirthYear, ws)
			}
		}
	}
	if len(niks) < 50000 || len(kks) < 10000 {
		t.Fatalf("%d NIKs, %d KKs: too few", len(niks), len(kks))
	}
	t.Logf("%d NIKs, %d KKs, %d NIKs under a former region code", len(niks), len(kks), oldRegion)
}

// TestHouseholdsAreWellFormed: a KK has one head, listed first, a known
// relation for everyone, and joining dates not before birth; people on no
// KK come one to a household.
func TestHouseholdsAreWellFormed(t *testing.T) {
	for _, h := range sample() {
		if h.KK == "" {
			for _, m := range h.Members {
				if m.Relation != "" {
					t.Fatalf("%s is on no KK but has relation %s", m.Person.Name, m.Relation)
				}
			}
			continue
		}
		heads := 0
		for i, m := range h.Members {
			if _, ok := registry.ParseRelation(string(m.Relation)); !ok {
				t.Fatalf("KK %s: relation %q", h.KK, m.Relation)
			}
			if m.Relation == registry.Head {
				heads++
				if i != 0 {
					t.Fatalf("KK %s: the head is member %d", h.KK, i)
				}
			}
			if m.Person.Village != h.Village {
				t.Fatalf("KK %s: member lives in %s, the KK in %s", h.KK, m.Person.Village, h.Village)
			}
			if m.Person.BirthDate != "" && m.JoinedOn < m.Person.BirthDate {
				t.Fatalf("KK %s: %s joined on %s, born %s", h.KK, m.Person.Name, m.JoinedOn, m.Person.BirthDate)
			}
		}
		if heads != 1 && len(h.Members) > 0 && h.Members[0].Relation == registry.Head {
			t.Fatalf("KK %s has %d heads", h.KK, heads)
		}
	}
}

// TestNamesHaveKeys: every name can be found: it yields search keys.
func TestNamesHaveKeys(t *testing.T) {
	for _, m := range members(sample()) {
		if len(registry.NameKeys(m.Person.Name)) == 0 {
			t.Fatalf("%q has no search keys", m.Person.Name)
		}
	}
}

// TestDistribution checks the shares the package documents, within
// tolerances wide enough for any seed.
func TestDistribution(t *testing.T) {
	ms := members(sample())
	n := float64(len(ms))
	var noNIK, estimated, children, elderly, female, disabled, withCat float64
	var elderlyNeglected, poor float64
	province := map[wilayah.Code]float64{}
	cats := map[string]float64{}
	for _, m := range ms {
		p := m.Person
		a := ageOf(p)
		young := a // the youngest they can be
		if p.BirthDate == "" {
			young--
		}
		if p.NIK == "" {
			noNIK++
		}
		if p.BirthDate == "" {
			estimated++
		}
		if a < 18 {
			children++
		}
		if a >= 60 {
			elderly++
		}
		if p.Sex == "P" {
			female++
		}
		if len(p.Disabilities) > 0 {
			disabled++
		}
		if len(p.Categories) > 0 {
			withCat++
		}
		province[wilayah.Code(p.Village).Province()]++
		for _, c := range p.Categories {
			cats[c]++
			info, ok := registry.CategoryCode(c).Info()
			if !ok {
				t.Fatalf("unknown category %q", c)
			}
			// Categories bound to an age must fit it.
			switch info.Code {
			case "anak_balita_telantar":
				if young >= 5 {
					t.Errorf("%s aged %d is %s", p.Name, a, c)
				}
			case "anak_telantar", "anak_jalanan", "anak_dengan_kedisabilitasan", "anak_berhadapan_dengan_hukum",
				"anak_korban_tindak_kekerasan", "anak_memerlukan_perlindungan_khusus":
				if young >= 18 {
					t.Errorf("%s aged %d is %s", p.Name, a, c)
				}
			case "penyandang_disabilitas", "gelandangan", "pengemis", "korban_napza", "pekerja_migran_bermasalah_sosial":
				if a < 18 {
					t.Errorf("%s aged %d is %s", p.Name, a, c)
				}
			case "lanjut_usia_telantar":
				if a < 60 {
					t.Errorf("%s aged %d is %s", p.Name, a, c)
				}
				elderlyNeglected++
			case "fakir_miskin":
				poor++
			}
		}
		if (slices.Contains(p.Categories, "penyandang_disabilitas") || slices.Contains(p.Categories, "anak_dengan_kedisabilitasan")) != (len(p.Disabilities) > 0) {
			t.Errorf("%s: categories %v but disabilities %v", p.Name, p.Categories, p.Disabilities)
		}
	}
	share := func(x float64) float64 { return x / n }
	checks := []struct {
		what     string
		got      float64
		lo, hi   float64
		describe string
	}{
		{"no NIK", share(noNIK), 0.06, 0.10, "homeless people, abandoned children, unregistered families (≈8 %)"},
		{"only a birth year", share(estimated), 0.08, 0.13, "≈10 %"},
		{"children (< 18)", share(children), 0.28, 0.45, "skewed to the PPKS groups"},
		{"older people (60+)", share(elderly), 0.14, 0.30, "skewed to the PPKS groups"},
		{"women", share(female), 0.46, 0.58, ""},
		{"with a disability", share(disabled), 0.02, 0.07, "a few per cent"},
		{"fakir miskin", share(poor), 0.30, 0.70, "the common category"},
		{"lansia telantar among the old", elderlyNeglected / elderly, 0.10, 0.45, ""},
		{"with any category", share(withCat), 0.45, 0.90, ""},
		{"Jawa Barat", province["32"] / n, 0.12, 0.24, "≈18 % of Indonesians"},
		{"Jawa Timur", province["35"] / n, 0.10, 0.20, ""},
		{"Kalimantan Utara", province["65"] / n, 0.0005, 0.008, ""},
	}
	for _, c := range checks {
		if c.got < c.lo || c.got > c.hi {
			t.Errorf("%s: %.3f, want %.3f–%.3f (%s)", c.what, c.got, c.lo, c.hi, c.describe)
		} else {
			t.Logf("%-32s %.3f", c.what, c.got)
		}
	}
	for c, x := range cats {
		if c != "fakir_miskin" && x >= poor {
			t.Errorf("%s (%.0f) is as common as fakir_miskin (%.0f)", c, x, poor)
		}
	}
	if len(province) < 38 {
		t.Errorf("people in %d provinces, want all 38", len(province))
	}
}

// TestNamingTraditions looks for each tradition's marks where it lives.
func TestNamingTraditions(t *testing.T) {
	byProv := map[wilayah.Code][]registry.Input{}
	for _, m := range members(sample()) {
		c := wilayah.Code(m.Person.Village).Province()
		byProv[c] = append(byProv[c], m.Person)
	}
	frac := func(prov wilayah.Code, f func(words []string) bool) float64 {
		n, hit := 0, 0
		for _, p := range byProv[prov] {
			n++
			if f(strings.Fields(strings.ToLower(strings.SplitN(p.Name, ",", 2)[0]))) {
				hit++
			}
		}
		if n == 0 {
			t.Fatalf("no one in %s", prov)
		}
		return float64(hit) / float64(n)
	}
	has := func(ws ...string) func([]string) bool {
		return func(words []string) bool {
			for _, w := range words {
				if slices.Contains(ws, w) {
					return true
				}
			}
			return false
		}
	}
	margas := has("siregar", "nasution", "simanjuntak", "sitompul", "harahap", "lubis", "sinaga", "situmorang",
		"panjaitan", "pardede", "manurung", "tambunan", "sihombing", "ginting", "tarigan", "sembiring", "purba", "saragih")
	for _, c := range []struct {
		what   string
		prov   wilayah.Code
		f      func([]string) bool
		lo, hi float64
	}{
		{"Balinese I/Ni", "51", func(w []string) bool { return len(w) > 0 && (w[0] == "i" || w[0] == "ni") }, 0.6, 0.95},
		{"Balinese birth order", "51", has("wayan", "putu", "gede", "made", "kadek", "nengah", "nyoman", "komang", "ketut", "luh"), 0.55, 0.95},
		{"Batak marga (some)", "12", margas, 0.15, 0.6},
		{"Sundanese Asep/Ujang/Euis/Ai…", "32", has("asep", "ujang", "dadang", "cecep", "euis", "ai", "iis", "nining", "entin", "yuyun"), 0.05, 0.5},
		{"Javanese one-word names", "33", func(w []string) bool { return len(w) == 1 }, 0.1, 0.6},
		{"Bugis Andi/La/Wa/Daeng", "73", has("andi", "la", "wa", "daeng"), 0.05, 0.4},
		{"Papuan family names (some)", "95", has("wenda", "kogoya", "tabuni", "wanimbo", "murib", "wonda", "karoba", "yikwa", "gobai", "pigai"), 0.1, 0.6},
	} {
		got := frac(c.prov, c.f)
		if got < c.lo || got > c.hi {
			t.Errorf("%s in %s: %.3f, want %.2f–%.2f", c.what, c.prov, got, c.lo, c.hi)
		} else {
			t.Logf("%-34s %s %.3f", c.what, c.prov, got)
		}
	}
	// Muhammad in several spellings, and the old spelling among the old.
	spellings := map[string]int{}
	old, oldPeople := 0, 0
	for _, m := range members(sample()) {
		for _, w := range strings.Fields(m.Person.Name) {
			switch lw := strings.ToLower(w); lw {
			case "muhammad", "muhamad", "mohammad", "mohamad", "mochammad", "moh.", "m.", "muh.":
				spellings[lw]++
			}
		}
		if ageOf(m.Person) >= 75 {
			oldPeople++
			lo := strings.ToLower(m.Person.Name)
			if strings.Contains(lo, "oe") || strings.Contains(lo, "dj") || strings.Contains(lo, "tj") {
				old++
			}
		}
	}
	if len(spellings) < 6 {
		t.Errorf("Muhammad spelt %d ways (%v), want at least 6", len(spellings), spellings)
	}
	if r := float64(old) / float64(oldPeople); r < 0.08 || r > 0.4 {
		t.Errorf("old spelling among people of 75 and more: %.3f, want 0.08–0.40", r)
	}
	t.Logf("Muhammad: %v; old spelling among %d people of 75+: %d", spellings, oldPeople, old)
}

// TestDeterministic: a seed gives the same people every time, and People
// can be read twice; another seed gives other people.
func TestDeterministic(t *testing.T) {
	read := func(g *synth.Generator, n int) []registry.BulkHousehold {
		var out []registry.BulkHousehold
		for h := range g.People(n) {
			out = append(out, h)
		}
		return out
	}
	g := generator(t, synth.Config{Seed: 42})
	a := read(g, 3000)
	b := read(g, 3000)
	c := read(generator(t, synth.Config{Seed: 42}), 3000)
	if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(a, c) {
		t.Fatal("the same seed gave different people")
	}
	if got := len(members(a)); got != 3000 {
		t.Fatalf("People(3000) gave %d people", got)
	}
	d := read(generator(t, synth.Config{Seed: 43}), 3000)
	if reflect.DeepEqual(a, d) {
		t.Fatal("seeds 42 and 43 gave the same people")
	}
	// A longer run starts with the same households (the last one of the
	// shorter run may be cut short).
	long := read(g, 6000)
	if !reflect.DeepEqual(a[:len(a)-1], long[:len(a)-1]) {
		t.Fatal("People(6000) does not begin like People(3000)")
	}
}

// TestAreas: configured areas hold everyone, in their shares.
func TestAreas(t *testing.T) {
	g := generator(t, synth.Config{Seed: 7, Areas: []synth.Area{{Code: "33.73", Weight: 3}, {Code: "73.71.01", Weight: 1}}})
	n, salatiga := 0, 0
	for h := range g.People(4000) {
		for _, m := range h.Members {
			v := wilayah.Code(m.Person.Village)
			n++
			switch {
			case wilayah.Code("33.73").Contains(v):
				salatiga++
			case wilayah.Code("73.71.01").Contains(v):
			default:
				t.Fatalf("%s lives in %s, outside the areas", m.Person.Name, v)
			}
		}
	}
	if r := float64(salatiga) / float64(n); r < 0.65 || r > 0.85 {
		t.Errorf("Salatiga share %.2f, want ≈0.75", r)
	}
	if _, err := synth.New(index(t), synth.Config{Areas: []synth.Area{{Code: "99.99", Weight: 1}}}); err == nil {
		t.Error("an unknown area was accepted")
	}
}

// TestMisspellStaysFindable: the misspellings the benchmark searches with
// are ones the name keys bridge, so the person is among the candidates.
func TestMisspellStaysFindable(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	ms := members(sample())
	miss, changed := 0, 0
	const n = 5000
	for i := range n {
		name := ms[i*7%len(ms)].Person.Name
		q := synth.Misspell(r, name)
		if q != strings.ToLower(name) {
			changed++
		}
		if !findable(q, name) {
			miss++
			if miss <= 10 {
				t.Logf("not bridged: %q → %q", name, q)
			}
		}
	}
	if changed < n*8/10 {
		t.Errorf("only %d of %d names changed", changed, n)
	}
	if miss > n/100 {
		t.Errorf("%d of %d misspellings are not bridged by the name keys", miss, n)
	}
	t.Logf("%d of %d misspelt, %d not bridged", changed, n, miss)
}

// findable reports whether every keyed query word shares a key with the
// stored name (what registry's search needs to see the person).
func findable(query, stored string) bool {
	_, _, words := registry.QueryTerms(query)
	keys := registry.NameKeys(stored)
	keyed := false
	for _, alts := range registry.QueryKeys(words) {
		if alts == nil {
			continue
		}
		keyed = true
		if !slices.ContainsFunc(alts, func(k string) bool { return slices.Contains(keys, k) }) {
			return false
		}
	}
	return keyed
}

func BenchmarkGenerate(b *testing.B) {
	g := generator(b, synth.Config{Seed: 1})
	b.ResetTimer()
	n := 0
	for h := range g.People(b.N) {
		n += len(h.Members)
	}
}

// TestSeedsDoNotShareNumbers: two loads of different seeds in the same
// place never make the same KK (which the registry refuses twice) nor the
// same NIK, even where their prefixes (kecamatan and date) meet often.
func TestSeedsDoNotShareNumbers(t *testing.T) {
	area := []synth.Area{{Code: "33.73", Weight: 1}}
	kks, niks := map[string]uint64{}, map[string]uint64{}
	shared := 0
	for _, seed := range []uint64{1, 2, 3390} {
		for h := range generator(t, synth.Config{Seed: seed, Areas: area}).People(30000) {
			if s, ok := kks[h.KK]; ok && h.KK != "" && s != seed {
				t.Fatalf("KK %s made by seeds %d and %d", h.KK, s, seed)
			}
			kks[h.KK] = seed
			for _, m := range h.Members {
				n := m.Person.NIK
				if s, ok := niks[n]; ok && n != "" && s != seed {
					t.Fatalf("NIK %s made by seeds %d and %d", n, s, seed)
				}
				if _, ok := niks[n[:min(len(n), 12)]]; ok {
					shared++
				}
				niks[n] = seed
				if len(n) == 16 {
					niks[n[:12]] = seed
				}
			}
		}
	}
	if shared < 100 {
		t.Errorf("only %d NIK prefixes shared: the test does not test", shared)
	}
}

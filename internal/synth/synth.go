// Package synth generates realistic synthetic people for demonstrations and
// benchmarks: households with a KK and their members, named as people are
// named in each region (Javanese single names, Sundanese, Batak marga,
// Minang, Bugis, Balinese birth-order names, Arabic-derived names with their
// spelling variants and the pre-1972 spelling), with NIKs consistent with
// region, birth date and sex, and the PPKS categories at plausible rates.
//
// Everything is drawn from one seed: the same seed, configuration and count
// give the same people, byte for byte, on every machine. That makes a
// synthetic load repeatable and resumable (registry.BulkLoad skips what an
// earlier, interrupted run committed) and lets a benchmark draw its queries
// from the very people it loaded.
//
// The shares used (population by province, ethnic mix, household shapes,
// category prevalences) are stated assumptions chosen to give data of the
// right shape; they are not Dukcapil, BPS or DTKS figures.
package synth

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/registry"
	"github.com/layan-id/layan/internal/wilayah"
)

// DefaultAsOf is the day ages are counted to unless Config.AsOf says
// otherwise. It is fixed, not today, so that a seed gives the same people
// tomorrow: a load interrupted today can be resumed next week.
var DefaultAsOf = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Config says what to generate.
type Config struct {
	// Seed decides everything. Seeds that differ by a multiple of 200
	// share NIK and KK serial numbers (see serial): two loads with such
	// seeds into one registry may meet on a KK, which it refuses.
	Seed uint64
	// AsOf is the day of the data: no one is born after it. Zero means
	// DefaultAsOf.
	AsOf time.Time
	// Areas restricts where people live (weighted); empty means all of
	// Indonesia by province population.
	Areas []Area
}

// Generator makes households one after another. It is not safe for
// concurrent use; People gives an independent sequence on each iteration.
type Generator struct {
	cfg  Config
	geo  *geography
	r    rnd
	asOf time.Time
	// Serial numbers already given, by the 12 digits before them: NIK and
	// KK numbers end in a serial that makes them unique (domain.md §8.1).
	nikSerial map[uint64]uint16
	kkSerial  map[uint64]uint16
}

// New returns a generator for cfg over the region list ix.
func New(ix *wilayah.Index, cfg Config) (*Generator, error) {
	geo, err := newGeography(ix, cfg.Areas)
	if err != nil {
		return nil, err
	}
	return newWith(geo, cfg), nil
}

func newWith(geo *geography, cfg Config) *Generator {
	asOf := cfg.AsOf
	if asOf.IsZero() {
		asOf = DefaultAsOf
	}
	asOf = time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 0, 0, 0, 0, time.UTC)
	return &Generator{
		cfg: cfg, geo: geo, asOf: asOf,
		r:         rnd{rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x6c61_7961_6e5f_6964))},
		nikSerial: map[uint64]uint16{},
		kkSerial:  map[uint64]uint16{},
	}
}

// People yields households until n people have been made; the last
// household is cut short if needed, so exactly n people come out. Each
// iteration starts again from the seed, so the sequence can be read twice
// with the same result.
func (g *Generator) People(n int) iter.Seq[registry.BulkHousehold] {
	return func(yield func(registry.BulkHousehold) bool) {
		fresh := newWith(g.geo, g.cfg)
		for made := 0; made < n; {
			h := fresh.Household()
			if len(h.Members) > n-made {
				h.Members = h.Members[:n-made]
			}
			made += len(h.Members)
			if !yield(h) {
				return
			}
		}
	}
}

// rnd is the generator's source with the draws it needs.
type rnd struct{ r *rand.Rand }

func (r *rnd) chance(p float64) bool { return r.r.Float64() < p }

// between returns an int in [lo, hi].
func (r *rnd) between(lo, hi int) int { return lo + r.r.IntN(hi-lo+1) }

func (r *rnd) weighted(ws []int) int {
	total := 0
	for _, w := range ws {
		total += w
	}
	n := r.r.IntN(total)
	for i, w := range ws {
		if n < w {
			return i
		}
		n -= w
	}
	return len(ws) - 1
}

// kind is the shape of a household.
type kind int

const (
	nuclear        kind = iota // couple and children
	singleParent               // a widow(er) or divorced parent and children
	elderlyAlone               // an older person living alone
	elderlyCouple              // an older couple
	threeGen                   // couple, children and a parent of the head
	grandparentKid             // a grandparent raising grandchildren (parents away, often migrant workers)
	unregistered               // a family with no KK and no NIKs (remote, homeless families)
	individual                 // one person on no KK: homeless, abandoned child, street child
	nKinds
)

// kindWeights are the shares of household shapes among registered
// households, an assumption skewed towards the PPKS groups (older people
// alone, children left with grandparents, people on the street).
var kindWeights = []int{nuclear: 44, singleParent: 12, elderlyAlone: 14, elderlyCouple: 8, threeGen: 9,
	grandparentKid: 5, unregistered: 4, individual: 12}

// member is a person being made.
type member struct {
	sex       registry.Sex
	birth     time.Time
	estimated bool // only the year is known
	culture   culture
	order     int    // birth order among siblings, 0-based; -1 unknown
	family    string // family name or marga, for traditions that pass one on
	relation  registry.Relation
	noNIK     bool
	issuedIn  wilayah.Code // kecamatan where the NIK was first issued
	cats      []string
	dis       []string
	homeless  bool
}

func (m *member) age(asOf time.Time) int {
	a := asOf.Year() - m.birth.Year()
	if asOf.YearDay() < m.birth.YearDay() {
		a--
	}
	return a
}

func (m *member) addCat(c string) {
	for _, x := range m.cats {
		if x == c {
			return
		}
	}
	m.cats = append(m.cats, c)
}

// Household makes the next household.
func (g *Generator) Household() registry.BulkHousehold {
	r := &g.r
	home := g.geo.home(r)
	rg := g.geo.byCode[home.regency]
	cult := rg.cultures[r.r.IntN(len(rg.cultures))]
	k := kind(r.weighted(kindWeights))
	poor := r.chance(0.7)

	var ms []*member
	switch k {
	case nuclear, threeGen, unregistered:
		head := g.adult(cult, registry.Male, 22, 64)
		head.relation = registry.Head
		wife := g.spouse(head, rg)
		ms = append(ms, head, wife)
		ms = append(ms, g.children(head, wife)...)
		if k == threeGen {
			for range r.between(1, 2) {
				p := g.olderParent(head)
				if p != nil {
					ms = append(ms, p)
				}
			}
		}
	case singleParent:
		sex := registry.Female
		if r.chance(0.15) {
			sex = registry.Male
		}
		head := g.adult(cult, sex, 24, 62)
		head.relation = registry.Head
		ms = append(ms, head)
		if sex == registry.Female {
			ms = append(ms, g.children(g.absentFather(head), head)...)
		} else {
			ms = append(ms, g.children(head, g.absentMother(head))...)
		}
		if sex == registry.Female && poor && r.chance(0.6) {
			head.addCat("perempuan_rawan_sosial_ekonomi")
		}
	case elderlyAlone:
		sex := registry.Male
		if r.chance(0.65) {
			sex = registry.Female
		}
		head := g.adult(cult, sex, 60, 95)
		head.relation = registry.Head
		ms = append(ms, head)
		if r.chance(0.45) {
			head.addCat("lanjut_usia_telantar")
		}
	case elderlyCouple:
		head := g.adult(cult, registry.Male, 62, 92)
		head.relation = registry.Head
		ms = append(ms, head, g.spouse(head, rg))
	case grandparentKid:
		sex := registry.Female
		if r.chance(0.3) {
			sex = registry.Male
		}
		head := g.adult(cult, sex, 55, 85)
		head.relation = registry.Head
		ms = append(ms, head)
		fam := g.familyName(cult)
		for i := range r.between(1, 3) {
			c := g.child(cult, r.between(0, 16), i, fam)
			c.relation = registry.Grandchild
			if r.chance(0.25) {
				c.addCat("anak_telantar")
			}
			ms = append(ms, c)
		}
	case individual:
		ms = append(ms, g.alone(cult))
	}
	if k == unregistered {
		for _, m := range ms {
			m.noNIK = true
			m.relation = ""
			if poor || r.chance(0.5) {
				m.addCat("fakir_miskin")
			}
		}
		if isRemote(home.province) && r.chance(0.5) {
			for _, m := range ms {
				m.addCat("komunitas_adat_terpencil")
			}
		}
	}
	g.categorise(ms, k, poor, home)

	h := registry.BulkHousehold{Village: string(home.village), Address: g.address(rg, k)}
	registered := k != unregistered && k != individual
	var issued time.Time
	if registered {
		h.KK, issued = g.kk(home.district, ms[0])
	}
	for _, m := range ms {
		in := g.input(m, home)
		bm := registry.BulkMember{Person: in}
		if registered {
			bm.Relation = m.relation
			joined := issued
			if m.birth.After(joined) {
				joined = m.birth
			}
			bm.JoinedOn = joined.Format(time.DateOnly)
		}
		h.Members = append(h.Members, bm)
	}
	return h
}

func isRemote(prov wilayah.Code) bool {
	switch prov {
	case "91", "92", "93", "94", "95", "96", "53", "61", "62", "81", "82":
		return true
	}
	return false
}

// birthIn draws a birth date for someone aged between lo and hi on asOf.
func (g *Generator) birthIn(lo, hi int) time.Time {
	age := g.r.between(lo, hi)
	// A day within the year of life that ends on asOf.
	end := g.asOf.AddDate(-age, 0, 0)
	d := end.AddDate(0, 0, -g.r.r.IntN(365))
	return d
}

// adultAge skews ages within [lo, hi] towards the middle: most heads of
// households are 30 to 55.
func (g *Generator) adult(c culture, sex registry.Sex, lo, hi int) *member {
	a := (g.r.between(lo, hi) + g.r.between(lo, hi)) / 2
	m := &member{sex: sex, culture: c, order: g.r.r.IntN(4), birth: g.birthIn(a, a)}
	if hasFamilyName(c) {
		m.family = g.familyName(c)
	}
	return m
}

// spouse makes the head's wife (or husband), usually a few years younger,
// from the same tradition nine times in ten.
func (g *Generator) spouse(head *member, rg *regency) *member {
	c := head.culture
	if g.r.chance(0.1) {
		c = rg.cultures[g.r.r.IntN(len(rg.cultures))]
	}
	s := &member{culture: c, order: g.r.r.IntN(4)}
	if head.sex == registry.Male {
		s.sex, s.relation = registry.Female, registry.Wife
		s.birth = head.birth.AddDate(g.r.between(0, 8), 0, g.r.between(-180, 180))
		if g.r.chance(0.15) {
			s.birth = head.birth.AddDate(-g.r.between(0, 3), 0, g.r.between(-180, 180))
		}
	} else {
		s.sex, s.relation = registry.Male, registry.Husband
		s.birth = head.birth.AddDate(-g.r.between(0, 6), 0, g.r.between(-180, 180))
	}
	if a := s.age(g.asOf); a < 17 {
		s.birth = g.asOf.AddDate(-17-g.r.between(0, 3), 0, -g.r.r.IntN(365))
	}
	if hasFamilyName(c) {
		s.family = g.familyName(c)
		for s.family == head.family && c == batak {
			s.family = g.familyName(c) // marga are exogamous
		}
	}
	return s
}

// absentFather is the father of a single mother's children, who is not on
// the KK: only his tradition and family name pass on.
func (g *Generator) absentFather(mother *member) *member {
	f := &member{sex: registry.Male, culture: mother.culture, birth: mother.birth.AddDate(-g.r.between(0, 6), 0, 0)}
	if hasFamilyName(f.culture) {
		f.family = g.familyName(f.culture)
	}
	return f
}

func (g *Generator) absentMother(father *member) *member {
	return &member{sex: registry.Female, culture: father.culture, birth: father.birth.AddDate(g.r.between(0, 8), 0, 0)}
}

// childCounts are the weights of 0, 1, 2… children on a KK.
var childCounts = []int{8, 20, 30, 22, 12, 6, 2}

// children makes the children of a couple still on their KK: born when the
// mother was 18 to 42, a few years apart; grown children have mostly moved
// out to a KK of their own.
func (g *Generator) children(father, mother *member) []*member {
	n := g.r.weighted(childCounts)
	var out []*member
	at := mother.birth.AddDate(g.r.between(18, 28), 0, g.r.between(0, 364))
	for i := range n {
		if at.After(g.asOf) || at.Sub(mother.birth) > 43*365*24*time.Hour {
			break
		}
		c := &member{culture: father.culture, order: i, birth: at, relation: registry.Child, family: father.family}
		c.sex = registry.Male
		if g.r.chance(0.49) {
			c.sex = registry.Female
		}
		if a := c.age(g.asOf); a < 25 || g.r.chance(0.25) {
			out = append(out, c)
		}
		at = at.AddDate(g.r.between(1, 5), 0, g.r.between(0, 300))
	}
	return out
}

// child makes a child of a given age in a household with family name fam.
func (g *Generator) child(c culture, age, order int, fam string) *member {
	m := &member{culture: c, order: order, birth: g.birthIn(age, age), family: fam, sex: registry.Male}
	if g.r.chance(0.49) {
		m.sex = registry.Female
	}
	return m
}

// olderParent makes a parent of the head living in the household, or nil
// when they would be implausibly old.
func (g *Generator) olderParent(head *member) *member {
	p := &member{culture: head.culture, order: g.r.r.IntN(4), relation: registry.Parent}
	p.sex = registry.Female
	if g.r.chance(0.3) {
		p.sex = registry.Male
	}
	p.birth = head.birth.AddDate(-g.r.between(20, 35), 0, -g.r.r.IntN(365))
	if head.relation == registry.Head && g.r.chance(0.35) {
		p.relation = registry.ParentInLaw
	}
	if p.age(g.asOf) > 98 {
		return nil
	}
	if p.relation == registry.Parent {
		p.family = head.family
	}
	return p
}

// alone makes a person on no KK: a homeless adult or a child without
// parental care, often without a NIK.
func (g *Generator) alone(c culture) *member {
	r := &g.r
	if r.chance(0.6) {
		sex := registry.Male
		if r.chance(0.25) {
			sex = registry.Female
		}
		m := g.adult(c, sex, 18, 75)
		m.homeless = true
		m.noNIK = r.chance(0.55)
		m.estimated = r.chance(0.5)
		m.addCat("gelandangan")
		if r.chance(0.25) {
			m.addCat("pengemis")
		}
		if r.chance(0.25) {
			m.addCat("pemulung")
		}
		return m
	}
	m := g.child(c, r.between(0, 17), -1, "")
	if hasFamilyName(c) && r.chance(0.5) {
		m.family = g.familyName(c)
	}
	m.noNIK = r.chance(0.75)
	m.estimated = r.chance(0.4)
	switch a := m.age(g.asOf); {
	case a < 5:
		m.addCat("anak_balita_telantar")
	case a >= 7 && r.chance(0.4):
		m.addCat("anak_jalanan")
	default:
		m.addCat("anak_telantar")
	}
	return m
}

func hasFamilyName(c culture) bool {
	switch c {
	case batak, eastern, minahasa, maluku, papua, chinese:
		return true
	}
	return false
}

func (g *Generator) familyName(c culture) string {
	switch c {
	case batak:
		return g.r.pick(marga)
	case eastern:
		return g.r.pick(easternFam)
	case minahasa:
		return g.r.pick(minahasaFam)
	case maluku:
		return g.r.pick(malukuFam)
	case papua:
		return g.r.pick(papuaFam)
	case chinese:
		return g.r.pick(chineseFam)
	}
	return ""
}

// categorise gives people the PPKS categories of their situation, at rates
// that are assumptions of the right order: poverty is the common case;
// disability a few per cent (more among older people); neglect among the
// old and the young; the rest rare, some clustered by place (disasters by
// kecamatan, remote communities in the east, migrant workers from the
// provinces that send them).
func (g *Generator) categorise(ms []*member, k kind, poor bool, home place) {
	r := &g.r
	disaster := hashCode(home.district)%100 < 3
	migrantProv := home.province == "53" || home.province == "52" || home.province == "35" || home.province == "32" || home.province == "18"
	for _, m := range ms {
		a := m.age(g.asOf)
		// Only the year is known for many older people and for foundlings.
		if !m.estimated {
			switch {
			case a >= 70:
				m.estimated = r.chance(0.35)
			case a >= 60:
				m.estimated = r.chance(0.12)
			default:
				m.estimated = r.chance(0.05)
			}
		}
		if a < 1 && r.chance(0.4) {
			m.noNIK = true // birth not yet registered
		}
		if a >= 60 && isRemote(home.province) && r.chance(0.08) {
			m.noNIK = true
		}
		adult := a >= 18
		if poor && adult && (m.relation == registry.Head || m.relation == registry.Wife || m.relation == registry.Husband ||
			(k != individual && r.chance(0.5))) {
			m.addCat("fakir_miskin")
		}
		switch {
		case a >= 60 && k != elderlyAlone && r.chance(0.1):
			m.addCat("lanjut_usia_telantar")
		case a < 5 && poor && r.chance(0.02):
			m.addCat("anak_balita_telantar")
		case a >= 5 && a < 18 && poor && r.chance(0.05):
			m.addCat("anak_telantar")
		}
		// Disability: UU 8/2016 types; one in eight has two.
		rate := 0.03
		switch {
		case a >= 60:
			rate = 0.10
		case a < 18:
			rate = 0.015
		}
		if m.homeless {
			rate = 0.15
		}
		if r.chance(rate) {
			if adult {
				m.addCat("penyandang_disabilitas")
			} else {
				m.addCat("anak_dengan_kedisabilitasan")
			}
			m.dis = append(m.dis, disabilityType(r))
			if r.chance(0.12) {
				if d := disabilityType(r); d != m.dis[0] {
					m.dis = append(m.dis, d)
				}
			}
		}
		if disaster && r.chance(0.35) {
			m.addCat("korban_bencana_alam")
		} else if r.chance(0.005) {
			m.addCat("korban_bencana_alam")
		}
		if r.chance(0.003) {
			m.addCat("korban_bencana_sosial")
		}
		if adult {
			mig := 0.004
			if migrantProv {
				mig = 0.012
			}
			rare(r, m, mig, "pekerja_migran_bermasalah_sosial")
			rare(r, m, 0.005, "korban_napza")
			rare(r, m, 0.005, "bekas_warga_binaan_lapas")
			rare(r, m, 0.002, "odha")
			rare(r, m, 0.002, "kelompok_minoritas")
			rare(r, m, 0.001, "korban_perdagangan_orang")
			if m.sex == registry.Female {
				rare(r, m, 0.012, "korban_tindak_kekerasan")
				rare(r, m, 0.001, "tuna_susila")
			} else {
				rare(r, m, 0.003, "korban_tindak_kekerasan")
			}
		} else {
			rare(r, m, 0.005, "anak_korban_tindak_kekerasan")
			rare(r, m, 0.005, "anak_memerlukan_perlindungan_khusus")
			if a >= 12 {
				rare(r, m, 0.004, "anak_berhadapan_dengan_hukum")
			}
		}
		if m.homeless {
			rare(r, m, 0.05, "bekas_warga_binaan_lapas")
			rare(r, m, 0.05, "korban_napza")
		}
	}
	if k != individual && r.chance(0.01) {
		for _, m := range ms {
			if m.age(g.asOf) >= 18 {
				m.addCat("keluarga_bermasalah_sosial_psikologis")
			}
		}
	}
	if k != unregistered && isRemote(home.province) && home.province >= "91" && r.chance(0.08) {
		for _, m := range ms {
			m.addCat("komunitas_adat_terpencil")
		}
	}
}

func rare(r *rnd, m *member, p float64, cat string) {
	if r.chance(p) {
		m.addCat(cat)
	}
}

// disabilityType draws a type: physical most often, then sensory, mental
// and intellectual.
func disabilityType(r *rnd) string {
	switch x := r.r.IntN(100); {
	case x < 40:
		return string(registry.DisabilityFisik)
	case x < 65:
		return string(registry.DisabilitySensorik)
	case x < 85:
		return string(registry.DisabilityMental)
	default:
		return string(registry.DisabilityIntelektual)
	}
}

// hashCode is a fixed hash of a region code (FNV-1a), for properties of a
// place that do not depend on the draw order.
func hashCode(c wilayah.Code) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(c); i++ {
		h ^= uint32(c[i])
		h *= 16777619
	}
	return h
}

// input turns a member into what a worker would enter.
func (g *Generator) input(m *member, home place) registry.Input {
	r := &g.r
	in := registry.Input{
		Name:         g.name(m),
		Sex:          string(m.sex),
		Village:      string(home.village),
		Categories:   m.cats,
		Disabilities: m.dis,
	}
	if m.estimated {
		in.BirthYear = m.birth.Year()
	} else {
		in.BirthDate = m.birth.Format(time.DateOnly)
	}
	issued := home.district
	if (m.age(g.asOf) >= 17 && r.chance(0.12)) || (m.relation == registry.Wife && r.chance(0.1)) {
		issued = g.geo.elsewhere(r, home)
	}
	if !m.noNIK {
		in.NIK = g.nik(issued, m)
	}
	birthRegency := issued.Parent()
	if rg := g.geo.byCode[birthRegency]; rg != nil {
		in.BirthPlace = rg.name
	}
	if m.homeless {
		in.BirthPlace = ""
	}
	if m.age(g.asOf) >= 17 && r.chance(0.35) {
		in.Phone = phone(r)
	}
	if r.chance(0.02) {
		first, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(in.Name, "H. "), "Hj. "), " ")
		if nn, ok := nicknames[titleCase(first)]; ok {
			in.Aliases = []string{r.pick(nn)}
		}
	}
	return in
}

// nik makes a NIK: the kecamatan of first registration, the birth date with
// 40 added to the day for a woman (a known day or, when only the year is
// known, 1 July as registries record an unknown date), the year's last two
// digits and the next serial for that prefix (domain.md §8.1).
func (g *Generator) nik(kec wilayah.Code, m *member) string {
	prefix := kec.Undotted()
	// Kota Sorong's NIKs issued before Papua Barat Daya (2022) keep the
	// code of Papua Barat (nik.go: a NIK keeps the code it was issued under).
	if strings.HasPrefix(prefix, "9671") && m.birth.Year() < 2020 && g.r.chance(0.5) {
		prefix = "9271" + prefix[4:]
	}
	day, month := m.birth.Day(), int(m.birth.Month())
	if m.estimated {
		day, month = 1, 7
	}
	if m.sex == registry.Female {
		day += 40
	}
	head := fmt.Sprintf("%s%02d%02d%02d", prefix, day, month, m.birth.Year()%100)
	key, _ := strconv.ParseUint(head, 10, 64)
	g.nikSerial[key]++
	return head + fmt.Sprintf("%04d", g.serial(g.nikSerial[key]))
}

// kk makes a No. KK: the issuing kecamatan, the issue date (DDMMYY, after
// the head came of age, since 2004) and a serial — the layout of
// domain.md §8.2, whose second half is assumed there.
func (g *Generator) kk(kec wilayah.Code, head *member) (string, time.Time) {
	from := head.birth.AddDate(17, 0, 0)
	if min := time.Date(2004, 1, 1, 0, 0, 0, 0, time.UTC); from.Before(min) {
		from = min
	}
	days := int(g.asOf.Sub(from).Hours() / 24)
	issued := from
	if days > 0 {
		issued = from.AddDate(0, 0, g.r.r.IntN(days))
	}
	head12 := fmt.Sprintf("%s%02d%02d%02d", kec.Undotted(), issued.Day(), int(issued.Month()), issued.Year()%100)
	key, _ := strconv.ParseUint(head12, 10, 64)
	g.kkSerial[key]++
	return head12 + fmt.Sprintf("%04d", g.serial(g.kkSerial[key])), issued
}

// Serials. NIK and KK numbers end in a 4-digit serial that makes them
// unique for their prefix (kecamatan and date). Every seed owns a slot of
// the serial space, seed mod serialSlots, and numbers its serials within
// it, so two loads of different seeds never make the same NIK or KK
// unless their seeds are equal modulo serialSlots (or a prefix overflows
// its slot, which takes far more people than a country has for one
// kecamatan and day). The KK matters most: the registry refuses a KK twice.
const (
	serialSlots = 200
	slotWidth   = 50 // serials per slot: 200 × 50 = 10,000
)

// serial is the count-th (1-based) serial of a prefix for this seed.
func (g *Generator) serial(count uint16) int {
	v := int(g.cfg.Seed%serialSlots)*slotWidth + int(count)
	if v > 9999 {
		v = (v-1)%9999 + 1 // past the last slot: wrap, never 0000
	}
	return v
}

var providers = []string{"11", "12", "13", "21", "22", "52", "53", "57", "58", "59", "77", "78", "81", "82", "95", "96", "97", "98", "99"}

func phone(r *rnd) string {
	return fmt.Sprintf("08%s-%04d-%04d", r.pick(providers), r.r.IntN(10000), r.r.IntN(10000))
}

var (
	streets = []string{"Merdeka", "Sudirman", "Diponegoro", "Gajah Mada", "Pemuda", "Kartini", "Ahmad Yani",
		"Veteran", "Pahlawan", "Mawar", "Melati", "Kenanga", "Anggrek", "Flamboyan", "Cempaka", "Masjid",
		"Pasar", "Sekolah", "Pramuka", "Imam Bonjol", "Hasanuddin", "Teuku Umar", "Cut Nyak Dien", "Sisingamangaraja",
		"Kebon Jeruk", "Kampung Baru", "Nangka", "Rambutan", "Dahlia", "Bougenville", "Perintis", "Cendrawasih"}
	hamlets = []string{"Krajan", "Sukamaju", "Sukamulya", "Karanganyar", "Sidomulyo", "Mekarsari", "Tegalsari",
		"Kauman", "Kidul", "Lor", "Wetan", "Kulon", "Sumbersari", "Margomulyo", "Cikaret", "Babakan", "Tanjung",
		"Pematang", "Lembah", "Bukit", "Pasir", "Kampung Tengah", "Suka Damai", "Tani Makmur", "Harapan Jaya"}
)

func (g *Generator) address(rg *regency, k kind) string {
	r := &g.r
	rtrw := fmt.Sprintf("RT %03d/RW %03d", r.between(1, 15), r.between(1, 9))
	switch {
	case k == individual:
		return r.pick([]string{"Tidak ada tempat tinggal tetap", "Kolong jembatan", "Sekitar pasar",
			"Emperan toko", "Terminal", "Sekitar stasiun", "Tidak diketahui"})
	case rg.kota || r.chance(0.3):
		return fmt.Sprintf("Jl. %s No. %d, %s", r.pick(streets), r.between(1, 150), rtrw)
	}
	return fmt.Sprintf("Dusun %s, %s", r.pick(hamlets), rtrw)
}

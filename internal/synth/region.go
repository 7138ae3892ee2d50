package synth

import (
	"fmt"
	"strings"

	"github.com/layan-id/layan/internal/wilayah"
)

// provinceWeights are population shares in units of 10,000 people, rounded
// from the 2020 census (SP2020) totals as remembered; the four provinces
// made from Papua and Papua Barat in 2022 are split by rough estimates.
// They are not Dukcapil figures and are not meant to be: they only make a
// synthetic registry as lopsided as the country (Jawa Barat ~18 %, Kalimantan
// Utara ~0.3 %).
var provinceWeights = map[wilayah.Code]int{
	"11": 527, "12": 1480, "13": 553, "14": 639, "15": 355, "16": 847, "17": 201, "18": 901, "19": 146,
	"21": 206, "31": 1056, "32": 4827, "33": 3652, "34": 367, "35": 4067, "36": 1190, "51": 432, "52": 532,
	"53": 533, "61": 541, "62": 267, "63": 407, "64": 377, "65": 70, "71": 262, "72": 299, "73": 907,
	"74": 262, "75": 117, "76": 142, "81": 185, "82": 128, "91": 106, "92": 56, "93": 52, "94": 145,
	"95": 145, "96": 60,
}

// mix is a share of each naming tradition among a region's people.
type mix map[culture]int

// provinceMix gives each province its naming traditions, by rough shares
// of its main ethnic groups (transmigration put Javanese names in every
// outer province). Assumptions, stated as such.
var provinceMix = map[wilayah.Code]mix{
	"11": {muslim: 90, javanese: 10},
	"12": {batak: 50, javanese: 30, muslim: 15, chinese: 5},
	"13": {minang: 88, javanese: 5, batak: 5, muslim: 2},
	"14": {muslim: 35, javanese: 30, minang: 15, batak: 15, chinese: 5},
	"15": {muslim: 45, javanese: 30, minang: 15, batak: 5, chinese: 5},
	"16": {muslim: 60, javanese: 30, sundanese: 5, chinese: 5},
	"17": {muslim: 60, javanese: 25, minang: 10, sundanese: 5},
	"18": {javanese: 60, muslim: 20, sundanese: 12, minang: 5, balinese: 3},
	"19": {muslim: 65, chinese: 30, javanese: 5},
	"21": {muslim: 40, javanese: 20, batak: 15, minang: 10, chinese: 15},
	"31": {javanese: 35, muslim: 30, sundanese: 15, batak: 5, minang: 5, chinese: 7, bugis: 3},
	"32": {sundanese: 78, javanese: 12, muslim: 8, batak: 2},
	"33": {javanese: 97, chinese: 2, muslim: 1},
	"34": {javanese: 97, chinese: 2, muslim: 1},
	"35": {javanese: 85, muslim: 13, chinese: 2},
	"36": {sundanese: 45, muslim: 30, javanese: 20, chinese: 5},
	"51": {balinese: 88, javanese: 8, muslim: 4},
	"52": {muslim: 90, balinese: 5, javanese: 5},
	"53": {eastern: 92, muslim: 5, javanese: 3},
	"61": {muslim: 40, eastern: 30, chinese: 15, javanese: 10, bugis: 5},
	"62": {muslim: 40, eastern: 30, javanese: 25, bugis: 5},
	"63": {muslim: 80, javanese: 15, bugis: 5},
	"64": {javanese: 35, bugis: 25, muslim: 25, eastern: 15},
	"65": {bugis: 30, eastern: 30, javanese: 20, muslim: 20},
	"71": {minahasa: 75, muslim: 20, chinese: 5},
	"72": {muslim: 60, bugis: 20, javanese: 10, eastern: 10},
	"73": {bugis: 85, eastern: 10, javanese: 5},
	"74": {bugis: 60, muslim: 25, javanese: 15},
	"75": {muslim: 95, bugis: 5},
	"76": {bugis: 85, eastern: 10, javanese: 5},
	"81": {maluku: 90, bugis: 5, javanese: 5},
	"82": {maluku: 60, muslim: 30, javanese: 10},
	"91": {papua: 75, javanese: 10, bugis: 10, eastern: 5},
	"92": {papua: 70, javanese: 12, bugis: 10, maluku: 8},
	"93": {papua: 70, javanese: 15, bugis: 10, eastern: 5},
	"94": {papua: 85, bugis: 10, javanese: 5},
	"95": {papua: 95, javanese: 3, bugis: 2},
	"96": {papua: 60, maluku: 15, javanese: 12, bugis: 13},
}

// regencyMix overrides the province's mix where a kab/kota differs
// plainly: the Jakarta commuter belt, the Toraja highlands, the capitals of
// the demo units.
var regencyMix = map[wilayah.Code]mix{
	"32.75": {javanese: 35, sundanese: 25, muslim: 25, batak: 6, minang: 4, chinese: 5}, // Kota Bekasi
	"32.16": {sundanese: 40, javanese: 30, muslim: 25, batak: 5},                        // Kab. Bekasi
	"32.76": {sundanese: 35, javanese: 30, muslim: 25, batak: 5, minang: 5},             // Kota Depok
	"36.71": {javanese: 30, sundanese: 30, muslim: 25, chinese: 10, batak: 5},           // Kota Tangerang
	"36.74": {javanese: 35, sundanese: 25, muslim: 20, chinese: 10, batak: 5, minang: 5},
	"73.18": {eastern: 90, bugis: 10},                                       // Tana Toraja
	"73.26": {eastern: 90, bugis: 10},                                       // Toraja Utara
	"73.71": {bugis: 85, eastern: 8, chinese: 4, javanese: 3},               // Kota Makassar
	"53.71": {eastern: 80, muslim: 8, javanese: 5, bugis: 4, chinese: 3},    // Kota Kupang
	"33.73": {javanese: 92, chinese: 4, eastern: 4},                         // Kota Salatiga
	"74.71": {bugis: 70, muslim: 20, javanese: 10},                          // Kota Kendari
	"12.71": {batak: 35, javanese: 25, muslim: 20, chinese: 15, minang: 5},  // Kota Medan
	"64.72": {javanese: 35, bugis: 30, muslim: 20, eastern: 10, chinese: 5}, // Kota Samarinda
	"21.71": {muslim: 30, javanese: 25, batak: 20, minang: 10, chinese: 15}, // Kota Batam
	"61.71": {muslim: 35, chinese: 30, eastern: 15, javanese: 15, bugis: 5}, // Kota Pontianak
	"35.78": {javanese: 80, muslim: 10, chinese: 8, eastern: 2},             // Kota Surabaya
	"34.71": {javanese: 90, chinese: 4, batak: 2, minang: 2, eastern: 2},    // Kota Yogyakarta
	"71.71": {minahasa: 80, muslim: 10, chinese: 10},                        // Kota Manado
	"81.71": {maluku: 85, bugis: 10, javanese: 5},                           // Kota Ambon
	"91.71": {papua: 45, javanese: 20, bugis: 20, maluku: 10, eastern: 5},   // Kota Jayapura
	"96.71": {papua: 40, maluku: 20, javanese: 20, bugis: 20},               // Kota Sorong
	"31.71": {javanese: 30, muslim: 30, sundanese: 15, chinese: 15, batak: 5, minang: 5},
}

// Area is where a share of the people live: a province, kab/kota,
// kecamatan or desa, and its weight among the areas.
type Area struct {
	Code   wilayah.Code
	Weight int
}

// place is one village with what its people need from its region.
type place struct {
	village  wilayah.Code
	district wilayah.Code
	regency  wilayah.Code
	province wilayah.Code
}

// district is a kecamatan and its villages.
type district struct {
	code     wilayah.Code
	villages []wilayah.Code
}

// regency is a kab/kota and its kecamatan, with its weight in its province.
type regency struct {
	code      wilayah.Code
	name      string // without "Kabupaten "/"Kota "
	kota      bool
	weight    int
	districts []district
	cultures  []culture // the naming mix, as a table of 100 draws
}

// geography holds the region tree as the generator draws from it.
type geography struct {
	provinces []wilayah.Code
	pweights  []int
	regencies map[wilayah.Code][]*regency // by province
	byCode    map[wilayah.Code]*regency
	areas     []areaDraw // the configured areas, or nil for the whole country
}

type areaDraw struct {
	area  Area
	level wilayah.Level
}

// newGeography walks the embedded region list once. Within a province a
// kab/kota weighs its number of kecamatan, three times over for a kota
// (cities are dense); within a kab/kota every kecamatan, and within it
// every village, is equally likely. Plausible, not exact.
func newGeography(ix *wilayah.Index, areas []Area) (*geography, error) {
	g := &geography{regencies: map[wilayah.Code][]*regency{}, byCode: map[wilayah.Code]*regency{}}
	for _, p := range ix.Children("") {
		w, ok := provinceWeights[p.Code]
		if !ok {
			w = 100 // a province newer than this table: a small one
		}
		g.provinces = append(g.provinces, p.Code)
		g.pweights = append(g.pweights, w)
		for _, r := range ix.Children(p.Code) {
			rg := &regency{code: r.Code, kota: strings.HasPrefix(r.Name, "Kota "), name: bareName(r.Name)}
			for _, d := range ix.Children(r.Code) {
				var vs []wilayah.Code
				for _, v := range ix.Children(d.Code) {
					vs = append(vs, v.Code)
				}
				if len(vs) > 0 {
					rg.districts = append(rg.districts, district{code: d.Code, villages: vs})
				}
			}
			if len(rg.districts) == 0 {
				continue
			}
			rg.weight = len(rg.districts)
			if rg.kota {
				rg.weight *= 3
			}
			m, ok := regencyMix[r.Code]
			if !ok {
				m = provinceMix[p.Code]
			}
			if len(m) == 0 {
				m = mix{muslim: 50, javanese: 50}
			}
			rg.cultures = table(m)
			g.regencies[p.Code] = append(g.regencies[p.Code], rg)
			g.byCode[r.Code] = rg
		}
	}
	for _, a := range areas {
		if a.Weight <= 0 {
			return nil, fmt.Errorf("synth: area %s: weight must be positive", a.Code)
		}
		if _, ok := ix.Get(a.Code); !ok {
			return nil, fmt.Errorf("synth: area %s: unknown region", a.Code)
		}
		g.areas = append(g.areas, areaDraw{area: a, level: a.Code.Level()})
	}
	return g, nil
}

// table turns a mix into 100 draws, in a fixed order, so that a draw is
// one index and the same seed gives the same cultures.
func table(m mix) []culture {
	total := 0
	for c := culture(0); c < nCultures; c++ {
		total += m[c]
	}
	var out []culture
	for c := culture(0); c < nCultures; c++ {
		n := (m[c]*100 + total/2) / total
		for range n {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		out = append(out, muslim)
	}
	return out
}

func bareName(name string) string {
	for _, p := range []string{"Kabupaten Administrasi ", "Kota Administrasi ", "Kabupaten ", "Kota "} {
		if strings.HasPrefix(name, p) {
			return name[len(p):]
		}
	}
	return name
}

// province draws a province by population weight.
func (g *geography) province(r *rnd) wilayah.Code {
	return g.provinces[r.weighted(g.pweights)]
}

// regencyIn draws a kab/kota of a province by weight.
func (g *geography) regencyIn(r *rnd, prov wilayah.Code) *regency {
	rs := g.regencies[prov]
	total := 0
	for _, x := range rs {
		total += x.weight
	}
	n := r.r.IntN(total)
	for _, x := range rs {
		if n < x.weight {
			return x
		}
		n -= x.weight
	}
	return rs[len(rs)-1]
}

// home draws where a household lives: in one of the configured areas, or
// anywhere in the country.
func (g *geography) home(r *rnd) place {
	if len(g.areas) == 0 {
		return g.placeIn(r, g.regencyIn(r, g.province(r)), "")
	}
	ws := make([]int, len(g.areas))
	for i, a := range g.areas {
		ws[i] = a.area.Weight
	}
	a := g.areas[r.weighted(ws)]
	code := a.area.Code
	switch a.level {
	case wilayah.Province:
		return g.placeIn(r, g.regencyIn(r, code), "")
	case wilayah.Regency:
		return g.placeIn(r, g.byCode[code], "")
	case wilayah.District:
		return g.placeIn(r, g.byCode[code.Parent()], code)
	default:
		return g.placeIn(r, g.byCode[code.Parent().Parent()], code)
	}
}

// placeIn draws a village of rg, within the kecamatan or desa `within`
// when given.
func (g *geography) placeIn(r *rnd, rg *regency, within wilayah.Code) place {
	var d district
	switch within.Level() {
	case wilayah.District, wilayah.Village:
		dc := within
		if within.Level() == wilayah.Village {
			dc = within.Parent()
		}
		for _, x := range rg.districts {
			if x.code == dc {
				d = x
			}
		}
	default:
		d = rg.districts[r.r.IntN(len(rg.districts))]
	}
	v := within
	if within.Level() != wilayah.Village {
		v = d.villages[r.r.IntN(len(d.villages))]
	}
	return place{village: v, district: d.code, regency: rg.code, province: rg.code.Province()}
}

// elsewhere draws the kecamatan where someone who moved was first
// registered: usually nearby, sometimes in another province.
func (g *geography) elsewhere(r *rnd, home place) wilayah.Code {
	switch x := r.r.IntN(10); {
	case x < 5:
		rg := g.byCode[home.regency]
		return rg.districts[r.r.IntN(len(rg.districts))].code
	case x < 8:
		rg := g.regencyIn(r, home.province)
		return rg.districts[r.r.IntN(len(rg.districts))].code
	default:
		rg := g.regencyIn(r, g.province(r))
		return rg.districts[r.r.IntN(len(rg.districts))].code
	}
}

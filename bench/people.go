package bench

import (
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/layan-id/layan/internal/registry"
	"github.com/layan-id/layan/internal/synth"
	"github.com/layan-id/layan/internal/wilayah"
)

// PeopleSearchMix describes the queries PeopleQueries makes, for the report.
const PeopleSearchMix = "people drawn at random from the loaded ones; 80 % by name: the first 1, 2 or 3 words of " +
	"the name (30/50/20 %), respelt by `synth.Misspell` 4 times in 5 (another spelling of the name, old or new " +
	"spelling, a doubled letter, y/i, a final h, kh/h, f/p, swapped words; lower case), a quarter of them followed " +
	"by the year of birth; 20 % by the whole NIK"

// PeopleListMix describes the listings PeopleQueries makes.
const PeopleListMix = "the region of a loaded person: 40 % its kab/kota, 40 % its kecamatan, 20 % its desa; " +
	"page 1, or 2–10 one time in five"

// PeopleQueries returns the search queries and region listings of the
// people benchmark, drawn from those of the n people that synth makes with
// seed (the people `layan demo --people n --seed seed` loads) who live in
// one of the regions of within (everywhere when it is empty): count of
// each. The same arguments give the same queries.
func PeopleQueries(ix *wilayah.Index, seed uint64, n, count int, within ...wilayah.Code) (search, list []string, err error) {
	g, err := synth.New(ix, synth.Config{Seed: seed})
	if err != nil {
		return nil, nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x70656f706c65))
	// A reservoir of people, drawn evenly from the whole load.
	var pool []registry.Input
	seen := 0
	for h := range g.People(n) {
		for _, m := range h.Members {
			if !inside(within, wilayah.Code(m.Person.Village)) {
				continue
			}
			seen++
			if len(pool) < count {
				pool = append(pool, m.Person)
			} else if j := rng.IntN(seen); j < count {
				pool[j] = m.Person
			}
		}
	}
	for _, p := range pool {
		search = append(search, personQuery(rng, p))
		list = append(list, listQuery(rng, p))
	}
	return search, list, nil
}

func personQuery(rng *rand.Rand, p registry.Input) string {
	if p.NIK != "" && rng.IntN(5) == 0 {
		return p.NIK
	}
	name := p.Name
	if i := strings.IndexByte(name, ','); i >= 0 {
		name = name[:i]
	}
	// Titles and one-letter words (H., Hj., the Balinese I) are not what
	// people type to find someone.
	var words []string
	for _, w := range strings.Fields(name) {
		lw := strings.ToLower(strings.TrimSuffix(w, "."))
		if len(lw) < 2 || lw == "hj" || lw == "br" {
			continue
		}
		words = append(words, w)
	}
	k := 1
	switch x := rng.IntN(10); {
	case x >= 8:
		k = 3
	case x >= 3:
		k = 2
	}
	words = words[:min(k, len(words))]
	q := strings.ToLower(strings.Join(words, " "))
	if rng.IntN(5) < 4 {
		q = synth.Misspell(rng, q)
	}
	if rng.IntN(4) == 0 {
		year := p.BirthYear
		if p.BirthDate != "" {
			year, _ = strconv.Atoi(p.BirthDate[:4])
		}
		if year > 0 {
			q += " " + strconv.Itoa(year)
		}
	}
	return q
}

func listQuery(rng *rand.Rand, p registry.Input) string {
	v := wilayah.Code(p.Village)
	code := v
	switch x := rng.IntN(10); {
	case x < 4:
		code = v.Parent().Parent()
	case x < 8:
		code = v.Parent()
	}
	q := "region=" + string(code)
	if rng.IntN(5) == 0 {
		q += "&page=" + strconv.Itoa(2+rng.IntN(9))
	}
	return q
}

func inside(regions []wilayah.Code, village wilayah.Code) bool {
	if len(regions) == 0 {
		return true
	}
	for _, c := range regions {
		if c.Contains(village) {
			return true
		}
	}
	return false
}

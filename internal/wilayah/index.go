package wilayah

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
)

// The official list, one "code,name" row per region sorted by code, written
// by scripts/gen-wilayah.sh. Derived from idn-area-data; ODbL-1.0, see NOTICE.
//
//go:embed data/kepmendagri-2025.csv.gz
var dataFS embed.FS

const dataFile = "data/kepmendagri-2025.csv.gz"

// Index is the region list held in memory. It is immutable once built and
// safe for concurrent use; methods return copies, never views into it.
type Index struct {
	source Source

	// all holds every region ordered by (level, code). Two things follow:
	// the children of a region are one contiguous run of the next level's
	// section, and an index into all is already the tie-break order Search
	// wants (provinces first, then by code).
	all        []Region
	levelStart [Village + 2]int // level l is all[levelStart[l]:levelStart[l+1]]

	// Search data, parallel to all: the normalised name, and where the name
	// proper starts after "kabupaten " or "kota " (0 when it has no prefix).
	norm []string
	bare []uint8

	// tokens are the distinct words of all names, sorted; the regions using
	// tokens[t] are post[postOff[t]:postOff[t+1]], ascending. A query word
	// finds its tokens by binary search, since words with a common prefix
	// sort together.
	tokens  []string
	postOff []int32
	post    []int32

	// firstOff/firstPost are laid out like postOff/post but list only the
	// regions whose name (full or bare) begins with the token: the exact
	// and prefix-of-name tiers.
	firstOff  []int32
	firstPost []int32
}

// embedded builds the index once per process; the data never changes.
var embedded = sync.OnceValues(func() (*Index, error) {
	gz, err := dataFS.ReadFile(dataFile)
	if err != nil {
		return nil, err
	}
	return build(bytes.NewReader(gz), source2025)
})

// Embedded returns the index of the list compiled into the binary
// (Kepmendagri No. 300.2.2-2138 Tahun 2025). The first call decodes and
// indexes it (about 0.2 s on two cores; about 13 MB kept); later calls return
// the same *Index, so call it once at start-up and pass the *Index along.
func Embedded() (*Index, error) { return embedded() }

// build reads a gzipped "code,name" CSV, sorted by code, and checks it as
// strictly as the generator did: a corrupt file must not yield a half index.
func build(gz io.Reader, src Source) (*Index, error) {
	zr, err := gzip.NewReader(gz)
	if err != nil {
		return nil, fmt.Errorf("wilayah: %s: %w", dataFile, err)
	}
	r := csv.NewReader(zr)
	r.FieldsPerRecord = 2
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("wilayah: %s: %w", dataFile, err)
	}
	if len(recs) == 0 || recs[0][0] != "code" || recs[0][1] != "name" {
		return nil, fmt.Errorf("wilayah: %s: missing code,name header", dataFile)
	}
	recs = recs[1:]

	var byLevel [Village + 1][]Region
	known := make(map[Code]bool, len(recs))
	var prev Code
	for _, rec := range recs {
		c, err := ParseCode(rec[0])
		if err != nil || string(c) != rec[0] {
			return nil, fmt.Errorf("wilayah: %s: bad code %q", dataFile, rec[0])
		}
		if c <= prev {
			return nil, fmt.Errorf("wilayah: %s: %s is out of order or repeated", dataFile, c)
		}
		prev = c
		// Sorted by code, a parent always comes before its children.
		if p := c.Parent(); p != "" && !known[p] {
			return nil, fmt.Errorf("wilayah: %s: %s has no parent %s", dataFile, c, p)
		}
		if rec[1] == "" {
			return nil, fmt.Errorf("wilayah: %s: %s has no name", dataFile, c)
		}
		known[c] = true
		l := c.Level()
		byLevel[l] = append(byLevel[l], Region{Code: c, Name: rec[1], Level: l, Parent: c.Parent()})
	}

	ix := &Index{source: src, all: make([]Region, 0, len(recs))}
	for l := Province; l <= Village; l++ {
		ix.levelStart[l] = len(ix.all)
		ix.all = append(ix.all, byLevel[l]...)
	}
	ix.levelStart[Village+1] = len(ix.all)
	if len(ix.all) == 0 {
		return nil, errors.New("wilayah: empty region list")
	}
	ix.buildSearch()
	return ix, nil
}

// Source describes the list the index was built from.
func (ix *Index) Source() Source { return ix.source }

// section is the part of all holding one level.
func (ix *Index) section(l Level) (lo, hi int) {
	return ix.levelStart[l], ix.levelStart[l+1]
}

// find returns c's position in all, or -1.
func (ix *Index) find(c Code) int {
	l := c.Level()
	if !l.valid() {
		return -1
	}
	lo, hi := ix.section(l)
	i, ok := slices.BinarySearchFunc(ix.all[lo:hi], c, func(r Region, c Code) int {
		return strings.Compare(string(r.Code), string(c))
	})
	if !ok {
		return -1
	}
	return lo + i
}

// codeRange returns the positions in level l's section of the codes that
// start with prefix, which is where they sort.
func (ix *Index) codeRange(l Level, prefix string) (lo, hi int) {
	slo, shi := ix.section(l)
	sec := ix.all[slo:shi]
	i, _ := slices.BinarySearchFunc(sec, prefix, func(r Region, p string) int {
		return strings.Compare(string(r.Code), p)
	})
	j := i
	for j < len(sec) && strings.HasPrefix(string(sec[j].Code), prefix) {
		j++
	}
	return slo + i, slo + j
}

// Get returns the region with code c.
func (ix *Index) Get(c Code) (Region, bool) {
	i := ix.find(c)
	if i < 0 {
		return Region{}, false
	}
	return ix.all[i], true
}

// Children returns the regions directly below parent, sorted by code; the
// provinces when parent is empty; none when parent is unknown or a village.
func (ix *Index) Children(parent Code) []Region {
	var lo, hi int
	switch {
	case parent == "":
		lo, hi = ix.section(Province)
	case parent.Level() >= Village || ix.find(parent) < 0:
		return nil
	default:
		lo, hi = ix.codeRange(parent.Level()+1, string(parent)+".")
	}
	return slices.Clone(ix.all[lo:hi])
}

// Path returns the chain from the province down to c itself, e.g. Jawa
// Tengah, Kota Salatiga, Sidomukti, Kecandran; nil when c is unknown.
func (ix *Index) Path(c Code) []Region {
	if ix.find(c) < 0 {
		return nil
	}
	path := make([]Region, c.Level())
	for p := c; p != ""; p = p.Parent() {
		// Every ancestor exists: build checked each parent.
		path[p.Level()-1] = ix.all[ix.find(p)]
	}
	return path
}

// Count returns how many regions the list has at level l, or in all when l
// is 0.
func (ix *Index) Count(l Level) int {
	switch {
	case l == 0:
		return len(ix.all)
	case l.valid():
		lo, hi := ix.section(l)
		return hi - lo
	}
	return 0
}

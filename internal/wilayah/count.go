package wilayah

import (
	"slices"
	"strings"
)

// CountWithin returns how many regions of level l lie below within (all of
// level l when within is empty). Two binary searches: the section is sorted
// by code, and "/" is the byte after ".", so [within., within/) is the subtree.
func (ix *Index) CountWithin(within Code, l Level) int {
	if !l.valid() {
		return 0
	}
	if within == "" {
		return ix.Count(l)
	}
	if l <= within.Level() {
		return 0
	}
	slo, shi := ix.section(l)
	sec := ix.all[slo:shi]
	cmp := func(r Region, p string) int { return strings.Compare(string(r.Code), p) }
	i, _ := slices.BinarySearchFunc(sec, string(within)+".", cmp)
	j, _ := slices.BinarySearchFunc(sec, string(within)+"/", cmp)
	return j - i
}

package spm

import (
	"errors"
	"fmt"
)

// Band is a label given to an index of at least Min.
type Band struct {
	Min   float64 `json:"min"`
	Label string  `json:"label"`
}

// DefaultBands are the labels e-SPM shows (domain.md §3 ✘: no primary text
// gives the thresholds; a third-party dashboard's mapping, consistent with
// Kab. Sumbawa 2023 = 97.935 "Tuntas Utama"). A deployment may set others.
var DefaultBands = []Band{
	{100, "Tuntas Paripurna"},
	{90, "Tuntas Utama"},
	{80, "Tuntas Madya"},
	{70, "Tuntas Pratama"},
	{60, "Tuntas Muda"},
	{0, "Belum Tuntas"},
}

// ErrBands refuses a set of bands that does not label every index once.
var ErrBands = errors.New("spm: bands must start at 0, rise strictly, stay within 0–100 and each have a label")

// CheckBands refuses bands that leave an index without a label or give it
// two: they are listed from the highest minimum down to one of 0, each
// strictly lower than the one before, within 0–100, each labelled.
func CheckBands(bands []Band) error {
	if len(bands) == 0 || bands[len(bands)-1].Min != 0 {
		return ErrBands
	}
	for i, b := range bands {
		if b.Label == "" || b.Min < 0 || b.Min > 100 || (i > 0 && b.Min >= bands[i-1].Min) {
			return fmt.Errorf("%w (band %d: %v %q)", ErrBands, i+1, b.Min, b.Label)
		}
	}
	return nil
}

// labelTolerance absorbs the rounding of a mean of quotients: an index that
// is 90 in exact arithmetic may come out as 89.99999999999999.
const labelTolerance = 1e-9

// Label names index by the first band whose minimum it reaches. The bands
// must pass CheckBands.
func Label(index float64, bands []Band) string {
	for _, b := range bands {
		if index+labelTolerance >= b.Min {
			return b.Label
		}
	}
	return bands[len(bands)-1].Label
}

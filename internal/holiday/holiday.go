// Package holiday holds the days off of the government offices (hari libur
// nasional and cuti bersama), against which deadlines in working days are
// counted: a complaint's answer is due in working days (complaint), and a
// deadline across Lebaran would otherwise run out while every office is
// closed.
//
// The days fixed by date every year are built in; the others move with the
// Hijri, Chinese and Saka calendars and with the cuti bersama that the
// ministers decide each year (SKB 3 Menteri), so an admin of the whole
// deployment enters them (page Hari libur, PUT /api/v1/holidays).
package holiday

import (
	"time"
)

// Kind says why a day is off.
type Kind string

const (
	// Libur is a hari libur nasional.
	Libur Kind = "libur_nasional"
	// CutiBersama is a day of cuti bersama of the civil service.
	CutiBersama Kind = "cuti_bersama"
)

// Kinds lists the kinds, for forms.
var Kinds = []Kind{Libur, CutiBersama}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == Libur || k == CutiBersama }

// Day is a day off.
type Day struct {
	Date string `json:"date"` // YYYY-MM-DD, the office calendar (WIB)
	Name string `json:"name"`
	Kind Kind   `json:"kind"`
	// Fixed days are built in (the same date every year) and cannot be
	// removed.
	Fixed bool `json:"fixed"`
}

// fixed are the national holidays on the same date every year: Tahun Baru
// Masehi, Hari Kemerdekaan and Hari Raya Natal (Keppres 251/1967 as amended
// by Keppres 148/1968), Hari Buruh (Perpres 24/2013) and Hari Lahir
// Pancasila (Keppres 24/2016).
var fixed = []struct {
	month time.Month
	day   int
	name  string
}{
	{time.January, 1, "Tahun Baru Masehi"},
	{time.May, 1, "Hari Buruh Internasional"},
	{time.June, 1, "Hari Lahir Pancasila"},
	{time.August, 17, "Hari Kemerdekaan Republik Indonesia"},
	{time.December, 25, "Hari Raya Natal"},
}

// Fixed returns the built-in days off of a year.
func Fixed(year int) []Day {
	out := make([]Day, 0, len(fixed))
	for _, f := range fixed {
		out = append(out, Day{Date: time.Date(year, f.month, f.day, 0, 0, 0, 0, time.UTC).Format(time.DateOnly),
			Name: f.name, Kind: Libur, Fixed: true})
	}
	return out
}

// isFixed reports whether date (YYYY-MM-DD) is a built-in day off.
func isFixed(d time.Time) bool {
	for _, f := range fixed {
		if d.Month() == f.month && d.Day() == f.day {
			return true
		}
	}
	return false
}

// Set is the days off of a stretch of time, by date (YYYY-MM-DD); the
// built-in days are always in it.
type Set map[string]bool

// Working reports whether day (a date on the office calendar) is a working
// day: Monday to Friday, not a built-in day off and not one of the set.
func (s Set) Working(day time.Time) bool {
	switch day.Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	return !isFixed(day) && !s[day.Format(time.DateOnly)]
}

// Package wilayah knows Indonesia's administrative regions as numbered by the
// Ministry of Home Affairs (Kemendagri): province, kabupaten/kota, kecamatan,
// desa/kelurahan. It holds the official list embedded in the binary, answers
// lookups and typeahead searches from memory, loads the list into the
// database, and gives other packages the SQL to select a region subtree.
//
// Codes follow Permendagri 58/2021 (domain.md §8.3): 2 digits for a province,
// then 2 for a kabupaten/kota, 2 for a kecamatan and 4 for a desa/kelurahan,
// written dotted: 33.73.04.1001 is Kel. Kecandran, Kec. Sidomukti, Kota
// Salatiga, Jawa Tengah.
package wilayah

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Level is a tier of the hierarchy. The numbers are stored in region.level.
type Level int

const (
	Province Level = 1 // provinsi
	Regency  Level = 2 // kabupaten or kota
	District Level = 3 // kecamatan
	Village  Level = 4 // desa or kelurahan
)

var levelNames = [...]string{Province: "province", Regency: "regency", District: "district", Village: "village"}

// ErrInvalidLevel is returned by ParseLevel and by JSON decoding of a Level.
var ErrInvalidLevel = errors.New("wilayah: invalid level")

func (l Level) valid() bool { return l >= Province && l <= Village }

// String gives the level's English name as used in the API.
func (l Level) String() string {
	if !l.valid() {
		return fmt.Sprintf("Level(%d)", int(l))
	}
	return levelNames[l]
}

// ParseLevel reads a name given by String.
func ParseLevel(s string) (Level, error) {
	for l := Province; l <= Village; l++ {
		if s == levelNames[l] {
			return l, nil
		}
	}
	return 0, fmt.Errorf("%w: %q", ErrInvalidLevel, s)
}

// MarshalText makes a Level a JSON string ("village"), not a bare number.
func (l Level) MarshalText() ([]byte, error) {
	if !l.valid() {
		return nil, fmt.Errorf("%w: %d", ErrInvalidLevel, int(l))
	}
	return []byte(levelNames[l]), nil
}

// UnmarshalText is the inverse of MarshalText.
func (l *Level) UnmarshalText(b []byte) error {
	v, err := ParseLevel(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// Code is a region code in its canonical dotted form ("33.73.04.1001").
// Values should come from ParseCode, the embedded index or the database; the
// zero Code means "no region".
type Code string

// ErrInvalidCode is wrapped by every ParseCode error, so callers can test
// for it with errors.Is and still show the reason.
var ErrInvalidCode = errors.New("wilayah: invalid region code")

// maxCodeInput bounds ParseCode's input. The longest valid code is 13 bytes;
// the slack allows surrounding spaces. Checked first so that hostile input
// costs nothing.
const maxCodeInput = 32

// groupWidths are the digits per level: 2 (province), 2, 2, 4 (village).
var groupWidths = [...]int{2, 2, 2, 4}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidCode}, args...)...)
}

// ParseCode accepts a code dotted ("33.73.04.1001") or as bare digits
// ("3373041001", as printed inside a NIK or in BPS tables), with surrounding
// spaces, and returns the dotted form. Only the four region levels are
// accepted: 2, 4, 6 or 10 digits. Island codes (9 digits) are not regions.
func ParseCode(s string) (Code, error) {
	if len(s) > maxCodeInput {
		return "", invalid("longer than %d bytes", maxCodeInput)
	}
	if !utf8.ValidString(s) {
		return "", invalid("not valid UTF-8")
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return "", invalid("empty")
	}
	if strings.Contains(s, ".") {
		return parseDotted(s)
	}
	return parseUndotted(s)
}

func parseDotted(s string) (Code, error) {
	groups := strings.Split(s, ".")
	if len(groups) > len(groupWidths) {
		return "", invalid("%q has more than %d groups", s, len(groupWidths))
	}
	for i, g := range groups {
		if len(g) != groupWidths[i] {
			return "", invalid("%q: group %d must have %d digits", s, i+1, groupWidths[i])
		}
		if !allDigits(g) {
			return "", invalid("%q: group %d is not all digits", s, i+1)
		}
	}
	return Code(s), nil
}

func parseUndotted(s string) (Code, error) {
	if !allDigits(s) {
		return "", invalid("%q is not digits", s)
	}
	switch len(s) {
	case 2, 4, 6, 10:
	default:
		return "", invalid("%q has %d digits; want 2, 4, 6 or 10", s, len(s))
	}
	return Code(dot(s)), nil
}

// dot inserts the dots into a run of digits: "3373041" → "33.73.04.1".
// It is also used for code prefixes typed into Search.
func dot(digits string) string {
	var b strings.Builder
	b.Grow(len(digits) + 3)
	for i, w := range groupWidths {
		if digits == "" {
			break
		}
		if i > 0 {
			b.WriteByte('.')
		}
		n := min(w, len(digits))
		b.WriteString(digits[:n])
		digits = digits[n:]
	}
	return b.String()
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Level reports the code's level from its shape; 0 for the zero Code.
func (c Code) Level() Level {
	if c == "" {
		return 0
	}
	return Level(strings.Count(string(c), ".") + 1)
}

// Parent is the code one level up ("33.73.04" for "33.73.04.1001"); empty for
// a province.
func (c Code) Parent() Code {
	i := strings.LastIndexByte(string(c), '.')
	if i < 0 {
		return ""
	}
	return c[:i]
}

// Province is the first group: the province the region lies in. Every row
// that belongs to a region carries it, so tables can be split by province.
func (c Code) Province() Code {
	if len(c) < 2 {
		return ""
	}
	return c[:2]
}

// Contains reports whether other is c itself or lies below it. The zero Code
// contains nothing: a missing scope must never widen to the whole nation.
func (c Code) Contains(other Code) bool {
	if c == "" {
		return false
	}
	return other == c || (len(other) > len(c) && other[len(c)] == '.' && strings.HasPrefix(string(other), string(c)))
}

// Undotted gives the digits only ("3373041001").
func (c Code) Undotted() string { return strings.ReplaceAll(string(c), ".", "") }

// String returns the dotted code.
func (c Code) String() string { return string(c) }

// SubtreeCond returns a SQL condition, with `?` placeholders, that selects
// the rows whose column holds c or a code below it:
//
//	(column = ? OR (column >= ? AND column < ?))   args: c, c+".", c+"/"
//
// Descendants of 33.73 all start with "33.73.", and in byte order "/" is the
// character right after ".", so every such code sorts in [33.73., 33.73/)
// and nothing else does. A range is what a btree index answers directly;
// LIKE '33.73.%' is not, on PostgreSQL, unless the column uses the "C"
// collation (which the migration sets for the same reason) and the planner
// cooperates. SQLite compares TEXT byte-wise, so the one fragment is
// portable.
//
// column must be a plain identifier (optionally table-qualified) chosen by the
// programmer; anything else panics, because it is pasted into SQL. The zero
// Code yields a condition that matches nothing, like Contains.
func SubtreeCond(column string, c Code) (cond string, args []any) {
	if !isIdentifier(column) {
		panic(fmt.Sprintf("wilayah.SubtreeCond: %q is not a column name", column))
	}
	if c == "" {
		return "1=0", nil
	}
	s := string(c)
	return "(" + column + " = ? OR (" + column + " >= ? AND " + column + " < ?))", []any{s, s + ".", s + "/"}
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch >= 'a' && ch <= 'z', ch >= 'A' && ch <= 'Z', ch == '_':
		case ch >= '0' && ch <= '9', ch == '.':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}

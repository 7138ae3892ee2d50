package registry

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/wilayah"
)

// NIK is a Nomor Induk Kependudukan as 16 bare digits, PPKKCC DDMMYY NNNN
// (domain.md §8.1). Values come from ParseNIK; the zero NIK means "none",
// which is common: many homeless people and abandoned children have none.
type NIK string

// KK is a Nomor Kartu Keluarga as 16 bare digits (domain.md §8.2).
type KK string

// Sex is the sex as written on Indonesian documents: L (laki-laki) or
// P (perempuan). The NIK encodes it too, but the entered field wins
// (domain.md §8.1: never derive sex from the NIK when a field exists).
type Sex string

const (
	Male   Sex = "L"
	Female Sex = "P"
)

// BirthInfo is what is known of a person's birth: a full date, or only an
// estimated year (common for older people and foundlings), or nothing.
type BirthInfo struct {
	Date time.Time // the date of birth; its year, month and day are used as they are; zero if unknown
	Year int       // an estimated year of birth; 0 if unknown; ignored when Date is set
}

// RegionLookup finds a region by code. *wilayah.Index satisfies it; a store
// with versioned region tables could too.
type RegionLookup interface {
	Get(wilayah.Code) (wilayah.Region, bool)
}

// RuleError is a broken identity rule, as a message-catalog key with its
// arguments, so the caller can put it under the field it concerns and show
// it in the user's language.
type RuleError struct {
	Key  string
	Args []any
}

func (e *RuleError) Error() string {
	if len(e.Args) == 0 {
		return "registry: " + e.Key
	}
	return fmt.Sprintf("registry: %s %v", e.Key, e.Args)
}

// AddTo records the error under field, for apperr.Fields.Err to return.
func (e *RuleError) AddTo(f *apperr.Fields, field string) {
	f.Add(field, e.Key, e.Args...)
}

// Note is information about an accepted value, shown to the user but not
// blocking (a NIK issued under a region code that no longer exists).
type Note struct {
	Key  string
	Args []any
}

// Warning says that two entered facts disagree (the NIK and the birth date).
// It is shown to the user and never resolved by changing either value.
type Warning struct {
	Key  string
	Args []any
}

func ruleErr(key string, args ...any) *RuleError { return &RuleError{Key: key, Args: args} }

// idDigits is the length of a NIK and of a KK number.
const idDigits = 16

// maxIDInput bounds what ParseNIK and ParseKK read: 16 digits with a
// separator between each pair is 31 bytes; the slack covers surrounding
// spaces. Longer input is refused before it is scanned.
const maxIDInput = 64

// ParseNIK checks a NIK as typed and returns its 16 digits.
//
// Spaces, dots and dashes between digits are accepted and dropped, since
// people copy NIKs from documents that group the digits ("3373 0412 0590
// 0001"); any other character is refused. The checks are the plausibility
// rules of domain.md §8.1 (Dukcapil): 16 digits; the province prefix exists;
// day 01–31, or 41–71 for a woman (day + 40); month 01–12; serial from 0001.
// The day is not checked against the month: the NIK records what was
// registered, and validation is plausibility only.
//
// The kab/kota and kecamatan prefix is where the NIK was first issued and
// never changes (domain.md §8.1), so a code unknown to the current region
// list (split, renumbered: 92.71 Kota Sorong is 96.71 since Papua Barat Daya)
// is accepted with a Note. Only an unknown province is refused. A nil
// regions skips the region checks.
//
// An empty s is refused (nik.length); callers treat an empty field as "no
// NIK" before calling. Errors are *RuleError with keys nik.length,
// nik.digits, nik.province, nik.day, nik.month and nik.serial.
func ParseNIK(s string, regions RegionLookup) (NIK, []Note, error) {
	d, err := idDigitsOf(s, "nik")
	if err != nil {
		return "", nil, err
	}
	day := atoi2(d[6:8])
	if day < 1 || day > 71 || (day > 31 && day < 41) {
		return "", nil, ruleErr("nik.day", d[6:8])
	}
	if month := atoi2(d[8:10]); month < 1 || month > 12 {
		return "", nil, ruleErr("nik.month", d[8:10])
	}
	if d[12:] == "0000" {
		return "", nil, ruleErr("nik.serial")
	}
	notes, err := checkIssuingRegion(d, regions, "nik")
	if err != nil {
		return "", nil, err
	}
	return NIK(d), notes, nil
}

// ParseKK checks a Nomor KK as typed and returns its 16 digits. Separators
// are handled as in ParseNIK. The first 6 digits are the issuing region
// (domain.md §8.2) and are checked like a NIK's: the province must exist, an
// unknown kab/kota or kecamatan gives a Note. The other 10 digits are
// believed to be the issue date and a serial, but that is unconfirmed (✘),
// so nothing beyond their being digits is checked.
//
// Errors are *RuleError with keys kk.length, kk.digits and kk.province.
func ParseKK(s string, regions RegionLookup) (KK, []Note, error) {
	d, err := idDigitsOf(s, "kk")
	if err != nil {
		return "", nil, err
	}
	notes, err := checkIssuingRegion(d, regions, "kk")
	if err != nil {
		return "", nil, err
	}
	return KK(d), notes, nil
}

// idDigitsOf returns the 16 digits of s, or a RuleError keyed under prefix
// ("nik" or "kk").
func idDigitsOf(s, prefix string) (string, error) {
	if len(s) > maxIDInput {
		return "", ruleErr(prefix+".length", countDigits(s))
	}
	if !utf8.ValidString(s) {
		return "", ruleErr(prefix+".digits", string(utf8.RuneError))
	}
	s = strings.TrimSpace(s)
	var buf [maxIDInput]byte
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= '0' && c <= '9' {
			buf[n] = c
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		// A separator must sit between two digits: "3373-04" is a
		// grouping, "-337304" or "3373--" is something else.
		if !isIDSeparator(r) || n == 0 || i+size >= len(s) || !isDigit(nextNonSeparator(s[i+size:])) {
			return "", ruleErr(prefix+".digits", string(r))
		}
		i += size
	}
	if n != idDigits {
		return "", ruleErr(prefix+".length", n)
	}
	return string(buf[:n]), nil
}

// isIDSeparator reports whether r may group the digits of a NIK or KK:
// spaces (including the no-break space of word processors), dots and dashes.
func isIDSeparator(r rune) bool {
	switch r {
	case ' ', '\t', '\u00a0', '.', '-', '\u2010', '\u2011', '\u2013':
		return true
	}
	return false
}

// nextNonSeparator returns the first byte of s after any separators, or 0.
func nextNonSeparator(s string) byte {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isIDSeparator(r) {
			return s[i]
		}
		i += size
	}
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			n++
		}
	}
	return n
}

// atoi2 reads two ASCII digits.
func atoi2(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }

// checkIssuingRegion checks the PPKKCC prefix of a NIK or KK: the province
// must exist; an unknown kab/kota or kecamatan is an old code, noted.
func checkIssuingRegion(d string, regions RegionLookup, prefix string) ([]Note, error) {
	if regions == nil {
		return nil, nil
	}
	if _, ok := regions.Get(wilayah.Code(d[:2])); !ok {
		return nil, ruleErr(prefix+".province", d[:2])
	}
	kec := dottedDistrict(d)
	if _, ok := regions.Get(kec); !ok {
		return []Note{{Key: prefix + ".note_old_region", Args: []any{string(kec)}}}, nil
	}
	return nil, nil
}

// dottedDistrict gives the kecamatan code of the first 6 digits: "33.73.04".
func dottedDistrict(d string) wilayah.Code {
	return wilayah.Code(d[0:2] + "." + d[2:4] + "." + d[4:6])
}

// valid reports whether n has the shape ParseNIK returns; methods of a
// malformed NIK return zero values rather than panic.
func (n NIK) valid() bool { return len(n) == idDigits && countDigits(string(n)) == idDigits }

// String returns the 16 digits.
func (n NIK) String() string { return string(n) }

// BirthDay decodes the DDMMYY group: the day of the month (with the +40 for
// women removed), the month, the last two digits of the year, and whether
// the day carried the +40. Only the two-digit year is there: a NIK cannot
// tell 1925 from 2025. Zero values for a malformed NIK.
func (n NIK) BirthDay() (day, month, yy int, female bool) {
	if !n.valid() {
		return 0, 0, 0, false
	}
	day = atoi2(string(n[6:8]))
	if day > 40 {
		day -= 40
		female = true
	}
	return day, atoi2(string(n[8:10])), atoi2(string(n[10:12])), female
}

// Province is the province where the NIK was first issued, not where the
// person lives (domain.md §8.3: never reuse the prefix as the domicile).
func (n NIK) Province() wilayah.Code {
	if !n.valid() {
		return ""
	}
	return wilayah.Code(n[:2])
}

// Region is the kecamatan where the NIK was first issued, dotted
// ("33.73.04"); it may be a code that no longer exists.
func (n NIK) Region() wilayah.Code {
	if !n.valid() {
		return ""
	}
	return dottedDistrict(string(n))
}

// String returns the 16 digits.
func (k KK) String() string { return string(k) }

// Province is the province that issued the KK.
func (k KK) Province() wilayah.Code {
	if !NIK(k).valid() {
		return ""
	}
	return wilayah.Code(k[:2])
}

// Region is the kecamatan that issued the KK, dotted; it may be an old code.
func (k KK) Region() wilayah.Code {
	if !NIK(k).valid() {
		return ""
	}
	return dottedDistrict(string(k))
}

// ParseSex reads L or P (either case, surrounding spaces ignored). The error
// is a *RuleError with key sex.invalid.
func ParseSex(s string) (Sex, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "L":
		return Male, nil
	case "P":
		return Female, nil
	}
	return "", ruleErr("sex.invalid")
}

// CheckAgainst compares what the NIK encodes with the entered sex and birth
// data and warns where they disagree: nik.warn_sex with the NIK's sex and
// the entered one, nik.warn_birth with the NIK's date as DD-MM-YY and the
// entered date (YYYY-MM-DD) or year (YYYY). With a full date, day, month
// and two-digit year are compared; with only an estimated year, its last two
// digits. Nothing is corrected: a NIK cannot be changed to match a corrected
// birth date (domain.md §8.1), so either side may be the wrong one and a
// person decides. An empty sex or unknown birth is not compared.
func CheckAgainst(n NIK, sex Sex, birth BirthInfo) []Warning {
	if !n.valid() {
		return nil
	}
	day, month, yy, female := n.BirthDay()
	var ws []Warning
	nikSex := Male
	if female {
		nikSex = Female
	}
	if (sex == Male || sex == Female) && sex != nikSex {
		ws = append(ws, Warning{Key: "nik.warn_sex", Args: []any{nikSex, sex}})
	}
	nikDate := fmt.Sprintf("%02d-%02d-%02d", day, month, yy)
	switch {
	case !birth.Date.IsZero():
		d := birth.Date
		if d.Day() != day || int(d.Month()) != month || twoDigitYear(d.Year()) != yy {
			ws = append(ws, Warning{Key: "nik.warn_birth", Args: []any{nikDate, d.Format(time.DateOnly)}})
		}
	case birth.Year > 0:
		if twoDigitYear(birth.Year) != yy {
			ws = append(ws, Warning{Key: "nik.warn_birth", Args: []any{nikDate, strconv.Itoa(birth.Year)}})
		}
	}
	return ws
}

func twoDigitYear(y int) int {
	y %= 100
	if y < 0 {
		y += 100
	}
	return y
}

package registry

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/wilayah"
)

// Person is one PPKS record.
type Person struct {
	ID                 int64          `json:"id"`
	NIK                NIK            `json:"nik"`
	Name               string         `json:"name"`
	Aliases            []string       `json:"aliases"`
	Sex                Sex            `json:"sex"`
	BirthDate          string         `json:"birth_date"` // YYYY-MM-DD, or "" when unknown
	BirthYear          int            `json:"birth_year"` // of the date, or estimated; 0 when unknown
	BirthYearEstimated bool           `json:"birth_year_estimated"`
	BirthPlace         string         `json:"birth_place"`
	Village            wilayah.Code   `json:"village"`
	Address            string         `json:"address"`
	Categories         []string       `json:"categories"`
	Disabilities       []string       `json:"disabilities"`
	Phone              string         `json:"phone"`
	Notes              string         `json:"notes"`
	UnitID             int64          `json:"unit_id,omitempty"`
	DuplicateOf        int64          `json:"duplicate_of,omitempty"`
	Active             bool           `json:"active"`
	InactiveReason     InactiveReason `json:"inactive_reason,omitempty"`
	InactiveNote       string         `json:"inactive_note,omitempty"`
	CreatedAt          time.Time      `json:"created_at"`
	UpdatedAt          time.Time      `json:"updated_at"`
	Version            int            `json:"version"`
}

// Summary is a person as a search or listing shows them: enough to tell
// people apart and pick the right one, nothing more. Address, phone, notes
// and disabilities (health data, specific personal data under UU 27/2022
// Pasal 4) are read only with the full record, whose every opening is
// audited; a list of results is not. The fields are named as in Person.
type Summary struct {
	ID                 int64        `json:"id"`
	NIK                NIK          `json:"nik"`
	Name               string       `json:"name"`
	Aliases            []string     `json:"aliases"`
	Sex                Sex          `json:"sex"`
	BirthDate          string       `json:"birth_date"`
	BirthYear          int          `json:"birth_year"`
	BirthYearEstimated bool         `json:"birth_year_estimated"`
	Village            wilayah.Code `json:"village"`
	Categories         []string     `json:"categories"`
	Active             bool         `json:"active"`
}

// Birth is what is known of when someone was born.
type Birth struct {
	Date      string // YYYY-MM-DD, or ""
	Year      int    // 0 when unknown
	Estimated bool
}

// Born says when the person was born.
func (p Person) Born() Birth { return Birth{p.BirthDate, p.BirthYear, p.BirthYearEstimated} }

// Born says when the person was born.
func (s Summary) Born() Birth { return Birth{s.BirthDate, s.BirthYear, s.BirthYearEstimated} }

// Message is a note or warning as the API and UI show it: a catalog key and
// its arguments, translated by the caller.
type Message struct {
	Field string `json:"field"`
	Key   string `json:"-"`
	Args  []any  `json:"-"`
	Text  string `json:"message"`
}

// InactiveReason says why a record was deactivated. Records are never
// deleted ("ditidurkan", domain.md §9.1).
type InactiveReason string

const (
	Died      InactiveReason = "meninggal"
	Moved     InactiveReason = "pindah"
	Duplicate InactiveReason = "duplikat"
	Other     InactiveReason = "lainnya"
)

// InactiveReasons lists the reasons in display order.
var InactiveReasons = []InactiveReason{Died, Moved, Duplicate, Other}

// Valid reports whether r is a known reason.
func (r InactiveReason) Valid() bool {
	for _, x := range InactiveReasons {
		if r == x {
			return true
		}
	}
	return false
}

// Input is what a worker enters for a person.
type Input struct {
	NIK          string   `json:"nik"`
	Name         string   `json:"name"`
	Aliases      []string `json:"aliases"`
	Sex          string   `json:"sex"`
	BirthDate    string   `json:"birth_date"`
	BirthYear    int      `json:"birth_year"` // an estimate, when the date is unknown
	BirthPlace   string   `json:"birth_place"`
	Village      string   `json:"village"`
	Address      string   `json:"address"`
	Categories   []string `json:"categories"`
	Disabilities []string `json:"disabilities"`
	Phone        string   `json:"phone"`
	Notes        string   `json:"notes"`
	// ConfirmDuplicate stores the record although its NIK is already in the
	// registry: the worker saw the warning and the link to the other record.
	ConfirmDuplicate bool `json:"confirm_duplicate"`
	Version          int  `json:"version,omitempty"` // updates: the version the editor saw
}

// Limits of free text, in characters.
const (
	maxName    = 120
	maxAliases = 10
	maxPlace   = 100
	maxAddress = 300
	maxPhone   = 30
	maxNotes   = 2000
)

// checked is an Input after validation: typed, normalised values.
type checked struct {
	nik          NIK
	name         string
	aliases      []string
	sex          Sex
	birthDate    string
	birthYear    int
	estimated    bool
	birthPlace   string
	village      wilayah.Code
	address      string
	categories   []string
	disabilities []string
	phone        string
	notes        string
}

// Validate checks in against the rules and the current region list. It
// returns the normalised values, the notes and warnings to show, and the
// field errors. today bounds birth dates (no one is born tomorrow).
func (in Input) validate(regions RegionLookup, today time.Time) (checked, []Message, apperr.Fields) {
	var f apperr.Fields
	var msgs []Message
	var c checked
	text := func(field, v string, max int, required bool) string {
		v = strings.TrimSpace(v)
		switch {
		case required && v == "":
			f.Add(field, "field.required")
		case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
			f.Add(field, "field.utf8")
		case utf8.RuneCountInString(v) > max:
			f.Add(field, "field.too_long", max)
		}
		return v
	}
	if nik := strings.TrimSpace(in.NIK); nik != "" {
		n, notes, err := ParseNIK(nik, regions)
		if re, ok := err.(*RuleError); ok {
			re.AddTo(&f, "nik")
		} else if err != nil {
			f.Add("nik", "nik.digits")
		}
		c.nik = n
		msgs = append(msgs, nikNotes(notes)...)
	}
	c.name = strings.Join(strings.Fields(text("name", in.Name, maxName, true)), " ")
	if len(in.Aliases) > maxAliases {
		f.Add("aliases", "person.too_many_aliases", maxAliases)
	}
	for _, a := range in.Aliases {
		a = strings.Join(strings.Fields(text("aliases", a, maxName, false)), " ")
		if a != "" && !contains(c.aliases, a) && a != c.name {
			c.aliases = append(c.aliases, a)
		}
	}
	if in.Sex == "" {
		f.Add("sex", "field.required")
	} else if s, err := ParseSex(in.Sex); err != nil {
		f.Add("sex", "sex.invalid")
	} else {
		c.sex = s
	}
	switch bd := strings.TrimSpace(in.BirthDate); {
	case bd != "":
		d, err := time.Parse(time.DateOnly, bd)
		switch {
		case err != nil:
			f.Add("birth_date", "field.date_format")
		case d.After(today):
			f.Add("birth_date", "person.birth_future")
		case d.Year() < 1900:
			f.Add("birth_date", "person.birth_too_old")
		default:
			c.birthDate, c.birthYear = d.Format(time.DateOnly), d.Year()
			if in.BirthYear != 0 && in.BirthYear != d.Year() {
				f.Add("birth_year", "person.birth_year_mismatch")
			}
		}
	case in.BirthYear != 0:
		if in.BirthYear < 1900 || in.BirthYear > today.Year() {
			f.Add("birth_year", "person.birth_year_range", today.Year())
		} else {
			c.birthYear, c.estimated = in.BirthYear, true
		}
	}
	c.birthPlace = text("birth_place", in.BirthPlace, maxPlace, false)
	if v := strings.TrimSpace(in.Village); v == "" {
		f.Add("village", "field.required")
	} else if code, err := wilayah.ParseCode(v); err != nil || code.Level() != wilayah.Village {
		f.Add("village", "person.village_format")
	} else if _, ok := regions.Get(code); !ok {
		f.Add("village", "region.unknown", string(code))
	} else {
		c.village = code
	}
	c.address = text("address", in.Address, maxAddress, false)
	for _, s := range in.Categories {
		cat, err := ParseCategory(s)
		if err != nil {
			f.Add("categories", "person.category_unknown", s)
			continue
		}
		if !contains(c.categories, string(cat.Code)) {
			c.categories = append(c.categories, string(cat.Code))
		}
	}
	for _, s := range in.Disabilities {
		d, err := ParseDisability(s)
		if err != nil {
			f.Add("disabilities", "person.disability_unknown", s)
			continue
		}
		if !contains(c.disabilities, string(d)) {
			c.disabilities = append(c.disabilities, string(d))
		}
	}
	c.phone = text("phone", in.Phone, maxPhone, false)
	if c.phone != "" && !f.Has("phone") && strings.Trim(c.phone, "+0123456789 -()") != "" {
		f.Add("phone", "unit.phone_format")
	}
	c.notes = text("notes", in.Notes, maxNotes, false)
	if c.nik != "" && c.sex != "" && !f.Has("birth_date") && !f.Has("birth_year") {
		msgs = append(msgs, nikMismatches(c.nik, c.sex, c.birthDate, c.birthYear)...)
	}
	return c, msgs, f
}

// nikNotes are the notes of a parsed NIK (an old kecamatan code) as
// messages on the field nik.
func nikNotes(notes []Note) []Message {
	var msgs []Message
	for _, nt := range notes {
		msgs = append(msgs, Message{Field: "nik", Key: nt.Key, Args: nt.Args})
	}
	return msgs
}

// nikMismatches are the warnings that a NIK disagrees with the entered sex
// or birth (a YYYY-MM-DD date, or else a year), on the field entered.
func nikMismatches(nik NIK, sex Sex, birthDate string, birthYear int) []Message {
	birth := BirthInfo{Year: birthYear}
	if birthDate != "" {
		birth.Date, _ = time.Parse(time.DateOnly, birthDate)
	}
	var msgs []Message
	for _, w := range CheckAgainst(nik, sex, birth) {
		field := "birth_date"
		if w.Key == "nik.warn_sex" {
			field = "sex"
		}
		msgs = append(msgs, Message{Field: field, Key: w.Key, Args: w.Args})
	}
	return msgs
}

// Warnings re-derives, from a stored person, the notes and warnings their
// NIK gives: an issuing kecamatan unknown to the current region list (which
// may have changed since the entry), and a sex or birth that disagrees with
// the NIK. They are shown wherever the record is read, not only to whoever
// saved it, since nothing is ever corrected automatically and the mismatch
// stands until a person fixes one side. Never nil.
func (s *Store) Warnings(p Person) []Message {
	msgs := []Message{}
	if p.NIK == "" {
		return msgs
	}
	// A stored NIK passed the rules when it was saved; should a later region
	// list refuse its province, there is nothing more to say than the
	// mismatches below.
	if _, notes, err := ParseNIK(string(p.NIK), s.Regions); err == nil {
		msgs = append(msgs, nikNotes(notes)...)
	}
	return append(msgs, nikMismatches(p.NIK, p.Sex, p.BirthDate, p.BirthYear)...)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

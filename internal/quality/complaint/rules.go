// Package complaint holds complaints (pengaduan) to a service unit: the
// categories, the tracking code the public follows a complaint by, the
// steps a complaint takes and who may take them, the response deadline in
// working days with its escalation, and the store (store.go).
//
// Handling complaints is a duty of every provider of public services (UU
// 25/2009 Pasal 36 ff.; Perpres 76/2013 on the national complaint system),
// and it is what element U8 of the satisfaction survey asks about
// (PermenPANRB 14/2017: "penanganan pengaduan, saran dan masukan").
package complaint

import (
	"crypto/rand"
	"github.com/layan-id/layan/internal/holiday"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
)

// Category is what a complaint is about. The list is fixed for now (a
// setting later); its names are in the message catalog under
// "complaint.category.<code>".
type Category string

const (
	CatPetugas   Category = "pelayanan_petugas"  // the conduct of staff
	CatWaktu     Category = "waktu_layanan"      // waiting and service time
	CatPersyarat Category = "persyaratan"        // requirements, documents
	CatBiaya     Category = "biaya"              // fees, illegal charges (pungutan)
	CatSarpras   Category = "sarana_prasarana"   // facilities, accessibility
	CatBansos    Category = "bansos_tidak_tepat" // social aid not on target
	CatLainnya   Category = "lainnya"            // anything else
)

// Categories lists every category in the order forms show them.
var Categories = []Category{CatPetugas, CatWaktu, CatPersyarat, CatBiaya, CatSarpras, CatBansos, CatLainnya}

// Valid reports whether c is a known category.
func (c Category) Valid() bool {
	for _, x := range Categories {
		if c == x {
			return true
		}
	}
	return false
}

// Channel is how a complaint came in.
type Channel string

const (
	ChannelWeb     Channel = "web"     // the public form
	ChannelAPI     Channel = "api"     // the public API (another front end)
	ChannelCounter Channel = "counter" // written down by staff at the front desk
)

// Valid reports whether ch is a known channel.
func (ch Channel) Valid() bool { return ch == ChannelWeb || ch == ChannelAPI || ch == ChannelCounter }

// Status is where a complaint stands.
type Status string

const (
	Diterima Status = "diterima" // received, nobody on it yet
	Diproses Status = "diproses" // assigned to a worker of the unit
	Dijawab  Status = "dijawab"  // the unit has answered
	Selesai  Status = "selesai"  // closed after the answer
	Ditolak  Status = "ditolak"  // refused, with a reason (not the unit's matter, abusive…)
)

// Statuses lists every status in the order of the steps.
var Statuses = []Status{Diterima, Diproses, Dijawab, Selesai, Ditolak}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, x := range Statuses {
		if s == x {
			return true
		}
	}
	return false
}

// Answered reports whether the unit has given the complainant an answer:
// a response, or a refusal with its reason.
func (s Status) Answered() bool { return s == Dijawab || s == Selesai || s == Ditolak }

// Closed reports whether nothing more will happen to the complaint.
func (s Status) Closed() bool { return s == Selesai || s == Ditolak }

// Action is a step a member of staff takes on a complaint.
type Action string

const (
	Assign  Action = "assign"  // give it to a worker of the unit (again)
	Respond Action = "respond" // answer the complainant
	Close   Action = "close"   // close it after the answer
	Reject  Action = "reject"  // refuse it, with a reason
)

// Actions lists every action.
var Actions = []Action{Assign, Respond, Close, Reject}

// Actor is who takes a step, as far as the rules need to know: the role,
// and whether the complaint is assigned to them.
type Actor struct {
	Role     access.Role
	Assignee bool
}

// Decide says whether actor may take action on a complaint in status st,
// and what status follows. The unit's supervisor (kepala unit) and the
// region's admin manage the unit's complaints; a worker answers the
// complaints assigned to them. The store checks the unit first.
func Decide(a Actor, st Status, act Action) (Status, error) {
	manager := a.Role == access.Supervisor || a.Role == access.Admin
	var next Status
	switch act {
	case Assign:
		if st != Diterima && st != Diproses {
			return "", notNow(st, act)
		}
		if !manager {
			return "", forbidden()
		}
		next = Diproses
	case Respond:
		if st != Diterima && st != Diproses {
			return "", notNow(st, act)
		}
		if !manager && !(a.Role == access.Worker && a.Assignee) {
			return "", forbidden()
		}
		next = Dijawab
	case Close:
		if st != Dijawab {
			return "", notNow(st, act)
		}
		if !manager {
			return "", forbidden()
		}
		next = Selesai
	case Reject:
		if st != Diterima && st != Diproses {
			return "", notNow(st, act)
		}
		if !manager {
			return "", forbidden()
		}
		next = Ditolak
	default:
		return "", apperr.BadParam("action", "complaint.action_unknown")
	}
	return next, nil
}

// Allowed lists the actions actor may take in status st, for the buttons
// of the staff page.
func Allowed(a Actor, st Status) []Action {
	var out []Action
	for _, act := range Actions {
		if _, err := Decide(a, st, act); err == nil {
			out = append(out, act)
		}
	}
	return out
}

func notNow(Status, Action) error {
	return &apperr.Error{Kind: apperr.Conflict, Key: "complaint.step_not_now", Code: "step_not_allowed"}
}

func forbidden() error {
	return &apperr.Error{Kind: apperr.Forbidden, Key: "complaint.step_forbidden", Code: "step_forbidden"}
}

// DefaultResponseDays is the deadline of the first response in working
// days. ✘ Neither UU 25/2009 nor Perpres 76/2013 as summarised in
// domain.md fixes a number of days for a unit's first answer, so this is a
// setting (Store.ResponseDays) with a default of five working days.
const DefaultResponseDays = 5

// DefaultSecondLevelDays is how many more working days past the deadline
// an unanswered complaint goes from the unit's supervisors (level 1) to the
// admin of the unit's region (level 2). A setting like the deadline.
const DefaultSecondLevelDays = 5

// Escalation levels.
const (
	LevelNone       = 0
	LevelSupervisor = 1 // the unit's supervisors (kepala unit)
	LevelRegion     = 2 // the admin of the unit's region
)

// wib is Waktu Indonesia Barat: days are counted on the calendar of the
// offices, whatever the server's zone. (WITA and WIT units end their day
// one or two hours earlier; a deadline is then one or two hours generous.)
var wib = time.FixedZone("WIB", 7*3600)

// AddWorkingDays returns the end of the n-th working day after the day of
// t (in WIB), as the instant the next day begins, in UTC: a complaint
// received on Monday with five days is due by the end of the next Monday.
// A complaint received at the weekend or on a day off counts from the next
// working day as day one. Working days are Monday to Friday without the
// days off of the offices' calendar (package holiday): off holds the ones
// entered for the stretch the count may cross.
func AddWorkingDays(t time.Time, n int, off holiday.Set) time.Time {
	y, m, d := t.In(wib).Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, wib)
	for n > 0 {
		day = day.AddDate(0, 0, 1)
		if off.Working(day) {
			n--
		}
	}
	return day.AddDate(0, 0, 1).UTC()
}

// LevelDue is the escalation level an unanswered complaint due at due has
// reached at now, with secondDays working days between the two levels.
func LevelDue(due, now time.Time, secondDays int, off holiday.Set) int {
	switch {
	case !now.After(due):
		return LevelNone
	case now.After(AddWorkingDays(due.Add(-time.Nanosecond), secondDays, off)):
		return LevelRegion
	}
	return LevelSupervisor
}

// The tracking code. Its alphabet leaves out the characters people confuse
// when reading aloud or from a small screen (0/O, 1/I/L) and has 31
// characters: a prime, so the weighted checksum below catches every single
// wrong character and every swap of two neighbours.
const (
	codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
	codeRandom   = 11 // random characters: 31^11 ≈ 2.5·10^16 codes
	codeLen      = codeRandom + 1
	codePrefix   = "PGD"
)

func codeValue(c byte) int { return strings.IndexByte(codeAlphabet, c) }

// checkChar is the character that makes Σ (i+1)·v(i) ≡ 0 (mod 31) over the
// random characters and itself (weights 1…12, all invertible mod 31).
func checkChar(data string) byte {
	sum := 0
	for i := 0; i < len(data); i++ {
		sum += (i + 1) * codeValue(data[i])
	}
	w := len(data) + 1
	// v·w ≡ −sum (mod 31): v = −sum · w⁻¹, w⁻¹ = w^29 (Fermat).
	inv := 1
	for k := 0; k < 29; k++ {
		inv = inv * w % 31
	}
	v := ((31 - sum%31) % 31) * inv % 31
	return codeAlphabet[v]
}

// NewCode returns a fresh tracking code in its stored form (12 characters,
// no separators), from the system's cryptographic random source.
func NewCode() string {
	b := make([]byte, codeRandom)
	out := make([]byte, 0, codeLen)
	for len(out) < codeRandom {
		rand.Read(b)
		for _, x := range b {
			// 248 = 8·31: reject the top values so each character is equally likely.
			if x < 248 && len(out) < codeRandom {
				out = append(out, codeAlphabet[int(x)%31])
			}
		}
	}
	return string(out) + string(checkChar(string(out)))
}

// FormatCode writes a stored code as people read it: PGD-7K3M-Q9TX-4PRZ.
func FormatCode(code string) string {
	if len(code) != codeLen {
		return code
	}
	return codePrefix + "-" + code[0:4] + "-" + code[4:8] + "-" + code[8:12]
}

// ParseCode reads a code as typed: any case, with or without the prefix,
// dashes and spaces. It returns the stored form, or false when the code
// cannot be one of ours: wrong length, a character outside the alphabet, or
// a checksum that does not add up (a typo), caught before any lookup.
func ParseCode(s string) (string, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.NewReplacer("-", "", " ", "", ".", "").Replace(s)
	if len(s) == codeLen+len(codePrefix) && strings.HasPrefix(s, codePrefix) {
		s = s[len(codePrefix):]
	}
	if len(s) != codeLen {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if codeValue(s[i]) < 0 {
			return "", false
		}
	}
	if checkChar(s[:codeRandom]) != s[codeRandom] {
		return "", false
	}
	return s, true
}

package complaint

import (
	"strings"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/holiday"
)

func wibTime(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, wib)
	if err != nil {
		panic(err)
	}
	return t
}

// entered are days off an admin entered (package holiday): the days of an
// imagined Lebaran and a cuti bersama.
var entered = holiday.Set{"2026-04-01": true, "2026-04-02": true, "2026-04-03": true, "2025-12-26": true}

func TestAddWorkingDays(t *testing.T) {
	// 2025-06-02 is a Monday.
	for _, tt := range []struct {
		from string
		n    int
		want string // the instant the due day ends, WIB
	}{
		{"2025-06-02 09:00", 5, "2025-06-10 00:00"}, // Mon → end of next Mon
		{"2025-06-02 23:59", 1, "2025-06-04 00:00"}, // Mon → end of Tue
		{"2025-06-06 16:00", 1, "2025-06-10 00:00"}, // Fri → end of Mon
		{"2025-06-06 16:00", 5, "2025-06-14 00:00"}, // Fri → end of next Fri
		{"2025-06-07 10:00", 1, "2025-06-10 00:00"}, // Sat → Mon is day one
		{"2025-06-08 10:00", 5, "2025-06-14 00:00"}, // Sun → end of Fri
		{"2025-06-02 09:00", 0, "2025-06-03 00:00"}, // the same day
		// 23:30 UTC on Sunday is Monday 06:30 WIB: counted from Monday.
		{"2025-06-09 06:30", 1, "2025-06-11 00:00"},
		// Built-in days off: Hari Lahir Pancasila (Sunday 1 June 2025 —
		// no change) and 17 August 2026, a Monday.
		{"2026-08-14 10:00", 1, "2026-08-19 00:00"}, // Fri → Tue, not Mon 17
		// Entered days off: 1–3 April 2026 (a Wednesday to a Friday).
		{"2026-03-31 10:00", 1, "2026-04-07 00:00"}, // Tue → Mon 6 April
		{"2026-04-01 10:00", 5, "2026-04-11 00:00"}, // on a day off → the next working days
		// 25 December 2025 (Thursday) and an entered cuti bersama on the 26th.
		{"2025-12-24 10:00", 2, "2025-12-31 00:00"}, // Wed → Mon 29, Tue 30
	} {
		got := AddWorkingDays(wibTime(tt.from).UTC(), tt.n, entered)
		if want := wibTime(tt.want).UTC(); !got.Equal(want) {
			t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tt.from, tt.n, got.In(wib), want.In(wib))
		}
		if got.Location() != time.UTC {
			t.Errorf("AddWorkingDays returned zone %v, want UTC", got.Location())
		}
	}
}

func TestLevelDue(t *testing.T) {
	due := wibTime("2025-06-10 00:00") // end of Monday 9 June
	for _, tt := range []struct {
		now  string
		want int
	}{
		{"2025-06-09 23:59", LevelNone},
		{"2025-06-10 00:00", LevelNone}, // the deadline itself is still on time
		{"2025-06-10 00:01", LevelSupervisor},
		{"2025-06-16 23:59", LevelSupervisor}, // five working days later, still level 1
		{"2025-06-17 00:01", LevelRegion},
	} {
		if got := LevelDue(due, wibTime(tt.now), 5, nil); got != tt.want {
			t.Errorf("LevelDue at %s = %d, want %d", tt.now, got, tt.want)
		}
	}
	// A day off in the five working days moves level 2 a day later.
	off := holiday.Set{"2025-06-12": true}
	if got := LevelDue(due, wibTime("2025-06-17 00:01"), 5, off); got != LevelSupervisor {
		t.Errorf("LevelDue across a day off = %d, want %d", got, LevelSupervisor)
	}
	if got := LevelDue(due, wibTime("2025-06-18 00:01"), 5, off); got != LevelRegion {
		t.Errorf("LevelDue a day later = %d, want %d", got, LevelRegion)
	}
}

func TestCodeRoundTrip(t *testing.T) {
	seen := map[string]bool{}
	for range 2000 {
		c := NewCode()
		if len(c) != codeLen || seen[c] {
			t.Fatalf("NewCode() = %q: bad length or repeated", c)
		}
		seen[c] = true
		for _, typed := range []string{c, FormatCode(c), strings.ToLower(FormatCode(c)), " " + strings.ToLower(c[:4]) + " " + c[4:] + " "} {
			got, ok := ParseCode(typed)
			if !ok || got != c {
				t.Fatalf("ParseCode(%q) = %q, %v; want %q", typed, got, ok, c)
			}
		}
	}
	if f := FormatCode("ABCDEFGHJKMN"); f != "PGD-ABCD-EFGH-JKMN" {
		t.Errorf("FormatCode = %q", f)
	}
}

// Every single wrong character and every swap of two different neighbours
// is caught by the checksum, before the database is asked.
func TestCodeCatchesTypos(t *testing.T) {
	for range 200 {
		c := NewCode()
		for i := 0; i < codeLen; i++ {
			for j := 0; j < len(codeAlphabet); j++ {
				if codeAlphabet[j] == c[i] {
					continue
				}
				typo := c[:i] + string(codeAlphabet[j]) + c[i+1:]
				if _, ok := ParseCode(typo); ok {
					t.Fatalf("substitution %q → %q not caught", c, typo)
				}
			}
			if i+1 < codeLen && c[i] != c[i+1] {
				swap := c[:i] + string(c[i+1]) + string(c[i]) + c[i+2:]
				if _, ok := ParseCode(swap); ok {
					t.Fatalf("transposition %q → %q not caught", c, swap)
				}
			}
		}
	}
	for _, bad := range []string{"", "PGD", "PGD-1234-5678-9ABC", "PGD-ABCD-EFGH-JKM", "PGD-ABCD-EFGH-JKMNP", "ÄBCDEFGHJKMN", "PGD-ABCD-EFGH-JKM0"} {
		if _, ok := ParseCode(bad); ok {
			t.Errorf("ParseCode(%q) accepted", bad)
		}
	}
}

func TestDecide(t *testing.T) {
	sup := Actor{Role: access.Supervisor}
	adm := Actor{Role: access.Admin}
	wk := Actor{Role: access.Worker}
	assignee := Actor{Role: access.Worker, Assignee: true}
	planner := Actor{Role: access.Planner}
	for _, tt := range []struct {
		name string
		a    Actor
		st   Status
		act  Action
		next Status
		kind apperr.Kind // 0 with next set: allowed
	}{
		{"supervisor assigns", sup, Diterima, Assign, Diproses, 0},
		{"admin reassigns", adm, Diproses, Assign, Diproses, 0},
		{"worker may not assign", assignee, Diproses, Assign, "", apperr.Forbidden},
		{"assignee responds", assignee, Diproses, Respond, Dijawab, 0},
		{"other worker may not respond", wk, Diproses, Respond, "", apperr.Forbidden},
		{"supervisor responds unassigned", sup, Diterima, Respond, Dijawab, 0},
		{"planner may not respond", planner, Diterima, Respond, "", apperr.Forbidden},
		{"no second response", sup, Dijawab, Respond, "", apperr.Conflict},
		{"supervisor closes", sup, Dijawab, Close, Selesai, 0},
		{"no close before answer", sup, Diproses, Close, "", apperr.Conflict},
		{"assignee may not close", assignee, Dijawab, Close, "", apperr.Forbidden},
		{"supervisor rejects", sup, Diterima, Reject, Ditolak, 0},
		{"no reject after answer", adm, Dijawab, Reject, "", apperr.Conflict},
		{"nothing after closing", adm, Selesai, Assign, "", apperr.Conflict},
		{"nothing after rejecting", adm, Ditolak, Respond, "", apperr.Conflict},
		{"unknown action", sup, Diterima, "delete", "", apperr.BadRequest},
	} {
		next, err := Decide(tt.a, tt.st, tt.act)
		if tt.next != "" {
			if err != nil || next != tt.next {
				t.Errorf("%s: got %q, %v; want %q", tt.name, next, err, tt.next)
			}
			continue
		}
		if err == nil || apperr.KindOf(err) != tt.kind {
			t.Errorf("%s: got %q, %v; want error of kind %d", tt.name, next, err, tt.kind)
		}
	}
	if got := Allowed(sup, Diterima); len(got) != 3 {
		t.Errorf("Allowed(supervisor, diterima) = %v, want assign, respond, reject", got)
	}
	if got := Allowed(wk, Diproses); len(got) != 0 {
		t.Errorf("Allowed(worker not assigned) = %v, want none", got)
	}
}

func TestCategories(t *testing.T) {
	for _, c := range Categories {
		if !c.Valid() {
			t.Errorf("%s not valid", c)
		}
	}
	if Category("pungli").Valid() {
		t.Error("unknown category valid")
	}
}

func TestParsePeriod(t *testing.T) {
	now := wibTime("2025-06-02 09:00")
	for _, tt := range []struct {
		in, name, from, to string
	}{
		{"", "2025", "2025-01-01 00:00", "2026-01-01 00:00"},
		{"2024", "2024", "2024-01-01 00:00", "2025-01-01 00:00"},
		{"2025-t3", "2025-T3", "2025-07-01 00:00", "2025-10-01 00:00"},
		{"2025-Q1", "2025-T1", "2025-01-01 00:00", "2025-04-01 00:00"},
		{"2025-S2", "2025-S2", "2025-07-01 00:00", "2026-01-01 00:00"},
	} {
		p, err := ParsePeriod(tt.in, now)
		if err != nil || p.Name != tt.name || !p.From.Equal(wibTime(tt.from)) || !p.To.Equal(wibTime(tt.to)) {
			t.Errorf("ParsePeriod(%q) = %+v, %v", tt.in, p, err)
		}
	}
	for _, bad := range []string{"20x5", "2025-T5", "2025-S3", "2025-X1", "2025-T", "1999"} {
		if _, err := ParsePeriod(bad, now); err == nil {
			t.Errorf("ParsePeriod(%q) accepted", bad)
		}
	}
}

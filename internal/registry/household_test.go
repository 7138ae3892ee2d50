package registry_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/registry"
	"github.com/layan-id/layan/internal/wilayah"
)

func TestParseRelation(t *testing.T) {
	for _, c := range []struct {
		in   string
		want registry.Relation
		ok   bool
	}{
		{"kepala_keluarga", registry.Head, true},
		{" ISTRI ", registry.Wife, true},
		{"famili_lain", registry.OtherFamily, true},
		{"mertua", registry.ParentInLaw, true},
		{"kepala", "", false},
		{"", "", false},
		{"anak kandung", "", false},
	} {
		got, ok := registry.ParseRelation(c.in)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("ParseRelation(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestKKGrouped(t *testing.T) {
	if got := registry.KK("3373041205090001").Grouped(); got != "3373 0412 0509 0001" {
		t.Errorf("Grouped = %q", got)
	}
}

// keyOf returns the message key of the error on field, or "".
func keyOf(err error, field string) string {
	if e := apperr.As(err); e != nil {
		for _, f := range e.Fields {
			if f.Field == field {
				return f.Key
			}
		}
	}
	return ""
}

func count(t *testing.T, w world, query string, args ...any) int {
	t.Helper()
	var n int
	if err := w.store.DB.QueryRow(ctx, query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestHouseholdBadInput(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		p := mustCreate(t, w, w.salatiga, registry.Input{Name: "Budi Santoso", Sex: "L", BirthYear: 1970, Village: "33.73.04.1001"})
		base := registry.HouseholdInput{KK: "3373041205090001", Village: "33.73.04.1001", Address: "Jl. Kartini 5",
			PersonID: p.ID, Relation: "kepala_keluarga", JoinedOn: "2020-01-01"}
		for _, c := range []struct {
			name       string
			edit       func(*registry.HouseholdInput)
			field, key string
		}{
			{"KK of 15 digits", func(in *registry.HouseholdInput) { in.KK = "337304120509001" }, "kk", "kk.length"},
			{"KK of 17 digits", func(in *registry.HouseholdInput) { in.KK = "33730412050900011" }, "kk", "kk.length"},
			{"KK with letters", func(in *registry.HouseholdInput) { in.KK = "3373O41205090001" }, "kk", "kk.digits"},
			{"KK of unknown province", func(in *registry.HouseholdInput) { in.KK = "9973041205090001" }, "kk", "kk.province"},
			{"no KK", func(in *registry.HouseholdInput) { in.KK = " " }, "kk", "field.required"},
			{"unknown village", func(in *registry.HouseholdInput) { in.Village = "33.73.04.9999" }, "village", "region.unknown"},
			{"village of a kecamatan", func(in *registry.HouseholdInput) { in.Village = "33.73.04" }, "village", "household.village_format"},
			{"no village", func(in *registry.HouseholdInput) { in.Village = "" }, "village", "field.required"},
			{"address too long", func(in *registry.HouseholdInput) { in.Address = strings.Repeat("a", 301) }, "address", "field.too_long"},
			{"joined tomorrow", func(in *registry.HouseholdInput) { in.JoinedOn = "2026-11-24" }, "joined_on", "date.future"},
			{"joined on no date", func(in *registry.HouseholdInput) { in.JoinedOn = "01-01-2020" }, "joined_on", "field.date_format"},
			{"unknown relation", func(in *registry.HouseholdInput) { in.Relation = "sepupu" }, "relation", "household.relation_unknown"},
			{"relation without person", func(in *registry.HouseholdInput) { in.PersonID = 0 }, "person_id", "field.required"},
			{"unknown person", func(in *registry.HouseholdInput) { in.PersonID = 999999 }, "person_id", "household.person_not_found"},
		} {
			in := base
			c.edit(&in)
			_, err := w.store.CreateHousehold(ctx, worker, w.salatiga, in)
			if apperr.KindOf(err) != apperr.Invalid || keyOf(err, c.field) != c.key {
				t.Errorf("%s: %v, want Invalid naming %s with %s", c.name, err, c.field, c.key)
			}
		}
		if n := count(t, w, "SELECT COUNT(*) FROM household"); n != 0 {
			t.Fatalf("refused households were stored: %d", n)
		}
		// Joined today (in WIB) is not in the future.
		in := base
		in.JoinedOn = "2026-11-23"
		if _, err := w.store.CreateHousehold(ctx, worker, w.salatiga, in); err != nil {
			t.Errorf("joined today: %v", err)
		}
	})
}

func TestHouseholdOldRegionNote(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		// 92.71 (Kota Sorong) moved to Papua Barat Daya as 96.71: a KK issued
		// under the old code is accepted with a note, never refused.
		h, err := w.store.CreateHousehold(ctx, worker, w.salatiga,
			registry.HouseholdInput{KK: "9271011205090001", Village: "33.73.04.1001"})
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Notes) != 1 || h.Notes[0].Key != "kk.note_old_region" || h.Notes[0].Field != "kk" {
			t.Errorf("notes of an old KK region: %+v", h.Notes)
		}
		got, err := w.store.Household(ctx, w.salatiga, h.ID)
		if err != nil || len(got.Notes) != 1 {
			t.Errorf("the note is not shown on reading: %+v %v", got.Notes, err)
		}
	})
}

func TestHouseholdMoveKeepsHistory(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		budi := mustCreate(t, w, w.salatiga, registry.Input{Name: "Budi Santoso", Sex: "L", BirthYear: 1970, Village: "33.73.04.1001"})
		sri := mustCreate(t, w, w.salatiga, registry.Input{Name: "Sri Wahyuni", Sex: "P", BirthYear: 1975, Village: "33.73.04.1001"})
		a, err := w.store.CreateHousehold(ctx, worker, w.salatiga, registry.HouseholdInput{KK: "3373041205090001",
			Village: "33.73.04.1001", PersonID: budi.ID, Relation: "kepala_keluarga", JoinedOn: "2009-05-12"})
		if err != nil {
			t.Fatal(err)
		}
		if a, err = w.store.AddMember(ctx, worker, w.salatiga, a.ID,
			registry.MemberInput{PersonID: sri.ID, Relation: "istri", JoinedOn: "2009-05-12"}); err != nil {
			t.Fatal(err)
		}
		if len(a.Current()) != 2 || a.Members[0].PersonID != budi.ID || a.Members[0].Name != "Budi Santoso" {
			t.Fatalf("household A: %+v", a.Members)
		}
		// A second head is refused, naming the current one.
		ahmad := mustCreate(t, w, w.salatiga, registry.Input{Name: "Ahmad Fauzi", Sex: "L", BirthYear: 1990, Village: "33.73.04.1001"})
		_, err = w.store.AddMember(ctx, worker, w.salatiga, a.ID, registry.MemberInput{PersonID: ahmad.ID, Relation: "kepala_keluarga", JoinedOn: "2020-01-01"})
		if keyOf(err, "relation") != "household.head_exists" {
			t.Errorf("second head: %v", err)
		}
		// The same person twice on one KK is refused.
		_, err = w.store.AddMember(ctx, worker, w.salatiga, a.ID, registry.MemberInput{PersonID: sri.ID, Relation: "istri", JoinedOn: "2010-01-01"})
		if keyOf(err, "person_id") != "household.already_member" {
			t.Errorf("member twice: %v", err)
		}
		// Sri starts her own KK: refused without "move", naming person_id
		// and linking her current household.
		in := registry.HouseholdInput{KK: "3373042001240002", Village: "33.73.04.1001", Address: "Jl. Diponegoro 9",
			PersonID: sri.ID, Relation: "kepala_keluarga", JoinedOn: "2024-01-20"}
		_, err = w.store.CreateHousehold(ctx, worker, w.salatiga, in)
		if keyOf(err, "person_id") != "household.in_other" || registry.OtherHousehold(err) != a.ID {
			t.Fatalf("second current KK without move: %v (links %d), want person_id linking %d", err, registry.OtherHousehold(err), a.ID)
		}
		if n := count(t, w, "SELECT COUNT(*) FROM household"); n != 1 {
			t.Fatalf("the refused household was stored: %d households", n)
		}
		// A move dated before she joined the old KK is refused.
		in.Move, in.JoinedOn = true, "2009-01-01"
		if _, err = w.store.CreateHousehold(ctx, worker, w.salatiga, in); keyOf(err, "joined_on") != "household.joined_before_previous" {
			t.Errorf("move before the old joining: %v", err)
		}
		in.JoinedOn = "2024-01-20"
		b, err := w.store.CreateHousehold(ctx, worker, w.salatiga, in)
		if err != nil {
			t.Fatal(err)
		}
		if head, ok := b.Head(); !ok || head.PersonID != sri.ID {
			t.Errorf("household B head: %+v", b.Members)
		}
		// Household A keeps her, as a past member who left on the day she joined B.
		a, err = w.store.Household(ctx, w.salatiga, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Current()) != 1 || len(a.Past()) != 1 || a.Past()[0].PersonID != sri.ID || a.Past()[0].LeftOn != "2024-01-20" {
			t.Errorf("household A after the move: %+v", a.Members)
		}
		ph, err := w.store.PersonHousehold(ctx, w.salatiga, sri.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ph.Current == nil || ph.Current.ID != b.ID || len(ph.Past) != 1 || ph.Past[0].HouseholdID != a.ID ||
			ph.Past[0].KK != "3373041205090001" || ph.Past[0].Relation != registry.Wife {
			t.Errorf("Sri's households: %+v", ph)
		}
		// She leaves B; the membership is closed, never deleted.
		if _, err := w.store.LeaveHousehold(ctx, worker, w.salatiga, sri.ID, registry.LeaveInput{LeftOn: "2024-01-19"}); keyOf(err, "left_on") != "household.left_before_joined" {
			t.Errorf("leaving before joining: %v", err)
		}
		if _, err := w.store.LeaveHousehold(ctx, worker, w.salatiga, sri.ID, registry.LeaveInput{LeftOn: "2027-01-01"}); keyOf(err, "left_on") != "date.future" {
			t.Errorf("leaving in the future: %v", err)
		}
		if _, err := w.store.LeaveHousehold(ctx, worker, w.salatiga, sri.ID, registry.LeaveInput{LeftOn: "2025-03-01"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.store.LeaveHousehold(ctx, worker, w.salatiga, sri.ID, registry.LeaveInput{LeftOn: "2025-03-01"}); apperr.KindOf(err) != apperr.Conflict {
			t.Errorf("leaving no household: %v, want Conflict", err)
		}
		ph, _ = w.store.PersonHousehold(ctx, w.salatiga, sri.ID)
		if ph.Current != nil || len(ph.Past) != 2 || ph.Past[0].HouseholdID != b.ID {
			t.Errorf("Sri's households after leaving: %+v", ph)
		}
		if n := count(t, w, "SELECT COUNT(*) FROM household_member WHERE person_id = ?", sri.ID); n != 2 {
			t.Errorf("Sri's memberships: %d rows, want 2 (history kept)", n)
		}
		// Every change is audited under the household: A created, Budi,
		// Sri added, Sri moved out (A); B created, Sri added, Sri left (B).
		for id, want := range map[int64]int{a.ID: 4, b.ID: 3} {
			if n := count(t, w, "SELECT COUNT(*) FROM audit_log WHERE entity = 'household' AND entity_id = ?", strconv.FormatInt(id, 10)); n != want {
				t.Errorf("audit records of household %d: %d, want %d", id, n, want)
			}
		}
	})
}

func TestHouseholdScope(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		budi := mustCreate(t, w, w.salatiga, registry.Input{Name: "Budi Santoso", Sex: "L", BirthYear: 1970, Village: "33.73.04.1001"})
		daeng := mustCreate(t, w, w.makassar, registry.Input{Name: "Daeng Naba", Sex: "L", BirthYear: 1968, Village: "73.71.01.1001"})
		h, err := w.store.CreateHousehold(ctx, worker, w.salatiga, registry.HouseholdInput{KK: "3373041205090001",
			Village: "33.73.04.1001", PersonID: budi.ID, Relation: "kepala_keluarga", JoinedOn: "2009-05-12"})
		if err != nil {
			t.Fatal(err)
		}
		before := count(t, w, "SELECT COUNT(*) FROM audit_log")
		// Makassar can neither read nor change Salatiga's household.
		if _, err := w.store.Household(ctx, w.makassar, h.ID); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("Makassar read a Salatiga household: %v", err)
		}
		if _, err := w.store.AddMember(ctx, worker, w.makassar, h.ID, registry.MemberInput{PersonID: daeng.ID, Relation: "famili_lain", JoinedOn: "2020-01-01"}); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("Makassar joined a Salatiga household: %v", err)
		}
		if _, err := w.store.PersonHousehold(ctx, w.makassar, budi.ID); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("Makassar read Budi's household: %v", err)
		}
		if _, err := w.store.LeaveHousehold(ctx, worker, w.makassar, budi.ID, registry.LeaveInput{LeftOn: "2020-01-01"}); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("Makassar closed Budi's membership: %v", err)
		}
		// Nor put a Salatiga person on a KK of its own.
		_, err = w.store.CreateHousehold(ctx, worker, w.makassar, registry.HouseholdInput{KK: "7371011205090001",
			Village: "73.71.01.1001", PersonID: budi.ID, Relation: "anak", JoinedOn: "2020-01-01", Move: true})
		if keyOf(err, "person_id") != "household.person_not_found" {
			t.Errorf("Makassar moved Budi: %v", err)
		}
		// A KK recorded in Salatiga is not for Makassar to join or to see.
		_, err = w.store.JoinHousehold(ctx, worker, w.makassar, daeng.ID, registry.HouseholdInput{KK: "3373041205090001",
			Relation: "famili_lain", JoinedOn: "2020-01-01"})
		if keyOf(err, "kk") != "kk.taken_elsewhere" {
			t.Errorf("Makassar joined Salatiga's KK by number: %v", err)
		}
		_, err = w.store.CreateHousehold(ctx, worker, w.makassar, registry.HouseholdInput{KK: "3373 0412 0509 0001", Village: "73.71.01.1001"})
		if keyOf(err, "kk") != "kk.taken_elsewhere" || registry.OtherHousehold(err) != 0 {
			t.Errorf("Makassar recorded Salatiga's KK again: %v", err)
		}
		// An empty household outside one's reach would be lost at once.
		_, err = w.store.CreateHousehold(ctx, worker, w.salatiga, registry.HouseholdInput{KK: "7371011205090001", Village: "73.71.01.1001"})
		if keyOf(err, "village") != "household.village_out_of_reach" {
			t.Errorf("Salatiga made an empty Makassar household: %v", err)
		}
		if after := count(t, w, "SELECT COUNT(*) FROM audit_log"); after != before {
			t.Errorf("refused changes were audited: %d → %d", before, after)
		}
		// Salatiga's own KK again links the household.
		_, err = w.store.CreateHousehold(ctx, worker, w.salatiga, registry.HouseholdInput{KK: "3373041205090001", Village: "33.73.04.1001"})
		if keyOf(err, "kk") != "kk.taken" || registry.OtherHousehold(err) != h.ID {
			t.Errorf("KK recorded twice: %v", err)
		}
		// A unit that covers both cities puts Daeng on Budi's KK; Salatiga
		// then sees that the KK lists someone else, but not who.
		both := registry.Reach{Regions: []wilayah.Code{"33.73", "73.71"}, UnitID: w.salatigaID}
		if _, err := w.store.AddMember(ctx, worker, both, h.ID, registry.MemberInput{PersonID: daeng.ID, Relation: "famili_lain", JoinedOn: "2020-01-01"}); err != nil {
			t.Fatal(err)
		}
		got, err := w.store.Household(ctx, w.salatiga, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Members) != 2 || !got.Members[1].Hidden || got.Members[1].Name != "" || got.Members[1].PersonID != 0 || got.Members[0].Hidden {
			t.Errorf("members as Salatiga sees them: %+v", got.Members)
		}
		// Makassar reads the household through Daeng, and sees Budi hidden.
		got, err = w.store.Household(ctx, w.makassar, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Members[0].Hidden || got.Members[1].Name != "Daeng Naba" {
			t.Errorf("members as Makassar sees them: %+v", got.Members)
		}
	})
}

func TestHouseholdJoinByKK(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		budi := mustCreate(t, w, w.salatiga, registry.Input{Name: "Budi Santoso", Sex: "L", BirthYear: 1970, Village: "33.73.04.1001"})
		rina := mustCreate(t, w, w.salatiga, registry.Input{Name: "Rina Santoso", Sex: "P", BirthDate: "2012-03-04", Village: "33.73.04.1001"})
		// A new KK: village required, then recorded with its first member.
		_, err := w.store.JoinHousehold(ctx, worker, w.salatiga, budi.ID, registry.HouseholdInput{KK: "3373041205090001",
			Relation: "kepala_keluarga", JoinedOn: "2009-05-12"})
		if keyOf(err, "village") != "field.required" {
			t.Errorf("new KK without village: %v", err)
		}
		h, err := w.store.JoinHousehold(ctx, worker, w.salatiga, budi.ID, registry.HouseholdInput{KK: "3373041205090001",
			Village: "33.73.04.1001", Relation: "kepala_keluarga", JoinedOn: "2009-05-12"})
		if err != nil {
			t.Fatal(err)
		}
		// A known KK, typed with spaces: joined, the village not needed.
		h2, err := w.store.JoinHousehold(ctx, worker, w.salatiga, rina.ID, registry.HouseholdInput{KK: "3373 0412 0509 0001",
			Relation: "anak", JoinedOn: "2012-03-10"})
		if err != nil {
			t.Fatal(err)
		}
		if h2.ID != h.ID || len(h2.Current()) != 2 {
			t.Errorf("join by KK: %+v", h2)
		}
		// A deactivated person joins no KK.
		ani := mustCreate(t, w, w.salatiga, registry.Input{Name: "Ani", Sex: "P", BirthYear: 1940, Village: "33.73.04.1001"})
		if _, err := w.store.SetActive(ctx, worker, w.salatiga, ani.ID, false, registry.Died, "", ani.Version); err != nil {
			t.Fatal(err)
		}
		_, err = w.store.AddMember(ctx, worker, w.salatiga, h.ID, registry.MemberInput{PersonID: ani.ID, Relation: "orang_tua", JoinedOn: "2009-05-12"})
		if keyOf(err, "person_id") != "household.person_inactive" {
			t.Errorf("deactivated person joined: %v", err)
		}
		// Someone out of reach, by the person page's route: not found.
		daeng := mustCreate(t, w, w.makassar, registry.Input{Name: "Daeng Naba", Sex: "L", BirthYear: 1968, Village: "73.71.01.1001"})
		_, err = w.store.JoinHousehold(ctx, worker, w.salatiga, daeng.ID, registry.HouseholdInput{KK: "3373041205090001",
			Relation: "famili_lain", JoinedOn: "2012-03-10"})
		if apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("joined someone out of reach: %v", err)
		}
	})
}

// A household's KK number, village and address can be corrected: checked as
// at creation, with optimistic locking, audited with before and after, and
// only within reach.
func TestHouseholdCorrect(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		budi := mustCreate(t, w, w.salatiga, registry.Input{Name: "Budi Santoso", Sex: "L", BirthYear: 1970, Village: "33.73.04.1001"})
		h, err := w.store.CreateHousehold(ctx, worker, w.salatiga, registry.HouseholdInput{KK: "3373041205090001",
			Village: "33.73.04.1001", Address: "Jl. Kartini 5", PersonID: budi.ID, Relation: "kepala_keluarga", JoinedOn: "2009-05-12"})
		if err != nil {
			t.Fatal(err)
		}
		other, err := w.store.CreateHousehold(ctx, worker, w.salatiga, registry.HouseholdInput{KK: "3373041205090002", Village: "33.73.04.1001"})
		if err != nil {
			t.Fatal(err)
		}
		// Makassar's own KK, which Salatiga may not open.
		if _, err := w.store.CreateHousehold(ctx, worker, w.makassar, registry.HouseholdInput{KK: "7371011205090001", Village: "73.71.01.1001"}); err != nil {
			t.Fatal(err)
		}
		fix := registry.HouseholdCorrection{KK: "3373 0412 0509 0011", Village: "33.73.04.1001", Address: "Jl. Kartini 15", Version: h.Version}
		audits := count(t, w, "SELECT COUNT(*) FROM audit_log")
		for _, c := range []struct {
			name       string
			edit       func(*registry.HouseholdCorrection)
			field, key string
		}{
			{"KK of 15 digits", func(in *registry.HouseholdCorrection) { in.KK = "337304120509001" }, "kk", "kk.length"},
			{"KK of unknown province", func(in *registry.HouseholdCorrection) { in.KK = "9973041205090001" }, "kk", "kk.province"},
			{"no KK", func(in *registry.HouseholdCorrection) { in.KK = "" }, "kk", "field.required"},
			{"unknown village", func(in *registry.HouseholdCorrection) { in.Village = "33.73.04.9999" }, "village", "region.unknown"},
			{"address too long", func(in *registry.HouseholdCorrection) { in.Address = strings.Repeat("a", 301) }, "address", "field.too_long"},
			{"no version", func(in *registry.HouseholdCorrection) { in.Version = 0 }, "version", "field.required"},
			{"KK of another household", func(in *registry.HouseholdCorrection) { in.KK = "3373041205090002" }, "kk", "kk.taken"},
			{"KK of a household out of reach", func(in *registry.HouseholdCorrection) { in.KK = "7371011205090001" }, "kk", "kk.taken_elsewhere"},
		} {
			in := fix
			c.edit(&in)
			_, err := w.store.CorrectHousehold(ctx, worker, w.salatiga, h.ID, in)
			if got := keyOf(err, c.field); got != c.key {
				t.Errorf("%s: %v, want %s on %s", c.name, err, c.key, c.field)
			}
			if c.key == "kk.taken" && registry.OtherHousehold(err) != other.ID {
				t.Errorf("%s: links household %d, want %d", c.name, registry.OtherHousehold(err), other.ID)
			}
		}
		// Out of reach: not found; a stale version: a conflict.
		if _, err := w.store.CorrectHousehold(ctx, worker, w.makassar, h.ID, fix); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("Makassar corrected a Salatiga household: %v", err)
		}
		stale := fix
		stale.Version = h.Version - 1
		if _, err := w.store.CorrectHousehold(ctx, worker, w.salatiga, h.ID, stale); apperr.KindOf(err) != apperr.Conflict {
			t.Errorf("stale version: %v", err)
		}
		// A village that would leave the household, with no member in
		// reach, outside the corrector's reach.
		away := registry.HouseholdCorrection{KK: "3373041205090002", Village: "73.71.01.1001", Version: other.Version}
		if _, err := w.store.CorrectHousehold(ctx, worker, w.salatiga, other.ID, away); keyOf(err, "village") != "household.correct_out_of_reach" {
			t.Errorf("moved out of reach: %v", err)
		}
		if n := count(t, w, "SELECT COUNT(*) FROM audit_log"); n != audits {
			t.Errorf("refused corrections were audited: %d → %d", audits, n)
		}

		got, err := w.store.CorrectHousehold(ctx, worker, w.salatiga, h.ID, fix)
		if err != nil {
			t.Fatal(err)
		}
		if got.KK != "3373041205090011" || got.Address != "Jl. Kartini 15" || got.Version != h.Version+1 ||
			len(got.Current()) != 1 || got.Current()[0].PersonID != budi.ID {
			t.Errorf("corrected household %+v", got)
		}
		var before, after string
		err = w.store.DB.QueryRow(ctx, `SELECT before_data, after_data FROM audit_log WHERE entity = 'household' AND entity_id = ?
			ORDER BY id DESC LIMIT 1`, strconv.FormatInt(h.ID, 10)).Scan(&before, &after)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(before, `"kk":"3373041205090001"`) || !strings.Contains(after, `"kk":"3373041205090011"`) ||
			!strings.Contains(after, `"address":"Jl. Kartini 15"`) {
			t.Errorf("audit of the correction: before %s, after %s", before, after)
		}
		// The old number is free again; the same values again change nothing.
		if _, err := w.store.CreateHousehold(ctx, worker, w.salatiga, registry.HouseholdInput{KK: "3373041205090001", Village: "33.73.04.1001"}); err != nil {
			t.Errorf("the old KK number after the correction: %v", err)
		}
		fix.Version = got.Version
		again, err := w.store.CorrectHousehold(ctx, worker, w.salatiga, h.ID, fix)
		if err != nil || again.Version != got.Version {
			t.Errorf("unchanged correction: version %d, %v", again.Version, err)
		}
	})
}

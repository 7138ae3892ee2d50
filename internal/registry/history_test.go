package registry_test

import (
	"strings"
	"testing"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/registry"
)

// A person's history lists the changes of their record and those that
// concern them in their households (joined, left, moved, their current KK
// corrected) and consents (given, withdrawn) — not the changes of other
// members — and counts the openings apart, so they do not drown the changes.
func TestHistory(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		budi := mustCreate(t, w, w.salatiga, registry.Input{Name: "Budi Santoso", Sex: "L", BirthYear: 1970, Village: "33.73.04.1001"})
		rina := mustCreate(t, w, w.salatiga, registry.Input{Name: "Rina Santoso", Sex: "P", BirthYear: 1995, Village: "33.73.04.1001"})
		h, err := w.store.CreateHousehold(ctx, worker, w.salatiga, registry.HouseholdInput{KK: "3373041205090001",
			Village: "33.73.04.1001", PersonID: budi.ID, Relation: "kepala_keluarga", JoinedOn: "2009-05-12"})
		if err != nil {
			t.Fatal(err)
		}
		// Rina joins Budi's KK: a change of the household, not of Budi.
		h, err = w.store.AddMember(ctx, worker, w.salatiga, h.ID, registry.MemberInput{PersonID: rina.ID, Relation: "anak", JoinedOn: "2010-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		// The KK number was mistyped.
		h, err = w.store.CorrectHousehold(ctx, worker, w.salatiga, h.ID, registry.HouseholdCorrection{KK: "3373041205090011",
			Village: "33.73.04.1001", Version: h.Version})
		if err != nil {
			t.Fatal(err)
		}
		// Rina moves to a KK of her own.
		if _, err := w.store.CreateHousehold(ctx, worker, w.salatiga, registry.HouseholdInput{KK: "3373041205090002",
			Village: "33.73.04.1001", PersonID: rina.ID, Relation: "kepala_keluarga", JoinedOn: "2020-01-01", Move: true}); err != nil {
			t.Fatal(err)
		}
		c, err := w.store.RecordConsent(ctx, worker, w.salatiga, budi.ID, registry.ConsentInput{Purpose: "layanan_rehabilitasi_sosial",
			Means: "lisan", GivenOn: "2020-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.store.WithdrawConsent(ctx, worker, w.salatiga, budi.ID, c.ID, registry.WithdrawInput{WithdrawnOn: "2021-01-01"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.store.LeaveHousehold(ctx, worker, w.salatiga, budi.ID, registry.LeaveInput{LeftOn: "2022-01-01"}); err != nil {
			t.Fatal(err)
		}
		// Many openings, more than the changes listed.
		for range 30 {
			if _, err := w.store.Get(ctx, worker, w.salatiga, budi.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.store.Update(ctx, worker, w.salatiga, budi.ID, registry.Input{Name: "Budi Santosa", Sex: "L", BirthYear: 1970,
			Village: "33.73.04.1001", Version: budi.Version}); err != nil {
			t.Fatal(err)
		}

		describe := func(h registry.History) string {
			var out []string
			for _, e := range h.Changes {
				s := e.Key
				if len(e.Args) > 0 {
					s += " " + e.Args[0].(string)
				}
				if e.Detail != "" {
					s += " (" + e.Detail + ")"
				}
				out = append(out, s)
			}
			return strings.Join(out, "\n")
		}
		got, err := w.store.History(ctx, w.salatiga, budi.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Join([]string{
			"audit.action.update",
			"history.household_left 3373 0412 0509 0011",
			"history.consent_withdrawn (consent.purpose.layanan_rehabilitasi_sosial)",
			"history.consent_given (consent.purpose.layanan_rehabilitasi_sosial)",
			"history.household_corrected 3373 0412 0509 0011",
			"history.household_joined 3373 0412 0509 0001",
			"audit.action.create",
		}, "\n")
		if describe(got) != want {
			t.Errorf("Budi's history:\n%s\nwant:\n%s", describe(got), want)
		}
		if got.Openings != 30 || len(got.LastOpenings) != 5 {
			t.Errorf("openings %d, listed %d; want 30, 5", got.Openings, len(got.LastOpenings))
		}

		// Rina: joined Budi's KK, its correction while she was on it, then
		// the move (left the old KK, joined the new).
		got, err = w.store.History(ctx, w.salatiga, rina.ID)
		if err != nil {
			t.Fatal(err)
		}
		want = strings.Join([]string{
			"history.household_joined 3373 0412 0509 0002",
			"history.household_left 3373 0412 0509 0011",
			"history.household_corrected 3373 0412 0509 0011",
			"history.household_joined 3373 0412 0509 0001",
			"audit.action.create",
		}, "\n")
		if describe(got) != want || got.Openings != 0 {
			t.Errorf("Rina's history:\n%s\nwant:\n%s", describe(got), want)
		}

		// Only the newest changes are listed.
		version := budi.Version + 1 // after the update above
		for i := range registry.HistoryChanges + 5 {
			s, err := w.store.Update(ctx, worker, w.salatiga, budi.ID, registry.Input{Name: "Budi Santosa", Sex: "L", BirthYear: 1970,
				Village: "33.73.04.1001", Phone: strings.Repeat("1", i+1), Version: version})
			if err != nil {
				t.Fatal(err)
			}
			version = s.Person.Version
		}
		if got, err = w.store.History(ctx, w.salatiga, budi.ID); err != nil || len(got.Changes) != registry.HistoryChanges {
			t.Errorf("long history: %d changes, %v", len(got.Changes), err)
		}
		// Outside the reach the person, and so their history, does not exist.
		if _, err := w.store.History(ctx, w.makassar, budi.ID); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("Makassar read Budi's history: %v", err)
		}
	})
}

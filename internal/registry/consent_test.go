package registry_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/registry"
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestIsChild(t *testing.T) {
	for _, c := range []struct {
		name string
		p    registry.Person
		on   string
		want bool
	}{
		{"the day before the 18th birthday", registry.Person{BirthDate: "2008-03-15"}, "2026-03-14", true},
		{"on the 18th birthday", registry.Person{BirthDate: "2008-03-15"}, "2026-03-15", false},
		{"born on 29 February, the day before", registry.Person{BirthDate: "2008-02-29"}, "2026-02-28", true},
		{"born on 29 February, on 1 March", registry.Person{BirthDate: "2008-02-29"}, "2026-03-01", false},
		{"an adult", registry.Person{BirthDate: "1970-01-01"}, "2026-01-01", false},
		{"a baby", registry.Person{BirthDate: "2026-01-01"}, "2026-01-02", true},
		// An estimated year: a child through the year they turn 18.
		{"estimated, turning 18 this year", registry.Person{BirthYear: 2008, BirthYearEstimated: true}, "2026-12-31", true},
		{"estimated, 19 this year", registry.Person{BirthYear: 2007, BirthYearEstimated: true}, "2026-01-01", false},
		{"estimated, 10", registry.Person{BirthYear: 2016, BirthYearEstimated: true}, "2026-06-01", true},
		// The date wins over a category; without birth data, a child category decides.
		{"adult former street child", registry.Person{BirthDate: "1990-01-01", Categories: []string{"anak_jalanan"}}, "2026-01-01", false},
		{"no birth data, street child", registry.Person{Categories: []string{"gelandangan", "anak_jalanan"}}, "2026-01-01", true},
		{"no birth data, adult category", registry.Person{Categories: []string{"lanjut_usia_telantar"}}, "2026-01-01", false},
		{"nothing known", registry.Person{}, "2026-01-01", false},
	} {
		if got := registry.IsChild(c.p, day(c.on)); got != c.want {
			t.Errorf("%s: IsChild = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestStopBy(t *testing.T) {
	for in, want := range map[string]string{"2026-11-23": "2026-11-26", "2026-12-30": "2027-01-02", "2024-02-27": "2024-03-01", "kemarin": ""} {
		if got := registry.StopBy(in); got != want {
			t.Errorf("StopBy(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestConsentStatus(t *testing.T) {
	adult := registry.Person{BirthDate: "1980-01-01"}
	child := registry.Person{BirthDate: "2015-06-01"}
	service := func(givenOn string) registry.Consent {
		return registry.Consent{Purpose: registry.PurposeService, GivenOn: givenOn, GivenBy: registry.BySelf}
	}
	byGuardian := func(c registry.Consent) registry.Consent {
		c.GivenBy, c.GuardianName, c.GuardianRelation = registry.ByGuardian, "Sumarni", registry.GuardianParent
		return c
	}
	withdrawn := func(c registry.Consent, on string) registry.Consent { c.WithdrawnOn = on; return c }
	photo := registry.Consent{Purpose: registry.PurposePhoto, GivenOn: "2026-01-01", GivenBy: registry.BySelf}
	service2 := []registry.Purpose{registry.PurposeService}
	const today = "2026-11-23"
	for _, c := range []struct {
		name     string
		p        registry.Person
		consents []registry.Consent
		state    registry.ConsentState
		missing  []registry.Purpose
	}{
		{"nothing recorded", adult, nil, registry.ConsentNone, service2},
		{"given", adult, []registry.Consent{service("2026-01-01")}, registry.ConsentGiven, nil},
		{"given today", adult, []registry.Consent{service(today)}, registry.ConsentGiven, nil},
		{"dated tomorrow does not stand yet", adult, []registry.Consent{service("2026-11-24")}, registry.ConsentMissing, service2},
		{"only a photo consent", adult, []registry.Consent{photo}, registry.ConsentMissing, service2},
		{"withdrawn today", adult, []registry.Consent{withdrawn(service("2026-01-01"), today)}, registry.ConsentWithdrawn, service2},
		{"withdrawal dated tomorrow", adult, []registry.Consent{withdrawn(service("2026-01-01"), "2026-11-24")}, registry.ConsentGiven, nil},
		{"withdrawn, then given again", adult, []registry.Consent{withdrawn(service("2025-01-01"), "2025-06-01"), service("2026-01-01")}, registry.ConsentGiven, nil},
		{"withdrawn, photo standing", adult, []registry.Consent{withdrawn(service("2025-01-01"), "2025-06-01"), photo}, registry.ConsentWithdrawn, service2},
		{"a child by a guardian", child, []registry.Consent{byGuardian(service("2026-01-01"))}, registry.ConsentGiven, nil},
		// A child's own consent does not stand (Pasal 25), e.g. after the
		// birth date was corrected once the consent was recorded.
		{"a child alone", child, []registry.Consent{service("2026-01-01")}, registry.ConsentMissing, service2},
		{"given by a guardian without a name", child, []registry.Consent{{Purpose: registry.PurposeService, GivenOn: "2026-01-01", GivenBy: registry.ByGuardian}}, registry.ConsentMissing, service2},
		// Consent of a person who cannot consent stands only from a guardian.
		{"cannot consent, alone", adult, []registry.Consent{{Purpose: registry.PurposeService, GivenOn: "2026-01-01", GivenBy: registry.BySelf, CannotConsent: true}}, registry.ConsentMissing, service2},
		{"cannot consent, guardian", adult, []registry.Consent{byGuardian(registry.Consent{Purpose: registry.PurposeService, GivenOn: "2026-01-01", CannotConsent: true})}, registry.ConsentGiven, nil},
		// A guardian's consent for a child still stands once they are 18;
		// the child's own rights are for the worker to revisit.
		{"now an adult, given by a guardian", registry.Person{BirthDate: "2008-01-01"}, []registry.Consent{byGuardian(service("2020-01-01"))}, registry.ConsentGiven, nil},
	} {
		state, missing := registry.ConsentStatus(c.p, c.consents, day(today))
		if state != c.state || !slices.Equal(missing, c.missing) {
			t.Errorf("%s: %s %v, want %s %v", c.name, state, missing, c.state, c.missing)
		}
	}
}

func TestConsentRecordAndWithdraw(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		rina := mustCreate(t, w, w.salatiga, registry.Input{Name: "Rina Santoso", Sex: "P", BirthDate: "2012-03-04", Village: "33.73.04.1001",
			Categories: []string{"anak_telantar"}})
		budi := mustCreate(t, w, w.salatiga, registry.Input{Name: "Budi Santoso", Sex: "L", BirthYear: 1970, Village: "33.73.04.1001"})
		valid := registry.ConsentInput{Purpose: "layanan_rehabilitasi_sosial", Means: "tertulis", GivenOn: "2026-11-20"}
		for _, c := range []struct {
			name       string
			person     registry.Person
			edit       func(*registry.ConsentInput)
			field, key string
		}{
			{"a child without guardian", rina, func(*registry.ConsentInput) {}, "guardian_name", "consent.guardian_required_child"},
			{"a child, guardian without relation", rina, func(in *registry.ConsentInput) { in.GuardianName = "Sumarni" }, "guardian_relation", "field.required"},
			{"cannot consent, no guardian", budi, func(in *registry.ConsentInput) {
				in.CannotConsent, in.CannotConsentReason = true, "Disabilitas mental berat"
			}, "guardian_name", "consent.guardian_required_capacity"},
			{"cannot consent, no reason", budi, func(in *registry.ConsentInput) {
				in.CannotConsent, in.GuardianName, in.GuardianRelation = true, "Sumarni", "keluarga"
			}, "cannot_consent_reason", "field.required"},
			{"no purpose", budi, func(in *registry.ConsentInput) { in.Purpose = "" }, "purpose", "field.required"},
			{"unknown purpose", budi, func(in *registry.ConsentInput) { in.Purpose = "pemasaran" }, "purpose", "consent.purpose_unknown"},
			{"another purpose, undescribed", budi, func(in *registry.ConsentInput) { in.Purpose = "lainnya" }, "purpose_note", "field.required"},
			{"unknown means", budi, func(in *registry.ConsentInput) { in.Means = "telepati" }, "means", "consent.means_unknown"},
			{"given tomorrow", budi, func(in *registry.ConsentInput) { in.GivenOn = "2026-11-24" }, "given_on", "date.future"},
			{"given on no date", budi, func(in *registry.ConsentInput) { in.GivenOn = "20/11/2026" }, "given_on", "field.date_format"},
			{"given before birth", rina, func(in *registry.ConsentInput) {
				in.GivenOn, in.GuardianName, in.GuardianRelation = "2011-01-01", "Sumarni", "orang_tua"
			}, "given_on", "consent.before_birth"},
			{"unknown guardian relation", rina, func(in *registry.ConsentInput) { in.GuardianName, in.GuardianRelation = "Sumarni", "tetangga" }, "guardian_relation", "consent.guardian_relation_unknown"},
			{"guardian name too long", rina, func(in *registry.ConsentInput) {
				in.GuardianName, in.GuardianRelation = strings.Repeat("a", 121), "orang_tua"
			}, "guardian_name", "field.too_long"},
		} {
			in := valid
			c.edit(&in)
			_, err := w.store.RecordConsent(ctx, worker, w.salatiga, c.person.ID, in)
			if apperr.KindOf(err) != apperr.Invalid || keyOf(err, c.field) != c.key {
				t.Errorf("%s: %v, want Invalid naming %s with %s", c.name, err, c.field, c.key)
			}
		}
		if n := count(t, w, "SELECT COUNT(*) FROM consent"); n != 0 {
			t.Fatalf("refused consents were stored: %d", n)
		}
		pc, err := w.store.ConsentOf(ctx, w.salatiga, rina.ID)
		if err != nil || pc.State != registry.ConsentNone {
			t.Fatalf("status before any consent: %+v %v", pc, err)
		}
		// Rina's mother consents for her.
		in := valid
		in.GuardianName, in.GuardianRelation = "  Sumarni  Santoso ", "orang_tua"
		c, err := w.store.RecordConsent(ctx, worker, w.salatiga, rina.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if c.GivenBy != registry.ByGuardian || c.GuardianName != "Sumarni Santoso" || c.RecordedBy != "uji" || c.Withdrawn() {
			t.Errorf("recorded: %+v", c)
		}
		// Budi consents himself, also to photographs.
		if _, err := w.store.RecordConsent(ctx, worker, w.salatiga, budi.ID, valid); err != nil {
			t.Fatal(err)
		}
		photo := registry.ConsentInput{Purpose: "lainnya", PurposeNote: "Wawancara radio", Means: "lisan", GivenOn: "2026-11-23"}
		if _, err := w.store.RecordConsent(ctx, worker, w.salatiga, budi.ID, photo); err != nil {
			t.Fatal(err)
		}
		pc, _ = w.store.ConsentOf(ctx, w.salatiga, rina.ID)
		if pc.State != registry.ConsentGiven || len(pc.Consents) != 1 {
			t.Errorf("status after consent: %+v", pc)
		}
		// Withdrawal: dated neither in the future nor before the consent.
		for _, x := range []struct {
			in         registry.WithdrawInput
			field, key string
		}{
			{registry.WithdrawInput{WithdrawnOn: "2026-11-24"}, "withdrawn_on", "date.future"},
			{registry.WithdrawInput{WithdrawnOn: "2026-11-19"}, "withdrawn_on", "consent.withdrawn_before_given"},
			{registry.WithdrawInput{}, "withdrawn_on", "field.required"},
			{registry.WithdrawInput{WithdrawnOn: "2026-11-21", Note: strings.Repeat("x", 501)}, "note", "field.too_long"},
		} {
			_, err := w.store.WithdrawConsent(ctx, worker, w.salatiga, 0, c.ID, x.in)
			if keyOf(err, x.field) != x.key {
				t.Errorf("withdraw %+v: %v, want %s on %s", x.in, err, x.key, x.field)
			}
		}
		// Through the wrong person's page: not found.
		if _, err := w.store.WithdrawConsent(ctx, worker, w.salatiga, budi.ID, c.ID, registry.WithdrawInput{WithdrawnOn: "2026-11-21"}); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("withdrawn through another person: %v", err)
		}
		wd, err := w.store.WithdrawConsent(ctx, worker, w.salatiga, rina.ID, c.ID, registry.WithdrawInput{WithdrawnOn: "2026-11-21", Note: "Ibu meminta data tidak diproses"})
		if err != nil {
			t.Fatal(err)
		}
		if wd.WithdrawnOn != "2026-11-21" || wd.StopBy != "2026-11-24" || wd.WithdrawnBy != "uji" || wd.WithdrawnAt == nil {
			t.Errorf("withdrawn: %+v", wd)
		}
		if _, err := w.store.WithdrawConsent(ctx, worker, w.salatiga, 0, c.ID, registry.WithdrawInput{WithdrawnOn: "2026-11-22"}); apperr.KindOf(err) != apperr.Conflict {
			t.Errorf("withdrawn twice: %v, want Conflict", err)
		}
		pc, _ = w.store.ConsentOf(ctx, w.salatiga, rina.ID)
		if pc.State != registry.ConsentWithdrawn || !slices.Equal(pc.Missing, []registry.Purpose{registry.PurposeService}) {
			t.Errorf("status after withdrawal: %s %v", pc.State, pc.Missing)
		}
		// Every change is audited under the consent, in Rina's region.
		if n := count(t, w, "SELECT COUNT(*) FROM audit_log WHERE entity = 'consent' AND entity_id = ? AND region_code = ?",
			strconv.FormatInt(c.ID, 10), "33.73.04.1001"); n != 2 {
			t.Errorf("audit records of the consent: %d, want 2", n)
		}
	})
}

func TestConsentScope(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		budi := mustCreate(t, w, w.salatiga, registry.Input{Name: "Budi Santoso", Sex: "L", BirthYear: 1970, Village: "33.73.04.1001"})
		c, err := w.store.RecordConsent(ctx, worker, w.salatiga, budi.ID,
			registry.ConsentInput{Purpose: "layanan_rehabilitasi_sosial", Means: "cap_jempol", GivenOn: "2026-11-20"})
		if err != nil {
			t.Fatal(err)
		}
		before := count(t, w, "SELECT COUNT(*) FROM audit_log")
		if _, err := w.store.Consents(ctx, w.makassar, budi.ID); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("Makassar listed Budi's consents: %v", err)
		}
		if _, err := w.store.RecordConsent(ctx, worker, w.makassar, budi.ID,
			registry.ConsentInput{Purpose: "dokumentasi_foto", Means: "lisan", GivenOn: "2026-11-20"}); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("Makassar recorded a consent of Budi: %v", err)
		}
		if _, err := w.store.WithdrawConsent(ctx, worker, w.makassar, 0, c.ID, registry.WithdrawInput{WithdrawnOn: "2026-11-21"}); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("Makassar withdrew Budi's consent: %v", err)
		}
		if _, err := w.store.WithdrawConsent(ctx, worker, w.salatiga, 0, 999999, registry.WithdrawInput{WithdrawnOn: "2026-11-21"}); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("withdrew a consent that does not exist: %v", err)
		}
		if after := count(t, w, "SELECT COUNT(*) FROM audit_log"); after != before {
			t.Errorf("refused changes were audited: %d → %d", before, after)
		}
	})
}

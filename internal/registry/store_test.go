package registry_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/registry"
	"github.com/layan-id/layan/internal/wilayah"
)

var ctx = context.Background()

type world struct {
	store      *registry.Store
	salatiga   registry.Reach // a Dinas Sosial of Kota Salatiga
	makassar   registry.Reach
	salatigaID int64
}

func newWorld(t *testing.T, engine string) world {
	d := dbtest.Open(t, engine)
	ix, err := dbtest.Regions()
	if err != nil {
		t.Fatal(err)
	}
	sal, mks := dbtest.Unit(t, d, "Dinas Sosial Kota Salatiga", "33.73"), dbtest.Unit(t, d, "Dinas Sosial Kota Makassar", "73.71")
	today := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	return world{
		store:      &registry.Store{DB: d, Regions: ix, Now: func() time.Time { return today }},
		salatiga:   registry.Reach{Regions: []wilayah.Code{"33.73"}, UnitID: sal},
		makassar:   registry.Reach{Regions: []wilayah.Code{"73.71"}, UnitID: mks},
		salatigaID: sal,
	}
}

func forEngines(t *testing.T, f func(t *testing.T, w world)) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e, func(t *testing.T) { f(t, newWorld(t, e)) })
	}
}

var worker = audit.Actor{UserID: 0, Name: "uji"}

func mustCreate(t *testing.T, w world, r registry.Reach, in registry.Input) registry.Person {
	t.Helper()
	s, err := w.store.Create(ctx, worker, r, in)
	if err != nil {
		t.Fatalf("create %s: %v", in.Name, err)
	}
	return s.Person
}

func fieldOf(err error) string {
	if e := apperr.As(err); e != nil && len(e.Fields) > 0 {
		return e.Fields[0].Field
	}
	return ""
}

func TestStoreCreateValidatesAndWarns(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		base := registry.Input{Name: "Siti Aminah", Sex: "P", BirthDate: "1990-05-12", Village: "33.73.04.1001",
			Categories: []string{"lanjut_usia_telantar"}}
		for _, c := range []struct {
			name  string
			edit  func(*registry.Input)
			field string
		}{
			{"NIK of 15 digits", func(in *registry.Input) { in.NIK = "337304520590001" }, "nik"},
			{"NIK with month 13", func(in *registry.Input) { in.NIK = "3373045213900001" }, "nik"},
			{"NIK of unknown province", func(in *registry.Input) { in.NIK = "9973045205900001" }, "nik"},
			{"future birth date", func(in *registry.Input) { in.BirthDate = "2027-01-01" }, "birth_date"},
			{"malformed birth date", func(in *registry.Input) { in.BirthDate = "12-05-1990" }, "birth_date"},
			{"unknown village", func(in *registry.Input) { in.Village = "33.73.04.9999" }, "village"},
			{"village code of a kecamatan", func(in *registry.Input) { in.Village = "33.73.04" }, "village"},
			{"unknown category", func(in *registry.Input) { in.Categories = []string{"tidak_ada"} }, "categories"},
			{"name too long", func(in *registry.Input) { in.Name = string(make([]rune, 121)) }, "name"},
			{"missing sex", func(in *registry.Input) { in.Sex = "" }, "sex"},
		} {
			in := base
			c.edit(&in)
			_, err := w.store.Create(ctx, worker, w.salatiga, in)
			if apperr.KindOf(err) != apperr.Invalid || fieldOf(err) != c.field {
				t.Errorf("%s: %v, want Invalid naming %s", c.name, err, c.field)
			}
		}
		var n int
		if err := w.store.DB.QueryRow(ctx, "SELECT COUNT(*) FROM person").Scan(&n); err != nil || n != 0 {
			t.Fatalf("refused creates stored %d people (%v)", n, err)
		}
		// A NIK that says male and another birth date: stored, with warnings.
		in := base
		in.NIK = "3373041205900001"
		s, err := w.store.Create(ctx, worker, w.salatiga, in)
		if err != nil {
			t.Fatal(err)
		}
		fields := map[string]bool{}
		for _, m := range s.Messages {
			fields[m.Field+":"+m.Key] = true
		}
		if !fields["sex:nik.warn_sex"] {
			t.Errorf("no sex warning: %+v", s.Messages)
		}
		if s.Person.Sex != "P" || s.Person.BirthDate != "1990-05-12" {
			t.Errorf("entered values were changed: %+v", s.Person)
		}
	})
}

func TestStoreDuplicateNIK(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		in := registry.Input{NIK: "3373045205900001", Name: "Siti Aminah", Sex: "P", BirthDate: "1990-05-12", Village: "33.73.04.1001"}
		first := mustCreate(t, w, w.salatiga, in)
		in.Name = "Sity Aminah"
		_, err := w.store.Create(ctx, worker, w.salatiga, in)
		if fieldOf(err) != "nik" || registry.DuplicateOf(err) != first.ID {
			t.Fatalf("second record with the same NIK: %v, want a nik error linking %d", err, first.ID)
		}
		in.ConfirmDuplicate = true
		s, err := w.store.Create(ctx, worker, w.salatiga, in)
		if err != nil {
			t.Fatal(err)
		}
		if s.Person.DuplicateOf != first.ID {
			t.Errorf("confirmed duplicate not flagged: duplicate_of %d", s.Person.DuplicateOf)
		}
		// A deactivated record still holds its NIK: registering it again is
		// noticed, not stored silently.
		if _, err := w.store.SetActive(ctx, worker, w.salatiga, first.ID, false, registry.Died, "", first.Version); err != nil {
			t.Fatal(err)
		}
		in.ConfirmDuplicate, in.Name = false, "Siti Aminah Baru"
		if _, err := w.store.Create(ctx, worker, w.salatiga, in); registry.DuplicateOf(err) != first.ID {
			t.Errorf("NIK of a deactivated record: %v, want a nik error linking %d", err, first.ID)
		}
	})
}

func TestStoreSearchVariants(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		people := []registry.Input{
			{Name: "Mochammad Rizky Pratama", Sex: "L", BirthYear: 1985, Village: "33.73.04.1001"},
			{Name: "Siti Nurhaliza", Sex: "P", BirthDate: "2001-02-03", Village: "33.73.01.1001"},
			{Name: "Djoko Susilo", Sex: "L", BirthYear: 1960, Village: "33.73.04.1001"},
			{Name: "Soekarno Hadi", Sex: "L", BirthYear: 1950, Village: "33.73.04.1001"},
			{Name: "Tjahjono Widodo", Sex: "L", BirthYear: 1970, Village: "33.73.04.1001"},
			{Name: "Hassan Basri", Sex: "L", BirthYear: 1975, Village: "33.73.04.1001"},
			{Name: "Santi Rahayu", Sex: "P", BirthYear: 1980, Village: "33.73.04.1001"},
			{Name: "Ai Rohayati", Sex: "P", BirthYear: 1992, Village: "33.73.04.1001"},
		}
		ids := map[string]int64{}
		for _, in := range people {
			ids[in.Name] = mustCreate(t, w, w.salatiga, in).ID
		}
		// Someone in Makassar with a matching name is outside Salatiga's reach.
		mustCreate(t, w, w.makassar, registry.Input{Name: "Muhammad Rizki", Sex: "L", Village: "73.71.01.1001"})
		for _, c := range []struct {
			q    string
			want string // the expected first hit, "" for none
		}{
			{"muhammad rizki", "Mochammad Rizky Pratama"},
			{"Muhamad", "Mochammad Rizky Pratama"},
			{"pratama mochammad", "Mochammad Rizky Pratama"},
			{"sity", "Siti Nurhaliza"},
			{"joko", "Djoko Susilo"},
			{"sukarno", "Soekarno Hadi"},
			{"cahyono", "Tjahjono Widodo"},
			{"hasan", "Hassan Basri"},
			{"ai", "Ai Rohayati"},
			{"siti 2001", "Siti Nurhaliza"},
			{"siti 1999", ""},
			{"husin", ""},
		} {
			res, err := w.store.Search(ctx, w.salatiga, registry.Filter{Query: c.q})
			if err != nil {
				t.Fatalf("%q: %v", c.q, err)
			}
			got := ""
			if len(res.Items) > 0 {
				got = res.Items[0].Name
			}
			if got != c.want {
				t.Errorf("search %q: first hit %q, want %q (%d hits)", c.q, got, c.want, len(res.Items))
			}
			for _, p := range res.Items {
				if p.Village.Province() != "33" {
					t.Errorf("search %q returned %s from outside the reach", c.q, p.Name)
				}
			}
		}
		// The same search from Makassar finds only its own person.
		res, err := w.store.Search(ctx, w.makassar, registry.Filter{Query: "muhammad rizki"})
		if err != nil || len(res.Items) != 1 || res.Items[0].Name != "Muhammad Rizki" {
			t.Errorf("Makassar search: %+v %v", res, err)
		}
		// No reach, no records.
		res, err = w.store.Search(ctx, registry.Reach{}, registry.Filter{Query: "siti"})
		if err != nil || len(res.Items) != 0 {
			t.Errorf("search without reach: %+v %v", res, err)
		}
		if _, err := w.store.Get(ctx, worker, w.makassar, ids["Siti Nurhaliza"], true); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("Makassar opened a Salatiga record: %v", err)
		}
	})
}

func TestStoreUpdateAndDeactivate(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		p := mustCreate(t, w, w.salatiga, registry.Input{Name: "Budi Santoso", Sex: "L", BirthYear: 1970, Village: "33.73.04.1001"})
		in := registry.Input{Name: "Budi Santosa", Sex: "L", BirthYear: 1971, Village: "33.73.04.1001", Version: p.Version}
		s, err := w.store.Update(ctx, worker, w.salatiga, p.ID, in)
		if err != nil || s.Person.Version != p.Version+1 {
			t.Fatalf("update: %+v %v", s.Person, err)
		}
		if _, err := w.store.Update(ctx, worker, w.salatiga, p.ID, in); apperr.KindOf(err) != apperr.Conflict {
			t.Errorf("stale update: %v, want Conflict", err)
		}
		// The new name is found, the old spelling too (same key).
		res, _ := w.store.Search(ctx, w.salatiga, registry.Filter{Query: "budi santosa"})
		if len(res.Items) != 1 {
			t.Errorf("renamed person not found: %+v", res)
		}
		if _, err := w.store.SetActive(ctx, worker, w.salatiga, p.ID, false, "", "", s.Person.Version); fieldOf(err) != "reason" {
			t.Errorf("deactivation without reason: %v", err)
		}
		off, err := w.store.SetActive(ctx, worker, w.salatiga, p.ID, false, registry.Died, "", s.Person.Version)
		if err != nil || off.Active {
			t.Fatalf("deactivate: %+v %v", off, err)
		}
		res, _ = w.store.Search(ctx, w.salatiga, registry.Filter{Query: "budi"})
		if len(res.Items) != 0 {
			t.Errorf("deactivated person still listed")
		}
		res, _ = w.store.Search(ctx, w.salatiga, registry.Filter{Query: "budi", Inactive: true})
		if len(res.Items) != 1 {
			t.Errorf("deactivated person not found with Inactive")
		}
		// Every change and the opening of the record are in the audit log.
		if _, err := w.store.Get(ctx, worker, w.salatiga, p.ID, true); err != nil {
			t.Fatal(err)
		}
		var n int
		w.store.DB.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE entity = 'person' AND entity_id = ?", strconv.FormatInt(p.ID, 10)).Scan(&n)
		if n != 4 {
			t.Errorf("audit records for the person: %d, want 4 (create, update, deactivate, read)", n)
		}
	})
}

// People a unit registered who live outside its area are in its reach by
// the link, found by search and listing as fast as the rest (linked_unit),
// and the link follows a move and a change of the unit's area.
func TestStoreReachByLink(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		away := mustCreate(t, w, w.salatiga, registry.Input{Name: "Andi Baso", Sex: "L", BirthYear: 1980, Village: "73.71.01.1001"})
		home := mustCreate(t, w, w.salatiga, registry.Input{Name: "Andi Wibowo", Sex: "L", BirthYear: 1981, Village: "33.73.04.1001"})
		local := mustCreate(t, w, w.makassar, registry.Input{Name: "Andi Makkasau", Sex: "L", BirthYear: 1982, Village: "73.71.01.1001"})
		linked := func(id int64) int64 {
			t.Helper()
			var n *int64
			if err := w.store.DB.QueryRow(ctx, "SELECT linked_unit FROM person WHERE id = ?", id).Scan(&n); err != nil {
				t.Fatal(err)
			}
			var keys int
			if err := w.store.DB.QueryRow(ctx, "SELECT COUNT(*) FROM person_key WHERE person_id = ? AND linked_unit IS NOT DISTINCT FROM ?",
				id, n).Scan(&keys); err != nil || keys == 0 {
				t.Fatalf("key rows of %d do not carry linked_unit %v (%d, %v)", id, n, keys, err)
			}
			if n == nil {
				return 0
			}
			return *n
		}
		if linked(away.ID) != w.salatigaID || linked(home.ID) != 0 || linked(local.ID) != 0 {
			t.Fatalf("linked_unit: away %d, home %d, local %d", linked(away.ID), linked(home.ID), linked(local.ID))
		}
		names := func(r registry.Reach, f registry.Filter) []string {
			t.Helper()
			res, err := w.store.Search(ctx, r, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, p := range res.Items {
				out = append(out, p.Name)
			}
			return out
		}
		for _, c := range []struct {
			reach registry.Reach
			f     registry.Filter
			want  string
		}{
			{w.salatiga, registry.Filter{Query: "andi"}, "Andi Baso,Andi Wibowo"},
			{w.salatiga, registry.Filter{Query: "andi 1980"}, "Andi Baso"},
			{w.salatiga, registry.Filter{Query: "andi", Within: "73.71"}, "Andi Baso"},
			{w.salatiga, registry.Filter{}, "Andi Wibowo,Andi Baso"}, // by desa code: 33… before 73…
			{w.salatiga, registry.Filter{Within: "73"}, "Andi Baso"},
			{w.makassar, registry.Filter{Query: "andi"}, "Andi Baso,Andi Makkasau"},
			{registry.Reach{Regions: []wilayah.Code{"73.71.01"}}, registry.Filter{}, "Andi Baso,Andi Makkasau"},
		} {
			if got := strings.Join(names(c.reach, c.f), ","); got != c.want {
				t.Errorf("%+v %+v: %q, want %q", c.reach, c.f, got, c.want)
			}
		}
		// Moving home ends the link; the unit's area growing over a person does too.
		in := registry.Input{Name: away.Name, Sex: "L", BirthYear: 1980, Village: "33.73.01.1001", Version: away.Version}
		moved, err := w.store.Update(ctx, worker, w.salatiga, away.ID, in)
		if err != nil || linked(away.ID) != 0 {
			t.Fatalf("after moving into Salatiga: linked %d, %v", linked(away.ID), err)
		}
		in.Village, in.Version = "73.71.01.1001", moved.Person.Version
		if _, err := w.store.Update(ctx, worker, w.salatiga, away.ID, in); err != nil || linked(away.ID) != w.salatigaID {
			t.Fatalf("after moving back: linked %d, %v", linked(away.ID), err)
		}
		if err := w.store.DB.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, "INSERT INTO unit_coverage (unit_id, province_code) VALUES (?, '73')", w.salatigaID); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "UPDATE unit SET coverage = '73' WHERE id = ?", w.salatigaID); err != nil {
				return err
			}
			return registry.RelinkUnit(ctx, tx, w.salatigaID)
		}); err != nil {
			t.Fatal(err)
		}
		if linked(away.ID) != 0 || linked(home.ID) != 0 {
			t.Errorf("after covering Sulawesi Selatan: linked %d/%d, want none", linked(away.ID), linked(home.ID))
		}
	})
}

// Listing pages are disjoint, in a stable order, and add up to the total,
// across the region and link branches.
func TestStoreListPages(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		villages := []string{"33.73.04.1001", "73.71.01.1001", "33.73.01.1001", "33.73.04.1002"}
		for i := range 11 {
			mustCreate(t, w, w.salatiga, registry.Input{Name: "Warga " + strconv.Itoa(i) + " Sejahtera", Sex: "P",
				BirthYear: 1990, Village: villages[i%len(villages)]})
		}
		seen := map[int64]bool{}
		var last string
		for page := 1; page <= 5; page++ {
			res, err := w.store.Search(ctx, w.salatiga, registry.Filter{Page: page, Size: 3})
			if err != nil || res.Total != 11 {
				t.Fatalf("page %d: total %d, %v", page, res.Total, err)
			}
			for _, p := range res.Items {
				k := string(p.Village) + "/" + strconv.FormatInt(p.ID+1000000, 10)
				if seen[p.ID] || k < last {
					t.Errorf("page %d: %s out of order or repeated", page, p.Name)
				}
				seen[p.ID], last = true, k
			}
		}
		if len(seen) != 11 {
			t.Errorf("pages held %d people, want 11", len(seen))
		}
	})
}

// A database indexed with older key rules is re-indexed by UpgradeKeys.
func TestUpgradeKeys(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		mustCreate(t, w, w.salatiga, registry.Input{Name: "Siti Nurhaliza", Sex: "P", BirthYear: 2001, Village: "33.73.01.1001"})
		for _, q := range []string{"DELETE FROM person_key", "DELETE FROM setting"} {
			if _, err := w.store.DB.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if res, _ := w.store.Search(ctx, w.salatiga, registry.Filter{Query: "siti 2001"}); len(res.Items) != 0 {
			t.Fatal("found without keys")
		}
		if err := registry.UpgradeKeys(ctx, w.store.DB, nil); err != nil {
			t.Fatal(err)
		}
		if res, _ := w.store.Search(ctx, w.salatiga, registry.Filter{Query: "sity 2001"}); len(res.Items) != 1 {
			t.Errorf("not found after the upgrade: %+v", res)
		}
	})
}

// A NIK held by a record outside the worker's reach is refused without
// naming that record (the worker could not open it); kept apart on
// confirmation, the new record says so without the id either.
func TestStoreDuplicateNIKOutsideReach(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		in := registry.Input{NIK: "3373045205900001", Name: "Siti Aminah", Sex: "P", BirthDate: "1990-05-12", Village: "33.73.04.1001"}
		first := mustCreate(t, w, w.salatiga, in)
		// Makassar registers the same NIK for someone living in Makassar.
		in.Village, in.Name = "73.71.01.1001", "Siti Aminah Daeng"
		_, err := w.store.Create(ctx, worker, w.makassar, in)
		if keyOf(err, "nik") != "nik.duplicate_elsewhere" || registry.DuplicateOf(err) != 0 || !registry.DuplicateElsewhere(err) {
			t.Fatalf("NIK held outside the reach: %v, want nik.duplicate_elsewhere without the record", err)
		}
		if e := apperr.As(err); e == nil || e.Key != "nik.duplicate_elsewhere" || len(e.Args) != 0 {
			t.Errorf("the summary names the record outside the reach: %+v", e)
		}
		if ok, err := w.store.InReach(ctx, w.makassar, first.ID); ok || err != nil {
			t.Errorf("InReach(makassar, Salatiga's record) = %v, %v", ok, err)
		}
		if ok, err := w.store.InReach(ctx, w.salatiga, first.ID); !ok || err != nil {
			t.Errorf("InReach(salatiga, own record) = %v, %v", ok, err)
		}
		if ok, err := w.store.InReach(ctx, w.salatiga, first.ID+1000); ok || err != nil {
			t.Errorf("InReach(no such record) = %v, %v", ok, err)
		}
		in.ConfirmDuplicate = true
		s, err := w.store.Create(ctx, worker, w.makassar, in)
		if err != nil {
			t.Fatal(err)
		}
		if s.Person.DuplicateOf != first.ID || len(s.Messages) != 1 || s.Messages[0].Key != "nik.stored_duplicate_elsewhere" || len(s.Messages[0].Args) != 0 {
			t.Errorf("confirmed duplicate outside the reach: duplicate_of %d, messages %+v", s.Person.DuplicateOf, s.Messages)
		}
		// An update to a NIK held outside the reach: the same refusal.
		other := mustCreate(t, w, w.makassar, registry.Input{Name: "Andi Tenri", Sex: "L", BirthYear: 1980, Village: "73.71.01.1001"})
		up := registry.Input{NIK: "3373045205900001", Name: "Andi Tenri", Sex: "L", BirthYear: 1980, Village: "73.71.01.1001", Version: other.Version}
		if _, err := w.store.Update(ctx, worker, w.makassar, other.ID, up); keyOf(err, "nik") != "nik.duplicate_elsewhere" {
			t.Errorf("update to a NIK held outside the reach: %v", err)
		}
	})
}

// The warnings of a stored record are those its entry gave, recomputed from
// the record as stored; the record is never changed to match the NIK.
func TestStoreWarnings(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		keys := func(ms []registry.Message) string {
			var out []string
			for _, m := range ms {
				out = append(out, m.Field+":"+m.Key)
			}
			return strings.Join(out, " ")
		}
		for _, c := range []struct {
			name string
			in   registry.Input
			want string
		}{
			{"consistent", registry.Input{NIK: "3373045205900001", Sex: "P", BirthDate: "1990-05-12"}, ""},
			{"no NIK", registry.Input{Sex: "P", BirthDate: "1990-05-12"}, ""},
			{"sex and date disagree", registry.Input{NIK: "3373041205900002", Sex: "P", BirthDate: "1991-05-12"},
				"sex:nik.warn_sex birth_date:nik.warn_birth"},
			{"estimated year disagrees", registry.Input{NIK: "3373041205900003", Sex: "L", BirthYear: 1985},
				"birth_date:nik.warn_birth"},
			{"old kecamatan", registry.Input{NIK: "3373995205900004", Sex: "P", BirthDate: "1990-05-12"},
				"nik:nik.note_old_region"},
		} {
			in := c.in
			in.Name, in.Village = "Uji "+c.name, "33.73.04.1001"
			s, err := w.store.Create(ctx, worker, w.salatiga, in)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			got := w.store.Warnings(s.Person)
			if keys(got) != c.want || keys(s.Messages) != c.want {
				t.Errorf("%s: warnings %q, at entry %q; want %q", c.name, keys(got), keys(s.Messages), c.want)
			}
			if got == nil {
				t.Errorf("%s: nil warnings", c.name)
			}
			p, err := w.store.Get(ctx, worker, w.salatiga, s.Person.ID, false)
			if err != nil {
				t.Fatal(err)
			}
			if p.Sex != registry.Sex(c.in.Sex) || p.BirthDate != c.in.BirthDate {
				t.Errorf("%s: stored %s %s, entered %s %s", c.name, p.Sex, p.BirthDate, c.in.Sex, c.in.BirthDate)
			}
		}
	})
}

// A word too common to rank says so and still shows a sample; the same word
// within a kecamatan or desa finds every match there, however common it is
// in the kab/kota.
func TestStoreSearchBroad(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		villages := []string{"33.73.04.1001", "33.73.04.1002", "33.73.01.1001"}
		var hs []registry.BulkHousehold
		want := map[string]int{}
		for i := range registry.MaxCandidates + 40 {
			v := villages[i%len(villages)]
			want[v]++
			hs = append(hs, registry.BulkHousehold{Members: []registry.BulkMember{{Person: registry.Input{
				Name: "Siti Warga" + strconv.Itoa(i), Sex: "P", BirthYear: 1950 + i%50, Village: v}}}})
		}
		src := func(yield func(registry.BulkHousehold) bool) {
			for _, h := range hs {
				if !yield(h) {
					return
				}
			}
		}
		if _, err := w.store.BulkLoad(ctx, worker, src, registry.BulkOptions{Name: "siti"}); err != nil {
			t.Fatal(err)
		}
		res, err := w.store.Search(ctx, w.salatiga, registry.Filter{Query: "sity"})
		if err != nil || !res.More || len(res.Items) == 0 || res.Total > registry.MaxCandidates {
			t.Errorf("broad search: more %v, %d items, total %d, %v", res.More, len(res.Items), res.Total, err)
		}
		for v, n := range want {
			res, err := w.store.Search(ctx, w.salatiga, registry.Filter{Query: "siti", Within: wilayah.Code(v), Size: 100})
			if err != nil || res.More || res.Total != n {
				t.Errorf("siti in %s: total %d (more %v), want %d (%v)", v, res.Total, res.More, n, err)
			}
		}
		res, err = w.store.Search(ctx, w.salatiga, registry.Filter{Query: "siti", Within: "33.73.04"})
		if err != nil || res.More || res.Total != want["33.73.04.1001"]+want["33.73.04.1002"] {
			t.Errorf("siti in kecamatan 33.73.04: total %d (more %v), %v", res.Total, res.More, err)
		}
		// With a year, the year keys make it narrow again.
		born1951 := 0
		for i := range len(hs) {
			if 1950+i%50 == 1951 {
				born1951++
			}
		}
		res, err = w.store.Search(ctx, w.salatiga, registry.Filter{Query: "siti 1951", Size: 100})
		if err != nil || res.More || res.Total != born1951 {
			t.Errorf("siti 1951: total %d (more %v), want %d (%v)", res.Total, res.More, born1951, err)
		}
	})
}

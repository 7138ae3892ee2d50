package registry_test

import (
	"context"
	"strconv"
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
	unitID := func(name, region string) int64 {
		var id int64
		err := d.QueryRow(ctx, `INSERT INTO unit (type, name, region_code, province_code, created_at, updated_at)
			VALUES ('dinsos_kabkota', ?, ?, ?, ?, ?) RETURNING id`, name, region, region[:2], db.Now(), db.Now()).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	sal, mks := unitID("Dinas Sosial Kota Salatiga", "33.73"), unitID("Dinas Sosial Kota Makassar", "73.71")
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

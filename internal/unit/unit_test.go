package unit_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/unit"
	"github.com/layan-id/layan/internal/wilayah"
)

var ctx = context.Background()

var system = audit.System("test")

func regions(t *testing.T) *wilayah.Index {
	t.Helper()
	ix, err := dbtest.Regions()
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestValidate(t *testing.T) {
	ix := regions(t)
	for _, c := range []struct {
		name  string
		in    unit.Input
		field string // "" = valid
		key   string
	}{
		{"LKS in a village", unit.Input{Type: unit.LKS, Name: "LKS Anak Kasih", Region: "33.73.04.1001"}, "", ""},
		{"Dinas Sosial of a province", unit.Input{Type: unit.DinsosProvinsi, Name: "Dinsos Jateng", Region: "33"}, "", ""},
		{"Dinas Sosial of a city", unit.Input{Type: unit.DinsosKabKota, Name: "Dinsos Salatiga", Region: "33.73"}, "", ""},
		{"UPTD in a regency", unit.Input{Type: unit.UPTDProvinsi, Name: "UPTD Gowa", Region: "73.06"}, "", ""},
		{"sentra with coverage", unit.Input{Type: unit.Sentra, Name: "Sentra", Region: "32.75", Coverage: []wilayah.Code{"31", "32"}}, "", ""},
		{"sentra terpadu with coverage", unit.Input{Type: unit.SentraTerpadu, Name: "Sentra T", Region: "32.75", Coverage: []wilayah.Code{"36"}}, "", ""},
		{"sentra without coverage", unit.Input{Type: unit.Sentra, Name: "Sentra", Region: "32.75"}, "", ""},
		{"phone with punctuation", unit.Input{Type: unit.LKS, Name: "LKS", Region: "33.73", Phone: "+62 (298) 123-456"}, "", ""},
		{"name of 160 two-byte letters", unit.Input{Type: unit.LKS, Name: strings.Repeat("é", 160), Region: "33.73"}, "", ""},

		{"unknown type", unit.Input{Type: "panti", Name: "Panti", Region: "33.73"}, "type", "unit.type_unknown"},
		{"no type", unit.Input{Name: "Panti", Region: "33.73"}, "type", "unit.type_unknown"},
		{"no name", unit.Input{Type: unit.LKS, Name: " \t ", Region: "33.73"}, "name", "field.required"},
		{"name too long", unit.Input{Type: unit.LKS, Name: strings.Repeat("é", 161), Region: "33.73"}, "name", "field.too_long"},
		{"name invalid UTF-8", unit.Input{Type: unit.LKS, Name: "LKS \xff", Region: "33.73"}, "name", "field.utf8"},
		{"name with NUL", unit.Input{Type: unit.LKS, Name: "LKS\x00", Region: "33.73"}, "name", "field.utf8"},
		{"address with NUL", unit.Input{Type: unit.LKS, Name: "LKS", Region: "33.73", Address: "Jl.\x00"}, "address", "field.utf8"},
		{"address too long", unit.Input{Type: unit.LKS, Name: "LKS", Region: "33.73", Address: strings.Repeat("a", 301)}, "address", "field.too_long"},
		{"address invalid UTF-8", unit.Input{Type: unit.LKS, Name: "LKS", Region: "33.73", Address: "Jl. \xc3\x28"}, "address", "field.utf8"},
		{"phone too long", unit.Input{Type: unit.LKS, Name: "LKS", Region: "33.73", Phone: strings.Repeat("1", 31)}, "phone", "field.too_long"},
		{"phone with letters", unit.Input{Type: unit.LKS, Name: "LKS", Region: "33.73", Phone: "0298 ABC"}, "phone", "unit.phone_format"},
		{"phone with a slash", unit.Input{Type: unit.LKS, Name: "LKS", Region: "33.73", Phone: "0298/123"}, "phone", "unit.phone_format"},
		{"no region", unit.Input{Type: unit.LKS, Name: "LKS"}, "region", "field.required"},
		{"unknown region", unit.Input{Type: unit.LKS, Name: "LKS", Region: "99.99"}, "region", "region.unknown"},
		{"malformed region", unit.Input{Type: unit.LKS, Name: "LKS", Region: "3373"}, "region", "region.unknown"},
		{"Dinas Sosial provinsi in a city", unit.Input{Type: unit.DinsosProvinsi, Name: "Dinsos", Region: "33.73"}, "region", "unit.region_province"},
		{"Dinas Sosial kab/kota in a province", unit.Input{Type: unit.DinsosKabKota, Name: "Dinsos", Region: "33"}, "region", "unit.region_regency"},
		{"Dinas Sosial kab/kota in a district", unit.Input{Type: unit.DinsosKabKota, Name: "Dinsos", Region: "33.73.04"}, "region", "unit.region_regency"},
		{"Dinas Sosial kab/kota in a village", unit.Input{Type: unit.DinsosKabKota, Name: "Dinsos", Region: "33.73.04.1001"}, "region", "unit.region_regency"},
		{"coverage for an LKS", unit.Input{Type: unit.LKS, Name: "LKS", Region: "33.73", Coverage: []wilayah.Code{"33"}}, "coverage", "unit.coverage_sentra_only"},
		{"coverage for a Dinas Sosial", unit.Input{Type: unit.DinsosProvinsi, Name: "D", Region: "33", Coverage: []wilayah.Code{"33"}}, "coverage", "unit.coverage_sentra_only"},
		{"coverage of a city", unit.Input{Type: unit.Sentra, Name: "Sentra", Region: "32.75", Coverage: []wilayah.Code{"31", "33.73"}}, "coverage", "unit.coverage_province"},
		{"coverage of an unknown province", unit.Input{Type: unit.Sentra, Name: "Sentra", Region: "32.75", Coverage: []wilayah.Code{"99"}}, "coverage", "unit.coverage_province"},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := c.in
			f := in.Validate(ix)
			if c.field == "" {
				if len(f) != 0 {
					t.Fatalf("Validate: %v, want valid", f)
				}
				return
			}
			if len(f) == 0 || !f.Has(c.field) {
				t.Fatalf("Validate: %v, want an error on %s", f, c.field)
			}
			for _, e := range f {
				if e.Field == c.field && e.Key != c.key {
					t.Errorf("field %s: %s, want %s", e.Field, e.Key, c.key)
				}
			}
		})
	}

	// Validate tidies what it accepts: trimmed text, coverage sorted once.
	in := unit.Input{Type: unit.Sentra, Name: "  Sentra Uji ", Region: "32.75", Phone: " 021 ", Coverage: []wilayah.Code{"36", "31", "36", "32"}}
	if f := in.Validate(ix); len(f) != 0 {
		t.Fatal(f)
	}
	if in.Name != "Sentra Uji" || in.Phone != "021" || fmt.Sprint(in.Coverage) != "[31 32 36]" {
		t.Errorf("tidied to %+v", in)
	}
}

// world is a fresh database with units in three provinces.
type world struct {
	d     *db.DB
	ix    *wilayah.Index
	units map[string]unit.Unit
}

func open(t *testing.T, engine string) *world {
	t.Helper()
	w := &world{d: dbtest.Open(t, engine), ix: regions(t), units: map[string]unit.Unit{}}
	for _, c := range []struct {
		key string
		in  unit.Input
	}{
		{"bekasi", unit.Input{Type: unit.SentraTerpadu, Name: "Sentra Terpadu Bekasi", Region: "32.75", Coverage: []wilayah.Code{"36", "31", "32"}}},
		{"jateng", unit.Input{Type: unit.DinsosProvinsi, Name: "Dinas Sosial Provinsi Jawa Tengah", Region: "33"}},
		{"salatiga", unit.Input{Type: unit.DinsosKabKota, Name: "Dinas Sosial Kota Salatiga", Region: "33.73", Phone: "0298 1"}},
		{"lks", unit.Input{Type: unit.LKS, Name: "LKS Anak Kasih Salatiga", Region: "33.73.04.1001"}},
		{"makassar", unit.Input{Type: unit.DinsosKabKota, Name: "Dinas Sosial Kota Makassar", Region: "73.71"}},
		{"gowa", unit.Input{Type: unit.UPTDProvinsi, Name: "UPTD Gowa", Region: "73.06"}},
	} {
		u, err := unit.Create(ctx, w.d, w.ix, system, access.Scope{All: true}, c.in)
		if err != nil {
			t.Fatalf("create %s: %v", c.key, err)
		}
		w.units[c.key] = u
	}
	return w
}

func forEngines(t *testing.T, f func(t *testing.T, w *world)) {
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) { f(t, open(t, engine)) })
	}
}

func (w *world) auditCount(t *testing.T) int {
	t.Helper()
	var n int
	if err := w.d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (w *world) unitCount(t *testing.T) int {
	t.Helper()
	var n int
	if err := w.d.QueryRow(ctx, "SELECT COUNT(*) FROM unit").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func fieldOf(err error) string {
	if ae := apperr.As(err); ae != nil && len(ae.Fields) > 0 {
		return ae.Fields[0].Field
	}
	return ""
}

// scopes of every shape DESIGN.md gives users.
func (w *world) scopes() map[string]access.Scope {
	s := w.units["salatiga"]
	return map[string]access.Scope{
		"all":                  {All: true},
		"nothing":              {},
		"jawa tengah":          {Region: "33"},
		"salatiga":             {Region: "33.73"},
		"sulawesi selatan":     {Region: "73"},
		"unit salatiga":        {UnitID: s.ID, UnitRegion: s.Region},
		"unit and gowa":        {Region: "73.06", UnitID: s.ID, UnitRegion: s.Region},
		"village of the LKS":   {Region: "33.73.04.1001"},
		"kecamatan of the LKS": {Region: "33.73.04"},
	}
}

func TestStoreGetAndListByScope(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		want := map[string][]string{
			"all":                  {"bekasi", "gowa", "jateng", "lks", "makassar", "salatiga"},
			"nothing":              nil,
			"jawa tengah":          {"jateng", "lks", "salatiga"},
			"salatiga":             {"lks", "salatiga"},
			"sulawesi selatan":     {"gowa", "makassar"},
			"unit salatiga":        {"salatiga"},
			"unit and gowa":        {"gowa", "salatiga"},
			"village of the LKS":   {"lks"},
			"kecamatan of the LKS": {"lks"},
		}
		for name, sc := range w.scopes() {
			t.Run(name, func(t *testing.T) {
				var got []string
				for key, u := range w.units {
					_, err := unit.Get(ctx, w.d, sc, u.ID)
					switch {
					case err == nil:
						got = append(got, key)
					case apperr.KindOf(err) != apperr.NotFound:
						t.Fatalf("Get %s: %v", key, err)
					}
					// The SQL of List and the Go of CoversUnit agree.
					if (err == nil) != sc.CoversUnit(u.ID, u.Region) {
						t.Errorf("Get %s and CoversUnit disagree", key)
					}
				}
				slices.Sort(got)
				if !slices.Equal(got, want[name]) {
					t.Errorf("Get finds %v, want %v", got, want[name])
				}
				list, total, err := unit.List(ctx, w.d, sc, unit.Filter{Size: 100})
				if err != nil {
					t.Fatal(err)
				}
				var listed []string
				for _, u := range list {
					for key, x := range w.units {
						if x.ID == u.ID {
							listed = append(listed, key)
						}
					}
				}
				slices.Sort(listed)
				if !slices.Equal(listed, want[name]) || total != len(want[name]) {
					t.Errorf("List gives %v (total %d), want %v", listed, total, want[name])
				}
				n, err := unit.Count(ctx, w.d, sc)
				if err != nil || n != len(want[name]) {
					t.Errorf("Count = %d, %v; want %d", n, err, len(want[name]))
				}
			})
		}
		if _, err := unit.Get(ctx, w.d, access.Scope{All: true}, 999999); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("Get of a missing unit: %v", err)
		}
		got, err := unit.Get(ctx, w.d, access.Scope{All: true}, w.units["bekasi"].ID)
		if err != nil || fmt.Sprint(got.Coverage) != "[31 32 36]" || got.Province != "32" {
			t.Errorf("Get bekasi = %+v, %v", got, err)
		}
	})
}

func TestStoreListFilters(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		all := access.Scope{All: true}
		off := false
		g := w.units["gowa"]
		if _, err := unit.Update(ctx, w.d, w.ix, system, all, g.ID, unit.Input{Type: g.Type, Name: g.Name, Region: g.Region, Active: &off, Version: g.Version}); err != nil {
			t.Fatal(err)
		}
		yes := true
		for _, c := range []struct {
			name string
			f    unit.Filter
			want []string // names, in order
		}{
			{"by name", unit.Filter{Query: "SALATIGA"}, []string{"Dinas Sosial Kota Salatiga", "LKS Anak Kasih Salatiga"}},
			{"by type", unit.Filter{Type: unit.DinsosKabKota}, []string{"Dinas Sosial Kota Makassar", "Dinas Sosial Kota Salatiga"}},
			{"within a province", unit.Filter{Within: "73"}, []string{"Dinas Sosial Kota Makassar", "UPTD Gowa"}},
			{"active within a province", unit.Filter{Within: "73", Active: &yes}, []string{"Dinas Sosial Kota Makassar"}},
			{"inactive", unit.Filter{Active: &off}, []string{"UPTD Gowa"}},
			{"page 1 of 2", unit.Filter{Size: 4}, []string{"Dinas Sosial Kota Makassar", "Dinas Sosial Kota Salatiga", "Dinas Sosial Provinsi Jawa Tengah", "LKS Anak Kasih Salatiga"}},
			{"page 2 of 2", unit.Filter{Size: 4, Page: 2}, []string{"Sentra Terpadu Bekasi", "UPTD Gowa"}},
			{"page past the end", unit.Filter{Size: 4, Page: 3}, nil},
		} {
			t.Run(c.name, func(t *testing.T) {
				list, _, err := unit.List(ctx, w.d, all, c.f)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, u := range list {
					got = append(got, u.Name)
				}
				if !slices.Equal(got, c.want) {
					t.Errorf("List = %q, want %q", got, c.want)
				}
			})
		}
		// Scope and filter together: Within never widens the scope.
		list, _, err := unit.List(ctx, w.d, access.Scope{Region: "33.73"}, unit.Filter{Within: "33"})
		if err != nil || len(list) != 2 {
			t.Errorf("List within 33 for a scope of 33.73: %d units, %v", len(list), err)
		}
	})
}

func TestStoreCreate(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		sulsel := access.Scope{Region: "73"}
		in := unit.Input{Type: unit.LKS, Name: "  LKS Baru Makassar ", Region: "73.71.01", Phone: "0411 1"}
		before := w.auditCount(t)
		u, err := unit.Create(ctx, w.d, w.ix, audit.Actor{UserID: 0, Name: "admin.sulsel", RequestID: "req-1"}, sulsel, in)
		if err != nil {
			t.Fatal(err)
		}
		if u.ID == 0 || u.Name != "LKS Baru Makassar" || u.Province != "73" || !u.Active || u.Version != 1 || u.CreatedAt.Location().String() != "UTC" {
			t.Errorf("created %+v", u)
		}
		items, err := audit.List(ctx, w.d, audit.Filter{All: true, Limit: 1})
		if err != nil || len(items) != 1 || w.auditCount(t) != before+1 {
			t.Fatalf("audit after create: %v, %v", items, err)
		}
		if it := items[0]; it.Action != audit.Create || it.Entity != "unit" || it.EntityID != fmt.Sprint(u.ID) ||
			it.Region == nil || *it.Region != "73.71.01" || it.ActorName != "admin.sulsel" || it.RequestID != "req-1" ||
			it.Before != nil || it.After == nil || !strings.Contains(*it.After, "LKS Baru Makassar") {
			t.Errorf("audit record %+v", it)
		}

		for _, c := range []struct {
			name  string
			scope access.Scope
			in    unit.Input
			kind  apperr.Kind
			field string
		}{
			{"outside the admin's province", sulsel, unit.Input{Type: unit.LKS, Name: "LKS Jawa", Region: "33.73"}, apperr.Forbidden, ""},
			{"the province above the admin's city", access.Scope{Region: "73.71"}, unit.Input{Type: unit.DinsosProvinsi, Name: "Dinsos Sulsel", Region: "73"}, apperr.Forbidden, ""},
			{"no scope at all", access.Scope{}, unit.Input{Type: unit.LKS, Name: "LKS X", Region: "73.71"}, apperr.Forbidden, ""},
			{"a unit scope", access.Scope{UnitID: w.units["makassar"].ID, UnitRegion: "73.71"}, unit.Input{Type: unit.LKS, Name: "LKS X", Region: "73.71"}, apperr.Forbidden, ""},
			{"invalid before scope", sulsel, unit.Input{Type: unit.LKS, Region: "33.73"}, apperr.Invalid, "name"},
			{"same name in the same region", sulsel, unit.Input{Type: unit.DinsosKabKota, Name: "dinas sosial KOTA makassar", Region: "73.71"}, apperr.Invalid, "name"},
		} {
			t.Run(c.name, func(t *testing.T) {
				before, units := w.auditCount(t), w.unitCount(t)
				_, err := unit.Create(ctx, w.d, w.ix, system, c.scope, c.in)
				if apperr.KindOf(err) != c.kind || fieldOf(err) != c.field {
					t.Fatalf("Create: %v, want kind %d naming %q", err, c.kind, c.field)
				}
				if c.field == "name" && apperr.As(err).Fields[0].Key == "" {
					t.Errorf("no message for the name")
				}
				if w.auditCount(t) != before || w.unitCount(t) != units {
					t.Errorf("a refused create stored something")
				}
			})
		}
		// The same name in another region is another unit.
		if _, err := unit.Create(ctx, w.d, w.ix, system, access.Scope{All: true}, unit.Input{Type: unit.LKS, Name: "Dinas Sosial Kota Makassar", Region: "73.71.01"}); err != nil {
			t.Errorf("same name in another region: %v", err)
		}
	})
}

func TestStoreUpdate(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		all := access.Scope{All: true}
		m := w.units["makassar"]
		in := func(changes func(*unit.Input)) unit.Input {
			cur, err := unit.Get(ctx, w.d, all, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			x := unit.Input{Type: cur.Type, Name: cur.Name, Region: cur.Region, Address: cur.Address, Phone: cur.Phone, Coverage: cur.Coverage, Version: cur.Version}
			if changes != nil {
				changes(&x)
			}
			return x
		}

		before := w.auditCount(t)
		u, err := unit.Update(ctx, w.d, w.ix, system, access.Scope{Region: "73"}, m.ID, in(func(x *unit.Input) { x.Address = "Jl. Arief Rate No. 6" }))
		if err != nil {
			t.Fatal(err)
		}
		if u.Version != m.Version+1 || u.Address != "Jl. Arief Rate No. 6" || u.Name != m.Name {
			t.Errorf("updated %+v", u)
		}
		items, _ := audit.List(ctx, w.d, audit.Filter{All: true, Limit: 1})
		if w.auditCount(t) != before+1 || items[0].Action != audit.Update || items[0].Before == nil || items[0].After == nil ||
			strings.Contains(*items[0].Before, "Arief") || !strings.Contains(*items[0].After, "Arief") {
			t.Errorf("audit of the update: %+v", items[0])
		}

		for _, c := range []struct {
			name  string
			scope access.Scope
			in    unit.Input
			kind  apperr.Kind
			field string
		}{
			// A second editor holding the version they read earlier: no
			// change, and — the audit record shares the transaction — no
			// audit record either.
			{"stale version", all, in(func(x *unit.Input) { x.Name = "Basi"; x.Version = m.Version }), apperr.Conflict, ""},
			{"version from the future", all, in(func(x *unit.Input) { x.Version += 5 }), apperr.Conflict, ""},
			{"outside the scope", access.Scope{Region: "33"}, in(nil), apperr.NotFound, ""},
			{"a worker's unit scope", access.Scope{UnitID: w.units["salatiga"].ID, UnitRegion: "33.73"}, in(nil), apperr.NotFound, ""},
			{"moved out of the admin's province", access.Scope{Region: "73"}, in(func(x *unit.Input) { x.Region = "33.73" }), apperr.Forbidden, ""},
			{"onto another unit's name", all, in(func(x *unit.Input) { x.Name = "Dinas Sosial Kota Salatiga"; x.Region = "33.73" }), apperr.Invalid, "name"},
			{"invalid", all, in(func(x *unit.Input) { x.Phone = "telepon" }), apperr.Invalid, "phone"},
		} {
			t.Run(c.name, func(t *testing.T) {
				before, cur := w.auditCount(t), in(nil)
				_, err := unit.Update(ctx, w.d, w.ix, system, c.scope, m.ID, c.in)
				if apperr.KindOf(err) != c.kind || fieldOf(err) != c.field {
					t.Fatalf("Update: %v, want kind %d naming %q", err, c.kind, c.field)
				}
				if w.auditCount(t) != before {
					t.Errorf("a refused update wrote an audit record")
				}
				if after := in(nil); fmt.Sprint(after) != fmt.Sprint(cur) {
					t.Errorf("a refused update changed the unit: %+v → %+v", cur, after)
				}
			})
		}

		// Deactivating is an update recorded as such; coverage is replaced.
		off := false
		x := in(nil)
		x.Active = &off
		if u, err = unit.Update(ctx, w.d, w.ix, system, all, m.ID, x); err != nil || u.Active {
			t.Fatalf("deactivate: %+v, %v", u, err)
		}
		items, _ = audit.List(ctx, w.d, audit.Filter{All: true, Limit: 1})
		if items[0].Action != audit.Deactivate {
			t.Errorf("deactivation recorded as %s", items[0].Action)
		}
		b := w.units["bekasi"]
		cov := unit.Input{Type: b.Type, Name: b.Name, Region: b.Region, Coverage: []wilayah.Code{"33", "31"}, Version: b.Version}
		if u, err = unit.Update(ctx, w.d, w.ix, system, all, b.ID, cov); err != nil || fmt.Sprint(u.Coverage) != "[31 33]" {
			t.Errorf("coverage after update: %v, %v", u.Coverage, err)
		}
	})
}

func TestStoreNames(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		got, err := unit.Names(ctx, w.d, []int64{w.units["lks"].ID, w.units["gowa"].ID, 999999})
		if err != nil || len(got) != 2 || got[w.units["gowa"].ID] != "UPTD Gowa" {
			t.Errorf("Names = %v, %v", got, err)
		}
		if got, err := unit.Names(ctx, w.d, nil); err != nil || len(got) != 0 {
			t.Errorf("Names(nil) = %v, %v", got, err)
		}
	})
}

// AreaChanged is told, in Update's transaction, when and only when a unit's
// region or coverage changed; its error undoes the whole update.
func TestUpdateAreaChanged(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		all := access.Scope{All: true}
		b := w.units["bekasi"]
		var told []int64
		hook := func(ctx context.Context, tx *db.Tx, id int64) error { told = append(told, id); return nil }
		input := func(u unit.Unit) unit.Input {
			return unit.Input{Type: u.Type, Name: u.Name, Region: u.Region, Address: u.Address, Phone: u.Phone,
				Coverage: u.Coverage, Version: u.Version}
		}
		in := input(b)
		in.Phone = "021 1"
		b, err := unit.Update(ctx, w.d, w.ix, system, all, b.ID, in, hook)
		if err != nil || len(told) != 0 {
			t.Fatalf("phone change: told %v, %v", told, err)
		}
		in = input(b)
		in.Coverage = []wilayah.Code{"31", "32"}
		if b, err = unit.Update(ctx, w.d, w.ix, system, all, b.ID, in, hook); err != nil || len(told) != 1 {
			t.Fatalf("coverage change: told %v, %v", told, err)
		}
		failing := func(context.Context, *db.Tx, int64) error { return errors.New("relink failed") }
		in = input(b)
		in.Region = "32.16"
		if _, err := unit.Update(ctx, w.d, w.ix, system, all, b.ID, in, failing); err == nil {
			t.Fatal("a failing hook did not fail the update")
		}
		if got, _ := unit.Get(ctx, w.d, all, b.ID); got.Region != "32.75" || got.Version != b.Version {
			t.Errorf("a failed update left %s v%d, want 32.75 v%d", got.Region, got.Version, b.Version)
		}
	})
}

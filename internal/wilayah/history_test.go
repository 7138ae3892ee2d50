package wilayah_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/wilayah"
)

// What the synthetic later list changes, in Kota Salatiga.
const (
	droppedVillage  wilayah.Code = "33.73.04.1001" // Kecandran; a unit points at it
	renamedDistrict wilayah.Code = "33.73.04"      // Sidomukti
	addedVillage    wilayah.Code = "33.73.04.1099"
	newDistrictName              = "Sidomukti Raya"
)

var (
	source2026 = wilayah.Source{
		ID: "kepmendagri-2026-test", Regulation: "Kepmendagri (test list) Tahun 2026",
		ValidFrom: "2026-01-15", DataPackage: "test", Licence: "ODbL-1.0",
	}
	source2027 = wilayah.Source{
		ID: "kepmendagri-2027-test", Regulation: "Kepmendagri (test list) Tahun 2027",
		ValidFrom: "2027-03-01", DataPackage: "test", Licence: "ODbL-1.0",
	}
)

// relist builds a list as Kemendagri would publish it: the embedded rows,
// changed by edit (code → name; delete a key to drop a region), written as the
// same gzipped "code,name" CSV the generator writes, under src.
func relist(t *testing.T, src wilayah.Source, edit func(names map[string]string)) *wilayah.Index {
	t.Helper()
	gz, err := os.ReadFile("data/kepmendagri-2025.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(zr).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	names := make(map[string]string, len(recs))
	for _, rec := range recs[1:] { // recs[0] is the header
		names[rec[0]] = rec[1]
	}
	edit(names)

	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	w := csv.NewWriter(zw)
	w.Write([]string{"code", "name"})
	for _, code := range slices.Sorted(maps.Keys(names)) {
		w.Write([]string{code, names[code]})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err := wilayah.Build(&buf, src)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// list2026 drops a village, renames its kecamatan and adds a village code.
func list2026(t *testing.T) *wilayah.Index {
	return relist(t, source2026, func(names map[string]string) {
		for _, c := range []wilayah.Code{droppedVillage, renamedDistrict} {
			if _, ok := names[string(c)]; !ok {
				t.Fatalf("the embedded list has no %s", c)
			}
		}
		if _, ok := names[string(addedVillage)]; ok {
			t.Fatalf("the embedded list already has %s", addedVillage)
		}
		delete(names, string(droppedVillage))
		names[string(renamedDistrict)] = newDistrictName
		names[string(addedVillage)] = "Desa Uji"
	})
}

// list2027 is the embedded list again under a later source: it brings the
// dropped village back, drops the added one and restores the old name.
func list2027(t *testing.T) *wilayah.Index {
	return relist(t, source2027, func(map[string]string) {})
}

// regionState describes everything Load may touch, for before/after
// comparisons: sources, the row counts, and every row in the changed subtree.
func regionState(t *testing.T, d *db.DB) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	queries := []string{
		"SELECT id, valid_from FROM region_source ORDER BY id",
		"SELECT COUNT(*), COUNT(valid_to) FROM region",
		"SELECT COUNT(*), COUNT(valid_to) FROM region_name",
		"SELECT code, name, source_id, valid_from, COALESCE(valid_to, '-') FROM region WHERE code LIKE '33.73.04%' ORDER BY code",
		"SELECT code, source_id, name, valid_from, COALESCE(valid_to, '-') FROM region_name WHERE code LIKE '33.73.04%' ORDER BY code, valid_from",
	}
	for _, query := range queries {
		rows, err := d.Query(ctx, query)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				if s, ok := v.([]byte); ok {
					v = string(s)
				}
				fmt.Fprintf(&b, "%v|", v)
			}
			b.WriteByte('\n')
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

type nameRow struct {
	source, name, from, to string
}

func nameHistory(t *testing.T, d *db.DB, c wilayah.Code) []nameRow {
	t.Helper()
	rows, err := d.Query(context.Background(), `SELECT source_id, name, valid_from, COALESCE(valid_to, '')
		FROM region_name WHERE code = ? ORDER BY valid_from`, string(c))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []nameRow
	for rows.Next() {
		var r nameRow
		if err := rows.Scan(&r.source, &r.name, &r.from, &r.to); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// A later list is loaded beside the first: new codes added, dropped codes
// retired but kept for the records that point at them, renames kept as
// history; in one transaction, and only once.
func TestLoadLaterList(t *testing.T) {
	later, latest := list2026(t), list2027(t)
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			d := dbtest.Open(t, engine)
			ix, err := dbtest.Regions()
			if err != nil {
				t.Fatal(err)
			}
			var unitID int64
			if err := d.QueryRow(ctx, `INSERT INTO unit (type, name, region_code, province_code, created_at, updated_at)
				VALUES ('dinsos', 'Unit Kecandran', ?, '33', ?, ?) RETURNING id`, string(droppedVillage), db.Now(), db.Now()).
				Scan(&unitID); err != nil {
				t.Fatal(err)
			}
			before := regionState(t, d)

			// Atomic: a transaction that fails after Load leaves nothing.
			boom := errors.New("boom")
			err = d.InTx(ctx, func(tx *db.Tx) error {
				if _, err := wilayah.Load(ctx, tx, later); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("InTx = %v, want boom", err)
			}
			if got := regionState(t, d); got != before {
				t.Fatalf("a rolled-back Load left changes:\nbefore\n%s\nafter\n%s", before, got)
			}

			if res := load(t, d, later); res != (wilayah.LoadResult{Inserted: 1, Retired: 1, Renamed: 1}) {
				t.Fatalf("Load(2026) = %+v, want 1 inserted, 1 retired, 1 renamed", res)
			}
			after := regionState(t, d)

			t.Run("sources", func(t *testing.T) {
				got, err := wilayah.LoadedSources(ctx, d)
				if err != nil {
					t.Fatal(err)
				}
				if want := []wilayah.Source{ix.Source(), source2026}; !slices.Equal(got, want) {
					t.Errorf("LoadedSources = %+v, want %+v", got, want)
				}
				var current int
				if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM region WHERE valid_to IS NULL").Scan(&current); err != nil {
					t.Fatal(err)
				}
				if current != later.Count(0) {
					t.Errorf("%d current regions, want the later list's %d", current, later.Count(0))
				}
			})

			t.Run("retired", func(t *testing.T) {
				var code string
				if err := d.QueryRow(ctx, "SELECT region_code FROM unit WHERE id = ?", unitID).Scan(&code); err != nil {
					t.Fatal(err)
				}
				if code != string(droppedVillage) {
					t.Errorf("the unit points at %s, want %s", code, droppedVillage)
				}
				r, current, err := wilayah.Lookup(ctx, d, droppedVillage)
				if err != nil {
					t.Fatal(err)
				}
				want := wilayah.RegionRecord{
					Region:   wilayah.Region{Code: droppedVillage, Name: "Kecandran", Level: wilayah.Village, Parent: renamedDistrict},
					SourceID: ix.Source().ID, ValidFrom: "2025-04-25", ValidTo: "2026-01-15",
				}
				if current || r != want {
					t.Errorf("Lookup(%s) = %+v, %v; want %+v, false", droppedVillage, r, current, want)
				}
				if ok, err := wilayah.Exists(ctx, d, droppedVillage); err != nil || ok {
					t.Errorf("Exists(%s) = %v, %v; want false", droppedVillage, ok, err)
				}
				if got, want := nameHistory(t, d, droppedVillage), []nameRow{{ix.Source().ID, "Kecandran", "2025-04-25", "2026-01-15"}}; !slices.Equal(got, want) {
					t.Errorf("names of %s = %+v, want %+v", droppedVillage, got, want)
				}
			})

			t.Run("added", func(t *testing.T) {
				r, current, err := wilayah.Lookup(ctx, d, addedVillage)
				if err != nil {
					t.Fatal(err)
				}
				want := wilayah.RegionRecord{
					Region:   wilayah.Region{Code: addedVillage, Name: "Desa Uji", Level: wilayah.Village, Parent: renamedDistrict},
					SourceID: source2026.ID, ValidFrom: "2026-01-15",
				}
				if !current || r != want {
					t.Errorf("Lookup(%s) = %+v, %v; want %+v, true", addedVillage, r, current, want)
				}
				if ok, err := wilayah.Exists(ctx, d, addedVillage); err != nil || !ok {
					t.Errorf("Exists(%s) = %v, %v; want true", addedVillage, ok, err)
				}
			})

			t.Run("renamed", func(t *testing.T) {
				r, current, err := wilayah.Lookup(ctx, d, renamedDistrict)
				if err != nil {
					t.Fatal(err)
				}
				// The code is as old as it was; only its name is new.
				want := wilayah.RegionRecord{
					Region:   wilayah.Region{Code: renamedDistrict, Name: newDistrictName, Level: wilayah.District, Parent: "33.73"},
					SourceID: source2026.ID, ValidFrom: "2025-04-25",
				}
				if !current || r != want {
					t.Errorf("Lookup(%s) = %+v, %v; want %+v, true", renamedDistrict, r, current, want)
				}
				wantNames := []nameRow{
					{ix.Source().ID, "Sidomukti", "2025-04-25", "2026-01-15"},
					{source2026.ID, newDistrictName, "2026-01-15", ""},
				}
				if got := nameHistory(t, d, renamedDistrict); !slices.Equal(got, wantNames) {
					t.Errorf("names of %s = %+v, want %+v", renamedDistrict, got, wantNames)
				}
			})

			t.Run("unchanged", func(t *testing.T) {
				// Same code, same name: the row keeps its list.
				r, current, err := wilayah.Lookup(ctx, d, "33.73.04.1002")
				if err != nil || !current || r.SourceID != ix.Source().ID || r.Region.Name != "Dukuh" {
					t.Errorf("Lookup(33.73.04.1002) = %+v, %v, %v", r, current, err)
				}
			})

			t.Run("name at", func(t *testing.T) {
				day := func(s string) time.Time {
					tm, err := time.Parse(time.DateOnly, s)
					if err != nil {
						t.Fatal(err)
					}
					return tm
				}
				tests := []struct {
					code wilayah.Code
					at   string
					want string
				}{
					{renamedDistrict, "2020-01-01", "Sidomukti"}, // before any list: the oldest name known
					{renamedDistrict, "2025-04-25", "Sidomukti"},
					{renamedDistrict, "2026-01-14", "Sidomukti"},
					{renamedDistrict, "2026-01-15", newDistrictName},
					{renamedDistrict, "2030-01-01", newDistrictName},
					{droppedVillage, "2027-01-01", "Kecandran"}, // retired: its last name
					{addedVillage, "2026-02-01", "Desa Uji"},
				}
				for _, tt := range tests {
					got, err := wilayah.NameAt(ctx, d, tt.code, day(tt.at))
					if err != nil || got != tt.want {
						t.Errorf("NameAt(%s, %s) = %q, %v; want %q", tt.code, tt.at, got, err, tt.want)
					}
				}
				if _, err := wilayah.NameAt(ctx, d, "99.99", day("2026-01-01")); !errors.Is(err, db.ErrNotFound) {
					t.Errorf("NameAt(99.99) = %v, want ErrNotFound", err)
				}
			})

			t.Run("unknown", func(t *testing.T) {
				for _, c := range []wilayah.Code{"99.99", "3373", "", "33.73'; --"} {
					if _, _, err := wilayah.Lookup(ctx, d, c); !errors.Is(err, db.ErrNotFound) {
						t.Errorf("Lookup(%q) = %v, want ErrNotFound", c, err)
					}
				}
			})

			t.Run("again", func(t *testing.T) {
				if res := load(t, d, later); res != (wilayah.LoadResult{}) {
					t.Errorf("second Load(2026) = %+v, want no change", res)
				}
				if got := regionState(t, d); got != after {
					t.Errorf("a second Load changed the database:\nbefore\n%s\nafter\n%s", after, got)
				}
				// The first list, once more: already loaded, nothing to do.
				if res := load(t, d, ix); res != (wilayah.LoadResult{}) {
					t.Errorf("Load(2025) after 2026 = %+v, want no change", res)
				}
			})

			t.Run("reopened", func(t *testing.T) {
				// 2027 lists Kecandran again, drops Desa Uji, restores Sidomukti.
				if res := load(t, d, latest); res != (wilayah.LoadResult{Inserted: 1, Retired: 1, Renamed: 1}) {
					t.Fatalf("Load(2027) = %+v, want 1 inserted, 1 retired, 1 renamed", res)
				}
				r, current, err := wilayah.Lookup(ctx, d, droppedVillage)
				if err != nil {
					t.Fatal(err)
				}
				if !current || r.ValidTo != "" || r.ValidFrom != source2027.ValidFrom || r.SourceID != source2027.ID {
					t.Errorf("Lookup(%s) after 2027 = %+v, %v; want current from 2027", droppedVillage, r, current)
				}
				wantNames := []nameRow{
					{ix.Source().ID, "Kecandran", "2025-04-25", "2026-01-15"},
					{source2027.ID, "Kecandran", "2027-03-01", ""},
				}
				if got := nameHistory(t, d, droppedVillage); !slices.Equal(got, wantNames) {
					t.Errorf("names of %s = %+v, want %+v", droppedVillage, got, wantNames)
				}
				if ok, err := wilayah.Exists(ctx, d, addedVillage); err != nil || ok {
					t.Errorf("Exists(%s) after 2027 = %v, %v; want false", addedVillage, ok, err)
				}
				if got := nameHistory(t, d, renamedDistrict); len(got) != 3 || got[2] != (nameRow{source2027.ID, "Sidomukti", "2027-03-01", ""}) {
					t.Errorf("names of %s after 2027 = %+v", renamedDistrict, got)
				}
				var openNames, currentRegions int
				if err := d.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM region_name WHERE valid_to IS NULL),
					(SELECT COUNT(*) FROM region WHERE valid_to IS NULL)`).Scan(&openNames, &currentRegions); err != nil {
					t.Fatal(err)
				}
				if openNames != latest.Count(0) || currentRegions != latest.Count(0) {
					t.Errorf("%d open names and %d current regions, want %d each", openNames, currentRegions, latest.Count(0))
				}
			})
		})
	}
}

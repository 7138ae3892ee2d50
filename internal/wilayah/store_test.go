package wilayah_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/wilayah"
)

// onEachEngine runs fn against a fresh, migrated database on SQLite and, when
// LAYAN_TEST_POSTGRES names a maintenance database, on a throw-away
// PostgreSQL database. It needs no shared helper on purpose, so this
// package's tests stand alone.
func onEachEngine(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, openSQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, openPostgres(t))
	})
}

func openSQLite(t *testing.T) *db.DB {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "wilayah.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return d
}

func openPostgres(t *testing.T) *db.DB {
	t.Helper()
	admin := os.Getenv("LAYAN_TEST_POSTGRES")
	if admin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("LAYAN_TEST_POSTGRES is not set under CI=true")
		}
		t.Skip("LAYAN_TEST_POSTGRES not set; skipping the PostgreSQL run")
	}
	ctx := context.Background()
	maint, err := db.Open(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { maint.Close() })

	var rnd [6]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		t.Fatal(err)
	}
	name := "wilayah_test_" + hex.EncodeToString(rnd[:])
	// The name is ours, lower-case hex: safe to paste, and CREATE DATABASE
	// takes no placeholders.
	if _, err := maint.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	d, err := db.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	// Cleanups run last-in first-out: close our pool, then drop the database.
	t.Cleanup(func() {
		if _, err := maint.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})
	t.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return d
}

// load runs Load in a transaction, as the application does.
func load(t *testing.T, d *db.DB, ix *wilayah.Index) wilayah.LoadResult {
	t.Helper()
	var res wilayah.LoadResult
	err := d.InTx(context.Background(), func(tx *db.Tx) error {
		var err error
		res, err = wilayah.Load(context.Background(), tx, ix)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestStore(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 91,599 regions per engine")
	}
	ix := embedded(t)
	onEachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()

		if got, err := wilayah.Exists(ctx, d, "33.73"); err != nil || got {
			t.Fatalf("Exists before Load = %v, %v", got, err)
		}
		if res := load(t, d, ix); res != (wilayah.LoadResult{Inserted: ix.Count(0)}) {
			t.Fatalf("first Load = %+v, want %d inserted", res, ix.Count(0))
		}

		t.Run("idempotent", func(t *testing.T) {
			if res := load(t, d, ix); res != (wilayah.LoadResult{}) {
				t.Errorf("second Load = %+v, want no change", res)
			}
			for _, table := range []string{"region", "region_name"} {
				var rows int
				if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM "+table).Scan(&rows); err != nil {
					t.Fatal(err)
				}
				if rows != ix.Count(0) {
					t.Errorf("%s has %d rows, want %d", table, rows, ix.Count(0))
				}
			}
		})

		t.Run("sources", func(t *testing.T) {
			got, err := wilayah.LoadedSources(ctx, d)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, []wilayah.Source{ix.Source()}) {
				t.Errorf("LoadedSources = %+v, want %+v", got, ix.Source())
			}
		})

		t.Run("rows", func(t *testing.T) {
			tests := []struct {
				code                       wilayah.Code
				name                       string
				level                      int
				parent, province, validFrm string
			}{
				{"33", "Jawa Tengah", 1, "", "33", "2025-04-25"},
				{"33.73.04.1001", "Kecandran", 4, "33.73.04", "33", "2025-04-25"},
				{"35.29.22", `Ra"as`, 3, "35.29", "35", "2025-04-25"},
			}
			for _, tt := range tests {
				var name, province, source, validFrom string
				var parent *string
				var level int
				err := d.QueryRow(ctx, `SELECT name, level, parent_code, province_code, source_id, valid_from
					FROM region WHERE code = ? AND valid_to IS NULL`, string(tt.code)).
					Scan(&name, &level, &parent, &province, &source, &validFrom)
				if err != nil {
					t.Fatalf("%s: %v", tt.code, err)
				}
				gotParent := ""
				if parent != nil {
					gotParent = *parent
				}
				if name != tt.name || level != tt.level || gotParent != tt.parent || province != tt.province ||
					source != ix.Source().ID || validFrom != tt.validFrm {
					t.Errorf("%s = %q %d %q %q %q %q", tt.code, name, level, gotParent, province, source, validFrom)
				}
				if tt.parent == "" && parent != nil {
					t.Errorf("%s: parent_code is %q, want NULL", tt.code, *parent)
				}
			}
		})

		t.Run("exists", func(t *testing.T) {
			tests := []struct {
				code wilayah.Code
				want bool
			}{
				{"33", true},
				{"33.73", true},
				{"33.73.04.1001", true},
				{"96", true},
				{"99", false},
				{"33.73.04.9999", false},
				{"3373", false}, // not canonical: never matches a stored code
				{"", false},
				{"33.73'; --", false},
			}
			for _, tt := range tests {
				got, err := wilayah.Exists(ctx, d, tt.code)
				if err != nil || got != tt.want {
					t.Errorf("Exists(%q) = %v, %v; want %v", tt.code, got, err, tt.want)
				}
			}
		})

		t.Run("subtree", func(t *testing.T) {
			// The SQL fragment must select exactly what the index says lies
			// in the subtree: first, last and middle of the code space, and
			// codes whose neighbours share a prefix.
			for _, c := range []wilayah.Code{"11", "33", "33.73", "33.73.04", "33.73.04.1001", "31.71", "96", "96.03", "96.71", "92"} {
				want := subtree(ix, c)
				cond, args := wilayah.SubtreeCond("code", c)
				rows, err := d.Query(ctx, "SELECT code FROM region WHERE "+cond+" ORDER BY code", args...)
				if err != nil {
					t.Fatal(err)
				}
				var got []wilayah.Code
				for rows.Next() {
					var s string
					if err := rows.Scan(&s); err != nil {
						t.Fatal(err)
					}
					got = append(got, wilayah.Code(s))
				}
				rows.Close()
				if err := rows.Err(); err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s: SQL selected %d codes, index has %d", c, len(got), len(want))
				}
			}

			// The brief's example: villages of Kota Salatiga.
			cond, args := wilayah.SubtreeCond("code", "33.73")
			var n int
			if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM region WHERE level = 4 AND "+cond, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			want := 0
			for _, c := range subtree(ix, "33.73") {
				if c.Level() == wilayah.Village {
					want++
				}
			}
			if n != want || n == 0 {
				t.Errorf("villages under 33.73: SQL %d, index %d", n, want)
			}

			cond, args = wilayah.SubtreeCond("code", "")
			if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM region WHERE "+cond, args...).Scan(&n); err != nil || n != 0 {
				t.Errorf("empty code selected %d rows (%v), want 0", n, err)
			}
		})
	})
}

// subtree lists c and everything below it, in code order, from the index.
func subtree(ix *wilayah.Index, c wilayah.Code) []wilayah.Code {
	if _, ok := ix.Get(c); !ok {
		return nil
	}
	out := []wilayah.Code{c}
	for _, r := range ix.Children(c) {
		out = append(out, subtree(ix, r.Code)...)
	}
	return out
}

// A list issued before the newest one loaded would retire the newer codes:
// Load refuses it and leaves the database as it was.
func TestLoadRefusesOlderList(t *testing.T) {
	ix := embedded(t)
	onEachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Exec(ctx, `INSERT INTO region_source (id, regulation, valid_from, data_package, licence, loaded_at)
			VALUES (?, ?, ?, ?, ?, ?)`, "kepmendagri-2030", "Kepmendagri 2030 (test)", "2030-01-02", "test", "ODbL-1.0", db.Now()); err != nil {
			t.Fatal(err)
		}
		err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := wilayah.Load(ctx, tx, ix)
			return err
		})
		if err == nil {
			t.Fatal("Load ran after a newer list")
		}
		var regions, sources int
		if err := d.QueryRow(ctx, "SELECT (SELECT COUNT(*) FROM region), (SELECT COUNT(*) FROM region_source)").
			Scan(&regions, &sources); err != nil || regions != 0 || sources != 1 {
			t.Errorf("region has %d rows and region_source %d (%v), want 0 and 1", regions, sources, err)
		}
	})
}

package main

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/demo"
)

// TestDemoPeople runs `layan demo --people` as an operator would: it needs
// a unit, loads exactly N people with progress and a rate, does nothing
// when run again, and refuses a second size of the same seed.
func TestDemoPeople(t *testing.T) {
	ctx := context.Background()
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			url := dbtest.NewURL(t, engine)
			env := envFor(url)
			layan := func(args ...string) (string, error) {
				var out bytes.Buffer
				err := run(ctx, append([]string{"demo"}, args...), env, &out, io.Discard)
				return out.String(), err
			}
			if _, err := layan("--people", "0"); err == nil || !strings.Contains(err.Error(), "usage") {
				t.Errorf("--people 0: %v", err)
			}
			if _, err := layan("--people", "100", "--unit", "999"); err == nil || !strings.Contains(err.Error(), "999") {
				t.Errorf("a unit that does not exist: %v", err)
			}
			d := openDB(t, url)
			unit := salatigaUnit(t, d)

			out, err := layan("--people", "2500", "--batch", "500", "--unit", strconv.FormatInt(unit, 10))
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			for _, want := range []string{"into unit " + strconv.FormatInt(unit, 10), " 20 %", "100 %", "selesai / done: 2500 orang", "orang/s"} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			var n int
			if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM person WHERE unit_id = ?", unit).Scan(&n); err != nil || n != 2500 {
				t.Fatalf("%d people of the unit (%v), want 2500", n, err)
			}

			out, err = layan("--people", "2500", "--unit", strconv.FormatInt(unit, 10))
			if err != nil || !strings.Contains(out, "already loaded: 2500") {
				t.Errorf("second run: %v\n%s", err, out)
			}
			if _, err := layan("--people", "3000"); err == nil || !strings.Contains(err.Error(), "--seed") {
				t.Errorf("another size of the same seed: %v", err)
			}
			// Without --unit, a register no unit made: linked to nobody.
			out, err = layan("--people", "500", "--seed", "2")
			if err != nil || !strings.Contains(out, "done: 500 orang") || !strings.Contains(out, "registered by no unit") {
				t.Errorf("another seed: %v\n%s", err, out)
			}
			if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM person WHERE unit_id IS NULL AND linked_unit IS NULL").Scan(&n); err != nil || n != 500 {
				t.Errorf("%d people of no unit (%v), want 500", n, err)
			}
			out, err = layan("--people", "500", "--seed", "2")
			if err != nil || !strings.Contains(out, "already loaded: 500") {
				t.Errorf("second run of a load of no unit: %v\n%s", err, out)
			}
		})
	}
}

// TestDemoCases runs `layan demo --cases`: after the people of the same
// command, on a unit given or by default the demo sentra; progress, the
// final line with the workers, nothing done when run again, and a second
// size of the same seed refused.
func TestDemoCases(t *testing.T) {
	ctx := context.Background()
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			url := dbtest.NewURL(t, engine)
			env := envFor(url)
			layan := func(args ...string) (string, error) {
				var out bytes.Buffer
				err := run(ctx, append([]string{"demo"}, args...), env, &out, io.Discard)
				return out.String(), err
			}
			if _, err := layan("--cases", "-5"); err == nil || !strings.Contains(err.Error(), "usage") {
				t.Errorf("--cases -5: %v", err)
			}
			if _, err := layan("--cases", "10"); err == nil || !strings.Contains(err.Error(), "--unit") {
				t.Errorf("no demo sentra and no --unit: %v", err)
			}
			d := openDB(t, url)
			unit := salatigaUnit(t, d)
			u := strconv.FormatInt(unit, 10)

			// People first, then cases on them.
			out, err := layan("--people", "2000", "--cases", "1000", "--unit", u, "--batch", "250")
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			for _, want := range []string{"selesai / done: 2000 orang", "1000 kasus sintetis / synthetic cases (seed 1) ke unit / into unit " + u,
				" 25 %", "100 %", "selesai / done: 1000 kasus / cases, 10 pekerja / workers in ", "kasus/s (cases per second)",
				"sintetis.u" + u + ".pekerja.00010"} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			if strings.Index(out, "orang / people") > strings.Index(out, "kasus / cases") {
				t.Errorf("cases loaded before people:\n%s", out)
			}
			var n int
			if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM case_file WHERE unit_id = ?", unit).Scan(&n); err != nil || n != 1000 {
				t.Fatalf("%d cases of the unit (%v), want 1000", n, err)
			}

			out, err = layan("--people", "2000", "--cases", "1000", "--unit", u)
			if err != nil || !strings.Contains(out, "already loaded: 2000 people") || !strings.Contains(out, "already loaded: 1000 cases") {
				t.Errorf("second run: %v\n%s", err, out)
			}
			if _, err := layan("--cases", "1200", "--unit", u); err == nil || !strings.Contains(err.Error(), "another seed") {
				t.Errorf("another size of the same seed: %v", err)
			}

			// Without --unit: the demo sentra, which reaches the people of
			// its three provinces.
			var sentra int64
			if err := d.QueryRow(ctx, `INSERT INTO unit (type, name, region_code, province_code, coverage, created_at, updated_at)
				VALUES ('sentra_terpadu', ?, '32.75', '32', '31,32,36', ?, ?) RETURNING id`, demo.SentraName, db.Now(), db.Now()).Scan(&sentra); err != nil {
				t.Fatal(err)
			}
			out, err = layan("--cases", "50", "--seed", "5")
			if err != nil || !strings.Contains(out, "into unit "+strconv.FormatInt(sentra, 10)) || !strings.Contains(out, "done: 50 kasus / cases, 1 pekerja") {
				t.Errorf("default unit: %v\n%s", err, out)
			}
			if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM case_file WHERE unit_id = ? AND NOT (village_code >= '31.' AND village_code < '31/'
				OR village_code >= '32.' AND village_code < '32/' OR village_code >= '36.' AND village_code < '36/')`, sentra).Scan(&n); err != nil || n != 0 {
				t.Errorf("%d cases of the sentra outside its reach (%v)", n, err)
			}
		})
	}
}

// salatigaUnit adds the Dinas Sosial of Kota Salatiga to a database the
// CLI made (no demo data) and returns its id.
func salatigaUnit(t *testing.T, d *db.DB) int64 {
	t.Helper()
	var unit int64
	if err := d.QueryRow(context.Background(), `INSERT INTO unit (type, name, region_code, province_code, created_at, updated_at)
		VALUES ('dinsos_kabkota', ?, '33.73', '33', ?, ?) RETURNING id`, "Dinas Sosial Kota Salatiga", db.Now(), db.Now()).Scan(&unit); err != nil {
		t.Fatal(err)
	}
	return unit
}

package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/app"
	"github.com/layan-id/layan/internal/casework"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/demo"
	"github.com/layan-id/layan/internal/registry"
	"github.com/layan-id/layan/internal/synth"
	"github.com/layan-id/layan/internal/wilayah"
)

const demoUsage = "usage: layan demo [--people N] [--cases N] [--unit ID] [--seed S] [--batch N] [--workers N] [--deliveries N]"

// demoCmd loads N synthetic people (internal/synth) with registry.BulkLoad
// and/or N synthetic cases with casework.BulkCases, people first. Each load
// is named after its seed and size: running the same command again
// completes a load that was interrupted, and does nothing after one that
// finished.
func demoCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	people := fs.Int("people", 0, "number of synthetic people to load")
	cases := fs.Int("cases", 0, "number of synthetic cases to load, on people in reach of the unit")
	unitID := fs.Int64("unit", 0, "id of the unit that registers the people (default: none; each is in reach of the workers of their own region) and holds the cases (default: the demo sentra, "+demo.SentraName+")")
	seed := fs.Uint64("seed", 1, "seed of the generator: the same seed and count give the same people and cases")
	batch := fs.Int("batch", 0, fmt.Sprintf("people or cases per transaction (default %d people, %d cases)", registry.DefaultBatchSize, casework.DefaultCaseBatch))
	workers := fs.Int("workers", 0, "synthetic workers sharing the cases (default: one per 100 cases)")
	deliveries := fs.Int("deliveries", 1, "services in which each planned need of a case is delivered (1–50)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *people < 0 || *cases < 0 || *people+*cases == 0 || *workers < 0 || *deliveries < 1 || *deliveries > 50 || fs.NArg() > 0 {
		return errors.New(demoUsage)
	}
	d, ix, err := app.Open(ctx, getenv("LAYAN_DB"))
	if err != nil {
		return err
	}
	defer d.Close()
	// The unit of the cases, known before any people are loaded.
	casesUnit := *unitID
	if *cases > 0 && casesUnit == 0 {
		if casesUnit, err = demo.UnitID(ctx, d, demo.SentraName); err != nil {
			return err
		}
		if casesUnit == 0 {
			return fmt.Errorf("the database has no %s (the demo sentra) to hold the cases: start `layan serve --demo` once, or give --unit", demo.SentraName)
		}
	}
	if *people > 0 {
		if err := demoPeople(ctx, d, ix, stdout, *people, *unitID, *seed, *batch); err != nil {
			return err
		}
	}
	if *cases > 0 {
		return demoCases(ctx, d, stdout, *cases, casesUnit, *seed, *batch, *workers, *deliveries)
	}
	return nil
}

// demoPeople loads n synthetic people with registry.BulkLoad.
func demoPeople(ctx context.Context, d *db.DB, ix *wilayah.Index, stdout io.Writer, people int, unitID int64, seed uint64, batch int) error {
	gen, err := synth.New(ix, synth.Config{Seed: seed})
	if err != nil {
		return err
	}
	name := fmt.Sprintf("synth seed=%d people=%d", seed, people)
	// Another count with the same seed makes the same people again, whose
	// KK numbers are already taken: say so before loading anything.
	var other sql.NullString
	err = d.QueryRow(ctx, `SELECT MIN(entity_id) FROM audit_log WHERE entity = 'person' AND entity_id LIKE ? AND entity_id <> ?`,
		fmt.Sprintf("load:synth seed=%d people=%%", seed), "load:"+name).Scan(&other)
	if err != nil {
		return err
	}
	if other.Valid {
		return fmt.Errorf("the registry already holds a load of the same seed (%s): its people are the first of these; use another --seed", strings.TrimPrefix(other.String, "load:"))
	}
	store := &registry.Store{DB: d, Regions: ix}

	into := "tanpa unit / registered by no unit"
	if unitID != 0 {
		into = fmt.Sprintf("ke unit / into unit %d", unitID)
	}
	fmt.Fprintf(stdout, "memuat / loading %d orang sintetis / synthetic people (seed %d) %s (%s)\n",
		people, seed, into, d.Dialect())
	start := time.Now()
	progress := progressPrinter(stdout, people, start, "people", "orang/s")
	res, err := store.BulkLoad(ctx, cliActor, gen.People(people), registry.BulkOptions{
		Name: name, UnitID: unitID, Total: people, BatchSize: batch, Progress: progress,
	})
	el := time.Since(start)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("dihentikan / stopped after %d people: run the same command again to finish the load", res.Skipped+res.Loaded)
		}
		return explain(err)
	}
	if res.Loaded == 0 && res.Skipped > 0 {
		fmt.Fprintf(stdout, "sudah dimuat / already loaded: %d people (load %q)\n", res.Skipped, name)
		return nil
	}
	fmt.Fprintf(stdout, "selesai / done: %d orang / people, %d KK in %s: %.0f orang/s (people per second)\n",
		res.Loaded, res.Households, el.Round(100*time.Millisecond), rate(res.Loaded, el))
	if res.Skipped > 0 {
		fmt.Fprintf(stdout, "  %d people had been loaded by an earlier run\n", res.Skipped)
	}
	if res.Duplicates > 0 {
		fmt.Fprintf(stdout, "  %d people share a NIK already in the registry: stored as duplicates (duplicate_of)\n", res.Duplicates)
	}
	return nil
}

// demoCases loads n synthetic cases into a unit with casework.BulkCases.
func demoCases(ctx context.Context, d *db.DB, stdout io.Writer, cases int, unitID int64, seed uint64, batch, workers, deliveries int) error {
	fmt.Fprintf(stdout, "memuat / loading %d kasus sintetis / synthetic cases (seed %d) ke unit / into unit %d (%s)\n",
		cases, seed, unitID, d.Dialect())
	start := time.Now()
	progress := progressPrinter(stdout, cases, start, "cases", "kasus/s")
	res, err := casework.BulkCases(ctx, d, casework.BulkCaseOptions{Cases: cases, Seed: seed, UnitID: unitID,
		Workers: workers, BatchSize: batch, Progress: progress, Actor: cliActor, Deliveries: deliveries})
	el := time.Since(start)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("dihentikan / stopped after %d cases: run the same command again to finish the load", res.Skipped+res.Loaded)
		}
		return explain(err)
	}
	if res.Loaded == 0 && res.Skipped > 0 {
		fmt.Fprintf(stdout, "sudah dimuat / already loaded: %d cases (load %q)\n", res.Skipped, casework.CaseLoadName(unitID, seed, cases))
		return nil
	}
	fmt.Fprintf(stdout, "selesai / done: %d kasus / cases, %d pekerja / workers in %s: %.0f kasus/s (cases per second)\n",
		res.Loaded, res.Workers, el.Round(100*time.Millisecond), rate(res.Loaded, el))
	if res.Skipped > 0 {
		fmt.Fprintf(stdout, "  %d cases had been loaded by an earlier run\n", res.Skipped)
	}
	fmt.Fprintf(stdout, "  %d orang dalam jangkauan unit / people in the unit's reach", res.People)
	if cases > res.People {
		fmt.Fprintf(stdout, ": about %.1f cases per person", float64(cases)/float64(res.People))
	}
	fmt.Fprintln(stdout)
	fmt.Fprintf(stdout, "  akun / accounts: %s … %s, %s (tanpa kata sandi / no password: use `layan token create --user NAME`)\n",
		casework.SyntheticUsername(unitID, 1), casework.SyntheticUsername(unitID, res.Workers), casework.SyntheticUsername(unitID, 0))
	return nil
}

// progressPrinter returns a Progress callback for a load of total items:
// its first call is what earlier runs loaded, then a line at every 5 %.
func progressPrinter(stdout io.Writer, total int, start time.Time, what, unit string) func(done int) {
	var first, shown int // items there before this run; the last 5 % step printed
	started := false
	return func(done int) {
		if !started { // the first call: what earlier runs loaded
			started, first, shown = true, done, done*20/total
			if done > 0 {
				fmt.Fprintf(stdout, "  melanjutkan / resuming after %d %s loaded earlier\n", done, what)
			}
			return
		}
		step := done * 20 / total
		if step <= shown {
			return
		}
		shown = step
		el := time.Since(start)
		fmt.Fprintf(stdout, "  %3d %%  %9d  %s  %.0f %s\n", step*5, done, el.Round(100*time.Millisecond), rate(done-first, el), unit)
	}
}

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

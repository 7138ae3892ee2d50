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
	"github.com/layan-id/layan/internal/registry"
	"github.com/layan-id/layan/internal/synth"
)

const demoUsage = "usage: layan demo --people N [--unit ID] [--seed S] [--batch N]"

// demoCmd loads N synthetic people (internal/synth) with registry.BulkLoad.
// The load is named after its seed and size: running the same command
// again completes a load that was interrupted, and does nothing after one
// that finished.
func demoCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	people := fs.Int("people", 0, "number of synthetic people to load")
	unitID := fs.Int64("unit", 0, "id of the unit that registers them (default: none; each is in reach of the workers of their own region)")
	seed := fs.Uint64("seed", 1, "seed of the generator: the same seed and count give the same people")
	batch := fs.Int("batch", 0, fmt.Sprintf("people per transaction (default %d)", registry.DefaultBatchSize))
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *people <= 0 || fs.NArg() > 0 {
		return errors.New(demoUsage)
	}
	d, ix, err := app.Open(ctx, getenv("LAYAN_DB"))
	if err != nil {
		return err
	}
	defer d.Close()
	gen, err := synth.New(ix, synth.Config{Seed: *seed})
	if err != nil {
		return err
	}
	name := fmt.Sprintf("synth seed=%d people=%d", *seed, *people)
	// Another count with the same seed makes the same people again, whose
	// KK numbers are already taken: say so before loading anything.
	var other sql.NullString
	err = d.QueryRow(ctx, `SELECT MIN(entity_id) FROM audit_log WHERE entity = 'person' AND entity_id LIKE ? AND entity_id <> ?`,
		fmt.Sprintf("load:synth seed=%d people=%%", *seed), "load:"+name).Scan(&other)
	if err != nil {
		return err
	}
	if other.Valid {
		return fmt.Errorf("the registry already holds a load of the same seed (%s): its people are the first of these; use another --seed", strings.TrimPrefix(other.String, "load:"))
	}
	store := &registry.Store{DB: d, Regions: ix}

	into := "tanpa unit / registered by no unit"
	if *unitID != 0 {
		into = fmt.Sprintf("ke unit / into unit %d", *unitID)
	}
	fmt.Fprintf(stdout, "memuat / loading %d orang sintetis / synthetic people (seed %d) %s (%s)\n",
		*people, *seed, into, d.Dialect())
	start := time.Now()
	var first, shown int // people there before this run; the last 5 % step printed
	started := false
	progress := func(done int) {
		if !started { // the first call: what earlier runs loaded
			started, first, shown = true, done, done*20 / *people
			if done > 0 {
				fmt.Fprintf(stdout, "  melanjutkan / resuming after %d people loaded earlier\n", done)
			}
			return
		}
		step := done * 20 / *people
		if step <= shown {
			return
		}
		shown = step
		el := time.Since(start)
		fmt.Fprintf(stdout, "  %3d %%  %9d  %s  %.0f orang/s\n", step*5, done, el.Round(100*time.Millisecond), rate(done-first, el))
	}
	res, err := store.BulkLoad(ctx, cliActor, gen.People(*people), registry.BulkOptions{
		Name: name, UnitID: *unitID, Total: *people, BatchSize: *batch, Progress: progress,
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

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

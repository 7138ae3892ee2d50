package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/app"
	"github.com/layan-id/layan/internal/casework"
	"github.com/layan-id/layan/internal/spm"
)

const spmUsage = `usage:
  layan spm verify [--repair] [--json]
  layan spm settings [--weights PENERIMA,MUTU] [--bands "100:Tuntas Paripurna,90:…,0:Belum Tuntas"] [--deadline-day N] [--json]`

// errDisagree makes `layan spm verify` exit non-zero when the figures differ.
var errDisagree = errors.New("angka SPM yang tersimpan berbeda dari hasil hitung ulang / the stored SPM figures differ from the recomputed ones (run `layan spm verify --repair`)")

// spmCmd recomputes the SPM achievement from the case documents and compares
// it with the figures every case step keeps (issue 6 point 8).
func spmCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "settings" {
		return spmSettingsCmd(ctx, args[1:], getenv, stdout)
	}
	if len(args) == 0 || args[0] != "verify" {
		return errors.New(spmUsage)
	}
	fs := flag.NewFlagSet("spm verify", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	repair := fs.Bool("repair", false, "replace the stored figures with the recomputed ones")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 {
		return errors.New(spmUsage)
	}
	d, _, err := app.Open(ctx, getenv("LAYAN_DB"))
	if err != nil {
		return err
	}
	defer d.Close()
	src := &casework.Store{DB: d}
	start := time.Now()
	progress := func(done, total int64) {
		if !*asJSON {
			fmt.Fprintf(stdout, "  %3d %%  %d / %d kasus / cases\n", done*100/max(total, 1), done, total)
		}
	}
	check, err := spm.Verify(ctx, d, src, progress)
	if err != nil {
		return err
	}
	el := time.Since(start)
	repaired := false
	if !check.Agrees() && *repair {
		if _, err := spm.Rebuild(ctx, d, src, nil); err != nil {
			return fmt.Errorf("repair: %w", err)
		}
		repaired = true
	}
	if *asJSON {
		out := struct {
			spm.Check
			Agrees   bool    `json:"agrees"`
			Repaired bool    `json:"repaired"`
			Seconds  float64 `json:"seconds"`
		}{check, check.Agrees(), repaired, el.Seconds()}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(stdout, "%d episode, %d tally dihitung ulang dalam / recomputed in %s\n", check.Episodes, check.Tallies,
			el.Round(10*time.Millisecond))
		if check.Agrees() {
			fmt.Fprintln(stdout, "sesuai / agrees: angka tersimpan sama persis / the stored figures are exactly the recomputed ones")
		} else {
			fmt.Fprintf(stdout, "BERBEDA / DIFFERS: %d episode, %d tally\n", check.Episode, check.Tally)
			for _, x := range check.Examples {
				fmt.Fprintf(stdout, "  kasus / case %d siklus / cycle %d: tersimpan / stored %s, seharusnya / derived %s\n",
					x.CaseID, x.Cycle, showEpisode(x.Stored), showEpisode(x.Derived))
			}
			for _, x := range check.TallyShown {
				fmt.Fprintf(stdout, "  %s: tersimpan / stored %+d %+d %+d, seharusnya / derived %+d %+d %+d (Y masuk, Y keluar, X)\n",
					x.Key, x.Stored.YIn, -x.Stored.YOut, x.Stored.XIn, x.Derived.YIn, -x.Derived.YOut, x.Derived.XIn)
			}
			if repaired {
				fmt.Fprintln(stdout, "diperbaiki / repaired: angka tersimpan diganti hasil hitung ulang / the stored figures were replaced")
			}
		}
	}
	if !check.Agrees() && !repaired {
		return errDisagree
	}
	return nil
}

func showEpisode(e *spm.Episode) string {
	if e == nil {
		return "—"
	}
	return fmt.Sprintf("%s %s dinilai/assessed %s terpenuhi/met %q selesai/ended %q", e.Region, e.Jenis, e.AssessedOn, e.MetOn, e.EndedOn)
}

// spmSettingsCmd prints the SPM settings and, given flags, changes them as
// the operator (an admin of the whole deployment), audited like a change on
// the settings page.
func spmSettingsCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("spm settings", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	weights := fs.String("weights", "", "index weights of recipients and quality, summing to 1, e.g. 1,0")
	bands := fs.String("bands", "", `label bands "MIN:LABEL,…" from the highest down to 0`)
	day := fs.Int("deadline-day", 0, "day (1–28) of the month after the quarter the report is due")
	asJSON := fs.Bool("json", false, "print the settings as JSON")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return errors.New(spmUsage)
	}
	d, _, err := app.Open(ctx, getenv("LAYAN_DB"))
	if err != nil {
		return err
	}
	defer d.Close()
	store := &spm.Store{DB: d}
	operator := access.User{Role: access.Admin}
	set, err := store.Settings(ctx, operator)
	if err != nil {
		return err
	}
	if *weights != "" || *bands != "" || *day != 0 {
		if *weights != "" {
			p, m, ok := strings.Cut(*weights, ",")
			var e1, e2 error
			set.Weights.Penerima, e1 = strconv.ParseFloat(strings.TrimSpace(p), 64)
			set.Weights.Mutu, e2 = strconv.ParseFloat(strings.TrimSpace(m), 64)
			if !ok || e1 != nil || e2 != nil {
				return fmt.Errorf("--weights %q: want two numbers, PENERIMA,MUTU", *weights)
			}
		}
		if *bands != "" {
			if set.Bands, err = spm.ParseBands(*bands); err != nil {
				return fmt.Errorf("--bands: %w", err)
			}
		}
		if *day != 0 {
			set.DeadlineDay = *day
		}
		if set, err = store.SetSettings(ctx, cliActor, operator, set); err != nil {
			return explain(err)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(set)
	}
	fmt.Fprintf(stdout, "bobot / weights: penerima %v, mutu %v\n", set.Weights.Penerima, set.Weights.Mutu)
	fmt.Fprintln(stdout, "label / bands:")
	for _, b := range set.Bands {
		fmt.Fprintf(stdout, "  ≥ %v  %s\n", b.Min, b.Label)
	}
	fmt.Fprintf(stdout, "batas laporan / report deadline: tanggal %d bulan sesudah triwulan / day %d of the month after the quarter\n",
		set.DeadlineDay, set.DeadlineDay)
	return nil
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/layan-id/layan/internal/db/dbtest"
)

// TestSPMVerify runs `layan spm verify` as an operator would: after a load
// of cases it agrees; a tally changed by hand makes it fail, naming the
// difference; --repair puts it right.
func TestSPMVerify(t *testing.T) {
	ctx := context.Background()
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			url := dbtest.NewURL(t, engine)
			env := envFor(url)
			layan := func(args ...string) (string, error) {
				var out bytes.Buffer
				err := run(ctx, args, env, &out, io.Discard)
				return out.String(), err
			}
			if _, err := layan("spm"); err == nil || !strings.Contains(err.Error(), "usage") {
				t.Errorf("no subcommand: %v", err)
			}
			if _, err := layan("spm", "verify", "--fix"); err == nil || !strings.Contains(err.Error(), "usage") {
				t.Errorf("unknown flag: %v", err)
			}
			d := openDB(t, url)
			unit := salatigaUnit(t, d)
			u := strconv.FormatInt(unit, 10)
			if out, err := layan("demo", "--people", "800", "--unit", u); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if out, err := layan("demo", "--cases", "600", "--unit", u); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			out, err := layan("spm", "verify")
			if err != nil || !strings.Contains(out, "sesuai / agrees") || !strings.Contains(out, "100 %") {
				t.Fatalf("verify after the load: %v\n%s", err, out)
			}
			if _, err := d.Exec(ctx, `UPDATE spm_tally SET x_in = x_in + 1
				WHERE region_code || jenis || year || quarter = (SELECT MIN(region_code || jenis || year || quarter) FROM spm_tally)`); err != nil {
				t.Fatal(err)
			}
			out, err = layan("spm", "verify")
			if !errors.Is(err, errDisagree) || !strings.Contains(out, "BERBEDA / DIFFERS: 0 episode, 1 tally") || !strings.Contains(out, "stored") {
				t.Fatalf("verify of a changed tally: %v\n%s", err, out)
			}
			out, err = layan("spm", "verify", "--repair", "--json")
			var res struct {
				Episodes int  `json:"episodes"`
				Agrees   bool `json:"agrees"`
				Repaired bool `json:"repaired"`
				Tally    int  `json:"tally_diffs"`
			}
			if err != nil || json.Unmarshal([]byte(out), &res) != nil || res.Agrees || !res.Repaired || res.Tally != 1 || res.Episodes == 0 {
				t.Fatalf("repair: %v %+v\n%s", err, res, out)
			}
			if out, err := layan("spm", "verify"); err != nil || !strings.Contains(out, "sesuai / agrees") {
				t.Errorf("verify after the repair: %v\n%s", err, out)
			}
		})
	}
}

// TestSPMSettingsCmd prints and changes the SPM settings as an operator
// would; a bad value is refused with the field named and nothing stored.
func TestSPMSettingsCmd(t *testing.T) {
	ctx := context.Background()
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := envFor(dbtest.NewURL(t, engine))
			layan := func(args ...string) (string, error) {
				var out bytes.Buffer
				err := run(ctx, args, env, &out, io.Discard)
				return out.String(), err
			}
			if _, err := layan("migrate"); err != nil {
				t.Fatal(err)
			}
			out, err := layan("spm", "settings")
			if err != nil || !strings.Contains(out, "penerima 1, mutu 0") || !strings.Contains(out, "≥ 90  Tuntas Utama") ||
				!strings.Contains(out, "tanggal 20") {
				t.Fatalf("defaults: %v\n%s", err, out)
			}
			if _, err := layan("spm", "settings", "--weights", "0.7,0.2"); err == nil || !strings.Contains(err.Error(), "--weights") {
				t.Errorf("weights not summing to 1: %v", err)
			}
			if _, err := layan("spm", "settings", "--bands", "90:Baik"); err == nil {
				t.Error("bands without 0 were taken")
			}
			out, err = layan("spm", "settings", "--bands", "95:Baik,0:Kurang", "--deadline-day", "12", "--json")
			var set struct {
				Bands []struct {
					Min   float64 `json:"min"`
					Label string  `json:"label"`
				} `json:"bands"`
				Day int `json:"report_deadline_day"`
			}
			if err != nil || json.Unmarshal([]byte(out), &set) != nil || len(set.Bands) != 2 || set.Bands[0].Label != "Baik" || set.Day != 12 {
				t.Fatalf("change: %v\n%s", err, out)
			}
			if out, err = layan("spm", "settings"); err != nil || !strings.Contains(out, "tanggal 12") || !strings.Contains(out, "≥ 95  Baik") {
				t.Errorf("read back: %v\n%s", err, out)
			}
		})
	}
}

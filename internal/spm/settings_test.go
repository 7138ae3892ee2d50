package spm_test

import (
	"context"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/spm"
)

func TestParseBands(t *testing.T) {
	tests := []struct {
		text string
		want []spm.Band
		ok   bool
	}{
		{spm.FormatBands(spm.DefaultBands), spm.DefaultBands, true},
		{"95:Baik, 50:Cukup; 0:Kurang", []spm.Band{{Min: 95, Label: "Baik"}, {Min: 50, Label: "Cukup"}, {Min: 0, Label: "Kurang"}}, true},
		{"\n 100 : Penuh \n\n0:Belum\n", []spm.Band{{Min: 100, Label: "Penuh"}, {Min: 0, Label: "Belum"}}, true},
		{"87.5:Tinggi\n0:Rendah", []spm.Band{{Min: 87.5, Label: "Tinggi"}, {Min: 0, Label: "Rendah"}}, true},
		{"", nil, false},                  // nothing labels an index
		{"90:Baik", nil, false},           // no band starts at 0
		{"0:Kurang\n90:Baik", nil, false}, // not from the highest down
		{"90:Baik\n90:Lagi\n0:Kurang", nil, false},
		{"90 Baik\n0:Kurang", nil, false},       // no colon
		{"sembilan:Baik\n0:Kurang", nil, false}, // not a number
		{"120:Lebih\n0:Kurang", nil, false},     // above 100
		{"90:\n0:Kurang", nil, false},           // no label
	}
	for _, tt := range tests {
		got, err := spm.ParseBands(tt.text)
		if (err == nil) != tt.ok || (tt.ok && !reflect.DeepEqual(got, tt.want)) {
			t.Errorf("ParseBands(%q) = %v, %v; want %v ok %v", tt.text, got, err, tt.want, tt.ok)
		}
	}
}

// The settings are read by every SPM role, changed by an admin of the
// whole deployment only, checked field by field, audited, and in force for
// the next figure read: a new band renames a region's label, a new
// deadline day moves its report's deadline.
func TestSettings(t *testing.T) {
	forReportEngines(t, func(t *testing.T, w *reportWorld) {
		ctx := context.Background()
		got, err := w.store.Settings(ctx, w.sal)
		if err != nil || !reflect.DeepEqual(got, spm.DefaultSettings()) {
			t.Fatalf("defaults: %+v, %v", got, err)
		}
		// Kota Salatiga serves 9 of 10 elderly people: index 90.
		tally(t, w.d, "33.73", spm.LansiaLuarPanti, 2026, 1, 10, 9)
		a, err := w.store.Achievement(ctx, w.sal, "33.73", 2026, 1)
		if err != nil || a.Label != "Tuntas Utama" {
			t.Fatalf("label with the default bands: %q, %v", a.Label, err)
		}

		next := spm.Settings{Weights: spm.DefaultWeights, DeadlineDay: 5,
			Bands: []spm.Band{{Min: 95, Label: "Sangat Baik"}, {Min: 75, Label: "Baik"}, {Min: 0, Label: "Perlu Perbaikan"}}}
		for name, u := range map[string]access.User{"a province's admin": w.adminJateng, "a verifier": w.verJateng,
			"a planner": w.sal, "a national viewer": w.national} {
			_, err := w.store.SetSettings(ctx, reportActor(u), u, next)
			wantReportErr(t, name, err, apperr.Forbidden, "")
		}
		for _, c := range []struct {
			name string
			in   spm.Settings
			want []string
		}{
			{"weights not summing to 1", spm.Settings{Weights: spm.Weights{Penerima: 0.8, Mutu: 0.3}, Bands: next.Bands, DeadlineDay: 5}, []string{"weights"}},
			{"everything wrong", spm.Settings{Weights: spm.Weights{Penerima: -1, Mutu: 2}, Bands: []spm.Band{{Min: 50, Label: "Setengah"}}, DeadlineDay: 31},
				[]string{"weights", "bands", "report_deadline_day"}},
		} {
			_, err := w.store.SetSettings(ctx, reportActor(w.admin), w.admin, c.in)
			e := apperr.As(err)
			if e == nil || e.Kind != apperr.Invalid {
				t.Errorf("%s: %v", c.name, err)
				continue
			}
			var fields []string
			for _, f := range e.Fields {
				fields = append(fields, f.Field)
			}
			if !slices.Equal(fields, c.want) {
				t.Errorf("%s: fields %v, want %v", c.name, fields, c.want)
			}
		}
		if _, err := w.store.SetSettings(ctx, reportActor(w.admin), w.admin, next); err != nil {
			t.Fatal(err)
		}
		if got, err := w.store.Settings(ctx, w.national); err != nil || !reflect.DeepEqual(got, next) {
			t.Errorf("read back: %+v, %v", got, err)
		}
		if a, err = w.store.Achievement(ctx, w.sal, "33.73", 2026, 1); err != nil || a.Label != "Baik" {
			t.Errorf("label with the new bands: %q, %v", a.Label, err)
		}
		if r, err := w.store.Report(ctx, w.sal, "33.73", 2026, 1); err != nil || r.Deadline != "2026-04-05" || !r.Late {
			t.Errorf("deadline %s, late %v, %v", r.Deadline, r.Late, err)
		}
		items, err := audit.List(ctx, w.d, audit.Filter{All: true, Entity: "setting", EntityID: "spm"})
		if err != nil || len(items) != 1 || items[0].Before == nil || items[0].After == nil {
			t.Fatalf("audit: %+v, %v", items, err)
		}
		if want := `"report_deadline_day":20`; !strings.Contains(*items[0].Before, want) {
			t.Errorf("audit before %s lacks %s", *items[0].Before, want)
		}
		if want := `"label":"Perlu Perbaikan"`; !strings.Contains(*items[0].After, want) {
			t.Errorf("audit after %s lacks %s", *items[0].After, want)
		}
	})
}

func pct(v float64) *float64 { return &v }

// The quality achievement: entered per jenis and quarter by the region's
// planner, refused out of range or by the wrong user, versioned, closed
// with the quarter's report; weighed into the index once the settings give
// it a weight, and then needed for every jenis with people to serve.
func TestMutu(t *testing.T) {
	forReportEngines(t, func(t *testing.T, w *reportWorld) {
		ctx := context.Background()
		// Kota Salatiga: elderly 9 of 10 (90 %), children 1 of 2 (50 %).
		tally(t, w.d, "33.73", spm.LansiaLuarPanti, 2026, 1, 10, 9)
		tally(t, w.d, "33.73", spm.AnakLuarPanti, 2026, 1, 2, 1)
		enter := func(u access.User, j spm.Jenis, bj, sdm *float64, version int) (spm.Mutu, error) {
			return w.store.EnterMutu(ctx, reportActor(u), u, spm.MutuInput{Region: "33.73", Jenis: string(j), Year: 2026,
				Quarter: 1, BarangJasa: bj, SDM: sdm, Source: "Rekap standar teknis", Version: version})
		}
		_, err := enter(w.jateng, spm.LansiaLuarPanti, pct(80), pct(60), 0)
		wantReportErr(t, "the province's planner", err, apperr.Forbidden, "")
		for name, c := range map[string][2]*float64{"above 100": {pct(101), pct(50)}, "negative": {pct(-1), pct(50)},
			"three decimals": {pct(80.125), pct(50)}, "missing": {nil, pct(50)}} {
			if _, err := enter(w.sal, spm.LansiaLuarPanti, c[0], c[1], 0); apperr.As(err) == nil || apperr.As(err).Kind != apperr.Invalid {
				t.Errorf("%s: %v", name, err)
			}
		}
		m, err := enter(w.sal, spm.LansiaLuarPanti, pct(80), pct(60.5), 0)
		if err != nil || m.Value != 70.25 || m.Version != 1 {
			t.Fatalf("entered: %+v, %v", m, err)
		}
		if _, err := enter(w.sal, spm.LansiaLuarPanti, pct(80), pct(60), 0); apperr.As(err) == nil || apperr.As(err).Code != spm.CodeStaleVersion {
			t.Errorf("stale: %v", err)
		}

		// Weighed at 0, the index is the recipients' alone: (90 + 50) / 2.
		a, err := w.store.Achievement(ctx, w.sal, "33.73", 2026, 1)
		if err != nil || a.Index == nil || *a.Index != 70 || a.Mutu == nil || *a.Mutu != 70.25 ||
			!slices.Equal(a.MutuMissing, []spm.Jenis{spm.AnakLuarPanti}) {
			t.Fatalf("unweighed: index %v mutu %v missing %v, %v", a.Index, a.Mutu, a.MutuMissing, err)
		}
		set := spm.DefaultSettings()
		set.Weights = spm.Weights{Penerima: 0.8, Mutu: 0.2}
		if _, err := w.store.SetSettings(ctx, reportActor(w.admin), w.admin, set); err != nil {
			t.Fatal(err)
		}
		// Weighed, and the children's mutu missing: no index.
		if a, err = w.store.Achievement(ctx, w.sal, "33.73", 2026, 1); err != nil || a.Index != nil || a.Label != "" {
			t.Errorf("missing mutu: index %v label %q, %v", a.Index, a.Label, err)
		}
		if _, err := enter(w.sal, spm.AnakLuarPanti, pct(100), pct(50), 0); err != nil {
			t.Fatal(err)
		}
		// 0.8 × 70 + 0.2 × (70.25 + 75) / 2 = 56 + 14.525.
		a, err = w.store.Achievement(ctx, w.sal, "33.73", 2026, 1)
		if err != nil || a.Index == nil || math.Abs(*a.Index-70.525) > 1e-9 || a.Label != "Tuntas Pratama" {
			t.Errorf("weighed: index %v label %q, %v", a.Index, a.Label, err)
		}
		tr, err := w.store.Trend(ctx, w.sal, "33.73", 2026)
		if err != nil || len(tr.Quarters) == 0 || tr.Quarters[0].Region == nil || tr.Quarters[0].Region.Index == nil ||
			math.Abs(*tr.Quarters[0].Region.Index-70.525) > 1e-9 {
			t.Errorf("the trend's first quarter: %+v, %v", tr.Quarters, err)
		}

		// A submitted quarter keeps its mutu.
		r, err := w.store.SaveReport(ctx, reportActor(w.sal), w.sal, fullReport("33.73", spm.KabKota, 2026, 1, 0))
		if err != nil {
			t.Fatal(err)
		}
		if _, err = w.store.ActOnReport(ctx, reportActor(w.sal), w.sal, "33.73", 2026, 1, spm.ReportSubmit, "", r.Version); err != nil {
			t.Fatal(err)
		}
		err = w.store.DeleteMutu(ctx, reportActor(w.sal), w.sal, "33.73", string(spm.AnakLuarPanti), 2026, 1, 1)
		wantReportErr(t, "removal from a submitted quarter", err, apperr.Conflict, spm.CodePeriodClosed)
		items, err := audit.List(ctx, w.d, audit.Filter{All: true, Entity: "spm_mutu"})
		if err != nil || len(items) != 2 {
			t.Errorf("audit: %d entries, %v", len(items), err)
		}
	})
}

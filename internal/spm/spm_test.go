package spm

import (
	"errors"
	"math"
	"testing"
)

// The catalog holds the ten jenis of PP 2/2018 Pasal 10, five per level,
// each once.
func TestServices(t *testing.T) {
	seen := map[Jenis]bool{}
	for _, s := range Services {
		if seen[s.Jenis] || s.Name == "" || s.Penerima == "" || s.Source == "" {
			t.Errorf("%+v: repeated or incomplete", s)
		}
		seen[s.Jenis] = true
		if got, ok := ServiceOf(s.Jenis); !ok || got != s {
			t.Errorf("ServiceOf(%s) = %+v, %v", s.Jenis, got, ok)
		}
	}
	if len(Services) != 10 || len(ServicesOf(Provinsi)) != 5 || len(ServicesOf(KabKota)) != 5 {
		t.Errorf("%d jenis, %d provincial, %d kab/kota", len(Services), len(ServicesOf(Provinsi)), len(ServicesOf(KabKota)))
	}
	if _, ok := ServiceOf("napza_luar_panti"); ok {
		t.Error("a jenis the regulation does not name")
	}
}

// Worked examples: Kab. Bandung 2020 served 5,328 of 5,328 korban bencana
// (domain.md §2.2).
func TestCapaian(t *testing.T) {
	for _, tt := range []struct {
		c    Count
		want float64
		err  error
	}{
		{Count{X: 5328, Y: 5328}, 100, nil},
		{Count{X: 9, Y: 10}, 90, nil},
		{Count{X: 1, Y: 3}, 100.0 / 3, nil},
		{Count{X: 0, Y: 7}, 0, nil},
		{Count{X: 2, Y: 3}, 200.0 / 3, nil},
		{Count{X: 0, Y: 0}, 0, ErrNoNeed},
		{Count{X: 11, Y: 10}, 0, ErrXAboveY},
		{Count{X: -1, Y: 10}, 0, ErrNegative},
		{Count{X: 0, Y: -4}, 0, ErrNegative},
		{Count{X: math.MaxInt32, Y: math.MaxInt32}, 100, nil},
	} {
		got, err := tt.c.Capaian()
		if !errors.Is(err, tt.err) || (err == nil && got != tt.want) {
			t.Errorf("%+v: %v, %v; want %v, %v", tt.c, got, err, tt.want, tt.err)
		}
	}
	if g := (Count{X: 3, Y: 10}).Gap(); g != 7 {
		t.Errorf("gap %d, want 7", g)
	}
}

func TestIndex(t *testing.T) {
	full, half := Count{X: 10, Y: 10}, Count{X: 5, Y: 10}
	for _, tt := range []struct {
		name   string
		counts []Count
		mutu   float64
		w      Weights
		want   float64
		ok     bool
		err    bool
	}{
		{"all met", []Count{full, full, full, full, full}, 0, DefaultWeights, 100, true, false},
		{"a mean of five", []Count{full, half, full, {X: 9, Y: 10}, {X: 1, Y: 2}}, 0, DefaultWeights, 78, true, false},
		{"empty jenis left out", []Count{full, {}, half, {}, {}}, 0, DefaultWeights, 75, true, false},
		{"nobody to serve", []Count{{}, {}, {}, {}, {}}, 0, DefaultWeights, 0, false, false},
		{"no counts", nil, 0, DefaultWeights, 0, false, false},
		{"80/20 with mutu", []Count{half}, 100, Weights{Penerima: 0.8, Mutu: 0.2}, 60, true, false},
		{"50/50", []Count{full}, 50, Weights{Penerima: 0.5, Mutu: 0.5}, 75, true, false},
		{"weights not summing to 1", []Count{full}, 0, Weights{Penerima: 0.8, Mutu: 0.3}, 0, false, true},
		{"negative weight", []Count{full}, 0, Weights{Penerima: 1.2, Mutu: -0.2}, 0, false, true},
		{"mutu above 100", []Count{full}, 101, Weights{Penerima: 0.5, Mutu: 0.5}, 0, false, true},
		{"a bad count", []Count{full, {X: 3, Y: 2}}, 0, DefaultWeights, 0, false, true},
	} {
		got, ok, err := Index(tt.counts, tt.mutu, tt.w)
		if (err != nil) != tt.err || ok != tt.ok || math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s: %v, %v, %v; want %v, %v, error %v", tt.name, got, ok, err, tt.want, tt.ok, tt.err)
		}
	}
}

// Band edges: 90 is Utama, just under is Madya; an index that is 90 in
// exact arithmetic but not in floating point is still Utama.
func TestLabel(t *testing.T) {
	if err := CheckBands(DefaultBands); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		index float64
		want  string
	}{
		{100, "Tuntas Paripurna"}, {99.999, "Tuntas Utama"}, {97.935, "Tuntas Utama"}, {90, "Tuntas Utama"},
		{89.99, "Tuntas Madya"}, {80, "Tuntas Madya"}, {79.999, "Tuntas Pratama"}, {70, "Tuntas Pratama"},
		{69.5, "Tuntas Muda"}, {60, "Tuntas Muda"}, {59.99, "Belum Tuntas"}, {0, "Belum Tuntas"},
		{(100.0/3 + 200.0/3 + 90 + 100 + 66) / 5, "Tuntas Pratama"}, // 71.2
		{0.1 + 0.2 + 89.7, "Tuntas Utama"},                          // 90 up to rounding
	} {
		if got := Label(tt.index, DefaultBands); got != tt.want {
			t.Errorf("Label(%v) = %q, want %q", tt.index, got, tt.want)
		}
	}
	for _, bad := range [][]Band{
		nil,
		{{100, "A"}, {50, "B"}},          // nothing below 50
		{{50, "A"}, {80, "B"}, {0, "C"}}, // not falling
		{{80, "A"}, {80, "B"}, {0, "C"}}, // twice
		{{120, "A"}, {0, "B"}},           // above 100
		{{90, ""}, {0, "B"}},             // unlabelled
		{{90, "A"}, {-1, "B"}, {0, "C"}}, // below 0
	} {
		if CheckBands(bad) == nil {
			t.Errorf("bands %v accepted", bad)
		}
	}
}

func TestPeriods(t *testing.T) {
	for _, tt := range []struct {
		p             Period
		from, to, due string
	}{
		{Period{2026, 1}, "2026-01-01", "2026-03-31", "2026-04-20"},
		{Period{2026, 2}, "2026-01-01", "2026-06-30", "2026-07-20"},
		{Period{2026, 3}, "2026-01-01", "2026-09-30", "2026-10-20"},
		{Period{2026, 4}, "2026-01-01", "2026-12-31", "2027-01-20"},
		{Period{2024, 1}, "2024-01-01", "2024-03-31", "2024-04-20"},
	} {
		if err := tt.p.Check(); err != nil {
			t.Fatal(err)
		}
		if tt.p.From() != tt.from || tt.p.To() != tt.to || tt.p.Deadline(DefaultDeadlineDay) != tt.due {
			t.Errorf("%s: %s–%s due %s; want %s–%s due %s", tt.p, tt.p.From(), tt.p.To(), tt.p.Deadline(DefaultDeadlineDay), tt.from, tt.to, tt.due)
		}
	}
	for _, bad := range []Period{{2026, 0}, {2026, 5}, {2017, 4}, {0, 1}} {
		if bad.Check() == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	for day, want := range map[string]Period{"2026-01-01": {2026, 1}, "2026-03-31": {2026, 1}, "2026-04-01": {2026, 2},
		"2026-09-30": {2026, 3}, "2026-12-31": {2026, 4}} {
		if got, err := PeriodOf(day); err != nil || got != want {
			t.Errorf("PeriodOf(%s) = %v, %v; want %v", day, got, err, want)
		}
	}
	if _, err := PeriodOf("31/12/2026"); err == nil {
		t.Error("a malformed day accepted")
	}
	for _, tt := range []struct {
		today, due string
		want       int
	}{{"2026-11-24", "2027-01-20", 57}, {"2027-01-20", "2027-01-20", 0}, {"2027-01-22", "2027-01-20", -2}} {
		if got, err := DaysLeft(tt.today, tt.due); err != nil || got != tt.want {
			t.Errorf("DaysLeft(%s, %s) = %d, %v; want %d", tt.today, tt.due, got, err, tt.want)
		}
	}
	for _, d := range []int{0, 29, 31, -1} {
		if CheckDeadlineDay(d) == nil {
			t.Errorf("deadline day %d accepted", d)
		}
	}
	if CheckDeadlineDay(20) != nil {
		t.Error("day 20 refused")
	}
}

// Every group has a jenis at each level; the setting decides the
// rehabilitation services, the disaster's level the korban bencana one.
func TestJenisFor(t *testing.T) {
	for _, tt := range []struct {
		p                   Penerima
		panti, provinceWide bool
		want                Jenis
		ok                  bool
	}{
		{AnakTelantar, true, false, AnakDalamPanti, true},
		{AnakTelantar, false, false, AnakLuarPanti, true},
		{AnakTelantar, false, true, AnakLuarPanti, true}, // the disaster level does not matter here
		{DisabilitasTelantar, true, false, DisabilitasDalamPanti, true},
		{LansiaTelantar, false, false, LansiaLuarPanti, true},
		{GelandanganPengemis, true, false, GepengDalamPanti, true},
		{KorbanBencana, true, false, BencanaKabKota, true}, // sheltered in a panti, still the kab/kota's disaster
		{KorbanBencana, false, true, BencanaProvinsi, true},
		{"napza", false, false, "", false},
		{"", true, false, "", false},
	} {
		got, ok := JenisFor(tt.p, tt.panti, tt.provinceWide)
		if got != tt.want || ok != tt.ok {
			t.Errorf("JenisFor(%s, panti %v, provinsi %v) = %s, %v; want %s, %v", tt.p, tt.panti, tt.provinceWide, got, ok, tt.want, tt.ok)
		}
		if s, _ := ServiceOf(got); ok && (s.Level == Provinsi) != (tt.p != KorbanBencana && tt.panti || tt.p == KorbanBencana && tt.provinceWide) {
			t.Errorf("%s: level %s", got, s.Level)
		}
	}
	for p := range jenisOf {
		for _, panti := range []bool{false, true} {
			if _, ok := JenisFor(p, panti, panti); !ok {
				t.Errorf("%s has no jenis", p)
			}
		}
	}
}

func TestPenerimaOf(t *testing.T) {
	for _, tt := range []struct {
		cluster    string
		categories []string
		want       Penerima
		ok         bool
	}{
		{"anak", nil, AnakTelantar, true},
		{"anak", []string{"disabilitas_telantar"}, AnakTelantar, true}, // the case's cluster decides
		{"disabilitas", nil, DisabilitasTelantar, true},
		{"lansia", []string{"lansia_telantar"}, LansiaTelantar, true},
		{"bencana", nil, KorbanBencana, true},
		{"tuna_sosial_kpo", []string{"gelandangan_pengemis"}, GelandanganPengemis, true},
		{"tuna_sosial_kpo", []string{"", "gelandangan_pengemis"}, GelandanganPengemis, true},
		{"tuna_sosial_kpo", nil, "", false},                        // a victim of trafficking: ATENSI, no SPM group
		{"tuna_sosial_kpo", []string{"korban_bencana"}, "", false}, // the cluster says tuna sosial
		{"napza", []string{"gelandangan_pengemis"}, "", false},
		{"lainnya", []string{"anak_telantar"}, "", false},
		{"", nil, "", false},
	} {
		if got, ok := PenerimaOf(tt.cluster, tt.categories); got != tt.want || ok != tt.ok {
			t.Errorf("PenerimaOf(%s, %v) = %s, %v; want %s, %v", tt.cluster, tt.categories, got, ok, tt.want, tt.ok)
		}
	}
}

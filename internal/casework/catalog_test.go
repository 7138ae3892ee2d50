package casework

import (
	"testing"
	"time"
)

func TestFollowUpDates(t *testing.T) {
	wib := time.FixedZone("WIB", 7*3600)
	for _, c := range []struct {
		terminated string
		months     []int
		want       []string
	}{
		{"2026-03-15", DefaultFollowUpMonths, []string{"2026-04-15", "2026-06-15", "2026-09-15"}},
		// The last day of a shorter month, never the next month.
		{"2026-01-31", []int{1, 3}, []string{"2026-02-28", "2026-04-30"}},
		{"2027-12-31", []int{2}, []string{"2028-02-29"}},
		{"2026-11-20", []int{1, 3, 6}, []string{"2026-12-20", "2027-02-20", "2027-05-20"}},
		{"2026-05-01", nil, []string{}},
	} {
		day, _ := time.ParseInLocation(time.DateOnly, c.terminated, wib)
		got := FollowUpDates(day, c.months)
		if len(got) != len(c.want) {
			t.Fatalf("%s %v: %v", c.terminated, c.months, got)
		}
		for i := range got {
			if s := got[i].Format(time.DateOnly); s != c.want[i] {
				t.Errorf("%s +%d months: %s, want %s", c.terminated, c.months[i], s, c.want[i])
			}
		}
	}
}

func TestEmergencyWindow(t *testing.T) {
	opened := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		after time.Duration
		want  bool
	}{
		{-time.Hour, false}, // before the case opened
		{0, true},
		{6*24*time.Hour + 23*time.Hour, true},
		{7 * 24 * time.Hour, false}, // seven days are over
		{30 * 24 * time.Hour, false},
	} {
		if got := InEmergencyWindow(opened, opened.Add(c.after), DefaultEmergencyWindow); got != c.want {
			t.Errorf("%s after opening: %v, want %v", c.after, got, c.want)
		}
	}
	emergency := map[Need]bool{Permakanan: true, Sandang: true, TempatTinggal: true, PerbekalanKesehatan: true}
	for _, n := range Needs {
		if n.Emergency() != emergency[n] {
			t.Errorf("%s: emergency %v", n, n.Emergency())
		}
	}
}

func TestCatalogs(t *testing.T) {
	if len(Components) != 7 {
		t.Errorf("ATENSI has 7 direct-service components, have %d", len(Components))
	}
	if len(Clusters) != 7 || len(Stages) != 8 || len(Reasons) != 7 {
		t.Errorf("clusters %d, stages %d, reasons %d", len(Clusters), len(Stages), len(Reasons))
	}
	if !Residensial.DalamPanti() || Keluarga.DalamPanti() || Komunitas.DalamPanti() {
		t.Error("only residensial is dalam panti")
	}
	for _, bad := range []string{"", "ANAK", "anak "} {
		if Cluster(bad).Valid() || Need(bad).Valid() || Stage(bad).Valid() {
			t.Errorf("%q accepted", bad)
		}
	}
}

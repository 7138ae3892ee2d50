package registry_test

import (
	"regexp"
	"testing"

	"github.com/layan-id/layan/internal/registry"
)

// Permensos 8/2012 set 26 PMKS; Permensos 5/2019 and 3/2021 kept 26 PPKS
// (domain.md §5).
func TestCategoriesCatalog(t *testing.T) {
	cats := registry.Categories()
	if len(cats) != 26 {
		t.Fatalf("%d categories, want 26", len(cats))
	}
	code := regexp.MustCompile(`^[a-z]+(_[a-z]+)*$`)
	criteria := map[registry.Criterion]bool{
		registry.Kemiskinan: true, registry.Ketelantaran: true, registry.Kecacatan: true, registry.Keterpencilan: true,
		registry.KetunaanSosial: true, registry.KorbanBencana: true, registry.KorbanKekerasan: true,
	}
	spm := map[registry.SPMCluster]bool{
		"": true, registry.SPMDisabilitasTelantar: true, registry.SPMAnakTelantar: true, registry.SPMLansiaTelantar: true,
		registry.SPMGelandanganPengemis: true, registry.SPMKorbanBencana: true,
	}
	seenCode, seenName, seenEN := map[registry.CategoryCode]bool{}, map[string]bool{}, map[string]bool{}
	perSPM := map[registry.SPMCluster]int{}
	for i, c := range cats {
		if c.Number != i+1 {
			t.Errorf("%s: number %d at position %d", c.Code, c.Number, i+1)
		}
		if !code.MatchString(string(c.Code)) || len(c.Code) > 40 {
			t.Errorf("code %q is not short lower_snake", c.Code)
		}
		if seenCode[c.Code] || seenName[c.Name] || seenEN[c.NameEN] {
			t.Errorf("%s: code or name repeated", c.Code)
		}
		seenCode[c.Code], seenName[c.Name], seenEN[c.NameEN] = true, true, true
		if c.Name == "" || c.NameEN == "" {
			t.Errorf("%s: a name is missing", c.Code)
		}
		if !criteria[c.Criterion] {
			t.Errorf("%s: criterion %q", c.Code, c.Criterion)
		}
		if !spm[c.SPM] {
			t.Errorf("%s: SPM cluster %q", c.Code, c.SPM)
		}
		perSPM[c.SPM]++
		if got, ok := c.Code.Info(); !ok || got != c {
			t.Errorf("%s.Info() = %+v, %v", c.Code, got, ok)
		}
	}
	// Each of the five SPM services of PP 2/2018 Pasal 10 has its PPKS.
	for s := range spm {
		if perSPM[s] == 0 {
			t.Errorf("no category feeds SPM cluster %q", s)
		}
	}
	// Categories returns a copy: the catalog cannot be changed through it.
	cats[0].Name = "changed"
	if registry.Categories()[0].Name == "changed" {
		t.Error("Categories exposes the catalog")
	}
}

func TestCategoryGroups(t *testing.T) {
	// The grouping by problem criterion of domain.md §5.
	want := map[registry.Criterion]int{
		registry.Kemiskinan: 6, registry.Ketelantaran: 3, registry.Kecacatan: 2, registry.Keterpencilan: 1,
		registry.KetunaanSosial: 7, registry.KorbanBencana: 2, registry.KorbanKekerasan: 5,
	}
	got := map[registry.Criterion]int{}
	for _, c := range registry.Categories() {
		got[c.Criterion]++
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d categories, want %d", k, got[k], n)
		}
	}
}

func TestParseCategory(t *testing.T) {
	tests := []struct {
		in   string
		want registry.CategoryCode
	}{
		{"anak_telantar", "anak_telantar"},
		{" Fakir_Miskin ", "fakir_miskin"},
		{"korban_bencana_alam", "korban_bencana_alam"},
		{"pekerja_migran_bermasalah_sosial", "pekerja_migran_bermasalah_sosial"},
		{"anak telantar", ""},
		{"Anak Telantar", ""}, // a name is not a code
		{"", ""},
		{"gepeng", ""},
		{"\xff", ""},
	}
	for _, tt := range tests {
		c, err := registry.ParseCategory(tt.in)
		if c.Code != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("ParseCategory(%q) = %q, %v; want %q", tt.in, c.Code, err, tt.want)
		}
		if err != nil {
			if k, args := ruleKey(err); k != "category.unknown" || len(args) != 1 || args[0] != tt.in {
				t.Errorf("ParseCategory(%q) error %q %v", tt.in, k, args)
			}
		}
	}
}

// UU 8/2016 Pasal 4 ayat (1): fisik, intelektual, mental, sensorik.
func TestDisabilities(t *testing.T) {
	ds := registry.Disabilities()
	want := []registry.Disability{"fisik", "intelektual", "mental", "sensorik"}
	if len(ds) != len(want) {
		t.Fatalf("Disabilities() = %v", ds)
	}
	for i, d := range ds {
		if d != want[i] || d.Name() == "" || d.NameEN() == "" {
			t.Errorf("disability %d = %q (%q, %q)", i, d, d.Name(), d.NameEN())
		}
		if got, err := registry.ParseDisability(" " + string(d) + " "); err != nil || got != d {
			t.Errorf("ParseDisability(%q) = %q, %v", d, got, err)
		}
	}
	for _, bad := range []string{"", "ganda", "netra", "fisik,mental"} {
		if got, err := registry.ParseDisability(bad); err == nil || got != "" {
			t.Errorf("ParseDisability(%q) = %q, %v", bad, got, err)
		} else if k, _ := ruleKey(err); k != "disability.unknown" {
			t.Errorf("ParseDisability(%q) key %q", bad, k)
		}
	}
	if registry.Disability("x").Name() != "" || registry.Disability("x").NameEN() != "" {
		t.Error("an unknown disability has a name")
	}
}

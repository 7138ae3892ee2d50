package spm

import (
	"slices"
	"strings"
	"testing"

	"github.com/layan-id/layan/internal/apperr"
)

func TestValidItemCode(t *testing.T) {
	for _, tt := range []struct {
		code string
		ok   bool
	}{
		{"permakanan", true},
		{"alat_bantu", true},
		{"bimbingan_aktivitas_hidup_sehari_hari", true},
		{"kit_2", true},
		{"a", true},
		{"", false},
		{"Permakanan", false},
		{"alat-bantu", false},
		{"alat bantu", false},
		{"_alat", false},
		{"alat_", false},
		{"alat__bantu", false},
		{"2kit", false},
		{"makanan_é", false},
		{strings.Repeat("a", 60), true},
		{strings.Repeat("a", 61), false},
	} {
		if got := ValidItemCode(tt.code); got != tt.ok {
			t.Errorf("ValidItemCode(%q) = %v, want %v", tt.code, got, tt.ok)
		}
	}
}

// fieldKeys lists an error's fields as "field key".
func fieldKeys(err error) []string {
	e := apperr.As(err)
	if e == nil {
		return nil
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field+" "+f.Key)
	}
	return out
}

func validJenisInput() CatalogJenisInput {
	return CatalogJenisInput{Version: 1, Name: " Rehabilitasi sosial dasar ", Penerima: "anak telantar", Source: "PP 2/2018 Pasal 10",
		Items: []CatalogItemInput{
			{Code: "permakanan", Name: "Permakanan", UnitLabel: "orang/hari", Note: "Paling lama 7 (tujuh) hari."},
			{Code: " sandang ", Name: "Sandang", UnitLabel: "paket"},
		}}
}

func TestCatalogJenisInputCheck(t *testing.T) {
	many := make([]CatalogItemInput, MaxCatalogItems+1)
	for i := range many {
		many[i] = CatalogItemInput{Code: "butir_" + strings.Repeat("x", i+1), Name: "Butir", UnitLabel: "kali"}
	}
	for _, tt := range []struct {
		name   string
		change func(*CatalogJenisInput)
		want   []string
	}{
		{"valid", func(*CatalogJenisInput) {}, nil},
		{"empty texts", func(in *CatalogJenisInput) { in.Name, in.Penerima, in.Source = " ", "", "\t" },
			[]string{"name field.required", "penerima field.required", "source field.required"}},
		{"texts too long", func(in *CatalogJenisInput) {
			in.Name, in.Penerima, in.Source = strings.Repeat("a", 301), strings.Repeat("ä", 201), strings.Repeat("a", 1001)
		}, []string{"name field.too_long", "penerima field.too_long", "source field.too_long"}},
		// Characters count, not bytes: 300 of "ä" is 600 bytes and allowed.
		{"length in characters", func(in *CatalogJenisInput) { in.Name = strings.Repeat("ä", 300) }, nil},
		{"no items", func(in *CatalogJenisInput) { in.Items = nil }, []string{"items spmcatalog.items_required"}},
		{"too many items", func(in *CatalogJenisInput) { in.Items = many }, []string{"items spmcatalog.too_many_items"}},
		{"code not snake_case", func(in *CatalogJenisInput) { in.Items[1].Code = "Sandang-Baju" },
			[]string{"items.1.code spmcatalog.code_format"}},
		{"code missing", func(in *CatalogJenisInput) { in.Items[0].Code = "" }, []string{"items.0.code field.required"}},
		{"code twice in the jenis", func(in *CatalogJenisInput) { in.Items[1].Code = "permakanan" },
			[]string{"items.1.code spmcatalog.code_duplicate"}},
		{"item without name or unit", func(in *CatalogJenisInput) { in.Items[0].Name, in.Items[0].UnitLabel = "", " " },
			[]string{"items.0.name field.required", "items.0.unit_label field.required"}},
		{"item texts too long", func(in *CatalogJenisInput) {
			in.Items[0].Name, in.Items[0].UnitLabel, in.Items[0].Note = strings.Repeat("a", 301), strings.Repeat("a", 41), strings.Repeat("a", 1001)
		}, []string{"items.0.name field.too_long", "items.0.unit_label field.too_long", "items.0.note field.too_long"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := validJenisInput()
			tt.change(&in)
			err := in.Check()
			if got := fieldKeys(err); !slices.Equal(got, tt.want) {
				t.Errorf("Check() fields %q, want %q", got, tt.want)
			}
			if err != nil && apperr.KindOf(err) != apperr.Invalid {
				t.Errorf("Check() kind %v, want Invalid", apperr.KindOf(err))
			}
		})
	}
	in := validJenisInput()
	if err := in.Check(); err != nil {
		t.Fatal(err)
	}
	if in.Name != "Rehabilitasi sosial dasar" || in.Items[1].Code != "sandang" {
		t.Errorf("Check does not trim: %q, %q", in.Name, in.Items[1].Code)
	}
	got := in.jenis(AnakLuarPanti)
	if got.Level != KabKota || len(got.Items) != 2 || got.Items[0].Line != 1 || got.Items[1].Line != 2 {
		t.Errorf("jenis() = %+v", got)
	}
}

func TestCatalogCopyInputCheck(t *testing.T) {
	valid := func() CatalogCopyInput {
		return CatalogCopyInput{From: 1, Name: "Permensos X/2026", Regulation: "Peraturan Menteri Sosial …", ValidFrom: "2026-01-01"}
	}
	for _, tt := range []struct {
		name   string
		change func(*CatalogCopyInput)
		want   []string
	}{
		{"valid", func(*CatalogCopyInput) {}, nil},
		{"nothing", func(in *CatalogCopyInput) { *in = CatalogCopyInput{} },
			[]string{"from field.required", "name field.required", "regulation field.required", "valid_from field.required"}},
		{"bad day", func(in *CatalogCopyInput) { in.ValidFrom = "01-01-2026" }, []string{"valid_from field.date_format"}},
		{"no such day", func(in *CatalogCopyInput) { in.ValidFrom = "2026-02-30" }, []string{"valid_from field.date_format"}},
		{"before PP 2/2018", func(in *CatalogCopyInput) { in.ValidFrom = "2017-12-31" }, []string{"valid_from spmcatalog.valid_from_range"}},
		{"too long", func(in *CatalogCopyInput) {
			in.Name, in.Regulation, in.Note = strings.Repeat("a", 121), strings.Repeat("a", 301), strings.Repeat("a", 2001)
		}, []string{"name field.too_long", "regulation field.too_long", "note field.too_long"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := valid()
			tt.change(&in)
			if got := fieldKeys(in.Check()); !slices.Equal(got, tt.want) {
				t.Errorf("Check() fields %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCheckCatalog(t *testing.T) {
	for _, tt := range []struct {
		name   string
		change func(*Catalog)
		want   []string
	}{
		{"the seed", func(*Catalog) {}, nil},
		{"a jenis missing", func(c *Catalog) { c.Jenis = c.Jenis[1:] }, []string{"jenis.disabilitas_dalam_panti spmcatalog.jenis_missing"}},
		{"a jenis twice", func(c *Catalog) { c.Jenis = append(c.Jenis, c.Jenis[3]) }, []string{"jenis.gepeng_dalam_panti spmcatalog.jenis_twice"}},
		{"a jenis PP 2/2018 does not name", func(c *Catalog) {
			c.Jenis = append(c.Jenis, CatalogJenis{Jenis: "napza_dalam_panti", Name: "x", Penerima: "x", Source: "x",
				Items: []CatalogItem{{Line: 1, Code: "x", Name: "x", UnitLabel: "x"}}})
		}, []string{"jenis.napza_dalam_panti spmcatalog.jenis_unknown"}},
		{"a jenis without items", func(c *Catalog) { c.Jenis[9].Items = nil }, []string{"jenis.bencana_kabkota.items spmcatalog.items_required"}},
		{"an item code twice", func(c *Catalog) { c.Jenis[8].Items[1].Code = "permakanan" },
			[]string{"jenis.gepeng_luar_panti.items.1.code spmcatalog.code_duplicate"}},
		{"empty", func(c *Catalog) { c.Jenis = nil }, func() []string {
			var out []string
			for _, s := range Services {
				out = append(out, "jenis."+string(s.Jenis)+" spmcatalog.jenis_missing")
			}
			return out
		}()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := SeedCatalogVersion()
			tt.change(&c)
			if got := fieldKeys(CheckCatalog(c)); !slices.Equal(got, tt.want) {
				t.Errorf("CheckCatalog fields %q, want %q", got, tt.want)
			}
		})
	}
}

// The first version says what domain.md §2.4 says, and marks what it does
// not confirm.
func TestSeedCatalogVersion(t *testing.T) {
	c := SeedCatalogVersion()
	if c.Name != SeedCatalogName || c.Status != CatalogActive || c.ValidFrom != "2018-07-06" || len(c.Jenis) != len(Services) {
		t.Fatalf("seed %q %s %s with %d jenis", c.Name, c.Status, c.ValidFrom, len(c.Jenis))
	}
	codes := func(j Jenis) []string {
		cj, _ := c.Of(j)
		var out []string
		for _, it := range cj.Items {
			out = append(out, it.Code)
		}
		return out
	}
	// ◐ The eleven items of gelandangan dan pengemis di luar panti, (1)–(11).
	if got, want := codes(GepengLuarPanti), []string{"permakanan", "sandang", "alat_bantu", "perbekalan_kesehatan",
		"bimbingan_fisik_mental_sosial", "bimbingan_keluarga", "dokumen_kependudukan", "akses_pendidikan_kesehatan",
		"penelusuran_keluarga", "reunifikasi_reintegrasi", "rujukan"}; !slices.Equal(got, want) {
		t.Errorf("gepeng luar panti: %q, want %q", got, want)
	}
	if gl, _ := c.Of(GepengLuarPanti); !strings.Contains(gl.Items[0].Note, "7 (tujuh) hari") {
		t.Errorf("permakanan luar panti lacks its seven days: %q", gl.Items[0].Note)
	}
	// ◐ The items of anak telantar di dalam panti.
	if got, want := codes(AnakDalamPanti), []string{"pengasuhan", "permakanan", "sandang", "tempat_tinggal_sementara",
		"perbekalan_kesehatan", "bimbingan_fisik_mental_sosial", "bimbingan_aktivitas_hidup_sehari_hari",
		"dokumen_kependudukan", "akses_pendidikan_kesehatan", "penelusuran_keluarga", "reunifikasi_reintegrasi",
		"pengasuhan_keluarga_pengganti"}; !slices.Equal(got, want) {
		t.Errorf("anak dalam panti: %q, want %q", got, want)
	}
	if !slices.Contains(codes(LansiaDalamPanti), "pemulasaraan") {
		t.Error("lansia dalam panti lacks pemulasaraan")
	}
	confirmed := map[Jenis]bool{GepengLuarPanti: true, AnakDalamPanti: true, GepengDalamPanti: true}
	for _, s := range Services {
		cj, ok := c.Of(s.Jenis)
		if !ok {
			t.Errorf("%s missing", s.Jenis)
			continue
		}
		if cj.Name != s.Name || cj.Penerima != s.Penerima || cj.Level != s.Level {
			t.Errorf("%s: %q / %q / %s, want PP 2/2018's %q / %q / %s", s.Jenis, cj.Name, cj.Penerima, cj.Level, s.Name, s.Penerima, s.Level)
		}
		if !strings.Contains(cj.Source, "PP 2/2018 Pasal 10") || !strings.Contains(cj.Source, "domain.md §2.4") {
			t.Errorf("%s: source %q cites neither PP 2/2018 Pasal 10 nor domain.md", s.Jenis, cj.Source)
		}
		if confirmed[s.Jenis] == strings.Contains(cj.Source, "✘") {
			t.Errorf("%s: source %q, confirmed %v", s.Jenis, cj.Source, confirmed[s.Jenis])
		}
		for _, it := range cj.Items {
			if marked := strings.HasPrefix(it.Note, NotConfirmed); marked == confirmed[s.Jenis] {
				t.Errorf("%s %s: note %q, confirmed %v", s.Jenis, it.Code, it.Note, confirmed[s.Jenis])
			}
		}
	}
	// Both disaster levels get the same items.
	p, _ := c.Of(BencanaProvinsi)
	k, _ := c.Of(BencanaKabKota)
	if !slices.Equal(p.Items, k.Items) || len(p.Items) != 5 {
		t.Errorf("bencana: %d items provinsi, %d kab/kota", len(p.Items), len(k.Items))
	}
	// Each call builds its own value: a caller changing one changes no other.
	c.Jenis[0].Items[0].Name = "diubah"
	if SeedCatalogVersion().Jenis[0].Items[0].Name == "diubah" {
		t.Error("SeedCatalogVersion shares its items between calls")
	}
}

package registry

import "strings"

// CategoryCode is the stable code of a PPKS category, stored in the database
// and sent in the API ("anak_telantar"). Names may be reworded; codes never.
type CategoryCode string

// Criterion is the problem criterion a PPKS category falls under
// (PP 39/2012 Pasal 2, grouping as on the Dirjen Rehsos slide, domain.md §5).
type Criterion string

const (
	Kemiskinan      Criterion = "kemiskinan"
	Ketelantaran    Criterion = "ketelantaran"
	Kecacatan       Criterion = "kecacatan"
	Keterpencilan   Criterion = "keterpencilan"
	KetunaanSosial  Criterion = "ketunaan_sosial" // ketunaan sosial dan penyimpangan perilaku
	KorbanBencana   Criterion = "korban_bencana"
	KorbanKekerasan Criterion = "korban_kekerasan" // korban tindak kekerasan, eksploitasi dan diskriminasi
)

// SPMCluster is the penerima pelayanan dasar of the SPM bidang sosial
// (PP 2/2018 Pasal 10 ayat 5, domain.md §1) that a category feeds. The
// category only says which service can apply; who counts in Y is decided
// by the assessment (domain.md §2.2–2.3: "telantar", "sesuai hasil asesmen").
type SPMCluster string

const (
	SPMDisabilitasTelantar SPMCluster = "disabilitas_telantar"
	SPMAnakTelantar        SPMCluster = "anak_telantar"
	SPMLansiaTelantar      SPMCluster = "lansia_telantar"
	SPMGelandanganPengemis SPMCluster = "gelandangan_pengemis" // tuna sosial khususnya gelandangan dan pengemis
	SPMKorbanBencana       SPMCluster = "korban_bencana"       // alam dan sosial
)

// Category is one of the 26 PPKS (pemerlu pelayanan kesejahteraan sosial)
// of Permensos 8/2012, kept at 26 under Permensos 5/2019 and 3/2021
// (domain.md §5).
type Category struct {
	Code      CategoryCode
	Number    int    // 1–26, the order of domain.md §5
	Name      string // Indonesian, as the regulation names it
	NameEN    string
	Criterion Criterion
	SPM       SPMCluster // empty when no SPM service is obviously meant for it
}

// categories is the catalog in the order of domain.md §5 (dinsos.jabarprov.go.id
// list, grouped by problem criterion). SPM links are given only where
// PP 2/2018 Pasal 10 names the group: anak balita telantar are anak telantar
// (anak = under 18, domain.md §2.3); penyandang disabilitas count when
// assessed as telantar. Anak dengan kedisabilitasan could be either the
// anak or the disabilitas service, so it is left to the assessment.
var categories = [...]Category{
	{"fakir_miskin", 1, "Fakir Miskin", "Poor and destitute people", Kemiskinan, ""},
	{"perempuan_rawan_sosial_ekonomi", 2, "Perempuan Rawan Sosial Ekonomi", "Socially and economically vulnerable women", Kemiskinan, ""},
	{"gelandangan", 3, "Gelandangan", "Homeless people", Kemiskinan, SPMGelandanganPengemis},
	{"pengemis", 4, "Pengemis", "Beggars", Kemiskinan, SPMGelandanganPengemis},
	{"anak_jalanan", 5, "Anak Jalanan", "Street children", Kemiskinan, ""},
	{"pemulung", 6, "Pemulung", "Waste pickers", Kemiskinan, ""},
	{"anak_balita_telantar", 7, "Anak Balita Telantar", "Neglected children under five", Ketelantaran, SPMAnakTelantar},
	{"anak_telantar", 8, "Anak Telantar", "Neglected children", Ketelantaran, SPMAnakTelantar},
	{"lanjut_usia_telantar", 9, "Lanjut Usia Telantar", "Neglected older people", Ketelantaran, SPMLansiaTelantar},
	{"anak_dengan_kedisabilitasan", 10, "Anak dengan Kedisabilitasan", "Children with disabilities", Kecacatan, ""},
	{"penyandang_disabilitas", 11, "Penyandang Disabilitas", "Persons with disabilities", Kecacatan, SPMDisabilitasTelantar},
	{"komunitas_adat_terpencil", 12, "Komunitas Adat Terpencil", "Remote indigenous communities", Keterpencilan, ""},
	{"anak_berhadapan_dengan_hukum", 13, "Anak Berhadapan dengan Hukum", "Children in contact with the law", KetunaanSosial, ""},
	{"anak_memerlukan_perlindungan_khusus", 14, "Anak yang Memerlukan Perlindungan Khusus", "Children in need of special protection", KetunaanSosial, ""},
	{"odha", 15, "Orang dengan HIV/AIDS (ODHA)", "People living with HIV/AIDS", KetunaanSosial, ""},
	{"kelompok_minoritas", 16, "Kelompok Minoritas", "Minority groups", KetunaanSosial, ""},
	{"bekas_warga_binaan_lapas", 17, "Bekas Warga Binaan Lembaga Pemasyarakatan", "Former prison inmates", KetunaanSosial, ""},
	{"keluarga_bermasalah_sosial_psikologis", 18, "Keluarga Bermasalah Sosial Psikologis", "Families with social and psychological problems", KetunaanSosial, ""},
	{"korban_napza", 19, "Korban Penyalahgunaan NAPZA", "Victims of drug abuse", KetunaanSosial, ""},
	{"korban_bencana_alam", 20, "Korban Bencana Alam", "Victims of natural disasters", KorbanBencana, SPMKorbanBencana},
	{"korban_bencana_sosial", 21, "Korban Bencana Sosial", "Victims of social disasters", KorbanBencana, SPMKorbanBencana},
	{"anak_korban_tindak_kekerasan", 22, "Anak Korban Tindak Kekerasan", "Child victims of violence", KorbanKekerasan, ""},
	{"korban_tindak_kekerasan", 23, "Korban Tindak Kekerasan", "Victims of violence", KorbanKekerasan, ""},
	{"tuna_susila", 24, "Tuna Susila", "People in prostitution", KorbanKekerasan, ""},
	{"korban_perdagangan_orang", 25, "Korban Perdagangan Orang", "Victims of trafficking", KorbanKekerasan, ""},
	{"pekerja_migran_bermasalah_sosial", 26, "Pekerja Migran Bermasalah Sosial", "Migrant workers with social problems", KorbanKekerasan, ""},
}

// Categories returns the 26 PPKS categories in catalog order (a copy).
func Categories() []Category {
	out := make([]Category, len(categories))
	copy(out, categories[:])
	return out
}

// Info returns the catalog entry of code c.
func (c CategoryCode) Info() (Category, bool) {
	for _, cat := range categories {
		if cat.Code == c {
			return cat, true
		}
	}
	return Category{}, false
}

// ParseCategory finds a category by its code, ignoring case and surrounding
// spaces. The error is a *RuleError with key category.unknown and the input.
func ParseCategory(s string) (Category, error) {
	if cat, ok := CategoryCode(strings.ToLower(strings.TrimSpace(s))).Info(); ok {
		return cat, nil
	}
	return Category{}, ruleErr("category.unknown", s)
}

// Disability is a type of disability (ragam penyandang disabilitas) of
// UU 8/2016 Pasal 4 ayat (1). A person may have several (ayat 2: ganda or
// multi), so a record holds a set.
type Disability string

const (
	DisabilityFisik       Disability = "fisik"       // physical
	DisabilityIntelektual Disability = "intelektual" // intellectual
	DisabilityMental      Disability = "mental"      // psychosocial and developmental
	DisabilitySensorik    Disability = "sensorik"    // sight, hearing, speech
)

// Disabilities lists the four types in the order of the Act.
func Disabilities() []Disability {
	return []Disability{DisabilityFisik, DisabilityIntelektual, DisabilityMental, DisabilitySensorik}
}

// Name is the Indonesian name of d, as UU 8/2016 writes it.
func (d Disability) Name() string {
	switch d {
	case DisabilityFisik, DisabilityIntelektual, DisabilityMental, DisabilitySensorik:
		return "Penyandang Disabilitas " + string(d)
	}
	return ""
}

// NameEN is the English name of d.
func (d Disability) NameEN() string {
	switch d {
	case DisabilityFisik:
		return "Physical"
	case DisabilityIntelektual:
		return "Intellectual"
	case DisabilityMental:
		return "Mental"
	case DisabilitySensorik:
		return "Sensory"
	}
	return ""
}

// ParseDisability reads a disability type code, ignoring case and
// surrounding spaces. The error is a *RuleError with key disability.unknown
// and the input.
func ParseDisability(s string) (Disability, error) {
	d := Disability(strings.ToLower(strings.TrimSpace(s)))
	for _, x := range Disabilities() {
		if d == x {
			return d, nil
		}
	}
	return "", ruleErr("disability.unknown", s)
}

package casework

import "time"

// Reason is why a case is terminated (terminasi).
type Reason string

const (
	TujuanTercapai Reason = "tujuan_tercapai" // the plan's goals were reached
	Dirujuk        Reason = "dirujuk"         // handed over to another service
	Pindah         Reason = "pindah"          // moved away
	Meninggal      Reason = "meninggal"       // died
	Menolak        Reason = "menolak"         // refused further services
	HilangKontak   Reason = "hilang_kontak"   // lost contact
	LulusPENA      Reason = "lulus_pena"      // graduated to PENA (domain.md §4.9: an outcome, not a stage)
)

// Reasons in the order forms list them.
var Reasons = []Reason{TujuanTercapai, Dirujuk, Pindah, LulusPENA, Menolak, HilangKontak, Meninggal}

// Valid reports whether r is a known reason.
func (r Reason) Valid() bool { return oneOf(r, Reasons) }

// FollowUp reports whether a case closed for r gets bimbingan lanjut: the
// person is still there to be visited.
func (r Reason) FollowUp() bool {
	switch r {
	case TujuanTercapai, Dirujuk, Pindah, LulusPENA:
		return true
	}
	return false
}

// Cluster is an ATENSI target group (Permensos 7/2021 Pasal 3; domain.md §4.5).
type Cluster string

const (
	ClusterAnak        Cluster = "anak"
	ClusterDisabilitas Cluster = "disabilitas"
	ClusterLansia      Cluster = "lansia"
	ClusterTSKPO       Cluster = "tuna_sosial_kpo" // tuna sosial dan korban perdagangan orang
	ClusterNAPZA       Cluster = "napza"           // korban penyalahgunaan NAPZA
	ClusterBencana     Cluster = "bencana"         // korban bencana
	ClusterLainnya     Cluster = "lainnya"         // PPKS lainnya
)

// Clusters in the order forms list them.
var Clusters = []Cluster{ClusterAnak, ClusterDisabilitas, ClusterLansia, ClusterTSKPO, ClusterNAPZA, ClusterBencana, ClusterLainnya}

// Valid reports whether c is a known cluster.
func (c Cluster) Valid() bool { return oneOf(c, Clusters) }

// Specific reports whether a case of c holds specific personal data (UU
// 27/2022 Pasal 4: children's data, health data): only the case's team may
// read its assessment, notes and attachments.
func (c Cluster) Specific() bool {
	return c == ClusterAnak || c == ClusterDisabilitas || c == ClusterNAPZA
}

// Setting is where services are given. Residensial is "dalam panti", the
// others "luar panti", which decides the SPM jenis pelayanan later (PP
// 2/2018 Pasal 10).
type Setting string

const (
	Keluarga    Setting = "keluarga"
	Komunitas   Setting = "komunitas"
	Residensial Setting = "residensial"
)

// Settings in order.
var Settings = []Setting{Keluarga, Komunitas, Residensial}

// Valid reports whether s is a known setting.
func (s Setting) Valid() bool { return oneOf(s, Settings) }

// DalamPanti reports whether services are given in an institution.
func (s Setting) DalamPanti() bool { return s == Residensial }

// Source is how a case came in.
type Source string

const (
	DatangSendiri Source = "datang_sendiri"
	Penjangkauan  Source = "penjangkauan" // outreach
	Rujukan       Source = "rujukan"      // referred
	Aparat        Source = "aparat"       // brought by police, Satpol PP, …
	Hotline       Source = "hotline"
)

// Sources in order.
var Sources = []Source{DatangSendiri, Penjangkauan, Rujukan, Aparat, Hotline}

// Valid reports whether s is a known source.
func (s Source) Valid() bool { return oneOf(s, Sources) }

// Risk is the risk level set at first contact and revised at assessment.
type Risk string

const (
	RiskRendah Risk = "rendah"
	RiskSedang Risk = "sedang"
	RiskTinggi Risk = "tinggi"
)

// Risks in order.
var Risks = []Risk{RiskRendah, RiskSedang, RiskTinggi}

// Valid reports whether r is a known risk level.
func (r Risk) Valid() bool { return oneOf(r, Risks) }

// Need is an item of the basic-need list of Permensos 9/2018 (domain.md
// §2.4): what an assessment finds a person needs and a plan sets out to
// deliver. SPM counts a person's needs met when every one is delivered.
type Need string

const (
	Permakanan          Need = "permakanan"
	Sandang             Need = "sandang"
	TempatTinggal       Need = "tempat_tinggal_sementara" // asrama, shelter
	AlatBantu           Need = "alat_bantu"
	PerbekalanKesehatan Need = "perbekalan_kesehatan"
	BimbinganFMS        Need = "bimbingan_fisik_mental_sosial"
	BimbinganKeluarga   Need = "bimbingan_keluarga"
	Pengasuhan          Need = "pengasuhan"
	DokumenKependudukan Need = "dokumen_kependudukan"
	AksesPendidikan     Need = "akses_pendidikan"
	AksesKesehatan      Need = "akses_kesehatan"
	PenelusuranKeluarga Need = "penelusuran_keluarga"
	Reunifikasi         Need = "reunifikasi_reintegrasi"
	RujukanLayanan      Need = "rujukan"
	Pemulasaraan        Need = "pemulasaraan" // lansia dalam panti
)

// Needs in the order forms list them.
var Needs = []Need{Permakanan, Sandang, TempatTinggal, AlatBantu, PerbekalanKesehatan, BimbinganFMS, BimbinganKeluarga,
	Pengasuhan, DokumenKependudukan, AksesPendidikan, AksesKesehatan, PenelusuranKeluarga, Reunifikasi, RujukanLayanan, Pemulasaraan}

// Valid reports whether n is a known need.
func (n Need) Valid() bool { return oneOf(n, Needs) }

// Emergency reports whether n may be given before the assessment, within
// the emergency window: food, clothing, a temporary roof and medical
// supplies cannot wait for a case conference (issue 5, point 2).
func (n Need) Emergency() bool {
	return n == Permakanan || n == Sandang || n == TempatTinggal || n == PerbekalanKesehatan
}

// DefaultEmergencyWindow is how long after a case opens emergency basic
// needs may be given without an assessment. Permensos 9/2018's luar panti
// standard gives permakanan "paling lama 7 (tujuh) hari" (domain.md §2.4);
// a deployment may set another.
const DefaultEmergencyWindow = 7 * 24 * time.Hour

// InEmergencyWindow reports whether, for a case opened at opened, now is
// still within window.
func InEmergencyWindow(opened, now time.Time, window time.Duration) bool {
	return !now.Before(opened) && now.Sub(opened) < window
}

// Component is one of ATENSI's seven direct-service components (Permensos
// 7/2021 as amended; domain.md §4.3).
type Component string

const (
	KebutuhanHidupLayak Component = "kebutuhan_hidup_layak"
	PerawatanSosial     Component = "perawatan_sosial"
	DukunganKeluarga    Component = "dukungan_keluarga"
	Terapi              Component = "terapi"
	Vokasional          Component = "vokasional_kewirausahaan"
	BantuanAsistensi    Component = "bantuan_asistensi_sosial"
	Aksesibilitas       Component = "dukungan_aksesibilitas"
)

// Components in order.
var Components = []Component{KebutuhanHidupLayak, PerawatanSosial, DukunganKeluarga, Terapi, Vokasional, BantuanAsistensi, Aksesibilitas}

// Valid reports whether c is a known component.
func (c Component) Valid() bool { return oneOf(c, Components) }

// Domain is an area an assessment looks at.
type Domain string

const (
	DomainFisik     Domain = "fisik_kesehatan"
	DomainPsikologi Domain = "psikologis"
	DomainSosial    Domain = "sosial_keluarga"
	DomainEkonomi   Domain = "ekonomi"
	DomainPendidik  Domain = "pendidikan"
	DomainDokumen   Domain = "dokumen_kependudukan"
	DomainTinggal   Domain = "tempat_tinggal"
	DomainRisiko    Domain = "risiko" // kekerasan, eksploitasi, pemasungan
)

// Domains in the order an assessment form shows them.
var Domains = []Domain{DomainFisik, DomainPsikologi, DomainSosial, DomainEkonomi, DomainPendidik, DomainDokumen, DomainTinggal, DomainRisiko}

// Valid reports whether d is a known domain.
func (d Domain) Valid() bool { return oneOf(d, Domains) }

// DefaultFollowUpMonths are the months after terminasi at which bimbingan
// lanjut visits are scheduled by default (issue 5, point 2).
var DefaultFollowUpMonths = []int{1, 3, 6}

// FollowUpDates schedules follow-up visits months after the day a case was
// terminated. A month that lacks the day ends on its last day (31 January
// plus one month is 28 or 29 February), not in the next month.
func FollowUpDates(terminated time.Time, months []int) []time.Time {
	y, m, d := terminated.Date()
	out := make([]time.Time, 0, len(months))
	for _, n := range months {
		first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, terminated.Location())
		last := first.AddDate(0, 1, -1).Day()
		out = append(out, time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, terminated.Location()))
	}
	return out
}

func oneOf[T comparable](v T, all []T) bool {
	for _, x := range all {
		if v == x {
			return true
		}
	}
	return false
}

// RiskFlag is a danger an assessment finds (the risiko domain).
type RiskFlag string

const (
	Kekerasan        RiskFlag = "kekerasan"         // violence
	Eksploitasi      RiskFlag = "eksploitasi"       // exploitation
	Pemasungan       RiskFlag = "pemasungan"        // shackling or confinement
	Penelantaran     RiskFlag = "penelantaran"      // neglect
	PerdaganganOrang RiskFlag = "perdagangan_orang" // trafficking
)

// RiskFlags in the order forms list them.
var RiskFlags = []RiskFlag{Kekerasan, Eksploitasi, Pemasungan, Penelantaran, PerdaganganOrang}

// Valid reports whether r is a known risk.
func (r RiskFlag) Valid() bool { return oneOf(r, RiskFlags) }

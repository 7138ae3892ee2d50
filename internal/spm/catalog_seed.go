package spm

// The first version of the catalog, loaded into an empty database
// (SeedCatalog): Permensos 9/2018 as far as its Lampiran could be read.
// The full tables of standard goods and services were not retrievable
// (domain.md §2.4), so each jenis says where its items come from:
//   - ◐ confirmed through a secondary source that quotes the regulation
//     (gelandangan dan pengemis di luar panti, anak telantar di dalam panti);
//   - ◐ composed from what a secondary source says "terpenuhi" means
//     (gelandangan dan pengemis di dalam panti);
//   - ✘ not confirmed: the item families domain.md gives by analogy
//     (disabilitas, lansia, anak di luar panti, korban bencana), each item
//     marked NotConfirmed in its note, for an admin to check against the
//     Lampiran and correct in a new version.
// Unit labels are layan's defaults, not the regulation's (its satuan were
// not retrieved either); they are what a region's unit costs will be
// costs of, and admins may change them.
//
// Codes are those of the casework's basic needs (casework.Need) where the
// item is one; the others are new, in the same style.

// NotConfirmed marks an item whose place in the regulation is not confirmed
// (domain.md's ✘): shown with the item until an admin has checked it.
const NotConfirmed = "✘ belum terkonfirmasi / not confirmed (domain.md §2.4)"

// SeedCatalogName is the name of the first version.
const SeedCatalogName = "Permensos 9/2018"

// Where the items of each jenis come from (and PP 2/2018 Pasal 10 for the
// jenis and its penerima).
const (
	seedSrcGepengLuar = "Jenis dan penerima: PP 2/2018 Pasal 10. Butir barang/jasa: Permensos 9/2018, ◐ sebagaimana dikutip " +
		"Satu Data Kota Singkawang (https://satudata.singkawangkota.go.id/dataset/persentase-rehabilitasi-sosial-dasar-" +
		"tuna-wisma-khususnya-gelandangan-dan-pengemis-di-luar-panti); domain.md §2.4."
	seedSrcAnakDalam = "Jenis dan penerima: PP 2/2018 Pasal 10. Butir barang/jasa: Permensos 9/2018, ◐ sebagaimana disebut " +
		"pejabat Provinsi Kalimantan Tengah (https://zonakota.com/2023/06/27/setiap-anak-berhak-mendapatkan-pelayanan-dasar); " +
		"domain.md §2.4."
	seedSrcGepengDalam = "Jenis dan penerima: PP 2/2018 Pasal 10. Butir barang/jasa: ◐ disusun dari arti \"terpenuhi kebutuhan " +
		"dasarnya\" pada kode referensi SIPD 04.02.025 (https://sdi.beltim.go.id/kodref/04.02.025); daftar Lampiran " +
		"Permensos 9/2018 belum terkonfirmasi; domain.md §2.4."
	seedSrcAnalogy = "Jenis dan penerima: PP 2/2018 Pasal 10. Butir barang/jasa: ✘ belum terkonfirmasi — Lampiran Permensos " +
		"9/2018 tidak diperoleh; disusun menurut kelompok butir yang sebanding (domain.md §2.4)."
	seedSrcBencana = "Jenis dan penerima: PP 2/2018 Pasal 10. Butir barang/jasa: ✘ belum terkonfirmasi — Lampiran Permensos " +
		"9/2018 tidak diperoleh; disusun dari praktik Kemensos (klaster pengungsian dan perlindungan, " +
		"https://www.kontakbanten.co.id/2019/01/perlu-tiga-tahapan-atasi-korban-bencana.html); domain.md §2.4."
)

// What a secondary source says an item of a panti holds, in the wording of
// the indicator "PPKS lainnya … di dalam panti", which appears to follow
// Permensos 9/2018 (◐ https://sdi.beltim.go.id/kodref/04.02.080).
const (
	seedGizi = "Standar gizi minimal: Angka Kecukupan Energi hingga 2.100 kilo kalori per orang per hari " +
		"(◐ sdi.beltim.go.id/kodref/04.02.080)."
	seedSandangIsi = "Pakaian, perlengkapan mandi, kebutuhan khusus bagi perempuan/balita/bedridden, alas kaki, " +
		"perlengkapan ibadah (◐ sdi.beltim.go.id/kodref/04.02.080)."
	seedKesehatanIsi = "Obat-obatan, alat kesehatan, perawatan, kunjungan dokter/psikiater/pekerja sosial medis " +
		"(◐ sdi.beltim.go.id/kodref/04.02.080)."
)

// Item codes. Those equal to a casework.Need keep its value (names_test.go
// holds the two to each other).
const (
	codePermakanan          = "permakanan"
	codeSandang             = "sandang"
	codeTempatTinggal       = "tempat_tinggal_sementara"
	codeAlatBantu           = "alat_bantu"
	codePerbekalan          = "perbekalan_kesehatan"
	codeBimbinganFMS        = "bimbingan_fisik_mental_sosial"
	codeBimbinganKeluarga   = "bimbingan_keluarga"
	codePengasuhan          = "pengasuhan"
	codeDokumen             = "dokumen_kependudukan"
	codePenelusuran         = "penelusuran_keluarga"
	codeReunifikasi         = "reunifikasi_reintegrasi"
	codeRujukan             = "rujukan"
	codePemulasaraan        = "pemulasaraan"
	codeAksesPendKes        = "akses_pendidikan_kesehatan" // one item in the sources; casework splits it in two
	codeHidupSehariHari     = "bimbingan_aktivitas_hidup_sehari_hari"
	codeKeterampilanDasar   = "bimbingan_keterampilan_dasar"
	codeKeluargaPengganti   = "pengasuhan_keluarga_pengganti"
	codePemulangan          = "pemulangan_daerah_asal"
	codeKelompokRentan      = "penanganan_khusus_kelompok_rentan"
	codeDukunganPsikososial = "dukungan_psikososial"
)

// SeedCatalogCodes are the codes of the seed that are basic needs of the
// casework, for the test that holds them to casework.Need.
var SeedCatalogCodes = []string{codePermakanan, codeSandang, codeTempatTinggal, codeAlatBantu, codePerbekalan,
	codeBimbinganFMS, codeBimbinganKeluarga, codePengasuhan, codeDokumen, codePenelusuran, codeReunifikasi,
	codeRujukan, codePemulasaraan}

func seedItem(code, name, unit, note string) CatalogItemInput {
	return CatalogItemInput{Code: code, Name: name, UnitLabel: unit, Note: note}
}

// seedUnconfirmed marks every item of a list NotConfirmed, before any
// note of its own.
func seedUnconfirmed(items ...CatalogItemInput) []CatalogItemInput {
	for i := range items {
		if items[i].Note == "" {
			items[i].Note = NotConfirmed
		} else {
			items[i].Note = NotConfirmed + " " + items[i].Note
		}
	}
	return items
}

// seedPanti is the analogous list of a rehabilitasi sosial dasar in a
// panti for disabilitas and lansia (domain.md §2.4: "permakanan, sandang, asrama,
// alat bantu, perbekalan kesehatan, bimbingan incl. aktivitas hidup
// sehari-hari, dokumen kependudukan, akses pendidikan/kesehatan,
// penelusuran, reunifikasi, rujukan"), with extra at the end.
func seedPanti(extra ...CatalogItemInput) []CatalogItemInput {
	return seedUnconfirmed(append([]CatalogItemInput{
		seedItem(codePermakanan, "Permakanan", "orang/hari", seedGizi),
		seedItem(codeSandang, "Sandang", "paket", seedSandangIsi),
		seedItem(codeTempatTinggal, "Asrama yang mudah diakses", "orang/hari", ""),
		seedItem(codeAlatBantu, "Alat bantu", "unit", ""),
		seedItem(codePerbekalan, "Perbekalan kesehatan", "paket", seedKesehatanIsi),
		seedItem(codeBimbinganFMS, "Bimbingan fisik, mental spiritual, dan sosial", "kali", ""),
		seedItem(codeHidupSehariHari, "Bimbingan aktivitas hidup sehari-hari", "kali", ""),
		seedItem(codeDokumen, "Fasilitasi dokumen kependudukan (NIK, akta kelahiran, kartu identitas)", "dokumen", ""),
		seedItem(codeAksesPendKes, "Akses ke layanan pendidikan dan kesehatan dasar", "kali", ""),
		seedItem(codePenelusuran, "Penelusuran keluarga", "kali", ""),
		seedItem(codeReunifikasi, "Reunifikasi keluarga dan/atau reintegrasi sosial", "kali", ""),
		seedItem(codeRujukan, "Rujukan", "kali", ""),
	}, extra...)...)
}

// seedLuarPanti is the analogous list of a rehabilitasi sosial dasar
// outside a panti: the confirmed list of gelandangan dan pengemis di luar panti, with
// bimbingan aktivitas hidup sehari-hari (domain.md §2.4), and extra first.
func seedLuarPanti(extra ...CatalogItemInput) []CatalogItemInput {
	return seedUnconfirmed(append(extra,
		seedItem(codePermakanan, "Permakanan", "orang/hari", "Paling lama 7 (tujuh) hari, sebagaimana pada gelandangan dan pengemis di luar panti."),
		seedItem(codeSandang, "Sandang", "paket", ""),
		seedItem(codeAlatBantu, "Alat bantu", "unit", ""),
		seedItem(codePerbekalan, "Perbekalan kesehatan", "paket", ""),
		seedItem(codeBimbinganFMS, "Bimbingan fisik, mental spiritual, dan sosial", "kali", ""),
		seedItem(codeHidupSehariHari, "Bimbingan aktivitas hidup sehari-hari", "kali", ""),
		seedItem(codeBimbinganKeluarga, "Bimbingan sosial kepada keluarga dan masyarakat", "kali", ""),
		seedItem(codeDokumen, "Fasilitasi dokumen kependudukan (NIK, akta kelahiran, kartu identitas)", "dokumen", ""),
		seedItem(codeAksesPendKes, "Akses ke layanan pendidikan dan kesehatan dasar", "kali", ""),
		seedItem(codePenelusuran, "Penelusuran keluarga", "kali", ""),
		seedItem(codeReunifikasi, "Reunifikasi dan/atau reintegrasi sosial", "kali", ""),
		seedItem(codeRujukan, "Rujukan", "kali", ""),
	)...)
}

// seedBencana is the list of perlindungan dan jaminan sosial for korban
// bencana, at either level (domain.md §2.4 ✘).
func seedBencana() []CatalogItemInput {
	return seedUnconfirmed(
		seedItem(codePermakanan, "Permakanan", "orang/hari", ""),
		seedItem(codeSandang, "Sandang", "paket", "Termasuk perlengkapan keluarga dan anak (family kit, kids ware) dari buffer stock."),
		seedItem(codeTempatTinggal, "Tempat penampungan pengungsi", "orang/hari", "Tenda atau hunian sementara."),
		seedItem(codeKelompokRentan, "Penanganan khusus bagi kelompok rentan", "orang", ""),
		seedItem(codeDukunganPsikososial, "Dukungan psikososial", "kali", ""),
	)
}

// seedItems are the items of each jenis in the first version.
func seedItems(j Jenis) []CatalogItemInput {
	switch j {
	case GepengLuarPanti:
		// ◐ The eleven items, in the source's order (1)–(11).
		return []CatalogItemInput{
			seedItem(codePermakanan, "Permakanan", "orang/hari", "Paling lama 7 (tujuh) hari."),
			seedItem(codeSandang, "Sandang", "paket", ""),
			seedItem(codeAlatBantu, "Alat bantu", "unit", ""),
			seedItem(codePerbekalan, "Perbekalan kesehatan", "paket", ""),
			seedItem(codeBimbinganFMS, "Bimbingan fisik, mental spiritual, dan sosial", "kali", ""),
			seedItem(codeBimbinganKeluarga, "Bimbingan sosial kepada keluarga dan masyarakat", "kali", ""),
			seedItem(codeDokumen, "Fasilitasi pembuatan NIK, akta kelahiran, surat nikah, dan kartu identitas anak", "dokumen", ""),
			seedItem(codeAksesPendKes, "Akses ke layanan pendidikan dan kesehatan dasar", "kali", ""),
			seedItem(codePenelusuran, "Penelusuran keluarga", "kali", ""),
			seedItem(codeReunifikasi, "Reunifikasi dan/atau reintegrasi sosial", "kali", ""),
			seedItem(codeRujukan, "Rujukan", "kali", ""),
		}
	case AnakDalamPanti:
		// ◐ The twelve items as the source lists them.
		return []CatalogItemInput{
			seedItem(codePengasuhan, "Pengasuhan", "orang/hari", ""),
			seedItem(codePermakanan, "Permakanan", "orang/hari", seedGizi),
			seedItem(codeSandang, "Sandang", "paket", seedSandangIsi),
			seedItem(codeTempatTinggal, "Asrama yang mudah diakses", "orang/hari", ""),
			seedItem(codePerbekalan, "Perbekalan kesehatan", "paket", seedKesehatanIsi),
			seedItem(codeBimbinganFMS, "Bimbingan fisik, mental, spiritual, dan sosial", "kali", ""),
			seedItem(codeHidupSehariHari, "Bimbingan keterampilan hidup sehari-hari", "kali", ""),
			seedItem(codeDokumen, "Akta kelahiran, NIK, dan kartu identitas anak", "dokumen", ""),
			seedItem(codeAksesPendKes, "Akses pendidikan dan kesehatan dasar", "kali", ""),
			seedItem(codePenelusuran, "Penelusuran keluarga", "kali", ""),
			seedItem(codeReunifikasi, "Reunifikasi keluarga", "kali", ""),
			seedItem(codeKeluargaPengganti, "Akses pengasuhan kepada keluarga pengganti", "orang", "Dan/atau, sesuai hasil asesmen."),
		}
	case GepengDalamPanti:
		// ◐ What "terpenuhi" means for a gelandangan or pengemis in a panti.
		const why = "◐ Dari arti \"terpenuhi\" (sdi.beltim.go.id/kodref/04.02.025); daftar Lampiran belum terkonfirmasi."
		return []CatalogItemInput{
			seedItem(codeTempatTinggal, "Tempat tinggal yang layak (asrama/wisma)", "orang/hari", why),
			seedItem(codePermakanan, "Makanan dan gizi", "orang/hari", why+" "+seedGizi),
			seedItem(codeSandang, "Sandang", "paket", why+" "+seedSandangIsi),
			seedItem(codeDokumen, "Dokumen kependudukan", "dokumen", why),
			seedItem(codeAksesPendKes, "Akses pendidikan dan/atau kesehatan dasar", "kali", why),
			seedItem(codeBimbinganFMS, "Bimbingan fisik, mental, spiritual, dan sosial", "kali", why+" Agar mampu merawat dan melindungi diri."),
			seedItem(codeHidupSehariHari, "Bimbingan aktivitas hidup sehari-hari", "kali", why),
			seedItem(codeKeterampilanDasar, "Bimbingan keterampilan dasar (usaha)", "kali", why),
			seedItem(codePemulangan, "Pemulangan ke daerah asal", "orang", why+" Dan/atau, sesuai hasil asesmen."),
		}
	case DisabilitasDalamPanti:
		return seedPanti()
	case LansiaDalamPanti:
		return seedPanti(seedItem(codePemulasaraan, "Pemulasaraan", "orang", "Bagi lanjut usia yang meninggal di panti."))
	case DisabilitasLuarPanti, LansiaLuarPanti:
		return seedLuarPanti()
	case AnakLuarPanti:
		return seedLuarPanti(seedItem(codePengasuhan, "Pengasuhan", "orang/hari", ""),
			seedItem(codeKeluargaPengganti, "Akses pengasuhan kepada keluarga pengganti", "orang", "Dan/atau, sesuai hasil asesmen."))
	case BencanaProvinsi, BencanaKabKota:
		return seedBencana()
	}
	return nil
}

// seedSource is where the items of j in the first version come from.
func seedSource(j Jenis) string {
	switch j {
	case GepengLuarPanti:
		return seedSrcGepengLuar
	case AnakDalamPanti:
		return seedSrcAnakDalam
	case GepengDalamPanti:
		return seedSrcGepengDalam
	case BencanaProvinsi, BencanaKabKota:
		return seedSrcBencana
	}
	return seedSrcAnalogy
}

// SeedCatalogVersion is the first version as it is loaded: active, with the
// ten jenis in the order of Services, worded as PP 2/2018 Pasal 10 words
// them.
func SeedCatalogVersion() Catalog {
	c := Catalog{
		Name: SeedCatalogName,
		Regulation: "Peraturan Menteri Sosial Nomor 9 Tahun 2018 tentang Standar Teknis Pelayanan Dasar pada Standar " +
			"Pelayanan Minimal Bidang Sosial di Daerah Provinsi dan di Daerah Kabupaten/Kota",
		// Diundangkan 6 Juli 2018, Berita Negara 2018 No. 868 (domain.md §2.1 ◐).
		ValidFrom: "2018-07-06",
		Status:    CatalogActive,
		Note: "Dimuat oleh layan dari domain.md §2.4: Lampiran Permensos 9/2018 tidak dapat diperoleh utuh. Butir bertanda ✘ " +
			"belum terkonfirmasi; satuan adalah bawaan layan, bukan dari peraturan. Periksa terhadap Lampiran, lalu perbaiki " +
			"pada salinan versi ini.",
		Version: 1,
	}
	for _, s := range Services {
		in := CatalogJenisInput{Name: s.Name, Penerima: s.Penerima, Source: seedSource(s.Jenis), Items: seedItems(s.Jenis)}
		c.Jenis = append(c.Jenis, in.jenis(s.Jenis))
	}
	return c
}

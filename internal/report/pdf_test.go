package report

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/spm"
)

// The PDF is checked as a reader sees it: ReadPDFText reads back each
// page's text from the document's own content streams (no outside tool),
// with the position of each line, so the tests also see where text lands.

var pdfGenerated = time.Date(2026, 10, 14, 3, 30, 0, 0, time.UTC) // 10:30 WIB

// lockedReport is Kota Salatiga's report of 2026 Q3, submitted, verified
// and locked: every part filled in, one jenis counted from an entered
// aggregate, one with nobody to serve.
func lockedReport() spm.Report {
	pct := func(v float64) *float64 { return &v }
	rp := func(v int64) *int64 { return &v }
	at := func(day, hour int) *time.Time { t := time.Date(2026, 10, day, hour, 0, 0, 0, time.UTC); return &t }
	yes, no := true, false
	r := spm.Report{ID: 7, Region: "33.73", RegionName: "Kota Salatiga", Level: spm.KabKota, Year: 2026, Quarter: 3,
		Status: spm.ReportLocked, Frozen: true, SnapshotAt: at(12, 2), Deadline: "2026-10-20",
		SubmittedAt: at(12, 2), VerifiedAt: at(13, 4), LockedAt: at(13, 5), UpdatedAt: at(13, 5), Version: 4,
		Keterisian: spm.Keterisian{Required: 24, Filled: 24, Percent: 100},
		ReportContent: spm.ReportContent{RencanaAksi: "Pendataan ulang PPKS bersama TKSK di setiap kelurahan pada Triwulan 4.",
			Tahapan: []spm.ReportTahap{
				{Tahap: spm.TahapPengumpulanData, Done: &yes},
				{Tahap: spm.TahapPenghitunganKebutuhan, Done: &yes, Note: "Dihitung bersama Bappeda."},
				{Tahap: spm.TahapPenyusunanRencana, Done: &yes},
				{Tahap: spm.TahapPelaksanaan, Done: &no, Note: "Anggaran perubahan belum disahkan."},
			}},
		Capaian: spm.Achievement{Region: "33.73", RegionName: "Kota Salatiga", Level: spm.KabKota, Year: 2026, Quarter: 3,
			Index: pct(87.5), Label: "Tuntas Madya"},
	}
	figs := map[spm.Jenis]spm.Figure{
		spm.DisabilitasLuarPanti: {X: 9, Y: 12, Capaian: pct(75), Source: "casework"},
		spm.AnakLuarPanti:        {X: 40, Y: 40, Capaian: pct(100), Source: "casework"},
		spm.LansiaLuarPanti: {X: 1234, Y: 1500, Capaian: pct(100 * 1234.0 / 1500), Source: "aggregate",
			Aggregate: &spm.Aggregate{X: 1234, Y: 1500, Source: "Rekap manual Dinas Sosial"}},
		spm.GepengLuarPanti: {X: 0, Y: 0, Source: "casework"},
		spm.BencanaKabKota:  {X: 7, Y: 8, Capaian: pct(87.5), Source: "casework"},
	}
	for i, svc := range spm.ServicesOf(spm.KabKota) {
		f := figs[svc.Jenis]
		f.Jenis, f.Name, f.Gap = svc.Jenis, svc.Name, f.Y-f.X
		r.Capaian.Jenis = append(r.Capaian.Jenis, f)
		r.Jenis = append(r.Jenis, spm.ReportJenis{Jenis: svc.Jenis, Name: svc.Name,
			Permasalahan:    fmt.Sprintf("Data jenis %d belum padan dengan DTSEN.", i+1),
			Solusi:          fmt.Sprintf("Verifikasi lapangan jenis %d oleh pekerja sosial.", i+1),
			AnggaranRencana: rp(int64(i+1) * 1_234_567), AnggaranRealisasi: rp(int64(i) * 500_000)})
	}
	return r
}

func writePDF(t *testing.T, r spm.Report, opts PDFOptions) ([]byte, [][]PDFText) {
	t.Helper()
	if opts.Generated.IsZero() {
		opts.Generated = pdfGenerated
	}
	var b bytes.Buffer
	if err := SPMReportPDF(&b, r, opts); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", b.Bytes()[:min(b.Len(), 20)])
	}
	pages, err := ReadPDFText(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), pages
}

// allText is the document's text, one line per piece, pages in order.
func allText(pages [][]PDFText) string {
	var lines []string
	for _, p := range pages {
		for _, x := range p {
			lines = append(lines, x.Text)
		}
	}
	return strings.Join(lines, "\n")
}

// flowing is the text with line breaks read as spaces: a wrapped sentence
// reads whole again.
func flowing(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestSPMReportPDF(t *testing.T) {
	r := lockedReport()
	raw, pages := writePDF(t, r, PDFOptions{SubmittedBy: "Perencana Salatiga", VerifiedBy: "Verifikator Jateng",
		HeadName: "Dra. Sri Lestari, M.Si.", HeadNIP: "197001011995032001", Address: "Jalan Jenderal Sudirman 1, Salatiga"})
	text := allText(pages)
	flow := flowing(text)
	for _, want := range []string{
		"PEMERINTAH KOTA SALATIGA", "DINAS SOSIAL", "LAPORAN PENERAPAN SPM BIDANG SOSIAL", "TRIWULAN 3 TAHUN 2026",
		"Jalan Jenderal Sudirman 1, Salatiga",
		"kode wilayah 33.73", "Dikunci — angka periode ini adalah yang dilaporkan",
		"12-10-2026 09:00 WIB oleh Perencana Salatiga", "13-10-2026 11:00 WIB oleh Verifikator Jateng",
		"Dibekukan saat pengajuan, 12-10-2026 09:00 WIB", "Batas penyampaian", "100 % (24 dari 24 bagian wajib)",
		// The table: counts, capaian, Rupiah the Indonesian way, the totals.
		"1.234", "1.500", "82,3 %", "Rp 1.234.567", "Rp 6.172.835", "Rp 2.000.000", "Rp 18.518.505", "Rp 5.000.000",
		"Indeks SPM: 87,5 — Tuntas Madya",
		"jenis 1, 2, 4, 5 dari data kasus layan; jenis 3 input daerah (Rekap manual Dinas Sosial)",
		// The chart, its values written out.
		"Target 100 %", "82,3 % (1.234/1.500)", "tidak ada yang perlu dilayani", "— (Y = 0)", "3. Lanjut usia telantar",
		// The written parts.
		"Data jenis 3 belum padan dengan DTSEN.", "Verifikasi lapangan jenis 5 oleh pekerja sosial.",
		"(32,4 % dari rencana)",
		"1. Pengumpulan data — sudah dilaksanakan", "4. Pelaksanaan pemenuhan pelayanan dasar — belum dilaksanakan",
		"Keterangan: Anggaran perubahan belum disahkan.",
		"Pendataan ulang PPKS bersama TKSK di setiap kelurahan pada Triwulan 4.",
		// The signature: a kota's place, the day of submission, the head.
		"Salatiga, 12 Oktober 2026", "Kepala Dinas Sosial", "Dra. Sri Lestari, M.Si.", "NIP. 197001011995032001",
	} {
		if !strings.Contains(flow, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	for _, svc := range spm.ServicesOf(spm.KabKota) {
		if !strings.Contains(flow, svc.Name) {
			t.Errorf("the PDF lacks the jenis %q", svc.Name)
		}
	}
	if strings.Contains(text, "DRAF") {
		t.Error("a locked report is marked DRAF")
	}
	checkPages(t, pages)
	// Fixed dates from the report, and its title, in the document's information.
	if !bytes.Contains(raw, []byte("/CreationDate (D:20261012020000)")) || !bytes.Contains(raw, []byte("/ModDate (D:20261012020000)")) {
		t.Error("the document's dates are not the report's snapshot")
	}
	// The same report gives the same bytes.
	again, _ := writePDF(t, r, PDFOptions{SubmittedBy: "Perencana Salatiga", VerifiedBy: "Verifikator Jateng",
		HeadName: "Dra. Sri Lestari, M.Si.", HeadNIP: "197001011995032001", Address: "Jalan Jenderal Sudirman 1, Salatiga"})
	if !bytes.Equal(raw, again) {
		t.Error("the same report written twice gives different bytes")
	}
}

// checkPages checks what every page must have: its number out of the
// total in the footer, and no text in the bottom margin but the footer's.
func checkPages(t *testing.T, pages [][]PDFText) {
	t.Helper()
	const mm = 72 / 25.4
	for i, p := range pages {
		want := fmt.Sprintf("Halaman %d dari %d", i+1, len(pages))
		found := false
		for _, x := range p {
			if x.Text == want {
				found = true
				if x.Y > (marginB-5)*mm {
					t.Errorf("page %d: %q at %.1f pt from the bottom, not in the footer", i+1, want, x.Y)
				}
				continue
			}
			if x.Text == "DRAF" || strings.HasPrefix(x.Text, "layan · ") {
				continue // the mark behind the text, the footer's other half
			}
			if x.Y < marginB*mm-1 {
				t.Errorf("page %d: %q at %.1f pt from the bottom, in the bottom margin", i+1, x.Text, x.Y)
			}
			if x.Y > (pageH-marginT+5)*mm {
				t.Errorf("page %d: %q at %.1f pt from the bottom, above the top margin", i+1, x.Text, x.Y)
			}
		}
		if !found {
			t.Errorf("page %d lacks %q", i+1, want)
		}
	}
}

func TestSPMReportPDFDraft(t *testing.T) {
	r := lockedReport()
	r.Status, r.Frozen, r.SnapshotAt, r.SubmittedAt, r.VerifiedAt, r.LockedAt = spm.ReportDraft, false, nil, nil, nil, nil
	r.Capaian.Index, r.Capaian.Label = nil, ""
	for i := range r.Capaian.Jenis {
		r.Capaian.Jenis[i].Capaian, r.Capaian.Jenis[i].X, r.Capaian.Jenis[i].Y = nil, 0, 0
	}
	r.Jenis[1].AnggaranRencana, r.Jenis[2].Permasalahan = nil, ""
	r.Tahapan[0].Done = nil
	r.RencanaAksi = ""
	raw, pages := writePDF(t, r, PDFOptions{})
	flow := flowing(allText(pages))
	for _, want := range []string{
		"Draf — belum diajukan", "DRAF — laporan ini belum diajukan. Angka capaian adalah angka hidup per 14-10-2026 10:30 WIB",
		"Angka hidup per 14-10-2026 10:30 WIB", "Indeks SPM: — (tidak ada jenis dengan penerima, Y = 0)",
		"belum lengkap", "— (belum diisi)", "1. Pengumpulan data — belum dijawab",
		// Nothing to sign yet: dots to fill in by hand.
		"Salatiga, ...................... 2026", "(.......................................................)",
	} {
		if !strings.Contains(flow, want) {
			t.Errorf("the draf lacks %q", want)
		}
	}
	// The mark is on every page, drawn first so the text lies over it.
	for i, p := range pages {
		if len(p) == 0 || p[0].Text != "DRAF" {
			t.Errorf("page %d of the draf does not start with the DRAF mark", i+1)
		}
	}
	checkPages(t, pages)
	// The document's date is the last save.
	if !bytes.Contains(raw, []byte("/CreationDate (D:20261013050000)")) {
		t.Error("the draf's date is not its last save")
	}
}

// A 3,000-character permasalahan in every jenis flows over several pages:
// every word printed once, in order, nothing in the margins.
func TestSPMReportPDFLongText(t *testing.T) {
	_, short := writePDF(t, lockedReport(), PDFOptions{})
	r := lockedReport()
	long := make([]string, len(r.Jenis))
	for i := range r.Jenis {
		var b strings.Builder
		for w := 1; b.Len() < 3000; w++ {
			fmt.Fprintf(&b, "masalah%d-%03d ", i+1, w)
			if w%40 == 0 {
				b.WriteString("\n") // paragraphs as typed
			}
		}
		long[i] = strings.TrimSpace(b.String())[:3000]
		long[i] = strings.TrimRight(long[i][:strings.LastIndex(long[i], " ")], " \n")
		r.Jenis[i].Permasalahan = long[i]
	}
	_, pages := writePDF(t, r, PDFOptions{})
	if len(pages) < len(short)+3 {
		t.Errorf("%d pages with 5 × 3,000 characters, %d without: the text did not flow over pages", len(pages), len(short))
	}
	checkPages(t, pages)
	// Every word, once, in order, across the page breaks.
	word := regexp.MustCompile(`masalah\d-\d{3}`)
	got := word.FindAllString(allText(pages), -1)
	var want []string
	for _, l := range long {
		want = append(want, word.FindAllString(l, -1)...)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("the long texts came out as %d words, want %d in order", len(got), len(want))
	}
	// The running header on every page after the first.
	for i, p := range pages[1:] {
		if !strings.Contains(allText([][]PDFText{p}), "Laporan Penerapan SPM Bidang Sosial Triwulan 3 Tahun 2026 — Kota Salatiga") {
			t.Errorf("page %d lacks the running header", i+2)
		}
	}
}

func TestSPMReportPDFProvinceAndTrend(t *testing.T) {
	r := lockedReport()
	r.Region, r.RegionName, r.Level = "33", "Jawa Tengah", spm.Provinsi
	r.Capaian.Jenis, r.Jenis = nil, nil
	for _, svc := range spm.ServicesOf(spm.Provinsi) {
		r.Capaian.Jenis = append(r.Capaian.Jenis, spm.Figure{Jenis: svc.Jenis, Name: svc.Name, Source: "casework"})
		r.Jenis = append(r.Jenis, spm.ReportJenis{Jenis: svc.Jenis, Name: svc.Name})
	}
	i1, i2 := 40.0, 61.26
	_, pages := writePDF(t, r, PDFOptions{Trend: []TrendPoint{{2026, 1, &i1}, {2026, 2, &i2}, {2026, 3, nil}},
		Place: "Semarang", SignDate: time.Date(2026, 10, 15, 1, 0, 0, 0, time.UTC)})
	flow := flowing(allText(pages))
	for _, want := range []string{"PEMERINTAH PROVINSI JAWA TENGAH", "Provinsi Jawa Tengah (kode wilayah 33)",
		"Indeks SPM per triwulan tahun 2026", "T1 2026", "T3 2026", "40", "61,3",
		"Semarang, 15 Oktober 2026", "Kepala Dinas Sosial Provinsi Jawa Tengah"} {
		if !strings.Contains(flow, want) {
			t.Errorf("the province's PDF lacks %q", want)
		}
	}
	for _, svc := range spm.ServicesOf(spm.Provinsi) {
		if !strings.Contains(flow, svc.Name) {
			t.Errorf("the province's PDF lacks %q", svc.Name)
		}
	}
	checkPages(t, pages)
}

// Text people type: characters beyond what fpdf encodes (an emoji) print
// as "?", the rest of the line intact; scripts the fonts lack do no harm.
func TestSPMReportPDFText(t *testing.T) {
	r := lockedReport()
	r.Jenis[0].Permasalahan = "Rumah 😀 rusak;\ttab\r\nbaris baru — ½ × (kurung) \\ 中文 selesai."
	_, pages := writePDF(t, r, PDFOptions{})
	if flow := flowing(allText(pages)); !strings.Contains(flow, "Rumah ? rusak; tab baris baru — ½ × (kurung) \\ 中文 selesai.") {
		t.Errorf("the typed text came out as %q", flow)
	}
}

func TestFormats(t *testing.T) {
	rp := func(v int64) *int64 { return &v }
	pct := func(v float64) *float64 { return &v }
	for _, c := range []struct{ got, want string }{
		{rupiah(nil), "—"}, {rupiah(rp(0)), "Rp 0"}, {rupiah(rp(999)), "Rp 999"}, {rupiah(rp(1000)), "Rp 1.000"},
		{rupiah(rp(1_234_567)), "Rp 1.234.567"}, {rupiah(rp(1_000_000_000_000_000)), "Rp 1.000.000.000.000.000"},
		{percent(nil), "—"}, {percent(pct(100)), "100 %"}, {percent(pct(87.5)), "87,5 %"}, {percent(pct(200.0 / 3)), "66,7 %"},
		{percent(pct(99.96)), "100 %"},
		{tanggal(time.Date(2026, 1, 31, 18, 0, 0, 0, time.UTC)), "1 Februari 2026"}, // 01:00 WIB
		{hari("2026-09-30"), "30-09-2026"},
		{PDFFileName(spm.Report{Region: "33.73", Year: 2026, Quarter: 3}), "laporan-spm-33.73-2026-T3.pdf"},
		{PDFTitle(spm.Report{Year: 2026, Quarter: 3}), "Laporan Penerapan SPM Bidang Sosial Triwulan 3 Tahun 2026"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestReadPDFTextRefuses(t *testing.T) {
	for _, in := range []string{"", "hello", "%PDF-1.3\n1 0 obj\n<</Type /Catalog>>\nendobj\n"} {
		if _, err := ReadPDFText([]byte(in)); err == nil {
			t.Errorf("ReadPDFText(%q) read it", in)
		}
	}
}

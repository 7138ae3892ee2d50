package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/layan-id/layan/internal/spm"
)

// The quarterly report of penerapan SPM as an official document (issue 6
// point 6): what e-SPM asks each triwulan (Permendagri 59/2021 Pasal 24;
// domain.md §3) — capaian, penganggaran, permasalahan and solusi, the four
// tahapan, rencana aksi — on A4 under the Dinas Sosial's letterhead, with
// a chart of the capaian and a signature block, in Bahasa Indonesia, the
// language of the report. It is drawn with fpdf's primitives only; the
// Go fonts (BSD licence) are compiled into the binary, so nothing is read
// from disk or the network and every character of Bahasa Indonesia (and
// the dashes and × of the notes) prints.

// PDFOptions is what the report itself does not hold.
type PDFOptions struct {
	// Generated is when the document is written (set it): printed on the
	// first page, and the moment a draf's live figures are of.
	Generated time.Time
	// Address is the Dinas Sosial's address for the letterhead; empty
	// leaves the line out.
	Address string
	// Place and SignDate head the signature block ("Salatiga, 12 Oktober
	// 2026"). An empty Place is the city of a kota and dots to fill in by
	// hand otherwise (a kabupaten's seat is not in the region list); a
	// zero SignDate is the day the report was submitted, dots before then.
	Place    string
	SignDate time.Time
	// HeadName and HeadNIP are the Kepala Dinas Sosial's name and NIP;
	// empty leaves lines to fill in by hand.
	HeadName string
	HeadNIP  string
	// SubmittedBy, VerifiedBy and LockedBy name who took those steps (the
	// report holds account ids only; the handler reads the names from the
	// report's history).
	SubmittedBy string
	VerifiedBy  string
	LockedBy    string
	// Trend is the region's index in the quarters of the report's year,
	// oldest first; drawn as a second chart when it has two quarters or more.
	Trend []TrendPoint
}

// TrendPoint is a region's SPM index in one quarter; Index is nil when no
// jenis had anyone to serve.
type TrendPoint struct {
	Year    int
	Quarter int
	Index   *float64
}

// Page geometry in millimetres: A4 portrait with the margins of a
// government letter; the footer lives in the bottom margin.
const (
	pageW      = 210.0
	pageH      = 297.0
	marginL    = 20.0
	marginR    = 20.0
	marginT    = 15.0
	marginB    = 22.0
	bodyW      = pageW - marginL - marginR
	fontFamily = "go"
)

// wib is Waktu Indonesia Barat (UTC+7), as the pages show times.
var wib = time.FixedZone("WIB", 7*3600)

var bulan = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
	"September", "Oktober", "November", "Desember"}

// PDFTitle is the document's title, as e-SPM names the report.
func PDFTitle(r spm.Report) string {
	return fmt.Sprintf("Laporan Penerapan SPM Bidang Sosial Triwulan %d Tahun %d", r.Quarter, r.Year)
}

// PDFFileName is the download's name: laporan-spm-33.73-2026-T3.pdf.
func PDFFileName(r spm.Report) string {
	return fmt.Sprintf("laporan-spm-%s-%d-T%d.pdf", r.Region, r.Year, r.Quarter)
}

// SPMReportPDF writes r as the official quarterly report. A report still
// in draf carries a "DRAF" mark on every page: its figures are live and
// it was not submitted. The document is laid out twice — once to count
// the pages for "Halaman X dari Y", once to write — and is the same
// bytes for the same report and options (its dates are the report's).
func SPMReportPDF(w io.Writer, r spm.Report, opts PDFOptions) error {
	first, err := layoutReport(r, opts, 0)
	if err != nil {
		return err
	}
	total := first.PageNo()
	f, err := layoutReport(r, opts, total)
	if err != nil {
		return err
	}
	if f.PageNo() != total {
		// The footer's text is the only difference and never moves the body.
		return fmt.Errorf("report: the PDF had %d pages, then %d", total, f.PageNo())
	}
	return f.Output(w)
}

// pdfDoc is one layout of a report.
type pdfDoc struct {
	f     *fpdf.Fpdf
	r     spm.Report
	opts  PDFOptions
	total int // pages, for the footer; 0 while counting
	title string
	draft bool
}

func layoutReport(r spm.Report, opts PDFOptions, total int) (*fpdf.Fpdf, error) {
	f := fpdf.New("P", "mm", "A4", "")
	// Sorted catalog and fixed dates: the same report gives the same bytes.
	f.SetCatalogSort(true)
	stamp := documentTime(r, opts)
	f.SetCreationDate(stamp)
	f.SetModificationDate(stamp)
	f.AddUTF8FontFromBytes(fontFamily, "", goregular.TTF)
	f.AddUTF8FontFromBytes(fontFamily, "B", gobold.TTF)
	f.SetMargins(marginL, marginT, marginR)
	f.SetAutoPageBreak(true, marginB)
	d := &pdfDoc{f: f, r: r, opts: opts, total: total, title: PDFTitle(r),
		draft: r.Status == spm.ReportDraft || r.Status == ""}
	f.SetTitle(d.title+" — "+r.RegionName, true)
	f.SetSubject("Laporan penerapan Standar Pelayanan Minimal bidang sosial (Permendagri 59/2021 Pasal 24)", true)
	f.SetAuthor("Dinas Sosial "+governmentName(r), true)
	f.SetCreator("layan", true)
	f.SetProducer("layan", true)
	f.SetLang("id-ID")
	f.SetHeaderFunc(d.header)
	f.SetFooterFunc(d.footer)
	f.AddPage()
	d.letterhead()
	d.identity()
	d.capaianTable()
	d.capaianChart()
	d.trendChart()
	d.problems()
	d.tahapan()
	d.rencanaAksi()
	d.signature()
	return f, f.Error()
}

// documentTime is the document's date: when its figures were frozen, else
// when it was last saved, else when it is written.
func documentTime(r spm.Report, opts PDFOptions) time.Time {
	switch {
	case r.SnapshotAt != nil:
		return r.SnapshotAt.UTC()
	case r.UpdatedAt != nil:
		return r.UpdatedAt.UTC()
	}
	return opts.Generated.UTC()
}

// governmentName is the pemerintah daerah: "Provinsi Jawa Tengah", "Kota Salatiga".
func governmentName(r spm.Report) string {
	if r.Level == spm.Provinsi {
		return "Provinsi " + r.RegionName
	}
	return r.RegionName
}

// ---- Text and numbers ----

// clean makes s printable: fpdf writes text as UTF-16 of the Basic
// Multilingual Plane only (a character beyond it, an emoji say, would
// corrupt the rest of the line), and control characters other than the
// line break print as boxes.
func clean(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(c rune) rune {
		switch {
		case c == '\n':
			return c
		case c == '\t' || c == '\r':
			return ' '
		case c > 0xFFFF || c == unicode.ReplacementChar:
			return '?'
		case unicode.IsControl(c):
			return -1
		}
		return c
	}, s)
}

// number writes n with the Indonesian thousands separator: 1.234.567.
func number(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// rupiah writes whole Rupiah the Indonesian way, "Rp 1.234.567"; a dash
// when not filled in.
func rupiah(v *int64) string {
	if v == nil {
		return "—"
	}
	return "Rp " + number(*v)
}

// decimal writes v with one decimal and a decimal comma, "87,5"; a whole
// number without one, "100".
func decimal(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	return strings.Replace(s, ".", ",", 1)
}

// percent writes a capaian, "87,5 %"; a dash when Y = 0.
func percent(v *float64) string {
	if v == nil {
		return "—"
	}
	return decimal(*v) + " %"
}

// tanggal writes a day the Indonesian way, "12 Oktober 2026", in WIB.
func tanggal(t time.Time) string {
	t = t.In(wib)
	return fmt.Sprintf("%d %s %d", t.Day(), bulan[t.Month()-1], t.Year())
}

// waktu writes a moment in WIB, "12-10-2026 10:00 WIB", as the pages do.
func waktu(t time.Time) string {
	return t.In(wib).Format("02-01-2006 15:04") + " WIB"
}

// hari writes a YYYY-MM-DD day as 30-09-2026, as the pages do.
func hari(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.Format("02-01-2006")
}

func statusText(s spm.ReportStatus) string {
	switch s {
	case spm.ReportSubmitted:
		return "Diajukan — menunggu verifikasi provinsi"
	case spm.ReportVerified:
		return "Diverifikasi provinsi"
	case spm.ReportLocked:
		return "Dikunci — angka periode ini adalah yang dilaporkan"
	}
	return "Draf — belum diajukan"
}

var tahapNames = map[spm.Tahap]string{
	spm.TahapPengumpulanData:       "Pengumpulan data",
	spm.TahapPenghitunganKebutuhan: "Penghitungan kebutuhan pemenuhan pelayanan dasar",
	spm.TahapPenyusunanRencana:     "Penyusunan rencana pemenuhan pelayanan dasar",
	spm.TahapPelaksanaan:           "Pelaksanaan pemenuhan pelayanan dasar",
}

// penerimaLabel is a jenis's short name for the chart: its penerima,
// capitalised ("Anak telantar").
func penerimaLabel(svc spm.Service) string {
	p := svc.Penerima
	if p == "" {
		return svc.Name
	}
	return strings.ToUpper(p[:1]) + p[1:]
}

// ---- Drawing helpers ----

func (d *pdfDoc) font(bold bool, size float64) {
	style := ""
	if bold {
		style = "B"
	}
	d.f.SetFont(fontFamily, style, size)
}

// lineHeight is a comfortable line for a font size in points, in mm.
func lineHeight(size float64) float64 { return size * 0.5 }

// room reports whether h mm still fit above the bottom margin.
func (d *pdfDoc) room(h float64) bool { return d.f.GetY()+h <= pageH-marginB }

// keep starts a new page unless h mm fit: a heading stays with what
// follows it, a chart and the signature stay whole.
func (d *pdfDoc) keep(h float64) {
	if !d.room(h) {
		d.f.AddPage()
	}
}

// paragraph writes text wrapped to the body's width from x, breaking
// pages as it goes.
func (d *pdfDoc) paragraph(x float64, text string, size float64, bold bool) {
	d.font(bold, size)
	d.f.SetX(x)
	d.f.MultiCell(pageW-marginR-x, lineHeight(size), clean(text), "", "L", false)
}

// heading writes a numbered section heading, kept with the next keepWith
// mm (what must not be parted from it), and bookmarks it for the reader's
// outline.
func (d *pdfDoc) heading(text string, keepWith float64) {
	d.f.Ln(3)
	d.keep(keepWith + 8)
	d.f.Bookmark(text, 0, -1)
	d.font(true, 11.5)
	d.f.SetX(marginL)
	d.f.MultiCell(bodyW, 6, clean(text), "", "L", false)
	d.f.Ln(1)
}

// subheading writes a heading within a section, kept with the next 20 mm.
func (d *pdfDoc) subheading(text string) {
	d.f.Ln(1.5)
	d.keep(20)
	d.font(true, 10)
	d.f.SetX(marginL)
	d.f.MultiCell(bodyW, 5, clean(text), "", "L", false)
}

// ---- Page furniture ----

// header marks every page of a draf and, after the first, names the report.
func (d *pdfDoc) header() {
	f := d.f
	if d.draft {
		// Drawn first, under the content, in a light grey that leaves the
		// text readable in print and on screen.
		f.TransformBegin()
		f.TransformRotate(50, pageW/2, pageH/2)
		f.SetTextColor(226, 226, 226)
		d.font(true, 120)
		f.Text(pageW/2-f.GetStringWidth("DRAF")/2, pageH/2+15, "DRAF")
		f.TransformEnd()
		f.SetTextColor(0, 0, 0)
	}
	if f.PageNo() > 1 {
		d.font(false, 8)
		f.SetTextColor(90, 90, 90)
		f.SetXY(marginL, 9)
		f.CellFormat(bodyW, 4, clean(d.title+" — "+d.r.RegionName), "", 0, "L", false, 0, "")
		f.SetTextColor(0, 0, 0)
		f.SetDrawColor(150, 150, 150)
		f.SetLineWidth(0.2)
		f.Line(marginL, 13.5, pageW-marginR, 13.5)
		f.SetDrawColor(0, 0, 0)
		f.SetXY(marginL, marginT+3)
	}
}

// footer numbers the pages.
func (d *pdfDoc) footer() {
	f := d.f
	total := d.total
	if total == 0 {
		total = f.PageNo() // counting: any number of the same width will do
	}
	f.SetDrawColor(150, 150, 150)
	f.SetLineWidth(0.2)
	f.Line(marginL, pageH-15, pageW-marginR, pageH-15)
	f.SetDrawColor(0, 0, 0)
	f.SetTextColor(90, 90, 90)
	d.font(false, 8)
	f.SetXY(marginL, pageH-14)
	f.CellFormat(bodyW-32, 4, clean("layan · "+governmentName(d.r)+" · Triwulan "+strconv.Itoa(d.r.Quarter)+" Tahun "+strconv.Itoa(d.r.Year)),
		"", 0, "L", false, 0, "")
	f.CellFormat(32, 4, fmt.Sprintf("Halaman %d dari %d", f.PageNo(), total), "", 0, "R", false, 0, "")
	f.SetTextColor(0, 0, 0)
}

// letterhead is the kop surat of the Dinas Sosial and the report's title.
func (d *pdfDoc) letterhead() {
	f := d.f
	f.SetY(marginT)
	d.font(true, 13)
	// Wrapped: "PEMERINTAH PROVINSI DAERAH KHUSUS IBUKOTA JAKARTA" nearly fills a line.
	f.MultiCell(bodyW, 6.5, clean(strings.ToUpper("Pemerintah "+governmentName(d.r))), "", "C", false)
	d.font(true, 17)
	f.CellFormat(bodyW, 8, "DINAS SOSIAL", "", 1, "C", false, 0, "")
	if a := strings.TrimSpace(d.opts.Address); a != "" {
		d.font(false, 9)
		f.MultiCell(bodyW, 4.5, clean(a), "", "C", false)
	}
	// The double rule under a kop surat: thick, then thin.
	y := f.GetY() + 1.5
	f.SetLineWidth(0.8)
	f.Line(marginL, y, pageW-marginR, y)
	f.SetLineWidth(0.2)
	f.Line(marginL, y+1.2, pageW-marginR, y+1.2)
	f.SetY(y + 5)
	d.font(true, 12.5)
	f.CellFormat(bodyW, 6, "LAPORAN PENERAPAN SPM BIDANG SOSIAL", "", 1, "C", false, 0, "")
	f.CellFormat(bodyW, 6, fmt.Sprintf("TRIWULAN %d TAHUN %d", d.r.Quarter, d.r.Year), "", 1, "C", false, 0, "")
	d.font(false, 9)
	f.CellFormat(bodyW, 5, "Standar Pelayanan Minimal bidang sosial (PP 2/2018 Pasal 10; Permendagri 59/2021 Pasal 24)", "", 1, "C", false, 0, "")
	f.Ln(2)
	if d.draft {
		// Besides the mark behind the text: said in words, in a box.
		f.SetDrawColor(170, 0, 0)
		f.SetLineWidth(0.5)
		f.SetTextColor(150, 0, 0)
		d.font(true, 10)
		f.MultiCell(bodyW, 5.5, clean("DRAF — laporan ini belum diajukan. Angka capaian adalah angka hidup per "+
			waktu(d.opts.Generated)+" dan masih dapat berubah."), "1", "C", false)
		f.SetTextColor(0, 0, 0)
		f.SetDrawColor(0, 0, 0)
		f.SetLineWidth(0.2)
		f.Ln(2)
	}
}

// identity lists who reports what, where the report stands, and whose
// figures these are.
func (d *pdfDoc) identity() {
	r := d.r
	level := "Kabupaten/kota — pelayanan di luar panti dan korban bencana kabupaten/kota"
	if r.Level == spm.Provinsi {
		level = "Provinsi — pelayanan di dalam panti dan korban bencana provinsi"
	}
	p := spm.Period{Year: r.Year, Quarter: r.Quarter}
	rows := [][2]string{
		{"Pemerintah daerah", governmentName(r) + " (kode wilayah " + string(r.Region) + ")"},
		{"Tingkat", level},
		{"Periode", fmt.Sprintf("Triwulan %d Tahun %d, kumulatif %s s.d. %s", r.Quarter, r.Year, hari(p.From()), hari(p.To()))},
		{"Status laporan", statusText(r.Status)},
	}
	by := func(name string) string {
		if name == "" {
			return ""
		}
		return " oleh " + name
	}
	if r.SubmittedAt != nil {
		rows = append(rows, [2]string{"Diajukan", waktu(*r.SubmittedAt) + by(d.opts.SubmittedBy)})
	}
	if r.VerifiedAt != nil {
		rows = append(rows, [2]string{"Diverifikasi", waktu(*r.VerifiedAt) + by(d.opts.VerifiedBy)})
	}
	if r.LockedAt != nil {
		rows = append(rows, [2]string{"Dikunci", waktu(*r.LockedAt) + by(d.opts.LockedBy)})
	}
	figures := "Angka hidup per " + waktu(d.opts.Generated) + "; berubah selama laporan masih draf"
	if r.Frozen && r.SnapshotAt != nil {
		figures = "Dibekukan saat pengajuan, " + waktu(*r.SnapshotAt)
	}
	rows = append(rows, [2]string{"Angka capaian", figures})
	if r.Deadline != "" {
		deadline := hari(r.Deadline)
		if r.Late {
			deadline += " (terlambat)"
		}
		rows = append(rows, [2]string{"Batas penyampaian", deadline})
	}
	rows = append(rows,
		[2]string{"Keterisian", fmt.Sprintf("%d %% (%d dari %d bagian wajib)", r.Keterisian.Percent, r.Keterisian.Filled, r.Keterisian.Required)},
		[2]string{"Dokumen dibuat", waktu(d.opts.Generated) + " oleh layan"})
	const keyW = 38.0
	for _, row := range rows {
		d.font(true, 9)
		y := d.f.GetY()
		d.f.SetXY(marginL, y)
		d.f.CellFormat(keyW, 4.6, row[0], "", 0, "L", false, 0, "")
		d.font(false, 9)
		d.f.SetXY(marginL+keyW, y)
		d.f.MultiCell(bodyW-keyW, 4.6, clean(": "+row[1]), "", "L", false)
	}
}

// ---- Tables ----

// column is a table column: its width in mm and alignment.
type column struct {
	title string
	width float64
	align string
}

// tableRow draws one row of cells, each wrapped to its column, as tall as
// its tallest cell; the header row again on a new page when the row does
// not fit.
func (d *pdfDoc) tableRow(cols []column, cells []string, bold, fill bool, header func()) {
	const size, lh, pad = 8.5, 4.1, 1.2
	f := d.f
	d.font(bold, size)
	lines := make([][]string, len(cols))
	n := 1
	for i, c := range cols {
		lines[i] = f.SplitText(clean(cells[i]), c.width)
		n = max(n, len(lines[i]))
	}
	h := float64(n)*lh + 2*pad
	if !d.room(h) {
		f.AddPage()
		if header != nil {
			header()
			d.font(bold, size)
		}
	}
	y := f.GetY()
	x := marginL
	f.SetLineWidth(0.2)
	for i, c := range cols {
		style := "D"
		if fill {
			style = "FD"
		}
		f.Rect(x, y, c.width, h, style)
		for j, line := range lines[i] {
			f.SetXY(x, y+pad+float64(j)*lh)
			f.CellFormat(c.width, lh, line, "", 0, c.align, false, 0, "")
		}
		x += c.width
	}
	f.SetXY(marginL, y+h)
}

// capaianTable is the achievement and budget of the five jenis.
func (d *pdfDoc) capaianTable() {
	r := d.r
	d.heading("1. Capaian dan penganggaran SPM per jenis pelayanan dasar", 40)
	cols := []column{
		{"No", 7, "C"}, {"Jenis pelayanan dasar", 42, "L"}, {"Penerima", 20, "L"},
		{"Butuh layanan (Y)", 19, "R"}, {"Terpenuhi (X)", 19, "R"}, {"Capaian", 14, "R"},
		{"Anggaran rencana", 24.5, "R"}, {"Realisasi anggaran", 24.5, "R"},
	}
	header := func() {
		d.f.SetFillColor(221, 231, 240)
		titles := make([]string, len(cols))
		for i, c := range cols {
			titles[i] = c.title
		}
		d.tableRow(cols, titles, true, true, nil)
	}
	header()
	var sumY, sumX int
	var plan, spent int64
	planAll, spentAll := true, true
	for i, row := range d.jenisRows() {
		fig, content := row.fig, row.content
		sumY += fig.Y
		sumX += fig.X
		if content.AnggaranRencana != nil {
			plan += *content.AnggaranRencana
		} else {
			planAll = false
		}
		if content.AnggaranRealisasi != nil {
			spent += *content.AnggaranRealisasi
		} else {
			spentAll = false
		}
		d.tableRow(cols, []string{strconv.Itoa(i + 1), row.svc.Name, row.svc.Penerima, number(int64(fig.Y)), number(int64(fig.X)),
			percent(fig.Capaian), rupiah(content.AnggaranRencana), rupiah(content.AnggaranRealisasi)}, false, false, header)
	}
	// A total of the budget only when every line is filled in: a sum of
	// some lines would read as the whole.
	total := func(all bool, v int64) string {
		if !all {
			return "belum lengkap"
		}
		return rupiah(&v)
	}
	d.f.SetFillColor(242, 242, 242)
	d.tableRow(cols, []string{"", "Jumlah", "", number(int64(sumY)), number(int64(sumX)), "", total(planAll, plan), total(spentAll, spent)},
		true, true, header)

	d.f.Ln(2.5)
	idx := "Indeks SPM: — (tidak ada jenis dengan penerima, Y = 0)"
	if r.Capaian.Index != nil {
		idx = "Indeks SPM: " + decimal(*r.Capaian.Index)
		if r.Capaian.Label != "" {
			idx += " — " + r.Capaian.Label
		}
	}
	d.paragraph(marginL, idx, 10.5, true)
	d.f.Ln(1)
	d.paragraph(marginL, "Y = jumlah penerima yang membutuhkan pelayanan menurut asesmen; X = yang terpenuhi kebutuhan dasarnya; "+
		"capaian = X / Y × 100 % (Permensos 9/2018 Lampiran I), kumulatif sejak 1 Januari, target 100 % dalam satu tahun anggaran. "+
		"Indeks = rata-rata capaian jenis yang memiliki penerima; batas label dapat diatur. Anggaran dalam Rupiah.", 8, false)
	d.paragraph(marginL, "Sumber angka: "+d.sources()+".", 8, false)
}

// jenisRow is a jenis with its figures and what the report says of it.
type jenisRow struct {
	svc     spm.Service
	fig     spm.Figure
	content spm.ReportJenis
}

// jenisRows are the jenis of the report's level in the regulation's order.
func (d *pdfDoc) jenisRows() []jenisRow {
	figs := map[spm.Jenis]spm.Figure{}
	for _, f := range d.r.Capaian.Jenis {
		figs[f.Jenis] = f
	}
	contents := map[spm.Jenis]spm.ReportJenis{}
	for _, c := range d.r.Jenis {
		contents[c.Jenis] = c
	}
	var out []jenisRow
	for _, svc := range spm.ServicesOf(d.r.Level) {
		out = append(out, jenisRow{svc: svc, fig: figs[svc.Jenis], content: contents[svc.Jenis]})
	}
	return out
}

// sources says where each jenis's figures come from: the case records, or
// an aggregate the region entered (with its stated source).
func (d *pdfDoc) sources() string {
	var casework []string
	var parts []string
	for i, row := range d.jenisRows() {
		n := strconv.Itoa(i + 1)
		if row.fig.Source == "aggregate" {
			s := "jenis " + n + " input daerah"
			if row.fig.Aggregate != nil && strings.TrimSpace(row.fig.Aggregate.Source) != "" {
				s += " (" + strings.TrimSpace(row.fig.Aggregate.Source) + ")"
			}
			parts = append(parts, s)
			continue
		}
		casework = append(casework, n)
	}
	if len(casework) > 0 {
		parts = append([]string{"jenis " + strings.Join(casework, ", ") + " dari data kasus layan"}, parts...)
	}
	return strings.Join(parts, "; ")
}

// ---- Charts ----

// capaianChart is a horizontal bar per jenis against the 100 % target,
// each bar labelled with its value and X/Y, so that nothing is told by
// colour alone and the chart reads in black and white.
func (d *pdfDoc) capaianChart() {
	f := d.f
	rows := d.jenisRows()
	const labelW, plotW, rowH, barH = 40.0, 88.0, 9.0, 5.5
	height := 8 + float64(len(rows))*rowH + 10
	d.heading("2. Grafik capaian per jenis pelayanan dasar", height)
	x0 := marginL + labelW
	// The values stand in a column of their own right of the target line,
	// where no bar or line crosses them.
	valueX := x0 + plotW + 3
	top := f.GetY() + 6
	bottom := top + float64(len(rows))*rowH
	// The grid: every 25 %, labelled under the axis.
	d.font(false, 7.5)
	f.SetLineWidth(0.1)
	f.SetDrawColor(190, 190, 190)
	for v := 0; v <= 100; v += 25 {
		x := x0 + plotW*float64(v)/100
		f.Line(x, top-1, x, bottom)
		label := strconv.Itoa(v) + " %"
		f.Text(x-f.GetStringWidth(label)/2, bottom+4, label)
	}
	// The target, dashed and named.
	f.SetDrawColor(120, 0, 0)
	f.SetLineWidth(0.4)
	f.SetDashPattern([]float64{1.5, 1}, 0)
	f.Line(x0+plotW, top-3, x0+plotW, bottom)
	f.SetDashPattern([]float64{}, 0)
	f.SetTextColor(120, 0, 0)
	target := "Target 100 %"
	f.Text(x0+plotW-f.GetStringWidth(target)/2, top-4, target)
	f.SetTextColor(0, 0, 0)
	f.SetDrawColor(0, 0, 0)
	f.SetLineWidth(0.2)
	f.Line(x0, top-1, x0, bottom)
	for i, row := range rows {
		y := top + float64(i)*rowH
		d.font(false, 8.5)
		label := f.SplitText(fmt.Sprintf("%d. %s", i+1, penerimaLabel(row.svc)), labelW-2)
		for j, line := range label {
			f.Text(marginL, y+rowH/2+1.2-float64(len(label)-1)*1.8+float64(j)*3.6, line)
		}
		if row.fig.Capaian == nil {
			f.SetTextColor(90, 90, 90)
			f.Text(x0+2, y+rowH/2+1.2, "tidak ada yang perlu dilayani")
			f.Text(valueX, y+rowH/2+1.2, "— (Y = 0)")
			f.SetTextColor(0, 0, 0)
			continue
		}
		v := min(max(*row.fig.Capaian, 0), 100)
		w := plotW * v / 100
		f.SetFillColor(46, 110, 166)
		if w > 0 {
			f.Rect(x0, y+(rowH-barH)/2, w, barH, "FD")
		}
		d.font(true, 8.5)
		value := fmt.Sprintf("%s (%s/%s)", percent(row.fig.Capaian), number(int64(row.fig.X)), number(int64(row.fig.Y)))
		f.Text(valueX, y+rowH/2+1.2, value)
	}
	f.SetY(bottom + 7)
}

// trendChart is the index in each quarter of the year so far, when the
// handler gave two quarters or more: the bars are laid out by TrendBars,
// as the SPM page's trend panels are, and drawn here in millimetres, each
// labelled with its value.
func (d *pdfDoc) trendChart() {
	points := d.opts.Trend
	if len(points) < 2 {
		return
	}
	f := d.f
	var panel TrendPanel
	for _, p := range points {
		panel.Quarters = append(panel.Quarters, fmt.Sprintf("T%d %d", p.Quarter, p.Year))
		panel.Values = append(panel.Values, p.Index)
		text := "—"
		if p.Index != nil {
			text = decimal(*p.Index)
		}
		panel.ValueText = append(panel.ValueText, text)
	}
	const scale = 0.5 // mm per unit of the panel: 100 × 66 mm
	f.Ln(2)
	d.keep(TrendPanelHeight*scale + 22)
	d.subheading(fmt.Sprintf("Indeks SPM per triwulan tahun %d", d.r.Year))
	x0, y0 := marginL, f.GetY()
	at := func(x, y float64) (float64, float64) { return x0 + x*scale, y0 + y*scale }
	d.font(false, 7.5)
	f.SetLineWidth(0.1)
	f.SetDrawColor(190, 190, 190)
	for v := 0; v <= 100; v += 25 {
		xl, y := at(plotLeft, plotY(float64(v)))
		xr, _ := at(plotRight, 0)
		f.Line(xl, y, xr, y)
		label := strconv.Itoa(v)
		f.Text(xl-1.5-f.GetStringWidth(label), y+1, label)
	}
	f.SetDrawColor(0, 0, 0)
	f.SetLineWidth(0.2)
	f.SetFillColor(46, 110, 166)
	drawn := map[int]bool{}
	for _, b := range TrendBars(panel) {
		if b.Previous {
			continue // the handler gives this year only
		}
		x, y := at(b.X, b.Y)
		if b.H > 0 {
			f.Rect(x, y, b.W*scale, b.H*scale, "FD")
		}
		d.font(true, 8.5)
		value := panel.ValueText[b.Quarter]
		f.Text(x+b.W*scale/2-f.GetStringWidth(value)/2, y-1.5, value)
		drawn[b.Quarter] = true
	}
	// Where each quarter's bar stands whatever its value: a full panel's bars.
	full := TrendPanel{Quarters: panel.Quarters}
	hundred := 100.0
	for range panel.Quarters {
		full.Values = append(full.Values, &hundred)
	}
	centre := map[int]float64{}
	for _, b := range TrendBars(full) {
		centre[b.Quarter] = b.X + b.W/2
	}
	for i, q := range panel.Quarters {
		x, bottom := at(centre[i], plotBottom)
		if !drawn[i] {
			d.font(true, 8.5)
			f.Text(x-f.GetStringWidth("—")/2, bottom-1.5, "—") // no one to serve: no index
		}
		d.font(false, 8.5)
		f.Text(x-f.GetStringWidth(q)/2, bottom+4.5, q)
	}
	_, bottom := at(0, plotBottom)
	f.SetY(bottom + 8)
	d.paragraph(marginL, "Indeks per triwulan seperti yang ditunjukkan laporan triwulan itu: angka yang dibekukan saat pengajuan, "+
		"atau angka hidup bila laporannya masih draf.", 8, false)
}

// ---- The written parts ----

// problems are the permasalahan and solusi of each jenis, with its budget.
func (d *pdfDoc) problems() {
	d.heading("3. Permasalahan, solusi dan penganggaran", 25)
	or := func(s string) string {
		if strings.TrimSpace(s) == "" {
			return "— (belum diisi)"
		}
		return s
	}
	for i, row := range d.jenisRows() {
		c := row.content
		d.subheading(fmt.Sprintf("3.%d %s", i+1, row.svc.Name))
		d.keep(14) // a label stays with the first lines of its text
		d.paragraph(marginL+4, "Permasalahan", 9, true)
		d.paragraph(marginL+4, or(c.Permasalahan), 10, false)
		d.f.Ln(1)
		d.keep(14)
		d.paragraph(marginL+4, "Solusi", 9, true)
		d.paragraph(marginL+4, or(c.Solusi), 10, false)
		d.f.Ln(1)
		budget := "Anggaran rencana " + rupiah(c.AnggaranRencana) + "; realisasi " + rupiah(c.AnggaranRealisasi)
		if c.AnggaranRencana != nil && c.AnggaranRealisasi != nil && *c.AnggaranRencana > 0 {
			share := 100 * float64(*c.AnggaranRealisasi) / float64(*c.AnggaranRencana)
			budget += " (" + decimal(share) + " % dari rencana)"
		}
		d.paragraph(marginL+4, budget+".", 9, false)
	}
}

// tahapan is the checklist of the four tahapan (Permendagri 59/2021):
// a box ticked or not, and the answer in words beside it.
func (d *pdfDoc) tahapan() {
	f := d.f
	d.heading("4. Pemenuhan tahapan penerapan SPM", 12)
	byTahap := map[spm.Tahap]spm.ReportTahap{}
	for _, t := range d.r.Tahapan {
		byTahap[t.Tahap] = t
	}
	for i, name := range spm.Tahapan {
		t := byTahap[name]
		answer := "belum dijawab"
		if t.Done != nil {
			answer = "belum dilaksanakan"
			if *t.Done {
				answer = "sudah dilaksanakan"
			}
		}
		d.keep(12)
		y := f.GetY() + 0.8
		f.SetLineWidth(0.3)
		f.Rect(marginL, y, 3.8, 3.8, "D")
		if t.Done != nil && *t.Done {
			// A tick drawn with two lines: no font needs the glyph.
			f.SetLineWidth(0.5)
			f.Line(marginL+0.7, y+2.0, marginL+1.6, y+3.1)
			f.Line(marginL+1.6, y+3.1, marginL+3.3, y+0.6)
		}
		f.SetLineWidth(0.2)
		d.font(true, 10)
		f.SetXY(marginL+6, y-0.8)
		f.MultiCell(bodyW-6, 5, clean(fmt.Sprintf("%d. %s — %s", i+1, tahapNames[name], answer)), "", "L", false)
		if strings.TrimSpace(t.Note) != "" {
			d.paragraph(marginL+10, "Keterangan: "+t.Note, 9.5, false)
		}
		f.Ln(1.5)
	}
}

// rencanaAksi is the action plan.
func (d *pdfDoc) rencanaAksi() {
	d.heading("5. Rencana aksi", 15)
	text := d.r.RencanaAksi
	if strings.TrimSpace(text) == "" {
		text = "— (belum diisi)"
	}
	d.paragraph(marginL, text, 10, false)
}

// signature is the Kepala Dinas Sosial's block, kept whole on one page.
func (d *pdfDoc) signature() {
	f := d.f
	const x, w = 112.0, pageW - marginR - 112.0
	f.Ln(8)
	d.keep(52)
	place := strings.TrimSpace(d.opts.Place)
	if place == "" {
		place = "........................"
		if name, ok := strings.CutPrefix(d.r.RegionName, "Kota "); ok && !strings.HasPrefix(name, "Administrasi") {
			place = name
		}
	}
	day := "...................... " + strconv.Itoa(d.r.Year)
	switch {
	case !d.opts.SignDate.IsZero():
		day = tanggal(d.opts.SignDate)
	case d.r.SubmittedAt != nil:
		day = tanggal(*d.r.SubmittedAt)
	}
	line := func(text string, bold bool, h float64) {
		d.font(bold, 10)
		f.SetX(x)
		f.MultiCell(w, h, clean(text), "", "L", false)
	}
	line(place+", "+day, false, 5)
	line("Kepala Dinas Sosial", true, 5)
	line(governmentName(d.r), true, 5)
	f.Ln(22) // room for the signature and the stamp
	name := strings.TrimSpace(d.opts.HeadName)
	if name == "" {
		name = "(.......................................................)"
	}
	line(name, true, 5)
	nip := strings.TrimSpace(d.opts.HeadNIP)
	if nip == "" {
		nip = "..............................................."
	}
	line("NIP. "+nip, false, 5)
}

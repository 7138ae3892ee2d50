package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/xuri/excelize/v2"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/layan-id/layan/internal/quality/survey"
)

// The report of a unit's satisfaction survey (SKM, PermenPANRB 14/2017)
// for its head and its improvement plan: the index with its mutu and
// kinerja, the elements weakest first with NRR and weighted NRR, the
// sample reached against Krejcie–Morgan, the respondents' profile, the
// complaint figures beside U8 and the trend — as XLSX and as an A4 PDF in
// Bahasa Indonesia, the language of the report.

// SKMReport is what the writers print.
type SKMReport struct {
	UnitName  string
	Results   survey.Results
	Trend     []survey.TrendPoint
	Generated time.Time
	// ProfileNames maps "field.code" to its words ("sex.p" → "Perempuan").
	ProfileNames map[string]string
}

// SKMFileName is the report's file name without extension.
func SKMFileName(r SKMReport) string {
	p := r.Results.Period
	return fmt.Sprintf("skm-%d-%s-%d-%d", p.UnitID, p.Kind, p.Year, p.Number)
}

func dec2(v float64) string { return strings.Replace(strconv.FormatFloat(v, 'f', 2, 64), ".", ",", 1) }

func (r SKMReport) ikmText() string {
	if r.Results.IKM.Respondents == 0 {
		return "belum ada responden"
	}
	return fmt.Sprintf("%s — mutu %s (%s)", dec2(r.Results.IKM.IKM), r.Results.IKM.Mutu, r.Results.IKM.Kinerja)
}

func (r SKMReport) sampleText() string {
	res := r.Results
	if res.Sample == 0 {
		return fmt.Sprintf("%d responden; jumlah penerima layanan belum diisi", res.IKM.Respondents)
	}
	reached := "belum tercapai"
	if res.SampleReached {
		reached = "tercapai"
	}
	return fmt.Sprintf("%d responden dari sampel minimal %d (Krejcie–Morgan, populasi %d): %s",
		res.IKM.Respondents, res.Sample, res.Period.Population, reached)
}

// weakestFirst is the elements in the order of the improvement plan.
func (r SKMReport) weakestFirst() [][]string {
	byCode := map[string]int{}
	for i, e := range r.Results.IKM.Elements {
		byCode[e.Code] = i
	}
	order := r.Results.IKM.Weakest
	if len(order) == 0 {
		for _, e := range r.Results.IKM.Elements {
			order = append(order, e.Code)
		}
	}
	var out [][]string
	for i, c := range order {
		e := r.Results.IKM.Elements[byCode[c]]
		out = append(out, []string{strconv.Itoa(i + 1), e.Code, e.Name, strconv.Itoa(e.Answers), dec2(e.NRR),
			dec2(e.Weight), strings.Replace(strconv.FormatFloat(e.Weighted, 'f', 3, 64), ".", ",", 1)})
	}
	return out
}

var skmColumns = []string{"Urutan", "Kode", "Unsur", "Jawaban", "NRR", "Bobot", "NRR tertimbang"}

// SKMWorkbook writes the report as XLSX: a summary sheet with the elements
// weakest first, the profile and the trend.
func SKMWorkbook(w io.Writer, r SKMReport) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE7F0"}}})
	if err != nil {
		return err
	}
	const sheet = "IKM"
	f.SetSheetName("Sheet1", sheet)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	p := r.Results.Period
	rows := [][]any{
		{excelize.Cell{StyleID: bold, Value: "Survei Kepuasan Masyarakat — " + r.UnitName}},
		{p.Label() + " (" + p.StartsOn + " s.d. " + p.EndsOn + ")"},
		{"IKM", r.ikmText()},
		{"Sampel", r.sampleText()},
		{"Dibuat " + r.Generated.UTC().Format("2006-01-02 15:04") + " UTC oleh layan; IKM = Σ (NRR × bobot) × 25 (PermenPANRB 14/2017)."},
		{},
		cells(head, skmColumns...),
	}
	for i, row := range r.weakestFirst() {
		e := r.Results.IKM.Elements[0]
		for _, x := range r.Results.IKM.Elements {
			if x.Code == row[1] {
				e = x
			}
		}
		rows = append(rows, []any{i + 1, e.Code, e.Name, e.Answers, roundTo(e.NRR, 2), roundTo(e.Weight, 4), roundTo(e.Weighted, 3)})
	}
	if u8 := r.Results.U8; u8 != nil {
		rows = append(rows, []any{}, []any{excelize.Cell{StyleID: bold, Value: "Pengaduan pada periode ini (unsur U8)"}},
			cells(head, "Diterima", "Selesai", "Tepat waktu", "Terlambat", "Masih terbuka", "Median hari"),
			[]any{u8.Received, u8.Closed, u8.OnTime, u8.Late, u8.Open, u8.MedianDays})
	}
	if len(r.Trend) > 0 {
		rows = append(rows, []any{}, []any{excelize.Cell{StyleID: bold, Value: "Tren IKM"}},
			cells(head, "Periode", "Responden", "IKM", "Mutu", "Kinerja"))
		for _, t := range r.Trend {
			var v any = ""
			if t.Respondents > 0 {
				v = t.IKM
			}
			rows = append(rows, []any{t.Label, t.Respondents, v, t.Mutu, t.Kinerja})
		}
	}
	if err := writeRows(sw, rows, []float64{14, 8, 44, 10, 10, 10, 16}); err != nil {
		return err
	}
	// The profile of the respondents, one table per question.
	if _, err := f.NewSheet("Profil"); err != nil {
		return err
	}
	sw, err = f.NewStreamWriter("Profil")
	if err != nil {
		return err
	}
	rows = [][]any{{excelize.Cell{StyleID: bold, Value: "Profil responden"}}, cells(head, "Pertanyaan", "Jawaban", "Jumlah")}
	for _, field := range []string{"age_band", "sex", "education", "occupation", "service"} {
		for _, code := range profileCodes(field) {
			if n := r.Results.Profile[field][code]; n > 0 {
				rows = append(rows, []any{r.ProfileNames[field], r.ProfileNames[field+"."+code], n})
			}
		}
	}
	if err := writeRows(sw, rows, []float64{26, 36, 10}); err != nil {
		return err
	}
	return f.Write(w)
}

func profileCodes(field string) []string {
	switch field {
	case "age_band":
		return survey.AgeBands
	case "sex":
		return survey.Sexes
	case "education":
		return survey.Educations
	case "occupation":
		return survey.Occupations
	}
	return survey.Services
}

// SKMPDF writes the report as an A4 PDF.
func SKMPDF(w io.Writer, r SKMReport) error {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCatalogSort(true)
	f.SetCreationDate(r.Generated)
	f.SetModificationDate(r.Generated)
	f.AddUTF8FontFromBytes(fontFamily, "", goregular.TTF)
	f.AddUTF8FontFromBytes(fontFamily, "B", gobold.TTF)
	f.SetMargins(marginL, marginT, marginR)
	f.SetAutoPageBreak(true, marginB)
	p := r.Results.Period
	f.SetTitle("Laporan Survei Kepuasan Masyarakat — "+r.UnitName+" — "+p.Label(), true)
	f.SetCreator("layan", true)
	f.SetLang("id-ID")
	f.SetFooterFunc(func() {
		f.SetY(pageH - 14)
		f.SetFont(fontFamily, "", 8)
		f.CellFormat(bodyW, 4, clean(fmt.Sprintf("layan · %s · %s · Halaman %d", r.UnitName, p.Label(), f.PageNo())), "", 0, "L", false, 0, "")
	})
	f.AddPage()
	para := func(text string, size float64, bold bool) {
		style := ""
		if bold {
			style = "B"
		}
		f.SetFont(fontFamily, style, size)
		f.SetX(marginL)
		f.MultiCell(bodyW, size*0.5, clean(text), "", "L", false)
	}
	para("LAPORAN SURVEI KEPUASAN MASYARAKAT", 13, true)
	para(r.UnitName, 11, true)
	para(p.Label()+" ("+p.StartsOn+" s.d. "+p.EndsOn+")", 10, false)
	f.Ln(3)
	para("Indeks Kepuasan Masyarakat (IKM): "+r.ikmText(), 11, true)
	para(r.sampleText(), 10, false)
	para("Dihitung menurut PermenPANRB 14/2017: NRR per unsur, NRR tertimbang = NRR × bobot, IKM = Σ NRR tertimbang × 25; "+
		"mutu A 88,31–100, B 76,61–88,30, C 65,00–76,60, D 25,00–64,99.", 9, false)
	f.Ln(3)
	para("Unsur pelayanan, dari yang terlemah (bahan rencana perbaikan)", 11, true)
	widths := []float64{14, 12, 70, 18, 16, 16, 24}
	row := func(cellsText []string, bold bool) {
		f.SetFont(fontFamily, map[bool]string{true: "B", false: ""}[bold], 8.5)
		lines := make([][]string, len(cellsText))
		n := 1
		for i, c := range cellsText {
			lines[i] = f.SplitText(clean(c), widths[i]-2)
			n = max(n, len(lines[i]))
		}
		h := float64(n)*4.1 + 2
		if f.GetY()+h > pageH-marginB {
			f.AddPage()
		}
		y, x := f.GetY(), marginL
		for i := range cellsText {
			f.Rect(x, y, widths[i], h, "D")
			for j, l := range lines[i] {
				f.SetXY(x+1, y+1+float64(j)*4.1)
				f.CellFormat(widths[i]-2, 4.1, l, "", 0, "L", false, 0, "")
			}
			x += widths[i]
		}
		f.SetXY(marginL, y+h)
	}
	row(skmColumns, true)
	for _, rr := range r.weakestFirst() {
		row(rr, false)
	}
	if u8 := r.Results.U8; u8 != nil {
		f.Ln(3)
		para("Pengaduan pada periode ini (unsur U8)", 11, true)
		para(fmt.Sprintf("Diterima %d, selesai %d, tepat waktu %d, terlambat %d, masih terbuka %d, median %s hari.",
			u8.Received, u8.Closed, u8.OnTime, u8.Late, u8.Open, strings.Replace(strconv.FormatFloat(u8.MedianDays, 'f', 1, 64), ".", ",", 1)), 10, false)
	}
	if len(r.Trend) > 0 {
		f.Ln(3)
		para("Tren IKM", 11, true)
		for _, t := range r.Trend {
			v := "belum ada responden"
			if t.Respondents > 0 {
				v = fmt.Sprintf("%s (mutu %s, %d responden)", dec2(t.IKM), t.Mutu, t.Respondents)
			}
			para(t.Label+": "+v, 10, false)
		}
	}
	f.Ln(3)
	para("Dibuat oleh layan pada "+r.Generated.In(time.FixedZone("WIB", 7*3600)).Format("02-01-2006 15:04")+" WIB.", 8, false)
	if err := f.Error(); err != nil {
		return err
	}
	return f.Output(w)
}

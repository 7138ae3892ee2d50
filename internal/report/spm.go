// Package report writes the documents layan hands out: the SPM achievement
// as an XLSX workbook laid out for copying into e-SPM, as CSV, and as open
// data (aggregates only, keyed by Kemendagri region codes, with metadata
// for Satu Data Indonesia). The writers take what the spm store read and
// know nothing of databases or HTTP.
package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/layan-id/layan/internal/spm"
)

// The column headings follow e-SPM's wording for a jenis pelayanan dasar
// (Permensos 9/2018 Lampiran I: X, Y and the percentage); the workbook is
// in Bahasa Indonesia, the language of the report it feeds.
var spmColumns = []string{"No", "Kode wilayah", "Nama wilayah",
	"Jumlah penerima yang membutuhkan (Y)", "Jumlah penerima yang terpenuhi kebutuhan dasarnya (X)",
	"Capaian (%)", "Belum terlayani (Y − X)", "Sumber data"}

// sourceText says where a figure comes from, for the workbook and the CSV.
func sourceText(f spm.Figure) string {
	if f.Aggregate != nil {
		return "Input daerah: " + f.Aggregate.Source
	}
	return "Data kasus layan"
}

func capaian(v *float64) any {
	if v == nil {
		return "" // Y = 0: nothing to achieve, no percentage
	}
	return roundTo(*v, 2)
}

func roundTo(v float64, digits int) float64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', digits, 64), 64)
	return f
}

func periodText(p spm.Period) string {
	return fmt.Sprintf("Tahun %d, triwulan %d (kumulatif %s s.d. %s)", p.Year, p.Quarter, p.From(), p.To())
}

// SPMWorkbook writes the achievement as an XLSX workbook: a summary sheet
// with each region's index and label, then one sheet per jenis listing
// every region that owes it, one row per region, in e-SPM's order of
// columns, so a planner copies a jenis's rows into e-SPM in one go.
// Sheets are streamed: the nation's 552 regions take well under a second.
func SPMWorkbook(w io.Writer, e spm.Export, generated time.Time) error {
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
	scope := e.ScopeName
	if e.Scope != "" {
		scope += " (" + string(e.Scope) + ")"
	}

	// The summary sheet.
	const summary = "Ringkasan"
	f.SetSheetName("Sheet1", summary)
	sw, err := f.NewStreamWriter(summary)
	if err != nil {
		return err
	}
	rows := [][]any{
		{excelize.Cell{StyleID: bold, Value: "Capaian SPM bidang sosial — " + scope}},
		{periodText(e.Period)},
		{"Dibuat " + generated.UTC().Format("2006-01-02 15:04") + " UTC oleh layan; indeks = rata-rata capaian jenis yang memiliki penerima (bobot dan batas label dapat diatur)."},
		{},
		cells(head, "Kode wilayah", "Nama wilayah", "Tingkat", "Indeks SPM", "Label", "Y (semua jenis)", "X (semua jenis)"),
	}
	for _, group := range [][]spm.Achievement{e.Provinces, e.KabKota} {
		for _, a := range group {
			t := a.Totals()
			var idx any = ""
			if a.Index != nil {
				idx = roundTo(*a.Index, 2)
			}
			rows = append(rows, []any{string(a.Region), a.RegionName, string(a.Level), idx, a.Label, t.Y, t.X})
		}
	}
	if err := writeRows(sw, rows, []float64{14, 36, 10, 12, 18, 16, 16}); err != nil {
		return err
	}

	// A sheet per jenis.
	for _, svc := range spm.Services {
		group := e.KabKota
		if svc.Level == spm.Provinsi {
			group = e.Provinces
		}
		if len(group) == 0 {
			continue
		}
		sheet := sheetName(svc.Jenis)
		if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
		sw, err := f.NewStreamWriter(sheet)
		if err != nil {
			return err
		}
		rows := [][]any{
			{excelize.Cell{StyleID: bold, Value: svc.Name}},
			{periodText(e.Period) + " — " + scope},
			{"Sumber jenis: " + svc.Source + "; penerima: " + svc.Penerima},
			{},
			cells(head, spmColumns...),
		}
		for i, a := range group {
			for _, fig := range a.Jenis {
				if fig.Jenis != svc.Jenis {
					continue
				}
				rows = append(rows, []any{i + 1, string(a.Region), a.RegionName, fig.Y, fig.X, capaian(fig.Capaian), fig.Gap, sourceText(fig)})
			}
		}
		if err := writeRows(sw, rows, []float64{6, 14, 36, 18, 22, 12, 16, 40}); err != nil {
			return err
		}
	}
	return f.Write(w)
}

func cells(style int, values ...string) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = excelize.Cell{StyleID: style, Value: v}
	}
	return out
}

func writeRows(sw *excelize.StreamWriter, rows [][]any, widths []float64) error {
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	for i, r := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, r); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// sheetName is a jenis's sheet: its code, which fits Excel's 31 characters.
func sheetName(j spm.Jenis) string { return string(j) }

// csvColumns are the columns of the CSV export and of the open data.
var csvColumns = []string{"kode_wilayah", "nama_wilayah", "tingkat", "tahun", "triwulan", "kode_jenis", "jenis_pelayanan",
	"y", "x", "capaian_persen", "belum_terlayani", "sumber"}

// SPMCSV writes one row per region and jenis, the achievement of the
// export's period, with the header csvColumns.
func SPMCSV(w io.Writer, e spm.Export) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvColumns); err != nil {
		return err
	}
	for _, r := range openRows(e) {
		if err := cw.Write([]string{r.Region, r.RegionName, r.Level, strconv.Itoa(r.Year), strconv.Itoa(r.Quarter), r.Jenis,
			r.JenisName, strconv.Itoa(r.Y), strconv.Itoa(r.X), floatText(r.Capaian), strconv.Itoa(r.Gap), r.Source}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func floatText(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(roundTo(*v, 2), 'f', -1, 64)
}

// openRow is one region's jenis in the open data: counts only.
type openRow struct {
	Region     string   `json:"kode_wilayah"`
	RegionName string   `json:"nama_wilayah"`
	Level      string   `json:"tingkat"`
	Year       int      `json:"tahun"`
	Quarter    int      `json:"triwulan"`
	Jenis      string   `json:"kode_jenis"`
	JenisName  string   `json:"jenis_pelayanan"`
	Y          int      `json:"y"`
	X          int      `json:"x"`
	Capaian    *float64 `json:"capaian_persen"`
	Gap        int      `json:"belum_terlayani"`
	Source     string   `json:"sumber"`
}

func openRows(e spm.Export) []openRow {
	var out []openRow
	for _, group := range [][]spm.Achievement{e.Provinces, e.KabKota} {
		for _, a := range group {
			for _, f := range a.Jenis {
				var c *float64
				if f.Capaian != nil {
					v := roundTo(*f.Capaian, 2)
					c = &v
				}
				out = append(out, openRow{Region: string(a.Region), RegionName: a.RegionName, Level: string(a.Level),
					Year: a.Year, Quarter: a.Quarter, Jenis: string(f.Jenis), JenisName: f.Name, Y: f.Y, X: f.X,
					Capaian: c, Gap: f.Gap, Source: f.Source})
			}
		}
	}
	return out
}

// OpenDataMeta describes the open data the way Satu Data Indonesia's
// metadata does: what, who, when, where from, under which licence.
type OpenDataMeta struct {
	Title       string       `json:"judul"`
	Description string       `json:"deskripsi"`
	Producer    string       `json:"produsen_data"`
	Period      openPeriod   `json:"periode"`
	Coverage    string       `json:"cakupan_wilayah"`
	RegionCodes string       `json:"kode_wilayah"`
	Licence     string       `json:"lisensi"`
	Generated   time.Time    `json:"dibuat"`
	Columns     []openColumn `json:"kolom"`
}

type openPeriod struct {
	Year    int    `json:"tahun"`
	Quarter int    `json:"triwulan"`
	From    string `json:"dari"`
	To      string `json:"sampai"`
}

type openColumn struct {
	Name        string `json:"nama"`
	Description string `json:"deskripsi"`
}

// OpenData is the JSON document: metadata and the rows.
type OpenData struct {
	Metadata OpenDataMeta `json:"metadata"`
	Data     []openRow    `json:"data"`
}

var openColumns = []openColumn{
	{"kode_wilayah", "Kode wilayah Kemendagri (provinsi atau kabupaten/kota)"},
	{"nama_wilayah", "Nama wilayah"},
	{"tingkat", "provinsi (pelayanan di dalam panti dan korban bencana provinsi) atau kabkota (di luar panti dan korban bencana kabupaten/kota)"},
	{"tahun", "Tahun anggaran"},
	{"triwulan", "Triwulan; angka kumulatif sejak 1 Januari"},
	{"kode_jenis", "Kode jenis pelayanan dasar"},
	{"jenis_pelayanan", "Jenis pelayanan dasar menurut PP 2/2018 Pasal 10"},
	{"y", "Jumlah penerima yang membutuhkan pelayanan menurut asesmen"},
	{"x", "Jumlah penerima yang terpenuhi kebutuhan dasarnya"},
	{"capaian_persen", "X / Y × 100; kosong bila Y = 0"},
	{"belum_terlayani", "Y − X"},
	{"sumber", "casework (data kasus layan) atau aggregate (angka yang diinput daerah)"},
}

// OpenDataOf builds the open data of an export: counts per region and
// jenis, never a person.
func OpenDataOf(e spm.Export, producer, regionList, licence string, generated time.Time) OpenData {
	scope := e.ScopeName
	if e.Scope != "" {
		scope += " (" + string(e.Scope) + ")"
	}
	return OpenData{
		Metadata: OpenDataMeta{
			Title: fmt.Sprintf("Capaian SPM bidang sosial %s, tahun %d triwulan %d", scope, e.Period.Year, e.Period.Quarter),
			Description: "Capaian Standar Pelayanan Minimal bidang sosial per jenis pelayanan dasar (PP 2/2018, Permensos 9/2018): " +
				"jumlah yang membutuhkan (Y), yang terpenuhi kebutuhan dasarnya (X), dan capaian X/Y × 100 %. Data agregat, tanpa data pribadi.",
			Producer: producer,
			Period:   openPeriod{Year: e.Period.Year, Quarter: e.Period.Quarter, From: e.Period.From(), To: e.Period.To()},
			Coverage: scope, RegionCodes: regionList, Licence: licence, Generated: generated.UTC(), Columns: openColumns,
		},
		Data: openRows(e),
	}
}

// OpenDataJSON writes the open data as one JSON document.
func OpenDataJSON(w io.Writer, d OpenData) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(d)
}

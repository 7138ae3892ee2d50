package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/layan-id/layan/internal/spm"
	"github.com/layan-id/layan/internal/wilayah"
)

// export is a province and two of its kab/kota, one with an entered figure.
func export() spm.Export {
	p := spm.Period{Year: 2026, Quarter: 3}
	pct := func(v float64) *float64 { return &v }
	ach := func(code wilayah.Code, name string, level spm.Level, figs ...spm.Figure) spm.Achievement {
		a := spm.Achievement{Region: code, RegionName: name, Level: level, Year: p.Year, Quarter: p.Quarter, From: p.From(), To: p.To()}
		for _, svc := range spm.ServicesOf(level) {
			f := spm.Figure{Jenis: svc.Jenis, Name: svc.Name, Source: "casework"}
			for _, g := range figs {
				if g.Jenis == svc.Jenis {
					f = g
					f.Name = svc.Name
				}
			}
			a.Jenis = append(a.Jenis, f)
		}
		return a
	}
	sal := ach("33.73", "Kota Salatiga", spm.KabKota,
		spm.Figure{Jenis: spm.AnakLuarPanti, X: 5, Y: 9, Gap: 4, Capaian: pct(500.0 / 9), Source: "casework"},
		spm.Figure{Jenis: spm.LansiaLuarPanti, X: 3, Y: 4, Gap: 1, Capaian: pct(75), Source: "aggregate",
			Aggregate: &spm.Aggregate{X: 3, Y: 4, Source: "Rekap manual"}})
	idx := 65.28
	sal.Index, sal.Label = &idx, "Tuntas Muda"
	return spm.Export{Scope: "33", ScopeName: "Jawa Tengah", Period: p,
		Provinces: []spm.Achievement{ach("33", "Jawa Tengah", spm.Provinsi,
			spm.Figure{Jenis: spm.AnakDalamPanti, X: 8, Y: 8, Capaian: pct(100), Source: "casework"})},
		KabKota: []spm.Achievement{ach("33.01", "Kabupaten Cilacap", spm.KabKota), sal}}
}

func TestSPMWorkbook(t *testing.T) {
	var b bytes.Buffer
	if err := SPMWorkbook(&b, export(), time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 11 || sheets[0] != "Ringkasan" || sheets[1] != "disabilitas_dalam_panti" || sheets[10] != "bencana_kabkota" {
		t.Fatalf("sheets %v", sheets)
	}
	rows, err := f.GetRows("anak_luar_panti")
	if err != nil {
		t.Fatal(err)
	}
	// Title, period, source, blank, header, then Cilacap and Salatiga.
	if len(rows) != 7 || !strings.Contains(rows[0][0], "anak telantar di luar panti") || !strings.Contains(rows[1][0], "triwulan 3") ||
		rows[4][3] != spmColumns[3] {
		t.Fatalf("anak luar panti: %q", rows)
	}
	if got := rows[6]; got[1] != "33.73" || got[2] != "Kota Salatiga" || got[3] != "9" || got[4] != "5" || got[5] != "55.56" || got[6] != "4" {
		t.Errorf("Salatiga's row: %q", got)
	}
	if got := rows[5]; got[1] != "33.01" || got[3] != "0" || len(got) < 8 || got[5] != "" {
		t.Errorf("Cilacap's row (no one to serve, no percentage): %q", got)
	}
	lansia, _ := f.GetRows("lansia_luar_panti")
	if !strings.Contains(lansia[6][7], "Rekap manual") {
		t.Errorf("an entered figure names its source: %q", lansia[6])
	}
	panti, _ := f.GetRows("anak_dalam_panti")
	if len(panti) != 6 || panti[5][1] != "33" || panti[5][5] != "100" {
		t.Errorf("the province's sheet: %q", panti)
	}
	sum, _ := f.GetRows("Ringkasan")
	if !strings.Contains(sum[0][0], "Jawa Tengah (33)") || len(sum) != 8 || sum[7][0] != "33.73" || sum[7][3] != "65.28" || sum[7][4] != "Tuntas Muda" || sum[7][5] != "13" {
		t.Errorf("summary: %q", sum)
	}
}

func TestSPMCSVAndOpenData(t *testing.T) {
	e := export()
	var b bytes.Buffer
	if err := SPMCSV(&b, e); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// A header and five jenis for each of three regions.
	if len(recs) != 16 || strings.Join(recs[0], ",") != strings.Join(csvColumns, ",") {
		t.Fatalf("%d records, header %q", len(recs), recs[0])
	}
	found := false
	for _, r := range recs[1:] {
		if r[0] == "33.73" && r[5] == "anak_luar_panti" {
			found = r[7] == "9" && r[8] == "5" && r[9] == "55.56" && r[10] == "4" && r[11] == "casework" && r[3] == "2026" && r[4] == "3"
		}
	}
	if !found {
		t.Errorf("Salatiga's anak row missing or wrong: %q", recs)
	}

	d := OpenDataOf(e, "Kementerian Sosial RI", "Kepmendagri 300.2.2-2138/2025", "CC-BY-4.0", time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC))
	var j bytes.Buffer
	if err := OpenDataJSON(&j, d); err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(j.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	meta := back["metadata"].(map[string]any)
	data := back["data"].([]any)
	if meta["lisensi"] != "CC-BY-4.0" || !strings.Contains(meta["judul"].(string), "Jawa Tengah (33)") || len(data) != 15 ||
		len(meta["kolom"].([]any)) != len(csvColumns) {
		t.Errorf("open data: %s", j.String()[:min(j.Len(), 1200)])
	}
	// Aggregates only: no field but the documented columns.
	for _, row := range data {
		if len(row.(map[string]any)) != len(csvColumns) {
			t.Errorf("a row with other fields: %v", row)
		}
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The responses of the hand-computed example: two respondents counted,
//
//	U1 4,4  U2 3,3  U3 3,2  U4 2,2  U5 3,3  U6 3,4  U7 4,4  U8 3,3  U9 3,2
//	NRR 4, 3, 2.5, 2, 3, 3.5, 4, 3, 2.5;  Σ 27.5 / 9 × 25 = 76.389 → 76.39, C
//
// and two rows left out (row 4: U3 = 7; row 5: U9 empty).
var ikmRows = [][]string{
	{"No", "Layanan", "U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9", "Saran"},
	{"1", "ATENSI", "4", "3", "3", "2", "3", "3", "4", "3", "3", "cepat"},
	{"2", "ATENSI", "4", "3", "2", "2", "3", "4", "4", "3", "2", ""},
	{"3", "ATENSI", "4", "3", "7", "2", "3", "4", "4", "3", "2", ""},
	{"4", "ATENSI", "4", "3", "2", "2", "3", "4", "4", "3", "", ""},
}

func layanIKM(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), append([]string{"ikm"}, args...), func(string) string { return "" }, &out, io.Discard)
	return out.String(), err
}

func writeCSV(t *testing.T, sep string) string {
	t.Helper()
	var b strings.Builder
	for _, r := range ikmRows {
		b.WriteString(strings.Join(r, sep) + "\n")
	}
	p := filepath.Join(t.TempDir(), "skm.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// writeXLSXFile writes the rows as a workbook, answers as numbers as a
// spreadsheet holds them, under name.
func writeXLSXFile(t *testing.T, name string) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range ikmRows {
		row := make([]any, len(r))
		for j, c := range r {
			row[j] = c
			if n, err := json.Number(c).Int64(); err == nil && i > 0 {
				row[j] = n
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestIKMCommandText(t *testing.T) {
	for name, path := range map[string]string{
		"csv comma":     writeCSV(t, ","),
		"csv semicolon": writeCSV(t, ";"),
		"xlsx":          writeXLSXFile(t, "skm.xlsx"),
		// Told by content, not by name.
		"xlsx named .csv": writeXLSXFile(t, "ekspor.csv"),
	} {
		t.Run(name, func(t *testing.T) {
			out, err := layanIKM(t, path)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{
				"Persyaratan", "2,500", // U3's NRR
				"Responden dihitung / respondents counted: 2",
				"IKM: 76,39 — mutu C, kinerja Kurang Baik",
				"U4, U3, U9, U2, U5, U8, U6, U1, U7",
				"Baris ditinggalkan / rows left out: 2",
				"baris 4: U3 bernilai 7, di luar 1–4",
				"baris 5: U9 kosong",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

func TestIKMCommandJSON(t *testing.T) {
	for name, path := range map[string]string{"csv": writeCSV(t, ";"), "xlsx": writeXLSXFile(t, "skm.xlsx")} {
		t.Run(name, func(t *testing.T) {
			out, err := layanIKM(t, path, "--json", "--population", "100")
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				Respondents int `json:"respondents"`
				Elements    []struct {
					Code     string  `json:"code"`
					Name     string  `json:"name"`
					NRR      float64 `json:"nrr"`
					Weighted float64 `json:"weighted"`
				} `json:"elements"`
				IKM      float64  `json:"ikm"`
				Mutu     string   `json:"mutu"`
				Kinerja  string   `json:"kinerja"`
				Weakest  []string `json:"weakest"`
				Rejected []struct {
					Row    int    `json:"row"`
					Reason string `json:"reason"`
				} `json:"rejected"`
				RejectedCount int  `json:"rejected_count"`
				SampleNeeded  int  `json:"sample_needed"`
				SampleReached bool `json:"sample_reached"`
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			nrr := []float64{4, 3, 2.5, 2, 3, 3.5, 4, 3, 2.5}
			if got.Respondents != 2 || len(got.Elements) != 9 || got.IKM != 76.39 || got.Mutu != "C" || got.Kinerja != "Kurang Baik" {
				t.Fatalf("%+v", got)
			}
			for i, e := range got.Elements {
				if e.NRR != nrr[i] || math.Abs(e.Weighted-nrr[i]/9) > 0.00005 {
					t.Errorf("%s: nrr %v weighted %v, want %v, %.4f", e.Code, e.NRR, e.Weighted, nrr[i], nrr[i]/9)
				}
			}
			if got.Elements[0].Code != "U1" || got.Elements[0].Name != "Persyaratan" || got.Elements[2].Weighted != 0.2778 {
				t.Errorf("elements %+v", got.Elements[:3])
			}
			if !slices.Equal(got.Weakest, []string{"U4", "U3", "U9", "U2", "U5", "U8", "U6", "U1", "U7"}) {
				t.Errorf("weakest %v", got.Weakest)
			}
			if got.RejectedCount != 2 || len(got.Rejected) != 2 || got.Rejected[0].Row != 4 || got.Rejected[1].Row != 5 ||
				!strings.Contains(got.Rejected[1].Reason, "U9") {
				t.Errorf("rejected %+v (%d)", got.Rejected, got.RejectedCount)
			}
			// Krejcie–Morgan: 80 of 100 users; 2 respondents do not reach it.
			if got.SampleNeeded != 80 || got.SampleReached {
				t.Errorf("sample %d reached %v", got.SampleNeeded, got.SampleReached)
			}
		})
	}
}

// Every row left out: no index, said plainly; null in JSON.
func TestIKMCommandNoRespondent(t *testing.T) {
	p := filepath.Join(t.TempDir(), "kosong.csv")
	os.WriteFile(p, []byte("U1,U2,U3,U4,U5,U6,U7,U8,U9\n5,5,5,5,5,5,5,5,5\n"), 0o600)
	out, err := layanIKM(t, p)
	if err != nil || !strings.Contains(out, "IKM: - (tidak ada responden") || !strings.Contains(out, "baris 2:") {
		t.Errorf("%v\n%s", err, out)
	}
	out, err = layanIKM(t, "--json", p)
	if err != nil || !strings.Contains(out, `"ikm": null`) || !strings.Contains(out, `"mutu": ""`) {
		t.Errorf("%v\n%s", err, out)
	}
}

func TestIKMCommandErrors(t *testing.T) {
	dir := t.TempDir()
	noHeader := filepath.Join(dir, "judul.csv")
	os.WriteFile(noHeader, []byte("U1,U2,U3,U4,U5,U6,U8\n1,1,1,1,1,1,1\n"), 0o600)
	xls := filepath.Join(dir, "lama.xls")
	os.WriteFile(xls, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"), 0o600)
	badZip := filepath.Join(dir, "rusak.xlsx")
	os.WriteFile(badZip, []byte("PK\x03\x04 not really a zip"), 0o600)
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no file", nil, "usage"},
		{"missing file", []string{filepath.Join(dir, "tidak-ada.csv")}, "tidak ada"},
		{"a directory", []string{dir}, "tidak terbaca"},
		{"header without U7, U9", []string{noHeader}, "kolom unsur tidak ada di baris judul: U7, U9"},
		{"old XLS", []string{xls}, "XLS lama"},
		{"broken XLSX", []string{badZip}, "XLSX tidak terbaca"},
		{"unknown option", []string{noHeader, "--csv"}, "unknown option"},
		{"two files", []string{noHeader, xls}, "one file only"},
		{"bad population", []string{noHeader, "--population", "x"}, "population"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := layanIKM(t, c.args...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one saying %q", err, c.want)
			}
			if err != nil && strings.Contains(err.Error(), "goroutine") {
				t.Errorf("a stack trace: %v", err)
			}
		})
	}
}

package ikm

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestReadCSV(t *testing.T) {
	// Comma-separated, header in another order and case, extra columns,
	// a blank line, and bad rows of every kind.
	src := "No,Nama Layanan,u9,U8,U7,U6,U5,U4,U3,U2,U1,Catatan\n" + // row 1
		"1,ATENSI,3,3,3,3,3,3,3,3,4,ok\n" + // row 2: accepted
		"2,ATENSI,3,3,3,3,3,3,3,5,3,\n" + // row 3: U2 = 5
		"\n" + // row 4: blank, skipped
		"3,ATENSI,3,3,3,3,3,,3,3,3,\n" + // row 5: U4 empty
		"4,ATENSI,3,3,3,baik,3,3,3,3,3,\n" + // row 6: U6 not a number
		"5,ATENSI,2,2,2,2\n" + // row 7: short
		"6,\"ATENSI, panti\",4,4,4,4,4,4,4,4,4.0,\n" // row 8: accepted, quoted comma, 4.0
	res, err := ReadCSV(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9"}; !slices.Equal(res.Codes, want) {
		t.Errorf("codes %v", res.Codes)
	}
	if !slices.Equal(res.Rows, []int{2, 8}) || len(res.Answers) != 2 ||
		!slices.Equal(res.Answers[0], []int{4, 3, 3, 3, 3, 3, 3, 3, 3}) || !slices.Equal(res.Answers[1], []int{4, 4, 4, 4, 4, 4, 4, 4, 4}) {
		t.Errorf("accepted rows %v answers %v", res.Rows, res.Answers)
	}
	want := []struct {
		row  int
		says []string
	}{
		{3, []string{"U2", "di luar 1–4"}},
		{5, []string{"U4 kosong"}},
		{6, []string{"U6", "bukan angka"}},
		{7, []string{"U1 kosong", "U2 kosong", "U5 kosong"}},
	}
	if len(res.Rejected) != len(want) {
		t.Fatalf("rejected %+v", res.Rejected)
	}
	for i, w := range want {
		r := res.Rejected[i]
		if r.Row != w.row {
			t.Errorf("rejected %d: row %d, want %d", i, r.Row, w.row)
		}
		for _, s := range w.says {
			if !strings.Contains(r.Reason, s) {
				t.Errorf("row %d: reason %q lacks %q", r.Row, r.Reason, s)
			}
		}
	}
}

func TestReadCSVSemicolon(t *testing.T) {
	// The Indonesian Excel's export: ";" and a byte-order mark, a decimal
	// comma, trailing blank rows, and a unit's own U10.
	src := "\xef\xbb\xbfU1;U2;U3;U4;U5;U6;U7;U8;U9;U10;Umur\r\n" +
		"4;4;3;3;3;3;3;3;3;2;45\r\n" +
		"4;4;3;3;3;3;3;3;3;4,0;60\r\n" +
		";;;;;;;;;;\r\n"
	res, err := ReadCSV(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Codes) != 10 || res.Codes[9] != "U10" || len(res.Answers) != 2 || len(res.Rejected) != 0 ||
		res.Answers[1][9] != 4 || !slices.Equal(res.Rows, []int{2, 3}) {
		t.Errorf("%+v", res)
	}
}

func TestReadHeaderErrors(t *testing.T) {
	for _, c := range []struct {
		name, src string
		missing   []string
		twice     string
		empty     bool
	}{
		{"two missing", "U1,U2,U3,U4,U5,U6,U8\n1,1,1,1,1,1,1\n", []string{"U7", "U9"}, "", false},
		{"no elements", "nama,umur\nA,30\n", []string{"U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9"}, "", false},
		{"twice", "U1,U2,U3,U4,U5,U6,U7,U8,U9,u1\n", nil, "U1", false},
		{"empty", "", nil, "", true},
		{"blank lines only", "\n\n,,,\n", nil, "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadCSV(strings.NewReader(c.src))
			var he *HeaderError
			if !errors.As(err, &he) || !slices.Equal(he.Missing, c.missing) || he.Twice != c.twice || he.Empty != c.empty {
				t.Fatalf("error %v (%+v)", err, he)
			}
			if c.missing != nil && !strings.Contains(err.Error(), strings.Join(c.missing, ", ")) {
				t.Errorf("message %q does not name %v", err, c.missing)
			}
		})
	}
}

// writeXLSX builds a workbook of rows on its first sheet (cells may be
// numbers or text, as a spreadsheet holds them).
func writeXLSX(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadXLSX(t *testing.T) {
	b := writeXLSX(t, [][]any{
		{"Responden", "U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9"}, // row 1
		{"A", 4, 3, 3, 2, 3, 3, 4, 3, 3},                                    // row 2
		{"B", 4, 3, 2, 2, 3, 4, 4, 3, 2},                                    // row 3
		{},                                                                  // row 4: blank
		{"C", 4, 3, 2, 2, 3, 4, 4, 3, 9},                                    // row 5: U9 = 9
		{"D", 4, 3, "", 2, 3, 4, 4, 3, 2},                                   // row 6: U3 empty
	})
	res, err := ReadXLSX(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Rows, []int{2, 3}) || len(res.Rejected) != 2 || res.Rejected[0].Row != 5 || res.Rejected[1].Row != 6 ||
		!strings.Contains(res.Rejected[0].Reason, "U9") || !strings.Contains(res.Rejected[1].Reason, "U3 kosong") {
		t.Fatalf("rows %v rejected %+v", res.Rows, res.Rejected)
	}
	r, err := Compute(Named(res.Codes), res.Answers)
	if err != nil || !same(r.IKM, 76.39) {
		t.Errorf("IKM %v (%v), want 76.39 as computed by hand", r.IKM, err)
	}

	if _, err := ReadXLSX(strings.NewReader("not a workbook")); err == nil {
		t.Error("a text file read as XLSX")
	}
	var he *HeaderError
	if _, err := ReadXLSX(bytes.NewReader(writeXLSX(t, [][]any{{"U1", "U2"}}))); !errors.As(err, &he) {
		t.Errorf("header without U3…U9: %v", err)
	}
}

// FuzzReadCSV: whatever the file, the reader never panics, and every row
// it reports is either accepted, with answers 1–4 for every element, or
// rejected with a reason, never both.
func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{
		"U1,U2,U3,U4,U5,U6,U7,U8,U9\n1,2,3,4,1,2,3,4,1\n",
		"U1;U2;U3;U4;U5;U6;U7;U8;U9;U10\n4;4;4;4;4;4;4;4;4;x\n;;\n",
		"a,U9,U8,U7,U6,U5,U4,U3,U2,U1\n\"x,\"\"y\",1,1,1,1,1,1,1,1,1\n\"unterminated\n",
		"\xef\xbb\xbfU1\tU2\tU3\tU4\tU5\tU6\tU7\tU8\tU9\n1\t1\n",
		"U1,U2,U3,U4,U5,U6,U7,U8,U9\n1e0,2.0,3,4,+1,0x4,NaN,Inf,-0\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		res, err := ReadCSV(strings.NewReader(s))
		if err != nil {
			return
		}
		if len(res.Answers) != len(res.Rows) {
			t.Fatalf("%d answer rows, %d row numbers", len(res.Answers), len(res.Rows))
		}
		seen := map[int]bool{}
		for i, a := range res.Answers {
			if len(a) != len(res.Codes) {
				t.Fatalf("row %d: %d answers for %d elements", res.Rows[i], len(a), len(res.Codes))
			}
			for _, v := range a {
				if v < MinAnswer || v > MaxAnswer {
					t.Fatalf("row %d: accepted answer %d", res.Rows[i], v)
				}
			}
			seen[res.Rows[i]] = true
		}
		for _, r := range res.Rejected {
			if r.Reason == "" || r.Row < 1 {
				t.Fatalf("rejected %+v", r)
			}
			if seen[r.Row] {
				t.Fatalf("row %d both accepted and rejected", r.Row)
			}
		}
		if _, err := Compute(Named(res.Codes), res.Answers); err != nil {
			t.Fatalf("accepted rows refused by Compute: %v", err)
		}
	})
}

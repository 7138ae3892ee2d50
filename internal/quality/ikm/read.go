package ikm

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Responses are the answers read from a file of a survey that ran elsewhere:
// one row per respondent, a column per element (U1…U9, and any U10… a unit
// added), other columns ignored.
type Responses struct {
	// Codes are the elements found in the header, U1…U9 first, then a
	// unit's own in their order (U10, U11, …).
	Codes []string
	// Answers are the accepted rows' answers, in the order of Codes; Rows
	// their row numbers in the file (the header is row 1 in a file that
	// starts with it).
	Answers [][]int
	Rows    []int
	// Rejected are the rows left out, with the reason.
	Rejected []Rejected
}

// Rejected is a row left out of the count and why.
type Rejected struct {
	Row    int    `json:"row"`
	Reason string `json:"reason"`
}

// HeaderError is a file whose header lacks some of U1…U9.
type HeaderError struct {
	Missing []string // the codes not found
	Twice   string   // a code found in two columns
	Empty   bool     // no header at all
}

func (e *HeaderError) Error() string {
	switch {
	case e.Empty:
		return "berkas kosong: tidak ada baris judul dengan kolom U1 sampai U9"
	case e.Twice != "":
		return fmt.Sprintf("kolom %s ada dua kali di baris judul", e.Twice)
	}
	return "kolom unsur tidak ada di baris judul: " + strings.Join(e.Missing, ", ")
}

// MaxFileSize is the largest file read: a survey of a few thousand
// respondents is far smaller.
const MaxFileSize = 64 << 20

// ErrTooLarge is a file over MaxFileSize.
var ErrTooLarge = fmt.Errorf("berkas lebih dari %d MB", MaxFileSize>>20)

func readAll(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileSize {
		return nil, ErrTooLarge
	}
	return b, nil
}

// ReadCSV reads responses from a CSV file. The separator is "," or ";" (the
// Indonesian Excel's CSV export uses ";"), whichever the header line uses
// more; a byte-order mark is skipped; the header is the first row that is
// not blank.
func ReadCSV(r io.Reader) (Responses, error) {
	b, err := readAll(r)
	if err != nil {
		return Responses{}, err
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	cr := csv.NewReader(bytes.NewReader(b))
	cr.Comma = separator(b)
	cr.FieldsPerRecord = -1 // ragged rows are judged here, row by row
	cr.LazyQuotes = true
	cr.ReuseRecord = false
	var rows []fileRow
	lastOffset := int64(-1)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && cr.InputOffset() > lastOffset {
				lastOffset = cr.InputOffset()
				rows = append(rows, fileRow{n: pe.StartLine, bad: "baris tidak terbaca sebagai CSV"})
				continue
			}
			return Responses{}, fmt.Errorf("CSV: %w", err)
		}
		lastOffset = cr.InputOffset()
		line, _ := cr.FieldPos(0)
		rows = append(rows, fileRow{n: line, cells: rec})
	}
	return collect(rows)
}

// separator guesses the CSV separator from the first line.
func separator(b []byte) rune {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	if bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
		return ';'
	}
	if bytes.Count(line, []byte("\t")) > bytes.Count(line, []byte(",")) {
		return '\t'
	}
	return ','
}

// ReadXLSX reads responses from the first sheet of an XLSX workbook; the
// header is its first row that is not blank.
func ReadXLSX(r io.Reader) (Responses, error) {
	b, err := readAll(r)
	if err != nil {
		return Responses{}, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		return Responses{}, fmt.Errorf("XLSX tidak terbaca: %w", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return Responses{}, &HeaderError{Empty: true}
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return Responses{}, fmt.Errorf("XLSX tidak terbaca: %w", err)
	}
	defer it.Close()
	var rows []fileRow
	for n := 1; it.Next(); n++ {
		cells, err := it.Columns()
		if err != nil {
			return Responses{}, fmt.Errorf("XLSX tidak terbaca: %w", err)
		}
		rows = append(rows, fileRow{n: n, cells: cells})
	}
	if err := it.Error(); err != nil {
		return Responses{}, fmt.Errorf("XLSX tidak terbaca: %w", err)
	}
	return collect(rows)
}

// fileRow is one row of a file: its number and cells, or why it could not
// be read at all.
type fileRow struct {
	n     int
	cells []string
	bad   string
}

func blank(cells []string) bool {
	return !slices.ContainsFunc(cells, func(c string) bool { return strings.TrimSpace(c) != "" })
}

// collect finds the header and judges every later row. Blank rows (a
// spreadsheet's trailing ";;;;") are no respondent and are skipped.
func collect(rows []fileRow) (Responses, error) {
	h := slices.IndexFunc(rows, func(r fileRow) bool { return r.bad == "" && !blank(r.cells) })
	if h < 0 {
		return Responses{}, &HeaderError{Empty: true}
	}
	codes, cols, err := header(rows[h].cells)
	if err != nil {
		return Responses{}, err
	}
	res := Responses{Codes: codes}
	for _, r := range rows[h+1:] {
		if r.bad != "" {
			res.Rejected = append(res.Rejected, Rejected{Row: r.n, Reason: r.bad})
			continue
		}
		if blank(r.cells) {
			continue
		}
		answers, reason := judge(r.cells, codes, cols)
		if reason != "" {
			res.Rejected = append(res.Rejected, Rejected{Row: r.n, Reason: reason})
			continue
		}
		res.Answers = append(res.Answers, answers)
		res.Rows = append(res.Rows, r.n)
	}
	return res, nil
}

// header finds the element columns: cells "U1", "u1", " U1 " name U1; every
// other cell is a column to ignore. U1…U9 must all be there.
func header(cells []string) (codes []string, cols map[string]int, err error) {
	cols = map[string]int{}
	for i, c := range cells {
		code := strings.ToUpper(strings.TrimSpace(c))
		if _, ok := codeNumber(code); !ok {
			continue
		}
		if _, dup := cols[code]; dup {
			return nil, nil, &HeaderError{Twice: code}
		}
		cols[code] = i
	}
	var missing []string
	for _, e := range standard {
		if _, ok := cols[e.Code]; !ok {
			missing = append(missing, e.Code)
		}
	}
	if len(missing) > 0 {
		return nil, nil, &HeaderError{Missing: missing}
	}
	for c := range cols {
		codes = append(codes, c)
	}
	slices.SortFunc(codes, CompareCodes)
	return codes, cols, nil
}

// judge reads one row's answers, or says why it is left out: the first
// element that is empty, not a number, or outside 1–4.
func judge(cells []string, codes []string, cols map[string]int) ([]int, string) {
	out := make([]int, len(codes))
	var problems []string
	for j, code := range codes {
		i := cols[code]
		v := ""
		if i < len(cells) {
			v = strings.TrimSpace(cells[i])
		}
		if v == "" {
			problems = append(problems, code+" kosong")
			continue
		}
		n, ok := answerValue(v)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s berisi %q, bukan angka 1–4", code, short(v)))
			continue
		}
		if n < MinAnswer || n > MaxAnswer {
			problems = append(problems, fmt.Sprintf("%s bernilai %s, di luar 1–4", code, short(v)))
			continue
		}
		out[j] = n
	}
	if len(problems) > 0 {
		return nil, strings.Join(problems, "; ")
	}
	return out, ""
}

// answerValue reads a whole number, also as a spreadsheet may write it
// ("4.0", "4,0").
func answerValue(v string) (int, bool) {
	if n, err := strconv.Atoi(v); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) || math.Abs(f) > 1e6 {
		return 0, false
	}
	return int(f), true
}

// short keeps a quoted cell readable in a message.
func short(v string) string {
	r := []rune(v)
	if len(r) > 20 {
		return string(r[:20]) + "…"
	}
	return v
}

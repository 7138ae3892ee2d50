package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/quality/ikm"
)

const ikmUsage = `usage: layan ikm FILE [--json] [--population N]
  FILE          CSV (pemisah , atau ;) atau XLSX: satu baris per responden, kolom U1…U9 bernilai 1–4
  --json        cetak hasil sebagai JSON / print the result as JSON
  --population N  jumlah pengguna layanan: hitung sampel Krejcie–Morgan / service users: Krejcie–Morgan sample`

// ikmCmd computes the IKM of a survey that ran elsewhere from its responses
// in a CSV or XLSX file (issue 7 point 2), with the same rules as the survey
// in layan (internal/quality/ikm). Rows with a value outside 1–4 or a
// missing element are left out and named by row number.
func ikmCmd(args []string, stdout io.Writer) error {
	var (
		file       string
		asJSON     bool
		population = -1
	)
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--json" || a == "-json":
			asJSON = true
		case a == "--population" || a == "-population":
			if i+1 >= len(args) {
				return errors.New(ikmUsage)
			}
			i++
			a = "--population=" + args[i]
			fallthrough
		case strings.HasPrefix(a, "--population=") || strings.HasPrefix(a, "-population="):
			_, v, _ := strings.Cut(a, "=")
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return fmt.Errorf("--population %q: harus bilangan bulat positif / must be a positive whole number\n%s", v, ikmUsage)
			}
			population = n
		case a == "-h" || a == "--help":
			return errors.New(ikmUsage)
		case strings.HasPrefix(a, "-") && a != "-":
			return fmt.Errorf("opsi tidak dikenal / unknown option %q\n%s", a, ikmUsage)
		case file == "":
			file = a
		default:
			return fmt.Errorf("satu berkas saja / one file only\n%s", ikmUsage)
		}
	}
	if file == "" {
		return errors.New(ikmUsage)
	}
	b, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("berkas %s tidak ada / file not found", file)
	}
	if err != nil {
		return fmt.Errorf("berkas %s tidak terbaca / cannot read the file: %w", file, err)
	}
	res, err := readResponses(b)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	result, err := ikm.Compute(ikm.Named(res.Codes), res.Answers)
	if err != nil {
		// The reader accepts only rows Compute takes; this is a bug.
		if ae := apperr.As(err); ae != nil {
			return fmt.Errorf("%s: %s %v", file, ae.Key, ae.Args)
		}
		return err
	}
	out := ikmReport(file, result, res.Rejected, population)
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	printIKM(stdout, out)
	return nil
}

// readResponses reads a CSV or an XLSX file, told apart by content: an XLSX
// is a ZIP archive ("PK\x03\x04"), whatever its name; the old binary XLS is
// refused with advice.
func readResponses(b []byte) (ikm.Responses, error) {
	switch {
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return ikm.ReadXLSX(bytes.NewReader(b))
	case bytes.HasPrefix(b, []byte("\xd0\xcf\x11\xe0")):
		return ikm.Responses{}, errors.New("format XLS lama tidak dibaca; simpan sebagai XLSX atau CSV / the old XLS format is not read: save as XLSX or CSV")
	}
	return ikm.ReadCSV(bytes.NewReader(b))
}

// ikmJSON is the output of `layan ikm`: the keys the issue names
// (respondents, elements with code and nrr, ikm, mutu, kinerja) and more.
type ikmJSON struct {
	File        string         `json:"file"`
	Respondents int            `json:"respondents"`
	Elements    []ikmElement   `json:"elements"`
	IKM         *float64       `json:"ikm"` // null without respondents
	Mutu        string         `json:"mutu"`
	Kinerja     string         `json:"kinerja"`
	Weakest     []string       `json:"weakest"`
	Rejected    []ikm.Rejected `json:"rejected"`
	RejectedN   int            `json:"rejected_count"`
	// With --population: the Krejcie–Morgan sample and whether the
	// respondents reach it.
	Population    *int  `json:"population,omitempty"`
	SampleNeeded  *int  `json:"sample_needed,omitempty"`
	SampleReached *bool `json:"sample_reached,omitempty"`
}

type ikmElement struct {
	Code     string  `json:"code"`
	Name     string  `json:"name"`
	NRR      float64 `json:"nrr"`
	Weight   float64 `json:"weight"`
	Weighted float64 `json:"weighted"`
	Answers  int     `json:"answers"`
}

func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}

func ikmReport(file string, r ikm.Result, rejected []ikm.Rejected, population int) ikmJSON {
	out := ikmJSON{File: file, Respondents: r.Respondents, Mutu: r.Mutu, Kinerja: r.Kinerja,
		Weakest: r.Weakest, Rejected: rejected, RejectedN: len(rejected)}
	if out.Weakest == nil {
		out.Weakest = []string{}
	}
	if out.Rejected == nil {
		out.Rejected = []ikm.Rejected{}
	}
	for _, e := range r.Elements {
		out.Elements = append(out.Elements, ikmElement{Code: e.Code, Name: e.Name, NRR: round(e.NRR, 3),
			Weight: round(e.Weight, 4), Weighted: round(e.Weighted, 4), Answers: e.Answers})
	}
	if r.Respondents > 0 {
		v := r.IKM
		out.IKM = &v
	}
	if population > 0 {
		need := ikm.SampleSize(population)
		reached := r.Respondents >= need
		out.Population, out.SampleNeeded, out.SampleReached = &population, &need, &reached
	}
	return out
}

// decimal writes x with a decimal comma, as Indonesian reports do.
func decimal(x float64, places int) string {
	return strings.Replace(strconv.FormatFloat(x, 'f', places, 64), ".", ",", 1)
}

func printIKM(w io.Writer, r ikmJSON) {
	fmt.Fprintf(w, "Indeks Kepuasan Masyarakat (PermenPANRB 14/2017) — %s\n\n", r.File)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Kode\tUnsur\tNRR\tBobot\tNRR tertimbang")
	for _, e := range r.Elements {
		nrr, weighted := "-", "-"
		if r.Respondents > 0 {
			nrr, weighted = decimal(e.NRR, 3), decimal(e.Weighted, 4)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.Code, e.Name, nrr, decimal(e.Weight, 4), weighted)
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Responden dihitung / respondents counted: %d\n", r.Respondents)
	if r.IKM == nil {
		fmt.Fprintln(w, "IKM: - (tidak ada responden yang dapat dihitung / no respondent to count)")
	} else {
		fmt.Fprintf(w, "IKM: %s — mutu %s, kinerja %s\n", decimal(*r.IKM, 2), r.Mutu, r.Kinerja)
		fmt.Fprintf(w, "Unsur terlemah lebih dahulu / weakest first: %s\n", strings.Join(r.Weakest, ", "))
	}
	if r.SampleNeeded != nil {
		reached := "belum tercapai / not reached"
		if *r.SampleReached {
			reached = "tercapai / reached"
		}
		fmt.Fprintf(w, "Sampel Krejcie–Morgan untuk %d pengguna layanan: %d responden — %s\n", *r.Population, *r.SampleNeeded, reached)
	}
	fmt.Fprintf(w, "Baris ditinggalkan / rows left out: %d\n", r.RejectedN)
	for _, x := range r.Rejected {
		fmt.Fprintf(w, "  baris %d: %s\n", x.Row, x.Reason)
	}
}

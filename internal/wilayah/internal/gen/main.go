// Command gen turns the four CSV files of the npm package idn-area-data into
// the one file layan embeds: internal/wilayah/data/kepmendagri-2025.csv.gz.
// scripts/gen-wilayah.sh downloads and verifies the package and runs it.
//
// It validates every row before writing anything, so a broken or tampered
// upstream release fails here rather than at a user's typeahead. It does not
// import package wilayah on purpose: that package embeds the file this command
// writes, so it cannot compile before the file exists, and an independent
// check is worth more than a shared one.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// level describes one CSV file of the package: its header and the shape of
// its codes. Kemendagri codes are 2, 2, 2 and 4 digits per level, dotted.
type level struct {
	file   string
	header []string
	code   *regexp.Regexp
}

var levels = []level{
	{"provinces.csv", []string{"code", "name"}, regexp.MustCompile(`^[0-9]{2}$`)},
	{"regencies.csv", []string{"code", "province_code", "name"}, regexp.MustCompile(`^[0-9]{2}\.[0-9]{2}$`)},
	{"districts.csv", []string{"code", "regency_code", "name"}, regexp.MustCompile(`^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$`)},
	{"villages.csv", []string{"code", "district_code", "name"}, regexp.MustCompile(`^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$`)},
}

type row struct{ code, name string }

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	dataDir := fs.String("data", "", "the package's data directory (holds provinces.csv …)")
	out := fs.String("out", "", "the .csv.gz file to write")
	want := fs.String("want", "", "expected counts per level, comma-separated (e.g. 38,514,7285,83762)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dataDir == "" || *out == "" {
		return errors.New("usage: gen -data DIR -out FILE.csv.gz [-want N,N,N,N]")
	}

	rows, counts, err := readAll(*dataDir)
	if err != nil {
		return err
	}
	for i, n := range counts {
		fmt.Fprintf(stdout, "gen: %-13s %6d\n", levels[i].file, n)
	}
	fmt.Fprintf(stdout, "gen: %-13s %6d\n", "total", len(rows))
	if *want != "" {
		if err := checkCounts(*want, counts); err != nil {
			return err
		}
	}

	gz, err := encode(rows)
	if err != nil {
		return err
	}
	// Write beside the target and rename, so a failed run never leaves a
	// truncated file for go:embed to pick up.
	tmp := *out + ".tmp"
	if err := os.WriteFile(tmp, gz, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "gen: wrote %s (%d bytes)\n", *out, len(gz))
	return nil
}

// readAll reads the four levels in order, checking each row against the
// levels already read, and returns all rows sorted by code.
func readAll(dir string) ([]row, []int, error) {
	seen := map[string]int{} // code → level index, for duplicate and parent checks
	var rows []row
	counts := make([]int, len(levels))
	for li, lv := range levels {
		f, err := os.Open(filepath.Join(dir, lv.file))
		if err != nil {
			return nil, nil, err
		}
		r := csv.NewReader(f)
		r.FieldsPerRecord = len(lv.header)
		recs, err := r.ReadAll()
		f.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", lv.file, err)
		}
		if len(recs) == 0 || !slices.Equal(recs[0], lv.header) {
			return nil, nil, fmt.Errorf("%s: header is not %q", lv.file, strings.Join(lv.header, ","))
		}
		for i, rec := range recs[1:] {
			line := i + 2
			code, name := rec[0], rec[len(rec)-1]
			if !lv.code.MatchString(code) {
				return nil, nil, fmt.Errorf("%s:%d: code %q is not a level-%d code", lv.file, line, code, li+1)
			}
			if prev, dup := seen[code]; dup {
				return nil, nil, fmt.Errorf("%s:%d: code %s already listed in %s", lv.file, line, code, levels[prev].file)
			}
			if li > 0 {
				// The parent column must be the code's own prefix, and that
				// prefix must be a region of the level just above.
				parent := rec[1]
				if want := code[:strings.LastIndexByte(code, '.')]; parent != want {
					return nil, nil, fmt.Errorf("%s:%d: code %s has parent %q, want %q", lv.file, line, code, parent, want)
				}
				if pl, ok := seen[parent]; !ok || pl != li-1 {
					return nil, nil, fmt.Errorf("%s:%d: parent %s of %s is not a %s row", lv.file, line, parent, code, levels[li-1].file)
				}
			}
			if err := checkName(name); err != nil {
				return nil, nil, fmt.Errorf("%s:%d: %s: %w", lv.file, line, code, err)
			}
			seen[code] = li
			rows = append(rows, row{code, name})
			counts[li]++
		}
	}
	// Byte-wise order: the same order the database's "C" collation and the
	// embedded index use, so a region's descendants follow it directly.
	slices.SortFunc(rows, func(a, b row) int { return strings.Compare(a.code, b.code) })
	return rows, counts, nil
}

func checkName(name string) error {
	switch {
	case name == "":
		return errors.New("empty name")
	case !utf8.ValidString(name):
		return errors.New("name is not valid UTF-8")
	case strings.TrimSpace(name) != name:
		return fmt.Errorf("name %q has surrounding spaces", name)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return fmt.Errorf("name %q has a control character", name)
	case !strings.ContainsFunc(name, unicode.IsLetter):
		return fmt.Errorf("name %q has no letter", name)
	}
	return nil
}

func checkCounts(want string, got []int) error {
	parts := strings.Split(want, ",")
	if len(parts) != len(got) {
		return fmt.Errorf("-want needs %d counts, got %q", len(got), want)
	}
	for i, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return fmt.Errorf("-want: %w", err)
		}
		if n != got[i] {
			return fmt.Errorf("%s has %d rows, want %d", levels[i].file, got[i], n)
		}
	}
	return nil
}

// encode writes the rows as CSV with a header and gzips them. The gzip header
// carries no name and no time, so the same input always gives the same bytes
// and a regenerated file shows no diff.
func encode(rows []row) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	w := csv.NewWriter(zw)
	if err := w.Write([]string{"code", "name"}); err != nil {
		return nil, err
	}
	for _, r := range rows {
		if err := w.Write([]string{r.code, r.name}); err != nil {
			return nil, err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

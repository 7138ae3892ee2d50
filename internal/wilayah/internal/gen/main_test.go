package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// good is a tiny but complete package: one region per level.
var good = map[string]string{
	"provinces.csv": "code,name\n33,Jawa Tengah\n",
	"regencies.csv": "code,province_code,name\n33.73,33,Kota Salatiga\n",
	"districts.csv": "code,regency_code,name\n33.73.04,33.73,Sidomukti\n",
	"villages.csv":  "code,district_code,name\n33.73.04.1001,33.73.04,Kecandran\n",
}

func writeData(t *testing.T, change map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range good {
		if c, ok := change[name]; ok {
			body = c
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestRunRejects(t *testing.T) {
	tests := []struct {
		name   string
		change map[string]string
		want   string // part of the error
	}{
		{"bad header", map[string]string{"provinces.csv": "kode,nama\n33,Jawa Tengah\n"}, "header"},
		{"bad code", map[string]string{"provinces.csv": "code,name\n3,Jawa Tengah\n"}, "not a level-1 code"},
		{"undotted", map[string]string{"regencies.csv": "code,province_code,name\n3373,33,Kota Salatiga\n"}, "not a level-2 code"},
		{"duplicate", map[string]string{"provinces.csv": "code,name\n33,Jawa Tengah\n33,Jawa Tengah\n"}, "already listed"},
		{"parent column wrong", map[string]string{"districts.csv": "code,regency_code,name\n33.73.04,33.74,Sidomukti\n"}, "has parent"},
		{"parent missing", map[string]string{"villages.csv": "code,district_code,name\n33.73.05.1001,33.73.05,Kecandran\n"}, "is not a districts.csv row"},
		{"empty name", map[string]string{"villages.csv": "code,district_code,name\n33.73.04.1001,33.73.04,\n"}, "empty name"},
		{"spaces", map[string]string{"villages.csv": "code,district_code,name\n33.73.04.1001,33.73.04, Kecandran\n"}, "surrounding spaces"},
		{"field count", map[string]string{"villages.csv": "code,district_code,name\n33.73.04.1001,Kecandran\n"}, "wrong number of fields"},
		{"count", nil, "want 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeData(t, tt.change)
			out := filepath.Join(t.TempDir(), "out.csv.gz")
			want := "1,1,1,1"
			if tt.name == "count" {
				want = "1,1,1,2"
			}
			err := run([]string{"-data", dir, "-out", out, "-want", want}, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want one mentioning %q", err, tt.want)
			}
			if _, statErr := os.Stat(out); statErr == nil {
				t.Error("an output file was written despite the error")
			}
		})
	}
}

func TestRunWritesDeterministicFile(t *testing.T) {
	dir := writeData(t, map[string]string{
		// Out of order and with a name that needs quoting.
		"villages.csv": "code,district_code,name\n33.73.04.1002,33.73.04,\"Ra\"\"as, Timur\"\n33.73.04.1001,33.73.04,Kecandran\n",
	})
	var outs [2][]byte
	for k := range outs {
		out := filepath.Join(t.TempDir(), "out.csv.gz")
		if err := run([]string{"-data", dir, "-out", out, "-want", "1,1,1,2"}, io.Discard); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		outs[k] = b
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Error("two runs gave different bytes")
	}
	zr, err := gzip.NewReader(bytes.NewReader(outs[0]))
	if err != nil {
		t.Fatal(err)
	}
	if zr.Name != "" || !zr.ModTime.IsZero() {
		t.Errorf("gzip header has name %q, time %v", zr.Name, zr.ModTime)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	want := "code,name\n33,Jawa Tengah\n33.73,Kota Salatiga\n33.73.04,Sidomukti\n33.73.04.1001,Kecandran\n33.73.04.1002,\"Ra\"\"as, Timur\"\n"
	if string(body) != want {
		t.Errorf("body:\n%s\nwant:\n%s", body, want)
	}
}

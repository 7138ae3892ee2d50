package main

import (
	"path/filepath"
	"testing"
)

// Attachments live beside the SQLite file unless LAYAN_ATTACHMENTS says
// otherwise; with PostgreSQL, in the working directory.
func TestAttachmentDir(t *testing.T) {
	for _, tt := range []struct {
		db, dir, want string
	}{
		{"", "", "lampiran"},
		{"sqlite:layan.db", "", "lampiran"},
		{"sqlite:/var/lib/layan/layan.db", "", filepath.Join("/var/lib/layan", "lampiran")},
		{"sqlite:///var/lib/layan/layan.db?_pragma=x", "", filepath.Join("/var/lib/layan", "lampiran")},
		{"data/layan.db", "", filepath.Join("data", "lampiran")},
		{"sqlite::memory:", "", "lampiran"},
		{"postgres://layan@db/layan", "", "lampiran"},
		{"postgresql://layan@db/layan", "/srv/lampiran", "/srv/lampiran"},
		{"sqlite:/var/lib/layan/layan.db", "/mnt/berkas", "/mnt/berkas"},
	} {
		env := map[string]string{"LAYAN_DB": tt.db, "LAYAN_ATTACHMENTS": tt.dir}
		if got := attachmentDir(func(k string) string { return env[k] }); got != tt.want {
			t.Errorf("LAYAN_DB=%q LAYAN_ATTACHMENTS=%q: %q, want %q", tt.db, tt.dir, got, tt.want)
		}
	}
}

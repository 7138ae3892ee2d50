package web_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/layan-id/layan/internal/i18n"
)

// catalogKeys adds to keys every message key that pattern (whose first
// group is the key) finds in files. A key ending in "." or "_" is a prefix
// the code completes at run time; the tests list those keys themselves.
func catalogKeys(t *testing.T, keys map[string]bool, pattern string, files ...string) {
	t.Helper()
	re := regexp.MustCompile(pattern)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if !strings.HasSuffix(m[1], ".") && !strings.HasSuffix(m[1], "_") {
				keys[m[1]] = true
			}
		}
	}
}

// expectKeys fails for every key a language lacks (a plural key counts by
// its ".other" form) and returns the catalog for further checks.
func expectKeys(t *testing.T, keys map[string]bool, atLeast int) *i18n.Catalog {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) < atLeast {
		t.Fatalf("only %d keys found, want at least %d", len(keys), atLeast)
	}
	for k := range keys {
		for _, l := range i18n.Langs {
			if !cat.Has(l, k) && !cat.Has(l, k+".other") {
				t.Errorf("key %q missing in %s", k, l)
			}
		}
	}
	return cat
}

package ikm

import (
	"os"
	"regexp"
	"testing"

	"github.com/layan-id/layan/internal/i18n"
)

// Every message key this package names exists in both languages.
func TestMessageKeys(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("ikm.go")
	if err != nil {
		t.Fatal(err)
	}
	keys := regexp.MustCompile(`"(ikm\.[a-z_]+)"`).FindAllStringSubmatch(string(b), -1)
	if len(keys) < 8 {
		t.Fatalf("only %d keys found", len(keys))
	}
	for _, k := range keys {
		for _, l := range i18n.Langs {
			if !cat.Has(l, k[1]) {
				t.Errorf("%s lacks %q", l, k[1])
			}
		}
	}
}

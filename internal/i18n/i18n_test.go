package i18n

import (
	"strings"
	"testing"
)

// Every key exists in every language, with the same fmt verbs, so no page
// shows a raw key or a mangled argument after switching language.
func TestCatalogsComplete(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Keys(ID)) < 50 {
		t.Fatalf("Indonesian catalog has only %d keys", len(c.Keys(ID)))
	}
	for _, a := range Langs {
		for _, b := range Langs {
			for _, k := range c.Keys(a) {
				// A ".one" form is optional: Indonesian has no plural.
				if base, ok := strings.CutSuffix(k, ".one"); ok && c.Has(b, base+".other") {
					continue
				}
				if !c.Has(b, k) {
					t.Errorf("%s has %q but %s does not", a, k, b)
					continue
				}
				if va, vb := verbs(c.msgs[a][k]), verbs(c.msgs[b][k]); va != vb {
					t.Errorf("%q: %s has verbs %q, %s has %q", k, a, va, b, vb)
				}
			}
		}
	}
}

func verbs(s string) string {
	var out []string
	for i := 0; i < len(s)-1; i++ {
		if s[i] == '%' {
			if s[i+1] == '%' {
				i++
				continue
			}
			out = append(out, s[i:i+2])
		}
	}
	return strings.Join(out, ",")
}

func TestTranslate(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang Lang
		key  string
		args []any
		want string
	}{
		{ID, "field.too_long", []any{120}, "Paling panjang 120 karakter."},
		{EN, "field.too_long", []any{120}, "At most 120 characters."},
		{EN, "no.such.key", nil, "no.such.key"},
	}
	for _, tt := range tests {
		if got := c.T(tt.lang, tt.key, tt.args...); got != tt.want {
			t.Errorf("T(%s, %s) = %q, want %q", tt.lang, tt.key, got, tt.want)
		}
	}
	if got := c.N(EN, "count.units", 1); got != "1 unit" {
		t.Errorf("N(en, count.units, 1) = %q", got)
	}
	if got := c.N(EN, "count.units", 3); got != "3 units" {
		t.Errorf("N(en, count.units, 3) = %q", got)
	}
	if got := c.N(ID, "count.units", 3); got != "3 unit" {
		t.Errorf("N(id, count.units, 3) = %q", got)
	}
	for _, s := range []struct {
		in   string
		want Lang
	}{{"en", EN}, {"en-US", EN}, {"id", ID}, {"", ID}, {"fr", ID}} {
		if got := Parse(s.in); got != s.want {
			t.Errorf("Parse(%q) = %s", s.in, got)
		}
	}
}

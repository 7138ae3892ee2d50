package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/i18n"
	"github.com/layan-id/layan/internal/unit"
)

// Every visible string of a template comes from the message catalog: once
// actions and tags are stripped, no words may remain, and no labelling
// attribute may hold literal text. Brand and symbols are allowed.
func TestTemplatesHaveNoUntranslatedText(t *testing.T) {
	actions := regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	comments := regexp.MustCompile(`(?s)<!--.*?-->`)
	tags := regexp.MustCompile(`(?s)<[^>]*>`)
	entities := regexp.MustCompile(`&[a-z#0-9]+;`)
	letters := regexp.MustCompile(`\pL{2,}`)
	attrs := regexp.MustCompile(`(?i)\b(aria-label|title|placeholder|alt)="([^"]*)"`)
	files, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates: %v", err)
	}
	for _, f := range files {
		b, _ := templateFiles.ReadFile(f)
		src := string(b)
		for _, m := range attrs.FindAllStringSubmatch(src, -1) {
			if letters.MatchString(actions.ReplaceAllString(m[2], "")) {
				t.Errorf("%s: attribute %s holds literal text %q", f, m[1], m[2])
			}
		}
		text := actions.ReplaceAllString(src, " ")
		text = comments.ReplaceAllString(text, " ")
		text = tags.ReplaceAllString(text, " ")
		text = entities.ReplaceAllString(text, " ")
		for _, w := range letters.FindAllString(text, -1) {
			if w == "WIB" {
				continue
			}
			t.Errorf("%s: untranslated text %q", f, w)
		}
	}
}

// Every catalog key a template names literally exists in both languages.
func TestTemplateKeysExist(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	key := regexp.MustCompile(`\.(?:T|N) "([a-z_.]+)"`)
	files, _ := fs.Glob(templateFiles, "templates/*.html")
	for _, f := range files {
		b, _ := templateFiles.ReadFile(f)
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			k := m[1]
			for _, l := range i18n.Langs {
				if !cat.Has(l, k) && !cat.Has(l, k+".other") {
					t.Errorf("%s: key %q missing in %s", f, k, l)
				}
			}
		}
	}
}

// Every key the Go code of the domain and web layers names must exist too.
func TestCodeKeysExist(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`"((?:error|field|login|region|unit|user|token|units|users|audit|account|home|regions)\.[a-z_.]+)"`)
	for _, dir := range []string{".", "../access", "../unit", "../audit", "../apperr"} {
		matches, _ := fs.Glob(dirFS(dir), "*.go")
		for _, name := range matches {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			b, _ := fs.ReadFile(dirFS(dir), name)
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				k := m[1]
				if strings.HasSuffix(k, ".") || k == "units.read" || k == "units.manage" || k == "users.manage" || k == "audit.read" {
					continue // permission names and key prefixes, not messages
				}
				for _, l := range i18n.Langs {
					if !cat.Has(l, k) {
						t.Errorf("%s/%s: key %q missing in %s", dir, name, k, l)
					}
				}
			}
		}
	}
}

// Keys built at run time ("role." + role, …) exist for every value.
func TestDynamicKeysExist(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range access.Roles {
		keys = append(keys, "role."+string(r))
	}
	for _, u := range unit.Types {
		keys = append(keys, "unit.type."+string(u))
	}
	for _, a := range auditActions {
		keys = append(keys, "audit.action."+a)
	}
	for _, e := range auditEntities {
		keys = append(keys, "audit.entity."+e)
	}
	for _, l := range levelKeys {
		keys = append(keys, l)
	}
	for _, f := range []string{"username", "full_name", "role", "region", "unit_id", "type", "name", "address", "phone", "coverage", "version", "current_password", "new_password"} {
		keys = append(keys, "field."+f)
	}
	for _, k := range keys {
		for _, l := range i18n.Langs {
			if !cat.Has(l, k) {
				t.Errorf("key %q missing in %s", k, l)
			}
		}
	}
}

func TestNum(t *testing.T) {
	id, en := &Base{Lang: i18n.ID}, &Base{Lang: i18n.EN}
	for _, tt := range []struct {
		n      int
		id, en string
	}{{0, "0", "0"}, {38, "38", "38"}, {514, "514", "514"}, {7285, "7.285", "7,285"}, {83762, "83.762", "83,762"},
		{1234567, "1.234.567", "1,234,567"}, {-1000, "-1.000", "-1,000"}} {
		if got := id.Num(tt.n); got != tt.id {
			t.Errorf("id Num(%d) = %q, want %q", tt.n, got, tt.id)
		}
		if got := en.Num(tt.n); got != tt.en {
			t.Errorf("en Num(%d) = %q, want %q", tt.n, got, tt.en)
		}
	}
}

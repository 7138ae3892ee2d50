// Package i18n translates layan's interface. Bahasa Indonesia is the first
// language and English the second; every user-visible string has a flat,
// dotted key in both catalogs (a test fails when one lacks a key).
//
// Messages use fmt verbs for their arguments. A key may have plural forms as
// "key.one" and "key.other"; Indonesian needs only "other".
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Lang is a supported language.
type Lang string

const (
	ID Lang = "id" // Bahasa Indonesia, the default
	EN Lang = "en"
)

// Langs lists the supported languages, the default first.
var Langs = []Lang{ID, EN}

// Parse returns the language named by s, or ID when s names none.
func Parse(s string) Lang {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) >= 2 && Lang(s[:2]) == EN {
		return EN
	}
	return ID
}

//go:embed locales/*/*.json
var files embed.FS

// Catalog holds the messages of every language.
type Catalog struct {
	msgs map[Lang]map[string]string
}

// Load reads the embedded catalogs: one folder per language, any number of
// JSON files of flat key → message per folder (one per capability), so that
// capabilities add messages without touching each other's files.
func Load() (*Catalog, error) {
	c := &Catalog{msgs: map[Lang]map[string]string{}}
	for _, l := range Langs {
		m := map[string]string{}
		names, err := fs.Glob(files, path.Join("locales", string(l), "*.json"))
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			b, err := files.ReadFile(name)
			if err != nil {
				return nil, err
			}
			var part map[string]string
			if err := json.Unmarshal(b, &part); err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", name, err)
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					return nil, fmt.Errorf("i18n: %s: key %q defined twice", name, k)
				}
				m[k] = v
			}
		}
		c.msgs[l] = m
	}
	return c, nil
}

// T translates key into lang with args. A missing key shows the key itself,
// so that a gap is visible, never a blank.
func (c *Catalog) T(lang Lang, key string, args ...any) string {
	m, ok := c.msgs[lang][key]
	if !ok {
		if m, ok = c.msgs[ID][key]; !ok {
			return key
		}
	}
	if len(args) == 0 {
		return m
	}
	return fmt.Sprintf(m, args...)
}

// N translates a message with a count, choosing the plural form.
func (c *Catalog) N(lang Lang, key string, n int, args ...any) string {
	form := ".other"
	if n == 1 {
		if _, ok := c.msgs[lang][key+".one"]; ok {
			form = ".one"
		}
	}
	return c.T(lang, key+form, append([]any{n}, args...)...)
}

// Has reports whether lang defines key.
func (c *Catalog) Has(lang Lang, key string) bool {
	_, ok := c.msgs[lang][key]
	return ok
}

// Keys returns the sorted keys of lang.
func (c *Catalog) Keys(lang Lang) []string {
	out := make([]string, 0, len(c.msgs[lang]))
	for k := range c.msgs[lang] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

package web_test

import (
	"bytes"
	"encoding/json"
	"mime"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/registry"
	"github.com/layan-id/layan/internal/unit"
	"github.com/layan-id/layan/internal/web"
)

// jsonType matches the media types DecodeJSON may accept: application/json
// and any type/subtype+json (RFC 6839).
var jsonType = regexp.MustCompile(`^(application/json|[^/]+/[^/]+\+json)$`)

// FuzzDecodeJSON holds DecodeJSON to its promise for any content type and
// body, decoded into the real input types of the API: it never panics, and
// it either accepts exactly one well-formed JSON value or answers a
// BadRequest *apperr.Error — never an internal error, which would be a 500.
// The committed corpus is in testdata/fuzz/FuzzDecodeJSON.
func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []struct{ ct, body string }{
		{"application/json", `{"type":"lks","name":"LKS Uji","region":"33.73","coverage":["33"],"version":1}`},
		{"application/json; charset=utf-8", `{"username":"uji.a","full_name":"Uji","role":"worker","unit_id":3}`},
		{"application/problem+json", `{"active":true}`},
		{"text/plain", `{}`},
		{"", `{}`},
		{"application/json", `{"name":123}`},
		{"application/json", `{"unit_id":1e400}`},
		{"application/json", `{"coverage":[1]}`},
		{"application/json", `{"colour":"red"}`},
		{"application/json", `{} {}`},
		{"application/json", `{} ]`},
		{"application/json", `[]`},
		{"application/json", `null`},
		{"application/json", ``},
		{"application/json", `{"name":"` + "\xff" + `"}`},
		{"application/json", `{"name":"\ud800"}`},
		{"application/json", `{"Name":"x","NAME":"y"}`},
		{"application/json", `{"name":"a\u0000b"}`},
		{"application/json", `{"name":"a\\u0000b"}`},
		{"application/json", `{"nik":"3373045205900001","name":"Siti","sex":"P","birth_date":"1990-05-12","village":"33.73.04.1001","categories":["fakir_miskin"]}`},
		{"application/json", `{"nik":3373045205900001,"categories":"fakir_miskin","confirm_duplicate":"yes"}`},
		{"application/json", `{"birth_year":1e9,"aliases":[null]}`},
	} {
		f.Add(seed.ct, []byte(seed.body))
	}
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		for _, v := range []any{new(unit.Input), new(access.UserInput), new(registry.Input)} {
			err := web.DecodeJSON(contentType, body, v)
			if err == nil {
				// Accepted: one valid JSON value in valid UTF-8, nothing else.
				if !utf8.Valid(body) || !json.Valid(body) {
					t.Fatalf("DecodeJSON(%q, %q) accepted a body that is not one JSON value", contentType, body)
				}
				if mt, _, err := mime.ParseMediaType(contentType); err != nil || !jsonType.MatchString(mt) {
					t.Fatalf("DecodeJSON accepted content type %q", contentType)
				}
				if holdsNUL(body) {
					t.Fatalf("DecodeJSON(%q) accepted a NUL character, which PostgreSQL cannot store", body)
				}
				continue
			}
			ae := apperr.As(err)
			if ae == nil {
				t.Fatalf("DecodeJSON(%q, %q) = %T %v, want *apperr.Error", contentType, body, err, err)
			}
			if ae.Kind != apperr.BadRequest {
				t.Fatalf("DecodeJSON(%q, %q): kind %d (%v), want BadRequest", contentType, body, ae.Kind, ae)
			}
			for _, fe := range ae.Fields {
				if fe.Field == "" || fe.Key == "" {
					t.Fatalf("DecodeJSON(%q, %q): field error without field or message: %+v", contentType, body, fe)
				}
			}
		}
	})
}

// holdsNUL reports whether any key or string of a JSON document holds NUL.
func holdsNUL(body []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		if s, ok := tok.(string); ok && strings.ContainsRune(s, 0) {
			return true
		}
	}
}

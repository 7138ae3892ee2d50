package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/guard"
	"github.com/layan-id/layan/internal/i18n"
)

// A refused public submission answers 429 with Retry-After in seconds and
// the minutes in plain words, on a page and in problem+json.
func TestRefuseFlood(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	p, err := loadPages()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{cat: cat, pages: p, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, path := range []string{"/skm/u1", "/api/v1/public/skm/u1"} {
		w := httptest.NewRecorder()
		s.refuseFlood(w, httptest.NewRequest("POST", path, nil), 9*time.Minute+30*time.Second)
		if w.Code != 429 || w.Header().Get("Retry-After") != "570" {
			t.Fatalf("%s: status %d, Retry-After %q; want 429, 570", path, w.Code, w.Header().Get("Retry-After"))
		}
		body := w.Body.String()
		if strings.HasPrefix(path, "/api/") {
			var pr Problem
			if err := json.Unmarshal(w.Body.Bytes(), &pr); err != nil || pr.Status != 429 {
				t.Fatalf("problem %s: %v", body, err)
			}
			body = pr.Detail
		}
		if !strings.Contains(body, "coba lagi dalam 10 menit") {
			t.Errorf("%s: message does not say 10 minutes: %s", path, body)
		}
	}
}

// The honeypot partial renders the field guard.Honeypot checks, hidden from
// eyes, screen readers and the keyboard, with a label.
func TestHoneypotPartial(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	p, err := loadPages()
	if err != nil {
		t.Fatal(err)
	}
	for name, set := range p.sets {
		var buf bytes.Buffer
		if err := set.ExecuteTemplate(&buf, "honeypot", &Base{Lang: i18n.ID, cat: cat}); err != nil {
			t.Fatalf("page %s: %v", name, err)
		}
		out := buf.String()
		for _, want := range []string{`class="hp-field" aria-hidden="true"`, `name="` + guard.HoneypotField + `"`,
			`tabindex="-1"`, `autocomplete="off"`, `<label for="situs_web">Jangan isi kolom ini`} {
			if !strings.Contains(out, want) {
				t.Errorf("honeypot partial lacks %q:\n%s", want, out)
			}
		}
		break // every set shares partials.html
	}
}

// The server builds its guard on its own database: a form's limit holds
// through s.guard on either engine.
func TestServerGuard(t *testing.T) {
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			d := dbtest.Open(t, engine)
			cat, err := i18n.Load()
			if err != nil {
				t.Fatal(err)
			}
			s, err := New(Config{}, d, nil, cat, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				t.Fatal(err)
			}
			if s.guard == nil || s.guard.DB != d {
				t.Fatal("server has no guard on its database")
			}
			l := guard.Limit{Form: "test", PerDevice: 1, PerIP: 10, Window: time.Minute}
			r := httptest.NewRequest("POST", "/skm/u1", nil)
			for i, want := range []bool{true, false} {
				ok, _, err := s.guard.Allow(context.Background(), l, "0123456789abcdef0123456789abcdef", s.clientIP(r))
				if err != nil || ok != want {
					t.Fatalf("submission %d: %v %v, want %v", i+1, ok, err, want)
				}
			}
		})
	}
}

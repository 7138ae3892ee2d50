package guard_test

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/guard"
)

// clock is a settable time for the guard under test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

const (
	devA = "0123456789abcdef0123456789abcdef"
	devB = "fedcba9876543210fedcba9876543210"
)

func rows(t *testing.T, d *db.DB, form string) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), "SELECT COUNT(*) FROM public_submission WHERE form = ?", form).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAllow(t *testing.T) {
	ctx := context.Background()
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			d := dbtest.Open(t, engine)
			clk := &clock{t: time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)}
			g := &guard.Guard{DB: d, Now: clk.now}
			l := guard.Limit{Form: "skm", PerDevice: 3, PerIP: 5, Window: time.Hour}

			allow := func(dev, ip string) (bool, time.Duration) {
				t.Helper()
				ok, wait, err := g.Allow(ctx, l, dev, ip)
				if err != nil {
					t.Fatal(err)
				}
				return ok, wait
			}

			t.Run("per device", func(t *testing.T) {
				for i := range 3 {
					if ok, _ := allow(devA, "10.0.0.1"); !ok {
						t.Fatalf("submission %d of device A refused", i+1)
					}
					clk.add(time.Minute)
				}
				// The fourth within the hour is refused; the first leaves the
				// window at 10:00, 57 minutes from 09:03.
				ok, wait := allow(devA, "10.0.0.2")
				if ok || wait != 57*time.Minute {
					t.Fatalf("4th of device A: ok %v, wait %v; want refused, 57m", ok, wait)
				}
				if n := rows(t, d, "skm"); n != 3 {
					t.Errorf("a refused submission was recorded: %d rows", n)
				}
				// Another device from the same address may still send.
				if ok, _ := allow(devB, "10.0.0.1"); !ok {
					t.Error("device B refused for device A's count")
				}
				// Another form is counted apart.
				other := l
				other.Form = "pengaduan"
				if ok, _, err := g.Allow(ctx, other, devA, "10.0.0.1"); err != nil || !ok {
					t.Errorf("another form refused: %v %v", ok, err)
				}
			})

			t.Run("window expiry", func(t *testing.T) {
				clk.add(56 * time.Minute) // 09:59: the first is still in the window
				if ok, wait := allow(devA, "10.0.0.3"); ok || wait != time.Minute {
					t.Fatalf("at 09:59: ok %v wait %v, want refused, 1m", ok, wait)
				}
				clk.add(time.Minute) // 10:00: exactly an hour after the first
				if ok, _ := allow(devA, "10.0.0.3"); !ok {
					t.Fatal("at 10:00 the first submission left the window, yet refused")
				}
				if ok, _ := allow(devA, "10.0.0.3"); ok {
					t.Fatal("device A full again, yet allowed")
				}
			})

			t.Run("per address", func(t *testing.T) {
				clk.add(2 * time.Hour) // every earlier submission out of the window
				// Without cookies only the address counts.
				for i := range 5 {
					if ok, _ := allow("", "10.0.0.9"); !ok {
						t.Fatalf("submission %d without cookie refused", i+1)
					}
				}
				if ok, wait := allow("", "10.0.0.9"); ok || wait != time.Hour {
					t.Fatalf("6th from one address: ok %v wait %v, want refused, 1h", ok, wait)
				}
				// A fresh device id does not get round the address's count.
				if ok, _ := allow(devB, "10.0.0.9"); ok {
					t.Fatal("new device at a full address allowed")
				}
				// A forged, malformed id counts as no cookie.
				if ok, _ := allow("'; DROP TABLE x; --", "10.0.0.10"); !ok {
					t.Fatal("malformed device id at a fresh address refused")
				}
				var dev string
				if err := d.QueryRow(ctx, "SELECT device FROM public_submission WHERE ip = ?", "10.0.0.10").Scan(&dev); err != nil || dev != "" {
					t.Errorf("malformed id stored as %q (%v), want \"\"", dev, err)
				}
				// A handler's own id (a kiosk tablet) is counted as a device.
				kiosk := l
				kiosk.Form, kiosk.PerDevice = "skm-kiosk", 1
				if ok, _, err := g.Allow(ctx, kiosk, "kiosk-7", "10.0.0.11"); err != nil || !ok {
					t.Fatalf("kiosk's first: %v %v", ok, err)
				}
				if ok, _, _ := g.Allow(ctx, kiosk, "kiosk-7", "10.0.0.12"); ok {
					t.Error("kiosk-7 over its limit allowed")
				}
				if ok, _, _ := g.Allow(ctx, kiosk, "kiosk-8", "10.0.0.12"); !ok {
					t.Error("kiosk-8 refused for kiosk-7's count")
				}
			})

			t.Run("prune", func(t *testing.T) {
				clk.add(3 * time.Hour)
				if ok, _ := allow(devA, "10.0.0.1"); !ok {
					t.Fatal("refused after three hours")
				}
				if n := rows(t, d, "skm"); n != 1 {
					t.Errorf("old rows not pruned: %d rows of skm, want 1", n)
				}
			})

			t.Run("bad limit", func(t *testing.T) {
				for _, bad := range []guard.Limit{{PerDevice: 1, Window: time.Hour}, {Form: "x", PerDevice: 1}} {
					if _, _, err := g.Allow(ctx, bad, devA, "10.0.0.1"); err == nil {
						t.Errorf("%+v: no error", bad)
					}
				}
			})
		})
	}
}

// TestAllowConcurrent sends many submissions of one device at once: no more
// than the limit may get through, on either engine.
func TestAllowConcurrent(t *testing.T) {
	ctx := context.Background()
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			d := dbtest.Open(t, engine)
			g := &guard.Guard{DB: d}
			l := guard.Limit{Form: "skm", PerDevice: 5, PerIP: 1000, Window: time.Hour}
			const tries = 24
			var wg sync.WaitGroup
			var mu sync.Mutex
			allowed := 0
			errs := make(chan error, tries)
			for i := range tries {
				wg.Add(1)
				go func() {
					defer wg.Done()
					// Different addresses: only the device lock holds them.
					ok, _, err := g.Allow(ctx, l, devA, "10.1.0."+string(rune('a'+i)))
					if err != nil {
						errs <- err
						return
					}
					if ok {
						mu.Lock()
						allowed++
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			if allowed != l.PerDevice {
				t.Errorf("%d of %d concurrent submissions allowed, want exactly %d", allowed, tries, l.PerDevice)
			}
			if n := rows(t, d, "skm"); n != l.PerDevice {
				t.Errorf("%d rows stored, want %d", n, l.PerDevice)
			}
		})
	}
}

func TestHoneypot(t *testing.T) {
	for _, c := range []struct {
		form url.Values
		bot  bool
	}{
		{url.Values{}, false},
		{url.Values{guard.HoneypotField: {""}}, false},
		{url.Values{guard.HoneypotField: {"  "}}, false},
		{url.Values{guard.HoneypotField: {"http://spam.example"}}, true},
		{url.Values{"nama": {"Sumarni"}}, false},
	} {
		if got := guard.Honeypot(c.form); got != c.bot {
			t.Errorf("Honeypot(%v) = %v, want %v", c.form, got, c.bot)
		}
	}
}

func TestDeviceCookie(t *testing.T) {
	// A browser without the cookie gets one, well formed, with the flags.
	r := httptest.NewRequest("GET", "/skm/abc", nil)
	if guard.DeviceID(r) != "" {
		t.Fatal("DeviceID without cookie not empty")
	}
	w := httptest.NewRecorder()
	id := guard.SetDeviceCookie(w, r)
	cs := w.Result().Cookies()
	if len(cs) != 1 || cs[0].Name != guard.DeviceCookie || cs[0].Value != id {
		t.Fatalf("cookies %v, id %q", cs, id)
	}
	c := cs[0]
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure || c.Path != "/" || c.MaxAge <= 0 {
		t.Errorf("cookie flags: %+v", c)
	}
	if len(id) != 32 || strings.Trim(id, "0123456789abcdef") != "" {
		t.Errorf("id %q is not 32 lowercase hex digits", id)
	}
	// The browser brings it back: the same id, no new cookie.
	r2 := httptest.NewRequest("POST", "/skm/abc", nil)
	r2.AddCookie(c)
	if got := guard.DeviceID(r2); got != id {
		t.Errorf("DeviceID = %q, want %q", got, id)
	}
	w2 := httptest.NewRecorder()
	if got := guard.SetDeviceCookie(w2, r2); got != id || len(w2.Result().Cookies()) != 0 {
		t.Errorf("second SetDeviceCookie: %q, cookies %v", got, w2.Result().Cookies())
	}
	// Two browsers get different ids.
	if other := guard.SetDeviceCookie(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil)); other == id {
		t.Error("two new ids are equal")
	}
	// Over TLS the cookie is Secure.
	rt := httptest.NewRequest("GET", "/skm/abc", nil)
	rt.TLS = &tls.ConnectionState{}
	wt := httptest.NewRecorder()
	guard.SetDeviceCookie(wt, rt)
	if cs := wt.Result().Cookies(); len(cs) != 1 || !cs[0].Secure {
		t.Errorf("cookie over TLS not Secure: %v", cs)
	}
	// Malformed values are no id, and get replaced.
	for _, bad := range []string{"abc", strings.Repeat("A", 32), strings.Repeat("g", 32), strings.Repeat("0", 33)} {
		rb := httptest.NewRequest("GET", "/", nil)
		rb.AddCookie(&http.Cookie{Name: guard.DeviceCookie, Value: bad})
		if got := guard.DeviceID(rb); got != "" {
			t.Errorf("DeviceID(%q) = %q, want \"\"", bad, got)
		}
		wb := httptest.NewRecorder()
		if got := guard.SetDeviceCookie(wb, rb); got == bad || len(wb.Result().Cookies()) != 1 {
			t.Errorf("malformed %q not replaced", bad)
		}
	}
}

func TestRetry(t *testing.T) {
	for _, c := range []struct {
		d          time.Duration
		mins, secs int
	}{
		{0, 1, 1},
		{500 * time.Millisecond, 1, 1},
		{time.Second, 1, 1},
		{59 * time.Second, 1, 59},
		{time.Minute, 1, 60},
		{61 * time.Second, 2, 61},
		{57 * time.Minute, 57, 3420},
	} {
		if m := guard.RetryMinutes(c.d); m != c.mins {
			t.Errorf("RetryMinutes(%v) = %d, want %d", c.d, m, c.mins)
		}
		if s := guard.RetryAfterSeconds(c.d); s != c.secs {
			t.Errorf("RetryAfterSeconds(%v) = %d, want %d", c.d, s, c.secs)
		}
	}
}

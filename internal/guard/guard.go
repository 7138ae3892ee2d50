// Package guard holds off floods on the forms anyone may send without an
// account: the satisfaction survey (SKM, PermenPANRB 14/2017) and the
// complaint form. Its respondents are elderly people, people with
// disabilities, people with little schooling, so there is no captcha
// service; instead
//
//   - Allow counts recent submissions of a form per device (a random id kept
//     in a cookie) and per address, in the database, so that every
//     instance behind a load balancer counts together;
//   - Honeypot spots the bots that fill every field, including one that
//     people never see.
//
// Nothing here keeps what was sent: a counted submission is a form name, a
// device id, an address and a time, deleted once it is out of every window,
// so the answers stay anonymous.
package guard

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/layan-id/layan/internal/db"
)

// Limit says how many submissions of one public form a device and an address
// may make in a window. A PerDevice or PerIP of 0 or less leaves that count
// out. One address may stand for many people (a village office's Wi-Fi, a
// mobile operator's NAT), so PerIP is set well above PerDevice; a kiosk
// tablet at the front desk is one device that many respondents use and
// needs a higher PerDevice (and an id of its own, see Allow). One form has
// one Window: a form's rows older than it are deleted.
type Limit struct {
	Form      string
	PerDevice int
	PerIP     int
	Window    time.Duration
}

// Guard counts public submissions in the database.
type Guard struct {
	DB  *db.DB
	Now func() time.Time // nil: time.Now

	mu     sync.Mutex
	pruned map[string]time.Time // per form, when its old rows were last deleted
}

// pruneEvery is how often one instance deletes a form's old rows: often
// enough that the table stays small, seldom enough that a flood of
// submissions is not also a flood of deletes.
const pruneEvery = time.Minute

func (g *Guard) now() time.Time {
	t := time.Now()
	if g.Now != nil {
		t = g.Now()
	}
	// As db.Now: UTC to the microsecond, the same on both engines.
	return t.UTC().Truncate(time.Microsecond)
}

// ErrLimit is returned for a Limit that cannot count anything: a programming
// error, not the visitor's.
var ErrLimit = errors.New("guard: a limit needs a form name and a positive window")

// Allow counts a submission of l.Form from device (a random id from the
// public form's cookie; "" when the browser keeps no cookies) and ip, and
// records it when allowed, in one transaction; when refused, retryAfter says
// when to try again (at least a second).
//
// device is normally DeviceID(r), which refuses a forged cookie; a handler
// may also pass an id of its own making, such as "kiosk-7" for a front-desk
// tablet that has a Limit of its own. An id that is not up to 64 of the
// characters a-z, 0-9 and "-" counts as "". Without a device id only the
// address is counted, since all browsers without cookies would otherwise
// share one count.
func (g *Guard) Allow(ctx context.Context, l Limit, device, ip string) (ok bool, retryAfter time.Duration, err error) {
	if l.Form == "" || l.Window <= 0 {
		return false, 0, ErrLimit
	}
	if !validDevice(device) {
		device = ""
	}
	// An address is at most 45 characters of ASCII; what a misconfigured
	// proxy header brings beyond that is cut, so that it cannot fail the
	// insert (PostgreSQL refuses bytes that are not UTF-8).
	if len(ip) > 64 {
		ip = ip[:64]
	}
	ip = strings.ToValidUTF8(strings.ReplaceAll(ip, "\x00", ""), "?")
	now := g.now()
	since := now.Add(-l.Window)
	err = g.DB.InTx(ctx, func(tx *db.Tx) error {
		ok, retryAfter = false, 0
		if tx.Dialect() == db.Postgres {
			// Count-then-insert is a race under READ COMMITTED: two requests
			// of one device could both count 4 of 5 and both insert. A
			// transaction-level advisory lock per device and per address
			// makes them take turns; it is released at commit. The first
			// key names the class (1 device, 2 address), so a device id and
			// an address never share a lock, and the locks are always taken
			// device first, so two transactions never wait on each other in
			// a circle. (SQLite needs none of this: InTx begins IMMEDIATE,
			// one writer at a time.)
			if device != "" && l.PerDevice > 0 {
				if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(1, hashtext(?))", l.Form+" "+device); err != nil {
					return err
				}
			}
			if l.PerIP > 0 {
				if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(2, hashtext(?))", l.Form+" "+ip); err != nil {
					return err
				}
			}
		}
		checks := []struct {
			col, val string
			max      int
		}{{"device", device, l.PerDevice}, {"ip", ip, l.PerIP}}
		for _, c := range checks {
			if c.max <= 0 || (c.col == "device" && c.val == "") {
				continue
			}
			wait, err := full(ctx, tx, c.col, l.Form, c.val, c.max, since, l.Window, now)
			if err != nil {
				return err
			}
			if wait > retryAfter {
				retryAfter = wait
			}
		}
		if retryAfter > 0 {
			return nil
		}
		_, err := tx.Exec(ctx, "INSERT INTO public_submission (form, device, ip, at) VALUES (?, ?, ?, ?)",
			l.Form, device, ip, now)
		if err != nil {
			return err
		}
		ok = true
		return nil
	})
	if err != nil {
		return false, 0, fmt.Errorf("guard: %w", err)
	}
	g.prune(ctx, l.Form, since, now)
	return ok, retryAfter, nil
}

// full reports how long until a slot frees up when the form's submissions by
// col = val within the window have reached max, or 0 when one is free.
func full(ctx context.Context, tx *db.Tx, col, form, val string, max int, since time.Time, window time.Duration, now time.Time) (time.Duration, error) {
	var n int
	err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM public_submission WHERE form = ? AND "+col+" = ? AND at > ?",
		form, val, since).Scan(&n)
	if err != nil {
		return 0, db.Err(err)
	}
	if n < max {
		return 0, nil
	}
	// A slot frees up when enough of the oldest leave the window that fewer
	// than max remain: when the (n-max+1)-th oldest does. (Selected as a
	// column, not MIN(), so SQLite keeps its type.)
	var at time.Time
	err = tx.QueryRow(ctx, "SELECT at FROM public_submission WHERE form = ? AND "+col+" = ? AND at > ? ORDER BY at LIMIT 1 OFFSET ?",
		form, val, since, n-max).Scan(&at)
	if err != nil {
		return 0, db.Err(err)
	}
	wait := at.Add(window).Sub(now)
	if wait < time.Second {
		wait = time.Second
	}
	return wait, nil
}

// prune deletes a form's rows that have left its window, at most once a
// minute per instance and outside Allow's transaction, so that deleting
// never holds up counting. A failure is not the visitor's problem: the next
// prune deletes them.
func (g *Guard) prune(ctx context.Context, form string, before, now time.Time) {
	g.mu.Lock()
	if g.pruned == nil {
		g.pruned = map[string]time.Time{}
	}
	last, seen := g.pruned[form]
	due := !seen || now.Sub(last) >= pruneEvery || now.Before(last)
	if due {
		g.pruned[form] = now
	}
	g.mu.Unlock()
	if due {
		g.DB.Exec(ctx, "DELETE FROM public_submission WHERE form = ? AND at <= ?", form, before)
	}
}

// RetryMinutes is retryAfter in whole minutes, rounded up and at least 1, for
// the message "coba lagi dalam N menit" (i18n key guard.too_many).
func RetryMinutes(retryAfter time.Duration) int {
	m := int((retryAfter + time.Minute - 1) / time.Minute)
	if m < 1 {
		m = 1
	}
	return m
}

// RetryAfterSeconds is retryAfter as the Retry-After header's whole seconds,
// rounded up and at least 1 (RFC 9110 §10.2.3).
func RetryAfterSeconds(retryAfter time.Duration) int {
	s := int((retryAfter + time.Second - 1) / time.Second)
	if s < 1 {
		s = 1
	}
	return s
}

// HoneypotField is a hidden field real people leave empty: the template
// partial "honeypot" renders it out of sight and out of the screen reader's
// and the keyboard's way, and bots that fill every field fill it too.
const HoneypotField = "situs_web"

// Honeypot reports whether form's HoneypotField is filled: a bot. The
// handler then answers as if the submission were accepted, so the bot
// learns nothing, and stores nothing.
func Honeypot(form url.Values) bool {
	return strings.TrimSpace(form.Get(HoneypotField)) != ""
}

// DeviceCookie keeps a browser's device id for the public forms. It holds a
// random number and nothing else; it is never stored with an answer.
const DeviceCookie = "layan_perangkat"

// deviceCookieAge is how long a browser keeps its id: long enough that the
// count of a device outlives every window.
const deviceCookieAge = 365 * 24 * time.Hour

// idLen is the length of a device id: 128 random bits in lowercase hex.
const idLen = 32

// DeviceID returns the device cookie's value if it is a well-formed id, else
// "".
func DeviceID(r *http.Request) string {
	c, err := r.Cookie(DeviceCookie)
	if err != nil || !validID(c.Value) {
		return ""
	}
	return c.Value
}

// SetDeviceCookie gives the browser a device id if it has none (the public
// form's GET calls it, so that the POST brings it back) and returns the id.
// HttpOnly: no script needs it; SameSite=Lax: other sites' forms do not send
// it; Secure when the request came over TLS.
func SetDeviceCookie(w http.ResponseWriter, r *http.Request) string {
	if id := DeviceID(r); id != "" {
		return id
	}
	id := newID()
	http.SetCookie(w, &http.Cookie{
		Name:     DeviceCookie,
		Value:    id,
		Path:     "/",
		MaxAge:   int(deviceCookieAge / time.Second),
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		Secure:   r.TLS != nil,
	})
	return id
}

func newID() string {
	b := make([]byte, idLen/2)
	rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return hex.EncodeToString(b)
}

// validDevice reports whether s may be counted as a device: what DeviceID
// gives, or an id a handler made, such as "kiosk-7".
func validDevice(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'z') && c != '-' {
			return false
		}
	}
	return true
}

// validID reports whether s is a device id as newID makes them.
func validID(s string) bool {
	if len(s) != idLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

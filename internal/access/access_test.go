package access_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/unit"
	"github.com/layan-id/layan/internal/wilayah"
)

// Store tests run on both engines, each on a fresh database.

var ctx = context.Background()

var system = audit.System("test")

// world is a fresh database with two units: Dinas Sosial Kota Salatiga
// (Jawa Tengah) and Dinas Sosial Kota Makassar (Sulawesi Selatan).
type world struct {
	d                  *db.DB
	salatiga, makassar int64
}

func open(t *testing.T, engine string) world {
	t.Helper()
	d := dbtest.Open(t, engine)
	ix, err := dbtest.Regions()
	if err != nil {
		t.Fatal(err)
	}
	w := world{d: d}
	for _, u := range []struct {
		id     *int64
		name   string
		region wilayah.Code
	}{{&w.salatiga, "Dinas Sosial Kota Salatiga", "33.73"}, {&w.makassar, "Dinas Sosial Kota Makassar", "73.71"}} {
		made, err := unit.Create(ctx, d, ix, system, access.Scope{All: true}, unit.Input{Type: unit.DinsosKabKota, Name: u.name, Region: u.region})
		if err != nil {
			t.Fatal(err)
		}
		*u.id = made.ID
	}
	return w
}

func forEngines(t *testing.T, f func(t *testing.T, w world)) {
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) { f(t, open(t, engine)) })
	}
}

func count(t *testing.T, q db.Q, query string, args ...any) int {
	t.Helper()
	var n int
	if err := q.QueryRow(ctx, query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func auditCount(t *testing.T, w world) int { return count(t, w.d, "SELECT COUNT(*) FROM audit_log") }

func mustCreate(t *testing.T, w world, in access.UserInput) (access.User, string) {
	t.Helper()
	u, pw, err := access.CreateUser(ctx, w.d, system, access.Scope{All: true}, in)
	if err != nil {
		t.Fatalf("create %s: %v", in.Username, err)
	}
	return u, pw
}

// fieldOf returns the first field an Invalid error names, or "".
func fieldOf(err error) string {
	if ae := apperr.As(err); ae != nil && len(ae.Fields) > 0 {
		return ae.Fields[0].Field
	}
	return ""
}

func TestStoreCreateUserValidation(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		all := access.Scope{All: true}
		sulsel := access.Scope{Region: "73"}
		for _, c := range []struct {
			name  string
			scope access.Scope
			in    access.UserInput
			kind  apperr.Kind // Internal (0) = accepted
			field string
			key   string
		}{
			{"worker in a unit", all, access.UserInput{Username: "uji.pekerja", FullName: "Uji", Role: access.Worker, UnitID: w.salatiga}, 0, "", ""},
			{"planner of a region", all, access.UserInput{Username: "uji.perencana", FullName: "Uji", Role: access.Planner, Region: "33.73"}, 0, "", ""},
			{"national without scope", all, access.UserInput{Username: "uji.nasional", FullName: "Uji", Role: access.National}, 0, "", ""},
			{"admin of everything", all, access.UserInput{Username: "uji.admin", FullName: "Uji", Role: access.Admin}, 0, "", ""},
			{"username upper case and spaces", all, access.UserInput{Username: "  Uji.Besar ", FullName: "Uji", Role: access.National}, 0, "", ""},
			{"username missing", all, access.UserInput{FullName: "Uji", Role: access.National}, apperr.Invalid, "username", "field.required"},
			{"username too short", all, access.UserInput{Username: "ab", FullName: "Uji", Role: access.National}, apperr.Invalid, "username", "user.username_format"},
			{"username with a space", all, access.UserInput{Username: "uji satu", FullName: "Uji", Role: access.National}, apperr.Invalid, "username", "user.username_format"},
			{"username starting with a dot", all, access.UserInput{Username: ".uji", FullName: "Uji", Role: access.National}, apperr.Invalid, "username", "user.username_format"},
			{"username too long", all, access.UserInput{Username: strings.Repeat("u", 41), FullName: "Uji", Role: access.National}, apperr.Invalid, "username", "user.username_format"},
			{"full name missing", all, access.UserInput{Username: "uji.a", FullName: "  ", Role: access.National}, apperr.Invalid, "full_name", "field.required"},
			{"full name too long", all, access.UserInput{Username: "uji.a", FullName: strings.Repeat("é", access.MaxNameLen+1), Role: access.National}, apperr.Invalid, "full_name", "field.too_long"},
			{"full name invalid UTF-8", all, access.UserInput{Username: "uji.a", FullName: "Uji \xff", Role: access.National}, apperr.Invalid, "full_name", "field.utf8"},
			{"full name with NUL", all, access.UserInput{Username: "uji.a", FullName: "Uji\x00", Role: access.National}, apperr.Invalid, "full_name", "field.utf8"},
			{"unknown role", all, access.UserInput{Username: "uji.a", FullName: "Uji", Role: "boss"}, apperr.Invalid, "role", "user.role_unknown"},
			{"worker without unit", all, access.UserInput{Username: "uji.a", FullName: "Uji", Role: access.Worker, Region: "33.73"}, apperr.Invalid, "unit_id", "user.unit_required"},
			{"supervisor without unit", all, access.UserInput{Username: "uji.a", FullName: "Uji", Role: access.Supervisor}, apperr.Invalid, "unit_id", "user.unit_required"},
			{"planner without region", all, access.UserInput{Username: "uji.a", FullName: "Uji", Role: access.Planner, UnitID: w.salatiga}, apperr.Invalid, "region", "user.region_required"},
			{"verifier without region", all, access.UserInput{Username: "uji.a", FullName: "Uji", Role: access.Verifier}, apperr.Invalid, "region", "user.region_required"},
			{"national with a region", all, access.UserInput{Username: "uji.a", FullName: "Uji", Role: access.National, Region: "33"}, apperr.Invalid, "role", "user.national_no_scope"},
			{"national with a unit", all, access.UserInput{Username: "uji.a", FullName: "Uji", Role: access.National, UnitID: w.salatiga}, apperr.Invalid, "role", "user.national_no_scope"},
			{"unknown region", all, access.UserInput{Username: "uji.a", FullName: "Uji", Role: access.Planner, Region: "99.99"}, apperr.Invalid, "region", "region.unknown"},
			{"malformed region", all, access.UserInput{Username: "uji.a", FullName: "Uji", Role: access.Planner, Region: "33-73"}, apperr.Invalid, "region", "region.unknown"},
			{"unknown unit", all, access.UserInput{Username: "uji.a", FullName: "Uji", Role: access.Worker, UnitID: 999999}, apperr.Invalid, "unit_id", "unit.unknown"},
			{"duplicate username", all, access.UserInput{Username: "UJI.PEKERJA", FullName: "Uji", Role: access.National}, apperr.Invalid, "username", "user.username_taken"},

			// An admin of Sulawesi Selatan places accounts only there, and
			// never makes one wider than themself.
			{"regional: worker in own region", sulsel, access.UserInput{Username: "uji.sulsel", FullName: "Uji", Role: access.Worker, UnitID: w.makassar}, 0, "", ""},
			{"regional: admin of a city inside", sulsel, access.UserInput{Username: "uji.admin.mks", FullName: "Uji", Role: access.Admin, Region: "73.71"}, 0, "", ""},
			{"regional: worker in Salatiga", sulsel, access.UserInput{Username: "uji.b", FullName: "Uji", Role: access.Worker, UnitID: w.salatiga}, apperr.Forbidden, "", ""},
			{"regional: planner of Jawa Tengah", sulsel, access.UserInput{Username: "uji.b", FullName: "Uji", Role: access.Planner, Region: "33"}, apperr.Forbidden, "", ""},
			{"regional: Makassar unit, Jawa Tengah region", sulsel, access.UserInput{Username: "uji.b", FullName: "Uji", Role: access.Worker, UnitID: w.makassar, Region: "33"}, apperr.Forbidden, "", ""},
			{"regional: Salatiga unit, own region", sulsel, access.UserInput{Username: "uji.b", FullName: "Uji", Role: access.Worker, UnitID: w.salatiga, Region: "73"}, apperr.Forbidden, "", ""},
			{"regional: national viewer", sulsel, access.UserInput{Username: "uji.b", FullName: "Uji", Role: access.National}, apperr.Forbidden, "", ""},
			{"regional: admin of everything", sulsel, access.UserInput{Username: "uji.b", FullName: "Uji", Role: access.Admin}, apperr.Forbidden, "", ""},
			{"regional: admin of the whole province above", access.Scope{Region: "73.71"}, access.UserInput{Username: "uji.b", FullName: "Uji", Role: access.Admin, Region: "73"}, apperr.Forbidden, "", ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				before := auditCount(t, w)
				users := count(t, w.d, "SELECT COUNT(*) FROM app_user")
				u, pw, err := access.CreateUser(ctx, w.d, system, c.scope, c.in)
				if c.kind == 0 {
					if err != nil {
						t.Fatalf("CreateUser: %v", err)
					}
					if pw == "" || u.ID == 0 || u.Version != 1 || !u.Active || u.Username != strings.ToLower(strings.TrimSpace(c.in.Username)) {
						t.Errorf("created %+v with password %q", u, pw)
					}
					if got := auditCount(t, w); got != before+1 {
						t.Errorf("audit records %d → %d, want one more", before, got)
					}
					return
				}
				if k := apperr.KindOf(err); k != c.kind {
					t.Fatalf("CreateUser: %v (kind %d), want kind %d", err, k, c.kind)
				}
				if c.field != "" {
					ae := apperr.As(err)
					if fieldOf(err) != c.field || ae.Fields[0].Key != c.key {
						t.Errorf("error %v, want field %s with %s", err, c.field, c.key)
					}
				}
				if got := auditCount(t, w); got != before {
					t.Errorf("a refused create wrote an audit record")
				}
				if got := count(t, w.d, "SELECT COUNT(*) FROM app_user"); got != users {
					t.Errorf("a refused create stored an account")
				}
			})
		}
	})
}

func TestStoreUpdateUserVersion(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		u, pw := mustCreate(t, w, access.UserInput{Username: "uji.versi", FullName: "Uji Versi", Role: access.Worker, UnitID: w.salatiga})
		tok, err := access.StartSession(ctx, w.d, u.ID, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		in := access.UserInput{FullName: "Uji Versi Baru", Role: access.Worker, UnitID: w.salatiga, Version: u.Version}
		u2, err := access.UpdateUser(ctx, w.d, system, access.Scope{All: true}, u.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if u2.Version != u.Version+1 || u2.FullName != "Uji Versi Baru" {
			t.Fatalf("updated %+v", u2)
		}
		// Same role and scope: the session lives on.
		if _, err := access.SessionUser(ctx, w.d, tok); err != nil {
			t.Errorf("a change of name ended the session: %v", err)
		}

		// A second editor with the version they read earlier is refused,
		// and nothing — not even an audit record — is written.
		before := auditCount(t, w)
		in.FullName = "Suntingan Basi"
		_, err = access.UpdateUser(ctx, w.d, system, access.Scope{All: true}, u.ID, in)
		if apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("stale update: %v, want Conflict", err)
		}
		if got, _ := access.GetUser(ctx, w.d, u.ID); got.FullName != "Uji Versi Baru" || got.Version != u2.Version {
			t.Errorf("stale update changed the account: %+v", got)
		}
		if auditCount(t, w) != before {
			t.Errorf("stale update wrote an audit record")
		}

		// Outside the editor's scope the account does not exist.
		in.Version = u2.Version
		if _, err := access.UpdateUser(ctx, w.d, system, access.Scope{Region: "73"}, u.ID, in); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("update from Sulawesi Selatan: %v, want NotFound", err)
		}

		// A change of role ends the account's sessions at once.
		in = access.UserInput{FullName: "Uji Versi Baru", Role: access.Supervisor, UnitID: w.salatiga, Version: u2.Version}
		if _, err := access.UpdateUser(ctx, w.d, system, access.Scope{All: true}, u.ID, in); err != nil {
			t.Fatal(err)
		}
		if _, err := access.SessionUser(ctx, w.d, tok); apperr.KindOf(err) != apperr.Unauthorized {
			t.Errorf("session after a change of role: %v, want Unauthorized", err)
		}
		if _, err := access.Authenticate(ctx, w.d, u.Username, pw); err != nil {
			t.Errorf("the password stopped working: %v", err)
		}
	})
}

func TestStoreSetActiveEndsSessions(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		u, pw := mustCreate(t, w, access.UserInput{Username: "uji.aktif", FullName: "Uji Aktif", Role: access.Planner, Region: "33.73"})
		admin, _ := mustCreate(t, w, access.UserInput{Username: "uji.admin", FullName: "Admin", Role: access.Admin})
		sess, err := access.StartSession(ctx, w.d, u.ID, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		token, _, err := access.CreateToken(ctx, w.d, u.ID, "script")
		if err != nil {
			t.Fatal(err)
		}
		actor := audit.Actor{UserID: admin.ID, Name: admin.Username}
		if _, err := access.SetActive(ctx, w.d, actor, access.Scope{All: true}, u.ID, false, u.Version+3); apperr.KindOf(err) != apperr.Conflict {
			t.Errorf("stale deactivation: %v, want Conflict", err)
		}
		if _, err := access.SetActive(ctx, w.d, actor, access.Scope{Region: "73"}, u.ID, false, u.Version); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("deactivation from outside the scope: %v, want NotFound", err)
		}
		if _, err := access.SetActive(ctx, w.d, actor, access.Scope{All: true}, admin.ID, false, admin.Version); apperr.KindOf(err) != apperr.Invalid {
			t.Errorf("deactivating oneself: %v, want Invalid", err)
		}
		off, err := access.SetActive(ctx, w.d, actor, access.Scope{All: true}, u.ID, false, u.Version)
		if err != nil {
			t.Fatal(err)
		}
		if off.Active || off.Version != u.Version+1 {
			t.Errorf("deactivated: %+v", off)
		}
		if n := count(t, w.d, "SELECT COUNT(*) FROM user_session WHERE user_id = ?", u.ID); n != 0 {
			t.Errorf("%d sessions left after deactivation", n)
		}
		if _, err := access.SessionUser(ctx, w.d, sess); apperr.KindOf(err) != apperr.Unauthorized {
			t.Errorf("session after deactivation: %v", err)
		}
		if _, err := access.TokenUser(ctx, w.d, token); apperr.KindOf(err) != apperr.Unauthorized {
			t.Errorf("token after deactivation: %v", err)
		}
		if _, err := access.Authenticate(ctx, w.d, u.Username, pw); apperr.KindOf(err) != apperr.Unauthorized {
			t.Errorf("sign-in after deactivation: %v", err)
		}
		if _, err := access.SetActive(ctx, w.d, actor, access.Scope{All: true}, u.ID, true, off.Version); err != nil {
			t.Fatal(err)
		}
		if _, err := access.TokenUser(ctx, w.d, token); err != nil {
			t.Errorf("token after reactivation: %v", err)
		}
		var actions []string
		items, err := audit.List(ctx, w.d, audit.Filter{All: true, Entity: "user", EntityID: fmt.Sprint(u.ID)})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			actions = append(actions, it.Action)
		}
		if strings.Join(actions, ",") != "activate,deactivate,create" {
			t.Errorf("audit of the account: %v", actions)
		}
	})
}

func TestStoreResetPassword(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		u, old := mustCreate(t, w, access.UserInput{Username: "uji.sandi", FullName: "Uji Sandi", Role: access.Verifier, Region: "33"})
		sess, err := access.StartSession(ctx, w.d, u.ID, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := access.ResetPassword(ctx, w.d, system, access.Scope{Region: "73"}, u.ID); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("reset from outside the scope: %v, want NotFound", err)
		}
		if _, err := access.SessionUser(ctx, w.d, sess); err != nil {
			t.Fatalf("a refused reset ended the session: %v", err)
		}
		fresh, err := access.ResetPassword(ctx, w.d, system, access.Scope{All: true}, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if fresh == old || len(fresh) < access.MinPasswordLen {
			t.Errorf("new password %q", fresh)
		}
		if _, err := access.SessionUser(ctx, w.d, sess); apperr.KindOf(err) != apperr.Unauthorized {
			t.Errorf("session after reset: %v, want Unauthorized", err)
		}
		if _, err := access.Authenticate(ctx, w.d, u.Username, old); apperr.KindOf(err) != apperr.Unauthorized {
			t.Errorf("old password after reset: %v, want Unauthorized", err)
		}
		if _, err := access.Authenticate(ctx, w.d, u.Username, fresh); err != nil {
			t.Errorf("new password: %v", err)
		}
		// The audit log says that the password changed, never what to.
		if n := count(t, w.d, "SELECT COUNT(*) FROM audit_log WHERE action = ? AND entity_id = ?", audit.Reset, fmt.Sprint(u.ID)); n != 1 {
			t.Errorf("%d reset records", n)
		}
		if n := count(t, w.d, "SELECT COUNT(*) FROM audit_log WHERE before_data LIKE ? OR after_data LIKE ?", "%"+fresh+"%", "%"+fresh+"%"); n != 0 {
			t.Errorf("the audit log holds the password")
		}
		if n := count(t, w.d, "SELECT COUNT(*) FROM app_user WHERE password_hash LIKE ?", "%"+fresh+"%"); n != 0 {
			t.Errorf("the password is stored in clear")
		}
	})
}

func TestStoreChangePassword(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		u, pw := mustCreate(t, w, access.UserInput{Username: "uji.ganti", FullName: "Uji", Role: access.National})
		for _, c := range []struct {
			name, current, next, field string
		}{
			{"wrong current password", "salah-sekali", "kata-sandi-baru-panjang", "current_password"},
			{"new password too short", pw, "pendek", "new_password"},
			{"new password too long", pw, strings.Repeat("x", 257), "new_password"},
		} {
			err := access.ChangePassword(ctx, w.d, system, u.ID, "", c.current, c.next)
			if apperr.KindOf(err) != apperr.Invalid || fieldOf(err) != c.field {
				t.Errorf("%s: %v, want Invalid naming %s", c.name, err, c.field)
			}
		}
		keep, err := access.StartSession(ctx, w.d, u.ID, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		other, err := access.StartSession(ctx, w.d, u.ID, "127.0.0.2")
		if err != nil {
			t.Fatal(err)
		}
		if err := access.ChangePassword(ctx, w.d, system, u.ID, keep, pw, "kata-sandi-baru-panjang"); err != nil {
			t.Fatal(err)
		}
		if _, err := access.SessionUser(ctx, w.d, keep); err != nil {
			t.Errorf("the session that changed the password ended: %v", err)
		}
		if _, err := access.SessionUser(ctx, w.d, other); err == nil {
			t.Errorf("another session survived the password change")
		}
		if _, err := access.Authenticate(ctx, w.d, u.Username, "kata-sandi-baru-panjang"); err != nil {
			t.Errorf("new password: %v", err)
		}
		if _, err := access.Authenticate(ctx, w.d, u.Username, pw); err == nil {
			t.Errorf("old password still works")
		}
	})
}

func TestStoreAuthenticateSameError(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		u, pw := mustCreate(t, w, access.UserInput{Username: "uji.masuk", FullName: "Uji", Role: access.National})
		off, offPw := mustCreate(t, w, access.UserInput{Username: "uji.nonaktif", FullName: "Uji", Role: access.National})
		if _, err := access.SetActive(ctx, w.d, system, access.Scope{All: true}, off.ID, false, off.Version); err != nil {
			t.Fatal(err)
		}
		got, err := access.Authenticate(ctx, w.d, "  UJI.Masuk ", pw)
		if err != nil || got.ID != u.ID {
			t.Fatalf("Authenticate = %+v, %v", got, err)
		}
		var msgs []string
		for _, c := range []struct{ name, username, password string }{
			{"unknown user", "uji.tidak.ada", pw},
			{"wrong password", u.Username, pw + "x"},
			{"empty password", u.Username, ""},
			{"inactive account", off.Username, offPw},
		} {
			_, err := access.Authenticate(ctx, w.d, c.username, c.password)
			ae := apperr.As(err)
			if ae == nil || ae.Kind != apperr.Unauthorized || ae.Key != "login.failed" {
				t.Errorf("%s: %v, want Unauthorized login.failed", c.name, err)
				continue
			}
			msgs = append(msgs, err.Error())
		}
		for _, m := range msgs[1:] {
			if m != msgs[0] {
				t.Errorf("errors differ: %q and %q", msgs[0], m)
			}
		}
	})
}

func TestStoreSessionExpiry(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		u, _ := mustCreate(t, w, access.UserInput{Username: "uji.sesi", FullName: "Uji", Role: access.National})
		hashes := func() map[string]bool {
			rows, err := w.d.Query(ctx, "SELECT token_hash FROM user_session WHERE user_id = ?", u.ID)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			out := map[string]bool{}
			for rows.Next() {
				var x string
				if err := rows.Scan(&x); err != nil {
					t.Fatal(err)
				}
				out[x] = true
			}
			return out
		}
		// start signs in and returns the token and the row's key, found as
		// the one row that appeared; the token itself is never stored.
		start := func() (string, string) {
			before := hashes()
			tok, err := access.StartSession(ctx, w.d, u.ID, "192.0.2.1")
			if err != nil {
				t.Fatal(err)
			}
			for h := range hashes() {
				if !before[h] {
					if h == tok || strings.Contains(h, tok) {
						t.Fatalf("session token stored in clear")
					}
					return tok, h
				}
			}
			t.Fatal("no session row")
			return "", ""
		}
		set := func(hash, col string, at time.Time) {
			if _, err := w.d.Exec(ctx, "UPDATE user_session SET "+col+" = ? WHERE token_hash = ?", at, hash); err != nil {
				t.Fatal(err)
			}
		}

		// Idle past expires_at: gone, and the row deleted.
		tok, h := start()
		if s, err := access.SessionUser(ctx, w.d, tok); err != nil || s.User.ID != u.ID {
			t.Fatalf("fresh session: %+v, %v", s, err)
		}
		set(h, "expires_at", db.Now().Add(-time.Second))
		if _, err := access.SessionUser(ctx, w.d, tok); apperr.KindOf(err) != apperr.Unauthorized {
			t.Errorf("expired session: %v, want Unauthorized", err)
		}
		if n := count(t, w.d, "SELECT COUNT(*) FROM user_session WHERE token_hash = ?", h); n != 0 {
			t.Errorf("expired session not deleted")
		}

		// Use extends the idle clock, but never past the absolute limit.
		tok, h = start()
		now := db.Now()
		set(h, "last_seen_at", now.Add(-5*time.Minute))
		set(h, "expires_at", now.Add(time.Minute))
		s, err := access.SessionUser(ctx, w.d, tok)
		if err != nil {
			t.Fatal(err)
		}
		if d := s.ExpiresAt.Sub(now); d < access.SessionIdle-time.Minute || d > access.SessionIdle+time.Minute {
			t.Errorf("idle clock extended to %v from now, want about %v", d, access.SessionIdle)
		}
		created := now.Add(-access.SessionAbsolute + 30*time.Minute)
		set(h, "created_at", created)
		set(h, "last_seen_at", now.Add(-5*time.Minute))
		if s, err = access.SessionUser(ctx, w.d, tok); err != nil {
			t.Fatal(err)
		}
		if want := created.Add(access.SessionAbsolute); !s.ExpiresAt.Equal(want) {
			t.Errorf("expires at %v, want the absolute limit %v", s.ExpiresAt, want)
		}
		set(h, "created_at", now.Add(-access.SessionAbsolute-time.Minute))
		set(h, "expires_at", now.Add(-time.Minute))
		if _, err := access.SessionUser(ctx, w.d, tok); apperr.KindOf(err) != apperr.Unauthorized {
			t.Errorf("session past its working day: %v, want Unauthorized", err)
		}

		// Unknown and over-long tokens, and signing out.
		for _, bad := range []string{"", "tidak-ada", strings.Repeat("x", 101)} {
			if _, err := access.SessionUser(ctx, w.d, bad); apperr.KindOf(err) != apperr.Unauthorized {
				t.Errorf("SessionUser(%q): %v", bad, err)
			}
		}
		tok, _ = start()
		if err := access.EndSession(ctx, w.d, tok); err != nil {
			t.Fatal(err)
		}
		if _, err := access.SessionUser(ctx, w.d, tok); apperr.KindOf(err) != apperr.Unauthorized {
			t.Errorf("session after sign-out: %v", err)
		}

		// Pruning removes what has expired and nothing else.
		live, _ := start()
		_, dead := start()
		set(dead, "expires_at", db.Now().Add(-time.Hour))
		if err := access.PruneSessions(ctx, w.d); err != nil {
			t.Fatal(err)
		}
		if n := count(t, w.d, "SELECT COUNT(*) FROM user_session WHERE user_id = ?", u.ID); n != 1 {
			t.Errorf("%d sessions after pruning, want 1", n)
		}
		if _, err := access.SessionUser(ctx, w.d, live); err != nil {
			t.Errorf("pruning ended a live session: %v", err)
		}
	})
}

func TestStoreTokens(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		u, _ := mustCreate(t, w, access.UserInput{Username: "uji.token", FullName: "Uji", Role: access.National})
		other, _ := mustCreate(t, w, access.UserInput{Username: "uji.lain", FullName: "Uji", Role: access.National})
		token, tk, err := access.CreateToken(ctx, w.d, u.ID, "  laporan  ")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(token, access.TokenPrefix) || len(token) < 40 || tk.Name != "laporan" {
			t.Errorf("token %q, %+v", token, tk)
		}
		// Stored only as a hash.
		var hash string
		if err := w.d.QueryRow(ctx, "SELECT token_hash FROM api_token WHERE id = ?", tk.ID).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if hash == token || strings.Contains(hash, strings.TrimPrefix(token, access.TokenPrefix)) || len(hash) != 64 {
			t.Errorf("token_hash %q is not a hash of the token", hash)
		}
		if n := count(t, w.d, "SELECT COUNT(*) FROM api_token WHERE token_hash = ? OR name = ?", token, token); n != 0 {
			t.Errorf("the token is stored in clear")
		}
		if got, err := access.TokenUser(ctx, w.d, token); err != nil || got.ID != u.ID {
			t.Fatalf("TokenUser = %+v, %v", got, err)
		}
		for _, bad := range []string{"", "layan_", "tanpa-awalan", token + "x", strings.TrimPrefix(token, access.TokenPrefix), access.TokenPrefix + strings.Repeat("a", 100)} {
			if _, err := access.TokenUser(ctx, w.d, bad); apperr.KindOf(err) != apperr.Unauthorized {
				t.Errorf("TokenUser(%.20q…): %v, want Unauthorized", bad, err)
			}
		}
		if _, _, err := access.CreateToken(ctx, w.d, u.ID, strings.Repeat("n", access.MaxNameLen+1)); fieldOf(err) != "name" {
			t.Errorf("over-long token name: %v", err)
		}
		// Only the owner revokes, once.
		if err := access.RevokeToken(ctx, w.d, other.ID, tk.ID); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("revoking another's token: %v, want NotFound", err)
		}
		if err := access.RevokeToken(ctx, w.d, u.ID, tk.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := access.TokenUser(ctx, w.d, token); apperr.KindOf(err) != apperr.Unauthorized {
			t.Errorf("revoked token: %v, want Unauthorized", err)
		}
		if err := access.RevokeToken(ctx, w.d, u.ID, tk.ID); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("revoking twice: %v, want NotFound", err)
		}
		if list, err := access.ListTokens(ctx, w.d, u.ID); err != nil || len(list) != 0 {
			t.Errorf("live tokens after revocation: %v, %v", list, err)
		}
	})
}

func TestStoreThrottleShared(t *testing.T) {
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			// Two instances on one database: the same SQLite file or the same
			// PostgreSQL URL opened twice.
			url := dbtest.NewURL(t, engine)
			var ds [2]*db.DB
			for i := range ds {
				d, err := db.Open(ctx, url)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { d.Close() })
				ds[i] = d
			}
			a, b := ds[0], ds[1]
			throttled := func(d *db.DB, username, ip string) bool {
				t.Helper()
				limited, wait, err := access.Throttled(ctx, d, username, ip)
				if err != nil {
					t.Fatal(err)
				}
				if limited && (wait < time.Second || wait > access.ThrottleWindow) {
					t.Errorf("wait %v outside (1s, %v]", wait, access.ThrottleWindow)
				}
				return limited
			}
			for i := 0; i < access.MaxUserFailures; i++ {
				if throttled(b, "uji.tebak", "192.0.2.1") {
					t.Fatalf("throttled after %d failures", i)
				}
				if err := access.RecordFailure(ctx, a, " UJI.Tebak", "192.0.2.1"); err != nil {
					t.Fatal(err)
				}
			}
			if !throttled(b, "uji.tebak", "198.51.100.7") {
				t.Errorf("the other instance does not see %d failures", access.MaxUserFailures)
			}
			if throttled(b, "uji.lain", "198.51.100.7") {
				t.Errorf("another username from another address is throttled")
			}
			if err := access.ClearFailures(ctx, b, "uji.tebak"); err != nil {
				t.Fatal(err)
			}
			if throttled(a, "uji.tebak", "198.51.100.7") {
				t.Errorf("still throttled after the other instance cleared the failures")
			}

			// Many usernames from one address: the address is throttled.
			for i := 0; i < access.MaxIPFailures; i++ {
				if err := access.RecordFailure(ctx, a, fmt.Sprintf("semprot.%d", i), "203.0.113.5"); err != nil {
					t.Fatal(err)
				}
			}
			if !throttled(b, "siapa.saja", "203.0.113.5") {
				t.Errorf("an address with %d failures is not throttled", access.MaxIPFailures)
			}

			// Failures older than the window do not count; pruning drops
			// those older than a day.
			old := db.Now().Add(-access.ThrottleWindow - time.Minute)
			if _, err := a.Exec(ctx, "UPDATE login_failure SET at = ?", old); err != nil {
				t.Fatal(err)
			}
			if throttled(b, "siapa.saja", "203.0.113.5") {
				t.Errorf("failures older than the window still count")
			}
			if _, err := a.Exec(ctx, "UPDATE login_failure SET at = ? WHERE ip = ?", db.Now().Add(-25*time.Hour), "203.0.113.5"); err != nil {
				t.Fatal(err)
			}
			if err := access.PruneSessions(ctx, b); err != nil {
				t.Fatal(err)
			}
			if n := count(t, a, "SELECT COUNT(*) FROM login_failure"); n != 0 {
				t.Errorf("%d failures left after pruning, want 0", n)
			}
		})
	}
}

func TestScopeCoversRegion(t *testing.T) {
	for _, c := range []struct {
		scope access.Scope
		code  wilayah.Code
		want  bool
	}{
		{access.Scope{All: true}, "73.71", true},
		{access.Scope{All: true}, "", true},
		{access.Scope{}, "33", false},
		{access.Scope{Region: "33"}, "33", true},
		{access.Scope{Region: "33"}, "33.73", true},
		{access.Scope{Region: "33"}, "33.73.04.1001", true},
		{access.Scope{Region: "33"}, "32.75", false},
		{access.Scope{Region: "33"}, "3", false},
		{access.Scope{Region: "33.73"}, "33", false},
		{access.Scope{Region: "33.73"}, "33.7", false},
		{access.Scope{Region: "33.7"}, "33.73", false},
		{access.Scope{Region: "33.73"}, "33.74.01", false},
		{access.Scope{Region: "33.73"}, "", false},
		{access.Scope{UnitID: 4, UnitRegion: "33.73"}, "33.73", false}, // a unit scope covers its unit, not its region
		{access.Scope{Region: "73", UnitID: 4, UnitRegion: "33.73"}, "73.71", true},
	} {
		if got := c.scope.CoversRegion(c.code); got != c.want {
			t.Errorf("%+v.CoversRegion(%q) = %v, want %v", c.scope, c.code, got, c.want)
		}
	}
}

func TestScopeCoversUnit(t *testing.T) {
	for _, c := range []struct {
		scope  access.Scope
		id     int64
		region wilayah.Code
		want   bool
	}{
		{access.Scope{All: true}, 9, "53.71", true},
		{access.Scope{}, 9, "53.71", false},
		{access.Scope{UnitID: 3, UnitRegion: "33.73"}, 3, "33.73", true},
		{access.Scope{UnitID: 3, UnitRegion: "33.73"}, 4, "33.73", false},
		{access.Scope{UnitID: 3, UnitRegion: "33.73"}, 4, "33.73.04.1001", false},
		{access.Scope{Region: "33.73"}, 4, "33.73.04.1001", true},
		{access.Scope{Region: "33.73", UnitID: 6}, 6, "73.71", true},
		{access.Scope{Region: "33.73", UnitID: 6}, 7, "73.71", false},
	} {
		if got := c.scope.CoversUnit(c.id, c.region); got != c.want {
			t.Errorf("%+v.CoversUnit(%d, %q) = %v, want %v", c.scope, c.id, c.region, got, c.want)
		}
	}
}

func TestScopeFilter(t *testing.T) {
	sub := func(col, c string) string {
		return "(" + col + " = ? OR (" + col + " >= ? AND " + col + " < ?))"
	}
	for _, c := range []struct {
		name             string
		scope            access.Scope
		regionCol, unitC string
		cond             string
		args             []any
	}{
		{"all", access.Scope{All: true}, "region_code", "id", "1=1", nil},
		{"nothing", access.Scope{}, "region_code", "id", "1=0", nil},
		{"region", access.Scope{Region: "33"}, "region_code", "id", sub("region_code", "33"), []any{"33", "33.", "33/"}},
		{"unit", access.Scope{UnitID: 3, UnitRegion: "33.73"}, "region_code", "id", "id = ?", []any{int64(3)}},
		{"unit without a unit column", access.Scope{UnitID: 3}, "region_code", "", "1=0", nil},
		{"region or unit", access.Scope{Region: "73", UnitID: 3}, "u.region_code", "u.unit_id",
			"(" + sub("u.region_code", "73") + " OR u.unit_id = ?)", []any{"73", "73.", "73/", int64(3)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cond, args := c.scope.Filter(c.regionCol, c.unitC)
			if cond != c.cond || fmt.Sprint(args) != fmt.Sprint(c.args) || strings.Count(cond, "?") != len(args) {
				t.Errorf("Filter = %q %v, want %q %v", cond, args, c.cond, c.args)
			}
		})
	}
}

func TestUserScope(t *testing.T) {
	for _, c := range []struct {
		u    access.User
		want access.Scope
	}{
		{access.User{Role: access.National}, access.Scope{All: true}},
		{access.User{Role: access.Admin}, access.Scope{All: true}},
		{access.User{Role: access.Admin, Region: "73"}, access.Scope{Region: "73"}},
		{access.User{Role: access.Planner, Region: "33.73"}, access.Scope{Region: "33.73"}},
		{access.User{Role: access.Verifier, Region: "33"}, access.Scope{Region: "33"}},
		{access.User{Role: access.Worker, UnitID: 3, UnitRegion: "33.73"}, access.Scope{UnitID: 3, UnitRegion: "33.73"}},
		{access.User{Role: access.Supervisor, UnitID: 3, UnitRegion: "33.73", Region: "33.73.04"}, access.Scope{Region: "33.73.04", UnitID: 3, UnitRegion: "33.73"}},
		{access.User{Role: "boss", Region: "33"}, access.Scope{}},
	} {
		if got := c.u.Scope(); got != c.want {
			t.Errorf("%s %+v: Scope() = %+v, want %+v", c.u.Role, c.u, got, c.want)
		}
	}
}

var phc = regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)

func TestPasswordHash(t *testing.T) {
	h1, err := access.HashPassword("kata-sandi-rahasia")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := access.HashPassword("kata-sandi-rahasia")
	if !phc.MatchString(h1) {
		t.Errorf("hash %q is not PHC argon2id with OWASP's parameters", h1)
	}
	if h1 == h2 {
		t.Errorf("two hashes of one password are equal: no salt")
	}
	// A hash made with other parameters (an older deployment) still checks.
	salt := []byte("0123456789abcdef")
	b64 := base64.RawStdEncoding
	older := fmt.Sprintf("$argon2id$v=19$m=8192,t=3,p=1$%s$%s", b64.EncodeToString(salt),
		b64.EncodeToString(argon2.IDKey([]byte("lama"), salt, 3, 8192, 1, 32)))
	for _, c := range []struct {
		name, hash, pw string
		ok             bool
		err            bool
	}{
		{"right password", h1, "kata-sandi-rahasia", true, false},
		{"wrong password", h1, "kata-sandi-rahasiA", false, false},
		{"empty password", h1, "", false, false},
		{"other parameters", older, "lama", true, false},
		{"other parameters, wrong password", older, "baru", false, false},
		{"empty hash", "", "x", false, true},
		{"argon2i", strings.Replace(h1, "argon2id", "argon2i", 1), "kata-sandi-rahasia", false, true},
		{"other version", strings.Replace(h1, "v=19", "v=16", 1), "kata-sandi-rahasia", false, true},
		{"bad parameters", strings.Replace(h1, "m=19456", "m=x", 1), "kata-sandi-rahasia", false, true},
		{"bad salt", replacePart(h1, 4, "!!!"), "kata-sandi-rahasia", false, true},
		{"bad key", replacePart(h1, 5, "%%"), "kata-sandi-rahasia", false, true},
		{"too few parts", strings.Join(strings.Split(h1, "$")[:5], "$"), "kata-sandi-rahasia", false, true},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", "x", false, true},
	} {
		ok, err := access.CheckPassword(c.hash, c.pw)
		if ok != c.ok || (err != nil) != c.err {
			t.Errorf("%s: CheckPassword = %v, %v; want %v, error %v", c.name, ok, err, c.ok, c.err)
		}
	}
}

// replacePart replaces the i-th $-separated part of a PHC string.
func replacePart(hash string, i int, v string) string {
	parts := strings.Split(hash, "$")
	parts[i] = v
	return strings.Join(parts, "$")
}

func TestGeneratePassword(t *testing.T) {
	re := regexp.MustCompile(`^[a-hjkmnp-z2-9]{4}(-[a-hjkmnp-z2-9]{4}){4}$`)
	seen := map[string]bool{}
	for i := 0; i < 50; i++ {
		pw := access.GeneratePassword()
		if !re.MatchString(pw) || len(pw) < access.MinPasswordLen {
			t.Fatalf("generated %q", pw)
		}
		if seen[pw] {
			t.Fatalf("generated %q twice", pw)
		}
		seen[pw] = true
	}
}

func TestRoles(t *testing.T) {
	for _, r := range access.Roles {
		if !r.Valid() || !r.Can(access.Public) || !r.Can(access.SignedIn) {
			t.Errorf("%s: not a working role", r)
		}
	}
	if access.Role("").Can(access.SignedIn) || access.Role("boss").Can(access.ReadUnits) {
		t.Errorf("an unknown role holds permissions")
	}
	if access.National.AllowsScope() || !access.Worker.NeedsUnit() || !access.Verifier.NeedsRegion() {
		t.Errorf("role rules changed")
	}
}

// The token cache answers from memory within its TTL, looks again after
// it, never keeps an unknown token, and Forget makes a revocation count at
// once.
func TestTokenCache(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		u, _ := mustCreate(t, w, access.UserInput{Username: "uji.cache", FullName: "Uji", Role: access.National})
		token, tk, err := access.CreateToken(ctx, w.d, u.ID, "cache")
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		c := &access.TokenCache{TTL: 5 * time.Second, Now: func() time.Time { return now }}
		if got, err := c.User(ctx, w.d, token); err != nil || got.ID != u.ID {
			t.Fatalf("first lookup: %+v, %v", got, err)
		}
		if err := access.RevokeToken(ctx, w.d, u.ID, tk.ID); err != nil {
			t.Fatal(err)
		}
		// Revoked elsewhere (another instance): trusted until the TTL ends.
		now = now.Add(4 * time.Second)
		if got, err := c.User(ctx, w.d, token); err != nil || got.ID != u.ID {
			t.Errorf("within the TTL: %+v, %v, want the cached user", got, err)
		}
		now = now.Add(2 * time.Second)
		if _, err := c.User(ctx, w.d, token); apperr.KindOf(err) != apperr.Unauthorized {
			t.Errorf("after the TTL: %v, want Unauthorized", err)
		}
		// A failed lookup is not cached: the next one asks again.
		token2, tk2, err := access.CreateToken(ctx, w.d, u.ID, "cache2")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.User(ctx, w.d, token2+"x"); apperr.KindOf(err) != apperr.Unauthorized {
			t.Errorf("unknown token: %v", err)
		}
		if _, err := c.User(ctx, w.d, token2); err != nil {
			t.Fatal(err)
		}
		// Revoked through this process: Forget, and it is refused at once.
		if err := access.RevokeToken(ctx, w.d, u.ID, tk2.ID); err != nil {
			t.Fatal(err)
		}
		c.Forget()
		if _, err := c.User(ctx, w.d, token2); apperr.KindOf(err) != apperr.Unauthorized {
			t.Errorf("after Forget: %v, want Unauthorized", err)
		}
	})
}

package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/i18n"
	"github.com/layan-id/layan/internal/wilayah"
)

type loginPage struct {
	Base
	Username string
	Next     string
	Error    string
}

// safeNext keeps a post-login redirect on this site. Browsers read a
// backslash as a slash, so "/\evil.example" would leave it.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || u.IsAbs() || u.Host != "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsRune(next, '\\') {
		return "/"
	}
	return next
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if state(r).user != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", &loginPage{Base: Base{Title: "login.title"}, Next: safeNext(r.URL.Query().Get("next"))})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	st := state(r)
	ctx := r.Context()
	p := &loginPage{Base: Base{Title: "login.title"}, Username: r.PostFormValue("username"), Next: safeNext(r.PostFormValue("next"))}
	again := func(status int, key string, args ...any) {
		p.Error = s.cat.T(st.lang, key, args...)
		s.render(w, r, status, "login", p)
	}
	username := strings.TrimSpace(p.Username)
	if username == "" || r.PostFormValue("password") == "" {
		again(http.StatusUnprocessableEntity, "login.missing")
		return
	}
	if len(username) > 200 {
		again(http.StatusUnprocessableEntity, "login.failed")
		return
	}
	limited, wait, err := access.Throttled(ctx, s.db, username, st.ip)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if limited {
		mins := int(wait.Round(time.Minute) / time.Minute)
		if mins < 1 {
			mins = 1
		}
		w.Header().Set("Retry-After", itoa(int(wait.Seconds())+1))
		again(http.StatusTooManyRequests, "login.throttled", mins)
		return
	}
	u, err := access.Authenticate(ctx, s.db, username, r.PostFormValue("password"))
	if isUnauthorized(err) {
		if err := access.RecordFailure(ctx, s.db, username, st.ip); err != nil {
			s.fail(w, r, err)
			return
		}
		s.log.Warn("login failed", "request_id", st.id, "username", username, "ip", st.ip)
		again(http.StatusUnauthorized, "login.failed")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := access.ClearFailures(ctx, s.db, username); err != nil {
		s.fail(w, r, err)
		return
	}
	token, err := access.StartSession(ctx, s.db, u.ID, st.ip)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.SetCookie(w, s.cookie(r, sessionCookie, token, int(access.SessionAbsolute.Seconds())))
	s.log.Info("login", "request_id", st.id, "user", u.Username)
	http.Redirect(w, r, p.Next, http.StatusSeeOther)
}

// cookie builds a cookie with the flags every layan cookie carries: not
// readable from script, same-site, Secure whenever the request is.
func (s *Server) cookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: state(r).secure, SameSite: http.SameSiteLaxMode}
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	if st.session != "" {
		if err := access.EndSession(r.Context(), s.db, st.session); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, s.cookie(r, sessionCookie, "", -1))
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// setLang switches the interface language and returns to the page.
func (s *Server) setLang(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	lang := i18n.Parse(r.PostFormValue("lang"))
	c := s.cookie(r, "lang", string(lang), 365*24*3600)
	http.SetCookie(w, c)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

type aboutPage struct {
	Base
	Version string
	Source  wilayah.Source
	Counts  []levelCount
}

type levelCount struct {
	Key string
	N   int
}

func (s *Server) about(w http.ResponseWriter, r *http.Request) {
	p := &aboutPage{Base: Base{Title: "about.title"}, Version: s.cfg.Version, Source: s.regions.Source()}
	p.Counts = s.levelCounts()
	s.render(w, r, http.StatusOK, "about", p)
}

// actor is who makes a change through this request, for the audit log.
func actor(r *http.Request) audit.Actor {
	st := state(r)
	a := audit.Actor{RequestID: st.id}
	if st.user != nil {
		a.UserID, a.Name = st.user.ID, st.user.Username
	}
	return a
}

func scope(r *http.Request) access.Scope {
	if u := state(r).user; u != nil {
		return u.Scope()
	}
	return access.Scope{}
}

// formErrors translates the field errors of err for re-rendering a form, or
// returns nil when err is not a validation error.
func (s *Server) formErrors(r *http.Request, err error) FormErrors {
	ae := apperr.As(err)
	if ae == nil || ae.Kind != apperr.Invalid {
		return nil
	}
	fe := FormErrors{}
	for _, f := range ae.Fields {
		if _, dup := fe[f.Field]; !dup {
			fe[f.Field] = s.cat.T(state(r).lang, f.Key, f.Args...)
		}
	}
	if len(fe) == 0 {
		fe["_"] = s.cat.T(state(r).lang, ae.Key, ae.Args...)
	}
	return fe
}

// formFailure says how to re-render a form after err: the field errors and
// the status — 422 for values that break a rule, 409 for an edit of a stale
// version (the form comes back with a banner to reload). ok is false when
// err is neither, and the caller fails the request as usual.
func (s *Server) formFailure(r *http.Request, err error) (fe FormErrors, status int, ok bool) {
	if fe = s.formErrors(r, err); fe != nil {
		return fe, http.StatusUnprocessableEntity, true
	}
	if apperr.KindOf(err) == apperr.Conflict {
		return FormErrors{"_": s.cat.T(state(r).lang, "error.stale_version")}, http.StatusConflict, true
	}
	return nil, 0, false
}

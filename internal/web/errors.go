package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/casework"
)

var (
	errSignInRequired = apperr.New(apperr.Unauthorized, "login.required")
	errForbidden      = apperr.New(apperr.Forbidden, "error.forbidden")
	errCrossOrigin    = apperr.New(apperr.Forbidden, "error.cross_origin")
	errBadAuthHeader  = apperr.New(apperr.Unauthorized, "error.bad_auth_header")
	errPanic          = apperr.New(apperr.Internal, "error.internal")
	errNotFound       = apperr.New(apperr.NotFound, "error.not_found")
)

func isUnauthorized(err error) bool { return apperr.KindOf(err) == apperr.Unauthorized }

// statusOf maps an application error to its HTTP status.
func statusOf(k apperr.Kind) int {
	switch k {
	case apperr.Invalid:
		return http.StatusUnprocessableEntity
	case apperr.NotFound:
		return http.StatusNotFound
	case apperr.Forbidden:
		return http.StatusForbidden
	case apperr.Unauthorized:
		return http.StatusUnauthorized
	case apperr.Conflict:
		return http.StatusConflict
	case apperr.TooMany:
		return http.StatusTooManyRequests
	case apperr.BadRequest:
		return http.StatusBadRequest
	case apperr.TooLarge:
		return http.StatusRequestEntityTooLarge
	case apperr.Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// problemTypes name each kind of problem (RFC 9457 "type").
var problemTypes = map[apperr.Kind]string{
	apperr.Internal:     "/problems/internal",
	apperr.Invalid:      "/problems/validation",
	apperr.NotFound:     "/problems/not-found",
	apperr.Forbidden:    "/problems/forbidden",
	apperr.Unauthorized: "/problems/unauthorized",
	apperr.Conflict:     "/problems/conflict",
	apperr.TooMany:      "/problems/too-many-requests",
	apperr.BadRequest:   "/problems/bad-request",
	apperr.TooLarge:     "/problems/too-large",
	apperr.Unavailable:  "/problems/unavailable",
}

// Problem is an RFC 9457 problem document with per-field errors.
type Problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail,omitempty"`
	Instance  string `json:"instance,omitempty"`
	RequestID string `json:"request_id"`
	// Code names a refused step for programs, e.g. "plan_required".
	Code   string         `json:"code,omitempty"`
	Errors []ProblemField `json:"errors,omitempty"`
	// Conflict, with code stale_version, says what changed since the
	// client's copy of a case, a document or a referral (extension members
	// current_version, case_version, changes, changed_fields).
	*casework.Conflict
}

// pointerEscaper escapes a member name for a JSON Pointer (RFC 6901).
var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// ProblemField says what is wrong with one field of the request.
type ProblemField struct {
	Field   string `json:"field"`
	Pointer string `json:"pointer"`
	Detail  string `json:"detail"`
}

// describe turns any error into what a user may see: internal errors are
// logged with the request id and shown without details.
func (s *Server) describe(r *http.Request, err error) (*apperr.Error, int) {
	ae := apperr.As(err)
	if ae == nil {
		if errors.Is(err, errBodyTooLarge) {
			ae = apperr.New(apperr.TooLarge, "error.too_large")
		} else {
			ae = apperr.Wrap(apperr.Internal, "error.internal", err)
		}
	}
	if ae.Kind == apperr.Internal {
		s.log.Error("internal error", "request_id", state(r).id, "route", state(r).route, "err", err)
	}
	return ae, statusOf(ae.Kind)
}

// fail answers a request with an error: problem+json for the API, an error
// page in the user's language for the UI.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	ae, status := s.describe(r, err)
	st := state(r)
	if ae.Kind == apperr.TooMany {
		if len(ae.Args) > 0 {
			secs, _ := ae.Args[0].(int)
			w.Header().Set("Retry-After", strconv.Itoa(secs))
		}
	}
	if isAPI(r) || r.Header.Get("Accept") == "application/problem+json" || r.Header.Get("Authorization") != "" {
		p := Problem{
			Type:      problemTypes[ae.Kind],
			Title:     http.StatusText(status),
			Status:    status,
			Detail:    s.cat.T(st.lang, ae.Key, ae.Args...),
			Instance:  r.URL.Path,
			RequestID: st.id,
			Code:      ae.Code,
			Conflict:  casework.ConflictOf(err),
		}
		for _, f := range ae.Fields {
			p.Errors = append(p.Errors, ProblemField{Field: f.Field, Pointer: "/" + pointerEscaper.Replace(f.Field),
				Detail: s.cat.T(st.lang, f.Key, f.Args...)})
		}
		w.Header().Set("Content-Type", "application/problem+json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(p)
		return
	}
	page := &errorPage{Status: status, Message: s.cat.T(st.lang, ae.Key, ae.Args...)}
	for _, f := range ae.Fields {
		// A field the catalog does not name (a parameter of the client's
		// own) is shown as sent, not as a bare catalog key.
		label := f.Field
		if s.cat.Has(st.lang, "field."+f.Field) {
			label = s.cat.T(st.lang, "field."+f.Field)
		}
		page.Fields = append(page.Fields, label+": "+s.cat.T(st.lang, f.Key, f.Args...))
	}
	s.render(w, r, status, "error", page)
}

type errorPage struct {
	Base
	Status  int
	Message string
	Fields  []string
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, errNotFound)
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

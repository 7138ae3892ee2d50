package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/audit"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/layan-id/layan/internal/apperr"
)

// MaxBody bounds every request body; nothing layan accepts is larger.
const MaxBody = 1 << 20

var errBodyTooLarge = errors.New("request body too large")

// readBody reads at most MaxBody bytes of the request body.
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	if err != nil {
		return nil, apperr.Wrap(apperr.BadRequest, "error.bad_body", err)
	}
	if len(b) > MaxBody {
		return nil, apperr.New(apperr.TooLarge, "error.too_large")
	}
	return b, nil
}

// DecodeJSON decodes a request body of exactly one JSON object into v. It
// refuses another content type, invalid UTF-8, NUL characters, unknown
// fields, trailing data and values of the wrong type, naming the field where
// it can.
func DecodeJSON(contentType string, body []byte, v any) error {
	if mt, _, err := mime.ParseMediaType(contentType); err != nil || (mt != "application/json" && !(strings.Contains(mt, "/") && strings.HasSuffix(mt, "+json"))) {
		return apperr.New(apperr.BadRequest, "error.content_type_json")
	}
	if !utf8.Valid(body) {
		return apperr.New(apperr.BadRequest, "error.utf8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if dec.More() {
			return apperr.New(apperr.BadRequest, "error.json_trailing")
		}
		if _, err := dec.Token(); err != io.EOF {
			return apperr.New(apperr.BadRequest, "error.json_trailing")
		}
		// JSON can carry NUL only escaped; PostgreSQL's text cannot hold it.
		if bytes.Contains(body, []byte(`\u0000`)) && hasNUL(body) {
			return apperr.New(apperr.BadRequest, "error.utf8")
		}
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		var f apperr.Fields
		f.Add(typeErr.Field, "error.json_type", typeErr.Type.String())
		e := f.Err().(*apperr.Error)
		e.Kind, e.Key = apperr.BadRequest, "error.json_shape"
		return e
	case errors.As(err, &typeErr):
		return apperr.New(apperr.BadRequest, "error.json_shape")
	case errors.As(err, &syntaxErr):
		return apperr.New(apperr.BadRequest, "error.json_syntax", syntaxErr.Offset)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.New(apperr.BadRequest, "error.json_empty")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// encoding/json has no typed error for unknown fields.
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		if name == "" {
			// An empty key (or one we cannot read back) names no field.
			return apperr.New(apperr.BadRequest, "error.json_shape")
		}
		var f apperr.Fields
		f.Add(name, "error.json_unknown_field")
		e := f.Err().(*apperr.Error)
		e.Kind, e.Key = apperr.BadRequest, "error.json_shape"
		return e
	}
	return apperr.Wrap(apperr.BadRequest, "error.json_shape", fmt.Errorf("decode: %w", err))
}

// hasNUL reports whether a JSON document holds a key or string with NUL.
func hasNUL(body []byte) bool {
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

// validText reports whether s is text layan can store and search: valid
// UTF-8 without NUL, which PostgreSQL's text type cannot hold.
func validText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// checkQuery refuses a query string holding text that is not validText,
// naming the parameter, before any handler passes it to a query.
func checkQuery(r *http.Request) error {
	for k, vs := range r.URL.Query() {
		if !validText(k) {
			return apperr.New(apperr.BadRequest, "error.utf8")
		}
		for _, v := range vs {
			if !validText(v) {
				e := apperr.BadParam(k, "field.utf8")
				return e
			}
		}
	}
	return nil
}

// decodeJSON reads and decodes the request's JSON body into v.
func decodeJSON(r *http.Request, v any) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	return DecodeJSON(r.Header.Get("Content-Type"), body, v)
}

// formRows lists the rows of a form's repeated fields, named
// PREFIX.N.FIELD with N from 0 to below max, in the order of N, each as a
// reader of its trimmed fields: the items of a plan, of a catalog jenis.
func formRows(f url.Values, prefix string, max int) []func(field string) string {
	var idx []int
	for k := range f {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		n, _, _ := strings.Cut(rest, ".")
		if i, err := strconv.Atoi(n); err == nil && i >= 0 && i < max && !slices.Contains(idx, i) {
			idx = append(idx, i)
		}
	}
	slices.Sort(idx)
	out := make([]func(string) string, len(idx))
	for k, i := range idx {
		out[k] = func(field string) string { return strings.TrimSpace(f.Get(prefix + strconv.Itoa(i) + "." + field)) }
	}
	return out
}

// numberedRows adds empty blank rows to a form's repeated rows and numbers
// every row from 1 through n, which points at the row's number.
func numberedRows[T any](rows []T, empty int, n func(*T) *int) []T {
	rows = append(rows, make([]T, empty)...)
	for i := range rows {
		*n(&rows[i]) = i + 1
	}
	return rows
}

// parseForm parses a form body with the same size limit and refuses invalid
// UTF-8 (or NUL) in any value, so nothing malformed reaches a domain package.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return apperr.New(apperr.TooLarge, "error.too_large")
		}
		return apperr.Wrap(apperr.BadRequest, "error.bad_body", err)
	}
	for k, vs := range r.Form {
		if !validText(k) {
			return apperr.New(apperr.BadRequest, "error.utf8")
		}
		for _, v := range vs {
			if !validText(v) {
				var f apperr.Fields
				f.Add(k, "field.utf8")
				return f.Err()
			}
		}
	}
	return nil
}

// pathID parses the {id} of a route; a malformed id is simply not found.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}

// pathIDs parses the {id} of a route and a second id under it ({period},
// {audit}, {kiosk}, …): a unit's record. A malformed one is not found.
func pathIDs(r *http.Request, name string) (int64, int64, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, 0, err
	}
	sub, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || sub <= 0 {
		return 0, 0, errNotFound
	}
	return id, sub, nil
}

// readByID answers a GET of what read finds under the route's {id} for the
// signed-in user (a unit's history, periods, kiosks…) as JSON, through out
// when the answer needs wrapping.
func readByID[T any](s *Server, w http.ResponseWriter, r *http.Request, read func(context.Context, access.User, int64) (T, error), out func(T) any) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := read(r.Context(), caseUser(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if out == nil {
		writeJSON(w, http.StatusOK, v)
		return
	}
	writeJSON(w, http.StatusOK, out(v))
}

// readByIDs answers a GET of a unit's record, the route's {id} and {sub}
// (an audit, a survey period, a complaint), as the signed-in user reads it.
func readByIDs[T any](s *Server, w http.ResponseWriter, r *http.Request, sub string, read func(context.Context, access.User, int64, int64) (T, error)) {
	id, rec, err := pathIDs(r, sub)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := read(r.Context(), caseUser(r), id, rec)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// changeByIDs answers an API change of a unit's record, the route's {id}
// and {sub}: the JSON body decoded into In, change made by the signed-in
// user, its answer written with status.
func changeByIDs[In, Out any](s *Server, w http.ResponseWriter, r *http.Request, sub string, status int,
	change func(context.Context, audit.Actor, access.User, int64, int64, In) (Out, error)) {
	id, rec, err := pathIDs(r, sub)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in In
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := change(r.Context(), actor(r), caseUser(r), id, rec, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, status, out)
}

// idAndForm reads the {id} of a route and parses the posted form, failing
// the request (and returning false) when either is malformed: the start of
// every form that changes one record.
func (s *Server) idAndForm(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return 0, false
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return 0, false
	}
	return id, true
}

// maxQueryInt caps integer query parameters so that an offset computed as
// (page-1) × size cannot overflow: a huge page must give an empty page, not
// a negative offset (a panic in a slice, an SQL error, or page 1).
const maxQueryInt = 1_000_000_000

// queryInt reads a positive integer query parameter, default def.
func queryInt(r *http.Request, name string, def int) int {
	v, err := strconv.Atoi(r.URL.Query().Get(name))
	if err != nil || v < 1 {
		return def
	}
	return min(v, maxQueryInt)
}

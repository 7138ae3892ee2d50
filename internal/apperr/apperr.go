// Package apperr is layan's one application error type. Domain packages
// return it; the web layer maps its Kind to an HTTP status and its message
// keys to the user's language. Users never see err.Error() of anything else.
package apperr

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies an error for the HTTP status it maps to.
type Kind int

const (
	Internal     Kind = iota // 500, logged with the request id
	Invalid                  // 422, with field errors
	NotFound                 // 404
	Forbidden                // 403
	Unauthorized             // 401
	Conflict                 // 409: stale version, duplicate
	TooMany                  // 429: throttled
	BadRequest               // 400: malformed request (body, encoding)
	TooLarge                 // 413
	Unavailable              // 503: overloaded, try again
)

// FieldError says what is wrong with one field, as a message-catalog key and
// its arguments.
type FieldError struct {
	Field string
	Key   string
	Args  []any
}

// Error is an application error.
type Error struct {
	Kind   Kind
	Key    string // message-catalog key of the summary
	Args   []any
	Fields []FieldError
	// Code names the refusal for programs (a case step refused because the
	// assessment is missing: "assessment_required"); "" for most errors.
	Code string
	Err  error // the cause, for logs only
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Key)
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "; %s: %s", f.Field, f.Key)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error of kind k with summary key.
func New(k Kind, key string, args ...any) *Error {
	return &Error{Kind: k, Key: key, Args: args}
}

// Wrap returns an error of kind k caused by err.
func Wrap(k Kind, key string, err error) *Error {
	return &Error{Kind: k, Key: key, Err: err}
}

// As returns the *Error in err's chain, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// KindOf returns the kind of err; errors that are not *Error are Internal.
func KindOf(err error) Kind {
	if e := As(err); e != nil {
		return e.Kind
	}
	return Internal
}

// Fields collects field errors during validation.
type Fields []FieldError

// Add records that field is wrong, with a message key and arguments.
func (f *Fields) Add(field, key string, args ...any) {
	*f = append(*f, FieldError{Field: field, Key: key, Args: args})
}

// Has reports whether field already has an error.
func (f Fields) Has(field string) bool {
	for _, e := range f {
		if e.Field == field {
			return true
		}
	}
	return false
}

// Err returns nil when no field is wrong, else an Invalid error carrying them.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Kind: Invalid, Key: "error.invalid", Fields: f}
}

// BadParam is a malformed request parameter (400), naming it: the request
// cannot be understood, as opposed to values that break a rule (422).
func BadParam(field, key string, args ...any) *Error {
	return &Error{Kind: BadRequest, Key: "error.invalid", Fields: []FieldError{{Field: field, Key: key, Args: args}}}
}

package web

import (
	"net/http"
	"time"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/guard"
)

// The public forms (SKM survey, complaint) share one way of holding off
// floods, internal/guard; these helpers give their handlers one way of
// answering. A handler of a public form
//
//   - on GET calls guard.SetDeviceCookie, so that the POST brings the id;
//   - on POST answers a honeypot hit (guard.Honeypot) as if accepted and
//     stores nothing;
//   - calls s.guard.Allow with guard.DeviceID(r) and s.clientIP(r), and when
//     refused answers with s.refuseFlood.

// refuseFlood answers a submission guard.Allow refused: 429 with Retry-After
// in seconds and the plain message "coba lagi dalam N menit" — an error page
// in the visitor's language for a browser, problem+json for the API.
func (s *Server) refuseFlood(w http.ResponseWriter, r *http.Request, retryAfter time.Duration) {
	// fail takes the first argument as Retry-After's seconds; the message
	// (guard.too_many_retry) shows the second, the minutes.
	s.fail(w, r, apperr.New(apperr.TooMany, "guard.too_many_retry",
		guard.RetryAfterSeconds(retryAfter), guard.RetryMinutes(retryAfter)))
}

package web

import (
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/apperr"
)

// Admission: at most MaxActive requests work at once; the others wait
// their turn in arrival order. Without it every request starts at once and
// they share the cores, the database connections (handed out in no order)
// and PostgreSQL's processes; a request then waits for all the others
// rather than for those before it, and the slowest ones wait longest: at
// 50 concurrent clients the p99 of a people search was about 3.5 times its
// median. In arrival order it is about twice (docs/performance.md), at the
// same throughput.

// DefaultMaxActive is twice the cores: enough to keep them busy while
// some requests wait for the database, few enough that each runs nearly
// alone.
func DefaultMaxActive() int { return max(4, 2*runtime.GOMAXPROCS(0)) }

// queueTimeout is how long a request waits for its turn before it is
// answered 503: a client should not hang on an overloaded server.
const queueTimeout = 30 * time.Second

var errBusy = apperr.New(apperr.Unavailable, "error.busy")

// unqueued are the requests that never wait: a load balancer's health
// checks, the metrics scrape and static files touch no database and must
// answer even when the server is saturated. File uploads neither take a
// slot: a client sends up to 10 MiB at its own pace, and a few slow ones
// would otherwise hold every slot while they trickle in (they are rare and
// spend their time reading, not on the cores).
func unqueued(r *http.Request) bool {
	path := r.URL.Path
	return path == "/healthz" || path == "/readyz" || path == "/metrics" || strings.HasPrefix(path, "/static/") ||
		strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")
}

// admit lets a request in when one of the slots is free. A buffered
// channel's waiting senders are woken in the order they came, so the
// queue is first come, first served.
func (s *Server) admit(next http.Handler) http.Handler {
	slots := make(chan struct{}, s.cfg.MaxActive)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if unqueued(r) {
			next.ServeHTTP(w, r)
			return
		}
		select {
		case slots <- struct{}{}:
		default:
			s.metrics.queued.Inc()
			t := time.NewTimer(queueTimeout)
			select {
			case slots <- struct{}{}:
				t.Stop()
				s.metrics.queued.Dec()
			case <-r.Context().Done():
				t.Stop()
				s.metrics.queued.Dec()
				return // the client left
			case <-t.C:
				s.metrics.queued.Dec()
				w.Header().Set("Retry-After", "5")
				s.fail(w, r, errBusy)
				return
			}
		}
		defer func() { <-slots }()
		next.ServeHTTP(w, r)
	})
}

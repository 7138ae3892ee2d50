// Package web is layan's HTTP layer: routes, middleware, the server-rendered
// UI and the JSON API. Handlers are thin: they decode, call a domain package
// and render; HTML and JSON share the same domain call.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/casework"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/guard"
	"github.com/layan-id/layan/internal/i18n"
	"github.com/layan-id/layan/internal/quality/complaint"
	"github.com/layan-id/layan/internal/quality/sarpras"
	"github.com/layan-id/layan/internal/quality/survey"
	"github.com/layan-id/layan/internal/registry"
	"github.com/layan-id/layan/internal/spm"
	"github.com/layan-id/layan/internal/wilayah"
)

// Config is what the server needs from flags and environment.
type Config struct {
	// SecureCookies forces the Secure flag on cookies. It is also set per
	// request when the request came over TLS or through a trusted proxy that
	// says it did.
	SecureCookies bool
	// TrustProxy makes the server believe X-Forwarded-For and
	// X-Forwarded-Proto from the load balancer in front of it.
	TrustProxy bool
	// Version is shown on the about page and in /healthz.
	Version string
	// MaxActive is how many requests are served at once; the others wait
	// in arrival order (admit). Zero means DefaultMaxActive.
	MaxActive int
	// AttachmentDir is where the files attached to cases are kept; without
	// one, uploads and downloads fail.
	AttachmentDir string
	// EmergencyWindow is how long after opening a case emergency basic
	// needs may be given before the assessment; zero means
	// casework.DefaultEmergencyWindow.
	EmergencyWindow time.Duration
	// ComplaintResponseDays is the deadline of a complaint's first
	// response in working days; zero means complaint.DefaultResponseDays.
	ComplaintResponseDays int
}

// Server holds the dependencies of every handler.
type Server struct {
	cfg     Config
	db      *db.DB
	regions *wilayah.Index
	people  *registry.Store
	cases   *casework.Store
	spm     *spm.Store
	spmCat  *spm.Catalogs
	cat     *i18n.Catalog
	log     *slog.Logger
	pages   *pages
	metrics *metrics
	openapi []byte
	started time.Time
	tokens  *access.TokenCache
	// sarpras runs the accessible-facility audits of units.
	sarpras *sarpras.Store
	// guard holds off floods on the public forms (survey, complaint):
	// counts per device and address, shared by every instance through the
	// database.
	guard *guard.Guard
	// complaints are the units' complaints (pengaduan).
	complaints *complaint.Store
	// skm runs the units' satisfaction surveys (SKM), which show the
	// complaint figures beside element U8.
	skm *survey.Store
}

// New builds a server. Every dependency is passed in; nothing is global.
func New(cfg Config, d *db.DB, regions *wilayah.Index, cat *i18n.Catalog, log *slog.Logger) (*Server, error) {
	if cfg.MaxActive <= 0 {
		cfg.MaxActive = DefaultMaxActive()
	}
	p, err := loadPages()
	if err != nil {
		return nil, err
	}
	doc, err := loadOpenAPI()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, db: d, regions: regions, cat: cat, log: log, pages: p, openapi: doc, started: time.Now(),
		people: &registry.Store{DB: d, Regions: regions}, tokens: &access.TokenCache{}}
	s.cases = &casework.Store{DB: d, People: s.people, AttachmentDir: cfg.AttachmentDir, EmergencyWindow: cfg.EmergencyWindow}
	// The dashboards of the nation and the provinces are kept half a
	// second for their many readers: a case step is in them within a second.
	// The four tahapan read the casework's costs and data-quality checks
	// through spm.CaseFacts.
	s.spm = &spm.Store{DB: d, Regions: regions, CacheFor: 500 * time.Millisecond, Cases: s.cases}
	s.spmCat = &spm.Catalogs{DB: d}
	// Audit photos are kept beside the case attachments, in a directory
	// of their own (filestore).
	s.sarpras = &sarpras.Store{DB: d}
	if cfg.AttachmentDir != "" {
		s.sarpras.PhotoDir = filepath.Join(cfg.AttachmentDir, "sarpras")
	}
	s.guard = &guard.Guard{DB: d}
	s.complaints = &complaint.Store{DB: d, ResponseDays: cfg.ComplaintResponseDays}
	s.skm = &survey.Store{DB: d, Complaints: skmComplaints{s.complaints}}
	s.metrics = newMetrics(d)
	return s, nil
}

// ctxKey keys the request's state in its context.
type ctxKey struct{}

// reqState is what middleware learns about a request, shared with handlers
// and the access log through the request's context.
type reqState struct {
	id       string
	route    string
	lang     i18n.Lang
	user     *access.User
	session  string // the session token, when signed in by cookie
	viaToken bool
	authErr  error // a credential that was sent but refused
	secure   bool
	ip       string
	// hidePath keeps the request's path out of the access log, which then
	// shows the route: the path holds a secret (a referral link's token).
	hidePath bool
}

func state(r *http.Request) *reqState {
	if st, ok := r.Context().Value(ctxKey{}).(*reqState); ok {
		return st
	}
	return &reqState{lang: i18n.ID}
}

func newRequestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Handler returns the whole HTTP handler: middleware around the routes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.Routes() {
		mux.Handle(rt.Pattern(), s.authorize(rt))
	}
	mux.Handle("GET /static/", http.StripPrefix("/static/", staticHandler()))
	mux.HandleFunc("/", s.notFound)

	// Cross-origin state-changing requests are refused by Go's own
	// protection (Sec-Fetch-Site / Origin), our CSRF defence together with
	// SameSite cookies. Bearer-token API calls carry no cookie, so browsers
	// cannot forge them.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, errCrossOrigin)
	}))
	var h http.Handler = mux
	h = cop.Handler(h)
	h = s.authenticate(h)
	h = s.admit(h)
	h = s.secureHeaders(h)
	h = s.observe(h)
	return s.begin(h)
}

// begin gives the request an id and its state; it is the outermost layer so
// that every later one shares the same *http.Request.
func (s *Server) begin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := &reqState{id: newRequestID(), ip: s.clientIP(r)}
		st.secure = r.TLS != nil || s.cfg.SecureCookies ||
			(s.cfg.TrustProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https"))
		st.lang = i18n.ID
		if c, err := r.Cookie("lang"); err == nil {
			st.lang = i18n.Parse(c.Value)
		} else if strings.HasPrefix(r.URL.Path, "/api/") {
			st.lang = i18n.Parse(r.Header.Get("Accept-Language"))
		}
		w.Header().Set("X-Request-Id", st.id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, st)))
	})
}

func (s *Server) clientIP(r *http.Request) string {
	if s.cfg.TrustProxy {
		// The load balancer appends the address it saw; the last entry is
		// the only one nobody else could have written.
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	size   int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.size += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe logs every request with its id and counts it in the metrics; it
// also turns a panic into a 500 that shows the user nothing but the id.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		st := state(r)
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic", "request_id", st.id, "panic", p)
				if sw.status == 0 {
					s.fail(sw, r, errPanic)
				}
			}
			route := st.route
			if route == "" {
				route = "unmatched"
			}
			d := time.Since(start)
			s.metrics.observe(r.Method, route, sw.status, d)
			path := r.URL.Path
			if st.hidePath {
				path = route
			}
			attrs := []any{"request_id", st.id, "method", r.Method, "path", path, "route", route,
				"status", sw.status, "bytes", sw.size, "ms", float64(d.Microseconds()) / 1000}
			if st.user != nil {
				attrs = append(attrs, "user", st.user.Username)
			}
			s.log.Info("request", attrs...)
		}()
		next.ServeHTTP(sw, r)
	})
}

// secureHeaders sets the headers every response carries. The CSP allows no
// inline script or style: htmx and our CSS load from /static.
func (s *Server) secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; "+
			"img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "+
			"base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if state(r).secure {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

const sessionCookie = "layan_session"

// authenticate finds the user of a request: a bearer token (API clients) or
// the session cookie (browsers). It never refuses: a bad credential is kept
// in the request's state and authorize refuses it on routes that need an
// account, so a load balancer's health check is never failed by a header.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		ctx := r.Context()
		if h := r.Header.Get("Authorization"); h != "" {
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				st.authErr = errBadAuthHeader
			} else if u, err := s.tokens.User(ctx, s.db, strings.TrimSpace(token)); err == nil {
				st.user, st.viaToken = &u, true
			} else {
				st.authErr = err
			}
		} else if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			sess, err := access.SessionUser(ctx, s.db, c.Value)
			if err == nil {
				st.user, st.session = &sess.User, c.Value
			} else if !isUnauthorized(err) {
				st.authErr = err
			}
		}
		next.ServeHTTP(w, r)
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			// Whatever changed may be a user, a unit or a token that a
			// cached one depends on (access.TokenCache).
			s.tokens.Forget()
		}
	})
}

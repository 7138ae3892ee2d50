package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/app"
	"github.com/layan-id/layan/internal/casework"
	"github.com/layan-id/layan/internal/demo"
	"github.com/layan-id/layan/internal/i18n"
	"github.com/layan-id/layan/internal/quality/complaint"
	"github.com/layan-id/layan/internal/web"
)

func newLogger(getenv func(string) string, w io.Writer) *slog.Logger {
	if getenv("LAYAN_LOG_FORMAT") == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	withDemo := fs.Bool("demo", false, "fill an empty database with demo data and print the demo accounts")
	addr := fs.String("addr", envOr(getenv, "LAYAN_ADDR", "127.0.0.1:8080"), "listen address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := newLogger(getenv, stderr)
	d, ix, err := app.Open(ctx, getenv("LAYAN_DB"))
	if err != nil {
		return err
	}
	defer d.Close()
	log.Info("database ready", "dialect", d.Dialect())

	var accounts []demo.Account
	if *withDemo {
		accounts, err = demo.Load(ctx, d, ix)
		if errors.Is(err, demo.ErrNotDemo) {
			log.Warn(err.Error())
		} else if err != nil {
			return err
		}
	}
	cat, err := i18n.Load()
	if err != nil {
		return err
	}
	attachments := attachmentDir(getenv)
	// Made now, so that a directory that cannot be made stops the start
	// rather than the first upload.
	if err := os.MkdirAll(attachments, 0o750); err != nil {
		return fmt.Errorf("LAYAN_ATTACHMENTS=%q: %w", attachments, err)
	}
	log.Info("attachments", "dir", attachments)
	window, err := emergencyWindow(getenv)
	if err != nil {
		return err
	}
	maxActive := 0
	if v := getenv("LAYAN_MAX_ACTIVE"); v != "" {
		if maxActive, err = strconv.Atoi(v); err != nil || maxActive < 1 {
			return fmt.Errorf("LAYAN_MAX_ACTIVE=%q: want a whole number of requests, 1 or more", v)
		}
	}
	complaintDays, err := complaintResponseDays(getenv)
	if err != nil {
		return err
	}
	srv, err := web.New(web.Config{
		MaxActive:             maxActive,
		Version:               version,
		TrustProxy:            getenv("LAYAN_TRUST_PROXY") == "true",
		SecureCookies:         getenv("LAYAN_SECURE_COOKIES") == "true",
		AttachmentDir:         attachments,
		EmergencyWindow:       window,
		ComplaintResponseDays: complaintDays,
	}, d, ix, cat, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "layan %s berjalan di / listening on %s (%s)\n", version, url, d.Dialect())
	if *withDemo {
		demo.Print(stdout, accounts)
	}

	// Expired sessions and old login failures are pruned by every instance;
	// the deletes are idempotent, so instances need no coordination.
	go func() {
		t := time.NewTicker(10 * time.Minute)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := access.PruneSessions(ctx, d); err != nil && ctx.Err() == nil {
					log.Warn("prune sessions", "err", err)
				}
			}
		}
	}()

	// Referrals past their deadline are escalated to the supervisor. The
	// update is conditional (escalated_at IS NULL), so every instance may
	// run it.
	go func() {
		cases := &casework.Store{DB: d}
		t := time.NewTicker(5 * time.Minute)
		defer t.Stop()
		for {
			if n, err := cases.EscalateOverdue(ctx); err != nil && ctx.Err() == nil {
				log.Warn("escalate referrals", "err", err)
			} else if n > 0 {
				log.Info("referrals escalated", "count", n)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()

	// Complaints waiting for an answer past their deadline are escalated
	// to the unit's supervisors, then to the region's admin. The update is
	// conditional (escalation < level), so every instance may run it.
	go func() {
		complaints := &complaint.Store{DB: d, ResponseDays: complaintDays}
		t := time.NewTicker(5 * time.Minute)
		defer t.Stop()
		for {
			if n, err := complaints.EscalateOverdue(ctx); err != nil && ctx.Err() == nil {
				log.Warn("escalate complaints", "err", err)
			} else if n > 0 {
				log.Info("complaints escalated", "count", n)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}

// maxEmergencyDays bounds LAYAN_EMERGENCY_DAYS: the exception to "no
// service without an approved plan" is for the first days of a case, not a
// way around the assessment.
const maxEmergencyDays = 30

// emergencyWindow is how long after a case opens emergency basic needs may
// be given before its assessment: LAYAN_EMERGENCY_DAYS whole days, by
// default casework.DefaultEmergencyWindow (7 days, Permensos 9/2018). It
// is fixed on each case when the case opens.
func emergencyWindow(getenv func(string) string) (time.Duration, error) {
	v := getenv("LAYAN_EMERGENCY_DAYS")
	if v == "" {
		return casework.DefaultEmergencyWindow, nil
	}
	days, err := strconv.Atoi(v)
	if err != nil || days < 1 || days > maxEmergencyDays {
		return 0, fmt.Errorf("LAYAN_EMERGENCY_DAYS=%q: want a whole number of days from 1 to %d", v, maxEmergencyDays)
	}
	return time.Duration(days) * 24 * time.Hour, nil
}

// complaintResponseDays is the deadline of a complaint's first response:
// LAYAN_PENGADUAN_HARI working days, by default
// complaint.DefaultResponseDays (5; no regulation in domain.md fixes it).
func complaintResponseDays(getenv func(string) string) (int, error) {
	v := getenv("LAYAN_PENGADUAN_HARI")
	if v == "" {
		return complaint.DefaultResponseDays, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 60 {
		return 0, fmt.Errorf("LAYAN_PENGADUAN_HARI=%q: want a whole number of working days from 1 to 60", v)
	}
	return n, nil
}

// attachmentDir is where the files attached to cases are kept:
// LAYAN_ATTACHMENTS, else a directory "lampiran" beside the SQLite file,
// else (PostgreSQL) "lampiran" in the working directory. Several instances
// on one PostgreSQL must share it (a network file system): see
// docs/operations.md.
func attachmentDir(getenv func(string) string) string {
	if v := getenv("LAYAN_ATTACHMENTS"); v != "" {
		return v
	}
	url := getenv("LAYAN_DB")
	if url == "" {
		url = app.DefaultDB
	}
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		return "lampiran"
	}
	path := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite:"), "//")
	path, _, _ = strings.Cut(path, "?")
	path = strings.TrimPrefix(path, "file:")
	if path == "" || strings.Contains(path, ":memory:") {
		return "lampiran"
	}
	return filepath.Join(filepath.Dir(path), "lampiran")
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

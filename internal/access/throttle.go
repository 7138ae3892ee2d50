package access

import (
	"context"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/db"
)

// Login throttling is counted in the database, so that several instances
// behind a load balancer count together and a restart forgets nothing.
const (
	ThrottleWindow  = 15 * time.Minute
	MaxUserFailures = 5  // per username per window: stops guessing one account
	MaxIPFailures   = 30 // per address per window: stops spraying many accounts
)

// Throttled reports whether sign-in for username from ip must wait, and how
// long until the oldest counted failure leaves the window.
func Throttled(ctx context.Context, q db.Q, username, ip string) (bool, time.Duration, error) {
	since := db.Now().Add(-ThrottleWindow)
	username = strings.ToLower(strings.TrimSpace(username))
	for _, c := range []struct {
		col, val string
		max      int
	}{{"username", username, MaxUserFailures}, {"ip", ip, MaxIPFailures}} {
		var n int
		err := q.QueryRow(ctx, "SELECT COUNT(*) FROM login_failure WHERE "+c.col+" = ? AND at > ?",
			c.val, since).Scan(&n)
		if err != nil {
			return false, 0, db.Err(err)
		}
		if n >= c.max {
			// The oldest failure in the window tells when a slot frees up.
			// (Selected as a column, not MIN(), so SQLite keeps its type.)
			var oldest time.Time
			err := q.QueryRow(ctx, "SELECT at FROM login_failure WHERE "+c.col+" = ? AND at > ? ORDER BY at LIMIT 1",
				c.val, since).Scan(&oldest)
			if err != nil {
				return false, 0, db.Err(err)
			}
			wait := time.Until(oldest.Add(ThrottleWindow))
			if wait < time.Second {
				wait = time.Second
			}
			return true, wait, nil
		}
	}
	return false, 0, nil
}

// RecordFailure counts one failed sign-in.
func RecordFailure(ctx context.Context, q db.Q, username, ip string) error {
	if len(username) > 200 {
		username = username[:200]
	}
	_, err := q.Exec(ctx, "INSERT INTO login_failure (username, ip, at) VALUES (?, ?, ?)",
		strings.ToLower(strings.TrimSpace(username)), ip, db.Now())
	return err
}

// ClearFailures forgets a username's failures after a successful sign-in.
func ClearFailures(ctx context.Context, q db.Q, username string) error {
	_, err := q.Exec(ctx, "DELETE FROM login_failure WHERE username = ?", strings.ToLower(strings.TrimSpace(username)))
	return err
}

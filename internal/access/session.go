package access

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/db"
)

// Sessions live in the database so that every instance behind a load
// balancer honours the same sign-in, and a deactivation ends them everywhere.
// The cookie holds a random token; the table holds only its SHA-256.
const (
	SessionIdle     = 2 * time.Hour  // signed out after two idle hours
	SessionAbsolute = 12 * time.Hour // and after a working day, whatever happens
	touchEvery      = time.Minute    // refresh the idle clock at most once a minute
)

func newToken(prefix string) (token, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	token = prefix + base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// StartSession records a new session for user and returns its token.
func StartSession(ctx context.Context, q db.Q, userID int64, ip string) (string, error) {
	token, hash := newToken("")
	now := db.Now()
	_, err := q.Exec(ctx, `INSERT INTO user_session (token_hash, user_id, created_at, expires_at, last_seen_at, ip)
		VALUES (?, ?, ?, ?, ?, ?)`, hash, userID, now, now.Add(SessionIdle), now, ip)
	return token, err
}

// Session is a signed-in browser.
type Session struct {
	User      User
	CreatedAt time.Time
	ExpiresAt time.Time
}

var errNoSession = apperr.New(apperr.Unauthorized, "login.required")

// SessionUser returns the active user of a session token, extending its idle
// clock. An expired, unknown or deactivated session is Unauthorized.
func SessionUser(ctx context.Context, q db.Q, token string) (Session, error) {
	if token == "" || len(token) > 100 {
		return Session{}, errNoSession
	}
	hash := hashToken(token)
	var s Session
	var lastSeen time.Time
	// One round trip: the session with its user and the user's unit.
	u, err := scanUser(q.QueryRow(ctx, "SELECT "+userColumns+", s.created_at, s.expires_at, s.last_seen_at"+userFrom+
		" JOIN user_session s ON s.user_id = u.id WHERE s.token_hash = ?", hash), &s.CreatedAt, &s.ExpiresAt, &lastSeen)
	if errors.Is(err, db.ErrNotFound) {
		return Session{}, errNoSession
	}
	if err != nil {
		return Session{}, err
	}
	s.User = u
	now := db.Now()
	if !now.Before(s.ExpiresAt) {
		_, _ = q.Exec(ctx, "DELETE FROM user_session WHERE token_hash = ?", hash)
		return Session{}, errNoSession
	}
	if !s.User.Active {
		return Session{}, errNoSession
	}
	if now.Sub(lastSeen) > touchEvery {
		exp := now.Add(SessionIdle)
		if abs := s.CreatedAt.Add(SessionAbsolute); exp.After(abs) {
			exp = abs
		}
		if _, err := q.Exec(ctx, "UPDATE user_session SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?",
			now, exp, hash); err != nil {
			return Session{}, err
		}
		s.ExpiresAt = exp
	}
	return s, nil
}

// EndSession signs a browser out.
func EndSession(ctx context.Context, q db.Q, token string) error {
	_, err := q.Exec(ctx, "DELETE FROM user_session WHERE token_hash = ?", hashToken(token))
	return err
}

// PruneSessions removes expired sessions and old login failures; the server
// calls it now and then. Any instance may: the deletes are idempotent.
func PruneSessions(ctx context.Context, q db.Q) error {
	now := db.Now()
	if _, err := q.Exec(ctx, "DELETE FROM user_session WHERE expires_at <= ?", now); err != nil {
		return err
	}
	_, err := q.Exec(ctx, "DELETE FROM login_failure WHERE at < ?", now.Add(-24*time.Hour))
	return err
}

// TokenPrefix marks layan API tokens so that secret scanners can find leaks.
const TokenPrefix = "layan_"

// Token is an API bearer token as listed (never with its secret).
type Token struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// CreateToken makes a bearer token for a user; it acts with that user's role
// and scope. The secret is returned once and stored only as a hash.
func CreateToken(ctx context.Context, q db.Q, userID int64, name string) (string, Token, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		name = "api"
	}
	if len(name) > MaxNameLen {
		var f apperr.Fields
		f.Add("name", "field.too_long", MaxNameLen)
		return "", Token{}, f.Err()
	}
	token, hash := newToken(TokenPrefix)
	t := Token{Name: name, CreatedAt: db.Now()}
	err := q.QueryRow(ctx, `INSERT INTO api_token (user_id, name, token_hash, created_at)
		VALUES (?, ?, ?, ?) RETURNING id`, userID, name, hash, t.CreatedAt).Scan(&t.ID)
	return token, t, db.Err(err)
}

// TokenUser returns the active user of a bearer token.
func TokenUser(ctx context.Context, q db.Q, token string) (User, error) {
	if !strings.HasPrefix(token, TokenPrefix) || len(token) > 100 {
		return User{}, errNoSession
	}
	var id int64
	var lastUsed *time.Time
	// One round trip: the token with its user and the user's unit.
	u, err := scanUser(q.QueryRow(ctx, "SELECT "+userColumns+", t.id, t.last_used_at"+userFrom+
		" JOIN api_token t ON t.user_id = u.id WHERE t.token_hash = ? AND t.revoked_at IS NULL", hashToken(token)), &id, &lastUsed)
	if errors.Is(err, db.ErrNotFound) {
		return User{}, errNoSession
	}
	if err != nil {
		return User{}, err
	}
	if !u.Active {
		return User{}, errNoSession
	}
	now := db.Now()
	if lastUsed == nil || now.Sub(*lastUsed) > touchEvery {
		// The condition lets concurrent requests on one token skip the
		// write once the first of them has made it.
		if _, err := q.Exec(ctx, "UPDATE api_token SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
			now, id, now.Add(-touchEvery)); err != nil {
			return User{}, err
		}
	}
	return u, nil
}

// ListTokens lists a user's live tokens.
func ListTokens(ctx context.Context, q db.Q, userID int64) ([]Token, error) {
	rows, err := q.Query(ctx, `SELECT id, name, created_at, last_used_at FROM api_token
		WHERE user_id = ? AND revoked_at IS NULL ORDER BY id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		if err := rows.Scan(&t.ID, &t.Name, &t.CreatedAt, &t.LastUsedAt); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes one of a user's tokens.
func RevokeToken(ctx context.Context, q db.Q, userID, tokenID int64) error {
	res, err := q.Exec(ctx, "UPDATE api_token SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
		db.Now(), tokenID, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.NotFound, "token.not_found")
	}
	return nil
}

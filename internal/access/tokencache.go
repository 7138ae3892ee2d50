package access

import (
	"context"
	"sync"
	"time"

	"github.com/layan-id/layan/internal/db"
)

// TokenCache remembers the users of recently seen bearer tokens for a few
// seconds. An API client sends many requests a second; looking its token up
// each time was a database round trip per request, about a tenth of what a
// people search costs on PostgreSQL (docs/performance.md).
//
// What a stale entry could let through is bounded: Forget empties the cache
// on every change made through this process (the web layer calls it after
// each state-changing request), and a change made elsewhere — another
// instance, the CLI — is seen within TTL. Unknown tokens are never cached.
type TokenCache struct {
	TTL time.Duration    // how long an entry is trusted; DefaultTokenTTL when 0
	Max int              // entries kept before the cache starts over; 10,000 when 0
	Now func() time.Time // the clock; time.Now when nil

	mu      sync.Mutex
	gen     uint64 // bumped by Forget; a lookup that began before is not kept
	entries map[string]cachedToken
}

// DefaultTokenTTL is how long a token's user is trusted without a lookup.
const DefaultTokenTTL = 5 * time.Second

type cachedToken struct {
	user    User
	expires time.Time
}

// User returns the active user of token, from the cache when it was looked
// up less than TTL ago, else as TokenUser does.
func (c *TokenCache) User(ctx context.Context, q db.Q, token string) (User, error) {
	hash := hashToken(token)
	now := c.clock()
	c.mu.Lock()
	e, ok := c.entries[hash]
	gen := c.gen
	c.mu.Unlock()
	if ok && now.Before(e.expires) {
		return e.user, nil
	}
	u, err := TokenUser(ctx, q, token)
	if err != nil {
		return User{}, err
	}
	ttl := c.TTL
	if ttl <= 0 {
		ttl = DefaultTokenTTL
	}
	limit := c.Max
	if limit <= 0 {
		limit = 10_000
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return u, nil // something changed while we looked: do not keep it
	}
	if c.entries == nil || len(c.entries) >= limit {
		c.entries = map[string]cachedToken{}
	}
	c.entries[hash] = cachedToken{user: u, expires: now.Add(ttl)}
	return u, nil
}

// Forget drops every entry: a user, unit or token may have changed.
func (c *TokenCache) Forget() {
	c.mu.Lock()
	c.gen++
	c.entries = nil
	c.mu.Unlock()
}

func (c *TokenCache) clock() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

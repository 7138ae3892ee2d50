package spm

import (
	"context"
	"time"
)

// The dashboards of the nation and of a province sum every region below
// them: many readers ask for the same few at once (the national viewers,
// the provinces' verifiers at the deadline). The store keeps each such
// overview, trend and reporting status for a moment (Store.CacheFor, half
// a second in the server), so that a thousand readers cost one query per
// moment, and a case step is still in every dashboard within a second
// (issue 6 point 8). A region's own achievement is never cached.

type overviewKey struct {
	code   string
	period Period
}

// cacheKey is one kept result: what it is (an overview, a trend, a
// reporting status) of which region and period.
type cacheKey struct {
	kind string
	overviewKey
}

type cacheEntry struct {
	ready chan struct{} // closed once v and err are set
	at    time.Time
	v     any
	err   error
}

// maxCached bounds the cache: the nation and 38 provinces over a few
// dozen periods, for each kind, fit many times over.
const maxCached = 4096

// cachedOverview returns the overview of key from the cache when it was
// computed less than CacheFor ago, else computes it once for everyone
// asking meanwhile. The overview returned is shared: callers only read it.
func (s *Store) cachedOverview(ctx context.Context, key overviewKey, compute func() (Overview, error)) (Overview, error) {
	return cached(ctx, s, cacheKey{"overview", key}, compute)
}

// cached returns the result of key from the cache when it was computed
// less than CacheFor ago, else computes it once for everyone asking
// meanwhile. The result is shared: callers only read it.
func cached[T any](ctx context.Context, s *Store, key cacheKey, compute func() (T, error)) (T, error) {
	if s.CacheFor <= 0 {
		return compute()
	}
	now := time.Now()
	s.cacheMu.Lock()
	e := s.cache[key]
	if e == nil || (isReady(e) && now.Sub(e.at) >= s.CacheFor) {
		if s.cache == nil || len(s.cache) >= maxCached {
			s.cache = map[cacheKey]*cacheEntry{}
		}
		e = &cacheEntry{ready: make(chan struct{}), at: now}
		s.cache[key] = e
		s.cacheMu.Unlock()
		v, err := compute()
		e.v, e.err = v, err
		if err != nil {
			// A failure is not kept: the next reader tries again.
			s.cacheMu.Lock()
			if s.cache[key] == e {
				delete(s.cache, key)
			}
			s.cacheMu.Unlock()
		}
		close(e.ready)
		return v, err
	}
	s.cacheMu.Unlock()
	select {
	case <-e.ready:
		v, _ := e.v.(T) // a key's kind always holds the same type
		return v, e.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

func isReady(e *cacheEntry) bool {
	select {
	case <-e.ready:
		return true
	default:
		return false
	}
}

package spm

import (
	"context"
	"time"
)

// The dashboards of the nation and of a province sum every region below
// them: many readers ask for the same few at once (the national viewers,
// the provinces' verifiers at the deadline). The store keeps each such
// overview for a moment (Store.CacheFor, half a second in the server), so
// that a thousand readers cost one query per moment, and a case step is
// still in every dashboard within a second (issue 6 point 8). A region's
// own achievement is never cached.

type overviewKey struct {
	code   string
	period Period
}

type overviewEntry struct {
	ready chan struct{} // closed once o and err are set
	at    time.Time
	o     Overview
	err   error
}

// maxOverviews bounds the cache: the nation and 38 provinces over a few
// dozen periods fit many times over.
const maxOverviews = 4096

// cachedOverview returns the overview of key from the cache when it was
// computed less than CacheFor ago, else computes it once for everyone
// asking meanwhile. The overview returned is shared: callers only read it.
func (s *Store) cachedOverview(ctx context.Context, key overviewKey, compute func() (Overview, error)) (Overview, error) {
	if s.CacheFor <= 0 {
		return compute()
	}
	now := time.Now()
	s.cacheMu.Lock()
	e := s.overviews[key]
	if e == nil || (isReady(e) && now.Sub(e.at) >= s.CacheFor) {
		if s.overviews == nil || len(s.overviews) >= maxOverviews {
			s.overviews = map[overviewKey]*overviewEntry{}
		}
		e = &overviewEntry{ready: make(chan struct{}), at: now}
		s.overviews[key] = e
		s.cacheMu.Unlock()
		e.o, e.err = compute()
		if e.err != nil {
			// A failure is not kept: the next reader tries again.
			s.cacheMu.Lock()
			if s.overviews[key] == e {
				delete(s.overviews, key)
			}
			s.cacheMu.Unlock()
		}
		close(e.ready)
		return e.o, e.err
	}
	s.cacheMu.Unlock()
	select {
	case <-e.ready:
		return e.o, e.err
	case <-ctx.Done():
		return Overview{}, ctx.Err()
	}
}

func isReady(e *overviewEntry) bool {
	select {
	case <-e.ready:
		return true
	default:
		return false
	}
}

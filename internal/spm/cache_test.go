package spm

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Readers asking at once share one computation; a kept overview is served
// until CacheFor has passed; a failure is not kept.
func TestCachedOverview(t *testing.T) {
	s := &Store{CacheFor: time.Hour}
	ctx := context.Background()
	key := overviewKey{"33", Period{2026, 4}}
	var calls atomic.Int32
	release := make(chan struct{})
	compute := func() (Overview, error) {
		calls.Add(1)
		<-release
		return Overview{Period: key.period}, nil
	}
	var wg sync.WaitGroup
	read := func() {
		if o, err := s.cachedOverview(ctx, key, compute); err != nil || o.Period != key.period {
			t.Errorf("%+v, %v", o, err)
		}
	}
	wg.Go(read)
	for calls.Load() == 0 { // the first reader is computing
		runtime.Gosched()
	}
	for range 19 {
		wg.Go(read) // these find it under way and wait
	}
	close(release)
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Errorf("%d computations for 20 readers at once", n)
	}
	if _, err := s.cachedOverview(ctx, key, compute); err != nil || calls.Load() != 1 {
		t.Errorf("a kept overview was computed again (%d)", calls.Load())
	}
	// Expired: computed again.
	s.cacheMu.Lock()
	s.cache[cacheKey{"overview", key}].at = time.Now().Add(-2 * time.Hour)
	s.cacheMu.Unlock()
	if _, err := s.cachedOverview(ctx, key, compute); err != nil || calls.Load() != 2 {
		t.Errorf("an expired overview was not computed again (%d)", calls.Load())
	}
	// A failure is not kept.
	boom := errors.New("boom")
	other := overviewKey{"", Period{2026, 4}}
	if _, err := s.cachedOverview(ctx, other, func() (Overview, error) { return Overview{}, boom }); !errors.Is(err, boom) {
		t.Errorf("failure: %v", err)
	}
	if _, err := s.cachedOverview(ctx, other, func() (Overview, error) { return Overview{}, nil }); err != nil {
		t.Errorf("after a failure: %v", err)
	}
	// Without CacheFor nothing is kept.
	plain := &Store{}
	for range 3 {
		plain.cachedOverview(ctx, key, compute)
	}
	if calls.Load() != 5 {
		t.Errorf("without CacheFor: %d computations, want 5", calls.Load())
	}
}

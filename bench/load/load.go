// Package load is a small closed-loop HTTP load generator: a fixed number of
// clients, each sending its next request when the last one is answered,
// for a fixed time. Every latency is kept and sorted for the percentiles:
// a run is bounded in time and in requests, so this stays small (8 bytes a
// request) and needs no histogram approximation.
package load

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Config is one scenario.
type Config struct {
	Clients  int           // concurrent clients, each with its own keep-alive connection
	Duration time.Duration // how long samples are recorded
	Warmup   time.Duration // unrecorded time before, to open connections and warm caches
	// MaxRequests bounds the recorded requests; the run ends early when met.
	MaxRequests int
	// URL returns the i-th request's URL; it must be safe for concurrent use.
	URL    func(i int) string
	Header http.Header
	// Headers, when set, gives the i-th request's headers instead of
	// Header: requests made as many different users.
	Headers func(i int) http.Header
}

// Result is what a scenario measured.
type Result struct {
	Latencies []time.Duration // sorted, of the answers with status 200
	Errors    int             // transport errors and statuses other than 200
	Elapsed   time.Duration   // recorded time
	// Unrecorded is how many requests were answered during the warm-up or
	// past the request bound, for costs measured over the whole run.
	Unrecorded int
	// FirstError describes the first failure, for the report.
	FirstError string
}

// Requests is the number of successful recorded requests.
func (r Result) Requests() int { return len(r.Latencies) }

// Rate is successful requests per second over the recorded time.
func (r Result) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(len(r.Latencies)) / r.Elapsed.Seconds()
}

// Percentile returns the latency below which p (0–100) per cent of the
// answers fall (nearest rank); 0 without samples.
func (r Result) Percentile(p float64) time.Duration {
	n := len(r.Latencies)
	if n == 0 {
		return 0
	}
	rank := int(p/100*float64(n)+0.999999999) - 1
	return r.Latencies[min(max(rank, 0), n-1)]
}

// Max is the slowest answer.
func (r Result) Max() time.Duration { return r.Percentile(100) }

// NewClient returns an HTTP client that keeps one connection per load
// client alive, on loopback only.
func NewClient(clients int) *http.Client {
	t := &http.Transport{
		MaxIdleConns:        clients,
		MaxIdleConnsPerHost: clients,
		MaxConnsPerHost:     clients,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}
	return &http.Client{Transport: t, Timeout: 30 * time.Second}
}

// maxBody bounds what is read of one answer.
const maxBody = 4 << 20

// Run drives c.Clients clients against the server until c.Warmup plus
// c.Duration have passed, ctx ends or c.MaxRequests are recorded.
func Run(ctx context.Context, client *http.Client, c Config) Result {
	var (
		next     atomic.Int64 // request counter, for URL selection
		recorded atomic.Int64
		mu       sync.Mutex
		res      Result
		wg       sync.WaitGroup
	)
	start := time.Now()
	recordFrom := start.Add(c.Warmup)
	end := recordFrom.Add(c.Duration)
	rctx, cancel := context.WithDeadline(ctx, end.Add(30*time.Second))
	defer cancel()
	for range c.Clients {
		wg.Go(func() {
			// Each client keeps its own samples; they are merged once.
			var lat []time.Duration
			var errs, unrecorded int
			var firstErr string
			for {
				t0 := time.Now()
				if !t0.Before(end) || rctx.Err() != nil {
					break
				}
				i := int(next.Add(1))
				req, err := http.NewRequestWithContext(rctx, http.MethodGet, c.URL(i), nil)
				if err != nil {
					panic(err) // the URL functions are ours
				}
				h := c.Header
				if c.Headers != nil {
					h = c.Headers(i)
				}
				for k, v := range h {
					req.Header[k] = v
				}
				resp, err := client.Do(req)
				ok := false
				if err == nil {
					_, err = io.Copy(io.Discard, io.LimitReader(resp.Body, maxBody))
					resp.Body.Close()
					ok = err == nil && resp.StatusCode == http.StatusOK
					if err == nil && !ok {
						err = fmt.Errorf("status %d for %s", resp.StatusCode, req.URL.RequestURI())
					}
				}
				d := time.Since(t0)
				if !ok && rctx.Err() != nil {
					break // the run was ended, not failed by the server
				}
				if t0.Before(recordFrom) {
					unrecorded++
					continue
				}
				if !ok {
					errs++
					if firstErr == "" {
						firstErr = err.Error()
					}
					continue
				}
				if c.MaxRequests > 0 && recorded.Add(1) > int64(c.MaxRequests) {
					unrecorded++
					cancel()
					break
				}
				lat = append(lat, d)
			}
			mu.Lock()
			res.Latencies = append(res.Latencies, lat...)
			res.Errors += errs
			res.Unrecorded += unrecorded
			if res.FirstError == "" {
				res.FirstError = firstErr
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	res.Elapsed = min(time.Since(recordFrom), c.Duration)
	if c.MaxRequests > 0 && int(recorded.Load()) > c.MaxRequests {
		// Ended early on the request bound: the rate is over the time used.
		res.Elapsed = time.Since(recordFrom)
	}
	slices.Sort(res.Latencies)
	return res
}

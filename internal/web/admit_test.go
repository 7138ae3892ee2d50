package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// With one slot, requests are served one at a time in the order they came;
// health checks pass by the queue; a client that leaves is dropped from it.
func TestAdmitInArrivalOrder(t *testing.T) {
	s := &Server{cfg: Config{MaxActive: 1}, metrics: &metrics{queued: prometheus.NewGauge(prometheus.GaugeOpts{Name: "q"})}}
	release := make(chan struct{})
	var mu sync.Mutex
	var order []string
	h := s.admit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		order = append(order, r.URL.Query().Get("n"))
		mu.Unlock()
		if r.URL.Query().Get("n") == "first" {
			<-release
		}
	}))
	var wg sync.WaitGroup
	send := func(ctx context.Context, n string) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := httptest.NewRequest("GET", "/api/v1/people?n="+n, nil).WithContext(ctx)
			h.ServeHTTP(httptest.NewRecorder(), r)
		}()
	}
	waitQueued := func(n float64) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); gauge(s.metrics.queued) != n; {
			if time.Now().After(deadline) {
				t.Fatalf("queued %v, want %v", gauge(s.metrics.queued), n)
			}
			time.Sleep(time.Millisecond)
		}
	}
	send(context.Background(), "first")
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		mu.Lock()
		started := len(order) == 1
		mu.Unlock()
		if started {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first request never started")
		}
	}
	gone, leave := context.WithCancel(context.Background())
	for i, n := range []string{"b", "gone", "c", "d"} {
		ctx := context.Background()
		if n == "gone" {
			ctx = gone
		}
		send(ctx, n)
		waitQueued(float64(i + 1))
	}
	leave()
	waitQueued(3)

	// The queue does not hold health checks or uploads back.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz?n=health", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("healthz while full: %d", rec.Code)
	}
	up := httptest.NewRequest("POST", "/cases/1/attachments?n=upload", nil)
	up.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	h.ServeHTTP(httptest.NewRecorder(), up)
	close(release)
	wg.Wait()
	want := []string{"first", "health", "upload", "b", "c", "d"}
	if len(order) != len(want) {
		t.Fatalf("served %v, want %v", order, want)
	}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("served %v, want %v", order, want)
		}
	}
}

func gauge(g prometheus.Gauge) float64 {
	var m dto.Metric
	if err := g.Write(&m); err != nil {
		return -1
	}
	return m.GetGauge().GetValue()
}

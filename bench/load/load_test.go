package load

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	var r Result
	for i := 1; i <= 100; i++ {
		r.Latencies = append(r.Latencies, time.Duration(i)*time.Millisecond)
	}
	for _, tc := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {90, 90 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {0, time.Millisecond}} {
		if got := r.Percentile(tc.p); got != tc.want {
			t.Errorf("p%v = %v, want %v", tc.p, got, tc.want)
		}
	}
	if (Result{}).Percentile(99) != 0 {
		t.Error("percentile of nothing is not 0")
	}
}

func TestRun(t *testing.T) {
	var served, bad atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		if r.Header.Get("Authorization") != "Bearer x" {
			bad.Add(1)
		}
		if r.URL.Query().Get("fail") == "1" {
			http.Error(w, "no", http.StatusTeapot)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	client := NewClient(4)
	res := Run(context.Background(), client, Config{
		Clients: 4, Duration: time.Hour, MaxRequests: 200,
		URL: func(i int) string {
			if i%10 == 0 {
				return srv.URL + "/?fail=1"
			}
			return srv.URL + "/"
		},
		Header: http.Header{"Authorization": {"Bearer x"}},
	})
	if res.Requests() != 200 {
		t.Fatalf("%d recorded requests, want the bound of 200", res.Requests())
	}
	if res.Errors == 0 || res.FirstError == "" {
		t.Fatalf("errors %d (%q): the 418 answers were not counted", res.Errors, res.FirstError)
	}
	if bad.Load() != 0 {
		t.Fatalf("%d requests without the header", bad.Load())
	}
	if res.Elapsed <= 0 || res.Elapsed > time.Minute || res.Rate() <= 0 {
		t.Fatalf("elapsed %v, rate %v", res.Elapsed, res.Rate())
	}
	for i := 1; i < len(res.Latencies); i++ {
		if res.Latencies[i] < res.Latencies[i-1] {
			t.Fatal("latencies not sorted")
		}
	}
	if int(served.Load()) < res.Requests()+res.Errors {
		t.Fatalf("server saw %d requests, the result counts %d", served.Load(), res.Requests()+res.Errors)
	}
}

// Headers, when given, chooses each request's headers: requests made as
// several users.
func TestRunHeaders(t *testing.T) {
	var seen [3]atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Header.Get("Authorization") {
		case "Bearer 0":
			seen[0].Add(1)
		case "Bearer 1":
			seen[1].Add(1)
		default:
			seen[2].Add(1)
		}
	}))
	defer srv.Close()
	res := Run(context.Background(), NewClient(2), Config{
		Clients: 2, Duration: time.Hour, MaxRequests: 100,
		URL:     func(int) string { return srv.URL },
		Header:  http.Header{"Authorization": {"Bearer unused"}},
		Headers: func(i int) http.Header { return http.Header{"Authorization": {"Bearer " + string(rune('0'+i%2))}} },
	})
	if res.Requests() != 100 || seen[0].Load() == 0 || seen[1].Load() == 0 || seen[2].Load() != 0 {
		t.Fatalf("%d requests; as user 0: %d, user 1: %d, with Header: %d", res.Requests(), seen[0].Load(), seen[1].Load(), seen[2].Load())
	}
}

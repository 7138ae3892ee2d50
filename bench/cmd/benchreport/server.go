package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is `layan serve --demo` running as its own process, so that its
// memory and CPU time can be read from /proc.
type server struct {
	cmd     *exec.Cmd
	url     string
	env     []string
	logPath string
	exited  chan struct{}
	waitErr error
}

var listeningRE = regexp.MustCompile(`listening on (http://\S+)`)

// layanEnv is the environment for the binary: ours without any LAYAN_
// setting, plus LAYAN_DB.
func layanEnv(dbURL string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LAYAN_") {
			env = append(env, kv)
		}
	}
	return append(env, "LAYAN_DB="+dbURL)
}

// startServer starts bin on dbURL on a free loopback port and waits until
// /readyz answers. Its log goes to a file in dir (the server logs every
// request, as in production).
func startServer(ctx context.Context, bin, dir, engine, dbURL string) (*server, error) {
	s := &server{env: layanEnv(dbURL), logPath: filepath.Join(dir, engine+"-server.log"), exited: make(chan struct{})}
	logf, err := os.Create(s.logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close() // the child keeps its own descriptor
	s.cmd = exec.Command(bin, "serve", "--demo", "--addr", "127.0.0.1:0")
	s.cmd.Env = s.env
	s.cmd.Stderr = logf
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	urls := make(chan string, 1)
	go func() {
		// Read stdout to its end so the child never blocks on a full pipe.
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case urls <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, stdout)
		s.waitErr = s.cmd.Wait()
		close(s.exited)
	}()
	// Migrations and the load of 91,599 regions into an empty database
	// take seconds; two minutes is plenty on any machine we run on.
	timeout := time.NewTimer(2 * time.Minute)
	defer timeout.Stop()
	select {
	case s.url = <-urls:
	case <-s.exited:
		return nil, fmt.Errorf("%s server exited before listening (%v); log:\n%s", engine, s.waitErr, tail(s.logPath))
	case <-timeout.C:
		s.stop()
		return nil, fmt.Errorf("%s server did not listen within 2 minutes; log:\n%s", engine, tail(s.logPath))
	case <-ctx.Done():
		s.stop()
		return nil, ctx.Err()
	}
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		resp, err := client.Get(s.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case <-s.exited:
			return nil, fmt.Errorf("%s server exited (%v); log:\n%s", engine, s.waitErr, tail(s.logPath))
		case <-timeout.C:
			s.stop()
			return nil, fmt.Errorf("%s server not ready within 2 minutes; log:\n%s", engine, tail(s.logPath))
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// command runs another subcommand of the binary on the same database.
func (s *server) command(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, s.cmd.Path, args...)
	cmd.Env = s.env
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("layan %s: %v: %s", strings.Join(args, " "), err, ee.Stderr)
		}
		return "", err
	}
	return string(out), nil
}

// stop sends SIGTERM (a graceful shutdown) and kills the server if it has
// not stopped within 30 seconds.
func (s *server) stop() error {
	if s.cmd.Process == nil {
		return nil
	}
	select {
	case <-s.exited:
		return s.waitErr
	default:
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
		return s.waitErr
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
		return errors.New("server did not stop within 30 s of SIGTERM; killed")
	}
}

// procStats is what /proc says about the server at one moment.
type procStats struct {
	RSS, HWM int64         // VmRSS and VmHWM, bytes
	CPU      time.Duration // user + system time so far
}

func (s *server) stats() (procStats, error) {
	var st procStats
	pid := s.cmd.Process.Pid
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return st, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch k {
		case "VmRSS":
			st.RSS = kB(v)
		case "VmHWM":
			st.HWM = kB(v)
		}
	}
	b, err = os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return st, err
	}
	// Fields after the command name, which is in parentheses and may hold
	// spaces: state is field 3, utime 14 and stime 15 (proc(5)).
	_, rest, _ := strings.Cut(string(b), ") ")
	f := strings.Fields(rest)
	if len(f) < 13 {
		return st, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	stt, _ := strconv.ParseInt(f[12], 10, 64)
	st.CPU = time.Duration(ut+stt) * time.Second / clockTicks
	return st, nil
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat times: 100 on every
// Linux architecture Go supports (sysconf(_SC_CLK_TCK)).
const clockTicks = 100

func kB(v string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
	return n * 1024
}

// tail returns the end of a log file for an error message.
func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// metrics is one scrape of the server's /metrics: the full series name with
// its labels → value.
type metrics map[string]float64

func (s *server) metrics(ctx context.Context) (metrics, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("/metrics: status %d", resp.StatusCode)
	}
	m := metrics{}
	sc := bufio.NewScanner(io.LimitReader(resp.Body, 16<<20))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		if v, err := strconv.ParseFloat(line[i+1:], 64); err == nil {
			m[line[:i]] = v
		}
	}
	return m, sc.Err()
}

// sub returns m − before, series by series.
func (m metrics) sub(before metrics) metrics {
	out := metrics{}
	for k, v := range m {
		out[k] = v - before[k]
	}
	return out
}

// sum adds the series whose name starts with prefix (a metric name, with
// or without some of its labels).
func (m metrics) sum(prefix string) float64 {
	var t float64
	for k, v := range m {
		if strings.HasPrefix(k, prefix) {
			t += v
		}
	}
	return t
}

// serverQuantile reads the server's own latency histogram for route: the
// upper bound of the bucket that holds quantile q (0–1), and whether there
// were observations. The bound is all a histogram can say.
func (m metrics) serverQuantile(route string, q float64) (le float64, ok bool) {
	prefix := `layan_http_request_duration_seconds_bucket{method="GET",route="GET ` + route + `",le="`
	type bucket struct{ le, n float64 }
	var bs []bucket
	for k, v := range m {
		if rest, found := strings.CutPrefix(k, prefix); found {
			bound := strings.TrimSuffix(rest, `"}`)
			f, err := strconv.ParseFloat(bound, 64)
			if bound == "+Inf" {
				f, err = math.Inf(1), nil
			}
			if err == nil {
				bs = append(bs, bucket{f, v})
			}
		}
	}
	if len(bs) == 0 {
		return 0, false
	}
	slices.SortFunc(bs, func(a, b bucket) int { return cmp.Compare(a.le, b.le) })
	total := bs[len(bs)-1].n
	if total <= 0 {
		return 0, false
	}
	for _, b := range bs {
		if b.n >= q*total {
			return b.le, true
		}
	}
	return math.Inf(1), true
}

// Package dbtest gives tests a fresh, migrated database with the region list
// loaded, on SQLite and on PostgreSQL. Every store test runs on both engines:
//
//	for _, engine := range dbtest.Engines(t) {
//		t.Run(engine, func(t *testing.T) { d := dbtest.Open(t, engine); … })
//	}
//
// PostgreSQL comes from LAYAN_TEST_POSTGRES (a URL to a maintenance database,
// e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable). Without
// it the PostgreSQL runs are skipped, except under CI=true, where they fail.
//
// Loading 91,599 regions takes seconds, so each engine builds one template
// once (a PostgreSQL template database, a SQLite file) and every test gets a
// copy of it in milliseconds.
package dbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/app"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/wilayah"
)

const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// PostgresURL returns the maintenance URL of the test server, or "".
func PostgresURL() string { return os.Getenv("LAYAN_TEST_POSTGRES") }

// Engines lists the engines to run a store test on. PostgreSQL is left out
// (with a visible skip) when no server is configured outside CI.
func Engines(t testing.TB) []string {
	t.Helper()
	if PostgresURL() == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("LAYAN_TEST_POSTGRES is not set under CI=true: PostgreSQL tests must run")
		}
		t.Log("LAYAN_TEST_POSTGRES not set: PostgreSQL runs skipped")
		return []string{SQLite}
	}
	return []string{SQLite, Postgres}
}

// Regions returns the embedded region index, built once per test binary.
var Regions = sync.OnceValues(wilayah.Embedded)

func regions(t testing.TB) *wilayah.Index {
	ix, err := Regions()
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// Open returns a fresh database of engine, closed and dropped when t ends.
func Open(t testing.TB, engine string) *db.DB {
	t.Helper()
	url := NewURL(t, engine)
	d, err := db.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// NewURL creates a fresh database of engine and returns its LAYAN_DB URL, for
// tests that start whole servers on it. It is dropped when t ends.
func NewURL(t testing.TB, engine string) string {
	t.Helper()
	switch engine {
	case SQLite:
		tmpl := sqliteTemplate(t)
		path := filepath.Join(t.TempDir(), "layan.db")
		if err := copyFile(tmpl, path); err != nil {
			t.Fatal(err)
		}
		return "sqlite:" + path
	case Postgres:
		return postgresCopy(t)
	}
	t.Fatalf("dbtest: unknown engine %q", engine)
	return ""
}

// fingerprint names templates after the schema and the region data, so a
// changed migration never reuses a stale template.
var fingerprint = sync.OnceValue(func() string {
	h := sha256.New()
	for _, dialect := range []string{"postgres", "sqlite"} {
		entries, _ := os.ReadDir(filepath.Join(moduleRoot(), "internal", "db", "migrations", dialect))
		for _, e := range entries {
			b, _ := os.ReadFile(filepath.Join(moduleRoot(), "internal", "db", "migrations", dialect, e.Name()))
			h.Write([]byte(e.Name()))
			h.Write(b)
		}
	}
	if ix, err := Regions(); err == nil {
		fmt.Fprint(h, ix.Source().ID, ix.Count(0))
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
})

func moduleRoot() string {
	dir, _ := os.Getwd()
	for d := dir; d != "/" && d != "."; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
	}
	return dir
}

var (
	sqliteOnce sync.Mutex
	sqliteTmpl string
)

func sqliteTemplate(t testing.TB) string {
	sqliteOnce.Lock()
	defer sqliteOnce.Unlock()
	if sqliteTmpl != "" {
		return sqliteTmpl
	}
	dir := filepath.Join(os.TempDir(), "layan-dbtest")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "template-"+fingerprint()+".db")
	if _, err := os.Stat(path); err == nil {
		sqliteTmpl = path
		return path
	}
	// Build under a unique name and rename: parallel test binaries never see
	// a half-built template.
	tmp := fmt.Sprintf("%s.%s.tmp", path, randomSuffix())
	ctx := context.Background()
	d, err := db.Open(ctx, "sqlite:"+tmp)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Prepare(ctx, d, regions(t)); err != nil {
		d.Close()
		t.Fatal(err)
	}
	// Fold the WAL into the main file so one file is the whole database.
	if _, err := d.Exec(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(ctx, "PRAGMA journal_mode=DELETE"); err != nil {
		t.Fatal(err)
	}
	d.Close()
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	os.Remove(tmp + "-wal")
	os.Remove(tmp + "-shm")
	sqliteTmpl = path
	return path
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

func randomSuffix() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// withDatabase replaces the database name of a PostgreSQL URL.
func withDatabase(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path = "/" + name
	return u.String()
}

var pgTemplateOnce sync.Mutex

// postgresTemplate makes sure the template database for this fingerprint
// exists; parallel test binaries serialise on an advisory lock.
func postgresTemplate(t testing.TB, admin *db.DB) string {
	pgTemplateOnce.Lock()
	defer pgTemplateOnce.Unlock()
	ctx := context.Background()
	name := "layan_tmpl_" + fingerprint()
	conn, err := admin.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(7340021)"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, "SELECT pg_advisory_unlock(7340021)")
	var n int
	if err := conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n == 1 {
		return name
	}
	building := name + "_build"
	conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)")
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+building); err != nil {
		t.Fatal(err)
	}
	d, err := db.Open(ctx, withDatabase(PostgresURL(), building))
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Prepare(ctx, d, regions(t)); err != nil {
		d.Close()
		t.Fatal(err)
	}
	d.Close()
	if _, err := conn.ExecContext(ctx, "ALTER DATABASE "+building+" RENAME TO "+name); err != nil {
		t.Fatal(err)
	}
	return name
}

func postgresCopy(t testing.TB) string {
	t.Helper()
	admin := postgresAdmin(t)
	defer admin.Close()
	return postgresCopyOf(t, postgresTemplate(t, admin))
}

// postgresAdmin opens the maintenance database, skipping the test when the
// server is unreachable outside CI.
func postgresAdmin(t testing.TB) *db.DB {
	t.Helper()
	admin, err := db.Open(context.Background(), PostgresURL())
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL not reachable under CI=true: %v", err)
		}
		t.Skipf("PostgreSQL not reachable: %v", err)
	}
	return admin
}

// postgresCopyOf copies the database tmpl into a fresh one, dropped when t
// ends, and returns its URL.
func postgresCopyOf(t testing.TB, tmpl string) string {
	t.Helper()
	admin := postgresAdmin(t)
	defer admin.Close()
	name := "layan_test_" + randomSuffix()
	createFrom(t, admin, tmpl, name)
	t.Cleanup(func() {
		a, err := db.Open(context.Background(), PostgresURL())
		if err != nil {
			return
		}
		defer a.Close()
		a.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	return withDatabase(PostgresURL(), name)
}

// postgresCopyNamed copies the schema template into the database name, which
// outlives t (Sweep drops it), and returns its URL.
func postgresCopyNamed(t testing.TB, name string) string {
	t.Helper()
	admin := postgresAdmin(t)
	defer admin.Close()
	createFrom(t, admin, postgresTemplate(t, admin), name)
	return withDatabase(PostgresURL(), name)
}

func createFrom(t testing.TB, admin *db.DB, tmpl, name string) {
	t.Helper()
	// CREATE DATABASE … TEMPLATE fails while another session is connected to
	// the template (a parallel copy); retry briefly.
	for i := 0; ; i++ {
		_, err := admin.Exec(context.Background(), "CREATE DATABASE "+name+" TEMPLATE "+tmpl)
		if err == nil {
			return
		}
		if i == 50 || !strings.Contains(err.Error(), "being accessed by other users") {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Unit adds a Dinas Sosial kab/kota unit for region (a kab/kota code) and
// returns its id: the unit that store tests register people and open
// cases at, without the validation of the unit package.
func Unit(t testing.TB, d *db.DB, name, region string) int64 {
	t.Helper()
	var id int64
	err := d.QueryRow(context.Background(), `INSERT INTO unit (type, name, region_code, province_code, created_at, updated_at)
		VALUES ('dinsos_kabkota', ?, ?, ?, ?, ?) RETURNING id`, name, region, region[:2], db.Now(), db.Now()).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// A seeded template is a database that seed has written on a fresh copy of
// the schema template, built once per test binary and key; every OpenSeeded
// of that key gets a copy of it. The web tests use it for the demo data,
// which takes seconds to write and milliseconds to copy. Its name carries the
// time it was built so a binary that was killed leaves nothing for long:
// Sweep drops those older than a few hours.
type seeded struct {
	once sync.Once
	url  string // the template's LAYAN_DB URL
	err  error
}

var (
	seededMu    sync.Mutex
	seededByKey = map[string]*seeded{}
)

const seededPrefix = "layan_seed_"

// OpenSeeded returns a fresh database of engine that starts as a copy of
// what seed wrote once (per test binary and key) on a fresh database. seed
// runs at most once per engine and key; if it failed, every caller fails.
func OpenSeeded(t testing.TB, engine, key string, seed func(context.Context, *db.DB) error) *db.DB {
	t.Helper()
	url := NewSeededURL(t, engine, key, seed)
	d, err := db.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// NewSeededURL is OpenSeeded for tests that start whole servers: it returns
// the copy's LAYAN_DB URL.
func NewSeededURL(t testing.TB, engine, key string, seed func(context.Context, *db.DB) error) string {
	t.Helper()
	seededMu.Lock()
	s := seededByKey[engine+"/"+key]
	if s == nil {
		s = &seeded{}
		seededByKey[engine+"/"+key] = s
	}
	seededMu.Unlock()
	s.once.Do(func() { s.url, s.err = buildSeeded(t, engine, key, seed) })
	if s.err != nil {
		t.Fatalf("dbtest: seeding %s template %q: %v", engine, key, s.err)
	}
	if s.url == "" {
		// The build stopped its test (a skip or a fatal): that test says why.
		t.Fatalf("dbtest: the %s template %q could not be built; see the first test that tried", engine, key)
	}
	switch engine {
	case SQLite:
		path := filepath.Join(t.TempDir(), "layan.db")
		if err := copyFile(strings.TrimPrefix(s.url, "sqlite:"), path); err != nil {
			t.Fatal(err)
		}
		return "sqlite:" + path
	case Postgres:
		u, err := url.Parse(s.url)
		if err != nil {
			t.Fatal(err)
		}
		return postgresCopyOf(t, strings.TrimPrefix(u.Path, "/"))
	}
	t.Fatalf("dbtest: unknown engine %q", engine)
	return ""
}

func buildSeeded(t testing.TB, engine, key string, seed func(context.Context, *db.DB) error) (string, error) {
	ctx := context.Background()
	name := fmt.Sprintf("%s%d_%s", seededPrefix, time.Now().Unix(), randomSuffix())
	var target string
	switch engine {
	case SQLite:
		dir := filepath.Join(os.TempDir(), "layan-dbtest")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		path := filepath.Join(dir, name+".db")
		if err := copyFile(sqliteTemplate(t), path); err != nil {
			return "", err
		}
		target = "sqlite:" + path
	case Postgres:
		target = postgresCopyNamed(t, name)
	default:
		return "", fmt.Errorf("unknown engine %q", engine)
	}
	d, err := db.Open(ctx, target)
	if err != nil {
		return "", err
	}
	defer d.Close()
	if err := seed(ctx, d); err != nil {
		return "", err
	}
	if engine == SQLite {
		if _, err := d.Exec(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			return "", err
		}
	}
	return target, nil
}

// Sweep drops the seeded templates this binary built, and those of killed
// binaries older than three hours. Call it from TestMain after m.Run.
func Sweep() {
	seededMu.Lock()
	defer seededMu.Unlock()
	ctx := context.Background()
	stale := time.Now().Add(-3 * time.Hour).Unix()
	old := func(name string) bool {
		var ts int64
		if _, err := fmt.Sscanf(strings.TrimPrefix(name, seededPrefix), "%d_", &ts); err != nil {
			return false
		}
		return ts < stale
	}
	mine := map[string]bool{}
	for _, s := range seededByKey {
		if s.err == nil && s.url != "" {
			mine[s.url] = true
		}
	}
	dir := filepath.Join(os.TempDir(), "layan-dbtest")
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(e.Name(), "-wal"), "-shm"), ".db")
		if strings.HasPrefix(base, seededPrefix) && (mine["sqlite:"+filepath.Join(dir, base+".db")] || old(base)) {
			os.Remove(path)
		}
	}
	if PostgresURL() == "" {
		return
	}
	admin, err := db.Open(ctx, PostgresURL())
	if err != nil {
		return
	}
	defer admin.Close()
	rows, err := admin.Query(ctx, "SELECT datname FROM pg_database WHERE datname LIKE 'layan\\_seed\\_%'")
	if err != nil {
		return
	}
	var names []string
	for rows.Next() {
		var n string
		if rows.Scan(&n) == nil {
			names = append(names, n)
		}
	}
	rows.Close()
	for _, n := range names {
		if mine[withDatabase(PostgresURL(), n)] || old(n) {
			admin.Exec(ctx, "DROP DATABASE IF EXISTS "+n+" WITH (FORCE)")
		}
	}
}

// Package db opens layan's database on either engine — SQLite (embedded, the
// default) or PostgreSQL (production) — and gives the domain packages one small
// surface for hand-written SQL: queries are written with `?` placeholders and
// rebound for PostgreSQL, errors are normalised to ErrNotFound, ErrDuplicate
// and ErrConflict, and transactions are run by InTx.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names the SQL engine behind a DB.
type Dialect string

const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// Errors every store returns instead of driver errors, so callers can test
// them with errors.Is on both engines.
var (
	ErrNotFound  = errors.New("db: not found")
	ErrDuplicate = errors.New("db: duplicate key")
	ErrConflict  = errors.New("db: conflict")
)

// Q is what a store method needs: a DB or a Tx.
type Q interface {
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
	Dialect() Dialect
}

// DB is an open database of either dialect.
type DB struct {
	sql     *sql.DB
	dialect Dialect
	url     string
	stmts   *stmtCache // SQLite only: pgx caches its own prepared statements
}

// Open connects to url: "sqlite:PATH" (or a path ending in .db) or
// "postgres://…". It pings the database before returning.
func Open(ctx context.Context, rawURL string) (*DB, error) {
	d, dsn, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	var sdb *sql.DB
	switch d {
	case Postgres:
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			return nil, fmt.Errorf("db: %w", err)
		}
		// pgx prepares and caches each statement per connection; PostgreSQL
		// then plans the first five executions for their values (about a
		// millisecond each for a search, more than running it) and keeps
		// re-planning any statement whose generic plan it prices higher.
		// Our queries are written to follow one index whatever the values
		// (a region or key range, an id), so one generic plan per statement
		// is right and planning is paid once per connection. A URL that
		// sets plan_cache_mode itself keeps its choice.
		if _, set := cfg.RuntimeParams["plan_cache_mode"]; !set {
			cfg.RuntimeParams["plan_cache_mode"] = "force_generic_plan"
		}
		sdb = stdlib.OpenDB(*cfg)
		// As many idle as open: closing and reopening connections under load
		// costs PostgreSQL a process start each time.
		sdb.SetMaxOpenConns(20)
		sdb.SetMaxIdleConns(20)
		sdb.SetConnMaxIdleTime(5 * time.Minute)
	case SQLite:
		sdb, err = sql.Open("sqlite", dsn)
		if err != nil {
			return nil, err
		}
		// WAL lets readers run beside the one writer; busy_timeout makes the
		// CLI and a running server share the file instead of failing at once.
		sdb.SetMaxOpenConns(8)
		sdb.SetMaxIdleConns(8)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sdb.PingContext(pctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("db: connect %s: %w", d, err)
	}
	db := &DB{sql: sdb, dialect: d, url: rawURL}
	if d == SQLite {
		db.stmts = &stmtCache{m: map[string]*sql.Stmt{}}
	}
	return db, nil
}

func parseURL(raw string) (Dialect, string, error) {
	switch {
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		return Postgres, raw, nil
	case strings.HasPrefix(raw, "sqlite:"), strings.HasSuffix(raw, ".db"):
		path := strings.TrimPrefix(strings.TrimPrefix(raw, "sqlite:"), "//")
		if path == "" {
			return "", "", fmt.Errorf("db: %q names no SQLite file", raw)
		}
		q := url.Values{}
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "foreign_keys(1)")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Set("_txlock", "immediate")
		q.Set("_time_format", "sqlite")
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		return SQLite, path + sep + q.Encode(), nil
	}
	return "", "", fmt.Errorf("db: LAYAN_DB %q is neither sqlite:PATH nor postgres://…", raw)
}

// SQL exposes the pool for metrics and migrations.
func (d *DB) SQL() *sql.DB { return d.sql }

// Dialect reports the engine.
func (d *DB) Dialect() Dialect { return d.dialect }

// Close closes the pool.
func (d *DB) Close() error {
	d.stmts.close()
	return d.sql.Close()
}

// Ping checks the database answers; /readyz uses it.
func (d *DB) Ping(ctx context.Context) error { return d.sql.PingContext(ctx) }

func (d *DB) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := d.stmts.get(ctx, d.sql, q); st != nil {
		r, err := st.ExecContext(ctx, args...)
		return r, normalise(err)
	}
	r, err := d.sql.ExecContext(ctx, Rebind(d.dialect, q), args...)
	return r, normalise(err)
}

func (d *DB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := d.stmts.get(ctx, d.sql, q); st != nil {
		r, err := st.QueryContext(ctx, args...)
		return r, normalise(err)
	}
	r, err := d.sql.QueryContext(ctx, Rebind(d.dialect, q), args...)
	return r, normalise(err)
}

func (d *DB) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := d.stmts.get(ctx, d.sql, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return d.sql.QueryRowContext(ctx, Rebind(d.dialect, q), args...)
}

// Tx is a transaction of either dialect.
type Tx struct {
	tx      *sql.Tx
	dialect Dialect
}

func (t *Tx) Dialect() Dialect { return t.dialect }

func (t *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	r, err := t.tx.ExecContext(ctx, Rebind(t.dialect, q), args...)
	return r, normalise(err)
}

func (t *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	r, err := t.tx.QueryContext(ctx, Rebind(t.dialect, q), args...)
	return r, normalise(err)
}

func (t *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, Rebind(t.dialect, q), args...)
}

// InTx runs fn in one transaction: committed when fn returns nil, rolled back
// otherwise (and on panic), so a change and its audit record land together
// or not at all.
func (d *DB) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	stx, err := d.sql.BeginTx(ctx, nil)
	if err != nil {
		return normalise(err)
	}
	tx := &Tx{tx: stx, dialect: d.dialect}
	defer func() {
		if p := recover(); p != nil {
			stx.Rollback()
			panic(p)
		}
		if err != nil {
			stx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	return normalise(stx.Commit())
}

// Rebind turns `?` placeholders into PostgreSQL's `$n`. Question marks inside
// single-quoted literals are left alone.
func Rebind(d Dialect, q string) string {
	if d != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n, inQuote := 0, false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
			b.WriteByte(c)
		case c == '?' && !inQuote:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// normalise maps driver errors to the package's sentinel errors by error
// code, never by message text.
func normalise(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "23505": // unique_violation
			return fmt.Errorf("%w: %s", ErrDuplicate, pg.ConstraintName)
		case "40001", "40P01": // serialization_failure, deadlock_detected
			return fmt.Errorf("%w: %w", ErrConflict, err)
		}
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %w", ErrDuplicate, err)
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return fmt.Errorf("%w: %w", ErrConflict, err)
		}
	}
	return err
}

// Err normalises an error from Row.Scan (which bypasses the wrappers above).
func Err(err error) error { return normalise(err) }

// Now is the time stored for "now": UTC, to the microsecond, the same on both
// engines.
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// Contains returns a LIKE pattern matching s anywhere, with LIKE's own
// wildcards in s escaped, for use as `col LIKE ? ESCAPE '\'`: a search for
// "50%" finds "50%", not everything.
func Contains(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// ReadSnapshot runs fn on one consistent view of the database that does not
// hold writers back: a read-only REPEATABLE READ transaction on PostgreSQL,
// a deferred transaction on SQLite (a WAL reader sees the database as of its
// first read). For long reads whose parts must add up, such as
// `layan spm verify` comparing every case with the stored tallies while the
// service keeps running.
func (d *DB) ReadSnapshot(ctx context.Context, fn func(q Q) error) error {
	if d.dialect == Postgres {
		stx, err := d.sql.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
		if err != nil {
			return normalise(err)
		}
		defer stx.Rollback()
		return fn(&Tx{tx: stx, dialect: d.dialect})
	}
	// BeginTx would take the write lock (_txlock=immediate), so the
	// transaction is begun by hand on a connection of its own.
	conn, err := d.sql.Conn(ctx)
	if err != nil {
		return normalise(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN DEFERRED"); err != nil {
		return normalise(err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
	return fn(connQ{conn: conn, dialect: d.dialect})
}

// connQ is a connection as a Q.
type connQ struct {
	conn    *sql.Conn
	dialect Dialect
}

func (q connQ) Dialect() Dialect { return q.dialect }

func (q connQ) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	r, err := q.conn.ExecContext(ctx, Rebind(q.dialect, query), args...)
	return r, normalise(err)
}

func (q connQ) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	r, err := q.conn.QueryContext(ctx, Rebind(q.dialect, query), args...)
	return r, normalise(err)
}

func (q connQ) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return q.conn.QueryRowContext(ctx, Rebind(q.dialect, query), args...)
}

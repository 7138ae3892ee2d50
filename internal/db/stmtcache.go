package db

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps SQLite statements prepared, one per SQL text, so that a
// query that runs on every request is compiled once per connection rather
// than on every call: SQLite spends much of a short query's time in
// sqlite3_prepare, more so compiled to Go (modernc). PostgreSQL needs none:
// pgx caches prepared statements per connection itself.
//
// The cache only grows, up to maxStmts texts; past that a query runs
// unprepared as before. Queries are built from a bounded set of shapes (a
// placeholder per value), so the bound is a guard, not an eviction policy,
// and no statement is ever closed while a caller may hold it.
type stmtCache struct {
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

const maxStmts = 1000

// get returns the prepared statement for q, preparing it on first use, or
// nil when q is not to be cached (the cache is full, or it fails to prepare:
// the caller then runs q directly and reports its error).
func (c *stmtCache) get(ctx context.Context, d *sql.DB, q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	st, ok := c.m[q]
	n := len(c.m)
	c.mu.RUnlock()
	if ok {
		return st
	}
	if n >= maxStmts {
		return nil
	}
	// Prepared outside the lock: two callers may both prepare q; one keeps
	// its statement and the other's is closed.
	st, err := d.PrepareContext(context.WithoutCancel(ctx), q)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[q]; ok {
		st.Close()
		return old
	}
	if len(c.m) >= maxStmts {
		st.Close()
		return nil
	}
	c.m[q] = st
	return st
}

func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.m {
		st.Close()
		delete(c.m, q)
	}
}

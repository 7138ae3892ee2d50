package db

import (
	"context"
	"path/filepath"
	"testing"
)

// After a migration SQLite gets statistics for the indexes it made, or its
// planner takes them for very selective ones (migrate.go).
func TestAnalyzeNewIndexes(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	stats := func(index string) int {
		t.Helper()
		var n int
		if err := d.sql.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").Scan(&n); err != nil || n == 0 {
			return -1 // never analysed
		}
		if err := d.sql.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_stat1 WHERE idx = ?", index).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// A database never analysed stays so: its indexes are judged alike.
	if got := stats("region_parent"); got != -1 {
		t.Fatalf("a fresh database was analysed: %d", got)
	}
	for _, q := range []string{
		"CREATE TABLE probe (a INTEGER, b INTEGER)",
		"CREATE INDEX probe_a ON probe (a)",
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) INSERT INTO probe SELECT i % 7, i FROM n",
		"ANALYZE",
		"CREATE INDEX probe_b ON probe (b)", // as a migration would
	} {
		if _, err := d.sql.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if stats("probe_a") != 1 || stats("probe_b") != 0 {
		t.Fatalf("before: probe_a %d, probe_b %d", stats("probe_a"), stats("probe_b"))
	}
	if err := d.analyzeNewIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	if stats("probe_b") != 1 {
		t.Errorf("the new index has no statistics")
	}
}

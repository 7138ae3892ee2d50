package db_test

import (
	"context"
	"testing"

	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/db/dbtest"
)

// TRUNCATE fires no row triggers, so PostgreSQL needs a statement trigger
// (migration 00002) to keep the audit log append-only.
func TestAuditLogRefusesTruncate(t *testing.T) {
	if dbtest.PostgresURL() == "" {
		dbtest.Engines(t) // fails under CI=true
		t.Skip("TRUNCATE is PostgreSQL's; LAYAN_TEST_POSTGRES not set")
	}
	ctx := context.Background()
	d := dbtest.Open(t, dbtest.Postgres)
	if _, err := d.Exec(ctx, `INSERT INTO audit_log (at, actor_name, action, entity, entity_id)
		VALUES (?, 'x', 'create', 'unit', '1')`, db.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(ctx, "TRUNCATE audit_log"); err == nil {
		t.Error("TRUNCATE audit_log succeeded")
	}
	var n int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log").Scan(&n); err != nil || n != 1 {
		t.Errorf("audit_log has %d rows (%v) after TRUNCATE, want 1", n, err)
	}
}

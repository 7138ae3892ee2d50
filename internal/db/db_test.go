package db_test

import (
	"context"
	"errors"
	"testing"

	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/db/dbtest"
)

func TestRebind(t *testing.T) {
	tests := []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"a = ? AND b = ?", "a = $1 AND b = $2"},
		{"x = '?' AND y = ?", "x = '?' AND y = $1"},
		{"x = 'it''s ?' AND y = ?", "x = 'it''s ?' AND y = $1"},
	}
	for _, tt := range tests {
		if got := db.Rebind(db.Postgres, tt.in); got != tt.want {
			t.Errorf("Rebind(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := db.Rebind(db.SQLite, tt.in); got != tt.in {
			t.Errorf("SQLite Rebind changed %q", tt.in)
		}
	}
}

// Both engines report the same sentinel errors and roll back a failed
// transaction completely.
func TestErrorsAndTransactions(t *testing.T) {
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			d := dbtest.Open(t, engine)
			var name string
			err := db.Err(d.QueryRow(ctx, "SELECT name FROM region WHERE code = ?", "99.99").Scan(&name))
			if !errors.Is(err, db.ErrNotFound) {
				t.Fatalf("missing row: %v, want ErrNotFound", err)
			}
			insert := func(q db.Q) error {
				_, err := q.Exec(ctx, `INSERT INTO region_source (id, regulation, valid_from, data_package, licence, loaded_at)
					VALUES (?, ?, ?, ?, ?, ?)`, "t", "r", "2025-01-01", "p", "l", db.Now())
				return err
			}
			if err := insert(d); err != nil {
				t.Fatal(err)
			}
			if err := insert(d); !errors.Is(err, db.ErrDuplicate) {
				t.Fatalf("duplicate insert: %v, want ErrDuplicate", err)
			}
			boom := errors.New("boom")
			err = d.InTx(ctx, func(tx *db.Tx) error {
				if _, err := tx.Exec(ctx, "DELETE FROM region_source WHERE id = ?", "t"); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("InTx returned %v", err)
			}
			var n int
			if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM region_source WHERE id = ?", "t").Scan(&n); err != nil || n != 1 {
				t.Fatalf("rolled-back delete took effect: n=%d err=%v", n, err)
			}
			// The audit log refuses rewrites on both engines.
			if _, err := d.Exec(ctx, `INSERT INTO audit_log (at, actor_name, action, entity, entity_id)
				VALUES (?, 'x', 'create', 'unit', '1')`, db.Now()); err != nil {
				t.Fatal(err)
			}
			if _, err := d.Exec(ctx, "UPDATE audit_log SET actor_name = 'y'"); err == nil {
				t.Error("audit_log UPDATE succeeded")
			}
			if _, err := d.Exec(ctx, "DELETE FROM audit_log"); err == nil {
				t.Error("audit_log DELETE succeeded")
			}
		})
	}
}

// LIKE wildcards typed by a user are matched literally on both engines.
func TestContainsEscapesWildcards(t *testing.T) {
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			d := dbtest.Open(t, engine)
			for _, id := range []string{"q%b", "qxb", "q_b", `q\b`} {
				if _, err := d.Exec(ctx, `INSERT INTO region_source (id, regulation, valid_from, data_package, licence, loaded_at)
					VALUES (?, 'r', '2025-01-01', 'p', 'l', ?)`, id, db.Now()); err != nil {
					t.Fatal(err)
				}
			}
			for q, want := range map[string]int{"%": 1, "_": 1, `\`: 1, "q": 4, "x": 1} {
				var n int
				if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM region_source WHERE id LIKE ? ESCAPE '\'`, db.Contains(q)).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n != want {
					t.Errorf("LIKE %q matched %d rows, want %d", q, n, want)
				}
			}
		})
	}
}

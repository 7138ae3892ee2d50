package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// BulkInsert writes rows of table inside tx, which runs on conn: COPY on
// PostgreSQL, multi-row INSERTs on SQLite. The bulk loaders of people and
// cases write millions of rows this way (floors.md: row-at-a-time INSERTs
// are an order of magnitude slower).
func BulkInsert(ctx context.Context, d Dialect, conn *sql.Conn, tx *sql.Tx, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if d == Postgres {
		// COPY runs on the connection of tx, inside it: database/sql lets
		// Raw reach the driver connection while the transaction is open.
		return conn.Raw(func(dc any) error {
			c, ok := dc.(*stdlib.Conn)
			if !ok {
				return fmt.Errorf("db: bulk insert: not a pgx connection (%T)", dc)
			}
			n, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
			if err == nil && int(n) != len(rows) {
				err = fmt.Errorf("db: COPY wrote %d of %d rows", n, len(rows))
			}
			return err
		})
	}
	// SQLite: statements of up to maxParams parameters, the full-size one
	// prepared once per call.
	const maxParams = 30000
	per := max(1, min(500, maxParams/len(cols)))
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	stmtFor := func(n int) string { return head + strings.TrimSuffix(strings.Repeat(row+",", n), ",") }
	var full *sql.Stmt
	args := make([]any, 0, per*len(cols))
	for lo := 0; lo < len(rows); lo += per {
		part := rows[lo:min(lo+per, len(rows))]
		args = args[:0]
		for _, r := range part {
			args = append(args, r...)
		}
		var err error
		if len(part) == per {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, stmtFor(per)); err != nil {
					return err
				}
				defer full.Close()
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, stmtFor(len(part)), args...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// IDs hands out new ids inside a bulk load's transactions, so that child
// rows can name their parents before anything is written: on PostgreSQL
// from the table's identity sequence (never handed out twice, whatever
// else runs; a rolled-back batch leaves a gap), on SQLite MAX(id) onwards,
// safe because a SQLite write transaction excludes every other writer
// until it commits. The zero value is ready to use.
type IDs struct {
	sequences map[string]string // table → its id sequence as an SQL literal
}

// Next returns n new ids of table, read through q (the load's transaction).
func (a *IDs) Next(ctx context.Context, q Q, table string, n int) ([]int64, error) {
	out := make([]int64, 0, n)
	if n == 0 {
		return out, nil
	}
	if q.Dialect() == SQLite {
		var top int64
		if err := q.QueryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM "+table).Scan(&top); err != nil {
			return nil, Err(err)
		}
		for i := range n {
			out = append(out, top+1+int64(i))
		}
		return out, nil
	}
	// The sequence's name as a literal, so that nextval resolves it once
	// per statement: pg_get_serial_sequence in the select list is called
	// per row and took 0.6 s for 150,000 ids, the literal 0.05 s.
	if a.sequences == nil {
		a.sequences = map[string]string{}
	}
	seq, ok := a.sequences[table]
	if !ok {
		if err := q.QueryRow(ctx, "SELECT pg_get_serial_sequence(?, 'id')", table).Scan(&seq); err != nil {
			return nil, Err(err)
		}
		seq = "'" + strings.ReplaceAll(seq, "'", "''") + "'"
		a.sequences[table] = seq
	}
	// One session's nextvals in one statement are consecutive unless
	// another session draws from the sequence meanwhile: then the block
	// is left as a gap and the ids are read one by one.
	var lo, hi int64
	if err := q.QueryRow(ctx, "SELECT MIN(v), MAX(v) FROM (SELECT nextval("+seq+") AS v FROM generate_series(1, ?)) s", n).Scan(&lo, &hi); err != nil {
		return nil, Err(err)
	}
	if hi-lo+1 == int64(n) {
		for id := lo; id <= hi; id++ {
			out = append(out, id)
		}
		return out, nil
	}
	rows, err := q.Query(ctx, "SELECT nextval("+seq+") FROM generate_series(1, ?)", n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, Err(err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) != n {
		return nil, fmt.Errorf("db: %d ids of %s for %d rows", len(out), table, n)
	}
	return out, nil
}

// ConnTx is a transaction begun on a connection of a bulk load's own
// (where COPY needs it) as a Q, so that audit.Record and the portable
// queries run inside it.
type ConnTx struct {
	Tx   *sql.Tx
	Kind Dialect
}

func (q ConnTx) Dialect() Dialect { return q.Kind }

func (q ConnTx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	r, err := q.Tx.ExecContext(ctx, Rebind(q.Kind, query), args...)
	return r, Err(err)
}

func (q ConnTx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	r, err := q.Tx.QueryContext(ctx, Rebind(q.Kind, query), args...)
	return r, Err(err)
}

func (q ConnTx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return q.Tx.QueryRowContext(ctx, Rebind(q.Kind, query), args...)
}

// BigCache gives a SQLite load connection a page cache of 256 MiB for the
// index btrees it fills (the default is 2 MB), and returns what puts the old
// size back before the connection goes back to the pool; a connection that
// cannot be restored is discarded. Nothing to do on PostgreSQL.
func BigCache(ctx context.Context, d Dialect, conn *sql.Conn) (func(), error) {
	if d != SQLite {
		return func() {}, nil
	}
	var old int64
	if err := conn.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&old); err != nil {
		return nil, Err(err)
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA cache_size = -262144"); err != nil {
		return nil, Err(err)
	}
	return func() {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf("PRAGMA cache_size = %d", old)); err != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}, nil
}

// Analyze refreshes the statistics of tables after a bulk load, so that
// later queries are planned for the tables as they now are: PostgreSQL's
// autovacuum would get there later, SQLite never would (without statistics
// it drove a region listing by unit: 0.38 s against 0.007 s on a million
// people). On PostgreSQL VACUUM also marks the new pages all-visible, which
// index-only scans need. On SQLite the sampled values of sqlite_stat4 are
// dropped: with them SQLite re-plans a statement each time a parameter that
// bounds an indexed range changes (sqlite3_reprepare), a third of a search's
// time in a profile; the row counts of sqlite_stat1 are what the plans need.
func Analyze(ctx context.Context, d Dialect, conn *sql.Conn, tables ...string) error {
	stmt := "ANALYZE "
	if d == Postgres {
		stmt = "VACUUM ANALYZE "
	}
	for _, t := range tables {
		if _, err := conn.ExecContext(ctx, stmt+t); err != nil {
			return Err(err)
		}
	}
	if d == SQLite {
		if _, err := conn.ExecContext(ctx, "DELETE FROM sqlite_stat4"); err != nil {
			return Err(err)
		}
	}
	return nil
}

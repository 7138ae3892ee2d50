package spm

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/wilayah"
)

// quarterEntry is a kind of figure a region's planner enters per jenis and
// quarter — an aggregate (X and Y), a quality achievement — with the one
// way every such figure is changed: in one transaction, refused while the
// quarter's report is under review or locked, at the stored version, and
// audited with what it was and became.
type quarterEntry[T any] struct {
	table, entity     string
	staleKey, noneKey string
	get               func(ctx context.Context, q db.Q, c wilayah.Code, jenis string, year, quarter int) (*T, error) // nil, nil: none
	version           func(*T) int
}

func quarterEntryID(c wilayah.Code, jenis string, year, quarter int) string {
	return fmt.Sprintf("%s/%s/%d-TW%d", c, jenis, year, quarter)
}

// put writes region r's entry of jenis and quarter: write inserts it
// (before nil) or updates the stored one at version (the row's version
// must still be it: a concurrent change on PostgreSQL leaves no row
// written, refused as stale); version is the stored entry's, 0 for a new
// one.
func (e quarterEntry[T]) put(ctx context.Context, s *Store, actor audit.Actor, r wilayah.Region, jenis string, year, quarter, version int,
	write func(tx *db.Tx, before *T) (sql.Result, error)) (*T, error) {
	var out *T
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if closed, err := periodClosed(ctx, tx, r.Code, year, quarter); closed || err != nil {
			return periodClosedErr(err)
		}
		before, err := e.get(ctx, tx, r.Code, jenis, year, quarter)
		if err != nil {
			return err
		}
		current := 0
		if before != nil {
			current = e.version(before)
		}
		if current != version {
			return errStale(e.staleKey)
		}
		res, err := write(tx, before)
		if err != nil {
			return db.Err(err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errStale(e.staleKey)
		}
		if out, err = e.get(ctx, tx, r.Code, jenis, year, quarter); err != nil {
			return err
		}
		entry := audit.Entry{Action: audit.Create, Entity: e.entity, EntityID: quarterEntryID(r.Code, jenis, year, quarter),
			Region: r.Code, After: out}
		if before != nil {
			entry.Action, entry.Before = audit.Update, before
		}
		return audit.Record(ctx, tx, actor, entry)
	})
	return out, err
}

// remove deletes region r's entry of jenis and quarter at its version.
func (e quarterEntry[T]) remove(ctx context.Context, s *Store, actor audit.Actor, r wilayah.Region, jenis string, year, quarter, version int) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if closed, err := periodClosed(ctx, tx, r.Code, year, quarter); closed || err != nil {
			return periodClosedErr(err)
		}
		before, err := e.get(ctx, tx, r.Code, jenis, year, quarter)
		if err != nil {
			return err
		}
		if before == nil {
			return apperr.New(apperr.NotFound, e.noneKey)
		}
		if e.version(before) != version {
			return errStale(e.staleKey)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM "+e.table+" WHERE region_code = ? AND jenis = ? AND year = ? AND quarter = ?",
			string(r.Code), jenis, year, quarter); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Delete, Entity: e.entity,
			EntityID: quarterEntryID(r.Code, jenis, year, quarter), Region: r.Code, Before: before})
	})
}

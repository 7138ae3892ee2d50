// Package app opens what every layan command needs — the database, migrated,
// with the region list loaded — so that `serve` and the CLI commands start
// the same way on both engines.
package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/registry"
	"github.com/layan-id/layan/internal/spm"
	"github.com/layan-id/layan/internal/wilayah"
)

// DefaultDB is used when LAYAN_DB is unset: a SQLite file beside the binary.
const DefaultDB = "sqlite:layan.db"

// Open connects to url, applies pending migrations, refuses a database whose
// schema is newer than this binary, and loads the embedded region list if it
// is not there yet — beside any older list, which a binary with a newer list
// thereby retires and renames (wilayah.Load). Several instances may do this
// at once on one PostgreSQL: migrations take an advisory lock, and a region
// load that loses the race finds the list already there.
func Open(ctx context.Context, url string) (*db.DB, *wilayah.Index, error) {
	if url == "" {
		url = DefaultDB
	}
	ix, err := wilayah.Embedded()
	if err != nil {
		return nil, nil, err
	}
	d, err := db.Open(ctx, url)
	if err != nil {
		return nil, nil, err
	}
	if err := Prepare(ctx, d, ix); err != nil {
		d.Close()
		return nil, nil, err
	}
	return d, ix, nil
}

// Prepare migrates d and loads the region list into it.
func Prepare(ctx context.Context, d *db.DB, ix *wilayah.Index) error {
	if _, err := d.Migrate(ctx); err != nil {
		return err
	}
	current, known, err := d.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if current > known {
		return fmt.Errorf("database schema version %d is newer than this binary knows (%d): upgrade layan", current, known)
	}
	err = d.InTx(ctx, func(tx *db.Tx) error {
		_, err := wilayah.Load(ctx, tx, ix)
		return err
	})
	if err != nil && !errors.Is(err, db.ErrDuplicate) { // a duplicate: another instance loaded the same list a moment ago
		return err
	}
	// The first version of the SPM catalog (Permensos 9/2018) into a
	// database that has none; a duplicate: another instance loaded it.
	err = d.InTx(ctx, func(tx *db.Tx) error { return spm.SeedCatalog(ctx, tx) })
	if err != nil && !errors.Is(err, db.ErrDuplicate) {
		return err
	}
	// A binary with new name-key rules re-indexes the registry before it
	// serves, so nobody becomes unfindable.
	return registry.UpgradeKeys(ctx, d, nil)
}

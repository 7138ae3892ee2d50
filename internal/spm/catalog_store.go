package spm

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
)

// Catalogs keeps the versions of the SPM catalog (catalog.go). Anyone who
// reads SPM figures reads the catalog: it is reference data, with no person
// in it. Only an admin of the whole deployment changes it, since every
// region's figures and budgets rest on the same catalog; every change is
// audited as entity "spm_catalog" in the transaction that makes it.
type Catalogs struct {
	DB *db.DB
}

// auditCatalog is the audit log's name for a catalog version.
const auditCatalog = "spm_catalog"

var (
	errCatalogNotFound = apperr.New(apperr.NotFound, "spmcatalog.not_found")
	errJenisNotFound   = apperr.New(apperr.NotFound, "spmcatalog.jenis_not_found")
	errNoActiveCatalog = apperr.New(apperr.NotFound, "spmcatalog.no_active")
)

func errCatalogStale() error {
	e := apperr.New(apperr.Conflict, "spmcatalog.stale")
	e.Code = "stale_version"
	return e
}

// errNotDraft refuses a change to a version in force or retired: what was
// counted under it must stay explainable, so a change is made on a copy.
func errNotDraft() error {
	e := apperr.New(apperr.Conflict, "spmcatalog.not_draft")
	e.Code = "catalog_not_draft"
	return e
}

// ReadsCatalog reports whether u may read the catalog.
func ReadsCatalog(u access.User) bool {
	return u.Role.Can(access.ManageSPMCatalog) || u.Role.Can(access.ReadSPM)
}

// ManagesCatalog reports whether u may change the catalog: an admin whose
// scope is the whole deployment. An admin of one region may not change
// what every region counts by.
func ManagesCatalog(u access.User) bool {
	return u.Role.Can(access.ManageSPMCatalog) && u.Scope().All
}

func readsCatalog(u access.User) error {
	if !ReadsCatalog(u) {
		return apperr.New(apperr.Forbidden, "error.forbidden")
	}
	return nil
}

func managesCatalog(u access.User) error {
	if !u.Role.Can(access.ManageSPMCatalog) {
		return apperr.New(apperr.Forbidden, "error.forbidden")
	}
	if !u.Scope().All {
		return apperr.New(apperr.Forbidden, "spmcatalog.whole_deployment")
	}
	return nil
}

// List returns every version without its jenis, the newest regulation
// first.
func (s *Catalogs) List(ctx context.Context, u access.User) ([]Catalog, error) {
	if err := readsCatalog(u); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, "SELECT "+catalogColumns+" FROM spm_catalog ORDER BY valid_from DESC, id DESC")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Catalog{}
	for rows.Next() {
		c, err := scanCatalog(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Get returns version id whole.
func (s *Catalogs) Get(ctx context.Context, u access.User, id int64) (Catalog, error) {
	if err := readsCatalog(u); err != nil {
		return Catalog{}, err
	}
	return getCatalog(ctx, s.DB, id)
}

// Active returns the version in force, whole.
func (s *Catalogs) Active(ctx context.Context, u access.User) (Catalog, error) {
	if err := readsCatalog(u); err != nil {
		return Catalog{}, err
	}
	return ActiveCatalog(ctx, s.DB)
}

// ActiveCatalog returns the version in force, whole, for the domain's own
// use (a budget reading its items); it checks no user.
func ActiveCatalog(ctx context.Context, q db.Q) (Catalog, error) {
	var id int64
	err := db.Err(q.QueryRow(ctx, "SELECT id FROM spm_catalog WHERE status = 'active'").Scan(&id))
	if errors.Is(err, db.ErrNotFound) {
		return Catalog{}, errNoActiveCatalog
	}
	if err != nil {
		return Catalog{}, err
	}
	return getCatalog(ctx, q, id)
}

// Copy starts a new draft as a copy of version in.From, with the name,
// regulation and day in.
func (s *Catalogs) Copy(ctx context.Context, actor audit.Actor, u access.User, in CatalogCopyInput) (Catalog, error) {
	if err := managesCatalog(u); err != nil {
		return Catalog{}, err
	}
	if err := in.Check(); err != nil {
		return Catalog{}, err
	}
	var out Catalog
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := getCatalogHeader(ctx, tx, in.From); errors.Is(err, errCatalogNotFound) {
			var f apperr.Fields
			f.Add("from", "spmcatalog.not_found")
			return f.Err()
		} else if err != nil {
			return err
		}
		now := db.Now()
		var id int64
		err := db.Err(tx.QueryRow(ctx, `INSERT INTO spm_catalog (name, regulation, valid_from, status, copied_from, note,
			created_by, created_at, updated_by, updated_at, version) VALUES (?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, 1) RETURNING id`,
			in.Name, in.Regulation, in.ValidFrom, in.From, in.Note, u.ID, now, u.ID, now).Scan(&id))
		if errors.Is(err, db.ErrDuplicate) {
			var f apperr.Fields
			f.Add("name", "spmcatalog.name_taken")
			return f.Err()
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO spm_catalog_jenis (catalog_id, jenis, name, penerima, source)
			SELECT ?, jenis, name, penerima, source FROM spm_catalog_jenis WHERE catalog_id = ?`, id, in.From); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO spm_catalog_item (catalog_id, jenis, line, code, name, unit_label, note)
			SELECT ?, jenis, line, code, name, unit_label, note FROM spm_catalog_item WHERE catalog_id = ?`, id, in.From); err != nil {
			return err
		}
		if out, err = getCatalog(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Create, Entity: auditCatalog,
			EntityID: strconv.FormatInt(id, 10), After: out})
	})
	return out, err
}

// catalogJenisRecord is what the audit log keeps of an edit of one jenis.
type catalogJenisRecord struct {
	Catalog int64        `json:"catalog"`
	Version int          `json:"version"`
	Jenis   CatalogJenis `json:"jenis"`
}

// EditJenis replaces what draft id says of jenis j — its texts and its
// whole list of items — at the version in.Version.
func (s *Catalogs) EditJenis(ctx context.Context, actor audit.Actor, u access.User, id int64, j Jenis, in CatalogJenisInput) (Catalog, error) {
	if err := managesCatalog(u); err != nil {
		return Catalog{}, err
	}
	if _, ok := ServiceOf(j); !ok {
		return Catalog{}, errJenisNotFound
	}
	if err := in.Check(); err != nil {
		return Catalog{}, err
	}
	var out Catalog
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := getCatalog(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := bumpDraft(ctx, tx, before, in.Version, u.ID); err != nil {
			return err
		}
		prior, _ := before.Of(j)
		next := in.jenis(j)
		if _, err := tx.Exec(ctx, "DELETE FROM spm_catalog_item WHERE catalog_id = ? AND jenis = ?", id, string(j)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE spm_catalog_jenis SET name = ?, penerima = ?, source = ? WHERE catalog_id = ? AND jenis = ?",
			next.Name, next.Penerima, next.Source, id, string(j)); err != nil {
			return err
		}
		if err := insertItems(ctx, tx, id, next); err != nil {
			return err
		}
		if out, err = getCatalog(ctx, tx, id); err != nil {
			return err
		}
		after, _ := out.Of(j)
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Update, Entity: auditCatalog,
			EntityID: strconv.FormatInt(id, 10),
			Before:   catalogJenisRecord{Catalog: id, Version: before.Version, Jenis: prior},
			After:    catalogJenisRecord{Catalog: id, Version: out.Version, Jenis: after}})
	})
	return out, err
}

// bumpDraft moves draft c on from version to the next, refusing a version
// that is not a draft or not at that version. The UPDATE is the check: on
// PostgreSQL a concurrent edit waits for the row and then finds the
// version moved on.
func bumpDraft(ctx context.Context, tx *db.Tx, c Catalog, version int, by int64) error {
	if c.Status != CatalogDraft {
		return errNotDraft()
	}
	res, err := tx.Exec(ctx, `UPDATE spm_catalog SET version = version + 1, updated_by = ?, updated_at = ?
		WHERE id = ? AND version = ? AND status = 'draft'`, by, db.Now(), c.ID, version)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return errCatalogStale()
	}
	return nil
}

// Activate puts draft id in force at version, retiring the version in
// force until now, in one transaction.
func (s *Catalogs) Activate(ctx context.Context, actor audit.Actor, u access.User, id int64, version int) (Catalog, error) {
	if err := managesCatalog(u); err != nil {
		return Catalog{}, err
	}
	var out Catalog
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		draft, err := getCatalog(ctx, tx, id)
		if err != nil {
			return err
		}
		if draft.Status != CatalogDraft {
			return errNotDraft()
		}
		if draft.Version != version {
			return errCatalogStale()
		}
		if err := CheckCatalog(draft); err != nil {
			return err
		}
		now := db.Now()
		var old *Catalog
		var oldID int64
		err = db.Err(tx.QueryRow(ctx, "SELECT id FROM spm_catalog WHERE status = 'active'").Scan(&oldID))
		switch {
		case errors.Is(err, db.ErrNotFound):
		case err != nil:
			return err
		default:
			o, err := getCatalogHeader(ctx, tx, oldID)
			if err != nil {
				return err
			}
			old = &o
			// Retired first: the index allows one active version at any moment.
			if _, err := tx.Exec(ctx, `UPDATE spm_catalog SET status = 'retired', retired_at = ?, updated_by = ?, updated_at = ?,
				version = version + 1 WHERE id = ? AND status = 'active'`, now, u.ID, now, oldID); err != nil {
				return err
			}
		}
		res, err := tx.Exec(ctx, `UPDATE spm_catalog SET status = 'active', activated_at = ?, updated_by = ?, updated_at = ?,
			version = version + 1 WHERE id = ? AND version = ? AND status = 'draft'`, now, u.ID, now, id, version)
		if errors.Is(err, db.ErrDuplicate) {
			// Another activation won the race.
			return errCatalogStale()
		}
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errCatalogStale()
		}
		if old != nil {
			retired, err := getCatalogHeader(ctx, tx, old.ID)
			if err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Deactivate, Entity: auditCatalog,
				EntityID: strconv.FormatInt(old.ID, 10), Before: old, After: retired}); err != nil {
				return err
			}
		}
		if out, err = getCatalog(ctx, tx, id); err != nil {
			return err
		}
		header := out
		header.Jenis = nil
		draft.Jenis = nil
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Activate, Entity: auditCatalog,
			EntityID: strconv.FormatInt(id, 10), Before: draft, After: header})
	})
	return out, err
}

// SeedCatalog loads the first version (SeedCatalogVersion) into a database
// that has none, and does nothing otherwise: what admins made of the
// catalog since is theirs. Like the region list it is reference data that
// layan brings, not a change anyone made, so it is not audited. Two
// instances starting at once on one PostgreSQL may both try; the loser
// gets db.ErrDuplicate, which the caller takes as done.
func SeedCatalog(ctx context.Context, q db.Q) error {
	var n int
	if err := db.Err(q.QueryRow(ctx, "SELECT COUNT(*) FROM spm_catalog").Scan(&n)); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	c := SeedCatalogVersion()
	if err := CheckCatalog(c); err != nil {
		return err // a fault of this file, caught by its test
	}
	now := db.Now()
	var id int64
	err := db.Err(q.QueryRow(ctx, `INSERT INTO spm_catalog (name, regulation, valid_from, status, note, created_at, updated_at,
		activated_at, version) VALUES (?, ?, ?, 'active', ?, ?, ?, ?, 1) RETURNING id`,
		c.Name, c.Regulation, c.ValidFrom, c.Note, now, now, now).Scan(&id))
	if err != nil {
		return err
	}
	for _, cj := range c.Jenis {
		if _, err := q.Exec(ctx, "INSERT INTO spm_catalog_jenis (catalog_id, jenis, name, penerima, source) VALUES (?, ?, ?, ?, ?)",
			id, string(cj.Jenis), cj.Name, cj.Penerima, cj.Source); err != nil {
			return err
		}
		if err := insertItems(ctx, q, id, cj); err != nil {
			return err
		}
	}
	return nil
}

// insertItems writes the items of one jenis of version id, in one statement.
func insertItems(ctx context.Context, q db.Q, id int64, cj CatalogJenis) error {
	if len(cj.Items) == 0 {
		return nil
	}
	query := "INSERT INTO spm_catalog_item (catalog_id, jenis, line, code, name, unit_label, note) VALUES "
	args := make([]any, 0, 7*len(cj.Items))
	for i, it := range cj.Items {
		if i > 0 {
			query += ", "
		}
		query += "(?, ?, ?, ?, ?, ?, ?)"
		args = append(args, id, string(cj.Jenis), it.Line, it.Code, it.Name, it.UnitLabel, it.Note)
	}
	_, err := q.Exec(ctx, query, args...)
	return err
}

const catalogColumns = `id, name, regulation, valid_from, status, copied_from, note, created_by, created_at,
	updated_by, updated_at, activated_at, retired_at, version`

type catalogRow interface{ Scan(dest ...any) error }

func scanCatalog(r catalogRow) (Catalog, error) {
	var c Catalog
	var copied, created, updated sql.NullInt64
	var activated, retired sql.NullTime
	err := r.Scan(&c.ID, &c.Name, &c.Regulation, &c.ValidFrom, &c.Status, &copied, &c.Note, &created, &c.CreatedAt,
		&updated, &c.UpdatedAt, &activated, &retired, &c.Version)
	if err != nil {
		return Catalog{}, err
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	c.CopiedFrom, c.CreatedBy, c.UpdatedBy = nullID(copied), nullID(created), nullID(updated)
	c.ActivatedAt, c.RetiredAt = nullTime(activated), nullTime(retired)
	return c, nil
}

func nullID(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	return &n.Int64
}

func nullTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

// getCatalogHeader reads version id without its jenis.
func getCatalogHeader(ctx context.Context, q db.Q, id int64) (Catalog, error) {
	c, err := scanCatalog(q.QueryRow(ctx, "SELECT "+catalogColumns+" FROM spm_catalog WHERE id = ?", id))
	if err = db.Err(err); errors.Is(err, db.ErrNotFound) {
		return Catalog{}, errCatalogNotFound
	}
	return c, err
}

// getCatalog reads version id whole: its jenis in the order of Services,
// each jenis's items in their order.
func getCatalog(ctx context.Context, q db.Q, id int64) (Catalog, error) {
	c, err := getCatalogHeader(ctx, q, id)
	if err != nil {
		return Catalog{}, err
	}
	byJenis := map[Jenis]*CatalogJenis{}
	rows, err := q.Query(ctx, "SELECT jenis, name, penerima, source FROM spm_catalog_jenis WHERE catalog_id = ?", id)
	if err != nil {
		return Catalog{}, err
	}
	for rows.Next() {
		cj := &CatalogJenis{Items: []CatalogItem{}}
		if err := rows.Scan(&cj.Jenis, &cj.Name, &cj.Penerima, &cj.Source); err != nil {
			rows.Close()
			return Catalog{}, err
		}
		svc, _ := ServiceOf(cj.Jenis)
		cj.Level = svc.Level
		byJenis[cj.Jenis] = cj
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Catalog{}, err
	}
	rows, err = q.Query(ctx, `SELECT jenis, line, code, name, unit_label, note FROM spm_catalog_item
		WHERE catalog_id = ? ORDER BY jenis, line`, id)
	if err != nil {
		return Catalog{}, err
	}
	for rows.Next() {
		var j Jenis
		var it CatalogItem
		if err := rows.Scan(&j, &it.Line, &it.Code, &it.Name, &it.UnitLabel, &it.Note); err != nil {
			rows.Close()
			return Catalog{}, err
		}
		if cj := byJenis[j]; cj != nil {
			cj.Items = append(cj.Items, it)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Catalog{}, err
	}
	c.Jenis = make([]CatalogJenis, 0, len(byJenis))
	for _, s := range Services {
		if cj := byJenis[s.Jenis]; cj != nil {
			c.Jenis = append(c.Jenis, *cj)
		}
	}
	return c, nil
}

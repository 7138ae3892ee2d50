// Package unit holds the service units (unit layanan) where social services
// are delivered and reported: Kemensos sentra, provincial UPTD/panti, Dinas
// Sosial of provinces and kabupaten/kota, and LKS.
package unit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/wilayah"
)

// Type is the kind of a unit.
type Type string

const (
	Sentra         Type = "sentra"          // Kemensos sentra (central government)
	SentraTerpadu  Type = "sentra_terpadu"  // Kemensos sentra terpadu
	UPTDProvinsi   Type = "uptd_provinsi"   // provincial UPTD / panti sosial
	DinsosProvinsi Type = "dinsos_provinsi" // Dinas Sosial provinsi
	DinsosKabKota  Type = "dinsos_kabkota"  // Dinas Sosial kabupaten/kota
	LKS            Type = "lks"             // Lembaga Kesejahteraan Sosial
)

// Types lists every type in display order.
var Types = []Type{Sentra, SentraTerpadu, UPTDProvinsi, DinsosProvinsi, DinsosKabKota, LKS}

// Valid reports whether t is a known type.
func (t Type) Valid() bool {
	for _, x := range Types {
		if t == x {
			return true
		}
	}
	return false
}

// CoversProvinces reports whether units of this type serve a set of
// provinces beyond their own address: Kemensos sentra have a working area.
func (t Type) CoversProvinces() bool { return t == Sentra || t == SentraTerpadu }

// Unit is a service unit.
type Unit struct {
	ID        int64          `json:"id"`
	Type      Type           `json:"type"`
	Name      string         `json:"name"`
	Region    wilayah.Code   `json:"region"`
	Province  wilayah.Code   `json:"province"`
	Address   string         `json:"address"`
	Phone     string         `json:"phone"`
	Active    bool           `json:"active"`
	Coverage  []wilayah.Code `json:"coverage"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
	Version   int            `json:"version"`
}

// Input is what an admin sets on a unit.
type Input struct {
	Type     Type           `json:"type"`
	Name     string         `json:"name"`
	Region   wilayah.Code   `json:"region"`
	Address  string         `json:"address"`
	Phone    string         `json:"phone"`
	Coverage []wilayah.Code `json:"coverage"`
	Active   *bool          `json:"active,omitempty"`  // updates only; nil keeps it
	Version  int            `json:"version,omitempty"` // updates only
}

const (
	maxName    = 160
	maxAddress = 300
	maxPhone   = 30
)

// Validate checks the input against the rules that need no database, using
// ix to know which regions exist and at which level.
func (in *Input) Validate(ix *wilayah.Index) apperr.Fields {
	var f apperr.Fields
	in.Name = strings.TrimSpace(in.Name)
	in.Address = strings.TrimSpace(in.Address)
	in.Phone = strings.TrimSpace(in.Phone)
	if !in.Type.Valid() {
		f.Add("type", "unit.type_unknown")
	}
	text := func(field, v string, max int, required bool) {
		switch {
		case required && v == "":
			f.Add(field, "field.required")
		case !utf8.ValidString(v) || strings.ContainsRune(v, 0): // PostgreSQL text holds no NUL
			f.Add(field, "field.utf8")
		case utf8.RuneCountInString(v) > max:
			f.Add(field, "field.too_long", max)
		}
	}
	text("name", in.Name, maxName, true)
	text("address", in.Address, maxAddress, false)
	text("phone", in.Phone, maxPhone, false)
	if in.Phone != "" && !f.Has("phone") && strings.Trim(in.Phone, "+0123456789 -()") != "" {
		f.Add("phone", "unit.phone_format")
	}
	r, ok := ix.Get(in.Region)
	switch {
	case in.Region == "":
		f.Add("region", "field.required")
	case !ok:
		f.Add("region", "region.unknown", string(in.Region))
	case in.Type == DinsosProvinsi && r.Level != wilayah.Province:
		f.Add("region", "unit.region_province")
	case in.Type == DinsosKabKota && r.Level != wilayah.Regency:
		f.Add("region", "unit.region_regency")
	}
	if len(in.Coverage) > 0 && !in.Type.CoversProvinces() {
		f.Add("coverage", "unit.coverage_sentra_only")
	}
	seen := map[wilayah.Code]bool{}
	var cov []wilayah.Code
	for _, c := range in.Coverage {
		p, ok := ix.Get(c)
		if !ok || p.Level != wilayah.Province {
			f.Add("coverage", "unit.coverage_province", string(c))
			break
		}
		if !seen[c] {
			seen[c] = true
			cov = append(cov, c)
		}
	}
	sort.Slice(cov, func(i, j int) bool { return cov[i] < cov[j] })
	in.Coverage = cov
	return f
}

const columns = `id, type, name, region_code, province_code, address, phone, active, created_at, updated_at, version`

func scan(row interface{ Scan(...any) error }) (Unit, error) {
	var u Unit
	err := row.Scan(&u.ID, &u.Type, &u.Name, &u.Region, &u.Province, &u.Address, &u.Phone, &u.Active,
		&u.CreatedAt, &u.UpdatedAt, &u.Version)
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return u, db.Err(err)
}

func loadCoverage(ctx context.Context, q db.Q, units []Unit) error {
	if len(units) == 0 {
		return nil
	}
	idx := map[int64]int{}
	ph := make([]string, len(units))
	args := make([]any, len(units))
	for i, u := range units {
		idx[u.ID] = i
		ph[i] = "?"
		args[i] = u.ID
		// An empty list, not nil: the API promises "coverage": [] rather
		// than null for units without a working area.
		units[i].Coverage = []wilayah.Code{}
	}
	rows, err := q.Query(ctx, "SELECT unit_id, province_code FROM unit_coverage WHERE unit_id IN ("+
		strings.Join(ph, ",")+") ORDER BY unit_id, province_code", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c wilayah.Code
		if err := rows.Scan(&id, &c); err != nil {
			return err
		}
		units[idx[id]].Coverage = append(units[idx[id]].Coverage, c)
	}
	return rows.Err()
}

// Get reads a unit inside scope; outside the scope it does not exist.
func Get(ctx context.Context, q db.Q, scope access.Scope, id int64) (Unit, error) {
	u, err := scan(q.QueryRow(ctx, "SELECT "+columns+" FROM unit WHERE id = ?", id))
	if errors.Is(err, db.ErrNotFound) || (err == nil && !scope.CoversUnit(u.ID, u.Region)) {
		return Unit{}, apperr.New(apperr.NotFound, "unit.not_found")
	}
	if err != nil {
		return Unit{}, err
	}
	us := []Unit{u}
	if err := loadCoverage(ctx, q, us); err != nil {
		return Unit{}, err
	}
	return us[0], nil
}

// Filter narrows a listing.
type Filter struct {
	Query  string
	Type   Type
	Within wilayah.Code // region subtree, besides the scope
	Active *bool
	Page   int
	Size   int
}

// List returns the units inside scope, by name then id (a stable order), and
// the total.
func List(ctx context.Context, q db.Q, scope access.Scope, f Filter) ([]Unit, int, error) {
	cond, args := scope.Filter("region_code", "id")
	where := []string{cond}
	if f.Query != "" {
		where = append(where, `lower(name) LIKE ? ESCAPE '\'`)
		args = append(args, db.Contains(strings.ToLower(f.Query)))
	}
	if f.Type != "" {
		where = append(where, "type = ?")
		args = append(args, string(f.Type))
	}
	if f.Within != "" {
		c, a := wilayah.SubtreeCond("region_code", f.Within)
		where = append(where, c)
		args = append(args, a...)
	}
	if f.Active != nil {
		where = append(where, "active = ?")
		args = append(args, *f.Active)
	}
	w := " WHERE " + strings.Join(where, " AND ")
	var total int
	if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM unit"+w, args...).Scan(&total); err != nil {
		return nil, 0, db.Err(err)
	}
	size := f.Size
	if size <= 0 || size > 100 {
		size = 25
	}
	page := f.Page
	if page < 1 {
		page = 1
	}
	rows, err := q.Query(ctx, "SELECT "+columns+" FROM unit"+w+
		fmt.Sprintf(" ORDER BY name, id LIMIT %d OFFSET %d", size, (page-1)*size), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		u, err := scan(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	return out, total, loadCoverage(ctx, q, out)
}

// Count counts active units inside scope.
func Count(ctx context.Context, q db.Q, scope access.Scope) (int, error) {
	cond, args := scope.Filter("region_code", "id")
	var n int
	err := q.QueryRow(ctx, "SELECT COUNT(*) FROM unit WHERE active = ? AND "+cond, append([]any{true}, args...)...).Scan(&n)
	return n, db.Err(err)
}

func duplicateName() error {
	var f apperr.Fields
	f.Add("name", "unit.name_taken")
	return f.Err()
}

func writeCoverage(ctx context.Context, tx *db.Tx, id int64, cov []wilayah.Code) error {
	if _, err := tx.Exec(ctx, "DELETE FROM unit_coverage WHERE unit_id = ?", id); err != nil {
		return err
	}
	// The same codes as one text on the unit row, read with every account
	// (access.User.UnitCoverage).
	codes := make([]string, len(cov))
	for i, c := range cov {
		codes[i] = string(c)
	}
	slices.Sort(codes)
	if _, err := tx.Exec(ctx, "UPDATE unit SET coverage = ? WHERE id = ?", strings.Join(codes, ","), id); err != nil {
		return err
	}
	for _, c := range cov {
		if _, err := tx.Exec(ctx, "INSERT INTO unit_coverage (unit_id, province_code) VALUES (?, ?)", id, string(c)); err != nil {
			return err
		}
	}
	return nil
}

// Create adds a unit. Only an admin whose scope covers the unit's region may.
func Create(ctx context.Context, d *db.DB, ix *wilayah.Index, actor audit.Actor, scope access.Scope, in Input) (Unit, error) {
	if err := in.Validate(ix).Err(); err != nil {
		return Unit{}, err
	}
	if !scope.CoversRegion(in.Region) {
		return Unit{}, apperr.New(apperr.Forbidden, "unit.outside_scope")
	}
	var u Unit
	err := d.InTx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO unit (type, name, region_code, province_code, address, phone, active,
			created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`,
			string(in.Type), in.Name, string(in.Region), string(in.Region.Province()), in.Address, in.Phone, true, now, now).Scan(&id)
		if err := db.Err(err); errors.Is(err, db.ErrDuplicate) {
			return duplicateName()
		} else if err != nil {
			return err
		}
		if err := writeCoverage(ctx, tx, id, in.Coverage); err != nil {
			return err
		}
		if u, err = Get(ctx, tx, access.Scope{All: true}, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Create, Entity: "unit",
			EntityID: strconv.FormatInt(id, 10), Region: u.Region, After: u})
	})
	return u, err
}

// AreaChanged is told, inside Update's transaction, that a unit's region or
// coverage changed, so that what depends on a unit's area (which people its
// workers reach only by a link: registry.RelinkUnit) changes with it or
// not at all.
type AreaChanged func(ctx context.Context, tx *db.Tx, id int64) error

// Update changes a unit; a stale version is a conflict. Moving a unit out of
// the admin's scope is refused like creating it there.
func Update(ctx context.Context, d *db.DB, ix *wilayah.Index, actor audit.Actor, scope access.Scope, id int64, in Input, changed ...AreaChanged) (Unit, error) {
	if err := in.Validate(ix).Err(); err != nil {
		return Unit{}, err
	}
	var u Unit
	err := d.InTx(ctx, func(tx *db.Tx) error {
		before, err := Get(ctx, tx, scope, id)
		if err != nil {
			return err
		}
		if !scope.CoversRegion(before.Region) || !scope.CoversRegion(in.Region) {
			return apperr.New(apperr.Forbidden, "unit.outside_scope")
		}
		active := before.Active
		if in.Active != nil {
			active = *in.Active
		}
		res, err := tx.Exec(ctx, `UPDATE unit SET type = ?, name = ?, region_code = ?, province_code = ?,
			address = ?, phone = ?, active = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			string(in.Type), in.Name, string(in.Region), string(in.Region.Province()), in.Address, in.Phone, active,
			db.Now(), id, in.Version)
		if err := db.Err(err); errors.Is(err, db.ErrDuplicate) {
			return duplicateName()
		} else if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "error.stale_version")
		}
		if err := writeCoverage(ctx, tx, id, in.Coverage); err != nil {
			return err
		}
		if u, err = Get(ctx, tx, access.Scope{All: true}, id); err != nil {
			return err
		}
		if u.Region != before.Region || !slices.Equal(u.Coverage, before.Coverage) {
			for _, f := range changed {
				if err := f(ctx, tx, id); err != nil {
					return err
				}
			}
		}
		action := audit.Update
		if before.Active != u.Active {
			action = map[bool]string{true: audit.Activate, false: audit.Deactivate}[u.Active]
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: action, Entity: "unit",
			EntityID: strconv.FormatInt(id, 10), Region: u.Region, Before: before, After: u})
	})
	return u, err
}

// Names returns the names of the given units (for display beside ids).
func Names(ctx context.Context, q db.Q, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	ph := strings.Repeat("?,", len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.Query(ctx, "SELECT id, name FROM unit WHERE id IN ("+ph[:len(ph)-1]+")", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name sql.NullString
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[id] = name.String
	}
	return out, rows.Err()
}

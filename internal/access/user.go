package access

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/wilayah"
)

// User is an account.
type User struct {
	ID        int64        `json:"id"`
	Username  string       `json:"username"`
	FullName  string       `json:"full_name"`
	Role      Role         `json:"role"`
	Region    wilayah.Code `json:"region,omitempty"`
	UnitID    int64        `json:"unit_id,omitempty"`
	Active    bool         `json:"active"`
	CreatedAt time.Time    `json:"created_at"`
	UpdatedAt time.Time    `json:"updated_at"`
	Version   int          `json:"version"`
	// Of the user's unit, read with the user so the scope needs no second query.
	UnitName   string       `json:"unit_name,omitempty"`
	UnitRegion wilayah.Code `json:"-"`
	// UnitCoverage are the provinces the unit covers (a sentra), read with
	// the user so that a reach needs no second query.
	UnitCoverage []wilayah.Code `json:"-"`
}

// Scope is what the user may see, derived from role, region and unit.
func (u User) Scope() Scope {
	switch u.Role {
	case National:
		return Scope{All: true}
	case Admin:
		if u.Region == "" {
			return Scope{All: true}
		}
		return Scope{Region: u.Region}
	case Planner, Verifier:
		return Scope{Region: u.Region}
	case Worker, Supervisor:
		return Scope{Region: u.Region, UnitID: u.UnitID, UnitRegion: u.UnitRegion}
	}
	return Scope{}
}

// home is the region a user's records belong to, for the audit log and for
// scope checks by admins of a region.
func (u User) home() wilayah.Code {
	if u.Region != "" {
		return u.Region
	}
	return u.UnitRegion
}

// UserInput is what an admin sets on an account.
type UserInput struct {
	Username string       `json:"username"`
	FullName string       `json:"full_name"`
	Role     Role         `json:"role"`
	Region   wilayah.Code `json:"region"`
	UnitID   int64        `json:"unit_id"`
	Active   *bool        `json:"active,omitempty"` // for updates: nil keeps it
	Version  int          `json:"version"`          // for updates: the version the editor saw
}

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,39}$`)

// MaxNameLen bounds free-text names (bytes are bounded by the request size).
const MaxNameLen = 120

// Validate checks the fields that need no database.
func (in *UserInput) Validate(creating bool) apperr.Fields {
	var f apperr.Fields
	in.Username = strings.TrimSpace(strings.ToLower(in.Username))
	in.FullName = strings.TrimSpace(in.FullName)
	if creating {
		if in.Username == "" {
			f.Add("username", "field.required")
		} else if !usernameRE.MatchString(in.Username) {
			f.Add("username", "user.username_format")
		}
	}
	switch {
	case in.FullName == "":
		f.Add("full_name", "field.required")
	case !utf8.ValidString(in.FullName) || strings.ContainsRune(in.FullName, 0): // PostgreSQL text holds no NUL
		f.Add("full_name", "field.utf8")
	case utf8.RuneCountInString(in.FullName) > MaxNameLen:
		f.Add("full_name", "field.too_long", MaxNameLen)
	}
	if !in.Role.Valid() {
		f.Add("role", "user.role_unknown")
		return f
	}
	if !in.Role.AllowsScope() && (in.Region != "" || in.UnitID != 0) {
		f.Add("role", "user.national_no_scope")
	}
	if in.Role.NeedsUnit() && in.UnitID == 0 {
		f.Add("unit_id", "user.unit_required")
	}
	if in.Role.NeedsRegion() && in.Region == "" {
		f.Add("region", "user.region_required")
	}
	return f
}

const userColumns = `u.id, u.username, u.full_name, u.role, u.region_code, u.unit_id, u.active,
	u.created_at, u.updated_at, u.version, COALESCE(n.name, ''), n.region_code, COALESCE(n.coverage, '')`

const userFrom = ` FROM app_user u LEFT JOIN unit n ON n.id = u.unit_id`

// scanUser reads userColumns, then any extra columns the query selected
// after them into extra.
func scanUser(row interface{ Scan(...any) error }, extra ...any) (User, error) {
	var u User
	var region, unitRegion sql.NullString
	var coverage string
	var unit sql.NullInt64
	dest := []any{&u.ID, &u.Username, &u.FullName, &u.Role, &region, &unit, &u.Active,
		&u.CreatedAt, &u.UpdatedAt, &u.Version, &u.UnitName, &unitRegion, &coverage}
	err := row.Scan(append(dest, extra...)...)
	if err != nil {
		return User{}, db.Err(err)
	}
	u.Region = wilayah.Code(region.String)
	u.UnitID = unit.Int64
	u.UnitRegion = wilayah.Code(unitRegion.String)
	for _, c := range strings.Split(coverage, ",") {
		if c != "" {
			u.UnitCoverage = append(u.UnitCoverage, wilayah.Code(c))
		}
	}
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return u, nil
}

// GetUser reads one account by id.
func GetUser(ctx context.Context, q db.Q, id int64) (User, error) {
	u, err := scanUser(q.QueryRow(ctx, "SELECT "+userColumns+userFrom+" WHERE u.id = ?", id))
	if errors.Is(err, db.ErrNotFound) {
		return User{}, apperr.Wrap(apperr.NotFound, "user.not_found", err)
	}
	return u, err
}

// GetUserByName reads one account by username.
func GetUserByName(ctx context.Context, q db.Q, username string) (User, error) {
	u, err := scanUser(q.QueryRow(ctx, "SELECT "+userColumns+userFrom+" WHERE u.username = ?",
		strings.ToLower(strings.TrimSpace(username))))
	if errors.Is(err, db.ErrNotFound) {
		return User{}, apperr.Wrap(apperr.NotFound, "user.not_found", err)
	}
	return u, err
}

// UserFilter narrows a user listing.
type UserFilter struct {
	Query  string // part of username or full name
	Role   Role
	Active *bool
	Page   int // 1-based
	Size   int
}

// userScopeFilter limits accounts to scope by their home region — their own
// region, or else their unit's — or their unit. wilayah.SubtreeCond takes a
// plain column only, so the COALESCE is spelled out as two conditions.
func userScopeFilter(scope Scope) (string, []any) {
	own, args := scope.Filter("u.region_code", "u.unit_id")
	viaUnit, more := scope.Filter("n.region_code", "u.unit_id")
	return "((u.region_code IS NOT NULL AND " + own + ") OR (u.region_code IS NULL AND " + viaUnit + "))",
		append(args, more...)
}

// ListUsers returns the accounts inside scope, ordered by username (unique,
// so pages are stable), and the total.
func ListUsers(ctx context.Context, q db.Q, scope Scope, f UserFilter) ([]User, int, error) {
	cond, args := userScopeFilter(scope)
	where := []string{cond}
	if f.Query != "" {
		like := db.Contains(strings.ToLower(f.Query))
		where = append(where, `(u.username LIKE ? ESCAPE '\' OR lower(u.full_name) LIKE ? ESCAPE '\')`)
		args = append(args, like, like)
	}
	if f.Role != "" {
		where = append(where, "u.role = ?")
		args = append(args, string(f.Role))
	}
	if f.Active != nil {
		where = append(where, "u.active = ?")
		args = append(args, *f.Active)
	}
	w := " WHERE " + strings.Join(where, " AND ")
	var total int
	if err := q.QueryRow(ctx, "SELECT COUNT(*)"+userFrom+w, args...).Scan(&total); err != nil {
		return nil, 0, db.Err(err)
	}
	size, offset := pageBounds(f.Page, f.Size)
	rows, err := q.Query(ctx, "SELECT "+userColumns+userFrom+w+
		fmt.Sprintf(" ORDER BY u.username LIMIT %d OFFSET %d", size, offset), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, u)
	}
	return out, total, rows.Err()
}

// pageBounds turns a 1-based page and size into LIMIT/OFFSET, with size
// between 1 and 100 (default 25).
func pageBounds(page, size int) (int, int) {
	if size <= 0 {
		size = 25
	}
	if size > 100 {
		size = 100
	}
	if page < 1 {
		page = 1
	}
	return size, (page - 1) * size
}

// checkPlacement verifies the region and unit exist and lie inside the
// actor's scope, and returns the region the account will belong to.
func checkPlacement(ctx context.Context, q db.Q, actor Scope, in UserInput) (wilayah.Code, error) {
	var f apperr.Fields
	if in.Region != "" {
		ok, err := wilayah.Exists(ctx, q, in.Region)
		if err != nil {
			return "", err
		}
		if !ok {
			f.Add("region", "region.unknown", string(in.Region))
		}
	}
	var unitRegion wilayah.Code
	if in.UnitID != 0 {
		var r string
		err := q.QueryRow(ctx, "SELECT region_code FROM unit WHERE id = ?", in.UnitID).Scan(&r)
		switch err := db.Err(err); {
		case errors.Is(err, db.ErrNotFound):
			f.Add("unit_id", "unit.unknown", in.UnitID)
		case err != nil:
			return "", err
		}
		unitRegion = wilayah.Code(r)
	}
	if err := f.Err(); err != nil {
		return "", err
	}
	home := in.Region
	if home == "" {
		home = unitRegion
	}
	if actor.All {
		return home, nil
	}
	// An admin of a region places accounts only inside it, and never makes an
	// account wider than themself.
	if home == "" || !actor.CoversRegion(home) || (unitRegion != "" && !actor.CoversRegion(unitRegion)) ||
		in.Role == National || (in.Role == Admin && in.Region == "") {
		return "", apperr.New(apperr.Forbidden, "user.outside_scope")
	}
	return home, nil
}

func nullCode(c wilayah.Code) any {
	if c == "" {
		return nil
	}
	return string(c)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// CreateUser makes an account and returns it with its generated password,
// which is shown once and stored only as an argon2id hash.
func CreateUser(ctx context.Context, d *db.DB, actor audit.Actor, scope Scope, in UserInput) (User, string, error) {
	if err := in.Validate(true).Err(); err != nil {
		return User{}, "", err
	}
	password := GeneratePassword()
	hash, err := HashPassword(password)
	if err != nil {
		return User{}, "", err
	}
	var u User
	err = d.InTx(ctx, func(tx *db.Tx) error {
		home, err := checkPlacement(ctx, tx, scope, in)
		if err != nil {
			return err
		}
		now := db.Now()
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO app_user
			(username, full_name, role, region_code, unit_id, password_hash, active, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`,
			in.Username, in.FullName, string(in.Role), nullCode(in.Region), nullID(in.UnitID), hash, true, now, now).Scan(&id)
		if err := db.Err(err); errors.Is(err, db.ErrDuplicate) {
			var f apperr.Fields
			f.Add("username", "user.username_taken")
			return f.Err()
		} else if err != nil {
			return err
		}
		if u, err = GetUser(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Create, Entity: "user",
			EntityID: strconv.FormatInt(id, 10), Region: home, After: u})
	})
	return u, password, err
}

// UpdateUser changes an account's name, role and scope. A stale version is a
// conflict: someone else changed the account since the editor read it.
func UpdateUser(ctx context.Context, d *db.DB, actor audit.Actor, scope Scope, id int64, in UserInput) (User, error) {
	if err := in.Validate(false).Err(); err != nil {
		return User{}, err
	}
	var u User
	err := d.InTx(ctx, func(tx *db.Tx) error {
		before, err := getInScope(ctx, tx, scope, id)
		if err != nil {
			return err
		}
		home, err := checkPlacement(ctx, tx, scope, in)
		if err != nil {
			return err
		}
		active := before.Active
		if in.Active != nil {
			active = *in.Active
		}
		if !active && before.ID == actor.UserID {
			return apperr.New(apperr.Invalid, "user.cannot_deactivate_self")
		}
		res, err := tx.Exec(ctx, `UPDATE app_user SET full_name = ?, role = ?, region_code = ?, unit_id = ?,
			active = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			in.FullName, string(in.Role), nullCode(in.Region), nullID(in.UnitID), active, db.Now(), id, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "error.stale_version")
		}
		if u, err = GetUser(ctx, tx, id); err != nil {
			return err
		}
		// A change of role or scope ends the account's sessions, so the new
		// limits apply at once on every instance.
		if before.Role != u.Role || before.Region != u.Region || before.UnitID != u.UnitID || !u.Active {
			if _, err := tx.Exec(ctx, "DELETE FROM user_session WHERE user_id = ?", id); err != nil {
				return err
			}
		}
		if home == "" {
			home = before.home()
		}
		action := audit.Update
		if before.Active != u.Active {
			action = map[bool]string{true: audit.Activate, false: audit.Deactivate}[u.Active]
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: action, Entity: "user",
			EntityID: strconv.FormatInt(id, 10), Region: home, Before: before, After: u})
	})
	return u, err
}

// getInScope reads an account and refuses (as not found, so ids outside the
// scope reveal nothing) when it lies outside scope.
func getInScope(ctx context.Context, q db.Q, scope Scope, id int64) (User, error) {
	u, err := GetUser(ctx, q, id)
	if err != nil {
		return User{}, err
	}
	if !scope.All {
		home := u.home()
		if home == "" || !scope.CoversRegion(home) {
			return User{}, apperr.New(apperr.NotFound, "user.not_found")
		}
	}
	return u, nil
}

// GetUserInScope reads an account an admin may see.
func GetUserInScope(ctx context.Context, q db.Q, scope Scope, id int64) (User, error) {
	return getInScope(ctx, q, scope, id)
}

// SetActive deactivates or reactivates an account. Deactivation ends its
// sessions and revokes nothing else: tokens stop working because their user
// is inactive. Accounts are never deleted, so the audit log keeps its actors.
func SetActive(ctx context.Context, d *db.DB, actor audit.Actor, scope Scope, id int64, active bool, version int) (User, error) {
	var u User
	err := d.InTx(ctx, func(tx *db.Tx) error {
		before, err := getInScope(ctx, tx, scope, id)
		if err != nil {
			return err
		}
		if before.ID == actor.UserID && !active {
			return apperr.New(apperr.Invalid, "user.cannot_deactivate_self")
		}
		res, err := tx.Exec(ctx, `UPDATE app_user SET active = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ?`, active, db.Now(), id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "error.stale_version")
		}
		if !active {
			if _, err := tx.Exec(ctx, "DELETE FROM user_session WHERE user_id = ?", id); err != nil {
				return err
			}
		}
		if u, err = GetUser(ctx, tx, id); err != nil {
			return err
		}
		action := audit.Activate
		if !active {
			action = audit.Deactivate
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: action, Entity: "user",
			EntityID: strconv.FormatInt(id, 10), Region: before.home(), Before: before, After: u})
	})
	return u, err
}

// ResetPassword gives an account a new generated password and ends its
// sessions. The password is returned once; only its hash is stored.
func ResetPassword(ctx context.Context, d *db.DB, actor audit.Actor, scope Scope, id int64) (string, error) {
	password := GeneratePassword()
	hash, err := HashPassword(password)
	if err != nil {
		return "", err
	}
	err = d.InTx(ctx, func(tx *db.Tx) error {
		u, err := getInScope(ctx, tx, scope, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE app_user SET password_hash = ?, updated_at = ?, version = version + 1
			WHERE id = ?`, hash, db.Now(), id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM user_session WHERE user_id = ?", id); err != nil {
			return err
		}
		// The audit record says that the password changed, never what to.
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Reset, Entity: "user",
			EntityID: strconv.FormatInt(id, 10), Region: u.home()})
	})
	return password, err
}

// ChangePassword lets a signed-in user replace their own password. Every
// other session of the account ends (a stolen session must not outlive the
// change); the session with token keep, the one making the change, stays.
func ChangePassword(ctx context.Context, d *db.DB, actor audit.Actor, id int64, keep, current, next string) error {
	var f apperr.Fields
	if utf8.RuneCountInString(next) < MinPasswordLen {
		f.Add("new_password", "user.password_short", MinPasswordLen)
	} else if len(next) > 256 {
		f.Add("new_password", "field.too_long", 256)
	}
	if err := f.Err(); err != nil {
		return err
	}
	hash, err := HashPassword(next)
	if err != nil {
		return err
	}
	return d.InTx(ctx, func(tx *db.Tx) error {
		var old string
		if err := tx.QueryRow(ctx, "SELECT password_hash FROM app_user WHERE id = ?", id).Scan(&old); err != nil {
			return db.Err(err)
		}
		if ok, _ := CheckPassword(old, current); !ok {
			var f apperr.Fields
			f.Add("current_password", "user.password_wrong")
			return f.Err()
		}
		if _, err := tx.Exec(ctx, `UPDATE app_user SET password_hash = ?, updated_at = ?, version = version + 1
			WHERE id = ?`, hash, db.Now(), id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM user_session WHERE user_id = ? AND token_hash <> ?", id, hashToken(keep)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Reset, Entity: "user",
			EntityID: strconv.FormatInt(id, 10)})
	})
}

// Authenticate checks a username and password. It returns the same error
// for an unknown user, a wrong password and an inactive account, so a login
// form reveals nothing about which accounts exist.
func Authenticate(ctx context.Context, q db.Q, username, password string) (User, error) {
	var hash string
	var id int64
	var active bool
	err := db.Err(q.QueryRow(ctx, "SELECT id, password_hash, active FROM app_user WHERE username = ?",
		strings.ToLower(strings.TrimSpace(username))).Scan(&id, &hash, &active))
	if errors.Is(err, db.ErrNotFound) {
		// Spend the same time as a real check.
		CheckPassword(dummyHash, password)
		return User{}, apperr.New(apperr.Unauthorized, "login.failed")
	}
	if err != nil {
		return User{}, err
	}
	ok, err := CheckPassword(hash, password)
	if err != nil {
		return User{}, err
	}
	if !ok || !active {
		return User{}, apperr.New(apperr.Unauthorized, "login.failed")
	}
	return GetUser(ctx, q, id)
}

var dummyHash, _ = HashPassword("layan-timing-equaliser")

// SetPasswordHash stores a hash directly; the demo loader and the CLI use it.
func setPasswordHash(ctx context.Context, q db.Q, id int64, hash string) error {
	_, err := q.Exec(ctx, "UPDATE app_user SET password_hash = ? WHERE id = ?", hash, id)
	return err
}

// CountUsers counts accounts inside scope.
func CountUsers(ctx context.Context, q db.Q, scope Scope) (int, error) {
	cond, args := userScopeFilter(scope)
	var n int
	err := q.QueryRow(ctx, "SELECT COUNT(*)"+userFrom+" WHERE u.active = ? AND "+cond, append([]any{true}, args...)...).Scan(&n)
	return n, db.Err(err)
}

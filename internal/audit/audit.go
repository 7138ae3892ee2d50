// Package audit records every change made through layan — who, when, what,
// before and after, under which request — in the same transaction as the
// change, and lets admins read it back. The table is append-only: the
// migration installs triggers that refuse UPDATE and DELETE on both engines.
package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/wilayah"
)

// Actor is who makes a change: a signed-in user, a CLI command or the system.
type Actor struct {
	UserID    int64 // 0 for the CLI and the system
	Name      string
	RequestID string
}

// System is the actor of changes made by layan itself (demo data, CLI).
func System(name string) Actor { return Actor{Name: name} }

// Actions recorded.
const (
	Create     = "create"
	Update     = "update"
	Deactivate = "deactivate"
	Activate   = "activate"
	Reset      = "password_reset"
	TokenNew   = "token_create"
	TokenDrop  = "token_revoke"
	Delete     = "delete"
	// Read is the opening of a person's full record: personal data, whose
	// every reader is recorded (UU 27/2022).
	Read = "read"
	// The steps of a quarterly SPM report (spm.ReportAction): an
	// application of the regulation's workflow, each its own action so that
	// "who submitted, who verified" is a filter of the log.
	Submit = "submit"
	Return = "return"
	Verify = "verify"
	Lock   = "lock"
	Reopen = "reopen"
)

// Entry is one change.
type Entry struct {
	Action   string
	Entity   string // "user", "unit", …
	EntityID string
	Region   wilayah.Code // the region the record belongs to, for scoped reading
	Before   any          // nil for a create
	After    any          // nil for a delete
}

// Record writes e. Call it with the transaction that makes the change, so
// that the change and its record land together or not at all.
func Record(ctx context.Context, q db.Q, a Actor, e Entry) error {
	before, err := encode(e.Before)
	if err != nil {
		return err
	}
	after, err := encode(e.After)
	if err != nil {
		return err
	}
	var actorID, region any
	if a.UserID != 0 {
		actorID = a.UserID
	}
	if e.Region != "" {
		region = string(e.Region)
	}
	name := a.Name
	if name == "" {
		name = "system"
	}
	_, err = q.Exec(ctx, `INSERT INTO audit_log
		(at, actor_id, actor_name, action, entity, entity_id, region_code, before_data, after_data, request_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		db.Now(), actorID, name, e.Action, e.Entity, e.EntityID, region, before, after, a.RequestID)
	if err != nil {
		return fmt.Errorf("audit: record %s %s: %w", e.Action, e.Entity, err)
	}
	return nil
}

func encode(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("audit: encode: %w", err)
	}
	return string(b), nil
}

// Item is one record as read back.
type Item struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	ActorID   *int64    `json:"actor_id"`
	ActorName string    `json:"actor"`
	Action    string    `json:"action"`
	Entity    string    `json:"entity"`
	EntityID  string    `json:"entity_id"`
	Region    *string   `json:"region"`
	Before    *string   `json:"before"`
	After     *string   `json:"after"`
	RequestID string    `json:"request_id"`
}

// Filter narrows a listing. All reads every record (admins of the whole
// deployment); otherwise Within limits it to records of a region subtree,
// and an empty Within reads nothing.
type Filter struct {
	All      bool
	Within   wilayah.Code
	Entity   string
	EntityID string
	// Subjects, when given, keeps the records about any of these records:
	// the history of a person is their own record's and those of their
	// households and consents.
	Subjects []Subject
	Actor    string // actor name, exact
	Action   string
	// ExceptAction leaves out one action: the changes of a personal record
	// without its many openings (Read).
	ExceptAction string
	From, To     time.Time // To is exclusive; zero = open
	BeforeID     int64     // keyset paging: records with id < BeforeID
	Limit        int
}

// Subject is one record the audit log speaks of: an entity and its id.
type Subject struct {
	Entity string
	ID     string
}

// subjectsCond is the condition "about one of subjects", one IN list per
// entity so that each is a range of the index on (entity, entity_id).
func subjectsCond(subjects []Subject) (string, []any) {
	var entities []string
	ids := map[string][]any{}
	for _, s := range subjects {
		if _, ok := ids[s.Entity]; !ok {
			entities = append(entities, s.Entity)
		}
		ids[s.Entity] = append(ids[s.Entity], s.ID)
	}
	var conds []string
	var args []any
	for _, e := range entities {
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(ids[e])), ", ")
		conds = append(conds, "(entity = ? AND entity_id IN ("+marks+"))")
		args = append(append(args, e), ids[e]...)
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// where is the WHERE clause of f (without the keyword) and its arguments.
func (f Filter) where() ([]string, []any) {
	var where []string
	var args []any
	if !f.All {
		c, a := wilayah.SubtreeCond("region_code", f.Within)
		where = append(where, c)
		args = append(args, a...)
	}
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if f.Entity != "" {
		add("entity = ?", f.Entity)
	}
	if f.EntityID != "" {
		add("entity_id = ?", f.EntityID)
	}
	if len(f.Subjects) > 0 {
		c, a := subjectsCond(f.Subjects)
		where = append(where, c)
		args = append(args, a...)
	}
	if f.Actor != "" {
		add("actor_name = ?", f.Actor)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if f.ExceptAction != "" {
		add("action <> ?", f.ExceptAction)
	}
	if !f.From.IsZero() {
		add("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		add("at < ?", f.To.UTC())
	}
	if f.BeforeID > 0 {
		add("id < ?", f.BeforeID)
	}
	return where, args
}

// List returns records newest first, at most f.Limit (default 50, max 200).
// Paging is by id, so a page stays stable while new records arrive.
func List(ctx context.Context, q db.Q, f Filter) ([]Item, error) {
	if !f.All && f.Within == "" {
		return nil, nil
	}
	where, args := f.where()
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	if limit > 200 {
		limit = 200
	}
	query := `SELECT id, at, actor_id, actor_name, action, entity, entity_id, region_code,
		before_data, after_data, request_id FROM audit_log`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += fmt.Sprintf(" ORDER BY id DESC LIMIT %d", limit)
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		var r Item
		var actorID sql.NullInt64
		var region, before, after sql.NullString
		if err := rows.Scan(&r.ID, &r.At, &actorID, &r.ActorName, &r.Action, &r.Entity, &r.EntityID,
			&region, &before, &after, &r.RequestID); err != nil {
			return nil, err
		}
		r.At = r.At.UTC()
		if actorID.Valid {
			r.ActorID = &actorID.Int64
		}
		if region.Valid {
			r.Region = &region.String
		}
		if before.Valid {
			r.Before = &before.String
		}
		if after.Valid {
			r.After = &after.String
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CountMatching returns how many records f selects (its Limit and
// BeforeID aside: all of them).
func CountMatching(ctx context.Context, q db.Q, f Filter) (int, error) {
	if !f.All && f.Within == "" {
		return 0, nil
	}
	f.BeforeID = 0
	where, args := f.where()
	query := "SELECT COUNT(*) FROM audit_log"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	var n int
	err := q.QueryRow(ctx, query, args...).Scan(&n)
	return n, db.Err(err)
}

// Count returns how many records a filter's All and Within cover.
func Count(ctx context.Context, q db.Q, all bool, within wilayah.Code) (int, error) {
	if !all && within == "" {
		return 0, nil
	}
	query := "SELECT COUNT(*) FROM audit_log"
	var args []any
	if !all {
		c, a := wilayah.SubtreeCond("region_code", within)
		query += " WHERE " + c
		args = a
	}
	var n int
	err := q.QueryRow(ctx, query, args...).Scan(&n)
	return n, db.Err(err)
}

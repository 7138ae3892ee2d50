package sarpras

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/filestore"
	"github.com/layan-id/layan/internal/unit"
	"github.com/layan-id/layan/internal/wilayah"
)

// Store reads and writes audits. Who may do what is decided here, above
// the SQL: a unit's supervisors and the admins of its region run its
// audits; its workers read them and finish the tasks they own; planners,
// verifiers, national viewers and admins compare units of their region.
type Store struct {
	DB *db.DB
	// PhotoDir is where photos are kept (filestore); without one,
	// uploads fail.
	PhotoDir string
	// MaxPhoto bounds one photo; zero means DefaultMaxPhoto.
	MaxPhoto int64
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// DefaultMaxPhoto is 5 MiB: a phone photo fits, a video does not.
const DefaultMaxPhoto = 5 << 20

// PhotoKinds are the images a photo may be, by content.
var PhotoKinds = []filestore.Kind{filestore.JPEG, filestore.PNG, filestore.WebP}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC().Truncate(time.Microsecond)
	}
	return db.Now()
}

func (s *Store) maxPhoto() int64 {
	if s.MaxPhoto > 0 {
		return s.MaxPhoto
	}
	return DefaultMaxPhoto
}

// Audit is one audit with its items, photos and tasks.
type Audit struct {
	ID          int64        `json:"id"`
	UnitID      int64        `json:"unit_id"`
	UnitName    string       `json:"unit_name"`
	Region      wilayah.Code `json:"region"`
	Date        string       `json:"date"`
	AuditorID   int64        `json:"auditor_id,omitempty"`
	AuditorName string       `json:"auditor_name"`
	Status      string       `json:"status"`
	// Score is set when the audit is final; Provisional is the score of
	// the answers so far, unanswered items counted as absent.
	Score       *float64   `json:"score"`
	Provisional float64    `json:"provisional_score"`
	Answered    int        `json:"answered"`
	Total       int        `json:"total"`
	Note        string     `json:"note"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	FinalisedAt *time.Time `json:"finalised_at"`
	Version     int        `json:"version"`
	Rows        []Row      `json:"items,omitempty"`
	Photos      []Photo    `json:"photos,omitempty"`
	Tasks       []Task     `json:"tasks,omitempty"`
}

// Photo is an image of one item of an audit.
type Photo struct {
	ID          int64     `json:"id"`
	AuditID     int64     `json:"audit_id"`
	ItemCode    string    `json:"item_code"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedAt  time.Time `json:"uploaded_at"`
}

// Task is a remediation task.
type Task struct {
	ID          int64      `json:"id"`
	AuditID     int64      `json:"audit_id"`
	UnitID      int64      `json:"unit_id"`
	UnitName    string     `json:"unit_name"`
	ItemCode    string     `json:"item_code"`
	ItemName    string     `json:"item_name"`
	Description string     `json:"description"`
	OwnerID     int64      `json:"owner_id"`
	OwnerName   string     `json:"owner_name"`
	Due         string     `json:"due"`
	Status      string     `json:"status"`
	Overdue     bool       `json:"overdue"`
	DoneAt      *time.Time `json:"done_at"`
	CreatedAt   time.Time  `json:"created_at"`
	Version     int        `json:"version"`
}

var (
	errUnitNotFound  = apperr.New(apperr.NotFound, "unit.not_found")
	errAuditNotFound = apperr.New(apperr.NotFound, "sarpras.audit_not_found")
	errTaskNotFound  = apperr.New(apperr.NotFound, "sarpras.task_not_found")
	errPhotoNotFound = apperr.New(apperr.NotFound, "sarpras.photo_not_found")
	errNotManager    = apperr.New(apperr.Forbidden, "sarpras.not_manager")
	errFinal         = &apperr.Error{Kind: apperr.Conflict, Key: "sarpras.audit_final", Code: "audit_final"}
	errStale         = apperr.New(apperr.Conflict, "error.stale_version")
)

// Manages reports whether u runs the audits of unit un: its supervisors
// (the kepala unit) and the admins whose region holds it.
func Manages(u access.User, un unit.Unit) bool {
	switch u.Role {
	case access.Supervisor:
		return u.UnitID == un.ID
	case access.Admin:
		return u.Scope().CoversRegion(un.Region)
	}
	return false
}

// Reads reports whether u reads the audits of unit un: those who run them
// and the unit's workers, who own its tasks.
func Reads(u access.User, un unit.Unit) bool {
	return Manages(u, un) || (u.Role == access.Worker && u.UnitID == un.ID)
}

// unitFor reads a unit u may read the audits of; to anyone else it does
// not exist.
func (s *Store) unitFor(ctx context.Context, q db.Q, u access.User, unitID int64) (unit.Unit, error) {
	un, err := unit.Get(ctx, q, access.Scope{All: true}, unitID)
	if apperr.KindOf(err) == apperr.NotFound || (err == nil && !Reads(u, un)) {
		return unit.Unit{}, errUnitNotFound
	}
	return un, err
}

func (s *Store) managedUnit(ctx context.Context, q db.Q, u access.User, unitID int64) (unit.Unit, error) {
	un, err := s.unitFor(ctx, q, u, unitID)
	if err != nil {
		return un, err
	}
	if !Manages(u, un) {
		return un, errNotManager
	}
	return un, nil
}

// Items returns the checklist, the active items first in their order,
// writing the defaults on first use.
func (s *Store) Items(ctx context.Context) ([]Item, error) {
	if err := s.ensureDefaults(ctx); err != nil {
		return nil, err
	}
	return listItems(ctx, s.DB, false)
}

func listItems(ctx context.Context, q db.Q, activeOnly bool) ([]Item, error) {
	query := "SELECT code, grp, name, criterion, source, weight, position, active, version FROM sarpras_item"
	if activeOnly {
		query += " WHERE active = ?"
	}
	query += " ORDER BY active DESC, position, code"
	var args []any
	if activeOnly {
		args = append(args, true)
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Item{}
	for rows.Next() {
		var it Item
		if err := rows.Scan(&it.Code, &it.Group, &it.Name, &it.Criterion, &it.Source, &it.Weight, &it.Position,
			&it.Active, &it.Version); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// ensureDefaults writes the default checklist when there is none: on the
// first start, once. Two instances starting together may both try; the
// loser's duplicate key is not an error.
func (s *Store) ensureDefaults(ctx context.Context) error {
	var n int
	if err := s.DB.QueryRow(ctx, "SELECT COUNT(*) FROM sarpras_item").Scan(&n); err != nil || n > 0 {
		return err
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		now := s.now()
		for _, it := range Defaults() {
			if _, err := tx.Exec(ctx, `INSERT INTO sarpras_item (code, grp, name, criterion, source, weight, position,
				active, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
				it.Code, string(it.Group), it.Name, it.Criterion, it.Source, it.Weight, it.Position, true, now); err != nil {
				return db.Err(err)
			}
		}
		return nil
	})
	if errors.Is(err, db.ErrDuplicate) {
		return nil
	}
	return err
}

// SaveItem adds an item (Version 0) or changes one (the version last
// read). The checklist is one for the whole deployment, so only an admin of
// the whole deployment changes it. Audited.
func (s *Store) SaveItem(ctx context.Context, actor audit.Actor, u access.User, it Item) (Item, error) {
	if u.Role != access.Admin || !u.Scope().All {
		return Item{}, apperr.New(apperr.Forbidden, "sarpras.items_admin_only")
	}
	if err := it.Validate().Err(); err != nil {
		return Item{}, err
	}
	if err := s.ensureDefaults(ctx); err != nil {
		return Item{}, err
	}
	var out Item
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		all, err := listItems(ctx, tx, false)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(all, func(x Item) bool { return x.Code == it.Code })
		now := s.now()
		var before any
		if it.Version == 0 {
			if i >= 0 {
				var f apperr.Fields
				f.Add("code", "sarpras.code_taken")
				return f.Err()
			}
			if it.Position == 0 {
				for _, x := range all {
					it.Position = max(it.Position, x.Position)
				}
				it.Position += 10
			}
			_, err = tx.Exec(ctx, `INSERT INTO sarpras_item (code, grp, name, criterion, source, weight, position,
				active, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
				it.Code, string(it.Group), it.Name, it.Criterion, it.Source, it.Weight, it.Position, it.Active, now)
			if err := db.Err(err); errors.Is(err, db.ErrDuplicate) {
				return errStale
			} else if err != nil {
				return err
			}
		} else {
			if i < 0 {
				return apperr.New(apperr.NotFound, "sarpras.item_not_found")
			}
			before = all[i]
			if it.Position == 0 {
				it.Position = all[i].Position
			}
			res, err := tx.Exec(ctx, `UPDATE sarpras_item SET grp = ?, name = ?, criterion = ?, source = ?, weight = ?,
				position = ?, active = ?, updated_at = ?, version = version + 1 WHERE code = ? AND version = ?`,
				string(it.Group), it.Name, it.Criterion, it.Source, it.Weight, it.Position, it.Active, now, it.Code, it.Version)
			if err != nil {
				return db.Err(err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return errStale
			}
		}
		after, err := listItems(ctx, tx, false)
		if err != nil {
			return err
		}
		out = after[slices.IndexFunc(after, func(x Item) bool { return x.Code == it.Code })]
		action := audit.Update
		if before == nil {
			action = audit.Create
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: action, Entity: "sarpras_item", EntityID: it.Code,
			Before: before, After: out})
	})
	return out, err
}

// AuditInput starts an audit.
type AuditInput struct {
	Date string `json:"date"` // YYYY-MM-DD; empty means today
	Note string `json:"note"`
}

// Create starts a draft audit of a unit with the active checklist.
func (s *Store) Create(ctx context.Context, actor audit.Actor, u access.User, unitID int64, in AuditInput) (Audit, error) {
	var f apperr.Fields
	in.Date, in.Note = strings.TrimSpace(in.Date), strings.TrimSpace(in.Note)
	now := s.now()
	if in.Date == "" {
		in.Date = now.In(wib).Format(time.DateOnly)
	}
	if d, ok := ParseDay(in.Date); !ok {
		f.Add("date", "field.date_format")
	} else if d.After(now.In(wib)) {
		f.Add("date", "sarpras.date_future")
	}
	text(&f, "note", in.Note, MaxNote, false)
	if err := f.Err(); err != nil {
		return Audit{}, err
	}
	if err := s.ensureDefaults(ctx); err != nil {
		return Audit{}, err
	}
	var out Audit
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		un, err := s.managedUnit(ctx, tx, u, unitID)
		if err != nil {
			return err
		}
		items, err := listItems(ctx, tx, true)
		if err != nil {
			return err
		}
		if len(items) == 0 {
			return apperr.New(apperr.Invalid, "sarpras.no_items")
		}
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO sarpras_audit (unit_id, region_code, province_code, audit_date, auditor_id,
			status, note, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`,
			un.ID, string(un.Region), string(un.Region.Province()), in.Date, nullID(u.ID), Draft, in.Note, now, now).Scan(&id)
		if err != nil {
			return db.Err(err)
		}
		// The audit keeps the items as they are today: a later change of
		// the checklist leaves it as it was made.
		for _, it := range items {
			if _, err := tx.Exec(ctx, `INSERT INTO sarpras_answer (audit_id, item_code, position, grp, name, criterion,
				source, weight) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				id, it.Code, it.Position, string(it.Group), it.Name, it.Criterion, it.Source, it.Weight); err != nil {
				return db.Err(err)
			}
		}
		if out, err = getAudit(ctx, tx, un, id, s.now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Create, Entity: "sarpras_audit",
			EntityID: strconv.FormatInt(id, 10), Region: un.Region, After: summary(out)})
	})
	return out, err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// summary is what the audit log keeps of an audit: its state and answers,
// not its photos.
func summary(a Audit) map[string]any {
	answers := map[string]string{}
	for _, r := range a.Rows {
		if r.Answer != Unanswered {
			answers[r.Code] = string(r.Answer)
		}
	}
	return map[string]any{"unit_id": a.UnitID, "date": a.Date, "status": a.Status, "score": a.Score,
		"note": a.Note, "answers": answers, "version": a.Version}
}

const auditColumns = `a.id, a.unit_id, a.region_code, a.audit_date, a.auditor_id, COALESCE(p.full_name, ''), a.status,
	a.score, a.note, a.created_at, a.updated_at, a.finalised_at, a.version`

func scanAudit(row interface{ Scan(...any) error }) (Audit, error) {
	var a Audit
	var auditor sql.NullInt64
	var score sql.NullFloat64
	var fin sql.NullTime
	err := row.Scan(&a.ID, &a.UnitID, &a.Region, &a.Date, &auditor, &a.AuditorName, &a.Status, &score, &a.Note,
		&a.CreatedAt, &a.UpdatedAt, &fin, &a.Version)
	if err != nil {
		return Audit{}, db.Err(err)
	}
	a.AuditorID = auditor.Int64
	if score.Valid {
		v := score.Float64
		a.Score = &v
	}
	if fin.Valid {
		t := fin.Time.UTC()
		a.FinalisedAt = &t
	}
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a, nil
}

// getAudit reads an audit of unit un in full.
func getAudit(ctx context.Context, q db.Q, un unit.Unit, id int64, now time.Time) (Audit, error) {
	a, err := scanAudit(q.QueryRow(ctx, "SELECT "+auditColumns+` FROM sarpras_audit a
		LEFT JOIN app_user p ON p.id = a.auditor_id WHERE a.id = ? AND a.unit_id = ?`, id, un.ID))
	if errors.Is(err, db.ErrNotFound) {
		return Audit{}, errAuditNotFound
	}
	if err != nil {
		return Audit{}, err
	}
	a.UnitName = un.Name
	if a.Rows, err = auditRows(ctx, q, id); err != nil {
		return Audit{}, err
	}
	fill(&a)
	if a.Photos, err = auditPhotos(ctx, q, id); err != nil {
		return Audit{}, err
	}
	a.Tasks, err = listTasks(ctx, q, now, "t.audit_id = ?", id)
	return a, err
}

func fill(a *Audit) {
	a.Total = len(a.Rows)
	a.Answered = a.Total - len(UnansweredCodes(a.Rows))
	a.Provisional = Score(a.Rows)
}

func auditRows(ctx context.Context, q db.Q, id int64) ([]Row, error) {
	rows, err := q.Query(ctx, `SELECT item_code, grp, name, criterion, source, weight, answer, note
		FROM sarpras_answer WHERE audit_id = ? ORDER BY position, item_code`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Row{}
	for rows.Next() {
		var r Row
		if err := rows.Scan(&r.Code, &r.Group, &r.Name, &r.Criterion, &r.Source, &r.Weight, &r.Answer, &r.Note); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func auditPhotos(ctx context.Context, q db.Q, id int64) ([]Photo, error) {
	rows, err := q.Query(ctx, `SELECT id, audit_id, item_code, name, content_type, size, sha256, uploaded_at
		FROM sarpras_photo WHERE audit_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Photo{}
	for rows.Next() {
		var p Photo
		if err := rows.Scan(&p.ID, &p.AuditID, &p.ItemCode, &p.Name, &p.ContentType, &p.Size, &p.SHA256, &p.UploadedAt); err != nil {
			return nil, err
		}
		p.UploadedAt = p.UploadedAt.UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

// Get reads an audit of a unit u may read.
func (s *Store) Get(ctx context.Context, u access.User, unitID, auditID int64) (Audit, error) {
	un, err := s.unitFor(ctx, s.DB, u, unitID)
	if err != nil {
		return Audit{}, err
	}
	return getAudit(ctx, s.DB, un, auditID, s.now())
}

// History is a unit's audits, newest first, without their items, and its
// tasks.
type History struct {
	Unit   unit.Unit `json:"unit"`
	Audits []Audit   `json:"audits"`
	Tasks  []Task    `json:"tasks"`
	Manage bool      `json:"manage"`
}

// History lists the audits of a unit u may read, newest first.
func (s *Store) History(ctx context.Context, u access.User, unitID int64) (History, error) {
	un, err := s.unitFor(ctx, s.DB, u, unitID)
	if err != nil {
		return History{}, err
	}
	h := History{Unit: un, Audits: []Audit{}, Manage: Manages(u, un)}
	rows, err := s.DB.Query(ctx, "SELECT "+auditColumns+` FROM sarpras_audit a
		LEFT JOIN app_user p ON p.id = a.auditor_id WHERE a.unit_id = ? ORDER BY a.audit_date DESC, a.id DESC`, un.ID)
	if err != nil {
		return History{}, err
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAudit(rows)
		if err != nil {
			return History{}, err
		}
		a.UnitName = un.Name
		h.Audits = append(h.Audits, a)
	}
	if err := rows.Err(); err != nil {
		return History{}, err
	}
	rows.Close()
	for i := range h.Audits {
		r, err := auditRows(ctx, s.DB, h.Audits[i].ID)
		if err != nil {
			return History{}, err
		}
		h.Audits[i].Rows = r
		fill(&h.Audits[i])
		h.Audits[i].Rows = nil
	}
	h.Tasks, err = listTasks(ctx, s.DB, s.now(), "t.unit_id = ?", un.ID)
	return h, err
}

// AnswerInput is the answer to one item.
type AnswerInput struct {
	Code   string `json:"code"`
	Answer Answer `json:"answer"` // "" leaves the item unanswered
	Note   string `json:"note"`
}

// AnswersInput changes a draft audit: some items' answers, and the note
// when given.
type AnswersInput struct {
	Version int           `json:"version"`
	Note    *string       `json:"note,omitempty"`
	Answers []AnswerInput `json:"answers"`
}

// loadDraft reads an audit for a change: one u runs, still a draft, at the
// version the editor saw (0 skips the check, for uploads).
func (s *Store) loadDraft(ctx context.Context, tx *db.Tx, u access.User, unitID, auditID int64, version int) (unit.Unit, Audit, error) {
	un, err := s.managedUnit(ctx, tx, u, unitID)
	if err != nil {
		return un, Audit{}, err
	}
	a, err := getAudit(ctx, tx, un, auditID, s.now())
	if err != nil {
		return un, Audit{}, err
	}
	if a.Status == Final {
		return un, Audit{}, errFinal
	}
	if version != 0 && version != a.Version {
		return un, Audit{}, errStale
	}
	return un, a, nil
}

// Answer records answers of a draft audit. Audited.
func (s *Store) Answer(ctx context.Context, actor audit.Actor, u access.User, unitID, auditID int64, in AnswersInput) (Audit, error) {
	var f apperr.Fields
	if in.Version <= 0 {
		f.Add("version", "field.required")
	}
	seen := map[string]bool{}
	for i := range in.Answers {
		a := &in.Answers[i]
		a.Code, a.Note = strings.TrimSpace(a.Code), strings.TrimSpace(a.Note)
		if a.Answer != Unanswered && !a.Answer.Valid() {
			f.Add("answer."+a.Code, "sarpras.answer_unknown")
		}
		text(&f, "note."+a.Code, a.Note, MaxNote, false)
		if seen[a.Code] {
			f.Add("answer."+a.Code, "sarpras.answer_repeated")
		}
		seen[a.Code] = true
	}
	if in.Note != nil {
		*in.Note = strings.TrimSpace(*in.Note)
		text(&f, "note", *in.Note, MaxNote, false)
	}
	if err := f.Err(); err != nil {
		return Audit{}, err
	}
	var out Audit
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		un, before, err := s.loadDraft(ctx, tx, u, unitID, auditID, in.Version)
		if err != nil {
			return err
		}
		var f apperr.Fields
		for _, a := range in.Answers {
			if !slices.ContainsFunc(before.Rows, func(r Row) bool { return r.Code == a.Code }) {
				f.Add("answer."+a.Code, "sarpras.item_not_in_audit")
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		for _, a := range in.Answers {
			if _, err := tx.Exec(ctx, "UPDATE sarpras_answer SET answer = ?, note = ? WHERE audit_id = ? AND item_code = ?",
				string(a.Answer), a.Note, auditID, a.Code); err != nil {
				return db.Err(err)
			}
		}
		note := before.Note
		if in.Note != nil {
			note = *in.Note
		}
		res, err := tx.Exec(ctx, `UPDATE sarpras_audit SET note = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ?`, note, s.now(), auditID, in.Version)
		if err != nil {
			return db.Err(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errStale
		}
		if out, err = getAudit(ctx, tx, un, auditID, s.now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Update, Entity: "sarpras_audit",
			EntityID: strconv.FormatInt(auditID, 10), Region: un.Region, Before: summary(before), After: summary(out)})
	})
	return out, err
}

// Finalise makes a draft audit final: every item answered, the score
// fixed. Nothing of it changes afterwards. Audited.
func (s *Store) Finalise(ctx context.Context, actor audit.Actor, u access.User, unitID, auditID int64, version int) (Audit, error) {
	var out Audit
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		un, before, err := s.loadDraft(ctx, tx, u, unitID, auditID, version)
		if err != nil {
			return err
		}
		if err := CheckFinal(before.Rows); err != nil {
			return err
		}
		now := s.now()
		res, err := tx.Exec(ctx, `UPDATE sarpras_audit SET status = ?, score = ?, finalised_at = ?, updated_at = ?,
			version = version + 1 WHERE id = ? AND version = ? AND status = ?`,
			Final, Score(before.Rows), now, now, auditID, before.Version, Draft)
		if err != nil {
			return db.Err(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errStale
		}
		if out, err = getAudit(ctx, tx, un, auditID, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "finalise", Entity: "sarpras_audit",
			EntityID: strconv.FormatInt(auditID, 10), Region: un.Region, Before: summary(before), After: summary(out)})
	})
	return out, err
}

const maxPhotoName = 200

// AttachPhoto adds a photo of one item of a draft audit. Only JPEG, PNG
// and WebP images, decided from the content, up to MaxPhoto; anything
// else is refused naming the field "file", and nothing is kept.
func (s *Store) AttachPhoto(ctx context.Context, actor audit.Actor, u access.User, unitID, auditID int64, itemCode, name string, r io.Reader) (Photo, error) {
	if s.PhotoDir == "" {
		return Photo{}, apperr.New(apperr.Internal, "attachment.no_directory")
	}
	// Nobody who may not change the audit gets to fill the disk: look
	// before reading.
	un, err := s.managedUnit(ctx, s.DB, u, unitID)
	if err != nil {
		return Photo{}, err
	}
	a, err := getAudit(ctx, s.DB, un, auditID, s.now())
	if err != nil {
		return Photo{}, err
	}
	if a.Status == Final {
		return Photo{}, errFinal
	}
	var f apperr.Fields
	itemCode = strings.TrimSpace(itemCode)
	if !slices.ContainsFunc(a.Rows, func(r Row) bool { return r.Code == itemCode }) {
		f.Add("item", "sarpras.item_not_in_audit")
	}
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		name = "foto"
	case utf8.RuneCountInString(name) > maxPhotoName:
		f.Add("file", "field.too_long", maxPhotoName)
	case !utf8.ValidString(name) || strings.IndexFunc(name, unicode.IsControl) >= 0:
		f.Add("file", "attachment.name_invalid")
	}
	limit := s.maxPhoto()
	in := bufio.NewReaderSize(io.LimitReader(r, limit+1), 512)
	head, err := in.Peek(512)
	if err != nil && err != io.EOF {
		return Photo{}, err
	}
	kind, ok := filestore.Sniff(head, PhotoKinds)
	switch {
	case len(head) == 0:
		f.Add("file", "attachment.empty")
	case !ok:
		f.Add("file", "sarpras.photo_not_image")
	}
	if err := f.Err(); err != nil {
		return Photo{}, err
	}
	dir := filestore.Dir(s.PhotoDir)
	sum, size, created, err := dir.Keep(in, limit)
	if err != nil {
		if apperr.KindOf(err) == apperr.TooLarge {
			return Photo{}, apperr.New(apperr.TooLarge, "sarpras.photo_too_large", limit>>20)
		}
		return Photo{}, err
	}
	if ext := strings.ToLower(filepath.Ext(name)); !slices.Contains(kind.Exts, ext) {
		// The name shown and downloaded agrees with what the file is.
		name = strings.TrimSuffix(name, filepath.Ext(name)) + kind.Exts[0]
	}
	var out Photo
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		// Made final meanwhile: the check is repeated in the transaction.
		_, a, err := s.loadDraft(ctx, tx, u, unitID, auditID, 0)
		if err != nil {
			return err
		}
		now := s.now()
		out = Photo{AuditID: auditID, ItemCode: itemCode, Name: name, ContentType: kind.ContentType, Size: size,
			SHA256: sum, UploadedAt: now}
		err = tx.QueryRow(ctx, `INSERT INTO sarpras_photo (audit_id, item_code, name, content_type, size, sha256,
			uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			auditID, itemCode, name, kind.ContentType, size, sum, nullID(u.ID), now).Scan(&out.ID)
		if err != nil {
			return db.Err(err)
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Create, Entity: "sarpras_photo",
			EntityID: strconv.FormatInt(out.ID, 10), Region: a.Region, After: out})
	})
	if err != nil {
		if created {
			s.forget(context.WithoutCancel(ctx), sum)
		}
		return Photo{}, err
	}
	return out, nil
}

// forget removes a kept photo that no row refers to (one whose row was
// not stored). Best effort: an orphan file harms nobody.
func (s *Store) forget(ctx context.Context, sum string) {
	var n int
	if err := s.DB.QueryRow(ctx, "SELECT COUNT(*) FROM sarpras_photo WHERE sha256 = ?", sum).Scan(&n); err != nil || n > 0 {
		return
	}
	filestore.Dir(s.PhotoDir).Remove(sum)
}

// OpenPhoto opens a photo of an audit u may read. The caller closes it.
func (s *Store) OpenPhoto(ctx context.Context, u access.User, unitID, auditID, photoID int64) (Photo, io.ReadCloser, error) {
	un, err := s.unitFor(ctx, s.DB, u, unitID)
	if err != nil {
		return Photo{}, nil, err
	}
	var p Photo
	err = s.DB.QueryRow(ctx, `SELECT ph.id, ph.audit_id, ph.item_code, ph.name, ph.content_type, ph.size, ph.sha256,
		ph.uploaded_at FROM sarpras_photo ph JOIN sarpras_audit a ON a.id = ph.audit_id
		WHERE ph.id = ? AND ph.audit_id = ? AND a.unit_id = ?`, photoID, auditID, un.ID).
		Scan(&p.ID, &p.AuditID, &p.ItemCode, &p.Name, &p.ContentType, &p.Size, &p.SHA256, &p.UploadedAt)
	if errors.Is(db.Err(err), db.ErrNotFound) {
		return Photo{}, nil, errPhotoNotFound
	}
	if err != nil {
		return Photo{}, nil, err
	}
	if s.PhotoDir == "" {
		return Photo{}, nil, apperr.New(apperr.Internal, "attachment.no_directory")
	}
	f, err := filestore.Dir(s.PhotoDir).Open(p.SHA256)
	if err != nil {
		return Photo{}, nil, apperr.Wrap(apperr.Internal, "error.internal", err)
	}
	return p, f, nil
}

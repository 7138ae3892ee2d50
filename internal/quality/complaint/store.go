package complaint

import (
	"context"
	"errors"
	"fmt"
	"github.com/layan-id/layan/internal/holiday"
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

// Store keeps complaints. The public files and tracks them without an
// account; staff methods take the signed-in user and check the unit
// themselves (Reach), so a handler cannot forget it.
type Store struct {
	DB *db.DB
	// Now is the clock; tests set it. Nil means time.Now.
	Now func() time.Time
	// ResponseDays is the deadline of the first response in working days;
	// zero means DefaultResponseDays. SecondLevelDays is how many more
	// working days until the region's admin is alerted; zero means
	// DefaultSecondLevelDays.
	ResponseDays    int
	SecondLevelDays int
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC().Truncate(time.Microsecond)
	}
	return db.Now()
}

func (s *Store) responseDays() int {
	if s.ResponseDays > 0 {
		return s.ResponseDays
	}
	return DefaultResponseDays
}

func (s *Store) secondDays() int {
	if s.SecondLevelDays > 0 {
		return s.SecondLevelDays
	}
	return DefaultSecondLevelDays
}

// Complaint is a complaint as its unit's staff see it.
type Complaint struct {
	ID           int64        `json:"id"`
	UnitID       int64        `json:"unit_id"`
	UnitName     string       `json:"unit_name"`
	Region       wilayah.Code `json:"region"`
	Code         string       `json:"code"` // formatted: PGD-XXXX-XXXX-XXXX
	Category     Category     `json:"category"`
	Body         string       `json:"body"`
	ContactName  string       `json:"contact_name"`
	Contact      string       `json:"contact"`
	Channel      Channel      `json:"channel"`
	ReceivedAt   time.Time    `json:"received_at"`
	DueAt        time.Time    `json:"due_at"`
	Status       Status       `json:"status"`
	RejectReason string       `json:"reject_reason,omitempty"`
	AssignedTo   int64        `json:"assigned_to,omitempty"`
	AssigneeName string       `json:"assignee_name,omitempty"`
	Escalation   int          `json:"escalation"`
	EscalatedAt  *time.Time   `json:"escalated_at,omitempty"`
	Response     string       `json:"response,omitempty"`
	RespondedAt  *time.Time   `json:"responded_at,omitempty"`
	ClosedAt     *time.Time   `json:"closed_at,omitempty"`
	UpdatedAt    time.Time    `json:"updated_at"`
	Version      int          `json:"version"`
}

// Overdue reports whether the complaint waits for an answer past its
// deadline at now.
func (c Complaint) Overdue(now time.Time) bool { return !c.Status.Answered() && now.After(c.DueAt) }

// Input is a complaint as filed.
type Input struct {
	UnitID      int64   `json:"unit_id"`
	Category    string  `json:"category"`
	Body        string  `json:"body"`
	ContactName string  `json:"contact_name"`
	Contact     string  `json:"contact"` // a phone number or an e-mail address
	Channel     Channel `json:"-"`       // set by the handler, never by the sender
}

const (
	minBody     = 10
	maxBody     = 4000
	maxName     = 120
	maxContact  = 120
	maxResponse = 4000
	maxReason   = 1000
)

// textCheck adds the field's error when v is required and empty, not
// valid text, or too long.
func textCheck(f *apperr.Fields, field, v string, min, max int) {
	n := utf8.RuneCountInString(v)
	switch {
	case min > 0 && v == "":
		f.Add(field, "field.required")
	case !utf8.ValidString(v) || strings.ContainsRune(v, 0): // PostgreSQL text holds no NUL
		f.Add(field, "field.utf8")
	case n > max:
		f.Add(field, "field.too_long", max)
	case n < min:
		f.Add(field, "complaint.body_short", min)
	}
}

// Validate checks what needs no database: the unit is checked by File.
func (in *Input) Validate() apperr.Fields {
	var f apperr.Fields
	in.Body = strings.TrimSpace(in.Body)
	in.ContactName = strings.TrimSpace(in.ContactName)
	in.Contact = strings.TrimSpace(in.Contact)
	if in.UnitID <= 0 {
		f.Add("unit_id", "complaint.unit_required")
	}
	if !Category(in.Category).Valid() {
		f.Add("category", "complaint.category_unknown")
	}
	textCheck(&f, "body", in.Body, minBody, maxBody)
	textCheck(&f, "contact_name", in.ContactName, 0, maxName)
	textCheck(&f, "contact", in.Contact, 0, maxContact)
	if in.Contact != "" && !f.Has("contact") && !contactLooksRight(in.Contact) {
		f.Add("contact", "complaint.contact_format")
	}
	return f
}

// contactLooksRight accepts an e-mail address (something@something.tld) or
// a phone number (digits with +, spaces, dashes, brackets; 8 or more digits).
func contactLooksRight(s string) bool {
	if at := strings.IndexByte(s, '@'); at > 0 {
		domain := s[at+1:]
		return !strings.ContainsAny(s, " \t") && strings.Contains(domain, ".") && !strings.HasSuffix(domain, ".")
	}
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("+ -()", r):
		default:
			return false
		}
	}
	return digits >= 8 && digits <= 15
}

// Filed is what the complainant gets back: the code to follow the complaint by.
type Filed struct {
	ID         int64     `json:"-"` // for the staff who recorded it; the public keeps the code
	Code       string    `json:"code"`
	UnitName   string    `json:"unit_name"`
	ReceivedAt time.Time `json:"received_at"`
	DueAt      time.Time `json:"due_at"`
}

// UnitRef is a unit as the public form names it.
type UnitRef struct {
	ID     int64        `json:"id"`
	Name   string       `json:"name"`
	Region wilayah.Code `json:"region"`
}

// PublicUnit reads an active unit for the public form: its name and region,
// nothing else. Unknown or inactive: NotFound.
func (s *Store) PublicUnit(ctx context.Context, id int64) (UnitRef, error) {
	var u UnitRef
	err := s.DB.QueryRow(ctx, "SELECT id, name, region_code FROM unit WHERE id = ? AND active = ?", id, true).
		Scan(&u.ID, &u.Name, &u.Region)
	if errors.Is(db.Err(err), db.ErrNotFound) {
		return UnitRef{}, apperr.New(apperr.NotFound, "complaint.unit_unknown")
	}
	return u, db.Err(err)
}

// PublicUnits lists active units whose name holds q (any case), or that lie
// in region, for the unit picker of the public form; at most limit.
func (s *Store) PublicUnits(ctx context.Context, q string, region wilayah.Code, limit int) ([]UnitRef, error) {
	where := []string{"active = ?"}
	args := []any{true}
	if q = strings.TrimSpace(q); q != "" {
		where = append(where, `lower(name) LIKE ? ESCAPE '\'`)
		args = append(args, db.Contains(strings.ToLower(q)))
	}
	if region != "" {
		c, a := wilayah.SubtreeCond("region_code", region)
		where = append(where, c)
		args = append(args, a...)
	}
	rows, err := s.DB.Query(ctx, "SELECT id, name, region_code FROM unit WHERE "+strings.Join(where, " AND ")+
		fmt.Sprintf(" ORDER BY name, id LIMIT %d", max(1, min(limit, 200))), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []UnitRef
	for rows.Next() {
		var u UnitRef
		if err := rows.Scan(&u.ID, &u.Name, &u.Region); err != nil {
			return nil, db.Err(err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// File stores a complaint from the public in one transaction: the
// complaint and its first event. The complainant is nobody's account: the
// event names the channel, not a person.
func (s *Store) File(ctx context.Context, in Input) (Filed, error) {
	if in.Channel != ChannelAPI {
		in.Channel = ChannelWeb // counter complaints go through Record
	}
	return s.file(ctx, in, audit.Actor{Name: "publik:" + string(in.Channel)}, nil)
}

// Record stores a complaint a member of the unit's staff wrote down at the
// counter (channel "counter"), as told by the complainant: the same rules
// and deadline as one from the form, in one transaction with its first
// event, which names the member of staff, and an audit record (a staff
// change). Any of the unit's staff may do it, as they may read its
// complaints; a unit out of reach does not exist for u.
func (s *Store) Record(ctx context.Context, actor audit.Actor, u access.User, unitID int64, in Input) (Filed, error) {
	if _, _, err := unitInReach(ctx, s.DB, u, unitID); err != nil {
		return Filed{}, err
	}
	in.UnitID, in.Channel = unitID, ChannelCounter
	return s.file(ctx, in, actor, &actor)
}

// file validates and stores a complaint; audited is the staff member to
// audit the creation as, nil for the anonymous public.
func (s *Store) file(ctx context.Context, in Input, event audit.Actor, audited *audit.Actor) (Filed, error) {
	if err := in.Validate().Err(); err != nil {
		return Filed{}, err
	}
	u, err := s.PublicUnit(ctx, in.UnitID)
	if err != nil {
		if apperr.KindOf(err) == apperr.NotFound {
			var f apperr.Fields
			f.Add("unit_id", "complaint.unit_unknown")
			return Filed{}, f.Err()
		}
		return Filed{}, err
	}
	now := s.now()
	off, err := daysOff(ctx, s.DB, now)
	if err != nil {
		return Filed{}, err
	}
	due := AddWorkingDays(now, s.responseDays(), off)
	var code string
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		// A repeated code is astronomically unlikely; try again rather than fail.
		for try := 0; ; try++ {
			code = NewCode()
			err := tx.QueryRow(ctx, `INSERT INTO complaint (unit_id, region_code, province_code, code, category, body,
				contact_name, contact, channel, received_at, due_at, status, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				u.ID, string(u.Region), string(u.Region.Province()), code, in.Category, in.Body, in.ContactName, in.Contact,
				string(in.Channel), now, due, string(Diterima), now).Scan(&id)
			if err = db.Err(err); errors.Is(err, db.ErrDuplicate) && try < 3 {
				continue
			}
			if err != nil {
				return err
			}
			if err := addEvent(ctx, tx, id, now, event, "filed", "", Diterima, ""); err != nil {
				return err
			}
			if audited == nil {
				return nil
			}
			return audit.Record(ctx, tx, *audited, audit.Entry{Action: audit.Create, Entity: "complaint",
				EntityID: strconv.FormatInt(id, 10), Region: u.Region, After: auditView{Status: Diterima, Version: 1}})
		}
	})
	if err != nil {
		return Filed{}, err
	}
	return Filed{ID: id, Code: FormatCode(code), UnitName: u.Name, ReceivedAt: now, DueAt: due}, nil
}

func addEvent(ctx context.Context, q db.Q, id int64, at time.Time, a audit.Actor, action string, before, after Status, note string) error {
	var actorID any
	if a.UserID != 0 {
		actorID = a.UserID
	}
	_, err := q.Exec(ctx, `INSERT INTO complaint_event (complaint_id, at, actor_id, actor_name, action, status_before, status_after, note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, at, actorID, a.Name, action, string(before), string(after), note)
	return err
}

// PublicView is what the tracking page shows anyone holding the code: the
// unit, the dates, the status and the unit's answer once given. Never the
// complaint's text or the contact: a code may be overheard or shared.
type PublicView struct {
	Code         string       `json:"code"`
	UnitName     string       `json:"unit_name"`
	Category     Category     `json:"category"`
	Status       Status       `json:"status"`
	ReceivedAt   time.Time    `json:"received_at"`
	DueAt        time.Time    `json:"due_at"`
	RespondedAt  *time.Time   `json:"responded_at,omitempty"`
	ClosedAt     *time.Time   `json:"closed_at,omitempty"`
	Response     string       `json:"response,omitempty"`
	RejectReason string       `json:"reject_reason,omitempty"`
	Steps        []PublicStep `json:"steps"`
}

// PublicStep is one change of status, with its date.
type PublicStep struct {
	At     time.Time `json:"at"`
	Status Status    `json:"status"`
}

// Track reads a complaint by its code for the public. A code that cannot
// be one (the checksum catches a typo) and a code nobody holds both answer
// NotFound, with a sentence saying which, so that the person checks it.
func (s *Store) Track(ctx context.Context, typed string) (PublicView, error) {
	code, ok := ParseCode(typed)
	if !ok {
		return PublicView{}, &apperr.Error{Kind: apperr.NotFound, Key: "complaint.code_typo", Code: "code_typo"}
	}
	c, err := getBy(ctx, s.DB, "c.code = ?", code)
	if errors.Is(err, db.ErrNotFound) {
		return PublicView{}, &apperr.Error{Kind: apperr.NotFound, Key: "complaint.code_unknown", Code: "code_unknown"}
	}
	if err != nil {
		return PublicView{}, err
	}
	v := PublicView{Code: c.Code, UnitName: c.UnitName, Category: c.Category, Status: c.Status, ReceivedAt: c.ReceivedAt,
		DueAt: c.DueAt, RespondedAt: c.RespondedAt, ClosedAt: c.ClosedAt, Steps: []PublicStep{}}
	if c.Status.Answered() {
		v.Response, v.RejectReason = c.Response, c.RejectReason
	}
	evs, err := events(ctx, s.DB, c.ID)
	if err != nil {
		return PublicView{}, err
	}
	for _, e := range evs {
		if e.StatusAfter != e.StatusBefore {
			v.Steps = append(v.Steps, PublicStep{At: e.At, Status: e.StatusAfter})
		}
	}
	return v, nil
}

const selectComplaint = `SELECT c.id, c.unit_id, u.name, c.region_code, c.code, c.category, c.body, c.contact_name, c.contact,
	c.channel, c.received_at, c.due_at, c.status, c.reject_reason, c.assigned_to, COALESCE(a.full_name, ''), c.escalation,
	c.escalated_at, c.response, c.responded_at, c.closed_at, c.updated_at, c.version
	FROM complaint c JOIN unit u ON u.id = c.unit_id LEFT JOIN app_user a ON a.id = c.assigned_to`

func scanComplaint(row interface{ Scan(...any) error }) (Complaint, error) {
	var c Complaint
	var assigned *int64
	err := row.Scan(&c.ID, &c.UnitID, &c.UnitName, &c.Region, &c.Code, &c.Category, &c.Body, &c.ContactName, &c.Contact,
		&c.Channel, &c.ReceivedAt, &c.DueAt, &c.Status, &c.RejectReason, &assigned, &c.AssigneeName, &c.Escalation,
		&c.EscalatedAt, &c.Response, &c.RespondedAt, &c.ClosedAt, &c.UpdatedAt, &c.Version)
	if err != nil {
		return Complaint{}, db.Err(err)
	}
	if assigned != nil {
		c.AssignedTo = *assigned
	}
	c.Code = FormatCode(c.Code)
	c.ReceivedAt, c.DueAt, c.UpdatedAt = c.ReceivedAt.UTC(), c.DueAt.UTC(), c.UpdatedAt.UTC()
	for _, t := range []**time.Time{&c.EscalatedAt, &c.RespondedAt, &c.ClosedAt} {
		if *t != nil {
			u := (*t).UTC()
			*t = &u
		}
	}
	return c, nil
}

func getBy(ctx context.Context, q db.Q, cond string, args ...any) (Complaint, error) {
	return scanComplaint(q.QueryRow(ctx, selectComplaint+" WHERE "+cond, args...))
}

// Event is one step in a complaint's history.
type Event struct {
	At           time.Time `json:"at"`
	ActorName    string    `json:"actor_name"`
	Action       string    `json:"action"`
	StatusBefore Status    `json:"status_before"`
	StatusAfter  Status    `json:"status_after"`
	Note         string    `json:"note,omitempty"`
}

func events(ctx context.Context, q db.Q, id int64) ([]Event, error) {
	rows, err := q.Query(ctx, `SELECT at, actor_name, action, status_before, status_after, note FROM complaint_event
		WHERE complaint_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.At, &e.ActorName, &e.Action, &e.StatusBefore, &e.StatusAfter, &e.Note); err != nil {
			return nil, db.Err(err)
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// Reach is what a user may do with a unit's complaints.
type Reach int

const (
	ReachNone   Reach = iota
	ReachStaff        // a worker of the unit: reads them, answers those assigned to them
	ReachManage       // the unit's supervisor, an admin of its region: everything
)

// ReachOf says what u may do with the complaints of a unit (by id and
// region). The text and the contact are personal data, so only the unit's
// own staff and the admins of its region open them; planners, verifiers and
// national viewers see counts (RegionFigures).
func ReachOf(u access.User, unitID int64, unitRegion wilayah.Code) Reach {
	switch u.Role {
	case access.Supervisor:
		if u.UnitID == unitID {
			return ReachManage
		}
	case access.Worker:
		if u.UnitID == unitID {
			return ReachStaff
		}
	case access.Admin:
		if u.Scope().CoversUnit(unitID, unitRegion) {
			return ReachManage
		}
	}
	return ReachNone
}

// unitInReach reads the unit's region and checks u's reach; a unit out of
// reach does not exist for u.
func unitInReach(ctx context.Context, q db.Q, u access.User, unitID int64) (wilayah.Code, Reach, error) {
	var region wilayah.Code
	err := q.QueryRow(ctx, "SELECT region_code FROM unit WHERE id = ?", unitID).Scan(&region)
	if err = db.Err(err); err != nil && !errors.Is(err, db.ErrNotFound) {
		return "", ReachNone, err
	}
	r := ReachNone
	if err == nil {
		r = ReachOf(u, unitID, region)
	}
	if r == ReachNone {
		return "", ReachNone, apperr.New(apperr.NotFound, "unit.not_found")
	}
	return region, r, nil
}

// ListFilter narrows a unit's list.
type ListFilter struct {
	Status  Status
	Overdue bool
	Page    int
	Size    int
}

// List returns a unit's complaints, newest first, and the total.
func (s *Store) List(ctx context.Context, u access.User, unitID int64, f ListFilter) ([]Complaint, int, error) {
	if _, _, err := unitInReach(ctx, s.DB, u, unitID); err != nil {
		return nil, 0, err
	}
	where := []string{"c.unit_id = ?"}
	args := []any{unitID}
	if f.Status != "" {
		if !f.Status.Valid() {
			return nil, 0, apperr.BadParam("status", "complaint.status_unknown")
		}
		where = append(where, "c.status = ?")
		args = append(args, string(f.Status))
	}
	if f.Overdue {
		where = append(where, "c.status IN (?, ?) AND c.due_at < ?")
		args = append(args, string(Diterima), string(Diproses), s.now())
	}
	w := " WHERE " + strings.Join(where, " AND ")
	var total int
	if err := s.DB.QueryRow(ctx, "SELECT COUNT(*) FROM complaint c"+w, args...).Scan(&total); err != nil {
		return nil, 0, db.Err(err)
	}
	size := f.Size
	if size <= 0 || size > 100 {
		size = 25
	}
	page := min(max(f.Page, 1), 1_000_000)
	rows, err := s.DB.Query(ctx, selectComplaint+w+fmt.Sprintf(" ORDER BY c.received_at DESC, c.id DESC LIMIT %d OFFSET %d", size, (page-1)*size), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []Complaint{}
	for rows.Next() {
		c, err := scanComplaint(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, c)
	}
	return out, total, rows.Err()
}

// Worker is a member of a unit's staff a complaint can be assigned to.
type Worker struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Detail is a complaint with its history and what the reader may do.
type Detail struct {
	Complaint
	Events  []Event  `json:"events"`
	Allowed []Action `json:"allowed"`
	// Workers are the unit's active workers and supervisors, for Assign;
	// empty unless the reader may assign.
	Workers []Worker `json:"workers,omitempty"`
}

// Get reads one complaint of a unit with its history.
func (s *Store) Get(ctx context.Context, u access.User, unitID, id int64) (Detail, error) {
	if _, _, err := unitInReach(ctx, s.DB, u, unitID); err != nil {
		return Detail{}, err
	}
	c, err := getBy(ctx, s.DB, "c.id = ? AND c.unit_id = ?", id, unitID)
	if errors.Is(err, db.ErrNotFound) {
		return Detail{}, apperr.New(apperr.NotFound, "complaint.not_found")
	}
	if err != nil {
		return Detail{}, err
	}
	d := Detail{Complaint: c}
	if d.Events, err = events(ctx, s.DB, id); err != nil {
		return Detail{}, err
	}
	d.Allowed = Allowed(Actor{Role: u.Role, Assignee: c.AssignedTo == u.ID}, c.Status)
	if d.Allowed == nil {
		d.Allowed = []Action{}
	}
	for _, a := range d.Allowed {
		if a == Assign {
			if d.Workers, err = s.workers(ctx, s.DB, unitID); err != nil {
				return Detail{}, err
			}
		}
	}
	return d, nil
}

func (s *Store) workers(ctx context.Context, q db.Q, unitID int64) ([]Worker, error) {
	rows, err := q.Query(ctx, `SELECT id, full_name FROM app_user WHERE unit_id = ? AND active = ? AND role IN (?, ?)
		ORDER BY full_name, id`, unitID, true, string(access.Worker), string(access.Supervisor))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Worker
	for rows.Next() {
		var w Worker
		if err := rows.Scan(&w.ID, &w.Name); err != nil {
			return nil, db.Err(err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// ActInput is a step a member of staff takes.
type ActInput struct {
	Action   Action `json:"action"`
	Version  int    `json:"version"`
	AssignTo int64  `json:"assign_to,omitempty"` // Assign: a worker or supervisor of the unit
	Text     string `json:"text,omitempty"`      // Respond: the answer; Reject: the reason; Close: an optional note
}

// auditView is what the audit log keeps of a complaint: the steps, never
// the text, the contact or the answer (personal data stays in one place).
type auditView struct {
	Status     Status `json:"status"`
	AssignedTo int64  `json:"assigned_to,omitempty"`
	Escalation int    `json:"escalation"`
	Version    int    `json:"version"`
}

func viewOf(c Complaint) auditView {
	return auditView{Status: c.Status, AssignedTo: c.AssignedTo, Escalation: c.Escalation, Version: c.Version}
}

// Act takes a step on a complaint of a unit, in one transaction with its
// event and its audit record, against the row as it is then.
func (s *Store) Act(ctx context.Context, actor audit.Actor, u access.User, unitID, id int64, in ActInput) (Complaint, error) {
	var out Complaint
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		region, _, err := unitInReach(ctx, tx, u, unitID)
		if err != nil {
			return err
		}
		c, err := getBy(ctx, tx, "c.id = ? AND c.unit_id = ?", id, unitID)
		if errors.Is(err, db.ErrNotFound) {
			return apperr.New(apperr.NotFound, "complaint.not_found")
		}
		if err != nil {
			return err
		}
		next, err := Decide(Actor{Role: u.Role, Assignee: c.AssignedTo == u.ID}, c.Status, in.Action)
		if err != nil {
			return err
		}
		if in.Version != c.Version {
			return &apperr.Error{Kind: apperr.Conflict, Key: "error.stale_version", Code: "stale_version"}
		}
		text := strings.TrimSpace(in.Text)
		var f apperr.Fields
		now := s.now()
		after := c
		after.Status, after.Version, after.UpdatedAt = next, c.Version+1, now
		note := ""
		switch in.Action {
		case Assign:
			ws, err := s.workers(ctx, tx, unitID)
			if err != nil {
				return err
			}
			found := false
			for _, w := range ws {
				if w.ID == in.AssignTo {
					found, note = true, w.Name
					after.AssigneeName = w.Name
				}
			}
			if !found {
				f.Add("assign_to", "complaint.assignee_unknown")
			}
			after.AssignedTo = in.AssignTo
		case Respond:
			textCheck(&f, "text", text, 1, maxResponse)
			after.Response, after.RespondedAt = text, &now
		case Reject:
			textCheck(&f, "text", text, 1, maxReason)
			after.RejectReason, after.RespondedAt, after.ClosedAt = text, &now, &now
			note = text
		case Close:
			textCheck(&f, "text", text, 0, maxReason)
			after.ClosedAt = &now
			note = text
		}
		if err := f.Err(); err != nil {
			return err
		}
		var assigned any
		if after.AssignedTo != 0 {
			assigned = after.AssignedTo
		}
		res, err := tx.Exec(ctx, `UPDATE complaint SET status = ?, assigned_to = ?, response = ?, responded_at = ?,
			reject_reason = ?, closed_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			string(after.Status), assigned, after.Response, after.RespondedAt, after.RejectReason, after.ClosedAt, now, c.ID, c.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return &apperr.Error{Kind: apperr.Conflict, Key: "error.stale_version", Code: "stale_version"}
		}
		if err := addEvent(ctx, tx, c.ID, now, actor, string(in.Action), c.Status, next, note); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Update, Entity: "complaint",
			EntityID: strconv.FormatInt(c.ID, 10), Region: region, Before: viewOf(c), After: viewOf(after)}); err != nil {
			return err
		}
		out = after
		return nil
	})
	return out, err
}

// escalateBatch bounds one transaction of EscalateOverdue.
const escalateBatch = 500

// EscalateOverdue raises the escalation level of every complaint waiting
// for an answer past its deadline: to the unit's supervisors (level 1),
// and SecondLevelDays working days later to the admin of the unit's region
// (level 2), each with an event in the complaint's history. It returns how
// many it raised. Safe to run from several instances at once and again and
// again: a level is raised by a conditional update (escalation < level),
// so by whichever instance comes first, once.
func (s *Store) EscalateOverdue(ctx context.Context) (int, error) {
	total := 0
	for {
		n, more, err := s.escalate(ctx)
		total += n
		if err != nil || !more {
			return total, err
		}
	}
}

func (s *Store) escalate(ctx context.Context) (n int, more bool, err error) {
	actor := audit.System("layan")
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		n, more = 0, false
		now := s.now()
		rows, err := tx.Query(ctx, `SELECT id, region_code, status, due_at, escalation, version, COALESCE(assigned_to, 0) FROM complaint
			WHERE status IN (?, ?) AND due_at < ? AND escalation < ? ORDER BY due_at, id LIMIT ?`,
			string(Diterima), string(Diproses), now, LevelRegion, escalateBatch)
		if err != nil {
			return err
		}
		type due struct {
			id             int64
			region         wilayah.Code
			status         Status
			at             time.Time
			level, version int
			assigned       int64
		}
		var list []due
		for rows.Next() {
			var d due
			if err := rows.Scan(&d.id, &d.region, &d.status, &d.at, &d.level, &d.version, &d.assigned); err != nil {
				rows.Close()
				return db.Err(err)
			}
			list = append(list, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		more = len(list) == escalateBatch
		off, err := daysOff(ctx, tx, now)
		if err != nil {
			return err
		}
		for _, d := range list {
			level := LevelDue(d.at, now, s.secondDays(), off)
			if level <= d.level {
				continue
			}
			// The version stays: a mark by the system must not make a
			// worker's answer being written a stale one.
			res, err := tx.Exec(ctx, "UPDATE complaint SET escalation = ?, escalated_at = ? WHERE id = ? AND escalation < ?",
				level, now, d.id, level)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				continue
			}
			if err := addEvent(ctx, tx, d.id, now, actor, "escalate", d.status, d.status, strconv.Itoa(level)); err != nil {
				return err
			}
			before := auditView{Status: d.status, AssignedTo: d.assigned, Escalation: d.level, Version: d.version}
			after := before
			after.Escalation = level
			if err := audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Update, Entity: "complaint",
				EntityID: strconv.FormatInt(d.id, 10), Region: d.region, Before: before, After: after}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, more, err
}

// daysOff reads the offices' days off around now: a year each way covers
// every deadline a complaint's count may cross (a few weeks at most).
func daysOff(ctx context.Context, q db.Q, now time.Time) (holiday.Set, error) {
	return holiday.Between(ctx, q, now.In(wib).AddDate(-1, 0, 0), now.In(wib).AddDate(1, 0, 0))
}

// Waiting lists the open complaints waiting for u, the soonest due first,
// for the work list: those assigned to u; for a supervisor also their unit's
// complaints nobody has been given yet and those escalated to them (level 1
// or more); for an admin those of their region escalated to level 2.
func (s *Store) Waiting(ctx context.Context, u access.User) ([]Complaint, error) {
	var cond string
	var args []any
	switch u.Role {
	case access.Worker:
		cond, args = "c.unit_id = ? AND c.assigned_to = ?", []any{u.UnitID, u.ID}
	case access.Supervisor:
		cond, args = "c.unit_id = ? AND (c.assigned_to = ? OR c.assigned_to IS NULL OR c.escalation >= ?)",
			[]any{u.UnitID, u.ID, LevelSupervisor}
	case access.Admin:
		sc, sa := u.Scope().Filter("c.region_code", "")
		cond, args = sc+" AND c.escalation >= ?", append(sa, LevelRegion)
	default:
		return []Complaint{}, nil
	}
	rows, err := s.DB.Query(ctx, selectComplaint+" WHERE "+cond+" AND c.status IN (?, ?) ORDER BY c.due_at, c.id LIMIT 50",
		append(args, string(Diterima), string(Diproses))...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Complaint{}
	for rows.Next() {
		c, err := scanComplaint(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

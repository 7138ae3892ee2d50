package casework

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/registry"
	"github.com/layan-id/layan/internal/wilayah"
)

// Case is a case as stored.
type Case struct {
	ID       int64        `json:"id"`
	PersonID int64        `json:"person_id"`
	UnitID   int64        `json:"unit_id"`
	Village  wilayah.Code `json:"village"`
	Cluster  Cluster      `json:"cluster"`
	Setting  Setting      `json:"setting"`
	Source   Source       `json:"source"`
	Risk     Risk         `json:"risk"`
	// DisasterLevel is, for a korban bencana case, the level leading the
	// response; empty means the kab/kota's (spm.JenisFor).
	DisasterLevel DisasterLevel `json:"disaster_level,omitempty"`
	State
	Cycle          int        `json:"cycle"`
	WorkerID       int64      `json:"worker_id,omitempty"`
	Team           []int64    `json:"team"`
	OpenedAt       time.Time  `json:"opened_at"`
	EmergencyUntil time.Time  `json:"emergency_until"`
	ClosedAt       *time.Time `json:"closed_at,omitempty"`
	// AssessedAt and PlannedAt are when this cycle's assessment and first
	// plan were approved: the work views' days to assessment and to plan.
	AssessedAt *time.Time `json:"assessed_at,omitempty"`
	PlannedAt  *time.Time `json:"planned_at,omitempty"`
	// NeedsRehab is the approved assessment's conclusion: the person needs
	// rehabilitasi sosial dasar (what SPM counts in Y). Nil until then.
	NeedsRehab *bool     `json:"needs_rehab,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	Version    int       `json:"version"`
}

// Store keeps cases. Every write asks Decide first, inside the writing
// transaction, against the case row as it is then.
type Store struct {
	DB     *db.DB
	People *registry.Store
	// EmergencyWindow is how long after opening emergency basic needs may
	// be given without an assessment; zero means DefaultEmergencyWindow.
	EmergencyWindow time.Duration
	// Now is the clock; tests set it. Nil means time.Now.
	Now func() time.Time
	// AttachmentDir is where attachments are kept on disk; MaxAttachment
	// bounds one file's size in bytes (zero: DefaultMaxAttachment).
	AttachmentDir string
	MaxAttachment int64
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return db.Now()
}

func (s *Store) window() time.Duration {
	if s.EmergencyWindow > 0 {
		return s.EmergencyWindow
	}
	return DefaultEmergencyWindow
}

// OpenInput is a new case.
type OpenInput struct {
	PersonID int64  `json:"person_id"`
	Cluster  string `json:"cluster"`
	Setting  string `json:"setting"`
	Source   string `json:"source"`
	Risk     string `json:"risk"`
	Note     string `json:"note"`
	// DisasterLevel is for korban bencana cases only: "provinsi" when the
	// province leads the response, "kabkota" or empty otherwise.
	DisasterLevel string `json:"disaster_level"`
}

const maxNote = 2000

func (in OpenInput) validate() apperr.Fields {
	var f apperr.Fields
	if in.PersonID <= 0 {
		f.Add("person_id", "field.required")
	}
	if !Cluster(in.Cluster).Valid() {
		f.Add("cluster", "case.cluster_unknown")
	}
	if !Setting(in.Setting).Valid() {
		f.Add("setting", "case.setting_unknown")
	}
	if !Source(in.Source).Valid() {
		f.Add("source", "case.source_unknown")
	}
	if !Risk(in.Risk).Valid() {
		f.Add("risk", "case.risk_unknown")
	}
	if len([]rune(in.Note)) > maxNote {
		f.Add("note", "field.too_long", maxNote)
	}
	switch {
	case !DisasterLevel(in.DisasterLevel).Valid():
		f.Add("disaster_level", "case.disaster_level_unknown")
	case in.DisasterLevel != "" && Cluster(in.Cluster) != ClusterBencana:
		f.Add("disaster_level", "case.disaster_level_bencana_only")
	}
	return f
}

// Open opens a case at the user's unit for a person in their reach, with
// the user on its team. Only workers and supervisors of a unit open cases.
func (s *Store) Open(ctx context.Context, actor audit.Actor, u access.User, in OpenInput) (Case, error) {
	if !u.Role.Can(access.ManageCases) || u.UnitID == 0 {
		return Case{}, apperr.New(apperr.Forbidden, "error.forbidden")
	}
	in.Note = strings.TrimSpace(in.Note)
	if err := in.validate().Err(); err != nil {
		return Case{}, err
	}
	ok, err := s.People.InReach(ctx, registry.ReachOf(u), in.PersonID)
	if err != nil {
		return Case{}, err
	}
	if !ok {
		var f apperr.Fields
		f.Add("person_id", "person.not_found")
		return Case{}, f.Err()
	}
	var c Case
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var village string
		var active bool
		if err := tx.QueryRow(ctx, "SELECT village_code, active FROM person WHERE id = ?", in.PersonID).Scan(&village, &active); err != nil {
			return db.Err(err)
		}
		if !active {
			var f apperr.Fields
			f.Add("person_id", "case.person_inactive")
			return f.Err()
		}
		v := wilayah.Code(village)
		now := s.now()
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO case_file (person_id, unit_id, village_code, regency_code, province_code,
			cluster, setting, source, risk, stage, worker_id, opened_at, emergency_until, created_at, updated_at, version,
			disaster_level)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?) RETURNING id`,
			in.PersonID, u.UnitID, village, string(v.Parent().Parent()), string(v.Province()), in.Cluster, in.Setting,
			in.Source, in.Risk, string(PendekatanAwal), u.ID, now, now.Add(s.window()), now, now, in.DisasterLevel).Scan(&id)
		if err != nil {
			return db.Err(err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO case_team (case_id, user_id) VALUES (?, ?)", id, u.ID); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, id, now, actor, "open", 1, PendekatanAwal, PendekatanAwal, "", in.Note); err != nil {
			return err
		}
		if c, err = getCase(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Create, Entity: "case",
			EntityID: strconv.FormatInt(id, 10), Region: c.Village, After: c})
	})
	return c, err
}

func addEvent(ctx context.Context, q db.Q, caseID int64, at time.Time, actor audit.Actor, action string, cycle int,
	before, after Stage, reason Reason, note string) error {
	var actorID any
	if actor.UserID != 0 {
		actorID = actor.UserID
	}
	// The case's version as the step left it (written before the event):
	// a stale copy's conflict lists the entries above its version.
	_, err := q.Exec(ctx, `INSERT INTO case_event (case_id, at, actor_id, actor_name, action, cycle, stage_before, stage_after,
		reason, note, case_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT version FROM case_file WHERE id = ?))`,
		caseID, at, actorID, actor.Name, action, cycle, string(before), string(after), string(reason), note, caseID)
	return err
}

const caseColumns = `id, person_id, unit_id, village_code, cluster, setting, source, risk, stage, assessment_review,
	plan_review, plan_in_force, termination_review, termination_reason, cycle, worker_id, opened_at, emergency_until,
	closed_at, assessed_at, planned_at, needs_rehab, created_at, updated_at, version, disaster_level`

func getCase(ctx context.Context, q db.Q, id int64) (Case, error) {
	var c Case
	var worker sql.NullInt64
	var closed, assessed, planned sql.NullTime
	var rehab sql.NullBool
	err := q.QueryRow(ctx, "SELECT "+caseColumns+" FROM case_file WHERE id = ?", id).Scan(&c.ID, &c.PersonID, &c.UnitID,
		&c.Village, &c.Cluster, &c.Setting, &c.Source, &c.Risk, &c.Stage, &c.Assessment, &c.Plan, &c.PlanInForce,
		&c.Termination, &c.TerminationReason, &c.Cycle, &worker, &c.OpenedAt, &c.EmergencyUntil, &closed,
		&assessed, &planned, &rehab, &c.CreatedAt, &c.UpdatedAt, &c.Version, &c.DisasterLevel)
	if err != nil {
		return Case{}, db.Err(err)
	}
	c.WorkerID = worker.Int64
	c.OpenedAt, c.EmergencyUntil = c.OpenedAt.UTC(), c.EmergencyUntil.UTC()
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	c.ClosedAt, c.AssessedAt, c.PlannedAt = timePtr(closed), timePtr(assessed), timePtr(planned)
	if rehab.Valid {
		c.NeedsRehab = &rehab.Bool
	}
	rows, err := q.Query(ctx, "SELECT user_id FROM case_team WHERE case_id = ? ORDER BY user_id", id)
	if err != nil {
		return Case{}, err
	}
	defer rows.Close()
	c.Team = []int64{}
	for rows.Next() {
		var uid int64
		if err := rows.Scan(&uid); err != nil {
			return Case{}, db.Err(err)
		}
		c.Team = append(c.Team, uid)
	}
	return c, rows.Err()
}

// actorOf is how u stands to c: a supervisor of its unit, a worker on its
// team, or an outsider.
func actorOf(u access.User, c Case) Actor {
	if u.Role == access.Supervisor && u.UnitID == c.UnitID {
		return Supervisor
	}
	if u.Role == access.Worker || u.Role == access.Supervisor {
		for _, id := range c.Team {
			if id == u.ID {
				return Worker
			}
		}
	}
	return Outsider
}

var errCaseNotFound = apperr.New(apperr.NotFound, "case.not_found")

// Get opens a case. Outside its team and its unit's supervisors the case
// does not exist; every opening is audited (UU 27/2022: case files of
// children, disability and NAPZA are specific personal data).
func (s *Store) Get(ctx context.Context, actor audit.Actor, u access.User, id int64) (Case, error) {
	c, err := getCase(ctx, s.DB, id)
	if errors.Is(err, db.ErrNotFound) || (err == nil && actorOf(u, c) == Outsider) {
		return Case{}, errCaseNotFound
	}
	if err != nil {
		return Case{}, err
	}
	err = audit.Record(ctx, s.DB, actor, audit.Entry{Action: audit.Read, Entity: "case",
		EntityID: strconv.FormatInt(id, 10), Region: c.Village})
	return c, err
}

// approves names the submission an approval answers.
var approves = map[Action]Action{ApproveAssessment: SubmitAssessment, ApprovePlan: SubmitPlan, ApproveTermination: RequestTermination}

// CodeOwnSubmission refuses a supervisor's approval of what they submitted
// themselves: the second pair of eyes must be another person's.
const CodeOwnSubmission = "own_submission"

// Act does e to a case, as u, if Decide allows it in the case's state
// now; a stale version is a conflict. A refusal is a Conflict whose key
// is "case.refused.CODE".
func (s *Store) Act(ctx context.Context, actor audit.Actor, u access.User, id int64, version int, e Event, note string) (Case, error) {
	if documentActions[e.Action] {
		return Case{}, apperr.New(apperr.BadRequest, "case.action_needs_document")
	}
	return s.act(ctx, actor, u, id, step{event: e, note: note, version: version, write: effects[e.Action]})
}

// documentActions write a document; they go through their own methods
// (SaveAssessment, SavePlan, RecordService, Assign, …), never through Act
// alone.
var documentActions = map[Action]bool{SaveAssessment: true, SavePlan: true, RecordService: true, RecordEmergency: true,
	RecordFollowUp: true, Refer: true, Attach: true, Assign: true}

// step is one action on a case with what it writes besides the case row.
type step struct {
	event Event
	note  string
	// version is the case version the user saw; 0 when the step edits a
	// document that carries its own version (checked by write), so that
	// two people working on different parts of a case do not conflict.
	version int
	// write, when set, stores the step's document in the same transaction,
	// after Decide allowed the step and before the case row changes; c is
	// the case as it was, next its state after the step.
	write effect
	// summary, when set, is filled in by write with what the step changed
	// (who joined or left the team): the timeline's note begins with it.
	summary *string
}

// effect is what a step writes besides the case row.
type effect func(ctx context.Context, tx *db.Tx, c Case, next State, now time.Time) error

// effects are the writes of the actions that need more than Decide: the
// checks of a submission and what an approval carries onto the case.
var effects = map[Action]effect{
	SubmitAssessment:   submitAssessment,
	ApproveAssessment:  approveAssessment,
	SubmitPlan:         submitPlan,
	ApprovePlan:        reviewPlan,
	ReturnPlan:         reviewPlan,
	ApproveTermination: scheduleFollowUps,
	CloseFollowUp:      closeFollowUps,
}

// act runs a step: Decide against the case row as it is inside the
// transaction, then the step's own writes, the case row, the timeline and
// the audit log, all or nothing.
func (s *Store) act(ctx context.Context, actor audit.Actor, u access.User, id int64, st step) (Case, error) {
	note := strings.TrimSpace(st.note)
	if len([]rune(note)) > maxNote {
		var f apperr.Fields
		f.Add("note", "field.too_long", maxNote)
		return Case{}, f.Err()
	}
	e := st.event
	var out Case
	var hide bool
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		c, err := getCase(ctx, tx, id)
		if errors.Is(err, db.ErrNotFound) {
			return errCaseNotFound
		}
		if err != nil {
			return err
		}
		by := actorOf(u, c)
		if by == Outsider {
			return errCaseNotFound
		}
		hide = hidesText(u, c)
		if st.version != 0 && c.Version != st.version {
			return staleCase(ctx, tx, c, st.version, nil, c.Version, nil)
		}
		now := s.now()
		state := c.State
		state.Emergency = now.Before(c.EmergencyUntil)
		next, refusal := Decide(state, e, by)
		if refusal != nil {
			return refused(refusal.Code)
		}
		if sub, ok := approves[e.Action]; ok {
			var who sql.NullInt64
			err := tx.QueryRow(ctx, `SELECT actor_id FROM case_event WHERE case_id = ? AND action = ? AND cycle = ?
				ORDER BY id DESC LIMIT 1`, id, string(sub), c.Cycle).Scan(&who)
			if err != nil && !errors.Is(db.Err(err), db.ErrNotFound) {
				return db.Err(err)
			}
			if who.Valid && who.Int64 == u.ID {
				return refused(CodeOwnSubmission)
			}
		}
		if st.write != nil {
			if err := st.write(ctx, tx, c, next, now); err != nil {
				return err
			}
		}
		cycle := c.Cycle
		if e.Action == Reopen {
			cycle++
		}
		var closed any
		if !next.Stage.Open() && c.ClosedAt == nil {
			closed = now
		} else if next.Stage.Open() {
			closed = nil
		} else {
			closed = *c.ClosedAt
		}
		res, err := tx.Exec(ctx, `UPDATE case_file SET stage = ?, assessment_review = ?, plan_review = ?, plan_in_force = ?,
			termination_review = ?, termination_reason = ?, cycle = ?, closed_at = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ?`,
			string(next.Stage), string(next.Assessment), string(next.Plan), next.PlanInForce, string(next.Termination),
			string(next.TerminationReason), cycle, closed, now, id, c.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			// Changed by another transaction since it was read above.
			now, err := getCase(ctx, tx, id)
			if err != nil {
				return err
			}
			since := st.version
			if since == 0 {
				since = c.Version
			}
			return staleCase(ctx, tx, now, since, nil, now.Version, nil)
		}
		if e.Action == Reopen {
			// A new cycle is assessed and planned afresh.
			if _, err := tx.Exec(ctx, "UPDATE case_file SET assessed_at = NULL, planned_at = NULL, needs_rehab = NULL WHERE id = ?", id); err != nil {
				return err
			}
		}
		if st.summary != nil && *st.summary != "" {
			note = strings.TrimSpace(*st.summary + "\n" + note)
		}
		if err := addEvent(ctx, tx, id, now, actor, string(e.Action), cycle, c.Stage, next.Stage, e.Reason, note); err != nil {
			return err
		}
		// The steps that change what the case counts in the SPM move the
		// figures; the count reads the approvals and closures from the
		// timeline, so after the entry above.
		if changesSPM[e.Action] {
			if err := syncSPM(ctx, tx, id); err != nil {
				return err
			}
		}
		if out, err = getCase(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Update, Entity: "case",
			EntityID: strconv.FormatInt(id, 10), Region: out.Village, Before: c, After: out})
	})
	if cf := ConflictOf(err); cf != nil && hide {
		// A conflict lists the timeline since the editor's copy; its notes
		// are the case's free text (privacy.go).
		cf.withholdNotes()
	}
	return out, err
}

// refused is the error of a refused step: a conflict with the present
// state of the case, named by its code.
func refused(code string) error {
	kind := apperr.Conflict
	if code == CodeSupervisorRequired {
		kind = apperr.Forbidden // the wrong role, not the wrong moment
	}
	e := apperr.New(kind, "case.refused."+code)
	e.Code = code
	return e
}

// RefusalCode returns the code of a refused step, or "".
func RefusalCode(err error) string {
	if e := apperr.As(err); e != nil {
		return e.Code
	}
	return ""
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

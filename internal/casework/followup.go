package casework

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
)

// FollowUp is a bimbingan lanjut visit: scheduled when a case is
// terminated for a reason that calls for it, then recorded with what the
// worker found (issue 5, point 2).
type FollowUp struct {
	ID      int64           `json:"id"`
	CaseID  int64           `json:"case_id"`
	Cycle   int             `json:"cycle"`
	DueOn   string          `json:"due_on"`  // YYYY-MM-DD
	DoneOn  string          `json:"done_on"` // YYYY-MM-DD; "" until the visit is recorded
	Outcome FollowUpOutcome `json:"outcome"`
	Note    string          `json:"note"`
	// RecordedBy is who recorded (or last corrected) the visit.
	RecordedBy int64 `json:"recorded_by,omitempty"`
	Version    int   `json:"version"`
	// Overdue is computed on reading: not done, due before today (WIB), in
	// the bimbingan lanjut under way.
	Overdue bool `json:"overdue"`
}

// FollowUpOutcome is how the person was found at a visit.
type FollowUpOutcome string

const (
	Membaik       FollowUpOutcome = "membaik"        // better
	Stabil        FollowUpOutcome = "stabil"         // stable
	PerluDukungan FollowUpOutcome = "perlu_dukungan" // needs support again
	Memburuk      FollowUpOutcome = "memburuk"       // worse
	TidakDitemui  FollowUpOutcome = "tidak_ditemui"  // not found at the visit
)

// FollowUpOutcomes in the order forms list them.
var FollowUpOutcomes = []FollowUpOutcome{Membaik, Stabil, PerluDukungan, Memburuk, TidakDitemui}

// Valid reports whether o is a known outcome.
func (o FollowUpOutcome) Valid() bool { return oneOf(o, FollowUpOutcomes) }

// CodeFollowUpsPending refuses to end bimbingan lanjut while a visit of
// the cycle is not recorded.
const CodeFollowUpsPending = "follow_ups_pending"

// FollowUpInput records a visit. Version is the follow-up's version the
// user saw: a recorded visit may be corrected with its current version.
type FollowUpInput struct {
	DoneOn  string `json:"done_on"`
	Outcome string `json:"outcome"`
	Note    string `json:"note"`
	Version int    `json:"version"`
	// CaseVersion is the case's version when the copy was read (optional):
	// a stale record then lists what happened to the case since.
	CaseVersion int `json:"case_version"`
}

func (in *FollowUpInput) check(c Case, now time.Time) apperr.Fields {
	var f apperr.Fields
	in.DoneOn, in.Note = strings.TrimSpace(in.DoneOn), strings.TrimSpace(in.Note)
	if in.DoneOn == "" {
		f.Add("done_on", "field.required")
	} else if key := checkDay(in.DoneOn, c.OpenedAt, now); key != "" {
		f.Add("done_on", key)
	} else if c.ClosedAt != nil && in.DoneOn < c.ClosedAt.In(wib).Format(dayLayout) {
		// A visit of bimbingan lanjut comes after terminasi; an earlier
		// day is a typing error.
		f.Add("done_on", "case.follow_up.before_terminated")
	}
	if !FollowUpOutcome(in.Outcome).Valid() {
		f.Add("outcome", "case.follow_up.outcome_unknown")
	}
	if len([]rune(in.Note)) > maxNote {
		f.Add("note", "field.too_long", maxNote)
	}
	return f
}

var errFollowUpNotFound = apperr.New(apperr.NotFound, "case.follow_up.not_found")

// scheduleFollowUps is the effect of an approved terminasi: when the
// reason calls for bimbingan lanjut, one visit per month of
// DefaultFollowUpMonths, counted from the day of terminasi in WIB.
func scheduleFollowUps(ctx context.Context, tx *db.Tx, c Case, next State, now time.Time) error {
	if next.Stage != BimbinganLanjut {
		return nil
	}
	for _, d := range FollowUpDates(now.In(wib), DefaultFollowUpMonths) {
		if _, err := tx.Exec(ctx, "INSERT INTO case_follow_up (case_id, cycle, due_on, version, unit_id) VALUES (?, ?, ?, 1, ?)",
			c.ID, c.Cycle, d.Format(dayLayout), c.UnitID); err != nil {
			return db.Err(err)
		}
	}
	return nil
}

// closeFollowUps is the check of CloseFollowUp: bimbingan lanjut ends
// when every visit of the cycle is recorded.
func closeFollowUps(ctx context.Context, tx *db.Tx, c Case, _ State, _ time.Time) error {
	var open int
	err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM case_follow_up WHERE case_id = ? AND cycle = ? AND done_on IS NULL",
		c.ID, c.Cycle).Scan(&open)
	if err != nil {
		return db.Err(err)
	}
	if open > 0 {
		return refused(CodeFollowUpsPending)
	}
	return nil
}

// RecordFollowUp records, or corrects, the visit followUpID of the case.
// Only in bimbingan lanjut (Decide); a stale version is a conflict. A
// recorded visit whose note is withheld from u (hidesText) is not
// corrected by u: the note they cannot read would be overwritten.
func (s *Store) RecordFollowUp(ctx context.Context, actor audit.Actor, u access.User, caseID, followUpID int64, in FollowUpInput) (FollowUp, error) {
	var out FollowUp
	_, err := s.act(ctx, actor, u, caseID, step{event: Event{Action: RecordFollowUp}, note: in.Note,
		write: func(ctx context.Context, tx *db.Tx, c Case, next State, now time.Time) error {
			old, err := getFollowUp(ctx, tx, followUpID)
			// A visit of an earlier cycle belongs to a bimbingan lanjut that
			// ended when the case was reopened.
			if errors.Is(err, db.ErrNotFound) || (err == nil && (old.CaseID != caseID || old.Cycle != c.Cycle)) {
				return errFollowUpNotFound
			}
			if err != nil {
				return err
			}
			if old.DoneOn != "" && hidesText(u, c) {
				return errSpecificWithheld()
			}
			if err := in.check(c, now).Err(); err != nil {
				return err
			}
			if old.Version != in.Version {
				return staleCase(ctx, tx, c, in.CaseVersion, []Action{RecordFollowUp}, old.Version, followUpChanges(in, old))
			}
			res, err := tx.Exec(ctx, `UPDATE case_follow_up SET done_on = ?, outcome = ?, note = ?, recorded_by = ?,
				version = version + 1 WHERE id = ? AND version = ?`,
				in.DoneOn, in.Outcome, in.Note, u.ID, followUpID, old.Version)
			if err != nil {
				return db.Err(err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return errStale()
			}
			out, err = getFollowUp(ctx, tx, followUpID)
			return err
		}})
	return out, err
}

const followUpColumns = "f.id, f.case_id, f.cycle, f.due_on, f.done_on, f.outcome, f.note, f.recorded_by, f.version"

// scanFollowUp reads followUpColumns and then extra.
func scanFollowUp(row interface{ Scan(...any) error }, extra ...any) (FollowUp, error) {
	var f FollowUp
	var done sql.NullString
	var by sql.NullInt64
	dest := append([]any{&f.ID, &f.CaseID, &f.Cycle, &f.DueOn, &done, &f.Outcome, &f.Note, &by, &f.Version}, extra...)
	if err := row.Scan(dest...); err != nil {
		return FollowUp{}, db.Err(err)
	}
	f.DoneOn, f.RecordedBy = done.String, by.Int64
	return f, nil
}

func getFollowUp(ctx context.Context, q db.Q, id int64) (FollowUp, error) {
	return scanFollowUp(q.QueryRow(ctx, "SELECT "+followUpColumns+" FROM case_follow_up f WHERE f.id = ?", id))
}

// listFollowUps lists a case's visits of every cycle by due day, for the
// case page. Only a visit of the bimbingan lanjut under way can be
// overdue: those of an earlier cycle ended when the case was reopened.
func listFollowUps(ctx context.Context, q db.Q, caseID int64, today string) ([]FollowUp, error) {
	rows, err := q.Query(ctx, "SELECT "+followUpColumns+`, c.cycle, c.stage FROM case_follow_up f
		JOIN case_file c ON c.id = f.case_id WHERE f.case_id = ? ORDER BY f.due_on, f.id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []FollowUp{}
	for rows.Next() {
		var cycle int
		var stage Stage
		f, err := scanFollowUp(rows, &cycle, &stage)
		if err != nil {
			return nil, err
		}
		f.Overdue = f.DoneOn == "" && f.DueOn < today && f.Cycle == cycle && stage == BimbinganLanjut
		out = append(out, f)
	}
	return out, rows.Err()
}

// DueFollowUp is a visit to make, with whom it is for, for the work view.
type DueFollowUp struct {
	FollowUp
	PersonID   int64  `json:"person_id"`
	PersonName string `json:"person_name"`
}

package casework

import (
	"context"
	"database/sql"
	"errors"
	"slices"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/db"
)

// A write on a stale copy — the case, a document or a referral changed
// since the editor read it — is refused, and the refusal says what changed
// and who changed it, so that the second editor re-does their change
// knowingly and nothing typed is lost (issue 5, point 9). Every timeline
// entry records the case's version after it (case_event.case_version), so
// "what happened since version V" is the entries above V.

// CodeStaleVersion names the refusal of a write on a stale copy. It is a
// Conflict like the refusals of the stage rules, but about the copy, not
// the case's state; its error carries a *Conflict (ConflictOf).
const CodeStaleVersion = "stale_version"

// maxChanges bounds the entries a conflict lists: an editor who kept a
// page open for months is told of the newest, not of a whole history.
const maxChanges = 100

// Conflict is what changed since the editor's copy.
type Conflict struct {
	// CurrentVersion is the version of the record the write was for as it
	// is stored now: send it again to write over what is stored.
	CurrentVersion int `json:"current_version"`
	// CaseVersion is the case's version now; absent for a referral, whose
	// receiver need not see the case.
	CaseVersion int `json:"case_version,omitempty"`
	// Changes are the case's timeline entries since the editor's copy,
	// oldest first: who did what, when.
	Changes []TimelineEntry `json:"changes"`
	// Fields are the fields of the record whose stored value differs from
	// what the editor sent, with the stored value.
	Fields []ChangedField `json:"changed_fields"`
}

// ChangedField is a field whose stored value differs from what was sent.
type ChangedField struct {
	// Field is named as the request names it: conclusion, domains.fisik_kesehatan, items, status, …
	Field string `json:"field"`
	// Stored is the value stored now: a string, a list of codes, a
	// boolean, plan items, or null.
	Stored any `json:"stored"`
}

// StaleError is the error of a write on a stale copy: an apperr Conflict
// (key error.stale_version, code stale_version) with the Conflict.
type StaleError struct {
	Conflict
	err *apperr.Error
}

func (e *StaleError) Error() string { return e.err.Error() }
func (e *StaleError) Unwrap() error { return e.err }

// ConflictOf returns what changed, when err refused a write on a stale
// copy; nil otherwise.
func ConflictOf(err error) *Conflict {
	var se *StaleError
	if errors.As(err, &se) {
		return &se.Conflict
	}
	return nil
}

// errStale is a stale copy where what changed is not known (two writers in
// the same instant): the code without the details.
func errStale() error {
	e := apperr.New(apperr.Conflict, "error.stale_version")
	e.Code = CodeStaleVersion
	return e
}

func staleError(c Conflict) error {
	if c.Changes == nil {
		c.Changes = []TimelineEntry{}
	}
	if c.Fields == nil {
		c.Fields = []ChangedField{}
	}
	return &StaleError{Conflict: c, err: errStale().(*apperr.Error)}
}

// staleCase is the refusal of a write on a stale copy of case c or of one
// of its documents. since is the case version the editor read; 0 when the
// client did not say, and then the entries since the document was last
// written by one of docActions (in this cycle) are listed. current is the
// version to send again, fields what differs.
func staleCase(ctx context.Context, q db.Q, c Case, since int, docActions []Action, current int, fields []ChangedField) error {
	if since <= 0 {
		since = c.Version
		if len(docActions) > 0 {
			args := []any{c.ID, c.Cycle}
			marks := ""
			for i, a := range docActions {
				if i > 0 {
					marks += ", "
				}
				marks += "?"
				args = append(args, string(a))
			}
			var last sql.NullInt64
			err := q.QueryRow(ctx, "SELECT MAX(case_version) FROM case_event WHERE case_id = ? AND cycle = ? AND action IN ("+
				marks+")", args...).Scan(&last)
			if err != nil {
				return db.Err(err)
			}
			if last.Valid {
				since = int(last.Int64) - 1
			}
		}
	}
	changes, err := queryTimeline(ctx, q, "WHERE case_id = ? AND case_version > ? ORDER BY id DESC LIMIT ?",
		c.ID, since, maxChanges)
	if err != nil {
		return err
	}
	slices.Reverse(changes)
	return staleError(Conflict{CurrentVersion: current, CaseVersion: c.Version, Changes: changes, Fields: fields})
}

// changed appends field with its stored value when what was sent differs.
func changed[T comparable](out []ChangedField, field string, sent, stored T) []ChangedField {
	if sent != stored {
		return append(out, ChangedField{Field: field, Stored: stored})
	}
	return out
}

// changedSet appends a list of codes when it holds other codes than sent
// (the order of a list of codes means nothing).
func changedSet[T ~string](out []ChangedField, field string, sent, stored []T) []ChangedField {
	a, b := slices.Clone(sent), slices.Clone(stored)
	slices.Sort(a)
	slices.Sort(b)
	if slices.Equal(a, b) {
		return out
	}
	if stored == nil {
		stored = []T{}
	}
	return append(out, ChangedField{Field: field, Stored: stored})
}

// assessmentChanges lists the fields of the stored assessment that differ
// from the one sent (as checked: trimmed, codes without repeats).
func assessmentChanges(sent, stored Assessment) []ChangedField {
	var out []ChangedField
	for _, d := range Domains {
		out = changed(out, "domains."+string(d), sent.Domains[d], stored.Domains[d])
	}
	out = changedSet(out, "risks", sent.Risks, stored.Risks)
	out = changedSet(out, "needs", sent.Needs, stored.Needs)
	out = changedSet(out, "components", sent.Components, stored.Components)
	out = changed(out, "risk", sent.Risk, stored.Risk)
	out = changed(out, "conference_on", sent.ConferenceOn, stored.ConferenceOn)
	out = changed(out, "conference_with", sent.ConferenceWith, stored.ConferenceWith)
	out = changed(out, "conference_notes", sent.ConferenceNotes, stored.ConferenceNotes)
	if (sent.NeedsRehab == nil) != (stored.NeedsRehab == nil) || (sent.NeedsRehab != nil && *sent.NeedsRehab != *stored.NeedsRehab) {
		var v any
		if stored.NeedsRehab != nil {
			v = *stored.NeedsRehab
		}
		out = append(out, ChangedField{Field: "needs_rehab", Stored: v})
	}
	return changed(out, "conclusion", sent.Conclusion, stored.Conclusion)
}

// planChanges lists what of the stored plan differs from the one sent.
func planChanges(sent PlanInput, stored Plan) []ChangedField {
	out := changed(nil, "goals", sent.Goals, stored.Goals)
	if !slices.Equal(sent.Items, stored.Items) && (len(sent.Items) > 0 || len(stored.Items) > 0) {
		items := stored.Items
		if items == nil {
			items = []PlanItem{}
		}
		out = append(out, ChangedField{Field: "items", Stored: items})
	}
	return out
}

// followUpChanges lists what of the stored visit differs from the one sent.
func followUpChanges(sent FollowUpInput, stored FollowUp) []ChangedField {
	out := changed(nil, "done_on", sent.DoneOn, stored.DoneOn)
	out = changed(out, "outcome", FollowUpOutcome(sent.Outcome), stored.Outcome)
	return changed(out, "note", sent.Note, stored.Note)
}

// staleReferral is the refusal of an answer or outcome on a stale copy of
// a referral: its receiver is told who answered, when, and what, but not
// the case's timeline, which is the sending unit's.
func staleReferral(r Referral, status ReferralStatus, note, outcome string) error {
	var out []ChangedField
	out = changed(out, "status", status, r.Status)
	if r.AnsweredBy != "" {
		out = append(out, ChangedField{Field: "answered_by", Stored: r.AnsweredBy})
	}
	if r.AnsweredAt != nil {
		out = append(out, ChangedField{Field: "answered_at", Stored: *r.AnsweredAt})
	}
	if status != RujukanSelesai {
		out = changed(out, "answer_note", note, r.AnswerNote)
	}
	if r.Outcome != "" || outcome != "" {
		out = changed(out, "outcome", outcome, r.Outcome)
	}
	return staleError(Conflict{CurrentVersion: r.Version, Fields: out})
}

package casework

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
)

// Detail is a case with everything written in it, as its page shows it.
type Detail struct {
	Case
	// Assessment is the current cycle's, nil before the first save. (Its
	// JSON name differs from Case's "assessment", which is its review.)
	Assessment *Assessment `json:"assessment_record"`
	// PlanDraft is the newest version while it is not approved; PlanInForce
	// the newest approved one. Either may be nil.
	PlanDraft   *Plan        `json:"draft_plan"`
	PlanInForce *Plan        `json:"approved_plan"`
	Services    []Service    `json:"services"`
	Needs       []NeedStatus `json:"needs"`
	// NeedsMet is true when every assessed need of this cycle is met.
	NeedsMet    bool            `json:"needs_met"`
	Referrals   []Referral      `json:"referrals"`
	FollowUps   []FollowUp      `json:"follow_ups"`
	Attachments []Attachment    `json:"attachments"`
	Timeline    []TimelineEntry `json:"timeline"`
	// SpecificWithheld is true when the reader does not see the case's
	// specific personal data (SeesSpecific; UU 27/2022 Pasal 4): the health
	// finding is absent and, for a Specific cluster, every free text and
	// every attachment too.
	SpecificWithheld bool `json:"specific_withheld"`
}

// TimelineEntry is one step of a case, as the timeline shows it.
type TimelineEntry struct {
	ID          int64     `json:"id"`
	At          time.Time `json:"at"`
	ActorID     int64     `json:"actor_id,omitempty"`
	ActorName   string    `json:"actor_name"`
	Action      string    `json:"action"`
	Cycle       int       `json:"cycle"`
	StageBefore Stage     `json:"stage_before"`
	StageAfter  Stage     `json:"stage_after"`
	Reason      Reason    `json:"reason,omitempty"`
	Note        string    `json:"note,omitempty"`
	// CaseVersion is the case's version after the step.
	CaseVersion int `json:"case_version"`
}

// Detail opens a case with its documents, for its team and the supervisors
// of its unit only; the opening is audited like Get's. What the user may
// not read of the case's specific personal data is withheld (privacy.go).
func (s *Store) Detail(ctx context.Context, actor audit.Actor, u access.User, id int64) (Detail, error) {
	c, err := s.Get(ctx, actor, u, id)
	if err != nil {
		return Detail{}, err
	}
	d := Detail{Case: c, Needs: []NeedStatus{}}
	a, err := getAssessment(ctx, s.DB, id, c.Cycle)
	switch {
	case err == nil:
		a.Review = c.Assessment
		d.Assessment = &a
	case !errors.Is(err, db.ErrNotFound):
		return Detail{}, err
	}
	if p, err := newestPlan(ctx, s.DB, id, c.Cycle); err == nil && p.Review != Approved {
		d.PlanDraft = &p
	} else if err != nil && !errors.Is(err, db.ErrNotFound) {
		return Detail{}, err
	}
	if p, err := planInForce(ctx, s.DB, id, c.Cycle); err == nil {
		d.PlanInForce = &p
	} else if !errors.Is(err, db.ErrNotFound) {
		return Detail{}, err
	}
	if d.Services, err = services(ctx, s.DB, id); err != nil {
		return Detail{}, err
	}
	if d.Assessment != nil {
		var inForce Plan
		if d.PlanInForce != nil {
			inForce = *d.PlanInForce
		}
		d.Needs, d.NeedsMet = NeedsMet(*d.Assessment, inForce, d.Services)
	}
	if d.Referrals, err = listReferrals(ctx, s.DB, id); err != nil {
		return Detail{}, err
	}
	if d.FollowUps, err = listFollowUps(ctx, s.DB, id, s.now().In(wib).Format(dayLayout)); err != nil {
		return Detail{}, err
	}
	if d.Attachments, err = listAttachments(ctx, s.DB, id); err != nil {
		return Detail{}, err
	}
	if d.Timeline, err = timeline(ctx, s.DB, id); err != nil {
		return Detail{}, err
	}
	d.withholdFrom(u)
	return d, nil
}

func timeline(ctx context.Context, q db.Q, caseID int64) ([]TimelineEntry, error) {
	return queryTimeline(ctx, q, "WHERE case_id = ? ORDER BY id", caseID)
}

// queryTimeline reads the case_event rows that where selects.
func queryTimeline(ctx context.Context, q db.Q, where string, args ...any) ([]TimelineEntry, error) {
	rows, err := q.Query(ctx, `SELECT id, at, actor_id, actor_name, action, cycle, stage_before, stage_after, reason, note,
		case_version FROM case_event `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []TimelineEntry{}
	for rows.Next() {
		var e TimelineEntry
		var actorID sql.NullInt64
		if err := rows.Scan(&e.ID, &e.At, &actorID, &e.ActorName, &e.Action, &e.Cycle, &e.StageBefore, &e.StageAfter,
			&e.Reason, &e.Note, &e.CaseVersion); err != nil {
			return nil, db.Err(err)
		}
		e.ActorID, e.At = actorID.Int64, e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

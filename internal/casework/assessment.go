package casework

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
)

// Assessment is the asesmen of one cycle of a case: findings by domain,
// the risks found, the basic needs (Permensos 9/2018) and ATENSI components
// it calls for, the case conference, and the conclusion SPM counts.
type Assessment struct {
	CaseID     int64             `json:"case_id"`
	Cycle      int               `json:"cycle"`
	Domains    map[Domain]string `json:"domains"`
	Risks      []RiskFlag        `json:"risks"`
	Needs      []Need            `json:"needs"`
	Components []Component       `json:"components"`
	Risk       Risk              `json:"risk"`
	// The temu bahas kasus: when, who took part, what it concluded.
	ConferenceOn    string `json:"conference_on"`
	ConferenceWith  string `json:"conference_with"`
	ConferenceNotes string `json:"conference_notes"`
	// NeedsRehab is the conclusion: the person needs rehabilitasi sosial
	// dasar. Nil while undecided.
	NeedsRehab *bool     `json:"needs_rehab"`
	Conclusion string    `json:"conclusion"`
	Review     Review    `json:"review"`
	UpdatedBy  int64     `json:"updated_by,omitempty"`
	UpdatedAt  time.Time `json:"updated_at"`
	Version    int       `json:"version"`
}

// AssessmentInput is what the assessment form sends. Version is the
// assessment's version the user edited, 0 for the first save.
type AssessmentInput struct {
	Domains         map[string]string `json:"domains"`
	Risks           []string          `json:"risks"`
	Needs           []string          `json:"needs"`
	Components      []string          `json:"components"`
	Risk            string            `json:"risk"`
	ConferenceOn    string            `json:"conference_on"`
	ConferenceWith  string            `json:"conference_with"`
	ConferenceNotes string            `json:"conference_notes"`
	NeedsRehab      *bool             `json:"needs_rehab"`
	Conclusion      string            `json:"conclusion"`
	Version         int               `json:"version"`
	// CaseVersion is the case's version when the copy was read (optional):
	// a stale save then lists what happened to the case since.
	CaseVersion int    `json:"case_version"`
	Note        string `json:"note"`
}

const (
	maxFinding = 4000
	maxShort   = 500
)

// check validates what is there; completeness is asked only at submission.
func (in *AssessmentInput) check(opened, now time.Time) (Assessment, apperr.Fields) {
	var f apperr.Fields
	a := Assessment{Domains: map[Domain]string{}, Risk: Risk(in.Risk), NeedsRehab: in.NeedsRehab,
		ConferenceWith: strings.TrimSpace(in.ConferenceWith), ConferenceNotes: strings.TrimSpace(in.ConferenceNotes),
		Conclusion: strings.TrimSpace(in.Conclusion)}
	for k, v := range in.Domains {
		d, v := Domain(k), strings.TrimSpace(v)
		switch {
		case !d.Valid():
			f.Add("domains."+k, "case.domain_unknown")
		case len([]rune(v)) > maxFinding:
			f.Add("domains."+k, "field.too_long", maxFinding)
		case v != "":
			a.Domains[d] = v
		}
	}
	var ok bool
	if a.Risks, ok = codes[RiskFlag](in.Risks, RiskFlag.Valid); !ok {
		f.Add("risks", "case.risk_flag_unknown")
	}
	if a.Needs, ok = codes[Need](in.Needs, Need.Valid); !ok {
		f.Add("needs", "case.need_unknown")
	}
	if a.Components, ok = codes[Component](in.Components, Component.Valid); !ok {
		f.Add("components", "case.component_unknown")
	}
	if !a.Risk.Valid() {
		f.Add("risk", "case.risk_unknown")
	}
	if in.ConferenceOn = strings.TrimSpace(in.ConferenceOn); in.ConferenceOn != "" {
		if key := checkDay(in.ConferenceOn, opened, now); key != "" {
			f.Add("conference_on", key)
		}
		a.ConferenceOn = in.ConferenceOn
	}
	for field, v := range map[string]string{"conference_with": a.ConferenceWith, "conclusion": a.Conclusion} {
		if len([]rune(v)) > maxShort*4 {
			f.Add(field, "field.too_long", maxShort*4)
		}
	}
	if len([]rune(a.ConferenceNotes)) > maxFinding {
		f.Add("conference_notes", "field.too_long", maxFinding)
	}
	return a, f
}

// complete lists what an assessment still lacks to be submitted: at least
// one finding, the case conference, and the conclusion with, when the
// person needs rehabilitation, the needs and components it calls for.
func (a Assessment) complete() apperr.Fields {
	var f apperr.Fields
	if len(a.Domains) == 0 {
		f.Add("domains", "case.assessment.findings_required")
	}
	if a.ConferenceOn == "" {
		f.Add("conference_on", "case.assessment.conference_required")
	}
	if a.NeedsRehab == nil {
		f.Add("needs_rehab", "case.assessment.conclusion_required")
	} else if *a.NeedsRehab {
		if len(a.Needs) == 0 {
			f.Add("needs", "case.assessment.needs_required")
		}
		if len(a.Components) == 0 {
			f.Add("components", "case.assessment.components_required")
		}
	}
	return f
}

// SaveAssessment writes the assessment of the case's current cycle as a
// draft (the case moves to asesmen). A stale version is a conflict. Whoever
// does not see the case's specific data may not save it: the findings
// withheld from them would be overwritten by what they did not read.
func (s *Store) SaveAssessment(ctx context.Context, actor audit.Actor, u access.User, id int64, in AssessmentInput) (Assessment, error) {
	var out Assessment
	_, err := s.act(ctx, actor, u, id, step{event: Event{Action: SaveAssessment}, note: in.Note,
		write: func(ctx context.Context, tx *db.Tx, c Case, next State, now time.Time) error {
			if !SeesSpecific(u, c) {
				return errSpecificWithheld()
			}
			a, f := in.check(c.OpenedAt, now)
			if err := f.Err(); err != nil {
				return err
			}
			old, err := getAssessment(ctx, tx, id, c.Cycle)
			switch {
			case errors.Is(err, db.ErrNotFound):
				old = Assessment{}
			case err != nil:
				return err
			}
			if old.Version != in.Version {
				return staleCase(ctx, tx, c, in.CaseVersion, []Action{SaveAssessment}, old.Version, assessmentChanges(a, old))
			}
			domains, _ := json.Marshal(a.Domains)
			var rehab any
			if a.NeedsRehab != nil {
				rehab = *a.NeedsRehab
			}
			if old.Version == 0 {
				_, err = tx.Exec(ctx, `INSERT INTO case_assessment (case_id, cycle, domains, risks, needs, components, risk,
					conference_on, conference_with, conference_notes, needs_rehab, conclusion, updated_by, updated_at, version)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
					id, c.Cycle, string(domains), join(a.Risks), join(a.Needs), join(a.Components), string(a.Risk),
					a.ConferenceOn, a.ConferenceWith, a.ConferenceNotes, rehab, a.Conclusion, u.ID, now)
			} else {
				_, err = tx.Exec(ctx, `UPDATE case_assessment SET domains = ?, risks = ?, needs = ?, components = ?, risk = ?,
					conference_on = ?, conference_with = ?, conference_notes = ?, needs_rehab = ?, conclusion = ?,
					updated_by = ?, updated_at = ?, version = version + 1 WHERE case_id = ? AND cycle = ? AND version = ?`,
					string(domains), join(a.Risks), join(a.Needs), join(a.Components), string(a.Risk), a.ConferenceOn,
					a.ConferenceWith, a.ConferenceNotes, rehab, a.Conclusion, u.ID, now, id, c.Cycle, old.Version)
			}
			if err != nil {
				return db.Err(err)
			}
			out, err = getAssessment(ctx, tx, id, c.Cycle)
			out.Review = next.Assessment
			return err
		}})
	return out, err
}

// submitAssessment refuses an incomplete assessment.
func submitAssessment(ctx context.Context, tx *db.Tx, c Case, _ State, _ time.Time) error {
	a, err := getAssessment(ctx, tx, c.ID, c.Cycle)
	if err != nil {
		return err
	}
	return a.complete().Err()
}

// approveAssessment carries the conclusion and the revised risk onto the
// case: the figures and lists read the case row alone.
func approveAssessment(ctx context.Context, tx *db.Tx, c Case, _ State, now time.Time) error {
	a, err := getAssessment(ctx, tx, c.ID, c.Cycle)
	if err != nil {
		return err
	}
	rehab := a.NeedsRehab != nil && *a.NeedsRehab
	_, err = tx.Exec(ctx, "UPDATE case_file SET assessed_at = ?, needs_rehab = ?, risk = ? WHERE id = ?",
		now, rehab, string(a.Risk), c.ID)
	if err != nil {
		return err
	}
	// The SPM group is fixed now: Y counts the person as assessed.
	cats, err := categorySPM(ctx, tx, c.PersonID)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, "UPDATE case_assessment SET spm_penerima = ? WHERE case_id = ? AND cycle = ?",
		string(penerimaFor(c.Cluster, rehab, cats)), c.ID, c.Cycle)
	return err
}

const assessmentColumns = `case_id, cycle, domains, risks, needs, components, risk, conference_on, conference_with,
	conference_notes, needs_rehab, conclusion, updated_by, updated_at, version`

func getAssessment(ctx context.Context, q db.Q, id int64, cycle int) (Assessment, error) {
	var a Assessment
	var domains, risks, needs, comps string
	var rehab sql.NullBool
	var by sql.NullInt64
	err := q.QueryRow(ctx, "SELECT "+assessmentColumns+" FROM case_assessment WHERE case_id = ? AND cycle = ?", id, cycle).Scan(
		&a.CaseID, &a.Cycle, &domains, &risks, &needs, &comps, &a.Risk, &a.ConferenceOn, &a.ConferenceWith,
		&a.ConferenceNotes, &rehab, &a.Conclusion, &by, &a.UpdatedAt, &a.Version)
	if err != nil {
		return Assessment{}, db.Err(err)
	}
	a.Domains = map[Domain]string{}
	if err := json.Unmarshal([]byte(domains), &a.Domains); err != nil {
		return Assessment{}, err
	}
	a.Risks, a.Needs, a.Components = split[RiskFlag](risks), split[Need](needs), split[Component](comps)
	if rehab.Valid {
		a.NeedsRehab = &rehab.Bool
	}
	a.UpdatedBy, a.UpdatedAt = by.Int64, a.UpdatedAt.UTC()
	return a, nil
}

// codes checks a list of codes, dropping blanks and repeats, in the
// catalog's order of first mention.
func codes[T ~string](in []string, valid func(T) bool) ([]T, bool) {
	out := []T{}
	seen := map[T]bool{}
	for _, s := range in {
		c := T(strings.TrimSpace(s))
		if c == "" || seen[c] {
			continue
		}
		if !valid(c) {
			return nil, false
		}
		seen[c] = true
		out = append(out, c)
	}
	return out, true
}

func join[T ~string](cs []T) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = string(c)
	}
	return strings.Join(parts, ",")
}

func split[T ~string](s string) []T {
	out := []T{}
	for _, p := range strings.Split(s, ",") {
		if p != "" {
			out = append(out, T(p))
		}
	}
	return out
}

// The days of case documents are calendar days in Indonesia. A day is
// refused when it is after today anywhere in Indonesia (WIT, UTC+9, is the
// first to reach a date) or before the case opened in the west (WIB,
// UTC+7, the last to leave it), so no honest entry is refused in any zone.
var (
	wit = time.FixedZone("WIT", 9*3600)
	wib = time.FixedZone("WIB", 7*3600)
)

const dayLayout = "2006-01-02"

// checkDay returns the message key of what is wrong with day, or "".
func checkDay(day string, opened, now time.Time) string {
	d, err := time.Parse(dayLayout, day)
	if err != nil {
		return "field.date_format"
	}
	if d.Format(dayLayout) > now.In(wit).Format(dayLayout) {
		return "date.future"
	}
	if d.Format(dayLayout) < opened.In(wib).Format(dayLayout) {
		return "case.date_before_opened"
	}
	return ""
}

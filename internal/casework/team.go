package casework

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
)

// A case is worked by a team (case_team) under one responsible pekerja
// sosial (case_file.worker_id). The supervisor of the case's unit sets
// both (the Assign action of the stage rules): only active workers and
// supervisors of the unit may be on it, the responsible worker is always
// one of them, and a team is never empty — a case nobody works on would
// be lost to everyone but the supervisor. Whoever leaves the team no
// longer sees the case (actorOf).

// maxTeam bounds a team: a case is worked by a few people; a longer list
// is a mistake of the form.
const maxTeam = 20

// TeamInput is a case's new team: the responsible worker and the members.
// The responsible worker is added to the members when not listed.
// Version is the case's version as last read.
type TeamInput struct {
	WorkerID int64   `json:"worker_id"`
	Team     []int64 `json:"team"`
	Version  int     `json:"version"`
	Note     string  `json:"note"`
}

// member is an account as a team assignment checks it.
type member struct {
	id     int64
	unitID int64
	role   access.Role
	active bool
	name   string
}

// Assign sets the case's responsible worker and team, as a supervisor of
// its unit, on the case's current version. The timeline entry names who
// joined and left the team; the audit record holds the case before and
// after.
func (s *Store) Assign(ctx context.Context, actor audit.Actor, u access.User, caseID int64, in TeamInput) (Case, error) {
	if in.Version < 1 {
		var f apperr.Fields
		f.Add("version", "field.required")
		return Case{}, f.Err()
	}
	var summary string
	return s.act(ctx, actor, u, caseID, step{event: Event{Action: Assign}, note: in.Note, version: in.Version, summary: &summary,
		write: func(ctx context.Context, tx *db.Tx, c Case, _ State, now time.Time) error {
			team, members, err := checkTeam(ctx, tx, c, in)
			if err != nil {
				return err
			}
			var added, removed []int64
			for _, id := range team {
				if !slices.Contains(c.Team, id) {
					added = append(added, id)
				}
			}
			for _, id := range c.Team {
				if !slices.Contains(team, id) {
					removed = append(removed, id)
				}
			}
			if len(added) == 0 && len(removed) == 0 && in.WorkerID == c.WorkerID {
				var f apperr.Fields
				f.Add("team", "case.team.unchanged")
				return f.Err()
			}
			if _, err := tx.Exec(ctx, "UPDATE case_file SET worker_id = ? WHERE id = ?", in.WorkerID, c.ID); err != nil {
				return err
			}
			for _, id := range removed {
				if _, err := tx.Exec(ctx, "DELETE FROM case_team WHERE case_id = ? AND user_id = ?", c.ID, id); err != nil {
					return err
				}
			}
			for _, id := range added {
				if _, err := tx.Exec(ctx, "INSERT INTO case_team (case_id, user_id) VALUES (?, ?)", c.ID, id); err != nil {
					return db.Err(err)
				}
			}
			summary = teamSummary(c.WorkerID, in.WorkerID, added, removed, members)
			return nil
		}})
}

// checkTeam validates a new team against the case's unit and returns its
// members in order of id, with every account the change names (the new
// and the old members) by id.
func checkTeam(ctx context.Context, q db.Q, c Case, in TeamInput) ([]int64, map[int64]member, error) {
	var f apperr.Fields
	team := []int64{}
	for _, id := range in.Team {
		if !slices.Contains(team, id) {
			team = append(team, id)
		}
	}
	switch {
	case len(team) == 0:
		f.Add("team", "case.team.required")
	case len(team) > maxTeam:
		f.Add("team", "case.team.too_many", maxTeam)
	}
	if in.WorkerID <= 0 {
		f.Add("worker_id", "field.required")
	} else if len(team) > 0 && !slices.Contains(team, in.WorkerID) {
		team = append(team, in.WorkerID)
	}
	if len(f) > 0 {
		return nil, nil, f.Err()
	}
	slices.Sort(team)
	members, err := loadMembers(ctx, q, append(append(slices.Clone(team), c.Team...), c.WorkerID))
	if err != nil {
		return nil, nil, err
	}
	for _, id := range team {
		field := "team"
		if id == in.WorkerID {
			field = "worker_id"
		}
		m, ok := members[id]
		switch {
		// Another unit's account is named by the id sent, never by its
		// name: the supervisor learns nothing of other units' staff.
		case !ok || m.unitID != c.UnitID:
			f.Add(field, "case.team.outside_unit", "#"+strconv.FormatInt(id, 10))
		case !m.active:
			f.Add(field, "case.team.inactive", m.name)
		case m.role != access.Worker && m.role != access.Supervisor:
			f.Add(field, "case.team.role", m.name)
		}
	}
	if err := f.Err(); err != nil {
		return nil, nil, err
	}
	return team, members, nil
}

// loadMembers reads the accounts ids names (ids ≤ 0 and repeats ignored).
func loadMembers(ctx context.Context, q db.Q, ids []int64) (map[int64]member, error) {
	out := map[int64]member{}
	var args []any
	for _, id := range ids {
		if id > 0 && !slices.Contains(args, any(id)) {
			args = append(args, id)
		}
	}
	if len(args) == 0 {
		return out, nil
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")
	rows, err := q.Query(ctx, "SELECT id, COALESCE(unit_id, 0), role, active, full_name, username FROM app_user WHERE id IN ("+
		marks+")", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var m member
		var full, username string
		if err := rows.Scan(&m.id, &m.unitID, &m.role, &m.active, &full, &username); err != nil {
			return nil, db.Err(err)
		}
		m.name = full
		if m.name == "" {
			m.name = username
		}
		out[m.id] = m
	}
	return out, rows.Err()
}

// teamSummary is the line of the timeline that says what an assignment
// changed. Like the rest of a case's record it is written in Bahasa
// Indonesia, the language of the file (and of the inspectors who read it).
func teamSummary(oldWorker, newWorker int64, added, removed []int64, members map[int64]member) string {
	name := func(id int64) string {
		if m, ok := members[id]; ok && m.name != "" {
			return m.name
		}
		return "#" + strconv.FormatInt(id, 10)
	}
	names := func(ids []int64) string {
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = name(id)
		}
		return strings.Join(out, ", ")
	}
	var parts []string
	if oldWorker != newWorker {
		p := "Penanggung jawab: " + name(newWorker)
		if oldWorker != 0 {
			p += " (sebelumnya " + name(oldWorker) + ")"
		}
		parts = append(parts, p)
	}
	if len(added) > 0 {
		parts = append(parts, "Masuk tim: "+names(added))
	}
	if len(removed) > 0 {
		parts = append(parts, "Keluar dari tim: "+names(removed))
	}
	return strings.Join(parts, ". ") + "."
}

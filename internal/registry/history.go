package registry

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"

	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
)

// A person's history, as their record page shows it: the changes of their
// own record and the changes that concern them in the records of their
// households and consents — all read from the audit log, which records
// each change once, under the record changed.

// HistoryChanges is how many changes a history lists, newest first.
const HistoryChanges = 20

// historyOpenings is how many of the latest openings a history lists; the
// others are only counted, so that the many openings of a record used every
// day do not drown out its changes.
const historyOpenings = 5

// HistoryEntry is one change in a person's history. Key is the catalog key
// of what was done (its Args are plain values); Detail, when not empty, is
// the catalog key of what it was done to, such as a consent's purpose.
type HistoryEntry struct {
	audit.Item
	Key    string
	Args   []any
	Detail string
}

// History is a person's history.
type History struct {
	Changes []HistoryEntry // newest first, at most HistoryChanges
	// Openings counts every opening of the full record (who, when: UU
	// 27/2022); LastOpenings are the latest few of them.
	Openings     int
	LastOpenings []audit.Item
}

// History reads the history of a person in reach.
func (s *Store) History(ctx context.Context, reach Reach, personID int64) (History, error) {
	if _, _, _, err := personInReach(ctx, s.DB, reach, personID); err != nil {
		return History{}, err
	}
	pid := strconv.FormatInt(personID, 10)
	subjects := []audit.Subject{{Entity: "person", ID: pid}}
	// Every household the person was ever on, and every consent of theirs.
	for _, q := range []struct{ entity, query string }{
		{"household", "SELECT DISTINCT household_id FROM household_member WHERE person_id = ?"},
		{"consent", "SELECT id FROM consent WHERE person_id = ?"},
	} {
		ids, err := idsOf(ctx, s.DB, q.query, personID)
		if err != nil {
			return History{}, err
		}
		for _, id := range ids {
			subjects = append(subjects, audit.Subject{Entity: q.entity, ID: strconv.FormatInt(id, 10)})
		}
	}
	var h History
	// A household's log also holds the changes of its other members, which
	// are not this person's history: read pages until enough are theirs.
	f := audit.Filter{All: true, Subjects: subjects, ExceptAction: audit.Read, Limit: 200}
	for len(h.Changes) < HistoryChanges {
		items, err := audit.List(ctx, s.DB, f)
		if err != nil {
			return History{}, err
		}
		for _, it := range items {
			if e, ok := historyEntry(it, personID); ok && len(h.Changes) < HistoryChanges {
				h.Changes = append(h.Changes, e)
			}
		}
		if len(items) < f.Limit {
			break
		}
		f.BeforeID = items[len(items)-1].ID
	}
	openings := audit.Filter{All: true, Entity: "person", EntityID: pid, Action: audit.Read, Limit: historyOpenings}
	var err error
	if h.Openings, err = audit.CountMatching(ctx, s.DB, openings); err != nil {
		return History{}, err
	}
	if h.LastOpenings, err = audit.List(ctx, s.DB, openings); err != nil {
		return History{}, err
	}
	return h, nil
}

func idsOf(ctx context.Context, q db.Q, query string, args ...any) ([]int64, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, db.Err(err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// historyEntry says what a change of the audit log means for a person, and
// whether it concerns them at all.
func historyEntry(it audit.Item, personID int64) (HistoryEntry, bool) {
	e := HistoryEntry{Item: it}
	switch it.Entity {
	case "person":
		e.Key = "audit.action." + it.Action
		return e, true
	case "consent":
		var c Consent
		if it.After == nil || json.Unmarshal([]byte(*it.After), &c) != nil {
			return e, false
		}
		e.Key, e.Detail = "history.consent_given", "consent.purpose."+string(c.Purpose)
		if it.Action == audit.Update {
			e.Key = "history.consent_withdrawn"
		}
		return e, true
	case "household":
		return householdChange(e, personID)
	}
	return e, false
}

// householdChange reads a change of a household for a person: they joined
// it, left it, or it was corrected while they were on it. Other changes
// (another member joining or leaving) are not theirs.
func householdChange(e HistoryEntry, personID int64) (HistoryEntry, bool) {
	var before, after householdRecord
	if e.After == nil || json.Unmarshal([]byte(*e.After), &after) != nil {
		return e, false
	}
	if e.Before != nil && json.Unmarshal([]byte(*e.Before), &before) != nil {
		return e, false
	}
	mine := func(r householdRecord) []memberRecord {
		var out []memberRecord
		for _, m := range r.Members {
			if m.PersonID == personID {
				out = append(out, m)
			}
		}
		return out
	}
	was, is := mine(before), mine(after)
	e.Args = []any{after.KK.Grouped()}
	for _, m := range is {
		i := slices.IndexFunc(was, func(o memberRecord) bool { return o.ID == m.ID })
		switch {
		case i < 0:
			e.Key = "history.household_joined"
			return e, true
		case was[i].LeftOn == "" && m.LeftOn != "":
			e.Key = "history.household_left"
			return e, true
		}
	}
	current := slices.ContainsFunc(was, func(m memberRecord) bool { return m.LeftOn == "" })
	if current && (before.KK != after.KK || before.Village != after.Village || before.Address != after.Address) {
		e.Key = "history.household_corrected"
		return e, true
	}
	return e, false
}

package spm

import (
	"context"
	"fmt"
	"slices"

	"github.com/layan-id/layan/internal/db"
)

// Deriver derives the SPM episodes of cases from their documents, from
// scratch: the casework (casework.Store) is one.
type Deriver interface {
	// CaseIDRange is the lowest and highest case id (0, 0 when none).
	CaseIDRange(ctx context.Context, q db.Q) (lo, hi int64, err error)
	// DeriveEpisodes derives the episodes of the cases with ids lo to hi.
	DeriveEpisodes(ctx context.Context, q db.Q, lo, hi int64) ([]Episode, error)
}

// EpisodeDiff is an episode stored otherwise than derived (nil: missing).
type EpisodeDiff struct {
	CaseID  int64    `json:"case_id"`
	Cycle   int      `json:"cycle"`
	Stored  *Episode `json:"stored"`
	Derived *Episode `json:"derived"`
}

// TallyDiff is a tally stored otherwise than the derived episodes add up to.
type TallyDiff struct {
	Key     TallyKey `json:"key"`
	Stored  Tally    `json:"stored"`
	Derived Tally    `json:"derived"`
}

// Check is what a full recompute found: how many episodes it derived and,
// when the stored figures disagree, how many differ with the first few.
type Check struct {
	Episodes   int           `json:"episodes"`
	Tallies    int           `json:"tallies"`
	Episode    int           `json:"episode_diffs"`
	Tally      int           `json:"tally_diffs"`
	Examples   []EpisodeDiff `json:"episode_examples,omitempty"`
	TallyShown []TallyDiff   `json:"tally_examples,omitempty"`
}

// Agrees reports whether the stored figures are exactly the derived ones.
func (c Check) Agrees() bool { return c.Episode == 0 && c.Tally == 0 }

const (
	batchCases   = 5000
	showExamples = 10
)

// Progress is told how far a long run has come: done of total case ids.
type Progress func(done, total int64)

// Verify recomputes every episode from the casework's documents and every
// tally from those episodes, and compares both with what the steps of the
// cases stored (issue 6 point 8: `layan spm verify` must agree exactly).
// It reads one snapshot and writes nothing.
func Verify(ctx context.Context, d *db.DB, src Deriver, progress Progress) (Check, error) {
	var c Check
	err := d.ReadSnapshot(ctx, func(q db.Q) error {
		derived, err := derive(ctx, q, src, progress, func(lo, hi int64, eps []Episode) error {
			stored, err := episodesOf(ctx, q, lo, hi)
			if err != nil {
				return err
			}
			c.compareEpisodes(stored, eps)
			return nil
		})
		if err != nil {
			return err
		}
		c.Episodes = derived.episodes
		stored, err := storedTallies(ctx, q)
		if err != nil {
			return err
		}
		c.compareTallies(stored, derived.tallies)
		return nil
	})
	return c, err
}

type derivation struct {
	episodes int
	tallies  map[TallyKey]Tally
}

// derive runs the deriver over every case in batches, handing each batch's
// episodes to each and summing their tallies.
func derive(ctx context.Context, q db.Q, src Deriver, progress Progress, each func(lo, hi int64, eps []Episode) error) (derivation, error) {
	out := derivation{tallies: map[TallyKey]Tally{}}
	first, last, err := src.CaseIDRange(ctx, q)
	if err != nil || last == 0 {
		return out, err
	}
	total := last - first + 1
	for lo := first; lo <= last; lo += batchCases {
		hi := min(lo+batchCases-1, last)
		eps, err := src.DeriveEpisodes(ctx, q, lo, hi)
		if err != nil {
			return out, err
		}
		for _, e := range eps {
			if err := moveTallies(out.tallies, e, 1); err != nil {
				return out, err
			}
		}
		out.episodes += len(eps)
		if err := each(lo, hi, eps); err != nil {
			return out, err
		}
		if progress != nil {
			progress(hi-first+1, total)
		}
	}
	return out, nil
}

func (c *Check) compareEpisodes(stored, derived []Episode) {
	type key struct {
		c  int64
		cy int
	}
	have := map[key]Episode{}
	for _, e := range stored {
		have[key{e.CaseID, e.Cycle}] = e
	}
	add := func(d EpisodeDiff) {
		c.Episode++
		if len(c.Examples) < showExamples {
			c.Examples = append(c.Examples, d)
		}
	}
	for _, e := range derived {
		k := key{e.CaseID, e.Cycle}
		s, ok := have[k]
		delete(have, k)
		if ok && s == e {
			continue
		}
		d := EpisodeDiff{CaseID: e.CaseID, Cycle: e.Cycle, Derived: &e}
		if ok {
			d.Stored = &s
		}
		add(d)
	}
	for _, s := range have {
		add(EpisodeDiff{CaseID: s.CaseID, Cycle: s.Cycle, Stored: &s})
	}
}

func (c *Check) compareTallies(stored, derived map[TallyKey]Tally) {
	keys := make([]TallyKey, 0, len(derived))
	for k, t := range derived {
		if !t.Zero() {
			keys = append(keys, k)
			c.Tallies++
		}
	}
	for k, t := range stored {
		if _, ok := derived[k]; !ok && !t.Zero() {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, compareKeys)
	for _, k := range keys {
		s, d := stored[k], derived[k]
		if s.YIn == d.YIn && s.YOut == d.YOut && s.XIn == d.XIn {
			continue
		}
		c.Tally++
		if len(c.TallyShown) < showExamples {
			c.TallyShown = append(c.TallyShown, TallyDiff{Key: k, Stored: s, Derived: d})
		}
	}
}

func storedTallies(ctx context.Context, q db.Q) (map[TallyKey]Tally, error) {
	rows, err := q.Query(ctx, `SELECT region_code, province_code, jenis, year, quarter, y_in, y_out, x_in FROM spm_tally`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[TallyKey]Tally{}
	for rows.Next() {
		var t Tally
		if err := rows.Scan(&t.Region, &t.Province, &t.Jenis, &t.Year, &t.Quarter, &t.YIn, &t.YOut, &t.XIn); err != nil {
			return nil, err
		}
		out[t.Key()] = t
	}
	return out, rows.Err()
}

// Rebuild replaces every stored episode and tally with those derived from
// the documents, in one transaction: stopped half-way, nothing changes.
// For `layan spm verify --repair` and after a bulk load of cases, which
// writes documents without the steps that keep the figures. It holds the
// write lock of a SQLite database while it runs.
func Rebuild(ctx context.Context, d *db.DB, src Deriver, progress Progress) (Check, error) {
	var c Check
	conn, err := d.SQL().Conn(ctx)
	if err != nil {
		return c, err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return c, db.Err(err)
	}
	defer tx.Rollback()
	q := db.ConnTx{Tx: tx, Kind: d.Dialect()}
	for _, table := range []string{"spm_episode", "spm_tally"} {
		if _, err := q.Exec(ctx, "DELETE FROM "+table); err != nil {
			return c, err
		}
	}
	derived, err := derive(ctx, q, src, progress, func(_, _ int64, eps []Episode) error {
		return db.BulkInsert(ctx, d.Dialect(), conn, tx, "spm_episode", episodeCols, episodeRows(eps))
	})
	if err != nil {
		return c, err
	}
	var rows [][]any
	for _, t := range derived.tallies {
		if !t.Zero() {
			rows = append(rows, []any{t.Region, string(t.Jenis), t.Year, t.Quarter, t.Province, t.YIn, t.YOut, t.XIn})
		}
	}
	c.Episodes, c.Tallies = derived.episodes, len(rows)
	err = db.BulkInsert(ctx, d.Dialect(), conn, tx, "spm_tally",
		[]string{"region_code", "jenis", "year", "quarter", "province_code", "y_in", "y_out", "x_in"}, rows)
	if err != nil {
		return c, fmt.Errorf("spm: rebuild tallies: %w", err)
	}
	return c, db.Err(tx.Commit())
}

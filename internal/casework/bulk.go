package casework

// Synthetic cases at national scale, for the benchmark of issue 5 ("on
// 1,000,000 people and 500,000 cases, p99 of 'pekerjaan saya' and of the
// case list under 50 concurrent clients, on both engines") and for demos.
//
// Design:
//
//   - Every case is a row set the store itself could have left: the stage
//     and review columns as Decide sets them on the way to that stage
//     (assessment approved from rencana_intervensi on, plan in force from
//     intervensi on, termination approved with its reason and closed_at for
//     the closed stages), the documents the store writes on that way (the
//     assessment from asesmen on, the plan with an item per assessed need,
//     the services that meet every need from resosialisasi on, the visits
//     scheduled at terminasi for bimbingan lanjut), and a timeline event per
//     step with the stage before and after it. Approvals and returns are the
//     supervisor's; everything else is the case's worker's.
//
//   - Deterministic. Case i is drawn from (seed, i) alone, its times from
//     the load's stamp (kept in its record), its person from a seeded
//     permutation of the people in the unit's reach as they were when the
//     load started (every person once, then again). Cases are written in
//     the order they were opened, so ids grow with opened_at as in a real
//     unit and "newest first" lists show what a unit's newest cases look
//     like.
//
//   - Batches, each one transaction on one connection: PostgreSQL COPY
//     (pgx CopyFrom on the transaction's connection), SQLite prepared
//     multi-row INSERTs. Ids are handed out inside the transaction (as
//     registry/bulk.go does), so child rows name their parents.
//
//   - Resumable and kill-safe. The load's record is a row of setting,
//     named after the unit, seed and size, holding how many cases of the
//     load are in; every batch moves it on in its own transaction, by a
//     compare-and-set on the value it read, so a batch commits whole with
//     its count or not at all, and two processes running one load cannot
//     both write a batch (the second finds the value changed). Run again,
//     the load goes on from the count; once complete, it does nothing.

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/spm"
	"github.com/layan-id/layan/internal/wilayah"
)

// BulkCaseOptions configures a load of synthetic cases.
type BulkCaseOptions struct {
	// Cases is how many cases the load holds when complete.
	Cases int
	// Seed draws the cases: the same seed, unit and size give the same
	// cases (on the same people).
	Seed uint64
	// UnitID is the unit that holds the cases; their people are in the
	// reach of its workers (its region and coverage, and people linked to it).
	UnitID int64
	// Workers is how many synthetic worker accounts of the unit share the
	// cases, round robin; zero means one per 100 cases, a realistic caseload.
	Workers int
	// BatchSize is how many cases a transaction holds; zero means
	// DefaultCaseBatch.
	BatchSize int
	// Progress, if set, is called once before the first batch with the
	// number of cases earlier runs loaded (0 for a new load), then after
	// each committed batch with the number of the load's cases now in; not
	// at all when the load is complete already.
	Progress func(done int)
	// Actor is who the audit log names; zero means audit.System("demo").
	Actor audit.Actor
	// Deliveries is in how many services each planned need is delivered
	// (a month of meals in weekly parcels, say); zero means one. The SPM
	// benchmark's 10 million service records take five.
	Deliveries int
}

// BulkCaseResult says what a load did.
type BulkCaseResult struct {
	Loaded  int // cases written by this call
	Skipped int // cases of the load written by earlier calls
	Workers int // synthetic workers holding the load's cases
	People  int // people in the unit's reach the cases are drawn from (more cases than people: some have several)
	Elapsed time.Duration
}

// DefaultCaseBatch keeps a batch (about 25 rows a case) to a second or two
// on either engine.
const DefaultCaseBatch = 10000

// ErrCaseLoadBusy is returned when another process moved the same load on
// while this one was writing a batch.
var ErrCaseLoadBusy = errors.New("casework: this load of cases is being run by another process")

// CaseLoadName is the name of a load's record in the setting table.
func CaseLoadName(unitID int64, seed uint64, cases int) string {
	return fmt.Sprintf("load:cases unit=%d seed=%d n=%d", unitID, seed, cases)
}

// SyntheticUsername is the username of synthetic worker n (1, 2, …) of a
// unit; n = 0 names the unit's synthetic supervisor.
func SyntheticUsername(unitID int64, n int) string {
	if n == 0 {
		return fmt.Sprintf("sintetis.u%d.supervisor", unitID)
	}
	return fmt.Sprintf("sintetis.u%d.pekerja.%05d", unitID, n)
}

// syntheticPasswordHash is the password hash of the synthetic accounts. It
// is well formed, so a login attempt is answered as any wrong password
// (login.failed, after the same argon2id work) instead of failing on a
// malformed hash; its key is 32 zero bytes, which would take an argon2id
// preimage to match. Hashing a password per account would take minutes for
// thousands of accounts; `layan user reset-password` gives one a password,
// `layan token create` a token.
const syntheticPasswordHash = "$argon2id$v=19$m=19456,t=2,p=1$c2ludGV0aXMubGF5YW4$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

// caseLoadState is the value of a load's record.
type caseLoadState struct {
	Done      int       `json:"done"`       // cases of the load committed
	Stamp     time.Time `json:"stamp"`      // the load's "now": every time of its cases lies before it
	Workers   int       `json:"workers"`    // synthetic workers sharing the cases
	People    int       `json:"people"`     // people in reach when the load started
	MaxPerson int64     `json:"max_person"` // people added later are not drawn
	// Deliveries per need (0 in records of loads from before the option: one).
	Deliveries int `json:"deliveries,omitempty"`
}

// BulkCases loads o.Cases synthetic cases into unit o.UnitID, in batches,
// each in one transaction; see the top of this file. On an error the
// batches committed before it stay, and a later call with the same options
// goes on after them. A cancelled ctx returns ctx.Err() once the batch in
// flight has rolled back.
func BulkCases(ctx context.Context, d *db.DB, o BulkCaseOptions) (BulkCaseResult, error) {
	start := time.Now()
	var res BulkCaseResult
	if o.Cases <= 0 {
		return res, errors.New("casework: bulk cases: the number of cases must be positive")
	}
	if o.Workers < 0 {
		return res, errors.New("casework: bulk cases: the number of workers must not be negative")
	}
	if o.BatchSize <= 0 {
		o.BatchSize = DefaultCaseBatch
	}
	if o.Deliveries < 0 || o.Deliveries > 50 {
		return res, errors.New("casework: bulk cases: deliveries per need must be 1–50")
	}
	if o.Actor == (audit.Actor{}) {
		o.Actor = audit.System("demo")
	}
	u, err := readLoadUnit(ctx, d, o.UnitID)
	if err != nil {
		return res, err
	}
	name := CaseLoadName(o.UnitID, o.Seed, o.Cases)
	// Another size with the same seed and unit draws the same people in the
	// same order: say so before loading anything.
	var other sql.NullString
	err = d.QueryRow(ctx, "SELECT MIN(name) FROM setting WHERE name LIKE ? AND name <> ?",
		fmt.Sprintf("load:cases unit=%d seed=%d n=%%", o.UnitID, o.Seed), name).Scan(&other)
	if err != nil {
		return res, db.Err(err)
	}
	if other.Valid {
		return res, fmt.Errorf("casework: unit %d already holds a load of cases with seed %d (%s), whose cases are on the same people: use another seed",
			o.UnitID, o.Seed, strings.TrimPrefix(other.String, "load:cases "))
	}

	l := &caseLoader{d: d, dialect: d.Dialect(), o: o, name: name, unit: u}
	if err := l.readState(ctx); err != nil {
		return res, err
	}
	res.Skipped, res.Workers, res.People = min(l.st.Done, o.Cases), l.st.Workers, l.st.People
	if l.started && l.st.Done >= o.Cases {
		res.Elapsed = time.Since(start)
		return res, nil // complete: no batch, no progress
	}
	if err := l.accounts(ctx); err != nil {
		return res, err
	}
	if err := l.readPeople(ctx); err != nil {
		return res, err
	}
	res.People = l.st.People
	l.gen = newCaseGen(o.Seed, l.st.Stamp, l.people)
	l.gen.deliveries = max(l.st.Deliveries, 1)
	order := l.gen.order(o.Cases)

	conn, err := d.SQL().Conn(ctx)
	if err != nil {
		return res, err
	}
	defer conn.Close()
	l.conn = conn
	restore, err := db.BigCache(ctx, l.dialect, conn)
	if err != nil {
		return res, err
	}
	defer restore()
	if o.Progress != nil {
		o.Progress(l.st.Done)
	}
	for l.st.Done < o.Cases {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		from := l.st.Done
		to := min(from+o.BatchSize, o.Cases)
		if err := l.batch(ctx, from, order[from:to]); err != nil {
			if ctx.Err() != nil {
				// Whatever failed is the cancellation's consequence (a
				// statement on a connection database/sql closed); the batch
				// rolled back and the load can resume.
				return res, ctx.Err()
			}
			return res, err
		}
		res.Loaded += to - from
		if o.Progress != nil {
			o.Progress(l.st.Done)
		}
	}
	if err := db.Analyze(ctx, l.dialect, conn, "app_user", "case_file", "case_team", "case_event", "case_assessment",
		"case_plan", "case_plan_item", "case_service", "case_follow_up", "spm_episode", "spm_tally"); err != nil {
		return res, err
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// loadUnit is what a load needs of its unit.
type loadUnit struct {
	id     int64
	name   string
	region wilayah.Code
	area   []wilayah.Code // region and coverage, none inside another
}

// readLoadUnit reads the unit's region and coverage the way the reach of
// its workers is made (access.User.UnitRegion, UnitCoverage; registry.ReachOf).
func readLoadUnit(ctx context.Context, d *db.DB, id int64) (loadUnit, error) {
	u := loadUnit{id: id}
	var region, coverage string
	var active bool
	err := db.Err(d.QueryRow(ctx, "SELECT name, region_code, coverage, active FROM unit WHERE id = ?", id).
		Scan(&u.name, &region, &coverage, &active))
	if errors.Is(err, db.ErrNotFound) {
		return u, fmt.Errorf("casework: bulk cases: unit %d does not exist", id)
	}
	if err != nil {
		return u, err
	}
	if !active {
		return u, fmt.Errorf("casework: bulk cases: unit %d is not active", id)
	}
	u.region = wilayah.Code(region)
	all := []wilayah.Code{u.region}
	for _, c := range strings.Split(coverage, ",") {
		if c != "" {
			all = append(all, wilayah.Code(c))
		}
	}
	// Disjoint areas, so nobody is read twice (a sentra's own kota lies in
	// a province it covers).
	for _, c := range all {
		inside := false
		for _, o := range all {
			if o != c && o.Contains(c) {
				inside = true
			}
		}
		if !inside && !slices.Contains(u.area, c) {
			u.area = append(u.area, c)
		}
	}
	slices.Sort(u.area)
	return u, nil
}

// caseLoader is one run of BulkCases.
type caseLoader struct {
	d       *db.DB
	conn    *sql.Conn
	dialect db.Dialect
	o       BulkCaseOptions
	name    string
	unit    loadUnit

	st      caseLoadState
	stored  string // the record's value as read or last written: the compare of the compare-and-set
	started bool   // the record exists
	batches int    // batches committed by this run

	idgen db.IDs

	workers []syntheticUser
	sup     syntheticUser
	people  []candidate
	gen     *caseGen
}

type syntheticUser struct {
	id       int64
	username string
}

// readState reads the load's record, or starts a new one.
func (l *caseLoader) readState(ctx context.Context) error {
	var value string
	err := db.Err(l.d.QueryRow(ctx, "SELECT value FROM setting WHERE name = ?", l.name).Scan(&value))
	if errors.Is(err, db.ErrNotFound) {
		l.st = caseLoadState{Stamp: db.Now().Truncate(time.Second), Workers: l.o.Workers, Deliveries: l.o.Deliveries}
		if l.st.Workers == 0 {
			l.st.Workers = max(1, l.o.Cases/100)
		}
		return db.Err(l.d.QueryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM person").Scan(&l.st.MaxPerson))
	}
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(value), &l.st); err != nil || l.st.Stamp.IsZero() || l.st.Workers <= 0 {
		return fmt.Errorf("casework: bulk cases: unreadable record %q: %q", l.name, value)
	}
	if l.o.Workers != 0 && l.o.Workers != l.st.Workers {
		return fmt.Errorf("casework: bulk cases: the load %q was started with %d workers, not %d", l.name, l.st.Workers, l.o.Workers)
	}
	if max(l.o.Deliveries, 1) != max(l.st.Deliveries, 1) {
		return fmt.Errorf("casework: bulk cases: the load %q was started with %d deliveries per need, not %d", l.name,
			max(l.st.Deliveries, 1), max(l.o.Deliveries, 1))
	}
	l.st.Stamp = l.st.Stamp.UTC()
	l.stored, l.started = value, true
	return nil
}

// accounts makes sure the unit's synthetic workers 1..Workers and its
// synthetic supervisor exist, creating those missing with plain INSERTs
// (and one audit record), and reads their ids.
func (l *caseLoader) accounts(ctx context.Context) error {
	return l.d.InTx(ctx, func(tx *db.Tx) error {
		have := map[string]int64{}
		read := func() error {
			rows, err := tx.Query(ctx, "SELECT id, username FROM app_user WHERE unit_id = ? AND username LIKE ?",
				l.unit.id, fmt.Sprintf("sintetis.u%d.%%", l.unit.id))
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id int64
				var name string
				if err := rows.Scan(&id, &name); err != nil {
					return db.Err(err)
				}
				have[name] = id
			}
			return rows.Err()
		}
		if err := read(); err != nil {
			return err
		}
		type account struct {
			username, fullName string
			role               access.Role
		}
		var missing []account
		if _, ok := have[SyntheticUsername(l.unit.id, 0)]; !ok {
			missing = append(missing, account{SyntheticUsername(l.unit.id, 0), "Supervisor Sintetis", access.Supervisor})
		}
		for n := 1; n <= l.st.Workers; n++ {
			if _, ok := have[SyntheticUsername(l.unit.id, n)]; !ok {
				missing = append(missing, account{SyntheticUsername(l.unit.id, n), fmt.Sprintf("Pekerja Sintetis %d", n), access.Worker})
			}
		}
		now := db.Now()
		const per = 500
		for lo := 0; lo < len(missing); lo += per {
			part := missing[lo:min(lo+per, len(missing))]
			var args []any
			for _, a := range part {
				args = append(args, a.username, a.fullName, string(a.role), l.unit.id, syntheticPasswordHash, true, now, now)
			}
			_, err := tx.Exec(ctx, `INSERT INTO app_user (username, full_name, role, unit_id, password_hash, active,
				created_at, updated_at, version) VALUES `+strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, 1),", len(part)), ","),
				args...)
			if err != nil {
				return db.Err(err)
			}
		}
		if len(missing) > 0 {
			if err := audit.Record(ctx, tx, l.o.Actor, audit.Entry{Action: audit.Create, Entity: "user",
				EntityID: fmt.Sprintf("sintetis.u%d.*", l.unit.id), Region: l.unit.region,
				After: map[string]any{"synthetic_accounts": len(missing), "unit_id": l.unit.id, "load": l.name}}); err != nil {
				return err
			}
			if err := read(); err != nil {
				return err
			}
		}
		l.sup = syntheticUser{have[SyntheticUsername(l.unit.id, 0)], SyntheticUsername(l.unit.id, 0)}
		l.workers = make([]syntheticUser, l.st.Workers)
		for n := range l.workers {
			name := SyntheticUsername(l.unit.id, n+1)
			l.workers[n] = syntheticUser{have[name], name}
		}
		return nil
	})
}

// candidate is a person a case may be opened for.
type candidate struct {
	id      int64
	village string
	born    int // birth year; 0 when unknown
}

// readPeople reads the active, non-duplicate people in the unit's reach
// that existed when the load started, in index order: each area of the
// unit as one range of person_village, then the people linked to the unit
// (person_linked).
func (l *caseLoader) readPeople(ctx context.Context) error {
	villages := map[string]string{} // one string per desa, not per person
	scan := func(rows *sql.Rows, err error) error {
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c candidate
			var born sql.NullInt64
			if err := rows.Scan(&c.id, &c.village, &born); err != nil {
				return db.Err(err)
			}
			if v, ok := villages[c.village]; ok {
				c.village = v
			} else {
				villages[c.village] = c.village
			}
			c.born = int(born.Int64)
			l.people = append(l.people, c)
		}
		return rows.Err()
	}
	const cols = "SELECT id, village_code, birth_year FROM person WHERE "
	const rest = " AND active = ? AND duplicate_of IS NULL AND id <= ? ORDER BY village_code, id"
	for _, c := range l.unit.area {
		cond, args := "village_code = ?", []any{string(c)}
		if c.Level() != wilayah.Village {
			cond, args = "village_code >= ? AND village_code < ?", []any{string(c) + ".", string(c) + "/"}
		}
		if err := scan(l.d.Query(ctx, cols+cond+rest, append(args, true, l.st.MaxPerson)...)); err != nil {
			return err
		}
	}
	if err := scan(l.d.Query(ctx, cols+"linked_unit = ?"+rest, l.unit.id, true, l.st.MaxPerson)); err != nil {
		return err
	}
	if len(l.people) == 0 {
		return fmt.Errorf("casework: bulk cases: unit %d reaches nobody: load people first (layan demo --people)", l.unit.id)
	}
	if l.started && len(l.people) != l.st.People {
		return fmt.Errorf("casework: bulk cases: %d people were in reach of unit %d when the load %q started, %d now: its cases cannot be drawn again the same way",
			l.st.People, l.unit.id, l.name, len(l.people))
	}
	l.st.People = len(l.people)
	return nil
}

// batch writes the cases of slots from, from+1, … (cases order[k]) in one
// transaction, with the load's record moved on in it.
func (l *caseLoader) batch(ctx context.Context, from int, cases []int32) error {
	specs := make([]caseSpec, len(cases))
	for k, i := range cases {
		specs[k] = l.gen.spec(int(i))
	}
	tx, err := l.conn.BeginTx(ctx, nil)
	if err != nil {
		return db.Err(err)
	}
	defer tx.Rollback() // after Commit, a no-op
	q := db.ConnTx{Tx: tx, Kind: l.dialect}

	// First the record, so that a second process running the same load
	// waits here (PostgreSQL's row lock; SQLite's one writer) and then
	// finds the value changed.
	next := l.st
	next.Done = from + len(cases)
	value, err := json.Marshal(next)
	if err != nil {
		return err
	}
	now := db.Now()
	if !l.started {
		_, err = q.Exec(ctx, "INSERT INTO setting (name, value, updated_at) VALUES (?, ?, ?)", l.name, string(value), now)
		if errors.Is(err, db.ErrDuplicate) {
			return ErrCaseLoadBusy
		}
		if err != nil {
			return err
		}
	} else {
		r, err := q.Exec(ctx, "UPDATE setting SET value = ?, updated_at = ? WHERE name = ? AND value = ?",
			string(value), now, l.name, l.stored)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil || n != 1 {
			return ErrCaseLoadBusy
		}
	}
	if l.batches == 0 {
		// One audit record per run, not one per case.
		info := map[string]any{"load": l.name, "unit_id": l.unit.id, "seed": l.o.Seed, "cases": l.o.Cases,
			"workers": l.st.Workers, "people": l.st.People, "stamp": l.st.Stamp, "resumed_at": from}
		if err := audit.Record(ctx, q, l.o.Actor, audit.Entry{Action: audit.Create, Entity: "case",
			EntityID: l.name, Region: l.unit.region, After: info}); err != nil {
			return err
		}
	}

	var nEvents, nPlans, nServices, nVisits int
	for _, s := range specs {
		nEvents += len(s.events)
		if s.plan != None {
			nPlans++
		}
		nServices += len(s.services)
		nVisits += len(s.visits)
	}
	caseIDs, err := l.idgen.Next(ctx, q, "case_file", len(specs))
	if err != nil {
		return err
	}
	eventIDs, err := l.idgen.Next(ctx, q, "case_event", nEvents)
	if err != nil {
		return err
	}
	planIDs, err := l.idgen.Next(ctx, q, "case_plan", nPlans)
	if err != nil {
		return err
	}
	serviceIDs, err := l.idgen.Next(ctx, q, "case_service", nServices)
	if err != nil {
		return err
	}
	visitIDs, err := l.idgen.Next(ctx, q, "case_follow_up", nVisits)
	if err != nil {
		return err
	}

	t := newCaseTables()
	for k, s := range specs {
		w := l.workers[(from+k)%len(l.workers)]
		t.add(s, caseIDs[k], w, l.sup, l.unit, &eventIDs, &planIDs, &serviceIDs, &visitIDs)
	}
	// Parents before children.
	for _, tb := range t.all() {
		if err := l.insert(ctx, tx, tb); err != nil {
			return fmt.Errorf("casework: bulk cases: %s: %w", tb.name, db.Err(err))
		}
	}
	// The SPM figures of the new cases, as their steps would have kept them.
	lo, hi := slices.Min(caseIDs), slices.Max(caseIDs)
	eps, err := deriveEpisodes(ctx, q, lo, hi)
	if err != nil {
		return err
	}
	err = spm.SyncRange(ctx, q, lo, hi, eps, func(table string, cols []string, rows [][]any) error {
		return db.BulkInsert(ctx, l.dialect, l.conn, tx, table, cols, rows)
	})
	if err != nil {
		return fmt.Errorf("casework: bulk cases: SPM figures: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return db.Err(err)
	}
	l.st, l.stored, l.started = next, string(value), true
	l.batches++
	return nil
}

// insert writes t: COPY on PostgreSQL, multi-row INSERTs on SQLite.
func (l *caseLoader) insert(ctx context.Context, tx *sql.Tx, t *rowTable) error {
	return db.BulkInsert(ctx, l.dialect, l.conn, tx, t.name, t.cols, t.rows)
}

// The generator.

const (
	oneDay     = 24 * time.Hour
	threeYears = 3 * 365 * oneDay
)

// caseGen draws the cases of one load.
type caseGen struct {
	seed       uint64
	stamp      time.Time
	people     []candidate
	perm       []int // case i is for people[perm[i % len(people)]]
	deliveries int   // services per planned need (BulkCaseOptions.Deliveries)
}

func newCaseGen(seed uint64, stamp time.Time, people []candidate) *caseGen {
	r := rand.New(rand.NewPCG(mixSeed(seed), mixSeed(0x7065726d)))
	return &caseGen{seed: seed, stamp: stamp, people: people, perm: r.Perm(len(people))}
}

// mixSeed is splitmix64's finaliser: neighbouring seeds and case numbers give
// unrelated generator states.
func mixSeed(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func (g *caseGen) rng(i int) *rand.Rand {
	return rand.New(rand.NewPCG(mixSeed(g.seed), mixSeed(uint64(i)+1)))
}

// order lists the n cases oldest first: the order their ids are given in.
func (g *caseGen) order(n int) []int32 {
	back := make([]time.Duration, n)
	out := make([]int32, n)
	for i := range n {
		back[i] = drawTimeline(g.rng(i)).back
		out[i] = int32(i)
	}
	slices.SortFunc(out, func(a, b int32) int {
		if c := cmp.Compare(back[b], back[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return out
}

// caseTimeline is where a case got to and when each step came, as offsets
// from its opening; drawn first, so that the order of cases needs nothing
// else.
type caseTimeline struct {
	stage   Stage
	variant int // asesmen: 0 draft, 1 submitted, 2 returned; rencana_intervensi: 0 no plan, 1 draft, 2 submitted; resosialisasi: 1 terminasi requested
	needs   int // how many needs the assessment finds
	// Offsets of the steps from the opening.
	assessSave, assessSubmit, assessReview time.Duration
	planSave, planSubmit, planApprove      time.Duration
	services                               [3]time.Duration
	reintegrate, requestEnd, approveEnd    time.Duration
	visitLate                              [3]time.Duration // how long after its due day a visit was made
	closeAfter                             time.Duration    // from the last visit to the end of bimbingan lanjut
	back                                   time.Duration    // from the opening to the load's stamp
}

// stageShares are per mille of cases: about 70 % closed, as in a unit that
// has worked for years; the open ones spread over the stages.
var stageShares = []struct {
	stage Stage
	share int
}{
	{PendekatanAwal, 50}, {Asesmen, 70}, {RencanaIntervensi, 60}, {Intervensi, 80}, {Resosialisasi, 40},
	{Terminasi, 150}, {BimbinganLanjut, 150}, {Selesai, 400},
}

// gap is a random time between lo and hi days, in whole seconds.
func gap(r *rand.Rand, lo, hi int) time.Duration {
	return time.Duration(lo)*oneDay + time.Duration(r.Int64N(int64(hi-lo)*86400))*time.Second
}

func drawTimeline(r *rand.Rand) caseTimeline {
	var t caseTimeline
	u := r.IntN(1000)
	for _, s := range stageShares {
		if u < s.share {
			t.stage = s.stage
			break
		}
		u -= s.share
	}
	switch v := r.IntN(100); t.stage {
	case Asesmen:
		t.variant = pick(v, 50, 35) // draft, submitted, returned
	case RencanaIntervensi:
		t.variant = pick(v, 40, 30) // none, draft, submitted
	case Resosialisasi:
		t.variant = pick(v, 70) // plain, terminasi requested
	}
	t.needs = 1 + pick(r.IntN(100), 30, 45)
	// Every offset is drawn, reached or not, so that a case's draws do not
	// depend on its stage.
	t.assessSave = gap(r, 0, 5)
	t.assessSubmit = t.assessSave + gap(r, 1, 7)
	t.assessReview = t.assessSubmit + gap(r, 1, 5)
	t.planSave = t.assessReview + gap(r, 1, 7)
	t.planSubmit = t.planSave + gap(r, 1, 5)
	t.planApprove = t.planSubmit + gap(r, 1, 5)
	last := t.planApprove
	for k := range t.services {
		t.services[k] = last + gap(r, 3, 20)
		if k < t.needs {
			last = t.services[k]
		}
	}
	t.reintegrate = last + gap(r, 2, 14)
	t.requestEnd = t.reintegrate + gap(r, 14, 60)
	t.approveEnd = t.requestEnd + gap(r, 1, 5)
	for k := range t.visitLate {
		t.visitLate[k] = gap(r, 0, 5)
	}
	t.closeAfter = gap(r, 1, 7)

	// The opening, back from the stamp: open cases were last worked on in
	// the past weeks or months, bimbingan lanjut started in the past six
	// months (its last visit is still to come), the rest spread over three
	// years.
	var reached time.Duration
	switch t.stage {
	case PendekatanAwal:
	case Asesmen:
		reached = []time.Duration{t.assessSave, t.assessSubmit, t.assessReview}[t.variant]
	case RencanaIntervensi:
		reached = []time.Duration{t.assessReview, t.planSave, t.planSubmit}[t.variant]
	case Intervensi:
		reached = t.planApprove
	case Resosialisasi:
		reached = []time.Duration{t.reintegrate, t.requestEnd}[t.variant]
	case Terminasi, BimbinganLanjut:
		reached = t.approveEnd
	case Selesai:
		// Visits are due 1, 3 and 6 calendar months after terminasi
		// (at most 184 days), made up to 5 days late, closed up to 7
		// days after: 200 days bound it.
		reached = t.approveEnd + 200*oneDay
	}
	switch t.stage {
	case PendekatanAwal, Asesmen, RencanaIntervensi:
		t.back = reached + gap(r, 0, 45)
	case Intervensi, Resosialisasi:
		t.back = reached + gap(r, 0, 120)
	case BimbinganLanjut:
		t.back = reached + time.Hour + gap(r, 0, 179)
	default:
		t.back = reached + time.Duration(r.Int64N(int64(max(oneDay, threeYears-reached)/time.Second)))*time.Second
	}
	return t
}

// pick turns v in [0, 100) into 0, 1, … by the cumulative shares given
// (the last choice takes the rest).
func pick(v int, shares ...int) int {
	for k, s := range shares {
		if v < s {
			return k
		}
		v -= s
	}
	return len(shares)
}

// caseSpec is one synthetic case, ready to be written.
type caseSpec struct {
	person     candidate
	cluster    Cluster
	setting    Setting
	source     Source
	risk       Risk
	flag       RiskFlag
	stage      Stage
	assessment Review
	plan       Review // None: no plan written
	inForce    bool
	ending     Review
	reason     Reason
	opened     time.Time
	assessed   time.Time // zero until approved
	planned    time.Time
	closed     time.Time
	needs      []Need
	quantity   []int
	assessAt   time.Time // the assessment's last save
	conference string    // its conference day
	planAt     time.Time // the plan's last save
	approvedAt time.Time // the plan's approval
	events     []caseEvent
	deliveries int         // services per planned need
	services   []time.Time // each delivery, in the order given
	serviceOf  []int       // the index in needs of each delivery's need
	visits     []plannedVisit
}

type caseEvent struct {
	at            time.Time
	supervisor    bool
	action        Action
	before, after Stage
	reason        Reason
}

type plannedVisit struct {
	due     string
	done    time.Time // zero while not made
	outcome FollowUpOutcome
}

// spec draws case i.
func (g *caseGen) spec(i int) caseSpec {
	r := g.rng(i)
	t := drawTimeline(r)
	s := caseSpec{person: g.people[g.perm[i%len(g.people)]], stage: t.stage, deliveries: max(g.deliveries, 1)}
	s.opened = g.stamp.Add(-t.back)
	at := func(d time.Duration) time.Time { return s.opened.Add(d) }

	age := 35
	if s.person.born > 0 {
		age = s.opened.Year() - s.person.born
	}
	s.cluster = drawCluster(r, age)
	s.setting = drawSetting(r, s.cluster)
	s.source = []Source{DatangSendiri, Penjangkauan, Rujukan, Aparat, Hotline}[pick(r.IntN(100), 25, 25, 25, 10)]
	s.risk = []Risk{RiskRendah, RiskSedang, RiskTinggi}[pick(r.IntN(100), 35, 45)]
	if s.risk == RiskTinggi {
		flags := riskFlagsOf[s.cluster]
		s.flag = flags[r.IntN(len(flags))]
	}
	pool := needsOf[s.cluster]
	for _, k := range r.Perm(len(pool))[:t.needs] {
		s.needs = append(s.needs, pool[k])
		s.quantity = append(s.quantity, 1+r.IntN(4))
	}
	s.reason = []Reason{Menolak, HilangKontak, Meninggal}[pick(r.IntN(100), 40, 40)]
	if s.stage == BimbinganLanjut || s.stage == Selesai || s.stage == Resosialisasi {
		s.reason = []Reason{TujuanTercapai, Dirujuk, Pindah, LulusPENA}[pick(r.IntN(100), 80, 8, 5)]
	}
	outcome := make([]FollowUpOutcome, 3)
	for k := range outcome {
		outcome[k] = []FollowUpOutcome{Membaik, Stabil, PerluDukungan, TidakDitemui}[pick(r.IntN(100), 40, 45, 10)]
	}

	rank := slices.Index(Stages, s.stage)
	reached := func(st Stage) bool { return rank >= slices.Index(Stages, st) }
	stage := PendekatanAwal
	do := func(d time.Duration, sup bool, a Action, after Stage, reason Reason) time.Time {
		e := caseEvent{at: at(d), supervisor: sup, action: a, before: stage, after: after, reason: reason}
		s.events = append(s.events, e)
		stage = after
		return e.at
	}
	do(0, false, "open", PendekatanAwal, "")
	if !reached(Asesmen) {
		return s
	}
	s.assessAt = do(t.assessSave, false, SaveAssessment, Asesmen, "")
	s.assessment = Draft
	s.conference = s.assessAt.In(wib).Format(dayLayout) // the conference came before the assessment was written down
	if s.stage == Asesmen && t.variant == 0 {
		return s
	}
	do(t.assessSubmit, false, SubmitAssessment, Asesmen, "")
	s.assessment = Submitted
	if s.stage == Asesmen {
		if t.variant == 2 {
			do(t.assessReview, true, ReturnAssessment, Asesmen, "")
			s.assessment = Returned
		}
		return s
	}
	s.assessed = do(t.assessReview, true, ApproveAssessment, RencanaIntervensi, "")
	s.assessment = Approved
	if s.stage == RencanaIntervensi && t.variant == 0 {
		return s
	}
	s.planAt = do(t.planSave, false, SavePlan, RencanaIntervensi, "")
	s.plan = Draft
	if s.stage == RencanaIntervensi && t.variant == 1 {
		return s
	}
	do(t.planSubmit, false, SubmitPlan, RencanaIntervensi, "")
	s.plan = Submitted
	if s.stage == RencanaIntervensi {
		return s
	}
	s.approvedAt = do(t.planApprove, true, ApprovePlan, Intervensi, "")
	s.planned, s.plan, s.inForce = s.approvedAt, Approved, true
	if !reached(Resosialisasi) {
		return s
	}
	// Every need delivered as planned: the case's needs are met. With
	// several deliveries a need's are spread evenly from the plan's
	// approval to the day the need was met, each a step of its own.
	type delivery struct {
		at   time.Duration
		need int
	}
	var ds []delivery
	for k := range s.needs {
		for j := 1; j <= s.deliveries; j++ {
			ds = append(ds, delivery{t.planApprove + (t.services[k]-t.planApprove)*time.Duration(j)/time.Duration(s.deliveries), k})
		}
	}
	slices.SortStableFunc(ds, func(a, b delivery) int { return cmp.Compare(a.at, b.at) })
	for _, d := range ds {
		s.services = append(s.services, do(d.at, false, RecordService, Intervensi, ""))
		s.serviceOf = append(s.serviceOf, d.need)
	}
	do(t.reintegrate, false, StartReintegration, Resosialisasi, "")
	if s.stage == Resosialisasi && t.variant == 0 {
		return s
	}
	do(t.requestEnd, false, RequestTermination, Resosialisasi, s.reason)
	s.ending = Submitted
	if s.stage == Resosialisasi {
		return s
	}
	end := Terminasi
	if s.reason.FollowUp() {
		end = BimbinganLanjut
	}
	s.closed = do(t.approveEnd, true, ApproveTermination, end, "")
	s.ending = Approved
	if end != BimbinganLanjut {
		return s
	}
	// The visits scheduleFollowUps would have set, made when their day
	// (and a few days' delay) has come.
	var lastVisit time.Time
	for k, due := range FollowUpDates(s.closed.In(wib), DefaultFollowUpMonths) {
		v := plannedVisit{due: due.Format(dayLayout)}
		done := time.Date(due.Year(), due.Month(), due.Day(), 9, 0, 0, 0, wib).Add(t.visitLate[k]).UTC()
		if s.stage == Selesai || !done.After(g.stamp) {
			v.done, v.outcome = done, outcome[k]
			lastVisit = do(done.Sub(s.opened), false, RecordFollowUp, BimbinganLanjut, "")
		}
		s.visits = append(s.visits, v)
	}
	if s.stage == Selesai {
		do(lastVisit.Add(t.closeAfter).Sub(s.opened), false, CloseFollowUp, Selesai, "")
	}
	return s
}

func drawCluster(r *rand.Rand, age int) Cluster {
	v := r.IntN(100)
	switch {
	case age < 18:
		return []Cluster{ClusterAnak, ClusterDisabilitas}[pick(v, 85)]
	case age >= 60:
		return []Cluster{ClusterLansia, ClusterDisabilitas, ClusterLainnya}[pick(v, 85, 10)]
	}
	return []Cluster{ClusterDisabilitas, ClusterTSKPO, ClusterNAPZA, ClusterBencana, ClusterLainnya}[pick(v, 25, 20, 15, 15)]
}

func drawSetting(r *rand.Rand, c Cluster) Setting {
	residential := 0 // per cent in a panti
	switch c {
	case ClusterAnak:
		residential = 20
	case ClusterLansia, ClusterTSKPO:
		residential = 30
	case ClusterNAPZA:
		residential = 50
	}
	v := r.IntN(100)
	switch {
	case v < residential:
		return Residensial
	case v < residential+(100-residential)/2:
		return Keluarga
	}
	return Komunitas
}

// needsOf are the basic needs an assessment of each cluster may find, at
// least three each.
var needsOf = map[Cluster][]Need{
	ClusterAnak:        {Pengasuhan, AksesPendidikan, DokumenKependudukan, BimbinganKeluarga, AksesKesehatan},
	ClusterDisabilitas: {AlatBantu, BimbinganFMS, AksesKesehatan, DokumenKependudukan},
	ClusterLansia:      {Permakanan, PerbekalanKesehatan, BimbinganKeluarga, AlatBantu},
	ClusterTSKPO:       {TempatTinggal, Permakanan, Sandang, PenelusuranKeluarga, Reunifikasi},
	ClusterNAPZA:       {BimbinganFMS, AksesKesehatan, BimbinganKeluarga, RujukanLayanan},
	ClusterBencana:     {Permakanan, Sandang, TempatTinggal, PerbekalanKesehatan},
	ClusterLainnya:     {Permakanan, Sandang, DokumenKependudukan, RujukanLayanan},
}

// componentOf is the ATENSI component that delivers a need.
var componentOf = map[Need]Component{
	Permakanan: KebutuhanHidupLayak, Sandang: KebutuhanHidupLayak, TempatTinggal: KebutuhanHidupLayak,
	AlatBantu: Aksesibilitas, PerbekalanKesehatan: PerawatanSosial, BimbinganFMS: Terapi,
	BimbinganKeluarga: DukunganKeluarga, Pengasuhan: PerawatanSosial, DokumenKependudukan: Aksesibilitas,
	AksesPendidikan: Aksesibilitas, AksesKesehatan: Aksesibilitas, PenelusuranKeluarga: DukunganKeluarga,
	Reunifikasi: DukunganKeluarga, RujukanLayanan: BantuanAsistensi, Pemulasaraan: PerawatanSosial,
}

// unitCost is a plausible cost in Rupiah of one unit of a need.
var unitCost = map[Component]int64{KebutuhanHidupLayak: 75_000, PerawatanSosial: 150_000, DukunganKeluarga: 100_000,
	Terapi: 200_000, Vokasional: 250_000, BantuanAsistensi: 300_000, Aksesibilitas: 120_000}

var riskFlagsOf = map[Cluster][]RiskFlag{
	ClusterAnak: {Kekerasan, Penelantaran, Eksploitasi}, ClusterDisabilitas: {Pemasungan, Penelantaran},
	ClusterLansia: {Penelantaran}, ClusterTSKPO: {PerdaganganOrang, Eksploitasi}, ClusterNAPZA: {Kekerasan},
	ClusterBencana: {Penelantaran}, ClusterLainnya: {Penelantaran, Kekerasan},
}

// findingsOf are an assessment's findings by domain, as stored (a JSON
// object of casework.Domain keys), one text per cluster.
var findingsOf = map[Cluster]string{
	ClusterAnak:        `{"pendidikan":"Tidak bersekolah sejak setahun.","sosial_keluarga":"Pengasuhan keluarga belum memadai."}`,
	ClusterDisabilitas: `{"fisik_kesehatan":"Hambatan mobilitas, belum punya alat bantu.","sosial_keluarga":"Keluarga mendukung tetapi kurang mampu."}`,
	ClusterLansia:      `{"fisik_kesehatan":"Penyakit kronis, kontrol tidak teratur.","ekonomi":"Tanpa penghasilan tetap."}`,
	ClusterTSKPO:       `{"tempat_tinggal":"Tidak punya tempat tinggal tetap.","dokumen_kependudukan":"KTP hilang."}`,
	ClusterNAPZA:       `{"psikologis":"Ketergantungan, motivasi pulih ada.","sosial_keluarga":"Hubungan dengan keluarga renggang."}`,
	ClusterBencana:     `{"tempat_tinggal":"Rumah rusak berat.","ekonomi":"Mata pencaharian hilang."}`,
	ClusterLainnya:     `{"ekonomi":"Tanpa penghasilan tetap.","sosial_keluarga":"Tinggal sendiri."}`,
}

// rowTable is rows waiting to be written.
type rowTable struct {
	name string
	cols []string
	rows [][]any
}

func (t *rowTable) add(vals ...any) { t.rows = append(t.rows, vals) }

type caseTables struct {
	files, team, events, assessments, plans, items, services, visits rowTable
}

func newCaseTables() *caseTables {
	return &caseTables{
		files: rowTable{name: "case_file", cols: []string{"id", "person_id", "unit_id", "village_code", "regency_code",
			"province_code", "cluster", "setting", "source", "risk", "stage", "assessment_review", "plan_review",
			"plan_in_force", "termination_review", "termination_reason", "cycle", "worker_id", "opened_at",
			"emergency_until", "closed_at", "assessed_at", "planned_at", "needs_rehab", "created_at", "updated_at", "version"}},
		team: rowTable{name: "case_team", cols: []string{"case_id", "user_id"}},
		events: rowTable{name: "case_event", cols: []string{"id", "case_id", "at", "actor_id", "actor_name", "action",
			"cycle", "stage_before", "stage_after", "reason", "note", "case_version"}},
		assessments: rowTable{name: "case_assessment", cols: []string{"case_id", "cycle", "domains", "risks", "needs",
			"components", "risk", "conference_on", "conference_with", "conference_notes", "needs_rehab", "conclusion",
			"updated_by", "updated_at", "version", "spm_penerima"}},
		plans: rowTable{name: "case_plan", cols: []string{"id", "case_id", "cycle", "number", "goals", "review",
			"approved_at", "updated_by", "updated_at", "version"}},
		items: rowTable{name: "case_plan_item", cols: []string{"plan_id", "line", "need", "component", "quantity",
			"unit_label", "responsible_unit", "responsible_user", "target_on", "note"}},
		services: rowTable{name: "case_service", cols: []string{"id", "case_id", "cycle", "given_on", "need", "component",
			"quantity", "cost", "provider", "note", "emergency", "recorded_by", "recorded_at"}},
		visits: rowTable{name: "case_follow_up", cols: []string{"id", "case_id", "cycle", "due_on", "done_on", "outcome",
			"note", "recorded_by", "version", "unit_id"}},
	}
}

// all are the tables in the order they are written: parents first.
func (t *caseTables) all() []*rowTable {
	return []*rowTable{&t.files, &t.team, &t.events, &t.assessments, &t.plans, &t.items, &t.services, &t.visits}
}

// orNull is t, or NULL when t is zero.
func orNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// takeID returns the next of ids.
func takeID(ids *[]int64) int64 {
	id := (*ids)[0]
	*ids = (*ids)[1:]
	return id
}

// add turns s into rows, with id as the case's id and the other ids taken
// from the batch's lists in order.
func (t *caseTables) add(s caseSpec, id int64, w, sup syntheticUser, u loadUnit, events, plans, services, visits *[]int64) {
	village := wilayah.Code(s.person.village)
	var rehab any
	if !s.assessed.IsZero() {
		rehab = true // approveAssessment carries the conclusion onto the case
	}
	last := s.events[len(s.events)-1].at
	t.files.add(id, s.person.id, u.id, s.person.village, string(village.Parent().Parent()), string(village.Province()),
		string(s.cluster), string(s.setting), string(s.source), string(s.risk), string(s.stage), string(s.assessment),
		string(s.plan), s.inForce, string(s.ending), string(s.reasonIfAsked()), 1, w.id, s.opened,
		s.opened.Add(DefaultEmergencyWindow), orNull(s.closed), orNull(s.assessed), orNull(s.planned), rehab,
		s.opened, last, len(s.events))
	t.team.add(id, w.id)
	// Each step raised the case's version by one, as act does: the case
	// stands at len(s.events).
	for k, e := range s.events {
		who := w
		if e.supervisor {
			who = sup
		}
		t.events.add(takeID(events), id, e.at, who.id, who.username, string(e.action), 1, string(e.before), string(e.after),
			string(e.reason), "", k+1)
	}
	if s.assessment == None {
		return
	}
	risks := ""
	if s.flag != "" {
		risks = string(s.flag)
	}
	var comps []Component
	for _, n := range s.needs {
		if c := componentOf[n]; !slices.Contains(comps, c) {
			comps = append(comps, c)
		}
	}
	t.assessments.add(id, 1, findingsOf[s.cluster], risks, join(s.needs), join(comps), string(s.risk), s.conference,
		"Pekerja sosial, supervisor, pendamping", "Kebutuhan dan komponen ATENSI disepakati.", true,
		"Memerlukan rehabilitasi sosial dasar.", w.id, s.assessAt, 1, string(penerimaFor(s.cluster, s.assessment == Approved, nil)))
	if s.plan == None {
		return
	}
	planID := takeID(plans)
	version := 1 // SavePlan; SubmitPlan and ApprovePlan each add one
	switch s.plan {
	case Submitted:
		version = 2
	case Approved:
		version = 3
	}
	t.plans.add(planID, id, 1, 1, "Kebutuhan dasar terpenuhi dan keberfungsian sosial pulih.", string(s.plan),
		orNull(s.approvedAt), w.id, s.planAt, version)
	target := s.planAt.Add(90 * oneDay).In(wib).Format(dayLayout)
	for k, n := range s.needs {
		// The plan sets what all the deliveries of the need add up to.
		t.items.add(planID, k+1, string(n), string(componentOf[n]), s.quantity[k]*s.deliveries, "kali", nil, w.id, target, "")
	}
	for i, at := range s.services {
		k := s.serviceOf[i]
		n, c := s.needs[k], componentOf[s.needs[k]]
		t.services.add(takeID(services), id, 1, at.In(wib).Format(dayLayout), string(n), string(c), s.quantity[k],
			int64(s.quantity[k])*unitCost[c], u.name, "", false, w.id, at)
	}
	for _, v := range s.visits {
		if v.done.IsZero() {
			t.visits.add(takeID(visits), id, 1, v.due, nil, "", "", nil, 1, u.id)
		} else {
			t.visits.add(takeID(visits), id, 1, v.due, v.done.In(wib).Format(dayLayout), string(v.outcome), "", w.id, 2, u.id)
		}
	}
}

// reasonIfAsked is the case's termination_reason: set once terminasi was
// requested.
func (s caseSpec) reasonIfAsked() Reason {
	if s.ending == None {
		return ""
	}
	return s.reason
}

package registry

// Bulk loading: many people at once (synthetic data for demonstrations and
// benchmarks today; imports of existing registers later), at the speed of
// the database's own bulk path, with the same rules as Store.Create.
//
// Design (issue 4, point 8; floors.md "Loading 1,000,000 rows"):
//
//   - Validated like Create. Every person goes through Input.validate and
//     every household through the household rules, so a bulk load cannot
//     store what the form would refuse. A NIK already in the registry (or
//     earlier in the same load) is stored with duplicate_of pointing at the
//     original, as Create does when the worker confirms: never twice silently.
//
//   - Batches of whole households, each one transaction. On PostgreSQL the
//     rows go in with COPY (pgx's CopyFrom on the connection of the
//     transaction), on SQLite with prepared multi-row INSERTs. A batch
//     holds person, its name keys (the same personKeys as the store) and
//     categories, household and household_member rows, so a batch that
//     commits is whole and one that does not leaves nothing.
//
//   - Resumable. A load has a name. Its people carry the load's start time
//     as created_at and the loading unit (or none) as unit_id, and they are written in
//     the order of the source, so what earlier runs committed is a prefix of
//     the source made of whole batches; its size is one count. A later call
//     with the same name and the same (deterministic) source skips that
//     prefix and goes on. Killed at any moment, a load loses at most the
//     batch in flight and never writes anyone twice.
//
//   - Ids come from the database while the batch's transaction is open: on
//     PostgreSQL one nextval() per row of the identity sequence in a single
//     query (sequences never hand a value out twice, whatever else runs, so
//     no lock and no setval is needed; a rolled-back batch only leaves a gap);
//     on SQLite MAX(id)+1 onwards, safe because a SQLite write transaction
//     (BEGIN IMMEDIATE) excludes every other writer until it commits.
//
//   - Audited once per run, not once per person: the first batch a run
//     commits also writes one audit record (entity person, id "load:NAME")
//     describing the load, in the same transaction.
//
//   - Indexes: kept, or rebuilt for a big load into a (nearly) empty
//     registry on PostgreSQL. COPY into person_key with its primary key in
//     place is ~15× slower than without (measured: 59,000 keys in 0.8 s
//     against 0.05 s), and the foreign-key checks add their share, so a
//     million people take ~5 minutes with the indexes kept. Dropping them
//     between committed batches would leave the registry without its
//     indexes and keys if the load died; so a rebuilding load is instead
//     ONE transaction: it locks the registry tables, drops their indexes,
//     key-table primary keys and foreign keys (definitions read from the
//     catalog), copies, marks NIK duplicates in one statement, builds
//     everything again and commits. Killed, it leaves nothing — not even a
//     missing index — and a re-run starts over; the price is that readers
//     of the registry wait for it. IndexAuto picks it from RebuildThreshold
//     people on; smaller loads, loads into a registry already in use, and
//     SQLite (fast enough with its indexes, given a larger page cache)
//     load in committed, resumable batches.

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/wilayah"
)

// BulkHousehold is one item of a bulk load: a KK and its members, or,
// without a KK, people who are on none (a homeless person, an abandoned
// child, a family never registered), each loaded without a household.
type BulkHousehold struct {
	KK      string // 16 digits, or "" for people on no KK
	Village string // the KK's desa/kelurahan; needed with a KK
	Address string
	Members []BulkMember
}

// BulkMember is one person of a BulkHousehold.
type BulkMember struct {
	Person   Input
	Relation Relation // to the head of the KK; ignored without a KK
	JoinedOn string   // YYYY-MM-DD; default: the day of the load
}

// BulkOptions configures a load.
type BulkOptions struct {
	// Name identifies the load: calling BulkLoad again with the same name
	// and the same source completes an interrupted load. Required.
	Name string
	// UnitID is the unit the people are registered by (like Create's
	// reach.UnitID): its workers see them wherever they live. Zero loads a
	// register that no unit made (a national list, synthetic people): its
	// people are in reach of the workers of their own region only.
	UnitID int64
	// Total is the number of people the source holds, if known: it goes
	// into the audit record.
	Total int
	// BatchSize is how many people a transaction holds at least (a batch
	// ends with a whole household). Zero means DefaultBatchSize.
	BatchSize int
	// Indexes says whether a load may drop the registry's indexes and
	// build them afterwards; see IndexPolicy.
	Indexes IndexPolicy
	// Progress, if set, is called once before the first batch with the
	// number of people earlier runs loaded (0 for a new load), then after
	// each committed batch with the number of people of the source now in
	// the registry.
	Progress func(done int)
}

// IndexPolicy says how a load treats the indexes of the registry tables.
type IndexPolicy int

const (
	// IndexAuto rebuilds on PostgreSQL when the load has at least
	// RebuildThreshold people (Total) and the registry holds fewer than a
	// tenth of that; else IndexKeep.
	IndexAuto IndexPolicy = iota
	// IndexKeep loads in committed, resumable batches with every index in
	// place.
	IndexKeep
	// IndexRebuild loads on PostgreSQL in one transaction that locks the
	// registry tables, drops their secondary indexes, the primary keys of
	// the key tables and the foreign keys, copies everything, then builds
	// them again. On SQLite it is IndexKeep.
	IndexRebuild
)

// RebuildThreshold is the size from which IndexAuto rebuilds: below it
// the indexed load is quick anyway and a resumable load is worth more.
const RebuildThreshold = 100_000

// DefaultBatchSize keeps a batch's transaction to a fraction of a second on
// either engine, so a SQLite server's writers wait little (busy_timeout is
// 10 s), while the cost per batch (a few queries) is spread over many rows.
const DefaultBatchSize = 20000

// BulkResult says what a load did.
type BulkResult struct {
	Loaded     int // people written by this call
	Skipped    int // people of the source already loaded by an earlier call
	Households int // households written by this call
	Duplicates int // people stored with duplicate_of: their NIK was already in the registry
	Warnings   int // people whose NIK disagrees with their sex or birth date (stored, as Create does)
}

// ErrLoadBusy is returned when another process is running a load of the
// same name.
var ErrLoadBusy = errors.New("registry: a load of this name is running in another process")

// loadInfo is the audit record of a load and what a resume needs from it.
type loadInfo struct {
	Load      string    `json:"load"`
	UnitID    int64     `json:"unit_id,omitempty"`
	Stamp     time.Time `json:"stamp"` // created_at of every person of the load
	Total     int       `json:"total,omitempty"`
	BatchSize int       `json:"batch_size"`
	Resumed   int       `json:"resumed_at,omitempty"` // people already loaded when this run started
}

const loadEntityPrefix = "load:"

// BulkLoad loads the households of src, in batches, each in one
// transaction; see the top of this file for how it is made safe and
// resumable. On an error, the batches committed before it stay (they are
// whole) and a later call with the same name resumes after them.
func (s *Store) BulkLoad(ctx context.Context, actor audit.Actor, src iter.Seq[BulkHousehold], o BulkOptions) (BulkResult, error) {
	var res BulkResult
	if strings.TrimSpace(o.Name) == "" {
		return res, errors.New("registry: bulk load needs a name")
	}
	if o.BatchSize <= 0 {
		o.BatchSize = DefaultBatchSize
	}
	var exists int
	if err := s.DB.QueryRow(ctx, "SELECT COUNT(*) FROM unit WHERE id = ?", o.UnitID).Scan(&exists); err != nil {
		return res, db.Err(err)
	}
	if exists == 0 && o.UnitID != 0 {
		return res, fmt.Errorf("registry: bulk load: unit %d does not exist", o.UnitID)
	}
	conn, err := s.DB.SQL().Conn(ctx)
	if err != nil {
		return res, err
	}
	defer conn.Close()
	l := &loader{s: s, conn: conn, dialect: s.DB.Dialect(), o: o, actor: actor, today: s.today()}
	if l.dialect == db.Postgres {
		unlock, err := l.lock(ctx)
		if err != nil {
			return res, err
		}
		defer unlock()
	}
	if err := l.resumeState(ctx); err != nil {
		return res, err
	}
	if l.area, err = unitArea(ctx, s.DB, o.UnitID); err != nil {
		return res, err
	}

	next, stop := iter.Pull(src)
	defer stop()
	// Skip what earlier runs committed: whole households, in order.
	for res.Skipped < l.done {
		h, ok := next()
		if !ok {
			return res, fmt.Errorf("registry: bulk load %q: the source ends before the %d people already loaded", o.Name, l.done)
		}
		if res.Skipped+len(h.Members) > l.done {
			return res, fmt.Errorf("registry: bulk load %q: %d people were loaded, which ends inside a household of this source: not the same source", o.Name, l.done)
		}
		res.Skipped += len(h.Members)
		if res.Skipped == l.done && h.KK != "" {
			// The last household skipped must be there: a cheap check that
			// the source is the one the load started with.
			var n int
			if err := s.DB.QueryRow(ctx, "SELECT COUNT(*) FROM household WHERE kk = ?", h.KK).Scan(&n); err != nil {
				return res, db.Err(err)
			}
			if n == 0 {
				return res, fmt.Errorf("registry: bulk load %q: KK %s of the already loaded part is not in the registry: not the same source", o.Name, h.KK)
			}
		}
	}
	if o.Progress != nil {
		o.Progress(l.done)
	}
	if l.dialect == db.Postgres && !l.started && (o.Indexes == IndexRebuild || o.Indexes == IndexAuto && o.Total >= RebuildThreshold) {
		var held int
		if err := s.DB.QueryRow(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM person LIMIT ?) t", o.Total/10+1).Scan(&held); err != nil {
			return res, db.Err(err)
		}
		l.rebuild = o.Indexes == IndexRebuild || held <= o.Total/10
	}
	restore, err := db.BigCache(ctx, l.dialect, conn)
	if err != nil {
		return res, err
	}
	defer restore()
	if l.rebuild {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return res, db.Err(err)
		}
		defer tx.Rollback() // after Commit, a no-op
		l.tx = tx
		if err := l.dropIndexes(ctx); err != nil {
			return res, err
		}
	}
	for {
		more, err := l.batch(ctx, next, &res)
		if err != nil {
			if ctx.Err() != nil {
				// Stopped: whatever failed (a statement on a connection
				// database/sql closed because of the cancellation) is its
				// consequence, and the caller must know the load can resume.
				return res, ctx.Err()
			}
			return res, err
		}
		if o.Progress != nil && l.batches > 0 {
			o.Progress(res.Skipped + res.Loaded)
		}
		if !more {
			break
		}
	}
	if l.rebuild {
		dups, err := l.finishRebuild(ctx)
		if err != nil {
			return res, err
		}
		res.Duplicates += dups
	}
	if res.Loaded >= 10000 {
		// Fresh statistics, so that searches after a big load are planned
		// for the tables as they now are (db.Analyze says why it matters).
		if err := db.Analyze(ctx, l.dialect, conn, "person", "person_key", "person_category", "household",
			"household_member"); err != nil {
			return res, err
		}
	}
	return res, nil
}

// loader is one run of BulkLoad.
type loader struct {
	s       *Store
	conn    *sql.Conn
	dialect db.Dialect
	idgen   db.IDs
	o       BulkOptions
	actor   audit.Actor
	today   time.Time

	area    []wilayah.Code // the loading unit's region and coverage (linkedUnit)
	rebuild bool           // one transaction, indexes built at the end (PostgreSQL)
	tx      *sql.Tx        // the transaction of a rebuilding load
	rebuilt []string       // statements that put back what a rebuilding load dropped, in order
	info    loadInfo       // the load's record; Stamp is zero until the first batch of a new load
	started bool           // the load has a record already (an earlier run)
	done    int            // people loaded by earlier runs
	lastID  int64          // the highest person id of the load so far
	batches int            // batches committed by this run
}

// lock takes a PostgreSQL advisory lock named after the load for the whole
// run, so two processes never run one load at once (the lock goes with the
// session if the process dies), and sets the session up for the load.
func (l *loader) lock(ctx context.Context) (func(), error) {
	h := fnv.New64a()
	h.Write([]byte("layan.bulk_load:" + l.o.Name))
	key := int64(h.Sum64())
	// A run that was just interrupted may still hold the lock for a moment:
	// its connection was closed on cancellation, and the server ends the
	// session (releasing the lock) shortly after. Try for two seconds.
	for try := 0; ; try++ {
		var ok bool
		if err := l.conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&ok); err != nil {
			return nil, db.Err(err)
		}
		if ok {
			break
		}
		if try == 20 {
			return nil, ErrLoadBusy
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	// The table grows by the whole load while this session's statements
	// stay prepared: a generic plan made when the registry was empty (a
	// sequential scan) would be kept for the NIK lookup of every batch and
	// make the load quadratic (seen: 8 s a batch at 160,000 people). Plan
	// each execution for the table as it is.
	if _, err := l.conn.ExecContext(ctx, "SET plan_cache_mode = force_custom_plan"); err != nil {
		l.conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", key)
		return nil, db.Err(err)
	}
	return func() {
		// A fresh context: the load's may be cancelled by now, and a
		// session lock or setting left behind would outlive it in the pool.
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_, err1 := l.conn.ExecContext(uctx, "RESET plan_cache_mode")
		_, err2 := l.conn.ExecContext(uctx, "SELECT pg_advisory_unlock($1)", key)
		if err1 != nil || err2 != nil {
			// Drop the connection rather than return it to the pool so.
			l.conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}, nil
}

// resumeState reads the record of an earlier run of the load, if any, and
// how many of its people are in the registry.
func (l *loader) resumeState(ctx context.Context) error {
	var after sql.NullString
	err := l.s.DB.QueryRow(ctx, `SELECT after_data FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY id LIMIT 1`,
		"person", loadEntityPrefix+l.o.Name).Scan(&after)
	if errors.Is(db.Err(err), db.ErrNotFound) {
		l.info = loadInfo{Load: l.o.Name, UnitID: l.o.UnitID, Total: l.o.Total, BatchSize: l.o.BatchSize}
		return nil
	}
	if err != nil {
		return db.Err(err)
	}
	if err := json.Unmarshal([]byte(after.String), &l.info); err != nil || l.info.Stamp.IsZero() {
		return fmt.Errorf("registry: bulk load %q: unreadable audit record of the earlier run", l.o.Name)
	}
	if l.info.UnitID != l.o.UnitID {
		return fmt.Errorf("registry: bulk load %q was started for unit %d, not %d", l.o.Name, l.info.UnitID, l.o.UnitID)
	}
	l.started = true
	l.info.Stamp = l.info.Stamp.UTC()
	err = l.s.DB.QueryRow(ctx, "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM person WHERE unit_id IS NOT DISTINCT FROM ? AND created_at = ?",
		nullInt(l.o.UnitID), l.info.Stamp).Scan(&l.done, &l.lastID)
	return db.Err(err)
}

// rebuildTables are the tables a rebuilding load strips of indexes.
// person keeps its primary key (other tables refer to it, and ids arrive in
// order); household, a quarter the size, keeps everything.
var rebuildTables = []string{"person", "person_key", "person_category", "household_member"}

// dropIndexes locks the registry tables for the load's transaction and
// drops their foreign keys, the primary keys of the key tables and every
// other index, remembering each definition as the catalog gives it
// (pg_get_constraintdef, pg_get_indexdef), so that what is built again is
// what the migrations made, whatever they come to make.
func (l *loader) dropIndexes(ctx context.Context) error {
	tx := l.tx
	if _, err := tx.ExecContext(ctx, "LOCK TABLE person, person_key, person_category, household, household_member IN ACCESS EXCLUSIVE MODE"); err != nil {
		return db.Err(err)
	}
	type def struct{ table, name, sql string }
	var constraints, indexes []def
	rows, err := tx.QueryContext(ctx, `SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
		FROM pg_constraint c
		WHERE c.conrelid = ANY($1::regclass[])
		  AND (c.contype = 'f' OR (c.contype = 'p' AND c.conrelid IN ('person_key'::regclass, 'person_category'::regclass)))
		ORDER BY c.contype = 'f' DESC, c.conname`, rebuildTables)
	if err != nil {
		return db.Err(err)
	}
	for rows.Next() {
		var d def
		if err := rows.Scan(&d.table, &d.name, &d.sql); err != nil {
			rows.Close()
			return db.Err(err)
		}
		constraints = append(constraints, d)
	}
	rows.Close()
	rows, err = tx.QueryContext(ctx, `SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
		FROM pg_index i
		WHERE i.indrelid = ANY($1::regclass[])
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
		ORDER BY 1`, rebuildTables)
	if err != nil {
		return db.Err(err)
	}
	for rows.Next() {
		var d def
		if err := rows.Scan(&d.name, &d.sql); err != nil {
			rows.Close()
			return db.Err(err)
		}
		indexes = append(indexes, d)
	}
	rows.Close()
	// Foreign keys go first (a primary key cannot go while one leans on
	// it) and come back last (validated against the rebuilt keys).
	for _, c := range constraints {
		if _, err := tx.ExecContext(ctx, "ALTER TABLE "+c.table+" DROP CONSTRAINT "+pgx.Identifier{c.name}.Sanitize()); err != nil {
			return db.Err(err)
		}
	}
	for _, ix := range indexes {
		if _, err := tx.ExecContext(ctx, "DROP INDEX "+ix.name); err != nil {
			return db.Err(err)
		}
		l.rebuilt = append(l.rebuilt, ix.sql)
	}
	for i := len(constraints) - 1; i >= 0; i-- {
		c := constraints[i]
		l.rebuilt = append(l.rebuilt, "ALTER TABLE "+c.table+" ADD CONSTRAINT "+pgx.Identifier{c.name}.Sanitize()+" "+c.sql)
	}
	return nil
}

// finishRebuild marks the load's NIK duplicates — people whose NIK an
// active original holds, in the registry before or earlier in the load, as
// Create and a batched load mark them — builds the indexes and
// constraints again and commits. It returns the number of duplicates.
func (l *loader) finishRebuild(ctx context.Context) (int, error) {
	res, err := l.tx.ExecContext(ctx, `UPDATE person p SET duplicate_of = o.first
		FROM (SELECT nik, MIN(id) AS first FROM person WHERE nik IS NOT NULL AND active AND duplicate_of IS NULL
			GROUP BY nik HAVING COUNT(*) > 1) o
		WHERE p.nik = o.nik AND p.id <> o.first AND p.unit_id IS NOT DISTINCT FROM $1 AND p.created_at = $2`, nullInt(l.o.UnitID), l.info.Stamp)
	if err != nil {
		return 0, db.Err(err)
	}
	dups, _ := res.RowsAffected()
	for _, stmt := range l.rebuilt {
		if _, err := l.tx.ExecContext(ctx, stmt); err != nil {
			return 0, fmt.Errorf("registry: bulk load: %s: %w", stmt, db.Err(err))
		}
	}
	if err := l.tx.Commit(); err != nil {
		return 0, db.Err(err)
	}
	return int(dups), nil
}

// prepared is a batch validated and turned into rows.
type prepared struct {
	people     []checked
	msgs       []int      // warnings per person
	household  []int      // index into hhs per person, or -1
	relation   []Relation // per person
	joined     []string   // per person
	hhs        []checkedHousehold
	households []BulkHousehold
}

// batch reads households from next until the batch is full and writes
// them in one transaction. It reports whether the source has more.
func (l *loader) batch(ctx context.Context, next func() (BulkHousehold, bool), res *BulkResult) (bool, error) {
	var p prepared
	more := true
	for len(p.people) < l.o.BatchSize {
		h, ok := next()
		if !ok {
			more = false
			break
		}
		if err := l.prepare(&p, h, res.Skipped+res.Loaded+len(p.people)); err != nil {
			return false, err
		}
		// A context ended while the source was read ends the load here.
		if err := ctx.Err(); err != nil {
			return false, err
		}
	}
	if len(p.people) == 0 {
		return false, nil
	}
	var n, dups int
	var err error
	if l.rebuild {
		if n, dups, err = l.write(ctx, l.tx, &p); err != nil {
			return false, err
		}
	} else {
		tx, err := l.conn.BeginTx(ctx, nil)
		if err != nil {
			return false, db.Err(err)
		}
		if n, dups, err = l.write(ctx, tx, &p); err != nil {
			tx.Rollback()
			return false, err
		}
		if err := tx.Commit(); err != nil {
			return false, db.Err(err)
		}
	}
	l.batches++
	l.started = true
	res.Loaded += n
	res.Households += len(p.hhs)
	res.Duplicates += dups
	for _, w := range p.msgs {
		res.Warnings += w
	}
	return more, nil
}

// prepare validates one household and adds it to the batch. at is the
// position of its first member in the source, for error messages.
func (l *loader) prepare(p *prepared, h BulkHousehold, at int) error {
	hi := -1
	if h.KK != "" {
		c, f := HouseholdInput{KK: h.KK, Village: h.Village, Address: h.Address}.validate(l.s.Regions)
		if err := f.Err(); err != nil {
			return fmt.Errorf("registry: bulk load: household of person %d (KK %q): %w", at+1, h.KK, fieldError(err))
		}
		hi = len(p.hhs)
		p.hhs = append(p.hhs, c)
		p.households = append(p.households, h)
	}
	for j, m := range h.Members {
		c, msgs, f := m.Person.validate(l.s.Regions, l.today)
		rel, joined := Relation(""), ""
		if hi >= 0 {
			var ok bool
			if rel, ok = ParseRelation(string(m.Relation)); !ok {
				f.Add("relation", "household.relation_unknown")
			}
			joined = l.today.Format(time.DateOnly)
			if m.JoinedOn != "" {
				joined = checkDate(&f, "joined_on", m.JoinedOn, true, l.today)
			}
		}
		if err := f.Err(); err != nil {
			return fmt.Errorf("registry: bulk load: person %d (%q): %w", at+j+1, m.Person.Name, fieldError(err))
		}
		warns := 0
		for _, msg := range msgs {
			if strings.HasPrefix(msg.Key, "nik.warn_") {
				warns = 1
			}
		}
		p.people = append(p.people, c)
		p.msgs = append(p.msgs, warns)
		p.household = append(p.household, hi)
		p.relation = append(p.relation, rel)
		p.joined = append(p.joined, joined)
	}
	return nil
}

// fieldError spells out a validation error's fields for a log or terminal.
func fieldError(err error) error {
	e := apperr.As(err)
	if e == nil || len(e.Fields) == 0 {
		return err
	}
	var parts []string
	for _, f := range e.Fields {
		parts = append(parts, fmt.Sprintf("%s: %s %v", f.Field, f.Key, f.Args))
	}
	return fmt.Errorf("%w (%s)", err, strings.Join(parts, "; "))
}

// write stores a prepared batch in tx and returns the people written and
// how many of them are NIK duplicates.
func (l *loader) write(ctx context.Context, tx *sql.Tx, p *prepared) (int, int, error) {
	q := db.ConnTx{Tx: tx, Kind: l.dialect}
	now := db.Now()
	if !l.started {
		// The first batch of a new load: stamp it, and record it. Another
		// run of the same name that got here first (SQLite has no advisory
		// lock; its write transactions run one at a time) means this one
		// must stop.
		var n int
		if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE entity = ? AND entity_id = ?",
			"person", loadEntityPrefix+l.o.Name).Scan(&n); err != nil {
			return 0, 0, db.Err(err)
		}
		if n > 0 {
			return 0, 0, ErrLoadBusy
		}
		l.info.Stamp = now
	}
	if l.batches == 0 {
		info := l.info
		info.Resumed = l.done
		if err := audit.Record(ctx, q, l.actor, audit.Entry{Action: audit.Create, Entity: "person",
			EntityID: loadEntityPrefix + l.o.Name, After: info}); err != nil {
			return 0, 0, err
		}
	}
	dupOf, dups := make([]int64, len(p.people)), 0
	if !l.rebuild { // a rebuilding load holds the tables locked, and marks duplicates at the end
		// Nobody else may have added people of this load since we counted
		// (a second process resuming the same load on SQLite).
		var others int
		if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM person WHERE id > ? AND unit_id IS NOT DISTINCT FROM ? AND created_at = ?",
			l.lastID, nullInt(l.o.UnitID), l.info.Stamp).Scan(&others); err != nil {
			return 0, 0, db.Err(err)
		}
		if others > 0 {
			return 0, 0, ErrLoadBusy
		}
		var err error
		if dupOf, dups, err = l.duplicates(ctx, q, p); err != nil {
			return 0, 0, err
		}
	}
	pids, err := l.idgen.Next(ctx, q, "person", len(p.people))
	if err != nil {
		return 0, 0, err
	}
	hids, err := l.idgen.Next(ctx, q, "household", len(p.hhs))
	if err != nil {
		return 0, 0, err
	}
	// Within the batch, a NIK's first holder is the original.
	for i := range p.people {
		if dupOf[i] < 0 {
			dupOf[i] = pids[-dupOf[i]-1]
		}
	}

	persons := table{name: "person", cols: []string{"id", "nik", "name", "aliases", "sex", "birth_date", "birth_year",
		"birth_year_estimated", "birth_place", "village_code", "regency_code", "province_code", "address", "categories",
		"disabilities", "phone", "notes", "unit_id", "linked_unit", "duplicate_of", "active", "created_at", "updated_at", "version"}}
	keys := table{name: "person_key", cols: []string{"key", "regency_code", "person_id", "linked_unit"}}
	cats := table{name: "person_category", cols: []string{"category", "regency_code", "person_id"}}
	hhs := table{name: "household", cols: []string{"id", "kk", "village_code", "address", "created_at", "updated_at", "version"}}
	members := table{name: "household_member", cols: []string{"household_id", "person_id", "relation", "joined_on"}}
	for i, c := range p.people {
		id := pids[i]
		regency := string(c.village.Parent().Parent())
		linked := nullInt(linkedUnit(l.area, l.o.UnitID, c.village))
		persons.add(id, nullString(string(c.nik)), c.name, strings.Join(c.aliases, "\n"), string(c.sex), nullString(c.birthDate),
			nullInt(int64(c.birthYear)), c.estimated, c.birthPlace, string(c.village), regency,
			string(c.village.Province()), c.address, strings.Join(c.categories, ","), strings.Join(c.disabilities, ","),
			c.phone, c.notes, nullInt(l.o.UnitID), linked, nullInt(dupOf[i]), true, l.info.Stamp, l.info.Stamp, 1)
		for _, k := range personKeys(c.name, c.aliases, c.birthYear) {
			keys.add(k, regency, id, linked)
		}
		for _, cat := range c.categories {
			cats.add(cat, regency, id)
		}
		if h := p.household[i]; h >= 0 {
			members.add(hids[h], id, string(p.relation[i]), p.joined[i])
		}
	}
	for i, h := range p.hhs {
		hhs.add(hids[i], string(h.kk), string(h.village), h.address, now, now, 1)
	}
	// In index order, the rows of the key and category indexes land on
	// neighbouring pages of their btrees instead of all over them.
	keys.sortByIndex()
	cats.sortByIndex()
	// Parents before children: household_member refers to both.
	for _, t := range []*table{&persons, &keys, &cats, &hhs, &members} {
		if err := l.insert(ctx, tx, t); err != nil {
			return 0, 0, fmt.Errorf("registry: bulk load: %s: %w", t.name, db.Err(err))
		}
	}
	if n := len(pids); n > 0 && pids[n-1] > l.lastID {
		l.lastID = pids[n-1]
	}
	return len(p.people), dups, nil
}

// duplicates finds, for each person of the batch with a NIK, the original
// record holding it: an active original in the registry (as Create's
// duplicateNIK) or an earlier person of the batch. It returns per person 0
// (none), the id of a stored original, or -(i+1) for the batch's person i.
func (l *loader) duplicates(ctx context.Context, q db.Q, p *prepared) ([]int64, int, error) {
	dupOf := make([]int64, len(p.people))
	first := map[NIK]int{}
	var niks []string
	for i, c := range p.people {
		if c.nik == "" {
			continue
		}
		if j, ok := first[c.nik]; ok {
			dupOf[i] = int64(-(j + 1))
			continue
		}
		first[c.nik] = i
		niks = append(niks, string(c.nik))
	}
	stored := map[NIK]int64{}
	scan := func(rows *sql.Rows, err error) error {
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var n string
			var id int64
			if err := rows.Scan(&n, &id); err != nil {
				return db.Err(err)
			}
			stored[NIK(n)] = id
		}
		return rows.Err()
	}
	const cond = " AND active = ? AND duplicate_of IS NULL GROUP BY nik"
	if l.dialect == db.Postgres {
		// One array parameter: one short plan, one index probe per NIK.
		if err := scan(q.Query(ctx, "SELECT nik, MIN(id) FROM person WHERE nik = ANY(?)"+cond, niks, true)); err != nil {
			return nil, 0, err
		}
	} else {
		const chunk = 1000
		for lo := 0; lo < len(niks); lo += chunk {
			part := niks[lo:min(lo+chunk, len(niks))]
			args := make([]any, 0, len(part)+1)
			for _, n := range part {
				args = append(args, n)
			}
			if err := scan(q.Query(ctx, "SELECT nik, MIN(id) FROM person WHERE nik IN ("+placeholders(len(part))+")"+cond,
				append(args, true)...)); err != nil {
				return nil, 0, err
			}
		}
	}
	dups := 0
	for i, c := range p.people {
		if c.nik == "" {
			continue
		}
		if id, ok := stored[c.nik]; ok {
			dupOf[i] = id
		}
		if dupOf[i] != 0 {
			dups++
		}
	}
	return dupOf, dups, nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// table is rows waiting to be written.
type table struct {
	name string
	cols []string
	rows [][]any
}

func (t *table) add(vals ...any) { t.rows = append(t.rows, vals) }

// sortByIndex orders rows of (text, text, id, …) by their first three: the
// primary key of person_key and person_category.
func (t *table) sortByIndex() {
	slices.SortFunc(t.rows, func(a, b []any) int {
		if c := strings.Compare(a[0].(string), b[0].(string)); c != 0 {
			return c
		}
		if c := strings.Compare(a[1].(string), b[1].(string)); c != 0 {
			return c
		}
		return cmp.Compare(a[2].(int64), b[2].(int64))
	})
}

// insert writes t: COPY on PostgreSQL, multi-row INSERTs on SQLite.
func (l *loader) insert(ctx context.Context, tx *sql.Tx, t *table) error {
	return db.BulkInsert(ctx, l.dialect, l.conn, tx, t.name, t.cols, t.rows)
}

// LoadedBy counts the people of a load (for tests and reports): those
// committed by every run of the load named name.
func LoadedBy(ctx context.Context, q db.Q, name string) (int, error) {
	var after sql.NullString
	err := db.Err(q.QueryRow(ctx, `SELECT after_data FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY id LIMIT 1`,
		"person", loadEntityPrefix+name).Scan(&after))
	if errors.Is(err, db.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var info loadInfo
	if err := json.Unmarshal([]byte(after.String), &info); err != nil {
		return 0, err
	}
	var n int
	err = q.QueryRow(ctx, "SELECT COUNT(*) FROM person WHERE unit_id IS NOT DISTINCT FROM ? AND created_at = ?",
		nullInt(info.UnitID), info.Stamp.UTC()).Scan(&n)
	return n, db.Err(err)
}

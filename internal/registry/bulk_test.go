package registry_test

import (
	"context"
	"errors"
	"iter"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/registry"
	"github.com/layan-id/layan/internal/synth"
)

var bulkActor = audit.System("uji-bulk")

// source is n synthetic people of seed, as a load reads them, and the
// same households as a slice for the checks.
func bulkSource(t *testing.T, seed uint64, n int) (iter.Seq[registry.BulkHousehold], []registry.BulkHousehold) {
	t.Helper()
	ix, err := dbtest.Regions()
	if err != nil {
		t.Fatal(err)
	}
	g, err := synth.New(ix, synth.Config{Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	var hs []registry.BulkHousehold
	for h := range g.People(n) {
		hs = append(hs, h)
	}
	return g.People(n), hs
}

func countRows(t *testing.T, q db.Q, query string, args ...any) int {
	t.Helper()
	var n int
	if err := q.QueryRow(ctx, query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// checkWhole checks the registry holds exactly the first `people` people of
// hs, in whole households, each once, with their index rows.
func checkWhole(t *testing.T, d *db.DB, hs []registry.BulkHousehold, people int) {
	t.Helper()
	var wantMembers, wantHouseholds, wantCats, n int
	for _, h := range hs {
		if n == people {
			break
		}
		if n+len(h.Members) > people {
			t.Fatalf("%d people end inside a household", people)
		}
		n += len(h.Members)
		if h.KK != "" {
			wantHouseholds++
			wantMembers += len(h.Members)
		}
		for _, m := range h.Members {
			wantCats += len(m.Person.Categories)
		}
	}
	for _, c := range []struct {
		what  string
		query string
		want  int
	}{
		{"people", "SELECT COUNT(*) FROM person", people},
		{"households", "SELECT COUNT(*) FROM household", wantHouseholds},
		{"memberships", "SELECT COUNT(*) FROM household_member", wantMembers},
		{"category rows", "SELECT COUNT(*) FROM person_category", wantCats},
		{"people with name keys", "SELECT COUNT(DISTINCT person_id) FROM person_key", people},
		{"heads per household ≠ 1", `SELECT COUNT(*) FROM household h WHERE
			(SELECT COUNT(*) FROM household_member m WHERE m.household_id = h.id AND m.relation = 'kepala_keluarga') <> 1`, 0},
		{"NIKs stored twice without duplicate_of", `SELECT COUNT(*) FROM (SELECT nik FROM person
			WHERE nik IS NOT NULL AND duplicate_of IS NULL GROUP BY nik HAVING COUNT(*) > 1) t`, 0},
		{"KKs stored twice", "SELECT COUNT(*) FROM (SELECT kk FROM household GROUP BY kk HAVING COUNT(*) > 1) t", 0},
		{"people on two current KKs", `SELECT COUNT(*) FROM (SELECT person_id FROM household_member
			WHERE left_on IS NULL GROUP BY person_id HAVING COUNT(*) > 1) t`, 0},
	} {
		if got := countRows(t, d, c.query); got != c.want {
			t.Errorf("%s: %d, want %d", c.what, got, c.want)
		}
	}
}

// policies are the two ways of loading: committed batches with the indexes
// in place, and (on PostgreSQL) one transaction that rebuilds them.
var policies = []struct {
	name string
	p    registry.IndexPolicy
}{{"batches", registry.IndexKeep}, {"rebuild", registry.IndexRebuild}}

func TestBulkLoad(t *testing.T) {
	for _, pol := range policies {
		t.Run(pol.name, func(t *testing.T) { testBulkLoad(t, pol.p) })
	}
}

func testBulkLoad(t *testing.T, policy registry.IndexPolicy) {
	forEngines(t, func(t *testing.T, w world) {
		const n = 5000
		src, hs := bulkSource(t, 1, n)
		var progress []int
		indexes := indexCount(t, w.store.DB)
		res, err := w.store.BulkLoad(ctx, bulkActor, src, registry.BulkOptions{Name: "uji", UnitID: w.salatigaID, Total: n,
			BatchSize: 1500, Indexes: policy, Progress: func(done int) { progress = append(progress, done) }})
		if err != nil {
			t.Fatal(err)
		}
		if res.Loaded != n || res.Skipped != 0 || res.Duplicates != 0 || res.Warnings != 0 {
			t.Errorf("result %+v", res)
		}
		if len(progress) < 4 || progress[0] != 0 || progress[len(progress)-1] != n || !slices.IsSorted(progress) {
			t.Errorf("progress %v", progress)
		}
		d := w.store.DB
		checkWhole(t, d, hs, n)
		if got := indexCount(t, d); got != indexes {
			t.Errorf("%d indexes and constraints after the load, %d before", got, indexes)
		}
		if got := countRows(t, d, "SELECT COUNT(*) FROM household"); got != res.Households {
			t.Errorf("result says %d households, %d stored", res.Households, got)
		}
		// One audit record for the load, none per person.
		if got := countRows(t, d, "SELECT COUNT(*) FROM audit_log"); got != 1 {
			t.Errorf("%d audit records, want 1", got)
		}
		if got := countRows(t, d, "SELECT COUNT(*) FROM audit_log WHERE entity = 'person' AND entity_id = 'load:uji'"); got != 1 {
			t.Errorf("the load's audit record is missing")
		}
		if got, err := registry.LoadedBy(ctx, d, "uji"); err != nil || got != n {
			t.Errorf("LoadedBy = %d, %v", got, err)
		}

		// Stored as entered: read some back through the store.
		r := rand.New(rand.NewPCG(9, 9))
		checked := 0
		for _, h := range hs {
			for _, m := range h.Members {
				in := m.Person
				if in.NIK == "" || r.IntN(40) != 0 {
					continue
				}
				var id int64
				if err := d.QueryRow(ctx, "SELECT id FROM person WHERE nik = ?", in.NIK).Scan(&id); err != nil {
					t.Fatalf("NIK %s: %v", in.NIK, err)
				}
				p, err := w.store.Get(ctx, worker, w.salatiga, id, false)
				if err != nil {
					t.Fatal(err)
				}
				if p.Name != in.Name || string(p.Sex) != in.Sex || p.BirthDate != in.BirthDate ||
					(in.BirthYear != 0 && p.BirthYear != in.BirthYear) || string(p.Village) != in.Village ||
					!slices.Equal(p.Categories, orEmpty(in.Categories)) || !slices.Equal(p.Disabilities, orEmpty(in.Disabilities)) ||
					p.UnitID != w.salatigaID || !p.Active || p.Version != 1 {
					t.Errorf("stored %+v\nentered %+v", p, in)
				}
				// Found by a misspelt name (and the year of birth, half the
				// time), as a worker of the loading unit searches.
				q := synth.Misspell(r, in.Name)
				if r.IntN(2) == 0 && p.BirthYear != 0 {
					q += " " + strconv.Itoa(p.BirthYear)
				}
				res, err := w.store.Search(ctx, w.salatiga, registry.Filter{Query: q, Size: 100})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.ContainsFunc(res.Items, func(x registry.Summary) bool { return x.ID == id }) {
					t.Errorf("search %q (for %q) did not find #%d among %d", q, in.Name, id, res.Total)
				}
				checked++
			}
		}
		if checked < 50 {
			t.Fatalf("only %d people checked", checked)
		}

		// Loading it again does nothing: the load is complete.
		res, err = w.store.BulkLoad(ctx, bulkActor, src, registry.BulkOptions{Name: "uji", UnitID: w.salatigaID, BatchSize: 1500})
		if err != nil || res.Loaded != 0 || res.Skipped != n {
			t.Errorf("second run: %+v, %v", res, err)
		}
		checkWhole(t, d, hs, n)
		if got := countRows(t, d, "SELECT COUNT(*) FROM audit_log"); got != 1 {
			t.Errorf("a run that loaded nothing wrote an audit record (%d)", got)
		}
	})
}

// indexCount counts the indexes and constraints of the registry tables.
func indexCount(t *testing.T, d *db.DB) int {
	t.Helper()
	if d.Dialect() == db.SQLite {
		return countRows(t, d, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index'
			AND tbl_name IN ('person', 'person_key', 'person_category', 'household', 'household_member')`)
	}
	return countRows(t, d, `SELECT (SELECT COUNT(*) FROM pg_indexes WHERE tablename IN
		('person', 'person_key', 'person_category', 'household', 'household_member'))
		+ (SELECT COUNT(*) FROM pg_constraint WHERE convalidated AND conrelid IN
		('person'::regclass, 'person_key'::regclass, 'person_category'::regclass, 'household'::regclass, 'household_member'::regclass))`)
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// TestBulkLoadKilledHalfWay: a load stopped at any point leaves whole
// batches (whole households, their keys, categories and memberships) and
// nothing of the batch in flight; running it again completes it with no one
// loaded twice.
func TestBulkLoadKilledHalfWay(t *testing.T) {
	const n, batch = 5000, 1000
	type arrangement func(src iter.Seq[registry.BulkHousehold], cancel func()) (iter.Seq[registry.BulkHousehold], func(int))
	for _, stop := range []struct {
		name string
		// arrange returns the source (which may end the context while the
		// load reads it) and a progress callback (which may end it after a
		// commit).
		arrange arrangement
		// exact: the run must stop after exactly two batches.
		exact bool
	}{
		{"between batches", func(src iter.Seq[registry.BulkHousehold], cancel func()) (iter.Seq[registry.BulkHousehold], func(int)) {
			return src, func(done int) {
				if done >= 2*batch {
					cancel()
				}
			}
		}, true},
		{"while a batch is read", func(src iter.Seq[registry.BulkHousehold], cancel func()) (iter.Seq[registry.BulkHousehold], func(int)) {
			return func(yield func(registry.BulkHousehold) bool) {
				seen := 0
				for h := range src {
					seen += len(h.Members)
					if seen > 2*batch+batch/2 {
						cancel() // half-way through the third batch
					}
					if !yield(h) {
						return
					}
				}
			}, nil
		}, true},
		// Whenever the context ends — during a COPY or an INSERT, at the
		// commit — what is stored is whole batches.
		{"at a random moment", func(src iter.Seq[registry.BulkHousehold], cancel func()) (iter.Seq[registry.BulkHousehold], func(int)) {
			time.AfterFunc(time.Duration(50+rand.IntN(400))*time.Millisecond, cancel)
			return src, nil
		}, false},
	} {
		t.Run(stop.name, func(t *testing.T) {
			forEngines(t, func(t *testing.T, w world) {
				src, hs := bulkSource(t, 2, n)
				cctx, cancel := context.WithCancel(ctx)
				defer cancel()
				s, progress := stop.arrange(src, cancel)
				reported := 0
				_, err := w.store.BulkLoad(cctx, bulkActor, s, registry.BulkOptions{Name: "uji-kill", UnitID: w.salatigaID,
					BatchSize: batch, Progress: func(done int) {
						reported = done
						if progress != nil {
							progress(done)
						}
					}})
				d := w.store.DB
				committed := countRows(t, d, "SELECT COUNT(*) FROM person")
				if stop.exact {
					if !errors.Is(err, context.Canceled) {
						t.Fatalf("err = %v, want context.Canceled", err)
					}
					if committed != reported || committed < 2*batch || committed >= 3*batch {
						t.Fatalf("%d people stored, %d reported: want two whole batches", committed, reported)
					}
				} else if err != nil && !errors.Is(err, context.Canceled) {
					t.Fatalf("err = %v", err)
				}
				checkWhole(t, d, hs, committed)
				t.Logf("stopped with %d of %d people stored", committed, n)

				// Again, to the end.
				res, err := w.store.BulkLoad(ctx, bulkActor, src, registry.BulkOptions{Name: "uji-kill", UnitID: w.salatigaID, BatchSize: batch})
				if err != nil {
					t.Fatal(err)
				}
				if res.Skipped != committed || res.Loaded != n-committed {
					t.Errorf("resumed run: %+v, want %d skipped", res, committed)
				}
				checkWhole(t, d, hs, n)

				// Another source under the same name is not taken for the
				// rest of this load.
				other, _ := bulkSource(t, 3, n+500)
				if _, err := w.store.BulkLoad(ctx, bulkActor, other, registry.BulkOptions{Name: "uji-kill", UnitID: w.salatigaID, BatchSize: batch}); err == nil {
					t.Error("a different source resumed the load")
				}
				checkWhole(t, d, hs, n)
			})
		})
	}
}

// TestBulkLoadRebuildKilled: a rebuilding load stopped at any moment leaves
// nothing, and every index and constraint as it was.
func TestBulkLoadRebuildKilled(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		if w.store.DB.Dialect() != db.Postgres {
			t.Skip("only PostgreSQL rebuilds")
		}
		const n = 5000
		src, hs := bulkSource(t, 5, n)
		d := w.store.DB
		indexes := indexCount(t, d)
		for _, after := range []time.Duration{50 * time.Millisecond, 300 * time.Millisecond, 900 * time.Millisecond} {
			cctx, cancel := context.WithTimeout(ctx, after)
			_, err := w.store.BulkLoad(cctx, bulkActor, src, registry.BulkOptions{Name: "uji-rebuild", UnitID: w.salatigaID,
				BatchSize: 1000, Indexes: registry.IndexRebuild})
			cancel()
			if err == nil {
				t.Logf("finished within %s", after)
				break
			}
			// Stopped while COMMIT was under way, the outcome is either: the
			// driver gives up on the connection, the server may have
			// committed. All or nothing, never part.
			if got := countRows(t, d, "SELECT COUNT(*) FROM person"); got == n {
				t.Logf("stopped after %s during the commit, which took effect", after)
				checkWhole(t, d, hs, n)
				if got := indexCount(t, d); got != indexes {
					t.Errorf("%d indexes and constraints, want %d", got, indexes)
				}
				return
			} else if got != 0 {
				t.Fatalf("stopped after %s: %d people stored, want none or all %d", after, got, n)
			}
			if got := indexCount(t, d); got != indexes {
				t.Fatalf("stopped after %s: %d indexes and constraints, want %d", after, got, indexes)
			}
		}
		if _, err := w.store.BulkLoad(ctx, bulkActor, src, registry.BulkOptions{Name: "uji-rebuild", UnitID: w.salatigaID,
			BatchSize: 1000, Indexes: registry.IndexRebuild}); err != nil {
			t.Fatal(err)
		}
		checkWhole(t, d, hs, n)
		if got := indexCount(t, d); got != indexes {
			t.Errorf("%d indexes and constraints, want %d", got, indexes)
		}
	})
}

// TestBulkLoadTwoRunsAtOnce: two processes running one load never write a
// person twice: PostgreSQL refuses the second at once (advisory lock); on
// SQLite the one that finds the other's rows stops.
func TestBulkLoadTwoRunsAtOnce(t *testing.T) {
	forEngines(t, func(t *testing.T, w world) {
		const n, batch = 3000, 1000
		src, hs := bulkSource(t, 4, n)
		paused, resume := make(chan struct{}), make(chan struct{})
		// Run A commits its first batch, then waits while B runs.
		slow := func(yield func(registry.BulkHousehold) bool) {
			seen, waited := 0, false
			for h := range src {
				if seen >= batch && !waited {
					waited = true
					close(paused)
					<-resume
				}
				seen += len(h.Members)
				if !yield(h) {
					return
				}
			}
		}
		errA := make(chan error, 1)
		go func() {
			_, err := w.store.BulkLoad(ctx, bulkActor, slow, registry.BulkOptions{Name: "uji-dua", UnitID: w.salatigaID, BatchSize: batch})
			errA <- err
		}()
		<-paused
		_, errB := w.store.BulkLoad(ctx, bulkActor, src, registry.BulkOptions{Name: "uji-dua", UnitID: w.salatigaID, BatchSize: batch})
		close(resume)
		err := <-errA
		switch w.store.DB.Dialect() {
		case db.Postgres:
			if !errors.Is(errB, registry.ErrLoadBusy) || err != nil {
				t.Fatalf("A: %v, B: %v; want B refused", err, errB)
			}
		default:
			if errB != nil || !errors.Is(err, registry.ErrLoadBusy) {
				t.Fatalf("A: %v, B: %v; want A stopped", err, errB)
			}
		}
		checkWhole(t, w.store.DB, hs, n)
	})
}

// TestBulkLoadRules: bulk-loaded people obey Create's rules: a bad record
// stops the load before its batch is written, a NIK already in the
// registry is stored as a duplicate of it, and a KK already there is
// refused.
func TestBulkLoadRules(t *testing.T) {
	for _, pol := range policies {
		t.Run(pol.name, func(t *testing.T) { testBulkLoadRules(t, pol.p) })
	}
}

func testBulkLoadRules(t *testing.T, policy registry.IndexPolicy) {
	forEngines(t, func(t *testing.T, w world) {
		existing := mustCreate(t, w, w.salatiga, registry.Input{NIK: "3373044506900001", Name: "Siti Aminah", Sex: "P",
			BirthDate: "1990-06-05", Village: "33.73.04.1001"})
		person := func(nik, name, sex, birth string) registry.BulkMember {
			return registry.BulkMember{Person: registry.Input{NIK: nik, Name: name, Sex: sex, BirthDate: birth,
				Village: "33.73.04.1001", Categories: []string{"fakir_miskin"}}, Relation: registry.Child, JoinedOn: "2020-01-01"}
		}
		head := person("3373041203700001", "Bambang Sutrisno", "L", "1970-03-12")
		head.Relation = registry.Head
		load := func(name string, hs ...registry.BulkHousehold) (registry.BulkResult, error) {
			return w.store.BulkLoad(ctx, bulkActor, slices.Values(hs), registry.BulkOptions{Name: name, UnitID: w.salatigaID, Indexes: policy})
		}
		d := w.store.DB

		bad := person("3373041213700001", "Joko", "L", "1970-03-12") // month 13
		_, err := load("uji-salah", registry.BulkHousehold{KK: "3373040101200001", Village: "33.73.04.1001",
			Members: []registry.BulkMember{head, bad}})
		if err == nil || fieldOf(err) != "nik" {
			t.Errorf("a NIK with month 13: %v (field %q)", err, fieldOf(err))
		}
		if got := countRows(t, d, "SELECT COUNT(*) FROM person"); got != 1 {
			t.Errorf("%d people after a refused load, want 1", got)
		}

		// The same NIK as the existing record, and twice within the load.
		twin := person("3373044506900001", "Sity Aminah", "P", "1990-06-05")
		a := person("3373045811050001", "Dewi Lestari", "P", "2005-11-18")
		b := person("3373045811050001", "Dewi Lestari", "P", "2005-11-18")
		res, err := load("uji-kembar", registry.BulkHousehold{KK: "3373040101200001", Village: "33.73.04.1001",
			Members: []registry.BulkMember{head, twin, a}}, registry.BulkHousehold{Members: []registry.BulkMember{b}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Duplicates != 2 || res.Loaded != 4 || res.Households != 1 {
			t.Errorf("result %+v, want 2 duplicates of 4", res)
		}
		if got := countRows(t, d, "SELECT COUNT(*) FROM person WHERE nik = ? AND duplicate_of = ?", "3373044506900001", existing.ID); got != 1 {
			t.Error("the twin of an existing NIK is not marked as its duplicate")
		}
		if got := countRows(t, d, `SELECT COUNT(*) FROM person p JOIN person o ON o.id = p.duplicate_of
			WHERE p.nik = ? AND o.nik = p.nik AND o.duplicate_of IS NULL`, "3373045811050001"); got != 1 {
			t.Error("the second holder of a NIK within the load is not marked as a duplicate of the first")
		}

		// A KK already in the registry.
		_, err = load("uji-kk", registry.BulkHousehold{KK: "3373040101200001", Village: "33.73.04.1001",
			Members: []registry.BulkMember{person("3373041507800001", "Agus Salim", "L", "1980-07-15")}})
		if !errors.Is(err, db.ErrDuplicate) {
			t.Errorf("a KK already stored: %v, want ErrDuplicate", err)
		}
		if got := countRows(t, d, "SELECT COUNT(*) FROM person"); got != 5 {
			t.Errorf("%d people, want 5", got)
		}
	})
}

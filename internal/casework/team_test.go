package casework_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/casework"
)

// caseRow is what an assignment may change, to check that a refused one
// changed nothing.
func caseRow(t *testing.T, w *world, id int64) string {
	t.Helper()
	var version, events, team, audits int
	var worker int64
	err := w.store.DB.QueryRow(ctx, `SELECT version, worker_id, (SELECT COUNT(*) FROM case_event WHERE case_id = ?),
		(SELECT COUNT(*) FROM case_team WHERE case_id = ?), (SELECT COUNT(*) FROM audit_log WHERE action <> 'read')
		FROM case_file WHERE id = ?`, id, id, id).Scan(&version, &worker, &events, &team, &audits)
	if err != nil {
		t.Fatal(err)
	}
	return strconv.Itoa(version) + "/" + strconv.FormatInt(worker, 10) + "/" + strconv.Itoa(events) + "/" +
		strconv.Itoa(team) + "/" + strconv.Itoa(audits)
}

// A supervisor of the case's unit sets its responsible worker and team:
// only active workers and supervisors of the unit, the responsible worker
// always on it, never an empty team. Whoever leaves it no longer sees the
// case; the timeline names who joined and left, the audit log holds the
// case before and after.
func TestAssignTeam(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		c := openCase(t, w)
		sys, all := audit.System("test"), access.Scope{All: true}
		newUser := func(name string, role access.Role, unitID int64) access.User {
			u, _, err := access.CreateUser(ctx, w.store.DB, sys, all, access.UserInput{Username: name, FullName: "Nama " + name,
				Role: role, UnitID: unitID})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return u
		}
		gone := newUser("pensiun.sal", access.Worker, c.UnitID)
		if _, err := access.SetActive(ctx, w.store.DB, sys, all, gone.ID, false, gone.Version); err != nil {
			t.Fatal(err)
		}
		admin := newUser("admin.sal", access.Admin, c.UnitID)

		// Only a supervisor of the unit; to another unit the case does
		// not exist.
		in := casework.TeamInput{WorkerID: w.colleague.ID, Team: []int64{w.colleague.ID}, Version: c.Version}
		if _, err := w.store.Assign(ctx, as(w.worker), w.worker, c.ID, in); casework.RefusalCode(err) != casework.CodeSupervisorRequired {
			t.Errorf("a worker assigned: %v", err)
		}
		if _, err := w.store.Assign(ctx, as(w.makWkr), w.makWkr, c.ID, in); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("another unit's worker assigned: %v", err)
		}

		// Bad teams are refused under their field, and store nothing.
		before := caseRow(t, w, c.ID)
		for _, tt := range []struct {
			name       string
			in         casework.TeamInput
			field, key string
		}{
			{"another unit's worker", casework.TeamInput{WorkerID: w.worker.ID, Team: []int64{w.worker.ID, w.makWkr.ID}}, "team", "case.team.outside_unit"},
			{"an account that does not exist", casework.TeamInput{WorkerID: w.worker.ID, Team: []int64{w.worker.ID, 987654}}, "team", "case.team.outside_unit"},
			{"an inactive worker responsible", casework.TeamInput{WorkerID: gone.ID, Team: []int64{w.worker.ID}}, "worker_id", "case.team.inactive"},
			{"an admin of the unit", casework.TeamInput{WorkerID: w.worker.ID, Team: []int64{w.worker.ID, admin.ID}}, "team", "case.team.role"},
			{"an empty team", casework.TeamInput{WorkerID: w.worker.ID, Team: []int64{}}, "team", "case.team.required"},
			{"no responsible worker", casework.TeamInput{Team: []int64{w.worker.ID}}, "worker_id", "field.required"},
			{"nothing changed", casework.TeamInput{WorkerID: w.worker.ID, Team: []int64{w.worker.ID}}, "team", "case.team.unchanged"},
		} {
			tt.in.Version = c.Version
			_, err := w.store.Assign(ctx, as(w.sup), w.sup, c.ID, tt.in)
			if got := fieldsOf(err); got[tt.field] != tt.key {
				t.Errorf("%s: %v, want %s on %s", tt.name, err, tt.key, tt.field)
			}
			// Another unit's account is named by its id, not its name.
			if e := apperr.As(err); tt.key == "case.team.outside_unit" && e != nil && len(e.Fields) > 0 &&
				(len(e.Fields[0].Args) != 1 || !strings.HasPrefix(e.Fields[0].Args[0].(string), "#")) {
				t.Errorf("%s: the refusal names %v", tt.name, e.Fields[0].Args)
			}
		}
		// A stale version is a conflict that says what changed.
		if _, err := w.store.Act(ctx, as(w.sup), w.sup, c.ID, c.Version, casework.Event{Action: casework.AddNote}, "Cek rumah."); err != nil {
			t.Fatal(err)
		}
		before = caseRow(t, w, c.ID)
		_, err := w.store.Assign(ctx, as(w.sup), w.sup, c.ID, in)
		if cf := casework.ConflictOf(err); casework.RefusalCode(err) != casework.CodeStaleVersion || cf == nil ||
			cf.CurrentVersion != c.Version+1 || len(cf.Changes) != 1 || cf.Changes[0].Action != "add_note" || cf.Changes[0].Note != "Cek rumah." {
			t.Errorf("stale assignment: %v %+v", err, cf)
		}
		if after := caseRow(t, w, c.ID); after != before {
			t.Errorf("refused assignments changed the case: %s → %s", before, after)
		}

		// The colleague takes the case over: the worker leaves the team.
		in.Version = c.Version + 1
		got, err := w.store.Assign(ctx, as(w.sup), w.sup, c.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if got.WorkerID != w.colleague.ID || !slices.Equal(got.Team, []int64{w.colleague.ID}) || got.Version != in.Version+1 {
			t.Fatalf("assigned: worker %d team %v version %d", got.WorkerID, got.Team, got.Version)
		}
		if _, err := w.store.Get(ctx, as(w.worker), w.worker, c.ID); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("the worker removed from the team still opens the case: %v", err)
		}
		if _, err := w.store.Act(ctx, as(w.worker), w.worker, c.ID, got.Version, casework.Event{Action: casework.AddNote}, "x"); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("the worker removed from the team still acts: %v", err)
		}
		items, _, _, err := w.store.List(ctx, w.worker, casework.ListFilter{})
		if err != nil || slices.ContainsFunc(items, func(it casework.Item) bool { return it.ID == c.ID }) {
			t.Errorf("the worker's list still holds the case: %v", err)
		}
		if _, err := w.store.Get(ctx, as(w.colleague), w.colleague, c.ID); err != nil {
			t.Errorf("the new worker cannot open the case: %v", err)
		}
		d, err := w.store.Detail(ctx, as(w.sup), w.sup, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := d.Timeline[len(d.Timeline)-1]
		for _, s := range []string{"Penanggung jawab: rekan.sal (sebelumnya pekerja.sal)", "Masuk tim: rekan.sal", "Keluar dari tim: pekerja.sal"} {
			if last.Action != "assign" || last.ActorID != w.sup.ID || !strings.Contains(last.Note, s) {
				t.Errorf("timeline entry %+v lacks %q", last, s)
			}
		}
		var before2, after2 string
		if err := w.store.DB.QueryRow(ctx, `SELECT before_data, after_data FROM audit_log WHERE entity = 'case' AND entity_id = ?
			AND action = 'update' ORDER BY id DESC LIMIT 1`, strconv.FormatInt(c.ID, 10)).Scan(&before2, &after2); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(before2, `"team":[`+strconv.FormatInt(w.worker.ID, 10)+`]`) ||
			!strings.Contains(after2, `"team":[`+strconv.FormatInt(w.colleague.ID, 10)+`]`) {
			t.Errorf("audit record: before %s after %s", before2, after2)
		}

		// Back to both, the worker responsible again (a supervisor may be
		// on a team too); a responsible worker left off the list joins it.
		got, err = w.store.Assign(ctx, as(w.sup), w.sup, c.ID, casework.TeamInput{WorkerID: w.worker.ID,
			Team: []int64{w.colleague.ID, w.sup.ID, w.colleague.ID}, Version: got.Version, Note: "Kasus kompleks."})
		if want := []int64{w.worker.ID, w.colleague.ID, w.sup.ID}; err != nil || got.WorkerID != w.worker.ID || !slices.Equal(got.Team, sorted(want)) {
			t.Fatalf("second assignment: %+v, %v", got, err)
		}
		if _, err := w.store.Get(ctx, as(w.worker), w.worker, c.ID); err != nil {
			t.Errorf("the worker back on the team cannot open the case: %v", err)
		}

		// A closed case takes no assignment.
		if _, err := w.store.Act(ctx, as(w.worker), w.worker, c.ID, got.Version, casework.Event{Action: casework.RequestTermination,
			Reason: casework.Menolak}, "Menolak layanan."); err != nil {
			t.Fatal(err)
		}
		cur, _ := w.store.Get(ctx, as(w.sup), w.sup, c.ID)
		if cur, err = w.store.Act(ctx, as(w.sup), w.sup, c.ID, cur.Version, casework.Event{Action: casework.ApproveTermination}, ""); err != nil {
			t.Fatal(err)
		}
		_, err = w.store.Assign(ctx, as(w.sup), w.sup, c.ID, casework.TeamInput{WorkerID: w.worker.ID, Team: []int64{w.worker.ID},
			Version: cur.Version})
		if casework.RefusalCode(err) != casework.CodeCaseClosed {
			t.Errorf("assignment of a closed case: %v", err)
		}
		// Assign is not an Act of its own.
		if _, err := w.store.Act(ctx, as(w.sup), w.sup, c.ID, cur.Version, casework.Event{Action: casework.Assign}, ""); apperr.KindOf(err) != apperr.BadRequest {
			t.Errorf("Act(assign): %v", err)
		}
	})
}

func sorted(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

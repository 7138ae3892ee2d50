package casework_test

import (
	"testing"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/casework"
)

// Who sees which cases: a worker their team's, a supervisor the unit's (or
// their own with Mine), nobody else any; filters by stage and openness.
func TestListScope(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		first := openCase(t, w)
		second := openCase(t, w)
		if _, err := w.store.SaveAssessment(ctx, as(w.worker), w.worker, second.ID, goodAssessment()); err != nil {
			t.Fatal(err)
		}
		ids := func(u access.User, f casework.ListFilter) ([]int64, int) {
			t.Helper()
			items, total, _, err := w.store.List(ctx, u, f)
			if err != nil {
				t.Fatalf("%s: %v", u.Username, err)
			}
			var out []int64
			for _, it := range items {
				out = append(out, it.ID)
				if it.PersonName != "Sri Lestari" {
					t.Errorf("item %+v", it)
				}
			}
			return out, total
		}
		if got, total := ids(w.worker, casework.ListFilter{}); len(got) != 2 || got[0] != second.ID || got[1] != first.ID || total != 2 {
			t.Errorf("worker: %v (total %d), want newest first", got, total)
		}
		if got, _ := ids(w.colleague, casework.ListFilter{}); len(got) != 0 {
			t.Errorf("a colleague off the team: %v", got)
		}
		if got, _ := ids(w.sup, casework.ListFilter{}); len(got) != 2 {
			t.Errorf("supervisor of the unit: %v", got)
		}
		if got, _ := ids(w.sup, casework.ListFilter{Mine: true}); len(got) != 0 {
			t.Errorf("supervisor's own: %v", got)
		}
		if got, _ := ids(w.worker, casework.ListFilter{Stage: casework.Asesmen}); len(got) != 1 || got[0] != second.ID {
			t.Errorf("stage asesmen: %v", got)
		}
		if got, _ := ids(w.sup, casework.ListFilter{Open: true}); len(got) != 2 {
			t.Errorf("open: %v", got)
		}
		// The count comes with the page; past the end it is counted alone.
		if got, total := ids(w.worker, casework.ListFilter{Size: 1, Page: 2}); len(got) != 1 || got[0] != first.ID || total != 2 {
			t.Errorf("page 2 of 1: %v (total %d)", got, total)
		}
		if got, total := ids(w.worker, casework.ListFilter{Size: 1, Page: 5}); len(got) != 0 || total != 2 {
			t.Errorf("a page past the end: %v (total %d), want none of 2", got, total)
		}
		if got, _ := ids(w.makWkr, casework.ListFilter{}); len(got) != 0 {
			t.Errorf("Makassar: %v", got)
		}
		if _, _, _, err := w.store.List(ctx, access.User{ID: 99, Role: access.Planner}, casework.ListFilter{}); apperr.KindOf(err) != apperr.Forbidden {
			t.Errorf("planner: %v", err)
		}
	})
}

// Pekerjaan saya follows a case: the assessment due (overdue after a
// week), waiting for the supervisor, returned, then the plan to write.
func TestTasks(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		c := openCase(t, w)
		kinds := func(u access.User) map[string]casework.Task {
			t.Helper()
			work, err := w.store.Work(ctx, u, w.now)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]casework.Task{}
			for _, k := range work.Tasks {
				if k.ID == c.ID {
					out[k.Kind] = k
				}
			}
			return out
		}
		k := kinds(w.worker)
		if a, ok := k[casework.TaskAssess]; !ok || a.Due != "2026-11-30" || a.Overdue {
			t.Errorf("new case: %+v", k)
		}
		w.now = w.now.Add(8 * 24 * time.Hour)
		if a := kinds(w.worker)[casework.TaskAssess]; !a.Overdue {
			t.Errorf("after 8 days: %+v, want overdue", a)
		}
		if _, err := w.store.SaveAssessment(ctx, as(w.worker), w.worker, c.ID, goodAssessment()); err != nil {
			t.Fatal(err)
		}
		c, _ = w.store.Get(ctx, as(w.worker), w.worker, c.ID)
		c = act(t, w, w.worker, c, casework.SubmitAssessment)
		if k := kinds(w.worker); len(k) != 0 {
			t.Errorf("worker after submitting: %+v", k)
		}
		if _, ok := kinds(w.sup)[casework.TaskApprove]; !ok {
			t.Errorf("supervisor: nothing to approve")
		}
		c = act(t, w, w.sup, c, casework.ReturnAssessment)
		if _, ok := kinds(w.worker)[casework.TaskRevise]; !ok {
			t.Errorf("worker: the returned assessment is not listed")
		}
		in := goodAssessment()
		in.Version = 1
		if _, err := w.store.SaveAssessment(ctx, as(w.worker), w.worker, c.ID, in); err != nil {
			t.Fatal(err)
		}
		c, _ = w.store.Get(ctx, as(w.worker), w.worker, c.ID)
		c = act(t, w, w.worker, c, casework.SubmitAssessment)
		c = act(t, w, w.sup, c, casework.ApproveAssessment)
		if _, ok := kinds(w.worker)[casework.TaskPlan]; !ok {
			t.Errorf("worker: the plan to write is not listed")
		}
		if _, err := w.store.Work(ctx, w.makWkr, w.now); err != nil {
			t.Errorf("Makassar worker: %v", err)
		}
	})
}

package demo_test

import (
	"context"
	"testing"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/demo"
	"github.com/layan-id/layan/internal/quality/sarpras"
)

// The Salatiga office has one final accessible-facility audit with a
// score, one remediation task done and one open and overdue, as its
// supervisor and worker see them; a second load adds nothing.
func TestDemoSarpras(t *testing.T) {
	ctx := context.Background()
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			d := dbtest.Open(t, engine)
			ix, err := dbtest.Regions()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := demo.Load(ctx, d, ix); err != nil {
				t.Fatal(err)
			}
			check := func() {
				t.Helper()
				sup, err := access.GetUserByName(ctx, d, "demo.supervisor")
				if err != nil {
					t.Fatal(err)
				}
				store := &sarpras.Store{DB: d}
				h, err := store.History(ctx, sup, sup.UnitID)
				if err != nil {
					t.Fatal(err)
				}
				if len(h.Audits) != 1 {
					t.Fatalf("%d demo audits, want 1", len(h.Audits))
				}
				a := h.Audits[0]
				if a.Status != sarpras.Final || a.Score == nil || *a.Score <= 0 || *a.Score >= 100 || a.Note != demo.SarprasNote {
					t.Errorf("demo audit: status %s, score %v, note %q", a.Status, a.Score, a.Note)
				}
				if a.Answered != a.Total || a.Total == 0 {
					t.Errorf("demo audit answered %d of %d", a.Answered, a.Total)
				}
				var done, overdue int
				for _, tk := range h.Tasks {
					switch {
					case tk.Status == sarpras.Done && tk.DoneAt != nil:
						done++
					case tk.Status == sarpras.Open && tk.Overdue:
						overdue++
					}
				}
				if len(h.Tasks) != 2 || done != 1 || overdue != 1 {
					t.Errorf("demo tasks: %d, %d done, %d overdue: %+v", len(h.Tasks), done, overdue, h.Tasks)
				}
				worker, err := access.GetUserByName(ctx, d, "demo.pekerja")
				if err != nil {
					t.Fatal(err)
				}
				mine, err := store.MyTasks(ctx, worker)
				if err != nil {
					t.Fatal(err)
				}
				if len(mine) != 2 {
					t.Errorf("the demo worker owns %d tasks, want 2", len(mine))
				}
			}
			check()
			if _, err := demo.Load(ctx, d, ix); err != nil {
				t.Fatal(err)
			}
			check()
		})
	}
}

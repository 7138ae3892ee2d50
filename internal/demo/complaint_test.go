package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/demo"
	"github.com/layan-id/layan/internal/quality/complaint"
)

// The Salatiga office has complaints in every state, one overdue and
// escalated to its head and one received at the counter, as its
// supervisor sees them; the worker has those assigned to them; a second
// load adds nothing and changes nothing.
func TestDemoComplaints(t *testing.T) {
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
			sup, err := access.GetUserByName(ctx, d, "demo.supervisor")
			if err != nil {
				t.Fatal(err)
			}
			worker, err := access.GetUserByName(ctx, d, "demo.pekerja")
			if err != nil {
				t.Fatal(err)
			}
			store := &complaint.Store{DB: d}
			check := func() []complaint.Complaint {
				t.Helper()
				items, total, err := store.List(ctx, sup, sup.UnitID, complaint.ListFilter{Size: 100})
				if err != nil {
					t.Fatal(err)
				}
				if total != 7 {
					t.Fatalf("%d demo complaints, want 7", total)
				}
				states := map[complaint.Status]int{}
				var overdue, escalated, counter, assignedToWorker int
				for _, c := range items {
					states[c.Status]++
					if c.Overdue(time.Now()) {
						overdue++
					}
					if c.Escalation == complaint.LevelSupervisor && c.EscalatedAt != nil {
						escalated++
					}
					if c.Channel == complaint.ChannelCounter {
						counter++
					}
					if c.AssignedTo == worker.ID {
						assignedToWorker++
					}
					if c.Status.Answered() && c.Response == "" && c.RejectReason == "" {
						t.Errorf("%s is %s without an answer", c.Code, c.Status)
					}
				}
				want := map[complaint.Status]int{complaint.Diterima: 2, complaint.Diproses: 1, complaint.Dijawab: 1,
					complaint.Selesai: 2, complaint.Ditolak: 1}
				for s, n := range want {
					if states[s] != n {
						t.Errorf("%d complaints %s, want %d (all: %v)", states[s], s, n, states)
					}
				}
				if overdue != 1 || escalated != 1 || counter != 1 || assignedToWorker != 4 {
					t.Errorf("%d overdue, %d escalated, %d from the counter, %d assigned to the worker; want 1, 1, 1, 4",
						overdue, escalated, counter, assignedToWorker)
				}
				// The head's work list holds the two nobody has been given
				// yet, one of them escalated; the worker's the one in hand.
				waiting, err := store.Waiting(ctx, sup)
				if err != nil {
					t.Fatal(err)
				}
				if len(waiting) != 2 || waiting[0].Escalation != complaint.LevelSupervisor || waiting[1].AssignedTo != 0 {
					t.Errorf("waiting for the unit's head: %+v, want the escalated one, then the new one", waiting)
				}
				if waiting, err = store.Waiting(ctx, worker); err != nil || len(waiting) != 1 || waiting[0].Status != complaint.Diproses {
					t.Errorf("waiting for the worker: %+v, %v; want the one in hand", waiting, err)
				}
				// The figures count one answered late and the rest on time.
				f, err := store.Figures(ctx, sup.UnitID, time.Now().AddDate(0, -3, 0), time.Now().Add(time.Hour))
				if err != nil {
					t.Fatal(err)
				}
				if f.Received != 7 || f.Closed != 3 || f.Open != 4 || f.Late != 2 || f.OnTime != 3 {
					t.Errorf("figures %+v, want 7 received, 3 closed, 4 open, 2 late, 3 on time", f)
				}
				return items
			}
			before := check()
			if _, err := demo.Load(ctx, d, ix); err != nil {
				t.Fatal(err)
			}
			after := check()
			for i := range before {
				if before[i].ID != after[i].ID || before[i].Version != after[i].Version || before[i].Escalation != after[i].Escalation {
					t.Errorf("a second load changed %s: %+v → %+v", before[i].Code, before[i], after[i])
				}
			}
		})
	}
}

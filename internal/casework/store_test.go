package casework_test

import (
	"context"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/casework"
	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/registry"
)

var ctx = context.Background()

type world struct {
	store                          *casework.Store
	worker, colleague, sup, makWkr access.User
	person                         int64
	now                            time.Time
}

func newWorld(t *testing.T, engine string) *world {
	t.Helper()
	d := dbtest.Open(t, engine)
	ix, err := dbtest.Regions()
	if err != nil {
		t.Fatal(err)
	}
	sal, mks := dbtest.Unit(t, d, "Dinas Sosial Kota Salatiga", "33.73"), dbtest.Unit(t, d, "Dinas Sosial Kota Makassar", "73.71")
	user := func(name string, role access.Role, unitID int64) access.User {
		u, _, err := access.CreateUser(ctx, d, audit.System("test"), access.Scope{All: true},
			access.UserInput{Username: name, FullName: name, Role: role, UnitID: unitID})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	w := &world{now: time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC)}
	w.worker, w.colleague = user("pekerja.sal", access.Worker, sal), user("rekan.sal", access.Worker, sal)
	w.sup, w.makWkr = user("supervisor.sal", access.Supervisor, sal), user("pekerja.mks", access.Worker, mks)
	people := &registry.Store{DB: d, Regions: ix, Now: func() time.Time { return w.now }}
	saved, err := people.Create(ctx, audit.System("test"), registry.ReachOf(w.worker),
		registry.Input{Name: "Sri Lestari", Sex: "P", BirthYear: 1950, Village: "33.73.04.1001"})
	if err != nil {
		t.Fatal(err)
	}
	w.person = saved.Person.ID
	w.store = &casework.Store{DB: d, People: people, Now: func() time.Time { return w.now }}
	return w
}

func forEngines(t *testing.T, f func(t *testing.T, w *world)) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e, func(t *testing.T) { f(t, newWorld(t, e)) })
	}
}

func as(u access.User) audit.Actor { return audit.Actor{UserID: u.ID, Name: u.Username} }

func TestOpenValidatesAndScopes(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		good := casework.OpenInput{PersonID: w.person, Cluster: "lansia", Setting: "keluarga", Source: "penjangkauan", Risk: "sedang"}
		for _, c := range []struct {
			name  string
			edit  func(*casework.OpenInput)
			field string
		}{
			{"unknown cluster", func(in *casework.OpenInput) { in.Cluster = "dewasa" }, "cluster"},
			{"unknown setting", func(in *casework.OpenInput) { in.Setting = "panti" }, "setting"},
			{"unknown source", func(in *casework.OpenInput) { in.Source = "" }, "source"},
			{"unknown risk", func(in *casework.OpenInput) { in.Risk = "ekstrem" }, "risk"},
			{"no person", func(in *casework.OpenInput) { in.PersonID = 0 }, "person_id"},
			{"a person who does not exist", func(in *casework.OpenInput) { in.PersonID = 999999 }, "person_id"},
		} {
			in := good
			c.edit(&in)
			_, err := w.store.Open(ctx, as(w.worker), w.worker, in)
			if e := apperr.As(err); e == nil || len(e.Fields) == 0 || e.Fields[0].Field != c.field {
				t.Errorf("%s: %v, want an error naming %s", c.name, err, c.field)
			}
		}
		// A worker of another region does not reach the person.
		if _, err := w.store.Open(ctx, as(w.makWkr), w.makWkr, good); apperr.KindOf(err) != apperr.Invalid {
			t.Errorf("Makassar opened a case for a Salatiga person: %v", err)
		}
		var n int
		if err := w.store.DB.QueryRow(ctx, "SELECT COUNT(*) FROM case_file").Scan(&n); err != nil || n != 0 {
			t.Fatalf("refused opens stored %d cases (%v)", n, err)
		}
		c, err := w.store.Open(ctx, as(w.worker), w.worker, good)
		if err != nil {
			t.Fatal(err)
		}
		if c.Stage != casework.PendekatanAwal || c.UnitID != w.worker.UnitID || len(c.Team) != 1 || c.Team[0] != w.worker.ID ||
			c.Village != "33.73.04.1001" || !c.EmergencyUntil.Equal(w.now.Add(casework.DefaultEmergencyWindow)) {
			t.Errorf("opened case %+v", c)
		}
		// The team and the unit's supervisor open it; a colleague off the
		// team and another unit's worker find nothing.
		for _, u := range []access.User{w.worker, w.sup} {
			if _, err := w.store.Get(ctx, as(u), u, c.ID); err != nil {
				t.Errorf("%s cannot open the case: %v", u.Username, err)
			}
		}
		for _, u := range []access.User{w.colleague, w.makWkr} {
			if _, err := w.store.Get(ctx, as(u), u, c.ID); apperr.KindOf(err) != apperr.NotFound {
				t.Errorf("%s opened the case: %v", u.Username, err)
			}
		}
	})
}

func TestActFollowsTheStages(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		c, err := w.store.Open(ctx, as(w.worker), w.worker, casework.OpenInput{PersonID: w.person, Cluster: "lansia",
			Setting: "keluarga", Source: "datang_sendiri", Risk: "rendah"})
		if err != nil {
			t.Fatal(err)
		}
		// step does a as u: document actions through their forms, the rest
		// through Act.
		step := func(u access.User, a casework.Action, wantCode string) {
			t.Helper()
			d, err := w.store.Detail(ctx, as(u), u, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			switch a {
			case casework.SaveAssessment:
				in := goodAssessment()
				if d.Assessment != nil {
					in.Version = d.Assessment.Version
				}
				_, err = w.store.SaveAssessment(ctx, as(u), u, c.ID, in)
			case casework.SavePlan:
				in := casework.PlanInput{Goals: "Makan cukup", Items: []casework.PlanItem{
					{Need: "permakanan", Component: "kebutuhan_hidup_layak", Quantity: 30, ResponsibleUser: w.worker.ID, TargetOn: "2026-12-31"},
					{Need: "bimbingan_keluarga", Component: "dukungan_keluarga", Quantity: 2, ResponsibleUser: w.worker.ID, TargetOn: "2026-12-31"}}}
				if d.PlanDraft != nil {
					in.Version = d.PlanDraft.Version
				}
				_, err = w.store.SavePlan(ctx, as(u), u, c.ID, in)
			case casework.RecordService:
				_, err = w.store.RecordService(ctx, as(u), u, c.ID, casework.ServiceInput{GivenOn: "2026-11-23",
					Need: "permakanan", Component: "kebutuhan_hidup_layak", Quantity: 30})
			default:
				_, err = w.store.Act(ctx, as(u), u, c.ID, c.Version, casework.Event{Action: a, Reason: casework.TujuanTercapai}, "")
			}
			if code := casework.RefusalCode(err); code != wantCode || (wantCode == "" && err != nil) {
				t.Fatalf("%s by %s: code %q (%v), want %q", a, u.Username, code, err, wantCode)
			}
			if wantCode == "" {
				next, err := w.store.Get(ctx, as(u), u, c.ID)
				if err != nil || next.Version != c.Version+1 {
					t.Fatalf("%s: version %d after %d (%v)", a, next.Version, c.Version, err)
				}
				c = next
			}
		}
		step(w.worker, casework.SavePlan, casework.CodeAssessmentRequired)
		step(w.worker, casework.RecordService, casework.CodeAssessmentRequired)
		step(w.worker, casework.SaveAssessment, "")
		step(w.worker, casework.SubmitAssessment, "")
		step(w.worker, casework.ApproveAssessment, casework.CodeSupervisorRequired)
		step(w.sup, casework.ApproveAssessment, "")
		if c.Stage != casework.RencanaIntervensi {
			t.Fatalf("after approval: %s", c.Stage)
		}
		// A supervisor does not approve what they submitted themselves.
		step(w.sup, casework.SavePlan, "")
		step(w.sup, casework.SubmitPlan, "")
		step(w.sup, casework.ApprovePlan, casework.CodeOwnSubmission)
		step(w.sup, casework.ReturnPlan, "")
		step(w.worker, casework.SavePlan, "")
		step(w.worker, casework.SubmitPlan, "")
		step(w.sup, casework.ApprovePlan, "")
		step(w.worker, casework.RecordService, "")
		if c.Stage != casework.Intervensi || !c.PlanInForce {
			t.Fatalf("after the plan: %+v", c.State)
		}
		// A stale copy is a conflict (code stale_version); the refusal and
		// the conflict change nothing.
		if _, err := w.store.Act(ctx, as(w.worker), w.worker, c.ID, c.Version-1, casework.Event{Action: casework.StartReintegration}, ""); apperr.KindOf(err) != apperr.Conflict || casework.RefusalCode(err) != casework.CodeStaleVersion {
			t.Errorf("stale action: %v", err)
		}
		if _, err := w.store.Act(ctx, as(w.colleague), w.colleague, c.ID, c.Version, casework.Event{Action: casework.AddNote}, "x"); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("a colleague off the team acted: %v", err)
		}
		step(w.worker, casework.RequestTermination, "")
		step(w.sup, casework.ApproveTermination, "")
		if c.Stage != casework.BimbinganLanjut || c.ClosedAt == nil {
			t.Fatalf("after terminasi: %+v closed %v", c.State, c.ClosedAt)
		}
		step(w.sup, casework.Reopen, "")
		if c.Stage != casework.Asesmen || c.Cycle != 2 || c.ClosedAt != nil {
			t.Errorf("reopened: %+v cycle %d closed %v", c.State, c.Cycle, c.ClosedAt)
		}
		// Every step is in the timeline and in the audit log.
		var events, audits int
		w.store.DB.QueryRow(ctx, "SELECT COUNT(*) FROM case_event WHERE case_id = ?", c.ID).Scan(&events)
		w.store.DB.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE entity = 'case' AND action <> 'read'").Scan(&audits)
		if events != 14 || audits != 14 {
			t.Errorf("%d events and %d audit records, want 14 each (open and 13 steps)", events, audits)
		}
	})
}

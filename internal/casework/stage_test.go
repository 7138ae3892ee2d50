package casework

import (
	"strings"
	"testing"
)

// The whole transition table: every action by every kind of actor in a
// state of every stage (and of each review along the way), allowed or not
// and why. A row lists, in the order of Actions, what a supervisor gets;
// a worker gets the same except for the supervisor's actions, and an
// outsider is refused everything.
func TestDecideTable(t *testing.T) {
	// Abbreviations of the outcomes.
	codes := map[string]string{"ok": "", "asm": CodeAssessmentRequired, "plan": CodePlanRequired,
		"appr": CodeApprovalRequired, "subm": CodeSubmissionRequired, "done": CodeAlreadyApproved,
		"stage": CodeWrongStage, "closed": CodeCaseClosed, "emerg": CodeEmergencyWindowPassed, "reopen": CodeCannotReopen}
	plan := State{Stage: Intervensi, Assessment: Approved, Plan: Approved, PlanInForce: true}
	with := func(s State, f func(*State)) State { f(&s); return s }
	rows := []struct {
		name  string
		state State
		// SaveA SubmitA ApproveA ReturnA | SavePlan SubmitPlan ApprovePlan ReturnPlan |
		// Service Emergency Reintegration | ReqTerm ApproveTerm ReturnTerm |
		// FollowUp CloseFollowUp Reopen | Refer Note Assign
		want string
	}{
		{"registered", State{Stage: PendekatanAwal},
			"ok asm subm subm | asm asm subm subm | asm emerg plan | plan subm subm | stage stage stage | ok ok ok ok"},
		{"registered, emergency window", State{Stage: PendekatanAwal, Emergency: true},
			"ok asm subm subm | asm asm subm subm | asm ok plan | plan subm subm | stage stage stage | ok ok ok ok"},
		{"assessment drafted", State{Stage: Asesmen, Assessment: Draft},
			"ok ok subm subm | asm asm subm subm | asm emerg plan | plan subm subm | stage stage stage | ok ok ok ok"},
		{"assessment submitted", State{Stage: Asesmen, Assessment: Submitted},
			"appr appr ok ok | asm asm subm subm | asm emerg plan | plan subm subm | stage stage stage | ok ok ok ok"},
		{"assessment returned", State{Stage: Asesmen, Assessment: Returned},
			"ok asm subm subm | asm asm subm subm | asm emerg plan | plan subm subm | stage stage stage | ok ok ok ok"},
		{"assessment approved", State{Stage: RencanaIntervensi, Assessment: Approved},
			"done done subm subm | ok plan subm subm | plan emerg plan | plan subm subm | stage stage stage | ok ok ok ok"},
		{"plan submitted", State{Stage: RencanaIntervensi, Assessment: Approved, Plan: Submitted},
			"done done subm subm | appr appr ok ok | plan emerg plan | plan subm subm | stage stage stage | ok ok ok ok"},
		{"plan approved", plan,
			"done done subm subm | ok plan subm subm | ok ok ok | ok subm subm | stage stage stage | ok ok ok ok"},
		{"new plan version submitted", with(plan, func(s *State) { s.Plan = Submitted }),
			"done done subm subm | appr appr ok ok | ok ok ok | ok subm subm | stage stage stage | ok ok ok ok"},
		{"terminasi requested", with(plan, func(s *State) { s.Termination, s.TerminationReason = Submitted, TujuanTercapai }),
			"done done subm subm | ok plan subm subm | ok ok ok | appr ok ok | stage stage stage | ok ok ok ok"},
		{"resosialisasi", with(plan, func(s *State) { s.Stage = Resosialisasi }),
			"done done subm subm | ok plan subm subm | ok ok stage | ok subm subm | stage stage stage | ok ok ok ok"},
		{"terminated, no follow-up", with(plan, func(s *State) { s.Stage, s.Termination, s.TerminationReason = Terminasi, Approved, Menolak }),
			"closed closed closed closed | closed closed closed closed | closed closed closed | closed closed closed | stage stage ok | closed ok ok closed"},
		{"bimbingan lanjut", with(plan, func(s *State) {
			s.Stage, s.Termination, s.TerminationReason = BimbinganLanjut, Approved, TujuanTercapai
		}),
			"closed closed closed closed | closed closed closed closed | closed closed closed | closed closed closed | ok ok ok | ok ok ok ok"},
		{"selesai", with(plan, func(s *State) { s.Stage, s.Termination, s.TerminationReason = Selesai, Approved, TujuanTercapai }),
			"closed closed closed closed | closed closed closed closed | closed closed closed | closed closed closed | stage stage ok | closed ok ok closed"},
		{"died", State{Stage: Terminasi, Assessment: Approved, Termination: Approved, TerminationReason: Meninggal},
			"closed closed closed closed | closed closed closed closed | closed closed closed | closed closed closed | stage stage reopen | closed ok ok closed"},
	}
	for _, r := range rows {
		want := strings.Fields(strings.ReplaceAll(r.want, "|", " "))
		if len(want) != len(Actions) {
			t.Fatalf("%s: %d outcomes for %d actions", r.name, len(want), len(Actions))
		}
		for i, a := range Actions {
			wantCode, ok := codes[want[i]]
			if !ok {
				t.Fatalf("%s: unknown outcome %q", r.name, want[i])
			}
			e := Event{Action: a, Reason: TujuanTercapai}
			for _, by := range []Actor{Outsider, Worker, Supervisor} {
				expect := wantCode
				switch {
				case by == Outsider:
					expect = CodeTeamRequired
				case by == Worker && supervisorOnly[a]:
					expect = CodeSupervisorRequired
				}
				_, refusal := Decide(r.state, e, by)
				got := ""
				if refusal != nil {
					got = refusal.Code
				}
				if got != expect {
					t.Errorf("%s: %s by %s: %q, want %q", r.name, a, actorName(by), got, expect)
				}
			}
		}
	}
}

func actorName(a Actor) string { return [...]string{"outsider", "worker", "supervisor"}[a] }

// Walking a case through every stage gives the stage the regulation's order
// says, and a refused step changes nothing.
func TestDecideWalk(t *testing.T) {
	s := State{Stage: PendekatanAwal}
	steps := []struct {
		e    Event
		by   Actor
		want Stage
	}{
		{Event{Action: SaveAssessment}, Worker, Asesmen},
		{Event{Action: SubmitAssessment}, Worker, Asesmen},
		{Event{Action: ReturnAssessment}, Supervisor, Asesmen},
		{Event{Action: SaveAssessment}, Worker, Asesmen},
		{Event{Action: SubmitAssessment}, Worker, Asesmen},
		{Event{Action: ApproveAssessment}, Supervisor, RencanaIntervensi},
		{Event{Action: SavePlan}, Worker, RencanaIntervensi},
		{Event{Action: SubmitPlan}, Worker, RencanaIntervensi},
		{Event{Action: ApprovePlan}, Supervisor, Intervensi},
		{Event{Action: RecordService}, Worker, Intervensi},
		{Event{Action: StartReintegration}, Worker, Resosialisasi},
		{Event{Action: RequestTermination, Reason: TujuanTercapai}, Worker, Resosialisasi},
		{Event{Action: ApproveTermination}, Supervisor, BimbinganLanjut},
		{Event{Action: RecordFollowUp}, Worker, BimbinganLanjut},
		{Event{Action: CloseFollowUp}, Worker, Selesai},
		{Event{Action: Reopen}, Supervisor, Asesmen},
	}
	for i, st := range steps {
		next, refusal := Decide(s, st.e, st.by)
		if refusal != nil {
			t.Fatalf("step %d %s: refused %s", i, st.e.Action, refusal.Code)
		}
		if next.Stage != st.want {
			t.Fatalf("step %d %s: stage %s, want %s", i, st.e.Action, next.Stage, st.want)
		}
		s = next
	}
	// Reopened: a new cycle that needs its own assessment and plan.
	if s != (State{Stage: Asesmen}) {
		t.Errorf("reopened state %+v", s)
	}
	if _, r := Decide(s, Event{Action: RecordService}, Worker); r == nil || r.Code != CodeAssessmentRequired {
		t.Errorf("service right after reopening: %v", r)
	}
}

func TestTerminationReasons(t *testing.T) {
	open := State{Stage: Intervensi, Assessment: Approved, Plan: Approved, PlanInForce: true}
	if _, r := Decide(open, Event{Action: RequestTermination}, Worker); r == nil || r.Code != CodeReasonRequired {
		t.Errorf("terminasi without a reason: %v", r)
	}
	if _, r := Decide(open, Event{Action: RequestTermination, Reason: "bosan"}, Worker); r == nil || r.Code != CodeReasonRequired {
		t.Errorf("terminasi with an unknown reason: %v", r)
	}
	// Before any plan, a person may still die, move, refuse or vanish, but
	// not reach the goals of a plan.
	early := State{Stage: Asesmen, Assessment: Draft}
	for _, reason := range Reasons {
		_, r := Decide(early, Event{Action: RequestTermination, Reason: reason}, Worker)
		if (reason == TujuanTercapai) != (r != nil) {
			t.Errorf("terminasi before a plan for %s: %v", reason, r)
		}
	}
	for _, reason := range Reasons {
		requested, r := Decide(open, Event{Action: RequestTermination, Reason: reason}, Worker)
		if r != nil {
			t.Fatalf("%s: %v", reason, r)
		}
		closed, r := Decide(requested, Event{Action: ApproveTermination}, Supervisor)
		if r != nil {
			t.Fatalf("approve %s: %v", reason, r)
		}
		want := Terminasi
		if reason.FollowUp() {
			want = BimbinganLanjut
		}
		if closed.Stage != want || closed.TerminationReason != reason {
			t.Errorf("%s: closed into %s (%s), want %s", reason, closed.Stage, closed.TerminationReason, want)
		}
	}
}

// Package casework holds the rules of case management (manajemen kasus) for
// ATENSI: the stages a case goes through, who may move it on, and what each
// step needs. The rules are plain functions over plain values; the store
// asks Decide before it writes anything, so the right way is the only way.
package casework

// Stage is a stage of social rehabilitation, in the order of Permensos
// 16/2019 (Standar Nasional Rehabilitasi Sosial; domain.md §4.8), plus the
// end of bimbingan lanjut.
type Stage string

const (
	PendekatanAwal    Stage = "pendekatan_awal"    // first contact, registration
	Asesmen           Stage = "asesmen"            // pengungkapan dan pemahaman masalah
	RencanaIntervensi Stage = "rencana_intervensi" // penyusunan rencana pemecahan masalah
	Intervensi        Stage = "intervensi"         // pemecahan masalah: services delivered
	Resosialisasi     Stage = "resosialisasi"      // resosialisasi / reintegrasi
	Terminasi         Stage = "terminasi"          // closed, no follow-up
	BimbinganLanjut   Stage = "bimbingan_lanjut"   // closed, follow-up visits under way
	Selesai           Stage = "selesai"            // follow-up done
)

// Stages in their order.
var Stages = []Stage{PendekatanAwal, Asesmen, RencanaIntervensi, Intervensi, Resosialisasi, Terminasi, BimbinganLanjut, Selesai}

// Valid reports whether s is a known stage.
func (s Stage) Valid() bool { return oneOf(s, Stages) }

// Open reports whether services, plans and referrals may still happen.
func (s Stage) Open() bool {
	return s == PendekatanAwal || s == Asesmen || s == RencanaIntervensi || s == Intervensi || s == Resosialisasi
}

// Review is where a document that needs a supervisor's approval stands: an
// assessment, a plan, a request for terminasi.
type Review string

const (
	None      Review = ""
	Draft     Review = "draf"
	Submitted Review = "diajukan"
	Approved  Review = "disetujui"
	Returned  Review = "dikembalikan"
)

// State is what the rules need to know of a case.
type State struct {
	Stage      Stage  `json:"stage"`
	Assessment Review `json:"assessment"` // the assessment of the current cycle
	Plan       Review `json:"plan"`       // the newest version of the plan
	// PlanInForce is true once a version of the plan was approved: a newer
	// draft does not suspend the approved one.
	PlanInForce bool   `json:"plan_in_force"`
	Termination Review `json:"termination"`
	// TerminationReason is the reason of the request under review or
	// approved.
	TerminationReason Reason `json:"termination_reason"`
	// Emergency is true while the emergency window runs: basic needs may be
	// given before the assessment (DefaultEmergencyWindow).
	Emergency bool `json:"-"`
}

// Actor is how the one acting stands to the case.
type Actor int

const (
	Outsider   Actor = iota // neither on the case's team nor supervising its unit
	Worker                  // a pekerja sosial of the case's team
	Supervisor              // a supervisor or head of the case's unit
)

// Action is something done to a case.
type Action string

const (
	SaveAssessment     Action = "save_assessment"
	SubmitAssessment   Action = "submit_assessment"
	ApproveAssessment  Action = "approve_assessment"
	ReturnAssessment   Action = "return_assessment"
	SavePlan           Action = "save_plan"
	SubmitPlan         Action = "submit_plan"
	ApprovePlan        Action = "approve_plan"
	ReturnPlan         Action = "return_plan"
	RecordService      Action = "record_service"
	RecordEmergency    Action = "record_emergency_service"
	StartReintegration Action = "start_reintegration"
	RequestTermination Action = "request_termination"
	ApproveTermination Action = "approve_termination"
	ReturnTermination  Action = "return_termination"
	RecordFollowUp     Action = "record_follow_up"
	CloseFollowUp      Action = "close_follow_up"
	Reopen             Action = "reopen"
	Refer              Action = "refer"
	AddNote            Action = "add_note"
	Attach             Action = "attach" // a file (a scanned consent form, a photo) added to the case
	Assign             Action = "assign"
)

// Actions lists every action, for tests and documentation.
var Actions = []Action{SaveAssessment, SubmitAssessment, ApproveAssessment, ReturnAssessment, SavePlan, SubmitPlan,
	ApprovePlan, ReturnPlan, RecordService, RecordEmergency, StartReintegration, RequestTermination, ApproveTermination,
	ReturnTermination, RecordFollowUp, CloseFollowUp, Reopen, Refer, AddNote, Attach, Assign}

// Refusal codes: machine-readable names of what is missing, which the API
// sends as the problem's "code" (issue 5, point 11).
const (
	CodeTeamRequired          = "team_required"       // the actor is not on the case
	CodeSupervisorRequired    = "supervisor_required" // only a supervisor of the unit may
	CodeAssessmentRequired    = "assessment_required" // no approved assessment yet
	CodePlanRequired          = "plan_required"       // no approved plan yet
	CodeApprovalRequired      = "approval_required"   // submitted, awaiting a supervisor
	CodeSubmissionRequired    = "submission_required" // nothing submitted to approve or return
	CodeAlreadyApproved       = "already_approved"
	CodeWrongStage            = "wrong_stage"
	CodeCaseClosed            = "case_closed"
	CodeReasonRequired        = "reason_required"
	CodeEmergencyWindowPassed = "emergency_window_passed"
	CodeCannotReopen          = "cannot_reopen"
)

// Refusal says why an action may not happen now.
type Refusal struct {
	Code string
}

func (r *Refusal) Error() string { return "casework: refused: " + r.Code }

func refuse(code string) (State, *Refusal) { return State{}, &Refusal{Code: code} }

// Event is an action with what it carries that the rules look at.
type Event struct {
	Action Action
	Reason Reason // RequestTermination
}

// anyStage are the actions a closed case still takes; every other one needs
// an open case.
var anyStage = map[Action]bool{AddNote: true, Attach: true, RecordFollowUp: true, CloseFollowUp: true, Reopen: true, Refer: true, Assign: true}

// supervisorOnly are the actions of the second pair of eyes.
var supervisorOnly = map[Action]bool{ApproveAssessment: true, ReturnAssessment: true, ApprovePlan: true,
	ReturnPlan: true, ApproveTermination: true, ReturnTermination: true, Reopen: true, Assign: true}

// Decide returns the state after e, or why e is refused. It is the whole of
// the stage rules; the store writes nothing it refuses. A supervisor may do
// everything a worker may (a small unit's head often works cases too); that
// nobody approves their own submission is the store's check, since it needs
// to know who submitted.
func Decide(s State, e Event, by Actor) (State, *Refusal) {
	if by == Outsider {
		return refuse(CodeTeamRequired)
	}
	if supervisorOnly[e.Action] && by != Supervisor {
		return refuse(CodeSupervisorRequired)
	}
	if !anyStage[e.Action] && !s.Stage.Open() {
		return refuse(CodeCaseClosed)
	}
	next := s
	switch e.Action {
	case AddNote, Attach:
		return next, nil

	case SaveAssessment:
		switch s.Assessment {
		case Submitted:
			return refuse(CodeApprovalRequired)
		case Approved:
			return refuse(CodeAlreadyApproved)
		}
		next.Assessment = Draft
		if s.Stage == PendekatanAwal {
			next.Stage = Asesmen
		}
		return next, nil
	case SubmitAssessment:
		if ok, r := submit(&next.Assessment); r != nil {
			return State{}, r
		} else if ok {
			return next, nil
		}
		if s.Assessment == Approved {
			return refuse(CodeAlreadyApproved)
		}
		return refuse(CodeAssessmentRequired) // nothing written, or returned and not yet revised
	case ApproveAssessment, ReturnAssessment:
		if r := review(&next.Assessment, e.Action == ApproveAssessment); r != nil {
			return State{}, r
		}
		if next.Assessment == Approved {
			next.Stage = RencanaIntervensi
		}
		return next, nil

	case SavePlan:
		if s.Assessment != Approved {
			return refuse(CodeAssessmentRequired)
		}
		if s.Plan == Submitted {
			return refuse(CodeApprovalRequired)
		}
		// A new version may be drafted while an approved one is in force.
		next.Plan = Draft
		return next, nil
	case SubmitPlan:
		if ok, r := submit(&next.Plan); r != nil {
			return State{}, r
		} else if ok {
			return next, nil
		}
		if s.Assessment != Approved {
			return refuse(CodeAssessmentRequired)
		}
		return refuse(CodePlanRequired)
	case ApprovePlan, ReturnPlan:
		if r := review(&next.Plan, e.Action == ApprovePlan); r != nil {
			return State{}, r
		}
		if next.Plan == Approved {
			next.PlanInForce = true
			if s.Stage == RencanaIntervensi {
				next.Stage = Intervensi
			}
		}
		return next, nil

	case RecordService:
		if !s.PlanInForce {
			if s.Assessment != Approved {
				return refuse(CodeAssessmentRequired)
			}
			return refuse(CodePlanRequired)
		}
		return next, nil
	case RecordEmergency:
		if s.PlanInForce {
			return next, nil // as an ordinary service of the plan
		}
		if !s.Emergency {
			return refuse(CodeEmergencyWindowPassed)
		}
		return next, nil
	case StartReintegration:
		if s.Stage != Intervensi {
			if !s.PlanInForce {
				return refuse(CodePlanRequired)
			}
			return refuse(CodeWrongStage)
		}
		next.Stage = Resosialisasi
		return next, nil

	case RequestTermination:
		if s.Termination == Submitted {
			return refuse(CodeApprovalRequired)
		}
		if !e.Reason.Valid() {
			return refuse(CodeReasonRequired)
		}
		// A goal is reached only by the services of a plan.
		if e.Reason == TujuanTercapai && !s.PlanInForce {
			return refuse(CodePlanRequired)
		}
		next.Termination, next.TerminationReason = Submitted, e.Reason
		return next, nil
	case ApproveTermination, ReturnTermination:
		if r := review(&next.Termination, e.Action == ApproveTermination); r != nil {
			return State{}, r
		}
		if next.Termination == Approved {
			next.Stage = Terminasi
			if s.TerminationReason.FollowUp() {
				next.Stage = BimbinganLanjut
			}
		}
		return next, nil

	case RecordFollowUp, CloseFollowUp:
		if s.Stage != BimbinganLanjut {
			return refuse(CodeWrongStage)
		}
		if e.Action == CloseFollowUp {
			next.Stage = Selesai
		}
		return next, nil
	case Reopen:
		if s.Stage.Open() {
			return refuse(CodeWrongStage)
		}
		if s.TerminationReason == Meninggal {
			return refuse(CodeCannotReopen)
		}
		// A new cycle from the assessment: what the person needs now may
		// differ. The earlier cycle stays in the case's history.
		return State{Stage: Asesmen}, nil

	case Refer:
		if !s.Stage.Open() && s.Stage != BimbinganLanjut {
			return refuse(CodeCaseClosed)
		}
		return next, nil
	case Assign:
		if !s.Stage.Open() && s.Stage != BimbinganLanjut {
			return refuse(CodeCaseClosed)
		}
		return next, nil
	}
	return refuse(CodeWrongStage)
}

// submit sends a draft for approval. It reports whether it did, or the
// refusal when the document is already waiting; otherwise the caller says
// what is missing.
func submit(r *Review) (bool, *Refusal) {
	switch *r {
	case Draft:
		*r = Submitted
		return true, nil
	case Submitted:
		return false, &Refusal{Code: CodeApprovalRequired}
	}
	return false, nil
}

// review is a supervisor's answer to a submitted document: approved, or
// returned for revision.
func review(r *Review, approve bool) *Refusal {
	if *r != Submitted {
		return &Refusal{Code: CodeSubmissionRequired}
	}
	*r = Returned
	if approve {
		*r = Approved
	}
	return nil
}

package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/layan-id/layan/api"
	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/casework"
	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/i18n"
)

// The case management API, end to end on both engines: a case from first
// contact to needs met, the refusals of the stage rules with their codes,
// bad input, and who may see what. Every call is checked against
// api/openapi.yaml by h.api.

// openCaseBody is the JSON of a new case for person.
func openCaseBody(person int64) map[string]any {
	return map[string]any{"person_id": person, "cluster": "lansia", "setting": "keluarga", "source": "penjangkauan",
		"risk": "sedang", "note": "Kontak pertama di rumah."}
}

// assessmentBody is a complete assessment (one that may be submitted),
// written on version.
func assessmentBody(version int) map[string]any {
	return map[string]any{
		"domains": map[string]string{"fisik_kesehatan": "Hipertensi, kontrol ke puskesmas tidak teratur.",
			"sosial_keluarga": "Tinggal sendiri; anak merantau ke Jakarta."},
		"risks": []string{"penelantaran"}, "needs": []string{"permakanan", "perbekalan_kesehatan"},
		"components": []string{"kebutuhan_hidup_layak", "perawatan_sosial"}, "risk": "sedang",
		"conference_on": wibToday(), "conference_with": "Pekerja sosial, supervisor, bidan desa",
		"conference_notes": "Disepakati permakanan dan perbekalan kesehatan.", "needs_rehab": true,
		"conclusion": "Memerlukan rehabilitasi sosial dasar.", "version": version,
	}
}

// planBody is a complete plan for assessmentBody's needs, the worker
// responsible, written on version.
func planBody(worker int64, version int) map[string]any {
	return map[string]any{
		"goals": "Kebutuhan makan dan kesehatan terpenuhi selama tiga bulan.",
		"items": []map[string]any{
			{"need": "permakanan", "component": "kebutuhan_hidup_layak", "quantity": 2, "unit_label": "paket",
				"responsible_user": worker, "target_on": wibToday()},
			{"need": "perbekalan_kesehatan", "component": "perawatan_sosial", "quantity": 1, "unit_label": "paket",
				"responsible_user": worker, "target_on": wibToday(), "note": "Tensimeter dan obat."},
		},
		"version": version,
	}
}

// caseWorld is a harness with a person registered by the demo worker.
type caseWorld struct {
	h      *harness
	worker access.User
	n      int
}

func newCaseWorld(t *testing.T, h *harness) *caseWorld {
	t.Helper()
	u, err := access.GetUserByName(context.Background(), h.db, h.accounts[access.Worker].Username)
	if err != nil {
		t.Fatal(err)
	}
	return &caseWorld{h: h, worker: u}
}

// person registers a new person in Kota Salatiga through the API.
func (w *caseWorld) person(t *testing.T) int64 {
	t.Helper()
	w.n++
	return createPerson(t, w.h, access.Worker, map[string]any{"name": fmt.Sprintf("Mbah Sastro Uji %d", w.n), "sex": "L",
		"birth_year": 1948, "village": "33.73.04.1001", "categories": []string{"lanjut_usia_telantar"}}).Person.ID
}

// open opens a case for a new person as the worker.
func (w *caseWorld) open(t *testing.T) casework.Case {
	t.Helper()
	r := w.h.api(t, access.Worker, "POST", "/api/v1/cases", openCaseBody(w.person(t)))
	if r.Status != http.StatusCreated {
		t.Fatalf("open: status %d\n%s", r.Status, r.Body)
	}
	var c casework.Case
	r.decode(t, &c)
	if want := "/api/v1/cases/" + strconv.FormatInt(c.ID, 10); r.Header.Get("Location") != want {
		t.Errorf("Location %q, want %q", r.Header.Get("Location"), want)
	}
	return c
}

// detail reads a case as role, expecting it.
func (w *caseWorld) detail(t *testing.T, role access.Role, id int64) casework.Detail {
	t.Helper()
	r := w.h.api(t, role, "GET", casePath(id, ""), nil)
	if r.Status != http.StatusOK {
		t.Fatalf("case %d as %s: status %d\n%s", id, role, r.Status, r.Body)
	}
	var d casework.Detail
	r.decode(t, &d)
	return d
}

// act takes a step as role on the case's current version, expecting it.
func (w *caseWorld) act(t *testing.T, role access.Role, id int64, action string) casework.Case {
	t.Helper()
	r := w.h.api(t, role, "POST", casePath(id, "/actions"),
		map[string]any{"action": action, "version": w.detail(t, role, id).Version})
	if r.Status != http.StatusOK {
		t.Fatalf("%s as %s: status %d\n%s", action, role, r.Status, r.Body)
	}
	var c casework.Case
	r.decode(t, &c)
	return c
}

func casePath(id int64, rest string) string {
	return "/api/v1/cases/" + strconv.FormatInt(id, 10) + rest
}

// expectRefusal checks a refused step: status, code and the sentence of
// the code in the language asked.
func expectRefusal(t *testing.T, h *harness, r apiResponse, status int, code string, lang i18n.Lang) {
	t.Helper()
	p := expectProblem(t, r, status, "")
	if p.Code != code {
		t.Errorf("code %q, want %q (%s)", p.Code, code, r.Body)
	}
	key := "case.refused." + code
	if code == "" || code == casework.CodeStaleVersion {
		key = "error.stale_version"
	}
	if want := h.cat.T(lang, key); p.Detail != want {
		t.Errorf("detail %q, want %q", p.Detail, want)
	}
}

// A worker takes a case from first contact to needs met, with a
// supervisor's approvals; every step the rules refuse on the way answers
// with its code.
func TestCaseAPIFlow(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		w := newCaseWorld(t, h)
		c := w.open(t)
		if c.Stage != casework.PendekatanAwal || c.Version != 1 || !slices.Equal(c.Team, []int64{w.worker.ID}) ||
			c.UnitID != w.worker.UnitID || c.Cluster != casework.ClusterLansia {
			t.Fatalf("opened case %+v", c)
		}

		// The fresh case's assessment is due in seven days (WIB).
		var work struct {
			Tasks []casework.Task `json:"tasks"`
		}
		r := h.api(t, access.Worker, "GET", "/api/v1/work", nil)
		r.decode(t, &work)
		i := slices.IndexFunc(work.Tasks, func(k casework.Task) bool { return k.ID == c.ID })
		wantDue := c.OpenedAt.In(time.FixedZone("WIB", 7*3600)).AddDate(0, 0, casework.DefaultAssessmentDays).Format(time.DateOnly)
		if r.Status != http.StatusOK || i < 0 || work.Tasks[i].Kind != casework.TaskAssess || work.Tasks[i].Due != wantDue ||
			work.Tasks[i].Overdue {
			t.Fatalf("work: %d, task %d of %+v (due %s)", r.Status, i, work.Tasks, wantDue)
		}

		// The assessment, a draft: the case moves to asesmen.
		r = h.api(t, access.Worker, "PUT", casePath(c.ID, "/assessment"), assessmentBody(0))
		var a casework.Assessment
		r.decode(t, &a)
		if r.Status != http.StatusOK || a.Review != casework.Draft || a.Version != 1 || len(a.Needs) != 2 ||
			a.NeedsRehab == nil || !*a.NeedsRehab {
			t.Fatalf("assessment: %d %+v", r.Status, a)
		}
		if d := w.detail(t, access.Worker, c.ID); d.Stage != casework.Asesmen || d.Assessment == nil || d.Assessment.Review != casework.Draft {
			t.Fatalf("after the assessment: %+v", d.Case)
		}

		// No plan before the assessment is approved, in either language.
		worker := w.worker.ID
		expectRefusal(t, h, h.api(t, access.Worker, "PUT", casePath(c.ID, "/plan"), planBody(worker, 0)),
			http.StatusConflict, casework.CodeAssessmentRequired, i18n.ID)
		expectRefusal(t, h, apiLang(t, h, access.Worker, "en", "PUT", casePath(c.ID, "/plan"), planBody(worker, 0)),
			http.StatusConflict, casework.CodeAssessmentRequired, i18n.EN)
		if id, en := h.cat.T(i18n.ID, "case.refused.assessment_required"), h.cat.T(i18n.EN, "case.refused.assessment_required"); id == en || !strings.Contains(id, "Asesmen") {
			t.Errorf("refusal sentences: %q / %q", id, en)
		}

		// Submitted; the worker may not approve it, the supervisor does.
		if c = w.act(t, access.Worker, c.ID, "submit_assessment"); c.Assessment != casework.Submitted {
			t.Fatalf("submitted: %+v", c)
		}
		r = h.api(t, access.Supervisor, "GET", "/api/v1/work", nil)
		r.decode(t, &work)
		if !slices.ContainsFunc(work.Tasks, func(k casework.Task) bool { return k.ID == c.ID && k.Kind == casework.TaskApprove }) {
			t.Errorf("the supervisor's work lacks the approval: %+v", work.Tasks)
		}
		var waiting struct {
			Items []casework.Item `json:"items"`
		}
		h.api(t, access.Supervisor, "GET", "/api/v1/cases?waiting=true&size=100", nil).decode(t, &waiting)
		if !slices.ContainsFunc(waiting.Items, func(it casework.Item) bool { return it.ID == c.ID }) {
			t.Errorf("the list of cases waiting for approval lacks it: %+v", waiting.Items)
		}
		expectRefusal(t, h, h.api(t, access.Worker, "POST", casePath(c.ID, "/actions"),
			map[string]any{"action": "approve_assessment", "version": c.Version}), http.StatusForbidden, casework.CodeSupervisorRequired, i18n.ID)
		expectRefusal(t, h, apiLang(t, h, access.Worker, "en-US", "POST", casePath(c.ID, "/actions"),
			map[string]any{"action": "approve_assessment", "version": c.Version}), http.StatusForbidden, casework.CodeSupervisorRequired, i18n.EN)
		if c = w.act(t, access.Supervisor, c.ID, "approve_assessment"); c.Stage != casework.RencanaIntervensi ||
			c.Assessment != casework.Approved || c.NeedsRehab == nil || !*c.NeedsRehab || c.AssessedAt == nil {
			t.Fatalf("approved: %+v", c)
		}

		// The plan: saved, submitted, approved; the case is in intervensi.
		r = h.api(t, access.Worker, "PUT", casePath(c.ID, "/plan"), planBody(worker, 0))
		var p casework.Plan
		r.decode(t, &p)
		if r.Status != http.StatusOK || p.Review != casework.Draft || p.Number != 1 || len(p.Items) != 2 || p.Items[0].ResponsibleUser != worker {
			t.Fatalf("plan: %d %+v", r.Status, p)
		}
		w.act(t, access.Worker, c.ID, "submit_plan")
		if c = w.act(t, access.Supervisor, c.ID, "approve_plan"); c.Stage != casework.Intervensi || !c.PlanInForce || c.PlannedAt == nil {
			t.Fatalf("plan approved: %+v", c)
		}

		// The services the plan sets: every need met.
		for _, it := range []struct {
			need, component string
			qty             int
		}{{"permakanan", "kebutuhan_hidup_layak", 2}, {"perbekalan_kesehatan", "perawatan_sosial", 1}} {
			r = h.api(t, access.Worker, "POST", casePath(c.ID, "/services"), map[string]any{"given_on": wibToday(),
				"need": it.need, "component": it.component, "quantity": it.qty, "cost": 150000, "provider": "Dinas Sosial Kota Salatiga"})
			var v casework.Service
			r.decode(t, &v)
			if r.Status != http.StatusCreated || v.ID == 0 || v.Emergency || v.Quantity != it.qty || v.RecordedBy != worker {
				t.Fatalf("service %s: %d %+v", it.need, r.Status, v)
			}
		}
		d := w.detail(t, access.Supervisor, c.ID)
		if !d.NeedsMet || len(d.Needs) != 2 || !d.Needs[0].Met || !d.Needs[1].Met || d.PlanInForce == nil || d.PlanDraft != nil ||
			len(d.Services) != 2 || d.Assessment == nil || d.Assessment.Review != casework.Approved {
			t.Fatalf("detail: needs met %v %+v, plan in force %v, draft %v", d.NeedsMet, d.Needs, d.PlanInForce, d.PlanDraft)
		}
		var actions []string
		for _, e := range d.Timeline {
			actions = append(actions, e.Action)
		}
		if want := []string{"open", "save_assessment", "submit_assessment", "approve_assessment", "save_plan", "submit_plan",
			"approve_plan", "record_service", "record_service"}; !slices.Equal(actions, want) {
			t.Errorf("timeline %v, want %v", actions, want)
		}

		// A stale version is a conflict with the code stale_version (what
		// changed since: cases_team_test.go).
		expectRefusal(t, h, h.api(t, access.Worker, "POST", casePath(c.ID, "/actions"),
			map[string]any{"action": "add_note", "version": d.Version - 1, "note": "terlambat"}), http.StatusConflict,
			casework.CodeStaleVersion, i18n.ID)
		expectRefusal(t, h, h.api(t, access.Worker, "PUT", casePath(c.ID, "/plan"), planBody(worker, 7)),
			http.StatusConflict, casework.CodeStaleVersion, i18n.ID)
		r = h.api(t, access.Worker, "POST", casePath(c.ID, "/actions"),
			map[string]any{"action": "add_note", "version": d.Version, "note": "Kunjungan rumah."})
		if r.Status != http.StatusOK {
			t.Errorf("note: %d %s", r.Status, r.Body)
		}

		// Lists: the worker's own cases, by stage and open.
		for _, tt := range []struct {
			query string
			in    bool
		}{{"", true}, {"?open=true", true}, {"?stage=intervensi&size=100", true}, {"?stage=asesmen&size=100", false},
			{"?mine=true&page=1&size=5", true}, {"?waiting=true", false}} {
			var l struct {
				Items []casework.Item `json:"items"`
				Total int             `json:"total"`
				Page  int             `json:"page"`
				Size  int             `json:"size"`
			}
			r := h.api(t, access.Worker, "GET", "/api/v1/cases"+tt.query, nil)
			r.decode(t, &l)
			has := slices.ContainsFunc(l.Items, func(it casework.Item) bool { return it.ID == c.ID })
			if r.Status != http.StatusOK || has != tt.in || l.Total < len(l.Items) || l.Page != 1 {
				t.Errorf("list%s: %d, holds the case %v, total %d", tt.query, r.Status, has, l.Total)
			}
		}
	})
}

// Every step out of order is refused with the code of what is missing,
// and changes nothing.
func TestCaseAPIRefusals(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		w := newCaseWorld(t, h)
		type step struct {
			role   access.Role
			action string
			reason string
		}
		for _, tt := range []struct {
			name   string
			bare   bool   // no assessment saved first
			before []step // taken first, expecting success
			role   access.Role
			path   string // "" for /actions
			body   map[string]any
			status int
			code   string
		}{
			{"submit nothing", true, nil, access.Worker, "", map[string]any{"action": "submit_assessment"}, 409, casework.CodeAssessmentRequired},
			{"plan before assessment", false, nil, access.Worker, "", map[string]any{"action": "submit_plan"}, 409, casework.CodeAssessmentRequired},
			{"reintegration without plan", false, nil, access.Worker, "", map[string]any{"action": "start_reintegration"}, 409, casework.CodePlanRequired},
			{"approve nothing", false, nil, access.Supervisor, "", map[string]any{"action": "approve_assessment"}, 409, casework.CodeSubmissionRequired},
			{"return nothing", false, nil, access.Supervisor, "", map[string]any{"action": "return_plan"}, 409, casework.CodeSubmissionRequired},
			{"terminate without reason", false, nil, access.Worker, "", map[string]any{"action": "request_termination"}, 409, casework.CodeReasonRequired},
			{"goals without plan", false, nil, access.Worker, "", map[string]any{"action": "request_termination", "reason": "tujuan_tercapai"}, 409, casework.CodePlanRequired},
			{"reopen open case", false, nil, access.Supervisor, "", map[string]any{"action": "reopen"}, 409, casework.CodeWrongStage},
			{"worker reopens", false, nil, access.Worker, "", map[string]any{"action": "reopen"}, 403, casework.CodeSupervisorRequired},
			{"follow-up not started", false, nil, access.Worker, "", map[string]any{"action": "close_follow_up"}, 409, casework.CodeWrongStage},
			{"submit twice", false, []step{{access.Worker, "submit_assessment", ""}}, access.Worker, "", map[string]any{"action": "submit_assessment"}, 409, casework.CodeApprovalRequired},
			{"edit submitted", false, []step{{access.Worker, "submit_assessment", ""}}, access.Worker, "/assessment", assessmentBody(1), 409, casework.CodeApprovalRequired},
			{"own submission", false, []step{{access.Supervisor, "submit_assessment", ""}}, access.Supervisor, "", map[string]any{"action": "approve_assessment"}, 409, casework.CodeOwnSubmission},
			{"edit approved", false, []step{{access.Worker, "submit_assessment", ""}, {access.Supervisor, "approve_assessment", ""}}, access.Worker, "/assessment", assessmentBody(1), 409, casework.CodeAlreadyApproved},
			{"service without plan", false, nil, access.Worker, "/services", map[string]any{"given_on": wibToday(), "need": "sandang",
				"component": "kebutuhan_hidup_layak", "quantity": 1}, 409, casework.CodeAssessmentRequired},
			{"service before plan approved", false, []step{{access.Worker, "submit_assessment", ""}, {access.Supervisor, "approve_assessment", ""}},
				access.Worker, "/services", map[string]any{"given_on": wibToday(), "need": "permakanan", "component": "kebutuhan_hidup_layak",
					"quantity": 1}, 409, casework.CodePlanRequired},
			{"closed case", false, []step{{access.Worker, "request_termination", "menolak"}, {access.Supervisor, "approve_termination", ""}},
				access.Worker, "/services", map[string]any{"given_on": wibToday(), "need": "permakanan", "component": "kebutuhan_hidup_layak",
					"quantity": 1, "emergency": true}, 409, casework.CodeCaseClosed},
			{"cannot reopen", false, []step{{access.Worker, "request_termination", "meninggal"}, {access.Supervisor, "approve_termination", ""}},
				access.Supervisor, "", map[string]any{"action": "reopen"}, 409, casework.CodeCannotReopen},
		} {
			t.Run(tt.name, func(t *testing.T) {
				c := w.open(t)
				if !tt.bare {
					if r := h.api(t, access.Worker, "PUT", casePath(c.ID, "/assessment"), assessmentBody(0)); r.Status != http.StatusOK {
						t.Fatalf("assessment: %d %s", r.Status, r.Body)
					}
				}
				for _, s := range tt.before {
					body := map[string]any{"action": s.action, "version": w.detail(t, s.role, c.ID).Version}
					if s.reason != "" {
						body["reason"] = s.reason
					}
					if r := h.api(t, s.role, "POST", casePath(c.ID, "/actions"), body); r.Status != http.StatusOK {
						t.Fatalf("%s: %d %s", s.action, r.Status, r.Body)
					}
				}
				method, body := "POST", tt.body
				switch tt.path {
				case "":
					body["version"] = w.detail(t, tt.role, c.ID).Version
				case "/assessment":
					method = "PUT"
				}
				before := dbState(t, h)
				path := casePath(c.ID, tt.path)
				if tt.path == "" {
					path = casePath(c.ID, "/actions")
				}
				expectRefusal(t, h, h.api(t, tt.role, method, path, body), tt.status, tt.code, i18n.ID)
				if after := dbState(t, h); after != before {
					t.Errorf("refused, but changed the database: %s → %s", before, after)
				}
			})
		}

		// An incomplete assessment is not submitted: 422 naming what it lacks.
		c := w.open(t)
		if r := h.api(t, access.Worker, "PUT", casePath(c.ID, "/assessment"), map[string]any{"risk": "rendah"}); r.Status != http.StatusOK {
			t.Fatalf("draft: %d %s", r.Status, r.Body)
		}
		r := h.api(t, access.Worker, "POST", casePath(c.ID, "/actions"),
			map[string]any{"action": "submit_assessment", "version": w.detail(t, access.Worker, c.ID).Version})
		expectProblem(t, r, http.StatusUnprocessableEntity, "domains")
	})
}

// Malformed requests are 400 naming the field or parameter; values that
// break a rule are 422; neither changes anything.
func TestCaseAPIBadInput(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		w := newCaseWorld(t, h)
		c := w.open(t)
		person := w.person(t)
		for _, tt := range []struct {
			method, path string
			body         any // a string is sent as it is
			status       int
			field        string
		}{
			{"POST", "/api/v1/cases", `{"person_id": 1, "cluster": "lansia", "colour": "red"}`, 400, "colour"},
			{"POST", "/api/v1/cases", `{"person_id": "satu"}`, 400, "person_id"},
			{"POST", "/api/v1/cases", `{"person_id": 1,}`, 400, ""},
			{"POST", "/api/v1/cases", `[]`, 400, ""},
			{"POST", "/api/v1/cases", "", 400, ""},
			{"POST", "/api/v1/cases", map[string]any{"person_id": person, "cluster": "remaja", "setting": "keluarga",
				"source": "hotline", "risk": "sedang"}, 422, "cluster"},
			{"POST", "/api/v1/cases", map[string]any{"cluster": "anak", "setting": "keluarga", "source": "hotline", "risk": "sedang"}, 422, "person_id"},
			{"POST", "/api/v1/cases", map[string]any{"person_id": 999999999, "cluster": "anak", "setting": "keluarga",
				"source": "hotline", "risk": "sedang"}, 422, "person_id"},
			{"POST", casePath(c.ID, "/actions"), `{"action": "add_note", "version": "1"}`, 400, "version"},
			{"POST", casePath(c.ID, "/actions"), `{"action": "add_note", "version": 1, "by": "me"}`, 400, "by"},
			{"POST", casePath(c.ID, "/actions"), map[string]any{"action": "approve_everything", "version": 1}, 422, "action"},
			{"POST", casePath(c.ID, "/actions"), map[string]any{"action": "save_plan", "version": 1}, 422, "action"},
			{"POST", casePath(c.ID, "/actions"), map[string]any{"action": "assign", "version": 1}, 422, "action"},
			{"POST", casePath(c.ID, "/actions"), map[string]any{"action": "add_note"}, 422, "version"},
			{"POST", casePath(c.ID, "/actions"), map[string]any{"action": "add_note", "version": 1, "reason": "pindah"}, 422, "reason"},
			{"POST", casePath(c.ID, "/actions"), map[string]any{"action": "add_note", "version": 1, "note": strings.Repeat("x", 2001)}, 422, "note"},
			{"PUT", casePath(c.ID, "/assessment"), `{"risk": "sedang", "needs_rehab": "ya"}`, 400, "needs_rehab"},
			{"PUT", casePath(c.ID, "/assessment"), `{"risk": "sedang", "domains": ["fisik"]}`, 400, "domains"},
			{"PUT", casePath(c.ID, "/assessment"), map[string]any{"risk": "sedang", "needs": []string{"uang_tunai"}}, 422, "needs"},
			{"PUT", casePath(c.ID, "/assessment"), map[string]any{"risk": "sedang", "domains": map[string]string{"agama": "x"}}, 422, "domains.agama"},
			{"PUT", casePath(c.ID, "/assessment"), map[string]any{"risk": "sedang", "conference_on": "12-03-2025"}, 422, "conference_on"},
			{"PUT", casePath(c.ID, "/assessment"), map[string]any{"risk": "parah"}, 422, "risk"},
			{"PUT", casePath(c.ID, "/plan"), `{"items": {"need": "permakanan"}}`, 400, "items"},
			{"PUT", casePath(c.ID, "/plan"), `{"goals": 5}`, 400, "goals"},
			{"POST", casePath(c.ID, "/services"), `{"quantity": 1.5}`, 400, "quantity"},
			{"POST", casePath(c.ID, "/services"), map[string]any{"given_on": wibToday(), "need": "alat_bantu",
				"component": "terapi", "quantity": 1, "emergency": true}, 422, "need"},
			{"POST", casePath(c.ID, "/services"), map[string]any{"given_on": "2999-01-01", "need": "permakanan",
				"component": "kebutuhan_hidup_layak", "quantity": 0, "emergency": true}, 422, "given_on"},
		} {
			t.Run(tt.method+" "+tt.path+" "+tt.field, func(t *testing.T) {
				before := dbState(t, h)
				r := h.api(t, access.Worker, tt.method, tt.path, tt.body)
				checkNoLeak(t, tt.path, r.Body)
				p := expectProblem(t, r, tt.status, tt.field)
				if p.Code != "" {
					t.Errorf("code %q on bad input", p.Code)
				}
				for _, f := range p.Errors {
					if catalogKey.MatchString(f.Detail) {
						t.Errorf("untranslated detail %q", f.Detail)
					}
				}
				if after := dbState(t, h); after != before {
					t.Errorf("changed the database: %s → %s", before, after)
				}
			})
		}

		// The list's parameters are checked, naming the bad one.
		for q, param := range map[string]string{"stage=tutup": "stage", "open=barangkali": "open", "mine=2x": "mine", "waiting=ya": "waiting",
			"page=0": "page", "page=-3": "page", "size=banyak": "size", "stage=asesmen&size=0": "size"} {
			r := h.api(t, access.Worker, "GET", "/api/v1/cases?"+q, nil)
			p := expectProblem(t, r, http.StatusBadRequest, param)
			if param == "stage" && (len(p.Errors) == 0 || !strings.Contains(p.Errors[0].Detail, "pendekatan_awal")) {
				t.Errorf("stage refusal does not list the stages: %+v", p.Errors)
			}
		}
		// A huge page is a page past the end, not an error.
		for _, q := range []string{"page=9223372036854775807&size=100", "page=1000000&size=1000000"} {
			if r := h.api(t, access.Worker, "GET", "/api/v1/cases?"+q, nil); r.Status != http.StatusOK {
				t.Errorf("%s: %d %s", q, r.Status, r.Body)
			}
		}
		// Ids that are not positive integers are not found.
		for _, id := range []string{"0", "-1", "abc", "99999999999"} {
			expectProblem(t, h.api(t, access.Worker, "GET", "/api/v1/cases/"+id, nil), http.StatusNotFound, "")
		}
	})
}

// Cases are the team's and the unit's supervisors': other units' workers
// do not find them, other roles are refused every case route.
func TestCaseAPIAccess(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		w := newCaseWorld(t, h)
		c := w.open(t)
		addMakassarWorker(t, h)
		before := dbState(t, h)
		for _, tt := range []struct {
			method, path string
			body         any
		}{
			{"GET", casePath(c.ID, ""), nil},
			{"POST", casePath(c.ID, "/actions"), map[string]any{"action": "add_note", "version": c.Version}},
			{"PUT", casePath(c.ID, "/assessment"), assessmentBody(0)},
			{"PUT", casePath(c.ID, "/plan"), planBody(w.worker.ID, 0)},
			{"POST", casePath(c.ID, "/services"), map[string]any{"given_on": wibToday(), "need": "permakanan",
				"component": "kebutuhan_hidup_layak", "quantity": 1, "emergency": true}},
		} {
			expectProblem(t, h.api(t, makassarWorker, tt.method, tt.path, tt.body), http.StatusNotFound, "")
		}
		// Nor may they open a case for a Salatiga person.
		expectProblem(t, h.api(t, makassarWorker, "POST", "/api/v1/cases", openCaseBody(c.PersonID)), http.StatusUnprocessableEntity, "person_id")
		var l struct {
			Items []casework.Item `json:"items"`
		}
		r := h.api(t, makassarWorker, "GET", "/api/v1/cases?size=100", nil)
		r.decode(t, &l)
		if r.Status != http.StatusOK || slices.ContainsFunc(l.Items, func(it casework.Item) bool { return it.UnitID == c.UnitID }) {
			t.Errorf("Makassar list: %d holds a Salatiga case", r.Status)
		}
		for _, role := range []access.Role{access.Planner, access.Verifier, access.National, access.Admin} {
			for _, path := range []string{"/api/v1/cases", casePath(c.ID, ""), "/api/v1/work"} {
				expectProblem(t, h.api(t, role, "GET", path, nil), http.StatusForbidden, "")
			}
			expectProblem(t, h.api(t, role, "POST", "/api/v1/cases", openCaseBody(c.PersonID)), http.StatusForbidden, "")
			expectProblem(t, h.api(t, role, "POST", casePath(c.ID, "/actions"), map[string]any{"action": "add_note", "version": 1}),
				http.StatusForbidden, "")
		}
		expectProblem(t, h.api(t, "", "GET", "/api/v1/cases", nil), http.StatusUnauthorized, "")
		if after := dbState(t, h); after != before {
			t.Errorf("refused requests changed the database: %s → %s", before, after)
		}
		// The supervisor of the unit opens the worker's case; the opening
		// is audited.
		d := w.detail(t, access.Supervisor, c.ID)
		if d.ID != c.ID {
			t.Fatalf("supervisor read %+v", d.Case)
		}
		var n int
		if err := h.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE entity = 'case' AND entity_id = ? AND action = 'read'",
			strconv.FormatInt(c.ID, 10)).Scan(&n); err != nil || n == 0 {
			t.Errorf("case openings audited: %d, %v", n, err)
		}
	})
}

// The document's enums are the catalogs of casework, so neither drifts.
func TestCaseOpenAPIEnums(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Enum       []string `yaml:"enum"`
				Properties map[string]struct {
					Enum []string `yaml:"enum"`
				} `yaml:"properties"`
			} `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(api.YAML(), &doc); err != nil {
		t.Fatal(err)
	}
	strs := func(xs any) []string {
		var out []string
		b, _ := json.Marshal(xs)
		json.Unmarshal(b, &out)
		return out
	}
	var actions []string
	for _, a := range casework.Actions {
		actions = append(actions, string(a))
	}
	var domains []string
	for _, d := range casework.Domains {
		domains = append(domains, string(d))
	}
	schemas := doc.Components.Schemas
	var findings []string
	for k := range schemas["AssessmentFindings"].Properties {
		findings = append(findings, k)
	}
	slices.Sort(findings)
	slices.Sort(domains)
	for name, want := range map[string][]string{
		"CaseStage": strs(casework.Stages), "Cluster": strs(casework.Clusters), "Setting": strs(casework.Settings),
		"CaseSource": strs(casework.Sources), "Risk": strs(casework.Risks), "Need": strs(casework.Needs),
		"Component": strs(casework.Components), "RiskFlag": strs(casework.RiskFlags), "TerminationReason": strs(casework.Reasons),
		"Review":     {"", "draf", "diajukan", "disetujui", "dikembalikan"},
		"AgencyKind": strs(casework.AgencyKinds), "ReferralStatus": strs(casework.ReferralStatuses),
	} {
		if got := schemas[name].Enum; !slices.Equal(got, want) {
			t.Errorf("%s: document %v, casework %v", name, got, want)
		}
	}
	if !slices.Equal(findings, domains) {
		t.Errorf("AssessmentFindings: document %v, casework %v", findings, domains)
	}
	if got, want := schemas["FollowUp"].Properties["outcome"].Enum, append([]string{""}, strs(casework.FollowUpOutcomes)...); !slices.Equal(got, want) {
		t.Errorf("FollowUp.outcome: document %v, casework %v", got, want)
	}
	if got, want := schemas["Task"].Properties["kind"].Enum, []string{casework.TaskAssess, casework.TaskRevise, casework.TaskPlan, casework.TaskApprove}; !slices.Equal(got, want) {
		t.Errorf("Task.kind: document %v, casework %v", got, want)
	}
	// Every action the API takes is one of casework's.
	for _, a := range schemas["CaseAction"].Properties["action"].Enum {
		if !slices.Contains(actions, a) {
			t.Errorf("CaseAction.action %q is no casework action", a)
		}
	}
	// Every refusal code is in the problem's description.
	var problem struct {
		Components struct {
			Schemas struct {
				Problem struct {
					Properties struct {
						Code struct {
							Description string `yaml:"description"`
						} `yaml:"code"`
					} `yaml:"properties"`
				} `yaml:"Problem"`
			} `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(api.YAML(), &problem); err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{casework.CodeTeamRequired, casework.CodeSupervisorRequired, casework.CodeAssessmentRequired,
		casework.CodePlanRequired, casework.CodeApprovalRequired, casework.CodeSubmissionRequired, casework.CodeAlreadyApproved,
		casework.CodeWrongStage, casework.CodeCaseClosed, casework.CodeReasonRequired, casework.CodeEmergencyWindowPassed,
		casework.CodeCannotReopen, casework.CodeOwnSubmission, casework.CodeFollowUpsPending, casework.CodeStaleVersion} {
		if !strings.Contains(problem.Components.Schemas.Problem.Properties.Code.Description, code) {
			t.Errorf("Problem.code does not name %q", code)
		}
	}
}

// Every message key the case API names exists in both languages.
func TestCaseAPICatalogKeys(t *testing.T) {
	keys := map[string]bool{}
	catalogKeys(t, keys, `"((?:caseapi|case|field|error)\.[a-z_.]+)"`, "cases.go")
	expectKeys(t, keys, 5)
}

// Helpers of the role × route matrix for the case routes.

// caseState adds the case tables to dbState.
func caseState(t *testing.T, h *harness) string {
	t.Helper()
	var a, b, c, d, e, f int64
	err := h.db.QueryRow(context.Background(), `SELECT (SELECT COUNT(*) FROM case_file),
		(SELECT COALESCE(SUM(version), 0) FROM case_file), (SELECT COUNT(*) FROM case_event),
		(SELECT COALESCE(SUM(version), 0) FROM case_assessment), (SELECT COALESCE(SUM(version), 0) FROM case_plan),
		(SELECT COUNT(*) FROM case_service)`).Scan(&a, &b, &c, &d, &e, &f)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf(" cases=%d/v%d events=%d assessments=v%d plans=v%d services=%d", a, b, c, d, e, f)
}

// caseOwners are the workers who open the fixture cases, by unit key.
var caseOwners = map[string]string{"salatiga": "demo.pekerja", "makassar": "target.sulsel"}

func (fx *fixture) caseStore() *casework.Store {
	return &casework.Store{DB: fx.h.db, People: fx.registry()}
}

func asActor(u access.User) audit.Actor { return audit.Actor{UserID: u.ID, Name: u.Username} }

// openCases opens a case for the fixture person of each unit in
// caseOwners, by its worker.
func (fx *fixture) openCases() {
	for key, username := range caseOwners {
		u := fx.currentUser(username)
		c, err := fx.caseStore().Open(context.Background(), asActor(u), u, casework.OpenInput{PersonID: fx.people[key],
			Cluster: "lansia", Setting: "keluarga", Source: "penjangkauan", Risk: "sedang"})
		if err != nil {
			fx.t.Fatalf("case of %s: %v", key, err)
		}
		fx.cases[key] = c.ID
	}
}

// currentCase reads a fixture case as stored now, as its worker.
func (fx *fixture) currentCase(key string) casework.Case {
	return fx.caseDetail(key).Case
}

func (fx *fixture) caseDetail(key string) casework.Detail {
	u := fx.currentUser(caseOwners[key])
	d, err := fx.caseStore().Detail(context.Background(), asActor(u), u, fx.cases[key])
	if err != nil {
		fx.t.Fatalf("case %s: %v", key, err)
	}
	return d
}

// caseStep takes a step on a fixture case as the demo worker or
// supervisor.
func (fx *fixture) caseStep(key string, role access.Role, a casework.Action, reason casework.Reason) {
	u := fx.currentUser(fx.h.accounts[role].Username)
	_, err := fx.caseStore().Act(context.Background(), asActor(u), u, fx.cases[key], fx.currentCase(key).Version,
		casework.Event{Action: a, Reason: reason}, "")
	if err != nil {
		fx.t.Fatalf("case %s: %s as %s: %v", key, a, role, err)
	}
}

// mayPrepare says whether a request on a case should find it ready: only
// the Salatiga case, for the callers who may write it (the others are
// refused whatever the body).
func mayPrepare(a actor, key string) bool {
	return key == "salatiga" && allowed(a.role, access.ManageCases)
}

// readyAssessment is a complete assessment for the case, which it first
// brings back to a cycle whose assessment may still be written: after an
// approval, terminasi and reopening (a new cycle).
func (fx *fixture) readyAssessment(a actor, key string) any {
	version := 0
	if mayPrepare(a, key) {
		d := fx.caseDetail(key)
		switch d.Case.State.Assessment {
		case casework.Submitted, casework.Approved:
			if d.Termination != casework.Submitted {
				fx.caseStep(key, access.Worker, casework.RequestTermination, casework.Menolak)
			}
			fx.caseStep(key, access.Supervisor, casework.ApproveTermination, "")
			fx.caseStep(key, access.Supervisor, casework.Reopen, "")
		default:
			if d.Assessment != nil {
				version = d.Assessment.Version
			}
		}
	}
	return assessmentBody(version)
}

// readyPlan is a plan for the case, which it first brings to an approved
// assessment: saved, submitted by the worker, approved by the supervisor.
func (fx *fixture) readyPlan(a actor, key string) any {
	worker := fx.currentUser(caseOwners["salatiga"]).ID
	if !mayPrepare(a, key) {
		return planBody(worker, 0)
	}
	ctx := context.Background()
	d := fx.caseDetail(key)
	if r := d.Case.State.Assessment; r != casework.Submitted && r != casework.Approved {
		u := fx.currentUser(caseOwners[key])
		version := 0
		if d.Assessment != nil {
			version = d.Assessment.Version
		}
		in := casework.AssessmentInput{}
		b, _ := json.Marshal(assessmentBody(version))
		if err := json.Unmarshal(b, &in); err != nil {
			fx.t.Fatal(err)
		}
		if _, err := fx.caseStore().SaveAssessment(ctx, asActor(u), u, fx.cases[key], in); err != nil {
			fx.t.Fatalf("assessment of %s: %v", key, err)
		}
		fx.caseStep(key, access.Worker, casework.SubmitAssessment, "")
	}
	if fx.currentCase(key).State.Assessment == casework.Submitted {
		fx.caseStep(key, access.Supervisor, casework.ApproveAssessment, "")
	}
	version := 0
	if d := fx.caseDetail(key); d.PlanDraft != nil {
		version = d.PlanDraft.Version
	}
	return planBody(worker, version)
}

// The matrix's fixture cases belong where the scope table says: each to
// its unit, for its unit's fixture person.
func TestCaseFixture(t *testing.T) {
	fx := newFixture(t, newHarness(t, dbtest.SQLite))
	for key := range caseOwners {
		if c := fx.currentCase(key); c.UnitID != fx.unit(key).ID || c.PersonID != fx.people[key] {
			t.Errorf("case of %s: %+v", key, c)
		}
	}
}

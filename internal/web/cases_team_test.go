package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/casework"
	"github.com/layan-id/layan/internal/i18n"
)

// A case's team (PUT /api/v1/cases/{id}/team and the case page's team
// form), and the conflict a stale write answers with: what changed since
// the editor's copy, with their input kept.

// colleague makes another worker of the demo worker's unit.
func colleague(t *testing.T, h *harness, username string) access.User {
	t.Helper()
	w, err := access.GetUserByName(context.Background(), h.db, h.accounts[access.Worker].Username)
	if err != nil {
		t.Fatal(err)
	}
	u, _, err := access.CreateUser(context.Background(), h.db, audit.System("test"), access.Scope{All: true},
		access.UserInput{Username: username, FullName: "Rekan " + username, Role: access.Worker, UnitID: w.UnitID})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func teamBody(worker int64, team []int64, version int) map[string]any {
	return map[string]any{"worker_id": worker, "team": team, "version": version}
}

// conflictProblem reads a 409 stale_version problem.
func conflictProblem(t *testing.T, r apiResponse) casework.Conflict {
	t.Helper()
	p := expectProblem(t, r, http.StatusConflict, "")
	if p.Code != casework.CodeStaleVersion || p.Conflict == nil {
		t.Fatalf("not a stale_version conflict: %s", r.Body)
	}
	return *p.Conflict
}

func TestCaseTeamAPI(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		w := newCaseWorld(t, h)
		c := w.open(t)
		rekan := colleague(t, h, "rekan.salatiga")
		gone := colleague(t, h, "pensiun.salatiga")
		if _, err := access.SetActive(ctx, h.db, audit.System("test"), access.Scope{All: true}, gone.ID, false, gone.Version); err != nil {
			t.Fatal(err)
		}
		admin, _, err := access.CreateUser(ctx, h.db, audit.System("test"), access.Scope{All: true},
			access.UserInput{Username: "admin.salatiga", FullName: "Admin Salatiga", Role: access.Admin, UnitID: w.worker.UnitID})
		if err != nil {
			t.Fatal(err)
		}
		addMakassarWorker(t, h)
		mks, err := access.GetUserByName(ctx, h.db, h.accounts[makassarWorker].Username)
		if err != nil {
			t.Fatal(err)
		}
		path := casePath(c.ID, "/team")

		// A worker may not; another unit does not find the case.
		expectRefusal(t, h, h.api(t, access.Worker, "PUT", path, teamBody(rekan.ID, []int64{rekan.ID}, c.Version)),
			http.StatusForbidden, casework.CodeSupervisorRequired, i18n.ID)
		expectProblem(t, h.api(t, makassarWorker, "PUT", path, teamBody(mks.ID, []int64{mks.ID}, c.Version)), http.StatusNotFound, "")

		// Bad teams: refused by field, nothing stored.
		before := dbState(t, h)
		for _, tt := range []struct {
			name   string
			body   any
			status int
			field  string
		}{
			{"another unit's worker", teamBody(w.worker.ID, []int64{w.worker.ID, mks.ID}, c.Version), 422, "team"},
			{"an inactive worker", teamBody(gone.ID, []int64{w.worker.ID}, c.Version), 422, "worker_id"},
			{"an admin", teamBody(w.worker.ID, []int64{w.worker.ID, admin.ID}, c.Version), 422, "team"},
			{"an empty team", teamBody(w.worker.ID, []int64{}, c.Version), 422, "team"},
			{"no team", map[string]any{"worker_id": w.worker.ID, "version": c.Version}, 422, "team"},
			{"no worker", map[string]any{"team": []int64{w.worker.ID}, "version": c.Version}, 422, "worker_id"},
			{"no version", map[string]any{"worker_id": w.worker.ID, "team": []int64{w.worker.ID}}, 422, "version"},
			{"nothing changed", teamBody(w.worker.ID, []int64{w.worker.ID}, c.Version), 422, "team"},
			{"a team that is no list", `{"worker_id": 1, "team": "semua", "version": 1}`, 400, "team"},
			{"an unknown member", `{"worker_id": 1, "team": [1], "version": 1, "lead": 1}`, 400, "lead"},
		} {
			r := h.api(t, access.Supervisor, "PUT", path, tt.body)
			checkNoLeak(t, tt.name, r.Body)
			p := expectProblem(t, r, tt.status, tt.field)
			if strings.Contains(string(r.Body), "Makassar") || strings.Contains(p.Detail+fmt.Sprint(p.Errors), mks.FullName) {
				t.Errorf("%s: the refusal names another unit's worker: %s", tt.name, r.Body)
			}
		}
		if after := dbState(t, h); after != before {
			t.Errorf("refused assignments changed the database: %s → %s", before, after)
		}

		// The colleague takes over; the demo worker leaves the team and no
		// longer sees the case.
		r := h.api(t, access.Supervisor, "PUT", path, map[string]any{"worker_id": rekan.ID, "team": []int64{rekan.ID},
			"version": c.Version, "note": "Beban kerja dibagi ulang."})
		var got casework.Case
		r.decode(t, &got)
		if r.Status != http.StatusOK || got.WorkerID != rekan.ID || !slices.Equal(got.Team, []int64{rekan.ID}) || got.Version != c.Version+1 {
			t.Fatalf("assign: %d %s", r.Status, r.Body)
		}
		expectProblem(t, h.api(t, access.Worker, "GET", casePath(c.ID, ""), nil), http.StatusNotFound, "")
		expectProblem(t, h.api(t, access.Worker, "POST", casePath(c.ID, "/actions"),
			map[string]any{"action": "add_note", "version": got.Version, "note": "x"}), http.StatusNotFound, "")
		var l struct {
			Items []casework.Item `json:"items"`
		}
		h.api(t, access.Worker, "GET", "/api/v1/cases?size=100", nil).decode(t, &l)
		if slices.ContainsFunc(l.Items, func(it casework.Item) bool { return it.ID == c.ID }) {
			t.Errorf("the removed worker's list holds the case")
		}
		d := w.detail(t, access.Supervisor, c.ID)
		last := d.Timeline[len(d.Timeline)-1]
		if last.Action != "assign" || !strings.Contains(last.Note, "Masuk tim: Rekan rekan.salatiga") ||
			!strings.Contains(last.Note, "Keluar dari tim: ") || !strings.Contains(last.Note, "Beban kerja dibagi ulang.") {
			t.Errorf("timeline entry %+v", last)
		}
		var audits int
		if err := h.db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'case' AND entity_id = ? AND action = 'update'
			AND after_data LIKE ?`, strconv.FormatInt(c.ID, 10), fmt.Sprintf(`%%"team":[%d]%%`, rekan.ID)).Scan(&audits); err != nil || audits != 1 {
			t.Errorf("audit records of the assignment: %d, %v", audits, err)
		}

		// A stale version says what happened since.
		p := conflictProblem(t, h.api(t, access.Supervisor, "PUT", path, teamBody(w.worker.ID, []int64{w.worker.ID}, c.Version)))
		if p.CurrentVersion != got.Version || len(p.Changes) != 1 || p.Changes[0].Action != "assign" {
			t.Errorf("stale assignment: %+v", p)
		}
		// Back on the team, the worker sees the case again.
		r = h.api(t, access.Supervisor, "PUT", path, teamBody(w.worker.ID, []int64{rekan.ID}, got.Version))
		if r.Status != http.StatusOK {
			t.Fatalf("assign back: %d %s", r.Status, r.Body)
		}
		if d := w.detail(t, access.Worker, c.ID); d.WorkerID != w.worker.ID || !slices.Equal(d.Team, sortedIDs(w.worker.ID, rekan.ID)) {
			t.Errorf("after assigning back: worker %d team %v", d.WorkerID, d.Team)
		}
	})
}

func sortedIDs(ids ...int64) []int64 {
	slices.Sort(ids)
	return ids
}

// A stale write answers 409 with code stale_version, the current version,
// the timeline entries since the client's copy and, for a document, the
// stored fields that differ from the ones sent.
func TestCaseConflictAPI(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		w := newCaseWorld(t, h)
		c := w.open(t)
		sup := h.accounts[access.Supervisor].Username

		// A step on a stale copy of the case.
		r := h.api(t, access.Supervisor, "POST", casePath(c.ID, "/actions"),
			map[string]any{"action": "add_note", "version": c.Version, "note": "Keluarga sudah ditelepon."})
		if r.Status != http.StatusOK {
			t.Fatalf("note: %d %s", r.Status, r.Body)
		}
		p := conflictProblem(t, h.api(t, access.Worker, "POST", casePath(c.ID, "/actions"),
			map[string]any{"action": "add_note", "version": c.Version, "note": "Catatan saya."}))
		if p.CurrentVersion != c.Version+1 || p.CaseVersion != c.Version+1 || len(p.Changes) != 1 || len(p.Fields) != 0 {
			t.Fatalf("stale step: %+v", p)
		}
		if e := p.Changes[0]; e.Action != "add_note" || e.ActorName != sup || e.Note != "Keluarga sudah ditelepon." || e.At.IsZero() ||
			e.CaseVersion != c.Version+1 {
			t.Errorf("the change: %+v", e)
		}

		// The assessment: the supervisor's correction, then the worker's
		// save of their own older copy. The supervisor joins the team
		// first: off it they may not save (the health finding is withheld).
		w.joinTeam(t, access.Supervisor, c.ID)
		h.api(t, access.Worker, "PUT", casePath(c.ID, "/assessment"), assessmentBody(0))
		read := w.detail(t, access.Worker, c.ID)
		theirs := assessmentBody(1)
		theirs["conclusion"], theirs["needs"] = "Dirujuk ke puskesmas dahulu.", []string{"permakanan"}
		if r := h.api(t, access.Supervisor, "PUT", casePath(c.ID, "/assessment"), theirs); r.Status != http.StatusOK {
			t.Fatalf("supervisor's assessment: %d %s", r.Status, r.Body)
		}
		mine := assessmentBody(1)
		mine["conclusion"], mine["case_version"] = "Kesimpulan saya.", read.Version
		for _, body := range []map[string]any{mine, assessmentBody(1)} {
			p = conflictProblem(t, h.api(t, access.Worker, "PUT", casePath(c.ID, "/assessment"), body))
			if p.CurrentVersion != 2 || len(p.Changes) != 1 || p.Changes[0].Action != "save_assessment" || p.Changes[0].ActorName != sup {
				t.Errorf("stale assessment: %+v", p)
			}
			var fields []string
			for _, f := range p.Fields {
				fields = append(fields, f.Field)
				if f.Field == "conclusion" && f.Stored != "Dirujuk ke puskesmas dahulu." {
					t.Errorf("stored conclusion %v", f.Stored)
				}
			}
			if !slices.Equal(fields, []string{"needs", "conclusion"}) {
				t.Errorf("changed fields %v", fields)
			}
		}
		// In English too, with the same code.
		r = apiLang(t, h, access.Worker, "en", "PUT", casePath(c.ID, "/assessment"), mine)
		if pe := expectProblem(t, r, http.StatusConflict, ""); pe.Code != casework.CodeStaleVersion || pe.Detail != h.cat.T(i18n.EN, "error.stale_version") {
			t.Errorf("stale in English: %s", r.Body)
		}
		// Sent again on the current version, the worker's text is stored.
		mine["version"] = p.CurrentVersion
		if r := h.api(t, access.Worker, "PUT", casePath(c.ID, "/assessment"), mine); r.Status != http.StatusOK {
			t.Fatalf("re-sent: %d %s", r.Status, r.Body)
		}

		// The plan, the same way.
		w.act(t, access.Worker, c.ID, "submit_assessment")
		w.act(t, access.Supervisor, c.ID, "approve_assessment")
		h.api(t, access.Worker, "PUT", casePath(c.ID, "/plan"), planBody(w.worker.ID, 0))
		read = w.detail(t, access.Worker, c.ID)
		theirPlan := planBody(w.worker.ID, 1)
		theirPlan["goals"] = "Tujuan menurut supervisor."
		if r := h.api(t, access.Supervisor, "PUT", casePath(c.ID, "/plan"), theirPlan); r.Status != http.StatusOK {
			t.Fatalf("supervisor's plan: %d %s", r.Status, r.Body)
		}
		myPlan := planBody(w.worker.ID, 1)
		myPlan["goals"], myPlan["case_version"] = "Tujuan saya.", read.Version
		p = conflictProblem(t, h.api(t, access.Worker, "PUT", casePath(c.ID, "/plan"), myPlan))
		if p.CurrentVersion != 2 || len(p.Changes) != 1 || p.Changes[0].Action != "save_plan" || len(p.Fields) != 1 ||
			p.Fields[0].Field != "goals" || p.Fields[0].Stored != "Tujuan menurut supervisor." {
			t.Errorf("stale plan: %+v", p)
		}
	})
}

// A second receiver's answer to a referral already answered tells who
// answered, when and how, not the sending unit's timeline.
func TestReferralConflictAPI(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		w := newCaseWorld(t, h)
		c := w.open(t)
		addMakassarWorker(t, h)
		ref, _ := refer(t, h, access.Worker, c.ID, map[string]any{"to_unit": unitID(t, h, "Dinas Sosial Kota Makassar"),
			"purpose": "Pendampingan di Makassar."})
		r := h.api(t, makassarWorker, "POST", fmt.Sprintf("/api/v1/referrals/%d/answer", ref.ID),
			map[string]any{"accept": true, "version": ref.Version, "note": "Dijadwalkan Senin."})
		if r.Status != http.StatusOK {
			t.Fatalf("answer: %d %s", r.Status, r.Body)
		}
		p := conflictProblem(t, h.api(t, makassarWorker, "POST", fmt.Sprintf("/api/v1/referrals/%d/answer", ref.ID),
			map[string]any{"accept": false, "version": ref.Version, "note": "Tidak ada tempat."}))
		fields := map[string]any{}
		for _, f := range p.Fields {
			fields[f.Field] = f.Stored
		}
		if p.CurrentVersion != ref.Version+1 || p.CaseVersion != 0 || len(p.Changes) != 0 || fields["status"] != "diterima" ||
			fields["answer_note"] != "Dijadwalkan Senin." || fields["answered_by"] == nil || fields["answered_at"] == nil {
			t.Errorf("stale answer: %+v", p)
		}

		// On the page of received referrals: who answered and how, and the
		// colleague's own text, kept.
		x := postForm(t, h, h.browser(makassarWorker), fmt.Sprintf("/referrals/%d/answer", ref.ID),
			url.Values{"version": {strconv.Itoa(ref.Version)}, "decision": {"tolak"}, "note": {"Tidak ada tempat."}})
		expectStatus(t, "stale answer page", x, http.StatusConflict)
		expectText(t, "stale answer page", string(x.body), h.cat.T(i18n.ID, "caseconflict.referral_title"),
			h.cat.T(i18n.ID, "referral.status.diterima"), "Dijadwalkan Senin.", "Tidak ada tempat.")
		checkPageIDs(t, "stale answer page", string(x.body))
	})
}

// The case page: the team and, for a supervisor, its form; a stale form
// comes back with the editor's text, what changed and who changed it, and
// saved again it stores the editor's text.
func TestCaseTeamAndConflictUI(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		T := func(key string, args ...any) string { return h.cat.T(i18n.ID, key, args...) }
		cw := newCaseWorld(t, h)
		c := cw.open(t)
		w := newUIWorld(t, h)
		rekan := colleague(t, h, "rekan.salatiga")

		// The worker's page names the team, without the form.
		_, page := h.page(t, w.worker, "GET", caseUIPath(c.ID, ""), nil)
		expectText(t, "worker's page", page, T("caseteam.title"), cw.worker.FullName, T("caseteam.responsible"))
		if strings.Contains(page, `action="/cases/`+strconv.FormatInt(c.ID, 10)+`/team"`) {
			t.Errorf("the worker is offered the team form")
		}
		// The supervisor's page offers it, with the unit's workers.
		_, page = h.page(t, w.super, "GET", caseUIPath(c.ID, ""), nil)
		expectText(t, "supervisor's page", page, `action="/cases/`+strconv.FormatInt(c.ID, 10)+`/team"`, T("caseteam.change"),
			fmt.Sprintf(`name="team" value="%d" checked`, cw.worker.ID), fmt.Sprintf(`name="team" value="%d"> %s`, rekan.ID, rekan.FullName))
		checkPageIDs(t, "supervisor's page", page)

		// An empty team is refused under the field, the choice kept.
		version := strconv.Itoa(w.detail(t, c.ID).Version)
		x := postForm(t, h, w.super, caseUIPath(c.ID, "/team"), url.Values{"version": {version},
			"worker_id": {strconv.FormatInt(rekan.ID, 10)}, "note": {"Pergantian pekerja."}})
		expectStatus(t, "empty team", x, http.StatusUnprocessableEntity)
		expectText(t, "empty team", string(x.body), T("case.team.required"), `id="t-team-err"`, "Pergantian pekerja.")
		checkPageIDs(t, "empty team", string(x.body))
		// The colleague takes over.
		x = postForm(t, h, w.super, caseUIPath(c.ID, "/team"), url.Values{"version": {version},
			"worker_id": {strconv.FormatInt(rekan.ID, 10)}, "team": {strconv.FormatInt(rekan.ID, 10)}, "note": {"Pergantian pekerja."}})
		loc := expectRedirect(t, "assign", x, caseUIPath(c.ID, "?done=team"))
		_, page = h.page(t, w.super, "GET", loc, nil)
		expectText(t, "after the assignment", page, T("caseui.done.team"), "Masuk tim: "+rekan.FullName, "Pergantian pekerja.")
		if status, _ := h.page(t, w.worker, "GET", caseUIPath(c.ID, ""), nil); status != http.StatusNotFound {
			t.Errorf("the removed worker opens the case page: %d", status)
		}
		// A stale team form: the conflict panel names the assignment since.
		x = postForm(t, h, w.super, caseUIPath(c.ID, "/team"), url.Values{"version": {version},
			"worker_id": {strconv.FormatInt(cw.worker.ID, 10)}, "team": {strconv.FormatInt(cw.worker.ID, 10)}})
		expectStatus(t, "stale team", x, http.StatusConflict)
		expectText(t, "stale team", string(x.body), T("caseconflict.title"), T("caseui.event.assign"), "Pergantian pekerja.")
		checkPageIDs(t, "stale team", string(x.body))
	})
}

// TestCaseConflictUIKeepsText: a stale assessment form comes back with the
// editor's text, a panel of what changed and who changed it, and the
// current version, so that saving again stores the editor's text.
func TestCaseConflictUIKeepsText(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		T := func(key string, args ...any) string { return h.cat.T(i18n.ID, key, args...) }
		cw := newCaseWorld(t, h)
		c := cw.open(t)
		w := newUIWorld(t, h)
		sup := h.accounts[access.Supervisor].Username

		// The supervisor joins the team, to write the assessment (off it
		// the health finding is withheld from them).
		cw.joinTeam(t, access.Supervisor, c.ID)
		// The worker's page: the assessment form on version 0, case version 2.
		_, page := h.page(t, w.worker, "GET", caseUIPath(c.ID, ""), nil)
		expectText(t, "case page", page, `name="case_version" value="2"`)
		// Meanwhile the supervisor writes the assessment.
		theirs := assessmentBody(0)
		theirs["conclusion"] = "Versi supervisor: perlu rujukan."
		if r := h.api(t, access.Supervisor, "PUT", casePath(c.ID, "/assessment"), theirs); r.Status != http.StatusOK {
			t.Fatalf("supervisor's assessment: %d %s", r.Status, r.Body)
		}
		mine := formOf(assessmentBody(0))
		mine.Set("case_version", "2")
		mine.Set("conclusion", "Teks panjang yang saya ketik sendiri.")
		mine.Set("domains.ekonomi", "Penghasilan tidak tetap.")
		x := postForm(t, h, w.worker, caseUIPath(c.ID, "/assessment"), mine)
		expectStatus(t, "stale assessment", x, http.StatusConflict)
		body := string(x.body)
		expectText(t, "stale assessment", body, T("caseconflict.title"), T("caseconflict.kept"), T("error.stale_version"),
			// the editor's text, in the form
			">Teks panjang yang saya ketik sendiri.</textarea>", ">Penghasilan tidak tetap.</textarea>",
			// who changed what
			T("caseui.event.save_assessment"), sup, T("caseconflict.fields"), T("caseui.field.conclusion"),
			"Versi supervisor: perlu rujukan.", T("caseui.domain.ekonomi"),
			// the form now on the current versions
			`name="version" value="1">
    <input type="hidden" name="case_version" value="3">`)
		checkPageIDs(t, "stale assessment", body)
		if !regexp.MustCompile(`(?s)id="conflict".*` + regexp.QuoteMeta(T("caseui.event.save_assessment"))).MatchString(body) {
			t.Errorf("the conflict panel does not list the supervisor's save")
		}
		// Saved again from the page as it came back, the editor's text is stored.
		mine.Set("version", "1")
		expectRedirect(t, "re-save", postForm(t, h, w.worker, caseUIPath(c.ID, "/assessment"), mine), caseUIPath(c.ID, "?done=assessment"))
		if d := w.detail(t, c.ID); d.Assessment == nil || d.Assessment.Conclusion != "Teks panjang yang saya ketik sendiri." {
			t.Errorf("after re-saving: %+v", d.Assessment)
		}

		// A stale note: the panel lists the step since, the note is kept.
		old := strconv.Itoa(w.detail(t, c.ID).Version)
		h.api(t, access.Supervisor, "POST", casePath(c.ID, "/actions"), map[string]any{"action": "add_note",
			"version": w.detail(t, c.ID).Version, "note": "Supervisor menelepon keluarga."})
		x = postForm(t, h, w.worker, caseUIPath(c.ID, "/actions"), url.Values{"action": {"add_note"}, "version": {old},
			"note": {"Catatan kunjungan saya."}})
		expectStatus(t, "stale note", x, http.StatusConflict)
		expectText(t, "stale note", string(x.body), T("caseconflict.title"), "Supervisor menelepon keluarga.",
			T("caseui.event.add_note"), ">Catatan kunjungan saya.</textarea>")

		// In English the panel is English.
		postForm(t, h, w.worker, "/lang", url.Values{"lang": {"en"}, "next": {"/"}})
		x = postForm(t, h, w.worker, caseUIPath(c.ID, "/actions"), url.Values{"action": {"add_note"}, "version": {old},
			"note": {"Catatan kunjungan saya."}})
		expectStatus(t, "stale note (en)", x, http.StatusConflict)
		expectText(t, "stale note (en)", string(x.body), h.cat.T(i18n.EN, "caseconflict.title"))
	})
}

// Every key the team and conflict code names exists in both languages.
func TestCaseTeamCatalogKeys(t *testing.T) {
	keys := map[string]bool{}
	catalogKeys(t, keys, `"((?:caseteam|caseconflict|case\.team|caseui)\.[a-z_.]+[a-z_])"`,
		"cases_team.go", "templates/case.html", "templates/referrals_incoming.html")
	for _, k := range []string{"case.team.required", "case.team.too_many", "case.team.outside_unit", "case.team.inactive",
		"case.team.role", "case.team.unchanged", "caseui.done.team"} {
		keys[k] = true
	}
	expectKeys(t, keys, 5)
}

// Matrix helpers (roles_test.go): each request changes the team, the demo
// worker staying responsible, target.salatiga joining or leaving.

func (fx *fixture) teamBody(a actor, key string) map[string]any {
	fx.uiReady(a, key)
	c := fx.currentCase(key)
	worker := fx.currentUser(caseOwners[key]).ID
	team := []int64{worker}
	if other := fx.users["target.salatiga"]; !slices.Contains(c.Team, other) {
		team = append(team, other)
	}
	return teamBody(worker, team, c.Version)
}

func uiBodyTeam(fx *fixture, a actor, key string) any {
	b := fx.teamBody(a, key)
	f := url.Values{"worker_id": {strconv.FormatInt(b["worker_id"].(int64), 10)}, "version": {strconv.Itoa(b["version"].(int))}}
	for _, id := range b["team"].([]int64) {
		f.Add("team", strconv.FormatInt(id, 10))
	}
	return f
}

package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/casework"
	"github.com/layan-id/layan/internal/i18n"
)

// Specific personal data (UU 27/2022 Pasal 4) over HTTP: the supervisor
// off a case's team opens it for supervision without its health finding
// and, on a child's case, without its free text and attachments, except
// while a document waits for their review; they may not save over what
// they do not read.

// joinTeam puts role's demo account on the case's team, as the demo
// supervisor.
func (w *caseWorld) joinTeam(t *testing.T, role access.Role, id int64) {
	t.Helper()
	u, err := access.GetUserByName(context.Background(), w.h.db, w.h.accounts[role].Username)
	if err != nil {
		t.Fatal(err)
	}
	d := w.detail(t, access.Supervisor, id)
	r := w.h.api(t, access.Supervisor, "PUT", casePath(id, "/team"), teamBody(d.WorkerID, append(slices.Clone(d.Team), u.ID), d.Version))
	if r.Status != http.StatusOK {
		t.Fatalf("%s joins the team: %d %s", role, r.Status, r.Body)
	}
}

// openChild opens a case of cluster anak for a new child, as the worker.
func (w *caseWorld) openChild(t *testing.T) casework.Case {
	t.Helper()
	w.n++
	person := createPerson(t, w.h, access.Worker, map[string]any{"name": fmt.Sprintf("Bayu Uji %d", w.n), "sex": "L",
		"birth_year": 2016, "village": "33.73.04.1001", "categories": []string{"anak_telantar"}}).Person.ID
	body := openCaseBody(person)
	body["cluster"] = "anak"
	r := w.h.api(t, access.Worker, "POST", "/api/v1/cases", body)
	if r.Status != http.StatusCreated {
		t.Fatalf("open: %d %s", r.Status, r.Body)
	}
	var c casework.Case
	r.decode(t, &c)
	return c
}

// childSecrets are the free text a child's case is given by writeChild.
var childSecrets = []string{"Hipertensi", "Tinggal sendiri", "bidan desa", "Disepakati permakanan", "pendampingan psikolog",
	"Anak mengaku dipukul", "visum", "Hasil pemeriksaan"}

// writeChild writes an assessment, a note and an attachment on a child's
// case as the worker; it returns the attachment's download path.
func writeChild(t *testing.T, w *caseWorld, c casework.Case) string {
	t.Helper()
	h := w.h
	assess := assessmentBody(0)
	assess["conclusion"] = "Perlu pendampingan psikolog anak."
	if r := h.api(t, access.Worker, "PUT", casePath(c.ID, "/assessment"), assess); r.Status != http.StatusOK {
		t.Fatalf("assessment: %d %s", r.Status, r.Body)
	}
	if r := h.api(t, access.Worker, "POST", casePath(c.ID, "/actions"), map[string]any{"action": "add_note",
		"version": w.detail(t, access.Worker, c.ID).Version, "note": "Anak mengaku dipukul ayahnya."}); r.Status != http.StatusOK {
		t.Fatalf("note: %d %s", r.Status, r.Body)
	}
	r := h.api(t, access.Worker, "POST", casePath(c.ID, "/attachments"), newMultipart(t, "visum.png", tinyPNG, "Hasil pemeriksaan."))
	if r.Status != http.StatusCreated {
		t.Fatalf("attachment: %d %s", r.Status, r.Body)
	}
	var a casework.Attachment
	r.decode(t, &a)
	return casePath(c.ID, "/attachments/"+strconv.FormatInt(a.ID, 10))
}

// showsAny returns the first of texts that body shows.
func showsAny(body string, texts []string) string {
	for _, s := range texts {
		if strings.Contains(body, s) || strings.Contains(body, html.EscapeString(s)) {
			return s
		}
	}
	return ""
}

func TestSpecificDataAPI(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		w := newCaseWorld(t, h)
		c := w.openChild(t)
		download := writeChild(t, w, c)
		downloads := func() int {
			t.Helper()
			var n int
			if err := h.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE entity = 'case_attachment' AND action = 'read'").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		// expect reads the case as role: all of it, or what supervision needs.
		expect := func(when string, role access.Role, sees bool) {
			t.Helper()
			r := h.api(t, role, "GET", casePath(c.ID, ""), nil)
			var d casework.Detail
			r.decode(t, &d)
			if r.Status != http.StatusOK || d.SpecificWithheld == sees || d.Assessment == nil || len(d.Assessment.Needs) != 2 ||
				d.Assessment.NeedsRehab == nil || d.Assessment.Risk != "sedang" {
				t.Errorf("%s: %s reads %d %s", when, role, r.Status, r.Body)
			}
			if s := showsAny(string(r.Body), childSecrets); sees != (s != "") {
				t.Errorf("%s: %s reads %q (sees %v): %s", when, role, s, sees, r.Body)
			}
			if !strings.Contains(string(r.Body), `"specific_withheld":`+strconv.FormatBool(!sees)) {
				t.Errorf("%s: %s: no specific_withheld %v in %s", when, role, !sees, r.Body)
			}
			before := downloads()
			r = h.api(t, role, "GET", download, nil)
			switch {
			case sees && r.Status != http.StatusOK:
				t.Errorf("%s: %s downloads: %d %s", when, role, r.Status, r.Body)
			case !sees:
				if p := expectProblem(t, r, http.StatusNotFound, ""); p.Detail != h.cat.T(i18n.ID, "attachment.not_found") {
					t.Errorf("%s: withheld download: %s", when, r.Body)
				}
				if downloads() != before {
					t.Errorf("%s: a withheld download was audited", when)
				}
			}
		}
		expect("drafted", access.Worker, true)
		expect("drafted", access.Supervisor, false)

		// The supervisor may not save over findings they do not read.
		before := dbState(t, h)
		r := h.api(t, access.Supervisor, "PUT", casePath(c.ID, "/assessment"), assessmentBody(1))
		if p := expectProblem(t, r, http.StatusForbidden, ""); p.Code != casework.CodeTeamRequired ||
			p.Detail != h.cat.T(i18n.ID, "case.refused.specific_withheld") {
			t.Errorf("withheld save: %s", r.Body)
		}
		r = apiLang(t, h, access.Supervisor, "en", "PUT", casePath(c.ID, "/assessment"), assessmentBody(1))
		if p := expectProblem(t, r, http.StatusForbidden, ""); p.Code != casework.CodeTeamRequired ||
			p.Detail != h.cat.T(i18n.EN, "case.refused.specific_withheld") {
			t.Errorf("withheld save in English: %s", r.Body)
		}
		if after := dbState(t, h); after != before {
			t.Errorf("a withheld save changed the database: %s → %s", before, after)
		}
		// A stale step's conflict says what happened, without the notes.
		old := w.detail(t, access.Worker, c.ID).Version - 1
		p := conflictProblem(t, h.api(t, access.Supervisor, "POST", casePath(c.ID, "/actions"),
			map[string]any{"action": "add_note", "version": old, "note": "x"}))
		if len(p.Changes) != 1 || p.Changes[0].Note != "" {
			t.Errorf("the supervisor's conflict: %+v", p)
		}

		// Submitted, it is the supervisor's to read and decide; decided, it
		// is withheld again.
		w.act(t, access.Worker, c.ID, "submit_assessment")
		expect("submitted", access.Supervisor, true)
		w.act(t, access.Supervisor, c.ID, "approve_assessment")
		expect("approved", access.Supervisor, false)
		// On the team, all of it.
		w.joinTeam(t, access.Supervisor, c.ID)
		expect("on the team", access.Supervisor, true)

		// A lansia case withholds the health finding only.
		l := w.open(t)
		h.api(t, access.Worker, "PUT", casePath(l.ID, "/assessment"), assessmentBody(0))
		d := w.detail(t, access.Supervisor, l.ID)
		if _, health := d.Assessment.Domains[casework.DomainFisik]; health || !d.SpecificWithheld ||
			d.Assessment.Domains[casework.DomainSosial] == "" || d.Assessment.Conclusion == "" {
			t.Errorf("the lansia case off the team: %+v", d.Assessment)
		}
		expectProblem(t, h.api(t, access.Supervisor, "PUT", casePath(l.ID, "/assessment"), assessmentBody(1)), http.StatusForbidden, "")
	})
}

func TestSpecificDataUI(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		T := func(key string, args ...any) string { return h.cat.T(i18n.ID, key, args...) }
		cw := newCaseWorld(t, h)
		c := cw.openChild(t)
		writeChild(t, cw, c)
		w := newUIWorld(t, h)
		form := `action="/cases/` + strconv.FormatInt(c.ID, 10) + `/assessment"`

		// The supervisor's page: the notice, the withheld entries marked,
		// no free text, no attachment, no assessment form.
		_, page := h.page(t, w.super, "GET", caseUIPath(c.ID, ""), nil)
		expectText(t, "supervisor's page", page, `id="specific-withheld"`, T("privacy.title"), T("privacy.notice"),
			T("privacy.review_hint"), T("privacy.withheld"), T("privacy.notes_withheld"), T("privacy.attachments_withheld"),
			T("caseui.need.permakanan"), T("caseui.assessment.rehab_yes"))
		if s := showsAny(page, childSecrets); s != "" {
			t.Errorf("the supervisor's page shows %q", s)
		}
		if strings.Contains(page, form) || strings.Contains(page, T("caseui.assessment.none")) || strings.Contains(page, T("caseui.attachments.none")) {
			t.Errorf("the supervisor's page offers the assessment form or shows withheld data as absent")
		}
		checkPageIDs(t, "supervisor's page", page)

		// Posted anyway, the form is refused with the sentence, nothing shown.
		x := postForm(t, h, w.super, caseUIPath(c.ID, "/assessment"), formOf(assessmentBody(1)))
		expectStatus(t, "withheld save", x, http.StatusForbidden)
		expectText(t, "withheld save", string(x.body), T("case.refused.specific_withheld"), T("privacy.notice"))
		if s := showsAny(string(x.body), childSecrets); s != "" {
			t.Errorf("the refused save shows %q", s)
		}
		checkPageIDs(t, "withheld save", string(x.body))

		// The worker's page: no notice, everything, the form.
		_, page = h.page(t, w.worker, "GET", caseUIPath(c.ID, ""), nil)
		expectText(t, "worker's page", page, form, "Hipertensi", "Anak mengaku dipukul ayahnya.", "visum.png")
		if strings.Contains(page, `id="specific-withheld"`) {
			t.Errorf("the worker's page says data is withheld")
		}

		// In English, the notice is English.
		postForm(t, h, w.super, "/lang", url.Values{"lang": {"en"}, "next": {"/"}})
		_, page = h.page(t, w.super, "GET", caseUIPath(c.ID, ""), nil)
		expectText(t, "supervisor's page in English", page, h.cat.T(i18n.EN, "privacy.notice"), h.cat.T(i18n.EN, "privacy.withheld"))
	})
}

package web_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/casework"
	"github.com/layan-id/layan/internal/i18n"
	"github.com/layan-id/layan/internal/registry"
)

// The case pages end to end on both engines: a worker walks a case through
// the forms from the person's record to services, a supervisor approves,
// refusals and stale forms come back on the case page in Indonesian, an
// outside agency answers through its link without an account, attachments
// go up and come down unchanged, and "Pekerjaan saya" lists the work.

// uiWorld is a harness with the demo worker's and supervisor's browsers.
type uiWorld struct {
	h             *harness
	worker, super *http.Client
	workerUser    access.User
}

func newUIWorld(t *testing.T, h *harness) *uiWorld {
	t.Helper()
	u, err := access.GetUserByName(context.Background(), h.db, h.accounts[access.Worker].Username)
	if err != nil {
		t.Fatal(err)
	}
	return &uiWorld{h: h, worker: h.browser(access.Worker), super: h.browser(access.Supervisor), workerUser: u}
}

// detail reads a case as the demo worker, through the store.
func (w *uiWorld) detail(t *testing.T, id int64) casework.Detail {
	t.Helper()
	st := &casework.Store{DB: w.h.db, People: &registry.Store{DB: w.h.db, Regions: w.h.regions}}
	d, err := st.Detail(context.Background(), audit.System("test"), w.workerUser, id)
	if err != nil {
		t.Fatalf("case %d: %v", id, err)
	}
	return d
}

// act posts a step of the case page as client c, on the case's current
// version.
func (w *uiWorld) act(t *testing.T, c *http.Client, id int64, action string, more url.Values) exchange {
	t.Helper()
	f := url.Values{"action": {action}, "version": {strconv.Itoa(w.detail(t, id).Version)}}
	for k, v := range more {
		f[k] = v
	}
	return postForm(t, w.h, c, caseUIPath(id, "/actions"), f)
}

func caseUIPath(id int64, rest string) string { return "/cases/" + strconv.FormatInt(id, 10) + rest }

// expectStatus fails unless x has status, showing the page.
func expectStatus(t *testing.T, what string, x exchange, status int) {
	t.Helper()
	if x.status != status {
		t.Fatalf("%s: status %d, want %d\n%.3000s", what, x.status, status, x.body)
	}
}

// expectRedirect fails unless x is a 303 to a location starting with prefix.
func expectRedirect(t *testing.T, what string, x exchange, prefix string) string {
	t.Helper()
	loc := x.header.Get("Location")
	if x.status != http.StatusSeeOther || !strings.HasPrefix(loc, prefix) {
		t.Fatalf("%s: status %d to %q, want 303 to %s…\n%.3000s", what, x.status, loc, prefix, x.body)
	}
	return loc
}

// expectText fails unless the page holds every text (HTML-escaped as
// templates write it).
func expectText(t *testing.T, what, page string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(page, html.EscapeString(s)) && !strings.Contains(page, s) {
			t.Errorf("%s: page lacks %q", what, s)
		}
	}
}

func TestCaseUIWalk(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		w := newUIWorld(t, h)
		T := func(key string, args ...any) string { return h.cat.T(i18n.ID, key, args...) }

		// A person with a NIK and an address, which the outside agency
		// must never see.
		person := createPerson(t, h, access.Worker, validPerson(nil)).Person

		// The person's record offers to open a case.
		_, page := h.page(t, w.worker, "GET", fmt.Sprintf("/people/%d", person.ID), nil)
		expectText(t, "person page", page, fmt.Sprintf(`href="/cases/new?person=%d"`, person.ID), T("caseui.open.button"))
		status, page := h.page(t, w.worker, "GET", fmt.Sprintf("/cases/new?person=%d", person.ID), nil)
		if status != http.StatusOK {
			t.Fatalf("new case form: %d", status)
		}
		expectText(t, "new case form", page, person.Name, `name="cluster"`, `<legend>`+T("caseui.field.setting")+`</legend>`,
			`<option value="lansia">`+T("caseui.cluster.lansia")+`</option>`, T("caseui.source.penjangkauan"), T("caseui.risk.tinggi"))
		status, page = h.page(t, w.worker, "GET", "/cases/new", nil)
		if status != http.StatusOK {
			t.Fatalf("new case form without a person: %d", status)
		}
		expectText(t, "new case form without a person", page, T("caseui.open.choose_person"), `href="/people"`)

		// A refused form comes back with what was typed and the message
		// under its field.
		open := url.Values{"person_id": {strconv.FormatInt(person.ID, 10)}, "cluster": {""}, "setting": {"keluarga"},
			"source": {"datang_sendiri"}, "risk": {"sedang"}, "note": {"Datang ke kantor bersama tetangga."}}
		x := postForm(t, h, w.worker, "/cases", open)
		expectStatus(t, "open without cluster", x, http.StatusUnprocessableEntity)
		expectText(t, "open without cluster", string(x.body), T("case.cluster_unknown"), `id="cluster-err"`,
			"Datang ke kantor bersama tetangga.", `value="keluarga" checked`)

		open.Set("cluster", "lansia")
		loc := expectRedirect(t, "open", postForm(t, h, w.worker, "/cases", open), "/cases/")
		m := regexp.MustCompile(`^/cases/(\d+)\?done=opened$`).FindStringSubmatch(loc)
		if m == nil {
			t.Fatalf("open: location %q", loc)
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		_, page = h.page(t, w.worker, "GET", loc, nil)
		expectText(t, "case page", page, T("caseui.done.opened"), T("caseui.case.heading", person.Name),
			`aria-current="step">`+T("caseui.stage.pendekatan_awal"), T("caseui.cluster.lansia"),
			fmt.Sprintf(`href="/people/%d"`, person.ID), `action="/cases/`+m[1]+`/assessment"`)

		// Pekerjaan saya: the assessment is due.
		_, page = h.page(t, w.worker, "GET", "/work", nil)
		expectText(t, "work", page, T("caseui.task.assessment_due"), person.Name, fmt.Sprintf(`href="/cases/%d"`, id))

		// The assessment, saved as a draft.
		assess := url.Values{"version": {"0"}, "domains.fisik_kesehatan": {"Hipertensi; kontrol tidak teratur."},
			"domains.sosial_keluarga": {"Tinggal sendiri."}, "risks": {"penelantaran"},
			"needs": {"permakanan", "perbekalan_kesehatan"}, "components": {"kebutuhan_hidup_layak", "perawatan_sosial"},
			"risk": {"sedang"}, "conference_on": {wibToday()}, "conference_with": {"Pekerja sosial, supervisor"},
			"conference_notes": {"Disepakati permakanan."}, "needs_rehab": {"ya"}, "conclusion": {"Perlu rehabilitasi sosial dasar."}}
		expectRedirect(t, "assessment", postForm(t, h, w.worker, caseUIPath(id, "/assessment"), assess), caseUIPath(id, "?done=assessment"))
		d := w.detail(t, id)
		if d.Assessment == nil || d.Assessment.Version != 1 || len(d.Assessment.Needs) != 2 || d.Stage != casework.Asesmen {
			t.Fatalf("assessment: %+v, stage %s", d.Assessment, d.Stage)
		}

		// A stale form (version 0 again) is refused with the conflict
		// message, its values kept.
		assess.Set("conclusion", "Versi lama dari tab lain.")
		x = postForm(t, h, w.worker, caseUIPath(id, "/assessment"), assess)
		expectStatus(t, "stale assessment", x, http.StatusConflict)
		expectText(t, "stale assessment", string(x.body), T("error.stale_version"), "Versi lama dari tab lain.", T("caseui.form_failed"))

		// A rule broken: a future conference date, under its field.
		assess.Set("version", "1")
		assess.Set("conference_on", wibDay(3))
		x = postForm(t, h, w.worker, caseUIPath(id, "/assessment"), assess)
		expectStatus(t, "future conference", x, http.StatusUnprocessableEntity)
		expectText(t, "future conference", string(x.body), T("date.future"), `id="a-conference_on-err"`)

		// The worker submits; approving is a supervisor's step, and the
		// refusal is the Indonesian sentence on the case page.
		expectRedirect(t, "submit assessment", w.act(t, w.worker, id, "submit_assessment", nil), caseUIPath(id, "?done=action"))
		x = w.act(t, w.worker, id, "approve_assessment", nil)
		expectStatus(t, "worker approves", x, http.StatusForbidden)
		expectText(t, "worker approves", string(x.body), T("case.refused.supervisor_required"), T("caseui.case.heading", person.Name))
		checkPageIDs(t, "refused step", string(x.body))

		// A stale step: the version the page showed before a change.
		x = postForm(t, h, w.worker, caseUIPath(id, "/actions"), url.Values{"action": {"add_note"}, "version": {"1"}, "note": {"Catatan lama."}})
		expectStatus(t, "stale note", x, http.StatusConflict)
		expectText(t, "stale note", string(x.body), T("error.stale_version"), "Catatan lama.")

		// The supervisor's work lists the submission; they approve it.
		_, page = h.page(t, w.super, "GET", "/work", nil)
		expectText(t, "supervisor work", page, T("caseui.task.awaiting_approval"), person.Name, T("caseui.doc.assessment"))
		_, page = h.page(t, w.super, "GET", caseUIPath(id, ""), nil)
		expectText(t, "supervisor case page", page, `value="approve_assessment"`, `value="return_assessment"`)
		expectRedirect(t, "approve assessment", w.act(t, w.super, id, "approve_assessment", nil), caseUIPath(id, "?done=action"))
		if d = w.detail(t, id); d.Stage != casework.RencanaIntervensi {
			t.Fatalf("after approval: stage %s", d.Stage)
		}

		// The plan: item rows of assessed needs with the worker
		// responsible; a blank row is ignored, a need not assessed refused
		// under its row.
		worker := strconv.FormatInt(w.workerUser.ID, 10)
		plan := url.Values{"version": {"0"}, "goals": {"Makan dan kesehatan terpenuhi tiga bulan."},
			"items.0.need": {"permakanan"}, "items.0.component": {"kebutuhan_hidup_layak"}, "items.0.quantity": {"2"},
			"items.0.unit_label": {"paket"}, "items.0.responsible_user": {worker}, "items.0.target_on": {wibToday()},
			"items.1.need": {""}, "items.1.component": {""}, "items.1.quantity": {""},
			"items.2.need": {"sandang"}, "items.2.component": {"kebutuhan_hidup_layak"}, "items.2.quantity": {"1"},
			"items.2.responsible_user": {worker}, "items.2.target_on": {wibToday()}}
		x = postForm(t, h, w.worker, caseUIPath(id, "/plan"), plan)
		expectStatus(t, "plan with a need not assessed", x, http.StatusUnprocessableEntity)
		expectText(t, "plan with a need not assessed", string(x.body), T("case.plan.need_not_assessed"), `id="i1-need-err"`,
			"Makan dan kesehatan terpenuhi tiga bulan.")
		checkPageIDs(t, "refused plan", string(x.body))
		plan.Set("items.2.need", "perbekalan_kesehatan")
		plan.Set("items.2.component", "perawatan_sosial")
		expectRedirect(t, "plan", postForm(t, h, w.worker, caseUIPath(id, "/plan"), plan), caseUIPath(id, "?done=plan"))
		if d = w.detail(t, id); d.PlanDraft == nil || len(d.PlanDraft.Items) != 2 || d.PlanDraft.Items[1].Need != casework.PerbekalanKesehatan {
			t.Fatalf("plan draft: %+v", d.PlanDraft)
		}
		_, page = h.page(t, w.worker, "GET", caseUIPath(id, ""), nil)
		checkPageIDs(t, "case page with a draft plan", page)
		// The two items and three blank rows.
		if n := strings.Count(page, `class="plan-row"`); n != 5 {
			t.Errorf("plan form has %d rows, want 5", n)
		}
		expectRedirect(t, "submit plan", w.act(t, w.worker, id, "submit_plan", nil), caseUIPath(id, "?done=action"))
		expectRedirect(t, "approve plan", w.act(t, w.super, id, "approve_plan", nil), caseUIPath(id, "?done=action"))
		if d = w.detail(t, id); d.Stage != casework.Intervensi || !d.State.PlanInForce {
			t.Fatalf("after the plan: %+v", d.State)
		}

		// Services: a refused one keeps its values; then both needs met.
		service := url.Values{"given_on": {wibDay(2)}, "need": {"permakanan"}, "component": {"kebutuhan_hidup_layak"},
			"quantity": {"2"}, "cost": {"150000"}, "provider": {"Dapur umum Sidomukti"}}
		x = postForm(t, h, w.worker, caseUIPath(id, "/services"), service)
		expectStatus(t, "future service", x, http.StatusUnprocessableEntity)
		expectText(t, "future service", string(x.body), T("date.future"), "Dapur umum Sidomukti")
		service.Set("given_on", wibToday())
		expectRedirect(t, "service", postForm(t, h, w.worker, caseUIPath(id, "/services"), service), caseUIPath(id, "?done=service"))
		service.Set("need", "perbekalan_kesehatan")
		service.Set("component", "perawatan_sosial")
		service.Set("quantity", "1")
		service.Set("cost", "75000")
		expectRedirect(t, "service 2", postForm(t, h, w.worker, caseUIPath(id, "/services"), service), caseUIPath(id, "?done=service"))
		_, page = h.page(t, w.worker, "GET", caseUIPath(id, ""), nil)
		expectText(t, "services", page, "Rp150.000", T("caseui.needs.all_met"), "Dapur umum Sidomukti")

		// A referral to an outside agency: its link is on the answering
		// page once, never in a URL, and the case page does not show it
		// again.
		refer := url.Values{"agency_kind": {"puskesmas"}, "agency_name": {"Puskesmas Sidomukti"}, "need": {"perbekalan_kesehatan"},
			"purpose": {"Pemeriksaan tekanan darah rutin."}, "due_in_days": {"5"}}
		x = postForm(t, h, w.worker, caseUIPath(id, "/referrals"), refer)
		expectStatus(t, "outside referral", x, http.StatusCreated)
		if loc := x.header.Get("Location"); loc != "" {
			t.Errorf("outside referral redirected to %q", loc)
		}
		expectText(t, "outside referral", string(x.body), T("caseui.link_once.hint"), T("caseui.done.link"))
		lm := regexp.MustCompile(`(http://[^<"\s]+)/rujukan/([A-Za-z0-9_-]{43})`).FindStringSubmatch(string(x.body))
		if lm == nil || lm[1] != h.http.URL {
			t.Fatalf("outside referral: no link on %s in the page (%v)", h.http.URL, lm)
		}
		token := lm[2]
		_, page = h.page(t, w.worker, "GET", caseUIPath(id, ""), nil)
		if strings.Contains(page, token) {
			t.Error("the case page shows the link again")
		}
		expectText(t, "case referrals", page, "Puskesmas Sidomukti", T("referral.status.dikirim"))

		// The agency's page: no account, the person's name, sex and age,
		// nothing else of theirs.
		anon := h.anonymous()
		linkPath := "/rujukan/" + token
		resp, err := anon.Get(h.http.URL + linkPath)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" ||
			resp.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("link page: %d, Cache-Control %q, Referrer-Policy %q", resp.StatusCode,
				resp.Header.Get("Cache-Control"), resp.Header.Get("Referrer-Policy"))
		}
		status, page = h.page(t, anon, "GET", linkPath, nil)
		if status != http.StatusOK {
			t.Fatalf("link page: %d", status)
		}
		checkPageIDs(t, "link page", page)
		expectText(t, "link page", page, person.Name, "Pemeriksaan tekanan darah rutin.", "Dinas Sosial Kota Salatiga",
			T("person.sex.P"), T("caseui.link.privacy"))
		for _, secret := range []string{string(person.NIK), person.Address, person.Phone, "Hipertensi", "Tinggal sendiri", "3373045203"} {
			if strings.Contains(page, secret) || strings.Contains(page, html.EscapeString(secret)) {
				t.Errorf("link page shows %q", secret)
			}
		}
		x = postForm(t, h, anon, linkPath, url.Values{"receiver_name": {""}, "status": {"selesai"}, "note": {""}})
		expectStatus(t, "link answer without a name", x, http.StatusUnprocessableEntity)
		expectText(t, "link answer without a name", string(x.body), T("field.required"), `id="receiver_name-err"`)
		expectRedirect(t, "link accepted", postForm(t, h, anon, linkPath,
			url.Values{"receiver_name": {"dr. Ratna"}, "status": {"diterima"}}), linkPath+"?done=1")
		_, page = h.page(t, anon, "GET", linkPath+"?done=1", nil)
		expectText(t, "link after answer", page, T("caseui.link.saved"), "dr. Ratna", T("caseui.link.status.selesai"))
		expectRedirect(t, "link done", postForm(t, h, anon, linkPath,
			url.Values{"receiver_name": {"dr. Ratna"}, "status": {"selesai"}, "note": {"Tekanan darah terkendali."}}), linkPath)
		_, page = h.page(t, anon, "GET", linkPath, nil)
		expectText(t, "link closed", page, T("caseui.link.closed"), "Tekanan darah terkendali.")
		_, page = h.page(t, w.worker, "GET", caseUIPath(id, ""), nil)
		expectText(t, "case after the agency's answer", page, T("referral.status.selesai"), "Tekanan darah terkendali.")
		// Unknown and mistyped links: a page that says so, and nothing else.
		for _, bad := range []string{"/rujukan/" + strings.Repeat("x", 43), "/rujukan/pendek"} {
			status, page = h.page(t, anon, "GET", bad, nil)
			if status != http.StatusNotFound || !strings.Contains(page, html.EscapeString(T("referral.link_invalid"))) {
				t.Errorf("%s: %d\n%.500s", bad, status, page)
			}
			if strings.Contains(page, person.Name) {
				t.Errorf("%s shows the person", bad)
			}
		}

		// An attachment goes up and comes down byte for byte; a PNG named
		// .pdf is refused with the sentence that says so.
		img := tinyPNG
		up := newMultipart(t, "foto kunjungan.png", img, "Rumah tampak depan")
		expectRedirect(t, "upload", post(t, h, w.worker, caseUIPath(id, "/attachments"), up.contentType, up.data), caseUIPath(id, "?done=attachment"))
		d = w.detail(t, id)
		if len(d.Attachments) != 1 {
			t.Fatalf("attachments: %+v", d.Attachments)
		}
		a := d.Attachments[0]
		resp, err = w.worker.Get(h.http.URL + caseUIPath(id, fmt.Sprintf("/attachments/%d", a.ID)))
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		got.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !bytes.Equal(got.Bytes(), img) {
			t.Errorf("download: %d, %d bytes, want %d identical", resp.StatusCode, got.Len(), len(img))
		}
		for hdr, want := range map[string]string{"Content-Type": "image/png", "X-Content-Type-Options": "nosniff",
			"Content-Disposition": `attachment; filename="foto kunjungan.png"`} {
			if v := resp.Header.Get(hdr); v != want {
				t.Errorf("download %s: %q, want %q", hdr, v, want)
			}
		}
		bad := newMultipart(t, "surat.pdf", img, "")
		x = post(t, h, w.worker, caseUIPath(id, "/attachments"), bad.contentType, bad.data)
		expectStatus(t, "mislabelled upload", x, http.StatusUnprocessableEntity)
		expectText(t, "mislabelled upload", string(x.body), T("attachment.type_mismatch", "surat.pdf", "PNG", ".png"), `id="att-file-err"`)
		if len(w.detail(t, id).Attachments) != 1 {
			t.Error("the mislabelled file was kept")
		}
		// Another case's attachment is not found through this one.
		if status, _ := h.page(t, w.worker, "GET", caseUIPath(id+1000, fmt.Sprintf("/attachments/%d", a.ID)), nil); status != http.StatusNotFound {
			t.Errorf("attachment through another case: %d", status)
		}

		// Terminasi: the reason is asked; approved, the visits are
		// scheduled; ending bimbingan lanjut before they are recorded is
		// refused with its sentence.
		x = w.act(t, w.worker, id, "request_termination", url.Values{"reason": {""}})
		expectStatus(t, "termination without a reason", x, http.StatusConflict)
		expectText(t, "termination without a reason", string(x.body), T("case.refused.reason_required"))
		expectRedirect(t, "request termination", w.act(t, w.worker, id, "request_termination",
			url.Values{"reason": {"tujuan_tercapai"}, "note": {"Kebutuhan terpenuhi."}}), caseUIPath(id, "?done=action"))
		expectRedirect(t, "approve termination", w.act(t, w.super, id, "approve_termination", nil), caseUIPath(id, "?done=action"))
		d = w.detail(t, id)
		if d.Stage != casework.BimbinganLanjut || len(d.FollowUps) != 3 {
			t.Fatalf("after terminasi: %s, %d visits", d.Stage, len(d.FollowUps))
		}
		x = w.act(t, w.worker, id, "close_follow_up", nil)
		expectStatus(t, "close follow-up early", x, http.StatusConflict)
		expectText(t, "close follow-up early", string(x.body), T("case.refused.follow_ups_pending"))
		v := d.FollowUps[0]
		visit := url.Values{"done_on": {wibToday()}, "outcome": {"stabil"}, "note": {"Sehat."}, "version": {strconv.Itoa(v.Version)}}
		expectRedirect(t, "visit", postForm(t, h, w.worker, caseUIPath(id, fmt.Sprintf("/follow-ups/%d", v.ID)), visit), caseUIPath(id, "?done=follow_up"))
		x = postForm(t, h, w.worker, caseUIPath(id, fmt.Sprintf("/follow-ups/%d", v.ID)), visit)
		expectStatus(t, "stale visit", x, http.StatusConflict)
		expectText(t, "stale visit", string(x.body), T("error.stale_version"))
		_, page = h.page(t, w.worker, "GET", caseUIPath(id, ""), nil)
		checkPageIDs(t, "case page in bimbingan lanjut", page)
		expectText(t, "visits", page, T("case.follow_up.outcome.stabil"), fmt.Sprintf(`id="follow-up-%d"`, d.FollowUps[1].ID),
			`aria-current="step">`+T("caseui.stage.bimbingan_lanjut"))

		// The whole history is on the page.
		for _, ev := range []string{"open", "submit_assessment", "approve_assessment", "approve_plan", "record_service", "refer",
			"referral_completed", "attach", "approve_termination", "record_follow_up"} {
			expectText(t, "timeline", page, T("caseui.event."+ev))
		}

		// The case list shows it; English comes from the catalog.
		_, page = h.page(t, w.worker, "GET", "/cases?open=false&stage=bimbingan_lanjut", nil)
		expectText(t, "list", page, person.Name, T("caseui.stage.bimbingan_lanjut"))
		expectText(t, "list", page, `<option value="asesmen">`+T("caseui.stage.asesmen")+`</option>`)
		_, page = h.page(t, w.worker, "GET", "/cases?stage=asesmen", nil)
		if strings.Contains(page, person.Name) {
			t.Error("the stage filter kept another stage's case")
		}
		en := h.browser(access.Worker)
		postForm(t, h, en, "/lang", url.Values{"lang": {"en"}, "next": {"/"}})
		_, page = h.page(t, en, "GET", caseUIPath(id, ""), nil)
		expectText(t, "English case page", page, `<html lang="en">`, h.cat.T(i18n.EN, "caseui.stage.bimbingan_lanjut"),
			h.cat.T(i18n.EN, "caseui.services.title"))
	})
}

// A referral to another unit of layan is answered on the receiving unit's
// "Rujukan masuk" page: a decline needs its reason; accepted, the outcome
// closes it.
func TestCaseUIIncomingReferrals(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		w := newUIWorld(t, h)
		addMakassarWorker(t, h)
		mk := h.browser(makassarWorker)
		T := func(key string, args ...any) string { return h.cat.T(i18n.ID, key, args...) }
		person := createPerson(t, h, access.Worker, validPerson(nil)).Person
		loc := expectRedirect(t, "open", postForm(t, h, w.worker, "/cases", url.Values{"person_id": {strconv.FormatInt(person.ID, 10)},
			"cluster": {"lansia"}, "setting": {"keluarga"}, "source": {"hotline"}, "risk": {"tinggi"}}), "/cases/")
		id, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(loc, "/cases/"), "?done=opened"), 10, 64)
		makassar := unitID(t, h, "Dinas Sosial Kota Makassar")

		// The unit select of the referral form lists the other units.
		_, page := h.page(t, w.worker, "GET", caseUIPath(id, ""), nil)
		expectText(t, "referral form", page, fmt.Sprintf(`<option value="%d">Dinas Sosial Kota Makassar</option>`, makassar))
		x := postForm(t, h, w.worker, caseUIPath(id, "/referrals"), url.Values{"to_unit": {strconv.FormatInt(makassar, 10)},
			"agency_kind": {"puskesmas"}, "purpose": {"Keluarga di Makassar."}})
		expectStatus(t, "two receivers", x, http.StatusUnprocessableEntity)
		expectText(t, "two receivers", string(x.body), T("referral.one_receiver"), "Keluarga di Makassar.")
		expectRedirect(t, "refer", postForm(t, h, w.worker, caseUIPath(id, "/referrals"), url.Values{
			"to_unit": {strconv.FormatInt(makassar, 10)}, "purpose": {"Keluarga di Makassar."}, "due_in_days": {"7"}}),
			caseUIPath(id, "?done=referral"))
		ref := w.detail(t, id).Referrals[0]

		// Makassar sees it on its work and its referrals page.
		_, page = h.page(t, mk, "GET", "/work", nil)
		expectText(t, "makassar work", page, fmt.Sprintf(`href="/referrals#referral-%d"`, ref.ID), "Dinas Sosial Kota Salatiga")
		_, page = h.page(t, mk, "GET", "/referrals", nil)
		expectText(t, "incoming", page, "Keluarga di Makassar.", fmt.Sprintf(`action="/referrals/%d/answer"`, ref.ID))
		// Salatiga's own list has nothing of it; Salatiga cannot answer.
		_, page = h.page(t, w.worker, "GET", "/referrals", nil)
		expectText(t, "salatiga incoming", page, T("caseui.incoming.none"))
		x = postForm(t, h, w.worker, fmt.Sprintf("/referrals/%d/answer", ref.ID), url.Values{"version": {"1"}, "decision": {"terima"}})
		expectStatus(t, "answer from the sender", x, http.StatusNotFound)

		answer := fmt.Sprintf("/referrals/%d/answer", ref.ID)
		x = postForm(t, h, mk, answer, url.Values{"version": {"1"}, "decision": {"tolak"}})
		expectStatus(t, "decline without reason", x, http.StatusUnprocessableEntity)
		expectText(t, "decline without reason", string(x.body), T("field.required"), fmt.Sprintf(`id="ref-%d-note-err"`, ref.ID))
		x = postForm(t, h, mk, answer, url.Values{"version": {"1"}})
		expectStatus(t, "no decision", x, http.StatusUnprocessableEntity)
		expectText(t, "no decision", string(x.body), T("caseui.incoming.decision_required"))
		expectRedirect(t, "accept", postForm(t, h, mk, answer, url.Values{"version": {"1"}, "decision": {"terima"}}), "/referrals?done=answered")
		x = postForm(t, h, mk, answer, url.Values{"version": {"1"}, "decision": {"terima"}})
		expectStatus(t, "accept twice", x, http.StatusConflict)
		expectRedirect(t, "outcome", postForm(t, h, mk, fmt.Sprintf("/referrals/%d/outcome", ref.ID),
			url.Values{"version": {"2"}, "outcome": {"Bertemu keluarga."}}), "/referrals?done=outcome")
		_, page = h.page(t, w.worker, "GET", caseUIPath(id, ""), nil)
		expectText(t, "case after the outcome", page, "Bertemu keluarga.", T("referral.status.selesai"))
	})
}

// Every name the case pages build from a code exists in both languages,
// and so does every key their Go code names.
func TestCaseUICatalogKeys(t *testing.T) {
	keys := map[string]bool{}
	add := func(prefix string, codes ...string) {
		for _, c := range codes {
			keys[prefix+c] = true
		}
	}
	add("caseui.stage.", strs(casework.Stages)...)
	add("caseui.cluster.", strs(casework.Clusters)...)
	add("caseui.setting.", strs(casework.Settings)...)
	add("caseui.source.", strs(casework.Sources)...)
	add("caseui.risk.", strs(casework.Risks)...)
	add("caseui.need.", strs(casework.Needs)...)
	add("caseui.component.", strs(casework.Components)...)
	add("caseui.domain.", strs(casework.Domains)...)
	add("caseui.risk_flag.", strs(casework.RiskFlags)...)
	add("caseui.reason.", strs(casework.Reasons)...)
	add("caseui.review.", "none", string(casework.Draft), string(casework.Submitted), string(casework.Approved), string(casework.Returned))
	add("caseui.event.", strs(casework.Actions)...)
	add("caseui.event.", "open", "referral_accepted", "referral_declined", "referral_completed", "referral_escalated", "transferred")
	add("caseui.action.", "submit_assessment", "approve_assessment", "return_assessment", "submit_plan", "approve_plan",
		"return_plan", "start_reintegration", "request_termination", "approve_termination", "return_termination",
		"close_follow_up", "reopen", "add_note")
	add("caseui.task.", casework.TaskAssess, casework.TaskRevise, casework.TaskPlan, casework.TaskApprove)
	add("caseui.done.", "opened", "assessment", "plan", "service", "referral", "follow_up", "attachment", "action",
		"answered", "outcome", "transferred", "link")
	add("caseui.link.status.", "diterima", "selesai", "ditolak")
	add("referral.agency.", strs(casework.AgencyKinds)...)
	add("referral.status.", strs(casework.ReferralStatuses)...)
	add("case.follow_up.outcome.", strs(casework.FollowUpOutcomes)...)
	add("case.refused.", casework.CodeTeamRequired, casework.CodeSupervisorRequired, casework.CodeAssessmentRequired,
		casework.CodePlanRequired, casework.CodeApprovalRequired, casework.CodeSubmissionRequired, casework.CodeAlreadyApproved,
		casework.CodeWrongStage, casework.CodeCaseClosed, casework.CodeReasonRequired, casework.CodeEmergencyWindowPassed,
		casework.CodeCannotReopen, casework.CodeOwnSubmission, casework.CodeFollowUpsPending)
	catalogKeys(t, keys, `"((?:caseui|case|referral|attachment|field|error|person|people)\.[a-z_.]+[a-z_])"`, "cases_ui.go")
	expectKeys(t, keys, 50)
}

// idAttr and forAttr find the ids of a page and what labels and
// descriptions point at.
var (
	idAttr  = regexp.MustCompile(`\sid="([^"]+)"`)
	refAttr = regexp.MustCompile(`\s(?:for|aria-describedby|aria-labelledby)="([^"]+)"`)
)

// checkPageIDs fails when a page repeats an id, or a label or description
// points at an id the page lacks: assistive technology would read the
// wrong field's text, or none.
func checkPageIDs(t *testing.T, what, page string) {
	t.Helper()
	ids := map[string]bool{}
	for _, m := range idAttr.FindAllStringSubmatch(page, -1) {
		if ids[m[1]] {
			t.Errorf("%s: id %q twice", what, m[1])
		}
		ids[m[1]] = true
	}
	for _, m := range refAttr.FindAllStringSubmatch(page, -1) {
		for _, id := range strings.Fields(m[1]) {
			if !ids[id] {
				t.Errorf("%s: points at id %q, which the page lacks", what, id)
			}
		}
	}
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// Every case page renders in both languages without a raw key or a
// message with the wrong arguments.
func TestCaseUIPagesRender(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		fx := newFixture(t, h)
		rawKey := regexp.MustCompile(`>\s*(caseui|case|referral|field)\.[a-z_.]+\s*<`)
		id := fx.cases["salatiga"]
		for _, role := range []access.Role{access.Worker, access.Supervisor} {
			c := h.browser(role)
			for _, lang := range []string{"id", "en"} {
				postForm(t, h, c, "/lang", url.Values{"lang": {lang}, "next": {"/"}})
				for _, path := range []string{"/work", "/cases", "/cases?stage=asesmen&open=true&mine=true", "/cases/new",
					fmt.Sprintf("/cases/new?person=%d", fx.people["salatiga"]), caseUIPath(id, ""), "/referrals"} {
					status, body := h.page(t, c, "GET", path, nil)
					if status != http.StatusOK {
						t.Errorf("%s %s %s: %d", role, lang, path, status)
					}
					if m := rawKey.FindString(body); m != "" {
						t.Errorf("%s %s %s: raw key %s", role, lang, path, m)
					}
					if strings.Contains(body, "%!") {
						t.Errorf("%s %s %s: a message with wrong arguments", role, lang, path)
					}
					if !strings.Contains(body, `<html lang="`+lang+`">`) {
						t.Errorf("%s %s: not marked lang=%s", lang, path, lang)
					}
					checkPageIDs(t, string(role)+" "+path, body)
				}
			}
		}
		// The nav links to the work and the cases for those who hold
		// cases, and to neither for the others.
		for _, role := range []access.Role{access.Worker, access.Planner, access.Admin} {
			_, body := h.page(t, h.browser(role), "GET", "/", nil)
			has := strings.Contains(body, `href="/work"`) && strings.Contains(body, `href="/cases"`)
			if want := role == access.Worker; has != want {
				t.Errorf("%s: nav links to cases: %v, want %v", role, has, want)
			}
		}
	})
}

// Matrix helpers for the case pages. The objects a route names — a visit,
// an attachment, a referral, a link — come from cases_more_test.go's
// fixture helpers, as for the API's routes.

// uiReady brings a fixture case back to an open stage (reopening it), for
// a request that needs one.
func (fx *fixture) uiReady(a actor, key string) {
	if mayPrepare(a, key) && !fx.currentCase(key).Stage.Open() {
		fx.caseStep(key, access.Supervisor, casework.Reopen, "")
	}
}

// formOf turns a JSON body of the case API into the case page's form.
func formOf(body any) url.Values {
	f := url.Values{}
	for k, v := range body.(map[string]any) {
		switch v := v.(type) {
		case string:
			f.Set(k, v)
		case int:
			f.Set(k, strconv.Itoa(v))
		case bool:
			f.Set(k, map[bool]string{true: "ya", false: "tidak"}[v])
		case []string:
			f[k] = v
		case map[string]string:
			for d, text := range v {
				f.Set(k+"."+d, text)
			}
		case []map[string]any:
			for i, it := range v {
				for name, x := range it {
					f.Set(fmt.Sprintf("items.%d.%s", i, name), fmt.Sprint(x))
				}
			}
		}
	}
	return f
}

// The valid requests of the case pages' POST routes, for roles_test.go's
// requests. Each first brings the fixture case to a state where it is
// valid, as the API's do (cases_test.go).

func uiBodyOpen(fx *fixture, _ actor, _ string) any {
	return url.Values{"person_id": {strconv.FormatInt(fx.freshPerson("salatiga"), 10)}, "cluster": {"anak"},
		"setting": {"keluarga"}, "source": {"rujukan"}, "risk": {"sedang"}, "note": {"uji matriks"}}
}

func uiBodyFollowUp(fx *fixture, _ actor, key string) any {
	return url.Values{"done_on": {wibToday()}, "outcome": {"stabil"}, "note": {"uji matriks"},
		"version": {strconv.Itoa(fx.followUpVersion(key))}}
}

func uiBodyAttachment(fx *fixture, _ actor, _ string) any {
	return newMultipart(fx.t, "foto rumah.png", tinyPNG, "uji matriks")
}

func uiBodyNote(fx *fixture, _ actor, key string) any {
	return url.Values{"action": {"add_note"}, "version": {strconv.Itoa(fx.currentCase(key).Version)}, "note": {"uji matriks"}}
}

func uiBodyAssessment(fx *fixture, a actor, key string) any {
	fx.uiReady(a, key)
	return formOf(fx.readyAssessment(a, key))
}

func uiBodyPlan(fx *fixture, a actor, key string) any {
	fx.uiReady(a, key)
	return formOf(fx.readyPlan(a, key))
}

func uiBodyService(fx *fixture, a actor, key string) any {
	fx.uiReady(a, key)
	// An emergency basic need: taken within the emergency window, and as an
	// ordinary service once a plan is in force.
	return url.Values{"given_on": {wibToday()}, "need": {"permakanan"}, "component": {"kebutuhan_hidup_layak"},
		"quantity": {"1"}, "cost": {"25000"}, "emergency": {"1"}}
}

func uiBodyReferral(fx *fixture, a actor, key string) any {
	fx.uiReady(a, key)
	return url.Values{"agency_kind": {"puskesmas"}, "agency_name": {"Puskesmas Sidorejo Lor"}, "purpose": {"uji matriks"}}
}

func uiBodyAnswer(*fixture, actor, string) any {
	// The referral is made for the request (fx.referralTo): version 1.
	return url.Values{"version": {"1"}, "decision": {"terima"}, "note": {"uji matriks"}}
}

func uiBodyOutcome(fx *fixture, _ actor, key string) any {
	return url.Values{"version": {strconv.Itoa(fx.acceptLastReferral(key))}, "outcome": {"uji matriks"}}
}

func uiBodyLink(*fixture, actor, string) any {
	return url.Values{"receiver_name": {"Petugas Uji"}, "status": {"diterima"}, "note": {"uji matriks"}}
}

package main

// One case of issue 5 from first contact to bimbingan lanjut, in a real
// browser and in Bahasa Indonesia, through the pages only: the demo pekerja
// sosial of Dinas Sosial Kota Salatiga registers a person and opens a case,
// writes and submits the assessment (and is refused a service before it is
// approved), the unit's supervisor approves it from "Pekerjaan saya", the
// plan goes the same way, services meet every need, an outside agency
// answers a referral through its link in a browser without an account, the
// case is terminated with its goals reached and a bimbingan lanjut visit is
// recorded. It runs on the machinery of TestE2E (e2e_test.go): `layan serve
// --demo` through run, headless Chromium, axe-core on every page, console
// and CSP errors fatal.
//
//	LAYAN_TEST_CHROMIUM=/usr/bin/chromium \
//	LAYAN_TEST_POSTGRES='postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable' \
//	go test ./cmd/layan/ -run E2ECases -count=1 -v

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/casework"
	"github.com/layan-id/layan/internal/db/dbtest"
)

// e2eCasesBudget is what one engine's run should take.
const e2eCasesBudget = 90 * time.Second

// e2eWIB is the zone the case pages write days in.
var e2eWIB = time.FixedZone("WIB", 7*60*60)

// The case: the woman of TestE2EPeople (registered afresh in this test's
// own database) came to the Dinas Sosial herself, without food, clothes or
// access to health care. Each need gets one plan item and one service that
// meets it; the Puskesmas gets the referral for her health.
var e2eCaseNeeds = []struct {
	need, component, unit string
	qty                   int
	cost                  string
}{
	{"permakanan", "kebutuhan_hidup_layak", "paket", 3, "225000"},
	{"sandang", "kebutuhan_hidup_layak", "paket", 1, "150000"},
	{"akses_kesehatan", "dukungan_aksesibilitas", "kali", 1, "0"},
}

const (
	e2eAgency   = "Puskesmas Sidorejo Lor"
	e2eReceiver = "dr. Ratna Kusumastuti"
	e2eOutcome  = "Pemeriksaan kesehatan selesai; kontrol rutin tiap bulan di puskesmas."
)

func TestE2ECases(t *testing.T) {
	env := e2eSetup(t)
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			start := time.Now()
			srv, b := env.start(t, engine)
			w := &caseWalk{b: b, t: t}
			var ok1, ok2 bool
			w.worker, ok1 = srv.accounts[access.Worker]
			w.sup, ok2 = srv.accounts[access.Supervisor]
			if !ok1 || !ok2 {
				t.Fatal("no demo account for the worker or the supervisor")
			}
			b.step("desktop viewport", chromedp.EmulateViewport(1280, 900))
			b.login(w.worker)
			w.open()
			w.assess()
			w.as(w.sup)
			w.approve("caseui.doc.assessment", casework.ApproveAssessment, casework.RencanaIntervensi)
			w.as(w.worker)
			w.plan()
			w.as(w.sup)
			w.approve("caseui.doc.plan", casework.ApprovePlan, casework.Intervensi)
			w.as(w.worker)
			w.serve()
			w.refer()
			w.terminate()
			w.as(w.sup)
			w.approve("caseui.doc.termination", casework.ApproveTermination, casework.BimbinganLanjut)
			w.scheduled()
			w.as(w.worker)
			w.followUp()
			w.timeline()
			b.logout()
			elapsed := time.Since(start)
			t.Logf("%s: %d pages checked with axe (%v in axe), whole run %v", engine, b.pages, b.axeTime.Round(time.Millisecond), elapsed.Round(time.Millisecond))
			if elapsed > e2eCasesBudget {
				t.Logf("warning: the %s run took %v, over its budget of %v", engine, elapsed.Round(time.Second), e2eCasesBudget)
			}
			b.logFindings()
		})
	}
}

// caseWalk is one case walked through the pages, and who walks it.
type caseWalk struct {
	b           *browser
	t           *testing.T
	worker, sup demoAccount
	path        string    // the case's page, /cases/N
	today       time.Time // the server's day in WIB, read from a form
	terminated  time.Time // when the supervisor approved terminasi
}

func (w *caseWalk) tr(key string, args ...any) string { return w.b.tr(key, args...) }

// caseDay writes t as the case pages do, DD-MM-YYYY.
func caseDay(t time.Time) string { return t.Format("02-01-2006") }

// as signs the current user out and signs a in.
func (w *caseWalk) as(a demoAccount) {
	w.b.logout()
	w.b.login(a)
}

// stage is the label of the current step in the case page's stage list.
func (w *caseWalk) stage() string {
	return strings.TrimSpace(eval[string](w.b, `((document.querySelector("ol.steps li[aria-current=step]") || {}).firstChild || {}).textContent || ""`))
}

// expectStage checks the case page marks st as the current stage.
func (w *caseWalk) expectStage(st casework.Stage) {
	w.t.Helper()
	if got, want := w.stage(), w.tr("caseui.stage."+string(st)); got != want {
		w.t.Errorf("%s: the case is at stage %q, want %q", w.b.where(), got, want)
	}
}

// doc is what the case page says of a document (caseui.doc.*): its review
// and what goes with it.
func (w *caseWalk) doc(key string) string {
	return eval[string](w.b, fmt.Sprintf(`(() => {
		const dt = [...document.querySelectorAll("section[aria-labelledby=h-stage] dl.facts dt")].find(d => d.textContent.trim() === %q);
		return dt ? dt.nextElementSibling.innerText.trim() : "";
	})()`, w.tr(key)))
}

// expectDoc checks the case page says review of document key.
func (w *caseWalk) expectDoc(key string, review casework.Review) {
	w.t.Helper()
	want := w.tr("caseui.review.none")
	if review != casework.None {
		want = w.tr("caseui.review." + string(review))
	}
	if got := w.doc(key); !strings.HasPrefix(got, want) {
		w.t.Errorf("%s: the case page says %s is %q, want %q", w.b.where(), w.tr(key), got, want)
	}
}

// expectDone checks the page confirms what was just done (caseui.done.*).
func (w *caseWalk) expectDone(key string) {
	w.t.Helper()
	if got, want := strings.TrimSpace(w.b.text(`main .alert.ok[role=status]`)), w.tr("caseui.done."+key); got != want {
		w.t.Errorf("%s: the page confirms %q, want %q", w.b.where(), got, want)
	}
}

// expectRefused checks the case page refused a step with code's sentence.
func (w *caseWalk) expectRefused(code string) {
	w.t.Helper()
	w.b.step("wait for the refusal", chromedp.WaitVisible(chromedp.ID("refused")))
	got := strings.Join(strings.Fields(w.b.text("#refused")), " ")
	if !strings.Contains(got, w.tr("caseui.refused")) || !strings.Contains(got, w.tr("case.refused."+code)) {
		w.t.Errorf("%s: the refusal says %q, want %q and %q", w.b.where(), got, w.tr("caseui.refused"), w.tr("case.refused."+code))
	}
}

// actions are the steps the case page offers the user.
func (w *caseWalk) actions() []string {
	return eval[[]string](w.b, `[...document.querySelectorAll("#actions input[name=action]")].map(i => i.value)`)
}

func (w *caseWalk) offers(a casework.Action) bool {
	for _, x := range w.actions() {
		if x == string(a) {
			return true
		}
	}
	return false
}

// actButton is the button of step a in the case page's "Langkah berikutnya".
func actButton(a casework.Action) chromedp.Search {
	return chromedp.Search(fmt.Sprintf(`//section[@id="actions"]//form[input[@name="action" and @value=%q]]//button[@type="submit"]`, a))
}

// act clicks the button of step a, which the page must offer.
func (w *caseWalk) act(a casework.Action) {
	w.t.Helper()
	if !w.offers(a) {
		w.t.Fatalf("%s: the case page does not offer %q; it offers %v", w.b.where(), w.tr("caseui.action."+string(a)), w.actions())
	}
	w.b.follow(w.tr("caseui.action."+string(a)), chromedp.Click(actButton(a)))
	if p := w.b.path(); p != w.path {
		w.t.Fatalf("%s: after %s on %s, want the case page", w.b.where(), a, p)
	}
	w.expectDone("action")
}

// workItem is the text of the item that links the case in a section of
// "Pekerjaan saya", "" when the section does not list it.
func (w *caseWalk) workItem(section string) string {
	return eval[string](w.b, fmt.Sprintf(`(() => {
		const a = [...document.querySelectorAll("section[aria-labelledby=%s] li a")].find(a => {
			const h = a.getAttribute("href");
			return h === %[2]q || h.startsWith(%[2]q + "#");
		});
		return a ? a.closest("li").innerText : "";
	})()`, section, w.path))
}

// work opens "Pekerjaan saya" from the menu.
func (w *caseWalk) work() {
	w.b.follow("menu /work", chromedp.Click(chromedp.CSS(`header.top nav a[href="/work"]`)))
	if h := strings.TrimSpace(w.b.text("main h1")); h != w.tr("caseui.work.title") {
		w.t.Fatalf("%s: the work view is titled %q, want %q", w.b.where(), h, w.tr("caseui.work.title"))
	}
}

// fromWork opens the case from a section of "Pekerjaan saya", which must
// list it with want.
func (w *caseWalk) fromWork(section, want string) {
	w.t.Helper()
	w.work()
	item := w.workItem(section)
	if item == "" {
		w.t.Fatalf("%s: %q does not list the case %s: %q", w.b.where(), w.b.text("#"+section), w.path,
			w.b.text(fmt.Sprintf("section[aria-labelledby=%s]", section)))
	}
	if !strings.Contains(item, want) {
		w.t.Errorf("%s: %q lists the case as %q, want %q in it", w.b.where(), w.b.text("#"+section), item, want)
	}
	w.b.follow("the case in "+section, chromedp.Click(chromedp.CSS(fmt.Sprintf(`section[aria-labelledby=%s] a[href=%q]`, section, w.path))))
}

// fromList opens the case from the case list filtered by stage, where it
// must be listed at that stage.
func (w *caseWalk) fromList(st casework.Stage) {
	w.t.Helper()
	w.b.follow("menu /cases", chromedp.Click(chromedp.CSS(`header.top nav a[href="/cases"]`)))
	w.b.step("filter by stage", chromedp.SetValue(chromedp.ID("cases-stage"), string(st)))
	w.b.follow("filter the cases", chromedp.Click(chromedp.CSS(`form[role=search] button[type=submit]`)))
	row := eval[string](w.b, fmt.Sprintf(`((document.querySelector('table.list a[href=%q]') || {closest: () => null}).closest("tr") || {}).innerText || ""`, w.path))
	if !strings.Contains(row, e2eName) || !strings.Contains(row, w.tr("caseui.stage."+string(st))) {
		w.t.Fatalf("%s: the list of cases at %s lists the case as %q", w.b.where(), st, row)
	}
	w.b.follow("the case in the list", chromedp.Click(chromedp.CSS(fmt.Sprintf(`table.list a[href=%q]`, w.path))))
}

// openDetails opens a collapsed form of the case page by its summary.
func (w *caseWalk) openDetails(sel string) {
	w.t.Helper()
	if !eval[bool](w.b, fmt.Sprintf(`document.querySelector(%q).open`, sel)) {
		w.b.step("open "+sel, chromedp.Click(chromedp.CSS(sel+" > summary")))
	}
	w.b.step("wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel+" form button[type=submit]")))
}

// 1. The worker registers the person and opens a case for her.
func (w *caseWalk) open() {
	b, t := w.b, w.t
	b.follow("menu /people", chromedp.Click(chromedp.CSS(`header.top nav a[href="/people"]`)))
	b.follow("new person", chromedp.Click(chromedp.CSS(`main a[href="/people/new"]`)))
	b.fillPerson(e2eNIK, e2eName)
	b.follow("save the person", chromedp.Click(chromedp.CSS(`form[action="/people"] button[type=submit]`)))
	if h := strings.TrimSpace(b.text("main h1")); h != e2eName {
		t.Fatalf("%s: the new record is titled %q, want %q", b.where(), h, e2eName)
	}
	b.follow(w.tr("caseui.open.button"), chromedp.Click(chromedp.CSS(`main a[href^="/cases/new?person="]`)))
	if h := strings.TrimSpace(b.text("main h1")); h != w.tr("caseui.open.title") {
		t.Errorf("%s: the case form is titled %q, want %q", b.where(), h, w.tr("caseui.open.title"))
	}
	if lead := b.text("main p.lead"); !strings.Contains(lead, w.tr("caseui.open.for", e2eName)) {
		t.Errorf("%s: the case form says %q, want %q", b.where(), lead, w.tr("caseui.open.for", e2eName))
	}
	b.step("fill the case form",
		chromedp.SetValue(chromedp.ID("cluster"), string(casework.ClusterLainnya)),
		chromedp.Click(chromedp.CSS(`input[name=setting][value=keluarga]`)),
		chromedp.SetValue(chromedp.ID("source"), string(casework.DatangSendiri)),
		chromedp.Click(chromedp.CSS(`input[name=risk][value=sedang]`)),
		chromedp.SendKeys(chromedp.ID("note"), "Datang sendiri ke kantor Dinas Sosial; tidak punya bahan makanan dan pakaian layak."),
	)
	b.check("the case form filled in")
	b.follow(w.tr("caseui.open.submit"), chromedp.Click(chromedp.CSS(`form[action="/cases"] button[type=submit]`)))
	if !regexp.MustCompile(`^/cases/\d+$`).MatchString(b.path()) {
		t.Fatalf("%s: opening the case did not lead to its page", b.where())
	}
	w.path = b.path()
	t.Logf("opened %s for %s", w.path, e2eName)
	w.expectDone("opened")
	if h := strings.TrimSpace(b.text("main h1")); h != w.tr("caseui.case.heading", e2eName) {
		t.Errorf("%s: the case page is titled %q, want %q", b.where(), h, w.tr("caseui.case.heading", e2eName))
	}
	w.expectStage(casework.PendekatanAwal)
	w.expectDoc("caseui.doc.assessment", casework.None)
	facts := eval[string](b, `document.querySelector("section[aria-labelledby=h-case] dl.facts").innerText`)
	for _, want := range []string{e2eName, "Dinas Sosial Kota Salatiga", w.tr("caseui.cluster.lainnya"),
		w.tr("caseui.setting.keluarga") + " (" + w.tr("caseui.luar_panti") + ")", w.tr("caseui.source.datang_sendiri"), w.tr("caseui.risk.sedang")} {
		if !strings.Contains(facts, want) {
			t.Errorf("%s: the case's summary lacks %q: %q", b.where(), want, facts)
		}
	}
	// The server's day, which the assessment form offers as the latest
	// day of the case conference.
	today := eval[string](b, `document.getElementById("a-conference_on").max`)
	var err error
	if w.today, err = time.ParseInLocation(time.DateOnly, today, e2eWIB); err != nil {
		t.Fatalf("%s: the conference day's max is %q, want the server's day: %v", b.where(), today, err)
	}
	// The new case is the worker's work: its assessment is due in a week.
	w.fromWork("h-work-assess", w.tr("caseui.work.due", caseDay(w.today.AddDate(0, 0, casework.DefaultAssessmentDays))))
}

// 2. The worker writes the assessment and submits it; before approval a
// service is refused and the plan cannot be written.
func (w *caseWalk) assess() {
	b, t := w.b, w.t
	w.expectStage(casework.PendekatanAwal)
	today := w.today.Format(time.DateOnly)
	actions := []chromedp.Action[chromedp.Void]{
		chromedp.SendKeys(chromedp.ID("a-d-fisik_kesehatan"), "Sehat, tetapi belum pernah memeriksakan tekanan darahnya."),
		chromedp.SendKeys(chromedp.ID("a-d-sosial_keluarga"), "Tinggal sendiri sejak suaminya meninggal; anaknya merantau."),
		chromedp.SendKeys(chromedp.ID("a-d-ekonomi"), "Tanpa penghasilan tetap; makan dari bantuan tetangga."),
	}
	for _, n := range e2eCaseNeeds {
		actions = append(actions, chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name=needs][value=%q]`, n.need))))
	}
	for _, c := range []string{"kebutuhan_hidup_layak", "dukungan_aksesibilitas"} {
		actions = append(actions, chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name=components][value=%q]`, c))))
	}
	actions = append(actions,
		chromedp.Click(chromedp.CSS(`form[action$="/assessment"] input[name=risk][value=sedang]`)),
		chromedp.SetValue(chromedp.ID("a-conference_on"), today),
		chromedp.SendKeys(chromedp.ID("a-conference_with"), "Pekerja sosial, supervisor, pendamping kelurahan"),
		chromedp.SendKeys(chromedp.ID("a-conference_notes"), "Disepakati permakanan, sandang, dan akses layanan kesehatan."),
		chromedp.Click(chromedp.CSS(`input[name=needs_rehab][value=ya]`)),
		chromedp.SendKeys(chromedp.ID("a-conclusion"), "Memerlukan rehabilitasi sosial dasar."),
	)
	b.step("fill the assessment", actions...)
	b.check("the assessment filled in")
	b.follow(w.tr("caseui.assessment.save"), chromedp.Click(chromedp.CSS(`form[action$="/assessment"] button[type=submit]`)))
	w.expectDone("assessment")
	w.expectStage(casework.Asesmen)
	w.expectDoc("caseui.doc.assessment", casework.Draft)

	w.act(casework.SubmitAssessment)
	w.expectDoc("caseui.doc.assessment", casework.Submitted)
	if b.bodyHas("main", w.tr("caseui.assessment.save")) {
		t.Errorf("%s: a submitted assessment can still be edited", b.where())
	}
	shown := eval[string](b, `document.querySelector("#assessment dl.facts").innerText`)
	for _, n := range e2eCaseNeeds {
		if want := w.tr("caseui.need." + n.need); !strings.Contains(shown, want) {
			t.Errorf("%s: the submitted assessment does not show the need %q: %q", b.where(), want, shown)
		}
	}
	if !strings.Contains(shown, w.tr("caseui.assessment.rehab_yes")) {
		t.Errorf("%s: the submitted assessment does not conclude %q: %q", b.where(), w.tr("caseui.assessment.rehab_yes"), shown)
	}
	// Only the supervisor approves.
	if w.offers(casework.ApproveAssessment) {
		t.Errorf("%s: the worker is offered to approve the assessment", b.where())
	}

	// No plan before the approval: the page says so and offers no form.
	if !b.bodyHas("#plan", w.tr("caseui.plan.needs_assessment")) || eval[bool](b, `document.querySelector('form[action$="/plan"]') !== null`) {
		t.Errorf("%s: before the approval the plan section says %q, want %q and no form", b.where(), b.text("#plan"), w.tr("caseui.plan.needs_assessment"))
	}
	// Nor a service other than an emergency one.
	w.openDetails("#services details")
	b.step("fill a service",
		chromedp.SetValue(chromedp.ID("s-need"), "sandang"),
		chromedp.SetValue(chromedp.ID("s-component"), "kebutuhan_hidup_layak"),
	)
	if eval[bool](b, `document.querySelector("#services input[name=emergency]").checked`) {
		b.step("not an emergency", chromedp.Click(chromedp.CSS(`#services input[name=emergency]`)))
	}
	b.loadStatus("record a service before the approval", 409, chromedp.Click(chromedp.CSS(`form[action$="/services"] button[type=submit]`)))
	w.expectRefused(casework.CodeAssessmentRequired)
	b.check("a service refused")
	if !b.bodyHas("#services", w.tr("caseui.services.none")) {
		t.Errorf("%s: after the refusal the services say %q, want %q", b.where(), b.text("#services p"), w.tr("caseui.services.none"))
	}
}

// 3, 4 and 7. The supervisor finds the case waiting in "Pekerjaan saya"
// and approves the document: the case moves on to stage next.
func (w *caseWalk) approve(doc string, a casework.Action, next casework.Stage) {
	t := w.t
	w.fromWork("h-work-approve", w.tr("caseui.work.waiting_docs", w.tr(doc)))
	w.expectDoc(doc, casework.Submitted)
	ret := map[casework.Action]casework.Action{casework.ApproveAssessment: casework.ReturnAssessment,
		casework.ApprovePlan: casework.ReturnPlan, casework.ApproveTermination: casework.ReturnTermination}[a]
	if !w.offers(ret) {
		t.Errorf("%s: the supervisor may approve but not return: %v", w.b.where(), w.actions())
	}
	w.act(a)
	if a == casework.ApproveTermination {
		w.terminated = time.Now().In(e2eWIB)
	}
	w.expectDoc(doc, casework.Approved)
	w.expectStage(next)
}

// 4. The worker writes the plan, an item for every assessed need, and
// submits it.
func (w *caseWalk) plan() {
	b, t := w.b, w.t
	w.fromWork("h-work-plan", w.tr("caseui.work.plan_hint"))
	w.expectStage(casework.RencanaIntervensi)
	w.expectDoc("caseui.doc.plan", casework.None)
	target := w.today.AddDate(0, 1, 0).Format(time.DateOnly)
	responsible := eval[string](b, `[...document.querySelectorAll("#i0-responsible option")].map(o => o.value).filter(Boolean)[0] || ""`)
	if responsible == "" {
		t.Fatalf("%s: the plan form offers no one of the unit to be responsible", b.where())
	}
	actions := []chromedp.Action[chromedp.Void]{
		chromedp.SendKeys(chromedp.ID("p-goals"), "Kebutuhan dasar terpenuhi dan ibu memeriksakan kesehatannya secara rutin."),
	}
	for i, n := range e2eCaseNeeds {
		id := func(f string) chromedp.ID { return chromedp.ID(fmt.Sprintf("i%d-%s", i, f)) }
		actions = append(actions,
			chromedp.SetValue(id("need"), n.need),
			chromedp.SetValue(id("component"), n.component),
			chromedp.SendKeys(id("quantity"), strconv.Itoa(n.qty)),
			chromedp.SendKeys(id("unit_label"), n.unit),
			chromedp.SetValue(id("responsible"), responsible),
			chromedp.SetValue(id("target_on"), target),
		)
	}
	b.step("fill the plan", actions...)
	b.check("the plan filled in")
	b.follow(w.tr("caseui.plan.save"), chromedp.Click(chromedp.CSS(`form[action$="/plan"] button[type=submit]`)))
	w.expectDone("plan")
	w.expectDoc("caseui.doc.plan", casework.Draft)
	w.act(casework.SubmitPlan)
	w.expectDoc("caseui.doc.plan", casework.Submitted)
	draft := eval[string](b, `document.querySelector("#plan table.list").innerText`)
	for _, n := range e2eCaseNeeds {
		if want := w.tr("caseui.need." + n.need); !strings.Contains(draft, want) {
			t.Errorf("%s: the submitted plan lacks an item for %q: %q", b.where(), want, draft)
		}
	}
}

// needs is the case page's table of needs met: need, planned, delivered,
// met.
func (w *caseWalk) needs() [][]string {
	return eval[[][]string](w.b, `[...document.querySelectorAll("table[aria-labelledby=h-needs] tbody tr")].map(r => [...r.cells].map(c => c.innerText.trim()))`)
}

// 5. The worker records the services of the plan and sees each need met.
func (w *caseWalk) serve() {
	b, t := w.b, w.t
	w.fromList(casework.Intervensi)
	w.expectDoc("caseui.doc.plan", casework.Approved)
	if d := w.doc("caseui.doc.plan"); !strings.Contains(d, w.tr("caseui.plan.in_force_yes")) {
		t.Errorf("%s: the plan is %q, want it said to be in force (%q)", b.where(), d, w.tr("caseui.plan.in_force_yes"))
	}
	for i, n := range e2eCaseNeeds {
		w.openDetails("#services details")
		if got := eval[string](b, `document.getElementById("s-given_on").value`); got != w.today.Format(time.DateOnly) {
			t.Errorf("%s: the service form starts on %q, want today %s", b.where(), got, w.today.Format(time.DateOnly))
		}
		b.step("fill the service for "+n.need,
			chromedp.SetValue(chromedp.ID("s-need"), n.need),
			chromedp.SetValue(chromedp.ID("s-component"), n.component),
			chromedp.SetValue(chromedp.ID("s-quantity"), strconv.Itoa(n.qty)),
			chromedp.SetValue(chromedp.ID("s-cost"), n.cost),
			chromedp.SendKeys(chromedp.ID("s-provider"), "Dinas Sosial Kota Salatiga"),
		)
		b.follow(w.tr("caseui.services.save"), chromedp.Click(chromedp.CSS(`form[action$="/services"] button[type=submit]`)))
		w.expectDone("service")
		rows := w.needs()
		if len(rows) != len(e2eCaseNeeds) {
			t.Fatalf("%s: the needs table has %d rows, want %d: %q", b.where(), len(rows), len(e2eCaseNeeds), rows)
		}
		for j, m := range e2eCaseNeeds {
			want := []string{w.tr("caseui.need." + m.need), strconv.Itoa(m.qty), "0", w.tr("caseui.needs.met_no")}
			if j <= i {
				want[2], want[3] = strconv.Itoa(m.qty), w.tr("caseui.needs.met_yes")
			}
			if strings.Join(rows[j], "|") != strings.Join(want, "|") {
				t.Errorf("%s: after %d services the need row is %q, want %q", b.where(), i+1, rows[j], want)
			}
		}
		wantAll := w.tr("caseui.needs.not_all_met")
		if i == len(e2eCaseNeeds)-1 {
			wantAll = w.tr("caseui.needs.all_met")
		}
		if !b.bodyHas("#services", wantAll) {
			t.Errorf("%s: after %d services the page does not say %q", b.where(), i+1, wantAll)
		}
	}
	if n := eval[int](b, `document.querySelectorAll("#services > table.list:not([aria-labelledby]) tbody tr").length`); n != len(e2eCaseNeeds) {
		t.Errorf("%s: the services table lists %d services, want %d", b.where(), n, len(e2eCaseNeeds))
	}
	w.expectStage(casework.Intervensi)
}

// referralRow is the text of the case page's first (only) referral.
func (w *caseWalk) referralRow() []string {
	return eval[[]string](w.b, `[...(document.querySelector("#referrals table.list tbody tr") || {cells: []}).cells].map(c => c.innerText.trim())`)
}

// 6. The worker refers her to the Puskesmas; the Puskesmas records the
// outcome through the link, in a browser without an account, and the case
// shows the referral closed by it.
func (w *caseWalk) refer() {
	b, t := w.b, w.t
	w.openDetails("#referrals details")
	b.step("fill the referral",
		chromedp.SetValue(chromedp.ID("r-agency_kind"), string(casework.AgencyPuskesmas)),
		chromedp.SendKeys(chromedp.ID("r-agency_name"), e2eAgency),
		chromedp.SetValue(chromedp.ID("r-need"), "akses_kesehatan"),
		chromedp.SendKeys(chromedp.ID("r-purpose"), "Pemeriksaan tekanan darah dan kesehatan umum."),
	)
	b.check("the referral filled in")
	// The link is shown once, in the answer to the form (201), never
	// through a redirect that would keep it in the browser's history.
	b.loadStatus(w.tr("caseui.referrals.send"), 201, chromedp.Click(chromedp.CSS(`form[action$="/referrals"] button[type=submit]`)))
	b.step("wait for the link", chromedp.WaitVisible(chromedp.ID("link-once")))
	b.check("the referral's link shown once")
	if got := strings.TrimSpace(b.text(`main .alert.ok[role=status]`)); got != w.tr("caseui.done.link") {
		t.Errorf("%s: after sending the referral the page says %q, want %q", b.where(), got, w.tr("caseui.done.link"))
	}
	link := strings.TrimSpace(b.text("#link-once code.secret"))
	if !regexp.MustCompile(`^` + regexp.QuoteMeta(b.base) + `/rujukan/[A-Za-z0-9_-]{43}$`).MatchString(link) {
		t.Fatalf("%s: the referral link is %q, want %s/rujukan/TOKEN", b.where(), link, b.base)
	}
	row := w.referralRow()
	if len(row) < 3 || !strings.Contains(row[0], e2eAgency) || row[2] != w.tr("referral.status.dikirim") {
		t.Errorf("%s: the new referral is listed as %q, want %s, %q", b.where(), row, e2eAgency, w.tr("referral.status.dikirim"))
	}

	b.stranger(func(s *browser) {
		s.step("phone viewport", chromedp.EmulateViewport(360, 800, chromedp.EmulateMobile))
		// The fresh context is nobody's: a page of the staff asks to sign in.
		s.load("open /work without an account", chromedp.Navigate(s.base+"/work"))
		if p := s.path(); p != "/login" {
			t.Fatalf("%s: the fresh browser context reached /work without signing in (on %s)", s.where(), p)
		}
		s.load("open the referral link", chromedp.Navigate(link))
		s.step("wait for the referral", chromedp.WaitVisible(chromedp.CSS("main h1")))
		s.check("the referral link")
		if h := strings.TrimSpace(s.text("main h1")); h != w.tr("caseui.link.title") {
			t.Errorf("%s: the link's page is titled %q, want %q", s.where(), h, w.tr("caseui.link.title"))
		}
		page := eval[string](s, `document.querySelector("main").innerText`)
		for _, want := range []string{e2eName, e2eAgency, "Dinas Sosial Kota Salatiga", w.tr("caseui.need.akses_kesehatan"), w.tr("referral.status.dikirim")} {
			if !strings.Contains(page, want) {
				t.Errorf("%s: the link's page lacks %q", s.where(), want)
			}
		}
		// Name, sex and age only (UU 27/2022): not the NIK.
		if strings.Contains(page, e2eNIK) {
			t.Errorf("%s: the link's page shows the person's NIK", s.where())
		}
		s.step("fill the outcome",
			chromedp.SendKeys(chromedp.ID("receiver_name"), e2eReceiver),
			chromedp.Click(chromedp.CSS(`input[name=status][value=selesai]`)),
			chromedp.SendKeys(chromedp.ID("note"), e2eOutcome),
		)
		s.follow(w.tr("caseui.link.send"), chromedp.Click(chromedp.CSS(`section[aria-labelledby=h-link-answer] form button[type=submit]`)))
		if got := strings.TrimSpace(s.text(`main .alert.ok[role=status]`)); got != w.tr("caseui.link.saved") {
			t.Errorf("%s: after the outcome the link's page says %q, want %q", s.where(), got, w.tr("caseui.link.saved"))
		}
		page = eval[string](s, `document.querySelector("main").innerText`)
		for _, want := range []string{w.tr("referral.status.selesai"), e2eOutcome, e2eReceiver, w.tr("caseui.link.closed")} {
			if !strings.Contains(page, want) {
				t.Errorf("%s: after the outcome the link's page lacks %q", s.where(), want)
			}
		}
		if eval[bool](s, `document.querySelector("main form") !== null`) {
			t.Errorf("%s: a closed referral's link still offers a form", s.where())
		}
	})

	b.visit(w.path)
	row = w.referralRow()
	if len(row) < 5 || row[2] != w.tr("referral.status.selesai") || !strings.Contains(row[4], e2eReceiver) ||
		!strings.Contains(row[4], w.tr("caseui.referrals.outcome")+" "+e2eOutcome) {
		t.Errorf("%s: after the agency's outcome the referral is listed as %q, want %q with the outcome %q by %s",
			b.where(), row, w.tr("referral.status.selesai"), e2eOutcome, e2eReceiver)
	}
}

// 7. The worker moves the case to resosialisasi and asks for terminasi with
// the plan's goals reached.
func (w *caseWalk) terminate() {
	b, t := w.b, w.t
	w.act(casework.StartReintegration)
	w.expectStage(casework.Resosialisasi)
	reasons := eval[[]string](b, `[...document.querySelectorAll("#reason-request_termination option")].map(o => o.value)`)
	if !strings.Contains(strings.Join(reasons, " "), string(casework.TujuanTercapai)) {
		t.Fatalf("%s: the terminasi form does not offer %q: %v", b.where(), casework.TujuanTercapai, reasons)
	}
	b.step("fill the terminasi",
		chromedp.SetValue(chromedp.ID("reason-request_termination"), string(casework.TujuanTercapai)),
		chromedp.SendKeys(chromedp.ID("note-request_termination"), "Kebutuhan dasar terpenuhi; ibu kembali mandiri."),
	)
	w.act(casework.RequestTermination)
	want := w.tr("caseui.review.diajukan") + " · " + w.tr("caseui.reason.tujuan_tercapai")
	if got := w.doc("caseui.doc.termination"); got != want {
		t.Errorf("%s: the terminasi is %q, want %q", b.where(), got, want)
	}
	w.expectStage(casework.Resosialisasi)
}

// visits are the bimbingan lanjut visits the case page lists, in order.
func (w *caseWalk) visits() []string {
	return eval[[]string](w.b, `[...document.querySelectorAll("#follow-ups ul.visits > li")].map(li => li.querySelector("p").innerText.trim())`)
}

// 7. After the approval the case is closed into bimbingan lanjut with its
// visits scheduled 1, 3 and 6 months on.
func (w *caseWalk) scheduled() {
	b, t := w.b, w.t
	if d := w.doc("caseui.doc.termination"); !strings.Contains(d, w.tr("caseui.reason.tujuan_tercapai")) {
		t.Errorf("%s: the approved terminasi is %q, want its reason %q", b.where(), d, w.tr("caseui.reason.tujuan_tercapai"))
	}
	if facts := b.text("section[aria-labelledby=h-case] dl.facts"); !strings.Contains(facts, w.tr("caseui.field.closed")) {
		t.Errorf("%s: the terminated case does not say when it was closed: %q", b.where(), facts)
	}
	dates := casework.FollowUpDates(w.terminated, []int{1, 3, 6})
	got := w.visits()
	if len(got) != len(dates) {
		t.Fatalf("%s: bimbingan lanjut lists %d visits %q, want %d", b.where(), len(got), got, len(dates))
	}
	for i, d := range dates {
		if want := w.tr("caseui.follow_ups.due", caseDay(d)); !strings.HasPrefix(got[i], want) || !strings.Contains(got[i], w.tr("caseui.follow_ups.pending")) {
			t.Errorf("%s: visit %d is %q, want %q, %q", b.where(), i+1, got[i], want, w.tr("caseui.follow_ups.pending"))
		}
	}
}

// 8. The worker records the first visit. The store takes a visit on any
// day from terminasi to today, so a visit made before its due day is
// recorded as made; the later visits stay scheduled, and bimbingan lanjut
// cannot end before they are recorded.
func (w *caseWalk) followUp() {
	b, t := w.b, w.t
	// Visits due in a month are not yet today's work.
	w.work()
	if item := w.workItem("h-work-visits"); item != "" {
		t.Errorf("%s: the work view lists a visit not yet due: %q", b.where(), item)
	}
	w.fromList(casework.BimbinganLanjut)
	w.expectStage(casework.BimbinganLanjut)
	first := "#follow-ups ul.visits > li:first-child"
	w.openDetails(first + " details")
	if got := eval[string](b, fmt.Sprintf(`document.querySelector(%q).value`, first+` input[name=done_on]`)); got != w.today.Format(time.DateOnly) {
		t.Errorf("%s: the visit form starts on %q, want today %s", b.where(), got, w.today.Format(time.DateOnly))
	}
	b.step("fill the visit",
		chromedp.SetValue(chromedp.CSS(first+` select[name=outcome]`), string(casework.Stabil)),
		chromedp.SendKeys(chromedp.CSS(first+` textarea[name=note]`), "Tinggal di rumahnya, makan teratur, kontrol ke puskesmas."),
	)
	b.check("the visit filled in")
	b.follow(w.tr("caseui.follow_ups.save"), chromedp.Click(chromedp.CSS(first+` form button[type=submit]`)))
	w.expectDone("follow_up")
	got := w.visits()
	if len(got) != 3 {
		t.Fatalf("%s: bimbingan lanjut lists %d visits %q after recording one, want 3", b.where(), len(got), got)
	}
	if want := w.tr("caseui.follow_ups.done", caseDay(w.today), w.tr("case.follow_up.outcome.stabil")); !strings.Contains(got[0], want) {
		t.Errorf("%s: the recorded visit says %q, want %q", b.where(), got[0], want)
	}
	for _, v := range got[1:] {
		if !strings.Contains(v, w.tr("caseui.follow_ups.pending")) {
			t.Errorf("%s: a later visit says %q, want %q", b.where(), v, w.tr("caseui.follow_ups.pending"))
		}
	}
	// Bimbingan lanjut ends only when every visit is recorded: the page
	// does not offer it before (the server refuses it; cases_ui_test.go).
	if w.offers(casework.CloseFollowUp) {
		t.Errorf("%s: the case page offers %q with visits unrecorded: %v", b.where(), w.tr("caseui.action.close_follow_up"), w.actions())
	}
	w.expectStage(casework.BimbinganLanjut)
}

// timeline checks the case's history lists every step in order, by whom,
// with the stage each moved the case to.
func (w *caseWalk) timeline() {
	b, t := w.b, w.t
	wk, sup := w.worker.username, w.sup.username
	type event struct {
		action, by      string
		before, after   casework.Stage
		reason, snippet string
	}
	P, A, R, I, S, B := casework.PendekatanAwal, casework.Asesmen, casework.RencanaIntervensi, casework.Intervensi,
		casework.Resosialisasi, casework.BimbinganLanjut
	want := []event{
		{action: "open", by: wk, before: P, after: P},
		{action: "save_assessment", by: wk, before: P, after: A},
		{action: "submit_assessment", by: wk, before: A, after: A},
		{action: "approve_assessment", by: sup, before: A, after: R},
		{action: "save_plan", by: wk, before: R, after: R},
		{action: "submit_plan", by: wk, before: R, after: R},
		{action: "approve_plan", by: sup, before: R, after: I},
		{action: "record_service", by: wk, before: I, after: I},
		{action: "record_service", by: wk, before: I, after: I},
		{action: "record_service", by: wk, before: I, after: I},
		{action: "refer", by: wk, before: I, after: I},
		{action: "referral_completed", by: e2eReceiver, before: I, after: I, snippet: e2eOutcome},
		{action: "start_reintegration", by: wk, before: I, after: S},
		{action: "request_termination", by: wk, before: S, after: S, reason: "tujuan_tercapai"},
		{action: "approve_termination", by: sup, before: S, after: B},
		{action: "record_follow_up", by: wk, before: B, after: B},
	}
	type entry struct {
		Event string `json:"event"`
		Text  string `json:"text"`
	}
	got := eval[[]entry](b, `[...document.querySelectorAll("#timeline ol.timeline > li")].map(li => ({event: li.querySelector("strong").innerText.trim(), text: li.innerText}))`)
	var names, wantNames []string
	for _, e := range got {
		names = append(names, e.Event)
	}
	for _, e := range want {
		wantNames = append(wantNames, w.tr("caseui.event."+e.action))
	}
	if strings.Join(names, " | ") != strings.Join(wantNames, " | ") {
		t.Fatalf("%s: the timeline lists\n  %s\nwant\n  %s", b.where(), strings.Join(names, "\n  "), strings.Join(wantNames, "\n  "))
	}
	stageLine := func(before, after casework.Stage) string {
		return w.tr("caseui.timeline.stage", w.tr("caseui.stage."+string(before)), w.tr("caseui.stage."+string(after)))
	}
	for i, e := range want {
		text := got[i].Text
		if !strings.Contains(text, " · "+e.by) {
			t.Errorf("%s: timeline step %d (%s) is not by %s: %q", b.where(), i+1, got[i].Event, e.by, text)
		}
		if moved := strings.Contains(text, stageLine(e.before, e.after)); e.before != e.after && !moved {
			t.Errorf("%s: timeline step %d (%s) does not say %q: %q", b.where(), i+1, got[i].Event, stageLine(e.before, e.after), text)
		}
		if e.before == e.after && strings.Contains(text, "→") {
			t.Errorf("%s: timeline step %d (%s) moves the stage: %q", b.where(), i+1, got[i].Event, text)
		}
		if e.reason != "" && !strings.Contains(text, w.tr("caseui.field.reason")+": "+w.tr("caseui.reason."+e.reason)) {
			t.Errorf("%s: timeline step %d (%s) lacks its reason %q: %q", b.where(), i+1, got[i].Event, w.tr("caseui.reason."+e.reason), text)
		}
		if e.snippet != "" && !strings.Contains(text, e.snippet) {
			t.Errorf("%s: timeline step %d (%s) lacks %q: %q", b.where(), i+1, got[i].Event, e.snippet, text)
		}
	}
	b.screenshot("case", true)
}

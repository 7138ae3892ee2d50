package main

// An accessible-facility audit from start to finish in a real browser
// (issue 7 point 3, "done when"): the demo supervisor of Kota Salatiga
// opens the unit's audits from the unit page, starts an audit, answers
// every item, uploads a photo, makes the audit final and sees its score,
// and raises a remediation task for the unit's worker; the worker finds
// the task under "Tugas sarpras" and marks it done. axe-core runs on every
// page (on the machinery of TestE2E, e2e_test.go).
//
//	LAYAN_TEST_CHROMIUM=/usr/bin/chromium go test ./cmd/layan/ -run E2ESarpras -count=1 -v

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/db/dbtest"
)

func TestE2ESarpras(t *testing.T) {
	env := e2eSetup(t)
	photo := samplePNG(t)
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			start := time.Now()
			srv, b := env.start(t, engine)
			b.step("desktop viewport", chromedp.EmulateViewport(1280, 900))
			sup, ok1 := srv.accounts[access.Supervisor]
			worker, ok2 := srv.accounts[access.Worker]
			if !ok1 || !ok2 {
				t.Fatal("no demo supervisor or worker")
			}
			desc := "Pasang formulir Braille di loket prioritas (uji e2e " + engine + ")"

			b.login(sup)
			auditPath := b.sarprasAudit(photo)
			b.sarprasTask(auditPath, desc)
			b.logout()

			b.login(worker)
			b.sarprasWorker(desc)
			b.logout()

			b.logFindings()
			t.Logf("%s: %d pages checked with axe (%v in axe), whole run %v", engine, b.pages,
				b.axeTime.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
		})
	}
}

// samplePNG writes a small photo (a 24×16 PNG) for the upload.
func samplePNG(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 24, 16))
	for x := range 24 {
		for y := range 16 {
			img.Set(x, y, color.RGBA{R: uint8(x * 10), G: 120, B: uint8(y * 15), A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ramp-depan.png")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

var sarprasAuditURL = regexp.MustCompile(`^/units/\d+/sarpras/\d+$`)

// sarprasAudit walks the supervisor from the unit page through a whole
// audit and returns the audit's path.
func (b *browser) sarprasAudit(photo string) string {
	t := b.t
	// The unit page, from the list of units, and its link to the audits.
	b.follow("menu /units", chromedp.Click(chromedp.CSS(`header.top nav a[href="/units"]`)))
	unitHref := eval[string](b, `(() => { const a = [...document.querySelectorAll("main a")].find(a => a.textContent.trim() === "Dinas Sosial Kota Salatiga"); return a ? a.getAttribute("href") : "" })()`)
	if unitHref == "" {
		t.Fatalf("%s: no link to Dinas Sosial Kota Salatiga in the list of units", b.where())
	}
	b.follow("unit "+unitHref, chromedp.Click(chromedp.CSS(fmt.Sprintf(`main a[href=%q]`, unitHref))))
	b.follow("the unit's audits", chromedp.Click(chromedp.CSS(fmt.Sprintf(`main a[href=%q]`, unitHref+"/sarpras"))))
	if p := b.path(); p != unitHref+"/sarpras" {
		t.Fatalf("%s: the unit page's audit link led to %s", b.where(), p)
	}
	// The demo's final audit is in the history, with its overdue task.
	if n := eval[int](b, `document.querySelectorAll("#h-sarpras-history ~ table tbody tr").length`); n != 1 {
		t.Errorf("%s: the history lists %d audits, want the demo's one", b.where(), n)
	}
	if !strings.Contains(b.text("main"), b.tr("sarpras.overdue")) {
		t.Errorf("%s: the demo's overdue task is not flagged", b.where())
	}

	// A new audit, dated today (the form's default).
	b.follow("start an audit", chromedp.Click(chromedp.CSS(fmt.Sprintf(`main form[action=%q] button[type=submit]`, unitHref+"/sarpras"))))
	auditPath := b.path()
	if !sarprasAuditURL.MatchString(auditPath) {
		t.Fatalf("%s: starting an audit led to %s", b.where(), auditPath)
	}

	// Every item answered as an auditor would tick them: all present and
	// fine, except Braille forms, which the office lacks.
	answered := eval[int](b, `(() => { let n = 0;
		for (const fs of document.querySelectorAll("fieldset.sarpras-item")) {
			const code = fs.id.replace(/^item-/, "");
			const want = code === "braille" ? "tidak_ada" : "ada_sesuai";
			const r = fs.querySelector('input[type=radio][value="' + want + '"]');
			if (r) { r.checked = true; n++ }
		}
		const note = document.getElementById("note-braille");
		if (note) note.value = "Belum ada formulir Braille di loket.";
		return n })()`)
	if answered < 15 {
		t.Fatalf("%s: only %d items to answer, want the 15 of the default checklist", b.where(), answered)
	}
	b.follow("save the answers", chromedp.Click(chromedp.CSS(fmt.Sprintf(`main form[action=%q] button[type=submit]`, auditPath))))
	if got := b.text("main h1 ~ p"); !strings.Contains(got, fmt.Sprintf("%d / %d", answered, answered)) {
		t.Errorf("%s: after saving, the audit says %q, want %d / %d answered", b.where(), got, answered, answered)
	}
	if eval[int](b, `document.querySelectorAll("fieldset.sarpras-item input[type=radio]:checked").length`) != answered {
		t.Errorf("%s: the saved answers are not ticked again", b.where())
	}

	// One photo of the ramp.
	b.step("choose a photo",
		chromedp.SetValue(chromedp.ID("photo-item"), "ramp"),
		chromedp.SetUploadFiles(chromedp.ID("photo-file"), []string{photo}))
	b.follow("upload the photo", chromedp.Click(chromedp.CSS(fmt.Sprintf(`main form[action=%q] button[type=submit]`, auditPath+"/photos"))))
	href := eval[string](b, `(() => { const a = document.querySelector('#item-ramp a[href*="/photos/"]'); return a ? a.getAttribute("href") : "" })()`)
	if href == "" {
		t.Fatalf("%s: the uploaded photo is not listed under the ramp", b.where())
	}
	if ct := eval[string](b, fmt.Sprintf(`fetch(%q).then(r => r.status + " " + r.headers.get("content-type"))`, href)); ct != "200 image/png" {
		t.Errorf("%s: the photo answers %q, want 200 image/png", b.where(), ct)
	}

	// Final, with its score: 14 of 15 equal weights met, 93,33 (Indonesian decimals).
	b.follow("make the audit final", chromedp.Click(chromedp.CSS(fmt.Sprintf(`main form[action=%q] button[type=submit]`, auditPath+"/final"))))
	if got := b.text("main h1 ~ p strong"); got != "93,33" {
		t.Errorf("%s: the final audit shows score %q, want 93,33", b.where(), got)
	}
	if eval[int](b, `document.querySelectorAll("fieldset.sarpras-item input").length`) != 0 {
		t.Errorf("%s: a final audit still offers its answers for change", b.where())
	}
	return auditPath
}

// sarprasTask raises a remediation task on the final audit for the
// unit's worker.
func (b *browser) sarprasTask(auditPath, desc string) {
	t := b.t
	owner := eval[string](b, `(() => { const o = [...document.querySelectorAll("#task-owner option")].find(o => o.textContent.includes("Siti Aminah")); return o ? o.value : "" })()`)
	if owner == "" {
		t.Fatalf("%s: the demo worker is not offered as the task's owner", b.where())
	}
	if v := eval[string](b, `document.getElementById("task-item").value`); v != "braille" {
		t.Errorf("%s: the task form suggests item %q first, want braille (answered tidak ada)", b.where(), v)
	}
	b.step("fill the task",
		chromedp.SendKeys(chromedp.ID("task-desc"), desc),
		chromedp.SetValue(chromedp.ID("task-owner"), owner),
		chromedp.SetValue(chromedp.ID("task-due"), time.Now().AddDate(0, 1, 0).Format(time.DateOnly)))
	b.follow("create the task", chromedp.Click(chromedp.CSS(fmt.Sprintf(`main form[action=%q] button[type=submit]`, auditPath+"/tasks"))))
	if !strings.Contains(b.text("#tasks table"), desc) {
		t.Errorf("%s: the new task is not listed on the audit", b.where())
	}
}

// sarprasWorker has the worker find the task in the menu and mark it
// done.
func (b *browser) sarprasWorker(desc string) {
	t := b.t
	b.follow("menu /sarpras/tasks", chromedp.Click(chromedp.CSS(`header.top nav a[href="/sarpras/tasks"]`)))
	row := fmt.Sprintf(`[...document.querySelectorAll("main tbody tr")].find(tr => tr.textContent.includes(%q))`, desc)
	action := eval[string](b, fmt.Sprintf(`(() => { const tr = %s; const f = tr && tr.querySelector("form"); return f ? f.getAttribute("action") : "" })()`, row))
	if action == "" {
		t.Fatalf("%s: the worker's tasks hold no open task %q", b.where(), desc)
	}
	b.follow("mark the task done", chromedp.Click(chromedp.CSS(fmt.Sprintf(`main form[action=%q] button[type=submit]`, action))))
	if p := b.path(); p != "/sarpras/tasks" {
		t.Errorf("%s: marking the task done led to %s", b.where(), p)
	}
	status := eval[string](b, fmt.Sprintf(`(() => { const tr = %s; return tr ? tr.cells[4].textContent.trim() : "" })()`, row))
	if status != b.tr("sarpras.task_status.done") {
		t.Errorf("%s: the task is %q after marking it done", b.where(), status)
	}
	if eval[bool](b, fmt.Sprintf(`!!(%s).querySelector("form")`, row)) {
		t.Errorf("%s: a done task still offers to be marked done", b.where())
	}
}

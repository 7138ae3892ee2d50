package main

// A complaint from start to closure in a real browser (issue 7, tests and
// "done when"): a member of the public on a cheap phone (360×740, no
// account) opens /pengaduan, finds the Salatiga office by name, files a
// complaint, reads the tracking code from the page and checks its status on
// the tracking page (a mistyped and an unknown code are refused with a
// plain sentence); the office's head (the demo supervisor) finds it among
// the unit's complaints, gives it to the demo worker, answers and closes
// it; the public tracking page then shows the answer and no contact data.
// axe-core runs on every page, public ones included (on the machinery of
// TestE2E, e2e_test.go).
//
//	LAYAN_TEST_CHROMIUM=/usr/bin/chromium go test ./cmd/layan/ -run E2EComplaint -count=1 -v

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/quality/complaint"
)

const (
	e2eComplaintUnit    = "Dinas Sosial Kota Salatiga" // the demo supervisor's and worker's unit
	e2eComplaintBody    = "Saya menunggu tiga jam di loket bantuan sosial dan tidak ada petugas yang menjelaskan alasannya."
	e2eComplaintContact = "0812 3456 7890"
	e2eComplaintAnswer  = "Mohon maaf. Mulai minggu ini loket dibuka pukul 08.00 dan petugas informasi berjaga sepanjang hari."
	e2eComplaintWorker  = "Siti Aminah (demo)" // demo.pekerja
)

func TestE2EComplaint(t *testing.T) {
	env := e2eSetup(t)
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			srv, b := env.start(t, engine)
			head, ok := srv.accounts[access.Supervisor]
			if !ok {
				t.Fatal("no demo supervisor")
			}

			// The member of the public: files the complaint and tracks it.
			var code string
			var unitID int64
			b.stranger(func(s *browser) {
				s.step("phone viewport", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
				s.visit("/pengaduan")
				s.step("type the unit's town", chromedp.SendKeys(chromedp.ID("q"), "Salatiga"))
				s.follow("find the unit", chromedp.Click(chromedp.CSS(`main form[role=search] button[type=submit]`)))
				pick := eval[string](s, fmt.Sprintf(`(() => { const a = [...document.querySelectorAll('main ul a[href^="/pengaduan?unit="]')].find(a => a.textContent.trim() === %q); return a ? a.getAttribute("href") : "" })()`, e2eComplaintUnit))
				if pick == "" {
					t.Fatalf("%s: %s is not among the units found", s.where(), e2eComplaintUnit)
				}
				s.follow("pick the unit", chromedp.Click(chromedp.CSS(fmt.Sprintf(`main ul a[href=%q]`, pick))))
				if !s.bodyHas("main", e2eComplaintUnit) {
					t.Fatalf("%s: the form is not for %s", s.where(), e2eComplaintUnit)
				}
				unitID = int64(eval[float64](s, `+document.querySelector('input[name=unit_id]').value`))
				// Sent without a category or text first: each is named.
				s.loadStatus("send an empty complaint", 422, chromedp.Click(chromedp.CSS(`main form[method=post] button[type=submit]`)))
				s.step("wait for the errors", chromedp.WaitVisible(chromedp.CSS("main [role=alert]")))
				s.check("the complaint form with what is missing")
				if n := eval[int](s, `document.querySelectorAll("main p.error").length`); n < 2 {
					t.Errorf("%s: %d field errors for an empty complaint, want the category and the text", s.where(), n)
				}
				s.step("fill the complaint",
					chromedp.Click(chromedp.CSS(`input[name=category][value="`+string(complaint.CatWaktu)+`"]`)),
					chromedp.SendKeys(chromedp.ID("body"), e2eComplaintBody),
					chromedp.SendKeys(chromedp.ID("contact"), e2eComplaintContact))
				s.follow("send the complaint", chromedp.Click(chromedp.CSS(`main form[method=post] button[type=submit]`)))
				if h := s.text("main h1"); !strings.Contains(h, s.tr("complaint.filed.title")) {
					t.Fatalf("%s: after sending, the heading is %q", s.where(), h)
				}
				code = strings.TrimSpace(s.text("main .code-big"))
				if _, ok := complaint.ParseCode(code); !ok {
					t.Fatalf("%s: the page shows %q, not a tracking code", s.where(), code)
				}
				s.follow("to the tracking page", chromedp.Click(chromedp.CSS(`main a[href="/pengaduan/lacak"]`)))
				// Typed as a person might: small letters, no dashes.
				typed := strings.ToLower(strings.ReplaceAll(code, "-", ""))
				s.step("type the code", chromedp.SendKeys(chromedp.ID("kode"), typed))
				s.follow("check the status", chromedp.Click(chromedp.CSS(`main form[action="/pengaduan/lacak"] button[type=submit]`)))
				if got := trackedStatus(s); got != s.tr("complaint.status.diterima") {
					t.Errorf("%s: a new complaint is %q", s.where(), got)
				}
				if s.bodyHas("main", e2eComplaintBody[:30]) || s.bodyHas("main", e2eComplaintContact) {
					t.Errorf("%s: the tracking page shows the complaint's text or contact", s.where())
				}
				// One character wrong: the checksum catches it; a well-formed
				// code nobody holds: not found. Both a plain 404 page.
				wrong := []byte(code)
				last := len(wrong) - 1
				if wrong[last] == '2' {
					wrong[last] = '3'
				} else {
					wrong[last] = '2'
				}
				for _, c := range []string{string(wrong), complaint.FormatCode(complaint.NewCode())} {
					s.loadStatus("track "+c, 404, chromedp.Navigate(s.base+"/pengaduan/lacak?kode="+url.QueryEscape(c)))
					s.step("wait for the page", chromedp.WaitVisible(chromedp.CSS("main h1")))
					s.check("/pengaduan/lacak with " + c)
					if !eval[bool](s, `!!document.querySelector("main [role=alert]")`) {
						t.Errorf("%s: no message for the code %s", s.where(), c)
					}
				}
			})
			if unitID == 0 {
				t.Fatal("no unit id read from the form")
			}

			// The unit's head: assigns, answers and closes it.
			b.step("desktop viewport", chromedp.EmulateViewport(1280, 900))
			b.login(head)
			list := "/units/" + strconv.FormatInt(unitID, 10) + "/pengaduan"
			// From the unit's page, which links its complaints and its public form.
			b.visit("/units/" + strconv.FormatInt(unitID, 10))
			if !eval[bool](b, fmt.Sprintf(`!!document.querySelector('main a[href="/pengaduan?unit=%d"]')`, unitID)) {
				t.Errorf("%s: the unit page has no link to its public complaint form", b.where())
			}
			b.follow("the unit's complaints", chromedp.Click(chromedp.CSS(fmt.Sprintf(`main a[href=%q]`, list))))
			// The list shows the newest first; the demo holds others too.
			href := eval[string](b, fmt.Sprintf(`(() => { const a = [...document.querySelectorAll("main table a")].find(a => a.textContent.trim() === %q); return a ? a.getAttribute("href") : "" })()`, code))
			if href == "" {
				t.Fatalf("%s: the complaint %s is not in the unit's list", b.where(), code)
			}
			b.follow("open the complaint", chromedp.Click(chromedp.CSS(fmt.Sprintf(`main table a[href=%q]`, href))))
			if !b.bodyHas("main", e2eComplaintBody) || !b.bodyHas("main", e2eComplaintContact) {
				t.Errorf("%s: the unit's head does not see the text and the contact", b.where())
			}
			detail := b.path()
			worker := eval[string](b, fmt.Sprintf(`[...document.querySelectorAll("#assign_to option")].find(o => o.textContent.trim() === %q).value`, e2eComplaintWorker))
			b.step("choose the worker", chromedp.SetValue(chromedp.ID("assign_to"), worker))
			b.follow("assign", chromedp.Click(chromedp.CSS(`form:has(input[name=action][value=assign]) button[type=submit]`)))
			if !b.bodyHas("main dl", e2eComplaintWorker) || !b.bodyHas("main dl", b.tr("complaint.status.diproses")) {
				t.Errorf("%s: after assigning, the page does not show the worker or the status", b.where())
			}
			b.step("write the answer", chromedp.SendKeys(chromedp.ID("text-respond"), e2eComplaintAnswer))
			b.follow("respond", chromedp.Click(chromedp.CSS(`form:has(input[name=action][value=respond]) button[type=submit]`)))
			if !b.bodyHas("main dl", b.tr("complaint.status.dijawab")) {
				t.Errorf("%s: after answering, the status is not %q", b.where(), b.tr("complaint.status.dijawab"))
			}
			b.follow("close", chromedp.Click(chromedp.CSS(`form:has(input[name=action][value=close]) button[type=submit]`)))
			if !b.bodyHas("main dl", b.tr("complaint.status.selesai")) {
				t.Errorf("%s: after closing, the status is not %q", b.where(), b.tr("complaint.status.selesai"))
			}
			if n := eval[int](b, `document.querySelectorAll("main form[method=post]").length`); n != 0 {
				t.Errorf("%s: %d forms left on a closed complaint", b.where(), n)
			}
			if n := eval[int](b, `document.querySelectorAll("#h-history ~ table tbody tr").length`); n != 4 {
				t.Errorf("%s: %d steps in the history, want 4 (filed, assigned, answered, closed)", b.where(), n)
			}
			if p := b.path(); p != detail {
				t.Errorf("after closing: on %s, want %s", p, detail)
			}
			b.logout()

			// The member of the public again: the answer is there.
			b.stranger(func(s *browser) {
				s.step("phone viewport", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
				s.visit("/pengaduan/lacak?kode=" + url.QueryEscape(code))
				if got := trackedStatus(s); got != s.tr("complaint.status.selesai") {
					t.Errorf("%s: the closed complaint is %q", s.where(), got)
				}
				if !s.bodyHas("main", e2eComplaintAnswer) {
					t.Errorf("%s: the tracking page does not show the unit's answer", s.where())
				}
				if s.bodyHas("main", e2eComplaintContact) || s.bodyHas("main", e2eComplaintWorker) {
					t.Errorf("%s: the tracking page shows the contact or the worker's name", s.where())
				}
				if n := eval[int](s, `document.querySelectorAll("#h-track-result ~ ol li").length`); n != 4 {
					t.Errorf("%s: %d steps shown to the public, want 4", s.where(), n)
				}
			})
			b.logFindings()
		})
	}
}

// trackedStatus reads the status from the tracking page's result.
func trackedStatus(b *browser) string {
	return strings.TrimSpace(eval[string](b, `(() => {
		const dl = document.querySelector("#h-track-result ~ dl"); if (!dl) return "";
		const st = dl.querySelector("dd strong"); return st ? st.textContent : "" })()`))
}

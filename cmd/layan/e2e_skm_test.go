package main

// The satisfaction survey in a real browser (issue 7, tests): the head of
// Dinas Sosial Kota Salatiga opens the unit's survey and its QR poster; a
// respondent on a cheap phone (360×740, no account) opens the short link,
// first sends the form half-filled and is told what is missing, then
// answers every question by clicking the big answers and sends it, and
// sees the thank-you page; the kiosk form, the published results and an
// unknown code are opened too; then the unit head sees the index with its
// mutu and the new answer counted. axe-core runs on every page, public
// ones included (on the machinery of TestE2E, e2e_test.go).
//
//	LAYAN_TEST_CHROMIUM=/usr/bin/chromium go test ./cmd/layan/ -run E2ESKM -count=1 -v

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/db/dbtest"
)

var respondentsRe = regexp.MustCompile(`(\d+) responden`)

func TestE2ESKM(t *testing.T) {
	env := e2eSetup(t)
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			srv, b := env.start(t, engine)
			head, ok := srv.accounts[access.Supervisor]
			if !ok {
				t.Fatal("no demo supervisor")
			}
			b.step("desktop viewport", chromedp.EmulateViewport(1280, 900))
			b.login(head)
			b.visit("/units")
			unitPath := eval[string](b, `document.querySelector('main a[href^="/units/"]').getAttribute("href")`)
			b.visit(unitPath)
			b.follow("the unit's survey", chromedp.Click(chromedp.CSS(`main a[href$="/skm"]`)))
			link := eval[string](b, `document.querySelector(".skm-link a").getAttribute("href")`)
			if !strings.HasPrefix(link, "/s/") {
				t.Fatalf("%s: short link %q", b.where(), link)
			}
			code := strings.TrimPrefix(link, "/s/")
			b.follow("the QR poster", chromedp.Click(chromedp.CSS(`main a[href$="/skm/poster"]`)))
			if !eval[bool](b, `!!document.querySelector(".skm-poster-qr svg path")`) || !b.bodyHas(".skm-poster-link", "/s/"+code) {
				t.Errorf("%s: the poster has no QR code or no link", b.where())
			}
			// A phone's camera reads the QR code off the screen as it would
			// off the printed poster: it must hold the short link.
			if got := scanQR(b); got != b.base+link {
				t.Errorf("%s: the QR code reads %q, want %q", b.where(), got, b.base+link)
			}
			// The open period of the demo: its respondents before.
			b.visit(unitPath + "/skm")
			periodPath := eval[string](b, `[...document.querySelectorAll("main table a")].find(a => a.closest("tr").textContent.includes("Dibuka")).getAttribute("href")`)
			b.visit(periodPath)
			before := respondents(b)
			b.logout()

			b.stranger(func(s *browser) {
				s.step("phone viewport", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
				s.visit(link)
				if fs := eval[float64](s, `parseFloat(getComputedStyle(document.querySelector(".public")).fontSize)`); fs < 20 {
					t.Errorf("%s: public text is %vpx, want at least 20", s.where(), fs)
				}
				// Half-filled: every missing answer is named, nothing lost.
				s.step("answer U1 only", chromedp.Click(chromedp.CSS(`input[name="U1"][value="4"]`)))
				s.loadStatus("send half-filled", 422, chromedp.Click(chromedp.CSS(`form.skm-form button[type=submit]`)))
				s.step("wait for the errors", chromedp.WaitVisible(chromedp.ID("skm-errors")))
				s.check("the form with what is missing")
				if n := eval[int](s, `document.querySelectorAll("#skm-errors li").length`); n != 8 {
					t.Errorf("%s: %d errors listed, want 8 (U2–U9)", s.where(), n)
				}
				if !eval[bool](s, `document.querySelector('input[name="U1"][value="4"]').checked`) {
					t.Errorf("%s: the answer given was lost", s.where())
				}
				// Every question answered by clicking its big answer.
				for i := 2; i <= 9; i++ {
					v := 3 + i%2
					s.step(fmt.Sprintf("answer U%d", i), chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name="U%d"][value="%d"]`, i, v))))
				}
				s.step("about me", chromedp.Click(chromedp.CSS(`input[name="age_band"][value="60plus"]`)),
					chromedp.Click(chromedp.CSS(`input[name="education"][value="sd"]`)),
					chromedp.SendKeys(chromedp.ID("saran"), "Kursi tunggu ditambah."))
				s.follow("send the answers", chromedp.Click(chromedp.CSS(`form.skm-form button[type=submit]`)))
				if p := s.path(); p != link+"/terima-kasih" {
					t.Errorf("%s: after sending: on %s", s.where(), p)
				}
				if h := s.text("main h1"); !strings.Contains(h, s.tr("skm.thanks.heading")) {
					t.Errorf("%s: thank-you heading %q", s.where(), h)
				}
				// Going back shows an empty form, not the answers.
				s.visit(link + "?kiosk=1")
				if eval[int](s, `document.querySelectorAll("input[type=radio]:checked").length`) != 0 {
					t.Errorf("%s: the kiosk form is not empty", s.where())
				}
				s.visit("/hasil/" + code)
				if !s.bodyHas("main", "IKM") {
					t.Errorf("%s: no published IKM", s.where())
				}
				s.loadStatus("an unknown code", 404, chromedp.Navigate(s.base+"/s/AAAAAAA"))
				s.step("wait for the page", chromedp.WaitVisible(chromedp.CSS("main h1")))
				s.check("/s/AAAAAAA")
			})

			b.login(head)
			b.visit(periodPath)
			if after := respondents(b); after != before+1 {
				t.Errorf("%s: %d respondents after the phone's answer, want %d", b.where(), after, before+1)
			}
			if !eval[bool](b, `/mutu [ABCD]/.test(document.querySelector(".skm-ikm").textContent)`) {
				t.Errorf("%s: no IKM with its mutu: %q", b.where(), b.text(".skm-ikm"))
			}
			if !b.bodyHas("main", "Kursi tunggu ditambah.") {
				t.Errorf("%s: the unit head does not see the suggestion", b.where())
			}
			b.logout()
		})
	}
}

// scanQR takes a screenshot of the page as it shows and decodes the QR code
// in it, as a phone's camera app does.
//
// The code is first drawn at a whole number of pixels per module, as a
// printer draws it: scaled to the page's width, a module is some 8.6
// screen pixels, the rows of one code come out 8 and 9 pixels high, and
// the decoder misjudged the code's size now and then (a flaky test, not a
// poster a camera cannot read).
func scanQR(b *browser) string {
	b.t.Helper()
	eval[bool](b, `(() => { const s = document.querySelector(".skm-poster-qr svg");
		s.style.maxWidth = "none"; s.style.width = s.style.height = (s.viewBox.baseVal.width * 6) + "px";
		s.scrollIntoView({block: "center"}); return true })()`)
	ctx, cancel := context.WithTimeout(b.tab, stepTimeout)
	defer cancel()
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("%s: screenshot: %v", b.where(), err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		b.t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		b.t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		b.t.Fatalf("%s: no QR code readable on the screen: %v", b.where(), err)
	}
	return res.GetText()
}

// respondents reads "N responden" from a period's page.
func respondents(b *browser) int {
	m := respondentsRe.FindStringSubmatch(b.text("#h-skm-ikm ~ p:not(.skm-ikm)"))
	if m == nil {
		b.t.Fatalf("%s: no respondent count", b.where())
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

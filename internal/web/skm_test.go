package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/demo"
	"github.com/layan-id/layan/internal/quality/survey"
	"github.com/layan-id/layan/internal/report"
)

// skmAnswers is a whole, valid questionnaire of the nine standard elements.
func skmAnswers(v string) url.Values {
	f := url.Values{"age_band": {"60plus"}, "sex": {"p"}, "education": {"sd"}, "occupation": {"rumah_tangga"},
		"service": {"bantuan"}, "saran": {"Antrean lebih tertib."}}
	for i := 1; i <= 9; i++ {
		f.Set(fmt.Sprintf("U%d", i), v)
	}
	return f
}

// skmCount counts the responses of Kota Kupang's unit (which has no demo
// survey).
func skmCount(t *testing.T, h *harness) int {
	t.Helper()
	var n int
	if err := h.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM skm_response r JOIN skm_period p ON p.id = r.period_id
		JOIN unit u ON u.id = p.unit_id WHERE u.name = 'Dinas Sosial Kota Kupang'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// skmOpenPeriod makes and opens a period of Kota Kupang's Dinas Sosial by
// the API as the deployment's admin, and returns the unit, the period and
// the unit's public code.
func skmOpenPeriod(t *testing.T, h *harness) (unitID, periodID int64, code string) {
	t.Helper()
	ctx := context.Background()
	unitID, err := demo.UnitID(ctx, h.db, "Dinas Sosial Kota Kupang")
	if err != nil {
		t.Fatal(err)
	}
	base := "/api/v1/units/" + strconv.FormatInt(unitID, 10) + "/skm/periods"
	r := h.api(t, access.Admin, "POST", base, map[string]any{"kind": "triwulan", "year": 2026, "number": 2, "population": 100})
	if r.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var p struct {
		ID       int64 `json:"id"`
		Version  int   `json:"version"`
		Elements []struct {
			Code string `json:"code"`
		} `json:"elements"`
	}
	r.decode(t, &p)
	if len(p.Elements) != 9 {
		t.Fatalf("elements %s", r.Body)
	}
	// Weights that do not sum to 1 are refused by field.
	bad := h.api(t, access.Admin, "PATCH", fmt.Sprintf("%s/%d", base, p.ID), map[string]any{"population": 100, "version": p.Version,
		"elements": []map[string]any{{"code": "U1", "name": "Persyaratan", "weight": 0.5}, {"code": "U2", "name": "Prosedur", "weight": 0.3}}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(string(bad.Body), "elements") {
		t.Fatalf("weights 0.8: %d %s", bad.Status, bad.Body)
	}
	r = h.api(t, access.Admin, "PATCH", fmt.Sprintf("%s/%d", base, p.ID), map[string]any{"status": "open", "version": p.Version})
	if r.Status != http.StatusOK {
		t.Fatalf("open: %d %s", r.Status, r.Body)
	}
	if err := h.db.QueryRow(ctx, "SELECT code FROM skm_unit WHERE unit_id = ?", unitID).Scan(&code); err != nil {
		t.Fatal(err)
	}
	return unitID, p.ID, code
}

func TestSKMPublicForm(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		unitID, periodID, code := skmOpenPeriod(t, h)
		phone := h.anonymous()
		status, body := h.page(t, phone, "GET", "/s/"+code, nil)
		if status != http.StatusOK || !strings.Contains(body, "Apakah petugas sopan dan ramah?") ||
			!strings.Contains(body, `name="situs_web"`) || !strings.Contains(body, "Sangat mahal") {
			t.Fatalf("form: %d\n%.2000s", status, body)
		}
		u, _ := url.Parse(h.http.URL)
		if len(phone.Jar.Cookies(u)) == 0 {
			t.Error("no device cookie set on the form")
		}
		// Missing answers: shown again with the reason, nothing stored.
		partial := skmAnswers("3")
		partial.Del("U5")
		partial.Set("U1", "7")
		status, body = h.page(t, phone, "POST", "/s/"+code, partial)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-U5"`) || !strings.Contains(body, `id="err-U1"`) {
			t.Fatalf("partial: %d\n%.3000s", status, body)
		}
		if skmCount(t, h) != 0 {
			t.Fatal("a refused answer was stored")
		}
		// A bot filling the honeypot is thanked and nothing is stored.
		bot := skmAnswers("4")
		bot.Set("situs_web", "http://spam.example")
		if status, _ = h.page(t, h.anonymous(), "POST", "/s/"+code, bot); status != http.StatusSeeOther || skmCount(t, h) != 0 {
			t.Fatalf("honeypot: %d, %d stored", status, skmCount(t, h))
		}
		// Three answers from one phone in an hour, then 429 with Retry-After.
		for i := range 3 {
			resp, err := phone.PostForm(h.http.URL+"/s/"+code, skmAnswers(strconv.Itoa(i+2)))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "/terima-kasih") {
				t.Fatalf("answer %d: %d %s", i, resp.StatusCode, resp.Header.Get("Location"))
			}
		}
		resp, err := phone.PostForm(h.http.URL+"/s/"+code, skmAnswers("3"))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(b), "menit") {
			t.Fatalf("flood: %d %q\n%.500s", resp.StatusCode, resp.Header.Get("Retry-After"), b)
		}
		if skmCount(t, h) != 3 {
			t.Fatalf("%d stored, want 3", skmCount(t, h))
		}
		if status, body = h.page(t, phone, "GET", "/s/"+code+"/terima-kasih", nil); status != http.StatusOK || !strings.Contains(body, "Terima kasih") {
			t.Fatalf("thanks: %d", status)
		}
		// A tablet made a kiosk by the unit's staff takes more answers, and
		// its thank-you page returns to an empty form.
		admin := h.browser(access.Admin)
		if status, _ = h.page(t, admin, "POST", fmt.Sprintf("/units/%d/skm/kiosk", unitID), url.Values{"label": {"meja depan"}}); status != http.StatusSeeOther {
			t.Fatalf("kiosk: %d", status)
		}
		// The tablet has a device id too: without the kiosk token its
		// fourth answer would be refused like the phone's.
		h.page(t, admin, "GET", "/s/"+code+"?kiosk=1", nil)
		if len(admin.Jar.Cookies(u)) < 3 {
			t.Fatalf("the kiosk tablet lacks its cookies: %v", admin.Jar.Cookies(u))
		}
		for i := range 4 {
			resp, err := admin.PostForm(h.http.URL+"/s/"+code+"?kiosk=1", skmAnswers("4"))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "kiosk=1") {
				t.Fatalf("kiosk answer %d: %d", i, resp.StatusCode)
			}
		}
		resp, err = admin.Get(h.http.URL + "/s/" + code + "/terima-kasih?kiosk=1")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if ref := resp.Header.Get("Refresh"); !strings.Contains(ref, "/s/"+code+"?kiosk=1") {
			t.Errorf("kiosk thanks: Refresh %q", ref)
		}
		// The unit revokes the tablet (lost, say): it is limited like any
		// phone again, three answers an hour.
		var ks struct{ Kiosks []survey.Kiosk }
		h.api(t, access.Admin, "GET", fmt.Sprintf("/api/v1/units/%d/skm/kiosks", unitID), nil).decode(t, &ks)
		if len(ks.Kiosks) != 1 || ks.Kiosks[0].Label != "meja depan" {
			t.Fatalf("kiosks: %+v", ks.Kiosks)
		}
		if status, _ = h.page(t, admin, "POST", fmt.Sprintf("/units/%d/skm/kiosk/%d/revoke", unitID, ks.Kiosks[0].ID), nil); status != http.StatusSeeOther {
			t.Fatalf("revoke: %d", status)
		}
		if r := h.api(t, access.Admin, "DELETE", fmt.Sprintf("/api/v1/units/%d/skm/kiosks/%d", unitID, ks.Kiosks[0].ID), nil); r.Status != http.StatusNotFound {
			t.Errorf("revoking twice: %d", r.Status)
		}
		for i := range 4 {
			resp, err = admin.PostForm(h.http.URL+"/s/"+code+"?kiosk=1", skmAnswers("4"))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if want := map[bool]int{true: http.StatusSeeOther, false: http.StatusTooManyRequests}[i < 3]; resp.StatusCode != want {
				t.Errorf("the revoked kiosk's answer %d: %d, want %d", i+1, resp.StatusCode, want)
			}
		}
		// Unknown code: a friendly 404.
		if status, body = h.page(t, h.anonymous(), "GET", "/s/AAAAAAA", nil); status != http.StatusNotFound || !strings.Contains(body, "tidak dikenal") {
			t.Errorf("unknown code: %d\n%.500s", status, body)
		}
		// The API takes the same answer; a bad one is refused by field.
		r := h.api(t, "", "POST", "/api/v1/public/skm/"+code+"/responses", map[string]any{"answers": map[string]int{"U1": 5}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "U9") {
			t.Errorf("API bad answer: %d %s", r.Status, r.Body)
		}
		// The unit head sees the index, its mutu and the weakest elements,
		// and downloads the report.
		page := fmt.Sprintf("/units/%d/skm/%d", unitID, periodID)
		status, body = h.page(t, admin, "GET", page, nil)
		if status != http.StatusOK || !strings.Contains(body, "mutu") || !strings.Contains(body, "Antrean lebih tertib.") {
			t.Fatalf("results: %d\n%.2000s", status, body)
		}
		// The report holds the index, its mutu and the weakest element
		// first, as the API computes them.
		var res struct {
			Respondents int
			IKM         float64
			Mutu        string
			Weakest     []string
			Elements    []struct{ Code, Name string }
		}
		h.api(t, access.Admin, "GET", fmt.Sprintf("/api/v1/units/%d/skm/periods/%d", unitID, periodID), nil).decode(t, &res)
		if res.Respondents == 0 || len(res.Weakest) == 0 {
			t.Fatalf("no results to report: %+v", res)
		}
		ikmText := strings.Replace(strconv.FormatFloat(res.IKM, 'f', 2, 64), ".", ",", 1) + " — mutu " + res.Mutu
		// The unit's list of periods shows the same index and mutu.
		if _, body = h.page(t, admin, "GET", fmt.Sprintf("/units/%d/skm", unitID), nil); !strings.Contains(body,
			strings.Replace(strconv.FormatFloat(res.IKM, 'f', 2, 64), ".", ",", 1)+" ("+res.Mutu+")") {
			t.Errorf("the unit's periods do not show IKM %.2f (%s)", res.IKM, res.Mutu)
		}
		var weakest string
		for _, e := range res.Elements {
			if e.Code == res.Weakest[0] {
				weakest = e.Name
			}
		}
		for _, f := range []struct{ format, ctype string }{{"pdf", "application/pdf"}, {"xlsx", "spreadsheetml"}} {
			resp, err := admin.Get(h.http.URL + page + "/report?format=" + f.format)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), f.ctype) || len(b) < 500 {
				t.Fatalf("report %s: %d %s %d bytes", f.format, resp.StatusCode, resp.Header.Get("Content-Type"), len(b))
			}
			var text string
			if f.format == "pdf" {
				pages, err := report.ReadPDFText(b)
				if err != nil {
					t.Fatal(err)
				}
				for _, pg := range pages {
					for _, x := range pg {
						text += x.Text + "\n"
					}
				}
			} else {
				x, err := excelize.OpenReader(bytes.NewReader(b))
				if err != nil {
					t.Fatal(err)
				}
				rows, err := x.GetRows("IKM")
				x.Close()
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range rows {
					text += strings.Join(r, "\t") + "\n"
				}
			}
			first := strings.Index(text, res.Weakest[0])
			if !strings.Contains(text, ikmText) || first < 0 || !strings.Contains(text[first:], weakest) {
				t.Errorf("report %s lacks %q or the weakest element %s (%s) first:\n%.1500s", f.format, ikmText, res.Weakest[0], weakest, text)
			}
		}
		status, body = h.page(t, admin, "GET", fmt.Sprintf("/units/%d/skm/poster", unitID), nil)
		if status != http.StatusOK || !strings.Contains(body, "/s/"+code) || !strings.Contains(body, `<svg`) {
			t.Errorf("poster: %d", status)
		}
		// A planner of another region sees nothing of the unit.
		if r := h.api(t, access.Planner, "GET", fmt.Sprintf("/api/v1/units/%d/skm/periods/%d", unitID, periodID), nil); r.Status != http.StatusNotFound {
			t.Errorf("planner of Salatiga reads Kupang: %d", r.Status)
		}
		r = h.api(t, access.National, "GET", fmt.Sprintf("/api/v1/units/%d/skm/periods/%d", unitID, periodID), nil)
		if r.Status != http.StatusOK || strings.Contains(string(r.Body), "Antrean") || !strings.Contains(string(r.Body), `"respondents":10`) {
			t.Errorf("national viewer: %d %s", r.Status, r.Body)
		}
		// Closing publishes the results.
		var version int
		h.db.QueryRow(context.Background(), "SELECT version FROM skm_period WHERE id = ?", periodID).Scan(&version)
		if status, _ = h.page(t, admin, "POST", page, url.Values{"action": {"close"}, "version": {strconv.Itoa(version)}}); status != http.StatusSeeOther {
			t.Fatalf("close: %d", status)
		}
		status, body = h.page(t, h.anonymous(), "GET", "/hasil/"+code, nil)
		if status != http.StatusOK || !strings.Contains(body, "Persyaratan") || strings.Contains(body, "Antrean") {
			t.Errorf("public results: %d\n%.1000s", status, body)
		}
		if status, _ = h.page(t, h.anonymous(), "GET", "/s/"+code, nil); status != http.StatusNotFound {
			t.Errorf("closed form: %d", status)
		}
	})
}

// The role × route matrix's survey objects (roles_test.go): a unit that
// is none of the demo units with an open period for the public routes,
// and one period per demo unit for the staff routes.
type skmMatrix struct {
	code    string
	unitID  int64
	periods map[string]int64
	year    int
}

var skmMatrices = map[*fixture]*skmMatrix{}

var skmAdmin = access.User{Role: access.Admin}

func (fx *fixture) skm() *skmMatrix {
	m, ok := skmMatrices[fx]
	if !ok {
		m = &skmMatrix{periods: map[string]int64{}, year: 2030}
		skmMatrices[fx] = m
	}
	return m
}

func (fx *fixture) skmStore() *survey.Store { return &survey.Store{DB: fx.h.db} }

// skmCode is the public code of the matrix's own unit, whose period is
// opened again when a request closed it.
func (fx *fixture) skmCode() string {
	ctx, m := context.Background(), fx.skm()
	if m.unitID == 0 {
		m.unitID = dbtest.Unit(fx.t, fx.h.db, "Dinas Sosial Uji Survei", "53.71")
		p, err := fx.skmStore().CreatePeriod(ctx, audit.System("test"), skmAdmin, m.unitID,
			survey.PeriodInput{Kind: survey.Tahunan, Year: 2026, Number: 1})
		if err != nil {
			fx.t.Fatal(err)
		}
		if _, err := fx.skmStore().SetStatus(ctx, audit.System("test"), skmAdmin, m.unitID, p.ID, survey.Open, p.Version); err != nil {
			fx.t.Fatal(err)
		}
		if m.code, err = fx.skmStore().Code(ctx, skmAdmin, m.unitID); err != nil {
			fx.t.Fatal(err)
		}
	}
	if _, err := fx.h.db.Exec(ctx, "UPDATE skm_period SET status = 'open' WHERE unit_id = ?", m.unitID); err != nil {
		fx.t.Fatal(err)
	}
	return m.code
}

// skmPeriod is a draft period of the named demo unit, made once.
func (fx *fixture) skmPeriod(key string) string {
	m := fx.skm()
	id, ok := m.periods[key]
	if !ok {
		p, err := fx.skmStore().CreatePeriod(context.Background(), audit.System("test"), skmAdmin, fx.unit(key).ID,
			survey.PeriodInput{Kind: survey.Tahunan, Year: 2099, Number: 1})
		if err != nil {
			fx.t.Fatal(err)
		}
		id, m.periods[key] = p.ID, p.ID
	}
	return strconv.FormatInt(id, 10)
}

// skmKiosk makes a new kiosk of the unit each time: revoking one ends it,
// so every case of the matrix revokes its own.
func (fx *fixture) skmKiosk(key string) string {
	if _, err := fx.skmStore().CreateKiosk(context.Background(), audit.System("test"), skmAdmin, fx.unit(key).ID, "matriks"); err != nil {
		fx.t.Fatal(err)
	}
	var id int64
	if err := fx.h.db.QueryRow(context.Background(), "SELECT MAX(id) FROM skm_kiosk WHERE unit_id = ?", fx.unit(key).ID).Scan(&id); err != nil {
		fx.t.Fatal(err)
	}
	return strconv.FormatInt(id, 10)
}

func (fx *fixture) skmPeriodVersion(key string) int {
	var v int
	if err := fx.h.db.QueryRow(context.Background(), "SELECT version FROM skm_period WHERE id = ?", fx.skmPeriod(key)).Scan(&v); err != nil {
		fx.t.Fatal(err)
	}
	return v
}

func uiBodySKMAnswer(*fixture, actor, string) any { return skmAnswers("3") }

func apiBodySKMAnswer(*fixture, actor, string) any {
	a := map[string]int{}
	for i := 1; i <= 9; i++ {
		a[fmt.Sprintf("U%d", i)] = 4
	}
	return map[string]any{"answers": a, "age_band": "x"}
}

// A new period each time: a year of its own.
func (fx *fixture) skmYear() int {
	m := fx.skm()
	m.year++
	return m.year
}

func uiBodySKMPeriod(fx *fixture, _ actor, _ string) any {
	return url.Values{"kind": {"tahunan"}, "year": {strconv.Itoa(fx.skmYear())}, "number": {"1"}, "population": {"120"}}
}

func apiBodySKMPeriod(fx *fixture, _ actor, _ string) any {
	return map[string]any{"kind": "semester", "year": fx.skmYear(), "number": 2}
}

func uiBodySKMPopulation(fx *fixture, _ actor, key string) any {
	return url.Values{"action": {"population"}, "population": {"250"}, "version": {strconv.Itoa(fx.skmPeriodVersion(key))}}
}

func apiBodySKMPopulation(fx *fixture, _ actor, key string) any {
	return map[string]any{"population": 300, "version": fx.skmPeriodVersion(key)}
}

// skmState summarises the survey tables for the matrix's fingerprint: a
// refused request must not add an answer, a period or a kiosk, nor change
// a period.
func skmState(t *testing.T, h *harness) string {
	t.Helper()
	var responses, periods, versions, kiosks int64
	err := h.db.QueryRow(context.Background(), `SELECT (SELECT COUNT(*) FROM skm_response), (SELECT COUNT(*) FROM skm_period),
		(SELECT COALESCE(SUM(version), 0) FROM skm_period), (SELECT COUNT(*) FROM skm_kiosk)`).Scan(&responses, &periods, &versions, &kiosks)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf(" skm=%d/%d/v%d/k%d", responses, periods, versions, kiosks)
}

package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/quality/complaint"
)

// The matrix's complaints: one filed for the request at the named demo
// unit; at Kota Salatiga assigned to the demo worker (version 2), so that
// the worker may answer it, elsewhere left as received (version 1).

const complaintText = "Antrean di loket terlalu lama, saya menunggu tiga jam."

// complaintUnitFor is the demo unit a caller files to in the matrix: one
// the caller may see, so that the answer names no unit outside its scope.
func complaintUnitFor(a actor) string {
	if a.key == sulselAdmin {
		return "makassar"
	}
	return "salatiga"
}

func (fx *fixture) fileComplaint(key string) (int64, string) {
	fx.t.Helper()
	ctx := context.Background()
	st := &complaint.Store{DB: fx.h.db}
	f, err := st.File(ctx, complaint.Input{UnitID: fx.unit(key).ID, Category: "waktu_layanan", Body: complaintText,
		ContactName: "Ibu Rahayu", Contact: "0812 7777 1234", Channel: complaint.ChannelWeb})
	if err != nil {
		fx.t.Fatalf("file a complaint at %s: %v", key, err)
	}
	code, _ := complaint.ParseCode(f.Code)
	var id int64
	if err := fx.h.db.QueryRow(ctx, "SELECT id FROM complaint WHERE code = ?", code).Scan(&id); err != nil {
		fx.t.Fatal(err)
	}
	return id, f.Code
}

// complaintOf files a complaint at the unit key and returns its id.
func (fx *fixture) complaintOf(key string) string {
	id, _ := fx.fileComplaint(key)
	if key == "salatiga" {
		ctx := context.Background()
		sup := fx.currentUser(fx.h.accounts[access.Supervisor].Username)
		worker := fx.currentUser(fx.h.accounts[access.Worker].Username)
		st := &complaint.Store{DB: fx.h.db}
		if _, err := st.Act(ctx, audit.System("test"), sup, sup.UnitID, id,
			complaint.ActInput{Action: complaint.Assign, Version: 1, AssignTo: worker.ID}); err != nil {
			fx.t.Fatalf("assign: %v", err)
		}
	}
	return strconv.FormatInt(id, 10)
}

// complaintCode files a complaint at a unit the caller may see and
// returns its tracking code.
func (fx *fixture) complaintCode(a actor, _ string) string {
	_, code := fx.fileComplaint(complaintUnitFor(a))
	return code
}

func complaintStepVersion(key string) int {
	if key == "salatiga" {
		return 2
	}
	return 1
}

func uiBodyComplaint(fx *fixture, a actor, _ string) any {
	return url.Values{"unit_id": {strconv.FormatInt(fx.unit(complaintUnitFor(a)).ID, 10)}, "category": {"persyaratan"},
		"body": {complaintText}}
}

func apiBodyComplaint(fx *fixture, a actor, _ string) any {
	return map[string]any{"unit_id": fx.unit(complaintUnitFor(a)).ID, "category": "biaya", "body": complaintText}
}

func uiBodyComplaintStep(_ *fixture, _ actor, key string) any {
	return url.Values{"action": {"respond"}, "version": {strconv.Itoa(complaintStepVersion(key))}, "text": {"Loket ditambah."}}
}

func apiBodyComplaintStep(_ *fixture, _ actor, key string) any {
	return map[string]any{"action": "respond", "version": complaintStepVersion(key), "text": "Loket ditambah."}
}

func uiBodyComplaintCounter(_ *fixture, _ actor, _ string) any {
	return url.Values{"category": {"pelayanan_petugas"}, "body": {complaintText}, "contact": {"0812 7777 1234"}}
}

func apiBodyComplaintCounter(_ *fixture, _ actor, _ string) any {
	return map[string]any{"category": "pelayanan_petugas", "body": complaintText}
}

// countComplaints counts the complaints the test filed.
func countComplaints(t *testing.T, h *harness) int {
	t.Helper()
	var n int
	// The demo's own complaints (internal/demo) are not the test's.
	if err := h.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM complaint WHERE body NOT LIKE ?", "%(contoh data demo)").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A member of the public files a complaint, follows it by its code, and
// reads the answer; nobody but the unit's staff sees the text or contact.
func TestComplaintPublicFlow(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		fx := newFixture(t, h)
		salatiga := fx.unit("salatiga")
		c := h.anonymous()
		status, body := h.page(t, c, "GET", "/pengaduan?q=salatiga", nil)
		if status != http.StatusOK || !strings.Contains(body, "/pengaduan?unit="+strconv.FormatInt(salatiga.ID, 10)) {
			t.Fatalf("unit picker: %d\n%.400s", status, body)
		}
		status, body = h.page(t, c, "GET", "/pengaduan?unit="+strconv.FormatInt(salatiga.ID, 10), nil)
		if status != http.StatusOK || !strings.Contains(body, `name="situs_web"`) || !strings.Contains(body, salatiga.Name) {
			t.Fatalf("form: %d\n%.400s", status, body)
		}
		// Bad input: the form again with the reason by field, nothing stored.
		form := url.Values{"unit_id": {strconv.FormatInt(salatiga.ID, 10)}, "category": {"x"}, "body": {"pendek"}, "contact": {"abc"}}
		status, body = h.page(t, c, "POST", "/pengaduan", form)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="body-err"`) || !strings.Contains(body, `id="contact-err"`) {
			t.Errorf("bad input: %d\n%.600s", status, body)
		}
		if n := countComplaints(t, h); n != 0 {
			t.Fatalf("bad input stored %d complaints", n)
		}
		// A bot filling the honeypot is told all is well; nothing is kept.
		form = url.Values{"unit_id": {strconv.FormatInt(salatiga.ID, 10)}, "category": {"biaya"}, "body": {complaintText},
			"situs_web": {"http://spam.example"}}
		status, body = h.page(t, c, "POST", "/pengaduan", form)
		if status != http.StatusOK || !strings.Contains(body, "PGD-") {
			t.Errorf("honeypot: %d\n%.400s", status, body)
		}
		if n := countComplaints(t, h); n != 0 {
			t.Fatalf("honeypot stored %d complaints", n)
		}
		form.Del("situs_web")
		form.Set("contact", "rahasia@example.org")
		form.Set("contact_name", "Nama Rahasia")
		status, body = h.page(t, c, "POST", "/pengaduan", form)
		if status != http.StatusOK || countComplaints(t, h) != 1 {
			t.Fatalf("file: %d\n%.400s", status, body)
		}
		i := strings.Index(body, "PGD-")
		code := body[i : i+len("PGD-XXXX-XXXX-XXXX")]

		secret := func(where, s string) {
			t.Helper()
			for _, x := range []string{"rahasia@example.org", "Nama Rahasia", complaintText} {
				if strings.Contains(s, x) {
					t.Errorf("%s shows %q", where, x)
				}
			}
		}
		status, body = h.page(t, c, "GET", "/pengaduan/lacak?kode="+url.QueryEscape(strings.ToLower(code)), nil)
		if status != http.StatusOK || !strings.Contains(body, salatiga.Name) {
			t.Fatalf("track: %d\n%.400s", status, body)
		}
		secret("the tracking page", body)
		r := h.api(t, "", "GET", "/api/v1/public/complaints/"+code, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("API track: %d %s", r.Status, r.Body)
		}
		secret("the tracking API", string(r.Body))

		// Unknown and mistyped codes: 404 with a friendly page, no detail.
		status, body = h.page(t, c, "GET", "/pengaduan/lacak?kode="+url.QueryEscape(complaint.FormatCode(complaint.NewCode())), nil)
		if status != http.StatusNotFound || !strings.Contains(body, h.cat.T("id", "complaint.code_unknown")) {
			t.Errorf("unknown code: %d\n%.400s", status, body)
		}
		typo := []byte(code)
		if typo[5] == 'A' {
			typo[5] = 'B'
		} else {
			typo[5] = 'A'
		}
		status, body = h.page(t, c, "GET", "/pengaduan/lacak?kode="+string(typo), nil)
		if status != http.StatusNotFound || !strings.Contains(body, h.cat.T("id", "complaint.code_typo")) {
			t.Errorf("mistyped code: %d\n%.400s", status, body)
		}
		checkNoLeak(t, "tracking", []byte(body))
		if r := h.api(t, "", "GET", "/api/v1/public/complaints/PGD-0000", nil); r.Status != http.StatusNotFound {
			t.Errorf("API unknown code: %d", r.Status)
		}

		// The supervisor assigns, the worker answers, the supervisor closes.
		id, _ := strconv.ParseInt(strings.TrimSpace(func() string {
			var s string
			code, _ := complaint.ParseCode(code)
			h.db.QueryRow(context.Background(), "SELECT CAST(id AS TEXT) FROM complaint WHERE code = ?", code).Scan(&s)
			return s
		}()), 10, 64)
		base := "/units/" + strconv.FormatInt(salatiga.ID, 10) + "/pengaduan/" + strconv.FormatInt(id, 10)
		sup := h.browser(access.Supervisor)
		status, body = h.page(t, sup, "GET", base, nil)
		if status != http.StatusOK || !strings.Contains(body, "rahasia@example.org") {
			t.Fatalf("the supervisor's page: %d\n%.400s", status, body)
		}
		worker := fx.currentUser(h.accounts[access.Worker].Username)
		status, _ = h.page(t, sup, "POST", base, url.Values{"action": {"assign"}, "version": {"1"}, "assign_to": {strconv.FormatInt(worker.ID, 10)}})
		if status != http.StatusSeeOther {
			t.Fatalf("assign: %d", status)
		}
		wk := h.browser(access.Worker)
		// It is on the worker's work list, page and API, until answered.
		if _, body = h.page(t, wk, "GET", "/work", nil); !strings.Contains(body, base) || !strings.Contains(body, code) {
			t.Errorf("the worker's work page does not list %s", code)
		}
		onWorkList := func() bool {
			var work struct {
				Complaints []complaint.Complaint `json:"complaints"`
			}
			h.api(t, access.Worker, "GET", "/api/v1/work", nil).decode(t, &work)
			return slices.ContainsFunc(work.Complaints, func(c complaint.Complaint) bool { return c.ID == id })
		}
		if !onWorkList() {
			t.Errorf("GET /api/v1/work does not list the complaint assigned to the worker")
		}
		status, body = h.page(t, wk, "POST", base, url.Values{"action": {"respond"}, "version": {"2"}, "text": {""}})
		if status != http.StatusUnprocessableEntity {
			t.Errorf("empty answer: %d", status)
		}
		// A refused step's message and text go back to its own form only.
		status, body = h.page(t, sup, "POST", base, url.Values{"action": {"reject"}, "version": {"2"}, "text": {" "}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="text-reject-err"`) || strings.Contains(body, `id="text-respond-err"`) {
			t.Errorf("an empty reason: %d, its message not under the reason", status)
		}
		long := strings.Repeat("x", 1001)
		_, body = h.page(t, sup, "POST", base, url.Values{"action": {"reject"}, "version": {"2"}, "text": {long}})
		if !strings.Contains(body, ">"+long+"</textarea>") || strings.Contains(body, `name="text" rows="5" maxlength="4000" aria-describedby="text-respond-hint">`+long) {
			t.Errorf("the text of a refused step is not back in its own form")
		}
		status, _ = h.page(t, wk, "POST", base, url.Values{"action": {"respond"}, "version": {"2"}, "text": {"Loket kini dijaga dua petugas."}})
		if status != http.StatusSeeOther {
			t.Fatalf("respond: %d", status)
		}
		if onWorkList() {
			t.Errorf("an answered complaint stays on the worker's work list")
		}
		status, body = h.page(t, sup, "POST", base, url.Values{"action": {"respond"}, "version": {"3"}, "text": {"lagi"}})
		if status != http.StatusConflict || !strings.Contains(body, h.cat.T("id", "complaint.step_not_now")) {
			t.Errorf("a second answer: %d", status)
		}
		status, _ = h.page(t, sup, "POST", base, url.Values{"action": {"close"}, "version": {"3"}})
		if status != http.StatusSeeOther {
			t.Fatalf("close: %d", status)
		}
		_, body = h.page(t, c, "GET", "/pengaduan/lacak?kode="+url.QueryEscape(code), nil)
		if !strings.Contains(body, "Loket kini dijaga dua petugas.") || !strings.Contains(body, h.cat.T("id", "complaint.status.selesai")) {
			t.Errorf("the tracking page after closing:\n%.800s", body)
		}
		secret("the tracking page after closing", body)

		// Counts only for the planner.
		r = h.api(t, access.Planner, "GET", "/api/v1/complaint-figures", nil)
		var fig complaint.RegionFigures
		if err := json.Unmarshal(r.Body, &fig); r.Status != http.StatusOK || err != nil {
			t.Fatalf("figures: %d %s", r.Status, r.Body)
		}
		// This year's complaints in the planner's Kota Salatiga: the one
		// filed here and the demo's of this year.
		var want int
		if err := h.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM complaint WHERE region_code LIKE ? AND received_at >= ? AND received_at < ?",
			"33.73%", fig.From, fig.To).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if fig.Total.Received != want || want < 1 {
			t.Errorf("figures: %d received, want %d: %s", fig.Total.Received, want, r.Body)
		}
		secret("the figures", string(r.Body))
		if r := h.api(t, access.Planner, "GET", "/api/v1/units/"+strconv.FormatInt(salatiga.ID, 10)+"/complaints", nil); r.Status != http.StatusForbidden {
			t.Errorf("planner reads complaints: %d", r.Status)
		}
	})
}

// One device may file three complaints an hour: the fourth is refused
// with 429, Retry-After and a plain message, and is not stored.
func TestComplaintFlood(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		fx := newFixture(t, h)
		c := h.anonymous()
		unitID := strconv.FormatInt(fx.unit("salatiga").ID, 10)
		h.page(t, c, "GET", "/pengaduan?unit="+unitID, nil) // the device cookie
		form := url.Values{"unit_id": {unitID}, "category": {"biaya"}, "body": {complaintText}}
		for i := range 3 {
			if status, body := h.page(t, c, "POST", "/pengaduan", form); status != http.StatusOK {
				t.Fatalf("complaint %d: %d\n%.300s", i+1, status, body)
			}
		}
		req, _ := http.NewRequest("POST", h.http.URL+"/pengaduan", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
			t.Errorf("fourth complaint: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		if n := countComplaints(t, h); n != 3 {
			t.Errorf("%d complaints stored, want 3", n)
		}
	})
}

// The unit page links to the unit's complaints for those who may open
// them, to the figures of its region for those who see only counts, and to
// the public form for everyone; the menu links the figures by permission.
func TestComplaintLinks(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		supUser, _ := access.GetUserByName(ctx, h.db, h.accounts[access.Supervisor].Username)
		unitPath := "/units/" + strconv.FormatInt(supUser.UnitID, 10)
		listLink := `href="` + unitPath + `/pengaduan"`
		publicLink := `href="/pengaduan?unit=` + strconv.FormatInt(supUser.UnitID, 10) + `"`
		figuresLink := `href="/pengaduan/angka?region=33.73"`
		menuLink := `href="/pengaduan/angka"`
		for _, tc := range []struct {
			role                access.Role
			list, figures, menu bool
		}{
			{access.Worker, true, false, false},
			{access.Supervisor, true, false, true},
			{access.Planner, false, true, true},
			{access.Verifier, false, true, true},
			{access.National, false, true, true},
			{access.Admin, true, false, true},
		} {
			status, body := h.page(t, h.browser(tc.role), "GET", unitPath, nil)
			if status != http.StatusOK {
				t.Fatalf("%s: unit page %d", tc.role, status)
			}
			for _, c := range []struct {
				want bool
				text string
			}{{tc.list, listLink}, {tc.figures, figuresLink}, {tc.menu, menuLink}, {true, publicLink}} {
				if strings.Contains(body, c.text) != c.want {
					t.Errorf("%s: the unit page holds %s: %v, want %v", tc.role, c.text, !c.want, c.want)
				}
			}
			if tc.list {
				if status, _ := h.page(t, h.browser(tc.role), "GET", unitPath+"/pengaduan", nil); status != http.StatusOK {
					t.Errorf("%s: the linked complaint list answers %d", tc.role, status)
				}
			}
		}
	})
}

// A worker writes down a complaint received at the counter: refused by
// field when the text is missing (nothing stored), else stored with the
// channel "counter" and opened, its code on the page; the API does the
// same and answers the complaint.
func TestComplaintCounter(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		fx := newFixture(t, h)
		salatiga := fx.unit("salatiga")
		list := "/units/" + strconv.FormatInt(salatiga.ID, 10) + "/pengaduan"
		worker := h.browser(access.Worker)
		status, body := h.page(t, worker, "GET", list, nil)
		if status != http.StatusOK || !strings.Contains(body, `action="`+list+`"`) {
			t.Fatalf("the list has no counter form: %d", status)
		}
		status, body = h.page(t, worker, "POST", list, url.Values{"category": {"biaya"}, "body": {""}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="counter-body-err"`) {
			t.Errorf("no text: %d\n%.600s", status, body)
		}
		if n := countComplaints(t, h); n != 0 {
			t.Fatalf("a refused counter complaint stored %d", n)
		}
		resp, err := worker.PostForm(h.http.URL+list, url.Values{"category": {"biaya"}, "body": {complaintText}, "contact_name": {"Pak Darto"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, list+"/") {
			t.Fatalf("record: %d to %q", resp.StatusCode, loc)
		}
		status, body = h.page(t, worker, "GET", loc, nil)
		if status != http.StatusOK || !strings.Contains(body, "PGD-") || !strings.Contains(body, h.cat.T("id", "complaint.channel.counter")) ||
			!strings.Contains(body, "Pak Darto") {
			t.Errorf("the recorded complaint: %d\n%.600s", status, body)
		}
		r := h.api(t, access.Supervisor, "POST", "/api/v1/units/"+strconv.FormatInt(salatiga.ID, 10)+"/complaints",
			map[string]any{"category": "lainnya", "body": complaintText})
		var d complaint.Detail
		if r.Status != http.StatusCreated {
			t.Fatalf("API record: %d %s", r.Status, r.Body)
		}
		r.decode(t, &d)
		if d.Channel != complaint.ChannelCounter || d.Status != complaint.Diterima || !strings.HasPrefix(d.Code, "PGD-") || len(d.Events) != 1 {
			t.Errorf("API record: %+v", d)
		}
		if r := h.api(t, access.Supervisor, "POST", "/api/v1/units/"+strconv.FormatInt(salatiga.ID, 10)+"/complaints",
			map[string]any{"category": "x", "body": complaintText}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("API bad category: %d %s", r.Status, r.Body)
		}
		if n := countComplaints(t, h); n != 2 {
			t.Errorf("%d complaints stored, want 2", n)
		}
	})
}

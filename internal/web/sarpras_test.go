package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/quality/sarpras"
)

// The matrix's objects of the facility audits: per fixture, a draft audit
// of each demo unit named, made when first needed.
var sarprasFixtures sync.Map // *fixture → map[string]int64

func (fx *fixture) sarprasStore() *sarpras.Store {
	return &sarpras.Store{DB: fx.h.db, PhotoDir: filepath.Join(fx.h.attachments, "sarpras")}
}

// sarprasRunner is an account that runs any unit's audits.
var sarprasRunner = access.User{ID: 0, Role: access.Admin}

func (fx *fixture) sarprasAudit(key string) string {
	m, _ := sarprasFixtures.LoadOrStore(fx, map[string]int64{})
	audits := m.(map[string]int64)
	if id, ok := audits[key]; ok {
		return strconv.FormatInt(id, 10)
	}
	a, err := fx.sarprasStore().Create(context.Background(), audit.System("test"), sarprasRunner, fx.unit(key).ID, sarpras.AuditInput{})
	if err != nil {
		fx.t.Fatalf("sarpras audit of %s: %v", key, err)
	}
	audits[key] = a.ID
	return strconv.FormatInt(a.ID, 10)
}

// sarprasReadyAudit is a new draft audit with every item answered: one to
// make final (version 2).
func (fx *fixture) sarprasReadyAudit(key string) string {
	st := fx.sarprasStore()
	ctx := context.Background()
	a, err := st.Create(ctx, audit.System("test"), sarprasRunner, fx.unit(key).ID, sarpras.AuditInput{})
	if err != nil {
		fx.t.Fatal(err)
	}
	in := sarpras.AnswersInput{Version: a.Version}
	for _, r := range a.Rows {
		in.Answers = append(in.Answers, sarpras.AnswerInput{Code: r.Code, Answer: sarpras.AdaSesuai})
	}
	if _, err := st.Answer(ctx, audit.System("test"), sarprasRunner, a.UnitID, a.ID, in); err != nil {
		fx.t.Fatal(err)
	}
	return strconv.FormatInt(a.ID, 10)
}

func (fx *fixture) sarprasAuditVersion(key string) int {
	id, _ := strconv.ParseInt(fx.sarprasAudit(key), 10, 64)
	a, err := fx.sarprasStore().Get(context.Background(), sarprasRunner, fx.unit(key).ID, id)
	if err != nil {
		fx.t.Fatal(err)
	}
	return a.Version
}

func (fx *fixture) sarprasPhoto(key string) string {
	id, _ := strconv.ParseInt(fx.sarprasAudit(key), 10, 64)
	p, err := fx.sarprasStore().AttachPhoto(context.Background(), audit.System("test"), sarprasRunner, fx.unit(key).ID, id,
		"ramp", "ramp.png", strings.NewReader(string(tinyPNG)))
	if err != nil {
		fx.t.Fatal(err)
	}
	return strconv.FormatInt(p.ID, 10)
}

// sarprasOwner is an account of the unit that owns its tasks: the demo
// worker in Salatiga, elsewhere a worker made for the matrix.
func (fx *fixture) sarprasOwner(key string) int64 {
	if key == "salatiga" {
		return fx.currentUser(fx.h.accounts[access.Worker].Username).ID
	}
	name := "sarpras." + key
	if u, err := access.GetUserByName(context.Background(), fx.h.db, name); err == nil {
		return u.ID
	}
	u, _, err := access.CreateUser(context.Background(), fx.h.db, audit.System("test"), access.Scope{All: true},
		access.UserInput{Username: name, FullName: "Petugas Sarpras", Role: access.Worker, UnitID: fx.unit(key).ID})
	if err != nil {
		fx.t.Fatalf("owner of %s: %v", key, err)
	}
	return u.ID
}

// sarprasTask is a new open task of the unit's shared audit.
func (fx *fixture) sarprasTask(key string) string {
	id, _ := strconv.ParseInt(fx.sarprasAudit(key), 10, 64)
	t, err := fx.sarprasStore().CreateTask(context.Background(), audit.System("test"), sarprasRunner, fx.unit(key).ID, id,
		sarpras.TaskInput{Item: "ramp", Description: "Perbaiki ramp", OwnerID: fx.sarprasOwner(key), Due: "2030-01-01"})
	if err != nil {
		fx.t.Fatalf("task of %s: %v", key, err)
	}
	return strconv.FormatInt(t.ID, 10)
}

// sarprasPath fills the audit, photo and task of a facility-audit route
// for the unit named by key.
func (fx *fixture) sarprasPath(path, key string) string {
	if strings.Contains(path, "{audit}") {
		id := ""
		if strings.HasSuffix(path, "/final") {
			id = fx.sarprasReadyAudit(key)
		} else {
			id = fx.sarprasAudit(key)
		}
		path = strings.Replace(path, "{audit}", id, 1)
	}
	if strings.Contains(path, "{photo}") {
		path = strings.Replace(path, "{photo}", fx.sarprasPhoto(key), 1)
	}
	if strings.Contains(path, "{task}") {
		path = strings.Replace(path, "{task}", fx.sarprasTask(key), 1)
	}
	return path
}

func sarprasAnswersUI(fx *fixture, _ actor, key string) any {
	return url.Values{"version": {strconv.Itoa(fx.sarprasAuditVersion(key))}, "item": {"ramp"},
		"answer.ramp": {"ada_sesuai"}, "note.ramp": {"uji matriks"}}
}

func sarprasAnswersAPI(fx *fixture, _ actor, key string) any {
	return map[string]any{"version": fx.sarprasAuditVersion(key),
		"answers": []map[string]any{{"code": "pintu", "answer": "ada_tidak_sesuai", "note": "uji matriks"}}}
}

func sarprasTaskUI(fx *fixture, _ actor, key string) any {
	return url.Values{"item": {"ramp"}, "description": {"Perbaiki ramp"}, "owner_id": {strconv.FormatInt(fx.sarprasOwner(key), 10)},
		"due": {"2030-01-01"}}
}

func sarprasTaskAPI(fx *fixture, _ actor, key string) any {
	return map[string]any{"item": "ramp", "description": "Perbaiki ramp", "owner_id": fx.sarprasOwner(key), "due": "2030-01-01"}
}

func sarprasItemUI(fx *fixture, _ actor, _ string) any {
	fx.n++
	return url.Values{"code": {fmt.Sprintf("uji_%d", fx.n)}, "group": {"layanan"}, "name": {"Butir uji"},
		"criterion": {"Ada"}, "source": {sarpras.SourceMenPAN}, "weight": {"1"}, "version": {"0"}, "active": {"1"}}
}

func sarprasItemAPI(fx *fixture, _ actor, _ string) any {
	fx.n++
	return map[string]any{"code": fmt.Sprintf("uji_api_%d", fx.n), "group": "layanan", "name": "Butir uji",
		"criterion": "Ada", "source": sarpras.SourceMenPAN, "weight": 1, "version": 0, "active": true}
}

// sarprasPhotoUpload is a photo for the upload routes (page and API).
func sarprasPhotoUpload(fx *fixture, _ actor, _ string) any {
	return newMultipartParts(fx.t, part{name: "item", data: []byte("ramp")}, part{name: "file", filename: "ramp.png", data: tinyPNG})
}

// A supervisor runs an audit from start to final through the pages, with
// a photo, a task, and the task done by its owner; bad input is refused
// by field and leaves nothing behind.
func TestSarprasPages(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		sup := h.browser(access.Supervisor)
		supUser, _ := access.GetUserByName(ctx, h.db, h.accounts[access.Supervisor].Username)
		unitID := supUser.UnitID
		base := fmt.Sprintf("/units/%d/sarpras", unitID)
		status, body := h.page(t, sup, "GET", base, nil)
		if status != http.StatusOK || !strings.Contains(body, "Audit baru") {
			t.Fatalf("history: %d", status)
		}
		status, body = h.page(t, sup, "POST", base, url.Values{"date": {"2999-01-01"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "masa depan") {
			t.Fatalf("future date: %d", status)
		}
		resp := postNoRedirect(t, sup, h.http.URL+base, url.Values{"date": {""}})
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, base+"/") {
			t.Fatalf("create: %d %s", resp.StatusCode, loc)
		}
		auditID, _ := strconv.ParseInt(strings.TrimPrefix(loc, base+"/"), 10, 64)
		st := &sarpras.Store{DB: h.db}
		a, err := st.Get(ctx, supUser, unitID, auditID)
		if err != nil {
			t.Fatal(err)
		}
		// Final too early: refused, naming how many are missing.
		status, body = h.page(t, sup, "POST", loc+"/final", url.Values{"version": {strconv.Itoa(a.Version)}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "15 butir") {
			t.Fatalf("final too early: %d", status)
		}
		// A bad answer: refused by field, nothing stored.
		status, _ = h.page(t, sup, "POST", loc, url.Values{"version": {"1"}, "item": {"ramp"}, "answer.ramp": {"mungkin"}})
		if status != http.StatusUnprocessableEntity {
			t.Fatalf("bad answer: %d", status)
		}
		form := url.Values{"version": {strconv.Itoa(a.Version)}, "note": {"Audit uji"}}
		for i, r := range a.Rows {
			form.Add("item", r.Code)
			ans := "ada_sesuai"
			if i == 0 {
				ans = "tidak_ada"
			}
			form.Set("answer."+r.Code, ans)
		}
		if status, _ = h.page(t, sup, "POST", loc, form); status != http.StatusSeeOther {
			t.Fatalf("answers: %d", status)
		}
		if _, body = h.page(t, sup, "GET", loc+"?saved=answers", nil); !strings.Contains(body, "Jawaban tersimpan") {
			t.Fatalf("answers not confirmed")
		}
		// Photos: not an image refused; a PNG kept.
		notImage := newMultipartParts(t, part{name: "item", data: []byte("ramp")}, part{name: "file", filename: "x.png", data: []byte("hello")})
		if r := postMultipart(t, sup, h.http.URL+loc+"/photos", notImage); r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("not an image: %d", r.StatusCode)
		}
		good := newMultipartParts(t, part{name: "item", data: []byte("ramp")}, part{name: "file", filename: "ramp.png", data: tinyPNG})
		if r := postMultipart(t, sup, h.http.URL+loc+"/photos", good); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("photo: %d", r.StatusCode)
		}
		a, _ = st.Get(ctx, supUser, unitID, auditID)
		if len(a.Photos) != 1 {
			t.Fatalf("%d photos", len(a.Photos))
		}
		if status, _ = h.page(t, sup, "GET", fmt.Sprintf("%s/photos/%d", loc, a.Photos[0].ID), nil); status != http.StatusOK {
			t.Fatalf("photo file: %d", status)
		}
		if status, _ = h.page(t, sup, "POST", loc+"/final", url.Values{"version": {strconv.Itoa(a.Version)}}); status != http.StatusSeeOther {
			t.Fatalf("final: %d", status)
		}
		if _, body = h.page(t, sup, "GET", loc, nil); !strings.Contains(body, "93,33") {
			t.Fatalf("final score not shown")
		}
		worker, _ := access.GetUserByName(ctx, h.db, h.accounts[access.Worker].Username)
		if status, _ = h.page(t, sup, "POST", loc+"/tasks", url.Values{"item": {a.Rows[0].Code}, "description": {"Buat parkir"},
			"owner_id": {strconv.FormatInt(worker.ID, 10)}, "due": {"2030-01-01"}}); status != http.StatusSeeOther {
			t.Fatalf("task: %d", status)
		}
		// The demo's own two tasks are the worker's too: the new one is
		// found by its description.
		ts, _ := st.MyTasks(ctx, worker)
		ts = slices.DeleteFunc(ts, func(x sarpras.Task) bool { return x.Description != "Buat parkir" })
		if len(ts) != 1 {
			t.Fatalf("worker's tasks: %v", ts)
		}
		wb := h.browser(access.Worker)
		if status, body = h.page(t, wb, "GET", "/sarpras/tasks", nil); status != http.StatusOK || !strings.Contains(body, "Buat parkir") {
			t.Fatalf("my tasks: %d", status)
		}
		if _, body = h.page(t, wb, "GET", "/work", nil); !strings.Contains(body, "Buat parkir") {
			t.Errorf("the worker's work page does not list the open task")
		}
		if status, _ = h.page(t, wb, "POST", fmt.Sprintf("%s/tasks/%d/done", base, ts[0].ID),
			url.Values{"version": {strconv.Itoa(ts[0].Version)}, "next": {"/sarpras/tasks"}}); status != http.StatusSeeOther {
			t.Fatalf("done: %d", status)
		}
		if _, body = h.page(t, wb, "GET", "/work", nil); strings.Contains(body, "Buat parkir") {
			t.Errorf("a task done stays on the work page")
		}
		for _, path := range []string{"/sarpras/items"} {
			if status, _ = h.page(t, sup, "GET", path, nil); status != http.StatusOK {
				t.Errorf("%s: %d", path, status)
			}
		}
		if status, body = h.page(t, h.browser(access.Planner), "GET", "/sarpras/compare", nil); status != http.StatusOK || !strings.Contains(body, "93,33") {
			t.Errorf("compare: %d", status)
		}
	})
}

func postNoRedirect(t *testing.T, c *http.Client, u string, form url.Values) *http.Response {
	t.Helper()
	nc := *c
	nc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := nc.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func postMultipart(t *testing.T, c *http.Client, u string, b multipartBody) *http.Response {
	t.Helper()
	nc := *c
	nc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := nc.Post(u, b.contentType, strings.NewReader(string(b.data)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// An admin changes the name, criterion and source of an existing item on
// the checklist page; a change without a name is refused in that item's
// own form, which opens again with what was sent, and nothing is stored.
// A new audit takes the changed item; audits made before keep theirs.
func TestSarprasItemEditPage(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		st := &sarpras.Store{DB: h.db}
		before, err := st.Items(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ramp sarpras.Item
		for _, it := range before {
			if it.Code == "ramp" {
				ramp = it
			}
		}
		if ramp.Code == "" {
			t.Fatal("no ramp item")
		}
		supUser, _ := access.GetUserByName(ctx, h.db, h.accounts[access.Supervisor].Username)
		old, err := st.Create(ctx, audit.System("test"), sarprasRunner, supUser.UnitID, sarpras.AuditInput{})
		if err != nil {
			t.Fatal(err)
		}
		admin := h.browser(access.Admin)
		status, body := h.page(t, admin, "GET", "/sarpras/items", nil)
		if status != http.StatusOK || !strings.Contains(body, `id="c-ramp"`) || !strings.Contains(body, `id="s-ramp"`) {
			t.Fatalf("items page: %d, no edit form of the ramp", status)
		}
		form := url.Values{"code": {"ramp"}, "version": {strconv.Itoa(ramp.Version)}, "position": {strconv.Itoa(ramp.Position)},
			"group": {string(ramp.Group)}, "name": {""}, "criterion": {"Kemiringan paling curam 1:12, uji"},
			"source": {"Sumber uji"}, "weight": {"2"}, "active": {"1"}}
		status, body = h.page(t, admin, "POST", "/sarpras/items", form)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="n-ramp-err"`) ||
			!strings.Contains(body, "Kemiringan paling curam 1:12, uji") || strings.Contains(body, `id="item-name" name="name" value="" aria-invalid`) {
			t.Fatalf("edit without a name: %d, want 422 in the ramp's form", status)
		}
		if now, _ := st.Items(ctx); now[slices.IndexFunc(now, func(x sarpras.Item) bool { return x.Code == "ramp" })].Version != ramp.Version {
			t.Fatal("a refused edit was stored")
		}
		form.Set("name", "Ramp landai (uji)")
		if status, _ = h.page(t, admin, "POST", "/sarpras/items", form); status != http.StatusSeeOther {
			t.Fatalf("edit: %d", status)
		}
		after, _ := st.Items(ctx)
		got := after[slices.IndexFunc(after, func(x sarpras.Item) bool { return x.Code == "ramp" })]
		if got.Name != "Ramp landai (uji)" || got.Criterion != "Kemiringan paling curam 1:12, uji" || got.Source != "Sumber uji" ||
			got.Weight != 2 || !got.Active || got.Version != ramp.Version+1 {
			t.Fatalf("after the edit: %+v", got)
		}
		if _, body = h.page(t, admin, "GET", "/sarpras/items?saved=1", nil); !strings.Contains(body, "Ramp landai (uji)") {
			t.Error("the changed name is not listed")
		}
		var n int
		h.db.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE entity = 'sarpras_item' AND entity_id = 'ramp'").Scan(&n)
		if n != 1 {
			t.Errorf("%d audit entries of the edit, want 1", n)
		}
		// The supervisor has no edit form.
		if _, body = h.page(t, h.browser(access.Supervisor), "GET", "/sarpras/items", nil); strings.Contains(body, `id="n-ramp"`) {
			t.Error("a supervisor is offered the edit form")
		}
		a, _ := st.Get(ctx, sarprasRunner, old.UnitID, old.ID)
		for _, r := range a.Rows {
			if r.Code == "ramp" && r.Name != ramp.Name {
				t.Errorf("an earlier audit's item changed to %q", r.Name)
			}
		}
	})
}

// The unit page links to the unit's audits for those who may read them,
// and to the comparison of its region for those who see only figures; the
// menu links the task list to a unit's staff, the comparison and the
// checklist by permission.
func TestSarprasLinks(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		supUser, _ := access.GetUserByName(ctx, h.db, h.accounts[access.Supervisor].Username)
		unitPath := fmt.Sprintf("/units/%d", supUser.UnitID)
		auditsLink := `href="` + unitPath + `/sarpras"`
		for _, tc := range []struct {
			role                          access.Role
			audits, compare, tasks, items bool
		}{
			{access.Worker, true, false, true, false},
			{access.Supervisor, true, false, true, false},
			{access.Planner, false, true, false, false},
			{access.Admin, true, true, false, true},
		} {
			status, body := h.page(t, h.browser(tc.role), "GET", unitPath, nil)
			if status != http.StatusOK {
				t.Fatalf("%s: unit page %d", tc.role, status)
			}
			for _, c := range []struct {
				want bool
				text string
			}{{tc.audits, auditsLink}, {tc.compare && !tc.audits, `href="/sarpras/compare?region=33.73"`},
				{tc.tasks, `href="/sarpras/tasks"`}, {tc.compare, `href="/sarpras/compare"`}, {tc.items, `href="/sarpras/items"`}} {
				if strings.Contains(body, c.text) != c.want {
					t.Errorf("%s: the unit page holds %s: %v, want %v", tc.role, c.text, !c.want, c.want)
				}
			}
		}
	})
}

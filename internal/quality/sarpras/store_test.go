package sarpras_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/quality/sarpras"
)

// world is a fresh database with two units of Kota Salatiga and one of
// Kota Makassar, and an account of every kind that matters here.
type world struct {
	t                            *testing.T
	d                            *db.DB
	st                           *sarpras.Store
	salatiga, other, makassar    int64
	sup, worker, otherWorker     access.User
	admin, sulselAdmin, planner  access.User
	national, makassarSupervisor access.User
}

var sys = audit.System("test")

func newWorld(t *testing.T, engine string) *world {
	t.Helper()
	ctx := context.Background()
	d := dbtest.Open(t, engine)
	w := &world{t: t, d: d, st: &sarpras.Store{DB: d, PhotoDir: t.TempDir(), MaxPhoto: 64 << 10,
		Now: func() time.Time { return time.Date(2025, 5, 20, 3, 0, 0, 0, time.UTC) }}}
	w.salatiga = dbtest.Unit(t, d, "Dinas Sosial Kota Salatiga", "33.73")
	w.other = dbtest.Unit(t, d, "LKS Salatiga", "33.73")
	w.makassar = dbtest.Unit(t, d, "Dinas Sosial Kota Makassar", "73.71")
	mk := func(name string, in access.UserInput) access.User {
		in.Username, in.FullName = name, name
		u, _, err := access.CreateUser(ctx, d, sys, access.Scope{All: true}, in)
		if err != nil {
			t.Fatalf("user %s: %v", name, err)
		}
		u, err = access.GetUser(ctx, d, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	w.sup = mk("kepala.salatiga", access.UserInput{Role: access.Supervisor, UnitID: w.salatiga})
	w.worker = mk("pekerja.salatiga", access.UserInput{Role: access.Worker, UnitID: w.salatiga})
	w.otherWorker = mk("pekerja.lks", access.UserInput{Role: access.Worker, UnitID: w.other})
	w.makassarSupervisor = mk("kepala.makassar", access.UserInput{Role: access.Supervisor, UnitID: w.makassar})
	w.admin = mk("admin.pusat", access.UserInput{Role: access.Admin})
	w.sulselAdmin = mk("admin.sulsel", access.UserInput{Role: access.Admin, Region: "73"})
	w.planner = mk("perencana.salatiga", access.UserInput{Role: access.Planner, Region: "33.73"})
	w.national = mk("nasional", access.UserInput{Role: access.National})
	return w
}

func (w *world) audit(u access.User, unitID int64) sarpras.Audit {
	w.t.Helper()
	a, err := w.st.Create(context.Background(), sys, u, unitID, sarpras.AuditInput{Date: "2025-05-19"})
	if err != nil {
		w.t.Fatalf("create audit: %v", err)
	}
	return a
}

// answerAll answers every item of a: the first two not as they should be.
func (w *world) answerAll(a sarpras.Audit) sarpras.Audit {
	w.t.Helper()
	in := sarpras.AnswersInput{Version: a.Version}
	for i, r := range a.Rows {
		ans := sarpras.AdaSesuai
		switch i {
		case 0:
			ans = sarpras.TidakAda
		case 1:
			ans = sarpras.AdaTidakSesuai
		}
		in.Answers = append(in.Answers, sarpras.AnswerInput{Code: r.Code, Answer: ans})
	}
	out, err := w.st.Answer(context.Background(), sys, w.sup, a.UnitID, a.ID, in)
	if err != nil {
		w.t.Fatalf("answer: %v", err)
	}
	return out
}

func kind(err error) apperr.Kind { return apperr.KindOf(err) }

func TestAuditLifecycle(t *testing.T) {
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			w := newWorld(t, engine)
			a := w.audit(w.sup, w.salatiga)
			if a.Status != sarpras.Draft || a.Total != 15 || a.Answered != 0 || a.Score != nil {
				t.Fatalf("new audit %+v", a)
			}
			// Finalising with unanswered items is refused, naming them.
			_, err := w.st.Finalise(ctx, sys, w.sup, w.salatiga, a.ID, a.Version)
			if e := apperr.As(err); e == nil || e.Kind != apperr.Invalid || len(e.Fields) != 15 {
				t.Fatalf("finalise unanswered: %v", err)
			}
			// A bad answer is refused by field, nothing stored.
			_, err = w.st.Answer(ctx, sys, w.sup, w.salatiga, a.ID, sarpras.AnswersInput{Version: a.Version,
				Answers: []sarpras.AnswerInput{{Code: "ramp", Answer: "ada_sesuai"}, {Code: "pintu", Answer: "mungkin"}}})
			if e := apperr.As(err); e == nil || !apperr.Fields(e.Fields).Has("answer.pintu") {
				t.Fatalf("bad answer: %v", err)
			}
			if got, _ := w.st.Get(ctx, w.sup, w.salatiga, a.ID); got.Answered != 0 {
				t.Fatalf("a refused answer stored %d answers", got.Answered)
			}
			a = w.answerAll(a)
			if a.Answered != 15 || a.Provisional != 90 {
				t.Fatalf("answered %d, provisional %v (want 15, 90)", a.Answered, a.Provisional)
			}
			// A stale version is a conflict.
			if _, err := w.st.Finalise(ctx, sys, w.sup, w.salatiga, a.ID, a.Version-1); kind(err) != apperr.Conflict {
				t.Fatalf("stale finalise: %v", err)
			}
			f, err := w.st.Finalise(ctx, sys, w.sup, w.salatiga, a.ID, a.Version)
			if err != nil {
				t.Fatal(err)
			}
			if f.Status != sarpras.Final || f.Score == nil || *f.Score != 90 || f.FinalisedAt == nil {
				t.Fatalf("final %+v", f)
			}
			// Nothing of a final audit changes.
			if _, err := w.st.Answer(ctx, sys, w.sup, w.salatiga, a.ID, sarpras.AnswersInput{Version: f.Version,
				Answers: []sarpras.AnswerInput{{Code: "ramp", Answer: sarpras.TidakAda}}}); kind(err) != apperr.Conflict {
				t.Fatalf("answer after final: %v", err)
			}
			if _, err := w.st.Finalise(ctx, sys, w.sup, w.salatiga, a.ID, f.Version); kind(err) != apperr.Conflict {
				t.Fatalf("finalise twice: %v", err)
			}
			if _, err := w.st.AttachPhoto(ctx, sys, w.sup, w.salatiga, a.ID, "ramp", "a.png", bytes.NewReader(tinyPNG)); kind(err) != apperr.Conflict {
				t.Fatalf("photo after final: %v", err)
			}
			// Tasks: owner must be of the unit; the owner marks it done.
			due := "2025-05-01"
			_, err = w.st.CreateTask(ctx, sys, w.sup, w.salatiga, a.ID, sarpras.TaskInput{Item: "parkir",
				Description: "Buat parkir khusus", OwnerID: w.otherWorker.ID, Due: due})
			if e := apperr.As(err); e == nil || !apperr.Fields(e.Fields).Has("owner_id") {
				t.Fatalf("owner of another unit: %v", err)
			}
			task, err := w.st.CreateTask(ctx, sys, w.sup, w.salatiga, a.ID, sarpras.TaskInput{Item: "parkir",
				Description: "Buat parkir khusus", OwnerID: w.worker.ID, Due: due})
			if err != nil {
				t.Fatal(err)
			}
			if !task.Overdue || task.ItemName == "" || task.OwnerName != "pekerja.salatiga" {
				t.Fatalf("task %+v", task)
			}
			mine, err := w.st.MyTasks(ctx, w.worker)
			if err != nil || len(mine) != 1 {
				t.Fatalf("my tasks: %v %v", mine, err)
			}
			if _, err := w.st.CompleteTask(ctx, sys, w.otherWorker, w.salatiga, task.ID, task.Version); kind(err) != apperr.NotFound {
				t.Fatalf("another unit's worker: %v", err)
			}
			done, err := w.st.CompleteTask(ctx, sys, w.worker, w.salatiga, task.ID, task.Version)
			if err != nil || done.Status != sarpras.Done || done.Overdue || done.DoneAt == nil {
				t.Fatalf("done: %+v %v", done, err)
			}
			if _, err := w.st.CompleteTask(ctx, sys, w.worker, w.salatiga, task.ID, 0); kind(err) != apperr.Conflict {
				t.Fatalf("done twice: %v", err)
			}
			// History and comparison.
			h, err := w.st.History(ctx, w.worker, w.salatiga)
			if err != nil || len(h.Audits) != 1 || h.Manage || len(h.Tasks) != 1 {
				t.Fatalf("history: %+v %v", h, err)
			}
			w.audit(w.sup, w.salatiga) // a newer draft is not compared
			c, err := w.st.Compare(ctx, w.planner, "")
			if err != nil {
				t.Fatal(err)
			}
			if c.Region != "33.73" || len(c.Units) != 2 || c.Audited != 1 || c.Units[0].Score == nil || *c.Units[0].Score != 90 {
				t.Fatalf("comparison %+v", c)
			}
			if len(c.Items) != 15 || c.Items[0].Code != "parkir" || c.Items[0].TidakAda != 1 || c.Items[2].Sesuai != 1 {
				t.Fatalf("items %+v", c.Items)
			}
			if _, err := w.st.Compare(ctx, w.planner, "73"); kind(err) != apperr.NotFound {
				t.Fatalf("planner compares another region: %v", err)
			}
			if c, err := w.st.Compare(ctx, w.national, ""); err != nil || len(c.Units) != 3 {
				t.Fatalf("national: %+v %v", c, err)
			}
			// Every change is in the audit log.
			var n int
			w.d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE entity LIKE 'sarpras_%'").Scan(&n)
			if n != 6 {
				t.Errorf("%d audit records, want 6 (2 creates, answers, final, task, done)", n)
			}
		})
	}
}

func TestAuditAccess(t *testing.T) {
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			w := newWorld(t, engine)
			for _, c := range []struct {
				name string
				u    access.User
				unit int64
				want apperr.Kind
				ok   bool
			}{
				{"supervisor of the unit", w.sup, w.salatiga, 0, true},
				{"admin of the deployment", w.admin, w.salatiga, 0, true},
				{"admin of the region", w.sulselAdmin, w.makassar, 0, true},
				{"admin of another region", w.sulselAdmin, w.salatiga, apperr.NotFound, false},
				{"supervisor of another unit", w.makassarSupervisor, w.salatiga, apperr.NotFound, false},
				{"worker of the unit reads, does not run", w.worker, w.salatiga, apperr.Forbidden, false},
				{"planner", w.planner, w.salatiga, apperr.NotFound, false},
			} {
				_, err := w.st.Create(ctx, sys, c.u, c.unit, sarpras.AuditInput{})
				if c.ok != (err == nil) || (!c.ok && kind(err) != c.want) {
					t.Errorf("%s: %v", c.name, err)
				}
			}
			a := w.audit(w.sup, w.salatiga)
			if _, err := w.st.Get(ctx, w.worker, w.salatiga, a.ID); err != nil {
				t.Errorf("worker reads: %v", err)
			}
			if _, err := w.st.Get(ctx, w.otherWorker, w.salatiga, a.ID); kind(err) != apperr.NotFound {
				t.Errorf("worker of another unit: %v", err)
			}
			if _, err := w.st.Get(ctx, w.makassarSupervisor, w.makassar, a.ID); kind(err) != apperr.NotFound {
				t.Errorf("audit under another unit's path: %v", err)
			}
			if _, err := w.st.Create(ctx, sys, w.sup, w.salatiga, sarpras.AuditInput{Date: "2999-01-01"}); kind(err) != apperr.Invalid {
				t.Errorf("future date: %v", err)
			}
		})
	}
}

var tinyPNG = []byte{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1,
	8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89, 0, 0, 0, 0x0A, 'I', 'D', 'A', 'T', 0x78, 0x9C, 0x63, 0, 1, 0, 0, 5, 0, 1,
	0x0D, 0x0A, 0x2D, 0xB4, 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82}

func files(t *testing.T, dir string) int {
	n := 0
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n++
		}
		return nil
	})
	return n
}

func TestPhotos(t *testing.T) {
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			w := newWorld(t, engine)
			a := w.audit(w.sup, w.salatiga)
			webp := append([]byte("RIFF\x24\x00\x00\x00WEBPVP8 "), make([]byte, 40)...)
			for _, c := range []struct {
				name, file string
				data       []byte
				want       apperr.Kind
			}{
				{"pdf", "denah.pdf", []byte("%PDF-1.4 hello"), apperr.Invalid},
				{"text named png", "foto.png", []byte("not an image at all"), apperr.Invalid},
				{"empty", "foto.png", nil, apperr.Invalid},
				{"too large", "besar.png", append(append([]byte{}, tinyPNG...), make([]byte, 70<<10)...), apperr.TooLarge},
			} {
				_, err := w.st.AttachPhoto(ctx, sys, w.sup, w.salatiga, a.ID, "ramp", c.file, bytes.NewReader(c.data))
				if kind(err) != c.want {
					t.Errorf("%s: %v, want kind %v", c.name, err, c.want)
				}
			}
			if n := files(t, w.st.PhotoDir); n != 0 {
				t.Errorf("refused photos left %d files", n)
			}
			if _, err := w.st.AttachPhoto(ctx, sys, w.sup, w.salatiga, a.ID, "lift", "a.png", bytes.NewReader(tinyPNG)); kind(err) != apperr.Invalid {
				t.Errorf("item not in audit: %v", err)
			}
			if _, err := w.st.AttachPhoto(ctx, sys, w.worker, w.salatiga, a.ID, "ramp", "a.png", bytes.NewReader(tinyPNG)); kind(err) != apperr.Forbidden {
				t.Errorf("worker uploads: %v", err)
			}
			p, err := w.st.AttachPhoto(ctx, sys, w.sup, w.salatiga, a.ID, "ramp", `C:\foto\ramp.jpg`, bytes.NewReader(tinyPNG))
			if err != nil {
				t.Fatal(err)
			}
			if p.ContentType != "image/png" || p.Name != "ramp.png" {
				t.Errorf("photo %+v: type from the content, name made to agree", p)
			}
			if _, err := w.st.AttachPhoto(ctx, sys, w.sup, w.salatiga, a.ID, "pintu", "pintu.webp", bytes.NewReader(webp)); err != nil {
				t.Errorf("webp: %v", err)
			}
			_, rc, err := w.st.OpenPhoto(ctx, w.worker, w.salatiga, a.ID, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			rc.Close()
			if _, _, err := w.st.OpenPhoto(ctx, w.otherWorker, w.salatiga, a.ID, p.ID); kind(err) != apperr.NotFound {
				t.Errorf("other unit opens: %v", err)
			}
			got, _ := w.st.Get(ctx, w.sup, w.salatiga, a.ID)
			if len(got.Photos) != 2 {
				t.Errorf("%d photos", len(got.Photos))
			}
		})
	}
}

func TestItems(t *testing.T) {
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			w := newWorld(t, engine)
			items, err := w.st.Items(ctx)
			if err != nil || len(items) != 15 {
				t.Fatalf("defaults: %d %v", len(items), err)
			}
			a := w.audit(w.sup, w.salatiga)
			lift := sarpras.Item{Code: "lift", Group: sarpras.Akses, Name: "Lift", Criterion: "Lift dengan tombol Braille",
				Source: sarpras.SourcePUPR, Weight: 2, Active: true}
			if _, err := w.st.SaveItem(ctx, sys, w.sulselAdmin, lift); kind(err) != apperr.Forbidden {
				t.Errorf("regional admin: %v", err)
			}
			if _, err := w.st.SaveItem(ctx, sys, w.admin, sarpras.Item{Code: "x"}); kind(err) != apperr.Invalid {
				t.Errorf("invalid item: %v", err)
			}
			if _, err := w.st.SaveItem(ctx, sys, w.admin, lift); err != nil {
				t.Fatal(err)
			}
			ramp := items[2]
			ramp.Active = false
			if _, err := w.st.SaveItem(ctx, sys, w.admin, ramp); err != nil {
				t.Fatal(err)
			}
			if _, err := w.st.SaveItem(ctx, sys, w.admin, ramp); kind(err) != apperr.Conflict {
				t.Errorf("stale item: %v", err)
			}
			// The old audit keeps its items; a new one has the new list.
			old, _ := w.st.Get(ctx, w.sup, w.salatiga, a.ID)
			fresh := w.audit(w.sup, w.salatiga)
			if old.Total != 15 || fresh.Total != 15 || !strings.Contains(codes(fresh), "lift") || strings.Contains(codes(fresh), "ramp") {
				t.Errorf("old %d, fresh %d: %s", old.Total, fresh.Total, codes(fresh))
			}
		})
	}
}

func codes(a sarpras.Audit) string {
	var out []string
	for _, r := range a.Rows {
		out = append(out, r.Code)
	}
	return strings.Join(out, ",")
}

package demo

import (
	"context"
	"slices"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/quality/sarpras"
)

// SarprasNote marks the demo's accessible-facility audit, so a later run
// finds it (and completes it, should a run have died half-way) without
// touching audits a user made.
const SarprasNote = "Audit contoh (data demo): jalan masuk, ruang tunggu dan layanan diperiksa bersama kepala unit."

// demoSarprasAnswers are what the demo audit found where it falls short;
// every other item is "ada dan sesuai". Enough shortfalls for the
// remediation list to mean something, few enough for a plausible office.
var demoSarprasAnswers = map[string]struct {
	answer sarpras.Answer
	note   string
}{
	"guiding_block":  {sarpras.AdaTidakSesuai, "Jalur pemandu terputus di depan pos satpam."},
	"ramp":           {sarpras.AdaTidakSesuai, "Kemiringan sekitar 1:8, lebih curam dari 1:12."},
	"ruang_laktasi":  {sarpras.AdaTidakSesuai, "Ruang ada, tetapi tanpa wastafel dan tanpa tanda."},
	"braille":        {sarpras.TidakAda, "Belum ada formulir Braille."},
	"bahasa_isyarat": {sarpras.TidakAda, "Belum ada petugas atau juru bahasa isyarat yang dapat dihubungi."},
}

// demoSarprasTasks are the remediation tasks of the demo audit: the ramp
// rebuilt (done) and Braille forms printed (open and past its due day,
// so the overdue flag shows). Days are counted back from today.
var demoSarprasTasks = []struct {
	item, description string
	dueAgo            int
	doneAgo           int // 0: still open
}{
	{"ramp", "Bongkar dan bangun ulang ramp pintu depan dengan kemiringan 1:12 dan pegangan rambat di kedua sisi.", 20, 24},
	{"braille", "Cetak formulir permohonan layanan dan daftar layanan dalam huruf Braille.", 7, 0},
}

// sarprasAuditAgo is how many days ago the demo audit was held.
const sarprasAuditAgo = 45

// sarprasAudit gives the Salatiga office one final accessible-facility
// audit with two remediation tasks, written through the sarpras store as
// its supervisor, so a new user sees a score, a history and tasks. It runs
// after the accounts exist. Idempotent: it finds its audit by its note and
// only adds what is missing; a unit with audits of its own but not the
// demo's is left alone.
func sarprasAudit(ctx context.Context, env *Env) error {
	unitID, ok := env.Units["dinsos-salatiga"]
	if !ok {
		return nil
	}
	sup, err := access.GetUserByName(ctx, env.DB, "demo.supervisor")
	if err != nil {
		return err
	}
	worker, err := access.GetUserByName(ctx, env.DB, "demo.pekerja")
	if err != nil {
		return err
	}
	if sup.UnitID != unitID || worker.UnitID != unitID {
		return nil // accounts moved by hand: leave the unit alone
	}
	now := time.Now().UTC()
	clock := now.AddDate(0, 0, -sarprasAuditAgo)
	store := &sarpras.Store{DB: env.DB, Now: func() time.Time { return clock }}
	supActor, workerActor := actorOf(sup), actorOf(worker)

	h, err := store.History(ctx, sup, unitID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(h.Audits, func(a sarpras.Audit) bool { return a.Note == SarprasNote })
	var a sarpras.Audit
	switch {
	case i >= 0:
		if a, err = store.Get(ctx, sup, unitID, h.Audits[i].ID); err != nil {
			return err
		}
	case len(h.Audits) > 0:
		return nil
	default:
		a, err = store.Create(ctx, supActor, sup, unitID, sarpras.AuditInput{
			Date: clock.In(time.FixedZone("WIB", 7*3600)).Format(time.DateOnly), Note: SarprasNote})
		if err != nil {
			return err
		}
	}
	if a.Status == sarpras.Draft {
		in := sarpras.AnswersInput{Version: a.Version}
		for _, r := range a.Rows {
			ans := sarpras.AnswerInput{Code: r.Code, Answer: sarpras.AdaSesuai}
			if d, ok := demoSarprasAnswers[r.Code]; ok {
				ans.Answer, ans.Note = d.answer, d.note
			}
			in.Answers = append(in.Answers, ans)
		}
		if a, err = store.Answer(ctx, supActor, sup, unitID, a.ID, in); err != nil {
			return err
		}
		if a, err = store.Finalise(ctx, supActor, sup, unitID, a.ID, a.Version); err != nil {
			return err
		}
	}
	for _, dt := range demoSarprasTasks {
		if !slices.ContainsFunc(a.Rows, func(r sarpras.Row) bool { return r.Code == dt.item }) {
			continue // the checklist no longer holds the item
		}
		j := slices.IndexFunc(a.Tasks, func(t sarpras.Task) bool { return t.ItemCode == dt.item })
		var t sarpras.Task
		if j >= 0 {
			t = a.Tasks[j]
		} else {
			clock = now.AddDate(0, 0, -sarprasAuditAgo+1)
			t, err = store.CreateTask(ctx, supActor, sup, unitID, a.ID, sarpras.TaskInput{Item: dt.item,
				Description: dt.description, OwnerID: worker.ID, Due: now.AddDate(0, 0, -dt.dueAgo).Format(time.DateOnly)})
			if err != nil {
				return err
			}
		}
		if dt.doneAgo > 0 && t.Status == sarpras.Open {
			clock = now.AddDate(0, 0, -dt.doneAgo)
			if _, err := store.CompleteTask(ctx, workerActor, worker, unitID, t.ID, t.Version); err != nil {
				return err
			}
		}
	}
	return nil
}

package casework_test

import (
	"strings"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/casework"
)

var wib = time.FixedZone("WIB", 7*3600)

// terminated takes a new case, opened now, through an approved assessment
// and plan to a terminasi for reason, approved at closeAt.
func terminated(t *testing.T, w *world, reason casework.Reason, closeAt time.Time) casework.Case {
	t.Helper()
	return terminatedCase(t, w, openCase(t, w), reason, closeAt)
}

// terminatedCase takes the newly opened case c the way terminated does.
func terminatedCase(t *testing.T, w *world, c casework.Case, reason casework.Reason, closeAt time.Time) casework.Case {
	t.Helper()
	day := w.now.In(wib).Format("2006-01-02")
	in := goodAssessment()
	in.ConferenceOn = day
	if _, err := w.store.SaveAssessment(ctx, as(w.worker), w.worker, c.ID, in); err != nil {
		t.Fatal(err)
	}
	c = reload(t, w, c.ID)
	c = act(t, w, w.worker, c, casework.SubmitAssessment)
	c = act(t, w, w.sup, c, casework.ApproveAssessment)
	_, err := w.store.SavePlan(ctx, as(w.worker), w.worker, c.ID, casework.PlanInput{Goals: "Makan cukup", Items: []casework.PlanItem{
		{Need: "permakanan", Component: "kebutuhan_hidup_layak", Quantity: 30, ResponsibleUser: w.worker.ID, TargetOn: day},
		{Need: "bimbingan_keluarga", Component: "dukungan_keluarga", Quantity: 2, ResponsibleUser: w.worker.ID, TargetOn: day}}})
	if err != nil {
		t.Fatal(err)
	}
	c = reload(t, w, c.ID)
	c = act(t, w, w.worker, c, casework.SubmitPlan)
	c = act(t, w, w.sup, c, casework.ApprovePlan)
	c, err = w.store.Act(ctx, as(w.worker), w.worker, c.ID, c.Version, casework.Event{Action: casework.RequestTermination, Reason: reason}, "")
	if err != nil {
		t.Fatal(err)
	}
	w.now = closeAt
	return act(t, w, w.sup, c, casework.ApproveTermination)
}

func reload(t *testing.T, w *world, id int64) casework.Case {
	t.Helper()
	c, err := w.store.Get(ctx, as(w.worker), w.worker, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func dueDays(t *testing.T, w *world, caseID int64) []string {
	t.Helper()
	rows, err := w.store.DB.Query(ctx, "SELECT due_on FROM case_follow_up WHERE case_id = ? ORDER BY due_on", caseID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			t.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

// Visits are scheduled at +1, +3 and +6 months from the day of terminasi
// in WIB, a month-end falling on the shorter month's last day; a case
// closed because the person refused gets none.
func TestFollowUpSchedule(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		start := w.now // 2026-11-23 10:00 WIB
		for _, tc := range []struct {
			name    string
			reason  casework.Reason
			closeAt time.Time
			stage   casework.Stage
			want    []string
		}{
			{"goal reached", casework.TujuanTercapai, start, casework.BimbinganLanjut,
				[]string{"2026-12-23", "2027-02-23", "2027-05-23"}},
			// 30 January 18:00 UTC is already 31 January in WIB.
			{"month end", casework.TujuanTercapai, time.Date(2027, 1, 30, 18, 0, 0, 0, time.UTC), casework.BimbinganLanjut,
				[]string{"2027-02-28", "2027-04-30", "2027-07-31"}},
			{"moved away", casework.Pindah, time.Date(2028, 1, 31, 3, 0, 0, 0, time.UTC), casework.BimbinganLanjut,
				[]string{"2028-02-29", "2028-04-30", "2028-07-31"}},
			{"refused", casework.Menolak, start, casework.Terminasi, []string{}},
		} {
			w.now = start
			c := terminated(t, w, tc.reason, tc.closeAt)
			if c.Stage != tc.stage {
				t.Errorf("%s: stage %s, want %s", tc.name, c.Stage, tc.stage)
			}
			if got := dueDays(t, w, c.ID); strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("%s: visits due %v, want %v", tc.name, got, tc.want)
			}
		}
	})
}

// Visits are recorded (and corrected) with checked fields and the
// follow-up's version; bimbingan lanjut ends only when every visit is in.
func TestRecordFollowUps(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		c := terminated(t, w, casework.TujuanTercapai, time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC))
		if got := dueDays(t, w, c.ID); strings.Join(got, " ") != "2026-12-30 2027-02-28 2027-05-30" {
			t.Fatalf("visits due %v", got)
		}
		due := func(u access.User, today string) []casework.DueFollowUp {
			t.Helper()
			return dueOn(t, w, u, today)
		}
		if n := len(due(w.worker, "2026-11-30")); n != 0 {
			t.Errorf("%d visits due on the day of terminasi", n)
		}
		// Three months on: two visits are due, for the team and the unit's
		// supervisor only.
		w.now = time.Date(2027, 3, 1, 3, 0, 0, 0, time.UTC)
		for _, u := range []access.User{w.worker, w.sup} {
			list := due(u, "2027-03-01")
			if len(list) != 2 || list[0].DueOn != "2026-12-30" || list[1].DueOn != "2027-02-28" || !list[0].Overdue ||
				list[0].CaseID != c.ID || list[0].PersonID != w.person || list[0].PersonName != "Sri Lestari" || list[0].DoneOn != "" {
				t.Errorf("due for %s: %+v", u.Username, list)
			}
		}
		for _, u := range []access.User{w.colleague, w.makWkr} {
			if list := due(u, "2099-12-31"); len(list) != 0 {
				t.Errorf("%s sees visits of a case not theirs: %+v", u.Username, list)
			}
		}
		first := due(w.worker, "2027-03-01")[0]

		// Another case's visit is not this case's.
		w.now = time.Date(2027, 3, 1, 3, 0, 0, 0, time.UTC)
		other := terminated(t, w, casework.Dirujuk, w.now)
		var otherVisit casework.DueFollowUp
		for _, d := range due(w.worker, "2099-12-31") {
			if d.CaseID == other.ID {
				otherVisit = d
			}
		}
		good := casework.FollowUpInput{DoneOn: "2027-01-05", Outcome: "stabil", Note: "Makan teratur, tinggal bersama anak.", Version: 1}
		if _, err := w.store.RecordFollowUp(ctx, as(w.worker), w.worker, c.ID, otherVisit.ID, good); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("another case's visit: %v", err)
		}
		if _, err := w.store.RecordFollowUp(ctx, as(w.worker), w.worker, c.ID, 999999, good); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("a visit that does not exist: %v", err)
		}
		if _, err := w.store.RecordFollowUp(ctx, as(w.colleague), w.colleague, c.ID, first.ID, good); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("a colleague off the team recorded a visit: %v", err)
		}

		for _, b := range []struct {
			edit  func(*casework.FollowUpInput)
			field string
			key   string
		}{
			{func(in *casework.FollowUpInput) { in.DoneOn = " " }, "done_on", "field.required"},
			{func(in *casework.FollowUpInput) { in.DoneOn = "5-1-2027" }, "done_on", "field.date_format"},
			{func(in *casework.FollowUpInput) { in.DoneOn = "2027-03-03" }, "done_on", "date.future"},
			{func(in *casework.FollowUpInput) { in.DoneOn = "2026-11-20" }, "done_on", "case.date_before_opened"},
			{func(in *casework.FollowUpInput) { in.DoneOn = "2026-11-29" }, "done_on", "case.follow_up.before_terminated"},
			{func(in *casework.FollowUpInput) { in.Outcome = "hilang" }, "outcome", "case.follow_up.outcome_unknown"},
			{func(in *casework.FollowUpInput) { in.Outcome = "" }, "outcome", "case.follow_up.outcome_unknown"},
			{func(in *casework.FollowUpInput) { in.Note = strings.Repeat("a", 2001) }, "note", "field.too_long"},
		} {
			in := good
			b.edit(&in)
			_, err := w.store.RecordFollowUp(ctx, as(w.worker), w.worker, c.ID, first.ID, in)
			if got := fieldsOf(err); got[b.field] != b.key {
				t.Errorf("%+v: %v, want %s on %s", in, err, b.key, b.field)
			}
		}
		for _, v := range []int{0, 2} {
			in := good
			in.Version = v
			_, err := w.store.RecordFollowUp(ctx, as(w.worker), w.worker, c.ID, first.ID, in)
			if e := apperr.As(err); e == nil || e.Kind != apperr.Conflict || e.Key != "error.stale_version" || e.Code != casework.CodeStaleVersion {
				t.Errorf("version %d: %v, want a stale version", v, err)
			}
			// What differs from the visit as stored (not yet recorded).
			if cf := casework.ConflictOf(err); cf == nil || cf.CurrentVersion != 1 || len(cf.Fields) != 3 {
				t.Errorf("version %d: conflict %+v", v, cf)
			}
		}
		if list := due(w.worker, "2027-03-01"); len(list) != 2 || list[0].Version != 1 {
			t.Fatalf("refused records changed the visits: %+v", list)
		}

		f, err := w.store.RecordFollowUp(ctx, as(w.worker), w.worker, c.ID, first.ID, good)
		if err != nil {
			t.Fatal(err)
		}
		if f.DoneOn != "2027-01-05" || f.Outcome != casework.Stabil || f.Version != 2 || f.RecordedBy != w.worker.ID ||
			f.DueOn != "2026-12-30" || f.Overdue || f.Note != good.Note {
			t.Errorf("recorded %+v", f)
		}
		// A recorded visit may be corrected, with its current version only.
		fix := good
		fix.Outcome, fix.Version = "membaik", f.Version
		if f, err = w.store.RecordFollowUp(ctx, as(w.sup), w.sup, c.ID, first.ID, fix); err != nil || f.Outcome != casework.Membaik ||
			f.Version != 3 || f.RecordedBy != w.sup.ID {
			t.Errorf("corrected %+v, %v", f, err)
		}
		if _, err := w.store.RecordFollowUp(ctx, as(w.worker), w.worker, c.ID, first.ID, fix); apperr.KindOf(err) != apperr.Conflict {
			t.Errorf("a correction over a stale copy: %v", err)
		}

		// Bimbingan lanjut cannot end while visits are open.
		c = reload(t, w, c.ID)
		if _, err := w.store.Act(ctx, as(w.worker), w.worker, c.ID, c.Version, casework.Event{Action: casework.CloseFollowUp}, ""); casework.RefusalCode(err) != casework.CodeFollowUpsPending {
			t.Fatalf("close with open visits: %v", err)
		}
		var rest []casework.DueFollowUp
		for _, d := range due(w.worker, "2099-12-31") {
			if d.CaseID == c.ID {
				rest = append(rest, d)
			}
		}
		if len(rest) != 2 || rest[1].DueOn != "2027-05-30" {
			t.Fatalf("open visits: %+v", rest)
		}
		for i, d := range rest {
			// The last visit is made early, today: not in the future.
			in := casework.FollowUpInput{DoneOn: []string{"2027-02-27", "2027-03-01"}[i], Outcome: "perlu_dukungan", Version: d.Version}
			if _, err := w.store.RecordFollowUp(ctx, as(w.worker), w.worker, c.ID, d.ID, in); err != nil {
				t.Fatal(err)
			}
		}
		if list := due(w.sup, "2099-12-31"); len(list) != 3 || list[0].CaseID != other.ID {
			t.Errorf("visits still due after recording all of the case's: %+v", list)
		}
		c = reload(t, w, c.ID)
		if c = act(t, w, w.worker, c, casework.CloseFollowUp); c.Stage != casework.Selesai || c.ClosedAt == nil {
			t.Errorf("after the last visit: %s, closed %v", c.Stage, c.ClosedAt)
		}
		if _, err := w.store.RecordFollowUp(ctx, as(w.worker), w.worker, c.ID, first.ID, fix); casework.RefusalCode(err) != casework.CodeWrongStage {
			t.Errorf("a visit recorded after the end: %v", err)
		}
		var done int
		w.store.DB.QueryRow(ctx, "SELECT COUNT(*) FROM case_follow_up WHERE case_id = ? AND done_on IS NOT NULL", c.ID).Scan(&done)
		if done != 3 {
			t.Errorf("%d visits done, want 3", done)
		}
	})
}

// A reopened case leaves its earlier bimbingan lanjut behind: its open
// visits are no longer anyone's work.
func TestFollowUpsOfReopenedCase(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		c := terminated(t, w, casework.LulusPENA, w.now)
		if list := dueOn(t, w, w.sup, "2099-12-31"); len(list) != 3 {
			t.Fatalf("due before reopening: %d", len(list))
		}
		c = act(t, w, w.sup, c, casework.Reopen)
		if list := dueOn(t, w, w.sup, "2099-12-31"); len(list) != 0 {
			t.Errorf("due after reopening: %+v", list)
		}
	})
}

// dueOn is the visits of u's work view on day (YYYY-MM-DD, at noon WIB).
func dueOn(t *testing.T, w *world, u access.User, day string) []casework.DueFollowUp {
	t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, day, time.FixedZone("WIB", 7*3600))
	if err != nil {
		t.Fatal(err)
	}
	work, err := w.store.Work(ctx, u, d.Add(12*time.Hour))
	if err != nil {
		t.Fatalf("work of %s: %v", u.Username, err)
	}
	return work.FollowUps
}

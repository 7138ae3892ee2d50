package casework_test

import (
	"slices"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/casework"
)

// fieldNames lists the fields a conflict names.
func fieldNames(c *casework.Conflict) []string {
	var out []string
	for _, f := range c.Fields {
		out = append(out, f.Field)
	}
	return out
}

func storedOf(c *casework.Conflict, field string) any {
	for _, f := range c.Fields {
		if f.Field == field {
			return f.Stored
		}
	}
	return nil
}

// A write on a stale copy is refused with what changed since: the
// timeline entries above the version the editor read (who, what, when)
// and, for a document, the fields stored now that differ from what the
// editor sent. Every timeline entry carries the case's version after it.
func TestStaleWritesSayWhatChanged(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		c := openCase(t, w)
		read := c.Version // the worker's copy

		// A step on a stale copy of the case: the supervisor's note since.
		w.now = w.now.Add(time.Minute)
		if _, err := w.store.Act(ctx, as(w.sup), w.sup, c.ID, c.Version, casework.Event{Action: casework.AddNote}, "Sudah saya telepon."); err != nil {
			t.Fatal(err)
		}
		_, err := w.store.Act(ctx, as(w.worker), w.worker, c.ID, read, casework.Event{Action: casework.AddNote}, "Catatan saya.")
		cf := casework.ConflictOf(err)
		if apperr.KindOf(err) != apperr.Conflict || casework.RefusalCode(err) != casework.CodeStaleVersion || cf == nil {
			t.Fatalf("stale step: %v", err)
		}
		if cf.CurrentVersion != 2 || cf.CaseVersion != 2 || len(cf.Changes) != 1 || len(cf.Fields) != 0 {
			t.Fatalf("stale step: %+v", cf)
		}
		if e := cf.Changes[0]; e.Action != "add_note" || e.ActorID != w.sup.ID || e.ActorName != "supervisor.sal" ||
			e.Note != "Sudah saya telepon." || !e.At.Equal(w.now) || e.CaseVersion != 2 {
			t.Errorf("the change: %+v", e)
		}

		// The assessment: the worker saves, the supervisor corrects the
		// conclusion; the worker's second save of their copy is stale. The
		// supervisor joins the team first: off it, they do not read the
		// health finding, and may not save (privacy.go).
		joinTeam(t, w, w.sup, c.ID)
		mine := goodAssessment()
		a, err := w.store.SaveAssessment(ctx, as(w.worker), w.worker, c.ID, mine)
		if err != nil {
			t.Fatal(err)
		}
		cur, _ := w.store.Get(ctx, as(w.worker), w.worker, c.ID)
		theirs := goodAssessment()
		theirs.Version, theirs.Conclusion = a.Version, "Perlu rujukan ke puskesmas dahulu."
		theirs.Needs = []string{"permakanan"}
		w.now = w.now.Add(time.Minute)
		if _, err := w.store.SaveAssessment(ctx, as(w.sup), w.sup, c.ID, theirs); err != nil {
			t.Fatal(err)
		}
		mine.Version, mine.CaseVersion = a.Version, cur.Version
		mine.Conclusion = "Kesimpulan saya yang baru."
		for _, caseVersion := range []int{cur.Version, 0} { // 0: since the assessment was last saved
			mine.CaseVersion = caseVersion
			_, err = w.store.SaveAssessment(ctx, as(w.worker), w.worker, c.ID, mine)
			cf = casework.ConflictOf(err)
			if cf == nil || cf.CurrentVersion != 2 || cf.CaseVersion != cur.Version+1 {
				t.Fatalf("stale assessment (case version %d): %v %+v", caseVersion, err, cf)
			}
			if len(cf.Changes) != 1 || cf.Changes[0].Action != "save_assessment" || cf.Changes[0].ActorID != w.sup.ID {
				t.Errorf("stale assessment (case version %d): changes %+v", caseVersion, cf.Changes)
			}
			if got := fieldNames(cf); !slices.Equal(got, []string{"needs", "conclusion"}) {
				t.Errorf("stale assessment: fields %v", got)
			}
			if storedOf(cf, "conclusion") != "Perlu rujukan ke puskesmas dahulu." {
				t.Errorf("stored conclusion %v", storedOf(cf, "conclusion"))
			}
			if n, ok := storedOf(cf, "needs").([]casework.Need); !ok || !slices.Equal(n, []casework.Need{"permakanan"}) {
				t.Errorf("stored needs %#v", storedOf(cf, "needs"))
			}
		}
		// Sent again on the current version, the worker's text is saved.
		mine.Version = cf.CurrentVersion
		if a, err = w.store.SaveAssessment(ctx, as(w.worker), w.worker, c.ID, mine); err != nil || a.Conclusion != mine.Conclusion {
			t.Fatalf("re-sent: %+v %v", a, err)
		}

		// Every entry holds the case's version after it.
		d, err := w.store.Detail(ctx, as(w.worker), w.worker, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range d.Timeline {
			if e.CaseVersion != i+1 {
				t.Errorf("entry %d (%s): case version %d", i, e.Action, e.CaseVersion)
			}
		}
		if last := d.Timeline[len(d.Timeline)-1]; last.CaseVersion != d.Version {
			t.Errorf("the last entry's version %d, the case's %d", last.CaseVersion, d.Version)
		}
	})
}

package casework_test

import (
	"testing"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/casework"
)

func fieldsOf(err error) map[string]string {
	out := map[string]string{}
	if e := apperr.As(err); e != nil {
		for _, f := range e.Fields {
			out[f.Field] = f.Key
		}
	}
	return out
}

func yes() *bool { b := true; return &b }

// openCase opens a lansia case for the world's person as its worker.
func openCase(t *testing.T, w *world) casework.Case {
	t.Helper()
	return openCaseOf(t, w, w.person, casework.ClusterLansia)
}

// openCaseOf opens a case of cluster for person as the world's worker.
func openCaseOf(t *testing.T, w *world, person int64, cluster casework.Cluster) casework.Case {
	t.Helper()
	c, err := w.store.Open(ctx, as(w.worker), w.worker, casework.OpenInput{PersonID: person, Cluster: string(cluster),
		Setting: "keluarga", Source: "penjangkauan", Risk: "sedang"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// goodAssessment needs food and family guidance.
func goodAssessment() casework.AssessmentInput {
	return casework.AssessmentInput{
		Domains:      map[string]string{"fisik_kesehatan": "Hipertensi, berjalan dengan tongkat.", "sosial_keluarga": "Tinggal sendiri."},
		Risks:        []string{"penelantaran"},
		Needs:        []string{"permakanan", "bimbingan_keluarga"},
		Components:   []string{"kebutuhan_hidup_layak", "dukungan_keluarga"},
		Risk:         "tinggi",
		ConferenceOn: "2026-11-23", ConferenceWith: "Peksos, supervisor, kader desa", ConferenceNotes: "Sepakat permakanan harian.",
		NeedsRehab: yes(), Conclusion: "Memerlukan rehabilitasi sosial dasar.",
	}
}

// The way through the documents: an assessment saved, refused while
// incomplete, submitted and approved (its conclusion and risk carried onto
// the case); a plan that must cover every assessed need; services that
// meet the needs.
func TestDocumentsFlow(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		c := openCase(t, w)
		w.now = w.now.Add(24 * time.Hour) // 2026-11-24

		// Checked on save: unknown codes, dates in the future or before the case.
		bad := goodAssessment()
		bad.Domains["spiritual"] = "x"
		bad.Needs = append(bad.Needs, "rumah_mewah")
		bad.ConferenceOn = "2026-12-30"
		bad.Risk = ""
		_, err := w.store.SaveAssessment(ctx, as(w.worker), w.worker, c.ID, bad)
		got := fieldsOf(err)
		for _, f := range []string{"domains.spiritual", "needs", "conference_on", "risk"} {
			if got[f] == "" {
				t.Errorf("bad assessment: no error on %s (%v)", f, err)
			}
		}
		if c2, _ := w.store.Get(ctx, as(w.worker), w.worker, c.ID); c2.Stage != casework.PendekatanAwal || c2.Version != c.Version {
			t.Errorf("a refused save moved the case: %+v", c2.State)
		}

		// A draft without a conclusion saves, but cannot be submitted.
		draft := goodAssessment()
		draft.NeedsRehab, draft.ConferenceOn = nil, ""
		a, err := w.store.SaveAssessment(ctx, as(w.worker), w.worker, c.ID, draft)
		if err != nil || a.Version != 1 || a.Review != casework.Draft {
			t.Fatalf("save draft: %+v, %v", a, err)
		}
		c, _ = w.store.Get(ctx, as(w.worker), w.worker, c.ID)
		if c.Stage != casework.Asesmen {
			t.Errorf("stage after the first save: %s", c.Stage)
		}
		_, err = w.store.Act(ctx, as(w.worker), w.worker, c.ID, c.Version, casework.Event{Action: casework.SubmitAssessment}, "")
		if got := fieldsOf(err); got["needs_rehab"] == "" || got["conference_on"] == "" {
			t.Errorf("incomplete submission: %v", err)
		}
		// A stale assessment version is a conflict; the right one saves.
		if _, err := w.store.SaveAssessment(ctx, as(w.worker), w.worker, c.ID, goodAssessment()); apperr.KindOf(err) != apperr.Conflict {
			t.Errorf("save over version 1 with version 0: %v, want a conflict", err)
		}
		in := goodAssessment()
		in.Version = a.Version
		if a, err = w.store.SaveAssessment(ctx, as(w.worker), w.worker, c.ID, in); err != nil || a.Version != 2 {
			t.Fatalf("save complete: %+v, %v", a, err)
		}
		// No plan before the assessment is approved.
		if _, err := w.store.SavePlan(ctx, as(w.worker), w.worker, c.ID, casework.PlanInput{Goals: "x"}); casework.RefusalCode(err) != casework.CodeAssessmentRequired {
			t.Errorf("plan before approval: %v", err)
		}
		c, _ = w.store.Get(ctx, as(w.worker), w.worker, c.ID)
		c = act(t, w, w.worker, c, casework.SubmitAssessment)
		c = act(t, w, w.sup, c, casework.ApproveAssessment)
		if c.Stage != casework.RencanaIntervensi || c.NeedsRehab == nil || !*c.NeedsRehab || c.Risk != "tinggi" || c.AssessedAt == nil {
			t.Errorf("after approval: stage %s, needs rehab %v, risk %s, assessed %v", c.Stage, c.NeedsRehab, c.Risk, c.AssessedAt)
		}

		// The plan: items only for assessed needs, every need covered.
		item := func(need, comp string, qty int) casework.PlanItem {
			return casework.PlanItem{Need: casework.Need(need), Component: casework.Component(comp), Quantity: qty,
				UnitLabel: "paket", ResponsibleUser: w.worker.ID, TargetOn: "2026-12-31"}
		}
		_, err = w.store.SavePlan(ctx, as(w.worker), w.worker, c.ID, casework.PlanInput{Goals: "Makan cukup",
			Items: []casework.PlanItem{item("alat_bantu", "kebutuhan_hidup_layak", 1), item("permakanan", "terapi", 0)}})
		if got := fieldsOf(err); got["items.0.need"] != "case.plan.need_not_assessed" || got["items.1.quantity"] == "" {
			t.Errorf("bad plan: %v", err)
		}
		p, err := w.store.SavePlan(ctx, as(w.worker), w.worker, c.ID, casework.PlanInput{Goals: "Makan cukup",
			Items: []casework.PlanItem{item("permakanan", "kebutuhan_hidup_layak", 30)}})
		if err != nil || p.Number != 1 || p.Review != casework.Draft {
			t.Fatalf("save plan: %+v, %v", p, err)
		}
		c, _ = w.store.Get(ctx, as(w.worker), w.worker, c.ID)
		_, err = w.store.Act(ctx, as(w.worker), w.worker, c.ID, c.Version, casework.Event{Action: casework.SubmitPlan}, "")
		if got := fieldsOf(err); got["items"] != "case.plan.need_uncovered" {
			t.Errorf("plan missing a need: %v", err)
		}
		p, err = w.store.SavePlan(ctx, as(w.worker), w.worker, c.ID, casework.PlanInput{Goals: "Makan cukup", Version: p.Version,
			Items: []casework.PlanItem{item("permakanan", "kebutuhan_hidup_layak", 30), item("bimbingan_keluarga", "dukungan_keluarga", 2)}})
		if err != nil || p.Number != 1 || len(p.Items) != 2 {
			t.Fatalf("revise plan: %+v, %v", p, err)
		}
		// Services wait for the approved plan.
		svc := casework.ServiceInput{GivenOn: "2026-11-24", Need: "permakanan", Component: "kebutuhan_hidup_layak",
			Quantity: 10, Cost: 250000, Provider: "Dapur umum"}
		if _, err := w.store.RecordService(ctx, as(w.worker), w.worker, c.ID, svc); casework.RefusalCode(err) != casework.CodePlanRequired {
			t.Errorf("service before the plan: %v", err)
		}
		c, _ = w.store.Get(ctx, as(w.worker), w.worker, c.ID)
		c = act(t, w, w.worker, c, casework.SubmitPlan)
		c = act(t, w, w.sup, c, casework.ApprovePlan)
		if c.Stage != casework.Intervensi || c.PlannedAt == nil {
			t.Errorf("after the plan's approval: %s, planned %v", c.Stage, c.PlannedAt)
		}

		// Services: checked, then counted against the plan.
		for _, b := range []struct {
			edit  func(*casework.ServiceInput)
			field string
		}{
			{func(s *casework.ServiceInput) { s.GivenOn = "2026-11-22" }, "given_on"}, // before the case opened
			{func(s *casework.ServiceInput) { s.GivenOn = "2026-11-26" }, "given_on"}, // in the future
			{func(s *casework.ServiceInput) { s.Quantity = -1 }, "quantity"},
			{func(s *casework.ServiceInput) { s.Cost = -5 }, "cost"},
			{func(s *casework.ServiceInput) { s.Need = "emas" }, "need"},
		} {
			in := svc
			b.edit(&in)
			if _, err := w.store.RecordService(ctx, as(w.worker), w.worker, c.ID, in); fieldsOf(err)[b.field] == "" {
				t.Errorf("service %+v: %v, want an error on %s", in, err, b.field)
			}
		}
		for _, q := range []int{10, 20} {
			in := svc
			in.Quantity = q
			if _, err := w.store.RecordService(ctx, as(w.worker), w.worker, c.ID, in); err != nil {
				t.Fatal(err)
			}
		}
		d, err := w.store.Detail(ctx, as(w.worker), w.worker, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Needs) != 2 || !d.Needs[0].Met || d.Needs[1].Met || d.NeedsMet || len(d.Services) != 2 {
			t.Errorf("needs after food only: %+v (all met %v)", d.Needs, d.NeedsMet)
		}
		fam := svc
		fam.Need, fam.Component, fam.Quantity, fam.Cost = "bimbingan_keluarga", "dukungan_keluarga", 2, 0
		if _, err := w.store.RecordService(ctx, as(w.worker), w.worker, c.ID, fam); err != nil {
			t.Fatal(err)
		}
		d, _ = w.store.Detail(ctx, as(w.worker), w.worker, c.ID)
		if !d.NeedsMet || d.PlanInForce == nil || d.PlanDraft != nil || d.Assessment == nil || d.Assessment.Review != casework.Approved {
			t.Errorf("detail after every need: met %v, in force %v, draft %v, assessment %+v", d.NeedsMet, d.PlanInForce, d.PlanDraft, d.Assessment)
		}
		if n := len(d.Timeline); n < 9 || d.Timeline[0].Action != "open" {
			t.Errorf("timeline: %d entries, first %+v", n, d.Timeline[0])
		}
		// A new version of the plan may be drafted while the first stays in force.
		p2, err := w.store.SavePlan(ctx, as(w.worker), w.worker, c.ID, casework.PlanInput{Goals: "Lanjutan",
			Items: []casework.PlanItem{item("permakanan", "kebutuhan_hidup_layak", 60), item("bimbingan_keluarga", "dukungan_keluarga", 2)}})
		if err != nil || p2.Number != 2 {
			t.Fatalf("second version: %+v, %v", p2, err)
		}
		d, _ = w.store.Detail(ctx, as(w.worker), w.worker, c.ID)
		if d.PlanDraft == nil || d.PlanInForce == nil || d.PlanInForce.Number != 1 || !d.NeedsMet {
			t.Errorf("while version 2 is drafted: draft %v, in force %v, met %v", d.PlanDraft, d.PlanInForce, d.NeedsMet)
		}
	})
}

// Emergency basic needs go before the assessment, within the window only,
// and only the four emergency needs.
func TestEmergencyService(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		c := openCase(t, w)
		in := casework.ServiceInput{GivenOn: "2026-11-23", Need: "sandang", Component: "kebutuhan_hidup_layak", Quantity: 1, Emergency: true}
		v, err := w.store.RecordService(ctx, as(w.worker), w.worker, c.ID, in)
		if err != nil || !v.Emergency {
			t.Fatalf("emergency clothing: %+v, %v", v, err)
		}
		in.Need = "alat_bantu"
		if _, err := w.store.RecordService(ctx, as(w.worker), w.worker, c.ID, in); fieldsOf(err)["need"] != "case.service.not_emergency_need" {
			t.Errorf("a wheelchair as an emergency: %v", err)
		}
		w.now = w.now.Add(8 * 24 * time.Hour)
		in.Need, in.GivenOn = "permakanan", "2026-12-01"
		if _, err := w.store.RecordService(ctx, as(w.worker), w.worker, c.ID, in); casework.RefusalCode(err) != casework.CodeEmergencyWindowPassed {
			t.Errorf("after the window: %v", err)
		}
	})
}

// A deployment may set a shorter (or longer) window; a case keeps the one
// it opened with.
func TestEmergencyWindowConfigured(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		w.store.EmergencyWindow = 2 * 24 * time.Hour
		c := openCase(t, w)
		if !c.EmergencyUntil.Equal(c.OpenedAt.Add(2 * 24 * time.Hour)) {
			t.Fatalf("window: opened %v, until %v", c.OpenedAt, c.EmergencyUntil)
		}
		w.store.EmergencyWindow = 0 // the default again: this case keeps its 2 days
		w.now = w.now.Add(3 * 24 * time.Hour)
		in := casework.ServiceInput{GivenOn: w.now.Format(time.DateOnly), Need: "permakanan", Component: "kebutuhan_hidup_layak",
			Quantity: 1, Emergency: true}
		if _, err := w.store.RecordService(ctx, as(w.worker), w.worker, c.ID, in); casework.RefusalCode(err) != casework.CodeEmergencyWindowPassed {
			t.Errorf("on day 3 of a 2-day window: %v", err)
		}
	})
}

func act(t *testing.T, w *world, u access.User, c casework.Case, a casework.Action) casework.Case {
	t.Helper()
	out, err := w.store.Act(ctx, as(u), u, c.ID, c.Version, casework.Event{Action: a}, "")
	if err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	return out
}

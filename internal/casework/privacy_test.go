package casework

import (
	"maps"
	"testing"

	"github.com/layan-id/layan/internal/access"
)

// sampleDetail is a case of cluster with every kind of free text written.
func sampleDetail(cluster Cluster, s State) Detail {
	yes := true
	return Detail{
		Case: Case{ID: 7, UnitID: 1, Cluster: cluster, State: s, Team: []int64{10, 11}, Risk: RiskTinggi, NeedsRehab: &yes},
		Assessment: &Assessment{CaseID: 7, Cycle: 1, Domains: map[Domain]string{DomainFisik: "Asma.", DomainSosial: "Tinggal dengan nenek."},
			Risks: []RiskFlag{Penelantaran}, Needs: []Need{Permakanan}, Components: []Component{KebutuhanHidupLayak}, Risk: RiskTinggi,
			ConferenceOn: "2026-11-23", ConferenceWith: "Peksos, guru", ConferenceNotes: "Sepakat.", NeedsRehab: &yes,
			Conclusion: "Perlu rehabilitasi.", Review: s.Assessment},
		PlanInForce: &Plan{ID: 1, Goals: "Makan cukup.", Items: []PlanItem{{Need: Permakanan, Component: KebutuhanHidupLayak, Quantity: 2}}},
		Services:    []Service{{ID: 1, Need: Permakanan, Quantity: 2, Provider: "Dinsos", Note: "Diterima neneknya."}},
		Needs:       []NeedStatus{{Need: Permakanan, Planned: 2, Delivered: 2, Met: true}},
		NeedsMet:    true,
		Referrals:   []Referral{{ID: 1, Purpose: "Periksa asma.", Status: RujukanSelesai, AnswerNote: "Diterima.", Outcome: "Obat diberikan.", AnsweredBy: "Puskesmas"}},
		FollowUps:   []FollowUp{{ID: 1, DueOn: "2026-12-23", DoneOn: "2026-12-23", Outcome: Stabil, Note: "Sehat."}},
		Attachments: []Attachment{{ID: 1, Name: "surat dokter.pdf"}},
		Timeline:    []TimelineEntry{{ID: 1, Action: "open", Note: "Dibawa gurunya."}},
	}
}

// Who reads a case's specific personal data (UU 27/2022 Pasal 4), and what
// the others are not shown: every relation to the case, every state of
// review, every cluster.
func TestSeesSpecificTable(t *testing.T) {
	relations := []struct {
		name string
		u    access.User
		team bool // on the case's team, with a role that works cases
		sup  bool // a supervisor of the case's unit off the team
	}{
		{"worker on the team", access.User{ID: 10, Role: access.Worker, UnitID: 1}, true, false},
		{"supervisor on the team", access.User{ID: 11, Role: access.Supervisor, UnitID: 1}, true, false},
		{"supervisor of the unit", access.User{ID: 20, Role: access.Supervisor, UnitID: 1}, false, true},
		{"worker of the unit off the team", access.User{ID: 21, Role: access.Worker, UnitID: 1}, false, false},
		{"supervisor of another unit", access.User{ID: 22, Role: access.Supervisor, UnitID: 2}, false, false},
		{"admin of the unit", access.User{ID: 23, Role: access.Admin, UnitID: 1}, false, false},
		{"team member now an admin", access.User{ID: 10, Role: access.Admin, UnitID: 1}, false, false},
		{"national viewer", access.User{ID: 24, Role: access.National}, false, false},
	}
	states := []struct {
		name    string
		s       State
		waiting bool // a document waits for review
	}{
		{"registered", State{Stage: PendekatanAwal}, false},
		{"assessment drafted", State{Stage: Asesmen, Assessment: Draft}, false},
		{"assessment submitted", State{Stage: Asesmen, Assessment: Submitted}, true},
		{"assessment returned", State{Stage: Asesmen, Assessment: Returned}, false},
		{"assessment approved", State{Stage: RencanaIntervensi, Assessment: Approved}, false},
		{"plan drafted", State{Stage: RencanaIntervensi, Assessment: Approved, Plan: Draft}, false},
		{"plan submitted", State{Stage: RencanaIntervensi, Assessment: Approved, Plan: Submitted}, true},
		{"new plan version submitted", State{Stage: Intervensi, Assessment: Approved, Plan: Submitted, PlanInForce: true}, true},
		{"plan returned", State{Stage: RencanaIntervensi, Assessment: Approved, Plan: Returned}, false},
		{"plan approved", State{Stage: Intervensi, Assessment: Approved, Plan: Approved, PlanInForce: true}, false},
		{"terminasi requested", State{Stage: Intervensi, Assessment: Approved, Plan: Approved, PlanInForce: true,
			Termination: Submitted, TerminationReason: Pindah}, true},
		{"terminasi returned", State{Stage: Intervensi, Assessment: Approved, Plan: Approved, PlanInForce: true,
			Termination: Returned, TerminationReason: Pindah}, false},
		{"bimbingan lanjut", State{Stage: BimbinganLanjut, Assessment: Approved, Plan: Approved, PlanInForce: true,
			Termination: Approved, TerminationReason: Pindah}, false},
		{"terminated without a plan", State{Stage: Terminasi, Assessment: Draft, Termination: Approved, TerminationReason: Menolak}, false},
	}
	for _, cl := range Clusters {
		for _, st := range states {
			for _, rel := range relations {
				name := string(cl) + ", " + st.name + ", " + rel.name
				want := rel.team || (rel.sup && st.waiting)
				full := sampleDetail(cl, st.s)
				if got := SeesSpecific(rel.u, full.Case); got != want {
					t.Errorf("%s: SeesSpecific %v, want %v", name, got, want)
				}
				d := sampleDetail(cl, st.s)
				d.withholdFrom(rel.u)
				checkWithheld(t, name, d, full, !want)
			}
		}
	}
}

// checkWithheld compares what is left of full once withheld (or not).
func checkWithheld(t *testing.T, name string, d, full Detail, withheld bool) {
	t.Helper()
	all := withheld && full.Cluster.Specific()
	if d.SpecificWithheld != withheld {
		t.Errorf("%s: specific_withheld %v, want %v", name, d.SpecificWithheld, withheld)
	}
	a, fa := d.Assessment, full.Assessment
	_, health := a.Domains[DomainFisik]
	if health == withheld {
		t.Errorf("%s: the health finding shown %v, want %v", name, health, !withheld)
	}
	if _, social := a.Domains[DomainSosial]; social == all {
		t.Errorf("%s: the social finding shown %v, want %v", name, social, !all)
	}
	text := []struct {
		field     string
		got, full string
	}{
		{"conference_with", a.ConferenceWith, fa.ConferenceWith},
		{"conference_notes", a.ConferenceNotes, fa.ConferenceNotes},
		{"conclusion", a.Conclusion, fa.Conclusion},
		{"timeline note", d.Timeline[0].Note, full.Timeline[0].Note},
		{"service note", d.Services[0].Note, full.Services[0].Note},
		{"follow-up note", d.FollowUps[0].Note, full.FollowUps[0].Note},
		{"referral purpose", d.Referrals[0].Purpose, full.Referrals[0].Purpose},
		{"referral answer", d.Referrals[0].AnswerNote, full.Referrals[0].AnswerNote},
		{"referral outcome", d.Referrals[0].Outcome, full.Referrals[0].Outcome},
	}
	for _, x := range text {
		if want := map[bool]string{true: "", false: x.full}[all]; x.got != want {
			t.Errorf("%s: %s %q, want %q", name, x.field, x.got, want)
		}
	}
	if (len(d.Attachments) == 0) != all {
		t.Errorf("%s: %d attachments listed", name, len(d.Attachments))
	}
	// What supervision and the SPM figures need stays, whoever reads.
	if !maps.Equal(map[string]any{"needs": len(a.Needs), "components": len(a.Components), "risks": len(a.Risks),
		"risk": a.Risk, "rehab": *a.NeedsRehab, "conference_on": a.ConferenceOn},
		map[string]any{"needs": 1, "components": 1, "risks": 1, "risk": RiskTinggi, "rehab": true, "conference_on": "2026-11-23"}) {
		t.Errorf("%s: the assessment's codes changed: %+v", name, a)
	}
	if d.PlanInForce.Goals != full.PlanInForce.Goals || len(d.PlanInForce.Items) != 1 || d.Services[0].Provider != "Dinsos" ||
		d.Referrals[0].Status != RujukanSelesai || d.Referrals[0].AnsweredBy != "Puskesmas" || d.FollowUps[0].Outcome != Stabil ||
		len(d.Needs) != 1 || !d.NeedsMet || len(d.Team) != 2 || d.Risk != RiskTinggi || !*d.NeedsRehab {
		t.Errorf("%s: what supervision reads changed: %+v", name, d)
	}
}

// A stale write's changes lose their notes for whoever does not read them.
func TestConflictWithholdNotes(t *testing.T) {
	c := Conflict{Changes: []TimelineEntry{{Action: "add_note", Note: "Anak dipukul ayahnya."}, {Action: "assign", Note: "Masuk tim: A."}}}
	c.withholdNotes()
	for _, e := range c.Changes {
		if e.Note != "" || e.Action == "" {
			t.Errorf("change %+v", e)
		}
	}
}

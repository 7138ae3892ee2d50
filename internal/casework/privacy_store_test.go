package casework_test

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/casework"
	"github.com/layan-id/layan/internal/registry"
)

// joinTeam puts u on the case's team beside those on it, as the unit's
// supervisor.
func joinTeam(t *testing.T, w *world, u access.User, caseID int64) casework.Case {
	t.Helper()
	c := reload(t, w, caseID)
	c, err := w.store.Assign(ctx, as(w.sup), w.sup, caseID, casework.TeamInput{WorkerID: c.WorkerID,
		Team: append(slices.Clone(c.Team), u.ID), Version: c.Version})
	if err != nil {
		t.Fatalf("%s joins the team: %v", u.Username, err)
	}
	return c
}

// child registers a child in the worker's reach.
func child(t *testing.T, w *world) int64 {
	t.Helper()
	saved, err := w.store.People.Create(ctx, audit.System("test"), registry.ReachOf(w.worker),
		registry.Input{Name: "Bayu Saputra", Sex: "L", BirthYear: 2016, Village: "33.73.04.1001"})
	if err != nil {
		t.Fatal(err)
	}
	return saved.Person.ID
}

func attachmentReads(t *testing.T, w *world) int {
	t.Helper()
	var n int
	if err := w.store.DB.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE entity = 'case_attachment' AND action = 'read'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// expectWithheldSave checks that u may not save the case's assessment
// (403, team_required) and that nothing was written.
func expectWithheldSave(t *testing.T, w *world, u access.User, caseID int64, version int) {
	t.Helper()
	before := reload(t, w, caseID)
	in := goodAssessment()
	in.Version = version
	_, err := w.store.SaveAssessment(ctx, as(u), u, caseID, in)
	if apperr.KindOf(err) != apperr.Forbidden || casework.RefusalCode(err) != casework.CodeTeamRequired ||
		apperr.As(err).Key != "case.refused.specific_withheld" {
		t.Errorf("%s saved a withheld assessment: %v", u.Username, err)
	}
	if after := reload(t, w, caseID); after.Version != before.Version {
		t.Errorf("a refused save moved the case from version %d to %d", before.Version, after.Version)
	}
}

// A child's case (UU 27/2022 Pasal 4: children's data): the supervisor off
// the team opens it for supervision but reads none of its free text or
// attachments, except while a document waits for their review; on the
// team they read all of it.
func TestSpecificDataOfAChildCase(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		w.store.AttachmentDir = t.TempDir()
		c := openCaseOf(t, w, child(t, w), casework.ClusterAnak)
		in := goodAssessment()
		a, err := w.store.SaveAssessment(ctx, as(w.worker), w.worker, c.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.store.RecordService(ctx, as(w.worker), w.worker, c.ID, casework.ServiceInput{GivenOn: "2026-11-23",
			Need: "permakanan", Component: "kebutuhan_hidup_layak", Quantity: 1, Note: "Diterima neneknya.", Emergency: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.store.Refer(ctx, as(w.worker), w.worker, c.ID, casework.ReferralInput{AgencyKind: "puskesmas",
			AgencyName: "Puskesmas Sidorejo Lor", Purpose: "Periksa luka di lengan."}); err != nil {
			t.Fatal(err)
		}
		att, err := w.store.Attach(ctx, as(w.worker), w.worker, c.ID, "visum.pdf", "Hasil visum.", bytes.NewReader(pdfFile))
		if err != nil {
			t.Fatal(err)
		}
		c = reload(t, w, c.ID)
		if _, err := w.store.Act(ctx, as(w.worker), w.worker, c.ID, c.Version, casework.Event{Action: casework.AddNote},
			"Anak mengaku dipukul ayahnya."); err != nil {
			t.Fatal(err)
		}

		// expect reads the case as u: all of it, or only what supervision needs.
		expect := func(when string, u access.User, sees bool) casework.Detail {
			t.Helper()
			d, err := w.store.Detail(ctx, as(u), u, c.ID)
			if err != nil {
				t.Fatalf("%s: %s opens the case: %v", when, u.Username, err)
			}
			if d.SpecificWithheld == sees {
				t.Errorf("%s: %s: specific_withheld %v", when, u.Username, d.SpecificWithheld)
			}
			notes := 0
			for _, e := range d.Timeline {
				if e.Note != "" {
					notes++
				}
			}
			shown := d.Assessment != nil && len(d.Assessment.Domains) == 2 && d.Assessment.ConferenceNotes != "" &&
				d.Assessment.ConferenceWith != "" && d.Assessment.Conclusion != "" && d.Services[0].Note != "" &&
				d.Referrals[0].Purpose != "" && len(d.Attachments) == 1 && notes > 0
			hidden := d.Assessment != nil && len(d.Assessment.Domains) == 0 && d.Assessment.ConferenceNotes == "" &&
				d.Assessment.ConferenceWith == "" && d.Assessment.Conclusion == "" && d.Services[0].Note == "" &&
				d.Referrals[0].Purpose == "" && len(d.Attachments) == 0 && notes == 0
			if (sees && !shown) || (!sees && !hidden) {
				t.Errorf("%s: %s reads %+v\nassessment %+v", when, u.Username, d, d.Assessment)
			}
			// What supervision needs stays.
			if len(d.Assessment.Needs) != 2 || len(d.Assessment.Components) != 2 || d.Assessment.Risk != "tinggi" ||
				d.Assessment.NeedsRehab == nil || len(d.Services) != 1 || d.Referrals[0].Status != casework.RujukanDikirim ||
				len(d.Timeline) < 5 || !slices.Equal(d.Team, []int64{w.worker.ID}) {
				t.Errorf("%s: %s lacks what supervision reads: %+v", when, u.Username, d)
			}
			reads := attachmentReads(t, w)
			_, rc, err := w.store.OpenAttachment(ctx, as(u), u, c.ID, att.ID)
			switch {
			case sees && err != nil:
				t.Errorf("%s: %s cannot open the attachment: %v", when, u.Username, err)
			case sees:
				rc.Close()
			case apperr.KindOf(err) != apperr.NotFound || apperr.As(err).Key != "attachment.not_found":
				t.Errorf("%s: %s opened a withheld attachment: %v", when, u.Username, err)
			case attachmentReads(t, w) != reads:
				t.Errorf("%s: a refused download was audited as an opening", when)
			}
			return d
		}
		expect("drafted", w.worker, true)
		expect("drafted", w.sup, false)
		// Nor may the supervisor save over the findings they do not read.
		expectWithheldSave(t, w, w.sup, c.ID, a.Version)

		// A stale step's conflict lists the steps since, without their notes.
		c = reload(t, w, c.ID)
		_, err = w.store.Act(ctx, as(w.sup), w.sup, c.ID, c.Version-1, casework.Event{Action: casework.AddNote}, "x")
		if cf := casework.ConflictOf(err); cf == nil || len(cf.Changes) != 1 || cf.Changes[0].Action != "add_note" || cf.Changes[0].Note != "" {
			t.Errorf("the supervisor's stale step: %v %+v", err, cf)
		}
		_, err = w.store.Act(ctx, as(w.worker), w.worker, c.ID, c.Version-1, casework.Event{Action: casework.AddNote}, "x")
		if cf := casework.ConflictOf(err); cf == nil || len(cf.Changes) != 1 || cf.Changes[0].Note != "Anak mengaku dipukul ayahnya." {
			t.Errorf("the worker's stale step: %v %+v", err, cf)
		}

		// Submitted, the assessment is the supervisor's to read and decide.
		c = act(t, w, w.worker, c, casework.SubmitAssessment)
		expect("submitted", w.sup, true)
		c = act(t, w, w.sup, c, casework.ApproveAssessment)
		expect("approved", w.sup, false)
		expect("approved", w.worker, true)

		// On the team, the supervisor reads all of it.
		joinTeam(t, w, w.sup, c.ID)
		d, err := w.store.Detail(ctx, as(w.sup), w.sup, c.ID)
		if err != nil || d.SpecificWithheld || len(d.Assessment.Domains) != 2 || len(d.Attachments) != 1 {
			t.Errorf("the supervisor on the team: %+v, %v", d, err)
		}
	})
}

// On a case of any cluster the health finding is specific (UU 27/2022
// Pasal 4: health data), and only it.
func TestSpecificDataOfAnyCase(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		w.store.AttachmentDir = t.TempDir()
		c := openCase(t, w) // lansia
		a, err := w.store.SaveAssessment(ctx, as(w.worker), w.worker, c.ID, goodAssessment())
		if err != nil {
			t.Fatal(err)
		}
		att, err := w.store.Attach(ctx, as(w.worker), w.worker, c.ID, "foto.png", "Rumah.", bytes.NewReader(pngFile(t)))
		if err != nil {
			t.Fatal(err)
		}
		d, err := w.store.Detail(ctx, as(w.sup), w.sup, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, health := d.Assessment.Domains[casework.DomainFisik]; health || !d.SpecificWithheld {
			t.Errorf("the supervisor reads the health finding: %+v", d.Assessment.Domains)
		}
		if d.Assessment.Domains[casework.DomainSosial] != "Tinggal sendiri." || d.Assessment.Conclusion == "" ||
			d.Assessment.ConferenceNotes == "" || len(d.Attachments) != 1 || d.Timeline[len(d.Timeline)-1].Note != "lampiran: foto.png" {
			t.Errorf("the supervisor lacks what is not specific: %+v %+v", d, d.Assessment)
		}
		if _, rc, err := w.store.OpenAttachment(ctx, as(w.sup), w.sup, c.ID, att.ID); err != nil {
			t.Errorf("the supervisor cannot open an attachment of a lansia case: %v", err)
		} else {
			rc.Close()
		}
		expectWithheldSave(t, w, w.sup, c.ID, a.Version)

		// On the team the supervisor reads the finding and may correct it.
		joinTeam(t, w, w.sup, c.ID)
		if d, err = w.store.Detail(ctx, as(w.sup), w.sup, c.ID); err != nil || d.SpecificWithheld ||
			d.Assessment.Domains[casework.DomainFisik] == "" {
			t.Errorf("the supervisor on the team: %+v, %v", d.Assessment, err)
		}
		in := goodAssessment()
		in.Version, in.Conclusion = a.Version, "Dikoreksi supervisor."
		if _, err := w.store.SaveAssessment(ctx, as(w.sup), w.sup, c.ID, in); err != nil {
			t.Errorf("the supervisor on the team saves: %v", err)
		}
	})
}

// The escalated referrals and the follow-up visits of a child's case: the
// supervisor chases and records without the text, and does not overwrite
// a visit's note they do not read.
func TestSpecificDataInSupervision(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		c := openCaseOf(t, w, child(t, w), casework.ClusterAnak)
		if _, err := w.store.Refer(ctx, as(w.worker), w.worker, c.ID, casework.ReferralInput{ToUnit: w.makWkr.UnitID,
			Purpose: "Pendampingan psikolog.", DueInDays: 1}); err != nil {
			t.Fatal(err)
		}
		lansia := openCase(t, w)
		if _, err := w.store.Refer(ctx, as(w.worker), w.worker, lansia.ID, casework.ReferralInput{ToUnit: w.makWkr.UnitID,
			Purpose: "Kursi roda.", DueInDays: 1}); err != nil {
			t.Fatal(err)
		}
		w.now = w.now.Add(2 * 24 * time.Hour)
		if n, err := w.store.EscalateOverdue(ctx); err != nil || n != 2 {
			t.Fatalf("escalated %d (%v)", n, err)
		}
		purposes := func() map[int64]string {
			t.Helper()
			got, err := w.store.EscalatedReferrals(ctx, w.sup)
			if err != nil || len(got) != 2 {
				t.Fatalf("escalated: %+v, %v", got, err)
			}
			out := map[int64]string{}
			for _, r := range got {
				out[r.CaseID] = r.Purpose
			}
			return out
		}
		if p := purposes(); p[c.ID] != "" || p[lansia.ID] != "Kursi roda." {
			t.Errorf("escalated purposes off the team: %v", p)
		}
		if refs, err := w.store.CaseReferrals(ctx, w.sup, c.ID); err != nil || len(refs) != 1 || refs[0].Purpose != "" {
			t.Errorf("the case's referrals off the team: %+v, %v", refs, err)
		}
		joinTeam(t, w, w.sup, c.ID)
		if p := purposes(); p[c.ID] != "Pendampingan psikolog." {
			t.Errorf("escalated purposes on the team: %v", p)
		}

		// Bimbingan lanjut of a child's case: a visit recorded by the worker.
		done := terminatedCase(t, w, openCaseOf(t, w, child(t, w), casework.ClusterAnak), casework.Pindah, w.now)
		d, err := w.store.Detail(ctx, as(w.worker), w.worker, done.ID)
		if err != nil || len(d.FollowUps) != 3 {
			t.Fatalf("visits: %+v, %v", d.FollowUps, err)
		}
		first, second := d.FollowUps[0], d.FollowUps[1]
		w.now = w.now.AddDate(0, 1, 1)
		day := w.now.In(wib).Format("2006-01-02")
		rec, err := w.store.RecordFollowUp(ctx, as(w.worker), w.worker, done.ID, first.ID, casework.FollowUpInput{DoneOn: day,
			Outcome: "stabil", Note: "Anak sudah kembali sekolah.", Version: first.Version})
		if err != nil {
			t.Fatal(err)
		}
		if d, err = w.store.Detail(ctx, as(w.sup), w.sup, done.ID); err != nil || d.FollowUps[0].Note != "" || d.FollowUps[0].Outcome != "stabil" {
			t.Errorf("the visit off the team: %+v, %v", d.FollowUps, err)
		}
		// The recorded visit is not the supervisor's to correct; a visit
		// not yet recorded is theirs to record.
		_, err = w.store.RecordFollowUp(ctx, as(w.sup), w.sup, done.ID, first.ID, casework.FollowUpInput{DoneOn: day,
			Outcome: "membaik", Version: rec.Version})
		if apperr.KindOf(err) != apperr.Forbidden || casework.RefusalCode(err) != casework.CodeTeamRequired {
			t.Errorf("the supervisor corrected a withheld visit: %v", err)
		}
		if _, err := w.store.RecordFollowUp(ctx, as(w.sup), w.sup, done.ID, second.ID, casework.FollowUpInput{DoneOn: day,
			Outcome: "stabil", Version: second.Version}); err != nil {
			t.Errorf("the supervisor records a visit: %v", err)
		}
	})
}

package spm

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/i18n"
	"github.com/layan-id/layan/internal/wilayah"
)

// ReportPeriodClosed lets the store tests (package spm_test) call
// periodClosed, the check EnterAggregate and DeleteAggregate make.
var ReportPeriodClosed = periodClosed

// The accounts of the workflow's tests: Kota Salatiga (33.73) in Jawa
// Tengah (33), Kota Makassar (73.71) in Sulawesi Selatan (73).
var (
	plannerSalatiga = access.User{ID: 1, Role: access.Planner, Region: "33.73"}
	plannerJateng   = access.User{ID: 2, Role: access.Planner, Region: "33"}
	plannerMakassar = access.User{ID: 3, Role: access.Planner, Region: "73.71"}
	verifierJateng  = access.User{ID: 4, Role: access.Verifier, Region: "33"}
	verifierSulsel  = access.User{ID: 5, Role: access.Verifier, Region: "73"}
	adminPusat      = access.User{ID: 6, Role: access.Admin}
	adminJateng     = access.User{ID: 7, Role: access.Admin, Region: "33"}
	adminSalatiga   = access.User{ID: 8, Role: access.Admin, Region: "33.73"}
	adminSulsel     = access.User{ID: 9, Role: access.Admin, Region: "73"}
	nationalViewer  = access.User{ID: 10, Role: access.National}
	workerSalatiga  = access.User{ID: 11, Role: access.Worker, Region: "33.73", UnitID: 1}
)

// wantRefusal fails unless err is an apperr of kind with code.
func wantRefusal(t *testing.T, what string, err error, kind apperr.Kind, code string) {
	t.Helper()
	e := apperr.As(err)
	if e == nil || e.Kind != kind || e.Code != code {
		t.Errorf("%s: %v, want kind %v code %q", what, err, kind, code)
		return
	}
	if e.Kind != apperr.Invalid && e.Key != "spmreport.refused."+code {
		t.Errorf("%s: key %s", what, e.Key)
	}
}

// Every action in every status, taken by someone who may take it with
// everything it needs: the workflow of issue 6 point 5, draf → diajukan →
// diverifikasi → dikunci, with return and reopen back to draf.
func TestDecideReportTransitions(t *testing.T) {
	const ok = ""
	type want struct {
		next ReportStatus
		code string
	}
	table := map[ReportAction]map[ReportStatus]want{
		ReportSave: {
			ReportDraft:     {ReportDraft, ok},
			ReportSubmitted: {"", CodeUnderReview},
			ReportVerified:  {"", CodeUnderReview},
			ReportLocked:    {"", CodeReportLocked},
		},
		ReportSubmit: {
			ReportDraft:     {ReportSubmitted, ok},
			ReportSubmitted: {"", CodeAlreadySubmitted},
			ReportVerified:  {"", CodeAlreadySubmitted},
			ReportLocked:    {"", CodeReportLocked},
		},
		ReportReturn: {
			ReportDraft:     {"", CodeNotSubmitted},
			ReportSubmitted: {ReportDraft, ok},
			ReportVerified:  {"", CodeAlreadyVerified},
			ReportLocked:    {"", CodeReportLocked},
		},
		ReportVerify: {
			ReportDraft:     {"", CodeNotSubmitted},
			ReportSubmitted: {ReportVerified, ok},
			ReportVerified:  {"", CodeAlreadyVerified},
			ReportLocked:    {"", CodeReportLocked},
		},
		ReportLock: {
			ReportDraft:     {"", CodeNotVerified},
			ReportSubmitted: {"", CodeNotVerified},
			ReportVerified:  {ReportLocked, ok},
			ReportLocked:    {"", CodeAlreadyLocked},
		},
		ReportReopen: {
			ReportDraft:     {"", CodeAlreadyDraft},
			ReportSubmitted: {"", CodeNotVerified},
			ReportVerified:  {ReportDraft, ok},
			ReportLocked:    {ReportDraft, ok},
		},
	}
	if len(table) != len(ReportActions) {
		t.Fatalf("table covers %d actions of %d", len(table), len(ReportActions))
	}
	for _, a := range ReportActions {
		for _, s := range ReportStatuses {
			w, found := table[a][s]
			if !found {
				t.Fatalf("%s in %s: not in the table", a, s)
			}
			by := verifierJateng
			if a == ReportSave || a == ReportSubmit {
				by = plannerSalatiga
			}
			next, err := DecideReport(s, ReportStep{Action: a, By: by, Region: "33.73", Reason: "Angka anak telantar salah hitung.", Ended: true})
			what := string(a) + " in " + string(s)
			if w.code == ok {
				if err != nil || next != w.next {
					t.Errorf("%s: %q, %v; want %q", what, next, err, w.next)
				}
				continue
			}
			if next != "" {
				t.Errorf("%s: refused but moved to %q", what, next)
			}
			wantRefusal(t, what, err, apperr.Conflict, w.code)
		}
	}
}

// Who may take each step, on a kab/kota's report and on a province's
// (DecideReport's comment gives the reasons). Each step is asked in a
// status where it is allowed, so only the role and region decide.
func TestDecideReportWho(t *testing.T) {
	allowedIn := map[ReportAction]ReportStatus{ReportSave: ReportDraft, ReportSubmit: ReportDraft,
		ReportReturn: ReportSubmitted, ReportVerify: ReportSubmitted, ReportLock: ReportVerified, ReportReopen: ReportLocked}
	const ok = ""
	type who struct {
		name string
		u    access.User
	}
	everyone := []who{{"planner 33.73", plannerSalatiga}, {"planner 33", plannerJateng}, {"planner 73.71", plannerMakassar},
		{"verifier 33", verifierJateng}, {"verifier 73", verifierSulsel}, {"admin pusat", adminPusat},
		{"admin 33", adminJateng}, {"admin 33.73", adminSalatiga}, {"admin 73", adminSulsel},
		{"national", nationalViewer}, {"worker", workerSalatiga}}
	// want[region][action][who] = "" (allowed) or the refusal code.
	write := func(owner string) map[string]string {
		m := map[string]string{}
		for _, w := range everyone {
			switch {
			case w.u.Role != access.Planner:
				m[w.name] = CodePlannerRequired
			case w.name == "planner "+owner:
				m[w.name] = ok
			default:
				m[w.name] = CodeNotYourRegion
			}
		}
		return m
	}
	kabReview := map[string]string{"planner 33.73": CodeVerifierRequired, "planner 33": CodeVerifierRequired,
		"planner 73.71": CodeVerifierRequired, "verifier 33": ok, "verifier 73": CodeNotYourProvince,
		"admin pusat": CodeVerifierRequired, "admin 33": CodeVerifierRequired, "admin 33.73": CodeVerifierRequired,
		"admin 73": CodeVerifierRequired, "national": CodeVerifierRequired, "worker": CodeVerifierRequired}
	reviewer := map[string]string{"planner 33.73": CodeVerifierRequired, "planner 33": CodeVerifierRequired,
		"planner 73.71": CodeVerifierRequired, "verifier 33": ok, "verifier 73": CodeNotYourProvince,
		"admin pusat": ok, "admin 33": ok, "admin 33.73": CodeNotYourProvince, "admin 73": CodeNotYourProvince,
		"national": CodeVerifierRequired, "worker": CodeVerifierRequired}
	want := map[wilayah.Code]map[ReportAction]map[string]string{
		"33.73": {ReportSave: write("33.73"), ReportSubmit: write("33.73"), ReportReturn: kabReview, ReportVerify: kabReview,
			ReportLock: reviewer, ReportReopen: reviewer},
		// A province's report: reviewed in the province, or by an admin
		// covering it, since no tier above reviews it in layan.
		"33": {ReportSave: write("33"), ReportSubmit: write("33"), ReportReturn: reviewer, ReportVerify: reviewer,
			ReportLock: reviewer, ReportReopen: reviewer},
	}
	for region, byAction := range want {
		for _, a := range ReportActions {
			for _, w := range everyone {
				code, found := byAction[a][w.name]
				if !found {
					t.Fatalf("%s %s %s: not in the table", region, a, w.name)
				}
				what := string(region) + ": " + string(a) + " by " + w.name
				next, err := DecideReport(allowedIn[a], ReportStep{Action: a, By: w.u, Region: region, Reason: "alasan", Ended: true})
				if code == ok {
					if err != nil || next == "" {
						t.Errorf("%s: %q, %v; want allowed", what, next, err)
					}
					continue
				}
				wantRefusal(t, what, err, apperr.Forbidden, code)
			}
		}
	}
}

// What a step needs besides its actor: an ended quarter and a complete
// report to submit, a reason to return or reopen. The actor is checked
// before the status, the status before the rest.
func TestDecideReportPreconditions(t *testing.T) {
	submit := ReportStep{Action: ReportSubmit, By: plannerSalatiga, Region: "33.73", Ended: true}
	for _, c := range []struct {
		name string
		edit func(*ReportStep)
		code string
	}{
		{"quarter still running", func(s *ReportStep) { s.Ended = false }, CodeQuarterNotEnded},
		{"parts missing", func(s *ReportStep) { s.Missing = 3 }, CodeIncomplete},
		{"both: the quarter first", func(s *ReportStep) { s.Ended, s.Missing = false, 3 }, CodeQuarterNotEnded},
	} {
		st := submit
		c.edit(&st)
		_, err := DecideReport(ReportDraft, st)
		wantRefusal(t, c.name, err, apperr.Conflict, c.code)
	}
	for _, a := range []ReportAction{ReportReturn, ReportReopen} {
		from := map[ReportAction]ReportStatus{ReportReturn: ReportSubmitted, ReportReopen: ReportLocked}[a]
		for _, c := range []struct {
			reason, key string
		}{
			{"", "spmreport.refused.reason_required"},
			{" \n\t", "spmreport.refused.reason_required"},
			{"bad \x00 byte", "field.utf8"},
			{strings.Repeat("a", maxReason+1), "field.too_long"},
		} {
			_, err := DecideReport(from, ReportStep{Action: a, By: verifierJateng, Region: "33.73", Reason: c.reason})
			e := apperr.As(err)
			if e == nil || e.Kind != apperr.Invalid || e.Code != CodeReasonRequired || len(e.Fields) != 1 ||
				e.Fields[0].Field != "reason" || e.Fields[0].Key != c.key {
				t.Errorf("%s with reason %q: %v", a, c.reason, err)
			}
		}
		if next, err := DecideReport(from, ReportStep{Action: a, By: verifierJateng, Region: "33.73",
			Reason: strings.Repeat("a", maxReason)}); err != nil || next != ReportDraft {
			t.Errorf("%s with the longest reason: %q, %v", a, next, err)
		}
	}
	// The wrong person hears that before the wrong moment: a verifier
	// editing a locked report is told it is not theirs to write.
	_, err := DecideReport(ReportLocked, ReportStep{Action: ReportSave, By: verifierJateng, Region: "33.73"})
	wantRefusal(t, "verifier saves a locked report", err, apperr.Forbidden, CodePlannerRequired)
	// Verifying needs no reason and does not look at the fill rate.
	if next, err := DecideReport(ReportSubmitted, ReportStep{Action: ReportVerify, By: verifierJateng, Region: "33.73", Missing: 9}); err != nil || next != ReportVerified {
		t.Errorf("verify: %q, %v", next, err)
	}
	if _, err := DecideReport(ReportDraft, ReportStep{Action: "approve", By: verifierJateng, Region: "33.73"}); apperr.KindOf(err) != apperr.BadRequest {
		t.Errorf("unknown action: %v", err)
	}
	if _, err := DecideReport("terbit", ReportStep{Action: ReportLock, By: verifierJateng, Region: "33.73"}); err == nil || apperr.As(err) != nil {
		t.Errorf("unknown status: %v, want an internal error", err)
	}
}

func rp(n int64) *int64 { return &n }
func yes(b bool) *bool  { return &b }

// fullInput is a kab/kota report with every required part filled.
func fullInput() ReportInput {
	in := ReportInput{Region: "33.73", Year: 2026, Quarter: 1, RencanaAksi: "Pendataan ulang anak telantar bersama TKSK."}
	for _, svc := range ServicesOf(KabKota) {
		in.Jenis = append(in.Jenis, ReportJenis{Jenis: svc.Jenis, Permasalahan: "Data belum padan dengan DTSEN.",
			Solusi: "Verifikasi lapangan.", AnggaranRencana: rp(150_000_000), AnggaranRealisasi: rp(0)})
	}
	for _, t := range Tahapan {
		in.Tahapan = append(in.Tahapan, ReportTahap{Tahap: t, Done: yes(true)})
	}
	return in
}

// The content is checked field by field, with the paths the fill rate uses.
func TestReportInputContent(t *testing.T) {
	c, f := fullInput().Content(KabKota)
	if len(f) != 0 {
		t.Fatalf("a full report: %v", f)
	}
	if k := KeterisianOf(c, KabKota); !k.Complete() || k.Percent != 100 || k.Required != 5*4+1+4 {
		t.Errorf("a full report: %+v", k)
	}
	for _, tc := range []struct {
		name        string
		edit        func(*ReportInput)
		field, key  string
		level       Level
		stillOthers bool
	}{
		{"negative plan", func(in *ReportInput) { in.Jenis[0].AnggaranRencana = rp(-1) },
			"jenis.disabilitas_luar_panti.anggaran_rencana", "spmreport.rupiah_negative", KabKota, false},
		{"negative realisation", func(in *ReportInput) { in.Jenis[4].AnggaranRealisasi = rp(-5000) },
			"jenis.bencana_kabkota.anggaran_realisasi", "spmreport.rupiah_negative", KabKota, false},
		{"more than any APBD", func(in *ReportInput) { in.Jenis[1].AnggaranRencana = rp(maxRupiah + 1) },
			"jenis.anak_luar_panti.anggaran_rencana", "spmreport.rupiah_too_large", KabKota, false},
		{"a province's jenis in a kab/kota report", func(in *ReportInput) { in.Jenis[0].Jenis = AnakDalamPanti },
			"jenis", "spm.jenis_not_of_level", KabKota, false},
		{"a kab/kota report read as a province's", func(in *ReportInput) {}, "jenis", "spm.jenis_not_of_level", Provinsi, false},
		{"a jenis twice", func(in *ReportInput) { in.Jenis = append(in.Jenis, in.Jenis[2]) },
			"jenis.lansia_luar_panti", "spmreport.jenis_twice", KabKota, false},
		{"unknown tahap", func(in *ReportInput) { in.Tahapan[0].Tahap = "evaluasi" }, "tahapan", "spmreport.tahap_unknown", KabKota, false},
		{"a tahap twice", func(in *ReportInput) { in.Tahapan = append(in.Tahapan, in.Tahapan[3]) },
			"tahapan.pelaksanaan", "spmreport.tahap_twice", KabKota, false},
		{"long permasalahan", func(in *ReportInput) { in.Jenis[3].Permasalahan = strings.Repeat("é", maxProblemText+1) },
			"jenis.gepeng_luar_panti.permasalahan", "field.too_long", KabKota, false},
		{"long rencana aksi", func(in *ReportInput) { in.RencanaAksi = strings.Repeat("x", maxRencanaAksi+1) },
			"rencana_aksi", "field.too_long", KabKota, false},
		{"long note", func(in *ReportInput) { in.Tahapan[1].Note = strings.Repeat("x", maxTahapNote+1) },
			"tahapan.penghitungan_kebutuhan.note", "field.too_long", KabKota, false},
		{"NUL in solusi", func(in *ReportInput) { in.Jenis[0].Solusi = "a\x00b" },
			"jenis.disabilitas_luar_panti.solusi", "field.utf8", KabKota, false},
	} {
		in := fullInput()
		tc.edit(&in)
		_, f := in.Content(tc.level)
		found := false
		for _, fe := range f {
			found = found || (fe.Field == tc.field && fe.Key == tc.key)
		}
		if !found {
			t.Errorf("%s: %v, want %s %s", tc.name, f, tc.field, tc.key)
		}
	}
	// The largest amount, zero, text trimmed, and the order of the
	// regulation whatever the order given.
	in := fullInput()
	in.Jenis[0].AnggaranRencana = rp(maxRupiah)
	in.Jenis[0], in.Jenis[4] = in.Jenis[4], in.Jenis[0]
	in.Tahapan[0], in.Tahapan[3] = in.Tahapan[3], in.Tahapan[0]
	in.RencanaAksi = "  Rencana  \n"
	c, f = in.Content(KabKota)
	if len(f) != 0 || c.RencanaAksi != "Rencana" || c.Jenis[0].Jenis != DisabilitasLuarPanti || c.Tahapan[0].Tahap != TahapPengumpulanData ||
		*c.Jenis[0].AnggaranRencana != maxRupiah || *c.Jenis[4].AnggaranRencana != 150_000_000 || c.Jenis[0].Name == "" {
		t.Errorf("normalised: %+v, %v", c, f)
	}
}

// The fill rate names what is still empty, by path, and counts it.
func TestKeterisian(t *testing.T) {
	empty := KeterisianOf(emptyContent(Provinsi), Provinsi)
	if empty.Required != 25 || empty.Filled != 0 || empty.Percent != 0 || len(empty.Missing) != 25 || empty.Complete() {
		t.Errorf("empty: %+v", empty)
	}
	if m := empty.Missing[0]; m.Field != "jenis.disabilitas_dalam_panti.permasalahan" || m.Key != "spmreport.missing.permasalahan" {
		t.Errorf("first missing: %+v", m)
	}
	full, _ := fullInput().Content(KabKota)
	for _, tc := range []struct {
		name     string
		edit     func(*ReportContent)
		required int
		missing  []string
		percent  int
	}{
		{"complete", func(c *ReportContent) {}, 25, nil, 100},
		{"zero is an amount", func(c *ReportContent) { c.Jenis[0].AnggaranRencana = rp(0) }, 25, nil, 100},
		{"no amount is not", func(c *ReportContent) { c.Jenis[0].AnggaranRealisasi = nil }, 25,
			[]string{"jenis.disabilitas_luar_panti.anggaran_realisasi"}, 96},
		{"blank solusi", func(c *ReportContent) { c.Jenis[2].Solusi = "  " }, 25, []string{"jenis.lansia_luar_panti.solusi"}, 96},
		{"no rencana aksi", func(c *ReportContent) { c.RencanaAksi = "" }, 25, []string{"rencana_aksi"}, 96},
		{"a tahap unanswered", func(c *ReportContent) { c.Tahapan[2].Done = nil }, 25, []string{"tahapan.penyusunan_rencana.done"}, 96},
		{"a tahap not done needs a note", func(c *ReportContent) { c.Tahapan[3].Done = yes(false) }, 26,
			[]string{"tahapan.pelaksanaan.note"}, 96},
		{"not done, explained", func(c *ReportContent) { c.Tahapan[3].Done, c.Tahapan[3].Note = yes(false), "Anggaran belum cair." }, 26, nil, 100},
		{"a jenis left out", func(c *ReportContent) { c.Jenis = c.Jenis[1:] }, 25, []string{"jenis.disabilitas_luar_panti.permasalahan",
			"jenis.disabilitas_luar_panti.solusi", "jenis.disabilitas_luar_panti.anggaran_rencana", "jenis.disabilitas_luar_panti.anggaran_realisasi"}, 84},
	} {
		c := full
		c.Jenis = append([]ReportJenis(nil), full.Jenis...)
		c.Tahapan = append([]ReportTahap(nil), full.Tahapan...)
		tc.edit(&c)
		k := KeterisianOf(c, KabKota)
		var got []string
		for _, m := range k.Missing {
			got = append(got, m.Field)
		}
		if k.Required != tc.required || strings.Join(got, ",") != strings.Join(tc.missing, ",") || k.Percent != tc.percent ||
			k.Filled != k.Required-len(tc.missing) {
			t.Errorf("%s: %+v", tc.name, k)
		}
	}
}

// The countdown is counted in the clock's own days: a report submitted on
// the evening of the deadline in UTC is late in WIB when it is already the
// next day there.
func TestReportCountdown(t *testing.T) {
	wib := time.FixedZone("WIB", 7*3600)
	deadline := Period{2026, 1}.Deadline(DefaultDeadlineDay)
	at := func(s string) *time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return &v
	}
	for _, c := range []struct {
		now       time.Time
		status    ReportStatus
		submitted *time.Time
		days      int
		late      bool
	}{
		{time.Date(2026, 4, 10, 9, 0, 0, 0, wib), ReportDraft, nil, 10, false},
		{time.Date(2026, 4, 20, 23, 0, 0, 0, wib), ReportDraft, nil, 0, false},
		{time.Date(2026, 4, 21, 0, 30, 0, 0, wib), ReportDraft, nil, -1, true},
		{time.Date(2026, 4, 25, 9, 0, 0, 0, wib), ReportSubmitted, at("2026-04-20T10:00:00Z"), -5, false},
		{time.Date(2026, 4, 25, 9, 0, 0, 0, wib), ReportLocked, at("2026-04-20T18:00:00Z"), -5, true},
		{time.Date(2026, 4, 25, 9, 0, 0, 0, time.UTC), ReportLocked, at("2026-04-20T18:00:00Z"), -5, false},
	} {
		days, late := reportClock{now: c.now, deadline: deadline}.countdown(c.status, c.submitted)
		if days != c.days || late != c.late {
			t.Errorf("%v %s %v: %d days, late %v; want %d, %v", c.now, c.status, c.submitted, days, late, c.days, c.late)
		}
	}
}

// Every message the report can show exists in both languages.
func TestReportMessages(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{"audit.entity.spm_report", "audit.entity.setting", "spmreport.action_unknown", "spmreport.rupiah_negative",
		"spmreport.rupiah_too_large", "spmreport.jenis_twice", "spmreport.tahap_unknown", "spmreport.tahap_twice",
		"spmreport.deadline_day_range", "spm.jenis_not_of_level", "field.too_long", "field.utf8", "spm.quarter_range"}
	for _, a := range ReportActions {
		keys = append(keys, "spmreport.action."+string(a))
		if a != ReportSave {
			keys = append(keys, "audit.action."+auditActionOf[a])
		}
	}
	for _, s := range ReportStatuses {
		keys = append(keys, "spmreport.status."+string(s))
	}
	for _, tp := range Tahapan {
		keys = append(keys, "spmreport.tahap."+string(tp))
	}
	for _, code := range []string{CodePlannerRequired, CodeNotYourRegion, CodeVerifierRequired, CodeNotYourProvince,
		CodeReportLocked, CodeUnderReview, CodeAlreadySubmitted, CodeQuarterNotEnded, CodeIncomplete, CodeNotSubmitted,
		CodeAlreadyVerified, CodeNotVerified, CodeAlreadyLocked, CodeAlreadyDraft, CodeStaleVersion, CodeFiguresChanged,
		CodePeriodClosed, CodeReasonRequired} {
		keys = append(keys, "spmreport.refused."+code)
	}
	for _, m := range KeterisianOf(ReportContent{Tahapan: []ReportTahap{{Tahap: TahapPelaksanaan, Done: yes(false)}}}, KabKota).Missing {
		keys = append(keys, m.Key)
	}
	for _, k := range keys {
		for _, l := range i18n.Langs {
			if !cat.Has(l, k) {
				t.Errorf("%s lacks %q", l, k)
			}
		}
	}
}

func TestReportStatusCloses(t *testing.T) {
	for s, want := range map[ReportStatus]bool{ReportDraft: false, ReportSubmitted: true, ReportVerified: true, ReportLocked: true} {
		if s.closes() != want {
			t.Errorf("%s closes the period: %v", s, !want)
		}
	}
	if e := apperr.As(periodClosedErr(nil)); e == nil || e.Kind != apperr.Conflict || e.Code != CodePeriodClosed {
		t.Errorf("periodClosedErr(nil) = %v", periodClosedErr(nil))
	}
	boom := errors.New("boom")
	if periodClosedErr(boom) != boom {
		t.Error("periodClosedErr hides the cause")
	}
}

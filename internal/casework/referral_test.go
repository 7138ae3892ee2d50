package casework_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/casework"
	"github.com/layan-id/layan/internal/db/dbtest"
)

// referralThirdUnit adds a unit that takes no part in the referrals, with a worker.
func referralThirdUnit(t *testing.T, w *world) access.User {
	t.Helper()
	unit := dbtest.Unit(t, w.store.DB, "Dinas Sosial Kabupaten Semarang", "33.22")
	u, _, err := access.CreateUser(ctx, w.store.DB, audit.System("test"), access.Scope{All: true},
		access.UserInput{Username: "pekerja.smg", FullName: "Pekerja Semarang", Role: access.Worker, UnitID: unit})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func referralKey(err error) string {
	if e := apperr.As(err); e != nil {
		return e.Key
	}
	return ""
}

func referralCount(t *testing.T, w *world, query string, args ...any) int {
	t.Helper()
	var n int
	if err := w.store.DB.QueryRow(ctx, query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func referralEvents(t *testing.T, w *world, caseID int64, action string) int {
	t.Helper()
	return referralCount(t, w, "SELECT COUNT(*) FROM case_event WHERE case_id = ? AND action = ?", caseID, action)
}

// A referral to another unit: only that unit answers, accepts, and records
// the outcome, which alone closes it; the case stays where it was.
func TestReferralToUnit(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		c := openCase(t, w)
		other := referralThirdUnit(t, w)
		mks := w.makWkr.UnitID
		r, err := w.store.Refer(ctx, as(w.worker), w.worker, c.ID, casework.ReferralInput{ToUnit: mks,
			Need: "akses_kesehatan", Purpose: "Pemeriksaan hipertensi lanjutan.", Note: "Dirujuk ke Makassar"})
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != casework.RujukanDikirim || r.ToUnit != mks || r.ToUnitName != "Dinas Sosial Kota Makassar" ||
			r.Link != "" || r.LinkExpires != nil || r.ClosedAt != nil || r.Transfer || r.Version != 1 ||
			!r.DueAt.Equal(w.now.AddDate(0, 0, casework.DefaultReferralDays)) || r.SentBy != w.worker.ID ||
			r.FromUnitName != "Dinas Sosial Kota Salatiga" || r.Need != casework.AksesKesehatan {
			t.Errorf("sent %+v", r)
		}
		if n := referralCount(t, w, "SELECT COUNT(*) FROM case_referral WHERE link_hash IS NULL AND link_expires IS NULL"); n != 1 {
			t.Errorf("an internal referral has a link (%d rows without)", n)
		}
		if referralEvents(t, w, c.ID, "refer") != 1 {
			t.Error("no refer event in the timeline")
		}

		// Nobody but the receiving unit answers, or learns of it.
		for _, u := range []access.User{w.worker, w.sup, other} {
			if _, err := w.store.AnswerReferral(ctx, as(u), u, r.ID, r.Version, true, ""); apperr.KindOf(err) != apperr.NotFound {
				t.Errorf("%s answered: %v", u.Username, err)
			}
			if _, err := w.store.RecordReferralOutcome(ctx, as(u), u, r.ID, r.Version, "x"); apperr.KindOf(err) != apperr.NotFound {
				t.Errorf("%s recorded an outcome: %v", u.Username, err)
			}
		}
		if in, err := w.store.IncomingReferrals(ctx, other); err != nil || len(in) != 0 {
			t.Errorf("another unit's incoming: %v, %v", in, err)
		}
		if in, err := w.store.IncomingReferrals(ctx, w.makWkr); err != nil || len(in) != 1 || in[0].ID != r.ID ||
			in[0].PersonName != "Sri Lestari" || in[0].PersonSex != "P" || in[0].PersonBirthYear != 1950 {
			t.Errorf("Makassar's incoming: %+v, %v", in, err)
		}
		if _, err := w.store.CaseReferrals(ctx, w.makWkr, c.ID); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("the receiver read the case's referrals: %v", err)
		}

		// An outcome waits for the acceptance; a stale version is a conflict.
		if _, err := w.store.RecordReferralOutcome(ctx, as(w.makWkr), w.makWkr, r.ID, r.Version, "x"); referralKey(err) != "referral.not_accepted" {
			t.Errorf("outcome before acceptance: %v", err)
		}
		if _, err := w.store.AnswerReferral(ctx, as(w.makWkr), w.makWkr, r.ID, r.Version+1, true, ""); referralKey(err) != "error.stale_version" {
			t.Errorf("stale answer: %v", err)
		} else if cf := casework.ConflictOf(err); cf == nil || cf.CurrentVersion != r.Version || len(cf.Changes) != 0 ||
			len(cf.Fields) != 1 || cf.Fields[0].Field != "status" || cf.Fields[0].Stored != casework.RujukanDikirim {
			// The receiver learns of the referral, never of the case's timeline.
			t.Errorf("stale answer: %+v", cf)
		}
		w.now = w.now.Add(time.Hour)
		a, err := w.store.AnswerReferral(ctx, as(w.makWkr), w.makWkr, r.ID, r.Version, true, "Dijadwalkan Senin.")
		if err != nil {
			t.Fatal(err)
		}
		if a.Status != casework.RujukanDiterima || a.ClosedAt != nil || a.AnsweredAt == nil || !a.AnsweredAt.Equal(w.now) ||
			a.AnsweredBy != "pekerja.mks" || a.AnswerNote != "Dijadwalkan Senin." || a.Version != 2 {
			t.Errorf("accepted %+v", a)
		}
		if _, err := w.store.AnswerReferral(ctx, as(w.makWkr), w.makWkr, r.ID, a.Version, false, "tidak jadi"); referralKey(err) != "referral.already_answered" ||
			apperr.KindOf(err) != apperr.Conflict {
			t.Errorf("a second answer: %v", err)
		}
		if _, err := w.store.RecordReferralOutcome(ctx, as(w.makWkr), w.makWkr, r.ID, a.Version, "  "); fieldsOf(err)["outcome"] != "field.required" {
			t.Errorf("empty outcome: %v", err)
		}
		if _, err := w.store.RecordReferralOutcome(ctx, as(w.makWkr), w.makWkr, r.ID, a.Version, strings.Repeat("x", 2001)); fieldsOf(err)["outcome"] != "field.too_long" {
			t.Errorf("long outcome: %v", err)
		}
		done, err := w.store.RecordReferralOutcome(ctx, as(w.makWkr), w.makWkr, r.ID, a.Version, "Tekanan darah terkontrol.")
		if err != nil {
			t.Fatal(err)
		}
		if done.Status != casework.RujukanSelesai || done.ClosedAt == nil || done.Outcome != "Tekanan darah terkontrol." {
			t.Errorf("completed %+v", done)
		}
		if _, err := w.store.RecordReferralOutcome(ctx, as(w.makWkr), w.makWkr, r.ID, done.Version, "lagi"); referralKey(err) != "referral.already_closed" {
			t.Errorf("outcome of a closed referral: %v", err)
		}
		if in, _ := w.store.IncomingReferrals(ctx, w.makWkr); len(in) != 0 {
			t.Errorf("a closed referral is still incoming: %+v", in)
		}

		// The case stays at Salatiga; its page lists the referral.
		if got, err := w.store.Get(ctx, as(w.worker), w.worker, c.ID); err != nil || got.UnitID != w.worker.UnitID {
			t.Errorf("case after a plain referral: %+v, %v", got, err)
		}
		list, err := w.store.CaseReferrals(ctx, w.worker, c.ID)
		if err != nil || len(list) != 1 || list[0].Status != casework.RujukanSelesai {
			t.Errorf("case referrals: %+v, %v", list, err)
		}
		if referralEvents(t, w, c.ID, "referral_accepted") != 1 || referralEvents(t, w, c.ID, "referral_completed") != 1 {
			t.Error("the answers are not in the timeline")
		}
		if n := referralCount(t, w, "SELECT COUNT(*) FROM audit_log WHERE entity = 'case_referral'"); n != 3 {
			t.Errorf("%d audit records of the referral, want 3 (sent, accepted, completed)", n)
		}
	})
}

// A decline needs its reason, and closes the referral.
func TestReferralDecline(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		c := openCase(t, w)
		r, err := w.store.Refer(ctx, as(w.worker), w.worker, c.ID, casework.ReferralInput{ToUnit: w.makWkr.UnitID,
			Purpose: "Pendampingan keluarga.", DueInDays: 14})
		if err != nil {
			t.Fatal(err)
		}
		if !r.DueAt.Equal(w.now.AddDate(0, 0, 14)) {
			t.Errorf("due %v", r.DueAt)
		}
		if _, err := w.store.AnswerReferral(ctx, as(w.makWkr), w.makWkr, r.ID, r.Version, false, " "); fieldsOf(err)["note"] != "field.required" {
			t.Errorf("decline without a reason: %v", err)
		}
		d, err := w.store.AnswerReferral(ctx, as(w.makWkr), w.makWkr, r.ID, r.Version, false, "Di luar wilayah layanan kami.")
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != casework.RujukanDitolak || d.ClosedAt == nil || d.AnswerNote != "Di luar wilayah layanan kami." {
			t.Errorf("declined %+v", d)
		}
		if _, err := w.store.RecordReferralOutcome(ctx, as(w.makWkr), w.makWkr, r.ID, d.Version, "x"); referralKey(err) != "referral.already_closed" {
			t.Errorf("outcome of a declined referral: %v", err)
		}
		if referralEvents(t, w, c.ID, "referral_declined") != 1 {
			t.Error("the decline is not in the timeline")
		}
	})
}

// What is wrong with a referral is named by field, and nothing is stored.
func TestReferralRefused(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		c := openCase(t, w)
		mks := w.makWkr.UnitID
		for _, b := range []struct {
			name     string
			in       casework.ReferralInput
			field    string
			key      string
			refusal  string
			notFound bool
		}{
			{"unknown unit", casework.ReferralInput{ToUnit: 999999, Purpose: "x"}, "to_unit", "unit.not_found", "", false},
			{"own unit", casework.ReferralInput{ToUnit: w.worker.UnitID, Purpose: "x"}, "to_unit", "referral.own_unit", "", false},
			{"no receiver", casework.ReferralInput{Purpose: "x"}, "to_unit", "referral.receiver_required", "", false},
			{"both receivers", casework.ReferralInput{ToUnit: mks, AgencyKind: "puskesmas", Purpose: "x"}, "agency_kind", "referral.one_receiver", "", false},
			{"unknown agency", casework.ReferralInput{AgencyKind: "bank", AgencyName: "Bank", Purpose: "x"}, "agency_kind", "referral.agency_kind_unknown", "", false},
			{"agency without a name", casework.ReferralInput{AgencyKind: "sekolah", Purpose: "x"}, "agency_name", "field.required", "", false},
			{"transfer outside", casework.ReferralInput{AgencyKind: "lks", AgencyName: "LKS", Transfer: true, Purpose: "x"}, "transfer", "referral.transfer_internal_only", "", false},
			{"no purpose", casework.ReferralInput{ToUnit: mks, Purpose: "  "}, "purpose", "field.required", "", false},
			{"long purpose", casework.ReferralInput{ToUnit: mks, Purpose: strings.Repeat("é", 2001)}, "purpose", "field.too_long", "", false},
			{"too long to answer", casework.ReferralInput{ToUnit: mks, Purpose: "x", DueInDays: 61}, "due_in_days", "referral.due_range", "", false},
			{"negative days", casework.ReferralInput{ToUnit: mks, Purpose: "x", DueInDays: -1}, "due_in_days", "referral.due_range", "", false},
			{"unknown need", casework.ReferralInput{ToUnit: mks, Purpose: "x", Need: "emas"}, "need", "case.need_unknown", "", false},
		} {
			_, err := w.store.Refer(ctx, as(w.worker), w.worker, c.ID, b.in)
			if got := fieldsOf(err); got[b.field] != b.key {
				t.Errorf("%s: %v, want %s on %s", b.name, err, b.key, b.field)
			}
		}
		// Off the team, the case does not exist.
		if _, err := w.store.Refer(ctx, as(w.colleague), w.colleague, c.ID, casework.ReferralInput{ToUnit: mks, Purpose: "x"}); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("a colleague off the team referred: %v", err)
		}
		if n := referralCount(t, w, "SELECT COUNT(*) FROM case_referral"); n != 0 {
			t.Errorf("refused referrals stored %d rows", n)
		}
		if got, _ := w.store.Get(ctx, as(w.worker), w.worker, c.ID); got.Version != c.Version || referralEvents(t, w, c.ID, "refer") != 0 {
			t.Errorf("refused referrals changed the case: version %d, want %d", got.Version, c.Version)
		}

		// A case closed without follow-up refers no more.
		c, err := w.store.Act(ctx, as(w.worker), w.worker, c.ID, c.Version, casework.Event{Action: casework.RequestTermination,
			Reason: casework.Menolak}, "Menolak layanan lanjutan.")
		if err != nil {
			t.Fatal(err)
		}
		c = act(t, w, w.sup, c, casework.ApproveTermination)
		if c.Stage != casework.Terminasi {
			t.Fatalf("stage after terminasi: %s", c.Stage)
		}
		_, err = w.store.Refer(ctx, as(w.worker), w.worker, c.ID, casework.ReferralInput{ToUnit: mks, Purpose: "x"})
		if casework.RefusalCode(err) != casework.CodeCaseClosed {
			t.Errorf("referral of a closed case: %v", err)
		}
		if n := referralCount(t, w, "SELECT COUNT(*) FROM case_referral"); n != 0 {
			t.Errorf("a refused referral stored %d rows", n)
		}
	})
}

// A transfer moves the case and its team to the unit that accepts it.
func TestReferralTransfer(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		c := openCase(t, w)
		r, err := w.store.Refer(ctx, as(w.worker), w.worker, c.ID, casework.ReferralInput{ToUnit: w.makWkr.UnitID,
			Transfer: true, Purpose: "Ibu Sri pindah ke rumah anaknya di Makassar."})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Transfer || r.AgencyKind != "" {
			t.Errorf("transfer sent as %+v", r)
		}
		if _, err := w.store.AnswerReferral(ctx, as(w.makWkr), w.makWkr, r.ID, r.Version, true, "Kami terima."); err != nil {
			t.Fatal(err)
		}
		moved, err := w.store.Get(ctx, as(w.makWkr), w.makWkr, c.ID)
		if err != nil {
			t.Fatalf("the receiving worker cannot open the case: %v", err)
		}
		if moved.UnitID != w.makWkr.UnitID || moved.WorkerID != w.makWkr.ID || len(moved.Team) != 1 ||
			moved.Team[0] != w.makWkr.ID || moved.Stage != c.Stage || moved.Version <= c.Version {
			t.Errorf("transferred case %+v", moved)
		}
		for _, u := range []access.User{w.worker, w.sup} {
			if _, err := w.store.Get(ctx, as(u), u, c.ID); apperr.KindOf(err) != apperr.NotFound {
				t.Errorf("%s still opens the transferred case: %v", u.Username, err)
			}
		}
		if referralEvents(t, w, c.ID, "transferred") != 1 || referralEvents(t, w, c.ID, "referral_accepted") != 1 {
			t.Error("the transfer is not in the timeline")
		}
		if n := referralCount(t, w, "SELECT COUNT(*) FROM audit_log WHERE entity = 'case' AND action = 'update' AND actor_id = ?", w.makWkr.ID); n != 1 {
			t.Errorf("%d audit records of the transfer, want 1", n)
		}
		list, err := w.store.CaseReferrals(ctx, w.makWkr, c.ID)
		if err != nil || len(list) != 1 || list[0].Status != casework.RujukanDiterima {
			t.Errorf("referrals after the transfer: %+v, %v", list, err)
		}
	})
}

// An outside agency answers through its link: it sees only what it needs,
// a changed or expired link opens nothing, and a closed referral takes no
// further answer.
func TestReferralLink(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		c := openCase(t, w)
		if _, err := w.store.DB.Exec(ctx, "UPDATE person SET nik = ?, address = ?, birth_date = ? WHERE id = ?",
			"3373044112500001", "Jl. Kartini 12", "1950-12-01", w.person); err != nil {
			t.Fatal(err)
		}
		r, err := w.store.Refer(ctx, as(w.worker), w.worker, c.ID, casework.ReferralInput{AgencyKind: "puskesmas",
			AgencyName: "Puskesmas Sidorejo Lor", Need: "akses_kesehatan", Purpose: "Pemeriksaan tekanan darah."})
		if err != nil {
			t.Fatal(err)
		}
		token := r.Link
		if len(token) != 43 || r.LinkExpires == nil || !r.LinkExpires.Equal(w.now.Add(casework.DefaultReferralLinkTTL)) ||
			r.ToUnit != 0 || r.AgencyKind != casework.AgencyPuskesmas {
			t.Fatalf("outside referral %+v", r)
		}
		// The token is not kept in clear, and is never shown again.
		var hash string
		if err := w.store.DB.QueryRow(ctx, "SELECT link_hash FROM case_referral WHERE id = ?", r.ID).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if hash == token || !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(hash) {
			t.Errorf("link_hash %q for token %q", hash, token)
		}
		if n := referralCount(t, w, "SELECT COUNT(*) FROM audit_log WHERE after_data LIKE ?", "%"+token+"%"); n != 0 {
			t.Errorf("the token is in %d audit records", n)
		}
		if list, _ := w.store.CaseReferrals(ctx, w.worker, c.ID); len(list) != 1 || list[0].Link != "" {
			t.Errorf("the link is listed again: %+v", list)
		}

		v, err := w.store.ReferralByLink(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if v.ReferralID != r.ID || v.PersonName != "Sri Lestari" || v.PersonSex != "P" || v.PersonAge == nil ||
			*v.PersonAge != 75 || v.FromUnit != "Dinas Sosial Kota Salatiga" || v.Status != casework.RujukanDikirim ||
			v.Purpose != "Pemeriksaan tekanan darah." || v.AgencyName != "Puskesmas Sidorejo Lor" || !v.DueAt.Equal(r.DueAt) {
			t.Errorf("link view %+v", v)
		}
		b, _ := json.Marshal(v)
		for _, secret := range []string{"3373044112500001", "Kartini", "1950", "33.73.04"} {
			if strings.Contains(string(b), secret) {
				t.Errorf("the link view shows %q: %s", secret, b)
			}
		}

		// One character changed: unknown, not expired.
		last := token[len(token)-1]
		swap := byte('A')
		if last == 'A' {
			swap = 'B'
		}
		tampered := token[:len(token)-1] + string(swap)
		for _, bad := range []string{tampered, "", token + "x", "../" + token[3:]} {
			if _, err := w.store.ReferralByLink(ctx, bad); referralKey(err) != "referral.link_invalid" || apperr.KindOf(err) != apperr.NotFound {
				t.Errorf("token %q: %v", bad, err)
			}
		}
		if _, err := w.store.RecordLinkOutcome(ctx, tampered, casework.LinkOutcomeInput{ReceiverName: "x", Status: "diterima"}); referralKey(err) != "referral.link_invalid" {
			t.Errorf("answer through a changed token: %v", err)
		}

		// The answers: checked, accepted, completed, then closed.
		for _, b := range []struct {
			in    casework.LinkOutcomeInput
			field string
		}{
			{casework.LinkOutcomeInput{Status: "diterima"}, "receiver_name"},
			{casework.LinkOutcomeInput{ReceiverName: "dr. Ani", Status: "dikirim"}, "status"},
			{casework.LinkOutcomeInput{ReceiverName: "dr. Ani", Status: "selesai"}, "note"},
			{casework.LinkOutcomeInput{ReceiverName: "dr. Ani", Status: "ditolak"}, "note"},
		} {
			if _, err := w.store.RecordLinkOutcome(ctx, token, b.in); fieldsOf(err)[b.field] == "" {
				t.Errorf("answer %+v: %v, want an error on %s", b.in, err, b.field)
			}
		}
		v, err = w.store.RecordLinkOutcome(ctx, token, casework.LinkOutcomeInput{ReceiverName: "dr. Ani", Status: "diterima"})
		if err != nil {
			t.Fatal(err)
		}
		if v.Status != casework.RujukanDiterima || v.ClosedAt != nil || v.AnsweredBy != "dr. Ani" {
			t.Errorf("accepted through the link: %+v", v)
		}
		if _, err := w.store.RecordLinkOutcome(ctx, token, casework.LinkOutcomeInput{ReceiverName: "dr. Ani", Status: "ditolak",
			Note: "x"}); referralKey(err) != "referral.already_answered" {
			t.Errorf("declined after accepting: %v", err)
		}
		v, err = w.store.RecordLinkOutcome(ctx, token, casework.LinkOutcomeInput{ReceiverName: "dr. Ani", Status: "selesai",
			Note: "Diperiksa; obat hipertensi diberikan untuk 30 hari."})
		if err != nil {
			t.Fatal(err)
		}
		if v.Status != casework.RujukanSelesai || v.ClosedAt == nil || v.Outcome == "" {
			t.Errorf("completed through the link: %+v", v)
		}
		for _, st := range []string{"diterima", "selesai", "ditolak"} {
			_, err := w.store.RecordLinkOutcome(ctx, token, casework.LinkOutcomeInput{ReceiverName: "dr. Ani", Status: st, Note: "lagi"})
			if referralKey(err) != "referral.already_closed" || apperr.KindOf(err) != apperr.Conflict {
				t.Errorf("%s after closing: %v", st, err)
			}
		}
		var actor string
		var actorID *int64
		if err := w.store.DB.QueryRow(ctx, "SELECT actor_name, actor_id FROM case_event WHERE case_id = ? AND action = 'referral_completed'",
			c.ID).Scan(&actor, &actorID); err != nil || actor != "dr. Ani" || actorID != nil {
			t.Errorf("timeline actor %q %v (%v)", actor, actorID, err)
		}
		if n := referralCount(t, w, "SELECT COUNT(*) FROM audit_log WHERE entity = 'case_referral' AND action = 'read'"); n != 1 {
			t.Errorf("%d audited openings of the link, want 1", n)
		}

		// After the link's time, it says so.
		w.now = w.now.Add(31 * 24 * time.Hour)
		if _, err := w.store.ReferralByLink(ctx, token); referralKey(err) != "referral.link_expired" || apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("expired link: %v", err)
		}
		if _, err := w.store.RecordLinkOutcome(ctx, token, casework.LinkOutcomeInput{ReceiverName: "x", Status: "diterima"}); referralKey(err) != "referral.link_expired" {
			t.Errorf("answer through an expired link: %v", err)
		}
	})
}

// Unanswered referrals past their due date are escalated once to the
// sending unit's supervisor; answered ones are not.
func TestReferralEscalation(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		c := openCase(t, w)
		refer := func(in casework.ReferralInput) casework.Referral {
			t.Helper()
			r, err := w.store.Refer(ctx, as(w.worker), w.worker, c.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		mks := w.makWkr.UnitID
		late := refer(casework.ReferralInput{ToUnit: mks, Purpose: "a", DueInDays: 1})
		answered := refer(casework.ReferralInput{ToUnit: mks, Purpose: "b", DueInDays: 1})
		later := refer(casework.ReferralInput{ToUnit: mks, Purpose: "c", DueInDays: 10})
		outside := refer(casework.ReferralInput{AgencyKind: "dukcapil", AgencyName: "Disdukcapil Salatiga", Purpose: "d", DueInDays: 1})
		if _, err := w.store.AnswerReferral(ctx, as(w.makWkr), w.makWkr, answered.ID, answered.Version, true, ""); err != nil {
			t.Fatal(err)
		}
		if n, err := w.store.EscalateOverdue(ctx); err != nil || n != 0 {
			t.Errorf("escalated %d before any due date (%v)", n, err)
		}
		w.now = w.now.Add(2 * 24 * time.Hour)
		if n, err := w.store.EscalateOverdue(ctx); err != nil || n != 2 {
			t.Errorf("escalated %d, want 2 (%v)", n, err)
		}
		if n, err := w.store.EscalateOverdue(ctx); err != nil || n != 0 {
			t.Errorf("escalated %d again, want none (%v)", n, err)
		}
		if n := referralEvents(t, w, c.ID, "referral_escalated"); n != 2 {
			t.Errorf("%d escalation events, want 2", n)
		}
		got, err := w.store.EscalatedReferrals(ctx, w.sup)
		if err != nil || len(got) != 2 || got[0].EscalatedAt == nil || !got[0].EscalatedAt.Equal(w.now) {
			t.Fatalf("escalated for the supervisor: %+v, %v", got, err)
		}
		ids := map[int64]bool{got[0].ID: true, got[1].ID: true}
		if !ids[late.ID] || !ids[outside.ID] {
			t.Errorf("escalated %v, want %d and %d", ids, late.ID, outside.ID)
		}
		for _, u := range []access.User{w.worker, w.makWkr} {
			if _, err := w.store.EscalatedReferrals(ctx, u); apperr.KindOf(err) != apperr.Forbidden {
				t.Errorf("%s read the escalations: %v", u.Username, err)
			}
		}
		// Escalation does not make the receiver's copy stale; a decline
		// closes the escalated referral.
		if _, err := w.store.AnswerReferral(ctx, as(w.makWkr), w.makWkr, late.ID, late.Version, false, "Penuh."); err != nil {
			t.Errorf("answer after escalation: %v", err)
		}
		if got, _ := w.store.EscalatedReferrals(ctx, w.sup); len(got) != 1 || got[0].ID != outside.ID {
			t.Errorf("escalated after the decline: %+v", got)
		}
		// The later one in its turn; the answered one never.
		w.now = w.now.Add(9 * 24 * time.Hour)
		if n, err := w.store.EscalateOverdue(ctx); err != nil || n != 1 {
			t.Errorf("escalated %d, want 1 (%v)", n, err)
		}
		var escalated int
		if err := w.store.DB.QueryRow(ctx, "SELECT COUNT(*) FROM case_referral WHERE escalated_at IS NOT NULL AND id = ?",
			later.ID).Scan(&escalated); err != nil || escalated != 1 {
			t.Errorf("the later referral escalated: %d (%v)", escalated, err)
		}
		if n := referralCount(t, w, "SELECT COUNT(*) FROM case_referral WHERE escalated_at IS NOT NULL AND id = ?", answered.ID); n != 0 {
			t.Error("an answered referral was escalated")
		}
	})
}

// A case closed while its transfer waited is not moved: the receiving unit
// may only decline.
func TestReferralTransferOfClosedCase(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		c := openCase(t, w)
		r, err := w.store.Refer(ctx, as(w.worker), w.worker, c.ID, casework.ReferralInput{ToUnit: w.makWkr.UnitID,
			Transfer: true, Purpose: "Pindah ke Makassar."})
		if err != nil {
			t.Fatal(err)
		}
		c, _ = w.store.Get(ctx, as(w.worker), w.worker, c.ID)
		c, err = w.store.Act(ctx, as(w.worker), w.worker, c.ID, c.Version, casework.Event{Action: casework.RequestTermination,
			Reason: casework.Menolak}, "")
		if err != nil {
			t.Fatal(err)
		}
		c = act(t, w, w.sup, c, casework.ApproveTermination)
		if _, err := w.store.AnswerReferral(ctx, as(w.makWkr), w.makWkr, r.ID, r.Version, true, ""); casework.RefusalCode(err) != casework.CodeCaseClosed {
			t.Errorf("accepted the transfer of a closed case: %v", err)
		}
		if got, _ := w.store.Get(ctx, as(w.worker), w.worker, c.ID); got.UnitID != w.worker.UnitID || got.Version != c.Version {
			t.Errorf("the refused transfer changed the case: %+v", got)
		}
		d, err := w.store.AnswerReferral(ctx, as(w.makWkr), w.makWkr, r.ID, r.Version, false, "Kasus sudah ditutup.")
		if err != nil || d.Status != casework.RujukanDitolak {
			t.Errorf("decline: %+v, %v", d, err)
		}
	})
}

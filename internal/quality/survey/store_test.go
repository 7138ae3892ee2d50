package survey_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/quality/ikm"
	"github.com/layan-id/layan/internal/quality/survey"
	"github.com/layan-id/layan/internal/wilayah"
)

type world struct {
	d          *db.DB
	store      *survey.Store
	unitID     int64
	otherID    int64
	head       access.User // supervisor of unitID
	otherHead  access.User // supervisor of otherID
	worker     access.User
	planner    access.User // of Kota Salatiga
	nationalVw access.User
}

var sys = audit.System("test")

func newWorld(t *testing.T, engine string) *world {
	d := dbtest.Open(t, engine)
	w := &world{d: d, store: &survey.Store{DB: d, Now: func() time.Time { return time.Date(2026, 5, 4, 20, 0, 0, 0, time.UTC) }}}
	w.unitID = dbtest.Unit(t, d, "Dinas Sosial Kota Salatiga Uji", "33.73")
	w.otherID = dbtest.Unit(t, d, "Dinas Sosial Kota Semarang Uji", "33.74")
	w.head = access.User{Role: access.Supervisor, UnitID: w.unitID, UnitRegion: "33.73"}
	w.otherHead = access.User{Role: access.Supervisor, UnitID: w.otherID, UnitRegion: "33.74"}
	w.worker = access.User{Role: access.Worker, UnitID: w.unitID, UnitRegion: "33.73"}
	w.planner = access.User{Role: access.Planner, Region: wilayah.Code("33.73")}
	w.nationalVw = access.User{Role: access.National}
	return w
}

// answersOf turns nine values into a response to the standard elements.
func answersOf(vals ...int) survey.Response {
	r := survey.Response{Answers: map[string]int{}, Profile: survey.Profile{AgeBand: "60plus", Sex: "p",
		Education: "sd", Occupation: "rumah_tangga", Service: "bantuan"}}
	for i, v := range vals {
		r.Answers[ikm.Standard()[i].Code] = v
	}
	return r
}

func kindOf(err error) apperr.Kind { return apperr.KindOf(err) }

func hasField(err error, field string) bool {
	e := apperr.As(err)
	if e == nil {
		return false
	}
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

func responses(t *testing.T, d *db.DB) (n int) {
	t.Helper()
	if err := d.QueryRow(context.Background(), "SELECT (SELECT COUNT(*) FROM skm_response) + (SELECT COUNT(*) FROM skm_answer)").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSurveyWorkedExample(t *testing.T) {
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			w := newWorld(t, engine)
			p, err := w.store.CreatePeriod(ctx, sys, w.head, w.unitID, survey.PeriodInput{Kind: survey.Triwulan, Year: 2026, Number: 2, Population: 100})
			if err != nil {
				t.Fatal(err)
			}
			if p.StartsOn != "2026-04-01" || p.EndsOn != "2026-06-30" || p.Status != survey.Draft || len(p.Elements) != 9 {
				t.Fatalf("period %+v", p)
			}
			// A draft takes no answer; its code exists only once opened.
			if p, err = w.store.SetStatus(ctx, sys, w.head, w.unitID, p.ID, survey.Open, p.Version); err != nil {
				t.Fatal(err)
			}
			code, err := w.store.Code(ctx, w.head, w.unitID)
			if err != nil || len(code) != survey.CodeLength {
				t.Fatalf("code %q %v", code, err)
			}
			// Hand computation, equal weights 1/9 (domain.md §6.4):
			//   NRR U1 = (4+3+3+2)/4 = 3.00, U2 = U3 = U5 = U6 = U7 = U9 = 13/4 = 3.25,
			//   U4 = (4+3+3+4)/4 = 3.50, U8 = (4+3+3+2)/4 = 3.00;
			//   Σ NRR = 29.00; Σ NRR × 1/9 = 3.2222; IKM = 3.2222 × 25 = 80.56 → B, Baik.
			for _, r := range []survey.Response{
				answersOf(4, 4, 4, 4, 4, 4, 4, 4, 4),
				answersOf(3, 3, 3, 3, 3, 3, 3, 3, 3),
				answersOf(3, 3, 3, 3, 3, 3, 3, 3, 3),
				answersOf(2, 3, 3, 4, 3, 3, 3, 2, 3),
			} {
				// Typed the way people copy it from a poster.
				if err := w.store.Submit(ctx, " "+code[:3]+"-"+code[3:]+" ", r); err != nil {
					t.Fatal(err)
				}
			}
			res, err := w.store.Results(ctx, w.planner, w.unitID, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if res.IKM.Respondents != 4 || math.Abs(res.IKM.IKM-80.56) > 0.006 || res.IKM.Mutu != "B" {
				t.Fatalf("IKM %+v", res.IKM)
			}
			if len(res.IKM.Weakest) < 2 || !(res.IKM.Weakest[0] == "U1" || res.IKM.Weakest[0] == "U8") {
				t.Errorf("weakest %v, want U1 and U8 first", res.IKM.Weakest)
			}
			if res.Sample != 80 || res.SampleReached {
				t.Errorf("sample %d reached %v, want 80 not reached (Krejcie–Morgan, N=100)", res.Sample, res.SampleReached)
			}
			if res.Profile["age_band"]["60plus"] != 4 || res.Suggestions != nil {
				t.Errorf("profile %v suggestions %v", res.Profile, res.Suggestions)
			}
			// The day only, in WIB: 20:00 UTC on 4 May is 5 May in Jakarta.
			var day string
			if err := w.d.QueryRow(ctx, "SELECT MIN(submitted_on) FROM skm_response").Scan(&day); err != nil || day != "2026-05-05" {
				t.Errorf("submitted_on %q %v", day, err)
			}
			// The elements are frozen now; the population is not.
			els := ikm.Standard()
			els[0].Name = "Persyaratan Pelayanan"
			_, err = w.store.UpdatePeriod(ctx, sys, w.head, w.unitID, p.ID, survey.PeriodInput{Population: 100, Elements: els, Version: p.Version})
			if kindOf(err) != apperr.Conflict {
				t.Errorf("elements changed after answers: %v", err)
			}
			if p, err = w.store.UpdatePeriod(ctx, sys, w.head, w.unitID, p.ID, survey.PeriodInput{Population: 4, Version: p.Version}); err != nil {
				t.Fatal(err)
			}
			if res, _ = w.store.Results(ctx, w.head, w.unitID, p.ID); res.Sample != 4 || !res.SampleReached {
				t.Errorf("sample of 4: %d %v", res.Sample, res.SampleReached)
			}
			// Not published until closed.
			pub, err := w.store.PublicResults(ctx, code)
			if err != nil || len(pub.Periods) != 0 {
				t.Fatalf("published while open: %+v %v", pub, err)
			}
			if p, err = w.store.SetStatus(ctx, sys, w.head, w.unitID, p.ID, survey.Closed, p.Version); err != nil {
				t.Fatal(err)
			}
			if pub, err = w.store.PublicResults(ctx, code); err != nil || len(pub.Periods) != 1 || pub.Periods[0].IKM.Mutu != "B" {
				t.Fatalf("published %+v %v", pub, err)
			}
			// A closed period takes no answer, and nothing is stored.
			before := responses(t, w.d)
			if err := w.store.Submit(ctx, code, answersOf(4, 4, 4, 4, 4, 4, 4, 4, 4)); kindOf(err) != apperr.NotFound {
				t.Errorf("answer to a closed period: %v", err)
			}
			if responses(t, w.d) != before {
				t.Error("a refused answer was stored")
			}
			tr, err := w.store.Trend(ctx, w.nationalVw, w.unitID)
			if err != nil || len(tr) != 1 || tr[0].Label != "Triwulan II 2026" {
				t.Errorf("trend %+v %v", tr, err)
			}
		})
	}
}

func TestSurveyRefusals(t *testing.T) {
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			w := newWorld(t, engine)
			// Weights that do not sum to 1 (domain.md §6.2).
			els := []ikm.Element{{Code: "U1", Name: "Persyaratan", Weight: 0.5}, {Code: "U2", Name: "Prosedur", Weight: 0.4}}
			_, err := w.store.CreatePeriod(ctx, sys, w.head, w.unitID, survey.PeriodInput{Kind: survey.Tahunan, Year: 2026, Number: 1, Elements: els})
			if !hasField(err, "elements") {
				t.Errorf("weights 0.9: %v", err)
			}
			// A unit's own element beside the nine, weights summing to 1.
			more := append(ikm.Standard(), ikm.Element{Code: "U10", Name: "Kemudahan akses bagi penyandang disabilitas"})
			for i := range more {
				more[i].Weight = 0.1
			}
			p, err := w.store.CreatePeriod(ctx, sys, w.head, w.unitID, survey.PeriodInput{Kind: survey.Tahunan, Year: 2026, Number: 1, Elements: more})
			if err != nil || len(p.Elements) != 10 {
				t.Fatalf("ten elements: %v", err)
			}
			// The same period twice; a number outside the kind.
			if _, err := w.store.CreatePeriod(ctx, sys, w.head, w.unitID, survey.PeriodInput{Kind: survey.Tahunan, Year: 2026, Number: 1}); !hasField(err, "number") {
				t.Errorf("duplicate period: %v", err)
			}
			if _, err := w.store.CreatePeriod(ctx, sys, w.head, w.unitID, survey.PeriodInput{Kind: survey.Semester, Year: 2026, Number: 3}); !hasField(err, "number") {
				t.Errorf("semester 3: %v", err)
			}
			// Access: a worker reads but does not manage; another unit's
			// head sees nothing of this unit.
			if _, err := w.store.CreatePeriod(ctx, sys, w.worker, w.unitID, survey.PeriodInput{Kind: survey.Semester, Year: 2026, Number: 1}); kindOf(err) != apperr.Forbidden {
				t.Errorf("worker creates: %v", err)
			}
			if _, err := w.store.Periods(ctx, w.worker, w.unitID); err != nil {
				t.Errorf("worker reads: %v", err)
			}
			if _, err := w.store.Results(ctx, w.otherHead, w.unitID, p.ID); kindOf(err) != apperr.NotFound {
				t.Errorf("other unit's head reads: %v", err)
			}
			if _, err := w.store.SetStatus(ctx, sys, w.otherHead, w.unitID, p.ID, survey.Open, p.Version); kindOf(err) != apperr.NotFound {
				t.Errorf("other unit's head opens: %v", err)
			}
			// Not open yet: the code is unknown or the form closed.
			p, err = w.store.SetStatus(ctx, sys, w.head, w.unitID, p.ID, survey.Open, p.Version)
			if err != nil {
				t.Fatal(err)
			}
			// One open period per unit.
			q, err := w.store.CreatePeriod(ctx, sys, w.head, w.unitID, survey.PeriodInput{Kind: survey.Semester, Year: 2026, Number: 1})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.store.SetStatus(ctx, sys, w.head, w.unitID, q.ID, survey.Open, q.Version); kindOf(err) != apperr.Conflict {
				t.Errorf("second open period: %v", err)
			}
			code, _ := w.store.Code(ctx, w.head, w.unitID)
			// Bad answers: one out of range, one missing, an unknown
			// element, an unknown profile value — all named, nothing stored.
			r := answersOf(5, 3, 3, 3, 3, 3, 3, 3, 3)
			r.Answers["U10"] = 0
			r.Answers["U99"] = 2
			r.Sex = "z"
			err = w.store.Submit(ctx, code, r)
			for _, f := range []string{"U1", "U10", "U99", "sex"} {
				if !hasField(err, f) {
					t.Errorf("bad response: no error on %s: %v", f, err)
				}
			}
			if hasField(err, "U2") {
				t.Errorf("U2 was fine: %v", err)
			}
			if responses(t, w.d) != 0 {
				t.Error("a refused response was stored")
			}
			if err := w.store.Submit(ctx, "AAAAAAA", answersOf(3, 3, 3, 3, 3, 3, 3, 3, 3)); kindOf(err) != apperr.NotFound {
				t.Errorf("unknown code: %v", err)
			}
			if err := w.store.Submit(ctx, "nonsense!", answersOf(3, 3, 3, 3, 3, 3, 3, 3, 3)); kindOf(err) != apperr.NotFound {
				t.Errorf("malformed code: %v", err)
			}
			// An empty period: no respondents, no index, no mutu.
			res, err := w.store.Results(ctx, w.head, w.unitID, p.ID)
			if err != nil || res.IKM.Respondents != 0 || res.IKM.Mutu != "" {
				t.Errorf("empty period: %+v %v", res.IKM, err)
			}
			// A kiosk token is the unit's and no other's.
			tok, err := w.store.CreateKiosk(ctx, sys, w.head, w.unitID, "meja depan")
			if err != nil {
				t.Fatal(err)
			}
			if id, err := w.store.KioskID(ctx, w.unitID, tok); err != nil || id == 0 {
				t.Errorf("kiosk: %d %v", id, err)
			}
			if id, _ := w.store.KioskID(ctx, w.otherID, tok); id != 0 {
				t.Error("a kiosk token works at another unit")
			}
			if _, err := w.store.CreateKiosk(ctx, sys, w.worker, w.unitID, ""); kindOf(err) != apperr.Forbidden {
				t.Errorf("worker makes a kiosk: %v", err)
			}
			if _, err := w.store.CreateKiosk(ctx, sys, w.head, w.unitID, strings.Repeat("é", survey.MaxKioskLabel+1)); kindOf(err) != apperr.Invalid {
				t.Errorf("a kiosk name too long: %v", err)
			}
			// Revoked, the token lifts nothing; revoking again is not found,
			// and a worker may not revoke.
			ks, err := w.store.Kiosks(ctx, w.head, w.unitID)
			if err != nil || len(ks) != 1 || ks[0].Label != "meja depan" {
				t.Fatalf("kiosks: %+v %v", ks, err)
			}
			if err := w.store.RevokeKiosk(ctx, sys, w.worker, w.unitID, ks[0].ID); kindOf(err) != apperr.Forbidden {
				t.Errorf("worker revokes: %v", err)
			}
			if err := w.store.RevokeKiosk(ctx, sys, w.head, w.otherID, ks[0].ID); err == nil {
				t.Error("a kiosk revoked through another unit")
			}
			if err := w.store.RevokeKiosk(ctx, sys, w.head, w.unitID, ks[0].ID); err != nil {
				t.Fatal(err)
			}
			if id, _ := w.store.KioskID(ctx, w.unitID, tok); id != 0 {
				t.Error("a revoked kiosk token still works")
			}
			if err := w.store.RevokeKiosk(ctx, sys, w.head, w.unitID, ks[0].ID); kindOf(err) != apperr.NotFound {
				t.Errorf("revoking twice: %v", err)
			}
		})
	}
}

// fakeComplaints answers U8 figures and remembers the days asked for.
type fakeComplaints struct{ from, to time.Time }

func (f *fakeComplaints) U8Figures(_ context.Context, _ int64, from, to time.Time) (survey.U8, error) {
	f.from, f.to = from, to
	return survey.U8{Received: 5, Closed: 4, OnTime: 3, Late: 1, Open: 1, MedianDays: 2.5}, nil
}

func TestSurveyComplaintFigures(t *testing.T) {
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			w := newWorld(t, engine)
			fc := &fakeComplaints{}
			w.store.Complaints = fc
			p, err := w.store.CreatePeriod(ctx, sys, w.head, w.unitID, survey.PeriodInput{Kind: survey.Semester, Year: 2026, Number: 1})
			if err != nil {
				t.Fatal(err)
			}
			res, err := w.store.Results(ctx, w.head, w.unitID, p.ID)
			if err != nil || res.U8 == nil || res.U8.Received != 5 {
				t.Fatalf("U8 %+v %v", res.U8, err)
			}
			// The whole semester: 1 January up to (not including) 1 July.
			if fc.from.Format(time.DateOnly) != "2026-01-01" || fc.to.Format(time.DateOnly) != "2026-07-01" {
				t.Errorf("asked for %s – %s", fc.from, fc.to)
			}
			// Without a complaint store, no figures and no failure.
			w.store.Complaints = nil
			if res, err = w.store.Results(ctx, w.head, w.unitID, p.ID); err != nil || res.U8 != nil {
				t.Errorf("no complaint store: %+v %v", res.U8, err)
			}
		})
	}
}

package casework_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/casework"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/registry"
	"github.com/layan-id/layan/internal/spm"
)

// storedEpisodes reads the spm_episode rows of a case.
func storedEpisodes(t *testing.T, w *world, caseID int64) []spm.Episode {
	t.Helper()
	var out []spm.Episode
	rows, err := w.store.DB.Query(ctx, `SELECT cycle, region_code, province_code, jenis, assessed_on, met_on, ended_on
		FROM spm_episode WHERE case_id = ? ORDER BY cycle`, caseID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		e := spm.Episode{CaseID: caseID}
		if err := rows.Scan(&e.Cycle, &e.Region, &e.Province, &e.Jenis, &e.AssessedOn, &e.MetOn, &e.EndedOn); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

// achieved sums the stored tallies of a region's jenis for a period.
func achieved(t *testing.T, w *world, region string, j spm.Jenis, p spm.Period) spm.Count {
	t.Helper()
	rows, err := w.store.DB.Query(ctx, `SELECT year, quarter, y_in, y_out, x_in FROM spm_tally WHERE region_code = ? AND jenis = ?`,
		region, string(j))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ts []spm.Tally
	for rows.Next() {
		var v spm.Tally
		if err := rows.Scan(&v.Year, &v.Quarter, &v.YIn, &v.YOut, &v.XIn); err != nil {
			t.Fatal(err)
		}
		ts = append(ts, v)
	}
	return spm.Achieve(ts, p)
}

func agrees(t *testing.T, w *world) {
	t.Helper()
	c, err := spm.Verify(ctx, w.store.DB, w.store, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Agrees() {
		t.Fatalf("stored SPM figures differ from the documents: %+v", c)
	}
}

// approvedCase takes a new case through an approved assessment that
// concludes the person needs rehabilitasi sosial dasar.
func approvedCase(t *testing.T, w *world, person int64, cluster casework.Cluster, setting, level string) casework.Case {
	t.Helper()
	c, err := w.store.Open(ctx, as(w.worker), w.worker, casework.OpenInput{PersonID: person, Cluster: string(cluster),
		Setting: setting, Source: "penjangkauan", Risk: "sedang", DisasterLevel: level})
	if err != nil {
		t.Fatal(err)
	}
	in := goodAssessment()
	in.ConferenceOn = w.now.In(wib).Format(time.DateOnly)
	if _, err := w.store.SaveAssessment(ctx, as(w.worker), w.worker, c.ID, in); err != nil {
		t.Fatal(err)
	}
	c = reload(t, w, c.ID)
	c = act(t, w, w.worker, c, casework.SubmitAssessment)
	return act(t, w, w.sup, c, casework.ApproveAssessment)
}

// A case in the SPM, step by step: in Y of its kab/kota from the day its
// assessment is approved, in X from the day the last need is met; the
// stored figures agree with a full recompute after every step.
func TestSPMFollowsTheCase(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		q4 := spm.Period{Year: 2026, Quarter: 4}
		c := approvedCase(t, w, w.person, casework.ClusterLansia, "keluarga", "")
		want := []spm.Episode{{CaseID: c.ID, Cycle: 1, Region: "33.73", Province: "33", Jenis: spm.LansiaLuarPanti,
			AssessedOn: "2026-11-23"}}
		if got := storedEpisodes(t, w, c.ID); len(got) != 1 || got[0] != want[0] {
			t.Fatalf("after approval: %+v, want %+v", got, want)
		}
		if got := achieved(t, w, "33.73", spm.LansiaLuarPanti, q4); got != (spm.Count{X: 0, Y: 1}) {
			t.Errorf("after approval: %+v", got)
		}
		agrees(t, w)

		_, err := w.store.SavePlan(ctx, as(w.worker), w.worker, c.ID, casework.PlanInput{Goals: "Makan cukup", Items: []casework.PlanItem{
			{Need: "permakanan", Component: "kebutuhan_hidup_layak", Quantity: 30, ResponsibleUser: w.worker.ID, TargetOn: "2026-12-31"},
			{Need: "bimbingan_keluarga", Component: "dukungan_keluarga", Quantity: 2, ResponsibleUser: w.worker.ID, TargetOn: "2026-12-31"}}})
		if err != nil {
			t.Fatal(err)
		}
		c = reload(t, w, c.ID)
		c = act(t, w, w.worker, c, casework.SubmitPlan)
		c = act(t, w, w.sup, c, casework.ApprovePlan)
		w.now = time.Date(2026, 12, 30, 20, 0, 0, 0, time.UTC) // 31 December in WIB
		svc := func(day, need string, qty int) {
			t.Helper()
			_, err := w.store.RecordService(ctx, as(w.worker), w.worker, c.ID, casework.ServiceInput{GivenOn: day, Need: need,
				Component: "kebutuhan_hidup_layak", Quantity: qty, Cost: 1000})
			if err != nil {
				t.Fatal(err)
			}
		}
		svc("2026-11-25", "permakanan", 30)
		svc("2026-12-02", "bimbingan_keluarga", 1)
		if got := storedEpisodes(t, w, c.ID); got[0].MetOn != "" {
			t.Errorf("met with a need half met: %+v", got)
		}
		svc("2026-12-10", "bimbingan_keluarga", 1)
		if got := storedEpisodes(t, w, c.ID); got[0].MetOn != "2026-12-10" {
			t.Errorf("met on %q, want 2026-12-10", got[0].MetOn)
		}
		svc("2026-12-05", "bimbingan_keluarga", 1) // entered late, given earlier: met on 5 December
		if got := storedEpisodes(t, w, c.ID); got[0].MetOn != "2026-12-05" {
			t.Errorf("met on %q, want 2026-12-05", got[0].MetOn)
		}
		if got := achieved(t, w, "33.73", spm.LansiaLuarPanti, q4); got != (spm.Count{X: 1, Y: 1}) {
			t.Errorf("after every need: %+v", got)
		}
		// Served in 2026, gone from 2027's figures.
		if got := achieved(t, w, "33.73", spm.LansiaLuarPanti, spm.Period{Year: 2027, Quarter: 1}); got != (spm.Count{}) {
			t.Errorf("2027: %+v", got)
		}
		agrees(t, w)

		// Closed and reopened: the first cycle stays counted in 2026; the
		// second counts once its own assessment is approved, in 2027.
		c = reload(t, w, c.ID)
		c, err = w.store.Act(ctx, as(w.worker), w.worker, c.ID, c.Version, casework.Event{Action: casework.RequestTermination,
			Reason: casework.TujuanTercapai}, "")
		if err != nil {
			t.Fatal(err)
		}
		c = act(t, w, w.sup, c, casework.ApproveTermination)
		w.now = time.Date(2027, 2, 1, 3, 0, 0, 0, time.UTC)
		c = act(t, w, w.sup, c, casework.Reopen)
		agrees(t, w)
		in := goodAssessment()
		in.ConferenceOn = "2027-02-01"
		if _, err := w.store.SaveAssessment(ctx, as(w.worker), w.worker, c.ID, in); err != nil {
			t.Fatal(err)
		}
		c = reload(t, w, c.ID)
		c = act(t, w, w.worker, c, casework.SubmitAssessment)
		act(t, w, w.sup, c, casework.ApproveAssessment)
		if got := storedEpisodes(t, w, c.ID); len(got) != 2 || got[1].AssessedOn != "2027-02-01" || got[1].MetOn != "" {
			t.Errorf("after the second approval: %+v", got)
		}
		if got := achieved(t, w, "33.73", spm.LansiaLuarPanti, spm.Period{Year: 2027, Quarter: 1}); got != (spm.Count{X: 0, Y: 1}) {
			t.Errorf("2027 with the second cycle: %+v", got)
		}
		if got := achieved(t, w, "33.73", spm.LansiaLuarPanti, q4); got != (spm.Count{X: 1, Y: 1}) {
			t.Errorf("2026 after the reopening: %+v", got)
		}
		agrees(t, w)
	})
}

// Which jenis and region a case counts for: the province for a panti or a
// province's disaster; gelandangan and pengemis only of tuna sosial; no
// count when the assessment finds no need of rehabilitation.
func TestSPMJenisAndRegion(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		person := func(name string, cats ...string) int64 {
			saved, err := w.store.People.Create(ctx, audit.System("test"), registry.ReachOf(w.worker),
				registry.Input{Name: name, Sex: "L", BirthYear: 1980, Village: "33.73.04.1001", Categories: cats})
			if err != nil {
				t.Fatal(err)
			}
			return saved.Person.ID
		}
		for _, tc := range []struct {
			name     string
			cats     []string
			cluster  casework.Cluster
			setting  string
			level    string
			region   string
			jenis    spm.Jenis
			counted  bool
			noRehab  bool
			badLevel bool
		}{
			{name: "panti", cluster: casework.ClusterDisabilitas, setting: "residensial", region: "33", jenis: spm.DisabilitasDalamPanti, counted: true},
			{name: "anak di keluarga", cluster: casework.ClusterAnak, setting: "keluarga", region: "33.73", jenis: spm.AnakLuarPanti, counted: true},
			{name: "bencana provinsi", cluster: casework.ClusterBencana, setting: "komunitas", level: "provinsi", region: "33", jenis: spm.BencanaProvinsi, counted: true},
			{name: "bencana kab/kota", cluster: casework.ClusterBencana, setting: "komunitas", region: "33.73", jenis: spm.BencanaKabKota, counted: true},
			{name: "pengemis", cats: []string{"pengemis"}, cluster: casework.ClusterTSKPO, setting: "komunitas", region: "33.73", jenis: spm.GepengLuarPanti, counted: true},
			{name: "korban perdagangan orang", cats: []string{"korban_perdagangan_orang"}, cluster: casework.ClusterTSKPO, setting: "komunitas"},
			{name: "napza", cluster: casework.ClusterNAPZA, setting: "residensial"},
			{name: "no rehabilitation needed", cluster: casework.ClusterLansia, setting: "keluarga", noRehab: true},
		} {
			id := person(tc.name, tc.cats...)
			c, err := w.store.Open(ctx, as(w.worker), w.worker, casework.OpenInput{PersonID: id, Cluster: string(tc.cluster),
				Setting: tc.setting, Source: "penjangkauan", Risk: "sedang", DisasterLevel: tc.level})
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			in := goodAssessment()
			if tc.noRehab {
				no := false
				in.NeedsRehab = &no
			}
			if _, err := w.store.SaveAssessment(ctx, as(w.worker), w.worker, c.ID, in); err != nil {
				t.Fatal(err)
			}
			c = reload(t, w, c.ID)
			c = act(t, w, w.worker, c, casework.SubmitAssessment)
			act(t, w, w.sup, c, casework.ApproveAssessment)
			got := storedEpisodes(t, w, c.ID)
			if !tc.counted {
				if len(got) != 0 {
					t.Errorf("%s: counted %+v", tc.name, got)
				}
				continue
			}
			if len(got) != 1 || got[0].Region != tc.region || got[0].Jenis != tc.jenis || got[0].Province != "33" {
				t.Errorf("%s: %+v, want %s in %s", tc.name, got, tc.jenis, tc.region)
			}
		}
		agrees(t, w)
		// A disaster level on a case of another cluster, or unknown, is refused.
		for _, in := range []casework.OpenInput{
			{PersonID: w.person, Cluster: "lansia", Setting: "keluarga", Source: "penjangkauan", Risk: "sedang", DisasterLevel: "provinsi"},
			{PersonID: w.person, Cluster: "bencana", Setting: "keluarga", Source: "penjangkauan", Risk: "sedang", DisasterLevel: "nasional"},
		} {
			if _, err := w.store.Open(ctx, as(w.worker), w.worker, in); fieldsOf(err)["disaster_level"] == "" {
				t.Errorf("%+v: %v, want an error on disaster_level", in, err)
			}
		}
	})
}

// Issue 6 point 8: after any sequence of case steps, the figures kept step
// by step are exactly those recomputed from the documents. Random steps on
// a handful of cases over two years, with checks along the way.
func TestSPMIncrementalEqualsFull(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		r := rand.New(rand.NewPCG(6, 2026)) // the same walk on both engines
		w.now = time.Date(2025, 11, 3, 2, 0, 0, 0, time.UTC)
		clusters := []casework.Cluster{casework.ClusterLansia, casework.ClusterAnak, casework.ClusterDisabilitas, casework.ClusterBencana}
		settings := []string{"keluarga", "residensial", "komunitas"}
		var ids []int64
		open := func() {
			cl := clusters[r.IntN(len(clusters))]
			level := ""
			if cl == casework.ClusterBencana && r.IntN(2) == 0 {
				level = "provinsi"
			}
			c, err := w.store.Open(ctx, as(w.worker), w.worker, casework.OpenInput{PersonID: w.person, Cluster: string(cl),
				Setting: settings[r.IntN(len(settings))], Source: "penjangkauan", Risk: "sedang", DisasterLevel: level})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, c.ID)
		}
		// tolerated are the refusals a random step meets: the rules say no.
		tolerated := func(err error) {
			t.Helper()
			switch apperr.KindOf(err) {
			case apperr.Conflict, apperr.Invalid, apperr.Forbidden:
				return
			}
			if err != nil && !errors.Is(err, db.ErrConflict) {
				t.Fatalf("step: %v", err)
			}
		}
		step := func(id int64) {
			c := reload(t, w, id)
			day := w.now.In(wib).Format(time.DateOnly)
			d, err := w.store.Detail(ctx, as(w.sup), w.sup, id)
			if err != nil {
				t.Fatal(err)
			}
			actAs := func(u access.User, e casework.Event) {
				_, err := w.store.Act(ctx, as(u), u, id, c.Version, e, "")
				tolerated(err)
			}
			// Mostly the step the case waits for, sometimes any step.
			move := r.IntN(9)
			if r.IntN(10) < 7 {
				switch {
				case !c.Stage.Open():
					move = 8
				case c.Assessment == casework.Submitted:
					move = 2
				case c.Assessment != casework.Approved:
					move = 0
				case c.Plan == casework.Submitted:
					move = 4
				case !c.PlanInForce:
					move = 3
				case r.IntN(8) == 0:
					move = 7
				default:
					move = 5
				}
			}
			switch move {
			case 0:
				in := goodAssessment()
				in.ConferenceOn = day
				if r.IntN(4) == 0 {
					no := false
					in.NeedsRehab = &no
				}
				if d.Assessment != nil {
					in.Version = d.Assessment.Version
				}
				_, err := w.store.SaveAssessment(ctx, as(w.worker), w.worker, id, in)
				tolerated(err)
				c = reload(t, w, id)
				actAs(w.worker, casework.Event{Action: casework.SubmitAssessment})
			case 1:
				actAs(w.worker, casework.Event{Action: casework.SubmitAssessment})
			case 2:
				actAs(w.sup, casework.Event{Action: casework.ApproveAssessment})
			case 3:
				in := casework.PlanInput{Goals: "Tujuan", Items: []casework.PlanItem{
					{Need: "permakanan", Component: "kebutuhan_hidup_layak", Quantity: 1 + r.IntN(3), ResponsibleUser: w.worker.ID, TargetOn: day},
					{Need: "bimbingan_keluarga", Component: "dukungan_keluarga", Quantity: 1 + r.IntN(2), ResponsibleUser: w.worker.ID, TargetOn: day}}}
				if d.PlanDraft != nil {
					in.Version = d.PlanDraft.Version
				}
				_, err := w.store.SavePlan(ctx, as(w.worker), w.worker, id, in)
				tolerated(err)
				c = reload(t, w, id)
				actAs(w.worker, casework.Event{Action: casework.SubmitPlan})
			case 4:
				actAs(w.sup, casework.Event{Action: casework.ApprovePlan})
			case 5, 6:
				need := []string{"permakanan", "bimbingan_keluarga"}[r.IntN(2)]
				// Sometimes a day in the past of the case, entered late.
				given := day
				if r.IntN(3) == 0 {
					given = max(c.OpenedAt.In(wib).Format(time.DateOnly), w.now.Add(-time.Duration(r.IntN(60))*24*time.Hour).In(wib).Format(time.DateOnly))
				}
				_, err := w.store.RecordService(ctx, as(w.worker), w.worker, id, casework.ServiceInput{GivenOn: given, Need: need,
					Component: "kebutuhan_hidup_layak", Quantity: 1, Emergency: r.IntN(5) == 0})
				tolerated(err)
			case 7:
				reasons := []casework.Reason{casework.TujuanTercapai, casework.Pindah, casework.Menolak}
				actAs(w.worker, casework.Event{Action: casework.RequestTermination, Reason: reasons[r.IntN(len(reasons))]})
				c = reload(t, w, id)
				actAs(w.sup, casework.Event{Action: casework.ApproveTermination})
			case 8:
				actAs(w.sup, casework.Event{Action: casework.Reopen})
			}
		}
		for i := range 240 {
			if len(ids) < 8 && r.IntN(6) == 0 || len(ids) == 0 {
				open()
			}
			step(ids[r.IntN(len(ids))])
			if r.IntN(4) == 0 {
				w.now = w.now.Add(time.Duration(1+r.IntN(40)) * 24 * time.Hour)
			}
			if i%40 == 39 {
				agrees(t, w)
			}
		}
		agrees(t, w)
		// The walk reached what the count must follow: needs met, cycles
		// closed unmet, cases reopened, several years.
		for _, cond := range []string{"met_on <> ''", "ended_on <> ''", "cycle > 1", "assessed_on < '2026-01-01'",
			"met_on >= '2026-01-01'"} {
			if n := count(t, w.store.DB, "SELECT COUNT(*) FROM spm_episode WHERE "+cond); n == 0 {
				t.Errorf("no episode with %s: the walk tests too little", cond)
			}
		}
	})
}

// A figure changed behind the casework's back is found by the full
// recompute and put right by a rebuild; a rebuild stopped half-way
// changes nothing.
func TestSPMVerifyFindsAndRebuildMends(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		for range 3 {
			approvedCase(t, w, w.person, casework.ClusterAnak, "keluarga", "")
		}
		agrees(t, w)
		if _, err := w.store.DB.Exec(ctx, "UPDATE spm_tally SET y_in = y_in + 5"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.store.DB.Exec(ctx, "UPDATE spm_episode SET met_on = '2026-12-01' WHERE case_id = (SELECT MIN(case_id) FROM spm_episode)"); err != nil {
			t.Fatal(err)
		}
		c, err := spm.Verify(ctx, w.store.DB, w.store, nil)
		if err != nil || c.Agrees() || c.Episode != 1 || c.Tally != 1 || c.Episodes != 3 {
			t.Fatalf("verify of altered figures: %+v, %v", c, err)
		}
		// Stopped at the first batch's progress report: rolled back.
		stop, cancel := context.WithCancel(ctx)
		_, err = spm.Rebuild(stop, w.store.DB, w.store, func(done, total int64) { cancel() })
		if err == nil {
			t.Fatal("a cancelled rebuild succeeded")
		}
		if c, _ := spm.Verify(ctx, w.store.DB, w.store, nil); c.Episode != 1 || c.Tally != 1 {
			t.Errorf("a cancelled rebuild changed the figures: %+v", c)
		}
		var calls []int64
		if c, err := spm.Rebuild(ctx, w.store.DB, w.store, func(done, total int64) { calls = append(calls, done) }); err != nil || c.Episodes != 3 {
			t.Fatalf("rebuild: %+v, %v", c, err)
		}
		if len(calls) == 0 {
			t.Error("no progress reported")
		}
		agrees(t, w)
		if got := achieved(t, w, "33.73", spm.AnakLuarPanti, spm.Period{Year: 2026, Quarter: 4}); got != (spm.Count{Y: 3}) {
			t.Errorf("after the rebuild: %+v", got)
		}
	})
}

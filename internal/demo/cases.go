package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/casework"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/registry"
)

// Demo cases: the Salatiga office's caseload, one case or more in every
// stage, written through the case store as its worker and supervisor
// would, on dates spread over the last three months, so that a new user
// sees a living office: assessments due and overdue, plans waiting for
// approval, services, needs met, terminations and follow-ups.

// milestone is how far a demo case has gone.
type milestone int

const (
	opened milestone = iota
	assessing
	submitted
	assessed
	planning
	planSubmitted
	planned
	served   // part of the plan delivered
	needsMet // all of it
	reintegrating
	terminationAsked
	terminated
	followedUp
)

type demoCase struct {
	cluster, setting, source, risk string
	minAge, maxAge                 int
	daysAgo                        int // when it opened
	upto                           milestone
	emergency                      bool // food before the assessment
	returned                       bool // the assessment was returned once
	reason                         casework.Reason
	refer                          string // "puskesmas" (outside, by link) or a demo unit key
}

var demoCases = []demoCase{
	{"lansia", "keluarga", "penjangkauan", "sedang", 60, 110, 2, opened, true, false, "", ""},
	{"anak", "keluarga", "rujukan", "tinggi", 5, 17, 12, opened, false, false, "", ""},
	{"disabilitas", "komunitas", "datang_sendiri", "sedang", 18, 59, 6, assessing, false, false, "", ""},
	{"lansia", "keluarga", "hotline", "rendah", 60, 110, 9, submitted, false, false, "", ""},
	{"lainnya", "komunitas", "aparat", "tinggi", 18, 59, 15, assessing, true, true, "", ""},
	{"anak", "keluarga", "penjangkauan", "sedang", 5, 17, 20, assessed, false, false, "", ""},
	{"lansia", "residensial", "rujukan", "tinggi", 60, 110, 24, planSubmitted, false, false, "", ""},
	{"disabilitas", "keluarga", "datang_sendiri", "sedang", 18, 59, 30, served, false, false, "", ""},
	{"lansia", "keluarga", "penjangkauan", "sedang", 60, 110, 35, served, false, true, "", "puskesmas"},
	{"anak", "residensial", "aparat", "tinggi", 5, 17, 40, needsMet, false, false, "", "lks-salatiga"},
	{"lainnya", "komunitas", "hotline", "rendah", 18, 59, 45, reintegrating, false, false, "", ""},
	{"lansia", "keluarga", "rujukan", "sedang", 60, 110, 55, terminationAsked, false, false, casework.TujuanTercapai, ""},
	{"disabilitas", "komunitas", "penjangkauan", "sedang", 18, 59, 70, followedUp, false, false, casework.TujuanTercapai, ""},
	{"lansia", "keluarga", "datang_sendiri", "rendah", 60, 110, 80, terminated, false, false, casework.Menolak, ""},
	{"anak", "keluarga", "rujukan", "sedang", 5, 17, 90, terminated, false, false, casework.Dirujuk, ""},
}

// cases is the case seeder. It runs after the accounts exist and does
// nothing when the database already holds a case.
func cases(ctx context.Context, env *Env) error {
	var n int
	if err := env.DB.QueryRow(ctx, "SELECT COUNT(*) FROM case_file").Scan(&n); err != nil {
		return db.Err(err)
	}
	if n > 0 {
		return nil
	}
	worker, err := access.GetUserByName(ctx, env.DB, "demo.pekerja")
	if err != nil {
		return err
	}
	sup, err := access.GetUserByName(ctx, env.DB, "demo.supervisor")
	if err != nil {
		return err
	}
	var clock time.Time
	people := &registry.Store{DB: env.DB, Regions: env.Regions}
	store := &casework.Store{DB: env.DB, People: people, Now: func() time.Time { return clock }}
	now := time.Now().UTC()
	used := map[int64]bool{}
	for i, dc := range demoCases {
		clock = now.AddDate(0, 0, -dc.daysAgo)
		person, err := demoClient(ctx, env.DB, worker.UnitID, clock.Year(), dc.minAge, dc.maxAge, used)
		if err != nil {
			return err
		}
		if person == 0 {
			continue // a registry without such a person: skip the case
		}
		used[person] = true
		w := caseWriter{ctx: ctx, store: store, worker: worker, sup: sup, clock: &clock, units: env.Units}
		if err := w.run(person, dc); err != nil {
			return fmt.Errorf("demo: case %d (%s): %w", i+1, dc.cluster, err)
		}
	}
	return nil
}

// demoClient picks a person of the unit, not yet a demo client, of an age.
func demoClient(ctx context.Context, q db.Q, unitID int64, year, minAge, maxAge int, used map[int64]bool) (int64, error) {
	rows, err := q.Query(ctx, `SELECT id FROM person WHERE unit_id = ? AND active AND birth_year BETWEEN ? AND ?
		ORDER BY id LIMIT 50`, unitID, year-maxAge, year-minAge)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return 0, db.Err(err)
		}
		if !used[id] {
			return id, nil
		}
	}
	return 0, rows.Err()
}

// caseWriter walks one demo case, two days a step.
type caseWriter struct {
	ctx         context.Context
	store       *casework.Store
	worker, sup access.User
	clock       *time.Time
	c           casework.Case
	units       map[string]int64
}

func (w *caseWriter) day() string { return w.clock.Format("2006-01-02") }

func (w *caseWriter) later() { *w.clock = w.clock.Add(46 * time.Hour) }

func (w *caseWriter) act(u access.User, a casework.Action, reason casework.Reason, note string) error {
	c, err := w.store.Act(w.ctx, actorOf(u), u, w.c.ID, w.c.Version, casework.Event{Action: a, Reason: reason}, note)
	w.c = c
	return err
}

func (w *caseWriter) refresh() error {
	c, err := w.store.Get(w.ctx, actorOf(w.worker), w.worker, w.c.ID)
	w.c = c
	return err
}

func actorOf(u access.User) audit.Actor { return audit.Actor{UserID: u.ID, Name: u.Username} }

// needsOf are the needs a demo assessment finds for a cluster.
func needsOf(cluster string) ([]string, []string) {
	switch cluster {
	case "anak":
		return []string{"pengasuhan", "akses_pendidikan", "dokumen_kependudukan"}, []string{"perawatan_sosial", "dukungan_keluarga", "dukungan_aksesibilitas"}
	case "lansia":
		return []string{"permakanan", "perbekalan_kesehatan", "bimbingan_keluarga"}, []string{"kebutuhan_hidup_layak", "perawatan_sosial", "dukungan_keluarga"}
	case "disabilitas":
		return []string{"alat_bantu", "bimbingan_fisik_mental_sosial"}, []string{"dukungan_aksesibilitas", "terapi"}
	}
	return []string{"permakanan", "sandang", "tempat_tinggal_sementara"}, []string{"kebutuhan_hidup_layak", "bantuan_asistensi_sosial"}
}

func (w *caseWriter) run(person int64, dc demoCase) error {
	var err error
	w.c, err = w.store.Open(w.ctx, actorOf(w.worker), w.worker, casework.OpenInput{PersonID: person, Cluster: dc.cluster,
		Setting: dc.setting, Source: dc.source, Risk: dc.risk, Note: "Kontak pertama."})
	if err != nil {
		return err
	}
	if dc.emergency {
		if _, err := w.store.RecordService(w.ctx, actorOf(w.worker), w.worker, w.c.ID, casework.ServiceInput{GivenOn: w.day(),
			Need: "permakanan", Component: "kebutuhan_hidup_layak", Quantity: 3, Cost: 75000, Provider: "Dapur umum Dinsos",
			Note: "Makan darurat sebelum asesmen.", Emergency: true}); err != nil {
			return err
		}
	}
	if dc.upto < assessing {
		return nil
	}
	needs, comps := needsOf(dc.cluster)
	rehab := true
	w.later()
	in := casework.AssessmentInput{
		Domains: map[string]string{"fisik_kesehatan": "Kondisi fisik diperiksa bersama puskesmas.",
			"sosial_keluarga": "Keluarga inti ada tetapi belum mampu merawat.", "ekonomi": "Tanpa penghasilan tetap."},
		Needs: needs, Components: comps, Risk: dc.risk, ConferenceOn: w.day(), ConferenceWith: "Pekerja sosial, supervisor, pendamping desa",
		ConferenceNotes: "Disepakati kebutuhan dan komponen ATENSI.", NeedsRehab: &rehab, Conclusion: "Memerlukan rehabilitasi sosial dasar.",
	}
	a, err := w.store.SaveAssessment(w.ctx, actorOf(w.worker), w.worker, w.c.ID, in)
	if err != nil {
		return err
	}
	if err := w.refresh(); err != nil || dc.upto < submitted {
		return err
	}
	if dc.returned {
		w.later()
		if err := w.act(w.worker, casework.SubmitAssessment, "", ""); err != nil {
			return err
		}
		if err := w.act(w.sup, casework.ReturnAssessment, "", "Lengkapi temuan ranah pendidikan."); err != nil {
			return err
		}
		in.Domains["pendidikan"] = "Tidak bersekolah sejak dua tahun."
		in.Version = a.Version
		if _, err := w.store.SaveAssessment(w.ctx, actorOf(w.worker), w.worker, w.c.ID, in); err != nil {
			return err
		}
		if err := w.refresh(); err != nil || dc.upto == assessing {
			return err
		}
	}
	w.later()
	if err := w.act(w.worker, casework.SubmitAssessment, "", ""); err != nil || dc.upto < assessed {
		return err
	}
	if err := w.act(w.sup, casework.ApproveAssessment, "", ""); err != nil || dc.upto < planning {
		return err
	}
	w.later()
	target := w.clock.AddDate(0, 3, 0).Format("2006-01-02")
	var items []casework.PlanItem
	for i, n := range needs {
		items = append(items, casework.PlanItem{Need: casework.Need(n), Component: casework.Component(comps[i%len(comps)]),
			Quantity: 2 + i, UnitLabel: "kali", ResponsibleUser: w.worker.ID, TargetOn: target})
	}
	if _, err := w.store.SavePlan(w.ctx, actorOf(w.worker), w.worker, w.c.ID, casework.PlanInput{
		Goals: "Kebutuhan dasar terpenuhi dan keluarga mampu merawat.", Items: items}); err != nil {
		return err
	}
	if err := w.refresh(); err != nil || dc.upto < planSubmitted {
		return err
	}
	if err := w.act(w.worker, casework.SubmitPlan, "", ""); err != nil || dc.upto < planned {
		return err
	}
	if err := w.act(w.sup, casework.ApprovePlan, "", ""); err != nil || dc.upto < served {
		return err
	}
	for i, it := range items {
		qty := it.Quantity
		if dc.upto == served && i == len(items)-1 {
			qty-- // the last need not yet met
		}
		w.later()
		if _, err := w.store.RecordService(w.ctx, actorOf(w.worker), w.worker, w.c.ID, casework.ServiceInput{GivenOn: w.day(),
			Need: string(it.Need), Component: string(it.Component), Quantity: qty, Cost: int64(qty) * 50000,
			Provider: "Dinas Sosial Kota Salatiga"}); err != nil {
			return err
		}
	}
	if dc.refer != "" {
		in := casework.ReferralInput{AgencyKind: dc.refer, AgencyName: "Puskesmas Sidorejo Lor",
			Need: "perbekalan_kesehatan", Purpose: "Pemeriksaan tekanan darah dan obat rutin."}
		if id, ok := w.units[dc.refer]; ok {
			in = casework.ReferralInput{ToUnit: id, Purpose: "Pengasuhan sementara di LKS selama keluarga didampingi."}
		}
		w.later()
		if _, err := w.store.Refer(w.ctx, actorOf(w.worker), w.worker, w.c.ID, in); err != nil {
			return err
		}
	}
	if err := w.refresh(); err != nil || dc.upto < reintegrating {
		return err
	}
	if err := w.act(w.worker, casework.StartReintegration, "", "Kembali ke keluarga."); err != nil || dc.upto < terminationAsked {
		return err
	}
	reason := dc.reason
	if reason == "" {
		reason = casework.TujuanTercapai
	}
	w.later()
	if err := w.act(w.worker, casework.RequestTermination, reason, ""); err != nil || dc.upto < terminated {
		return err
	}
	if err := w.act(w.sup, casework.ApproveTermination, "", ""); err != nil || dc.upto < followedUp {
		return err
	}
	// The first visit of bimbingan lanjut, on its day.
	d, err := w.store.Detail(w.ctx, actorOf(w.worker), w.worker, w.c.ID)
	if err != nil || len(d.FollowUps) == 0 {
		return err
	}
	first := d.FollowUps[0]
	day, err := time.Parse("2006-01-02", first.DueOn)
	if err != nil {
		return err
	}
	*w.clock = day.Add(10 * time.Hour)
	_, err = w.store.RecordFollowUp(w.ctx, actorOf(w.worker), w.worker, w.c.ID, first.ID, casework.FollowUpInput{
		DoneOn: first.DueOn, Outcome: "stabil", Note: "Tinggal bersama keluarga, kontrol rutin ke puskesmas.", Version: first.Version})
	return err
}

package demo

import (
	"context"
	"errors"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/quality/complaint"
)

// demoStep is one step a member of staff took on a demo complaint, days
// after it came in.
type demoStep struct {
	action complaint.Action
	by     string // "supervisor" or "worker" (the demo accounts of the unit)
	after  float64
	text   string
}

// demoComplaint is one complaint of the demo, received ago days before
// today, with the steps taken since.
type demoComplaint struct {
	category    complaint.Category
	channel     complaint.Channel
	ago         float64
	body        string
	contactName string
	contact     string
	steps       []demoStep
}

// demoComplaints are the Salatiga office's complaints, one in each state a
// new user should see: new, assigned, answered, closed (on time and late),
// rejected, and one waiting past its deadline, which the escalation run
// marks for the unit's head. Their texts are made up and name nobody; a
// body identifies a demo complaint on a later run.
var demoComplaints = []demoComplaint{
	{category: complaint.CatWaktu, channel: complaint.ChannelWeb, ago: 1,
		body: "Antrean di loket pagi ini sangat panjang dan hanya satu loket yang buka. (contoh data demo)"},
	{category: complaint.CatPetugas, channel: complaint.ChannelWeb, ago: 3,
		body:        "Petugas di meja informasi berbicara kasar kepada ibu saya yang sudah lanjut usia. (contoh data demo)",
		contactName: "Warga Sidorejo (demo)", contact: "0812 0000 0001",
		steps: []demoStep{{complaint.Assign, "supervisor", 1, ""}}},
	{category: complaint.CatPersyarat, channel: complaint.ChannelWeb, ago: 6,
		body:  "Syarat pengajuan bantuan berbeda antara yang tertulis di papan dan yang diminta petugas. (contoh data demo)",
		steps: []demoStep{{complaint.Assign, "supervisor", 1, ""}, {complaint.Respond, "worker", 3, "Terima kasih. Papan persyaratan sudah kami perbarui; yang berlaku adalah KTP, KK dan surat keterangan dari kelurahan."}}},
	{category: complaint.CatBansos, channel: complaint.ChannelCounter, ago: 30,
		body:        "Tetangga yang mampu menerima bantuan, sedangkan keluarga lansia di RT kami tidak. (contoh data demo)",
		contactName: "Ketua RT (demo)", contact: "ketua.rt@example.org",
		steps: []demoStep{{complaint.Assign, "supervisor", 1, ""}, {complaint.Respond, "worker", 3, "Data penerima di RT Anda sudah kami periksa bersama kelurahan dan diusulkan untuk diperbaiki pada pemutakhiran DTSEN bulan ini."},
			{complaint.Close, "supervisor", 4, "Pelapor sudah dihubungi dan menerima penjelasan."}}},
	{category: complaint.CatBiaya, channel: complaint.ChannelWeb, ago: 60,
		body: "Saya dimintai uang fotokopi oleh orang di depan kantor supaya berkas cepat diproses. (contoh data demo)",
		steps: []demoStep{{complaint.Assign, "supervisor", 2, ""}, {complaint.Respond, "supervisor", 12, "Layanan tidak dipungut biaya. Orang tersebut bukan petugas kami; pos satpam sudah diminta menertibkan dan papan pengumuman layanan gratis dipasang."},
			{complaint.Close, "supervisor", 13, ""}}},
	{category: complaint.CatLainnya, channel: complaint.ChannelWeb, ago: 20,
		body:  "Jalan di depan rumah saya rusak dan belum diperbaiki sejak tahun lalu. (contoh data demo)",
		steps: []demoStep{{complaint.Reject, "supervisor", 1, "Perbaikan jalan bukan urusan Dinas Sosial. Silakan sampaikan ke Dinas Pekerjaan Umum melalui SP4N-LAPOR!."}}},
	{category: complaint.CatSarpras, channel: complaint.ChannelWeb, ago: 11,
		body: "Tidak ada kursi roda di ruang tunggu, ayah saya harus menunggu berdiri. (contoh data demo)"},
}

// order is where a status stands in the steps, to resume a demo complaint
// a run left half-way.
func order(s complaint.Status) int {
	switch s {
	case complaint.Diproses:
		return 1
	case complaint.Dijawab:
		return 2
	case complaint.Selesai, complaint.Ditolak:
		return 3
	}
	return 0
}

// complaints files the demo complaints of the Salatiga office through the
// complaint store, each with its clock set back, and takes their steps as
// the unit's supervisor and worker; then the escalation run marks the
// overdue one, as the server would. It runs after the accounts exist.
// Idempotent: a complaint already there (by its text) only gets the steps
// it lacks, so a run that died half-way is completed.
func complaints(ctx context.Context, env *Env) error {
	unitID, ok := env.Units["dinsos-salatiga"]
	if !ok {
		return nil
	}
	staff := map[string]access.User{}
	for role, name := range map[string]string{"supervisor": "demo.supervisor", "worker": "demo.pekerja"} {
		u, err := access.GetUserByName(ctx, env.DB, name)
		if err != nil {
			return err
		}
		if u.UnitID != unitID {
			return nil // accounts moved by hand: leave the unit alone
		}
		staff[role] = u
	}
	now := time.Now().UTC()
	var clock time.Time
	store := &complaint.Store{DB: env.DB, Now: func() time.Time { return clock }}
	at := func(days float64) time.Time { return now.Add(-time.Duration(days * float64(24*time.Hour))) }
	for _, dc := range demoComplaints {
		var id int64
		var status complaint.Status
		err := db.Err(env.DB.QueryRow(ctx, "SELECT id, status FROM complaint WHERE unit_id = ? AND body = ?", unitID, dc.body).
			Scan(&id, &status))
		if errors.Is(err, db.ErrNotFound) {
			clock = at(dc.ago)
			in := complaint.Input{UnitID: unitID, Category: string(dc.category), Body: dc.body, ContactName: dc.contactName,
				Contact: dc.contact, Channel: dc.channel}
			var ferr error
			if dc.channel == complaint.ChannelCounter {
				// Written down at the front desk by the unit's worker.
				_, ferr = store.Record(ctx, actorOf(staff["worker"]), staff["worker"], unitID, in)
			} else {
				_, ferr = store.File(ctx, in)
			}
			if ferr != nil {
				return ferr
			}
			err = db.Err(env.DB.QueryRow(ctx, "SELECT id, status FROM complaint WHERE unit_id = ? AND body = ?", unitID, dc.body).
				Scan(&id, &status))
		}
		if err != nil {
			return err
		}
		for i, st := range dc.steps {
			if i < order(status) {
				continue // taken on an earlier run
			}
			u := staff[st.by]
			d, err := store.Get(ctx, u, unitID, id)
			if err != nil {
				return err
			}
			in := complaint.ActInput{Action: st.action, Version: d.Version, Text: st.text}
			if st.action == complaint.Assign {
				in.AssignTo = staff["worker"].ID
			}
			clock = at(dc.ago - st.after)
			c, err := store.Act(ctx, actorOf(u), u, unitID, id, in)
			if err != nil {
				return err
			}
			status = c.Status
		}
	}
	clock = now
	_, err := store.EscalateOverdue(ctx)
	return err
}

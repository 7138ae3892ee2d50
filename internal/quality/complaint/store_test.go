package complaint_test

import (
	"context"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/holiday"
	"github.com/layan-id/layan/internal/quality/complaint"
	"github.com/layan-id/layan/internal/unit"
	"github.com/layan-id/layan/internal/wilayah"
)

// world is a database with two units of Kota Salatiga and one of Kota
// Makassar, and the staff of the first two.
type world struct {
	t                  *testing.T
	d                  *db.DB
	st                 *complaint.Store
	clock              time.Time
	salatiga, other    unit.Unit
	makassar           unit.Unit
	sup, wk, wk2, away access.User // away: a worker of the other unit
	admin, adminSulsel access.User
	planner            access.User
}

func newWorld(t *testing.T, engine string) *world {
	t.Helper()
	ctx := context.Background()
	d := dbtest.Open(t, engine)
	ix, err := dbtest.Regions()
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, d: d}
	// Monday 2 June 2025, 09:00 WIB.
	w.clock = time.Date(2025, 6, 2, 2, 0, 0, 0, time.UTC)
	w.st = &complaint.Store{DB: d, Now: func() time.Time { return w.clock }}
	sys := audit.System("test")
	mk := func(name string, region wilayah.Code) unit.Unit {
		u, err := unit.Create(ctx, d, ix, sys, access.Scope{All: true}, unit.Input{Type: unit.DinsosKabKota, Name: name, Region: region})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	w.salatiga = mk("Dinas Sosial Kota Salatiga", "33.73")
	w.other = mk("LKS Uji Salatiga", "33.73")
	w.makassar = mk("Dinas Sosial Kota Makassar", "73.71")
	user := func(in access.UserInput) access.User {
		made, _, err := access.CreateUser(ctx, d, sys, access.Scope{All: true}, in)
		if err != nil {
			t.Fatal(err)
		}
		u, err := access.GetUser(ctx, d, made.ID)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	w.sup = user(access.UserInput{Username: "kepala", FullName: "Kepala Unit", Role: access.Supervisor, UnitID: w.salatiga.ID})
	w.wk = user(access.UserInput{Username: "pekerja", FullName: "Pekerja Satu", Role: access.Worker, UnitID: w.salatiga.ID})
	w.wk2 = user(access.UserInput{Username: "pekerja2", FullName: "Pekerja Dua", Role: access.Worker, UnitID: w.salatiga.ID})
	w.away = user(access.UserInput{Username: "lain", FullName: "Pekerja Lain", Role: access.Worker, UnitID: w.other.ID})
	w.admin = user(access.UserInput{Username: "admin.jateng", FullName: "Admin Jateng", Role: access.Admin, Region: "33"})
	w.adminSulsel = user(access.UserInput{Username: "admin.sulsel", FullName: "Admin Sulsel", Role: access.Admin, Region: "73"})
	w.planner = user(access.UserInput{Username: "perencana", FullName: "Perencana", Role: access.Planner, Region: "33.73"})
	return w
}

func (w *world) file(unitID int64, cat complaint.Category) complaint.Filed {
	w.t.Helper()
	f, err := w.st.File(context.Background(), complaint.Input{UnitID: unitID, Category: string(cat),
		Body: "Petugas loket tidak ada selama dua jam.", ContactName: "Bu Sri", Contact: "0812 3456 7890", Channel: complaint.ChannelWeb})
	if err != nil {
		w.t.Fatal(err)
	}
	return f
}

func (w *world) count(table string) int {
	var n int
	if err := w.d.QueryRow(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}

func kind(err error) apperr.Kind { return apperr.KindOf(err) }

func TestStore(t *testing.T) {
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			w := newWorld(t, engine)
			ctx := context.Background()

			// Bad input: refused by field, nothing stored.
			for _, in := range []complaint.Input{
				{UnitID: w.salatiga.ID, Category: "pungli", Body: "Petugas minta uang tambahan."},
				{UnitID: w.salatiga.ID, Category: "biaya", Body: "pendek"},
				{UnitID: w.salatiga.ID, Category: "biaya", Body: "Petugas minta uang tambahan.", Contact: "bukan kontak"},
				{UnitID: 999999, Category: "biaya", Body: "Petugas minta uang tambahan."},
				{UnitID: w.salatiga.ID, Category: "biaya", Body: "Petugas minta\x00 uang tambahan."},
			} {
				if _, err := w.st.File(ctx, in); kind(err) != apperr.Invalid {
					t.Errorf("File(%+v) = %v, want invalid", in, err)
				}
			}
			if n := w.count("complaint") + w.count("complaint_event"); n != 0 {
				t.Fatalf("refused complaints stored %d rows", n)
			}

			f := w.file(w.salatiga.ID, complaint.CatWaktu)
			// Due by the end of Monday 9 June WIB: 17:00 UTC on the 9th.
			if want := time.Date(2025, 6, 9, 17, 0, 0, 0, time.UTC); !f.DueAt.Equal(want) {
				t.Errorf("due %s, want %s", f.DueAt, want)
			}

			// Tracking: any case, and no text or contact.
			v, err := w.st.Track(ctx, " "+f.Code[4:]+" ")
			if err != nil || v.Status != complaint.Diterima || v.UnitName != w.salatiga.Name || len(v.Steps) != 1 {
				t.Fatalf("Track = %+v, %v", v, err)
			}
			typo := []byte(f.Code)
			typo[5] = map[bool]byte{true: 'A', false: 'B'}[typo[5] != 'A']
			if _, err := w.st.Track(ctx, string(typo)); kind(err) != apperr.NotFound || apperr.As(err).Key != "complaint.code_typo" {
				t.Errorf("Track(typo) = %v, want code_typo", err)
			}
			unknown := complaint.FormatCode(complaint.NewCode())
			if _, err := w.st.Track(ctx, unknown); kind(err) != apperr.NotFound || apperr.As(err).Key != "complaint.code_unknown" {
				t.Errorf("Track(unknown) = %v, want code_unknown", err)
			}

			list, total, err := w.st.List(ctx, w.sup, w.salatiga.ID, complaint.ListFilter{})
			if err != nil || total != 1 || list[0].Contact == "" {
				t.Fatalf("List = %v, %d, %v", list, total, err)
			}
			c := list[0]
			sys := audit.Actor{UserID: w.sup.ID, Name: w.sup.FullName}

			// Out of reach: another unit's worker, another region's admin, a planner.
			for _, u := range []access.User{w.away, w.adminSulsel, w.planner} {
				if _, err := w.st.Get(ctx, u, w.salatiga.ID, c.ID); kind(err) != apperr.NotFound {
					t.Errorf("Get as %s = %v, want not found", u.Username, err)
				}
				if _, err := w.st.Act(ctx, sys, u, w.salatiga.ID, c.ID, complaint.ActInput{Action: complaint.Respond, Version: 1, Text: "x"}); kind(err) != apperr.NotFound {
					t.Errorf("Act as %s = %v, want not found", u.Username, err)
				}
			}
			// Under the wrong unit's path: not found either.
			if _, err := w.st.Get(ctx, w.away, w.other.ID, c.ID); kind(err) != apperr.NotFound {
				t.Errorf("Get under another unit = %v", err)
			}
			// A worker not assigned may not answer; an empty answer is
			// refused; both change nothing.
			if _, err := w.st.Act(ctx, sys, w.wk, w.salatiga.ID, c.ID, complaint.ActInput{Action: complaint.Respond, Version: 1, Text: "Jawab"}); kind(err) != apperr.Forbidden {
				t.Errorf("unassigned worker responds: %v", err)
			}
			if _, err := w.st.Act(ctx, sys, w.sup, w.salatiga.ID, c.ID, complaint.ActInput{Action: complaint.Assign, Version: 1, AssignTo: w.away.ID}); kind(err) != apperr.Invalid {
				t.Errorf("assign to another unit's worker: %v", err)
			}
			events := w.count("complaint_event")
			audits := w.count("audit_log")

			got, err := w.st.Act(ctx, sys, w.sup, w.salatiga.ID, c.ID, complaint.ActInput{Action: complaint.Assign, Version: 1, AssignTo: w.wk.ID})
			if err != nil || got.Status != complaint.Diproses || got.AssignedTo != w.wk.ID {
				t.Fatalf("assign: %+v, %v", got, err)
			}
			if _, err := w.st.Act(ctx, sys, w.sup, w.salatiga.ID, c.ID, complaint.ActInput{Action: complaint.Assign, Version: 1, AssignTo: w.wk2.ID}); kind(err) != apperr.Conflict {
				t.Errorf("stale version: %v", err)
			}
			// It is on the assigned worker's work list, not on the other's.
			if mine, _ := w.st.Waiting(ctx, w.wk); len(mine) != 1 || mine[0].ID != c.ID {
				t.Errorf("waiting for the assigned worker: %+v", mine)
			}
			if other, _ := w.st.Waiting(ctx, w.wk2); len(other) != 0 {
				t.Errorf("waiting for another worker: %+v", other)
			}
			wact := audit.Actor{UserID: w.wk.ID, Name: w.wk.FullName}
			if _, err := w.st.Act(ctx, wact, w.wk, w.salatiga.ID, c.ID, complaint.ActInput{Action: complaint.Respond, Version: 2, Text: "  "}); kind(err) != apperr.Invalid {
				t.Errorf("empty response: %v", err)
			}
			w.clock = w.clock.Add(26 * time.Hour)
			got, err = w.st.Act(ctx, wact, w.wk, w.salatiga.ID, c.ID, complaint.ActInput{Action: complaint.Respond, Version: 2, Text: "Loket kini dijaga dua petugas."})
			if err != nil || got.Status != complaint.Dijawab {
				t.Fatalf("respond: %+v, %v", got, err)
			}
			if _, err := w.st.Act(ctx, wact, w.wk, w.salatiga.ID, c.ID, complaint.ActInput{Action: complaint.Close, Version: 3}); kind(err) != apperr.Forbidden {
				t.Errorf("worker closes: %v", err)
			}
			got, err = w.st.Act(ctx, sys, w.sup, w.salatiga.ID, c.ID, complaint.ActInput{Action: complaint.Close, Version: 3})
			if err != nil || got.Status != complaint.Selesai || got.ClosedAt == nil {
				t.Fatalf("close: %+v, %v", got, err)
			}
			if e, a := w.count("complaint_event")-events, w.count("audit_log")-audits; e != 3 || a != 3 {
				t.Errorf("3 steps wrote %d events and %d audit records", e, a)
			}
			v, err = w.st.Track(ctx, f.Code)
			if err != nil || v.Response != "Loket kini dijaga dua petugas." || len(v.Steps) != 4 {
				t.Errorf("Track after closing = %+v, %v", v, err)
			}
			d, err := w.st.Get(ctx, w.admin, w.salatiga.ID, c.ID)
			if err != nil || len(d.Events) != 4 || len(d.Allowed) != 0 {
				t.Errorf("Get as the region's admin = %+v, %v", d, err)
			}
		})
	}
}

func TestEscalation(t *testing.T) {
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			w := newWorld(t, engine)
			ctx := context.Background()
			w.file(w.salatiga.ID, complaint.CatPetugas) // due end of Mon 9 June
			w.file(w.makassar.ID, complaint.CatBiaya)
			answered := w.file(w.salatiga.ID, complaint.CatBiaya)
			list, _, _ := w.st.List(ctx, w.sup, w.salatiga.ID, complaint.ListFilter{})
			for _, c := range list {
				if c.Code == answered.Code {
					if _, err := w.st.Act(ctx, audit.System("t"), w.sup, w.salatiga.ID, c.ID, complaint.ActInput{Action: complaint.Respond, Version: 1, Text: "Sudah."}); err != nil {
						t.Fatal(err)
					}
				}
			}
			run := func(want int) {
				t.Helper()
				n, err := w.st.EscalateOverdue(ctx)
				if err != nil || n != want {
					t.Errorf("at %s: EscalateOverdue = %d, %v; want %d", w.clock, n, err, want)
				}
			}
			run(0)
			w.clock = time.Date(2025, 6, 9, 18, 0, 0, 0, time.UTC) // past the deadline
			run(2)
			run(0) // again: nothing more
			if esc, _ := w.st.Waiting(ctx, w.sup); len(esc) != 1 || esc[0].Escalation != complaint.LevelSupervisor {
				t.Errorf("waiting for the supervisor: %+v, want the escalated one", esc)
			}
			if esc, _ := w.st.Waiting(ctx, w.admin); len(esc) != 0 {
				t.Errorf("escalated to the admin at level 1: %d", len(esc))
			}
			over, _, _ := w.st.List(ctx, w.sup, w.salatiga.ID, complaint.ListFilter{Overdue: true})
			if len(over) != 1 || over[0].Escalation != complaint.LevelSupervisor {
				t.Errorf("overdue list = %+v", over)
			}
			w.clock = time.Date(2025, 6, 17, 1, 0, 0, 0, time.UTC) // five more working days
			run(2)
			run(0)
			if esc, _ := w.st.Waiting(ctx, w.admin); len(esc) != 1 {
				t.Errorf("escalated to the Jawa Tengah admin: %d, want 1", len(esc))
			}
			if esc, _ := w.st.Waiting(ctx, w.adminSulsel); len(esc) != 1 {
				t.Errorf("escalated to the Sulsel admin: %d, want 1", len(esc))
			}
		})
	}
}

// A worked example of the figures: Salatiga receives four complaints in
// June 2025 and one in July.
//
//	A  filed Mon 2 June, answered Tue 3 June (1 day), closed: on time, closed
//	B  filed Mon 2 June, answered Thu 12 June (10 days), past due 9 June: late, open (dijawab)
//	C  filed Mon 2 June, rejected Wed 4 June (2 days): on time, closed
//	D  filed Mon 2 June, no answer, now 20 June: late, open
//	E  filed 1 July: outside June
//
// June: received 4, closed 2, on time 2, late 2, open 2, median of
// (1, 2, 10) days = 2.
func TestFiguresWorkedExample(t *testing.T) {
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			w := newWorld(t, engine)
			ctx := context.Background()
			var codes []string
			for range 4 {
				codes = append(codes, w.file(w.salatiga.ID, complaint.CatWaktu).Code)
			}
			w.file(w.makassar.ID, complaint.CatBiaya) // another region
			byCode := map[string]complaint.Complaint{}
			list, _, _ := w.st.List(ctx, w.sup, w.salatiga.ID, complaint.ListFilter{})
			for _, c := range list {
				byCode[c.Code] = c
			}
			act := func(code string, days int, in complaint.ActInput) {
				t.Helper()
				w.clock = time.Date(2025, 6, 2, 2, 0, 0, 0, time.UTC).Add(time.Duration(days) * 24 * time.Hour)
				c := byCode[code]
				in.Version = c.Version
				got, err := w.st.Act(ctx, audit.System("t"), w.sup, w.salatiga.ID, c.ID, in)
				if err != nil {
					t.Fatal(err)
				}
				byCode[code] = got
			}
			act(codes[0], 1, complaint.ActInput{Action: complaint.Respond, Text: "Ya."})
			act(codes[0], 1, complaint.ActInput{Action: complaint.Close})
			act(codes[1], 10, complaint.ActInput{Action: complaint.Respond, Text: "Maaf terlambat."})
			act(codes[2], 2, complaint.ActInput{Action: complaint.Reject, Text: "Bukan wewenang unit."})
			w.clock = time.Date(2025, 7, 1, 2, 0, 0, 0, time.UTC)
			w.file(w.salatiga.ID, complaint.CatPetugas)
			w.clock = time.Date(2025, 6, 20, 2, 0, 0, 0, time.UTC)

			from, to := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
			got, err := w.st.Figures(ctx, w.salatiga.ID, from, to)
			want := complaint.Figures{Received: 4, Closed: 2, OnTime: 2, Late: 2, Open: 2, MedianDays: 2}
			if err != nil || got != want {
				t.Errorf("Figures = %+v, %v; want %+v", got, err, want)
			}
			empty, err := w.st.Figures(ctx, w.other.ID, from, to)
			if err != nil || empty != (complaint.Figures{}) {
				t.Errorf("Figures of a unit without complaints = %+v, %v", empty, err)
			}

			// The region view: the planner of Kota Salatiga sees both of its
			// units, counts only; the Sulsel admin is refused Salatiga.
			rf, err := w.st.RegionFigures(ctx, w.planner, "", from, to)
			if err != nil || len(rf.Units) != 2 || rf.Total != want {
				t.Fatalf("RegionFigures(planner) = %+v, %v", rf, err)
			}
			for _, c := range rf.Categories {
				if (c.Category == complaint.CatWaktu) != (c.Count == 4) {
					t.Errorf("category %s: %d", c.Category, c.Count)
				}
			}
			if _, err := w.st.RegionFigures(ctx, w.adminSulsel, "33.73", from, to); kind(err) != apperr.NotFound {
				t.Errorf("Sulsel admin on Salatiga: %v", err)
			}
			sup, err := w.st.RegionFigures(ctx, w.sup, "", from, to)
			if err != nil || len(sup.Units) != 1 || sup.Units[0].UnitID != w.salatiga.ID {
				t.Errorf("RegionFigures(supervisor) = %+v, %v", sup, err)
			}
			if _, err := w.st.RegionFigures(ctx, w.wk, "", from, to); kind(err) != apperr.Forbidden {
				t.Errorf("RegionFigures(worker) = %v", err)
			}
		})
	}
}

// A complaint received at the counter: written down by the unit's staff
// with the channel "counter", the same deadline, an event naming the
// member of staff and an audit record; refused by field when bad (nothing
// stored) and for staff of another unit or a planner (the unit does not
// exist for them); a public filing cannot claim the counter.
func TestRecordAtCounter(t *testing.T) {
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			w := newWorld(t, engine)
			ctx := context.Background()
			in := complaint.Input{Category: string(complaint.CatPersyarat), Body: "Berkas saya dikembalikan tanpa penjelasan.",
				ContactName: "Pak Darto", Contact: "0813 1111 2222"}
			audits := w.count("audit_log") // the units and accounts of the world
			for _, u := range []access.User{w.away, w.planner, w.adminSulsel} {
				if _, err := w.st.Record(ctx, audit.Actor{UserID: u.ID, Name: u.Username}, u, w.salatiga.ID, in); kind(err) != apperr.NotFound {
					t.Errorf("%s records at Salatiga: %v, want not found", u.Username, err)
				}
			}
			bad := in
			bad.Body = "pendek"
			if _, err := w.st.Record(ctx, audit.Actor{UserID: w.wk.ID, Name: w.wk.Username}, w.wk, w.salatiga.ID, bad); kind(err) != apperr.Invalid {
				t.Errorf("a short text: %v, want invalid", err)
			}
			if n := w.count("complaint") + w.count("complaint_event") + w.count("audit_log") - audits; n != 0 {
				t.Fatalf("refused records stored %d rows", n)
			}
			f, err := w.st.Record(ctx, audit.Actor{UserID: w.wk.ID, Name: w.wk.Username}, w.wk, w.salatiga.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			if want := time.Date(2025, 6, 9, 17, 0, 0, 0, time.UTC); !f.DueAt.Equal(want) || f.ID == 0 {
				t.Errorf("recorded: %+v, want due %s and an id", f, want)
			}
			d, err := w.st.Get(ctx, w.sup, w.salatiga.ID, f.ID)
			if err != nil {
				t.Fatal(err)
			}
			if d.Channel != complaint.ChannelCounter || d.Code != f.Code || len(d.Events) != 1 || d.Events[0].ActorName != w.wk.Username {
				t.Errorf("recorded complaint: channel %s, code %s/%s, events %+v", d.Channel, d.Code, f.Code, d.Events)
			}
			if n := w.count("audit_log") - audits; n != 1 {
				t.Errorf("%d audit records, want 1", n)
			}
			// The public form cannot pose as the counter.
			pub, err := w.st.File(ctx, complaint.Input{UnitID: w.salatiga.ID, Category: "biaya", Body: "Petugas minta uang tambahan.",
				Channel: complaint.ChannelCounter})
			if err != nil {
				t.Fatal(err)
			}
			if d, err := w.st.Get(ctx, w.sup, w.salatiga.ID, pub.ID); err != nil || d.Channel != complaint.ChannelWeb {
				t.Errorf("a public filing claiming the counter: %s, %v", d.Channel, err)
			}
		})
	}
}

// A day off the admin entered moves the deadline and the escalation: filed
// on Monday 2 June 2025 with Wednesday 4 June off, the answer is due by the
// end of Tuesday 10 June, not Monday 9.
func TestDeadlineSkipsDaysOff(t *testing.T) {
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			w := newWorld(t, engine)
			ctx := context.Background()
			root := access.User{ID: w.admin.ID, Role: access.Admin}
			if _, err := holiday.Save(ctx, w.d, audit.System("test"), root,
				holiday.Day{Date: "2025-06-04", Name: "Cuti bersama", Kind: holiday.CutiBersama}); err != nil {
				t.Fatal(err)
			}
			f := w.file(w.salatiga.ID, complaint.CatPetugas)
			wib := time.FixedZone("WIB", 7*3600)
			if want := time.Date(2025, 6, 11, 0, 0, 0, 0, wib); !f.DueAt.Equal(want) {
				t.Errorf("due %s, want %s", f.DueAt.In(wib), want)
			}
			w.clock = time.Date(2025, 6, 10, 12, 0, 0, 0, time.UTC) // Tuesday: still on time
			if n, err := w.st.EscalateOverdue(ctx); err != nil || n != 0 {
				t.Errorf("escalated on the last day: %d, %v", n, err)
			}
			w.clock = time.Date(2025, 6, 11, 1, 0, 0, 0, time.UTC) // Wednesday 08:00 WIB
			if n, err := w.st.EscalateOverdue(ctx); err != nil || n != 1 {
				t.Errorf("escalated the day after: %d, %v", n, err)
			}
		})
	}
}

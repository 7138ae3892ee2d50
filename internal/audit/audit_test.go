package audit_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/wilayah"
)

var ctx = context.Background()

func forEngines(t *testing.T, f func(t *testing.T, d *db.DB)) {
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) { f(t, dbtest.Open(t, engine)) })
	}
}

// record writes entries and returns their ids, oldest first.
func record(t *testing.T, d *db.DB, a audit.Actor, entries ...audit.Entry) []int64 {
	t.Helper()
	var ids []int64
	for _, e := range entries {
		if err := audit.Record(ctx, d, a, e); err != nil {
			t.Fatal(err)
		}
		var id int64
		if err := d.QueryRow(ctx, "SELECT MAX(id) FROM audit_log").Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func ids(items []audit.Item) []int64 {
	var out []int64
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}

type unitAfter struct {
	Name   string `json:"name"`
	Region string `json:"region"`
}

// regionsOf are the records of the scope tests: two in Salatiga (one in a
// village of it), one of Jawa Tengah itself, one in Bekasi (Jawa Barat), one
// in Makassar, one without a region (an account of the whole deployment).
var regionsOf = []wilayah.Code{"33.73", "33.73.04.1001", "33", "32.75", "73.71", ""}

func seed(t *testing.T, d *db.DB) []int64 {
	t.Helper()
	admin := audit.Actor{UserID: 7, Name: "demo.admin", RequestID: "r1"}
	var entries []audit.Entry
	for i, r := range regionsOf {
		entries = append(entries, audit.Entry{Action: audit.Create, Entity: "unit", EntityID: fmt.Sprint(i + 1), Region: r,
			After: unitAfter{Name: fmt.Sprintf("Unit %d", i+1), Region: string(r)}})
	}
	return record(t, d, admin, entries...)
}

func TestStoreScope(t *testing.T) {
	forEngines(t, func(t *testing.T, d *db.DB) {
		all := seed(t, d)
		at := func(i ...int) []int64 {
			var out []int64
			for j := len(i) - 1; j >= 0; j-- { // newest first
				out = append(out, all[i[j]])
			}
			return out
		}
		for _, c := range []struct {
			name   string
			all    bool
			within wilayah.Code
			want   []int64
		}{
			{"everything", true, "", at(0, 1, 2, 3, 4, 5)},
			{"All ignores Within", true, "73", at(0, 1, 2, 3, 4, 5)},
			{"Jawa Tengah", false, "33", at(0, 1, 2)},
			{"Salatiga", false, "33.73", at(0, 1)},
			{"a village", false, "33.73.04.1001", at(1)},
			{"Sulawesi Selatan", false, "73", at(4)},
			{"Jawa Barat", false, "32", at(3)},
			{"a province without records", false, "53", nil},
			{"no region reads nothing", false, "", nil},
		} {
			t.Run(c.name, func(t *testing.T) {
				items, err := audit.List(ctx, d, audit.Filter{All: c.all, Within: c.within})
				if err != nil {
					t.Fatal(err)
				}
				if got := ids(items); !slices.Equal(got, c.want) {
					t.Errorf("List = %v, want %v", got, c.want)
				}
				n, err := audit.Count(ctx, d, c.all, c.within)
				if err != nil || n != len(c.want) {
					t.Errorf("Count = %d, %v; want %d", n, err, len(c.want))
				}
			})
		}
	})
}

func TestStoreRecord(t *testing.T) {
	forEngines(t, func(t *testing.T, d *db.DB) {
		start := db.Now()
		record(t, d, audit.Actor{UserID: 3, Name: "demo.admin", RequestID: "abc"}, audit.Entry{
			Action: audit.Update, Entity: "unit", EntityID: "9", Region: "33.73",
			Before: unitAfter{Name: "Lama", Region: "33.73"}, After: unitAfter{Name: "Baru", Region: "33.73"}})
		record(t, d, audit.System(""), audit.Entry{Action: audit.Reset, Entity: "user", EntityID: "4"})
		items, err := audit.List(ctx, d, audit.Filter{All: true})
		if err != nil || len(items) != 2 {
			t.Fatalf("List = %v, %v", items, err)
		}
		sys, upd := items[0], items[1]
		if upd.ActorID == nil || *upd.ActorID != 3 || upd.ActorName != "demo.admin" || upd.RequestID != "abc" ||
			upd.Region == nil || *upd.Region != "33.73" || upd.Before == nil || *upd.Before != `{"name":"Lama","region":"33.73"}` ||
			upd.After == nil || *upd.After != `{"name":"Baru","region":"33.73"}` {
			t.Errorf("update record %+v", upd)
		}
		if sys.ActorID != nil || sys.ActorName != "system" || sys.Region != nil || sys.Before != nil || sys.After != nil {
			t.Errorf("system record %+v", sys)
		}
		for _, it := range items {
			if it.At.Location() != time.UTC || it.At.Before(start.Add(-time.Second)) || it.At.After(db.Now().Add(time.Second)) {
				t.Errorf("record time %v", it.At)
			}
		}
		// What cannot be encoded is refused, and nothing is written.
		if err := audit.Record(ctx, d, audit.System("x"), audit.Entry{Action: "x", Entity: "x", After: func() {}}); err == nil {
			t.Errorf("Record of an unencodable value succeeded")
		}
		if n, _ := audit.Count(ctx, d, true, ""); n != 2 {
			t.Errorf("%d records, want 2", n)
		}
	})
}

func TestStoreAppendOnly(t *testing.T) {
	forEngines(t, func(t *testing.T, d *db.DB) {
		seed(t, d)
		if _, err := d.Exec(ctx, "UPDATE audit_log SET actor_name = ?", "pemalsu"); err == nil {
			t.Errorf("UPDATE of the audit log succeeded")
		}
		if _, err := d.Exec(ctx, "DELETE FROM audit_log"); err == nil {
			t.Errorf("DELETE from the audit log succeeded")
		}
		if n, _ := audit.Count(ctx, d, true, ""); n != len(regionsOf) {
			t.Errorf("%d records left, want %d", n, len(regionsOf))
		}
		// A record written in a transaction that rolls back is gone with it.
		boom := fmt.Errorf("boom")
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if err := audit.Record(ctx, tx, audit.System("x"), audit.Entry{Action: "create", Entity: "unit", EntityID: "1"}); err != nil {
				return err
			}
			return boom
		})
		if err != boom {
			t.Fatalf("InTx = %v", err)
		}
		if n, _ := audit.Count(ctx, d, true, ""); n != len(regionsOf) {
			t.Errorf("a rolled-back record stayed")
		}
	})
}

func TestStorePaging(t *testing.T) {
	forEngines(t, func(t *testing.T, d *db.DB) {
		var entries []audit.Entry
		for i := 0; i < 7; i++ {
			entries = append(entries, audit.Entry{Action: audit.Update, Entity: "unit", EntityID: fmt.Sprint(i), Region: "33.73"})
		}
		all := record(t, d, audit.System("x"), entries...)
		slices.Reverse(all) // newest first
		var pages [][]int64
		f := audit.Filter{Within: "33", Limit: 3}
		for {
			items, err := audit.List(ctx, d, f)
			if err != nil {
				t.Fatal(err)
			}
			if len(items) == 0 {
				break
			}
			pages = append(pages, ids(items))
			f.BeforeID = items[len(items)-1].ID
			if len(pages) == 1 {
				// A record arriving meanwhile does not shift later pages.
				record(t, d, audit.System("x"), audit.Entry{Action: audit.Create, Entity: "unit", EntityID: "new", Region: "33.73"})
			}
		}
		want := [][]int64{all[0:3], all[3:6], all[6:7]}
		if fmt.Sprint(pages) != fmt.Sprint(want) {
			t.Errorf("pages %v, want %v", pages, want)
		}
	})
}

func TestStoreLimits(t *testing.T) {
	forEngines(t, func(t *testing.T, d *db.DB) {
		err := d.InTx(ctx, func(tx *db.Tx) error {
			for i := 0; i < 205; i++ {
				if err := audit.Record(ctx, tx, audit.System("x"), audit.Entry{Action: audit.Create, Entity: "unit", EntityID: fmt.Sprint(i)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ limit, want int }{{0, 50}, {-1, 50}, {10, 10}, {200, 200}, {1000, 200}} {
			items, err := audit.List(ctx, d, audit.Filter{All: true, Limit: c.limit})
			if err != nil || len(items) != c.want {
				t.Errorf("Limit %d: %d records, %v; want %d", c.limit, len(items), err, c.want)
			}
		}
	})
}

func TestStoreFilters(t *testing.T) {
	forEngines(t, func(t *testing.T, d *db.DB) {
		start := db.Now().Add(-time.Second)
		admin := audit.Actor{UserID: 1, Name: "demo.admin"}
		sulsel := audit.Actor{UserID: 2, Name: "admin.sulsel"}
		ids := record(t, d, admin,
			audit.Entry{Action: audit.Create, Entity: "unit", EntityID: "1", Region: "33.73"},
			audit.Entry{Action: audit.Update, Entity: "unit", EntityID: "1", Region: "33.73"},
			audit.Entry{Action: audit.Create, Entity: "user", EntityID: "1", Region: "33.73"},
		)
		ids = append(ids, record(t, d, sulsel,
			audit.Entry{Action: audit.Deactivate, Entity: "user", EntityID: "2", Region: "73.71"},
			audit.Entry{Action: audit.Create, Entity: "unit", EntityID: "3", Region: "73.71"},
		)...)
		end := db.Now().Add(time.Second)
		newest := func(i ...int) []int64 {
			var out []int64
			for j := len(i) - 1; j >= 0; j-- {
				out = append(out, ids[i[j]])
			}
			return out
		}
		for _, c := range []struct {
			name string
			f    audit.Filter
			want []int64
		}{
			{"entity", audit.Filter{All: true, Entity: "unit"}, newest(0, 1, 4)},
			{"entity and id", audit.Filter{All: true, Entity: "unit", EntityID: "1"}, newest(0, 1)},
			{"id alone", audit.Filter{All: true, EntityID: "1"}, newest(0, 1, 2)},
			{"actor", audit.Filter{All: true, Actor: "admin.sulsel"}, newest(3, 4)},
			{"actor is exact", audit.Filter{All: true, Actor: "admin"}, nil},
			{"action", audit.Filter{All: true, Action: audit.Create}, newest(0, 2, 4)},
			{"action within a region", audit.Filter{Within: "73", Action: audit.Create}, newest(4)},
			{"filters never widen the region", audit.Filter{Within: "73", Actor: "demo.admin"}, nil},
			{"from the start", audit.Filter{All: true, From: start}, newest(0, 1, 2, 3, 4)},
			{"from the future", audit.Filter{All: true, From: end}, nil},
			{"to the start", audit.Filter{All: true, To: start}, nil},
			{"a window around the test", audit.Filter{All: true, From: start, To: end, Entity: "user"}, newest(2, 3)},
			{"a window in another zone", audit.Filter{All: true, From: start.In(time.FixedZone("WITA", 8*3600)), To: end.In(time.FixedZone("WIT", 9*3600))}, newest(0, 1, 2, 3, 4)},
		} {
			t.Run(c.name, func(t *testing.T) {
				items, err := audit.List(ctx, d, c.f)
				if err != nil {
					t.Fatal(err)
				}
				var got []int64
				for _, it := range items {
					got = append(got, it.ID)
				}
				if !slices.Equal(got, c.want) {
					t.Errorf("List = %v, want %v", got, c.want)
				}
			})
		}
	})
}

// Subjects selects the records about any of several records (a person's
// history: their own, their households', their consents'); ExceptAction
// leaves out the openings; CountMatching counts what a filter selects.
func TestListSubjects(t *testing.T) {
	forEngines(t, func(t *testing.T, d *db.DB) {
		a := audit.Actor{UserID: 0, Name: "uji"}
		got := record(t, d, a,
			audit.Entry{Action: audit.Create, Entity: "person", EntityID: "7"},
			audit.Entry{Action: audit.Read, Entity: "person", EntityID: "7"},
			audit.Entry{Action: audit.Create, Entity: "person", EntityID: "8"},
			audit.Entry{Action: audit.Update, Entity: "household", EntityID: "3"},
			audit.Entry{Action: audit.Update, Entity: "household", EntityID: "4"},
			audit.Entry{Action: audit.Create, Entity: "consent", EntityID: "7"},
			audit.Entry{Action: audit.Read, Entity: "person", EntityID: "7"},
		)
		f := audit.Filter{All: true, Subjects: []audit.Subject{{Entity: "person", ID: "7"}, {Entity: "household", ID: "3"},
			{Entity: "household", ID: "5"}, {Entity: "consent", ID: "7"}}}
		items, err := audit.List(ctx, d, f)
		if err != nil {
			t.Fatal(err)
		}
		if want := []int64{got[6], got[5], got[3], got[1], got[0]}; !slices.Equal(ids(items), want) {
			t.Errorf("subjects: %v, want %v", ids(items), want)
		}
		f.ExceptAction = audit.Read
		if items, err = audit.List(ctx, d, f); err != nil {
			t.Fatal(err)
		}
		if want := []int64{got[5], got[3], got[0]}; !slices.Equal(ids(items), want) {
			t.Errorf("subjects without openings: %v, want %v", ids(items), want)
		}
		n, err := audit.CountMatching(ctx, d, audit.Filter{All: true, Entity: "person", EntityID: "7", Action: audit.Read, Limit: 1})
		if err != nil || n != 2 {
			t.Errorf("CountMatching openings = %d, %v; want 2", n, err)
		}
		if n, err := audit.CountMatching(ctx, d, audit.Filter{Subjects: f.Subjects}); err != nil || n != 0 {
			t.Errorf("CountMatching without scope = %d, %v; want 0", n, err)
		}
	})
}

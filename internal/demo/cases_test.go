package demo_test

import (
	"context"
	"testing"

	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/demo"
)

// The demo office has cases in every stage a new user should see, written
// through the case store (so every rule held), and a second load adds none.
func TestDemoCases(t *testing.T) {
	ctx := context.Background()
	for _, engine := range dbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			d := dbtest.Open(t, engine)
			ix, err := dbtest.Regions()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := demo.Load(ctx, d, ix); err != nil {
				t.Fatal(err)
			}
			stages := map[string]int{}
			rows, err := d.Query(ctx, "SELECT stage, COUNT(*) FROM case_file GROUP BY stage")
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var s string
				var n int
				if err := rows.Scan(&s, &n); err != nil {
					t.Fatal(err)
				}
				stages[s] = n
			}
			rows.Close()
			for _, s := range []string{"pendekatan_awal", "asesmen", "rencana_intervensi", "intervensi", "resosialisasi",
				"terminasi", "bimbingan_lanjut"} {
				if stages[s] == 0 {
					t.Errorf("no demo case in stage %s (%v)", s, stages)
				}
			}
			var services, events, referrals, visits, done int
			d.QueryRow(ctx, "SELECT COUNT(*) FROM case_service").Scan(&services)
			d.QueryRow(ctx, "SELECT COUNT(*) FROM case_event").Scan(&events)
			d.QueryRow(ctx, "SELECT COUNT(*) FROM case_referral").Scan(&referrals)
			d.QueryRow(ctx, "SELECT COUNT(*), COUNT(done_on) FROM case_follow_up").Scan(&visits, &done)
			if services < 10 || events < 50 || referrals != 2 || visits < 3 || done != 1 {
				t.Errorf("%d services, %d events, %d referrals, %d follow-ups (%d done)", services, events, referrals, visits, done)
			}
			if _, err := demo.Load(ctx, d, ix); err != nil {
				t.Fatal(err)
			}
			var n int
			d.QueryRow(ctx, "SELECT COUNT(*) FROM case_file").Scan(&n)
			if n != sum(stages) {
				t.Errorf("a second load changed the cases: %d, was %d", n, sum(stages))
			}
		})
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

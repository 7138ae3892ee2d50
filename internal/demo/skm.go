package demo

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/quality/ikm"
	"github.com/layan-id/layan/internal/quality/survey"
)

// skmSurvey gives two demo units a satisfaction survey a new user can look
// at: last quarter's period, closed and published, and this quarter's,
// open, each with answers. The answers are drawn from a fixed seed, so
// every demo shows the same figures; biaya (U4) is mostly "Gratis", as
// social services are, and complaint handling (U8) the weakest, so the
// improvement plan has somewhere to start. Idempotent: a unit that has a
// period is left alone.
func skmSurvey(ctx context.Context, env *Env) error {
	now := time.Now().In(time.FixedZone("WIB", 7*3600))
	cur := (int(now.Month())-1)/3 + 1
	prevYear, prev := now.Year(), cur-1
	if prev == 0 {
		prevYear, prev = now.Year()-1, 4
	}
	admin := access.User{Role: access.Admin}
	store := &survey.Store{DB: env.DB}
	for i, key := range []string{"dinsos-salatiga", "dinsos-makassar"} {
		id, ok := env.Units[key]
		if !ok {
			continue
		}
		ps, err := store.Periods(ctx, admin, id)
		if err != nil {
			return err
		}
		if len(ps) > 0 {
			continue
		}
		rng := rand.New(rand.NewPCG(uint64(id), 2017))
		for _, spec := range []struct {
			year, number, answers int
			close                 bool
		}{{prevYear, prev, 48 + 10*i, true}, {now.Year(), cur, 23 + 5*i, false}} {
			p, err := store.CreatePeriod(ctx, env.Actor, admin, id, survey.PeriodInput{Kind: survey.Triwulan,
				Year: spec.year, Number: spec.number, Population: 180 + 60*i})
			if err != nil {
				return err
			}
			if p, err = store.SetStatus(ctx, env.Actor, admin, id, p.ID, survey.Open, p.Version); err != nil {
				return err
			}
			code, err := store.Code(ctx, admin, id)
			if err != nil {
				return err
			}
			for range spec.answers {
				if err := store.Submit(ctx, code, demoResponse(rng)); err != nil {
					return err
				}
			}
			if spec.close {
				if _, err := store.SetStatus(ctx, env.Actor, admin, id, p.ID, survey.Closed, p.Version); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// demoResponse is one made-up respondent: mostly 3s and 4s, U4 mostly 4
// (free of charge), U8 lower.
func demoResponse(rng *rand.Rand) survey.Response {
	r := survey.Response{Answers: map[string]int{}}
	for _, e := range ikm.Standard() {
		v := 3
		switch x := rng.IntN(10); {
		case x < 4:
			v = 4
		case x == 9:
			v = 2
		}
		switch e.Code {
		case "U4":
			if rng.IntN(10) < 8 {
				v = 4
			}
		case "U8":
			v = max(1, v-rng.IntN(2))
		}
		r.Answers[e.Code] = v
	}
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	r.Profile = survey.Profile{AgeBand: pick(survey.AgeBands), Sex: pick(survey.Sexes), Education: pick(survey.Educations),
		Occupation: pick(survey.Occupations), Service: pick(survey.Services)}
	return r
}

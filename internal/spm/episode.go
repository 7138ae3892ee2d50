package spm

import (
	"fmt"
	"time"
)

// Episode is one person counted in one jenis: a case cycle whose approved
// assessment concluded that the person needs the service (Y), and the day
// their assessed basic needs were all met (X). The casework derives the
// episodes from its documents; the achievement is counted from them.
//
// Days are YYYY-MM-DD. MetOn is empty while some need is unmet; EndedOn is
// the day the case cycle closed with needs still unmet (terminasi for
// another reason: moved away, died, refused), empty otherwise.
type Episode struct {
	CaseID     int64  `json:"case_id"`
	Cycle      int    `json:"cycle"`
	PersonID   int64  `json:"person_id"`
	Region     string `json:"region"`   // the kab/kota or province that owes the jenis
	Province   string `json:"province"` // Region's province, which every regional row carries
	Jenis      Jenis  `json:"jenis"`
	AssessedOn string `json:"assessed_on"`
	MetOn      string `json:"met_on,omitempty"`
	EndedOn    string `json:"ended_on,omitempty"`
}

// Tally is what episodes add to one region's jenis in one quarter: YIn
// people who entered Y (assessed as needing the service), YOut people who
// left it at the start of the year (served or closed the year before),
// XIn people whose needs were all met. Achievement is a sum of tallies
// (Achieve), so that a change to one case changes a few tallies only.
type Tally struct {
	Region   string `json:"region"`
	Province string `json:"province"`
	Jenis    Jenis  `json:"jenis"`
	Period
	YIn, YOut, XIn int
}

// TallyKey names the tally of a region's jenis in one quarter.
type TallyKey struct {
	Region string
	Jenis  Jenis
	Period
}

// Key is the tally's key.
func (t Tally) Key() TallyKey { return TallyKey{t.Region, t.Jenis, t.Period} }

// quarterOf is the quarter of a day, without Period.Check's lower bound:
// a tally of a day before 2018 is kept as it is, never dropped.
func quarterOf(day string) (Period, error) {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return Period{}, fmt.Errorf("spm: %q is not a day (YYYY-MM-DD)", day)
	}
	return Period{Year: t.Year(), Quarter: (int(t.Month())-1)/3 + 1}, nil
}

// Tallies is what an episode adds. Achievement is counted over the budget
// year, cumulatively (domain.md §2.2), so a person assessed in one year and
// still waiting at its end is still owed the service the next year: they
// stay in Y from the quarter of their assessment until the end of the year
// in which their needs were met or their case closed, and count in X in
// the quarter their needs were met.
func (e Episode) Tallies() ([]Tally, error) {
	from, err := quarterOf(e.AssessedOn)
	if err != nil {
		return nil, err
	}
	base := Tally{Region: e.Region, Province: e.Province, Jenis: e.Jenis}
	in := base
	in.Period, in.YIn = from, 1
	out := []Tally{in}
	end := e.EndedOn
	if e.MetOn != "" {
		met, err := quarterOf(e.MetOn)
		if err != nil {
			return nil, err
		}
		if met.Year < from.Year || (met.Year == from.Year && met.Quarter < from.Quarter) {
			return nil, fmt.Errorf("spm: case %d cycle %d: needs met (%s) before assessed (%s)", e.CaseID, e.Cycle, e.MetOn, e.AssessedOn)
		}
		x := base
		x.Period, x.XIn = met, 1
		out = append(out, x)
		end = e.MetOn
	}
	if end != "" {
		p, err := quarterOf(end)
		if err != nil {
			return nil, err
		}
		leave := base
		leave.Period, leave.YOut = Period{Year: p.Year + 1, Quarter: 1}, 1
		out = append(out, leave)
	}
	return out, nil
}

// Add sums tallies by key into into (creating it when nil), sign +1 to add
// and -1 to take away: the change a case makes is its new episodes' tallies
// added and its old ones' taken away.
func Add(into map[TallyKey]Tally, ts []Tally, sign int) map[TallyKey]Tally {
	if into == nil {
		into = map[TallyKey]Tally{}
	}
	for _, t := range ts {
		k := t.Key()
		cur, ok := into[k]
		if !ok {
			cur = Tally{Region: t.Region, Province: t.Province, Jenis: t.Jenis, Period: t.Period}
		}
		cur.YIn += sign * t.YIn
		cur.YOut += sign * t.YOut
		cur.XIn += sign * t.XIn
		into[k] = cur
	}
	return into
}

// Zero reports whether a tally adds nothing.
func (t Tally) Zero() bool { return t.YIn == 0 && t.YOut == 0 && t.XIn == 0 }

// Achieve is the count of a region's jenis for period p from its tallies
// (of every quarter; those after p are ignored): Y is everyone who entered
// up to p's quarter less those who left by its year, X everyone met in
// p's year up to its quarter. The store computes the same in SQL.
func Achieve(ts []Tally, p Period) Count {
	var c Count
	for _, t := range ts {
		if t.Year > p.Year || (t.Year == p.Year && t.Quarter > p.Quarter) {
			continue
		}
		c.Y += t.YIn - t.YOut
		if t.Year == p.Year {
			c.X += t.XIn
		}
	}
	return c
}

func (t Tally) String() string {
	return fmt.Sprintf("%s %s %s: +Y %d, -Y %d, +X %d", t.Region, t.Jenis, t.Period, t.YIn, t.YOut, t.XIn)
}

func (k TallyKey) String() string { return fmt.Sprintf("%s %s %s", k.Region, k.Jenis, k.Period) }

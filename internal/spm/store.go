package spm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/wilayah"
)

// Store reads the achievement of regions and keeps the aggregates regions
// enter themselves.
type Store struct {
	DB      *db.DB
	Regions *wilayah.Index
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// CacheFor is how long the dashboards of the nation and of a province
	// are kept for other readers (cache.go); zero keeps nothing.
	CacheFor time.Duration
	// Cases is what the four tahapan read of the casework (case costs and
	// the data-quality checks, kebutuhan_store.go); nil: not available.
	Cases CaseFacts

	cacheMu sync.Mutex
	cache   map[cacheKey]*cacheEntry
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Figure is one jenis of a region in a period: the count the casework
// keeps live, the aggregate the region entered (if any), and the one that
// counts, with its capaian.
type Figure struct {
	Jenis Jenis  `json:"jenis"`
	Name  string `json:"name"`
	// X and Y count (Source says whose): the aggregate where the region
	// entered one, else the casework's.
	X       int      `json:"x"`
	Y       int      `json:"y"`
	Capaian *float64 `json:"capaian"` // nil when Y = 0
	Gap     int      `json:"gap"`     // people still to serve: Y − X
	Source  string   `json:"source"`  // "casework" or "aggregate"
	// Mutu is the quality achievement the region entered, nil if none.
	Mutu *Mutu `json:"mutu"`
	// Casework is what the case records give; Aggregate what was entered,
	// nil if nothing; Difference the aggregate less the casework where
	// both exist, so a region sees what its records lack.
	Casework   Count       `json:"casework"`
	Aggregate  *Aggregate  `json:"aggregate"`
	Difference *Difference `json:"difference"`
}

// Difference is an aggregate less the casework's count.
type Difference struct {
	X int `json:"x"`
	Y int `json:"y"`
}

// Achievement is a region's SPM achievement in a period: its five jenis,
// its index and label.
type Achievement struct {
	Region     wilayah.Code `json:"region"`
	RegionName string       `json:"region_name"`
	Level      Level        `json:"level"`
	Year       int          `json:"year"`
	Quarter    int          `json:"quarter"`
	From       string       `json:"from"`
	To         string       `json:"to"`
	Jenis      []Figure     `json:"jenis"`
	Index      *float64     `json:"index"` // nil when no jenis has anyone to serve, or mutu is weighed and missing
	Label      string       `json:"label"` // empty when there is no index
	Weights    Weights      `json:"weights"`
	// Mutu is the mean quality achievement of the jenis with people to
	// serve that have one (nil: none); MutuMissing the jenis with people
	// to serve without one, which hold the index back while quality
	// weighs in it.
	Mutu        *float64 `json:"mutu"`
	MutuMissing []Jenis  `json:"mutu_missing"`
}

// Totals sums the counted X and Y of the region's jenis: how many people
// the region owes the services to, and has served.
func (a Achievement) Totals() Count {
	var c Count
	for _, f := range a.Jenis {
		c.X += f.X
		c.Y += f.Y
	}
	return c
}

// Aggregate is an X and Y a region entered itself.
type Aggregate struct {
	X         int       `json:"x"`
	Y         int       `json:"y"`
	Source    string    `json:"source"`
	Note      string    `json:"note"`
	EnteredBy int64     `json:"entered_by,omitempty"`
	EnteredAt time.Time `json:"entered_at"`
	Version   int       `json:"version"`
}

// LevelOf is the level whose jenis a region owes: a province's or a
// kab/kota's; ok is false for a kecamatan or desa.
func LevelOf(c wilayah.Code) (Level, bool) {
	switch c.Level() {
	case wilayah.Province:
		return Provinsi, true
	case wilayah.Regency:
		return KabKota, true
	}
	return "", false
}

// Reads reports whether user u may read the SPM figures of region c: their
// own region and those within it (a province's planner reads its kab/kota,
// a kab/kota's planner no other region), every region for a national
// viewer or an admin of the whole deployment.
func Reads(u access.User, c wilayah.Code) bool {
	return u.Role.Can(access.ReadSPM) && u.Scope().CoversRegion(c)
}

var errNoRegion = apperr.New(apperr.NotFound, "spm.region_not_found")

// region checks a region code the API was given and the user's reach.
func (s *Store) region(u access.User, code string) (wilayah.Region, error) {
	c, err := wilayah.ParseCode(code)
	if err != nil {
		return wilayah.Region{}, apperr.BadParam("region", "spm.region_invalid")
	}
	r, ok := s.Regions.Get(c)
	if !ok {
		return wilayah.Region{}, errNoRegion
	}
	if _, ok := LevelOf(c); !ok {
		return wilayah.Region{}, apperr.BadParam("region", "spm.region_level")
	}
	if !Reads(u, c) {
		// As if it did not exist: a kab/kota planner learns nothing of
		// another region.
		return wilayah.Region{}, errNoRegion
	}
	return r, nil
}

// PeriodFor is the period a request for year (and quarter, 0 for the
// latest) means today: a past year's fourth quarter, the current year's
// current quarter. A quarter that has not begun is refused.
func PeriodFor(year, quarter int, today time.Time) (Period, error) {
	now := Period{Year: today.Year(), Quarter: (int(today.Month())-1)/3 + 1}
	var f apperr.Fields
	p := Period{Year: year, Quarter: quarter}
	if quarter == 0 {
		p.Quarter = 4
		if year == now.Year {
			p.Quarter = now.Quarter
		}
	}
	switch {
	case year < 2018 || year > now.Year:
		f.Add("year", "spm.year_range", now.Year)
	case quarter < 0 || quarter > 4:
		f.Add("quarter", "spm.quarter_range")
	case p.Year == now.Year && p.Quarter > now.Quarter:
		f.Add("quarter", "spm.quarter_future")
	}
	return p, f.Err()
}

// Achievement reads a region's achievement for a period, as user u may.
func (s *Store) Achievement(ctx context.Context, u access.User, code string, year, quarter int) (Achievement, error) {
	r, err := s.region(u, code)
	if err != nil {
		return Achievement{}, err
	}
	p, err := PeriodFor(year, quarter, s.now())
	if err != nil {
		// A query's parameter, not a form's field: 400.
		fe := apperr.As(err).Fields[0]
		return Achievement{}, apperr.BadParam(fe.Field, fe.Key, fe.Args...)
	}
	out, err := s.achievements(ctx, []wilayah.Region{r}, p)
	if err != nil {
		return Achievement{}, err
	}
	return out[0], nil
}

// regionJenis keys a region's jenis.
type regionJenis struct {
	region string
	jenis  Jenis
}

// counts reads, for the regions that where (a condition on the columns
// spm_tally and spm_aggregate share, with its args) selects, the
// casework's count of each jenis for p, one GROUP BY over the tallies,
// and the aggregates entered for p's quarter.
func (s *Store) counts(ctx context.Context, where string, args []any, p Period) (map[regionJenis]Count, map[regionJenis]*Aggregate, error) {
	counts := map[regionJenis]Count{}
	q := append([]any{p.Year}, args...)
	q = append(q, p.Year, p.Year, p.Quarter)
	rows, err := s.DB.Query(ctx, `SELECT region_code, jenis, SUM(y_in - y_out), SUM(CASE WHEN year = ? THEN x_in ELSE 0 END)
		FROM spm_tally WHERE `+where+` AND (year < ? OR (year = ? AND quarter <= ?)) GROUP BY region_code, jenis`, q...)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var k regionJenis
		var c Count
		if err := rows.Scan(&k.region, &k.jenis, &c.Y, &c.X); err != nil {
			rows.Close()
			return nil, nil, err
		}
		counts[k] = c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	aggs := map[regionJenis]*Aggregate{}
	rows, err = s.DB.Query(ctx, `SELECT region_code, jenis, x, y, source, note, entered_by, entered_at, version
		FROM spm_aggregate WHERE `+where+` AND year = ? AND quarter = ?`, append(append([]any{}, args...), p.Year, p.Quarter)...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k regionJenis
		var a Aggregate
		var by *int64
		if err := rows.Scan(&k.region, &k.jenis, &a.X, &a.Y, &a.Source, &a.Note, &by, &a.EnteredAt, &a.Version); err != nil {
			return nil, nil, err
		}
		if by != nil {
			a.EnteredBy = *by
		}
		a.EnteredAt = a.EnteredAt.UTC()
		aggs[k] = &a
	}
	return counts, aggs, rows.Err()
}

// achievements reads the achievement of regions of one level for p: one
// statement for the casework's counts and one for the aggregates.
func (s *Store) achievements(ctx context.Context, regions []wilayah.Region, p Period) ([]Achievement, error) {
	if len(regions) == 0 {
		return nil, nil
	}
	codes := make([]any, len(regions))
	for i, r := range regions {
		codes[i] = string(r.Code)
	}
	in := strings.TrimSuffix(strings.Repeat("?,", len(codes)), ",")
	counts, aggs, err := s.counts(ctx, "region_code IN ("+in+")", codes, p)
	if err != nil {
		return nil, err
	}

	mutu, err := s.mutuEntries(ctx, "region_code IN ("+in+")", codes, p.Year, p.Year)
	if err != nil {
		return nil, err
	}
	set, err := readSettings(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	return buildAchievements(regions, p, counts, aggs, mutu[p], set)
}

// buildAchievements turns the counts read for p (the casework's, and the
// aggregates entered) into the achievement of regions of one level: the
// one place where an entered figure replaces the casework's and capaian,
// index and label are taken, for the page of one quarter and for the
// quarters of a trend (trend.go) alike.
func buildAchievements(regions []wilayah.Region, p Period, counts map[regionJenis]Count, aggs map[regionJenis]*Aggregate,
	mutu map[regionJenis]*Mutu, set Settings) ([]Achievement, error) {
	if len(regions) == 0 {
		return nil, nil
	}
	level, _ := LevelOf(regions[0].Code)
	w := set.Weights
	out := make([]Achievement, len(regions))
	for i, r := range regions {
		a := Achievement{Region: r.Code, RegionName: r.Name, Level: level, Year: p.Year, Quarter: p.Quarter,
			From: p.From(), To: p.To(), Jenis: []Figure{}, Weights: w}
		var used []Count
		for _, svc := range ServicesOf(level) {
			k := regionJenis{string(r.Code), svc.Jenis}
			f := Figure{Jenis: svc.Jenis, Name: svc.Name, Casework: counts[k], Source: "casework", Mutu: mutu[k]}
			c := f.Casework
			if ag := aggs[k]; ag != nil {
				f.Aggregate, f.Source = ag, "aggregate"
				f.Difference = &Difference{X: ag.X - c.X, Y: ag.Y - c.Y}
				c = Count{X: ag.X, Y: ag.Y}
			}
			f.X, f.Y, f.Gap = c.X, c.Y, c.Gap()
			if v, err := c.Capaian(); err == nil {
				f.Capaian = &v
			} else if !errors.Is(err, ErrNoNeed) {
				return nil, fmt.Errorf("spm: %s %s: %w", r.Code, svc.Jenis, err)
			}
			used = append(used, c)
			a.Jenis = append(a.Jenis, f)
		}
		m, hasMutu, missing := regionMutu(a.Jenis)
		if hasMutu {
			a.Mutu = &m
		}
		a.MutuMissing = append([]Jenis{}, missing...)
		if w.Mutu > 0 && len(missing) > 0 {
			// The index weighs quality: without the mutu of every jenis
			// with people to serve it cannot be taken (the page names them).
			out[i] = a
			continue
		}
		idx, ok, err := Index(used, m, w)
		if err != nil {
			return nil, err
		}
		if ok {
			a.Index = &idx
			a.Label = Label(idx, set.Bands)
		}
		out[i] = a
	}
	return out, nil
}

// AggregateInput is an X and Y a region enters for one jenis and quarter,
// cumulative from 1 January (as e-SPM takes them). Version is the stored
// entry's version being replaced, 0 for a new one.
type AggregateInput struct {
	Region  string `json:"region"`
	Jenis   string `json:"jenis"`
	Year    int    `json:"year"`
	Quarter int    `json:"quarter"`
	X       *int   `json:"x"`
	Y       *int   `json:"y"`
	Source  string `json:"source"`
	Note    string `json:"note"`
	Version int    `json:"version"`
}

const (
	maxSource = 300
	maxNote   = 2000
	// maxPeople bounds a count: more than Indonesia's population is a typing error.
	maxPeople = 300_000_000
)

func (in *AggregateInput) check(level Level, today time.Time) apperr.Fields {
	var f apperr.Fields
	checkEntry(&f, level, today, in.Jenis, in.Year, in.Quarter, &in.Source, &in.Note)
	for _, v := range []struct {
		name string
		n    *int
	}{{"x", in.X}, {"y", in.Y}} {
		switch {
		case v.n == nil:
			f.Add(v.name, "field.required")
		case *v.n < 0:
			f.Add(v.name, "spm.count_negative")
		case *v.n > maxPeople:
			f.Add(v.name, "spm.count_too_large")
		}
	}
	if in.X != nil && in.Y != nil && *in.X >= 0 && *in.Y >= 0 && *in.X > *in.Y {
		f.Add("y", "spm.y_below_x")
	}
	return f
}

// checkEntry checks what every figure a region enters for a jenis and
// quarter shares (an aggregate, a quality achievement): a jenis of the
// region's level, a quarter that has begun, a source, a note not too long.
// It trims source and note.
func checkEntry(f *apperr.Fields, level Level, today time.Time, jenis string, year, quarter int, source, note *string) {
	*source, *note = strings.TrimSpace(*source), strings.TrimSpace(*note)
	if svc, ok := ServiceOf(Jenis(jenis)); !ok || svc.Level != level {
		f.Add("jenis", "spm.jenis_not_of_level")
	}
	if quarter == 0 {
		f.Add("quarter", "spm.quarter_range")
	} else if _, err := PeriodFor(year, quarter, today); err != nil {
		for _, fe := range apperr.As(err).Fields {
			f.Add(fe.Field, fe.Key, fe.Args...)
		}
	}
	if *source == "" {
		f.Add("source", "field.required")
	} else if len([]rune(*source)) > maxSource {
		f.Add("source", "field.too_long", maxSource)
	}
	if len([]rune(*note)) > maxNote {
		f.Add("note", "field.too_long", maxNote)
	}
}

// enters checks that u enters the figures of region c: a planner of
// exactly that region (a province's planner does not enter its kab/kota's).
func enters(u access.User, c wilayah.Code) error {
	if !u.Role.Can(access.EnterSPM) {
		return apperr.New(apperr.Forbidden, "error.forbidden")
	}
	if u.Region != c {
		return apperr.New(apperr.Forbidden, "spm.not_your_region")
	}
	return nil
}

// entered checks a region code the API was given for a change: the region
// must exist, be in u's reach and be one whose figures u enters.
func (s *Store) entered(u access.User, code string) (wilayah.Region, error) {
	r, err := s.region(u, code)
	if err != nil {
		return wilayah.Region{}, err
	}
	return r, enters(u, r.Code)
}

// EnterAggregate stores (or replaces, at the version given) the X and Y a
// region entered for a jenis and quarter, audited.
func (s *Store) EnterAggregate(ctx context.Context, actor audit.Actor, u access.User, in AggregateInput) (Aggregate, error) {
	r, err := s.entered(u, in.Region)
	if err != nil {
		return Aggregate{}, err
	}
	level, _ := LevelOf(r.Code)
	if err := in.check(level, s.now()).Err(); err != nil {
		return Aggregate{}, err
	}
	after, err := aggregates.put(ctx, s, actor, r, in.Jenis, in.Year, in.Quarter, in.Version, func(tx *db.Tx, before *Aggregate) (sql.Result, error) {
		if before == nil {
			return tx.Exec(ctx, `INSERT INTO spm_aggregate (region_code, jenis, year, quarter, province_code, x, y, source, note,
				entered_by, entered_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
				string(r.Code), in.Jenis, in.Year, in.Quarter, string(r.Code.Province()), *in.X, *in.Y, in.Source, in.Note, u.ID, db.Now())
		}
		return tx.Exec(ctx, `UPDATE spm_aggregate SET x = ?, y = ?, source = ?, note = ?, entered_by = ?, entered_at = ?,
				version = version + 1 WHERE region_code = ? AND jenis = ? AND year = ? AND quarter = ? AND version = ?`,
			*in.X, *in.Y, in.Source, in.Note, u.ID, db.Now(), string(r.Code), in.Jenis, in.Year, in.Quarter, in.Version)
	})
	if err != nil {
		return Aggregate{}, err
	}
	return *after, nil
}

// DeleteAggregate removes an entered aggregate (at its version): the
// casework's count applies again.
func (s *Store) DeleteAggregate(ctx context.Context, actor audit.Actor, u access.User, region, jenis string, year, quarter, version int) error {
	r, err := s.entered(u, region)
	if err != nil {
		return err
	}
	return aggregates.remove(ctx, s, actor, r, jenis, year, quarter, version)
}

// aggregates are the X and Y regions enter themselves.
var aggregates = quarterEntry[Aggregate]{table: "spm_aggregate", entity: "spm_aggregate",
	staleKey: "spm.aggregate_stale", noneKey: "spm.aggregate_not_found", get: getAggregate,
	version: func(a *Aggregate) int { return a.Version }}

func getAggregate(ctx context.Context, q db.Q, c wilayah.Code, jenis string, year, quarter int) (*Aggregate, error) {
	var a Aggregate
	var by *int64
	err := q.QueryRow(ctx, `SELECT x, y, source, note, entered_by, entered_at, version FROM spm_aggregate
		WHERE region_code = ? AND jenis = ? AND year = ? AND quarter = ?`, string(c), jenis, year, quarter).
		Scan(&a.X, &a.Y, &a.Source, &a.Note, &by, &a.EnteredAt, &a.Version)
	if err != nil {
		if err = db.Err(err); errors.Is(err, db.ErrNotFound) {
			return nil, nil
		}
		return nil, err
	}
	if by != nil {
		a.EnteredBy = *by
	}
	a.EnteredAt = a.EnteredAt.UTC()
	return &a, nil
}

// Overview is what the SPM page shows for a region and period: the
// region's own achievement (nil at the national level, which owes no
// jenis) and that of each region directly below it that owes jenis (a
// province's kab/kota; the nation's provinces), for the drill-down.
type Overview struct {
	Region   *Achievement  `json:"region"`
	Children []Achievement `json:"children"`
	// Totals sums each jenis over the regions below: all ten over the
	// nation, a province's kab/kota five over its kab/kota.
	Totals []Total          `json:"totals"`
	Path   []wilayah.Region `json:"path"` // from the province down to the region
	Period Period           `json:"-"`
}

// Overview reads the overview of region code ("" for the nation, which
// needs a scope of every region).
func (s *Store) Overview(ctx context.Context, u access.User, code string, year, quarter int) (Overview, error) {
	var out Overview
	var below []wilayah.Region
	if code == "" {
		if !u.Role.Can(access.ReadSPM) || !u.Scope().All {
			return out, errNoRegion
		}
		below = s.Regions.Children("")
	} else {
		r, err := s.region(u, code)
		if err != nil {
			return out, err
		}
		out.Path = s.Regions.Path(r.Code)
		if r.Code.Level() == wilayah.Province {
			below = s.Regions.Children(r.Code)
		}
		code = string(r.Code)
	}
	p, err := PeriodFor(year, quarter, s.now())
	if err != nil {
		fe := apperr.As(err).Fields[0]
		return out, apperr.BadParam(fe.Field, fe.Key, fe.Args...)
	}
	out.Period = p
	if len(below) > 0 {
		// The nation's or a province's: the same for every reader allowed.
		path := out.Path
		o, err := s.cachedOverview(ctx, overviewKey{code, p}, func() (Overview, error) {
			return s.overview(ctx, code, path, below, p)
		})
		return o, err
	}
	return s.overview(ctx, code, out.Path, below, p)
}

// overview reads an overview whose region and period are checked.
func (s *Store) overview(ctx context.Context, code string, path, below []wilayah.Region, p Period) (Overview, error) {
	out := Overview{Path: path, Period: p}
	var err error
	if code != "" {
		own, err := s.achievements(ctx, out.Path[len(out.Path)-1:], p)
		if err != nil {
			return out, err
		}
		out.Region = &own[0]
	}
	if out.Children, err = s.achievements(ctx, below, p); err != nil {
		return out, err
	}
	if code == "" || wilayah.Code(code).Level() == wilayah.Province {
		if out.Totals, err = s.totals(ctx, code, p); err != nil {
			return out, err
		}
	}
	if out.Children == nil {
		out.Children = []Achievement{}
	}
	return out, nil
}

// Total is one jenis summed over the regions below a province or over the
// nation: each region's counted figure (its aggregate where it entered
// one, else the casework's), added up.
type Total struct {
	Jenis   Jenis    `json:"jenis"`
	Name    string   `json:"name"`
	Level   Level    `json:"level"`
	X       int      `json:"x"`
	Y       int      `json:"y"`
	Capaian *float64 `json:"capaian"`
	Gap     int      `json:"gap"`
	// Regions is how many regions owe the jenis someone (Y > 0).
	Regions int `json:"regions"`
}

// totals sums every jenis over the regions of a province (province != "")
// or of the nation, for p: one GROUP BY over the tallies and one read of
// the aggregates, merged per region so that an entered figure replaces the
// casework's count exactly as on the region's own page.
func (s *Store) totals(ctx context.Context, province string, p Period) ([]Total, error) {
	where, args := "1=1", []any{}
	if province != "" {
		// The province's kab/kota: a range of the tables' leading key
		// column, so that the primary key reads them alone (province_code
		// has no index: each province's dashboard scanned every tally).
		where, args = "region_code >= ? AND region_code < ?", []any{province + ".", province + "/"}
	}
	counts, aggs, err := s.counts(ctx, where, args, p)
	if err != nil {
		return nil, err
	}
	return sumTotals(province != "", counts, aggs), nil
}

// sumTotals adds up each jenis over the regions counted (the casework's
// counts and the aggregates entered, per region), each region's entered
// figure replacing its casework's exactly as on the region's own page; a
// province's sum (ofProvince) keeps the five kab/kota jenis only. The
// counts are left as they were: a trend builds the region's own
// achievement from the same maps (trend.go).
func sumTotals(ofProvince bool, counts map[regionJenis]Count, aggs map[regionJenis]*Aggregate) []Total {
	sum := map[Jenis]*Total{}
	out := make([]Total, len(Services))
	for i, svc := range Services {
		out[i] = Total{Jenis: svc.Jenis, Name: svc.Name, Level: svc.Level}
		sum[svc.Jenis] = &out[i]
	}
	add := func(k regionJenis, c Count) {
		t := sum[k.jenis]
		if t == nil {
			return // a jenis no longer in the catalog
		}
		t.X += c.X
		t.Y += c.Y
		if c.Y > 0 {
			t.Regions++
		}
	}
	for k, c := range counts {
		if aggs[k] == nil {
			add(k, c)
		}
	}
	for k, a := range aggs {
		add(k, Count{X: a.X, Y: a.Y}) // an entered figure replaces the casework's
	}
	for i := range out {
		c := Count{X: out[i].X, Y: out[i].Y}
		out[i].Gap = c.Gap()
		if v, err := c.Capaian(); err == nil {
			out[i].Capaian = &v
		}
	}
	if ofProvince {
		// A province's page sums its kab/kota: its own five are above.
		out = slices.DeleteFunc(out, func(t Total) bool { return t.Level != KabKota })
	}
	return out
}

// Export is what the exports hold: every region of a reader's scope that
// owes jenis, with its achievement for one period — the nation's 38
// provinces and 514 kab/kota, a province and its kab/kota, or one kab/kota.
type Export struct {
	Scope     wilayah.Code // empty for the nation
	ScopeName string
	Period    Period
	// Provinces and KabKota are by code; each holds its five jenis.
	Provinces []Achievement
	KabKota   []Achievement
}

// Export reads the achievement of every region of code's subtree (the
// nation when code is empty) for a period, as u may read them.
func (s *Store) Export(ctx context.Context, u access.User, code string, year, quarter int) (Export, error) {
	var out Export
	var provinces, kabkota []wilayah.Region
	if code == "" {
		if !u.Role.Can(access.ReadSPM) || !u.Scope().All {
			return out, errNoRegion
		}
		out.ScopeName = "Indonesia"
		provinces = s.Regions.Children("")
		for _, p := range provinces {
			kabkota = append(kabkota, s.Regions.Children(p.Code)...)
		}
	} else {
		r, err := s.region(u, code)
		if err != nil {
			return out, err
		}
		out.Scope, out.ScopeName = r.Code, r.Name
		if r.Code.Level() == wilayah.Province {
			provinces, kabkota = []wilayah.Region{r}, s.Regions.Children(r.Code)
		} else {
			kabkota = []wilayah.Region{r}
		}
	}
	p, err := PeriodFor(year, quarter, s.now())
	if err != nil {
		fe := apperr.As(err).Fields[0]
		return out, apperr.BadParam(fe.Field, fe.Key, fe.Args...)
	}
	out.Period = p
	if out.Provinces, err = s.achievements(ctx, provinces, p); err != nil {
		return out, err
	}
	if out.KabKota, err = s.achievements(ctx, kabkota, p); err != nil {
		return out, err
	}
	return out, nil
}

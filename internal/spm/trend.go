package spm

import (
	"context"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/wilayah"
)

// Trend is how a region's achievement moved over the quarters of a budget
// year (issue 6 point 7: "trend per quarter"): at the end of each quarter
// begun, the figures the SPM page shows for that quarter — the region's
// own five jenis with capaian, index and label, and for the nation and a
// province the sums over the regions below — and the same quarters of the
// year before, to compare like with like (X starts again from zero every
// 1 January, so the third quarter compares with last year's third, not
// with last year's end).
type Trend struct {
	Region   *wilayah.Region `json:"region"` // nil for the nation
	Year     int             `json:"year"`
	Quarters []TrendQuarter  `json:"quarters"`
	// Previous holds the same quarters of the year before; empty for 2018,
	// the first year PP 2/2018 counts.
	Previous []TrendQuarter `json:"previous"`
}

// TrendQuarter is a region's figures at the end of one quarter, exactly
// as Achievement and Overview give them for that quarter.
type TrendQuarter struct {
	Year    int          `json:"year"`
	Quarter int          `json:"quarter"`
	Region  *Achievement `json:"region"` // the region's own; nil for the nation
	// Totals sums each jenis over the regions below: the ten over the
	// nation, the five kab/kota jenis over a province's kab/kota; nil for
	// a kab/kota.
	Totals []Total `json:"totals"`
}

// Trend reads the trend of region code ("" for the nation, which needs a
// scope of every region) over the quarters of year begun so far, as u may
// read it: a region outside u's reach is refused as Achievement refuses it.
func (s *Store) Trend(ctx context.Context, u access.User, code string, year int) (Trend, error) {
	var region *wilayah.Region
	if code == "" {
		if !u.Role.Can(access.ReadSPM) || !u.Scope().All {
			return Trend{}, errNoRegion
		}
	} else {
		r, err := s.region(u, code)
		if err != nil {
			return Trend{}, err
		}
		region, code = &r, string(r.Code)
	}
	// The last quarter begun: a past year's fourth, this year's current.
	last, err := PeriodFor(year, 0, s.now())
	if err != nil {
		fe := apperr.As(err).Fields[0]
		return Trend{}, apperr.BadParam(fe.Field, fe.Key, fe.Args...)
	}
	if region == nil || region.Code.Level() == wilayah.Province {
		// The nation's or a province's: the same for every reader allowed,
		// kept for a moment as the overview is (cache.go).
		return cached(ctx, s, cacheKey{"trend", overviewKey{code, last}}, func() (Trend, error) {
			return s.trend(ctx, region, last)
		})
	}
	return s.trend(ctx, region, last)
}

// trend reads the trend of a checked region (nil: the nation) up to the
// quarter last: three reads of key ranges whatever the number of
// quarters — the tallies before the years shown summed per region and
// jenis, the tallies of the years shown as stored (one row per region,
// jenis and quarter: the primary key), and the aggregates entered for
// them — then every quarter is built by the functions that build a
// single quarter's page (buildAchievements, sumTotals).
func (s *Store) trend(ctx context.Context, region *wilayah.Region, last Period) (Trend, error) {
	out := Trend{Region: region, Year: last.Year, Quarters: []TrendQuarter{}, Previous: []TrendQuarter{}}
	var current, previous []Period
	for q := 1; q <= last.Quarter; q++ {
		current = append(current, Period{last.Year, q})
		if last.Year-1 >= 2018 {
			previous = append(previous, Period{last.Year - 1, q})
		}
	}
	from := last.Year
	if len(previous) > 0 {
		from = last.Year - 1
	}

	where, args := "1=1", []any{}
	var own []wilayah.Region
	province := false
	if region != nil {
		own = []wilayah.Region{*region}
		if region.Code.Level() == wilayah.Province {
			// The province and its kab/kota: one range of the leading key
			// column ("33" < "33.01" … "33.99" < "33/").
			province = true
			where, args = "region_code >= ? AND region_code < ?", []any{string(region.Code), string(region.Code) + "/"}
		} else {
			where, args = "region_code = ?", []any{string(region.Code)}
		}
	}
	base, rows, err := s.trendTallies(ctx, where, args, from, last.Year)
	if err != nil {
		return out, err
	}
	aggs, err := s.trendAggregates(ctx, where, args, from, last.Year)
	if err != nil {
		return out, err
	}
	mutu, err := s.mutuEntries(ctx, where, args, from, last.Year)
	if err != nil {
		return out, err
	}
	set, err := readSettings(ctx, s.DB)
	if err != nil {
		return out, err
	}
	counts := cumulate(base, rows, append(append([]Period{}, previous...), current...))

	quarter := func(p Period) (TrendQuarter, error) {
		tq := TrendQuarter{Year: p.Year, Quarter: p.Quarter}
		if own != nil {
			a, err := buildAchievements(own, p, counts[p], aggs[p], mutu[p], set)
			if err != nil {
				return tq, err
			}
			tq.Region = &a[0]
		}
		if region == nil || province {
			tq.Totals = sumTotals(province, counts[p], aggs[p])
		}
		return tq, nil
	}
	for _, p := range previous {
		tq, err := quarter(p)
		if err != nil {
			return out, err
		}
		out.Previous = append(out.Previous, tq)
	}
	for _, p := range current {
		tq, err := quarter(p)
		if err != nil {
			return out, err
		}
		out.Quarters = append(out.Quarters, tq)
	}
	return out, nil
}

// tallyRow is one stored tally: a region's jenis in one quarter, with the
// people who entered Y less those who left it, and those who entered X.
type tallyRow struct {
	key    regionJenis
	period Period
	y, x   int
}

// trendTallies reads, for the regions where selects, Y carried into year
// from (every tally before it, summed per region and jenis) and the
// tallies of the years from to to as stored.
func (s *Store) trendTallies(ctx context.Context, where string, args []any, from, to int) (map[regionJenis]int, []tallyRow, error) {
	base := map[regionJenis]int{}
	rows, err := s.DB.Query(ctx, `SELECT region_code, jenis, SUM(y_in - y_out) FROM spm_tally
		WHERE `+where+` AND year < ? GROUP BY region_code, jenis`, append(append([]any{}, args...), from)...)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var k regionJenis
		var y int
		if err := rows.Scan(&k.region, &k.jenis, &y); err != nil {
			rows.Close()
			return nil, nil, err
		}
		base[k] = y
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows, err = s.DB.Query(ctx, `SELECT region_code, jenis, year, quarter, y_in - y_out, x_in FROM spm_tally
		WHERE `+where+` AND year >= ? AND year <= ?`, append(append([]any{}, args...), from, to)...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out []tallyRow
	for rows.Next() {
		var t tallyRow
		if err := rows.Scan(&t.key.region, &t.key.jenis, &t.period.Year, &t.period.Quarter, &t.y, &t.x); err != nil {
			return nil, nil, err
		}
		out = append(out, t)
	}
	return base, out, rows.Err()
}

// trendAggregates reads the aggregates entered for the quarters of the
// years from to to, by quarter.
func (s *Store) trendAggregates(ctx context.Context, where string, args []any, from, to int) (map[Period]map[regionJenis]*Aggregate, error) {
	rows, err := s.DB.Query(ctx, `SELECT region_code, jenis, year, quarter, x, y, source, note, entered_by, entered_at, version
		FROM spm_aggregate WHERE `+where+` AND year >= ? AND year <= ?`, append(append([]any{}, args...), from, to)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[Period]map[regionJenis]*Aggregate{}
	for rows.Next() {
		var k regionJenis
		var p Period
		var a Aggregate
		var by *int64
		if err := rows.Scan(&k.region, &k.jenis, &p.Year, &p.Quarter, &a.X, &a.Y, &a.Source, &a.Note, &by, &a.EnteredAt, &a.Version); err != nil {
			return nil, err
		}
		if by != nil {
			a.EnteredBy = *by
		}
		a.EnteredAt = a.EnteredAt.UTC()
		if out[p] == nil {
			out[p] = map[regionJenis]*Aggregate{}
		}
		out[p][k] = &a
	}
	return out, rows.Err()
}

// cumulate gives, for each period, each region's and jenis's casework count
// at the period's end by the rule counts follows in SQL: Y is carried
// across years (base, then every tally up to the period: someone assessed
// last year and not yet served still needs the service), X starts again
// each budget year (the tallies of the period's year up to its quarter:
// Permensos 9/2018 Lampiran I counts "selama 1 tahun anggaran").
func cumulate(base map[regionJenis]int, rows []tallyRow, periods []Period) map[Period]map[regionJenis]Count {
	out := make(map[Period]map[regionJenis]Count, len(periods))
	for _, p := range periods {
		m := make(map[regionJenis]Count, len(base)+len(rows)/4)
		for k, y := range base {
			m[k] = Count{Y: y}
		}
		for _, r := range rows {
			if r.period.Year > p.Year || (r.period.Year == p.Year && r.period.Quarter > p.Quarter) {
				continue
			}
			c := m[r.key]
			c.Y += r.y
			if r.period.Year == p.Year {
				c.X += r.x
			}
			m[r.key] = c
		}
		out[p] = m
	}
	return out
}

package spm

import (
	"context"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/wilayah"
)

// Reporting completeness on the dashboards (issue 6 point 7: "who
// submitted, who is late"): the listing of ReportList, kept for a moment
// for the nation and a province like their overview, and summed per
// province for the nation's page.

// ReportStatusOf is ReportList for the SPM page: the reports of a period
// of region code ("" the nation) as u may read them. The nation's and a
// province's listing is the same for every reader allowed, so it is kept
// for CacheFor (cache.go) once the reader's reach has been checked.
func (s *Store) ReportStatusOf(ctx context.Context, u access.User, code string, year, quarter int) ([]ReportSummary, error) {
	if code == "" {
		if !u.Role.Can(access.ReadSPM) || !u.Scope().All {
			return nil, errNoRegion
		}
	} else {
		r, err := s.region(u, code)
		if err != nil {
			return nil, err
		}
		code = string(r.Code)
		if r.Code.Level() != wilayah.Province {
			return s.ReportList(ctx, u, code, year, quarter)
		}
	}
	p, err := s.reportPeriod(year, quarter)
	if err != nil {
		return nil, err
	}
	return cached(ctx, s, cacheKey{"reports", overviewKey{code, p}}, func() ([]ReportSummary, error) {
		return s.ReportList(ctx, u, code, year, quarter)
	})
}

// Completeness is how the reports of one province stand in a period: its
// own, and how many of its kab/kota's are at each status and late.
type Completeness struct {
	Region     wilayah.Code `json:"region"`
	RegionName string       `json:"region_name"`
	// Own is the province's own report.
	Own ReportSummary `json:"own"`
	// KabKota is how many kab/kota the province has; ByStatus how many of
	// their reports are at each status (a region without a report is a
	// draf); Late how many are late (ReportSummary.Late).
	KabKota  int                  `json:"kabkota"`
	ByStatus map[ReportStatus]int `json:"by_status"`
	Late     int                  `json:"late"`
}

// Submitted is how many of the kab/kota have submitted, whatever came
// after: diajukan, diverifikasi or dikunci.
func (c Completeness) Submitted() int { return c.KabKota - c.ByStatus[ReportDraft] }

// CompletenessOf groups a listing of provinces each followed by its
// kab/kota (ReportList's order) per province.
func CompletenessOf(list []ReportSummary) []Completeness {
	var out []Completeness
	at := map[wilayah.Code]int{}
	for _, r := range list {
		prov := r.Region.Province()
		i, ok := at[prov]
		if !ok {
			i = len(out)
			at[prov] = i
			out = append(out, Completeness{Region: prov, ByStatus: map[ReportStatus]int{}})
		}
		c := &out[i]
		if r.Level == Provinsi {
			c.RegionName, c.Own = r.RegionName, r
			continue
		}
		c.KabKota++
		c.ByStatus[r.Status]++
		if r.Late {
			c.Late++
		}
	}
	return out
}

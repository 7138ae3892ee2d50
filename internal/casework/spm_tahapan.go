package casework

import (
	"context"
	"time"

	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/registry"
	"github.com/layan-id/layan/internal/spm"
	"github.com/layan-id/layan/internal/wilayah"
)

// What the four tahapan of penerapan SPM (Permendagri 59/2021; spm's
// kebutuhan_store.go) read of the casework: the money its services cost
// (pelaksanaan) and the data-quality checks of pengumpulan data. Store is
// an spm.CaseFacts.

var _ spm.CaseFacts = (*Store)(nil)

// CaseCosts sums, by jenis, the cost of the services given from from to to
// (YYYY-MM-DD, both included) in the case cycles that count in one of
// region's jenis: each service belongs to its case's cycle, and the cycle
// to the jenis its approved assessment placed it in (spm_episode).
func (s *Store) CaseCosts(ctx context.Context, region wilayah.Code, from, to string) (map[spm.Jenis]int64, error) {
	rows, err := s.DB.Query(ctx, `SELECT e.jenis, COALESCE(SUM(v.cost), 0) FROM spm_episode e
		JOIN case_service v ON v.case_id = e.case_id AND v.cycle = e.cycle
		WHERE e.region_code = ? AND v.given_on >= ? AND v.given_on <= ? GROUP BY e.jenis`, string(region), from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[spm.Jenis]int64{}
	for rows.Next() {
		var j spm.Jenis
		var sum int64
		if err := rows.Scan(&j, &sum); err != nil {
			return nil, err
		}
		out[j] = sum
	}
	return out, rows.Err()
}

// budgetYear is the first moment of a budget year and of the next, in
// Western Indonesia Time as the casework's days are (dayOf).
func budgetYear(year int) (start, end time.Time) {
	return time.Date(year, 1, 1, 0, 0, 0, 0, wib), time.Date(year+1, 1, 1, 0, 0, 0, 0, wib)
}

// regionCases is the condition on case_file c for the cases of a kab/kota
// or, as a range of its kab/kota codes, of a province (index
// case_file_regency).
func regionCases(region wilayah.Code) (string, []any) {
	if region.Level() == wilayah.Province {
		return "c.regency_code >= ? AND c.regency_code < ?", []any{string(region) + ".", string(region) + "/"}
	}
	return "c.regency_code = ?", []any{string(region)}
}

// Unassessed counts the region's cases opened by the end of the year and
// still open whose current cycle has no approved assessment — people who
// may need the service but are not in Y until a supervisor approves an
// assessment (Permensos 9/2018: Y "sesuai hasil asesmen") — and lists page
// of them, oldest first.
func (s *Store) Unassessed(ctx context.Context, region wilayah.Code, year int, page spm.QualityPage) (int, []spm.QualityCase, error) {
	cond, args := regionCases(region)
	_, end := budgetYear(year)
	where := ` FROM case_file c WHERE ` + cond + ` AND c.opened_at < ? AND c.closed_at IS NULL AND c.assessment_review <> ?`
	args = append(args, end.UTC(), string(Approved))
	var total int
	if err := s.DB.QueryRow(ctx, "SELECT COUNT(*)"+where, args...).Scan(&total); err != nil {
		return 0, nil, db.Err(err)
	}
	out := []spm.QualityCase{}
	if page.Limit == 0 || total == 0 {
		return total, out, nil
	}
	rows, err := s.DB.Query(ctx, `SELECT c.id, c.person_id, c.unit_id, u.name, c.opened_at`+
		` FROM case_file c JOIN unit u ON u.id = c.unit_id WHERE `+cond+
		` AND c.opened_at < ? AND c.closed_at IS NULL AND c.assessment_review <> ? ORDER BY c.opened_at, c.id LIMIT ? OFFSET ?`,
		append(args, page.Limit, page.Offset)...)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var q spm.QualityCase
		var opened time.Time
		if err := rows.Scan(&q.CaseID, &q.PersonID, &q.UnitID, &q.Unit, &opened); err != nil {
			return 0, nil, err
		}
		q.OpenedOn = dayOf(opened)
		out = append(out, q)
	}
	return total, out, rows.Err()
}

// WithoutNIK counts the people without a NIK of the region's cases open at
// some moment of the year, and lists page of them with their first such
// case. The person's record is the registry's, which holds the query.
func (s *Store) WithoutNIK(ctx context.Context, region wilayah.Code, year int, page spm.QualityPage) (int, []spm.QualityCase, error) {
	start, end := budgetYear(year)
	total, gaps, err := registry.CasePeopleWithoutNIK(ctx, s.DB, region, start, end, page.Limit, page.Offset)
	if err != nil {
		return 0, nil, err
	}
	out := make([]spm.QualityCase, len(gaps))
	for i, g := range gaps {
		out[i] = spm.QualityCase{CaseID: g.CaseID, PersonID: g.PersonID, UnitID: g.UnitID, Unit: g.Unit, OpenedOn: dayOf(g.OpenedAt)}
	}
	return total, out, nil
}

package registry

import (
	"context"
	"time"

	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/wilayah"
)

// People without a NIK, for the data-quality view of the SPM's first
// tahap, pengumpulan data (Permendagri 59/2021; issue 6 point 4). A
// person without a NIK cannot be matched with the DTKS/DTSEN nor found
// when registered twice, so the region's count of people served rests on
// them less firmly. The person's record is the registry's; which people
// count is the casework's (their cases in the region), so this reads
// case_file only as the link from a region's cases to their people.

// NIKGap is a person of a region's cases who has no NIK, with the first of
// those cases: its number, unit and the moment it opened.
type NIKGap struct {
	PersonID int64
	CaseID   int64
	UnitID   int64
	Unit     string
	OpenedAt time.Time
}

// regionCases is the condition on case_file c for the cases of a region:
// a kab/kota's, or, as a range of its kab/kota codes, a province's (the
// index case_file_regency reads either).
func regionCases(region wilayah.Code) (string, []any) {
	if region.Level() == wilayah.Province {
		return "c.regency_code >= ? AND c.regency_code < ?", []any{string(region) + ".", string(region) + "/"}
	}
	return "c.regency_code = ?", []any{string(region)}
}

// CasePeopleWithoutNIK counts the people without a NIK of the cases of
// region open at some moment from start to end (opened before end, not
// closed before start), and lists limit of them from offset, by person.
// limit 0 counts only.
func CasePeopleWithoutNIK(ctx context.Context, q db.Q, region wilayah.Code, start, end time.Time, limit, offset int) (int, []NIKGap, error) {
	cond, args := regionCases(region)
	where := ` FROM case_file c JOIN person p ON p.id = c.person_id WHERE ` + cond + `
		AND c.opened_at < ? AND (c.closed_at IS NULL OR c.closed_at >= ?) AND (p.nik IS NULL OR p.nik = '')`
	args = append(args, end.UTC(), start.UTC())
	var total int
	if err := q.QueryRow(ctx, "SELECT COUNT(DISTINCT c.person_id)"+where, args...).Scan(&total); err != nil {
		return 0, nil, db.Err(err)
	}
	out := []NIKGap{}
	if limit == 0 || total == 0 {
		return total, out, nil
	}
	rows, err := q.Query(ctx, `SELECT x.person_id, x.case_id, c.unit_id, u.name, c.opened_at
		FROM (SELECT c.person_id, MIN(c.id) AS case_id`+where+` GROUP BY c.person_id ORDER BY c.person_id LIMIT ? OFFSET ?) x
		JOIN case_file c ON c.id = x.case_id JOIN unit u ON u.id = c.unit_id ORDER BY x.person_id`,
		append(args, limit, offset)...)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var g NIKGap
		if err := rows.Scan(&g.PersonID, &g.CaseID, &g.UnitID, &g.Unit, &g.OpenedAt); err != nil {
			return 0, nil, err
		}
		out = append(out, g)
	}
	return total, out, rows.Err()
}

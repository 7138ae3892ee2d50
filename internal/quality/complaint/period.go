package complaint

import (
	"strconv"
	"strings"
	"time"

	"github.com/layan-id/layan/internal/apperr"
)

// Period is a span of whole days in WIB that figures are counted over: a
// year ("2025"), a semester ("2025-S1") or a quarter ("2025-T3", also
// "2025-Q3"), the periods the SKM is reported by (PermenPANRB 14/2017).
type Period struct {
	Name     string
	From, To time.Time // [From, To), UTC
}

// ParsePeriod reads a period; "" is the current year at now.
func ParsePeriod(s string, now time.Time) (Period, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		s = strconv.Itoa(now.In(wib).Year())
	}
	bad := apperr.BadParam("period", "complaint.period_format")
	yearText, part, hasPart := strings.Cut(s, "-")
	year, err := strconv.Atoi(yearText)
	if err != nil || year < 2000 || year > 2100 {
		return Period{}, bad
	}
	startMonth, months := 1, 12
	if hasPart {
		if len(part) != 2 {
			return Period{}, bad
		}
		n := int(part[1] - '0')
		switch part[0] {
		case 'T', 'Q':
			if n < 1 || n > 4 {
				return Period{}, bad
			}
			startMonth, months = 3*(n-1)+1, 3
			s = yearText + "-T" + part[1:]
		case 'S':
			if n < 1 || n > 2 {
				return Period{}, bad
			}
			startMonth, months = 6*(n-1)+1, 6
		default:
			return Period{}, bad
		}
	}
	from := time.Date(year, time.Month(startMonth), 1, 0, 0, 0, 0, wib)
	return Period{Name: s, From: from.UTC(), To: from.AddDate(0, months, 0).UTC()}, nil
}

package spm

import (
	"fmt"
	"time"
)

// Period is a quarter (triwulan) of a budget year. SPM achievement is
// counted cumulatively from 1 January to the quarter's last day
// (domain.md §2.2: "dihitung secara akumulasi selama 1 (satu) tahun"), and
// each quarter is reported (Permendagri 59/2021 Pasal 24 ayat 1: "setiap 3
// (tiga) bulan").
type Period struct {
	Year    int
	Quarter int // 1–4
}

// Check refuses a period that is not one.
func (p Period) Check() error {
	if p.Year < 2018 || p.Year > 9999 || p.Quarter < 1 || p.Quarter > 4 {
		return fmt.Errorf("spm: no quarter %d of %d (quarters 1–4, from 2018, when PP 2/2018 took effect)", p.Quarter, p.Year)
	}
	return nil
}

func (p Period) String() string { return fmt.Sprintf("%d-TW%d", p.Year, p.Quarter) }

// From and To are the first and last day counted for the period, as
// YYYY-MM-DD: the budget year's first day, and the quarter's last.
func (p Period) From() string { return fmt.Sprintf("%04d-01-01", p.Year) }

func (p Period) To() string {
	return time.Date(p.Year, time.Month(3*p.Quarter)+1, 0, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// DefaultDeadlineDay is the day of the month after the quarter by which the
// report is due: Kemendagri's reminders closed input around the 20th
// (domain.md §3 ◐, practice rather than text).
const DefaultDeadlineDay = 20

// Deadline is the day the period's report is due: day of the month after
// the quarter (the next January for the fourth).
func (p Period) Deadline(day int) string {
	return time.Date(p.Year, time.Month(3*p.Quarter)+1, day, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// PeriodOf is the quarter a day (YYYY-MM-DD) falls in.
func PeriodOf(day string) (Period, error) {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return Period{}, fmt.Errorf("spm: %q is not a day (YYYY-MM-DD)", day)
	}
	p := Period{Year: t.Year(), Quarter: (int(t.Month())-1)/3 + 1}
	return p, p.Check()
}

// DaysLeft is how many days remain from today (YYYY-MM-DD) to the
// deadline, negative once it has passed: the countdown the report shows.
func DaysLeft(today, deadline string) (int, error) {
	a, err := time.Parse(time.DateOnly, today)
	if err != nil {
		return 0, fmt.Errorf("spm: %q is not a day (YYYY-MM-DD)", today)
	}
	b, err := time.Parse(time.DateOnly, deadline)
	if err != nil {
		return 0, fmt.Errorf("spm: %q is not a day (YYYY-MM-DD)", deadline)
	}
	return int(b.Sub(a).Hours() / 24), nil
}

// CheckDeadlineDay refuses a deadline day that some month lacks.
func CheckDeadlineDay(day int) error {
	if day < 1 || day > 28 {
		return fmt.Errorf("spm: deadline day %d: want 1–28, a day every month has", day)
	}
	return nil
}

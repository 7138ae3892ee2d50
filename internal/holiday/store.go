package holiday

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
)

// MaxName is the longest name of a day off, in characters.
const MaxName = 120

// The years a day off may be entered for: far enough for planning, near
// enough that a typo such as 2062 is caught.
const firstYear, lastYear = 2000, 2100

// Between reads the days off entered between from and to (inclusive, dates
// on the office calendar); the built-in days need not be read.
func Between(ctx context.Context, q db.Q, from, to time.Time) (Set, error) {
	rows, err := q.Query(ctx, "SELECT day FROM holiday WHERE day >= ? AND day <= ?",
		from.Format(time.DateOnly), to.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	s := Set{}
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		s[d] = true
	}
	return s, rows.Err()
}

// List returns the days off of a year, built-in and entered, by date.
func List(ctx context.Context, q db.Q, year int) ([]Day, error) {
	if year < firstYear || year > lastYear {
		return nil, apperr.BadParam("year", "holiday.year_range", firstYear, lastYear)
	}
	out := Fixed(year)
	rows, err := q.Query(ctx, "SELECT day, name, kind FROM holiday WHERE day >= ? AND day <= ?",
		time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly),
		time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC).Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var d Day
		if err := rows.Scan(&d.Date, &d.Name, &d.Kind); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b Day) int { return strings.Compare(a.Date, b.Date) })
	return out, nil
}

// mayManage reports whether u changes the calendar: it is the whole
// deployment's, so only its admins of the whole deployment do.
func mayManage(u access.User) error {
	if u.Role != access.Admin || !u.Scope().All {
		return apperr.New(apperr.Forbidden, "error.forbidden")
	}
	return nil
}

// Save enters a day off, or renames one already entered. Audited.
func Save(ctx context.Context, d *db.DB, actor audit.Actor, u access.User, in Day) (Day, error) {
	if err := mayManage(u); err != nil {
		return Day{}, err
	}
	in.Date, in.Name = strings.TrimSpace(in.Date), strings.TrimSpace(in.Name)
	var f apperr.Fields
	day, err := time.Parse(time.DateOnly, in.Date)
	switch {
	case err != nil:
		f.Add("date", "holiday.date_format")
	case day.Year() < firstYear || day.Year() > lastYear:
		f.Add("date", "holiday.year_range", firstYear, lastYear)
	case isFixed(day):
		f.Add("date", "holiday.built_in")
	}
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		f.Add("name", "field.required")
	case n > MaxName:
		f.Add("name", "field.too_long", MaxName)
	}
	if !in.Kind.Valid() {
		f.Add("kind", "holiday.kind_unknown")
	}
	if err := f.Err(); err != nil {
		return Day{}, err
	}
	in.Fixed = false
	err = d.InTx(ctx, func(tx *db.Tx) error {
		var before *Day
		var old Day
		err := db.Err(tx.QueryRow(ctx, "SELECT day, name, kind FROM holiday WHERE day = ?", in.Date).Scan(&old.Date, &old.Name, &old.Kind))
		switch {
		case err == nil:
			before = &old
			_, err = tx.Exec(ctx, "UPDATE holiday SET name = ?, kind = ?, updated_at = ? WHERE day = ?", in.Name, string(in.Kind), db.Now(), in.Date)
		case errors.Is(err, db.ErrNotFound):
			_, err = tx.Exec(ctx, "INSERT INTO holiday (day, name, kind, updated_at) VALUES (?, ?, ?, ?)", in.Date, in.Name, string(in.Kind), db.Now())
		}
		if err != nil {
			return db.Err(err)
		}
		action := audit.Create
		if before != nil {
			action = audit.Update
		}
		e := audit.Entry{Action: action, Entity: "holiday", EntityID: in.Date, After: in}
		if before != nil {
			e.Before = before
		}
		return audit.Record(ctx, tx, actor, e)
	})
	return in, err
}

// Remove takes an entered day off out of the calendar. Audited.
func Remove(ctx context.Context, d *db.DB, actor audit.Actor, u access.User, date string) error {
	if err := mayManage(u); err != nil {
		return err
	}
	return d.InTx(ctx, func(tx *db.Tx) error {
		var old Day
		err := db.Err(tx.QueryRow(ctx, "SELECT day, name, kind FROM holiday WHERE day = ?", date).Scan(&old.Date, &old.Name, &old.Kind))
		if errors.Is(err, db.ErrNotFound) {
			return apperr.New(apperr.NotFound, "holiday.not_found")
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM holiday WHERE day = ?", date); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Delete, Entity: "holiday", EntityID: date, Before: old})
	})
}

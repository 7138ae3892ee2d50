package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/holiday"
)

// The offices' days off (package holiday): a page and the API where the
// admins read them and an admin of the whole deployment enters the days
// that move from year to year, so that deadlines in working days (a
// complaint's answer) skip them.

// holidaysOf reads the days off of the year ?year= names, this year (WIB)
// when it names none.
func (s *Server) holidaysOf(r *http.Request) (int, []holiday.Day, error) {
	year := time.Now().In(wib).Year()
	if v := r.URL.Query().Get("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil {
			return 0, nil, apperr.BadParam("year", "holiday.year_range", 2000, 2100)
		}
		year = y
	}
	days, err := holiday.List(r.Context(), s.db, year)
	return year, days, err
}

type holidaysPage struct {
	Base
	Year   int
	Days   []holiday.Day
	Kinds  []holiday.Kind
	Manage bool
	In     holiday.Day
	Errors FormErrors
	Notice string
}

// KindName is a kind of day off in the page's language.
func (p *holidaysPage) KindName(k holiday.Kind) string { return p.T("holiday.kind." + string(k)) }

// DayName writes a date as dd-mm-yyyy with its weekday.
func (p *holidaysPage) DayName(date string) string {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return p.T("holiday.weekday."+strconv.Itoa(int(d.Weekday()))) + ", " + d.Format("02-01-2006")
}

func (s *Server) holidaysPage(w http.ResponseWriter, r *http.Request, in holiday.Day, errs FormErrors, status int) {
	year, days, err := s.holidaysOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := caseUser(r)
	p := &holidaysPage{Year: year, Days: days, Kinds: holiday.Kinds, Manage: u.Role == access.Admin && u.Scope().All,
		In: in, Errors: errs}
	switch r.URL.Query().Get("done") {
	case "saved":
		p.Notice = "holiday.saved"
	case "removed":
		p.Notice = "holiday.removed"
	}
	p.Title = "holiday.title"
	s.render(w, r, status, "holidays", p)
}

func (s *Server) holidays(w http.ResponseWriter, r *http.Request) {
	s.holidaysPage(w, r, holiday.Day{Kind: holiday.Libur}, nil, http.StatusOK)
}

func (s *Server) holidaySave(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	in := holiday.Day{Date: f.Get("date"), Name: f.Get("name"), Kind: holiday.Kind(f.Get("kind"))}
	saved, err := holiday.Save(r.Context(), s.db, actor(r), caseUser(r), in)
	if err != nil {
		fe, status, ok := s.formFailure(r, err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		s.holidaysPage(w, r, in, fe, status)
		return
	}
	http.Redirect(w, r, "/hari-libur?done=saved&year="+saved.Date[:4], http.StatusSeeOther)
}

func (s *Server) holidayRemove(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	date := r.PostForm.Get("date")
	if err := holiday.Remove(r.Context(), s.db, actor(r), caseUser(r), date); err != nil {
		s.fail(w, r, err)
		return
	}
	year := ""
	if len(date) >= 4 {
		year = date[:4]
	}
	http.Redirect(w, r, "/hari-libur?done=removed&year="+year, http.StatusSeeOther)
}

func (s *Server) apiHolidays(w http.ResponseWriter, r *http.Request) {
	year, days, err := s.holidaysOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"year": year, "days": days})
}

// holidayBody is what PUT /api/v1/holidays takes.
type holidayBody struct {
	Date string       `json:"date"`
	Name string       `json:"name"`
	Kind holiday.Kind `json:"kind"`
}

func (s *Server) apiHolidayPut(w http.ResponseWriter, r *http.Request) {
	var in holidayBody
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := holiday.Save(r.Context(), s.db, actor(r), caseUser(r), holiday.Day{Date: in.Date, Name: in.Name, Kind: in.Kind})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (s *Server) apiHolidayDelete(w http.ResponseWriter, r *http.Request) {
	if err := holiday.Remove(r.Context(), s.db, actor(r), caseUser(r), r.URL.Query().Get("date")); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

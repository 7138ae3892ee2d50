package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/holiday"
)

// An admin of the whole deployment enters Idul Fitri on the page; the list
// shows it beside the built-in days; a bad date is refused by field; the
// API reads, enters and removes; a built-in day cannot be removed.
func TestHolidays(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		admin := h.browser(access.Admin)
		status, body := h.page(t, admin, "POST", "/hari-libur", url.Values{"date": {"2030-13-01"}, "name": {"x"}, "kind": {"libur_nasional"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, h.cat.T("id", "holiday.date_format")) {
			t.Errorf("a bad date: %d", status)
		}
		status, _ = h.page(t, admin, "POST", "/hari-libur", url.Values{"date": {"2030-03-05"}, "name": {"Hari Raya Idul Fitri"}, "kind": {"libur_nasional"}})
		if status != http.StatusSeeOther {
			t.Fatalf("save: %d", status)
		}
		status, body = h.page(t, admin, "GET", "/hari-libur?year=2030", nil)
		if status != http.StatusOK || !strings.Contains(body, "Hari Raya Idul Fitri") || !strings.Contains(body, "Hari Lahir Pancasila") ||
			!strings.Contains(body, `name="date" value="2030-03-05"`) {
			t.Errorf("the list: %d\n%.1500s", status, body)
		}
		r := h.api(t, access.Admin, "PUT", "/api/v1/holidays", map[string]any{"date": "2030-03-06", "name": "Cuti bersama", "kind": "cuti_bersama"})
		if r.Status != http.StatusOK {
			t.Fatalf("PUT: %d %s", r.Status, r.Body)
		}
		var list struct{ Days []holiday.Day }
		h.api(t, access.Admin, "GET", "/api/v1/holidays?year=2030", nil).decode(t, &list)
		if len(list.Days) != 7 {
			t.Errorf("GET: %+v", list.Days)
		}
		if r := h.api(t, access.Admin, "GET", "/api/v1/holidays?year=abc", nil); r.Status != http.StatusBadRequest {
			t.Errorf("a bad year: %d", r.Status)
		}
		if r := h.api(t, access.Admin, "DELETE", "/api/v1/holidays?date=2030-08-17", nil); r.Status != http.StatusNotFound {
			t.Errorf("removing a built-in day: %d", r.Status)
		}
		if status, _ = h.page(t, admin, "POST", "/hari-libur/hapus", url.Values{"date": {"2030-03-06"}}); status != http.StatusSeeOther {
			t.Errorf("remove: %d", status)
		}
		h.api(t, access.Admin, "GET", "/api/v1/holidays?year=2030", nil).decode(t, &list)
		if len(list.Days) != 6 {
			t.Errorf("after removing: %+v", list.Days)
		}
	})
}

// fx.holiday enters a new day off for a case of the role matrix and
// returns its date.
func (fx *fixture) holiday() string {
	for {
		fx.n++
		date := time.Date(2040, 1, 2, 0, 0, 0, 0, time.UTC).AddDate(0, 0, fx.n).Format(time.DateOnly)
		_, err := holiday.Save(context.Background(), fx.h.db, audit.System("test"), access.User{Role: access.Admin},
			holiday.Day{Date: date, Name: "Libur uji", Kind: holiday.CutiBersama})
		switch {
		case err == nil:
			return date
		case apperr.KindOf(err) != apperr.Invalid: // Invalid: a day off built in, take the next
			fx.t.Fatal(err)
		}
	}
}

func uiBodyHoliday(fx *fixture, _ actor, _ string) any {
	fx.n++
	return url.Values{"date": {time.Date(2041, 1, 2, 0, 0, 0, 0, time.UTC).AddDate(0, 0, fx.n).Format(time.DateOnly)},
		"name": {"Libur uji"}, "kind": {"cuti_bersama"}}
}

func apiBodyHoliday(fx *fixture, _ actor, _ string) any {
	fx.n++
	return map[string]any{"date": time.Date(2042, 1, 2, 0, 0, 0, 0, time.UTC).AddDate(0, 0, fx.n%300).Format(time.DateOnly),
		"name": fmt.Sprintf("Libur uji %d", fx.n), "kind": "cuti_bersama"}
}

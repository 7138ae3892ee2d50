package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/spm"
)

// The SPM achievement (issue 6): a region's five jenis with X, Y, capaian,
// its index and label, live from the casework, and the aggregates a region
// without casework enters. The spm store decides who reads and enters which
// region; these handlers read the request and render.

// spmQuery is a request's region and period.
type spmQuery struct {
	Region        string
	Year, Quarter int
}

// readSPMQuery reads region, year and quarter (0: the latest) of a query.
func readSPMQuery(q url.Values) (spmQuery, error) {
	out := spmQuery{Region: strings.TrimSpace(q.Get("region"))}
	if out.Region == "" {
		return out, apperr.BadParam("region", "field.required")
	}
	var err error
	out.Year, out.Quarter, err = readSPMPeriod(q)
	return out, err
}

// readSPMPeriod reads the year (required) and quarter (optional) of a query.
func readSPMPeriod(q url.Values) (year, quarter int, err error) {
	y := strings.TrimSpace(q.Get("year"))
	if y == "" {
		return 0, 0, apperr.BadParam("year", "field.required")
	}
	if year, err = strconv.Atoi(y); err != nil {
		return 0, 0, apperr.BadParam("year", "field.number")
	}
	if v := strings.TrimSpace(q.Get("quarter")); v != "" {
		if quarter, err = strconv.Atoi(v); err != nil || quarter < 1 || quarter > 4 {
			return 0, 0, apperr.BadParam("quarter", "spm.quarter_range")
		}
	}
	return year, quarter, nil
}

// apiSPMAchievements is GET /api/v1/spm/achievements?region=CODE&year=YYYY[&quarter=Q].
func (s *Server) apiSPMAchievements(w http.ResponseWriter, r *http.Request) {
	q, err := readSPMQuery(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.spm.Achievement(r.Context(), caseUser(r), q.Region, q.Year, q.Quarter)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// apiSPMAggregatePut is PUT /api/v1/spm/aggregates: a region's own X and Y
// of one jenis and quarter.
func (s *Server) apiSPMAggregatePut(w http.ResponseWriter, r *http.Request) {
	var in spm.AggregateInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.spm.EnterAggregate(r.Context(), actor(r), caseUser(r), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// readEntryDelete reads the region, jenis, year, quarter and version of a
// DELETE of a quarter's entry (an aggregate, a quality achievement).
func readEntryDelete(q url.Values) (sq spmQuery, jenis string, version int, err error) {
	sq, err = readSPMQuery(q)
	if err == nil && sq.Quarter == 0 {
		err = apperr.BadParam("quarter", "field.required")
	}
	if err == nil {
		version, err = countParam(q, "version", 0)
		if err == nil && version == 0 {
			err = apperr.BadParam("version", "field.required")
		}
	}
	return sq, strings.TrimSpace(q.Get("jenis")), version, err
}

// apiSPMAggregateDelete is DELETE /api/v1/spm/aggregates?region&jenis&year&quarter&version.
func (s *Server) apiSPMAggregateDelete(w http.ResponseWriter, r *http.Request) {
	sq, jenis, version, err := readEntryDelete(r.URL.Query())
	if err == nil {
		err = s.spm.DeleteAggregate(r.Context(), actor(r), caseUser(r), sq.Region, jenis, sq.Year, sq.Quarter, version)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// apiSPMMutuPut is PUT /api/v1/spm/mutu: a region's quality achievement of
// one jenis and quarter.
func (s *Server) apiSPMMutuPut(w http.ResponseWriter, r *http.Request) {
	var in spm.MutuInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	m, err := s.spm.EnterMutu(r.Context(), actor(r), caseUser(r), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

// apiSPMMutuDelete is DELETE /api/v1/spm/mutu?region&jenis&year&quarter&version.
func (s *Server) apiSPMMutuDelete(w http.ResponseWriter, r *http.Request) {
	sq, jenis, version, err := readEntryDelete(r.URL.Query())
	if err == nil {
		err = s.spm.DeleteMutu(r.Context(), actor(r), caseUser(r), sq.Region, jenis, sq.Year, sq.Quarter, version)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// apiSPMOverview is GET /api/v1/spm/overview?year=YYYY[&quarter=Q][&region=CODE]:
// the dashboard of a region (or, without region, of the nation): its own
// achievement, that of each region below it, and the totals per jenis.
func (s *Server) apiSPMOverview(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	year, quarter, err := readSPMPeriod(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	o, err := s.spm.Overview(r.Context(), caseUser(r), strings.TrimSpace(q.Get("region")), year, quarter)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, overviewJSON{Overview: o, Year: o.Period.Year, Quarter: o.Period.Quarter})
}

// overviewJSON adds the period the overview was read for.
type overviewJSON struct {
	spm.Overview
	Year    int `json:"year"`
	Quarter int `json:"quarter"`
}

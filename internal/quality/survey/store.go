package survey

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/quality/ikm"
	"github.com/layan-id/layan/internal/unit"
)

// ComplaintFigures gives a unit's complaint figures of a stretch of days,
// shown beside element U8 (Penanganan Pengaduan, Saran dan Masukan). The
// complaint package provides them; the web layer adapts it. Nil: no
// figures are shown.
type ComplaintFigures interface {
	U8Figures(ctx context.Context, unitID int64, from, to time.Time) (U8, error)
}

// U8 are the complaint figures of a unit in a period.
type U8 struct {
	Received   int     `json:"received"`
	Closed     int     `json:"closed"`
	OnTime     int     `json:"on_time"`
	Late       int     `json:"late"`
	Open       int     `json:"open"`
	MedianDays float64 `json:"median_days"`
}

// Store runs the survey tables. Authorisation is here, above the SQL: the
// unit must be in the user's scope (unit.Get), the permission held.
type Store struct {
	DB         *db.DB
	Complaints ComplaintFigures
	Now        func() time.Time // nil: time.Now
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// wib is the day a response is dated by: Indonesian (western) time.
var wib = time.FixedZone("WIB", 7*3600)

func forbidden() error { return apperr.New(apperr.Forbidden, "error.forbidden") }

func periodNotFound() error { return apperr.New(apperr.NotFound, "skm.period_not_found") }

// unitFor reads a unit the user may read (perm ReadSKM) or manage.
func unitFor(ctx context.Context, q db.Q, u access.User, unitID int64, perm access.Permission) (unit.Unit, error) {
	if !u.Role.Can(perm) {
		return unit.Unit{}, forbidden()
	}
	return unit.Get(ctx, q, u.Scope(), unitID)
}

// CanManage reports whether u manages the survey of a unit they can read.
func CanManage(u access.User) bool { return u.Role.Can(access.ManageSKM) }

const periodColumns = `id, unit_id, kind, year, number, starts_on, ends_on, status, population, created_at, updated_at, version,
	(SELECT COUNT(*) FROM skm_response r WHERE r.period_id = skm_period.id)`

func scanPeriod(row interface{ Scan(...any) error }) (Period, error) {
	var p Period
	err := row.Scan(&p.ID, &p.UnitID, &p.Kind, &p.Year, &p.Number, &p.StartsOn, &p.EndsOn, &p.Status, &p.Population,
		&p.CreatedAt, &p.UpdatedAt, &p.Version, &p.Responses)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, db.Err(err)
}

func loadElements(ctx context.Context, q db.Q, p *Period) error {
	rows, err := q.Query(ctx, "SELECT code, name, weight FROM skm_element WHERE period_id = ? ORDER BY position", p.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	p.Elements = []ikm.Element{}
	for rows.Next() {
		var e ikm.Element
		if err := rows.Scan(&e.Code, &e.Name, &e.Weight); err != nil {
			return err
		}
		p.Elements = append(p.Elements, e)
	}
	return rows.Err()
}

// getPeriod reads period id of unit unitID with its elements.
func getPeriod(ctx context.Context, q db.Q, unitID, id int64) (Period, error) {
	p, err := scanPeriod(q.QueryRow(ctx, "SELECT "+periodColumns+" FROM skm_period WHERE id = ? AND unit_id = ?", id, unitID))
	if errors.Is(err, db.ErrNotFound) {
		return Period{}, periodNotFound()
	}
	if err != nil {
		return Period{}, err
	}
	return p, loadElements(ctx, q, &p)
}

// Periods lists a unit's periods, newest first.
func (s *Store) Periods(ctx context.Context, u access.User, unitID int64) ([]Period, error) {
	if _, err := unitFor(ctx, s.DB, u, unitID, access.ReadSKM); err != nil {
		return nil, err
	}
	return listPeriods(ctx, s.DB, unitID, "")
}

func listPeriods(ctx context.Context, q db.Q, unitID int64, status Status) ([]Period, error) {
	query := "SELECT " + periodColumns + " FROM skm_period WHERE unit_id = ?"
	args := []any{unitID}
	if status != "" {
		query += " AND status = ?"
		args = append(args, string(status))
	}
	rows, err := q.Query(ctx, query+" ORDER BY starts_on DESC, ends_on DESC, id DESC", args...)
	if err != nil {
		return nil, err
	}
	var out []Period
	for rows.Next() {
		p, err := scanPeriod(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if err := loadElements(ctx, q, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Period reads one period of a unit.
func (s *Store) Period(ctx context.Context, u access.User, unitID, id int64) (Period, error) {
	if _, err := unitFor(ctx, s.DB, u, unitID, access.ReadSKM); err != nil {
		return Period{}, err
	}
	return getPeriod(ctx, s.DB, unitID, id)
}

func duplicatePeriod() error {
	var f apperr.Fields
	f.Add("number", "skm.period_exists")
	return f.Err()
}

func writeElements(ctx context.Context, tx *db.Tx, periodID int64, els []ikm.Element) error {
	if _, err := tx.Exec(ctx, "DELETE FROM skm_element WHERE period_id = ?", periodID); err != nil {
		return err
	}
	for i, e := range els {
		if _, err := tx.Exec(ctx, "INSERT INTO skm_element (period_id, position, code, name, weight) VALUES (?, ?, ?, ?, ?)",
			periodID, i+1, e.Code, e.Name, e.Weight); err != nil {
			return err
		}
	}
	return nil
}

// standardElements are the nine elements of PermenPANRB 14/2017 with
// explicit equal weights.
func standardElements() []ikm.Element {
	els := ikm.Standard()
	for i := range els {
		els[i].Weight = 1 / float64(len(els))
	}
	return els
}

// CreatePeriod adds a draft period to a unit, with the standard nine
// elements unless others are given.
func (s *Store) CreatePeriod(ctx context.Context, actor audit.Actor, u access.User, unitID int64, in PeriodInput) (Period, error) {
	if in.Elements == nil {
		in.Elements = standardElements()
	}
	if err := in.Validate().Err(); err != nil {
		return Period{}, err
	}
	var p Period
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		un, err := unitFor(ctx, tx, u, unitID, access.ManageSKM)
		if err != nil {
			return err
		}
		start, end := in.Kind.Dates(in.Year, in.Number)
		now := db.Now()
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO skm_period (unit_id, region_code, province_code, kind, year, number, starts_on,
			ends_on, status, population, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`,
			unitID, string(un.Region), string(un.Province), string(in.Kind), in.Year, in.Number,
			start.Format(time.DateOnly), end.Format(time.DateOnly), string(Draft), in.Population, now, now).Scan(&id)
		if err := db.Err(err); errors.Is(err, db.ErrDuplicate) {
			return duplicatePeriod()
		} else if err != nil {
			return err
		}
		if err := writeElements(ctx, tx, id, in.Elements); err != nil {
			return err
		}
		if p, err = getPeriod(ctx, tx, unitID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Create, Entity: "skm_period",
			EntityID: strconv.FormatInt(id, 10), Region: un.Region, After: p})
	})
	return p, err
}

// UpdatePeriod changes a period; a stale version is a conflict. Once the
// first answer has arrived, kind, year, number and elements are frozen
// (the answers were given to those questions), the population not.
func (s *Store) UpdatePeriod(ctx context.Context, actor audit.Actor, u access.User, unitID, id int64, in PeriodInput) (Period, error) {
	var p Period
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		un, err := unitFor(ctx, tx, u, unitID, access.ManageSKM)
		if err != nil {
			return err
		}
		before, err := getPeriod(ctx, tx, unitID, id)
		if err != nil {
			return err
		}
		if in.Kind == "" {
			in.Kind, in.Year, in.Number = before.Kind, before.Year, before.Number
		}
		if err := in.Validate().Err(); err != nil {
			return err
		}
		changesShape := in.Kind != before.Kind || in.Year != before.Year || in.Number != before.Number ||
			(in.Elements != nil && !sameElements(in.Elements, before.Elements))
		if changesShape && before.Responses > 0 {
			return apperr.New(apperr.Conflict, "skm.frozen")
		}
		start, end := in.Kind.Dates(in.Year, in.Number)
		res, err := tx.Exec(ctx, `UPDATE skm_period SET kind = ?, year = ?, number = ?, starts_on = ?, ends_on = ?,
			population = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			string(in.Kind), in.Year, in.Number, start.Format(time.DateOnly), end.Format(time.DateOnly), in.Population,
			db.Now(), id, in.Version)
		if err := db.Err(err); errors.Is(err, db.ErrDuplicate) {
			return duplicatePeriod()
		} else if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "error.stale_version")
		}
		if in.Elements != nil && changesShape {
			if err := writeElements(ctx, tx, id, in.Elements); err != nil {
				return err
			}
		}
		if p, err = getPeriod(ctx, tx, unitID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Update, Entity: "skm_period",
			EntityID: strconv.FormatInt(id, 10), Region: un.Region, Before: before, After: p})
	})
	return p, err
}

func sameElements(a, b []ikm.Element) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Code != b[i].Code || a[i].Name != b[i].Name || a[i].Weight != b[i].Weight {
			return false
		}
	}
	return true
}

// SetStatus opens or closes a period. A unit has one open period at a
// time (the one its public form shows); a closed period may be opened
// again to take late answers. Closing publishes the results (/hasil).
func (s *Store) SetStatus(ctx context.Context, actor audit.Actor, u access.User, unitID, id int64, to Status, version int) (Period, error) {
	if to != Open && to != Closed {
		var f apperr.Fields
		f.Add("status", "skm.status_unknown")
		return Period{}, f.Err()
	}
	var p Period
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		un, err := unitFor(ctx, tx, u, unitID, access.ManageSKM)
		if err != nil {
			return err
		}
		before, err := getPeriod(ctx, tx, unitID, id)
		if err != nil {
			return err
		}
		if to == Closed && before.Status != Open {
			return apperr.New(apperr.Conflict, "skm.close_not_open")
		}
		if to == Open {
			var other int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM skm_period WHERE unit_id = ? AND status = ? AND id <> ?",
				unitID, string(Open), id).Scan(&other); err != nil {
				return err
			}
			if other > 0 {
				return apperr.New(apperr.Conflict, "skm.other_open")
			}
		}
		res, err := tx.Exec(ctx, "UPDATE skm_period SET status = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
			string(to), db.Now(), id, version)
		if err := db.Err(err); errors.Is(err, db.ErrDuplicate) {
			return apperr.New(apperr.Conflict, "skm.other_open")
		} else if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "error.stale_version")
		}
		if _, err := ensureCode(ctx, tx, unitID); err != nil {
			return err
		}
		if p, err = getPeriod(ctx, tx, unitID, id); err != nil {
			return err
		}
		action := map[Status]string{Open: audit.Activate, Closed: audit.Deactivate}[to]
		return audit.Record(ctx, tx, actor, audit.Entry{Action: action, Entity: "skm_period",
			EntityID: strconv.FormatInt(id, 10), Region: un.Region, Before: before, After: p})
	})
	return p, err
}

// ensureCode returns a unit's public code, making one the first time.
func ensureCode(ctx context.Context, q db.Q, unitID int64) (string, error) {
	var code string
	err := db.Err(q.QueryRow(ctx, "SELECT code FROM skm_unit WHERE unit_id = ?", unitID).Scan(&code))
	if err == nil || !errors.Is(err, db.ErrNotFound) {
		return code, err
	}
	for range 5 { // a collision of random codes is rare; try again
		code = newCode()
		_, err = q.Exec(ctx, `INSERT INTO skm_unit (unit_id, code, created_at) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, unitID, code, db.Now())
		if err != nil {
			return "", err
		}
		var got string
		if err := db.Err(q.QueryRow(ctx, "SELECT code FROM skm_unit WHERE unit_id = ?", unitID).Scan(&got)); err == nil {
			return got, nil
		} else if !errors.Is(err, db.ErrNotFound) {
			return "", err
		}
	}
	return "", errors.New("survey: no free public code")
}

// Code returns the public code of a unit the user may read, making it the
// first time: the short link of its form and results.
func (s *Store) Code(ctx context.Context, u access.User, unitID int64) (string, error) {
	if _, err := unitFor(ctx, s.DB, u, unitID, access.ReadSKM); err != nil {
		return "", err
	}
	var code string
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		code, err = ensureCode(ctx, tx, unitID)
		return err
	})
	return code, err
}

// PublicUnit is what the public pages show of a unit.
type PublicUnit struct {
	ID      int64  `json:"-"`
	Code    string `json:"code"`
	Name    string `json:"name"`
	Address string `json:"address"`
}

func codeNotFound() error { return apperr.New(apperr.NotFound, "skm.code_not_found") }

// UnitByCode finds the active unit of a public code.
func (s *Store) UnitByCode(ctx context.Context, code string) (PublicUnit, error) {
	c := NormalizeCode(code)
	if c == "" {
		return PublicUnit{}, codeNotFound()
	}
	var p PublicUnit
	err := db.Err(s.DB.QueryRow(ctx, `SELECT u.id, s.code, u.name, u.address FROM skm_unit s JOIN unit u ON u.id = s.unit_id
		WHERE s.code = ? AND u.active = ?`, c, true).Scan(&p.ID, &p.Code, &p.Name, &p.Address))
	if errors.Is(err, db.ErrNotFound) {
		return PublicUnit{}, codeNotFound()
	}
	return p, err
}

// OpenForm is what the public form needs: the unit and its open period.
type OpenForm struct {
	Unit   PublicUnit
	Period Period
}

// OpenPeriod finds the open period behind a public code; none is a not
// found (the public page says the survey is not running).
func (s *Store) OpenPeriod(ctx context.Context, code string) (OpenForm, error) {
	un, err := s.UnitByCode(ctx, code)
	if err != nil {
		return OpenForm{}, err
	}
	ps, err := listPeriods(ctx, s.DB, un.ID, Open)
	if err != nil {
		return OpenForm{}, err
	}
	if len(ps) == 0 {
		return OpenForm{}, apperr.New(apperr.NotFound, "skm.not_open")
	}
	return OpenForm{Unit: un, Period: ps[0]}, nil
}

// Submit stores one anonymous response to the open period of the unit
// behind code, in one transaction: all of it or nothing. Nothing about
// the sender (account, address, device, time of day) is stored with it.
func (s *Store) Submit(ctx context.Context, code string, r Response) error {
	form, err := s.OpenPeriod(ctx, code)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		// Read the period again inside the transaction: it may have been
		// closed, or its elements changed, since.
		p, err := getPeriod(ctx, tx, form.Unit.ID, form.Period.ID)
		if err != nil {
			return err
		}
		if p.Status != Open {
			return apperr.New(apperr.NotFound, "skm.not_open")
		}
		if err := r.Check(p.Elements).Err(); err != nil {
			return err
		}
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO skm_response (period_id, submitted_on, age_band, sex, education, occupation,
			service, suggestion) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, p.ID, s.now().In(wib).Format(time.DateOnly),
			r.AgeBand, r.Sex, r.Education, r.Occupation, r.Service, r.Suggestion).Scan(&id)
		if err != nil {
			return db.Err(err)
		}
		for _, e := range p.Elements {
			if _, err := tx.Exec(ctx, "INSERT INTO skm_answer (response_id, code, value) VALUES (?, ?, ?)",
				id, e.Code, r.Answers[e.Code]); err != nil {
				return err
			}
		}
		return nil
	})
}

// Results are a period's figures: the index as the regulation computes it
// (ikm.Compute), the sample reached against Krejcie–Morgan, the profile
// of the respondents, and the complaint figures beside U8.
type Results struct {
	Period Period     `json:"period"`
	IKM    ikm.Result `json:"ikm"`
	// Sample is the Krejcie–Morgan sample size of the period's population
	// (0 when the population is not entered).
	Sample        int  `json:"sample"`
	SampleReached bool `json:"sample_reached"`
	// Profile counts the respondents per answer of each profile question.
	Profile map[string]map[string]int `json:"profile"`
	U8      *U8                       `json:"u8,omitempty"`
	// Suggestions are the respondents' saran, newest first: only for the
	// unit's managers, since free text may name someone.
	Suggestions []string `json:"suggestions,omitempty"`
}

// Results computes a period's results for a user who may read the unit's.
func (s *Store) Results(ctx context.Context, u access.User, unitID, id int64) (Results, error) {
	if _, err := unitFor(ctx, s.DB, u, unitID, access.ReadSKM); err != nil {
		return Results{}, err
	}
	p, err := getPeriod(ctx, s.DB, unitID, id)
	if err != nil {
		return Results{}, err
	}
	return s.results(ctx, p, CanManage(u))
}

func (s *Store) results(ctx context.Context, p Period, withText bool) (Results, error) {
	out := Results{Period: p, Profile: map[string]map[string]int{}}
	answers, err := loadAnswers(ctx, s.DB, p)
	if err != nil {
		return out, err
	}
	if out.IKM, err = ikm.Compute(p.Elements, answers); err != nil {
		return out, err
	}
	if p.Population > 0 {
		out.Sample = ikm.SampleSize(p.Population)
		out.SampleReached = out.IKM.Respondents >= out.Sample
	}
	rows, err := s.DB.Query(ctx, `SELECT age_band, sex, education, occupation, service, suggestion FROM skm_response
		WHERE period_id = ? ORDER BY id DESC`, p.ID)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for _, k := range []string{"age_band", "sex", "education", "occupation", "service"} {
		out.Profile[k] = map[string]int{}
	}
	for rows.Next() {
		var pr Profile
		var text string
		if err := rows.Scan(&pr.AgeBand, &pr.Sex, &pr.Education, &pr.Occupation, &pr.Service, &text); err != nil {
			return out, err
		}
		out.Profile["age_band"][pr.AgeBand]++
		out.Profile["sex"][pr.Sex]++
		out.Profile["education"][pr.Education]++
		out.Profile["occupation"][pr.Occupation]++
		out.Profile["service"][pr.Service]++
		if withText && text != "" && len(out.Suggestions) < 200 {
			out.Suggestions = append(out.Suggestions, text)
		}
	}
	if err := rows.Err(); err != nil {
		return out, err
	}
	if s.Complaints != nil {
		from, _ := time.Parse(time.DateOnly, p.StartsOn)
		to, _ := time.Parse(time.DateOnly, p.EndsOn)
		f, err := s.Complaints.U8Figures(ctx, p.UnitID, from, to.AddDate(0, 0, 1))
		if err != nil {
			return out, err
		}
		out.U8 = &f
	}
	return out, nil
}

// loadAnswers reads a period's answers as ikm.Compute takes them: one row
// per respondent, one column per element in the period's order.
func loadAnswers(ctx context.Context, q db.Q, p Period) ([][]int, error) {
	col := map[string]int{}
	for i, e := range p.Elements {
		col[e.Code] = i
	}
	rows, err := q.Query(ctx, `SELECT a.response_id, a.code, a.value FROM skm_answer a
		JOIN skm_response r ON r.id = a.response_id WHERE r.period_id = ? ORDER BY a.response_id`, p.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]int
	last := int64(-1)
	for rows.Next() {
		var id int64
		var code string
		var v int
		if err := rows.Scan(&id, &code, &v); err != nil {
			return nil, err
		}
		if id != last {
			out = append(out, make([]int, len(p.Elements)))
			last = id
		}
		if j, ok := col[code]; ok {
			out[len(out)-1][j] = v
		}
	}
	return out, rows.Err()
}

// TrendPoint is one period of a unit's trend.
type TrendPoint struct {
	PeriodID    int64   `json:"period_id"`
	Label       string  `json:"label"`
	Kind        Kind    `json:"kind"`
	Year        int     `json:"year"`
	Number      int     `json:"number"`
	Status      Status  `json:"status"`
	Respondents int     `json:"respondents"`
	IKM         float64 `json:"ikm"`
	Mutu        string  `json:"mutu"`
	Kinerja     string  `json:"kinerja"`
}

// Trend lists the index of a unit's open and closed periods, oldest first.
func (s *Store) Trend(ctx context.Context, u access.User, unitID int64) ([]TrendPoint, error) {
	if _, err := unitFor(ctx, s.DB, u, unitID, access.ReadSKM); err != nil {
		return nil, err
	}
	return s.trend(ctx, unitID, false)
}

func (s *Store) trend(ctx context.Context, unitID int64, closedOnly bool) ([]TrendPoint, error) {
	ps, err := listPeriods(ctx, s.DB, unitID, "")
	if err != nil {
		return nil, err
	}
	out := []TrendPoint{}
	for _, p := range ps {
		if p.Status == Draft || (closedOnly && p.Status != Closed) {
			continue
		}
		answers, err := loadAnswers(ctx, s.DB, p)
		if err != nil {
			return nil, err
		}
		r, err := ikm.Compute(p.Elements, answers)
		if err != nil {
			return nil, err
		}
		out = append(out, TrendPoint{PeriodID: p.ID, Label: p.Label(), Kind: p.Kind, Year: p.Year, Number: p.Number,
			Status: p.Status, Respondents: r.Respondents, IKM: r.IKM, Mutu: r.Mutu, Kinerja: r.Kinerja})
	}
	// listPeriods is newest first; a trend reads oldest first.
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// Published are a unit's published results: every closed period, newest
// first, without the suggestions. Publishing SKM results is itself scored
// in the PEKPPP (domain.md §6.7), so closing a period publishes it.
type Published struct {
	Unit    PublicUnit `json:"unit"`
	Periods []Results  `json:"periods"`
}

// PublicResults reads the published results behind a public code.
func (s *Store) PublicResults(ctx context.Context, code string) (Published, error) {
	un, err := s.UnitByCode(ctx, code)
	if err != nil {
		return Published{}, err
	}
	ps, err := listPeriods(ctx, s.DB, un.ID, Closed)
	if err != nil {
		return Published{}, err
	}
	out := Published{Unit: un, Periods: []Results{}}
	for _, p := range ps {
		r, err := s.results(ctx, p, false)
		if err != nil {
			return out, err
		}
		r.U8, r.Profile = nil, nil
		out.Periods = append(out.Periods, r)
	}
	return out, nil
}

// KioskPerDevice is the public form's per-device limit for a kiosk tablet: one device
// that many people answer on at the front desk. A busy unit serves some
// tens of people an hour; the address limit still holds.
const KioskPerDevice = 60

func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

// MaxKioskLabel is the longest name of a kiosk tablet, in characters.
const MaxKioskLabel = 80

// CreateKiosk makes a kiosk token for a unit the user manages: the tablet
// keeps it in a cookie. Only its hash is stored.
func (s *Store) CreateKiosk(ctx context.Context, actor audit.Actor, u access.User, unitID int64, label string) (string, error) {
	label = strings.TrimSpace(label)
	if utf8.RuneCountInString(label) > MaxKioskLabel {
		var f apperr.Fields
		f.Add("label", "field.too_long", MaxKioskLabel)
		return "", f.Err()
	}
	b := make([]byte, 24)
	rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		un, err := unitFor(ctx, tx, u, unitID, access.ManageSKM)
		if err != nil {
			return err
		}
		if _, err := ensureCode(ctx, tx, unitID); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO skm_kiosk (unit_id, token_hash, label, created_by, created_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, unitID, hashToken(token), label, nullID(u.ID), db.Now()).Scan(&id); err != nil {
			return db.Err(err)
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Create, Entity: "skm_kiosk",
			EntityID: strconv.FormatInt(id, 10), Region: un.Region, After: map[string]any{"unit_id": unitID, "label": label}})
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// Kiosk is a tablet a unit made its survey kiosk, as its managers see it;
// the token itself is only on the tablet.
type Kiosk struct {
	ID        int64     `json:"id"`
	Label     string    `json:"label"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// Kiosks lists the live kiosks of a unit the user manages, newest first.
func (s *Store) Kiosks(ctx context.Context, u access.User, unitID int64) ([]Kiosk, error) {
	if _, err := unitFor(ctx, s.DB, u, unitID, access.ManageSKM); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT k.id, k.label, COALESCE(p.full_name, ''), k.created_at
		FROM skm_kiosk k LEFT JOIN app_user p ON p.id = k.created_by
		WHERE k.unit_id = ? AND k.revoked_at IS NULL ORDER BY k.created_at DESC, k.id DESC`, unitID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Kiosk{}
	for rows.Next() {
		var k Kiosk
		if err := rows.Scan(&k.ID, &k.Label, &k.CreatedBy, &k.CreatedAt); err != nil {
			return nil, err
		}
		k.CreatedAt = k.CreatedAt.UTC()
		out = append(out, k)
	}
	return out, rows.Err()
}

// RevokeKiosk ends a kiosk (a tablet lost, stolen or moved elsewhere): its
// token no longer lifts the per-device limit. Audited; a kiosk already
// revoked or of another unit is not found.
func (s *Store) RevokeKiosk(ctx context.Context, actor audit.Actor, u access.User, unitID, kioskID int64) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		un, err := unitFor(ctx, tx, u, unitID, access.ManageSKM)
		if err != nil {
			return err
		}
		var label string
		err = db.Err(tx.QueryRow(ctx, "SELECT label FROM skm_kiosk WHERE id = ? AND unit_id = ? AND revoked_at IS NULL",
			kioskID, unitID).Scan(&label))
		if errors.Is(err, db.ErrNotFound) {
			return apperr.New(apperr.NotFound, "skm.kiosk.not_found")
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE skm_kiosk SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", db.Now(), kioskID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Deactivate, Entity: "skm_kiosk",
			EntityID: strconv.FormatInt(kioskID, 10), Region: un.Region, Before: map[string]any{"unit_id": unitID, "label": label}})
	})
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// KioskID returns the id of the live kiosk of token at the unit, or 0.
func (s *Store) KioskID(ctx context.Context, unitID int64, token string) (int64, error) {
	if token == "" || len(token) > 64 {
		return 0, nil
	}
	var id int64
	err := db.Err(s.DB.QueryRow(ctx, "SELECT id FROM skm_kiosk WHERE token_hash = ? AND unit_id = ? AND revoked_at IS NULL",
		hashToken(token), unitID).Scan(&id))
	if errors.Is(err, db.ErrNotFound) {
		return 0, nil
	}
	return id, err
}

package spm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/wilayah"
)

// The quality side of the index (PP 2/2018 Pasal 10 ayat 4: the mutu of a
// jenis is set in a standar teknis of goods and services and of human
// resources). domain.md §3 ✘: e-SPM's formula is not published, so layan
// keeps the two components apart, as that section advises: a region's
// planner enters, per jenis and quarter, the share of the standard goods
// and services met and the share of the standard SDM met, with a source;
// the mutu of a jenis is their mean, and the index weighs the mean mutu
// against the mean capaian of recipients by the settings' weights.

// Mutu is the quality achievement a region entered for a jenis and
// quarter, in percent of the standard met.
type Mutu struct {
	BarangJasa float64   `json:"barang_jasa"`
	SDM        float64   `json:"sdm"`
	Value      float64   `json:"value"` // the mean of the two: the jenis's mutu
	Source     string    `json:"source"`
	Note       string    `json:"note"`
	EnteredBy  int64     `json:"entered_by,omitempty"`
	EnteredAt  time.Time `json:"entered_at"`
	Version    int       `json:"version"`
}

// MutuOf is the mutu of a jenis from its two shares (domain.md §3 ✘: their
// mean, until the official formula is known).
func MutuOf(barangJasa, sdm float64) float64 { return (barangJasa + sdm) / 2 }

// MutuInput is a quality achievement a planner enters; Version is the
// stored entry's, 0 for a new one.
type MutuInput struct {
	Region     string   `json:"region"`
	Jenis      string   `json:"jenis"`
	Year       int      `json:"year"`
	Quarter    int      `json:"quarter"`
	BarangJasa *float64 `json:"barang_jasa"`
	SDM        *float64 `json:"sdm"`
	Source     string   `json:"source"`
	Note       string   `json:"note"`
	Version    int      `json:"version"`
}

// hundredths stores a percentage exactly: 87.25 % is 8725.
func hundredths(pct float64) int { return int(math.Round(pct * 100)) }

func (in *MutuInput) check(level Level, today time.Time) apperr.Fields {
	var f apperr.Fields
	checkEntry(&f, level, today, in.Jenis, in.Year, in.Quarter, &in.Source, &in.Note)
	for _, v := range []struct {
		name string
		pct  *float64
	}{{"barang_jasa", in.BarangJasa}, {"sdm", in.SDM}} {
		switch {
		case v.pct == nil:
			f.Add(v.name, "field.required")
		case math.IsNaN(*v.pct) || *v.pct < 0 || *v.pct > 100:
			f.Add(v.name, "spm.mutu_range")
		case math.Abs(*v.pct*100-math.Round(*v.pct*100)) > 1e-6:
			f.Add(v.name, "spm.mutu_decimals")
		}
	}
	return f
}

// regionMutu is the mean mutu of a region's jenis with people to serve,
// and the jenis among them without an entry (missing). ok is false when
// none has one.
func regionMutu(figures []Figure) (mean float64, ok bool, missing []Jenis) {
	var sum float64
	n := 0
	for _, f := range figures {
		if f.Y == 0 {
			continue
		}
		if f.Mutu == nil {
			missing = append(missing, f.Jenis)
			continue
		}
		sum += f.Mutu.Value
		n++
	}
	if n == 0 {
		return 0, false, missing
	}
	return sum / float64(n), true, missing
}

// EnterMutu stores (or replaces, at the version given) a region's quality
// achievement of a jenis and quarter, as a planner of exactly the region,
// audited; refused while the quarter's report is under review or locked.
func (s *Store) EnterMutu(ctx context.Context, actor audit.Actor, u access.User, in MutuInput) (Mutu, error) {
	r, err := s.entered(u, in.Region)
	if err != nil {
		return Mutu{}, err
	}
	level, _ := LevelOf(r.Code)
	if err := in.check(level, s.now()).Err(); err != nil {
		return Mutu{}, err
	}
	bj, sdm := hundredths(*in.BarangJasa), hundredths(*in.SDM)
	after, err := mutuEntries.put(ctx, s, actor, r, in.Jenis, in.Year, in.Quarter, in.Version, func(tx *db.Tx, before *Mutu) (sql.Result, error) {
		if before == nil {
			return tx.Exec(ctx, `INSERT INTO spm_mutu (region_code, jenis, year, quarter, province_code, barang_jasa, sdm,
				source, note, entered_by, entered_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
				string(r.Code), in.Jenis, in.Year, in.Quarter, string(r.Code.Province()), bj, sdm, in.Source, in.Note, u.ID, db.Now())
		}
		return tx.Exec(ctx, `UPDATE spm_mutu SET barang_jasa = ?, sdm = ?, source = ?, note = ?, entered_by = ?,
				entered_at = ?, version = version + 1 WHERE region_code = ? AND jenis = ? AND year = ? AND quarter = ? AND version = ?`,
			bj, sdm, in.Source, in.Note, u.ID, db.Now(), string(r.Code), in.Jenis, in.Year, in.Quarter, in.Version)
	})
	if err != nil {
		return Mutu{}, err
	}
	return *after, nil
}

// DeleteMutu removes an entered quality achievement at its version.
func (s *Store) DeleteMutu(ctx context.Context, actor audit.Actor, u access.User, region, jenis string, year, quarter, version int) error {
	r, err := s.entered(u, region)
	if err != nil {
		return err
	}
	return mutuEntries.remove(ctx, s, actor, r, jenis, year, quarter, version)
}

// mutuEntries are the quality achievements regions enter.
var mutuEntries = quarterEntry[Mutu]{table: "spm_mutu", entity: "spm_mutu",
	staleKey: "spm.mutu_stale", noneKey: "spm.mutu_not_found", get: getMutu,
	version: func(m *Mutu) int { return m.Version }}

const mutuColumns = "barang_jasa, sdm, source, note, entered_by, entered_at, version"

// scanMutu reads mutuColumns.
func scanMutu(sc interface{ Scan(...any) error }, prefix ...any) (*Mutu, error) {
	var m Mutu
	var bj, sdm int
	var by *int64
	if err := sc.Scan(append(prefix, &bj, &sdm, &m.Source, &m.Note, &by, &m.EnteredAt, &m.Version)...); err != nil {
		return nil, err
	}
	m.BarangJasa, m.SDM = float64(bj)/100, float64(sdm)/100
	m.Value = MutuOf(m.BarangJasa, m.SDM)
	if by != nil {
		m.EnteredBy = *by
	}
	m.EnteredAt = m.EnteredAt.UTC()
	return &m, nil
}

func getMutu(ctx context.Context, q db.Q, c wilayah.Code, jenis string, year, quarter int) (*Mutu, error) {
	m, err := scanMutu(q.QueryRow(ctx, `SELECT `+mutuColumns+` FROM spm_mutu
		WHERE region_code = ? AND jenis = ? AND year = ? AND quarter = ?`, string(c), jenis, year, quarter))
	if err = db.Err(err); errors.Is(err, db.ErrNotFound) {
		return nil, nil // none entered
	}
	return m, err
}

// mutuEntries reads the quality achievements entered for the regions that
// where selects (a condition on region_code, with its args) in the
// quarters of the years from to to, per quarter.
func (s *Store) mutuEntries(ctx context.Context, where string, args []any, from, to int) (map[Period]map[regionJenis]*Mutu, error) {
	rows, err := s.DB.Query(ctx, `SELECT year, quarter, region_code, jenis, `+mutuColumns+` FROM spm_mutu
		WHERE `+where+` AND year >= ? AND year <= ?`, append(append([]any{}, args...), from, to)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[Period]map[regionJenis]*Mutu{}
	for rows.Next() {
		var p Period
		var k regionJenis
		m, err := scanMutu(rows, &p.Year, &p.Quarter, &k.region, &k.jenis)
		if err != nil {
			return nil, fmt.Errorf("spm: mutu: %w", err)
		}
		if out[p] == nil {
			out[p] = map[regionJenis]*Mutu{}
		}
		out[p][k] = m
	}
	return out, rows.Err()
}

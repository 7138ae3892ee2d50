package spm

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
)

// Settings are the SPM rules no primary text fixes (domain.md §3 ✘ and
// ◐), so a deployment sets them: how the index weighs recipients against
// quality, the labels of its bands, and the day reports fall due. They are
// rows of the setting table, read on every computation so that every
// instance of a deployment uses the same rules the moment an admin
// changes them.
type Settings struct {
	Weights     Weights `json:"weights"`
	Bands       []Band  `json:"bands"`
	DeadlineDay int     `json:"report_deadline_day"`
}

// Names of the setting rows; ReportDeadlineSetting is in report.go.
const (
	WeightsSetting = "spm.weights"
	BandsSetting   = "spm.bands"
)

// DefaultSettings are the documented defaults a fresh deployment uses.
func DefaultSettings() Settings {
	return Settings{Weights: DefaultWeights, Bands: DefaultBands, DeadlineDay: DefaultDeadlineDay}
}

// Check refuses settings that would leave an index, a label or a deadline
// undefined, field by field.
func (s Settings) Check() apperr.Fields {
	var f apperr.Fields
	if s.Weights.Check() != nil {
		f.Add("weights", "spm.settings_weights")
	}
	if CheckBands(s.Bands) != nil {
		f.Add("bands", "spm.settings_bands")
	}
	if CheckDeadlineDay(s.DeadlineDay) != nil {
		f.Add("report_deadline_day", "spmreport.deadline_day_range")
	}
	return f
}

// readSettings reads the settings, the default for each row not set. A
// stored value that does not parse or check is an error of the deployment,
// not something to paper over with a default.
func readSettings(ctx context.Context, q db.Q) (Settings, error) {
	out := DefaultSettings()
	rows, err := q.Query(ctx, "SELECT name, value FROM setting WHERE name IN (?, ?)", WeightsSetting, BandsSetting)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var name, value string
		if err := rows.Scan(&name, &value); err != nil {
			return out, err
		}
		switch name {
		case WeightsSetting:
			err = json.Unmarshal([]byte(value), &out.Weights)
			if err == nil {
				err = out.Weights.Check()
			}
		case BandsSetting:
			out.Bands = nil
			err = json.Unmarshal([]byte(value), &out.Bands)
			if err == nil {
				err = CheckBands(out.Bands)
			}
		}
		if err != nil {
			return out, fmt.Errorf("spm: setting %s = %q: %w", name, value, err)
		}
	}
	if err := rows.Err(); err != nil {
		return out, err
	}
	out.DeadlineDay, err = reportDeadlineDay(ctx, q)
	return out, err
}

// Settings reads the SPM settings; every SPM reader may see the rules its
// figures are computed by.
func (s *Store) Settings(ctx context.Context, u access.User) (Settings, error) {
	if !u.Role.Can(access.ReadSPM) {
		return Settings{}, apperr.New(apperr.Forbidden, "error.forbidden")
	}
	return readSettings(ctx, s.DB)
}

// SetSettings replaces the SPM settings: rules of the whole deployment, so
// an admin of the whole deployment only; audited as entity "setting" with
// the values before and after. Dashboards cached for a moment (cache.go)
// show the new rules within CacheFor.
func (s *Store) SetSettings(ctx context.Context, actor audit.Actor, u access.User, in Settings) (Settings, error) {
	if u.Role != access.Admin || !u.Scope().All {
		return Settings{}, apperr.New(apperr.Forbidden, "error.forbidden")
	}
	if err := in.Check().Err(); err != nil {
		return Settings{}, err
	}
	weights, err := json.Marshal(in.Weights)
	if err != nil {
		return Settings{}, err
	}
	bands, err := json.Marshal(in.Bands)
	if err != nil {
		return Settings{}, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := readSettings(ctx, tx)
		if err != nil {
			return err
		}
		for _, kv := range [][2]string{{WeightsSetting, string(weights)}, {BandsSetting, string(bands)},
			{ReportDeadlineSetting, strconv.Itoa(in.DeadlineDay)}} {
			if err := putSetting(ctx, tx, kv[0], kv[1]); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Update, Entity: "setting",
			EntityID: "spm", Before: before, After: in})
	})
	return in, err
}

// putSetting stores one setting row.
func putSetting(ctx context.Context, tx *db.Tx, name, value string) error {
	_, err := tx.Exec(ctx, `INSERT INTO setting (name, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		name, value, db.Now())
	return err
}

// ParseBands reads bands written one per line or comma-separated as
// "MIN:LABEL" ("100:Tuntas Paripurna, 90:Tuntas Utama, …, 0:Belum Tuntas"),
// the form an admin types on the settings page and the CLI takes. The
// result still has to pass CheckBands.
func ParseBands(text string) ([]Band, error) {
	var out []Band
	for _, part := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == ',' || r == ';' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		min, label, ok := strings.Cut(part, ":")
		if !ok {
			return nil, fmt.Errorf("%w: %q is not MIN:LABEL", ErrBands, part)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(min), 64)
		if err != nil {
			return nil, fmt.Errorf("%w: %q: the minimum is not a number", ErrBands, part)
		}
		out = append(out, Band{Min: v, Label: strings.TrimSpace(label)})
	}
	return out, CheckBands(out)
}

// FormatBands writes bands the way ParseBands reads them, one per line.
func FormatBands(bands []Band) string {
	lines := make([]string, len(bands))
	for i, b := range bands {
		lines[i] = strconv.FormatFloat(b.Min, 'f', -1, 64) + ":" + b.Label
	}
	return strings.Join(lines, "\n")
}

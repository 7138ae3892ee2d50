package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/spm"
)

// The SPM settings (issue 6 point 3): the index's weights, the labels of
// its bands and the report deadline's day, which domain.md §3 marks as not
// confirmed. Every SPM reader sees them (the figures they read are computed
// by them); an admin of the whole deployment changes them (spm.SetSettings).

func (s *Server) apiSPMSettings(w http.ResponseWriter, r *http.Request) {
	set, err := s.spm.Settings(r.Context(), caseUser(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, set)
}

func (s *Server) apiSPMSettingsPut(w http.ResponseWriter, r *http.Request) {
	var in spm.Settings
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	set, err := s.spm.SetSettings(r.Context(), actor(r), caseUser(r), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, set)
}

type spmSettingsPage struct {
	Base
	// Form holds the values shown: the stored ones, or those sent back
	// with their errors. Weights are in percent, as people say them.
	Form   spmSettingsForm
	Manage bool // an admin of the whole deployment may change them
	Errors FormErrors
	Saved  bool
}

type spmSettingsForm struct {
	Penerima, Mutu, Bands, DeadlineDay string
}

func settingsForm(set spm.Settings) spmSettingsForm {
	pct := func(v float64) string { return strconv.FormatFloat(v*100, 'f', -1, 64) }
	return spmSettingsForm{Penerima: pct(set.Weights.Penerima), Mutu: pct(set.Weights.Mutu),
		Bands: spm.FormatBands(set.Bands), DeadlineDay: strconv.Itoa(set.DeadlineDay)}
}

func (s *Server) spmSettingsPage(w http.ResponseWriter, r *http.Request) {
	set, err := s.spm.Settings(r.Context(), caseUser(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := caseUser(r)
	p := &spmSettingsPage{Form: settingsForm(set), Manage: u.Role == access.Admin && u.Scope().All,
		Saved: r.URL.Query().Get("saved") != ""}
	p.Title = "spmsettings.title"
	s.render(w, r, http.StatusOK, "spm_settings", p)
}

// spmSettingsSave reads the form: weights in percent (a comma is a decimal
// point, as Indonesians write it), bands one MIN:LABEL per line.
func (s *Server) spmSettingsSave(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	form := spmSettingsForm{Penerima: strings.TrimSpace(f.Get("penerima")), Mutu: strings.TrimSpace(f.Get("mutu")),
		Bands: f.Get("bands"), DeadlineDay: strings.TrimSpace(f.Get("report_deadline_day"))}
	lang := state(r).lang
	errs := FormErrors{}
	var in spm.Settings
	for _, v := range []struct {
		name, text string
		dst        *float64
	}{{"penerima", form.Penerima, &in.Weights.Penerima}, {"mutu", form.Mutu, &in.Weights.Mutu}} {
		n, err := strconv.ParseFloat(strings.Replace(v.text, ",", ".", 1), 64)
		if err != nil || n < 0 || n > 100 {
			errs[v.name] = s.cat.T(lang, "spmsettings.percent")
			continue
		}
		*v.dst = n / 100
	}
	bands, err := spm.ParseBands(form.Bands)
	if err != nil {
		errs["bands"] = s.cat.T(lang, "spm.settings_bands")
	}
	in.Bands = bands
	if in.DeadlineDay, err = strconv.Atoi(form.DeadlineDay); err != nil {
		errs["report_deadline_day"] = s.cat.T(lang, "spmreport.deadline_day_range")
	}
	if len(errs) == 0 {
		_, err = s.spm.SetSettings(r.Context(), actor(r), caseUser(r), in)
		if err == nil {
			http.Redirect(w, r, "/spm/settings?saved=1", http.StatusSeeOther)
			return
		}
		if errs = s.formErrors(r, err); errs == nil {
			s.fail(w, r, err)
			return
		}
	}
	p := &spmSettingsPage{Form: form, Manage: true, Errors: errs}
	p.Title = "spmsettings.title"
	s.render(w, r, http.StatusUnprocessableEntity, "spm_settings", p)
}

package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/report"
)

// The SPM exports (issue 6 point 6): the achievement of every region of a
// scope for a period as an XLSX workbook for e-SPM, as CSV, or as open data
// (JSON with metadata; the CSV is the same rows). Counts only, no person.

// Producer and licence of the open data: a deployment's operator states
// them in the metadata (docs/operations.md).
const (
	openDataProducer = "Kementerian Sosial Republik Indonesia (layan)"
	openDataLicence  = "CC-BY-4.0"
)

var exportTypes = map[string]string{
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"csv":  "text/csv; charset=utf-8",
	"json": "application/json",
}

// spmExport is GET /spm/export and /api/v1/spm/export?format=xlsx|csv|json
// &year=YYYY[&quarter=Q][&region=CODE]: without region, the nation.
func (s *Server) spmExport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	format := strings.TrimSpace(q.Get("format"))
	ctype, ok := exportTypes[format]
	if !ok {
		s.fail(w, r, apperr.BadParam("format", "spm.export_format"))
		return
	}
	year, quarter, err := readSPMPeriod(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := s.spm.Export(r.Context(), caseUser(r), strings.TrimSpace(q.Get("region")), year, quarter)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.spmNow()
	// Written whole before the first byte is sent, so that a failure is
	// an error answer, never a cut file.
	var b bytes.Buffer
	switch format {
	case "xlsx":
		err = report.SPMWorkbook(&b, e, now)
	case "csv":
		err = report.SPMCSV(&b, e)
	case "json":
		err = report.OpenDataJSON(&b, report.OpenDataOf(e, openDataProducer, s.regions.Source().Regulation, openDataLicence, now))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	scope := "indonesia"
	if e.Scope != "" {
		scope = string(e.Scope)
	}
	name := fmt.Sprintf("capaian-spm-%s-%d-tw%d.%s", scope, e.Period.Year, e.Period.Quarter, format)
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(b.Bytes())
}

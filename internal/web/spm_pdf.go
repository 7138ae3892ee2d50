package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"

	"github.com/layan-id/layan/internal/report"
	"github.com/layan-id/layan/internal/spm"
)

// The quarterly report as an official PDF (issue 6 point 6: letterhead,
// tables, charts, signature block): the report the page shows, read by the
// same store call, which checks that the reader may see the region, and
// written by report.SPMReportPDF.

// spmReportPDF is GET /spm/report.pdf and GET /api/v1/spm/reports/pdf
// ?region&year&quarter.
func (s *Server) spmReportPDF(w http.ResponseWriter, r *http.Request) {
	q, err := readReportQuery(r.URL.Query(), false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, u := r.Context(), caseUser(r)
	rep, err := s.spm.Report(ctx, u, q.Region, q.Year, q.Quarter)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	history, err := s.spm.ReportHistory(ctx, u, q.Region, q.Year, q.Quarter)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	opts := report.PDFOptions{Generated: s.spmNow()}
	opts.SubmittedBy, opts.VerifiedBy, opts.LockedBy = reportSigners(history)
	// The trend of the year so far: each earlier quarter as its own report
	// shows it (frozen once submitted), then this one.
	for quarter := 1; quarter < rep.Quarter; quarter++ {
		earlier, err := s.spm.Report(ctx, u, q.Region, q.Year, quarter)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		opts.Trend = append(opts.Trend, report.TrendPoint{Year: earlier.Year, Quarter: earlier.Quarter, Index: earlier.Capaian.Index})
	}
	if len(opts.Trend) > 0 {
		opts.Trend = append(opts.Trend, report.TrendPoint{Year: rep.Year, Quarter: rep.Quarter, Index: rep.Capaian.Index})
	}
	// Written whole before the first byte is sent, so that a failure is an
	// error answer, never a cut file.
	var b bytes.Buffer
	if err := report.SPMReportPDF(&b, rep, opts); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+report.PDFFileName(rep)+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(b.Bytes())
}

// reportSigners names who submitted, verified and locked the report as it
// stands: a return or a reopening sent it back to draf, and undid them.
func reportSigners(history []spm.ReportEvent) (submitted, verified, locked string) {
	for _, e := range history {
		switch e.Action {
		case spm.ReportSubmit:
			submitted = e.ActorName
		case spm.ReportVerify:
			verified = e.ActorName
		case spm.ReportLock:
			locked = e.ActorName
		case spm.ReportReturn, spm.ReportReopen:
			submitted, verified, locked = "", "", ""
		}
	}
	return submitted, verified, locked
}

// PDFLink is the report page's link to the same report as a PDF.
func (p *reportPage) PDFLink() string {
	v := url.Values{"region": {string(p.R.Region)}, "year": {strconv.Itoa(p.R.Year)}, "quarter": {strconv.Itoa(p.R.Quarter)}}
	return "/spm/report.pdf?" + v.Encode()
}

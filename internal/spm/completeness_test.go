package spm_test

import (
	"testing"

	"github.com/layan-id/layan/internal/spm"
)

// The nation's listing summed per province: its own report apart, its
// kab/kota counted by status and lateness.
func TestCompletenessOf(t *testing.T) {
	list := []spm.ReportSummary{
		{Region: "33", RegionName: "Jawa Tengah", Level: spm.Provinsi, Status: spm.ReportSubmitted},
		{Region: "33.73", Level: spm.KabKota, Status: spm.ReportLocked},
		{Region: "33.74", Level: spm.KabKota, Status: spm.ReportSubmitted, Late: true},
		{Region: "33.01", Level: spm.KabKota, Status: spm.ReportDraft, Late: true},
		{Region: "73", RegionName: "Sulawesi Selatan", Level: spm.Provinsi, Status: spm.ReportDraft},
		{Region: "73.71", Level: spm.KabKota, Status: spm.ReportVerified},
	}
	got := spm.CompletenessOf(list)
	if len(got) != 2 {
		t.Fatalf("%d provinces: %+v", len(got), got)
	}
	jt, ss := got[0], got[1]
	if jt.Region != "33" || jt.RegionName != "Jawa Tengah" || jt.Own.Status != spm.ReportSubmitted || jt.KabKota != 3 ||
		jt.ByStatus[spm.ReportLocked] != 1 || jt.ByStatus[spm.ReportSubmitted] != 1 || jt.ByStatus[spm.ReportDraft] != 1 ||
		jt.Late != 2 || jt.Submitted() != 2 {
		t.Errorf("Jawa Tengah: %+v", jt)
	}
	if ss.Region != "73" || ss.KabKota != 1 || ss.ByStatus[spm.ReportVerified] != 1 || ss.Late != 0 || ss.Submitted() != 1 {
		t.Errorf("Sulawesi Selatan: %+v", ss)
	}
}

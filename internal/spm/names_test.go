package spm_test

import (
	"testing"

	"github.com/layan-id/layan/internal/casework"
	"github.com/layan-id/layan/internal/registry"
	"github.com/layan-id/layan/internal/spm"
)

// spm names clusters and SPM groups by the strings casework and registry
// store; this holds the three packages to the same names.
func TestNamesAgree(t *testing.T) {
	groups := 0
	for _, c := range casework.Clusters {
		var cats []string
		if c == casework.ClusterTSKPO {
			cats = []string{string(registry.SPMGelandanganPengemis)}
		}
		if _, ok := spm.PenerimaOf(string(c), cats); ok {
			groups++
		}
	}
	if groups != 5 {
		t.Errorf("%d of casework's clusters reach an SPM group, want 5 (all but NAPZA and lainnya)", groups)
	}
	for _, cat := range registry.Categories() {
		if cat.SPM == "" {
			continue
		}
		if _, ok := spm.JenisFor(spm.Penerima(cat.SPM), false, false); !ok {
			t.Errorf("category %s feeds %q, which spm does not know", cat.Code, cat.SPM)
		}
	}
}

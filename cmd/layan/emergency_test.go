package main

import (
	"testing"
	"time"
)

// LAYAN_EMERGENCY_DAYS sets the emergency window in whole days, 1 to 30;
// anything else stops the start with the setting named.
func TestEmergencyWindow(t *testing.T) {
	for _, tt := range []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"", 7 * 24 * time.Hour, true},
		{"7", 7 * 24 * time.Hour, true},
		{"1", 24 * time.Hour, true},
		{"30", 30 * 24 * time.Hour, true},
		{"0", 0, false},
		{"31", 0, false},
		{"-2", 0, false},
		{"7d", 0, false},
		{"tujuh", 0, false},
	} {
		got, err := emergencyWindow(func(k string) string {
			if k == "LAYAN_EMERGENCY_DAYS" {
				return tt.v
			}
			return ""
		})
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("LAYAN_EMERGENCY_DAYS=%q: %v, %v; want %v (ok %v)", tt.v, got, err, tt.want, tt.ok)
		}
	}
}

package wilayah_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/layan-id/layan/internal/wilayah"
)

func TestParseCode(t *testing.T) {
	tests := []struct {
		in   string
		want wilayah.Code // "" means an error is expected
	}{
		{"33", "33"},
		{"33.73", "33.73"},
		{"33.73.04", "33.73.04"},
		{"33.73.04.1001", "33.73.04.1001"},
		{"3373", "33.73"},
		{"337304", "33.73.04"},
		{"3373041001", "33.73.04.1001"},
		{"  33.73.04.1001\t", "33.73.04.1001"},
		{"\u00a03373\n", "33.73"},

		{"", ""},
		{"   ", ""},
		{"3", ""},
		{"337", ""},
		{"33730", ""},
		{"33730410", ""},  // 8 digits
		{"337304100", ""}, // 9 digits: an island code, not a region
		{"33730410011", ""},
		{"3373041001000000", ""}, // a NIK is not a region code
		{"33.7", ""},
		{"33.730", ""},
		{"33.73.4", ""},
		{"33.73.04.101", ""},
		{"33.73.04.10011", ""},
		{"33.73.04.1001.01", ""},
		{"33..73", ""},
		{".33", ""},
		{"33.", ""},
		{"33.73.", ""},
		{"33 73", ""},
		{"33-73", ""},
		{"3a", ""},
		{"+33", ""},
		{"-33", ""},
		{"٣٣", ""}, // Arabic-Indic digits are not ASCII digits
		{"３３", ""}, // nor are full-width ones
		{"33\x00", ""},
		{"\xff\xfe", ""},
		{"33.73.04.100\xc0", ""},
		{strings.Repeat(" ", 31) + "33", ""}, // over 32 bytes before trimming
		{strings.Repeat("3", 100), ""},
	}
	for _, tt := range tests {
		got, err := wilayah.ParseCode(tt.in)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("ParseCode(%q) = %q, want an error", tt.in, got)
		case tt.want == "" && !errors.Is(err, wilayah.ErrInvalidCode):
			t.Errorf("ParseCode(%q) error %v does not wrap ErrInvalidCode", tt.in, err)
		case tt.want != "" && err != nil:
			t.Errorf("ParseCode(%q) error: %v", tt.in, err)
		case got != tt.want:
			t.Errorf("ParseCode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCodeMethods(t *testing.T) {
	tests := []struct {
		code     wilayah.Code
		level    wilayah.Level
		parent   wilayah.Code
		province wilayah.Code
		undotted string
	}{
		{"33", wilayah.Province, "", "33", "33"},
		{"33.73", wilayah.Regency, "33", "33", "3373"},
		{"33.73.04", wilayah.District, "33.73", "33", "337304"},
		{"33.73.04.1001", wilayah.Village, "33.73.04", "33", "3373041001"},
		{"", 0, "", "", ""},
	}
	for _, tt := range tests {
		if got := tt.code.Level(); got != tt.level {
			t.Errorf("%q.Level() = %v, want %v", tt.code, got, tt.level)
		}
		if got := tt.code.Parent(); got != tt.parent {
			t.Errorf("%q.Parent() = %q, want %q", tt.code, got, tt.parent)
		}
		if got := tt.code.Province(); got != tt.province {
			t.Errorf("%q.Province() = %q, want %q", tt.code, got, tt.province)
		}
		if got := tt.code.Undotted(); got != tt.undotted {
			t.Errorf("%q.Undotted() = %q, want %q", tt.code, got, tt.undotted)
		}
	}
}

func TestContains(t *testing.T) {
	tests := []struct {
		c, other wilayah.Code
		want     bool
	}{
		{"33", "33", true},
		{"33", "33.73", true},
		{"33", "33.73.04.1001", true},
		{"33.73", "33.73.04", true},
		{"33.73", "33.73.04.1001", true},
		{"33.73.04.1001", "33.73.04.1001", true},
		{"33.73", "33", false},           // an ancestor is not contained
		{"33.73", "33.74", false},        // a sibling
		{"33.7", "33.73", false},         // not a code: no group boundary
		{"33.73.04", "33.73.041", false}, // prefix without the dot
		{"3", "33", false},
		{"33", "34.73", false},
		{"33", "", false},
		{"", "33", false}, // the zero Code contains nothing
		{"", "", false},
	}
	for _, tt := range tests {
		if got := tt.c.Contains(tt.other); got != tt.want {
			t.Errorf("%q.Contains(%q) = %v, want %v", tt.c, tt.other, got, tt.want)
		}
	}
}

func TestLevel(t *testing.T) {
	tests := []struct {
		l    wilayah.Level
		name string
	}{
		{wilayah.Province, "province"},
		{wilayah.Regency, "regency"},
		{wilayah.District, "district"},
		{wilayah.Village, "village"},
	}
	for _, tt := range tests {
		if got := tt.l.String(); got != tt.name {
			t.Errorf("%d.String() = %q, want %q", int(tt.l), got, tt.name)
		}
		if got, err := wilayah.ParseLevel(tt.name); err != nil || got != tt.l {
			t.Errorf("ParseLevel(%q) = %v, %v", tt.name, got, err)
		}
	}
	for _, bad := range []string{"", "Province", "desa", "1", " village"} {
		if _, err := wilayah.ParseLevel(bad); !errors.Is(err, wilayah.ErrInvalidLevel) {
			t.Errorf("ParseLevel(%q) error = %v, want ErrInvalidLevel", bad, err)
		}
	}
	if got := wilayah.Level(7).String(); got != "Level(7)" {
		t.Errorf("Level(7).String() = %q", got)
	}
	if _, err := json.Marshal(wilayah.Level(0)); err == nil {
		t.Error("json.Marshal(Level(0)) succeeded")
	}
}

func TestRegionJSON(t *testing.T) {
	tests := []struct {
		r    wilayah.Region
		want string
	}{
		{
			wilayah.Region{Code: "33", Name: "Jawa Tengah", Level: wilayah.Province},
			`{"code":"33","name":"Jawa Tengah","level":"province","parent":null}`,
		},
		{
			wilayah.Region{Code: "33.73.04.1001", Name: "Kecandran", Level: wilayah.Village, Parent: "33.73.04"},
			`{"code":"33.73.04.1001","name":"Kecandran","level":"village","parent":"33.73.04"}`,
		},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.r)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tt.want {
			t.Errorf("json = %s, want %s", b, tt.want)
		}
		var back wilayah.Region
		if err := json.Unmarshal(b, &back); err != nil || back != tt.r {
			t.Errorf("round trip = %+v, %v; want %+v", back, err, tt.r)
		}
	}
}

func TestSubtreeCondShape(t *testing.T) {
	cond, args := wilayah.SubtreeCond("r.region_code", "33.73")
	if want := "(r.region_code = ? OR (r.region_code >= ? AND r.region_code < ?))"; cond != want {
		t.Errorf("cond = %q, want %q", cond, want)
	}
	if len(args) != 3 || args[0] != "33.73" || args[1] != "33.73." || args[2] != "33.73/" {
		t.Errorf("args = %q", args)
	}
	if cond, args := wilayah.SubtreeCond("code", ""); cond != "1=0" || args != nil {
		t.Errorf("empty code: %q %v, want a condition matching nothing", cond, args)
	}
	for _, bad := range []string{"", "code; DROP TABLE region", "1code", "code OR 1=1", "\"code\""} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("SubtreeCond(%q) did not panic", bad)
				}
			}()
			wilayah.SubtreeCond(bad, "33")
		}()
	}
}

// FuzzParseCode: ParseCode never panics, and what it accepts is canonical:
// parsing the dotted or the undotted form gives the same code back.
func FuzzParseCode(f *testing.F) {
	for _, s := range []string{"33", "3373041001", " 33.73 ", "33.73.04.1001", "33.7", "", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := wilayah.ParseCode(s)
		if err != nil {
			if !errors.Is(err, wilayah.ErrInvalidCode) || c != "" {
				t.Fatalf("ParseCode(%q) = %q, %v", s, c, err)
			}
			return
		}
		if l := c.Level(); l < wilayah.Province || l > wilayah.Village {
			t.Fatalf("ParseCode(%q) = %q with level %d", s, c, l)
		}
		for _, again := range []string{string(c), c.Undotted()} {
			if c2, err := wilayah.ParseCode(again); err != nil || c2 != c {
				t.Fatalf("ParseCode(%q) = %q, %v; want %q", again, c2, err, c)
			}
		}
		if p := c.Parent(); p != "" && (!p.Contains(c) || c.Contains(p)) {
			t.Fatalf("parent %q of %q: containment wrong", p, c)
		}
	})
}

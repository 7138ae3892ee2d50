package wilayah

import (
	"encoding/json"
)

// Region is one entry of the official list.
type Region struct {
	Code   Code   `json:"code"`
	Name   string `json:"name"`
	Level  Level  `json:"level"`
	Parent Code   `json:"parent"` // empty for a province; JSON null
}

// regionJSON is Region on the wire: Parent is a pointer so that a province
// says "parent": null rather than "", which a client could take for a code.
type regionJSON struct {
	Code   Code   `json:"code"`
	Name   string `json:"name"`
	Level  Level  `json:"level"`
	Parent *Code  `json:"parent"`
}

// MarshalJSON writes {"code","name","level","parent"} with the level as its
// name and a null parent for provinces.
func (r Region) MarshalJSON() ([]byte, error) {
	j := regionJSON{Code: r.Code, Name: r.Name, Level: r.Level}
	if r.Parent != "" {
		p := r.Parent
		j.Parent = &p
	}
	return json.Marshal(j)
}

// UnmarshalJSON is the inverse of MarshalJSON.
func (r *Region) UnmarshalJSON(b []byte) error {
	var j regionJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*r = Region{Code: j.Code, Name: j.Name, Level: j.Level}
	if j.Parent != nil {
		r.Parent = *j.Parent
	}
	return nil
}

// Source names the official list a set of regions comes from. It is stored
// in region_source; every region row points at one.
type Source struct {
	ID          string `json:"id"`
	Regulation  string `json:"regulation"`
	ValidFrom   string `json:"valid_from"`   // the day the regulation was signed, YYYY-MM-DD
	DataPackage string `json:"data_package"` // where the machine-readable list came from
	Licence     string `json:"licence"`      // SPDX id of the data's licence
}

// source2025 describes data/kepmendagri-2025.csv.gz; scripts/gen-wilayah.sh
// pins the package version and its integrity. The regulation supersedes
// Kepmendagri 100.1.1-6117/2022 (domain.md §8.3).
var source2025 = Source{
	ID:          "kepmendagri-2025",
	Regulation:  "Kepmendagri No. 300.2.2-2138 Tahun 2025",
	ValidFrom:   "2025-04-25",
	DataPackage: "idn-area-data@4.0.1",
	Licence:     "ODbL-1.0",
}

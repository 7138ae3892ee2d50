// Package spm holds the rules of the Standar Pelayanan Minimal (SPM)
// bidang sosial: the ten jenis pelayanan dasar of PP 2/2018 Pasal 10, the
// achievement of each (Permensos 9/2018 Lampiran I: X / Y × 100 %, counted
// over the budget year), a region's index over its five jenis and its label,
// and the quarterly reporting periods of Permendagri 59/2021 Pasal 24. The
// rules are plain functions over plain values; the stores that count X and
// Y from the casework (and the aggregates entered by regions without it)
// call them.
//
// Where domain.md marks a rule as not confirmed (✘), it is a setting here
// with the documented default: the label bands, the weighting of recipients
// against quality of service, the day of the reporting deadline.
package spm

import (
	"errors"
	"fmt"
)

// Level is the tier of government that owes a jenis pelayanan dasar.
type Level string

const (
	Provinsi Level = "provinsi" // the "di dalam panti" services and korban bencana provinsi
	KabKota  Level = "kabkota"  // the "di luar panti" services and korban bencana kabupaten/kota
)

// Jenis is a jenis pelayanan dasar (type of basic service).
type Jenis string

// The ten jenis of PP 2/2018 Pasal 10: five a province owes, five a
// kabupaten/kota owes (domain.md §1).
const (
	DisabilitasDalamPanti Jenis = "disabilitas_dalam_panti"
	AnakDalamPanti        Jenis = "anak_dalam_panti"
	LansiaDalamPanti      Jenis = "lansia_dalam_panti"
	GepengDalamPanti      Jenis = "gepeng_dalam_panti"
	BencanaProvinsi       Jenis = "bencana_provinsi"

	DisabilitasLuarPanti Jenis = "disabilitas_luar_panti"
	AnakLuarPanti        Jenis = "anak_luar_panti"
	LansiaLuarPanti      Jenis = "lansia_luar_panti"
	GepengLuarPanti      Jenis = "gepeng_luar_panti"
	BencanaKabKota       Jenis = "bencana_kabkota"
)

// Service is a jenis pelayanan dasar as the regulation names it.
type Service struct {
	Jenis Jenis
	Level Level
	// Name is the jenis as PP 2/2018 Pasal 10 words it; Penerima whom it
	// serves (Pasal 10 ayat 5).
	Name     string
	Penerima string
	// Source cites where the jenis comes from.
	Source string
}

const pp2 = "PP 2/2018 Pasal 10"

// Services lists the ten jenis, the province's first, each level's in the
// order of the regulation.
var Services = []Service{
	{DisabilitasDalamPanti, Provinsi, "Rehabilitasi sosial dasar penyandang disabilitas telantar di dalam panti", "penyandang disabilitas telantar", pp2},
	{AnakDalamPanti, Provinsi, "Rehabilitasi sosial dasar anak telantar di dalam panti", "anak telantar", pp2},
	{LansiaDalamPanti, Provinsi, "Rehabilitasi sosial dasar lanjut usia telantar di dalam panti", "lanjut usia telantar", pp2},
	{GepengDalamPanti, Provinsi, "Rehabilitasi sosial dasar tuna sosial khususnya gelandangan dan pengemis di dalam panti", "gelandangan dan pengemis", pp2},
	{BencanaProvinsi, Provinsi, "Perlindungan dan jaminan sosial pada saat dan setelah tanggap darurat bencana bagi korban bencana provinsi", "korban bencana", pp2},
	{DisabilitasLuarPanti, KabKota, "Rehabilitasi sosial dasar penyandang disabilitas telantar di luar panti", "penyandang disabilitas telantar", pp2},
	{AnakLuarPanti, KabKota, "Rehabilitasi sosial dasar anak telantar di luar panti", "anak telantar", pp2},
	{LansiaLuarPanti, KabKota, "Rehabilitasi sosial dasar lanjut usia telantar di luar panti", "lanjut usia telantar", pp2},
	{GepengLuarPanti, KabKota, "Rehabilitasi sosial dasar tuna sosial khususnya gelandangan dan pengemis di luar panti", "gelandangan dan pengemis", pp2},
	{BencanaKabKota, KabKota, "Perlindungan dan jaminan sosial pada saat dan setelah tanggap darurat bencana bagi korban bencana kabupaten/kota", "korban bencana", pp2},
}

// ServiceOf returns the jenis j, and whether it is one.
func ServiceOf(j Jenis) (Service, bool) {
	for _, s := range Services {
		if s.Jenis == j {
			return s, true
		}
	}
	return Service{}, false
}

// ServicesOf lists the five jenis a level owes, in the regulation's order.
func ServicesOf(l Level) []Service {
	var out []Service
	for _, s := range Services {
		if s.Level == l {
			out = append(out, s)
		}
	}
	return out
}

// Count is one jenis's X and Y for a region and period: Y the people
// assessed as needing the service, X those of them whose assessed basic
// needs were all met in the budget year (Permensos 9/2018 Lampiran I).
type Count struct {
	X int `json:"x"`
	Y int `json:"y"`
}

// Errors of a count that cannot be one.
var (
	ErrNegative   = errors.New("spm: a count is negative")
	ErrXAboveY    = errors.New("spm: more people served (X) than needing the service (Y)")
	ErrNoNeed     = errors.New("spm: no one needs the service (Y = 0)")
	ErrBadWeights = errors.New("spm: weights must be between 0 and 1 and sum to 1")
)

// Check refuses a count no region can have: negative, or X above Y. (X
// counts only people of Y: someone served who was not assessed as needing
// the service is not in X.)
func (c Count) Check() error {
	switch {
	case c.X < 0 || c.Y < 0:
		return ErrNegative
	case c.X > c.Y:
		return ErrXAboveY
	}
	return nil
}

// Capaian is X / Y × 100, the achievement in percent against the target of
// 100 % over the budget year. With Y = 0 there is nothing to achieve and no
// percentage: ErrNoNeed, which the index leaves out (domain.md §3 ✘: how
// e-SPM counts an empty jenis is not confirmed).
func (c Count) Capaian() (float64, error) {
	if err := c.Check(); err != nil {
		return 0, err
	}
	if c.Y == 0 {
		return 0, ErrNoNeed
	}
	// Multiplied first: 100 × 9 / 10 is exactly 90, 9 / 10 × 100 is not.
	return float64(100*int64(c.X)) / float64(c.Y), nil
}

// Gap is how many people of Y are still to be served.
func (c Count) Gap() int { return max(c.Y-c.X, 0) }

// Weights splits a region's index between the share of recipients served
// (Penerima: the mean capaian) and the quality of service (Mutu: the share
// of required goods, services and SDM met). domain.md §3 ✘: e-SPM's
// formula is not published; claims of 80/20 or 50/50 are unverified.
type Weights struct {
	Penerima float64 `json:"penerima"`
	Mutu     float64 `json:"mutu"`
}

// DefaultWeights counts recipients only until quality is measured.
var DefaultWeights = Weights{Penerima: 1, Mutu: 0}

// Check refuses weights outside 0–1 or not summing to 1.
func (w Weights) Check() error {
	const eps = 1e-9
	if w.Penerima < 0 || w.Mutu < 0 || w.Penerima > 1 || w.Mutu > 1 || abs(w.Penerima+w.Mutu-1) > eps {
		return ErrBadWeights
	}
	return nil
}

// Index is a region's SPM sosial index (0–100) over its jenis: the mean
// capaian of the jenis with people to serve, weighted against mutu (0–100)
// by w. ok is false when no jenis has anyone to serve: there is no index.
func Index(counts []Count, mutu float64, w Weights) (index float64, ok bool, err error) {
	if err := w.Check(); err != nil {
		return 0, false, err
	}
	if mutu < 0 || mutu > 100 {
		return 0, false, fmt.Errorf("spm: mutu %v outside 0–100", mutu)
	}
	var sum float64
	n := 0
	for _, c := range counts {
		v, err := c.Capaian()
		if errors.Is(err, ErrNoNeed) {
			continue
		}
		if err != nil {
			return 0, false, err
		}
		sum += v
		n++
	}
	if n == 0 {
		return 0, false, nil
	}
	return w.Penerima*sum/float64(n) + w.Mutu*mutu, true, nil
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// Penerima is a group the SPM serves (PP 2/2018 Pasal 10 ayat 5); the
// values are the registry's SPM clusters (registry.SPMCluster), which say
// which PPKS categories feed which group.
type Penerima string

const (
	DisabilitasTelantar Penerima = "disabilitas_telantar"
	AnakTelantar        Penerima = "anak_telantar"
	LansiaTelantar      Penerima = "lansia_telantar"
	GelandanganPengemis Penerima = "gelandangan_pengemis"
	KorbanBencana       Penerima = "korban_bencana"
)

// jenisOf pairs each group with its jenis in a panti (the province's) and
// outside one (the kabupaten/kota's).
var jenisOf = map[Penerima][2]Jenis{
	DisabilitasTelantar: {DisabilitasDalamPanti, DisabilitasLuarPanti},
	AnakTelantar:        {AnakDalamPanti, AnakLuarPanti},
	LansiaTelantar:      {LansiaDalamPanti, LansiaLuarPanti},
	GelandanganPengemis: {GepengDalamPanti, GepengLuarPanti},
	KorbanBencana:       {BencanaProvinsi, BencanaKabKota},
}

// JenisFor is the jenis a person of group p counts in, and so the level
// that owes it (issue 6: "luar panti → kab/kota of residence; dalam panti
// → province"). For the rehabilitation services dalamPanti decides (ATENSI
// residensial is "dalam panti"); for korban bencana it is the disaster's
// level instead: provinsi when the province is in charge of the response
// (PP 2/2018 Pasal 10 names "korban bencana provinsi" and "… kabupaten/kota").
// ok is false for a group the SPM does not name.
func JenisFor(p Penerima, dalamPanti, bencanaProvinsi bool) (j Jenis, ok bool) {
	pair, ok := jenisOf[p]
	if !ok {
		return "", false
	}
	if p == KorbanBencana {
		dalamPanti = bencanaProvinsi
	}
	if dalamPanti {
		return pair[0], true
	}
	return pair[1], true
}

// PenerimaOf is the group a case counts for: the ATENSI cluster of the case
// decides (casework.Cluster values), except that of tuna sosial only
// gelandangan and pengemis are named by PP 2/2018 Pasal 10, which the
// person's PPKS categories tell (their registry.SPMCluster values, given as
// categorySPM). Korban penyalahgunaan NAPZA and PPKS lainnya are served by
// ATENSI but are no SPM group: ok is false.
func PenerimaOf(cluster string, categorySPM []string) (Penerima, bool) {
	switch cluster {
	case "anak":
		return AnakTelantar, true
	case "disabilitas":
		return DisabilitasTelantar, true
	case "lansia":
		return LansiaTelantar, true
	case "bencana":
		return KorbanBencana, true
	case "tuna_sosial_kpo":
		for _, c := range categorySPM {
			if Penerima(c) == GelandanganPengemis {
				return GelandanganPengemis, true
			}
		}
	}
	return "", false
}

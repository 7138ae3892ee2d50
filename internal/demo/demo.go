// Package demo fills an empty database with demonstration data: units in
// several provinces, one account per role, each with a password generated
// on this run, a few thousand synthetic people around the demo units, and
// the Salatiga office's cases in every stage.
// Later capabilities add their own seeders to the list.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/registry"
	"github.com/layan-id/layan/internal/synth"
	"github.com/layan-id/layan/internal/unit"
	"github.com/layan-id/layan/internal/wilayah"
)

// Env is what a seeder gets.
type Env struct {
	DB      *db.DB
	Regions *wilayah.Index
	Actor   audit.Actor
	// Units maps the demo units' keys to their ids, for later seeders.
	Units map[string]int64
}

// Seeder adds one capability's demo data to an empty database.
type Seeder func(ctx context.Context, env *Env) error

// Account is a demo account and the password made for it on this run.
type Account struct {
	Username string
	Role     access.Role
	Password string
	Scope    string
}

// Prefix marks demo accounts, so a later run can give them new passwords
// without touching any real account.
const Prefix = "demo."

type demoUnit struct {
	key      string
	in       unit.Input
	coverage []wilayah.Code
}

// units are real offices in four provinces (names as the offices use them).
var units = []demoUnit{
	{key: "sentra-bekasi", in: unit.Input{Type: unit.SentraTerpadu, Name: SentraName, Region: "32.75",
		Address: "Jl. H. Moeljadi Djojomartono No. 19, Margahayu, Bekasi Timur", Coverage: []wilayah.Code{"31", "32", "36"}}},
	{key: "dinsos-jateng", in: unit.Input{Type: unit.DinsosProvinsi, Name: "Dinas Sosial Provinsi Jawa Tengah", Region: "33",
		Address: "Jl. Pahlawan No. 12, Semarang"}},
	{key: "dinsos-salatiga", in: unit.Input{Type: unit.DinsosKabKota, Name: "Dinas Sosial Kota Salatiga", Region: "33.73",
		Address: "Jl. Sukowati, Salatiga"}},
	{key: "lks-salatiga", in: unit.Input{Type: unit.LKS, Name: "LKS Anak Kasih Salatiga", Region: "33.73.04.1001",
		Address: "Kecandran, Sidomukti"}},
	{key: "dinsos-sulsel", in: unit.Input{Type: unit.DinsosProvinsi, Name: "Dinas Sosial Provinsi Sulawesi Selatan", Region: "73",
		Address: "Jl. A. P. Pettarani, Makassar"}},
	{key: "dinsos-makassar", in: unit.Input{Type: unit.DinsosKabKota, Name: "Dinas Sosial Kota Makassar", Region: "73.71",
		Address: "Jl. Arief Rate No. 6, Makassar"}},
	{key: "uptd-sulsel", in: unit.Input{Type: unit.UPTDProvinsi, Name: "UPTD Panti Sosial Tresna Werdha Gau Mabaji", Region: "73.06",
		Address: "Gowa"}},
	{key: "dinsos-kupang", in: unit.Input{Type: unit.DinsosKabKota, Name: "Dinas Sosial Kota Kupang", Region: "53.71",
		Address: "Kupang"}},
}

type demoUser struct {
	username, fullName string
	role               access.Role
	region             wilayah.Code
	unitKey            string
}

var users = []demoUser{
	{"demo.pekerja", "Siti Aminah (demo)", access.Worker, "", "dinsos-salatiga"},
	{"demo.supervisor", "Bambang Sutrisno (demo)", access.Supervisor, "", "dinsos-salatiga"},
	{"demo.perencana", "Rina Marlina (demo)", access.Planner, "33.73", ""},
	{"demo.verifikator", "Agus Salim (demo)", access.Verifier, "33", ""},
	{"demo.nasional", "Dewi Lestari (demo)", access.National, "", ""},
	{"demo.admin", "Yusuf Hidayat (demo)", access.Admin, "", ""},
}

// platform is this capability's seeder: the demo units. Like every seeder
// it is idempotent, so a run that died half-way is completed by the next.
func platform(ctx context.Context, env *Env) error {
	for _, du := range units {
		var id int64
		err := db.Err(env.DB.QueryRow(ctx, "SELECT id FROM unit WHERE name = ? AND region_code = ?",
			du.in.Name, string(du.in.Region)).Scan(&id))
		if errors.Is(err, db.ErrNotFound) {
			u, cerr := unit.Create(ctx, env.DB, env.Regions, env.Actor, access.Scope{All: true}, du.in)
			if cerr != nil {
				return fmt.Errorf("demo: unit %s: %w", du.key, cerr)
			}
			id, err = u.ID, nil
		}
		if err != nil {
			return err
		}
		env.Units[du.key] = id
	}
	return nil
}

// SentraName is the demo unit whose workers reach the most people: a sentra
// covering DKI Jakarta, Jawa Barat and Banten, about a quarter of the
// country's population. The benchmarks search as its worker.
const SentraName = "Sentra Terpadu Pangudi Luhur Bekasi"

// SentraArea is the region and coverage of SentraName.
func SentraArea() []wilayah.Code {
	for _, du := range units {
		if du.in.Name == SentraName {
			return append([]wilayah.Code{du.in.Region}, du.in.Coverage...)
		}
	}
	return nil
}

// UnitID returns the id of the unit named name, or 0 when the database has
// none.
func UnitID(ctx context.Context, q db.Q, name string) (int64, error) {
	var id int64
	err := db.Err(q.QueryRow(ctx, "SELECT id FROM unit WHERE name = ? ORDER BY id LIMIT 1", name).Scan(&id))
	if errors.Is(err, db.ErrNotFound) {
		return 0, nil
	}
	return id, err
}

// demoPeople are the synthetic people of a demo database: a few thousand
// around the demo units, each group registered by the unit of its city, so
// that every demo worker opens a registry with people in it.
var demoPeople = []struct {
	unitKey string
	area    wilayah.Code
	people  int
	seed    uint64
}{
	// Seeds 190–199 modulo 200: their NIK and KK serials never meet those of
	// `layan demo --people` with a seed below 190 (synth.Config.Seed).
	{"dinsos-salatiga", "33.73", 1200, 3390}, // Kota Salatiga
	{"dinsos-makassar", "73.71", 750, 7391},  // Kota Makassar
	{"dinsos-kupang", "53.71", 450, 5392},    // Kota Kupang
	{"sentra-bekasi", "32.75", 600, 3393},    // Kota Bekasi
}

// demoLoadName names the demo load of one city.
func demoLoadName(area wilayah.Code, n int, seed uint64) string {
	return fmt.Sprintf("demo %s seed=%d people=%d", area, seed, n)
}

// people is the registry's seeder: 3,000 synthetic people (internal/synth)
// loaded with registry.BulkLoad. It is idempotent twice over: a load that
// was cut short is completed (BulkLoad resumes it by name), and a registry
// that already holds people of its own (entered by hand before the demo
// people were ever loaded) is left alone.
func people(ctx context.Context, env *Env) error {
	started, complete := false, true
	for _, p := range demoPeople {
		n, err := registry.LoadedBy(ctx, env.DB, demoLoadName(p.area, p.people, p.seed))
		if err != nil {
			return err
		}
		started = started || n > 0
		complete = complete && n == p.people
	}
	if complete {
		return nil
	}
	if !started {
		var n int
		if err := env.DB.QueryRow(ctx, "SELECT COUNT(*) FROM person").Scan(&n); err != nil {
			return db.Err(err)
		}
		if n > 0 {
			return nil
		}
	}
	store := &registry.Store{DB: env.DB, Regions: env.Regions}
	for _, p := range demoPeople {
		gen, err := synth.New(env.Regions, synth.Config{Seed: p.seed, Areas: []synth.Area{{Code: p.area, Weight: 1}}})
		if err != nil {
			return err
		}
		_, err = store.BulkLoad(ctx, env.Actor, gen.People(p.people), registry.BulkOptions{
			Name: demoLoadName(p.area, p.people, p.seed), UnitID: env.Units[p.unitKey], Total: p.people})
		if err != nil {
			return fmt.Errorf("demo: people of %s: %w", p.area, err)
		}
	}
	return nil
}

// Seeders run in order; each must be idempotent. AfterAccounts run once
// the demo accounts exist: their data is written as those accounts.
var (
	Seeders       = []Seeder{platform, people, skmSurvey}
	AfterAccounts = []Seeder{cases, sarprasAudit, complaints}
)

// isDemo reports whether the database is empty or already a demo database
// (it holds a demo unit or account). Demo data is never mixed into a
// database with real data.
func isDemo(ctx context.Context, q db.Q) (bool, error) {
	var n, demo int
	err := q.QueryRow(ctx, "SELECT (SELECT COUNT(*) FROM unit) + (SELECT COUNT(*) FROM app_user)").Scan(&n)
	if err != nil {
		return false, db.Err(err)
	}
	if n == 0 {
		return true, nil
	}
	err = q.QueryRow(ctx, "SELECT (SELECT COUNT(*) FROM app_user WHERE username LIKE ?) + (SELECT COUNT(*) FROM unit WHERE name = ?)",
		Prefix+"%", units[0].in.Name).Scan(&demo)
	return demo > 0, db.Err(err)
}

// ErrNotDemo is returned when --demo meets a database with real data.
var ErrNotDemo = errors.New("demo: the database already holds data that is not demo data; no demo data added")

// Load fills an empty database (or completes a demo database) and returns
// the demo accounts, each with a password made on this run: existing demo
// accounts get a new one, so the printed list always works. Real accounts
// are never touched.
func Load(ctx context.Context, d *db.DB, ix *wilayah.Index) ([]Account, error) {
	ok, err := isDemo(ctx, d)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrNotDemo
	}
	env := &Env{DB: d, Regions: ix, Actor: audit.System("demo"), Units: map[string]int64{}}
	for _, s := range Seeders {
		if err := s(ctx, env); err != nil {
			return nil, err
		}
	}
	var accounts []Account
	for _, du := range users {
		u, err := access.GetUserByName(ctx, d, du.username)
		var pw string
		switch {
		case err == nil:
			if pw, err = access.ResetPassword(ctx, d, env.Actor, access.Scope{All: true}, u.ID); err != nil {
				return nil, err
			}
		case apperr.KindOf(err) == apperr.NotFound:
			in := access.UserInput{Username: du.username, FullName: du.fullName, Role: du.role, Region: du.region,
				UnitID: env.Units[du.unitKey]}
			if u, pw, err = access.CreateUser(ctx, d, env.Actor, access.Scope{All: true}, in); err != nil {
				return nil, fmt.Errorf("demo: account %s: %w", du.username, err)
			}
		default:
			return nil, err
		}
		accounts = append(accounts, Account{Username: u.Username, Role: u.Role, Password: pw, Scope: scopeText(ix, u)})
	}
	for _, s := range AfterAccounts {
		if err := s(ctx, env); err != nil {
			return nil, err
		}
	}
	return accounts, nil
}

func scopeText(ix *wilayah.Index, u access.User) string {
	switch {
	case u.UnitName != "":
		return u.UnitName
	case u.Region != "":
		r, _ := ix.Get(u.Region)
		return r.Name + " (" + string(u.Region) + ")"
	}
	return "seluruh Indonesia"
}

// Print writes the demo accounts as a table.
func Print(w io.Writer, accounts []Account) {
	fmt.Fprintln(w, "Akun demo (kata sandi dibuat untuk run ini / demo accounts, password made on this run):")
	for _, a := range accounts {
		fmt.Fprintf(w, "  %-18s %-11s kata sandi/password: %s   %s\n", a.Username, a.Role, a.Password, a.Scope)
	}
	if len(accounts) == 0 {
		fmt.Fprintln(w, "  (tidak ada akun demo / no demo accounts)")
	}
}

// Package access holds who may do what: roles, scopes, accounts, passwords,
// sessions, API tokens and login throttling. The rules (which role holds which
// permission, what a scope covers) are pure functions; the store methods are
// plain SQL that runs on both engines.
package access

// Role is a user's job in layan, as in DESIGN.md's table of users.
type Role string

const (
	Worker     Role = "worker"     // pekerja sosial in a unit
	Supervisor Role = "supervisor" // supervisor / kepala unit
	Planner    Role = "planner"    // SPM planner of a Dinas Sosial
	Verifier   Role = "verifier"   // province verifier of kab/kota reports
	National   Role = "national"   // Kemensos / Kemendagri viewer: aggregates only
	Admin      Role = "admin"      // users, units, settings, audit log
)

// Roles lists every role in the order the UI shows them.
var Roles = []Role{Worker, Supervisor, Planner, Verifier, National, Admin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Permission names one thing a route needs. Routes declare the permission
// they need; the role × route test enumerates them.
type Permission string

const (
	// Public routes need no account (health checks, login, survey forms).
	Public Permission = "public"
	// SignedIn is any active account: home page, profile, region browser.
	SignedIn       Permission = "signed_in"
	ReadUnits      Permission = "units.read"
	ManageUnits    Permission = "units.manage"
	ManageUsers    Permission = "users.manage"
	ReadAudit      Permission = "audit.read"
	ManageOwnToken Permission = "tokens.own"
	// People are personal records: only the workers and supervisors of a
	// unit open them; other roles see counts (UU 27/2022, data minimisation).
	ReadPeople   Permission = "people.read"
	ManagePeople Permission = "people.manage"
	// Cases hold assessments of children, health, disability and NAPZA
	// (specific personal data, UU 27/2022 Pasal 4): only the workers and
	// supervisors of a unit open them; other roles see SPM aggregates.
	ReadCases   Permission = "cases.read"
	ManageCases Permission = "cases.manage"
	// ReadCaseFigures is a unit's case figures: counts, medians and what is
	// overdue, no person in them. Supervisors see their unit's with each
	// worker's caseload, admins those of their units; planners, verifiers
	// and national viewers, who see aggregates of their region, a unit's
	// counts without the workers (casework.FiguresReachOf).
	ReadCaseFigures Permission = "cases.figures"
	// ReadSPM is the SPM achievement of the user's region and the regions
	// within it: counts only, no person (issue 6).
	ReadSPM Permission = "spm.read"
	// EnterSPM is entering a region's own figures: the aggregates of a
	// region without casework in layan, and later its report.
	EnterSPM Permission = "spm.enter"
	// ManageSPMCatalog is editing the SPM catalog: the versions of the
	// standard goods and services per jenis (Permensos 9/2018 and what
	// replaces it). One deployment-wide truth, so admins only.
	ManageSPMCatalog Permission = "spm.catalog"
	// VerifySPM is reviewing quarterly SPM reports: returning, verifying,
	// locking and reopening them (Permendagri 59/2021 Pasal 24). The
	// spm package decides which region's report each holder may review.
	VerifySPM Permission = "spm.verify"
	// ManageSPMSettings is changing the SPM rules no regulation fixes in
	// full: the index weights and bands, the report deadline day. One
	// deployment-wide rule, so admins only (the spm store further asks
	// for the whole deployment's scope).
	ManageSPMSettings Permission = "spm.settings"
	// ManageHolidays is the offices' days off that deadlines in working
	// days skip (package holiday): every admin reads them, an admin of the
	// whole deployment changes them.
	ManageHolidays Permission = "holidays.manage"
	// ReadSKM is a unit's satisfaction survey (SKM, PermenPANRB 14/2017):
	// its periods and results, aggregates with nothing personal in them, so
	// every role in its scope (a worker their unit, a planner their region).
	ReadSKM Permission = "skm.read"
	// ManageSKM is running a unit's survey: its periods, elements,
	// population, opening and closing, the kiosk tablets, and reading the
	// respondents' free-text suggestions (which may name someone). The
	// unit's supervisors (the unit head) and admins of its region.
	ManageSKM Permission = "skm.manage"
)

// Complaints (pengaduan, UU 25/2009 Pasal 36 ff.) of a unit.
const (
	// HandleComplaints is reading a unit's complaints, whose text and
	// contact are personal data, and taking their steps: the unit's own
	// staff and the admins of its region (complaint.ReachOf); the step
	// itself is the status machine's to allow (complaint.Decide: a
	// worker answers those assigned to them, the supervisor the rest).
	HandleComplaints Permission = "complaints.handle"
	// ReadComplaintFigures is the counts of complaints per unit, nothing
	// personal: supervisors their unit's, and the roles that see their
	// region's aggregates.
	ReadComplaintFigures Permission = "complaints.figures"
)

// Accessible-facility audits of a unit (sarana prasarana ramah kelompok
// rentan, UU 25/2009 Pasal 29; internal/quality/sarpras). Nothing personal
// in them: items, answers, photos of rooms, tasks.
const (
	// ReadSarpras is a unit's audits and remediation tasks: the unit's
	// staff (a worker finishes the tasks they own) and the admins of its
	// region (sarpras.Reads).
	ReadSarpras Permission = "sarpras.read"
	// ManageSarpras is running a unit's audits: its supervisors (the unit
	// head) and the admins of its region (sarpras.Manages).
	ManageSarpras Permission = "sarpras.manage"
	// CompareSarpras is the scores of the units of a region side by side:
	// the roles that see their region's aggregates.
	CompareSarpras Permission = "sarpras.compare"
	// ManageSarprasItems is changing the checklist: one for the whole
	// deployment, so admins (the store further asks for the whole
	// deployment's scope).
	ManageSarprasItems Permission = "sarpras.items"
)

// grants lists what each role may do beyond SignedIn. Everything not listed
// is refused.
var grants = map[Role][]Permission{
	Worker:     {ReadUnits, ManageOwnToken, ReadPeople, ManagePeople, ReadCases, ManageCases, ReadSKM, HandleComplaints, ReadSarpras},
	Supervisor: {ReadUnits, ManageOwnToken, ReadPeople, ManagePeople, ReadCases, ManageCases, ReadCaseFigures, ReadSKM, ManageSKM, HandleComplaints, ReadComplaintFigures, ReadSarpras, ManageSarpras},
	Planner:    {ReadUnits, ManageOwnToken, ReadCaseFigures, ReadSPM, EnterSPM, ReadSKM, ReadComplaintFigures, CompareSarpras},
	Verifier:   {ReadUnits, ManageOwnToken, ReadCaseFigures, ReadSPM, VerifySPM, ReadSKM, ReadComplaintFigures, CompareSarpras},
	National:   {ReadUnits, ManageOwnToken, ReadCaseFigures, ReadSPM, ReadSKM, ReadComplaintFigures, CompareSarpras},
	Admin:      {ReadUnits, ManageUnits, ManageUsers, ReadAudit, ManageOwnToken, ReadCaseFigures, ReadSPM, ManageSPMCatalog, VerifySPM, ManageSPMSettings, ManageHolidays, ReadSKM, ManageSKM, HandleComplaints, ReadComplaintFigures, ReadSarpras, ManageSarpras, CompareSarpras, ManageSarprasItems},
}

// Can reports whether role r holds permission p.
func (r Role) Can(p Permission) bool {
	switch p {
	case Public:
		return true
	case SignedIn:
		return r.Valid()
	}
	for _, g := range grants[r] {
		if g == p {
			return true
		}
	}
	return false
}

// NeedsUnit reports whether accounts of this role must belong to a unit:
// casework happens in a unit.
func (r Role) NeedsUnit() bool { return r == Worker || r == Supervisor }

// NeedsRegion reports whether accounts of this role must carry a region:
// planners and verifiers work for one Dinas Sosial's region.
func (r Role) NeedsRegion() bool { return r == Planner || r == Verifier }

// AllowsScope reports whether the role may carry a unit or a region at all.
// A national viewer sees every region, so a scope would only confuse.
func (r Role) AllowsScope() bool { return r != National }

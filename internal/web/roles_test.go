package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/demo"
	"github.com/layan-id/layan/internal/registry"
	"github.com/layan-id/layan/internal/spm"
	"github.com/layan-id/layan/internal/unit"
	"github.com/layan-id/layan/internal/web"
	"github.com/layan-id/layan/internal/wilayah"
)

// The role × route test sends every route of Server.Routes() as every kind
// of caller and checks the answer against what DESIGN.md's table of users
// allows. Expectations come from two small tables below — which roles hold
// which permission, and which objects lie inside or outside each caller's
// scope — never from a list of route names, so a new route is tested the
// moment it is added to the route table, and a route with a permission or a
// path parameter the tables do not know fails the test.

// sulselAdmin keys the admin of Sulawesi Selatan (region 73) in h.accounts
// and h.tokens; the harness has no regional admin of its own.
const sulselAdmin access.Role = "admin.sulsel"

// actor is one kind of caller.
type actor struct {
	key  access.Role // key into h.accounts and h.tokens; "" = anonymous
	role access.Role // the account's role
}

func (a actor) String() string {
	if a.key == "" {
		return "anonymous"
	}
	return string(a.key)
}

var matrixActors = []actor{
	{"", ""},
	{access.Worker, access.Worker},
	{access.Supervisor, access.Supervisor},
	{access.Planner, access.Planner},
	{access.Verifier, access.Verifier},
	{access.National, access.National},
	{access.Admin, access.Admin},
	{sulselAdmin, access.Admin},
}

// grantsByDesign is DESIGN.md's table of users, written out again so that a
// change to access's grants must be a deliberate change here too. Public
// routes are open to everyone, anonymous callers included.
var grantsByDesign = map[access.Permission][]access.Role{
	access.SignedIn:       access.Roles,
	access.ReadUnits:      access.Roles, // a worker reads only their own unit: see scopeCases
	access.ManageUnits:    {access.Admin},
	access.ManageUsers:    {access.Admin},
	access.ReadAudit:      {access.Admin},
	access.ManageOwnToken: access.Roles,
	// People's records: workers and supervisors only; the others see counts.
	access.ReadPeople:   {access.Worker, access.Supervisor},
	access.ManagePeople: {access.Worker, access.Supervisor},
	// Cases: workers and supervisors only (UU 27/2022); the others see
	// SPM aggregates.
	access.ReadCases:   {access.Worker, access.Supervisor},
	access.ManageCases: {access.Worker, access.Supervisor},
	// A unit's case figures, no person in them: its supervisors and admins,
	// and as aggregates the roles that see their region's (figures_test.go
	// checks which unit each may name).
	access.ReadCaseFigures: {access.Supervisor, access.Planner, access.Verifier, access.National, access.Admin},
	// SPM achievement, counts only: the roles that see their region's
	// aggregates (spm_test.go checks which region each may name); its
	// planner enters a region's own figures.
	access.ReadSPM:  {access.Planner, access.Verifier, access.National, access.Admin},
	access.EnterSPM: {access.Planner},
	// The SPM catalog: read with the SPM figures, changed by an admin of
	// the whole deployment only (spmcatalog_test.go).
	access.ManageSPMCatalog: {access.Admin},
	// The SPM settings likewise (spm_settings_test.go).
	access.ManageSPMSettings: {access.Admin},
	// The offices' days off likewise (holidays_test.go).
	access.ManageHolidays: {access.Admin},
	// Facility audits of a unit: its staff read them (sarpras.Reads), its
	// supervisors and the admins of its region run them, the roles that
	// see their region's aggregates compare units; the checklist is the
	// whole deployment's (sarpras_test.go).
	access.ReadSarpras:        {access.Worker, access.Supervisor, access.Admin},
	access.ManageSarpras:      {access.Supervisor, access.Admin},
	access.CompareSarpras:     {access.Planner, access.Verifier, access.National, access.Admin},
	access.ManageSarprasItems: {access.Admin},
	// Complaints: the unit's staff and the admins of its region handle
	// them (the text and contact are personal data); the counts go to the
	// roles that see aggregates too (complaint_test.go).
	access.HandleComplaints:     {access.Worker, access.Supervisor, access.Admin},
	access.ReadComplaintFigures: {access.Supervisor, access.Planner, access.Verifier, access.National, access.Admin},
	// The satisfaction survey: its results are aggregates, read by every
	// role in the unit's scope; its supervisors and the admins of its
	// region run it (skm_test.go).
	access.ReadSKM:   access.Roles,
	access.ManageSKM: {access.Supervisor, access.Admin},
}

func allowed(role access.Role, p access.Permission) bool {
	if p == access.Public {
		return true
	}
	return role != "" && slices.Contains(grantsByDesign[p], role)
}

// resource is what a path parameter (or a collection) names.
type resource string

const (
	resUnit   resource = "unit"
	resUser   resource = "user"
	resToken  resource = "token"
	resRegion resource = "region"
	resAudit  resource = "audit"
	resPerson resource = "person"
	// A person's household (KK) and a consent of theirs: those of the
	// fixture person registered by the named demo unit.
	resHousehold resource = "household"
	resConsent   resource = "consent"
	// resCase is a case opened by the named demo unit's worker
	// (fixture.cases).
	resCase resource = "case"
	// resReferral is a referral sent to the named demo unit, made for the
	// request (cases_more_test.go); resLink the token of a referral link
	// to an outside agency, made for the request.
	resReferral resource = "referral"
	resLink     resource = "referral link"
	// resPlace is where a POST to a collection of units or users puts the
	// new object: a unit in that unit's region, an account in that unit.
	resPlace resource = "placement"
	// resCatalog is a version of the SPM catalog: a draft made for the
	// request (spmcatalog_test.go).
	resCatalog resource = "catalog version"
	// resComplaintCode is the tracking code of a complaint filed at the
	// named demo unit for the request (complaint_test.go).
	resComplaintCode resource = "complaint code"
	// resSKMCode is the public survey code of a unit that is none of the
	// demo units, with an open period (skm_test.go).
	resSKMCode resource = "survey code"
)

// resources maps the path segment before a parameter (or the last segment
// of a collection) to the resource.
var resources = map[string]resource{
	"units": resUnit, "users": resUser, "tokens": resToken, "regions": resRegion, "audit": resAudit,
	"people": resPerson, "households": resHousehold, "consents": resConsent, "cases": resCase,
	"referrals": resReferral, "referral-links": resLink, "rujukan": resLink,
	"catalogs": resCatalog, "catalog": resCatalog,
	"complaints": resComplaintCode,
	"s":          resSKMCode, "hasil": resSKMCode, "skm": resSKMCode,
}

// scopeCase lists objects inside and outside a caller's scope: demo unit
// keys (see demoUnits), usernames, "own"/"other" tokens, region codes; for
// resPlace, the demo unit that receives the new object.
type scopeCase struct{ in, out []string }

// scopeCases is the scope part of DESIGN.md: worker and supervisor see their
// unit only (not another unit of the same city), a planner their kab/kota, a
// verifier their province, the national viewer and the deployment's admin
// everything, and the Sulawesi Selatan admin nothing of Jawa Tengah.
var scopeCases = map[access.Role]map[resource]scopeCase{
	access.Worker: {resUnit: {in: []string{"salatiga"}, out: []string{"lks-salatiga", "makassar"}},
		resPerson:    {in: []string{"salatiga", "lks-salatiga"}, out: []string{"makassar", "kupang"}},
		resHousehold: {in: []string{"salatiga", "lks-salatiga"}, out: []string{"makassar", "kupang"}},
		resConsent:   {in: []string{"salatiga", "lks-salatiga"}, out: []string{"makassar", "kupang"}},
		resCase:      {in: []string{"salatiga"}, out: []string{"makassar"}},
		resReferral:  {in: []string{"salatiga"}, out: []string{"makassar"}}},
	access.Supervisor: {resUnit: {in: []string{"salatiga"}, out: []string{"lks-salatiga", "jateng"}},
		resPerson:    {in: []string{"salatiga", "lks-salatiga"}, out: []string{"makassar", "kupang"}},
		resHousehold: {in: []string{"salatiga", "lks-salatiga"}, out: []string{"makassar", "kupang"}},
		resConsent:   {in: []string{"salatiga", "lks-salatiga"}, out: []string{"makassar", "kupang"}},
		resCase:      {in: []string{"salatiga"}, out: []string{"makassar"}},
		resReferral:  {in: []string{"salatiga"}, out: []string{"makassar"}}},
	access.Planner:  {resUnit: {in: []string{"salatiga", "lks-salatiga"}, out: []string{"jateng", "makassar"}}},
	access.Verifier: {resUnit: {in: []string{"jateng", "lks-salatiga"}, out: []string{"makassar", "bekasi"}}},
	access.National: {resUnit: {in: []string{"kupang", "salatiga"}}},
	access.Admin: {
		resUnit:  {in: []string{"salatiga", "makassar"}},
		resUser:  {in: []string{"target.salatiga", "target.sulsel"}},
		resPlace: {in: []string{"salatiga"}},
		resAudit: {},
	},
	sulselAdmin: {
		resUnit:  {in: []string{"makassar"}, out: []string{"salatiga", "jateng"}},
		resUser:  {in: []string{"target.sulsel"}, out: []string{"target.salatiga", "demo.pekerja", "demo.nasional", "demo.admin"}},
		resPlace: {in: []string{"makassar"}, out: []string{"jateng", "salatiga"}},
		resAudit: {},
	},
}

// everyone's cases: a token is one's own or not; regions are reference data
// that every signed-in user may read.
var everyoneCases = map[resource]scopeCase{
	resToken:  {in: []string{"own"}, out: []string{"other"}},
	resRegion: {in: []string{"73.71", "33"}},
	// The SPM catalog is reference data too.
	resCatalog: {in: []string{"draft"}},
}

// visibleUnits lists exactly which demo units each caller's unit list holds.
var visibleUnits = map[access.Role][]string{
	access.Worker:     {"salatiga"},
	access.Supervisor: {"salatiga"},
	access.Planner:    {"salatiga", "lks-salatiga"},
	access.Verifier:   {"jateng", "salatiga", "lks-salatiga"},
	access.National:   nil, // all
	access.Admin:      nil, // all
	sulselAdmin:       {"sulsel", "makassar", "gowa"},
}

// probe is the object sent to routes the caller may not use at all.
var probe = map[resource]string{
	resUnit: "salatiga", resUser: "target.salatiga", resToken: "other", resRegion: "73.71", resPlace: "salatiga",
	resPerson: "salatiga", resHousehold: "salatiga", resConsent: "salatiga", resCase: "salatiga",
	resReferral: "salatiga", resLink: "salatiga", resCatalog: "draft",
	resComplaintCode: "salatiga", resSKMCode: "public",
}

// demoUnits names the demo units (internal/demo) by short keys.
var demoUnits = map[string]string{
	"bekasi":       "Sentra Terpadu Pangudi Luhur Bekasi",
	"jateng":       "Dinas Sosial Provinsi Jawa Tengah",
	"salatiga":     "Dinas Sosial Kota Salatiga",
	"lks-salatiga": "LKS Anak Kasih Salatiga",
	"sulsel":       "Dinas Sosial Provinsi Sulawesi Selatan",
	"makassar":     "Dinas Sosial Kota Makassar",
	"gowa":         "UPTD Panti Sosial Tresna Werdha Gau Mabaji",
	"kupang":       "Dinas Sosial Kota Kupang",
}

// request says how to send a valid request to a route with a body. Every
// POST, PUT and PATCH route needs an entry: a new one fails the test until it
// has one.
type request struct {
	// body returns url.Values for UI routes, a JSON-encodable value (or nil)
	// for API routes.
	body func(fx *fixture, a actor, target string) any
	// fresh sends the request from a newly signed-in browser, because it
	// ends or replaces the session.
	fresh bool
	// query is the query string a GET route needs to be valid.
	query string
	// queryOf, when set, is that query string for one caller (a unit in
	// their scope, say).
	queryOf func(fx *fixture, a actor) string
	// roles, when set, are the roles the domain lets take the step, fewer
	// than the route's permission admits (a supervisor's step on a case):
	// the route's other roles are refused with 403 on their own objects
	// too (or, on a route naming no object, outright), and change nothing.
	roles []access.Role
	// wholeDeployment marks a change of what the whole deployment shares
	// (the SPM catalog): an admin of one region is refused it with 403.
	wholeDeployment bool
}

var requests = map[string]request{
	"GET /regions/picker":  {query: "field=region&code=73.71&max=4&label=field.region"},
	"GET /regions/suggest": {query: "field=region&q=makassar&max=2"},

	// A unit's case figures: a unit the caller may name (figures_test.go).
	"GET /case-figures":        {queryOf: figuresQueryOf},
	"GET /api/v1/case-figures": {queryOf: figuresQueryOf},

	// SPM: a region in the caller's reach (spm_test.go); the demo planner
	// of Kota Salatiga enters an aggregate, then removes it.
	"GET /api/v1/spm/achievements": {queryOf: spmQueryOf},
	"GET /api/v1/spm/overview":     {queryOf: spmQueryOf},
	"GET /api/v1/spm/trend":        {queryOf: spmQueryOf},
	"GET /api/v1/spm/export":       {queryOf: func(fx *fixture, a actor) string { return spmQueryOf(fx, a) + "&format=xlsx" }},
	"GET /spm/export":              {queryOf: func(fx *fixture, a actor) string { return spmQueryOf(fx, a) + "&format=csv" }},
	"PUT /api/v1/spm/aggregates": {body: func(fx *fixture, a actor, _ string) any {
		return map[string]any{"region": "33.73", "jenis": "anak_luar_panti", "year": thisYear(), "quarter": 1,
			"x": 3, "y": 5, "source": "Rekap manual Dinas Sosial"}
	}},
	"POST /spm/aggregates": {body: func(fx *fixture, a actor, _ string) any {
		return url.Values{"region": {"33.73"}, "jenis": {"lansia_luar_panti"}, "year": {strconv.Itoa(thisYear())},
			"quarter": {"1"}, "x": {"1"}, "y": {"2"}, "source": {"Rekap manual"}, "version": {"0"}}
	}},
	// A quality achievement (spm_test.go's TestSPMMutu): entered, then removed.
	"PUT /api/v1/spm/mutu": {body: func(fx *fixture, a actor, _ string) any {
		return map[string]any{"region": "33.73", "jenis": "anak_luar_panti", "year": thisYear(), "quarter": 1,
			"barang_jasa": 80, "sdm": 62.5, "source": "Rekap standar teknis"}
	}},
	"POST /spm/mutu": {body: func(fx *fixture, a actor, _ string) any {
		return url.Values{"region": {"33.73"}, "jenis": {"lansia_luar_panti"}, "year": {strconv.Itoa(thisYear())},
			"quarter": {"1"}, "barang_jasa": {"75,5"}, "sdm": {"50"}, "source": {"Rekap"}, "version": {"0"}}
	}},
	"DELETE /api/v1/spm/mutu": {query: fmt.Sprintf("region=33.73&jenis=anak_luar_panti&year=%d&quarter=1&version=1", thisYear())},
	// The SPM settings (spm_settings_test.go): the defaults sent back.
	"POST /spm/settings": {wholeDeployment: true, body: func(*fixture, actor, string) any {
		return url.Values{"penerima": {"100"}, "mutu": {"0"}, "bands": {spm.FormatBands(spm.DefaultBands)},
			"report_deadline_day": {"20"}}
	}},
	"PUT /api/v1/spm/settings":      {wholeDeployment: true, body: func(*fixture, actor, string) any { return spm.DefaultSettings() }},
	"DELETE /api/v1/spm/aggregates": {query: fmt.Sprintf("region=33.73&jenis=anak_luar_panti&year=%d&quarter=1&version=1", thisYear())},

	// The four tahapan (spm_tahapan_test.go): the demo planner of Kota
	// Salatiga enters unit costs and a plan of one jenis by the page and of
	// another by the API, then removes the latter.
	"GET /spm/tahapan":              {queryOf: spmQueryOf},
	"GET /api/v1/spm/data-quality":  {queryOf: spmQueryOf},
	"GET /api/v1/spm/unit-costs":    {queryOf: spmQueryOf},
	"GET /api/v1/spm/plans":         {queryOf: spmQueryOf},
	"GET /api/v1/spm/realisation":   {queryOf: spmQueryOf},
	"POST /spm/tahapan/unit-costs":  {body: uiBodyTahapanCosts},
	"POST /spm/tahapan/plans":       {body: uiBodyTahapanPlan},
	"PUT /api/v1/spm/unit-costs":    {body: apiBodyTahapanCosts},
	"DELETE /api/v1/spm/unit-costs": {query: fmt.Sprintf("region=33.73&jenis=anak_luar_panti&year=%d&version=1", thisYear())},
	"PUT /api/v1/spm/plans":         {body: apiBodyTahapanPlan},
	"DELETE /api/v1/spm/plans":      {query: fmt.Sprintf("region=33.73&jenis=anak_luar_panti&year=%d&version=1", thisYear())},

	// The quarterly SPM report (spm_report_test.go): a report in the
	// caller's reach; each step made valid for the role that takes it.
	"GET /spm/report":                  {queryOf: reportQueryOf},
	"GET /spm/reports":                 {queryOf: reportQueryOf},
	"GET /api/v1/spm/reports":          {queryOf: reportQueryOf},
	"GET /api/v1/spm/reports/history":  {queryOf: reportQueryOf},
	"GET /spm/report.pdf":              {queryOf: reportQueryOf},
	"GET /api/v1/spm/reports/pdf":      {queryOf: reportQueryOf},
	"GET /api/v1/spm/report-status":    {queryOf: reportQueryOf},
	"POST /spm/report":                 {body: uiBodyReportSave},
	"PUT /api/v1/spm/reports":          {body: apiBodyReportSave},
	"POST /spm/report/actions":         {roles: reportStepRoles, body: uiBodyReportStep},
	"POST /api/v1/spm/reports/actions": {roles: reportStepRoles, body: apiBodyReportStep},

	// The SPM catalog (spmcatalog_test.go): a copy of the version in
	// force; an edit and an activation of a draft made for the request.
	"POST /spm/catalog":                           {wholeDeployment: true, body: uiBodyCatalogCopy},
	"POST /spm/catalog/{id}/jenis/{jenis}":        {wholeDeployment: true, body: uiBodyCatalogJenis},
	"POST /spm/catalog/{id}/activate":             {wholeDeployment: true, body: uiBodyCatalogActivate},
	"POST /api/v1/spm/catalogs":                   {wholeDeployment: true, body: apiBodyCatalogCopy},
	"PUT /api/v1/spm/catalogs/{id}/jenis/{jenis}": {wholeDeployment: true, body: apiBodyCatalogJenis},
	"POST /api/v1/spm/catalogs/{id}/activate":     {wholeDeployment: true, body: apiBodyCatalogActivate},

	// Facility audits (sarpras_test.go has the helpers): the shared draft
	// audit of the named unit, a fresh answered one to make final, a fresh
	// task to mark done.
	"POST /units/{id}/sarpras":                              {body: func(*fixture, actor, string) any { return url.Values{"note": {"uji matriks"}} }},
	"POST /units/{id}/sarpras/{audit}":                      {body: sarprasAnswersUI},
	"POST /units/{id}/sarpras/{audit}/photos":               {body: sarprasPhotoUpload},
	"POST /units/{id}/sarpras/{audit}/final":                {body: func(*fixture, actor, string) any { return url.Values{"version": {"2"}} }},
	"POST /units/{id}/sarpras/{audit}/tasks":                {body: sarprasTaskUI},
	"POST /units/{id}/sarpras/tasks/{task}/done":            {body: func(*fixture, actor, string) any { return url.Values{"version": {"1"}} }},
	"POST /sarpras/items":                                   {wholeDeployment: true, body: sarprasItemUI},
	"POST /api/v1/units/{id}/sarpras/audits":                {body: func(*fixture, actor, string) any { return map[string]any{"note": "uji matriks"} }},
	"PUT /api/v1/units/{id}/sarpras/audits/{audit}/answers": {body: sarprasAnswersAPI},
	"POST /api/v1/units/{id}/sarpras/audits/{audit}/photos": {body: sarprasPhotoUpload},
	"POST /api/v1/units/{id}/sarpras/audits/{audit}/final":  {body: func(*fixture, actor, string) any { return map[string]any{"version": 2} }},
	"POST /api/v1/units/{id}/sarpras/audits/{audit}/tasks":  {body: sarprasTaskAPI},
	"POST /api/v1/units/{id}/sarpras/tasks/{task}/done":     {body: func(*fixture, actor, string) any { return map[string]any{"version": 1} }},
	"POST /api/v1/sarpras/items":                            {wholeDeployment: true, body: sarprasItemAPI},

	"POST /login": {fresh: true, body: func(fx *fixture, a actor, _ string) any {
		acc := fx.h.accounts[a.key]
		if a.key == "" {
			acc = fx.h.accounts[access.Worker]
		}
		return url.Values{"username": {acc.Username}, "password": {acc.Password}, "next": {"/"}}
	}},
	"POST /logout": {fresh: true, body: func(*fixture, actor, string) any { return url.Values{} }},
	"POST /lang": {body: func(*fixture, actor, string) any {
		return url.Values{"lang": {"id"}, "next": {"/about"}}
	}},
	"POST /units": {body: func(fx *fixture, _ actor, place string) any {
		u := fx.unit(place)
		return url.Values{"type": {string(unit.LKS)}, "name": {fx.uniqueName("LKS Uji")}, "region": {string(u.Region)}}
	}},
	"POST /units/{id}": {body: func(fx *fixture, _ actor, key string) any {
		u := fx.currentUnit(key)
		f := url.Values{"type": {string(u.Type)}, "name": {u.Name}, "region": {string(u.Region)}, "address": {u.Address},
			"phone": {u.Phone}, "version": {strconv.Itoa(u.Version)}, "active": {"1"}}
		for _, c := range u.Coverage {
			f.Add("coverage", string(c))
		}
		return f
	}},
	"POST /users": {body: func(fx *fixture, _ actor, place string) any {
		return url.Values{"username": {fx.uniqueUsername()}, "full_name": {"Pengguna Uji"}, "role": {"worker"},
			"unit_id": {strconv.FormatInt(fx.unit(place).ID, 10)}}
	}},
	"POST /users/{id}": {body: func(fx *fixture, _ actor, username string) any {
		u := fx.currentUser(username)
		f := url.Values{"full_name": {u.FullName}, "role": {string(u.Role)}, "region": {string(u.Region)},
			"version": {strconv.Itoa(u.Version)}}
		if u.UnitID != 0 {
			f.Set("unit_id", strconv.FormatInt(u.UnitID, 10))
		}
		return f
	}},
	"POST /users/{id}/active": {body: func(fx *fixture, _ actor, username string) any {
		return url.Values{"active": {"1"}, "version": {strconv.Itoa(fx.currentUser(username).Version)}}
	}},
	"POST /users/{id}/password": {body: func(*fixture, actor, string) any { return url.Values{} }},
	"POST /account/password": {body: func(fx *fixture, a actor, _ string) any {
		// The same password again: a real change that keeps the account usable.
		pw := fx.h.accounts[a.key].Password
		return url.Values{"current_password": {pw}, "new_password": {pw}}
	}},
	"POST /account/tokens":             {body: func(*fixture, actor, string) any { return url.Values{"name": {"matrix"}} }},
	"POST /account/tokens/{id}/revoke": {body: func(*fixture, actor, string) any { return url.Values{} }},

	"POST /api/v1/units": {body: func(fx *fixture, _ actor, place string) any {
		return map[string]any{"type": unit.LKS, "name": fx.uniqueName("LKS API"), "region": fx.unit(place).Region}
	}},
	"PATCH /api/v1/units/{id}": {body: func(fx *fixture, _ actor, key string) any {
		return map[string]any{"version": fx.currentUnit(key).Version}
	}},
	"POST /api/v1/users": {body: func(fx *fixture, _ actor, place string) any {
		return map[string]any{"username": fx.uniqueUsername(), "full_name": "Pengguna API", "role": "worker",
			"unit_id": fx.unit(place).ID}
	}},
	"PATCH /api/v1/users/{id}": {body: func(fx *fixture, _ actor, username string) any {
		u := fx.currentUser(username)
		return map[string]any{"full_name": u.FullName, "version": u.Version}
	}},
	"POST /api/v1/users/{id}/password-reset": {body: func(*fixture, actor, string) any { return nil }},

	"POST /people": {body: func(fx *fixture, _ actor, _ string) any {
		return url.Values{"name": {fx.uniqueName("Orang Uji")}, "sex": {"P"}, "village": {"33.73.04.1001"}, "birth_year": {"1970"}}
	}},
	"POST /people/{id}": {body: func(fx *fixture, _ actor, key string) any {
		p := fx.currentPerson(key)
		f := url.Values{"name": {p.Name}, "sex": {string(p.Sex)}, "village": {string(p.Village)}, "birth_date": {p.BirthDate},
			"version": {strconv.Itoa(p.Version)}}
		for _, c := range p.Categories {
			f.Add("categories", c)
		}
		return f
	}},
	"POST /people/{id}/active": {body: func(fx *fixture, _ actor, key string) any {
		return url.Values{"active": {"1"}, "version": {strconv.Itoa(fx.currentPerson(key).Version)}}
	}},
	"POST /api/v1/people": {body: func(fx *fixture, _ actor, _ string) any {
		return map[string]any{"name": fx.uniqueName("Orang API"), "sex": "L", "village": "3373041001", "categories": []string{"fakir_miskin"}}
	}},
	"PATCH /api/v1/people/{id}": {body: func(fx *fixture, _ actor, key string) any {
		return map[string]any{"version": fx.currentPerson(key).Version}
	}},
	"POST /api/v1/people/{id}/deactivate": {body: func(fx *fixture, _ actor, key string) any {
		return map[string]any{"reason": "lainnya", "note": "uji matriks", "version": fx.currentPerson(key).Version}
	}},
	"POST /api/v1/people/{id}/activate": {body: func(fx *fixture, _ actor, key string) any {
		return map[string]any{"version": fx.currentPerson(key).Version}
	}},

	// Households and consent (households_test.go has the helpers). Moving
	// to a new KK each time lets every caller join one.
	"POST /people/{id}/household": {body: func(fx *fixture, _ actor, key string) any {
		return url.Values{"kk": {fx.uniqueKK()}, "kk_village": {"33.73.04.1001"}, "relation": {"famili_lain"},
			"joined_on": {wibToday()}, "move": {"1"}}
	}},
	"POST /people/{id}/household/leave": {body: func(fx *fixture, _ actor, key string) any {
		fx.ensureMember(key)
		return url.Values{"left_on": {wibToday()}}
	}},
	"POST /people/{id}/consents": {body: func(*fixture, actor, string) any {
		return url.Values{"purpose": {"layanan_rehabilitasi_sosial"}, "means": {"lisan"}, "given_on": {wibToday()}}
	}},
	"POST /people/{id}/consents/{cid}/withdraw": {body: func(*fixture, actor, string) any {
		return url.Values{"withdrawn_on": {wibToday()}, "note": {"uji matriks"}}
	}},
	"POST /api/v1/people/{id}/household/leave": {body: func(fx *fixture, _ actor, key string) any {
		fx.ensureMember(key)
		return map[string]any{"left_on": wibToday()}
	}},
	"POST /people/{id}/household/correct": {body: func(fx *fixture, _ actor, key string) any {
		h := fx.currentHousehold(key)
		return url.Values{"household_id": {strconv.FormatInt(h.ID, 10)}, "version": {strconv.Itoa(h.Version)},
			"kk": {string(h.KK)}, "hh_village": {string(h.Village)}, "address": {fx.uniqueAddress()}}
	}},
	"PATCH /api/v1/households/{id}": {body: func(fx *fixture, _ actor, key string) any {
		return map[string]any{"address": fx.uniqueAddress(), "version": fx.currentHousehold(key).Version}
	}},
	"POST /api/v1/households": {body: func(fx *fixture, _ actor, _ string) any {
		return map[string]any{"kk": fx.uniqueKK(), "village": "33.73.04.1001", "address": "Jl. Uji 1"}
	}},
	"POST /api/v1/households/{id}/members": {body: func(fx *fixture, _ actor, key string) any {
		return map[string]any{"person_id": fx.freshPerson(key), "relation": "anak", "joined_on": wibToday()}
	}},
	"POST /api/v1/people/{id}/consents": {body: func(*fixture, actor, string) any {
		return map[string]any{"purpose": "dokumentasi_foto", "means": "tertulis", "given_on": wibToday()}
	}},
	"POST /api/v1/consents/{id}/withdraw": {body: func(*fixture, actor, string) any {
		return map[string]any{"withdrawn_on": wibToday()}
	}},

	// Cases (cases_test.go has the helpers). Every request moves the
	// Salatiga case on, so each body is made for the case as it is now,
	// first bringing it to a state where the request is valid.
	"POST /api/v1/cases": {body: func(fx *fixture, _ actor, _ string) any {
		return map[string]any{"person_id": fx.freshPerson("salatiga"), "cluster": "anak", "setting": "keluarga",
			"source": "rujukan", "risk": "sedang", "note": "uji matriks"}
	}},
	"POST /api/v1/cases/{id}/actions": {body: func(fx *fixture, _ actor, key string) any {
		return map[string]any{"action": "add_note", "version": fx.currentCase(key).Version, "note": "uji matriks"}
	}},
	// The supervisor is off the fixture case's team: its health finding is
	// withheld from them, so they may not save the assessment (privacy.go).
	"PUT /api/v1/cases/{id}/assessment": {roles: []access.Role{access.Worker}, body: func(fx *fixture, a actor, key string) any {
		return fx.readyAssessment(a, key)
	}},
	"PUT /api/v1/cases/{id}/plan": {body: func(fx *fixture, a actor, key string) any {
		return fx.readyPlan(a, key)
	}},
	"PUT /api/v1/cases/{id}/team": {roles: []access.Role{access.Supervisor}, body: func(fx *fixture, a actor, key string) any {
		return fx.teamBody(a, key)
	}},
	"POST /api/v1/cases/{id}/services": {body: func(*fixture, actor, string) any {
		// An emergency basic need: taken before any plan, within the
		// emergency window of the newly opened case, and as an ordinary
		// service once a plan is in force.
		return map[string]any{"given_on": wibToday(), "need": "permakanan", "component": "kebutuhan_hidup_layak",
			"quantity": 1, "cost": 25000, "emergency": true}
	}},
	// Referrals, follow-ups and attachments (cases_more_test.go has the
	// helpers): each request gets an object of its own, or the current
	// version of a shared one.
	"POST /api/v1/cases/{id}/referrals": {body: func(*fixture, actor, string) any {
		return map[string]any{"agency_kind": "puskesmas", "agency_name": "Puskesmas Sidorejo Lor", "purpose": "uji matriks"}
	}},
	"POST /api/v1/referrals/{id}/answer": {body: func(*fixture, actor, string) any {
		return map[string]any{"accept": true, "version": 1, "note": "uji matriks"}
	}},
	"POST /api/v1/referrals/{id}/outcome": {body: func(fx *fixture, _ actor, key string) any {
		return map[string]any{"version": fx.acceptLastReferral(key), "outcome": "uji matriks"}
	}},
	"POST /api/v1/referral-links/{token}": {body: func(*fixture, actor, string) any {
		return map[string]any{"receiver_name": "Petugas Uji", "status": "diterima", "note": "uji matriks"}
	}},
	"PUT /api/v1/cases/{id}/follow-ups/{fid}": {body: func(fx *fixture, _ actor, key string) any {
		return map[string]any{"done_on": wibToday(), "outcome": "stabil", "version": fx.followUpVersion(key)}
	}},
	"POST /api/v1/cases/{id}/attachments": {body: func(fx *fixture, _ actor, _ string) any {
		return newMultipart(fx.t, "foto rumah.png", tinyPNG, "uji matriks")
	}},

	// The case pages (cases_ui_test.go has the bodies).
	"POST /cases":                       {body: uiBodyOpen},
	"POST /cases/{id}/actions":          {body: uiBodyNote},
	"POST /cases/{id}/assessment":       {body: uiBodyAssessment, roles: []access.Role{access.Worker}},
	"POST /cases/{id}/plan":             {body: uiBodyPlan},
	"POST /cases/{id}/services":         {body: uiBodyService},
	"POST /cases/{id}/referrals":        {body: uiBodyReferral},
	"POST /cases/{id}/follow-ups/{fid}": {body: uiBodyFollowUp},
	"POST /cases/{id}/attachments":      {body: uiBodyAttachment},
	"POST /cases/{id}/team":             {body: uiBodyTeam, roles: []access.Role{access.Supervisor}},
	"POST /referrals/{id}/answer":       {body: uiBodyAnswer},
	"POST /referrals/{id}/outcome":      {body: uiBodyOutcome},
	"POST /rujukan/{token}":             {body: uiBodyLink},

	// Complaints (complaint_test.go has the bodies).
	"POST /pengaduan":                                  {body: uiBodyComplaint},
	"POST /api/v1/public/complaints":                   {body: apiBodyComplaint},
	"POST /units/{id}/pengaduan":                       {body: uiBodyComplaintCounter},
	"POST /units/{id}/pengaduan/{pid}":                 {body: uiBodyComplaintStep},
	"POST /api/v1/units/{id}/complaints":               {body: apiBodyComplaintCounter},
	"POST /api/v1/units/{id}/complaints/{pid}/actions": {body: apiBodyComplaintStep},

	// The satisfaction survey (skm_test.go has the bodies).
	"POST /s/{code}": {body: uiBodySKMAnswer},
	"POST /api/v1/public/skm/{code}/responses":      {body: apiBodySKMAnswer},
	"POST /units/{id}/skm/periods":                  {body: uiBodySKMPeriod},
	"POST /units/{id}/skm/kiosk":                    {body: func(*fixture, actor, string) any { return url.Values{"label": {"uji matriks"}} }},
	"POST /units/{id}/skm/{period}":                 {body: uiBodySKMPopulation},
	"POST /hari-libur":                              {wholeDeployment: true, body: uiBodyHoliday},
	"POST /hari-libur/hapus":                        {wholeDeployment: true, body: func(fx *fixture, _ actor, _ string) any { return url.Values{"date": {fx.holiday()}} }},
	"PUT /api/v1/holidays":                          {wholeDeployment: true, body: apiBodyHoliday},
	"DELETE /api/v1/holidays":                       {wholeDeployment: true, queryOf: func(fx *fixture, _ actor) string { return "date=" + fx.holiday() }},
	"POST /units/{id}/skm/kiosk/{kiosk}/revoke":     {},
	"DELETE /api/v1/units/{id}/skm/kiosks/{kiosk}":  {},
	"POST /api/v1/units/{id}/skm/periods":           {body: apiBodySKMPeriod},
	"PATCH /api/v1/units/{id}/skm/periods/{period}": {body: apiBodySKMPopulation},
}

// fixture is the world of the matrix: the demo data plus the Sulawesi
// Selatan admin, two accounts to act on (never used to sign in, so that
// resetting or deactivating them breaks no session of the test), and a token
// that belongs to neither.
type fixture struct {
	t       *testing.T
	h       *harness
	units   map[string]unit.Unit // by demo key
	users   map[string]int64     // ids by username
	other   int64                // a token of target.salatiga
	clients map[access.Role]*http.Client
	n       int
	// people are records registered by a demo unit (by its key), living in
	// that unit's kab/kota; reaches holds the reach they were made with.
	people  map[string]int64
	reaches map[string]registry.Reach
	// households of the fixture people, made when first needed
	// (households_test.go).
	households map[string]int64
	// cases opened for the fixture people of "salatiga" (by the demo
	// worker) and "makassar" (by target.sulsel), by unit key.
	cases map[string]int64
	// more holds the referrals, follow-ups and attachments of the matrix,
	// made when first needed (cases_more_test.go).
	more *moreFixture
}

func newFixture(t *testing.T, h *harness) *fixture {
	t.Helper()
	ctx := context.Background()
	fx := &fixture{t: t, h: h, units: map[string]unit.Unit{}, users: map[string]int64{}, clients: map[access.Role]*http.Client{},
		people: map[string]int64{}, reaches: map[string]registry.Reach{}, cases: map[string]int64{}}
	all, _, err := unit.List(ctx, h.db, access.Scope{All: true}, unit.Filter{Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	for key, name := range demoUnits {
		for _, u := range all {
			if u.Name == name {
				fx.units[key] = u
			}
		}
		if _, ok := fx.units[key]; !ok {
			t.Fatalf("demo unit %q missing", name)
		}
	}
	sys := audit.System("test")
	create := func(in access.UserInput) (access.User, string) {
		u, pw, err := access.CreateUser(ctx, h.db, sys, access.Scope{All: true}, in)
		if err != nil {
			t.Fatalf("create %s: %v", in.Username, err)
		}
		return u, pw
	}
	admin, pw := create(access.UserInput{Username: string(sulselAdmin), FullName: "Andi Makkasau (uji)", Role: access.Admin, Region: "73"})
	tok, _, err := access.CreateToken(ctx, h.db, admin.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	h.accounts[sulselAdmin] = demo.Account{Username: admin.Username, Role: access.Admin, Password: pw}
	h.tokens[sulselAdmin] = tok
	target, _ := create(access.UserInput{Username: "target.salatiga", FullName: "Sasaran Salatiga", Role: access.Worker, UnitID: fx.units["salatiga"].ID})
	create(access.UserInput{Username: "target.sulsel", FullName: "Sasaran Makassar", Role: access.Worker, UnitID: fx.units["makassar"].ID})
	if _, t2, err := access.CreateToken(ctx, h.db, target.ID, "other"); err != nil {
		t.Fatal(err)
	} else {
		fx.other = t2.ID
	}
	users, _, err := access.ListUsers(ctx, h.db, access.Scope{All: true}, access.UserFilter{Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		fx.users[u.Username] = u.ID
	}
	// One person registered by each of these units, living in its city:
	// the Salatiga staff reach the first two (their region), not the others.
	st := &registry.Store{DB: h.db, Regions: h.regions}
	for _, p := range []struct {
		key, name string
		village   wilayah.Code
	}{{"salatiga", "Slamet Riyadi", "33.73.04.1001"}, {"lks-salatiga", "Wahyu Hidayat", "33.73.04.1001"},
		{"makassar", "Andi Baso", firstVillage(t, h, "73.71")}, {"kupang", "Yohanes Nggadas", firstVillage(t, h, "53.71")}} {
		u := fx.unit(p.key)
		reach := registry.Reach{UnitID: u.ID, Regions: []wilayah.Code{u.Region}}
		saved, err := st.Create(ctx, sys, reach, registry.Input{Name: p.name, Sex: "L", BirthYear: 1960,
			Village: string(p.village), Categories: []string{"lanjut_usia_telantar"}})
		if err != nil {
			t.Fatalf("person of %s: %v", p.key, err)
		}
		fx.people[p.key], fx.reaches[p.key] = saved.Person.ID, reach
	}
	fx.openCases()
	return fx
}

// firstVillage returns the first village of a region's first descendants.
func firstVillage(t *testing.T, h *harness, c wilayah.Code) wilayah.Code {
	t.Helper()
	for c.Level() < wilayah.Village {
		kids := h.regions.Children(c)
		if len(kids) == 0 {
			t.Fatalf("region %s has no children", c)
		}
		c = kids[0].Code
	}
	return c
}

// currentPerson reads a fixture person as stored now.
func (fx *fixture) currentPerson(key string) registry.Person {
	id, ok := fx.people[key]
	if !ok {
		fx.t.Fatalf("no fixture person %q", key)
	}
	st := &registry.Store{DB: fx.h.db, Regions: fx.h.regions}
	p, err := st.Get(context.Background(), audit.System("test"), fx.reaches[key], id, false)
	if err != nil {
		fx.t.Fatalf("person %s: %v", key, err)
	}
	return p
}

func (fx *fixture) unit(key string) unit.Unit {
	u, ok := fx.units[key]
	if !ok {
		fx.t.Fatalf("no demo unit %q", key)
	}
	return u
}

func (fx *fixture) currentUnit(key string) unit.Unit {
	u, err := unit.Get(context.Background(), fx.h.db, access.Scope{All: true}, fx.unit(key).ID)
	if err != nil {
		fx.t.Fatal(err)
	}
	return u
}

func (fx *fixture) currentUser(username string) access.User {
	u, err := access.GetUserByName(context.Background(), fx.h.db, username)
	if err != nil {
		fx.t.Fatalf("user %s: %v", username, err)
	}
	return u
}

func (fx *fixture) uniqueName(prefix string) string {
	fx.n++
	return fmt.Sprintf("%s %d", prefix, fx.n)
}

func (fx *fixture) uniqueUsername() string {
	fx.n++
	return fmt.Sprintf("uji.%d", fx.n)
}

// scope is the scope of an actor's account.
func (fx *fixture) scope(a actor) access.Scope {
	return fx.currentUser(fx.h.accounts[a.key].Username).Scope()
}

// id resolves a case's object to the value of its path parameter.
func (fx *fixture) id(t *testing.T, a actor, res resource, name string) string {
	switch res {
	case resUnit:
		return strconv.FormatInt(fx.unit(name).ID, 10)
	case resUser:
		id, ok := fx.users[name]
		if !ok {
			t.Fatalf("no account %q", name)
		}
		return strconv.FormatInt(id, 10)
	case resToken:
		if name == "other" || a.key == "" {
			return strconv.FormatInt(fx.other, 10)
		}
		// A token of the caller's own, made for this request: revoking it
		// leaves the harness's token working.
		_, tok, err := access.CreateToken(context.Background(), fx.h.db, fx.currentUser(fx.h.accounts[a.key].Username).ID, "own")
		if err != nil {
			t.Fatal(err)
		}
		return strconv.FormatInt(tok.ID, 10)
	case resRegion:
		return name
	case resPerson:
		id, ok := fx.people[name]
		if !ok {
			t.Fatalf("no fixture person %q", name)
		}
		return strconv.FormatInt(id, 10)
	case resHousehold:
		return strconv.FormatInt(fx.household(name), 10)
	case resConsent:
		// A consent made for this request: a withdrawal acts once.
		return strconv.FormatInt(fx.consentOf(name), 10)
	case resCase:
		id, ok := fx.cases[name]
		if !ok {
			t.Fatalf("no fixture case %q", name)
		}
		return strconv.FormatInt(id, 10)
	case resReferral:
		// A referral made for this request: an answer acts once.
		return strconv.FormatInt(fx.referralTo(name), 10)
	case resLink:
		if name == "bad" {
			return strings.Repeat("A", 43) // a token nobody holds
		}
		return fx.linkToken()
	case resCatalog:
		// A draft made for the request: an activation acts once.
		return fx.catalogDraft()
	case resComplaintCode:
		return fx.complaintCode(a, name)
	case resSKMCode:
		return fx.skmCode()
	}
	t.Fatalf("no id for resource %s", res)
	return ""
}

// client is the cookie client of an actor: shared, or newly signed in.
func (fx *fixture) client(a actor, fresh bool) *http.Client {
	if a.key == "" {
		return fx.h.anonymous()
	}
	if fresh {
		return fx.h.browser(a.key)
	}
	c, ok := fx.clients[a.key]
	if !ok {
		c = fx.h.browser(a.key)
		fx.clients[a.key] = c
	}
	return c
}

// fingerprint summarises what a refused request must not change.
func (fx *fixture) fingerprint(t *testing.T) string { return dbState(t, fx.h) }

// writesFingerprint is the fingerprint without the audit log's reads: a
// step the domain refuses on the case page shows the case again, which is
// an audited opening of a case the caller may see, not a change.
func (fx *fixture) writesFingerprint(t *testing.T) string {
	var writes int
	if err := fx.h.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE action <> 'read'").Scan(&writes); err != nil {
		t.Fatal(err)
	}
	state := dbState(t, fx.h)
	_, rest, _ := strings.Cut(state, " ") // without "audit=N", which counts the reads
	return fmt.Sprintf("audit writes=%d %s", writes, rest)
}

// dbState summarises the stored units, accounts, tokens, people, households,
// cases and audit records: a refused request must leave it as it was.
func dbState(t *testing.T, h *harness) string {
	t.Helper()
	var a, b, c, d, e, f, g, k int64
	err := h.db.QueryRow(context.Background(), `SELECT
		(SELECT COUNT(*) FROM audit_log), (SELECT COUNT(*) FROM unit), (SELECT COALESCE(SUM(version), 0) FROM unit),
		(SELECT COUNT(*) FROM app_user), (SELECT COALESCE(SUM(version), 0) FROM app_user),
		(SELECT COUNT(*) FROM api_token WHERE revoked_at IS NULL),
		(SELECT COUNT(*) FROM person), (SELECT COALESCE(SUM(version), 0) FROM person)`).Scan(&a, &b, &c, &d, &e, &f, &g, &k)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("audit=%d units=%d/v%d users=%d/v%d tokens=%d people=%d/v%d", a, b, c, d, e, f, g, k) +
		householdState(t, h) + caseState(t, h) + skmState(t, h)
}

// routeResource tells what a route's path parameter names, or, for a POST to
// a collection of units or users, that the request places a new object.
func routeResource(rt web.Route) (res resource, param string, err error) {
	segs := strings.Split(strings.TrimPrefix(rt.Path, "/"), "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && s != "{$}" {
			if i == 0 {
				return "", "", fmt.Errorf("parameter %s names nothing", s)
			}
			r, ok := resources[segs[i-1]]
			if !ok || (s != "{id}" && s != "{code}" && s != "{token}") {
				return "", "", fmt.Errorf("the matrix does not know what %s after %q names", s, segs[i-1])
			}
			return r, s, nil
		}
	}
	if last := resources[segs[len(segs)-1]]; rt.Method == http.MethodPost && (last == resUnit || last == resUser) {
		return resPlace, "", nil
	}
	return "", "", nil
}

// want is what a case expects.
type want int

const (
	wantOK        want = iota // 2xx or 3xx
	wantSignIn                // 401, or 303 to /login for a UI GET
	wantForbidden             // 403
	wantHidden                // 404 (or 403): outside the caller's scope
)

func (w want) String() string {
	return [...]string{"ok", "sign-in", "forbidden", "hidden"}[w]
}

type matrixCase struct {
	res    resource
	target string
	want   want
	// domain: refused by the domain (request.roles), not by the route.
	domain bool
}

// cases derives a route's cases for an actor from the tables above.
func cases(t *testing.T, a actor, rt web.Route) []matrixCase {
	t.Helper()
	res, _, err := routeResource(rt)
	if err != nil {
		t.Errorf("%s: %v", rt.Pattern(), err)
		return nil
	}
	switch {
	case rt.Perm == access.Public && res == resLink:
		// A referral link: a live one opens, any other token is not found.
		return []matrixCase{{res, probe[res], wantOK, false}, {res, "bad", wantHidden, false}}
	case rt.Perm == access.Public:
		return []matrixCase{{res, probe[res], wantOK, false}}
	case a.key == "":
		return []matrixCase{{res, probe[res], wantSignIn, false}}
	case !allowed(a.role, rt.Perm):
		return []matrixCase{{res, probe[res], wantForbidden, false}}
	case res == "" && (wholeDeploymentOnly(a, rt) || refusedByRole(a, rt)):
		return []matrixCase{{want: wantForbidden, domain: true}}
	case res == "":
		return []matrixCase{{want: wantOK}}
	}
	sc, ok := everyoneCases[res]
	if !ok {
		sc, ok = scopeCases[a.key][res]
	}
	if !ok || len(sc.in) == 0 {
		t.Errorf("%s as %s: the scope table has no %s case", rt.Pattern(), a, res)
		return nil
	}
	var out []matrixCase
	in := wantOK
	if roles := requests[rt.Pattern()].roles; roles != nil && !slices.Contains(roles, a.role) {
		in = wantForbidden
	}
	if wholeDeploymentOnly(a, rt) {
		in = wantForbidden
	}
	for _, n := range sc.in {
		out = append(out, matrixCase{res, n, in, in != wantOK})
	}
	for _, n := range sc.out {
		out = append(out, matrixCase{res, n, wantHidden, false})
	}
	return out
}

// leak matches what must never reach a user: stack traces and raw driver or
// library error text.
var leak = regexp.MustCompile(`goroutine \d+ \[|runtime/debug|\.go:\d+|\bsql: |\bpq: |SQLSTATE|pgconn|\(SQLSTATE|constraint failed|database is locked|no such (table|column)|syntax error at|json: cannot|invalid character|unexpected end of JSON`)

func checkNoLeak(t *testing.T, where string, body []byte) {
	t.Helper()
	if m := leak.Find(body); m != nil {
		t.Errorf("%s: response shows internal detail %q:\n%.800s", where, m, body)
	}
}

// exchange is one sent request and its answer.
type exchange struct {
	status int
	header http.Header
	body   []byte
}

// send sends a route's request as an actor: API routes by bearer token
// through h.api (checked against the OpenAPI document), UI routes by cookie.
func (fx *fixture) send(t *testing.T, a actor, rt web.Route, path string, body any, fresh bool) exchange {
	t.Helper()
	if rt.API {
		r := fx.h.api(t, a.key, rt.Method, path, body)
		return exchange{r.Status, r.Header, r.Body}
	}
	var rd io.Reader
	var contentType string
	switch b := body.(type) {
	case url.Values:
		rd, contentType = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	case multipartBody: // an upload form
		rd, contentType = bytes.NewReader(b.data), b.contentType
	}
	req, err := http.NewRequest(rt.Method, fx.h.http.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := fx.client(a, fresh).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return exchange{resp.StatusCode, resp.Header, out}
}

func TestRoleRouteMatrix(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		fx := newFixture(t, h)
		routes := h.server.Routes()
		for _, rt := range routes {
			if rt.Perm != access.Public && grantsByDesign[rt.Perm] == nil {
				t.Errorf("%s needs permission %q, which the matrix does not know: add it to grantsByDesign", rt.Pattern(), rt.Perm)
			}
			if _, ok := requests[rt.Pattern()]; !ok && rt.Method != http.MethodGet {
				t.Errorf("%s: the matrix has no request for it: add one to requests", rt.Pattern())
			}
		}
		for _, a := range matrixActors {
			t.Run(a.String(), func(t *testing.T) {
				for _, rt := range routes {
					for _, c := range cases(t, a, rt) {
						name := rt.Pattern()
						if c.target != "" {
							name += " " + c.target
						}
						t.Run(name, func(t *testing.T) { fx.check(t, a, rt, c) })
					}
				}
			})
		}
		t.Run("lists", func(t *testing.T) { fx.checkLists(t) })
	})
}

// check sends one case and checks the answer.
func (fx *fixture) check(t *testing.T, a actor, rt web.Route, c matrixCase) {
	path := strings.ReplaceAll(rt.Path, "{$}", "")
	// A follow-up visit is one of a case in bimbingan lanjut, which the
	// fixture keeps apart from the case the other routes move on.
	if strings.Contains(path, "{fid}") {
		caseID, fid := fx.followUp(c.target)
		path = strings.Replace(strings.Replace(path, "{id}", caseID, 1), "{fid}", fid, 1)
	}
	if _, param, _ := routeResource(rt); param != "" {
		path = strings.Replace(path, param, fx.id(t, a, c.res, c.target), 1)
	}
	// A consent named under its person's path is one of that person's.
	if strings.Contains(path, "{cid}") {
		path = strings.Replace(path, "{cid}", fx.id(t, a, resConsent, c.target), 1)
	}
	// So is an attachment under its case's path.
	if strings.Contains(path, "{aid}") {
		path = strings.Replace(path, "{aid}", fx.attachmentOf(c.target), 1)
	}
	// A complaint under its unit's path is one filed at that unit.
	if strings.Contains(path, "{pid}") {
		path = strings.Replace(path, "{pid}", fx.complaintOf(c.target), 1)
	}
	// A survey period under its unit's path is one of that unit's.
	if strings.Contains(path, "{period}") {
		path = strings.Replace(path, "{period}", fx.skmPeriod(c.target), 1)
	}
	// So is a kiosk tablet, a new one each time.
	if strings.Contains(path, "{kiosk}") {
		path = strings.Replace(path, "{kiosk}", fx.skmKiosk(c.target), 1)
	}
	// The audit, photo and task of a unit's facility audits are its own.
	path = fx.sarprasPath(path, c.target)
	// A jenis of an SPM catalog version is one of the ten.
	path = strings.Replace(path, "{jenis}", string(catalogMatrixJenis), 1)
	var body any
	spec := requests[rt.Pattern()]
	if spec.body != nil {
		body = spec.body(fx, a, c.target)
	}
	if spec.query != "" {
		path += "?" + spec.query
	}
	if spec.queryOf != nil {
		path += "?" + spec.queryOf(fx, a)
	}
	fingerprint := fx.fingerprint
	if c.domain {
		fingerprint = fx.writesFingerprint
	}
	before := fingerprint(t)
	x := fx.send(t, a, rt, path, body, spec.fresh)
	if x.status >= 500 {
		t.Fatalf("%s %s: status %d\n%.800s", rt.Method, path, x.status, x.body)
	}
	if rt.Path != "/metrics" && rt.Path != "/api/v1/openapi.json" {
		checkNoLeak(t, rt.Method+" "+path, x.body)
	}
	switch c.want {
	case wantOK:
		if x.status >= 400 {
			t.Errorf("%s %s as %s: status %d, want success\n%.300s", rt.Method, path, a, x.status, x.body)
		}
		if loc := x.header.Get("Location"); a.key != "" && strings.HasPrefix(loc, "/login?") {
			t.Errorf("%s %s as %s: sent to sign in (%s)", rt.Method, path, a, loc)
		}
	case wantSignIn:
		if rt.API || rt.Method != http.MethodGet {
			if x.status != http.StatusUnauthorized {
				t.Errorf("%s %s anonymously: status %d, want 401", rt.Method, path, x.status)
			}
		} else if loc := x.header.Get("Location"); x.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?next=") {
			t.Errorf("%s %s anonymously: status %d to %q, want 303 to /login?next=…", rt.Method, path, x.status, loc)
		}
	case wantForbidden:
		if x.status != http.StatusForbidden {
			t.Errorf("%s %s as %s: status %d, want 403", rt.Method, path, a, x.status)
		}
	case wantHidden:
		if x.status != http.StatusNotFound && x.status != http.StatusForbidden {
			t.Errorf("%s %s as %s on %s outside its scope: status %d, want 404 or 403\n%.600s", rt.Method, path, a, c.target, x.status, x.body)
		}
	}
	if c.want != wantOK {
		if after := fingerprint(t); after != before {
			t.Errorf("%s %s as %s was refused but changed the database: %s → %s", rt.Method, path, a, before, after)
		}
	}
	if c.want == wantOK && a.key != "" {
		fx.checkVisible(t, a, rt, path, x)
	}
}

// unitDirectory is the list of units a case may be referred to, on the
// case page: names of every active unit, which referring needs (a unit's
// record stays in its readers' scope), so checkVisible looks past it.
var unitDirectory = regexp.MustCompile(`(?s)<select[^>]*\bdata-directory="units"[^>]*>.*?</select>`)

// checkVisible checks that an answer names no demo unit outside the
// caller's scope; lists are checked in full by checkLists.
func (fx *fixture) checkVisible(t *testing.T, a actor, rt web.Route, path string, x exchange) {
	t.Helper()
	if seen := visibleUnits[a.key]; seen != nil {
		body := unitDirectory.ReplaceAllString(string(x.body), "")
		for key, name := range demoUnits {
			if !slices.Contains(seen, key) && strings.Contains(body, name) {
				t.Errorf("%s %s as %s names %q, outside its scope", rt.Method, path, a, name)
			}
		}
	}
}

// checkLists checks the unit, account and audit lists of every actor that
// may read them, by the API (all on one page) and by the UI.
func (fx *fixture) checkLists(t *testing.T) {
	ctx := context.Background()
	allUnits, _, err := unit.List(ctx, fx.h.db, access.Scope{All: true}, unit.Filter{Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	unitRegion := map[int64]wilayah.Code{}
	for _, u := range allUnits {
		unitRegion[u.ID] = u.Region
	}
	for _, a := range matrixActors[1:] {
		t.Run(a.String(), func(t *testing.T) {
			sc := fx.scope(a)
			// Units: exactly the demo units of visibleUnits, and nothing
			// (also among units made by the matrix) outside the scope.
			var units struct {
				Items []unit.Unit `json:"items"`
				Total int         `json:"total"`
			}
			r := fx.h.api(t, a.key, "GET", "/api/v1/units?size=100", nil)
			if r.Status != http.StatusOK {
				t.Fatalf("units: status %d", r.Status)
			}
			r.decode(t, &units)
			var demoSeen []string
			for _, u := range units.Items {
				if !sc.CoversUnit(u.ID, u.Region) {
					t.Errorf("unit list of %s holds %q (%s), outside its scope", a, u.Name, u.Region)
				}
				for key, name := range demoUnits {
					if u.Name == name {
						demoSeen = append(demoSeen, key)
					}
				}
			}
			want := visibleUnits[a.key]
			if want == nil {
				for key := range demoUnits {
					want = append(want, key)
				}
			}
			slices.Sort(want)
			slices.Sort(demoSeen)
			if !slices.Equal(demoSeen, want) {
				t.Errorf("unit list of %s holds demo units %v, want %v", a, demoSeen, want)
			}
			if units.Total != len(units.Items) {
				t.Errorf("unit list of %s: total %d but %d items", a, units.Total, len(units.Items))
			}
			if !allowed(a.role, access.ManageUsers) {
				return
			}
			// Accounts: every account whose home region the scope covers,
			// and no other.
			var users struct {
				Items []access.User `json:"items"`
				Total int           `json:"total"`
			}
			r = fx.h.api(t, a.key, "GET", "/api/v1/users?size=100", nil)
			if r.Status != http.StatusOK {
				t.Fatalf("users: status %d", r.Status)
			}
			r.decode(t, &users)
			all, _, err := access.ListUsers(ctx, fx.h.db, access.Scope{All: true}, access.UserFilter{Size: 100})
			if err != nil {
				t.Fatal(err)
			}
			var got, wantUsers []string
			for _, u := range users.Items {
				got = append(got, u.Username)
			}
			for _, u := range all {
				home := u.Region
				if home == "" {
					home = unitRegion[u.UnitID]
				}
				if sc.All || (home != "" && sc.CoversRegion(home)) {
					wantUsers = append(wantUsers, u.Username)
				}
			}
			if !slices.Equal(got, wantUsers) {
				t.Errorf("account list of %s: %v, want %v", a, got, wantUsers)
			}
			if a.key == sulselAdmin {
				for _, name := range []string{"target.sulsel", string(sulselAdmin)} {
					if !slices.Contains(got, name) {
						t.Errorf("account list of %s lacks %s", a, name)
					}
				}
				_, page := fx.h.page(t, fx.client(a, false), "GET", "/users", nil)
				for _, name := range []string{"demo.pekerja", "demo.admin", "target.salatiga"} {
					if slices.Contains(got, name) || strings.Contains(page, name) {
						t.Errorf("account list of %s shows %s", a, name)
					}
				}
			}
			// Audit: only records of the scope's region subtree.
			var log struct {
				Items []audit.Item `json:"items"`
			}
			r = fx.h.api(t, a.key, "GET", "/api/v1/audit?size=200", nil)
			if r.Status != http.StatusOK {
				t.Fatalf("audit: status %d", r.Status)
			}
			r.decode(t, &log)
			n, err := audit.Count(ctx, fx.h.db, sc.All, sc.Region)
			if err != nil {
				t.Fatal(err)
			}
			if len(log.Items) != min(n, 200) || len(log.Items) == 0 {
				t.Errorf("audit list of %s: %d records, want %d", a, len(log.Items), min(n, 200))
			}
			for _, it := range log.Items {
				if !sc.All && (it.Region == nil || !sc.CoversRegion(wilayah.Code(*it.Region))) {
					t.Errorf("audit list of %s holds record %d of region %v, outside its scope", a, it.ID, it.Region)
				}
			}
		})
	}
}

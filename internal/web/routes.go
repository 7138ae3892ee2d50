package web

import (
	"net/http"
	"strings"

	"github.com/layan-id/layan/internal/access"
)

// Route is one entry of the route table. The table is the single list that
// the mux, the role × route test and the OpenAPI test all read, so a new
// route cannot escape them.
type Route struct {
	Method string
	Path   string
	Perm   access.Permission
	// API routes answer JSON and problem+json; the others HTML.
	API    bool
	handle http.HandlerFunc
}

// Pattern is the ServeMux pattern of the route.
func (rt Route) Pattern() string { return rt.Method + " " + rt.Path }

// Routes returns every route of the application.
func (s *Server) Routes() []Route {
	html := func(method, path string, perm access.Permission, h http.HandlerFunc) Route {
		return Route{Method: method, Path: path, Perm: perm, handle: h}
	}
	api := func(method, path string, perm access.Permission, h http.HandlerFunc) Route {
		return Route{Method: method, Path: "/api/v1" + path, Perm: perm, API: true, handle: h}
	}
	P, S := access.Public, access.SignedIn
	return []Route{
		// Operations.
		html("GET", "/healthz", P, s.healthz),
		html("GET", "/readyz", P, s.readyz),
		html("GET", "/metrics", P, s.metricsHandler),

		// Signing in and out, language.
		html("GET", "/login", P, s.loginForm),
		html("POST", "/login", P, s.login),
		html("POST", "/logout", S, s.logout),
		html("POST", "/lang", P, s.setLang),
		html("GET", "/about", P, s.about),

		// UI.
		html("GET", "/{$}", S, s.home),
		html("GET", "/regions", S, s.regionsPage),
		html("GET", "/regions/picker", S, s.regionPicker),
		html("GET", "/regions/suggest", S, s.regionSuggest),
		html("GET", "/units", access.ReadUnits, s.unitsPage),
		html("GET", "/units/new", access.ManageUnits, s.unitNewForm),
		html("POST", "/units", access.ManageUnits, s.unitCreate),
		html("GET", "/units/{id}", access.ReadUnits, s.unitPage),
		html("GET", "/units/{id}/edit", access.ManageUnits, s.unitEditForm),
		html("POST", "/units/{id}", access.ManageUnits, s.unitUpdate),
		html("GET", "/users", access.ManageUsers, s.usersPage),
		html("GET", "/users/new", access.ManageUsers, s.userNewForm),
		html("POST", "/users", access.ManageUsers, s.userCreate),
		html("GET", "/users/{id}", access.ManageUsers, s.userPage),
		html("POST", "/users/{id}", access.ManageUsers, s.userUpdate),
		html("POST", "/users/{id}/active", access.ManageUsers, s.userSetActive),
		html("POST", "/users/{id}/password", access.ManageUsers, s.userResetPassword),
		html("GET", "/people", access.ReadPeople, s.peoplePage),
		html("GET", "/people/new", access.ManagePeople, s.personNewForm),
		html("POST", "/people", access.ManagePeople, s.personCreate),
		html("GET", "/people/{id}", access.ReadPeople, s.personPage),
		html("GET", "/people/{id}/edit", access.ManagePeople, s.personEditForm),
		html("POST", "/people/{id}", access.ManagePeople, s.personUpdate),
		html("POST", "/people/{id}/active", access.ManagePeople, s.personSetActive),
		html("POST", "/people/{id}/household", access.ManagePeople, s.householdJoin),
		html("POST", "/people/{id}/household/leave", access.ManagePeople, s.householdLeave),
		html("POST", "/people/{id}/household/correct", access.ManagePeople, s.householdCorrect),
		html("POST", "/people/{id}/consents", access.ManagePeople, s.consentRecord),
		html("POST", "/people/{id}/consents/{cid}/withdraw", access.ManagePeople, s.consentWithdraw),
		// Case management (cases_ui.go).
		html("GET", "/work", access.ReadCases, s.workPage),
		html("GET", "/cases", access.ReadCases, s.casesList),
		html("GET", "/cases/new", access.ManageCases, s.caseNewForm),
		html("POST", "/cases", access.ManageCases, s.caseCreate),
		html("GET", "/cases/{id}", access.ReadCases, s.caseShow),
		html("POST", "/cases/{id}/actions", access.ManageCases, s.caseAct),
		html("POST", "/cases/{id}/assessment", access.ManageCases, s.caseAssessment),
		html("POST", "/cases/{id}/plan", access.ManageCases, s.casePlan),
		html("POST", "/cases/{id}/services", access.ManageCases, s.caseService),
		html("POST", "/cases/{id}/referrals", access.ManageCases, s.caseRefer),
		html("POST", "/cases/{id}/follow-ups/{fid}", access.ManageCases, s.caseFollowUp),
		html("POST", "/cases/{id}/attachments", access.ManageCases, s.caseAttach),
		html("POST", "/cases/{id}/team", access.ManageCases, s.caseTeam),
		html("GET", "/cases/{id}/attachments/{aid}", access.ReadCases, s.caseAttachment),
		html("GET", "/referrals", access.ReadCases, s.referralsList),
		html("POST", "/referrals/{id}/answer", access.ManageCases, s.referralAnswer),
		html("POST", "/referrals/{id}/outcome", access.ManageCases, s.referralOutcome),
		// A unit's case figures (figures.go): counts only, so also for the
		// roles that see aggregates of a region.
		html("GET", "/case-figures", access.ReadCaseFigures, s.caseFiguresPage),
		// The SPM catalog (spmcatalog.go): read by the SPM roles, changed by
		// an admin of the whole deployment (the store checks the scope).
		html("GET", "/spm/catalog", access.ReadSPM, s.catalogPageHandler),
		html("GET", "/spm/catalog/{id}", access.ReadSPM, s.catalogVersionPage),
		html("POST", "/spm/catalog", access.ManageSPMCatalog, s.catalogCopy),
		html("POST", "/spm/catalog/{id}/jenis/{jenis}", access.ManageSPMCatalog, s.catalogJenis),
		html("POST", "/spm/catalog/{id}/activate", access.ManageSPMCatalog, s.catalogActivate),
		// SPM achievement (spm_ui.go).
		html("GET", "/spm", access.ReadSPM, s.spmPage),
		html("POST", "/spm/aggregates", access.EnterSPM, s.spmAggregate),
		html("POST", "/spm/mutu", access.EnterSPM, s.spmMutu),
		html("GET", "/spm/export", access.ReadSPM, s.spmExport),
		// SPM settings (spm_settings.go): read by the SPM roles, changed by
		// an admin of the whole deployment.
		html("GET", "/spm/settings", access.ReadSPM, s.spmSettingsPage),
		html("POST", "/spm/settings", access.ManageSPMSettings, s.spmSettingsSave),
		// The offices' days off (holidays.go).
		html("GET", "/hari-libur", access.ManageHolidays, s.holidays),
		html("POST", "/hari-libur", access.ManageHolidays, s.holidaySave),
		html("POST", "/hari-libur/hapus", access.ManageHolidays, s.holidayRemove),
		// The quarterly SPM report (spm_report.go): read by the SPM roles,
		// written by the region's planner; the actions route is open to
		// every reader because planners submit and reviewers review, and
		// the workflow (spm.DecideReport) decides who takes which step.
		html("GET", "/spm/report", access.ReadSPM, s.spmReportPage),
		html("POST", "/spm/report", access.EnterSPM, s.spmReportSave),
		html("POST", "/spm/report/actions", access.ReadSPM, s.spmReportAct),
		html("GET", "/spm/reports", access.ReadSPM, s.spmReportsPage),
		// The report as an official PDF (spm_pdf.go), as the report page's readers see it.
		html("GET", "/spm/report.pdf", access.ReadSPM, s.spmReportPDF),
		// The four tahapan of penerapan SPM (spm_tahapan.go): read by the
		// SPM roles, unit costs and plan entered by the region's planner.
		html("GET", "/spm/tahapan", access.ReadSPM, s.spmTahapanPage),
		html("POST", "/spm/tahapan/unit-costs", access.EnterSPM, s.spmTahapanCosts),
		html("POST", "/spm/tahapan/plans", access.EnterSPM, s.spmTahapanPlan),
		// Accessible-facility audits of a unit (sarpras.go): its staff read
		// them, its supervisors and the admins of its region run them (the
		// store checks the unit); the owner of a task marks it done.
		html("GET", "/units/{id}/sarpras", access.ReadSarpras, s.sarprasUnit),
		html("POST", "/units/{id}/sarpras", access.ManageSarpras, s.sarprasCreate),
		html("GET", "/units/{id}/sarpras/{audit}", access.ReadSarpras, s.sarprasAudit),
		html("POST", "/units/{id}/sarpras/{audit}", access.ManageSarpras, s.sarprasAnswers),
		html("POST", "/units/{id}/sarpras/{audit}/photos", access.ManageSarpras, s.sarprasPhoto),
		html("GET", "/units/{id}/sarpras/{audit}/photos/{photo}", access.ReadSarpras, s.sarprasPhotoFile),
		html("POST", "/units/{id}/sarpras/{audit}/final", access.ManageSarpras, s.sarprasFinal),
		html("POST", "/units/{id}/sarpras/{audit}/tasks", access.ManageSarpras, s.sarprasTaskCreate),
		html("POST", "/units/{id}/sarpras/tasks/{task}/done", access.ReadSarpras, s.sarprasTaskDone),
		html("GET", "/sarpras/tasks", access.ReadSarpras, s.sarprasMyTasks),
		html("GET", "/sarpras/compare", access.CompareSarpras, s.sarprasCompare),
		html("GET", "/sarpras/items", access.ReadSarpras, s.sarprasItems),
		html("POST", "/sarpras/items", access.ManageSarprasItems, s.sarprasItemSave),
		// An outside agency's referral link, without an account: the token
		// is the key (and is kept out of the access log).
		html("GET", "/rujukan/{token}", P, s.referralLink),
		html("POST", "/rujukan/{token}", P, s.referralLinkOutcome),
		// Complaints (complaint.go): the public form and tracking page need
		// no account (guarded against floods); the unit's staff handle them;
		// the figures are counts for the roles that see aggregates.
		html("GET", "/pengaduan", P, s.complaintForm),
		html("POST", "/pengaduan", P, s.complaintFile),
		html("GET", "/pengaduan/lacak", P, s.complaintTrack),
		html("GET", "/pengaduan/angka", access.ReadComplaintFigures, s.complaintFigures),
		html("GET", "/units/{id}/pengaduan", access.HandleComplaints, s.complaintList),
		html("POST", "/units/{id}/pengaduan", access.HandleComplaints, s.complaintRecord),
		html("GET", "/units/{id}/pengaduan/{pid}", access.HandleComplaints, s.complaintShow),
		html("POST", "/units/{id}/pengaduan/{pid}", access.HandleComplaints, s.complaintAct),
		// The satisfaction survey (skm.go, skm_staff.go, skm_report.go):
		// the public form, thank-you and results pages need no account
		// (the form is guarded against floods); a unit's figures are read
		// by every role in its scope, its survey run by its managers.
		html("GET", "/s/{code}", P, s.skmFormGet),
		html("POST", "/s/{code}", P, s.skmFormPost),
		html("GET", "/s/{code}/terima-kasih", P, s.skmThanks),
		html("GET", "/hasil/{code}", P, s.skmPublicResults),
		html("GET", "/units/{id}/skm", access.ReadSKM, s.skmUnit),
		html("POST", "/units/{id}/skm/periods", access.ManageSKM, s.skmPeriodCreate),
		html("POST", "/units/{id}/skm/kiosk", access.ManageSKM, s.skmKiosk),
		html("POST", "/units/{id}/skm/kiosk/{kiosk}/revoke", access.ManageSKM, s.skmKioskRevoke),
		html("GET", "/units/{id}/skm/poster", access.ReadSKM, s.skmPoster),
		html("GET", "/units/{id}/skm/{period}", access.ReadSKM, s.skmPeriod),
		html("POST", "/units/{id}/skm/{period}", access.ManageSKM, s.skmPeriodPost),
		html("GET", "/units/{id}/skm/{period}/report", access.ReadSKM, s.skmReport),
		html("GET", "/audit", access.ReadAudit, s.auditPage),
		html("GET", "/account", S, s.accountPage),
		html("POST", "/account/password", S, s.accountPassword),
		html("POST", "/account/tokens", access.ManageOwnToken, s.accountTokenCreate),
		html("POST", "/account/tokens/{id}/revoke", access.ManageOwnToken, s.accountTokenRevoke),

		// JSON API.
		api("GET", "/openapi.json", P, s.openAPI),
		api("GET", "/me", S, s.apiMe),
		api("GET", "/regions", S, s.apiRegions),
		api("GET", "/regions/search", S, s.apiRegionSearch),
		api("GET", "/regions/{code}", S, s.apiRegion),
		api("GET", "/units", access.ReadUnits, s.apiUnits),
		api("POST", "/units", access.ManageUnits, s.apiUnitCreate),
		api("GET", "/units/{id}", access.ReadUnits, s.apiUnit),
		api("PATCH", "/units/{id}", access.ManageUnits, s.apiUnitUpdate),
		api("GET", "/users", access.ManageUsers, s.apiUsers),
		api("POST", "/users", access.ManageUsers, s.apiUserCreate),
		api("GET", "/users/{id}", access.ManageUsers, s.apiUser),
		api("PATCH", "/users/{id}", access.ManageUsers, s.apiUserUpdate),
		api("POST", "/users/{id}/password-reset", access.ManageUsers, s.apiUserResetPassword),
		api("GET", "/people", access.ReadPeople, s.apiPeople),
		api("POST", "/people", access.ManagePeople, s.apiPersonCreate),
		api("GET", "/people/{id}", access.ReadPeople, s.apiPerson),
		api("PATCH", "/people/{id}", access.ManagePeople, s.apiPersonUpdate),
		api("POST", "/people/{id}/deactivate", access.ManagePeople, s.apiPersonDeactivate),
		api("POST", "/people/{id}/activate", access.ManagePeople, s.apiPersonActivate),
		api("GET", "/people/{id}/household", access.ReadPeople, s.apiPersonHousehold),
		api("POST", "/people/{id}/household/leave", access.ManagePeople, s.apiHouseholdLeave),
		api("POST", "/households", access.ManagePeople, s.apiHouseholdCreate),
		api("GET", "/households/{id}", access.ReadPeople, s.apiHousehold),
		api("PATCH", "/households/{id}", access.ManagePeople, s.apiHouseholdUpdate),
		api("POST", "/households/{id}/members", access.ManagePeople, s.apiHouseholdAddMember),
		api("GET", "/people/{id}/consents", access.ReadPeople, s.apiConsents),
		api("POST", "/people/{id}/consents", access.ManagePeople, s.apiConsentRecord),
		api("POST", "/consents/{id}/withdraw", access.ManagePeople, s.apiConsentWithdraw),
		api("GET", "/audit", access.ReadAudit, s.apiAudit),
		api("GET", "/cases", access.ReadCases, s.apiCases),
		api("POST", "/cases", access.ManageCases, s.apiCaseOpen),
		api("GET", "/cases/{id}", access.ReadCases, s.apiCase),
		api("POST", "/cases/{id}/actions", access.ManageCases, s.apiCaseAct),
		api("PUT", "/cases/{id}/assessment", access.ManageCases, s.apiCaseAssessment),
		api("PUT", "/cases/{id}/plan", access.ManageCases, s.apiCasePlan),
		api("POST", "/cases/{id}/services", access.ManageCases, s.apiCaseService),
		api("PUT", "/cases/{id}/team", access.ManageCases, s.apiCaseTeam),
		api("GET", "/work", access.ReadCases, s.apiWork),
		api("POST", "/cases/{id}/referrals", access.ManageCases, s.apiCaseRefer),
		api("PUT", "/cases/{id}/follow-ups/{fid}", access.ManageCases, s.apiCaseFollowUp),
		api("POST", "/cases/{id}/attachments", access.ManageCases, s.apiCaseAttach),
		api("GET", "/cases/{id}/attachments/{aid}", access.ReadCases, s.apiCaseAttachment),
		api("GET", "/referrals", access.ReadCases, s.apiReferrals),
		api("POST", "/referrals/{id}/answer", access.ManageCases, s.apiReferralAnswer),
		api("POST", "/referrals/{id}/outcome", access.ManageCases, s.apiReferralOutcome),
		api("GET", "/case-figures", access.ReadCaseFigures, s.apiCaseFigures),
		// The SPM catalog's versions (spmcatalog.go).
		api("GET", "/spm/catalogs", access.ReadSPM, s.apiCatalogs),
		api("GET", "/spm/catalogs/{id}", access.ReadSPM, s.apiCatalog),
		api("POST", "/spm/catalogs", access.ManageSPMCatalog, s.apiCatalogCopy),
		api("PUT", "/spm/catalogs/{id}/jenis/{jenis}", access.ManageSPMCatalog, s.apiCatalogJenis),
		api("POST", "/spm/catalogs/{id}/activate", access.ManageSPMCatalog, s.apiCatalogActivate),
		// SPM achievement and a region's own figures (spm.go).
		api("GET", "/spm/achievements", access.ReadSPM, s.apiSPMAchievements),
		api("GET", "/spm/overview", access.ReadSPM, s.apiSPMOverview),
		api("GET", "/spm/trend", access.ReadSPM, s.apiSPMTrend), // spm_ui.go
		api("GET", "/spm/export", access.ReadSPM, s.spmExport),
		api("PUT", "/spm/aggregates", access.EnterSPM, s.apiSPMAggregatePut),
		api("DELETE", "/spm/aggregates", access.EnterSPM, s.apiSPMAggregateDelete),
		api("PUT", "/spm/mutu", access.EnterSPM, s.apiSPMMutuPut),
		api("DELETE", "/spm/mutu", access.EnterSPM, s.apiSPMMutuDelete),
		api("GET", "/spm/settings", access.ReadSPM, s.apiSPMSettings),
		api("PUT", "/spm/settings", access.ManageSPMSettings, s.apiSPMSettingsPut),
		api("GET", "/holidays", access.ManageHolidays, s.apiHolidays),
		api("PUT", "/holidays", access.ManageHolidays, s.apiHolidayPut),
		api("DELETE", "/holidays", access.ManageHolidays, s.apiHolidayDelete),
		// The quarterly SPM report (spm_report.go).
		api("GET", "/spm/reports", access.ReadSPM, s.apiSPMReport),
		api("PUT", "/spm/reports", access.EnterSPM, s.apiSPMReportPut),
		api("POST", "/spm/reports/actions", access.ReadSPM, s.apiSPMReportAction),
		api("GET", "/spm/reports/history", access.ReadSPM, s.apiSPMReportHistory),
		api("GET", "/spm/reports/pdf", access.ReadSPM, s.spmReportPDF),
		api("GET", "/spm/report-status", access.ReadSPM, s.apiSPMReportStatus),
		// The four tahapan (spm_tahapan.go).
		api("GET", "/spm/data-quality", access.ReadSPM, s.apiSPMDataQuality),
		api("GET", "/spm/unit-costs", access.ReadSPM, s.apiSPMUnitCosts),
		api("PUT", "/spm/unit-costs", access.EnterSPM, s.apiSPMUnitCostsPut),
		api("DELETE", "/spm/unit-costs", access.EnterSPM, s.apiSPMUnitCostsDelete),
		api("GET", "/spm/plans", access.ReadSPM, s.apiSPMPlans),
		api("PUT", "/spm/plans", access.EnterSPM, s.apiSPMPlanPut),
		api("DELETE", "/spm/plans", access.EnterSPM, s.apiSPMPlanDelete),
		api("GET", "/spm/realisation", access.ReadSPM, s.apiSPMRealisation),
		// Accessible-facility audits (sarpras.go).
		api("GET", "/units/{id}/sarpras/audits", access.ReadSarpras, s.apiSarprasHistory),
		api("POST", "/units/{id}/sarpras/audits", access.ManageSarpras, s.apiSarprasCreate),
		api("GET", "/units/{id}/sarpras/audits/{audit}", access.ReadSarpras, s.apiSarprasAudit),
		api("PUT", "/units/{id}/sarpras/audits/{audit}/answers", access.ManageSarpras, s.apiSarprasAnswers),
		api("POST", "/units/{id}/sarpras/audits/{audit}/photos", access.ManageSarpras, s.apiSarprasPhoto),
		api("GET", "/units/{id}/sarpras/audits/{audit}/photos/{photo}", access.ReadSarpras, s.sarprasPhotoFile),
		api("POST", "/units/{id}/sarpras/audits/{audit}/final", access.ManageSarpras, s.apiSarprasFinal),
		api("POST", "/units/{id}/sarpras/audits/{audit}/tasks", access.ManageSarpras, s.apiSarprasTaskCreate),
		api("POST", "/units/{id}/sarpras/tasks/{task}/done", access.ReadSarpras, s.apiSarprasTaskDone),
		api("GET", "/sarpras/tasks", access.ReadSarpras, s.apiSarprasMyTasks),
		api("GET", "/sarpras/compare", access.CompareSarpras, s.apiSarprasCompare),
		api("GET", "/sarpras/items", access.ReadSarpras, s.apiSarprasItems),
		api("POST", "/sarpras/items", access.ManageSarprasItems, s.apiSarprasItemSave),
		// An outside agency's referral link: the token is the key.
		api("GET", "/referral-links/{token}", P, s.apiReferralLink),
		api("POST", "/referral-links/{token}", P, s.apiReferralLinkOutcome),
		// Complaints (complaint.go).
		api("POST", "/public/complaints", P, s.apiComplaintFile),
		api("GET", "/public/complaints/{code}", P, s.apiComplaintTrack),
		api("GET", "/units/{id}/complaints", access.HandleComplaints, s.apiComplaints),
		api("POST", "/units/{id}/complaints", access.HandleComplaints, s.apiComplaintRecord),
		api("GET", "/units/{id}/complaints/{pid}", access.HandleComplaints, s.apiComplaint),
		api("POST", "/units/{id}/complaints/{pid}/actions", access.HandleComplaints, s.apiComplaintAct),
		api("GET", "/complaint-figures", access.ReadComplaintFigures, s.apiComplaintFigures),
		// The satisfaction survey (skm.go, skm_staff.go).
		api("POST", "/public/skm/{code}/responses", P, s.apiSKMRespond),
		api("GET", "/units/{id}/skm/periods", access.ReadSKM, s.apiSKMPeriods),
		api("POST", "/units/{id}/skm/periods", access.ManageSKM, s.apiSKMPeriodCreate),
		api("GET", "/units/{id}/skm/periods/{period}", access.ReadSKM, s.apiSKMPeriod),
		api("PATCH", "/units/{id}/skm/periods/{period}", access.ManageSKM, s.apiSKMPeriodUpdate),
		api("GET", "/units/{id}/skm/trend", access.ReadSKM, s.apiSKMTrend),
		api("GET", "/units/{id}/skm/kiosks", access.ManageSKM, s.apiSKMKiosks),
		api("DELETE", "/units/{id}/skm/kiosks/{kiosk}", access.ManageSKM, s.apiSKMKioskRevoke),
	}
}

// authorize enforces a route's permission before its handler runs. A request
// without an account gets 401 (API) or the sign-in page (UI); an account
// without the permission gets 403. (Named so, not guard: s.guard is the
// public-form guard, internal/guard.)
func (s *Server) authorize(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		st.route = rt.Pattern()
		if rt.Perm != access.Public {
			if st.authErr != nil {
				s.fail(w, r, st.authErr)
				return
			}
			if st.user == nil {
				if rt.API || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
					s.fail(w, r, errSignInRequired)
					return
				}
				http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			if !st.user.Role.Can(rt.Perm) {
				s.fail(w, r, errForbidden)
				return
			}
		}
		if err := checkQuery(r); err != nil {
			s.fail(w, r, err)
			return
		}
		rt.handle(w, r)
	})
}

// isAPI reports whether the request expects JSON answers.
func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

package spm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/wilayah"
)

// The quarterly report of penerapan SPM. Permendagri 59/2021 Pasal 24 ayat
// (1): "Laporan Penerapan SPM disampaikan Gubernur dan Bupati/Walikota …
// secara berkala setiap 3 (tiga) bulan melalui aplikasi" (e-SPM). What
// e-SPM asks each triwulan (domain.md §3): capaian penerapan SPM,
// penganggaran, permasalahan (with their solusi), the fulfilment of the four
// tahapan, and rencana aksi. A report here holds exactly that for one
// region and quarter; the capaian comes from the live figures (casework or
// entered aggregates), frozen when the report is submitted.
//
// The review: a planner of the region writes the draf and submits it; the
// province checks it (returns it with a reason, or verifies it) and locks
// it; a locked period is what was reported and stays so. That a kab/kota's
// report is reviewed by its province is domain.md §3 ✘ (the hierarchy is
// assumed, not confirmed): the rules are here, in one place, to change.
//
// This part is pure: statuses, actions and who may take them
// (DecideReport), the content and its validation, the fill rate
// (KeterisianOf). The store's half follows below.

// ReportStatus is where a quarterly report stands.
type ReportStatus string

const (
	// ReportDraft is being written by the region; it shows live figures.
	ReportDraft ReportStatus = "draf"
	// ReportSubmitted awaits the review; its figures are those of the day it was submitted.
	ReportSubmitted ReportStatus = "diajukan"
	// ReportVerified was checked by the province, not yet locked.
	ReportVerified ReportStatus = "diverifikasi"
	// ReportLocked is the period as reported: nothing in it changes until
	// an authorised reviewer reopens it, with a reason.
	ReportLocked ReportStatus = "dikunci"
)

// ReportStatuses in the order a report goes.
var ReportStatuses = []ReportStatus{ReportDraft, ReportSubmitted, ReportVerified, ReportLocked}

// Valid reports whether s is a known status.
func (s ReportStatus) Valid() bool {
	for _, x := range ReportStatuses {
		if s == x {
			return true
		}
	}
	return false
}

// closes reports whether a report in status s closes its period to new
// figures: from submission on, what the region reported must not move
// under the reviewer (EnterAggregate and DeleteAggregate ask periodClosed).
func (s ReportStatus) closes() bool { return s != ReportDraft && s != "" }

// ReportAction is a step of a report's life.
type ReportAction string

const (
	ReportSave   ReportAction = "save"   // write the content (a draf only)
	ReportSubmit ReportAction = "submit" // draf → diajukan, complete, after the quarter
	ReportReturn ReportAction = "return" // diajukan → draf, with a reason
	ReportVerify ReportAction = "verify" // diajukan → diverifikasi
	ReportLock   ReportAction = "lock"   // diverifikasi → dikunci
	ReportReopen ReportAction = "reopen" // diverifikasi or dikunci → draf, with a reason
)

// ReportActions lists every action, for tests and documentation.
var ReportActions = []ReportAction{ReportSave, ReportSubmit, ReportReturn, ReportVerify, ReportLock, ReportReopen}

// Refusal codes of the report's steps, sent as the problem's "code"; the
// message key is "spmreport.refused.CODE".
const (
	// Forbidden: the wrong role or region.
	CodePlannerRequired  = "planner_required"  // only a planner writes and submits
	CodeNotYourRegion    = "not_your_region"   // a planner of another region
	CodeVerifierRequired = "verifier_required" // only a reviewer returns, verifies, locks, reopens
	CodeNotYourProvince  = "not_your_province" // a reviewer of another province
	// Conflict: the wrong moment.
	CodeReportLocked     = "locked"
	CodeUnderReview      = "under_review" // submitted or verified: no edits until returned or reopened
	CodeAlreadySubmitted = "already_submitted"
	CodeQuarterNotEnded  = "quarter_not_ended"
	CodeIncomplete       = "incomplete" // Keterisian below 100 %
	CodeNotSubmitted     = "not_submitted"
	CodeAlreadyVerified  = "already_verified"
	CodeNotVerified      = "not_verified"
	CodeAlreadyLocked    = "already_locked"
	CodeAlreadyDraft     = "already_draft"
	CodeStaleVersion     = "stale_version"
	CodeFiguresChanged   = "figures_changed" // an aggregate changed while the report was being submitted
	CodePeriodClosed     = "period_closed"   // an aggregate of a submitted or locked period
	// Invalid: a field.
	CodeReasonRequired = "reason_required"
)

// reportRefused is the error of a refused step: Forbidden for the wrong
// role or region, Conflict for the wrong moment.
func reportRefused(code string) error {
	kind := apperr.Conflict
	switch code {
	case CodePlannerRequired, CodeNotYourRegion, CodeVerifierRequired, CodeNotYourProvince:
		kind = apperr.Forbidden
	}
	e := apperr.New(kind, "spmreport.refused."+code)
	e.Code = code
	return e
}

// ReportStep is a step asked of a report, with what the rules look at.
type ReportStep struct {
	Action ReportAction
	By     access.User
	Region wilayah.Code // the report's region
	Reason string       // return and reopen
	// Missing is how many required parts are still empty (Keterisian) and
	// Ended whether the quarter is over: a submission needs none missing
	// and an ended quarter.
	Missing int
	Ended   bool
}

// maxReason bounds the reason of a return or reopen.
const maxReason = 2000

// DecideReport returns the status after step st on a report in status, or
// why st is refused. It is the whole of the workflow; the store writes
// nothing it refuses. Who may take each step:
//
//   - save, submit: a planner of exactly the report's region — the region
//     reports on itself (Pasal 24 ayat 1: the bupati/walikota or gubernur
//     reports); a province's planner reads its kab/kota but writes none.
//   - return, verify: for a kab/kota report, a verifier of its province
//     (the province reviews its kab/kota, domain.md §3 ✘). For a province
//     report, a verifier of that same province or an admin whose scope
//     covers it: Pasal 24 has the governor report straight to the
//     Mendagri, so no tier above the province reviews in layan (Bangda
//     evaluates in e-SPM). The verifier is another person in another role
//     than the planner who wrote it, which is the second pair of eyes the
//     province can give its own report; the admin stands in where a
//     province has no verifier account. National viewers only read.
//   - lock, reopen: a verifier of the report's province, or an admin whose
//     scope covers that province (a deployment's or the province's admin;
//     an admin of the kab/kota itself may not, being the reporter's side).
//     Reopening undoes what was reported, so it needs a reason, kept in the
//     history with the figures it undid.
func DecideReport(status ReportStatus, st ReportStep) (ReportStatus, error) {
	if !status.Valid() {
		return "", fmt.Errorf("spm: report status %q unknown", status)
	}
	if err := mayTakeStep(st); err != nil {
		return "", err
	}
	switch st.Action {
	case ReportSave:
		switch status {
		case ReportDraft:
			return ReportDraft, nil
		case ReportLocked:
			return "", reportRefused(CodeReportLocked)
		}
		return "", reportRefused(CodeUnderReview)
	case ReportSubmit:
		switch status {
		case ReportLocked:
			return "", reportRefused(CodeReportLocked)
		case ReportSubmitted, ReportVerified:
			return "", reportRefused(CodeAlreadySubmitted)
		}
		// The capaian is cumulative to the quarter's last day (Period.To):
		// submitted earlier, it would freeze a quarter still running.
		if !st.Ended {
			return "", reportRefused(CodeQuarterNotEnded)
		}
		if st.Missing > 0 {
			return "", reportRefused(CodeIncomplete)
		}
		return ReportSubmitted, nil
	case ReportReturn, ReportVerify:
		switch status {
		case ReportDraft:
			return "", reportRefused(CodeNotSubmitted)
		case ReportVerified:
			return "", reportRefused(CodeAlreadyVerified)
		case ReportLocked:
			return "", reportRefused(CodeReportLocked)
		}
		if st.Action == ReportVerify {
			return ReportVerified, nil
		}
		if err := checkReason(st.Reason); err != nil {
			return "", err
		}
		return ReportDraft, nil
	case ReportLock:
		switch status {
		case ReportDraft, ReportSubmitted:
			return "", reportRefused(CodeNotVerified)
		case ReportLocked:
			return "", reportRefused(CodeAlreadyLocked)
		}
		return ReportLocked, nil
	case ReportReopen:
		switch status {
		case ReportDraft:
			return "", reportRefused(CodeAlreadyDraft)
		case ReportSubmitted:
			// Not yet verified: the reviewer returns it instead.
			return "", reportRefused(CodeNotVerified)
		}
		if err := checkReason(st.Reason); err != nil {
			return "", err
		}
		return ReportDraft, nil
	}
	return "", apperr.BadParam("action", "spmreport.action_unknown")
}

// mayTakeStep checks the role and region of whoever takes st (see DecideReport).
func mayTakeStep(st ReportStep) error {
	switch st.Action {
	case ReportSave, ReportSubmit:
		if !st.By.Role.Can(access.EnterSPM) {
			return reportRefused(CodePlannerRequired)
		}
		if st.By.Region != st.Region {
			return reportRefused(CodeNotYourRegion)
		}
		return nil
	case ReportReturn, ReportVerify:
		return reviews(st.By, st.Region, st.Region.Level() == wilayah.Province)
	case ReportLock, ReportReopen:
		return reviews(st.By, st.Region, true)
	}
	return apperr.BadParam("action", "spmreport.action_unknown")
}

// reviews checks that u reviews the report of region: a verifier of its
// province, or (where admins may) an admin whose scope covers the province.
func reviews(u access.User, region wilayah.Code, admins bool) error {
	if !u.Role.Can(access.VerifySPM) || (u.Role == access.Admin && !admins) {
		return reportRefused(CodeVerifierRequired)
	}
	province := region.Province()
	if u.Role == access.Admin {
		if !u.Scope().CoversRegion(province) {
			return reportRefused(CodeNotYourProvince)
		}
		return nil
	}
	if u.Region != province {
		return reportRefused(CodeNotYourProvince)
	}
	return nil
}

func checkReason(reason string) error {
	reason = strings.TrimSpace(reason)
	var f apperr.Fields
	switch {
	case reason == "":
		f.Add("reason", "spmreport.refused."+CodeReasonRequired)
	case !utf8.ValidString(reason) || strings.ContainsRune(reason, 0):
		f.Add("reason", "field.utf8")
	case utf8.RuneCountInString(reason) > maxReason:
		f.Add("reason", "field.too_long", maxReason)
	}
	if err := f.Err(); err != nil {
		e := apperr.As(err)
		e.Code = CodeReasonRequired
		return e
	}
	return nil
}

// Tahap is one of the four tahapan of penerapan SPM (Permendagri 59/2021;
// domain.md §2.6), whose fulfilment e-SPM asks each quarter.
type Tahap string

const (
	TahapPengumpulanData       Tahap = "pengumpulan_data"
	TahapPenghitunganKebutuhan Tahap = "penghitungan_kebutuhan" // penghitungan kebutuhan pemenuhan pelayanan dasar
	TahapPenyusunanRencana     Tahap = "penyusunan_rencana"     // penyusunan rencana pemenuhan pelayanan dasar
	TahapPelaksanaan           Tahap = "pelaksanaan"            // pelaksanaan pemenuhan pelayanan dasar
)

// Tahapan are the four, in the regulation's order.
var Tahapan = []Tahap{TahapPengumpulanData, TahapPenghitunganKebutuhan, TahapPenyusunanRencana, TahapPelaksanaan}

func (t Tahap) valid() bool {
	for _, x := range Tahapan {
		if t == x {
			return true
		}
	}
	return false
}

// ReportJenis is what a report says of one jenis pelayanan dasar: its
// problems and their solutions, and its budget (penganggaran SPM) planned
// and realised in whole Rupiah; nil is not yet filled in (0 is a value).
type ReportJenis struct {
	Jenis             Jenis  `json:"jenis"`
	Name              string `json:"name"` // ignored in input
	Permasalahan      string `json:"permasalahan"`
	Solusi            string `json:"solusi"`
	AnggaranRencana   *int64 `json:"anggaran_rencana"`
	AnggaranRealisasi *int64 `json:"anggaran_realisasi"`
	// The Prefilled flags mark an amount a draf shows that the planner did
	// not write: the plan's budget allocated, the casework's money spent
	// (kebutuhan_store.go). Never stored as such, ignored in input: saved
	// or submitted, the amount becomes the report's own.
	AnggaranRencanaPrefilled   bool `json:"anggaran_rencana_prefilled,omitempty"`
	AnggaranRealisasiPrefilled bool `json:"anggaran_realisasi_prefilled,omitempty"`
}

// ReportTahap is whether a tahap is done (nil: not yet answered), with a note.
type ReportTahap struct {
	Tahap Tahap  `json:"tahap"`
	Done  *bool  `json:"done"`
	Note  string `json:"note"`
}

// ReportContent is what the region writes: per jenis of its level, in the
// order of Services; the four tahapan in order; the rencana aksi.
type ReportContent struct {
	Jenis       []ReportJenis `json:"jenis"`
	RencanaAksi string        `json:"rencana_aksi"`
	Tahapan     []ReportTahap `json:"tahapan"`
}

// Bounds of the content.
const (
	maxProblemText = 4000
	maxRencanaAksi = 8000
	maxTahapNote   = 2000
	// maxRupiah bounds a budget line at Rp 1 kuadriliun (10^15): far above
	// the largest APBD (DKI Jakarta's is below Rp 100 triliun), so more is
	// a typing error, and below 2^53, so the amount stays exact in any JSON
	// reader.
	maxRupiah int64 = 1_000_000_000_000_000
)

// emptyContent is the content of a level with nothing written yet.
func emptyContent(level Level) ReportContent {
	c := ReportContent{Jenis: []ReportJenis{}, Tahapan: []ReportTahap{}}
	for _, svc := range ServicesOf(level) {
		c.Jenis = append(c.Jenis, ReportJenis{Jenis: svc.Jenis, Name: svc.Name})
	}
	for _, t := range Tahapan {
		c.Tahapan = append(c.Tahapan, ReportTahap{Tahap: t})
	}
	return c
}

// ReportInput is the content a planner saves for a region and quarter:
// the whole content (a jenis or tahap left out is empty). Version is the
// stored report's version being replaced, 0 when none is stored.
type ReportInput struct {
	Region      string        `json:"region"`
	Year        int           `json:"year"`
	Quarter     int           `json:"quarter"`
	Jenis       []ReportJenis `json:"jenis"`
	RencanaAksi string        `json:"rencana_aksi"`
	Tahapan     []ReportTahap `json:"tahapan"`
	Version     int           `json:"version"`
}

// Content checks the input's content for a region of level and returns it
// in order and trimmed: every jenis of the level, every tahap. Field
// errors name the part as KeterisianOf does ("jenis.<jenis>.solusi").
func (in ReportInput) Content(level Level) (ReportContent, apperr.Fields) {
	var f apperr.Fields
	out := emptyContent(level)
	at := map[Jenis]int{}
	for i, j := range out.Jenis {
		at[j.Jenis] = i
	}
	text := func(field, s string, limit int) string {
		s = strings.TrimSpace(s)
		switch {
		case !utf8.ValidString(s) || strings.ContainsRune(s, 0): // PostgreSQL text holds no NUL
			f.Add(field, "field.utf8")
		case utf8.RuneCountInString(s) > limit:
			f.Add(field, "field.too_long", limit)
		}
		return s
	}
	rupiah := func(field string, v *int64) *int64 {
		switch {
		case v == nil:
		case *v < 0:
			f.Add(field, "spmreport.rupiah_negative")
		case *v > maxRupiah:
			f.Add(field, "spmreport.rupiah_too_large")
		default:
			n := *v
			return &n
		}
		return nil
	}
	seen := map[Jenis]bool{}
	for _, j := range in.Jenis {
		i, ok := at[j.Jenis]
		switch {
		case !ok:
			f.Add("jenis", "spm.jenis_not_of_level")
			continue
		case seen[j.Jenis]:
			f.Add("jenis."+string(j.Jenis), "spmreport.jenis_twice")
			continue
		}
		seen[j.Jenis] = true
		p := "jenis." + string(j.Jenis) + "."
		o := &out.Jenis[i]
		o.Permasalahan = text(p+"permasalahan", j.Permasalahan, maxProblemText)
		o.Solusi = text(p+"solusi", j.Solusi, maxProblemText)
		o.AnggaranRencana = rupiah(p+"anggaran_rencana", j.AnggaranRencana)
		o.AnggaranRealisasi = rupiah(p+"anggaran_realisasi", j.AnggaranRealisasi)
	}
	out.RencanaAksi = text("rencana_aksi", in.RencanaAksi, maxRencanaAksi)
	done := map[Tahap]bool{}
	for _, t := range in.Tahapan {
		switch {
		case !t.Tahap.valid():
			f.Add("tahapan", "spmreport.tahap_unknown")
			continue
		case done[t.Tahap]:
			f.Add("tahapan."+string(t.Tahap), "spmreport.tahap_twice")
			continue
		}
		done[t.Tahap] = true
		for i := range out.Tahapan {
			if out.Tahapan[i].Tahap == t.Tahap {
				if t.Done != nil {
					d := *t.Done
					out.Tahapan[i].Done = &d
				}
				out.Tahapan[i].Note = text("tahapan."+string(t.Tahap)+".note", t.Note, maxTahapNote)
			}
		}
	}
	return out, f
}

// Keterisian is a report's fill rate: of the parts a submission needs, how
// many are filled, and which are still empty.
type Keterisian struct {
	Required int `json:"required"`
	Filled   int `json:"filled"`
	// Percent is Filled of Required, rounded down: 100 only when complete.
	Percent int            `json:"percent"`
	Missing []MissingField `json:"missing"`
}

// MissingField is a required part still empty: its path (as in field
// errors) and the message key that says what to write.
type MissingField struct {
	Field string `json:"field"`
	Key   string `json:"key"`
}

// Complete reports whether nothing required is missing.
func (k Keterisian) Complete() bool { return len(k.Missing) == 0 }

// KeterisianOf lists what a report of level still lacks. Required, because
// e-SPM asks each of them every quarter (Permendagri 59/2021 Pasal 24;
// domain.md §3):
//
//   - per jenis of the level: permasalahan and solusi (where a jenis has
//     no problem, "tidak ada" is an answer; an empty box is not), and the
//     budget planned and realised (0 is an amount; nothing is not);
//   - the rencana aksi;
//   - each of the four tahapan answered done or not, and where not done a
//     note saying what holds it up.
//
// Optional: the note of a tahap that is done. The capaian is never missing:
// it is counted, not written. The rule reads the content only, so the fill
// rate does not move when cases do.
func KeterisianOf(c ReportContent, level Level) Keterisian {
	k := Keterisian{Missing: []MissingField{}}
	need := func(filled bool, field, key string) {
		k.Required++
		if filled {
			k.Filled++
		} else {
			k.Missing = append(k.Missing, MissingField{Field: field, Key: key})
		}
	}
	byJenis := map[Jenis]ReportJenis{}
	for _, j := range c.Jenis {
		byJenis[j.Jenis] = j
	}
	for _, svc := range ServicesOf(level) {
		j, p := byJenis[svc.Jenis], "jenis."+string(svc.Jenis)+"."
		need(strings.TrimSpace(j.Permasalahan) != "", p+"permasalahan", "spmreport.missing.permasalahan")
		need(strings.TrimSpace(j.Solusi) != "", p+"solusi", "spmreport.missing.solusi")
		need(j.AnggaranRencana != nil, p+"anggaran_rencana", "spmreport.missing.anggaran_rencana")
		need(j.AnggaranRealisasi != nil, p+"anggaran_realisasi", "spmreport.missing.anggaran_realisasi")
	}
	need(strings.TrimSpace(c.RencanaAksi) != "", "rencana_aksi", "spmreport.missing.rencana_aksi")
	byTahap := map[Tahap]ReportTahap{}
	for _, t := range c.Tahapan {
		byTahap[t.Tahap] = t
	}
	for _, name := range Tahapan {
		t, p := byTahap[name], "tahapan."+string(name)+"."
		need(t.Done != nil, p+"done", "spmreport.missing.tahap_done")
		if t.Done != nil && !*t.Done {
			need(strings.TrimSpace(t.Note) != "", p+"note", "spmreport.missing.tahap_note")
		}
	}
	k.Percent = 100
	if k.Required > 0 {
		k.Percent = 100 * k.Filled / k.Required
	}
	return k
}

// ---- The store's half ----

// Report is a region's quarterly report as read: its content, its capaian
// (live while draf, the figures of its submission afterwards), the fill
// rate and the deadline.
type Report struct {
	ID         int64        `json:"id"` // 0: nothing stored yet, an empty draf
	Region     wilayah.Code `json:"region"`
	RegionName string       `json:"region_name"`
	Level      Level        `json:"level"`
	Year       int          `json:"year"`
	Quarter    int          `json:"quarter"`
	Status     ReportStatus `json:"status"`
	ReportContent
	Capaian Achievement `json:"capaian"`
	// Frozen says the capaian is the snapshot taken at submission, kept
	// while the report is diajukan, diverifikasi or dikunci; SnapshotAt
	// when it was taken.
	Frozen     bool       `json:"frozen"`
	SnapshotAt *time.Time `json:"snapshot_at"`
	Keterisian Keterisian `json:"keterisian"`
	// Deadline is the day the report is due (YYYY-MM-DD), DaysLeft the days
	// from today (negative once passed), Late whether it was or is overdue:
	// still a draf after the deadline, or submitted after it.
	Deadline string `json:"deadline"`
	DaysLeft int    `json:"days_left"`
	Late     bool   `json:"late"`
	// Reason is why the report last went back to draf (returned, reopened).
	Reason      string     `json:"reason"`
	SubmittedBy *int64     `json:"submitted_by"`
	SubmittedAt *time.Time `json:"submitted_at"`
	VerifiedBy  *int64     `json:"verified_by"`
	VerifiedAt  *time.Time `json:"verified_at"`
	LockedBy    *int64     `json:"locked_by"`
	LockedAt    *time.Time `json:"locked_at"`
	UpdatedBy   *int64     `json:"updated_by"`
	UpdatedAt   *time.Time `json:"updated_at"`
	Version     int        `json:"version"` // 0 when nothing is stored
}

// ReportSummary is one region's report in a listing of a period: for the
// province's and the nation's view of who submitted and who is late.
type ReportSummary struct {
	ID              int64        `json:"id"` // 0: nothing stored
	Region          wilayah.Code `json:"region"`
	RegionName      string       `json:"region_name"`
	Level           Level        `json:"level"`
	Status          ReportStatus `json:"status"`
	Percent         int          `json:"keterisian"`
	SubmittedBy     *int64       `json:"submitted_by"`
	SubmittedByName string       `json:"submitted_by_name"`
	SubmittedAt     *time.Time   `json:"submitted_at"`
	VerifiedAt      *time.Time   `json:"verified_at"`
	LockedAt        *time.Time   `json:"locked_at"`
	Deadline        string       `json:"deadline"`
	DaysLeft        int          `json:"days_left"`
	Late            bool         `json:"late"`
	Version         int          `json:"version"`
}

// ReportEvent is one step in a report's history, with the report as it
// stood (JSON of Report): for submit, verify and lock the report after the
// step, for return and reopen the report they sent back, with the frozen
// figures they dropped.
type ReportEvent struct {
	ID        int64           `json:"id"`
	Action    ReportAction    `json:"action"`
	From      ReportStatus    `json:"from"`
	To        ReportStatus    `json:"to"`
	ActorID   *int64          `json:"actor_id"`
	ActorName string          `json:"actor"`
	At        time.Time       `json:"at"`
	Reason    string          `json:"reason"`
	Snapshot  json.RawMessage `json:"snapshot"`
}

// Report decodes the event's snapshot.
func (e ReportEvent) Report() (Report, error) {
	var r Report
	err := json.Unmarshal(e.Snapshot, &r)
	return r, err
}

// ReportDeadlineSetting names the setting of the deadline's day of month
// (domain.md §3 ◐: Kemendagri closed input around the 20th of the month
// after the quarter — practice, not text — so a deployment may change it).
const ReportDeadlineSetting = "spm.report_deadline_day"

// reportDeadlineDay reads the deadline's day, DefaultDeadlineDay when unset.
func reportDeadlineDay(ctx context.Context, q db.Q) (int, error) {
	var v string
	err := db.Err(q.QueryRow(ctx, "SELECT value FROM setting WHERE name = ?", ReportDeadlineSetting).Scan(&v))
	if errors.Is(err, db.ErrNotFound) {
		return DefaultDeadlineDay, nil
	}
	if err != nil {
		return 0, err
	}
	day, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || CheckDeadlineDay(day) != nil {
		return 0, fmt.Errorf("spm: setting %s = %q: want a day 1–28", ReportDeadlineSetting, v)
	}
	return day, nil
}

// reportRow is a stored report.
type reportRow struct {
	id                                int64
	region                            wilayah.Code
	status                            ReportStatus
	rencanaAksi                       string
	capaian                           *string
	snapshotAt                        *time.Time
	reason                            string
	submittedBy, verifiedBy, lockedBy *int64
	submittedAt, verifiedAt, lockedAt *time.Time
	submittedByName                   string
	updatedBy                         *int64
	updatedAt                         time.Time
	version                           int
	jenis                             map[Jenis]ReportJenis
	tahapan                           map[Tahap]ReportTahap
}

const reportColumns = `r.id, r.region_code, r.status, r.rencana_aksi, r.capaian, r.snapshot_at, r.reason,
	r.submitted_by, r.submitted_at, r.verified_by, r.verified_at, r.locked_by, r.locked_at,
	COALESCE(u.full_name, ''), r.updated_by, r.updated_at, r.version`

// loadReports reads the reports of one period that cond (on spm_report r)
// selects, with their content, by region. With lock on PostgreSQL the
// report rows are locked for update (SQLite's writer already holds the
// whole database).
func loadReports(ctx context.Context, q db.Q, p Period, cond string, args []any, lock bool) (map[wilayah.Code]*reportRow, error) {
	where := " WHERE r.year = ? AND r.quarter = ? AND " + cond
	all := append([]any{p.Year, p.Quarter}, args...)
	query := "SELECT " + reportColumns + " FROM spm_report r LEFT JOIN app_user u ON u.id = r.submitted_by" + where
	if lock && q.Dialect() == db.Postgres {
		query += " FOR UPDATE OF r"
	}
	rows, err := q.Query(ctx, query, all...)
	if err != nil {
		return nil, err
	}
	out := map[wilayah.Code]*reportRow{}
	byID := map[int64]*reportRow{}
	for rows.Next() {
		r := &reportRow{jenis: map[Jenis]ReportJenis{}, tahapan: map[Tahap]ReportTahap{}}
		if err := rows.Scan(&r.id, &r.region, &r.status, &r.rencanaAksi, &r.capaian, &r.snapshotAt, &r.reason,
			&r.submittedBy, &r.submittedAt, &r.verifiedBy, &r.verifiedAt, &r.lockedBy, &r.lockedAt,
			&r.submittedByName, &r.updatedBy, &r.updatedAt, &r.version); err != nil {
			rows.Close()
			return nil, err
		}
		for _, t := range []**time.Time{&r.snapshotAt, &r.submittedAt, &r.verifiedAt, &r.lockedAt} {
			if *t != nil {
				u := (*t).UTC()
				*t = &u
			}
		}
		r.updatedAt = r.updatedAt.UTC()
		out[r.region], byID[r.id] = r, r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	rows, err = q.Query(ctx, `SELECT j.report_id, j.jenis, j.permasalahan, j.solusi, j.anggaran_rencana, j.anggaran_realisasi
		FROM spm_report_jenis j JOIN spm_report r ON r.id = j.report_id`+where, all...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var j ReportJenis
		if err := rows.Scan(&id, &j.Jenis, &j.Permasalahan, &j.Solusi, &j.AnggaranRencana, &j.AnggaranRealisasi); err != nil {
			rows.Close()
			return nil, err
		}
		if r := byID[id]; r != nil {
			r.jenis[j.Jenis] = j
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT t.report_id, t.tahap, t.done, t.note
		FROM spm_report_tahap t JOIN spm_report r ON r.id = t.report_id`+where, all...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var t ReportTahap
		if err := rows.Scan(&id, &t.Tahap, &t.Done, &t.Note); err != nil {
			rows.Close()
			return nil, err
		}
		if r := byID[id]; r != nil {
			r.tahapan[t.Tahap] = t
		}
	}
	rows.Close()
	return out, rows.Err()
}

// contentOf is a stored report's content in the order of its level.
func (r *reportRow) contentOf(level Level) ReportContent {
	c := emptyContent(level)
	for i, j := range c.Jenis {
		if got, ok := r.jenis[j.Jenis]; ok {
			got.Name = j.Name
			c.Jenis[i] = got
		}
	}
	for i, t := range c.Tahapan {
		if got, ok := r.tahapan[t.Tahap]; ok {
			c.Tahapan[i] = got
		}
	}
	c.RencanaAksi = r.rencanaAksi
	return c
}

// loadReport reads one region's report of p, nil when none is stored.
func loadReport(ctx context.Context, q db.Q, region wilayah.Code, p Period, lock bool) (*reportRow, error) {
	m, err := loadReports(ctx, q, p, "r.region_code = ?", []any{string(region)}, lock)
	if err != nil {
		return nil, err
	}
	return m[region], nil
}

// reportClock is what a report's deadline is counted from: today, the day
// it is due.
type reportClock struct {
	now      time.Time
	deadline string
}

func (c reportClock) today() string { return c.now.Format(time.DateOnly) }

// countdown is the days left to the deadline and whether a report in
// status (submitted at submitted, if it was) is late, counted in the days
// of the store's clock: a draf past the deadline, or a report submitted
// after it. The deadline is not enforced — it is practice (domain.md §3 ◐)
// and e-SPM, not layan, closes its input — so a late report still goes in.
func (c reportClock) countdown(status ReportStatus, submitted *time.Time) (daysLeft int, late bool) {
	daysLeft, _ = DaysLeft(c.today(), c.deadline) // both days are well-formed
	if status == ReportDraft {
		return daysLeft, c.today() > c.deadline
	}
	if submitted != nil {
		late = submitted.In(c.now.Location()).Format(time.DateOnly) > c.deadline
	}
	return daysLeft, late
}

func (s *Store) reportClock(ctx context.Context, q db.Q, p Period) (reportClock, error) {
	day, err := reportDeadlineDay(ctx, q)
	if err != nil {
		return reportClock{}, err
	}
	return reportClock{now: s.now(), deadline: p.Deadline(day)}, nil
}

// reportView is the report of region r for p as read: stored (row) or an
// empty draf, with live figures where given (a draf) or its snapshot.
func reportView(r wilayah.Region, p Period, row *reportRow, live *Achievement, clock reportClock) (Report, error) {
	level, _ := LevelOf(r.Code)
	out := Report{Region: r.Code, RegionName: r.Name, Level: level, Year: p.Year, Quarter: p.Quarter,
		Status: ReportDraft, ReportContent: emptyContent(level), Deadline: clock.deadline}
	if row != nil {
		out.ID, out.Status, out.ReportContent, out.Reason = row.id, row.status, row.contentOf(level), row.reason
		out.SubmittedBy, out.SubmittedAt = row.submittedBy, row.submittedAt
		out.VerifiedBy, out.VerifiedAt = row.verifiedBy, row.verifiedAt
		out.LockedBy, out.LockedAt = row.lockedBy, row.lockedAt
		at := row.updatedAt
		out.UpdatedBy, out.UpdatedAt, out.Version = row.updatedBy, &at, row.version
	}
	switch {
	case out.Status != ReportDraft:
		if row.capaian == nil {
			return Report{}, fmt.Errorf("spm: report %d is %s without its figures", row.id, row.status)
		}
		if err := json.Unmarshal([]byte(*row.capaian), &out.Capaian); err != nil {
			return Report{}, fmt.Errorf("spm: report %d figures: %w", row.id, err)
		}
		out.Frozen, out.SnapshotAt = true, row.snapshotAt
	case live != nil:
		out.Capaian = *live
	}
	out.Keterisian = KeterisianOf(out.ReportContent, level)
	out.DaysLeft, out.Late = clock.countdown(out.Status, out.SubmittedAt)
	return out, nil
}

// reportPeriod checks the year and quarter of a request about a report:
// a quarter must be named (1–4), and may not lie in the future.
func (s *Store) reportPeriod(year, quarter int) (Period, error) {
	if quarter < 1 || quarter > 4 {
		return Period{}, apperr.BadParam("quarter", "spm.quarter_range")
	}
	p, err := PeriodFor(year, quarter, s.now())
	if err != nil {
		fe := apperr.As(err).Fields[0]
		return Period{}, apperr.BadParam(fe.Field, fe.Key, fe.Args...)
	}
	return p, nil
}

// Report reads the report of a region and quarter as u may (the figures'
// readers: Reads). Nothing stored yet is an empty draf (ID 0); reading
// creates nothing.
func (s *Store) Report(ctx context.Context, u access.User, region string, year, quarter int) (Report, error) {
	r, err := s.region(u, region)
	if err != nil {
		return Report{}, err
	}
	p, err := s.reportPeriod(year, quarter)
	if err != nil {
		return Report{}, err
	}
	return s.readReport(ctx, r, p)
}

func (s *Store) readReport(ctx context.Context, r wilayah.Region, p Period) (Report, error) {
	clock, err := s.reportClock(ctx, s.DB, p)
	if err != nil {
		return Report{}, err
	}
	row, err := loadReport(ctx, s.DB, r.Code, p, false)
	if err != nil {
		return Report{}, err
	}
	var live *Achievement
	if row == nil || row.status == ReportDraft {
		a, err := s.achievements(ctx, []wilayah.Region{r}, p)
		if err != nil {
			return Report{}, err
		}
		live = &a[0]
	}
	rep, err := reportView(r, p, row, live, clock)
	if err != nil || live == nil {
		return rep, err
	}
	// A draf shows the plan's budget and the casework's spending where the
	// planner wrote none (issue 6 point 4); they count as filled, since
	// submitting keeps them.
	pre, err := s.reportPrefill(ctx, r, p, *live)
	if err != nil {
		return Report{}, err
	}
	if applyPrefill(&rep.ReportContent, pre) {
		rep.Keterisian = KeterisianOf(rep.ReportContent, rep.Level)
	}
	return rep, nil
}

// reportID names a report in the audit log: "33.73/2026-TW1".
func reportID(c wilayah.Code, p Period) string { return fmt.Sprintf("%s/%s", c, p) }

// reportAudit is what the audit log keeps of a report before and after a change.
type reportAudit struct {
	Status  ReportStatus `json:"status"`
	Version int          `json:"version"`
	Reason  string       `json:"reason,omitempty"`
	ReportContent
}

func errReportStale() error {
	e := apperr.New(apperr.Conflict, "spmreport.refused."+CodeStaleVersion)
	e.Code = CodeStaleVersion
	return e
}

// SaveReport writes the content of a region's draf report (creating it at
// version 0), as a planner of exactly that region, audited. Saving is
// refused once the report is submitted (until returned) or locked.
func (s *Store) SaveReport(ctx context.Context, actor audit.Actor, u access.User, in ReportInput) (Report, error) {
	r, err := s.region(u, in.Region)
	if err != nil {
		return Report{}, err
	}
	level, _ := LevelOf(r.Code)
	// Who first: a reviewer learns they may not write before what is wrong
	// with the content.
	if err := mayTakeStep(ReportStep{Action: ReportSave, By: u, Region: r.Code}); err != nil {
		return Report{}, err
	}
	content, f := in.Content(level)
	if in.Quarter == 0 {
		f.Add("quarter", "spm.quarter_range")
	} else if _, err := PeriodFor(in.Year, in.Quarter, s.now()); err != nil {
		for _, fe := range apperr.As(err).Fields {
			f.Add(fe.Field, fe.Key, fe.Args...)
		}
	}
	if err := f.Err(); err != nil {
		return Report{}, err
	}
	p := Period{Year: in.Year, Quarter: in.Quarter}
	now := s.now().UTC().Truncate(time.Microsecond)
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		row, err := loadReport(ctx, tx, r.Code, p, true)
		if err != nil {
			return err
		}
		status, current := ReportDraft, 0
		if row != nil {
			status, current = row.status, row.version
		}
		if _, err := DecideReport(status, ReportStep{Action: ReportSave, By: u, Region: r.Code}); err != nil {
			return err
		}
		if current != in.Version {
			return errReportStale()
		}
		var id int64
		entry := audit.Entry{Action: audit.Create, Entity: "spm_report", EntityID: reportID(r.Code, p), Region: r.Code,
			After: reportAudit{Status: ReportDraft, Version: current + 1, ReportContent: content}}
		if row == nil {
			err = tx.QueryRow(ctx, `INSERT INTO spm_report (region_code, province_code, year, quarter, status, rencana_aksi,
				created_by, created_at, updated_by, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`,
				string(r.Code), string(r.Code.Province()), p.Year, p.Quarter, string(ReportDraft), content.RencanaAksi,
				u.ID, now, u.ID, now).Scan(&id)
			if err := db.Err(err); errors.Is(err, db.ErrDuplicate) {
				return errReportStale() // created meanwhile by someone else
			} else if err != nil {
				return err
			}
		} else {
			id = row.id
			entry.Action = audit.Update
			entry.Before = reportAudit{Status: row.status, Version: row.version, Reason: row.reason, ReportContent: row.contentOf(level)}
			res, err := tx.Exec(ctx, `UPDATE spm_report SET rencana_aksi = ?, updated_by = ?, updated_at = ?, version = version + 1
				WHERE id = ? AND version = ?`, content.RencanaAksi, u.ID, now, id, current)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n != 1 {
				return errReportStale()
			}
		}
		if err := writeReportContent(ctx, tx, id, r.Code, content); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, entry)
	})
	if err != nil {
		return Report{}, err
	}
	return s.readReport(ctx, r, p)
}

// writeReportContent replaces the rows of a report's content.
func writeReportContent(ctx context.Context, q db.Q, id int64, region wilayah.Code, c ReportContent) error {
	province := string(region.Province())
	for _, table := range []string{"spm_report_jenis", "spm_report_tahap"} {
		if _, err := q.Exec(ctx, "DELETE FROM "+table+" WHERE report_id = ?", id); err != nil {
			return err
		}
	}
	for _, j := range c.Jenis {
		if _, err := q.Exec(ctx, `INSERT INTO spm_report_jenis (report_id, jenis, province_code, permasalahan, solusi,
			anggaran_rencana, anggaran_realisasi) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id, string(j.Jenis), province, j.Permasalahan, j.Solusi, j.AnggaranRencana, j.AnggaranRealisasi); err != nil {
			return err
		}
	}
	for _, t := range c.Tahapan {
		if _, err := q.Exec(ctx, `INSERT INTO spm_report_tahap (report_id, tahap, province_code, done, note)
			VALUES (?, ?, ?, ?, ?)`, id, string(t.Tahap), province, t.Done, t.Note); err != nil {
			return err
		}
	}
	return nil
}

// auditActionOf is the audit log's action of a step.
var auditActionOf = map[ReportAction]string{ReportSubmit: audit.Submit, ReportReturn: audit.Return,
	ReportVerify: audit.Verify, ReportLock: audit.Lock, ReportReopen: audit.Reopen}

// ActOnReport takes a step of the workflow — submit, return, verify,
// lock, reopen (saving is SaveReport) — on a region's report of a quarter,
// as u, if DecideReport allows it; version is the report's version u saw.
// Each step is one transaction: the report, a history row with the report
// as it stood (ReportEvent), and the audit record.
//
// Submitting takes the region's figures for the period and keeps them in
// the report: the reviewer sees what was submitted, and a locked period
// keeps them whatever the cases do later. Returning and reopening drop
// them (the history keeps them) and the draf shows live figures again.
func (s *Store) ActOnReport(ctx context.Context, actor audit.Actor, u access.User, region string, year, quarter int,
	action ReportAction, reason string, version int) (Report, error) {
	r, err := s.region(u, region)
	if err != nil {
		return Report{}, err
	}
	p, err := s.reportPeriod(year, quarter)
	if err != nil {
		return Report{}, err
	}
	if _, ok := auditActionOf[action]; !ok {
		return Report{}, apperr.BadParam("action", "spmreport.action_unknown")
	}
	level, _ := LevelOf(r.Code)
	reason = strings.TrimSpace(reason)
	// The figures are read before the transaction, by the store's one
	// reading of the achievement; the transaction then checks that no
	// aggregate of the period changed in between (casework keeps running:
	// the figures are those of the moment of submission).
	var figures *Achievement
	var prefill map[Jenis]budgetPrefill
	if action == ReportSubmit {
		a, err := s.achievements(ctx, []wilayah.Region{r}, p)
		if err != nil {
			return Report{}, err
		}
		figures = &a[0]
		if prefill, err = s.reportPrefill(ctx, r, p, *figures); err != nil {
			return Report{}, err
		}
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		clock, err := s.reportClock(ctx, tx, p)
		if err != nil {
			return err
		}
		row, err := loadReport(ctx, tx, r.Code, p, true)
		if err != nil {
			return err
		}
		status, current := ReportDraft, 0
		var content ReportContent
		if row != nil {
			status, current, content = row.status, row.version, row.contentOf(level)
		} else {
			content = emptyContent(level)
		}
		// Submitted, the budget lines the draf showed from the plan and
		// the casework become the report's own, kept as submitted.
		prefilled := action == ReportSubmit && applyPrefill(&content, prefill)
		next, err := DecideReport(status, ReportStep{Action: action, By: u, Region: r.Code, Reason: reason,
			Missing: len(KeterisianOf(content, level).Missing), Ended: clock.today() > p.To()})
		if err != nil {
			return err
		}
		if current != version {
			return errReportStale()
		}
		if row == nil {
			// Unreachable: every step but save needs a stored report (an
			// empty draf is incomplete, and there is nothing to review).
			return fmt.Errorf("spm: %s of report %s allowed with nothing stored", action, reportID(r.Code, p))
		}
		before, err := reportView(r, p, row, figures, clock)
		if err != nil {
			return err
		}
		now := s.now().UTC().Truncate(time.Microsecond)
		set := "status = ?, updated_by = ?, updated_at = ?, version = version + 1"
		args := []any{string(next), u.ID, now}
		switch action {
		case ReportSubmit:
			if err := sameAggregates(ctx, tx, r.Code, p, *figures); err != nil {
				return err
			}
			if prefilled {
				if err := writeReportContent(ctx, tx, row.id, r.Code, content); err != nil {
					return err
				}
			}
			b, err := json.Marshal(figures)
			if err != nil {
				return err
			}
			set += ", capaian = ?, snapshot_at = ?, submitted_by = ?, submitted_at = ?, reason = ''"
			args = append(args, string(b), now, u.ID, now)
		case ReportVerify:
			set += ", verified_by = ?, verified_at = ?"
			args = append(args, u.ID, now)
		case ReportLock:
			set += ", locked_by = ?, locked_at = ?"
			args = append(args, u.ID, now)
		case ReportReturn, ReportReopen:
			set += `, capaian = NULL, snapshot_at = NULL, reason = ?, submitted_by = NULL, submitted_at = NULL,
				verified_by = NULL, verified_at = NULL, locked_by = NULL, locked_at = NULL`
			args = append(args, reason)
		}
		res, err := tx.Exec(ctx, "UPDATE spm_report SET "+set+" WHERE id = ? AND version = ?", append(args, row.id, current)...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return errReportStale()
		}
		afterRow, err := loadReport(ctx, tx, r.Code, p, false)
		if err != nil {
			return err
		}
		// A draf after a return or reopening shows live figures once read
		// again; here only its content and reason matter.
		after, err := reportView(r, p, afterRow, nil, clock)
		if err != nil {
			return err
		}
		// The history keeps the report the step concerns: what was
		// submitted, verified or locked, and what a return or a reopening
		// sent back — with the figures it drops.
		kept := after
		if next == ReportDraft {
			kept = before
		}
		snap, err := json.Marshal(kept)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO spm_report_event (report_id, province_code, action, from_status, to_status,
			actor_id, actor_name, at, reason, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			row.id, string(r.Code.Province()), string(action), string(status), string(next), reportActorID(actor.UserID),
			reportActorName(actor), now, reason, string(snap)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: auditActionOf[action], Entity: "spm_report",
			EntityID: reportID(r.Code, p), Region: r.Code,
			Before: reportAudit{Status: status, Version: current, Reason: row.reason},
			After:  reportAudit{Status: next, Version: current + 1, Reason: after.Reason}})
	})
	if err != nil {
		return Report{}, err
	}
	return s.readReport(ctx, r, p)
}

func reportActorID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func reportActorName(a audit.Actor) string {
	if a.Name == "" {
		return "system"
	}
	return a.Name
}

// sameAggregates refuses a submission whose figures no longer match the
// aggregates stored for the period: one was entered or removed between
// reading the figures and the transaction.
func sameAggregates(ctx context.Context, q db.Q, region wilayah.Code, p Period, figures Achievement) error {
	rows, err := q.Query(ctx, "SELECT jenis, version FROM spm_aggregate WHERE region_code = ? AND year = ? AND quarter = ?",
		string(region), p.Year, p.Quarter)
	if err != nil {
		return err
	}
	defer rows.Close()
	stored := map[Jenis]int{}
	for rows.Next() {
		var j Jenis
		var v int
		if err := rows.Scan(&j, &v); err != nil {
			return err
		}
		stored[j] = v
	}
	if err := rows.Err(); err != nil {
		return err
	}
	seen := 0
	for _, f := range figures.Jenis {
		if f.Aggregate == nil {
			continue
		}
		seen++
		if stored[f.Jenis] != f.Aggregate.Version {
			return reportRefused(CodeFiguresChanged)
		}
	}
	if seen != len(stored) {
		return reportRefused(CodeFiguresChanged)
	}
	return nil
}

// periodClosed reports whether region's report for the quarter is
// submitted, verified or locked: the figures of that period are then what
// the region reported, and EnterAggregate and DeleteAggregate must refuse
// to change them (until the report is returned or reopened). Call it in
// the transaction that would write: on PostgreSQL it takes a share lock on
// the report row, so a submission running at the same moment either waits
// for the write (and then sees the new aggregate, ActOnReport's
// sameAggregates) or is seen here.
func periodClosed(ctx context.Context, q db.Q, region wilayah.Code, year, quarter int) (bool, error) {
	query := "SELECT status FROM spm_report WHERE region_code = ? AND year = ? AND quarter = ?"
	if q.Dialect() == db.Postgres {
		query += " FOR SHARE"
	}
	var status ReportStatus
	err := db.Err(q.QueryRow(ctx, query, string(region), year, quarter).Scan(&status))
	if errors.Is(err, db.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return status.closes(), nil
}

// periodClosedErr is the error of a write periodClosed refused: err when
// periodClosed failed, else the refusal.
func periodClosedErr(err error) error {
	if err != nil {
		return err
	}
	return reportRefused(CodePeriodClosed)
}

// ReportHistory lists the steps of a region's report of a quarter, oldest
// first, as u may read the report.
func (s *Store) ReportHistory(ctx context.Context, u access.User, region string, year, quarter int) ([]ReportEvent, error) {
	r, err := s.region(u, region)
	if err != nil {
		return nil, err
	}
	p, err := s.reportPeriod(year, quarter)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT e.id, e.action, e.from_status, e.to_status, e.actor_id, e.actor_name, e.at,
		e.reason, e.snapshot FROM spm_report_event e JOIN spm_report r ON r.id = e.report_id
		WHERE r.region_code = ? AND r.year = ? AND r.quarter = ? ORDER BY e.id`, string(r.Code), p.Year, p.Quarter)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ReportEvent{}
	for rows.Next() {
		var e ReportEvent
		var snap string
		if err := rows.Scan(&e.ID, &e.Action, &e.From, &e.To, &e.ActorID, &e.ActorName, &e.At, &e.Reason, &snap); err != nil {
			return nil, err
		}
		e.At, e.Snapshot = e.At.UTC(), json.RawMessage(snap)
		out = append(out, e)
	}
	return out, rows.Err()
}

// ReportList lists the reports of a period in a region as u may read
// them, regions without a report as empty drafs: for a province, itself
// then its kab/kota; for a kab/kota, itself; for region "" the user's own
// region, or every province and kab/kota for a user who sees the nation.
// It is the reviewer's and the nation's view of who submitted, when, and
// who is late.
func (s *Store) ReportList(ctx context.Context, u access.User, region string, year, quarter int) ([]ReportSummary, error) {
	var regions []wilayah.Region
	var cond string
	var args []any
	national := region == "" && u.Scope().All
	if region == "" && !national {
		if u.Region == "" {
			return nil, apperr.New(apperr.Forbidden, "error.forbidden")
		}
		region = string(u.Region)
	}
	if national {
		if !u.Role.Can(access.ReadSPM) {
			return nil, apperr.New(apperr.Forbidden, "error.forbidden")
		}
		for _, prov := range s.Regions.Children("") {
			regions = append(regions, prov)
			regions = append(regions, s.Regions.Children(prov.Code)...)
		}
		cond = "1=1"
	} else {
		r, err := s.region(u, region)
		if err != nil {
			return nil, err
		}
		regions = []wilayah.Region{r}
		cond, args = "r.region_code = ?", []any{string(r.Code)}
		if r.Code.Level() == wilayah.Province {
			regions = append(regions, s.Regions.Children(r.Code)...)
			cond = "r.province_code = ?"
		}
	}
	p, err := s.reportPeriod(year, quarter)
	if err != nil {
		return nil, err
	}
	clock, err := s.reportClock(ctx, s.DB, p)
	if err != nil {
		return nil, err
	}
	stored, err := loadReports(ctx, s.DB, p, cond, args, false)
	if err != nil {
		return nil, err
	}
	out := make([]ReportSummary, 0, len(regions))
	for _, r := range regions {
		level, _ := LevelOf(r.Code)
		sum := ReportSummary{Region: r.Code, RegionName: r.Name, Level: level, Status: ReportDraft, Deadline: clock.deadline}
		content := emptyContent(level)
		if row := stored[r.Code]; row != nil {
			sum.ID, sum.Status, sum.Version = row.id, row.status, row.version
			sum.SubmittedBy, sum.SubmittedByName, sum.SubmittedAt = row.submittedBy, row.submittedByName, row.submittedAt
			sum.VerifiedAt, sum.LockedAt = row.verifiedAt, row.lockedAt
			content = row.contentOf(level)
		}
		sum.Percent = KeterisianOf(content, level).Percent
		sum.DaysLeft, sum.Late = clock.countdown(sum.Status, sum.SubmittedAt)
		out = append(out, sum)
	}
	return out, nil
}

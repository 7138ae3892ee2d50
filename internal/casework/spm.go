package casework

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/registry"
	"github.com/layan-id/layan/internal/spm"
)

// Where the casework meets the SPM (issue 6, point 2). A cycle of a case
// counts in Y when its assessment was approved concluding that the person
// needs rehabilitasi sosial dasar in an SPM group (spm_penerima, fixed at
// approval), and in X from the day every assessed need was met by the plan
// in force. The case counts for the region that owes its jenis: the
// kab/kota of the person's residence outside a panti, the province inside
// one (ATENSI residensial) — also when a Kemensos sentra served them.

// DisasterLevel is the level of government leading a disaster response,
// for a korban bencana case: the jenis is the province's or the
// kab/kota's (PP 2/2018 Pasal 10).
type DisasterLevel string

const (
	DisasterKabKota  DisasterLevel = "kabkota" // the default: a kab/kota's disaster
	DisasterProvinsi DisasterLevel = "provinsi"
)

// Valid reports whether l is a level, or empty (the default).
func (l DisasterLevel) Valid() bool { return l == "" || l == DisasterKabKota || l == DisasterProvinsi }

// penerimaFor is the SPM group an approved assessment counts the person
// in: none unless it concludes they need rehabilitasi sosial dasar.
func penerimaFor(cluster Cluster, needsRehab bool, categorySPM []string) spm.Penerima {
	if !needsRehab {
		return ""
	}
	p, _ := spm.PenerimaOf(string(cluster), categorySPM)
	return p
}

// spmCase is what the SPM count reads of one case: its region and setting,
// and each cycle counted in an SPM group.
type spmCase struct {
	id, person        int64
	regency, province string
	setting           Setting
	disaster          DisasterLevel
	cycles            []*spmCycle
}

type spmCycle struct {
	cycle      int
	penerima   spm.Penerima
	needs      []Need
	assessedOn string // the day its assessment was approved; empty if never
	closedOn   string // the day the cycle closed; empty while open
	plan       Plan   // the plan in force (newest approved version), no items if none
	planOn     string // the day that version was approved
	services   []Service
}

// dayOf is the day of a timestamp for the SPM periods, in Western
// Indonesia Time (the capital's; domain.md §3 does not say which zone).
func dayOf(t time.Time) string { return t.In(wib).Format(time.DateOnly) }

// episodes derives the case's SPM episodes from its documents.
func (c *spmCase) episodes() []spm.Episode {
	var out []spm.Episode
	for _, cy := range c.cycles {
		if cy.assessedOn == "" {
			continue
		}
		jenis, ok := spm.JenisFor(cy.penerima, c.setting == Residensial, c.disaster == DisasterProvinsi)
		if !ok {
			continue
		}
		svc, _ := spm.ServiceOf(jenis)
		e := spm.Episode{CaseID: c.id, Cycle: cy.cycle, PersonID: c.person, Region: c.regency, Province: c.province,
			Jenis: jenis, AssessedOn: cy.assessedOn}
		if svc.Level == spm.Provinsi {
			e.Region = c.province
		}
		a := Assessment{Cycle: cy.cycle, Needs: cy.needs}
		if met, ok := MetOn(a, cy.plan, cy.services); ok {
			// Met is known no earlier than the assessment and the plan
			// that set what meeting a need takes.
			e.MetOn = max(met, cy.assessedOn, cy.planOn)
		} else {
			e.EndedOn = cy.closedOn
		}
		out = append(out, e)
	}
	return out
}

// MetOn is the day every need of the assessment was met by the plan in
// force (NeedsMet): the day of the service, in the order given, that met
// the last of them. ok is false while one is unmet.
func MetOn(a Assessment, p Plan, svc []Service) (day string, ok bool) {
	planned := map[Need]int{}
	for _, it := range p.Items {
		planned[it.Need] += it.Quantity
	}
	open := 0
	for _, n := range a.Needs {
		if planned[n] <= 0 {
			return "", false
		}
		open++
	}
	if open == 0 {
		return "", false
	}
	ordered := slices.Clone(svc)
	slices.SortStableFunc(ordered, func(x, y Service) int {
		return cmp.Or(cmp.Compare(x.GivenOn, y.GivenOn), cmp.Compare(x.ID, y.ID))
	})
	given := map[Need]int{}
	counted := map[Need]bool{}
	for _, v := range ordered {
		if v.Cycle != a.Cycle {
			continue
		}
		given[v.Need] += v.Quantity
		if !counted[v.Need] && slices.Contains(a.Needs, v.Need) && given[v.Need] >= planned[v.Need] {
			counted[v.Need] = true
			if len(counted) == len(uniqueNeeds(a.Needs)) {
				return v.GivenOn, true
			}
		}
	}
	return "", false
}

func uniqueNeeds(ns []Need) map[Need]bool {
	m := make(map[Need]bool, len(ns))
	for _, n := range ns {
		m[n] = true
	}
	return m
}

// closedStages are the stages a case is closed in (Stage.Open is false).
var closedStages = []any{string(Terminasi), string(BimbinganLanjut), string(Selesai)}

// loadSPM reads what the SPM count needs of the cases with ids lo to hi,
// by id: four range reads, whether for one case (a step) or a batch of a
// full recompute, so that both derive the episodes alike.
func loadSPM(ctx context.Context, q db.Q, lo, hi int64) ([]*spmCase, error) {
	cond, ids := spm.IDRange("c.id", lo, hi)
	rows, err := q.Query(ctx, `SELECT c.id, c.person_id, c.regency_code, c.province_code, c.setting, c.disaster_level,
		a.cycle, a.needs, a.spm_penerima
		FROM case_file c JOIN case_assessment a ON a.case_id = c.id
		WHERE `+cond+` AND a.spm_penerima <> '' ORDER BY c.id, a.cycle`, ids...)
	if err != nil {
		return nil, err
	}
	var out []*spmCase
	byID := map[int64]*spmCase{}
	type ck struct {
		id    int64
		cycle int
	}
	cycles := map[ck]*spmCycle{}
	for rows.Next() {
		var c spmCase
		var cy spmCycle
		var needs string
		if err := rows.Scan(&c.id, &c.person, &c.regency, &c.province, &c.setting, &c.disaster, &cy.cycle, &needs,
			&cy.penerima); err != nil {
			rows.Close()
			return nil, err
		}
		cy.needs = split[Need](needs)
		cur := byID[c.id]
		if cur == nil {
			cur = &c
			byID[c.id] = cur
			out = append(out, cur)
		}
		cur.cycles = append(cur.cycles, &cy)
		cycles[ck{c.id, cy.cycle}] = &cy
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}

	// The approval of each cycle's assessment, and the step that closed it.
	cond, ids = spm.IDRange("case_id", lo, hi)
	args := append(append(ids, string(ApproveAssessment)), closedStages...)
	args = append(args, closedStages...)
	rows, err = q.Query(ctx, `SELECT case_id, cycle, action, at FROM case_event WHERE `+cond+`
		AND (action = ? OR (stage_after IN (?, ?, ?) AND stage_before NOT IN (?, ?, ?))) ORDER BY case_id, id`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var cycle int
		var action string
		var at time.Time
		if err := rows.Scan(&id, &cycle, &action, &at); err != nil {
			rows.Close()
			return nil, err
		}
		cy := cycles[ck{id, cycle}]
		if cy == nil {
			continue
		}
		if Action(action) == ApproveAssessment {
			cy.assessedOn = dayOf(at)
		} else {
			cy.closedOn = dayOf(at)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	// The plan in force of each cycle: its newest approved version.
	cond, ids = spm.IDRange("p.case_id", lo, hi)
	rows, err = q.Query(ctx, `SELECT p.case_id, p.cycle, p.number, p.approved_at, i.need, i.quantity
		FROM case_plan p JOIN case_plan_item i ON i.plan_id = p.id
		WHERE `+cond+` AND p.approved_at IS NOT NULL ORDER BY p.case_id, p.cycle, p.number, i.line`, ids...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var cycle, number int
		var at time.Time
		var it PlanItem
		if err := rows.Scan(&id, &cycle, &number, &at, &it.Need, &it.Quantity); err != nil {
			rows.Close()
			return nil, err
		}
		cy := cycles[ck{id, cycle}]
		if cy == nil {
			continue
		}
		if number != cy.plan.Number {
			cy.plan = Plan{Number: number}
			cy.planOn = dayOf(at)
		}
		cy.plan.Items = append(cy.plan.Items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	cond, ids = spm.IDRange("case_id", lo, hi)
	rows, err = q.Query(ctx, `SELECT id, case_id, cycle, given_on, need, quantity FROM case_service
		WHERE `+cond+` ORDER BY case_id, cycle, given_on, id`, ids...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var v Service
		if err := rows.Scan(&v.ID, &v.CaseID, &v.Cycle, &v.GivenOn, &v.Need, &v.Quantity); err != nil {
			return nil, err
		}
		if cy := cycles[ck{v.CaseID, v.Cycle}]; cy != nil {
			cy.services = append(cy.services, v)
		}
	}
	return out, rows.Err()
}

// changesSPM are the steps after which a case's episodes can differ: the
// approval of an assessment (Y, with the group fixed then), of a plan (what
// meeting a need takes), a service delivered (X), and the terminasi that
// closes a cycle unmet. The others (saves, submissions, returns, notes,
// referrals, visits, a reopening, which starts a cycle not yet counted)
// write nothing the episodes read; TestSPMIncrementalEqualsFull holds the
// list to the full recompute.
var changesSPM = map[Action]bool{ApproveAssessment: true, ApprovePlan: true, RecordService: true,
	RecordEmergency: true, ApproveTermination: true}

// syncSPM brings the SPM episodes and tallies of one case up to date with
// its documents, inside the transaction of the step that changed them.
func syncSPM(ctx context.Context, q db.Q, id int64) error {
	eps, err := deriveEpisodes(ctx, q, id, id)
	if err != nil {
		return err
	}
	return spm.SyncCase(ctx, q, id, eps)
}

func deriveEpisodes(ctx context.Context, q db.Q, lo, hi int64) ([]spm.Episode, error) {
	cs, err := loadSPM(ctx, q, lo, hi)
	if err != nil {
		return nil, err
	}
	var eps []spm.Episode
	for _, c := range cs {
		eps = append(eps, c.episodes()...)
	}
	return eps, nil
}

// CaseIDRange and DeriveEpisodes make the store the spm.Deriver that
// `layan spm verify` recomputes the figures with, from scratch, by the
// same derivation every step of a case runs for its own case.
func (s *Store) CaseIDRange(ctx context.Context, q db.Q) (lo, hi int64, err error) {
	err = q.QueryRow(ctx, "SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM case_file").Scan(&lo, &hi)
	return lo, hi, err
}

func (s *Store) DeriveEpisodes(ctx context.Context, q db.Q, lo, hi int64) ([]spm.Episode, error) {
	return deriveEpisodes(ctx, q, lo, hi)
}

// categorySPM lists the SPM groups of a person's PPKS categories.
func categorySPM(ctx context.Context, q db.Q, personID int64) ([]string, error) {
	rows, err := q.Query(ctx, "SELECT category FROM person_category WHERE person_id = ?", personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		if info, ok := registry.CategoryCode(c).Info(); ok && info.SPM != "" {
			out = append(out, string(info.SPM))
		}
	}
	return out, rows.Err()
}

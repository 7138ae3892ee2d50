package web

import (
	"net/http"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/unit"
	"github.com/layan-id/layan/internal/wilayah"
)

type homePage struct {
	Base
	ScopeText    string
	ScopeRegion  *wilayah.Region
	RegionCounts []levelCount
	Units        int
	Users        int
	AuditRecords int
	Recent       []audit.Item
	// People is the count of active people: in reach for workers and
	// supervisors, in the scope's region for everyone else (a count only).
	People     int
	PeopleMore bool
	// The complaints waiting for the user, for those who handle them; the
	// home page lists them only when there are some.
	waitingComplaints
}

// home shows real counts for the user's scope: the regions it spans, the
// units in it and, for admins, its accounts and latest changes.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := state(r).user
	sc := u.Scope()
	p := &homePage{Base: Base{Title: "home.title"}}
	region := sc.Region
	if region == "" && !sc.All {
		region = sc.UnitRegion
	}
	if region != "" {
		if reg, ok := s.regions.Get(region); ok {
			p.ScopeRegion = &reg
		}
	}
	p.RegionCounts = s.levelCountsWithin(region)
	var err error
	if p.Units, err = unit.Count(ctx, s.db, sc); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.People, p.PeopleMore, err = s.peopleCount(ctx, u, region, sc.All); err != nil {
		s.fail(w, r, err)
		return
	}
	if u.Role.Can(access.ManageUsers) {
		if p.Users, err = access.CountUsers(ctx, s.db, sc); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if u.Role.Can(access.ReadAudit) {
		within := auditWithin(sc)
		if p.AuditRecords, err = audit.Count(ctx, s.db, sc.All, within); err != nil {
			s.fail(w, r, err)
			return
		}
		if p.Recent, err = audit.List(ctx, s.db, audit.Filter{All: sc.All, Within: within, Limit: 5}); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if u.Role.Can(access.HandleComplaints) {
		if p.Complaints, err = s.complaints.Waiting(ctx, *u); err != nil {
			s.fail(w, r, err)
			return
		}
		p.waitingComplaints.now = time.Now()
	}
	s.render(w, r, http.StatusOK, "home", p)
}

// auditWithin is the region subtree of the audit log a scope may read
// (ignored when the scope is All).
func auditWithin(sc access.Scope) wilayah.Code {
	if sc.Region != "" {
		return sc.Region
	}
	return sc.UnitRegion
}

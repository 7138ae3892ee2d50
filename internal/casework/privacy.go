package casework

import (
	"slices"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
)

// Specific personal data (UU 27/2022 Pasal 4: health data,
// children's data, …) is read only by those who need it for the case
// (issue 5, point 10). A supervisor of the unit opens every case of the
// unit to supervise it, but reads its specific data only while on the
// case's team, or while a document of the case waits for their review:
// they must read what they approve.
//
// What is withheld from the others:
//   - on every case, the assessment's health finding (DomainFisik): health
//     data is specific whatever the cluster;
//   - on a case of a Specific cluster (children, disability, NAPZA), all
//     its free text and its attachments.
//
// Stages, reviews, dates, needs and components, the conclusion needs_rehab,
// the risk level, plans, services (without notes), referral statuses and the
// team stay visible: supervision and the SPM figures need them.

// SeesSpecific reports whether u reads the specific personal data of c: a
// member of the case's team (worker or supervisor) always; a supervisor of
// the case's unit off the team only while an assessment, a plan or a
// request for terminasi of the case waits for review; nobody else.
func SeesSpecific(u access.User, c Case) bool {
	if u.Role != access.Worker && u.Role != access.Supervisor {
		return false
	}
	if slices.Contains(c.Team, u.ID) {
		return true
	}
	return u.Role == access.Supervisor && u.UnitID == c.UnitID && awaitsReview(c.State)
}

// awaitsReview reports whether a document of the case waits for a
// supervisor's approval.
func awaitsReview(s State) bool {
	return s.Assessment == Submitted || s.Plan == Submitted || s.Termination == Submitted
}

// withholdFrom removes from d what u may not read of it.
func (d *Detail) withholdFrom(u access.User) {
	if !SeesSpecific(u, d.Case) {
		d.withholdSpecific()
	}
}

// withholdSpecific removes from d what a reader who does not see the
// case's specific data may not read, and marks d as withheld.
func (d *Detail) withholdSpecific() {
	d.SpecificWithheld = true
	all := d.Cluster.Specific()
	if a := d.Assessment; a != nil {
		kept := map[Domain]string{}
		for dom, text := range a.Domains {
			if dom != DomainFisik && !all {
				kept[dom] = text
			}
		}
		a.Domains = kept
		if all {
			a.ConferenceWith, a.ConferenceNotes, a.Conclusion = "", "", ""
		}
	}
	if !all {
		return
	}
	for i := range d.Timeline {
		d.Timeline[i].Note = ""
	}
	for i := range d.Services {
		d.Services[i].Note = ""
	}
	for i := range d.FollowUps {
		d.FollowUps[i].Note = ""
	}
	for i := range d.Referrals {
		withholdReferral(&d.Referrals[i])
	}
	d.Attachments = []Attachment{}
}

// withholdReferral removes a referral's free text.
func withholdReferral(r *Referral) {
	r.Purpose, r.AnswerNote, r.Outcome = "", "", ""
}

// withholdNotes removes the timeline notes from a conflict's changes.
func (c *Conflict) withholdNotes() {
	for i := range c.Changes {
		c.Changes[i].Note = ""
	}
}

// hidesText reports whether u may not read the free text of c: the notes,
// findings and attachments of a case of a Specific cluster.
func hidesText(u access.User, c Case) bool {
	return c.Cluster.Specific() && !SeesSpecific(u, c)
}

// errSpecificWithheld refuses a write that would overwrite what the writer
// cannot read (an assessment whose findings are withheld from them): a
// form sent back with the withheld fields blank would erase them. It is a
// refusal with code team_required, named by its own sentence.
func errSpecificWithheld() error {
	e := apperr.New(apperr.Forbidden, "case.refused.specific_withheld")
	e.Code = CodeTeamRequired
	return e
}

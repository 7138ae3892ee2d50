package web

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/casework"
	"github.com/layan-id/layan/internal/quality/complaint"
	"github.com/layan-id/layan/internal/quality/sarpras"
)

// The rest of the case management API (issue 5, point 11): referrals and
// their answers, the links of outside agencies, follow-up visits and
// attachments. As in cases.go the case store decides who may do what and
// when; these handlers decode, call it as the signed-in account (or, for a
// referral link, as nobody) and encode.

// referralCreated is the answer of POST /api/v1/cases/{id}/referrals: the
// referral and, for an outside agency, the whole address of its link, so
// that clients need not know where layan serves the link's page. Both are
// in this answer only: the database keeps a hash of the token.
type referralCreated struct {
	casework.Referral
	LinkURL string `json:"link_url,omitempty"`
}

func (s *Server) apiCaseRefer(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in casework.ReferralInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ref, err := s.cases.Refer(r.Context(), actor(r), caseUser(r), id, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := referralCreated{Referral: ref}
	if ref.Link != "" {
		out.LinkURL = linkURL(r, ref.Link)
		// The answer holds a key to a person's data: no cache keeps it.
		w.Header().Set("Cache-Control", "no-store")
	}
	writeJSON(w, http.StatusCreated, out)
}

// referralLists are the referrals a unit deals with: those sent to it and
// still open, and, for a supervisor, those of the unit's cases that passed
// their due date unanswered.
type referralLists struct {
	Incoming  []casework.Referral `json:"incoming"`
	Escalated []casework.Referral `json:"escalated"`
}

func (s *Server) referralLists(r *http.Request) (referralLists, error) {
	var out referralLists
	var err error
	out.Incoming, out.Escalated, err = s.cases.UnitReferrals(r.Context(), caseUser(r))
	return out, err
}

func (s *Server) apiReferrals(w http.ResponseWriter, r *http.Request) {
	l, err := s.referralLists(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, l)
}

// referralAnswerBody is the body of POST /api/v1/referrals/{id}/answer.
// Accept is a pointer so that a missing answer is refused, never read as
// a decline.
type referralAnswerBody struct {
	Accept  *bool  `json:"accept"`
	Version int    `json:"version"`
	Note    string `json:"note"`
}

// referralOutcomeBody is the body of POST /api/v1/referrals/{id}/outcome.
type referralOutcomeBody struct {
	Version int    `json:"version"`
	Outcome string `json:"outcome"`
}

// checkVersion refuses a version the client cannot have read, as
// apiCaseAct does.
func checkVersion(f *apperr.Fields, v int) {
	switch {
	case v == 0:
		f.Add("version", "field.required")
	case v < 0:
		f.Add("version", "field.number")
	}
}

// versionedWrite reads the path's id and a JSON body that carries the
// version it edits (*version, a field of body), checking the body with
// check too when given; a fault is answered and ok is false.
func (s *Server) versionedWrite(w http.ResponseWriter, r *http.Request, body any, version *int, check func(*apperr.Fields)) (int64, bool) {
	id, err := pathID(r)
	if err == nil {
		err = decodeJSON(r, body)
	}
	if err == nil {
		var f apperr.Fields
		if check != nil {
			check(&f)
		}
		checkVersion(&f, *version)
		err = f.Err()
	}
	if err != nil {
		s.fail(w, r, err)
		return 0, false
	}
	return id, true
}

func (s *Server) apiReferralAnswer(w http.ResponseWriter, r *http.Request) {
	var body referralAnswerBody
	id, ok := s.versionedWrite(w, r, &body, &body.Version, func(f *apperr.Fields) {
		if body.Accept == nil {
			f.Add("accept", "field.required")
		}
	})
	if !ok {
		return
	}
	ref, err := s.cases.AnswerReferral(r.Context(), actor(r), caseUser(r), id, body.Version, *body.Accept, body.Note)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ref)
}

func (s *Server) apiReferralOutcome(w http.ResponseWriter, r *http.Request) {
	var body referralOutcomeBody
	id, ok := s.versionedWrite(w, r, &body, &body.Version, nil)
	if !ok {
		return
	}
	ref, err := s.cases.RecordReferralOutcome(r.Context(), actor(r), caseUser(r), id, body.Version, body.Outcome)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ref)
}

// The link of an outside agency (public: the agency has no account). The
// token is the only key, so it is kept out of caches, out of the Referer
// of anything the answer leads to, and out of the access log.

func linkAPIHeaders(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	state(r).hidePath = true
}

func (s *Server) apiReferralLink(w http.ResponseWriter, r *http.Request) {
	linkAPIHeaders(w, r)
	v, err := s.cases.ReferralByLink(r.Context(), r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) apiReferralLinkOutcome(w http.ResponseWriter, r *http.Request) {
	linkAPIHeaders(w, r)
	var in casework.LinkOutcomeInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.cases.RecordLinkOutcome(r.Context(), r.PathValue("token"), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// pathIDOf parses a second id of a route ({fid}, {aid}); a malformed one
// is simply not found, as in pathID.
func pathIDOf(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}

func (s *Server) apiCaseFollowUp(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fid, err := pathIDOf(r, "fid")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in casework.FollowUpInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := s.cases.RecordFollowUp(r.Context(), actor(r), caseUser(r), id, fid, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, f)
}

// Attachments.

// attachmentParts are the parts an upload may hold, each at most once.
var attachmentParts = []string{"file", "note"}

// readAttachmentForm parses a multipart upload: the body bounded to the
// store's largest file plus 1 MiB for the rest of the form, the file parts
// beyond attachmentForm bytes in a temporary file until the store reads
// them. The caller removes the form.
func (s *Server) readAttachmentForm(w http.ResponseWriter, r *http.Request) (*multipart.Form, error) {
	r.Body = http.MaxBytesReader(w, r.Body, s.maxAttachment()+1<<20)
	err := r.ParseMultipartForm(attachmentForm)
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return nil, apperr.New(apperr.TooLarge, "attachment.too_large", s.maxAttachment()>>20)
	case errors.Is(err, http.ErrNotMultipart), errors.Is(err, http.ErrMissingBoundary):
		return nil, apperr.New(apperr.BadRequest, "caseapi2.multipart")
	case err != nil:
		return nil, apperr.Wrap(apperr.BadRequest, "error.bad_body", err)
	}
	form := r.MultipartForm
	// Like DecodeJSON, refuse what would otherwise be dropped unseen.
	for _, m := range []map[string]int{partCounts(form.Value), partCounts(form.File)} {
		for name, n := range m {
			switch {
			case !validText(name):
				form.RemoveAll()
				return nil, apperr.New(apperr.BadRequest, "error.utf8")
			case !slices.Contains(attachmentParts, name):
				form.RemoveAll()
				return nil, apperr.BadParam(name, "caseapi2.part_unknown")
			case n > 1 || (form.Value[name] != nil && form.File[name] != nil):
				form.RemoveAll()
				return nil, apperr.BadParam(name, "caseapi2.part_repeated")
			}
		}
	}
	if form.File["note"] != nil {
		form.RemoveAll()
		return nil, apperr.BadParam("note", "caseapi2.part_text")
	}
	if note := form.Value["note"]; len(note) == 1 && !validText(note[0]) {
		form.RemoveAll()
		return nil, apperr.BadParam("note", "field.utf8")
	}
	return form, nil
}

func partCounts[T any](m map[string][]T) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = len(v)
	}
	return out
}

func (s *Server) apiCaseAttach(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	form, err := s.readAttachmentForm(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer form.RemoveAll()
	var note string
	if v := form.Value["note"]; len(v) == 1 {
		note = v[0]
	}
	files := form.File["file"]
	if len(files) == 0 {
		var f apperr.Fields
		f.Add("file", "field.required")
		s.fail(w, r, f.Err())
		return
	}
	file, err := files[0].Open()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer file.Close()
	// The store decides the type from the content; the part's own
	// Content-Type is whatever the client said.
	a, err := s.cases.Attach(r.Context(), actor(r), caseUser(r), id, files[0].Filename, note, file)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", casePathOf(id)+"/attachments/"+strconv.FormatInt(a.ID, 10))
	writeJSON(w, http.StatusCreated, a)
}

func casePathOf(id int64) string { return "/api/v1/cases/" + strconv.FormatInt(id, 10) }

// apiCaseAttachment sends an attachment's bytes as a download. Its type
// was checked from its content when it was kept; the client is told not
// to guess another, and no cache keeps specific personal data.
func (s *Server) apiCaseAttachment(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	aid, err := pathIDOf(r, "aid")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, file, err := s.cases.OpenAttachment(r.Context(), actor(r), caseUser(r), id, aid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer file.Close()
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("Content-Length", strconv.FormatInt(a.Size, 10))
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+rfc5987(a.Name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		if _, err := io.Copy(w, file); err != nil {
			// The status is sent; all that is left is to say why the
			// download broke off.
			s.log.Warn("attachment download", "request_id", state(r).id, "attachment", a.ID, "err", err)
		}
	}
}

// rfc5987 encodes a file name for the filename* parameter of
// Content-Disposition with the UTF-8 charset (RFC 5987, RFC 6266): every
// byte outside attr-char percent-encoded.
func rfc5987(name string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// workList is the answer of GET /api/v1/work: "Pekerjaan saya".
type workList struct {
	Tasks []casework.Task `json:"tasks"`
	// FollowUps are the bimbingan lanjut visits due by today (WIB) and not
	// yet recorded; Referrals those the unit is to answer or chase.
	FollowUps []casework.DueFollowUp `json:"follow_ups"`
	Referrals referralLists          `json:"referrals"`
	// More says which of a supervisor's unit-wide lists hold only their
	// oldest items: the submissions waiting for approval (all of them are
	// in GET /api/v1/cases?waiting=true) and the visits due.
	More workMore `json:"more"`
	// Complaints wait for the caller (complaint.Store.Waiting);
	// FacilityTasks are the open remediation tasks they own or, for a
	// supervisor, their unit's.
	Complaints    []complaint.Complaint `json:"complaints"`
	FacilityTasks []sarpras.Task        `json:"facility_tasks"`
}

type workMore struct {
	Approvals bool `json:"approvals"`
	FollowUps bool `json:"follow_ups"`
}

func (s *Server) apiWork(w http.ResponseWriter, r *http.Request) {
	work, err := s.cases.Work(r.Context(), caseUser(r), s.caseNow())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	refs, err := s.referralLists(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	complaints, tasks, err := s.qualityWork(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, workList{Tasks: work.Tasks, FollowUps: work.FollowUps, Referrals: refs,
		More: workMore{Approvals: work.MoreApprovals, FollowUps: work.MoreFollowUps}, Complaints: complaints, FacilityTasks: tasks})
}

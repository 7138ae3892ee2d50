package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/layan-id/layan/api"
	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/casework"
	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/i18n"
	"github.com/layan-id/layan/internal/registry"
	"github.com/layan-id/layan/internal/unit"
	"github.com/layan-id/layan/internal/web"
	"github.com/layan-id/layan/internal/wilayah"
)

// The rest of the case API, end to end on both engines: referrals to
// another unit and to an outside agency through its link, follow-up
// visits, attachments, and the work view that gathers them. Every call is
// checked against api/openapi.yaml by h.api.

// tinyPNG is a whole 1×1 PNG image.
var tinyPNG = []byte{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A,
	0x00, 0x00, 0x00, 0x0D, 'I', 'H', 'D', 'R', 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89,
	0x00, 0x00, 0x00, 0x0D, 'I', 'D', 'A', 'T', 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4,
	0x00, 0x00, 0x00, 0x00, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82}

// multipartBody is a multipart/form-data request body for h.api.
type multipartBody struct {
	contentType string
	data        []byte
}

// part is one part of a multipart body: a file when filename is set.
type part struct {
	name, filename string
	data           []byte
}

func newMultipartParts(t *testing.T, parts ...part) multipartBody {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, p := range parts {
		var w interface{ Write([]byte) (int, error) }
		var err error
		if p.filename != "" {
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, p.name, p.filename))
			h.Set("Content-Type", "application/octet-stream")
			w, err = mw.CreatePart(h)
		} else {
			w, err = mw.CreateFormField(p.name)
		}
		if err != nil {
			t.Fatal(err)
		}
		w.Write(p.data)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return multipartBody{contentType: mw.FormDataContentType(), data: b.Bytes()}
}

// newMultipart is an upload of one file with an optional note.
func newMultipart(t *testing.T, filename string, data []byte, note string) multipartBody {
	parts := []part{{name: "file", filename: filename, data: data}}
	if note != "" {
		parts = append([]part{{name: "note", data: []byte(note)}}, parts...)
	}
	return newMultipartParts(t, parts...)
}

// refer sends a referral from a case as role, expecting it.
func refer(t *testing.T, h *harness, role access.Role, caseID int64, body map[string]any) (casework.Referral, string) {
	t.Helper()
	r := h.api(t, role, "POST", casePath(caseID, "/referrals"), body)
	if r.Status != http.StatusCreated {
		t.Fatalf("refer: status %d\n%s", r.Status, r.Body)
	}
	var out struct {
		casework.Referral
		LinkURL string `json:"link_url"`
	}
	r.decode(t, &out)
	return out.Referral, out.LinkURL
}

// A case referred to a puskesmas: the answer carries the link once, whose
// address works on the public API without an account and shows the person
// without their NIK; a tampered or expired link answers 404 with the
// sentence that says which; the agency's answers reach the timeline.
func TestReferralLinkAPI(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		w := newCaseWorld(t, h)
		siti := createPerson(t, h, access.Worker, validPerson(nil)).Person
		r := h.api(t, access.Worker, "POST", "/api/v1/cases", openCaseBody(siti.ID))
		var c casework.Case
		r.decode(t, &c)

		ref, linkURL := refer(t, h, access.Worker, c.ID, map[string]any{"agency_kind": "puskesmas",
			"agency_name": "Puskesmas Sidorejo Lor", "need": "perbekalan_kesehatan", "purpose": "Kontrol hipertensi rutin.",
			"due_in_days": 14})
		if ref.Link == "" || ref.ToUnit != 0 || ref.Status != casework.RujukanDikirim || ref.LinkExpires == nil {
			t.Fatalf("referral %+v", ref)
		}
		if want := h.http.URL + "/rujukan/" + ref.Link; linkURL != want {
			t.Errorf("link_url %q, want %q", linkURL, want)
		}
		// The token is shown once: the case's own list does not hold it.
		d := w.detail(t, access.Worker, c.ID)
		if len(d.Referrals) != 1 || d.Referrals[0].Link != "" || d.Referrals[0].ID != ref.ID {
			t.Errorf("case referrals %+v", d.Referrals)
		}

		// The link's address alone opens the referral.
		token := linkURL[strings.LastIndex(linkURL, "/")+1:]
		linkPath := "/api/v1/referral-links/" + token
		r = h.api(t, "", "GET", linkPath, nil)
		checkLinkHeaders(t, r)
		var v casework.LinkView
		r.decode(t, &v)
		if r.Status != http.StatusOK || v.ReferralID != ref.ID || v.PersonName != siti.Name || v.PersonSex != "P" ||
			v.PersonAge == nil || v.FromUnit != "Dinas Sosial Kota Salatiga" || v.Status != casework.RujukanDikirim ||
			v.Need != "perbekalan_kesehatan" {
			t.Fatalf("link view: %d %+v", r.Status, v)
		}
		for _, secret := range []string{nikSiti, "Kecandran", "0812", `"nik"`, `"address"`} {
			if bytes.Contains(r.Body, []byte(secret)) {
				t.Errorf("the link's view shows %q:\n%s", secret, r.Body)
			}
		}

		// Tampered and malformed tokens are unknown; the same sentence
		// in both, and nothing cached.
		last := token[len(token)-1]
		tampered := token[:len(token)-1] + map[bool]string{true: "B", false: "A"}[last == 'A']
		for _, bad := range []string{tampered, "abc", strings.Repeat("A", 43), token + "A"} {
			for _, method := range []string{"GET", "POST"} {
				var body any
				if method == "POST" {
					body = map[string]any{"receiver_name": "Bidan Sri", "status": "diterima"}
				}
				r := h.api(t, "", method, "/api/v1/referral-links/"+bad, body)
				p := expectProblem(t, r, http.StatusNotFound, "")
				if want := h.cat.T(i18n.ID, "referral.link_invalid"); p.Detail != want {
					t.Errorf("%s %s: detail %q, want %q", method, bad, p.Detail, want)
				}
				checkLinkHeaders(t, r)
			}
		}

		// The agency answers: accepted, then served.
		r = h.api(t, "", "POST", linkPath, map[string]any{"receiver_name": "", "status": "dibaca"})
		p := expectProblem(t, r, http.StatusUnprocessableEntity, "receiver_name")
		if !slices.ContainsFunc(p.Errors, func(f web.ProblemField) bool { return f.Field == "status" }) {
			t.Errorf("unknown status not named: %+v", p.Errors)
		}
		r = h.api(t, "", "POST", linkPath, map[string]any{"receiver_name": "Bidan Sri Lestari", "status": "diterima",
			"note": "Dijadwalkan Senin."})
		checkLinkHeaders(t, r)
		r.decode(t, &v)
		if r.Status != http.StatusOK || v.Status != casework.RujukanDiterima || v.AnsweredBy != "Bidan Sri Lestari" {
			t.Fatalf("accepted: %d %+v", r.Status, v)
		}
		expectProblem(t, h.api(t, "", "POST", linkPath, map[string]any{"receiver_name": "Bidan Sri Lestari", "status": "selesai"}),
			http.StatusUnprocessableEntity, "note")
		r = h.api(t, "", "POST", linkPath, map[string]any{"receiver_name": "Bidan Sri Lestari", "status": "selesai",
			"note": "Tekanan darah terkontrol."})
		r.decode(t, &v)
		if r.Status != http.StatusOK || v.Status != casework.RujukanSelesai || v.Outcome != "Tekanan darah terkontrol." || v.ClosedAt == nil {
			t.Fatalf("served: %d %+v", r.Status, v)
		}
		expectProblem(t, h.api(t, "", "POST", linkPath, map[string]any{"receiver_name": "Orang Lain", "status": "ditolak",
			"note": "x"}), http.StatusConflict, "")
		// The closed referral is still shown through its link.
		if r := h.api(t, "", "GET", linkPath, nil); r.Status != http.StatusOK {
			t.Errorf("closed link: %d", r.Status)
		}
		var actions []string
		for _, e := range w.detail(t, access.Worker, c.ID).Timeline {
			if strings.HasPrefix(e.Action, "referral_") {
				actions = append(actions, e.Action+" "+e.ActorName)
			}
		}
		if want := []string{"referral_accepted Bidan Sri Lestari", "referral_completed Bidan Sri Lestari"}; !slices.Equal(actions, want) {
			t.Errorf("timeline %v, want %v", actions, want)
		}

		// An expired link says so, and takes no answer.
		ref2, link2 := refer(t, h, access.Worker, c.ID, map[string]any{"agency_kind": "dukcapil",
			"agency_name": "Disdukcapil Kota Salatiga", "purpose": "Perekaman KTP-el."})
		if _, err := h.db.Exec(context.Background(), "UPDATE case_referral SET link_expires = ? WHERE id = ?",
			time.Now().UTC().Add(-time.Minute), ref2.ID); err != nil {
			t.Fatal(err)
		}
		expired := "/api/v1/referral-links/" + link2[strings.LastIndex(link2, "/")+1:]
		for _, method := range []string{"GET", "POST"} {
			var body any
			if method == "POST" {
				body = map[string]any{"receiver_name": "Petugas", "status": "diterima"}
			}
			r := h.api(t, "", method, expired, body)
			p := expectProblem(t, r, http.StatusNotFound, "")
			if want := h.cat.T(i18n.ID, "referral.link_expired"); p.Detail != want {
				t.Errorf("%s expired: detail %q, want %q", method, p.Detail, want)
			}
			checkLinkHeaders(t, r)
		}
		// In English, when asked.
		r = apiLang(t, h, "", "en", "GET", expired, nil)
		if p := expectProblem(t, r, http.StatusNotFound, ""); p.Detail != h.cat.T(i18n.EN, "referral.link_expired") {
			t.Errorf("English detail %q", p.Detail)
		}

		// A referral to a unit has no link.
		ref3, url3 := refer(t, h, access.Worker, c.ID, map[string]any{"to_unit": unitID(t, h, "Dinas Sosial Kota Makassar"),
			"purpose": "Keluarga pindah ke Makassar."})
		if ref3.Link != "" || url3 != "" || ref3.ToUnitName != "Dinas Sosial Kota Makassar" {
			t.Errorf("unit referral %+v, %q", ref3, url3)
		}
		// The sender's mistakes are named.
		for _, tt := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"purpose": "x"}, "to_unit"},
			{map[string]any{"agency_kind": "bank", "agency_name": "Bank", "purpose": "x"}, "agency_kind"},
			{map[string]any{"agency_kind": "sekolah", "purpose": "x"}, "agency_name"},
			{map[string]any{"to_unit": w.worker.UnitID, "purpose": "x"}, "to_unit"},
			{map[string]any{"agency_kind": "sekolah", "agency_name": "SD 1", "purpose": "x", "transfer": true}, "transfer"},
			{map[string]any{"agency_kind": "sekolah", "agency_name": "SD 1", "purpose": "x", "due_in_days": 61}, "due_in_days"},
		} {
			expectProblem(t, h.api(t, access.Worker, "POST", casePath(c.ID, "/referrals"), tt.body), http.StatusUnprocessableEntity, tt.field)
		}
		expectProblem(t, h.api(t, access.Worker, "POST", casePath(c.ID, "/referrals"), `{"to_unit": "Makassar"}`),
			http.StatusBadRequest, "to_unit")
	})
}

// checkLinkHeaders checks that a link's answer stays out of caches and
// out of the Referer of what it leads to.
func checkLinkHeaders(t *testing.T, r apiResponse) {
	t.Helper()
	if cc, rp := r.Header.Get("Cache-Control"), r.Header.Get("Referrer-Policy"); cc != "no-store" || rp != "no-referrer" {
		t.Errorf("link answer %d: Cache-Control %q, Referrer-Policy %q", r.Status, cc, rp)
	}
}

// The access log names a link's route, never its token: the token is the
// key to a person's data.
func TestReferralLinkNotLogged(t *testing.T) {
	h := newHarness(t, dbtest.SQLite)
	w := newCaseWorld(t, h)
	c := w.open(t)
	ref, _ := refer(t, h, access.Worker, c.ID, map[string]any{"agency_kind": "sekolah", "agency_name": "SD Negeri 1",
		"purpose": "Pendampingan belajar."})
	var logs bytes.Buffer
	srv, err := web.New(web.Config{Version: "test", AttachmentDir: t.TempDir()}, h.db, h.regions, h.cat,
		slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	for _, token := range []string{ref.Link, "tidak-dikenal"} {
		resp, err := http.Get(ts.URL + "/api/v1/referral-links/" + token)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if strings.Contains(logs.String(), token) {
			t.Errorf("the access log shows the token:\n%s", logs.String())
		}
	}
	if !strings.Contains(logs.String(), "/api/v1/referral-links/{token}") {
		t.Errorf("the access log lacks the route:\n%s", logs.String())
	}
}

// A referral to another unit is answered by that unit's worker from their
// own account: listed as incoming there, accepted, its outcome recorded;
// nobody else finds it. Past its due date unanswered, it is the sending
// unit's supervisor's to chase.
func TestReferralAnswerAPI(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		w := newCaseWorld(t, h)
		c := w.open(t)
		addMakassarWorker(t, h)
		makassar := unitID(t, h, "Dinas Sosial Kota Makassar")
		ref, _ := refer(t, h, access.Worker, c.ID, map[string]any{"to_unit": makassar, "purpose": "Pendampingan di Makassar.",
			"need": "permakanan"})
		if ref.ToUnit != makassar || ref.Status != casework.RujukanDikirim || ref.Version != 1 || ref.FromUnitName != "Dinas Sosial Kota Salatiga" {
			t.Fatalf("referral %+v", ref)
		}
		lists := func(role access.Role) (l struct{ Incoming, Escalated []casework.Referral }) {
			t.Helper()
			r := h.api(t, role, "GET", "/api/v1/referrals", nil)
			if r.Status != http.StatusOK {
				t.Fatalf("referrals as %s: %d %s", role, r.Status, r.Body)
			}
			r.decode(t, &l)
			if l.Incoming == nil || l.Escalated == nil {
				t.Errorf("referrals as %s: a list is null: %s", role, r.Body)
			}
			return l
		}
		has := func(rs []casework.Referral, id int64) bool {
			return slices.ContainsFunc(rs, func(r casework.Referral) bool { return r.ID == id })
		}
		if l := lists(makassarWorker); !has(l.Incoming, ref.ID) || len(l.Escalated) != 0 {
			t.Errorf("Makassar's lists %+v", l)
		}
		if l := lists(access.Worker); has(l.Incoming, ref.ID) {
			t.Error("the sender lists the referral as incoming")
		}
		var work struct {
			Referrals struct{ Incoming, Escalated []casework.Referral } `json:"referrals"`
		}
		h.api(t, makassarWorker, "GET", "/api/v1/work", nil).decode(t, &work)
		if !has(work.Referrals.Incoming, ref.ID) {
			t.Errorf("Makassar's work lacks the referral: %+v", work.Referrals)
		}

		answer := "/api/v1/referrals/" + strconv.FormatInt(ref.ID, 10)
		// The sending unit does not answer for the receiver; other roles
		// are refused.
		expectProblem(t, h.api(t, access.Worker, "POST", answer+"/answer", map[string]any{"accept": true, "version": 1}), http.StatusNotFound, "")
		expectProblem(t, h.api(t, access.Supervisor, "POST", answer+"/answer", map[string]any{"accept": true, "version": 1}), http.StatusNotFound, "")
		expectProblem(t, h.api(t, access.Planner, "POST", answer+"/answer", map[string]any{"accept": true, "version": 1}), http.StatusForbidden, "")
		expectProblem(t, h.api(t, access.Planner, "GET", "/api/v1/referrals", nil), http.StatusForbidden, "")
		// Bad answers are named.
		for _, tt := range []struct {
			body   any
			status int
			field  string
		}{
			{map[string]any{"version": 1}, 422, "accept"},
			{map[string]any{"accept": true}, 422, "version"},
			{map[string]any{"accept": false, "version": 1}, 422, "note"},
			{map[string]any{"accept": "ya", "version": 1}, 400, "accept"},
			{map[string]any{"accept": true, "version": 1, "alasan": "x"}, 400, "alasan"},
		} {
			expectProblem(t, h.api(t, makassarWorker, "POST", answer+"/answer", tt.body), tt.status, tt.field)
		}
		expectProblem(t, h.api(t, makassarWorker, "POST", answer+"/answer", map[string]any{"accept": true, "version": 7}), http.StatusConflict, "")
		expectProblem(t, h.api(t, makassarWorker, "POST", answer+"/outcome", map[string]any{"version": 1, "outcome": "x"}), http.StatusConflict, "")

		r := h.api(t, makassarWorker, "POST", answer+"/answer", map[string]any{"accept": true, "version": 1, "note": "Kami dampingi."})
		var got casework.Referral
		r.decode(t, &got)
		if r.Status != http.StatusOK || got.Status != casework.RujukanDiterima || got.AnsweredBy == "" || got.Version != 2 || got.AnsweredAt == nil {
			t.Fatalf("accepted: %d %+v", r.Status, got)
		}
		expectProblem(t, h.api(t, makassarWorker, "POST", answer+"/answer", map[string]any{"accept": false, "version": 2, "note": "x"}),
			http.StatusConflict, "")
		expectProblem(t, h.api(t, makassarWorker, "POST", answer+"/outcome", map[string]any{"version": 2, "outcome": " "}),
			http.StatusUnprocessableEntity, "outcome")
		expectProblem(t, h.api(t, makassarWorker, "POST", answer+"/outcome", map[string]any{"outcome": "x"}),
			http.StatusUnprocessableEntity, "version")
		r = h.api(t, makassarWorker, "POST", answer+"/outcome", map[string]any{"version": 2, "outcome": "Permakanan diberikan 30 hari."})
		r.decode(t, &got)
		if r.Status != http.StatusOK || got.Status != casework.RujukanSelesai || got.ClosedAt == nil || got.Outcome == "" {
			t.Fatalf("outcome: %d %+v", r.Status, got)
		}
		if l := lists(makassarWorker); has(l.Incoming, ref.ID) {
			t.Error("a closed referral is still incoming")
		}
		var actions []string
		for _, e := range w.detail(t, access.Worker, c.ID).Timeline {
			actions = append(actions, e.Action)
		}
		for _, a := range []string{"refer", "referral_accepted", "referral_completed"} {
			if !slices.Contains(actions, a) {
				t.Errorf("timeline %v lacks %s", actions, a)
			}
		}
		for _, bad := range []string{"0", "abc", "99999999"} {
			expectProblem(t, h.api(t, makassarWorker, "POST", "/api/v1/referrals/"+bad+"/answer",
				map[string]any{"accept": true, "version": 1}), http.StatusNotFound, "")
		}

		// A referral left unanswered past its due date is escalated to
		// the supervisor of the sending unit, not to its workers.
		late, _ := refer(t, h, access.Worker, c.ID, map[string]any{"to_unit": makassar, "purpose": "Belum dijawab."})
		if _, err := h.db.Exec(context.Background(), "UPDATE case_referral SET due_at = ? WHERE id = ?",
			time.Now().UTC().Add(-time.Hour), late.ID); err != nil {
			t.Fatal(err)
		}
		// (The demo data holds overdue referrals of its own.)
		if n, err := (&casework.Store{DB: h.db}).EscalateOverdue(context.Background()); err != nil || n < 1 {
			t.Fatalf("escalated %d, %v", n, err)
		}
		l := lists(access.Supervisor)
		if i := slices.IndexFunc(l.Escalated, func(r casework.Referral) bool { return r.ID == late.ID }); i < 0 || l.Escalated[i].EscalatedAt == nil {
			t.Errorf("the supervisor's escalated list %+v", l.Escalated)
		}
		if l := lists(access.Worker); len(l.Escalated) != 0 {
			t.Errorf("a worker's escalated list %+v", l.Escalated)
		}
		h.api(t, access.Supervisor, "GET", "/api/v1/work", nil).decode(t, &work)
		if !has(work.Referrals.Escalated, late.ID) {
			t.Errorf("the supervisor's work lacks the escalated referral: %+v", work.Referrals)
		}
	})
}

// terminate brings a case to bimbingan lanjut: terminasi for a reason that
// calls for visits, approved by the supervisor.
func (w *caseWorld) terminate(t *testing.T, id int64, reason string) casework.Detail {
	t.Helper()
	r := w.h.api(t, access.Worker, "POST", casePath(id, "/actions"), map[string]any{"action": "request_termination",
		"reason": reason, "version": w.detail(t, access.Worker, id).Version})
	if r.Status != http.StatusOK {
		t.Fatalf("request termination: %d %s", r.Status, r.Body)
	}
	w.act(t, access.Supervisor, id, "approve_termination")
	return w.detail(t, access.Worker, id)
}

// After terminasi the visits of bimbingan lanjut are recorded (and
// corrected) by the API; the work view lists those due.
func TestFollowUpAPI(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		w := newCaseWorld(t, h)
		c := w.open(t)
		open := w.open(t)
		d := w.terminate(t, c.ID, "pindah")
		if d.Stage != casework.BimbinganLanjut || len(d.FollowUps) == 0 {
			t.Fatalf("after terminasi: %s, %d visits", d.Stage, len(d.FollowUps))
		}
		first, second := d.FollowUps[0], d.FollowUps[len(d.FollowUps)-1]
		path := func(caseID, fid int64) string {
			return casePath(caseID, "/follow-ups/"+strconv.FormatInt(fid, 10))
		}

		// A visit due yesterday shows in the work view, overdue, with
		// whom it is for; the supervisor sees it too.
		if _, err := h.db.Exec(context.Background(), "UPDATE case_follow_up SET due_on = ? WHERE id = ?", wibDay(-1), second.ID); err != nil {
			t.Fatal(err)
		}
		var work struct {
			FollowUps []casework.DueFollowUp `json:"follow_ups"`
		}
		for _, role := range []access.Role{access.Worker, access.Supervisor} {
			h.api(t, role, "GET", "/api/v1/work", nil).decode(t, &work)
			i := slices.IndexFunc(work.FollowUps, func(f casework.DueFollowUp) bool { return f.ID == second.ID })
			if i < 0 || !work.FollowUps[i].Overdue || work.FollowUps[i].PersonID != c.PersonID || work.FollowUps[i].PersonName == "" ||
				slices.ContainsFunc(work.FollowUps, func(f casework.DueFollowUp) bool { return f.ID == first.ID }) {
				t.Errorf("work of %s: %+v", role, work.FollowUps)
			}
		}

		r := h.api(t, access.Worker, "PUT", path(c.ID, first.ID), map[string]any{"done_on": wibToday(), "outcome": "membaik",
			"note": "Sudah bekerja di Semarang.", "version": first.Version})
		var f casework.FollowUp
		r.decode(t, &f)
		if r.Status != http.StatusOK || f.DoneOn != wibToday() || f.Outcome != casework.Membaik || f.Version != first.Version+1 ||
			f.RecordedBy != w.worker.ID || f.Overdue {
			t.Fatalf("recorded: %d %+v", r.Status, f)
		}
		// Corrected on its current version; a stale one is a conflict.
		r = h.api(t, access.Supervisor, "PUT", path(c.ID, first.ID), map[string]any{"done_on": wibToday(), "outcome": "stabil",
			"version": f.Version})
		r.decode(t, &f)
		if r.Status != http.StatusOK || f.Outcome != casework.Stabil {
			t.Fatalf("corrected: %d %+v", r.Status, f)
		}
		expectRefusal(t, h, h.api(t, access.Worker, "PUT", path(c.ID, first.ID), map[string]any{"done_on": wibToday(),
			"outcome": "stabil", "version": first.Version}), http.StatusConflict, casework.CodeStaleVersion, i18n.ID)

		for _, tt := range []struct {
			body   any
			status int
			field  string
		}{
			{map[string]any{"done_on": wibToday(), "outcome": "sembuh", "version": 1}, 422, "outcome"},
			{map[string]any{"done_on": "2000-01-01", "outcome": "stabil", "version": 1}, 422, "done_on"},
			{map[string]any{"done_on": wibDay(2), "outcome": "stabil", "version": 1}, 422, "done_on"},
			{map[string]any{"outcome": "stabil", "version": 1}, 422, "done_on"},
			{map[string]any{"done_on": wibToday(), "outcome": "stabil", "version": "1"}, 400, "version"},
		} {
			expectProblem(t, h.api(t, access.Worker, "PUT", path(c.ID, second.ID), tt.body), tt.status, tt.field)
		}
		// A visit of another case, or none, is not found; a case not in
		// bimbingan lanjut takes no visit.
		body := map[string]any{"done_on": wibToday(), "outcome": "stabil", "version": 1}
		for _, p := range []string{path(c.ID, 99999999), casePath(c.ID, "/follow-ups/abc"), casePath(c.ID, "/follow-ups/0")} {
			expectProblem(t, h.api(t, access.Worker, "PUT", p, body), http.StatusNotFound, "")
		}
		expectRefusal(t, h, h.api(t, access.Worker, "PUT", path(open.ID, second.ID), body), http.StatusConflict,
			casework.CodeWrongStage, i18n.ID)
		addMakassarWorker(t, h)
		expectProblem(t, h.api(t, makassarWorker, "PUT", path(c.ID, second.ID), body), http.StatusNotFound, "")
		expectProblem(t, h.api(t, access.Planner, "PUT", path(c.ID, second.ID), body), http.StatusForbidden, "")

		// Recorded, the visit leaves the work view.
		body["version"] = second.Version
		if r := h.api(t, access.Worker, "PUT", path(c.ID, second.ID), body); r.Status != http.StatusOK {
			t.Fatalf("second visit: %d %s", r.Status, r.Body)
		}
		h.api(t, access.Worker, "GET", "/api/v1/work", nil).decode(t, &work)
		if slices.ContainsFunc(work.FollowUps, func(f casework.DueFollowUp) bool { return f.CaseID == c.ID }) {
			t.Errorf("work still lists a recorded visit: %+v", work.FollowUps)
		}
	})
}

// A file attached by the API comes back byte for byte, as a download the
// browser may not reinterpret; its type is the content's, whatever its
// name says; size and shape of the upload are checked.
func TestAttachmentAPI(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		w := newCaseWorld(t, h)
		c := w.open(t)
		upload := casePath(c.ID, "/attachments")
		r := h.api(t, access.Worker, "POST", upload, newMultipart(t, "Foto rumah ü.png", tinyPNG, "Kunjungan pertama."))
		var a casework.Attachment
		r.decode(t, &a)
		sum := sha256.Sum256(tinyPNG)
		if r.Status != http.StatusCreated || a.ContentType != "image/png" || a.Size != int64(len(tinyPNG)) ||
			a.SHA256 != hex.EncodeToString(sum[:]) || a.Name != "Foto rumah ü.png" || a.Note != "Kunjungan pertama." ||
			a.UploadedBy != w.worker.ID {
			t.Fatalf("upload: %d %+v\n%s", r.Status, a, r.Body)
		}
		download := casePath(c.ID, "/attachments/"+strconv.FormatInt(a.ID, 10))
		if loc := r.Header.Get("Location"); loc != download {
			t.Errorf("Location %q, want %q", loc, download)
		}

		for _, role := range []access.Role{access.Worker, access.Supervisor} {
			r = h.api(t, role, "GET", download, nil)
			if r.Status != http.StatusOK || !bytes.Equal(r.Body, tinyPNG) {
				t.Fatalf("download as %s: %d, %d bytes", role, r.Status, len(r.Body))
			}
			for k, want := range map[string]string{"Content-Type": "image/png", "X-Content-Type-Options": "nosniff",
				"Cache-Control": "no-store", "Content-Length": strconv.Itoa(len(tinyPNG)),
				"Content-Disposition": "attachment; filename*=UTF-8''Foto%20rumah%20%C3%BC.png"} {
				if got := r.Header.Get(k); got != want {
					t.Errorf("%s: %q, want %q", k, got, want)
				}
			}
		}
		if d := w.detail(t, access.Worker, c.ID); len(d.Attachments) != 1 || d.Attachments[0].ID != a.ID {
			t.Errorf("case attachments %+v", d.Attachments)
		}
		// Every download is audited.
		var n int
		if err := h.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE entity = 'case_attachment' AND entity_id = ? AND action = 'read'",
			strconv.FormatInt(a.ID, 10)).Scan(&n); err != nil || n != 2 {
			t.Errorf("downloads audited: %d, %v", n, err)
		}

		before := dbState(t, h)
		pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0"), 600)...)
		for _, tt := range []struct {
			name   string
			body   any
			status int
			field  string
		}{
			{"png named pdf", newMultipart(t, "surat.pdf", tinyPNG, ""), 422, "file"},
			{"pdf named png", newMultipart(t, "surat.png", pdf, ""), 422, "file"},
			{"text", newMultipart(t, "catatan.png", []byte("bukan gambar"), ""), 422, "file"},
			{"empty", newMultipart(t, "kosong.png", nil, ""), 422, "file"},
			{"no file", newMultipartParts(t, part{name: "note", data: []byte("tanpa berkas")}), 422, "file"},
			{"file as text", newMultipartParts(t, part{name: "file", data: tinyPNG}), 422, "file"},
			{"long note", newMultipart(t, "foto.png", tinyPNG, strings.Repeat("x", 2001)), 422, "note"},
			{"unknown part", newMultipartParts(t, part{name: "file", filename: "foto.png", data: tinyPNG},
				part{name: "judul", data: []byte("x")}), 400, "judul"},
			{"two files", newMultipartParts(t, part{name: "file", filename: "a.png", data: tinyPNG},
				part{name: "file", filename: "b.png", data: tinyPNG}), 400, "file"},
			{"note as file", newMultipartParts(t, part{name: "file", filename: "a.png", data: tinyPNG},
				part{name: "note", filename: "note.txt", data: []byte("x")}), 400, "note"},
			{"bad utf-8 note", newMultipart(t, "foto.png", tinyPNG, "\xff\xfe"), 400, "note"},
			{"json", map[string]any{"file": "iVBOR"}, 400, ""},
		} {
			t.Run(tt.name, func(t *testing.T) {
				r := h.api(t, access.Worker, "POST", upload, tt.body)
				checkNoLeak(t, tt.name, r.Body)
				expectProblem(t, r, tt.status, tt.field)
			})
		}
		// Over the limit: the file (by the store), and the whole body (by
		// the server, before the store reads it).
		big := append(append([]byte{}, tinyPNG...), make([]byte, casework.DefaultMaxAttachment)...)
		r = h.api(t, access.Worker, "POST", upload, newMultipart(t, "besar.png", big, ""))
		if p := expectProblem(t, r, http.StatusRequestEntityTooLarge, ""); !strings.Contains(p.Detail, "10") {
			t.Errorf("too large: %q", p.Detail)
		}
		huge := append(big, make([]byte, 2<<20)...)
		expectProblem(t, h.api(t, access.Worker, "POST", upload, newMultipart(t, "besar.png", huge, "")), http.StatusRequestEntityTooLarge, "")
		if after := dbState(t, h); after != before {
			t.Errorf("refused uploads changed the database: %s → %s", before, after)
		}
		// Nothing of the refused files stays on disk.
		var files []string
		walkFiles(t, h.attachments, &files)
		if len(files) != 1 || !strings.HasSuffix(files[0], a.SHA256) {
			t.Errorf("attachment directory holds %v", files)
		}

		// Others' cases, others' attachments, other roles.
		other := w.open(t)
		expectProblem(t, h.api(t, access.Worker, "GET", casePath(other.ID, "/attachments/"+strconv.FormatInt(a.ID, 10)), nil), http.StatusNotFound, "")
		for _, p := range []string{"/attachments/99999999", "/attachments/abc", "/attachments/0"} {
			expectProblem(t, h.api(t, access.Worker, "GET", casePath(c.ID, p), nil), http.StatusNotFound, "")
		}
		addMakassarWorker(t, h)
		expectProblem(t, h.api(t, makassarWorker, "GET", download, nil), http.StatusNotFound, "")
		expectProblem(t, h.api(t, makassarWorker, "POST", upload, newMultipart(t, "foto.png", tinyPNG, "")), http.StatusNotFound, "")
		for _, role := range []access.Role{access.Planner, access.National, access.Admin} {
			expectProblem(t, h.api(t, role, "GET", download, nil), http.StatusForbidden, "")
			expectProblem(t, h.api(t, role, "POST", upload, newMultipart(t, "foto.png", tinyPNG, "")), http.StatusForbidden, "")
		}
		expectProblem(t, h.api(t, "", "GET", download, nil), http.StatusUnauthorized, "")
	})
}

func walkFiles(t *testing.T, dir string, out *[]string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		p := dir + "/" + e.Name()
		if e.IsDir() {
			walkFiles(t, p, out)
		} else {
			*out = append(*out, p)
		}
	}
}

// The document's enums of the new inputs are casework's.
func TestCaseMoreOpenAPIEnums(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Enum []string `yaml:"enum"`
				} `yaml:"properties"`
			} `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(api.YAML(), &doc); err != nil {
		t.Fatal(err)
	}
	var outcomes []string
	for _, o := range casework.FollowUpOutcomes {
		outcomes = append(outcomes, string(o))
	}
	if got := doc.Components.Schemas["FollowUpInput"].Properties["outcome"].Enum; !slices.Equal(got, outcomes) {
		t.Errorf("FollowUpInput.outcome: document %v, casework %v", got, outcomes)
	}
	got := doc.Components.Schemas["LinkOutcomeInput"].Properties["status"].Enum
	for _, s := range casework.ReferralStatuses {
		if want := s != casework.RujukanDikirim; slices.Contains(got, string(s)) != want {
			t.Errorf("LinkOutcomeInput.status %v: %s", got, s)
		}
	}
}

// Every message key cases_more.go names exists in both languages.
func TestCaseMoreCatalogKeys(t *testing.T) {
	keys := map[string]bool{}
	catalogKeys(t, keys, `"((?:caseapi2|attachment|field|error)\.[a-z_.]+)"`, "cases_more.go")
	expectKeys(t, keys, 5)
}

// Helpers of the role × route matrix for referrals, follow-ups,
// attachments and referral links.

// moreFixture is what the matrix makes for these routes, once.
type moreFixture struct {
	// followUps are a case in bimbingan lanjut per demo unit key and the
	// id of one of its visits.
	followUps map[string][2]int64
	// attachments are files on the fixture cases, by unit key.
	attachments map[string]int64
	// last is the referral made for the latest request, by unit key.
	last map[string]int64
	// sender is a unit outside every demo unit's scope lists, with a
	// worker and an open case: the sender of referrals to Salatiga and of
	// links, so that what they show names no demo unit a caller may not
	// see. sources are open cases of the demo units that send referrals.
	sender  sendingUnit
	sources map[string]int64
}

type sendingUnit struct {
	worker access.User
	caseID int64
}

func (fx *fixture) m() *moreFixture {
	if fx.more == nil {
		fx.more = &moreFixture{followUps: map[string][2]int64{}, attachments: map[string]int64{}, last: map[string]int64{},
			sources: map[string]int64{}}
	}
	return fx.more
}

// supervisorOf is an account that approves for the demo unit key: the
// demo supervisor in Salatiga, one made for the test in Makassar.
func (fx *fixture) supervisorOf(key string) access.User {
	if key == "salatiga" {
		return fx.currentUser(fx.h.accounts[access.Supervisor].Username)
	}
	name := "kepala." + key
	if u, err := access.GetUserByName(context.Background(), fx.h.db, name); err == nil {
		return u
	}
	u, _, err := access.CreateUser(context.Background(), fx.h.db, audit.System("test"), access.Scope{All: true},
		access.UserInput{Username: name, FullName: "Kepala Uji", Role: access.Supervisor, UnitID: fx.unit(key).ID})
	if err != nil {
		fx.t.Fatalf("supervisor of %s: %v", key, err)
	}
	return u
}

// openCaseAs opens a case for a new person of the demo unit key, by its
// case owner.
func (fx *fixture) openCaseAs(key string) (access.User, int64) {
	u := fx.currentUser(caseOwners[key])
	c, err := fx.caseStore().Open(context.Background(), asActor(u), u, casework.OpenInput{PersonID: fx.freshPerson(key),
		Cluster: "lansia", Setting: "keluarga", Source: "penjangkauan", Risk: "sedang"})
	if err != nil {
		fx.t.Fatalf("case of %s: %v", key, err)
	}
	return u, c.ID
}

// followUp is a case of the demo unit key in bimbingan lanjut and one of
// its visits, as path values.
func (fx *fixture) followUp(key string) (string, string) {
	ids, ok := fx.m().followUps[key]
	if !ok {
		ctx, st := context.Background(), fx.caseStore()
		u, id := fx.openCaseAs(key)
		c, err := st.Act(ctx, asActor(u), u, id, 1, casework.Event{Action: casework.RequestTermination, Reason: casework.Pindah}, "")
		if err != nil {
			fx.t.Fatalf("terminasi of %s: %v", key, err)
		}
		sup := fx.supervisorOf(key)
		if _, err := st.Act(ctx, asActor(sup), sup, id, c.Version, casework.Event{Action: casework.ApproveTermination}, ""); err != nil {
			fx.t.Fatalf("approval of %s: %v", key, err)
		}
		d, err := st.Detail(ctx, asActor(u), u, id)
		if err != nil || len(d.FollowUps) == 0 {
			fx.t.Fatalf("visits of %s: %v %+v", key, err, d.FollowUps)
		}
		ids = [2]int64{id, d.FollowUps[0].ID}
		fx.m().followUps[key] = ids
	}
	return strconv.FormatInt(ids[0], 10), strconv.FormatInt(ids[1], 10)
}

// followUpVersion is the current version of followUp's visit.
func (fx *fixture) followUpVersion(key string) int {
	fx.followUp(key)
	ids := fx.m().followUps[key]
	u := fx.currentUser(caseOwners[key])
	d, err := fx.caseStore().Detail(context.Background(), asActor(u), u, ids[0])
	if err != nil {
		fx.t.Fatal(err)
	}
	for _, f := range d.FollowUps {
		if f.ID == ids[1] {
			return f.Version
		}
	}
	fx.t.Fatalf("visit %d of %s gone", ids[1], key)
	return 0
}

// attachmentOf is a file on the fixture case of the demo unit key.
func (fx *fixture) attachmentOf(key string) string {
	id, ok := fx.m().attachments[key]
	if !ok {
		u := fx.currentUser(caseOwners[key])
		st := fx.caseStore()
		st.AttachmentDir = fx.h.attachments
		a, err := st.Attach(context.Background(), asActor(u), u, fx.cases[key], "foto.png", "", bytes.NewReader(tinyPNG))
		if err != nil {
			fx.t.Fatalf("attachment of %s: %v", key, err)
		}
		id = a.ID
		fx.m().attachments[key] = id
	}
	return strconv.FormatInt(id, 10)
}

// sendingUnit makes the sender once: an LKS in Kota Salatiga with a
// worker, and an open case of a person it registered.
func (fx *fixture) sendingUnit() sendingUnit {
	m := fx.m()
	if m.sender.caseID != 0 {
		return m.sender
	}
	ctx, sys := context.Background(), audit.System("test")
	un, err := unit.Create(ctx, fx.h.db, fx.h.regions, sys, access.Scope{All: true},
		unit.Input{Type: unit.LKS, Name: "LKS Uji Rujukan", Region: "33.73"})
	if err != nil {
		fx.t.Fatalf("sending unit: %v", err)
	}
	u, _, err := access.CreateUser(ctx, fx.h.db, sys, access.Scope{All: true},
		access.UserInput{Username: "pekerja.rujukan", FullName: "Pekerja Uji Rujukan", Role: access.Worker, UnitID: un.ID})
	if err != nil {
		fx.t.Fatalf("sending worker: %v", err)
	}
	p, err := fx.registry().Create(ctx, sys, registry.Reach{UnitID: un.ID, Regions: []wilayah.Code{un.Region}},
		registry.Input{Name: "Rini Uji", Sex: "P", BirthYear: 1990, Village: "33.73.04.1001"})
	if err != nil {
		fx.t.Fatalf("sending unit's person: %v", err)
	}
	c, err := fx.caseStore().Open(ctx, asActor(u), u, casework.OpenInput{PersonID: p.Person.ID, Cluster: "lansia",
		Setting: "keluarga", Source: "penjangkauan", Risk: "sedang"})
	if err != nil {
		fx.t.Fatalf("sending unit's case: %v", err)
	}
	m.sender = sendingUnit{worker: u, caseID: c.ID}
	return m.sender
}

// referralTo sends a referral to the demo unit key for one request: to
// Salatiga from the sending unit, to another unit from an open case of
// Salatiga's.
func (fx *fixture) referralTo(key string) int64 {
	ctx, st := context.Background(), fx.caseStore()
	from, caseID := fx.sendingUnit().worker, fx.sendingUnit().caseID
	if key != "salatiga" {
		if fx.m().sources["salatiga"] == 0 {
			_, fx.m().sources["salatiga"] = fx.openCaseAs("salatiga")
		}
		from, caseID = fx.currentUser(caseOwners["salatiga"]), fx.m().sources["salatiga"]
	}
	ref, err := st.Refer(ctx, asActor(from), from, caseID, casework.ReferralInput{ToUnit: fx.unit(key).ID, Purpose: "uji matriks"})
	if err != nil {
		fx.t.Fatalf("referral to %s: %v", key, err)
	}
	fx.m().last[key] = ref.ID
	return ref.ID
}

// acceptLastReferral accepts the referral made for this request, as the
// receiving unit's worker, and returns its version after.
func (fx *fixture) acceptLastReferral(key string) int {
	u := fx.currentUser(caseOwners[key])
	ref, err := fx.caseStore().AnswerReferral(context.Background(), asActor(u), u, fx.m().last[key], 1, true, "")
	if err != nil {
		fx.t.Fatalf("accept referral to %s: %v", key, err)
	}
	return ref.Version
}

// linkToken is the token of a new referral link to an outside agency.
func (fx *fixture) linkToken() string {
	s := fx.sendingUnit()
	ref, err := fx.caseStore().Refer(context.Background(), asActor(s.worker), s.worker, s.caseID,
		casework.ReferralInput{AgencyKind: "puskesmas", AgencyName: "Puskesmas Uji", Purpose: "uji matriks"})
	if err != nil {
		fx.t.Fatalf("link: %v", err)
	}
	return ref.Link
}

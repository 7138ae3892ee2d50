package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/i18n"
	"github.com/layan-id/layan/internal/registry"
	"github.com/layan-id/layan/internal/unit"
)

// Households (KK) and consent through the API and the person page, on both
// engines. The role × route matrix (roles_test.go) sends every route as
// every role; the helpers it uses for these routes are at the end.

// wibToday is today in WIB, as the server reckons dates.
func wibToday() string {
	return time.Now().In(time.FixedZone("WIB", 7*3600)).Format(time.DateOnly)
}

// wibDay is today in WIB moved by days.
func wibDay(days int) string {
	return time.Now().In(time.FixedZone("WIB", 7*3600)).AddDate(0, 0, days).Format(time.DateOnly)
}

// hhWorld is the harness with people registered by the Salatiga worker,
// and a worker of Dinas Sosial Kota Makassar (another unit) to try scope.
type hhWorld struct {
	h      *harness
	store  *registry.Store
	reach  registry.Reach // of the Salatiga worker
	other  access.Role    // key of the Makassar worker in h.tokens
	makRch registry.Reach
	makPW  string // the Makassar worker's password
}

const hhOtherWorker access.Role = "worker.makassar.hh"

func newHHWorld(t *testing.T, h *harness) *hhWorld {
	t.Helper()
	ctx := context.Background()
	w := &hhWorld{h: h, store: &registry.Store{DB: h.db, Regions: h.regions}, other: hhOtherWorker}
	u, err := access.GetUserByName(ctx, h.db, h.accounts[access.Worker].Username)
	if err != nil {
		t.Fatal(err)
	}
	if w.reach = registry.ReachOf(u); w.reach.None() {
		t.Fatal("the worker reaches no one")
	}
	units, _, err := unit.List(ctx, h.db, access.Scope{All: true}, unit.Filter{Query: "Kota Makassar", Size: 10})
	if err != nil || len(units) == 0 {
		t.Fatalf("no Makassar unit: %v", err)
	}
	mak, pw, err := access.CreateUser(ctx, h.db, audit.System("test"), access.Scope{All: true},
		access.UserInput{Username: "pekerja.mks.hh", FullName: "Pekerja Makassar", Role: access.Worker, UnitID: units[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := access.CreateToken(ctx, h.db, mak.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	h.tokens[hhOtherWorker] = tok
	w.makPW = pw
	if w.makRch = registry.ReachOf(mak); w.makRch.None() {
		t.Fatal("the Makassar worker reaches no one")
	}
	return w
}

// person registers someone in Kota Salatiga as the Salatiga worker.
func (w *hhWorld) person(t *testing.T, name, birthDate string) int64 {
	t.Helper()
	in := registry.Input{Name: name, Sex: "P", BirthDate: birthDate, Village: "33.73.04.1001"}
	if birthDate == "" {
		in.BirthYear = 1970
	}
	s, err := w.store.Create(context.Background(), audit.System("test"), w.reach, in)
	if err != nil {
		t.Fatalf("register %s: %v", name, err)
	}
	return s.Person.ID
}

// problemFields reads the fields named by a problem+json answer.
func problemFields(t *testing.T, r apiResponse) map[string]string {
	t.Helper()
	var p struct {
		Detail string `json:"detail"`
		Errors []struct {
			Field  string `json:"field"`
			Detail string `json:"detail"`
		} `json:"errors"`
	}
	r.decode(t, &p)
	out := map[string]string{"": p.Detail}
	for _, e := range p.Errors {
		out[e.Field] = e.Detail
	}
	return out
}

type hhMember struct {
	ID       int64  `json:"id"`
	PersonID int64  `json:"person_id"`
	Name     string `json:"name"`
	Hidden   bool   `json:"hidden"`
	Relation string `json:"relation"`
	JoinedOn string `json:"joined_on"`
	LeftOn   string `json:"left_on"`
}

type hhHousehold struct {
	ID      int64      `json:"id"`
	KK      string     `json:"kk"`
	Village string     `json:"village"`
	Members []hhMember `json:"members"`
	Notes   []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"notes"`
	Version int `json:"version"`
}

func TestHouseholdAPI(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		w := newHHWorld(t, h)
		budi, sri, rina := w.person(t, "Budi Santoso", "1970-02-01"), w.person(t, "Sri Wahyuni", "1975-03-04"), w.person(t, "Rina", "2012-05-06")
		worker := access.Worker

		// Bad input names the field.
		valid := func(edit func(map[string]any)) map[string]any {
			b := map[string]any{"kk": "3373040012090001", "village": "33.73.04.1001", "person_id": budi,
				"relation": "kepala_keluarga", "joined_on": "2009-05-12"}
			edit(b)
			return b
		}
		for _, c := range []struct {
			name  string
			body  any
			field string
		}{
			{"KK of 15 digits", valid(func(b map[string]any) { b["kk"] = "337304120509001" }), "kk"},
			{"KK of 17 digits", valid(func(b map[string]any) { b["kk"] = "33730400120900011" }), "kk"},
			{"KK of unknown province", valid(func(b map[string]any) { b["kk"] = "9973041205090001" }), "kk"},
			{"KK with letters", valid(func(b map[string]any) { b["kk"] = "33730412050900AB" }), "kk"},
			{"unknown village", valid(func(b map[string]any) { b["village"] = "33.73.04.9999" }), "village"},
			{"joined tomorrow", valid(func(b map[string]any) { b["joined_on"] = wibDay(1) }), "joined_on"},
			{"unknown relation", valid(func(b map[string]any) { b["relation"] = "sepupu" }), "relation"},
		} {
			r := h.api(t, worker, "POST", "/api/v1/households", c.body)
			if f := problemFields(t, r); r.Status != http.StatusUnprocessableEntity || f[c.field] == "" {
				t.Errorf("%s: status %d, fields %v; want 422 naming %s", c.name, r.Status, f, c.field)
			}
		}
		if r := h.api(t, worker, "POST", "/api/v1/households", `{"kk":"3373040012090001","village":"33.73.04.1001","colour":"red"}`); r.Status != http.StatusBadRequest {
			t.Errorf("unknown field: status %d", r.Status)
		}

		// Budi heads a new KK, typed with spaces; Sri joins as his wife.
		r := h.api(t, worker, "POST", "/api/v1/households", valid(func(b map[string]any) { b["kk"] = "3373 0400 1209 0001" }))
		if r.Status != http.StatusCreated {
			t.Fatalf("create household: %d %s", r.Status, r.Body)
		}
		var a hhHousehold
		r.decode(t, &a)
		if a.KK != "3373040012090001" || len(a.Members) != 1 || a.Members[0].Name != "Budi Santoso" ||
			r.Header.Get("Location") != "/api/v1/households/"+strconv.FormatInt(a.ID, 10) {
			t.Fatalf("created: %+v (Location %q)", a, r.Header.Get("Location"))
		}
		member := func(id int64, body map[string]any) apiResponse {
			return h.api(t, worker, "POST", fmt.Sprintf("/api/v1/households/%d/members", id), body)
		}
		if r := member(a.ID, map[string]any{"person_id": sri, "relation": "istri", "joined_on": "2009-05-12"}); r.Status != http.StatusOK {
			t.Fatalf("add Sri: %d %s", r.Status, r.Body)
		}
		// A second head is refused, naming the field.
		r = member(a.ID, map[string]any{"person_id": rina, "relation": "kepala_keluarga", "joined_on": "2012-05-06"})
		if f := problemFields(t, r); r.Status != http.StatusUnprocessableEntity || !strings.Contains(f["relation"], "Budi Santoso") {
			t.Errorf("second head: %d %v", r.Status, problemFields(t, r))
		}
		// The same KK again links the household.
		r = h.api(t, worker, "POST", "/api/v1/households", map[string]any{"kk": "3373040012090001", "village": "33.73.04.1001"})
		if f := problemFields(t, r); r.Status != http.StatusUnprocessableEntity || !strings.Contains(f["kk"], fmt.Sprintf("#%d", a.ID)) {
			t.Errorf("KK twice: %d %v", r.Status, f)
		}

		// Sri starts her own KK: refused without move, naming person_id and
		// her current household; with move, her old membership is closed.
		newKK := map[string]any{"kk": "3373040020240002", "village": "33.73.04.1001", "person_id": sri,
			"relation": "kepala_keluarga", "joined_on": "2024-01-20"}
		r = h.api(t, worker, "POST", "/api/v1/households", newKK)
		if f := problemFields(t, r); r.Status != http.StatusUnprocessableEntity || !strings.Contains(f["person_id"], fmt.Sprintf("#%d", a.ID)) {
			t.Fatalf("second current KK without move: %d %v", r.Status, f)
		}
		newKK["move"] = true
		r = h.api(t, worker, "POST", "/api/v1/households", newKK)
		if r.Status != http.StatusCreated {
			t.Fatalf("move: %d %s", r.Status, r.Body)
		}
		var b hhHousehold
		r.decode(t, &b)

		var ph struct {
			PersonID int64        `json:"person_id"`
			Current  *hhHousehold `json:"current"`
			Past     []struct {
				HouseholdID int64  `json:"household_id"`
				KK          string `json:"kk"`
				Relation    string `json:"relation"`
				JoinedOn    string `json:"joined_on"`
				LeftOn      string `json:"left_on"`
			} `json:"past"`
		}
		r = h.api(t, worker, "GET", fmt.Sprintf("/api/v1/people/%d/household", sri), nil)
		r.decode(t, &ph)
		if r.Status != http.StatusOK || ph.Current == nil || ph.Current.ID != b.ID || len(ph.Past) != 1 ||
			ph.Past[0].HouseholdID != a.ID || ph.Past[0].Relation != "istri" || ph.Past[0].LeftOn != "2024-01-20" {
			t.Errorf("Sri's households: %d %+v", r.Status, ph)
		}
		r = h.api(t, worker, "GET", fmt.Sprintf("/api/v1/households/%d", a.ID), nil)
		var got hhHousehold
		r.decode(t, &got)
		if len(got.Members) != 2 || got.Members[1].PersonID != sri || got.Members[1].LeftOn != "2024-01-20" {
			t.Errorf("household A keeps Sri as a past member: %+v", got.Members)
		}

		// Leaving: not before joining, not in the future; then none left.
		leave := func(body any) apiResponse {
			return h.api(t, worker, "POST", fmt.Sprintf("/api/v1/people/%d/household/leave", sri), body)
		}
		if r := leave(map[string]any{"left_on": "2024-01-01"}); r.Status != http.StatusUnprocessableEntity || problemFields(t, r)["left_on"] == "" {
			t.Errorf("leave before joining: %d %s", r.Status, r.Body)
		}
		if r := leave(map[string]any{"left_on": wibDay(1)}); r.Status != http.StatusUnprocessableEntity || problemFields(t, r)["left_on"] == "" {
			t.Errorf("leave tomorrow: %d %s", r.Status, r.Body)
		}
		if r := leave(map[string]any{"left_on": wibToday()}); r.Status != http.StatusOK {
			t.Errorf("leave: %d %s", r.Status, r.Body)
		}
		if r := leave(map[string]any{"left_on": wibToday()}); r.Status != http.StatusConflict {
			t.Errorf("leave again: %d %s", r.Status, r.Body)
		}

		// Another unit can neither read nor change any of it; other roles
		// are refused outright. Nothing changes.
		before := dbState(t, h)
		for _, c := range []struct {
			role         access.Role
			method, path string
			body         any
			want         int
		}{
			{w.other, "GET", fmt.Sprintf("/api/v1/households/%d", a.ID), nil, http.StatusNotFound},
			{w.other, "GET", fmt.Sprintf("/api/v1/people/%d/household", budi), nil, http.StatusNotFound},
			{w.other, "POST", fmt.Sprintf("/api/v1/households/%d/members", a.ID), map[string]any{"person_id": rina, "relation": "anak", "joined_on": "2012-05-06"}, http.StatusNotFound},
			{w.other, "POST", fmt.Sprintf("/api/v1/people/%d/household/leave", budi), map[string]any{"left_on": wibToday()}, http.StatusNotFound},
			{w.other, "POST", "/api/v1/households", map[string]any{"kk": "7371010012090001", "village": "73.71.01.1001", "person_id": rina, "relation": "anak", "joined_on": "2012-05-06", "move": true}, http.StatusUnprocessableEntity},
			{access.Planner, "GET", fmt.Sprintf("/api/v1/households/%d", a.ID), nil, http.StatusForbidden},
			{access.National, "GET", fmt.Sprintf("/api/v1/people/%d/household", budi), nil, http.StatusForbidden},
			{access.Admin, "POST", "/api/v1/households", map[string]any{"kk": "3373040012090009", "village": "33.73.04.1001"}, http.StatusForbidden},
		} {
			if r := h.api(t, c.role, c.method, c.path, c.body); r.Status != c.want {
				t.Errorf("%s %s as %s: %d, want %d: %s", c.method, c.path, c.role, r.Status, c.want, r.Body)
			}
		}
		if after := dbState(t, h); after != before {
			t.Errorf("refused requests changed the database: %s → %s", before, after)
		}
	})
}

type hhConsent struct {
	ID           int64  `json:"id"`
	Purpose      string `json:"purpose"`
	GivenBy      string `json:"given_by"`
	GuardianName string `json:"guardian_name"`
	WithdrawnOn  string `json:"withdrawn_on"`
	StopBy       string `json:"stop_processing_by"`
	RecordedBy   string `json:"recorded_by"`
}

func TestConsentAPI(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		w := newHHWorld(t, h)
		child := w.person(t, "Rina Santoso", "2015-06-01")
		worker := access.Worker
		consents := fmt.Sprintf("/api/v1/people/%d/consents", child)

		var list struct {
			PersonID int64       `json:"person_id"`
			Status   string      `json:"status"`
			Missing  []string    `json:"missing"`
			Items    []hhConsent `json:"items"`
		}
		r := h.api(t, worker, "GET", consents, nil)
		r.decode(t, &list)
		if r.Status != http.StatusOK || list.Status != "none" || len(list.Missing) != 1 || list.Missing[0] != "layanan_rehabilitasi_sosial" {
			t.Fatalf("no consent yet: %d %+v", r.Status, list)
		}

		base := func(edit func(map[string]any)) map[string]any {
			b := map[string]any{"purpose": "layanan_rehabilitasi_sosial", "means": "tertulis", "given_on": wibToday()}
			edit(b)
			return b
		}
		for _, c := range []struct {
			name  string
			body  map[string]any
			field string
		}{
			{"a child without guardian", base(func(map[string]any) {}), "guardian_name"},
			{"a child, guardian without relation", base(func(b map[string]any) { b["guardian_name"] = "Sumarni" }), "guardian_relation"},
			{"given tomorrow", base(func(b map[string]any) {
				b["given_on"] = wibDay(1)
				b["guardian_name"] = "Sumarni"
				b["guardian_relation"] = "orang_tua"
			}), "given_on"},
			{"unknown purpose", base(func(b map[string]any) { b["purpose"] = "pemasaran" }), "purpose"},
			{"unknown means", base(func(b map[string]any) { b["means"] = "telepati" }), "means"},
			{"cannot consent without reason", base(func(b map[string]any) {
				b["cannot_consent"] = true
				b["guardian_name"], b["guardian_relation"] = "Sumarni", "orang_tua"
			}), "cannot_consent_reason"},
		} {
			r := h.api(t, worker, "POST", consents, c.body)
			if f := problemFields(t, r); r.Status != http.StatusUnprocessableEntity || f[c.field] == "" {
				t.Errorf("%s: status %d, fields %v; want 422 naming %s", c.name, r.Status, f, c.field)
			}
		}
		// In English, the refusal says why.
		req, _ := http.NewRequest("POST", h.http.URL+consents, strings.NewReader(`{"purpose":"layanan_rehabilitasi_sosial","means":"lisan","given_on":"`+wibToday()+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+h.tokens[worker])
		req.Header.Set("Accept-Language", "en")
		if r := sendChecked(t, http.DefaultClient, req); !strings.Contains(problemFields(t, r)["guardian_name"], "child (under 18)") {
			t.Errorf("English refusal: %s", r.Body)
		}

		r = h.api(t, worker, "POST", consents, base(func(b map[string]any) { b["guardian_name"], b["guardian_relation"] = "Sumarni", "orang_tua" }))
		if r.Status != http.StatusCreated {
			t.Fatalf("record: %d %s", r.Status, r.Body)
		}
		var c hhConsent
		r.decode(t, &c)
		if c.GivenBy != "guardian" || c.GuardianName != "Sumarni" || c.RecordedBy != h.accounts[worker].Username {
			t.Errorf("recorded: %+v", c)
		}
		r = h.api(t, worker, "GET", consents, nil)
		r.decode(t, &list)
		if list.Status != "given" || len(list.Missing) != 0 || len(list.Items) != 1 {
			t.Errorf("after consent: %+v", list)
		}

		// Another unit neither sees nor withdraws it.
		withdraw := fmt.Sprintf("/api/v1/consents/%d/withdraw", c.ID)
		before := dbState(t, h)
		for _, x := range []struct {
			role         access.Role
			method, path string
			body         any
			want         int
		}{
			{w.other, "GET", consents, nil, http.StatusNotFound},
			{w.other, "POST", consents, base(func(b map[string]any) { b["guardian_name"], b["guardian_relation"] = "X", "wali" }), http.StatusNotFound},
			{w.other, "POST", withdraw, map[string]any{"withdrawn_on": wibToday()}, http.StatusNotFound},
			{access.Verifier, "GET", consents, nil, http.StatusForbidden},
			{access.Admin, "POST", withdraw, map[string]any{"withdrawn_on": wibToday()}, http.StatusForbidden},
		} {
			if r := h.api(t, x.role, x.method, x.path, x.body); r.Status != x.want {
				t.Errorf("%s %s as %s: %d, want %d", x.method, x.path, x.role, r.Status, x.want)
			}
		}
		if after := dbState(t, h); after != before {
			t.Errorf("refused requests changed the database: %s → %s", before, after)
		}

		// Withdrawal: dated neither in the future nor before the consent.
		if r := h.api(t, worker, "POST", withdraw, map[string]any{"withdrawn_on": wibDay(1)}); r.Status != http.StatusUnprocessableEntity || problemFields(t, r)["withdrawn_on"] == "" {
			t.Errorf("withdrawn tomorrow: %d %s", r.Status, r.Body)
		}
		if r := h.api(t, worker, "POST", withdraw, map[string]any{"withdrawn_on": wibDay(-1)}); r.Status != http.StatusUnprocessableEntity || problemFields(t, r)["withdrawn_on"] == "" {
			t.Errorf("withdrawn before given: %d %s", r.Status, r.Body)
		}
		r = h.api(t, worker, "POST", withdraw, map[string]any{"withdrawn_on": wibToday(), "note": "Ibu meminta berhenti"})
		if r.Status != http.StatusOK {
			t.Fatalf("withdraw: %d %s", r.Status, r.Body)
		}
		r.decode(t, &c)
		if c.WithdrawnOn != wibToday() || c.StopBy != registry.StopBy(wibToday()) {
			t.Errorf("withdrawn: %+v", c)
		}
		if r := h.api(t, worker, "POST", withdraw, map[string]any{"withdrawn_on": wibToday()}); r.Status != http.StatusConflict {
			t.Errorf("withdrawn twice: %d", r.Status)
		}
		r = h.api(t, worker, "GET", consents, nil)
		r.decode(t, &list)
		if list.Status != "withdrawn" {
			t.Errorf("after withdrawal: %+v", list)
		}
		// Both changes are in the audit log.
		var n int
		h.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE entity = 'consent' AND entity_id = ?",
			strconv.FormatInt(c.ID, 10)).Scan(&n)
		if n != 2 {
			t.Errorf("audit records of the consent: %d, want 2", n)
		}
	})
}

func TestPersonPageHouseholdConsent(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		w := newHHWorld(t, h)
		rina := w.person(t, "Rina Santoso", "2015-06-01")
		budi := w.person(t, "Budi Santoso", "1970-02-01")
		c := h.browser(access.Worker)
		page := fmt.Sprintf("/people/%d", rina)

		status, body := h.page(t, c, "GET", page, nil)
		if status != http.StatusOK || !strings.Contains(body, "Persetujuan belum dicatat") || !strings.Contains(body, "belum tercatat di KK") {
			t.Fatalf("record page without KK or consent: %d\n%.2000s", status, body)
		}
		if !strings.Contains(body, `id="household"`) || !strings.Contains(body, `id="consent"`) {
			t.Error("the household and consent sections are missing")
		}

		// A malformed KK is refused on the page, in Indonesian, the field marked.
		join := url.Values{"kk": {"337304120509001"}, "kk_village": {"33.73.04.1001"}, "relation": {"anak"}, "joined_on": {"2015-06-01"}}
		status, body = h.page(t, c, "POST", page+"/household", join)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Nomor KK harus 16 angka") ||
			!strings.Contains(body, `aria-describedby="kk-hint kk-err" aria-invalid="true"`) {
			t.Errorf("malformed KK: %d\n%.3000s", status, body)
		}
		join.Set("kk", "3373 0400 1209 0001")
		if status, _ = h.page(t, c, "POST", page+"/household", join); status != http.StatusSeeOther {
			t.Fatalf("join: %d", status)
		}
		_, body = h.page(t, c, "GET", page, nil)
		if !strings.Contains(body, "3373 0400 1209 0001") || !strings.Contains(body, "Anak") {
			t.Errorf("the page does not show the KK:\n%.3000s", body)
		}
		// Budi heads the KK; joining by the number alone, he is listed.
		if status, _ = h.page(t, c, "POST", fmt.Sprintf("/people/%d/household", budi),
			url.Values{"kk": {"3373040012090001"}, "relation": {"kepala_keluarga"}, "joined_on": {"2009-05-12"}}); status != http.StatusSeeOther {
			t.Fatalf("Budi joins: %d", status)
		}
		_, body = h.page(t, c, "GET", page, nil)
		if !strings.Contains(body, fmt.Sprintf(`<a href="/people/%d">Budi Santoso</a>`, budi)) {
			t.Errorf("the members do not link Budi:\n%.3000s", body)
		}
		// Another KK without "move" is refused, saying so at the move choice.
		status, body = h.page(t, c, "POST", page+"/household", url.Values{"kk": {"3373040020240002"}, "kk_village": {"33.73.04.1001"},
			"relation": {"anak"}, "joined_on": {wibToday()}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="kk-move-err"`) {
			t.Errorf("second KK without move: %d", status)
		}

		// Consent for a child without a guardian: refused, naming the field.
		consent := url.Values{"purpose": {"layanan_rehabilitasi_sosial"}, "means": {"cap_jempol"}, "given_on": {wibToday()}}
		status, body = h.page(t, c, "POST", page+"/consents", consent)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="guardian_name-err"`) ||
			!strings.Contains(html.UnescapeString(body), "isi nama orang tua atau wali") {
			t.Errorf("child consent without guardian: %d", status)
		}
		consent.Set("guardian_name", "Sumarni")
		consent.Set("guardian_relation", "orang_tua")
		if status, _ = h.page(t, c, "POST", page+"/consents", consent); status != http.StatusSeeOther {
			t.Fatalf("record consent: %d", status)
		}
		_, body = h.page(t, c, "GET", page, nil)
		if strings.Contains(body, "Persetujuan belum dicatat") || !strings.Contains(body, "Sumarni") {
			t.Errorf("the page does not show the consent:\n%.3000s", body)
		}
		pc, err := w.store.ConsentOf(context.Background(), w.reach, rina)
		if err != nil || len(pc.Consents) != 1 {
			t.Fatalf("consents: %+v %v", pc, err)
		}
		cid := pc.Consents[0].ID

		// The consent is not Budi's to withdraw; a withdrawal before the
		// consent is refused; then it is withdrawn.
		if status, _ = h.page(t, c, "POST", fmt.Sprintf("/people/%d/consents/%d/withdraw", budi, cid), url.Values{"withdrawn_on": {wibToday()}}); status != http.StatusNotFound {
			t.Errorf("withdrawn through another person: %d", status)
		}
		status, body = h.page(t, c, "POST", fmt.Sprintf("%s/consents/%d/withdraw", page, cid), url.Values{"withdrawn_on": {wibDay(-1)}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, fmt.Sprintf(`id="withdrawn_on-%d-err"`, cid)) {
			t.Errorf("withdrawal before consent: %d", status)
		}
		if status, _ = h.page(t, c, "POST", fmt.Sprintf("%s/consents/%d/withdraw", page, cid), url.Values{"withdrawn_on": {wibToday()}}); status != http.StatusSeeOther {
			t.Fatalf("withdraw: %d", status)
		}
		_, body = h.page(t, c, "GET", page, nil)
		if !strings.Contains(body, "Persetujuan sudah ditarik") || !strings.Contains(body, "Ditarik pada") {
			t.Errorf("the page does not show the withdrawal:\n%.3000s", body)
		}
		// A second withdrawal (a stale page) says the first one stands.
		status, body = h.page(t, c, "POST", fmt.Sprintf("%s/consents/%d/withdraw", page, cid), url.Values{"withdrawn_on": {wibToday()}})
		if status != http.StatusConflict || !strings.Contains(body, "Persetujuan ini sudah ditarik pada "+wibToday()) {
			t.Errorf("second withdrawal: %d", status)
		}
		// Leaving the KK, then leaving again.
		if status, _ = h.page(t, c, "POST", page+"/household/leave", url.Values{"left_on": {wibToday()}}); status != http.StatusSeeOther {
			t.Errorf("leave: %d", status)
		}
		status, body = h.page(t, c, "POST", page+"/household/leave", url.Values{"left_on": {wibToday()}})
		if status != http.StatusConflict || !strings.Contains(body, "tidak sedang tercatat di KK") || !strings.Contains(body, "KK sebelumnya") {
			t.Errorf("leave again: %d", status)
		}

		// In English.
		if status, _ = h.page(t, c, "POST", "/lang", url.Values{"lang": {"en"}, "next": {page}}); status != http.StatusSeeOther {
			t.Fatalf("switch language: %d", status)
		}
		_, body = h.page(t, c, "GET", page, nil)
		if !strings.Contains(body, "Consent withdrawn") || !strings.Contains(body, "Family card (KK)") {
			t.Errorf("the English page:\n%.3000s", body)
		}

		// Another unit's worker cannot open or change any of it.
		other := h.anonymous()
		resp, err := other.PostForm(h.http.URL+"/login", url.Values{"username": {"pekerja.mks.hh"}, "password": {w.makPW}})
		if err != nil || resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in as the Makassar worker: %v %v", resp, err)
		}
		resp.Body.Close()
		before := dbState(t, h)
		for _, x := range []struct {
			path string
			form url.Values
		}{
			{page + "/household", url.Values{"kk": {"7371010012090001"}, "kk_village": {"73.71.01.1001"}, "relation": {"anak"}, "joined_on": {wibToday()}, "move": {"1"}}},
			{page + "/household/leave", url.Values{"left_on": {wibToday()}}},
			{page + "/consents", consent},
			{fmt.Sprintf("%s/consents/%d/withdraw", page, cid), url.Values{"withdrawn_on": {wibToday()}}},
		} {
			if status, _ := h.page(t, other, "POST", x.path, x.form); status != http.StatusNotFound {
				t.Errorf("POST %s by another unit: %d, want 404", x.path, status)
			}
		}
		if status, _ := h.page(t, other, "GET", page, nil); status != http.StatusNotFound {
			t.Errorf("GET %s by another unit: %d", page, status)
		}
		if after := dbState(t, h); after != before {
			t.Errorf("refused requests changed the database: %s → %s", before, after)
		}
	})
}

// Every message key the household and consent code names exists in both
// languages, and so do the keys built at run time and the field labels.
func TestHouseholdCatalogKeys(t *testing.T) {
	keys := map[string]bool{}
	// Prefixes ("consent.guardian_required_" + why) are filled below.
	catalogKeys(t, keys, `"((?:household|consent|kk|date|field|error|person)\.[a-z_.]+)"`,
		"../registry/household.go", "../registry/consent.go", "households.go", "templates/_person_extra.html")
	for _, why := range []string{"child", "capacity"} {
		keys["consent.guardian_required_"+why] = true
	}
	for _, r := range registry.Relations {
		keys["household.relation."+string(r)] = true
	}
	for _, p := range registry.Purposes {
		keys["consent.purpose."+string(p)] = true
	}
	for _, m := range registry.MeansList {
		keys["consent.means."+string(m)] = true
	}
	for _, g := range registry.GuardianRelations {
		keys["consent.guardian."+string(g)] = true
	}
	// Every field an error can name has a label (the UI's error page).
	for _, f := range []string{"kk", "village", "address", "person_id", "relation", "joined_on", "move", "left_on", "purpose",
		"purpose_note", "means", "given_on", "guardian_name", "guardian_relation", "cannot_consent", "cannot_consent_reason",
		"withdrawn_on", "note"} {
		keys["field."+f] = true
	}
	keys["audit.entity.household"], keys["audit.entity.consent"] = true, true
	expectKeys(t, keys, 80)
}

// Helpers of the role × route matrix for the household and consent routes.

// householdState adds households, memberships and consents to dbState.
func householdState(t *testing.T, h *harness) string {
	t.Helper()
	var a, b, c, d int64
	err := h.db.QueryRow(context.Background(), `SELECT (SELECT COUNT(*) FROM household),
		(SELECT COUNT(*) FROM household_member WHERE left_on IS NULL), (SELECT COUNT(*) FROM consent),
		(SELECT COUNT(*) FROM consent WHERE withdrawn_on IS NOT NULL)`).Scan(&a, &b, &c, &d)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf(" households=%d members=%d consents=%d/%d", a, b, c, d)
}

func (fx *fixture) registry() *registry.Store {
	return &registry.Store{DB: fx.h.db, Regions: fx.h.regions}
}

// uniqueKK is a new No. KK of Kec. Sidomukti, Kota Salatiga.
func (fx *fixture) uniqueKK() string {
	fx.n++
	return fmt.Sprintf("337304%010d", fx.n)
}

// household returns the household the fixture person key heads, made once
// in the person's village.
func (fx *fixture) household(key string) int64 {
	if id, ok := fx.households[key]; ok {
		return id
	}
	p := fx.currentPerson(key)
	kk := fmt.Sprintf("%s%02d%08d", strings.ReplaceAll(string(p.Village.Parent()), ".", ""), 1, len(fx.households)+1)
	h, err := fx.registry().CreateHousehold(context.Background(), audit.System("test"), fx.reaches[key], registry.HouseholdInput{
		KK: kk, Village: string(p.Village), PersonID: p.ID, Relation: "kepala_keluarga", JoinedOn: wibToday(), Move: true})
	if err != nil {
		fx.t.Fatalf("household of %s: %v", key, err)
	}
	if fx.households == nil {
		fx.households = map[string]int64{}
	}
	fx.households[key] = h.ID
	return h.ID
}

// currentHousehold reads the household of fixture person key as it now is.
func (fx *fixture) currentHousehold(key string) registry.Household {
	h, err := fx.registry().Household(context.Background(), fx.reaches[key], fx.household(key))
	if err != nil {
		fx.t.Fatalf("household of %s: %v", key, err)
	}
	return h
}

// uniqueAddress is a new street address, so that each correction changes
// the household.
func (fx *fixture) uniqueAddress() string {
	fx.n++
	return fmt.Sprintf("Jl. Koreksi %d", fx.n)
}

// ensureMember puts the fixture person key on a new KK unless they are on one.
func (fx *fixture) ensureMember(key string) {
	ctx := context.Background()
	ph, err := fx.registry().PersonHousehold(ctx, fx.reaches[key], fx.people[key])
	if err != nil {
		fx.t.Fatal(err)
	}
	if ph.Current != nil {
		return
	}
	p := fx.currentPerson(key)
	fx.n++
	kk := fmt.Sprintf("%s%010d", strings.ReplaceAll(string(p.Village.Parent()), ".", ""), fx.n)
	if _, err := fx.registry().CreateHousehold(ctx, audit.System("test"), fx.reaches[key], registry.HouseholdInput{
		KK: kk, Village: string(p.Village), PersonID: p.ID, Relation: "famili_lain", JoinedOn: wibToday()}); err != nil {
		fx.t.Fatalf("household of %s: %v", key, err)
	}
}

// consentOf records a new consent of the fixture person key.
func (fx *fixture) consentOf(key string) int64 {
	c, err := fx.registry().RecordConsent(context.Background(), audit.System("test"), fx.reaches[key], fx.people[key],
		registry.ConsentInput{Purpose: "layanan_rehabilitasi_sosial", Means: "lisan", GivenOn: "2020-01-01"})
	if err != nil {
		fx.t.Fatalf("consent of %s: %v", key, err)
	}
	return c.ID
}

// freshPerson registers a new person with the demo unit key, in the
// village of that unit's fixture person.
func (fx *fixture) freshPerson(key string) int64 {
	fx.n++
	s, err := fx.registry().Create(context.Background(), audit.System("test"), fx.reaches[key], registry.Input{
		Name: fmt.Sprintf("Anak Uji %d", fx.n), Sex: "P", BirthYear: 2010, Village: string(fx.currentPerson(key).Village)})
	if err != nil {
		fx.t.Fatalf("person of %s: %v", key, err)
	}
	return s.Person.ID
}

// A household's KK number, village and address are corrected by PATCH and
// by the form on the record page: checked as at creation, refused when
// stale, audited, and shown in the history of its members.
func TestHouseholdCorrect(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		w := newHHWorld(t, h)
		budi := w.person(t, "Budi Santoso", "1970-02-01")
		r := h.api(t, access.Worker, "POST", "/api/v1/households", map[string]any{"kk": "3373040012090001", "village": "33.73.04.1001",
			"address": "Jl. Kartini 5", "person_id": budi, "relation": "kepala_keluarga", "joined_on": "2009-05-12"})
		var hh hhHousehold
		r.decode(t, &hh)
		if r.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		other := h.api(t, access.Worker, "POST", "/api/v1/households", map[string]any{"kk": "3373040012090002", "village": "33.73.04.1001"})
		var oh hhHousehold
		other.decode(t, &oh)
		path := fmt.Sprintf("/api/v1/households/%d", hh.ID)

		// Without a version, with another household's KK, stale, out of reach.
		r = h.api(t, access.Worker, "PATCH", path, map[string]any{"kk": "3373040012090011"})
		if f := problemFields(t, r); r.Status != http.StatusUnprocessableEntity || f["version"] == "" {
			t.Errorf("no version: %d %s", r.Status, r.Body)
		}
		r = h.api(t, access.Worker, "PATCH", path, map[string]any{"kk": "3373 0400 1209 0002", "version": hh.Version})
		if f := problemFields(t, r); r.Status != http.StatusUnprocessableEntity || f["kk"] != h.cat.T(i18n.ID, "kk.taken", oh.ID) {
			t.Errorf("KK of another household: %d %s", r.Status, r.Body)
		}
		r = h.api(t, access.Worker, "PATCH", path, map[string]any{"kk": "3373040012090011", "version": hh.Version + 1})
		if r.Status != http.StatusConflict {
			t.Errorf("stale version: %d %s", r.Status, r.Body)
		}
		r = h.api(t, w.other, "PATCH", path, map[string]any{"kk": "3373040012090011", "version": hh.Version})
		if r.Status != http.StatusNotFound {
			t.Errorf("out of reach: %d %s", r.Status, r.Body)
		}
		// The typo corrected; the fields left out keep their value.
		r = h.api(t, access.Worker, "PATCH", path, map[string]any{"kk": "3373040012090011", "version": hh.Version})
		var got struct {
			hhHousehold
			Address string `json:"address"`
		}
		r.decode(t, &got)
		if r.Status != http.StatusOK || got.KK != "3373040012090011" || got.Address != "Jl. Kartini 5" || got.Village != "33.73.04.1001" ||
			got.Version != hh.Version+1 || len(got.Members) != 1 {
			t.Errorf("correction: %d %s", r.Status, r.Body)
		}
		items, err := audit.List(context.Background(), h.db, audit.Filter{All: true, Entity: "household", EntityID: strconv.FormatInt(hh.ID, 10), Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(items) == 0 || items[0].Action != audit.Update || items[0].Before == nil || !strings.Contains(*items[0].Before, "3373040012090001") ||
			items[0].After == nil || !strings.Contains(*items[0].After, "3373040012090011") || items[0].ActorName != h.accounts[access.Worker].Username {
			t.Errorf("audit of the correction: %+v", items)
		}

		// The form on Budi's record page.
		c := h.browser(access.Worker)
		page := fmt.Sprintf("/people/%d", budi)
		status, body := h.page(t, c, "GET", page, nil)
		if status != http.StatusOK || !strings.Contains(body, `action="`+page+`/household/correct"`) ||
			!strings.Contains(body, `name="household_id" value="`+strconv.FormatInt(hh.ID, 10)+`"`) ||
			!strings.Contains(body, `id="hh-kk" name="kk" value="3373040012090011"`) {
			t.Fatalf("record page without the correction form: %d\n%s", status, body)
		}
		form := url.Values{"household_id": {strconv.FormatInt(hh.ID, 10)}, "version": {strconv.Itoa(got.Version)},
			"kk": {"3373040012090011"}, "hh_village": {"33.73.04.1001"}, "address": {"Jl. Kartini 15"}}
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("kk", "33730400120900")
		status, body = h.page(t, c, "POST", page+"/household/correct", bad)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="hh-kk-err"`) || !strings.Contains(body, `value="33730400120900"`) {
			t.Errorf("malformed KK in the correction: %d\n%s", status, body)
		}
		bad = url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("version", strconv.Itoa(got.Version-1))
		status, body = h.page(t, c, "POST", page+"/household/correct", bad)
		if status != http.StatusConflict || !strings.Contains(body, html.EscapeString(h.cat.T(i18n.ID, "error.stale_version"))) {
			t.Errorf("stale correction: %d\n%s", status, body)
		}
		if status, _ = h.page(t, c, "POST", page+"/household/correct", form); status != http.StatusSeeOther {
			t.Fatalf("correction by the form: %d", status)
		}
		// The record's history tells the KK story beside the record's own changes.
		_, body = h.page(t, c, "GET", page, nil)
		for _, want := range []string{h.cat.T(i18n.ID, "history.household_corrected", "3373 0400 1209 0011"),
			h.cat.T(i18n.ID, "history.household_joined", "3373 0400 1209 0001"), "Jl. Kartini 15"} {
			if !strings.Contains(body, html.EscapeString(want)) {
				t.Errorf("record page lacks %q:\n%s", want, body)
			}
		}
	})
}

package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/demo"
	"github.com/layan-id/layan/internal/i18n"
	"github.com/layan-id/layan/internal/registry"
	"github.com/layan-id/layan/internal/wilayah"
)

// The people registry over HTTP, end to end on both engines: a worker
// registers, finds, edits and deactivates people by the API and by the UI;
// bad input is refused naming the field; the reach of each account holds;
// other roles see counts only; every opening of a record is audited.

// makassarWorker keys a worker of Dinas Sosial Kota Makassar in h.accounts
// and h.tokens; the demo has workers in Salatiga only.
const makassarWorker access.Role = "worker.makassar"

func addMakassarWorker(t *testing.T, h *harness) {
	t.Helper()
	ctx := context.Background()
	u, pw, err := access.CreateUser(ctx, h.db, audit.System("test"), access.Scope{All: true},
		access.UserInput{Username: "pekerja.makassar", FullName: "Andi Tenri (uji)", Role: access.Worker,
			UnitID: unitID(t, h, "Dinas Sosial Kota Makassar")})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := access.CreateToken(ctx, h.db, u.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	h.accounts[makassarWorker] = demo.Account{Username: u.Username, Role: access.Worker, Password: pw}
	h.tokens[makassarWorker] = tok
}

// NIKs of people registered in Kecamatan Sidomukti, Kota Salatiga
// (33.73.04): Siti, a woman born 12-03-1975 (day + 40), and Budi, a man
// born 01-05-1980. Serials from 9001 keep them apart from the demo's
// synthetic people, whose serials count from 0001; their surnames keep a
// search for them short.
const (
	nikSiti  = "3373045203759001"
	nikBudi  = "3373040105809002"
	nameSiti = "Siti Aminah Soedarsono"
	nameBudi = "Budi Santoso Wirjoatmodjo"
)

// validPerson is the JSON of Siti Aminah, with changes (nil deletes).
func validPerson(changes map[string]any) map[string]any {
	m := map[string]any{"nik": nikSiti, "name": nameSiti, "sex": "P", "birth_date": "1975-03-12",
		"birth_place": "Salatiga", "village": "33.73.04.1001", "address": "Jl. Kecandran RT 02/RW 01",
		"categories": []string{"fakir_miskin", "perempuan_rawan_sosial_ekonomi"}, "phone": "0812-2650-1234"}
	for k, v := range changes {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	return m
}

type savedPerson struct {
	Person   registry.Person `json:"person"`
	Warnings []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"warnings"`
}

type personList struct {
	Items []registry.Person `json:"items"`
	Total int               `json:"total"`
	More  bool              `json:"more"`
	Page  int               `json:"page"`
	Size  int               `json:"size"`
}

// createPerson registers a person by the API as role and returns it.
func createPerson(t *testing.T, h *harness, role access.Role, body map[string]any) savedPerson {
	t.Helper()
	r := h.api(t, role, "POST", "/api/v1/people", body)
	if r.Status != http.StatusCreated {
		t.Fatalf("create %v as %s: status %d\n%s", body["name"], role, r.Status, r.Body)
	}
	var s savedPerson
	r.decode(t, &s)
	if want := "/api/v1/people/" + strconv.FormatInt(s.Person.ID, 10); r.Header.Get("Location") != want {
		t.Errorf("Location %q, want %q", r.Header.Get("Location"), want)
	}
	return s
}

// searchIDs returns the ids a search finds, as role, on every page (the
// demo data holds a few thousand people besides the test's own).
func searchIDs(t *testing.T, h *harness, role access.Role, query string) []int64 {
	t.Helper()
	var ids []int64
	for page := 1; page <= 50; page++ {
		r := h.api(t, role, "GET", fmt.Sprintf("/api/v1/people?%s&size=100&page=%d", query, page), nil)
		if r.Status != http.StatusOK {
			t.Fatalf("search %s: status %d\n%s", query, r.Status, r.Body)
		}
		var l personList
		r.decode(t, &l)
		for _, p := range l.Items {
			ids = append(ids, p.ID)
		}
		if len(l.Items) < 100 || len(ids) >= l.Total {
			break
		}
	}
	return ids
}

func hasID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func personCount(t *testing.T, h *harness) int {
	t.Helper()
	var n int
	if err := h.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM person").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// reads counts the audit records of openings of a person's record.
func reads(t *testing.T, h *harness, id int64) int {
	t.Helper()
	var n int
	err := h.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE entity = ? AND entity_id = ? AND action = ?",
		"person", strconv.FormatInt(id, 10), audit.Read).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPeopleAPI(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		salatiga := unitID(t, h, "Dinas Sosial Kota Salatiga")

		// A person whose NIK agrees with sex and birth date: no warnings.
		siti := createPerson(t, h, access.Worker, validPerson(nil))
		p := siti.Person
		if len(siti.Warnings) != 0 {
			t.Errorf("warnings for a consistent NIK: %+v", siti.Warnings)
		}
		if p.NIK != nikSiti || p.Name != nameSiti || p.Sex != registry.Female || p.BirthDate != "1975-03-12" ||
			p.BirthYear != 1975 || p.BirthYearEstimated || p.Village != "33.73.04.1001" || p.UnitID != salatiga ||
			!p.Active || p.Version != 1 || len(p.Categories) != 2 || p.DuplicateOf != 0 {
			t.Errorf("stored person %+v", p)
		}

		// The same NIK again is refused, naming the field and the record.
		before := personCount(t, h)
		r := h.api(t, access.Worker, "POST", "/api/v1/people", validPerson(map[string]any{"nik": "3373 0452 0375 9001", "name": "Siti Aminah Soedarsono Lagi"}))
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("duplicate NIK: status %d\n%s", r.Status, r.Body)
		}
		var pr problem
		r.decode(t, &pr)
		idText := "#" + strconv.FormatInt(p.ID, 10)
		if len(pr.Errors) == 0 || pr.Errors[0].Field != "nik" || !strings.Contains(pr.Errors[0].Detail, idText) ||
			!strings.Contains(pr.Detail, idText) {
			t.Errorf("duplicate NIK problem does not name the field and record %s: %s", idText, r.Body)
		}
		if personCount(t, h) != before {
			t.Error("a refused duplicate was stored")
		}
		// Confirmed, it is kept as a separate record pointing at the first.
		dup := createPerson(t, h, access.Worker, validPerson(map[string]any{"confirm_duplicate": true}))
		if dup.Person.DuplicateOf != p.ID {
			t.Errorf("confirmed duplicate: duplicate_of %d, want %d", dup.Person.DuplicateOf, p.ID)
		}
		if len(dup.Warnings) != 1 || dup.Warnings[0].Field != "nik" || !strings.Contains(dup.Warnings[0].Message, idText) {
			t.Errorf("confirmed duplicate warnings %+v", dup.Warnings)
		}

		// A NIK that disagrees with sex and birth date is stored as entered,
		// with warnings on those fields; an old kecamatan code with a note.
		odd := createPerson(t, h, access.Worker, validPerson(map[string]any{"nik": nikBudi, "name": nameBudi,
			"sex": "P", "birth_date": "1981-05-01"}))
		fields := map[string]bool{}
		for _, w := range odd.Warnings {
			fields[w.Field] = true
			if w.Message == "" || catalogKey.MatchString(w.Message) {
				t.Errorf("warning not translated: %+v", w)
			}
		}
		if !fields["sex"] || !fields["birth_date"] || odd.Person.Sex != registry.Female || odd.Person.BirthDate != "1981-05-01" {
			t.Errorf("NIK mismatch: warnings %+v, stored %+v", odd.Warnings, odd.Person)
		}
		old := createPerson(t, h, access.Worker, validPerson(map[string]any{"nik": "3373995203759003", "name": "Sri Wahyuni Kartodirdjo"}))
		if len(old.Warnings) != 1 || old.Warnings[0].Field != "nik" || !strings.Contains(old.Warnings[0].Message, "33.73.99") {
			t.Errorf("old kecamatan code: warnings %+v", old.Warnings)
		}
		// English warnings for an English client.
		req := validPerson(map[string]any{"nik": "3373040105809004", "name": "Bambang Kartodirdjo", "sex": "P", "birth_date": "1980-05-01"})
		r = apiLang(t, h, access.Worker, "en", "POST", "/api/v1/people", req)
		var en savedPerson
		r.decode(t, &en)
		if r.Status != http.StatusCreated || len(en.Warnings) != 1 || en.Warnings[0].Message != h.cat.T(i18n.EN, "nik.warn_sex", "L", "P") {
			t.Errorf("English warning: %d %s", r.Status, r.Body)
		}

		// Without NIK, with an estimated year, several categories.
		rizky := createPerson(t, h, access.Worker, map[string]any{"name": "Muhammad Rizky Tjokroaminoto", "sex": "L",
			"birth_year": 1990, "village": "3373041001", "categories": []string{"ANAK_JALANAN", "gelandangan"},
			"disabilities": []string{"fisik"}, "aliases": []string{"Kiki Cokro"}})
		if rp := rizky.Person; rp.NIK != "" || rp.BirthYear != 1990 || !rp.BirthYearEstimated || rp.BirthDate != "" ||
			rp.Village != "33.73.04.1001" || strings.Join(rp.Categories, ",") != "anak_jalanan,gelandangan" {
			t.Errorf("stored %+v", rp)
		}

		// Reading a record.
		r = h.api(t, access.Worker, "GET", fmt.Sprintf("/api/v1/people/%d", p.ID), nil)
		var got registry.Person
		r.decode(t, &got)
		if r.Status != http.StatusOK || got.ID != p.ID || got.NIK != nikSiti {
			t.Errorf("get: %d %s", r.Status, r.Body)
		}

		// Search: a misspelt name, a NIK (grouped as on a card), a year, a
		// name with a year; filters by region, category and status.
		for _, c := range []struct {
			query string
			want  []int64
			not   []int64
		}{
			{"q=" + url.QueryEscape("mochamad rizki cokroaminoto"), []int64{rizky.Person.ID}, []int64{p.ID}},
			{"q=" + url.QueryEscape("Rizki Muhamad Cokroaminoto"), []int64{rizky.Person.ID}, nil},
			{"q=" + url.QueryEscape("kiki tjokro"), []int64{rizky.Person.ID}, nil},
			{"q=" + url.QueryEscape("sity aminah sudarsono"), []int64{p.ID, dup.Person.ID}, []int64{rizky.Person.ID}},
			{"q=" + nikSiti, []int64{p.ID, dup.Person.ID}, []int64{odd.Person.ID}},
			{"q=" + url.QueryEscape("3373 0452 0375 9001"), []int64{p.ID}, nil},
			{"q=1990", []int64{rizky.Person.ID}, []int64{p.ID}},
			{"q=" + url.QueryEscape("soedarsono 1975"), []int64{p.ID}, []int64{rizky.Person.ID}},
			{"q=" + url.QueryEscape("soedarsono 1976"), nil, []int64{p.ID}},
			{"q=soedarsono&region=33.73", []int64{p.ID}, nil},
			{"q=soedarsono&region=3373", []int64{p.ID}, nil},
			{"q=soedarsono&region=73.71", nil, []int64{p.ID}},
			{"region=33.73.04.1001&category=anak_jalanan", []int64{rizky.Person.ID}, []int64{p.ID}},
			{"q=cokroaminoto&category=fakir_miskin", nil, []int64{rizky.Person.ID}},
			{"category=fakir_miskin&q=siti+soedarsono", []int64{p.ID}, []int64{rizky.Person.ID}},
		} {
			ids := searchIDs(t, h, access.Worker, c.query)
			for _, id := range c.want {
				if !hasID(ids, id) {
					t.Errorf("search %s: %v lacks %d", c.query, ids, id)
				}
			}
			for _, id := range c.not {
				if hasID(ids, id) {
					t.Errorf("search %s: %v holds %d", c.query, ids, id)
				}
			}
		}
		r = h.api(t, access.Worker, "GET", "/api/v1/people?q=kartodirdjo&size=1&page=2", nil)
		var l personList
		r.decode(t, &l)
		if l.Page != 2 || l.Size != 1 || l.Total != 2 || len(l.Items) != 1 || l.More {
			t.Errorf("page 2 of 2: %+v", l)
		}

		// PATCH: fields left out keep their value; version is required; a
		// stale version is refused.
		path := fmt.Sprintf("/api/v1/people/%d", p.ID)
		r = h.api(t, access.Worker, "PATCH", path, map[string]any{"version": 1, "phone": "0298 321 000", "disabilities": []string{"sensorik"}})
		var upd savedPerson
		r.decode(t, &upd)
		if r.Status != http.StatusOK || upd.Person.Version != 2 || upd.Person.Phone != "0298 321 000" || upd.Person.Name != nameSiti ||
			upd.Person.NIK != nikSiti || upd.Person.BirthDate != "1975-03-12" || len(upd.Person.Categories) != 2 ||
			strings.Join(upd.Person.Disabilities, ",") != "sensorik" || len(upd.Warnings) != 0 {
			t.Errorf("patch: %d %s", r.Status, r.Body)
		}
		if r = h.api(t, access.Worker, "PATCH", path, map[string]any{"version": 1, "name": "Siti Aminah Basri"}); r.Status != http.StatusConflict {
			t.Errorf("stale patch: status %d, want 409", r.Status)
		}
		if r = h.api(t, access.Worker, "PATCH", path, map[string]any{"name": "Siti Aminah Basri"}); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(string(r.Body), `"field":"version"`) {
			t.Errorf("patch without version: status %d %s", r.Status, r.Body)
		}

		// Deactivation needs a reason; inactive people leave the search
		// unless asked for; reactivation brings them back.
		if r = h.api(t, access.Worker, "POST", path+"/deactivate", map[string]any{"version": 2}); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(string(r.Body), `"field":"reason"`) {
			t.Errorf("deactivate without reason: %d %s", r.Status, r.Body)
		}
		r = h.api(t, access.Worker, "POST", path+"/deactivate", map[string]any{"reason": "pindah", "note": "Pindah ke Boyolali", "version": 2})
		var gone registry.Person
		r.decode(t, &gone)
		if r.Status != http.StatusOK || gone.Active || gone.InactiveReason != registry.Moved || gone.InactiveNote != "Pindah ke Boyolali" || gone.Version != 3 {
			t.Errorf("deactivate: %d %s", r.Status, r.Body)
		}
		if ids := searchIDs(t, h, access.Worker, "q=siti+soedarsono"); hasID(ids, p.ID) {
			t.Errorf("inactive person found without inactive=true")
		}
		if ids := searchIDs(t, h, access.Worker, "q=siti+soedarsono&inactive=true"); !hasID(ids, p.ID) {
			t.Errorf("inactive person not found with inactive=true")
		}
		if r = h.api(t, access.Worker, "POST", path+"/activate", map[string]any{"version": 2}); r.Status != http.StatusConflict {
			t.Errorf("stale activate: %d", r.Status)
		}
		r = h.api(t, access.Worker, "POST", path+"/activate", map[string]any{"version": 3})
		var back registry.Person
		r.decode(t, &back)
		if r.Status != http.StatusOK || !back.Active || back.InactiveReason != "" || back.Version != 4 {
			t.Errorf("activate: %d %s", r.Status, r.Body)
		}

		// The supervisor of the same unit works on the same people.
		if r = h.api(t, access.Supervisor, "GET", path, nil); r.Status != http.StatusOK {
			t.Errorf("supervisor get: %d", r.Status)
		}
	})
}

// apiLang is h.api with an Accept-Language.
func apiLang(t *testing.T, h *harness, role access.Role, lang, method, path string, body any) apiResponse {
	t.Helper()
	req, err := http.NewRequest(method, h.http.URL+path, strings.NewReader(string(rawJSON(t, body))))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", lang)
	req.Header.Set("Authorization", "Bearer "+h.tokens[role])
	return sendChecked(t, http.DefaultClient, req)
}

func TestPeopleBadInputAPI(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		siti := createPerson(t, h, access.Worker, validPerson(nil)).Person
		path := fmt.Sprintf("/api/v1/people/%d", siti.ID)
		long := strings.Repeat("a", 121)
		tooMany := make([]string, 11)
		for i := range tooMany {
			tooMany[i] = fmt.Sprintf("Nama %d", i)
		}
		for _, c := range []struct {
			name, method, path string
			body               any
			status             int
			field              string
			key                string
			args               []any
		}{
			{"NIK of 15 digits", "POST", "", validPerson(map[string]any{"nik": "337304520375001"}), 422, "nik", "nik.length", []any{15}},
			{"NIK of 17 digits", "POST", "", validPerson(map[string]any{"nik": "33730452037500011"}), 422, "nik", "nik.length", []any{17}},
			{"NIK with letters", "POST", "", validPerson(map[string]any{"nik": "33730452O3750001"}), 422, "nik", "nik.digits", []any{"O"}},
			{"NIK with a slash", "POST", "", validPerson(map[string]any{"nik": "3373/0452/0375/0001"}), 422, "nik", "nik.digits", []any{"/"}},
			{"NIK month 13", "POST", "", validPerson(map[string]any{"nik": "3373045213750001"}), 422, "nik", "nik.month", []any{"13"}},
			{"NIK month 00", "POST", "", validPerson(map[string]any{"nik": "3373045200750001"}), 422, "nik", "nik.month", []any{"00"}},
			{"NIK day 00", "POST", "", validPerson(map[string]any{"nik": "3373040003750001"}), 422, "nik", "nik.day", []any{"00"}},
			{"NIK day 32", "POST", "", validPerson(map[string]any{"nik": "3373043203750001"}), 422, "nik", "nik.day", []any{"32"}},
			{"NIK day 72", "POST", "", validPerson(map[string]any{"nik": "3373047203750001"}), 422, "nik", "nik.day", []any{"72"}},
			{"NIK unknown province", "POST", "", validPerson(map[string]any{"nik": "9973045203750001"}), 422, "nik", "nik.province", []any{"99"}},
			{"NIK serial 0000", "POST", "", validPerson(map[string]any{"nik": "3373045203750000"}), 422, "nik", "nik.serial", nil},
			{"future birth date", "POST", "", validPerson(map[string]any{"birth_date": "2999-01-01"}), 422, "birth_date", "person.birth_future", nil},
			{"birth date day first", "POST", "", validPerson(map[string]any{"birth_date": "12-03-1975"}), 422, "birth_date", "field.date_format", nil},
			{"birth date 30 February", "POST", "", validPerson(map[string]any{"birth_date": "1975-02-30"}), 422, "birth_date", "field.date_format", nil},
			{"birth year out of range", "POST", "", validPerson(map[string]any{"birth_date": nil, "birth_year": 1850}), 422, "birth_year", "", nil},
			{"unknown village", "POST", "", validPerson(map[string]any{"village": "33.73.04.9999"}), 422, "village", "region.unknown", []any{"33.73.04.9999"}},
			{"village at kecamatan level", "POST", "", validPerson(map[string]any{"village": "33.73.04"}), 422, "village", "person.village_format", nil},
			{"malformed village", "POST", "", validPerson(map[string]any{"village": "kecandran"}), 422, "village", "person.village_format", nil},
			{"no village", "POST", "", validPerson(map[string]any{"village": nil}), 422, "village", "field.required", nil},
			{"unknown category", "POST", "", validPerson(map[string]any{"categories": []string{"fakir_miskin", "anak_nakal"}}), 422, "categories", "person.category_unknown", []any{"anak_nakal"}},
			{"unknown disability", "POST", "", validPerson(map[string]any{"disabilities": []string{"buta"}}), 422, "disabilities", "person.disability_unknown", []any{"buta"}},
			{"over-long name", "POST", "", validPerson(map[string]any{"name": long}), 422, "name", "field.too_long", []any{120}},
			{"blank name", "POST", "", validPerson(map[string]any{"name": "   "}), 422, "name", "field.required", nil},
			{"unknown sex", "POST", "", validPerson(map[string]any{"sex": "X"}), 422, "sex", "sex.invalid", nil},
			{"no sex", "POST", "", validPerson(map[string]any{"sex": nil}), 422, "sex", "field.required", nil},
			{"too many aliases", "POST", "", validPerson(map[string]any{"aliases": tooMany}), 422, "aliases", "person.too_many_aliases", []any{10}},
			{"phone with letters", "POST", "", validPerson(map[string]any{"phone": "hubungi RT"}), 422, "phone", "unit.phone_format", nil},
			{"invalid UTF-8", "POST", "", []byte(`{"name":"Siti ` + "\xff\xfe" + `","sex":"P","village":"33.73.04.1001"}`), 400, "", "", nil},
			{"name with NUL", "POST", "", validPerson(map[string]any{"name": "Siti\x00Aminah"}), 400, "", "", nil},
			{"categories not an array", "POST", "", validPerson(map[string]any{"categories": "fakir_miskin"}), 400, "categories", "error.json_type", []any{"[]string"}},
			{"birth year as text", "POST", "", validPerson(map[string]any{"birth_year": "1975"}), 400, "birth_year", "", nil},
			{"nik as number", "POST", "", validPerson(map[string]any{"nik": 3373045203750001}), 400, "nik", "", nil},
			{"unknown field", "POST", "", validPerson(map[string]any{"agama": "Islam"}), 400, "agama", "error.json_unknown_field", nil},
			{"version on create", "POST", "", validPerson(map[string]any{"version": 1}), 400, "version", "error.json_unknown_field", nil},
			{"array body", "POST", "", []byte(`[{"name":"Siti"}]`), 400, "", "", nil},
			{"empty body", "POST", "", []byte(``), 400, "", "", nil},
			{"body over 1 MiB", "POST", "", tooLarge(), 413, "", "", nil},

			{"patch stale version", "PATCH", path, map[string]any{"version": 9, "name": "Siti A."}, 409, "", "", nil},
			{"patch without version", "PATCH", path, map[string]any{"name": "Siti A."}, 422, "version", "field.required", nil},
			{"patch NIK month 13", "PATCH", path, map[string]any{"version": 1, "nik": "3373045213750001"}, 422, "nik", "nik.month", []any{"13"}},
			{"patch future birth date", "PATCH", path, map[string]any{"version": 1, "birth_date": "2999-12-31"}, 422, "birth_date", "person.birth_future", nil},
			{"patch unknown category", "PATCH", path, map[string]any{"version": 1, "categories": []string{"x"}}, 422, "categories", "person.category_unknown", []any{"x"}},
			{"patch invalid UTF-8", "PATCH", path, []byte(`{"version":1,"name":"` + "\xc3\x28" + `"}`), 400, "", "", nil},
			{"patch name of wrong type", "PATCH", path, map[string]any{"version": 1, "name": []int{1}}, 400, "name", "", nil},
			{"patch unknown person", "PATCH", "/api/v1/people/999999", map[string]any{"version": 1}, 404, "", "", nil},
			{"deactivate unknown reason", "POST", path + "/deactivate", map[string]any{"reason": "kabur", "version": 1}, 422, "reason", "person.reason_required", nil},
			{"deactivate without version", "POST", path + "/deactivate", map[string]any{"reason": "pindah"}, 422, "version", "field.required", nil},
			{"deactivate stale", "POST", path + "/deactivate", map[string]any{"reason": "pindah", "version": 5}, 409, "", "", nil},
			{"deactivate over-long note", "POST", path + "/deactivate", map[string]any{"reason": "lainnya", "note": strings.Repeat("n", 2001), "version": 1}, 422, "note", "field.too_long", []any{2000}},
			{"activate without version", "POST", path + "/activate", map[string]any{}, 422, "version", "field.required", nil},

			{"search by malformed region", "GET", "/api/v1/people?region=abc", nil, 400, "region", "region.code_format", nil},
			{"search by unknown category", "GET", "/api/v1/people?category=anak_nakal", nil, 400, "category", "person.category_unknown", []any{"anak_nakal"}},
			{"search inactive not a boolean", "GET", "/api/v1/people?inactive=kadang", nil, 400, "inactive", "field.boolean", nil},
			{"search in invalid UTF-8", "GET", "/api/v1/people?q=%C3%28", nil, 400, "q", "field.utf8", nil},
			{"person id not a number", "GET", "/api/v1/people/abc", nil, 404, "", "", nil},
			{"unknown person", "GET", "/api/v1/people/999999", nil, 404, "", "", nil},
		} {
			t.Run(c.name, func(t *testing.T) {
				if c.path == "" {
					c.path = "/api/v1/people"
				}
				before := dbState(t, h)
				r := h.api(t, access.Worker, c.method, c.path, c.body)
				checkNoLeak(t, c.name, r.Body)
				if after := dbState(t, h); after != before {
					t.Errorf("a refused request changed the database: %s → %s", before, after)
				}
				if r.Status != c.status {
					t.Fatalf("status %d, want %d\n%.600s", r.Status, c.status, r.Body)
				}
				var p problem
				r.decode(t, &p)
				if p.Status != c.status || p.Type == "" || p.Detail == "" || catalogKey.MatchString(p.Detail) || strings.Contains(p.Detail, "%!") {
					t.Errorf("problem document incomplete or untranslated: %+v", p)
				}
				if c.field == "" {
					return
				}
				if len(p.Errors) == 0 || p.Errors[0].Field != c.field {
					t.Fatalf("errors do not name field %q first: %s", c.field, r.Body)
				}
				e := p.Errors[0]
				if e.Detail == "" || catalogKey.MatchString(e.Detail) || strings.Contains(e.Detail, "%!") {
					t.Errorf("field %s: detail %q is no message", e.Field, e.Detail)
				}
				if c.key != "" {
					if want := h.cat.T(i18n.ID, c.key, c.args...); e.Detail != want {
						t.Errorf("field %s: detail %q, want %q", e.Field, e.Detail, want)
					}
				}
			})
		}
	})
}

// personIDIn finds the id of the record a page shows (by its edit link).
var editLink = regexp.MustCompile(`href="/people/(\d+)/edit"`)

func personIDIn(t *testing.T, body string) int64 {
	t.Helper()
	m := editLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no record on the page:\n%.2000s", body)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// personForm is the UI form of Siti Aminah, with changes ("" deletes).
func personForm(changes map[string]string) url.Values {
	f := url.Values{"nik": {"3373 0452 0375 9001"}, "name": {nameSiti}, "sex": {"P"}, "birth_date": {"1975-03-12"},
		"village_1": {"33"}, "village_2": {"33.73"}, "village_3": {"33.73.04"}, "village_4": {"33.73.04.1001"},
		"address": {"Jl. Kecandran"}, "categories": {"fakir_miskin", "lanjut_usia_telantar"}, "aliases": {"Bu Siti\nSiti Aminah Basri"}}
	for k, v := range changes {
		if v == "" {
			f.Del(k)
		} else {
			f.Set(k, v)
		}
	}
	return f
}

func TestPeopleUI(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		c := h.browser(access.Worker)
		T := func(key string, args ...any) string { return html.EscapeString(h.cat.T(i18n.ID, key, args...)) }

		status, body := h.page(t, c, "GET", "/people/new", nil)
		if status != http.StatusOK || !strings.Contains(body, `name="nik"`) || !strings.Contains(body, `name="categories"`) ||
			!strings.Contains(body, `<option value="33.73" selected>`) {
			t.Fatalf("new form: %d\n%.2000s", status, body)
		}

		// Register; the record is shown at once.
		status, body = h.page(t, c, "POST", "/people", personForm(nil))
		if status != http.StatusOK || !strings.Contains(body, T("people.created")) || !strings.Contains(body, nikSiti) ||
			!strings.Contains(body, "Kecandran, Sidomukti, Kota Salatiga, Jawa Tengah") || !strings.Contains(body, "Fakir Miskin, Lanjut Usia Telantar") ||
			!strings.Contains(body, "Bu Siti, Siti Aminah Basri") {
			t.Fatalf("create: %d\n%.3000s", status, body)
		}
		first := personIDIn(t, body)

		// The same NIK: the form comes back with the field marked, a link to
		// the record and the box to keep it apart; nothing is stored.
		n := personCount(t, h)
		form := personForm(map[string]string{"name": "Siti Aminah Soedarsono (kedua)"})
		status, body = h.page(t, c, "POST", "/people", form)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="nik" name="nik"`) ||
			!strings.Contains(body, `aria-invalid="true"`) || !strings.Contains(body, fmt.Sprintf(`href="/people/%d"`, first)) ||
			!strings.Contains(body, `name="confirm_duplicate"`) || !strings.Contains(body, T("nik.duplicate", first)) ||
			!strings.Contains(body, T("people.confirm_duplicate")) || !strings.Contains(body, `value="Siti Aminah Soedarsono (kedua)"`) {
			t.Fatalf("duplicate NIK: %d\n%.4000s", status, body)
		}
		if personCount(t, h) != n {
			t.Error("a refused duplicate was stored")
		}
		form.Set("confirm_duplicate", "1")
		status, body = h.page(t, c, "POST", "/people", form)
		if status != http.StatusOK || !strings.Contains(body, fmt.Sprintf(`href="/people/%d"`, first)) ||
			!strings.Contains(body, T("nik.stored_duplicate", first)) {
			t.Fatalf("confirmed duplicate: %d\n%.3000s", status, body)
		}

		// A NIK that disagrees with the entered sex: stored, with the warning
		// shown on the record, then on every later opening (recomputed from
		// the stored record, which stays as entered).
		status, body = h.page(t, c, "POST", "/people", personForm(map[string]string{"nik": nikBudi, "name": nameBudi,
			"sex": "P", "birth_date": "1980-05-01"}))
		if status != http.StatusOK || !strings.Contains(body, T("nik.warn_sex", "L", "P")) {
			t.Fatalf("warning not shown: %d\n%.3000s", status, body)
		}
		budi := personIDIn(t, body)
		if _, again := h.page(t, c, "GET", fmt.Sprintf("/people/%d", budi), nil); !strings.Contains(again, T("nik.warn_sex", "L", "P")) ||
			!strings.Contains(again, T("people.messages")) || !strings.Contains(again, T("person.sex.P")) {
			t.Errorf("the warning is not shown on the next opening:\n%.3000s", again)
		}

		// Bad input: each field named, with its message, the values kept.
		for _, bc := range []struct {
			name   string
			form   url.Values
			field  string
			key    string
			args   []any
			status int
		}{
			{"letters in NIK", personForm(map[string]string{"nik": "3373A45203750001"}), "nik", "nik.digits", []any{"A"}, 422},
			{"NIK day 32", personForm(map[string]string{"nik": "3373043203750001"}), "nik", "nik.day", []any{"32"}, 422},
			{"future birth", personForm(map[string]string{"nik": "", "birth_date": "2999-01-01"}), "birth_date", "person.birth_future", nil, 422},
			{"birth year not a number", personForm(map[string]string{"nik": "", "birth_date": "", "birth_year": "tujuh"}), "birth_year", "person.birth_year_range", nil, 422},
			{"no village chosen", personForm(map[string]string{"village_4": "", "nik": ""}), "village", "person.village_format", nil, 422},
			{"no sex", personForm(map[string]string{"sex": "", "nik": ""}), "sex", "field.required", nil, 422},
			{"unknown category", personForm(map[string]string{"categories": "anak_nakal", "nik": ""}), "categories", "person.category_unknown", []any{"anak_nakal"}, 422},
			{"over-long name", personForm(map[string]string{"name": strings.Repeat("x", 121), "nik": ""}), "name", "field.too_long", []any{120}, 422},
		} {
			t.Run(bc.name, func(t *testing.T) {
				before := dbState(t, h)
				x := postForm(t, h, c, "/people", bc.form)
				b := string(x.body)
				checkNoLeak(t, bc.name, x.body)
				if after := dbState(t, h); after != before {
					t.Errorf("refused form changed the database: %s → %s", before, after)
				}
				if x.status != bc.status {
					t.Fatalf("status %d, want %d", x.status, bc.status)
				}
				msg := h.cat.T(i18n.ID, bc.key, bc.args...)
				if bc.key == "person.birth_year_range" {
					msg = h.cat.T(i18n.ID, bc.key, registryYear())
				}
				if !strings.Contains(b, `id="`+bc.field+`-err"`) || !strings.Contains(b, html.EscapeString(msg)) {
					t.Errorf("field %s not marked with %q:\n%.4000s", bc.field, msg, b)
				}
			})
		}
		// Invalid UTF-8 in a field: named, the form shown again.
		x := post(t, h, c, "/people", "application/x-www-form-urlencoded",
			[]byte("name=Siti%FF&sex=P&village=33.73.04.1001"))
		if x.status != http.StatusUnprocessableEntity || !strings.Contains(string(x.body), `id="name-err"`) {
			t.Errorf("invalid UTF-8: %d\n%.2000s", x.status, x.body)
		}

		// Search: the one box finds by a misspelt name, by NIK, by year.
		for _, q := range []string{"sity aminah sudarsono", nikSiti, "soedarsono 1975", "boedi santoso wiryoatmojo"} {
			_, body = h.page(t, c, "GET", "/people?q="+url.QueryEscape(q), nil)
			want := fmt.Sprintf(`href="/people/%d"`, first)
			if strings.HasPrefix(q, "boedi") {
				want = fmt.Sprintf(`href="/people/%d"`, budi)
			}
			if !strings.Contains(body, want) {
				t.Errorf("search %q does not list the person:\n%.3000s", q, body)
			}
		}
		_, body = h.page(t, c, "GET", "/people?q=siti+soedarsono&region_1=33&region_2=33.73&category=fakir_miskin", nil)
		if !strings.Contains(body, fmt.Sprintf(`href="/people/%d"`, first)) || !strings.Contains(body, `<option value="fakir_miskin" selected>`) {
			t.Errorf("filtered search:\n%.3000s", body)
		}
		_, body = h.page(t, c, "GET", "/people?q=siti+soedarsono&region=73.71", nil)
		if strings.Contains(body, fmt.Sprintf(`href="/people/%d"`, first)) {
			t.Errorf("search in Makassar lists a Salatiga person")
		}

		// Edit: the form holds the record; a save shows it again; a stale
		// save comes back with 409 and the reason.
		path := fmt.Sprintf("/people/%d", first)
		status, body = h.page(t, c, "GET", path+"/edit", nil)
		if status != http.StatusOK || !strings.Contains(body, `name="version" value="1"`) || !strings.Contains(body, `value="`+nameSiti+`"`) ||
			!strings.Contains(body, `value="fakir_miskin" checked`) || !strings.Contains(body, "Bu Siti\nSiti Aminah Basri") {
			t.Fatalf("edit form: %d\n%.3000s", status, body)
		}
		edit := personForm(map[string]string{"phone": "0298 999", "version": "1"})
		status, body = h.page(t, c, "POST", path, edit)
		if status != http.StatusOK || !strings.Contains(body, T("saved")) || !strings.Contains(body, "0298 999") {
			t.Fatalf("update: %d\n%.3000s", status, body)
		}
		status, body = h.page(t, c, "POST", path, edit)
		if status != http.StatusConflict || !strings.Contains(body, T("error.stale_version")) || !strings.Contains(body, `value="0298 999"`) {
			t.Errorf("stale update: %d\n%.3000s", status, body)
		}

		// Deactivate: a reason is required; then the record says why and
		// offers reactivation.
		status, body = h.page(t, c, "POST", path+"/active", url.Values{"active": {"0"}, "version": {"2"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="reason-err"`) || !strings.Contains(body, T("person.reason_required")) {
			t.Errorf("deactivate without reason: %d\n%.3000s", status, body)
		}
		x = postForm(t, h, c, path+"/active", url.Values{"active": {"0"}, "reason": {"meninggal"}, "note": {"Akta kematian 2025"}, "version": {"2"}})
		if x.status != http.StatusSeeOther || x.header.Get("Location") != path+"?saved=1" {
			t.Fatalf("deactivate: %d %q", x.status, x.header.Get("Location"))
		}
		_, body = h.page(t, c, "GET", path, nil)
		if !strings.Contains(body, T("person.reason.meninggal")) || !strings.Contains(body, "Akta kematian 2025") ||
			!strings.Contains(body, T("people.activate")) {
			t.Errorf("inactive record:\n%.3000s", body)
		}
		if _, body = h.page(t, c, "GET", "/people?q=siti+soedarsono", nil); strings.Contains(body, fmt.Sprintf(`href="/people/%d"`, first)) {
			t.Error("an inactive person is listed without the box ticked")
		}
		if _, body = h.page(t, c, "GET", "/people?q=siti+soedarsono&inactive=true", nil); !strings.Contains(body, fmt.Sprintf(`href="/people/%d"`, first)) {
			t.Error("an inactive person is not listed with the box ticked")
		}
		x = postForm(t, h, c, path+"/active", url.Values{"active": {"1"}, "version": {"3"}})
		if x.status != http.StatusSeeOther {
			t.Errorf("reactivate: %d", x.status)
		}
	})
}

// registryYear is this year, the upper bound of an estimated birth year.
func registryYear() int {
	return todayWIB().Year()
}

// Every people page renders for a worker in both languages, in the
// language asked for, without a raw catalog key.
func TestPeoplePagesRender(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		p := createPerson(t, h, access.Worker, validPerson(map[string]any{"disabilities": []string{"fisik", "mental"}})).Person
		c := h.browser(access.Worker)
		rawKey := regexp.MustCompile(`>\s*(people|person|nik|field)\.[a-z_.]+\s*<`)
		for _, lang := range []string{"id", "en"} {
			x := postForm(t, h, c, "/lang", url.Values{"lang": {lang}, "next": {"/"}})
			if x.status != http.StatusSeeOther {
				t.Fatalf("lang: %d", x.status)
			}
			for _, path := range []string{"/", "/people", "/people?q=siti", "/people?q=tak+ada+orang+ini", "/people/new",
				fmt.Sprintf("/people/%d", p.ID), fmt.Sprintf("/people/%d/edit", p.ID), "/people?region=33.73.04&inactive=true&category=fakir_miskin"} {
				status, body := h.page(t, c, "GET", path, nil)
				if status != http.StatusOK || strings.Contains(body, "internal error") {
					t.Errorf("%s %s: %d", lang, path, status)
				}
				if !strings.Contains(body, `<html lang="`+lang+`">`) {
					t.Errorf("%s %s: not marked lang=%s", lang, path, lang)
				}
				if m := rawKey.FindString(body); m != "" {
					t.Errorf("%s %s: raw key %s", lang, path, m)
				}
				if strings.Contains(body, "%!") {
					t.Errorf("%s %s: a message with wrong arguments", lang, path)
				}
			}
			_, body := h.page(t, c, "GET", fmt.Sprintf("/people/%d", p.ID), nil)
			want := map[string][]string{"id": {"Perempuan", "Fakir Miskin", "Penyandang Disabilitas fisik", "12-03-1975"},
				"en": {"Female", "Poor and destitute people", "Physical", "Mental", "12-03-1975"}}[lang]
			for _, w := range want {
				if !strings.Contains(body, w) {
					t.Errorf("%s record lacks %q", lang, w)
				}
			}
			_, body = h.page(t, c, "GET", "/", nil)
			if !strings.Contains(body, `href="/people"`) || !strings.Contains(body, h.cat.T(i18n.Parse(lang), "nav.people")) {
				t.Errorf("%s home: no link to the registry", lang)
			}
		}
	})
}

// A worker opens only the people of their reach: the Salatiga worker does
// not find, open, change or deactivate a person a Makassar worker
// registered in Makassar, by API or UI, and the other way round.
func TestPeopleReach(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		addMakassarWorker(t, h)
		daeng := createPerson(t, h, makassarWorker, map[string]any{"name": "Daeng Mappuji", "sex": "L", "birth_year": 1955,
			"village": string(firstVillage(t, h, "73.71")), "categories": []string{"lanjut_usia_telantar"}}).Person
		siti := createPerson(t, h, access.Worker, validPerson(nil)).Person
		if daeng.UnitID != unitID(t, h, "Dinas Sosial Kota Makassar") {
			t.Errorf("Makassar person linked to unit %d", daeng.UnitID)
		}

		for _, c := range []struct {
			role    access.Role
			mine    registry.Person
			theirs  registry.Person
			browser bool
		}{{access.Worker, siti, daeng, true}, {access.Supervisor, siti, daeng, true}, {makassarWorker, daeng, siti, false}} {
			t.Run(string(c.role), func(t *testing.T) {
				own := fmt.Sprintf("/api/v1/people/%d", c.mine.ID)
				other := fmt.Sprintf("/api/v1/people/%d", c.theirs.ID)
				if r := h.api(t, c.role, "GET", own, nil); r.Status != http.StatusOK {
					t.Errorf("own person: %d", r.Status)
				}
				before := dbState(t, h)
				for _, rq := range []struct {
					method, path string
					body         any
				}{
					{"GET", other, nil},
					{"PATCH", other, map[string]any{"version": 1, "name": "Nama Baru"}},
					{"POST", other + "/deactivate", map[string]any{"reason": "pindah", "version": 1}},
					{"POST", other + "/activate", map[string]any{"version": 1}},
				} {
					r := h.api(t, c.role, rq.method, rq.path, rq.body)
					if r.Status != http.StatusNotFound {
						t.Errorf("%s %s outside the reach: %d, want 404", rq.method, rq.path, r.Status)
					}
					if strings.Contains(string(r.Body), c.theirs.Name) {
						t.Errorf("%s %s names the person", rq.method, rq.path)
					}
				}
				if after := dbState(t, h); after != before {
					t.Errorf("refused requests changed the database: %s → %s", before, after)
				}
				for _, q := range []string{"", "q=" + url.QueryEscape(c.theirs.Name), "inactive=true", "region=" + string(c.theirs.Village)} {
					if ids := searchIDs(t, h, c.role, q); hasID(ids, c.theirs.ID) {
						t.Errorf("search %q finds a person outside the reach", q)
					}
				}
				if ids := searchIDs(t, h, c.role, "q="+url.QueryEscape(c.mine.Name)); !hasID(ids, c.mine.ID) {
					t.Errorf("the list lacks the caller's own person")
				}
				if !c.browser {
					return
				}
				b := h.browser(c.role)
				for _, path := range []string{fmt.Sprintf("/people/%d", c.theirs.ID), fmt.Sprintf("/people/%d/edit", c.theirs.ID)} {
					if status, body := h.page(t, b, "GET", path, nil); status != http.StatusNotFound || strings.Contains(body, c.theirs.Name) {
						t.Errorf("GET %s outside the reach: %d", path, status)
					}
				}
				x := postForm(t, h, b, fmt.Sprintf("/people/%d", c.theirs.ID), url.Values{"name": {"Nama Baru"}, "sex": {"L"},
					"village": {string(c.theirs.Village)}, "version": {"1"}})
				if x.status != http.StatusNotFound {
					t.Errorf("UI update outside the reach: %d", x.status)
				}
				x = postForm(t, h, b, fmt.Sprintf("/people/%d/active", c.theirs.ID), url.Values{"active": {"0"}, "reason": {"pindah"}, "version": {"1"}})
				if x.status != http.StatusNotFound {
					t.Errorf("UI deactivate outside the reach: %d", x.status)
				}
				if _, body := h.page(t, b, "GET", "/people?q="+url.QueryEscape(c.theirs.Name), nil); strings.Contains(body, fmt.Sprintf(`href="/people/%d"`, c.theirs.ID)) {
					t.Errorf("the UI list shows a person outside the reach")
				}
				if after := dbState(t, h); after != before {
					t.Errorf("refused UI requests changed the database: %s → %s", before, after)
				}
			})
		}
	})
}

// Planners, verifiers, national viewers and admins open no personal record:
// 403 on every people route, by API and UI; their home page shows the count
// of active people in their scope.
func TestPeopleOtherRolesSeeCountsOnly(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		addMakassarWorker(t, h)
		siti := createPerson(t, h, access.Worker, validPerson(nil)).Person
		createPerson(t, h, access.Worker, validPerson(map[string]any{"nik": nikBudi, "name": nameBudi, "sex": "L", "birth_date": "1980-05-01"}))
		gone := createPerson(t, h, access.Worker, validPerson(map[string]any{"nik": nil, "name": "Sri Lestari Kartodirdjo"})).Person
		if r := h.api(t, access.Worker, "POST", fmt.Sprintf("/api/v1/people/%d/deactivate", gone.ID), map[string]any{"reason": "meninggal", "version": 1}); r.Status != http.StatusOK {
			t.Fatalf("deactivate: %d", r.Status)
		}
		createPerson(t, h, makassarWorker, map[string]any{"name": "Daeng Mappuji", "sex": "L", "village": string(firstVillage(t, h, "73.71"))})

		id := strconv.FormatInt(siti.ID, 10)
		var routes int
		for _, rt := range h.server.Routes() {
			if rt.Perm != access.ReadPeople && rt.Perm != access.ManagePeople {
				continue
			}
			routes++
			path := strings.ReplaceAll(rt.Path, "{id}", id)
			path = regexp.MustCompile(`\{[a-z]+\}`).ReplaceAllString(path, "1")
			for _, role := range []access.Role{access.Planner, access.Verifier, access.National, access.Admin} {
				before := dbState(t, h)
				var status int
				if rt.API {
					var body any
					if rt.Method != http.MethodGet {
						body = map[string]any{"version": 1}
					}
					status = h.api(t, role, rt.Method, path, body).Status
				} else {
					var form url.Values
					if rt.Method == http.MethodPost {
						form = url.Values{"version": {"1"}}
					}
					var body string
					status, body = h.page(t, h.browser(role), rt.Method, path, form)
					if strings.Contains(body, nameSiti) {
						t.Errorf("%s %s as %s shows the person", rt.Method, path, role)
					}
				}
				if status != http.StatusForbidden {
					t.Errorf("%s %s as %s: %d, want 403", rt.Method, path, role, status)
				}
				if after := dbState(t, h); after != before {
					t.Errorf("%s %s as %s changed the database", rt.Method, path, role)
				}
			}
		}
		if routes < 13 {
			t.Errorf("only %d people routes", routes)
		}

		// Counts on the home page: active people of the scope (the demo's
		// people included), counted here by hand.
		count := func(cond string, args ...any) int {
			var n int
			if err := h.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM person WHERE active = ? AND "+cond,
				append([]any{true}, args...)...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		salatiga, makassar := unitID(t, h, "Dinas Sosial Kota Salatiga"), unitID(t, h, "Dinas Sosial Kota Makassar")
		for role, want := range map[access.Role]int{
			access.Planner:    count("village_code LIKE ?", "33.73.%"),
			access.Verifier:   count("village_code LIKE ?", "33.%"),
			access.National:   count("1=1"),
			access.Admin:      count("1=1"),
			access.Worker:     count("(village_code LIKE ? OR unit_id = ?)", "33.73.%", salatiga),
			access.Supervisor: count("(village_code LIKE ? OR unit_id = ?)", "33.73.%", salatiga),
			makassarWorker:    count("(village_code LIKE ? OR unit_id = ?)", "73.71.%", makassar),
		} {
			c := h.browser(role)
			_, body := h.page(t, c, "GET", "/", nil)
			label := h.cat.T(i18n.ID, "home.people")
			var card string
			if role.Can(access.ReadPeople) || role == makassarWorker {
				card = fmt.Sprintf(`<span class="num">%s</span> <a href="/people">%s</a>`, numID(want), label)
			} else {
				card = fmt.Sprintf(`<span class="num">%s</span> <span>%s</span>`, numID(want), label)
				if strings.Contains(body, `href="/people"`) {
					t.Errorf("home of %s links to the registry", role)
				}
			}
			if !strings.Contains(body, card) {
				t.Errorf("home of %s lacks %q", role, card)
			}
		}
	})
}

// Every opening of a full record is in the audit log, by API and UI (the
// record page and the edit form); lists, saves and refused openings are
// not openings.
func TestPeopleReadsAudited(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		addMakassarWorker(t, h)
		p := createPerson(t, h, access.Worker, validPerson(nil)).Person
		c := h.browser(access.Worker)
		path := fmt.Sprintf("/people/%d", p.ID)
		steps := []struct {
			name string
			do   func()
			add  int
		}{
			{"API get", func() { h.api(t, access.Worker, "GET", "/api/v1"+path, nil) }, 1},
			{"API get by the supervisor", func() { h.api(t, access.Supervisor, "GET", "/api/v1"+path, nil) }, 1},
			{"record page", func() { h.page(t, c, "GET", path, nil) }, 1},
			{"edit form", func() { h.page(t, c, "GET", path+"/edit", nil) }, 1},
			{"list and search", func() {
				h.api(t, access.Worker, "GET", "/api/v1/people?q=siti", nil)
				h.page(t, c, "GET", "/people?q=siti", nil)
			}, 0},
			{"patch", func() {
				h.api(t, access.Worker, "PATCH", "/api/v1"+path, map[string]any{"version": 1, "phone": "0298 1"})
			}, 0},
			{"outside the reach", func() { h.api(t, makassarWorker, "GET", "/api/v1"+path, nil) }, 0},
			{"by a planner", func() { h.api(t, access.Planner, "GET", "/api/v1"+path, nil) }, 0},
		}
		for _, s := range steps {
			before := reads(t, h, p.ID)
			s.do()
			if got := reads(t, h, p.ID) - before; got != s.add {
				t.Errorf("%s: %d read records, want %d", s.name, got, s.add)
			}
		}
		// Who read it, and the record page lists the openings.
		items, err := audit.List(context.Background(), h.db, audit.Filter{All: true, Entity: "person", EntityID: strconv.FormatInt(p.ID, 10), Action: audit.Read})
		if err != nil {
			t.Fatal(err)
		}
		actors := map[string]int{}
		for _, it := range items {
			actors[it.ActorName]++
			if it.Region == nil || *it.Region != "33.73.04.1001" {
				t.Errorf("read record without the person's region: %+v", it)
			}
		}
		if actors[h.accounts[access.Worker].Username] != 3 || actors[h.accounts[access.Supervisor].Username] != 1 {
			t.Errorf("readers %v", actors)
		}
		// The record page counts the openings (this one is the fifth) and
		// names the latest readers, apart from the changes.
		_, body := h.page(t, c, "GET", path, nil)
		if !strings.Contains(body, h.cat.N(i18n.ID, "people.history_openings", 5)) || !strings.Contains(body, h.accounts[access.Supervisor].Username) ||
			!strings.Contains(body, h.cat.T(i18n.ID, "people.history_changes")) {
			t.Errorf("the record's history does not count the openings:\n%s", body)
		}
		// The admin finds them in the audit log by the new filter values.
		_, body = h.page(t, h.browser(access.Admin), "GET", "/audit?entity=person&action=read&entity_id="+strconv.FormatInt(p.ID, 10), nil)
		if !strings.Contains(body, `<option value="person" selected>`) || !strings.Contains(body, `<option value="read" selected>`) ||
			strings.Count(body, h.cat.T(i18n.ID, "audit.entity.person")+" #"+strconv.FormatInt(p.ID, 10)) < 4 {
			t.Errorf("audit page by person and read:\n%.3000s", body)
		}
	})
}

// Every message key the registry names exists in both languages with the
// same arguments, and so do the keys built at run time.
func TestPeopleCatalogKeys(t *testing.T) {
	keys := map[string]bool{}
	catalogKeys(t, keys, `"((?:nik|kk|person|sex|category|disability|people)\.[a-z_.]+)"`, "../registry/person.go",
		"../registry/store.go", "../registry/nik.go", "../registry/category.go", "../registry/name.go", "people.go")
	// Built from a prefix: idDigitsOf and checkIssuingRegion of nik.go.
	for _, p := range []string{"nik", "kk"} {
		for _, k := range []string{"length", "digits", "province", "note_old_region"} {
			keys[p+"."+k] = true
		}
	}
	for _, r := range registry.InactiveReasons {
		keys["person.reason."+string(r)] = true
	}
	for _, s := range []registry.Sex{registry.Male, registry.Female} {
		keys["person.sex."+string(s)] = true
	}
	for _, f := range []string{"nik", "aliases", "sex", "birth_date", "birth_year", "birth_place", "village", "address", "categories",
		"disabilities", "phone", "notes", "reason", "note", "version", "q", "region", "category", "inactive"} {
		keys["field."+f] = true
	}
	cat := expectKeys(t, keys, 40)
	// The arguments the registry gives each key fit its verbs.
	for _, c := range []struct {
		key  string
		args []any
	}{
		{"nik.length", []any{15}}, {"nik.digits", []any{"A"}}, {"nik.day", []any{"32"}}, {"nik.month", []any{"13"}},
		{"nik.province", []any{"99"}}, {"nik.note_old_region", []any{"33.73.99"}}, {"nik.duplicate", []any{int64(7)}},
		{"nik.stored_duplicate", []any{int64(7)}}, {"nik.warn_sex", []any{registry.Male, registry.Female}},
		{"nik.warn_birth", []any{"12-03-75", "1975-03-13"}}, {"kk.length", []any{17}}, {"kk.digits", []any{"x"}},
		{"kk.province", []any{"99"}}, {"kk.note_old_region", []any{"92.71.01"}}, {"person.birth_year_range", []any{2025}},
		{"person.category_unknown", []any{"x"}}, {"person.disability_unknown", []any{"x"}}, {"person.too_many_aliases", []any{10}},
		{"category.unknown", []any{"x"}}, {"disability.unknown", []any{"x"}},
	} {
		for _, l := range i18n.Langs {
			if got := cat.T(l, c.key, c.args...); strings.Contains(got, "%!") {
				t.Errorf("%s %s: %q", l, c.key, got)
			}
		}
	}
}

// The region of a demo village, to make sure the fixtures stay valid.
func TestPeopleFixtureRegions(t *testing.T) {
	ix, err := wilayahIndex()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []wilayah.Code{"33.73.04", "33.73.04.1001"} {
		if _, ok := ix.Get(c); !ok {
			t.Errorf("region %s missing", c)
		}
	}
	if _, ok := ix.Get("33.73.99"); ok {
		t.Error("33.73.99 exists: the old-code case needs another code")
	}
}

func wilayahIndex() (*wilayah.Index, error) { return dbtest.Regions() }

// todayWIB is today in Indonesia's western time, as the registry counts it.
func todayWIB() time.Time { return time.Now().In(time.FixedZone("WIB", 7*3600)) }

// numID writes a count as the Indonesian pages do: 1.206.
func numID(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	return s
}

// A NIK that a record outside the worker's reach holds is refused without a
// link (it would be a dead 404) and without the record's id, by API and UI,
// with a message that points to the supervisor or the other region's Dinas
// Sosial; kept apart on confirmation, the new record names no other record
// either. Within reach the link stays (TestPeopleUI).
func TestPeopleDuplicateNIKOutsideReach(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		addMakassarWorker(t, h)
		siti := createPerson(t, h, access.Worker, validPerson(nil)).Person
		idText := "#" + strconv.FormatInt(siti.ID, 10)
		village := string(firstVillage(t, h, "73.71"))

		r := h.api(t, makassarWorker, "POST", "/api/v1/people", validPerson(map[string]any{"village": village}))
		var pr problem
		r.decode(t, &pr)
		if r.Status != http.StatusUnprocessableEntity || len(pr.Errors) != 1 || pr.Errors[0].Field != "nik" ||
			pr.Errors[0].Detail != h.cat.T(i18n.ID, "nik.duplicate_elsewhere") || strings.Contains(string(r.Body), idText) {
			t.Errorf("API, NIK held outside the reach: %d %s", r.Status, r.Body)
		}

		c := h.browser(makassarWorker)
		form := personForm(map[string]string{"village": village})
		status, body := h.page(t, c, "POST", "/people", form)
		msg := html.EscapeString(h.cat.T(i18n.ID, "nik.duplicate_elsewhere"))
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, msg) || strings.Contains(body, idText) ||
			strings.Contains(body, fmt.Sprintf(`href="/people/%d"`, siti.ID)) || !strings.Contains(body, `name="confirm_duplicate"`) {
			t.Errorf("form, NIK held outside the reach: %d\n%s", status, body)
		}
		form.Set("confirm_duplicate", "1")
		status, body = h.page(t, c, "POST", "/people", form)
		if status != http.StatusOK || strings.Contains(body, idText) || strings.Contains(body, fmt.Sprintf(`href="/people/%d"`, siti.ID)) ||
			!strings.Contains(body, html.EscapeString(h.cat.T(i18n.ID, "nik.stored_duplicate_elsewhere"))) ||
			!strings.Contains(body, html.EscapeString(h.cat.T(i18n.ID, "people.duplicate_elsewhere"))) {
			t.Errorf("confirmed, NIK held outside the reach: %d\n%s", status, body)
		}
		// In English too.
		r = apiLang(t, h, makassarWorker, "en", "POST", "/api/v1/people", validPerson(map[string]any{"village": village, "name": "Siti Lain"}))
		r.decode(t, &pr)
		if len(pr.Errors) != 1 || pr.Errors[0].Detail != h.cat.T(i18n.EN, "nik.duplicate_elsewhere") {
			t.Errorf("English problem: %s", r.Body)
		}
	})
}

// GET /api/v1/people/{id} and the record page show the warnings the stored
// NIK gives, on every reading, without changing the record.
func TestPeopleWarningsOnRead(t *testing.T) {
	forEngine(t, func(t *testing.T, h *harness) {
		odd := createPerson(t, h, access.Worker, validPerson(map[string]any{"nik": nikBudi, "name": nameBudi,
			"sex": "P", "birth_date": "1981-05-01"})).Person
		ok := createPerson(t, h, access.Worker, validPerson(map[string]any{"nik": "3373045203759005", "name": "Siti Konsisten"})).Person
		type read struct {
			registry.Person
			Warnings []struct {
				Field   string `json:"field"`
				Message string `json:"message"`
			} `json:"warnings"`
		}
		var got read
		r := h.api(t, access.Worker, "GET", fmt.Sprintf("/api/v1/people/%d", odd.ID), nil)
		r.decode(t, &got)
		fields := map[string]string{}
		for _, w := range got.Warnings {
			fields[w.Field] = w.Message
		}
		if r.Status != http.StatusOK || fields["sex"] != h.cat.T(i18n.ID, "nik.warn_sex", "L", "P") || fields["birth_date"] == "" ||
			got.Sex != registry.Female || got.BirthDate != "1981-05-01" || got.ID != odd.ID {
			t.Errorf("read with warnings: %d %s", r.Status, r.Body)
		}
		r = h.api(t, access.Worker, "GET", fmt.Sprintf("/api/v1/people/%d", ok.ID), nil)
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"warnings":[]`) {
			t.Errorf("read without warnings: %d %s", r.Status, r.Body)
		}
		_, body := h.page(t, h.browser(access.Supervisor), "GET", fmt.Sprintf("/people/%d", odd.ID), nil)
		if !strings.Contains(body, html.EscapeString(h.cat.T(i18n.ID, "nik.warn_sex", "L", "P"))) {
			t.Errorf("record page without the NIK warning:\n%s", body)
		}
	})
}

package spm_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/casework"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/db/dbtest"
	"github.com/layan-id/layan/internal/spm"
)

// catalogWorld is a fresh database (with the seeded first version, as every
// database gets it from app.Prepare) and one account of each kind that
// meets the catalog.
type catalogWorld struct {
	d                                    *db.DB
	store                                *spm.Catalogs
	admin, sulsel, planner, national, wk access.User
}

func newCatalogWorld(t *testing.T, engine string) *catalogWorld {
	t.Helper()
	ctx := context.Background()
	d := dbtest.Open(t, engine)
	unit := dbtest.Unit(t, d, "Dinas Sosial Kota Salatiga", "33.73")
	user := func(in access.UserInput) access.User {
		in.FullName = in.Username
		u, _, err := access.CreateUser(ctx, d, audit.System("test"), access.Scope{All: true}, in)
		if err != nil {
			t.Fatalf("%s: %v", in.Username, err)
		}
		return u
	}
	return &catalogWorld{d: d, store: &spm.Catalogs{DB: d},
		admin:    user(access.UserInput{Username: "admin.pusat", Role: access.Admin}),
		sulsel:   user(access.UserInput{Username: "admin.sulsel", Role: access.Admin, Region: "73"}),
		planner:  user(access.UserInput{Username: "perencana", Role: access.Planner, Region: "33.73"}),
		national: user(access.UserInput{Username: "nasional", Role: access.National}),
		wk:       user(access.UserInput{Username: "pekerja", Role: access.Worker, UnitID: unit}),
	}
}

func forCatalogEngines(t *testing.T, f func(t *testing.T, w *catalogWorld)) {
	for _, e := range dbtest.Engines(t) {
		t.Run(e, func(t *testing.T) { f(t, newCatalogWorld(t, e)) })
	}
}

func catalogActor(u access.User) audit.Actor {
	return audit.Actor{UserID: u.ID, Name: u.Username, RequestID: "t"}
}

// wantCatalogErr fails unless err is an apperr of kind with key (and, when given,
// code).
func wantCatalogErr(t *testing.T, what string, err error, kind apperr.Kind, key, code string) {
	t.Helper()
	e := apperr.As(err)
	if e == nil || e.Kind != kind || e.Key != key || e.Code != code {
		t.Errorf("%s: %v, want kind %v key %s code %q", what, err, kind, key, code)
	}
}

// wantCatalogField fails unless err is Invalid naming field with key.
func wantCatalogField(t *testing.T, what string, err error, field, key string) {
	t.Helper()
	e := apperr.As(err)
	if e == nil || e.Kind != apperr.Invalid || !slices.ContainsFunc(e.Fields, func(f apperr.FieldError) bool {
		return f.Field == field && f.Key == key
	}) {
		t.Errorf("%s: %v, want field %s %s", what, err, field, key)
	}
}

// sameCatalogContent reports whether two versions say the same of every jenis.
func sameCatalogContent(a, b spm.Catalog) bool {
	return slices.EqualFunc(a.Jenis, b.Jenis, func(x, y spm.CatalogJenis) bool {
		return x.Jenis == y.Jenis && x.Level == y.Level && x.Name == y.Name && x.Penerima == y.Penerima &&
			x.Source == y.Source && slices.Equal(x.Items, y.Items)
	})
}

func catalogCount(t *testing.T, q db.Q, query string, args ...any) int {
	t.Helper()
	var n int
	if err := q.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Every database starts with Permensos 9/2018 in force, exactly as
// SeedCatalogVersion says it; seeding again changes nothing, and an empty
// catalog is seeded without an audit record (reference data, like regions).
func TestCatalogSeeded(t *testing.T) {
	forCatalogEngines(t, func(t *testing.T, w *catalogWorld) {
		ctx := context.Background()
		active, err := w.store.Active(ctx, w.planner)
		if err != nil {
			t.Fatal(err)
		}
		seed := spm.SeedCatalogVersion()
		if active.Name != seed.Name || active.Regulation != seed.Regulation || active.ValidFrom != seed.ValidFrom ||
			active.Status != spm.CatalogActive || active.ActivatedAt == nil || active.CreatedBy != nil || active.Version != 1 {
			t.Errorf("seeded version %+v", active)
		}
		if !sameCatalogContent(active, seed) {
			t.Errorf("the stored first version differs from SeedCatalogVersion (a stale test template? remove %s)",
				"layan-dbtest templates")
		}
		if err := spm.SeedCatalog(ctx, w.d); err != nil {
			t.Fatal(err)
		}
		if n := catalogCount(t, w.d, "SELECT COUNT(*) FROM spm_catalog"); n != 1 {
			t.Errorf("%d versions after seeding again, want 1", n)
		}
		for _, table := range []string{"spm_catalog_item", "spm_catalog_jenis", "spm_catalog"} {
			if _, err := w.d.Exec(ctx, "DELETE FROM "+table); err != nil {
				t.Fatal(err)
			}
		}
		audits := catalogCount(t, w.d, "SELECT COUNT(*) FROM audit_log")
		if err := w.d.InTx(ctx, func(tx *db.Tx) error { return spm.SeedCatalog(ctx, tx) }); err != nil {
			t.Fatal(err)
		}
		again, err := spm.ActiveCatalog(ctx, w.d)
		if err != nil || !sameCatalogContent(again, seed) {
			t.Errorf("seeding an empty catalog: %v", err)
		}
		if n := catalogCount(t, w.d, "SELECT COUNT(*) FROM audit_log"); n != audits {
			t.Errorf("seeding wrote %d audit records", n-audits)
		}
	})
}

// The life of a version: copied from the one in force as a draft, edited
// jenis by jenis at its version, activated (the old one retired), and then
// no longer editable. Every change is audited.
func TestCatalogLife(t *testing.T) {
	forCatalogEngines(t, func(t *testing.T, w *catalogWorld) {
		ctx := context.Background()
		as := catalogActor(w.admin)
		old, err := w.store.Active(ctx, w.admin)
		if err != nil {
			t.Fatal(err)
		}
		draft, err := w.store.Copy(ctx, as, w.admin, spm.CatalogCopyInput{From: old.ID, Name: " Permensos 9/2018 (revisi) ",
			Regulation: "Permensos 9/2018, diperiksa terhadap Lampiran", ValidFrom: "2026-01-01", Note: "Uji"})
		if err != nil {
			t.Fatal(err)
		}
		if draft.Status != spm.CatalogDraft || draft.Version != 1 || draft.Name != "Permensos 9/2018 (revisi)" ||
			draft.CopiedFrom == nil || *draft.CopiedFrom != old.ID || draft.CreatedBy == nil || *draft.CreatedBy != w.admin.ID ||
			!sameCatalogContent(draft, old) {
			t.Errorf("copy %+v", draft)
		}

		// The name is taken now; the source must exist.
		_, err = w.store.Copy(ctx, as, w.admin, spm.CatalogCopyInput{From: old.ID, Name: "Permensos 9/2018 (revisi)",
			Regulation: "x", ValidFrom: "2026-01-01"})
		wantCatalogField(t, "copy under a taken name", err, "name", "spmcatalog.name_taken")
		_, err = w.store.Copy(ctx, as, w.admin, spm.CatalogCopyInput{From: 999999, Name: "Lain", Regulation: "x", ValidFrom: "2026-01-01"})
		wantCatalogField(t, "copy of nothing", err, "from", "spmcatalog.not_found")

		// Edit one jenis of the draft.
		in := draft.InputOf(spm.GepengLuarPanti)
		in.Items = append(in.Items[:2], spm.CatalogItemInput{Code: "kartu_bpjs", Name: "Fasilitasi JKN", UnitLabel: "orang"})
		in.Source = "Lampiran Permensos 9/2018, diperiksa"
		edited, err := w.store.EditJenis(ctx, as, w.admin, draft.ID, spm.GepengLuarPanti, in)
		if err != nil {
			t.Fatal(err)
		}
		gl, _ := edited.Of(spm.GepengLuarPanti)
		if edited.Version != 2 || gl.Source != in.Source || len(gl.Items) != 3 || gl.Items[2].Code != "kartu_bpjs" || gl.Items[2].Line != 3 {
			t.Errorf("edited version %d, jenis %+v", edited.Version, gl)
		}
		if ol, _ := edited.Of(spm.LansiaLuarPanti); !slices.Equal(ol.Items, func() []spm.CatalogItem { o, _ := old.Of(spm.LansiaLuarPanti); return o.Items }()) {
			t.Error("editing one jenis changed another")
		}
		if active, _ := w.store.Active(ctx, w.admin); !sameCatalogContent(active, old) {
			t.Error("editing the draft changed the version in force")
		}
		// At the version read before: refused, nothing changed.
		_, err = w.store.EditJenis(ctx, as, w.admin, draft.ID, spm.GepengLuarPanti, draft.InputOf(spm.GepengLuarPanti))
		wantCatalogErr(t, "stale edit", err, apperr.Conflict, "spmcatalog.stale", "stale_version")
		// Invalid input, an unknown jenis, an unknown version.
		bad := edited.InputOf(spm.AnakLuarPanti)
		bad.Items[0].Code = "Bukan Kode"
		_, err = w.store.EditJenis(ctx, as, w.admin, draft.ID, spm.AnakLuarPanti, bad)
		wantCatalogField(t, "bad code", err, "items.0.code", "spmcatalog.code_format")
		_, err = w.store.EditJenis(ctx, as, w.admin, draft.ID, "napza_luar_panti", edited.InputOf(spm.AnakLuarPanti))
		wantCatalogErr(t, "unknown jenis", err, apperr.NotFound, "spmcatalog.jenis_not_found", "")
		_, err = w.store.EditJenis(ctx, as, w.admin, 999999, spm.AnakLuarPanti, edited.InputOf(spm.AnakLuarPanti))
		wantCatalogErr(t, "unknown version", err, apperr.NotFound, "spmcatalog.not_found", "")
		// The version in force is not edited: a copy is.
		_, err = w.store.EditJenis(ctx, as, w.admin, old.ID, spm.AnakLuarPanti, old.InputOf(spm.AnakLuarPanti))
		wantCatalogErr(t, "edit of the active version", err, apperr.Conflict, "spmcatalog.not_draft", "catalog_not_draft")

		// Activate: stale first, then at the version.
		_, err = w.store.Activate(ctx, as, w.admin, draft.ID, 1)
		wantCatalogErr(t, "stale activation", err, apperr.Conflict, "spmcatalog.stale", "stale_version")
		now, err := w.store.Activate(ctx, as, w.admin, draft.ID, edited.Version)
		if err != nil {
			t.Fatal(err)
		}
		if now.Status != spm.CatalogActive || now.ActivatedAt == nil || now.Version != 3 || !sameCatalogContent(now, edited) {
			t.Errorf("activated %+v", now)
		}
		retired, err := w.store.Get(ctx, w.planner, old.ID)
		if err != nil {
			t.Fatal(err)
		}
		if retired.Status != spm.CatalogRetired || retired.RetiredAt == nil || retired.Version != 2 || !sameCatalogContent(retired, old) {
			t.Errorf("retired %+v", retired)
		}
		if n := catalogCount(t, w.d, "SELECT COUNT(*) FROM spm_catalog WHERE status = 'active'"); n != 1 {
			t.Errorf("%d active versions", n)
		}
		if a, err := spm.ActiveCatalog(ctx, w.d); err != nil || a.ID != draft.ID {
			t.Errorf("active %d, %v; want %d", a.ID, err, draft.ID)
		}
		_, err = w.store.EditJenis(ctx, as, w.admin, old.ID, spm.AnakLuarPanti, retired.InputOf(spm.AnakLuarPanti))
		wantCatalogErr(t, "edit of a retired version", err, apperr.Conflict, "spmcatalog.not_draft", "catalog_not_draft")
		_, err = w.store.Activate(ctx, as, w.admin, old.ID, retired.Version)
		wantCatalogErr(t, "activation of a retired version", err, apperr.Conflict, "spmcatalog.not_draft", "catalog_not_draft")
		_, err = w.store.Activate(ctx, as, w.admin, draft.ID, now.Version)
		wantCatalogErr(t, "activation of the active version", err, apperr.Conflict, "spmcatalog.not_draft", "catalog_not_draft")

		// The list: both, the newer regulation first.
		list, err := w.store.List(ctx, w.national)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != draft.ID || list[1].ID != old.ID || list[0].Jenis != nil {
			t.Errorf("list %+v", list)
		}

		// The audit log: created, edited, the old one retired, the new activated.
		items, err := audit.List(ctx, w.d, audit.Filter{All: true, Entity: "spm_catalog"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range items {
			got = append(got, it.Action+" "+it.EntityID)
			if it.ActorName != w.admin.Username || it.RequestID != "t" || it.Region != nil {
				t.Errorf("audit record %+v", it)
			}
		}
		d, o := strconv.FormatInt(draft.ID, 10), strconv.FormatInt(old.ID, 10)
		if want := []string{"activate " + d, "deactivate " + o, "update " + d, "create " + d}; !slices.Equal(got, want) {
			t.Errorf("audit %q, want %q", got, want)
		}
		if upd := items[2]; upd.Before == nil || upd.After == nil {
			t.Errorf("the edit's record lacks before or after: %+v", upd)
		}
	})
}

// Who may do what: SPM readers read, only an admin of the whole deployment
// changes; refusals change nothing.
func TestCatalogAccess(t *testing.T) {
	forCatalogEngines(t, func(t *testing.T, w *catalogWorld) {
		ctx := context.Background()
		active, err := spm.ActiveCatalog(ctx, w.d)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []access.User{w.planner, w.national, w.admin, w.sulsel} {
			if _, err := w.store.List(ctx, u); err != nil {
				t.Errorf("%s lists: %v", u.Username, err)
			}
			if _, err := w.store.Get(ctx, u, active.ID); err != nil {
				t.Errorf("%s reads: %v", u.Username, err)
			}
		}
		_, err = w.store.List(ctx, w.wk)
		wantCatalogErr(t, "a worker lists", err, apperr.Forbidden, "error.forbidden", "")
		_, err = w.store.Get(ctx, w.wk, active.ID)
		wantCatalogErr(t, "a worker reads", err, apperr.Forbidden, "error.forbidden", "")
		if spm.ManagesCatalog(w.sulsel) || spm.ManagesCatalog(w.planner) || !spm.ManagesCatalog(w.admin) {
			t.Error("ManagesCatalog: only the deployment's admin")
		}

		audits := catalogCount(t, w.d, "SELECT COUNT(*) FROM audit_log")
		copyIn := spm.CatalogCopyInput{From: active.ID, Name: "Draf", Regulation: "x", ValidFrom: "2026-01-01"}
		for _, c := range []struct {
			u   access.User
			key string
		}{{w.planner, "error.forbidden"}, {w.national, "error.forbidden"}, {w.wk, "error.forbidden"}, {w.sulsel, "spmcatalog.whole_deployment"}} {
			_, err := w.store.Copy(ctx, catalogActor(c.u), c.u, copyIn)
			wantCatalogErr(t, c.u.Username+" copies", err, apperr.Forbidden, c.key, "")
			_, err = w.store.EditJenis(ctx, catalogActor(c.u), c.u, active.ID, spm.AnakLuarPanti, active.InputOf(spm.AnakLuarPanti))
			wantCatalogErr(t, c.u.Username+" edits", err, apperr.Forbidden, c.key, "")
			_, err = w.store.Activate(ctx, catalogActor(c.u), c.u, active.ID, active.Version)
			wantCatalogErr(t, c.u.Username+" activates", err, apperr.Forbidden, c.key, "")
		}
		if n := catalogCount(t, w.d, "SELECT COUNT(*) FROM audit_log"); n != audits {
			t.Errorf("refused changes wrote %d audit records", n-audits)
		}
		if n := catalogCount(t, w.d, "SELECT COUNT(*) FROM spm_catalog"); n != 1 {
			t.Errorf("refused changes left %d versions", n)
		}
	})
}

// The database itself refuses a second active version, whatever a store
// might do: the partial unique index holds on both engines.
func TestCatalogOneActive(t *testing.T) {
	forCatalogEngines(t, func(t *testing.T, w *catalogWorld) {
		ctx := context.Background()
		active, _ := spm.ActiveCatalog(ctx, w.d)
		draft, err := w.store.Copy(ctx, catalogActor(w.admin), w.admin, spm.CatalogCopyInput{From: active.ID, Name: "Draf",
			Regulation: "x", ValidFrom: "2026-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.d.Exec(ctx, "UPDATE spm_catalog SET status = 'active' WHERE id = ?", draft.ID)
		if !errors.Is(err, db.ErrDuplicate) {
			t.Errorf("a second active version: %v, want db.ErrDuplicate", err)
		}
		_, err = w.d.Exec(ctx, "UPDATE spm_catalog SET status = 'berlaku' WHERE id = ?", draft.ID)
		if err == nil {
			t.Error("an unknown status was stored")
		}
	})
}

// The items that are basic needs of the casework carry the casework's
// codes, so that a service given in a case can be tied to its item.
func TestSeedCatalogCodesAreNeeds(t *testing.T) {
	for _, code := range spm.SeedCatalogCodes {
		if !casework.Need(code).Valid() {
			t.Errorf("%s is no casework.Need", code)
		}
	}
	seen := map[string]bool{}
	for _, cj := range spm.SeedCatalogVersion().Jenis {
		for _, it := range cj.Items {
			seen[it.Code] = true
		}
	}
	for _, n := range casework.Needs {
		// tempat_tinggal_sementara, alat_bantu, … : each need is an item
		// somewhere; akses_pendidikan and akses_kesehatan are one item in
		// every source (akses_pendidikan_kesehatan).
		if n == casework.AksesPendidikan || n == casework.AksesKesehatan {
			continue
		}
		if !seen[string(n)] {
			t.Errorf("casework.Need %s is no item of the first version", n)
		}
	}
}

package web

import (
	"net/http"
	"strconv"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/wilayah"
)

type accountPage struct {
	Base
	Region   string
	Tokens   []access.Token
	NewToken string // shown once
	Errors   FormErrors
	Saved    bool
}

func (s *Server) showAccount(w http.ResponseWriter, r *http.Request, status int, p *accountPage) {
	u := state(r).user
	p.Title = "account.title"
	if u.Region != "" {
		p.Region = pathText(s.regions, u.Region)
	}
	var err error
	if p.Tokens, err = access.ListTokens(r.Context(), s.db, u.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "account", p)
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) {
	s.showAccount(w, r, http.StatusOK, &accountPage{Saved: r.URL.Query().Get("saved") == "1"})
}

func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	u := state(r).user
	err := access.ChangePassword(r.Context(), s.db, actor(r), u.ID, state(r).session, r.PostFormValue("current_password"), r.PostFormValue("new_password"))
	if fe := s.formErrors(r, err); fe != nil {
		s.showAccount(w, r, http.StatusUnprocessableEntity, &accountPage{Errors: fe})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?saved=1", http.StatusSeeOther)
}

func (s *Server) accountTokenCreate(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	u := state(r).user
	var token string
	err := s.db.InTx(r.Context(), func(tx *db.Tx) error {
		var t access.Token
		var err error
		token, t, err = access.CreateToken(r.Context(), tx, u.ID, r.PostFormValue("name"))
		if err != nil {
			return err
		}
		return audit.Record(r.Context(), tx, actor(r), audit.Entry{Action: audit.TokenNew, Entity: "user",
			EntityID: strconv.FormatInt(u.ID, 10), Region: userHome(u), After: t})
	})
	if fe := s.formErrors(r, err); fe != nil {
		s.showAccount(w, r, http.StatusUnprocessableEntity, &accountPage{Errors: fe})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.showAccount(w, r, http.StatusOK, &accountPage{NewToken: token})
}

func (s *Server) accountTokenRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := state(r).user
	err = s.db.InTx(r.Context(), func(tx *db.Tx) error {
		if err := access.RevokeToken(r.Context(), tx, u.ID, id); err != nil {
			return err
		}
		return audit.Record(r.Context(), tx, actor(r), audit.Entry{Action: audit.TokenDrop, Entity: "user",
			EntityID: strconv.FormatInt(u.ID, 10), Region: userHome(u), Before: map[string]int64{"token_id": id}})
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?saved=1", http.StatusSeeOther)
}

func userHome(u *access.User) wilayah.Code {
	if u.Region != "" {
		return u.Region
	}
	return u.UnitRegion
}

type me struct {
	User  access.User `json:"user"`
	Scope meScope     `json:"scope"`
	Perms []string    `json:"permissions"`
}

type meScope struct {
	All    bool   `json:"all"`
	Region string `json:"region,omitempty"`
	UnitID int64  `json:"unit_id,omitempty"`
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) {
	u := state(r).user
	sc := u.Scope()
	out := me{User: *u, Scope: meScope{All: sc.All, Region: string(sc.Region), UnitID: sc.UnitID}, Perms: []string{}}
	for _, p := range []access.Permission{access.ReadUnits, access.ManageUnits, access.ManageUsers, access.ReadAudit, access.ManageOwnToken,
		access.ReadPeople, access.ManagePeople, access.ReadCases, access.ManageCases, access.ReadCaseFigures} {
		if u.Role.Can(p) {
			out.Perms = append(out.Perms, string(p))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

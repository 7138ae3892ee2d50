package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/unit"
	"github.com/layan-id/layan/internal/wilayah"
)

type usersPage struct {
	Base
	Users []access.User
	Pager Pager
	Query string
	Role  string
	Roles []access.Role
	ix    *wilayah.Index
}

// RegionName names a region with its ancestors.
func (p *usersPage) RegionName(c wilayah.Code) string { return pathText(p.ix, c) }

func userFilter(r *http.Request) access.UserFilter {
	q := r.URL.Query()
	f := access.UserFilter{Query: q.Get("q"), Role: access.Role(q.Get("role")), Page: queryInt(r, "page", 1), Size: queryInt(r, "size", 25)}
	if !f.Role.Valid() {
		f.Role = ""
	}
	return f
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) {
	f := userFilter(r)
	users, total, err := access.ListUsers(r.Context(), s.db, scope(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &usersPage{Base: Base{Title: "users.title"}, Users: users, Query: f.Query, Role: string(f.Role), Roles: access.Roles,
		ix: s.regions, Pager: listPager(f.Page, f.Size, total, f.Query, "role", string(f.Role))}
	s.render(w, r, http.StatusOK, "users", p)
}

type userForm struct {
	Base
	ID       int64
	Account  *access.User
	In       access.UserInput
	Roles    []access.Role
	Units    []unit.Unit
	Picker   RegionPicker
	Errors   FormErrors
	Password string // shown once after creation or reset
	Saved    bool
}

// unitChoices lists the units an admin may place accounts in.
func (s *Server) unitChoices(ctx context.Context, sc access.Scope) ([]unit.Unit, error) {
	active := true
	var out []unit.Unit
	for page := 1; page <= 20; page++ {
		us, total, err := unit.List(ctx, s.db, sc, unit.Filter{Active: &active, Page: page, Size: 100})
		if err != nil {
			return nil, err
		}
		out = append(out, us...)
		if len(out) >= total {
			break
		}
	}
	return out, nil
}

func (s *Server) newUserForm(r *http.Request, id int64, in access.UserInput) (*userForm, error) {
	title := "users.new"
	if id != 0 {
		title = "users.edit"
	}
	units, err := s.unitChoices(r.Context(), scope(r))
	if err != nil {
		return nil, err
	}
	return &userForm{Base: Base{Title: title}, ID: id, In: in, Roles: access.Roles, Units: units,
		Picker: s.newPicker("region", "field.region", in.Region, wilayah.Village)}, nil
}

func (s *Server) userNewForm(w http.ResponseWriter, r *http.Request) {
	f, err := s.newUserForm(r, 0, access.UserInput{Role: access.Worker, Region: scope(r).Region})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "user_form", f)
}

func userInputFromForm(form url.Values) access.UserInput {
	in := access.UserInput{Username: form.Get("username"), FullName: form.Get("full_name"), Role: access.Role(form.Get("role"))}
	in.Region = codeOrRaw(pickedRegion(form, "region"))
	in.UnitID, _ = strconv.ParseInt(form.Get("unit_id"), 10, 64)
	in.Version, _ = strconv.Atoi(form.Get("version"))
	return in
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	in := userInputFromForm(r.PostForm)
	u, password, err := access.CreateUser(r.Context(), s.db, actor(r), scope(r), in)
	if fe, status, ok := s.formFailure(r, err); ok {
		f, ferr := s.newUserForm(r, 0, in)
		if ferr != nil {
			s.fail(w, r, ferr)
			return
		}
		f.Errors, f.Picker.Error = fe, fe["region"]
		s.render(w, r, status, "user_form", f)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showUser(w, r, u.ID, password, false)
}

func (s *Server) userPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showUser(w, r, id, "", r.URL.Query().Get("saved") == "1")
}

// showUser renders an account with its edit form; password, when set, is
// the generated password shown this once.
func (s *Server) showUser(w http.ResponseWriter, r *http.Request, id int64, password string, saved bool) {
	u, err := access.GetUserInScope(r.Context(), s.db, scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := s.newUserForm(r, id, access.UserInput{Username: u.Username, FullName: u.FullName, Role: u.Role,
		Region: u.Region, UnitID: u.UnitID, Version: u.Version})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f.Account, f.Password, f.Saved = &u, password, saved
	status := http.StatusOK
	if password != "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	s.render(w, r, status, "user_form", f)
}

func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idAndForm(w, r)
	if !ok {
		return
	}
	in := userInputFromForm(r.PostForm)
	_, err := access.UpdateUser(r.Context(), s.db, actor(r), scope(r), id, in)
	if fe, status, ok := s.formFailure(r, err); ok {
		cur, gerr := access.GetUserInScope(r.Context(), s.db, scope(r), id)
		if gerr != nil {
			s.fail(w, r, gerr)
			return
		}
		in.Username = cur.Username
		f, ferr := s.newUserForm(r, id, in)
		if ferr != nil {
			s.fail(w, r, ferr)
			return
		}
		f.Account, f.Errors, f.Picker.Error = &cur, fe, fe["region"]
		s.render(w, r, status, "user_form", f)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/users/"+strconv.FormatInt(id, 10)+"?saved=1", http.StatusSeeOther)
}

func (s *Server) userSetActive(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idAndForm(w, r)
	if !ok {
		return
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if _, err := access.SetActive(r.Context(), s.db, actor(r), scope(r), id, r.PostFormValue("active") == "1", version); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/users/"+strconv.FormatInt(id, 10)+"?saved=1", http.StatusSeeOther)
}

func (s *Server) userResetPassword(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	password, err := access.ResetPassword(r.Context(), s.db, actor(r), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showUser(w, r, id, password, false)
}

// User API.

type userList struct {
	Items []access.User `json:"items"`
	Total int           `json:"total"`
	Page  int           `json:"page"`
	Size  int           `json:"size"`
}

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request) {
	if role := r.URL.Query().Get("role"); role != "" && !access.Role(role).Valid() {
		e := apperr.BadParam("role", "user.role_unknown")
		s.fail(w, r, e)
		return
	}
	f := userFilter(r)
	users, total, err := access.ListUsers(r.Context(), s.db, scope(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The size access.ListUsers used: larger sizes are capped, not reset.
	size := min(f.Size, 100)
	writeJSON(w, http.StatusOK, userList{Items: nonNil(users), Total: total, Page: max(f.Page, 1), Size: size})
}

func (s *Server) apiUser(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := access.GetUserInScope(r.Context(), s.db, scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}

type createdUser struct {
	User     access.User `json:"user"`
	Password string      `json:"password"`
}

func (s *Server) apiUserCreate(w http.ResponseWriter, r *http.Request) {
	var in access.UserInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.Region != "" {
		if c, err := wilayah.ParseCode(string(in.Region)); err == nil {
			in.Region = c
		}
	}
	u, password, err := access.CreateUser(r.Context(), s.db, actor(r), scope(r), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/users/"+strconv.FormatInt(u.ID, 10))
	writeJSON(w, http.StatusCreated, createdUser{User: u, Password: password})
}

// userPatch is a PATCH body: fields left out keep their value.
type userPatch struct {
	FullName *string       `json:"full_name"`
	Role     *access.Role  `json:"role"`
	Region   *wilayah.Code `json:"region"`
	UnitID   *int64        `json:"unit_id"`
	Active   *bool         `json:"active"`
	Version  int           `json:"version"`
}

func (s *Server) apiUserUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cur, err := access.GetUserInScope(r.Context(), s.db, scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var p userPatch
	if err := decodeJSON(r, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Version == 0 {
		var f apperr.Fields
		f.Add("version", "field.required")
		s.fail(w, r, f.Err())
		return
	}
	in := access.UserInput{FullName: cur.FullName, Role: cur.Role, Region: cur.Region, UnitID: cur.UnitID,
		Active: p.Active, Version: p.Version}
	if p.FullName != nil {
		in.FullName = *p.FullName
	}
	if p.Role != nil {
		in.Role = *p.Role
	}
	if p.Region != nil {
		in.Region = codeOrRaw(string(*p.Region))
	}
	if p.UnitID != nil {
		in.UnitID = *p.UnitID
	}
	u, err := access.UpdateUser(r.Context(), s.db, actor(r), scope(r), id, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}

type resetPassword struct {
	Password string `json:"password"`
}

func (s *Server) apiUserResetPassword(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	password, err := access.ResetPassword(r.Context(), s.db, actor(r), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, resetPassword{Password: password})
}

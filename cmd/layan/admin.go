package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/app"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/i18n"
	"github.com/layan-id/layan/internal/wilayah"
)

func migrate(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	d, _, err := app.Open(ctx, getenv("LAYAN_DB"))
	if err != nil {
		return err
	}
	defer d.Close()
	v, _, err := d.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "skema basis data / database schema: versi %d (%s)\n", v, d.Dialect())
	return nil
}

// cliActor is who the audit log names for changes made from the command
// line: the operating-system user is not known to layan, so "cli".
var cliActor = audit.System("cli")

const userUsage = `usage:
  layan user add NAME --role ROLE [--region CODE] [--unit ID] [--name "Full Name"]
  layan user reset-password NAME
  layan user deactivate NAME
  layan user activate NAME`

func userCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) < 2 || strings.HasPrefix(args[1], "-") {
		return errors.New(userUsage)
	}
	switch args[0] {
	case "add":
		return userAdd(ctx, args[1:], getenv, stdout)
	case "reset-password", "deactivate", "activate":
		return userChange(ctx, args[0], args[1], getenv, stdout)
	}
	return errors.New(userUsage)
}

// userChange lets an operator recover an account from the command line —
// the way back in when the only admin has lost their password.
func userChange(ctx context.Context, what, username string, getenv func(string) string, stdout io.Writer) error {
	d, _, err := app.Open(ctx, getenv("LAYAN_DB"))
	if err != nil {
		return err
	}
	defer d.Close()
	u, err := access.GetUserByName(ctx, d, username)
	if err != nil {
		return explain(err)
	}
	all := access.Scope{All: true}
	switch what {
	case "reset-password":
		pw, err := access.ResetPassword(ctx, d, cliActor, all, u.ID)
		if err != nil {
			return explain(err)
		}
		fmt.Fprintf(stdout, "kata sandi baru / new password for %s: %s\n", u.Username, pw)
	default:
		active := what == "activate"
		if _, err := access.SetActive(ctx, d, cliActor, all, u.ID, active, u.Version); err != nil {
			return explain(err)
		}
		fmt.Fprintf(stdout, "%s: %s\n", u.Username, map[bool]string{true: "aktif / active", false: "nonaktif / deactivated"}[active])
	}
	return nil
}

func userAdd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	username := args[0]
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	role := fs.String("role", "", "worker|supervisor|planner|verifier|national|admin")
	region := fs.String("region", "", "region code, e.g. 33.73")
	unitID := fs.Int64("unit", 0, "unit id")
	name := fs.String("name", "", "full name (default: NAME)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	in := access.UserInput{Username: username, FullName: *name, Role: access.Role(*role), UnitID: *unitID}
	if in.FullName == "" {
		in.FullName = username
	}
	if *region != "" {
		c, err := wilayah.ParseCode(*region)
		if err != nil {
			return fmt.Errorf("--region: %w", err)
		}
		in.Region = c
	}
	d, _, err := app.Open(ctx, getenv("LAYAN_DB"))
	if err != nil {
		return err
	}
	defer d.Close()
	u, pw, err := access.CreateUser(ctx, d, cliActor, access.Scope{All: true}, in)
	if err != nil {
		return explain(err)
	}
	fmt.Fprintf(stdout, "akun dibuat / account created: %s (%s)\nkata sandi / password: %s\n", u.Username, u.Role, pw)
	return nil
}

func tokenCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) < 1 || args[0] != "create" {
		return errors.New("usage: layan token create --user NAME [--name LABEL]")
	}
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	username := fs.String("user", "", "username")
	label := fs.String("name", "cli", "a label for the token")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *username == "" {
		return errors.New("--user is required")
	}
	d, _, err := app.Open(ctx, getenv("LAYAN_DB"))
	if err != nil {
		return err
	}
	defer d.Close()
	u, err := access.GetUserByName(ctx, d, *username)
	if err != nil {
		return explain(err)
	}
	if !u.Active {
		return fmt.Errorf("account %s is deactivated", u.Username)
	}
	var token string
	err = d.InTx(ctx, func(tx *db.Tx) error {
		var t access.Token
		var err error
		if token, t, err = access.CreateToken(ctx, tx, u.ID, *label); err != nil {
			return err
		}
		region := u.Region
		if region == "" {
			region = u.UnitRegion
		}
		return audit.Record(ctx, tx, cliActor, audit.Entry{Action: audit.TokenNew, Entity: "user",
			EntityID: fmt.Sprint(u.ID), Region: region, After: t})
	})
	if err != nil {
		return explain(err)
	}
	fmt.Fprintln(stdout, token)
	return nil
}

// explain turns an application error into a readable line for the
// terminal, in Bahasa Indonesia like the rest of the interface.
func explain(err error) error {
	ae := apperr.As(err)
	if ae == nil {
		return err
	}
	cat, cerr := i18n.Load()
	if cerr != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(cat.T(i18n.ID, ae.Key, ae.Args...))
	for _, f := range ae.Fields {
		fmt.Fprintf(&b, "\n  --%s: %s", strings.ReplaceAll(f.Field, "_id", ""), cat.T(i18n.ID, f.Key, f.Args...))
	}
	return errors.New(b.String())
}

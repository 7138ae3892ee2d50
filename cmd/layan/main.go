// Command layan runs the layan server and its administrative commands.
//
//	layan [serve] [--demo] [--addr HOST:PORT]   start the server (default)
//	layan migrate                                apply database migrations
//	layan user add NAME --role ROLE [--region CODE] [--unit ID] [--name "Full Name"]
//	layan user reset-password|deactivate|activate NAME
//	layan token create --user NAME [--name LABEL]
//	layan demo [--people N] [--cases N] [--unit ID] [--seed S]  load synthetic people and cases
//	layan spm verify [--repair] [--json]          recompute the SPM figures and compare
//	layan ikm FILE [--json] [--population N]      the IKM of survey responses in a CSV or XLSX file
//	layan version
//
// Configuration comes from flags and the environment: LAYAN_DB (default
// sqlite:layan.db; a postgres:// URL selects PostgreSQL), LAYAN_ADDR (default
// 127.0.0.1:8080), LAYAN_TRUST_PROXY, LAYAN_SECURE_COOKIES, LAYAN_LOG_FORMAT,
// LAYAN_MAX_ACTIVE.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "layan:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, getenv, stdout, stderr)
	case "migrate":
		return migrate(ctx, getenv, stdout)
	case "user":
		return userCmd(ctx, args, getenv, stdout)
	case "token":
		return tokenCmd(ctx, args, getenv, stdout)
	case "demo":
		return demoCmd(ctx, args, getenv, stdout, stderr)
	case "spm":
		return spmCmd(ctx, args, getenv, stdout)
	case "ikm":
		return ikmCmd(args, stdout)
	case "version":
		fmt.Fprintln(stdout, "layan", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

const usage = `Penggunaan / usage:
  layan [serve] [--demo] [--addr HOST:PORT]   jalankan server / start the server
  layan migrate                                terapkan migrasi / apply migrations
  layan user add NAME --role ROLE [--region CODE] [--unit ID] [--name "Nama Lengkap"]
  layan user reset-password|deactivate|activate NAME
  layan token create --user NAME [--name LABEL]
  layan demo [--people N] [--cases N] [--unit ID] [--seed S] [--batch N] [--workers N] [--deliveries N]
                                               muat orang dan kasus sintetis / load synthetic people and cases
  layan spm verify [--repair] [--json]         hitung ulang angka SPM dan bandingkan / recompute and compare SPM figures
  layan ikm FILE [--json] [--population N]     hitung IKM dari jawaban survei dalam CSV/XLSX / the IKM of survey responses in a CSV/XLSX file
  layan version

Lingkungan / environment:
  LAYAN_DB              sqlite:layan.db (bawaan) atau postgres://…
  LAYAN_ADDR            127.0.0.1:8080 (bawaan)
  LAYAN_TRUST_PROXY     true di belakang load balancer (X-Forwarded-For/-Proto)
  LAYAN_SECURE_COOKIES  true untuk selalu memakai cookie Secure
  LAYAN_LOG_FORMAT      text (bawaan) atau json
  LAYAN_MAX_ACTIVE      permintaan yang dilayani bersamaan (bawaan: 2 × jumlah inti, sedikitnya 4)
  LAYAN_ATTACHMENTS     direktori lampiran kasus (bawaan: lampiran di samping berkas SQLite)
  LAYAN_EMERGENCY_DAYS  hari layanan darurat sebelum asesmen (bawaan: 7, paling banyak 30)
`

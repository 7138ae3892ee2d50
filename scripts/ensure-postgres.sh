#!/usr/bin/env bash
# Make sure PostgreSQL answers at 127.0.0.1:5432 as user "postgres" with no
# password (trust), as the Go integration tests expect. Idempotent: when the
# server is already reachable this is a single psql round trip.
# Exit status 0 means reachable; anything else means the tests cannot use it.
set -euo pipefail

readonly PGHOST_ADDR=127.0.0.1
readonly PGPORT_NUM=5432
readonly WAIT_SECONDS=30

pg_ok() {
	# -w: never prompt for a password (would hang a non-interactive run).
	# Short connect timeout so a dead port fails fast instead of stalling.
	command -v psql >/dev/null 2>&1 || return 1
	local out
	out=$(PGCONNECT_TIMEOUT=2 psql -w -h "$PGHOST_ADDR" -p "$PGPORT_NUM" -U postgres -d postgres -Atc 'select 1' 2>/dev/null) || return 1
	[ "$out" = "1" ]
}

wait_for_pg() {
	local deadline=$((SECONDS + WAIT_SECONDS))
	while [ "$SECONDS" -lt "$deadline" ]; do
		pg_ok && return 0
		sleep 0.5
	done
	pg_ok
}

# Newest installed cluster version that has a "main" cluster, or nothing.
installed_version() {
	local d best=""
	for d in /etc/postgresql/*/main; do
		[ -d "$d" ] || continue
		d=${d%/main}
		d=${d##*/}
		# Versions are integers (or 9.x on old systems); sort -V picks the newest.
		best=$(printf '%s\n%s\n' "$best" "$d" | sed '/^$/d' | sort -V | tail -n1)
	done
	[ -n "$best" ] && echo "$best"
}

start_cluster() {
	local ver=$1
	# The cluster may be running but not yet accepting connections; only start
	# it when it is really down, because "start" on a running cluster errors.
	if pg_ctlcluster --skip-systemctl-redirect "$ver" main status >/dev/null 2>&1; then
		return 0
	fi
	pg_ctlcluster --skip-systemctl-redirect "$ver" main start
}

# Put trust rules for loopback TCP at the top of pg_hba.conf (first match wins).
# Only used for a server this script installed, never for an existing setup.
trust_loopback() {
	local ver=$1 hba="/etc/postgresql/$1/main/pg_hba.conf" tmp
	local marker='# layan: trust loopback TCP for local development and tests'
	[ -f "$hba" ] || { echo "ensure-postgres: $hba not found" >&2; return 1; }
	grep -qxF "$marker" "$hba" && return 0
	tmp=$(mktemp)
	{
		echo "$marker"
		echo "host all all 127.0.0.1/32 trust"
		echo "host all all ::1/128 trust"
		cat "$hba"
	} >"$tmp"
	# cat into the original keeps its owner and mode (postgres:postgres 0640).
	cat "$tmp" >"$hba"
	rm -f "$tmp"
}

# 1. Already reachable: nothing to do.
if pg_ok; then
	echo "ensure-postgres: PostgreSQL already reachable at $PGHOST_ADDR:$PGPORT_NUM"
	exit 0
fi

# 2. Installed but not answering: start the newest cluster.
if ver=$(installed_version); then
	if ! start_cluster "$ver" >/dev/null 2>&1; then
		echo "ensure-postgres: failed to start PostgreSQL $ver/main (pg_ctlcluster start; are you root or postgres?)" >&2
		exit 1
	fi
	if wait_for_pg; then
		echo "ensure-postgres: started PostgreSQL $ver/main; reachable at $PGHOST_ADDR:$PGPORT_NUM"
		exit 0
	fi
	echo "ensure-postgres: PostgreSQL $ver/main is running but not reachable as postgres@$PGHOST_ADDR:$PGPORT_NUM within ${WAIT_SECONDS}s (check port and pg_hba.conf trust rules)" >&2
	exit 1
fi

# 3. Not installed: install it, but only if we may.
if [ "$(id -u)" -ne 0 ]; then
	echo "ensure-postgres: PostgreSQL is not installed and we are not root; install it with: sudo apt-get install postgresql" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! apt-get update -qq >/dev/null || ! apt-get install -y -qq postgresql >/dev/null; then
	echo "ensure-postgres: apt-get install postgresql failed" >&2
	exit 1
fi
if ! ver=$(installed_version); then
	echo "ensure-postgres: postgresql installed but no /etc/postgresql/*/main cluster exists" >&2
	exit 1
fi
trust_loopback "$ver"
# The package may already have started the cluster with the old pg_hba.conf:
# reload it so the trust rules apply, otherwise start it.
if pg_ctlcluster --skip-systemctl-redirect "$ver" main status >/dev/null 2>&1; then
	pg_ctlcluster --skip-systemctl-redirect "$ver" main reload >/dev/null 2>&1 || true
else
	if ! pg_ctlcluster --skip-systemctl-redirect "$ver" main start >/dev/null 2>&1; then
		echo "ensure-postgres: installed PostgreSQL $ver but failed to start it" >&2
		exit 1
	fi
fi
if wait_for_pg; then
	echo "ensure-postgres: installed and started PostgreSQL $ver/main with trust auth on loopback; reachable at $PGHOST_ADDR:$PGPORT_NUM"
	exit 0
fi
echo "ensure-postgres: installed PostgreSQL $ver but it is not reachable at $PGHOST_ADDR:$PGPORT_NUM within ${WAIT_SECONDS}s" >&2
exit 1

#!/usr/bin/env bash
# Prepare external services for "make test": PostgreSQL and Chromium.
# Under CI=true a missing service is fatal, so CI never silently skips the
# PostgreSQL or browser tests. Locally we only warn; the Go tests then skip
# those cases with a visible message. The Makefile, not this script, sets the
# LAYAN_TEST_* environment variables the tests read.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
ci=${CI:-false}

fail() {
	if [ "$ci" = "true" ]; then
		echo "test-setup: FATAL: $1 under CI=true" >&2
		exit 1
	fi
	echo "test-setup: WARNING: $1; the tests that need it will be skipped" >&2
}

"$here/ensure-postgres.sh" || fail "PostgreSQL not reachable"
"$here/ensure-chromium.sh" || fail "Chromium not available"
exit 0

#!/usr/bin/env bash
# Make sure a Chromium binary exists for the browser (chromedp/axe) tests.
# Installs it from Debian apt when missing and we are root; otherwise fails
# with a clear message so test-setup.sh can decide whether that is fatal.
set -euo pipefail

find_chromium() {
	# Prefer PATH, but also accept the Debian location directly (PATH may be minimal).
	if command -v chromium >/dev/null 2>&1; then
		command -v chromium
	elif [ -x /usr/bin/chromium ]; then
		echo /usr/bin/chromium
	else
		return 1
	fi
}

if bin=$(find_chromium); then
	echo "ensure-chromium: chromium already present at $bin"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "ensure-chromium: chromium not found and not root; install it with: sudo apt-get install chromium" >&2
	exit 1
fi

echo "ensure-chromium: chromium not found; installing via apt-get (this can take a few minutes)"
export DEBIAN_FRONTEND=noninteractive
# Quiet apt output: the only thing the caller needs is success or failure.
if ! apt-get update -qq >/dev/null; then
	echo "ensure-chromium: apt-get update failed" >&2
	exit 1
fi
if ! apt-get install -y -qq chromium >/dev/null; then
	echo "ensure-chromium: apt-get install chromium failed" >&2
	exit 1
fi

if bin=$(find_chromium); then
	echo "ensure-chromium: installed chromium at $bin ($("$bin" --version 2>/dev/null || echo 'version unknown'))"
	exit 0
fi
echo "ensure-chromium: apt-get reported success but no chromium binary was found" >&2
exit 1

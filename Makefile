# Developer and CI entry points for layan. "make test" is what CI runs.

# bash with pipefail so a failing "go test -list" in a pipeline fails the target.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build

# Services used by the integration and browser tests; override on the command
# line or in the environment, e.g. make test LAYAN_TEST_POSTGRES=postgres://...
LAYAN_TEST_POSTGRES ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
LAYAN_TEST_CHROMIUM ?= /usr/bin/chromium
export LAYAN_TEST_POSTGRES LAYAN_TEST_CHROMIUM

FUZZTIME ?= 20s
BENCH_ARGS ?=

.PHONY: run build test fuzz bench vendor wilayah clean

run:
	go run ./cmd/layan serve --demo

build:
	go build -o bin/layan ./cmd/layan

# -p 2: the CI machine has two cores. Fuzz seed corpora run as ordinary tests.
test:
	scripts/test-setup.sh
	go vet -p 2 ./...
	go test -p 2 -count=1 -timeout 9m ./...

# "go test -list" prints a package's matching names, then "ok <import path>";
# pair them up so each fuzz target runs in its own package (-fuzz needs one).
# The list is read on fd 3 so nothing go test starts can consume it from stdin.
fuzz:
	@targets=$$(go test -list '^Fuzz' ./... | awk '/^Fuzz/ { names[n++] = $$1; next } /^ok/ { for (i = 0; i < n; i++) print $$2, names[i]; n = 0 }'); \
	if [ -z "$$targets" ]; then echo "fuzz: no fuzz targets found"; exit 0; fi; \
	while read -r pkg name <&3; do \
		echo "fuzz: $$pkg $$name for $(FUZZTIME)"; \
		go test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) "$$pkg"; \
	done 3<<<"$$targets"

bench:
	scripts/test-setup.sh
	go run ./bench/cmd/benchreport $(BENCH_ARGS)

vendor:
	scripts/vendor-npm.sh

wilayah:
	scripts/gen-wilayah.sh

clean:
	rm -rf bin/ layan

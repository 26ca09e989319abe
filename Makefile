# Regulars: `make run` to try it, `make test` for the whole suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_PORT ?= 55432
PG_DIR ?= /tmp/regulars-pg-$(PG_PORT)

.PHONY: help run test test-sqlite test-postgres test-e2e bench soak openapi clean venv system-deps pg-start pg-stop pwa-vendor

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

help:
	@echo "make run            set up and serve the demo chain on http://127.0.0.1:8000"
	@echo "make test           the whole suite: SQLite, PostgreSQL, browser tests"
	@echo "make test-sqlite | test-postgres | test-e2e   one part of it"
	@echo "make bench          benchmarks (BENCH_SCALE=full for 1M customers), results in var/bench/"
	@echo "make soak           long crash and fuzz runs on both engines"
	@echo "make openapi        regenerate schemas/openapi.json"
	@echo "make pg-start | pg-stop   a throwaway PostgreSQL on 127.0.0.1:$(PG_PORT)"
	@echo "make clean          remove the virtualenv and generated files"

# The staff app's browser packages (package.json, pinned with integrity hashes in package-lock.json), copied
# as plain files into pwa/vendor/ (git-ignored). Without npm the app still runs: codes are typed, and the
# camera scans only where the browser has BarcodeDetector.
PWA_VENDOR := pwa/vendor/jsQR.js

$(PWA_VENDOR): package.json package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && \
		mkdir -p pwa/vendor && \
		cp node_modules/jsqr/dist/jsQR.js pwa/vendor/jsQR.js && \
		cp node_modules/jsqr/LICENSE pwa/vendor/jsQR.LICENSE; \
	else echo "npm not found: the staff app's QR decoder (jsQR) is not vendored; see README"; fi

pwa-vendor: $(PWA_VENDOR)

run: $(STAMP) $(PWA_VENDOR)
	$(BIN)/regulars setup --demo
	$(BIN)/regulars serve --host 127.0.0.1 --port 8000

# What the suite needs that a bare Debian machine lacks.
system-deps:
	@need=""; \
	command -v pg_ctl >/dev/null || test -x /usr/lib/postgresql/15/bin/pg_ctl || need="$$need postgresql"; \
	command -v chromium >/dev/null || need="$$need chromium"; \
	fc-list 2>/dev/null | grep -qi wqy || need="$$need fonts-wqy-microhei"; \
	command -v wrk >/dev/null || need="$$need wrk"; \
	command -v npm >/dev/null || need="$$need npm"; \
	if [ -n "$$need" ]; then \
		echo "installing:$$need"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need >/dev/null; \
	fi

pg-start: system-deps
	@tests/pg.sh start $(PG_DIR) $(PG_PORT)

pg-stop:
	@tests/pg.sh stop $(PG_DIR) $(PG_PORT)

test: $(STAMP) system-deps
	@rc=0; \
	$(MAKE) --no-print-directory test-sqlite || rc=1; \
	$(MAKE) --no-print-directory test-postgres || rc=1; \
	$(MAKE) --no-print-directory test-e2e || rc=1; \
	exit $$rc

test-sqlite: $(STAMP)
	REGULARS_TEST_ENGINE=sqlite $(BIN)/pytest -m "not e2e" -p no:cacheprovider

test-postgres: $(STAMP) pg-start
	@rc=0; REGULARS_TEST_ENGINE=postgres REGULARS_TEST_PG="postgresql://postgres@127.0.0.1:$(PG_PORT)" \
		$(BIN)/pytest -m "not e2e and not nodb" -p no:cacheprovider || rc=$$?; \
	tests/pg.sh stop $(PG_DIR) $(PG_PORT); exit $$rc

test-e2e: $(STAMP) $(PWA_VENDOR)
	@if ls tests/e2e/test_*.py >/dev/null 2>&1; then \
		REGULARS_TEST_ENGINE=sqlite $(BIN)/pytest -m e2e -p no:cacheprovider tests/e2e; \
	else echo "no browser tests yet"; fi

# The long versions: the crash test over several rounds (1 and 2 workers, killed early, midway and late) and
# the API fuzzer with many more examples as clerk, manager and admin, on both engines (about 25 minutes).
SOAK_TESTS := tests/integration/core/test_crash.py tests/integration/test_api_fuzz.py

soak: $(STAMP) pg-start
	@rc=0; \
	REGULARS_SOAK=1 REGULARS_TEST_ENGINE=sqlite $(BIN)/pytest -p no:cacheprovider $(SOAK_TESTS) || rc=1; \
	REGULARS_SOAK=1 REGULARS_TEST_ENGINE=postgres REGULARS_TEST_PG="postgresql://postgres@127.0.0.1:$(PG_PORT)" \
		$(BIN)/pytest -p no:cacheprovider $(SOAK_TESTS) || rc=1; \
	tests/pg.sh stop $(PG_DIR) $(PG_PORT); exit $$rc

bench: $(STAMP) system-deps
	$(BIN)/python -m tests.perf.bench
	$(BIN)/python -m tests.perf.reports

openapi: $(STAMP)
	$(BIN)/regulars openapi

clean:
	rm -rf $(VENV) var/test* var/pgtest node_modules pwa/vendor

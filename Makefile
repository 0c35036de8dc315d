# Every routine task is one target away. Only Python 3.11+ and make are needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BIND ?= 127.0.0.1:8000

.PHONY: demo test test-fast axe browser-tools lint format bench fuzz serve worker lock messages clean rehearsal-short

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Runtime dependencies, exactly as locked and checked against the locked hashes, then the
# project itself (a separate step: a local source tree has no hash to check).
$(VENV)/.base: requirements/base.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# Test and lint tools on top, hashes checked the same way.
$(VENV)/.dev: requirements/dev.lock $(VENV)/.base
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.lock
	touch $@

var:
	mkdir -p var

# The browser tests' tools from npm (axe-core), exactly as package-lock.json pins them, each
# checked against its integrity hash, into node_modules/ (never committed, never served).
# Without npm the axe tests are skipped, except under CI=true, where they fail.
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

browser-tools:
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory node_modules/.installed; \
	else echo "npm not found: the axe-core browser tests will be skipped"; fi

demo: export SUMMITDESK_BASE_URL ?= http://$(BIND)
demo: $(VENV)/.base | var
	$(BIN)/summitdesk migrate --noinput -v0
	$(BIN)/summitdesk load-demo
	@echo "Starting the web server on http://$(BIND)/ and a task worker (Ctrl-C stops both)."
	@$(BIN)/summitdesk worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/summitdesk serve --bind $(BIND)

# The whole suite on every core (one database per worker), with branch coverage printed
# and its floor (pyproject.toml, [tool.coverage.report]) enforced. COVERAGE= skips coverage.
# Tests marked with the same xdist_group run on one worker (the demo is loaded once there).
WORKERS ?= auto
COVERAGE ?= --cov --cov-report=term:skip-covered
test: $(VENV)/.dev browser-tools | var
	$(BIN)/pytest -n $(WORKERS) --dist loadgroup $(COVERAGE)

# axe-core on every kind of page, in English and Arabic, over the demo in one browser
# (tests/test_browser_axe.py; `make test` checks a few of them). A few minutes.
axe: $(VENV)/.dev node_modules/.installed | var
	$(BIN)/pytest -n 0 -q tests/test_browser_axe.py --axe-every-page

# The quick loop while working: the unit tests only (no browser, no process or server
# started, no demo, no fuzzing; see the markers in pyproject.toml), without coverage.
test-fast: $(VENV)/.dev | var
	$(BIN)/pytest -n $(WORKERS) --dist loadgroup -m unit -q

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy src tests
	$(BIN)/summitdesk makemigrations --check --dry-run

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(VENV)/.dev | var
	@for script in bench/[!_]*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# The cluster of deploy/ (HAProxy, two web servers, two workers, the local PostgreSQL and
# Redis, docs/deployment.md) rehearsed under fault: 200 replies through HAProxy while a web
# server and a worker are killed and restarted, then every reply and email checked. About
# three minutes; needs haproxy, socat and curl.
rehearsal-short: $(VENV)/.base | var
	$(BIN)/python deploy/rehearse.py $(ARGS)

# The REST API fuzzed over HTTP (schemathesis) against a server with the demo loaded, in a
# scratch database: a random seed each run (printed; replay with ARGS="--seed N").
fuzz: $(VENV)/.dev
	$(BIN)/python tools/fuzz_api.py $(ARGS)

# Regenerate the lock files after changing dependencies in pyproject.toml.
# The versions already locked are kept unless pyproject.toml rules them out; every
# distribution of each version is listed with its hash.
UV_VERSION := 0.13.10
lock: $(VENV)/.dev
	$(BIN)/pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -q --no-header -o requirements/base.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -q --no-header -o requirements/dev.lock

# Regenerate the translation catalogues from the strings marked for translation, then
# compile them. Both the .po and the .mo are committed: installs need no gettext tools.
# Needs GNU gettext (msgfmt, xgettext, msgmerge).
MESSAGE_LANGUAGES := fr es ar ru zh_Hans
messages: $(VENV)/.base
	cd src/summitdesk && $(abspath $(BIN))/summitdesk makemessages $(addprefix -l ,$(MESSAGE_LANGUAGES)) --no-obsolete --add-location=file --ignore=.venv
	cd src/summitdesk && $(abspath $(BIN))/summitdesk compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var node_modules .pytest_cache .mypy_cache .ruff_cache .import_linter_cache .grimp_cache

# Careleaf: `make run` serves the demo, `make test` runs the whole suite. See README.md and docs/.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: run install install-dev client-tools migrate seed serve test test-postgres test-fast test-redis fuzz lint lint-openapi format openapi vendor-swagger-ui bench bench-operations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# openapi-typescript and tsc (npm, pinned in tools/clients/package-lock.json, installed there:
# no global install) for the TypeScript client test in tests/test_generated_clients.py.
CLIENT_TOOLS := tools/clients/node_modules/.bin/tsc
$(CLIENT_TOOLS): tools/clients/package.json tools/clients/package-lock.json
	npm ci --prefix tools/clients --no-audit --no-fund --silent
	touch $@

# axe-core (npm, pinned in tools/axe/package-lock.json, installed there) for the browser tests'
# accessibility checks (tests/support/browser.py).
AXE := tools/axe/node_modules/axe-core/axe.min.js
$(AXE): tools/axe/package.json tools/axe/package-lock.json
	npm ci --prefix tools/axe --no-audit --no-fund --silent
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev $(CLIENT_TOOLS) $(AXE)
client-tools: $(CLIENT_TOOLS) $(AXE)

migrate: install
	$(BIN)/alembic upgrade head

seed: migrate
	$(BIN)/flask --app wsgi seed

# The demo's fictional clinic (seed/README.md): handouts and newsletter footers show it.
DEMO_CLINIC_NAME = Riverside Spine & Wellness Clinic
DEMO_CLINIC_ADDRESS = 100 River Road, Springfield, IL 62701 (a fictional demo address)
DEMO_CLINIC_PHONE = (217) 555-0100

# One process, four threads: the default memory:// rate limits count every request exactly
# (several workers would each count their own; gunicorn.conf.py refuses that).
run: seed
	@echo "Careleaf demo on http://127.0.0.1:$(PORT) (API docs: http://127.0.0.1:$(PORT)/docs)"
	SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" \
	  CLINIC_NAME="$${CLINIC_NAME:-$(DEMO_CLINIC_NAME)}" \
	  CLINIC_POSTAL_ADDRESS="$${CLINIC_POSTAL_ADDRESS:-$(DEMO_CLINIC_ADDRESS)}" \
	  CLINIC_PHONE="$${CLINIC_PHONE:-$(DEMO_CLINIC_PHONE)}" \
	  $(BIN)/gunicorn -c gunicorn.conf.py --bind 127.0.0.1:$(PORT) --workers 1 --threads 4 wsgi:app

# Markers (pyproject.toml): each store's pass deselects the other store's tests, so under CI
# (where any skip fails) nothing is skipped. PYTEST_ARGS adds options, e.g. PYTEST_ARGS=-x.
test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -m "not postgres_only" $(PYTEST_ARGS)

test-postgres: install-dev
	TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -m "not sqlite_only" $(PYTEST_ARGS)

# The suite without the tests that start real servers (SQLite).
test-fast: install-dev
	$(BIN)/pytest -m "not slow and not postgres_only" $(PYTEST_ARGS)

# Only the tests that need Redis (TEST_REDIS_URL, default redis://127.0.0.1:6379), on PostgreSQL.
test-redis: install-dev
	TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -m redis $(PYTEST_ARGS)

# Also part of `make test`; here alone and deeper: make fuzz FUZZ_MAX_EXAMPLES=200
FUZZ_MAX_EXAMPLES ?= 25
fuzz: install-dev
	FUZZ_MAX_EXAMPLES=$(FUZZ_MAX_EXAMPLES) $(BIN)/pytest tests/test_fuzz_schema.py

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

openapi: install
	DATABASE_URL=sqlite:// $(BIN)/flask --app wsgi openapi write --format=yaml openapi.yaml

# Spectral (npm, pinned in tools/spectral/package-lock.json, installed there: no global
# install) lints openapi.yaml and the document the app serves; any warning fails (CI).
SPECTRAL := tools/spectral/node_modules/.bin/spectral
$(SPECTRAL): tools/spectral/package.json tools/spectral/package-lock.json
	npm ci --prefix tools/spectral --no-audit --no-fund --silent
	touch $@

lint-openapi: install $(SPECTRAL)
	mkdir -p instance
	DATABASE_URL=sqlite:// $(BIN)/flask --app wsgi openapi print --format=json > instance/openapi.served.json
	$(SPECTRAL) lint --fail-severity=warn --ruleset .spectral.yaml openapi.yaml instance/openapi.served.json

# Swagger UI for /docs, vendored from npm at a pinned version (only the files the page loads,
# with the licences); see api/docs/swagger_ui/README.md.
SWAGGER_UI_VERSION ?= 5.35.0
SWAGGER_UI_FILES := swagger-ui-bundle.js swagger-ui-bundle.js.LICENSE.txt swagger-ui.css \
	swagger-ui-standalone-preset.js swagger-ui-standalone-preset.js.LICENSE.txt LICENSE NOTICE
vendor-swagger-ui:
	rm -rf instance/swagger-ui && mkdir -p instance/swagger-ui
	cd instance/swagger-ui && npm pack --silent swagger-ui-dist@$(SWAGGER_UI_VERSION) \
		&& tar xzf swagger-ui-dist-$(SWAGGER_UI_VERSION).tgz
	cd instance/swagger-ui/package && cp $(SWAGGER_UI_FILES) $(CURDIR)/api/docs/swagger_ui/

# `make bench ARGS="--articles 100000 --stores postgresql"`; see docs/deployment-and-scale.md, Benchmark.
bench: install
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& { apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; }; }; } \
		|| echo "wrk is not installed: the Python load client (bench/pyload.py) will drive the load"
	$(BIN)/python -m bench $(ARGS)

# The benchmarks of heavy single operations (each writes its block of bench/RESULTS.md):
# a 24-megapixel upload, handouts, queueing an issue to 10,000 subscribers, sending 10,000 mails.
bench-operations: install-dev
	$(BIN)/python -m bench.media --runs 3
	$(BIN)/python -m bench.handouts
	$(BIN)/python -m bench.newsletter_queue --subscribers 10000
	$(BIN)/python -m bench.outbox

clean:
	rm -rf $(VENV) instance .pytest_cache

# evalsys: `make run` serves the demo on http://127.0.0.1:8000/, `make test` runs every test.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# Debian packages: CJK fonts and HarfBuzz's subsetter for PDF reports (without it WeasyPrint
# subsets fonts with fontTools, ~20x slower), Pango for WeasyPrint, poppler for PDF tests.
SYSTEM_PACKAGES := fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils
# Only the tests need these: LibreOffice opens the generated .docx/.xlsx as a reader would;
# Playwright drives Debian's Chromium (never a browser download) for the browser tests.
TEST_PACKAGES := libreoffice-writer-nogui libreoffice-calc-nogui chromium nodejs
# axe-core for the accessibility browser test, from npm at this exact version (never a CDN);
# tests/browser/test_accessibility.py reads the version from here and the script from .cache/axe.
AXE_VERSION := 4.11.0
AXE_STAMP := .cache/axe/.installed-$(AXE_VERSION)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint check setup system bench worker serve mutate

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

PACKAGES ?= $(SYSTEM_PACKAGES)

setup: system $(STAMP)

system:
	@missing=$$(for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:" $$missing; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# DEBUG is off unless set: the demo server turns it on (development key, demo data, no HTTPS);
# the benchmarks too, which turn it off themselves before measuring. The tests use tests/settings.py.
run bench: export DEBUG = 1
# the demo server's port: `make run PORT=8011` when 8000 is taken
PORT ?= 8000

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo "Serving http://127.0.0.1:$(PORT)/ (background worker for batch exports and large imports: manage.py db_worker)"
	$(PY) manage.py db_worker --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: setup
	@$(MAKE) --no-print-directory system PACKAGES="$(TEST_PACKAGES)"
	@$(MAKE) --no-print-directory $(AXE_STAMP)
	$(PY) -m pytest

# npm comes with NodeSource's nodejs; Debian's nodejs needs its separate npm package (which
# conflicts with NodeSource's, so it is asked for only when there is no npm at all).
$(AXE_STAMP):
	@command -v npm >/dev/null || $(MAKE) --no-print-directory system PACKAGES=npm
	npm install --prefix .cache/axe --no-save --no-audit --no-fund axe-core@$(AXE_VERSION)
	touch $@

# lint-imports checks the layers of .importlinter (README "Layers"): no app imports one above it
lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

check: lint test
	$(PY) manage.py makemigrations --check --dry-run

bench: setup
	$(PY) bench/import_and_score.py
	$(PY) bench/pages.py
	$(PY) bench/lists.py --sizes 500,5000
	$(PY) bench/reports.py

worker: setup
	$(PY) manage.py db_worker

# Production on this machine (README "Production"): DEBUG off, gunicorn with (2 × cores) + 1
# workers and one background worker per core. Needs SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
WORKERS ?= $(shell nproc)
serve: setup
	@test -n "$$SECRET_KEY" || { echo "make serve: set SECRET_KEY (and ALLOWED_HOSTS, DATABASE_URL)"; exit 2; }
	env -u DEBUG $(PY) manage.py migrate --noinput
	env -u DEBUG $(PY) manage.py collectstatic --noinput -v 0
	@pids=""; for i in $$(seq $(WORKERS)); do \
	  env -u DEBUG $(PY) manage.py db_worker --queue-name '*' --no-startup-delay --worker-id "$$(hostname)-$$i" & \
	  pids="$$pids $$!"; done; \
	trap 'kill $$pids 2>/dev/null' EXIT INT TERM; \
	env -u DEBUG $(VENV)/bin/gunicorn evalsys.wsgi --config gunicorn.conf.py

# Mutation testing of the pure engine and the cell parser (README "Mutation testing"): mutmut
# mutates a copy in mutants/ (never the working tree) and runs the fast, database-free tests listed
# in pyproject.toml's [tool.mutmut] against each mutant; then the score per module is printed,
# the equivalent mutants of bench/mutants-equivalent.txt set aside. A fresh copy every time, so the
# score never rests on an earlier run's cache. Niced, on MUTATE_JOBS workers (the machine is shared).
MUTATE_JOBS ?= 2
MUTATE_FAIL_UNDER ?= 95

mutate: $(STAMP)
	rm -rf mutants
	mkdir -p mutants
	@echo "mutmut run (log: mutants/run.log) ..."
	nice -n 10 $(PY) -m mutmut run --max-children $(MUTATE_JOBS) > mutants/run.log 2>&1 \
	  || { tail -n 40 mutants/run.log; exit 1; }
	$(PY) bench/mutation_score.py --fail-under $(MUTATE_FAIL_UNDER)

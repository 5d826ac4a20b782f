# Mejora en Red: `make run` starts everything, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .stamps
PY_PACKAGES := -e libs/common -e libs/vocabulary -e services/cycles -e services/observations -e services/reports -e infra/gateway
PY_INPUTS := libs/common/pyproject.toml libs/vocabulary/pyproject.toml services/cycles/pyproject.toml services/observations/pyproject.toml \
	services/reports/pyproject.toml infra/gateway/pyproject.toml requirements-dev.txt constraints.txt
FRONTEND_INPUTS := $(shell find frontend/src frontend/public -type f 2>/dev/null) frontend/index.html \
	frontend/vite.config.ts frontend/tsconfig.json frontend/package-lock.json libs/vocabulary/mejora_vocabulary/vocabulary.json
NPM := npm --no-audit --no-fund --loglevel=error

.PHONY: help run test test-install lint install api-types clean backup restore

help:
	@echo "make run    instala lo que falta, migra, carga la demo y levanta todo en http://127.0.0.1:$${MEJORA_PORT:-8000}"
	@echo "make test   instala lo que falta y corre todas las pruebas (SQLite; también PostgreSQL si TEST_DATABASE_URL está definido)"
	@echo "make lint   ruff, mypy; en el frontend: tipos, ESLint y Prettier"
	@echo "make backup respaldo cifrado de las tres bases y las claves (README, Operación); make restore ARCHIVE=..."

$(STAMPS)/python: $(PY_INPUTS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt $(PY_PACKAGES) -r requirements-dev.txt
	@mkdir -p $(STAMPS) && touch $@

frontend/node_modules/.package-lock.json: frontend/package.json frontend/package-lock.json
	cd frontend && $(NPM) ci
	@touch $@

infra/node_modules/.package-lock.json: infra/package.json infra/package-lock.json
	cd infra && $(NPM) ci
	@touch $@

frontend/dist/index.html: $(FRONTEND_INPUTS) frontend/node_modules/.package-lock.json
	cd frontend && $(NPM) run build

# Debian packages: Pango, Cairo and fonts for the PDF and PNG reports (WeasyPrint, CairoSVG); Chromium for the browser tests
# (Debian's build, driven by Playwright: never a downloaded browser).
RUNTIME_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libcairo2 fonts-dejavu-core
TEST_DEBS := chromium
# Backup and restore (infra/ops): pg_dump and pg_restore for PostgreSQL, age to encrypt the archive.
OPS_DEBS := postgresql-client age
define apt_ensure
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Instalando paquetes de Debian: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	@mkdir -p $(STAMPS) && touch $@
endef

$(STAMPS)/debs-runtime:
	$(call apt_ensure,$(RUNTIME_DEBS))

$(STAMPS)/debs-test:
	$(call apt_ensure,$(TEST_DEBS))

$(STAMPS)/debs-ops:
	$(call apt_ensure,$(OPS_DEBS))

install: $(STAMPS)/debs-runtime $(STAMPS)/python frontend/dist/index.html

run: install
	$(PY) infra/launcher.py

lint: $(STAMPS)/python frontend/node_modules/.package-lock.json
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	cd frontend && npx tsc -b
	cd frontend && npx eslint .
	cd frontend && npx prettier --check .

# `make test` runs its phases through infra/ci/phases.py, which times each one and prints seconds per phase:
# install (test-install), lint, frontend unit tests, tests on SQLite, tests on PostgreSQL (when TEST_DATABASE_URL is
# set), browser tests, fuzzing (PostgreSQL only), the deploy check (MEJORA_DEPLOY_CHECK=skip skips it).
# Lint and every test phase run, so one report shows every problem; any failing fails the target.
# (Through PHASES_MAKE, not $(MAKE): a recipe naming $(MAKE) runs even under `make -n`.)
PHASES_MAKE := $(MAKE)
test:
	@MAKE="$(PHASES_MAKE)" $(PYTHON) infra/ci/phases.py

test-install: install $(STAMPS)/debs-test $(STAMPS)/debs-ops infra/node_modules/.package-lock.json

api-types: $(STAMPS)/python frontend/node_modules/.package-lock.json
	$(PY) infra/openapi_export.py --snapshots var/openapi.json
	cd frontend && npx openapi-typescript ../var/openapi.json -o src/api/schema.d.ts

# Schemathesis over the public API through the real gateway, as a coordinator and as a teacher (tests/fuzz):
# on SQLite, or on PostgreSQL when TEST_DATABASE_URL is set. Also the last phase of `make test` (PostgreSQL only).
.PHONY: fuzz
fuzz: $(STAMPS)/python
	PYTHONPATH=infra/ci $(PY) -m pytest -p pytest_phase --phase fuzz tests/fuzz

# One encrypted archive of the three databases (writes paused meanwhile) and the data directory's keys; restore only
# into empty databases. Settings: MEJORA_BACKUP_RECIPIENTS, MEJORA_BACKUP_IDENTITY, MEJORA_BACKUP_DIR (README).
OPS := PYTHONPATH=infra/ops $(PY) -m mejora_ops
backup: $(STAMPS)/python $(STAMPS)/debs-ops
	$(OPS) backup

restore: $(STAMPS)/python $(STAMPS)/debs-ops
	@test -n "$(ARCHIVE)" || { echo "Uso: make restore ARCHIVE=ruta/al/respaldo.tar.age"; exit 2; }
	$(OPS) restore "$(ARCHIVE)"

clean:
	rm -rf $(STAMPS) $(VENV) frontend/node_modules frontend/dist infra/node_modules

# Deployment (docs/deployment.md). `make images` builds every image from the repository's Dockerfiles (base images
# built locally from Debian packages where no registry answers, deploy/images/standins.sh); it starts the engine
# when it is not running and leaves it running. `make deploy-check` builds, starts the compose stack on loopback
# ports, bootstraps, runs the smoke suite, the two-instance and SIGKILL checks, and tears everything down.
.PHONY: images deploy-check
images: $(STAMPS)/python frontend/dist/index.html
	@deploy/scripts/engine.sh start >/dev/null
	deploy/images/build.sh

deploy-check: $(STAMPS)/python frontend/dist/index.html
	$(PY) deploy/scripts/deploy_check.py

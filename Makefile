# Mahalla — build/run/test entry points.
#
# Documented commands:  make run   |   make test
# Everything else (venv, assets, translations) is built on demand.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Interpreter used to create the virtualenv: python3.11, else python3.
ifndef PYTHON
PYTHON := $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null || echo python3)
endif
VENV ?= .venv
NPM ?= npm
PORT ?= 5000
TRANSLATIONS ?= webapp/translations
VENDOR ?= webapp/static/vendor
PG_TEST_URL_DEFAULT := postgresql://postgres@127.0.0.1:5432/test
# The browser tests drive the UI, whatever the database: they run once, in the SQLite pass.
PG_PASS_SKIP ?= --ignore=tests/e2e

BIN := $(VENV)/bin
VENV_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

LOCK_MAIN := requirements/main.txt
LOCK_DEV := requirements/dev.txt
PIP_COMPILE_FLAGS := --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links

.PHONY: help venv assets translations messages model run test lint fmt bench lock clean distclean coverage-doc

help:
	@echo "make run     start the demo app on http://127.0.0.1:$(PORT) (PORT=... to change)"
	@echo "make test    ruff + mypy + pytest on SQLite (and PostgreSQL if TEST_DATABASE_URL is set or CI=true)"
	@echo "other:       venv assets translations messages model lint fmt bench lock clean distclean"

# --- Python virtualenv: exactly the locked versions (requirements/*.txt, with hashes) ---------

venv: $(VENV_STAMP)

$(VENV_STAMP): pyproject.toml $(LOCK_DEV)
	@if [ ! -x "$(BIN)/python" ]; then \
		echo "Creating $(VENV) with $(PYTHON)"; \
		"$(PYTHON)" -m venv "$(VENV)"; \
	fi
	"$(BIN)/python" -m pip install --disable-pip-version-check --progress-bar off --require-hashes -r "$(LOCK_DEV)"
	"$(BIN)/python" -m pip install --disable-pip-version-check --progress-bar off --no-deps -e .
	@touch "$@"

# Re-resolve the locks from pyproject.toml (README: "Upgrading dependencies"). Keeps the pinned
# versions that still satisfy pyproject.toml; UPGRADE=1 takes the newest of everything,
# UPGRADE_PACKAGE=name the newest of one package.
lock:
	@if [ ! -x "$(BIN)/pip-compile" ]; then \
		[ -x "$(BIN)/python" ] || "$(PYTHON)" -m venv "$(VENV)"; \
		"$(BIN)/python" -m pip install --disable-pip-version-check --progress-bar off "pip-tools>=7.4"; \
	fi
	mkdir -p requirements
	"$(BIN)/pip-compile" $(PIP_COMPILE_FLAGS) $(if $(UPGRADE),--upgrade) \
		$(if $(UPGRADE_PACKAGE),--upgrade-package $(UPGRADE_PACKAGE)) --output-file "$(LOCK_MAIN)" pyproject.toml
	"$(BIN)/pip-compile" $(PIP_COMPILE_FLAGS) $(if $(UPGRADE),--upgrade) \
		$(if $(UPGRADE_PACKAGE),--upgrade-package $(UPGRADE_PACKAGE)) --extra dev --output-file "$(LOCK_DEV)" pyproject.toml

# --- Front-end assets (npm registry -> node_modules -> webapp/static/vendor) --

assets: $(NODE_STAMP)
	"$(PYTHON)" scripts/copy_assets.py

$(NODE_STAMP): package.json package-lock.json
	$(NPM) ci --no-audit --no-fund
	@touch "$@"

# --- Translations ------------------------------------------------------------

# pybabel compile fails when there are no catalogs, so only run it if a .po exists.
translations: $(VENV_STAMP)
	@if ls $(TRANSLATIONS)/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
		echo "$(BIN)/pybabel compile -d $(TRANSLATIONS) -f"; \
		"$(BIN)/pybabel" compile -d "$(TRANSLATIONS)" -f; \
	else \
		echo "translations: no .po catalogs in $(TRANSLATIONS) yet, skipping compile"; \
	fi

# Re-extract messages.pot (Python, Jinja2 templates, BPMN) and merge it into existing catalogs.
# Start a new language with: .venv/bin/pybabel init -i webapp/translations/messages.pot -d webapp/translations -l <lang>
messages: $(VENV_STAMP)
	mkdir -p "$(TRANSLATIONS)"
	"$(BIN)/pybabel" extract -F babel.cfg -w 100 -k lazy_gettext -k _l -k lazy_ngettext:1,2 -k NP_:1c,2 \
		-o "$(TRANSLATIONS)/messages.pot" .
	@if ls $(TRANSLATIONS)/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
		"$(BIN)/pybabel" update -w 100 -i "$(TRANSLATIONS)/messages.pot" -d "$(TRANSLATIONS)"; \
	fi
	@if [ -f "$(TRANSLATIONS)/uz/LC_MESSAGES/messages.po" ]; then \
		"$(BIN)/python" -m webapp.i18n_typography "$(TRANSLATIONS)/uz/LC_MESSAGES/messages.po"; \
	fi

# --- The categoriser model (trained from data/categorisation/train.jsonl into instance/) ----------

model: venv
	MAHALLA_DEMO=1 "$(BIN)/mahalla" build-categoriser

# --- Run ---------------------------------------------------------------------

run: venv assets translations
	MAHALLA_DEMO=1 "$(BIN)/mahalla" db upgrade
	MAHALLA_DEMO=1 "$(BIN)/mahalla" seed-demo
	MAHALLA_DEMO=1 "$(BIN)/mahalla" build-categoriser
	MAHALLA_DEMO=1 "$(BIN)/mahalla" run --host 127.0.0.1 --port $(PORT)

# --- Quality gates -----------------------------------------------------------

# SQLite always (TEST_DATABASE_URL unset, tests marked `postgres` deselected);
# then the suite on PostgreSQL when TEST_DATABASE_URL is set or CI=true (without the browser tests,
# which ran in the SQLite pass; the benchmark smoke tests run once too, see tests/test_bench.py).
test: venv assets translations
	set -e; \
	"$(BIN)/ruff" check .; \
	"$(BIN)/ruff" format --check .; \
	"$(BIN)/mypy"; \
	echo "=== pytest (SQLite) ==="; \
	env -u TEST_DATABASE_URL "$(BIN)/python" -m pytest -q -m "not postgres"; \
	if [ -n "$${TEST_DATABASE_URL:-}" ] || [ "$${CI:-}" = "true" ]; then \
		echo "=== pytest (PostgreSQL: $${TEST_DATABASE_URL:-$(PG_TEST_URL_DEFAULT)}) ==="; \
		TEST_DATABASE_URL="$${TEST_DATABASE_URL:-$(PG_TEST_URL_DEFAULT)}" "$(BIN)/python" -m pytest -q $(PG_PASS_SKIP); \
	else \
		echo "=== PostgreSQL run skipped (set TEST_DATABASE_URL or CI=true) ==="; \
	fi

lint: venv
	"$(BIN)/ruff" check .
	"$(BIN)/ruff" format --check .
	"$(BIN)/mypy"

coverage-doc: venv
	"$(BIN)/python" -c 'from engine.coverage import render_markdown; print(render_markdown(), end="")' > docs/bpmn-coverage.md

fmt: venv
	"$(BIN)/ruff" format .
	"$(BIN)/ruff" check --fix .

bench: venv
	"$(BIN)/python" bench/run_all.py

# --- Cleanup -----------------------------------------------------------------

# Build outputs and caches; keeps .venv and node_modules (see distclean).
clean:
	rm -rf "$(VENDOR)" .pytest_cache .mypy_cache .ruff_cache build dist *.egg-info test-artifacts
	find . -path ./.venv -prune -o -path ./node_modules -prune -o \
		\( -name __pycache__ -type d -prune -exec rm -rf {} + \) -o \
		\( -name '*.mo' -path '*/LC_MESSAGES/*' -exec rm -f {} + \)

distclean: clean
	rm -rf "$(VENV)" node_modules

# Two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Links in emails point at the local server unless told otherwise.
export SITE_URL ?= http://127.0.0.1:$(PORT)
STAMP := $(VENV)/.installed

# Django 6.1 needs Python 3.12 or newer. Look for one on PATH, then among pyenv's installs,
# and stop with a clear message if there is none.
define find_python
for candidate in python3.14 python3.13 python3.12 python3 \
    $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
  if command -v "$$candidate" >/dev/null 2>&1 && \
     "$$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then \
    command -v "$$candidate"; exit 0; \
  fi; \
done; exit 1
endef

.PHONY: help run test lint format bench clean python-check

help:
	@echo "make run    set up .venv, migrate, load demo data, serve http://127.0.0.1:$(PORT) with a task worker"
	@echo "make test   run the whole test suite (SQLite, or PostgreSQL when DATABASE_URL points there)"
	@echo "make lint   ruff check and format check, and the import layers (lint-imports)"
	@echo "make bench  benchmarks (not part of make test)"

$(PY):
	@base="$$( $(find_python) )" || { \
	  echo "error: Python 3.12 or newer is needed (Django 6.1 does not support older versions)." >&2; \
	  echo "       Install python3.12 or python3.13 (or 'pyenv install 3.12') and run make again." >&2; \
	  exit 1; }; \
	echo "Creating $(VENV) with $$base ($$($$base --version))"; \
	"$$base" -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' || { \
	  echo "error: $(VENV) was made with Python < 3.12; remove it (rm -rf $(VENV)) and run make again." >&2; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

python-check: $(STAMP)

var:
	@mkdir -p var

run: $(STAMP) | var
	$(PY) -m config.catalogues
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py load_demo
	$(PY) manage.py demo_api_token
	@echo "Serving on http://127.0.0.1:$(PORT)/  (organisers: http://127.0.0.1:$(PORT)/admin/)"
	@trap 'kill 0' EXIT INT TERM; \
	  $(PY) manage.py db_worker --no-reload & \
	  $(PY) manage.py scheduler --every 60 & \
	  $(PY) manage.py runserver --nostatic 127.0.0.1:$(PORT)

# -n 2: these machines have two cores; the suite is split across both.
test: $(STAMP)
	$(PY) -m config.catalogues
	$(PY) -m pytest -n 2 -p no:cacheprovider $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP)
	bash bench/run

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache

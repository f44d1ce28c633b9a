# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
# Development targets run with DEBUG on unless the environment says otherwise: with DEBUG off
# the settings refuse to start without a SECRET_KEY of the site's own.
DEV := DEBUG=$${DEBUG:-true}

.PHONY: run test install install-dev lint format seed migrate worker beat clean messages

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# Reinstall when pyproject.toml changes. Dependencies come straight from pyproject.toml:
# serving needs only [project] dependencies; tests, linters and the load test add the dev extras.
$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) scripts/requirements.py > $(VENV)/requirements.txt
	$(PY) -m pip install -q -r $(VENV)/requirements.txt
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PY) scripts/requirements.py --dev > $(VENV)/requirements-dev.txt
	$(PY) -m pip install -q -r $(VENV)/requirements-dev.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

install: $(VENV)/.installed node_modules/.package-lock.json

install-dev: install $(VENV)/.installed-dev

migrate: install
	$(DEV) $(PY) manage.py migrate --noinput

seed: migrate
	$(DEV) $(PY) manage.py seed_demo --if-empty

run: seed
	@echo "Serving http://$(HOST):$(PORT)/ (agents) and http://$(HOST):$(PORT)/portal/ (customers)"
	DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: lint
	$(VENV)/bin/pytest $(PYTEST_ARGS)

worker: install
	$(DEV) $(VENV)/bin/celery -A helpdesk worker -l info

beat: install
	$(DEV) $(VENV)/bin/celery -A helpdesk beat -l info

# Needs GNU gettext. The compiled catalogues are committed, so `make run` does not.
MAKEMESSAGES := $(DEV) $(PY) manage.py makemessages -l ja --add-location=file -i node_modules -i staticfiles -i tests -i devtools/ingest_bench.py
messages: install
	$(MAKEMESSAGES)
	$(MAKEMESSAGES) -d djangojs -i vendor
	$(DEV) $(PY) manage.py compilemessages -l ja -i .venv -i node_modules

clean:
	rm -rf $(VENV) node_modules staticfiles screenshots .pytest_cache .ruff_cache

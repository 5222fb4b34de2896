# Two commands for a new user (see README.md): `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
DEB_RUN := redis-server gettext fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0
DEB_TEST := chromium poppler-utils
export DJANGO_SETTINGS_MODULE := portal.settings

.PHONY: run test deps deps-test services migrate seed lint stop bench messages

deps: $(VENV)/.installed var/.deb-run locale/.compiled

deps-test: deps var/.deb-test

var/.deb-run:
	@mkdir -p var && bash .ci/apt-install $(DEB_RUN) && touch $@

var/.deb-test:
	@mkdir -p var && bash .ci/apt-install $(DEB_TEST) && touch $@

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $@

locale/.compiled: $(wildcard locale/*/LC_MESSAGES/django.po) | $(VENV)/.installed var/.deb-run
	$(PY) manage.py compilemessages -v 0 --ignore=.venv --ignore=var --ignore=node_modules
	@touch $@

services: deps
	@$(PY) -m portal.devservices up

migrate: services
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py collectstatic --no-input -v 0

seed: migrate
	$(PY) manage.py seed_demo --once

run: seed
	@echo
	@echo "  产品质量监督抽查平台: http://127.0.0.1:8000/   (admin: http://127.0.0.1:8000/admin/)"
	@$(PY) manage.py seed_demo --print-logins
	@echo "  Ctrl-C stops the web server, the Celery worker and beat."
	@echo
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH DEBUG=$${DEBUG:-1} EXEMPTIONS_ENABLED=$${EXEMPTIONS_ENABLED:-1} $(VENV)/bin/honcho start -f Procfile

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy

test: deps-test services lint
	$(PY) manage.py makemigrations --check --dry-run -v 0
	$(VENV)/bin/pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

stop:
	$(PY) -m portal.devservices down

# Refresh the English catalogue after changing a user-facing string (then translate what is new).
messages: deps
	$(PY) manage.py makemessages -l en --no-location --ignore=.venv --ignore=var --ignore=node_modules --ignore=tests --ignore=bench -v 0
	$(PY) manage.py compilemessages -v 0 --ignore=.venv --ignore=var --ignore=node_modules

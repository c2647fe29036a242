# The two commands of the README: `make run` and `make test`. Everything else is their helpers.
PYTHON ?= python3
VENV := .venv
PORT ?= 8000
PY := $(VENV)/bin/python
comma := ,
# The PostgreSQL driver builds from source, so it is installed only when PostgreSQL is used.
EXTRAS := dev$(if $(findstring postgres,$(DATABASE_URL)),$(comma)postgres)
STAMP := $(VENV)/.installed-$(subst $(comma),-,$(EXTRAS))

.PHONY: run test lint check install migrate seed messages mutation clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[$(EXTRAS)]"
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

migrate: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py migrate --noinput

seed: migrate
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py seed_demo

# Serve the portal with a Celery worker and beat; Ctrl-C stops all three once (scripts/run-dev.sh).
run: seed
	@echo "Portal: http://127.0.0.1:$(PORT)  (broker: $${REDIS_URL:-embedded file-system queue})"
	@VENV=$(VENV) PORTAL_PORT=$(PORT) ./scripts/run-dev.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The quick checks a developer runs before committing (make test runs them too, as tests).
check: lint
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

# Mutation testing of the rule modules, one at a time on SQLite (slow; not run in CI). Prints the
# score per module; MUTATION_ARGS="core_uscc" runs one, "--report" only reprints the table.
mutation: install
	$(PY) scripts/mutation.py $(MUTATION_ARGS)

messages: install
	DJANGO_DEBUG=1 $(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=static
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf var .pytest_cache

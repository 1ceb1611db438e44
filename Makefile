# The README's commands. Everything installs into .venv from pyproject.toml, pinned by constraints.txt.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_WORKERS ?= auto

.PHONY: install run test test-postgres lint bench fuzz-long lock clean loadtest resilience backup-check

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## Migrate, load the demo world from the seeds and serve the portal on http://127.0.0.1:8000
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Portail : http://127.0.0.1:8000/  –  espace partenaires : http://127.0.0.1:8000/espace/"
	$(PY) manage.py runserver 127.0.0.1:8000

## The whole suite on SQLite, in parallel (browser tests included when /usr/bin/chromium exists)
test: install
	$(PY) -m pytest -n $(PYTEST_WORKERS) --create-db -q

## The whole suite again on PostgreSQL with a real Celery worker on Redis (see .ci/run)
test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} \
	CELERY_TEST_BROKER_URL=$${CELERY_TEST_BROKER_URL:-redis://127.0.0.1:6379/15} \
	$(PY) -m pytest -n $(PYTEST_WORKERS) --create-db -q

lint: install
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run

## Benchmarks (not part of `make test`): grows the bench world in PostgreSQL (BENCH_DATABASE_URL,
## default ppe_bench on 127.0.0.1) through BENCH_STAGES (default 1000,10000,100000 pathways),
## measures every page at each stage, prints one table and saves it in bench/results/
bench: install
	$(PY) -m bench

## Load test on loopback: gunicorn (2 workers), Celery, PostgreSQL, Redis under 10/50/100 users (bench/results/)
loadtest: install
	$(PY) -m bench.loadtest

## Resilience under load: Celery worker killed mid-task, PostgreSQL restarted (own cluster on 5433)
resilience: install
	$(PY) -m bench.resilience

## Tested restore: pg_dump, pg_restore into a fresh database, same row count in every table
backup-check: install
	$(PY) -m deploy.backup_check $${BACKUP_CHECK_DATABASE_URL:-$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ppe_load}}

## Fuzzing with the long profile: many hostile examples per form (not part of `make test`)
fuzz-long: install
	HYPOTHESIS_PROFILE=long $(PY) -m pytest tests/fuzz -n 0 -q -p no:cacheprovider

## Re-pin the dependencies after changing pyproject.toml
lock:
	rm -rf /tmp/ppe-lock && $(PYTHON) -m venv /tmp/ppe-lock
	/tmp/ppe-lock/bin/pip install --quiet -e ".[dev]"
	/tmp/ppe-lock/bin/pip freeze --exclude-editable | grep -v '^-e' > constraints.txt

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

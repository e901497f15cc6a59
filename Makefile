# The two commands a newcomer needs: `make run` and `make test`. Nothing but Python >= 3.12 and
# make is required; everything else goes into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# `make run` is a developer's machine: DEBUG on, SQLite unless DATABASE_URL says otherwise.
DEV_ENV := DJANGO_DEBUG=on

# Background tasks (large roster imports) need a worker when DJANGO_TASKS_BACKEND is
# django_tasks_db.DatabaseBackend: run it beside `make serve`, with the same environment.
.PHONY: run test lint format serve worker install messages screenshots backup restore demo-code clean loadtest cluster bench

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python >= 3.12 is required, but $(PYTHON) is " + sys.version.split()[0] + ". Install Python 3.12 or run: make PYTHON=python3.12 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

install: $(VENV)/.installed

run: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py createcachetable
	$(DEV_ENV) $(BIN)/python manage.py seed_demo --with-demo-users
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Browser tests run when Debian's Chromium is installed (apt-get install -y chromium) and are
# skipped, with a note in the summary, when it is not (a failure in CI).
# The current two-factor code of the demo logins district and auditor.
demo-code: install
	@$(DEV_ENV) $(BIN)/python manage.py demo_totp

# One test worker per core (pytest-xdist); PYTEST_ARGS adds options, e.g. PYTEST_ARGS="-n 0 -x".
test: install
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

# PNGs of the key pages, phone and desktop, into docs/screenshots/ (needs Chromium).
screenshots: install
	$(BIN)/python -m pytest -m screenshots tests/browser -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Production settings under gunicorn, on this machine: needs DJANGO_SECRET_KEY and usually
# DATABASE_URL; DJANGO_HTTPS=off because there is no TLS proxy in front here.
serve: install
	DJANGO_HTTPS=$${DJANGO_HTTPS:-off} $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DJANGO_HTTPS=$${DJANGO_HTTPS:-off} $(BIN)/python manage.py migrate --noinput
	DJANGO_HTTPS=$${DJANGO_HTTPS:-off} $(BIN)/python manage.py createcachetable
	DJANGO_HTTPS=$${DJANGO_HTTPS:-off} $(BIN)/gunicorn --config gunicorn.conf.py yangpu_portal.wsgi

worker: install
	DJANGO_TASKS_BACKEND=$${DJANGO_TASKS_BACKEND:-django_tasks_db.DatabaseBackend} $(BIN)/python manage.py db_worker --no-reload

# Pages under load against the framework floor, with the large data set (issue 10): needs
# PostgreSQL (an empty database, or one an earlier run filled) and wrk. See bench/run.py for
# BENCH_SCALE, BENCH_SECONDS, BENCH_PORT, BENCH_IMPORT_ROWS. Writes docs/benchmarks.md.
bench: install
	@test -n "$(DATABASE_URL)" || { echo "usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/yangpu_bench make bench"; exit 2; }
	$(BIN)/python bench/run.py

# Re-extract translatable strings into locale/en and compile the catalogue (needs gettext).
messages: install
	$(DEV_ENV) $(BIN)/python manage.py makemessages --locale en --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*'
	$(DEV_ENV) $(BIN)/python manage.py compilemessages --locale en --locale zh_Hans --ignore '.venv/*'

# Database and media into backups/<date-time>/ (or BACKUP=dir), with the app's environment
# (DATABASE_URL etc.; for the `make run` SQLite file: DJANGO_DEBUG=on make backup).
backup: install
	$(BIN)/python manage.py backup $(if $(BACKUP),--output $(BACKUP))

# Into an EMPTY database and MEDIA_ROOT: make restore BACKUP=backups/<date-time>
restore: install
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=backups/<date-time>"; exit 2; }
	$(BIN)/python manage.py restore $(BACKUP)

# Load and fault tests (bench/loadtest.py; loopback only, bounded): gunicorn with production
# settings on PostgreSQL (LOAD_DATABASE_URL, default yangpu_load, created if missing).
# FAULT=pg-restart | worker-kill | instance-stop | instance-kill (the last two through `make
# cluster`'s nginx: one instance stopped gracefully, or SIGKILLed).
# CLUSTER=1 runs the plain test through nginx too. Restarting PostgreSQL uses pg_ctlcluster and
# needs root (or the postgres user).
CLIENTS ?= 32
DURATION ?= 60
FAULT ?= none
loadtest: install
	$(BIN)/python bench/loadtest.py --clients $(CLIENTS) --duration $(DURATION) --fault $(FAULT) $(if $(CLUSTER),--cluster)

# nginx on 127.0.0.1:8134 in front of two portal instances (:8135, :8136) sharing PostgreSQL
# and Redis; Ctrl-C stops all. CLUSTER_DATABASE_URL / CLUSTER_REDIS_URL override the defaults.
cluster: install
	$(BIN)/python bench/cluster.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

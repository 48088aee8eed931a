# The two commands: `make run` and `make test`. Nothing but Python and make needed.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEV_ENV := DJANGO_DEBUG=1 PORTAL_DEMO=1

.PHONY: run serve test test-browser test-fuzz install migrate seed lint format messages check-deploy \
	bench bench-explain bench-roster bench-volunteers bench-training bench-vote bench-ledger bench-dashboard clean backup-check test-nginx test-faults

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

migrate: install
	@mkdir -p var
	$(DEV_ENV) $(PY) manage.py migrate --noinput -v 0

seed: migrate
	$(DEV_ENV) $(PY) manage.py seed_demo

run: seed
	@echo "Serving the Yuyao demo county on http://127.0.0.1:$(PORT)/ (demo accounts: var/demo-accounts.json)"
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The production run on one machine (gunicorn, a Celery worker and beat): needs
# SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and REDIS_URL; refuses to start without them.
# WEB_CONCURRENCY sets the web workers (default 2 × cores + 1).
serve: install
	PY=$(PY) scripts/serve.sh

test: install
	$(PY) -m pytest

# The browser suite (tests/browser): Playwright drives Debian's Chromium against a live
# test server; screenshots go to var/screenshots/. Chromium and CJK fonts come from apt
# when missing (never a browser downloaded by a test tool).
test-browser: install
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@fc-list :lang=zh 2>/dev/null | grep -q . || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk; }
	$(PY) -m pytest -m browser tests/browser -p no:cacheprovider

# API fuzzing (tests/fuzz): schemathesis on /api/schema/ for every operation as a county
# admin, a grid member, a resident and anonymously, with all its checks; a bounded,
# seeded number of examples per operation (tests/fuzz/schemathesis.toml), on SQLite.
test-fuzz: install
	$(PY) -m pytest -m fuzz tests/fuzz -p no:cacheprovider

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Regenerate the catalogues after changing strings (needs GNU gettext); the compiled
# .mo files are committed so that a fresh machine needs no gettext.
messages: install
	$(DEV_ENV) $(PY) manage.py makemessages -l zh_Hans -l en --no-obsolete --ignore=.venv --ignore=var
	$(PY) scripts/compile_messages.py

check-deploy: install
	DJANGO_DEBUG=0 SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	  ALLOWED_HOSTS=portal.example.gov.cn $(PY) manage.py check --deploy --fail-level WARNING

# The backup and restore drill (docs/deploy.md): dump the PostgreSQL database of
# DATABASE_URL, restore it into a new database, compare every table's row count, drop
# the copy. Needs pg_dump, pg_restore and psql.
backup-check:
	@test -n "$$DATABASE_URL" || { echo "backup-check: set DATABASE_URL=postgres://…" >&2; exit 2; }
	bash scripts/backup_restore_check.sh

# The faults survived (tests/faults): Redis stopped while residents submit, a Celery
# worker killed mid-task, PostgreSQL restarted under load. Each test brings up its own
# PostgreSQL cluster (initdb; as the postgres user when run as root), redis-server,
# gunicorn and Celery on free ports of 127.0.0.1, never the machine's own services.
test-faults: install
	env -u DATABASE_URL -u REDIS_URL -u DJANGO_SETTINGS_MODULE PORTAL_FAULTS=1 \
	  $(PY) -m pytest -m faults tests/faults -p no:cacheprovider

# The sample nginx configuration (deploy/nginx.conf) checked by `nginx -t` with a
# temporary self-signed certificate; nginx comes from apt when missing.
test-nginx: install
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; }
	$(PY) -m pytest tests/deploy -p no:cacheprovider

clean:
	rm -rf var/portal.sqlite3* var/demo-accounts.json var/static

# Timing goals live in bench/ and run by hand, never as timed assertions in tests.
# `make bench`: the county-scale suite (bench/run.py) against PostgreSQL and Redis on
# 127.0.0.1 (BENCH_DATABASE_URL, BENCH_REDIS_URL to change); creates the database
# yuyao_bench, migrates and generates the county when missing (about 20 minutes once),
# serves the portal with gunicorn and drives it with wrk (installed from apt when
# missing). BENCH_SCALE=street runs one street (database yuyao_bench_street).
# Writes bench/results.json and prints the table.
bench: install
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(PY) bench/run.py

# The plans of each scenario's main query (after `make bench` has filled the database).
bench-explain: install
	$(PY) bench/explain.py

# The volunteer record of a street at scale (issue 13): 100,000 volunteers and 2 M hour
# entries on PostgreSQL (database yuyao_bench_volunteers, generated once); the record page
# and a team's year through the test client; writes bench/results-volunteers.json.
bench-volunteers: install
	$(PY) bench/volunteer_record.py

# The training compliance board at county scale (issue 16): the county's 5,000 workers and
# five years of training attendance on PostgreSQL (database yuyao_bench_training, generated
# once); a street's compliance board through the test client, p95 ≤ 300 ms;
# writes bench/results-training.json.
bench-training: install
	$(PY) bench/training_compliance.py

# The ledger at county scale (issue 15): five years of 300 communities' funds, 2 M ledger
# entries on PostgreSQL (database yuyao_bench_ledger, generated once); a community-quarter's
# statement generated, published and read, p95 ≤ 500 ms, reconciled to the fen;
# writes bench/results-ledger.json.
bench-ledger: install
	$(PY) bench/ledger_statement.py

# The street dashboard at county scale (issue 17): a copy of the ledger bench's county
# (database yuyao_bench_dashboard) with 300,000 service requests; 200 street dashboards
# through the test client, a write in the street every fourth one read back at once,
# p95 ≤ 500 ms; timed under flock /tmp/bench.lock; writes bench/results-dashboard.json.
bench-dashboard: install
	flock /tmp/bench.lock $(PY) bench/dashboard.py

# A household vote at community scale (issue 14): 5,000 households, 10,000 voters, 200
# casting at once through the API under gunicorn (database yuyao_bench_vote, generated
# once); ballots per second, p95 of casting, duplicate ballots (none); bench/results-vote.json.
bench-vote: install
	$(PY) bench/vote_cast.py

# The roster import of 10,000 residents on SQLite (issue "People on the net").
bench-roster: install
	$(PY) bench/roster_import.py

#!/usr/bin/env bash
# The production run on one machine: gunicorn (2 × cores + 1 workers, or
# WEB_CONCURRENCY), a Celery worker and Celery beat, against PostgreSQL (DATABASE_URL)
# and Redis (REDIS_URL); static files through whitenoise; JSON-line logs on stdout.
#
#   SECRET_KEY=… ALLOWED_HOSTS=portal.example.gov.cn DATABASE_URL=postgres://… \
#   REDIS_URL=redis://… scripts/serve.sh            (make serve)
#   scripts/serve.sh --dry-run                      checks, then prints the commands
#
# Refuses to start, naming every missing setting, when one is missing. Migrations are a
# separate step of a deploy (docs/deploy.md): `manage.py migrate` before this.
set -euo pipefail
cd "$(dirname "$0")/.."

dry_run=0
[[ "${1:-}" == "--dry-run" ]] && dry_run=1
PY="${PY:-.venv/bin/python}"
BIN="$(dirname "$PY")"
BIND="${BIND:-0.0.0.0:${PORT:-8000}}"

missing=()
describe() {
  case "$1" in
    SECRET_KEY) echo "SECRET_KEY: a long random secret (python -c 'import secrets; print(secrets.token_urlsafe(64))')" ;;
    ALLOWED_HOSTS) echo "ALLOWED_HOSTS: the portal's host names, comma-separated (portal.example.gov.cn)" ;;
    DATABASE_URL) echo "DATABASE_URL: the PostgreSQL database (postgres://user:password@host:5432/portal)" ;;
    REDIS_URL) echo "REDIS_URL: the Redis server for Celery and the cache (redis://host:6379/0)" ;;
  esac
}
for name in SECRET_KEY ALLOWED_HOSTS DATABASE_URL REDIS_URL; do
  [[ -z "${!name:-}" ]] && missing+=("$name")
done
if [[ "${DATABASE_URL:-}" != "" && "${DATABASE_URL}" != postgres://* && "${DATABASE_URL}" != postgresql://* ]]; then
  echo "serve: DATABASE_URL must be a PostgreSQL URL (postgres://…), not ${DATABASE_URL%%:*}." >&2
  exit 2
fi
if [[ "${REDIS_URL:-}" != "" && "${REDIS_URL}" != redis://* && "${REDIS_URL}" != rediss://* ]]; then
  echo "serve: REDIS_URL must be a Redis URL (redis://…)." >&2
  exit 2
fi
if (( ${#missing[@]} )); then
  {
    echo "serve: refusing to start the production run: ${#missing[@]} required setting(s) missing."
    for name in "${missing[@]}"; do echo "  - $(describe "$name")"; done
    echo "Set them in the environment (for example in the service's environment file) and start again."
  } >&2
  exit 2
fi

export DJANGO_DEBUG=0 DJANGO_SETTINGS_MODULE=yuyao_portal.settings LOG_FORMAT="${LOG_FORMAT:-json}"
unset PORTAL_DEMO

cores="$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)"
workers="${WEB_CONCURRENCY:-$(( 2 * cores + 1 ))}"
if ! [[ "$workers" =~ ^[1-9][0-9]*$ ]]; then
  echo "serve: WEB_CONCURRENCY must be a positive whole number, not '$workers'." >&2
  exit 2
fi

"$PY" manage.py check --deploy --fail-level WARNING

web=("$BIN/gunicorn" yuyao_portal.wsgi:application --config python:yuyao_portal.gunicorn_conf
     --bind "$BIND" --workers "$workers" --timeout "${GUNICORN_TIMEOUT:-60}"
     --graceful-timeout 30 --max-requests 2000 --max-requests-jitter 200
     --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}")
worker=("$BIN/celery" -A yuyao_portal --quiet worker --loglevel INFO
        --concurrency "${CELERY_CONCURRENCY:-$cores}" --without-gossip --without-mingle)
beat=("$BIN/celery" -A yuyao_portal --quiet beat --loglevel INFO)

if (( dry_run )); then
  echo "web: ${web[*]}"
  echo "worker: ${worker[*]}"
  echo "beat: ${beat[*]}"
  exit 0
fi

"$PY" manage.py collectstatic --noinput -v 0

pids=()
stop() {
  trap - TERM INT EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait || true
}
trap stop TERM INT EXIT
"${worker[@]}" & pids+=($!)
"${beat[@]}" & pids+=($!)
"${web[@]}" & pids+=($!)
# One stops, all stop: the service manager restarts the whole run.
wait -n
status=$?
echo "serve: a process ended (status $status); stopping the others." >&2
exit "$status"

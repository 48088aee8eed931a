#!/usr/bin/env bash
# The backup and restore drill (docs/deploy.md, "Backup and restore"), as CI runs it:
#
#   1. pg_dump (custom format) the database named by DATABASE_URL;
#   2. create a NEW database next to it and pg_restore the dump into it;
#   3. count the rows of every table of the public schema on both sides
#      (SELECT count(*), exact) and fail with a diff on any difference;
#   4. drop the restored database (always, also on failure) and the dump file
#      (kept with KEEP_DUMP=1).
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal scripts/backup_restore_check.sh
#
# Prints the dump's size and the time each step took. The source database is only read.
# Needs pg_dump, pg_restore and psql of the server's major version (or newer) on PATH;
# the role of DATABASE_URL must be allowed to create databases.
set -euo pipefail

die() { echo "backup-check: $*" >&2; exit 2; }

url="${DATABASE_URL:-}"
[[ -n "$url" ]] || die "DATABASE_URL is required (postgres://user[:password]@host:port/database)."
[[ "$url" == postgres://* || "$url" == postgresql://* ]] \
  || die "DATABASE_URL must be a PostgreSQL URL (postgres://…), not ${url%%:*}."
for tool in pg_dump pg_restore psql; do
  command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install postgresql-client)."
done

# Split the URL with Python's parser (passwords may hold any character).
eval "$(python3 - "$url" <<'PY'
import shlex, sys
from urllib.parse import unquote, urlsplit
u = urlsplit(sys.argv[1])
values = {
    "PGHOST": u.hostname or "",
    "PGPORT": str(u.port or 5432),
    "PGUSER": unquote(u.username or ""),
    "PGPASSWORD": unquote(u.password or ""),
    "source_db": unquote(u.path.lstrip("/")),
}
for name, value in values.items():
    print(f"{name}={shlex.quote(value)}")
PY
)"
[[ -n "$source_db" ]] || die "DATABASE_URL names no database."
export PGHOST PGPORT PGUSER
[[ -n "$PGPASSWORD" ]] && export PGPASSWORD || unset PGPASSWORD
[[ -n "$PGHOST" ]] || unset PGHOST
[[ -n "$PGUSER" ]] || unset PGUSER

restore_db="${source_db:0:40}_restore_$(date +%s)_$$"
workdir="$(mktemp -d "${TMPDIR:-/tmp}/backup-check.XXXXXX")"
dump="$workdir/$source_db.dump"
created=0

cleanup() {
  local status=$?
  if (( created )); then
    psql -X -q -d postgres -v ON_ERROR_STOP=1 \
      -c "DROP DATABASE IF EXISTS \"$restore_db\" WITH (FORCE)" >/dev/null \
      || echo "backup-check: could not drop $restore_db; drop it by hand." >&2
  fi
  if [[ "${KEEP_DUMP:-0}" == 1 ]]; then
    echo "backup-check: dump kept at $dump"
  else
    rm -rf "$workdir"
  fi
  exit "$status"
}
trap cleanup EXIT

now() { date +%s.%N; }
took() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f} s')" "$1" "$(now)"; }

# Every table of the public schema with its exact row count, one "table<TAB>count" a line.
count_rows() {
  local db="$1"
  psql -X -q -At -d "$db" -v ON_ERROR_STOP=1 <<'SQL'
SELECT format('SELECT %L || E''\t'' || count(*) FROM public.%I;', tablename, tablename)
  FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename
\gexec
SQL
}

echo "backup-check: source database $source_db on ${PGHOST:-local socket}:${PGPORT}"

t=$(now)
pg_dump --format=custom --compress=6 --no-owner --no-privileges --file "$dump" -d "$source_db"
bytes=$(stat -c %s "$dump")
echo "backup-check: dump     $(took "$t")  $(numfmt --to=iec-i --suffix=B "$bytes") ($bytes bytes)"

t=$(now)
psql -X -q -d postgres -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$restore_db\"" >/dev/null
created=1
pg_restore --exit-on-error --no-owner --no-privileges -d "$restore_db" "$dump"
echo "backup-check: restore  $(took "$t")  into new database $restore_db"

t=$(now)
count_rows "$source_db" > "$workdir/source.tsv"
count_rows "$restore_db" > "$workdir/restored.tsv"
tables=$(wc -l < "$workdir/source.tsv")
rows=$(awk -F'\t' '{ s += $2 } END { print s + 0 }' "$workdir/source.tsv")
echo "backup-check: count    $(took "$t")  $tables tables, $rows rows in the source"

(( tables > 0 )) || { echo "backup-check: FAILED: the source database has no tables in public." >&2; exit 1; }
if ! diff -u --label "source $source_db" --label "restored $restore_db" \
    "$workdir/source.tsv" "$workdir/restored.tsv" >&2; then
  echo "backup-check: FAILED: row counts differ between the source and the restored copy (diff above: table<TAB>rows)." >&2
  exit 1
fi
echo "backup-check: OK: all $tables tables restored with identical row counts."

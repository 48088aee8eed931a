"""The benchmark suite of issue 5 (``make bench``): the portal under gunicorn with the
production settings, PostgreSQL and Redis, driven by wrk on the same machine.

    make bench                      county scale (database yuyao_bench, generated if missing)
    BENCH_SCALE=street make bench   one street (database yuyao_bench_street)

Steps: check PostgreSQL and Redis; create the database if missing; migrate; run
``generate_county`` (it skips streets already complete, so this is quick when the data is
there); prepare the personas (API tokens, sessions, an Open311 key); start gunicorn with
``2 × cores + 1`` workers; for each scenario a warm-up (reported, not counted) and
``BENCH_REPEATS`` measured runs of ``BENCH_SECONDS`` each; then the two ratios, the
memory and the Django admin changelist. Prints one table and writes bench/results.json
(``BENCH_OUTPUT`` to change the file).

Why wrk: a C event loop that needs a few percent of one core at 1,000 req/s, where a
Python generator (locust) would take a core of the two this machine has from the server
it measures; a Lua script (bench/wrk_report.lua) adds the headers, the POST bodies, the
pacing at a fixed rate and the JSON results line. wrk is closed-loop: paced runs wait
``connections / rate`` between the requests of a connection, so a slow response delays
the next one instead of queueing it (latency under overload is understated; the
saturation runs show the capacity).

Environment: BENCH_SCALE (county|street), BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/yuyao_bench[_street]), BENCH_REDIS_URL (default
redis://127.0.0.1:6379/14), BENCH_SECONDS (10), BENCH_WARMUP (5), BENCH_REPEATS (3),
BENCH_PORT (8765), BENCH_SKIP_GENERATE=1 (use the database as it is).
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stats import Goal, judge, parse_wrk, spread, summarise_runs, table  # noqa: E402

SCALE = os.environ.get("BENCH_SCALE", "county")
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "5"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
DB_URL = os.environ.get(
    "BENCH_DATABASE_URL",
    "postgres://postgres@127.0.0.1:5432/"
    + ("yuyao_bench" if SCALE == "county" else "yuyao_bench_street"),
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
OUTPUT = Path(os.environ.get("BENCH_OUTPUT", ROOT / "bench" / "results.json"))
# Set on the benchmark's database (ALTER DATABASE … SET), as docs/deploy.md sets them in
# postgresql.conf.
DATABASE_SETTINGS = {"random_page_cost": "1.1"}
CORES = os.cpu_count() or 1
WORKERS = 2 * CORES + 1
WORK = ROOT / "var" / "bench"

# Production settings for plain http on localhost (no TLS in front of it here).
PORTAL_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SETTINGS_MODULE": "yuyao_portal.settings",
    "SECRET_KEY": "bench-only-" + "x" * 50,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_HSTS_SECONDS": "0",
    "DATABASE_URL": DB_URL,
    "REDIS_URL": REDIS_URL,
    "LOG_FORMAT": "json",
    # The resident POST scenario sends 50 req/s from a few dozen accounts: the hourly
    # per-user submission limit (20 by default) is lifted for the run, nothing else.
    "RATE_LIMIT_SUBMISSIONS_PER_HOUR": "1000000",
}


def say(text: str) -> None:
    print(f"[bench] {text}", file=sys.stderr, flush=True)


def fail(text: str) -> None:
    print(f"bench: {text}", file=sys.stderr)
    sys.exit(2)


# --- the services and the data ------------------------------------------------------------


def check_services() -> None:
    import psycopg2
    import redis

    parts = urllib.parse.urlsplit(DB_URL)
    try:
        psycopg2.connect(DB_URL.rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
    except psycopg2.OperationalError as exc:
        fail(
            f"PostgreSQL is not reachable at {parts.hostname}:{parts.port or 5432} ({exc}). "
            "Start PostgreSQL (or set BENCH_DATABASE_URL) and run again."
        )
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        fail(f"Redis is not reachable at {REDIS_URL} ({exc}). Start Redis and run again.")
    if shutil.which("wrk") is None:
        fail("wrk is not installed (make bench installs it: apt-get install -y wrk).")


def ensure_database() -> None:
    import psycopg2

    name = urllib.parse.urlsplit(DB_URL).path.lstrip("/")
    conn = psycopg2.connect(DB_URL.rsplit("/", 1)[0] + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            say(f"creating database {name}")
            cur.execute(f'CREATE DATABASE "{name}"')
        # The planner's cost of a random page read on SSDs with the data in the page
        # cache (docs/deploy.md); PostgreSQL's default of 4 is for spinning disks.
        for setting, value in DATABASE_SETTINGS.items():
            cur.execute(f'ALTER DATABASE "{name}" SET {setting} = {value}')
    conn.close()


def manage(*args: str) -> None:
    env = {**os.environ, **PORTAL_ENV}
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare_data() -> None:
    ensure_database()
    say("migrating")
    manage("migrate", "--noinput", "-v", "0")
    if os.environ.get("BENCH_SKIP_GENERATE") != "1":
        before = request_count()
        say(f"generate_county --scale {SCALE} (skips the streets already complete)")
        manage("generate_county", "--scale", SCALE)
        if request_count() != before:
            vacuum()
    manage("collectstatic", "--noinput", "-v", "0")


def request_count() -> int:
    import psycopg2

    conn = psycopg2.connect(DB_URL)
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM grid_servicerequest")
        count = cur.fetchone()[0]
    conn.close()
    return count


def vacuum() -> None:
    """Freshly bulk-loaded tables have no visibility map yet (index-only scans read the
    heap): vacuum them once, as autovacuum would some minutes later."""
    import psycopg2

    say("VACUUM (ANALYZE) of the loaded tables")
    conn = psycopg2.connect(DB_URL)
    conn.autocommit = True
    with conn.cursor() as cur:
        for name in ("grid_servicerequest", "grid_requestevent", "grid_resident", "grid_household"):
            cur.execute(f"VACUUM (ANALYZE) {name}")
    conn.close()


def setup_django() -> None:
    os.environ.update(PORTAL_ENV)
    import logging

    import django

    django.setup()
    logging.getLogger("axes").setLevel(logging.WARNING)  # the personas' sessions


# --- personas -------------------------------------------------------------------------------


def personas() -> dict:
    """The accounts of the scenarios, picked from the generated data: the grid member of
    the busiest grid, the admin of the busiest street, 50 of its residents' accounts, a
    community worker's community for the Open311 key, and a superuser for the admin."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from grid.models import Category, Community, Grid, Resident, ServiceRequest, Street
    from grid.models.open311 import Open311Key

    User = get_user_model()
    street_id = (
        ServiceRequest.objects.values("street").annotate(n=Count("pk")).order_by("-n")[0]["street"]
    )
    street = Street.objects.get(pk=street_id)
    grid_id = (
        ServiceRequest.objects.filter(street=street)
        .values("grid")
        .annotate(n=Count("pk"))
        .order_by("-n")[0]["grid"]
    )
    grid = Grid.objects.get(pk=grid_id)
    community = Community.objects.get(pk=grid.community_id)
    member = User.objects.get(username=f"wg{grid.code}")
    admin = User.objects.get(username=f"jd{street.code}-1")
    # Accounts of residents still living in the street (one who moved away may not
    # submit: a 403 that would count as an error of the POST scenario).
    residents = list(
        User.objects.filter(
            username__startswith=f"jm{street.code}", is_active=True, resident__state="living"
        ).order_by("username")[:50]
    )
    if not residents:
        fail(f"no resident accounts jm{street.code}… in the generated data")
    superuser, created = User.objects.get_or_create(
        username="bench-superuser", defaults={"is_superuser": True, "is_staff": True}
    )
    if created:
        superuser.set_unusable_password()
        superuser.save()

    def token(user):
        return Token.objects.get_or_create(user=user)[0].key

    def session(user):
        client = Client()
        client.force_login(user)
        return client.cookies["sessionid"].value

    Open311Key.objects.filter(name="bench").update(is_active=False)
    key = Open311Key(name="bench", community=community, street=street)
    plain = key.set_new_key()
    key.save()
    last4 = list(
        Resident.objects.filter(street=street)
        .order_by("id")
        .values_list("id_last4", flat=True)[::997][:40]
    )
    category = Category.objects.filter(is_active=True, parent__isnull=False).order_by("id").first()
    # The windows (90 days, a year) end at the newest generated request: data generated
    # with --until in the past is measured the same as data generated today.
    newest = (
        ServiceRequest.objects.filter(street=street)
        .exclude(description__startswith="Bench:")
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return {
        "anchor": timezone.localdate(newest),
        "street": street,
        "grid": grid,
        "community": community,
        "member": member,
        "admin": admin,
        "superuser": superuser,
        "member_token": token(member),
        "admin_token": token(admin),
        "member_session": session(member),
        "admin_session": session(admin),
        "superuser_session": session(superuser),
        "resident_tokens": [token(u) for u in residents],
        "open311_key": plain,
        "last4": last4,
        "category": category,
    }


def deep_cursor(user, depth: int) -> str:
    """The API cursor that starts ``depth`` rows into the user's list (what a client gets
    after paging that far)."""
    from rest_framework.pagination import Cursor

    from grid.api.requests import RequestCursorPagination
    from grid.models import ServiceRequest

    rows = ServiceRequest.objects.for_user(user).order_by("-created_at", "-id")
    created = rows.values_list("created_at", flat=True)[depth - 1]
    pager = RequestCursorPagination()
    pager.base_url = "/api/v1/requests/?page_size=50"
    return pager.encode_cursor(Cursor(offset=0, reverse=False, position=str(created)))


# --- the server -------------------------------------------------------------------------------


class Server:
    def __init__(self):
        self.process = None
        self.log = None

    def start(self):
        WORK.mkdir(parents=True, exist_ok=True)
        self.log = open(WORK / "gunicorn.log", "w")  # noqa: SIM115
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [
            str(gunicorn),
            "yuyao_portal.wsgi:application",
            "--config",
            "python:yuyao_portal.gunicorn_conf",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(WORKERS),
            "--timeout",
            "60",
        ]
        env = {**os.environ, **PORTAL_ENV}
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                fail(f"gunicorn stopped at start; see {WORK / 'gunicorn.log'}")
            try:
                urllib.request.urlopen(BASE + "/accounts/login/", timeout=2).read()
                if len(self.worker_pids()) == WORKERS:
                    return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        fail("gunicorn did not answer within 60 s")

    def worker_pids(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    status = (entry / "status").read_text()
                except OSError:
                    continue
                if re.search(rf"^PPid:\s+{self.process.pid}$", status, re.M):
                    pids.append(int(entry.name))
        return pids

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            kb = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1))
            sizes.append(round(kb / 1024, 1))
        return sorted(sizes)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self.log:
            self.log.close()


# --- scenarios --------------------------------------------------------------------------------


def request_line(method, path, headers=None, body=""):
    header_text = "|".join(f"{k}: {v}" for k, v in (headers or {}).items())
    return f"{method}\t{path}\t{header_text}\t{body}"


def wrk(
    lines: list[str], seconds: int, connections: int, rate: float | None, latency_ms: float = 0
) -> dict:
    """One wrk run over the request lines; paced to ``rate`` req/s when given: each
    connection waits ``connections / rate`` less the typical latency (``latency_ms``, the
    warm-up's mean) between a response and its next request."""
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False, dir=WORK) as handle:
        handle.write("\n".join(lines) + "\n")
    pause = max(0, int(connections * 1000 / rate - latency_ms)) if rate else 0
    threads = min(2, connections)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / "wrk_report.lua"),
        BASE,
        "--",
        handle.name,
        str(pause),
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    os.unlink(handle.name)
    return parse_wrk(out)


def check_lines(lines: list[str], expect: int) -> None:
    """Every request of a scenario answers ``expect`` before it is measured (a redirect
    to the login page would otherwise count as a fast success)."""
    for line in lines[:3]:
        method, path, header_text, body = line.split("\t")
        headers = dict(h.split(": ", 1) for h in header_text.split("|") if h)
        req = urllib.request.Request(
            BASE + path, method=method, headers=headers, data=body.encode() if body else None
        )
        try:
            status = urllib.request.urlopen(req, timeout=30).status
        except urllib.error.HTTPError as exc:
            status = exc.code
            detail = exc.read()[:300]
        else:
            detail = b""
        if status != expect:
            fail(f"{method} {path} answered {status}, not {expect}: {detail!r}")


def run_scenario(name, lines, goal, *, rate=None, connections=4, expect=200, note=""):
    check_lines(lines, expect)
    say(f"{name}: warm-up {WARMUP}s, then {REPEATS} × {SECONDS}s")
    warmup = wrk(lines, WARMUP, connections, rate)
    typical = warmup["mean_ms"]
    runs = [wrk(lines, SECONDS, connections, rate, typical) for _ in range(REPEATS)]
    summary = summarise_runs(runs)
    value = summary[goal.measure]["median"] if goal else None
    row = {
        "name": name,
        "rate": rate or "saturation",
        "connections": connections,
        "warmup": warmup,
        "runs": runs,
        "summary": summary,
        "note": note,
    }
    if goal:
        row["verdict"] = judge(goal, value, summary["errors"])
    return row


def scenarios(p: dict) -> list[dict]:
    street, community = p["street"], p["community"]
    today = p["anchor"]
    ninety = (today - datetime.timedelta(days=90)).isoformat()
    year = (today - datetime.timedelta(days=365)).isoformat()
    member_api = {"Authorization": f"Token {p['member_token']}"}
    admin_api = {"Authorization": f"Token {p['admin_token']}"}
    member_web = {"Cookie": f"sessionid={p['member_session']}"}
    admin_web = {"Cookie": f"sessionid={p['admin_session']}"}
    rows = []

    queue = [request_line("GET", "/api/v1/requests/?page_size=50", member_api)]
    rows.append(
        run_scenario(
            "queue API, first page of 50 @100/s",
            queue,
            Goal("p95_ms", "<=", 50, "p95 ≤ 50 ms"),
            rate=100,
            connections=10,
        )
    )
    rows.append(
        run_scenario(
            "queue API, first page, saturation",
            queue,
            Goal("rps", ">=", 400, "≥ 400 req/s, 0 errors"),
            connections=2 * WORKERS,
        )
    )

    rows.append(
        run_scenario(
            "queue API, first page, one connection",
            queue,
            None,
            connections=1,
            note="unloaded latency (one request at a time): the API side of the framework "
            "overhead ratio",
        )
    )

    first = [request_line("GET", "/api/v1/requests/?page_size=50", admin_api)]
    cursor = deep_cursor(p["admin"], 20000)
    deep = [request_line("GET", cursor, admin_api)]
    first_row = run_scenario(
        "street list API, first page @50/s",
        first,
        None,
        rate=50,
        connections=5,
        note="the street admin's list (100,000 rows at street scale): the base of the cursor ratio",
    )
    deep_row = run_scenario(
        "same, cursor 20,000 rows deep @50/s", deep, None, rate=50, connections=5
    )
    ratio = round(
        deep_row["summary"]["p95_ms"]["median"] / first_row["summary"]["p95_ms"]["median"], 3
    )
    deep_row["verdict"] = {
        **judge(Goal("cursor_ratio", "<=", 1.2, "p95 ≤ 1.2 × first page"), ratio),
        "ratio_to_goal": round(ratio / 1.2, 3),
    }
    deep_row["cursor_ratio_p95"] = ratio
    rows += [first_row, deep_row]

    params = urllib.parse.urlencode(
        {
            "state": "in_progress",
            "category": p["category"].pk,
            "overdue": "yes",
            "date_from": ninety,
            "date_to": today,
        }
    )
    rows.append(
        run_scenario(
            "street admin's filtered list (HTML) @20/s",
            [request_line("GET", f"/net/requests/all/?{params}", admin_web)],
            Goal("p95_ms", "<=", 100, "p95 ≤ 100 ms"),
            rate=20,
            connections=3,
            note="state, category, overdue and the last 90 days",
        )
    )
    kpi = urllib.parse.urlencode({"date_from": year, "date_to": today.isoformat()})
    rows.append(
        run_scenario(
            "street KPI page, one year @5/s",
            [request_line("GET", f"/net/kpis/?{kpi}", admin_web)],
            Goal("p95_ms", "<=", 300, "p95 ≤ 300 ms"),
            rate=5,
            connections=1,
        )
    )
    rows.append(
        run_scenario(
            "resident search, last 4 ID digits @20/s",
            [
                request_line("GET", f"/api/v1/residents/?q={last4}", admin_api)
                for last4 in p["last4"]
            ],
            Goal("p95_ms", "<=", 50, "p95 ≤ 50 ms"),
            rate=20,
            connections=3,
            note="within the street admin's street, 40 different endings",
        )
    )
    body = json.dumps(
        {"category": p["category"].pk, "description": "Bench: the street lamp is out."}
    )
    rows.append(
        run_scenario(
            "resident submits (API POST) @50/s",
            [
                request_line(
                    "POST",
                    "/api/v1/requests/",
                    {"Authorization": f"Token {token}", "Content-Type": "application/json"},
                    body,
                )
                for token in p["resident_tokens"]
            ],
            Goal("p95_ms", "<=", 100, "p95 ≤ 100 ms"),
            rate=50,
            connections=6,
            expect=201,
            note="writes the request, its event and its outbox row; 50 resident accounts",
        )
    )
    open311 = urllib.parse.urlencode(
        {
            "api_key": p["open311_key"],
            "start_date": f"{ninety}T00:00:00+08:00",
            "end_date": f"{today}T00:00:00+08:00",
        }
    )
    rows.append(
        run_scenario(
            "Open311 requests.json, 90 days @20/s",
            [request_line("GET", f"/open311/v2/requests.json?{open311}")],
            Goal("p95_ms", "<=", 150, "p95 ≤ 150 ms"),
            rate=20,
            connections=3,
            note=f"key bound to community {community.code}",
        )
    )
    rows.append(
        run_scenario(
            "queue page in the workbench (HTML) @20/s",
            [request_line("GET", "/net/requests/", member_web)],
            Goal("p95_ms", "<=", 80, "p95 ≤ 80 ms"),
            rate=20,
            connections=3,
        )
    )
    superuser_web = {"Cookie": f"sessionid={p['superuser_session']}"}
    rows.append(
        run_scenario(
            "admin changelist, one street @2/s",
            [
                request_line(
                    "GET",
                    f"/admin/grid/servicerequest/?street__id__exact={street.pk}",
                    superuser_web,
                )
            ],
            Goal("p95_ms", "<=", 1000, "opens < 1 s"),
            rate=2,
            connections=1,
        )
    )
    return rows


# --- the ratios (in-process, the same data on both sides) ----------------------------------


def timed(function, repeat: int) -> dict:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return spread(times)


def floor_of(conn, sql: str):
    """The floor of the overhead ratio: ``sql`` through psycopg2, rows as dicts, json.dumps."""

    def floor():
        with conn.cursor() as cur:
            cur.execute(sql)
            names = [c.name for c in cur.description]
            rows = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        return json.dumps(rows, default=str)

    return floor


def framework_overhead(p: dict, api_row: dict) -> dict:
    """The queue API page (HTTP, gunicorn, p50 with one connection) against the same SQL run
    with psycopg2 and the rows serialised by ``json.dumps``, in this process."""
    import psycopg2
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIRequestFactory, force_authenticate

    from grid.api.requests import ServiceRequestViewSet

    factory = APIRequestFactory()
    request = factory.get("/api/v1/requests/", {"page_size": 50}, SERVER_NAME="127.0.0.1")
    force_authenticate(request, user=p["member"])
    view = ServiceRequestViewSet.as_view({"get": "list"})
    with CaptureQueriesContext(connection) as captured:
        response = view(request)
        response.render()
    assert response.status_code == 200, response.status_code
    # The page's rows: the statement that reads the request table with a LIMIT.
    main = [q["sql"] for q in captured if "grid_servicerequest" in q["sql"] and "LIMIT" in q["sql"]]
    sql = main[-1]
    conn = psycopg2.connect(DB_URL)
    conn.set_session(readonly=True, autocommit=True)
    floor = floor_of(conn, sql)
    floor()  # warm-up
    floor_ms = timed(floor, 200)
    conn.close()
    api_ms = api_row["summary"]["p50_ms"]["median"]
    ratio = round(api_ms / floor_ms["median"], 2)
    return {
        "sql": sql,
        "queries_in_page": len(captured),
        "floor_ms": floor_ms,
        "api_p50_ms": api_ms,
        "ratio": ratio,
        "verdict": judge(Goal("ratio", "<=", 3, "≤ 3 × the floor"), ratio),
    }


def usual_way(p: dict) -> dict:
    """One street's requests (count and first page of 50, newest first) for a user
    holding a django-guardian per-object grant on each, through ``get_objects_for_user``,
    against ``for_user`` of the street admin. The grants are written in a transaction
    that is rolled back."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db import connection, transaction
    from guardian.shortcuts import get_objects_for_user

    from grid.models import ServiceRequest

    User = get_user_model()
    street = p["street"]
    permission = Permission.objects.get(
        content_type__app_label="grid", codename="view_servicerequest"
    )

    def listing(queryset):
        page = queryset.order_by("-created_at", "-id")
        return lambda: (page.count(), list(page[:50]))

    ours = timed(listing(ServiceRequest.objects.for_user(p["admin"])), 30)
    with transaction.atomic():
        user = User.objects.create(username="bench-guardian-scratch")
        with connection.cursor() as cur:
            cur.execute(
                "INSERT INTO grid_servicerequestusergrant"
                " (user_id, permission_id, content_object_id)"
                " SELECT %s, %s, id FROM grid_servicerequest WHERE street_id = %s",
                [user.pk, permission.pk, street.pk],
            )
            grants = cur.rowcount
            cur.execute("ANALYZE grid_servicerequestusergrant")
        theirs_qs = get_objects_for_user(
            user,
            "grid.view_servicerequest",
            ServiceRequest.objects.all(),
            accept_global_perms=False,
        )
        count_check = theirs_qs.count()
        theirs = timed(listing(theirs_qs), 30)
        transaction.set_rollback(True)
    ratio = round(theirs["median"] / ours["median"], 1)
    return {
        "grants": grants,
        "rows_seen": count_check,
        "guardian_ms": theirs,
        "for_user_ms": ours,
        "ratio": ratio,
        "verdict": judge(Goal("ratio", ">=", 10, "ours ≥ 10 × faster"), ratio),
    }


EXPORT_CHILD = """
import os, resource, sys, time
import django
django.setup()
from django.contrib.auth import get_user_model
from grid.models import ServiceRequest
from grid.requests.export import export_requests
user = get_user_model().objects.get(pk=int(sys.argv[1]))
queryset = ServiceRequest.objects.for_user(user).filtered()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
handle = export_requests(queryset)
size = 0
while chunk := handle.read(1 << 20):
    size += len(chunk)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(queryset.count(), size, round(seconds, 2), before, peak)
"""


def export_memory(p: dict) -> dict:
    """The Excel export of the street admin's requests (100,000 at street scale), in its
    own process: peak resident memory (ru_maxrss) of that whole process."""
    env = {**os.environ, **PORTAL_ENV}
    out = subprocess.run(
        [sys.executable, "-c", EXPORT_CHILD, str(p["admin"].pk)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    rows, size, seconds, before, peak = (
        int(out[0]),
        int(out[1]),
        float(out[2]),
        int(out[3]),
        int(out[4]),
    )
    peak_mb = round(peak / 1024, 1)
    return {
        "rows": rows,
        "bytes": size,
        "seconds": seconds,
        "rss_before_mb": round(before / 1024, 1),
        "peak_rss_mb": peak_mb,
        "verdict": judge(Goal("peak_rss_mb", "<=", 300, "peak < 300 MB"), peak_mb),
    }


def machine() -> dict:
    meminfo = Path("/proc/meminfo").read_text()
    total = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))
    model = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text())
    return {
        "cores": CORES,
        "memory_gb": round(total / 1024 / 1024, 1),
        "cpu": model.group(1) if model else platform.processor(),
        "python": platform.python_version(),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


def data_counts() -> dict:
    from django.db import connection

    counts = {}
    with connection.cursor() as cur:
        for table_name in (
            "grid_street",
            "grid_community",
            "grid_grid",
            "grid_resident",
            "grid_servicerequest",
        ):
            cur.execute(f"SELECT count(*) FROM {table_name}")  # noqa: S608 (fixed names)
            counts[table_name.removeprefix("grid_")] = cur.fetchone()[0]
    return counts


def main() -> None:
    check_services()
    prepare_data()
    setup_django()
    p = personas()
    server = Server()
    server.start()
    try:
        rows = scenarios(p)
        rss = server.worker_rss_mb()
    finally:
        server.stop()
    say("ratios and memory (in-process)")
    overhead = framework_overhead(p, rows[2])
    usual = usual_way(p)
    export = export_memory(p)
    worst = max(rss) if rss else None
    memory_row = {
        "name": f"gunicorn worker RSS after the run ({len(rss)} workers)",
        "summary": {"rss_mb": spread(rss)},
        "verdict": judge(Goal("rss_mb", "<=", 200, "each < 200 MB"), worst),
    }
    extra_rows = [
        {
            "name": f"framework overhead (API p50 {overhead['api_p50_ms']:.1f} ms / "
            f"psycopg2+json {overhead['floor_ms']['median']:.2f} ms)",
            "summary": {"ratio": spread([overhead["ratio"]])},
            "verdict": overhead["verdict"],
        },
        {
            "name": f"the usual way (guardian {usual['guardian_ms']['median']:.1f} ms / "
            f"for_user {usual['for_user_ms']['median']:.1f} ms)",
            "summary": {"ratio": spread([usual["ratio"]])},
            "verdict": usual["verdict"],
        },
        memory_row,
        {
            "name": f"Excel export of {export['rows']:,} requests, peak RSS MB",
            "summary": {"peak_rss_mb": spread([export["peak_rss_mb"]])},
            "verdict": export["verdict"],
        },
    ]
    counts = data_counts()
    printed = table(rows + extra_rows)
    results = {
        "machine": machine(),
        "scale": SCALE,
        "data": counts,
        "settings": {
            "workers": WORKERS,
            "seconds": SECONDS,
            "warmup_seconds": WARMUP,
            "repeats": REPEATS,
            "load_generator": "wrk "
            + subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0],
            "portal_env": {k: v for k, v in PORTAL_ENV.items() if k not in {"SECRET_KEY"}},
            "database_settings": DATABASE_SETTINGS,
        },
        "window_end": p["anchor"].isoformat(),
        "personas": {
            "street": p["street"].code,
            "grid": p["grid"].code,
            "community": p["community"].code,
            "grid_member": p["member"].username,
            "street_admin": p["admin"].username,
        },
        "scenarios": rows,
        "framework_overhead": overhead,
        "usual_way": usual,
        "worker_rss_mb": rss,
        "worker_rss_verdict": memory_row["verdict"],
        "export": export,
        "table": printed.splitlines(),
    }
    OUTPUT.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    print(
        f"\nYuyao portal benchmark: scale {SCALE} ({counts['servicerequest']:,} requests, "
        f"{counts['resident']:,} residents), {CORES} cores, {results['machine']['memory_gb']} GB, "
        f"{WORKERS} gunicorn workers; medians of {REPEATS} runs of {SECONDS}s after a "
        f"{WARMUP}s warm-up\n"
    )
    print(printed)
    print(f"\nwritten: {OUTPUT}")
    _ = resource  # (ru_maxrss is read in the export child)


if __name__ == "__main__":
    main()

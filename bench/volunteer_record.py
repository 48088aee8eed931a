"""The volunteer record of a street at scale (issue 13): 100,000 volunteers and 2,000,000
hour entries on PostgreSQL; the time of a volunteer's record page and of a team's year.

    .venv/bin/python bench/volunteer_record.py [requests]

Creates the database ``yuyao_bench_volunteers`` when missing (BENCH_VOLUNTEERS_DATABASE_URL
to change), migrates, and generates one street of 20 communities, 200 teams with 10
activities each, 100,000 volunteers and 20 confirmed or pending hour entries each over
three years (set-based SQL, a few minutes once; skipped when the rows are there). Then,
through one Django test client with the production settings (the whole middleware stack,
loaded once as in a worker; Redis as the cache), ``requests`` (default 200) record pages
of different volunteers and team summaries of different teams, after a warm-up. Prints
p50, p95, the queries of one page and the goals (p95 ≤ 100 ms for the record page,
≤ 300 ms for a team's year) and writes bench/results-volunteers.json. Timings mean
nothing while another load (a CI run) shares the machine.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402

DB_URL = os.environ.get(
    "BENCH_VOLUNTEERS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yuyao_bench_volunteers"
)
VOLUNTEERS = int(os.environ.get("BENCH_VOLUNTEERS", "100000"))
ENTRIES_EACH = 20
COMMUNITIES = 20
TEAMS_EACH = 10
ACTIVITIES_EACH = 10
GOALS = {"record page": 100.0, "team year": 300.0}
OUTPUT = ROOT / "bench" / "results-volunteers.json"


def ensure_database() -> None:
    import psycopg2
    from psycopg2 import sql

    name = DB_URL.rsplit("/", 1)[1]
    admin = psycopg2.connect(DB_URL.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        # The planner settings of production (docs/deploy.md), as bench/run.py sets them.
        for setting, value in run.DATABASE_SETTINGS.items():
            cursor.execute(
                sql.SQL("ALTER DATABASE {} SET {} = {}").format(
                    sql.Identifier(name), sql.Identifier(setting), sql.Literal(value)
                )
            )
    admin.close()


def generate() -> None:
    """One street; everything big in set-based SQL."""
    from django.db import connection, transaction

    from grid.models import Community, Street
    from volunteers.models import HourEntry, Team, Volunteer

    if HourEntry.objects.count() >= VOLUNTEERS * ENTRIES_EACH:
        return
    started = time.perf_counter()
    with transaction.atomic():
        street, _created = Street.objects.get_or_create(
            code="330281901", defaults={"name": "基准街道"}
        )
        communities = [
            Community.objects.get_or_create(
                code=f"330281901{n + 1:03d}",
                defaults={"street": street, "name": f"基准社区{n + 1}"},
            )[0]
            for n in range(COMMUNITIES)
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO yuyao_portal_user (password, is_superuser, username, first_name,
                    last_name, email, is_staff, is_active, date_joined, display_name, care_mode)
                SELECT '!', false, 'vol' || n, '', '', '', false, true, now(), '志愿者' || n,
                    false
                FROM generate_series(1, %s) AS n
                ON CONFLICT (username) DO NOTHING
                """,
                [VOLUNTEERS],
            )
            organiser = connection.ops.quote_name("yuyao_portal_user")
            cursor.execute(f"SELECT min(id) FROM {organiser} WHERE username LIKE 'vol%%'")
            (first_user,) = cursor.fetchone()
        if not Team.objects.filter(community__in=communities).exists():
            for community in communities:
                for t in range(TEAMS_EACH):
                    team = Team.objects.create(
                        name=f"{community.name}志愿队{t + 1}", community=community
                    )
                    from volunteers.models import Activity

                    Activity.objects.bulk_create(
                        [
                            Activity(
                                team=team,
                                title=f"服务活动{a + 1}",
                                place="社区",
                                organiser_id=first_user,
                                street_id=street.pk,
                                community_id=community.pk,
                            )
                            for a in range(ACTIVITIES_EACH)
                        ]
                    )
        with connection.cursor() as cursor:
            if not Volunteer.objects.filter(community__in=communities).exists():
                cursor.execute(
                    """
                    INSERT INTO volunteers_volunteer (user_id, name, phone, skills,
                        in_service_member, workplace, confirmed_hours, registered_at,
                        street_id, community_id)
                    SELECT u.id, u.display_name, '', '', false, '', 0, now(), %s,
                        (SELECT id FROM grid_community WHERE street_id = %s
                         ORDER BY id OFFSET (u.id %% %s) LIMIT 1)
                    FROM yuyao_portal_user u WHERE u.username LIKE 'vol%%'
                    """,
                    [street.pk, street.pk, COMMUNITIES],
                )
            # Twenty entries each: an activity of a team of the volunteer's community,
            # a day in the last three years, 0.5 to 4 hours, one in ten pending.
            cursor.execute(
                """
                WITH acts AS (
                    SELECT a.id, a.team_id, a.community_id,
                        row_number() OVER (PARTITION BY a.community_id ORDER BY a.id) - 1 AS k
                    FROM volunteers_activity a WHERE a.street_id = %s
                )
                INSERT INTO volunteers_hourentry (volunteer_id, user_id, activity_id, team_id,
                    served_on, hours, state, source, note, created_at, street_id,
                    community_id)
                SELECT v.id, v.user_id, acts.id, acts.team_id,
                    current_date - ((v.id * 7919 + s * 104729) %% 1095)::int,
                    0.5 * (1 + (v.id + s) %% 8),
                    CASE WHEN (v.id + s) %% 10 = 0 THEN 'pending' ELSE 'confirmed' END,
                    'entered', '', now(), v.street_id, v.community_id
                FROM volunteers_volunteer v
                CROSS JOIN generate_series(1, %s) AS s
                JOIN acts ON acts.community_id = v.community_id
                    AND acts.k = (v.id + s * 13) %% %s
                WHERE v.street_id = %s
                """,
                [street.pk, ENTRIES_EACH, TEAMS_EACH * ACTIVITIES_EACH, street.pk],
            )
            cursor.execute(
                """
                UPDATE volunteers_volunteer v SET confirmed_hours = t.total
                FROM (SELECT volunteer_id, sum(hours) AS total FROM volunteers_hourentry
                      WHERE state = 'confirmed' GROUP BY volunteer_id) t
                WHERE t.volunteer_id = v.id
                """
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)


def timed(client, path: str) -> float:
    start = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{path}: {response.status_code}")
    return elapsed


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    ensure_database()
    run.PORTAL_ENV["DATABASE_URL"] = DB_URL
    run.setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from grid.models import Post, Street
    from grid.permissions import Role
    from volunteers.models import HourEntry, Team, Volunteer

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest storage
    generate()
    street = Street.objects.get(code="330281901")
    rng = random.Random(13)
    volunteers = list(
        Volunteer.objects.filter(street=street).values_list("user_id", flat=True)[:20000]
    )
    teams = list(Team.objects.filter(street=street).values_list("id", flat=True))
    from django.contrib.auth import get_user_model

    admin, _created = get_user_model().objects.get_or_create(username="bench_street_admin")
    if not Post.objects.filter(user=admin, role=Role.STREET_ADMIN).exists():
        Post.objects.create(user=admin, role=Role.STREET_ADMIN, street=street, is_active=True)
    results = {}
    for name, users, path_of in (
        ("record page", rng.sample(volunteers, requests + 10), lambda _u: "/volunteers/record/"),
        ("team year", [admin.pk] * (requests + 10), None),
    ):
        times = []
        # One client, so one handler with its middleware loaded once, as in a gunicorn
        # worker: a new Client per request loaded the middleware every time, and
        # WhiteNoise's scan of the static files (about 60 ms) was timed with each page.
        client = Client(SERVER_NAME="127.0.0.1")
        for n, user_id in enumerate(users):
            client.force_login(get_user_model().objects.get(pk=user_id))
            if path_of is not None:
                path = path_of(user_id)
            else:
                year = timezone.localdate().year - rng.randint(0, 2)
                path = f"/volunteers/work/teams/{rng.choice(teams)}/summary/?year={year}"
            elapsed = timed(client, path)
            if n >= 10:  # the first ten warm the caches up
                times.append(elapsed)
        with CaptureQueriesContext(connection) as queries:  # the last page again, untimed
            client.get(path)
        results[name] = {
            "requests": len(times),
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "goal_p95_ms": GOALS[name],
            "met": percentile(times, 0.95) <= GOALS[name],
            "queries": len(queries.captured_queries),
        }
        print(name, json.dumps(results[name], ensure_ascii=False), flush=True)
    results["data"] = {
        "volunteers": Volunteer.objects.filter(street=street).count(),
        "hour_entries": HourEntry.objects.filter(street=street).count(),
    }
    OUTPUT.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(results["data"]))


if __name__ == "__main__":
    main()

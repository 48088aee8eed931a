"""Casting a household vote at community scale (issue 14): a community of 5,000
households, two adult voters in each, and 200 voters casting at once through the API
under gunicorn with the production settings, PostgreSQL and Redis.

    .venv/bin/python bench/vote_cast.py [concurrent voters]

Creates the database ``yuyao_bench_vote`` when missing (BENCH_VOTE_DATABASE_URL to
change), migrates, and generates one community of 100 buildings, 5,000 households and
10,000 adult residents with accounts and API tokens (once, skipped when there). Each run
opens a new vote of the community, one ballot per household, and sends every voter's
``POST /api/v1/negotiation/votes/<id>/cast/`` from ``concurrent voters`` (default 200)
client threads; the two adults of a household are sent side by side, so they race for
the household's one ballot. Reports ballots per second, p50 and p95 of casting (201
answers; the refused second voters' 409 answers apart), other answers, and the duplicate
ballots found in the database afterwards (the goal: none, with exactly one ballot per
household). Writes bench/results-vote.json.

The client threads run on the same two cores as the server: what they take (a Python
HTTP client per request) is reported as the client's CPU time, so the server's share
can be judged.
"""

from __future__ import annotations

import datetime
import http.client
import json
import os
import queue
import resource
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402

DB_URL = os.environ.get(
    "BENCH_VOTE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yuyao_bench_vote"
)
HOUSEHOLDS = int(os.environ.get("BENCH_HOUSEHOLDS", "5000"))
BUILDINGS = 100
OUTPUT = ROOT / "bench" / "results-vote.json"
CODE = "330281902"


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
    admin.close()


def generate():
    """One street, one community, 100 buildings of 50 households with two adults each,
    every adult with an account and an API token; a community secretary."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from grid.models import Building, Community, Grid, Household, Post, Resident, Street
    from grid.permissions import Role
    from grid.pii import make_id_number

    community = Community.objects.filter(code=f"{CODE}001").first()
    if community is not None and Resident.objects.filter(street=community.street).count() >= (
        2 * HOUSEHOLDS
    ):
        return community
    started = time.perf_counter()
    users = get_user_model()
    with transaction.atomic():
        street, _ = Street.objects.get_or_create(code=CODE, defaults={"name": "基准投票街道"})
        community, _ = Community.objects.get_or_create(
            code=f"{CODE}001", defaults={"street": street, "name": "基准投票社区"}
        )
        grids = [
            Grid.objects.get_or_create(
                code=f"{CODE}001{g + 1:03d}",
                defaults={"community": community, "name": f"第{g + 1}网格"},
            )[0]
            for g in range(10)
        ]
        buildings = [
            Building.objects.get_or_create(
                code=f"{grids[b % 10].code}{b + 1:03d}",
                defaults={
                    "grid": grids[b % 10],
                    "name": f"{b + 1}幢",
                    "address": f"基准小区{b + 1}幢",
                    "units": 2,
                    "floors": 13,
                },
            )[0]
            for b in range(BUILDINGS)
        ]
        each = HOUSEHOLDS // BUILDINGS
        households = []
        for building in buildings:
            for h in range(each):
                households.append(
                    Household.objects.create(
                        building=building, unit=1 + h % 2, room=f"{101 + h // 2 + (h // 8) * 92}"
                    )
                )
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO yuyao_portal_user (password, is_superuser, username, first_name,
                    last_name, email, is_staff, is_active, date_joined, display_name, care_mode)
                SELECT '!', false, 'voter' || n, '', '', '', false, true, now(), '投票人' || n,
                    false
                FROM generate_series(1, %s) AS n
                ON CONFLICT (username) DO NOTHING
                """,
                [2 * len(households)],
            )
        voters = dict(
            users.objects.filter(username__startswith="voter").values_list("username", "id")
        )
        n = 0
        for household in households:
            for _member in range(2):
                n += 1
                born = datetime.date(1960, 1, 1) + datetime.timedelta(days=n // 1000)
                Resident.objects.create(
                    household=household,
                    name=f"投票人{n}",
                    gender=Resident.Gender.FEMALE if n % 2 else Resident.Gender.MALE,
                    birth_date=born,
                    id_number=make_id_number("330281", born, n % 1000),
                    user_id=voters[f"voter{n}"],
                )
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO authtoken_token (key, created, user_id)
                SELECT substr(md5(random()::text || u.id) || md5(u.id || random()::text), 1, 40),
                    now(), u.id
                FROM yuyao_portal_user u WHERE u.username LIKE 'voter%%'
                ON CONFLICT DO NOTHING
                """
            )
        secretary, _ = users.objects.get_or_create(username="bench-vote-secretary")
        Post.objects.get_or_create(
            user=secretary, role=Role.COMMUNITY_SECRETARY, community=community
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)
    return community


def open_new_vote(community):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from negotiation import services
    from negotiation.models import Vote

    secretary = get_user_model().objects.get(username="bench-vote-secretary")
    now = timezone.now()
    vote = services.create_vote(
        by=secretary,
        question="是否同意加装电梯（基准）",
        basis=Vote.Basis.HOUSEHOLD,
        opens_at=now,
        closes_at=now + datetime.timedelta(hours=2),
        node=community,
    )
    return services.open_vote(by=secretary, vote=vote)


def work_list(community):
    """(token, household) per voter, the two adults of each household side by side."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.key, r.household_id FROM grid_resident r
            JOIN authtoken_token t ON t.user_id = r.user_id
            WHERE r.community_id = %s OR r.building_id IN (
                SELECT id FROM grid_building WHERE community_id = %s)
            ORDER BY r.household_id, r.id
            """,
            [community.pk, community.pk],
        )
        return cursor.fetchall()


def cast_all(vote, items, concurrency: int) -> dict:
    option = vote.options.order_by("order").first().pk
    body = json.dumps({"option": option})
    path = f"/api/v1/negotiation/votes/{vote.pk}/cast/"
    jobs: queue.Queue = queue.Queue()
    for item in items:
        jobs.put(item)
    results: list[tuple[int, float]] = []
    lock = threading.Lock()
    start_gate = threading.Barrier(concurrency)

    def voter():
        mine = []
        start_gate.wait()
        while True:
            try:
                token, _household = jobs.get_nowait()
            except queue.Empty:
                break
            began = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", run.PORT, timeout=60)
            try:
                conn.request(
                    "POST",
                    path,
                    body=body,
                    headers={
                        "Authorization": f"Token {token}",
                        "Content-Type": "application/json",
                        "Accept-Language": "zh-hans",
                    },
                )
                response = conn.getresponse()
                response.read()
                status = response.status
            except OSError:
                status = 0
            finally:
                conn.close()
            mine.append((status, (time.perf_counter() - began) * 1000))
        with lock:
            results.extend(mine)

    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    threads = [threading.Thread(target=voter) for _ in range(concurrency)]
    wall = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - wall
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    client_cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (
        cpu_after.ru_stime - cpu_before.ru_stime
    )
    cast = sorted(ms for status, ms in results if status == 201)
    refused = sorted(ms for status, ms in results if status == 409)
    others: dict[str, int] = {}
    for status, _ms in results:
        if status not in (201, 409):
            others[str(status)] = others.get(str(status), 0) + 1
    return {
        "attempts": len(results),
        "cast_201": len(cast),
        "refused_409": len(refused),
        "other_answers": others,
        "wall_s": round(wall, 1),
        "ballots_per_s": round(len(cast) / wall, 1) if wall else 0,
        "attempts_per_s": round(len(results) / wall, 1) if wall else 0,
        "cast_p50_ms": round(percentile(cast, 0.50), 1) if cast else None,
        "cast_p95_ms": round(percentile(cast, 0.95), 1) if cast else None,
        "refused_p95_ms": round(percentile(refused, 0.95), 1) if refused else None,
        "client_cpu_s": round(client_cpu, 1),
    }


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def check_database(vote, households: int) -> dict:
    from django.db.models import Count

    from negotiation.models import Ballot

    ballots = Ballot.objects.filter(vote=vote)
    duplicates = ballots.values("household").annotate(n=Count("id")).filter(n__gt=1).count()
    return {
        "ballots_stored": ballots.count(),
        "households": households,
        "households_with_a_ballot": ballots.values("household").distinct().count(),
        "duplicate_ballots": duplicates,
    }


def main() -> None:
    concurrency = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    ensure_database()
    run.PORTAL_ENV["DATABASE_URL"] = DB_URL
    run.setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    community = generate()
    items = work_list(community)
    households = len({household for _token, household in items})
    server = run.Server()
    server.start()
    try:
        # A warm-up vote on the first 400 voters, not counted.
        cast_all(open_new_vote(community), items[:400], min(concurrency, 50))
        vote = open_new_vote(community)
        measured = cast_all(vote, items, concurrency)
    finally:
        server.stop()
    database = check_database(vote, households)
    result = {
        "scenario": "household vote, one community",
        "concurrent_voters": concurrency,
        "gunicorn_workers": run.WORKERS,
        "voters": len(items),
        **measured,
        **database,
        "goal": "no duplicate ballot, exactly one ballot per household",
        "met": database["duplicate_ballots"] == 0
        and database["ballots_stored"] == households
        and measured["cast_201"] == households
        and not measured["other_answers"],
        "machine": run.machine(),
        "measured_at": datetime.datetime.now().isoformat(timespec="seconds"),
    }
    OUTPUT.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if not result["met"]:
        raise SystemExit("the vote's invariant does not hold (see above)")


if __name__ == "__main__":
    main()

"""The per-request cost of the portal's hot pages in this process, without gunicorn and
wrk: each scenario of bench/explain.py driven through Django's test client (the whole
middleware stack, the production settings, PostgreSQL and Redis as bench/run.py sets
them), timed over N requests after a warm-up (wall time, and the CPU time of this process:
the Python side, less sensitive to a loaded machine), with its query count; and the floor of
the framework overhead ratio (the queue page's SQL through psycopg2 + json.dumps).

    BENCH_SCALE=street .venv/bin/python bench/inprocess.py [N] [--only TEXT] [--profile TEXT]

``--only`` runs the scenarios whose name contains the text; ``--profile`` prints the
cProfile of those (50 requests).
A POST is rolled back. Use it to see where the time of one request goes; the timing
goals are bench/run.py's.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import explain, run  # noqa: E402


def client_for(p, headers):
    from django.test import Client

    client = Client(SERVER_NAME="127.0.0.1")
    if isinstance(headers, str):
        client.force_login(p[headers])
        headers = {}
    return client, headers


def one(client, method, path, headers, body):
    from django.db import transaction

    if method == "POST":
        with transaction.atomic():
            response = client.post(path, body, content_type="application/json", **headers)
            transaction.set_rollback(True)
    else:
        response = client.get(path, **headers)
    return response


def floor_ms(sql: str, n: int) -> float:
    import psycopg2

    conn = psycopg2.connect(run.DB_URL)
    conn.set_session(readonly=True, autocommit=True)
    floor = run.floor_of(conn, sql)
    floor()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        floor()
        times.append((time.perf_counter() - start) * 1000)
    conn.close()
    return statistics.median(times)


def main() -> None:
    args = sys.argv[1:]
    options = {}
    for flag in ("--profile", "--only"):
        if flag in args:
            at = args.index(flag)
            options[flag] = args[at + 1]
            del args[at : at + 2]
    profile, only = options.get("--profile"), options.get("--only")
    n = int(args[0]) if args else 200
    run.setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    p = run.personas()
    results = []
    for name, method, path, headers, body in explain.cases(p):
        if only and only not in name:
            continue
        client, hdrs = client_for(p, headers)
        for _ in range(5):
            response = one(client, method, path, hdrs, body)
        with CaptureQueriesContext(connection) as captured:
            response = one(client, method, path, hdrs, body)
        count = len(captured)
        rows_sql = [
            q["sql"] for q in captured if "grid_servicerequest" in q["sql"] and "LIMIT" in q["sql"]
        ]
        times, cpu = [], []
        for _ in range(n if method == "GET" else max(20, n // 5)):
            start, start_cpu = time.perf_counter(), time.process_time()
            one(client, method, path, hdrs, body)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        row = {
            "name": name,
            "status": response.status_code,
            "queries": count,
            "mean_ms": round(statistics.fmean(times), 2),
            "median_ms": round(statistics.median(times), 2),
            "cpu_ms": round(statistics.fmean(cpu), 2),
        }
        if name == "queue API, first page" and rows_sql:
            row["floor_ms"] = round(floor_ms(rows_sql[-1], n), 2)
            row["ratio"] = round(row["median_ms"] / row["floor_ms"], 2)
        results.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
        if profile and profile in name:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(50):
                one(client, method, path, hdrs, body)
            profiler.disable()
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(60)
            stats.sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()

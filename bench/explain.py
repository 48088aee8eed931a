"""EXPLAIN (ANALYZE, BUFFERS) of each scenario's main query, captured from the very code
path the benchmark drives (the same URL, the same persona, in-process through Django's
test client under the production settings): the slowest SELECT of the request.

    BENCH_SCALE=street .venv/bin/python bench/explain.py     (after make bench has
    created and filled the database; BENCH_DATABASE_URL as for bench/run.py)

Ends with one line per scenario: the scans used and any sequential scan of a big table.
"""

from __future__ import annotations

import datetime
import json
import re
import sys
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import run  # noqa: E402

BIG_TABLES = {
    "grid_servicerequest",
    "grid_resident",
    "grid_household",
    "grid_requestevent",
    "grid_building",
    "grid_servicerequestusergrant",
    "grid_outbox",
}


def cases(p: dict) -> list[tuple[str, str, str, dict, str]]:
    """(name, method, path, headers, body) of each scenario, as bench/run.py sends them."""
    today = p["anchor"]
    ninety = (today - datetime.timedelta(days=90)).isoformat()
    year = (today - datetime.timedelta(days=365)).isoformat()
    member_api = {"HTTP_AUTHORIZATION": f"Token {p['member_token']}"}
    admin_api = {"HTTP_AUTHORIZATION": f"Token {p['admin_token']}"}
    filters = urllib.parse.urlencode(
        {
            "state": "in_progress",
            "category": p["category"].pk,
            "overdue": "yes",
            "date_from": ninety,
            "date_to": today,
        }
    )
    body = json.dumps({"category": p["category"].pk, "description": "Bench: explain."})
    return [
        ("queue API, first page", "GET", "/api/v1/requests/?page_size=50", member_api, ""),
        (
            "street list API, cursor 20,000 deep",
            "GET",
            run.deep_cursor(p["admin"], 20000),
            admin_api,
            "",
        ),
        ("street admin's filtered list", "GET", f"/net/requests/all/?{filters}", "admin", ""),
        ("street KPI page", "GET", f"/net/kpis/?date_from={year}&date_to={today}", "admin", ""),
        (
            "resident search, last 4",
            "GET",
            f"/api/v1/residents/?q={p['last4'][0]}",
            admin_api,
            "",
        ),
        (
            "resident submits",
            "POST",
            "/api/v1/requests/",
            {"HTTP_AUTHORIZATION": f"Token {p['resident_tokens'][0]}"},
            body,
        ),
        (
            "Open311 requests.json",
            "GET",
            f"/open311/v2/requests.json?api_key={p['open311_key']}"
            f"&start_date={ninety}T00:00:00%2B08:00&end_date={today}T00:00:00%2B08:00",
            {},
            "",
        ),
        ("queue page (HTML)", "GET", "/net/requests/", "member", ""),
        (
            "admin changelist, one street",
            "GET",
            f"/admin/grid/servicerequest/?street__id__exact={p['street'].pk}",
            "superuser",
            "",
        ),
    ]


def capture(p, method, path, headers, body):
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="127.0.0.1")
    if isinstance(headers, str):
        client.force_login(p[headers])
        headers = {}
    with transaction.atomic():  # a POST is rolled back
        with CaptureQueriesContext(connection) as captured:
            if method == "POST":
                response = client.post(path, body, content_type="application/json", **headers)
            else:
                response = client.get(path, **headers)
        transaction.set_rollback(True)
    selects = [q for q in captured if q["sql"].lstrip().upper().startswith("SELECT")]
    main = max(selects, key=lambda q: float(q["time"]))
    return response.status_code, len(captured), main["sql"]


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cur.fetchall())


def scans(plan: str) -> tuple[list[str], list[str]]:
    found = re.findall(
        r"((?:Parallel )?(?:Seq|Index Only|Index|Bitmap Heap) Scan)(?: using (\S+))? on (\S+)", plan
    )
    used = sorted(
        {f"{kind} {index + ' ' if index else ''}on {table}" for kind, index, table in found}
    )
    seq_big = sorted({table for kind, _i, table in found if "Seq" in kind and table in BIG_TABLES})
    return used, seq_big


def main() -> None:
    run.setup_django()
    p = run.personas()
    summary = []
    for name, method, path, headers, body in cases(p):
        status, count, sql = capture(p, method, path, headers, body)
        plan = explain(sql)
        used, seq_big = scans(plan)
        print(f"\n=== {name}: {method} {path.split('?')[0]} -> {status}, {count} queries")
        print(f"--- main query (the slowest SELECT):\n{sql}\n--- plan:\n{plan}")
        summary.append((name, used, seq_big))
    print("\n=== summary")
    for name, used, seq_big in summary:
        flag = (
            f"SEQUENTIAL SCAN of {', '.join(seq_big)}"
            if seq_big
            else "no sequential scan of a big table"
        )
        print(f"{name}: {flag}; {'; '.join(used)}")


if __name__ == "__main__":
    main()

"""The ledger at county scale (issue 15): a county's five years of funds, projects,
expenditures and about 2 M ledger entries on PostgreSQL; the time of a community-quarter's
financial statement, generated from the ledger.

    .venv/bin/python bench/ledger_statement.py [requests]

Creates the database ``yuyao_bench_ledger`` when missing (BENCH_LEDGER_DATABASE_URL to
change), migrates, and generates once, in set-based SQL: the county's net with the
helpers of bench/training_compliance.py (21 streets, 300 communities, 3,000 grids, 6,000
buildings; BENCH_LEDGER_HOUSEHOLDS households a building, default 2), a community
secretary and a resident user for each community, and for five years: a fund of every
source (seven) per community per year (10,500 funds), their income in twelve monthly
tranches (126,000 entries), four special-fund projects per community-year (6,000),
175 paid expenditures per fund (1,837,500, each with its payment entry, from the project
for the special fund), one payment in fifty reversed with a reason (36,750 reversals) and
the December tranche of one fund in twenty reversed (525): 2,000,775 entries, every one
between two accounts; the funds' and projects' counters are the sums of their entries
(the check constraints hold them). One quarterly financial disclosure per
community-quarter (6,000).

Then ``requests`` (default 200) times, each on a random community-quarter of the five
years, after a warm-up of ten:

- ``statement``: ``funding.statements.statement`` itself (the generation);
- ``publish``: a community secretary publishes the quarter's disclosure through the
  Django test client with the production settings (POST .../publish/: the statement
  generated from the ledger and kept as a new version);
- ``resident page`` and ``api``: the community's resident opens the published
  statement (``/funding/disclosures/<id>/`` and ``/api/v1/funding/disclosures/<id>/``).

Prints p50/p95 and the queries of one request of each; the goal is p95 ≤ 500 ms for the
generation and the publishing. Every statement timed is reconciled to the ledger to the
fen both ways (its closing balances against a plain SQL sum of the signed entries up to
the end, opening + movements = closing per source, the categories' and projects' sums
against SQL, the count of entries), the quarters of ten communities chained (a quarter's
closing is the next one's opening), and the ledger's balances against the funds'
counters. Writes bench/results-ledger.json (BENCH_LEDGER_OUTPUT to change). Timings mean
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
from bench import training_compliance as county  # noqa: E402

DB_URL = os.environ.get(
    "BENCH_LEDGER_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yuyao_bench_ledger"
)
HOUSEHOLDS_EACH = int(os.environ.get("BENCH_LEDGER_HOUSEHOLDS", "2"))
YEARS = 5
TRANCHES = 12
PAYMENTS_EACH = 175  # a fund-year
PROJECTS_EACH = 4  # a special fund-year
REVERSE_ONE_IN = 50  # payments
REVERSE_INCOME_ONE_IN = 20  # funds
# Per source: the budget of a fund-year in fen (¥) and the categories it spends on.
SOURCES = [
    ("office", 30_000_000, ["office", "activities"]),
    ("special", 20_000_000, ["repair", "activities", "elderly", "environment", "culture"]),
    ("admitted", 6_000_000, ["services", "activities"]),
    ("venture", 4_000_000, ["elderly", "culture", "services"]),
    ("purchase", 8_000_000, ["services"]),
    ("donation", 1_500_000, ["elderly", "equipment"]),
    ("self_raised", 2_500_000, ["activities", "environment"]),
]
GOAL_P95_MS = 500.0
OUTPUT = Path(os.environ.get("BENCH_LEDGER_OUTPUT", ROOT / "bench" / "results-ledger.json"))


def ensure_database() -> None:
    county.DB_URL = DB_URL
    county.ensure_database()


def generate_users(cursor, codes: list[str]) -> None:
    """A community secretary (``lws<n>``) and a resident (``lwr<n>``, one of the
    community's residents) for the n-th community."""
    cursor.execute(
        """
        CREATE TEMP TABLE bench_communities ON COMMIT DROP AS
        SELECT c.id, c.street_id, row_number() OVER (ORDER BY c.code) AS n
        FROM grid_community c JOIN grid_street s ON s.id = c.street_id
        WHERE s.code = ANY(%s)
        """,
        [codes],
    )
    cursor.execute(
        """
        INSERT INTO yuyao_portal_user (password, is_superuser, username, first_name,
            last_name, email, is_staff, is_active, date_joined, display_name, care_mode)
        SELECT '!', false, p || n, '', '', '', false, true, now(),
            CASE WHEN p = 'lws' THEN '书记' ELSE '居民' END || n, false
        FROM bench_communities CROSS JOIN unnest(ARRAY['lws', 'lwr']) AS p
        ON CONFLICT (username) DO NOTHING
        """,
        [],
    )
    cursor.execute(
        """
        INSERT INTO grid_post (role, title, is_active, started_on, building_id, community_id,
            grid_id, handling_unit_id, user_id, street_id, duty_phone)
        SELECT 'community_secretary', '', true, current_date - 2000, NULL, c.id, NULL, NULL,
            u.id, c.street_id, ''
        FROM bench_communities c JOIN yuyao_portal_user u ON u.username = 'lws' || c.n
        """,
        [],
    )
    cursor.execute(
        """
        UPDATE grid_resident r SET user_id = u.id
        FROM (SELECT DISTINCT ON (community_id) id, community_id FROM grid_resident
              WHERE state = 'living' AND user_id IS NULL
                AND community_id IN (SELECT id FROM bench_communities)
              ORDER BY community_id, id) first
        JOIN bench_communities c ON c.id = first.community_id
        JOIN yuyao_portal_user u ON u.username = 'lwr' || c.n
        WHERE r.id = first.id
        """,
        [],
    )


def generate_ledger(cursor, this_year: int) -> None:
    """Funds, income, projects, expenditures with their payments, reversals, the
    counters and the quarterly disclosures."""
    first_year = this_year - YEARS + 1
    spec = " UNION ALL ".join(
        "SELECT %s::text AS source, %s::bigint AS budget, %s::text[] AS categories, %s::int AS si"
        for _s in SOURCES
    )
    params = [v for i, (s, b, c) in enumerate(SOURCES) for v in (s, b, c, i)]
    cursor.execute(f"CREATE TEMP TABLE bench_sources ON COMMIT DROP AS {spec}", params)
    # The funds: the budget varies by community (±30 %).
    cursor.execute(
        """
        INSERT INTO funding_fund (source, year, name, budget, committed, spent, created_at,
            building_id, community_id, grid_id, street_id)
        SELECT s.source, y, y || '年' || s.source, 0, 0, 0, make_date(y, 1, 1),
            NULL, c.id, NULL, c.street_id
        FROM bench_communities c CROSS JOIN bench_sources s
        CROSS JOIN generate_series(%s, %s) AS y
        """,
        [first_year, this_year],
    )
    cursor.execute(
        """
        CREATE TEMP TABLE bench_funds ON COMMIT DROP AS
        SELECT f.id, f.community_id, f.street_id, f.year, f.source, s.categories,
            (s.budget * (7 + c.n %% 7) / 10) AS budget, c.n
        FROM funding_fund f JOIN bench_sources s ON s.source = f.source
        JOIN bench_communities c ON c.id = f.community_id
        """,
        [],
    )
    # Income: twelve monthly tranches (the last takes the remainder of the division).
    cursor.execute(
        """
        INSERT INTO funding_ledgerentry (kind, debit, credit, amount, category, counterparty,
            memo, booked_on, booked_at, booked_by_id, building_id, community_id,
            expenditure_id, fund_id, grid_id, reverses_id, street_id, project_id)
        SELECT 'income', 'fund', 'source',
            CASE WHEN m = %s THEN f.budget - (%s - 1) * (f.budget / %s) ELSE f.budget / %s END,
            '', '余姚市财政局', f.year || '年第' || m || '批拨付', d, d, NULL, NULL,
            f.community_id, NULL, f.id, NULL, NULL, f.street_id, NULL
        FROM bench_funds f CROSS JOIN generate_series(1, %s) AS m
        CROSS JOIN LATERAL (SELECT least(make_date(f.year, m, 1 + f.id::int %% 5),
            current_date) AS d) t
        """,
        [TRANCHES] * 5,
    )
    # Four special-fund projects a community-year; their amounts are set below.
    cursor.execute(
        """
        INSERT INTO funding_project (title, category, needs, need_refs, budget, granted,
            reserved, spent, state, minutes, votes_for, votes_against, votes_abstain,
            vote_ref, filing_number, acceptance_note, created_at, noticed_at, building_id,
            community_id, fund_id, grid_id, proposed_by_id, street_id)
        SELECT (ARRAY['楼道扶手维修', '老年食堂补贴', '小区绿化提升', '文化礼堂活动'])[p + 1]
                || f.year, f.categories[1 + p %% cardinality(f.categories)], '居民需求清单',
            '', 1, 0, 0, 0, CASE WHEN f.year = %s THEN 'implementing' ELSE 'noticed' END,
            '两委会议暨居民代表会议', 11, 0, 1, '', 'BA' || f.id || '-' || p, '',
            make_date(f.year, 1, 2), CASE WHEN f.year < %s THEN make_date(f.year, 12, 28) END,
            NULL, f.community_id, f.id, NULL, NULL, f.street_id
        FROM bench_funds f CROSS JOIN generate_series(0, %s - 1) AS p
        WHERE f.source = 'special'
        """,
        [this_year, this_year, PROJECTS_EACH],
    )
    # The expenditures, paid; the amounts average 80 % of the budget over the year.
    cursor.execute(
        """
        INSERT INTO funding_expenditure (amount, category, payee, purpose, state,
            approved_tier, invoice_numbers, paid_on, reason, created_at, approved_by_id,
            building_id, community_id, grid_id, requested_by_id, street_id, fund_id,
            project_id)
        SELECT greatest(1, (f.budget * 8 / 10 / %s)
                * (500 + (k * 7919 + f.id * 31) %% 1000) / 1000),
            f.categories[1 + k %% cardinality(f.categories)], '余姚市供应商' || (k %% 97),
            f.year || '年支出' || k, CASE WHEN d > current_date - 30 THEN 'paid'
                ELSE 'reconciled' END, 'community', 'FP' || f.id || '-' || k, d, '', d,
            NULL, NULL, f.community_id, NULL, NULL, f.street_id, f.id,
            (SELECT p.id FROM funding_project p WHERE p.fund_id = f.id ORDER BY p.id
             OFFSET k %% %s LIMIT 1)
        FROM bench_funds f CROSS JOIN generate_series(0, %s - 1) AS k
        CROSS JOIN LATERAL (SELECT least(make_date(f.year, 1, 3) + 2 * k + (k * 13 %% 3),
            current_date) AS d) t
        """,
        [PAYMENTS_EACH, PROJECTS_EACH, PAYMENTS_EACH],
    )
    cursor.execute(
        """
        INSERT INTO funding_ledgerentry (kind, debit, credit, amount, category, counterparty,
            memo, booked_on, booked_at, booked_by_id, building_id, community_id,
            expenditure_id, fund_id, grid_id, reverses_id, street_id, project_id)
        SELECT 'payment', 'payee', CASE WHEN e.project_id IS NULL THEN 'fund'
                ELSE 'project' END,
            e.amount, e.category, e.payee, e.purpose, e.paid_on, e.paid_on, NULL, NULL,
            e.community_id, e.id, e.fund_id, NULL, NULL, e.street_id, e.project_id
        FROM funding_expenditure e JOIN bench_funds f ON f.id = e.fund_id
        """,
        [],
    )
    # One payment in fifty reversed a few days later; its expenditure marked reversed.
    cursor.execute(
        """
        INSERT INTO funding_ledgerentry (kind, debit, credit, amount, category, counterparty,
            memo, booked_on, booked_at, booked_by_id, building_id, community_id,
            expenditure_id, fund_id, grid_id, reverses_id, street_id, project_id)
        SELECT 'reversal', e.credit, 'reversal', e.amount, e.category, e.counterparty,
            '发票金额有误，冲销' || e.memo, least(e.booked_on + 5, current_date),
            least(e.booked_on + 5, current_date), NULL, NULL, e.community_id,
            e.expenditure_id, e.fund_id, NULL, e.id, e.street_id, e.project_id
        FROM funding_ledgerentry e JOIN bench_funds f ON f.id = e.fund_id
        WHERE e.kind = 'payment' AND e.expenditure_id %% %s = 7
        """,
        [REVERSE_ONE_IN],
    )
    cursor.execute(
        """
        UPDATE funding_expenditure e SET state = 'reversed', reason = r.memo
        FROM funding_ledgerentry r
        WHERE r.kind = 'reversal' AND r.expenditure_id = e.id
        """,
        [],
    )
    # The December tranche of one fund in twenty returned to the source.
    cursor.execute(
        """
        INSERT INTO funding_ledgerentry (kind, debit, credit, amount, category, counterparty,
            memo, booked_on, booked_at, booked_by_id, building_id, community_id,
            expenditure_id, fund_id, grid_id, reverses_id, street_id, project_id)
        SELECT 'reversal', 'source', 'fund', e.amount, '', e.counterparty,
            '拨付重复，退回财政', least(e.booked_on + 3, current_date),
            least(e.booked_on + 3, current_date), NULL, NULL, e.community_id, NULL,
            e.fund_id, NULL, e.id, e.street_id, NULL
        FROM funding_ledgerentry e JOIN bench_funds f ON f.id = e.fund_id
        WHERE e.kind = 'income' AND f.id %% %s = 0
            AND extract(month FROM e.booked_on) = 12
        """,
        [REVERSE_INCOME_ONE_IN],
    )
    # Counters as the sums of the entries: a project granted what it paid (rounded up
    # to the yuan), one still running keeps the rest committed on its fund.
    cursor.execute(
        """
        WITH t AS (
            SELECT project_id,
                sum(amount) FILTER (WHERE kind = 'payment') AS paid,
                coalesce(sum(amount) FILTER (WHERE kind = 'reversal'), 0) AS back
            FROM funding_ledgerentry WHERE project_id IS NOT NULL GROUP BY project_id
        )
        UPDATE funding_project p SET budget = (t.paid + 99) / 100 * 100,
            granted = (t.paid + 99) / 100 * 100, spent = t.paid - t.back
        FROM t WHERE t.project_id = p.id
        """,
        [],
    )
    cursor.execute(
        """
        WITH t AS (
            SELECT fund_id,
                sum(amount) FILTER (WHERE debit = 'fund' AND kind = 'income')
                    - coalesce(sum(amount) FILTER (WHERE credit = 'fund'
                        AND kind = 'reversal'), 0) AS budget,
                coalesce(sum(amount) FILTER (WHERE kind = 'payment'), 0)
                    - coalesce(sum(amount) FILTER (WHERE kind = 'reversal'
                        AND debit IN ('fund', 'project')), 0) AS spent
            FROM funding_ledgerentry WHERE fund_id IN (SELECT id FROM bench_funds)
            GROUP BY fund_id
        ),
        c AS (SELECT fund_id, sum(granted - spent) AS committed FROM funding_project
              WHERE state = 'implementing' GROUP BY fund_id)
        UPDATE funding_fund f SET budget = t.budget, spent = t.spent,
            committed = coalesce(c.committed, 0)
        FROM t LEFT JOIN c ON c.fund_id = t.fund_id
        WHERE t.fund_id = f.id
        """,
        [],
    )
    # A quarterly financial disclosure per community-quarter, due 15 days after.
    cursor.execute(
        """
        INSERT INTO funding_disclosure (area, cadence, title, period_start, period_end,
            due_on, state, version_count, alerted_at, overdue_alerted_at, building_id,
            community_id, grid_id, street_id, unit_id)
        SELECT 'finance', 'quarterly', y || '年第' || q || '季度财务公开', s,
            (s + interval '3 months' - interval '1 day')::date,
            (s + interval '3 months' + interval '14 days')::date, 'due', 0, NULL, NULL,
            NULL, c.id, NULL, c.street_id, NULL
        FROM bench_communities c CROSS JOIN generate_series(%s, %s) AS y
        CROSS JOIN generate_series(1, 4) AS q
        CROSS JOIN LATERAL (SELECT make_date(y, 3 * q - 2, 1) AS s) t
        """,
        [first_year, this_year],
    )


def generate() -> float | None:
    """The net, the users and the ledger; answers the seconds it took (None when the
    data was there)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from funding.models import LedgerEntry

    if LedgerEntry.objects.count() >= 2_000_000:
        return None
    this_year = timezone.localdate().year
    started = time.perf_counter()
    county.HOUSEHOLDS_EACH = HOUSEHOLDS_EACH
    codes = county.street_codes()
    with transaction.atomic(), connection.cursor() as cursor:
        county.generate_net(cursor, codes)
        generate_users(cursor, codes)
        print(f"net in {time.perf_counter() - started:.0f} s", flush=True)
        generate_ledger(cursor, this_year)
        print(f"ledger in {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seconds = time.perf_counter() - started
    print(f"generated in {seconds:.0f} s", flush=True)
    return seconds


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary(times: list[float], queries: int, goal: float | None) -> dict:
    p95 = percentile(times, 0.95)
    row = {
        "requests": len(times),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(max(times), 1),
        "queries": queries,
    }
    if goal is not None:
        row["goal_p95_ms"] = goal
        row["met"] = p95 <= goal
    return row


SIGNED = "CASE WHEN e.debit IN ('fund', 'project') THEN e.amount ELSE -e.amount END"


def reconcile(data: dict, community_id: int, start, end) -> list[str]:
    """The statement against the ledger summed in plain SQL; answers what differs."""
    from django.db import connection

    problems = []
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT f.source, sum({SIGNED}) FILTER (WHERE e.booked_on < %s),
                sum({SIGNED}), count(*) FILTER (WHERE e.booked_on >= %s)
            FROM funding_ledgerentry e JOIN funding_fund f ON f.id = e.fund_id
            WHERE e.community_id = %s AND e.booked_on <= %s GROUP BY f.source
            """,
            [start, start, community_id, end],
        )
        ledger = {s: (o or 0, c or 0, n) for s, o, c, n in cursor.fetchall()}
        cursor.execute(
            """
            SELECT e.category, e.project_id, grouping(e.project_id) = 1,
                sum(e.amount) FILTER (WHERE e.kind = 'payment'),
                sum(e.amount) FILTER (WHERE e.kind = 'reversal'
                    AND e.debit IN ('fund', 'project'))
            FROM funding_ledgerentry e
            WHERE e.community_id = %s AND e.booked_on BETWEEN %s AND %s AND e.kind <> 'income'
                AND e.category <> ''
            GROUP BY GROUPING SETS ((e.category), (e.category, e.project_id))
            """,
            [community_id, start, end],
        )
        moves = cursor.fetchall()
    lines = {line["source"]: line for line in data["sources"]}
    for source in set(lines) | set(ledger):
        line = lines.get(source)
        opening, closing, _n = ledger.get(source, (0, 0, 0))
        if line is None:
            if opening or closing:
                problems.append(f"{source}: missing from the statement")
            continue
        if (line["opening"], line["closing"]) != (opening, closing):
            problems.append(
                f"{source}: statement {line['opening']}/{line['closing']}, "
                f"ledger {opening}/{closing}"
            )
        moved = line["income"] - line["spending"] + line["reversed_in"] - line["reversed_out"]
        if line["opening"] + moved != line["closing"]:
            problems.append(f"{source}: opening + movements != closing")
    if data["entries"] != sum(n for _o, _c, n in ledger.values()):
        problems.append("count of entries differs")
    categories = {c["category"]: (c["spending"], c["reversed"]) for c in data["categories"]}
    by_category = {cat: (p or 0, r or 0) for cat, _pid, total, p, r in moves if total}
    if categories != by_category:
        problems.append(f"categories differ: {categories} != {by_category}")
    spent = sum(p["spending"] for p in data["projects"])
    ledger_spent = sum(p or 0 for _cat, pid, total, p, _r in moves if not total and pid)
    if spent != ledger_spent:
        problems.append(f"projects: {spent} != {ledger_spent}")
    total = data["totals"]
    if total["spending"] != sum(s for s, _r in by_category.values()):
        problems.append("total spending != the categories' sum")
    return problems


def counters_match() -> dict:
    """The ledger's balance of every fund (signed sum of its entries) against the fund's
    counters (budget − spent), and the double entry: no entry on one account."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT count(*) FILTER (WHERE t.balance <> f.budget - f.spent),
                count(*) FILTER (WHERE f.committed + f.spent > f.budget), count(*),
                sum(t.balance)
            FROM funding_fund f
            JOIN (SELECT e.fund_id, sum({SIGNED}) AS balance FROM funding_ledgerentry e
                  GROUP BY e.fund_id) t ON t.fund_id = f.id
            """
        )
        differ, overspent, funds, balance = cursor.fetchone()
        cursor.execute(
            """
            SELECT count(*) FILTER (WHERE debit = credit),
                count(*) FILTER (WHERE kind = 'reversal'), count(*)
            FROM funding_ledgerentry
            """
        )
        one_account, reversals, entries = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM funding_project WHERE spent > granted")
        (projects_over,) = cursor.fetchone()
    return {
        "funds": funds,
        "funds_whose_counters_differ_from_the_ledger": differ,
        "funds_overspent": overspent,
        "projects_overspent": projects_over,
        "entries": entries,
        "reversals": reversals,
        "entries_on_one_account": one_account,
        "county_balance_fen": int(balance),
    }


def main() -> None:
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    ensure_database()
    run.PORTAL_ENV["DATABASE_URL"] = DB_URL
    run.setup_django()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from funding.models import Disclosure, Fund, LedgerEntry, Project
    from funding.statements import statement
    from grid.models import Community, Post, Resident

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest storage
    seconds = generate()
    disclosures = list(
        Disclosure.objects.filter(area="finance", cadence="quarterly")
        .order_by("id")
        .values_list("id", "community_id", "period_start", "period_end")
    )
    secretaries = dict(
        Post.objects.filter(
            role="community_secretary", user__username__startswith="lws"
        ).values_list("community_id", "user_id")
    )
    residents = dict(
        Resident.objects.filter(user__username__startswith="lwr").values_list(
            "community_id", "user_id"
        )
    )
    users = {
        u.pk: u
        for u in get_user_model().objects.filter(
            pk__in=[*secretaries.values(), *residents.values()]
        )
    }
    communities = Community.objects.in_bulk({c for _d, c, _s, _e in disclosures})
    rng = random.Random(15)
    picks = [rng.choice(disclosures) for _n in range(requests + 10)]

    # 1. The generation itself, each statement reconciled to the ledger afterwards.
    times, problems, entries_per = [], [], []
    for n, (_pk, community_id, start, end) in enumerate(picks):
        began = time.perf_counter()
        data = statement(communities[community_id], start, end)
        elapsed = (time.perf_counter() - began) * 1000
        if n >= 10:
            times.append(elapsed)
            entries_per.append(data["entries"])
            problems += [
                f"{community_id} {start}: {p}" for p in reconcile(data, community_id, start, end)
            ]
    with CaptureQueriesContext(connection) as queries:
        statement(communities[community_id], start, end)
    results = {"statement": summary(times, len(queries.captured_queries), GOAL_P95_MS)}
    results["statement"]["entries_in_a_quarter_p50"] = int(statistics.median(entries_per))
    print("statement", json.dumps(results["statement"]), flush=True)

    # The quarters of ten communities chained: each closing is the next opening.
    chained = 0
    for community_id in sorted(communities)[:: max(1, len(communities) // 10)][:10]:
        quarters = sorted((s, e) for _d, c, s, e in disclosures if c == community_id)
        before = None
        for start, end in quarters:
            data = statement(communities[community_id], start, end)
            problems += [
                f"{community_id} {start}: {p}" for p in reconcile(data, community_id, start, end)
            ]
            opening = {line["source"]: line["opening"] for line in data["sources"]}
            if before is not None:
                for source in set(before) | set(opening):
                    if before.get(source, 0) != opening.get(source, 0):
                        problems.append(f"{community_id} {start} {source}: chain broken")
            before = {line["source"]: line["closing"] for line in data["sources"]}
            chained += 1

    # 2. Publishing through the pages (a secretary), then 3./4. the resident reading it.
    client = Client(SERVER_NAME="127.0.0.1")
    pages = {"publish": [], "resident page": [], "api": []}
    counts = {}
    for n, (pk, community_id, _start, _end) in enumerate(picks):
        connection.queries_log.clear()  # a full log (9,000) would hide what is captured
        client.force_login(users[secretaries[community_id]])
        path = f"/funding/disclosures/{pk}/publish/"
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.post(path, {"body": "本季度财务收支情况公开如下。"})
            elapsed = (time.perf_counter() - began) * 1000
        if response.status_code != 302:
            raise SystemExit(f"{path}: {response.status_code}")
        if n >= 10:
            pages["publish"].append(elapsed)
        counts["publish"] = len(queries.captured_queries)
        client.force_login(users[residents[community_id]])
        for name, path in (
            ("resident page", f"/funding/disclosures/{pk}/"),
            ("api", f"/api/v1/funding/disclosures/{pk}/"),
        ):
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                response = client.get(path)
                elapsed = (time.perf_counter() - began) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{path}: {response.status_code}")
            if n >= 10:
                pages[name].append(elapsed)
            counts[name] = len(queries.captured_queries)
    for name, values in pages.items():
        results[name] = summary(values, counts[name], GOAL_P95_MS if name == "publish" else None)
        print(name, json.dumps(results[name]), flush=True)

    results["reconciliation"] = {
        "statements_checked": len(times) + chained,
        "quarters_chained": chained,
        "differences": problems[:20],
        "reconciled_to_the_fen": not problems,
        **counters_match(),
    }
    print("reconciliation", json.dumps(results["reconciliation"], ensure_ascii=False))
    results["data"] = {
        "streets": Community.objects.values("street_id").distinct().count(),
        "communities": Community.objects.count(),
        "funds": Fund.objects.count(),
        "projects": Project.objects.count(),
        "expenditures": LedgerEntry.objects.filter(kind="payment").count(),
        "ledger_entries": LedgerEntry.objects.count(),
        "disclosures": len(disclosures),
        "years": YEARS,
        "until": timezone.localdate().isoformat(),
    }
    # Timings mean little when other work shares the cores: the load says how much did.
    results["load_average_1_5_15"] = [round(x, 2) for x in os.getloadavg()]
    if seconds is not None:
        results["data"]["generated_in_s"] = round(seconds)
    elif OUTPUT.exists():  # keep the generation time of the run that generated
        earlier = json.loads(OUTPUT.read_text()).get("data", {})
        if "generated_in_s" in earlier:
            results["data"]["generated_in_s"] = earlier["generated_in_s"]
    OUTPUT.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(results["data"], ensure_ascii=False))
    if problems:
        raise SystemExit(f"{len(problems)} differences between statements and the ledger")


if __name__ == "__main__":
    main()

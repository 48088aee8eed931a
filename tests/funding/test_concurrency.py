"""A fund is never overspent under real concurrent writers on PostgreSQL (skipped on
SQLite, whose writes are serial anyway): 200 expenditures race for a fund that can take
only some of them."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from funding import services
from funding.models import Expenditure, Fund, LedgerEntry

from ..factories import build_world
from .helpers import YUAN, filed_project, open_office, open_special

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="real concurrent connections: PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WRITERS = 200
THREADS = 20


def run_together(calls):
    """Run ``calls`` on THREADS connections at once (each thread takes the next call)."""
    outcomes = [None] * len(calls)
    barrier = threading.Barrier(THREADS)
    lock = threading.Lock()
    queue = list(enumerate(calls))

    def worker():
        try:
            barrier.wait(timeout=30)
            while True:
                with lock:
                    if not queue:
                        return
                    index, call = queue.pop()
                try:
                    outcomes[index] = ("ok", call())
                except ValidationError as exc:
                    outcomes[index] = ("refused", " ".join(exc.messages))
                except Exception as exc:  # noqa: BLE001  (reported by the assertion below)
                    outcomes[index] = ("error", repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_two_hundred_expenditures_never_overspend_a_fund():
    world = build_world()
    fund = open_office(world, community=world.communities[1], budget=10_000 * YUAN, year=2030)
    fund = Fund.objects.get(pk=fund.pk)
    worker = world.user("county_admin")
    amounts = [(n % 7 + 1) * 100 * YUAN for n in range(WRITERS)]  # ¥100 … ¥700
    started = time.monotonic()
    outcomes = run_together(
        [
            lambda a=a: services.request_expenditure(
                by=worker,
                fund=fund,
                amount=a,
                category="activities",
                payee="社区文艺队",
                purpose="活动",
            )
            for a in amounts
        ]
    )
    elapsed = time.monotonic() - started
    kinds = [kind for kind, _detail in outcomes]
    assert "error" not in kinds, [o for o in outcomes if o[0] == "error"][:3]
    taken = sum(a for a, (kind, _d) in zip(amounts, outcomes, strict=True) if kind == "ok")
    fund.refresh_from_db()
    assert fund.committed == taken <= fund.budget
    assert fund.committed + fund.spent <= fund.budget
    assert 0 < kinds.count("ok") < WRITERS
    assert all(fund.name in d and "¥" in d for kind, d in outcomes if kind == "refused")
    assert Expenditure.objects.filter(fund=fund).count() == kinds.count("ok")
    # What is left is less than the smallest request refused (each refusal was right).
    refused = [a for a, (kind, _d) in zip(amounts, outcomes, strict=True) if kind == "refused"]
    assert fund.available < min(refused)
    print(f"\n200 concurrent expenditures: {elapsed:.2f} s, {kinds.count('ok')} taken")


def test_concurrent_payments_and_reversals_keep_the_sums():
    world = build_world()
    fund = open_special(world, budget=50_000 * YUAN, year=2031)
    project = filed_project(world, fund, budget=10_000 * YUAN)
    worker = world.user("community_worker")
    calls = [
        lambda: services.request_expenditure(
            by=worker,
            fund=fund,
            project=project,
            amount=700 * YUAN,
            category="repair",
            payee="维修部",
            purpose="扶手",
        )
    ] * 40
    outcomes = run_together(calls)
    kinds = [kind for kind, _detail in outcomes]
    assert "error" not in kinds
    assert kinds.count("ok") == 14  # ¥10,000 // ¥700
    project.refresh_from_db()
    assert project.reserved == 14 * 700 * YUAN <= project.granted
    fund.refresh_from_db()
    assert fund.committed == 10_000 * YUAN
    assert not LedgerEntry.objects.filter(fund=fund, kind="payment").exists()

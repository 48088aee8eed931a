"""The financial statement costs the same number of queries whatever the size of the
ledger: the opening balances are one grouped query, the period's movements another, the
reversals a third (bench/ledger_statement.py times it on a county's five years, 2 M
entries). The publishing page and the resident's statement page hold their counts too."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from funding import disclosure
from funding.models import Account, Category, Disclosure, Fund, LedgerEntry, Project, Source
from funding.statements import quarter_bounds, statement

from .helpers import YUAN, open_office, open_special

pytestmark = pytest.mark.django_db

STATEMENT_QUERIES = 3


def grow(world, funds: list[Fund], project: Project, count: int, start, end) -> None:
    """``count`` payments a fund, in the quarter and before it, with a project's, new
    categories, and one in five reversed (bulk: the statement reads only the rows)."""
    days = (end - start).days
    rows = []
    for fund in funds:
        for n in range(count):
            on = start + datetime.timedelta(days=n % (days + 1))
            if n % 3 == 0:
                on = start - datetime.timedelta(days=1 + n)  # before the quarter
            from_project = fund.source == Source.SPECIAL and n % 2 == 0
            rows.append(
                LedgerEntry(
                    fund=fund,
                    project=project if from_project else None,
                    community_id=fund.community_id,
                    street_id=fund.street_id,
                    kind=LedgerEntry.Kind.PAYMENT,
                    debit=Account.PAYEE,
                    credit=Account.PROJECT if from_project else Account.FUND,
                    amount=100 + n,
                    category=Category.values[n % 8],
                    counterparty=f"供应商{n}",
                    memo=f"支出{n}",
                    booked_on=on,
                )
            )
    payments = LedgerEntry.objects.bulk_create(rows)
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            fund_id=entry.fund_id,
            project_id=entry.project_id,
            community_id=entry.community_id,
            street_id=entry.street_id,
            kind=LedgerEntry.Kind.REVERSAL,
            debit=entry.credit,
            credit=Account.REVERSAL,
            amount=entry.amount,
            category=entry.category,
            counterparty=entry.counterparty,
            memo="冲销",
            reverses=entry,
            booked_on=max(entry.booked_on, start),
        )
        for entry in payments[::5]
    )


def test_the_statement_holds_its_queries_as_the_ledger_grows(world):
    community = world.communities[0]
    today = timezone.localdate()
    start, end = quarter_bounds(today.year, (today.month + 2) // 3)
    special = Fund.objects.get(community=community, source=Source.SPECIAL, year=2026)
    project = Project.objects.filter(fund=special).first()
    office = open_office(world, budget=90_000 * YUAN)
    with CaptureQueriesContext(connection) as small:
        before = statement(community, start, end)
    assert len(small.captured_queries) == STATEMENT_QUERIES
    grow(world, [special, office], project, 300, start, end)
    other = open_special(world, community=community, year=2025)
    grow(world, [other], None, 100, start, end)
    connection.queries_log.clear()  # a full log (9,000) would hide what is captured
    with CaptureQueriesContext(connection) as large:
        after = statement(community, start, end)
    assert len(large.captured_queries) == STATEMENT_QUERIES
    assert after["entries"] > before["entries"] + 300
    assert len(after["categories"]) > len(before["categories"])
    assert after["reversals"]
    # Still reconciled: closing = the signed sum of every entry up to the end.
    entries = LedgerEntry.objects.filter(community=community, booked_on__lte=end)
    assert after["totals"]["closing"] == sum(e.signed for e in entries)


def _counts(client, world, item) -> tuple[int, int]:
    client.force_login(world.user("community_secretary"))
    connection.queries_log.clear()  # a full log (9,000) would hide what is captured
    with CaptureQueriesContext(connection) as publish:
        response = client.post(
            f"/funding/disclosures/{item.pk}/publish/", {"body": "本季度财务收支公开。"}
        )
    assert response.status_code == 302
    client.force_login(world.user("resident"))
    client.get(f"/funding/disclosures/{item.pk}/")  # the first page after signing in: +1
    with CaptureQueriesContext(connection) as page:
        response = client.get(f"/funding/disclosures/{item.pk}/")
    assert response.status_code == 200
    return len(publish.captured_queries), len(page.captured_queries)


def test_publishing_and_reading_a_statement_hold_their_queries(world, client):
    community = world.communities[0]
    today = timezone.localdate()
    start, end = quarter_bounds(today.year, (today.month + 2) // 3)
    disclosure.schedule_year(by=world.user("street_admin"), community=community, year=today.year)
    item = Disclosure.objects.get(
        community=community, area="finance", cadence="quarterly", period_start=start
    )
    publish_small, page_small = _counts(client, world, item)
    special = Fund.objects.get(community=community, source=Source.SPECIAL, year=2026)
    office = open_office(world, budget=90_000 * YUAN)
    grow(world, [special, office], Project.objects.filter(fund=special).first(), 300, start, end)
    publish_large, page_large = _counts(client, world, item)
    assert publish_large == publish_small
    assert page_large == page_small
    assert item.versions.count() == 2

"""The disclosure: the schedule with due dates on the working-day calendar, versions
kept, the statement generated from the ledger reconciling to the fen both ways."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.notify.models import OutboxMessage
from funding import disclosure, services
from funding.models import Disclosure, LedgerEntry
from funding.statements import quarter_bounds, statement

from .helpers import YUAN, open_office, paid_expenditure

pytestmark = pytest.mark.django_db


def test_the_year_schedule_has_quarterly_statements_due_after_working_days(world):
    community = world.communities[1]
    made = disclosure.schedule_year(by=world.user("street_admin"), community=community, year=2027)
    finance = [d for d in made if d.area == "finance" and d.cadence == "quarterly"]
    assert len(finance) == 4
    q1 = finance[0]
    assert q1.period_end == datetime.date(2027, 3, 31)
    assert q1.due_on > q1.period_end + datetime.timedelta(days=10)  # 10 working days
    again = disclosure.schedule_year(by=world.user("street_admin"), community=community, year=2027)
    assert again == []
    busy = disclosure.schedule_year(
        by=world.user("street_admin"), community=world.communities[0], year=2027, busy=True
    )
    assert len([d for d in busy if d.cadence == "monthly"]) == 12
    with pytest.raises(PermissionDenied):
        disclosure.schedule_year(
            by=world.user("community_worker"), community=world.communities[2], year=2027
        )


def test_the_statement_reconciles_to_the_ledger_to_the_fen(world):
    community = world.communities[0]
    fund = open_office(world, budget=12_345_67)
    first = paid_expenditure(world, fund, 2_000_01, category="activities")
    paid_expenditure(world, fund, 333, category="culture")
    services.reverse_entry(by=world.user("street_admin"), entry=first.entries.get(), reason="错账")
    services.book_income(by=world.user("street_admin"), fund=fund, amount=99, memo="捐赠")
    today = timezone.localdate()
    year, quarter = today.year, (today.month + 2) // 3
    start, end = quarter_bounds(year, quarter)
    data = statement(community, start, end)
    entries = LedgerEntry.objects.filter(community=community)
    period = entries.filter(booked_on__gte=start, booked_on__lte=end)
    before = entries.filter(booked_on__lt=start)
    totals = data["totals"]
    assert totals["opening"] == sum(e.signed for e in before)
    assert totals["closing"] - totals["opening"] == sum(e.signed for e in period)
    assert totals["closing"] == sum(e.signed for e in entries.filter(booked_on__lte=end))
    # Both ways: by source and by category.
    assert totals["spending"] == sum(c["spending"] for c in data["categories"])
    assert sum(c["reversed"] for c in data["categories"]) == totals["reversed_in"]
    assert [r["amount"] for r in data["reversals"]] == [2_000_01]
    assert data["projects"] and data["projects"][0]["spending"] == 1_000 * YUAN


def test_published_versions_are_kept_and_questions_answered_publicly(world):
    item = Disclosure.objects.get(area="finance", community=world.communities[0])
    worker = world.user("community_worker")
    assert item.versions.count() == 1
    second = disclosure.publish(by=worker, disclosure=item, body="更正：补充说明")
    assert second.number == 2
    assert item.versions.count() == 2
    question = item.questions.get()
    answered = disclosure.answer(by=worker, question=question, text="含材料费与人工费。")
    assert answered.answered_at is not None
    assert OutboxMessage.objects.filter(recipient=world.users["resident"]).exists()
    with pytest.raises(ValidationError):
        disclosure.answer(by=worker, question=question, text="again")
    with pytest.raises(PermissionDenied):
        disclosure.publish(by=world.user("other_street_admin"), disclosure=item)
    with pytest.raises(PermissionDenied):
        disclosure.ask(user=world.user("outsider"), disclosure=item, text="?")


def test_alerts_before_and_after_the_due_date_go_once(world):
    community = world.communities[0]
    today = timezone.localdate()
    soon = disclosure.major_matter(
        by=world.user("community_worker"), community=community, title="换届", occurred_on=today
    )
    late = disclosure.major_matter(
        by=world.user("community_worker"),
        community=community,
        title="拆迁补偿",
        occurred_on=today - datetime.timedelta(days=30),
    )
    assert disclosure.alert_disclosures() >= 1
    soon.refresh_from_db()
    late.refresh_from_db()
    assert late.overdue_alerted_at is not None
    assert disclosure.alert_disclosures() == 0

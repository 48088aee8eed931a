"""The ledger: amounts in whole fen, commitments under the fund's lock, approval by the
amount's band, payments with invoices, reversals instead of edits."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum

from funding import services
from funding.models import Expenditure, Fund, LedgerEntry, LedgerImmutable, Project
from grid.services.photos import prepare_photos

from .helpers import (
    YUAN,
    filed_project,
    invoice_upload,
    open_office,
    open_special,
    paid_expenditure,
)

pytestmark = pytest.mark.django_db


def request(world, fund, amount, **extra):
    return services.request_expenditure(
        by=world.user("community_worker"),
        fund=fund,
        amount=amount,
        category=extra.pop("category", "activities"),
        payee="社区文艺队",
        purpose="重阳节活动",
        **extra,
    )


def assert_sums(fund):
    fund.refresh_from_db()
    income = LedgerEntry.objects.filter(fund=fund)
    balance = sum(e.signed for e in income)
    assert fund.budget - fund.spent == balance
    assert fund.committed + fund.spent <= fund.budget


@pytest.mark.parametrize("amount", [0, -1, 1.5, "12.3", "abc", 10**12 + 1, True, None, 2.0000001])
def test_bad_amounts_are_refused_and_nothing_changes(world, amount):
    fund = open_office(world, budget=1_000 * YUAN)
    before = LedgerEntry.objects.count(), Expenditure.objects.count()
    with pytest.raises(ValidationError):
        request(world, fund, amount)
    assert (LedgerEntry.objects.count(), Expenditure.objects.count()) == before
    fund.refresh_from_db()
    assert fund.committed == 0


def test_whole_floats_and_strings_of_fen_are_accepted():
    assert services.fen(800000.0) == 800000
    assert services.fen("42") == 42
    assert services.yuan_to_fen("8000.50") == 800050
    with pytest.raises(ValidationError):
        services.yuan_to_fen("0.001")


def test_an_expenditure_over_the_remaining_budget_is_refused(world):
    fund = open_office(world, budget=1_000 * YUAN)
    request(world, fund, 600 * YUAN)
    with pytest.raises(ValidationError) as refused:
        request(world, fund, 500 * YUAN)
    assert "400.00" in " ".join(refused.value.messages)
    fund.refresh_from_db()
    assert fund.committed == 600 * YUAN


def test_forbidden_category_is_refused_with_the_rule_cited(world):
    fund = open_office(world)
    with pytest.raises(ValidationError) as refused:
        request(world, fund, 100, category="debts")
    assert "funding.forbidden.office" in " ".join(refused.value.messages)


def test_the_special_fund_pays_only_for_projects(world):
    fund = Fund.objects.get(source="special", community=world.communities[0])
    with pytest.raises(ValidationError):
        request(world, fund, 100, category="repair")


def test_approval_by_band(world):
    fund = open_office(world, budget=100_000 * YUAN)
    small = request(world, fund, 5_000 * YUAN)
    large = request(world, fund, 30_000 * YUAN)
    secretary = world.user("community_secretary")
    services.approve_expenditure(by=secretary, expenditure=small)
    with pytest.raises(ValidationError) as refused:
        services.approve_expenditure(by=secretary, expenditure=large)
    assert "30,000.00" in " ".join(refused.value.messages)
    with pytest.raises(PermissionDenied):
        services.approve_expenditure(by=world.user("community_worker"), expenditure=large)
    with pytest.raises(PermissionDenied):
        services.approve_expenditure(by=world.user("other_street_admin"), expenditure=large)
    approved = services.approve_expenditure(by=world.user("street_admin"), expenditure=large)
    assert approved.state == "approved" and approved.approved_tier == "street"
    assert [e.action for e in approved.events.all()] == ["request", "approve"]


def test_payment_needs_invoices_and_books_an_entry(world):
    fund = open_office(world, budget=10_000 * YUAN)
    expenditure = request(world, fund, 2_000 * YUAN)
    services.approve_expenditure(by=world.user("community_secretary"), expenditure=expenditure)
    worker = world.user("community_worker")
    with pytest.raises(ValidationError):
        services.pay_expenditure(by=worker, expenditure=expenditure, invoice_numbers="1")
    services.attach_invoices(
        by=worker, expenditure=expenditure, photos=prepare_photos([invoice_upload()])
    )
    paid = services.pay_expenditure(by=worker, expenditure=expenditure, invoice_numbers="No.1")
    assert paid.state == "paid"
    fund.refresh_from_db()
    assert (fund.committed, fund.spent) == (0, 2_000 * YUAN)
    payment = paid.entries.get()
    assert (payment.debit, payment.credit, payment.amount) == ("payee", "fund", 2_000 * YUAN)
    services.reconcile_expenditure(by=world.user("street_admin"), expenditure=paid)
    assert_sums(fund)


def test_refusing_and_withdrawing_give_the_money_back(world):
    fund = open_office(world, budget=1_000 * YUAN)
    one = request(world, fund, 700 * YUAN)
    services.refuse_expenditure(
        by=world.user("community_secretary"), expenditure=one, reason="重复"
    )
    two = request(world, fund, 700 * YUAN)
    services.withdraw_expenditure(by=world.user("community_worker"), expenditure=two)
    fund.refresh_from_db()
    assert fund.committed == 0 and fund.available == 1_000 * YUAN


def test_an_entry_is_never_edited_or_deleted_only_reversed(world):
    fund = open_office(world, budget=10_000 * YUAN)
    expenditure = paid_expenditure(world, fund, 3_000 * YUAN, category="activities")
    payment = expenditure.entries.get()
    payment.amount = 1
    with pytest.raises(LedgerImmutable):
        payment.save()
    with pytest.raises(LedgerImmutable):
        payment.delete()
    reversal = services.reverse_entry(
        by=world.user("street_admin"), entry=payment, reason="收款单位填错"
    )
    assert reversal.reverses_id == payment.pk and reversal.kind == "reversal"
    assert (reversal.debit, reversal.credit) == ("fund", "reversal")
    with pytest.raises(ValidationError):
        services.reverse_entry(by=world.user("street_admin"), entry=payment, reason="again")
    with pytest.raises(PermissionDenied):
        services.reverse_entry(by=world.user("community_worker"), entry=payment, reason="x")
    fund.refresh_from_db()
    assert fund.spent == 0
    expenditure.refresh_from_db()
    assert expenditure.state == "reversed"
    assert_sums(fund)


def test_the_database_refuses_edits_of_entries_too(world, django_db_setup):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    from django.db import DatabaseError, transaction

    entry = LedgerEntry.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=1)


def test_a_project_never_spends_more_than_granted(world):
    fund = open_special(world, year=2027)
    project = filed_project(world, fund, budget=8_000 * YUAN)
    fund.refresh_from_db()
    assert fund.committed == 8_000 * YUAN
    paid_expenditure(world, fund, 5_000 * YUAN, project=project)
    with pytest.raises(ValidationError):
        request(world, fund, 3_001 * YUAN, project=project, category="repair")
    project.refresh_from_db()
    assert (project.spent, project.reserved) == (5_000 * YUAN, 0)
    services.accept_project(by=world.user("street_admin"), project=project, note="验收合格")
    fund.refresh_from_db()
    assert (fund.committed, fund.spent) == (0, 5_000 * YUAN)
    services.notice_project(by=world.user("community_worker"), project=project)
    project.refresh_from_db()
    assert project.state == Project.State.NOTICED
    assert [e.action for e in project.events.all()] == [
        "propose",
        "decide",
        "file",
        "start",
        "accept",
        "notice",
    ]
    assert_sums(fund)


def test_a_forbidden_project_is_refused_at_proposal_and_a_lost_vote_rejects(world):
    fund = Fund.objects.get(source="special", community=world.communities[0])
    worker = world.user("community_worker")
    with pytest.raises(ValidationError) as refused:
        services.propose_project(
            by=worker, fund=fund, title="办公用品", category="office", needs="x", budget=100
        )
    assert "funding.forbidden.special" in " ".join(refused.value.messages)
    project = services.propose_project(
        by=worker, fund=fund, title="健身器材", category="equipment", needs="x", budget=100
    )
    project = services.record_decision(
        by=worker, project=project, minutes="会议", votes_for=3, votes_against=5
    )
    assert project.state == "rejected"


def test_only_the_street_files_a_project(world):
    fund = Fund.objects.get(source="special", community=world.communities[0])
    worker = world.user("community_worker")
    project = services.propose_project(
        by=worker, fund=fund, title="健身器材", category="equipment", needs="x", budget=100
    )
    services.record_decision(by=worker, project=project, minutes="m", votes_for=3, votes_against=0)
    with pytest.raises(PermissionDenied):
        services.file_project(by=world.user("community_secretary"), project=project)
    with pytest.raises(PermissionDenied):
        services.file_project(by=world.user("other_street_admin"), project=project)


def test_fund_counters_are_the_sums_of_the_ledger(world):
    for fund in Fund.objects.all():
        entries = fund.entries.all()
        assert fund.budget == sum(e.amount for e in entries if e.kind == "income") - sum(
            e.amount for e in entries if e.kind == "reversal" and e.credit == "fund"
        )
        assert fund.spent == (
            (entries.filter(kind="payment").aggregate(s=Sum("amount"))["s"] or 0)
            - sum(
                e.amount for e in entries if e.kind == "reversal" and e.debit in ("fund", "project")
            )
        )

"""Venture calls: caps, reviewers who see only their own assignments, ranking within the
pool, tranches paid from the ledger."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from funding import services, venture
from funding.models import VentureApplication, VentureCall, VentureReview
from grid.services.photos import prepare_photos

from .helpers import YUAN, invoice_upload

pytestmark = pytest.mark.django_db


def test_a_call_from_application_to_tranche(world):
    call = VentureCall.objects.get()
    application = VentureApplication.objects.get()
    reviewer = world.user("venture_reviewer")
    review = VentureReview.objects.get()
    assert list(VentureReview.objects.for_user(reviewer)) == [review]
    assert not VentureReview.objects.for_user(world.user("applicant")).exists()
    with pytest.raises(ValidationError):
        venture.score(by=reviewer, review=review, scores={"需求": 50, "可行": 30})  # still open
    street = world.user("street_admin")
    venture.close_applications(by=street, call=call)
    with pytest.raises(ValidationError):
        venture.score(by=reviewer, review=review, scores={"需求": 61, "可行": 30})
    with pytest.raises(PermissionDenied):
        venture.score(by=street, review=review, scores={"需求": 50, "可行": 30})
    venture.score(by=reviewer, review=review, scores={"需求": 50, "可行": 30})
    (ranked,) = venture.rank_and_notice(by=street, call=call)
    assert ranked.state == "awarded" and ranked.rank == 1 and ranked.score == 80
    venture.sign_agreement(by=street, application=ranked)
    tranche = venture.request_tranche(by=street, application=ranked, amount=15_000 * YUAN)
    with pytest.raises(ValidationError):
        venture.request_tranche(by=street, application=ranked, amount=15_001 * YUAN)
    services.approve_expenditure(by=world.user("county_admin"), expenditure=tranche)
    services.attach_invoices(
        by=street, expenditure=tranche, photos=prepare_photos([invoice_upload()])
    )
    paid = services.pay_expenditure(by=street, expenditure=tranche, invoice_numbers="No.9")
    assert paid.entries.get().counterparty == application.organisation
    venture.evaluate(by=street, application=ranked, stage="mid", text="按计划推进")
    done = venture.evaluate(by=street, application=ranked, stage="final", text="完成")
    assert done.state == "finished"


def test_caps_and_periods_are_rules(world):
    call = VentureCall.objects.get()
    with pytest.raises(ValidationError):
        venture.apply(
            by=world.user("applicant"),
            call=call,
            organisation="o",
            title="t",
            plan="p",
            amount=50_001 * YUAN,
            months=8,
        )
    with pytest.raises(ValidationError):
        venture.apply(
            by=world.user("applicant"),
            call=call,
            organisation="o",
            title="t",
            plan="p",
            amount=1_000 * YUAN,
            months=13,
        )
    with pytest.raises(ValidationError):
        venture.open_call(
            by=world.user("street_admin"),
            fund=call.fund,
            title="x",
            pool=100_000 * YUAN,
            cap=100_000 * YUAN,
            months_min=6,
            months_max=12,
            criteria=[{"name": "a", "points": 100}],
            apply_until=call.apply_until,
        )

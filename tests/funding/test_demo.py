"""The demo step fills the demo resident's community's funds (and runs once)."""

import pytest
from django.utils import timezone

from funding.models import (
    Disclosure,
    DisclosureQuestion,
    Expenditure,
    Fund,
    InvoicePhoto,
    LedgerEntry,
    Project,
)
from grid.demo import seed_demo


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.PORTAL_DEMO = True
    settings.PORTAL_DEMO_ACCOUNTS_FILE = tmp_path / "demo-accounts.json"
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_demo()


def test_the_demo_has_funds_a_project_a_paid_and_a_waiting_expenditure(demo):
    assert Fund.objects.filter(year=timezone.localdate().year).count() == 2
    project = Project.objects.get()
    assert project.state == Project.State.IMPLEMENTING and project.spent == 300_000
    paid = Expenditure.objects.get(state=Expenditure.State.RECONCILED)
    assert InvoicePhoto.objects.filter(expenditure=paid).count() == 1
    assert Expenditure.objects.filter(state=Expenditure.State.REQUESTED).count() == 1
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYMENT).count() == 1
    assert Disclosure.objects.filter(state=Disclosure.State.DUE).exists()
    if timezone.localdate().month > 3:  # a quarter of this year has closed
        assert Disclosure.objects.filter(state=Disclosure.State.PUBLISHED).count() == 1
        assert DisclosureQuestion.objects.filter(answer="").count() == 1
    seed_demo()
    assert Fund.objects.count() == 2 and Expenditure.objects.count() == 2


def test_the_demo_resident_reads_the_accounts_and_the_secretary_approves(demo, client):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    client.force_login(users.get(username="resident1"))
    html = client.get("/funding/").content.decode()
    assert "本社区账目" in html
    waiting = Expenditure.objects.get(state=Expenditure.State.REQUESTED)
    secretary = users.filter(
        posts__role="community_secretary", posts__community=waiting.community
    ).first()
    client.force_login(secretary)
    assert waiting.purpose in client.get("/funding/").content.decode()
    client.post(f"/funding/expenditures/{waiting.pk}/approve/", {"note": "同意"})
    waiting.refresh_from_db()
    assert waiting.state == Expenditure.State.APPROVED

"""The demo step fills the demo resident's community's funds and the breadth the issue
asks for: every source for every community for two years, every expenditure state, a
reversal, a project to its notice, published statements, a scored venture call,
admissions in every state and a task refused for having no funding (and runs once)."""

import pytest
from django.utils import timezone

from funding.models import (
    AdmissionApplication,
    BurdenReport,
    CommunityTask,
    Disclosure,
    DisclosureQuestion,
    Expenditure,
    Fund,
    InvoicePhoto,
    LedgerEntry,
    Project,
    Source,
    VentureApplication,
    VentureCall,
    VentureReview,
)
from grid.demo import seed_demo
from grid.models import Community


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.PORTAL_DEMO = True
    settings.PORTAL_DEMO_ACCOUNTS_FILE = tmp_path / "demo-accounts.json"
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_demo()


def test_the_demo_has_funds_a_project_a_paid_and_a_waiting_expenditure(demo):
    this_year = timezone.localdate().year
    communities = Community.objects.count()
    for year in (this_year - 1, this_year):  # every source, every community, two years
        assert Fund.objects.filter(year=year).count() == communities * len(Source.values)
    for community in Community.objects.all():
        assert set(
            Fund.objects.filter(community=community, year=this_year).values_list(
                "source", flat=True
            )
        ) == set(Source.values)
    first = Project.objects.get(title="老旧小区楼道扶手更换")
    assert first.state == Project.State.IMPLEMENTING and first.spent == 300_000
    assert Project.objects.filter(state=Project.State.NOTICED).count() == 1
    paid = Expenditure.objects.filter(state=Expenditure.State.RECONCILED)
    assert InvoicePhoto.objects.filter(expenditure__in=paid).exists()
    assert set(Expenditure.objects.values_list("state", flat=True)) == set(Expenditure.State.values)
    reversal = LedgerEntry.objects.get(kind=LedgerEntry.Kind.REVERSAL)
    assert reversal.reverses.expenditure.state == Expenditure.State.REVERSED
    assert Disclosure.objects.filter(state=Disclosure.State.DUE).exists()
    last_year = Disclosure.objects.filter(
        period_end__year=this_year - 1,
        cadence=Disclosure.Cadence.QUARTERLY,
        area=Disclosure.Area.FINANCE,
        state=Disclosure.State.PUBLISHED,
    )
    assert last_year.count() == 4
    if timezone.localdate().month > 3:  # a quarter of this year has closed
        assert (
            Disclosure.objects.filter(
                state=Disclosure.State.PUBLISHED, period_end__year=this_year
            ).count()
            == 1
        )
        assert DisclosureQuestion.objects.filter(answer="").count() == 1
    fund_count, spending = Fund.objects.count(), Expenditure.objects.count()
    seed_demo()
    assert Fund.objects.count() == fund_count and Expenditure.objects.count() == spending


def test_the_demo_has_a_scored_venture_call_and_admissions_in_every_state(demo):
    call = VentureCall.objects.get()
    assert call.state == VentureCall.State.NOTICED
    applications = list(call.applications.order_by("rank"))
    assert len(applications) == 3 and [a.rank for a in applications] == [1, 2, 3]
    assert all(r.scored_at for r in VentureReview.objects.all())
    assert VentureReview.objects.count() == 6
    assert sum(a.granted for a in applications) <= call.pool
    agreed = VentureApplication.objects.get(state=VentureApplication.State.AGREED)
    assert agreed.tranches.count() == 1
    assert set(AdmissionApplication.objects.values_list("state", flat=True)) == set(
        AdmissionApplication.State.values
    )
    refused = CommunityTask.objects.get(state=CommunityTask.State.REFUSED)
    assert refused.number == "" and refused.funding == 0 and "经费" in refused.reason
    assert CommunityTask.objects.filter(state=CommunityTask.State.FUNDED).count() == 1
    assert BurdenReport.objects.filter(anonymous=True, reporter=None).count() == 1
    assert BurdenReport.objects.filter(anonymous=False).exclude(reporter=None).count() == 1


def test_the_demo_county_admin_reads_the_dashboard_and_exports(demo, client):
    from django.contrib.auth import get_user_model

    county = get_user_model().objects.filter(posts__role="county_admin").first()
    client.force_login(county)
    html = client.get("/funding/admission/dashboard/").content.decode()
    assert "余姚市民政局" in html and "<svg" in html
    for kind in ("funds", "expenditures", "projects", "disclosures", "admissions", "venture"):
        assert client.get(f"/funding/export/{kind}.xlsx").status_code == 200, kind


def test_the_demo_resident_reads_the_accounts_and_the_secretary_approves(demo, client):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    client.force_login(users.get(username="resident1"))
    html = client.get("/funding/").content.decode()
    assert "本社区账目" in html
    waiting = Expenditure.objects.get(
        state=Expenditure.State.REQUESTED, purpose="便民服务窗口办公用品"
    )
    secretary = users.filter(
        posts__role="community_secretary", posts__community=waiting.community
    ).first()
    client.force_login(secretary)
    assert waiting.purpose in client.get("/funding/").content.decode()
    client.post(f"/funding/expenditures/{waiting.pk}/approve/", {"note": "同意"})
    waiting.refresh_from_db()
    assert waiting.state == Expenditure.State.APPROVED

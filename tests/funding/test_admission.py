"""Admission of departments' work: no funding, no application; the list's tracks; the
joint meeting's decision within the period; the money into each community's ledger; a
community refuses a task without a number; anonymous burdens."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from funding import admission
from funding.models import AdmissionApplication, BurdenReport, CommunityTask, Fund

from .helpers import YUAN
from .world import admitted_survey, start_date

pytestmark = pytest.mark.django_db


def apply(world, **changes):
    fields = {
        "by": world.user("department_staff"),
        "department": "县民政局",
        "title": "养老服务需求调查",
        "description": "入户调查老人养老需求。",
        "deliverable": "survey",
        "targets": world.communities[:2],
        "frequency": "once",
        "months": 3,
        "hours_per_community": 20,
        "funding_per_community": 2_000 * YUAN,
        "transfer_plan": "批准后一次拨付",
        "starts_on": start_date(),
    }
    fields.update(changes)
    return admission.submit_application(**fields)


@pytest.mark.parametrize("funding", [0, None, ""])
def test_an_application_without_funding_is_refused(world, funding):
    before = AdmissionApplication.objects.count()
    with pytest.raises(ValidationError) as refused:
        apply(world, funding_per_community=funding)
    assert "funding_per_community" in refused.value.message_dict
    assert AdmissionApplication.objects.count() == before


def test_lead_time_and_who_applies(world):
    with pytest.raises(ValidationError):
        apply(world, starts_on=timezone.localdate() + datetime.timedelta(days=10))
    with pytest.raises(PermissionDenied):
        apply(world, by=world.user("community_worker"))


def test_tracks_from_the_list(world):
    listed = apply(world, title="居民满意度调查问卷")
    assert listed.track == "fast" and listed.item.code == "A03"
    assert listed.duplicate_of is not None  # the world's admitted survey
    prohibited = apply(world, title="社区创建评比排名", deliverable="ranking")
    assert prohibited.state == "rejected" and "禁止" in prohibited.decision_note
    other = apply(world, title="垃圾分类宣传", deliverable="meeting")
    assert other.track == "normal" and other.item is None


def test_the_department_sees_only_its_own(world):
    mine = apply(world)
    staff = world.user("department_staff")
    assert set(AdmissionApplication.objects.for_user(staff)) >= {mine}
    assert not AdmissionApplication.objects.for_user(world.user("community_secretary")).exists()


def test_approval_puts_the_money_into_each_communitys_ledger(world):
    application = AdmissionApplication.objects.get(state="approved")
    assert application.number.startswith("ZR-")
    tasks = CommunityTask.objects.filter(application=application)
    assert tasks.count() == 2
    task = tasks.get(community=world.communities[0])
    task = admission.confirm_transfer(by=world.user("community_secretary"), task=task)
    assert task.state == "funded"
    fund = Fund.objects.get(community=world.communities[0], source="admitted")
    assert fund.budget == 2_000 * YUAN
    assert task.entry.memo.startswith(application.number)
    with pytest.raises(PermissionDenied):
        admission.confirm_transfer(
            by=world.user("community_secretary"),
            task=tasks.get(community=world.communities[1]),
        )
    with pytest.raises(ValidationError):
        admission.refuse_task(by=world.user("community_secretary"), task=task)


def test_a_community_refuses_a_task_without_a_number(world):
    secretary = world.user("community_secretary")
    task = admission.register_task(
        by=secretary, community=world.communities[0], department="某局", title="每周报表"
    )
    assert task.state == "arrived" and not task.number
    refused = admission.refuse_task(by=secretary, task=task)
    assert refused.state == "refused"


def test_decisions_after_the_deadline_need_an_extension(world):
    application = apply(world, title="社区安全检查", deliverable="assessment")
    county = world.user("county_admin")
    AdmissionApplication.objects.filter(pk=application.pk).update(
        review_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    application.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        admission.decide(by=county, application=application, decision="approve", note="同意")
    assert application.review_due.isoformat() in " ".join(refused.value.messages)
    admission.extend_review(by=county, application=application, days=5, reason="补充材料")
    decided = admission.decide(
        by=county,
        application=application,
        decision="conditional",
        note="同意",
        conditions="限两季度",
    )
    assert decided.state == "conditional" and decided.number
    with pytest.raises(PermissionDenied):
        admission.decide(
            by=world.user("department_staff"),
            application=apply(world),
            decision="approve",
            note="x",
        )


def test_an_anonymous_burden_keeps_no_reporter(world):
    report = BurdenReport.objects.get()
    assert report.anonymous and report.reporter_id is None
    named = admission.report_burden(
        by=world.user("community_worker"),
        community=world.communities[0],
        department="某办",
        description="要求挂牌",
    )
    assert named.reporter_id == world.users["community_worker"].pk


def test_the_county_dashboard(world):
    data = admission.dashboard()
    assert data["per_department"][0]["department"] == "县统计局"
    assert data["per_department"][0]["funding"] == "4,000.00"
    assert data["burdens"] == 1
    assert data["workload"][0]["hours"] == 40


def test_admitted_survey_helper_is_reusable(world):
    second = admitted_survey(world, targets=[world.communities[2]], funding=500 * YUAN)
    assert second.tasks.get().funding == 500 * YUAN

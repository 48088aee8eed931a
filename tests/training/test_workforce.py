"""Compliance, qualifications, the career ladder, the talent pool and the appraisal."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.notify.models import OutboxMessage
from grid.models import ServiceRequest
from training import compliance, services
from training.models import Attendance, Compliance, CourseKind, Enrolment, Rating

from .helpers import make_course, make_session, post_of

pytestmark = pytest.mark.django_db


def attended(world, name, hours, *, kind=CourseKind.ANNUAL, node=None, complete=True):
    user = world.user(name)
    course = make_course(node if node is not None else world.streets[0], kind=kind, audience=[])
    session = make_session(course, days=-1, hours=Decimal(hours))
    enrolment = Enrolment.objects.create(course=course, user=user, post=post_of(user))
    Attendance.objects.create(
        enrolment=enrolment,
        session=session,
        user=user,
        status="present",
        method="qr",
        on=timezone.localdate(),
        hours=Decimal(hours),
    )
    if complete:
        Enrolment.objects.filter(pk=enrolment.pk).update(
            state="completed", completed_on=timezone.localdate()
        )
    return enrolment


def test_secretary_behind_on_56_hours_shows_on_her_board(world):
    attended(world, "community_secretary", 20)
    attended(world, "community_worker", 40, kind=CourseKind.PRE_JOB)
    written = compliance.compute_compliance()
    assert written >= 5
    secretary = Compliance.objects.get(user=world.users["community_secretary"])
    assert secretary.quota == 56 and secretary.hours == 20
    assert {"hours", "county_level", "pre_job"} <= set(secretary.needs)
    worker = Compliance.objects.get(user=world.users["community_worker"])
    assert worker.quota == 32 and "hours" not in worker.needs and "pre_job" not in worker.needs
    assert Compliance.objects.get(user=world.users["street_admin"]).quota == 90
    board = compliance.board(world.user("community_secretary"), year=timezone.localdate().year)
    names = {row.user.username for row in board["behind"]}
    assert "community_secretary" in names
    assert board["total"] == sum(board["counts"].values())
    assert all(row.community_id == world.communities[0].pk for row in board["behind"])
    other = compliance.board(world.user("other_street_admin"), year=timezone.localdate().year)
    assert "community_secretary" not in {row.user.username for row in other["behind"]}


def test_the_nightly_sweep_computes_once_a_day(world):
    now = timezone.localtime().replace(hour=2)
    assert compliance.nightly(now) > 0
    assert compliance.nightly(now) == 0


def test_alerts_reach_the_worker_and_her_superior(world):
    compliance.compute_compliance()
    december = datetime.date(timezone.localdate().year, 12, 1)
    Compliance.objects.update(status="behind")
    assert compliance.send_alerts(december) > 0
    told = set(
        OutboxMessage.objects.filter(dedupe_key__contains="training:compliance").values_list(
            "recipient__username", flat=True
        )
    )
    assert {"community_worker", "community_secretary", "street_admin"} <= told


def test_qualification_due_in_60_days_raises_an_alert(world):
    post = post_of(world.user("community_worker"))
    today = timezone.localdate()
    qualification = services.register_qualification(
        by=world.user("community_secretary"),
        post=post,
        level="assistant",
        registered_on=today.replace(year=today.year - 3) + datetime.timedelta(days=60),
    )
    assert (qualification.expires_on - today).days in (59, 60, 61)
    assert services.send_qualification_alerts(today) == 1
    assert services.send_qualification_alerts(today) == 0
    with pytest.raises(ValidationError, match="72"):
        services.renew_qualification(
            by=world.user("community_secretary"), qualification=qualification
        )


def test_grade_outside_the_band_is_refused(world):
    post = post_of(world.user("community_worker"))
    with pytest.raises(ValidationError):
        services.set_grade(
            by=world.user("community_secretary"), post=post, ladder="other", grade=13, reason="x"
        )
    record = services.set_grade(
        by=world.user("community_secretary"), post=post, ladder="other", grade=5, reason="考核优秀"
    )
    assert record.approved_by == post_of(world.user("community_secretary"))
    with pytest.raises(ValidationError):
        services.set_grade(
            by=world.user("community_secretary"), post=post, ladder="head", grade=6, reason="x"
        )


def test_nomination_once_into_the_pool(world):
    post = post_of(world.user("community_worker"))
    by = world.user("community_secretary")
    nomination = services.nominate(by=by, post=post, reason="业务骨干", plan="轮岗一年")
    with pytest.raises(ValidationError):
        services.nominate(by=by, post=post, reason="again")
    assert services.decide_nomination(by=by, nomination=nomination, accept=True).state == "in_pool"


def test_one_rating_per_resident_worker_and_campaign(world):
    campaign = services.open_campaign(
        by=world.user("community_secretary"), community=world.communities[0], year=2026
    )
    grid_post = post_of(world.user("grid_member"))
    resident = world.user("resident")
    services.rate_in_campaign(user=resident, campaign=campaign, worker_post=grid_post, score=4)
    with pytest.raises(ValidationError):
        services.rate_in_campaign(user=resident, campaign=campaign, worker_post=grid_post, score=5)
    with pytest.raises(ValidationError):
        services.rate_in_campaign(
            user=world.user("outsider"), campaign=campaign, worker_post=grid_post, score=5
        )
    with pytest.raises(ValidationError):
        services.rate_in_campaign(user=resident, campaign=campaign, worker_post=grid_post, score=9)
    results = services.campaign_results(campaign)
    assert results["count"] == 1 and results["average"] == Decimal("4.00")
    assert "rater" not in results["workers"][0] and "rater_id" not in results["workers"][0]


def test_resident_rates_the_grid_member_after_her_request_is_closed(world):
    request = ServiceRequest.objects.get(reporter_user=world.users["resident"])
    with pytest.raises(ValidationError):
        services.rate_after_request(user=world.user("resident"), request=request, score=5)
    ServiceRequest.objects.filter(pk=request.pk).update(
        state="closed", handler_user=world.users["grid_member"]
    )
    request.refresh_from_db()
    rating = services.rate_after_request(user=world.user("resident"), request=request, score=5)
    assert rating.worker_id == world.users["grid_member"].pk
    with pytest.raises(ValidationError):
        services.rate_after_request(user=world.user("resident"), request=request, score=4)
    assert services.worker_rating(world.user("grid_member"))["average"] == Decimal("5.00")
    assert Rating.objects.count() == 1

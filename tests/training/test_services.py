"""Courses, sessions, enrolment, QR attendance, the leave rule, make-ups, completion."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.certificates.models import Certificate
from core.checkin import current_code
from grid.permissions import Role
from training import services
from training.models import Attendance, Course, CourseKind, Enrolment, EnrolmentEvent, Span

from .helpers import at

pytestmark = pytest.mark.django_db


def street_course(world, **extra):
    options = {
        "title": "2026年社区工作者年度培训",
        "kind": CourseKind.ANNUAL,
        "year": timezone.localdate().year,
        "audience": [Role.COMMUNITY_WORKER, Role.GRID_MEMBER],
    }
    options.update(extra)
    return services.create_course(by=world.user("street_admin"), node=world.streets[0], **options)


def half_day(world, course, days=0, hour=9):
    return services.add_session(
        by=world.user("street_admin"),
        course=course,
        starts_at=at(days, hour),
        ends_at=at(days, hour + 3),
        span=Span.HALF_DAY,
        place="街道党群服务中心",
        trainer="王老师",
    )


def test_street_organises_a_course_with_the_rules_hours(world):
    course = street_course(world)
    assert course.street == world.streets[0] and course.community is None
    session = half_day(world, course)
    assert session.hours == Decimal(4) and session.street_id == course.street_id
    day = services.add_session(
        by=world.user("street_admin"),
        course=course,
        starts_at=at(1, 9),
        ends_at=at(1, 17),
        span=Span.FULL_DAY,
        hours=Decimal(8),
        place="县委党校",
    )
    assert day.hours == 8
    hourly = services.add_session(
        by=world.user("street_admin"),
        course=course,
        starts_at=at(2, 14),
        ends_at=at(2, 16, 30) if False else at(2, 16),
        span=Span.HOURS,
        online_link="https://meeting.example.cn/1",
    )
    assert hourly.hours == 2
    course.refresh_from_db()
    assert course.hours == 14
    assert [e.action for e in course.events.all()][:2] == ["create", "add_session"]


def test_hours_that_do_not_match_the_rule_are_refused(world):
    course = street_course(world)
    with pytest.raises(ValidationError) as refused:
        services.add_session(
            by=world.user("street_admin"),
            course=course,
            starts_at=at(0, 9),
            ends_at=at(0, 12),
            span=Span.HALF_DAY,
            hours=Decimal(3),
            place="x",
        )
    assert "4" in str(refused.value)
    course.refresh_from_db()
    assert course.hours == 0 and not course.sessions.exists()


def test_a_community_cannot_organise_for_the_street(world):
    with pytest.raises(PermissionDenied):
        services.create_course(
            by=world.user("community_secretary"),
            node=world.streets[0],
            title="x",
            kind=CourseKind.ANNUAL,
            year=2026,
        )
    assert not Course.objects.exists()


def test_bulk_enrolment_of_a_community_with_a_waiting_list(world):
    course = street_course(world, capacity=1)
    half_day(world, course, days=3)
    counts = services.enrol_audience(
        by=world.user("street_admin"), course=course, node=world.communities[0]
    )
    assert counts == {"enrolled": 1, "waitlisted": 1, "skipped": 0}
    course.refresh_from_db()
    assert course.enrolled == 1
    first = Enrolment.objects.get(course=course, state="enrolled")
    waiting = Enrolment.objects.get(course=course, state="waitlisted")
    services.withdraw(by=first.user, enrolment=first, reason="生病")
    waiting.refresh_from_db()
    assert waiting.state == "enrolled"
    assert [e.action for e in waiting.events.all()] == ["enrol", "promote"]
    again = services.enrol_audience(by=world.user("street_admin"), course=course)
    assert again["skipped"] == 1


def test_learner_enrols_herself_only_where_the_course_is_open(world):
    course = street_course(world)
    worker = world.user("community_worker")
    with pytest.raises(ValidationError):
        services.enrol(by=worker, course=course)
    Course.objects.filter(pk=course.pk).update(open_enrolment=True)
    course.refresh_from_db()
    enrolment = services.enrol(by=worker, course=course)
    assert enrolment.state == "enrolled" and enrolment.community_id == world.communities[0].pk
    with pytest.raises(ValidationError):
        services.enrol(by=worker, course=course)
    assert Enrolment.objects.filter(course=course).count() == 1


def test_someone_outside_the_audience_is_refused(world):
    course = street_course(world, open_enrolment=True)
    with pytest.raises(ValidationError):
        services.enrol(by=world.user("street_admin"), course=course, user=world.user("outsider"))


def enrolled(world, course, name):
    return services.enrol(by=world.user("street_admin"), course=course, user=world.user(name))


def test_qr_check_in_present_then_late(world):
    course = street_course(world)
    session = half_day(world, course, days=0, hour=timezone.localtime().hour)
    worker = enrolled(world, course, "community_worker")
    code = current_code(services.CHECKIN_PURPOSE, session.pk)
    attendance = services.check_in(user=world.user("community_worker"), session=session, code=code)
    assert attendance.status in {"present", "late"} and attendance.hours == 4
    worker.refresh_from_db()
    assert worker.hours_credited == 4
    with pytest.raises(ValidationError):
        services.check_in(user=world.user("community_worker"), session=session, code=code)
    assert Attendance.objects.filter(session=session).count() == 1


def test_check_in_refusals_change_nothing(world):
    course = street_course(world)
    session = half_day(world, course, days=0, hour=timezone.localtime().hour)
    enrolled(world, course, "community_worker")
    code = current_code(services.CHECKIN_PURPOSE, session.pk)
    with pytest.raises(ValidationError, match="没有报名|未报名|not enrolled"):
        services.check_in(user=world.user("grid_member"), session=session, code=code)
    stale = current_code(
        services.CHECKIN_PURPOSE, session.pk, at=timezone.now() - datetime.timedelta(minutes=10)
    )
    with pytest.raises(ValidationError):
        services.check_in(user=world.user("community_worker"), session=session, code=stale)
    services.close_session(by=world.user("street_admin"), session=session)
    with pytest.raises(ValidationError):
        services.check_in(user=world.user("community_worker"), session=session, code=code)
    assert Attendance.objects.get(session=session).status == "absent"


def test_absence_withdraws_above_a_seventh_and_offers_the_make_up(world):
    course = street_course(world)
    first = half_day(world, course, days=-2)
    second = half_day(world, course, days=-1)
    makeup = street_course(world, title="补训班", kind=CourseKind.MAKE_UP)
    half_day(world, makeup, days=7)
    present = enrolled(world, course, "community_worker")
    absent = enrolled(world, course, "grid_member")
    admin = world.user("street_admin")
    for session in (first, second):
        services.mark_attendance(by=admin, session=session, enrolment=present, status="present")
    services.close_session(by=admin, session=first)
    absent.refresh_from_db()
    # 4 of 8 hours missed is above 1/7: withdrawn, and offered the make-up course.
    assert absent.state == "withdrawn"
    offer = Enrolment.objects.get(course=makeup, user=absent.user)
    assert offer.makeup_for == absent and offer.state == "enrolled"
    services.close_session(by=admin, session=second)
    with pytest.raises(ValidationError):
        services.mark_attendance(by=admin, session=second, enrolment=present, status="absent")
    done = services.complete_enrolment(by=admin, enrolment=present)
    assert done.state == "completed" and done.hours_credited == 8
    certificate = done.certificate
    assert certificate.number.startswith("YY-") and certificate.holder == present.user
    assert EnrolmentEvent.objects.filter(enrolment=present, action="complete").exists()


def test_completion_needs_closed_sessions_and_a_passed_assessment(world):
    course = street_course(world, assessment="score", pass_mark=60)
    session = half_day(world, course, days=-1)
    learner = enrolled(world, course, "community_worker")
    admin = world.user("street_admin")
    services.mark_attendance(by=admin, session=session, enrolment=learner, status="late")
    with pytest.raises(ValidationError):
        services.complete_enrolment(by=admin, enrolment=learner, score=80)
    services.close_session(by=admin, session=session)
    with pytest.raises(ValidationError):
        services.complete_enrolment(by=admin, enrolment=learner)
    failed = services.complete_enrolment(by=admin, enrolment=learner, score=50)
    assert failed.state == "failed" and failed.certificate is None
    with pytest.raises(ValidationError):
        services.issue_training_certificate(by=admin, enrolment=failed)
    assert not Certificate.objects.filter(kind="training").exists()  # (others: other apps)


def test_certificate_verifies_without_login(world, client):
    course = street_course(world)
    session = half_day(world, course, days=-1)
    learner = enrolled(world, course, "community_worker")
    admin = world.user("street_admin")
    services.mark_attendance(by=admin, session=session, enrolment=learner, status="present")
    services.close_session(by=admin, session=session)
    done = services.complete_enrolment(by=admin, enrolment=learner)
    page = client.get(f"/verify/{done.certificate.number}/")
    assert page.status_code == 200 and course.title in page.content.decode()


def test_reminders_go_out_once(world):
    course = street_course(world)
    session = half_day(world, course, days=1)
    enrolled(world, course, "community_worker")
    assert services.send_reminders(now=session.starts_at - datetime.timedelta(hours=3)) >= 1
    assert services.send_reminders(now=session.starts_at - datetime.timedelta(hours=2)) == 0

"""Bad input on the pages: a translated 4xx (400 for the input, 409 for the state), the
reason shown, and nothing changed."""

import pytest
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext, override

from core.checkin import current_code
from training import services
from training.models import Attendance, Course, Enrolment, Session

from .helpers import make_course, make_session

pytestmark = pytest.mark.django_db


def said(text: str, answer) -> bool:
    """Whether the page shows ``text`` in Chinese (the catalogue's translation)."""
    with override("zh-hans"):
        translated = gettext(text)
    assert translated != text, f"no Chinese for {text!r}"
    return escape(translated) in answer.content.decode()


def enrolled(world, **session):
    course = make_course(world.streets[0])
    held = make_session(course, **session)
    enrolment = services.enrol(
        by=world.user("street_admin"), course=course, user=world.user("community_worker")
    )
    return course, held, enrolment


def test_attendance_after_the_session_is_closed(client, world):
    course, held, enrolment = enrolled(world, days=-1)
    services.close_session(by=world.user("street_admin"), session=held)
    before = list(Attendance.objects.values_list("pk", "status"))
    client.force_login(world.user("street_admin"))
    answer = client.post(
        f"/training/sessions/{held.pk}/", {"enrolment": enrolment.pk, "status": "present"}
    )
    assert answer.status_code == 409
    assert said("Attendance of this session is closed.", answer)
    assert list(Attendance.objects.values_list("pk", "status")) == before


def test_check_in_with_an_expired_code_or_not_enrolled(client, world):
    course, held, enrolment = enrolled(world, days=0, hour=timezone.localtime().hour)
    client.force_login(world.user("community_worker"))
    stale = client.post(f"/training/sessions/{held.pk}/checkin/", {"code": "000000"})
    assert stale.status_code == 400
    assert said("This code has expired or is wrong: scan the code on the screen.", stale)
    client.force_login(world.user("community_secretary"))  # sees the session, not enrolled
    code = current_code(services.CHECKIN_PURPOSE, held.pk)
    stranger = client.post(f"/training/sessions/{held.pk}/checkin/", {"code": code})
    assert stranger.status_code in (400, 404)
    if stranger.status_code == 400:
        assert said("You are not enrolled in this course.", stranger)
    assert not Attendance.objects.exists()


def test_hours_that_do_not_match_the_rule(client, world):
    course = make_course(world.streets[0])
    client.force_login(world.user("street_admin"))
    answer = client.post(
        f"/training/courses/{course.pk}/",
        {
            "step": "session",
            "starts_at": "2026-12-20T09:00",
            "ends_at": "2026-12-20T12:00",
            "span": "half_day",
            "hours": "6",
            "place": "报告厅",
        },
    )
    assert answer.status_code == 400
    with override("zh-hans"):
        reason = gettext("The rule credits %(expected)s hours for this session, not %(given)s.")
    assert escape(reason % {"expected": "4", "given": "6"}) in answer.content.decode()
    nonsense = client.post(
        f"/training/courses/{course.pk}/",
        {"step": "session", "starts_at": "x", "ends_at": "y", "span": "half_day"},
    )
    assert nonsense.status_code == 400
    assert not Session.objects.filter(course=course).exists()
    course.refresh_from_db()
    assert course.hours == 0


def test_a_certificate_without_completion(client, world):
    course, held, enrolment = enrolled(world, days=1)
    client.force_login(world.user("street_admin"))
    answer = client.post(
        f"/training/courses/{course.pk}/", {"step": "complete", "enrolment": enrolment.pk}
    )
    assert answer.status_code == 400
    enrolment.refresh_from_db()
    assert (enrolment.state, enrolment.certificate_id) == ("enrolled", None)


def test_a_course_with_a_wrong_kind_or_capacity(client, world):
    client.force_login(world.user("street_admin"))
    before = Course.objects.count()
    for data in (
        {"title": "培训", "kind": "holiday", "node": f"street:{world.streets[0].pk}"},
        {"title": "培训", "kind": "annual", "capacity": "99999"},
    ):
        answer = client.post("/training/courses/", data)
        assert answer.status_code == 400, data
    assert Course.objects.count() == before


def test_enrolling_oneself_in_a_closed_course(client, world):
    course = make_course(world.streets[0], open_enrolment=True)
    make_session(course, days=3)
    Course.objects.filter(pk=course.pk).update(state=Course.State.FINISHED)
    client.force_login(world.user("grid_member"))
    answer = client.post(f"/training/courses/{course.pk}/enrol/")
    assert answer.status_code in (400, 404, 409)
    assert not Enrolment.objects.filter(course=course).exists()

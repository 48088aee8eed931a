"""The demo step fills the demo street's training (and runs once)."""

import pytest
from django.contrib.auth import get_user_model

from grid.demo import seed_demo
from training.models import Attendance, Course, Enrolment, Session


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.PORTAL_DEMO = True
    settings.PORTAL_DEMO_ACCOUNTS_FILE = tmp_path / "demo-accounts.json"
    seed_demo()


def test_the_demo_has_a_course_a_held_session_and_one_ahead(demo):
    course = Course.objects.get()
    sessions = list(Session.objects.filter(course=course).order_by("starts_at"))
    assert len(sessions) == 2
    held = sessions[0]
    enrolled = Enrolment.objects.filter(course=course).count()
    assert enrolled >= 5
    marks = Attendance.objects.filter(session=held)
    assert marks.count() == enrolled  # every learner has a mark once closed
    assert marks.filter(status="present").count() >= 3 and marks.filter(status="excused").exists()
    seed_demo()
    assert Course.objects.count() == 1 and Session.objects.count() == 2


def test_a_demo_learner_sees_the_hours_and_the_session_ahead(demo):
    from django.test import Client

    present = Attendance.objects.filter(status="present").select_related("user").first()
    client = Client()
    client.force_login(get_user_model().objects.get(pk=present.user_id))
    html = client.get("/training/").content.decode()
    assert Course.objects.get().title in html

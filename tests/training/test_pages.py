"""The pages: my training, check in by the QR link, the archive, the workbench."""

import pytest
from django.utils import timezone

from core.checkin import current_code
from training import compliance, services
from training.models import Attendance, Campaign

from .helpers import make_course, make_session, post_of

pytestmark = pytest.mark.django_db


def test_my_training_page(client, world):
    course = make_course(world.streets[0])
    make_session(course, days=1)
    services.enrol(by=world.user("street_admin"), course=course, user=world.user("grid_member"))
    client.force_login(world.user("grid_member"))
    html = client.get("/training/").content.decode()
    assert course.title in html and "my-sessions" in html


def test_scan_to_check_in_on_the_phone(client, world):
    course = make_course(world.streets[0])
    session = make_session(course, days=0, hour=timezone.localtime().hour)
    services.enrol(by=world.user("street_admin"), course=course, user=world.user("grid_member"))
    client.force_login(world.user("grid_member"))
    code = current_code(services.CHECKIN_PURPOSE, session.pk)
    page = client.get(f"/training/sessions/{session.pk}/checkin/?code={code}")
    assert page.status_code == 200 and code in page.content.decode()
    done = client.post(f"/training/sessions/{session.pk}/checkin/", {"code": code})
    assert done.status_code == 302
    assert Attendance.objects.filter(session=session).count() == 1
    stale = client.post(f"/training/sessions/{session.pk}/checkin/", {"code": "12"})
    assert stale.status_code == 400


def test_the_organiser_screen_shows_the_rotating_code(client, world):
    course = make_course(world.streets[0])
    session = make_session(course, days=0)
    services.enrol(by=world.user("street_admin"), course=course, user=world.user("grid_member"))
    client.force_login(world.user("street_admin"))
    html = client.get(f"/training/sessions/{session.pk}/").content.decode()
    assert "rotating-qr" in html and "attendance-sheet" in html
    assert client.get(f"/training/sessions/{session.pk}/?refresh=1").json()["code"]
    enrolment = session.course.enrolments.get()
    client.post(f"/training/sessions/{session.pk}/", {"enrolment": enrolment.pk, "status": "late"})
    assert Attendance.objects.get(session=session).status == "late"


def test_workbench_pages_and_export(client, world):
    course = make_course(world.streets[0])
    compliance.compute_compliance()
    client.force_login(world.user("street_admin"))
    assert course.title in client.get("/training/courses/").content.decode()
    assert client.get(f"/training/courses/{course.pk}/").status_code == 200
    board = client.get("/training/board/")
    assert board.status_code == 200 and "behind" in board.content.decode()
    export = client.get("/training/export/")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")
    created = client.post(
        "/training/courses/",
        {
            "title": "专题培训",
            "node": f"street:{world.streets[0].pk}",
            "kind": "topic",
            "year": "2026",
        },
    )
    assert created.status_code == 302


def test_a_learner_cannot_open_the_workbench(client, world):
    client.force_login(world.user("grid_member"))
    assert client.get("/training/board/").status_code == 404
    assert client.get("/training/courses/").status_code == 404


def test_archive_of_a_worker_for_her_secretary_only(client, world):
    worker = world.user("community_worker")
    client.force_login(world.user("community_secretary"))
    assert client.get(f"/training/archive/{worker.pk}/").status_code == 200
    client.force_login(world.user("other_street_admin"))
    assert client.get(f"/training/archive/{worker.pk}/").status_code == 404
    client.force_login(worker)
    assert client.get("/training/archive/").status_code == 200


def test_resident_rates_on_the_appraisal_page(client, world):
    campaign = Campaign.objects.create(community=world.communities[0], year=2026, title="年度测评")
    post = post_of(world.user("grid_member"))
    client.force_login(world.user("resident"))
    assert "年度测评" in client.get(f"/training/appraisal/{campaign.pk}/").content.decode()
    client.post(f"/training/appraisal/{campaign.pk}/", {"post": post.pk, "score": "4"})
    client.force_login(world.user("community_secretary"))
    html = client.get(f"/training/appraisal/{campaign.pk}/").content.decode()
    assert "4.00" in html


def test_my_hours_against_my_quota_before_the_nightly_computation(client, world):
    from training.models import Compliance

    course = make_course(world.streets[0])
    session = make_session(course, days=-1)
    worker = world.user("grid_member")
    enrolment = services.enrol(by=world.user("street_admin"), course=course, user=worker)
    services.mark_attendance(
        by=world.user("street_admin"), session=session, enrolment=enrolment, status="present"
    )
    assert not Compliance.objects.filter(user=worker).exists()
    client.force_login(worker)
    hours = client.get("/training/").content.decode()
    assert 'data-testid="my-hours"' in hours
    assert '<span class="stat-value">4.0</span>' in hours  # attended
    assert '<span class="stat-value">32</span>' in hours  # a grid member's yearly quota
    assert not Compliance.objects.filter(user=worker).exists()  # a read writes nothing

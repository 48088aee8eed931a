"""The training API: organise, enrol, check in by code, assess; compliance; appraisal."""

import pytest
from django.utils import timezone

from core.checkin import current_code
from training import compliance, services
from training.models import Campaign, Course

from .helpers import make_course, make_session, post_of

pytestmark = pytest.mark.django_db
API = "/api/v1/training"


def signed_in(api_client, world, name):
    api_client.force_authenticate(world.user(name))
    return api_client


def test_street_creates_a_course_and_adds_a_session(api_client, world):
    client = signed_in(api_client, world, "street_admin")
    response = client.post(
        f"{API}/courses/",
        {
            "street": world.streets[0].pk,
            "title": "年度培训",
            "kind": "annual",
            "year": 2026,
            "audience": ["community_worker"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    course = response.json()["id"]
    wrong = client.post(
        f"{API}/courses/{course}/sessions/",
        {
            "starts_at": "2026-12-20T09:00:00+08:00",
            "ends_at": "2026-12-20T12:00:00+08:00",
            "span": "half_day",
            "hours": "3",
            "place": "党校",
        },
        format="json",
    )
    assert wrong.status_code in (400, 422) and "4" in str(wrong.json())
    right = client.post(
        f"{API}/courses/{course}/sessions/",
        {
            "starts_at": "2026-12-20T09:00:00+08:00",
            "ends_at": "2026-12-20T12:00:00+08:00",
            "span": "half_day",
            "place": "党校",
        },
        format="json",
    )
    assert right.status_code == 201 and right.json()["hours"] == "4.0"
    enrol = client.post(f"{API}/courses/{course}/enrol/", {}, format="json")
    assert enrol.status_code == 201 and enrol.json()["enrolled"] == 1


def test_other_street_cannot_see_the_course(api_client, world):
    course = make_course(world.streets[0])
    client = signed_in(api_client, world, "other_street_admin")
    assert client.get(f"{API}/courses/{course.pk}/").status_code == 404


def test_check_in_by_code_and_refusals(api_client, world):
    course = make_course(world.streets[0])
    session = make_session(course, days=0, hour=timezone.localtime().hour)
    services.enrol(by=world.user("street_admin"), course=course, user=world.user("grid_member"))
    client = signed_in(api_client, world, "grid_member")
    bad = client.post(f"{API}/sessions/{session.pk}/checkin/", {"code": "000000"}, format="json")
    assert bad.status_code in (400, 422)
    code = current_code(services.CHECKIN_PURPOSE, session.pk)
    ok = client.post(f"{API}/sessions/{session.pk}/checkin/", {"code": code}, format="json")
    assert ok.status_code == 201, ok.content
    again = client.post(f"{API}/sessions/{session.pk}/checkin/", {"code": code}, format="json")
    assert again.status_code == 409
    outsider = signed_in(api_client, world, "outsider")
    assert (
        outsider.post(f"{API}/sessions/{session.pk}/checkin/", {"code": code}, format="json")
    ).status_code == 404


def test_organiser_reads_the_code_a_learner_does_not(api_client, world):
    course = make_course(world.streets[0])
    session = make_session(course, days=0)
    assert signed_in(api_client, world, "street_admin").get(
        f"{API}/sessions/{session.pk}/code/"
    ).json()["code"] == current_code(services.CHECKIN_PURPOSE, session.pk)
    assert signed_in(api_client, world, "grid_member").get(
        f"{API}/sessions/{session.pk}/code/"
    ).status_code in (403, 409)


def test_a_worker_lists_only_her_enrolments(api_client, world):
    course = make_course(world.streets[0])
    services.enrol_audience(by=world.user("street_admin"), course=course)
    client = signed_in(api_client, world, "grid_member")
    rows = client.get(f"{API}/enrolments/").json()["results"]
    assert [r["learner"] for r in rows] == ["grid_member"]


def test_compliance_board(api_client, world):
    compliance.compute_compliance()
    client = signed_in(api_client, world, "community_secretary")
    board = client.get(f"{API}/compliance/board/").json()
    assert board["total"] >= 3
    assert client.get(f"{API}/compliance/board/?year=99999").status_code in (400, 422)


def test_resident_rates_once_and_sees_no_results(api_client, world):
    campaign = Campaign.objects.create(community=world.communities[0], year=2026, title="测评")
    post = post_of(world.user("grid_member"))
    client = signed_in(api_client, world, "resident")
    url = f"{API}/campaigns/{campaign.pk}/"
    assert (
        client.post(url + "rate/", {"post": post.pk, "score": 5}, format="json").status_code == 201
    )
    assert (
        client.post(url + "rate/", {"post": post.pk, "score": 4}, format="json").status_code == 409
    )
    assert client.get(url + "results/").status_code in (403, 409)
    secretary = signed_in(api_client, world, "community_secretary")
    results = secretary.get(url + "results/").json()
    assert results["count"] == 1 and "rater" not in str(results)


def test_enrolment_list_query_count_does_not_grow(api_client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from grid.permissions import Role

    from ..factories import UserFactory, attach

    course = make_course(world.streets[0], capacity=100)
    services.enrol_audience(by=world.user("street_admin"), course=course)
    client = signed_in(api_client, world, "street_admin")
    client.get(f"{API}/enrolments/")  # the role grants cached
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"{API}/enrolments/").status_code == 200
    for n in range(10):
        attach(Role.GRID_MEMBER, UserFactory(username=f"gm{n}"), world.grids[0])
    services.enrol_audience(by=world.user("street_admin"), course=course)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(f"{API}/enrolments/").json()["results"]) == 12
    assert len(many) == len(few)
    assert Course.objects.count() == 1

"""Residents' appraisal end to end on the pages: a request closed on the net asks its
reporter to rate who served her; she rates once (a second time is a 409 and changes
nothing); the yearly appraisal's average counts the appraisal's ratings and those
after closed requests of its year; nobody sees who rated what. And the make-up list."""

from decimal import Decimal

import pytest

from core.notify.models import OutboxMessage
from grid.models import ServiceRequest
from grid.services import requests as loop
from training import notices, services
from training.models import Attendance, Campaign, CourseKind, Enrolment, Rating

from .helpers import make_course, make_session, post_of

pytestmark = pytest.mark.django_db


def close_by_grid_member(world) -> ServiceRequest:
    """The world's request, registered, handled and closed by the grid member."""
    member = world.user("grid_member")
    request = ServiceRequest.objects.get(reporter_user=world.users["resident"])
    loop.register_request(user=member, request=request)
    loop.dispatch_request(user=member, request=request, handler_user=member)
    loop.start_request(user=member, request=request)
    loop.handle_request(user=member, request=request, result="已清理")
    loop.close_request(user=member, request=request)
    request.refresh_from_db()
    return request


def test_closing_a_request_asks_the_reporter_to_rate_who_served_her(world):
    request = ServiceRequest.objects.get(reporter_user=world.users["resident"])
    assert services.requests_to_rate(world.user("resident")) == []
    request = close_by_grid_member(world)
    asked = OutboxMessage.objects.filter(payload__kind=notices.RATE_SERVER)
    assert asked.count() == 1
    assert asked.get().payload["url"] == "/training/rate/"
    rows = services.requests_to_rate(world.user("resident"))
    assert [(r.pk, r.server.user_id, r.my_score) for r in rows] == [
        (request.pk, world.users["grid_member"].pk, None)
    ]


def test_the_resident_rates_once_on_the_page(client, world):
    request = close_by_grid_member(world)
    client.force_login(world.user("resident"))
    home = client.get("/training/").content.decode()
    assert "rate-invite" in home and "/training/rate/" in home
    page = client.get("/training/rate/")
    assert page.status_code == 200 and request.number in page.content.decode()
    bad = client.post("/training/rate/", {"request": request.pk, "score": "9"})
    assert bad.status_code == 400 and "请评 1 至 5 分" in bad.content.decode()
    assert not Rating.objects.filter(source="request").exists()
    done = client.post("/training/rate/", {"request": request.pk, "score": "4", "comment": "及时"})
    assert done.status_code == 302
    rating = Rating.objects.get(source="request")
    assert (rating.worker_id, rating.score, rating.source_id) == (
        world.users["grid_member"].pk,
        4,
        request.pk,
    )
    again = client.post("/training/rate/", {"request": request.pk, "score": "1"})
    assert again.status_code == 409 and "您已评价过该诉求" in again.content.decode()
    assert Rating.objects.filter(source="request").count() == 1
    assert Rating.objects.get(source="request").score == 4
    assert "rated-" in client.get("/training/rate/").content.decode()


def test_only_the_reporter_rates_and_only_after_closing(client, world):
    request = ServiceRequest.objects.get(reporter_user=world.users["resident"])
    client.force_login(world.user("resident"))
    early = client.post("/training/rate/", {"request": request.pk, "score": "5"})
    assert early.status_code == 409
    request = close_by_grid_member(world)
    client.force_login(world.user("outsider"))
    assert client.post("/training/rate/", {"request": request.pk, "score": "5"}).status_code == 404
    assert client.post("/training/rate/", {"request": "x' or 1", "score": "5"}).status_code == 404
    assert not Rating.objects.exists()


def test_the_yearly_appraisal_average_counts_ratings_after_requests(client, world):
    request = close_by_grid_member(world)
    secretary = world.user("community_secretary")
    campaign = services.open_campaign(
        by=secretary, community=world.communities[0], year=request.closed_at.year
    )
    grid_post = post_of(world.user("grid_member"))
    resident = world.user("resident")
    services.rate_in_campaign(user=resident, campaign=campaign, worker_post=grid_post, score=5)
    services.rate_after_request(user=resident, request=request, score=2, comment="回复慢了点")
    results = services.campaign_results(campaign)
    assert (results["count"], results["average"]) == (2, Decimal("3.50"))
    assert (results["campaign_count"], results["campaign_average"]) == (1, Decimal("5.00"))
    assert (results["request_count"], results["request_average"]) == (1, Decimal("2.00"))
    # Another year's appraisal does not count this year's request ratings.
    other = Campaign.objects.create(community=world.communities[0], year=2001, title="旧")
    assert services.campaign_results(other)["count"] == 0

    client.force_login(secretary)
    html = client.get(f"/training/appraisal/{campaign.pk}/").content.decode()
    assert "3.50" in html and 'data-testid="results"' in html
    assert "回复慢了点" not in html and request.reporter.name not in html
    client.force_login(resident)
    html = client.get(f"/training/appraisal/{campaign.pk}/").content.decode()
    assert "3.50" not in html
    again = client.post(f"/training/appraisal/{campaign.pk}/", {"post": grid_post.pk, "score": "1"})
    assert again.status_code == 409
    assert Rating.objects.filter(campaign=campaign).get().score == 5
    # The worker sees her own average in her archive.
    client.force_login(world.user("grid_member"))
    assert "3.50" in client.get("/training/archive/").content.decode()


def test_a_request_rating_stays_anonymous_in_the_api(api_client, world):
    request = close_by_grid_member(world)
    services.rate_after_request(user=world.user("resident"), request=request, score=4)
    campaign = Campaign.objects.create(
        community=world.communities[0], year=request.closed_at.year, title="测评"
    )
    api_client.force_authenticate(world.user("community_secretary"))
    results = api_client.get(f"/api/v1/training/campaigns/{campaign.pk}/results/").json()
    assert results["count"] == 1 and "rater" not in str(results)
    assert world.user("resident").username not in str(results)


def test_the_make_up_list_offers_a_make_up_course(client, world):
    street_admin = world.user("street_admin")
    course = make_course(world.streets[0])
    session = make_session(course, days=-1)
    worker = world.user("community_worker")
    enrolment = services.enrol(by=street_admin, course=course, user=worker)
    services.close_session(by=street_admin, session=session)
    assert Attendance.objects.get(enrolment=enrolment).status == "absent"
    client.force_login(street_admin)
    page = client.get("/training/make-up/").content.decode()
    assert f"offer-{enrolment.pk}" in page
    nothing = client.post("/training/make-up/", {"enrolment": enrolment.pk})
    assert nothing.status_code == 302
    assert not Enrolment.objects.filter(makeup_for=enrolment).exists()
    makeup = make_course(world.streets[0], kind=CourseKind.MAKE_UP, title="补训班")
    make_session(makeup, days=5)
    assert client.post("/training/make-up/", {"enrolment": enrolment.pk}).status_code == 302
    offered = Enrolment.objects.get(makeup_for=enrolment)
    assert offered.course_id == makeup.pk
    page = client.get("/training/make-up/").content.decode()
    assert f"makeup-{enrolment.pk}" in page and "补训班" in page
    Enrolment.objects.filter(makeup_for=enrolment).delete()
    client.force_login(worker)  # reads her community's list, offers nothing
    page = client.get("/training/make-up/").content.decode()
    assert f"missed-{enrolment.pk}" in page and f"offer-{enrolment.pk}" not in page
    assert client.post("/training/make-up/", {"enrolment": enrolment.pk}).status_code == 404
    assert not Enrolment.objects.filter(makeup_for=enrolment).exists()
    client.force_login(world.user("grid_member"))
    assert client.get("/training/make-up/").status_code == 404


def test_the_requests_to_rate_cost_the_same_queries_however_many(world, django_assert_num_queries):
    """Who served each request is found for all of them at once (events, then posts),
    not per request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = close_by_grid_member(world)
    resident = world.user("resident")
    with CaptureQueriesContext(connection) as one:
        assert len(services.requests_to_rate(resident)) == 1
    for n in range(3):  # three more closed requests, each with its timeline
        copy = ServiceRequest.objects.get(pk=first.pk)
        copy.pk = None
        copy.number = f"{first.number[:16]}X{n}"
        copy.save()
        for event in first.events.all():
            event.pk = None
            event.request = copy
            event.save()
    resident = world.user("resident")
    with django_assert_num_queries(len(one.captured_queries)):
        rows = services.requests_to_rate(resident)
    assert len(rows) == 4
    assert {r.server.user_id for r in rows} == {world.users["grid_member"].pk}

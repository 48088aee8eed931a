"""Phone return visits (电话回访): the queue of closed, unrated requests the next
working day after closure, and the answers: satisfied, basically satisfied,
unsatisfied (re-handled, counted as rework) or unreachable."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.workdays.calendar import WorkCalendar
from core.workdays.models import CalendarDay
from grid import services
from grid.models import RequestEvent, ReturnVisit, ServiceRequest
from grid.services.visits import visits_due_before

from .request_states import walk

QUEUE = reverse("grid:request-visits")
TZ = timezone.get_current_timezone()


def visit_url(item):
    return reverse("grid:request-visit", args=[item.pk])


@pytest.fixture
def closed(world):
    """The resident's request, closed by the grid member a week ago."""
    item = walk(world, ServiceRequest.objects.get(), worker="grid_member")
    week_ago = timezone.now() - datetime.timedelta(days=7)
    ServiceRequest.objects.filter(pk=item.pk).update(closed_at=week_ago)
    return ServiceRequest.objects.get(pk=item.pk)


def actions(item):
    return list(RequestEvent.objects.filter(request=item).values_list("action", flat=True))


def test_the_queue_lists_closed_unrated_requests_due_for_a_visit(world, client, closed):
    just_closed = walk(
        world,
        services.submit_request(
            user=world.user("resident"), category=closed.category, description="刚关"
        ),
        worker="grid_member",
    )
    client.force_login(world.users["grid_member"])
    response = client.get(QUEUE)
    assert response.status_code == 200
    assert [r.pk for r in response.context["requests"]] == [closed.pk]
    assert just_closed.pk not in [r.pk for r in response.context["requests"]]
    # Other parts of the net do not see it; the resident has no queue.
    client.force_login(world.users["other_street_admin"])
    assert not client.get(QUEUE).context["requests"]
    client.force_login(world.users["resident"])
    assert not client.get(QUEUE).context["requests"]


def test_a_satisfied_answer_rates_it_and_it_leaves_the_queue(world, client, closed):
    client.force_login(world.users["grid_member"])
    page = client.get(reverse("grid:request-detail", args=[closed.pk]))
    assert page.context["can_visit"]
    response = client.post(visit_url(closed), {"outcome": "satisfied", "note": "居民满意"})
    assert response.status_code == 302
    closed.refresh_from_db()
    assert (closed.state, closed.rating) == ("evaluated", 5)
    assert actions(closed)[-2:] == ["visit", "evaluate"]
    visit = ReturnVisit.objects.get()
    assert visit.visited_by == world.users["grid_member"] and visit.note == "居民满意"
    assert not client.get(QUEUE).context["requests"]
    page = client.get(reverse("grid:request-detail", args=[closed.pk]))
    assert not page.context["can_visit"] and len(page.context["visits"]) == 1


def test_basically_satisfied_is_four_stars(world, closed):
    item = services.record_return_visit(
        user=world.user("grid_member"), request=closed, outcome="basic"
    )
    assert (item.state, item.rating) == ("evaluated", 4)


def test_an_unsatisfied_answer_reopens_it_and_counts_as_rework(world, closed):
    member = world.user("grid_member")
    item = services.record_return_visit(
        user=member, request=closed, outcome="unsatisfied", note="问题还在"
    )
    assert (item.state, item.rating, item.rework_count) == ("in_progress", 2, 1)
    assert item.closed_at is None and item.handled_at is None
    assert actions(item)[-2:] == ["visit", "reopen"]
    # Re-handled and closed again: counted in the rework rate, and due for a visit again.
    services.handle_request(user=member, request=item, result="再次处理")
    item = services.close_request(user=member, request=item)
    kpis = ServiceRequest.objects.filter(pk=item.pk).kpis()
    assert kpis["reworked"] == 1 and kpis["rework_rate"] == 100.0
    # The first visit was before this closure: the request is due for a visit again.
    now = timezone.now()
    ReturnVisit.objects.update(at=now - datetime.timedelta(days=10))
    ServiceRequest.objects.filter(pk=item.pk).update(closed_at=now - datetime.timedelta(days=7))
    assert list(services.visit_queue(member)) == [item]


def test_unreachable_keeps_it_unrated_and_counted(world, client, closed):
    member = world.user("grid_member")
    item = services.record_return_visit(user=member, request=closed, outcome="unreachable")
    assert (item.state, item.rating) == ("closed", None)
    assert ReturnVisit.objects.filter(outcome="unreachable").count() == 1
    assert list(services.visit_queue(member)) == []
    client.force_login(world.users["grid_member"])
    counts = dict(client.get(QUEUE).context["visit_counts"])
    assert list(counts.values()) == [0, 0, 0, 1]
    # Still closed and unrated: another call may be recorded, and the resident may rate.
    services.record_return_visit(user=member, request=item, outcome="unreachable")
    assert ReturnVisit.objects.filter(request=item, outcome="unreachable").count() == 2
    item = services.evaluate_request(user=world.user("resident"), request=item, rating=5)
    assert item.state == "evaluated"


def test_only_the_handling_tier_visits(world, client, closed):
    for name in ("resident", "unit_staff", "other_street_admin"):
        with pytest.raises(PermissionDenied):
            services.record_return_visit(user=world.user(name), request=closed, outcome="satisfied")
    client.force_login(world.users["other_street_admin"])
    assert client.post(visit_url(closed), {"outcome": "satisfied"}).status_code == 404
    client.force_login(world.users["resident"])
    page = client.get(reverse("grid:request-detail", args=[closed.pk]))
    assert not page.context["can_visit"] and page.context["visits"] == []
    closed.refresh_from_db()
    assert closed.state == "closed" and not ReturnVisit.objects.exists()


def test_an_escalated_request_is_visited_by_the_community(world, closed):
    ServiceRequest.objects.filter(pk=closed.pk).update(level="community")
    closed.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.record_return_visit(
            user=world.user("grid_member"), request=closed, outcome="satisfied"
        )
    assert list(services.visit_queue(world.user("grid_member"))) == []
    worker = world.user("community_worker")
    assert list(services.visit_queue(worker)) == [closed]
    item = services.record_return_visit(user=worker, request=closed, outcome="satisfied")
    assert item.state == "evaluated"


def test_only_closed_unrated_requests_and_known_answers(world, client, closed):
    member = world.user("grid_member")
    with pytest.raises(ValidationError):
        services.record_return_visit(user=member, request=closed, outcome="delighted")
    client.force_login(world.users["grid_member"])
    response = client.post(visit_url(closed), {"outcome": "delighted"}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    rated = services.evaluate_request(user=world.user("resident"), request=closed, rating=4)
    with pytest.raises(ValidationError):
        services.record_return_visit(user=member, request=rated, outcome="satisfied")
    open_one = services.submit_request(
        user=world.user("resident"), category=closed.category, description="新的"
    )
    with pytest.raises(ValidationError):
        services.record_return_visit(user=member, request=open_one, outcome="satisfied")
    assert not ReturnVisit.objects.exists()


def test_a_visit_is_due_from_the_next_working_day(db):
    calendar = WorkCalendar({datetime.date(2026, 10, 1): False})  # a holiday, Thursday

    def due(*args):
        return visits_due_before(datetime.datetime(*args, tzinfo=TZ), calendar)

    midnight = datetime.time.min
    # Wednesday: closed before Wednesday.
    assert due(2026, 9, 30, 15) == datetime.datetime.combine(
        datetime.date(2026, 9, 30), midnight, tzinfo=TZ
    )
    # Thursday (holiday): still closed before Wednesday.
    assert due(2026, 10, 1, 9).date() == datetime.date(2026, 9, 30)
    # Saturday: before Friday.
    assert due(2026, 10, 3, 9).date() == datetime.date(2026, 10, 2)
    CalendarDay.objects.create(date=datetime.date(2026, 10, 10), is_workday=True, note="调休")
    assert visits_due_before(datetime.datetime(2026, 10, 10, 9, tzinfo=TZ)).date() == (
        datetime.date(2026, 10, 10)
    )

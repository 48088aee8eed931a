"""Service requests in their closed loop: the working calendar, every transition, who
may do it, illegal steps refused, overdue flags."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.workdays.calendar import WorkCalendar
from core.workdays.models import CalendarDay
from grid import services
from grid.models import Category, HandlingUnit, RequestEvent, ServiceRequest
from grid.permissions import Role

from ..factories import UserFactory, attach

TZ = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime.datetime(*args, tzinfo=TZ)


class TestWorkCalendar:
    # 2026-10-01 (Thu) to 10-07 are National Day holidays; Sat 10-10 is a make-up day.
    calendar = WorkCalendar(
        {datetime.date(2026, 10, d): False for d in range(1, 8)}
        | {datetime.date(2026, 10, 10): True}
    )

    def test_hours_within_a_morning(self):
        assert self.calendar.add_working_hours(at(2026, 9, 28, 9, 0), 2) == at(2026, 9, 28, 11, 0)

    def test_hours_skip_the_lunch_break(self):
        assert self.calendar.add_working_hours(at(2026, 9, 28, 11, 0), 2) == at(2026, 9, 28, 14, 30)

    def test_hours_across_a_weekend(self):
        friday_afternoon = at(2026, 9, 25, 17, 0)  # a Friday
        assert self.calendar.add_working_hours(friday_afternoon, 1) == at(2026, 9, 28, 9, 0)

    def test_hours_reported_at_night_start_next_morning(self):
        assert self.calendar.add_working_hours(at(2026, 9, 28, 22, 0), Decimal("1")) == at(
            2026, 9, 29, 9, 30
        )

    def test_days_across_the_holiday_and_the_make_up_day(self):
        # Reported Wed 09-30: day 1 is Thu 10-08, day 2 Fri 10-09, day 3 the make-up Sat 10-10.
        assert self.calendar.add_working_days(at(2026, 9, 30, 10, 0), 3) == at(2026, 10, 10, 17, 30)

    def test_holiday_hours_wait_for_the_first_working_day(self):
        assert self.calendar.add_working_hours(at(2026, 10, 2, 10, 0), 1) == at(2026, 10, 8, 9, 30)

    def test_calendar_days_come_from_the_database(self, db):
        CalendarDay.objects.create(date=datetime.date(2026, 12, 31), is_workday=False, note="test")
        calendar = WorkCalendar.load(datetime.date(2026, 12, 1))
        assert not calendar.is_workday(datetime.date(2026, 12, 31))
        assert calendar.is_workday(datetime.date(2026, 12, 30))


def _rubbish():
    return Category.objects.get(code="environment-rubbish")


def _post(api_client, user, path, data=None):
    api_client.force_authenticate(user)
    return api_client.post(path, data or {}, format="json")


def test_the_grid_level_loop_through_the_api(world, api_client):
    resident = world.user("resident")
    response = _post(
        api_client,
        resident,
        "/api/v1/requests/",
        {"category": _rubbish().pk, "description": "3幢门口垃圾三天没人清", "is_public": True},
    )
    assert response.status_code == 201, response.content
    request_id = response.json()["id"]
    base = f"/api/v1/requests/{request_id}"
    request = ServiceRequest.objects.get(pk=request_id)
    assert request.building_id == world.buildings[0].pk and request.grid_id == world.grids[0].pk
    assert request.due_register_at is not None
    member = world.user("grid_member")
    assert _post(api_client, member, f"{base}/register/").json()["state"] == "registered"
    assert ServiceRequest.objects.get(pk=request_id).due_handle_at is not None
    company = HandlingUnit.objects.create(name="物业公司", kind="property_company")
    staff = UserFactory(username="property-staff")
    attach(Role.UNIT_STAFF, staff, world.communities[0], company)
    response = _post(api_client, member, f"{base}/dispatch/", {"handler_unit": company.pk})
    assert response.status_code == 200 and response.json()["state"] == "dispatched"
    # The unit's staff now see and handle this one request (a guardian grant).
    staff = type(staff).objects.get(pk=staff.pk)
    api_client.force_authenticate(staff)
    assert [r["id"] for r in api_client.get("/api/v1/requests/").json()["results"]] == [request_id]
    assert _post(api_client, staff, f"{base}/start/").json()["state"] == "in_progress"
    response = _post(api_client, staff, f"{base}/handle/", {"result": "已清运"})
    assert response.json()["state"] == "handled"
    # The handler cannot close its own work; the grid member verifies and closes.
    assert _post(api_client, staff, f"{base}/close/").status_code == 403
    assert _post(api_client, member, f"{base}/close/").json()["state"] == "closed"
    # Only the reporter rates.
    assert _post(api_client, member, f"{base}/evaluate/", {"rating": 5}).status_code == 403
    response = _post(api_client, resident, f"{base}/evaluate/", {"rating": 5, "comment": "很快"})
    assert response.json()["state"] == "evaluated"
    actions = list(
        RequestEvent.objects.filter(request_id=request_id).values_list("action", flat=True)
    )
    assert actions == ["submit", "register", "dispatch", "start", "handle", "close", "evaluate"]
    timeline = api_client.get(f"{base}/").json()["events"]
    assert [e["to_state"] for e in timeline][-1] == "evaluated"


def test_an_unsatisfied_rating_reopens_the_request(world):
    request = ServiceRequest.objects.get()
    member = world.user("grid_member")
    services.register_request(user=member, request=request)
    services.dispatch_request(user=member, request=request, handler_user=member)
    services.start_request(user=member, request=request)
    services.handle_request(user=member, request=request, result="done")
    services.close_request(user=member, request=request)
    request = services.evaluate_request(user=world.user("resident"), request=request, rating=2)
    assert request.state == "in_progress" and request.rework_count == 1


def test_escalated_request_is_handled_by_the_street(world, api_client):
    request = ServiceRequest.objects.get()
    base = f"/api/v1/requests/{request.pk}"
    member, worker, street = (
        world.user("grid_member"),
        world.user("community_worker"),
        world.user("street_admin"),
    )
    assert _post(api_client, member, f"{base}/escalate/").status_code == 422  # a reason is needed
    assert (
        _post(api_client, member, f"{base}/escalate/", {"reason": "网格无法处理"}).json()["level"]
        == "community"
    )
    # Now the grid member may no longer register it; the community may.
    assert _post(api_client, member, f"{base}/register/").status_code == 403
    assert (
        _post(api_client, worker, f"{base}/escalate/", {"reason": "需街道协调"}).json()["level"]
        == "street"
    )
    assert _post(api_client, worker, f"{base}/register/").status_code == 403
    assert _post(api_client, street, f"{base}/register/").json()["state"] == "registered"
    assert _post(api_client, street, f"{base}/escalate/", {"reason": "x"}).status_code == 422


def test_the_escalated_street_level_loop_through_the_api(world, api_client):
    """Up two tiers, the street registers it, dispatches it to a department, which
    handles it; the street verifies and closes; the resident rates it."""
    resident = world.user("resident")
    response = _post(
        api_client,
        resident,
        "/api/v1/requests/",
        {"category": _rubbish().pk, "description": "主干道两侧垃圾成堆，涉及多个社区"},
    )
    base = f"/api/v1/requests/{response.json()['id']}"
    member, worker = world.user("grid_member"), world.user("community_worker")
    _post(api_client, member, f"{base}/escalate/", {"reason": "网格无法处理"})
    _post(api_client, worker, f"{base}/escalate/", {"reason": "需街道协调"})
    street = world.user("street_admin")
    assert _post(api_client, street, f"{base}/register/").json()["state"] == "registered"
    department = HandlingUnit.objects.create(name="综合行政执法局", kind="department")
    staff = UserFactory(username="department-staff")
    attach(Role.UNIT_STAFF, staff, world.streets[0], department)
    # Below the street, nobody may dispatch or close it any more.
    assert (
        _post(api_client, worker, f"{base}/dispatch/", {"handler_unit": department.pk}).status_code
        == 403
    )
    response = _post(api_client, street, f"{base}/dispatch/", {"handler_unit": department.pk})
    assert response.json()["state"] == "dispatched"
    staff = type(staff).objects.get(pk=staff.pk)
    assert _post(api_client, staff, f"{base}/start/").json()["state"] == "in_progress"
    assert (
        _post(api_client, staff, f"{base}/handle/", {"result": "已组织清运"}).json()["state"]
        == "handled"
    )
    assert _post(api_client, member, f"{base}/close/").status_code == 403
    assert _post(api_client, worker, f"{base}/close/").status_code == 403
    assert _post(api_client, street, f"{base}/close/").json()["state"] == "closed"
    response = _post(api_client, resident, f"{base}/evaluate/", {"rating": 4})
    assert response.json()["state"] == "evaluated" and response.json()["level"] == "street"
    actions = [e["action"] for e in api_client.get(f"{base}/").json()["events"]]
    assert actions == [
        "submit",
        "escalate",
        "escalate",
        "register",
        "dispatch",
        "start",
        "handle",
        "close",
        "evaluate",
    ]


@pytest.mark.parametrize(
    "step, data",
    [
        ("start", {}),
        ("handle", {"result": "x"}),
        ("close", {}),
        ("evaluate", {"rating": 4}),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(world, api_client, step, data):
    request = ServiceRequest.objects.get()
    before = ServiceRequest.objects.filter(pk=request.pk).values().get()
    user = world.user("resident" if step == "evaluate" else "grid_member")
    response = _post(api_client, user, f"/api/v1/requests/{request.pk}/{step}/", data)
    assert response.status_code == 409, response.content
    assert ServiceRequest.objects.filter(pk=request.pk).values().get() == before
    assert RequestEvent.objects.filter(request=request).count() == 1


def test_bad_submissions_are_clear_400s(world, api_client):
    resident = world.user("resident")
    parent = Category.objects.get(code="environment")
    cases = [  # 400: not the schema's input; 422: the schema's, refused by a rule
        ({"category": parent.pk, "description": "x"}, 422),
        ({"category": 99999, "description": "x"}, 422),
        ({"category": _rubbish().pk, "description": ""}, 400),
        ({"category": _rubbish().pk, "description": "x" * 4001}, 400),
        ({"category": _rubbish().pk, "description": "x", "building": world.buildings[4].pk}, 422),
    ]
    for payload, status in cases:
        response = _post(api_client, resident, "/api/v1/requests/", payload)
        assert response.status_code == status, (payload, response.content)
    assert ServiceRequest.objects.count() == 1


def test_outsiders_cannot_submit_and_see_nothing(world, api_client):
    outsider = world.user("outsider")
    response = _post(
        api_client, outsider, "/api/v1/requests/", {"category": _rubbish().pk, "description": "x"}
    )
    assert response.status_code == 403
    api_client.force_authenticate(outsider)
    assert api_client.get("/api/v1/requests/").json()["results"] == []


def test_grid_member_records_a_request_on_a_residents_behalf(world, api_client):
    resident = world.residents[2]
    response = _post(
        api_client,
        world.user("grid_member"),
        "/api/v1/requests/",
        {"category": _rubbish().pk, "description": "代办", "reporter": resident.pk},
    )
    assert response.status_code == 201, response.content
    request = ServiceRequest.objects.get(pk=response.json()["id"])
    assert request.reporter == resident and request.recorded_by == world.users["grid_member"]
    other = world.residents[6]
    response = _post(
        api_client,
        world.user("grid_member"),
        "/api/v1/requests/",
        {"category": _rubbish().pk, "description": "x", "reporter": other.pk},
    )
    assert response.status_code == 422


def test_residents_see_only_their_own_requests(world, api_client):
    api_client.force_authenticate(world.user("applicant"))
    assert api_client.get("/api/v1/requests/").json()["results"] == []
    request = ServiceRequest.objects.get()
    assert api_client.get(f"/api/v1/requests/{request.pk}/").status_code == 404


def test_overdue_flags_are_set_once(world):
    request = ServiceRequest.objects.get()
    later = request.due_register_at + datetime.timedelta(minutes=1)
    assert services.mark_overdue(now=later) == 1
    assert services.mark_overdue(now=later) == 0
    request.refresh_from_db()
    assert request.register_overdue


def test_request_list_query_count_does_not_grow(world, api_client):
    for i in range(30):
        services.submit_request(
            user=world.user("resident"), category=_rubbish(), description=f"n{i}"
        )
    counts = []
    for size in (2, 30):
        api_client.force_authenticate(world.user("grid_member"))
        api_client.get("/api/v1/requests/")
        api_client.force_authenticate(world.user("grid_member"))
        with CaptureQueriesContext(connection) as ctx:
            assert api_client.get("/api/v1/requests/", {"page_size": size}).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_kpis_per_community_through_the_api(world, api_client):
    member = world.user("grid_member")
    first = ServiceRequest.objects.get()
    services.register_request(user=member, request=first)
    services.dispatch_request(user=member, request=first, handler_user=member)
    services.start_request(user=member, request=first)
    services.handle_request(user=member, request=first, result="ok")
    services.close_request(user=member, request=first)
    services.evaluate_request(user=world.user("resident"), request=first, rating=5)
    second = services.submit_request(
        user=world.user("resident"), category=_rubbish(), description="b"
    )
    services.reject_request(user=member, request=second, reason="不属于本网格")
    services.submit_request(user=world.user("resident"), category=_rubbish(), description="c")
    api_client.force_authenticate(world.user("street_admin"))
    response = api_client.get("/api/v1/requests/kpis/", {"tier": "community"})
    assert response.status_code == 200, response.content
    data = response.json()
    total = data["total"]
    assert (total["received"], total["accepted"], total["closed"]) == (3, 2, 1)
    assert total["closure_rate"] == 50.0 and total["satisfaction_rate"] == 100.0
    assert total["on_time_closure_rate"] == 100.0
    assert [n["node_id"] for n in data["nodes"]] == [world.communities[0].pk]
    # The other street sees nothing of it.
    api_client.force_authenticate(world.user("other_street_admin"))
    assert api_client.get("/api/v1/requests/kpis/").json()["total"]["received"] == 0
    # Bad input is refused.
    api_client.force_authenticate(world.user("street_admin"))
    for bad, status in (
        ({"tier": "planet"}, 400),
        ({"date_from": "2026-13-01"}, 400),
        ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, 422),  # a rule across fields
    ):
        assert api_client.get("/api/v1/requests/kpis/", bad).status_code == status


def test_the_overdue_task_runs_and_is_scheduled(world, settings):
    from grid.tasks import mark_overdue_requests

    ServiceRequest.objects.update(due_register_at=datetime.datetime(2020, 1, 1, tzinfo=TZ))
    # Called in-process: a real worker reads another database than the test's.
    assert mark_overdue_requests() == 1
    assert mark_overdue_requests() == 0
    assert "core.workdays.tasks.sweep_deadlines" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }


def test_after_escalation_the_grid_member_can_no_longer_handle(world):
    request = ServiceRequest.objects.get()
    member, worker = world.user("grid_member"), world.user("community_worker")
    services.escalate_request(user=member, request=request, reason="上报")
    services.register_request(user=worker, request=request)
    services.dispatch_request(user=worker, request=request, handler_user=worker)
    with pytest.raises(PermissionDenied):
        services.start_request(user=world.user("grid_member"), request=request)

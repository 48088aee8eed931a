"""Transfers (转办) accepted or returned by the unit asked; extensions (延期), returns
(回退) and suspensions (缓办) decided by the tier above; all counted in the KPIs."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.notify.models import Notification
from core.notify.services import drain_outbox
from core.workdays.calendar import WorkCalendar
from grid import services
from grid.models import (
    Category,
    RequestApplication,
    RequestEvent,
    ServiceRequest,
    ServiceRequestUserGrant,
)

from ..factories import UserFactory

TZ = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime.datetime(*args, tzinfo=TZ)


def _post(api_client, user, path, data=None):
    api_client.force_authenticate(user)
    return api_client.post(path, data or {}, format="json")


def _registered(world):
    request = ServiceRequest.objects.get()
    return services.register_request(user=world.user("grid_member"), request=request)


def _dispatched_to_unit(world):
    """The request, registered and dispatched to the community's unit (unit_staff)."""
    request = _registered(world)
    return services.dispatch_request(
        user=world.user("grid_member"), request=request, handler_unit=world.units[0]
    )


def _actions(request):
    return list(RequestEvent.objects.filter(request=request).values_list("action", flat=True))


def _snapshot(request):
    return ServiceRequest.objects.filter(pk=request.pk).values().get()


def _visible(user, request):
    return ServiceRequest.objects.for_user(user, "view").filter(pk=request.pk).exists()


# --- transfer ----------------------------------------------------------------------------


def test_a_transfer_accepted_dispatches_to_the_unit_and_revokes_the_old_handler(world):
    request = _registered(world)
    member, staff = world.user("grid_member"), world.user("unit_staff")
    helper = UserFactory(username="helper")
    services.dispatch_request(user=member, request=request, handler_user=helper)
    assert _visible(helper, request)
    assert not _visible(staff, request)
    application = services.propose_transfer(
        user=member, request=request, unit=world.units[0], reason="属物业职责"
    )
    assert application.state == "pending" and application.kind == "transfer"
    # The unit asked may now see it, but not work it, until it accepts.
    staff = world.user("unit_staff")
    assert _visible(staff, request)
    with pytest.raises(PermissionDenied):
        services.start_request(user=staff, request=request)
    # Only the unit asked accepts: not the proposer, not the tier above.
    for other in ("grid_member", "community_worker", "street_admin"):
        with pytest.raises(PermissionDenied):
            services.accept_transfer(user=world.user(other), application=application)
    services.accept_transfer(user=staff, application=application, note="接收")
    request.refresh_from_db()
    application.refresh_from_db()
    assert application.state == "approved" and application.decided_by == world.users["unit_staff"]
    assert request.state == "dispatched" and request.handler_unit == world.units[0]
    assert request.handler_user is None
    assert not _visible(type(helper).objects.get(pk=helper.pk), request)  # lost it
    assert services.start_request(user=world.user("unit_staff"), request=request).state == (
        "in_progress"
    )
    assert _actions(request)[-3:] == ["transfer", "transfer_accept", "start"]


def test_a_returned_transfer_leaves_the_request_with_its_first_receiver(world):
    request = _registered(world)
    member, staff = world.user("grid_member"), world.user("unit_staff")
    application = services.propose_transfer(
        user=member, request=request, unit=world.units[0], reason="转物业"
    )
    before = _snapshot(request)
    with pytest.raises(ValidationError):  # a return needs a reason
        services.return_transfer(user=staff, application=application, note=" ")
    services.return_transfer(user=staff, application=application, note="不属我单位")
    assert _snapshot(request) == before
    application.refresh_from_db()
    assert application.state == "refused" and application.decision_note == "不属我单位"
    assert not _visible(world.user("unit_staff"), request)
    assert _actions(request)[-2:] == ["transfer", "transfer_return"]
    # Decided once is decided: no second answer.
    with pytest.raises(ValidationError):
        services.accept_transfer(user=world.user("unit_staff"), application=application)


def test_transfers_that_are_not_allowed_are_refused_and_change_nothing(world):
    request = ServiceRequest.objects.get()
    member = world.user("grid_member")
    with pytest.raises(ValidationError):  # not registered yet
        services.propose_transfer(user=member, request=request, unit=world.units[0], reason="x")
    request = _registered(world)
    before = _snapshot(request)
    cases = [
        (member, world.units[2], "x", ValidationError),  # a unit of another community
        (member, world.units[4], "x", ValidationError),  # county-wide, but nobody to accept
        (member, world.units[0], "", ValidationError),  # no reason
        (world.user("unit_staff"), world.units[0], "x", PermissionDenied),  # not a worker
        (world.user("resident"), world.units[0], "x", PermissionDenied),
    ]
    for user, unit, reason, error in cases:
        with pytest.raises(error):
            services.propose_transfer(user=user, request=request, unit=unit, reason=reason)
    assert _snapshot(request) == before
    assert not RequestApplication.objects.exists()
    assert _actions(request) == ["submit", "register"]


def test_the_proposer_withdraws_a_transfer(world):
    request = _registered(world)
    application = services.propose_transfer(
        user=world.user("grid_member"), request=request, unit=world.units[0], reason="x"
    )
    with pytest.raises(PermissionDenied):
        services.withdraw_application(user=world.user("unit_staff"), application=application)
    services.withdraw_application(user=world.user("grid_member"), application=application)
    application.refresh_from_db()
    assert application.state == "withdrawn"
    assert not _visible(world.user("unit_staff"), request)
    assert _actions(request)[-1] == "transfer_withdraw"


def test_the_transfer_loop_through_the_api(world, api_client):
    request = _registered(world)
    base = f"/api/v1/requests/{request.pk}"
    member, staff = world.user("grid_member"), world.user("unit_staff")
    assert (
        _post(api_client, member, f"{base}/transfer/", {"unit": world.units[0].pk}).status_code
        == 400
    )
    bad = _post(api_client, member, f"{base}/transfer/", {"unit": 999999, "reason": "x"})
    assert bad.status_code == 422
    assert (
        _post(api_client, staff, f"{base}/transfer/", {"unit": world.units[0].pk, "reason": "x"})
    ).status_code == 404  # the unit does not see the request yet
    response = _post(
        api_client, member, f"{base}/transfer/", {"unit": world.units[0].pk, "reason": "转物业"}
    )
    assert response.status_code == 201, response.content
    application_id = response.json()["id"]
    assert response.json()["target_unit_name"] == world.units[0].name
    # Waiting for the unit's decision, and nobody else's.
    api_client.force_authenticate(world.user("unit_staff"))
    listed = api_client.get("/api/v1/request-applications/").json()["results"]
    assert [a["id"] for a in listed] == [application_id]
    api_client.force_authenticate(world.user("community_worker"))
    assert api_client.get("/api/v1/request-applications/").json()["results"] == []
    decide = f"/api/v1/request-applications/{application_id}/decide/"
    assert (
        _post(
            api_client, world.user("community_worker"), decide, {"decision": "accept"}
        ).status_code
        == 403
    )
    assert (
        _post(
            api_client, world.user("other_street_admin"), decide, {"decision": "accept"}
        ).status_code
        == 404
    )
    assert (
        _post(api_client, world.user("unit_staff"), decide, {"decision": "explode"}).status_code
        == 400
    )
    response = _post(api_client, world.user("unit_staff"), decide, {"decision": "accept"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "approved"
    detail = api_client.get(f"{base}/").json()
    assert detail["state"] == "dispatched" and detail["handler_unit"] == world.units[0].pk
    assert (
        _post(api_client, world.user("unit_staff"), decide, {"decision": "accept"}).status_code
        == 409  # already decided
    )


# --- extension ---------------------------------------------------------------------------


def test_an_extension_moves_the_deadline_by_working_days_across_a_weekend(world):
    request = _dispatched_to_unit(world)
    friday = at(2026, 12, 4, 15, 0)  # a Friday
    ServiceRequest.objects.filter(pk=request.pk).update(due_handle_at=friday)
    application = services.apply_for(
        user=world.user("unit_staff"), request=request, kind="extension", reason="材料未到", days=2
    )
    services.approve_application(user=world.user("community_worker"), application=application)
    request.refresh_from_db()
    # Day 1 is Monday, day 2 Tuesday; the deadline is the end of Tuesday's work.
    assert request.due_handle_at == at(2026, 12, 8, 17, 30)
    assert request.extension_count == 1
    assert _actions(request)[-2:] == ["extension_apply", "extension_approve"]


def test_a_grid_member_cannot_approve_their_own_extension(world, api_client):
    request = _registered(world)
    base = f"/api/v1/requests/{request.pk}"
    member = world.user("grid_member")
    response = _post(
        api_client, member, f"{base}/apply/", {"kind": "extension", "reason": "需协调", "days": 3}
    )
    assert response.status_code == 201, response.content
    decide = f"/api/v1/request-applications/{response.json()['id']}/decide/"
    before = _snapshot(request)
    assert _post(api_client, member, decide, {"decision": "approve"}).status_code == 403
    # Nor another grid-tier post, nor a building leader: the tier above decides.
    assert (
        _post(
            api_client, world.user("building_leader"), decide, {"decision": "approve"}
        ).status_code
        == 403
    )
    assert _snapshot(request) == before
    # The community refuses without a reason: 400; with one, refused.
    worker = world.user("community_worker")
    api_client.force_authenticate(worker)
    assert [
        a["kind"] for a in api_client.get("/api/v1/request-applications/").json()["results"]
    ] == ["extension"]
    assert _post(api_client, worker, decide, {"decision": "refuse"}).status_code == 422
    response = _post(api_client, worker, decide, {"decision": "refuse", "note": "期限足够"})
    assert response.json()["state"] == "refused"
    assert _snapshot(request) == before


def test_an_escalated_request_needs_the_street_to_approve(world):
    request = ServiceRequest.objects.get()
    worker = world.user("community_worker")
    services.escalate_request(user=world.user("grid_member"), request=request, reason="上报")
    services.register_request(user=worker, request=request)
    application = services.apply_for(
        user=worker, request=request, kind="extension", reason="x", days=1
    )
    with pytest.raises(PermissionDenied):
        services.approve_application(
            user=world.user("community_secretary"), application=application
        )
    with pytest.raises(PermissionDenied):
        services.approve_application(user=world.user("other_street_admin"), application=application)
    services.approve_application(user=world.user("street_admin"), application=application)
    assert ServiceRequest.objects.get(pk=request.pk).extension_count == 1


def test_a_second_pending_application_is_refused(world, api_client):
    request = _dispatched_to_unit(world)
    base = f"/api/v1/requests/{request.pk}"
    staff = world.user("unit_staff")
    first = _post(
        api_client, staff, f"{base}/apply/", {"kind": "extension", "reason": "a", "days": 2}
    )
    assert first.status_code == 201
    second = _post(api_client, staff, f"{base}/apply/", {"kind": "return", "reason": "b"})
    assert second.status_code == 409
    member = world.user("grid_member")
    third = _post(
        api_client, member, f"{base}/transfer/", {"unit": world.units[4].pk, "reason": "c"}
    )
    assert third.status_code == 422
    assert RequestApplication.objects.filter(request=request).count() == 1
    # The database holds it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        RequestApplication.objects.create(
            request=request, kind="extension", applicant=staff, reason="d", days=1
        )


@pytest.mark.parametrize(
    "payload",
    [
        {"kind": "extension", "reason": "x"},
        {"kind": "extension", "reason": "x", "days": 0},
        {"kind": "extension", "reason": "x", "days": 31},
        {"kind": "extension", "reason": "x", "days": "ten"},
        {"kind": "extension", "reason": "x", "days": 10**30},
        {"kind": "extension", "reason": "", "days": 2},
        {"kind": "extension", "reason": "x" * 501, "days": 2},
        {"kind": "extension", "reason": "a\x00b", "days": 2},
        {"kind": "suspension", "reason": "x"},
        {"kind": "suspension", "reason": "x", "resume_on": "2020-01-01"},
        {"kind": "suspension", "reason": "x", "resume_on": "2026-13-45"},
        {"kind": "suspension", "reason": "x", "resume_on": "9999-12-31"},
        {"kind": "transfer", "reason": "x"},
        {"kind": "holiday", "reason": "x"},
    ],
)
def test_bad_applications_are_clear_refusals(world, api_client, payload):
    request = _dispatched_to_unit(world)
    before = _snapshot(request)
    response = _post(
        api_client, world.user("unit_staff"), f"/api/v1/requests/{request.pk}/apply/", payload
    )
    # 400: not the schema's input; 422: the schema's, refused by a rule (a date, the days)
    assert response.status_code in (400, 422), response.content
    assert _snapshot(request) == before
    assert not RequestApplication.objects.exists()


# --- return ------------------------------------------------------------------------------


def test_a_returned_request_can_be_dispatched_again_and_the_old_handler_loses_it(world, api_client):
    request = _dispatched_to_unit(world)
    base = f"/api/v1/requests/{request.pk}"
    staff = world.user("unit_staff")
    # Only the one it was dispatched to may return it.
    assert (
        _post(
            api_client,
            world.user("grid_member"),
            f"{base}/apply/",
            {"kind": "return", "reason": "x"},
        ).status_code
        == 403
    )
    response = _post(
        api_client, staff, f"{base}/apply/", {"kind": "return", "reason": "非我单位职责"}
    )
    assert response.status_code == 201, response.content
    decide = f"/api/v1/request-applications/{response.json()['id']}/decide/"
    assert (
        _post(api_client, world.user("grid_member"), decide, {"decision": "approve"}).status_code
        == 403
    )
    response = _post(api_client, world.user("community_worker"), decide, {"decision": "approve"})
    assert response.status_code == 200, response.content
    request.refresh_from_db()
    assert request.state == "registered" and request.handler_unit is None
    assert request.return_count == 1
    assert not ServiceRequestUserGrant.objects.filter(content_object=request).exists()
    api_client.force_authenticate(world.user("unit_staff"))
    assert api_client.get(f"{base}/").status_code == 404
    response = _post(
        api_client,
        world.user("grid_member"),
        f"{base}/dispatch/",
        {"handler_unit": world.units[0].pk},
    )
    assert response.status_code == 200 and response.json()["state"] == "dispatched"
    assert _actions(request)[-3:] == ["return_apply", "return_approve", "dispatch"]


# --- suspension --------------------------------------------------------------------------


def test_a_suspended_request_is_not_flagged_overdue_and_its_deadline_moves(world, api_client):
    request = _dispatched_to_unit(world)
    due = timezone.now() + datetime.timedelta(hours=1)
    ServiceRequest.objects.filter(pk=request.pk).update(due_handle_at=due)
    resume_on = timezone.localdate() + datetime.timedelta(days=14)
    response = _post(
        api_client,
        world.user("unit_staff"),
        f"/api/v1/requests/{request.pk}/apply/",
        {"kind": "suspension", "reason": "等待业主回国", "resume_on": resume_on.isoformat()},
    )
    assert response.status_code == 201, response.content
    decide = f"/api/v1/request-applications/{response.json()['id']}/decide/"
    before = timezone.now()
    response = _post(api_client, world.user("community_secretary"), decide, {"decision": "approve"})
    assert response.status_code == 200, response.content
    request.refresh_from_db()
    resume = datetime.datetime.combine(
        resume_on, datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    assert request.suspended_until == resume and request.suspension_count == 1
    # The deadline moved by the working time of the suspension: two weeks hold at least
    # eight working days of 7.5 hours.
    calendar = WorkCalendar.load(timezone.localdate() - datetime.timedelta(days=1))
    hours = calendar.working_hours_between(before, resume)
    assert hours >= 8 * 7.5
    assert abs(request.due_handle_at - calendar.add_working_hours(due, hours)) < datetime.timedelta(
        minutes=1
    )
    # Past the old deadline but still suspended: not overdue.
    assert services.mark_overdue(now=due + datetime.timedelta(days=1)) == 0
    assert (
        ServiceRequest.objects.not_suspended(due + datetime.timedelta(days=1))
        .filter(pk=request.pk)
        .count()
        == 0
    )
    request.refresh_from_db()
    assert not request.handle_overdue
    # Resumed and past the moved deadline: overdue.
    later = max(request.due_handle_at, request.suspended_until) + datetime.timedelta(minutes=1)
    assert services.mark_overdue(now=later) == 1
    request.refresh_from_db()
    assert request.handle_overdue
    # A suspension in force cannot be asked for again.
    with pytest.raises(ValidationError):
        services.apply_for(
            user=world.user("unit_staff"),
            request=request,
            kind="suspension",
            reason="again",
            resume_on=resume_on,
        )


# --- KPIs --------------------------------------------------------------------------------


def test_the_kpis_count_extensions_returns_and_suspensions(world, api_client):
    category = Category.objects.get(code="environment-rubbish")
    resident, member = world.user("resident"), world.user("grid_member")
    worker = world.user("community_worker")
    first = ServiceRequest.objects.get()
    requests = [first] + [
        services.submit_request(user=resident, category=category, description=f"第{i}件")
        for i in range(3)
    ]
    for request in requests:
        services.register_request(user=member, request=request)
    # 1: extended twice (still one request); 2: extension refused; 3: returned and suspended.
    for days in (1, 2):
        application = services.apply_for(
            user=member, request=requests[0], kind="extension", reason="x", days=days
        )
        services.approve_application(user=worker, application=application)
    application = services.apply_for(
        user=member, request=requests[1], kind="extension", reason="x", days=1
    )
    services.refuse_application(user=worker, application=application, note="不批")
    services.dispatch_request(user=member, request=requests[2], handler_unit=world.units[0])
    application = services.apply_for(
        user=world.user("unit_staff"), request=requests[2], kind="return", reason="x"
    )
    services.approve_application(user=worker, application=application)
    application = services.apply_for(
        user=member,
        request=requests[2],
        kind="suspension",
        reason="x",
        resume_on=timezone.localdate() + datetime.timedelta(days=5),
    )
    services.approve_application(user=worker, application=application)
    assert ServiceRequest.objects.kpis()["extension_rate"] == 25.0
    api_client.force_authenticate(world.user("street_admin"))
    data = api_client.get("/api/v1/requests/kpis/", {"tier": "community"}).json()
    total = data["total"]
    assert (total["received"], total["extended"], total["returned"], total["suspended"]) == (
        4,
        1,
        1,
        1,
    )
    assert total["extension_rate"] == 25.0
    assert data["nodes"][0]["extension_rate"] == 25.0
    api_client.force_authenticate(world.user("other_street_admin"))
    assert api_client.get("/api/v1/requests/kpis/").json()["total"]["extension_rate"] is None


# --- pages -------------------------------------------------------------------------------


def test_a_transfer_is_proposed_and_accepted_through_the_pages(world, client):
    request = _registered(world)
    detail = reverse("grid:request-detail", args=[request.pk])
    client.force_login(world.users["grid_member"])
    page = client.get(detail)
    assert page.status_code == 200
    assert world.units[0] in page.context["transfer_form"].fields["unit"].queryset
    response = client.post(
        reverse("grid:request-transfer", args=[request.pk]),
        {"transfer-unit": world.units[0].pk, "transfer-reason": "属物业职责"},
    )
    assert response.status_code == 302
    application = RequestApplication.objects.get()
    # The unit's staff find it waiting on their page and accept it there.
    client.force_login(world.users["unit_staff"])
    queue = client.get(reverse("grid:approval-queue"))
    assert queue.status_code == 200
    assert [row[0] for row in queue.context["rows"]] == [application]
    page = client.get(detail)
    assert [value for value, _ in page.context["decisions"]] == ["accept", "return"]
    html = page.content.decode()
    assert reverse("grid:application-decide", args=[application.pk, "accept"]) in html
    assert "属物业职责" in html
    response = client.post(
        reverse("grid:application-decide", args=[application.pk, "accept"]),
        {"note": "接收", "next": reverse("grid:approval-queue")},
    )
    assert response.status_code == 302 and response["Location"] == reverse("grid:approval-queue")
    request.refresh_from_db()
    assert request.state == "dispatched" and request.handler_unit == world.units[0]
    assert client.get(detail).context["steps"]  # the unit's staff may now start it


def test_an_extension_is_applied_for_and_approved_through_the_pages(world, client):
    request = _dispatched_to_unit(world)
    ServiceRequest.objects.filter(pk=request.pk).update(due_handle_at=at(2026, 12, 4, 15, 0))
    detail = reverse("grid:request-detail", args=[request.pk])
    client.force_login(world.users["unit_staff"])
    page = client.get(detail)
    assert page.context["apply_form"] is not None and page.context["transfer_form"] is None
    response = client.post(
        reverse("grid:request-apply", args=[request.pk]),
        {"apply-kind": "extension", "apply-reason": "配件未到", "apply-days": "3"},
    )
    assert response.status_code == 302
    application = RequestApplication.objects.get()
    # The grid member, a tier too low, is told so and nothing changes.
    client.force_login(world.users["grid_member"])
    assert client.get(detail).context["decisions"] == []
    response = client.post(
        reverse("grid:application-decide", args=[application.pk, "approve"]), follow=True
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    application.refresh_from_db()
    assert application.state == "pending"
    client.force_login(world.users["community_worker"])
    queue = client.get(reverse("grid:approval-queue"))
    assert [row[0] for row in queue.context["rows"]] == [application]
    response = client.post(reverse("grid:application-decide", args=[application.pk, "approve"]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.due_handle_at == at(2026, 12, 9, 17, 30)  # Mon, Tue, Wed
    page = client.get(detail)
    assert [a.state for a in page.context["decided_applications"]] == ["approved"]
    assert "配件未到" in page.content.decode()


def test_bad_form_input_is_a_message_never_a_500(world, client):
    request = _dispatched_to_unit(world)
    client.force_login(world.users["unit_staff"])
    apply = reverse("grid:request-apply", args=[request.pk])
    for data in (
        {"apply-kind": "holiday", "apply-reason": "x"},
        {"apply-kind": "extension", "apply-reason": "x", "apply-days": "99999999999999999999"},
        {"apply-kind": "suspension", "apply-reason": "x", "apply-resume_on": "not a date"},
        {"apply-kind": "extension", "apply-reason": "x"},
    ):
        response = client.post(apply, data, follow=True)
        assert response.status_code == 200, data
        assert "error" in [m.level_tag for m in response.context["messages"]], data
    # a NUL byte never reaches the view: the input guard refuses it for the whole portal
    nul = {"apply-kind": "extension", "apply-reason": "x\x00", "apply-days": "2"}
    assert client.post(apply, nul).status_code == 400
    response = client.post(
        reverse("grid:request-transfer", args=[request.pk]),
        {"transfer-unit": "x", "transfer-reason": ""},
        follow=True,
    )
    assert response.status_code == 200
    assert not RequestApplication.objects.exists()
    # Unknown decisions and applications out of sight are 404s.
    assert client.post(reverse("grid:application-decide", args=[1, "explode"])).status_code == 404
    assert (
        client.post(reverse("grid:application-decide", args=[999999, "approve"])).status_code == 404
    )
    # Someone who cannot see the request cannot reach the forms.
    client.force_login(world.users["other_street_admin"])
    assert client.post(apply, {"apply-kind": "extension"}).status_code == 404


def test_the_approval_queue_costs_the_same_queries_for_more_rows(world, client):
    category = Category.objects.get(code="environment-rubbish")
    member, resident = world.user("grid_member"), world.user("resident")

    def add(n):
        for i in range(n):
            request = services.submit_request(user=resident, category=category, description=f"n{i}")
            services.register_request(user=member, request=request)
            services.apply_for(user=member, request=request, kind="extension", reason="x", days=1)

    client.force_login(world.users["community_worker"])
    url = reverse("grid:approval-queue")
    counts = []
    for n in (1, 9):
        add(n)
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        counts.append((len(response.context["rows"]), len(ctx.captured_queries)))
    assert [rows for rows, _ in counts] == [1, 10]
    assert counts[0][1] == counts[1][1]
    # The API list too.
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.user("community_worker"))
    api.get("/api/v1/request-applications/")
    with CaptureQueriesContext(connection) as ctx:
        assert (
            len(api.get("/api/v1/request-applications/", {"page_size": 2}).json()["results"]) == 2
        )
    small = len(ctx.captured_queries)
    with CaptureQueriesContext(connection) as ctx:
        assert (
            len(api.get("/api/v1/request-applications/", {"page_size": 10}).json()["results"]) == 10
        )
    assert len(ctx.captured_queries) == small


# --- who hears of it ---------------------------------------------------------------------


def _inbox(user):
    return list(Notification.objects.filter(user=user).values_list("title", flat=True))


def test_the_unit_asked_and_the_tier_above_hear_of_applications(world):
    request = _registered(world)
    member = world.user("grid_member")
    drain_outbox()
    told = len(_inbox(member))
    services.propose_transfer(user=member, request=request, unit=world.units[0], reason="物业")
    drain_outbox()
    assert any(request.number in title for title in _inbox(world.users["unit_staff"]))
    assert len(_inbox(member)) == told  # never told of one's own action

    application = RequestApplication.objects.get(request=request)
    services.accept_transfer(user=world.user("unit_staff"), application=application)
    before = len(_inbox(world.users["community_worker"]))
    services.apply_for(
        user=world.user("unit_staff"), request=request, kind="extension", reason="材料", days=1
    )
    drain_outbox()
    # the extension waits for the community (the tier above a grid-level request)
    assert len(_inbox(world.users["community_worker"])) == before + 1
    drain_outbox()
    assert len(_inbox(world.users["community_worker"])) == before + 1  # once

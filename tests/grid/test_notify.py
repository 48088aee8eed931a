"""Notifications through the outbox: who hears of each transition, delivery exactly
once, reminders and overdue notices on a frozen clock, an unreachable broker, and the
inbox page and API."""

import datetime
import logging
import time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.notify.models import Notification, OutboxMessage
from core.notify.services import drain_outbox, notify
from core.notify.sms import MemorySMSBackend
from core.rules import rule
from grid import services
from grid.models import Category, Post, ServiceRequest
from grid.rules import REMINDER_SHARE
from grid.services.loop import record_event
from grid.services.notices import sweep_deadlines

TZ = ZoneInfo("Asia/Shanghai")
SMS = override_settings(PORTAL_SMS_BACKEND="core.notify.sms.MemorySMSBackend")


def at(*args):
    return datetime.datetime(*args, tzinfo=TZ)


def _rubbish():
    return Category.objects.get(code="environment-rubbish")  # 2 working hours


@pytest.fixture
def sms():
    MemorySMSBackend.outbox.clear()
    with SMS:
        yield MemorySMSBackend.outbox
    MemorySMSBackend.outbox.clear()


LOOP_KINDS = ("status", "reminder", "overdue")


@pytest.fixture
def inbox(world):
    """Drain the outbox and tell who got which new notifications of the request loop since
    the last call (other apps' worlds leave notices of their own kinds)."""
    seen = set(Notification.objects.values_list("pk", flat=True))

    def news():
        drain_outbox()
        fresh = Notification.objects.exclude(pk__in=seen).filter(kind__in=LOOP_KINDS)
        fresh = fresh.select_related("user")
        seen.update(n.pk for n in fresh)
        return sorted(n.user.username for n in fresh)

    return news


@pytest.fixture
def first(world):
    return ServiceRequest.objects.get()


# --- who hears of what -----------------------------------------------------------------


def test_a_submission_tells_the_grid_member_not_the_reporter(world, first, inbox):
    # Only the request loop's own messages: other apps' worlds leave notices of their own.
    assert OutboxMessage.objects.filter(state="pending", payload__kind="status").count() == 1
    assert inbox() == ["grid_member"]
    notice = Notification.objects.get(kind__in=LOOP_KINDS)
    assert notice.subject == first and notice.kind == "status"
    assert first.number in notice.title
    assert notice.url == f"/net/requests/{first.pk}/"
    assert notice.read_at is None


def test_the_whole_loop_tells_exactly_the_right_people(world, first, inbox):
    inbox()
    member, staff, resident = (
        world.user("grid_member"),
        world.user("unit_staff"),
        world.user("resident"),
    )
    services.register_request(user=member, request=first)
    assert inbox() == ["resident"]
    services.dispatch_request(user=member, request=first, handler_unit=world.units[0])
    assert inbox() == ["resident", "unit_staff"]
    services.start_request(user=staff, request=first)
    assert inbox() == ["resident"]
    services.handle_request(user=staff, request=first, result="已清理")
    assert inbox() == ["grid_member", "resident"]  # the grid verifies it
    services.close_request(user=member, request=first)
    assert inbox() == ["resident", "unit_staff"]
    services.evaluate_request(user=resident, request=first, rating=1, comment="没清干净")
    assert inbox() == ["grid_member", "unit_staff"]  # reopened for re-handling
    # Every notification of the loop points at the request, and nobody heard of their
    # own action (other apps' worlds leave notices of their own kinds).
    loop = Notification.objects.filter(kind__in=LOOP_KINDS)
    assert set(loop.values_list("subject_id", flat=True)) == {first.pk}
    assert set(loop.values_list("subject_type__model", flat=True)) == {"servicerequest"}
    for event in first.events.exclude(actor=None):
        assert not Notification.objects.filter(
            user=event.actor, source__dedupe_key__startswith=f"request:{first.pk}:event:{event.pk}:"
        ).exists()


def test_the_actor_is_never_told_of_their_own_action(world, first, inbox):
    inbox()
    member = world.user("grid_member")
    services.register_request(user=member, request=first)
    services.dispatch_request(user=member, request=first, handler_user=member)
    services.start_request(user=member, request=first)
    assert inbox() == ["resident", "resident", "resident"]
    assert Notification.objects.filter(user=member).count() == 1  # the resident's report


def test_escalation_tells_the_new_tier_and_rejection_tells_the_reporter(world, first, inbox):
    inbox()
    services.escalate_request(user=world.user("grid_member"), request=first, reason="上报")
    assert inbox() == ["community_secretary", "community_worker", "resident"]
    services.reject_request(
        user=world.user("community_worker"), request=first, reason="不属于本社区"
    )
    assert inbox() == ["resident"]


def test_a_request_recorded_on_behalf_tells_the_resident(world, inbox):
    inbox()
    services.submit_request(
        user=world.user("grid_member"),
        category=_rubbish(),
        description="代办",
        reporter=world.residents[0],
    )
    assert inbox() == ["resident"]  # the grid member recorded it: not told of it


def test_an_unknown_action_is_handled_generically(world, first, inbox):
    """A later action (one not in the table) tells the handler and the tier; the
    reporter only if the state changed."""
    inbox()
    member = world.user("grid_member")
    services.register_request(user=member, request=first)
    services.dispatch_request(user=member, request=first, handler_unit=world.units[0])
    inbox()
    first.refresh_from_db()
    record_event(first, world.user("community_worker"), "reassign", first.state, "转办")
    assert inbox() == ["grid_member", "unit_staff"]
    first.state = ServiceRequest.State.IN_PROGRESS
    record_event(first, None, "extension", ServiceRequest.State.DISPATCHED)
    assert inbox() == ["grid_member", "resident", "unit_staff"]


# --- delivery --------------------------------------------------------------------------


def test_text_messages_go_to_the_reporter_for_outcomes_only(world, first, sms):
    member, phone = world.user("grid_member"), world.residents[0].phone
    services.register_request(user=member, request=first)
    services.dispatch_request(user=member, request=first, handler_user=member)
    services.start_request(user=member, request=first)
    drain_outbox()
    assert sms == []  # registered, dispatched, in progress: inbox only
    services.handle_request(user=member, request=first, result="已清理")
    services.close_request(user=member, request=first)
    drain_outbox()
    drain_outbox()
    assert [to for to, _ in sms] == [phone, phone]
    assert all(first.number in text for _, text in sms)
    assert OutboxMessage.objects.filter(channel="sms", state="sent").count() == 2


def test_draining_twice_delivers_once(world, first, sms):
    member = world.user("grid_member")
    services.reject_request(user=member, request=first, reason="重复")
    rows = OutboxMessage.objects.count()
    assert drain_outbox() == rows
    notifications = Notification.objects.count()
    assert drain_outbox() == 0
    assert Notification.objects.count() == notifications == rows - 1  # one is a text message
    assert len(sms) == 1
    assert not OutboxMessage.objects.exclude(state="sent").exists()
    assert all(row.attempts == 1 and row.sent_at for row in OutboxMessage.objects.all())


def test_queuing_the_same_notice_twice_writes_it_once(world):
    user = world.user("outsider")
    kwargs = {"key": "test:1", "kind": "status", "title": "t", "recipients": [user, user]}
    assert notify(**kwargs) == 1
    assert notify(**kwargs) == 0
    drain_outbox()
    assert Notification.objects.filter(user=user).count() == 1


class FailingSMSBackend:
    def send(self, phone, message):
        raise ConnectionError("gateway down")


def test_a_failing_sms_gateway_is_retried_then_given_up(world, first):
    member = world.user("grid_member")
    services.reject_request(user=member, request=first, reason="重复")
    with override_settings(PORTAL_SMS_BACKEND="tests.grid.test_notify.FailingSMSBackend"):
        for _ in range(10):
            drain_outbox()
    row = OutboxMessage.objects.get(channel="sms")
    assert (row.state, row.attempts) == ("failed", 5)
    assert "gateway down" in row.last_error
    # The inbox went out all the same.
    assert not OutboxMessage.objects.filter(channel="inbox").exclude(state="sent").exists()


class WorkerKilled(BaseException):
    """A SIGKILL as the drain sees it: nothing after it runs, nothing commits."""


class DyingSMSBackend:
    """Takes messages; the worker dies while handing over the ``die_on``-th one."""

    sent: list = []
    die_on = 0

    def send(self, phone, message):
        if len(self.sent) + 1 == DyingSMSBackend.die_on:
            DyingSMSBackend.die_on = 0
            raise WorkerKilled
        self.sent.append(phone)


def test_a_drain_killed_midway_sends_no_text_message_twice(world):
    phones = ["13800000001", "13800000002", "13800000003"]
    notify(key="test:killed", kind="status", title="t", sms=[(None, p) for p in phones])
    DyingSMSBackend.sent, DyingSMSBackend.die_on = [], 2
    with override_settings(PORTAL_SMS_BACKEND="tests.grid.test_notify.DyingSMSBackend"):
        with pytest.raises(WorkerKilled):
            drain_outbox()
        # Each text message is committed on its own: the first stays sent.
        states = OutboxMessage.objects.filter(channel="sms").order_by("id")
        assert list(states.values_list("state", flat=True)) == ["sent", "pending", "pending"]
        drain_outbox()  # the task again, in a new worker
    assert list(states.values_list("state", "attempts")) == [("sent", 1)] * 3
    assert DyingSMSBackend.sent == phones  # each handed to the gateway once


# --- deadlines -------------------------------------------------------------------------


def _due(request, **fields):
    ServiceRequest.objects.filter(pk=request.pk).update(**fields)
    request.refresh_from_db()


def _kinds():
    drain_outbox()
    return sorted(
        (n.kind, n.user.username) for n in Notification.objects.select_related("user").all()
    )


def test_registration_reminder_then_overdue_notice_once(world, first, sms):
    drain_outbox()
    Notification.objects.all().delete()
    due = at(2026, 3, 4, 10, 0)  # a Wednesday; the limit is one working hour
    _due(first, due_register_at=due)
    Post.objects.filter(user=world.users["grid_member"]).update(duty_phone="13800000009")
    assert Decimal("0.2") == rule(REMINDER_SHARE)  # the last 12 working minutes of the hour

    result = sweep_deadlines(now=at(2026, 3, 4, 9, 30))
    assert (result.reminded, result.overdue, result.noticed) == (0, 0, 0)
    assert _kinds() == []

    assert sweep_deadlines(now=at(2026, 3, 4, 9, 50)).reminded == 1
    assert sweep_deadlines(now=at(2026, 3, 4, 9, 55)).reminded == 0
    assert _kinds() == [("reminder", "grid_member")]
    first.refresh_from_db()
    assert not first.register_overdue

    result = sweep_deadlines(now=at(2026, 3, 4, 10, 1))
    assert (result.overdue, result.noticed) == (1, 1)
    first.refresh_from_db()
    assert first.register_overdue
    assert _kinds() == [
        ("overdue", "community_secretary"),
        ("overdue", "community_worker"),
        ("overdue", "grid_member"),
        ("reminder", "grid_member"),
    ]
    assert sms == [("13800000009", sms[0][1])] and first.number in sms[0][1]

    # Nothing more, however often it runs.
    for minute in (1, 6, 30):
        result = sweep_deadlines(now=at(2026, 3, 4, 10, minute))
        assert (result.reminded, result.overdue, result.noticed, result.queued) == (0, 0, 0, 0)
    assert len(_kinds()) == 4 and len(sms) == 1
    assert services.mark_overdue(now=at(2026, 3, 4, 11, 0)) == 0


def test_handling_reminder_goes_to_the_handler_and_a_new_due_time_is_reminded_afresh(world, first):
    member = world.user("grid_member")
    services.register_request(user=member, request=first)
    services.dispatch_request(user=member, request=first, handler_unit=world.units[0])
    drain_outbox()
    Notification.objects.all().delete()
    # Two working hours: the reminder comes in the last 24 working minutes, and the lunch
    # break is not working time.
    _due(first, due_handle_at=at(2026, 3, 4, 13, 40))
    assert sweep_deadlines(now=at(2026, 3, 4, 11, 30)).reminded == 0  # 30 + 10 minutes
    assert sweep_deadlines(now=at(2026, 3, 4, 11, 50)).reminded == 1  # 10 + 10 minutes
    assert _kinds() == [("reminder", "unit_staff")]
    _due(first, due_handle_at=at(2026, 3, 5, 8, 45))  # a new due time (an extension)
    assert sweep_deadlines(now=at(2026, 3, 4, 17, 20)).reminded == 0  # 10 + 15 minutes
    assert sweep_deadlines(now=at(2026, 3, 4, 17, 25)).reminded == 1  # 5 + 15 minutes
    result = sweep_deadlines(now=at(2026, 3, 5, 9, 0))
    assert (result.overdue, result.noticed) == (1, 1)
    assert _kinds() == [
        ("overdue", "community_secretary"),
        ("overdue", "community_worker"),
        ("overdue", "grid_member"),
        ("overdue", "unit_staff"),
        ("reminder", "unit_staff"),
        ("reminder", "unit_staff"),
    ]
    assert sweep_deadlines(now=at(2026, 3, 5, 9, 0)).queued == 0


def test_requests_that_are_not_open_are_left_alone(world, first):
    member = world.user("grid_member")
    services.reject_request(user=member, request=first, reason="重复")
    drain_outbox()
    before = Notification.objects.count()
    _due(first, due_register_at=at(2026, 3, 4, 10, 0))
    result = sweep_deadlines(now=at(2026, 3, 5, 10, 0))
    assert (result.overdue, result.noticed, result.queued) == (0, 0, 0)
    first.refresh_from_db()
    assert not first.register_overdue
    drain_outbox()
    assert Notification.objects.count() == before


def test_the_tasks_run_in_process_and_are_scheduled(world, first, settings):
    from core.notify.tasks import drain_outbox
    from core.workdays.tasks import sweep_deadlines

    _due(first, due_register_at=at(2020, 1, 6, 10, 0))
    # Called in-process: a real worker reads another database than the test's. The
    # core's one deadline task runs the sweep the request loop registered.
    assert sweep_deadlines()["requests"]["overdue"] == 1
    assert sweep_deadlines()["requests"]["queued"] == 0
    assert drain_outbox() >= 1
    assert drain_outbox() == 0
    tasks = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks["core.workdays.tasks.sweep_deadlines"] == 300.0
    assert tasks["core.notify.tasks.drain_outbox"] == 60.0
    assert tasks["core.notify.tasks.send_digests"] == 86400.0


# --- the broker -------------------------------------------------------------------------


@pytest.fixture
def celery_app():
    """The Celery app, its settings restored after the test."""
    from yuyao_portal.celery import app

    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    yield app
    app.conf.update(saved)


def test_with_the_broker_down_the_request_is_accepted_and_delivered_later(
    world, api_client, celery_app, django_capture_on_commit_callbacks, caplog
):
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    api_client.force_authenticate(world.user("resident"))
    started = time.monotonic()
    with (
        caplog.at_level(logging.WARNING, logger="grid.notify"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        response = api_client.post(
            "/api/v1/requests/",
            {"category": _rubbish().pk, "description": "楼道灯坏了"},
            format="json",
        )
    assert response.status_code == 201, response.content
    assert len(callbacks) == 1  # one drain asked for, which could not be enqueued
    assert time.monotonic() - started < 3  # the enqueue fails fast
    assert "not enqueued" in caplog.text
    created = ServiceRequest.objects.get(pk=response.json()["id"])
    pending = OutboxMessage.objects.filter(
        state="pending", payload__kind="status", payload__subject_id=created.pk
    )
    assert pending.count() == 1
    assert not Notification.objects.filter(kind__in=LOOP_KINDS, subject_id=created.pk).exists()
    # The broker is back (or the periodic drain runs): delivered, once.
    drain_outbox()
    drain_outbox()
    delivered = Notification.objects.filter(kind__in=LOOP_KINDS, subject_id=created.pk)
    assert list(delivered.values_list("user", flat=True)) == [world.users["grid_member"].pk]
    assert not OutboxMessage.objects.filter(state="pending").exists()


def test_with_an_eager_broker_the_drain_runs_on_commit(
    world, celery_app, django_capture_on_commit_callbacks
):
    celery_app.conf.task_always_eager = True  # as without REDIS_URL: in-process
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = services.submit_request(
            user=world.user("resident"), category=_rubbish(), description="x"
        )
        services.register_request(user=world.user("grid_member"), request=created)
    assert len(callbacks) == 2  # a drain asked for by each change
    assert Notification.objects.filter(kind__in=LOOP_KINDS, subject_id=created.pk).count() == 2
    assert not OutboxMessage.objects.filter(
        state="pending", payload__kind="status", payload__subject_id=created.pk
    )


# --- the inbox page --------------------------------------------------------------------


def _notices(user, count, **extra):
    return Notification.objects.bulk_create(
        [
            Notification(user=user, kind="status", title=f"通知 {i}", body="正文", **extra)
            for i in range(count)
        ]
    )


def test_the_inbox_page_lists_one_own_notifications_newest_first(world, client, first, inbox):
    inbox()
    member = world.user("grid_member")
    _notices(world.user("resident"), 2)
    client.force_login(member)
    response = client.get("/net/inbox/")
    assert response.status_code == 200
    items = list(response.context["notifications"])
    assert [n.user_id for n in items] == [member.pk]
    assert f"/net/inbox/{items[0].pk}/" in response.content.decode()
    # The unread count in the menu.
    assert response.context["unread_notifications"] == 1
    assert 'data-testid="unread-count"' in response.content.decode()
    _notices(member, 2)
    items = list(client.get("/net/inbox/").context["notifications"])
    assert [n.title for n in items][:2] == ["通知 1", "通知 0"] and len(items) == 3


def test_opening_a_notification_marks_it_read_and_goes_to_the_request(world, client, first, inbox):
    inbox()
    notice = Notification.objects.get(user=world.users["grid_member"])
    other = _notices(world.user("resident"), 1)[0]
    client.force_login(world.user("grid_member"))
    response = client.get(f"/net/inbox/{notice.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/net/requests/{first.pk}/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert client.get(f"/net/inbox/{other.pk}/").status_code == 404
    assert client.get("/net/inbox/99999999999999999999/").status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_all_read_touches_only_ones_own(world, client):
    member, resident = world.user("grid_member"), world.user("resident")
    _notices(member, 3)
    _notices(resident, 2)
    client.force_login(member)
    assert client.get("/net/inbox/read/").status_code == 405
    response = client.post("/net/inbox/read/", follow=True)
    assert response.status_code == 200
    assert not Notification.objects.filter(user=member, read_at=None).exists()
    assert Notification.objects.filter(user=resident, read_at=None).count() == 2
    assert response.context["unread_notifications"] == 0
    assert 'data-testid="unread-count"' not in response.content.decode()


def test_the_inbox_needs_a_signed_in_user(world, client):
    response = client.get("/net/inbox/")
    assert response.status_code == 302 and "/login" in response["Location"]
    assert client.post("/net/inbox/read/").status_code == 302


def test_every_signed_in_user_has_the_inbox_in_the_menu(world, client):
    for name in ("resident", "grid_member", "unit_staff", "outsider"):
        client.force_login(world.user(name))
        keys = [item["key"] for item in client.get("/net/inbox/").context["nav_items"]]
        assert "inbox" in keys, name


def test_the_inbox_page_query_count_does_not_grow(world, client):
    member = world.user("grid_member")
    client.force_login(member)
    counts = []
    for total in (2, 30):
        Notification.objects.filter(user=member).delete()
        _notices(member, total)
        client.get("/net/inbox/")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/net/inbox/")
        assert len(response.context["notifications"]) == total
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


# --- the API ----------------------------------------------------------------------------


def test_the_api_lists_only_ones_own_notifications(world, api_client):
    member, resident = world.user("grid_member"), world.user("resident")
    _notices(member, 3)
    _notices(resident, 2)
    api_client.force_authenticate(member)
    data = api_client.get("/api/v1/notifications/").json()
    assert data["count"] == 3
    assert {n["title"] for n in data["results"]} == {"通知 0", "通知 1", "通知 2"}
    assert api_client.get("/api/v1/notifications/", {"page_size": 2}).json()["next"]
    api_client.force_authenticate(None)
    assert api_client.get("/api/v1/notifications/").status_code in (401, 403)


def test_the_api_marks_read_only_ones_own(world, api_client):
    member, resident = world.user("grid_member"), world.user("resident")
    mine = _notices(member, 3)
    theirs = _notices(resident, 2)
    api_client.force_authenticate(member)
    response = api_client.post(
        "/api/v1/notifications/read/",
        {"ids": [mine[0].pk, theirs[0].pk, theirs[1].pk]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"marked": 1, "unread": 2}
    assert Notification.objects.filter(user=resident, read_at=None).count() == 2
    unread = api_client.get("/api/v1/notifications/", {"unread": "1"}).json()
    assert unread["count"] == 2
    assert api_client.post("/api/v1/notifications/read/", {}, format="json").json() == {
        "marked": 2,
        "unread": 0,
    }
    assert Notification.objects.filter(user=resident, read_at=None).count() == 2


@pytest.mark.parametrize(
    "body",
    [{"ids": "all"}, {"ids": [0]}, {"ids": ["x"]}, {"ids": [2**70]}, ["1"], {"ids": [1] * 1001}],
)
def test_the_api_refuses_bad_input(world, api_client, body):
    api_client.force_authenticate(world.user("grid_member"))
    response = api_client.post("/api/v1/notifications/read/", body, format="json")
    assert response.status_code == 400, response.content


def test_the_unread_count_is_one_query_and_none_for_visitors(
    world, client, django_assert_num_queries
):
    from django.contrib.auth.models import AnonymousUser

    from yuyao_portal.context_processors import unread_notifications

    assert unread_notifications(AnonymousUser()) == 0
    member = world.user("grid_member")
    _notices(member, 4)
    with django_assert_num_queries(1):
        assert unread_notifications(member) == 4
    assert client.get(reverse("login")).context["unread_notifications"] == 0


def test_the_outbox_in_admin_is_read_only_with_phones_masked(world, first, client):
    services.reject_request(user=world.user("grid_member"), request=first, reason="重复")
    row = OutboxMessage.objects.get(channel="sms")
    phone = world.residents[0].phone
    client.force_login(world.users["county_admin"])
    html = client.get(f"/admin/notify/outboxmessage/{row.pk}/change/").content.decode()
    assert phone[:3] in html and phone not in html
    assert client.get("/admin/notify/outboxmessage/add/").status_code == 403
    client.force_login(world.users["street_admin"])
    assert client.get("/admin/notify/outboxmessage/").status_code == 403

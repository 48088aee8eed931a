"""The core's notifications, used by any app: kinds with their templates, a notice
about any object, each user's choice of text messages per kind (at once, in the daily
digest, never), the digest itself and the preferences page."""

import pytest
from django.test import override_settings

from core.notify.kinds import Kind, get_kind, register_kind
from core.notify.models import Notification, NotificationPreference, OutboxMessage
from core.notify.services import drain_outbox, notify, send_digests, set_preference
from core.notify.sms import MemorySMSBackend
from grid.models import Post

SMS = override_settings(PORTAL_SMS_BACKEND="core.notify.sms.MemorySMSBackend")
PHONE = "13800000077"

register_kind(
    Kind(
        "tests.greeting",
        "greeting",
        title="Hello %(name)s",
        body="About %(what)s",
        level="warning",
        sms=True,
    ),
    Kind("tests.quiet", "quiet"),
)


@pytest.fixture
def texts():
    MemorySMSBackend.outbox.clear()
    with SMS:
        yield MemorySMSBackend.outbox
    MemorySMSBackend.outbox.clear()


@pytest.fixture
def member(world):
    user = world.user("grid_member")
    Post.objects.filter(user=user).update(duty_phone=PHONE)
    return user


def greet(user, key="greet:1", subject=None):
    return notify(
        key=key,
        kind="tests.greeting",
        recipients=[user],
        subject=subject,
        context={"name": "张三", "what": "楼道"},
        sms=[(user, PHONE)],
    )


def test_a_notice_about_any_object_is_rendered_from_its_kind(world, member, texts):
    street = world.streets[0]
    assert greet(member, subject=street) == 2  # the inbox and a text, at once by default
    drain_outbox()
    item = Notification.objects.get(user=member, kind="tests.greeting")
    assert (item.title, item.body, item.subject) == ("Hello 张三", "About 楼道", street)
    assert (item.kind_label, item.level) == ("greeting", "warning")
    assert texts == [(PHONE, "Hello 张三")]


def test_a_user_who_turned_texts_off_gets_the_inbox_only(world, member, texts):
    set_preference(user=member, kind="tests.greeting", sms="off")
    assert greet(member) == 1
    drain_outbox()
    assert Notification.objects.filter(user=member, kind="tests.greeting").count() == 1
    assert texts == []


def test_the_daily_digest_sends_one_text_once_for_the_notices_waiting(world, member, texts):
    set_preference(user=member, kind="tests.greeting", sms="digest")
    greet(member, key="greet:1")
    greet(member, key="greet:2")
    drain_outbox()
    assert texts == []  # nothing at once
    assert send_digests() == 1
    drain_outbox()
    assert len(texts) == 1 and texts[0][0] == PHONE and "2" in texts[0][1]
    assert send_digests() == 0  # each notice goes into one digest only
    assert not Notification.objects.filter(
        user=member, kind="tests.greeting", digested_at__isnull=True
    ).exists()


def test_a_read_notice_is_left_out_of_the_digest(world, member, texts):
    set_preference(user=member, kind="tests.greeting", sms="digest")
    greet(member)
    drain_outbox()
    Notification.objects.filter(user=member).update(read_at="2026-01-01T00:00:00Z")
    assert send_digests() == 0


def test_a_choice_that_does_not_exist_is_refused(world, member):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        set_preference(user=member, kind="tests.greeting", sms="hourly")
    with pytest.raises(ValidationError):
        set_preference(user=member, kind="tests.quiet", sms="now")  # never a text
    assert not NotificationPreference.objects.exists()


def test_a_kind_registered_twice_differently_is_a_programming_error():
    with pytest.raises(ValueError):
        register_kind(Kind("tests.greeting", "another label"))
    assert get_kind("tests.greeting").label == "greeting"


def test_the_preferences_page_saves_the_choice_and_refuses_a_bad_one(world, member, client):
    client.force_login(member)
    page = client.get("/net/inbox/preferences/")
    assert page.status_code == 200
    assert "sms-tests.greeting" in page.content.decode()
    assert "sms-tests.quiet" not in page.content.decode()
    response = client.post("/net/inbox/preferences/", {"sms-tests.greeting": "digest"})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=member, kind="tests.greeting").sms == "digest"
    response = client.post("/net/inbox/preferences/", {"sms-tests.greeting": "x\x00"}, follow=True)
    assert response.status_code in (200, 400)
    assert NotificationPreference.objects.get(user=member, kind="tests.greeting").sms == "digest"


def test_the_preferences_page_needs_a_sign_in(client):
    response = client.get("/net/inbox/preferences/")
    assert response.status_code == 302


def test_a_notice_to_its_own_actor_is_not_sent(world, member):
    assert notify(key="self", kind="tests.quiet", recipients=[member], actor=member) == 0
    assert not OutboxMessage.objects.filter(dedupe_key__startswith="self").exists()

"""Rate limits: verification codes per phone and per address, residents' submissions
per hour, Open311 posts per key. A refusal is a 429 with a message in the user's
language and a Retry-After; the cache is cleared around every test (tests/conftest.py)."""

import datetime
import json
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings as django_settings

from core import ratelimit
from core.notify.sms import MemorySMSBackend
from core.ratelimit import Limit, RateLimited
from grid.models import Category, Open311Key, ServiceRequest, VerificationCode

START = 1_800_000_000 - 1_800_000_000 % 3600  # the start of an hour window


@pytest.fixture
def clock(monkeypatch):
    now = [float(START)]
    monkeypatch.setattr(ratelimit, "_now", lambda: now[0])
    return now


@pytest.fixture
def english(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def sms(settings):
    settings.PORTAL_SMS_BACKEND = "core.notify.sms.MemorySMSBackend"
    MemorySMSBackend.outbox = []
    return MemorySMSBackend.outbox


@pytest.fixture
def limits(settings):
    def set_limits(**scopes):
        settings.PORTAL_RATE_LIMITS = {
            **settings.PORTAL_RATE_LIMITS,
            **{name.replace("_", "-").replace("--", ":"): v for name, v in scopes.items()},
        }

    return set_limits


def refused_page(response):
    assert response.status_code == 429, response.content[:300]
    assert int(response["Retry-After"]) > 0
    content = response.content.decode()
    assert 'data-testid="refused"' in content
    return content


def refused_json(response):
    assert response.status_code == 429, response.content[:300]
    assert int(response["Retry-After"]) > 0
    return json.loads(response.content)["detail"]


# --- the counter ----------------------------------------------------------------------


def test_fixed_windows_count_and_reset(clock):
    limits = [Limit(2, 60), Limit(3, 3600)]
    ratelimit.hit("t", "k", limits)
    ratelimit.hit("t", "k", limits)
    with pytest.raises(RateLimited) as refused:
        ratelimit.hit("t", "k", limits)
    assert refused.value.retry_after == 60
    ratelimit.hit("t", "other", limits)  # another key has its own counters
    clock[0] += 60  # the next minute: the hour window still holds two
    ratelimit.hit("t", "k", limits)
    with pytest.raises(RateLimited) as refused:
        ratelimit.hit("t", "k", limits)
    assert refused.value.retry_after == 3600 - 60


def test_a_refused_hit_is_taken_back(clock):
    limits = [Limit(1, 60), Limit(3, 3600)]
    ratelimit.hit("t", "k", limits)
    for _ in range(5):  # refused by the minute: must not use up the hour
        with pytest.raises(RateLimited):
            ratelimit.hit("t", "k", limits)
    clock[0] += 60
    ratelimit.hit("t", "k", limits)
    clock[0] += 60
    ratelimit.hit("t", "k", limits)
    clock[0] += 60
    with pytest.raises(RateLimited):
        ratelimit.hit("t", "k", limits)


def test_the_configured_limits():
    limits = django_settings.PORTAL_RATE_LIMITS
    assert limits["verification-code:phone"] == [(1, 60), (5, 3600)]
    assert limits["verification-code:address"] == [(20, 3600)]
    assert limits["request-submit"] == [(20, 3600)]
    assert limits["open311-post"] == [(60, 60)]


def test_the_client_address_behind_trusted_proxies(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4")
    assert ratelimit.client_address(request) == "10.0.0.2"
    settings.PORTAL_PROXY_COUNT = 1
    assert ratelimit.client_address(request) == "1.2.3.4"  # never the spoofable first entry


# --- verification codes ---------------------------------------------------------------


def _send_code(client, phone, address="10.1.1.1"):
    return client.post("/net/signup/", {"send_code": "1", "phone": phone}, REMOTE_ADDR=address)


def _a_minute_later(clock):
    """Past the one-a-minute rule both of the limiter and of the codes' own record."""
    clock[0] += 61
    for code in VerificationCode.objects.all():
        code.created_at -= datetime.timedelta(seconds=61)
        code.save(update_fields=["created_at"])


def test_five_codes_an_hour_per_phone(db, english, sms, clock):
    for _ in range(5):
        assert _send_code(english, "13611112222").status_code == 302
        _a_minute_later(clock)
    content = refused_page(_send_code(english, "13611112222"))
    assert "Too many verification codes were asked for this phone" in content
    assert len(sms) == 5
    assert VerificationCode.objects.filter(phone="13611112222").count() == 5
    assert _send_code(english, "13611113333").status_code == 302  # another phone
    clock[0] += 3600
    assert _send_code(english, "13611112222").status_code == 302  # the next hour


def test_one_code_a_minute_per_phone_through_the_limiter(db, sms, clock):
    from grid.services import send_verification_code

    send_verification_code(phone="13611112222", address="10.1.1.1")
    for code in VerificationCode.objects.all():  # past the record's own minute only
        code.created_at -= datetime.timedelta(seconds=61)
        code.save(update_fields=["created_at"])
    with pytest.raises(RateLimited) as refused:
        send_verification_code(phone="13611112222", address="10.1.1.1")
    assert refused.value.retry_after <= 60
    assert len(sms) == 1


def test_codes_per_address(db, english, sms, clock, limits):
    limits(verification_code__address=[(3, 3600)])
    for n in range(3):
        assert _send_code(english, f"1361111000{n}").status_code == 302
    content = refused_page(_send_code(english, "13611110009"))
    assert "from your address" in content
    assert len(sms) == 3
    assert _send_code(english, "13611110009", address="10.9.9.9").status_code == 302


def test_invalid_phones_do_not_use_up_the_limit(db, english, sms, clock, limits):
    limits(verification_code__address=[(1, 3600)])
    assert _send_code(english, "12345").status_code == 400
    assert _send_code(english, "13611112222").status_code == 302


def test_the_refusal_is_in_the_users_language(db, client, sms, clock, limits):
    limits(verification_code__address=[(1, 3600)])
    _send_code(client, "13611110001")
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    response = _send_code(client, "13611110002")
    assert response.status_code == 429 and response["Content-Language"] == "en"
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = _send_code(client, "13611110002")
    assert response.status_code == 429 and response["Content-Language"] == "zh-hans"


# --- residents' submissions -----------------------------------------------------------


def _submission(world):
    return {
        "category": Category.objects.get(code="environment-rubbish").pk,
        "description": "路灯不亮",
        "building": world.buildings[0].pk,
    }


def test_submissions_per_resident_and_hour_on_pages_and_api(world, english, clock, limits):
    limits(request_submit=[(3, 3600)])
    english.force_login(world.users["resident"])
    before = ServiceRequest.objects.count()
    assert english.post("/net/requests/new/", _submission(world)).status_code == 302
    assert english.post("/net/requests/new/", {"category": ""}).status_code == 400  # not counted
    body = json.dumps(_submission(world))
    for _ in range(2):
        response = english.post("/api/v1/requests/", body, content_type="application/json")
        assert response.status_code == 201, response.content
    message = refused_json(english.post("/api/v1/requests/", body, content_type="application/json"))
    assert "many requests in the last hour" in message
    refused_page(english.post("/net/requests/new/", _submission(world)))
    assert ServiceRequest.objects.count() == before + 3
    clock[0] += 3600
    assert english.post("/net/requests/new/", _submission(world)).status_code == 302


def test_submissions_are_limited_per_user(world, client, clock, limits):
    limits(request_submit=[(1, 3600)])
    client.force_login(world.users["resident"])
    assert client.post("/net/requests/new/", _submission(world)).status_code == 302
    assert client.post("/net/requests/new/", _submission(world)).status_code == 429
    client.force_login(world.users["grid_member"])  # 代办 for a resident: own counter
    body = json.dumps({**_submission(world), "reporter": world.residents[0].pk})
    response = client.post("/api/v1/requests/", body, content_type="application/json")
    assert response.status_code == 201, response.content


# --- Open311 --------------------------------------------------------------------------


def _key(node=None):
    key = Open311Key(name="合作方", **({node.tier.value: node} if node else {}))
    plain = key.set_new_key()
    key.save()
    return plain


def _post311(client, key, world, fmt="json"):
    return client.post(
        f"/open311/v2/requests.{fmt}",
        {
            "api_key": key,
            "service_code": "environment-rubbish",
            "description": "井盖缺失",
            "address_id": world.buildings[0].code,
        },
    )


def test_open311_posts_per_key_and_minute(world, english, clock, limits):
    limits(open311_post=[(3, 60)])
    key, other = _key(), _key()
    before = ServiceRequest.objects.count()
    for _ in range(3):
        assert _post311(english, key, world).status_code == 201
    response = _post311(english, key, world)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    (error,) = json.loads(response.content)
    assert error["code"] == 429 and "with this key" in error["description"]
    response = _post311(english, key, world, "xml")
    assert response.status_code == 429
    assert ET.fromstring(response.content).findtext("error/code") == "429"
    assert ServiceRequest.objects.count() == before + 3
    assert _post311(english, other, world).status_code == 201  # another key
    clock[0] += 60
    assert _post311(english, key, world).status_code == 201


def test_open311_posts_with_bad_keys_count_too(world, english, clock, limits):
    limits(open311_post=[(2, 60)])
    for _ in range(2):
        assert _post311(english, "not-a-key", world).status_code == 403
    assert _post311(english, "not-a-key", world).status_code == 429


def test_open311_reads_are_not_limited(world, english, clock, limits):
    limits(open311_post=[(1, 60)])
    for _ in range(5):
        assert english.get("/open311/v2/requests.json").status_code == 200

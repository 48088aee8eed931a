"""The Redis cache fails open: with Redis unreachable every call answers as an empty
cache, quickly, and a resident's submission still goes through (the rate limit lets it
pass). The same with a real Redis stopped and started again: tests/faults."""

import logging
import time

import pytest

from core import ratelimit
from grid.models import Category, ServiceRequest
from yuyao_portal import cache as fail_open
from yuyao_portal.cache import FailOpenRedisCache

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1
DEAD_CACHES = {
    "default": {
        "BACKEND": "yuyao_portal.cache.FailOpenRedisCache",
        "LOCATION": DEAD_REDIS,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


@pytest.fixture
def dead():
    return FailOpenRedisCache(DEAD_REDIS, {"OPTIONS": {"socket_connect_timeout": 0.5}})


def test_every_operation_answers_as_an_empty_cache(dead):
    started = time.monotonic()
    assert dead.get("k") is None
    assert dead.get("k", "fallback") == "fallback"
    assert dead.get_many(["a", "b"]) == {}
    assert dead.has_key("k") is False
    assert dead.add("k", 1) is False
    assert dead.set("k", 1) is None
    assert dead.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert dead.touch("k") is False
    assert dead.delete("k") is False
    assert dead.delete_many(["a"]) is None
    assert dead.incr("k") == 1
    assert dead.incr("k", 5) == 5
    assert dead.decr("k") == -1
    assert dead.get_or_set("k", 7) == 7
    assert dead.clear() is False
    assert time.monotonic() - started < 5


def test_the_outage_is_logged_once_not_per_call(dead, caplog, monkeypatch):
    monkeypatch.setattr(fail_open, "_last_warning", 0.0)
    with caplog.at_level(logging.WARNING, logger="yuyao_portal.cache"):
        for _ in range(5):
            dead.get("k")
    assert len(caplog.records) == 1
    assert "Cache unreachable" in caplog.records[0].getMessage()


def test_other_errors_are_not_hidden():
    def bug(self, key):
        raise TypeError("a bug, not Redis")

    wrapped = fail_open._fail_open(lambda *args: None)(bug)
    with pytest.raises(TypeError):
        wrapped(None, "k")


def test_rate_limits_let_requests_through_without_redis(settings):
    settings.CACHES = DEAD_CACHES
    for _ in range(10):
        ratelimit.check("verification-code:phone", "13800000000")  # limit: 1 a minute


def test_a_resident_submits_with_redis_down(world, api_client, settings):
    settings.CACHES = DEAD_CACHES
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "request-submit": [(1, 3600)]}
    api_client.force_authenticate(world.user("resident"))
    category = Category.objects.get(code="environment-rubbish")
    before = ServiceRequest.objects.count()
    for n in range(3):
        response = api_client.post(
            "/api/v1/requests/",
            {"category": category.pk, "description": f"路灯不亮 {n}"},
            format="json",
        )
        assert response.status_code == 201, response.content
    assert ServiceRequest.objects.count() == before + 3


def test_the_production_cache_is_the_fail_open_one():
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "from django.conf import settings; c = settings.CACHES['default']; "
        "print(c['BACKEND'], c['OPTIONS']['socket_timeout'], "
        "settings.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'])"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "yuyao_portal.settings_test",
        "REDIS_URL": "redis://127.0.0.1:6379/3",
        "CELERY_VISIBILITY_TIMEOUT": "120",
    }
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["yuyao_portal.cache.FailOpenRedisCache", "1.0", "120"]

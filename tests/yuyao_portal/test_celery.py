"""Celery: eager without Redis; a real worker through Redis with REDIS_URL."""

from django.conf import settings

from yuyao_portal.tasks import ping


def test_ping_task_round_trip():
    result = ping.delay("yuyao")
    if settings.CELERY_TASK_ALWAYS_EAGER:
        assert result.get() == "pong:yuyao"
    else:
        # A real worker answers through the Redis broker (started by .ci/run).
        assert result.get(timeout=30) == "pong:yuyao"


def test_broker_follows_redis_url():
    if settings.REDIS_URL:
        assert settings.CELERY_BROKER_URL == settings.REDIS_URL
        assert not settings.CELERY_TASK_ALWAYS_EAGER
    else:
        assert settings.CELERY_TASK_ALWAYS_EAGER

"""The Celery app. With REDIS_URL, Redis is the broker; without it tasks run eagerly."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuyao_portal.settings")

app = Celery("yuyao_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

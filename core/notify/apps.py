from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "core.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self):
        # The drain task is enqueued by its name: registered with Celery before any
        # notice is queued.
        from . import tasks  # noqa: F401

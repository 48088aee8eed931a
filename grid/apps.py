from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridConfig(AppConfig):
    name = "grid"
    verbose_name = _("The net")

    def ready(self):
        from core.refusal import register_error_format
        from core.workdays.deadlines import register_sweep

        # The tasks are registered with Celery before any service enqueues one by name.
        from . import signals, tasks  # noqa: F401
        from .open311.render import refusal
        from .services.notify import sweep_deadlines

        register_error_format("/open311/", refusal)  # refusals before any Open311 view
        register_sweep("requests", sweep_deadlines)  # reminders and overdue notices

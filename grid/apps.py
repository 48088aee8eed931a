from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridConfig(AppConfig):
    name = "grid"
    verbose_name = _("The net")

    def ready(self):
        from core.notify.phones import register_phone_lookup
        from core.refusal import register_error_format
        from core.workdays.deadlines import register_sweep

        # The tasks are registered with Celery before any service enqueues one by name.
        from . import rules, signals, tasks  # noqa: F401  (rules: the request loop's parameters)
        from .open311.render import refusal
        from .services.notices import sweep_deadlines, user_phones

        register_error_format("/open311/", refusal)  # refusals before any Open311 view
        register_sweep("requests", sweep_deadlines)  # reminders and overdue notices
        register_phone_lookup(user_phones)  # where the daily digest texts go

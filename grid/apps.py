from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridConfig(AppConfig):
    name = "grid"
    verbose_name = _("The net")

    def ready(self):
        # The tasks are registered with Celery before any service enqueues one by name.
        from core.refusal import register_error_format

        from . import signals, tasks  # noqa: F401
        from .open311.render import refusal

        register_error_format("/open311/", refusal)

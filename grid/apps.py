from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridConfig(AppConfig):
    name = "grid"
    verbose_name = _("The net")

    def ready(self):
        from . import signals  # noqa: F401

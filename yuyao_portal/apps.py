from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "yuyao_portal"
    verbose_name = _("Portal")

    def ready(self):
        from . import audit
        from .dashboards import caching, rules  # noqa: F401  (the rule parameter)

        audit.connect()
        caching.connect()

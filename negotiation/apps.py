from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    """Residents' consultation (请你来协商, issue 14). At the layer of the modes: it
    imports the core and grid, no other mode."""

    name = "negotiation"
    verbose_name = _("Consultation")

    def ready(self):
        from core.workdays.deadlines import register_sweep
        from grid.demo import register_demo_step

        from . import notices, rules  # noqa: F401  (notice kinds and rule parameters)
        from .demo import seed_demo_consultation
        from .services import remind_reviews

        register_sweep("consultation", remind_reviews)
        register_demo_step("negotiation.consultation", seed_demo_consultation)

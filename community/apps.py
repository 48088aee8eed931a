from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    """Community life (issue 17): appointments with the community office, outside working
    hours too. At the layer of the modes: it imports the core and grid, no other mode."""

    name = "community"
    verbose_name = _("Community life")

    def ready(self):
        from core.workdays.deadlines import register_sweep
        from grid.demo import register_demo_step

        from . import notices, rules  # noqa: F401  (the notice kinds and rule parameters)
        from .demo import seed_demo_appointments, seed_demo_emergency, seed_demo_units
        from .services import send_reminders

        register_sweep("appointments", send_reminders)
        register_demo_step("community.appointments", seed_demo_appointments)
        register_demo_step("community.emergency", seed_demo_emergency)
        register_demo_step("community.units", seed_demo_units)

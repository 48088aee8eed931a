from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    """Volunteer service and cultural organisations (issue 13). At the layer of the
    modes: it imports the core and grid, no other mode."""

    name = "volunteers"
    verbose_name = _("Volunteers")

    def ready(self):
        from core.workdays.deadlines import register_sweep
        from grid.demo import register_demo_step

        from . import notices, rules  # noqa: F401  (the notice kinds and rule parameters)
        from .demo import seed_demo_volunteers
        from .mobilisation import connect
        from .services import send_reminders

        register_sweep("volunteers", send_reminders)
        register_demo_step("volunteers", seed_demo_volunteers)
        connect()  # the emergency link of core.mobilisation (issue 17)

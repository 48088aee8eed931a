from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    """Training and the workforce (issue 16): courses, sessions, QR attendance, hours,
    the archive and compliance, qualifications, the career ladder, residents' appraisal.
    At the layer of the modes: it imports the core and grid, no other mode."""

    name = "training"
    verbose_name = _("Training")

    def ready(self):
        from core.workdays.deadlines import register_sweep
        from grid.demo import register_demo_step

        from . import notices, rules, signals  # noqa: F401  (notice kinds, rule parameters, receivers)
        from .compliance import nightly
        from .demo import seed_demo_training
        from .services import send_qualification_reminders, send_reminders

        register_sweep("training-reminders", send_reminders)
        register_sweep("training-compliance", nightly)
        register_sweep("training-qualifications", send_qualification_reminders)
        register_demo_step("training", seed_demo_training)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    """Funding and admission (issue 15): the communities' ledger, special-fund projects,
    the public disclosure and departments' work admitted with its money. At the layer of
    the modes: it imports the core and grid, no other mode."""

    name = "funding"
    verbose_name = _("Funding")

    def ready(self):
        from core.workdays.deadlines import register_sweep
        from grid.demo import register_demo_step

        from . import notices, rules  # noqa: F401  (the notice kinds and rule parameters)
        from .demo import seed_demo_funding
        from .disclosure import alert_disclosures

        register_sweep("funding.disclosures", alert_disclosures)
        register_demo_step("funding", seed_demo_funding)

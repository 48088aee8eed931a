"""The rule parameters of residents' consultation with their defaults
(negotiation/rules.py), and the roles granted the consultation permissions."""

from django.db import migrations

from core.rules.migration_helpers import install_defaults

PORTAL = "居民协商（门户默认值，DOMAIN.md）"
ROWS = [
    ("consultation.review_working_days", "5", PORTAL, "2026-12-01"),
    ("consultation.support_basis", "household", PORTAL, "2026-12-01"),
    ("consultation.support_households", "10", PORTAL, "2026-12-01"),
    ("consultation.support_building_share_percent", "0", PORTAL, "2026-12-01"),
    ("consultation.proxies_per_holder", "2", PORTAL, "2026-12-01"),
    ("consultation.meeting_quorum_percent", "50", PORTAL, "2026-12-01"),
    ("consultation.notice_days", "7", PORTAL, "2026-12-01"),
    ("consultation.acceptance_percent", "60", PORTAL, "2026-12-01"),
    ("consultation.acceptance_minimum_ratings", "5", PORTAL, "2026-12-01"),
]


def forwards(apps, schema_editor):
    from grid.services import install_role_permissions
    from negotiation.permissions import ROLE_PERMISSIONS

    install_defaults(apps, schema_editor, ROWS)
    install_role_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("negotiation", "0001_initial"),
        ("rules", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

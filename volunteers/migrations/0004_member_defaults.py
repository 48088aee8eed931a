"""The rule parameters of the in-service members' lists with their defaults, and the
roles granted the permissions on reports, needs and small wishes."""

from django.db import migrations

from core.rules.migration_helpers import install_defaults

PORTAL = "志愿服务（门户默认值）"
ROWS = [
    ("volunteers.wishes_open_per_resident", "3", PORTAL, "2026-12-01"),
    ("volunteers.need_claims_open_per_member", "5", PORTAL, "2026-12-01"),
]


def forwards(apps, schema_editor):
    from grid.services import install_role_permissions
    from volunteers.permissions import ROLE_PERMISSIONS

    install_defaults(apps, schema_editor, ROWS)
    install_role_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0003_member_reports_needs_wishes"),
        ("rules", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

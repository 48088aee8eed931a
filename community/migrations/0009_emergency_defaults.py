"""The offices open and close emergencies; the posts on the net follow them and answer
the roll call for households; the rule parameters' defaults."""

from django.db import migrations

from core.rules.migration_helpers import install_defaults

PORTAL = "社区应急状态（门户默认值）"
ROWS = [
    ("emergency.help_category", "livelihood-urgent", PORTAL, "2026-12-07"),
    ("emergency.coverage_goal_percent", "80", PORTAL, "2026-12-07"),
]


def forwards(apps, schema_editor):
    from community.permissions import ROLE_PERMISSIONS
    from grid.services import install_role_permissions

    install_role_permissions(apps, ROLE_PERMISSIONS)
    install_defaults(apps, schema_editor, ROWS)


class Migration(migrations.Migration):
    dependencies = [("community", "0008_emergency"), ("rules", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""The offices keep an eye on the groups (hide posts, close a group); defaults."""

from django.db import migrations

from core.rules.migration_helpers import install_defaults

PORTAL = "居民兴趣小组（门户默认值）"
ROWS = [
    ("groups.max_led_per_person", "2", PORTAL, "2026-12-07"),
    ("groups.posts_per_day", "20", PORTAL, "2026-12-07"),
]


def forwards(apps, schema_editor):
    from community.permissions import ROLE_PERMISSIONS
    from grid.services import install_role_permissions

    install_role_permissions(apps, ROLE_PERMISSIONS)
    install_defaults(apps, schema_editor, ROWS)


class Migration(migrations.Migration):
    dependencies = [("community", "0010_interest_groups"), ("rules", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

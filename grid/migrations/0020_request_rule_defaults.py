"""The request loop's numbers as rule parameters of the county (grid/rules.py): the
defaults of DOMAIN.md, each with its source and the date it took effect. A county admin
changes them in admin; a street or a community may set its own."""

from django.db import migrations

from core.rules.migration_helpers import install_defaults

HOTLINE = "12345 热线规范（国办发〔2020〕53号）与数字化城市管理实践"
PORTAL = "门户默认值"
ROWS = [
    ("requests.register_limit_hours", "1", HOTLINE, "2020-12-28"),
    ("requests.reminder_share", "0.2", HOTLINE, "2020-12-28"),
    ("requests.reminder_max_working_hours", "7.5", HOTLINE, "2020-12-28"),
    ("requests.return_visit_after_working_days", "1", HOTLINE, "2020-12-28"),
    ("requests.extension_max_working_days", "30", HOTLINE, "2020-12-28"),
    ("requests.suspension_max_days", "90", HOTLINE, "2020-12-28"),
    ("requests.photos_per_step", "6", PORTAL, "2026-01-01"),
    ("requests.photo_max_megabytes", "10", PORTAL, "2026-01-01"),
]


def forwards(apps, schema_editor):
    install_defaults(apps, schema_editor, ROWS)
    from grid.permissions import ROLE_PERMISSIONS
    from grid.services import install_role_permissions

    install_role_permissions(apps, ROLE_PERMISSIONS)  # the county keeps the rules


class Migration(migrations.Migration):
    dependencies = [("grid", "0019_notify_to_core"), ("rules", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

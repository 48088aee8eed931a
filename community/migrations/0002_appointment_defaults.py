"""The rule parameters of appointments with their defaults (community/rules.py), and the
offices' roles granted the appointment permissions."""

from django.db import migrations

from core.rules.migration_helpers import install_defaults

PORTAL = "社区办公时间之外的预约服务（门户默认值）"
ROWS = [
    ("appointments.weekday_opens", "08:30", PORTAL, "2026-12-01"),
    ("appointments.weekday_closes", "20:30", PORTAL, "2026-12-01"),
    ("appointments.weekend_open", "yes", PORTAL, "2026-12-01"),
    ("appointments.weekend_opens", "09:00", PORTAL, "2026-12-01"),
    ("appointments.weekend_closes", "17:00", PORTAL, "2026-12-01"),
    ("appointments.book_days_ahead", "14", PORTAL, "2026-12-01"),
    ("appointments.cancel_before_hours", "2", PORTAL, "2026-12-01"),
    ("appointments.reminder_before_hours", "24", PORTAL, "2026-12-01"),
    ("appointments.max_active_per_person", "3", PORTAL, "2026-12-01"),
]


def forwards(apps, schema_editor):
    from community.permissions import ROLE_PERMISSIONS
    from grid.services import install_role_permissions

    install_defaults(apps, schema_editor, ROWS)
    install_role_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0001_initial"),
        ("rules", "0001_initial"),
        ("grid", "0021_request_place_unmatched"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""The rule parameters of volunteer service with their defaults (volunteers/rules.py), and
the roles granted the volunteer permissions (volunteers/permissions.py)."""

from django.db import migrations

from core.rules.migration_helpers import install_defaults

REGULATION = "志愿服务记录与证明出具办法（2020）及浙江实践"
STARS = "志愿者星级认定（按确认服务时长）"
PORTAL = "志愿服务（门户默认值）"
TIMEBANK = "养老服务时间银行（地方实践）"
ROWS = [
    ("volunteers.hours_step", "0.5", REGULATION, "2021-02-01"),
    ("volunteers.cancel_before_hours", "12", PORTAL, "2026-12-01"),
    ("volunteers.reminder_before_hours", "24", PORTAL, "2026-12-01"),
    ("volunteers.correction_answer_days", "5", REGULATION, "2021-02-01"),
    ("volunteers.adult_age", "18", REGULATION, "2021-02-01"),
    ("volunteers.checkin_early_minutes", "30", PORTAL, "2026-12-01"),
    ("volunteers.star_1_hours", "100", STARS, "2021-02-01"),
    ("volunteers.star_2_hours", "300", STARS, "2021-02-01"),
    ("volunteers.star_3_hours", "600", STARS, "2021-02-01"),
    ("volunteers.star_4_hours", "1000", STARS, "2021-02-01"),
    ("volunteers.star_5_hours", "1500", STARS, "2021-02-01"),
    ("timebank.minimum_balance", "2", TIMEBANK, "2026-12-01"),
    ("timebank.eligible_tags", "elderly", TIMEBANK, "2026-12-01"),
]


def forwards(apps, schema_editor):
    from grid.services import install_role_permissions
    from volunteers.permissions import ROLE_PERMISSIONS

    install_defaults(apps, schema_editor, ROWS)
    install_role_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0001_initial"),
        ("rules", "0001_initial"),
        ("grid", "0021_request_place_unmatched"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""The rule parameters of training with their defaults (training/rules.py), and the
offices' roles granted the training permissions (training/permissions.py)."""

from django.db import migrations

from core.rules.migration_helpers import install_defaults

SOURCE = "干部和社工培训规则（DOMAIN.md）"
ROWS = [
    ("training.hours_full_day", "8", SOURCE, "2026-12-01"),
    ("training.hours_half_day", "4", SOURCE, "2026-12-01"),
    ("training.hours_per_hour", "1", SOURCE, "2026-12-01"),
    ("training.quota_party_member", "32", SOURCE, "2026-12-01"),
    ("training.quota_secretary", "56", SOURCE, "2026-12-01"),
    ("training.quota_township", "90", SOURCE, "2026-12-01"),
    ("training.quota_worker", "32", SOURCE, "2026-12-01"),
    ("training.county_level_for_secretaries", "yes", SOURCE, "2026-12-01"),
    ("training.leave_withdraws_above_1_in", "7", SOURCE, "2026-12-01"),
    ("training.rotation_years", "3", SOURCE, "2026-12-01"),
    ("training.late_after_minutes", "15", SOURCE, "2026-12-01"),
    ("training.registration_years", "3", SOURCE, "2026-12-01"),
    ("training.ce_hours_assistant", "72", SOURCE, "2026-12-01"),
    ("training.ce_hours_intermediate_senior", "90", SOURCE, "2026-12-01"),
    ("training.expiry_alert_days", "60", SOURCE, "2026-12-01"),
    ("training.year_end_alert_month", "10", SOURCE, "2026-12-01"),
    ("training.band_head", "7-18", SOURCE, "2026-12-01"),
    ("training.band_deputy", "4-15", SOURCE, "2026-12-01"),
    ("training.band_other", "1-12", SOURCE, "2026-12-01"),
    ("training.workers_per_10k_residents", "18", SOURCE, "2026-12-01"),
    ("training.young_under_age", "35", SOURCE, "2026-12-01"),
]


def forwards(apps, schema_editor):
    from grid.services import install_role_permissions
    from training.permissions import ROLE_PERMISSIONS

    install_defaults(apps, schema_editor, ROWS)
    install_role_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_initial"),
        ("rules", "0001_initial"),
        ("grid", "0021_request_place_unmatched"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

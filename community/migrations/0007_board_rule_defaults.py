from django.db import migrations

from core.rules.migration_helpers import install_defaults

PORTAL = "社区居民留言板（门户默认值）"
ROWS = [
    ("board.hide_after_reports", "3", PORTAL, "2026-12-01"),
    ("board.posts_per_day", "5", PORTAL, "2026-12-01"),
]


def forwards(apps, schema_editor):
    install_defaults(apps, schema_editor, ROWS)


class Migration(migrations.Migration):
    dependencies = [("community", "0006_board_grants"), ("rules", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

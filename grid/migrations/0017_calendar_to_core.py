"""The working calendar belongs to the core (core.workdays): the model leaves grid's
state, its table stays, and its content type (with the permissions and the role grants
on it) is relabelled."""

from django.db import migrations

from core.migrating import move_content_types, unmove_content_types

MOVES = [("grid", "workdays", "calendarday")]


def forwards(apps, schema_editor):
    move_content_types(apps, MOVES)
    from grid.permissions import ROLE_PERMISSIONS
    from grid.services import install_role_permissions

    install_role_permissions(apps, ROLE_PERMISSIONS)


def backwards(apps, schema_editor):
    unmove_content_types(apps, MOVES)


class Migration(migrations.Migration):
    dependencies = [
        ("grid", "0016_request_community_created_index"),
        ("workdays", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="CalendarDay")],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]

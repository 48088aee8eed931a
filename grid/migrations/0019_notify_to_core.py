"""The outbox and the inbox belong to the core (core.notify): they leave grid's state,
their tables stay, and their content types (with the permissions and role grants on
them) are relabelled."""

from django.db import migrations

from core.migrating import move_content_types, unmove_content_types

MOVES = [("grid", "notify", "outboxmessage"), ("grid", "notify", "notification")]


def forwards(apps, schema_editor):
    move_content_types(apps, MOVES)
    from grid.permissions import ROLE_PERMISSIONS
    from grid.services import install_role_permissions

    install_role_permissions(apps, ROLE_PERMISSIONS)


def backwards(apps, schema_editor):
    unmove_content_types(apps, MOVES)


class Migration(migrations.Migration):
    dependencies = [
        ("grid", "0018_notification_subject"),
        ("notify", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Notification"),
                migrations.DeleteModel(name="OutboxMessage"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]

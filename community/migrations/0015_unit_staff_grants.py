"""A unit's staff read the directory, the needs list and the commitments of their
community."""

from django.db import migrations


def forwards(apps, schema_editor):
    from community.permissions import ROLE_PERMISSIONS
    from grid.services import install_role_permissions

    install_role_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("community", "0014_unit_grants")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""The offices keep the directory of units on the net, the needs list and the
commitments; the county reads them; grid members read the directory."""

from django.db import migrations


def forwards(apps, schema_editor):
    from community.permissions import ROLE_PERMISSIONS
    from grid.services import install_role_permissions

    install_role_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("community", "0013_units")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""The offices answer and hide board messages; grid members read them."""

from django.db import migrations


def forwards(apps, schema_editor):
    from community.permissions import ROLE_PERMISSIONS
    from grid.services import install_role_permissions

    install_role_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("community", "0005_board")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

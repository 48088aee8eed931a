from django.db import migrations


def install(apps, schema_editor):
    from grid.services import install_role_permissions
    from yuyao_portal.permissions import ROLE_PERMISSIONS

    install_role_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("yuyao_portal", "0001_initial"),
        ("grid", "0003_install_role_permissions"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]

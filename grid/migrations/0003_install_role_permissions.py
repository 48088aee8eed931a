from django.db import migrations


def install(apps, schema_editor):
    from grid.permissions import ROLE_PERMISSIONS
    from grid.services import install_role_permissions

    install_role_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("grid", "0002_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]

from django.db import migrations

TAGS = [
    ("elderly_alone", "独居老人", "Elderly living alone"),
    ("disabled", "残疾人家庭", "Disabled member"),
    ("low_income", "低保户", "Low-income"),
    ("veteran", "退役军人家庭", "Veteran's family"),
    ("key_care", "重点关注", "Key care"),
]


def install(apps, schema_editor):
    from grid.permissions import ROLE_PERMISSIONS
    from grid.services import install_role_permissions

    HouseholdTag = apps.get_model("grid", "HouseholdTag")
    for code, name, name_en in TAGS:
        HouseholdTag.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en})
    install_role_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("grid", "0005_people")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]

import django.db.models.deletion
from django.db import migrations, models


def copy_request_to_subject(apps, schema_editor):
    """The notice's request becomes its subject: notifications are about any object."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Notification = apps.get_model("grid", "Notification")
    if not Notification.objects.filter(request__isnull=False).exists():
        return
    kind, _created = ContentType.objects.get_or_create(app_label="grid", model="servicerequest")
    Notification.objects.filter(request__isnull=False).update(
        subject_type=kind, subject_id=models.F("request_id")
    )


def copy_subject_to_request(apps, schema_editor):
    Notification = apps.get_model("grid", "Notification")
    Notification.objects.filter(
        subject_type__app_label="grid", subject_type__model="servicerequest"
    ).update(request_id=models.F("subject_id"))


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("grid", "0017_calendar_to_core"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="digested_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="in a digest at"),
        ),
        migrations.AddField(
            model_name="notification",
            name="subject_id",
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="about (id)"),
        ),
        migrations.AddField(
            model_name="notification",
            name="subject_type",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="contenttypes.contenttype",
                verbose_name="about (type)",
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(max_length=40, verbose_name="kind"),
        ),
        migrations.RunPython(copy_request_to_subject, copy_subject_to_request),
        migrations.RemoveField(
            model_name="notification",
            name="request",
        ),
    ]

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("grid", "0020_request_rule_defaults"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="servicerequest",
            name="request_has_a_place",
        ),
        migrations.AddField(
            model_name="servicerequest",
            name="place_text",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                max_length=300,
                verbose_name="place as reported",
            ),
        ),
        migrations.AddField(
            model_name="servicerequest",
            name="place_unmatched",
            field=models.BooleanField(
                db_default=False,
                default=False,
                help_text="Reported with an address or coordinates that match no building of the net: the registering worker places it.",
                verbose_name="place not matched",
            ),
        ),
        migrations.AddConstraint(
            model_name="servicerequest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("building__isnull", False),
                    ("grid__isnull", False),
                    ("place_unmatched", True),
                    _connector="OR",
                ),
                name="request_has_a_place",
            ),
        ),
    ]

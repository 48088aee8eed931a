# A community's requests in a time window whatever their state (Open311 requests.json).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("grid", "0015_request_supports_and_return_visits"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="servicerequest",
            index=models.Index(fields=["community", "created_at"], name="request_comm_created"),
        ),
    ]

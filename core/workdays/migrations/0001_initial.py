"""The working calendar moves from grid into the core: the table stays ``grid_calendarday``;
only Django's record of which app owns it changes (grid 0017 drops it from grid)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("grid", "0016_request_community_created_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CalendarDay",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("date", models.DateField(unique=True, verbose_name="date")),
                        ("is_workday", models.BooleanField(verbose_name="working day")),
                        ("note", models.CharField(blank=True, max_length=64, verbose_name="note")),
                    ],
                    options={
                        "verbose_name": "calendar day",
                        "verbose_name_plural": "working calendar",
                        "db_table": "grid_calendarday",
                        "ordering": ["date"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]

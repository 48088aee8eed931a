import pytest


@pytest.fixture
def world(world):
    """The shared world without the records that tests/training/world.py adds to it:
    these tests start from a county that has organised nothing yet."""
    from training.models import (
        Attendance,
        Campaign,
        Compliance,
        Course,
        Enrolment,
        GradeRecord,
        Nomination,
        Qualification,
        Rating,
    )

    for model in (Rating, Campaign, Nomination, GradeRecord, Qualification, Compliance):
        model.objects.all().delete()
    Attendance.objects.all().delete()
    Enrolment.objects.all().delete()
    Course.objects.all().delete()
    return world

import pytest


@pytest.fixture
def world(world):
    """The shared world without the slots that tests/community/world.py adds to it: these
    tests start from an office that has opened nothing yet."""
    from community.models import (
        Appointment,
        AppointmentEvent,
        AppointmentSlot,
        BoardPost,
        Emergency,
        InterestGroup,
        Notice,
    )

    Emergency.objects.all().delete()
    InterestGroup.objects.all().delete()
    BoardPost.objects.all().delete()
    Notice.objects.all().delete()
    AppointmentEvent.objects.all().delete()
    Appointment.objects.all().delete()
    AppointmentSlot.objects.all().delete()
    return world

import pytest


@pytest.fixture
def world(world):
    """The shared world without the consultation records tests/negotiation/world.py adds:
    these tests start from a community that has raised nothing yet."""
    from negotiation.models import (
        Ballot,
        HouseholdArea,
        Meeting,
        Resolution,
        Support,
        Topic,
        Vote,
    )

    Resolution.objects.all().delete()
    Ballot.objects.all().delete()
    Vote.objects.all().delete()
    Meeting.objects.all().delete()
    Support.objects.all().delete()
    Topic.objects.all().delete()
    HouseholdArea.objects.all().delete()
    return world

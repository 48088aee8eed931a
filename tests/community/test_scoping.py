"""Who sees which slots and bookings: through the one scoping, both entry points agree."""

import pytest

from community import services
from community.models import Appointment, AppointmentSlot

from .helpers import make_slot

VIEWERS = [
    "county_admin",
    "street_admin",
    "other_street_admin",
    "community_secretary",
    "community_worker",
    "grid_member",
    "building_leader",
    "resident",
    "outsider",
]


@pytest.fixture
def booked(world):
    mine = make_slot(world.communities[0], hour=18)
    other = make_slot(world.communities[2], hour=18)
    appointment = services.book_appointment(user=world.user("resident"), slot=mine)
    return mine, other, appointment


@pytest.mark.parametrize("persona", VIEWERS)
def test_for_user_and_has_perm_agree_on_slots_and_bookings(world, booked, persona):
    user = world.user(persona)
    for model in (AppointmentSlot, Appointment):
        visible = set(model.objects.for_user(user).values_list("pk", flat=True))
        for obj in model.objects.all():
            perm = f"community.view_{model._meta.model_name}"
            assert (obj.pk in visible) == user.has_perm(perm, obj), (persona, model, obj.pk)


def test_residents_see_their_own_communitys_slots_and_their_own_bookings(world, booked):
    mine, other, appointment = booked
    resident = world.user("resident")
    assert set(AppointmentSlot.objects.for_user(resident)) == {mine}
    assert list(Appointment.objects.for_user(resident)) == [appointment]
    neighbour_view = AppointmentSlot.objects.for_user(world.user("outsider"))
    assert not neighbour_view.exists()


def test_the_community_office_sees_its_bookings_and_not_anothers(world, booked):
    mine, other, appointment = booked
    worker = world.user("community_worker")
    assert list(Appointment.objects.for_user(worker)) == [appointment]
    assert set(AppointmentSlot.objects.for_user(worker)) == {mine}
    assert not Appointment.objects.for_user(world.user("other_street_admin")).exists()
    assert not Appointment.objects.for_user(world.user("grid_member")).exists()

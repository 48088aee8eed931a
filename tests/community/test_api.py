"""The appointments API (/api/v1/community/)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.models import Appointment, AppointmentSlot

from .helpers import make_slot, next_weekday, resident_user

BASE = "/api/v1/community"


def test_a_resident_lists_open_slots_and_books_one(world, api_client):
    slot = make_slot(world.communities[0], capacity=2)
    make_slot(world.communities[1])
    api_client.force_authenticate(world.user("resident"))
    listed = api_client.get(f"{BASE}/slots/").json()
    assert [row["id"] for row in listed["results"]] == [slot.pk]
    assert listed["results"][0]["places_left"] == 2
    created = api_client.post(
        f"{BASE}/appointments/", {"slot": slot.pk, "note": "党员组织关系转接"}, format="json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["state"] == "booked"
    again = api_client.post(f"{BASE}/appointments/", {"slot": slot.pk}, format="json")
    assert again.status_code == 409 and "已预约" in again.json()["detail"]


def test_a_slot_of_another_community_is_not_found_for_booking(world, api_client):
    slot = make_slot(world.communities[2])
    api_client.force_authenticate(world.user("resident"))
    refused = api_client.post(f"{BASE}/appointments/", {"slot": slot.pk}, format="json")
    assert refused.status_code == 422
    assert not Appointment.objects.exists()


def test_bad_input_is_a_clear_400(world, api_client):
    api_client.force_authenticate(world.user("resident"))
    for body in ({"slot": "x"}, {"slot": 10**30}, {"slot": 1, "note": "a\x00b"}, {"extra": 1}):
        answer = api_client.post(f"{BASE}/appointments/", body, format="json")
        assert answer.status_code in (400, 422), (body, answer.status_code)
    api_client.force_authenticate(world.user("community_worker"))
    answer = api_client.post(
        f"{BASE}/slots/",
        {
            "community": world.communities[0].pk,
            "service": "certificate",
            "day": "2026-13-40",
            "start": "25:00",
            "end": "18:00",
        },
        format="json",
    )
    assert answer.status_code == 400 and {"day", "start"} <= set(answer.json())


def test_the_office_opens_slots_and_closes_one_through_the_api(world, api_client):
    api_client.force_authenticate(world.user("community_worker"))
    day = next_weekday(3)
    opened = api_client.post(
        f"{BASE}/slots/",
        {
            "community": world.communities[0].pk,
            "service": "consultation",
            "day": day.isoformat(),
            "start": "18:00",
            "end": "19:00",
            "minutes": 30,
            "capacity": 2,
        },
        format="json",
    )
    assert opened.status_code == 201, opened.content
    assert len(opened.json()) == 2
    late = api_client.post(
        f"{BASE}/slots/",
        {
            "community": world.communities[0].pk,
            "service": "consultation",
            "day": day.isoformat(),
            "start": "21:00",
            "end": "22:00",
        },
        format="json",
    )
    assert late.status_code == 422 and "20:30" in str(late.json())
    slot_id = opened.json()[0]["id"]
    closed = api_client.post(f"{BASE}/slots/{slot_id}/close/", {"reason": "停电"}, format="json")
    assert closed.status_code == 200 and closed.json()["is_open"] is False
    api_client.force_authenticate(world.user("resident"))
    assert api_client.post(
        f"{BASE}/slots/{slot_id}/close/", {"reason": "x"}, format="json"
    ).status_code in (403, 404)


def test_the_resident_cancels_through_the_api(world, api_client):
    slot = make_slot(world.communities[0])
    api_client.force_authenticate(world.user("resident"))
    booked = api_client.post(f"{BASE}/appointments/", {"slot": slot.pk}, format="json").json()
    cancelled = api_client.post(f"{BASE}/appointments/{booked['id']}/cancel/", {}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    api_client.force_authenticate(world.user("outsider"))
    assert (
        api_client.post(
            f"{BASE}/appointments/{booked['id']}/cancel/", {}, format="json"
        ).status_code
        == 404
    )


def test_the_appointment_list_does_not_grow_queries_with_its_size(world, api_client):
    worker = world.user("community_worker")
    api_client.force_authenticate(worker)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert api_client.get(f"{BASE}/appointments/").status_code == 200
        return len(queries)

    slot = make_slot(world.communities[0], capacity=10)
    for n in range(2):
        Appointment.objects.create(
            slot=slot,
            user=resident_user(world.households[0], f"a{n}"),
            resident=world.residents[0],
        )
    count()  # the post's grants are cached after the first request
    few = count()
    for n in range(2, 8):
        Appointment.objects.create(
            slot=slot,
            user=resident_user(world.households[0], f"a{n}"),
            resident=world.residents[0],
        )
    assert count() == few
    assert AppointmentSlot.objects.count() == 1

"""A slot is never overbooked and nobody holds it twice, under real concurrent
connections on PostgreSQL (skipped on SQLite, whose writes are serial anyway)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from community import services
from community.models import Appointment, AppointmentSlot

from ..factories import build_world
from .helpers import make_slot, resident_user

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="real concurrent connections: PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def run_together(callables):
    barrier = threading.Barrier(len(callables))
    outcomes = [None] * len(callables)

    def worker(index, call):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = ("ok", call())
        except ValidationError as exc:
            outcomes[index] = ("refused", " ".join(exc.messages))
        except Exception as exc:  # noqa: BLE001  (reported by the assertion below)
            outcomes[index] = ("error", repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(callables)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_twenty_residents_race_for_three_places():
    world = build_world()
    slot = make_slot(world.communities[0], capacity=3)
    household = world.residents[0].household
    users = [resident_user(household, f"racer{n}") for n in range(20)]
    outcomes = run_together(
        [lambda u=u: services.book_appointment(user=u, slot=slot) for u in users]
    )
    kinds = [kind for kind, _detail in outcomes]
    assert "error" not in kinds, outcomes
    assert kinds.count("ok") == 3 and kinds.count("refused") == 17
    assert all("约满" in detail for kind, detail in outcomes if kind == "refused")
    slot.refresh_from_db()
    assert slot.booked == 3 == Appointment.objects.filter(slot=slot, state="booked").count()


def test_one_person_clicking_ten_times_books_once():
    world = build_world()
    slot = make_slot(world.communities[0], capacity=5)
    user = world.user("resident")
    outcomes = run_together([lambda: services.book_appointment(user=user, slot=slot)] * 10)
    kinds = [kind for kind, _detail in outcomes]
    assert "error" not in kinds, outcomes
    assert kinds.count("ok") == 1
    assert AppointmentSlot.objects.get(pk=slot.pk).booked == 1


def test_a_household_answering_from_ten_phones_at_once_has_one_answer():
    from community.models import Emergency, RollCallAnswer

    world = build_world()
    Emergency.objects.all().delete()
    emergency = services.open_emergency(
        by=world.user("community_worker"),
        node=world.communities[0],
        kind="typhoon",
        title="台风防御",
        message="关好门窗。",
    )
    household = world.residents[0].household
    members = [world.user("resident")] + [resident_user(household, f"member{n}") for n in range(9)]
    outcomes = run_together(
        [
            lambda u=u: services.answer_roll_call(by=u, emergency=emergency, status="safe")
            for u in members
        ]
    )
    assert [kind for kind, _detail in outcomes] == ["ok"] * 10, outcomes
    assert RollCallAnswer.objects.filter(emergency=emergency, household=household).count() == 1


def test_two_staff_accepting_overlapping_room_requests_at_once_book_it_once():
    import datetime

    from django.utils import timezone

    from community.models import ResourceRequest, Unit, UnitResource

    world = build_world()
    room = UnitResource.objects.get(unit=Unit.objects.get(name="阳光物业"), kind="room")
    day = timezone.localdate() + datetime.timedelta(days=4)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(19)))
    asked = []
    for n in range(6):
        user = resident_user(world.residents[0].household, f"asker{n}")
        asked.append(
            services.request_resource(
                by=user,
                resource=room,
                purpose=f"活动{n}",
                starts_at=start + datetime.timedelta(minutes=10 * n),
                ends_at=start + datetime.timedelta(hours=2),
            )
        )
    answerers = [world.user("unit_staff"), world.user("community_worker")] * 3
    outcomes = run_together(
        [
            lambda r=r, by=by: services.accept_request(by=by, request=r)
            for r, by in zip(asked, answerers, strict=True)
        ]
    )
    kinds = [kind for kind, _detail in outcomes]
    assert "error" not in kinds, outcomes
    assert kinds.count("ok") == 1 and kinds.count("refused") == 5
    assert ResourceRequest.objects.filter(resource=room, state="accepted").count() == 1

"""Appointments with the community office: the services' rules (issue 17)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from community import services
from community.models import Appointment, AppointmentEvent, AppointmentSlot, Service
from core.notify.models import OutboxMessage
from core.rules.models import RuleValue
from core.timeline import Conflict
from grid.models import Resident
from grid.scoping import OutOfScope

from .helpers import make_slot, next_weekday, resident_user

SATURDAY = 5


def test_the_office_opens_evening_slots_cut_into_times(world):
    worker = world.user("community_worker")
    day = next_weekday(2)
    slots = services.open_slots(
        by=worker,
        community=world.communities[0],
        service=Service.CERTIFICATE,
        day=day,
        start=datetime.time(18, 0),
        end=datetime.time(20, 0),
        minutes=30,
        capacity=2,
        place="党群服务中心",
    )
    assert [timezone.localtime(s.starts_at).strftime("%H:%M") for s in slots] == [
        "18:00",
        "18:30",
        "19:00",
        "19:30",
    ]
    assert all(s.community_id == world.communities[0].pk and s.capacity == 2 for s in slots)
    assert slots[0].street_id == world.streets[0].pk


def test_slots_after_the_evening_closing_time_are_refused(world):
    with pytest.raises(ValidationError) as refused:
        services.open_slots(
            by=world.user("community_worker"),
            community=world.communities[0],
            service=Service.CERTIFICATE,
            day=next_weekday(2),
            start=datetime.time(20, 0),
            end=datetime.time(21, 30),
            minutes=30,
        )
    assert "20:30" in str(refused.value)
    assert not AppointmentSlot.objects.exists()


def test_weekend_hours_are_the_rule_and_a_community_may_close_its_weekends(world):
    worker = world.user("community_worker")
    saturday = next_weekday(SATURDAY)
    kwargs = {
        "by": worker,
        "community": world.communities[0],
        "service": Service.CONSULTATION,
        "day": saturday,
        "minutes": 60,
    }
    with pytest.raises(ValidationError):  # weekend slots close at 17:00
        services.open_slots(start=datetime.time(16, 0), end=datetime.time(18, 0), **kwargs)
    assert services.open_slots(start=datetime.time(9, 0), end=datetime.time(11, 0), **kwargs)
    RuleValue.objects.create(
        key="appointments.weekend_open",
        scope="community",
        scope_id=world.communities[0].pk,
        value="no",
        in_force_from=timezone.localdate() - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as refused:
        services.open_slots(start=datetime.time(13, 0), end=datetime.time(14, 0), **kwargs)
    assert "周末" in str(refused.value) or "weekend" in str(refused.value)


def test_a_grid_member_cannot_open_slots_and_a_worker_not_in_another_community(world):
    kwargs = {
        "service": Service.CERTIFICATE,
        "day": next_weekday(2),
        "start": datetime.time(18, 0),
        "end": datetime.time(18, 30),
        "minutes": 30,
    }
    with pytest.raises(OutOfScope):
        services.open_slots(by=world.user("grid_member"), community=world.communities[0], **kwargs)
    with pytest.raises(OutOfScope):
        services.open_slots(
            by=world.user("community_worker"), community=world.communities[1], **kwargs
        )
    assert not AppointmentSlot.objects.exists()


def test_the_same_time_twice_is_refused(world):
    kwargs = {
        "by": world.user("community_worker"),
        "community": world.communities[0],
        "service": Service.CERTIFICATE,
        "day": next_weekday(2),
        "start": datetime.time(18, 0),
        "end": datetime.time(19, 0),
        "minutes": 30,
    }
    services.open_slots(**kwargs)
    with pytest.raises(ValidationError, match="18:00"):
        services.open_slots(**kwargs)
    assert AppointmentSlot.objects.count() == 2


def test_a_resident_books_a_saturday_slot_and_is_told(world):
    slot = make_slot(world.communities[0], day=next_weekday(SATURDAY), hour=10)
    user = world.user("resident")
    appointment = services.book_appointment(user=user, slot=slot, note="开居住证明")
    slot.refresh_from_db()
    assert slot.booked == 1 and appointment.state == Appointment.State.BOOKED
    assert appointment.community_id == world.communities[0].pk
    assert appointment.resident == Resident.objects.get(user=user)
    assert AppointmentEvent.objects.filter(appointment=appointment, action="book").exists()
    inbox = OutboxMessage.objects.get(
        recipient=user, channel="inbox", payload__kind="appointments.booked"
    )
    assert "证明" in inbox.payload["title"] and "10:00" in inbox.payload["title"]


def test_a_full_slot_refuses_the_next_booking(world):
    community = world.communities[0]
    slot = make_slot(community, capacity=1)
    services.book_appointment(user=world.user("resident"), slot=slot)
    other = resident_user(world.households[1], "neighbour")
    with pytest.raises(Conflict, match="约满"):
        services.book_appointment(user=other, slot=slot)
    slot.refresh_from_db()
    assert slot.booked == 1 and slot.appointments.count() == 1


def test_no_one_books_the_same_slot_twice(world):
    slot = make_slot(world.communities[0], capacity=3)
    services.book_appointment(user=world.user("resident"), slot=slot)
    with pytest.raises(Conflict):
        services.book_appointment(user=world.user("resident"), slot=slot)
    slot.refresh_from_db()
    assert slot.booked == 1


def test_only_residents_of_the_community_book(world):
    slot = make_slot(world.communities[1])
    with pytest.raises(ValidationError, match="其他社区|another community"):
        services.book_appointment(user=world.user("resident"), slot=slot)
    with pytest.raises(ValidationError):
        services.book_appointment(user=world.user("outsider"), slot=slot)
    Resident.objects.filter(user=world.users["resident"]).update(state="moved_out")
    with pytest.raises(ValidationError):
        services.book_appointment(user=world.user("resident"), slot=make_slot(world.communities[0]))
    assert not Appointment.objects.exists()


def test_closed_past_and_too_far_slots_are_refused(world):
    community = world.communities[0]
    user = world.user("resident")
    closed = make_slot(community, hour=18)
    AppointmentSlot.objects.filter(pk=closed.pk).update(is_open=False)
    with pytest.raises(Conflict):
        services.book_appointment(user=user, slot=closed)
    far = make_slot(community, day=timezone.localdate() + datetime.timedelta(days=20))
    with pytest.raises(ValidationError, match="14"):
        services.book_appointment(user=user, slot=far)
    past = make_slot(community, day=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(Conflict):
        services.book_appointment(user=user, slot=past)


def test_a_person_holds_at_most_the_rules_number_of_bookings(world):
    community = world.communities[0]
    user = world.user("resident")
    for hour in (9, 10, 11):
        services.book_appointment(user=user, slot=make_slot(community, hour=hour))
    with pytest.raises(ValidationError, match="3"):
        services.book_appointment(user=user, slot=make_slot(community, hour=14))


def test_the_resident_cancels_before_the_deadline_and_the_place_is_free_again(world):
    slot = make_slot(world.communities[0])
    appointment = services.book_appointment(user=world.user("resident"), slot=slot)
    services.cancel_appointment(by=world.user("resident"), appointment=appointment)
    slot.refresh_from_db()
    appointment.refresh_from_db()
    assert slot.booked == 0 and appointment.state == Appointment.State.CANCELLED
    again = services.book_appointment(user=world.user("resident"), slot=slot)
    assert again.pk != appointment.pk


def test_a_late_cancellation_is_refused_to_the_resident_but_not_the_office(world):
    soon = timezone.localtime() + datetime.timedelta(hours=1)
    slot = AppointmentSlot.objects.create(
        community=world.communities[0],
        service=Service.OTHER,
        starts_at=soon,
        ends_at=soon + datetime.timedelta(minutes=30),
    )
    appointment = services.book_appointment(user=world.user("resident"), slot=slot)
    with pytest.raises(ValidationError, match="2"):
        services.cancel_appointment(by=world.user("resident"), appointment=appointment)
    with pytest.raises(ValidationError):  # the office gives a reason
        services.cancel_appointment(by=world.user("community_worker"), appointment=appointment)
    services.cancel_appointment(
        by=world.user("community_worker"), appointment=appointment, reason="窗口临时停电"
    )
    told = OutboxMessage.objects.filter(recipient=world.users["resident"], channel="inbox")
    assert any("停电" in m.payload["body"] for m in told)


def test_a_stranger_cannot_cancel_someone_elses_booking(world):
    appointment = services.book_appointment(
        user=world.user("resident"), slot=make_slot(world.communities[0])
    )
    with pytest.raises(OutOfScope):
        services.cancel_appointment(by=world.user("outsider"), appointment=appointment)
    with pytest.raises(OutOfScope):
        services.cancel_appointment(
            by=world.user("grid_member"), appointment=appointment, reason="x"
        )


def test_closing_a_slot_cancels_its_bookings(world):
    slot = make_slot(world.communities[0], capacity=2)
    appointment = services.book_appointment(user=world.user("resident"), slot=slot)
    services.close_slot(by=world.user("community_secretary"), slot=slot, reason="社区活动占用")
    appointment.refresh_from_db()
    slot.refresh_from_db()
    assert appointment.state == Appointment.State.CANCELLED and appointment.reason == "社区活动占用"
    assert not slot.is_open and slot.booked == 0


def test_the_office_records_who_came_once_the_time_has_begun(world):
    slot = make_slot(world.communities[0])
    appointment = services.book_appointment(user=world.user("resident"), slot=slot)
    worker = world.user("community_worker")
    with pytest.raises(Conflict):
        services.record_outcome(by=worker, appointment=appointment, attended=True)
    AppointmentSlot.objects.filter(pk=slot.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    services.record_outcome(by=worker, appointment=appointment, attended=False)
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.MISSED
    with pytest.raises(Conflict):
        services.record_outcome(by=worker, appointment=appointment, attended=True)


def test_the_reminder_goes_out_once_a_day_ahead(world):
    start = timezone.now() + datetime.timedelta(hours=30)
    slot = AppointmentSlot.objects.create(
        community=world.communities[0],
        service=Service.PARTY,
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=30),
    )
    appointment = services.book_appointment(user=world.user("resident"), slot=slot)
    assert services.send_reminders(timezone.now()) == 0  # 30 hours ahead: not yet
    later = timezone.now() + datetime.timedelta(hours=7)
    assert services.send_reminders(later) == 1
    assert services.send_reminders(later) == 0
    appointment.refresh_from_db()
    assert appointment.reminded_at is not None
    reminders = OutboxMessage.objects.filter(
        recipient=world.users["resident"], channel="inbox", payload__kind="appointments.reminder"
    )
    assert reminders.count() == 1


def test_the_reminder_sweep_runs_with_the_deadline_task(world):
    from core.workdays.deadlines import SWEEPS

    assert SWEEPS["appointments"] is services.send_reminders

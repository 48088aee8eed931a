"""Slots and residents for the appointment tests, on the shared world."""

import datetime

from django.utils import timezone

from community.models import AppointmentSlot, Service

from ..factories import ResidentFactory, UserFactory


def next_weekday(weekday: int, *, weeks: int = 0) -> datetime.date:
    """The next date (after today) that falls on ``weekday`` (0 = Monday)."""
    today = timezone.localdate()
    ahead = (weekday - today.weekday()) % 7 or 7
    return today + datetime.timedelta(days=ahead + 7 * weeks)


def make_slot(community, *, day=None, hour=19, minute=0, capacity=1, service=Service.CERTIFICATE):
    """A slot written directly (the services' own tests open them through the service)."""
    day = day or next_weekday(1)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
    return AppointmentSlot.objects.create(
        community=community,
        service=service,
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=30),
        capacity=capacity,
        place="党群服务中心一楼",
    )


def resident_user(household, username):
    """A user with a living resident record in ``household``."""
    user = UserFactory(username=username)
    ResidentFactory(household=household, user=user)
    return user

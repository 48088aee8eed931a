"""Demo appointments: the first community's office opens weekday-evening slots for
certificates and Saturday-morning consultations over the next two weeks."""

import datetime

from django.utils import timezone

from grid.models import Post, Resident
from grid.permissions import Role

from .models import AppointmentSlot, Service
from .services import open_slots


def seed_demo_appointments() -> int:
    resident = (
        Resident.objects.filter(user__username="resident1").select_related("household").first()
    )
    if resident is None:
        return 0
    community = resident.household.community
    post = (
        Post.objects.filter(community=community, role=Role.COMMUNITY_SECRETARY, is_active=True)
        .select_related("user")
        .first()
    )
    if post is None or AppointmentSlot.objects.filter(community=community).exists():
        return 0
    place = community.office_address or community.name
    made = 0
    today = timezone.localdate()
    for offset in range(1, 15):
        day = today + datetime.timedelta(days=offset)
        if day.weekday() < 5:
            made += len(
                open_slots(
                    by=post.user,
                    community=community,
                    service=Service.CERTIFICATE,
                    day=day,
                    start=datetime.time(18, 0),
                    end=datetime.time(20, 0),
                    minutes=30,
                    capacity=2,
                    place=place,
                )
            )
        elif day.weekday() == 5:
            made += len(
                open_slots(
                    by=post.user,
                    community=community,
                    service=Service.CONSULTATION,
                    day=day,
                    start=datetime.time(9, 0),
                    end=datetime.time(12, 0),
                    minutes=30,
                    capacity=3,
                    place=place,
                )
            )
    return made

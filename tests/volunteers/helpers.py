"""Teams, activities, shifts and volunteers for the volunteer tests, on the shared world."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from volunteers import services
from volunteers.models import Activity, ActivityTag, Shift, Team, Volunteer

from ..factories import ResidentFactory, UserFactory


def resident_user(household, username, **resident):
    """A user with a living resident record in ``household``."""
    user = UserFactory(username=username)
    ResidentFactory(household=household, user=user, **resident)
    return user


def volunteer_of(user, *, consent=True) -> Volunteer:
    found = Volunteer.objects.filter(user=user).first()
    return found or services.register_volunteer(user=user, consent=consent)


def leader_user(username="team_leader"):
    found = get_user_model().objects.filter(username=username).first()
    return found or UserFactory(username=username)


def make_team(node, *, name="蓝马甲志愿服务队", leader=None, **fields) -> Team:
    team = Team.objects.create(name=name, leader=leader, **{node.tier.value: node}, **fields)
    if leader is not None:
        services._grant_leader(team, leader)  # noqa: SLF001  (the test world's shortcut)
    return team


def make_activity(team, *, title="关爱独居老人", tags=("elderly",), organiser=None, **fields):
    organiser = organiser or team.leader or UserFactory()
    activity = Activity.objects.create(
        team=team, title=title, place="幸福家园一楼", organiser=organiser, **fields
    )
    ActivityTag.objects.bulk_create([ActivityTag(activity=activity, tag=t) for t in tags])
    return activity


def make_shift(activity, *, starts_in=datetime.timedelta(days=2), hours=3, capacity=5) -> Shift:
    start = (timezone.now() + starts_in).replace(microsecond=0)
    return Shift.objects.create(
        activity=activity,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=hours),
        capacity=capacity,
    )


def hours(text) -> Decimal:
    return Decimal(str(text))

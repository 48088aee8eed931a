"""Households, residents and the supervision committee for the consultation tests."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.utils import timezone

from grid.models import Household, Resident
from negotiation.models import HouseholdArea

from ..factories import HouseholdFactory, ResidentFactory, UserFactory


def verified_households(building, count, *, start=1, area=None, prefix="h"):
    """``count`` households of ``building``, each with a verified adult resident whose
    user is returned (in order)."""
    users = []
    for n in range(start, start + count):
        household = HouseholdFactory(building=building, unit=1, room=f"{900 + n}")
        user = UserFactory(username=f"{prefix}{building.pk}-{n}")
        ResidentFactory(household=household, user=user)
        if area is not None:
            HouseholdArea.objects.create(household=household, area=Decimal(str(area)))
        users.append(user)
    return users


def resident_user(household, username):
    user = UserFactory(username=username)
    ResidentFactory(household=household, user=user)
    return user


def supervisor(world, name="supervisor"):
    """A member of the residents' supervision committee of the first community: a
    resident holding the countersign permission."""
    household = Household.objects.filter(building=world.buildings[1]).first()
    user = UserFactory(username=name)
    Resident.objects.filter(pk=household.residents.last().pk).update(user=user)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="negotiation", codename="countersign_vote")
    )
    return type(user).objects.get(pk=user.pk)


def soon(**kwargs) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(**kwargs)

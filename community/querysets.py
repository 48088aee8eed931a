"""Reads of community life that the pages and the API share."""

from django.db.models import Q

from grid.models import Resident


def home_filter(user) -> Q | None:
    """The notices of the nodes a resident lives in: their building's, grid's,
    community's and street's own (not those of a neighbouring building)."""
    resident = (
        Resident.objects.filter(user=user, state=Resident.State.LIVING)
        .select_related("household")
        .first()
    )
    if resident is None:
        return None
    home = resident.household
    return (
        Q(building_id=home.building_id)
        | Q(grid_id=home.grid_id, building_id=None)
        | Q(community_id=home.community_id, grid_id=None)
        | Q(street_id=home.street_id, community_id=None)
    )

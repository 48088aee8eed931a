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


def board_for(user):
    """The board messages ``user`` reads: an office all those of its scope; a resident,
    of what the scoping gives them (their community's board and their own messages),
    the visible ones and their own hidden ones."""
    from .models import BoardPost
    from .permissions import BoardPerm

    posts = BoardPost.objects.for_user(user)
    if user.has_perm(BoardPerm.VIEW_POST):
        return posts
    return posts.filter(Q(author=user) | Q(state=BoardPost.State.VISIBLE))


def visible_groups(user):
    """The interest groups ``user`` sees: an office every one of its scope, closed too;
    a resident their community's active ones."""
    from .models import InterestGroup
    from .permissions import GroupPerm

    groups = InterestGroup.objects.for_user(user).select_related("community")
    if not user.has_perm(GroupPerm.VIEW_GROUP):
        groups = groups.filter(state=InterestGroup.State.ACTIVE)
    return groups


def group_posts_for(user, group):
    """A group's posts as ``user`` reads them: a moderator all, others the shown ones
    and their own."""
    from .models import GroupPost
    from .services import may_moderate

    posts = GroupPost.objects.filter(group=group)
    if not may_moderate(user, group):
        posts = posts.filter(Q(is_hidden=False) | Q(author=user))
    return posts


def requests_to_answer(user):
    """The resource requests addressed to the units ``user`` acts for (a unit's staff
    see the requests of their own unit only: the request hangs on the unit)."""
    from .models import ResourceRequest
    from .services import acting_units

    return ResourceRequest.objects.filter(resource__unit__in=acting_units(user).values("pk"))


def visible_requests(user):
    """One's own requests and those one answers for a unit."""
    from .models import ResourceRequest

    own = ResourceRequest.objects.for_user(user)
    return ResourceRequest.objects.filter(
        Q(pk__in=own.values("pk")) | Q(pk__in=requests_to_answer(user).values("pk"))
    )

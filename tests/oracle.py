"""An independent answer to "may this persona do this to that object", from node codes.

Codes are prefixes of their descendants' codes (street 330281001 → community
330281001001 → ...), so an object is below a post's node exactly when the object's
node code starts with the post's node code. Role grants come from the enums in the
apps' permissions.py, not from the database.
"""

import importlib
from functools import cache

from django.apps import apps

from grid.models import Post
from grid.permissions import Tier


def node_code(obj) -> str:
    if hasattr(obj, "scope_node"):
        node = obj.scope_node()
        return node.code if node is not None else ""
    return obj.code


@cache
def all_role_permissions() -> dict:
    """Every app's ``permissions.ROLE_PERMISSIONS`` merged (the enums, not the table)."""
    merged: dict = {}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.permissions")
        except ModuleNotFoundError:
            continue
        for role, perms in getattr(module, "ROLE_PERMISSIONS", {}).items():
            merged.setdefault(str(role), set()).update(str(p) for p in perms)
    return merged


def role_grants(role) -> set[str]:
    return all_role_permissions().get(str(role), set())


def home_ids(user, source: str) -> set:
    """Where the user lives, walked through the household's building (not the tier
    columns that the scoping reads)."""
    from grid.models import Resident

    living = Resident.objects.filter(user=user, state="living").select_related(
        "household__building__grid__community__street"
    )
    found = set()
    for resident in living:
        building = resident.household.building
        found.add(
            {
                "household": resident.household_id,
                "building": building.pk,
                "grid": building.grid_id,
                "community": building.grid.community_id,
                "street": building.grid.community.street_id,
            }[source]
        )
    return found


def _self_allowed(user, perm: str, obj) -> bool:
    """A person's own rows: the household of their linked resident, their own requests."""
    from grid.models import Household, Resident, ServiceRequest, VerificationRequest

    if not perm.startswith("grid."):
        return _declared_self_allowed(user, perm, obj)
    if not perm.startswith("grid.view_"):
        return False
    households = set(
        Resident.objects.filter(user=user, state="living").values_list("household_id", flat=True)
    )
    if isinstance(obj, Household):
        return obj.pk in households
    if isinstance(obj, Resident):
        return obj.household_id in households
    if isinstance(obj, VerificationRequest):
        return obj.user_id == user.pk
    if isinstance(obj, ServiceRequest):
        return obj.reporter_user_id == user.pk
    return False


def expected_allowed(user, perm: str, obj) -> bool:
    if _self_allowed(user, perm, obj):
        return True
    for post in Post.objects.filter(user=user, is_active=True):
        if perm not in role_grants(post.role):
            continue
        if post.tier == Tier.COUNTY:
            return True
        node = post.scope_node()
        # The object's node is the post's node or below it.
        if node is not None and node_code(obj).startswith(node.code):
            return True
    return False


def post_node_ids(user, tier: str) -> set:
    """The nodes of ``tier`` that the user's active posts sit in or on, by walking up
    from each post's node."""
    found = set()
    for post in Post.objects.filter(user=user, is_active=True):
        node = post.scope_node()
        while node is not None:
            if node.tier.value == tier:
                found.add(node.pk)
            node = node.parent
    return found


def _declared_self_allowed(user, perm: str, obj) -> bool:
    """The apps above the net: what the model's ``self_access`` declares, with the
    person's own ids found independently."""
    model = type(obj)
    action = perm.split(".", 1)[1].split("_", 1)[0]
    if perm != f"{model._meta.app_label}.{action}_{model._meta.model_name}":
        return False
    for source, column in getattr(model, "self_access", {}).get(action, []):
        if source == "user":
            own = {user.pk}
        elif source.startswith("post_"):
            own = post_node_ids(user, source.removeprefix("post_"))
        else:
            own = home_ids(user, source)
        if getattr(obj, column) in own:
            return True
    return False

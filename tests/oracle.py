"""An independent answer to "may this persona do this to that object", from node codes.

Codes are prefixes of their descendants' codes (street 330281001 → community
330281001001 → ...), so an object is below a post's node exactly when the object's
node code starts with the post's node code. Role grants come from the enums in the
apps' permissions.py, not from the database.
"""

from grid.models import Post
from grid.permissions import ROLE_PERMISSIONS, Tier
from yuyao_portal.permissions import ROLE_PERMISSIONS as PORTAL_ROLE_PERMISSIONS


def node_code(obj) -> str:
    if hasattr(obj, "scope_node"):
        node = obj.scope_node()
        return node.code if node is not None else ""
    return obj.code


def role_grants(role) -> set[str]:
    return {str(p) for p in ROLE_PERMISSIONS.get(role, set())} | {
        str(p) for p in PORTAL_ROLE_PERMISSIONS.get(role, set())
    }


def _self_allowed(user, perm: str, obj) -> bool:
    """A person's own rows: the household of their linked resident, their own requests."""
    from grid.models import Household, Resident, ServiceRequest, VerificationRequest

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

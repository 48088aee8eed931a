"""Reads of volunteer service that the pages and the API share."""

from .models import TeamUserGrant


def led_team_ids(user) -> list[int]:
    """The teams the user leads through a guardian grant (not through a post)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        TeamUserGrant.objects.filter(user_id=user.pk, permission__codename="change_team")
        .values_list("content_object_id", flat=True)
        .distinct()
    )

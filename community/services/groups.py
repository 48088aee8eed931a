"""Residents' interest groups (兴趣小组, the E-line's groups): a confirmed resident starts
a group of their community and leads it; neighbours join and leave; members post; the
leader or the community office hides a post with a reason (an audit event of kind
moderation) and the office may close a group. Names are shown masked (surname only)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.rules import rule
from core.timeline import Conflict, refuse
from grid.models import Resident
from yuyao_portal import audit

from .. import rules as keys
from ..models import GroupMember, GroupPost, InterestGroup
from ..permissions import GroupPerm
from .board import text_of


def resident_of(user) -> Resident:
    resident = (
        Resident.objects.filter(user_id=getattr(user, "pk", None), state=Resident.State.LIVING)
        .select_related("household")
        .first()
    )
    if resident is None:
        raise PermissionDenied(
            _("Only confirmed residents take part in groups: confirm your household first.")
        )
    return resident


def shown_name(resident: Resident) -> str:
    return f"{resident.name[:1]}*" if resident.name else _("Resident")


def active(group: InterestGroup) -> InterestGroup:
    group = InterestGroup.objects.select_for_update(of=("self",)).get(pk=group.pk)
    if group.state != InterestGroup.State.ACTIVE:
        raise Conflict(_("This group is closed."))
    return group


@transaction.atomic
def start_group(*, user, name: str, description: str) -> InterestGroup:
    """A confirmed resident starts a group of their community and leads it."""
    resident = resident_of(user)
    name = text_of(name, field="name", limit=40)
    description = text_of(description, field="description", limit=500)
    community = resident.household.community
    most = int(rule(keys.GROUPS_LED_MAX, node=community))
    led = InterestGroup.objects.filter(leader=user, state=InterestGroup.State.ACTIVE).count()
    if led >= most:
        refuse(_("You already lead %(count)d groups, the most allowed.") % {"count": most})
    shown = shown_name(resident)
    try:
        with transaction.atomic():
            group = InterestGroup.objects.create(
                community_id=community.pk,
                name=name,
                description=description,
                leader=user,
                leader_name=shown,
                member_count=1,
            )
    except IntegrityError:
        refuse({"name": _("The community already has a group of this name.")})
    GroupMember.objects.create(group=group, user=user, shown_as=shown)
    return group


@transaction.atomic
def join_group(*, user, group: InterestGroup) -> GroupMember:
    """A confirmed resident of the group's community joins it (once)."""
    resident = resident_of(user)
    group = active(group)
    if resident.household.community_id != group.community_id:
        raise PermissionDenied(_("This group is for the residents of another community."))
    try:
        with transaction.atomic():
            member = GroupMember.objects.create(
                group=group, user=user, shown_as=shown_name(resident)
            )
    except IntegrityError:
        raise Conflict(_("You are already a member of this group.")) from None
    InterestGroup.objects.filter(pk=group.pk).update(member_count=F("member_count") + 1)
    return member


@transaction.atomic
def leave_group(*, user, group: InterestGroup) -> None:
    group = active(group)
    if group.leader_id == getattr(user, "pk", None):
        refuse(_("The leader cannot leave the group; ask the community office to close it."))
    deleted, _rows = GroupMember.objects.filter(group=group, user_id=user.pk).delete()
    if not deleted:
        raise Conflict(_("You are not a member of this group."))
    InterestGroup.objects.filter(pk=group.pk).update(member_count=F("member_count") - 1)


def is_member(user, group: InterestGroup) -> bool:
    return GroupMember.objects.filter(group=group, user_id=getattr(user, "pk", None)).exists()


@transaction.atomic
def post_in_group(*, user, group: InterestGroup, text: str) -> GroupPost:
    """A member writes in the group (a daily limit, a rule parameter)."""
    group = active(group)
    member = GroupMember.objects.filter(group=group, user_id=getattr(user, "pk", None)).first()
    if member is None:
        raise PermissionDenied(_("Join the group to write in it."))
    text = text_of(text, field="text", limit=1000)
    most = int(rule(keys.GROUP_POSTS_PER_DAY, node=group))
    since = timezone.now() - datetime.timedelta(days=1)
    if GroupPost.objects.filter(author=user, created_at__gte=since).count() >= most:
        refuse(_("At most %(count)d posts a day.") % {"count": most})
    return GroupPost.objects.create(
        group=group, author=user, author_name=member.shown_as, text=text
    )


def may_moderate(user, group: InterestGroup) -> bool:
    return group.leader_id == getattr(user, "pk", None) or user.has_perm(
        GroupPerm.CHANGE_GROUP, group
    )


@transaction.atomic
def hide_group_post(*, by, post: GroupPost, reason: str) -> GroupPost:
    """The leader or the community office hides a post, with a reason (audited)."""
    post = GroupPost.objects.select_for_update(of=("self",)).select_related("group").get(pk=post.pk)
    if not may_moderate(by, post.group):
        raise PermissionDenied(_("Only the group's leader or the community office hides posts."))
    reason = text_of(reason, field="reason", limit=200)
    if post.is_hidden:
        raise Conflict(_("This post is already hidden."))
    post.is_hidden, post.hidden_reason = True, reason
    post.save(update_fields=["is_hidden", "hidden_reason"])
    audit.record(
        audit.Kind.MODERATION,
        actor=by,
        target=post.group,
        details={"group_post": post.pk, "reason": reason},
    )
    return post


@transaction.atomic
def close_group(*, by, group: InterestGroup, reason: str) -> InterestGroup:
    """The community office closes a group (a reason is kept, audited)."""
    group = active(group)
    if not by.has_perm(GroupPerm.CHANGE_GROUP, group):
        raise PermissionDenied(_("Only the community office closes a group."))
    group.state = InterestGroup.State.CLOSED
    group.closed_reason = text_of(reason, field="reason", limit=200)
    group.save(update_fields=["state", "closed_reason"])
    audit.record(
        audit.Kind.MODERATION, actor=by, target=group, details={"closed": group.closed_reason}
    )
    return group

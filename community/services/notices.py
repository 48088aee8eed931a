"""Notices with read receipts: an office publishes on a node it holds; its residents and the
posts below it are told; opening a notice records one receipt."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from core.notify.services import in_site_language, notify
from core.timeline import refuse
from grid.models import Post, Resident
from grid.scoping import save_in_scope, tier_column

from .. import notices
from ..models import (
    Notice,
    NoticeRead,
)

MAX_SLOTS_AT_ONCE = 48


def required_readers(notice: Notice):
    """The users whose active posts sit on the notice's node or below it: they must read
    it (the publisher aside)."""
    tier = notice.scope_tier()
    column = tier_column(Post, tier)
    node_id = getattr(notice, notice.tier_columns[tier])
    posts = Post.objects.filter(is_active=True, **{column: node_id})
    return (
        get_user_model()
        .objects.filter(pk__in=posts.values("user_id"), is_active=True)
        .exclude(pk=notice.published_by_id)
        .order_by("username")
    )


def residents_reached(notice: Notice):
    """The users of the residents living on the notice's node."""
    tier = notice.scope_tier()
    node_id = getattr(notice, notice.tier_columns[tier])
    living = Resident.objects.filter(
        state=Resident.State.LIVING,
        user__isnull=False,
        **{f"household__{notice.tier_columns[tier]}": node_id},
    )
    return get_user_model().objects.filter(pk__in=living.values("user_id"), is_active=True)


@transaction.atomic
def publish_notice(*, by, node, title: str, body: str) -> Notice:
    """Publish a notice on ``node`` (a street, community, grid or building the user's
    post may publish on); its residents and the posts below it are told in the inbox."""
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Give the notice a title.")
    elif len(title) > 100:
        errors["title"] = _("The title is at most 100 characters.")
    if not body:
        errors["body"] = _("Write the text of the notice.")
    elif len(body) > 4000:
        errors["body"] = _("The text is at most 4,000 characters.")
    if errors:
        refuse(errors)
    notice = Notice(title=title, body=body, published_by=by, **{node.tier.value: node})
    save_in_scope(by, notice, "add")
    readers = list(required_readers(notice)[:5000]) + list(residents_reached(notice)[:20000])
    notify(
        key=f"notice:{notice.pk}",
        kind=notices.NOTICE,
        recipients=readers,
        subject=notice,
        context={"office": in_site_language(node.name), "title": title, "body": body[:300]},
        url=f"/community/notices/{notice.pk}/",
        actor=by,
    )
    return notice


def mark_notice_read(*, user, notice: Notice) -> None:
    """Record that ``user`` opened ``notice`` (once: the unique receipt keeps the first
    opening, concurrent ones included)."""
    if getattr(user, "is_authenticated", False):
        NoticeRead.objects.bulk_create(
            [NoticeRead(notice=notice, user=user)], ignore_conflicts=True
        )


def receipts(notice: Notice) -> tuple[list, list]:
    """``(read, not_yet)``: the required readers who opened the notice, with when, and
    those who have not."""
    readers = list(required_readers(notice)[:5000])
    opened = dict(
        NoticeRead.objects.filter(notice=notice, user__in=readers).values_list("user_id", "read_at")
    )
    read = [(user, opened[user.pk]) for user in readers if user.pk in opened]
    not_yet = [user for user in readers if user.pk not in opened]
    return read, not_yet

"""The residents' message board: residents write, the office answers and hides with a
reason (kept in the audit trail), reports hide a message at a threshold."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notify.services import in_site_language, notify
from core.rules import rule
from core.timeline import Conflict, refuse
from grid.models import Resident
from grid.scoping import OutOfScope
from yuyao_portal import audit

from .. import notices
from .. import rules as keys
from ..models import (
    BoardPost,
    BoardReply,
    BoardReport,
)
from ..permissions import BoardPerm

MAX_SLOTS_AT_ONCE = 48


def text_of(value: str, *, field: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        refuse({field: _("Write something first.")})
    if len(text) > limit:
        refuse({field: _("At most %(limit)d characters.") % {"limit": limit}})
    return text


@transaction.atomic
def post_message(*, user, text: str) -> BoardPost:
    """A confirmed resident writes on their community's board (a few a day at most)."""
    resident = (
        Resident.objects.filter(user_id=getattr(user, "pk", None), state=Resident.State.LIVING)
        .select_related("household")
        .first()
    )
    if resident is None:
        refuse(_("Only confirmed residents write on the board: confirm your household first."))
    text = text_of(text, field="text", limit=1000)
    community = resident.household.community
    most = int(rule(keys.BOARD_POSTS_PER_DAY, node=community))
    since = timezone.now() - datetime.timedelta(days=1)
    if BoardPost.objects.filter(author=user, created_at__gte=since).count() >= most:
        refuse(_("At most %(count)d messages a day.") % {"count": most})
    # Shown by surname only: 张* (masked like everywhere on public pages).
    shown = f"{resident.name[:1]}*" if resident.name else _("Resident")
    return BoardPost.objects.create(
        community_id=community.pk, author=user, author_name=shown, text=text
    )


def _office_post(by, post: BoardPost) -> BoardPost:
    post = BoardPost.objects.select_for_update(of=("self",)).get(pk=post.pk)
    if not by.has_perm(BoardPerm.CHANGE_POST, post):
        raise OutOfScope()
    return post


@transaction.atomic
def answer_message(*, by, post: BoardPost, text: str) -> BoardReply:
    """The community office answers; the author is told."""
    post = _office_post(by, post)
    reply = BoardReply.objects.create(
        post=post, author=by, text=text_of(text, field="text", limit=1000)
    )
    notify(
        key=f"board:{post.pk}:reply:{reply.pk}",
        kind=notices.BOARD_ANSWER,
        recipients=[post.author],
        subject=post,
        context={"text": reply.text[:200]},
        url=f"/community/board/#message-{post.pk}",
        actor=by,
    )
    return reply


@transaction.atomic
def hide_message(*, by, post: BoardPost, reason: str) -> BoardPost:
    """The office hides a message, with a reason kept in the audit trail."""
    post = _office_post(by, post)
    reason = (reason or "").strip()
    if not reason:
        refuse({"reason": _("Give the reason for hiding the message.")})
    if post.state == BoardPost.State.HIDDEN:
        raise Conflict(_("The message is hidden already."))
    post.state = BoardPost.State.HIDDEN
    post.hidden_reason = reason[:200]
    post.save(update_fields=["state", "hidden_reason"])
    audit.record(
        audit.Kind.MODERATION, actor=by, target=post, details={"reason": post.hidden_reason}
    )
    return post


@transaction.atomic
def restore_message(*, by, post: BoardPost) -> BoardPost:
    post = _office_post(by, post)
    if post.state != BoardPost.State.HIDDEN:
        raise Conflict(_("The message is not hidden."))
    post.state = BoardPost.State.VISIBLE
    post.save(update_fields=["state"])
    audit.record(audit.Kind.MODERATION, actor=by, target=post, details={"restored": True})
    return post


@transaction.atomic
def report_message(*, user, post: BoardPost, reason: str = "") -> BoardPost:
    """A resident reports a message once; enough reports hide it until the office looks."""
    if post.author_id == getattr(user, "pk", None):
        refuse(_("You cannot report your own message."))
    BoardReport.objects.bulk_create(
        [BoardReport(post=post, reporter=user, reason=(reason or "").strip()[:200])],
        ignore_conflicts=True,
    )
    post = BoardPost.objects.select_for_update(of=("self",)).get(pk=post.pk)
    post.report_count = BoardReport.objects.filter(post=post).count()
    fields = ["report_count"]
    limit = int(rule(keys.BOARD_HIDE_REPORTS, node=post.community))
    if post.state == BoardPost.State.VISIBLE and post.report_count >= limit:
        post.state = BoardPost.State.HIDDEN
        post.hidden_reason = in_site_language(_("Reported by residents; the office will look."))
        fields += ["state", "hidden_reason"]
    post.save(update_fields=fields)
    return post

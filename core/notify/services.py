"""Notifications through an outbox, for every app.

* ``notify()`` writes ``OutboxMessage`` rows in the caller's transaction, one per
  recipient and channel, each with a unique ``dedupe_key`` (writing the same notice
  twice queues it once), and asks for a drain once the transaction commits. If the
  broker cannot be reached the enqueue is logged and dropped: the change stands, the
  rows stay pending and the periodic drain (every minute) delivers them.
* ``drain_outbox()`` delivers the pending rows, each exactly once: an inbox row becomes
  a ``Notification``; a text message goes through the SMS backend (``sms.py``).
* The inbox always gets the notice; a text message goes out at once, waits for the
  user's daily digest (``send_digests()``), or not at all, as the user chose for the
  kind (``set_preference()``). A phone without an account has no preferences: the text
  goes out.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .kinds import get_kind
from .models import Notification, NotificationPreference, OutboxMessage
from .phones import phones_of
from .sms import send_sms

logger = logging.getLogger("core.notify")

Channel = OutboxMessage.Channel
Sending = OutboxMessage.State
Sms = NotificationPreference.Sms

MAX_ATTEMPTS = 5  # a text message that failed this often is left as failed
DRAIN_BATCH = 200  # rows claimed per transaction
DRAIN_LIMIT = 5000  # rows delivered per drain at most; the next drain takes the rest
# The on-commit enqueue connects once and gives up (kombu's ``max_retries``): the
# periodic drain is the retry.
ENQUEUE_TRANSPORT_OPTIONS = {"max_retries": 0}
# The drain task, by the name it is registered under (tasks.py, found by Celery's
# autodiscovery): the services never import the tasks that call them.
DRAIN_TASK = "core.notify.tasks.drain_outbox"
DIGEST_TITLES = 3  # titles quoted in a digest text; the rest are counted


# --- writing to the outbox -------------------------------------------------------------


def in_site_language(text) -> str:
    """Stored texts are written in the portal's language, whoever's request caused them."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def render(template, context) -> str:
    """A kind's template with its ``%(name)s`` placeholders, in the portal's language."""
    with translation.override(settings.LANGUAGE_CODE):
        text = str(template)
        try:
            return text % dict(context or {})
        except (KeyError, TypeError, ValueError):
            logger.warning("Notification template %r lacks a value of %r", text, context)
            return text


def sms_choices(kind: str, users) -> dict:
    """``{user_pk: "now" | "digest" | "off"}`` of the users who chose, for ``kind``."""
    pks = [u.pk for u in users if u is not None]
    if not pks:
        return {}
    return dict(
        NotificationPreference.objects.filter(kind=kind, user_id__in=pks).values_list(
            "user_id", "sms"
        )
    )


def build_messages(
    *,
    key: str,
    kind: str,
    recipients: Iterable = (),
    subject=None,
    context: dict | None = None,
    title: str | None = None,
    body: str | None = None,
    url: str = "",
    sms: Iterable[tuple] = (),
    actor=None,
) -> list[OutboxMessage]:
    """The outbox rows of one notice, not yet written (``queue()`` writes them): an
    inbox row for each of ``recipients``, a text message for each ``(user or None,
    phone)`` of ``sms`` that its user wants now; never to ``actor``."""
    spec = get_kind(kind)
    title = (title if title is not None else render(spec.title, context))[:200]
    body = (body if body is not None else render(spec.body, context))[:1000]
    subject_type = (
        ContentType.objects.get_for_model(subject, for_concrete_model=False).pk
        if subject is not None
        else None
    )
    actor_id = getattr(actor, "pk", None)
    inbox_payload = {
        "kind": kind,
        "title": title,
        "body": body,
        "url": url[:300],
        "subject_type": subject_type,
        "subject_id": getattr(subject, "pk", None),
    }
    rows, seen = [], set()
    for user in recipients:
        if user is None or user.pk == actor_id or ("inbox", user.pk) in seen:
            continue
        seen.add(("inbox", user.pk))
        rows.append(
            OutboxMessage(
                channel=Channel.INBOX,
                recipient=user,
                payload=inbox_payload,
                dedupe_key=f"{key}:inbox:{user.pk}"[:200],
            )
        )
    sms = [(user, phone) for user, phone in sms if phone]
    chosen = sms_choices(kind, [user for user, _phone in sms])
    for user, phone in sms:
        if user is not None and (user.pk == actor_id or chosen.get(user.pk, Sms.NOW) != Sms.NOW):
            continue
        who = f"u{user.pk}" if user is not None else f"p{phone}"
        if ("sms", who) in seen:
            continue
        seen.add(("sms", who))
        rows.append(
            OutboxMessage(
                channel=Channel.SMS,
                recipient=user,
                payload={"phone": phone, "text": title[:300], "kind": kind},
                dedupe_key=f"{key}:sms:{who}"[:200],
            )
        )
    return rows


def queue(rows: list[OutboxMessage]) -> list[OutboxMessage]:
    """Write the rows whose key is new, in the caller's transaction; a drain is asked
    for once it commits. Returns the rows written."""
    if not rows:
        return []
    existing = set(
        OutboxMessage.objects.filter(dedupe_key__in=[r.dedupe_key for r in rows]).values_list(
            "dedupe_key", flat=True
        )
    )
    fresh = [r for r in rows if r.dedupe_key not in existing]
    if fresh:
        # A concurrent writer of the same key loses quietly: the unique key keeps one.
        OutboxMessage.objects.bulk_create(fresh, ignore_conflicts=True)
        # A drain finds nothing left to do when an earlier one of the same commit ran.
        transaction.on_commit(enqueue_drain, robust=True)
    return fresh


def notify(**notice) -> int:
    """Queue one notice (the arguments of ``build_messages()``): ``key`` names it, and
    the same key queued again writes nothing. Returns the rows written."""
    return len(queue(build_messages(**notice)))


def enqueue_drain() -> bool:
    """Ask a worker to drain the outbox. A broker that cannot be reached costs a log
    line, not the request: the periodic drain delivers the rows later.

    The publish fails fast: no retry of the publish, and a connection that gives up at
    the first refusal (Celery's default would retry for seconds inside the request)."""
    from celery import current_app
    from kombu.exceptions import KombuError
    from redis.exceptions import RedisError

    try:
        drain_task = current_app.tasks[DRAIN_TASK]
        with drain_task.app.connection_for_write(
            transport_options=ENQUEUE_TRANSPORT_OPTIONS
        ) as conn:
            drain_task.apply_async(retry=False, connection=conn)
    except (KombuError, RedisError, OSError) as exc:
        logger.warning("Outbox drain not enqueued (%s); the periodic drain will deliver.", exc)
        return False
    except Exception:  # the change is committed: never turn a notice into an error page
        logger.exception("Outbox drain failed; the periodic drain will retry.")
        return False
    return True


# --- delivering ------------------------------------------------------------------------


def claim(after_id: int, size: int) -> list[OutboxMessage]:
    queryset = OutboxMessage.objects.filter(state=Sending.PENDING, id__gt=after_id).order_by("id")
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True)
    return list(queryset[:size])


def one_batch(rows: list[OutboxMessage]) -> list[OutboxMessage]:
    """The inbox rows before the first text message, or that text message alone.

    An inbox row is delivered by the transaction that marks it sent: all or nothing,
    whatever happens to the worker. A text message leaves the database when the gateway
    takes it, so each one is marked sent in a transaction of its own: a worker killed
    mid-drain sends again at most the one message it was handing over, not the batch."""
    for index, row in enumerate(rows):
        if row.channel == Channel.SMS:
            return rows[:index] or rows[:1]
    return rows


def inbox_entry(row: OutboxMessage) -> Notification:
    payload = row.payload if isinstance(row.payload, dict) else {}
    if row.recipient_id is None:
        raise ValueError("an inbox message without a recipient")
    subject_type, subject_id = payload.get("subject_type"), payload.get("subject_id")
    known = isinstance(subject_type, int) and isinstance(subject_id, int)
    return Notification(
        user_id=row.recipient_id,
        subject_type_id=subject_type if known else None,
        subject_id=subject_id if known else None,
        kind=str(payload.get("kind") or "")[:40],
        title=str(payload.get("title") or "")[:200],
        body=str(payload.get("body") or "")[:1000],
        url=str(payload.get("url") or "")[:300],
        source=row,
    )


def deliver_batch(after_id: int, size: int) -> tuple[int | None, int]:
    """Deliver up to ``size`` pending rows after ``after_id`` in one transaction (a text
    message in one of its own); the rows are locked (skipped by a concurrent drain)
    until they are marked sent."""
    with transaction.atomic():
        rows = one_batch(claim(after_id, size))
        if not rows:
            return None, 0
        now = timezone.now()
        notifications, sent, failed = [], [], []
        for row in rows:
            payload = row.payload if isinstance(row.payload, dict) else {}
            try:
                if row.channel == Channel.INBOX:
                    notifications.append(inbox_entry(row))
                elif row.channel == Channel.SMS:
                    send_sms(str(payload.get("phone") or ""), str(payload.get("text") or ""))
                else:
                    raise ValueError(f"unknown channel {row.channel!r}")
            except Exception as exc:
                row.attempts += 1
                row.last_error = f"{type(exc).__name__}: {exc}"[:500]
                if row.attempts >= MAX_ATTEMPTS or row.channel != Channel.SMS:
                    row.state = Sending.FAILED
                failed.append(row)
                logger.warning("Outbox message %s not delivered: %s", row.pk, row.last_error)
            else:
                sent.append(row.pk)
        Notification.objects.bulk_create(notifications)
        if sent:
            OutboxMessage.objects.filter(pk__in=sent).update(
                state=Sending.SENT, sent_at=now, attempts=F("attempts") + 1, last_error=""
            )
        if failed:
            OutboxMessage.objects.bulk_update(failed, ["attempts", "last_error", "state"])
        return rows[-1].pk, len(sent)


def drain_outbox(*, limit: int = DRAIN_LIMIT) -> int:
    """Deliver the pending outbox rows, oldest first; returns how many went out. Each
    row is delivered once: it is marked sent in the transaction that delivers it."""
    delivered, after_id = 0, 0
    while delivered < limit:
        after_id, count = deliver_batch(after_id, min(DRAIN_BATCH, limit - delivered))
        if after_id is None:
            break
        delivered += count
    return delivered


# --- preferences and the daily digest ------------------------------------------------


@transaction.atomic
def set_preference(*, user, kind: str, sms: str) -> NotificationPreference:
    """The user's choice for text messages of ``kind``: ``now``, ``digest`` or ``off``."""
    from django.core.exceptions import ValidationError

    spec = get_kind(kind)
    if sms not in Sms.values:
        raise ValidationError(_("Choose how text messages should come."))
    if not spec.sms and sms != Sms.OFF:
        raise ValidationError(_("This kind of notice is never sent as a text message."))
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"sms": sms}
    )
    return preference


def preferences_of(user) -> dict:
    """``{kind: choice}`` of the user's choices (a kind not chosen: ``now``)."""
    return dict(NotificationPreference.objects.filter(user_id=user.pk).values_list("kind", "sms"))


def send_digests(now=None) -> int:
    """One text message to each user who chose the digest for some kinds, quoting their
    unread notices of those kinds not yet in a digest; each notice goes into one digest
    only, and a day's digest is queued once. Returns the digests queued."""
    now = now or timezone.now()
    wanted = defaultdict(set)
    for user_id, kind in NotificationPreference.objects.filter(sms=Sms.DIGEST).values_list(
        "user_id", "kind"
    ):
        wanted[user_id].add(kind)
    if not wanted:
        return 0
    with transaction.atomic():
        waiting = defaultdict(list)
        for item in Notification.objects.filter(
            user_id__in=list(wanted), digested_at__isnull=True, read_at__isnull=True
        ).select_related("user"):
            if item.kind in wanted[item.user_id]:
                waiting[item.user_id].append(item)
        users = [items[0].user for items in waiting.values()]
        phones = phones_of(users)
        day = timezone.localtime(now).date().isoformat()
        rows, included = [], []
        for user_id, items in waiting.items():
            phone = phones.get(user_id)
            if not phone:
                continue
            items.sort(key=lambda n: n.created_at)
            titles = "；".join(n.title for n in items[-DIGEST_TITLES:])
            with translation.override(settings.LANGUAGE_CODE):
                text = _("%(count)d new notices in the portal: %(titles)s") % {
                    "count": len(items),
                    "titles": titles,
                }
            rows.append(
                OutboxMessage(
                    channel=Channel.SMS,
                    recipient=items[0].user,
                    payload={"phone": phone, "text": text[:300], "kind": "digest"},
                    dedupe_key=f"digest:{user_id}:{day}",
                )
            )
            included += [n.pk for n in items]
        fresh = queue(rows)
        Notification.objects.filter(pk__in=included).update(digested_at=now)
    return len(fresh)


# --- the inbox -------------------------------------------------------------------------


def mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark ``user``'s unread notifications read: all of them, or those of ``ids``
    (other people's ids are ignored). Returns how many changed."""
    queryset = Notification.objects.filter(user_id=user.pk, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return queryset.update(read_at=timezone.now())


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()

"""Notifications of the request loop: status changes, reminders (催办) and overdue
notices, through an outbox.

* ``notify()`` writes ``OutboxMessage`` rows in the caller's transaction, one per
  recipient and channel, each with a unique ``dedupe_key`` (writing the same notice
  twice queues it once), and asks for a drain once the transaction commits. If the
  broker cannot be reached the enqueue is logged and dropped: the change stands, the
  rows stay pending and the periodic drain (every minute) delivers them.
* ``drain_outbox()`` delivers the pending rows, each exactly once: an inbox row becomes
  a ``Notification``; a text message goes through the SMS backend of ``grid/sms.py``.
* ``notify_event()`` is called by ``_event()`` for every timeline entry: who hears of a
  transition is the table ``ACTION_AUDIENCE`` below; the actor never hears of their own
  action.
* ``sweep_deadlines()`` (every five minutes) reminds the handler before a limit and,
  once it has passed, sets the stage's overdue flag and tells the handler and the tier
  above. Running it twice sends nothing twice.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.workdays.calendar import WorkCalendar, hours_per_working_day

from ..models import Notification, OutboxMessage, Post, Resident, ServiceRequest
from ..permissions import ROLE_TIER, Role, Tier
from ..scoping import role_permissions
from ..sms import send_sms
from .limits import REGISTER_LIMIT_HOURS

logger = logging.getLogger("grid.notify")

Kind = Notification.Kind
Channel = OutboxMessage.Channel
Sending = OutboxMessage.State
State = ServiceRequest.State

CHANGE = "grid.change_servicerequest"
LEVEL_TIER = {"grid": Tier.GRID, "community": Tier.COMMUNITY, "street": Tier.STREET}
TIER_ABOVE = {Tier.GRID: Tier.COMMUNITY, Tier.COMMUNITY: Tier.STREET, Tier.STREET: Tier.COUNTY}

# --- delivery ------------------------------------------------------------------------

MAX_ATTEMPTS = 5  # a text message that failed this often is left as failed
DRAIN_BATCH = 200  # rows claimed per transaction
DRAIN_LIMIT = 5000  # rows delivered per drain at most; the next drain takes the rest
# The on-commit enqueue connects once and gives up (kombu's ``max_retries``): the
# periodic drain is the retry.
ENQUEUE_TRANSPORT_OPTIONS = {"max_retries": 0}
# The drain task, by the name it is registered under (grid/tasks.py, imported when the
# app is ready): the services never import the tasks that call them.
DRAIN_TASK = "grid.tasks.drain_outbox"

# --- who hears of what -----------------------------------------------------------------

REPORTER, HANDLER, TIER, ABOVE = "reporter", "handler", "tier", "above"

# The people told of each action of the timeline. HANDLER is the person the request was
# dispatched to, or the active staff of the handling unit; TIER the posts that handle
# requests at the request's tier (grid members for a grid-level request, the community
# office for a community-level one, the street admins for a street-level one); ABOVE
# the same one tier higher. An action not listed here (a later one: transfer, extension,
# suspension …) tells the handler and the tier, and the reporter if the state changed.
ACTION_AUDIENCE: dict[str, frozenset[str]] = {
    "submit": frozenset({TIER, REPORTER}),  # the reporter hears of it when recorded for them
    "register": frozenset({REPORTER}),
    "reject": frozenset({REPORTER}),
    "duplicate": frozenset({REPORTER}),
    "dispatch": frozenset({HANDLER, REPORTER}),
    "start": frozenset({REPORTER}),
    "handle": frozenset({REPORTER, TIER}),  # the tier verifies and closes
    "close": frozenset({REPORTER, HANDLER}),
    "evaluate": frozenset({HANDLER, TIER}),
    "reopen": frozenset({HANDLER, TIER}),
    "escalate": frozenset({TIER, REPORTER}),  # TIER is the new, higher tier
    "cancel": frozenset({HANDLER, TIER}),
    # transfers and applications to the tier above (grid/services/approvals.py)
    "transfer": frozenset({TIER}),
    "transfer_accept": frozenset({TIER, HANDLER, REPORTER}),
    "transfer_return": frozenset({TIER}),
    "extension_apply": frozenset({ABOVE}),
    "return_apply": frozenset({ABOVE}),
    "suspension_apply": frozenset({ABOVE}),
    "extension_approve": frozenset({HANDLER, TIER}),
    "extension_refuse": frozenset({HANDLER, TIER}),
    "return_approve": frozenset({TIER}),
    "return_refuse": frozenset({HANDLER, TIER}),
    "suspension_approve": frozenset({HANDLER, TIER, REPORTER}),
    "suspension_refuse": frozenset({HANDLER, TIER}),
}
DEFAULT_AUDIENCE = frozenset({HANDLER, TIER})

# Text messages cost money and attention: only the outcomes a reporter waits for, and
# overdue notices to whoever must act. Everything else goes to the inbox only.
SMS_ACTIONS = frozenset({"reject", "handle", "close"})

ACTION_LABELS = {
    "submit": gettext_lazy("new request"),
    "register": gettext_lazy("registered"),
    "reject": gettext_lazy("not accepted"),
    "duplicate": gettext_lazy("marked as a duplicate"),
    "dispatch": gettext_lazy("dispatched"),
    "start": gettext_lazy("being handled"),
    "handle": gettext_lazy("handled, waiting for verification"),
    "close": gettext_lazy("closed, please rate it"),
    "evaluate": gettext_lazy("rated"),
    "reopen": gettext_lazy("reopened for re-handling"),
    "escalate": gettext_lazy("escalated to your tier"),
    "cancel": gettext_lazy("withdrawn by the reporter"),
    "transfer": gettext_lazy("proposed for transfer"),
    "transfer_accept": gettext_lazy("transferred"),
    "transfer_return": gettext_lazy("transfer returned"),
    "extension_apply": gettext_lazy("extension asked, waiting for your decision"),
    "return_apply": gettext_lazy("return asked, waiting for your decision"),
    "suspension_apply": gettext_lazy("suspension asked, waiting for your decision"),
    "extension_approve": gettext_lazy("extension approved"),
    "extension_refuse": gettext_lazy("extension refused"),
    "return_approve": gettext_lazy("returned for dispatch again"),
    "return_refuse": gettext_lazy("return refused"),
    "suspension_approve": gettext_lazy("suspended"),
    "suspension_refuse": gettext_lazy("suspension refused"),
}

# --- deadlines -------------------------------------------------------------------------

# A reminder (催办) goes out when the working time left before a limit falls under
# REMINDER_SHARE of the limit (the last 20 %), but never earlier than
# REMINDER_MAX_WORKING_HOURS before it (one working day of the default 7.5 h), so a
# 13-working-day limit is reminded of the day before, not three days before; the
# one-hour registration limit gets its reminder 12 working minutes ahead.
REMINDER_SHARE = Decimal("0.2")
REMINDER_MAX_WORKING_HOURS = Decimal("7.5")
# Requests due further ahead than this are not even looked at (a reminder window of one
# working day stays within it across the longest public holiday).
REMINDER_LOOKAHEAD = datetime.timedelta(days=15)
# A request already flagged overdue is noticed again only when its due time changed
# (reopened, extended) within this period: past it, the sweep leaves it alone.
OVERDUE_LOOKBACK = datetime.timedelta(days=7)


@dataclass(frozen=True)
class Stage:
    name: str
    due_field: str
    flag_field: str
    states: tuple[str, ...]
    label: str


STAGES = (
    Stage(
        "register",
        "due_register_at",
        "register_overdue",
        (State.SUBMITTED,),
        gettext_lazy("registration"),
    ),
    Stage(
        "handle",
        "due_handle_at",
        "handle_overdue",
        (State.REGISTERED, State.DISPATCHED, State.IN_PROGRESS),
        gettext_lazy("handling"),
    ),
)


@dataclass
class SweepResult:
    reminded: int = 0  # (request, stage) reminders queued in this run
    overdue: int = 0  # requests newly flagged overdue
    noticed: int = 0  # (request, stage) overdue notices queued in this run
    queued: int = 0  # outbox rows written


# --- writing to the outbox -------------------------------------------------------------


def _in_site_language(text) -> str:
    """Stored texts are written in the portal's language, whoever's request caused them."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def _request_url(request) -> str:
    return reverse("grid:request-detail", args=[request.pk]) if request is not None else ""


def _messages(
    *,
    key: str,
    kind: str,
    title: str,
    body: str = "",
    request=None,
    users: Iterable = (),
    sms: Iterable[tuple] = (),
    actor=None,
) -> list[OutboxMessage]:
    actor_id = getattr(actor, "pk", None)
    inbox_payload = {
        "kind": str(kind),
        "title": title[:200],
        "body": body[:1000],
        "url": _request_url(request),
        "request_id": getattr(request, "pk", None),
    }
    rows, seen = [], set()
    for user in users:
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
    for user, phone in sms:
        if not phone or (user is not None and user.pk == actor_id):
            continue
        who = f"u{user.pk}" if user is not None else f"p{phone}"
        if ("sms", who) in seen:
            continue
        seen.add(("sms", who))
        rows.append(
            OutboxMessage(
                channel=Channel.SMS,
                recipient=user,
                payload={"phone": phone, "text": title[:300], "kind": str(kind)},
                dedupe_key=f"{key}:sms:{who}"[:200],
            )
        )
    return rows


def _queue(rows: list[OutboxMessage]) -> list[OutboxMessage]:
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
        _drain_on_commit()
    return fresh


def notify(
    *,
    key: str,
    kind: str,
    title: str,
    body: str = "",
    request=None,
    users: Iterable = (),
    sms: Iterable[tuple] = (),
    actor=None,
) -> int:
    """Queue one notice: an inbox notification for each of ``users`` and a text message
    for each ``(user or None, phone)`` of ``sms``, never to ``actor``. ``key`` names
    the notice; the same key queued again writes nothing. Returns the rows written."""
    return len(
        _queue(
            _messages(
                key=key,
                kind=kind,
                title=title,
                body=body,
                request=request,
                users=users,
                sms=sms,
                actor=actor,
            )
        )
    )


def _drain_on_commit() -> None:
    # A drain finds nothing left to do when an earlier one of the same commit ran.
    transaction.on_commit(enqueue_drain, robust=True)


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


def _claim(after_id: int, size: int) -> list[OutboxMessage]:
    queryset = OutboxMessage.objects.filter(state=Sending.PENDING, id__gt=after_id).order_by("id")
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True)
    return list(queryset[:size])


def _one_batch(rows: list[OutboxMessage]) -> list[OutboxMessage]:
    """The inbox rows before the first text message, or that text message alone.

    An inbox row is delivered by the transaction that marks it sent: all or nothing,
    whatever happens to the worker. A text message leaves the database when the gateway
    takes it, so each one is marked sent in a transaction of its own: a worker killed
    mid-drain sends again at most the one message it was handing over, not the batch."""
    for index, row in enumerate(rows):
        if row.channel == Channel.SMS:
            return rows[:index] or rows[:1]
    return rows


def _deliver_batch(after_id: int, size: int) -> tuple[int | None, int]:
    """Deliver up to ``size`` pending rows after ``after_id`` in one transaction (a text
    message in one of its own); the rows are locked (skipped by a concurrent drain)
    until they are marked sent."""
    with transaction.atomic():
        rows = _one_batch(_claim(after_id, size))
        if not rows:
            return None, 0
        request_ids = {r.payload.get("request_id") for r in rows if r.channel == Channel.INBOX}
        request_ids.discard(None)
        live = set(ServiceRequest.objects.filter(pk__in=request_ids).values_list("pk", flat=True))
        now = timezone.now()
        notifications, sent, failed = [], [], []
        for row in rows:
            payload = row.payload if isinstance(row.payload, dict) else {}
            try:
                if row.channel == Channel.INBOX:
                    if row.recipient_id is None:
                        raise ValueError("an inbox message without a recipient")
                    request_id = payload.get("request_id")
                    notifications.append(
                        Notification(
                            user_id=row.recipient_id,
                            request_id=request_id if request_id in live else None,
                            kind=str(payload.get("kind") or Kind.STATUS)[:16],
                            title=str(payload.get("title") or "")[:200],
                            body=str(payload.get("body") or "")[:1000],
                            url=str(payload.get("url") or "")[:300],
                            source=row,
                        )
                    )
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
        after_id, count = _deliver_batch(after_id, min(DRAIN_BATCH, limit - delivered))
        if after_id is None:
            break
        delivered += count
    return delivered


# --- who: the people around a request ------------------------------------------------


def _handling_roles() -> dict[Tier, set[str]]:
    """The roles that work requests, by the tier they hold posts on (from the role
    grants, so a county admin's change of grants changes who is told)."""
    roles: dict[Tier, set[str]] = {}
    for role, granted in role_permissions().items():
        if CHANGE not in granted:
            continue
        try:
            tier = ROLE_TIER[Role(role)]
        except (ValueError, KeyError):
            continue
        if tier is not None:
            roles.setdefault(tier, set()).add(role)
    return roles


def _level_tier(request) -> Tier:
    return LEVEL_TIER.get(request.level, Tier.GRID)


class Directory:
    """The posts to tell about a set of requests, loaded in one query; phones in one
    more, when a text message needs them."""

    def __init__(self, requests: list, tiers: set[str]):
        self.roles = _handling_roles()
        query = Q(pk__in=[])
        for tier in (Tier.GRID, Tier.COMMUNITY, Tier.STREET):
            roles = self.roles.get(tier)
            nodes = {getattr(r, f"{tier.value}_id") for r in requests} - {None}
            wanted = {
                TIER_ABOVE.get(_level_tier(r)) if which == ABOVE else _level_tier(r)
                for r in requests
                for which in tiers & {TIER, ABOVE}
            }
            if roles and nodes and tier in wanted:
                query |= Q(role__in=roles, **{f"{tier.value}_id__in": nodes})
        street_level = any(r.level == "street" for r in requests)
        if self.roles.get(Tier.COUNTY) and ABOVE in tiers and street_level:
            query |= Q(role__in=self.roles[Tier.COUNTY])
        units = {r.handler_unit_id for r in requests} - {None}
        if units and HANDLER in tiers:
            query |= Q(role=Role.UNIT_STAFF, handling_unit_id__in=units)
        self.posts = list(
            Post.objects.filter(query, is_active=True, user__is_active=True).select_related("user")
        )
        self._phones = None

    def tier_users(self, request, tier: Tier | None) -> list:
        if tier is None:
            return []
        roles = self.roles.get(tier, set())
        column = None if tier == Tier.COUNTY else f"{tier.value}_id"
        return [
            p.user
            for p in self.posts
            if p.role in roles
            and (column is None or getattr(p, column) == getattr(request, column))
        ]

    def handlers(self, request) -> list:
        if request.handler_user_id is not None:
            return [request.handler_user]
        if request.handler_unit_id is not None:
            return [
                p.user
                for p in self.posts
                if p.role == Role.UNIT_STAFF and p.handling_unit_id == request.handler_unit_id
            ]
        return []

    def audience(self, request, which: Iterable[str]) -> list:
        users = []
        for name in which:
            if name == REPORTER:
                users.append(request.reporter_user)
            elif name == HANDLER:
                users += self.handlers(request)
            elif name == TIER:
                users += self.tier_users(request, _level_tier(request))
            elif name == ABOVE:
                users += self.tier_users(request, TIER_ABOVE.get(_level_tier(request)))
        return [u for u in users if u is not None]

    def phones(self, users: Iterable) -> list[tuple]:
        """``(user, phone)`` for the users with a phone: their own resident record's,
        else the duty phone of one of their posts."""
        users = [u for u in users if u is not None]
        if self._phones is None:
            self._phones = {}
        missing = {u.pk for u in users} - set(self._phones)
        if missing:
            own = dict(
                Resident.objects.filter(user_id__in=missing, state=Resident.State.LIVING)
                .exclude(phone="")
                .values_list("user_id", "phone")
            )
            duty = {p.user_id: p.duty_phone for p in self.posts if p.duty_phone}
            for pk in missing:
                self._phones[pk] = own.get(pk) or duty.get(pk) or ""
        return [(u, self._phones[u.pk]) for u in users if self._phones.get(u.pk)]


def reporter_phone(request) -> list[tuple]:
    """The reporter's phone, with or without an account (代办 for a resident without one)."""
    reporter = request.reporter
    if reporter is None or not reporter.phone or reporter.state != Resident.State.LIVING:
        return []
    return [(request.reporter_user, reporter.phone)]


# --- status changes ------------------------------------------------------------------


def notify_event(event) -> int:
    """Queue the notices of one timeline entry (called by ``_event()``)."""
    request, action = event.request, event.action
    which = ACTION_AUDIENCE.get(action)
    if which is None:
        which = DEFAULT_AUDIENCE | (
            {REPORTER} if event.from_state != event.to_state else frozenset()
        )
    directory = Directory([request], set(which))
    users = directory.audience(request, which)
    label = ACTION_LABELS.get(action)
    with translation.override(settings.LANGUAGE_CODE):
        what = str(label) if label else f"{action} · {request.get_state_display()}"
        title = _("Request %(number)s: %(what)s") % {"number": request.number, "what": what}
        body = "\n".join(filter(None, [str(request.category), event.note[:300]]))
    sms = reporter_phone(request) if action in SMS_ACTIONS and REPORTER in which else []
    return notify(
        key=f"request:{request.pk}:event:{event.pk}",
        kind=Kind.STATUS,
        title=title,
        body=body,
        request=request,
        users=users,
        sms=sms,
        actor=event.actor,
    )


# --- deadlines -------------------------------------------------------------------------


def stage_limit_hours(stage: Stage, request) -> Decimal:
    """The stage's limit in working hours."""
    if stage.name == "register":
        return Decimal(str(REGISTER_LIMIT_HOURS))
    category = request.category
    limit = Decimal(str(category.handle_limit or 0))
    return limit * hours_per_working_day() if category.handle_unit == "days" else limit


def reminder_window(stage: Stage, request) -> Decimal:
    """How many working hours before the limit the reminder goes out."""
    return min(stage_limit_hours(stage, request) * REMINDER_SHARE, REMINDER_MAX_WORKING_HOURS)


def _stamp(moment) -> int:
    return int(moment.timestamp())


def _deadline_text(kind: str, stage: Stage, request) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        due = timezone.localtime(getattr(request, stage.due_field))
        values = {"number": request.number, "stage": stage.label, "due": f"{due:%Y-%m-%d %H:%M}"}
        if kind == Kind.REMINDER:
            title = _("Reminder: request %(number)s is due for %(stage)s by %(due)s") % values
        else:
            title = _("Overdue: request %(number)s passed its %(stage)s limit of %(due)s") % values
        return title, str(request.category)


def sweep_deadlines(now=None) -> SweepResult:
    """Remind before each stage's limit and flag and notice after it; idempotent (the
    notices' keys carry the request, the stage and the due time, so a due time computed
    anew after a reopening or an extension is reminded of afresh)."""
    now = now or timezone.now()
    result = SweepResult()
    calendar = WorkCalendar.load(timezone.localtime(now).date() - datetime.timedelta(days=1))
    base = ServiceRequest.objects.select_related(
        "category", "handler_user", "reporter", "reporter_user"
    )
    with transaction.atomic():
        rows = []
        for stage in STAGES:
            due = stage.due_field
            open_stage = base.not_suspended(now).filter(  # a suspension (缓办) stops the clock
                state__in=stage.states, **{f"{due}__isnull": False}
            )
            upcoming = [
                r
                for r in open_stage.filter(
                    **{f"{due}__gte": now, f"{due}__lte": now + REMINDER_LOOKAHEAD}
                )
                if calendar.working_hours_between(now, getattr(r, due)) <= reminder_window(stage, r)
            ]
            late = list(
                open_stage.filter(**{f"{due}__lt": now}).filter(
                    Q(**{stage.flag_field: False}) | Q(**{f"{due}__gte": now - OVERDUE_LOOKBACK})
                )
            )
            if late:
                result.overdue += ServiceRequest.objects.filter(
                    pk__in=[r.pk for r in late], **{stage.flag_field: False}
                ).update(**{stage.flag_field: True})
            directory = Directory(upcoming + late, {HANDLER, TIER, ABOVE})
            for request in upcoming:
                title, body = _deadline_text(Kind.REMINDER, stage, request)
                # The handler if dispatched, else the tier that must register or dispatch.
                users = directory.handlers(request) or directory.audience(request, [TIER])
                stamp = _stamp(getattr(request, due))
                rows += _messages(
                    key=f"request:{request.pk}:{stage.name}:reminder:{stamp}",
                    kind=Kind.REMINDER,
                    title=title,
                    body=body,
                    request=request,
                    users=users,
                )
            for request in late:
                title, body = _deadline_text(Kind.OVERDUE, stage, request)
                responsible = directory.handlers(request) + directory.audience(request, [TIER])
                above = directory.audience(request, [ABOVE])
                stamp = _stamp(getattr(request, due))
                rows += _messages(
                    key=f"request:{request.pk}:{stage.name}:overdue:{stamp}",
                    kind=Kind.OVERDUE,
                    title=title,
                    body=body,
                    request=request,
                    users=responsible + above,
                    sms=directory.phones(directory.handlers(request) or responsible),
                )
        # One look-up of the keys for the whole sweep: what was queued before is dropped.
        fresh = _queue(rows)
        notices = {r.dedupe_key.rsplit(":", 2)[0] for r in fresh}
        result.reminded = sum(1 for k in notices if ":reminder:" in k)
        result.noticed = sum(1 for k in notices if ":overdue:" in k)
        result.queued = len(fresh)
    return result


def mark_overdue(now=None) -> int:
    """The former overdue task: runs the whole sweep, returns the requests newly flagged."""
    return sweep_deadlines(now).overdue


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

"""Who hears of what in the request loop, through the core's notifications
(``core.notify``): the people told of each timeline entry, and the reminders (催办)
and overdue notices of the deadline sweep.

* ``notify_event()`` is called by ``record_event()`` for every timeline entry: who
  hears of a transition is the table ``ACTION_AUDIENCE`` below; the actor never hears
  of their own action.
* ``sweep_deadlines()`` (registered with ``core.workdays``, every five minutes) reminds
  the handler before a limit and, once it has passed, sets the stage's overdue flag and
  tells the handler and the tier above. Running it twice sends nothing twice.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.notify.kinds import Kind as NoticeKind
from core.notify.kinds import register_kind
from core.notify.services import build_messages, notify, queue
from core.rules import rule
from core.workdays.calendar import WorkCalendar, hours_per_working_day
from core.workdays.deadlines import reminder_due, reminder_window

from ..models import Post, Resident, ServiceRequest
from ..permissions import ROLE_TIER, Role, Tier
from ..rules import REGISTER_LIMIT_HOURS, REMINDER_MAX_HOURS, REMINDER_SHARE
from ..scoping import role_permissions

logger = logging.getLogger("grid.notify")


class Kind:
    """The request loop's kinds of notice (keys as they were first stored)."""

    STATUS, REMINDER, OVERDUE = "status", "reminder", "overdue"


register_kind(
    NoticeKind(Kind.STATUS, gettext_lazy("Status change"), sms=True),
    NoticeKind(Kind.REMINDER, gettext_lazy("Reminder"), level="warning"),
    NoticeKind(Kind.OVERDUE, gettext_lazy("Overdue notice"), level="danger", sms=True),
)
State = ServiceRequest.State

CHANGE = "grid.change_servicerequest"
LEVEL_TIER = {"grid": Tier.GRID, "community": Tier.COMMUNITY, "street": Tier.STREET}
TIER_ABOVE = {Tier.GRID: Tier.COMMUNITY, Tier.COMMUNITY: Tier.STREET, Tier.STREET: Tier.COUNTY}

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
    "place": frozenset({TIER}),  # an unmatched report placed: the grid's members hear of it
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
    "place": gettext_lazy("placed on a building of your grid"),
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
# the rule parameter requests.reminder_share of the limit (default the last 20 %), but
# never earlier than requests.reminder_max_working_hours before it (one working day of
# the default 7.5 h), so a 13-working-day limit is reminded of the day before, not
# three days before; the one-hour registration limit gets its reminder 12 working
# minutes ahead.
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


def user_phones(users) -> dict:
    """``{user_pk: phone}``: a user's own resident record's phone, else the duty phone
    of one of their posts (registered with ``core.notify`` for the daily digest)."""
    pks = {u.pk for u in users if u is not None}
    if not pks:
        return {}
    own = dict(
        Resident.objects.filter(user_id__in=pks, state=Resident.State.LIVING)
        .exclude(phone="")
        .values_list("user_id", "phone")
    )
    duty = dict(
        Post.objects.filter(user_id__in=pks - set(own), is_active=True)
        .exclude(duty_phone="")
        .values_list("user_id", "duty_phone")
    )
    return {**duty, **own}


# --- status changes ------------------------------------------------------------------


def notify_event(event) -> int:
    """Queue the notices of one timeline entry (called by ``record_event()``)."""
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
        subject=request,
        url=request_url(request),
        recipients=users,
        sms=sms,
        actor=event.actor,
    )


# --- deadlines -------------------------------------------------------------------------


def stage_limit_hours(stage: Stage, request) -> Decimal:
    """The stage's limit in working hours."""
    if stage.name == "register":
        return Decimal(str(rule(REGISTER_LIMIT_HOURS, node=request)))
    category = request.category
    limit = Decimal(str(category.handle_limit or 0))
    return limit * hours_per_working_day() if category.handle_unit == "days" else limit


def stage_reminder_window(stage: Stage, request) -> Decimal:
    """How many working hours before the limit the reminder goes out."""
    return reminder_window(
        stage_limit_hours(stage, request),
        share=rule(REMINDER_SHARE, node=request),
        max_hours=rule(REMINDER_MAX_HOURS, node=request),
    )


def request_url(request) -> str:
    return reverse("grid:request-detail", args=[request.pk])


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
                if reminder_due(calendar, now, getattr(r, due), stage_reminder_window(stage, r))
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
                rows += build_messages(
                    key=f"request:{request.pk}:{stage.name}:reminder:{stamp}",
                    kind=Kind.REMINDER,
                    title=title,
                    body=body,
                    subject=request,
                    url=request_url(request),
                    recipients=users,
                )
            for request in late:
                title, body = _deadline_text(Kind.OVERDUE, stage, request)
                responsible = directory.handlers(request) + directory.audience(request, [TIER])
                above = directory.audience(request, [ABOVE])
                stamp = _stamp(getattr(request, due))
                rows += build_messages(
                    key=f"request:{request.pk}:{stage.name}:overdue:{stamp}",
                    kind=Kind.OVERDUE,
                    title=title,
                    body=body,
                    subject=request,
                    url=request_url(request),
                    recipients=responsible + above,
                    sms=directory.phones(directory.handlers(request) or responsible),
                )
        # One look-up of the keys for the whole sweep: what was queued before is dropped.
        fresh = queue(rows)
        notices = {r.dedupe_key.rsplit(":", 2)[0] for r in fresh}
        result.reminded = sum(1 for k in notices if ":reminder:" in k)
        result.noticed = sum(1 for k in notices if ":overdue:" in k)
        result.queued = len(fresh)
    return result


def mark_overdue(now=None) -> int:
    """The former overdue task: runs the whole sweep, returns the requests newly flagged."""
    return sweep_deadlines(now).overdue

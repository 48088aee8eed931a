"""The disclosure (三务公开) of a community: the schedule of what is due when, the
publication of versions (a financial one with its statement generated from the ledger),
residents' questions answered publicly, and the alerts before and after the due date."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.notify.services import in_site_language, notify
from core.rules import rule
from core.timeline import Conflict, refuse
from core.workdays.calendar import WorkCalendar
from grid.models import Community, Post
from grid.permissions import Role
from grid.scoping import OutOfScope, holding_tiers, save_in_scope

from . import notices
from . import rules as keys
from .models import Disclosure, DisclosureQuestion, DisclosureVersion
from .permissions import DisclosurePerm
from .statements import quarter_bounds, statement

Area, Cadence = Disclosure.Area, Disclosure.Cadence


def working_days_after(day: datetime.date, days: int) -> datetime.date:
    """The ``days``-th working day after ``day`` on the core's calendar."""
    calendar = WorkCalendar.load(day, days=days * 2 + 60)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))
    return timezone.localtime(calendar.add_working_days(start, days)).date()


def _month_bounds(year: int, month: int):
    first = datetime.date(year, month, 1)
    after = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return first, after - datetime.timedelta(days=1)


def _periods(cadence: str, year: int):
    if cadence == Cadence.YEARLY:
        return [(datetime.date(year, 1, 1), datetime.date(year, 12, 31))]
    if cadence == Cadence.MONTHLY:
        return [_month_bounds(year, m) for m in range(1, 13)]
    return [quarter_bounds(year, q) for q in range(1, 5)]


AREA_TITLES = {
    Area.FINANCE: lambda: _("Financial statement"),
    Area.PARTY: lambda: _("Party affairs"),
    Area.COMMUNITY: lambda: _("Community affairs"),
}


def _title(community, area, start, end, cadence) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _title_text(community, area, start, cadence)


def _title_text(community, area, start, cadence) -> str:
    if cadence == Cadence.YEARLY:
        period = _("%(year)d") % {"year": start.year}
    elif cadence == Cadence.MONTHLY:
        period = _("%(year)d-%(month)02d") % {"year": start.year, "month": start.month}
    else:
        period = _("%(year)d Q%(quarter)d") % {
            "year": start.year,
            "quarter": (start.month + 2) // 3,
        }
    return f"{in_site_language(community.name)} {period} {AREA_TITLES[area]()}"[:100]


@transaction.atomic
def schedule_year(*, by, community: Community, year: int, busy: bool = False) -> list[Disclosure]:
    """The year's schedule: the fixed items of every area yearly, the regular items
    quarterly (finances monthly when they are busy), each due the rule's working days
    after its period ends. Items already scheduled are kept."""
    if not holding_tiers(by, DisclosurePerm.ADD, community):
        raise OutOfScope(_("You may not schedule disclosures here."))
    if not 2000 <= int(year) <= 2100:
        refuse({"year": _("Enter a year between 2000 and 2100.")})
    days = int(rule(keys.QUARTER_DISCLOSURE_WORKDAYS, node=community))
    plan = [(area, Cadence.YEARLY) for area in AREA_TITLES]
    plan += [(Area.FINANCE, Cadence.MONTHLY if busy else Cadence.QUARTERLY)]
    plan += [(Area.PARTY, Cadence.QUARTERLY), (Area.COMMUNITY, Cadence.QUARTERLY)]
    made = []
    for area, cadence in plan:
        for start, end in _periods(cadence, year):
            if Disclosure.objects.filter(
                community=community, area=area, cadence=cadence, period_start=start, unit=None
            ).exists():
                continue
            item = Disclosure(
                community=community,
                area=area,
                cadence=cadence,
                title=_title(community, area, start, end, cadence),
                period_start=start,
                period_end=end,
                due_on=working_days_after(end, days),
            )
            try:
                with transaction.atomic():
                    save_in_scope(by, item, "add")
            except IntegrityError:
                continue
            made.append(item)
    return made


@transaction.atomic
def major_matter(
    *, by, community: Community, title: str, occurred_on: datetime.date, area=Area.COMMUNITY
):
    """A major matter, due within the rule's days of when it happened."""
    title = (title or "").strip()
    if not title:
        refuse({"title": _("Name the matter.")})
    if area not in Area.values:
        refuse({"area": _("Choose one of the areas.")})
    days = int(rule(keys.MAJOR_DISCLOSURE_DAYS, node=community))
    item = Disclosure(
        community=community,
        area=area,
        cadence=Cadence.MAJOR,
        title=title[:100],
        period_start=occurred_on,
        period_end=occurred_on,
        due_on=occurred_on + datetime.timedelta(days=days),
    )
    return save_in_scope(by, item, "add")


@transaction.atomic
def property_accounts(*, by, unit, community: Community, year: int, quarter: int) -> Disclosure:
    """A property company's quarterly accounts to the owners of its buildings, due like
    the community's statement."""
    if unit is None or not unit.posts.filter(user_id=by.pk, is_active=True).exists():
        raise OutOfScope(_("Only the property company's own staff publish its accounts."))
    start, end = quarter_bounds(int(year), int(quarter))
    days = int(rule(keys.QUARTER_DISCLOSURE_WORKDAYS, node=community))
    item, _created = Disclosure.objects.get_or_create(
        community=community,
        area=Area.PROPERTY,
        cadence=Cadence.QUARTERLY,
        period_start=start,
        unit=unit,
        defaults={
            "period_end": end,
            "due_on": working_days_after(end, days),
            "title": f"{in_site_language(unit.name)} {year} Q{quarter}"[:100],
        },
    )
    return item


def _may_publish(by, disclosure: Disclosure) -> bool:
    if disclosure.area == Area.PROPERTY and disclosure.unit_id:
        return disclosure.unit.posts.filter(user_id=by.pk, is_active=True).exists()
    return by.has_perm(DisclosurePerm.CHANGE, disclosure)


@transaction.atomic
def publish(*, by, disclosure: Disclosure, body: str = "") -> DisclosureVersion:
    """Publish a new version: a financial one with the statement of its period, made
    from the ledger now. Earlier versions stay as they were."""
    disclosure = Disclosure.objects.select_for_update(of=("self",)).get(pk=disclosure.pk)
    if not _may_publish(by, disclosure):
        raise OutOfScope(_("You may not publish this disclosure."))
    body = (body or "").strip()
    data = None
    if disclosure.area == Area.FINANCE:
        data = statement(disclosure.community, disclosure.period_start, disclosure.period_end)
    elif not body:
        refuse({"body": _("Write what is disclosed.")})
    number = disclosure.version_count + 1
    version = DisclosureVersion.objects.create(
        disclosure=disclosure, number=number, body=body[:8000], statement=data, published_by=by
    )
    Disclosure.objects.filter(pk=disclosure.pk).update(
        version_count=F("version_count") + 1, state=Disclosure.State.PUBLISHED
    )
    return version


def latest_version(disclosure: Disclosure) -> DisclosureVersion | None:
    return disclosure.versions.order_by("-number").first()


@transaction.atomic
def ask(*, user, disclosure: Disclosure, text: str) -> DisclosureQuestion:
    """A resident of the community asks a question on a published disclosure."""
    text = (text or "").strip()
    if not text:
        refuse({"text": _("Write your question.")})
    disclosure = Disclosure.objects.get(pk=disclosure.pk)
    if disclosure.state != Disclosure.State.PUBLISHED:
        raise Conflict(_("Questions are asked on a published disclosure."))
    if not user.has_perm("funding.view_disclosure", disclosure):
        raise OutOfScope(_("This disclosure is for another community."))
    if (
        DisclosureQuestion.objects.filter(
            asked_by=user, asked_at__date=timezone.localdate()
        ).count()
        >= 5
    ):
        refuse(_("At most five questions a day."))
    question = DisclosureQuestion.objects.create(
        disclosure=disclosure, asked_by=user, text=text[:500]
    )
    return question


@transaction.atomic
def answer(*, by, question: DisclosureQuestion, text: str) -> DisclosureQuestion:
    question = DisclosureQuestion.objects.select_for_update(of=("self",)).get(pk=question.pk)
    if not _may_publish(by, question.disclosure):
        raise OutOfScope(_("You may not answer questions on this disclosure."))
    text = (text or "").strip()
    if not text:
        refuse({"answer": _("Write the answer.")})
    if question.answered_at:
        raise Conflict(_("This question has been answered already."))
    question.answer = text[:1000]
    question.answered_by = by
    question.answered_at = timezone.now()
    question.save(update_fields=["answer", "answered_by", "answered_at"])
    if question.asked_by_id:
        notify(
            key=f"funding.answer:{question.pk}",
            kind=notices.ANSWERED,
            recipients=[question.asked_by],
            subject=question,
            context={"title": in_site_language(question.disclosure.title)},
            url=f"/funding/disclosures/{question.disclosure_id}/",
            actor=by,
        )
    return question


def _office(community_id):
    return [
        post.user
        for post in Post.objects.filter(
            community_id=community_id,
            role__in=[Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER],
            is_active=True,
        ).select_related("user")
    ]


def alert_disclosures(now=None) -> int:
    """The deadline sweep: alert the community office the rule's days before a
    disclosure is due, and again once it is overdue (each once)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    sent = 0
    for item in (
        Disclosure.objects.filter(state=Disclosure.State.DUE, alerted_at=None)
        .filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=30))
        .select_related("community")[:500]
    ):
        ahead = int(rule(keys.DISCLOSURE_ALERT_DAYS, node=item))
        if (item.due_on - today).days > ahead:
            continue
        notify(
            key=f"funding.disclosure-due:{item.pk}",
            kind=notices.DUE,
            recipients=_office(item.community_id),
            subject=item,
            context={"title": in_site_language(item.title), "due": item.due_on.isoformat()},
            url=f"/funding/disclosures/{item.pk}/",
        )
        Disclosure.objects.filter(pk=item.pk).update(alerted_at=now)
        sent += 1
    for item in Disclosure.objects.filter(
        state=Disclosure.State.DUE, overdue_alerted_at=None, due_on__lt=today
    )[:500]:
        notify(
            key=f"funding.disclosure-overdue:{item.pk}",
            kind=notices.OVERDUE,
            recipients=_office(item.community_id),
            subject=item,
            context={"title": in_site_language(item.title), "due": item.due_on.isoformat()},
            url=f"/funding/disclosures/{item.pk}/",
        )
        Disclosure.objects.filter(pk=item.pk).update(overdue_alerted_at=now)
        sent += 1
    return sent

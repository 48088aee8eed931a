"""Every change of the in-service members' work (在职党员双报到) goes through these
functions: the report and its placement, the needs list and its claims, small wishes
from post to the resident's confirmation, the yearly appraisal, and the quarterly
summary sent to each workplace party organisation.

The invariants are the database's: one report per volunteer (unique); a need's
``claimed`` counter moves with ``F()`` under the need's row lock and a check constraint
keeps it within ``places``; one live claim per member and need (a partial unique index);
a wish is claimed by a conditional update of its open row, so two members claiming the
same wish at once give it to exactly one.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notify.services import in_site_language, notify
from core.rules import rule
from core.timeline import Conflict, expect_state, refuse
from grid.models import Community, Grid, Resident
from grid.scoping import OutOfScope, save_in_scope

from . import notices
from . import rules as keys
from .models import (
    MAX_NEED_PLACES,
    HourEntry,
    MemberReport,
    Need,
    NeedClaim,
    RecordNote,
    Tag,
    Team,
    Wish,
    WishEvent,
)
from .services import add_record_note, clean_text, is_office, must_be_signed_in, volunteer_of

# --- the report and its placement ----------------------------------------------------------


@transaction.atomic
def report_to_community(*, user, workplace: str) -> MemberReport:
    """A registered volunteer who is an in-service party member reports to the
    community where they live, naming their workplace party organisation."""
    must_be_signed_in(user)
    volunteer = volunteer_of(user)
    if volunteer is None:
        refuse(_("Register as a volunteer first (it takes a minute)."))
    workplace = clean_text(workplace, field="workplace", limit=100)
    if MemberReport.objects.filter(volunteer=volunteer).exists():
        raise Conflict(_("You have reported to your community already."))
    report = MemberReport(volunteer=volunteer, user=user, workplace=workplace)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise Conflict(_("You have reported to your community already.")) from None
    volunteer.in_service_member = True
    volunteer.workplace = workplace
    volunteer.save(update_fields=["in_service_member", "workplace"])
    return report


def _locked_report(report: MemberReport) -> MemberReport:
    return MemberReport.objects.select_for_update().select_related("volunteer").get(pk=report.pk)


@transaction.atomic
def place_member(*, by, report: MemberReport, grid: Grid, team: Team | None = None):
    """The community places a reported member in one of its grids and, if it likes, in
    one of its teams (as an accepted member of it)."""
    from .models import Membership

    if not is_office(by, report):
        raise OutOfScope()
    report = _locked_report(report)
    expect_state(report, MemberReport.State.REPORTED, MemberReport.State.PLACED)
    if grid.community_id != report.community_id:
        refuse({"grid": _("Choose a grid of the member's community.")})
    if team is not None and team.community_id != report.community_id:
        refuse({"team": _("Choose a team of the member's community.")})
    report.placed_grid = grid
    report.team = team
    report.state = MemberReport.State.PLACED
    report.placed_by = by
    report.placed_at = timezone.now()
    report.save(update_fields=["placed_grid", "team", "state", "placed_by", "placed_at"])
    if team is not None:
        membership, _created = Membership.objects.get_or_create(
            team=team,
            volunteer=report.volunteer,
            defaults={"state": Membership.State.ACTIVE, "user_id": report.user_id},
        )
        if membership.state != Membership.State.ACTIVE:
            membership.state = Membership.State.ACTIVE
            membership.save(update_fields=["state"])
    notify(
        key=f"volunteers.placed:{report.pk}:{grid.pk}:{team.pk if team else 0}",
        kind=notices.PLACED,
        recipients=[report.user],
        subject=report,
        context={"grid": grid.name, "team": team.name if team else "-"},
        url="/volunteers/member/",
        actor=by,
    )
    return report


def placed_report(user) -> MemberReport | None:
    """The user's report when they are placed in a grid (they may claim then)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        MemberReport.objects.filter(user_id=user.pk, state=MemberReport.State.PLACED)
        .select_related("volunteer")
        .first()
    )


def _must_be_placed(user, community_id: int) -> MemberReport:
    must_be_signed_in(user)
    report = placed_report(user)
    if report is None:
        refuse(_("Only in-service party members placed by their community claim items."))
    if report.community_id != community_id:
        refuse(_("You claim the items of the community you reported to."))
    return report


@transaction.atomic
def appraise_member(*, by, report: MemberReport, year: int, grade: str, comment: str = ""):
    """The community's yearly appraisal of a member, kept in the volunteer's record."""
    if not is_office(by, report):
        raise OutOfScope()
    grades = dict(APPRAISAL_GRADES)
    if grade not in grades:
        refuse({"grade": _("Choose a grade.")})
    today = timezone.localdate()
    if not 2000 <= int(year) <= today.year:
        refuse({"year": _("Appraise a year that has begun.")})
    if appraised(report, int(year)):
        raise Conflict(_("This member is appraised for %(year)s already.") % {"year": year})
    comment = clean_text(comment, field="comment", limit=150, required=False)
    title = f"{year} {in_site_language(grades[grade])}" + (f"：{comment}" if comment else "")
    return add_record_note(
        by=by,
        kind=RecordNote.Kind.APPRAISAL,
        title=title,
        on=min(today, datetime.date(int(year), 12, 31)),
        volunteer=report.volunteer,
    )


APPRAISAL_GRADES = (
    ("excellent", _("Excellent")),
    ("good", _("Good")),
    ("fair", _("Fair")),
    ("poor", _("Poor")),
)


def appraised(report: MemberReport, year: int) -> bool:
    return RecordNote.objects.filter(
        volunteer_id=report.volunteer_id, kind=RecordNote.Kind.APPRAISAL, on__year=year
    ).exists()


# --- the needs list ------------------------------------------------------------------------


def _places(value) -> int:
    try:
        places = int(value)
    except (TypeError, ValueError):
        places = 0
    if not 1 <= places <= MAX_NEED_PLACES:
        refuse({"places": _("Between 1 and %(most)d members.") % {"most": MAX_NEED_PLACES}})
    return places


@transaction.atomic
def post_need(
    *, by, community: Community, title: str, description: str = "", tag: str = "", places=1
) -> Need:
    """The community puts an item on its needs list."""
    if tag and tag not in Tag.values:
        refuse({"tag": _("Choose a tag.")})
    need = Need(
        community=community,
        title=clean_text(title, field="title", limit=100),
        description=clean_text(description, field="description", limit=2000, required=False),
        tag=tag or Tag.OTHER,
        places=_places(places),
        posted_by=by,
    )
    save_in_scope(by, need, "add")
    return need


@transaction.atomic
def close_need(*, by, need: Need) -> Need:
    if not is_office(by, need):
        raise OutOfScope()
    need = Need.objects.select_for_update().get(pk=need.pk)
    expect_state(need, Need.State.OPEN)
    need.state = Need.State.CLOSED
    need.save(update_fields=["state"])
    return need


@transaction.atomic
def claim_need(*, user, need: Need) -> NeedClaim:
    """A placed member claims a place on an open item of their community's list."""
    report = _must_be_placed(user, need.community_id)
    need = Need.objects.select_for_update().get(pk=need.pk)
    expect_state(need, Need.State.OPEN)
    if NeedClaim.objects.filter(need=need, user=user, state__in=NeedClaim.LIVE).exists():
        raise Conflict(_("You have claimed this item already."))
    most = int(rule(keys.NEED_CLAIMS_OPEN, node=need))
    if NeedClaim.objects.filter(user=user, state=NeedClaim.State.CLAIMED).count() >= most:
        refuse(_("Finish the items you hold first (at most %(most)d at once).") % {"most": most})
    if need.claimed >= need.places:
        raise Conflict(_("Every place on this item is taken."))
    try:
        with transaction.atomic():
            claim = NeedClaim.objects.create(need=need, volunteer=report.volunteer, user=user)
            Need.objects.filter(pk=need.pk).update(claimed=F("claimed") + 1)
    except IntegrityError:
        raise Conflict(_("You have claimed this item already.")) from None
    return claim


def _locked_claim(claim: NeedClaim) -> NeedClaim:
    return NeedClaim.objects.select_for_update().select_related("need").get(pk=claim.pk)


@transaction.atomic
def withdraw_need_claim(*, user, claim: NeedClaim) -> NeedClaim:
    claim = _locked_claim(claim)
    if claim.user_id != getattr(user, "pk", None):
        raise OutOfScope()
    expect_state(claim, NeedClaim.State.CLAIMED)
    Need.objects.filter(pk=claim.need_id).update(claimed=F("claimed") - 1)
    claim.state = NeedClaim.State.WITHDRAWN
    claim.save(update_fields=["state"])
    return claim


@transaction.atomic
def finish_need_claim(*, user, claim: NeedClaim, note: str) -> NeedClaim:
    """The member says what they did; the community confirms it."""
    claim = _locked_claim(claim)
    if claim.user_id != getattr(user, "pk", None):
        raise OutOfScope()
    expect_state(claim, NeedClaim.State.CLAIMED)
    claim.note = clean_text(note, field="note", limit=500)
    claim.state = NeedClaim.State.DONE
    claim.done_at = timezone.now()
    claim.save(update_fields=["note", "state", "done_at"])
    return claim


@transaction.atomic
def confirm_need_claim(*, by, claim: NeedClaim) -> NeedClaim:
    if not is_office(by, claim):
        raise OutOfScope()
    claim = _locked_claim(claim)
    expect_state(claim, NeedClaim.State.DONE)
    claim.state = NeedClaim.State.CONFIRMED
    claim.confirmed_by = by
    claim.confirmed_at = timezone.now()
    claim.save(update_fields=["state", "confirmed_by", "confirmed_at"])
    return claim


# --- small wishes --------------------------------------------------------------------------


def _resident_of(user) -> Resident:
    must_be_signed_in(user)
    resident = (
        Resident.objects.filter(user_id=user.pk, state=Resident.State.LIVING)
        .select_related("household")
        .first()
    )
    if resident is None:
        refuse(_("Only confirmed residents post small wishes: confirm your household first."))
    return resident


def _wish_event(wish: Wish, *, actor, action: str, from_state: str, note: str = ""):
    WishEvent.record(wish=wish, actor=actor, action=action, from_state=from_state, note=note)


def _tell_resident(wish: Wish, kind: str, actor) -> None:
    notify(
        key=f"{kind}:{wish.pk}:{wish.state}",
        kind=kind,
        recipients=[wish.user],
        subject=wish,
        context={"wish": wish.title, "state": in_site_language(wish.get_state_display())},
        url=f"/volunteers/wishes/{wish.pk}/",
        actor=actor,
    )


@transaction.atomic
def post_wish(*, user, title: str, description: str = "") -> Wish:
    """A confirmed resident posts a small wish for the members of their community."""
    resident = _resident_of(user)
    wish = Wish(
        user=user,
        resident=resident,
        title=clean_text(title, field="title", limit=60),
        description=clean_text(description, field="description", limit=500, required=False),
    )
    most = int(rule(keys.WISHES_OPEN, node=resident.household))
    live = Wish.objects.filter(user=user, state__in=["open", "claimed", "fulfilled"])
    if live.count() >= most:
        refuse(_("You have %(most)d wishes waiting already.") % {"most": most})
    wish.save()
    _wish_event(wish, actor=user, action="post", from_state="")
    return wish


def _locked_wish(wish: Wish) -> Wish:
    return Wish.objects.select_for_update().get(pk=wish.pk)


@transaction.atomic
def withdraw_wish(*, user, wish: Wish) -> Wish:
    wish = _locked_wish(wish)
    if wish.user_id != getattr(user, "pk", None):
        raise OutOfScope()
    expect_state(wish, Wish.State.OPEN)
    wish.state = Wish.State.WITHDRAWN
    wish.save(update_fields=["state"])
    _wish_event(wish, actor=user, action="withdraw", from_state="open")
    return wish


@transaction.atomic
def claim_wish(*, user, wish: Wish) -> Wish:
    """A placed member of the wish's community claims it: the open row is updated only
    if it is still open, so of two members claiming at once exactly one has it."""
    report = _must_be_placed(user, wish.community_id)
    if wish.user_id == user.pk:
        refuse(_("A member does not claim their own wish."))
    taken = Wish.objects.filter(pk=wish.pk, state=Wish.State.OPEN).update(
        state=Wish.State.CLAIMED,
        claimed_by=report.volunteer,
        claimer=user,
        claimed_at=timezone.now(),
    )
    wish = Wish.objects.get(pk=wish.pk)
    if not taken:
        raise Conflict(_("This wish is not open to claim any more."))
    _wish_event(wish, actor=user, action="claim", from_state="open")
    _tell_resident(wish, notices.WISH, user)
    return wish


@transaction.atomic
def release_wish(*, user, wish: Wish, reason: str) -> Wish:
    """The claimer gives a wish back (with a reason): it is open again."""
    wish = _locked_wish(wish)
    if wish.claimer_id != getattr(user, "pk", None):
        raise OutOfScope()
    expect_state(wish, Wish.State.CLAIMED)
    reason = clean_text(reason, field="reason", limit=200)
    wish.state = Wish.State.OPEN
    wish.claimed_by = None
    wish.claimer = None
    wish.claimed_at = None
    wish.save(update_fields=["state", "claimed_by", "claimer", "claimed_at"])
    _wish_event(wish, actor=user, action="release", from_state="claimed", note=reason)
    return wish


@transaction.atomic
def fulfil_wish(*, user, wish: Wish, note: str) -> Wish:
    wish = _locked_wish(wish)
    if wish.claimer_id != getattr(user, "pk", None):
        raise OutOfScope()
    expect_state(wish, Wish.State.CLAIMED)
    wish.fulfil_note = clean_text(note, field="note", limit=500)
    wish.state = Wish.State.FULFILLED
    wish.fulfilled_at = timezone.now()
    wish.save(update_fields=["fulfil_note", "state", "fulfilled_at"])
    _wish_event(wish, actor=user, action="fulfil", from_state="claimed", note=wish.fulfil_note)
    _tell_resident(wish, notices.WISH, user)
    return wish


@transaction.atomic
def confirm_wish(*, user, wish: Wish) -> Wish:
    """The resident confirms their wish came true."""
    wish = _locked_wish(wish)
    if wish.user_id != getattr(user, "pk", None):
        raise OutOfScope()
    expect_state(wish, Wish.State.FULFILLED)
    wish.state = Wish.State.CONFIRMED
    wish.confirmed_at = timezone.now()
    wish.save(update_fields=["state", "confirmed_at"])
    _wish_event(wish, actor=user, action="confirm", from_state="fulfilled")
    return wish


# --- the quarterly summary -----------------------------------------------------------------


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """The first day of the quarter and the first day after it."""
    if not 1 <= int(quarter) <= 4 or not 2000 <= int(year) <= 2100:
        refuse({"quarter": _("Choose a quarter.")})
    start = datetime.date(int(year), 3 * int(quarter) - 2, 1)
    end = (
        datetime.date(int(year) + 1, 1, 1)
        if int(quarter) == 4
        else datetime.date(int(year), 3 * int(quarter) + 1, 1)
    )
    return start, end


def quarterly_summary(reports, *, year: int, quarter: int) -> list[dict]:
    """One row per member of ``reports`` (a scoped queryset): their workplace, grid,
    team, confirmed hours in the quarter, items of the needs list confirmed, and small
    wishes fulfilled; three grouped queries whatever the number of members."""
    start, end = quarter_bounds(year, quarter)
    reports = list(
        reports.select_related("volunteer", "placed_grid", "team").order_by("workplace", "id")
    )
    volunteer_ids = [r.volunteer_id for r in reports]
    hours = dict(
        HourEntry.objects.filter(
            volunteer_id__in=volunteer_ids,
            state=HourEntry.State.CONFIRMED,
            served_on__gte=start,
            served_on__lt=end,
        )
        .values("volunteer_id")
        .annotate(total=Sum("hours"))
        .values_list("volunteer_id", "total")
    )
    needs = dict(
        NeedClaim.objects.filter(
            volunteer_id__in=volunteer_ids,
            state=NeedClaim.State.CONFIRMED,
            confirmed_at__date__gte=start,
            confirmed_at__date__lt=end,
        )
        .values("volunteer_id")
        .annotate(n=Count("id"))
        .values_list("volunteer_id", "n")
    )
    wishes = dict(
        Wish.objects.filter(
            Q(state=Wish.State.FULFILLED) | Q(state=Wish.State.CONFIRMED),
            claimed_by_id__in=volunteer_ids,
            fulfilled_at__date__gte=start,
            fulfilled_at__date__lt=end,
        )
        .values("claimed_by_id")
        .annotate(n=Count("id"))
        .values_list("claimed_by_id", "n")
    )
    return [
        {
            "workplace": r.workplace,
            "name": r.volunteer.name,
            "grid": r.placed_grid.name if r.placed_grid else "",
            "team": r.team.name if r.team else "",
            "state": r.get_state_display(),
            "hours": hours.get(r.volunteer_id) or Decimal("0"),
            "needs": needs.get(r.volunteer_id, 0),
            "wishes": wishes.get(r.volunteer_id, 0),
        }
        for r in reports
    ]


def poster_name(wish: Wish, viewer=None) -> str:
    """The resident's name on a wish: whole to the resident, the claimer and an office;
    masked to the other residents and members reading the community's wishes."""
    from core.masking import mask_name

    name = wish.resident.name
    signed_in = viewer is not None and getattr(viewer, "is_authenticated", False)
    if signed_in and (viewer.pk in (wish.user_id, wish.claimer_id) or is_office(viewer, wish)):
        return name
    return mask_name(name)


def appraised_ids(reports, year: int) -> set[int]:
    """The volunteers among ``reports`` appraised for ``year`` (one query)."""
    return set(
        RecordNote.objects.filter(
            volunteer_id__in=[r.volunteer_id for r in reports],
            kind=RecordNote.Kind.APPRAISAL,
            on__year=year,
        ).values_list("volunteer_id", flat=True)
    )


def refuse_choice(field: str):
    """A page's choice of something the user may not use (or nothing at all)."""
    refuse({field: _("Choose one of the list.")})

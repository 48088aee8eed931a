"""Every change of residents' consultation goes through these functions.

Topics: ``propose_topic`` → ``review_topic`` (accept, merge, refer, reject: with a reason
the proposer is told) → ``support_topic`` (one per household or person, a unique
constraint; the threshold schedules the topic). Meetings: ``convene_meeting`` (invites
the node's residents), ``sign_in`` (QR, clerk or online; each person once),
``give_proxy`` / ``revoke_proxy``, ``record_minutes``, ``countersign_minutes``. Votes:
``create_vote`` (rules or a Civil Code preset) → ``open_vote`` (the electorate is
counted) → ``cast_ballot`` (online, meeting, proxy) and ``enter_paper`` (two clerks) →
``close_vote`` → ``tally_vote`` (by the database, refused while paper entries differ) →
``sign_off_vote`` (the supervision committee) → ``publish_resolution`` → objections,
tasks, milestones, ratings → archive.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.checkin import is_valid_code
from core.notify.services import in_site_language, notify
from core.rules import rule
from core.timeline import Conflict, refuse
from core.workdays.calendar import current_calendar
from grid.models import Building, Community, Grid, Household, Post, Resident
from grid.scoping import OutOfScope, holding_tiers

from . import notices
from . import rules as keys
from .models import (
    AgendaItem,
    Attendance,
    Ballot,
    HouseholdArea,
    Meeting,
    Milestone,
    Objection,
    Option,
    PaperEntry,
    Proxy,
    Rating,
    Resolution,
    ResolutionEvent,
    Stakeholder,
    Support,
    Task,
    Topic,
    TopicEvent,
    Vote,
    VoteEvent,
)
from .permissions import COUNTERSIGN, ConsultationPerm

NODE_TYPES = (Building, Grid, Community)
CHECKIN = "negotiation.meeting"
ADULT_YEARS = 18

# Presets of the Civil Code art. 278 for owners' decisions (DOMAIN.md, to confirm):
# participation ≥ 2/3 of area and owners; ordinary matters pass with more than half of
# the participating area and owners, major matters with at least 3/4 of both.
PRESETS = {
    "ordinary": {
        "quorum_num": 2,
        "quorum_den": 3,
        "pass_num": 1,
        "pass_den": 2,
        "pass_strict": True,
    },
    "major": {"quorum_num": 2, "quorum_den": 3, "pass_num": 3, "pass_den": 4, "pass_strict": False},
}


def _text(value, *, field: str, limit: int, required: bool = True) -> str:
    text = (value or "").strip()
    if "\x00" in text:
        refuse({field: _("The text must not contain NUL characters.")})
    if required and not text:
        refuse({field: _("This field is required.")})
    if len(text) > limit:
        refuse({field: _("At most %(limit)d characters.") % {"limit": limit}})
    return text


def node_of(obj):
    """The most specific node of a scoped object (building, grid or community)."""
    return obj.scope_node()


def node_column(node) -> str:
    return {Building: "building_id", Grid: "grid_id", Community: "community_id"}[type(node)]


def living_resident(user) -> Resident | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Resident.objects.filter(user_id=user.pk, state=Resident.State.LIVING)
        .select_related("household")
        .first()
    )


def lives_on(resident: Resident | None, obj) -> bool:
    """Whether ``resident`` lives on the node of ``obj`` (its most specific tier)."""
    if resident is None:
        return False
    column = obj.tier_columns[obj.scope_tier()]
    return getattr(resident.household, column) == getattr(obj, column)


def community_posts(community_id):
    """The users of the community office's active posts (secretary, workers)."""
    return get_user_model().objects.filter(
        pk__in=Post.objects.filter(community_id=community_id, grid_id=None, is_active=True).values(
            "user_id"
        ),
        is_active=True,
    )


def residents_of(obj):
    """The users of the residents living on the node of ``obj``."""
    column = obj.tier_columns[obj.scope_tier()]
    living = Resident.objects.filter(
        state=Resident.State.LIVING,
        user__isnull=False,
        **{f"household__{column}": getattr(obj, column)},
    )
    return get_user_model().objects.filter(pk__in=living.values("user_id"), is_active=True)


# --- topics ------------------------------------------------------------------------


def _topic_event(topic, by, action, previous, note=""):
    TopicEvent.record(topic=topic, actor=by, action=action, from_state=previous, note=note)


@transaction.atomic
def propose_topic(
    *, user, node, title: str, description: str, stakeholders=(), photo=None
) -> Topic:
    """A verified resident of the node, or a post on it (building leader, grid member,
    the party organisation) proposes a topic; the review is due within the rule's
    working days."""
    if not isinstance(node, NODE_TYPES):
        refuse({"node": _("A topic is raised on a building, a grid or a community.")})
    title = _text(title, field="title", limit=100)
    description = _text(description, field="description", limit=4000)
    groups = [str(g) for g in stakeholders or ()]
    if any(g not in Stakeholder.values for g in groups):
        refuse({"stakeholders": _("Choose the stakeholders from the list.")})
    topic = Topic(
        title=title,
        description=description,
        stakeholders=",".join(dict.fromkeys(groups)),
        proposer=user,
        **{type(node).__name__.lower(): node},
    )
    topic.fill_tier_columns()
    days = int(rule(keys.REVIEW_DAYS, node=topic))
    topic.review_due = current_calendar().add_working_days(timezone.now(), days)
    if photo:
        topic.photo = photo
    topic.save()  # write, then verify (a post's grants are checked on the saved row)
    resident = living_resident(user)
    if not lives_on(resident, topic) and not holding_tiers(
        user, ConsultationPerm.VIEW_TOPIC, topic
    ):
        refuse(_("Only verified residents of this place and posts on it raise topics here."))
    _topic_event(topic, user, "propose", "")
    return topic


def _locked_topic(topic) -> Topic:
    return Topic.objects.select_for_update(of=("self",)).get(pk=topic.pk)


def support_goal(topic: Topic) -> int:
    """The supports that schedule ``topic``: the rule's number, or for a building's topic
    the rule's share of its households when that is lower."""
    goal = int(rule(keys.SUPPORT_HOUSEHOLDS, node=topic))
    share = int(rule(keys.SUPPORT_SHARE, node=topic))
    if share and topic.building_id:
        households = Household.objects.filter(building_id=topic.building_id).count()
        by_share = max(1, -(-households * share // 100))
        goal = min(goal, by_share)
    return goal


@transaction.atomic
def review_topic(
    *, by, topic: Topic, decision: str, reason: str, into: Topic | None = None, category=None
) -> Topic:
    """The community reviews a topic: ``accept`` (it gathers supports), ``merge`` into an
    existing topic, ``refer`` to the request loop (a linked request), or ``reject``."""
    topic = _locked_topic(topic)
    if not by.has_perm(ConsultationPerm.CHANGE_TOPIC, topic):
        raise OutOfScope()
    if topic.state != Topic.State.SUBMITTED:
        raise Conflict(_("This topic has been reviewed already."))
    reason = _text(reason, field="reason", limit=500)
    previous = topic.state
    if decision == "accept":
        topic.state = Topic.State.GATHERING
        topic.support_goal = support_goal(topic)
    elif decision == "merge":
        if into is None or into.pk == topic.pk or into.community_id != topic.community_id:
            refuse({"into": _("Choose another topic of the same community to merge into.")})
        if into.state in (Topic.State.MERGED, Topic.State.REJECTED, Topic.State.REFERRED):
            refuse({"into": _("Merge into a topic that is still open.")})
        topic.state = Topic.State.MERGED
        topic.merged_into = into
    elif decision == "refer":
        from grid.services import submit_request

        if category is None:
            refuse({"category": _("Choose the category of the request.")})
        try:
            with transaction.atomic():
                topic.request = submit_request(
                    user=topic.proposer,
                    category=category,
                    description=f"{topic.title}\n{topic.description}"[:4000],
                    building=topic.building,
                    grid=topic.grid if topic.building_id is None else None,
                )
        except Exception as exc:  # noqa: BLE001  (the request loop refused: say so)
            from django.core.exceptions import PermissionDenied, ValidationError

            if isinstance(exc, (ValidationError, PermissionDenied)):
                refuse(
                    {
                        "category": _("The request loop did not take this topic: %(why)s")
                        % {"why": " ".join(getattr(exc, "messages", [str(exc)]))}
                    }
                )
            raise
        topic.state = Topic.State.REFERRED
    elif decision == "reject":
        topic.state = Topic.State.REJECTED
    else:
        refuse({"decision": _("Accept, merge, refer or reject.")})
    topic.reason = reason
    topic.save()
    _topic_event(topic, by, decision, previous, reason)
    notify(
        key=f"topic:{topic.pk}:reviewed",
        kind=notices.REVIEWED,
        recipients=[topic.proposer],
        subject=topic,
        context={
            "title": topic.title,
            "state": in_site_language(topic.get_state_display()),
            "reason": reason,
        },
        url=f"/negotiation/topics/{topic.pk}/",
        actor=by,
    )
    return topic


def support_key(topic: Topic, resident: Resident) -> str:
    basis = rule(keys.SUPPORT_BASIS, node=topic)
    return f"p:{resident.pk}" if basis == "person" else f"h:{resident.household_id}"


@transaction.atomic
def support_topic(*, user, topic: Topic) -> Topic:
    """A verified resident of the topic's node supports it: one support per household
    (or person), held by a unique constraint; the threshold schedules the topic."""
    resident = living_resident(user)
    topic = _locked_topic(topic)
    if not lives_on(resident, topic):
        refuse(_("Only verified residents of this place support its topics."))
    if topic.state != Topic.State.GATHERING:
        raise Conflict(_("This topic is not gathering supports."))
    key = support_key(topic, resident)
    try:
        with transaction.atomic():
            Support.objects.create(
                topic=topic, user=user, household_id=resident.household_id, voter_key=key
            )
    except IntegrityError:
        raise Conflict(_("Your household supports this topic already.")) from None
    Topic.objects.filter(pk=topic.pk).update(supports=F("supports") + 1)
    topic.refresh_from_db()
    goal = topic.support_goal or support_goal(topic)
    if topic.supports >= goal:
        topic.state = Topic.State.SCHEDULED
        topic.save(update_fields=["state"])
        _topic_event(topic, None, "schedule", Topic.State.GATHERING, str(topic.supports))
        notify(
            key=f"topic:{topic.pk}:scheduled",
            kind=notices.SCHEDULED,
            recipients=list(community_posts(topic.community_id)) + [topic.proposer],
            subject=topic,
            context={"title": topic.title, "supports": topic.supports},
            url=f"/negotiation/topics/{topic.pk}/",
        )
    return topic


def remind_reviews(now: datetime.datetime | None = None) -> int:
    """The deadline sweep: the community office is told once of each topic whose review
    is overdue."""
    now = now or timezone.now()
    sent = 0
    due = Topic.objects.filter(
        state=Topic.State.SUBMITTED, review_due__lt=now, reminded_at__isnull=True
    )[:1000]
    for topic in due:
        with transaction.atomic():
            if Topic.objects.filter(pk=topic.pk, reminded_at__isnull=True).update(reminded_at=now):
                notify(
                    key=f"topic:{topic.pk}:overdue",
                    kind=notices.REVIEW_DUE,
                    recipients=list(community_posts(topic.community_id)),
                    subject=topic,
                    context={
                        "title": topic.title,
                        "due": timezone.localtime(topic.review_due).strftime("%Y-%m-%d"),
                    },
                    url=f"/negotiation/topics/{topic.pk}/",
                )
                sent += 1
    return sent


# --- meetings ----------------------------------------------------------------------


@transaction.atomic
def convene_meeting(
    *,
    by,
    node=None,
    topic: Topic | None = None,
    title: str,
    starts_at: datetime.datetime,
    mode: str = Meeting.Mode.HYBRID,
    place: str = "",
    online_link: str = "",
    groups=(Stakeholder.RESIDENTS,),
    agenda=(),
) -> Meeting:
    """The community party organisation convenes a meeting on a topic's node (or a
    node); the invited groups' people are told through the notifications."""
    title = _text(title, field="title", limit=100)
    if mode not in Meeting.Mode.values:
        refuse({"mode": _("Choose in person, online or both.")})
    if starts_at <= timezone.now():
        refuse({"starts_at": _("A meeting is convened for a time ahead.")})
    groups = list(dict.fromkeys(str(g) for g in groups or ()))
    if not groups or any(g not in Stakeholder.values for g in groups):
        refuse({"groups": _("Choose the invited groups from the list.")})
    if topic is not None:
        node = node_of(topic)
        if topic.state not in (Topic.State.SCHEDULED, Topic.State.GATHERING):
            raise Conflict(_("Only a topic scheduled for consultation is convened."))
    if not isinstance(node, NODE_TYPES):
        refuse({"node": _("A meeting is held for a building, a grid or a community.")})
    meeting = Meeting(
        topic=topic,
        title=title,
        starts_at=starts_at,
        mode=mode,
        place=_text(place, field="place", limit=100, required=mode != Meeting.Mode.ONLINE),
        online_link=online_link.strip()[:200],
        groups=",".join(groups),
        convenor=by,
        **{type(node).__name__.lower(): node},
    )
    meeting.save()
    if not by.has_perm(ConsultationPerm.ADD_MEETING, meeting):
        raise OutOfScope()
    items = [str(t).strip() for t in agenda or () if str(t).strip()]
    for order, item in enumerate(items or [title], start=1):
        AgendaItem.objects.create(meeting=meeting, order=order, title=item[:200])
    invitees = list(community_posts(meeting.community_id))
    if Stakeholder.RESIDENTS in groups:
        residents = list(residents_of(meeting)[:20000])
        invitees += residents
        meeting.invited = len(residents)
        meeting.save(update_fields=["invited"])
    notify(
        key=f"meeting:{meeting.pk}:invited",
        kind=notices.INVITED,
        recipients=invitees,
        subject=meeting,
        context={
            "title": title,
            "when": timezone.localtime(starts_at).strftime("%Y-%m-%d %H:%M"),
            "place": meeting.place or meeting.online_link or "-",
        },
        url=f"/negotiation/meetings/{meeting.pk}/",
        actor=by,
    )
    return meeting


def _locked_meeting(meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)


@transaction.atomic
def open_meeting(*, by, meeting: Meeting) -> Meeting:
    meeting = _locked_meeting(meeting)
    if not by.has_perm(ConsultationPerm.CHANGE_MEETING, meeting):
        raise OutOfScope()
    if meeting.state != Meeting.State.PLANNED:
        raise Conflict(_("This meeting has been opened already."))
    meeting.state = Meeting.State.OPEN
    meeting.save(update_fields=["state"])
    return meeting


@transaction.atomic
def sign_in(*, by, meeting: Meeting, attendee=None, channel: str, code: str = "") -> Attendance:
    """Sign a person in: by the room's rotating QR code (``code``) or online
    (themselves), or by the clerk (``attendee`` named). Each person counts once,
    whatever the channel."""
    meeting = Meeting.objects.get(pk=meeting.pk)
    if channel == Attendance.Channel.QR and not is_valid_code(CHECKIN, meeting.pk, code):
        refuse({"code": _("The sign-in code is wrong or has expired: scan the screen again.")})
    if channel not in Attendance.Channel.values:
        refuse({"channel": _("Sign in by QR code, by the clerk or online.")})
    if channel == Attendance.Channel.CLERK:
        if not by.has_perm(ConsultationPerm.CHANGE_MEETING, meeting):
            raise OutOfScope()
        if attendee is None:
            refuse({"attendee": _("Name the person signing in.")})
    else:
        attendee = by
        if channel == Attendance.Channel.ONLINE and meeting.mode == Meeting.Mode.IN_PERSON:
            refuse({"channel": _("This meeting is held in the room only.")})
        if channel == Attendance.Channel.QR and meeting.mode == Meeting.Mode.ONLINE:
            refuse({"channel": _("This meeting is held online only.")})
    if meeting.state not in (Meeting.State.PLANNED, Meeting.State.OPEN):
        raise Conflict(_("This meeting is over."))
    invited = lives_on(living_resident(attendee), meeting) or attendee.has_perm(
        ConsultationPerm.VIEW_MEETING, meeting
    )
    if not invited:
        refuse(_("This person is not among those invited to the meeting."))
    try:
        with transaction.atomic():
            return Attendance.objects.create(
                meeting=meeting, user=attendee, channel=channel, recorded_by=by
            )
    except IntegrityError:
        raise Conflict(_("This person has signed in already.")) from None


def meeting_quorum(meeting: Meeting) -> dict:
    """Present (room and online, each person once) and represented by proxy, against
    the rule's share of those invited."""
    present = Attendance.objects.filter(meeting=meeting).values("user_id")
    room = Attendance.objects.filter(meeting=meeting).exclude(channel="online").count()
    online = Attendance.objects.filter(meeting=meeting, channel="online").count()
    proxies = (
        Proxy.objects.filter(meeting=meeting, active=True).exclude(giver_id__in=present).count()
    )
    share = int(rule(keys.MEETING_QUORUM, node=meeting))
    needed = -(-meeting.invited * share // 100)
    counted = room + online + proxies
    return {
        "room": room,
        "online": online,
        "proxies": proxies,
        "counted": counted,
        "invited": meeting.invited,
        "needed": needed,
        "share": share,
        "met": counted >= needed,
    }


@transaction.atomic
def record_minutes(
    *, by, item: AgendaItem, positions: dict, resolution: str = "", tally: str = ""
) -> AgendaItem:
    """The minutes of one agenda item: the positions heard by stakeholder group, the
    resolution text, the tally."""
    meeting = _locked_meeting(item.meeting)
    if not by.has_perm(ConsultationPerm.CHANGE_MEETING, meeting):
        raise OutOfScope()
    if meeting.countersigned_at is not None:
        raise Conflict(_("The minutes are countersigned; they are not changed any more."))
    if not isinstance(positions, dict) or any(g not in Stakeholder.values for g in positions):
        refuse({"positions": _("Positions are heard by stakeholder group.")})
    item.positions = {g: _text(t, field="positions", limit=2000) for g, t in positions.items()}
    item.resolution = _text(resolution, field="resolution", limit=4000, required=False)
    item.tally = _text(tally, field="tally", limit=500, required=False)
    item.save()
    return item


@transaction.atomic
def close_meeting(*, by, meeting: Meeting, minutes_file=None) -> Meeting:
    meeting = _locked_meeting(meeting)
    if not by.has_perm(ConsultationPerm.CHANGE_MEETING, meeting):
        raise OutOfScope()
    if meeting.state not in (Meeting.State.PLANNED, Meeting.State.OPEN):
        raise Conflict(_("This meeting is closed already."))
    meeting.state = Meeting.State.CLOSED
    if minutes_file:
        meeting.minutes_file = minutes_file
    meeting.save()
    return meeting


@transaction.atomic
def attach_minutes(*, by, meeting: Meeting, minutes_file) -> Meeting:
    """The signed minutes (a scan or PDF) attached to a closed meeting, until the
    supervision committee countersigns them."""
    meeting = _locked_meeting(meeting)
    if not by.has_perm(ConsultationPerm.CHANGE_MEETING, meeting):
        raise OutOfScope()
    if meeting.state != Meeting.State.CLOSED or meeting.countersigned_at is not None:
        raise Conflict(_("The signed minutes are attached once the meeting is closed."))
    if not minutes_file:
        refuse({"minutes_file": _("Choose the file of the signed minutes.")})
    meeting.minutes_file = minutes_file
    meeting.save(update_fields=["minutes_file"])
    return meeting


def _supervisor(user, model, obj) -> None:
    if (
        not user.has_perm(COUNTERSIGN)
        or not model.objects.for_user(user).filter(pk=obj.pk).exists()
    ):
        raise OutOfScope()


@transaction.atomic
def countersign_minutes(*, by, meeting: Meeting) -> Meeting:
    """The supervision committee countersigns the minutes, which publishes them."""
    meeting = _locked_meeting(meeting)
    _supervisor(by, Meeting, meeting)
    if meeting.state != Meeting.State.CLOSED:
        raise Conflict(_("Minutes are countersigned once the meeting is closed."))
    meeting.state = Meeting.State.PUBLISHED
    meeting.countersigned_by = by
    meeting.countersigned_at = timezone.now()
    meeting.save()
    return meeting


# --- proxies -----------------------------------------------------------------------


def voter_key(basis: str, resident: Resident) -> str:
    return f"p:{resident.pk}" if basis == Vote.Basis.PERSON else f"h:{resident.household_id}"


@transaction.atomic
def give_proxy(*, user, holder, meeting: Meeting | None = None, vote: Vote | None = None) -> Proxy:
    """A written proxy to another verified resident of the node for one meeting or one
    vote; a holder carries at most the rule's number."""
    if (meeting is None) == (vote is None):
        refuse(_("A proxy is for one meeting or one vote."))
    subject = meeting or vote
    if holder is None or holder.pk == user.pk:
        refuse({"holder": _("A proxy is given to another person.")})
    giver = living_resident(user)
    if not lives_on(giver, subject):
        refuse(_("Only verified residents of this place give proxies here."))
    if not lives_on(living_resident(holder), subject):
        refuse({"holder": _("The proxy goes to a verified resident of this place.")})
    if vote is not None:
        vote = Vote.objects.select_for_update(of=("self",)).get(pk=vote.pk)
        if vote.state != Vote.State.DRAFT:
            raise Conflict(_("Proxies are given before the vote opens."))
        key = voter_key(vote.basis, giver)
    else:
        meeting = _locked_meeting(meeting)
        if meeting.state != Meeting.State.PLANNED:
            raise Conflict(_("Proxies are given before the meeting opens."))
        key = f"p:{giver.pk}"
    # The holder's row lock: two proxies racing for the last place cannot both pass.
    get_user_model().objects.select_for_update().filter(pk=holder.pk).first()
    limit = int(rule(keys.PROXIES_PER_HOLDER, node=subject))
    held = Proxy.objects.filter(holder=holder, active=True, meeting=meeting, vote=vote).count()
    if held >= limit:
        refuse(
            {
                "holder": _("This person holds %(limit)d proxies already, the most allowed.")
                % {"limit": limit}
            }
        )
    try:
        with transaction.atomic():
            return Proxy.objects.create(
                giver=user, giver_key=key, holder=holder, meeting=meeting, vote=vote
            )
    except IntegrityError:
        raise Conflict(_("A proxy for this is given already; revoke it first.")) from None


@transaction.atomic
def revoke_proxy(*, user, proxy: Proxy) -> Proxy:
    proxy = Proxy.objects.select_for_update().get(pk=proxy.pk)
    if proxy.giver_id != user.pk:
        raise OutOfScope()
    if not proxy.active:
        raise Conflict(_("This proxy is revoked already."))
    if proxy.vote_id and proxy.vote.state != Vote.State.DRAFT:
        raise Conflict(_("The vote is open: the proxy can no longer be revoked."))
    if proxy.meeting_id and proxy.meeting.state != Meeting.State.PLANNED:
        raise Conflict(_("The meeting has begun: the proxy can no longer be revoked."))
    proxy.active = False
    proxy.revoked_at = timezone.now()
    proxy.save(update_fields=["active", "revoked_at"])
    return proxy


# --- votes -------------------------------------------------------------------------


def _vote_event(vote, by, action, previous, note=""):
    VoteEvent.record(vote=vote, actor=by, action=action, from_state=previous, note=note)


@transaction.atomic
def create_vote(
    *,
    by,
    question: str,
    options=("同意", "不同意", "弃权"),
    basis: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    node=None,
    meeting: Meeting | None = None,
    topic: Topic | None = None,
    secret: bool = True,
    preset: str = "ordinary",
    rules: dict | None = None,
) -> Vote:
    """A vote of a meeting, a topic or a node; the rules come from a preset (the Civil
    Code's ordinary or major matters) and may be edited."""
    question = _text(question, field="question", limit=200)
    if basis not in Vote.Basis.values:
        refuse({"basis": _("Choose per person, per household or by floor area.")})
    labels = [str(o).strip()[:100] for o in options or () if str(o).strip()]
    if len(labels) < 2 or len(set(labels)) != len(labels) or len(labels) > 10:
        refuse({"options": _("Give between 2 and 10 different options.")})
    if closes_at <= opens_at:
        refuse({"closes_at": _("The vote closes after it opens.")})
    if closes_at <= timezone.now():
        refuse({"closes_at": _("The vote must close in the future.")})
    if preset not in PRESETS:
        refuse({"preset": _("Choose the ordinary or the major preset.")})
    values = dict(PRESETS[preset])
    for name, value in (rules or {}).items():
        if name not in values:
            refuse({"rules": _("Unknown rule: %(name)s.") % {"name": name}})
        values[name] = value
    for num, den in (("quorum_num", "quorum_den"), ("pass_num", "pass_den")):
        if not (isinstance(values[num], int) and isinstance(values[den], int)):
            refuse({"rules": _("Shares are whole numbers.")})
        if not (0 <= values[num] <= values[den] and 1 <= values[den] <= 100):
            refuse({"rules": _("A share is between 0 and 1, its denominator at most 100.")})
    subject = meeting or topic
    if subject is not None:
        node = node_of(subject)
    if not isinstance(node, NODE_TYPES):
        refuse({"node": _("A vote is held on a building, a grid or a community.")})
    vote = Vote(
        question=question,
        basis=basis,
        secret=bool(secret),
        opens_at=opens_at,
        closes_at=closes_at,
        meeting=meeting,
        topic=topic or (meeting.topic if meeting else None),
        created_by=by,
        **values,
        **{type(node).__name__.lower(): node},
    )
    vote.save()
    if not by.has_perm(ConsultationPerm.ADD_VOTE, vote):
        raise OutOfScope()
    Option.objects.bulk_create(
        [Option(vote=vote, order=n, label=label) for n, label in enumerate(labels, start=1)]
    )
    _vote_event(vote, by, "create", "")
    return vote


def electorate(vote: Vote):
    """``(voters, area)`` entitled on the vote's node by its basis."""
    column = vote.tier_columns[vote.scope_tier()]
    node_id = getattr(vote, column)
    if vote.basis == Vote.Basis.PERSON:
        adult = timezone.localdate().replace(year=timezone.localdate().year - ADULT_YEARS)
        count = Resident.objects.filter(
            state=Resident.State.LIVING, birth_date__lte=adult, **{f"household__{column}": node_id}
        ).count()
        return count, Decimal("0")
    if vote.basis == Vote.Basis.HOUSEHOLD:
        count = (
            Household.objects.filter(**{column: node_id}, residents__state=Resident.State.LIVING)
            .distinct()
            .count()
        )
        return count, Decimal("0")
    areas = HouseholdArea.objects.filter(**{column: node_id}).aggregate(
        n=Count("id"), a=Sum("area")
    )
    return areas["n"], areas["a"] or Decimal("0")


def _locked_vote(vote) -> Vote:
    return Vote.objects.select_for_update(of=("self",)).get(pk=vote.pk)


@transaction.atomic
def open_vote(*, by, vote: Vote) -> Vote:
    """Open the vote: the electorate is counted now; proxies are fixed from here on."""
    vote = _locked_vote(vote)
    if not by.has_perm(ConsultationPerm.CHANGE_VOTE, vote):
        raise OutOfScope()
    if vote.state != Vote.State.DRAFT:
        raise Conflict(_("This vote is open already."))
    if vote.closes_at <= timezone.now():
        raise Conflict(_("The voting period is over."))
    vote.electorate, vote.electorate_area = electorate(vote)
    if not vote.electorate:
        raise Conflict(_("Nobody is entitled to this vote (no floor areas recorded?)."))
    previous, vote.state = vote.state, Vote.State.OPEN
    vote.save()
    _vote_event(vote, by, "open", previous, str(vote.electorate))
    notify(
        key=f"vote:{vote.pk}:open",
        kind=notices.VOTE_OPEN,
        recipients=list(residents_of(vote)[:20000]),
        subject=vote,
        context={
            "question": vote.question,
            "until": timezone.localtime(vote.closes_at).strftime("%Y-%m-%d %H:%M"),
        },
        url=f"/negotiation/votes/{vote.pk}/",
        actor=by,
    )
    return vote


def is_adult(resident: Resident) -> bool:
    today = timezone.localdate()
    years = (
        today.year
        - resident.birth_date.year
        - ((today.month, today.day) < (resident.birth_date.month, resident.birth_date.day))
    )
    return years >= ADULT_YEARS


def _in_period(vote: Vote) -> None:
    now = timezone.now()
    if vote.state != Vote.State.OPEN or not vote.opens_at <= now < vote.closes_at:
        raise Conflict(_("This vote is not open for voting now."))


def _store_ballot(vote, option, voter: Resident, cast_by, channel) -> Ballot:
    key = voter_key(vote.basis, voter)
    area = Decimal("0")
    if vote.basis == Vote.Basis.AREA:
        row = HouseholdArea.objects.filter(household_id=voter.household_id).first()
        if row is None:
            refuse(_("No floor area is recorded for this household: ask the community office."))
        area = row.area
    try:
        with transaction.atomic():
            return Ballot.objects.create(
                vote=vote,
                option=option,
                voter_key=key,
                household_id=voter.household_id,
                resident=voter if vote.basis == Vote.Basis.PERSON else None,
                cast_by=cast_by,
                channel=channel,
                area=area,
            )
    except IntegrityError:
        if vote.basis == Vote.Basis.PERSON:
            raise Conflict(_("This person has voted already.")) from None
        raise Conflict(_("This household has voted already.")) from None


def _option(vote: Vote, option) -> Option:
    option_id = getattr(option, "pk", option)
    found = Option.objects.filter(vote=vote, pk=option_id).first()
    if found is None:
        refuse({"option": _("Choose one of the vote's options.")})
    return found


@transaction.atomic
def cast_ballot(
    *, user, vote: Vote, option, channel: str = Ballot.Channel.ONLINE, giver=None
) -> Ballot:
    """A verified adult resident of the node votes (online or in the meeting), or casts
    the ballot of the person whose proxy they hold (``giver``). The unique constraint
    keeps one ballot per voter across every channel."""
    vote = Vote.objects.get(pk=vote.pk)
    _in_period(vote)
    option = _option(vote, option)
    if channel not in (Ballot.Channel.ONLINE, Ballot.Channel.MEETING):
        refuse({"channel": _("Vote online or in the meeting.")})
    if giver is not None:
        proxy = Proxy.objects.filter(
            Q(vote=vote) | Q(meeting_id=vote.meeting_id, meeting__isnull=False),
            giver=giver,
            holder=user,
            active=True,
        ).first()
        if proxy is None:
            refuse(_("You hold no proxy of this person for this vote."))
        voter, channel = living_resident(giver), Ballot.Channel.PROXY
    else:
        voter = living_resident(user)
    if not lives_on(voter, vote):
        refuse(_("Only verified residents of this place vote here."))
    if not is_adult(voter):
        refuse(_("Votes are cast by adults."))
    return _store_ballot(vote, option, voter, user, channel)


def _may_keep_vote(by, vote):
    if not by.has_perm(ConsultationPerm.CHANGE_VOTE, vote):
        raise OutOfScope()


@transaction.atomic
def enter_paper(*, by, vote: Vote, household: Household, option) -> PaperEntry:
    """One clerk enters a paper ballot; a second clerk enters it independently."""
    vote = Vote.objects.get(pk=vote.pk)
    _may_keep_vote(by, vote)
    if vote.state not in (Vote.State.OPEN, Vote.State.CLOSED):
        raise Conflict(_("Paper ballots are entered while the vote is open or counting."))
    option = _option(vote, option)
    column = vote.tier_columns[vote.scope_tier()]
    if getattr(household, column) != getattr(vote, column):
        refuse({"household": _("This household is not entitled to this vote.")})
    try:
        with transaction.atomic():
            return PaperEntry.objects.create(
                vote=vote, household=household, option=option, clerk=by
            )
    except IntegrityError:
        raise Conflict(_("You have entered this paper ballot already.")) from None


def paper_differences(vote: Vote) -> list[dict]:
    """The paper ballots not yet reconciled: entered once only, or differently."""
    rows = {}
    for entry in PaperEntry.objects.filter(vote=vote, settled=False).order_by("id"):
        rows.setdefault(entry.household_id, []).append(entry)
    out = []
    for household_id, entries in rows.items():
        options = {e.option_id for e in entries}
        out.append(
            {
                "household": household_id,
                "entries": len(entries),
                "options": sorted(options),
                "agree": len(entries) >= 2 and len(options) == 1,
            }
        )
    return out


@transaction.atomic
def reconcile_paper(*, by, vote: Vote) -> dict:
    """Turn the paper ballots both clerks entered alike into ballots (refused for a
    voter who has voted on another channel: the unique constraint); the rest stay
    listed as differences to settle."""
    vote = _locked_vote(vote)
    _may_keep_vote(by, vote)
    made, duplicates = 0, 0
    for row in paper_differences(vote):
        if not row["agree"]:
            continue
        entries = PaperEntry.objects.filter(vote=vote, household_id=row["household"], settled=False)
        first = entries.first()
        voter = (
            Resident.objects.filter(household_id=row["household"], state=Resident.State.LIVING)
            .order_by("id")
            .first()
        )
        try:
            with transaction.atomic():
                if voter is None:
                    raise Conflict("")
                _store_ballot(vote, first.option, voter, by, Ballot.Channel.PAPER)
                made += 1
        except Exception:  # noqa: BLE001  (a second ballot: counted, not stored)
            duplicates += 1
        entries.update(settled=True)
    return {"ballots": made, "refused_duplicates": duplicates, "open": len(paper_differences(vote))}


@transaction.atomic
def settle_paper(*, by, vote: Vote, household: Household, option) -> bool:
    """Settle a paper difference by the option found on the paper: the entries are
    closed and the ballot stored, unless the household voted on another channel
    (answers whether a ballot was stored)."""
    vote = _locked_vote(vote)
    _may_keep_vote(by, vote)
    option = _option(vote, option)
    entries = PaperEntry.objects.filter(vote=vote, household=household, settled=False)
    if not entries.exists():
        raise Conflict(_("Nothing to settle for this household."))
    entries.update(settled=True)
    voter = (
        Resident.objects.filter(household=household, state=Resident.State.LIVING)
        .order_by("id")
        .first()
    )
    if voter is None or Ballot.objects.filter(vote=vote, household=household).exists():
        return False
    _store_ballot(vote, option, voter, by, Ballot.Channel.PAPER)
    return True


@transaction.atomic
def close_vote(*, by, vote: Vote) -> Vote:
    vote = _locked_vote(vote)
    _may_keep_vote(by, vote)
    if vote.state != Vote.State.OPEN:
        raise Conflict(_("Only an open vote is closed."))
    previous, vote.state = vote.state, Vote.State.CLOSED
    vote.save(update_fields=["state"])
    _vote_event(vote, by, "close", previous)
    return vote


def _share_text(num: int, den: int) -> str:
    return f"{num}/{den}"


def rule_words(vote: Vote) -> str:
    """The vote's rules in words, in the user's language."""
    quorum = _share_text(vote.quorum_num, vote.quorum_den)
    passing = _share_text(vote.pass_num, vote.pass_den)
    more = _("more than") if vote.pass_strict else _("at least")
    if vote.basis == Vote.Basis.AREA:
        return _(
            "Valid when owners holding at least %(quorum)s of the floor area and at least "
            "%(quorum)s of the owners take part; passed when “%(motion)s” holds %(more)s "
            "%(pass)s of the participating area and %(more)s %(pass)s of the participating "
            "owners."
        ) % {"quorum": quorum, "pass": passing, "more": more, "motion": _motion(vote)}
    who = _("people") if vote.basis == Vote.Basis.PERSON else _("households")
    return _(
        "Valid when at least %(quorum)s of the entitled %(who)s take part; passed when "
        "“%(motion)s” holds %(more)s %(pass)s of the participating %(who)s."
    ) % {"quorum": quorum, "pass": passing, "more": more, "who": who, "motion": _motion(vote)}


def _motion(vote: Vote) -> str:
    first = vote.options.order_by("order").first()
    return first.label if first else ""


def _reaches(part, whole, num, den, strict) -> bool:
    if not whole:
        return False
    left, right = Decimal(part) * den, Decimal(whole) * num
    return left > right if strict else left >= right


def count_ballots(vote: Vote) -> dict:
    """The tally, computed by the database: counts and area sums per option, quorum
    and pass by the vote's rules."""
    rows = {
        row["option_id"]: row
        for row in Ballot.objects.filter(vote=vote)
        .values("option_id")
        .annotate(n=Count("id"), area=Sum("area"))
    }
    options = []
    for option in vote.options.order_by("order"):
        row = rows.get(option.pk, {})
        options.append(
            {
                "id": option.pk,
                "label": option.label,
                "count": row.get("n", 0),
                "area": str(row.get("area") or Decimal("0.00")),
            }
        )
    voters = sum(o["count"] for o in options)
    area = sum((Decimal(o["area"]) for o in options), Decimal("0"))
    motion = options[0] if options else {"count": 0, "area": "0"}
    q = (vote.quorum_num, vote.quorum_den, False)
    p = (vote.pass_num, vote.pass_den, vote.pass_strict)
    quorum = _reaches(voters, vote.electorate, *q)
    passed = _reaches(motion["count"], voters, *p)
    if vote.basis == Vote.Basis.AREA:
        quorum = quorum and _reaches(area, vote.electorate_area, *q)
        passed = passed and _reaches(Decimal(motion["area"]), area, *p)
    by_channel = dict(
        Ballot.objects.filter(vote=vote).values_list("channel").annotate(n=Count("id"))
    )
    return {
        "options": options,
        "voters": voters,
        "area": str(area),
        "electorate": vote.electorate,
        "electorate_area": str(vote.electorate_area),
        "quorum_met": quorum,
        "passed": bool(quorum and passed),
        "channels": by_channel,
        "rule": in_site_language(rule_words(vote)),
    }


@transaction.atomic
def tally_vote(*, by, vote: Vote) -> Vote:
    """Count a closed vote (refused while paper ballots are not reconciled)."""
    vote = _locked_vote(vote)
    _may_keep_vote(by, vote)
    if vote.state != Vote.State.CLOSED:
        raise Conflict(_("A vote is counted once it is closed."))
    if paper_differences(vote):
        raise Conflict(
            _("Paper ballots differ or wait for the second entry: reconcile them first.")
        )
    vote.result = count_ballots(vote)
    previous, vote.state = vote.state, Vote.State.TALLIED
    vote.save(update_fields=["result", "state"])
    _vote_event(vote, by, "tally", previous, "passed" if vote.result["passed"] else "failed")
    return vote


def _share_of(whole, num: int, den: int) -> str:
    value = Decimal(whole) * num / den
    return f"{value.quantize(Decimal('0.01')).normalize():f}"


def tally_words(vote: Vote) -> list[str]:
    """The tally against the rules, one sentence a test, in the user's language: how
    many took part against the quorum, how many the motion won against the threshold
    (the floor area beside the heads for an owners' vote)."""
    result = vote.result or {}
    if not result or not result.get("options"):
        return []
    area_vote = vote.basis == Vote.Basis.AREA
    who = {
        Vote.Basis.PERSON: _("people"),
        Vote.Basis.HOUSEHOLD: _("households"),
        Vote.Basis.AREA: _("owners"),
    }[vote.basis]
    quorum = _share_text(vote.quorum_num, vote.quorum_den)
    passing = _share_text(vote.pass_num, vote.pass_den)
    more = _("more than") if vote.pass_strict else _("at least")
    motion = result["options"][0]
    voters, electorate_ = result["voters"], result["electorate"]
    lines = [
        _(
            "Taking part: %(voters)d of %(electorate)d %(who)s; at least %(quorum)s, that "
            "is %(needed)s, are needed."
        )
        % {
            "voters": voters,
            "electorate": electorate_,
            "who": who,
            "quorum": quorum,
            "needed": _share_of(electorate_, vote.quorum_num, vote.quorum_den),
        }
    ]
    if area_vote:
        lines.append(
            _(
                "Floor area taking part: %(area)s of %(total)s m²; at least %(quorum)s, that "
                "is %(needed)s m², is needed."
            )
            % {
                "area": result["area"],
                "total": result["electorate_area"],
                "quorum": quorum,
                "needed": _share_of(result["electorate_area"], vote.quorum_num, vote.quorum_den),
            }
        )
    lines.append(
        _(
            "“%(motion)s”: %(count)d of the %(voters)d %(who)s taking part; %(more)s "
            "%(pass)s, that is %(more)s %(needed)s, are needed."
        )
        % {
            "motion": motion["label"],
            "count": motion["count"],
            "voters": voters,
            "who": who,
            "more": more,
            "pass": passing,
            "needed": _share_of(voters, vote.pass_num, vote.pass_den),
        }
    )
    if area_vote:
        lines.append(
            _(
                "“%(motion)s”: %(area)s of the %(total)s m² taking part; %(more)s %(pass)s, "
                "that is %(more)s %(needed)s m², is needed."
            )
            % {
                "motion": motion["label"],
                "area": motion["area"],
                "total": result["area"],
                "more": more,
                "pass": passing,
                "needed": _share_of(result["area"], vote.pass_num, vote.pass_den),
            }
        )
    lines.append(
        (_("Quorum met.") if result.get("quorum_met") else _("Quorum not met."))
        + " "
        + (_("Passed.") if result.get("passed") else _("Not passed."))
    )
    return lines


def result_words(vote: Vote) -> str:
    result = vote.result or {}
    if not result:
        return ""
    verdict = _("Passed.") if result.get("passed") else _("Not passed.")
    quorum = _("Quorum met.") if result.get("quorum_met") else _("Quorum not met.")
    return f"{quorum} {verdict} {rule_words(vote)}"


@transaction.atomic
def sign_off_vote(*, by, vote: Vote) -> Vote:
    """The supervision committee signs the tally off; the result is published."""
    vote = _locked_vote(vote)
    _supervisor(by, Vote, vote)
    if vote.state != Vote.State.TALLIED:
        raise Conflict(_("Only a counted vote is signed off."))
    previous, vote.state = vote.state, Vote.State.PUBLISHED
    vote.signed_off_by = by
    vote.save(update_fields=["state", "signed_off_by"])
    _vote_event(vote, by, "sign_off", previous)
    if vote.topic_id:
        Topic.objects.filter(pk=vote.topic_id).exclude(
            state__in=[Topic.State.MERGED, Topic.State.REJECTED, Topic.State.REFERRED]
        ).update(state=Topic.State.DECIDED)
    notify(
        key=f"vote:{vote.pk}:result",
        kind=notices.RESULT,
        recipients=list(residents_of(vote)[:20000]),
        subject=vote,
        context={"question": vote.question, "words": in_site_language(result_words(vote))[:900]},
        url=f"/negotiation/votes/{vote.pk}/",
        actor=by,
    )
    return vote


def published_ballots(vote: Vote):
    """What is published of the ballots: who voted (secret) or who and how (open)."""
    if vote.state != Vote.State.PUBLISHED:
        return []
    rows = Ballot.objects.filter(vote=vote).select_related("household__building", "option")
    out = []
    for ballot in rows.order_by("household__building_id", "household__unit", "household__room"):
        entry = {"household": str(ballot.household), "channel": ballot.get_channel_display()}
        if not vote.secret:
            entry["option"] = ballot.option.label
        out.append(entry)
    return out


# --- resolutions -------------------------------------------------------------------


def _res_event(resolution, by, action, previous, note=""):
    ResolutionEvent.record(
        resolution=resolution, actor=by, action=action, from_state=previous, note=note
    )


@transaction.atomic
def publish_resolution(
    *, by, vote: Vote, title: str, text: str, budget_reference: str = ""
) -> Resolution:
    """A passed, published vote becomes a resolution on public notice for the rule's
    days, open to objections."""
    vote = _locked_vote(vote)
    if vote.state != Vote.State.PUBLISHED or not (vote.result or {}).get("passed"):
        raise Conflict(_("Only a passed vote whose result is published becomes a resolution."))
    resolution = Resolution(
        vote=vote,
        topic_id=vote.topic_id,
        title=_text(title, field="title", limit=200),
        text=_text(text, field="text", limit=4000),
        budget_reference=_text(
            budget_reference, field="budget_reference", limit=100, required=False
        ),
        published_by=by,
        notice_ends=timezone.now(),
    )
    resolution.street_id, resolution.community_id = vote.street_id, vote.community_id
    resolution.grid_id, resolution.building_id = vote.grid_id, vote.building_id
    if Resolution.objects.filter(vote=vote).exists():
        raise Conflict(_("This vote has its resolution already."))
    days = int(rule(keys.NOTICE_DAYS, node=resolution))
    resolution.notice_ends = timezone.now() + datetime.timedelta(days=days)
    try:
        with transaction.atomic():
            resolution.save()
    except IntegrityError:
        raise Conflict(_("This vote has its resolution already.")) from None
    if not by.has_perm(ConsultationPerm.ADD_RESOLUTION, resolution):
        raise OutOfScope()
    _res_event(resolution, by, "publish", "", str(days))
    notify(
        key=f"resolution:{resolution.pk}:notice",
        kind=notices.NOTICE,
        recipients=list(residents_of(resolution)[:20000]),
        subject=resolution,
        context={
            "title": resolution.title,
            "until": timezone.localtime(resolution.notice_ends).strftime("%Y-%m-%d %H:%M"),
        },
        url=f"/negotiation/resolutions/{resolution.pk}/",
        actor=by,
    )
    return resolution


@transaction.atomic
def object_to(*, user, resolution: Resolution, text: str) -> Objection:
    """A resident of the node objects while the notice runs."""
    resolution = Resolution.objects.get(pk=resolution.pk)
    if not lives_on(living_resident(user), resolution):
        refuse(_("Only verified residents of this place object to its resolutions."))
    if resolution.state != Resolution.State.NOTICE or timezone.now() >= resolution.notice_ends:
        raise Conflict(_("The objection window of this resolution has closed."))
    return Objection.objects.create(
        resolution=resolution, user=user, text=_text(text, field="text", limit=1000)
    )


@transaction.atomic
def answer_objection(*, by, objection: Objection, text: str) -> Objection:
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if not by.has_perm(ConsultationPerm.CHANGE_RESOLUTION, objection.resolution):
        raise OutOfScope()
    objection.answer = _text(text, field="text", limit=1000)
    objection.answered_by = by
    objection.save(update_fields=["answer", "answered_by"])
    notify(
        key=f"objection:{objection.pk}:answered",
        kind=notices.ANSWERED,
        recipients=[objection.user],
        subject=objection.resolution,
        context={"text": objection.answer[:300]},
        url=f"/negotiation/resolutions/{objection.resolution_id}/",
        actor=by,
    )
    return objection


def _locked_resolution(resolution) -> Resolution:
    return Resolution.objects.select_for_update(of=("self",)).get(pk=resolution.pk)


@transaction.atomic
def add_task(
    *, by, resolution: Resolution, title: str, due: datetime.date, owner_post=None, owner_unit=None
) -> Task:
    """An implementation task with an owner (a post or a handling unit) and a deadline;
    the first one starts the implementation once the notice has run."""
    resolution = _locked_resolution(resolution)
    if not by.has_perm(ConsultationPerm.CHANGE_RESOLUTION, resolution):
        raise OutOfScope()
    if resolution.state in (Resolution.State.ACCEPTANCE, Resolution.State.ARCHIVED):
        raise Conflict(_("The implementation of this resolution is finished."))
    if (owner_post is None) == (owner_unit is None):
        refuse({"owner": _("Name one owner: a post or a handling unit.")})
    if owner_post is not None and owner_post.community_id != resolution.community_id:
        refuse({"owner_post": _("The owner is a post of this community.")})
    if owner_unit is not None and owner_unit.community_id not in (None, resolution.community_id):
        refuse({"owner_unit": _("The owner is a unit of this community or a department.")})
    if due < timezone.localdate():
        refuse({"due": _("The deadline cannot be in the past.")})
    return Task.objects.create(
        resolution=resolution,
        title=_text(title, field="title", limit=200),
        due=due,
        owner_post=owner_post,
        owner_unit=owner_unit,
    )


def _start_if_due(resolution: Resolution, by) -> None:
    if resolution.state == Resolution.State.NOTICE:
        if timezone.now() < resolution.notice_ends:
            raise Conflict(_("The public notice is still running."))
        if resolution.objections.filter(answer="").exists():
            raise Conflict(_("Answer every objection before the implementation starts."))
        previous, resolution.state = resolution.state, Resolution.State.IMPLEMENTING
        resolution.save(update_fields=["state"])
        _res_event(resolution, by, "implement", previous)


@transaction.atomic
def report_progress(*, by, task: Task, progress: int, note: str, photo=None) -> Milestone:
    """A milestone of a task (with a photo): progress only moves forward; when every task
    reaches 100 %, the residents' acceptance opens."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    resolution = _locked_resolution(task.resolution)
    may = by.has_perm(ConsultationPerm.CHANGE_RESOLUTION, resolution)
    if not may and task.owner_post_id:
        may = Post.objects.filter(pk=task.owner_post_id, user=by, is_active=True).exists()
    if not may:
        raise OutOfScope()
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        refuse({"progress": _("Progress is between 0 and 100 percent.")})
    if progress < task.progress:
        refuse(
            {
                "progress": _("Progress does not go back: it is at %(p)d %% already.")
                % {"p": task.progress}
            }
        )
    _start_if_due(resolution, by)
    if resolution.state != Resolution.State.IMPLEMENTING:
        raise Conflict(_("This resolution is not being carried out."))
    milestone = Milestone.objects.create(
        task=task,
        note=_text(note, field="note", limit=500),
        progress=progress,
        by=by,
        photo=photo or "",
    )
    task.progress = progress
    task.done_at = timezone.now() if progress == 100 else None
    task.save(update_fields=["progress", "done_at"])
    if not resolution.tasks.filter(progress__lt=100).exists():
        previous, resolution.state = resolution.state, Resolution.State.ACCEPTANCE
        resolution.save(update_fields=["state"])
        _res_event(resolution, by, "acceptance", previous)
    return milestone


def progress_of(resolution: Resolution) -> int:
    """The resolution's progress: the mean of its tasks' (0 without tasks)."""
    tasks = list(resolution.tasks.values_list("progress", flat=True))
    return round(sum(tasks) / len(tasks)) if tasks else 0


def acceptance_of(resolution: Resolution) -> dict:
    rows = Rating.objects.filter(resolution=resolution).aggregate(
        n=Count("id"), yes=Count("id", filter=Q(satisfied=True))
    )
    share = int(rule(keys.ACCEPTANCE_SHARE, node=resolution))
    minimum = int(rule(keys.ACCEPTANCE_MINIMUM, node=resolution))
    accepted = rows["n"] >= minimum and rows["yes"] * 100 >= share * rows["n"]
    return {
        "ratings": rows["n"],
        "satisfied": rows["yes"],
        "share": share,
        "minimum": minimum,
        "accepted": accepted,
    }


@transaction.atomic
def rate_result(*, user, resolution: Resolution, satisfied: bool, comment: str = "") -> Rating:
    """A household of the node rates the result once; enough satisfied ratings accept
    it and archive the resolution with its whole trail."""
    resolution = _locked_resolution(resolution)
    resident = living_resident(user)
    if not lives_on(resident, resolution):
        refuse(_("Only verified residents of this place rate its results."))
    if resolution.state != Resolution.State.ACCEPTANCE:
        raise Conflict(_("This result is not open for the residents' rating."))
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                resolution=resolution,
                voter_key=f"h:{resident.household_id}",
                user=user,
                satisfied=bool(satisfied),
                comment=_text(comment, field="comment", limit=500, required=False),
            )
    except IntegrityError:
        raise Conflict(_("Your household has rated this result already.")) from None
    if acceptance_of(resolution)["accepted"]:
        previous, resolution.state = resolution.state, Resolution.State.ARCHIVED
        resolution.accepted_at = timezone.now()
        resolution.save(update_fields=["state", "accepted_at"])
        _res_event(resolution, None, "archive", previous)
    return rating


@transaction.atomic
def set_area(*, by, household: Household, area) -> HouseholdArea:
    """The community office records the floor area an owner's household carries."""
    try:
        area = Decimal(str(area))
    except Exception:  # noqa: BLE001
        refuse({"area": _("Enter the floor area in square metres.")})
    if not (Decimal("0") < area <= Decimal("10000")) or area.as_tuple().exponent < -2:
        refuse({"area": _("The floor area is between 0 and 10,000 m², with at most 2 decimals.")})
    row = HouseholdArea.objects.filter(household=household).first() or HouseholdArea(
        household=household
    )
    row.area = area
    perm = ConsultationPerm.CHANGE_AREA if row.pk else ConsultationPerm.ADD_AREA
    row.save()
    if not by.has_perm(perm, row):
        raise OutOfScope()
    return row


def trail(resolution: Resolution) -> dict:
    """The archive of a resolution: topic, supports, meeting, minutes, vote, notice,
    tasks and acceptance."""
    vote = resolution.vote
    topic = resolution.topic
    meeting = vote.meeting
    return {
        "topic": topic,
        "topic_events": list(topic.events.all()) if topic else [],
        "supports": topic.supports if topic else 0,
        "meeting": meeting,
        "items": list(meeting.items.all()) if meeting else [],
        "vote": vote,
        "vote_events": list(vote.events.all()),
        "objections": list(resolution.objections.all()),
        "tasks": list(resolution.tasks.prefetch_related("milestones")),
        "acceptance": acceptance_of(resolution),
        "events": list(resolution.events.all()),
    }

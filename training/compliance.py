"""Who is due for what: the yearly standing of every worker, computed nightly (a sweep of
the deadline task, once a day) and on demand, into one ``Compliance`` row per worker and
year; the board and its lists read those rows through ``for_user()``.

A worker's quota is the rule's for their most demanding post (township-level cadres 90,
secretaries 56, other workers 32) and at least the party members' 32 when they are a
party member. Their needs: ``hours`` (below the quota), ``county_level`` (a secretary
without a completed county-level course this year), ``pre_job`` (no pre-job training
ever), ``rotation`` (none in the rotation cycle, for a post held that long), ``make_up``
(an absence this year not yet made up).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.notify.services import notify
from core.rules import rule
from grid.models import PartyMembership, Post
from grid.permissions import Role

from . import notices
from . import rules as keys
from .models import Attendance, Compliance, CourseKind, Enrolment, copy_tiers

WORKER_ROLES = [
    Role.STREET_ADMIN,
    Role.COMMUNITY_SECRETARY,
    Role.COMMUNITY_WORKER,
    Role.GRID_BRANCH_SECRETARY,
    Role.GRID_MEMBER,
]


def person_name(user) -> str:
    return (getattr(user, "display_name", "") or user.get_username()).strip()


SECRETARY_ROLES = {Role.COMMUNITY_SECRETARY, Role.GRID_BRANCH_SECRETARY}

NEEDS = {
    "hours": _("Hours below the yearly quota"),
    "county_level": _("A county-level concentrated training this year"),
    "pre_job": _("Pre-job training"),
    "rotation": _("Rotation training of the cycle"),
    "make_up": _("Make-up training for a missed session"),
}


def role_quota(role: str, node) -> Decimal:
    if role == Role.STREET_ADMIN:
        return Decimal(rule(keys.QUOTA_TOWNSHIP, node=node))
    if role in SECRETARY_ROLES:
        return Decimal(rule(keys.QUOTA_SECRETARY, node=node))
    return Decimal(rule(keys.QUOTA_WORKER, node=node))


def _worker_posts(node=None):
    posts = Post.objects.filter(is_active=True, role__in=WORKER_ROLES).select_related(
        "street", "community", "grid", "building"
    )
    if node is not None:
        posts = posts.filter(**{f"{node.tier.value}_id": node.pk})
    return posts.order_by("user_id", "id")


def live_standing(user, year: int):
    """My standing before the nightly computation has a row for me (unsaved): the hours
    attended in ``year`` against the quota of the post the computation would take (the
    highest quota, at least the party members' one); None without a worker post."""
    posts = list(_worker_posts().filter(user_id=user.pk))
    if not posts:
        return None
    post = max(posts, key=lambda p: role_quota(p.role, p.scope_node()))
    quota = role_quota(post.role, post.scope_node())
    if PartyMembership.objects.filter(
        resident__user_id=user.pk, status__in=["full", "probationary"]
    ).exists():
        quota = max(quota, Decimal(rule(keys.QUOTA_PARTY_MEMBER)))
    hours = Attendance.objects.filter(user_id=user.pk, on__year=year).aggregate(total=Sum("hours"))[
        "total"
    ]
    return Compliance(
        user_id=user.pk,
        post=post,
        year=year,
        quota=quota,
        hours=(hours or Decimal(0)).quantize(Decimal("0.1")),
        needs=[],
        status="",
    )


@transaction.atomic
def compute_compliance(*, year: int | None = None, node=None, today=None) -> int:
    """Compute the standing of every worker (under ``node``) for ``year``; answers the
    rows written. A few queries whatever the number of workers."""
    today = today or timezone.localdate()
    year = year or today.year
    posts_by_user: dict[int, list[Post]] = defaultdict(list)
    for post in _worker_posts(node):
        posts_by_user[post.user_id].append(post)
    users = list(posts_by_user)
    if not users:
        return 0
    hours = dict(
        Attendance.objects.filter(user_id__in=users, on__year=year)
        .values("user_id")
        .annotate(total=Sum("hours"))
        .values_list("user_id", "total")
    )
    completed = defaultdict(list)
    for row in Enrolment.objects.filter(user_id__in=users, state="completed").values(
        "user_id", "course__kind", "course__street_id", "completed_on"
    ):
        completed[row["user_id"]].append(row)
    missed = set(
        Attendance.objects.filter(user_id__in=users, on__year=year, status="absent")
        .exclude(enrolment__course__kind=CourseKind.MAKE_UP)
        .values_list("user_id", flat=True)
    )
    party = set(
        PartyMembership.objects.filter(
            resident__user_id__in=users, status__in=["full", "probationary"]
        ).values_list("resident__user_id", flat=True)
    )
    county_required = bool(rule(keys.COUNTY_LEVEL_REQUIRED))
    cycle = int(rule(keys.ROTATION_YEARS))
    cycle_start = today - datetime.timedelta(days=365 * cycle)
    party_quota = Decimal(rule(keys.QUOTA_PARTY_MEMBER))
    year_end = datetime.date(year, 12, 31)
    elapsed = min(
        Decimal(1), Decimal((min(today, year_end) - datetime.date(year, 1, 1)).days + 1) / 365
    )
    alert_month = int(rule(keys.YEAR_END_ALERT_MONTH))
    rows = []
    for user_id, posts in posts_by_user.items():
        post = max(posts, key=lambda p: role_quota(p.role, p.scope_node()))
        quota = role_quota(post.role, post.scope_node())
        if user_id in party:
            quota = max(quota, party_quota)
        done = Decimal(hours.get(user_id) or 0)
        mine = completed[user_id]
        needs = []
        if done < quota:
            needs.append("hours")
        if (
            county_required
            and post.role in SECRETARY_ROLES
            and not any(
                r["course__street_id"] is None and r["completed_on"].year == year for r in mine
            )
        ):
            needs.append("county_level")
        if not any(r["course__kind"] == CourseKind.PRE_JOB for r in mine):
            needs.append("pre_job")
        held_long = post.started_on is None or post.started_on <= cycle_start
        if held_long and not any(
            r["course__kind"] == CourseKind.ROTATION and r["completed_on"] >= cycle_start
            for r in mine
        ):
            needs.append("rotation")
        made_up = any(
            r["course__kind"] == CourseKind.MAKE_UP and r["completed_on"].year == year for r in mine
        )
        if user_id in missed and not made_up:
            needs.append("make_up")
        if not needs:
            status = Compliance.Status.DONE
        elif today > year_end or "pre_job" in needs:
            status = Compliance.Status.OVERDUE
        elif done < quota * elapsed or (today.month >= alert_month and year == today.year):
            status = Compliance.Status.BEHIND
        else:
            status = Compliance.Status.ON_TRACK
        row = Compliance(
            user_id=user_id,
            post=post,
            year=year,
            quota=quota,
            hours=done,
            needs=needs,
            status=status,
            computed_at=timezone.now(),
        )
        copy_tiers(row, post)
        rows.append(row)
    stale = Compliance.objects.filter(year=year).exclude(user_id__in=users)
    if node is not None:
        stale = stale.filter(**{f"{node.tier.value}_id": node.pk})
    stale.delete()
    Compliance.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["user", "year"],
        update_fields=[
            "post",
            "quota",
            "hours",
            "needs",
            "status",
            "computed_at",
            "street",
            "community",
            "grid",
            "building",
        ],
    )
    return len(rows)


def board(user, *, year: int, node=None) -> dict:
    """The compliance board of what ``user`` may see (narrowed to ``node``): the counts
    and shares by status, per community, and the lists of who needs what."""
    rows = Compliance.objects.for_user(user, "view").filter(year=year)
    if node is not None:
        rows = rows.filter(**{f"{node.tier.value}_id": node.pk})
    counts = dict(rows.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    total = sum(counts.values())
    shares = {
        status: (Decimal(counts.get(status, 0) * 100) / total).quantize(Decimal("1"))
        if total
        else Decimal(0)
        for status in Compliance.Status.values
    }
    by_community = list(
        rows.values("community_id", "community__name")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status="done")),
            on_track=Count("id", filter=Q(status="on_track")),
            behind=Count("id", filter=Q(status="behind")),
            overdue=Count("id", filter=Q(status="overdue")),
        )
        .order_by("community__name")
    )
    behind = list(
        rows.filter(status__in=["behind", "overdue"])
        .select_related("user", "post", "community")
        .order_by("status", "hours", "id")[:200]
    )
    return {
        "year": year,
        "total": total,
        "counts": {s: counts.get(s, 0) for s in Compliance.Status.values},
        "shares": shares,
        "by_community": by_community,
        "behind": behind,
    }


def superiors(post: Post) -> list:
    """Who is told when a worker falls behind: the community secretary above a worker of
    the community, the street admins above a community secretary or a street post."""
    if post.community_id and post.role != Role.COMMUNITY_SECRETARY:
        found = Post.objects.filter(
            community_id=post.community_id,
            grid__isnull=True,
            role=Role.COMMUNITY_SECRETARY,
            is_active=True,
        )
    elif post.street_id:
        found = Post.objects.filter(
            street_id=post.street_id,
            community__isnull=True,
            role=Role.STREET_ADMIN,
            is_active=True,
        ).exclude(user_id=post.user_id)
    else:
        return []
    return [p.user for p in found.select_related("user")]


def send_alerts(today=None) -> int:
    """From the rule's month, tell each worker behind (and their superior tier) once a
    month what they still need this year."""
    today = today or timezone.localdate()
    if today.month < int(rule(keys.YEAR_END_ALERT_MONTH)):
        return 0
    sent = 0
    rows = Compliance.objects.filter(year=today.year, status__in=["behind", "overdue"])
    for row in rows.select_related("user", "post"):
        sent += notify(
            key=f"training:compliance:{row.user_id}:{today:%Y-%m}",
            kind=notices.BEHIND,
            recipients=[row.user, *superiors(row.post)],
            subject=row,
            context={
                "hours": str(row.hours),
                "quota": str(row.quota),
                "name": person_name(row.user),
                "needs": "、".join(str(NEEDS[n]) for n in row.needs if n in NEEDS),
            },
            url="/training/",
        )
    return sent


def nightly(now: datetime.datetime | None = None) -> int:
    """The deadline task's sweep: once a day after 01:00, recompute and alert."""
    now = timezone.localtime(now or timezone.now())
    if now.hour < 1:
        return 0
    last = Compliance.objects.filter(year=now.year).order_by("-computed_at").first()
    if last is not None and timezone.localtime(last.computed_at).date() >= now.date():
        return 0
    written = compute_compliance(year=now.year, today=now.date())
    send_alerts(now.date())
    return written


STAFF_ROLES = [
    Role.COMMUNITY_SECRETARY,
    Role.COMMUNITY_WORKER,
    Role.GRID_BRANCH_SECRETARY,
    Role.GRID_MEMBER,
]


def staffing(user, limit: int = 100) -> list[dict]:
    """Per community the user may see: workers against the rule's standard per 10,000
    residents, and the shares of young and of local workers (living in the community)."""
    from grid.models import Community, Resident

    communities = list(Community.objects.for_user(user).order_by("code")[:limit])
    ids = [c.pk for c in communities]
    workers = defaultdict(set)
    for community_id, user_id in Post.objects.filter(
        community_id__in=ids, is_active=True, role__in=STAFF_ROLES
    ).values_list("community_id", "user_id"):
        workers[community_id].add(user_id)
    residents = dict(
        Resident.objects.filter(household__community_id__in=ids, state="living")
        .values("household__community_id")
        .annotate(n=Count("id"))
        .values_list("household__community_id", "n")
    )
    everyone = set().union(*workers.values()) if workers else set()
    homes = {
        row["user_id"]: row
        for row in Resident.objects.filter(user_id__in=everyone, state="living").values(
            "user_id", "birth_date", "household__community_id"
        )
    }
    today = timezone.localdate()
    rows = []
    for community in communities:
        staff = workers.get(community.pk, set())
        per = int(rule(keys.STAFF_PER_10K, node=community))
        young_age = int(rule(keys.YOUNG_AGE, node=community))
        people = residents.get(community.pk, 0)
        young = sum(
            1
            for u in staff
            if u in homes and (today - homes[u]["birth_date"]).days < young_age * 365.25
        )
        local = sum(
            1 for u in staff if u in homes and homes[u]["household__community_id"] == community.pk
        )
        needed = -(-people * per // 10000)
        rows.append(
            {
                "community": community,
                "workers": len(staff),
                "residents": people,
                "needed": needed,
                "short": max(0, needed - len(staff)),
                "young": young,
                "local": local,
            }
        )
    return rows


def skill_gaps(user) -> list[tuple]:
    """Multi-skilled workers (全岗通): the skills taught in the courses the user sees, and
    per community the skills none of its workers has completed."""
    from grid.models import Community

    from .models import Course

    skills = sorted(
        set(
            Course.objects.for_user(user)
            .exclude(skill="")
            .order_by("skill")  # not the courses' ordering: DISTINCT would keep its columns
            .values_list("skill", flat=True)
            .distinct()[:50]
        )
    )
    if not skills:
        return []
    held = defaultdict(set)
    for community_id, skill in (
        Enrolment.objects.for_user(user)
        .filter(state="completed", course__skill__in=skills)
        .order_by()
        .values_list("community_id", "course__skill")
        .distinct()
    ):
        held[community_id].add(skill)
    gaps = []
    for community in Community.objects.for_user(user).order_by("code")[:100]:
        missing = [skill for skill in skills if skill not in held[community.pk]]
        if missing:
            gaps.append((community, missing))
    return gaps

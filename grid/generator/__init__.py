"""A synthetic county at scale: the net, its people, party organisations, posts and
five years of service requests, reproducible from a seed and bulk-loaded.

Street by street, each street in its own transaction, community by community inside it
(nothing larger than one community is held in memory). A street whose code exists is
complete and skipped, so a run can be resumed or repeated without duplicating anything.
Generated streets use sequences 101..121 under the county code and never meet the demo
county.
"""

import datetime
import time
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from core.workdays.calendar import WorkCalendar

from ..models import Category, Household, Resident, Street
from ..permissions import Role
from .load import Progress, Writer
from .names import place_names
from .net import plan_party, write_community, write_party, write_street
from .people import assign_ids, generate_people, membership_rows, write_people
from .plan import SCALES, allocate, rng_for
from .posts import Staff
from .requests import Crew, write_requests

GENERATED_PASSWORD = "yuyao-county-2026"  # every generated account: synthetic data only


@dataclass
class Result:
    streets: int = 0
    skipped: int = 0
    seconds: float = 0.0
    tables: list = field(default_factory=list)  # (table, rows, rows/s writing)


@dataclass
class Context:
    seed: int
    writer: Writer
    password: str
    now: datetime.datetime
    start: datetime.datetime
    categories: list
    calendar: WorkCalendar
    permissions: tuple


def generate(scale="street", seed=1, until: datetime.date | None = None, stream=None) -> Result:
    """Fill the database with ``scale`` ("county", "street" or "tiny")."""
    sizes = SCALES[scale]
    plans = allocate(sizes, seed)
    tz = timezone.get_default_timezone()
    if until is None:
        now = timezone.localtime(timezone.now(), tz)
    else:
        now = datetime.datetime.combine(until, datetime.time(18), tzinfo=tz)
    start = (now - datetime.timedelta(days=365 * sizes.years)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    categories = list(
        Category.objects.filter(parent__isnull=False, is_active=True).order_by("code")
    )
    if not categories:
        raise RuntimeError("No request categories: run the migrations first.")
    writer = Writer()
    context = Context(
        seed=seed,
        writer=writer,
        password=make_password(GENERATED_PASSWORD),  # hashed once, for every account
        now=now,
        start=start,
        categories=categories,
        calendar=WorkCalendar.load(start.date(), days=365 * sizes.years + 60),
        permissions=tuple(
            Permission.objects.filter(
                content_type__app_label="grid",
                codename__in=["view_servicerequest", "change_servicerequest"],
            )
            .order_by("codename")
            .values_list("pk", flat=True)
        ),
    )
    progress = Progress(writer, stream, sum(len(p.communities) for p in plans))
    existing = set(
        Street.objects.filter(code__in=[p.code for p in plans]).values_list("code", flat=True)
    )
    result = Result()
    started = time.perf_counter()
    for plan in plans:
        if plan.code in existing:
            result.skipped += 1
            progress.done += len(plan.communities)
            progress.tick(f"{plan.name} already there", force=True)
            continue
        with transaction.atomic():
            generate_street(context, plan, progress)
        result.streets += 1
    writer.analyze()
    progress.finish()
    result.seconds = time.perf_counter() - started
    result.tables = progress.report()
    return result


def generate_street(context: Context, plan, progress):
    writer, now = context.writer, context.now
    rng = rng_for(context.seed, "street", plan.index)
    street = write_street(writer, plan, rng, now)
    staff = Staff(writer, rng, context.password, now)
    tiers = (street.id, None, None, None)
    admin = staff.add(Role.STREET_ADMIN, street.code, tiers, "-1")
    staff.add(Role.STREET_ADMIN, street.code, tiers, "-2")
    units = [street.department_id, *street.companies]
    unit_staff = {
        unit: staff.add(Role.UNIT_STAFF, street.code, tiers, f"-{i}", unit)
        for i, unit in enumerate(units, start=1)
    }
    staff.reserve().write()
    crew = {
        "street_admin": staff.ids[admin],
        "department": street.department_id,
        "unit_staff": {unit: staff.ids[i] for unit, i in unit_staff.items()},
        "permissions": context.permissions,
    }
    names = place_names(rng, len(plan.communities))
    for community, name in zip(plan.communities, names, strict=True):
        generate_community(context, plan, street, community, name, crew)
        progress.done += 1
        progress.tick(plan.name)


def generate_community(context: Context, street_plan, street, plan, name, crew):
    writer, now = context.writer, context.now
    rng = rng_for(context.seed, "community", street_plan.index, plan.index)
    net = write_community(writer, street, street_plan.index, plan, name, rng, now)
    people = generate_people(rng, net, plan, street_plan.index, now)
    plan_party(writer, net, people.members_by_building(), village=net.name.endswith("村"))

    staff = Staff(writer, rng, context.password, now)
    secretary = staff.add(Role.COMMUNITY_SECRETARY, net.code, net.tiers())
    workers = [
        staff.add(Role.COMMUNITY_WORKER, net.code, net.tiers(), f"-{i}")
        for i in range(1, rng.randint(3, 6) + 1)
    ]
    members, secretaries = {}, {}
    for g, grid_id in enumerate(net.grid_ids, start=1):
        code = f"{net.code}{g:03d}"
        members[grid_id] = staff.add(Role.GRID_MEMBER, code, net.tiers(grid_id))
        secretaries[grid_id] = staff.add(Role.GRID_BRANCH_SECRETARY, code, net.tiers(grid_id))
    for building in net.buildings:
        tiers = net.tiers(building.grid_id, building.id)
        staff.add(Role.BUILDING_LEADER, building.code, tiers)
        if building.id in net.group_ids:
            secretaries[building.id] = staff.add(Role.PARTY_GROUP_LEADER, building.code, tiers)
    for _, username, display_name in people.accounts:
        staff.resident(username, display_name)
    staff.reserve()

    assign_ids(
        people,
        writer.reserve(Household, len(people.households)),
        writer.reserve(Resident, len(people.residents)),
        staff.account_ids,
    )
    staff.write()
    secretaries = {key: staff.ids[i] for key, i in secretaries.items()}
    secretaries["community"] = staff.ids[secretary]
    write_party(writer, net, secretaries)
    write_people(writer, people, membership_rows(people, net))

    reporters = {
        building_id: [(people.residents[i][0], people.residents[i][14]) for i in rows]
        for building_id, rows in people.reporters.items()
    }
    del people
    write_requests(
        writer,
        rng,
        net,
        plan.requests,
        reporters,
        Crew(
            grid_members={grid_id: staff.ids[i] for grid_id, i in members.items()},
            workers=[staff.ids[i] for i in workers],
            **crew,
        ),
        context.categories,
        context.calendar,
        context.start,
        now,
    )


__all__ = ["GENERATED_PASSWORD", "SCALES", "Result", "generate"]

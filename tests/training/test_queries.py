"""The compliance board costs the same number of queries whatever the number of workers,
communities, courses and attendance rows of the street: counts and shares come from
grouped queries, who is behind is one query with its joins, staffing and skill gaps are
a few set queries (bench/training_compliance.py times the board at county scale)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from grid.models import Community, Grid, Post
from grid.permissions import Role
from training import compliance
from training.models import Attendance, CourseKind, Enrolment

from ..factories import BuildingFactory, HouseholdFactory, ResidentFactory
from .helpers import make_course, make_session

pytestmark = pytest.mark.django_db

# The whole request: session, user, grants and notifications besides the board's own.
BOARD_QUERIES = 22


def add_workers(world, count: int) -> list:
    """``count`` community workers and grid members over two new communities of the
    first street, each living there, on a course of the street with a skill and one
    session attended (some of them short of their hours)."""
    street = world.streets[0]
    communities = [
        Community.objects.create(street=street, code=f"{street.code}9{n:02d}", name=f"新社区{n}")
        for n in range(2)
    ]
    grids = [
        Grid.objects.create(community=c, code=f"{c.code}001", name=f"{c.name}网格")
        for c in communities
    ]
    course = make_course(street, kind=CourseKind.TOPIC, audience=[], skill="矛盾调解")
    session = make_session(course, days=-2, hours=Decimal(4))
    users = get_user_model()
    workers = []
    for n in range(count):
        user = users.objects.create(username=f"worker{n}", display_name=f"工作者{n}")
        if n % 2:
            post = Post.objects.create(
                user=user, role=Role.COMMUNITY_WORKER, community=communities[n % 2]
            )
        else:
            post = Post.objects.create(user=user, role=Role.GRID_MEMBER, grid=grids[n % 2])
        building = BuildingFactory(grid=grids[n % 2])
        ResidentFactory(household=HouseholdFactory(building=building), user=user)
        enrolment = Enrolment.objects.create(course=course, user=user, post=post)
        Attendance.objects.create(
            enrolment=enrolment,
            session=session,
            user=user,
            status="present" if n % 3 else "absent",
            method="qr",
            on=timezone.localdate() - datetime.timedelta(days=2),
            hours=Decimal(4) if n % 3 else Decimal(0),
        )
        if n % 3:
            Enrolment.objects.filter(pk=enrolment.pk).update(
                state="completed", completed_on=timezone.localdate()
            )
        workers.append(user)
    return workers


def test_the_board_queries_do_not_grow_with_workers_communities_or_courses(
    world, client, django_assert_max_num_queries
):
    compliance.compute_compliance()
    client.force_login(world.user("street_admin"))
    client.get("/training/board/")  # the caches (rules, grants) warm
    with django_assert_max_num_queries(BOARD_QUERIES):
        few = client.get("/training/board/")
    assert few.status_code == 200
    workers = add_workers(world, 30)
    compliance.compute_compliance()
    with django_assert_max_num_queries(BOARD_QUERIES):
        many = client.get("/training/board/")
    assert many.status_code == 200
    # The new workers are on it: counted, the ones behind listed, their communities too.
    assert many.context["total"] >= few.context["total"] + len(workers)
    behind = {row.user_id for row in many.context["behind"]}
    assert any(worker.pk in behind for worker in workers)
    names = {row["community__name"] for row in many.context["by_community"]}
    assert {"新社区0", "新社区1"} <= names
    assert {row["community"].name for row in many.context["staffing"]} >= {"新社区0", "新社区1"}


def test_skill_gaps_list_distinct_skills_not_the_first_courses(world):
    """Fifty-five courses teaching one skill do not push another skill off the list."""
    street = world.streets[0]
    for n in range(55):
        make_course(street, kind=CourseKind.TOPIC, audience=[], skill="矛盾调解", title=f"A{n}")
    make_course(street, kind=CourseKind.TOPIC, audience=[], skill="应急处置", title="Z")
    gaps = compliance.skill_gaps(world.user("street_admin"))
    assert gaps and all(set(missing) == {"矛盾调解", "应急处置"} for _c, missing in gaps)

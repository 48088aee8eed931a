"""The synthetic county generator, at its tiny test scale."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from grid.generator import generate
from grid.generator.plan import SCALES, allocate
from grid.models import (
    Building,
    Community,
    Grid,
    Household,
    PartyMembership,
    Post,
    RequestEvent,
    Resident,
    ServiceRequest,
    Street,
)
from grid.permissions import Role
from grid.pii import is_valid_id_number

UNTIL = datetime.date(2026, 1, 15)
TABLES = (Street, Community, Grid, Building, Household, Resident, ServiceRequest, RequestEvent)


def counts():
    return {model.__name__: model.objects.count() for model in TABLES}


@pytest.fixture
def county(db):
    generate("tiny", seed=7, until=UNTIL, stream=io.StringIO())


def test_counts_match_the_plan(county):
    scale = SCALES["tiny"]
    (street,) = allocate(scale, 7)
    assert Street.objects.get().code == street.code == "330281101"
    assert Community.objects.count() == scale.communities
    assert Grid.objects.count() == scale.grids
    assert Building.objects.count() == scale.buildings
    assert Household.objects.count() == scale.households
    assert Resident.objects.count() == scale.residents
    assert ServiceRequest.objects.count() == scale.requests
    for plan in street.communities:
        community = Community.objects.get(code=f"{street.code}{plan.index:03d}")
        assert Resident.objects.filter(community=community).count() == plan.residents
        assert ServiceRequest.objects.filter(community=community).count() == plan.requests


def test_every_node_has_its_posts_and_party_organisation(county):
    for community in Community.objects.all():
        roles = set(Post.objects.filter(community=community).values_list("role", flat=True))
        assert {Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER, Role.GRID_MEMBER} <= roles
    for grid in Grid.objects.all():
        assert Post.objects.filter(grid=grid, role=Role.GRID_MEMBER).count() == 1
    for building in Building.objects.all():
        assert Post.objects.filter(building=building, role=Role.BUILDING_LEADER).count() == 1
        assert building.latitude is not None and building.longitude is not None
    assert Post.objects.filter(role=Role.STREET_ADMIN, street__code="330281101").count() == 2


def test_id_numbers_are_valid_and_match_the_residents(county):
    residents = list(Resident.objects.all())
    assert all(is_valid_id_number(r.id_number) for r in residents)
    for r in residents:
        assert r.id_number[6:14] == f"{r.birth_date:%Y%m%d}"
        assert r.id_last4 == r.id_number[-4:]
        assert (int(r.id_number[16]) % 2 == 1) == (r.gender == "male")
    assert len({r.id_last4 for r in residents}) > len(residents) // 2  # spread like real ones


def test_residents_validate_like_entered_ones(county):
    for resident in Resident.objects.all()[:50]:
        resident.full_clean()
    for request in ServiceRequest.objects.all()[:50]:
        request.full_clean()


def test_tier_columns_are_consistent(county):
    with_building = ServiceRequest.objects.filter(building__isnull=False)
    assert with_building.exists()
    assert not with_building.exclude(community_id=F("building__community_id")).exists()
    assert not with_building.exclude(grid_id=F("building__grid_id")).exists()
    assert not with_building.exclude(street_id=F("building__street_id")).exists()
    grid_only = ServiceRequest.objects.filter(building__isnull=True)
    assert not grid_only.exclude(community_id=F("grid__community_id")).exists()
    assert not Resident.objects.exclude(building_id=F("household__building_id")).exists()
    assert not Resident.objects.exclude(community_id=F("household__community_id")).exists()
    assert not Household.objects.exclude(grid_id=F("building__grid_id")).exists()
    members = PartyMembership.objects.all()
    assert not members.exclude(community_id=F("organization__community_id")).exists()
    assert not members.exclude(community_id=F("resident__community_id")).exists()


def test_numbers_are_in_the_service_format(county):
    for request in ServiceRequest.objects.all():
        assert request.number == f"{timezone.localtime(request.created_at):%Y%m%d}{request.pk:08d}"


def test_timelines_match_the_final_state(county):
    for request in ServiceRequest.objects.prefetch_related("events"):
        events = list(request.events.all())
        assert events[0].action == "submit"
        assert events[-1].to_state == request.state
        assert [e.at for e in events] == sorted(e.at for e in events)
        if request.state == "evaluated":
            assert request.rating >= 3 and request.closed_at is not None
        if request.rework_count:
            assert any(e.action == "reopen" for e in events)
    states = dict(ServiceRequest.objects.values_list("state").annotate(n=Count("id")))
    assert states["evaluated"] > states.get("closed", 0) > 0


def test_party_member_share_is_about_seven_percent(county):
    share = PartyMembership.objects.count() / Resident.objects.count()
    assert 0.05 <= share <= 0.09
    assert Resident.objects.filter(political_status="party_member").count() == (
        PartyMembership.objects.count()
    )


def test_a_rerun_adds_nothing(county):
    before = counts()
    out = io.StringIO()
    call_command("generate_county", "--scale", "tiny", "--seed", "7", stdout=out, stderr=out)
    assert counts() == before
    assert "1 already there" in out.getvalue()


def test_community_worker_sees_only_their_community(county):
    post = Post.objects.filter(role=Role.COMMUNITY_WORKER).select_related("user").first()
    visible = ServiceRequest.objects.for_user(post.user)
    assert visible.count() == ServiceRequest.objects.filter(community=post.community_id).count()
    assert set(visible.values_list("community_id", flat=True)) == {post.community_id}


def _people():
    return list(Resident.objects.order_by("id").values_list("name", "id_number", "phone"))


def _generated(seed):
    """Generate with ``seed`` in a transaction rolled back afterwards."""
    with transaction.atomic():
        generate("tiny", seed=seed, until=UNTIL, stream=io.StringIO())
        people = list(Resident.objects.order_by("id").values_list("name", "id_number", "phone"))
        requests = list(ServiceRequest.objects.order_by("id").values_list("state", "rating"))
        transaction.set_rollback(True)
    assert not Street.objects.exists()
    return people, requests


def test_same_seed_same_people(db):
    first = _generated(3)
    other = _generated(4)
    assert _generated(3) == first
    assert [name for name, _, _ in other[0]] != [name for name, _, _ in first[0]]

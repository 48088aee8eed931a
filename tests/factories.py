"""Factories of the net and the shared test world of personas."""

import datetime
from dataclasses import dataclass, field

import factory
from django.contrib.auth import get_user_model

from grid.demo import demo_location
from grid.models import (
    Building,
    Community,
    Grid,
    HandlingUnit,
    Household,
    Movement,
    PartyMembership,
    PartyOrganization,
    Post,
    Resident,
    Street,
    VerificationRequest,
)
from grid.permissions import Role
from grid.pii import make_id_number

# Every ID number a factory made, so the masking scanner knows what must never leak.
ISSUED_ID_NUMBERS: set[str] = set()


def fictional_id_number(n: int) -> str:
    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=(n * 97) % 20000)
    number = make_id_number("330281", born, n)
    ISSUED_ID_NUMBERS.add(number)
    return number


PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street

    code = factory.Sequence(lambda n: f"330281{n + 100:03d}")
    name = factory.Sequence(lambda n: f"街道{n}")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    street = factory.SubFactory(StreetFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.street.code}{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"社区{n}")


class GridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grid

    community = factory.SubFactory(CommunityFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.community.code}{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"网格{n}")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    grid = factory.SubFactory(GridFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.grid.code}{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"{n}幢")
    address = factory.LazyAttribute(lambda o: f"余姚市{o.name}")
    units = 2
    floors = 6


class HandlingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HandlingUnit

    name = factory.Sequence(lambda n: f"处置单位{n}")
    kind = HandlingUnit.Kind.COMMUNITY_UNIT


class PartyOrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartyOrganization

    name = factory.Sequence(lambda n: f"党组织{n}")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    building = factory.SubFactory(BuildingFactory)
    unit = 1
    room = factory.Sequence(lambda n: f"{101 + n}")


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Sequence(lambda n: f"居民{n}")
    gender = factory.LazyAttribute(
        lambda o: Resident.Gender.MALE if int(o.id_number[16]) % 2 else Resident.Gender.FEMALE
    )
    id_number = factory.Sequence(lambda n: fictional_id_number(n + 1))
    birth_date = factory.LazyAttribute(
        lambda o: datetime.date(
            int(o.id_number[6:10]), int(o.id_number[10:12]), int(o.id_number[12:14])
        )
    )
    phone = factory.Sequence(lambda n: f"138{n:08d}")


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    user = factory.SubFactory(UserFactory)


def attach(role, user, node=None, unit=None):
    """Give ``user`` a post of ``role`` on ``node`` (None: the county)."""
    kwargs = {node.tier.value: node} if node is not None else {}
    return PostFactory(user=user, role=role, handling_unit=unit, **kwargs)


@dataclass
class World:
    """Two streets, each with two communities, each with two grids, each with two
    buildings; party organisations at every tier; one user per post and an outsider."""

    streets: list = field(default_factory=list)
    communities: list = field(default_factory=list)
    grids: list = field(default_factory=list)
    buildings: list = field(default_factory=list)
    units: list = field(default_factory=list)
    households: list = field(default_factory=list)
    residents: list = field(default_factory=list)
    users: dict = field(default_factory=dict)

    def user(self, name):
        """A fresh copy of a persona (nothing cached from an earlier request)."""
        return get_user_model().objects.get(pk=self.users[name].pk)


def build_world() -> World:
    world = World()
    for s in range(2):
        street = StreetFactory(code=f"330281{s + 1:03d}", name=f"测试街道{s + 1}")
        world.streets.append(street)
        for c in range(2):
            community = CommunityFactory(
                street=street, code=f"{street.code}{c + 1:03d}", name=f"社区{s + 1}-{c + 1}"
            )
            world.communities.append(community)
            PartyOrganizationFactory(
                kind=PartyOrganization.Kind.COMMUNITY_COMMITTEE, community=community
            )
            world.units.append(HandlingUnitFactory(community=community))
            for g in range(2):
                grid = GridFactory(community=community, code=f"{community.code}{g + 1:03d}")
                world.grids.append(grid)
                PartyOrganizationFactory(kind=PartyOrganization.Kind.GRID_BRANCH, grid=grid)
                for b in range(2):
                    building = BuildingFactory(
                        grid=grid,
                        code=f"{grid.code}{b + 1:03d}",
                        **demo_location(s + 1, c + 1, g + 1, b + 1),
                    )
                    world.buildings.append(building)
                    group = PartyOrganizationFactory(
                        kind=PartyOrganization.Kind.BUILDING_GROUP, building=building
                    )
                    household = HouseholdFactory(building=building, unit=1, room="101")
                    world.households.append(household)
                    head = ResidentFactory(household=household, relation=Resident.Relation.HEAD)
                    spouse = ResidentFactory(household=household, relation=Resident.Relation.SPOUSE)
                    household.head = head
                    household.save()
                    world.residents += [head, spouse]
                    PartyMembership.objects.create(
                        resident=head, organization=group, joined_on=datetime.date(2001, 7, 1)
                    )
    world.units.append(HandlingUnitFactory(kind=HandlingUnit.Kind.DEPARTMENT))
    s1, s2 = world.streets
    c1 = world.communities[0]
    g1 = world.grids[0]
    b1 = world.buildings[0]
    personas = {
        "county_admin": (Role.COUNTY_ADMIN, None, True),
        "department_staff": (Role.DEPARTMENT_STAFF, None, False),
        "street_admin": (Role.STREET_ADMIN, s1, True),
        "other_street_admin": (Role.STREET_ADMIN, s2, True),
        "community_secretary": (Role.COMMUNITY_SECRETARY, c1, False),
        "community_worker": (Role.COMMUNITY_WORKER, c1, False),
        "grid_member": (Role.GRID_MEMBER, g1, False),
        "grid_branch_secretary": (Role.GRID_BRANCH_SECRETARY, g1, False),
        "building_leader": (Role.BUILDING_LEADER, b1, False),
        "party_group_leader": (Role.PARTY_GROUP_LEADER, b1, False),
    }
    for name, (role, node, staff) in personas.items():
        user = UserFactory(username=name, is_staff=staff)
        attach(role, user, node)
        world.users[name] = user
    unit_staff = UserFactory(username="unit_staff")
    attach(Role.UNIT_STAFF, unit_staff, c1, world.units[0])
    world.users["unit_staff"] = unit_staff
    world.users["outsider"] = UserFactory(username="outsider")
    # A verified resident of the first building's household, and one waiting.
    resident_user = UserFactory(username="resident")
    Resident.objects.filter(pk=world.residents[0].pk).update(user=resident_user)
    world.residents[0].refresh_from_db()
    world.users["resident"] = resident_user
    applicant = UserFactory(username="applicant")
    VerificationRequest.objects.create(
        user=applicant,
        building=world.buildings[0],
        unit=1,
        room="101",
        name=world.residents[1].name,
        phone="13900000001",
    )
    world.users["applicant"] = applicant
    # A request reported by the verified resident.
    from grid.models import Category
    from grid.services import submit_request

    submit_request(
        user=world.user("resident"),
        category=Category.objects.get(code="environment-rubbish"),
        description="楼下有暴露垃圾",
    )
    # An Open311 partner key bound to the first street.
    from grid.models import Open311Key

    key = Open311Key(name="测试合作方", street=world.streets[0])
    key.set_new_key()
    key.save()
    # History: a resident of the fifth building's household who moved out.
    leaver = ResidentFactory(household=world.households[4], state=Resident.State.MOVED_OUT)
    Movement.objects.create(
        resident=leaver,
        kind=Movement.Kind.MOVE_OUT,
        date=datetime.date(2025, 3, 1),
        from_household=world.households[4],
    )
    extend_world(world)
    return world


# The apps above the net add their records to the same world: ``tests/<app>/world.py``
# with ``extend_world(world)`` (one object of each scoped model at least, so that the
# scoping tests of tests/grid/test_scoping.py cover it too).
WORLD_APPS = ["volunteers", "negotiation", "funding", "training", "community"]


def extend_world(world) -> None:
    import importlib
    import importlib.util

    for app in WORLD_APPS:
        name = f"tests.{app}.world"
        if importlib.util.find_spec(f"tests.{app}") and importlib.util.find_spec(name):
            importlib.import_module(name).extend_world(world)


PERSONAS = [
    "county_admin",
    "department_staff",
    "street_admin",
    "other_street_admin",
    "community_secretary",
    "community_worker",
    "grid_member",
    "grid_branch_secretary",
    "building_leader",
    "party_group_leader",
    "unit_staff",
    "resident",
    "applicant",
    "outsider",
]

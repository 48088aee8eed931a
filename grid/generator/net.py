"""The net of one street: the street, its handling units, communities, grids and
buildings (with coordinates), and the party organisations at each tier."""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from ..models import Building, Community, Grid, HandlingUnit, PartyOrganization, Street
from .names import office_phone, place_names

# demo_location (grid/demo.py) puts the demo county in a line; the generated county is
# laid out in tiles instead, so that nodes of one street stay together: streets on a
# 5 × 5 layout about 6 km apart, communities 1.5 km, grids 400 m, buildings 60 m.
ORIGIN = (Decimal("29.900000"), Decimal("120.950000"))
SIX = Decimal("0.000001")


def location(street: int, community: int, grid: int, building: int, rng) -> tuple:
    lat, long = ORIGIN
    lat += Decimal("0.06") * ((street - 1) // 5) + Decimal("0.014") * ((community - 1) // 4)
    long += Decimal("0.08") * ((street - 1) % 5) + Decimal("0.018") * ((community - 1) % 4)
    lat += Decimal("0.0035") * ((grid - 1) // 4) + Decimal("0.0005") * ((building - 1) // 6)
    long += Decimal("0.0045") * ((grid - 1) % 4) + Decimal("0.0006") * ((building - 1) % 6)
    lat += Decimal(rng.randrange(-60, 60)) * SIX
    long += Decimal(rng.randrange(-60, 60)) * SIX
    return lat.quantize(SIX), long.quantize(SIX)


def building_shape(households: int, rng) -> tuple[int, int]:
    """(units, floors) with two rooms per floor and unit, enough for the households."""
    if households <= 12:
        floors = rng.randint(2, 6)
    elif households <= 48:
        floors = rng.randint(6, 11)
    else:
        floors = rng.randint(11, 33)
    return min(99, max(1, math.ceil(households / (floors * 2)))), floors


@dataclass
class BuildingInfo:
    id: int
    code: str
    name: str
    grid_id: int
    grid_index: int
    households: int
    units: int
    floors: int
    property_company_id: int | None


@dataclass
class CommunityNet:
    street_id: int
    id: int
    code: str
    name: str
    grid_ids: list[int]
    buildings: list[BuildingInfo]
    party_org_id: int | None = None
    branch_ids: dict[int, int] = field(default_factory=dict)  # grid id → branch id
    group_ids: dict[int, int] = field(default_factory=dict)  # building id → group id
    village: bool = False

    def tiers(self, grid_id=None, building_id=None) -> tuple:
        return (self.street_id, self.id, grid_id, building_id)


@dataclass
class StreetNet:
    id: int
    code: str
    name: str
    kind: str
    department_id: int
    companies: list[int]


TIERS = ("street_id", "community_id", "grid_id", "building_id")
UNIT_COLUMNS = ("id", "name", "kind", "contact_phone", *TIERS)


def write_street(writer, plan, rng, now) -> StreetNet:
    street_id = writer.reserve(Street, 1)[0]
    writer.write(
        Street,
        ("id", "code", "name", "kind", "created_at"),
        [(street_id, plan.code, plan.name, plan.kind, now)],
    )
    short = plan.name[:-2] if plan.name.endswith("街道") else plan.name[:-1]
    companies = max(2, len(plan.communities) // 3)
    ids = writer.reserve(HandlingUnit, companies + 1)
    rows = [
        (
            ids[0],
            f"{short}综合行政执法中队",
            HandlingUnit.Kind.DEPARTMENT,
            office_phone(rng),
            street_id,
            None,
            None,
            None,
        )
    ]
    firms = place_names(rng, companies)
    for unit_id, firm in zip(ids[1:], firms, strict=True):
        rows.append(
            (
                unit_id,
                f"{short}{firm}物业管理有限公司",
                HandlingUnit.Kind.PROPERTY_COMPANY,
                office_phone(rng),
                street_id,
                None,
                None,
                None,
            )
        )
    writer.write(HandlingUnit, UNIT_COLUMNS, rows)
    return StreetNet(street_id, plan.code, plan.name, plan.kind, ids[0], ids[1:])


def community_kind(street_kind: str, rng) -> str:
    village_share = {"street": 0.15, "town": 0.7, "township": 1.0}[street_kind]
    return Community.Kind.VILLAGE if rng.random() < village_share else Community.Kind.COMMUNITY


def write_community(writer, street: StreetNet, street_index, plan, name, rng, now) -> CommunityNet:
    kind = community_kind(street.kind, rng)
    full_name = name + ("村" if kind == Community.Kind.VILLAGE else "社区")
    community_id = writer.reserve(Community, 1)[0]
    code = f"{street.code}{plan.index:03d}"
    writer.write(
        Community,
        ("id", "code", "name", "kind", "street_id", "office_address", "office_phone", "created_at"),
        [
            (
                community_id,
                code,
                full_name,
                kind,
                street.id,
                f"浙江省余姚市{street.name}{full_name}党群服务中心",
                office_phone(rng),
                now,
            )
        ],
    )
    grid_ids = writer.reserve(Grid, len(plan.buildings))
    writer.write(
        Grid,
        ("id", "code", "name", "community_id", "street_id", "created_at"),
        [
            (grid_id, f"{code}{g:03d}", f"{full_name}第{g}网格", community_id, street.id, now)
            for g, grid_id in enumerate(grid_ids, start=1)
        ],
    )
    building_ids = iter(writer.reserve(Building, sum(len(g) for g in plan.buildings)))
    buildings, rows, number = [], [], 0
    company = rng.choice(street.companies) if kind == Community.Kind.COMMUNITY else None
    for g, (grid_id, households) in enumerate(zip(grid_ids, plan.buildings, strict=True), 1):
        for b, count in enumerate(households, start=1):
            number += 1
            units, floors = building_shape(count, rng)
            info = BuildingInfo(
                next(building_ids),
                f"{code}{g:03d}{b:03d}",
                f"{number}幢",
                grid_id,
                g,
                count,
                units,
                floors,
                company,
            )
            buildings.append(info)
            lat, long = location(street_index, plan.index, g, b, rng)
            rows.append(
                (
                    info.id,
                    info.code,
                    info.name,
                    grid_id,
                    community_id,
                    street.id,
                    f"浙江省余姚市{street.name}{full_name}{number}幢",
                    units,
                    floors,
                    lat,
                    long,
                    company,
                    now,
                )
            )
    writer.write(
        Building,
        (
            "id",
            "code",
            "name",
            "grid_id",
            "community_id",
            "street_id",
            "address",
            "units",
            "floors",
            "latitude",
            "longitude",
            "property_company_id",
            "created_at",
        ),
        rows,
    )
    return CommunityNet(street.id, community_id, code, full_name, grid_ids, buildings)


PARTY_COLUMNS = ("id", "name", "kind", "parent_id", "secretary_id", *TIERS)
GROUP_MIN_MEMBERS = 3  # a building party group needs three members


def plan_party(writer, net: CommunityNet, members_by_building: dict[int, int], village: bool):
    """Reserve the ids of the community's party organisations: one committee (a general
    branch in a village), a branch per grid, a group per building with enough members."""
    ids = iter(
        writer.reserve(
            PartyOrganization,
            1
            + len(net.grid_ids)
            + sum(1 for n in members_by_building.values() if n >= GROUP_MIN_MEMBERS),
        )
    )
    net.party_org_id = next(ids)
    net.branch_ids = {grid_id: next(ids) for grid_id in net.grid_ids}
    net.group_ids = {
        b.id: next(ids)
        for b in net.buildings
        if members_by_building.get(b.id, 0) >= GROUP_MIN_MEMBERS
    }
    net.village = village


def write_party(writer, net: CommunityNet, secretaries: dict):
    """``secretaries``: node key ("community", grid id, building id) → user id."""
    kind = (
        PartyOrganization.Kind.COMMUNITY_GENERAL_BRANCH
        if net.village
        else PartyOrganization.Kind.COMMUNITY_COMMITTEE
    )
    suffix = "党总支" if net.village else "党委"
    rows = [
        (
            net.party_org_id,
            net.name + suffix,
            kind,
            None,
            secretaries.get("community"),
            *net.tiers(),
        )
    ]
    for g, grid_id in enumerate(net.grid_ids, start=1):
        rows.append(
            (
                net.branch_ids[grid_id],
                f"{net.name}第{g}网格党支部",
                PartyOrganization.Kind.GRID_BRANCH,
                net.party_org_id,
                secretaries.get(grid_id),
                *net.tiers(grid_id),
            )
        )
    for b in net.buildings:
        if b.id in net.group_ids:
            rows.append(
                (
                    net.group_ids[b.id],
                    f"{net.name}{b.name}党小组",
                    PartyOrganization.Kind.BUILDING_GROUP,
                    net.branch_ids[b.grid_id],
                    secretaries.get(b.id),
                    *net.tiers(b.grid_id, b.id),
                )
            )
    writer.write(PartyOrganization, PARTY_COLUMNS, rows)

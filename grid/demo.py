"""The Yuyao demo county: real street and town names, a sample of the net below them,
party organisations at every tier and a post for every role at every tier.

Idempotent: running it again changes nothing. Demo mode only.
"""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from .demo_requests import seed_demo_requests
from .models import (
    Building,
    Community,
    Grid,
    HandlingUnit,
    Household,
    Open311Key,
    PartyMembership,
    PartyOrganization,
    Post,
    Resident,
    Street,
    VerificationRequest,
)
from .permissions import Role
from .pii import make_id_number

YUYAO_CENTRE = (Decimal("30.037200"), Decimal("121.154600"))


def demo_location(street: int, community: int, grid: int, building: int) -> dict:
    """Made-up coordinates around the centre of Yuyao: streets about 3 km apart,
    communities 770 m, grids 440 m and buildings 38 m, so that Open311 partners can
    report places by lat/long in the demo county."""
    lat, long = YUYAO_CENTRE
    lat += Decimal("0.027") * (street - 2) + Decimal("0.004") * grid
    long += Decimal("0.008") * (community - 1) + Decimal("0.0004") * building
    return {"latitude": lat, "longitude": long}


DEMO_PASSWORD = "yuyao-demo-2026"

# Real streets and towns of Yuyao; the communities are samples.
DEMO_NET = [
    ("阳明街道", Street.Kind.STREET, [("舜北社区", "community"), ("兴隆社区", "community")]),
    ("凤山街道", Street.Kind.STREET, [("江南社区", "community"), ("城东社区", "community")]),
    ("梨洲街道", Street.Kind.STREET, [("梨洲社区", "community"), ("谭家岭社区", "community")]),
    ("泗门镇", Street.Kind.TOWN, [("泗门社区", "community"), ("小路下村", "village")]),
]
GRIDS_PER_COMMUNITY = 3
BUILDINGS_PER_GRID = 2
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许"
    "韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = [
    "秀英",
    "建国",
    "桂英",
    "志强",
    "丽华",
    "明",
    "静",
    "伟",
    "芳",
    "海燕",
    "国平",
    "晓东",
    "雅琴",
    "浩然",
    "子涵",
    "一诺",
    "建华",
    "美玲",
    "德胜",
    "春梅",
]
RELATIONS = [Resident.Relation.HEAD, Resident.Relation.SPOUSE, Resident.Relation.CHILD]


@dataclass
class DemoResult:
    created: int = 0
    accounts: list = field(default_factory=list)


class DemoSeeder:
    def __init__(self):
        self.result = DemoResult()
        self._password_hash = None
        self.User = get_user_model()

    def _get_or_create(self, model, lookup, defaults):
        obj, created = model.objects.get_or_create(**lookup, defaults=defaults)
        self.result.created += int(created)
        return obj

    @property
    def password_hash(self):
        """Hashed once, and only when a user is created: hashing is slow on purpose."""
        if self._password_hash is None:
            self._password_hash = make_password(DEMO_PASSWORD)
        return self._password_hash

    def user(self, username, display_name, *, staff=False):
        user = self.User.objects.filter(username=username).first()
        if user is None:
            user = self._get_or_create(
                self.User,
                {"username": username},
                {"display_name": display_name, "password": self.password_hash, "is_staff": staff},
            )
        return user

    def post(self, user, role, node=None, unit=None, *, listed=False):
        if node is None:
            where = {f"{tier}_id": None for tier in ("street", "community", "grid", "building")}
        else:
            where = {f"{node.tier.value}_id": node.pk}
        self._get_or_create(Post, {"user": user, "role": role, **where}, {"handling_unit": unit})
        if listed:
            self.result.accounts.append(
                {
                    "username": user.username,
                    "password": DEMO_PASSWORD,
                    "role": str(role),
                    "tier": node.tier.value if node is not None else "county",
                    "node": node.code if node is not None else settings.PORTAL_COUNTY_CODE,
                    "name": user.display_name,
                }
            )

    def people(self, building, seed: str):
        """Four households of two or three residents in every building."""
        group = PartyOrganization.objects.filter(building=building).first()
        for unit in (1, 2):
            for floor in (1, 2):
                room = f"{floor}0{unit}"
                household = self._get_or_create(
                    Household,
                    {"building": building, "unit": unit, "room": room},
                    {
                        "kind": Household.Kind.OWNER_OCCUPIED
                        if floor == 1
                        else Household.Kind.RENTED
                    },
                )
                members = 2 + (int(seed) + unit + floor) % 2
                for member in range(members):
                    index = int(seed) * 10 + unit * 4 + floor * 2 + member
                    # Distinct (birth date, sequence) pairs: distinct ID numbers, no lookups.
                    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=index % 18000)
                    number = make_id_number("330281", born, (index // 18000 * 10 + member) % 1000)
                    gender = Resident.Gender.MALE if int(number[16]) % 2 else Resident.Gender.FEMALE
                    resident = self._get_or_create(
                        Resident,
                        {"id_number": number},
                        {
                            "household": household,
                            "name": SURNAMES[index % len(SURNAMES)]
                            + GIVEN[(index // 3) % len(GIVEN)],
                            "gender": gender,
                            "birth_date": born,
                            "phone": f"13{5 + index % 5}{index:08d}"[:11],
                            "relation": RELATIONS[member],
                            "political_status": Resident.PoliticalStatus.PARTY_MEMBER
                            if index % 13 == 0
                            else Resident.PoliticalStatus.MASSES,
                        },
                    )
                    if member == 0 and household.head_id is None:
                        household.head = resident
                        household.save(update_fields=["head"])
                    if resident.political_status == Resident.PoliticalStatus.PARTY_MEMBER and group:
                        self._get_or_create(
                            PartyMembership,
                            {"resident": resident},
                            {
                                "organization": group,
                                "joined_on": datetime.date(2000 + index % 20, 7, 1),
                            },
                        )

    def resident_accounts(self):
        """A verified resident of the first building, and one waiting for confirmation."""
        building = Building.objects.order_by("code").first()
        head = Resident.objects.filter(household__building=building, relation="head").order_by("id")
        verified = head.first()
        user = self.user("resident1", verified.name)
        if verified.user_id is None:
            verified.user = user
            verified.save(update_fields=["user"])
        self.result.accounts.append(self._resident_account(user, "resident", building))
        waiting = (
            Resident.objects.filter(household__building=building, relation="spouse")
            .order_by("id")
            .first()
        )
        applicant = self.user("resident2", waiting.name)
        if (
            waiting.user_id is None
            and not VerificationRequest.objects.filter(user=applicant).exists()
        ):
            VerificationRequest.objects.create(
                user=applicant,
                building=building,
                unit=waiting.household.unit,
                room=waiting.household.room,
                name=waiting.name,
                phone=waiting.phone,
            )
        self.result.accounts.append(self._resident_account(applicant, "resident_pending", building))

    def _resident_account(self, user, role, building):
        return {
            "username": user.username,
            "password": DEMO_PASSWORD,
            "role": role,
            "tier": "resident",
            "node": building.code,
            "name": user.display_name,
        }

    def party(self, kind, name, node):
        self._get_or_create(
            PartyOrganization, {"kind": kind, f"{node.tier.value}": node}, {"name": name}
        )

    def run(self) -> DemoResult:
        county = settings.PORTAL_COUNTY_CODE
        self.post(self.user("county", "余姚市管理员", staff=True), Role.COUNTY_ADMIN, listed=True)
        self.post(self.user("dept", "民政局工作人员"), Role.DEPARTMENT_STAFF, listed=True)
        self._get_or_create(
            HandlingUnit, {"name": "余姚市住房和城乡建设局"}, {"kind": HandlingUnit.Kind.DEPARTMENT}
        )
        for s, (street_name, kind, communities) in enumerate(DEMO_NET, start=1):
            street = self._get_or_create(
                Street, {"code": f"{county}{s:03d}"}, {"name": street_name, "kind": kind}
            )
            listed = s <= 2
            self.post(
                self.user(f"jd{s}", f"{street_name}管理员", staff=True),
                Role.STREET_ADMIN,
                street,
                listed=listed,
            )
            company = self._get_or_create(
                HandlingUnit,
                {"name": f"{street_name[:2]}物业服务有限公司"},
                {"kind": HandlingUnit.Kind.PROPERTY_COMPANY, "street": street},
            )
            self.post(
                self.user(f"wy{s}", f"{company.name}经理"),
                Role.UNIT_STAFF,
                street,
                company,
                listed=s == 1,
            )
            for c, (community_name, community_kind) in enumerate(communities, start=1):
                community = self._get_or_create(
                    Community,
                    {"code": f"{street.code}{c:03d}"},
                    {"name": community_name, "kind": community_kind, "street": street},
                )
                if not community.office_phone:
                    community.office_phone = f"0574-6{s:02d}{c:02d}1234"
                    community.office_address = f"{street_name}{community_name}党群服务中心"
                    community.save(update_fields=["office_phone", "office_address"])
                first = s == 1 and c == 1
                self.party(
                    PartyOrganization.Kind.COMMUNITY_COMMITTEE, f"{community_name}党委", community
                )
                self.post(
                    self.user(f"sj{s}{c}", f"{community_name}书记"),
                    Role.COMMUNITY_SECRETARY,
                    community,
                    listed=first,
                )
                self.post(
                    self.user(f"sg{s}{c}", f"{community_name}社工"),
                    Role.COMMUNITY_WORKER,
                    community,
                    listed=first,
                )
                for g in range(1, GRIDS_PER_COMMUNITY + 1):
                    grid = self._get_or_create(
                        Grid,
                        {"code": f"{community.code}{g:03d}"},
                        {"name": f"{community_name}第{g}网格", "community": community},
                    )
                    first_grid = first and g == 1
                    self.party(PartyOrganization.Kind.GRID_BRANCH, f"{grid.name}党支部", grid)
                    self.post(
                        self.user(f"wg{s}{c}{g}", f"{grid.name}网格员"),
                        Role.GRID_MEMBER,
                        grid,
                        listed=first_grid,
                    )
                    self.post(
                        self.user(f"zb{s}{c}{g}", f"{grid.name}支部书记"),
                        Role.GRID_BRANCH_SECRETARY,
                        grid,
                        listed=first_grid,
                    )
                    for b in range(1, BUILDINGS_PER_GRID + 1):
                        number = (g - 1) * BUILDINGS_PER_GRID + b
                        building = self._get_or_create(
                            Building,
                            {"code": f"{grid.code}{b:03d}"},
                            {
                                "name": f"{number}幢",
                                "grid": grid,
                                "address": f"浙江省余姚市{street_name}{community_name}{number}幢",
                                "units": 2,
                                "floors": 6 + b,
                                "property_company": company,
                                **demo_location(s, c, g, b),
                            },
                        )
                        first_building = first_grid and b == 1
                        self.party(
                            PartyOrganization.Kind.BUILDING_GROUP,
                            f"{community_name}{number}幢党小组",
                            building,
                        )
                        self.post(
                            self.user(f"lz{s}{c}{g}{b}", f"{community_name}{number}幢楼长"),
                            Role.BUILDING_LEADER,
                            building,
                            listed=first_building,
                        )
                        self.post(
                            self.user(f"dxz{s}{c}{g}{b}", f"{community_name}{number}幢党小组长"),
                            Role.PARTY_GROUP_LEADER,
                            building,
                            listed=first_building,
                        )
                        self.people(building, f"{s}{c}{g}{b}")
        self.resident_accounts()
        outsider = self.user("outsider", "无岗位用户")
        self.result.accounts.append(
            {
                "username": outsider.username,
                "password": DEMO_PASSWORD,
                "role": "none",
                "tier": "none",
                "node": "",
                "name": outsider.display_name,
            }
        )
        return self.result


# The modes add their demo data on top of the county: each registers a step in its
# AppConfig.ready() (the net cannot import the apps above it). A step is idempotent, finds
# the demo nodes and accounts in the database, and returns the number of objects it made.
DEMO_STEPS: dict[str, Callable[[], int]] = {}


def register_demo_step(name: str, step: Callable[[], int]) -> None:
    DEMO_STEPS[name] = step


def seed_demo(accounts_file: Path | None = None) -> DemoResult:
    """Create the demo county (idempotent) and write the demo accounts file."""
    if not settings.PORTAL_DEMO:
        raise RuntimeError("The demo county exists only in demo mode (PORTAL_DEMO).")
    with transaction.atomic():
        result = DemoSeeder().run()
        result.created += seed_demo_requests()
        for name in sorted(DEMO_STEPS):
            result.created += DEMO_STEPS[name]()
    path = Path(accounts_file or settings.PORTAL_DEMO_ACCOUNTS_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result.accounts, ensure_ascii=False, indent=2), encoding="utf-8")
    demo_open311_key(path.with_name(DEMO_OPEN311_KEY_FILE))
    return result


DEMO_OPEN311_KEY_NAME = "演示合作方（全市）"
DEMO_OPEN311_KEY_FILE = "demo-open311-key.txt"  # next to the accounts file, in var/


def demo_open311_key(path: Path) -> str:
    """One Open311 partner key bound to the whole county, its plain text kept only in
    ``path``. A second run reuses the key in the file; a missing or stale file gets a
    new key (the old demo key stops working)."""
    plain = path.read_text(encoding="utf-8").strip() if path.exists() else ""
    county = {"street__isnull": True, "community__isnull": True, "name": DEMO_OPEN311_KEY_NAME}
    if plain and Open311Key.objects.for_plain_key(plain).filter(**county).exists():
        return plain
    key = Open311Key.objects.filter(**county).first() or Open311Key(name=DEMO_OPEN311_KEY_NAME)
    plain = key.set_new_key()
    key.is_active = True
    key.save()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(plain + "\n", encoding="utf-8")
    return plain

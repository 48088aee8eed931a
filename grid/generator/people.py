"""Households and residents of one community, with valid fictional ID numbers, and the
party members among them.

ID numbers are unique without a lookup. For one (region, birth date) each community of
the generated county owns one pair of sequence numbers (a female and a male one):
``100 + 2 × ((community slot + date rotation) mod 450) + gender``, where the slot is
``16 × (street − 1) + community − 1``. Rotating by the date spreads the sequences, and so
the last four digits, over 100..999 like real ones (the demo county uses 000..022).
Inside a community a clashing birth date is moved back a day.
"""

import datetime
import random
from dataclasses import dataclass, field

from ..models import Household, PartyMembership, Resident
from ..pii import make_id_number
from .names import SURNAME_CHOICES, SURNAME_WEIGHTS, birth_region, person_name, phone

# Ages are counted from a fixed day, so that ID numbers do not depend on the run's date.
BIRTH_REFERENCE = datetime.date(2025, 1, 1)
SIZES = [1, 2, 3, 4, 5, 6]
SIZE_WEIGHTS = [20, 30, 27, 13, 7, 3]  # mean ≈ 2.7 residents per household
TIERS = ("street_id", "community_id", "grid_id", "building_id")
HOUSEHOLD_COLUMNS = ("id", "unit", "room", "kind", "head_id", "created_at", *TIERS)
RESIDENT_COLUMNS = (
    "id",
    "household_id",
    "name",
    "gender",
    "birth_date",
    "id_number",
    "id_last4",
    "phone",
    "relation",
    "residence_status",
    "political_status",
    "occupation",
    "notes",
    "state",
    "user_id",
    "updated_at",
    *TIERS,
)
MEMBERSHIP_COLUMNS = (
    "resident_id",
    "organization_id",
    "joined_on",
    "status",
    "in_service",
    "workplace",
    *TIERS,
)
OCCUPATIONS_WORKING = [
    "企业职工",
    "个体经营",
    "务农",
    "教师",
    "医护人员",
    "公务员",
    "外卖骑手",
    "快递员",
    "工程师",
    "销售",
    "厨师",
    "司机",
    "保安",
    "家电制造",
    "模具加工",
    "灵活就业",
]
WORKPLACES = [
    "余姚市人民医院党委",
    "舜宇集团党委",
    "余姚市实验学校党总支",
    "市供电公司党委",
    "余姚农商银行党委",
    "市自来水公司党支部",
]
PARTY_SHARE = 0.07  # of all residents (DOMAIN: about 7 %)
ACCOUNT_SHARE = 0.04  # household heads with a resident account


@dataclass
class Person:
    relation: str
    age: int
    male: bool
    surname: str


@dataclass
class People:
    households: list = field(default_factory=list)
    residents: list = field(default_factory=list)
    members: list = field(default_factory=list)  # (resident id, building, joined, status, …)
    accounts: list = field(default_factory=list)  # (resident row index, username, name)
    reporters: dict = field(default_factory=dict)  # building id → [(resident id, row index)]

    def members_by_building(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for member in self.members:
            counts[member[1].id] = counts.get(member[1].id, 0) + 1
        return counts


def household_sizes(rng, households: int, residents: int) -> list[int]:
    sizes = rng.choices(SIZES, weights=SIZE_WEIGHTS, k=households)
    gap = residents - sum(sizes)
    while gap:
        i = rng.randrange(households)
        if gap > 0 and sizes[i] < 8:
            sizes[i] += 1
            gap -= 1
        elif gap < 0 and sizes[i] > 1:
            sizes[i] -= 1
            gap += 1
    return sizes


def _surname(rng):
    return rng.choices(SURNAME_CHOICES, cum_weights=SURNAME_WEIGHTS)[0]


def family(rng, size: int) -> list[Person]:
    """The members of a household: a head, then spouse, children, parents."""
    surname = _surname(rng)
    male = rng.random() < 0.65
    if size == 1:
        age = rng.randint(62, 92) if rng.random() < 0.6 else rng.randint(22, 45)
        return [Person("head", age, male, surname)]
    if size == 2 and rng.random() < 0.3:
        age = rng.randint(48, 82)
        return [
            Person("head", age, male, surname),
            Person("child", max(0, age - rng.randint(22, 34)), rng.random() < 0.5, surname),
        ]
    age = rng.randint(26, 84) if size == 2 else rng.randint(28, 56)
    people = [
        Person("head", age, male, surname),
        Person("spouse", max(20, age + rng.randint(-4, 3)), not male, _surname(rng)),
    ]
    children = min(size - 2, 1 if rng.random() < 0.6 else 2)
    for _ in range(children):
        people.append(
            Person("child", max(0, age - rng.randint(22, 36)), rng.random() < 0.52, surname)
        )
    parent_age = min(96, age + rng.randint(22, 30))
    for i in range(size - len(people)):
        if i < 2:
            people.append(
                Person("parent", parent_age + i, i == 0, surname if i == 0 else _surname(rng))
            )
        else:
            people.append(Person("grandchild", rng.randint(0, 6), rng.random() < 0.5, surname))
    return people


def party_chance(age: int) -> float:
    if age < 18:
        return 0.0
    return 0.04 if age < 30 else 0.085 if age < 60 else 0.13


def generate_people(rng: random.Random, net, plan, street_index: int, now) -> People:
    """Everything about the people of one community, ids not yet reserved: resident
    ``id`` and ``household_id`` are row numbers, replaced by ``assign_ids``."""
    community_slot = 16 * (street_index - 1) + plan.index - 1
    households = sum(b.households for b in net.buildings)
    sizes = iter(household_sizes(rng, households, plan.residents))
    taken: set = set()
    out = People()
    adults = []  # (row index, building, person)
    created = now - datetime.timedelta(days=5 * 365 + 30)
    for building in net.buildings:
        tiers = net.tiers(building.grid_id, building.id)
        slots = sorted(rng.sample(range(building.units * building.floors * 2), building.households))
        reporters = out.reporters.setdefault(building.id, [])
        for slot in slots:
            unit, within = divmod(slot, building.floors * 2)
            room = f"{within // 2 + 1}{within % 2 + 1:02d}"
            kind = rng.choices(["owner", "rented", "collective"], weights=[80, 18, 2])[0]
            household_row = len(out.households)
            head_row = len(out.residents)
            out.households.append([household_row, unit + 1, room, kind, head_row, created, *tiers])
            for person in family(rng, next(sizes)):
                row = _resident(rng, person, household_row, tiers, community_slot, taken, now)
                index = len(out.residents)
                out.residents.append(row)
                if person.age >= 18 and row[13] == "living":
                    reporters.append(index)
                if person.age >= 18:
                    adults.append((index, building, person))
            if rng.random() < ACCOUNT_SHARE:
                username = f"jm{building.code}{unit + 1:02d}{room}"
                out.accounts.append((head_row, username, out.residents[head_row][2]))
    _choose_party_members(rng, out, adults)
    return out


def _choose_party_members(rng, out: People, adults: list):
    """PARTY_SHARE of the community's residents, older adults more likely (a weighted
    sample without replacement: the largest ``u ** (1 / weight)``)."""
    wanted = min(len(adults), round(PARTY_SHARE * len(out.residents)))
    keyed = sorted(adults, key=lambda a: rng.random() ** (1 / party_chance(a[2].age)), reverse=True)
    for index, building, person in sorted(keyed[:wanted], key=lambda a: a[0]):
        out.residents[index][10] = Resident.PoliticalStatus.PARTY_MEMBER
        out.members.append((index, building, *_membership(rng, person)))


def id_sequence(slot: int, region: str, born: datetime.date, male: bool) -> int:
    rotation = (born.toordinal() * 37 + int(region)) % 450
    return 100 + 2 * ((slot + rotation) % 450) + int(male)


def _resident(rng, person: Person, household, tiers, community_slot, taken, now) -> list:
    born = BIRTH_REFERENCE - datetime.timedelta(days=person.age * 365 + rng.randrange(365))
    region = "330281" if person.relation in ("child", "grandchild") else birth_region(rng)
    while (region, born, person.male) in taken:
        born -= datetime.timedelta(days=1)
    taken.add((region, born, person.male))
    number = make_id_number(region, born, id_sequence(community_slot, region, born, person.male))
    gender = "male" if person.male else "female"
    name = person.surname + person_name(rng, born.year, gender, surname="")
    if 14 <= person.age <= 28 and rng.random() < 0.35:
        political = Resident.PoliticalStatus.LEAGUE_MEMBER
    else:
        political = Resident.PoliticalStatus.MASSES
    if person.age < 18:
        occupation = "学生" if person.age >= 6 else ""
    elif person.age >= 62:
        occupation = "退休"
    else:
        occupation = rng.choice(OCCUPATIONS_WORKING)
    status = rng.choices(["registered", "unregistered", "away"], weights=[85, 10, 5])[0]
    state = "living" if rng.random() < 0.98 else "moved_out"
    return [
        None,
        household,
        name,
        gender,
        born,
        number,
        number[-4:],
        phone(rng) if person.age >= 14 else "",
        person.relation,
        status,
        political,
        occupation,
        "",
        state,
        None,
        now,
        *tiers,
    ]


def _membership(rng, person: Person) -> tuple:
    joined_age = rng.randint(18, max(18, min(person.age, 45)))
    joined = BIRTH_REFERENCE - datetime.timedelta(
        days=(person.age - joined_age) * 365 + rng.randrange(365)
    )
    probationary = (BIRTH_REFERENCE - joined).days < 365
    in_service = 22 <= person.age < 60 and rng.random() < 0.15
    return (
        joined,
        PartyMembership.Status.PROBATIONARY if probationary else PartyMembership.Status.FULL,
        in_service,
        rng.choice(WORKPLACES) if in_service else "",
    )


def assign_ids(people: People, household_ids: list[int], resident_ids: list[int], user_ids):
    """Replace row numbers by reserved primary keys, and link the accounts."""
    for row in people.households:
        row[0] = household_ids[row[0]]
        row[4] = resident_ids[row[4]]
    for i, row in enumerate(people.residents):
        row[0] = resident_ids[i]
        row[1] = household_ids[row[1]]
    for (head_row, _, _), user_id in zip(people.accounts, user_ids, strict=True):
        people.residents[head_row][14] = user_id


def membership_rows(people: People, net) -> list[tuple]:
    rows = []
    for index, building, joined, status, in_service, workplace in people.members:
        group = net.group_ids.get(building.id)
        organization = group or net.branch_ids[building.grid_id]
        tiers = net.tiers(building.grid_id, building.id if group else None)
        resident_id = people.residents[index][0]
        rows.append((resident_id, organization, joined, status, in_service, workplace, *tiers))
    return rows


def write_people(writer, people: People, memberships: list[tuple]):
    writer.write(Household, HOUSEHOLD_COLUMNS, [tuple(r) for r in people.households])
    writer.write(Resident, RESIDENT_COLUMNS, [tuple(r) for r in people.residents])
    writer.write(PartyMembership, MEMBERSHIP_COLUMNS, memberships)

"""The roster (台账) import: a workbook that validates is written in one transaction,
households first, then their tags, residents and heads; the same file imported again
changes nothing."""

from django.db import transaction

from ..models import Household, Resident
from .roster import RosterReport, validate_roster

RESIDENT_FIELDS = [
    "name",
    "gender",
    "birth_date",
    "phone",
    "relation",
    "residence_status",
    "political_status",
    "occupation",
    "notes",
]


def _defaults(values: dict) -> dict:
    out = dict(values)
    out["relation"] = out.get("relation") or Resident.Relation.OTHER
    out["residence_status"] = (
        out.get("residence_status") or Resident.ResidenceStatus.REGISTERED_HERE
    )
    out["political_status"] = out.get("political_status") or Resident.PoliticalStatus.MASSES
    return out


@transaction.atomic
def import_roster(file, user) -> RosterReport:
    """Validate ``file`` and, if every row is good, import it in one transaction."""
    report, rows = validate_roster(file, user)
    if not report.ok:
        return report
    building_ids = {row.building.pk for row in rows}
    households = {
        (h.building_id, h.unit, h.room): h
        for h in Household.objects.filter(building_id__in=building_ids).prefetch_related("tags")
    }
    new_households = []
    for row in rows:
        key = (row.building.pk, row.unit, row.room)
        if key not in households:
            household = Household(
                building=row.building,
                grid_id=row.building.grid_id,
                community_id=row.building.community_id,
                street_id=row.building.street_id,
                unit=row.unit,
                room=row.room,
                kind=row.household_kind or Household.Kind.OWNER_OCCUPIED,
            )
            households[key] = household
            new_households.append(household)
    Household.objects.bulk_create(new_households, batch_size=500)
    report.households_created = len(new_households)
    changed_households = []
    tag_sets = {}
    for row in rows:
        household = households[(row.building.pk, row.unit, row.room)]
        if (
            row.household_kind
            and household.kind != row.household_kind
            and household not in new_households
        ):
            household.kind = row.household_kind
            changed_households.append(household)
        if row.tags is not None:
            tag_sets.setdefault(household.pk, set()).update(t.pk for t in row.tags)
    if changed_households:
        Household.objects.bulk_update(set(changed_households), ["kind"])
    if tag_sets:
        through = Household.tags.through
        current = set(
            through.objects.filter(household_id__in=tag_sets).values_list(
                "household_id", "householdtag_id"
            )
        )
        wanted = {(h, t) for h, ts in tag_sets.items() for t in ts}
        for household_id, tag_id in current - wanted:
            through.objects.filter(household_id=household_id, householdtag_id=tag_id).delete()
        through.objects.bulk_create(
            [through(household_id=h, householdtag_id=t) for h, t in sorted(wanted - current)]
        )

    numbers = [row.values["id_number"] for row in rows]
    existing = {}
    for start in range(0, len(numbers), 900):
        for resident in Resident.objects.filter(id_number__in=numbers[start : start + 900]):
            existing[resident.id_number] = resident
    created, updated = [], []
    heads = {}
    for row in rows:
        household = households[(row.building.pk, row.unit, row.room)]
        values = _defaults(row.values)
        resident = existing.get(values["id_number"])
        if resident is None:
            resident = Resident(
                household=household,
                building_id=row.building.pk,
                grid_id=row.building.grid_id,
                community_id=row.building.community_id,
                street_id=row.building.street_id,
                id_number=values["id_number"],
                id_last4=values["id_number"][-4:],
                **{f: values[f] for f in RESIDENT_FIELDS},
            )
            created.append(resident)
        else:
            changes = {f: values[f] for f in RESIDENT_FIELDS if getattr(resident, f) != values[f]}
            if changes:
                for name, value in changes.items():
                    setattr(resident, name, value)
                updated.append(resident)
            else:
                report.residents_unchanged += 1
        if values["relation"] == Resident.Relation.HEAD:
            heads[household] = resident
    Resident.objects.bulk_create(created, batch_size=500)
    if updated:
        Resident.objects.bulk_update(updated, RESIDENT_FIELDS, batch_size=500)
    report.residents_created, report.residents_updated = len(created), len(updated)
    new_heads = []
    for household, head in heads.items():
        if household.head_id != head.pk:
            household.head = head
            new_heads.append(household)
    if new_heads:
        Household.objects.bulk_update(new_heads, ["head"], batch_size=500)
    return report

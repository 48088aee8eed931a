"""Tiers, roles and the permissions each role grants on the models of the net.

A post holds one role on one node; the role's permissions apply to every object whose
tier column for that node's tier equals the node (see ``grid/scoping.py``). The grants
below are installed into ``RolePermission`` by a data migration and can be edited in
the admin afterwards.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    COUNTY = "county", _("County")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")
    GRID = "grid", _("Grid")
    BUILDING = "building", _("Building")


# From the top of the tree to the bottom; the index is the depth.
TIER_ORDER = [Tier.COUNTY, Tier.STREET, Tier.COMMUNITY, Tier.GRID, Tier.BUILDING]
NODE_TIERS = TIER_ORDER[1:]


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", _("County admin")
    DEPARTMENT_STAFF = "department_staff", _("Department staff")
    STREET_ADMIN = "street_admin", _("Street admin")
    COMMUNITY_SECRETARY = "community_secretary", _("Community secretary")
    COMMUNITY_WORKER = "community_worker", _("Community worker")
    GRID_MEMBER = "grid_member", _("Grid member")
    GRID_BRANCH_SECRETARY = "grid_branch_secretary", _("Grid branch secretary")
    BUILDING_LEADER = "building_leader", _("Building leader")
    PARTY_GROUP_LEADER = "party_group_leader", _("Building party group leader")
    UNIT_STAFF = "unit_staff", _("Handling unit staff")


ROLE_TIER = {
    Role.COUNTY_ADMIN: Tier.COUNTY,
    Role.DEPARTMENT_STAFF: Tier.COUNTY,
    Role.STREET_ADMIN: Tier.STREET,
    Role.COMMUNITY_SECRETARY: Tier.COMMUNITY,
    Role.COMMUNITY_WORKER: Tier.COMMUNITY,
    Role.GRID_MEMBER: Tier.GRID,
    Role.GRID_BRANCH_SECRETARY: Tier.GRID,
    Role.BUILDING_LEADER: Tier.BUILDING,
    Role.PARTY_GROUP_LEADER: Tier.BUILDING,
    # Staff of a handling unit hold their post where the unit is attached (county,
    # street or community): None means "the tier of the post's node".
    Role.UNIT_STAFF: None,
}

# Roles whose holders work in Django admin.
STAFF_ROLES = {Role.COUNTY_ADMIN, Role.STREET_ADMIN}


class GridPerm(StrEnum):
    VIEW_STREET = "grid.view_street"
    ADD_STREET = "grid.add_street"
    CHANGE_STREET = "grid.change_street"
    DELETE_STREET = "grid.delete_street"
    VIEW_COMMUNITY = "grid.view_community"
    ADD_COMMUNITY = "grid.add_community"
    CHANGE_COMMUNITY = "grid.change_community"
    DELETE_COMMUNITY = "grid.delete_community"
    VIEW_GRID = "grid.view_grid"
    ADD_GRID = "grid.add_grid"
    CHANGE_GRID = "grid.change_grid"
    DELETE_GRID = "grid.delete_grid"
    VIEW_BUILDING = "grid.view_building"
    ADD_BUILDING = "grid.add_building"
    CHANGE_BUILDING = "grid.change_building"
    DELETE_BUILDING = "grid.delete_building"
    VIEW_HANDLINGUNIT = "grid.view_handlingunit"
    ADD_HANDLINGUNIT = "grid.add_handlingunit"
    CHANGE_HANDLINGUNIT = "grid.change_handlingunit"
    DELETE_HANDLINGUNIT = "grid.delete_handlingunit"
    VIEW_PARTYORGANIZATION = "grid.view_partyorganization"
    ADD_PARTYORGANIZATION = "grid.add_partyorganization"
    CHANGE_PARTYORGANIZATION = "grid.change_partyorganization"
    DELETE_PARTYORGANIZATION = "grid.delete_partyorganization"
    VIEW_POST = "grid.view_post"
    ADD_POST = "grid.add_post"
    CHANGE_POST = "grid.change_post"
    DELETE_POST = "grid.delete_post"
    VIEW_ROLEPERMISSION = "grid.view_rolepermission"
    ADD_ROLEPERMISSION = "grid.add_rolepermission"
    CHANGE_ROLEPERMISSION = "grid.change_rolepermission"
    DELETE_ROLEPERMISSION = "grid.delete_rolepermission"


class PeoplePerm(StrEnum):
    VIEW_HOUSEHOLD = "grid.view_household"
    ADD_HOUSEHOLD = "grid.add_household"
    CHANGE_HOUSEHOLD = "grid.change_household"
    DELETE_HOUSEHOLD = "grid.delete_household"
    VIEW_RESIDENT = "grid.view_resident"
    ADD_RESIDENT = "grid.add_resident"
    CHANGE_RESIDENT = "grid.change_resident"
    REVEAL_RESIDENT_PII = "grid.reveal_resident_pii"
    IMPORT_ROSTER = "grid.import_roster"
    EXPORT_ROSTER = "grid.export_roster"
    VIEW_PARTYMEMBERSHIP = "grid.view_partymembership"
    ADD_PARTYMEMBERSHIP = "grid.add_partymembership"
    CHANGE_PARTYMEMBERSHIP = "grid.change_partymembership"
    VIEW_MOVEMENT = "grid.view_movement"
    ADD_MOVEMENT = "grid.add_movement"
    VIEW_VERIFICATIONREQUEST = "grid.view_verificationrequest"
    CHANGE_VERIFICATIONREQUEST = "grid.change_verificationrequest"
    VIEW_HOUSEHOLDTAG = "grid.view_householdtag"
    ADD_HOUSEHOLDTAG = "grid.add_householdtag"
    CHANGE_HOUSEHOLDTAG = "grid.change_householdtag"
    VIEW_PERSONALDATAACCESS = "grid.view_personaldataaccess"


class RequestPerm(StrEnum):
    VIEW_SERVICEREQUEST = "grid.view_servicerequest"
    ADD_SERVICEREQUEST = "grid.add_servicerequest"
    CHANGE_SERVICEREQUEST = "grid.change_servicerequest"
    VIEW_CATEGORY = "grid.view_category"
    ADD_CATEGORY = "grid.add_category"
    CHANGE_CATEGORY = "grid.change_category"
    VIEW_CALENDARDAY = "workdays.view_calendarday"
    ADD_CALENDARDAY = "workdays.add_calendarday"
    CHANGE_CALENDARDAY = "workdays.change_calendarday"
    DELETE_CALENDARDAY = "workdays.delete_calendarday"


class Open311Perm(StrEnum):
    VIEW_OPEN311KEY = "grid.view_open311key"
    ADD_OPEN311KEY = "grid.add_open311key"
    CHANGE_OPEN311KEY = "grid.change_open311key"
    DELETE_OPEN311KEY = "grid.delete_open311key"


class NotifyPerm(StrEnum):
    # The outbox and everyone's inbox, read in admin by the county (phones masked).
    VIEW_OUTBOXMESSAGE = "notify.view_outboxmessage"
    VIEW_NOTIFICATION = "notify.view_notification"


class RulePerm(StrEnum):
    # The rule parameters (core.rules), kept by the county; their history is read-only.
    VIEW_RULEVALUE = "rules.view_rulevalue"
    ADD_RULEVALUE = "rules.add_rulevalue"
    CHANGE_RULEVALUE = "rules.change_rulevalue"
    DELETE_RULEVALUE = "rules.delete_rulevalue"
    VIEW_RULECHANGE = "rules.view_rulechange"


# Nobody deletes residents, movements or the access log: they change state instead.
_ALL = (
    set(GridPerm)
    | set(PeoplePerm)
    | set(RequestPerm)
    | set(Open311Perm)
    | set(NotifyPerm)
    | set(RulePerm)
)
_VIEW_PEOPLE = {
    PeoplePerm.VIEW_HOUSEHOLD,
    PeoplePerm.VIEW_RESIDENT,
    PeoplePerm.VIEW_PARTYMEMBERSHIP,
    PeoplePerm.VIEW_MOVEMENT,
}
_KEEP_ROSTER = _VIEW_PEOPLE | {
    PeoplePerm.ADD_HOUSEHOLD,
    PeoplePerm.CHANGE_HOUSEHOLD,
    PeoplePerm.ADD_RESIDENT,
    PeoplePerm.CHANGE_RESIDENT,
    PeoplePerm.ADD_MOVEMENT,
    PeoplePerm.REVEAL_RESIDENT_PII,
    PeoplePerm.EXPORT_ROSTER,
    PeoplePerm.VIEW_VERIFICATIONREQUEST,
    PeoplePerm.CHANGE_VERIFICATIONREQUEST,
}
_HANDLE_REQUESTS = {
    RequestPerm.VIEW_SERVICEREQUEST,
    RequestPerm.ADD_SERVICEREQUEST,
    RequestPerm.CHANGE_SERVICEREQUEST,
}
_KEEP_PARTY = {
    PeoplePerm.VIEW_PARTYMEMBERSHIP,
    PeoplePerm.ADD_PARTYMEMBERSHIP,
    PeoplePerm.CHANGE_PARTYMEMBERSHIP,
}
_VIEW_NET = {
    GridPerm.VIEW_STREET,
    GridPerm.VIEW_COMMUNITY,
    GridPerm.VIEW_GRID,
    GridPerm.VIEW_BUILDING,
    GridPerm.VIEW_HANDLINGUNIT,
    GridPerm.VIEW_PARTYORGANIZATION,
    GridPerm.VIEW_POST,
}
_BELOW_STREET = {
    GridPerm.ADD_COMMUNITY,
    GridPerm.CHANGE_COMMUNITY,
    GridPerm.DELETE_COMMUNITY,
    GridPerm.ADD_GRID,
    GridPerm.CHANGE_GRID,
    GridPerm.DELETE_GRID,
    GridPerm.ADD_BUILDING,
    GridPerm.CHANGE_BUILDING,
    GridPerm.DELETE_BUILDING,
    GridPerm.ADD_HANDLINGUNIT,
    GridPerm.CHANGE_HANDLINGUNIT,
    GridPerm.DELETE_HANDLINGUNIT,
    GridPerm.ADD_PARTYORGANIZATION,
    GridPerm.CHANGE_PARTYORGANIZATION,
    GridPerm.DELETE_PARTYORGANIZATION,
    GridPerm.ADD_POST,
    GridPerm.CHANGE_POST,
    GridPerm.DELETE_POST,
}
_COMMUNITY_MANAGE = {
    GridPerm.CHANGE_COMMUNITY,
    GridPerm.ADD_GRID,
    GridPerm.CHANGE_GRID,
    GridPerm.ADD_BUILDING,
    GridPerm.CHANGE_BUILDING,
    GridPerm.ADD_HANDLINGUNIT,
    GridPerm.CHANGE_HANDLINGUNIT,
    GridPerm.ADD_PARTYORGANIZATION,
    GridPerm.CHANGE_PARTYORGANIZATION,
    GridPerm.ADD_POST,
    GridPerm.CHANGE_POST,
    GridPerm.DELETE_POST,
}

# Seeing ID numbers and phones whole (each time logged) is for the posts that keep the
# roster: community offices and grid members. Street and county admins see masks; a
# county admin may grant more in RolePermission.
ROLE_PERMISSIONS: dict[Role, set[str]] = {
    Role.COUNTY_ADMIN: _ALL - {PeoplePerm.REVEAL_RESIDENT_PII},
    Role.DEPARTMENT_STAFF: {GridPerm.VIEW_STREET, GridPerm.VIEW_COMMUNITY},
    Role.STREET_ADMIN: _VIEW_NET
    | _BELOW_STREET
    | {GridPerm.CHANGE_STREET}
    | _VIEW_PEOPLE
    | {PeoplePerm.VIEW_VERIFICATIONREQUEST, PeoplePerm.EXPORT_ROSTER}
    | _HANDLE_REQUESTS
    | {Open311Perm.VIEW_OPEN311KEY, Open311Perm.ADD_OPEN311KEY, Open311Perm.CHANGE_OPEN311KEY},
    Role.COMMUNITY_SECRETARY: _VIEW_NET
    | _COMMUNITY_MANAGE
    | _KEEP_ROSTER
    | _KEEP_PARTY
    | {PeoplePerm.IMPORT_ROSTER}
    | _HANDLE_REQUESTS,
    Role.COMMUNITY_WORKER: _VIEW_NET
    | {GridPerm.CHANGE_BUILDING}
    | _KEEP_ROSTER
    | {PeoplePerm.IMPORT_ROSTER}
    | _HANDLE_REQUESTS,
    Role.GRID_MEMBER: _VIEW_NET | {GridPerm.CHANGE_BUILDING} | _KEEP_ROSTER | _HANDLE_REQUESTS,
    Role.GRID_BRANCH_SECRETARY: _VIEW_NET
    | {GridPerm.CHANGE_PARTYORGANIZATION}
    | _VIEW_PEOPLE
    | _KEEP_PARTY,
    Role.BUILDING_LEADER: _VIEW_NET
    | _VIEW_PEOPLE
    | {PeoplePerm.VIEW_VERIFICATIONREQUEST, PeoplePerm.CHANGE_VERIFICATIONREQUEST}
    | {RequestPerm.VIEW_SERVICEREQUEST, RequestPerm.ADD_SERVICEREQUEST},
    Role.PARTY_GROUP_LEADER: _VIEW_NET | {PeoplePerm.VIEW_PARTYMEMBERSHIP},
    Role.UNIT_STAFF: set(),
}


def post_tier(role: str, street_id, community_id, grid_id, building_id) -> Tier:
    """The tier a post of ``role`` acts on: the role's own, or for a role bound to no
    tier, the most specific node the post is on."""
    tier = ROLE_TIER[Role(role)]
    if tier is not None:
        return tier
    for candidate, node_id in (
        (Tier.BUILDING, building_id),
        (Tier.GRID, grid_id),
        (Tier.COMMUNITY, community_id),
        (Tier.STREET, street_id),
    ):
        if node_id is not None:
            return candidate
    return Tier.COUNTY

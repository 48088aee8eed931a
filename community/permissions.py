"""The permissions of community life and the roles that hold them (installed into
``grid.RolePermission`` by the data migration ``0002_appointment_defaults``)."""

from enum import StrEnum

from grid.permissions import Role


class AppointmentPerm(StrEnum):
    VIEW_SLOT = "community.view_appointmentslot"
    ADD_SLOT = "community.add_appointmentslot"
    CHANGE_SLOT = "community.change_appointmentslot"
    VIEW_APPOINTMENT = "community.view_appointment"
    CHANGE_APPOINTMENT = "community.change_appointment"


_VIEW = {AppointmentPerm.VIEW_SLOT, AppointmentPerm.VIEW_APPOINTMENT}
_KEEP = set(AppointmentPerm)

ROLE_PERMISSIONS: dict[Role, set[str]] = {
    Role.COUNTY_ADMIN: _VIEW,
    Role.STREET_ADMIN: _KEEP,
    Role.COMMUNITY_SECRETARY: _KEEP,
    Role.COMMUNITY_WORKER: _KEEP,
}


class NoticePerm(StrEnum):
    VIEW_NOTICE = "community.view_notice"
    ADD_NOTICE = "community.add_notice"
    CHANGE_NOTICE = "community.change_notice"


# Every post on the net reads the notices of its nodes; the offices publish them.
_NOTICE_READ = {NoticePerm.VIEW_NOTICE}
_NOTICE_KEEP = set(NoticePerm)

NOTICE_ROLE_PERMISSIONS: dict[Role, set[str]] = {
    Role.COUNTY_ADMIN: _NOTICE_KEEP,
    Role.STREET_ADMIN: _NOTICE_KEEP,
    Role.COMMUNITY_SECRETARY: _NOTICE_KEEP,
    Role.COMMUNITY_WORKER: _NOTICE_KEEP,
    Role.GRID_MEMBER: _NOTICE_READ,
    Role.GRID_BRANCH_SECRETARY: _NOTICE_READ,
    Role.BUILDING_LEADER: _NOTICE_READ,
    Role.PARTY_GROUP_LEADER: _NOTICE_READ,
}
for _role, _perms in NOTICE_ROLE_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS.get(_role, set()) | _perms


class BoardPerm(StrEnum):
    VIEW_POST = "community.view_boardpost"
    CHANGE_POST = "community.change_boardpost"  # answer and hide


BOARD_ROLE_PERMISSIONS: dict[Role, set[str]] = {
    Role.COUNTY_ADMIN: {BoardPerm.VIEW_POST},
    Role.STREET_ADMIN: set(BoardPerm),
    Role.COMMUNITY_SECRETARY: set(BoardPerm),
    Role.COMMUNITY_WORKER: set(BoardPerm),
    Role.GRID_MEMBER: {BoardPerm.VIEW_POST},
}
for _role, _perms in BOARD_ROLE_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS.get(_role, set()) | _perms


class EmergencyPerm(StrEnum):
    VIEW_EMERGENCY = "community.view_emergency"
    ADD_EMERGENCY = "community.add_emergency"  # open
    CHANGE_EMERGENCY = "community.change_emergency"  # close
    VIEW_ANSWER = "community.view_rollcallanswer"  # coverage and who has not answered
    CHANGE_ANSWER = "community.change_rollcallanswer"  # answer for a household


_EMERGENCY_FOLLOW = {EmergencyPerm.VIEW_EMERGENCY, EmergencyPerm.VIEW_ANSWER}
_EMERGENCY_CALL = _EMERGENCY_FOLLOW | {EmergencyPerm.CHANGE_ANSWER}

EMERGENCY_ROLE_PERMISSIONS: dict[Role, set[str]] = {
    Role.COUNTY_ADMIN: _EMERGENCY_FOLLOW,
    Role.STREET_ADMIN: set(EmergencyPerm),
    Role.COMMUNITY_SECRETARY: set(EmergencyPerm),
    Role.COMMUNITY_WORKER: set(EmergencyPerm),
    Role.GRID_MEMBER: _EMERGENCY_CALL,
    Role.GRID_BRANCH_SECRETARY: _EMERGENCY_FOLLOW,
    Role.BUILDING_LEADER: _EMERGENCY_CALL,
    Role.PARTY_GROUP_LEADER: _EMERGENCY_FOLLOW,
}
for _role, _perms in EMERGENCY_ROLE_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS.get(_role, set()) | _perms


class GroupPerm(StrEnum):
    VIEW_GROUP = "community.view_interestgroup"
    CHANGE_GROUP = "community.change_interestgroup"  # hide posts, close a group


GROUP_ROLE_PERMISSIONS: dict[Role, set[str]] = {
    Role.COUNTY_ADMIN: {GroupPerm.VIEW_GROUP},
    Role.STREET_ADMIN: set(GroupPerm),
    Role.COMMUNITY_SECRETARY: set(GroupPerm),
    Role.COMMUNITY_WORKER: set(GroupPerm),
    Role.GRID_MEMBER: {GroupPerm.VIEW_GROUP},
}
for _role, _perms in GROUP_ROLE_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS.get(_role, set()) | _perms


class UnitPerm(StrEnum):
    VIEW_UNIT = "community.view_unit"
    ADD_UNIT = "community.add_unit"
    CHANGE_UNIT = "community.change_unit"  # act for the unit (its staff: a guardian grant)
    VIEW_RESOURCE = "community.view_unitresource"
    VIEW_PROJECT = "community.view_unitproject"
    VIEW_NEED = "community.view_communityneed"
    ADD_NEED = "community.add_communityneed"
    CHANGE_NEED = "community.change_communityneed"
    VIEW_COMMITMENT = "community.view_commitment"
    CHANGE_COMMITMENT = "community.change_commitment"
    VIEW_REQUEST = "community.view_resourcerequest"
    CHANGE_REQUEST = "community.change_resourcerequest"


# What a unit's own staff hold on their unit (a guardian grant, UnitUserGrant).
UNIT_STAFF_GRANT = (UnitPerm.VIEW_UNIT, UnitPerm.CHANGE_UNIT)

_UNIT_READ = {p for p in UnitPerm if ".view_" in p}
UNIT_ROLE_PERMISSIONS: dict[Role, set[str]] = {
    Role.COUNTY_ADMIN: _UNIT_READ,
    Role.STREET_ADMIN: set(UnitPerm),
    Role.COMMUNITY_SECRETARY: set(UnitPerm),
    Role.COMMUNITY_WORKER: set(UnitPerm),
    Role.GRID_MEMBER: _UNIT_READ - {UnitPerm.VIEW_REQUEST},
    # A unit's staff read their community's directory, needs and commitments (the
    # requests to their own unit come through the unit: community.querysets).
    Role.UNIT_STAFF: _UNIT_READ - {UnitPerm.VIEW_REQUEST},
}
for _role, _perms in UNIT_ROLE_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS.get(_role, set()) | _perms

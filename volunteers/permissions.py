"""The permissions of volunteer service and the roles that hold them (installed into
``grid.RolePermission`` by the data migration ``0002_defaults``). A team leader holds
``TEAM_LEADER`` on their own team through a guardian grant (``TeamUserGrant``)."""

from enum import StrEnum

from grid.permissions import Role


class VolunteerPerm(StrEnum):
    VIEW_TEAM = "volunteers.view_team"
    ADD_TEAM = "volunteers.add_team"
    CHANGE_TEAM = "volunteers.change_team"
    VIEW_VOLUNTEER = "volunteers.view_volunteer"
    CHANGE_VOLUNTEER = "volunteers.change_volunteer"
    VIEW_MEMBERSHIP = "volunteers.view_membership"
    CHANGE_MEMBERSHIP = "volunteers.change_membership"
    VIEW_ACTIVITY = "volunteers.view_activity"
    ADD_ACTIVITY = "volunteers.add_activity"
    CHANGE_ACTIVITY = "volunteers.change_activity"
    VIEW_SHIFT = "volunteers.view_shift"
    CHANGE_SHIFT = "volunteers.change_shift"
    VIEW_SIGNUP = "volunteers.view_signup"
    CHANGE_SIGNUP = "volunteers.change_signup"
    VIEW_HOURS = "volunteers.view_hourentry"
    CHANGE_HOURS = "volunteers.change_hourentry"
    VIEW_CORRECTION = "volunteers.view_correction"
    CHANGE_CORRECTION = "volunteers.change_correction"
    VIEW_NOTE = "volunteers.view_recordnote"
    ADD_NOTE = "volunteers.add_recordnote"
    VIEW_CERTIFICATE = "volunteers.view_recordcertificate"
    VIEW_TIMEBANK = "volunteers.view_timebankentry"
    ADD_TIMEBANK = "volunteers.add_timebankentry"
    VIEW_REPORT = "volunteers.view_memberreport"
    CHANGE_REPORT = "volunteers.change_memberreport"
    VIEW_NEED = "volunteers.view_need"
    ADD_NEED = "volunteers.add_need"
    CHANGE_NEED = "volunteers.change_need"
    VIEW_NEED_CLAIM = "volunteers.view_needclaim"
    CHANGE_NEED_CLAIM = "volunteers.change_needclaim"
    VIEW_WISH = "volunteers.view_wish"
    CHANGE_WISH = "volunteers.change_wish"
    VIEW_MOBILISATION = "volunteers.view_mobilisation"
    ADD_MOBILISATION = "volunteers.add_mobilisation"
    CHANGE_MOBILISATION = "volunteers.change_mobilisation"
    VIEW_NOMINATION = "volunteers.view_nomination"
    ADD_NOMINATION = "volunteers.add_nomination"


# What a team leader may do on their own team (a guardian grant on the team).
TEAM_LEADER = (VolunteerPerm.VIEW_TEAM, VolunteerPerm.CHANGE_TEAM)

_VIEW = {p for p in VolunteerPerm if ".view_" in p}
_KEEP = set(VolunteerPerm)
_NET = {
    VolunteerPerm.VIEW_TEAM,
    VolunteerPerm.VIEW_ACTIVITY,
    VolunteerPerm.VIEW_SHIFT,
    VolunteerPerm.VIEW_VOLUNTEER,
    VolunteerPerm.VIEW_NEED,
    VolunteerPerm.VIEW_WISH,
    # In an emergency the grid's posts follow the coverage and nominate for households.
    VolunteerPerm.VIEW_MOBILISATION,
    VolunteerPerm.VIEW_NOMINATION,
    VolunteerPerm.ADD_NOMINATION,
}

ROLE_PERMISSIONS: dict[Role, set[str]] = {
    Role.COUNTY_ADMIN: _VIEW,
    Role.STREET_ADMIN: _KEEP,
    Role.COMMUNITY_SECRETARY: _KEEP,
    Role.COMMUNITY_WORKER: _KEEP,
    Role.GRID_MEMBER: _NET,
    Role.GRID_BRANCH_SECRETARY: _NET,
    Role.BUILDING_LEADER: _NET,
}

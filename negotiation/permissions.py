"""The permissions of residents' consultation and the roles that hold them (installed
into ``grid.RolePermission`` by the data migration ``0002_defaults``).

The residents' supervision committee (居务监督委员会) holds no post: its members are given
``negotiation.countersign_vote`` as a user or group permission, and countersign what they
can see (tallies, minutes and acceptance)."""

from enum import StrEnum

from grid.permissions import Role


class ConsultationPerm(StrEnum):
    VIEW_TOPIC = "negotiation.view_topic"
    CHANGE_TOPIC = "negotiation.change_topic"  # review: accept, merge, refer, reject
    VIEW_MEETING = "negotiation.view_meeting"
    ADD_MEETING = "negotiation.add_meeting"  # convene
    CHANGE_MEETING = "negotiation.change_meeting"  # sign-ins, minutes
    VIEW_VOTE = "negotiation.view_vote"
    ADD_VOTE = "negotiation.add_vote"
    CHANGE_VOTE = "negotiation.change_vote"  # open, paper entries, close, tally
    VIEW_RESOLUTION = "negotiation.view_resolution"
    ADD_RESOLUTION = "negotiation.add_resolution"
    CHANGE_RESOLUTION = "negotiation.change_resolution"  # answers, tasks, milestones
    VIEW_AREA = "negotiation.view_householdarea"
    ADD_AREA = "negotiation.add_householdarea"
    CHANGE_AREA = "negotiation.change_householdarea"


COUNTERSIGN = "negotiation.countersign_vote"

_VIEW = {p for p in ConsultationPerm if ".view_" in p}
_KEEP = set(ConsultationPerm)
_NET = {
    ConsultationPerm.VIEW_TOPIC,
    ConsultationPerm.VIEW_MEETING,
    ConsultationPerm.VIEW_VOTE,
    ConsultationPerm.VIEW_RESOLUTION,
}

ROLE_PERMISSIONS: dict[Role, set[str]] = {
    Role.COUNTY_ADMIN: _VIEW,
    Role.STREET_ADMIN: _KEEP,
    Role.COMMUNITY_SECRETARY: _KEEP,
    Role.COMMUNITY_WORKER: _KEEP,
    Role.GRID_MEMBER: _NET,
    Role.GRID_BRANCH_SECRETARY: _NET,
    Role.BUILDING_LEADER: _NET,
    Role.PARTY_GROUP_LEADER: _NET,
}

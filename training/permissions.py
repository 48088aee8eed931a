"""The permissions of training and the roles that hold them (installed into
``grid.RolePermission`` by the data migration ``0002_defaults``)."""

from enum import StrEnum

from grid.permissions import Role


class TrainingPerm(StrEnum):
    VIEW_COURSE = "training.view_course"
    ADD_COURSE = "training.add_course"
    CHANGE_COURSE = "training.change_course"
    VIEW_SESSION = "training.view_session"
    ADD_SESSION = "training.add_session"
    CHANGE_SESSION = "training.change_session"
    VIEW_ENROLMENT = "training.view_enrolment"
    CHANGE_ENROLMENT = "training.change_enrolment"
    VIEW_ATTENDANCE = "training.view_attendance"
    CHANGE_ATTENDANCE = "training.change_attendance"
    VIEW_COMPLIANCE = "training.view_compliance"
    VIEW_QUALIFICATION = "training.view_qualification"
    ADD_QUALIFICATION = "training.add_qualification"
    CHANGE_QUALIFICATION = "training.change_qualification"
    VIEW_GRADE = "training.view_graderecord"
    ADD_GRADE = "training.add_graderecord"
    VIEW_NOMINATION = "training.view_nomination"
    ADD_NOMINATION = "training.add_nomination"
    CHANGE_NOMINATION = "training.change_nomination"
    VIEW_CAMPAIGN = "training.view_campaign"
    ADD_CAMPAIGN = "training.add_campaign"
    CHANGE_CAMPAIGN = "training.change_campaign"
    VIEW_RATING = "training.view_rating"


_VIEW = {p for p in TrainingPerm if ".view_" in p}
_KEEP = set(TrainingPerm)

# The county, the streets and the community secretaries organise and keep the archive;
# a community worker reads the community's; everyone reads their own (self_access).
ROLE_PERMISSIONS: dict[Role, set[str]] = {
    Role.COUNTY_ADMIN: _KEEP,
    Role.STREET_ADMIN: _KEEP,
    Role.COMMUNITY_SECRETARY: _KEEP,
    Role.COMMUNITY_WORKER: _VIEW,
}

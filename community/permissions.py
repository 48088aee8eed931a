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

"""Permissions of the portal app that roles grant."""

from enum import StrEnum

from grid.permissions import Role


class PortalPerm(StrEnum):
    VIEW_USER = "yuyao_portal.view_user"
    ADD_USER = "yuyao_portal.add_user"
    CHANGE_USER = "yuyao_portal.change_user"
    VIEW_AUDITEVENT = "yuyao_portal.view_auditevent"


ROLE_PERMISSIONS = {Role.COUNTY_ADMIN: set(PortalPerm)}

"""The models of the net (``net``) and of the people on it (``people``)."""

from .net import (
    Building,
    BuildingGroupGrant,
    BuildingUserGrant,
    Community,
    Grid,
    HandlingUnit,
    NetNode,
    PartyOrganization,
    Post,
    RolePermission,
    Street,
)
from .notify import Notification, OutboxMessage
from .open311 import Open311Key, Open311Submission
from .people import (
    Household,
    HouseholdTag,
    Movement,
    PartyMembership,
    PersonalDataAccess,
    Resident,
    VerificationCode,
    VerificationRequest,
)
from .requests import (
    CalendarDay,
    Category,
    LimitUnit,
    RequestEvent,
    ServiceRequest,
    ServiceRequestUserGrant,
)

__all__ = [
    "Notification",
    "OutboxMessage",
    "Open311Key",
    "Open311Submission",
    "CalendarDay",
    "Category",
    "LimitUnit",
    "RequestEvent",
    "ServiceRequest",
    "ServiceRequestUserGrant",
    "Building",
    "BuildingGroupGrant",
    "BuildingUserGrant",
    "Community",
    "Grid",
    "HandlingUnit",
    "Household",
    "HouseholdTag",
    "Movement",
    "NetNode",
    "PartyMembership",
    "PartyOrganization",
    "PersonalDataAccess",
    "Post",
    "Resident",
    "RolePermission",
    "Street",
    "VerificationCode",
    "VerificationRequest",
]

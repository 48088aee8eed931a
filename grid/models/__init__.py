"""The models of the net (``net``) and of the people on it (``people``)."""

from .approvals import RequestApplication
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
from .photos import RequestPhoto
from .public import RequestSupport
from .requests import (
    Category,
    LimitUnit,
    RequestEvent,
    ServiceRequest,
    ServiceRequestUserGrant,
)
from .visits import ReturnVisit

__all__ = [
    "Open311Key",
    "RequestApplication",
    "Open311Submission",
    "Category",
    "LimitUnit",
    "RequestEvent",
    "RequestPhoto",
    "RequestSupport",
    "ReturnVisit",
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

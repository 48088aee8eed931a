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

__all__ = [
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

"""The models of volunteer service (issue 13): ``service`` holds teams, volunteers,
activities, shifts, sign-ups, hours, corrections, record notes and certificates and the
time bank; ``members`` the in-service party members' reports, the needs list and small
wishes (在职党员双报到); ``mobilisation`` the households' volunteers in an emergency."""

from .members import MAX_NEED_PLACES, MemberReport, Need, NeedClaim, Wish, WishEvent
from .mobilisation import Mobilisation, Nomination
from .service import (
    MAX_CAPACITY,
    OWN,
    PUBLISHED,
    Activity,
    ActivityTag,
    Correction,
    HourEntry,
    HourEvent,
    Membership,
    RecordCertificate,
    RecordNote,
    Shift,
    SignUp,
    SignUpEvent,
    Tag,
    Team,
    TeamUserGrant,
    TimeBankEntry,
    Volunteer,
)

__all__ = [
    "Activity",
    "ActivityTag",
    "Correction",
    "HourEntry",
    "HourEvent",
    "MAX_CAPACITY",
    "MAX_NEED_PLACES",
    "MemberReport",
    "Mobilisation",
    "Membership",
    "Need",
    "NeedClaim",
    "Nomination",
    "OWN",
    "PUBLISHED",
    "RecordCertificate",
    "RecordNote",
    "Shift",
    "SignUp",
    "SignUpEvent",
    "Tag",
    "Team",
    "TeamUserGrant",
    "TimeBankEntry",
    "Volunteer",
    "Wish",
    "WishEvent",
]

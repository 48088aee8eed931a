"""Every state change of the grid app goes through these functions."""

from .net import install_role_permissions, move_building, move_community, move_grid
from .people import (
    can_reveal,
    check_verification_code,
    confirm_household_verification,
    decline_household_verification,
    log_export,
    record_movement,
    register_resident_account,
    request_household_verification,
    reveal_personal_data,
    roster_matches,
    send_verification_code,
)

__all__ = [
    "can_reveal",
    "check_verification_code",
    "confirm_household_verification",
    "decline_household_verification",
    "install_role_permissions",
    "log_export",
    "move_building",
    "move_community",
    "move_grid",
    "record_movement",
    "register_resident_account",
    "request_household_verification",
    "reveal_personal_data",
    "roster_matches",
    "send_verification_code",
]

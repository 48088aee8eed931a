"""The numbers of the request loop that more than one service reads (DOMAIN.md)."""

REGISTER_LIMIT_HOURS = 1  # DOMAIN.md: register within one working hour of a report

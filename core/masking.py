"""Masking of personal data that the core shows (phones in the outbox, holders of
certificates). The resident-specific masks (ID numbers) live with the residents."""


def mask_phone(value: str) -> str:
    """``138****5678``."""
    if not value:
        return ""
    return value[:3] + "****" + value[-4:] if len(value) >= 8 else "*" * len(value)


def mask_name(value: str) -> str:
    """``张**``: the family name and a star for each other character."""
    value = (value or "").strip()
    return value[:1] + "*" * (len(value) - 1) if len(value) > 1 else value

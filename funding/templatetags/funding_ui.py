"""Amounts on the funding pages: fen shown as yuan, exactly."""

from django import template

from ..models import yuan

register = template.Library()


@register.filter
def fen(value):
    """``123456`` → ``¥1,234.56``; an empty value → ``—``."""
    if value in (None, ""):
        return "—"
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return value
    text = yuan(amount)
    return f"-¥{text[1:]}" if text.startswith("-") else f"¥{text}"

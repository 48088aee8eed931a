"""The kinds of notice, registered by the apps that send them (in ``AppConfig.ready``).

A kind names its label (shown in the inbox and on the preferences page), how the inbox
shows it (``level``: info, warning, danger), whether it ever sends text messages (``sms``:
only those kinds are offered on the preferences page, where each user chooses at once,
in the daily digest, or never), and
the templates of its title and text: ``%(name)s`` placeholders filled from the
``context`` passed to ``notify()``, rendered in the portal's language. New kinds are
dotted, ``app.what`` (``volunteers.shift_reminder``); the request loop's three keep the
short keys they were stored under."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Kind:
    key: str
    label: str | Promise
    title: str | Promise = "%(title)s"
    body: str | Promise = "%(body)s"
    level: str = "info"
    sms: bool = False

    def __post_init__(self):
        if self.level not in ("info", "warning", "danger"):
            raise ValueError(f"level of {self.key} must be info, warning or danger")
        if len(self.key) > 40:
            raise ValueError(f"kind key {self.key} is longer than 40 characters")


KINDS: dict[str, Kind] = {}


def register_kind(*kinds: Kind) -> None:
    for kind in kinds:
        known = KINDS.get(kind.key)
        if known is not None and known != kind:
            raise ValueError(f"notification kind {kind.key} registered twice, differently")
        KINDS[kind.key] = kind


def get_kind(key: str) -> Kind:
    """The registered kind (``KeyError`` for an unknown one: a programming error)."""
    return KINDS[key]


def kind_or_none(key: str) -> Kind | None:
    return KINDS.get(key)


def all_kinds() -> list[Kind]:
    return sorted(KINDS.values(), key=lambda k: k.key)

"""Where a user's phone comes from is the net's business (a resident record, the duty
phone of a post): the app that knows registers a lookup, the core calls it for the
daily digest."""

from collections.abc import Callable, Iterable

LOOKUPS: list[Callable[[Iterable], dict]] = []


def register_phone_lookup(lookup: Callable[[Iterable], dict]) -> None:
    """``lookup(users) -> {user_pk: phone}`` for the users it knows a phone of."""
    if lookup not in LOOKUPS:
        LOOKUPS.append(lookup)


def phones_of(users) -> dict:
    users = [u for u in users if u is not None]
    found: dict = {}
    for lookup in LOOKUPS:
        missing = [u for u in users if u.pk not in found]
        if not missing:
            break
        found.update({pk: phone for pk, phone in lookup(missing).items() if phone})
    return found

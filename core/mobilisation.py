"""The downward link between an emergency and the volunteers' mobilisation (issue 17).

The modes never import each other (``tests/test_layers.py``): the community's emergency
mode asks here "mobilise volunteers for node N, kind K", and whichever mode keeps
volunteers registers a provider for it in its ``AppConfig.ready()``. The caller keeps
what ``mobilise`` returns (a small JSON-able dict, provider -> reference or refusal)
and later asks ``states`` for what the mobilisation has reached, and ``stand_down``
when the emergency ends. Nothing here knows the models behind a reference.

A provider's refusal (no permission, a node it does not mobilise on, a state it is in)
is kept as the reason and never undoes the emergency: each provider runs in its own
savepoint.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MobilisationState:
    """What one provider's mobilisation has reached, for the viewer who asked."""

    provider: str
    title: str
    is_open: bool
    households: int
    answered: int
    url: str = ""

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.households) if self.households else 0


@dataclass(frozen=True)
class Provider:
    name: str
    # (by, node, kind, title, reason) -> reference (str); raises PermissionDenied or
    # ValidationError to refuse.
    mobilise: Callable[..., str]
    # (reference, viewer) -> MobilisationState or None (not visible to the viewer).
    state: Callable[..., MobilisationState | None]
    # (by, reference) -> None: the emergency is over.
    stand_down: Callable[..., None] | None = None


PROVIDERS: dict[str, Provider] = {}


def register(
    name: str,
    *,
    mobilise: Callable[..., str],
    state: Callable[..., MobilisationState | None],
    stand_down: Callable[..., None] | None = None,
) -> None:
    """Register (or replace, on a second ``ready()``) the provider called ``name``."""
    PROVIDERS[name] = Provider(name=name, mobilise=mobilise, state=state, stand_down=stand_down)


def unregister(name: str) -> None:
    PROVIDERS.pop(name, None)


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)[:300]
    return (str(exc) or exc.__class__.__name__)[:300]


def mobilise(*, by, node, kind: str, title: str, reason: str = "") -> dict:
    """Ask every provider to mobilise for ``node``: ``{provider: {"ref": ...}}`` or
    ``{provider: {"refused": reason}}`` (a refusal changes nothing of the provider's and
    nothing of the caller's)."""
    links: dict[str, dict] = {}
    for provider in list(PROVIDERS.values()):
        try:
            with transaction.atomic():
                ref = provider.mobilise(by=by, node=node, kind=kind, title=title, reason=reason)
        except (PermissionDenied, ValidationError) as exc:
            links[provider.name] = {"refused": _reason(exc)}
            continue
        links[provider.name] = {"ref": str(ref)}
    return links


def states(links: dict | None, viewer) -> list[MobilisationState]:
    """The states of the mobilisations in ``links`` that ``viewer`` may see."""
    found = []
    for name, link in (links or {}).items():
        provider = PROVIDERS.get(name)
        ref = (link or {}).get("ref") if isinstance(link, dict) else None
        if provider is None or not ref:
            continue
        seen = provider.state(ref=ref, viewer=viewer)
        if seen is not None:
            found.append(seen)
    return found


def refusals(links: dict | None) -> dict[str, str]:
    """``{provider: reason}`` of the providers that refused to mobilise."""
    return {
        name: link["refused"]
        for name, link in (links or {}).items()
        if isinstance(link, dict) and link.get("refused")
    }


def stand_down(*, by, links: dict | None) -> None:
    """Tell every provider in ``links`` that the emergency is over; a refusal (the
    mobilisation closed by hand already) is logged and ignored."""
    for name, link in (links or {}).items():
        provider = PROVIDERS.get(name)
        ref = link.get("ref") if isinstance(link, dict) else None
        if provider is None or provider.stand_down is None or not ref:
            continue
        try:
            with transaction.atomic():
                provider.stand_down(by=by, ref=ref)
        except (PermissionDenied, ValidationError) as exc:
            logger.info("mobilisation %s:%s not stood down: %s", name, ref, _reason(exc))

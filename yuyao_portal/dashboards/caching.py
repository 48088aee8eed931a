"""The dashboards' parts cached per scope and invalidated on write.

Each mode's numbers for one scope are cached under a key made of the mode, the scope
(role and node) and the *generations* of what they read: one generation per mode and
node (the county, each street, community and grid) and one per mode for the rows that
hang on no node (ballots, supports, attendance). A save or delete of a row of a mode
bumps the generations of the nodes in its tier columns, so the next dashboard of any of
those nodes computes afresh while the other streets keep their cached parts; nothing is
ever deleted by pattern. ``TIMEOUT`` bounds what an update without signals
(``QuerySet.update``, ``bulk_create``) can leave stale.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

TIMEOUT = 300  # seconds a cached part lives at most
PREFIX = "dash"

# The models each mode's numbers read (app_label.ModelName, lower case) → the modes.
READS = {
    "requests": ("grid.servicerequest",),
    "volunteers": ("volunteers.volunteer", "volunteers.hourentry", "volunteers.activity"),
    "negotiation": (
        "negotiation.topic",
        "negotiation.meeting",
        "negotiation.vote",
        "negotiation.resolution",
    ),
    "funding": (
        "funding.fund",
        "funding.expenditure",
        "funding.disclosure",
        "funding.communitytask",
        "funding.burdenreport",
        "funding.admissionapplication",
    ),
    "training": ("training.compliance", "training.attendance"),
    "participation": (
        "grid.resident",
        "grid.household",
        "grid.servicerequest",
        "grid.requestsupport",
        "negotiation.support",
        "negotiation.ballot",
        "negotiation.attendance",
        "negotiation.meeting",
        "negotiation.vote",
        "negotiation.topic",
        "volunteers.signup",
    ),
}
MODES_OF_MODEL: dict[str, tuple[str, ...]] = {}
for _mode, _models in READS.items():
    for _model in _models:
        MODES_OF_MODEL[_model] = (*MODES_OF_MODEL.get(_model, ()), _mode)
TIER_COLUMNS = ("street_id", "community_id", "grid_id")


def _gen_key(mode: str, node: str) -> str:
    return f"{PREFIX}:gen:{mode}:{node}"


def _node_keys(scope) -> list[str]:
    """The generations a scope's parts depend on: its own node (the county is "all")."""
    if scope.node is None:
        return ["all"]
    return [f"{scope.tier.value}:{scope.node.pk}"]


def cached(mode: str, scope, compute: Callable[[], object], variant: str = ""):
    """``compute()`` for ``mode`` and ``scope`` (and ``variant``, a period say), from
    the cache while nothing it read was written."""
    names = [_gen_key(mode, "rows"), *(_gen_key(mode, n) for n in _node_keys(scope))]
    generations = cache.get_many(names)
    version = ".".join(str(generations.get(name, 0)) for name in names)
    key = f"{PREFIX}:{mode}:{variant}:{scope.key}:{version}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def bump(modes: Iterable[str], nodes: Iterable[str]) -> None:
    """Invalidate the cached parts of ``modes`` for ``nodes`` ("all", "street:3", …,
    or "rows" for rows on no node)."""
    for mode in modes:
        for node in nodes:
            key = _gen_key(mode, node)
            try:
                cache.incr(key)
            except ValueError:  # not set yet (or evicted): any new value changes the key
                cache.set(key, 1, None)


def nodes_of(instance) -> list[str]:
    """The generations a written row touches: the county's and its tier columns'; a row
    on no node (a ballot, a support) the mode's "rows"."""
    columns = [c for c in TIER_COLUMNS if hasattr(instance, c)]
    if not columns:
        return ["all", "rows"]
    nodes = ["all"]
    for column in columns:
        value = getattr(instance, column)
        if value is not None:
            nodes.append(f"{column[:-3]}:{value}")
    return nodes


def on_write(sender, instance, **kwargs):
    modes = MODES_OF_MODEL.get(sender._meta.label_lower)
    if modes and not kwargs.get("raw"):
        bump(modes, nodes_of(instance))


def connect() -> None:
    """Called once from the portal's AppConfig.ready()."""
    post_save.connect(on_write, dispatch_uid="dashboards.on_save")
    post_delete.connect(on_write, dispatch_uid="dashboards.on_delete")

"""The one authorization mechanism of the portal.

Every scoped model carries tier columns (``street``, ``community``, ``grid``,
``building``): the nodes of the net it hangs on. A post holds a role on one node; the
role grants Django permissions (``RolePermission``); the post grants them on every
object whose tier column for the post's tier equals the post's node. County posts
grant them on everything. Single objects can also be granted with django-guardian's
direct foreign-key tables. Two entry points give the same answer:

* ``Model.objects.for_user(user, action)``: the objects, as one query;
* ``user.has_perm(perm, obj)``: one object, through ``ScopedPermissionBackend``.

Nothing else in the portal decides what a user may see or change.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.contrib.auth.backends import BaseBackend
from django.core.cache import cache as django_cache
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Lookup, Q
from django.utils.translation import gettext_lazy as _

from .permissions import NODE_TIERS, Tier, post_tier

ACTIONS = ("view", "add", "change", "delete")
ROLE_PERMISSIONS_CACHE_KEY = "grid:role-permissions:v1"


# --- tier columns ----------------------------------------------------------------------


@models.Field.register_lookup
class InSubquery(Lookup):
    """``column IN (subquery)``, written on PostgreSQL as ``column = ANY(ARRAY(subquery))``:
    the subquery then runs once, before the scan, and its array is an index condition
    that the planner can OR with the tier columns' indexes (a BitmapOr). A plain ``IN
    (subquery)`` OR'ed with them is a filter: the planner must walk the whole table (at
    county scale, a grid member's list read every request in ``created_at`` order until
    it found 50 of their grid's). Other databases get the plain ``IN``."""

    lookup_name = "in_subquery"

    def get_prep_lookup(self):
        return self.rhs

    def _sides(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return lhs, rhs, (*lhs_params, *rhs_params)

    def as_sql(self, compiler, connection):
        lhs, rhs, params = self._sides(compiler, connection)
        return f"{lhs} IN {rhs}", params

    def as_postgresql(self, compiler, connection):
        lhs, rhs, params = self._sides(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", params


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view"):
        """The objects ``user`` may ``action`` (view, add, change, delete), one query."""
        return filter_for_user(self, user, action)


def scopes_from(obj, own_pk=None) -> list[tuple[str, int]]:
    """The rule-parameter scopes of a node or of a record on the net, most specific
    first: its community, then its street (``core.rules.rule(key, node=obj)``)."""
    tier = getattr(obj, "tier", None)
    pairs = []
    community_id = own_pk if tier == Tier.COMMUNITY else getattr(obj, "community_id", None)
    street_id = own_pk if tier == Tier.STREET else getattr(obj, "street_id", None)
    if community_id:
        pairs.append(("community", community_id))
    if street_id:
        pairs.append(("street", street_id))
    return pairs


class TierScoped(models.Model):
    """Abstract base of every model that hangs on the net.

    The most specific node set among the four columns is the object's node; saving
    fills the columns above it from that node, so that "what may this post see" is a
    plain indexed equality on one column.
    """

    tier_columns = {
        Tier.STREET: "street_id",
        Tier.COMMUNITY: "community_id",
        Tier.GRID: "grid_id",
        Tier.BUILDING: "building_id",
    }

    street = models.ForeignKey(
        "grid.Street",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("street or town"),
    )
    community = models.ForeignKey(
        "grid.Community",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community"),
    )
    grid = models.ForeignKey(
        "grid.Grid",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("grid"),
    )
    building = models.ForeignKey(
        "grid.Building",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("building"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def scope_tier(self) -> Tier:
        """The tier of the most specific node set on this object (county if none)."""
        for tier in reversed(NODE_TIERS):
            if getattr(self, self.tier_columns[tier]) is not None:
                return tier
        return Tier.COUNTY

    @property
    def rule_scopes(self) -> list[tuple[str, int]]:
        """Where rule parameters are looked up for this record (``core.rules.rule``)."""
        return scopes_from(self)

    def scope_node(self):
        tier = self.scope_tier()
        return None if tier == Tier.COUNTY else getattr(self, tier.value)

    def fill_tier_columns(self):
        node = self.scope_node()
        values = node.tier_values() if node is not None else {}
        for tier in NODE_TIERS:
            attname = self.tier_columns[tier]
            setattr(self, attname, values.get(attname))

    def prepare_for_validation(self):
        self.fill_tier_columns()

    def save(self, *args, **kwargs):
        self.fill_tier_columns()
        super().save(*args, **kwargs)


def tier_column(model, tier: Tier) -> str | None:
    """The attname of ``model``'s column for ``tier`` (``id`` for the node itself)."""
    return getattr(model, "tier_columns", {}).get(tier)


def is_scoped(model) -> bool:
    return bool(getattr(model, "tier_columns", None))


def scoped_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if is_scoped(m)]


def propagate_tier_columns(node) -> None:
    """After ``node`` moved to another parent, rewrite the tier columns above it on
    everything that hangs below it, in the caller's transaction."""
    column = f"{node.tier.value}_id"
    values = {k: v for k, v in node.tier_values().items() if k != column}
    with transaction.atomic():
        for model in scoped_models():
            own = tier_column(model, node.tier)
            if own is None or own == "id":
                continue
            model._base_manager.filter(**{own: node.pk}).update(**values)


# --- what a user holds -----------------------------------------------------------------


@dataclass(frozen=True)
class Holding:
    role: str
    tier: Tier
    node_id: int | None


def role_permissions() -> dict[str, frozenset[str]]:
    """Role → set of ``app_label.codename``, from ``RolePermission``, cached."""
    data = django_cache.get(ROLE_PERMISSIONS_CACHE_KEY)
    if data is None:
        RolePermission = apps.get_model("grid", "RolePermission")
        grouped: dict[str, set[str]] = {}
        rows = RolePermission.objects.values_list(
            "role", "permission__content_type__app_label", "permission__codename"
        )
        for role, app_label, codename in rows:
            grouped.setdefault(role, set()).add(f"{app_label}.{codename}")
        data = {role: frozenset(perms) for role, perms in grouped.items()}
        django_cache.set(ROLE_PERMISSIONS_CACHE_KEY, data, 300)
    return data


def forget_role_permissions() -> None:
    django_cache.delete(ROLE_PERMISSIONS_CACHE_KEY)


def holdings(user) -> list[Holding]:
    """The active posts of ``user``, loaded once per user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_grid_holdings", None)
    if cached is None:
        Post = apps.get_model("grid", "Post")
        cached = []
        rows = Post.objects.filter(user_id=user.pk, is_active=True).values_list(
            "role", "street_id", "community_id", "grid_id", "building_id"
        )
        for role, street_id, community_id, grid_id, building_id in rows:
            tier = post_tier(role, street_id, community_id, grid_id, building_id)
            node_by_tier = {
                Tier.COUNTY: None,
                Tier.STREET: street_id,
                Tier.COMMUNITY: community_id,
                Tier.GRID: grid_id,
                Tier.BUILDING: building_id,
            }
            cached.append(Holding(role, tier, node_by_tier[tier]))
        user._grid_holdings = cached
    return cached


def forget_holdings(user) -> None:
    user.__dict__.pop("_grid_holdings", None)
    user.__dict__.pop("_grid_homes", None)
    user.__dict__.pop("_grid_post_nodes", None)


# Where a person lives, for ``self_access``: a model may let residents see the rows of
# their own building, grid, community or street (what their community publishes).
HOME_SOURCES = {
    "building": "household__building_id",
    "grid": "household__grid_id",
    "community": "household__community_id",
    "street": "household__street_id",
}


# Where a person works, for ``self_access``: the nodes of their active posts and the
# nodes above them (a building leader's post is in a grid, a community, a street), for
# what the offices above tell the posts below (notices).
POST_SOURCES = {
    "post_building": "building_id",
    "post_grid": "grid_id",
    "post_community": "community_id",
    "post_street": "street_id",
}


def own_ids(user, source: str) -> list[int]:
    """What a user holds as a person, not through a post's grants: ``user`` (their own
    id), ``household`` (the households of the resident records linked to their account),
    the ``building``, ``grid``, ``community`` or ``street`` those households are in, or
    ``post_building`` … ``post_street``: the nodes of their active posts and above."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if source == "user":
        return [user.pk]
    if source in POST_SOURCES:
        cached = getattr(user, "_grid_post_nodes", None)
        if cached is None:
            Post = apps.get_model("grid", "Post")
            rows = list(
                Post.objects.filter(user_id=user.pk, is_active=True).values_list(
                    *POST_SOURCES.values()
                )
            )
            cached = {
                name: sorted({row[i] for row in rows if row[i] is not None})
                for i, name in enumerate(POST_SOURCES)
            }
            user._grid_post_nodes = cached
        return cached[source]
    if source == "household" or source in HOME_SOURCES:
        cached = getattr(user, "_grid_homes", None)
        if cached is None:
            Resident = apps.get_model("grid", "Resident")
            columns = ["household_id", *HOME_SOURCES.values()]
            rows = list(
                Resident.objects.filter(user_id=user.pk, state="living").values_list(*columns)
            )
            cached = {
                name: sorted({row[i] for row in rows if row[i] is not None})
                for i, name in enumerate(["household", *HOME_SOURCES])
            }
            user._grid_homes = cached
        return cached[source]
    raise ValueError(f"Unknown source {source!r}")


def self_access(model, action: str) -> list[tuple[str, str]]:
    """``[(source, column)]``: the model's rows a person may ``action`` as themselves."""
    return getattr(model, "self_access", {}).get(action, [])


def user_permissions(user) -> frozenset[str]:
    """Every permission the user's posts grant somewhere."""
    grants = role_permissions()
    perms: set[str] = set()
    for holding in holdings(user):
        perms |= grants.get(holding.role, frozenset())
    return frozenset(perms)


def perm_name(model, action: str) -> str:
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r}")
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


@cache
def grant_models(model) -> tuple:
    """guardian's direct foreign-key grant models for ``model``, user then group."""
    from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

    found = []
    for base in (UserObjectPermissionBase, GroupObjectPermissionBase):
        for candidate in apps.get_models():
            if not issubclass(candidate, base) or candidate._meta.abstract:
                continue
            field = candidate._meta.get_field("content_object")
            if field.related_model is model:
                found.append(candidate)
    return tuple(found)


# --- the two entry points --------------------------------------------------------------


def scope_filter(user, model, action: str, perm: str | None = None) -> Q | None:
    """The condition for the objects of ``model`` that ``user`` may ``action`` (or,
    with ``perm``, on which the user holds that permission through a post).

    ``None`` means everything; an empty ``Q(pk__in=[])`` means nothing.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return None
    if perm is not None:
        return _post_filter(user, model, perm)
    perm = perm_name(model, action)
    condition = _post_filter(user, model, perm)
    if condition is None:
        return None
    for source, column in self_access(model, action):
        ids = own_ids(user, source)
        if ids:
            condition |= Q(**{f"{column}__in": ids})
    codename = perm.split(".", 1)[1]
    for grant_model in grant_models(model):
        owner = {"user_id": user.pk} if hasattr(grant_model, "user") else {"group__user": user}
        granted = grant_model.objects.filter(permission__codename=codename, **owner).values(
            "content_object_id"
        )
        condition |= Q(pk__in_subquery=granted)
    return condition


def _post_filter(user, model, perm: str) -> Q | None:
    """The objects on which the user's posts grant ``perm`` (None: all of them)."""
    grants = role_permissions()
    by_column: dict[str, set[int]] = {}
    for holding in holdings(user):
        if perm not in grants.get(holding.role, ()):
            continue
        if holding.tier == Tier.COUNTY:
            return None
        column = tier_column(model, holding.tier)
        if column is not None and holding.node_id is not None:
            by_column.setdefault(column, set()).add(holding.node_id)
    condition = Q(pk__in=[])
    for column, ids in sorted(by_column.items()):
        condition |= Q(**{f"{column}__in": sorted(ids)})
    return condition


def filter_for_user(queryset, user, action: str = "view"):
    condition = scope_filter(user, queryset.model, action)
    return queryset if condition is None else queryset.filter(condition)


def filter_for_perm(queryset, user, perm: str):
    """The rows of ``queryset`` on which the user's posts grant ``perm`` (for a
    permission that is not one of the model's own actions, e.g. importing a roster
    into buildings)."""
    condition = scope_filter(user, queryset.model, "view", perm=perm)
    return queryset if condition is None else queryset.filter(condition)


class ScopedPermissionBackend(BaseBackend):
    """Answers ``user.has_perm(perm)`` and ``user.has_perm(perm, obj)`` from posts.

    guardian's own backend, next in ``AUTHENTICATION_BACKENDS``, answers for the
    single-object grants.
    """

    def get_all_permissions(self, user_obj, obj=None):
        if obj is not None or not user_obj.is_active:
            return set()
        return set(user_permissions(user_obj))

    def has_perm(self, user_obj, perm, obj=None):
        if not user_obj.is_active:
            return False
        if obj is None:
            return perm in user_permissions(user_obj)
        model = type(obj)
        if not is_scoped(model) or obj.pk is None:
            return False
        grants = role_permissions()
        for holding in holdings(user_obj):
            if perm not in grants.get(holding.role, ()):
                continue
            if holding.tier == Tier.COUNTY:
                return True
            column = tier_column(model, holding.tier)
            if column is not None and getattr(obj, column) == holding.node_id:
                return True
        action = perm.split(".", 1)[1].split("_", 1)[0]
        if perm == f"{model._meta.app_label}.{action}_{model._meta.model_name}":
            for source, column in self_access(model, action):
                if getattr(obj, column) in own_ids(user_obj, source):
                    return True
        return False

    def has_module_perms(self, user_obj, app_label):
        prefix = f"{app_label}."
        return any(p.startswith(prefix) for p in user_permissions(user_obj))


def holding_tiers(user, perm: str, obj) -> set:
    """The tiers of the posts through which ``user`` holds ``perm`` on ``obj`` (for
    rules that depend on the tier acting, such as "handled at the lowest tier")."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    grants = role_permissions()
    model = type(obj)
    tiers = set()
    for holding in holdings(user):
        if perm not in grants.get(holding.role, ()):
            continue
        column = tier_column(model, holding.tier)
        if holding.tier == Tier.COUNTY or (
            column is not None and getattr(obj, column) == holding.node_id
        ):
            tiers.add(holding.tier)
    return tiers


# --- write, then verify ----------------------------------------------------------------


class OutOfScope(PermissionDenied):
    """The write would leave the object outside the user's scope."""


def verify_in_scope(user, obj, action: str) -> None:
    """Raise ``OutOfScope`` unless the saved ``obj`` is within the user's scope."""
    model = type(obj)
    if not model._default_manager.for_user(user, action).filter(pk=obj.pk).exists():
        raise OutOfScope(_("You may not put this object outside the part of the net you hold."))


def save_in_scope(user, obj, action: str, save=None):
    """Save ``obj`` (with ``save`` if given), then check that it is within the user's
    scope for ``action``; if not, roll everything back and raise ``OutOfScope``."""
    with transaction.atomic():
        result = (save or obj.save)()
        saved = result if isinstance(result, models.Model) else obj
        verify_in_scope(user, saved, action)
    return saved


def restrict_related_choices(fields: dict, user) -> None:
    """Limit every choice field of a form or serializer that points at a scoped model
    to the objects the user may see."""
    for field in fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is None:
            child = getattr(field, "child_relation", None)
            queryset = getattr(child, "queryset", None)
            field = child if queryset is not None else field
        if queryset is not None and is_scoped(queryset.model):
            field.queryset = filter_for_user(queryset, user, "view")

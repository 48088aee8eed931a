"""Reads of the net as chainable QuerySet methods."""

import datetime

from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from .permissions import Role
from .scoping import ScopedQuerySet


def scoped_count(queryset, column: str):
    """A subquery counting the rows of ``queryset`` whose ``column`` is the outer row."""
    counted = (
        queryset.filter(**{column: OuterRef("pk")})
        .order_by()
        .values(column)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class NetQuerySet(ScopedQuerySet):
    def with_counts(self, user, **children):
        """Annotate each node with the number of ``children`` below it that ``user``
        may see: ``with_counts(user, grid_count=(Grid, "community"))``."""
        annotations = {
            name: scoped_count(model.objects.for_user(user, "view"), column)
            for name, (model, column) in children.items()
        }
        return self.annotate(**annotations)


class ResidentQuerySet(ScopedQuerySet):
    def search(self, term: str):
        """Find by ID number (whole or its last four), phone, or the start of the name."""
        from .pii import normalize_id_number

        term = (term or "").strip()
        if not term:
            return self
        upper = normalize_id_number(term)
        if len(upper) == 18 and upper[:17].isdigit():
            return self.filter(id_number=upper)
        if len(upper) == 4 and upper[:3].isdigit() and (upper[3].isdigit() or upper[3] == "X"):
            return self.filter(id_last4=upper)
        if len(term) == 11 and term.isdigit():
            return self.filter(phone=term)
        return self.filter(name__startswith=term)

    def living(self):
        return self.filter(state="living")


class PostQuerySet(ScopedQuerySet):
    def serving(self, household):
        """The public duty contacts of a household: the grid members and branch
        secretary of its grid and the leaders of its building (a directory residents
        may read, not a scope)."""
        return (
            self.filter(is_active=True)
            .filter(
                Q(
                    grid_id=household.grid_id,
                    building__isnull=True,
                    role__in=[Role.GRID_MEMBER, Role.GRID_BRANCH_SECRETARY],
                )
                | Q(
                    building_id=household.building_id,
                    role__in=[Role.BUILDING_LEADER, Role.PARTY_GROUP_LEADER],
                )
            )
            .select_related("user")
            .order_by("role")
        )


class ServiceRequestQuerySet(ScopedQuerySet):
    """Reads of service requests, including their KPIs (DOMAIN.md, 综合评价)."""

    ENDED_UNACCEPTED = ("rejected", "duplicate", "cancelled")
    CLOSED = ("closed", "evaluated")

    def _related(self, name):
        """The model on the other side of the reverse relation ``name`` (supports,
        visits): the querysets are imported by the models, never the other way round."""
        return self.model._meta.get_field(name).related_model

    def for_open311(self, key=None):
        """What an Open311 client may read: with a partner key, every request within
        the key's node; without one, only the public requests."""
        if key is None:
            return self.filter(is_public=True)
        return self.filter(**key.node_filter())

    def received_between(self, start, end):
        return self.filter(created_at__gte=start, created_at__lt=end)

    def not_suspended(self, now):
        """Requests not suspended (缓办) at ``now``: the deadline sweep skips the others."""
        return self.filter(Q(suspended_until__isnull=True) | Q(suspended_until__lte=now))

    def kpi_counts(self):
        """The counts behind the KPIs, as annotations for ``values(...).annotate`` or an
        ``aggregate``."""
        accepted = ~Q(state__in=self.ENDED_UNACCEPTED)
        closed = Q(state__in=self.CLOSED)
        return {
            "received": Count("pk"),
            "accepted": Count("pk", filter=accepted),
            "closed": Count("pk", filter=closed),
            "closed_on_time": Count("pk", filter=closed & Q(handle_overdue=False)),
            "registered_on_time": Count(
                "pk", filter=accepted & Q(registered_at__isnull=False, register_overdue=False)
            ),
            "reworked": Count("pk", filter=Q(rework_count__gt=0)),
            "rated": Count("pk", filter=Q(rating__isnull=False)),
            "satisfied": Count("pk", filter=Q(rating__gte=4)),
            "overdue_open": Count(
                "pk",
                filter=accepted & ~closed & (Q(handle_overdue=True) | Q(register_overdue=True)),
            ),
            "extended": Count("pk", filter=Q(extension_count__gt=0)),
            "returned": Count("pk", filter=Q(return_count__gt=0)),
            "suspended": Count("pk", filter=Q(suspension_count__gt=0)),
            # --- average handling time (lists and KPI pages) ---
            "avg_handling": Avg(
                ExpressionWrapper(
                    F("handled_at") - F("registered_at"), output_field=DurationField()
                ),
                filter=Q(handled_at__isnull=False, registered_at__isnull=False),
            ),
            # --- end of average handling time ---
        }

    def kpis(self) -> dict:
        return with_rates(self.order_by().aggregate(**self.kpi_counts()))

    def kpis_by(self, tier: str) -> list[dict]:
        """KPIs per node of ``tier`` (street, community or grid), one query."""
        column = f"{tier}_id"
        rows = self.order_by().values(column).annotate(**self.kpi_counts()).order_by(column)
        return [with_rates(dict(row, node_id=row[column])) for row in rows]

    # --- lists, public requests and return visits ---------------------------------------

    def filtered(
        self,
        *,
        node=None,
        state=None,
        category=None,
        overdue=None,
        created_after=None,
        created_before=None,
        handler_unit=None,
        q="",
    ):
        """The request lists' filters, shared by the workbench page, the Excel export and
        the API: ``node`` a street, community or grid (or a ``(tier, id)`` pair);
        ``category`` a leaf or a parent (its leaves); ``overdue`` at any stage;
        ``created_after``/``created_before`` dates, both days included; ``q`` a request
        number (or its start) or words of the description."""
        queryset = self
        if node is not None:
            tier, node_id = node if isinstance(node, tuple) else (node.tier.value, node.pk)
            queryset = queryset.filter(**{f"{tier}_id": node_id})
        if state:
            queryset = queryset.filter(state=state)
        if category is not None:
            category_id = getattr(category, "pk", category)
            queryset = queryset.filter(
                Q(category_id=category_id) | Q(category__parent_id=category_id)
            )
        if overdue is not None:
            late = Q(handle_overdue=True) | Q(register_overdue=True)
            queryset = queryset.filter(late if overdue else ~late)
        if created_after is not None:
            queryset = queryset.filter(created_at__gte=start_of_day(created_after))
        if created_before is not None:
            end = start_of_day(created_before + datetime.timedelta(days=1))
            queryset = queryset.filter(created_at__lt=end)
        if handler_unit is not None:
            queryset = queryset.filter(handler_unit_id=getattr(handler_unit, "pk", handler_unit))
        q = (q or "").replace("\x00", "").strip()[:100]
        if q:
            words = q.split()
            described = Q()
            for word in words[:8]:
                described &= Q(description__icontains=word)
            queryset = queryset.filter(Q(number__startswith=q) | described)
        return queryset

    def public_in(self, community_id):
        """The public requests of one community (what its residents may read, without
        personal data), with their support counts."""
        supports = (
            self._related("supports")
            .objects.filter(request=OuterRef("pk"))
            .order_by()
            .values("request")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.filter(is_public=True, community_id=community_id).annotate(
            support_count=Coalesce(Subquery(supports, output_field=IntegerField()), Value(0))
        )

    def with_supported_by(self, user):
        return self.annotate(
            supported=Exists(
                self._related("supports").objects.filter(request=OuterRef("pk"), user=user.pk)
            )
        )

    def due_for_visit(self, closed_before):
        """Closed requests not yet rated nor visited since their closure, closed before
        ``closed_before`` (the start of the last working day)."""
        visited = self._related("visits").objects.filter(
            request=OuterRef("pk"), at__gte=OuterRef("closed_at")
        )
        return self.filter(state="closed", closed_at__lt=closed_before).filter(~Exists(visited))


def start_of_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def _rate(part, whole):
    return round(100.0 * part / whole, 2) if whole else None


# The names ``with_rates`` adds to the counts of ``kpi_counts`` (the API documents both).
KPI_RATES = (
    "closure_rate",
    "on_time_closure_rate",
    "response_rate",
    "rework_rate",
    "satisfaction_rate",
    "extension_rate",
    "avg_handling_hours",
)


def with_rates(counts: dict) -> dict:
    """Add the rates (percent, or None without a base) to KPI counts."""
    counts.update(
        closure_rate=_rate(counts["closed"], counts["accepted"]),
        on_time_closure_rate=_rate(counts["closed_on_time"], counts["closed"]),
        response_rate=_rate(counts["registered_on_time"], counts["accepted"]),
        rework_rate=_rate(counts["reworked"], counts["closed"]),
        satisfaction_rate=_rate(counts["satisfied"], counts["rated"]),
        extension_rate=_rate(counts["extended"], counts["received"]),
    )
    # --- average handling time (lists and KPI pages) ---
    average = counts.pop("avg_handling", None)
    if isinstance(average, (int, float)):  # a backend that returns microseconds
        average = datetime.timedelta(microseconds=average)
    counts["avg_handling_hours"] = (
        round(average.total_seconds() / 3600, 2) if average is not None else None
    )
    # --- end of average handling time ---
    return counts

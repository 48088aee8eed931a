"""Reads of the net as chainable QuerySet methods."""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

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

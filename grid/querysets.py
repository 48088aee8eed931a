"""Reads of the net as chainable QuerySet methods."""

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

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

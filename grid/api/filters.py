"""Filters of the net API. Node filters take ids (no lookup of the node itself), so a
filter neither costs a query nor tells whether an unseen node exists."""

import django_filters as filters

from ..models import Building, Community, Grid, HandlingUnit, PartyOrganization, Post, Street


class StreetFilter(filters.FilterSet):
    class Meta:
        model = Street
        fields = {"kind": ["exact"], "code": ["exact", "startswith"]}


def id_filter(name):
    """A filter on a node or object id: no lookup, so it neither costs a query nor tells
    whether an unseen object exists."""
    return filters.NumberFilter(field_name=f"{name}_id", min_value=1, max_value=2**62)


class CommunityFilter(filters.FilterSet):
    street = id_filter("street")

    class Meta:
        model = Community
        fields = {"kind": ["exact"], "code": ["exact", "startswith"]}


class GridFilter(filters.FilterSet):
    street = id_filter("street")
    community = id_filter("community")

    class Meta:
        model = Grid
        fields = {"code": ["exact", "startswith"]}


class BuildingFilter(filters.FilterSet):
    street = id_filter("street")
    community = id_filter("community")
    grid = id_filter("grid")

    class Meta:
        model = Building
        fields = {"code": ["exact", "startswith"]}


class TierFilterSet(filters.FilterSet):
    """Filters by the tier columns every scoped model carries."""

    street = id_filter("street")
    community = id_filter("community")
    grid = id_filter("grid")
    building = id_filter("building")


class HandlingUnitFilter(TierFilterSet):
    class Meta:
        model = HandlingUnit
        fields = ["kind"]


class PartyOrganizationFilter(TierFilterSet):
    class Meta:
        model = PartyOrganization
        fields = ["kind"]


class PostFilter(TierFilterSet):
    user = id_filter("user")

    class Meta:
        model = Post
        fields = ["role", "is_active"]

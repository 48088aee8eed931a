"""Filters of the net API. Node filters take ids (no lookup of the node itself), so a
filter neither costs a query nor tells whether an unseen node exists."""

import django_filters as filters

from ..models import Building, Community, Grid, HandlingUnit, PartyOrganization, Post, Street


class StreetFilter(filters.FilterSet):
    class Meta:
        model = Street
        fields = {"kind": ["exact"], "code": ["exact", "startswith"]}


def _id(name):
    return filters.NumberFilter(field_name=f"{name}_id", min_value=1, max_value=2**62)


class CommunityFilter(filters.FilterSet):
    street = _id("street")

    class Meta:
        model = Community
        fields = {"kind": ["exact"], "code": ["exact", "startswith"]}


class GridFilter(filters.FilterSet):
    street = _id("street")
    community = _id("community")

    class Meta:
        model = Grid
        fields = {"code": ["exact", "startswith"]}


class BuildingFilter(filters.FilterSet):
    street = _id("street")
    community = _id("community")
    grid = _id("grid")

    class Meta:
        model = Building
        fields = {"code": ["exact", "startswith"]}


class _TierFilter(filters.FilterSet):
    street = _id("street")
    community = _id("community")
    grid = _id("grid")
    building = _id("building")


class HandlingUnitFilter(_TierFilter):
    class Meta:
        model = HandlingUnit
        fields = ["kind"]


class PartyOrganizationFilter(_TierFilter):
    class Meta:
        model = PartyOrganization
        fields = ["kind"]


class PostFilter(_TierFilter):
    user = _id("user")

    class Meta:
        model = Post
        fields = ["role", "is_active"]

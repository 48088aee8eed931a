"""Filters of the net API. Node filters take ids (no lookup of the node itself), so a
filter neither costs a query nor tells whether an unseen node exists."""

import django_filters as filters
from django import forms
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.apiinput import RULE, query_errors

from ..models import Building, Community, Grid, HandlingUnit, PartyOrganization, Post, Street


class StrictFilterSet(filters.FilterSet):
    """Query parameters as the schema documents them (``query_errors``): each given
    once, not empty unless a text, yes/no as true or false; a 400 otherwise."""

    def is_valid(self):
        valid = super().is_valid()
        kinds = {
            name: "text"
            if isinstance(f, filters.CharFilter)
            else "boolean"
            if isinstance(f, filters.BooleanFilter)
            else "value"
            for name, f in self.filters.items()
        }
        for name, messages in query_errors(self.data, kinds).items():
            for message in messages:
                self.form.add_error(name, message)
        errors = self.form.errors.as_data()
        if errors and all(e.code == RULE for found in errors.values() for e in found):
            # well-formed values that a rule refuses (a date range): a 422
            raise serializers.ValidationError(
                {name: [" ".join(e.messages) for e in found] for name, found in errors.items()},
                code=RULE,
            )
        return valid and not errors


class StreetFilter(StrictFilterSet):
    class Meta:
        model = Street
        fields = {"kind": ["exact"], "code": ["exact", "startswith"]}


ID_MAX = 2**62


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": ID_MAX})
class IdFilter(filters.NumberFilter):
    """A whole-number id from 1 (documented as such in the schema)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)


def id_filter(name):
    """A filter on a node or object id: no lookup, so it neither costs a query nor tells
    whether an unseen object exists."""
    return IdFilter(field_name=f"{name}_id")


class CommunityFilter(StrictFilterSet):
    street = id_filter("street")

    class Meta:
        model = Community
        fields = {"kind": ["exact"], "code": ["exact", "startswith"]}


class GridFilter(StrictFilterSet):
    street = id_filter("street")
    community = id_filter("community")

    class Meta:
        model = Grid
        fields = {"code": ["exact", "startswith"]}


class BuildingFilter(StrictFilterSet):
    street = id_filter("street")
    community = id_filter("community")
    grid = id_filter("grid")

    class Meta:
        model = Building
        fields = {"code": ["exact", "startswith"]}


class TierFilterSet(StrictFilterSet):
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


@extend_schema_field({"type": "integer", "minimum": 2000, "maximum": 2100})
class YearFilter(filters.NumberFilter):
    """A year from 2000 to 2100, as the schema says."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 2000)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)

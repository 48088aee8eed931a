from rest_framework import serializers

from ..models import Building, Community, Grid, HandlingUnit, PartyOrganization, Post, Street
from .scoped import ScopedModelSerializer


class StreetSerializer(ScopedModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Street
        fields = ["id", "code", "name", "kind", "kind_display"]


class CommunitySerializer(ScopedModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    street_name = serializers.CharField(source="street.name", read_only=True)

    class Meta:
        model = Community
        fields = ["id", "code", "name", "kind", "kind_display", "street", "street_name"]


class GridSerializer(ScopedModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)

    class Meta:
        model = Grid
        fields = ["id", "code", "name", "community", "community_name", "street"]
        read_only_fields = ["street"]


class BuildingSerializer(ScopedModelSerializer):
    grid_name = serializers.CharField(source="grid.name", read_only=True)

    class Meta:
        model = Building
        fields = [
            "id",
            "code",
            "name",
            "address",
            "units",
            "floors",
            "property_company",
            "grid",
            "grid_name",
            "community",
            "street",
        ]
        read_only_fields = ["community", "street"]


class HandlingUnitSerializer(ScopedModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = HandlingUnit
        fields = [
            "id",
            "name",
            "kind",
            "kind_display",
            "contact_phone",
            "street",
            "community",
            "grid",
            "building",
        ]


class PartyOrganizationSerializer(ScopedModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = PartyOrganization
        fields = [
            "id",
            "name",
            "kind",
            "kind_display",
            "parent",
            "secretary",
            "street",
            "community",
            "grid",
            "building",
        ]
        read_only_fields = ["parent"]


class PostSerializer(ScopedModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Post
        fields = [
            "id",
            "user",
            "username",
            "role",
            "role_display",
            "title",
            "is_active",
            "started_on",
            "handling_unit",
            "street",
            "community",
            "grid",
            "building",
        ]

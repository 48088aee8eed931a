from django.contrib import admin

from .models import (
    Building,
    Community,
    Grid,
    HandlingUnit,
    PartyOrganization,
    Post,
    RolePermission,
    Street,
)
from .scoped_admin import ScopedModelAdmin


@admin.register(Street)
class StreetAdmin(ScopedModelAdmin):
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


@admin.register(Community)
class CommunityAdmin(ScopedModelAdmin):
    list_display = ["code", "name", "kind", "street"]
    list_filter = ["kind", "street"]
    list_select_related = ["street"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["street"]


@admin.register(Grid)
class GridAdmin(ScopedModelAdmin):
    list_display = ["code", "name", "community", "street"]
    list_select_related = ["community", "street"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["community"]


@admin.register(Building)
class BuildingAdmin(ScopedModelAdmin):
    list_display = ["code", "name", "address", "grid", "units", "floors", "property_company"]
    list_select_related = ["grid", "property_company"]
    search_fields = ["code", "name", "address"]
    autocomplete_fields = ["grid", "property_company"]


@admin.register(HandlingUnit)
class HandlingUnitAdmin(ScopedModelAdmin):
    list_display = ["name", "kind", "community", "street"]
    list_filter = ["kind"]
    list_select_related = ["community", "street"]
    search_fields = ["name"]
    autocomplete_fields = ["street", "community", "grid", "building"]


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(ScopedModelAdmin):
    list_display = ["name", "kind", "parent", "community", "grid", "building"]
    list_filter = ["kind"]
    list_select_related = ["parent", "community", "grid", "building"]
    search_fields = ["name"]
    autocomplete_fields = ["street", "community", "grid", "building"]
    raw_id_fields = ["secretary"]


@admin.register(Post)
class PostAdmin(ScopedModelAdmin):
    list_display = ["user", "role", "street", "community", "grid", "building", "is_active"]
    list_filter = ["role", "is_active"]
    list_select_related = ["user", "street", "community", "grid", "building"]
    search_fields = ["user__username", "user__display_name", "title"]
    autocomplete_fields = ["street", "community", "grid", "building", "handling_unit"]
    raw_id_fields = ["user"]


@admin.register(RolePermission)
class RolePermissionAdmin(admin.ModelAdmin):
    """Which permissions each role grants: county admins only (model permissions)."""

    list_display = ["role", "permission"]
    list_filter = ["role"]
    list_select_related = ["permission__content_type"]

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.readonly_admin import ReadOnlyMixin

from .models import (
    Building,
    Community,
    Grid,
    HandlingUnit,
    Household,
    HouseholdTag,
    Movement,
    PartyMembership,
    PartyOrganization,
    PersonalDataAccess,
    Post,
    Resident,
    RolePermission,
    ServiceRequest,
    Street,
    VerificationRequest,
)
from .scoped_admin import EstimatedCountPaginator, ScopedModelAdmin


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


# --- people ------------------------------------------------------------------------------


@admin.register(HouseholdTag)
class HouseholdTagAdmin(admin.ModelAdmin):
    """The county-wide list of household tags; county admins extend it."""

    list_display = ["code", "name", "name_en", "is_active"]
    list_editable = ["is_active"]


@admin.register(Household)
class HouseholdAdmin(ScopedModelAdmin):
    list_display = ["__str__", "kind", "building", "grid"]
    list_filter = ["kind", "tags"]
    list_select_related = ["building", "grid"]
    search_fields = ["room", "building__code", "building__name"]
    autocomplete_fields = ["building"]
    raw_id_fields = ["head"]
    exclude = ["street", "community", "grid"]


@admin.register(Resident)
class ResidentAdmin(ScopedModelAdmin):
    """ID numbers and phones appear masked here; whole values are shown only by the
    logged reveal action of the workbench."""

    list_display = ["name", "id_number_masked", "phone_masked", "household", "state"]
    list_filter = ["state", "political_status", "residence_status"]
    list_select_related = ["household__building"]
    search_fields = ["name"]
    readonly_fields = ["id_number_masked", "phone_masked", "state", "user"]
    raw_id_fields = ["household"]
    fields = [
        "household",
        "name",
        "gender",
        "birth_date",
        "id_number_masked",
        "phone_masked",
        "relation",
        "residence_status",
        "political_status",
        "occupation",
        "notes",
        "state",
        "user",
    ]

    @admin.display(description=_("ID number"))
    def id_number_masked(self, obj):
        return obj.id_number_masked

    @admin.display(description=_("Phone"))
    def phone_masked(self, obj):
        return obj.phone_masked

    def has_add_permission(self, request):
        return False  # residents are added in the workbench, the API or a roster import

    def get_search_results(self, request, queryset, search_term):
        return queryset.search(search_term[:64]), False


@admin.register(PartyMembership)
class PartyMembershipAdmin(ScopedModelAdmin):
    list_display = ["resident", "organization", "status", "joined_on", "in_service"]
    list_filter = ["status", "in_service"]
    list_select_related = ["resident", "organization"]
    search_fields = ["resident__name", "workplace"]
    raw_id_fields = ["resident"]
    autocomplete_fields = ["organization"]
    exclude = ["street", "community", "grid", "building"]


@admin.register(Movement)
class MovementAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["date", "kind", "resident", "from_household", "to_household"]
    list_filter = ["kind"]
    list_select_related = ["resident", "from_household", "to_household"]
    date_hierarchy = "date"


@admin.register(VerificationRequest)
class VerificationRequestAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["name", "building", "unit", "room", "state", "created_at"]
    list_filter = ["state"]
    list_select_related = ["building"]
    exclude = ["phone"]


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ReadOnlyMixin, ScopedModelAdmin):
    """Requests are read here; every step of the loop goes through the services (the
    workbench and the API). Built for millions of rows: no full counts, an estimated
    count of the unfiltered table, the filters on indexed columns."""

    list_display = ["number", "category", "state", "level", "street", "community", "created_at"]
    list_filter = ["state", "level", "handle_overdue", "street"]
    list_select_related = ["category__parent", "street", "community"]
    search_fields = ["=number"]
    ordering = ["-created_at", "-id"]
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    exclude = ["reporter", "reporter_user"]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The access log: read-only for everyone; county admins read it."""

    list_display = ["at", "user", "resident", "field", "detail", "address"]
    list_filter = ["field"]
    list_select_related = ["user", "resident"]
    date_hierarchy = "at"
    show_full_result_count = False


from .open311 import admin as open311_admin  # noqa: E402,F401  (registers the partner keys)

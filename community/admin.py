from django.contrib import admin

from core.readonly_admin import ReadOnlyMixin
from grid.scoped_admin import ScopedModelAdmin

from .models import (
    Appointment,
    AppointmentSlot,
    BoardPost,
    Commitment,
    CommunityNeed,
    Emergency,
    InterestGroup,
    Notice,
    ResourceRequest,
    RollCallAnswer,
    Unit,
    UnitProject,
    UnitResource,
)


@admin.register(AppointmentSlot)
class AppointmentSlotAdmin(ReadOnlyMixin, ScopedModelAdmin):
    """Slots are opened and closed on the workbench (the services check the hours)."""

    list_display = ["starts_at", "service", "community", "capacity", "booked", "is_open"]
    list_filter = ["service", "is_open"]
    date_hierarchy = "starts_at"
    search_fields = ["place", "community__name"]
    list_select_related = ["community"]


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["slot", "resident", "state", "booked_at"]
    list_filter = ["state", "slot__service"]
    search_fields = ["resident__name", "note"]
    list_select_related = ["slot", "resident"]
    raw_id_fields = ["slot", "resident", "user"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyMixin, ScopedModelAdmin):
    """Notices are published on the workbench (the service tells the readers)."""

    list_display = ["title", "published_at", "street", "community", "grid", "published_by"]
    search_fields = ["title", "body"]
    date_hierarchy = "published_at"
    list_select_related = ["street", "community", "grid", "published_by"]


@admin.register(BoardPost)
class BoardPostAdmin(ReadOnlyMixin, ScopedModelAdmin):
    """Messages are answered and hidden on the board page (hiding is audited there)."""

    list_display = ["created_at", "community", "author_name", "state", "report_count"]
    list_filter = ["state"]
    search_fields = ["text"]
    list_select_related = ["community"]


@admin.register(Emergency)
class EmergencyAdmin(ReadOnlyMixin, ScopedModelAdmin):
    """Emergencies are opened and closed on the workbench (the service tells households)."""

    list_display = ["title", "kind", "state", "opened_at", "closed_at", "community", "grid"]
    list_filter = ["state", "kind"]
    search_fields = ["title", "message"]
    date_hierarchy = "opened_at"
    list_select_related = ["community", "grid"]


@admin.register(RollCallAnswer)
class RollCallAnswerAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["emergency", "household", "status", "on_behalf", "answered_at"]
    list_filter = ["status", "on_behalf"]
    list_select_related = ["emergency", "household"]
    raw_id_fields = ["emergency", "household", "answered_by", "help_request"]


@admin.register(InterestGroup)
class InterestGroupAdmin(ReadOnlyMixin, ScopedModelAdmin):
    """Groups are started by residents and closed by the office on their pages."""

    list_display = ["name", "community", "leader_name", "member_count", "state", "created_at"]
    list_filter = ["state"]
    search_fields = ["name", "description"]
    list_select_related = ["community"]


@admin.register(Unit)
class UnitAdmin(ScopedModelAdmin):
    """The directory of units on the net; the office keeps it here or on its pages."""

    list_display = ["name", "kind", "community", "handling_unit", "is_active", "joined_on"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "address"]
    list_select_related = ["community", "handling_unit"]
    raw_id_fields = ["handling_unit"]
    exclude = ["street", "grid", "building"]


@admin.register(UnitResource)
class UnitResourceAdmin(ScopedModelAdmin):
    list_display = ["name", "unit", "kind", "capacity", "is_offered", "is_active"]
    list_filter = ["kind", "is_offered", "is_active"]
    search_fields = ["name", "unit__name"]
    list_select_related = ["unit"]
    raw_id_fields = ["unit"]
    exclude = ["street", "community", "grid", "building"]


@admin.register(UnitProject)
class UnitProjectAdmin(ScopedModelAdmin):
    list_display = ["title", "unit", "state", "starts_on", "ends_on"]
    list_filter = ["state"]
    search_fields = ["title", "unit__name"]
    list_select_related = ["unit"]
    raw_id_fields = ["unit"]
    exclude = ["street", "community", "grid", "building"]


@admin.register(CommunityNeed)
class CommunityNeedAdmin(ReadOnlyMixin, ScopedModelAdmin):
    """Needs are posted and claimed on the units' pages (the claim is a service)."""

    list_display = ["title", "community", "state", "created_at"]
    list_filter = ["state"]
    search_fields = ["title", "description"]
    list_select_related = ["community"]


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["title", "unit", "side", "state", "signed_at"]
    list_filter = ["side", "state"]
    search_fields = ["title", "unit__name"]
    list_select_related = ["unit"]


@admin.register(ResourceRequest)
class ResourceRequestAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["resource", "requester_name", "state", "starts_at", "created_at"]
    list_filter = ["state"]
    list_select_related = ["resource"]
    raw_id_fields = ["resource", "requested_by", "answered_by"]

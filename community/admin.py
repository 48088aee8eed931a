from django.contrib import admin

from core.readonly_admin import ReadOnlyMixin
from grid.scoped_admin import ScopedModelAdmin

from .models import Appointment, AppointmentSlot, BoardPost, Notice


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

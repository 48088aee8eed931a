"""The outbox and the inboxes in Django admin: read-only (only services write them).
They hold phones and personal news, so only superusers see them (no role grants them)."""

from django.contrib import admin

from .admin import ReadOnlyMixin
from .models import Notification, OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["id", "channel", "recipient", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["state", "channel"]
    list_select_related = ["recipient"]
    search_fields = ["dedupe_key"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["id", "user", "kind", "title", "created_at", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["user"]
    raw_id_fields = ["user", "request", "source"]
    date_hierarchy = "created_at"
    show_full_result_count = False

"""The outbox and the inboxes in Django admin: read-only (only services write them),
for the county (the model permissions of ``notify``, granted to roles by grid).
Phones in the outbox are shown masked."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.masking import mask_phone
from core.readonly_admin import ReadOnlyMixin

from .models import Notification, OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["id", "channel", "recipient", "state", "attempts", "created_at", "sent_at"]
    fields = [
        "channel",
        "recipient",
        "dedupe_key",
        "state",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
        "message",
    ]
    readonly_fields = fields
    list_filter = ["state", "channel"]
    list_select_related = ["recipient"]
    search_fields = ["dedupe_key"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    @admin.display(description=_("message"))
    def message(self, obj):
        payload = dict(obj.payload) if isinstance(obj.payload, dict) else {}
        if payload.get("phone"):
            payload["phone"] = mask_phone(payload["phone"])
        return payload


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["id", "user", "kind", "title", "created_at", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["user"]
    raw_id_fields = ["user", "source"]
    date_hierarchy = "created_at"
    show_full_result_count = False

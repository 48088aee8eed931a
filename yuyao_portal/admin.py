from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts are managed county-wide: a county admin's post grants these model
    permissions; users are not objects of the net."""

    fieldsets = DjangoUserAdmin.fieldsets + ((_("Portal"), {"fields": ("display_name",)}),)
    list_display = ["username", "display_name", "is_staff", "is_active", "last_login"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    show_full_result_count = False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("yuyao_portal.view_user")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("yuyao_portal.change_user")

    def has_add_permission(self, request):
        return request.user.has_perm("yuyao_portal.add_user")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail, read-only for everyone, superusers included."""

    list_display = ["at", "kind", "actor_name", "target_text", "address"]
    list_filter = ["kind"]
    search_fields = ["actor_name", "target_text", "address"]
    date_hierarchy = "at"
    show_full_result_count = False
    readonly_fields = [
        "at",
        "kind",
        "actor",
        "actor_name",
        "target_type",
        "target_id",
        "target_text",
        "address",
        "details",
    ]

    def get_actions(self, request):
        return {}

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("yuyao_portal.view_auditevent")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

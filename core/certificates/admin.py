from django.contrib import admin

from core.readonly_admin import ReadOnlyMixin

from .models import Certificate


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read in admin by the superusers only: certificates are issued and revoked by the
    services of the modes, each scoped to its own records."""

    list_display = ["number", "title", "issuer_name", "issued_on", "revoked_at"]
    search_fields = ["number"]
    list_filter = ["kind"]
    date_hierarchy = "issued_on"
    exclude = ["holder_name"]

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_module_permission(self, request):
        return request.user.is_superuser

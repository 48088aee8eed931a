"""Partner keys are issued in Django admin, scoped like everything else: a street office
issues keys bound to its street or its communities; the plain key is shown once."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _

from ..models import Open311Key
from ..scoped_admin import ScopedModelAdmin


@admin.register(Open311Key)
class Open311KeyAdmin(ScopedModelAdmin):
    list_display = ["name", "key_prefix", "street", "community", "is_active", "created_at"]
    list_filter = ["is_active"]
    list_select_related = ["street", "community"]
    search_fields = ["name", "key_prefix"]
    fields = ["name", "street", "community", "is_active", "key_prefix", "created_at"]
    readonly_fields = ["key_prefix", "created_at"]
    autocomplete_fields = ["street", "community"]
    actions = ["issue_new_keys"]

    def save_model(self, request, obj, form, change):
        plain = None if change else obj.set_new_key()
        super().save_model(request, obj, form, change)
        if plain:
            self._show_key(request, obj, plain)

    def _show_key(self, request, obj, plain):
        self.message_user(
            request,
            _("The key of %(name)s is %(key)s. Copy it now: it is not shown again.")
            % {"name": obj.name, "key": plain},
            messages.WARNING,
        )

    @admin.action(description=_("Issue new keys (the old ones stop working)"))
    def issue_new_keys(self, request, queryset):
        for key in queryset:
            if not request.user.has_perm("grid.change_open311key", key):
                continue
            plain = key.set_new_key()
            key.save(update_fields=["key_hash", "key_prefix"])
            self._show_key(request, key, plain)

"""The scoped base class of Django admin. Every ModelAdmin of a scoped model uses it."""

from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.db import connections, transaction
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from .scoping import OutOfScope, filter_for_user, is_scoped, perm_name, verify_in_scope


class EstimatedCountPaginator(Paginator):
    """The admin's paginator for huge tables: the unfiltered table of a superuser is
    counted from PostgreSQL's statistics (``pg_class.reltuples``) instead of a full
    ``count(*)`` of millions of rows; any filtered or scoped list is counted exactly
    (its count uses the index of its filter)."""

    ESTIMATE_ABOVE = 100_000

    @cached_property
    def count(self):
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is not None and not query.where and not query.distinct:
            connection = connections[queryset.db]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                        [queryset.model._meta.db_table],
                    )
                    row = cursor.fetchone()
                if row and row[0] > self.ESTIMATE_ABOVE:
                    return row[0]
        return super().count


class ScopedModelAdmin(admin.ModelAdmin):
    """Rows, lookups and foreign-key choices are the user's scope; every permission is
    asked of the one mechanism, with the object; saves are verified after writing."""

    show_full_result_count = False

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Out of scope and missing look the same: a 404, not a hint on the index.
        raise Http404(_("No such object in your part of the net."))

    def get_queryset(self, request):
        return filter_for_user(super().get_queryset(request), request.user, "view")

    def _has(self, request, action, obj=None):
        return request.user.has_perm(perm_name(self.model, action), obj)

    def has_view_permission(self, request, obj=None):
        return self._has(request, "view", obj) or self._has(request, "change", obj)

    def has_add_permission(self, request):
        return self._has(request, "add")

    def has_change_permission(self, request, obj=None):
        return self._has(request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return self._has(request, "delete", obj)

    def has_module_permission(self, request):
        return request.user.has_module_perms(self.opts.app_label)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and is_scoped(db_field.related_model):
            field.queryset = filter_for_user(field.queryset, request.user, "view")
        return field

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            verify_in_scope(request.user, obj, "change" if change else "add")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except OutOfScope as exc:
            # The write was rolled back: say why and go back to the list.
            self.message_user(request, str(exc), messages.ERROR)
            return self.response_post_save_change(request, None)

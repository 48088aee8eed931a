from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination, PageNumberPagination

from .apiinput import RULE


def bounded(parameters, *, page_size_max: int):
    """The page and page size parameters of the schema, with the bounds the paginator
    applies: pages from 1, page sizes from 1 to the maximum."""
    for parameter in parameters:
        schema = parameter.get("schema", {})
        if parameter["name"] == "page":
            schema.update(minimum=1, maximum=2**31 - 1)
        elif parameter["name"] == "page_size":
            schema.update(minimum=1, maximum=page_size_max)
    return parameters


class StrictPageSize:
    """A page size outside 1 to ``max_page_size`` is refused (a 400), not silently
    replaced."""

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise serializers.ValidationError(
                {
                    self.page_size_query_param: [
                        _("Give a whole number from 1 to %(max)s.") % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        return bounded(parameters, page_size_max=self.max_page_size)


class PortalPagination(StrictPageSize, PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        page = request.query_params.getlist(self.page_query_param)
        if page and (len(page) > 1 or not page[0].isdigit() or int(page[0]) < 1):
            raise serializers.ValidationError(
                {self.page_query_param: [_("Give a whole number from 1.")]}
            )
        return super().paginate_queryset(queryset, request, view)


class PortalCursorPagination(StrictPageSize, CursorPagination):
    """Cursor paging; a cursor that denotes no position (tampered, or from another
    list) is refused as such (a 422)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound as exc:
            raise serializers.ValidationError(
                {self.cursor_query_param: [self.invalid_cursor_message]}, code=RULE
            ) from exc


class PortalPaginationMixin:
    """Paging that never fails: a page number that is not one shows the nearest page."""

    paginate_by = 20

    def paginate_queryset(self, queryset, page_size):
        paginator = Paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

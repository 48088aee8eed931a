"""The one way a photo of a request leaves the server: to a signed-in user who may see
the request. Out of scope, missing and anonymous all look the same: 404."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views import View

from ..models import RequestPhoto, ServiceRequest
from ..scoped_views import ScopedViewMixin


class RequestPhotoView(ScopedViewMixin, View):
    """Streams one photo (or its thumbnail), never cached by shared caches."""

    model = ServiceRequest
    http_method_names = ["get", "head"]
    thumbnail = False

    def handle_no_permission(self):
        raise Http404  # anonymous visitors learn nothing, not even that the photo exists

    def get(self, request, pk, photo):
        item = get_object_or_404(ServiceRequest.objects.for_user(request.user), pk=pk)
        photo = get_object_or_404(RequestPhoto, pk=photo, request=item)
        stored = photo.thumbnail if self.thumbnail else photo.image
        try:
            handle = stored.open("rb")
        except (FileNotFoundError, ValueError) as exc:
            raise Http404 from exc
        content_type = "image/jpeg" if self.thumbnail else photo.content_type
        response = FileResponse(handle, content_type=content_type)
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Disposition"] = "inline"
        return response

"""The portal's URLs plus views that fail as a database out of reach would, for the 503
handler's tests (tests/yuyao_portal/test_unavailable.py)."""

from django.db import OperationalError
from django.urls import path

from yuyao_portal.urls import handler500  # noqa: F401  (looked up in the root URLconf)
from yuyao_portal.urls import urlpatterns as portal_urlpatterns


def database_down(request):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def broken(request):
    raise RuntimeError("a bug, not the database")


urlpatterns = [
    path("api/v1/database-down/", database_down),
    path("open311/v2/database-down.json", database_down),
    path("open311/v2/database-down.xml", database_down),
    path("database-down/", database_down),
    path("broken/", broken),
    *portal_urlpatterns,
]

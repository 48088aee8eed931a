from django.urls import path, re_path

from . import views

app_name = "open311"
FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    path("", views.NotFoundView.as_view(), name="root"),
    re_path(r"^discovery" + FMT, views.DiscoveryView.as_view(), name="discovery"),
    re_path(r"^services" + FMT, views.ServiceListView.as_view(), name="services"),
    re_path(
        r"^services/(?P<code>[A-Za-z0-9_-]{1,64})" + FMT,
        views.ServiceDefinitionView.as_view(),
        name="service",
    ),
    re_path(r"^requests" + FMT, views.RequestListView.as_view(), name="requests"),
    re_path(
        r"^requests/(?P<request_id>[A-Za-z0-9_-]{1,64})" + FMT,
        views.RequestDetailView.as_view(),
        name="request",
    ),
    re_path(
        r"^tokens/(?P<token>[A-Za-z0-9_-]{1,64})" + FMT, views.TokenView.as_view(), name="token"
    ),
    re_path(r"^.*$", views.NotFoundView.as_view(), name="not-found"),
]

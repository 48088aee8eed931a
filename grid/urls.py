from django.urls import path, register_converter

from . import views
from .converters import IdConverter

register_converter(IdConverter, "id")

app_name = "grid"

urlpatterns = [
    path("streets/", views.StreetListView.as_view(), name="street-list"),
    path("streets/<id:pk>/", views.StreetDetailView.as_view(), name="street-detail"),
    path("communities/<id:pk>/", views.CommunityDetailView.as_view(), name="community-detail"),
    path("grids/<id:pk>/", views.GridDetailView.as_view(), name="grid-detail"),
    path("buildings/<id:pk>/", views.BuildingDetailView.as_view(), name="building-detail"),
]

"""Community life, mounted at /community/; the page named "home" is its menu entry."""

from django.urls import path, register_converter
from django.urls.converters import get_converters

from grid.converters import IdConverter

from . import board_views, notice_views, views

if "id" not in get_converters():  # grid's URLs register it first in the portal
    register_converter(IdConverter, "id")

app_name = "community"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("day/", views.DayView.as_view(), name="day"),
    path("board/", board_views.BoardView.as_view(), name="board"),
    *[
        path(
            f"board/<id:pk>/{step}/",
            board_views.BoardActionView.as_view(),
            {"step": step},
            name=f"board-{step}",
        )
        for step in ("answer", "hide", "restore", "report")
    ],
    path("notices/", notice_views.NoticeListView.as_view(), name="notices"),
    path("notices/new/", notice_views.NoticeCreateView.as_view(), name="notice-new"),
    path("notices/<id:pk>/", notice_views.NoticeDetailView.as_view(), name="notice-detail"),
    path("slots/open/", views.OpenSlotsView.as_view(), name="slot-open"),
    path("slots/<id:pk>/book/", views.BookView.as_view(), name="slot-book"),
    path("slots/<id:pk>/close/", views.CloseSlotView.as_view(), name="slot-close"),
    path("appointments/<id:pk>/cancel/", views.CancelView.as_view(), name="appointment-cancel"),
    path(
        "appointments/<id:pk>/attended/",
        views.OutcomeView.as_view(),
        {"outcome": "attended"},
        name="appointment-attended",
    ),
    path(
        "appointments/<id:pk>/missed/",
        views.OutcomeView.as_view(),
        {"outcome": "missed"},
        name="appointment-missed",
    ),
]

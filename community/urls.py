"""Community life, mounted at /community/; the page named "home" is its menu entry."""

from django.urls import path, register_converter
from django.urls.converters import get_converters

from grid.converters import IdConverter

from . import board_views, emergency_views, group_views, notice_views, unit_views, views

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
    path("groups/", group_views.GroupListView.as_view(), name="groups"),
    path("groups/<id:pk>/", group_views.GroupDetailView.as_view(), name="group-detail"),
    *[
        path(
            f"groups/<id:pk>/{step}/",
            group_views.GroupActionView.as_view(),
            {"step": step},
            name=f"group-{step}",
        )
        for step in ("join", "leave", "post", "hide", "close")
    ],
    path("notices/", notice_views.NoticeListView.as_view(), name="notices"),
    path("notices/new/", notice_views.NoticeCreateView.as_view(), name="notice-new"),
    path("notices/<id:pk>/", notice_views.NoticeDetailView.as_view(), name="notice-detail"),
    path("emergencies/", emergency_views.EmergencyListView.as_view(), name="emergencies"),
    path("emergencies/new/", emergency_views.EmergencyCreateView.as_view(), name="emergency-new"),
    path(
        "emergencies/<id:pk>/",
        emergency_views.EmergencyDetailView.as_view(),
        name="emergency-detail",
    ),
    path(
        "emergencies/<id:pk>/answer/",
        emergency_views.AnswerView.as_view(),
        name="emergency-answer",
    ),
    path("emergencies/<id:pk>/close/", emergency_views.CloseView.as_view(), name="emergency-close"),
    path("units/", unit_views.UnitListView.as_view(), name="units"),
    path("units/requests/", unit_views.RequestListView.as_view(), name="unit-requests"),
    path("units/<id:pk>/", unit_views.UnitDetailView.as_view(), name="unit-detail"),
    *[
        path(
            f"units/<id:pk>/{step}/",
            unit_views.UnitActionView.as_view(),
            {"step": step},
            name=f"unit-{step}",
        )
        for step in ("request", "claim-need", "claim-offer", "deliver")
    ],
    *[
        path(
            f"units/requests/<id:pk>/{step}/",
            unit_views.RequestActionView.as_view(),
            {"step": step},
            name=f"unit-request-{step}",
        )
        for step in ("accept", "decline", "deliver", "cancel")
    ],
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

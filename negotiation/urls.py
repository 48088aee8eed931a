"""The negotiation pages, mounted at /negotiation/; the page named "home" is its menu entry."""

from django.urls import path, register_converter
from django.urls.converters import get_converters

from grid.converters import IdConverter

from . import views, workbench

if "id" not in get_converters():  # grid's URLs register it first in the portal
    register_converter(IdConverter, "id")

app_name = "negotiation"

STEPS = {
    "topic": ["support", "review"],
    "meeting": ["online", "room", "proxy", "revoke", "open", "close", "countersign"],
    "vote": ["cast", "proxy", "revoke", "open", "close", "tally", "reconcile", "sign_off"],
    "resolution": ["object", "progress", "satisfied", "unsatisfied"],
}

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("work/", views.WorkbenchView.as_view(), name="work"),
    path("topics/new/", views.TopicCreateView.as_view(), name="topic-new"),
    path("topics/<id:pk>/", views.TopicView.as_view(), name="topic"),
    path("meetings/<id:pk>/", views.MeetingView.as_view(), name="meeting"),
    path("meetings/<id:pk>/qr/", views.MeetingQrView.as_view(), name="meeting-qr"),
    path("meetings/<id:pk>/checkin/", views.MeetingCheckinView.as_view(), name="meeting-checkin"),
    path("votes/<id:pk>/", views.VoteView.as_view(), name="vote"),
    path("resolutions/<id:pk>/", views.ResolutionView.as_view(), name="resolution"),
    # The office's workbench pages (negotiation/workbench.py).
    path("work/board/", workbench.BoardView.as_view(), name="board"),
    path("work/board.xlsx", workbench.BoardExportView.as_view(), name="board-export"),
    path("topics/<id:pk>/convene/", workbench.ConveneView.as_view(), name="topic-convene"),
    path(
        "topics/<id:pk>/votes/new/",
        workbench.VoteCreateView.as_view(),
        {"kind": "topic"},
        name="topic-vote-new",
    ),
    path(
        "meetings/<id:pk>/votes/new/",
        workbench.VoteCreateView.as_view(),
        {"kind": "meeting"},
        name="meeting-vote-new",
    ),
    path("meetings/<id:pk>/minutes/", workbench.MinutesView.as_view(), name="meeting-minutes"),
    path(
        "meetings/<id:pk>/sign-in-sheet.xlsx",
        workbench.AttendanceExportView.as_view(),
        name="meeting-export",
    ),
    path("votes/<id:pk>/paper/", workbench.PaperView.as_view(), name="vote-paper"),
    path("votes/<id:pk>/ballots.xlsx", workbench.BallotExportView.as_view(), name="vote-export"),
    path(
        "votes/<id:pk>/resolution/",
        workbench.ResolutionCreateView.as_view(),
        name="vote-resolution",
    ),
    path("resolutions/<id:pk>/tasks/", workbench.TaskCreateView.as_view(), name="resolution-task"),
    path("resolutions/<id:pk>/answer/", workbench.AnswerView.as_view(), name="resolution-answer"),
    *[
        path(
            f"{model}s/<id:pk>/{step.replace('_', '-')}/",
            views.StepView.as_view(),
            {"model": model, "step": step},
            name=f"{model}-{step.replace('_', '-')}",
        )
        for model, steps in STEPS.items()
        for step in steps
    ],
]

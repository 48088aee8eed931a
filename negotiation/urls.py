"""The negotiation pages, mounted at /negotiation/; the page named "home" is its menu entry."""

from django.urls import path, register_converter
from django.urls.converters import get_converters

from grid.converters import IdConverter

from . import views

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

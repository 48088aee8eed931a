from django.contrib import admin

from core.readonly_admin import ReadOnlyMixin
from grid.scoped_admin import ScopedModelAdmin

from .models import HouseholdArea, Meeting, Resolution, Topic, Vote


@admin.register(Topic)
class TopicAdmin(ReadOnlyMixin, ScopedModelAdmin):
    """Topics are reviewed on the workbench (the services keep the timeline)."""

    list_display = ["title", "state", "community", "building", "supports", "created_at"]
    list_filter = ["state"]
    search_fields = ["title", "description"]
    date_hierarchy = "created_at"
    list_select_related = ["community", "building"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["title", "mode", "state", "starts_at", "community"]
    list_filter = ["mode", "state"]
    search_fields = ["title", "place"]
    list_select_related = ["community"]


@admin.register(Vote)
class VoteAdmin(ReadOnlyMixin, ScopedModelAdmin):
    """Votes are opened, closed and counted on the workbench; ballots never here."""

    list_display = ["question", "basis", "state", "opens_at", "closes_at", "community"]
    list_filter = ["basis", "state"]
    search_fields = ["question"]
    list_select_related = ["community"]


@admin.register(Resolution)
class ResolutionAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["title", "state", "notice_ends", "community"]
    list_filter = ["state"]
    search_fields = ["title", "text"]
    list_select_related = ["community"]


@admin.register(HouseholdArea)
class HouseholdAreaAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["household", "area", "building"]
    raw_id_fields = ["household"]
    list_select_related = ["household__building", "building"]

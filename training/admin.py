from django.contrib import admin

from core.readonly_admin import ReadOnlyMixin
from grid.scoped_admin import ScopedModelAdmin

from .models import (
    Attendance,
    Campaign,
    Compliance,
    Course,
    Enrolment,
    GradeRecord,
    Nomination,
    Qualification,
    Session,
)


@admin.register(Course)
class CourseAdmin(ReadOnlyMixin, ScopedModelAdmin):
    """Courses are organised on the workbench (the services check hours and capacity)."""

    list_display = ["title", "year", "kind", "street", "community", "hours", "enrolled", "state"]
    list_filter = ["year", "kind", "state"]
    search_fields = ["title"]
    list_select_related = ["street", "community"]


@admin.register(Session)
class SessionAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["course", "starts_at", "span", "hours", "place", "state"]
    list_filter = ["span", "state"]
    date_hierarchy = "starts_at"
    list_select_related = ["course"]
    raw_id_fields = ["course"]


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["course", "user", "state", "hours_credited", "completed_on"]
    list_filter = ["state", "course__kind"]
    search_fields = ["user__username", "user__display_name", "course__title"]
    list_select_related = ["course", "user"]
    raw_id_fields = ["course", "user", "post", "makeup_for", "certificate"]


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["session", "user", "status", "method", "hours"]
    list_filter = ["status", "method"]
    list_select_related = ["session__course", "user"]
    raw_id_fields = ["enrolment", "session", "user"]


@admin.register(Compliance)
class ComplianceAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["user", "year", "post", "hours", "quota", "status"]
    list_filter = ["year", "status"]
    search_fields = ["user__username", "user__display_name"]
    list_select_related = ["user", "post"]
    raw_id_fields = ["user", "post"]


@admin.register(Qualification)
class QualificationAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["user", "level", "registered_on", "expires_on"]
    list_filter = ["level"]
    list_select_related = ["user"]
    raw_id_fields = ["user", "post"]


@admin.register(GradeRecord)
class GradeRecordAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["user", "ladder", "grade", "since", "reason"]
    list_filter = ["ladder"]
    list_select_related = ["user"]
    raw_id_fields = ["user", "post", "approved_by", "recorded_by"]


@admin.register(Nomination)
class NominationAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["user", "state", "reason", "created_at"]
    list_filter = ["state"]
    list_select_related = ["user"]
    raw_id_fields = ["user", "post", "nominated_by"]


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyMixin, ScopedModelAdmin):
    """Ratings are not listed anywhere: the campaign page shows only averages."""

    list_display = ["title", "community", "year", "state"]
    list_filter = ["year", "state"]
    list_select_related = ["community"]

from django.contrib import admin

from core.readonly_admin import ReadOnlyMixin
from grid.scoped_admin import ScopedModelAdmin

from .models import (
    Activity,
    Correction,
    HourEntry,
    MemberReport,
    Membership,
    Mobilisation,
    Need,
    NeedClaim,
    Nomination,
    RecordCertificate,
    RecordNote,
    Shift,
    SignUp,
    Team,
    TimeBankEntry,
    Volunteer,
    Wish,
)


@admin.register(Team)
class TeamAdmin(ReadOnlyMixin, ScopedModelAdmin):
    """Teams are created and led on the workbench (the services grant the leader)."""

    list_display = ["name", "kind", "community", "street", "leader", "recruiting"]
    list_filter = ["kind", "recruiting"]
    search_fields = ["name"]
    list_select_related = ["community", "street", "leader"]


@admin.register(Volunteer)
class VolunteerAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["name", "community", "confirmed_hours", "in_service_member", "consent_at"]
    list_filter = ["in_service_member"]
    search_fields = ["name"]
    list_select_related = ["community"]
    exclude = ["phone"]
    raw_id_fields = ["user", "resident"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["team", "volunteer", "role", "state", "created_at"]
    list_filter = ["state", "role"]
    list_select_related = ["team", "volunteer"]
    raw_id_fields = ["team", "volunteer", "decided_by"]


@admin.register(Activity)
class ActivityAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["title", "team", "place", "state", "dangerous", "created_at"]
    list_filter = ["state", "dangerous", "time_bank"]
    search_fields = ["title", "place"]
    list_select_related = ["team"]
    raw_id_fields = ["team", "organiser"]


@admin.register(Shift)
class ShiftAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["activity", "starts_at", "ends_at", "capacity", "booked"]
    date_hierarchy = "starts_at"
    list_select_related = ["activity"]
    raw_id_fields = ["activity"]


@admin.register(SignUp)
class SignUpAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["shift", "volunteer", "state", "checked_in_at", "checked_out_at"]
    list_filter = ["state"]
    list_select_related = ["shift__activity", "volunteer"]
    raw_id_fields = ["shift", "volunteer"]


@admin.register(HourEntry)
class HourEntryAdmin(ReadOnlyMixin, ScopedModelAdmin):
    """Hours are confirmed and corrected on the workbench (with their timeline)."""

    list_display = ["volunteer", "activity", "served_on", "hours", "state", "source"]
    list_filter = ["state", "source"]
    date_hierarchy = "served_on"
    list_select_related = ["volunteer", "activity"]
    raw_id_fields = ["volunteer", "activity", "team", "signup", "entered_by", "confirmed_by"]
    show_full_result_count = False


@admin.register(Correction)
class CorrectionAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["entry", "hours", "state", "due_at"]
    list_filter = ["state"]
    raw_id_fields = ["entry", "answered_by"]


@admin.register(RecordNote)
class RecordNoteAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["title", "kind", "volunteer", "team", "on"]
    list_filter = ["kind"]
    raw_id_fields = ["volunteer", "team", "recorded_by"]


@admin.register(RecordCertificate)
class RecordCertificateAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["certificate", "volunteer", "team", "hours", "created_at"]
    list_select_related = ["certificate", "volunteer", "team"]
    raw_id_fields = ["certificate", "volunteer", "team"]


@admin.register(TimeBankEntry)
class TimeBankEntryAdmin(ReadOnlyMixin, ScopedModelAdmin):
    """The ledger is never edited: a mistake is reversed by a new row."""

    list_display = ["volunteer", "seq", "kind", "amount", "balance", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["volunteer"]
    raw_id_fields = ["volunteer", "hour_entry", "reverses", "recorded_by"]
    show_full_result_count = False


@admin.register(MemberReport)
class MemberReportAdmin(ReadOnlyMixin, ScopedModelAdmin):
    """Members report on their page and are placed on the workbench."""

    list_display = ["volunteer", "workplace", "community", "state", "placed_grid", "team"]
    list_filter = ["state"]
    search_fields = ["workplace", "volunteer__name"]
    list_select_related = ["volunteer", "community", "placed_grid", "team"]
    raw_id_fields = ["volunteer", "placed_grid", "team", "placed_by"]


@admin.register(Need)
class NeedAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["title", "community", "tag", "places", "claimed", "state", "created_at"]
    list_filter = ["state", "tag"]
    search_fields = ["title"]
    list_select_related = ["community"]
    raw_id_fields = ["posted_by"]


@admin.register(NeedClaim)
class NeedClaimAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["need", "volunteer", "state", "created_at", "confirmed_at"]
    list_filter = ["state"]
    list_select_related = ["need", "volunteer"]
    raw_id_fields = ["need", "volunteer", "confirmed_by"]


@admin.register(Wish)
class WishAdmin(ReadOnlyMixin, ScopedModelAdmin):
    """The resident is shown by record (the admin's scope); names are on the pages."""

    list_display = ["title", "community", "state", "claimed_by", "created_at"]
    list_filter = ["state"]
    search_fields = ["title"]
    list_select_related = ["community", "claimed_by"]
    raw_id_fields = ["resident", "claimed_by", "claimer"]


@admin.register(Mobilisation)
class MobilisationAdmin(ReadOnlyMixin, ScopedModelAdmin):
    """Mobilisations are started and closed on the workbench."""

    list_display = ["title", "community", "grid", "building", "state", "started_at"]
    list_filter = ["state"]
    search_fields = ["title"]
    list_select_related = ["community", "grid", "building"]
    raw_id_fields = ["started_by"]


@admin.register(Nomination)
class NominationAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["mobilisation", "household", "building", "created_at"]
    list_select_related = ["mobilisation", "household", "building"]
    raw_id_fields = ["mobilisation", "household", "resident", "nominated_by"]

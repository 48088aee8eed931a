"""Funding in Django admin: every money record is read here (only the services write
them, with their locks and timelines); the county keeps the admitted-work list here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.readonly_admin import ReadOnlyMixin
from grid.scoped_admin import ScopedModelAdmin

from .models import (
    AdmissionApplication,
    AdmissionItem,
    AdmissionList,
    BurdenReport,
    CommunityTask,
    Disclosure,
    Expenditure,
    Fund,
    LedgerEntry,
    Project,
    VentureCall,
    yuan,
)


def _yuan(field, label):
    def show(obj):
        return f"¥{yuan(getattr(obj, field))}"

    show.short_description = label
    show.admin_order_field = field
    return show


@admin.register(Fund)
class FundAdmin(ReadOnlyMixin, ScopedModelAdmin):
    """Funds are opened and topped up through the services (the ledger keeps each yuan)."""

    list_display = [
        "name",
        "year",
        "source",
        "community",
        "street",
        _yuan("budget", _("budget")),
        _yuan("committed", _("committed")),
        _yuan("spent", _("spent")),
    ]
    list_filter = ["source", "year"]
    search_fields = ["name"]
    list_select_related = ["community", "street"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyMixin, ScopedModelAdmin):
    """The ledger: never edited or deleted, only reversed (on the fund's page or API)."""

    list_display = ["booked_on", "kind", "fund", _yuan("amount", _("amount")), "memo"]
    list_filter = ["kind", "booked_on"]
    search_fields = ["memo"]
    date_hierarchy = "booked_on"
    list_select_related = ["fund"]


@admin.register(Project)
class ProjectAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["title", "state", "community", _yuan("budget", _("budget")), "created_at"]
    list_filter = ["state", "category"]
    search_fields = ["title", "needs"]
    list_select_related = ["community"]


@admin.register(Expenditure)
class ExpenditureAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["purpose", "state", "fund", "payee", _yuan("amount", _("amount")), "created_at"]
    list_filter = ["state", "category"]
    search_fields = ["purpose", "payee", "invoice_numbers"]
    date_hierarchy = "created_at"
    list_select_related = ["fund"]


@admin.register(Disclosure)
class DisclosureAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["title", "area", "cadence", "state", "due_on", "community"]
    list_filter = ["area", "cadence", "state"]
    search_fields = ["title"]
    list_select_related = ["community"]


@admin.register(AdmissionApplication)
class AdmissionApplicationAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["title", "department", "state", "track", "number", "review_due"]
    list_filter = ["state", "track"]
    search_fields = ["title", "department", "number"]


@admin.register(CommunityTask)
class CommunityTaskAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["title", "department", "community", "state", "number"]
    list_filter = ["state"]
    search_fields = ["title", "department", "number"]
    list_select_related = ["community"]


@admin.register(BurdenReport)
class BurdenReportAdmin(ReadOnlyMixin, ScopedModelAdmin):
    """Reports of burdens put on communities; who reported is never shown here (a
    report may be anonymous)."""

    list_display = ["department", "community", "reported_on"]
    exclude = ["reporter"]
    search_fields = ["department", "description"]
    list_select_related = ["community"]


@admin.register(VentureCall)
class VentureCallAdmin(ReadOnlyMixin, ScopedModelAdmin):
    list_display = ["title", "state", "fund", _yuan("pool", _("pool")), "apply_until"]
    list_filter = ["state"]
    search_fields = ["title"]
    list_select_related = ["fund"]


class AdmissionItemInline(admin.TabularInline):
    model = AdmissionItem
    extra = 1
    fields = ["code", "kind", "title", "deliverable", "keywords", "citation"]


@admin.register(AdmissionList)
class AdmissionListAdmin(admin.ModelAdmin):
    """The county's admitted-work list (社区工作准入清单): a new version with its items
    comes into force on its date; applications are matched against the one in force."""

    list_display = ["number", "in_force_from", "note"]
    inlines = [AdmissionItemInline]

"""The admin of rule values (for county admins: Django model permissions
``rules.add_rulevalue``, ``rules.change_rulevalue``, ``rules.delete_rulevalue``; the roles
that grant them are wired by ``grid``) and the read-only history.

Saves and deletions go through ``core.rules.services``; a bad value is a form error from
``RuleValue.clean()`` and nothing is saved. A row's identity (parameter, scope, id, date in
force) is fixed once created: a new value from another date is a new row.
"""

from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import registry
from .models import RuleChange, RuleValue
from .services import delete_rule, set_rule

IDENTITY = ("key", "scope", "scope_id", "in_force_from")


def _key_choices():
    choices = [("", "---------")]
    for parameter in registry.all_parameters():
        label = f"{parameter.key} — {parameter.label}" if parameter.label else parameter.key
        if parameter.unit:
            label = f"{label} ({parameter.unit})"
        choices.append((parameter.key, label))
    return choices


def _bound(parameter, bound) -> str:
    return "" if bound is None else registry.format_value(parameter, bound)


def describe(parameter) -> str:
    """One line on a parameter: what it is, its unit, bounds, default and source."""
    parts = [str(parameter.label or parameter.key)]
    if parameter.help:
        parts.append(str(parameter.help))
    if parameter.unit:
        parts.append(gettext("Unit: %(unit)s") % {"unit": parameter.unit})
    if parameter.minimum is not None or parameter.maximum is not None:
        low = _bound(parameter, parameter.minimum)
        high = _bound(parameter, parameter.maximum)
        parts.append(gettext("Range: %(low)s–%(high)s") % {"low": low, "high": high})
    if parameter.choices:
        shown = ", ".join(f"{value} ({label})" for value, label in parameter.choices)
        parts.append(gettext("Choices: %(choices)s") % {"choices": shown})
    default = registry.format_value(parameter, parameter.default)
    parts.append(gettext("Default: %(default)s") % {"default": default})
    if parameter.source:
        parts.append(gettext("Source: %(source)s") % {"source": parameter.source})
    return "; ".join(parts)


class RuleValueForm(forms.ModelForm):
    key = forms.ChoiceField(label=_("parameter"), choices=_key_choices)

    class Meta:
        model = RuleValue
        fields = ["key", "scope", "scope_id", "value", "in_force_from", "source_title", "note"]
        widgets = {"value": forms.TextInput(attrs={"size": 40})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        key = self.instance.key if self.instance.pk else None
        if self.is_bound and "key" in self.fields:
            key = self.data.get(self.add_prefix("key")) or key
        if key and registry.is_registered(key) and "value" in self.fields:
            self.fields["value"].help_text = describe(registry.get_parameter(key))


@admin.register(RuleValue)
class RuleValueAdmin(admin.ModelAdmin):
    form = RuleValueForm
    list_display = (
        "key",
        "parameter_label",
        "unit",
        "scope",
        "scope_id",
        "value",
        "in_force_from",
        "source",
        "changed_at",
    )
    list_filter = ("scope", "in_force_from")
    search_fields = ("key", "value", "source_title", "note")
    ordering = ("key", "scope", "scope_id", "-in_force_from")

    def get_fields(self, request, obj=None):
        fields = ["key", "about", "scope", "scope_id", "value", "in_force_from"]
        fields += ["source_title", "note"]
        if obj is not None:
            fields += ["changed_by", "changed_at", "history"]
        return fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("about",)
        return (*IDENTITY, "about", "changed_by", "changed_at", "history")

    @admin.display(description=_("parameter name"))
    def parameter_label(self, obj):
        parameter = obj.parameter
        if parameter is None:
            return gettext("(unknown parameter)")
        return parameter.label or ""

    @admin.display(description=_("unit of measure"))
    def unit(self, obj):
        parameter = obj.parameter
        return "" if parameter is None else parameter.unit

    @admin.display(description=_("source"))
    def source(self, obj):
        if obj.source_title:
            return obj.source_title
        parameter = obj.parameter
        return "" if parameter is None else parameter.source

    @admin.display(description=_("about the parameter"))
    def about(self, obj):
        if obj is not None and obj.pk:
            parameter = obj.parameter
            if parameter is None:
                return gettext("(unknown parameter)")
            return describe(parameter)
        parameters = registry.all_parameters()
        if not parameters:
            return gettext("No rule parameter is registered.")
        return format_html(
            "<dl>{}</dl>",
            format_html_join(
                "", "<dt>{}</dt><dd>{}</dd>", ((p.key, describe(p)) for p in parameters)
            ),
        )

    @admin.display(description=_("history"))
    def history(self, obj):
        if obj is None or not obj.pk:
            return ""
        changes = RuleChange.objects.filter(key=obj.key, scope=obj.scope, scope_id=obj.scope_id)[
            :20
        ]
        if not changes:
            return ""
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} {} {}: {} → {} ({})</li>",
                (
                    (
                        f"{change.changed_at:%Y-%m-%d %H:%M}",
                        change.in_force_from,
                        change.get_action_display(),
                        change.old_value,
                        change.new_value,
                        change.changed_by_name,
                    )
                    for change in changes
                ),
            ),
        )

    def save_model(self, request, obj, form, change):
        saved = set_rule(
            key=obj.key,
            value=obj.value,
            scope=obj.scope,
            scope_id=obj.scope_id,
            in_force_from=obj.in_force_from,
            source_title=obj.source_title,
            note=obj.note,
            by=request.user,
        )
        obj.pk = saved.pk
        obj.value = saved.value
        obj.changed_by = saved.changed_by
        obj.changed_at = saved.changed_at
        obj._state.adding = False
        obj._state.db = saved._state.db

    def delete_model(self, request, obj):
        delete_rule(rule_value=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for rule_value in queryset:
            delete_rule(rule_value=rule_value, by=request.user)


@admin.register(RuleChange)
class RuleChangeAdmin(admin.ModelAdmin):
    list_display = (
        "changed_at",
        "key",
        "scope",
        "scope_id",
        "in_force_from",
        "action",
        "old_value",
        "new_value",
        "changed_by_name",
    )
    list_filter = ("action", "scope")
    search_fields = ("key", "old_value", "new_value", "changed_by_name")
    date_hierarchy = "changed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

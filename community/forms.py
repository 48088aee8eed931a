import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from grid.models import Community

from .models import MAX_CAPACITY, EmergencyKind, RollCallAnswer, Service


class OpenSlotsForm(forms.Form):
    community = forms.ModelChoiceField(queryset=Community.objects.none(), label=_("Community"))
    service = forms.ChoiceField(choices=Service.choices, label=_("Service"))
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(
        label=_("From"),
        initial=datetime.time(18, 0),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    end = forms.TimeField(
        label=_("Until"),
        initial=datetime.time(20, 0),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    minutes = forms.IntegerField(
        label=_("Minutes per slot"), min_value=10, max_value=240, initial=30
    )
    capacity = forms.IntegerField(
        label=_("People per slot"), min_value=1, max_value=MAX_CAPACITY, initial=1
    )
    place = forms.CharField(label=_("Place"), max_length=100, required=False)

    def __init__(self, *args, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if communities is not None:
            self.fields["community"].queryset = communities
            only = list(communities[:2])
            if len(only) == 1:
                self.fields["community"].initial = only[0].pk


class DayForm(forms.Form):
    date = forms.DateField(
        label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class BookForm(forms.Form):
    note = forms.CharField(label=_("What it is about (optional)"), max_length=200, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class NoticeForm(forms.Form):
    node = forms.ChoiceField(label=_("To"))
    title = forms.CharField(label=_("Title"), max_length=100)
    body = forms.CharField(
        label=_("Text"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args, nodes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.nodes = {f"{node.tier.value}:{node.pk}": node for node in nodes}
        self.fields["node"].choices = [(key, node.name) for key, node in self.nodes.items()]

    def clean_node(self):
        return self.nodes[self.cleaned_data["node"]]


class EmergencyForm(NoticeForm):
    """An emergency for a node: its kind, title and what households must know."""

    kind = forms.ChoiceField(label=_("Kind"), choices=EmergencyKind.choices)
    message = forms.CharField(
        label=_("Message to households"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    field_order = ["node", "kind", "title", "message"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["body"]
        self.fields["node"].label = _("For")
        self.order_fields(self.field_order)


class RollCallForm(forms.Form):
    status = forms.ChoiceField(label=_("Answer"), choices=RollCallAnswer.Status.choices)
    note = forms.CharField(label=_("What help is needed"), max_length=200, required=False)
    household = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class CloseEmergencyForm(forms.Form):
    note = forms.CharField(
        label=_("Closing note"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

"""Forms of the consultation pages (the services decide; the forms only shape input)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Stakeholder


class TopicForm(forms.Form):
    place = forms.ChoiceField(label=_("Where"))
    title = forms.CharField(label=_("Title"), max_length=100)
    description = forms.CharField(
        label=_("What is the matter"), max_length=4000, widget=forms.Textarea
    )
    stakeholders = forms.MultipleChoiceField(
        label=_("Who it concerns"),
        choices=Stakeholder.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    photo = forms.ImageField(label=_("Photo"), required=False)

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = places


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("accept", _("Accept: gather supports")),
            ("merge", _("Merge into another topic")),
            ("refer", _("Refer to the request loop")),
            ("reject", _("Reject")),
        ],
    )
    reason = forms.CharField(label=_("Reason (shown to the proposer)"), max_length=500)
    into = forms.IntegerField(
        label=_("Merge into topic no."), required=False, min_value=1, max_value=2**31 - 1
    )
    category = forms.IntegerField(
        label=_("Request category no."), required=False, min_value=1, max_value=2**31 - 1
    )


class ProxyForm(forms.Form):
    phone = forms.RegexField(
        label=_("Mobile number of the person you trust"), regex=r"^1[0-9]{10}$"
    )


class TextForm(forms.Form):
    text = forms.CharField(label=_("Text"), max_length=1000)


class ProgressForm(forms.Form):
    task = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("What was done"), max_length=500)
    photo = forms.ImageField(label=_("Photo"), required=False)

"""Forms of the funding pages (the services decide; the forms only shape input)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grid.forms import photos_field

from .models import Category


class ExpenditureForm(forms.Form):
    amount = forms.CharField(
        label=_("Amount (yuan)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "8000.00"}),
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    payee = forms.CharField(label=_("Payee"), max_length=100)
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    project = forms.TypedChoiceField(
        label=_("Project"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [("", _("No project (the fund itself)")), *projects]
        if not projects:
            del self.fields["project"]


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class InvoiceForm(forms.Form):
    photos = photos_field(_("Invoice photos"))


class PayForm(forms.Form):
    invoice_numbers = forms.CharField(label=_("Invoice numbers"), max_length=200)
    paid_on = forms.DateField(
        label=_("Paid on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class PublishForm(forms.Form):
    body = forms.CharField(
        label=_("Text of the disclosure"), max_length=8000, required=False, widget=forms.Textarea
    )


class AskForm(forms.Form):
    text = forms.CharField(
        label=_("Your question"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(forms.Form):
    question = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    text = forms.CharField(
        label=_("Answer"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    needs = forms.CharField(
        label=_("Needs collected"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    need_refs = forms.CharField(
        label=_("References of the needs"),
        max_length=200,
        required=False,
        help_text=_("Needs-list items or consultation resolutions, by reference."),
    )
    budget = forms.CharField(
        label=_("Budget (yuan)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "8000.00"}),
    )


class DecisionForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes of the decision"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    votes_for = forms.IntegerField(label=_("Votes for"), min_value=0, max_value=10000)
    votes_against = forms.IntegerField(label=_("Votes against"), min_value=0, max_value=10000)
    votes_abstain = forms.IntegerField(
        label=_("Abstentions"), min_value=0, max_value=10000, initial=0, required=False
    )
    vote_ref = forms.CharField(
        label=_("Vote reference"),
        max_length=100,
        required=False,
        help_text=_("A consultation vote, as negotiation:vote:<number>."),
    )


class AcceptForm(forms.Form):
    note = forms.CharField(label=_("Acceptance"), max_length=500)

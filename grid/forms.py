import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.apiinput import RULE

from .models import Building
from .pii import validate_phone
from .scoping import restrict_related_choices


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file (.xlsx)"),
        help_text=_("Use the template: one row per resident, the first sheet only."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("Upload an Excel .xlsx file."))
        return upload


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class PhoneForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=11, validators=[validate_phone])


class SignupForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=6, min_length=6)
    name = forms.CharField(label=_("Your name"), max_length=64)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=128)
    password2 = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput, max_length=128
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class HouseholdRequestForm(forms.Form):
    building = forms.ModelChoiceField(queryset=None, label=_("Building"))
    unit = forms.IntegerField(label=_("Unit"), min_value=1, max_value=99)
    room = forms.CharField(label=_("Room"), max_length=16)
    name = forms.CharField(label=_("Your name as in the household register"), max_length=64)
    id_last4 = forms.RegexField(
        label=_("Last four characters of your ID number"),
        regex=r"^[0-9]{3}[0-9Xx]$",
        required=False,
        error_messages={"invalid": _("Four characters: digits, the last may be X.")},
    )

    def __init__(self, *args, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that takes several files (Django's documented pattern)."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; cleans to a list (empty when none is chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_file_clean = super().clean
        if isinstance(data, list | tuple):
            result = [single_file_clean(d, initial) for d in data]
        else:
            result = [single_file_clean(data, initial)]
        return [f for f in result if f]


def photos_field(label):
    """Up to 6 photos from the phone's camera or gallery; checked by content in
    grid/services/photos.py."""
    return MultipleFileField(
        label=label,
        required=False,
        help_text=_("Up to 6 photos (JPEG, PNG or WebP), 10 MB each."),
        widget=MultipleFileInput(attrs={"accept": "image/*"}),
    )


class SubmitRequestForm(forms.Form):
    category = forms.ModelChoiceField(queryset=None, label=_("Category"))
    description = forms.CharField(
        label=_("What is the problem?"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    building = forms.ModelChoiceField(queryset=None, label=_("Where"), required=False)
    is_public = forms.BooleanField(
        label=_("Others in my community may see it (without my name)"), required=False
    )
    photos = photos_field(_("Photos"))

    def __init__(self, *args, categories, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.fields["category"].label_from_instance = str
        self.fields["building"].queryset = buildings


class RequestStepForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=4000, required=False)


class PlaceForm(forms.Form):
    """The place picker of the register step, for a request whose reported place
    matched no building: the buildings of the request's node within the user's scope."""

    building = forms.ModelChoiceField(
        label=_("Building"),
        queryset=Building.objects.none(),
        empty_label=_("Choose the building"),
    )

    def __init__(self, *args, user, request, **kwargs):
        super().__init__(*args, **kwargs)
        within = {
            column: getattr(request, column)
            for column in ("street_id", "community_id")
            if getattr(request, column)
        }
        self.fields["building"].queryset = (
            Building.objects.filter(**within).select_related("grid").order_by("code")
        )
        restrict_related_choices(self.fields, user)


class HandleStepForm(forms.Form):
    """The photos the handler leaves with the result (the result is the step's note)."""

    photos = photos_field(_("Photos of the result"))


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        choices=[(i, "★" * i) for i in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)


EARLIEST, LATEST = datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)


def check_date_range(form, start, end, start_field, end_field):
    """Dates within 2000–2100, the end not before the start; errors on the form."""
    for name, value in ((start_field, start), (end_field, end)):
        if value is not None and not EARLIEST <= value <= LATEST:
            form.add_error(
                name, ValidationError(_("Give a date between 2000 and 2100."), code=RULE)
            )
    if start and end and end < start:
        form.add_error(
            end_field, ValidationError(_("The end date is before the start date."), code=RULE)
        )

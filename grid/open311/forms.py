"""The inputs of GeoReport v2, checked: a bad value is a 400 with the spec's error body."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

WINDOW = datetime.timedelta(days=90)  # the spec's default and widest date range
MAX_IDS = 100
MAX_RESULTS = 1000
STATUSES = {"open", "closed"}


def form_errors(form) -> list[str]:
    return [
        f"{field}: {message}" if field != "__all__" else str(message)
        for field, messages in form.errors.items()
        for message in messages
    ]


def _comma_list(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def parse_when(value: str, name: str):
    """An ISO 8601 datetime (or date) within 1970-2100, made aware in the portal's zone."""
    try:
        when = parse_datetime(value)
        if when is None:
            day = parse_date(value)
            when = datetime.datetime.combine(day, datetime.time()) if day else None
    except (ValueError, OverflowError):
        when = None
    if when is None:
        raise forms.ValidationError(
            _("%(name)s is not an ISO 8601 date and time.") % {"name": name}
        )
    if not 1970 <= when.year <= 2100:
        raise forms.ValidationError(_("%(name)s is out of range.") % {"name": name})
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when


class RequestsQueryForm(forms.Form):
    api_key = forms.CharField(max_length=128, required=False)
    jurisdiction_id = forms.CharField(max_length=64, required=False)
    service_request_id = forms.CharField(max_length=2200, required=False)
    service_code = forms.CharField(max_length=1000, required=False)
    start_date = forms.CharField(max_length=40, required=False)
    end_date = forms.CharField(max_length=40, required=False)
    status = forms.CharField(max_length=20, required=False)

    def clean_service_request_id(self):
        ids = _comma_list(self.cleaned_data["service_request_id"])
        if len(ids) > MAX_IDS or any(len(i) > 20 for i in ids):
            raise forms.ValidationError(
                _("Give at most %(n)s ids of at most 20 characters.") % {"n": MAX_IDS}
            )
        return ids

    def clean_service_code(self):
        return _comma_list(self.cleaned_data["service_code"])

    def clean_status(self):
        statuses = {s.lower() for s in _comma_list(self.cleaned_data["status"])}
        if statuses - STATUSES:
            raise forms.ValidationError(_("status is open, closed or both."))
        return statuses

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        start = end = None
        try:
            if data.get("start_date"):
                start = parse_when(data["start_date"], "start_date")
            if data.get("end_date"):
                end = parse_when(data["end_date"], "end_date")
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None
        if start and end and start > end:
            raise forms.ValidationError(_("start_date is after end_date."))
        if start and end and end - start > WINDOW:
            raise forms.ValidationError(_("The date range may not span more than 90 days."))
        if start is None and end is None:
            end = timezone.now()
        start = start or end - WINDOW
        end = end or start + WINDOW
        data["start"], data["end"] = start, end
        return data


class PostRequestForm(forms.Form):
    api_key = forms.CharField(max_length=128, required=False)
    jurisdiction_id = forms.CharField(max_length=64, required=False)
    service_code = forms.CharField(max_length=32)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90)
    long = forms.FloatField(required=False, min_value=-180, max_value=180)
    address_string = forms.CharField(max_length=200, required=False)
    address_id = forms.CharField(max_length=18, required=False)
    description = forms.CharField(
        max_length=4000,
        error_messages={"required": gettext_lazy("Describe the problem.")},
    )
    media_url = forms.URLField(max_length=500, required=False, assume_scheme="https")
    email = forms.EmailField(max_length=254, required=False)
    device_id = forms.CharField(max_length=100, required=False)
    account_id = forms.CharField(max_length=100, required=False)
    first_name = forms.CharField(max_length=50, required=False)
    last_name = forms.CharField(max_length=50, required=False)
    phone = forms.CharField(max_length=32, required=False)

    def clean(self):
        data = super().clean()
        has_lat = data.get("lat") is not None
        has_long = data.get("long") is not None
        if has_lat != has_long:
            raise forms.ValidationError(_("lat and long go together."))
        if not (has_lat or data.get("address_string") or data.get("address_id")):
            raise forms.ValidationError(
                _("Give the place: lat and long, address_string or address_id.")
            )
        return data

    def contact(self) -> str:
        data = self.cleaned_data
        name = f"{data.get('last_name', '')}{data.get('first_name', '')}".strip()
        return "; ".join(v for v in (name, data.get("phone"), data.get("email")) if v)

"""Forms of the consultation pages (the services decide; the forms only shape input)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Meeting, Stakeholder, Vote


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


LOCAL_MINUTE = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def _when(label):
    return forms.DateTimeField(
        label=label,
        input_formats=LOCAL_MINUTE,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class ConveneForm(forms.Form):
    """The party organisation convenes a meeting on a topic."""

    title = forms.CharField(label=_("Title"), max_length=100)
    starts_at = _when(_("Starts at"))
    mode = forms.ChoiceField(
        label=_("Form"), choices=Meeting.Mode.choices, widget=forms.RadioSelect
    )
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    online_link = forms.CharField(label=_("Online room"), max_length=200, required=False)
    groups = forms.MultipleChoiceField(
        label=_("Invited groups"),
        choices=Stakeholder.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        help_text=_("One item a line."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class VoteForm(forms.Form):
    """A vote with its question, options, basis and rules (a Civil Code preset, which
    the fields below may change)."""

    question = forms.CharField(label=_("Question"), max_length=200)
    options = forms.CharField(
        label=_("Options"),
        help_text=_("One a line; the first one is the motion."),
        max_length=1100,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    basis = forms.ChoiceField(
        label=_("Basis"), choices=Vote.Basis.choices, widget=forms.RadioSelect
    )
    secret = forms.BooleanField(label=_("Secret ballot"), required=False)
    opens_at = _when(_("Opens at"))
    closes_at = _when(_("Closes at"))
    preset = forms.ChoiceField(
        label=_("Rules"),
        choices=[
            ("ordinary", _("Ordinary matter (Civil Code art. 278): 2/3 take part, more than 1/2")),
            ("major", _("Major matter (Civil Code art. 278): 2/3 take part, at least 3/4")),
        ],
        widget=forms.RadioSelect,
    )
    quorum_num = forms.IntegerField(
        label=_("Quorum: numerator"), min_value=0, max_value=100, required=False
    )
    quorum_den = forms.IntegerField(
        label=_("Quorum: denominator"), min_value=1, max_value=100, required=False
    )
    pass_num = forms.IntegerField(
        label=_("Pass: numerator"), min_value=0, max_value=100, required=False
    )
    pass_den = forms.IntegerField(
        label=_("Pass: denominator"), min_value=1, max_value=100, required=False
    )
    pass_strict = forms.ChoiceField(
        label=_("Pass threshold"),
        choices=[("", _("As the preset")), ("more", _("More than")), ("least", _("At least"))],
        required=False,
    )

    def rules(self) -> dict:
        data = self.cleaned_data
        out = {
            name: data[name]
            for name in ("quorum_num", "quorum_den", "pass_num", "pass_den")
            if data.get(name) is not None
        }
        if data.get("pass_strict"):
            out["pass_strict"] = data["pass_strict"] == "more"
        return out

    def option_labels(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]


class MinutesForm(forms.Form):
    """The minutes of one agenda item: a position per invited group, the resolution
    text and the tally."""

    item = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    resolution = forms.CharField(
        label=_("Resolution"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    tally = forms.CharField(label=_("Tally"), max_length=500, required=False)

    def __init__(self, *args, groups=(), item=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = list(groups)
        for group in self.groups:
            self.fields[f"position_{group}"] = forms.CharField(
                label=_("Position heard: %(group)s") % {"group": Stakeholder(group).label},
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        if item is not None and not self.is_bound:
            self.initial = {
                "item": item.pk,
                "resolution": item.resolution,
                "tally": item.tally,
                **{f"position_{g}": t for g, t in (item.positions or {}).items()},
            }
        self.auto_id = f"id_%s_{item.pk}" if item is not None else "id_%s"

    def positions(self) -> dict:
        return {
            g: self.cleaned_data[f"position_{g}"]
            for g in self.groups
            if self.cleaned_data.get(f"position_{g}", "").strip()
        }

    def position_fields(self):
        return [self[f"position_{g}"] for g in self.groups]


class MinutesFileForm(forms.Form):
    minutes_file = forms.FileField(label=_("Signed minutes (scan or PDF)"))


class PaperForm(forms.Form):
    household = forms.TypedChoiceField(label=_("Household"), coerce=int)
    option = forms.TypedChoiceField(
        label=_("Marked on the paper"), coerce=int, widget=forms.RadioSelect
    )

    def __init__(self, *args, households=(), options=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].choices = [("", "—")] + [(h.pk, str(h)) for h in households]
        self.fields["option"].choices = [(o.pk, o.label) for o in options]


class ResolutionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Resolution"), max_length=4000, widget=forms.Textarea)
    budget_reference = forms.CharField(
        label=_("Budget line (funding)"), max_length=100, required=False
    )


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    due = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    owner = forms.TypedChoiceField(label=_("Owner (post)"), coerce=int)

    def __init__(self, *args, posts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "—")] + [
            (p.pk, f"{p.get_role_display()} · {p.user.display_name or p.user.get_username()}")
            for p in posts
        ]


class AnswerForm(forms.Form):
    objection = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    text = forms.CharField(label=_("Answer (public)"), max_length=1000)

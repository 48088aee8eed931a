"""State changes with a timeline, the same in every app.

* ``TimelineEntry``: the abstract model of one entry (who did what, when, from which
  state to which, with a note); an app's timeline model adds the foreign key to its
  subject (``RequestEvent.request``, a vote's, an expenditure's …).
* ``refuse()`` and ``Conflict``: a refused step, in the user's language, changing
  nothing (the service's transaction rolls back); ``Conflict`` when the object's state
  is what stands in the way (the API answers 409).
* ``expect_state()``: the check at the top of each transition.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Conflict(ValidationError):
    """A step refused because of the state of an object, not because of its input: a
    request in the wrong state for the step, an application already decided, a pending
    one already there, a resident who no longer lives here. Pages show it like any
    refusal; the API answers 409 Conflict."""


def refuse(message):
    """Refuse a step: ``message`` (translated; a dict names the fields) is shown to the
    user, and the transaction of the service changes nothing."""
    raise ValidationError(message)


def expect_state(obj, *states):
    """Refuse with a ``Conflict`` unless ``obj.state`` is one of ``states``."""
    if obj.state not in states:
        raise Conflict(
            _("This cannot be done to a request that is %(state)s.")
            % {"state": obj.get_state_display()}
        )


class TimelineEntry(models.Model):
    """One entry of an object's timeline: who did what, when, from which state to which."""

    action = models.CharField(gettext_lazy("action"), max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=gettext_lazy("by"),
    )
    from_state = models.CharField(gettext_lazy("from"), max_length=16, blank=True)
    to_state = models.CharField(gettext_lazy("to"), max_length=16)
    note = models.CharField(gettext_lazy("note"), max_length=4000, blank=True)
    at = models.DateTimeField(gettext_lazy("at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    @classmethod
    def record(cls, *, actor, action: str, from_state: str, note: str = "", **subject):
        """Write the entry of a transition of ``subject`` (its new state is
        ``to_state``): ``RequestEvent.record(request=r, actor=u, action="register", …)``."""
        (obj,) = subject.values()
        return cls.objects.create(
            actor=actor,
            action=action,
            from_state=from_state,
            to_state=obj.state,
            note=(note or "")[:4000],
            **subject,
        )


def refusal_text(exc: ValidationError) -> str:
    """A refusal's messages as one line, for a page's message (field errors joined)."""
    if hasattr(exc, "error_dict"):
        return " ".join(m for messages_ in exc.message_dict.values() for m in messages_)
    return " ".join(exc.messages)

"""Funding's reads beyond ``for_user``: what a signed-in user sees of venture calls."""

from django.db.models import Q

from .models import VentureApplication, VentureCall


def visible_calls(user):
    """The calls in one's scope, those one applied to, and every call open for
    applications or whose results are noticed: a call and its public notice are public
    to anyone signed in (social organisations have no post); the applications, reviews
    and management stay in scope."""
    public = [VentureCall.State.OPEN, VentureCall.State.NOTICED]
    return VentureCall.objects.filter(
        Q(pk__in=VentureCall.objects.for_user(user).values("pk"))
        | Q(state__in=public)
        | Q(pk__in=VentureApplication.objects.filter(applicant=user).values("call_id"))
    )

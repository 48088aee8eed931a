"""The scoped base class of the HTML views. Every page of a scoped model uses it."""

from django.contrib.auth.mixins import LoginRequiredMixin

from .scoping import filter_for_user


class ScopedViewMixin(LoginRequiredMixin):
    """The view's queryset is the user's scope for ``scope_action``; an object outside
    it is a 404, like a missing one."""

    scope_action = "view"

    def get_queryset(self):
        return filter_for_user(super().get_queryset(), self.request.user, self.scope_action)

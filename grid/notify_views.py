"""The in-portal inbox: every signed-in user's notifications, newest first."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import ListView

from core.notify import services
from core.notify.kinds import all_kinds
from core.notify.models import Notification, NotificationPreference
from core.pagination import PortalPaginationMixin


class InboxView(LoginRequiredMixin, PortalPaginationMixin, ListView):
    """The user's own notifications (nobody sees another's: the query is by user)."""

    template_name = "grid/inbox.html"
    context_object_name = "notifications"
    paginate_by = 30

    def get_queryset(self):
        return Notification.objects.filter(user_id=self.request.user.pk).order_by(
            "-created_at", "-id"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unread"] = any(n.read_at is None for n in context["notifications"])
        return context


class InboxReadView(LoginRequiredMixin, View):
    """Mark all of one's notifications read."""

    def post(self, request):
        count = services.mark_read(user=request.user)
        if count:
            messages.success(
                request,
                ngettext(
                    "%(count)d notification marked read.",
                    "%(count)d notifications marked read.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.info(request, _("Nothing was unread."))
        return redirect("grid:inbox")


class InboxOpenView(LoginRequiredMixin, View):
    """Open one notification: it is marked read and the page it is about is shown."""

    def get(self, request, pk):
        item = Notification.objects.filter(user_id=request.user.pk, pk=pk).first()
        if item is None:
            raise Http404
        services.mark_read(user=request.user, ids=[item.pk])
        target = item.url
        if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
            return redirect("grid:inbox")
        return redirect(target)


class InboxPreferencesView(LoginRequiredMixin, View):
    """How text messages of each kind should come: at once, in one daily digest, or
    not at all (the inbox always gets every notice)."""

    template_name = "grid/inbox_preferences.html"

    def rows(self, user):
        chosen = services.preferences_of(user)
        return [
            {"kind": kind, "choice": chosen.get(kind.key, NotificationPreference.Sms.NOW)}
            for kind in all_kinds()
            if kind.sms
        ]

    def get(self, request):
        context = {"rows": self.rows(request.user), "choices": NotificationPreference.Sms.choices}
        return render(request, self.template_name, context)

    def post(self, request):
        wanted = {row["kind"].key for row in self.rows(request.user)}
        try:
            with transaction.atomic():
                for key in wanted:
                    value = request.POST.get(f"sms-{key}")
                    if value is not None:
                        services.set_preference(user=request.user, kind=key, sms=value)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your choices for text messages are saved."))
        return redirect("grid:inbox-preferences")

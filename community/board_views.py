"""The residents' message board of a community (E-line): residents write, the office
answers and hides with a reason, residents report."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic.detail import SingleObjectMixin

from core.timeline import refusal_text
from grid.scoped_views import ScopedViewMixin

from . import services
from .models import BoardPost, BoardReply
from .permissions import BoardPerm
from .querysets import board_for


class BoardView(ScopedViewMixin, View):
    model = BoardPost

    def get(self, request):
        user = request.user
        office = user.has_perm(BoardPerm.VIEW_POST)
        posts = board_for(user).prefetch_related(
            Prefetch("replies", queryset=BoardReply.objects.order_by("created_at"))
        )
        return render(
            request,
            "community/board.html",
            {
                "posts": list(posts.select_related("community")[:100]),
                "office": office,
                "may_answer": user.has_perm(BoardPerm.CHANGE_POST),
            },
        )

    def post(self, request):
        try:
            services.post_message(user=request.user, text=request.POST.get("text", ""))
        except ValidationError as exc:
            messages.error(request, refusal_text(exc))
        else:
            messages.success(request, _("Your message is on the board."))
        return redirect("community:board")


class BoardActionView(ScopedViewMixin, SingleObjectMixin, View):
    """Answer, hide, restore (the office) or report (a resident) one message."""

    model = BoardPost

    def post(self, request, pk, step):
        post = self.get_object()
        text = request.POST.get("text", "")
        try:
            if step == "answer":
                services.answer_message(by=request.user, post=post, text=text)
                done = _("Your answer is published.")
            elif step == "hide":
                services.hide_message(by=request.user, post=post, reason=text)
                done = _("The message is hidden.")
            elif step == "restore":
                services.restore_message(by=request.user, post=post)
                done = _("The message is shown again.")
            else:
                services.report_message(user=request.user, post=post, reason=text)
                done = _("Thank you: the office will look at it.")
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            messages.error(request, refusal_text(exc))
        else:
            messages.success(request, done)
        return redirect("community:board")

"""Training listens to grid, grid never imports training: when a request is closed on
the net (its "close" timeline entry), its reporter is asked to rate who served them."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse

from core.notify.services import notify
from grid.models import RequestEvent

from . import notices
from .compliance import person_name
from .services import request_server


@receiver(post_save, sender=RequestEvent, dispatch_uid="training.ask_for_a_rating")
def ask_for_a_rating(sender, instance, created, raw=False, **kwargs):
    if raw or not created or instance.action != "close":
        return
    request = instance.request
    if request.reporter_user_id is None:
        return
    server = request_server(request)
    if server is None or server.user_id == request.reporter_user_id:
        return
    notify(
        key=f"training:request:{request.pk}:rate",
        kind=notices.RATE_SERVER,
        recipients=[request.reporter_user],
        subject=request,
        context={"name": person_name(server.user), "number": request.number},
        url=reverse("training:rate"),
    )

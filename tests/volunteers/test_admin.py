"""The volunteers' admin of 在职党员双报到: read-only, scoped by the tree."""

from django.urls import reverse

from volunteers.models import MemberReport, Mobilisation, Need, NeedClaim, Nomination, Wish

MODELS = (MemberReport, Need, NeedClaim, Wish, Mobilisation, Nomination)


def _url(model, view, *args):
    return reverse(f"admin:volunteers_{model._meta.model_name}_{view}", args=args)


def test_the_lists_follow_the_scope_and_nothing_is_added_here(world, client):
    client.force_login(world.user("street_admin"))
    for model in MODELS:
        page = client.get(_url(model, "changelist"))
        assert page.status_code == 200, model
        assert page.context["cl"].result_count == model.objects.count() >= 1, model
        assert client.get(_url(model, "add")).status_code == 403, model
        obj = model.objects.first()
        assert client.get(_url(model, "change", obj.pk)).status_code == 200, model
    client.force_login(world.user("other_street_admin"))
    for model in MODELS:
        page = client.get(_url(model, "changelist"))
        assert page.status_code == 200 and page.context["cl"].result_count == 0, model
        obj = model.objects.first()
        assert client.get(_url(model, "change", obj.pk)).status_code in (302, 404), model

"""Public requests of a community: neighbours read them without personal data and
support them (我也遇到) once, instead of filing duplicates."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grid import services
from grid.models import RequestSupport, Resident, ServiceRequest

from ..factories import UserFactory
from .request_states import submit, walk

PAGE = reverse("grid:community-requests")


def support_url(item):
    return reverse("grid:community-request-support", args=[item.pk])


def _link(world, index, username):
    user = UserFactory(username=username)
    Resident.objects.filter(pk=world.residents[index].pk).update(user=user)
    return user


@pytest.fixture
def neighbours(world):
    """The verified resident's public request, a private one, a closed public one, and
    a public one of another community; a neighbour in the same community and a resident
    of the other community."""
    ServiceRequest.objects.update(is_public=True)
    public = ServiceRequest.objects.get()
    private = submit(world, description="家里私事", public=False)
    closed = walk(world, submit(world, description="已修好的路灯", public=True))
    elsewhere = submit(world, resident=8, description="别的社区的问题", public=True)
    return {
        "public": public,
        "private": private,
        "closed": closed,
        "elsewhere": elsewhere,
        "neighbour": _link(world, 2, "neighbour"),
        "far": _link(world, 8, "far-resident"),
    }


def test_the_neighbour_sees_the_open_public_requests_of_their_community(world, client, neighbours):
    client.force_login(neighbours["neighbour"])
    response = client.get(PAGE)
    assert response.status_code == 200
    assert [r.pk for r in response.context["requests"]] == [neighbours["public"].pk]
    html = response.content.decode()
    assert "楼下有暴露垃圾" in html and world.buildings[0].address in html
    assert "家里私事" not in html and "别的社区的问题" not in html
    # No personal data of the reporter: not the name, the phone or the room.
    reporter = world.residents[0]
    assert reporter.name not in html and reporter.phone not in html
    assert "101" not in html.split('id="public-title"')[1]


def test_support_once_and_the_count_shows(world, client, neighbours):
    public = neighbours["public"]
    client.force_login(neighbours["neighbour"])
    response = client.post(support_url(public), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    assert response.context["requests"][0].support_count == 1
    assert response.context["requests"][0].supported
    response = client.post(support_url(public), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert RequestSupport.objects.filter(request=public).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        RequestSupport.objects.create(request=public, user=neighbours["neighbour"])


def test_one_cannot_support_ones_own_request(world, client, neighbours):
    with pytest.raises(ValidationError):
        services.support_request(user=world.user("resident"), request=neighbours["public"])
    client.force_login(world.users["resident"])
    page = client.get(PAGE)
    assert "本人反映" in page.content.decode()
    client.post(support_url(neighbours["public"]))
    assert not RequestSupport.objects.exists()


def test_only_the_same_community_and_only_public_open_requests(world, client, neighbours):
    far, neighbour = neighbours["far"], neighbours["neighbour"]
    with pytest.raises(PermissionDenied):
        services.support_request(user=far, request=neighbours["public"])
    with pytest.raises(PermissionDenied):
        services.support_request(user=neighbour, request=neighbours["private"])
    with pytest.raises(ValidationError):
        services.support_request(user=neighbour, request=neighbours["closed"])
    with pytest.raises(PermissionDenied):
        services.support_request(user=world.user("grid_member"), request=neighbours["public"])
    client.force_login(far)
    assert client.post(support_url(neighbours["public"])).status_code == 404
    assert [r.pk for r in client.get(PAGE).context["requests"]] == [neighbours["elsewhere"].pk]
    client.force_login(neighbour)
    assert client.post(support_url(neighbours["private"])).status_code == 404
    assert client.post(support_url(neighbours["elsewhere"])).status_code == 404
    assert not RequestSupport.objects.exists()


def test_posts_without_a_household_are_sent_to_link_it(world, client, neighbours):
    client.force_login(world.users["grid_member"])
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"] == reverse("grid:resident-home")
    assert client.post(support_url(neighbours["public"])).status_code == 404


def test_the_submit_page_links_to_the_community_requests(world, client):
    client.force_login(world.users["resident"])
    assert PAGE in client.get(reverse("grid:request-submit")).content.decode()


def test_the_page_query_count_does_not_grow(world, client, neighbours):
    client.force_login(neighbours["neighbour"])
    counts = []
    for total in (3, 20):
        while ServiceRequest.objects.filter(is_public=True, state="submitted").count() < total:
            submit(world, description="又一件", public=True)
        client.get(PAGE)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(PAGE)
        assert len(response.context["requests"]) == total - 1  # one is in another community
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


# --- the API ---------------------------------------------------------------------------


def test_the_api_lists_and_supports(world, api_client, neighbours):
    public = neighbours["public"]
    api_client.force_authenticate(neighbours["neighbour"])
    response = api_client.get("/api/v1/public-requests/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["id"] for r in rows] == [public.pk]
    assert rows[0]["place"] == world.buildings[0].address and rows[0]["support_count"] == 0
    assert world.residents[0].name not in response.content.decode()
    assert "reporter" not in rows[0] and "reporter_name" not in rows[0]
    url = f"/api/v1/requests/{public.pk}/support/"
    response = api_client.post(url)
    assert response.status_code == 201 and response.json()["support_count"] == 1
    assert api_client.post(url).status_code == 409
    assert api_client.get("/api/v1/public-requests/").json()["results"][0]["supported"]
    api_client.force_authenticate(neighbours["far"])
    assert api_client.post(url).status_code == 404
    private = f"/api/v1/requests/{neighbours['private'].pk}/support/"
    api_client.force_authenticate(neighbours["neighbour"])
    assert api_client.post(private).status_code == 404
    api_client.force_authenticate(world.user("grid_member"))
    assert api_client.get("/api/v1/public-requests/").status_code == 403
    assert api_client.post(url).status_code == 403
    assert api_client.post("/api/v1/requests/99999999999999999999/support/").status_code == 404
    api_client.force_authenticate(None)
    assert api_client.get("/api/v1/public-requests/").status_code in (401, 403)
    assert RequestSupport.objects.count() == 1

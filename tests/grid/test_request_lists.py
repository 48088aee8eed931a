"""The request lists by node: filters, search, cursor paging, the API list and the
Excel export."""

import datetime
import io
import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from grid.models import HandlingUnit, ServiceRequest

from .request_states import submit, walk

LIST = reverse("grid:request-list")
EXPORT = reverse("grid:request-export")
API = "/api/v1/requests/"
TZ = timezone.get_current_timezone()


def at(day, hour=10):
    return datetime.datetime(2026, 3, day, hour, tzinfo=TZ)


@pytest.fixture
def spread(world):
    """Requests across the first street: the resident's own (grid 1), one in the
    second grid, one in the second community, one in the other street."""
    own = ServiceRequest.objects.get()  # environment-rubbish, grid 1, submitted
    second_grid = submit(world, resident=4, description="路灯不亮", code="facility-light")
    unit = HandlingUnit.objects.create(name="阳光物业", kind="property_company")
    second_grid = walk(world, second_grid, to="dispatched", unit=unit)
    second_community = submit(
        world, resident=8, description="邻里噪音纠纷", code="dispute-neighbour"
    )
    other_street = submit(world, resident=16, description="另一街道的垃圾")
    ServiceRequest.objects.filter(pk=second_community.pk).update(handle_overdue=True)
    for item, day in ((own, 2), (second_grid, 5), (second_community, 9), (other_street, 12)):
        ServiceRequest.objects.filter(pk=item.pk).update(created_at=at(day))
    return {
        "own": own,
        "second_grid": second_grid,
        "second_community": second_community,
        "other_street": other_street,
        "unit": unit,
    }


def listed(client, params=None):
    response = client.get(LIST, params or {})
    assert response.status_code == 200, response.content[:2000]
    return {item.number for item in response.context["requests"]}


def test_filters_each_narrow_the_list(world, client, spread):
    own, second_grid = spread["own"].number, spread["second_grid"].number
    second_community = spread["second_community"].number
    client.force_login(world.users["street_admin"])
    # The street admin sees the first street only.
    assert listed(client) == {own, second_grid, second_community}
    assert listed(client, {"street": world.streets[0].pk}) == {own, second_grid, second_community}
    assert listed(client, {"community": world.communities[0].pk}) == {own, second_grid}
    assert listed(client, {"grid": world.grids[0].pk}) == {own}
    assert listed(client, {"state": "dispatched"}) == {second_grid}
    rubbish = spread["own"].category
    assert listed(client, {"category": rubbish.pk}) == {own}
    assert listed(client, {"category": rubbish.parent_id}) == {own}
    assert listed(client, {"overdue": "yes"}) == {second_community}
    assert listed(client, {"overdue": "no"}) == {own, second_grid}
    assert listed(client, {"date_from": "2026-03-04"}) == {second_grid, second_community}
    assert listed(client, {"date_to": "2026-03-05"}) == {own, second_grid}
    both = {"date_from": "2026-03-03", "date_to": "2026-03-08"}
    assert listed(client, both) == {second_grid}
    assert listed(client, {"handler_unit": spread["unit"].pk}) == {second_grid}
    assert listed(client, {"q": second_grid}) == {second_grid}
    assert listed(client, {"q": "噪音 纠纷"}) == {second_community}
    assert listed(client, {"q": "噪音 垃圾"}) == set()
    # Filters combine.
    assert listed(client, {"community": world.communities[0].pk, "state": "submitted"}) == {own}


def test_the_grid_member_sees_their_grid_and_the_other_street_nothing_of_it(world, client, spread):
    client.force_login(world.users["grid_member"])
    assert listed(client) == {spread["own"].number}
    client.force_login(world.users["other_street_admin"])
    assert listed(client) == {spread["other_street"].number}


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "2026-13-01"},
        {"date_from": "2026-03-09", "date_to": "2026-03-01"},
        {"date_to": "9999-12-31"},
        {"street": "abc"},
        {"grid": "99999999999999999999999"},
        {"category": "1\x00"},
        {"state": "exploded"},
        {"overdue": "maybe"},
        {"cursor": "not-a-cursor"},
    ],
)
def test_bad_filters_are_a_400_with_the_form(world, client, spread, params):
    client.force_login(world.users["street_admin"])
    response = client.get(LIST, params)
    assert response.status_code == 400
    # a NUL byte is refused by the input guard before the view: no form, the same 400
    assert any("\x00" in v for v in params.values()) or response.context["form"].errors
    assert client.get(EXPORT, params).status_code == 400 or "cursor" in params


def test_a_node_outside_the_scope_is_refused(world, client, spread):
    client.force_login(world.users["street_admin"])
    other_grid = world.grids[-1]
    response = client.get(LIST, {"grid": other_grid.pk})
    assert response.status_code == 400 and "grid" in response.context["form"].errors


def test_a_tampered_cursor_is_a_400(world, client):
    for i in range(55):
        submit(world, description=f"第{i}件")
    client.force_login(world.users["grid_member"])
    first = client.get(LIST)
    cursor = first.context["page"].next_cursor
    assert client.get(LIST, {"cursor": cursor}).status_code == 200
    tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
    assert client.get(LIST, {"cursor": tampered}).status_code == 400


def test_cursor_paging_walks_every_row_once_both_ways(world, client):
    for i in range(119):
        submit(world, description=f"第{i}件")
    # Ties on the time: the id decides.
    same = at(20)
    ids = list(ServiceRequest.objects.order_by("id").values_list("id", flat=True))
    ServiceRequest.objects.filter(id__in=ids[::2]).update(created_at=same)
    expected = list(
        ServiceRequest.objects.order_by("-created_at", "-id").values_list("id", flat=True)
    )
    client.force_login(world.users["grid_member"])
    seen, pages, params = [], [], {}
    while True:
        response = client.get(LIST, params)
        page = response.context["page"]
        pages.append(page)
        seen += [item.pk for item in page.object_list]
        if not page.next_cursor:
            break
        assert urlencode({"cursor": page.next_cursor}) in response.content.decode()
        params = {"cursor": page.next_cursor}
    assert seen == expected and len(pages) == 3
    assert [len(p.object_list) for p in pages] == [50, 50, 20]
    # And back from the last page.
    back, params = [], {"cursor": pages[-1].previous_cursor}
    while params["cursor"]:
        page = client.get(LIST, params).context["page"]
        back = [item.pk for item in page.object_list] + back
        params = {"cursor": page.previous_cursor}
    assert back == expected[:100]


def test_paging_keeps_the_filters(world, client):
    for i in range(60):
        submit(world, description=f"漏水{i}")
    submit(world, description="别的")
    client.force_login(world.users["grid_member"])
    response = client.get(LIST, {"q": "漏水"})
    page = response.context["page"]
    html = response.content.decode()
    assert "q=%E6%BC%8F%E6%B0%B4&amp;" + urlencode({"cursor": page.next_cursor}) in html
    second = client.get(LIST, {"q": "漏水", "cursor": page.next_cursor}).context["page"]
    assert len(second.object_list) == 10
    assert all("漏水" in item.description for item in second.object_list)
    assert f'href="{EXPORT}?q=%E6%BC%8F%E6%B0%B4"' in html


def test_the_list_page_query_count_does_not_grow_with_rows(world, client):
    client.force_login(world.users["grid_member"])
    counts = []
    for total in (5, 50):
        while ServiceRequest.objects.count() < total:
            submit(world, description="n")
        client.get(LIST)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


# --- the API list --------------------------------------------------------------------


def api_numbers(api_client, params=None):
    response = api_client.get(API, params or {})
    assert response.status_code == 200, response.content
    return {row["number"] for row in response.json()["results"]}


def test_the_api_list_has_the_same_filters(world, api_client, spread):
    own, second_grid = spread["own"].number, spread["second_grid"].number
    second_community = spread["second_community"].number
    api_client.force_authenticate(world.user("street_admin"))
    assert api_numbers(api_client) == {own, second_grid, second_community}
    assert api_numbers(api_client, {"community": world.communities[0].pk}) == {own, second_grid}
    rubbish = spread["own"].category
    assert api_numbers(api_client, {"category": rubbish.parent_id}) == {own}
    assert api_numbers(api_client, {"overdue": "true"}) == {second_community}
    assert api_numbers(api_client, {"overdue": "false"}) == {own, second_grid}
    assert api_numbers(api_client, {"created_after": "2026-03-04"}) == {
        second_grid,
        second_community,
    }
    assert api_numbers(api_client, {"created_before": "2026-03-05"}) == {own, second_grid}
    assert api_numbers(api_client, {"handler_unit": spread["unit"].pk}) == {second_grid}
    assert api_numbers(api_client, {"q": "噪音"}) == {second_community}
    assert api_numbers(api_client, {"q": own}) == {own}


@pytest.mark.parametrize(
    "params",
    [
        {"created_after": "2026-02-30"},
        {"created_after": "2026-03-09", "created_before": "2026-03-01"},
        {"created_before": "9999-12-31"},
        {"category": "x"},
        {"handler_unit": "99999999999999999999999"},
        {"overdue": "maybe"},
        {"cursor": "bad"},
    ],
)
def test_bad_api_filters_are_refused(world, api_client, params):
    api_client.force_authenticate(world.user("street_admin"))
    # well-formed, but refused by a rule (a date range, a cursor that denotes no
    # position): a 422
    rules = ("cursor", "created_before")
    expected = 422 if any(name in params for name in rules) else 400
    assert api_client.get(API, params).status_code == expected


def test_the_api_cursor_walks_all_rows_and_refuses_a_tampered_one(world, api_client):
    for i in range(11):
        submit(world, description=f"第{i}件")
    ServiceRequest.objects.update(created_at=at(20))  # all tied: the id decides
    expected = list(
        ServiceRequest.objects.order_by("-created_at", "-id").values_list("id", flat=True)
    )
    api_client.force_authenticate(world.user("grid_member"))
    seen, url = [], f"{API}?page_size=5"
    while url:
        data = api_client.get(url).json()
        seen += [row["id"] for row in data["results"]]
        url = data["next"]
    assert seen == expected
    first = api_client.get(API, {"page_size": 5}).json()["next"]
    assert api_client.get(first.replace("cursor=", "cursor=x")).status_code == 422


def test_the_api_list_query_count_is_the_same_for_5_and_50_rows(world, api_client):
    counts = []
    for total in (5, 50):
        while ServiceRequest.objects.count() < total:
            submit(world, description="n")
        api_client.force_authenticate(world.user("grid_member"))
        api_client.get(API)
        api_client.force_authenticate(world.user("grid_member"))
        with CaptureQueriesContext(connection) as ctx:
            response = api_client.get(API)
        assert len(response.json()["results"]) == total
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_the_api_list_rows_are_what_the_serializer_writes(world, api_client, spread):
    """The list is written from plain rows (``ServiceRequestRows``): the same JSON as
    ``ServiceRequestSerializer`` on the model, a request without a reporter and a
    dispatched, overdue, rated one included."""
    from grid.api.request_serializers import ServiceRequestSerializer

    ServiceRequest.objects.filter(pk=spread["own"].pk).update(
        reporter=None, rating=4, closed_at=at(3, 15), is_public=True
    )
    api_client.force_authenticate(world.user("street_admin"))
    listed_rows = api_client.get(API).json()["results"]
    objects = ServiceRequest.objects.select_related("category__parent", "reporter").in_bulk(
        [row["id"] for row in listed_rows]
    )
    expected = [ServiceRequestSerializer(objects[row["id"]]).data for row in listed_rows]
    assert len(listed_rows) == 3
    assert listed_rows == [json_roundtrip(item) for item in expected]
    assert any(row["reporter_name"] == "" for row in listed_rows)


def json_roundtrip(data):
    import json

    from rest_framework.utils.encoders import JSONEncoder

    return json.loads(json.dumps(data, cls=JSONEncoder))


# --- the export ------------------------------------------------------------------------


def workbook_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_export_has_the_filtered_rows_and_no_personal_data(world, client, spread):
    client.force_login(world.users["street_admin"])
    rows = workbook_rows(client.get(EXPORT, {"community": world.communities[0].pk}))
    header, body = rows[0], rows[1:]
    assert len(header) == 11
    assert {row[0] for row in body} == {spread["own"].number, spread["second_grid"].number}
    by_number = {row[0]: row for row in body}
    second = by_number[spread["second_grid"].number]
    assert second[2] == world.buildings[2].address
    assert second[5] == "阳光物业"
    assert second[6] == datetime.datetime(2026, 3, 5, 10, 0)
    everything = repr(workbook_rows(client.get(EXPORT)))
    for resident in world.residents:
        assert resident.name not in everything and resident.phone not in everything
    assert spread["other_street"].number not in everything
    assert spread["second_community"].number in everything


# --- the menu and every persona ----------------------------------------------------------


def _menu(client):
    return re.findall(r'data-nav="([\w-]+)"', client.get("/").content.decode())


def test_the_menu_offers_the_pages_by_role(world, client):
    client.force_login(world.users["grid_member"])
    menu = _menu(client)
    assert {"request-list", "kpis", "visits"} <= set(menu)
    assert "community-requests" not in menu
    client.force_login(world.users["resident"])
    menu = _menu(client)
    assert "community-requests" in menu and "kpis" not in menu and "request-list" not in menu


@pytest.mark.parametrize("persona", ["county_admin", "unit_staff", "resident", "outsider"])
def test_every_page_answers_every_persona_without_an_error(world, client, persona):
    client.force_login(world.users[persona])
    for url in (LIST, EXPORT, reverse("grid:request-kpis"), reverse("grid:request-visits")):
        assert client.get(url).status_code in (200, 302, 403), url
    assert client.get(reverse("grid:community-requests")).status_code in (200, 302)


def test_the_api_orders_only_by_submission_time(world, api_client):
    for i in range(5):
        item = submit(world, description=f"第{i}件")
        if i % 2:
            walk(world, item, to="registered")  # a due time on some rows only
    api_client.force_authenticate(world.user("grid_member"))
    ascending = list(
        ServiceRequest.objects.order_by("created_at", "id").values_list("id", flat=True)
    )
    for ordering, expected in (("created_at", ascending), ("due_handle_at", ascending[::-1])):
        seen, url = [], f"{API}?page_size=2&ordering={ordering}"
        while url:
            response = api_client.get(url)
            assert response.status_code == 200, response.content
            seen += [row["id"] for row in response.json()["results"]]
            url = response.json()["next"]
        assert seen == expected, ordering

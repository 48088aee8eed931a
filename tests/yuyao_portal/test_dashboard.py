"""The tier dashboards (issue 17): every chart renders for each tier, every number is
the count of the list it links to, each tier sees its own part only, the parts are
cached and invalidated on write, and the query count stays bounded."""

import re
from html import unescape
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from grid.models import ServiceRequest
from grid.requests.lists import RequestFilterForm
from training import compliance
from volunteers.models import HourEntry, Volunteer

from ..grid.request_states import submit, walk

pytestmark = pytest.mark.django_db

TIERS = ["county_admin", "street_admin", "community_secretary", "grid_member"]
MODES = ["requests", "volunteers", "negotiation", "funding", "training"]
METRIC = re.compile(
    r'data-metric="(?P<key>[\w.]+)" data-value="(?P<value>[^"]*)">\s*'
    r'(?:<a href="(?P<url>[^"]*)">)?'
)


def metrics(content: bytes) -> dict:
    """``{"requests.received": (value, url)}`` as the page shows them."""
    return {
        m["key"]: (m["value"], unescape(m["url"] or "")) for m in METRIC.finditer(content.decode())
    }


def dashboard(client, user):
    client.force_login(user)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    return response


def with_requests(world):
    """Requests in both streets: residents 1-15 live in street 1, 16-31 in street 2."""
    made = [submit(world, resident=n) for n in (1, 2, 3, 5, 9, 17, 18, 25)]
    walk(world, made[0], "closed")
    walk(world, made[5], "closed")
    return made


def list_count(user, url: str) -> int:
    """The count of the request list's queryset behind ``url``, as the list computes it."""
    query = QueryDict(urlsplit(url).query)
    form = RequestFilterForm(query or None, user=user)
    assert not form.is_bound or form.is_valid(), form.errors
    return ServiceRequest.objects.for_user(user).filtered(**form.filters()).count()


@pytest.mark.parametrize("persona", TIERS)
def test_every_chart_renders_for_each_tier(client, world, persona):
    with_requests(world)
    content = dashboard(client, world.user(persona)).content.decode()
    for mode in MODES:
        assert f'data-section="{mode}"' in content
    # a trend and a comparison for each mode, each with its title and description
    assert content.count('data-chart="columns"') == len(MODES)
    assert content.count('data-chart="bars"') == len(MODES)
    titles = re.findall(r"<title id=\"(chart-\d+)-t\">[^<]+</title><desc id=\"\1-d\">", content)
    assert len(titles) == 2 * len(MODES)
    assert 'role="img"' in content and "aria-labelledby" in content


@pytest.mark.parametrize("persona", TIERS)
def test_request_numbers_match_the_lists_behind_them(client, world, persona):
    with_requests(world)
    user = world.user(persona)
    response = dashboard(client, user)
    shown = metrics(response.content)
    checked = 0
    for key in ("received", "overdue", "closed", "evaluated"):
        value, url = shown[f"requests.{key}"]
        assert url.startswith("/net/requests/all/")
        assert int(value) == list_count(user, url), key
        checked += 1
    assert checked == 4
    # every month of the trend and every part of the table links to its list
    content = response.content.decode()
    section = content.split('data-section="requests"')[1].split('data-section="volunteers"')[0]
    trend = re.findall(r'<td class="num"><a href="([^"]+)">([\d,]+)</a></td>', section)
    assert len(trend) == 12
    for url, value in trend:
        assert int(value.replace(",", "")) == list_count(user, unescape(url))
    parts = re.findall(
        r'<th scope="row" data-label="[^"]*"><a href="([^"]+)">[^<]*</a></th>'
        r'<td class="num" data-label="[^"]*">([\d,]+)</td>',
        section,
    )
    if persona != "grid_member":  # a grid's parts are buildings: the list has no filter
        assert parts
    for url, value in parts:
        assert int(value.replace(",", "")) == list_count(user, unescape(url))


def test_the_received_total_is_the_whole_list(client, world):
    with_requests(world)
    for persona in TIERS:
        user = world.user(persona)
        value, _url = metrics(dashboard(client, user).content)["requests.received"]
        assert int(value) == ServiceRequest.objects.for_user(user).count(), persona


def test_other_modes_match_their_lists(client, world):
    user = world.user("street_admin")
    shown = metrics(dashboard(client, user).content)
    street = world.streets[0]
    volunteers = Volunteer.objects.for_user(user).filter(street=street)
    assert int(shown["volunteers.volunteers"][0]) == volunteers.count()
    pending = HourEntry.objects.for_user(user).filter(street=street, state="pending")
    assert int(shown["volunteers.pending"][0]) == pending.count()
    # training: the compliance board of the year
    board = compliance.board(user, year=timezone.localdate().year)
    assert int(shown["training.workers"][0]) == board["total"]
    for status, count in board["counts"].items():
        value, url = shown[f"training.{status}"]
        assert int(value) == count
        assert url.startswith("/training/board/")
    # consultations: the implementation board's counts
    counts = client.get(shown["negotiation.resolutions"][1]).context["counts"]
    assert int(shown["negotiation.archived"][0]) == counts["archived"]
    assert int(shown["negotiation.implementing"][0]) == (
        counts["notice"] + counts["implementing"] + counts["acceptance"]
    )


def test_county_admissions_match_the_applications_page(client, world):
    user = world.user("county_admin")
    shown = metrics(dashboard(client, user).content)
    for key in ("applications", "approved"):
        value, url = shown[f"funding.{key}"]
        listed = client.get(url).context["applications"]
        assert int(value) == len(listed), key


def test_a_street_admin_never_sees_another_street(client, world):
    with_requests(world)
    mine = dashboard(client, world.user("street_admin")).content.decode()
    theirs = dashboard(client, world.user("other_street_admin")).content.decode()
    one, two = world.streets
    for community in world.communities:
        if community.street_id == two.pk:
            assert community.name not in mine
        else:
            assert community.name not in theirs
    user = world.user("street_admin")
    received = int(metrics(mine.encode())["requests.received"][0])
    assert received == ServiceRequest.objects.filter(street=one).count()
    assert received != ServiceRequest.objects.count()
    other = int(metrics(theirs.encode())["requests.received"][0])
    assert other == ServiceRequest.objects.filter(street=two).count()
    # the exports too
    client.force_login(user)
    response = client.get("/dashboard/export/requests/parts.xlsx")
    names = {
        row[0]
        for row in load_workbook(BytesIO(response.getvalue())).active.iter_rows(
            min_row=2, values_only=True
        )
    }
    assert names == {c.name for c in world.communities if c.street_id == one.pk}


@pytest.mark.parametrize("persona", ["resident", "outsider", "department_staff", "unit_staff"])
def test_no_dashboard_without_a_part_of_the_net(client, world, persona):
    client.force_login(world.user(persona))
    assert client.get("/dashboard/").status_code == 404
    assert client.get("/dashboard/export/requests/parts.xlsx").status_code == 404
    assert client.get("/dashboard/participation/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("table", ["numbers", "trend", "parts"])
def test_every_table_exports_to_excel(client, world, mode, table):
    client.force_login(world.user("street_admin"))
    response = client.get(f"/dashboard/export/{mode}/{table}.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(response.getvalue())).active.iter_rows(values_only=True))
    assert len(rows) >= 2


@pytest.mark.parametrize(
    "path", ["/dashboard/export/nope/parts.xlsx", "/dashboard/export/requests/x.xlsx"]
)
def test_unknown_tables_are_404(client, world, path):
    client.force_login(world.user("street_admin"))
    assert client.get(path).status_code == 404


def test_workbench_links_to_the_dashboard(client, world):
    client.force_login(world.user("street_admin"))
    assert 'data-testid="dashboard-link"' in client.get("/").content.decode()
    client.force_login(world.user("resident"))
    assert 'data-testid="dashboard-link"' not in client.get("/").content.decode()


# --- caching ---------------------------------------------------------------------------


def test_a_write_is_read_back_at_once(client, world):
    user = world.user("street_admin")
    before = int(metrics(dashboard(client, user).content)["requests.received"][0])
    submit(world, resident=4)  # street 1
    after = int(metrics(dashboard(client, user).content)["requests.received"][0])
    assert after == before + 1
    closed_before = int(metrics(dashboard(client, user).content)["requests.closed"][0])
    walk(world, ServiceRequest.objects.filter(street=world.streets[0]).latest("pk"), "closed")
    closed_after = int(metrics(dashboard(client, user).content)["requests.closed"][0])
    assert closed_after == closed_before + 1


def test_parts_are_cached_per_scope(client, world):
    user = world.user("street_admin")
    dashboard(client, user)
    with CaptureQueriesContext(connection) as cached:
        client.get("/dashboard/")
    # a write in the other street leaves this street's parts cached ...
    submit(world, resident=20)
    with CaptureQueriesContext(connection) as after_other:
        client.get("/dashboard/")
    assert len(after_other) == len(cached)
    # ... a write in this street computes them again
    submit(world, resident=6)
    with CaptureQueriesContext(connection) as after_mine:
        client.get("/dashboard/")
    assert len(after_mine) > len(cached)


def test_query_count_is_bounded_and_flat(client, world):
    user = world.user("county_admin")
    dashboard(client, user)  # warm the session, the identity and the rules
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as first:
        client.get("/dashboard/")
    with CaptureQueriesContext(connection) as cached:
        client.get("/dashboard/")
    with_requests(world)
    cache.clear()
    with CaptureQueriesContext(connection) as grown:
        client.get("/dashboard/")
    assert len(first) <= 60, [q["sql"][:120] for q in first]
    assert len(grown) == len(first)
    assert len(cached) <= 12, [q["sql"][:120] for q in cached]


def test_query_string_has_no_effect_on_scope(client, world):
    """A street admin cannot widen the dashboard by a parameter."""
    client.force_login(world.user("street_admin"))
    one = client.get("/dashboard/").content
    two = client.get(f"/dashboard/?street={world.streets[1].pk}").content
    assert metrics(one) == metrics(two)


def test_links_carry_the_node(client, world):
    user = world.user("street_admin")
    _value, url = metrics(dashboard(client, user).content)["requests.received"]
    assert parse_qs(urlsplit(url).query) == {"street": [str(world.streets[0].pk)]}

"""The interface without a browser: the frame of every page, the elderly-friendly mode,
the menu by role, the directory list, the component tags and the CSP rules."""

import datetime
import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from grid.models import Building

PAGES = ["/", "/directory/buildings/", "/ui/", "/net/streets/"]


def _html(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("persona", ["street_admin", "community_worker", "grid_member"])
def test_every_page_has_the_frame_and_no_inline_script_or_style(world, client, persona):
    client.force_login(world.users[persona])
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        html = _html(response)
        assert 'class="site-nav"' in html and 'data-testid="identity"' in html
        assert "style=" not in html, path
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path


def test_the_header_shows_the_post_and_its_node(world, client):
    client.force_login(world.users["grid_member"])
    html = _html(client.get("/"))
    grid = world.grids[0]
    assert "网格员" in html and grid.name in html


def test_care_mode_is_stored_on_the_user_and_shown_on_every_page(world, client):
    user = world.users["grid_member"]
    client.force_login(user)
    assert 'class="care"' not in _html(client.get("/"))
    response = client.post("/accounts/care-mode/", {"care": "1", "next": "/directory/buildings/"})
    assert response.status_code == 302 and response["Location"] == "/directory/buildings/"
    user.refresh_from_db()
    assert user.care_mode is True
    html = _html(client.get("/directory/buildings/"))
    assert 'class="care"' in html and 'aria-pressed="true"' in html
    client.logout()
    client.force_login(user)
    assert 'class="care"' in _html(client.get("/"))
    client.post("/accounts/care-mode/", {"care": "0"})
    user.refresh_from_db()
    assert user.care_mode is False


def test_care_mode_for_a_visitor_lives_in_the_session(client, db):
    client.post("/accounts/care-mode/", {"care": "1"})
    assert 'class="care"' in _html(client.get("/accounts/login/"))


def test_care_mode_ignores_a_foreign_next(world, client):
    client.force_login(world.users["grid_member"])
    response = client.post("/accounts/care-mode/", {"care": "1", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_care_mode_only_by_post(client, db):
    assert client.get("/accounts/care-mode/").status_code == 405


def _menu(client) -> list[str]:
    return re.findall(r'data-nav="([\w-]+)"', _html(client.get("/")))


def test_the_menu_follows_the_role(world, client):
    client.force_login(world.users["street_admin"])
    street_menu = _menu(client)
    assert street_menu[:3] == ["home", "area", "directory"]
    client.force_login(world.users["outsider"])
    assert "directory" not in _menu(client) and "area" not in _menu(client)


def test_each_role_finds_its_request_pages_in_the_menu(world, client):
    expected = {
        "resident": ({"my-requests", "community-requests", "inbox"}, {"requests", "kpis"}),
        "grid_member": ({"requests", "request-list", "visits", "kpis", "inbox"}, {"approvals"}),
        "community_worker": ({"requests", "approvals", "kpis"}, {"my-requests"}),
        "unit_staff": ({"requests", "approvals", "inbox"}, {"kpis", "visits"}),
        "outsider": ({"inbox"}, {"requests", "approvals", "kpis"}),
    }
    for persona, (shown, hidden) in expected.items():
        client.force_login(world.users[persona])
        menu = set(_menu(client))
        assert shown <= menu and not hidden & menu, (persona, menu)
        for key in shown:  # every entry opens
            link = re.search(rf'href="([^"]+)" data-nav="{key}"', _html(client.get("/")))
            assert client.get(link.group(1)).status_code == 200, (persona, key)


def test_care_mode_simplifies_the_menu(world, client):
    user = world.users["community_worker"]
    client.force_login(user)
    full = _menu(client)
    user.care_mode = True
    user.save()
    simple = _menu(client)
    assert set(simple) < set(full) and "home" in simple and "directory" not in simple


def test_directory_lists_only_the_users_buildings(world, client):
    client.force_login(world.users["grid_member"])
    response = client.get("/directory/buildings/")
    listed = {b.pk for b in response.context["buildings"]}
    assert listed == set(
        Building.objects.for_user(world.users["grid_member"]).values_list("pk", flat=True)
    )
    assert listed and listed < set(Building.objects.values_list("pk", flat=True))


def test_directory_search_filter_and_empty_state(world, client):
    client.force_login(world.users["street_admin"])
    building = Building.objects.for_user(world.users["street_admin"]).first()
    response = client.get(
        "/directory/buildings/", {"q": building.name, "community": building.community_id}
    )
    assert [b.pk for b in response.context["buildings"]] == [building.pk]
    response = client.get("/directory/buildings/", {"q": "没有这座楼"})
    assert "empty-state" in _html(response)


@pytest.mark.parametrize(
    "params",
    [
        {"community": "abc"},
        {"community": "999999"},
        {"q": "x" * 500},
        {"page": "zz"},
        {"page": "99999"},
    ],
)
def test_directory_bad_input_is_a_clear_message_not_an_error(world, client, params):
    client.force_login(world.users["street_admin"])
    response = client.get("/directory/buildings/", params)
    assert response.status_code == 200
    if "page" not in params:
        assert 'aria-invalid="true"' in _html(response)


def test_directory_nul_in_the_search_is_refused_by_the_input_guard(world, client):
    client.force_login(world.users["street_admin"])
    response = client.get("/directory/buildings/", {"q": "a\x00b"})
    assert response.status_code == 400
    assert 'data-testid="refused"' in _html(response)


def test_directory_community_filter_offers_only_the_users_communities(world, client):
    client.force_login(world.users["grid_member"])
    other = world.communities[-1]
    response = client.get("/directory/buildings/", {"community": other.pk})
    assert 'aria-invalid="true"' in _html(response)


def test_directory_pages(world, client, monkeypatch):
    from yuyao_portal import views

    monkeypatch.setattr(views.BuildingDirectoryView, "paginate_by", 2)
    client.force_login(world.users["county_admin"])
    html = _html(client.get("/directory/buildings/", {"page": 2}))
    assert 'rel="prev"' in html and "page=1" in html


def test_component_guide_form_shows_inline_errors(world, client):
    client.force_login(world.users["community_worker"])
    html = _html(client.post("/ui/", {"name": "张", "phone": "123"}))
    assert 'id="id_phone_error"' in html and 'aria-invalid="true"' in html
    assert "data-error-summary" in html


def test_component_guide_is_off_outside_demo_and_debug(world, client, settings):
    settings.PORTAL_DEMO = False
    settings.DEBUG = False
    client.force_login(world.users["community_worker"])
    assert client.get("/ui/").status_code == 404


def _render(source: str, **context) -> str:
    return Template("{% load portal_ui %}" + source).render(Context(context))


def test_dates_numbers_and_money_in_chinese_formats():
    moment = datetime.datetime(2026, 3, 5, 1, 30, tzinfo=datetime.UTC)
    with translation.override("zh-hans"):
        assert _render("{{ d|cn_date }}", d=moment) == "2026年3月5日"
        assert _render("{{ d|cn_datetime }}", d=moment) == "2026年3月5日 09:30"
        assert _render("{{ n|grouped }}", n=1234567) == "1,234,567"
        assert _render("{{ m|money }}", m=Decimal("12345.5")) == "¥12,345.50"
        assert _render("{{ m|money }}", m="-0.005") == "-¥0.01"
        assert _render("{{ m|money }}", m=None) == "—"
        assert _render("{{ m|money }}", m="abc") == "abc"
    with translation.override("en"):
        assert _render("{{ d|cn_date }}", d=moment.date()) == "March 5, 2026"


def test_badge_escapes_and_limits_tones():
    assert (
        _render('{% badge label "bogus" %}', label="<b>")
        == '<span class="badge badge-neutral">&lt;b&gt;</span>'
    )
    assert "badge-success" in _render('{% badge "ok" "success" %}')


def test_bar_chart_is_svg_with_a_table():
    html = _render("{% bar_chart rows title='T' %}", rows=[("甲", 4), ("乙", 2), ("丙", 0)])
    assert "<svg" in html and 'role="img"' in html and "<table" in html
    widths = re.findall(r'class="chart-bar"[^>]*width="([\d.]+)%"', html)
    assert [float(w) for w in widths] == [48.0, 24.0, 0.0]
    assert "style=" not in html


def test_query_string_keeps_filters(rf):
    request = rf.get("/x/", {"q": "1幢", "page": "3"})
    html = _render("{% query_string page=4 %}", request=request)
    assert "page=4" in html and "q=1" in html

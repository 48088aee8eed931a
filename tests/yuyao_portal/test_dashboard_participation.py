"""Participation analytics (issue 17): who takes part, by age band, gender and building,
in a period, with the share of households reached; no group smaller than the rule
parameter ``dashboards.min_group_size`` (default 5) is shown."""

import datetime
import re
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from core.rules import rule
from core.rules.services import set_rule
from grid import services
from grid.models import Category, Household, Resident
from yuyao_portal.dashboards import participation
from yuyao_portal.dashboards.rules import MIN_GROUP
from yuyao_portal.dashboards.scope import scope_for

from ..factories import ResidentFactory
from ..grid.request_states import submit

pytestmark = pytest.mark.django_db


def test_the_smallest_group_is_a_rule_parameter_of_five():
    assert rule(MIN_GROUP) == 5


def test_suppress_hides_small_cells_and_the_cell_that_would_give_them_away():
    assert participation.suppress({"a": 7, "b": 0, "c": 9}, 5) == {"a": 7, "b": 0, "c": 9}
    # one small cell: the next smallest goes too, or total − the rest would give it
    assert participation.suppress({"a": 3, "b": 8, "c": 12}, 5) == {"a": None, "b": None, "c": 12}
    assert participation.suppress({"a": 3, "b": 4, "c": 12}, 5) == {"a": None, "b": None, "c": 12}


def street_one_residents(world, n, **fields):
    """``n`` more living residents in street 1's first building."""
    household = world.households[0]
    return [ResidentFactory(household=household, **fields) for _ in range(n)]


def cells(content: str, table: str) -> list[list[str]]:
    body = content.split(f'data-testid="table-{table}"')[1].split("</table>")[0]
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", body, re.S)
    return [[label, *re.findall(r'<td class="num">(.*?)</td>', rest, re.S)] for label, rest in rows]


def test_small_groups_are_suppressed_on_the_page(client, world):
    for n in (1, 2):  # two residents of street 1 submit requests: fewer than five
        submit(world, resident=n)
    client.force_login(world.user("street_admin"))
    response = client.get("/dashboard/participation/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "&lt;5" in content
    for row in cells(content, "gender") + cells(content, "age") + cells(content, "where"):
        for cell in row[1:]:
            text = re.sub(r"<[^>]+>", "", cell).strip()
            assert text in ("0", "&lt;5") or int(text.replace(",", "")) >= 5, row


def test_groups_at_the_threshold_are_shown(client, world):
    made = street_one_residents(world, 6, gender=Resident.Gender.FEMALE)
    # as many men: with two genders, one small cell would hide the other as well
    made += street_one_residents(world, 6, gender=Resident.Gender.MALE)
    scope = scope_for(world.user("street_admin"))
    category = Category.objects.get(code="environment-rubbish")
    for resident in made:
        services.submit_request(
            user=world.user("county_admin"),
            category=category,
            description="路灯不亮",
            reporter=resident,
        )
    data = participation.analytics(scope, participation.Period(timezone.localdate().year))
    requests = [key for key, _label in data["columns"]].index("requests")
    female = next(
        row for row in data["gender"] if row["label"] == str(Resident.Gender.FEMALE.label)
    )
    assert female["cells"][requests] is not None and female["cells"][requests] >= 6


def reporters(street) -> int:
    start = datetime.date(timezone.localdate().year, 1, 1)
    return (
        Resident.objects.filter(street=street, requests__created_at__date__gte=start)
        .distinct()
        .count()
    )


def test_a_lower_threshold_shows_more(client, world):
    for n in (1, 2):
        submit(world, resident=n)
    scope = scope_for(world.user("street_admin"))
    period = participation.Period(timezone.localdate().year)
    hidden = participation.analytics(scope, period)
    assert 0 < reporters(world.streets[0]) < 5
    set_rule(key=MIN_GROUP, value=2, in_force_from=datetime.date(2020, 1, 1))
    shown = participation.analytics(scope, period)
    assert shown["min_group"] == 2
    requests = [key for key, _label in shown["columns"]].index("requests")
    assert hidden["totals"][requests] is None
    assert shown["totals"][requests] == reporters(world.streets[0])


def test_households_reached_and_their_share(client, world):
    set_rule(key=MIN_GROUP, value=2, in_force_from=datetime.date(2020, 1, 1))
    for n in (1, 3, 5):  # three households of street 1
        submit(world, resident=n)
    user = world.user("street_admin")
    scope = scope_for(user)
    data = participation.analytics(scope, participation.Period(timezone.localdate().year))
    households = Household.objects.for_user(user).filter(street=world.streets[0]).count()
    assert data["households"] == households
    requests = next(row for row in data["reached"] if row["kind"] == "requests")
    reporters = {world.residents[n].household_id for n in (1, 3, 5)}
    assert requests["households"] == len(reporters)
    assert requests["share"] == round(100 * len(reporters) / households, 1)


def test_another_streets_participants_are_not_counted(world):
    set_rule(key=MIN_GROUP, value=2, in_force_from=datetime.date(2020, 1, 1))
    period = participation.Period(timezone.localdate().year)
    before = participation.analytics(scope_for(world.user("street_admin")), period)
    for n in (17, 18, 19, 20):  # street 2
        submit(world, resident=n)
    after = participation.analytics(scope_for(world.user("street_admin")), period)
    assert after["totals"] == before["totals"]
    assert after["gender"] == before["gender"]


def test_periods_parse_safely():
    this_year = timezone.localdate().year
    assert participation.Period.parse("abc", "9") == participation.Period(this_year)
    assert participation.Period.parse("1800", "") == participation.Period(this_year)
    period = participation.Period.parse(str(this_year), "2")
    assert period.start == datetime.date(this_year, 4, 1)
    assert period.end == datetime.date(this_year, 7, 1)


@pytest.mark.parametrize("query", ["", "?year=abc&quarter=%00", "?year=99999999999999&quarter=-1"])
def test_bad_periods_are_not_errors(client, world, query):
    client.force_login(world.user("community_secretary"))
    # the input guard refuses a NUL byte (a translated 400); anything else is read safely
    expected = 400 if "%00" in query else 200
    assert client.get(f"/dashboard/participation/{query}").status_code == expected


@pytest.mark.parametrize("table", ["age", "gender", "where", "reached"])
def test_the_tables_export_with_suppression(client, world, table):
    submit(world, resident=1)
    client.force_login(world.user("street_admin"))
    response = client.get(f"/dashboard/participation/{table}.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.getvalue())).active.iter_rows(values_only=True))
    assert len(rows) >= 2
    for row in rows[1:]:
        for value in row[1:]:
            assert value in (None, 0, "<k") or isinstance(value, float) or value >= 5, row


def test_the_export_of_an_unknown_table_is_404(client, world):
    client.force_login(world.user("street_admin"))
    assert client.get("/dashboard/participation/nope.xlsx").status_code == 404


def test_a_new_participant_is_read_back_at_once(world):
    set_rule(key=MIN_GROUP, value=2, in_force_from=datetime.date(2020, 1, 1))
    scope = scope_for(world.user("street_admin"))
    period = participation.Period(timezone.localdate().year)
    submit(world, resident=1)
    submit(world, resident=2)
    before = participation.analytics(scope, period)
    submit(world, resident=3)
    after = participation.analytics(scope_for(world.user("street_admin")), period)
    requests = [key for key, _label in after["columns"]].index("requests")
    assert after["totals"][requests] == before["totals"][requests] + 1


def test_the_query_count_does_not_grow_with_participants(client, world):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = world.user("street_admin")
    client.force_login(user)
    client.get("/dashboard/participation/")
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        client.get("/dashboard/participation/")
    for n in (1, 2, 3, 5, 7, 9):
        submit(world, resident=n)
    cache.clear()
    with CaptureQueriesContext(connection) as more:
        client.get("/dashboard/participation/")
    with CaptureQueriesContext(connection) as cached:
        client.get("/dashboard/participation/")
    assert len(more) == len(few)
    assert len(cached) < len(few) - 10

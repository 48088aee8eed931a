"""The record page and a team's year cost the same number of queries whatever the number
of entries or members: totals come from grouped queries, entries are paged, members are
ranked and cut in the database (bench/volunteer_record.py times them at scale)."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from volunteers import services, work_views
from volunteers.models import HourEntry, Volunteer

from ..factories import UserFactory
from .helpers import make_activity, make_team

RECORD_QUERIES = 15
TEAM_YEAR_QUERIES = 12


def add_entries(volunteer, activities, count, *, year=None):
    """``count`` entries of ``volunteer`` over ``activities``, one a day back from
    today (or from the last day of ``year``), every fourth one pending."""
    last = datetime.date(year, 12, 31) if year else timezone.localdate()
    entries = []
    for n in range(count):
        activity = activities[n % len(activities)]
        entry = HourEntry(
            volunteer=volunteer,
            user_id=volunteer.user_id,
            activity=activity,
            team_id=activity.team_id,
            served_on=last - datetime.timedelta(days=n),
            hours=Decimal("1.5"),
            state="pending" if n % 4 == 0 else "confirmed",
            source="entered",
        )
        entry.fill_tier_columns()
        entries.append(entry)
    return HourEntry.objects.bulk_create(entries)


def queries_of(client, path, **params):
    with CaptureQueriesContext(connection) as captured:
        page = client.get(path, params)
    assert page.status_code == 200
    return len(captured.captured_queries), page


def test_the_record_page_queries_do_not_grow_with_entries_teams_or_corrections(world, team, client):
    user = world.user("resident")
    volunteer = services.volunteer_of(user)
    client.force_login(user)
    client.get("/volunteers/record/")  # the caches (rules, grants) warm
    few, _page = queries_of(client, "/volunteers/record/")
    assert few <= RECORD_QUERIES
    other = make_team(world.communities[0], name="红马甲志愿服务队")
    activities = [make_activity(t, title=f"活动{t.pk}") for t in (team, other)]
    for entry in add_entries(volunteer, activities, 45)[:6]:
        services.ask_correction(user=user, entry=entry, hours="1", reason="记错了")
    many, page = queries_of(client, "/volunteers/record/")
    assert many == few
    body = page.content.decode()
    assert body.count('<li id="entry-') == services.RECORD_PAGE_SIZE
    # The totals cover every entry, not only the page shown.
    summary = page.context["summary"]
    confirmed = sum(row[1] for row in summary["by_year"])
    pending = sum(row[2] for row in summary["by_year"])
    total = HourEntry.objects.filter(volunteer=volunteer)
    assert confirmed == sum(e.hours for e in total.filter(state="confirmed"))
    assert pending == sum(e.hours for e in total.filter(state="pending"))
    assert {name for name, _c, _p in summary["by_team"]} == {team.name, other.name}
    assert {t["pk"] for t in page.context["teams"]} == {team.pk, other.pk}
    # The older entries are on the next pages, at the same cost.
    last, older = queries_of(client, "/volunteers/record/", page=3)
    assert last == few
    shown = total.count() - 2 * services.RECORD_PAGE_SIZE
    assert older.content.decode().count('<li id="entry-') == shown


def test_a_teams_year_costs_the_same_queries_for_many_members(world, team, client, monkeypatch):
    monkeypatch.setattr(work_views, "SHOWN_MEMBERS", 5)
    year = timezone.localdate().year - 1
    path = f"/volunteers/work/teams/{team.pk}/summary/"
    client.force_login(team.leader)
    client.get(path, {"year": year})
    empty, page = queries_of(client, path, year=year)
    assert empty <= TEAM_YEAR_QUERIES and page.context["summary"]["member_count"] == 0
    activity = make_activity(team, title="年度服务")
    resident = services.volunteer_of(world.user("resident"))
    for n in range(12):
        volunteer = Volunteer.objects.create(
            user=UserFactory(), name=f"队员{n:02d}", building_id=resident.building_id
        )
        add_entries(volunteer, [activity], min(n + 1, 10), year=year)  # ties at the top
    many, page = queries_of(client, path, year=year)
    assert many == empty
    summary = page.context["summary"]
    assert summary["member_count"] == 12 and page.context["more"] == 7
    rows = HourEntry.objects.filter(team=team, served_on__year=year)
    confirmed = {}
    for entry in rows.filter(state="confirmed").select_related("volunteer"):
        confirmed[entry.volunteer.name] = confirmed.get(entry.volunteer.name, 0) + entry.hours
    ranked = sorted(confirmed.items(), key=lambda item: (-item[1], item[0]))[:5]
    assert [(m["name"], m["confirmed"]) for m in page.context["shown"]] == ranked
    rows = HourEntry.objects.filter(team=team, served_on__year=year)
    assert summary["entries"] == rows.count()
    assert summary["confirmed"] == sum(e.hours for e in rows.filter(state="confirmed"))
    assert summary["pending"] == sum(e.hours for e in rows.filter(state="pending"))
    assert sum(hours for _month, hours in summary["months"]) == summary["confirmed"]
    assert 'data-testid="more"' in page.content.decode()

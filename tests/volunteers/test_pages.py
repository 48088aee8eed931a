"""The phone pages and the workbench, as the issue's "done means" walks them."""

import datetime
import io

import openpyxl
from django.utils import timezone

from core.checkin import current_code
from volunteers import services
from volunteers.models import Correction, HourEntry, Shift, SignUp

from .helpers import make_activity, make_shift


def test_a_resident_finds_signs_up_scans_checks_out_and_gets_a_certificate(world, team, client):
    shift = make_shift(
        make_activity(team, title="社区助老午餐"), starts_in=datetime.timedelta(days=1)
    )
    client.force_login(world.user("resident"))
    home = client.get("/volunteers/")
    assert home.status_code == 200 and "社区助老午餐" in home.content.decode()
    signed = client.post(f"/volunteers/shifts/{shift.pk}/sign-up/", follow=True)
    assert "我的班次" in signed.content.decode()
    assert SignUp.objects.filter(shift=shift, state="booked").count() == 1
    # At the shift, which began 2 h 30 ago.
    start = timezone.now() - datetime.timedelta(hours=2, minutes=30)
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=start, ends_at=start + datetime.timedelta(hours=3)
    )
    code = current_code(services.CHECKIN_PURPOSE, shift.pk)
    page = client.get(f"/volunteers/shifts/{shift.pk}/check-in/?code={code}")
    assert page.status_code == 200 and 'data-testid="check-in"' in page.content.decode()
    client.post(f"/volunteers/shifts/{shift.pk}/check-in/", {"code": code})
    SignUp.objects.filter(shift=shift).update(checked_in_at=start)
    out = client.post(
        f"/volunteers/shifts/{shift.pk}/check-in/", {"code": code, "step": "out"}, follow=True
    )
    assert HourEntry.objects.get(signup__shift=shift).hours == 2.5
    body = out.content.decode()
    assert 'data-testid="confirmed-hours">5.5<' in body and 'data-testid="stars"' in body
    issued = client.post("/volunteers/certificates/", {"team": team.pk}, follow=True)
    number = issued.redirect_chain[-1][0].rstrip("/").rsplit("/", 1)[-1]
    client.logout()
    verified = client.get(f"/verify/{number}/")
    assert verified.status_code == 200 and team.name in verified.content.decode()


def test_a_stale_code_is_refused_on_the_page(world, team, client):
    user = world.user("resident")
    shift = make_shift(make_activity(team), starts_in=datetime.timedelta(days=1))
    services.sign_up(user=user, shift=shift)
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    old = current_code(
        services.CHECKIN_PURPOSE, shift.pk, at=timezone.now() - datetime.timedelta(hours=1)
    )
    client.force_login(user)
    answer = client.post(f"/volunteers/shifts/{shift.pk}/check-in/", {"code": old}, follow=True)
    assert "过期" in answer.content.decode()
    assert SignUp.objects.get(shift=shift).checked_in_at is None


def test_the_worker_confirms_answers_and_exports(world, team, client):
    client.force_login(world.user("community_worker"))
    work = client.get("/volunteers/work/")
    assert work.status_code == 200
    pending = HourEntry.objects.get(state="pending")
    client.post(f"/volunteers/work/hours/{pending.pk}/", {"accept": "1"})
    assert HourEntry.objects.get(pk=pending.pk).state == "confirmed"
    correction = Correction.objects.get()
    client.post(f"/volunteers/work/corrections/{correction.pk}/", {"accept": "1", "answer": "属实"})
    assert Correction.objects.get().state == "accepted"
    export = client.get(f"/volunteers/work/teams/{team.pk}/export/")
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][0] == "志愿者" and len(rows) == 3


def test_the_check_in_sheet_shows_a_rotating_code_to_the_leader_only(world, team, client):
    shift = Shift.objects.filter(activity__team=team).order_by("-starts_at").first()
    client.force_login(team.leader)
    sheet = client.get(f"/volunteers/work/shifts/{shift.pk}/")
    assert sheet.status_code == 200 and 'data-testid="rotating-qr"' in sheet.content.decode()
    assert client.get(f"/volunteers/work/shifts/{shift.pk}/qr/").json()["code"]
    client.force_login(world.user("other_street_admin"))
    assert client.get(f"/volunteers/work/shifts/{shift.pk}/").status_code == 404
    client.force_login(world.user("resident"))
    assert client.get("/volunteers/work/").status_code == 404


def test_the_public_team_page_needs_no_sign_in_and_shows_no_names(world, team, client):
    page = client.get(f"/volunteers/teams/{team.pk}/")
    assert page.status_code == 200 and team.name in page.content.decode()
    assert world.residents[0].name not in page.content.decode()


def test_the_leader_records_an_award_and_the_public_page_shows_it(world, team, client):
    client.force_login(team.leader)
    client.post(f"/volunteers/work/teams/{team.pk}/award/", {"title": "余姚市优秀志愿服务队"})
    client.post(f"/volunteers/work/teams/{team.pk}/award/", {"title": "坏日期", "on": "2026-13-45"})
    client.post(f"/volunteers/work/teams/{team.pk}/award/", {"title": "将来", "on": "2999-01-01"})
    client.logout()
    page = client.get(f"/volunteers/teams/{team.pk}/").content.decode()
    assert "余姚市优秀志愿服务队" in page and "坏日期" not in page and "将来" not in page
    client.force_login(world.user("resident"))
    refused = client.post(f"/volunteers/work/teams/{team.pk}/award/", {"title": "自封"})
    assert refused.status_code == 404


def test_a_teams_year_on_one_page(world, team, client, django_assert_max_num_queries):
    client.force_login(team.leader)
    year = HourEntry.objects.filter(team=team).order_by("served_on").first().served_on.year
    with django_assert_max_num_queries(20):
        page = client.get(f"/volunteers/work/teams/{team.pk}/summary/", {"year": year})
    assert page.status_code == 200
    summary = page.context["summary"]
    assert summary["confirmed"] == 3 and summary["pending"] == 2 and summary["entries"] == 2
    (member,) = summary["members"]
    assert member["confirmed"] == 3 and member["pending"] == 2
    assert sum(hours for _month, hours in summary["months"]) == 3
    assert (
        client.get(f"/volunteers/work/teams/{team.pk}/summary/", {"year": "x"}).status_code == 200
    )
    client.force_login(world.user("resident"))
    assert client.get(f"/volunteers/work/teams/{team.pk}/summary/").status_code == 404


def test_a_volunteer_who_forgot_to_scan_enters_hours_and_they_wait_for_confirmation(
    world, team, client
):
    user = world.user("resident")
    shift = make_shift(make_activity(team, title="楼道清洁"), starts_in=datetime.timedelta(days=1))
    signup = services.sign_up(user=user, shift=shift)
    client.force_login(user)
    ahead = client.get("/volunteers/mine/").content.decode()
    assert f'data-testid="enter-hours-{signup.pk}"' not in ahead
    refused = client.post(f"/volunteers/signups/{signup.pk}/hours/", {"hours": "2"}, follow=True)
    assert refused.status_code == 200 and not HourEntry.objects.filter(signup=signup).exists()
    start = timezone.now() - datetime.timedelta(days=2)
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=start, ends_at=start + datetime.timedelta(hours=3)
    )
    assert (
        f'data-testid="enter-hours-{signup.pk}"' in client.get("/volunteers/mine/").content.decode()
    )
    over = client.post(f"/volunteers/signups/{signup.pk}/hours/", {"hours": "9"}, follow=True)
    assert not HourEntry.objects.filter(signup=signup).exists()
    assert "最多 3 小时" in over.content.decode()
    sent = client.post(
        f"/volunteers/signups/{signup.pk}/hours/", {"hours": "2", "note": "忘记扫码"}, follow=True
    )
    entry = HourEntry.objects.get(signup=signup)
    assert (entry.state, entry.hours, entry.note) == ("pending", 2, "忘记扫码")
    assert f'data-testid="hours-{signup.pk}"' in sent.content.decode()
    other = world.user("community_worker")
    client.force_login(other)
    again = client.post(f"/volunteers/signups/{signup.pk}/hours/", {"hours": "1"})
    assert again.status_code in (302, 404) and HourEntry.objects.filter(signup=signup).count() == 1

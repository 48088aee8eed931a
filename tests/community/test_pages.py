"""The appointment pages on the phone: a resident books a Saturday morning, the office
sees the day's list and records who came."""

import datetime

from django.utils import timezone

from community.models import Appointment, AppointmentSlot

from .helpers import make_slot, next_weekday

SATURDAY = 5


def test_a_resident_books_a_saturday_appointment_on_the_page(world, client):
    saturday = next_weekday(SATURDAY)
    slot = make_slot(world.communities[0], day=saturday, hour=10)
    client.force_login(world.user("resident"))
    page = client.get("/community/")
    html = page.content.decode()
    assert page.status_code == 200 and "社区办事预约" in html and "10:00" in html
    answer = client.post(f"/community/slots/{slot.pk}/book/", {"note": "开具居住证明"}, follow=True)
    assert "预约成功" in answer.content.decode()
    assert Appointment.objects.get().note == "开具居住证明"
    mine = client.get("/community/").content.decode()
    assert "我的预约" in mine and "已预约" in mine


def test_the_menu_shows_appointments_to_residents(world, client):
    client.force_login(world.user("resident"))
    keys = [item["key"] for item in client.get("/").context["nav_items"]]
    assert "appointments" in keys


def test_a_full_slot_tells_the_resident_on_the_page(world, client):
    slot = make_slot(world.communities[0], capacity=1)
    AppointmentSlot.objects.filter(pk=slot.pk).update(booked=1)
    client.force_login(world.user("resident"))
    answer = client.post(f"/community/slots/{slot.pk}/book/", follow=True)
    assert "已约满" in answer.content.decode()
    assert not Appointment.objects.exists()


def test_a_slot_of_another_community_is_404(world, client):
    slot = make_slot(world.communities[2])
    client.force_login(world.user("resident"))
    assert client.post(f"/community/slots/{slot.pk}/book/").status_code == 404
    assert client.post("/community/slots/999999999999999999999/book/").status_code == 404


def test_an_unconfirmed_user_is_told_to_confirm_first(world, client):
    client.force_login(world.user("outsider"))
    html = client.get("/community/").content.decode()
    assert "请先确认住户" in html


def test_the_office_opens_evening_times_on_the_page(world, client):
    client.force_login(world.user("community_worker"))
    assert client.get("/community/").status_code == 302
    assert client.get("/community/slots/open/").status_code == 200
    day = next_weekday(1)
    answer = client.post(
        "/community/slots/open/",
        {
            "community": world.communities[0].pk,
            "service": "certificate",
            "day": day.isoformat(),
            "start": "18:00",
            "end": "19:30",
            "minutes": "30",
            "capacity": "2",
            "place": "党群服务中心",
        },
        follow=True,
    )
    assert "已开放 3 个时段" in answer.content.decode()
    refused = client.post(
        "/community/slots/open/",
        {
            "community": world.communities[0].pk,
            "service": "certificate",
            "day": day.isoformat(),
            "start": "20:00",
            "end": "22:00",
            "minutes": "30",
            "capacity": "1",
        },
    )
    assert refused.status_code == 400 and "20:30" in refused.content.decode()
    assert AppointmentSlot.objects.count() == 3


def test_the_office_sees_the_days_list_and_records_who_came(world, client):
    slot = make_slot(world.communities[0], day=timezone.localdate() + datetime.timedelta(days=1))
    from community.services import book_appointment

    appointment = book_appointment(user=world.user("resident"), slot=slot, note="咨询低保")
    AppointmentSlot.objects.filter(pk=slot.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    client.force_login(world.user("community_worker"))
    today = timezone.localtime(timezone.now() - datetime.timedelta(minutes=1)).date()
    html = client.get(f"/community/day/?date={today.isoformat()}").content.decode()
    assert world.residents[0].name in html and "咨询低保" in html
    client.post(f"/community/appointments/{appointment.pk}/attended/")
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.ATTENDED


def test_a_bad_date_on_the_day_list_is_an_error_not_a_500(world, client):
    client.force_login(world.user("community_worker"))
    for value in ("2026-02-30", "x" * 300, "\x00"):
        assert client.get("/community/day/", {"date": value}).status_code in (200, 400)


def test_residents_and_grid_members_do_not_reach_the_office_pages(world, client):
    client.force_login(world.user("resident"))
    assert client.get("/community/day/").status_code == 404
    assert client.get("/community/slots/open/").status_code == 404
    client.force_login(world.user("grid_member"))
    assert client.get("/community/slots/open/").status_code == 404

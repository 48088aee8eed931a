"""Volunteer service as the issue's "done means" walks it, in the demo county: a resident
registers, finds an activity, signs up, scans the organiser's QR code at the shift,
checks out and sees 2.5 confirmed hours and a star level; enters the hours of a shift
they forgot to scan and asks for a correction; asks for a record certificate, and a
friend who is not signed in verifies it by scanning its QR code. The community worker
confirms the pending hours, answers the correction and exports the team's hours.

The QR codes are read from the screen with zxing-cpp, as a phone's camera reads them.
Time on the shift passes in the database: the shift and the check-in are moved back
by 2 h 30 min between checking in and checking out.

Each viewport gets its own resident, activity and shifts, so the journeys need no order
and leave the demo's own records to the other journeys.
"""

import datetime
import io

import openpyxl
import zxingcpp
from django.contrib.auth import get_user_model
from django.utils import timezone
from PIL import Image

from grid.models import Post, Resident
from grid.permissions import Role
from volunteers import services
from volunteers.demo import TEAM
from volunteers.models import HourEntry, Shift, SignUp, Team

from .journey import PASSWORD, Journey

BACK = datetime.timedelta(hours=2, minutes=30)


def scanned(locator) -> str:
    """What a camera reads from the QR code shown in ``locator``."""
    image = Image.open(io.BytesIO(locator.screenshot()))
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1, f"{len(found)} codes read"
    return found[0].text


def new_resident(team: Team, viewport: str):
    """A living adult of the team's community with an account of their own."""
    username = f"vol-journey-{viewport}"
    users = get_user_model()
    resident = (
        Resident.objects.filter(
            household__community=team.community,
            state=Resident.State.LIVING,
            user__isnull=True,
            birth_date__lte=datetime.date(1990, 1, 1),
            birth_date__gte=datetime.date(1960, 1, 1),
        )
        .order_by("id")
        .first()
    )
    assert resident is not None, "no unclaimed adult left in the team's community"
    user = users.objects.create_user(username=username, password=PASSWORD)
    user.display_name = resident.name
    user.save(update_fields=["display_name"])
    Resident.objects.filter(pk=resident.pk).update(user=user)
    return user, resident


def staff(team: Team, role: Role):
    post = Post.objects.filter(community=team.community, role=role, is_active=True).first()
    return post.user


def test_a_resident_serves_a_shift_and_a_friend_verifies_the_certificate(
    journey, viewport, browser, portal, request, django_db_blocker
):
    with django_db_blocker.unblock():
        team = Team.objects.select_related("community").get(name=TEAM)
        leader = team.leader
        worker = staff(team, Role.COMMUNITY_WORKER)
        user, resident = new_resident(team, viewport)
        title = f"楼道清洁日（{viewport}）"
        activity = services.create_activity(
            by=leader, team=team, title=title, place="3号楼", tags=["environment"]
        )
        start = (timezone.now() + datetime.timedelta(hours=1)).replace(microsecond=0)
        shift = services.add_shift(
            by=leader,
            activity=activity,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=3),
            capacity=5,
        )
        # Last week's shift the resident served and forgot to scan out of.
        earlier_activity = services.create_activity(
            by=leader,
            team=team,
            title=f"敬老院陪护（{viewport}）",
            place="敬老院",
            tags=["elderly"],
        )
        earlier = services.add_shift(
            by=leader,
            activity=earlier_activity,
            starts_at=start + datetime.timedelta(hours=4),
            ends_at=start + datetime.timedelta(hours=6),
            capacity=5,
        )
    page = journey.page

    # The resident registers and finds the activity among those near them.
    journey.sign_in(user.username, "resident-workbench")
    journey.open("/volunteers/", "volunteers-home")
    page.locator("#consent").check()
    journey.click(page.get_by_test_id("register"), "volunteers-registered", again=True)
    card = page.get_by_test_id(f"shift-{shift.pk}")
    assert title in card.inner_text()
    journey.click(card.get_by_test_id(f"sign-up-{shift.pk}"), "signed-up", again=True)
    assert SignUp.objects.get(shift=shift, user=user).state == "booked"
    with django_db_blocker.unblock():
        services.sign_up(user=user, shift=earlier)
        week_ago = timezone.now() - datetime.timedelta(days=7)
        Shift.objects.filter(pk=earlier.pk).update(
            starts_at=week_ago, ends_at=week_ago + datetime.timedelta(hours=2)
        )
        # At the shift: it began five minutes ago.
        began = timezone.now() - datetime.timedelta(minutes=5)
        Shift.objects.filter(pk=shift.pk).update(
            starts_at=began, ends_at=began + datetime.timedelta(hours=3)
        )

    # The organiser's screen shows the rotating code; the resident's phone scans it.
    organiser = Journey.start(browser, portal["url"], "desktop", request.node)
    try:
        organiser.sign_in(leader.username, "leader-workbench")
        organiser.open(f"/volunteers/work/shifts/{shift.pk}/", "check-in-sheet")
        link = scanned(organiser.page.get_by_test_id("rotating-qr").locator("svg"))
        assert f"/volunteers/shifts/{shift.pk}/check-in/?code=" in link
        page.goto(link)
        journey.check("check-in-scanned")
        journey.click(page.get_by_test_id("check-in"), "checked-in", again=True)
        signup = SignUp.objects.get(shift=shift, user=user)
        assert signup.checked_in_at is not None and signup.state == "attended"

        with django_db_blocker.unblock():
            Shift.objects.filter(pk=shift.pk).update(
                starts_at=began - BACK, ends_at=began - BACK + datetime.timedelta(hours=3)
            )
            SignUp.objects.filter(pk=signup.pk).update(checked_in_at=signup.checked_in_at - BACK)
        organiser.open(f"/volunteers/work/shifts/{shift.pk}/", "check-in-sheet-later", again=True)
        link = scanned(organiser.page.get_by_test_id("rotating-qr").locator("svg"))
        organiser.assert_clean()
    finally:
        organiser.finish()
    page.goto(link)
    journey.check("check-out-scanned")
    journey.click(page.get_by_test_id("check-out"), "record-after-shift", again=True)
    assert page.url == journey.base_url + "/volunteers/record/"
    assert "2.5" in page.get_by_test_id("toasts").inner_text()
    entry = HourEntry.objects.get(signup=signup)
    assert (entry.hours, entry.state) == (2.5, "confirmed")
    assert page.get_by_test_id("confirmed-hours").inner_text().strip() == "2.5"
    stars = page.get_by_test_id("stars")
    assert stars.get_attribute("aria-label") == "0 星"
    assert f"{title}" in page.get_by_test_id("entries").inner_text()

    # The forgotten shift: hours entered afterwards wait for the organiser.
    journey.open("/volunteers/mine/", "my-shifts")
    earlier_signup = SignUp.objects.get(shift=earlier, user=user)
    page.locator(f"#signup-{earlier_signup.pk} summary").click()
    page.locator(f"#hours-{earlier_signup.pk}").fill("2")
    page.locator(f"#note-{earlier_signup.pk}").fill("忘记扫码签退")
    journey.click(
        page.get_by_test_id(f"enter-hours-{earlier_signup.pk}"), "hours-entered", again=True
    )
    pending = HourEntry.objects.get(signup=earlier_signup)
    assert (pending.hours, pending.state) == (2, "pending")
    assert "待确认" in page.get_by_test_id(f"hours-{earlier_signup.pk}").inner_text()

    # A correction of the checked-out entry: the resident left half an hour late.
    journey.open("/volunteers/record/", "record", again=True)
    row = page.locator(f"#entry-{entry.pk}")
    row.locator("summary").click()
    row.locator(f"#hours-{entry.pk}").fill("3")
    row.locator(f"#reason-{entry.pk}").fill("收尾工作多留了半小时")
    journey.click(row.get_by_test_id(f"correction-send-{entry.pk}"), "correction-asked", again=True)
    correction = entry.corrections.get()
    assert correction.state == "open"

    # The record certificate, and a friend who scans it without signing in.
    page.locator("#team").select_option(value=str(team.pk))
    journey.click(page.get_by_test_id("ask-certificate"), "certificate", again=True)
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    assert page.get_by_test_id("certificate-state").get_attribute("data-state") == "valid"
    link = scanned(page.locator(".certificate-qr svg"))
    friend = Journey.start(browser, portal["url"], "phone", request.node)
    try:
        friend.page.goto(link)
        friend.check("friend-verifies")
        state = friend.page.get_by_test_id("certificate-state")
        assert state.get_attribute("data-state") == "valid"
        assert number in friend.page.url
        assert team.name in state.inner_text()
        assert resident.name not in state.inner_text()
        assert resident.name[0] in state.inner_text()
        friend.assert_clean()
    finally:
        friend.finish()

    # The community worker confirms the hours, answers the correction, exports.
    journey.sign_out()
    journey.sign_in(worker.username, "worker-workbench")
    journey.open("/volunteers/work/", "volunteer-workbench")
    journey.click(page.get_by_test_id(f"confirm-{pending.pk}"), "hours-confirmed", again=True)
    pending.refresh_from_db()
    assert pending.state == "confirmed"
    page.locator(f"#answer-{correction.pk}").fill("核实属实，已更正")
    journey.click(page.get_by_test_id(f"accept-{correction.pk}"), "correction-answered", again=True)
    correction.refresh_from_db()
    entry.refresh_from_db()
    assert (correction.state, entry.hours) == ("accepted", 3)
    export = page.get_by_test_id(f"export-{team.pk}")
    response = page.request.get(journey.base_url + export.get_attribute("href"))
    assert response.ok
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    rows = list(openpyxl.load_workbook(io.BytesIO(response.body())).active.values)
    mine = [r for r in rows[1:] if title in [str(c) for c in r]]
    assert len(mine) == 1, rows[:3]
    assert (mine[0][0], mine[0][3]) == (resident.name, 3)
    journey.assert_clean()

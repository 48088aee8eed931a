"""People on the net: a resident signs up and is confirmed by their grid member; a
community worker imports a roster, fixes the row it rejects, and finds the resident.

The demo county is shared by the whole session (see ``conftest``): every run takes a
fresh phone number, roster resident and room, so the journeys need no order and leave
the demo accounts of the other journeys as they were.
"""

import datetime
import io
import re

from django.contrib.auth import get_user_model
from django.utils import translation

from core.notify.sms import MemorySMSBackend
from grid.models import Building, Community, Household, Resident, VerificationRequest
from grid.people.roster import COLUMNS
from grid.pii import make_id_number

from .journey import PASSWORD, VIEWPORTS

SIZE = {name: index for index, name in enumerate(VIEWPORTS, start=1)}


def fresh_phone(viewport: str) -> str:
    """A mobile number no account holds yet: 1990000 + the size + a counter."""
    taken = set(get_user_model().objects.values_list("username", flat=True))
    for counter in range(1000):
        phone = f"1990000{SIZE[viewport]}{counter:03d}"
        if phone not in taken:
            return phone
    raise AssertionError("no fresh phone number left")


def unclaimed_resident(building):
    """A demo resident of ``building`` with no account and no pending request naming
    them, alone with their name in their room, or None."""
    pending = VerificationRequest.objects.filter(
        building=building, state=VerificationRequest.State.PENDING
    )
    claimed = {(r.unit, r.room, r.name) for r in pending}
    candidates = Resident.objects.filter(
        household__building=building, user=None, state=Resident.State.LIVING
    ).select_related("household")
    for resident in candidates.order_by("id"):
        household = resident.household
        if (household.unit, household.room, resident.name) in claimed:
            continue
        if candidates.filter(household=household, name=resident.name).count() == 1:
            return resident
    return None


def building_with_unclaimed_resident():
    """The first demo building, by code, that still has an unclaimed resident: the mode
    demos give accounts to some residents (volunteers, voters), so the first building
    alone may run out."""
    buildings = Building.objects.order_by("code").select_related("grid__community__street")
    for building in buildings[:50]:
        resident = unclaimed_resident(building)
        if resident is not None:
            return building, resident
    raise AssertionError("no unclaimed resident left in the first 50 buildings")


def grid_member(grid) -> str:
    """The demo grid member's username: wg{street}{community}{grid}."""
    community = grid.community
    return f"wg{int(community.street.code[-3:])}{int(community.code[-3:])}{int(grid.code[-3:])}"


def test_resident_signs_up_and_is_confirmed(journey, viewport, settings):
    settings.PORTAL_SMS_BACKEND = "core.notify.sms.MemorySMSBackend"
    MemorySMSBackend.outbox.clear()
    page = journey.page
    building, resident = building_with_unclaimed_resident()
    community = building.grid.community
    household = resident.household
    phone = fresh_phone(viewport)

    journey.open("/net/signup/", "signup")
    page.locator("#id_phone").fill(phone)
    journey.click(page.locator("button[name=send_code]"), "signup-code-sent", again=True)
    sent = [message for to, message in MemorySMSBackend.outbox if to == phone]
    assert len(sent) == 1, MemorySMSBackend.outbox
    code = re.search(r"(?<!\d)(\d{6})(?!\d)", sent[0]).group(1)

    page.locator("#id_code").fill(code)
    page.locator("#id_name").fill(resident.name)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    journey.click(page.get_by_test_id("signup-submit"), "household-request")
    assert page.url == journey.base_url + "/net/me/household/"
    journey.user = phone

    page.locator("#id_community").select_option(value=str(community.pk))
    journey.click(page.get_by_test_id("choose-community"), "household-request-community")
    page.locator("#id_building").select_option(value=str(building.pk))
    page.locator("#id_unit").fill(str(household.unit))
    page.locator("#id_room").fill(household.room)
    page.locator("#id_name").fill(resident.name)
    journey.click(page.get_by_test_id("household-request-submit"), "home-pending")
    assert page.url == journey.base_url + "/net/me/"
    request = VerificationRequest.objects.get(user__username=phone)
    assert request.state == VerificationRequest.State.PENDING
    pending = page.get_by_test_id("verification-state")
    assert pending.get_attribute("data-state") == "pending"
    assert household.room in pending.inner_text()

    journey.sign_out()
    journey.sign_in(grid_member(building.grid))
    journey.open("/net/verifications/", "verification-queue")
    card = page.get_by_test_id(f"verification-{request.pk}")
    assert resident.name in card.inner_text()
    journey.click(card.get_by_test_id("verification-confirm"), "verification-confirmed", again=True)
    assert page.get_by_test_id(f"verification-{request.pk}").count() == 0
    assert resident.name in page.get_by_test_id("toasts").inner_text()
    resident.refresh_from_db()
    assert resident.user.username == phone

    journey.sign_out()
    journey.sign_in(phone, "resident-workbench")
    journey.open("/net/me/", "home-confirmed", again=True)
    mine = page.get_by_test_id("my-household")
    assert str(household) in mine.inner_text()
    assert resident.name in mine.inner_text()
    assert community.name in page.get_by_test_id("who-serves-you").inner_text()
    journey.assert_clean()


def roster_file(rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    with translation.override("zh-hans"):
        sheet.append([str(label) for _k, label, _r in COLUMNS])
    keys = [key for key, _label, _required in COLUMNS]
    for row in rows:
        sheet.append([row.get(key, "") for key in keys])
    handle = io.BytesIO()
    workbook.save(handle)
    return handle.getvalue()


def fresh_numbers(viewport: str, count: int) -> list[str]:
    """Valid fictional ID numbers whose last four digits no resident has yet."""
    taken = set(Resident.objects.values_list("id_last4", flat=True))
    born = datetime.date(1980 + SIZE[viewport], 3, 5)
    numbers = []
    for sequence in range(500 + 100 * SIZE[viewport], 1000):
        number = make_id_number("330281", born, sequence)
        if number[-4:] not in taken:
            taken.add(number[-4:])
            numbers.append(number)
        if len(numbers) == count:
            return numbers
    raise AssertionError("no fresh ID number left")


def test_community_worker_imports_a_roster_and_fixes_a_row(journey, viewport):
    page = journey.page
    community = Community.objects.order_by("street__code", "code").first()
    building = Building.objects.filter(grid__community=community).order_by("code").last()
    used = set(Household.objects.filter(building=building).values_list("room", flat=True))
    room = next(
        f"9{SIZE[viewport]}{n:02d}" for n in range(100) if f"9{SIZE[viewport]}{n:02d}" not in used
    )
    head, spouse = fresh_numbers(viewport, 2)
    wrong = head[:17] + ("0" if head[17] != "0" else "1")
    with translation.override("zh-hans"):
        rows = [
            {
                "building_code": building.code,
                "unit": 1,
                "room": room,
                "name": "试导入甲",
                "id_number": wrong,
                "relation": "户主",
            },
            {
                "building_code": building.code,
                "unit": 1,
                "room": room,
                "name": "试导入乙",
                "id_number": spouse,
                "relation": "配偶",
            },
        ]
        id_label = str(COLUMNS[[k for k, _l, _r in COLUMNS].index("id_number")][1])
    before = Resident.objects.count()

    journey.sign_in("sg11")
    journey.open("/net/roster/import/", "roster-import")
    template = page.get_by_test_id("roster-template")
    response = page.request.get(journey.base_url + template.get_attribute("href"))
    assert response.ok
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response.body()[:2] == b"PK"

    upload = {"name": "roster.xlsx", "mimeType": "application/octet-stream"}
    page.locator("#id_file").set_input_files({**upload, "buffer": roster_file(rows)})
    journey.click(page.get_by_test_id("roster-submit"), "roster-rejected", again=True)
    errors = page.get_by_test_id("import-errors")
    assert errors.locator("tbody tr").count() == 1
    cells = errors.locator("tbody tr").first.locator("td")
    assert cells.nth(0).inner_text().strip() == "2"
    assert cells.nth(1).inner_text().strip() == id_label
    assert Resident.objects.count() == before
    assert not Household.objects.filter(building=building, room=room).exists()

    rows[0]["id_number"] = head
    page.locator("#id_file").set_input_files({**upload, "buffer": roster_file(rows)})
    journey.click(page.get_by_test_id("roster-submit"), "roster-imported", again=True)
    assert page.get_by_test_id("import-errors").count() == 0
    success = page.get_by_test_id("toasts").locator(".toast-success")
    assert "已导入2行" in success.inner_text()
    assert Resident.objects.count() == before + 2

    journey.open(f"/net/residents/?q={head[-4:]}", "residents-search")
    results = page.get_by_test_id("resident-results")
    assert "试导入甲" in results.inner_text()
    assert results.locator("tbody tr").count() == 1
    assert results.locator(".list-count").inner_text().strip() == "共 1 位居民"

    journey.click(results.get_by_role("link", name="试导入甲"), "resident-detail")
    assert page.locator("h1").inner_text().startswith("试导入甲")
    journey.click(page.get_by_test_id("resident-household"), "household-detail")
    members = page.locator("table tbody").inner_text()
    assert "试导入甲" in members and "试导入乙" in members
    journey.assert_clean()

"""The closed loop of a service request as its users live it: a resident reports a
problem from the phone, the grid member registers it and dispatches it to the property
company, the company's manager handles it, the grid member verifies and closes it, the
resident rates it, and the community's KPI page counts it. The resident's photo goes
with the report and shows on the request's page.

Each run files its own request (the description carries the viewport and a counter), so
the journeys need no order and leave the demo county's other requests as they were.
"""

import io

from django.utils import translation
from PIL import Image

from grid.models import Building, ServiceRequest

from .journey import VIEWPORTS

SIZE = {name: index for index, name in enumerate(VIEWPORTS, start=1)}


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


def fresh_description(viewport: str) -> str:
    taken = set(
        ServiceRequest.objects.filter(description__startswith="浏览器测试").values_list(
            "description", flat=True
        )
    )
    for counter in range(1000):
        text = f"浏览器测试{SIZE[viewport]}-{counter}：3号楼门口路灯不亮"
        if text not in taken:
            return text
    raise AssertionError("no fresh description left")


def photo_jpeg(colour=(200, 120, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def kpi(page, label: str) -> str:
    total = page.locator("section[aria-labelledby=kpi-total]")
    return total.locator(f"xpath=.//dt[normalize-space()='{zh(label)}']/following-sibling::dd[1]")


def read_kpis(journey, worker: str, screen: str) -> dict:
    journey.sign_in(worker)
    journey.open("/net/kpis/", screen, again=True)
    page = journey.page
    numbers = {
        name: int(kpi(page, name).inner_text().replace(",", "")) for name in ("Received", "Closed")
    }
    journey.sign_out()
    return numbers


def step(journey, label: str, screen: str, note: str | None = None):
    """One tap on the request page: fill the step's note if it has one, press it."""
    page = journey.page
    button = page.get_by_role("button", name=zh(label), exact=True)
    form = button.locator("xpath=ancestor::form")
    if note is not None:
        form.locator("input[name=note]").fill(note)
    journey.click(button, screen, again=True)
    assert page.locator(".toast-error").count() == 0, page.locator(".toast-error").inner_text()


def test_a_request_goes_round_the_loop(journey, viewport):
    page = journey.page
    building = Building.objects.order_by("code").select_related("grid__community").first()
    grid = building.grid
    community = grid.community
    description = fresh_description(viewport)
    worker = f"sg{int(community.street.code[-3:])}{int(community.code[-3:])}"
    before = read_kpis(journey, worker, "kpis-before")

    # the resident (demo account resident1 lives in the first building) reports it
    journey.sign_in("resident1")
    journey.open("/net/requests/new/", "request-submit")
    category = page.locator("#id_category")
    category.select_option(label=category.locator("option").nth(1).inner_text())
    page.locator("#id_description").fill(description)
    page.locator("#id_photos").set_input_files(
        {"name": "lamp.jpg", "mimeType": "image/jpeg", "buffer": photo_jpeg()}
    )
    journey.click(page.get_by_role("button", name=zh("Send"), exact=True), "request-sent")
    item = ServiceRequest.objects.get(description=description)
    assert item.state == ServiceRequest.State.SUBMITTED and item.building == building
    assert item.number in page.locator("h1").inner_text()
    thumbnail = page.locator("#photos").locator("xpath=..").locator("img").first
    thumbnail.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )
    assert item.photos.count() == 1
    journey.sign_out()

    # the grid member registers it and sends it to the property company
    member = f"wg{int(community.street.code[-3:])}{int(community.code[-3:])}{int(grid.code[-3:])}"
    journey.sign_in(member)
    journey.open("/net/requests/", "request-queue")
    journey.click(page.get_by_role("link", name=item.number), "request-detail-submitted")
    step(journey, "Register", "request-registered")
    step(journey, "Dispatch to the property company", "request-dispatched")
    item.refresh_from_db()
    assert item.state == ServiceRequest.State.DISPATCHED
    assert item.handler_unit == building.property_company
    journey.sign_out()

    # the property company's manager (wy1, the first street's company) handles it
    journey.sign_in("wy1")
    journey.open(f"/net/requests/{item.pk}/", "request-detail-unit")
    step(journey, "Start handling", "request-started")
    step(journey, "Report the result", "request-handled", note="已更换路灯灯泡，恢复照明")
    item.refresh_from_db()
    assert item.state == ServiceRequest.State.HANDLED and "路灯" in item.result
    journey.sign_out()

    # the grid member verifies on the spot and closes it
    journey.sign_in(member)
    journey.open(f"/net/requests/{item.pk}/", "request-detail-handled")
    step(journey, "Verify and close", "request-closed", note="现场核实，路灯已亮")
    journey.sign_out()

    # the resident rates it
    journey.sign_in("resident1")
    journey.open("/net/requests/mine/", "request-mine")
    journey.click(page.get_by_role("link", name=item.number), "request-detail-closed", again=True)
    page.locator("input[name=rating][value='5']").check()
    page.locator("#id_comment").fill("很及时，谢谢")
    journey.click(page.get_by_role("button", name=zh("Rate"), exact=True), "request-rated")
    item.refresh_from_db()
    assert item.state == ServiceRequest.State.EVALUATED and item.rating == 5
    timeline = page.locator("#timeline").locator("xpath=..").inner_text()
    for action in ("Submitted", "Registered", "Dispatched", "Handled", "Verified and closed"):
        assert zh(action) in timeline
    journey.sign_out()

    # the community's KPI page counts it: received and closed
    after = read_kpis(journey, worker, "kpis-after")
    assert after == {"Received": before["Received"] + 1, "Closed": before["Closed"] + 1}
    journey.assert_clean()

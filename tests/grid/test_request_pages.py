"""Service requests in the pages: a resident reports from the phone, the grid member
works the queue with one-tap steps, the resident rates."""

from django.urls import reverse

from grid.models import Category, HandlingUnit, ServiceRequest


def test_resident_reports_follows_and_rates_through_the_pages(world, client):
    company = HandlingUnit.objects.create(name="阳光物业", kind="property_company")
    world.buildings[0].property_company = company
    world.buildings[0].save()
    client.force_login(world.users["resident"])
    form = client.get(reverse("grid:request-submit"))
    assert form.status_code == 200
    category = Category.objects.get(code="environment-water")
    response = client.post(
        reverse("grid:request-submit"),
        {"category": category.pk, "description": "楼道积水", "building": world.buildings[0].pk},
    )
    assert response.status_code == 302
    item = ServiceRequest.objects.get(description="楼道积水")
    assert client.get(reverse("grid:request-mine")).status_code == 200
    # The grid member's queue lists it; one tap after another closes it.
    client.force_login(world.users["grid_member"])
    queue = client.get(reverse("grid:request-queue"))
    assert item in queue.context["requests"]
    for action, data in (
        ("register", {}),
        ("dispatch", {}),
        ("start", {}),
        ("handle", {"note": "已排水"}),
        ("close", {}),
    ):
        response = client.post(reverse("grid:request-step", args=[item.pk, action]), data)
        assert response.status_code == 302, action
        item.refresh_from_db()
    assert item.state == "closed" and item.handler_unit == company and item.result == "已排水"
    # The resident rates it.
    client.force_login(world.users["resident"])
    page = client.get(reverse("grid:request-detail", args=[item.pk]))
    assert page.context["can_rate"]
    client.post(
        reverse("grid:request-step", args=[item.pk, "evaluate"]), {"rating": "5", "comment": "好"}
    )
    item.refresh_from_db()
    assert item.state == "evaluated" and item.rating == 5
    timeline = client.get(reverse("grid:request-detail", args=[item.pk])).context["events"]
    assert len(timeline) == 7


def test_an_escalated_request_is_closed_by_the_street_through_the_pages(world, client):
    item = ServiceRequest.objects.get()  # build_world's request, reported by the resident
    step = lambda action, data=None: client.post(  # noqa: E731
        reverse("grid:request-step", args=[item.pk, action]), data or {}
    )
    client.force_login(world.users["grid_member"])
    assert step("escalate", {"note": "网格无法处理"}).status_code == 302
    client.force_login(world.users["community_worker"])
    step("escalate", {"note": "需街道协调"})
    item.refresh_from_db()
    assert item.level == "street"
    # The community no longer sees a step to take; the street does.
    page = client.get(reverse("grid:request-detail", args=[item.pk]))
    assert page.context["steps"] == []
    client.force_login(world.users["street_admin"])
    page = client.get(reverse("grid:request-detail", args=[item.pk]))
    assert "register" in [action for action, _label in page.context["steps"]]
    for action, data in (
        ("register", {}),
        ("dispatch", {}),  # no property company, no default unit: to the street admin
        ("start", {}),
        ("handle", {"note": "街道协调处置完毕"}),
        ("close", {"note": "已核实"}),
    ):
        assert step(action, data).status_code == 302, action
        item.refresh_from_db()
    assert item.state == "closed" and item.result == "街道协调处置完毕"
    client.force_login(world.users["resident"])
    step("evaluate", {"rating": "4"})
    item.refresh_from_db()
    assert item.state == "evaluated" and item.rating == 4 and item.level == "street"


def test_queue_and_pages_are_scoped(world, client):
    item = ServiceRequest.objects.get()
    client.force_login(world.users["other_street_admin"])
    assert not client.get(reverse("grid:request-queue")).context["requests"]
    assert client.get(reverse("grid:request-detail", args=[item.pk])).status_code == 404
    response = client.post(reverse("grid:request-step", args=[item.pk, "register"]))
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.state == "submitted"


def test_an_illegal_step_says_why_and_changes_nothing(world, client):
    item = ServiceRequest.objects.get()
    client.force_login(world.users["grid_member"])
    response = client.post(reverse("grid:request-step", args=[item.pk, "close"]), follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    item.refresh_from_db()
    assert item.state == "submitted"
    assert client.post(reverse("grid:request-step", args=[item.pk, "explode"])).status_code == 404


def test_residents_without_a_household_are_sent_to_link_it(world, client):
    client.force_login(world.users["applicant"])
    response = client.get(reverse("grid:request-submit"))
    assert response.status_code == 302 and response["Location"] == reverse("grid:resident-home")


def test_bad_submission_shows_the_form_again(world, client):
    client.force_login(world.users["resident"])
    response = client.post(reverse("grid:request-submit"), {"category": "", "description": ""})
    assert response.status_code == 400
    assert response.context["form"].errors
    assert ServiceRequest.objects.count() == 1


def test_the_queue_page_costs_the_same_queries_for_more_requests(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from grid import services

    resident = world.users["resident"]
    category = Category.objects.get(code="environment-water")
    client.force_login(world.users["grid_member"])
    counts = []
    for more in (1, 25):
        for i in range(more):
            services.submit_request(user=resident, category=category, description=f"积水{i}")
        client.get(reverse("grid:request-queue"))  # warm the session and the menu
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(reverse("grid:request-queue"))
        assert page.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert len(page.context["requests"]) > 25
    assert counts[0] == counts[1]

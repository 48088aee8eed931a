"""Venture calls as pages: open a call, apply, assign a reviewer, the reviewer scores
only their own assignment, rank and notice, the agreement, a tranche that becomes an
expenditure of the fund, the evaluations; another street sees nothing (404)."""

import pytest

from funding.models import Expenditure, VentureApplication, VentureCall, VentureReview

pytestmark = pytest.mark.django_db


def test_a_call_through_the_pages(world, client):
    call = VentureCall.objects.get()
    application = VentureApplication.objects.get()
    review = VentureReview.objects.get()
    street = world.user("street_admin")

    client.force_login(world.user("applicant"))
    page = client.get(f"/funding/venture/calls/{call.pk}/").content.decode()
    assert "资金池" in page and "需求" in page and 'data-testid="apply"' in page
    bad = client.post(
        f"/funding/venture/calls/{call.pk}/",
        {"organisation": "队", "title": "t", "plan": "p", "amount": "50001", "months": 8},
    )
    assert bad.status_code == 400 and VentureApplication.objects.count() == 1
    client.post(
        f"/funding/venture/calls/{call.pk}/",
        {
            "organisation": "红马甲",
            "title": "课后托管",
            "plan": "每周两次",
            "amount": "20000",
            "months": 6,
        },
    )
    second = VentureApplication.objects.get(title="课后托管")
    assert client.get(f"/funding/venture/reviews/{review.pk}/").status_code == 404

    client.force_login(street)
    client.post(f"/funding/venture/applications/{second.pk}/assign/", {"reviewer": "nobody-here"})
    assert not second.reviews.exists()
    client.post(
        f"/funding/venture/applications/{second.pk}/assign/", {"reviewer": "venture_reviewer"}
    )
    assert second.reviews.count() == 1
    client.post(f"/funding/venture/calls/{call.pk}/close/")
    assert VentureCall.objects.get().state == "reviewing"

    reviewer = world.user("venture_reviewer")
    client.force_login(reviewer)
    home = client.get("/funding/venture/").content.decode()
    assert 'data-testid="assignments"' in home and "老人助餐" in home
    assert client.get(f"/funding/venture/applications/{application.pk}/").status_code == 404
    too_many = client.post(
        f"/funding/venture/reviews/{review.pk}/", {"score-0": "61", "score-1": "30"}
    )
    assert too_many.status_code == 400 and VentureReview.objects.get(pk=review.pk).scored_at is None
    junk = client.post(f"/funding/venture/reviews/{review.pk}/", {"score-0": "abc"})
    assert junk.status_code == 400
    client.post(f"/funding/venture/reviews/{review.pk}/", {"score-0": "50", "score-1": "30"})
    other = second.reviews.get()
    client.post(f"/funding/venture/reviews/{other.pk}/", {"score-0": "40", "score-1": "20"})

    client.force_login(street)
    client.post(f"/funding/venture/calls/{call.pk}/rank/")
    notice = client.get(f"/funding/venture/calls/{call.pk}/").content.decode()
    assert 'data-testid="notice"' in notice and "阳光志愿服务队" in notice
    application.refresh_from_db()
    assert application.rank == 1 and application.state == "awarded"
    client.post(f"/funding/venture/applications/{application.pk}/agree/")
    client.post(f"/funding/venture/applications/{application.pk}/tranche/", {"amount": "abc"})
    client.post(f"/funding/venture/applications/{application.pk}/tranche/", {"amount": "40000"})
    assert not application.tranches.exists()  # bad input and over the grant change nothing
    client.post(f"/funding/venture/applications/{application.pk}/tranche/", {"amount": "15000"})
    tranche = application.tranches.get()
    assert Expenditure.objects.get(pk=tranche.expenditure_id).payee == "阳光志愿服务队"
    client.post(f"/funding/venture/applications/{application.pk}/mid/", {"text": ""})
    assert VentureApplication.objects.get(pk=application.pk).state == "agreed"
    client.post(f"/funding/venture/applications/{application.pk}/mid/", {"text": "按计划推进"})
    client.post(f"/funding/venture/applications/{application.pk}/final/", {"text": "完成"})
    assert VentureApplication.objects.get(pk=application.pk).state == "finished"
    client.post(f"/funding/venture/calls/{call.pk}/end/")
    assert VentureCall.objects.get().state == "closed"


def test_another_street_sees_no_application_and_manages_nothing(world, client):
    call = VentureCall.objects.get()
    application = VentureApplication.objects.get()
    review = VentureReview.objects.get()
    client.force_login(world.user("other_street_admin"))
    page = client.get(f"/funding/venture/calls/{call.pk}/").content.decode()  # a public call
    assert application.title not in page and 'data-testid="close"' not in page
    for url in (
        f"/funding/venture/applications/{application.pk}/",
        f"/funding/venture/reviews/{review.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/funding/venture/calls/{call.pk}/close/").status_code == 404
    assert client.post(f"/funding/venture/applications/{application.pk}/agree/").status_code == 404
    assert VentureCall.objects.get().state == "open"
    street = world.user("street_admin")
    from funding import venture

    venture.close_applications(by=street, call=call)  # being scored: no longer public
    assert client.get(f"/funding/venture/calls/{call.pk}/").status_code == 404
    assert (
        f"/funding/venture/calls/{call.pk}/" not in client.get("/funding/venture/").content.decode()
    )


def test_a_call_is_opened_on_the_page(world, client):
    client.force_login(world.user("street_admin"))
    page = client.get("/funding/venture/")
    assert 'data-testid="open-call"' in page.content.decode()
    fund = VentureCall.objects.get().fund
    data = {
        "fund": fund.pk,
        "title": "第二期公益创投",
        "pool": "50000",
        "cap": "20000",
        "months_min": 6,
        "months_max": 12,
        "criteria": "需求: 50\n可行：40",
        "apply_until": "2099-01-01",
    }
    assert client.post("/funding/venture/", data).status_code == 400  # 90 points
    assert client.post("/funding/venture/", {**data, "fund": "x"}).status_code == 400
    data["criteria"] = "需求: 60\n可行：40"
    answer = client.post("/funding/venture/", data)
    assert answer.status_code == 302 and VentureCall.objects.count() == 2
    client.force_login(world.user("resident"))
    assert client.post("/funding/venture/", data).status_code == 404

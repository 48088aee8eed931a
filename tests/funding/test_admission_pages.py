"""Admission as pages: the department follows its applications, the joint meeting
decides on the page, and both print the decision letter (PDF, the Chinese font
embedded); nobody else sees either."""

from io import BytesIO

import pytest
from pypdf import PdfReader

from funding import admission
from funding.models import AdmissionApplication

from .helpers import YUAN
from .world import start_date

pytestmark = pytest.mark.django_db


def submitted(world, title="垃圾分类入户宣传", deliverable="service"):
    return admission.submit_application(
        by=world.user("department_staff"),
        department="县综合行政执法局",
        title=title,
        description="每户发放宣传册并讲解分类要求。",
        deliverable=deliverable,
        targets=world.communities[:2],
        frequency="once",
        months=2,
        hours_per_community=16,
        funding_per_community=1_500 * YUAN,
        transfer_plan="批准后一次拨付",
        starts_on=start_date(),
    )


def letter_text(answer) -> str:
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert "inline" in answer["Content-Disposition"]
    page = PdfReader(BytesIO(answer.content)).pages[0]
    for font in page["/Resources"]["/Font"].values():  # the Chinese font travels along
        descendant = font.get_object()["/DescendantFonts"][0].get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile3" in descriptor or "/FontFile2" in descriptor
    return page.extract_text().replace("\x00", "")


def test_the_meeting_decides_on_the_page_and_the_department_prints_the_letter(world, client):
    application = submitted(world)
    assert application.state == "in_review"
    client.force_login(world.user("department_staff"))
    assert 'data-testid="admissions"' in client.get("/funding/").content.decode()
    mine = client.get("/funding/admissions/").content.decode()
    assert application.title in mine and f'data-testid="decide-{application.pk}"' not in mine
    assert client.get(f"/funding/admissions/{application.pk}/letter.pdf").status_code == 404
    refused = client.post(
        f"/funding/admissions/{application.pk}/decide/",
        {"decision": "approve", "note": "同意"},
    )
    assert refused.status_code in (302, 404)
    assert AdmissionApplication.objects.get(pk=application.pk).state == "in_review"

    client.force_login(world.user("county_admin"))
    page = client.get("/funding/admissions/").content.decode()
    assert f'data-testid="decide-{application.pk}"' in page
    missing = client.post(
        f"/funding/admissions/{application.pk}/decide/",
        {"decision": "conditional", "note": "原则同意"},
        follow=True,
    )
    assert "条件" in missing.content.decode()
    assert AdmissionApplication.objects.get(pk=application.pk).state == "in_review"
    decided = client.post(
        f"/funding/admissions/{application.pk}/decide/",
        {
            "decision": "conditional",
            "note": "原则同意，减少入户频次",
            "conditions": "不得要求社区拍照留痕",
        },
        follow=True,
    )
    application.refresh_from_db()
    assert application.state == "conditional" and application.number
    assert application.number in decided.content.decode()

    client.force_login(world.user("department_staff"))
    listed = client.get("/funding/admissions/?state=conditional").content.decode()
    assert f'data-testid="letter-{application.pk}"' in listed
    text = letter_text(client.get(f"/funding/admissions/{application.pk}/letter.pdf"))
    for expected in (
        "审查决定书",
        application.number,
        "县综合行政执法局",
        application.title,
        "不得要求社区拍照留痕",
        "原则同意",
        "3,000.00",  # 1,500 yuan to each of two communities
        world.communities[0].name,
    ):
        assert expected in text, expected


def test_a_rejected_application_has_a_letter_without_a_number(world, client):
    application = submitted(world, title="社区创建评比排名", deliverable="ranking")
    client.force_login(world.user("department_staff"))
    if application.state != "rejected":  # a prohibited item is refused on submission
        client.force_login(world.user("county_admin"))
        client.post(
            f"/funding/admissions/{application.pk}/decide/", {"decision": "reject", "note": "增负"}
        )
        application.refresh_from_db()
    assert application.state == "rejected" and not application.number
    text = letter_text(client.get(f"/funding/admissions/{application.pk}/letter.pdf"))
    assert "不予准入" in text or "驳回" in text


def test_nobody_else_sees_an_application_or_its_letter(world, client):
    application = submitted(world)
    admission.decide(
        by=world.user("county_admin"), application=application, decision="approve", note="同意"
    )
    for persona in ("community_worker", "resident", "other_street_admin", "grid_member"):
        client.force_login(world.user(persona))
        assert application.title not in client.get("/funding/admissions/").content.decode()
        assert client.get(f"/funding/admissions/{application.pk}/letter.pdf").status_code == 404
        assert client.post(f"/funding/admissions/{application.pk}/decide/").status_code == 404
    client.logout()
    assert client.get("/funding/admissions/").status_code == 302

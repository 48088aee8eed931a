"""The funding pages: the office requests, approves, pays with invoices and reconciles
an expenditure on the pages; residents read their community's accounts and ask on a
disclosure; every refusal is a clear message and changes nothing."""

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from funding import disclosure
from funding.models import (
    Disclosure,
    DisclosureQuestion,
    Expenditure,
    Fund,
    InvoicePhoto,
    LedgerEntry,
    Project,
    Source,
)

from .helpers import invoice_upload


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def special(world):
    return Fund.objects.get(source=Source.SPECIAL, community=world.communities[0])


def spend(fund, amount, purpose="重阳节活动", **more):
    """The form as a worker fills it: the special fund pays only for its project."""
    project = fund.projects.get()
    return {
        "amount": amount,
        "category": "activities",
        "payee": "某文化公司",
        "purpose": purpose,
        "project": project.pk,
        **more,
    }


def said(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_the_workbench_shows_the_funds_and_what_waits(world, client):
    fund = special(world)
    client.force_login(world.user("community_secretary"))
    page = client.get("/funding/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "经费工作台" in html and fund.name in html
    assert f"/funding/funds/{fund.pk}/" in html
    # The third community's fund is outside the secretary's community.
    other = Fund.objects.get(community=world.communities[2])
    assert f"/funding/funds/{other.pk}/" not in html


def test_a_resident_sees_the_community_accounts_not_the_workbench(world, client):
    client.force_login(world.user("resident"))
    html = client.get("/funding/").content.decode()
    assert "本社区账目" in html and "经费工作台" not in html
    published = Disclosure.objects.get(state=Disclosure.State.PUBLISHED)
    assert f"/funding/disclosures/{published.pk}/" in html
    other = Fund.objects.get(community=world.communities[2])
    assert f"/funding/funds/{other.pk}/" not in html
    assert client.get(f"/funding/funds/{other.pk}/").status_code == 404
    # The office's expenditures are not the resident's to open.
    paid = Expenditure.objects.first()
    assert client.get(f"/funding/expenditures/{paid.pk}/").status_code == 404


def test_an_expenditure_goes_from_request_to_reconciliation_on_the_pages(world, client):
    fund = special(world)
    before = fund.available
    client.force_login(world.user("community_worker"))
    answer = client.post(f"/funding/funds/{fund.pk}/", spend(fund, "1,200.50"))
    expenditure = Expenditure.objects.get(purpose="重阳节活动")
    assert answer.status_code == 302 and answer.url == f"/funding/expenditures/{expenditure.pk}/"
    assert expenditure.amount == 120_050 and expenditure.state == Expenditure.State.REQUESTED
    project = fund.projects.get()
    assert expenditure.project == project and project.reserved == 120_050
    fund.refresh_from_db()
    assert fund.available == before  # a project's money was granted to it already
    url = f"/funding/expenditures/{expenditure.pk}/"
    # A worker's post does not approve (a 404, as for anything out of reach).
    assert client.post(url + "approve/").status_code == 404
    expenditure.refresh_from_db()
    assert expenditure.state == Expenditure.State.REQUESTED
    client.force_login(world.user("community_secretary"))
    page = client.get(url).content.decode()
    assert 'data-testid="approve"' in page
    client.post(url + "approve/", {"note": "同意"})
    expenditure.refresh_from_db()
    assert expenditure.state == Expenditure.State.APPROVED
    # Paying needs the invoice photos first.
    client.force_login(world.user("community_worker"))
    early = client.post(url + "pay/", {"invoice_numbers": "No.001"})
    assert "发票" in said(early)
    expenditure.refresh_from_db()
    assert expenditure.state == Expenditure.State.APPROVED
    client.post(url + "invoices/", {"photos": [invoice_upload()]})
    assert InvoicePhoto.objects.filter(expenditure=expenditure).count() == 1
    client.post(url + "pay/", {"invoice_numbers": "No.001", "paid_on": "2026-12-01"})
    expenditure.refresh_from_db()
    assert expenditure.state == Expenditure.State.PAID and expenditure.paid_on.day == 1
    payment = LedgerEntry.objects.get(fund=fund, memo="重阳节活动")
    assert payment.kind == LedgerEntry.Kind.PAYMENT and payment.amount == 120_050
    # The street reconciles; the timeline tells the whole story.
    client.force_login(world.user("street_admin"))
    client.post(url + "reconcile/", {"note": "账实相符"})
    expenditure.refresh_from_db()
    assert expenditure.state == Expenditure.State.RECONCILED
    html = client.get(url).content.decode()
    for step in ("已申请", "已审批", "已支付", "已对账"):
        assert step in html, step
    ledger = client.get(f"/funding/funds/{fund.pk}/").content.decode()
    assert "-¥1,200.50" in ledger


@pytest.mark.parametrize(
    "amount, message",
    [("abc", "请输入金额"), ("0", ""), ("-5", ""), ("1.001", ""), ("99999999", "¥")],
)
def test_a_bad_or_too_large_amount_is_a_clear_refusal_and_nothing_is_requested(
    world, client, amount, message
):
    fund = special(world)
    count = Expenditure.objects.count()
    client.force_login(world.user("community_worker"))
    answer = client.post(f"/funding/funds/{fund.pk}/", spend(fund, amount))
    assert answer.status_code == 400
    assert Expenditure.objects.count() == count
    form = answer.context["form"]
    assert form.errors["amount"]  # the service said why, on the field, in Chinese
    assert message in " ".join(form.errors["amount"])
    assert "has-error" in answer.content.decode()
    assert Fund.objects.get(pk=fund.pk).committed == fund.committed


def test_no_one_approves_their_own_request(world, client):
    fund = special(world)
    client.force_login(world.user("community_secretary"))
    client.post(f"/funding/funds/{fund.pk}/", spend(fund, "300", purpose="自批"))
    expenditure = Expenditure.objects.get(purpose="自批")
    refused = client.post(f"/funding/expenditures/{expenditure.pk}/approve/")
    assert "申请人以外" in said(refused)
    expenditure.refresh_from_db()
    assert expenditure.state == Expenditure.State.REQUESTED


def test_the_special_fund_refuses_spending_without_its_project(world, client):
    fund = special(world)
    client.force_login(world.user("community_worker"))
    answer = client.post(f"/funding/funds/{fund.pk}/", spend(fund, "100", project=""))
    assert answer.status_code == 400 and answer.context["form"].errors["project"]
    assert not Expenditure.objects.filter(purpose="重阳节活动").exists()


def test_a_missing_field_is_shown_on_the_form(world, client):
    fund = special(world)
    client.force_login(world.user("community_worker"))
    answer = client.post(f"/funding/funds/{fund.pk}/", {"amount": "100", "category": "activities"})
    assert answer.status_code == 400
    assert "has-error" in answer.content.decode()


def test_out_of_scope_steps_are_404_and_change_nothing(world, client):
    expenditure = Expenditure.objects.filter(state=Expenditure.State.PAID).first()
    client.force_login(world.user("other_street_admin"))
    for step in ("approve", "refuse", "pay", "reconcile", "invoices"):
        assert client.post(f"/funding/expenditures/{expenditure.pk}/{step}/").status_code == 404
    client.force_login(world.user("resident"))
    assert client.post(f"/funding/expenditures/{expenditure.pk}/reconcile/").status_code == 404
    expenditure.refresh_from_db()
    assert expenditure.state == Expenditure.State.PAID


def test_a_resident_reads_a_disclosure_and_asks_and_the_office_answers(world, client):
    item = Disclosure.objects.get(state=Disclosure.State.PUBLISHED)
    url = f"/funding/disclosures/{item.pk}/"
    client.force_login(world.user("resident"))
    html = client.get(url).content.decode()
    assert 'data-testid="statement"' in html and "维修费用为何这么高" in html
    assert 'data-testid="publish"' not in html
    client.post(url + "ask/", {"text": "活动经费用在哪里？"})
    question = DisclosureQuestion.objects.get(text="活动经费用在哪里？")
    client.force_login(world.user("community_worker"))
    assert 'data-testid="publish"' in client.get(url).content.decode()
    client.post(url + "answer/", {"question": question.pk, "text": "用于重阳节活动。"})
    question.refresh_from_db()
    assert question.answer == "用于重阳节活动。"
    client.force_login(world.user("resident"))
    assert "用于重阳节活动。" in client.get(url).content.decode()
    # An empty question is refused and nothing is stored.
    count = DisclosureQuestion.objects.count()
    refused = client.post(url + "ask/", {"text": "  "})
    assert said(refused) and DisclosureQuestion.objects.count() == count


def test_a_due_disclosure_is_hidden_from_residents_until_published(world, client):
    item = disclosure.major_matter(
        by=world.user("community_worker"),
        community=world.communities[0],
        title="电梯加装",
        occurred_on=timezone.localdate(),
    )
    url = f"/funding/disclosures/{item.pk}/"
    client.force_login(world.user("resident"))
    assert client.get(url).status_code == 404
    client.force_login(world.user("community_worker"))
    client.post(url + "publish/", {"body": "本社区 3 号楼加装电梯，费用由业主分摊。"})
    item.refresh_from_db()
    assert item.state == Disclosure.State.PUBLISHED and item.version_count == 1
    client.force_login(world.user("resident"))
    assert "加装电梯" in client.get(url).content.decode()


def test_the_pages_are_in_english_too(world, client, settings):
    client.force_login(world.user("community_secretary"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/funding/").content.decode()
    assert "Funds workbench" in html and "Expenditures waiting for approval" in html
    assert "经费工作台" not in html


def test_a_published_disclosure_prints_as_an_a3_poster_with_its_statement(world, client):
    from io import BytesIO

    from pypdf import PdfReader

    item = Disclosure.objects.get(state=Disclosure.State.PUBLISHED)
    client.force_login(world.user("resident"))
    assert 'data-testid="poster"' in client.get(f"/funding/disclosures/{item.pk}/").content.decode()
    answer = client.get(f"/funding/disclosures/{item.pk}/poster.pdf")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(answer.content))
    page = reader.pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) == (842, 1191)  # A3 in points
    text = page.extract_text().replace("\x00", "")  # pypdf's reading of the map
    assert item.title in text and "期初" in text and "¥" in text and "扫码" in text
    for font in page["/Resources"]["/Font"].values():  # the Chinese font travels along
        descendant = font.get_object()["/DescendantFonts"][0].get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile3" in descriptor or "/FontFile2" in descriptor
    # A disclosure not yet published has no poster; another street's is not found.
    due = Disclosure.objects.filter(state=Disclosure.State.DUE).first()
    client.force_login(world.user("community_worker"))
    if due is not None:
        assert client.get(f"/funding/disclosures/{due.pk}/poster.pdf").status_code == 404
    client.force_login(world.user("other_street_admin"))
    assert client.get(f"/funding/disclosures/{item.pk}/poster.pdf").status_code == 404


def test_the_ledger_goes_to_excel_signed_as_it_moves_the_fund(world, client):
    from io import BytesIO

    from openpyxl import load_workbook

    fund = special(world)
    client.force_login(world.user("community_worker"))
    answer = client.get(f"/funding/funds/{fund.pk}/ledger.xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(answer.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "日期" and len(rows) == 1 + fund.entries.count()
    amounts = [row[5] for row in rows[1:]]
    assert 200_000 in amounts and -1_000 in amounts  # numbers, in yuan, signed
    client.force_login(world.user("other_street_admin"))
    assert client.get(f"/funding/funds/{fund.pk}/ledger.xlsx").status_code == 404


def test_a_repair_goes_from_proposal_to_public_notice_on_the_pages(world, client):
    fund = special(world)
    client.force_login(world.user("community_worker"))
    assert 'data-testid="propose-form"' in client.get(f"/funding/funds/{fund.pk}/").content.decode()
    answer = client.post(
        f"/funding/funds/{fund.pk}/propose/",
        {
            "title": "五幢屋面防水维修",
            "category": "repair",
            "needs": "顶楼住户反映雨天漏水。",
            "need_refs": "需求清单 18",
            "budget": "8000",
        },
    )
    project = fund.projects.get(title="五幢屋面防水维修")
    assert answer.status_code == 302 and project.budget == 800_000
    url = f"/funding/projects/{project.pk}/"
    assert 'data-testid="project-steps"' in client.get(url).content.decode()
    client.post(
        url + "decide/",
        {"minutes": "两委会议，应到 15 人，实到 14 人。", "votes_for": 13, "votes_against": 1},
    )
    project.refresh_from_db()
    assert project.state == Project.State.DECIDED and project.votes_for == 13
    # The worker does not file: that is the street's (a 404, nothing changes).
    assert client.post(url + "file/").status_code == 404
    client.force_login(world.user("street_admin"))
    client.post(url + "file/", {"note": "符合使用范围"})
    project.refresh_from_db()
    assert project.state == Project.State.FILED and project.granted == 800_000
    client.force_login(world.user("community_worker"))
    client.post(url + "start/")
    # Acceptance is the secretary's (or the street's), and it records what was found.
    assert client.post(url + "accept/", {"note": "合格"}).status_code == 404
    client.force_login(world.user("community_secretary"))
    refused = client.post(url + "accept/", {"note": ""})
    assert said(refused)
    project.refresh_from_db()
    assert project.state == Project.State.IMPLEMENTING
    client.post(url + "accept/", {"note": "居民代表验收合格"})
    client.force_login(world.user("community_worker"))
    client.post(url + "notice/")
    project.refresh_from_db()
    assert project.state == Project.State.NOTICED
    html = client.get(url).content.decode()
    for step in ("两委", "备案", "验收", "公示"):
        assert step in html, step


@pytest.mark.parametrize(
    "fields",
    [
        {"budget": "abc"},
        {"budget": "-1"},
        {"category": "salaries"},  # forbidden for the special fund, the rule cited
        {"budget": "999999999"},  # more than the fund holds
        {"needs": ""},
    ],
)
def test_a_bad_proposal_is_shown_on_its_form_and_nothing_is_proposed(world, client, fields):
    fund = special(world)
    count = Project.objects.count()
    client.force_login(world.user("community_worker"))
    data = {"title": "修路", "category": "repair", "needs": "路面坑洼", "budget": "5000"}
    answer = client.post(f"/funding/funds/{fund.pk}/propose/", {**data, **fields})
    assert answer.status_code == 400
    assert answer.context["project_form"].errors
    assert Project.objects.count() == count

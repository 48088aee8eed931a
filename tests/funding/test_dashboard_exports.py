"""The county's admission dashboard (numbers from for_user querysets, SVG bars, each
number a link to its list), the lists behind it, and the Excel export of every
funding list: scoped, masked, and a 404 for what one may not see."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from funding.models import BurdenReport, CommunityTask, Expenditure, Fund

pytestmark = pytest.mark.django_db

KINDS = [
    "funds",
    "expenditures",
    "projects",
    "disclosures",
    "admissions",
    "tasks",
    "burdens",
    "venture",
]


def sheet(answer):
    assert answer.status_code == 200, answer.status_code
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    data = b"".join(answer.streaming_content)
    rows = list(load_workbook(BytesIO(data), read_only=True).active.iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_the_county_dashboard_counts_and_links(world, client):
    client.force_login(world.user("county_admin"))
    page = client.get("/funding/admission/dashboard/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "<script" not in html.split("<main", 1)[-1].split("</main>")[0]
    assert 'data-testid="per-department"' in html and "县统计局" in html
    assert "/funding/tasks/?department=" in html and "admitted=1" in html
    admitted = CommunityTask.objects.filter(department="县统计局").count()
    assert admitted == 2
    assert f">{BurdenReport.objects.count()}</strong>" in html
    tasks = client.get("/funding/tasks/?department=县统计局&admitted=1").content.decode()
    assert tasks.count('id="task-') == admitted
    burdens = client.get("/funding/burdens/").content.decode()
    assert "要求每周报送表格" in burdens and "匿名" in burdens
    assert world.user("community_secretary").get_username() not in burdens


def test_the_dashboard_is_scoped_and_hidden(world, client):
    client.force_login(world.user("other_street_admin"))
    html = client.get("/funding/admission/dashboard/").content.decode()
    assert "县统计局" not in html and "要求每周报送表格" not in html
    assert "要求每周报送表格" not in client.get("/funding/burdens/").content.decode()
    assert 'id="task-' not in client.get("/funding/tasks/").content.decode()
    for name in ("resident", "outsider", "grid_member"):
        client.force_login(world.user(name))
        assert client.get("/funding/admission/dashboard/").status_code == 404
        assert client.get("/funding/burdens/").status_code == 404


def test_bad_filters_are_ignored_not_errors(world, client):
    client.force_login(world.user("county_admin"))
    for query in (
        "community=abc",
        "community=99999999999",
        "state=nonsense",
        "department=" + "x" * 500,
    ):
        assert client.get(f"/funding/tasks/?{query}").status_code == 200
        assert client.get(f"/funding/export/tasks.xlsx?{query}").status_code == 200
    assert client.get("/funding/export/nonsense.xlsx").status_code == 404


def test_every_list_exports_to_excel_for_the_county(world, client):
    client.force_login(world.user("county_admin"))
    for kind in KINDS:
        header, rows = sheet(client.get(f"/funding/export/{kind}.xlsx"))
        assert header[0], kind
        assert rows, kind
    _header, funds = sheet(client.get("/funding/export/funds.xlsx"))
    assert len(funds) == Fund.objects.count()


def test_exports_are_scoped_and_masked(world, client):
    client.force_login(world.user("street_admin"))
    header, rows = sheet(client.get("/funding/export/expenditures.xlsx"))
    assert len(rows) == Expenditure.objects.filter(street=world.streets[0]).count() > 0
    requested_by = header.index("申请人") if "申请人" in header else len(header) - 3
    for row in rows:
        assert "*" in (row[requested_by] or "*")
    _header, burdens = sheet(client.get("/funding/export/burdens.xlsx"))
    assert all(row[-1] == "匿名" for row in burdens if row[3] == "要求每周报送表格")
    _header, venture = sheet(client.get("/funding/export/venture.xlsx"))
    applicant = world.user("applicant")
    assert all(applicant.get_username() not in str(row) for row in venture)

    client.force_login(world.user("other_street_admin"))
    for kind in ("expenditures", "projects", "tasks", "burdens", "venture"):
        _header, rows = sheet(client.get(f"/funding/export/{kind}.xlsx"))
        assert rows == [], kind
    client.force_login(world.user("resident"))
    for kind in ("expenditures", "admissions", "tasks", "burdens"):
        assert client.get(f"/funding/export/{kind}.xlsx").status_code == 404, kind


def test_the_community_confirms_money_and_refuses_an_unfunded_task(world, client):
    from funding import admission
    from funding.models import LedgerEntry

    community = world.communities[0]
    admitted = CommunityTask.objects.get(community=community, department="县统计局")
    unfunded = admission.register_task(
        by=world.user("community_worker"), community=community, department="某局", title="报表"
    )
    client.force_login(world.user("other_street_admin"))
    assert client.post(f"/funding/tasks/{unfunded.pk}/refuse/").status_code == 404
    client.force_login(world.user("community_secretary"))
    page = client.get("/funding/tasks/").content.decode()
    assert f'data-testid="confirm-{admitted.pk}"' in page
    assert f'data-testid="refuse-{unfunded.pk}"' in page
    assert f'data-testid="refuse-{admitted.pk}"' not in page
    client.post(f"/funding/tasks/{admitted.pk}/refuse/")  # admitted and funded: refused
    assert CommunityTask.objects.get(pk=admitted.pk).state == "admitted"
    client.post(f"/funding/tasks/{admitted.pk}/confirm/")
    admitted.refresh_from_db()
    assert admitted.state == "funded" and LedgerEntry.objects.filter(pk=admitted.entry_id).exists()
    client.post(f"/funding/tasks/{unfunded.pk}/refuse/", {"reason": "无准入编号"})
    assert CommunityTask.objects.get(pk=unfunded.pk).state == "refused"
    assert client.post(f"/funding/tasks/{unfunded.pk}/nonsense/").status_code == 404
    client.force_login(world.user("county_admin"))
    html = client.get("/funding/admission/dashboard/").content.decode()
    assert 'data-testid="refused-total"' in html and "/funding/tasks/?department=" in html

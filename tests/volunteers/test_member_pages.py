"""The pages of 在职党员双报到: a resident's wish from the form to "it came true", a
member's report and claims, the community's workbench and the quarter's Excel."""

import io

import openpyxl
from django.utils import timezone

from volunteers.models import MemberReport, Need, NeedClaim, RecordNote, Wish

from .helpers import resident_user, volunteer_of
from .test_members import placed_member


def test_a_wish_from_the_form_to_it_came_true(world, client):
    member = placed_member(world, "pagemember")
    client.force_login(world.user("resident"))
    page = client.get("/volunteers/wishes/")
    assert page.status_code == 200 and "发布心愿" in page.content.decode()
    posted = client.post("/volunteers/wishes/", {"title": "想要一张轮椅"}, follow=True)
    assert "心愿已发布" in posted.content.decode()
    wish = Wish.objects.get(title="想要一张轮椅")
    too_long = client.post("/volunteers/wishes/", {"title": "长" * 61}, follow=True)
    assert too_long.status_code == 200 and "最多 60 个字符" in too_long.content.decode()
    assert not Wish.objects.filter(title="长" * 61).exists()

    client.force_login(member)
    page = client.get("/volunteers/wishes/").content.decode()
    assert f'data-testid="claim-wish-{wish.pk}"' in page
    assert wish.resident.name not in page  # the poster is masked to other residents
    client.post(f"/volunteers/wishes/{wish.pk}/claim/")
    client.post(f"/volunteers/wishes/{wish.pk}/fulfil/", {"note": "借到一张轮椅送上门"})
    assert Wish.objects.get(pk=wish.pk).state == "fulfilled"
    assert client.post(f"/volunteers/wishes/{wish.pk}/dance/").status_code == 404

    client.force_login(world.user("resident"))
    page = client.get("/volunteers/wishes/").content.decode()
    assert f'data-testid="confirm-wish-{wish.pk}"' in page and "借到一张轮椅送上门" in page
    done = client.post(f"/volunteers/wishes/{wish.pk}/confirm/", follow=True)
    assert "心愿实现" in done.content.decode()
    assert Wish.objects.get(pk=wish.pk).state == "confirmed"


def test_a_member_reports_on_the_page_and_claims_from_the_needs_list(world, client):
    user = resident_user(world.households[0], "pagereporter")
    client.force_login(user)
    page = client.get("/volunteers/member/").content.decode()
    assert "先注册为志愿者" in page
    volunteer_of(user)
    client.post("/volunteers/member/", {"workplace": "余姚市交通运输局党委"})
    report = MemberReport.objects.get(user=user)
    assert report.state == "reported"
    client.force_login(world.user("community_worker"))
    work = client.get("/volunteers/work/members/")
    assert work.status_code == 200 and f'data-testid="place-{report.pk}"' in work.content.decode()
    client.post(
        f"/volunteers/work/members/{report.pk}/place/", {"grid": world.grids[1].pk, "team": ""}
    )
    report.refresh_from_db()
    assert report.state == "placed" and report.placed_grid == world.grids[1]
    # A grid of another street is not a choice: nothing changes.
    client.post(f"/volunteers/work/members/{report.pk}/place/", {"grid": world.grids[-1].pk})
    assert MemberReport.objects.get(pk=report.pk).placed_grid == world.grids[1]
    client.post(
        "/volunteers/work/members/",
        {
            "step": "need",
            "community": world.communities[0].pk,
            "title": "楼道清扫",
            "tag": "environment",
            "places": "3",
        },
    )
    need = Need.objects.get(title="楼道清扫")
    assert need.places == 3

    client.force_login(user)
    page = client.get("/volunteers/member/").content.decode()
    assert f'data-testid="claim-need-{need.pk}"' in page
    client.post(f"/volunteers/needs/{need.pk}/claim/")
    claim = NeedClaim.objects.get(need=need, user=user)
    client.post(f"/volunteers/claims/{claim.pk}/finish/", {"note": "扫了三个楼道"})
    assert NeedClaim.objects.get(pk=claim.pk).state == "done"

    client.force_login(world.user("community_worker"))
    assert (
        f'data-testid="confirm-claim-{claim.pk}"'
        in client.get("/volunteers/work/members/").content.decode()
    )
    client.post(f"/volunteers/work/claims/{claim.pk}/confirm/")
    assert NeedClaim.objects.get(pk=claim.pk).state == "confirmed"
    year = timezone.localdate().year
    client.post(
        f"/volunteers/work/members/{report.pk}/appraise/",
        {"year": year, "grade": "excellent", "comment": "积极"},
    )
    assert RecordNote.objects.filter(volunteer=report.volunteer, kind="appraisal").count() == 1
    quarter = (timezone.localdate().month - 1) // 3 + 1
    export = client.get(
        "/volunteers/work/members/summary/",
        {"year": year, "quarter": quarter, "workplace": "余姚市交通运输局党委"},
    )
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][0] == "工作单位党组织" and len(rows) == 2
    assert rows[1][0] == "余姚市交通运输局党委" and rows[1][6] == 1


def test_residents_do_not_reach_the_workbench(world, client):
    client.force_login(world.user("resident"))
    assert client.get("/volunteers/work/members/").status_code == 404
    assert client.get("/volunteers/work/members/summary/").status_code == 404
    report = MemberReport.objects.get(user=world.users["resident"])
    response = client.post(f"/volunteers/work/members/{report.pk}/place/", {"grid": 1})
    assert response.status_code == 404


def test_the_quarter_prints_as_one_letter_per_workplace(world, client):
    from pypdf import PdfReader

    placed_member(world, "letter1")  # 余姚市税务局党委, with the world's 供电公司 member
    client.force_login(world.user("community_worker"))
    year = timezone.localdate().year
    quarter = (timezone.localdate().month - 1) // 3 + 1
    answer = client.get(
        "/volunteers/work/members/summary/", {"year": year, "quarter": quarter, "format": "pdf"}
    )
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(answer.content))
    texts = [page.extract_text().replace("\x00", "") for page in reader.pages]
    assert len(texts) == 2
    assert "余姚市供电公司党委" in texts[0] and "余姚市税务局党委" in texts[1]
    assert all(
        "社区1-1党委" in text and "确认服务时长" in text and "党员" in text for text in texts
    )
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        descendant = font.get_object()["/DescendantFonts"][0].get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile3" in descriptor or "/FontFile2" in descriptor
    one = client.get(
        "/volunteers/work/members/summary/",
        {"year": year, "quarter": quarter, "format": "pdf", "workplace": "余姚市税务局党委"},
    )
    assert len(PdfReader(io.BytesIO(one.content)).pages) == 1

"""请你来协商 as the issue's "done means" walks it, in the demo county: a resident proposes
fixing the lift of her building, 12 households support it, the community accepts it, a
hybrid meeting is held with 3 online, 9 in the room and 2 proxies, a per-household vote
by floor area passes by the rules shown in words, the notice runs 7 days, the
implementation task reaches 100 % with photos and the residents accept it; the same
household voting by phone and then on paper is refused.

The residents walk at the test's viewport; the community office works at its desk
(desktop) in a second browser. What many neighbours do alike (the other supports,
sign-ins and ballots) is done through the same services the pages call; each kind of
step is walked at least once in the browser. Time passes in the database: the notice's
seven days are moved back.

Each viewport gets its own building of 14 households with floor areas and accounts.
"""

import datetime
import io
from decimal import Decimal

import zxingcpp
from django.contrib.auth.models import Permission
from django.utils import timezone
from PIL import Image

from core.checkin import current_code
from core.rules.models import Scope
from core.rules.services import set_rule
from grid.models import Building, Post, Resident
from grid.permissions import Role
from negotiation import rules as keys
from negotiation import services
from negotiation.models import (
    Attendance,
    Ballot,
    HouseholdArea,
    Meeting,
    Resolution,
    Topic,
    Vote,
)
from tests.factories import HouseholdFactory, ResidentFactory, UserFactory, fictional_id_number

from .journey import PASSWORD, Journey

HOUSEHOLDS = 14
OFFSET = {"phone": 700_000, "desktop": 710_000}


def scanned(locator) -> str:
    image = Image.open(io.BytesIO(locator.screenshot()))
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1, f"{len(found)} codes read"
    return found[0].text


def photo(tmp_path, name, colour):
    path = tmp_path / name
    Image.new("RGB", (320, 240), colour).save(path, "JPEG")
    return str(path)


def building_of(viewport: str):
    home = Resident.objects.select_related("household__building").get(user__username="resident1")
    community = home.household.building.grid.community
    buildings = Building.objects.filter(grid__community=community).order_by("id")
    return buildings[1 + list(OFFSET).index(viewport)], community


def neighbours(building, viewport):
    """14 households of the building, each with an adult resident who has an account
    (password of the demo), a mobile number and a floor area."""
    users = []
    base = OFFSET[viewport]
    for n in range(HOUSEHOLDS):
        household = HouseholdFactory(building=building, unit=9, room=f"{n // 2 + 1}0{n % 2 + 1}")
        user = UserFactory(username=f"neg-{viewport}-{n}", password=PASSWORD)
        resident = ResidentFactory(
            household=household,
            user=user,
            id_number=fictional_id_number(base + n),
            phone=f"139{base // 10_000:02d}{n:06d}",
        )
        user.display_name = resident.name
        user.save(update_fields=["display_name"])
        HouseholdArea.objects.create(household=household, area=Decimal(80 + 5 * n))
        users.append(user)
    return users


def staff(community, role):
    return Post.objects.filter(community=community, role=role, is_active=True).first().user


def test_a_lift_is_fixed_from_a_topic_to_the_residents_acceptance(
    journey, viewport, browser, portal, request, django_db_blocker, tmp_path
):
    with django_db_blocker.unblock():
        building, community = building_of(viewport)
        users = neighbours(building, viewport)
        her = users[0]
        secretary = staff(community, Role.COMMUNITY_SECRETARY)
        worker = staff(community, Role.COMMUNITY_WORKER)
        supervisor = users[13]
        supervisor.user_permissions.add(
            Permission.objects.get(
                content_type__app_label="negotiation", codename="countersign_vote"
            )
        )
        # The community counts 12 households as the threshold for a building's topic.
        set_rule(
            key=keys.SUPPORT_HOUSEHOLDS, value=12, scope=Scope.COMMUNITY, scope_id=community.pk
        )
        phones = {u.pk: Resident.objects.get(user=u).phone for u in users}
    page = journey.page
    title = f"修理本幢电梯（{viewport}）"

    # She proposes fixing the lift of her building.
    journey.sign_in(her.username, "resident-home")
    journey.open("/negotiation/", "consultation-home")
    journey.click(page.get_by_test_id("raise-topic"), "topic-form")
    page.locator("#id_place").select_option(value=f"building:{building.pk}")
    page.locator("#id_title").fill(title)
    page.locator("#id_description").fill("电梯经常停运，老人上下楼困难，请物业和居民一起协商维修。")
    page.locator("input[name=stakeholders][value=residents]").check()
    page.locator("input[name=stakeholders][value=property]").check()
    journey.click(page.get_by_role("button", name="提交"), "topic-proposed", again=True)
    topic = Topic.objects.get(title=title)
    assert topic.state == Topic.State.SUBMITTED and "待审核" in page.content()

    office = Journey.start(browser, portal["url"], "desktop", request.node)
    try:
        # The community accepts it from the review queue.
        office.sign_in(secretary.username, "secretary-home")
        office.open("/negotiation/work/", "workbench")
        desk = office.page
        office.click(desk.get_by_test_id("review-queue").get_by_text(title), "review")
        desk.locator("#id_decision").select_option("accept")
        desk.locator("#id_reason").fill("属于本幢居民共同事务，同意协商")
        office.click(desk.get_by_role("button", name="提交审核意见"), "reviewed", again=True)
        topic.refresh_from_db()
        assert topic.state == Topic.State.GATHERING and topic.support_goal == 12

        # 12 households support it: a neighbour on her phone, then eleven more.
        journey.sign_out()
        journey.sign_in(users[1].username, "neighbour-home")
        journey.open(f"/negotiation/topics/{topic.pk}/", "topic")
        journey.click(page.get_by_test_id("support"), "supported", again=True)
        with django_db_blocker.unblock():
            for user in [users[0], *users[2:12]]:
                services.support_topic(user=user, topic=topic)
        topic.refresh_from_db()
        assert (topic.supports, topic.state) == (12, Topic.State.SCHEDULED)

        # The party organisation convenes a hybrid meeting and sets up the vote.
        office.open(f"/negotiation/topics/{topic.pk}/", "topic-scheduled", again=True)
        office.click(desk.get_by_test_id("convene-link"), "convene")
        starts = timezone.localtime() + datetime.timedelta(days=1)
        desk.locator("#id_starts_at").fill(starts.strftime("%Y-%m-%dT%H:%M"))
        desk.locator("#id_place").fill("社区党群服务中心二楼")
        desk.locator("#id_online_link").fill("腾讯会议 888-123-456")
        desk.locator("#id_agenda").fill("电梯维修方案\n费用分摊")
        office.click(desk.get_by_test_id("convene"), "convened", again=True)
        meeting = Meeting.objects.get(topic=topic)
        assert meeting.mode == Meeting.Mode.HYBRID and meeting.items.count() == 2
        assert meeting.groups == "residents,property" and meeting.invited >= HOUSEHOLDS
        office.click(desk.get_by_test_id("new-vote"), "vote-form")
        desk.locator("#id_question").fill("是否同意维修本幢电梯，费用按建筑面积分摊？")
        desk.locator("input[name=basis][value=area]").check()
        assert desk.locator("input[name=preset][value=ordinary]").is_checked()
        office.click(desk.get_by_test_id("create-vote"), "vote-draft", again=True)
        vote = Vote.objects.get(meeting=meeting)
        assert (vote.basis, vote.quorum_num, vote.quorum_den) == ("area", 2, 3)

        # Two cannot come and give written proxies (one on the phone).
        journey.sign_out()
        journey.sign_in(users[12].username, "proxy-giver-home")
        journey.open(f"/negotiation/meetings/{meeting.pk}/", "meeting-invited")
        page.locator("#id_phone").fill(phones[her.pk])
        journey.click(page.get_by_test_id("give-proxy"), "proxy-given", again=True)
        with django_db_blocker.unblock():
            services.give_proxy(user=users[13], holder=users[1], meeting=meeting)

        # The session: the clerk signs one in, one scans the QR code, others too.
        office.open(f"/negotiation/meetings/{meeting.pk}/", "meeting-sheet", again=True)
        office.click(desk.get_by_test_id("open-meeting"), "meeting-open", again=True)
        desk.locator("#room-phone").fill(phones[users[3].pk])
        office.click(desk.get_by_test_id("clerk-sign-in"), "clerk-signed-in", again=True)
        link = scanned(desk.get_by_test_id("rotating-qr").locator("svg"))
        journey.sign_out()
        journey.sign_in(users[4].username, "room-resident-home")
        page.goto(link)
        journey.check("signed-in-by-qr")
        assert Attendance.objects.filter(meeting=meeting, user=users[4], channel="qr").exists()
        with django_db_blocker.unblock():
            code = current_code(services.CHECKIN, meeting.pk)
            for user in users[5:12]:
                services.sign_in(by=user, meeting=meeting, channel="qr", code=code)
            for user in users[1:3]:
                services.sign_in(by=user, meeting=meeting, channel="online")

        # She follows online from home.
        journey.sign_out()
        journey.sign_in(her.username, "resident-home-again")
        journey.open(f"/negotiation/meetings/{meeting.pk}/", "meeting-online")
        journey.click(page.get_by_test_id("join-online"), "joined-online", again=True)
        quorum = services.meeting_quorum(meeting)
        assert (quorum["online"], quorum["room"], quorum["proxies"]) == (3, 9, 2)
        assert quorum["met"]
        office.open(f"/negotiation/meetings/{meeting.pk}/", "quorum-live", again=True)
        assert "已达法定人数" in desk.get_by_test_id("quorum").inner_text()

        # The vote opens; she votes on her phone and for the neighbour she represents.
        office.open(f"/negotiation/votes/{vote.pk}/", "vote-keeper")
        office.click(desk.get_by_test_id("open-vote"), "vote-open", again=True)
        journey.open(f"/negotiation/votes/{vote.pk}/", "vote-page")
        assert "2/3" in page.get_by_test_id("rule-words").inner_text()
        agree, disagree, abstain = vote.options.all()
        page.locator(f"[data-testid=ballot] input[value='{agree.pk}']").check()
        journey.click(page.get_by_test_id("cast"), "voted", again=True)
        giver = users[12]
        page.locator(
            f"form:has([data-testid=cast-proxy-{giver.pk}]) input[value='{agree.pk}']"
        ).check()
        journey.click(page.get_by_test_id(f"cast-proxy-{giver.pk}"), "voted-by-proxy", again=True)
        assert Ballot.objects.get(vote=vote, cast_by=her, channel="proxy").voter_key.startswith(
            "h:"
        )
        assert "您的票已计入" in page.content()
        with django_db_blocker.unblock():
            for n in (1, 2, 3, 5, 6, 7, 8):
                services.cast_ballot(user=users[n], vote=vote, option=agree)
            for n in (9, 10):
                services.cast_ballot(user=users[n], vote=vote, option=disagree)
            services.cast_ballot(user=users[1], vote=vote, option=abstain, giver=users[13])
        # users[4] voted on the phone too; a paper of the same household comes in later.
        with django_db_blocker.unblock():
            services.cast_ballot(user=users[4], vote=vote, option=agree)
        homes = {n: Resident.objects.get(user=users[n]).household for n in (4, 11)}

        # Paper ballots: two clerks, each on their own; then the reconciliation.
        office.click(desk.get_by_test_id("paper-link"), "paper")
        for n, option in ((11, agree), (4, disagree)):
            desk.locator("#id_household").select_option(value=str(homes[n].pk))
            desk.locator(f"input[name=option][value='{option.pk}']").check()
            office.click(desk.get_by_test_id("enter-paper"), f"paper-entered-{n}", again=True)
        with django_db_blocker.unblock():
            services.enter_paper(by=worker, vote=vote, household=homes[11], option=agree)
            services.enter_paper(by=worker, vote=vote, household=homes[4], option=disagree)
        office.open(f"/negotiation/votes/{vote.pk}/paper/", "paper-both-clerks", again=True)
        assert "已在其他渠道投票" in desk.get_by_test_id(f"paper-{homes[4].pk}").inner_text()
        office.click(desk.get_by_test_id("reconcile"), "reconciled", again=True)
        toast = desk.get_by_test_id("toasts").inner_text()
        assert "1 张纸质选票计入" in toast and "1 张被拒" in toast, toast
        assert Ballot.objects.get(vote=vote, household=homes[4]).channel == "online"
        assert Ballot.objects.get(vote=vote, household=homes[11]).channel == "paper"
        assert Ballot.objects.filter(vote=vote).count() == HOUSEHOLDS

        # Counting, the minutes, and the supervision committee's signatures.
        office.open(f"/negotiation/votes/{vote.pk}/", "vote-to-close", again=True)
        office.click(desk.get_by_test_id("close-vote"), "vote-closed", again=True)
        office.click(desk.get_by_test_id("tally"), "vote-counted", again=True)
        vote.refresh_from_db()
        assert vote.state == Vote.State.TALLIED and vote.result["passed"]
        office.open(f"/negotiation/meetings/{meeting.pk}/", "meeting-to-close", again=True)
        office.click(desk.get_by_test_id("close-meeting"), "meeting-closed", again=True)
        office.click(desk.get_by_test_id("minutes-link"), "minutes")
        item = meeting.items.get(order=1)
        desk.locator(f"#id_position_residents_{item.pk}").fill("多数居民希望尽快维修")
        desk.locator(f"#id_position_property_{item.pk}").fill("物业同意先行垫付维修资金")
        desk.locator(f"#id_resolution_{item.pk}").fill("同意维修电梯，费用按建筑面积分摊")
        desk.locator(f"#id_tally_{item.pk}").fill("14 户参与，11 户同意")
        office.click(desk.get_by_test_id("save-item-1"), "minutes-saved", again=True)
        minutes = tmp_path / "纪要.pdf"
        minutes.write_bytes(b"%PDF-1.4\n% signed minutes\n")
        desk.locator("#id_minutes_file").set_input_files(str(minutes))
        office.click(desk.get_by_test_id("attach-minutes"), "minutes-attached", again=True)
        meeting.refresh_from_db()
        assert meeting.minutes_file

        journey.sign_out()
        journey.sign_in(supervisor.username, "supervisor-home")
        journey.open(f"/negotiation/votes/{vote.pk}/", "vote-to-sign-off")
        journey.click(page.get_by_test_id("sign-off"), "vote-published", again=True)
        journey.open(f"/negotiation/meetings/{meeting.pk}/", "minutes-to-countersign")
        journey.click(page.get_by_test_id("countersign"), "minutes-published", again=True)
        meeting.refresh_from_db()
        assert meeting.state == Meeting.State.PUBLISHED

        # Every resident reads the result against the rules, in words.
        journey.open(f"/negotiation/votes/{vote.pk}/", "result", again=True)
        words = page.get_by_test_id("tally-words").inner_text()
        assert "参与：14 / 14 户业主" in words and "平方米" in words, words
        assert "通过。" in page.get_by_test_id("result").inner_text()

        # The resolution on notice for 7 days; then the task and its photos.
        office.open(f"/negotiation/votes/{vote.pk}/", "vote-result", again=True)
        office.click(desk.get_by_test_id("resolution-link"), "resolution-form")
        desk.locator("#id_budget_reference").fill("2026 年电梯维修专项")
        office.click(desk.get_by_test_id("publish-resolution"), "resolution-notice", again=True)
        resolution = Resolution.objects.get(vote=vote)
        days = (resolution.notice_ends - resolution.created_at).total_seconds() / 86400
        assert round(days) == 7
        with django_db_blocker.unblock():
            Resolution.objects.filter(pk=resolution.pk).update(
                notice_ends=timezone.now() - datetime.timedelta(minutes=1),
                created_at=resolution.created_at - datetime.timedelta(days=7),
            )
        office.open(f"/negotiation/resolutions/{resolution.pk}/", "notice-over", again=True)
        desk.locator("summary", has_text="添加任务").click()
        desk.locator("#id_title").fill("更换电梯曳引机和门机")
        due = timezone.localdate() + datetime.timedelta(days=30)
        desk.locator("#id_due").fill(due.isoformat())
        desk.locator("#id_owner").select_option(index=1)
        office.click(desk.get_by_test_id("add-task"), "task-added", again=True)
        task = resolution.tasks.get()
        for progress, colour in ((50, "orange"), (100, "green")):
            form = desk.get_by_test_id(f"progress-form-{task.pk}")
            form.locator("#id_progress").fill(str(progress))
            form.locator("#id_note").fill(f"维修进度 {progress}%")
            form.locator("#id_photo").set_input_files(photo(tmp_path, f"{progress}.jpg", colour))
            office.click(
                desk.get_by_test_id(f"progress-{task.pk}"), f"progress-{progress}", again=True
            )
        task.refresh_from_db()
        assert task.progress == 100 and task.milestones.exclude(photo="").count() == 2
        office.open("/negotiation/work/board/", "board")
        assert "100 %" in desk.get_by_test_id(f"task-{task.pk}").inner_text()
        office.assert_clean()
    finally:
        office.finish()

    # The residents accept the result.
    journey.open(f"/negotiation/resolutions/{resolution.pk}/", "acceptance")
    assert "100%" in page.get_by_test_id("progress").inner_text()
    journey.click(page.get_by_test_id("satisfied"), "rated", again=True)
    with django_db_blocker.unblock():
        for user in users[:4]:
            services.rate_result(user=user, resolution=resolution, satisfied=True)
    resolution.refresh_from_db()
    assert resolution.state == Resolution.State.ARCHIVED
    journey.open(f"/negotiation/resolutions/{resolution.pk}/", "archived", again=True)
    journey.assert_clean()

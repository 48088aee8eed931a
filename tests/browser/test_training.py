"""Training as the issue's "done means" walks it, in the demo county: the street
organises an annual course for community workers and grid members (the course form,
a session, the audience of one community enrolled), the community worker checks in by
scanning the organiser's rotating QR code on her phone, a grid member is absent and is
offered the make-up course when the attendance closes (the make-up list shows it), both
complete (the worker the course, the grid member the make-up), the worker's certificate
is verified by a signed-out friend scanning its QR code; her qualification due in 60
days raises an alert in her inbox; the community secretary's compliance board shows who
is behind on the 56 hours of secretaries; a resident is asked to rate the grid member
when her request closes, rates him, rates him in the yearly appraisal too, and the
appraisal shows the average to the secretary.

The QR codes are read from the screen with zxing-cpp, as a phone's camera reads them.
Time passes in the database: sessions are moved to have begun. Each viewport gets its
own course, make-up course, resident and request; the demo's workers take part in both.
"""

import datetime
import io

import zxingcpp
from django.contrib.auth import get_user_model
from django.utils import timezone
from PIL import Image

from core.notify.services import drain_outbox
from grid.models import Category, Post, Resident, ServiceRequest
from grid.permissions import Role
from grid.services import requests as loop
from training import services
from training.models import (
    Attendance,
    Campaign,
    Compliance,
    Course,
    CourseKind,
    Enrolment,
    Qualification,
    Rating,
    Session,
    Span,
)

from .journey import PASSWORD, Journey


def scanned(locator) -> str:
    """What a camera reads from the QR code shown in ``locator``."""
    image = Image.open(io.BytesIO(locator.screenshot()))
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1, f"{len(found)} codes read"
    return found[0].text


def holder(role, **node):
    return Post.objects.filter(role=role, is_active=True, **node).order_by("id").first()


def new_resident(community, viewport: str):
    """A living adult of the community with an account of her own."""
    resident = (
        Resident.objects.filter(
            household__community=community,
            state=Resident.State.LIVING,
            user__isnull=True,
            birth_date__lte=datetime.date(1990, 1, 1),
            birth_date__gte=datetime.date(1950, 1, 1),
        )
        .select_related("household__building__grid")
        .order_by("-id")
        .first()
    )
    assert resident is not None, "no unclaimed adult left in the community"
    user = get_user_model().objects.create_user(
        username=f"training-resident-{viewport}", password=PASSWORD
    )
    user.display_name = resident.name
    user.save(update_fields=["display_name"])
    Resident.objects.filter(pk=resident.pk).update(user=user)
    resident.refresh_from_db()
    return user, resident


def local_input(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def began(session: Session, ago: datetime.timedelta) -> None:
    start = timezone.now() - ago
    Session.objects.filter(pk=session.pk).update(
        starts_at=start, ends_at=start + (session.ends_at - session.starts_at)
    )


def confirm(page, locator, journey, label):
    locator.click()
    with page.expect_navigation():
        page.get_by_test_id("confirm-ok").click()
    journey.check(label, again=True)


def test_a_street_trains_a_community_and_residents_appraise_its_workers(
    journey, viewport, browser, portal, request, django_db_blocker
):
    with django_db_blocker.unblock():
        home = Resident.objects.select_related("household__building__grid__community__street").get(
            user__username="resident1"
        )
        community = home.household.building.grid.community
        street = community.street
        organiser = holder(Role.STREET_ADMIN, street=street).user
        secretary = holder(Role.COMMUNITY_SECRETARY, community=community).user
        worker_post = holder(Role.COMMUNITY_WORKER, community=community)
        worker = worker_post.user
        absentee = holder(Role.GRID_MEMBER, community=community).user
        title = f"社区工作者年度培训（{viewport}）"
        makeup = services.create_course(
            by=organiser,
            node=street,
            title=f"年度培训补训班（{viewport}）",
            kind=CourseKind.MAKE_UP,
            year=timezone.localdate().year,
            audience=[Role.COMMUNITY_WORKER, Role.GRID_MEMBER],
            capacity=200,
        )
        ahead = timezone.now() + datetime.timedelta(days=3)
        makeup_session = services.add_session(
            by=organiser,
            course=makeup,
            starts_at=ahead,
            ends_at=ahead + datetime.timedelta(hours=3),
            span=Span.HALF_DAY,
            place="街道党群服务中心二楼",
        )
        today = timezone.localdate()
        due = today + datetime.timedelta(days=60)
        qualification = Qualification.objects.create(
            user=worker,
            post=worker_post,
            level=Qualification.Level.ASSISTANT,
            number=f"ZG-{viewport}",
            registered_on=due - datetime.timedelta(days=3 * 365),
            expires_on=due,
        )
        resident_user, resident = new_resident(community, viewport)
    page = journey.page
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    start = tomorrow.replace(hour=9, minute=0, second=0, microsecond=0)

    # The street's organiser, at her desk: the course, its session, the community enrolled.
    desk = Journey.start(browser, portal["url"], "desktop", request.node)
    try:
        desk.sign_in(organiser.username, "organiser-workbench")
        desk.open("/training/courses/", "training-courses")
        form = desk.page.get_by_test_id("course-form")
        form.locator("#c-title").fill(title)
        form.locator("#c-node").select_option(value=f"street:{street.pk}")
        form.locator("#c-kind").select_option(value=CourseKind.ANNUAL)
        for role in (Role.COMMUNITY_WORKER, Role.GRID_MEMBER):
            form.locator(f"input[name=audience][value={role.value}]").check()
        desk.click(desk.page.get_by_test_id("create-course"), "course-created", again=True)
        course = Course.objects.get(title=title)
        assert desk.page.url.endswith(f"/training/courses/{course.pk}/")
        desk.page.locator("#s-start").fill(local_input(start))
        desk.page.locator("#s-end").fill(local_input(start + datetime.timedelta(hours=3)))
        desk.page.locator("#s-span").select_option(value=Span.HALF_DAY)
        desk.page.locator("#s-place").fill("街道党群服务中心三楼报告厅")
        desk.page.locator("#s-trainer").fill("县委党校")
        desk.click(desk.page.get_by_test_id("add-session"), "session-added", again=True)
        session = course.sessions.get()
        assert session.hours == 4
        desk.page.locator("#e-node").select_option(value=f"community:{community.pk}")
        desk.click(desk.page.get_by_test_id("enrol-audience"), "community-enrolled", again=True)
        mine = Enrolment.objects.get(course=course, user=worker)
        missed = Enrolment.objects.get(course=course, user=absentee)
        assert (mine.state, missed.state) == ("enrolled", "enrolled")
        assert desk.page.locator(f"#enrolment-{mine.pk}").count() == 1

        # At the session: it began five minutes ago; the worker scans the screen's code.
        with django_db_blocker.unblock():
            began(session, datetime.timedelta(minutes=5))
        desk.open(f"/training/sessions/{session.pk}/", "attendance-sheet")
        link = scanned(desk.page.get_by_test_id("rotating-qr").locator("svg"))
        assert f"/training/sessions/{session.pk}/checkin/?code=" in link
        journey.sign_in(worker.username, "worker-workbench")
        page.goto(link)
        journey.check("check-in-scanned")
        journey.click(page.get_by_test_id("check-in"), "checked-in", again=True)
        assert page.url == journey.base_url + "/training/"
        attendance = Attendance.objects.get(enrolment=mine, session=session)
        assert (attendance.method, attendance.status, attendance.hours) == ("qr", "present", 4)

        # The attendance closes: the grid member is absent, withdrawn, and offered the
        # make-up course; the make-up list shows it.
        desk.open(f"/training/sessions/{session.pk}/", "attendance-sheet-later", again=True)
        confirm(desk.page, desk.page.get_by_test_id("close-attendance"), desk, "attendance-closed")
        missed.refresh_from_db()
        assert missed.state == "withdrawn"
        assert Attendance.objects.get(enrolment=missed).status == "absent"
        offered = Enrolment.objects.get(makeup_for=missed)
        assert (offered.course_id, offered.state) == (makeup.pk, "enrolled")
        desk.open("/training/make-up/", "make-up-list")
        assert makeup.title in desk.page.get_by_test_id(f"makeup-{missed.pk}").inner_text()

        # Both complete: the worker the course, the grid member the make-up.
        desk.open(f"/training/courses/{course.pk}/", "course-roster", again=True)
        desk.click(desk.page.get_by_test_id(f"complete-{mine.pk}"), "worker-completed", again=True)
        mine.refresh_from_db()
        assert mine.state == "completed" and mine.certificate_id is not None
        with django_db_blocker.unblock():
            began(makeup_session, datetime.timedelta(hours=1))
        desk.open(f"/training/sessions/{makeup_session.pk}/", "make-up-sheet")
        desk.click(
            desk.page.get_by_test_id(f"mark-{offered.pk}-present"), "make-up-marked", again=True
        )
        confirm(desk.page, desk.page.get_by_test_id("close-attendance"), desk, "make-up-closed")
        desk.open(f"/training/courses/{makeup.pk}/", "make-up-roster")
        desk.click(
            desk.page.get_by_test_id(f"complete-{offered.pk}"), "make-up-completed", again=True
        )
        offered.refresh_from_db()
        assert offered.state == "completed" and offered.certificate_id is not None
        desk.assert_clean()
    finally:
        desk.finish()

    # The worker's certificate, verified by a friend who scans it without signing in.
    journey.open("/training/", "my-training", again=True)
    assert "4" in page.get_by_test_id("my-courses").inner_text()
    journey.click(page.get_by_test_id(f"certificate-{course.pk}"), "my-certificate")
    assert page.get_by_test_id("certificate-state").get_attribute("data-state") == "valid"
    link = scanned(page.locator(".certificate-qr svg"))
    friend = Journey.start(browser, portal["url"], "phone", request.node)
    try:
        friend.page.goto(link)
        friend.check("friend-verifies")
        state = friend.page.get_by_test_id("certificate-state")
        assert state.get_attribute("data-state") == "valid"
        assert mine.certificate.number in friend.page.url
        friend.assert_clean()
    finally:
        friend.finish()

    # Her qualification is due in 60 days: the nightly sweep tells her.
    with django_db_blocker.unblock():
        assert services.send_qualification_alerts() >= 1
        drain_outbox()
    qualification.refresh_from_db()
    assert qualification.alerted_before_on == today
    journey.open("/net/inbox/", "worker-inbox")
    assert due.isoformat() in page.locator(".inbox-list").inner_text()
    journey.open("/training/archive/", "my-archive")
    held = page.get_by_test_id(f"qualification-{qualification.pk}").inner_text()
    assert qualification.number in held and "即将到期" in held
    journey.sign_out()

    # The community secretary's board: who is behind on the secretaries' 56 hours.
    journey.sign_in(secretary.username, "secretary-workbench")
    journey.open("/training/board/", "compliance-board")
    journey.click(page.get_by_test_id("recompute"), "compliance-recomputed", again=True)
    year = today.year
    behind = Compliance.objects.filter(
        community=community, year=year, quota=56, status__in=["behind", "overdue"]
    ).order_by("status", "hours", "id")
    assert behind.exists()
    row = page.get_by_test_id(f"behind-{behind.first().user_id}")
    assert "/ 56" in row.inner_text()
    with django_db_blocker.unblock():
        campaign = Campaign.objects.filter(community=community, year=year).first()
        if campaign is None:
            campaign = services.open_campaign(by=secretary, community=community, year=year)
        # The resident's request, handled and closed by her grid member.
        grid = resident.household.building.grid
        member = holder(Role.GRID_MEMBER, grid=grid).user
        category = Category.objects.filter(parent__isnull=False, is_active=True).first()
        report = loop.submit_request(
            user=resident_user, category=category, description=f"楼道灯坏了（{viewport}）"
        )
        loop.register_request(user=member, request=report)
        loop.dispatch_request(user=member, request=report, handler_user=member)
        loop.start_request(user=member, request=report)
        loop.handle_request(user=member, request=report, result="已更换灯泡")
        loop.close_request(user=member, request=report)
        drain_outbox()
    journey.sign_out()

    # The resident is asked, rates the grid member, and rates him in the appraisal.
    journey.sign_in(resident_user.username, "resident-workbench")
    journey.open("/net/inbox/", "resident-inbox")
    ask = page.locator(".inbox-title", has_text="为您服务得怎么样")
    assert ask.count() == 1
    journey.click(ask, "rate-who-served")
    assert page.url == journey.base_url + "/training/rate/"
    report = ServiceRequest.objects.get(pk=report.pk)
    page.locator(f"#score-{report.pk}").select_option(value="4")
    page.locator(f"#comment-{report.pk}").fill("来得很快")
    journey.click(page.get_by_test_id(f"rate-{report.pk}"), "rated", again=True)
    rating = Rating.objects.get(source="request", source_id=report.pk)
    assert (rating.worker_id, rating.score) == (member.pk, 4)
    assert page.get_by_test_id(f"rated-{report.pk}").count() == 1
    journey.open("/training/", "resident-training")
    journey.click(page.get_by_test_id(f"campaign-{campaign.pk}"), "appraisal")
    member_post = holder(Role.GRID_MEMBER, grid=grid)
    page.locator(f"#score-{member_post.pk}").select_option(value="5")
    journey.click(page.get_by_test_id(f"rate-{member_post.pk}"), "appraisal-rated", again=True)
    assert Rating.objects.filter(campaign=campaign, rater=resident_user).count() == 1
    assert page.get_by_test_id("average").count() == 0  # residents see no results
    journey.sign_out()

    # The secretary sees the year's average, counting both ratings, and no rater.
    journey.sign_in(secretary.username, "secretary-again")
    journey.open(f"/training/appraisal/{campaign.pk}/", "appraisal-results")
    results = services.campaign_results(campaign)
    assert results["request_count"] >= 1 and results["campaign_count"] >= 1
    assert str(results["average"]) in page.get_by_test_id("average").inner_text()
    assert resident.name not in page.content() and "来得很快" not in page.content()
    journey.assert_clean()

"""Demo funds for the demo resident's community: the year's special fund and office
fund, a special-fund project decided, filed and under way with one expenditure paid
with its invoice and reconciled and one waiting for approval, the year's disclosure
schedule with the finances of the last closed quarter published, and a resident's
question on it waiting for an answer."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from grid.models import Post, Resident
from grid.permissions import Role
from grid.services.photos import prepare_photos

from . import disclosure, services
from .models import Category, Disclosure, Fund, Source
from .statements import quarter_bounds

YUAN = 100


def _holder(role, **node):
    post = Post.objects.filter(role=role, is_active=True, **node).select_related("user").first()
    return post.user if post else None


def _invoice():
    image = Image.new("RGB", (480, 320), (246, 244, 236))
    draw = ImageDraw.Draw(image)
    draw.rectangle((12, 12, 468, 308), outline=(170, 40, 40), width=3)
    draw.text((32, 40), "INVOICE No. 33020261207", fill=(120, 30, 30))
    draw.text((32, 90), "CNY 3,000.00", fill=(40, 40, 40))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile("invoice.jpg", buffer.getvalue(), content_type="image/jpeg")


def seed_demo_funding() -> int:
    resident = (
        Resident.objects.filter(user__username="resident1").select_related("household").first()
    )
    if resident is None:
        return 0
    community = resident.household.community
    county = _holder(Role.COUNTY_ADMIN)
    street = _holder(Role.STREET_ADMIN, street=community.street)
    secretary = _holder(Role.COMMUNITY_SECRETARY, community=community)
    worker = _holder(Role.COMMUNITY_WORKER, community=community)
    if None in (county, street, secretary, worker):
        return 0
    today = timezone.localdate()
    if Fund.objects.filter(community=community, year=today.year).exists():
        return 0
    made = 0
    special = services.open_fund(
        by=county,
        source=Source.SPECIAL,
        year=today.year,
        community=community,
        budget=200_000 * YUAN,
        memo="年度服务群众专项经费",
    )
    office = services.open_fund(
        by=county, source=Source.OFFICE, year=today.year, community=community, budget=50_000 * YUAN
    )
    made += 2
    project = services.propose_project(
        by=worker,
        fund=special,
        title="老旧小区楼道扶手更换",
        category=Category.REPAIR,
        needs="居民议事会收集：3、5、7 幢楼道扶手松动锈蚀，老年人上下楼不便。",
        need_refs="需求清单 2026-12",
        budget=12_000 * YUAN,
    )
    services.record_decision(
        by=worker,
        project=project,
        minutes="社区两委会议暨居民代表会议：应到 15 人，实到 13 人，同意 12 人，弃权 1 人。",
        votes_for=12,
        votes_against=0,
        votes_abstain=1,
    )
    services.file_project(by=street, project=project)
    project = services.start_project(by=worker, project=project)
    made += 1
    paid = services.request_expenditure(
        by=worker,
        fund=special,
        project=project,
        amount=3_000 * YUAN,
        category=Category.REPAIR,
        payee="余姚市某某物业维修部",
        purpose="3 幢楼道扶手更换",
    )
    services.approve_expenditure(by=secretary, expenditure=paid, note="同意")
    services.attach_invoices(by=worker, expenditure=paid, photos=prepare_photos([_invoice()]))
    services.pay_expenditure(by=worker, expenditure=paid, invoice_numbers="33020261207")
    services.reconcile_expenditure(by=street, expenditure=paid, note="账实相符")
    services.request_expenditure(
        by=worker,
        fund=office,
        amount=860 * YUAN,
        category=Category.OFFICE,
        payee="余姚市某某文具店",
        purpose="便民服务窗口办公用品",
    )
    made += 2
    made += len(disclosure.schedule_year(by=worker, community=community, year=today.year))
    quarter = (today.month - 1) // 3  # the last closed quarter of this year, if any
    if quarter:
        start, _end = quarter_bounds(today.year, quarter)
        item = Disclosure.objects.filter(
            community=community,
            area=Disclosure.Area.FINANCE,
            cadence=Disclosure.Cadence.QUARTERLY,
            period_start=start,
        ).first()
        if item is not None:
            disclosure.publish(
                by=worker,
                disclosure=item,
                body="本季度收支情况如下，欢迎居民监督，有疑问请在下方留言。",
            )
            disclosure.ask(
                user=resident.user, disclosure=item, text="楼道扶手更换的费用是怎么定的？"
            )
            made += 2
    return made

"""Demo funds for the demo resident's community: the year's special fund and office
fund, a special-fund project decided, filed and under way with one expenditure paid
with its invoice and reconciled and one waiting for approval, the year's disclosure
schedule with the finances of the last closed quarter published, and a resident's
question on it waiting for an answer.

Then the breadth the issue asks for: funds of every source for every demo community
for this year and the last (last year's booked in January of it), expenditures in every
state (requested, approved, paid, reconciled, refused, withdrawn, reversed: a payment
booked in error and reversed with its reason), a second project from the needs to the
public notice, last year's four quarterly statements published, a venture call on the
community's venture fund with three applications scored by two reviewers, ranked,
noticed, one agreement signed and its first tranche requested, and admission
applications in every state (in review, approved with a transfer confirmed, approved
with conditions, returned, rejected), a task that reached a community without an
admission number or funding refused by it, and two burden reports (one anonymous)."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from grid.models import Community, Post, Resident
from grid.permissions import Role
from grid.services.photos import prepare_photos

from . import admission, disclosure, services, venture
from .models import Category, Disclosure, Fund, LedgerEntry, Source
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
    made += _breadth(community, county, street, secretary, worker, resident.user, today)
    return made


def _approver(expenditure, secretary, street):
    return secretary if services.required_tier(expenditure) == "community" else street


def _spend(fund, worker, amount, purpose, category, project=None):
    return services.request_expenditure(
        by=worker,
        fund=fund,
        project=project,
        amount=amount * YUAN,
        category=category,
        payee="余姚市某某服务中心",
        purpose=purpose,
    )


def _paid(fund, worker, secretary, street, amount, purpose, category, project=None):
    expenditure = _spend(fund, worker, amount, purpose, category, project)
    services.approve_expenditure(
        by=_approver(expenditure, secretary, street), expenditure=expenditure, note="同意"
    )
    services.attach_invoices(
        by=worker, expenditure=expenditure, photos=prepare_photos([_invoice()])
    )
    return services.pay_expenditure(by=worker, expenditure=expenditure, invoice_numbers="3302")


BUDGETS = {
    Source.OFFICE: 50_000,
    Source.SPECIAL: 200_000,
    Source.ADMITTED: 10_000,
    Source.VENTURE: 150_000,
    Source.PURCHASE: 80_000,
    Source.DONATION: 20_000,
    Source.SELF_RAISED: 15_000,
}


def _funds_of_every_source(county, today) -> int:
    made = 0
    for community in Community.objects.order_by("code")[:20]:
        for year in (today.year - 1, today.year):
            for source, budget in BUDGETS.items():
                if Fund.objects.filter(community=community, source=source, year=year).exists():
                    continue
                fund = services.open_fund(by=county, source=source, year=year, community=community)
                services.book_income(
                    by=county,
                    fund=fund,
                    amount=budget * YUAN,
                    counterparty=fund.name,
                    memo=f"{year} 年度预算",
                    on=datetime.date(year, 1, 15) if year < today.year else today,
                )
                made += 1
    return made


def _every_expenditure_state(community, secretary, street, worker) -> int:
    office = Fund.objects.get(
        community=community, source=Source.OFFICE, year=timezone.localdate().year
    )
    approved = _spend(office, worker, 420, "社区议事厅桌椅维修", Category.OFFICE)
    services.approve_expenditure(by=_approver(approved, secretary, street), expenditure=approved)
    _paid(office, worker, secretary, street, 1_200, "网格员工作手册印制", Category.OFFICE)
    refused = _spend(office, worker, 2_600, "社区宣传栏更换（重复申请）", Category.OFFICE)
    services.refuse_expenditure(by=secretary, expenditure=refused, reason="与上月已批项目重复")
    withdrawn = _spend(office, worker, 300, "会议茶歇", Category.OFFICE)
    services.withdraw_expenditure(by=worker, expenditure=withdrawn, reason="改由街道统一安排")
    wrong = _paid(
        office, worker, secretary, street, 980, "打印机硒鼓（误记入本账户）", Category.OFFICE
    )
    payment = LedgerEntry.objects.get(expenditure=wrong, kind=LedgerEntry.Kind.PAYMENT)
    services.reverse_entry(by=street, entry=payment, reason="误记：应由街道办公经费列支")
    return 5


def _project_to_notice(community, secretary, street, worker) -> int:
    special = Fund.objects.get(
        community=community, source=Source.SPECIAL, year=timezone.localdate().year
    )
    project = services.propose_project(
        by=worker,
        fund=special,
        title="小区健身角器材更新",
        category=Category.EQUIPMENT,
        needs="居民需求清单：健身角器材老化，多件无法使用；网格议事会两次提出。",
        need_refs="需求清单 2026-08；议事会决议 2026-09",
        budget=8_000 * YUAN,
    )
    services.record_decision(
        by=worker,
        project=project,
        minutes="社区两委会议暨居民代表、党员代表会议：应到 17 人，实到 15 人，同意 14 人。",
        votes_for=14,
        votes_against=0,
        votes_abstain=1,
    )
    services.file_project(by=street, project=project, note="符合专项经费使用范围，准予备案")
    project = services.start_project(by=worker, project=project)
    paid = _paid(
        special, worker, secretary, street, 7_600, "健身器材采购安装", Category.EQUIPMENT, project
    )
    services.reconcile_expenditure(by=street, expenditure=paid, note="账实相符")
    project = services.accept_project(by=street, project=project, note="器材安装到位，验收合格")
    services.notice_project(by=worker, project=project)
    return 1


def _last_years_statements(community, worker, today) -> int:
    made = 0
    disclosure.schedule_year(by=worker, community=community, year=today.year - 1)
    for quarter in range(1, 5):
        start, _end = quarter_bounds(today.year - 1, quarter)
        item = Disclosure.objects.filter(
            community=community,
            area=Disclosure.Area.FINANCE,
            cadence=Disclosure.Cadence.QUARTERLY,
            period_start=start,
        ).first()
        if item is not None and item.state != Disclosure.State.PUBLISHED:
            disclosure.publish(by=worker, disclosure=item, body="本季度财务收支公开。")
            made += 1
    return made


def _venture_call(community, street, resident_user, today) -> int:
    fund = Fund.objects.get(community=community, source=Source.VENTURE, year=today.year)
    call = venture.open_call(
        by=street,
        fund=fund,
        title=f"{community.name}公益创投",
        pool=100_000 * YUAN,
        cap=50_000 * YUAN,
        months_min=6,
        months_max=12,
        criteria=[
            {"name": "需求迫切", "points": 30},
            {"name": "方案可行", "points": 30},
            {"name": "预算合理", "points": 20},
            {"name": "团队能力", "points": 20},
        ],
        apply_until=today + datetime.timedelta(days=20),
    )
    others = [
        post.user
        for post in Post.objects.filter(is_active=True, role=Role.COMMUNITY_SECRETARY)
        .exclude(community=community)
        .select_related("user")
        .order_by("community__code")[:2]
    ]
    if len(others) < 2:
        return 0
    plans = [
        ("阳光助老服务队", "独居老人助餐送餐", 45_000, 9, (28, 27, 18, 18)),
        ("彩虹亲子社", "双职工家庭四点半课堂", 40_000, 8, (25, 26, 17, 16)),
        ("绿色家园志愿队", "垃圾分类入户督导", 30_000, 6, (18, 20, 14, 12)),
    ]
    applications = [
        venture.apply(
            by=resident_user,
            call=call,
            organisation=organisation,
            title=title,
            plan=f"{title}：每周开展服务，季度总结。",
            amount=amount * YUAN,
            months=months,
        )
        for organisation, title, amount, months, _scores in plans
    ]
    reviews = [
        venture.assign_reviewer(by=street, application=application, reviewer=reviewer)
        for application in applications
        for reviewer in others
    ]
    venture.close_applications(by=street, call=call)
    names = [criterion["name"] for criterion in call.criteria]
    for index, review in enumerate(reviews):
        points = plans[index // 2][4]
        tweak = index % 2  # the second reviewer is a point stricter on the first criterion
        scores = dict(zip(names, points, strict=True))
        scores[names[0]] -= tweak
        venture.score(by=review.reviewer, review=review, scores=scores)
    ranked = venture.rank_and_notice(by=street, call=call)
    first = next(a for a in ranked if a.state == "awarded")
    venture.sign_agreement(by=street, application=first)
    venture.request_tranche(by=street, application=first, amount=first.granted // 2)
    return 1 + len(applications)


def _admissions(community, secretary, street, worker, today) -> int:
    department = _holder(Role.DEPARTMENT_STAFF)
    if department is None:
        return 0
    targets = list(Community.objects.filter(street=community.street).order_by("code")[:2])
    county = _holder(Role.COUNTY_ADMIN)
    starts = today + datetime.timedelta(days=70)
    rows = [
        ("居家养老服务需求摸底", "survey", 2_000, "approve", "同意准入", ""),
        (
            "困难群众救助政策宣传",
            "service",
            1_500,
            "conditional",
            "原则同意",
            "不得要求社区拍照留痕",
        ),
        ("养老服务设施运行季报", "report", 800, "return", "请补充工作量测算后再报", ""),
        ("社区挂牌统一更换", "signboard", 500, "reject", "属于禁止下沉事项，不予准入", ""),
        ("低保家庭年度复核", "ledger", 1_200, None, "", ""),
    ]
    made = 0
    approved = None
    for title, deliverable, funding, decision, note, conditions in rows:
        application = admission.submit_application(
            by=department,
            department="余姚市民政局",
            title=title,
            description=f"{title}：由社区协助完成，部门提供表格与培训。",
            deliverable=deliverable,
            targets=targets,
            frequency="quarterly",
            months=12,
            hours_per_community=24,
            funding_per_community=funding * YUAN,
            transfer_plan="批准后 10 个工作日内一次拨付到社区账户",
            starts_on=starts,
        )
        made += 1
        if decision and application.state == "in_review":
            application = admission.decide(
                by=county,
                application=application,
                decision=decision,
                note=note,
                conditions=conditions,
            )
            if decision == "approve":
                approved = application
    if approved is not None:
        task = approved.tasks.filter(community=community).first()
        if task is not None:
            admission.confirm_transfer(by=secretary, task=task)
    unfunded = admission.register_task(
        by=worker,
        community=community,
        department="某县级部门",
        title="每月报送创建工作台账",
        hours=36,
    )
    admission.refuse_task(by=secretary, task=unfunded, reason="无准入编号、无随事经费，不予承接")
    admission.report_burden(
        by=secretary,
        community=community,
        department="某县级部门",
        description="电话要求社区每周报送创建工作照片和表格",
        anonymous=True,
    )
    admission.report_burden(
        by=worker,
        community=community,
        department="某镇街科室",
        description="要求社区为企业开具经营场所证明",
    )
    return made + 3


def _breadth(community, county, street, secretary, worker, resident_user, today) -> int:
    made = _funds_of_every_source(county, today)
    made += _every_expenditure_state(community, secretary, street, worker)
    made += _project_to_notice(community, secretary, street, worker)
    made += _last_years_statements(community, worker, today)
    made += _venture_call(community, street, resident_user, today)
    made += _admissions(community, secretary, street, worker, today)
    return made

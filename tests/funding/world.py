"""Funding in the shared world: the first community's special fund with a filed project
and a paid expenditure, the third community's office funds, a published quarterly
statement with a question, an admitted department survey with its tasks, a burden
report, and a venture call with an application under review."""

import datetime

from django.utils import timezone

from funding import admission, disclosure, services, venture
from funding.models import Source

from ..factories import UserFactory
from .helpers import YUAN, filed_project, open_office, open_special, paid_expenditure


def start_date():
    return timezone.localdate() + datetime.timedelta(days=70)


def admitted_survey(world, targets=None, funding=2_000 * YUAN):
    application = admission.submit_application(
        by=world.user("department_staff"),
        department="县统计局",
        title="居民满意度调查",
        description="每季度入户问卷调查，每社区 50 户。",
        deliverable="survey",
        targets=targets or world.communities[:2],
        frequency="quarterly",
        months=12,
        hours_per_community=40,
        funding_per_community=funding,
        transfer_plan="批准后 10 个工作日内一次拨付",
        starts_on=start_date(),
    )
    return admission.decide(
        by=world.user("county_admin"), application=application, decision="approve", note="同意准入"
    )


def extend_world(world) -> None:
    fund = open_special(world)
    project = filed_project(world, fund)
    paid_expenditure(world, fund, 1_000 * YUAN, project=project)
    open_office(world, community=world.communities[2])
    community = world.communities[0]
    today = timezone.localdate()
    item = disclosure.major_matter(
        by=world.user("community_worker"),
        community=community,
        title="专项经费使用",
        occurred_on=today,
    )
    item.area = "finance"
    item.save()
    disclosure.publish(by=world.user("community_worker"), disclosure=item)
    disclosure.ask(user=world.user("resident"), disclosure=item, text="维修费用为何这么高？")
    application = admitted_survey(world)
    task = application.tasks.get(community=community)
    admission.report_burden(
        by=world.user("community_secretary"),
        community=community,
        department="某局",
        description="要求每周报送表格",
        anonymous=True,
    )
    del task
    venture_fund = services.open_fund(
        by=world.user("county_admin"),
        source=Source.VENTURE,
        year=today.year,
        street=world.streets[0],
        budget=300_000 * YUAN,
    )
    call = venture.open_call(
        by=world.user("street_admin"),
        fund=venture_fund,
        title="公益创投",
        pool=200_000 * YUAN,
        cap=50_000 * YUAN,
        months_min=6,
        months_max=12,
        criteria=[{"name": "需求", "points": 60}, {"name": "可行", "points": 40}],
        apply_until=today + datetime.timedelta(days=30),
    )
    application = venture.apply(
        by=world.user("applicant"),
        call=call,
        organisation="阳光志愿服务队",
        title="老人助餐",
        plan="每周三次送餐",
        amount=30_000 * YUAN,
        months=8,
    )
    reviewer = UserFactory(username="venture_reviewer")
    world.users["venture_reviewer"] = reviewer
    venture.assign_reviewer(
        by=world.user("street_admin"), application=application, reviewer=reviewer
    )

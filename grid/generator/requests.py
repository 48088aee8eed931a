"""Five years of one community's service requests with their timelines.

Each request gets a fate (the whole story it would have: registered, escalated,
dispatched, handled late or on time, rated, reopened, or refused, marked duplicate or
withdrawn); the story is then cut at the generator's "now", so recent requests are
still open in realistic shares and the columns (state, dates, overdue flags, rating,
rework count) are exactly what the services would have left.
"""

import datetime
import math
from dataclasses import dataclass
from itertools import accumulate

from ..models import RequestEvent, ServiceRequest, ServiceRequestUserGrant

TIERS = ("street_id", "community_id", "grid_id", "building_id")
REQUEST_COLUMNS = (
    "id",
    "number",
    "category_id",
    "description",
    "reporter_id",
    "reporter_user_id",
    "recorded_by_id",
    "is_public",
    "state",
    "level",
    "handler_user_id",
    "handler_unit_id",
    "duplicate_of_id",
    "result",
    "reason",
    "due_register_at",
    "due_handle_at",
    "register_overdue",
    "handle_overdue",
    "rework_count",
    "rating",
    "rating_comment",
    "created_at",
    "registered_at",
    "handled_at",
    "closed_at",
    *TIERS,
)
EVENT_COLUMNS = ("request_id", "action", "actor_id", "from_state", "to_state", "note", "at")
GRANT_COLUMNS = ("user_id", "permission_id", "content_object_id")

CATEGORY_WEIGHTS = {
    "environment-rubbish": 16,
    "property-service": 14,
    "dispute-neighbour": 8,
    "enquiry-policy": 8,
    "facility-light": 7,
    "environment-water": 5,
    "environment-greenery": 5,
    "facility-elevator": 5,
    "safety-fire": 5,
    "livelihood-help": 5,
    "suggestion-general": 5,
    "property-construction": 4,
    "care-elderly": 4,
    "safety-building": 3,
    "dispute-family": 3,
    "care-disabled": 2,
    "livelihood-urgent": 1,
}
OUTDOOR = {"environment-water", "environment-greenery", "facility-light", "property-construction"}
TEXTS = {
    "environment": [
        "{place}门口堆放垃圾，气味很大",
        "{place}附近雨后积水严重",
        "{place}旁绿化带被踩坏",
    ],
    "property": ["{place}电梯厅保洁不及时", "{place}楼顶有人搭建彩钢棚", "{place}门禁坏了没人修"],
    "facility": ["{place}旁边路灯不亮", "{place}电梯经常停在半层", "{place}健身器材损坏"],
    "safety": ["{place}消防通道被电瓶车堵住", "{place}外墙瓷砖脱落", "{place}楼道里私拉电线充电"],
    "dispute": ["{place}楼上装修噪音影响休息", "{place}邻居占用公共楼道", "家庭矛盾需要调解"],
    "livelihood": ["独居老人需要帮助买药", "低保申请材料不清楚", "家中老人走失请求帮助"],
    "care": ["希望安排助老员上门", "残疾人辅具申请咨询", "老人需要定期探访"],
    "enquiry": ["咨询居家养老服务补贴", "咨询医保异地备案", "咨询新生儿落户手续"],
    "suggestion": [
        "建议{place}增设非机动车充电桩",
        "建议增加社区文化活动",
        "建议{place}增加停车位",
    ],
}
RESULTS = [
    "已现场处置，居民认可",
    "已联系物业整改完毕",
    "已协调相关部门处理",
    "已答复政策并上门解释",
    "已组织调解，双方达成一致",
]
REASONS = ["不属于受理范围，已告知12345热线", "信息不全，无法核实", "属于司法程序事项"]
RATINGS = ([5, 4, 3, 2, 1], [62, 24, 8.5, 3.2, 2.3])
RERATINGS = ([5, 4, 3], [45, 37, 18])
HOURS = list(range(7, 23))
HOUR_WEIGHTS = list(accumulate([3, 7, 10, 10, 8, 5, 6, 8, 8, 7, 5, 5, 6, 6, 4, 2]))
GROWTH = math.log(2.5)  # the last year sees 2.5 × the requests of the first


@dataclass
class Crew:
    """Who works a community's requests."""

    grid_members: dict  # grid id → user id
    workers: list  # community workers' user ids
    street_admin: int
    department: int  # street department unit id
    unit_staff: dict  # handling unit id → user id
    permissions: tuple  # (view, change) permission ids


def created_times(rng, count, start, now):
    """``count`` moments over [start, now), more in later years, in daytime hours."""
    span = (now - start).days
    times = []
    for _ in range(count):
        x = math.log(1 + rng.random() * (math.exp(GROWTH) - 1)) / GROWTH
        day = start + datetime.timedelta(days=min(span - 1, int(x * span)))
        hour = rng.choices(HOURS, cum_weights=HOUR_WEIGHTS)[0]
        times.append(day.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60)))
    times.sort()
    return times


def minutes(rng, low, high):
    return datetime.timedelta(minutes=rng.uniform(low, high))


class Story:
    """The events of one request, in order; ``cut`` applies those before ``now``."""

    def __init__(self):
        self.events = []  # (at, action, actor, from, to, note, updates)

    def add(self, at, action, actor, from_state, to_state, note="", **updates):
        self.events.append((at, action, actor, from_state, to_state, note, updates))


def write_requests(
    writer, rng, net, count, reporters, crew: Crew, categories, calendar, start, now
):
    """Generate and write ``count`` requests of one community; returns how many."""
    weights = list(accumulate(CATEGORY_WEIGHTS.get(c.code, 2) for c in categories))
    buildings = net.buildings
    building_weights = list(accumulate(b.households for b in buildings))
    times = created_times(rng, count, start, now)
    ids = writer.reserve(ServiceRequest, count)
    requests, events, grants = [], [], []
    last = {}  # (category, grid) → the latest request id, for duplicates
    for request_id, created in zip(ids, times, strict=True):
        category = rng.choices(categories, cum_weights=weights)[0]
        building = rng.choices(buildings, cum_weights=building_weights)[0]
        candidates = reporters[building.id]
        reporter_id, reporter_user = (
            candidates[rng.randrange(len(candidates))] if candidates else (None, None)
        )
        outdoor = category.code in OUTDOOR and rng.random() < 0.4
        place = f"{building.name}" if not outdoor else "小区主干道"
        text = rng.choice(TEXTS.get(category.code.split("-")[0], ["{place}有问题需要处理"]))
        member = crew.grid_members[building.grid_id]
        row = {
            "id": request_id,
            "number": f"{created:%Y%m%d}{request_id:08d}",
            "category_id": category.id,
            "description": text.format(place=place),
            "reporter_id": reporter_id,
            "reporter_user_id": reporter_user,
            "recorded_by_id": None if reporter_user else member,
            "is_public": category.public_by_default,
            "state": "submitted",
            "level": "grid",
            "handler_user_id": None,
            "handler_unit_id": None,
            "duplicate_of_id": None,
            "result": "",
            "reason": "",
            "due_register_at": calendar.add_working_hours(created, 1),
            "due_handle_at": None,
            "register_overdue": False,
            "handle_overdue": False,
            "rework_count": 0,
            "rating": None,
            "rating_comment": "",
            "created_at": created,
            "registered_at": None,
            "handled_at": None,
            "closed_at": None,
        }
        key = (category.id, building.grid_id)
        story = fate(rng, row, category, building, member, crew, calendar, last.get(key))
        last[key] = request_id
        granted = set()
        for at, action, actor, from_state, to_state, note, updates in story.events:
            if at > now:
                break
            late_before = row["handle_overdue"]
            row.update(updates)
            row["handle_overdue"] = row["handle_overdue"] or late_before
            row["state"] = to_state
            events.append((request_id, action, actor, from_state, to_state, note, at))
            if action == "dispatch":
                holder = row["handler_user_id"] or crew.unit_staff.get(row["handler_unit_id"])
                if holder and holder not in granted:
                    granted.add(holder)
                    grants.extend((holder, p, request_id) for p in crew.permissions)
        _mark_overdue(row, now)
        tiers = (net.street_id, net.id, building.grid_id, None if outdoor else building.id)
        requests.append((*(row[c] for c in REQUEST_COLUMNS[:-4]), *tiers))
    writer.write(ServiceRequest, REQUEST_COLUMNS, requests)
    writer.write(RequestEvent, EVENT_COLUMNS, events)
    writer.write(ServiceRequestUserGrant, GRANT_COLUMNS, grants)
    return count


def _mark_overdue(row, now):
    """What ``services.mark_overdue`` would have set by now."""
    if row["state"] == "submitted" and row["due_register_at"] < now:
        row["register_overdue"] = True
    if row["state"] in ("registered", "dispatched", "in_progress") and row["due_handle_at"] < now:
        row["handle_overdue"] = True


def fate(rng, row, category, building, member, crew, calendar, earlier) -> Story:
    story = Story()
    created = row["created_at"]
    reporter = row["reporter_user_id"]
    story.add(created, "submit", reporter or member, "", "submitted")
    due_register = row["due_register_at"]
    if rng.random() < 0.04:
        registered = due_register + minutes(rng, 5, 600)
    else:
        registered = created + (due_register - created) * rng.uniform(0.05, 0.95)
    roll = rng.random()
    if roll < 0.03:
        story.add(
            registered,
            "reject",
            member,
            "submitted",
            "rejected",
            rng.choice(REASONS),
            reason=rng.choice(REASONS),
            closed_at=registered,
        )
        return story
    if roll < 0.055 and earlier is not None:
        story.add(
            registered,
            "duplicate",
            member,
            "submitted",
            "duplicate",
            duplicate_of_id=earlier,
            closed_at=registered,
        )
        return story
    if roll < 0.07:
        at = created + minutes(rng, 10, 300)
        story.add(
            at,
            "cancel",
            reporter or member,
            "submitted",
            "cancelled",
            "问题已自行解决",
            closed_at=at,
        )
        return story
    limit, unit = category.handle_limit, category.handle_unit
    due_handle = calendar.add(registered, limit, unit)
    story.add(
        registered,
        "register",
        member,
        "submitted",
        "registered",
        registered_at=registered,
        due_handle_at=due_handle,
        register_overdue=registered > due_register,
    )
    worker, at = member, registered
    level_roll = rng.random()
    if level_roll < 0.15:
        at += minutes(rng, 10, 240)
        story.add(
            at, "escalate", member, "registered", "registered", "需要社区协调", level="community"
        )
        worker = rng.choice(crew.workers)
        if level_roll < 0.04:
            at += minutes(rng, 30, 600)
            story.add(
                at, "escalate", worker, "registered", "registered", "需要街道协调", level="street"
            )
            worker = crew.street_admin
    level = "street" if level_roll < 0.04 else "community" if level_roll < 0.15 else "grid"
    handler_user, handler_unit = worker, None
    if level == "street":
        handler_user, handler_unit = None, crew.department
    elif (
        level == "grid"
        and building.property_company_id
        and category.code.startswith(("property", "facility"))
        and rng.random() < 0.7
    ):
        handler_user, handler_unit = None, building.property_company_id
    handler = handler_user or crew.unit_staff.get(handler_unit) or worker
    at += minutes(rng, 2, 40)
    story.add(
        at,
        "dispatch",
        worker,
        "registered",
        "dispatched",
        handler_user_id=handler_user,
        handler_unit_id=handler_unit,
    )
    late = rng.random() < 0.07
    _handle(rng, story, at, registered, due_handle, late, handler, worker, False)
    closed = story.events[-1][0]
    if rng.random() >= 0.72:
        return story  # closed, never rated
    rating = rng.choices(*RATINGS)[0]
    at = closed + minutes(rng, 120, 4320)
    rater = reporter or member
    if rating >= 3:
        story.add(
            at,
            "evaluate",
            rater,
            "closed",
            "evaluated",
            f"{rating}★",
            rating=rating,
            rating_comment="",
        )
        return story
    due = calendar.add(at, limit, unit)
    story.add(
        at,
        "reopen",
        rater,
        "closed",
        "in_progress",
        f"{rating}★ 问题没有解决",
        rating=rating,
        rating_comment="问题没有解决",
        rework_count=1,
        closed_at=None,
        handled_at=None,
        due_handle_at=due,
    )
    _handle(rng, story, at, at, due, rng.random() < 0.1, handler, worker, True)
    rating = rng.choices(*RERATINGS)[0]
    at = story.events[-1][0] + minutes(rng, 120, 2880)
    story.add(
        at, "evaluate", rater, "closed", "evaluated", f"{rating}★", rating=rating, rating_comment=""
    )
    return story


def _handle(rng, story, at, since, due, late, handler, worker, again):
    """start (unless reopened, which is already in progress), handle and close."""
    if late:
        handled = due + (due - since) * rng.uniform(0.05, 1.0) + minutes(rng, 30, 600)
    else:
        handled = since + (due - since) * rng.uniform(0.15, 0.9)
    handled = max(handled, at + minutes(rng, 15, 90))  # after the dispatch, whatever the limit
    if not again:
        start = at + min((handled - at) / 2, minutes(rng, 5, 180))
        story.add(start, "start", handler, "dispatched", "in_progress")
    result = rng.choice(RESULTS)
    story.add(
        handled,
        "handle",
        handler,
        "in_progress",
        "handled",
        result,
        result=result,
        handled_at=handled,
        handle_overdue=handled > due,
    )
    closed = handled + minutes(rng, 30, 1800)
    story.add(closed, "close", worker, "handled", "closed", closed_at=closed)

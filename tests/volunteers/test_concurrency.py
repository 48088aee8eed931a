"""The invariants under real concurrent connections on PostgreSQL (skipped on SQLite,
whose writes are serial anyway): one seat and 50 sign-ups → exactly one; 50 parallel
withdrawals over a balance → never negative; a check-in twice → one record."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from core.checkin import current_code
from volunteers import services
from volunteers.models import HourEntry, Shift, SignUp, TimeBankEntry, Volunteer

from ..factories import build_world
from .helpers import make_activity, make_shift, make_team, resident_user, volunteer_of

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="real concurrent connections: PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def run_together(callables):
    barrier = threading.Barrier(len(callables))
    outcomes = [None] * len(callables)

    def worker(index, call):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = ("ok", call())
        except ValidationError as exc:
            outcomes[index] = ("refused", " ".join(exc.messages))
        except Exception as exc:  # noqa: BLE001  (reported by the assertion below)
            outcomes[index] = ("error", repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(callables)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_fifty_volunteers_race_for_one_seat():
    world = build_world()
    team = make_team(world.communities[1], name="抢位测试队")
    shift = make_shift(make_activity(team), capacity=1)
    household = world.households[2]
    users = [resident_user(household, f"racer{n}") for n in range(50)]
    for user in users:
        volunteer_of(user)
    outcomes = run_together([lambda u=u: services.sign_up(user=u, shift=shift) for u in users])
    kinds = [kind for kind, _detail in outcomes]
    assert "error" not in kinds, outcomes
    assert kinds.count("ok") == 1 and kinds.count("refused") == 49
    assert all("已满" in detail for kind, detail in outcomes if kind == "refused")
    shift.refresh_from_db()
    assert shift.booked == 1 == SignUp.objects.filter(shift=shift, state="booked").count()


def test_fifty_parallel_withdrawals_never_overdraw():
    world = build_world()
    volunteer = Volunteer.objects.get(user=world.users["resident"])
    # The world deposited 3 credits; add 7 more through the ledger: 10 in all.
    services._append_ledger(  # noqa: SLF001  (a deposit without an activity, for the test)
        volunteer=volunteer, kind="deposit", amount=Decimal("7"), by=None
    )
    user = world.user("resident")
    outcomes = run_together(
        [
            lambda: services.withdraw_credits(by=user, volunteer=volunteer, amount=1)
            for _n in range(50)
        ]
    )
    kinds = [kind for kind, _detail in outcomes]
    assert "error" not in kinds, outcomes
    # The minimum balance before an exchange is 2 credits: 10 → 1 is nine withdrawals.
    assert kinds.count("ok") == 9
    rows = list(TimeBankEntry.objects.filter(volunteer=volunteer).order_by("seq"))
    assert [row.seq for row in rows] == list(range(1, len(rows) + 1))
    assert rows[-1].balance == sum(row.amount for row in rows) == 1
    assert min(row.balance for row in rows) >= 0


def test_checking_in_twice_at_once_records_once():
    world = build_world()
    team = make_team(world.communities[1], name="签到测试队")
    shift = make_shift(make_activity(team), starts_in=datetime.timedelta(days=1))
    user = resident_user(world.households[2], "twice")
    volunteer_of(user)
    signup = services.sign_up(user=user, shift=shift)
    start = timezone.now() - datetime.timedelta(minutes=30)
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    shift.refresh_from_db()
    code = current_code(services.CHECKIN_PURPOSE, shift.pk)
    outcomes = run_together(
        [lambda: services.check_in(user=user, shift=shift, code=code) for _n in range(10)]
    )
    kinds = [kind for kind, _detail in outcomes]
    assert "error" not in kinds, outcomes
    assert kinds.count("ok") == 1
    assert SignUp.objects.get(pk=signup.pk).checked_in_at is not None
    SignUp.objects.filter(pk=signup.pk).update(checked_in_at=start)
    outcomes = run_together(
        [lambda: services.check_out(user=user, shift=shift, code=code) for _n in range(10)]
    )
    assert [k for k, _d in outcomes].count("ok") == 1, outcomes
    assert HourEntry.objects.get(signup=signup).hours == Decimal("0.5")


def _placed_members(world, count: int, prefix: str):
    from volunteers import member_services as members

    worker = world.user("community_worker")
    users = [resident_user(world.households[1], f"{prefix}{n}") for n in range(count)]
    for user in users:
        volunteer_of(user)
        report = members.report_to_community(user=user, workplace="竞争测试党支部")
        members.place_member(by=worker, report=report, grid=world.grids[0])
    return users


def test_twenty_members_race_for_one_small_wish():
    from volunteers import member_services as members
    from volunteers.models import Wish

    world = build_world()
    wish = Wish.objects.get(user=world.users["resident"], state="open")
    users = _placed_members(world, 20, "wisher")
    outcomes = run_together([lambda u=u: members.claim_wish(user=u, wish=wish) for u in users])
    kinds = [kind for kind, _detail in outcomes]
    assert "error" not in kinds, outcomes
    assert kinds.count("ok") == 1 and kinds.count("refused") == 19
    wish.refresh_from_db()
    assert wish.state == "claimed" and wish.claimer_id in {u.pk for u in users}


def test_twenty_members_race_for_the_last_place_on_a_need():
    from volunteers import member_services as members
    from volunteers.models import Need, NeedClaim

    world = build_world()
    need = members.post_need(
        by=world.user("community_worker"), community=world.communities[0], title="抢名额"
    )
    users = _placed_members(world, 20, "needer")
    outcomes = run_together([lambda u=u: members.claim_need(user=u, need=need) for u in users])
    kinds = [kind for kind, _detail in outcomes]
    assert "error" not in kinds, outcomes
    assert kinds.count("ok") == 1 and kinds.count("refused") == 19
    assert Need.objects.get(pk=need.pk).claimed == 1 == NeedClaim.objects.filter(need=need).count()

"""One ballot per household and one support per household, under real concurrent
connections on PostgreSQL (skipped on SQLite, whose writes are serial anyway)."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from grid.models import Resident
from negotiation import services
from negotiation.models import Ballot, Support, Topic, Vote

from ..factories import UserFactory, build_world
from .helpers import verified_households

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
            barrier.wait(timeout=60)
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


def household_members(household, count):
    """``count`` verified adult members of ``household`` (each with an account)."""
    from ..factories import ResidentFactory

    users = []
    for n in range(count):
        user = UserFactory(username=f"member{household.pk}-{n}")
        ResidentFactory(household=household, user=user)
        users.append(user)
    return users


def test_fifty_concurrent_ballots_of_one_household_store_exactly_one():
    world = build_world()
    household = Resident.objects.get(user=world.users["resident"]).household
    members = household_members(household, 49) + [world.user("resident")]
    vote = services.create_vote(
        by=world.user("community_secretary"),
        question="是否同意加装电梯？",
        basis=Vote.Basis.HOUSEHOLD,
        opens_at=timezone.now() - datetime.timedelta(minutes=1),
        closes_at=timezone.now() + datetime.timedelta(days=1),
        node=world.buildings[0],
    )
    services.open_vote(by=world.user("community_secretary"), vote=vote)
    option = vote.options.first()
    outcomes = run_together(
        [lambda u=u: services.cast_ballot(user=u, vote=vote, option=option) for u in members]
    )
    kinds = [kind for kind, _detail in outcomes]
    assert "error" not in kinds, outcomes
    assert kinds.count("ok") == 1 and kinds.count("refused") == 49
    assert all("已投票" in detail for kind, detail in outcomes if kind == "refused")
    assert Ballot.objects.filter(vote=vote).count() == 1


def test_twenty_concurrent_supports_of_one_household_count_once():
    world = build_world()
    household = Resident.objects.get(user=world.users["resident"]).household
    members = household_members(household, 20)
    topic = Topic.objects.create(
        building=world.buildings[0],
        title="修路灯",
        description="路灯坏了",
        proposer=world.users["resident"],
        state=Topic.State.GATHERING,
        support_goal=50,
    )
    others = verified_households(world.buildings[0], 5)
    outcomes = run_together(
        [lambda u=u: services.support_topic(user=u, topic=topic) for u in members + others]
    )
    kinds = [kind for kind, _detail in outcomes]
    assert "error" not in kinds, outcomes
    assert kinds.count("ok") == 6
    topic.refresh_from_db()
    assert topic.supports == 6 == Support.objects.filter(topic=topic).count()

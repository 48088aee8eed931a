"""Redis stopped while residents submit requests: every submission is accepted and stored
with its timeline and its outbox rows; nothing is delivered while Redis is down (the
on-commit enqueue fails fast and is dropped, the cache fails open); once Redis is back
(empty: every queued message lost) the periodic drain delivers every notification,
exactly once."""

import time

import pytest

from .services import post_json, wait_until

pytestmark = pytest.mark.faults

DRAIN_SECONDS = 2  # the periodic drain (beat), every minute in production


def outbox_of(stack, ids):
    return stack.query(
        "SELECT o.id, o.state, o.attempts, o.recipient_id, o.payload->>'subject_id' "
        "FROM grid_outboxmessage o WHERE (o.payload->>'subject_id')::bigint = ANY(%s)",
        (list(ids),),
    )


def pending(stack) -> int:
    return stack.scalar("SELECT count(*) FROM grid_outboxmessage WHERE state = 'pending'")


def test_redis_stopped_while_residents_submit(stack, category_id):
    redis = stack.redis()
    env = stack.env(redis, OUTBOX_DRAIN_SECONDS=DRAIN_SECONDS)
    base = stack.web(env)
    stack.worker(env, "worker")
    stack.beat(env)
    token = stack.seed["token"]
    url = base + "/api/v1/requests/"

    def submit(text):
        started = time.monotonic()
        status, body = post_json(url, token, {"category": category_id, "description": text})
        return status, body, time.monotonic() - started

    # Redis up: the on-commit drain delivers a submission's notice within seconds.
    status, body, _elapsed = submit("Redis 在线时的诉求")
    assert status == 201, body
    before = [body["id"]]
    wait_until(lambda: pending(stack) == 0, 20, what="the first notice delivered")

    # Redis stopped: every submission accepted, quickly, and stored whole.
    redis.stop()
    down = []
    for n in range(12):
        status, body, elapsed = submit(f"Redis 停止时的诉求 {n}")
        assert status == 201, (n, status, body)
        assert elapsed < 3, f"submission {n} took {elapsed:.1f}s with Redis down"
        down.append(body["id"])
    stored = stack.query(
        "SELECT r.id, count(e.id) FILTER (WHERE e.action = 'submit') "
        "FROM grid_servicerequest r LEFT JOIN grid_requestevent e ON e.request_id = r.id "
        "WHERE r.id = ANY(%s) GROUP BY r.id",
        (down,),
    )
    assert sorted(stored) == [(pk, 1) for pk in sorted(down)]
    rows = outbox_of(stack, down)
    assert {int(row[4]) for row in rows} == set(down)  # every request has its notices
    # Nothing went out while Redis was down (no drain could be enqueued or received).
    time.sleep(DRAIN_SECONDS * 2)
    assert {row[1] for row in outbox_of(stack, down)} == {"pending"}

    # Redis back, empty: the periodic drain delivers everything.
    redis.start()
    wait_until(lambda: pending(stack) == 0, 45, interval=0.5, what="the outbox drained")
    time.sleep(DRAIN_SECONDS * 2)  # more drains run: none may deliver twice

    ids = before + down
    rows = outbox_of(stack, ids)
    assert rows and {(row[1], row[2]) for row in rows} == {("sent", 1)}
    delivered = stack.query(
        "SELECT o.id, count(n.id), min(n.user_id), min(n.subject_id) FROM grid_outboxmessage o "
        "LEFT JOIN grid_notification n ON n.source_id = o.id "
        "WHERE o.id = ANY(%s) GROUP BY o.id",
        ([row[0] for row in rows],),
    )
    by_row = {row[0]: row for row in rows}
    for outbox_id, count, user_id, request_id in delivered:
        assert count == 1, f"outbox message {outbox_id} delivered {count} times"
        assert user_id == by_row[outbox_id][3]
        assert request_id == int(by_row[outbox_id][4])
    # One notice per recipient and request: the grid's staff heard of each submission once.
    per_request = stack.query(
        "SELECT subject_id, user_id, count(*) FROM grid_notification "
        "WHERE subject_id = ANY(%s) GROUP BY subject_id, user_id",
        (ids,),
    )
    assert {row[0] for row in per_request} == set(ids)
    assert {row[2] for row in per_request} == {1}
    # The portal serves as before with Redis back.
    status, body, _elapsed = submit("Redis 恢复后的诉求")
    assert status == 201, body
    wait_until(lambda: pending(stack) == 0, 20, what="a notice after Redis returned")

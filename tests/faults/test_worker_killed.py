"""A Celery worker killed (SIGKILL) in the middle of a task: the task (the outbox drain,
sending text messages through a slow gateway) completes once after a new worker
starts, thanks to ``acks_late`` (the message stays in Redis until the task is done),
the broker's visibility timeout (a message of a dead worker goes back to the queue),
``reject_on_worker_lost`` (a killed pool process: requeued at once) and the drain's
idempotence (each text message is marked sent in its own transaction: what the killed
run committed is not sent again, what it had not committed is)."""

import os
import signal
import time
from collections import Counter

import pytest

from .services import manage, wait_until

pytestmark = pytest.mark.faults

VISIBILITY = 3  # seconds (CELERY_VISIBILITY_TIMEOUT; 600 in production)
DELAY = 1.5  # seconds the slow gateway takes per message
PHONES = ["13800000001", "13800000002", "13800000003"]

ENQUEUE = """
from django.db import transaction
from core.notify.services import notify
with transaction.atomic():
    notify(key={key!r}, kind="status", title="请于今日内处理", sms=[(None, p) for p in {phones!r}])
"""


def _setup(stack, tmp_name):
    redis = stack.redis()
    log = stack.workdir / f"sms-{tmp_name}.log"
    log.touch()
    env = stack.env(
        redis,
        PORTAL_SMS_BACKEND="tests.faults.slow_sms.SlowSMSBackend",
        FAULTS_SMS_LOG=log,
        FAULTS_SMS_DELAY=DELAY,
        CELERY_VISIBILITY_TIMEOUT=VISIBILITY,
    )
    return env, log


def _lines(log):
    return [line.split() for line in log.read_text().splitlines() if line.strip()]


def _sms_rows(stack, key):
    return stack.query(
        "SELECT state, attempts FROM grid_outboxmessage WHERE dedupe_key LIKE %s",
        (f"{key}:sms:%",),
    )


def _enqueue(env, key):
    # A change commits and its notices ask for a drain on commit, through the broker.
    manage(env, "shell", "-c", ENQUEUE.format(key=key, phones=PHONES))


def _assert_sent_once(stack, log, key):
    wait_until(
        lambda: {r[0] for r in _sms_rows(stack, key)} == {"sent"}, 40, what="the drain finished"
    )
    time.sleep(1)
    sent = Counter(words[2] for words in _lines(log) if words[0] == "sent")
    assert sent == Counter(PHONES), f"each message must reach the gateway once: {sent}"
    assert sorted(_sms_rows(stack, key)) == [("sent", 1)] * len(PHONES)


def test_a_worker_killed_mid_task_is_finished_once_by_a_new_worker(stack):
    env, log = _setup(stack, "whole")
    key = "faults:worker-killed"
    first = stack.worker(env, "worker-1")
    _enqueue(env, key)

    def handing_over_the_second():
        return [(w[0], w[2]) for w in _lines(log)][-1:] == [("begin", PHONES[1])]

    wait_until(handing_over_the_second, 30, interval=0.1, what="the worker mid-task")
    killed_at = time.monotonic()
    first.kill()  # SIGKILL to the worker and its pool process: a lost machine
    assert [(w[0], w[2]) for w in _lines(log)] == [
        ("begin", PHONES[0]),
        ("sent", PHONES[0]),
        ("begin", PHONES[1]),
    ]
    # The first message was committed as sent; the killed transaction of the second
    # died with its connection: it and the third are still pending.
    wait_until(
        lambda: sorted(_sms_rows(stack, key)) == [("pending", 0)] * 2 + [("sent", 1)],
        10,
        what="the killed run rolled back",
    )
    # The message is still in Redis, unacknowledged: once its visibility timeout has
    # passed, a new worker puts it back in the queue as it starts, and runs it.
    time.sleep(max(0.0, VISIBILITY + 0.5 - (time.monotonic() - killed_at)))
    stack.worker(env, "worker-2")
    _assert_sent_once(stack, log, key)
    begins = Counter(words[2] for words in _lines(log) if words[0] == "begin")
    assert begins == Counter(PHONES) + Counter(PHONES[1:2])  # the second, handed over twice


def test_a_pool_process_killed_mid_task_is_requeued_at_once(stack):
    env, log = _setup(stack, "child")
    key = "faults:child-killed"
    stack.worker(env, "worker-1")
    _enqueue(env, key)
    begun = wait_until(lambda: _lines(log), 30, what="the pool process in the middle of the task")
    os.kill(int(begun[0][1]), signal.SIGKILL)  # only the process running the task
    # reject_on_worker_lost: the same worker requeues the message and runs it again in a
    # fresh pool process, without waiting for the visibility timeout.
    _assert_sent_once(stack, log, key)
    pids = {words[1] for words in _lines(log)}
    assert len(pids) == 2 and begun[0][1] in pids

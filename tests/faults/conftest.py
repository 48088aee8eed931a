"""Fixtures of the fault tests (``make test-faults``): a private PostgreSQL cluster with
a migrated and seeded template database, cloned for each test, and a registry of the
processes a test starts (all stopped after it, their logs printed when it fails).

The tests are skipped unless ``PORTAL_FAULTS=1`` (``make test`` and the PostgreSQL suite
of CI leave them out: they bring up their own services and take a minute or two)."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from . import services

HERE = Path(__file__).resolve().parent
ENABLED = os.environ.get("PORTAL_FAULTS") == "1"
TEMPLATE = "faults_template"
_numbers = itertools.count(1)


def pytest_collection_modifyitems(config, items):
    mine = [item for item in items if HERE in Path(str(item.fspath)).resolve().parents]
    if not mine:
        return
    if not ENABLED:
        reason = "fault tests run with PORTAL_FAULTS=1 (make test-faults)"
    elif missing := services.missing_tools():
        reason = "fault tests need " + ", ".join(missing)
    else:
        return
    for item in mine:
        item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def workdir():
    path = Path(tempfile.mkdtemp(prefix="yuyao-faults-", dir="/tmp"))
    path.chmod(0o755)  # the postgres user reaches its cluster's directory inside
    yield path
    if os.environ.get("PORTAL_FAULTS_KEEP") != "1":
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def cluster(workdir):
    """The private cluster, and the seed of its template database (JSON of seed.py)."""
    postgres = services.Postgres(workdir).init().start()
    try:
        postgres.create_database(TEMPLATE)
        env = services.portal_env(workdir, postgres.url(TEMPLATE), None)
        services.manage(env, "migrate", "--noinput", "-v", "0", timeout=300)
        seeded = subprocess.run(
            [services.PYTHON, "-m", "tests.faults.seed"],
            cwd=services.ROOT,
            # The test settings' fast password hasher: the personas are made in seconds.
            env={**env, "DJANGO_SETTINGS_MODULE": "yuyao_portal.settings_test"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert seeded.returncode == 0, seeded.stderr[-3000:]
        seed = json.loads(seeded.stdout.strip().splitlines()[-1])
        yield postgres, seed
    finally:
        postgres.stop()


class Stack:
    """What one test runs: its database (a clone of the template), Redis servers and
    portal processes, all stopped at the end."""

    def __init__(self, workdir: Path, postgres: services.Postgres, seed: dict):
        self.workdir, self.postgres, self.seed = workdir, postgres, seed
        self.database = postgres.create_database(f"faults_{next(_numbers)}", TEMPLATE)
        self.processes: list[services.Process] = []
        self.redis_servers: list[services.Redis] = []

    @property
    def database_url(self) -> str:
        return self.postgres.url(self.database)

    def redis(self) -> services.Redis:
        server = services.Redis(self.workdir).start()
        self.redis_servers.append(server)
        return server

    def env(self, redis: services.Redis | None, **extra) -> dict:
        return services.portal_env(
            self.workdir, self.database_url, redis.url if redis else None, **extra
        )

    def web(self, env: dict, workers: int = 2) -> str:
        process, base = services.gunicorn(self.workdir, env, workers)
        self.processes.append(process)
        return base

    def worker(self, env: dict, name: str) -> services.Process:
        process = services.celery_worker(self.workdir, env, f"{name}-{self.database}")
        self.processes.append(process)
        return process

    def beat(self, env: dict) -> services.Process:
        process = services.celery_beat(self.workdir, env)
        self.processes.append(process)
        return process

    def query(self, sql: str, params=()) -> list[tuple]:
        return self.postgres.query(self.database, sql, params)

    def scalar(self, sql: str, params=()):
        return self.query(sql, params)[0][0]

    def close(self) -> None:
        for process in reversed(self.processes):
            process.stop()
        for server in self.redis_servers:
            if server.process is not None:
                server.process.stop()

    def logs(self) -> str:
        return "\n".join(process.tail() for process in self.processes)


@pytest.fixture
def stack(workdir, cluster, request):
    postgres, seed = cluster
    built = Stack(workdir, postgres, seed)
    yield built
    built.close()
    print(built.logs())  # shown by pytest when the test failed


@pytest.fixture
def category_id(stack) -> int:
    return stack.scalar("SELECT id FROM grid_category WHERE code = 'environment-rubbish'")

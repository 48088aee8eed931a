"""`make serve` (scripts/serve.sh): it refuses to start, naming what is missing, and
runs gunicorn with 2 × cores + 1 workers (WEB_CONCURRENCY), a Celery worker and beat."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from yuyao_portal.logfmt import JSONLineFormatter

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"]
GOOD = {
    "SECRET_KEY": "k3y-" + "x9Y2w" * 12,
    "ALLOWED_HOSTS": "portal.example.gov.cn",
    "DATABASE_URL": "postgres://portal:secret@db.example:5432/portal",
    "REDIS_URL": "redis://redis.example:6379/0",
}


def serve(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            *REQUIRED,
            "DJANGO_DEBUG",
            "DJANGO_SETTINGS_MODULE",
            "WEB_CONCURRENCY",
            "SECURE_SSL_REDIRECT",
            "LOG_FORMAT",
        }
    }
    clean.update(env)
    clean["PY"] = sys.executable
    return subprocess.run(
        ["bash", "scripts/serve.sh", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", REQUIRED)
def test_refuses_to_start_without_a_required_setting(missing):
    env = {k: v for k, v in GOOD.items() if k != missing}
    result = serve("--dry-run", **env)
    assert result.returncode == 2
    assert "refusing to start" in result.stderr
    assert f"- {missing}:" in result.stderr
    assert result.stderr.count("  - ") == 1
    assert "web:" not in result.stdout


def test_names_every_missing_setting_at_once():
    result = serve("--dry-run")
    assert result.returncode == 2
    assert "4 required setting(s) missing" in result.stderr
    for name in REQUIRED:
        assert f"- {name}:" in result.stderr


def test_refuses_a_database_that_is_not_postgresql():
    result = serve("--dry-run", **{**GOOD, "DATABASE_URL": "sqlite:///var/portal.sqlite3"})
    assert result.returncode == 2
    assert "DATABASE_URL must be a PostgreSQL URL" in result.stderr


def test_refuses_a_bad_worker_count():
    result = serve("--dry-run", **GOOD, WEB_CONCURRENCY="many")
    assert result.returncode == 2
    assert "WEB_CONCURRENCY must be a positive whole number" in result.stderr


def test_runs_web_worker_and_beat_with_two_workers_a_core_plus_one():
    result = serve("--dry-run", **GOOD)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(": ", 1) for line in result.stdout.strip().splitlines()[-3:])
    cores = int(subprocess.run(["nproc"], capture_output=True, text=True).stdout)
    assert f"--workers {2 * cores + 1} " in lines["web"]
    assert "yuyao_portal.wsgi:application" in lines["web"]
    assert "--config python:yuyao_portal.gunicorn_conf" in lines["web"]
    assert "celery -A yuyao_portal --quiet worker" in lines["worker"]
    assert "celery -A yuyao_portal --quiet beat" in lines["beat"]


def test_web_concurrency_sets_the_workers():
    result = serve("--dry-run", **GOOD, WEB_CONCURRENCY="3")
    assert result.returncode == 0, result.stderr
    assert "--workers 3 " in result.stdout


def test_makefile_serve_runs_the_script():
    makefile = (ROOT / "Makefile").read_text()
    assert "\nserve: install\n\tPY=$(PY) scripts/serve.sh\n" in makefile


def test_log_records_are_json_lines():
    record = logging.LogRecord("grid.sms", logging.WARNING, __file__, 1, "sent %s", ("x",), None)
    record.request_id = "abc"
    line = JSONLineFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "WARNING" and entry["logger"] == "grid.sms"
    assert entry["message"] == "sent x" and entry["request_id"] == "abc"
    assert entry["time"].endswith("+00:00")
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    entry = json.loads(JSONLineFormatter().format(record))
    assert "ValueError: boom" in entry["exception"]


def test_production_settings_log_json_to_stdout():
    unset = {"DJANGO_DEBUG", "LOG_FORMAT", "SECURE_SSL_REDIRECT"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(GOOD, DJANGO_DEBUG="0", DJANGO_SETTINGS_MODULE="yuyao_portal.settings")
    code = "import logging; logging.getLogger('yuyao_portal.probe').warning('hello %s', 'county')"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    entries = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    expected = {"logger": "yuyao_portal.probe", "message": "hello county"}
    assert expected.items() <= entries[-1].items()

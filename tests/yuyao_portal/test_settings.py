"""Settings from the environment, and a production configuration that deploys clean."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from yuyao_portal.env import env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3y-" + "x9Y2w" * 12


def _run(args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_DEBUG", "SECRET_KEY", "SECURE_SSL_REDIRECT", "ALLOWED_HOSTS"}
    }
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "yuyao_portal.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_env_helpers(monkeypatch):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert env_bool("X_BOOL") is True
    assert env_int("X_INT", 1) == 42
    assert env_list("X_LIST") == ["a", "b", "c"]
    assert env_str("X_MISSING", "d") == "d"
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_BOOL")
    monkeypatch.setenv("X_INT", "many")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_INT", 1)
    with pytest.raises(ImproperlyConfigured):
        env_str("X_MISSING", required=True)


def test_secret_key_is_required_outside_debug():
    result = _run(["check"], DJANGO_DEBUG="0", ALLOWED_HOSTS="portal.example.gov.cn")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_allowed_hosts_are_required_outside_debug():
    result = _run(["check"], DJANGO_DEBUG="0", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_settings_pass_check_deploy_with_no_warning():
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_DEBUG="0",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="portal.example.gov.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_demo_mode_is_off_in_production_settings():
    result = _run(
        ["shell", "-c", "from django.conf import settings; print(settings.PORTAL_DEMO)"],
        DJANGO_DEBUG="0",
        PORTAL_DEMO="1",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="portal.example.gov.cn",
    )
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


def test_sqlite_is_the_default_and_database_url_switches(settings):
    result = _run(
        ["shell", "-c", "from django.db import connection; print(connection.vendor)"],
        DJANGO_DEBUG="1",
        DATABASE_URL="",
    )
    assert result.stdout.strip().splitlines()[-1] == "sqlite"
    result = _run(
        [
            "shell",
            "-c",
            "from django.conf import settings; d = settings.DATABASES['default']; "
            "print(d['ENGINE'], d['NAME'], d['CONN_HEALTH_CHECKS'])",
        ],
        DJANGO_DEBUG="1",
        DATABASE_URL="postgres://u:p@db.example:5432/portal",
    )
    assert result.stdout.strip().splitlines()[-1] == (
        "django.db.backends.postgresql portal True"
    ), result.stderr

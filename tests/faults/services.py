"""The private services of the fault tests: a PostgreSQL cluster (initdb in a temporary
directory, as the ``postgres`` user when run as root: initdb refuses root), redis-server,
gunicorn, a Celery worker and beat, each on a free port of 127.0.0.1 and in its own
process group, so a test can stop, kill and restart them without touching the machine's
own PostgreSQL and Redis. Logs go to files of the work directory (shown on failure)."""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout: float, interval: float = 0.2, what: str = "condition"):
    """Poll ``predicate`` until it returns something true; its value, or AssertionError."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def postgres_bin() -> Path | None:
    base = Path("/usr/lib/postgresql")
    versions = sorted(
        (p for p in base.glob("*/bin/initdb")), key=lambda p: int(p.parts[-3]), reverse=True
    )
    if versions:
        return versions[0].parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def missing_tools() -> list[str]:
    missing = [] if postgres_bin() else ["PostgreSQL (initdb, pg_ctl)"]
    if not shutil.which("redis-server"):
        missing.append("redis-server")
    if not (BIN / "gunicorn").exists() or not (BIN / "celery").exists():
        missing.append("gunicorn and celery in the virtualenv")
    return missing


class Process:
    """A child process in its own session (process group), logging to a file."""

    def __init__(self, name: str, command: list[str], env: dict, log: Path):
        self.name, self.command, self.env, self.log_path = name, command, env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> Process:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal_group(self, signum: int) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signum)

    def kill(self) -> None:
        """SIGKILL to the whole group (the main process and its children), then reap."""
        self.signal_group(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=10)

    def stop(self, timeout: float = 10) -> None:
        if not self.running:
            self.signal_group(signal.SIGKILL)  # children a killed parent left behind
            return
        self.signal_group(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        self.signal_group(signal.SIGKILL)

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return f"--- {self.name} ({self.log_path}) ---\n" + "\n".join(text[-lines:])


class Postgres:
    """A private PostgreSQL cluster on a free port, its socket in its own directory."""

    def __init__(self, workdir: Path):
        self.dir = workdir / "pg"
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.port = free_port()
        self.bin = postgres_bin()
        self.dir.mkdir(parents=True)
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            account = pwd.getpwnam("postgres")
            os.chown(self.dir, account.pw_uid, account.pw_gid)

    def _run(self, tool: str, *args: str, timeout: float = 60) -> None:
        command = [str(self.bin / tool), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(
            command, check=True, capture_output=True, timeout=timeout, cwd=self.dir, text=True
        )

    def init(self) -> Postgres:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        return self

    def _options(self) -> str:
        # fsync off: a throwaway cluster; a fast shutdown still writes a clean checkpoint.
        return (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c max_connections=60"
        )

    def start(self) -> Postgres:
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", self._options(), "-l", str(self.log), "-w",
            "-t", "30", "start",
        )  # fmt: skip
        return self

    def restart(self) -> None:
        """``pg_ctl restart -m fast``: sessions terminated, in-flight transactions aborted."""
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", self._options(), "-l", str(self.log), "-w",
            "-t", "30", "-m", "fast", "restart",
        )  # fmt: skip

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres"):
        connection = psycopg2.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=database, connect_timeout=5
        )
        connection.autocommit = True
        return connection

    def query(self, database: str, sql: str, params=()) -> list[tuple]:
        connection = self.connect(database)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()

    def create_database(self, name: str, template: str | None = None) -> str:
        suffix = f' TEMPLATE "{template}"' if template else ""
        self.query("postgres", f'CREATE DATABASE "{name}"{suffix}')
        return name


class Redis:
    """redis-server on a fixed port, without persistence: a restart starts it empty (the
    worst case: every queued message is lost)."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.log = workdir / f"redis-{self.port}.log"
        self.process: Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> Redis:
        command = [
            shutil.which("redis-server"),
            "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--daemonize", "no", "--protected-mode", "no",
        ]  # fmt: skip
        self.process = Process("redis", command, dict(os.environ), self.log).start()
        wait_until(self.ping, 10, what="redis-server")
        return self

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process = None


def portal_env(workdir: Path, database_url: str, redis_url: str | None, **extra) -> dict:
    """The production settings (DJANGO_DEBUG off) on plain http, against the private
    services; the worktree first on the path."""
    var = workdir / "var"
    (var / "static").mkdir(parents=True, exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "yuyao_portal.settings",
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": "faults-only-" + "k" * 52,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": database_url,
        "PORTAL_VAR_DIR": str(var),
        "LOG_FORMAT": "line",
        "LOG_LEVEL": "WARNING",
        "RATE_LIMIT_SUBMISSIONS_PER_HOUR": "100000",
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update({k: str(v) for k, v in extra.items()})
    return env


def manage(env: dict, *args: str, timeout: float = 120) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def gunicorn(workdir: Path, env: dict, workers: int = 2) -> tuple[Process, str]:
    port = free_port()
    command = [
        str(BIN / "gunicorn"), "yuyao_portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--timeout", "30", "--graceful-timeout", "2",
    ]  # fmt: skip
    process = Process("gunicorn", command, env, workdir / f"gunicorn-{port}.log").start()
    base = f"http://127.0.0.1:{port}"

    def answers():
        if not process.running:
            raise AssertionError("gunicorn stopped at start\n" + process.tail())
        try:
            with urllib.request.urlopen(base + "/healthz/", timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    wait_until(answers, 30, what="gunicorn")
    return process, base


def celery_worker(workdir: Path, env: dict, name: str) -> Process:
    command = [
        str(BIN / "celery"), "-A", "yuyao_portal", "worker", "--loglevel", "WARNING",
        "--concurrency", "1", "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--hostname", f"{name}@faults",
    ]  # fmt: skip
    return Process(name, command, env, workdir / f"{name}.log").start()


def celery_beat(workdir: Path, env: dict) -> Process:
    command = [
        str(BIN / "celery"), "-A", "yuyao_portal", "beat", "--loglevel", "WARNING",
        "--pidfile", "", "--schedule", str(workdir / "beat-schedule"),
    ]  # fmt: skip
    return Process("beat", command, env, workdir / "beat.log").start()


def post_json(url: str, token: str, body: dict, timeout: float = 15) -> tuple[int, dict | None]:
    """POST as the token's user: (status, JSON body), status 0 for no answer at all."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    except (urllib.error.URLError, OSError):
        return 0, None
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, {"raw": raw[:500].decode(errors="replace")}

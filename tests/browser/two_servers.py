"""Two real Agora server processes with Redis between them, for the live browser tests.

The in-process ``live_server`` serves no websockets and keeps SQLite in
memory, so these tests start what production runs: two ``uvicorn
agora.asgi:application`` processes on free ports, sharing one database (a
SQLite file, or a PostgreSQL database of their own when the suite runs on
PostgreSQL) and one ``redis-server`` that the fixture starts on a free port
(so that restarting it disturbs no other test run). Their data is made by
``python -m tests.browser.two_servers setup``, in a process with the
servers' settings, which prints the addresses and sessions it made as JSON.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
STARTUP_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urlopen(url, timeout=2) as response:  # noqa: S310 (loopback, our own server)
            return response.status == 200
    except OSError:
        return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class Redis:
    """A redis-server of the test's own, which the test may stop and start again."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        executable = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [executable, "--port", str(self.port), "--save", "", "--appendonly", "no"],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while True:
            with suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 0.5) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)
            self.process = None


@dataclass
class Servers:
    one: str  # base URL of the first server process
    two: str
    redis: Redis
    data: dict


def _database(directory: Path) -> tuple[dict[str, str], str | None]:
    """The servers' database settings, and a PostgreSQL database to drop afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return {}, None
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_live_{uuid.uuid4().hex[:8]}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return {"DATABASE_URL": urlunsplit(parts._replace(path=f"/{name}"))}, name


def _drop(name: str) -> None:
    import psycopg

    parts = urlsplit(os.environ["DATABASE_URL"])
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def two_servers(directory: Path, *, heartbeat: float = 1.0) -> Iterator[Servers]:
    """Start Redis, migrate a database, make the test data, start two servers."""
    redis = Redis(directory)
    redis.start()
    database, dropped = _database(directory)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
        and not key.startswith("AGORA_")
    }
    env.update(
        database,
        DJANGO_SETTINGS_MODULE="agora.settings",
        DEBUG="0",
        AGORA_PRODUCTION="0",
        SECRET_KEY="live-browser-tests-" + uuid.uuid4().hex,
        ALLOWED_HOSTS="127.0.0.1",
        AGORA_VAR_DIR=str(directory / "var"),
        REDIS_URL=redis.url,
        # Events are delivered in the request that wrote them (no worker to start).
        AGORA_TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
        AGORA_LIVE_HEARTBEAT=str(heartbeat),
        PYTHONDONTWRITEBYTECODE="1",
    )
    processes: list[subprocess.Popen] = []
    try:
        subprocess.run(
            [sys.executable, "-m", "agora.cli", "migrate", "-v", "0"],
            env=env,
            cwd=ROOT,
            check=True,
        )
        made = subprocess.run(
            [sys.executable, "-m", "tests.browser.two_servers", "setup"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        data = json.loads(made.stdout.strip().splitlines()[-1])
        bases = []
        for number in (1, 2):
            port = free_port()
            log = (directory / f"server-{number}.log").open("wb")
            processes.append(
                subprocess.Popen(
                    [
                        str(BIN / "uvicorn"),
                        "agora.asgi:application",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        "--no-access-log",
                        "--lifespan",
                        "off",
                    ],
                    env=env,
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        for base, process in zip(bases, processes, strict=True):
            while not _answers(base + "/healthz"):
                if process.poll() is not None or time.monotonic() > deadline:
                    logs = "".join(
                        path.read_text(errors="replace")[-1500:]
                        for path in sorted(directory.glob("server-*.log"))
                    )
                    raise RuntimeError(f"A server did not start:\n{logs}")
                time.sleep(0.2)
        yield Servers(one=bases[0], two=bases[1], redis=redis, data=data)
    finally:
        for process in processes:
            _stop(process)
        redis.stop()
        if dropped:
            _drop(dropped)


def cookie(session_key: str, base: str) -> dict:
    return {
        "name": "sessionid",
        "value": session_key,
        "url": base,
        "httpOnly": True,
        "sameSite": "Lax",
    }


def _setup() -> dict:
    """Make an instructor, two learners in a cohort, a lesson with an open prompt."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.cache import cache
    from django.utils import timezone

    from agora.accounts.models import User
    from agora.courses import actions
    from agora.notifications.models import Notification
    from tests.factories import UserFactory, add_member

    teacher = UserFactory(name="Tess Teacher", org_role=User.OrgRole.STAFF)
    ana, ben = UserFactory(name="Ana Learner"), UserFactory(name="Ben Learner")
    course = actions.create_course(actor=teacher, title="Statistics for teams")
    cohort = actions.add_cohort(actor=teacher, course=course, name="Spring")
    for learner in (ana, ben):
        add_member(cohort.space, learner)
    lesson = actions.create_lesson(
        actor=teacher, course=course, title="Means", content="Averages hide.", publish=True
    )
    (prompt,) = actions.add_prompt(actor=teacher, lesson=lesson, title="Agree with the mean?")
    # The learners have read the news of the prompt: their badges start at nothing.
    Notification.objects.update(read_at=timezone.now())
    cache.clear()

    def session(user: User) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        return store.session_key

    return {
        "lesson": f"/spaces/{cohort.space.slug}/lessons/{lesson.pk}/",
        "thread": prompt.thread_id,
        "ana": session(ana),
        "ben": session(ben),
    }


if __name__ == "__main__" and sys.argv[1:] == ["setup"]:
    sys.stdout.write(json.dumps(_setup()) + "\n")

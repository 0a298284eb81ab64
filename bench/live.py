"""Live delivery: replies posted through one server process, received on
websockets held by another, with Redis (pub/sub) between them.

    python -m bench.live prepare <clients> <output.json>   (child process)

`measure_live` starts a redis-server of its own on a free port and two
single-process uvicorn servers on the bench's database; it opens all the
clients' websockets on the second server at once (all must succeed), posts
the replies one by one through the first (the JSON API, a bearer token) at a
steady pace, and times each reply from just before its POST until each
client has received it. A reply that some client never receives is lost.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from bench.load import percentile
from bench.servers import cpu_seconds

LIVE_SPACE = "live-bench"
SETTLE_S = 10.0  # how long the last replies may take before they count as lost
LIVE_WORKERS = 1  # processes of the websocket server (BENCH_LIVE_WORKERS)


@dataclass
class LiveResult:
    posts: int = 0
    clients: int = 0
    connected: int = 0
    connect_s: float = 0.0
    post_interval_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    lost: int = 0
    post_errors: int = 0
    lost_replies: dict[int, int] = field(default_factory=dict)
    post_ms: list[float] = field(default_factory=list)
    # CPU time of each server while the replies were posted and delivered.
    poster_cpu_s: float = 0.0
    sockets_cpu_s: float = 0.0
    sockets_workers: int = 1

    @property
    def p50_ms(self) -> float:
        return percentile(sorted(self.latencies_ms), 50)

    @property
    def p95_ms(self) -> float:
        return percentile(sorted(self.latencies_ms), 95)

    @property
    def p99_ms(self) -> float:
        return percentile(sorted(self.latencies_ms), 99)

    def summary(self) -> str:
        verdict = "met" if self.p95_ms <= 150 and self.lost == 0 else "NOT met"
        everyone = "all" if self.connected == self.clients else "NOT all"
        return (
            f"live delivery: {self.posts} replies to {self.clients} websockets, one every "
            f"{self.post_interval_s * 1000:.0f} ms: p50 {self.p50_ms:.1f} ms, "
            f"p95 {self.p95_ms:.1f} ms, p99 {self.p99_ms:.1f} ms, {self.lost} lost, "
            f"{self.post_errors} post errors (target p95 <= 150 ms, none lost: {verdict}); "
            f"the POST itself: p50 {percentile(sorted(self.post_ms), 50):.1f} ms; "
            f"{self.connected}/{self.clients} connected at once in {self.connect_s:.2f} s "
            f"({everyone} succeeded); CPU per reply: poster {self.poster_cpu_ms:.1f} ms, "
            f"websocket server ({self.sockets_workers} process"
            f"{'es' if self.sockets_workers > 1 else ''}) {self.sockets_cpu_ms:.1f} ms"
        )

    @property
    def poster_cpu_ms(self) -> float:
        return self.poster_cpu_s * 1000 / self.posts if self.posts else 0.0

    @property
    def sockets_cpu_ms(self) -> float:
        return self.sockets_cpu_s * 1000 / self.posts if self.posts else 0.0


# --- In the child process: the people, the thread, their sessions --------------------


def prepare(clients: int, output: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agora.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from agora.accounts.actions import create_access_token
    from agora.accounts.models import User
    from agora.core.events import deliver
    from agora.core.models import Event
    from agora.discussions.actions import start_thread
    from agora.spaces.actions import create_space
    from agora.spaces.models import Membership

    poster = User.objects.create_user(
        email="live-poster@bench.test", name="Live Poster", org_role=User.OrgRole.STAFF
    )
    space = create_space(creator=poster, name="Live bench", slug=LIVE_SPACE)
    readers = User.objects.bulk_create(
        User(email=f"live-{n}@bench.test", name=f"Live Reader {n}", handle=f"live-reader-{n}")
        for n in range(clients)
    )
    Membership.objects.bulk_create(
        Membership(space=space, user=user, role=Membership.Role.MEMBER) for user in readers
    )
    thread = start_thread(author=poster, space=space, title="Live", body="Replies arrive here.")
    _token, key = create_access_token(user=poster, name="live bench")
    sessions = []
    for user in readers:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)
    for event_id in Event.objects.filter(delivered_at__isnull=True).values_list("pk", flat=True):
        deliver(event_id)
    Path(output).write_text(json.dumps({"thread": thread.pk, "token": key, "sessions": sessions}))


# --- In the bench process -------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def redis_server(directory: Path):
    """A redis-server of the bench's own on a free port; yield its URL."""
    executable = shutil.which("redis-server")
    if executable is None:
        raise RuntimeError("redis-server is not installed")
    port = _free_port()
    process = subprocess.Popen(
        [executable, "--port", str(port), "--save", "", "--appendonly", "no"],
        cwd=directory,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5) as probe:
                probe.sendall(b"PING\r\n")
                if probe.recv(16).startswith(b"+PONG"):
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def measure_live(
    *, env: dict[str, str], directory: Path, root: Path, posts: int, clients: int, interval: float
) -> LiveResult:
    from bench.servers import running

    directory.mkdir(parents=True, exist_ok=True)
    with redis_server(directory) as redis_url:
        live_env = {**env, "REDIS_URL": redis_url}
        output = directory / "live.json"
        command = [sys.executable, "-m", "bench.live", "prepare", str(clients), str(output)]
        if subprocess.run(command, env=live_env, cwd=root, check=False).returncode:
            raise RuntimeError("Preparing the live bench failed (see above).")
        data = json.loads(output.read_text())
        groups: list[int] = []
        workers = int(os.environ.get("BENCH_LIVE_WORKERS", str(LIVE_WORKERS)))
        with (
            running(
                "uvicorn-asgi",
                env=live_env,
                log=directory / "poster.log",
                cwd=root,
                workers=1,
                started=groups,
            ) as poster,
            running(
                "uvicorn-asgi",
                env=live_env,
                log=directory / "sockets.log",
                cwd=root,
                workers=workers,
                started=groups,
            ) as sockets,
        ):
            result = asyncio.run(
                _run(poster, sockets, data, posts=posts, interval=interval, groups=groups)
            )
            result.sockets_workers = workers
            return result


async def _run(
    poster: str, sockets: str, data: dict, *, posts: int, interval: float, groups: list[int]
) -> LiveResult:
    import httpx
    from websockets.asyncio.client import connect

    result = LiveResult(posts=posts, clients=len(data["sessions"]), post_interval_s=interval)
    thread = data["thread"]
    ws_url = sockets.replace("http://", "ws://") + f"/ws/threads/{thread}/"
    received: list[dict[int, float]] = [{} for _ in data["sessions"]]

    async def client(number: int, session: str, ready: asyncio.Event):
        socket_ = await connect(
            ws_url,
            origin=sockets,
            additional_headers={"Cookie": f"sessionid={session}"},
            open_timeout=30,
            max_queue=None,
        )
        return socket_

    started = time.perf_counter()
    opened = await asyncio.gather(
        *(client(n, s, asyncio.Event()) for n, s in enumerate(data["sessions"])),
        return_exceptions=True,
    )
    result.connect_s = time.perf_counter() - started
    live = [(n, s) for n, s in enumerate(opened) if not isinstance(s, BaseException)]
    result.connected = len(live)

    async def read(number: int, socket_) -> None:
        mine = received[number]
        with suppress(Exception):
            async for text in socket_:
                now = time.perf_counter()
                message = json.loads(text)
                if message.get("type") == "thread.reply":
                    mine.setdefault(message["reply_id"], now)

    readers = [asyncio.ensure_future(read(n, s)) for n, s in live]
    await asyncio.sleep(1.0)  # let every consumer finish its connection work
    sent: dict[int, float] = {}
    cpu_before = [cpu_seconds(group) for group in groups]
    url = f"{poster}/api/v1/threads/{thread}/replies"
    headers = {"Authorization": f"Bearer {data['token']}"}
    async with httpx.AsyncClient(timeout=30) as http:
        next_at = time.perf_counter()
        for number in range(posts):
            next_at += interval
            before = time.perf_counter()
            response = await http.post(url, json={"body": f"Live reply {number}."}, headers=headers)
            result.post_ms.append((time.perf_counter() - before) * 1000)
            if response.status_code != 201:
                result.post_errors += 1
            else:
                sent[response.json()["id"]] = before
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
    deadline = time.perf_counter() + SETTLE_S
    while time.perf_counter() < deadline:
        if all(len(received[n]) >= len(sent) for n, _s in live):
            break
        await asyncio.sleep(0.1)
    result.poster_cpu_s, result.sockets_cpu_s = (
        cpu_seconds(group) - before for group, before in zip(groups, cpu_before, strict=True)
    )
    for number, _socket in live:
        for reply_id, before in sent.items():
            at = received[number].get(reply_id)
            if at is None:
                result.lost += 1
                result.lost_replies[reply_id] = result.lost_replies.get(reply_id, 0) + 1
            else:
                result.latencies_ms.append((at - before) * 1000)
    for task in readers:
        task.cancel()
    for _number, socket_ in live:
        with suppress(Exception):
            await socket_.close()
    return result


if __name__ == "__main__" and sys.argv[1:2] == ["prepare"]:
    prepare(int(sys.argv[2]), sys.argv[3])

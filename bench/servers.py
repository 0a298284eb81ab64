"""The two ways Agora serves pages, each started as a child process on loopback.

- ``granian-wsgi``: production's page server, ``granian --interface wsgi
  agora.wsgi:application``;
- ``uvicorn-asgi``: what ``make run`` (``agora serve``) starts, ``uvicorn
  agora.asgi:application``; Django's sync views then run in a thread
  beside the event loop.

Both get 2 worker processes, one per core of the bench machines; a granian
worker runs WSGI calls on 1 blocking thread, so neither server runs more
Python threads than it has cores. Each server runs in its own process group,
which `running` ends when it is done.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from bench.load import fetch_status

WORKERS = 2
STARTUP_TIMEOUT_S = 60.0
BIN = Path(sys.executable).parent


def command(server: str, port: int, workers: int = WORKERS) -> list[str]:
    """Return the command line that serves Agora with `server` on `port`."""
    address = ["--host", "127.0.0.1", "--port", str(port)]
    if server == "granian-wsgi":
        return [
            str(BIN / "granian"),
            "--interface",
            "wsgi",
            *address,
            "--workers",
            str(workers),
            "--blocking-threads",
            "1",
            "--no-access-log",
            "--log-level",
            "warning",
            "agora.wsgi:application",
        ]
    if server == "uvicorn-asgi":
        return [
            str(BIN / "uvicorn"),
            "agora.asgi:application",
            *address,
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
            "--lifespan",
            "off",
            # Compressing each message costs the live process more than it saves on a LAN.
            "--ws-per-message-deflate",
            os.environ.get("BENCH_WS_DEFLATE", "false"),
        ]
    raise ValueError(f"Unknown server {server!r}.")


SERVERS = ("granian-wsgi", "uvicorn-asgi")


def free_port() -> int:
    """Return a TCP port on loopback that nothing listens on (right now)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running(
    server: str,
    *,
    env: dict[str, str],
    log: Path,
    cwd: Path,
    workers: int = WORKERS,
    started: list[int] | None = None,
) -> Iterator[str]:
    """Start `server` with `env`, wait until ``/healthz`` answers 200, yield
    its base URL; stop the server's whole process group afterwards. The
    group's id is appended to `started`, if given (see `cpu_seconds`).

    Raises RuntimeError with the end of its log if it exits or never answers.
    """
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as output:
        process = subprocess.Popen(
            command(server, port, workers),
            env=env,
            cwd=cwd,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT_S
            while fetch_status(base + "/healthz") != 200:
                if process.poll() is not None or time.monotonic() > deadline:
                    tail = log.read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"{server} did not start on {base}:\n{tail}")
                time.sleep(0.2)
            if started is not None:
                started.append(process.pid)
            yield base
        finally:
            _stop(process)


def cpu_seconds(group: int) -> float:
    """The CPU time (user and system) used so far by the processes of `group`
    that are alive (Linux; 0 elsewhere)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError):
            fields = stat.read_text().rpartition(")")[2].split()
            # After the name: state, ppid, pgrp, … utime and stime are fields 14 and 15.
            if int(fields[2]) == group:
                total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _stop(process: subprocess.Popen) -> None:
    """Stop the process group that `process` leads (its workers included)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    # Workers that outlived their supervisor share its group id.
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)

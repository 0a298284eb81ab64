"""How big an organization to build and how hard to load it (``BENCH_SCALE``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Scale:
    name: str
    people: int
    spaces: int
    events: int
    # Load: connections kept open at once, seconds of warm-up and of
    # measurement per page, and a cap on measured requests per page.
    concurrency: int = 8
    warmup_s: float = 2.0
    duration_s: float = 8.0
    max_requests: int = 20_000
    # Live delivery (bench/live.py): replies posted, websockets listening, pace.
    live_posts: int = 500
    live_clients: int = 200
    live_interval_s: float = 0.25


SCALES = {
    "full": Scale("full", people=10_000, spaces=1_000, events=100_000),
    "small": Scale(
        "small",
        people=300,
        spaces=40,
        events=3_000,
        warmup_s=0.3,
        duration_s=1.0,
        live_posts=30,
        live_clients=20,
        live_interval_s=0.1,
    ),
}


def scale_from_env(environ: dict[str, str] | None = None) -> Scale:
    """Return the scale named by ``BENCH_SCALE`` (default full).

    ``BENCH_CONCURRENCY``, ``BENCH_DURATION`` and ``BENCH_WARMUP`` override
    the load settings of that scale, ``BENCH_LIVE_INTERVAL`` the seconds
    between two live replies.
    """
    environ = os.environ if environ is None else environ
    name = environ.get("BENCH_SCALE", "full") or "full"
    if name not in SCALES:
        raise SystemExit(f"BENCH_SCALE must be one of {', '.join(SCALES)}, not {name!r}.")
    scale = SCALES[name]
    overrides: dict[str, float | int] = {}
    if environ.get("BENCH_CONCURRENCY"):
        overrides["concurrency"] = int(environ["BENCH_CONCURRENCY"])
    if environ.get("BENCH_DURATION"):
        overrides["duration_s"] = float(environ["BENCH_DURATION"])
    if environ.get("BENCH_WARMUP"):
        overrides["warmup_s"] = float(environ["BENCH_WARMUP"])
    if environ.get("BENCH_LIVE_INTERVAL"):
        overrides["live_interval_s"] = float(environ["BENCH_LIVE_INTERVAL"])
    return replace(scale, **overrides)

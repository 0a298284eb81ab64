"""Run the bench: ``python -m bench`` from the repository root (``make bench``).

Environment:
  BENCH_SCALE         full (default) or small
  BENCH_DATABASES     comma-separated: sqlite,postgresql (default: both when
                      PostgreSQL answers, else SQLite alone)
  BENCH_POSTGRES_URL  default postgres://postgres@127.0.0.1:5432/agora_bench
                      (the bench creates and drops this database)
  BENCH_SERVERS       comma-separated: granian-wsgi,uvicorn-asgi (default both)
  BENCH_KEEP=1        keep the PostgreSQL database afterwards
  BENCH_CONCURRENCY, BENCH_WARMUP, BENCH_DURATION   override the load settings
  BENCH_LIVE=0        skip live delivery (bench/live.py; it needs redis-server)

``python -m bench live`` measures live delivery alone, on a freshly migrated
database without the generated organization (a quicker loop while working on
it; the full bench measures it after the pages, on the generated data).
"""

from __future__ import annotations

import json
import math
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.live import LiveResult, measure_live
from bench.load import LoadResult, run_load
from bench.report import Measurement, format_table, write_report
from bench.scale import Scale, scale_from_env
from bench.servers import SERVERS, WORKERS, running

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
REPORT = BENCH_DIR / "latest.json"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/agora_bench"
DATABASES = ("sqlite", "postgresql")
# The thread page and its floors are loaded in this many interleaved slices.
SLICES = 4


def main() -> int:
    scale = scale_from_env()
    postgres_url = os.environ.get("BENCH_POSTGRES_URL") or DEFAULT_POSTGRES_URL
    databases = _choose(os.environ.get("BENCH_DATABASES"), DATABASES, "BENCH_DATABASES")
    if not os.environ.get("BENCH_DATABASES") and not _postgres_answers(postgres_url):
        print(f"PostgreSQL does not answer at {_admin_url(postgres_url)}: SQLite only.")
        databases = ["sqlite"]
    servers = _choose(os.environ.get("BENCH_SERVERS"), SERVERS, "BENCH_SERVERS")
    started = time.perf_counter()
    print(
        f"Agora bench, {scale.name} scale: {scale.people:,} people, {scale.spaces:,} spaces, "
        f"{scale.events:,} events.\n"
        f"Load: {scale.concurrency} keep-alive connections, {scale.warmup_s:g} s warm-up, "
        f"then {scale.duration_s:g} s or {scale.max_requests:,} requests per page; "
        f"each server runs {WORKERS} worker processes.",
        flush=True,
    )
    measurements: list[Measurement] = []
    failures: list[str] = []
    lives: list[str] = []
    for database in databases:
        env = _server_env(database, postgres_url)
        try:
            targets = _prepare(database, scale, env, postgres_url)
            for server in servers:
                log = BENCH_DIR / database / f"{server}.log"
                with running(server, env=env, log=log, cwd=ROOT) as base:
                    for measurement, failure in _measure_all(
                        database, server, base, targets, scale
                    ):
                        measurements.append(measurement)
                        if failure:
                            failures.append(failure)
            if os.environ.get("BENCH_LIVE", "1") != "0":
                live = _measure_live(database, scale, env)
                if live is not None:
                    measurements.append(_live_measurement(database, live))
                    lives.append(f"{database}: {live.summary()}")
        finally:
            if database == "postgresql" and os.environ.get("BENCH_KEEP") != "1":
                _drop_postgres(postgres_url)
    print()
    print(format_table(measurements))
    for line in lives:
        print(line)
    print(f"\nTotal bench time {time.perf_counter() - started:.0f} s.")
    if failures:
        print("\nNot a valid measurement; these pages answered with errors:")
        print("\n".join(f"  {failure}" for failure in failures))
        REPORT.unlink(missing_ok=True)
        return 1
    write_report(measurements, REPORT)
    print(f"Wrote {REPORT.relative_to(ROOT)}.")
    return 0


def main_live() -> int:
    """Live delivery alone, on each database migrated empty (no generated data)."""
    scale = scale_from_env()
    postgres_url = os.environ.get("BENCH_POSTGRES_URL") or DEFAULT_POSTGRES_URL
    databases = _choose(os.environ.get("BENCH_DATABASES"), DATABASES, "BENCH_DATABASES")
    if not os.environ.get("BENCH_DATABASES") and not _postgres_answers(postgres_url):
        databases = ["sqlite"]
    lives = []
    for database in databases:
        env = _server_env(database, postgres_url)
        try:
            _prepare_empty(database, env, postgres_url)
            live = _measure_live(database, scale, env)
            if live is not None:
                lives.append(f"{database}: {live.summary()}")
        finally:
            if database == "postgresql" and os.environ.get("BENCH_KEEP") != "1":
                _drop_postgres(postgres_url)
    print()
    for line in lives:
        print(line)
    return 0


def _prepare_empty(database: str, env: dict[str, str], postgres_url: str) -> None:
    var_dir = BENCH_DIR / database
    var_dir.mkdir(parents=True, exist_ok=True)
    (var_dir / "static").mkdir(exist_ok=True)
    if database == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            (var_dir / f"agora.sqlite3{suffix}").unlink(missing_ok=True)
    else:
        _reset_postgres(postgres_url)
    command = [sys.executable, "-m", "agora.cli", "migrate", "-v", "0"]
    if subprocess.run(command, env=env, cwd=ROOT, check=False).returncode:
        raise SystemExit(f"Migrating {database} failed (see above).")


def _measure_live(database: str, scale: Scale, env: dict[str, str]) -> LiveResult | None:
    """Live delivery between two server processes (None when redis-server is missing)."""
    if shutil.which("redis-server") is None:
        print("  live delivery: skipped, redis-server is not installed", flush=True)
        return None
    print(
        f"  live delivery: {scale.live_posts} replies, {scale.live_clients} websockets…",
        flush=True,
    )
    result = measure_live(
        env=env,
        directory=BENCH_DIR / database / "live",
        root=ROOT,
        posts=scale.live_posts,
        clients=scale.live_clients,
        interval=scale.live_interval_s,
    )
    print(f"  {result.summary()}", flush=True)
    return result


def _live_measurement(database: str, live: LiveResult) -> Measurement:
    return Measurement(
        name="live_delivery",
        database=database,
        server="uvicorn-asgi",
        requests_per_s=1 / live.post_interval_s if live.post_interval_s else 0.0,
        p50_ms=live.p50_ms,
        p95_ms=live.p95_ms,
        p99_ms=live.p99_ms,
        queries=-1,
    )


def _choose(value: str | None, known: tuple[str, ...], variable: str) -> list[str]:
    if not value:
        return list(known)
    chosen = [item.strip() for item in value.split(",") if item.strip()]
    unknown = [item for item in chosen if item not in known]
    if unknown or not chosen:
        raise SystemExit(f"{variable} takes a comma-separated list of {', '.join(known)}.")
    return chosen


def _server_env(database: str, postgres_url: str) -> dict[str, str]:
    """Production-like settings, except plain HTTP (no SSL redirect) on loopback."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL") and not key.startswith("AGORA_")
    }
    env.update(
        # Agora's settings with the bench's URLconf: its floor views (bench/views.py).
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        AGORA_PRODUCTION="0",
        ALLOWED_HOSTS="127.0.0.1",
        AGORA_VAR_DIR=str(BENCH_DIR / database),
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    if database == "postgresql":
        env["DATABASE_URL"] = postgres_url
    return env


def _prepare(database: str, scale: Scale, env: dict[str, str], postgres_url: str) -> list[dict]:
    """Start from an empty database, fill it and return the targets to load."""
    var_dir = BENCH_DIR / database
    var_dir.mkdir(parents=True, exist_ok=True)
    # No collectstatic: the bench loads no static file, but WhiteNoise wants the folder.
    (var_dir / "static").mkdir(exist_ok=True)
    if database == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            (var_dir / f"agora.sqlite3{suffix}").unlink(missing_ok=True)
    else:
        _reset_postgres(postgres_url)
    print(f"\n{database}: migrating and generating…", flush=True)
    started = time.perf_counter()
    output = var_dir / "targets.json"
    command = [sys.executable, "-m", "bench.prepare", scale.name, str(output)]
    if subprocess.run(command, env=env, cwd=ROOT, check=False).returncode:
        raise SystemExit(f"Preparing {database} failed (see above).")
    print(f"  ready to load in {time.perf_counter() - started:.1f} s", flush=True)
    return json.loads(output.read_text())["targets"]


def _measure_all(
    database: str, server: str, base: str, targets: list[dict], scale: Scale
) -> list[tuple[Measurement, str]]:
    """Load each target in turn; a group (the thread page and its floors) is
    loaded in interleaved slices, so that their ratios hold on a busy machine."""
    results: list[tuple[Measurement, str]] = []
    done: set[str] = set()
    for target in targets:
        group = target.get("group", "")
        if not group:
            result = _load(base, target, scale)
            results.append(_report(database, server, target, result))
        elif group not in done:
            done.add(group)
            members = [t for t in targets if t.get("group") == group]
            for member, result in _load_interleaved(base, members, scale):
                results.append(_report(database, server, member, result))
    return results


def _load(
    base: str, target: dict, scale: Scale, *, fraction: float = 1.0, warm: bool = True
) -> LoadResult:
    return run_load(
        base + target["path"],
        headers=target["headers"],
        concurrency=scale.concurrency,
        warmup_s=scale.warmup_s,
        duration_s=scale.duration_s * fraction,
        max_requests=max(1, math.ceil(scale.max_requests * fraction)),
        method=target.get("method", "GET"),
        body=target.get("body", "").encode(),
        warm=warm,
    )


def _load_interleaved(
    base: str, targets: list[dict], scale: Scale
) -> list[tuple[dict, LoadResult]]:
    """Warm each target up, then load them in turn, a slice at a time
    (`SLICES` rounds), each getting the same total time as a lone page."""
    results = {t["name"]: LoadResult() for t in targets}
    for round_ in range(SLICES):
        for target in targets:
            result = _load(base, target, scale, fraction=1 / SLICES, warm=round_ == 0)
            results[target["name"]].merge(result)
    return [(t, results[t["name"]]) for t in targets]


def _report(
    database: str, server: str, target: dict, result: LoadResult
) -> tuple[Measurement, str]:
    measurement = Measurement(
        name=target["name"],
        database=database,
        server=server,
        requests_per_s=result.requests_per_s,
        p50_ms=result.percentile(50),
        p95_ms=result.percentile(95),
        p99_ms=result.percentile(99),
        queries=target["queries"],
    )
    print(
        f"  {server:<13} {target['name']:<11} {result.requests_per_s:8.1f} req/s  "
        f"p50 {measurement.p50_ms:7.2f} ms  ({result.requests:,} requests, "
        f"{result.errors} errors)",
        flush=True,
    )
    failure = ""
    if result.errors:
        failure = (
            f"{database} {server} {target['name']}: {result.errors} errors, e.g. "
            + "; ".join(result.error_samples)
        )
    return measurement, failure


def _admin_url(url: str) -> str:
    """The same server's maintenance database (to create and drop the bench one)."""
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def _database_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name or name in ("postgres", "template0", "template1"):
        raise SystemExit(f"BENCH_POSTGRES_URL must name a database of its own, not {name!r}.")
    return name


def _postgres_answers(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(_admin_url(url), connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def _reset_postgres(url: str) -> None:
    from psycopg import sql

    _drop_postgres(url)
    _admin(url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(_database_name(url))))


def _drop_postgres(url: str) -> None:
    from psycopg import sql

    name = sql.Identifier(_database_name(url))
    _admin(url, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def _admin(url: str, statement) -> None:
    import psycopg

    with psycopg.connect(_admin_url(url), autocommit=True) as connection:
        connection.execute(statement)


if __name__ == "__main__":
    sys.exit(main_live() if sys.argv[1:] == ["live"] else main())

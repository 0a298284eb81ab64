"""The bench report: ``var/bench/latest.json`` and a short aligned table."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

FIELDS = ("name", "database", "server", "requests_per_s", "p50_ms", "p95_ms", "p99_ms", "queries")
FLOOR = "floor"
# The thread page's targets: its p95 at most this many times each floor's p95,
# measured in the same run on the same database and server.
THREAD_TARGETS = {"thread_sql": 4.0, "bare": 20.0}


@dataclass(frozen=True)
class Measurement:
    """One page measured on one database behind one server."""

    name: str
    database: str
    server: str
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    queries: int

    def as_json(self) -> dict[str, str | float | int]:
        row = asdict(self)
        row["requests_per_s"] = round(self.requests_per_s, 1)
        for key in ("p50_ms", "p95_ms", "p99_ms"):
            row[key] = round(row[key], 2)
        return {key: row[key] for key in FIELDS}


def write_report(measurements: list[Measurement], path: Path) -> None:
    """Write `measurements` to `path` as a JSON list, replacing it atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps([m.as_json() for m in measurements], indent=2) + "\n")
    temporary.replace(path)


def format_table(measurements: list[Measurement]) -> str:
    """Return an aligned table; "of floor" is req/s as a share of the floor's
    on the same database and server."""
    floors = {(m.database, m.server): m.requests_per_s for m in measurements if m.name == FLOOR}
    header = ("name", "database", "server", "req/s", "p50 ms", "p95 ms", "p99 ms", "queries")
    rows = [(*header, "of floor")]
    for m in measurements:
        floor = floors.get((m.database, m.server))
        share = f"{m.requests_per_s / floor:.2f}" if floor else "-"
        rows.append(
            (
                m.name,
                m.database,
                m.server,
                f"{m.requests_per_s:.1f}",
                f"{m.p50_ms:.2f}",
                f"{m.p95_ms:.2f}",
                f"{m.p99_ms:.2f}",
                str(m.queries),
                share,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    # Text columns align left, figures right.
    lines = []
    for row in rows:
        cells = [
            cell.ljust(width) if i < 3 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    checks = thread_checks(measurements)
    if checks:
        lines += ["", "thread page p95 against its floors' p95 (target):"]
        lines += [f"  {line}" for line in checks]
    return "\n".join(lines)


def thread_checks(measurements: list[Measurement]) -> list[str]:
    """Return one line per floor of the thread page and database/server:
    the ratio of p95 latencies, the target and whether it is met."""
    by_key = {(m.database, m.server, m.name): m for m in measurements}
    lines = []
    for m in measurements:
        if m.name != "thread":
            continue
        for floor, target in THREAD_TARGETS.items():
            other = by_key.get((m.database, m.server, floor))
            if other is None or other.p95_ms <= 0:
                continue
            ratio = m.p95_ms / other.p95_ms
            verdict = "met" if ratio <= target else "NOT met"
            lines.append(
                f"{m.database:<10} {m.server:<13} {m.p95_ms:.2f} ms = {ratio:5.1f} x {floor} "
                f"({other.p95_ms:.2f} ms; target <= {target:g} x): {verdict}"
            )
    return lines

"""The bench report: ``var/bench/latest.json`` and a short aligned table."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

FIELDS = ("name", "database", "server", "requests_per_s", "p50_ms", "p95_ms", "p99_ms", "queries")
FLOOR = "floor"


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
    return "\n".join(lines)

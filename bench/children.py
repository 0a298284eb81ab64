"""Run a bench's measuring child once per database (the search and expert benches).

Each child is ``python -m <module> --child COUNT OUTPUT [--reuse]`` in an
environment of its own: ``AGORA_VAR_DIR=var/bench/<name>-<database>`` and, for
PostgreSQL, ``DATABASE_URL`` (a database the bench creates, and drops unless
``BENCH_KEEP=1``). With reuse asked for, a database an earlier run filled with
the same number of rows (a stamp, ``filled.json``, says so) is measured again
without filling: ``--reuse``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"


def databases(postgres_url: str) -> list[str]:
    """``BENCH_DATABASES``, or both when PostgreSQL answers (else SQLite alone)."""
    from bench.__main__ import _postgres_answers

    chosen = os.environ.get("BENCH_DATABASES", "")
    found = [d.strip() for d in chosen.split(",") if d.strip()] or ["sqlite", "postgresql"]
    if not chosen and not _postgres_answers(postgres_url):
        return ["sqlite"]
    return found


def scaled_count(sizes: dict[str, int], variable: str) -> int:
    """How many rows a bench writes: ``variable`` when set, else the size of
    ``BENCH_SCALE`` (``full`` unless said)."""
    scale = os.environ.get("BENCH_SCALE", "full") or "full"
    if scale not in sizes:
        raise SystemExit(f"BENCH_SCALE must be one of {', '.join(sizes)}, not {scale!r}.")
    return int(os.environ.get(variable) or sizes[scale])


def each_database(
    *, name: str, module: str, count: int, reuse: bool, postgres_url: str
) -> list[dict]:
    """The children's rows, each with its ``database``; SystemExit if one fails."""
    from bench.__main__ import _drop_postgres, _reset_postgres

    keep = os.environ.get("BENCH_KEEP") == "1"
    rows: list[dict] = []
    for database in databases(postgres_url):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AGORA_", "DATABASE_"))}
        var_dir = BENCH_DIR / f"{name}-{database}"
        var_dir.mkdir(parents=True, exist_ok=True)
        env.update(DJANGO_SETTINGS_MODULE="agora.settings", AGORA_VAR_DIR=str(var_dir))
        if database == "postgresql":
            env["DATABASE_URL"] = postgres_url
        filled = var_dir / "filled.json"
        stamp = {"count": count, "url": env.get("DATABASE_URL", "")}
        reused = reuse and filled.exists() and json.loads(filled.read_text()) == stamp
        if reused:
            print(f"\n{database}: reusing the {count:,} rows of an earlier run.")
        else:
            filled.unlink(missing_ok=True)
            if database == "postgresql":
                _reset_postgres(postgres_url)
            else:
                for suffix in ("", "-wal", "-shm"):
                    (var_dir / f"agora.sqlite3{suffix}").unlink(missing_ok=True)
        output = var_dir / "result.json"
        command = [sys.executable, "-m", module, "--child", str(count), str(output)]
        if reused:
            command.append("--reuse")
        try:
            if subprocess.run(command, env=env, cwd=ROOT, check=False).returncode:
                raise SystemExit(f"The {name} bench failed on {database} (see above).")
            if database == "sqlite" or keep:
                filled.write_text(json.dumps(stamp))
        finally:
            if database == "postgresql" and not keep:
                _drop_postgres(postgres_url)
                filled.unlink(missing_ok=True)
        rows += [{"database": database, **row} for row in json.loads(output.read_text())]
    return rows

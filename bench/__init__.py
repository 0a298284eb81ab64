"""`make bench`: build an organization, serve it two ways, measure it.

    python -m bench                   # full: 10k people, 1k spaces, 100k events
    BENCH_SCALE=small python -m bench  # the same report from a small org

For each database (SQLite under ``var/bench/sqlite``, and PostgreSQL when it
answers) a child process migrates a fresh database, fills it with
`bench.generate`, signs in a member and counts each page's SQL queries
(`bench.prepare`). Then each server (`bench.servers`: granian WSGI as in
production, uvicorn ASGI as `make run` serves) is started on a free loopback
port, and `bench.load` measures requests/s and latency percentiles of each
page beside the framework floor. `bench.report` writes
``var/bench/latest.json`` and prints the table.

This package is run from the repository root and is not installed.
"""

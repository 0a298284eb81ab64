"""The full-text backend of the default database: FTS5 on SQLite, tsvector on PostgreSQL."""

from __future__ import annotations

from django.db import connection

from agora.search.backends.base import SearchBackend


def backend() -> SearchBackend:
    """Return the backend for the default database's vendor."""
    if connection.vendor == "postgresql":
        from agora.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    from agora.search.backends.sqlite_fts5 import SQLiteFTS5Backend

    return SQLiteFTS5Backend()

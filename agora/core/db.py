"""Database helpers for the few hot read paths written in plain SQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.backends.utils import CursorWrapper

NEVER_UNASKED = 2**31 - 1


class PreparedCursor(ServerBindingCursor):
    """psycopg's server-binding cursor, preparing every statement it runs."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


@contextmanager
def prepared_cursor() -> Iterator[CursorWrapper]:
    """A cursor whose statements PostgreSQL parses and plans once per connection.

    For plain-SQL reads that run on every request of a hot page and whose
    best plan does not depend on their parameters' values (PostgreSQL may
    keep one generic plan for all): at 100k people, planning the expert
    search's strongest-holders statement took longer than running it.
    Django turns psycopg's prepared statements off, for connection poolers
    in transaction mode (PgBouncer before 1.21); so does
    ``AGORA_DB_PREPARED_STATEMENTS=0``. Elsewhere (SQLite) a plain cursor.
    The statements still go through Django's cursor: logged, counted, wrapped.
    """
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql" or not settings.AGORA_DB_PREPARED_STATEMENTS:
            yield cursor
            return
        if connection.connection.prepare_threshold is None:
            # None (Django's choice) refuses even an explicit prepare=True;
            # a threshold prepares nothing else: Django's cursors bind on the
            # client side, and only server-binding cursors prepare.
            connection.connection.prepare_threshold = NEVER_UNASKED
        client = cursor.cursor
        cursor.cursor = PreparedCursor(connection.connection)
        try:
            yield cursor
        finally:
            cursor.cursor.close()
            cursor.cursor = client

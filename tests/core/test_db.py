"""prepared_cursor: PostgreSQL prepares its statements once per connection;
they are still Django's queries (counted, wrapped); elsewhere a plain cursor."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agora.core.db import prepared_cursor

pytestmark = pytest.mark.django_db

SQL = "SELECT id FROM accounts_user WHERE id > %s ORDER BY id LIMIT %s"


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_statements_are_counted_and_answer_as_a_plain_cursor(django_user_model):
    person = django_user_model.objects.create_user(email="p@example.org", name="P")
    with CaptureQueriesContext(connection) as queries, prepared_cursor() as cursor:
        cursor.execute(SQL, [0, 5])
        rows = cursor.fetchall()
    assert rows == [(person.pk,)]
    assert len(queries) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares")
def test_postgresql_prepares_them_once_per_connection():
    for _ in range(3):
        with prepared_cursor() as cursor:
            cursor.execute(SQL, [0, 5])
            cursor.fetchall()
    assert [s for s in prepared_statements() if "accounts_user WHERE id >" in s] == [
        "SELECT id FROM accounts_user WHERE id > $1 ORDER BY id LIMIT $2"
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares")
def test_a_setting_turns_them_off(settings):
    settings.AGORA_DB_PREPARED_STATEMENTS = False
    with prepared_cursor() as cursor:
        cursor.execute(SQL.replace("LIMIT", "LIMIT 1 + "), [0, 5])
        cursor.fetchall()
    assert not [s for s in prepared_statements() if "LIMIT 1 +" in s]

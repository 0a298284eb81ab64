"""Aggregates that fold related rows into one column of the row that owns them."""

from __future__ import annotations

from typing import Any

from django.db.models import Aggregate, F, JSONField


class JSONObjects(Aggregate):
    """A JSON array with one object per aggregated row, ``{key: field, …}``
    (SQLite's JSON_GROUP_ARRAY, PostgreSQL's JSONB_AGG, which Django decodes).

    Used in a subquery, it brings a row's few related rows (a thread's skill
    tags, a lesson's files, a question's choices) in the owner's own query:
    a page stays within its query budget without a prefetch. The array's
    order is not defined: sort what it gives.
    """

    output_field = JSONField()

    def __init__(self, **fields: str) -> None:
        self.keys = list(fields)
        super().__init__(*(F(path) for path in fields.values()))

    def as_sql(self, compiler, connection, **extra_context: Any):
        parts, params = [], []
        # The fields, then whatever Aggregate appends (filter, order_by).
        for key, expression in zip(self.keys, self.get_source_expressions(), strict=False):
            sql, more = compiler.compile(expression)
            parts.append(f"'{key}', {sql}")
            params.extend(more)
        if connection.vendor == "postgresql":
            array, item = "JSONB_AGG", "JSONB_BUILD_OBJECT"
        else:
            array, item = "JSON_GROUP_ARRAY", "JSON_OBJECT"
        return f"{array}({item}({', '.join(parts)}))", params

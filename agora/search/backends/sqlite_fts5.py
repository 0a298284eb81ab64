"""SQLite FTS5 (the embedded default): the ``search_fts`` table over the documents."""

from __future__ import annotations

from agora.search.backends.base import MARK_END, MARK_START, SearchBackend, Snippet, Words

# bm25 column weights: (title, body).
TITLE_WEIGHT, BODY_WEIGHT = 4.0, 1.0
SNIPPET_TOKENS = 24


def match_expression(query: Words) -> str:
    """An FTS5 query: every word quoted (so none is an operator), all required."""
    terms = [f'"{word}"' for word in query.words]
    if query.prefix:
        terms[-1] += "*"
    return " ".join(terms)


class SQLiteFTS5Backend(SearchBackend):
    name = "sqlite-fts5"

    def candidates(self, cursor, query, where, params, limit):
        # FTS5 walks its matches newest first (ORDER BY rowid DESC is native
        # to it) and the join stops at `limit` visible ones.
        cursor.execute(
            "SELECT d.id, bm25(search_fts, %s, %s) FROM search_fts"  # noqa: S608
            " JOIN search_searchdocument d ON d.id = search_fts.rowid"
            f" WHERE search_fts MATCH %s AND {where}"
            " ORDER BY search_fts.rowid DESC LIMIT %s",
            [TITLE_WEIGHT, BODY_WEIGHT, match_expression(query), *params, limit],
        )
        rows = cursor.fetchall()
        # bm25 is lower for better matches; newer first among equals.
        return sorted(rows, key=lambda row: (row[1], -row[0]))

    def snippets(self, cursor, query, ids):
        if not ids:
            return {}
        # One FTS5 lookup per id (a join on rowid): `rowid IN (…)` would walk
        # the whole list of matches of a common word.
        values = ", ".join(["(%s)"] * len(ids))
        cursor.execute(
            f"WITH page(id) AS (VALUES {values})"  # noqa: S608
            " SELECT search_fts.rowid, highlight(search_fts, 0, %s, %s),"
            " snippet(search_fts, 1, %s, %s, '…', %s)"
            " FROM page JOIN search_fts ON search_fts.rowid = page.id"
            " WHERE search_fts MATCH %s",
            [
                *ids,
                MARK_START,
                MARK_END,
                MARK_START,
                MARK_END,
                SNIPPET_TOKENS,
                match_expression(query),
            ],
        )
        return {row[0]: Snippet(title=row[1] or "", body=row[2] or "") for row in cursor.fetchall()}

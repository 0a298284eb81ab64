"""PostgreSQL full-text search: the generated ``search_vector`` column and its GIN index."""

from __future__ import annotations

from agora.search.backends.base import MARK_END, MARK_START, SearchBackend, Snippet, Words

CONFIG = "english"
# Stand-ins for < and > while PostgreSQL cuts snippets (see `snippets`).
DISGUISE = "\ue002\ue003"
UNDISGUISE = str.maketrans({"\ue002": "<", "\ue003": ">"})
HEADLINE = (
    f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords=24, MinWords=12,'
    ' MaxFragments=2, FragmentDelimiter=" … "'
)
TITLE_HEADLINE = f'StartSel="{MARK_START}", StopSel="{MARK_END}", HighlightAll=true'


def tsquery_text(query: Words) -> str:
    """A to_tsquery() argument: words of letters and digits joined by &."""
    terms = list(query.words)
    if query.prefix:
        terms[-1] += ":*"
    return " & ".join(terms)


class PostgresBackend(SearchBackend):
    name = "postgresql"

    def candidates(self, cursor, query, where, params, limit):
        # Newest matches first, capped: for a common word the planner walks
        # the primary key backwards and stops at `limit`; for a rare one it
        # reads the few matches from the GIN index. Only these are ranked.
        cursor.execute(
            "SELECT d.id, ts_rank_cd(d.search_vector, q.query)"  # noqa: S608
            " FROM search_searchdocument d, to_tsquery(%s::regconfig, %s) AS q(query)"
            f" WHERE d.search_vector @@ q.query AND {where}"
            " ORDER BY d.id DESC LIMIT %s",
            [CONFIG, tsquery_text(query), *params, limit],
        )
        rows = cursor.fetchall()
        return sorted(rows, key=lambda row: (-row[1], -row[0]))

    def snippets(self, cursor, query, ids):
        if not ids:
            return {}
        # ts_headline drops what its parser takes for HTML tags; the documents
        # are plain text, so angle brackets travel disguised and come back.
        cursor.execute(
            "SELECT d.id,"
            " ts_headline(%s::regconfig, translate(d.title, '<>', %s), q.query, %s),"
            " ts_headline(%s::regconfig, translate(d.body, '<>', %s), q.query, %s)"
            " FROM search_searchdocument d, to_tsquery(%s::regconfig, %s) AS q(query)"
            " WHERE d.id = ANY(%s)",
            [
                CONFIG,
                DISGUISE,
                TITLE_HEADLINE,
                CONFIG,
                DISGUISE,
                HEADLINE,
                CONFIG,
                tsquery_text(query),
                list(ids),
            ],
        )
        return {
            row[0]: Snippet(title=_undisguise(row[1] or ""), body=_undisguise(row[2] or ""))
            for row in cursor.fetchall()
        }


def _undisguise(text: str) -> str:
    return text.translate(UNDISGUISE)

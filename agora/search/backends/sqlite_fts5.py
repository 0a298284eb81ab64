"""SQLite FTS5 (the embedded default): the ``search_fts`` table over the documents.

A last word typed as a prefix ("signal" also finds "signalman") is where
FTS5 is slow: unless the prefix has the length of one of the table's prefix
indexes (3 or 4 letters), it merges the whole list of matches of every word
that starts with it before returning the first row. For a word in half of
a million posts that alone cost 30-45 ms of CPU. So a longer prefix is
looked up through its indexed first letters ("sign"), which FTS5 walks
newest first and stops early, and each row found is checked here against the
prefix itself, with the table's own tokenizer (`stems`). Only when that walk
finds few of its rows to match (a rare word whose first letters are common)
does FTS5 merge the prefix's lists: for a rare word they are short.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable

from agora.search.backends.base import (
    SCORED_CHARS,
    SearchBackend,
    Snippet,
    Words,
    mark_words,
    rank_candidates,
    word_matches,
)

SNIPPET_TOKENS = 24
# The FTS5 table's tokenizer and prefix indexes, as `0002_full_text_index`
# creates them (a migration may not import this module; a test compares).
TOKENIZER = "porter unicode61 remove_diacritics 2"
INDEXED_PREFIXES = (4, 3)
# The walk through a prefix's first letters gives up (and lets FTS5 merge the
# prefix's lists) after this many visible rows per candidate wanted.
WALK_ROWS_PER_CANDIDATE = 4
# Rows fetched at a time; the first batch, small, decides whether to go on.
WALK_BATCH = 256
WALK_FIRST_BATCH = 64
STEM_CACHE_SIZE = 50_000


def match_expression(query: Words, *, last: str | None = None) -> str:
    """An FTS5 query: every word quoted (so none is an operator), all required.

    `last`, when given, stands for the last word (as a prefix).
    """
    terms = [f'"{word}"' for word in query.words]
    if last is not None:
        terms[-1] = f'"{last}"*'
    elif query.prefix:
        terms[-1] += "*"
    return " ".join(terms)


class _Tokenizer(threading.local):
    """The table's tokenizer, run on a private in-memory database per thread.

    The same SQLite library as the database's, so the same terms; no query
    reaches the database, and what it has answered is remembered.
    """

    def __init__(self) -> None:
        self.connection: sqlite3.Connection | None = None
        self.known: dict[str, tuple[str, ...]] = {}
        self.folding = _Folding(self)

    def folded(self, text: str) -> str:
        if text.isascii():
            return text
        self.folding.learn(text)
        return text.translate(self.folding)

    def stems(self, words: Iterable[str]) -> dict[str, tuple[str, ...]]:
        wanted = set(words)
        missing = [word for word in wanted if word not in self.known]
        if missing:
            if len(self.known) + len(missing) > STEM_CACHE_SIZE:
                self.known.clear()
            self.known.update(zip(missing, self.terms(missing), strict=True))
        return {word: self.known[word] for word in wanted}

    def terms(self, texts: list[str]) -> list[tuple[str, ...]]:
        """The terms the table would index for each of `texts`."""
        if self.connection is None:
            self.connection = sqlite3.connect(":memory:")
            self.connection.execute(
                f"CREATE VIRTUAL TABLE words USING fts5(word, tokenize='{TOKENIZER}')"
            )
            self.connection.execute("CREATE VIRTUAL TABLE terms USING fts5vocab(words, 'instance')")
        database = self.connection
        found: list[list[tuple[int, str]]] = [[] for _ in texts]
        with database:
            database.executemany("INSERT INTO words(rowid, word) VALUES (?, ?)", enumerate(texts))
            for row, offset, term in database.execute("SELECT doc, offset, term FROM terms"):
                found[row].append((offset, term))
            database.execute("DELETE FROM words")
        return [tuple(term for _, term in sorted(terms)) for terms in found]


class _Folding(dict[int, str]):
    """For `str.translate`: each character as the tokenizer folds it (lower
    case, no accents), learnt from the tokenizer the first time it is met."""

    def __init__(self, tokenizer: _Tokenizer) -> None:
        super().__init__()
        self.tokenizer = tokenizer

    def learn(self, text: str) -> None:
        new = [chr(code) for code in {ord(c) for c in text} - self.keys()]
        if not new:
            return
        terms = self.tokenizer.terms(new + [f"x{character}x" for character in new])
        for character, alone, between in zip(new, terms, terms[len(new) :], strict=False):
            if len(alone) == 1:
                self[ord(character)] = alone[0]  # a letter or digit
            elif between == ("xx",):
                self[ord(character)] = ""  # an accent, dropped inside a word
            else:
                self[ord(character)] = character  # a separator


_tokenizer = _Tokenizer()


def stems(words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The terms the FTS5 table indexes for each of `words` (usually one stem)."""
    return _tokenizer.stems(words)


def _folded(text: str) -> str:
    """`text` with each character as the tokenizer folds it."""
    return _tokenizer.folded(text)


class _Prefix:
    """A long last word, found through its indexed first letters and checked here."""

    def __init__(self, stem: str, letters: str) -> None:
        self.stem = stem
        self.letters = letters
        # A word whose stem starts with `stem` starts with `letters`: Porter
        # only changes the end of a word, and `letters` is shorter than `stem`.
        self.words = re.compile(rf"{re.escape(letters)}[^\W_]*", re.IGNORECASE)
        self.accepted: dict[str, bool] = {}

    @classmethod
    def of(cls, query: Words) -> _Prefix | None:
        if not query.prefix:
            return None
        stem = stems([query.words[-1]])[query.words[-1]]
        if len(stem) != 1 or len(stem[0]) <= max(INDEXED_PREFIXES):
            return None  # FTS5 reads a short prefix from its own index
        # FTS5 stems the letters too: use them only when that leaves them be.
        for length in INDEXED_PREFIXES:
            letters = stem[0][:length]
            if stems([letters])[letters] == (letters,):
                return cls(stem[0], letters)
        return None

    def matching(self, rows: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
        """The rows with a word whose stem starts with the prefix's stem."""
        found = []
        for row in rows:
            words = {
                match.group()
                for text in row[1:]
                for match in word_matches(self.words, _folded(text or ""))
            }
            found.append((row, words))
        unknown = {word for _, words in found for word in words} - self.accepted.keys()
        for word, terms in stems(unknown).items():
            self.accepted[word] = any(term.startswith(self.stem) for term in terms)
        return [row for row, words in found if any(self.accepted[word] for word in words)]


class SQLiteFTS5Backend(SearchBackend):
    name = "sqlite-fts5"

    def candidates(self, cursor, query, where, params, limit):
        # FTS5 walks its matches newest first (ORDER BY rowid DESC is native
        # to it) and the join stops at `limit` visible ones. They are ranked
        # in Python: FTS5's bm25() would first count every row that has each
        # word (half the index, for a very common one).
        prefix = _Prefix.of(query)
        rows = self._walk(cursor, query, prefix, where, params, limit) if prefix else None
        if rows is None:
            cursor.execute(
                "SELECT d.id, d.title, substr(d.body, 1, %s) FROM search_fts"  # noqa: S608
                " JOIN search_searchdocument d ON d.id = search_fts.rowid"
                f" WHERE search_fts MATCH %s AND {where}"
                " ORDER BY search_fts.rowid DESC LIMIT %s",
                [SCORED_CHARS, match_expression(query), *params, limit],
            )
            rows = cursor.fetchall()
        return rank_candidates(query, rows)

    def _walk(self, cursor, query, prefix: _Prefix, where, params, limit):
        """The newest `limit` matches through the prefix's first letters, or None
        when fewer than one in WALK_ROWS_PER_CANDIDATE of the rows walked match
        (then FTS5 merges the prefix's lists: for such a word they are short)."""
        most = limit * WALK_ROWS_PER_CANDIDATE
        cursor.execute(
            "SELECT d.id, d.title, d.body FROM search_fts"  # noqa: S608
            " JOIN search_searchdocument d ON d.id = search_fts.rowid"
            f" WHERE search_fts MATCH %s AND {where}"
            " ORDER BY search_fts.rowid DESC LIMIT %s",
            [match_expression(query, last=prefix.letters), *params, most + 1],
        )
        rows: list[tuple[int, str, str]] = []
        walked = 0
        size = min(WALK_FIRST_BATCH, WALK_BATCH)
        while len(rows) < limit:
            batch = cursor.fetchmany(size)
            walked += len(batch)
            if walked > most:
                return None
            rows += prefix.matching(batch)
            if len(batch) < size:
                break  # no more rows: every match is among those walked
            if len(rows) * WALK_ROWS_PER_CANDIDATE < walked:
                return None  # decided early: the rest would cost more than the merge
            size = WALK_BATCH
        return [(pk, title, (body or "")[:SCORED_CHARS]) for pk, title, body in rows[:limit]]

    def snippets(self, cursor, query, ids):
        """Marked in Python: FTS5's snippet() needs a MATCH per row, which costs a
        seek into the word's whole list of matches (and, for a prefix, rebuilding
        that list: 30 ms a row at 200,000 posts)."""
        if not ids:
            return {}
        marks = ", ".join(["%s"] * len(ids))
        cursor.execute(
            f"SELECT id, title, body FROM search_searchdocument WHERE id IN ({marks})",  # noqa: S608
            list(ids),
        )
        return {
            pk: Snippet(
                title=mark_words(query, title),
                body=mark_words(query, body, fragment_words=SNIPPET_TOKENS),
            )
            for pk, title, body in cursor.fetchall()
        }

"""What every search backend does, and the words it is given.

A backend answers two questions in SQL, each in one query:
- `candidates`: the ids (and scores) of the newest `limit` documents that
  match every word and the caller's visibility and filter conditions, best
  first. Capping before ranking keeps a very common word as fast as a rare
  one: nothing ranks the whole matching set.
- `snippets`: for the ids of one page, the title and a fragment of the body
  with the matched words wrapped in `MARK_START`/`MARK_END`.

User text never reaches the full-text syntax: `words()` keeps letters and
digits only, so quotes, operators (AND, NEAR, ``*``, ``-``) and NUL bytes are
plain separators.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

# Private-use characters mark highlights in snippets: indexed text never holds
# them (`documents.plain_text` strips them), so after escaping the snippet they
# are replaced by <mark> and nothing else of the user's text becomes markup.
MARK_START = "\ue000"
MARK_END = "\ue001"
MAX_WORDS = 12
# A last word this long or longer also matches as a prefix (as one types).
MIN_PREFIX = 3
_WORD = re.compile(r"[^\W_]+")
_WORD_CHARACTER = re.compile(r"[^\W_]")


@dataclass(frozen=True)
class Words:
    """The words of a query, lowercased; the last one may match as a prefix."""

    words: tuple[str, ...]
    prefix: bool

    def __bool__(self) -> bool:
        return bool(self.words)


def words(text: str) -> Words:
    """Split `text` into at most MAX_WORDS words of letters and digits."""
    found = [word.casefold() for word in _WORD.findall(text)][:MAX_WORDS]
    return Words(tuple(found), prefix=bool(found) and len(found[-1]) >= MIN_PREFIX)


# Combining marks: diacritics, as NFKD writes them apart from their letter.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """`text` in lower case without accents ("Tomás": "tomas"), as both
    databases compare words (FTS5's remove_diacritics, PostgreSQL's unaccent)."""
    text = text.casefold()
    if text.isascii():
        return text
    if not unicodedata.is_normalized("NFKD", text):
        text = unicodedata.normalize("NFKD", text)
    return _COMBINING.sub("", text)


@functools.cache
def _fold_character(character: str) -> str:
    folded = fold(character)
    return folded if len(folded) == 1 else character


def fold_in_place(text: str) -> str:
    """`text` without accents, each character where it was ("Tomás": "Tomas"):
    positions found in it are positions in `text`. Case is kept."""
    return text if text.isascii() else "".join(map(_fold_character, text))


@dataclass(frozen=True)
class Snippet:
    title: str
    body: str


def _stem_length(word: str) -> int:
    """How much of `word` another word must share to count as a form of it."""
    return len(word) if len(word) <= 4 else max(4, len(word) - 2)


def word_matches(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """The matches of `pattern` (letters, then the rest of their word) that start a word."""
    # A match never runs past its word, so leaving out one that starts inside
    # a word leaves out no match that starts one.
    inside = _WORD_CHARACTER.match
    return [m for m in pattern.finditer(text) if not (m.start() and inside(text, m.start() - 1))]


class Forms:
    """The forms of a query's words in a text: words that begin as one does.

    An approximation of the database's stemming, used where asking the
    database costs too much; `form_of` remembers the words it has seen.
    """

    def __init__(self, query: Words) -> None:
        self.query = query
        stems = sorted({re.escape(word[: _stem_length(word)]) for word in query.words}, key=len)
        # A stem, then the rest of its word. A look-behind in front (so as not to
        # start inside a word) would be tried at every character of the text,
        # about twice as slow as searching for the letters: `finditer` checks
        # the character before instead.
        self.pattern = re.compile(rf"(?:{'|'.join(reversed(stems))})[^\W_]*", re.IGNORECASE)
        self.known: dict[str, str | None] = {}

    def finditer(self, text: str) -> list[re.Match[str]]:
        """The matches of the pattern that start a word."""
        return word_matches(self.pattern, text)

    def form_of(self, token: str) -> str | None:
        """The query word `token` is a form of (charts, charting: chart), if any."""
        try:
            return self.known[token]
        except KeyError:
            word = self.known[token] = _form_of(token, self.query)
            return word


def _form_of(token: str, query: Words) -> str | None:
    """The query word `token` is a form of (charts, charting: chart), if any."""
    token = token.casefold()
    for word in query.words:
        if token.startswith(word):
            return word
        shared = next(
            (n for n, (a, b) in enumerate(zip(token, word, strict=False)) if a != b),
            min(len(token), len(word)),
        )
        if shared >= _stem_length(word) and shared >= len(token) - 3:
            return word
    return None


def mark_words(
    query: Words, text: str, *, fragment_words: int = 0, forms: Forms | None = None
) -> str:
    """`text` with the forms of the query's words between MARK_START and MARK_END.

    With `fragment_words`, only about that many words around the first match
    (or from the start), with "…" where text was cut. An approximation of the
    database's stemming, used where asking the database costs too much.
    `forms`: the query's `Forms`, when marking many texts for one query.
    """
    forms = forms or Forms(query)
    # Found without accents ("tomas" marks "Tomás"), cut from the text as written.
    matches = [m for m in forms.finditer(fold_in_place(text)) if forms.form_of(m.group())]
    start, end = 0, len(text)
    if fragment_words:
        first = matches[0].start() if matches else 0
        lead = fragment_words // 4
        before = [m.start() for m in _WORD.finditer(text, max(0, first - 300), first)]
        if len(before) >= lead:
            start = before[-lead] if lead else first
        elif first > 300 and before:
            start = before[0]
        after = _WORD.finditer(text, first)
        for count, word in enumerate(after, start=1):
            end = word.end()
            if count >= fragment_words - lead:
                break
        else:
            end = len(text)
    pieces = ["…" if start > 0 else ""]
    cursor = start
    for match in matches:
        if match.start() < start or match.end() > end:
            continue
        pieces += [
            text[cursor : match.start()],
            MARK_START,
            text[match.start() : match.end()],
            MARK_END,
        ]
        cursor = match.end()
    pieces += [text[cursor:end], "…" if end < len(text) else ""]
    return "".join(pieces)


# BM25's constants; a word in the title counts this many times.
K1, B, TITLE_WEIGHT = 1.2, 0.75, 4
# Ranking reads at most this much of each candidate's body.
SCORED_CHARS = 4000


def rank_candidates(query: Words, rows: list[tuple[int, str, str]]) -> list[tuple[int, float]]:
    """BM25 over the candidates alone: (id, score), best first, newest first among equals.

    `rows` are (id, title, body). Word frequencies across the candidates stand
    in for those across the whole index, so ranking costs the same for a word
    in half of all posts as for a rare one.
    """
    forms = Forms(query)
    counted: list[tuple[int, dict[str, int], int]] = []
    spread: Counter[str] = Counter()
    for pk, title, body in rows:
        frequencies: dict[str, int] = {}
        title, body = title or "", (body or "")[:SCORED_CHARS]
        for weight, text in ((TITLE_WEIGHT, title), (1, body)):
            for match in forms.finditer(text):
                word = forms.form_of(match.group())
                if word:
                    frequencies[word] = frequencies.get(word, 0) + weight
        length = len(title) // 6 + len(body) // 6 + 1
        counted.append((pk, frequencies, length))
        spread.update(frequencies.keys())
    total = len(counted) or 1
    average = sum(length for _, _, length in counted) / total
    scored = []
    for pk, frequencies, length in counted:
        score = 0.0
        for word, frequency in frequencies.items():
            rarity = math.log((total - spread[word] + 0.5) / (spread[word] + 0.5) + 1)
            norm = frequency + K1 * (1 - B + B * length / average)
            score += rarity * frequency * (K1 + 1) / norm
        scored.append((pk, score))
    return sorted(scored, key=lambda row: (-row[1], -row[0]))


class SearchBackend:
    name = "base"

    def candidates(
        self, cursor, query: Words, where: str, params: list, limit: int
    ) -> list[tuple[int, float]]:
        """Return (id, score) of the newest `limit` matches, best first.

        `where` is SQL over the documents table aliased ``d``.
        """
        raise NotImplementedError

    def snippets(self, cursor, query: Words, ids: list[int]) -> dict[int, Snippet]:
        """Return the highlighted title and body fragment of each id."""
        raise NotImplementedError

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

import re
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


@dataclass(frozen=True)
class Snippet:
    title: str
    body: str


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

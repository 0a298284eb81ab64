"""The SQLite backend's own parts: its tokenizer, and long prefixes found as FTS5 finds them."""

from __future__ import annotations

import pytest
from django.db import connection

from agora.discussions import actions
from agora.search.backends import sqlite_fts5
from agora.search.backends.base import words
from agora.search.backends.sqlite_fts5 import INDEXED_PREFIXES, TOKENIZER, stems
from agora.search.queries import search

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the FTS5 table exists on SQLite only"
)


def test_stems_are_the_tokenizers_terms():
    found = stems(["Signalling", "running", "Signál", "straße", "ab1c", "Ǯá"])
    assert found == {
        "Signalling": ("signal",),
        "running": ("run",),
        "Signál": ("signal",),
        "straße": ("straß",),
        "ab1c": ("ab1c",),
        "Ǯá": ("ǯa",),
    }


def test_text_is_folded_as_the_tokenizer_folds_it():
    assert sqlite_fts5._folded("Signa\u0301lling, ÉCOLE; Ǯá") == "signalling, ecole; ǯa"
    assert sqlite_fts5._folded("plain ASCII") == "plain ASCII"


@sqlite_only
@pytest.mark.django_db
def test_the_backend_knows_the_tables_tokenizer_and_prefixes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'search_fts'")
        (sql,) = cursor.fetchone()
    assert f"tokenize='{TOKENIZER}'" in sql
    lengths = " ".join(str(n) for n in sorted(INDEXED_PREFIXES))
    assert f"prefix='{lengths}'" in sql


@sqlite_only
@pytest.mark.django_db
@pytest.mark.parametrize(("cap", "batch"), [(500, 256), (2, 256), (2, 2), (5, 3)])
@pytest.mark.parametrize("text", ["signal", "signa", "waved signall", "histogr", "signific"])
def test_a_long_prefix_finds_what_fts5_finds(
    space, member, settings, monkeypatch, index, cap, batch, text
):
    """Whether the walk through the first letters ends, gives up early or
    runs out of rows, the rows found are those FTS5 finds for the prefix."""
    settings.AGORA_SEARCH_MAX_CANDIDATES = cap
    monkeypatch.setattr(sqlite_fts5, "WALK_BATCH", batch)
    titles = ["Signalling", "signals", "Signál", "SIGNAL", "significant", "design", "signalman"]
    titles += ["History", "histograms", "Signature", "sign", "signal-to-noise", "Insignia"]
    # Accents as separate characters, and a letter the tokenizer keeps its accent on.
    titles += ["Signa\u0301lman", "SI\u0301GNALS", "Hi\u0308stogr\u01eem"]
    for title in titles:
        actions.start_thread(author=member, space=space, title=title, body="waved")
    index()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.object_id FROM search_fts JOIN search_searchdocument d"
            " ON d.id = search_fts.rowid WHERE search_fts MATCH %s AND d.kind = 'thread'"
            " ORDER BY d.id DESC LIMIT %s",
            [sqlite_fts5.match_expression(search(viewer=member, text=text).query), cap],
        )
        expected = {row[0] for row in cursor.fetchall()}
    results = search(viewer=member, text=text)
    assert {hit.document.object_id for hit in results[: len(results)]} == expected
    assert expected  # every text finds something


@pytest.mark.parametrize(
    ("text", "letters"),
    [("signal", "sign"), ("histogr", "hist"), ("quokka", "quok"), ("cha", None), ("runs", None)],
)
def test_a_prefix_longer_than_the_indexed_ones_is_walked_by_its_first_letters(text, letters):
    prefix = sqlite_fts5._Prefix.of(words(text))
    assert (prefix.letters if prefix else None) == letters

"""What both backends do alike: words, prefixes, ranking, the cap, snippets, filters."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from agora.discussions import actions
from agora.discussions.models import Reply, Thread
from agora.search.backends import backend
from agora.search.backends.base import MAX_WORDS, word_matches, words
from agora.search.queries import highlighted, search
from tests.factories import UserFactory, add_member, make_space

pytestmark = pytest.mark.django_db


def test_the_backend_follows_the_database():
    expected = "postgresql" if connection.vendor == "postgresql" else "sqlite-fts5"
    assert backend().name == expected


@pytest.mark.parametrize(
    ("text", "expected", "prefix"),
    [
        ("Pie charts", ("pie", "charts"), True),
        ('"pie" AND NEAR(charts*', ("pie", "and", "near", "charts"), True),
        ("'; DROP TABLE x; --", ("drop", "table", "x"), False),
        ("a\x00b", ("a", "b"), False),
        ("!!! --- ***", (), False),
        ("snake_case-word", ("snake", "case", "word"), True),
        ("Café über", ("café", "über"), True),
    ],
)
def test_words_keep_letters_and_digits_only(text, expected, prefix):
    assert words(text).words == expected
    assert words(text).prefix is prefix


@given(st.text(alphabet="sigaSIGN_- é\u0301ſK1", max_size=40))
def test_word_matches_start_words_as_a_look_behind_would(text):
    letters = re.compile(r"(?:sign|si)[^\W_]*", re.IGNORECASE)
    behind = re.compile(r"(?<![^\W_])(?:sign|si)[^\W_]*", re.IGNORECASE)
    found = [m.span() for m in word_matches(letters, text)]
    assert found == [m.span() for m in behind.finditer(text)]


def test_words_are_capped():
    assert len(words("w " * 100).words) == MAX_WORDS


def test_every_word_must_match_and_the_last_one_may_be_a_prefix(space, member, find):
    both = actions.start_thread(author=member, space=space, title="Pie charts", body="")
    actions.start_thread(author=member, space=space, title="Pie recipes", body="")
    assert find(member, "pie charts") == [("thread", both.pk)]
    assert find(member, "pie cha") == [("thread", both.pk)]
    assert find(member, "charts pie") == [("thread", both.pk)]


def test_a_long_last_word_is_a_prefix_not_just_its_first_letters(space, member, find):
    grams = actions.start_thread(author=member, space=space, title="Histograms", body="")
    actions.start_thread(author=member, space=space, title="History", body="")
    man = actions.start_thread(
        author=member, space=space, title="Notes", body="The signalman waved"
    )
    actions.start_thread(author=member, space=space, title="Significant", body="")
    assert find(member, "histogr") == [("thread", grams.pk)]
    assert find(member, "signal") == [("thread", man.pk)]
    assert find(member, "waved signal") == [("thread", man.pk)]


def test_a_rare_long_prefix_behind_common_first_letters_is_found(space, member, settings, find):
    settings.AGORA_SEARCH_MAX_CANDIDATES = 2
    grams = actions.start_thread(author=member, space=space, title="Histograms", body="")
    for n in range(20):
        actions.start_thread(author=member, space=space, title=f"History {n}", body="")
    assert find(member, "histogr") == [("thread", grams.pk)]


def test_stemming_finds_other_forms(space, member, find):
    thread = actions.start_thread(author=member, space=space, title="Running", body="")
    assert find(member, "runs") == [("thread", thread.pk)]


def test_a_title_match_ranks_above_a_body_match(space, member, find):
    in_body = actions.start_thread(
        author=member, space=space, title="Notes", body="Some words about histograms here."
    )
    in_title = actions.start_thread(author=member, space=space, title="Histograms", body="")
    assert find(member, "histograms") == [("thread", in_title.pk), ("thread", in_body.pk)]


def test_only_the_newest_matches_are_ranked_beyond_the_cap(space, member, settings, index):
    settings.AGORA_SEARCH_MAX_CANDIDATES = 3
    threads = [
        actions.start_thread(author=member, space=space, title=f"Common word {n}", body="")
        for n in range(5)
    ]
    index()
    results = search(viewer=member, text="common")
    assert len(results) == 3
    assert results.is_capped is True
    found = {hit.document.object_id for hit in results[0:3]}
    assert found == {thread.pk for thread in threads[2:]}
    assert search(viewer=member, text="common word 1").is_capped is False


def test_snippets_escape_user_text_and_mark_only_the_matches(space, member, index):
    actions.start_thread(
        author=member,
        space=space,
        title="<b>Bold</b> & fearless",
        body="Write `<script>alert('fearless')</script>` to test fearless escaping.",
    )
    index()
    hit = search(viewer=member, text="fearless")[0]
    assert hit.title_html == "&lt;b&gt;Bold&lt;/b&gt; &amp; <mark>fearless</mark>"
    assert "<script>" not in hit.snippet_html
    assert "&lt;script&gt;" in hit.snippet_html
    assert hit.snippet_html.count("<mark>") == hit.snippet_html.count("</mark>") >= 2
    without_marks = hit.snippet_html.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in without_marks


def test_highlighted_escapes_everything_but_the_marks():
    assert highlighted('\ue000a\ue001 <i>"') == "<mark>a</mark> &lt;i&gt;&quot;"


def test_filters_by_space_kind_author_and_date(member, facilitator, find):
    other = UserFactory(name="Olu Other")
    first = make_space(creator=facilitator, name="First", members=(member, other))
    second = make_space(creator=facilitator, name="Second", members=(member,))
    mine = actions.start_thread(author=member, space=first, title="Maps", body="")
    theirs = actions.start_thread(author=other, space=first, title="Maps too", body="")
    reply = actions.post_reply(author=other, thread=mine, body="Maps are lovely")
    elsewhere = actions.start_thread(author=member, space=second, title="Maps again", body="")
    old = timezone.now() - timedelta(days=30)
    Thread.objects.filter(pk=elsewhere.pk).update(created_at=old)
    from agora.search.documents import index_thread

    find(member, "x")
    index_thread(elsewhere.pk)

    assert {pk for _, pk in find(member, "maps", space=second)} == {elsewhere.pk}
    assert find(member, "maps", kind="reply") == [("reply", reply.pk)]
    assert set(find(member, "maps", author_id=other.pk)) == {
        ("thread", theirs.pk),
        ("reply", reply.pk),
    }
    today = timezone.localdate()
    recent = find(member, "maps", date_from=today - timedelta(days=1), date_to=today)
    assert ("thread", elsewhere.pk) not in recent
    assert ("thread", mine.pk) in recent
    old_day = timezone.localtime(old).date()
    assert find(member, "maps", date_from=old_day, date_to=old_day) == [("thread", elsewhere.pk)]


def test_results_paginate(space, member, client_of, index):
    for n in range(23):
        actions.start_thread(author=member, space=space, title=f"Quarterly {n}", body="")
    index()
    client = client_of(member)
    first = client.get("/search/", {"q": "quarterly"})
    second = client.get("/search/", {"q": "quarterly", "page": 2})
    assert first.status_code == second.status_code == 200
    assert first.content.count(b'class="search-hit"') == 20
    assert second.content.count(b'class="search-hit"') == 3
    assert b"23 results" in first.content
    assert b"Page 2 of 2" in second.content


def test_a_reply_names_its_thread_unless_that_is_hidden_from_the_viewer(
    space, member, facilitator, find
):
    other = UserFactory(name="Ola Other")
    add_member(space, other)
    thread = actions.start_thread(author=member, space=space, title="Secret plans", body="")
    reply = actions.post_reply(author=other, thread=thread, body="Llamas are great")
    actions.hide_post(actor=facilitator, post=thread)
    find(other, "x")
    hit = search(viewer=other, text="llamas")[0]
    assert hit.document.object_id == reply.pk
    assert hit.context == "a thread hidden by a moderator"
    assert search(viewer=member, text="llamas")[0].context == "Secret plans"
    assert Reply.objects.filter(pk=reply.pk, is_hidden=False).exists()

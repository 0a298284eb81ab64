"""Whatever is typed, search answers clearly: results, a message, or a 400/422. Never a 500."""

from __future__ import annotations

import json

import pytest

from agora.discussions import actions
from tests.factories import make_space

pytestmark = pytest.mark.django_db

ODD_QUERIES = [
    '"',
    '""""',
    "*",
    "NEAR(",
    "NEAR(a b",
    "'; DROP TABLE search_searchdocument; --",
    "-",
    "-charts",
    "AND OR",
    "OR",
    "NOT",
    '"unbalanced quote',
    "charts\x00",
    "(((",
    "a:*",
    "title:charts",
    "^charts",
    "!!! ??? ...",
    "\u202e\u200b",
    "%_%",
    "\\",
    "🙂",
]


@pytest.fixture
def charts(facilitator, member, index):
    space = make_space(creator=facilitator, name="Plotters", members=(member,))
    thread = actions.start_thread(author=member, space=space, title="Charts", body="Bars")
    index()
    return thread


@pytest.mark.parametrize("text", ODD_QUERIES)
def test_odd_queries_get_a_page_with_results_or_a_message(text, charts, client_of, member):
    response = client_of(member).get("/search/", {"q": text})
    if "\x00" in text:
        assert response.status_code == 400
        assert b"Null characters are not allowed" in response.content
        assert b"charts" in response.content  # the text is kept in the box
        return
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Search needs at least one word" in page
        or "result" in page
        or "Nothing you can see matches" in page
    )


@pytest.mark.parametrize("text", ODD_QUERIES)
def test_odd_queries_get_results_or_a_422_from_the_api(text, charts, client_of, member):
    response = client_of(member).get("/api/v1/search", {"q": text})
    assert response.status_code in (200, 422), response.content
    body = json.loads(response.content)
    if response.status_code == 422:
        assert body["code"] == "invalid"
        assert body["errors"]["q"]
    else:
        assert isinstance(body["items"], list)


def test_injection_looking_words_are_just_words(charts, find, member):
    assert find(member, "'; DROP TABLE search_fts; -- charts") == []
    assert find(member, "charts*") == [("thread", charts.pk)]
    assert find(member, '"charts') == [("thread", charts.pk)]
    assert find(member, "NEAR(charts") == []  # NEAR is a word to find, and is absent


def test_an_empty_query_asks_for_words(client_of, member):
    response = client_of(member).get("/search/", {"q": ""})
    assert response.status_code == 200
    assert b"Type a word to search for." in response.content
    response = client_of(member).get("/search/")
    assert response.status_code == 200


def test_a_huge_query_is_refused_with_the_text_kept(client_of, member):
    text = "charts " * 1500  # over 10,000 characters
    response = client_of(member).get("/search/", {"q": text})
    assert response.status_code == 400
    assert b"Ensure this value has at most 200 characters" in response.content
    response = client_of(member).get("/api/v1/search", {"q": text})
    assert response.status_code == 422
    assert json.loads(response.content)["errors"]["q"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"kind": "bogus"}, b"Select a valid choice"),
        ({"date_from": "2026-13-40"}, b"Enter a valid date"),
        ({"date_to": "yesterday"}, b"Enter a valid date"),
        ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, b"must not be after"),
        ({"author": "me"}, b"Enter a whole number"),
        ({"author": "-3"}, b"greater than or equal to 1"),
        ({"space": "no-such-space"}, b"Select a valid choice"),
        ({"page": "zzz"}, None),
        ({"page": "99999"}, None),
    ],
)
def test_bad_filters_on_the_page(params, message, charts, client_of, member):
    response = client_of(member).get("/search/", {"q": "charts", **params})
    if message is None:
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert message in response.content
    assert b'value="charts"' in response.content


def test_a_space_one_may_not_see_is_no_filter(charts, facilitator, client_of, outsider):
    from agora.spaces.models import Space

    secret = make_space(creator=facilitator, name="Hush", visibility=Space.Visibility.SECRET)
    response = client_of(outsider).get("/search/", {"q": "charts", "space": secret.slug})
    assert response.status_code == 400
    assert client_of(outsider).get(f"/spaces/{secret.slug}/search/", {"q": "x"}).status_code == 404
    response = client_of(outsider).get("/api/v1/search", {"q": "charts", "space_id": secret.pk})
    assert response.status_code == 422
    assert json.loads(response.content)["errors"] == {"space_id": ["No such space."]}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "bogus"}, "kind"),
        ({"date_from": "2026-13-40"}, "date_from"),
        ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, "date_to"),
        ({"author_id": "me"}, "author_id"),
        ({"author_id": "0"}, "author_id"),
        ({"space_id": "abc"}, "space_id"),
        ({"space_id": "999999"}, "space_id"),
        ({"page": "0"}, "page"),
        ({"page_size": "1000"}, "page_size"),
    ],
)
def test_bad_filters_in_the_api(params, field, charts, client_of, member):
    response = client_of(member).get("/api/v1/search", {"q": "charts", **params})
    assert response.status_code == 422, response.content
    assert field in json.loads(response.content)["errors"]


def test_search_needs_a_signed_in_person(client):
    assert client.get("/search/", {"q": "charts"}).status_code == 302
    assert client.get("/api/v1/search", {"q": "charts"}).status_code == 401

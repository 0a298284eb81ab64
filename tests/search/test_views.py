"""The search pages and the API: boxes, fragments, links, and flat query counts."""

from __future__ import annotations

import json

import pytest

from agora.discussions import actions
from tests.factories import UserFactory, add_member, make_space

pytestmark = pytest.mark.django_db


def test_the_header_has_a_labelled_search_box(client_of, member):
    page = client_of(member).get("/").content.decode()
    assert '<form class="header-search" method="get" action="/search/" role="search"' in page
    assert '<label for="header-search-q" class="visually-hidden">Search Agora</label>' in page
    assert 'id="header-search-q" type="search" name="q"' in page


def test_the_space_page_has_a_search_box(space, client_of, member):
    page = client_of(member).get(f"/spaces/{space.slug}/").content.decode()
    assert f'action="/spaces/{space.slug}/search/"' in page
    assert '<label for="space-search-q" class="visually-hidden">Search this space</label>' in page


def test_the_search_page_lists_highlighted_results_with_links(space, member, client_of, index):
    thread = actions.start_thread(author=member, space=space, title="Bar charts", body="Why bars")
    reply = actions.post_reply(author=member, thread=thread, body="Bars start at zero")
    index()
    response = client_of(member).get("/search/", {"q": "bars"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 results" in page
    assert f'href="/spaces/data-club/threads/{thread.pk}/"' in page
    assert f'href="/spaces/data-club/threads/{thread.pk}/#reply-{reply.pk}"' in page
    assert "<mark>Bars</mark> start at zero" in page
    assert "Reply in “Bar charts”" in page
    assert f'href="?q=bars&amp;author={member.pk}"' in page
    assert 'value="bars"' in page  # the header box keeps the words too


def test_htmx_gets_only_the_results(space, member, client_of, index):
    actions.start_thread(author=member, space=space, title="Pie charts", body="")
    index()
    response = client_of(member).get("/search/", {"q": "pie"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="search-results"')
    assert "<html" not in page
    assert "<mark>Pie</mark>" in page


def test_space_search_stays_in_the_space(space, member, facilitator, client_of, index):
    other = make_space(creator=facilitator, name="Elsewhere", members=(member,))
    here = actions.start_thread(author=member, space=space, title="Maps here", body="")
    there = actions.start_thread(author=member, space=other, title="Maps there", body="")
    index()
    response = client_of(member).get(f"/spaces/{space.slug}/search/", {"q": "maps"})
    page = response.content.decode()
    assert "1 result" in page
    assert f"/threads/{here.pk}/" in page
    assert f"/threads/{there.pk}/" not in page
    # The global page filters by space the same way.
    response = client_of(member).get("/search/", {"q": "maps", "space": other.slug})
    assert f"/threads/{there.pk}/" in response.content.decode()
    assert f"/threads/{here.pk}/" not in response.content.decode()


def test_the_author_filter_names_the_author(space, member, client_of, index):
    actions.start_thread(author=member, space=space, title="Dashboards", body="")
    index()
    page = client_of(member).get("/search/", {"q": "dashboards", "author": member.pk})
    assert "By Mia Member" in page.content.decode()


def test_the_api_returns_pages_of_hits(space, member, client_of, index):
    thread = actions.start_thread(author=member, space=space, title="Heatmaps", body="Cells")
    index()
    response = client_of(member).get("/api/v1/search", {"q": "heatmaps", "kind": "thread"})
    body = json.loads(response.content)
    assert response.status_code == 200
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["kind"] == "thread"
    assert item["id"] == thread.pk
    assert item["space"] == {"id": space.pk, "slug": space.slug, "name": "Data Club"}
    assert item["title_html"] == "<mark>Heatmaps</mark>"
    assert item["url"] == f"/spaces/data-club/threads/{thread.pk}/"
    assert item["author_name"] == "Mia Member"


def _grow(space, member, n=15):
    def grow():
        other = UserFactory()
        add_member(space, other)
        for i in range(n):
            thread = actions.start_thread(
                author=other if i % 2 else member, space=space, title=f"Budget {i}", body=""
            )
            actions.post_reply(author=other, thread=thread, body=f"Budget reply {i}")
        from agora.core.events import redeliver_pending

        redeliver_pending()

    return grow


def test_search_page_query_count_is_flat(space, member, client_of, assert_flat_query_count):
    _grow(space, member, 3)()
    client = client_of(member)
    assert_flat_query_count(
        lambda: client.get("/search/", {"q": "budget"}), grow=_grow(space, member), limit=12
    )


def test_space_search_query_count_is_flat(space, member, client_of, assert_flat_query_count):
    _grow(space, member, 3)()
    client = client_of(member)
    assert_flat_query_count(
        lambda: client.get(f"/spaces/{space.slug}/search/", {"q": "budget"}),
        grow=_grow(space, member),
        limit=12,
    )


def test_api_search_query_count_is_flat(space, member, client_of, assert_flat_query_count):
    _grow(space, member, 3)()
    client = client_of(member)
    assert_flat_query_count(
        lambda: client.get("/api/v1/search", {"q": "budget"}), grow=_grow(space, member), limit=10
    )

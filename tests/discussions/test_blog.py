"""A space's blog: the index page and its private Atom feed."""

from __future__ import annotations

import pytest

from agora.discussions import actions
from agora.discussions.models import Thread
from agora.discussions.permissions import feed_token
from agora.spaces.actions import leave_space
from tests.factories import make_space

pytestmark = pytest.mark.django_db

BLOG = Thread.Kind.BLOG


@pytest.fixture
def posts(space, facilitator, member):
    first = actions.start_thread(
        author=facilitator, space=space, title="Week 1", body="Hello **class**", kind=BLOG
    )
    second = actions.start_thread(
        author=facilitator, space=space, title="Week 2", body="<script>x</script> More", kind=BLOG
    )
    actions.start_thread(author=member, space=space, title="Not a blog post")
    return [second, first]


def test_blog_index_lists_posts_newest_first_with_excerpts(client_of, posts, member):
    response = client_of(member).get("/spaces/data-club/blog/")
    assert response.status_code == 200
    assert [post.title for post in response.context["page"]] == ["Week 2", "Week 1"]
    html = response.content.decode()
    assert "Hello class" in html
    assert "<script>" not in html
    assert "Subscribe (private link)" in html
    assert "New blog post" not in html


def test_facilitators_get_a_new_post_button(client_of, posts, facilitator):
    html = client_of(facilitator).get("/spaces/data-club/blog/").content.decode()
    assert 'href="/spaces/data-club/threads/new/?kind=blog"' in html


def test_blog_index_paginates(client_of, space, facilitator, member):
    for n in range(12):
        actions.start_thread(author=facilitator, space=space, title=f"P{n}", kind=BLOG)
    response = client_of(member).get("/spaces/data-club/blog/?page=2")
    assert [post.title for post in response.context["page"]] == ["P1", "P0"]


def test_blog_of_a_private_space_is_refused_to_outsiders(client_of, facilitator, outsider):
    make_space(creator=facilitator, name="Hush", visibility="private")
    assert client_of(outsider).get("/spaces/hush/blog/").status_code == 403
    make_space(creator=facilitator, name="Secret", visibility="secret")
    assert client_of(outsider).get("/spaces/secret/blog/").status_code == 404


def test_private_feed_link_serves_atom_to_a_feed_reader(client, client_of, posts, space, member):
    token = feed_token(member, space)
    response = client.get(f"/spaces/data-club/blog/feed.atom?token={token}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert body.count("<entry>") == 2
    assert body.index("Week 2") < body.index("Week 1")
    assert "&lt;strong&gt;class&lt;/strong&gt;" in body  # the sanitized HTML, escaped in XML
    assert "<script>" not in body
    assert "&lt;script&gt;" not in body
    assert "Not a blog post" not in body
    index = client_of(member).get("/spaces/data-club/blog/").content.decode()
    shown = index.split("feed.atom?token=", 1)[1].split('"', 1)[0]
    assert client.get(f"/spaces/data-club/blog/feed.atom?token={shown}").status_code == 200


def test_bad_tokens_and_former_members_get_404(client, posts, space, member, facilitator):
    private = make_space(creator=facilitator, name="Hush", visibility="private", members=(member,))
    token = feed_token(member, private)
    assert client.get(f"/spaces/hush/blog/feed.atom?token={token}").status_code == 200
    assert client.get(f"/spaces/hush/blog/feed.atom?token={token}x").status_code == 404
    assert client.get("/spaces/hush/blog/feed.atom?token=garbage").status_code == 404
    # A token for one space does not open another.
    assert client.get(f"/spaces/data-club/blog/feed.atom?token={token}").status_code == 404
    leave_space(user=member, space=private)
    assert client.get(f"/spaces/hush/blog/feed.atom?token={token}").status_code == 404


def test_open_spaces_serve_the_feed_to_signed_in_people_without_token(
    client, client_of, posts, outsider, facilitator
):
    assert client_of(outsider).get("/spaces/data-club/blog/feed.atom").status_code == 200
    assert client.get("/spaces/data-club/blog/feed.atom").status_code == 404
    make_space(creator=facilitator, name="Hush", visibility="private")
    assert client_of(facilitator).get("/spaces/hush/blog/feed.atom").status_code == 404


def test_hidden_and_deleted_posts_leave_the_blog(client_of, posts, facilitator, member):
    actions.hide_post(actor=facilitator, post=posts[0])
    actions.delete_thread(actor=facilitator, thread=posts[1])
    response = client_of(member).get("/spaces/data-club/blog/")
    assert list(response.context["page"]) == []


def test_blog_index_and_feed_query_counts_are_flat(
    client, client_of, space, facilitator, member, assert_flat_query_count
):
    def grow(n: int) -> None:
        for i in range(n):
            actions.start_thread(author=facilitator, space=space, title=f"P{i}", kind=BLOG)

    grow(2)
    browser = client_of(member)
    assert_flat_query_count(
        lambda: browser.get("/spaces/data-club/blog/"), grow=lambda: grow(10), limit=8
    )
    token = feed_token(member, space)
    assert_flat_query_count(
        lambda: client.get(f"/spaces/data-club/blog/feed.atom?token={token}"),
        grow=lambda: grow(10),
        limit=6,
    )

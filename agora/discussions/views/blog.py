"""A space's blog: the index of its blog posts and their Atom feed.

Feed readers cannot sign in, so each person gets a private feed link with a
signed token (their id and the space's). The token is checked against their
current rights on every request: someone who left the space, or whose account
was deactivated, gets 404 with an old link.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from agora.core.pagination import paginate
from agora.discussions.models import Thread
from agora.discussions.permissions import can_start_thread, feed_reader, feed_token
from agora.discussions.queries import blog_posts
from agora.discussions.views.page import CANNOT_READ
from agora.spaces.models import Space
from agora.spaces.permissions import access_space, can_view_content

FEED_SIZE = 20


@login_required
def blog_index(request: HttpRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    if not can_view_content(request.user, space):
        raise PermissionDenied(CANNOT_READ)
    feed_url = reverse("blog_feed", args=[space.slug])
    context = {
        "space": space,
        "page": paginate(request, blog_posts(space=space), per_page=10),
        "can_write": can_start_thread(request.user, space, Thread.Kind.BLOG),
        "feed_url": request.build_absolute_uri(
            f"{feed_url}?token={feed_token(request.user, space)}"
        ),
    }
    return render(request, "discussions/blog_index.html", context)


class BlogFeed(Feed):
    """The newest blog posts of a space, as Atom, with their sanitized HTML."""

    feed_type = Atom1Feed

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"  # a private link's content
        return response

    def get_object(self, request: HttpRequest, slug: str) -> Space:
        token = request.GET.get("token", "")
        if token:
            return feed_reader(token, slug)[1]
        # Open spaces also serve the signed-in browser, no token needed.
        if not request.user.is_authenticated:
            raise Http404("No such feed.")
        space = access_space(request.user, slug)
        if space.visibility != Space.Visibility.OPEN or not can_view_content(request.user, space):
            raise Http404("No such feed.")
        return space

    def title(self, space: Space) -> str:
        return f"{space.name} · Blog"

    def link(self, space: Space) -> str:
        return reverse("blog_index", args=[space.slug])

    def subtitle(self, space: Space) -> str:
        return space.description[:300]

    def items(self, space: Space):
        return blog_posts(space=space)[:FEED_SIZE]

    def item_title(self, item: Thread) -> str:
        return item.title

    def item_description(self, item: Thread) -> str:
        return item.body_html  # sanitized when written

    def item_link(self, item: Thread) -> str:
        return item.get_absolute_url()

    def item_author_name(self, item: Thread) -> str | None:
        return item.author.name if item.author else None

    def item_pubdate(self, item: Thread):
        return item.created_at

    def item_updateddate(self, item: Thread):
        return item.edited_at or item.created_at


blog_feed = BlogFeed()

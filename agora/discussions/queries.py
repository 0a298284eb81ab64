"""Read paths for discussion pages and the API, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from agora.discussions.models import Reaction, Reply, Thread

if TYPE_CHECKING:
    from agora.accounts.models import User
    from agora.spaces.models import Space

REPLY_ORDERS = {
    "oldest": ("created_at", "pk"),
    "newest": ("-created_at", "-pk"),
    "helpful": ("-helpful_count", "created_at", "pk"),
}


def space_threads(*, space: Space, kind: str = "") -> QuerySet[Thread]:
    """Threads of `space` (tombstones included), pinned first, then by activity."""
    threads = Thread.objects.filter(space=space).select_related("author__profile")
    if kind in Thread.Kind.values:
        threads = threads.filter(kind=kind)
    return threads.order_by("-is_pinned", "-last_activity_at", "-pk")


def unanswered_questions(*, space: Space) -> QuerySet[Thread]:
    """Questions of `space` without an accepted answer, oldest first."""
    return (
        Thread.objects.filter(
            space=space, kind=Thread.Kind.QUESTION, accepted_reply__isnull=True, is_deleted=False
        )
        .select_related("author__profile")
        .order_by("created_at", "pk")
    )


@dataclass
class Response:
    """A top-level reply with its comments, for the thread template."""

    reply: Reply
    comments: list[Reply] = field(default_factory=list)


def thread_replies(*, thread: Thread, stance: str = "", order: str = "oldest") -> list[Response]:
    """Responses of `thread` with their comments, in two queries' worth of rows.

    `stance` keeps the responses with that stance (comments follow their
    response); `order` is oldest, newest or helpful.
    """
    replies = list(
        Reply.objects.filter(thread=thread)
        .select_related("author__profile", "endorsed_by")
        .order_by(*REPLY_ORDERS.get(order, REPLY_ORDERS["oldest"]))
    )
    responses: dict[int, Response] = {}
    comments: list[Reply] = []
    for reply in replies:
        if reply.parent_id is None:
            responses[reply.pk] = Response(reply)
        else:
            comments.append(reply)
    for comment in sorted(comments, key=lambda c: (c.created_at, c.pk)):
        if comment.parent_id in responses:
            responses[comment.parent_id].comments.append(comment)
    result = list(responses.values())
    if stance in Reply.Stance.values and stance:
        result = [item for item in result if item.reply.stance == stance]
    return result


def reactions_of(*, viewer: User, thread: Thread) -> set[tuple[int, str]]:
    """The (reply id, kind) pairs `viewer` has reacted with in `thread`."""
    if not viewer.is_authenticated:
        return set()
    return set(
        Reaction.objects.filter(user=viewer, reply__thread=thread).values_list("reply_id", "kind")
    )


def has_posted_in(*, user: User, thread: Thread) -> bool:
    """Whether `user` has a live response of their own in `thread`.

    This is what unlocks a post-first prompt: comments do not count, so a
    comment on a guessed reply id reveals nothing.
    """
    return Reply.objects.filter(thread=thread, author=user, parent=None, is_deleted=False).exists()


def reactors(*, reply: Reply) -> QuerySet[Reaction]:
    """Who reacted to `reply`, and how."""
    return reply.reactions.select_related("user").order_by("kind", "created_at")


def _replies_shown_to(viewer: User) -> QuerySet[Reply]:
    """Replies with what the API shows beside them: accepted flag, viewer's reactions."""
    accepted = Exists(
        Thread.objects.filter(pk=OuterRef("thread_id"), accepted_reply=OuterRef("pk"))
    )
    mine = Reaction.objects.filter(user=viewer).only("reply_id", "kind").order_by("kind")
    return (
        Reply.objects.select_related("author", "thread__space")
        .annotate(is_accepted=accepted)
        .prefetch_related(Prefetch("reactions", queryset=mine, to_attr="viewer_reactions"))
    )


def thread_responses(
    *, viewer: User, thread: Thread, stance: str = "", order: str = "oldest"
) -> QuerySet[Reply]:
    """Responses of `thread` with their comments (`comment_list`), for paging.

    Unlike `thread_replies` this is a queryset, so a page fetches only its
    own responses and their comments; `stance` and `order` as there.
    """
    comments = _replies_shown_to(viewer).order_by("created_at", "pk")
    responses = _replies_shown_to(viewer).filter(thread=thread, parent=None)
    if stance in Reply.Stance.values and stance:
        responses = responses.filter(stance=stance)
    return responses.prefetch_related(
        Prefetch("comments", queryset=comments, to_attr="comment_list")
    ).order_by(*REPLY_ORDERS.get(order, REPLY_ORDERS["oldest"]))


def reply_shown_to(*, viewer: User, reply_id: int) -> Reply:
    """One reply with the fields of `thread_responses` (no comments), fresh from the database."""
    return _replies_shown_to(viewer).get(pk=reply_id)

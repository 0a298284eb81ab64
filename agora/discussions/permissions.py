"""Who may read, post, react, moderate in a space's discussions.

Built on the space rules (`agora.spaces.permissions`): whoever may view a
space's content may read its threads; whoever may post in it may start
discussions and questions and reply; prompts, blog posts and announcements
are for the space's managers (instructors, hosts, mentors). A prompt in
"post before you see others" mode hides classmates' replies from a learner
until they have posted their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from agora.discussions.models import Reply, Thread
from agora.spaces.permissions import (
    access_space,
    can_manage,
    can_post_in,
    can_view_content,
)

if TYPE_CHECKING:
    from agora.accounts.models import User
    from agora.spaces.models import Space

MANAGER_KINDS = (Thread.Kind.PROMPT, Thread.Kind.BLOG, Thread.Kind.ANNOUNCEMENT)


def _moderates(user: User, space: Space) -> bool:
    """Managers moderate, but an archived space is read-only for everyone."""
    return can_manage(user, space) and not space.is_archived


def can_start_thread(user: User, space: Space, kind: str = Thread.Kind.DISCUSSION) -> bool:
    if not can_post_in(user, space):
        return False
    return kind not in MANAGER_KINDS or can_manage(user, space)


def allowed_thread_kinds(user: User, space: Space) -> list[tuple[str, str]]:
    return [
        (value, label)
        for value, label in Thread.Kind.choices
        if can_start_thread(user, space, value)
    ]


def can_reply(user: User, thread: Thread) -> bool:
    if thread.is_deleted or not can_post_in(user, thread.space):
        return False
    return not thread.is_locked or _moderates(user, thread.space)


def can_edit(user: User, post: Thread | Reply) -> bool:
    """Authors edit their own posts while they may still post in the space."""
    space = post.space if isinstance(post, Thread) else post.thread.space
    return not post.is_deleted and post.author_id == user.pk and can_post_in(user, space)


def can_delete(user: User, post: Thread | Reply) -> bool:
    space = post.space if isinstance(post, Thread) else post.thread.space
    if post.is_deleted:
        return False
    return _moderates(user, space) or (post.author_id == user.pk and can_post_in(user, space))


def can_moderate(user: User, space: Space) -> bool:
    """Pin, lock, endorse: the space's managers, while it is not archived."""
    return _moderates(user, space)


def can_react(user: User, reply: Reply) -> bool:
    return (
        not reply.is_deleted
        and not reply.thread.is_deleted
        and reply.author_id != user.pk
        and can_post_in(user, reply.thread.space)
    )


def can_accept_answer(user: User, thread: Thread) -> bool:
    return (
        thread.kind == Thread.Kind.QUESTION
        and not thread.is_deleted
        and (
            (thread.author_id == user.pk and can_post_in(user, thread.space))
            or _moderates(user, thread.space)
        )
    )


def may_take_stance(thread: Thread, parent: Reply | None) -> bool:
    """A reply to a prompt, or a comment on another reply, may carry a stance."""
    return thread.kind == Thread.Kind.PROMPT or parent is not None


def can_see_replies(user: User, thread: Thread, *, has_posted: bool) -> bool:
    """False while a post-first prompt waits for this learner's own reply."""
    if not (thread.post_first and thread.kind == Thread.Kind.PROMPT):
        return True
    return has_posted or can_manage(user, thread.space) or thread.author_id == user.pk


def access_thread(user: User, slug: str, thread_id: int) -> Thread:
    """Return the thread `thread_id` of space `slug` if `user` may read it, else 404."""
    space = access_space(user, slug)
    if not can_view_content(user, space):
        raise Http404("No such thread.")
    thread = (
        Thread.objects.select_related("author__profile", "space")
        .filter(space=space, pk=thread_id)
        .first()
    )
    if thread is None:
        raise Http404("No such thread.")
    thread.space = space  # keep the role cache warm on one object
    return thread


def access_thread_by_id(user: User, thread_id: int) -> Thread:
    """Return thread `thread_id` if `user` may read its space's content, else 404."""
    thread = Thread.objects.select_related("author", "space").filter(pk=thread_id).first()
    if thread is None or not can_view_content(user, thread.space):
        raise Http404("No such thread.")
    return thread


def access_reply(user: User, reply_id: int) -> Reply:
    """Return reply `reply_id` if `user` may read its thread, else 404."""
    reply = (
        Reply.objects.select_related("author", "thread__space", "parent")
        .filter(pk=reply_id)
        .first()
    )
    if reply is None or not can_view_content(user, reply.thread.space):
        raise Http404("No such reply.")
    return reply

"""Who may read, post, react, moderate in a space's discussions.

Built on the space rules (`agora.spaces.permissions`): whoever may view a
space's content may read its threads; whoever may post in it may start
discussions and questions and reply; prompts, blog posts and announcements
are for the space's managers (instructors, hosts, mentors). A prompt in
"post before you see others" mode hides classmates' replies from a learner
until they have posted their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from django.core import signing
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from agora.accounts.models import User
from agora.discussions.models import Follow, Reply, Thread, ThreadVisit
from agora.discussions.queries import with_skills
from agora.spaces.models import Membership
from agora.spaces.permissions import (
    access_space,
    can_manage,
    can_post_in,
    can_view_content,
    spaces_managed_by,
)

if TYPE_CHECKING:
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
    """Members reply; nobody in a closed thread; only facilitators in a locked one."""
    if thread.is_deleted or thread.is_closed or not can_post_in(user, thread.space):
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
    """Pin, lock, close, endorse, hide: the space's managers, while it is not archived."""
    return _moderates(user, space)


def space_of(post: Thread | Reply) -> Space:
    return post.space if isinstance(post, Thread) else post.thread.space


def can_flag(user: User, post: Thread | Reply) -> bool:
    """Whoever may read a post may report it, except its author, deleted and hidden
    posts, and posts of an archived space (nobody moderates it any more)."""
    return (
        user.is_authenticated
        and not post.is_deleted
        and not space_of(post).is_archived
        and not post.is_hidden
        and post.author_id != user.pk
        and can_view_content(user, space_of(post))
    )


def can_review_flags(user: User, space: Space) -> bool:
    """The review queue and the moderation log: the space's managers (org admins everywhere)."""
    return can_manage(user, space)


def sees_hidden(user: User, post: Thread | Reply) -> bool:
    """Whether `user` reads a hidden post's content: its author and the space's managers."""
    return post.author_id == user.pk or can_manage(user, space_of(post))


def conceals(user: User, post: Thread | Reply) -> bool:
    """Whether `post` shows to `user` as "hidden by a moderator" instead of its content."""
    return post.is_hidden and not sees_hidden(user, post)


def can_react(user: User, reply: Reply) -> bool:
    return (
        not reply.is_deleted
        and not reply.is_hidden
        and not reply.thread.is_deleted
        and reply.author_id != user.pk
        and can_post_in(user, reply.thread.space)
    )


class ReplyRights(NamedTuple):
    """What a viewer may do with one reply, and whether it shows concealed."""

    edit: bool
    delete: bool
    react: bool
    flag: bool
    concealed: bool


def reply_rights(user: User, thread: Thread):
    """Return a function giving `user`'s `ReplyRights` on each reply of `thread`.

    Of a reply, the predicates above read only its deleted and hidden flags
    and whether `user` wrote it (its thread and space are the page's): the
    rights are worked out once per such combination rather than per reply,
    which a 200-reply page otherwise asks a thousand times. A predicate that
    comes to read more of a reply must add it to `key` here.
    """
    known: dict[tuple[bool, bool, bool], ReplyRights] = {}

    def rights(reply: Reply) -> ReplyRights:
        key = (reply.is_deleted, reply.is_hidden, reply.author_id == user.pk)
        found = known.get(key)
        if found is None:
            reply.thread = thread
            found = known[key] = ReplyRights(
                edit=can_edit(user, reply),
                delete=can_delete(user, reply),
                react=can_react(user, reply),
                flag=can_flag(user, reply),
                concealed=conceals(user, reply),
            )
        return found

    return rights


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


def threads_concealing_replies_from(user: User) -> QuerySet[Thread]:
    """Post-first prompts whose replies `user` may not read yet (row filter of
    `can_see_replies`): not their own prompt, no live response of theirs, and
    not in a space they manage."""
    own_response = Reply.objects.filter(
        thread=OuterRef("pk"), author_id=user.pk, parent=None, is_deleted=False
    )
    return (
        Thread.objects.filter(post_first=True, kind=Thread.Kind.PROMPT)
        .exclude(author_id=user.pk)
        .exclude(Exists(own_response))
        .exclude(space__in=spaces_managed_by(user))
    )


def replies_concealed_from(user: User, replies: QuerySet[Reply]) -> QuerySet[Reply]:
    """`replies` less those `user` may not read: hidden by a moderator (unless
    `sees_hidden`) and those of a post-first prompt waiting for their response."""
    return replies.filter(
        Q(is_hidden=False) | Q(author_id=user.pk) | Q(thread__space__in=spaces_managed_by(user))
    ).exclude(thread__in=threads_concealing_replies_from(user))


def access_thread(user: User, slug: str, thread_id: int, *, with_visit: bool = False) -> Thread:
    """Return the thread `thread_id` of space `slug` if `user` may read it, else 404.

    One query fetches the thread, its space, its skill tags, the viewer's role
    there (kept in the role cache, from which `can_view_content` decides
    without a query whether the viewer may read it) and, with `with_visit`,
    when the viewer last read it (`thread.viewer_last_seen`, None when never)
    and whether they follow it (`thread.viewer_follows`).
    """
    threads = with_skills(
        Thread.objects.select_related("author__profile", "space", "video").filter(
            space__slug=slug, pk=thread_id
        )
    )
    if user.is_authenticated:
        threads = threads.annotate(
            viewer_role=Subquery(
                Membership.objects.filter(space=OuterRef("space_id"), user=user)
                .order_by()
                .values("role")[:1]
            )
        )
        if with_visit:
            threads = threads.annotate(
                viewer_last_seen=Subquery(
                    ThreadVisit.objects.filter(thread=OuterRef("pk"), user=user).values("seen_at")[
                        :1
                    ]
                ),
                viewer_follows=Exists(Follow.objects.filter(thread=OuterRef("pk"), user=user)),
            )
    thread = threads.first()
    if thread is None:
        raise Http404("No such thread.")
    # Prime `role_in`'s per-request cache with the role read above, on the lazy
    # request.user and on the User it wraps (callers may hold either).
    real = getattr(user, "_wrapped", user)
    for holder in (user,) if real is user or not hasattr(real, "__dict__") else (user, real):
        holder.__dict__.setdefault("_space_roles", {})[thread.space_id] = thread.viewer_role
    if not can_view_content(user, thread.space):
        raise Http404("No such thread.")
    return thread


def access_thread_by_id(user: User, thread_id: int) -> Thread:
    """Return thread `thread_id` if `user` may read its space's content, else 404."""
    thread = Thread.objects.select_related("author", "space", "video").filter(pk=thread_id).first()
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


def can_follow(user: User, space: Space) -> bool:
    """Follow a thread of `space`, or the whole space: whoever may read it."""
    return can_view_content(user, space)


# --- Private blog feeds -----------------------------------------------------------------

FEED_SALT = "agora.discussions.blog-feed"


def feed_token(user: User, space: Space) -> str:
    """A token that lets `user`'s feed reader fetch `space`'s blog feed."""
    return signing.dumps({"u": user.pk, "s": space.pk}, salt=FEED_SALT, compress=True)


def feed_reader(token: str, slug: str) -> tuple[User, Space]:
    """The person and space a feed token names, if they still may read it; else 404."""
    try:
        claims = signing.loads(token, salt=FEED_SALT)
        user = User.objects.get(pk=int(claims["u"]), is_active=True)
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError, ValueError) as error:
        raise Http404("No such feed.") from error
    space = access_space(user, slug)
    if space.pk != claims["s"] or not can_view_content(user, space):
        raise Http404("No such feed.")
    return user, space

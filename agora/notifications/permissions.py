"""Who may see which notifications, and who may be told of a post.

A notification is its recipient's alone: another person's id is a 404. A
post is told only to people who may read it: they may view the space's
content and, in a post-first prompt, see classmates' replies.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from agora.accounts.models import User
from agora.discussions.models import Reply, Thread
from agora.discussions.permissions import can_see_replies
from agora.notifications.models import Notification
from agora.spaces.models import Membership
from agora.spaces.permissions import can_view_content, spaces_with_content_visible_to

if TYPE_CHECKING:
    from agora.spaces.models import Space

BATCH = 500


def access_notification(user: User, notification_id: int) -> Notification:
    """Return `user`'s notification `notification_id`, else raise Http404.

    Also 404 when it is about a space the person may no longer read.
    """
    return get_object_or_404(notifications_visible_to(user), pk=notification_id)


def notifications_visible_to(user: User) -> QuerySet[Notification]:
    """`user`'s own notifications about spaces they may still read.

    Someone who left a secret space keeps its rows, but no longer sees their
    snippets.
    """
    readable = Q(space__isnull=True) | Q(space__in=spaces_with_content_visible_to(user))
    return Notification.objects.filter(readable, recipient=user)


def readers_among(
    user_ids: Iterable[int], *, space: Space, thread: Thread, is_reply: bool
) -> dict[int, User]:
    """Return, by id, the people of `user_ids` who may read a post of `thread`.

    The space rules are asked person by person (`can_view_content`) with
    their roles read in one query per batch and primed into the role cache,
    so fan-out to many people costs a few queries, not one per person.
    """
    ids = sorted(set(user_ids))
    readers: dict[int, User] = {}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        people = list(User.objects.filter(pk__in=chunk, is_active=True))
        roles = dict(
            Membership.objects.filter(space=space, user_id__in=chunk).values_list("user_id", "role")
        )
        posted: set[int] = set()
        if is_reply and thread.post_first:
            posted = set(
                Reply.objects.filter(
                    thread=thread, parent=None, is_deleted=False, author_id__in=chunk
                ).values_list("author_id", flat=True)
            )
        for person in people:
            person.__dict__.setdefault("_space_roles", {})[space.pk] = roles.get(person.pk)
            if not can_view_content(person, space):
                continue
            if is_reply and not can_see_replies(person, thread, has_posted=person.pk in posted):
                continue
            readers[person.pk] = person
    return readers

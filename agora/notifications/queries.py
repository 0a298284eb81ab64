"""Read paths for the notification pages, the header badge and the API."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.db.models import QuerySet

from agora.accounts.models import User
from agora.notifications.models import Notification
from agora.notifications.permissions import notifications_visible_to

# The badge counts up to this many and then says "99+".
BADGE_CAP = 100
UNREAD_CACHE_SECONDS = 300


def inbox(*, user: User) -> QuerySet[Notification]:
    """`user`'s notifications, newest first, with what the list shows of the actor."""
    return (
        notifications_visible_to(user)
        .select_related("actor__profile")
        .order_by("-created_at", "-pk")
    )


def _unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(*, user: User) -> int:
    """Return how many unread notifications `user` has, counting at most BADGE_CAP.

    Every page's header shows it, so it is cached until a notification
    arrives or is read (the actions forget it); a miss is one bounded query
    on a partial index.
    """
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = (
            notifications_visible_to(user)
            .filter(read_at__isnull=True)
            .values("pk")[:BADGE_CAP]
            .count()
        )
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count


def forget_unread_counts(user_ids: Iterable[int]) -> None:
    cache.delete_many([_unread_key(pk) for pk in user_ids])

"""The unread-notifications badge of every page's header."""

from __future__ import annotations

from functools import cached_property

from django.http import HttpRequest

from agora.notifications.queries import BADGE_CAP, unread_count


class UnreadBadge:
    """Counted on first use, once per request (templates that never ask cost nothing)."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    @cached_property
    def count(self) -> int:
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        return unread_count(user=user)

    @property
    def label(self) -> str:
        return f"{BADGE_CAP - 1}+" if self.count >= BADGE_CAP else str(self.count)


def unread_notifications(request: HttpRequest) -> dict[str, UnreadBadge]:
    badge = getattr(request, "_unread_badge", None)
    if badge is None:
        badge = request._unread_badge = UnreadBadge(request)
    return {"unread_notifications": badge}

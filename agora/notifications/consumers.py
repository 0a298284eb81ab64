"""The unread-notifications badge, live: ``/ws/notifications/``.

Each person's sockets share the group ``notifications.<user id>``; when a
notification for them is created, the listener pushes its event and every
open page of theirs receives the new unread count (read fresh, with the
same rules as the header badge).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agora.accounts.models import User
from agora.core.live import LiveConsumer
from agora.core.models import Event
from agora.notifications.models import Notification
from agora.notifications.queries import BADGE_CAP, unread_count


def group_of(user_id: int) -> str:
    return f"notifications.{user_id}"


def count_message(viewer: User, event_id: int | None = None) -> dict:
    """What the header badge shows: the count, its label and the link's accessible name."""
    count = unread_count(user=viewer)
    if count:
        name = ngettext(
            "Notifications, %(counter)s unread", "Notifications, %(counter)s unread", count
        ) % {"counter": count}
    else:
        name = _("Notifications")
    return {
        "type": "notifications.count",
        "event_id": event_id,
        "count": count,
        "label": f"{BADGE_CAP - 1}+" if count >= BADGE_CAP else str(count),
        "name": name,
    }


class UnreadCountConsumer(LiveConsumer):
    def live_groups(self) -> list[str]:
        return [group_of(self.viewer_id)] if self.viewer_id else []

    def may_listen(self, viewer: User) -> bool:
        return True  # one's own badge; an active account is checked by LiveConsumer

    def stream_events(self) -> QuerySet[Event]:
        mine = Notification.objects.filter(recipient_id=self.viewer_id).values("event_id")
        return Event.objects.filter(pk__in=mine)

    def on_connect(self, viewer: User) -> list[dict]:
        return [count_message(viewer)]

    def render_events(self, viewer: User, events: list[Event]) -> list[dict]:
        return [count_message(viewer, events[-1].pk)]

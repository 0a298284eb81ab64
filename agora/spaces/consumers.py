"""Live activity feed of a space over a websocket.

The socket is authenticated by the session and checked with the same
`can_view_content` rule as the page. Each feed event is checked again, with
the account and its memberships read fresh, and rendered server-side before
it is sent: a person removed from the space, or whose account is
deactivated, is disconnected (close code 4403) instead of being sent more.
Catch-up after a reconnection and the heartbeat come from `LiveConsumer`.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.template.loader import render_to_string

from agora.accounts.models import User
from agora.core.feed import feed_verbs
from agora.core.live import NOT_ALLOWED, LiveConsumer
from agora.core.models import Event
from agora.spaces.models import Space
from agora.spaces.permissions import can_view_content, remember_roles

__all__ = ["NOT_ALLOWED", "SpaceFeedConsumer"]


class SpaceFeedConsumer(LiveConsumer):
    def live_groups(self) -> list[str]:
        return [f"space.{self.space_id}"]

    @property
    def space_id(self) -> int:
        return int(self.scope["url_route"]["kwargs"]["space_id"])

    def may_listen(self, viewer: User) -> bool:
        space = Space.objects.filter(pk=self.space_id).first()
        return space is not None and can_view_content(viewer, space)

    def viewers_allowed(self, viewers: list[User]) -> list[User]:
        space = Space.objects.filter(pk=self.space_id).first()
        if space is None:
            return []
        remember_roles(viewers, space)  # one query for all, not one per viewer
        return [viewer for viewer in viewers if can_view_content(viewer, space)]

    def stream_events(self) -> QuerySet[Event]:
        return Event.objects.select_related("actor__profile", "space").filter(
            space_id=self.space_id, verb__in=feed_verbs()
        )

    def render_events(self, viewer: User, events: list[Event]) -> list[dict]:
        return [
            {
                "type": "feed.event",
                "event_id": event.pk,
                "html": render_to_string("core/_event.html", {"event": event, "user": viewer}),
            }
            for event in events
        ]

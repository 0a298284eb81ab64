"""Live activity feed of a space over a websocket.

The socket is authenticated by the session and checked with the same
`can_view_content` rule as the page. Each feed event is checked again, with
the account and its memberships read fresh, and rendered server-side before
it is sent: a person removed from the space, or whose account is
deactivated, is disconnected (close code 4403) instead of being sent more.
"""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.template.loader import render_to_string

from agora.accounts.models import User
from agora.core.feed import feed_verbs
from agora.core.models import Event
from agora.spaces.models import Space
from agora.spaces.permissions import can_view_content

NOT_ALLOWED = 4403  # the page script does not reconnect after this code


class SpaceFeedConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.space_id = int(self.scope["url_route"]["kwargs"]["space_id"])
        self.group = f"space.{self.space_id}"
        self.viewer_id = await self._allowed_viewer_id()
        if self.viewer_id is None:
            await self.close(code=NOT_ALLOWED)
            return
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if getattr(self, "viewer_id", None) is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        """Ignore what the browser sends: the feed is one-way (and bad JSON is no error)."""

    async def feed_event(self, message: dict) -> None:
        allowed, html = await self._render(message["event_id"])
        if not allowed:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            self.viewer_id = None
            await self.close(code=NOT_ALLOWED)
        elif html is not None:
            await self.send_json(
                {"type": "feed.event", "event_id": message["event_id"], "html": html}
            )

    def _viewer(self, user_id: int | None) -> tuple[User | None, Space | None]:
        viewer = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
        space = Space.objects.filter(pk=self.space_id).first()
        if viewer is None or space is None or not can_view_content(viewer, space):
            return None, None
        return viewer, space

    @database_sync_to_async
    def _allowed_viewer_id(self) -> int | None:
        user = self.scope.get("user")
        user_id = user.pk if user is not None and user.is_authenticated else None
        viewer, _space = self._viewer(user_id)
        return viewer.pk if viewer is not None else None

    @database_sync_to_async
    def _render(self, event_id: int) -> tuple[bool, str | None]:
        """Return (still allowed, the event's HTML or None when it is not for the feed)."""
        viewer, _space = self._viewer(self.viewer_id)
        if viewer is None:
            return False, None
        event = (
            Event.objects.select_related("actor__profile", "space")
            .filter(pk=event_id, space_id=self.space_id, verb__in=feed_verbs())
            .first()
        )
        if event is None:
            return True, None
        return True, render_to_string("core/_event.html", {"event": event, "user": viewer})

"""Live activity feed of a space over a websocket.

The socket is authenticated by the session and checked with the same
`can_view_content` rule as the page; each feed event is re-checked and
rendered server-side before it is sent.
"""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.template.loader import render_to_string

from agora.core.feed import feed_verbs
from agora.core.models import Event
from agora.spaces.models import Space
from agora.spaces.permissions import can_view_content, forget_roles


class SpaceFeedConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.space_id = int(self.scope["url_route"]["kwargs"]["space_id"])
        self.group = f"space.{self.space_id}"
        if not await self._may_view():
            await self.close(code=4403)
            return
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def feed_event(self, message: dict) -> None:
        html = await self._render(message["event_id"])
        if html is not None:
            await self.send_json(
                {"type": "feed.event", "event_id": message["event_id"], "html": html}
            )

    @database_sync_to_async
    def _may_view(self) -> bool:
        user = self.scope.get("user")
        space = Space.objects.filter(pk=self.space_id).first()
        return bool(user and space and can_view_content(user, space))

    @database_sync_to_async
    def _render(self, event_id: int) -> str | None:
        user = self.scope.get("user")
        if user is not None:
            forget_roles(user)  # a membership may have ended since the socket opened
        space = Space.objects.filter(pk=self.space_id).first()
        if not (user and space and can_view_content(user, space)):
            return None
        event = (
            Event.objects.select_related("actor__profile", "space")
            .filter(pk=event_id, space_id=self.space_id, verb__in=feed_verbs())
            .first()
        )
        if event is None:
            return None
        return render_to_string("core/_event.html", {"event": event, "user": user})

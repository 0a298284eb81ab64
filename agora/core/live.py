"""Live updates over websockets: one pattern for every live view.

A pusher (core/events.py) calls `push(group, event_id)` right after the
event's transaction has committed, in the process that wrote it; every
consumer of the group receives ``{"type": "live.event", "event_id": …}``
and, being a `LiveConsumer`, checks the viewer's rights
again (account and memberships read fresh), renders what that viewer may see
and sends it. The message only names the event: the event log is the truth.

That also makes the stream lossless. A browser that reconnects says which
event it applied last (``?after=<id>``; a page just served says when it was
rendered, ``?since=<epoch seconds>``) and the consumer replays the stream's
events after it, up to `CATCH_UP_LIMIT`, beyond which it asks the page to
reload. While connected, a heartbeat goes through the channel layer every
``AGORA_LIVE_HEARTBEAT`` seconds: when the layer is down (Redis stopped) the
socket is closed, so the page says live updates are paused and reconnects
with backoff; and each beat re-reads the log for events the layer dropped
(a Redis restart loses what was published meanwhile).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from asgiref.sync import async_to_sync, sync_to_async
from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import Error as DatabaseError
from django.db import connection
from django.db.models import QuerySet
from uvicorn.protocols.utils import ClientDisconnected

from agora.accounts.models import User
from agora.core.models import Event

logger = logging.getLogger(__name__)

NOT_ALLOWED = 4403  # the page script does not reconnect after this code
LAYER_DOWN = 4503  # the channel layer failed: the page reconnects and catches up
CATCH_UP_LIMIT = 200
SEND_TIMEOUT = 2.0
# After a failed push, this process skips pushing for so many seconds.
RETRY_LAYER_AFTER = 5.0
# The sockets of this process, by group, and the event batches being worked out.
_local: dict[str, set[LiveConsumer]] = {}
_batches: dict[tuple[asyncio.AbstractEventLoop, str, int], asyncio.Future] = {}
BATCH_KEPT_S = 30.0
# Every so many heartbeats a socket re-reads the log for events the layer lost
# (a Redis restart that no ping noticed); a ping costs nothing, a read does.
SWEEP_EVERY = 4
_down_until: dict[int, float] = {}


def push(group: str, event_id: int) -> None:
    """Tell the consumers of `group` that event `event_id` happened.

    Called by listeners, after commit. A channel layer that is down (Redis
    stopped) is logged and otherwise ignored: the write has happened, and
    the browsers catch up from the event log when they reconnect.
    """
    layer = get_channel_layer()
    # By the layer's id: the Redis pub/sub layer is a proxy that wants a running loop.
    if layer is None or time.monotonic() < _down_until.get(id(layer), 0.0):
        return
    try:
        async_to_sync(_send_to_group)(layer, group, event_id)
    except Exception:
        # Do not make the next posts wait on a layer that is down: skip it a while.
        _down_until[id(layer)] = time.monotonic() + RETRY_LAYER_AFTER
        logger.warning("Live push of event %s to %s failed", event_id, group, exc_info=True)


async def _send_to_group(layer: Any, group: str, event_id: int) -> None:
    await asyncio.wait_for(
        layer.group_send(group, {"type": "live.event", "event_id": event_id, "group": group}),
        SEND_TIMEOUT,
    )


def in_database_thread(function: Any) -> Any:
    """Run `function` in the one thread where the live sockets read the database.

    Unlike channels' `database_sync_to_async`, the connection is kept between
    calls: every open socket reads the database for every event, and under
    ASGI ``CONN_MAX_AGE`` is 0, which would mean one new connection per socket
    per event. One connection serves them all, one call at a time; it is
    dropped after an error, and the next call opens a fresh one.
    """

    def call(*args: Any, **kwargs: Any) -> Any:
        if connection.connection is not None and connection.errors_occurred:
            if not connection.is_usable():
                connection.close()
            connection.errors_occurred = False
        try:
            return function(*args, **kwargs)
        except DatabaseError:
            connection.close()
            raise

    return sync_to_async(call, thread_sensitive=True)


def _query_number(query: dict[str, list[str]], name: str) -> float | None:
    try:
        value = float(query[name][0])
    except (KeyError, IndexError, ValueError):
        return None
    return value if value >= 0 else None


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """A websocket that follows one stream of events (a space, a thread, a person).

    Subclasses say which groups to join (`live_groups`), whether the viewer
    may listen (`may_listen`), which events belong to the stream
    (`stream_events`), and what the viewer is sent for some of them
    (`render_events`). The last three run in a database thread, with the
    viewer read fresh each time.
    """

    viewer_id: int | None = None

    # --- What a stream defines ------------------------------------------------------

    def live_groups(self) -> list[str]:
        raise NotImplementedError

    def may_listen(self, viewer: User) -> bool:
        raise NotImplementedError

    def stream_events(self) -> QuerySet[Event]:
        """The stream's events (filtered further by id or time)."""
        return Event.objects.none()

    def render_events(self, viewer: User, events: list[Event]) -> list[dict]:
        """The messages for `viewer` about `events` (oldest first), each with its ``event_id``."""
        return []

    def viewers_allowed(self, viewers: list[User]) -> list[User]:
        """Those of `viewers` who may listen (override to check many in a few queries)."""
        return [viewer for viewer in viewers if self.may_listen(viewer)]

    def render_for(self, viewers: list[User], events: list[Event]) -> dict[int, list[dict]]:
        """The messages for each of `viewers` (by id) about `events` (override to share work)."""
        return {viewer.pk: self.render_events(viewer, events) for viewer in viewers}

    def on_connect(self, viewer: User) -> list[dict]:
        """Messages sent once the socket is open (a current count)."""
        return []

    # --- The socket ---------------------------------------------------------------

    async def __call__(self, scope, receive, send) -> None:
        """Close with LAYER_DOWN, rather than fail, when the channel layer fails under us
        (Redis down: subscribing to the socket's own channel raises)."""
        self.accepted = False
        self.groups_joined = []
        self.heartbeat = None
        try:
            await super().__call__(scope, receive, send)
        except ClientDisconnected:
            pass  # the browser left while we were sending
        except Exception:
            logger.warning("Channel layer failed: live socket closed", exc_info=True)
            with contextlib.suppress(Exception):
                if not self.accepted:  # accepted, so that the page reads the code
                    await send({"type": "websocket.accept"})
                await send({"type": "websocket.close", "code": LAYER_DOWN})
        finally:
            # However the socket ended, this process stops counting it as a listener.
            if self.heartbeat is not None:
                self.heartbeat.cancel()
            for group in self.groups_joined:
                members = _local.get(group)
                if members is not None:
                    members.discard(self)
                    if not members:
                        del _local[group]

    async def accept(self, subprotocol: str | None = None, headers: Any = None) -> None:
        await super().accept(subprotocol, headers)
        self.accepted = True

    async def dispatch(self, message: dict) -> None:
        """Call the message's handler, without channels' `aclose_old_connections`
        before each one: under ASGI that would close the live sockets' shared
        connection 200 times per event (see `in_database_thread`)."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        self.query = query
        after, since = _query_number(query, "after"), _query_number(query, "since")
        self.last_id = int(after) if after is not None else None
        self.since = since
        self.groups_joined: list[str] = []
        self.heartbeat: asyncio.Task | None = None
        self.pong_at = time.monotonic()
        self.connected_once = False
        user = self.scope.get("user")
        user_id = user.pk if user is not None and user.is_authenticated else None
        self.viewer_id = await self._check(user_id)
        if self.viewer_id is None:
            await self.close(code=NOT_ALLOWED)
            return
        try:
            for group in self.live_groups():
                await asyncio.wait_for(
                    self.channel_layer.group_add(group, self.channel_name), SEND_TIMEOUT
                )
                self.groups_joined.append(group)
                _local.setdefault(group, set()).add(self)
        except Exception:
            logger.warning("Channel layer unavailable: live socket closed", exc_info=True)
            await self._leave_groups()
            # Accepted, then closed: a refused handshake would reach the page as 1006,
            # the same as a server without websockets, and the page could not say why.
            await self.accept()
            await self.close(code=LAYER_DOWN)
            return
        await self.accept()
        messages, allowed = await self._catch_up()
        if not allowed:
            await self._refuse()
            return
        for message in messages:
            await self.send_json(message)
        self.heartbeat = asyncio.ensure_future(self._beat())

    async def disconnect(self, code: int) -> None:
        if self.heartbeat is not None:
            self.heartbeat.cancel()
            self.heartbeat = None
        await self._leave_groups()

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        """Ignore what the browser sends: the stream is one-way (and bad JSON is no error)."""

    async def live_event(self, message: dict) -> None:
        event_id, group = message.get("event_id"), message.get("group")
        if self.viewer_id is None or not isinstance(event_id, int):
            return
        messages, allowed = await self._shared_messages(group, event_id)
        if not allowed:
            await self._refuse()
            return
        for item in messages:
            await self.send_json(item)

    async def _shared_messages(self, group: Any, event_id: int) -> tuple[list[dict], bool]:
        """This viewer's messages for one event, worked out once for every socket of
        the group in this process: one pass reads the viewers, the event and its
        object, and renders for each (each viewer read fresh, per event)."""
        if group not in self.groups_joined:
            return await self._messages(event_ids=[event_id])
        loop = asyncio.get_running_loop()
        # By loop too: a future belongs to its loop (tests run one loop per test).
        key = (loop, group, event_id)
        batch = _batches.get(key)
        if batch is None:
            batch = _batches[key] = loop.create_future()
            loop.call_later(BATCH_KEPT_S, _batches.pop, key, None)
            viewer_ids = sorted(
                {member.viewer_id for member in _local.get(group, ()) if member.viewer_id}
            )
            try:
                batch.set_result(await self._batch(viewer_ids, event_id))
            except Exception as error:
                batch.set_exception(error)
        try:
            results, newest = await asyncio.shield(batch)
        except Exception:
            logger.warning("Live batch for event %s failed", event_id, exc_info=True)
            return await self._messages(event_ids=[event_id])
        if self.viewer_id not in results:  # connected after the batch began
            return await self._messages(event_ids=[event_id])
        if newest is not None:
            self.last_id = max(self.last_id or 0, newest)
        allowed, messages = results[self.viewer_id]
        return messages, allowed

    async def live_ping(self, message: dict) -> None:
        self.pong_at = time.monotonic()

    # --- Inside ---------------------------------------------------------------------

    async def _leave_groups(self) -> None:
        for group in self.groups_joined:
            members = _local.get(group)
            if members is not None:
                members.discard(self)
                if not members:
                    del _local[group]
            with contextlib.suppress(Exception):
                await asyncio.wait_for(
                    self.channel_layer.group_discard(group, self.channel_name), SEND_TIMEOUT
                )
        self.groups_joined = []

    async def _refuse(self) -> None:
        await self._leave_groups()
        self.viewer_id = None
        await self.close(code=NOT_ALLOWED)

    async def _beat(self) -> None:
        """Check the layer through a ping to oneself, and re-read the log for lost events."""
        interval = settings.AGORA_LIVE_HEARTBEAT
        beats = 0
        # Sockets opened together beat apart.
        await asyncio.sleep(interval * random.random())  # noqa: S311 (spreading load, no secret)
        pinged = None
        self.pong_at = time.monotonic()
        while self.viewer_id is not None:
            await asyncio.sleep(interval)
            beats += 1
            if pinged is not None and time.monotonic() - self.pong_at > 3 * interval + SEND_TIMEOUT:
                # Pings go out and none has come back for three beats: the layer lost them
                # (a busy socket answers late, in turn with its events, but it answers).
                await self._close_for_layer()
                return
            pinged = time.monotonic()
            try:
                await asyncio.wait_for(
                    self.channel_layer.send(self.channel_name, {"type": "live.ping"}),
                    SEND_TIMEOUT,
                )
            except Exception:
                logger.info("Channel layer unreachable: closing a live socket", exc_info=True)
                await self._close_for_layer()
                return
            if beats % SWEEP_EVERY:
                continue
            messages, allowed = await self._catch_up()
            if not allowed:
                await self._refuse()
                return
            for message in messages:
                await self.send_json(message)

    async def _close_for_layer(self) -> None:
        self.heartbeat = None  # this task: do not cancel it from disconnect
        await self._leave_groups()
        self.viewer_id = None
        await self.close(code=LAYER_DOWN)

    def _viewer(self, user_id: int | None) -> User | None:
        viewer = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
        if viewer is None or not self.may_listen(viewer):
            return None
        return viewer

    @in_database_thread
    def _check(self, user_id: int | None) -> int | None:
        viewer = self._viewer(user_id)
        return viewer.pk if viewer is not None else None

    @in_database_thread
    def _catch_up(self) -> tuple[list[dict], bool]:
        """Messages for the events after the last one handled, or a reload when too many."""
        if self.connected_once and self.last_id is not None:
            # A heartbeat's sweep: one query, and nothing more unless the layer lost an event.
            stream = self.stream_events().filter(pk__gt=self.last_id)
            if not stream.order_by().values("pk")[:1].exists():
                return [], True
        viewer = self._viewer(self.viewer_id)
        if viewer is None:
            return [], False
        messages = self.on_connect(viewer) if not self.connected_once else []
        self.connected_once = True
        events = self.stream_events()
        if self.last_id is not None:
            events = events.filter(pk__gt=self.last_id)
        elif self.since is not None:
            events = events.filter(created_at__gt=datetime.fromtimestamp(self.since, tz=UTC))
        else:
            newest = Event.objects.order_by("-pk").values_list("pk", flat=True).first()
            self.last_id = newest or 0
            return messages, True
        found = list(events.order_by("pk")[: CATCH_UP_LIMIT + 1])
        if len(found) > CATCH_UP_LIMIT:
            self.last_id = found[-1].pk
            return [*messages, {"type": "live.reload", "event_id": found[-1].pk}], True
        if not found:
            return messages, True
        self.last_id = max(self.last_id or 0, found[-1].pk)
        return [*messages, *self.render_events(viewer, found)], True

    @in_database_thread
    def _batch(
        self, viewer_ids: list[int], event_id: int
    ) -> tuple[dict[int, tuple[bool, list[dict]]], int | None]:
        people = list(User.objects.filter(pk__in=viewer_ids, is_active=True))
        allowed = self.viewers_allowed(people)
        results: dict[int, tuple[bool, list[dict]]] = {pk: (False, []) for pk in viewer_ids}
        events = list(self.stream_events().filter(pk=event_id))
        rendered = self.render_for(allowed, events) if events and allowed else {}
        for viewer in allowed:
            results[viewer.pk] = (True, rendered.get(viewer.pk, []))
        return results, events[-1].pk if events else None

    @in_database_thread
    def _messages(self, *, event_ids: list[int]) -> tuple[list[dict], bool]:
        viewer = self._viewer(self.viewer_id)
        if viewer is None:
            return [], False
        events = list(self.stream_events().filter(pk__in=event_ids).order_by("pk"))
        if not events:
            return [], True
        self.last_id = max(self.last_id or 0, events[-1].pk)
        return self.render_events(viewer, events), True

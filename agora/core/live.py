"""Live updates over websockets: one pattern for every live view.

A pusher (core/events.py) calls `push(group, event_id)` right after the
event's transaction has committed, in the process that wrote it; every
consumer of the group receives ``{"type": "live.event", "event_id": …}``
and, being a `LiveConsumer`, checks the viewer's rights
again (account and memberships read fresh), renders what that viewer may see
and sends it. The message only names the event: the event log is the truth.
The sockets of a group in one process share that work: one pass per event
reads the viewers and the event's object and renders once for each set of
viewers who see the same (`LiveConsumer.deliveries`), and each message is
encoded once.

That also makes the stream lossless. A browser that reconnects says which
event it applied last (``?after=<id>``; a page just served says when it was
rendered, ``?since=<epoch seconds>``) and the consumer replays the stream's
events after it, up to `CATCH_UP_LIMIT`, beyond which it asks the page to
reload. While sockets are open, a heartbeat per process (`_Pulse`) goes
through the channel layer every ``AGORA_LIVE_HEARTBEAT`` seconds: when the
layer is down (Redis stopped) the sockets are closed, so the pages say live
updates are paused and reconnect with backoff; and every few beats it
re-reads the log for events the layer dropped (a Redis restart loses what
was published meanwhile).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
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
# Every so many heartbeats the log is re-read for events the layer lost
# (a Redis restart that no ping noticed); a ping costs nothing, a read does.
SWEEP_EVERY = 4
# A socket remembers so many of the events it was sent, not to send one twice
# (a sweep may find an event whose push is still on its way).
SENT_KEPT = 256
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


class _Pulse:
    """The heartbeat of one event loop (one server process) for all its live sockets.

    Every ``AGORA_LIVE_HEARTBEAT`` seconds it sends a ping through the channel
    layer to one of the sockets, whose handler answers here. When the send
    fails, or no ping has come back for three beats, the layer is down: every
    socket of the process is closed with `LAYER_DOWN`, so the pages say live
    updates are paused and reconnect. Every `SWEEP_EVERY` beats it re-reads the
    log for events the layer lost, once per group (the sockets of a group follow
    one stream), and hands them to the group's sockets through the shared
    batches. The sockets of a process share one Redis connection: a ping or a
    read per socket would cost the process work in proportion to its sockets,
    and under load make a busy process look like a lost layer.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.sockets: set[LiveConsumer] = set()
        self.pong_at = time.monotonic()
        self.task = loop.create_task(self.run())

    @classmethod
    def of(cls, loop: asyncio.AbstractEventLoop) -> _Pulse:
        pulse = _pulses.get(loop)
        if pulse is None:
            pulse = _pulses[loop] = cls(loop)
        return pulse

    def leave(self, socket: LiveConsumer) -> None:
        self.sockets.discard(socket)
        if not self.sockets and _pulses.get(self.loop) is self:
            del _pulses[self.loop]
            if asyncio.current_task() is not self.task:
                self.task.cancel()

    async def run(self) -> None:
        try:
            await self._beat()
        finally:
            # Ended (the sockets closed, or the layer is down): the next socket starts anew.
            if _pulses.get(self.loop) is self:
                del _pulses[self.loop]

    async def _beat(self) -> None:
        interval = settings.AGORA_LIVE_HEARTBEAT
        beats = 0
        pinged = False
        while self.sockets:
            await asyncio.sleep(interval)
            beats += 1
            if pinged and time.monotonic() - self.pong_at > 3 * interval + SEND_TIMEOUT:
                # Pings go out and none has come back for three beats: the layer lost them
                # (a busy process answers late, in turn with its events, but it answers).
                logger.info("Channel layer lost the pings: closing the live sockets")
                await self.close_all()
                return
            if not self.sockets:
                return
            target = next(iter(self.sockets))
            try:
                await asyncio.wait_for(
                    target.channel_layer.send(target.channel_name, {"type": "live.ping"}),
                    SEND_TIMEOUT,
                )
            except Exception:
                logger.info("Channel layer unreachable: closing the live sockets", exc_info=True)
                await self.close_all()
                return
            if not pinged:
                pinged, self.pong_at = True, time.monotonic()
            if not beats % SWEEP_EVERY:
                await self.sweep()

    async def close_all(self) -> None:
        for socket in list(self.sockets):
            with contextlib.suppress(Exception):
                await socket._close_for_layer()

    async def sweep(self) -> None:
        groups: dict[str, list[LiveConsumer]] = {}
        for socket in self.sockets:
            if socket.viewer_id is not None and socket.last_id is not None:
                for group in socket.groups_joined:
                    groups.setdefault(group, []).append(socket)
        for group, members in groups.items():
            try:
                found = await members[0]._stream_after(min(m.last_id or 0 for m in members))
            except Exception:
                logger.warning("Live sweep of %s failed", group, exc_info=True)
                continue
            if found:
                await asyncio.gather(
                    *(member._sweep(group, found) for member in members), return_exceptions=True
                )


_pulses: dict[asyncio.AbstractEventLoop, _Pulse] = {}


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

    def deliveries(self, viewer_ids: list[int], events: list[Event]) -> dict[int, list[dict]]:
        """The messages for each of `viewer_ids` who may still listen, by id (the
        others are left out, and disconnected), each viewer read fresh. Override
        to share the work between viewers who see the same."""
        viewers = list(User.objects.filter(pk__in=viewer_ids, is_active=True))
        allowed = self.viewers_allowed(viewers)
        rendered = self.render_for(allowed, events) if events and allowed else {}
        return {viewer.pk: rendered.get(viewer.pk, []) for viewer in allowed}

    def on_connect(self, viewer: User) -> list[dict]:
        """Messages sent once the socket is open (a current count)."""
        return []

    # --- The socket ---------------------------------------------------------------

    async def __call__(self, scope, receive, send) -> None:
        """Close with LAYER_DOWN, rather than fail, when the channel layer fails under us
        (Redis down: subscribing to the socket's own channel raises)."""
        self.accepted = False
        self.groups_joined = []
        self.pulse: _Pulse | None = None
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
            if self.pulse is not None:
                self.pulse.leave(self)
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
        self.connected_once = False
        self.sent_ids: set[int] = set()
        self.sent_order: deque[int] = deque()
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
        await self._send_messages(messages)
        self.pulse = _Pulse.of(asyncio.get_running_loop())
        self.pulse.sockets.add(self)

    async def disconnect(self, code: int) -> None:
        if self.pulse is not None:
            self.pulse.leave(self)
        await self._leave_groups()

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        """Ignore what the browser sends: the stream is one-way (and bad JSON is no error)."""

    async def live_event(self, message: dict) -> None:
        event_id, group = message.get("event_id"), message.get("group")
        if self.viewer_id is None or not isinstance(event_id, int):
            return
        await self._deliver(group, event_id)

    async def _deliver(self, group: Any, event_id: int) -> None:
        """Send this viewer what event `event_id` shows them, unless it was sent already."""
        if event_id in self.sent_ids:
            return
        texts, allowed = await self._shared_messages(group, event_id)
        if not allowed:
            await self._refuse()
            return
        if event_id in self.sent_ids:  # a sweep sent it while this waited
            return
        self._mark_sent(event_id)
        for text in texts:
            await self.send(text_data=text)

    async def _send_messages(self, messages: list[dict]) -> None:
        for message in messages:
            if isinstance(message.get("event_id"), int):
                self._mark_sent(message["event_id"])
            await self.send_json(message)

    def _mark_sent(self, event_id: int) -> None:
        if event_id in self.sent_ids:
            return
        self.sent_ids.add(event_id)
        self.sent_order.append(event_id)
        if len(self.sent_order) > SENT_KEPT:
            self.sent_ids.discard(self.sent_order.popleft())

    async def _shared_messages(self, group: Any, event_id: int) -> tuple[list[str], bool]:
        """This viewer's messages for one event (as JSON text), worked out once for
        every socket of the group in this process: one pass reads the viewers,
        the event and its object, and renders once for each set of viewers who
        see the same (each viewer read fresh, per event)."""
        if group not in self.groups_joined:
            messages, allowed = await self._messages(event_ids=[event_id])
            return [json.dumps(message) for message in messages], allowed
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
            messages, allowed = await self._messages(event_ids=[event_id])
            return [json.dumps(message) for message in messages], allowed
        if self.viewer_id not in results:  # connected after the batch began
            messages, allowed = await self._messages(event_ids=[event_id])
            return [json.dumps(message) for message in messages], allowed
        if newest is not None:
            self.last_id = max(self.last_id or 0, newest)
        allowed, texts = results[self.viewer_id]
        return texts, allowed

    async def live_ping(self, message: dict) -> None:
        if self.pulse is not None:
            self.pulse.pong_at = time.monotonic()

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

    async def _sweep(self, group: str, found: list[int]) -> None:
        """Send what the layer lost: of the stream's events `found`, those after the
        last one handled and not yet sent. An event found here may be one whose
        push this busy process has not handled yet: it goes through the same
        shared batch as the push, and is sent once."""
        missed = [pk for pk in found if pk > (self.last_id or 0) and pk not in self.sent_ids]
        if len(missed) > CATCH_UP_LIMIT:
            messages, allowed = await self._catch_up()  # too many: the page reloads
            if not allowed:
                await self._refuse()
                return
            await self._send_messages(messages)
            return
        for event_id in missed:
            if self.viewer_id is None:
                return
            await self._deliver(group, event_id)

    async def _close_for_layer(self) -> None:
        if self.pulse is not None:
            self.pulse.leave(self)
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
    def _stream_after(self, last_id: int) -> list[int]:
        """The ids of the stream's events after `last_id`, oldest first (at most
        one more than `CATCH_UP_LIMIT`)."""
        return list(
            self.stream_events()
            .filter(pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", flat=True)[: CATCH_UP_LIMIT + 1]
        )

    @in_database_thread
    def _catch_up(self) -> tuple[list[dict], bool]:
        """Messages for the events after the last one handled, or a reload when too many."""
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
    ) -> tuple[dict[int, tuple[bool, list[str]]], int | None]:
        """Each viewer's (allowed, messages as JSON text) for one event, and its id
        if it belongs to the stream. Viewers who see the same share the message
        objects, which are encoded once."""
        events = list(self.stream_events().filter(pk=event_id))
        delivered = self.deliveries(viewer_ids, events)
        results: dict[int, tuple[bool, list[str]]] = {pk: (False, []) for pk in viewer_ids}
        encoded: dict[int, str] = {}
        for pk, messages in delivered.items():
            texts = []
            for message in messages:
                text = encoded.get(id(message))
                if text is None:
                    text = encoded[id(message)] = json.dumps(message)
                texts.append(text)
            results[pk] = (True, texts)
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
